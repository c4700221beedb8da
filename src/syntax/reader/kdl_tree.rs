//! A [`Document`] as the `kdl` crate's tree, spans and `value_repr` included, for comparing the
//! two readers: the specification's suite, the differential tests, the fuzzer and the bench.

use kdl::{KdlDocument, KdlEntry, KdlEntryFormat, KdlIdentifier, KdlNode, KdlValue};

use super::tree::{Document, Node, Nodes, ValueRef};

/// `doc`, read from `text`, as the `kdl` crate's tree: the same nodes, values, type annotations
/// and spans, each entry's value exactly as written in `value_repr`, and no other formatting.
pub fn to_kdl(doc: &Document, text: &str) -> KdlDocument {
    let mut out = document(doc.nodes(), text);
    out.set_span(doc.span());
    out
}

fn document(nodes: Nodes<'_>, text: &str) -> KdlDocument {
    let mut out = KdlDocument::new();
    *out.nodes_mut() = nodes.map(|n| node(n, text)).collect();
    out
}

fn identifier(name: &str, span: std::ops::Range<usize>) -> KdlIdentifier {
    let mut ident = KdlIdentifier::from(name);
    ident.set_span(span);
    ident
}

fn node(n: Node<'_>, text: &str) -> KdlNode {
    let mut out = KdlNode::new(identifier(n.name(), n.name_span()));
    out.clear_format();
    if let (Some(ty), Some(span)) = (n.ty(), n.ty_span()) {
        out.set_ty(identifier(ty, span));
    }
    out.set_span(n.span());
    for e in n.entries() {
        let value = match e.value() {
            ValueRef::String(s) => KdlValue::String(s.to_owned()),
            ValueRef::Integer(i) => KdlValue::Integer(i),
            ValueRef::Float(f) => KdlValue::Float(f),
            ValueRef::Bool(b) => KdlValue::Bool(b),
            ValueRef::Null => KdlValue::Null,
        };
        let mut entry = match (e.name(), e.name_span()) {
            (Some(key), Some(span)) => KdlEntry::new_prop(identifier(key, span), value),
            _ => KdlEntry::new(value),
        };
        if let (Some(ty), Some(span)) = (e.ty(), e.ty_span()) {
            entry.set_ty(identifier(ty, span));
        }
        entry.set_span(e.span());
        entry.set_format(KdlEntryFormat {
            value_repr: text[e.value_span()].to_owned(),
            ..KdlEntryFormat::default()
        });
        out.entries_mut().push(entry);
    }
    if let (Some(children), Some(span)) = (n.children(), n.children_span()) {
        let mut block = document(children, text);
        block.set_span(span);
        out.set_children(block);
    }
    out
}
