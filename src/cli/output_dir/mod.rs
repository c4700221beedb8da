//! The output directory of `build -o`: replaced as a whole, and only when Windlass owns what is
//! in it.
//!
//! **What Windlass owns.** Every build writes `.windlass-files` into the directory: the list of
//! the files it wrote there. A later build replaces those and nothing else: a directory holding
//! any other file (a hand-written overlay, a sealed secret kept beside the output) is refused,
//! with the files named, and so are the current directory and the directories that hold it or
//! the description. A directory without the list, written by a version before it, is adopted
//! when every file in it is one a build writes: `kustomization.yaml` files listing exactly the
//! manifests beside them, each object labelled `app.kubernetes.io/managed-by: windlass`.
//!
//! **How it is replaced.** The new files are written, and synced, into a sibling staging
//! directory, which is then exchanged with the old one in one step (`renameat2` with
//! `RENAME_EXCHANGE` on Linux): a reader, or a crash, sees the old directory or the new one,
//! whole. The old content, now under the staging name, is then removed. Where the exchange is
//! refused — a directory that is a mount point (`EBUSY`, as `docker run -v …:/out` gives), file
//! systems without it (`EINVAL`, `EXDEV`), other systems — the files are replaced in place, each
//! one whole (written beside, synced, renamed over), the list updated before anything is removed.
//! Leftovers of a run that was killed (a staging directory whose process is gone, temporary files)
//! are removed by the next run.

#![allow(
    clippy::disallowed_methods,
    reason = "the CLI is the one place that writes files"
)]

use std::collections::BTreeSet;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use windlass::render::OutputFile;
use windlass::render::record::{self, RECORD};

mod adopt;
mod hook;

use super::files::{self, sync_dir};

/// Why the directory was not written.
#[derive(Debug)]
pub enum Refusal {
    /// It holds what Windlass must not remove, or is not a place to write: what, and what to do.
    Refused(String, String),
    /// Writing failed; the directory is as it was (the old or, after an exchange, the new).
    Io(io::Error),
    /// Writing failed while files were replaced in place: the directory may hold old and new
    /// files side by side (each whole, all listed in the record), until a build succeeds.
    Partial(io::Error),
}

impl From<io::Error> for Refusal {
    fn from(err: io::Error) -> Self {
        Refusal::Io(err)
    }
}

/// Replaces the directory `dir` with exactly `files` (and the record of them). `description`
/// is the description's path: its directory, and those above it, are never replaced.
pub fn write_dir(dir: &Path, files: &[OutputFile], description: &Path) -> Result<(), Refusal> {
    let target = place(dir, description)?;
    let owned = match fs::symlink_metadata(&target) {
        Ok(_) => Some(owned_files(&target)?),
        Err(err) if err.kind() == io::ErrorKind::NotFound => None,
        Err(err) => return Err(err.into()),
    };
    let parent = parent_of(&target);
    let name = file_name(&target);
    remove_leftovers(&parent, &name, owned.is_some().then_some(target.as_path()));
    let Some(owned) = owned else {
        fs::create_dir_all(&parent)?;
        let staging = staging_dir(&parent, &name);
        write_staging(&staging, files)?;
        hook::step("rename the new directory into place")?;
        if let Err(err) = fs::rename(&staging, &target) {
            let _ = fs::remove_dir_all(&staging);
            return Err(err.into());
        }
        sync_dir(&parent)?;
        return Ok(());
    };
    if is_mount_point(&target) {
        return in_place(&target, files, &owned).map_err(Refusal::Partial);
    }
    let staging = staging_dir(&parent, &name);
    write_staging(&staging, files)?;
    keep_metadata(&target, &staging);
    hook::step("exchange the new directory with the old")?;
    match exchange(&staging, &target) {
        Ok(()) => {
            sync_dir(&parent)?;
            hook::step("remove the old directory")?;
            // The staging name now holds the old output: its files that Windlass wrote go, and
            // one somebody put there while this build ran stays, and is named.
            remove_owned(&staging, &owned);
            if staging.exists() {
                eprintln!(
                    "note: files added to {} during the build are kept in {}",
                    target.display(),
                    staging.display()
                );
            }
            Ok(())
        }
        Err(err) if exchange_unsupported(&err) => {
            let _ = fs::remove_dir_all(&staging);
            in_place(&target, files, &owned).map_err(Refusal::Partial)
        }
        Err(err) => {
            let _ = fs::remove_dir_all(&staging);
            Err(err.into())
        }
    }
}

