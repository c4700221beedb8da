//! Reading and rewriting the user's files safely.
//!
//! - Every read is bounded, and only regular files are read: a FIFO would block forever and a
//!   device such as `/dev/zero` never ends, so both are refused before a byte is read.
//! - A file is rewritten (`fmt`, `set-image`) through its symbolic links, with its permissions,
//!   and without breaking its hard links; a failed write leaves the file as it was and no
//!   temporary file behind; and two edits of one file at once are serialised by a lock on it,
//!   so neither is lost.

#![allow(
    clippy::disallowed_methods,
    reason = "the CLI is the one place that reads and writes files"
)]

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

/// The most a description or an imported file may hold when read; the parser refuses anything
/// over its own, smaller limit with a diagnostic, so this only stops an input that never ends.
pub const MAX_DESCRIPTION_BYTES: u64 = 64 * 1024 * 1024;

/// The most one file of previous output may hold (`diff --against`, the summary of `build -o`).
pub const MAX_PREVIOUS_BYTES: u64 = 512 * 1024 * 1024;

/// Opens `path` for reading when it is a regular file (after its symbolic links); anything else
/// is an error that says what it is.
pub fn open_regular(path: &Path) -> io::Result<File> {
    let metadata = fs::metadata(path)?;
    if !metadata.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{} is not a regular file", kind_of(&metadata)),
        ));
    }
    let file = open_nonblocking(path)?;
    // What was opened may have been swapped since the check: the open file is what counts.
    let opened = file.metadata()?;
    if !opened.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{} is not a regular file", kind_of(&opened)),
        ));
    }
    Ok(file)
}

/// Opens for reading without waiting: a FIFO put in the file's place after the check must not
/// block the open (the read is then refused as not a regular file).
fn open_nonblocking(path: &Path) -> io::Result<File> {
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt;
        /// `O_NONBLOCK` on Linux; it changes nothing for a regular file.
        const O_NONBLOCK: i32 = 0o4000;
        options.custom_flags(O_NONBLOCK);
    }
    options.open(path)
}

/// What kind of file, for a message: `a directory`, `a FIFO`, `a device`.
fn kind_of(metadata: &fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = metadata.file_type();
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if metadata.is_dir() {
        "a directory"
    } else {
        "it"
    }
}

/// At most `limit` bytes from `reader`; more is an error, read no further than one byte past it.
pub fn read_bounded(reader: impl Read, limit: u64) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    reader.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(io::Error::new(
            io::ErrorKind::FileTooLarge,
            format!("it is larger than {} MiB", limit / (1024 * 1024)),
        ));
    }
    Ok(bytes)
}

/// The UTF-8 text of the regular file at `path`, at most `limit` bytes.
pub fn read_text(path: &Path, limit: u64) -> io::Result<String> {
    read_text_from(open_regular(path)?, limit)
}

/// The UTF-8 text `reader` gives, at most `limit` bytes (stdin, for `diff --against -`).
pub fn read_text_from(reader: impl Read, limit: u64) -> io::Result<String> {
    String::from_utf8(read_bounded(reader, limit)?).map_err(|_| not_utf8())
}

/// The error of text that is not UTF-8, in the words `std::fs::read_to_string` uses.
fn not_utf8() -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        "stream did not contain valid UTF-8",
    )
}

/// A file held for an edit: locked, so that a second edit of the same file waits for this one
/// to be written and then reads its result, instead of overwriting it with an edit of the old
/// text. The lock goes with the value.
pub struct Locked {
    /// The file itself, every symbolic link followed: what is rewritten.
    pub path: PathBuf,
    /// Its text when the lock was taken.
    pub text: String,
    /// The open, locked file.
    file: File,
}

/// Opens and locks the regular file at `path` for an edit, and reads it.
pub fn lock_for_edit(path: &Path, limit: u64) -> io::Result<Locked> {
    let real = fs::canonicalize(path)?;
    loop {
        let file = open_regular(&real)?;
        if let Err(err) = file.lock()
            && !lock_unavailable(&err)
        {
            return Err(err);
        }
        // The file may have been replaced (renamed over) while we waited: then the lock is on
        // a file nobody reads any more, and the new one must be opened and locked instead.
        if same_file(&file, &real)? {
            let bytes = read_bounded(&file, limit)?;
            let text = String::from_utf8(bytes).map_err(|_| not_utf8())?;
            return Ok(Locked {
                path: real,
                text,
                file,
            });
        }
    }
}

