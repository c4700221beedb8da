//! `windlass::reader` alone on arbitrary bytes: it never panics (nor overflows the stack, on any
//! depth), and every span in a document it reads lies inside the input, on character boundaries.

#![no_main]

use kdl::KdlDocument;
use libfuzzer_sys::fuzz_target;
use miette::SourceSpan;

fn check(text: &str, span: SourceSpan) {
    let (start, end) = (span.offset(), span.offset() + span.len());
    assert!(
        start <= end && text.is_char_boundary(start) && text.is_char_boundary(end),
        "span {start}..{end} is not a slice of the input"
    );
}

fn check_doc(text: &str, doc: &KdlDocument) {
    check(text, doc.span());
    for node in doc.nodes() {
        check(text, node.span());
        check(text, node.name().span());
        for entry in node.entries() {
            check(text, entry.span());
            let repr = entry.format().map_or("", |f| f.value_repr.as_str());
            let (start, end) = (
                entry.span().offset(),
                entry.span().offset() + entry.span().len(),
            );
            assert!(
                text[start..end].ends_with(repr),
                "value_repr is not the end of the entry"
            );
        }
        if let Some(children) = node.children() {
            check_doc(text, children);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match windlass::reader::read(text) {
        Ok(doc) => check_doc(text, &doc),
        Err(e) => assert!(e.span.start <= e.span.end && e.span.end <= text.len()),
    }
});