/// Where to write: `dir` itself, or the directory a symbolic link `dir` points to (the link
/// stays); refused when it is a file, the current directory or a directory holding it, or a
/// directory holding the description.
fn place(dir: &Path, description: &Path) -> Result<PathBuf, Refusal> {
    let refuse = |what: &str, help: &str| Err(Refusal::Refused(what.to_owned(), help.to_owned()));
    if dir.as_os_str().is_empty() || dir.file_name().is_none() {
        return refuse(
            "the output needs a directory of its own (not `.`, `..` or `/`)",
            "choose an empty or new directory, such as `-o deploy`",
        );
    }
    let target = match fs::symlink_metadata(dir) {
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(dir.to_path_buf()),
        Err(err) => return Err(err.into()),
        Ok(meta) if meta.file_type().is_symlink() => match fs::canonicalize(dir) {
            Ok(real) => real,
            Err(_) => {
                return refuse(
                    "it is a symbolic link to nothing",
                    "point it at a directory, or choose another output directory",
                );
            }
        },
        Ok(_) => fs::canonicalize(dir)?,
    };
    if !target.is_dir() {
        return refuse(
            "it exists and is not a directory",
            "choose an empty or new directory",
        );
    }
    let holds = |path: &Path| path.starts_with(&target);
    if std::env::current_dir()
        .and_then(fs::canonicalize)
        .is_ok_and(|here| holds(&here))
    {
        return refuse(
            "it is the current directory, or holds it",
            "build into a directory of its own, such as `-o deploy`",
        );
    }
    if fs::canonicalize(description).is_ok_and(|d| holds(&d)) {
        return refuse(
            "it holds the description",
            "build into a directory of its own, such as `-o deploy`",
        );
    }
    Ok(target)
}

/// Every file (relative path) in `dir` that a build may replace: the ones its record lists, or
/// all of them when the directory is an output of a version before the record. Anything else in
/// the directory is refused, by name.
fn owned_files(dir: &Path) -> Result<BTreeSet<String>, Refusal> {
    let present = walk(dir)?;
    // Read like any previous output: a FIFO or a device in its place is refused, not read.
    let recorded = match files::read_text(&dir.join(RECORD), files::MAX_PREVIOUS_BYTES) {
        Ok(text) => Some(record::read(&text)),
        Err(err) if err.kind() == io::ErrorKind::NotFound => None,
        Err(err) => return Err(io::Error::new(err.kind(), format!("{RECORD}: {err}")).into()),
    };
    let foreign: Vec<&String> = match &recorded {
        Some(owned) => present
            .iter()
            .filter(|f| *f != RECORD && !owned.contains(*f) && !is_temporary(f))
            .collect(),
        None => adopt::not_written_by_a_build(dir, &present),
    };
    if !foreign.is_empty() {
        const SHOWN: usize = 5;
        let mut list: Vec<String> = foreign.iter().take(SHOWN).map(|f| f.to_string()).collect();
        if foreign.len() > SHOWN {
            list.push(format!("and {} more", foreign.len() - SHOWN));
        }
        let why = if recorded.is_some() {
            "files that windlass did not write"
        } else {
            "files that windlass did not write (no kustomization.yaml lists them)"
        };
        return Err(Refusal::Refused(
            format!("it holds {why}: {}", list.join(", ")),
            "move them elsewhere, or choose an empty or new directory; windlass replaces only what it wrote".to_owned(),
        ));
    }
    // Only what is there is ever removed: a record naming anything else (`../x`, `/etc/x`, a
    // file already gone) names nothing to remove.
    Ok(match recorded {
        Some(owned) => owned.intersection(&present).cloned().collect(),
        None => present,
    })
}

/// Every file under `dir` (symbolic links included, not followed), as `/`-separated paths.
fn walk(dir: &Path) -> io::Result<BTreeSet<String>> {
    let mut out = BTreeSet::new();
    let mut pending = vec![(dir.to_path_buf(), String::new())];
    while let Some((folder, prefix)) = pending.pop() {
        for entry in fs::read_dir(&folder)? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let relative = format!("{prefix}{name}");
            if entry.file_type()?.is_dir() {
                pending.push((entry.path(), format!("{relative}/")));
            } else {
                out.insert(relative);
            }
        }
    }
    Ok(out)
}

/// The record of `files`.
fn record(files: &[OutputFile]) -> String {
    record::write(files.iter().map(|f| f.name.as_str()))
}

