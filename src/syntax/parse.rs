//! Parsing: text → [`Document`], the reader's syntax tree. A syntax error becomes a diagnostic on
//! the file.
//!
//! Hostile input gets a diagnostic, not a crash: a file larger than [`MAX_FILE_BYTES`] is turned
//! away before it is read, and the reader refuses blocks nested deeper than [`MAX_DEPTH`] and
//! more nodes or entries than [`crate::syntax::reader::MAX_NODES`] and [`crate::syntax::reader::MAX_ENTRIES`];
//! each is a `limit` error.

use crate::diag::{Diagnostic, Diagnostics, codes};
use crate::source::{FileId, Sources, Span};
use crate::syntax::reader::Document;

/// The largest description read (a generated 5,000-service application is 2.1 MB).
pub const MAX_FILE_BYTES: usize = 4 * 1024 * 1024;
/// The deepest nesting of `{ … }` blocks (real descriptions use four).
pub const MAX_DEPTH: usize = crate::syntax::reader::MAX_DEPTH;

/// Parses one file as KDL 2.0.
pub fn parse(sources: &Sources, file: FileId) -> Result<Document, Diagnostics> {
    let text = sources.get(file).map(|f| f.text.as_str()).unwrap_or("");
    if text.len() > MAX_FILE_BYTES {
        let mut diagnostics = Diagnostics::new();
        diagnostics.push(
            Diagnostic::error(codes::LIMIT, format!("the file is {} bytes; descriptions are at most {MAX_FILE_BYTES}", text.len()))
                .label(Span::new(file, 0, 0), "too large")
                .help("split the components into imported files, or check that this is the file you meant"),
        );
        return Err(diagnostics);
    }
    crate::syntax::reader::read(text).map_err(|error| {
        let mut diagnostics = Diagnostics::new();
        let help = error.help.unwrap_or_else(|| {
            "see the KDL 2.0 syntax at https://kdl.dev; strings with spaces or punctuation need double quotes"
                .to_owned()
        });
        let code = if error.limit {
            codes::LIMIT
        } else {
            codes::SYNTAX
        };
        diagnostics.push(
            Diagnostic::error(code, error.message)
                .label(Span::new(file, error.span.start, error.span.end), error.label)
                .help(help),
        );
        diagnostics
    })
}
