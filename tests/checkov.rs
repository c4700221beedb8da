//! checkov, an external judge of security defaults, on Windlass's output: containers whose
//! workload declares `run-as user=N` (N above 0) and every standard-library database pass
//! CKV_K8S_23 (no root containers) and CKV_K8S_25 (no added capabilities), while a workload
//! that may run as root keeps the capabilities its entrypoint needs to drop root, and so fails
//! CKV_K8S_25 (that it does shows checkov ran and judged). The failures per check ID of every
//! example are printed, for the record. Under CI=true a missing checkov fails the test.

#![allow(
    clippy::disallowed_methods,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests read fixtures, write temporary directories, and fail loudly"
)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use windlass::render::{self, Format};

/// The failed checks checkov reports for the YAML stream in `file`: (check ID, resource) pairs,
/// the resource as checkov names it (`Kind.namespace.name`).
fn failed_checks(checkov: &Path, file: &Path) -> BTreeSet<(String, String)> {
    let out = Command::new(checkov)
        .args(["--framework", "kubernetes", "--quiet", "--compact"])
        .args(["--output", "json", "--skip-download", "--file"])
        .arg(file)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "checkov printed no JSON ({e}): {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    // One framework gives an object; several, a list of them.
    let reports = match report {
        serde_json::Value::Array(reports) => reports,
        report => vec![report],
    };
    let mut failed = BTreeSet::new();
    for report in reports {
        let passed = report["summary"]["passed"].as_u64().unwrap_or(0);
        assert!(passed > 0, "checkov judged nothing: {report}");
        for check in report["results"]["failed_checks"]
            .as_array()
            .into_iter()
            .flatten()
        {
            failed.insert((
                check["check_id"].as_str().unwrap().to_owned(),
                check["resource"].as_str().unwrap().to_owned(),
            ));
        }
    }
    failed
}

fn write_stream(dir: &Path, name: &str, c: &windlass::Compilation) -> std::path::PathBuf {
    assert!(!c.has_errors(), "{name}:\n{}", common::rendered(c));
    let file = dir.join(format!("{name}.yaml"));
    std::fs::write(&file, render::stream(c.manifests(), Format::Yaml)).unwrap();
    file
}

/// Every standard-library component, two user workloads with `run-as` and one without.
fn app() -> String {
    let mut text = String::from("app shop {\n");
    for name in windlass::stdlib::NAMES {
        text.push_str(&format!("    use {name} {name}-a storage=\"5Gi\"\n"));
    }
    text.push_str(
        r#"    service api {
        image "api:1.0.0"
        port 8080
        run-as user=10001 group=10001
        resources cpu="100m" memory="64Mi"
    }
    stateful jobs {
        image "jobs:1.0.0"
        port 9000
        volume data path="/data" size="1Gi"
        run-as user=1000
        resources cpu="100m" memory="64Mi"
    }
    service legacy {
        image "legacy:1.0.0"
        port 8080
        resources cpu="100m" memory="64Mi"
    }
}
"#,
    );
    text
}

#[test]
fn declared_non_root_users_and_stdlib_databases_pass_the_root_and_capability_checks() {
    let c = common::compile_text("shop.kdl", &app());
    let Some(checkov) = common::external_tool("checkov") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let failed = failed_checks(&checkov, &write_stream(tmp.path(), "shop", &c));

    // Which workloads must pass: the databases of the standard library, and api and jobs.
    let databases = windlass::stdlib::NAMES.iter().filter(|name| {
        let text = windlass::stdlib::source(name).unwrap();
        text.contains(&format!("component {name} kind=database"))
    });
    let mut must_pass: Vec<String> = databases.map(|name| format!("{name}-a")).collect();
    assert!(must_pass.len() >= 8, "{must_pass:?}");
    must_pass.extend(["api".to_owned(), "jobs".to_owned()]);
    let resource_of = |name: &str| {
        c.manifests()
            .iter()
            .find(|m| {
                m.object["metadata"]["name"] == name
                    && ["Deployment", "StatefulSet"].contains(&m.object["kind"].as_str().unwrap())
            })
            .map(|m| format!("{}.shop.{name}", m.object["kind"].as_str().unwrap()))
            .unwrap_or_else(|| panic!("no controller named {name}"))
    };
    let mut problems = Vec::new();
    for name in &must_pass {
        let resource = resource_of(name);
        for check in ["CKV_K8S_23", "CKV_K8S_25"] {
            if failed.contains(&(check.to_owned(), resource.clone())) {
                problems.push(format!("{resource} fails {check}"));
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
    // A workload that may run as root keeps the capabilities to drop it.
    let legacy = resource_of("legacy");
    assert!(
        failed.contains(&("CKV_K8S_25".to_owned(), legacy.clone())),
        "{legacy} adds capabilities, which checkov must report: {failed:?}"
    );
}

/// The examples' failures per check ID, printed for the record (`cargo test --test checkov --
/// --nocapture`); each remaining check ID's reason is in the README's security section.
#[test]
fn the_examples_failures_per_check_are_reported() {
    let Some(checkov) = common::external_tool("checkov") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let mut per_check: BTreeMap<String, usize> = BTreeMap::new();
    for example in common::examples() {
        let c = common::compile_file(&example);
        let name = example.replace('/', "_");
        for (check, _) in failed_checks(&checkov, &write_stream(tmp.path(), &name, &c)) {
            *per_check.entry(check).or_default() += 1;
        }
    }
    assert!(!per_check.is_empty(), "checkov reported nothing at all");
    eprintln!("checkov failures per check ID over the examples: {per_check:?}");
}
