//! `windlass diff`'s reading and comparison on a pair of arbitrary texts (the input split at its
//! first NUL byte; the old side is YAML, the new side YAML or, when it starts with `{` or `[`,
//! JSON). Reading must fail with a message or succeed; the reader of Windlass's own YAML layout
//! reads exactly what serde_yaml reads whenever it accepts a text; a diff of anything against
//! itself is empty; and every renderer handles every report without panicking.

#![no_main]

use libfuzzer_sys::fuzz_target;
use windlass::diff::read::{Syntax, objects};
use windlass::diff::{self, own_yaml, render};

/// When the fast reader accepts `text`, serde_yaml reads the same documents.
fn agree(text: &str) {
    if let Some(fast) = own_yaml::documents(text) {
        let slow: Result<Vec<serde_json::Value>, _> = serde_yaml::Deserializer::from_str(text)
            .map(serde::Deserialize::deserialize)
            .collect();
        match slow {
            Ok(slow) => assert_eq!(fast, slow, "the readers differ on {text:?}"),
            Err(e) => panic!("the fast reader accepts what serde_yaml refuses ({e}): {text:?}"),
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (old, new) = text.split_once('\0').unwrap_or((text, ""));
    agree(old);
    agree(new);
    let syntax = if new.trim_start().starts_with(['{', '[']) {
        Syntax::Json
    } else {
        Syntax::Yaml
    };
    let Ok(old) = objects(old, Syntax::Yaml) else {
        return;
    };
    let same = diff::diff(&old, &old);
    assert!(same.resources.is_empty(), "a diff against itself is not empty");
    let Ok(new) = objects(new, syntax) else {
        return;
    };
    let report = diff::diff(&old, &new);
    let _ = render::human(&report, true);
    let _ = render::markdown(&report);
    let _ = render::json(&report);
    let _ = render::summary(&report);
    let _ = render::class_summary(&report);
});
