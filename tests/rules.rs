//! The lint rules: every rule in the registry has a `fail.kdl` and a `pass.kdl` in
//! `tests/fixtures/rules/CODE/`. A fixture's comments say which diagnostics it must produce
//! (`// warning[CODE]: LINE:COL`, as in `tests/diagnostics.rs`); the harness checks that exactly
//! those are reported, and snapshots each `fail.kdl` beside its rendered diagnostics. A
//! `pass.kdl` never produces its own rule's code. Also here: `allow`, `--deny`/`--allow`, and
//! the README's table of rules, generated from the registry.

#![allow(
    clippy::disallowed_methods,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests read fixtures, write temporary directories, and fail loudly"
)]

mod common;

use common::expectations;

use std::collections::BTreeSet;
use std::path::Path;

use windlass::Compilation;
use windlass::check::{Config, registry};
use windlass::diag::Severity;

use common::Finding;
/// What the compilation reported, in the same form.
fn found(c: &Compilation) -> BTreeSet<Finding> {
    c.diagnostics
        .iter()
        .map(|d| {
            let span = d.span().expect("every diagnostic has a span");
            let (line, col) = c.sources.line_col(span.file, span.start);
            (d.severity.as_str().to_owned(), d.code.to_owned(), line, col)
        })
        .collect()
}

fn codes() -> Vec<&'static str> {
    registry::RULES.iter().map(|r| r.meta().code).collect()
}

fn fixture(code: &str, which: &str) -> String {
    format!("tests/fixtures/rules/{code}/{which}.kdl")
}

/// Compiles a fixture and checks that exactly the expected diagnostics are reported.
fn check_fixture(relative: &str, problems: &mut Vec<String>) -> Option<(String, Compilation)> {
    let text = match std::fs::read_to_string(common::root().join(relative)) {
        Ok(text) => text,
        Err(e) => {
            problems.push(format!("{relative}: {e}"));
            return None;
        }
    };
    let c = common::compile_file(relative);
    let (expected, reported) = (expectations(&text), found(&c));
    if expected != reported {
        problems.push(format!(
            "{relative}: reported (left) vs expected (right)\n  left:  {reported:?}\n  right: {expected:?}\n{}",
            common::rendered(&c)
        ));
    }
    for d in &c.diagnostics {
        if d.help.is_none() {
            problems.push(format!("{relative}: `{}` has no help line", d.code));
        }
    }
    Some((text, c))
}

#[test]
fn every_rule_has_a_fail_and_a_pass_fixture() {
    let mut missing = Vec::new();
    for code in codes() {
        for which in ["fail", "pass"] {
            let path = fixture(code, which);
            if !common::root().join(&path).is_file() {
                missing.push(path);
            }
        }
    }
    assert!(
        missing.is_empty(),
        "every rule needs fixtures that trigger it and that do not; missing:\n{}",
        missing.join("\n")
    );
    // A fixture directory for a code that is not registered tests nothing.
    let known: BTreeSet<&str> = codes().into_iter().collect();
    for entry in std::fs::read_dir(common::root().join("tests/fixtures/rules")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            known.contains(name.as_str()),
            "tests/fixtures/rules/{name} is not the code of a registered rule"
        );
    }
}

#[test]
fn fail_fixtures_report_exactly_what_they_expect() {
    let mut problems = Vec::new();
    let mut snapshots = Vec::new();
    for code in codes() {
        let relative = fixture(code, "fail");
        let Some((text, c)) = check_fixture(&relative, &mut problems) else {
            continue;
        };
        let own = expectations(&text)
            .iter()
            .filter(|(_, c, _, _)| c == code)
            .count();
        if own == 0 {
            problems.push(format!("{relative} expects no `{code}`"));
        }
        snapshots.push((
            code,
            format!("{text}\n----- diagnostics -----\n{}", common::rendered(&c)),
        ));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
    // Every snapshot is compared (and written for review) before the test fails.
    let settings = common::settings();
    let failed: Vec<&str> = snapshots
        .into_iter()
        .filter_map(|(code, snapshot)| {
            let compare = || settings.bind(|| insta::assert_snapshot!(code, snapshot));
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(compare))
                .is_err()
                .then_some(code)
        })
        .collect();
    assert!(failed.is_empty(), "snapshots differ: {failed:?}");
}

