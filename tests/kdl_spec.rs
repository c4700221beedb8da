//! The KDL 2.0 specification's own test suite, run against `windlass::syntax::reader`.
//!
//! The suite lives beside the repository in `../shared/kdl-spec-tests` (the `tests/test_cases`
//! folder of the KDL specification's repository). Every `input/*.kdl` whose name ends in `_fail`
//! must fail to read; every other must read to the same document as its `expected_kdl/` file,
//! which is the input pretty-printed by the suite's rules (comments dropped, properties sorted,
//! numbers in decimal, strings quoted). Documents are compared by meaning: node names, type
//! annotations, arguments in order, properties as a map (the rightmost of duplicates wins),
//! children recursively (an empty block is no block), and floats by value (so `1.23E+1000` and
//! `#inf` are the same number). The expected files are read with the `kdl` crate, an independent
//! reader, so a mistake in `windlass::syntax::reader` cannot hide on both sides.
//!
//! When the folder is missing the test prints a note and passes, unless `CI=true`, where the
//! suite is required.

#![allow(
    clippy::disallowed_methods,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests read fixtures and fail loudly"
)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use kdl::{KdlDocument, KdlEntry, KdlValue};

/// A value as the suite compares it.
#[derive(Clone, Debug)]
enum Scalar {
    Str(String),
    Int(i128),
    Float(f64),
    Bool(bool),
    Null,
}

impl PartialEq for Scalar {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Scalar::Str(a), Scalar::Str(b)) => a == b,
            (Scalar::Int(a), Scalar::Int(b)) => a == b,
            (Scalar::Float(a), Scalar::Float(b)) => a == b || (a.is_nan() && b.is_nan()),
            (Scalar::Bool(a), Scalar::Bool(b)) => a == b,
            (Scalar::Null, Scalar::Null) => true,
            _ => false,
        }
    }
}

/// A value with its type annotation.
#[derive(Clone, Debug, PartialEq)]
struct Value {
    ty: Option<String>,
    value: Scalar,
}

/// A node by meaning.
#[derive(Debug, PartialEq)]
struct Node {
    ty: Option<String>,
    name: String,
    args: Vec<Value>,
    props: BTreeMap<String, Value>,
    children: Vec<Node>,
}

fn value(entry: &KdlEntry) -> Value {
    let value = match entry.value() {
        KdlValue::String(s) => Scalar::Str(s.clone()),
        KdlValue::Integer(i) => Scalar::Int(*i),
        KdlValue::Float(f) => Scalar::Float(*f),
        KdlValue::Bool(b) => Scalar::Bool(*b),
        KdlValue::Null => Scalar::Null,
    };
    Value {
        ty: entry.ty().map(|t| t.value().to_owned()),
        value,
    }
}

/// The meaning of a document.
fn meaning(doc: &KdlDocument) -> Vec<Node> {
    doc.nodes()
        .iter()
        .map(|node| {
            let mut args = Vec::new();
            let mut props = BTreeMap::new();
            for entry in node.entries() {
                match entry.name() {
                    None => args.push(value(entry)),
                    Some(key) => {
                        props.insert(key.value().to_owned(), value(entry));
                    }
                }
            }
            Node {
                ty: node.ty().map(|t| t.value().to_owned()),
                name: node.name().value().to_owned(),
                args,
                props,
                children: node.children().map(meaning).unwrap_or_default(),
            }
        })
        .collect()
}

/// The suite's folder, beside the repository.
fn suite() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/kdl-spec-tests")
}

/// Checks one case; `Err` says how it went wrong.
fn check(dir: &Path, name: &str) -> Result<(), String> {
    let bytes = std::fs::read(dir.join("input").join(name)).unwrap();
    let read = match std::str::from_utf8(&bytes) {
        Ok(text) => windlass::syntax::reader::read(text)
            .map(|doc| windlass::syntax::reader::to_kdl(&doc, text))
            .map_err(|e| e.to_string()),
        // The reader takes text: input that is not UTF-8 cannot be a document.
        Err(e) => Err(format!("not UTF-8: {e}")),
    };
    if name.ends_with("_fail.kdl") {
        return match read {
            Ok(doc) => Err(format!("read, but must fail: {:?}", meaning(&doc))),
            Err(_) => Ok(()),
        };
    }
    let got = read.map_err(|e| format!("failed: {e}"))?;
    let expected_text = std::fs::read_to_string(dir.join("expected_kdl").join(name))
        .map_err(|e| format!("no expected_kdl file: {e}"))?;
    let expected = expected_text
        .parse::<KdlDocument>()
        .map_err(|e| format!("the kdl crate cannot read the expected file: {e:?}"))?;
    let (got, expected) = (meaning(&got), meaning(&expected));
    if got == expected {
        Ok(())
    } else {
        Err(format!("read\n  {got:?}\nexpected\n  {expected:?}"))
    }
}

#[test]
fn the_specification_suite_reads_as_expected() {
    let dir = suite();
    if !dir.join("input").is_dir() {
        let required = std::env::var("CI").is_ok_and(|v| v == "true");
        assert!(
            !required,
            "the KDL specification's test suite is missing from {} (required when CI=true)",
            dir.display()
        );
        eprintln!(
            "note: skipping the KDL specification's test suite: {} is missing",
            dir.display()
        );
        return;
    }
    let mut names: Vec<String> = std::fs::read_dir(dir.join("input"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".kdl"))
        .collect();
    names.sort();
    let failures: Vec<String> = names
        .iter()
        .filter_map(|name| check(&dir, name).err().map(|e| format!("{name}: {e}")))
        .collect();
    let passed = names.len() - failures.len();
    eprintln!(
        "KDL specification suite: {passed} of {} cases pass",
        names.len()
    );
    assert!(
        names.len() >= 300,
        "the suite has only {} cases: is the folder complete?",
        names.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {} cases fail:\n\n{}",
        failures.len(),
        names.len(),
        failures.join("\n\n")
    );
}
