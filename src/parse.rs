//! Parsing: text → `kdl::KdlDocument`. `kdl::KdlError` becomes our diagnostics, on the file.
//!
//! Hostile input is turned away before the `kdl` parser sees it: a file larger than
//! [`MAX_FILE_BYTES`] or nested deeper than [`MAX_DEPTH`] gets a diagnostic, because the parser
//! recurses once per level and would overflow the stack.

use kdl::KdlDocument;

use crate::diag::{Diagnostic, Diagnostics, codes};
use crate::source::{FileId, Sources, Span};

/// The largest description read (a 5,000-service application is about 1.5 MB).
pub const MAX_FILE_BYTES: usize = 4 * 1024 * 1024;
/// The deepest nesting of `{ … }` blocks (real descriptions use four).
pub const MAX_DEPTH: usize = 64;

/// Parses one file as KDL 2.0.
pub fn parse(sources: &Sources, file: FileId) -> Result<KdlDocument, Diagnostics> {
    let text = sources.get(file).map(|f| f.text.as_str()).unwrap_or("");
    if let Some(diagnostic) = limits(text, file) {
        let mut diagnostics = Diagnostics::new();
        diagnostics.push(diagnostic);
        return Err(diagnostics);
    }
    crate::reader::read(text).map_err(|error| {
        let mut diagnostics = Diagnostics::new();
        let help = error.help.unwrap_or_else(|| {
            "see the KDL 2.0 syntax at https://kdl.dev; strings with spaces or punctuation need double quotes"
                .to_owned()
        });
        diagnostics.push(
            Diagnostic::error(codes::SYNTAX, error.message)
                .label(Span::new(file, error.span.start, error.span.end), "here")
                .help(help),
        );
        diagnostics
    })
}

/// Reports a file that is too large or nested too deeply for the parser.
fn limits(text: &str, file: FileId) -> Option<Diagnostic> {
    if text.len() > MAX_FILE_BYTES {
        return Some(
            Diagnostic::error(codes::LIMIT, format!("the file is {} bytes; descriptions are at most {MAX_FILE_BYTES}", text.len()))
                .label(Span::new(file, 0, 0), "too large")
                .help("split the components into imported files, or check that this is the file you meant"),
        );
    }
    let offset = too_deep(text.as_bytes())?;
    Some(
        Diagnostic::error(codes::LIMIT, format!("blocks are nested more than {MAX_DEPTH} levels deep"))
            .label(Span::new(file, offset, offset + 1), "too deep")
            .help("a description needs a handful of levels: app, workload, container, expose; check for unclosed or runaway blocks"),
    )
}

/// The offset of the first `{` deeper than [`MAX_DEPTH`], skipping strings and comments.
fn too_deep(b: &[u8]) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some(i);
                }
                i += 1;
            }
            b'}' => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                i = b[i..]
                    .iter()
                    .position(|&c| c == b'\n')
                    .map_or(b.len(), |p| i + p + 1);
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let mut nest = 1;
                i += 2;
                while i < b.len() && nest > 0 {
                    if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
                        nest += 1;
                        i += 2;
                    } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
                        nest -= 1;
                        i += 2;
                    } else {
                        i += 1;
                    }
                }
            }
            b'#' if matches!(b.get(i + 1), Some(b'#' | b'"')) => {
                let hashes = b[i..].iter().take_while(|&&c| c == b'#').count();
                if b.get(i + hashes) != Some(&b'"') {
                    i += hashes;
                    continue;
                }
                let quotes = if b[i + hashes..].starts_with(b"\"\"\"") {
                    3
                } else {
                    1
                };
                let start = i + hashes + quotes;
                let mut close = vec![b'"'; quotes];
                close.extend(std::iter::repeat_n(b'#', hashes));
                i = find(&b[start..], &close).map_or(b.len(), |p| start + p + close.len());
            }
            b'"' => {
                let quotes = if b[i..].starts_with(b"\"\"\"") { 3 } else { 1 };
                i += quotes;
                while i < b.len() {
                    if b[i] == b'\\' {
                        i += 2;
                    } else if b[i..].starts_with(&b"\"\"\""[..quotes]) {
                        i += quotes;
                        break;
                    } else {
                        i += 1;
                    }
                }
            }
            _ => i += 1,
        }
    }
    None
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_ignores_braces_in_strings_and_comments() {
        let nested = |n: usize| format!("{}{}", "a {".repeat(n), "}".repeat(n));
        assert_eq!(too_deep(nested(MAX_DEPTH).as_bytes()), None);
        assert!(too_deep(nested(MAX_DEPTH + 1).as_bytes()).is_some());
        let hidden = format!(
            "a \"{0}\" #\"{0}\"# \"\"\"\n{0}\n\"\"\" // {0}\n/* {0} /* {0} */ */ b \"\\\"{0}\"",
            "{".repeat(100)
        );
        assert_eq!(too_deep(hidden.as_bytes()), None);
    }
}
