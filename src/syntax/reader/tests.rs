//! Unit tests of the reader: values, spans and errors on small inputs. The KDL specification's
//! suite (`tests/kdl_spec.rs`) and the comparison with the `kdl` crate
//! (`tests/kdl_differential.rs`) cover the language as a whole.

use super::{Document, MAX_DEPTH, MAX_ENTRIES, MAX_NODES, Node, ReadError, Value, read};

fn doc(text: &str) -> Document {
    match read(text) {
        Ok(doc) => doc,
        Err(e) => panic!("{text:?}: {e}"),
    }
}

fn error(text: &str) -> ReadError {
    match read(text) {
        Ok(doc) => panic!("{text:?} read as {:?}", doc.nodes()),
        Err(e) => e,
    }
}

fn nth(doc: &Document, i: usize) -> Node<'_> {
    doc.nodes().nth(i).expect("a node")
}

fn names<'a>(nodes: impl Iterator<Item = Node<'a>>) -> Vec<&'a str> {
    nodes.map(|n| n.name()).collect()
}

/// The values of the first node's entries.
fn values(text: &str) -> Vec<Value> {
    nth(&doc(text), 0)
        .entries()
        .map(|e| e.value().to_value())
        .collect()
}

#[test]
fn spans_cover_what_diagnostics_point_at() {
    let text = "app shop {\n    env  KEY = (t)\"v\" 8.0 /-x\n}\n";
    let d = doc(text);
    let app = nth(&d, 0);
    assert_eq!(app.span(), 0..42);
    assert_eq!(app.name_span(), 0..3);
    let env = app.children().unwrap().next().unwrap();
    assert_eq!(app.children_span(), Some(15..40));
    assert_eq!(&text[15..40], "env  KEY = (t)\"v\" 8.0 /-x");
    let prop = env.entries().next().unwrap();
    assert_eq!(&text[prop.span()], "KEY = (t)\"v\"");
    assert_eq!(prop.name_span(), Some(20..23));
    assert_eq!(&text[prop.value_span()], "\"v\"");
    assert_eq!(prop.ty(), Some("t"));
    assert_eq!(prop.ty_span().map(|s| &text[s]), Some("t"));
    assert_eq!(prop.raw(), None, "strings have no raw spelling");
    let number = env.entries().nth(1).unwrap();
    assert_eq!(number.raw(), Some("8.0"));
    assert_eq!(number.value().to_value(), Value::Float(8.0));
    assert_eq!(env.entries().len(), 2, "the slashdashed entry is dropped");
}

#[test]
fn empty_documents_and_blocks_have_empty_spans_at_their_end() {
    assert_eq!(doc("").span(), 0..0);
    assert_eq!(doc("  // c\n").span(), 7..7);
    let d = doc("a { /-b }");
    assert_eq!(nth(&d, 0).children_span(), Some(8..8));
    assert_eq!(nth(&d, 0).children().unwrap().count(), 0);
    assert!(
        nth(&doc("a"), 0).children().is_none(),
        "no block is not an empty block"
    );
}

#[test]
fn siblings_are_found_past_their_descendants() {
    let d = doc("a { b { c { d } }; e 1 { f }; g }; h { i }\nj");
    assert_eq!(names(d.nodes()), ["a", "h", "j"]);
    assert_eq!(
        d.span(),
        0..44,
        "from the first node to the end of the last"
    );
    assert_eq!(
        nth(&d, 1).children_span(),
        Some(39..41),
        "as the kdl crate: up to the closing brace"
    );
    let a = nth(&d, 0);
    assert_eq!(names(a.children().unwrap()), ["b", "e", "g"]);
    let e = a.children().unwrap().nth(1).unwrap();
    assert_eq!(names(e.children().unwrap()), ["f"]);
    assert_eq!(e.entries().len(), 1);
    assert_eq!(
        e.entries().next().unwrap().value().to_value(),
        Value::Integer(1)
    );
    assert_eq!(d.len(), 10);
}

#[test]
fn a_node_extracted_keeps_its_subtree_and_spans() {
    let text = "x 0\ncomponent web k=(t)\"v\" { image \"{name}:1\"; port 0x50 { /-p; q } }\ny";
    let d = doc(text);
    let part = Document::extract(nth(&d, 1));
    drop(d);
    assert_eq!(names(part.nodes()), ["component"]);
    let c = nth(&part, 0);
    assert_eq!(&text[c.span()], &text[4..text.len() - 2]);
    let prop = c.entries().nth(1).unwrap();
    assert_eq!((prop.name(), prop.ty()), (Some("k"), Some("t")));
    let port = c.children().unwrap().nth(1).unwrap();
    assert_eq!(port.entries().next().unwrap().raw(), Some("0x50"));
    assert_eq!(names(port.children().unwrap()), ["q"]);
    assert!(part.same_content(&doc(&text[4..text.len() - 2])));
}

