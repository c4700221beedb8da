//! The rules' documentation compiles: for every rule, each ```kdl block of `## Example` triggers
//! the rule, each one of `## Use instead` does not, and neither has an error other than the
//! rule's own finding. `windlass explain` prints these blocks; a user copies them.
//!
//! A block without a top-level `app` is the body of one, `app test { … }`, as most examples
//! show only the workloads the rule is about. A block that needs more (a `component` beside the
//! app) is written as a whole description.

use std::collections::BTreeSet;
use std::path::Path;

use super::{Config, registry};
use crate::diag::Diagnostic;
use crate::source::{Loader, Sources};

/// Rules whose `## Use instead` says the fix in words, with no block to compile, and why.
/// The test fails when one of them gains a block, so that the block is compiled.
const FIX_IN_WORDS: &[(&str, &str)] = &[
    (
        "canary-replica-ratio",
        "the fixes are an exposure that splits by weight, or replicas that give the share meant, \
         which the rule still notes: it notes every split by replica ratio",
    ),
    (
        "expected-objects",
        "the fix is outside the description: create the objects the note lists",
    ),
    (
        "host-path",
        "the fix depends on what the path is for: a volume, an empty-dir, or an `allow` with a reason",
    ),
    (
        "ingress-duplicate-path",
        "two fixes in a sentence: a longer route in `web`, or a path of its own for `orders`",
    ),
];

/// The files the rules' examples may include with `manifest`, by name; they import nothing.
struct NoFiles;

/// `monitoring.yaml`: a custom resource, for `unvalidated-manifest`.
const MONITORING_YAML: &str = "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata:\n  name: orders\nspec:\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: orders\n  endpoints:\n  - port: http\n";

impl Loader for NoFiles {
    fn load(&self, path: &Path) -> std::io::Result<String> {
        if path.file_name().is_some_and(|n| n == "monitoring.yaml") {
            return Ok(MONITORING_YAML.to_owned());
        }
        Err(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!("{} (the rules' examples import nothing)", path.display()),
        ))
    }
}

/// The ```kdl blocks of each `## ` section of a rule's doc, by heading.
fn blocks_by_section(doc: &str) -> Vec<(&str, Vec<String>)> {
    let mut sections: Vec<(&str, Vec<String>)> = Vec::new();
    let mut block: Option<String> = None;
    for line in doc.lines().map(|l| l.strip_prefix(' ').unwrap_or(l)) {
        match &mut block {
            Some(text) if line.trim_start() == "```" => {
                let text = std::mem::take(text);
                if let Some((_, blocks)) = sections.last_mut() {
                    blocks.push(text);
                }
                block = None;
            }
            Some(text) => {
                text.push_str(line);
                text.push('\n');
            }
            None if line.trim_start() == "```kdl" => block = Some(String::new()),
            None => {
                if let Some(heading) = line.strip_prefix("## ") {
                    sections.push((heading.trim(), Vec::new()));
                }
            }
        }
    }
    assert!(block.is_none(), "a ```kdl block is not closed:\n{doc}");
    sections
}

/// Whether a block is a whole description, not the body of an app.
fn is_whole(block: &str) -> bool {
    let mut sources = Sources::new();
    let file = sources.add("block.kdl", "block.kdl", block.to_owned());
    crate::syntax::parse::parse(&sources, file)
        .is_ok_and(|doc| doc.nodes().any(|node| node.name() == "app"))
}

/// Compiles an example through parse, resolve and check, as `windlass::compile` does, and returns
/// every diagnostic.
fn compile(block: &str) -> Vec<Diagnostic> {
    let text = if is_whole(block) {
        block.to_owned()
    } else {
        format!("app test {{\n{block}}}\n")
    };
    let mut sources = Sources::new();
    let file = sources.add("example.kdl", "example.kdl", text);
    let doc = match crate::syntax::parse::parse(&sources, file) {
        Ok(doc) => doc,
        Err(found) => return found.iter().cloned().collect(),
    };
    let (app, mut found) = crate::resolve::resolve(&doc, file, &mut sources, &NoFiles, None);
    if let Some(app) = app {
        found.extend(super::check(&app, &Config::default()));
    }
    found.iter().cloned().collect()
}

