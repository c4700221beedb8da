//! The grammar: a document is nodes; a node is an optional type, a name, entries (arguments and
//! properties), and children blocks, any of them commented out with `/-`.
//!
//! Children blocks are read with an explicit stack of open nodes rather than by recursion, so the
//! depth of the input costs heap, not stack, and [`MAX_DEPTH`] bounds it.

use std::borrow::Cow;

use super::chars::{self, CHECK, IDENT, class};
use super::lexer::Reader;
use super::tree::{Annotation, Document, EntryData, NONE, NodeData, Span32, Stored, Str};
use super::{MAX_DEPTH, MAX_ENTRIES, MAX_NODES, ReadError, Result};

/// Reads a whole document.
pub fn document(text: &str) -> Result<Document> {
    // Offsets and lengths are `u32`, and `u32::MAX` marks "none": a longer input cannot be held.
    if text.len() >= u32::MAX as usize {
        return Err(Box::new(
            ReadError::new(0..0, "the input is larger than 4 GiB")
                .help("descriptions are a few megabytes at most")
                .limit("too large"),
        ));
    }
    let mut reader = Reader::new(text);
    if text.starts_with('\u{FEFF}') {
        reader.pos = '\u{FEFF}'.len_utf8();
    }
    reader.nodes()
}

/// A value just read: a string, borrowed from the input unless escapes changed it, or another
/// value.
pub enum Scalar<'a> {
    Str(Cow<'a, str>),
    Other(Stored),
}

/// How much of the document was built when a node or block started: what is dropped when it
/// turns out to be commented out with `/-`.
#[derive(Clone, Copy)]
struct Mark {
    nodes: usize,
    entries: usize,
    annotations: usize,
    text: usize,
}

impl Mark {
    fn of(doc: &Document) -> Self {
        Mark {
            nodes: doc.nodes.len(),
            entries: doc.entries.len(),
            annotations: doc.annotations.len(),
            text: doc.text.len(),
        }
    }

    fn drop_since(self, doc: &mut Document) {
        doc.nodes.truncate(self.nodes);
        doc.entries.truncate(self.entries);
        doc.annotations.truncate(self.annotations);
        doc.text.truncate(self.text);
    }
}

/// A node being read: its name and type are stored, as the last node so far; its entries follow
/// until its first block or its end; its blocks may follow.
#[derive(Clone, Copy)]
struct Pending {
    /// Where it starts: its type annotation or name.
    start: usize,
    /// Its index in the document's nodes.
    index: u32,
    /// The document before it, to drop it if it is commented out.
    mark: Mark,
    /// False when the node is commented out with `/-`.
    keep: bool,
    /// A block (real or commented out) was read, so no entries may follow.
    has_block: bool,
    /// Its children block was read, so no other may follow.
    has_children: bool,
}

/// A node whose children block is open.
struct Frame {
    /// The node.
    pending: Pending,
    /// False when the block is commented out with `/-`.
    keep_block: bool,
    /// The offset of its `{`.
    open: usize,
    /// The document before the block, to drop it if it is commented out.
    mark: Mark,
}

/// How a node's tail ended.
enum Tail {
    /// A `{` was read: its block follows.
    Block { keep_block: bool, open: usize },
    /// The node ended at this offset (its terminator, if any, is read).
    End(usize),
}

