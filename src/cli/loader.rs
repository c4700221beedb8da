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
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => Some(Input::new(display_name(&path), path, text)),
            Err(err) => {
                not_utf8(&path, err.as_bytes(), err.utf8_error().valid_up_to());
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

/// Reports a description that is not UTF-8 as a diagnostic on the first byte that is not: its
/// line and column, and what the byte is, since nothing shows it in an editor.
fn not_utf8(path: &Path, bytes: &[u8], valid_up_to: usize) {
    use windlass::diag::{Diagnostic, Diagnostics, codes, format};
    use windlass::source::{Sources, Span};
    let mut sources = Sources::new();
    // The text before the byte is UTF-8, so offsets in the lossy text match up to it.
    let text = String::from_utf8_lossy(bytes).into_owned();
    let file = sources.add(display_name(path), path, text);
    let byte = bytes.get(valid_up_to).copied().unwrap_or(0);
    let mut found = Diagnostics::new();
    found.push(
        Diagnostic::error(
            codes::SYNTAX,
            format!(
                "{} is not UTF-8 text: the byte 0x{byte:02X} is not part of a character",
                path.display()
            ),
        )
        .label(
            Span::new(file, valid_up_to, valid_up_to + '\u{FFFD}'.len_utf8()),
            "not UTF-8",
        )
        .help(
            "a description is a KDL 2.0 text file in UTF-8; save it as UTF-8, or remove the byte",
        ),
    );
    printer::err(&format::human(
        &found.into_sorted(&sources),
        printer::color_stderr(),
    ));
}
