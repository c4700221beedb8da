//! Unit tests of the reader: values, spans and errors on small inputs. The KDL specification's
//! suite (`tests/kdl_spec.rs`) and the comparison with the `kdl` crate
//! (`tests/kdl_differential.rs`) cover the language as a whole.

use kdl::{KdlDocument, KdlValue};

use super::{MAX_DEPTH, ReadError, read};

fn doc(text: &str) -> KdlDocument {
    match read(text) {
        Ok(doc) => doc,
        Err(e) => panic!("{text:?}: {e}"),
    }
}

fn error(text: &str) -> ReadError {
    match read(text) {
        Ok(doc) => panic!("{text:?} read as {doc:?}"),
        Err(e) => e,
    }
}

fn span(s: miette::SourceSpan) -> (usize, usize) {
    (s.offset(), s.offset() + s.len())
}

/// The values of the first node's entries.
fn values(text: &str) -> Vec<KdlValue> {
    doc(text).nodes()[0]
        .entries()
        .iter()
        .map(|e| e.value().clone())
        .collect()
}

#[test]
fn spans_cover_what_diagnostics_point_at() {
    let text = "app shop {\n    env  KEY = (t)\"v\" 8.0 /-x\n}\n";
    let d = doc(text);
    let app = &d.nodes()[0];
    assert_eq!(span(app.span()), (0, 42));
    assert_eq!(span(app.name().span()), (0, 3));
    let children = app.children().unwrap();
    let env = &children.nodes()[0];
    assert_eq!(span(children.span()), (15, 40));
    assert_eq!(&text[15..40], "env  KEY = (t)\"v\" 8.0 /-x");
    let prop = &env.entries()[0];
    assert_eq!(
        &text[prop.span().offset()..][..prop.span().len()],
        "KEY = (t)\"v\""
    );
    assert_eq!(span(prop.name().unwrap().span()), (20, 23));
    assert_eq!(prop.format().unwrap().value_repr, "\"v\"");
    assert_eq!(prop.ty().unwrap().value(), "t");
    let number = &env.entries()[1];
    assert_eq!(number.format().unwrap().value_repr, "8.0");
    assert_eq!(number.value(), &KdlValue::Float(8.0));
    assert_eq!(env.entries().len(), 2, "the slashdashed entry is dropped");
}

#[test]
fn empty_documents_and_blocks_have_empty_spans_at_their_end() {
    assert_eq!(span(doc("").span()), (0, 0));
    assert_eq!(span(doc("  // c\n").span()), (7, 7));
    let d = doc("a { /-b }");
    assert_eq!(span(d.nodes()[0].children().unwrap().span()), (8, 8));
}

#[test]
fn numbers() {
    assert_eq!(
        values("n 1_000 -0x10 0o17 +0b101 1.5e3 1_2.5 -0.0 1e400 007"),
        [
            KdlValue::Integer(1000),
            KdlValue::Integer(-16),
            KdlValue::Integer(15),
            KdlValue::Integer(5),
            KdlValue::Float(1500.0),
            KdlValue::Float(12.5),
            KdlValue::Float(-0.0),
            KdlValue::Float(f64::INFINITY),
            KdlValue::Integer(7),
        ]
    );
    assert_eq!(
        values("n #inf #-inf")[1],
        KdlValue::Float(f64::NEG_INFINITY)
    );
    assert!(matches!(values("n #nan")[0], KdlValue::Float(f) if f.is_nan()));
    for bad in [
        "n 1.", "n 1e", "n 0x", "n 1_a", "n .5", "n -.5", "n 0xG", "n 1__.e3", "n 0X1",
    ] {
        assert!(error(bad).message.ends_with("is not a number"), "{bad}");
    }
    let e = error("n 170141183460469231731687303715884105728");
    assert!(e.message.contains("too large"));
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
        .map(|s| KdlValue::String(s.to_owned()))
    );
    assert_eq!(
        values("n \"\"\"\n    one\n      two\n\n    three \\\n    four\n    \"\"\""),
        [KdlValue::String("one\n  two\n\nthree four".to_owned())]
    );
    assert_eq!(
        values("n #\"\"\"\r\n  a\\n\r\n  \"\"\"#"),
        [KdlValue::String("a\\n".to_owned())]
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
    let names: Vec<&str> = d.nodes().iter().map(|n| n.name().value()).collect();
    assert_eq!(names, ["c", "e"]);
    assert_eq!(d.nodes()[0].entries().len(), 1);
    assert_eq!(
        d.nodes()[0].children().unwrap().nodes()[0].name().value(),
        "y"
    );
    assert_eq!(
        values("n \"s\"/-1 2"),
        [KdlValue::String("s".into()), KdlValue::Integer(2)]
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
    let names: Vec<&str> = d.nodes().iter().map(|n| n.name().value()).collect();
    assert_eq!(names, ["a", "b", "c", "d", "e", "f"]);
    assert_eq!(d.nodes()[4].entries().len(), 3);
    assert_eq!(span(d.nodes()[0].span()), (3, 4), "offsets count the BOM");
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
    assert_eq!(MAX_DEPTH, crate::parse::MAX_DEPTH);
    // Hostile shapes that overflow a recursive parser read in constant stack.
    let comments = format!("a {}{}", "/*".repeat(100_000), "*/".repeat(100_000));
    assert!(read(&comments).is_ok());
    let _ = error(&"/- ".repeat(100_000));
    let _ = error(&"a {".repeat(100_000));
    let stars = format!("a /*{}*/", "* / ".repeat(100_000));
    assert!(read(&stars).is_ok());
}
