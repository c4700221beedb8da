//! `windlass::syntax::reader` alone on arbitrary bytes: it never panics (nor overflows the stack, on any
//! depth), and every span in a document it reads lies inside the input, on character boundaries,
//! with each value's span at the end of its entry.

#![no_main]

use std::ops::Range;

use libfuzzer_sys::fuzz_target;
use windlass::syntax::reader::{Document, Nodes};

fn check(text: &str, span: Range<usize>) {
    let (start, end) = (span.start, span.end);
    assert!(
        start <= end && text.is_char_boundary(start) && text.is_char_boundary(end),
        "span {start}..{end} is not a slice of the input"
    );
}

fn check_nodes(text: &str, nodes: Nodes<'_>) {
    for node in nodes {
        check(text, node.span());
        check(text, node.name_span());
        for entry in node.entries() {
            check(text, entry.span());
            check(text, entry.value_span());
            assert!(
                entry.span().start <= entry.value_span().start
                    && entry.value_span().end == entry.span().end,
                "the value is not the end of the entry"
            );
            if let Some(key) = entry.name_span() {
                check(text, key);
            }
        }
        if let (Some(children), Some(span)) = (node.children(), node.children_span()) {
            check(text, span);
            check_nodes(text, children);
        }
    }
}

fn check_doc(text: &str, doc: &Document) {
    check(text, doc.span());
    check_nodes(text, doc.nodes());
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match windlass::syntax::reader::read(text) {
        Ok(doc) => check_doc(text, &doc),
        Err(e) => assert!(e.span.start <= e.span.end && e.span.end <= text.len()),
    }
});
