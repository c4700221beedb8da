//! Reading descriptions and their imports from the file system.

use std::path::{Path, PathBuf};

use windlass::{Input, Loader};

use super::{files, printer};

/// Reads imports from the file system.
pub struct FsLoader;

impl Loader for FsLoader {
    #[allow(
        clippy::disallowed_methods,
        reason = "the CLI is the one place that reads files"
    )]
    fn load(&self, path: &Path) -> std::io::Result<String> {
        files::read_text(path, files::MAX_DESCRIPTION_BYTES)
    }

    fn real_path(&self, path: &Path) -> Option<PathBuf> {
        std::fs::canonicalize(path).ok()
    }
}

/// Reads the description at `path` (default `windlass.kdl`), or reports why it cannot.
#[allow(
    clippy::disallowed_methods,
    reason = "the CLI is the one place that reads files"
)]
pub fn read_description(path: Option<&Path>) -> Option<Input> {
    let path = path.map_or_else(|| PathBuf::from("windlass.kdl"), Path::to_path_buf);
    let read = if path.is_dir() {
        // The system's own words for it; the help names the file to give.
        std::fs::read(&path)
    } else {
        files::open_regular(&path)
            .and_then(|file| files::read_bounded(file, files::MAX_DESCRIPTION_BYTES))
    };
    match read {
        Ok(bytes) => match Input::from_bytes(display_name(&path), path, bytes) {
            Ok(input) => Some(input),
            Err(found) => {
                printer::err(&windlass::diag::format::human(
                    &found,
                    printer::color_stderr(),
                ));
                None
            }
        },
        Err(err) => {
            let help = if path.is_dir() {
                format!("name the file: {}", path.join("windlass.kdl").display())
            } else {
                "give the path of a description, or run in a directory with windlass.kdl".to_owned()
            };
            printer::fatal(
                &format!("cannot read {}: {err}", path.display()),
                Some(&help),
            );
            None
        }
    }
}

/// The path as diagnostics show it, with `/` on every platform.
pub fn display_name(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}
