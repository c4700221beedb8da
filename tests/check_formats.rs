//! `windlass check --format json|sarif|github`: the machine-readable contract, snapshotted, and
//! every SARIF result's region inside its file.

#![allow(
    clippy::disallowed_methods,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests read fixtures and fail loudly"
)]

mod common;

use std::process::{Command, Output};

fn check(format: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_windlass"))
        .current_dir(common::root().join("tests/fixtures/cli"))
        .env("NO_COLOR", "1")
        .args(["check", "broken.kdl", "--format", format])
        .output()
        .unwrap()
}

#[test]
fn every_format_is_snapshotted() {
    let settings = common::settings();
    for format in ["json", "sarif", "github"] {
        let out = check(format);
        assert_eq!(out.status.code(), Some(1), "{format}: errors exit 1");
        assert!(
            out.stderr.is_empty(),
            "{format}: findings go to stdout only"
        );
        let stdout = String::from_utf8(out.stdout).unwrap();
        settings.bind(|| insta::assert_snapshot!(format!("check_{format}"), stdout));
    }
}

#[test]
fn json_has_one_object_per_finding_with_its_place() {
    let out = check("json");
    let findings: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(findings.len(), 6);
    for f in &findings {
        for key in [
            "code",
            "severity",
            "message",
            "help",
            "file",
            "line",
            "column",
            "end_line",
            "end_column",
        ] {
            assert!(!f[key].is_null(), "{key} in {f}");
        }
        assert_eq!(f["file"], "broken.kdl");
    }
}

#[test]
fn every_sarif_result_has_a_region_inside_the_file() {
    let out = check("sarif");
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(
        rules.len(),
        windlass::check::registry::RULES.len() + windlass::check::registry::COMPILER.len()
    );
    let text =
        std::fs::read_to_string(common::root().join("tests/fixtures/cli/broken.kdl")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let results = run["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(
            rules[index]["id"], r["ruleId"],
            "ruleIndex points at the rule"
        );
        let location = &r["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uri"], "broken.kdl");
        let region = &location["region"];
        let (line, column) = (
            region["startLine"].as_u64().unwrap() as usize,
            region["startColumn"].as_u64().unwrap() as usize,
        );
        let (end_line, end_column) = (
            region["endLine"].as_u64().unwrap() as usize,
            region["endColumn"].as_u64().unwrap() as usize,
        );
        assert!(line >= 1 && line <= lines.len(), "{r}");
        assert!(
            column >= 1 && column <= lines[line - 1].chars().count() + 1,
            "{r}"
        );
        assert!((end_line, end_column) >= (line, column), "{r}");
        assert!(
            end_line <= lines.len() && end_column <= lines[end_line - 1].chars().count() + 1,
            "{r}"
        );
    }
}

#[test]
fn github_prints_one_annotation_per_finding() {
    let out = check("github");
    let stdout = String::from_utf8(out.stdout).unwrap();
    let annotations: Vec<&str> = stdout.lines().collect();
    assert_eq!(annotations.len(), 6);
    for a in annotations {
        assert!(
            a.starts_with("::error file=broken.kdl,line=")
                || a.starts_with("::warning file=broken.kdl,line="),
            "{a}"
        );
        assert!(a.contains(",title=windlass "), "{a}");
    }
}