fn show(found: &[Diagnostic]) -> String {
    found
        .iter()
        .map(|d| format!("    {}[{}]: {}\n", d.severity.as_str(), d.code, d.message))
        .collect()
}

/// What is wrong with an `## Example` block: it must trigger the rule, and report no other error.
fn example_problem(code: &str, block: &str) -> Option<String> {
    let found = compile(block);
    let problem = if !found.iter().any(|d| d.code == code) {
        "does not trigger the rule"
    } else if found.iter().any(|d| d.is_error() && d.code != code) {
        "has errors other than the rule's own"
    } else {
        return None;
    };
    Some(format!("{problem}:\n{block}  reported:\n{}", show(&found)))
}

/// What is wrong with a `## Use instead` block: it must not trigger the rule, nor report errors.
fn fix_problem(code: &str, block: &str) -> Option<String> {
    let found = compile(block);
    let problem = if found.iter().any(|d| d.code == code) {
        "still triggers the rule"
    } else if found.iter().any(Diagnostic::is_error) {
        "has errors"
    } else {
        return None;
    };
    Some(format!("{problem}:\n{block}  reported:\n{}", show(&found)))
}

#[test]
fn every_rule_example_shows_what_its_rule_flags_and_how_to_fix_it() {
    let mut problems = Vec::new();
    let mut fixes_in_words = BTreeSet::new();
    for rule in registry::RULES {
        let code = rule.meta().code;
        let sections = blocks_by_section(rule.meta().doc);
        let blocks = |heading: &str| -> Vec<String> {
            sections
                .iter()
                .filter(|(h, _)| *h == heading)
                .flat_map(|(_, blocks)| blocks.iter().cloned())
                .collect()
        };
        let examples = blocks("Example");
        if examples.is_empty() {
            problems.push(format!("`{code}`: `## Example` has no ```kdl block"));
        }
        for (i, block) in examples.iter().enumerate() {
            if let Some(problem) = example_problem(code, block) {
                problems.push(format!("`{code}`, example {}: {problem}", i + 1));
            }
        }
        let fixes = blocks("Use instead");
        if fixes.is_empty() {
            fixes_in_words.insert(code);
        }
        for (i, block) in fixes.iter().enumerate() {
            if let Some(problem) = fix_problem(code, block) {
                problems.push(format!("`{code}`, use instead {}: {problem}", i + 1));
            }
        }
    }
    let listed: BTreeSet<&str> = FIX_IN_WORDS.iter().map(|(code, _)| *code).collect();
    if fixes_in_words != listed {
        problems.push(format!(
            "rules whose `## Use instead` has no ```kdl block: {fixes_in_words:?}; FIX_IN_WORDS lists {listed:?}"
        ));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_fragment_becomes_the_body_of_an_app() {
    let found = compile("service api { image \"api\"; port 8080 }\n");
    assert!(found.iter().any(|d| d.code == "image-tag-latest"));
    assert!(!found.iter().any(Diagnostic::is_error), "{}", show(&found));
    let whole = "app shop {\n    service api { image \"api:1.0.0\"; port 8080 }\n}\n";
    assert!(is_whole(whole));
    assert!(!compile(whole).iter().any(Diagnostic::is_error));
}

#[test]
fn blocks_are_read_by_section() {
    let doc = " ## Example\n ```kdl\n service a {}\n ```\n\n ## Use instead\n Words.\n ```kdl\n service b {}\n ```\n ```kdl\n service c {}\n ```\n";
    let sections = blocks_by_section(doc);
    assert_eq!(
        sections,
        vec![
            ("Example", vec!["service a {}\n".to_owned()]),
            (
                "Use instead",
                vec!["service b {}\n".to_owned(), "service c {}\n".to_owned()]
            ),
        ]
    );
}
