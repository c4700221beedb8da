//! Real applications, reproduced: each `examples/APP/upstream-facts.json` holds the facts of an
//! application's own Kubernetes manifests (recorded by `scripts/upstream-facts.sh`, with the
//! repository, commit and paths it read), and `examples/APP/windlass.kdl` reproduces it. Every
//! upstream object name, selector, Service type and port must be among the reproduction's, or be
//! listed in `examples/APP/upstream-differences.json` with the reason; the other facts (images,
//! env, probes, resources, volumes, security) are counted and printed.

#![allow(
    clippy::disallowed_methods,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests read fixtures and fail loudly"
)]

mod common;

use std::collections::BTreeMap;

use common::facts::{self, CATEGORIES, Facts};
use serde_json::Value;

/// The categories a migration must match entirely.
const EXACT: [&str; 3] = ["names", "selectors", "ports"];

struct Reproduction {
    app: String,
    upstream: Facts,
    upstream_lines: usize,
    differences: BTreeMap<String, String>,
}

fn reproductions() -> Vec<Reproduction> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(common::root().join("examples")).unwrap() {
        let dir = entry.unwrap().path();
        let path = dir.join("upstream-facts.json");
        if !path.is_file() {
            continue;
        }
        let app = dir.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            dir.join("windlass.kdl").is_file(),
            "{app}: upstream facts without a reproduction beside them"
        );
        let record: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let source = &record["source"];
        for field in ["repository", "commit"] {
            assert!(
                source[field].as_str().is_some_and(|s| !s.is_empty()),
                "{app}: the facts record the upstream {field}"
            );
        }
        assert!(
            source["paths"].as_array().is_some_and(|p| !p.is_empty()),
            "{app}: the facts record the paths they were read from"
        );
        let upstream: Facts = serde_json::from_value(record["facts"].clone()).unwrap();
        let differences = match std::fs::read_to_string(dir.join("upstream-differences.json")) {
            Ok(text) => {
                let list: Vec<Value> = serde_json::from_str(&text).unwrap();
                list.iter()
                    .map(|d| {
                        let fact = d["fact"].as_str().unwrap().to_owned();
                        let reason = d["reason"].as_str().unwrap_or_default().to_owned();
                        assert!(
                            !reason.trim().is_empty(),
                            "{app}: `{fact}` is listed without a reason"
                        );
                        (fact, reason)
                    })
                    .collect()
            }
            Err(_) => BTreeMap::new(),
        };
        out.push(Reproduction {
            app,
            upstream,
            upstream_lines: record["upstream_yaml_lines"].as_u64().unwrap_or(0) as usize,
            differences,
        });
    }
    out.sort_by(|a, b| a.app.cmp(&b.app));
    out
}

/// The facts of the reproduction's objects (the base, without an environment).
fn ours(app: &str) -> (Facts, usize) {
    let path = format!("examples/{app}/windlass.kdl");
    let c = common::compile_file(&path);
    assert!(!c.has_errors(), "{path}:\n{}", common::rendered(&c));
    let objects: Vec<Value> = c.manifests().iter().map(|m| m.object.clone()).collect();
    let text = std::fs::read_to_string(common::root().join(&path)).unwrap();
    let lines = text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with("//"))
        .count();
    (facts::facts(&objects), lines)
}

#[test]
fn reproductions_keep_every_name_selector_and_port() {
    let all = reproductions();
    assert!(!all.is_empty(), "at least one application is reproduced");
    let mut failures = String::new();
    let mut report = String::from(
        "application | names, selectors, ports | other facts | KDL lines | upstream YAML lines\n",
    );
    for r in &all {
        let (ours, kdl_lines) = ours(&r.app);
        let mut exact = (0, 0);
        for category in EXACT {
            let total = r.upstream.get(category).map_or(0, |f| f.len());
            let missing = facts::missing(&r.upstream, &ours, category);
            exact.0 += total - missing.len();
            exact.1 += total;
            for fact in missing {
                if !r.differences.contains_key(fact) {
                    failures.push_str(&format!("{}: missing {category} fact `{fact}`\n", r.app));
                }
            }
        }
        // A listed difference that is no longer one is stale.
        for fact in r.differences.keys() {
            let missing = CATEGORIES
                .iter()
                .any(|c| facts::missing(&r.upstream, &ours, c).contains(&fact));
            if !missing {
                failures.push_str(&format!(
                    "{}: `{fact}` is listed as a difference but matches (or is not an upstream fact)\n",
                    r.app
                ));
            }
        }
        let other_total = r.upstream.get("other").map_or(0, |f| f.len());
        let other_missing = facts::missing(&r.upstream, &ours, "other");
        report.push_str(&format!(
            "{} | {}/{} | {}/{} | {kdl_lines} | {}\n",
            r.app,
            exact.0,
            exact.1,
            other_total - other_missing.len(),
            other_total,
            r.upstream_lines
        ));
        for fact in other_missing {
            let why = r.differences.get(fact).map_or("", String::as_str);
            report.push_str(&format!(
                "    other, missing: {fact}{}\n",
                if why.is_empty() {
                    String::new()
                } else {
                    format!(" ({why})")
                }
            ));
        }
    }
    eprintln!("{report}");
    assert!(failures.is_empty(), "{failures}");
}

#[test]
fn a_wrong_port_or_selector_is_a_miss() {
    let service = serde_json::json!({
        "apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
        "spec": {"selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": 8080}]}
    });
    let upstream = facts::facts(std::slice::from_ref(&service));
    assert!(facts::missing(&upstream, &upstream, "ports").is_empty());
    let mut moved = service.clone();
    moved["spec"]["ports"][0]["targetPort"] = 8081.into();
    let ours = facts::facts(&[moved]);
    assert_eq!(
        facts::missing(&upstream, &ours, "ports"),
        [&"Service/web port 80->8080/TCP".to_owned()]
    );
    let mut reselected = service.clone();
    reselected["spec"]["selector"] = serde_json::json!({"app.kubernetes.io/name": "web"});
    let ours = facts::facts(&[reselected]);
    assert_eq!(facts::missing(&upstream, &ours, "selectors").len(), 1);
}

#[test]
fn defaults_written_or_left_out_are_the_same_fact() {
    let implicit = serde_json::json!({
        "kind": "Service", "metadata": {"name": "db"},
        "spec": {"selector": {"app": "db"}, "ports": [{"port": 5432}]}
    });
    let explicit = serde_json::json!({
        "kind": "Service", "metadata": {"name": "db"},
        "spec": {"type": "ClusterIP", "selector": {"app": "db"},
                 "ports": [{"port": 5432, "targetPort": 5432, "protocol": "TCP"}]}
    });
    assert_eq!(facts::facts(&[implicit]), facts::facts(&[explicit]));
    assert_eq!(facts::quantity("0.5"), facts::quantity("500m"));
    assert_eq!(facts::quantity("1Gi"), facts::quantity("1024Mi"));
    assert_ne!(facts::quantity("1G"), facts::quantity("1Gi"));
}