impl<'a> Reader<'a> {
    /// `nodes`, at the top level and in every block, until the end of the input.
    ///
    /// Each node is stored when its name is read and completed at its end; nodes and blocks
    /// commented out with `/-` are read like the others and then dropped by truncating the
    /// document back to where they started.
    fn nodes(&mut self) -> Result<Document> {
        let mut doc = Document::default();
        // Generated descriptions have a node per 38 bytes and an entry per 23: reserving for a
        // node per 24 and an entry per 16 saves the growing (about 7.7 bytes per input byte,
        // mostly pages never touched), and the text buffer holds at most the input's strings.
        doc.nodes.reserve(self.text.len() / 24);
        doc.entries.reserve(self.text.len() / 16);
        doc.text.reserve(self.text.len() / 2);
        let mut stack: Vec<Frame> = Vec::new();
        // The span of the nodes read so far in the open block at each depth.
        let mut spans: Vec<Option<(usize, usize)>> = vec![None];
        loop {
            self.line_space()?;
            let depth = stack.len();
            let mut pending = match self.peek() {
                None => {
                    if let Some(frame) = stack.last() {
                        return Err(Box::new(ReadError::new(frame.open..frame.open + 1, "this block is never closed")
                            .help("add the missing `}`; braces pair from the inside out, so a `}` forgotten in an inner block shows up here")));
                    }
                    let (start, end) = spans[0].unwrap_or((self.pos, self.pos));
                    doc.span = Span32::new(start, end);
                    return Ok(doc);
                }
                Some(b'}') => {
                    let Some(frame) = stack.pop() else {
                        return Err(Box::new(
                            self.error_at(self.pos, "this `}` closes no block")
                                .help("remove it, or look above for a block closed twice"),
                        ));
                    };
                    let (start, end) = spans[depth].take().unwrap_or((self.pos, self.pos));
                    let close = self.pos as u32;
                    self.pos += 1;
                    if frame.keep_block {
                        doc.nodes[frame.pending.index as usize].children =
                            Some((Span32::new(start, end), close));
                    } else {
                        frame.mark.drop_since(&mut doc);
                    }
                    frame.pending
                }
                Some(_) => {
                    let keep = !self.slashdash()?;
                    self.node_head(keep, &mut doc)?
                }
            };
            // The node's own depth: one less than `depth` if its block just closed.
            let depth = stack.len();
            let tail = self.node_tail(&mut pending, &mut doc)?;
            match tail {
                Tail::Block { keep_block, open } => {
                    if depth >= MAX_DEPTH {
                        return Err(Box::new(ReadError::new(
                            open..open + 1,
                            format!("blocks are nested more than {MAX_DEPTH} levels deep"),
                        )
                        .help("a description needs a handful of levels: app, workload, container, expose; check for unclosed or runaway blocks")
                        .limit("too deep")));
                    }
                    stack.push(Frame {
                        pending,
                        keep_block,
                        open,
                        mark: Mark::of(&doc),
                    });
                    if spans.len() == depth + 1 {
                        spans.push(None);
                    }
                }
                Tail::End(end) if pending.keep => {
                    let next = doc.nodes.len() as u32;
                    let node = &mut doc.nodes[pending.index as usize];
                    node.span = Span32::new(pending.start, end);
                    node.end = next;
                    let first = spans[depth].map_or(pending.start, |(first, _)| first);
                    spans[depth] = Some((first, end));
                }
                Tail::End(_) => pending.mark.drop_since(&mut doc),
            }
        }
    }

    /// Reads `/-` and the line space after it, if the cursor is at one; returns whether it was.
    fn slashdash(&mut self) -> Result<bool> {
        if !self.looking_at(b"/-") {
            return Ok(false);
        }
        let at = self.pos;
        self.pos += 2;
        self.line_space()?;
        if matches!(self.peek(), None | Some(b'}' | b';')) {
            return Err(Box::new(
                ReadError::new(at..at + 2, "`/-` comments out nothing here").help(
                    "`/-` comments out the node, entry or children block right after it; remove it",
                ),
            ));
        }
        Ok(true)
    }

    /// A node's type annotation and name, stored as the document's last node.
    fn node_head(&mut self, keep: bool, doc: &mut Document) -> Result<Pending> {
        let start = self.pos;
        let mark = Mark::of(doc);
        let ty = if self.peek() == Some(b'(') {
            let ty = self.type_annotation(doc)?;
            self.node_space()?;
            ty
        } else {
            NONE
        };
        let name_start = self.pos;
        let name = match self.scalar()? {
            Some(Scalar::Str(name)) => doc.push_str(&name),
            Some(Scalar::Other(_)) => {
                return Err(Box::new(ReadError::new(name_start..self.pos, "a node name must be a string")
                    .help("quote it: a name that reads as a number or keyword is written in double quotes")));
            }
            None if self.peek() == Some(b'{') => {
                return Err(Box::new(self
                    .error_at(self.pos, "a children block needs a node name before it")
                    .help("did you end the node before its block? `{` must be on the same line as its node")));
            }
            None => return Err(Box::new(self.unexpected(self.pos, "a node name"))),
        };
        if doc.nodes.len() >= MAX_NODES {
            return Err(Box::new(
                ReadError::new(name_start..self.pos, format!("the file has more than {MAX_NODES} nodes"))
                    .help("a description of 5,000 services has about 55,000; check for generated or repeated text, or split the components into imported files")
                    .limit("one too many"),
            ));
        }
        let index = doc.nodes.len() as u32;
        let entries = doc.entries.len() as u32;
        doc.nodes.push(NodeData {
            name,
            name_span: Span32::new(name_start, self.pos),
            ty,
            span: Span32::default(),
            first_entry: entries,
            end_entry: entries,
            end: index + 1,
            children: None,
        });
        Ok(Pending {
            start,
            index,
            mark,
            keep,
            has_block: false,
            has_children: false,
        })
    }

