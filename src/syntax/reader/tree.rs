//! The syntax tree the reader builds: every node, entry and string of a document in three flat
//! vectors and one string buffer, with the spans diagnostics point at.
//!
//! A document of a thousand services has tens of thousands of nodes and entries; a tree of
//! separately allocated nodes, each with its own name, entry list and children, would spend more
//! time allocating than reading. Here nodes are stored in document order (a node, then its
//! descendants, then its next sibling), each knowing where its subtree ends, so a block's nodes are
//! found by hopping from sibling to sibling. A node's entries are a run of the entry vector, and
//! every string is a run of the text buffer. Reading them goes through borrowed views: [`Node`],
//! [`Entry`], and [`ValueRef`], which the compiler turns into an owned [`Value`] where it keeps one.

use std::fmt;
use std::ops::Range;

/// A run of [`Document::text`]: offset and length.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(crate) struct Str {
    pub(crate) at: u32,
    pub(crate) len: u32,
}

/// Byte offsets in the source, as `u32` (the reader refuses longer inputs).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(crate) struct Span32 {
    pub(crate) start: u32,
    pub(crate) end: u32,
}

impl Span32 {
    pub(crate) fn new(start: usize, end: usize) -> Self {
        // The reader refuses inputs longer than `u32::MAX` bytes before building anything.
        Span32 {
            start: start as u32,
            end: end as u32,
        }
    }

    fn range(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// Marks "none" in the index fields below.
pub(crate) const NONE: u32 = u32::MAX;

/// A type annotation: `(ty)`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Annotation {
    pub(crate) name: Str,
    pub(crate) span: Span32,
}

/// A value as stored: strings point into the text buffer.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Stored {
    String(Str),
    Integer(i128),
    Float(f64),
    Bool(bool),
    Null,
}

#[derive(Clone, Debug)]
pub(crate) struct NodeData {
    pub(crate) name: Str,
    pub(crate) name_span: Span32,
    /// Index into [`Document::annotations`], or [`NONE`].
    pub(crate) ty: u32,
    pub(crate) span: Span32,
    /// The node's entries: `entries[first_entry..end_entry]`.
    pub(crate) first_entry: u32,
    pub(crate) end_entry: u32,
    /// Index just past the node's last descendant: its next sibling, if it has one.
    pub(crate) end: u32,
    /// The span of the children block's nodes (empty at the `}` of an empty block), and the
    /// offset of its `}`, when the node has a children block.
    pub(crate) children: Option<(Span32, u32)>,
}

#[derive(Clone, Debug)]
pub(crate) struct EntryData {
    pub(crate) value: Stored,
    /// A property's key, or [`Str`] with `len == NONE` for an argument.
    pub(crate) key: Str,
    pub(crate) key_span: Span32,
    /// Index into [`Document::annotations`], or [`NONE`].
    pub(crate) ty: u32,
    /// The whole entry: `key=value` for a property, type annotation included.
    pub(crate) span: Span32,
    /// Where the value as written starts (after `=` and any type annotation); it ends with the
    /// entry.
    pub(crate) value_start: u32,
    /// A number or keyword exactly as written (`0x10`, `8.0`); empty for strings.
    pub(crate) raw: Str,
}

/// A KDL document.
#[derive(Clone, Debug, Default)]
pub struct Document {
    pub(crate) nodes: Vec<NodeData>,
    pub(crate) entries: Vec<EntryData>,
    pub(crate) annotations: Vec<Annotation>,
    pub(crate) text: String,
    pub(crate) span: Span32,
}

