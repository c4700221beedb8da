//! The output directory of `build -o`: replaced as a whole, and only when it holds what a build
//! wrote.

use std::io;
use std::path::{Path, PathBuf};

use windlass::render::OutputFile;

/// Whether `dir` holds only what a build wrote: a kustomization.yaml, or folders that each hold
/// one (`--all-envs`).
#[allow(
    clippy::disallowed_methods,
    reason = "the CLI is the one place that reads files"
)]
fn written_by_windlass(dir: &Path) -> io::Result<bool> {
    let mut entries = std::fs::read_dir(dir)?.peekable();
    if entries.peek().is_none() || dir.join("kustomization.yaml").exists() {
        return Ok(true);
    }
    for entry in entries {
        let path = entry?.path();
        if !(path.is_dir() && path.join("kustomization.yaml").exists()) {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Replaces `dir` with exactly `files`, atomically: the files are written to a sibling directory
/// that is then renamed into place, so a failure leaves `dir` as it was.
#[allow(
    clippy::disallowed_methods,
    reason = "the CLI is the one place that writes files"
)]
pub fn write_dir(dir: &Path, files: &[OutputFile]) -> io::Result<()> {
    use std::fs;
    let other = |msg: String| io::Error::other(msg);
    let name = dir
        .file_name()
        .ok_or_else(|| other("the output needs a directory of its own (not `.` or `/`)".into()))?
        .to_string_lossy()
        .into_owned();
    if dir.exists() {
        if !dir.is_dir() {
            return Err(other("it exists and is not a directory".into()));
        }
        if !written_by_windlass(dir)? {
            return Err(other(
                "it holds files that windlass did not write (no kustomization.yaml); choose an empty or new directory".into(),
            ));
        }
    }
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent)?;
    let pid = std::process::id();
    let staging = parent.join(format!(".{name}.windlass-new-{pid}"));
    let old = parent.join(format!(".{name}.windlass-old-{pid}"));
    let _ = fs::remove_dir_all(&staging);
    let written = (|| {
        fs::create_dir(&staging)?;
        for file in files {
            let target = staging.join(&file.name);
            if let Some(folder) = target.parent() {
                fs::create_dir_all(folder)?;
            }
            fs::write(target, &file.content)?;
        }
        Ok::<(), io::Error>(())
    })();
    if let Err(err) = written {
        let _ = fs::remove_dir_all(&staging);
        return Err(err);
    }
    if dir.exists() {
        fs::rename(dir, &old)?;
        if let Err(err) = fs::rename(&staging, dir) {
            let _ = fs::rename(&old, dir);
            let _ = fs::remove_dir_all(&staging);
            return Err(err);
        }
        let _ = fs::remove_dir_all(&old);
    } else if let Err(err) = fs::rename(&staging, dir) {
        let _ = fs::remove_dir_all(&staging);
        return Err(err);
    }
    Ok(())
}