    /// The rest of a node after its name, or after a children block: entries, blocks, and the
    /// terminator.
    fn node_tail(&mut self, pending: &mut Pending, doc: &mut Document) -> Result<Tail> {
        loop {
            let spaced = self.node_space()?;
            let here = self.pos;
            let Some(b) = self.peek() else {
                return Ok(Tail::End(here));
            };
            match b {
                b'/' if self.peek_at(1) == Some(b'-') => {
                    self.slashdash()?;
                    if self.peek() == Some(b'{') {
                        pending.has_block = true;
                        self.pos += 1;
                        return Ok(Tail::Block {
                            keep_block: false,
                            open: self.pos - 1,
                        });
                    }
                    if pending.has_block {
                        return Err(Box::new(after_block(here)));
                    }
                    self.entry(doc, None)?;
                }
                b'{' => {
                    if pending.has_children {
                        return Err(Box::new(
                            self.error_at(here, "a node has one children block")
                                .help("merge the blocks, or comment one out with `/-`"),
                        ));
                    }
                    pending.has_block = true;
                    pending.has_children = true;
                    self.pos += 1;
                    return Ok(Tail::Block {
                        keep_block: true,
                        open: here,
                    });
                }
                b'}' => return Ok(Tail::End(here)),
                b';' => {
                    self.pos += 1;
                    return Ok(Tail::End(here));
                }
                b'/' if self.peek_at(1) == Some(b'/') => {
                    self.line_comment()?;
                    return Ok(Tail::End(here));
                }
                _ => {
                    if let Some(n) = self.newline_len() {
                        self.pos += n;
                        return Ok(Tail::End(here));
                    }
                    if pending.has_block {
                        return Err(Box::new(after_block(here)));
                    }
                    if !spaced {
                        return Err(Box::new(self.value_end_error()));
                    }
                    self.entry(doc, pending.keep.then_some(pending.index))?;
                }
            }
        }
    }

    /// An argument or a property, stored as `node`'s last entry (none: read and dropped).
    fn entry(&mut self, doc: &mut Document, node: Option<u32>) -> Result<()> {
        let start = self.pos;
        let mark = Mark::of(doc);
        let mut ty = NONE;
        if self.peek() == Some(b'(') {
            ty = self.type_annotation(doc)?;
            self.node_space()?;
        }
        let mut value_start = self.pos;
        let Some(mut value) = self.scalar()? else {
            let expected = if ty != NONE {
                "a value after the type annotation"
            } else {
                "a value"
            };
            let error = self.unexpected(self.pos, expected);
            return Err(Box::new(if self.peek() == Some(b'=') {
                error.help("a node's value follows its name without `=`: write `replicas 2`; `key=value` is a property")
            } else {
                error
            }));
        };
        let value_end = self.pos;
        let mut key = Str { at: 0, len: NONE };
        let mut key_span = Span32::default();
        if self.property_equals()? {
            if ty != NONE {
                return Err(Box::new(
                    self.error_at(self.pos, "a property's type annotation goes on its value")
                        .help("write key=(type)value"),
                ));
            }
            let Scalar::Str(name) = value else {
                return Err(Box::new(
                    ReadError::new(value_start..value_end, "a property name must be a string")
                        .help("quote it: \"1\"=value"),
                ));
            };
            if node.is_some() {
                key = doc.push_str(&name);
            }
            key_span = Span32::new(value_start, value_end);
            self.pos += 1;
            self.node_space()?;
            if self.peek() == Some(b'(') {
                ty = self.type_annotation(doc)?;
                self.node_space()?;
            }
            value_start = self.pos;
            value = self.scalar()?.ok_or_else(|| {
                self.unexpected(self.pos, "a value after `=`")
                    .help("give the property a value, such as key=\"value\", or remove it")
            })?;
        }
        let Some(node) = node else {
            mark.drop_since(doc);
            return Ok(());
        };
        let (value, raw) = match value {
            Scalar::Str(s) => (Stored::String(doc.push_str(&s)), Str::default()),
            Scalar::Other(v) => (v, doc.push_str(&self.text[value_start..self.pos])),
        };
        if doc.entries.len() >= MAX_ENTRIES {
            return Err(Box::new(
                ReadError::new(start..self.pos, format!("the file has more than {MAX_ENTRIES} arguments and properties"))
                    .help("a description of 5,000 services has about 91,000; check for generated or repeated text, or split the components into imported files")
                    .limit("one too many"),
            ));
        }
        doc.entries.push(EntryData {
            value,
            key,
            key_span,
            ty,
            span: Span32::new(start, self.pos),
            value_start: value_start as u32,
            raw,
        });
        doc.nodes[node as usize].end_entry = doc.entries.len() as u32;
        Ok(())
    }

