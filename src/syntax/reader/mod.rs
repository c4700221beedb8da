//! A fast KDL 2.0 reader for the compile path: text → a [`Document`], in one forward pass over
//! the bytes.
//!
//! The `kdl` crate keeps every space and comment so a document can be edited and written back;
//! the compiler needs only the values and where they are. This reader keeps the values and the
//! spans diagnostics point at — node, name, type annotation, entry (`key=value` whole for a
//! property), key, value and children block — in a flat tree (`tree.rs`) that costs a few
//! allocations per document rather than several per node. [`to_kdl`] turns it into the `kdl`
//! crate's tree with the same spans, which is how the two readers are compared. It follows the
//! KDL 2.0 specification where the crate does not (see `tests/kdl_differential.rs` for the
//! documented differences), and stops at the first error, which carries a byte span, a message
//! and usually a help line.
//!
//! Nesting is handled with an explicit stack, and blocks nested deeper than [`MAX_DEPTH`] are an
//! error, so no input can overflow the stack here or when the tree is dropped. More than
//! [`MAX_NODES`] nodes or [`MAX_ENTRIES`] entries are an error too, so that a few megabytes of
//! `a;a;a;…` cannot make the later stages hold millions of them.
//!
//! - `chars.rs` — byte classes, unicode spaces, newlines, disallowed code points.
//! - `lexer.rs` — the cursor, whitespace, comments, line continuations.
//! - `strings.rs` — identifier, quoted, raw and multi-line strings.
//! - `numbers.rs` — numbers and `#` keywords.
//! - `parser.rs` — documents, nodes, entries and children blocks.
//! - `tree.rs` — the document it builds, and the views that read it.
//! - `kdl_tree.rs` — the same document as the `kdl` crate's tree.

mod chars;
mod kdl_tree;
mod lexer;
mod numbers;
mod parser;
mod strings;
mod tree;

use std::fmt;
use std::ops::Range;

pub use kdl_tree::to_kdl;
pub use tree::{Document, Entries, Entry, Node, Nodes, Value, ValueRef};

/// The deepest nesting of `{ … }` blocks read.
pub const MAX_DEPTH: usize = 64;
/// The most nodes the reader holds at once (a 5,000-service description has about 55,000, and
/// one at the compiler's 4 MiB file limit about 110,000). Nodes commented out with `/-` are read
/// like the others and count until they are dropped, at the end of the commented-out node or
/// block: a limit on what is held, so that no input can make it hold more.
pub const MAX_NODES: usize = 250_000;
/// The most arguments and properties the reader holds at once, in all (a 5,000-service
/// description has about 91,000). Entries commented out with `/-`, and those of a commented-out
/// node, are never held; those in a commented-out block count until it is dropped.
pub const MAX_ENTRIES: usize = 500_000;

/// Reads a KDL 2.0 document.
pub fn read(text: &str) -> std::result::Result<Document, ReadError> {
    parser::document(text).map_err(|e| *e)
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
    /// The input is beyond what the reader accepts (nested too deeply, too many nodes) rather
    /// than against the grammar.
    pub limit: bool,
    /// A few words to label the span with (`here`, `too deep`).
    pub label: &'static str,
}

impl ReadError {
    /// An error on `span` with a message and no help.
    pub(crate) fn new(span: Range<usize>, message: impl Into<String>) -> Self {
        ReadError {
            span,
            message: message.into(),
            help: None,
            limit: false,
            label: "here",
        }
    }

    /// Marks it as an input beyond a limit, labelled `label`.
    pub(crate) fn limit(mut self, label: &'static str) -> Self {
        self.limit = true;
        self.label = label;
        self
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

/// What the reader functions return. The error is boxed so that the result of the scanning
/// functions, nearly always `Ok`, is returned in registers.
pub(crate) type Result<T> = std::result::Result<T, Box<ReadError>>;

#[cfg(test)]
mod tests;