/// Writes `files` and their record into the new directory `staging`, each file synced, then
/// the directories.
fn write_staging(staging: &Path, files: &[OutputFile]) -> io::Result<()> {
    let written = (|| {
        hook::step("create the staging directory")?;
        fs::create_dir(staging)?;
        let mut folders = BTreeSet::from([staging.to_path_buf()]);
        // On Linux one syncfs makes them all durable, and holding a handle per file would only
        // hold file descriptors.
        let keep = !cfg!(target_os = "linux");
        let mut written = Vec::new();
        for file in files {
            let path = staging.join(&file.name);
            if let Some(folder) = path.parent()
                && folders.insert(folder.to_path_buf())
            {
                fs::create_dir_all(folder)?;
            }
            let handle = write_new(&path, file.content.as_bytes())?;
            if keep {
                written.push(handle);
            }
        }
        written.push(write_new(&staging.join(RECORD), record(files).as_bytes())?);
        sync_tree(staging, written, &folders)
    })();
    if written.is_err() {
        let _ = fs::remove_dir_all(staging);
    }
    written
}

/// Writes a new file and syncs it.
fn write_synced(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let file = write_new(path, bytes)?;
    hook::step("sync a file")?;
    file.sync_all()
}

/// Writes a new file, not yet synced; the handle it was written through.
fn write_new(path: &Path, bytes: &[u8]) -> io::Result<fs::File> {
    hook::step("write a file")?;
    let mut file = fs::File::create_new(path)?;
    file.write_all(bytes)?;
    Ok(file)
}

/// Gives the new directory the old one's permissions (and, where allowed, its owner and group):
/// the exchange replaces the directory itself, and a shared `deploy/` must stay as it was set.
fn keep_metadata(old: &Path, new: &Path) {
    let Ok(metadata) = fs::metadata(old) else {
        return;
    };
    let _ = fs::set_permissions(new, metadata.permissions());
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let _ = std::os::unix::fs::chown(new, Some(metadata.uid()), Some(metadata.gid()));
    }
}

/// Removes from `dir` the files Windlass wrote (`owned`), then the folders left empty, then
/// `dir` itself when it is empty; anything else stays.
fn remove_owned(dir: &Path, owned: &BTreeSet<String>) {
    for file in owned.iter().chain(std::iter::once(&RECORD.to_owned())) {
        let _ = fs::remove_file(dir.join(file));
    }
    // Deepest folders first: an environment's folder, then the directory.
    let mut folders: Vec<PathBuf> = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        if let Ok(entries) = fs::read_dir(&folder) {
            for entry in entries.flatten() {
                if entry.file_type().is_ok_and(|t| t.is_dir()) {
                    pending.push(entry.path());
                }
            }
        }
        folders.push(folder);
    }
    for folder in folders.iter().rev() {
        let _ = fs::remove_dir(folder);
    }
}

/// Makes every file written under `dir` durable: one `syncfs` of its file system on Linux, where
/// syncing tens of thousands of files one by one took longer than writing them; each file
/// through the handle it was written with elsewhere, then the folders (where they can be).
fn sync_tree(dir: &Path, files: Vec<fs::File>, folders: &BTreeSet<PathBuf>) -> io::Result<()> {
    hook::step("sync the files")?;
    #[cfg(target_os = "linux")]
    {
        let _ = (files, folders);
        let handle = fs::File::open(dir)?;
        rustix::fs::syncfs(&handle).map_err(io::Error::from)
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = dir;
        for file in files {
            file.sync_all()?;
        }
        for folder in folders.iter().rev() {
            sync_dir(folder)?;
        }
        Ok(())
    }
}

/// Replaces the files of `dir` in place, for when the directory cannot be exchanged: each new
/// file written beside its place and renamed over it, then the files no longer written removed.
/// The record lists the old and the new files until the old ones are gone, so a run killed
/// half-way leaves nothing a later build would refuse.
fn in_place(dir: &Path, files: &[OutputFile], owned: &BTreeSet<String>) -> io::Result<()> {
    let new: BTreeSet<&str> = files.iter().map(|f| f.name.as_str()).collect();
    let both: Vec<OutputFile> = owned
        .iter()
        .filter(|f| !new.contains(f.as_str()))
        .map(|f| OutputFile {
            name: f.clone(),
            content: String::new(),
        })
        .chain(files.iter().cloned())
        .collect();
    replace_file(dir, RECORD, record(&both).as_bytes())?;
    for file in files {
        if let Some(folder) = Path::new(&file.name).parent() {
            fs::create_dir_all(dir.join(folder))?;
        }
        replace_file(dir, &file.name, file.content.as_bytes())?;
    }
    for stale in owned.iter().filter(|f| !new.contains(f.as_str())) {
        hook::step("remove a file no longer written")?;
        match fs::remove_file(dir.join(stale)) {
            Err(err) if err.kind() != io::ErrorKind::NotFound => return Err(err),
            _ => {}
        }
        if let Some(folder) = Path::new(stale)
            .parent()
            .filter(|f| !f.as_os_str().is_empty())
        {
            // Only an emptied environment folder goes; one still holding a file stays.
            let _ = fs::remove_dir(dir.join(folder));
        }
    }
    replace_file(dir, RECORD, record(files).as_bytes())?;
    sync_dir(dir)?;
    Ok(())
}