#[test]
fn same_content_ignores_layout_and_sees_every_difference() {
    let a = doc("a 1 k=\"v\" { b (t)#true }");
    assert!(a.same_content(&doc("/* c */ a   1 \\\n k=v {\n  b (t)#true\n}")));
    for other in [
        "a 1 k=v { b #true }",
        "a 1 k=w { b (t)#true }",
        "a 1 j=v { b (t)#true }",
        "a 1.0 k=v { b (t)#true }",
        "a 1 k=v { b (t)#true; c }",
        "a 1 k=v",
        "a 1 k=v {}",
        "(t)a 1 k=v { b (t)#true }",
        "a 1 k=v { b (t)#true }\nz",
    ] {
        assert!(!a.same_content(&doc(other)), "{other}");
    }
    assert!(doc("n #nan").same_content(&doc("n #nan")));
}

#[test]
fn commented_out_parts_leave_nothing_behind() {
    // The strings of dropped nodes, entries and blocks are dropped with them.
    let d = doc("/-gone \"x\" { y z=1 }\nkept /-\"no\" /-k=v /-{ w } { in }");
    assert_eq!(names(d.nodes()), ["kept"]);
    assert_eq!(d.text, "keptin");
    assert_eq!((d.entries.len(), d.annotations.len()), (0, 0));
}

#[test]
fn numbers() {
    assert_eq!(
        values("n 1_000 -0x10 0o17 +0b101 1.5e3 1_2.5 -0.0 1e400 007"),
        [
            Value::Integer(1000),
            Value::Integer(-16),
            Value::Integer(15),
            Value::Integer(5),
            Value::Float(1500.0),
            Value::Float(12.5),
            Value::Float(-0.0),
            Value::Float(f64::INFINITY),
            Value::Integer(7),
        ]
    );
    assert_eq!(values("n #inf #-inf")[1], Value::Float(f64::NEG_INFINITY));
    assert!(matches!(values("n #nan")[0], Value::Float(f) if f.is_nan()));
    for bad in [
        "n 1.", "n 1e", "n 0x", "n 1_a", "n .5", "n -.5", "n 0xG", "n 1__.e3", "n 0X1",
    ] {
        assert!(error(bad).message.ends_with("is not a number"), "{bad}");
    }
    let e = error("n 170141183460469231731687303715884105728");
    assert!(e.message.contains("too large"));
    // A number cut short by a character nobody sees is reported as that character.
    let e = error("port 8\u{0}00");
    assert_eq!(
        e.message,
        "the character U+0000 is not allowed in a KDL document"
    );
    assert_eq!(e.span, 6..7);
}

#[test]
fn strings_and_escapes() {
    assert_eq!(
        values(
            r###"n "a\tb\n\"\\\s\u{1F600}" "x \
              y" #"raw\n"# ##"a"#b"## a.b -- +.x"###
        ),
        [
            "a\tb\n\"\\ 😀",
            "x y",
            "raw\\n",
            "a\"#b",
            "a.b",
            "--",
            "+.x"
        ]
        .map(|s| Value::String(s.to_owned()))
    );
    assert_eq!(
        values("n \"\"\"\n    one\n      two\n\n    three \\\n    four\n    \"\"\""),
        [Value::String("one\n  two\n\nthree four".to_owned())]
    );
    assert_eq!(
        values("n #\"\"\"\r\n  a\\n\r\n  \"\"\"#"),
        [Value::String("a\\n".to_owned())]
    );
    for bad in [
        "n \"a",
        "n \"a\nb\"",
        "n \"\\q\"",
        "n \"\\u{D800}\"",
        "n #\"a\"",
        "n true",
        "n -inf",
    ] {
        let _ = error(bad);
    }
    let e = error("n \"\"\"\n  a\n b\n  \"\"\"");
    assert!(e.message.contains("indented less"), "{e}");
    assert_eq!(error("n #\"\"\"one line\"\"\"#").span, 2..18);
}

