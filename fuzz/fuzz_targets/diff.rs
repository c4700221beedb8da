//! `windlass diff`'s reading and comparison on a pair of arbitrary texts (the input split at its
//! first NUL byte; the old side is YAML, the new side YAML or, when it starts with `{` or `[`,
//! JSON). Reading must fail with a message or succeed; the reader of Windlass's own YAML layout
//! reads exactly what the general reader reads whenever it accepts a text; a diff of anything against
//! itself is empty; every renderer handles every report without panicking, and the Markdown
//! comment stays under GitHub's 65,536 characters; and matching
//! unchanged documents by their text first (as `diff --against` does) gives the same report.

#![no_main]

use libfuzzer_sys::fuzz_target;
use std::collections::HashMap;

use windlass::diff::read::{Syntax, changed_objects, objects};
use windlass::diff::{self, Section, report};
use windlass::yaml as own_yaml;

/// When the fast reader accepts `text`, the general reader reads the same documents.
fn agree(text: &str) {
    if let Some(fast) = own_yaml::documents(text) {
        match own_yaml::general::documents(text) {
            Ok(slow) => {
                let slow: Vec<serde_json::Value> = slow.into_iter().map(|(_, v)| v).collect();
                assert_eq!(fast, slow, "the readers differ on {text:?}");
            }
            Err(e) => panic!("the fast reader accepts what the general one refuses ({e}): {text:?}"),
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
    let old_text = old;
    let Ok(old) = objects(old, Syntax::Yaml) else {
        return;
    };
    let same = diff::diff(&old, &old);
    assert!(
        same.resources.is_empty(),
        "a diff against itself is not empty"
    );
    let Ok(new) = objects(new, syntax) else {
        return;
    };
    let report = diff::diff(&old, &new);
    let _ = report::human(&[Section::app(report.clone())], true);
    // With the pruning apply, as `diff` shows it: the comment fits GitHub's limit whatever the
    // report holds.
    let apply = diff::Apply {
        set: windlass::render::applyset::ApplySet::new("shop", Some("prod"), "shop"),
        dir: "deploy/prod".to_owned(),
    };
    let sections = [
        Section::new(None, report.clone(), Some(apply.clone())),
        Section::new(Some("prod".to_owned()), report.clone(), Some(apply)),
    ];
    let comment = report::markdown(&sections, Some("https://ci.example/run/1"));
    assert!(
        comment.chars().count() < 65_536,
        "a comment of {} characters",
        comment.chars().count()
    );
    let _ = report::human(&sections, false);
    let _ = report::json(&sections);
    let _ = report::json(&[Section::app(report.clone())]);
    let _ = report::summary(&report);
    let _ = report::class_summary(&report);
    // Matching unchanged documents by their text first changes nothing in the report (with
    // no key twice on a side: the CLI refuses that before).
    let unique = |objects: &[serde_json::Value]| {
        let keys: std::collections::BTreeSet<_> =
            objects.iter().filter_map(diff::Key::of).collect();
        keys.len() == objects.len()
    };
    if !unique(&old) || !unique(&new) {
        return;
    }
    let rendered: Vec<String> = new.iter().map(windlass::yaml::to_string).collect();
    let mut now: HashMap<&str, usize> = rendered
        .iter()
        .enumerate()
        .map(|(i, t)| (t.as_str(), i))
        .collect();
    let (changed, same) =
        changed_objects(old_text, Syntax::Yaml, &mut now).expect("what reads whole reads in parts");
    assert_eq!(changed.len() + same.len(), old.len());
    let rest: Vec<&serde_json::Value> = (0..new.len())
        .filter(|i| !same.contains(i))
        .map(|i| &new[i])
        .collect();
    let unchanged = || same.iter().map(|&i| new[i].clone()).collect();
    let mut by_text = diff::diff_beside(&changed, rest, &unchanged);
    by_text.unchanged += same.len();
    assert_eq!(report::json(&[Section::app(by_text.clone())]), report::json(&[Section::app(report.clone())]));
});