    /// Whether a `=` follows, perhaps after node space: the value just read is a property's
    /// name. The cursor is left on the `=`, or where it was.
    fn property_equals(&mut self) -> Result<bool> {
        match self.peek() {
            Some(b'=') => Ok(true),
            Some(b' ' | b'\t' | b'\\' | b'/') => {
                let save = self.pos;
                if self.node_space()? && self.peek() == Some(b'=') {
                    return Ok(true);
                }
                self.pos = save;
                Ok(false)
            }
            Some(b) if b >= 0x80 => {
                let save = self.pos;
                if self.node_space()? && self.peek() == Some(b'=') {
                    return Ok(true);
                }
                self.pos = save;
                Ok(false)
            }
            _ => Ok(false),
        }
    }

    /// `(type)`: a string between parentheses, with optional space inside; stored, and its
    /// index returned.
    fn type_annotation(&mut self, doc: &mut Document) -> Result<u32> {
        self.pos += 1;
        self.node_space()?;
        let start = self.pos;
        let name = match self.scalar()? {
            Some(Scalar::Str(name)) => doc.push_str(&name),
            Some(Scalar::Other(_)) => {
                return Err(Box::new(
                    ReadError::new(start..self.pos, "a type annotation must be a string")
                        .help("quote it: (\"u8\")"),
                ));
            }
            None => return Err(Box::new(self.unexpected(self.pos, "a type name"))),
        };
        let end = self.pos;
        self.node_space()?;
        if self.peek() != Some(b')') {
            return Err(Box::new(
                self.unexpected(self.pos, "`)` to close the type annotation"),
            ));
        }
        self.pos += 1;
        doc.annotations.push(Annotation {
            name,
            span: Span32::new(start, end),
        });
        Ok((doc.annotations.len() - 1) as u32)
    }

    /// A value at the cursor, followed by a space, newline or punctuation; `None` when no value
    /// starts here.
    fn scalar(&mut self) -> Result<Option<Scalar<'a>>> {
        let Some(b) = self.peek() else {
            return Ok(None);
        };
        let value = match b {
            b'"' => Scalar::Str(self.quoted_string()?),
            b'#' if matches!(self.peek_at(1), Some(b'"' | b'#')) => Scalar::Str(self.raw_string()?),
            b'#' => Scalar::Other(self.keyword()?),
            b'0'..=b'9' => Scalar::Other(self.number()?),
            b'+' | b'-' if self.peek_at(1).is_some_and(|b| b.is_ascii_digit()) => {
                Scalar::Other(self.number()?)
            }
            b'+' | b'-' | b'.' => {
                let dot = if b == b'.' { 1 } else { 2 };
                let after_dot = self.peek_at(dot).is_some_and(|b| b.is_ascii_digit());
                if after_dot && (b == b'.' || self.peek_at(1) == Some(b'.')) {
                    return Err(Box::new(self.not_a_number(self.pos)));
                }
                Scalar::Str(self.identifier_string()?)
            }
            _ if class(b) == IDENT => Scalar::Str(self.identifier_string()?),
            _ if class(b) == CHECK
                && self
                    .char_at(self.pos)
                    .is_some_and(chars::is_identifier_char) =>
            {
                Scalar::Str(self.identifier_string()?)
            }
            _ => return Ok(None),
        };
        if !self.at_value_end() {
            return Err(Box::new(self.value_end_error()));
        }
        Ok(Some(value))
    }
}

/// The error for anything but a block or the end of the node after a children block.
fn after_block(at: usize) -> ReadError {
    ReadError::new(at..at + 1, "a node ends after its children block")
        .help("end the node with a newline or `;` before writing more; its arguments and properties go before the block")
}
