//! The grammar: a document is nodes; a node is an optional type, a name, entries (arguments and
//! properties), and children blocks, any of them commented out with `/-`.
//!
//! Children blocks are read with an explicit stack of open nodes rather than by recursion, so the
//! depth of the input costs heap, not stack, and [`MAX_DEPTH`] bounds it.

use kdl::{KdlDocument, KdlEntry, KdlEntryFormat, KdlIdentifier, KdlNode, KdlValue};

use super::chars::{self, CHECK, IDENT, class};
use super::lexer::Reader;
use super::{MAX_DEPTH, ReadError, Result};

/// Reads a whole document.
pub fn document(text: &str) -> Result<KdlDocument> {
    let mut reader = Reader::new(text);
    if text.starts_with('\u{FEFF}') {
        reader.pos = '\u{FEFF}'.len_utf8();
    }
    reader.nodes()
}

/// A node being read: its `KdlNode` (name and type) is the last node of its level; its entries
/// are collected apart until its first block or its end; its blocks may follow.
#[derive(Clone, Copy)]
struct Pending {
    /// Where it starts: its type annotation or name.
    start: usize,
    /// False when the node is commented out with `/-`.
    keep: bool,
    /// A block (real or commented out) was read, so no entries may follow.
    has_block: bool,
    /// Its children block was read, so no other may follow.
    has_children: bool,
}

/// A node whose children block is open.
struct Frame {
    /// The node, the last of the level below.
    pending: Pending,
    /// False when the block is commented out with `/-`.
    keep_block: bool,
    /// The offset of its `{`.
    open: usize,
}

/// The nodes of one document or block being read, and the span from the first node to the end
/// of the last.
#[derive(Default)]
struct Level {
    nodes: Vec<KdlNode>,
    span: Option<(usize, usize)>,
    /// How many nodes the last block at this depth had: blocks at one depth tend to be alike,
    /// so the next one starts with that capacity instead of growing (and copying) from zero.
    hint: usize,
}

impl Level {
    /// Starts a block at this depth.
    fn open(&mut self) {
        self.nodes = Vec::with_capacity(self.hint);
    }

    /// The level's nodes as a document, in a vector trimmed to their number (which does not move
    /// them). An empty document has an empty span at `empty_at` (its closing `}` or the end of
    /// the input).
    fn take(&mut self, empty_at: usize) -> KdlDocument {
        let (start, end) = self.span.take().unwrap_or((empty_at, empty_at));
        let mut nodes = std::mem::take(&mut self.nodes);
        self.hint = nodes.len();
        nodes.shrink_to_fit();
        let mut doc = KdlDocument::new();
        *doc.nodes_mut() = nodes;
        doc.set_span(start..end);
        doc
    }
}

/// Moves the entries read into the node, in a vector of exactly their number.
fn flush(entries: &mut Vec<KdlEntry>, node: Option<&mut KdlNode>) {
    if let Some(node) = node
        && !entries.is_empty()
    {
        let mut exact = Vec::with_capacity(entries.len());
        exact.append(entries);
        *node.entries_mut() = exact;
    }
    entries.clear();
}

/// How a node's tail ended.
enum Tail {
    /// A `{` was read: its block follows.
    Block { keep_block: bool, open: usize },
    /// The node ended at this offset (its terminator, if any, is read).
    End(usize),
}