impl Document {
    /// The top-level nodes.
    pub fn nodes(&self) -> Nodes<'_> {
        Nodes {
            doc: self,
            next: 0,
            end: self.nodes.len() as u32,
        }
    }

    /// From the start of the first node to the end of the last (empty at the end of an empty
    /// document).
    pub fn span(&self) -> Range<usize> {
        self.span.range()
    }

    /// The number of nodes at every depth.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether the document has no nodes.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// A document of `node` and its descendants alone, with the same spans (for a part kept
    /// after the rest of the document is dropped).
    pub fn extract(node: Node<'_>) -> Document {
        let src = node.doc;
        let range = node.index as usize..src.nodes[node.index as usize].end as usize;
        let mut out = Document {
            span: src.nodes[node.index as usize].span,
            ..Document::default()
        };
        let base = node.index;
        for data in &src.nodes[range] {
            let mut copy = data.clone();
            copy.name = out.push_str(src.str(data.name));
            copy.ty = out.copy_annotation(src, data.ty);
            copy.end = data.end - base;
            copy.first_entry = out.entries.len() as u32;
            for entry in &src.entries[data.first_entry as usize..data.end_entry as usize] {
                let mut e = entry.clone();
                if let Stored::String(s) = e.value {
                    e.value = Stored::String(out.push_str(src.str(s)));
                }
                if e.key.len != NONE {
                    e.key = out.push_str(src.str(e.key));
                }
                e.raw = out.push_str(src.str(e.raw));
                e.ty = out.copy_annotation(src, e.ty);
                out.entries.push(e);
            }
            copy.end_entry = out.entries.len() as u32;
            out.nodes.push(copy);
        }
        out
    }

    fn copy_annotation(&mut self, src: &Document, ty: u32) -> u32 {
        if ty == NONE {
            return NONE;
        }
        let a = src.annotations[ty as usize];
        let name = self.push_str(src.str(a.name));
        self.annotations.push(Annotation { name, span: a.span });
        (self.annotations.len() - 1) as u32
    }

    /// Appends `s` to the text buffer.
    pub(crate) fn push_str(&mut self, s: &str) -> Str {
        let at = self.text.len() as u32;
        self.text.push_str(s);
        Str {
            at,
            len: s.len() as u32,
        }
    }

    #[inline]
    pub(crate) fn str(&self, s: Str) -> &str {
        if s.len == NONE {
            return "";
        }
        &self.text[s.at as usize..(s.at + s.len) as usize]
    }

    fn annotation(&self, ty: u32) -> Option<(&str, Range<usize>)> {
        let a = self.annotations.get(ty as usize)?;
        Some((self.str(a.name), a.span.range()))
    }

    /// Whether two documents hold the same nodes, names, type annotations and values in the same
    /// order, wherever they are in their texts (floats compare bit for bit).
    pub fn same_content(&self, other: &Document) -> bool {
        fn same_nodes(a: Nodes<'_>, b: Nodes<'_>) -> bool {
            let (mut a, mut b) = (a, b);
            loop {
                match (a.next(), b.next()) {
                    (None, None) => return true,
                    (Some(x), Some(y)) => {
                        let same = x.name() == y.name()
                            && x.ty() == y.ty()
                            && x.entries().len() == y.entries().len()
                            && x.entries().zip(y.entries()).all(|(e, f)| {
                                e.name() == f.name()
                                    && e.ty() == f.ty()
                                    && e.value().same(&f.value())
                            })
                            && match (x.children(), y.children()) {
                                (None, None) => true,
                                (Some(c), Some(d)) => same_nodes(c, d),
                                _ => false,
                            };
                        if !same {
                            return false;
                        }
                    }
                    _ => return false,
                }
            }
        }
        same_nodes(self.nodes(), other.nodes())
    }
}

/// The nodes of a block (or of the document), in order.
#[derive(Clone, Copy)]
pub struct Nodes<'a> {
    doc: &'a Document,
    next: u32,
    end: u32,
}

impl<'a> Iterator for Nodes<'a> {
    type Item = Node<'a>;

    #[inline]
    fn next(&mut self) -> Option<Node<'a>> {
        if self.next >= self.end {
            return None;
        }
        let index = self.next;
        self.next = self.doc.nodes[index as usize].end;
        Some(Node {
            doc: self.doc,
            index,
        })
    }
}

impl fmt::Debug for Nodes<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(*self).finish()
    }
}

/// A node: a name, entries, and perhaps a children block.
#[derive(Clone, Copy)]
pub struct Node<'a> {
    doc: &'a Document,
    index: u32,
}

impl<'a> Node<'a> {
    #[inline]
    fn data(&self) -> &'a NodeData {
        &self.doc.nodes[self.index as usize]
    }

    /// The node's name.
    pub fn name(&self) -> &'a str {
        self.doc.str(self.data().name)
    }

    /// The span of its name as written (quotes included).
    pub fn name_span(&self) -> Range<usize> {
        self.data().name_span.range()
    }

    /// The span of the whole node, from its type annotation or name to its end (before its
    /// terminator).
    pub fn span(&self) -> Range<usize> {
        self.data().span.range()
    }

    /// Its type annotation, `(ty)name`.
    pub fn ty(&self) -> Option<&'a str> {
        self.doc.annotation(self.data().ty).map(|(name, _)| name)
    }

    /// The span of its type annotation's name.
    pub fn ty_span(&self) -> Option<Range<usize>> {
        self.doc.annotation(self.data().ty).map(|(_, span)| span)
    }

    /// Its arguments and properties, in order.
    pub fn entries(&self) -> Entries<'a> {
        let data = self.data();
        Entries {
            doc: self.doc,
            next: data.first_entry,
            end: data.end_entry,
        }
    }

    /// The nodes of its children block, if it has one.
    pub fn children(&self) -> Option<Nodes<'a>> {
        let data = self.data();
        data.children?;
        Some(Nodes {
            doc: self.doc,
            next: self.index + 1,
            end: data.end,
        })
    }

    /// The span of its children block's nodes (empty at the `}` of an empty block).
    pub fn children_span(&self) -> Option<Range<usize>> {
        self.data().children.map(|(nodes, _)| nodes.range())
    }

    /// The offset of the `}` that closes its children block.
    pub fn block_close(&self) -> Option<usize> {
        self.data().children.map(|(_, close)| close as usize)
    }
}

impl fmt::Debug for Node<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Node");
        d.field("name", &self.name());
        if let Some(ty) = self.ty() {
            d.field("ty", &ty);
        }
        d.field("entries", &self.entries());
        if let Some(children) = self.children() {
            d.field("children", &children);
        }
        d.finish()
    }
}