/// Replaces `dir/name` with `bytes` in one step: written beside it, synced, renamed over it.
fn replace_file(dir: &Path, name: &str, bytes: &[u8]) -> io::Result<()> {
    let path = dir.join(name);
    let temp = files::temporary(&path, "new");
    let written = write_synced(&temp, bytes).and_then(|()| {
        hook::step("rename a file into place")?;
        fs::rename(&temp, &path)
    });
    if written.is_err() {
        let _ = fs::remove_file(&temp);
    }
    written
}

/// Whether a file name is one of the temporary files of an in-place replacement.
fn is_temporary(relative: &str) -> bool {
    let name = relative.rsplit('/').next().unwrap_or(relative);
    name.starts_with('.') && name.contains(".windlass-new-")
}

/// Removes what a killed run left: staging directories beside the output directory whose
/// process is gone, and temporary files inside it.
fn remove_leftovers(parent: &Path, name: &str, dir: Option<&Path>) {
    let prefix = format!(".{name}.windlass-new-");
    if let Ok(entries) = fs::read_dir(parent) {
        for entry in entries.flatten() {
            let entry_name = entry.file_name().to_string_lossy().into_owned();
            let Some(id) = entry_name.strip_prefix(&prefix) else {
                continue;
            };
            // `PID-NANOS`, or `PID` from a version before the time was added.
            let pid = id.split('-').next().and_then(|p| p.parse::<u32>().ok());
            if id != run_id()
                && pid.is_some_and(|pid| !is_running(pid) || pid == std::process::id())
            {
                let _ = fs::remove_dir_all(entry.path());
            }
        }
    }
    if let Some(dir) = dir
        && let Ok(present) = walk(dir)
    {
        for temp in present.iter().filter(|f| is_temporary(f)) {
            let _ = fs::remove_file(dir.join(temp));
        }
    }
}

/// Whether a process with this id runs (or might: where it cannot be known, yes).
fn is_running(pid: u32) -> bool {
    let proc = Path::new("/proc");
    !proc.is_dir() || proc.join(pid.to_string()).exists()
}

/// The staging directory of this run, beside the output directory: named by the process and
/// the time, so that a run in a container (often PID 1 every time) never meets a leftover of
/// an earlier run under its own name.
fn staging_dir(parent: &Path, name: &str) -> PathBuf {
    parent.join(format!(".{name}.windlass-new-{}", run_id()))
}

/// This run: `PID-NANOS`.
fn run_id() -> &'static str {
    static ID: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    ID.get_or_init(|| {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        format!("{}-{nanos}", std::process::id())
    })
}

/// The directory holding `path` (`.` for a bare name).
fn parent_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// The last component of `path`, as text.
fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Whether `dir` is a mount point: on another device than its parent.
fn is_mount_point(dir: &Path) -> bool {
    if hook::forced("WINDLASS_TEST_MOUNT_POINT") {
        return true;
    }
    #[cfg(not(unix))]
    let _ = dir;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let device = |p: &Path| fs::metadata(p).map(|m| m.dev());
        match (device(dir), device(&dir.join(".."))) {
            (Ok(a), Ok(b)) => a != b,
            _ => false,
        }
    }
    #[cfg(not(unix))]
    false
}

/// Exchanges two directories in one step.
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    if hook::forced("WINDLASS_TEST_NO_EXCHANGE") {
        return Err(io::Error::from_raw_os_error(22));
    }
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(io::Error::from)
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (a, b);
        Err(io::Error::from(io::ErrorKind::Unsupported))
    }
}

/// Whether an exchange failed because the system or the file system cannot exchange these
/// directories (rather than because of a fault that the fallback would meet too).
fn exchange_unsupported(err: &io::Error) -> bool {
    const EBUSY: i32 = 16;
    const EXDEV: i32 = 18;
    const EINVAL: i32 = 22;
    const ENOSYS: i32 = 38;
    err.kind() == io::ErrorKind::Unsupported
        || matches!(err.raw_os_error(), Some(EBUSY | EXDEV | EINVAL | ENOSYS))
}