impl Reader<'_> {
    /// `nodes`, at the top level and in every block, until the end of the input.
    ///
    /// Nodes are built in place, as the last node of their level. The tree is most of the cost
    /// (a `KdlNode` is 448 bytes, a `KdlEntry` 384), so it is kept small and moved little: a block
    /// starts with the capacity the last block at its depth needed and is trimmed in place, and a
    /// node's entries are moved once into a vector of their exact number.
    fn nodes(&mut self) -> Result<KdlDocument> {
        let mut stack: Vec<Frame> = Vec::new();
        let mut levels: Vec<Level> = vec![Level::default()];
        let mut entries: Vec<KdlEntry> = Vec::new();
        // `KdlNode::new` allocates the formatting it would print the node with; a clone of an
        // unformatted node with an empty name allocates nothing.
        let mut blank = KdlNode::new(String::new());
        blank.clear_format();
        loop {
            self.line_space()?;
            let depth = stack.len();
            let mut pending = match self.peek() {
                None => {
                    if let Some(frame) = stack.last() {
                        return Err(ReadError::new(frame.open..frame.open + 1, "this block is never closed")
                            .help("add the missing `}`; braces pair from the inside out, so a `}` forgotten in an inner block shows up here"));
                    }
                    return Ok(levels[0].take(self.pos));
                }
                Some(b'}') => {
                    let Some(frame) = stack.pop() else {
                        return Err(self
                            .error_at(self.pos, "this `}` closes no block")
                            .help("remove it, or look above for a block closed twice"));
                    };
                    let children = levels[depth].take(self.pos);
                    self.pos += 1;
                    if frame.keep_block
                        && let Some(node) = levels[depth - 1].nodes.last_mut()
                    {
                        node.set_children(children);
                    }
                    frame.pending
                }
                Some(_) => {
                    let keep = !self.slashdash()?;
                    let (name, ty, pending) = self.node_head(keep)?;
                    let mut node = blank.clone();
                    *node.name_mut() = name;
                    if let Some(ty) = ty {
                        node.set_ty(ty);
                    }
                    levels[depth].nodes.push(node);
                    pending
                }
            };
            let depth = stack.len();
            let tail = self.node_tail(&mut pending, &mut entries)?;
            let level = &mut levels[depth];
            flush(&mut entries, level.nodes.last_mut());
            match tail {
                Tail::Block { keep_block, open } => {
                    if depth >= MAX_DEPTH {
                        return Err(ReadError::new(
                            open..open + 1,
                            format!("blocks are nested more than {MAX_DEPTH} levels deep"),
                        )
                        .help("a description needs a handful of levels: app, workload, container, expose; check for unclosed or runaway blocks"));
                    }
                    stack.push(Frame {
                        pending,
                        keep_block,
                        open,
                    });
                    if levels.len() == depth + 1 {
                        levels.push(Level::default());
                    }
                    levels[depth + 1].open();
                }
                Tail::End(end) if pending.keep => {
                    if let Some(node) = level.nodes.last_mut() {
                        node.set_span(pending.start..end);
                    }
                    let first = level.span.map_or(pending.start, |(first, _)| first);
                    level.span = Some((first, end));
                }
                Tail::End(_) => {
                    level.nodes.pop();
                }
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
            return Err(
                ReadError::new(at..at + 2, "`/-` comments out nothing here").help(
                    "`/-` comments out the node, entry or children block right after it; remove it",
                ),
            );
        }
        Ok(true)
    }

    /// A node's type annotation and name.
    fn node_head(&mut self, keep: bool) -> Result<(KdlIdentifier, Option<KdlIdentifier>, Pending)> {
        let start = self.pos;
        let ty = if self.peek() == Some(b'(') {
            let ty = self.type_annotation()?;
            self.node_space()?;
            Some(ty)
        } else {
            None
        };
        let name_start = self.pos;
        let name = match self.scalar()? {
            Some(KdlValue::String(name)) => name,
            Some(_) => {
                return Err(ReadError::new(name_start..self.pos, "a node name must be a string")
                    .help("quote it: a name that reads as a number or keyword is written in double quotes"));
            }
            None if self.peek() == Some(b'{') => {
                return Err(self
                    .error_at(self.pos, "a children block needs a node name before it")
                    .help("did you end the node before its block? `{` must be on the same line as its node"));
            }
            None => return Err(self.unexpected(self.pos, "a node name")),
        };
        let mut ident = KdlIdentifier::from(name);
        ident.set_span(name_start..self.pos);
        let pending = Pending {
            start,
            keep,
            has_block: false,
            has_children: false,
        };
        Ok((ident, ty, pending))
    }

    /// The rest of a node after its name, or after a children block: entries, blocks, and the
    /// terminator.
    fn node_tail(&mut self, pending: &mut Pending, entries: &mut Vec<KdlEntry>) -> Result<Tail> {
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
                        return Err(after_block(here));
                    }
                    self.entry(entries, false)?;
                }
                b'{' => {
                    if pending.has_children {
                        return Err(self
                            .error_at(here, "a node has one children block")
                            .help("merge the blocks, or comment one out with `/-`"));
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
                        return Err(after_block(here));
                    }
                    if !spaced {
                        return Err(self.value_end_error());
                    }
                    self.entry(entries, pending.keep)?;
                }
            }
        }
    }

    /// An argument or a property, added to `entries` when `keep` (built in place: an entry is
    /// large, and moving it costs more than reading it).
    fn entry(&mut self, entries: &mut Vec<KdlEntry>, keep: bool) -> Result<()> {
        let start = self.pos;
        let mut ty = None;
        if self.peek() == Some(b'(') {
            ty = Some(self.type_annotation()?);
            self.node_space()?;
        }
        let mut value_start = self.pos;
        let Some(mut value) = self.scalar()? else {
            let expected = if ty.is_some() {
                "a value after the type annotation"
            } else {
                "a value"
            };
            let error = self.unexpected(self.pos, expected);
            return Err(if self.peek() == Some(b'=') {
                error.help("a node's value follows its name without `=`: write `replicas 2`; `key=value` is a property")
            } else {
                error
            });
        };
        let value_end = self.pos;
        let mut key = None;
        if self.property_equals()? {
            if ty.is_some() {
                return Err(self
                    .error_at(self.pos, "a property's type annotation goes on its value")
                    .help("write key=(type)value"));
            }
            let KdlValue::String(name) = value else {
                return Err(ReadError::new(
                    value_start..value_end,
                    "a property name must be a string",
                )
                .help("quote it: \"1\"=value"));
            };
            let mut name = KdlIdentifier::from(name);
            name.set_span(value_start..value_end);
            key = Some(name);
            self.pos += 1;
            self.node_space()?;
            if self.peek() == Some(b'(') {
                ty = Some(self.type_annotation()?);
                self.node_space()?;
            }
            value_start = self.pos;
            value = self.scalar()?.ok_or_else(|| {
                self.unexpected(self.pos, "a value after `=`")
                    .help("give the property a value, such as key=\"value\", or remove it")
            })?;
        }
        if !keep {
            return Ok(());
        }
        let value_repr = self.text[value_start..self.pos].to_owned();
        entries.push(match key {
            Some(key) => KdlEntry::new_prop(key, value),
            None => KdlEntry::new(value),
        });
        if let Some(entry) = entries.last_mut() {
            if let Some(ty) = ty {
                entry.set_ty(ty);
            }
            entry.set_span(start..self.pos);
            entry.set_format(KdlEntryFormat {
                value_repr,
                ..KdlEntryFormat::default()
            });
        }
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

    /// `(type)`: a string between parentheses, with optional space inside.
    fn type_annotation(&mut self) -> Result<KdlIdentifier> {
        self.pos += 1;
        self.node_space()?;
        let start = self.pos;
        let name = match self.scalar()? {
            Some(KdlValue::String(name)) => name,
            Some(_) => {
                return Err(
                    ReadError::new(start..self.pos, "a type annotation must be a string")
                        .help("quote it: (\"u8\")"),
                );
            }
            None => return Err(self.unexpected(self.pos, "a type name")),
        };
        let end = self.pos;
        self.node_space()?;
        if self.peek() != Some(b')') {
            return Err(self.unexpected(self.pos, "`)` to close the type annotation"));
        }
        self.pos += 1;
        let mut ident = KdlIdentifier::from(name);
        ident.set_span(start..end);
        Ok(ident)
    }

    /// A value at the cursor, followed by a space, newline or punctuation; `None` when no value
    /// starts here.
    fn scalar(&mut self) -> Result<Option<KdlValue>> {
        let Some(b) = self.peek() else {
            return Ok(None);
        };
        let value = match b {
            b'"' => KdlValue::String(self.quoted_string()?),
            b'#' if matches!(self.peek_at(1), Some(b'"' | b'#')) => {
                KdlValue::String(self.raw_string()?)
            }
            b'#' => self.keyword()?,
            b'0'..=b'9' => self.number()?,
            b'+' | b'-' if self.peek_at(1).is_some_and(|b| b.is_ascii_digit()) => self.number()?,
            b'+' | b'-' | b'.' => {
                let dot = if b == b'.' { 1 } else { 2 };
                let after_dot = self.peek_at(dot).is_some_and(|b| b.is_ascii_digit());
                if after_dot && (b == b'.' || self.peek_at(1) == Some(b'.')) {
                    return Err(self.not_a_number(self.pos));
                }
                KdlValue::String(self.identifier_string()?)
            }
            _ if class(b) == IDENT => KdlValue::String(self.identifier_string()?),
            _ if class(b) == CHECK
                && self
                    .char_at(self.pos)
                    .is_some_and(chars::is_identifier_char) =>
            {
                KdlValue::String(self.identifier_string()?)
            }
            _ => return Ok(None),
        };
        if !self.at_value_end() {
            return Err(self.value_end_error());
        }
        Ok(Some(value))
    }
}

/// The error for anything but a block or the end of the node after a children block.
fn after_block(at: usize) -> ReadError {
    ReadError::new(at..at + 1, "a node ends after its children block")
        .help("end the node with a newline or `;` before writing more; its arguments and properties go before the block")
}
