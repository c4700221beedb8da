//! `windlass build`: compile and write the manifests to stdout or to a directory.

use std::io;
use std::path::{Path, PathBuf};

use clap::Args;

use super::{Outcome, OutputFormat, RuleArgs};
use crate::printer;
use crate::render::{self, Format, OutputFile};

/// Arguments of `build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The description (default: windlass.kdl).
    pub file: Option<PathBuf>,
    /// Write one file per application component and a kustomization.yaml into this directory,
    /// replacing what an earlier build wrote there.
    #[arg(short = 'o', long = "out", value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "yaml")]
    pub format: OutputFormat,
    /// Rules raised to errors and silenced.
    #[command(flatten)]
    pub rules: RuleArgs,
}

/// Runs `build`.
pub fn run(args: &BuildArgs) -> Outcome {
    let Some(config) = args.rules.config() else {
        return Outcome::CouldNotRun;
    };
    let Some((path, text)) = super::read_description(args.file.as_deref()) else {
        return Outcome::CouldNotRun;
    };
    let compilation = super::compile(&path, text, &config);
    let warnings = compilation
        .diagnostics
        .iter()
        .any(|d| d.severity == crate::diag::Severity::Warning);
    if args.rules.deny_warnings() && warnings && !compilation.has_errors() {
        printer::err(&printer::human(
            &compilation.diagnostics,
            printer::color_stderr(),
        ));
        printer::err(&format!(
            "{}\n",
            printer::summary(
                &compilation.diagnostics,
                "nothing written (--deny warnings)"
            )
        ));
        return Outcome::InputErrors;
    }
    let color = printer::color_stderr();
    printer::err(&printer::human(&compilation.diagnostics, color));
    if compilation.has_errors() {
        printer::err(&format!(
            "{}\n",
            printer::summary(&compilation.diagnostics, "nothing written")
        ));
        return Outcome::InputErrors;
    }
    let format = match args.format {
        OutputFormat::Yaml => Format::Yaml,
        OutputFormat::Json => Format::Json,
    };
    let Some(dir) = &args.out else {
        printer::out(&render::stream(&compilation.manifests, format));
        return Outcome::Ok;
    };
    let files = render::files(&compilation.manifests, format);
    match write_dir(dir, &files) {
        Ok(()) => {
            let line = format!(
                "wrote {} objects in {} files to {}",
                compilation.manifests.len(),
                files.len(),
                dir.display()
            );
            printer::err(&format!(
                "{}\n",
                printer::summary(&compilation.diagnostics, &line)
            ));
            Outcome::Ok
        }
        Err(err) => {
            printer::fatal(
                &format!("cannot write {}: {err}", dir.display()),
                Some("nothing in the directory was changed"),
            );
            Outcome::CouldNotRun
        }
    }
}

/// Replaces `dir` with exactly `files`, atomically: the files are written to a sibling directory
/// that is then renamed into place, so a failure leaves `dir` as it was.
#[allow(
    clippy::disallowed_methods,
    reason = "the CLI is the one place that writes files"
)]
fn write_dir(dir: &Path, files: &[OutputFile]) -> io::Result<()> {
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
        let foreign =
            fs::read_dir(dir)?.next().is_some() && !dir.join("kustomization.yaml").exists();
        if foreign {
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
            fs::write(staging.join(&file.name), &file.content)?;
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