#[test]
fn pass_fixtures_do_not_trigger_their_rule() {
    let mut problems = Vec::new();
    for code in codes() {
        let relative = fixture(code, "pass");
        let Some((text, c)) = check_fixture(&relative, &mut problems) else {
            continue;
        };
        if expectations(&text).iter().any(|(_, c, _, _)| c == code) {
            problems.push(format!("{relative} expects its own rule `{code}`"));
        }
        if c.has_errors() || c.manifests().is_empty() {
            problems.push(format!("{relative} does not compile to manifests"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

/// A service whose image has no tag: one `image-tag-latest` warning, nothing else.
fn untagged(app_extra: &str, workload_extra: &str) -> String {
    format!(
        r#"app shop {{
    {app_extra}
    service orders {{
        image "orders"
        resources cpu="250m" memory="512Mi"
        {workload_extra}
    }}
}}
"#
    )
}

fn codes_of(c: &Compilation) -> Vec<(&'static str, Severity)> {
    c.diagnostics.iter().map(|d| (d.code, d.severity)).collect()
}

#[test]
fn allow_with_a_reason_silences_a_rule_on_the_workload_and_on_the_app() {
    let reason = r#"allow image-tag-latest reason="the tag is pinned by digest in CI""#;
    let plain = common::compile_text("plain.kdl", &untagged("", ""));
    assert_eq!(
        codes_of(&plain),
        [("image-tag-latest", Severity::Warning)],
        "{}",
        common::rendered(&plain)
    );
    for (name, text) in [
        ("workload.kdl", untagged("", reason)),
        ("app.kdl", untagged(reason, "")),
    ] {
        let c = common::compile_text(name, &text);
        assert!(
            c.diagnostics.is_empty(),
            "{name}:\n{}",
            common::rendered(&c)
        );
    }
    // An allow on another workload does not reach this one.
    let elsewhere = common::compile_text(
        "elsewhere.kdl",
        &untagged(
            &format!(
                "service cart {{ image \"cart:1.0.0\"; resources cpu=\"1\" memory=\"1Gi\"; {reason} }}"
            ),
            "",
        ),
    );
    assert_eq!(
        codes_of(&elsewhere),
        [("image-tag-latest", Severity::Warning)],
        "{}",
        common::rendered(&elsewhere)
    );
}

#[test]
fn allow_mistakes_are_errors() {
    let text = r#"app shop {
    allow image-tag-latest
    allow image-tag-lastest reason="typo"
    allow syntax reason="compiler errors cannot be allowed"
    service orders {
        image "orders:3.1.0"
        resources cpu="250m" memory="512Mi"
        allow no-such-rule-at-all reason="unknown, and like nothing"
    }
}
"#;
    let c = common::compile_text("allow.kdl", text);
    let by_line: Vec<(&str, usize)> = c
        .diagnostics
        .iter()
        .map(|d| {
            let span = d.span().unwrap();
            (d.code, c.sources.line_col(span.file, span.start).0)
        })
        .collect();
    assert_eq!(
        by_line,
        [
            ("allow-without-reason", 2),
            ("unknown-rule", 3),
            ("unknown-rule", 4),
            ("unknown-rule", 8),
        ],
        "{}",
        common::rendered(&c)
    );
    assert!(c.diagnostics.iter().all(|d| d.is_error()));
    let help = |i: usize| c.diagnostics[i].help.clone().unwrap_or_default();
    assert_eq!(help(1), "did you mean `image-tag-latest`?");
    assert!(
        c.diagnostics[2].message.contains("cannot be allowed"),
        "{}",
        c.diagnostics[2].message
    );
    assert!(help(3).contains("windlass explain"), "{}", help(3));
    // An allow without a reason silences nothing.
    let unexplained =
        common::compile_text("unexplained.kdl", &untagged("", "allow image-tag-latest"));
    assert_eq!(
        codes_of(&unexplained),
        [
            ("image-tag-latest", Severity::Warning),
            ("allow-without-reason", Severity::Error)
        ],
        "{}",
        common::rendered(&unexplained)
    );
    common::settings().bind(|| {
        insta::assert_snapshot!(
            "allow_mistakes",
            format!("{text}\n----- diagnostics -----\n{}", common::rendered(&c))
        );
    });
}

#[test]
fn deny_raises_a_warning_to_an_error_and_allow_drops_it() {
    let text = untagged("", "");
    let compile = |config: &Config| {
        windlass::compile(
            windlass::Input::new("config.kdl", Path::new("config.kdl"), text.clone()),
            &windlass::Options {
                config: config.clone(),
                ..windlass::Options::default()
            },
            &common::NoFiles,
        )
    };
    let set = |code: &str| BTreeSet::from([code.to_owned()]);
    let denied = compile(&Config {
        deny: set("image-tag-latest"),
        ..Config::default()
    });
    assert_eq!(codes_of(&denied), [("image-tag-latest", Severity::Error)]);
    assert!(denied.manifests().is_empty(), "an error stops the build");
    let allowed = compile(&Config {
        allow: set("image-tag-latest"),
        ..Config::default()
    });
    assert!(allowed.diagnostics.is_empty());
    assert!(!allowed.manifests().is_empty());
    // The check stage alone, on the model, with the same configuration.
    let app = compile(&Config::default()).app.unwrap();
    let deny = Config {
        deny: set("image-tag-latest"),
        ..Config::default()
    };
    assert!(windlass::check::check(&app, &deny).has_errors());
    let allow = Config {
        allow: set("image-tag-latest"),
        ..Config::default()
    };
    assert!(windlass::check::check(&app, &allow).is_empty());
}

const START: &str = "<!-- rules:start -->";
const END: &str = "<!-- rules:end -->";

/// The README's tables of rules and compiler errors, from the registry.
fn rules_table() -> String {
    let cell = |s: &str| s.replace('|', "\\|");
    let mut out = String::from("| rule | default | what it catches |\n|---|---|---|\n");
    for rule in registry::RULES {
        let m = rule.meta();
        out.push_str(&format!(
            "| `{}` | {} | {} |\n",
            m.code,
            m.severity.as_str(),
            cell(m.summary)
        ));
    }
    out.push_str("\n| compiler error | severity | what it means |\n|---|---|---|\n");
    for c in registry::COMPILER {
        out.push_str(&format!(
            "| `{}` | error (compiler) | {} |\n",
            c.code,
            cell(c.summary)
        ));
    }
    out
}

#[test]
fn the_readme_lists_every_rule_as_the_registry_does() {
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    let expected = rules_table();
    let current = readme
        .split_once(START)
        .and_then(|(_, rest)| rest.split_once(END))
        .map(|(table, _)| table.trim());
    assert!(
        current == Some(expected.trim()),
        "README.md's table of rules is out of date; put this between `{START}` and `{END}`:\n\n{expected}"
    );
}

/// `expected-objects` waits for a description whose workloads read without errors: the list of a
/// half-read app would be incomplete, and in the way of the errors.
#[test]
fn expected_objects_waits_for_the_errors_to_be_fixed() {
    let text = |replicas: &str| {
        format!(
            r#"app shop {{
    service orders {{
        image "orders:3.1.0"
        replicas {replicas}
        env DB_PASSWORD secret=orders-db key=password
        resources cpu="250m" memory="512Mi"
    }}
}}
"#
        )
    };
    let clean = common::compile_text("clean.kdl", &text("2"));
    assert_eq!(
        codes_of(&clean),
        [("expected-objects", Severity::Note)],
        "{}",
        common::rendered(&clean)
    );
    let broken = common::compile_text("broken.kdl", &text("\"2\""));
    assert!(broken.has_errors(), "{}", common::rendered(&broken));
    assert!(
        !broken
            .diagnostics
            .iter()
            .any(|d| d.code == "expected-objects"),
        "{}",
        common::rendered(&broken)
    );
}