/// The entries of a node, in order.
#[derive(Clone, Copy)]
pub struct Entries<'a> {
    doc: &'a Document,
    next: u32,
    end: u32,
}

impl<'a> Iterator for Entries<'a> {
    type Item = Entry<'a>;

    #[inline]
    fn next(&mut self) -> Option<Entry<'a>> {
        if self.next >= self.end {
            return None;
        }
        let data = &self.doc.entries[self.next as usize];
        self.next += 1;
        Some(Entry {
            doc: self.doc,
            data,
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = (self.end - self.next) as usize;
        (n, Some(n))
    }
}

impl ExactSizeIterator for Entries<'_> {}

impl fmt::Debug for Entries<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(*self).finish()
    }
}

/// An argument (`value`) or a property (`key=value`).
#[derive(Clone, Copy)]
pub struct Entry<'a> {
    doc: &'a Document,
    data: &'a EntryData,
}

impl<'a> Entry<'a> {
    /// A property's key; `None` for an argument.
    pub fn name(&self) -> Option<&'a str> {
        (self.data.key.len != NONE).then(|| self.doc.str(self.data.key))
    }

    /// The span of a property's key as written.
    pub fn name_span(&self) -> Option<Range<usize>> {
        (self.data.key.len != NONE).then(|| self.data.key_span.range())
    }

    /// The value.
    pub fn value(&self) -> ValueRef<'a> {
        match self.data.value {
            Stored::String(s) => ValueRef::String(self.doc.str(s)),
            Stored::Integer(i) => ValueRef::Integer(i),
            Stored::Float(f) => ValueRef::Float(f),
            Stored::Bool(b) => ValueRef::Bool(b),
            Stored::Null => ValueRef::Null,
        }
    }

    /// The value's type annotation, `(ty)value`.
    pub fn ty(&self) -> Option<&'a str> {
        self.doc.annotation(self.data.ty).map(|(name, _)| name)
    }

    /// The span of the type annotation's name.
    pub fn ty_span(&self) -> Option<Range<usize>> {
        self.doc.annotation(self.data.ty).map(|(_, span)| span)
    }

    /// The whole entry: `key=value` for a property.
    pub fn span(&self) -> Range<usize> {
        self.data.span.range()
    }

    /// The value as written, without its type annotation: for `key=(t)"v"`, the `"v"`.
    pub fn value_span(&self) -> Range<usize> {
        self.data.value_start as usize..self.data.span.end as usize
    }

    /// A number or keyword exactly as written (`0x10`, `8.0`, `#true`); `None` for strings.
    pub fn raw(&self) -> Option<&'a str> {
        (!matches!(self.data.value, Stored::String(_))).then(|| self.doc.str(self.data.raw))
    }
}

impl fmt::Debug for Entry<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(key) = self.name() {
            write!(f, "{key}=")?;
        }
        if let Some(ty) = self.ty() {
            write!(f, "({ty})")?;
        }
        write!(f, "{:?}", self.value())
    }
}

/// A value in a document.
#[derive(Clone, Copy, Debug)]
pub enum ValueRef<'a> {
    /// A string, escapes applied.
    String(&'a str),
    /// An integer.
    Integer(i128),
    /// A decimal number, `#inf`, `#-inf` or `#nan`.
    Float(f64),
    /// `#true` or `#false`.
    Bool(bool),
    /// `#null`.
    Null,
}

impl<'a> ValueRef<'a> {
    /// The string, if this is one.
    pub fn as_str(self) -> Option<&'a str> {
        match self {
            ValueRef::String(s) => Some(s),
            _ => None,
        }
    }

    /// The value, owned.
    pub fn to_value(self) -> Value {
        match self {
            ValueRef::String(s) => Value::String(s.to_owned()),
            ValueRef::Integer(i) => Value::Integer(i),
            ValueRef::Float(f) => Value::Float(f),
            ValueRef::Bool(b) => Value::Bool(b),
            ValueRef::Null => Value::Null,
        }
    }

    /// Equal values; floats bit for bit, so `#nan` equals `#nan`.
    fn same(&self, other: &ValueRef<'_>) -> bool {
        match (self, other) {
            (ValueRef::String(a), ValueRef::String(b)) => a == b,
            (ValueRef::Integer(a), ValueRef::Integer(b)) => a == b,
            (ValueRef::Float(a), ValueRef::Float(b)) => a.to_bits() == b.to_bits(),
            (ValueRef::Bool(a), ValueRef::Bool(b)) => a == b,
            (ValueRef::Null, ValueRef::Null) => true,
            _ => false,
        }
    }
}

/// A value the compiler keeps: a [`ValueRef`] that owns its string.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A string.
    String(String),
    /// An integer.
    Integer(i128),
    /// A decimal number, `#inf`, `#-inf` or `#nan`.
    Float(f64),
    /// `#true` or `#false`.
    Bool(bool),
    /// `#null`.
    Null,
}
