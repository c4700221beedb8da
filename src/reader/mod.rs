//! A fast KDL 2.0 reader for the compile path: text → the same `kdl::KdlDocument` tree the `kdl`
//! crate builds, with the same spans, in one forward pass over the bytes.
//!
//! The `kdl` crate keeps every space and comment so a document can be edited and written back;
//! the compiler needs only the values and where they are. This reader builds the tree through the
//! crate's public API — node and name spans, entry spans (`key=value` whole for a property), the
//! children block's span, and each entry's `value_repr` (the value exactly as written) — and
//! leaves the rest of the formatting empty. It follows the KDL 2.0 specification where the crate
//! does not (see `tests/kdl_differential.rs` for the documented differences), and stops at the
//! first error, which carries a byte span, a message and usually a help line.
//!
//! Nesting is handled with an explicit stack, and blocks nested deeper than [`MAX_DEPTH`] are an
//! error, so no input can overflow the stack here or when the tree is dropped.
//!
//! - `chars.rs` — byte classes, unicode spaces, newlines, disallowed code points.
//! - `lexer.rs` — the cursor, whitespace, comments, line continuations.
//! - `strings.rs` — identifier, quoted, raw and multi-line strings.
//! - `numbers.rs` — numbers and `#` keywords.
//! - `parser.rs` — documents, nodes, entries and children blocks.

mod chars;
mod lexer;
mod numbers;
mod parser;
mod strings;

use std::fmt;
use std::ops::Range;

use kdl::KdlDocument;

/// The deepest nesting of `{ … }` blocks read (the same limit as [`crate::parse::MAX_DEPTH`]).
pub const MAX_DEPTH: usize = 64;

/// Reads a KDL 2.0 document.
pub fn read(text: &str) -> std::result::Result<KdlDocument, ReadError> {
    parser::document(text)
}

/// The first syntax error in a document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadError {
    /// Byte offsets of the text the error is about (may be empty, at the end of the input).
    pub span: Range<usize>,
    /// What is wrong, in one sentence.
    pub message: String,
    /// How to fix it, when there is something useful to say.
    pub help: Option<String>,
}

impl ReadError {
    /// An error on `span` with a message and no help.
    pub(crate) fn new(span: Range<usize>, message: impl Into<String>) -> Self {
        ReadError {
            span,
            message: message.into(),
            help: None,
        }
    }

    /// Adds a help line.
    pub(crate) fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (bytes {}..{})",
            self.message, self.span.start, self.span.end
        )
    }
}

impl std::error::Error for ReadError {}

/// What the reader functions return.
pub(crate) type Result<T> = std::result::Result<T, ReadError>;

#[cfg(test)]
mod tests;