/// The `expected-objects` note of a large app lists every object but marks at most 50
/// references, each object's first before any second one, and says how many it left unmarked.
#[test]
fn expected_objects_marks_at_most_fifty_references() {
    let mut text = String::from("app shop {\n");
    for i in 1..=40 {
        text.push_str(&format!(
            "    service svc{i} {{ image \"svc:1.0.0\"; resources cpu=\"10m\" memory=\"16Mi\"\n        \
             env A secret=svc{i}-db key=password\n        env B secret=svc{i}-db key=user\n    }}\n"
        ));
    }
    text.push_str("}\n");
    let c = common::compile_text("large.kdl", &text);
    let notes: Vec<_> = c
        .diagnostics
        .iter()
        .filter(|d| d.code == "expected-objects")
        .collect();
    assert_eq!(notes.len(), 1, "{}", common::rendered(&c));
    let note = notes[0];
    // The app's name, then 50 references: the 40 objects' first, and 10 second ones.
    assert_eq!(note.labels.len(), 51);
    for i in 1..=40 {
        assert!(
            note.message.contains(&format!("`svc{i}-db`")),
            "{}",
            note.message
        );
    }
    let firsts = note.labels[1..]
        .iter()
        .filter(|l| l.text.contains("`A`"))
        .count();
    assert_eq!(firsts, 40);
    let help = note.help.clone().unwrap_or_default();
    assert!(
        help.ends_with("(30 more references are not marked)"),
        "{help}"
    );
}