#[test]
fn slashdash_comments_out_nodes_entries_and_blocks() {
    let d = doc("/-a 1 { b }\nc /-1 2 /-k=3 /-{ x } { y } /-{ z }\n/- d;e");
    assert_eq!(names(d.nodes()), ["c", "e"]);
    assert_eq!(nth(&d, 0).entries().len(), 1);
    assert_eq!(names(nth(&d, 0).children().unwrap()), ["y"]);
    assert_eq!(
        values("n \"s\"/-1 2"),
        [Value::String("s".into()), Value::Integer(2)]
    );
    for bad in [
        "n /-",
        "n { a /- }",
        "n {} 1",
        "n {} {}",
        "n /-{} 1",
        "n k=/-1",
        "(/-t)n",
    ] {
        let _ = error(bad);
    }
}

#[test]
fn whitespace_newlines_and_continuations() {
    let d =
        doc("\u{FEFF}a\u{85}b\u{2028}c\u{0B}d\r\ne\u{3000}1 \\ // more\n  2 /* x /* y */ */ 3;f");
    assert_eq!(names(d.nodes()), ["a", "b", "c", "d", "e", "f"]);
    assert_eq!(nth(&d, 4).entries().len(), 3);
    assert_eq!(nth(&d, 0).span(), 3..4, "offsets count the BOM");
    for bad in [
        "a \\ b",
        "a /* open",
        "a\u{FEFF}",
        "a // \u{202E} hidden",
        "a \u{7F}",
    ] {
        let _ = error(bad);
    }
    assert!(error("// \u{200E}").message.contains("U+200E"));
}

#[test]
fn errors_point_at_the_mistake() {
    let e = error("app {\n  replicas = 2\n}\n");
    assert_eq!(e.span, 17..18);
    let e = error("app {\n  image nginx:1.2 {\n}\n");
    assert_eq!(e.span, 4..5, "the app's block: `nginx:1.2` is a string");
    assert_eq!(e.message, "this block is never closed");
    let e = error("a }");
    assert_eq!(e.message, "this `}` closes no block");
    let e = error("port 80a");
    assert_eq!(
        (e.span.clone(), e.message.as_str()),
        (5..8, "`80a` is not a number")
    );
    assert!(e.help.is_some_and(|h| h.contains("\"80a\"")));
}

#[test]
fn nesting_is_limited_and_never_recurses() {
    let nested = |n: usize| format!("{}{}", "a {".repeat(n), "}".repeat(n));
    assert!(read(&nested(MAX_DEPTH)).is_ok());
    let e = error(&nested(MAX_DEPTH + 1));
    assert!(e.message.contains("nested more than"));
    assert!(e.limit, "too deep is a limit, not a syntax error");
    assert!(!error("a {").limit);
    assert_eq!(MAX_DEPTH, crate::syntax::parse::MAX_DEPTH);
    // Hostile shapes that overflow a recursive parser read in constant stack.
    let comments = format!("a {}{}", "/*".repeat(100_000), "*/".repeat(100_000));
    assert!(read(&comments).is_ok());
    let _ = error(&"/- ".repeat(100_000));
    let _ = error(&"a {".repeat(100_000));
    let stars = format!("a /*{}*/", "* / ".repeat(100_000));
    assert!(read(&stars).is_ok());
}

#[test]
fn nodes_and_entries_are_limited() {
    assert_eq!(doc(&"a;".repeat(MAX_NODES)).len(), MAX_NODES);
    let e = error(&"a;".repeat(MAX_NODES + 1));
    assert!(e.limit && e.message.contains(&MAX_NODES.to_string()), "{e}");
    assert_eq!(
        e.span,
        2 * MAX_NODES..2 * MAX_NODES + 1,
        "on the first node past the limit"
    );
    // Commented-out nodes count while they are held: once dropped, they leave room; the one
    // being read when the limit is reached is refused like any other.
    assert_eq!(
        doc(&format!("{}{}", "/-a;".repeat(10), "a;".repeat(MAX_NODES))).len(),
        MAX_NODES
    );
    assert!(error(&format!("{}/-a", "a;".repeat(MAX_NODES))).limit);
    // The entries of a commented-out node are never held.
    let full = format!("a{}", " 1".repeat(MAX_ENTRIES));
    assert_eq!(doc(&format!("{full}\n/-b 1 2")).len(), 1);

    let entries = |n: usize| format!("a{}", " 1".repeat(n));
    assert_eq!(
        nth(&doc(&entries(MAX_ENTRIES)), 0).entries().len(),
        MAX_ENTRIES
    );
    let e = error(&entries(MAX_ENTRIES + 1));
    assert!(
        e.limit && e.message.contains(&MAX_ENTRIES.to_string()),
        "{e}"
    );
    assert_eq!(
        e.span,
        2 + 2 * MAX_ENTRIES..3 + 2 * MAX_ENTRIES,
        "on the first entry past it"
    );
}