/// Whether a lock failed because the file system has none to give (NFS through a read-only
/// descriptor, a file system without locks): then the edit goes on unlocked, as it did before
/// locks were taken.
fn lock_unavailable(err: &io::Error) -> bool {
    const EBADF: i32 = 9;
    const ENOLCK: i32 = 37;
    const EOPNOTSUPP: i32 = 95;
    err.kind() == io::ErrorKind::Unsupported
        || matches!(err.raw_os_error(), Some(EBADF | ENOLCK | EOPNOTSUPP))
}

/// Whether the open `file` is still the one at `path`.
fn same_file(file: &File, path: &Path) -> io::Result<bool> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let open = file.metadata()?;
        let now = fs::metadata(path)?;
        Ok(open.dev() == now.dev() && open.ino() == now.ino())
    }
    #[cfg(not(unix))]
    {
        let _ = (file, path);
        Ok(true)
    }
}

impl Locked {
    /// Replaces the file's content with `text`, keeping its permissions and its hard links. On
    /// an error the file is as it was, but for a file with several names, which is rewritten in
    /// place: a disk that fills up during that write can leave it short.
    pub fn write(&self, text: &str) -> io::Result<()> {
        let metadata = self.file.metadata()?;
        if links(&metadata) > 1 {
            return self.write_in_place(text);
        }
        let temp = temporary(&self.path, "edit");
        let written = (|| {
            // Created with the file's own mode, so that its text is never readable by more
            // people than the file it replaces.
            let mut file = create_with_mode(&temp, &metadata)?;
            file.write_all(text.as_bytes())?;
            fs::set_permissions(&temp, metadata.permissions())?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::MetadataExt;
                let _ = std::os::unix::fs::chown(&temp, Some(metadata.uid()), Some(metadata.gid()));
            }
            file.sync_all()?;
            fs::rename(&temp, &self.path)?;
            sync_parent(&self.path)
        })();
        if written.is_err() {
            let _ = fs::remove_file(&temp);
        }
        written
    }

    /// A file with several names (hard links) keeps them only when its own content changes: a
    /// copy renamed over one name would leave the others with the old text. The new text is
    /// first written beside it, so that a full disk fails before the file is touched.
    fn write_in_place(&self, text: &str) -> io::Result<()> {
        let temp = temporary(&self.path, "edit");
        let room = (|| {
            let mut file = create_with_mode(&temp, &self.file.metadata()?)?;
            file.write_all(text.as_bytes())?;
            file.sync_all()
        })();
        let _ = fs::remove_file(&temp);
        room?;
        let mut file = fs::OpenOptions::new().write(true).open(&self.path)?;
        file.set_len(0)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()
    }
}

/// A new file at `path` that only the owner of `like` can read until its mode is set.
fn create_with_mode(path: &Path, like: &fs::Metadata) -> io::Result<File> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(like.permissions().mode() & 0o700);
    }
    #[cfg(not(unix))]
    let _ = like;
    options.open(path)
}

/// How many names the file has.
fn links(metadata: &fs::Metadata) -> u64 {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        metadata.nlink()
    }
    #[cfg(not(unix))]
    {
        let _ = metadata;
        1
    }
}

/// A temporary name beside `path`, hidden, which says who made it and why.
pub fn temporary(path: &Path, why: &str) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    path.with_file_name(format!(
        ".{name}.windlass-{why}-{}-{nanos}",
        std::process::id()
    ))
}

/// Makes a rename or a new file in the directory holding `path` durable.
pub fn sync_parent(path: &Path) -> io::Result<()> {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => sync_dir(parent),
        _ => sync_dir(Path::new(".")),
    }
}

/// Makes the entries of a directory durable (where the platform can).
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}
