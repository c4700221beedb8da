//! The diff stage on real descriptions.
//!
//! - Scenarios: `tests/fixtures/diff/<scenario>/{before,after}.kdl`, at least one per class of
//!   change. `after.kdl` says the class the report must lead with (`// expect-class: CLASS`);
//!   the human, Markdown and JSON reports are snapshotted, the human one under the diff of the
//!   two descriptions.
//! - A description compared with itself, and previous output written in another key order,
//!   indentation, quoting and list order, give no change.
//! - Secret values never appear in a report.

#![allow(
    clippy::disallowed_methods,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests read fixtures, write temporary directories, and fail loudly"
)]

mod common;

use std::collections::BTreeSet;
use std::fmt::Write as _;

use serde_json::Value;
use windlass::diff::read::{self, Syntax};
use windlass::diff::{self, Class, Report, Section, Status};
use windlass::render::{self, Format};

/// The scenario folders, sorted.
fn scenarios() -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(common::root().join("tests/fixtures/diff"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    out.sort();
    out
}

/// The objects a description compiles to; the test fails on errors.
fn objects(relative: &str) -> Vec<Value> {
    let c = common::compile_file(relative);
    assert!(!c.has_errors(), "{relative}:\n{}", common::rendered(&c));
    c.into_manifests().into_iter().map(|m| m.object).collect()
}

fn compare(before: &[Value], after: &[Value]) -> Report {
    diff::diff(before, after)
}

/// The class named by `// expect-class: CLASS` in a description.
fn expected_class(text: &str) -> Option<Class> {
    let name = text
        .lines()
        .find_map(|l| l.strip_prefix("// expect-class: "))?
        .trim();
    Class::ALL.into_iter().find(|c| c.id() == name)
}

#[test]
fn scenarios_are_classified_and_rendered() {
    let scenarios = scenarios();
    assert!(scenarios.len() >= 10, "{scenarios:?}");
    let mut leading = BTreeSet::new();
    let mut seen = BTreeSet::new();
    for scenario in &scenarios {
        let dir = format!("tests/fixtures/diff/{scenario}");
        let before_text =
            std::fs::read_to_string(common::root().join(&dir).join("before.kdl")).unwrap();
        let after_text =
            std::fs::read_to_string(common::root().join(&dir).join("after.kdl")).unwrap();
        let report = compare(
            &objects(&format!("{dir}/before.kdl")),
            &objects(&format!("{dir}/after.kdl")),
        );
        let expected = expected_class(&after_text)
            .unwrap_or_else(|| panic!("{dir}/after.kdl needs a `// expect-class: CLASS` line"));
        let first = report.resources.first().map(|r| r.class);
        assert_eq!(
            first,
            Some(expected),
            "{scenario}:\n{}",
            diff::report::human(&[Section::app(report.clone())], false)
        );
        // Worst first, resources and the changes inside each.
        let classes: Vec<Class> = report.resources.iter().map(|r| r.class).collect();
        assert!(classes.is_sorted(), "{scenario}: {classes:?}");
        for resource in &report.resources {
            assert!(
                resource.changes.iter().map(|c| c.class).is_sorted(),
                "{scenario}"
            );
            assert_eq!(
                resource.changes.first().map(|c| c.class),
                Some(resource.class)
            );
            for change in &resource.changes {
                // Dangerous changes say what to do; so do changes that break a Service's callers.
                assert!(
                    change.advice.is_some() || !change.class.is_dangerous(),
                    "{scenario}: {change:?}"
                );
                assert!(!change.reason.is_empty());
            }
        }
        assert_eq!(report.is_dangerous(), expected.is_dangerous(), "{scenario}");
        leading.insert(expected);
        seen.extend(
            report
                .resources
                .iter()
                .flat_map(|r| r.changes.iter().map(|c| c.class)),
        );

        // The description's diff, without the harness's expectation line.
        let after_shown: String = after_text
            .lines()
            .filter(|l| !l.starts_with("// expect-class:"))
            .map(|l| format!("{l}\n"))
            .collect();
        let kdl = similar::TextDiff::from_lines(&before_text, &after_shown)
            .unified_diff()
            .context_radius(2)
            .header("before.kdl", "after.kdl")
            .to_string();
        let human = format!(
            "{kdl}\n----- windlass diff -----\n{}",
            diff::report::human(&[Section::app(report.clone())], false)
        );
        common::settings().bind(|| {
            insta::assert_snapshot!(format!("{scenario}-human"), human);
            insta::assert_snapshot!(
                format!("{scenario}-markdown"),
                diff::report::markdown(&[Section::app(report.clone())], None)
            );
            insta::assert_snapshot!(
                format!("{scenario}-json"),
                diff::report::json(&[Section::app(report.clone())])
            );
        });
    }
    let all: BTreeSet<Class> = Class::ALL.into_iter().collect();
    assert_eq!(leading, all, "a scenario leads with each class");
    assert_eq!(seen, all);
}

#[test]
fn a_description_compared_with_itself_has_no_changes() {
    let mut files = common::examples();
    files.push("tests/fixtures/cli/shop.kdl".to_owned());
    for file in files {
        let objects = objects(&file);
        let report = compare(&objects, &objects);
        assert!(
            report.is_empty(),
            "{file}:\n{}",
            diff::report::human(&[Section::app(report.clone())], false)
        );
        assert_eq!(report.unchanged, objects.len());
        assert_eq!(
            diff::report::human(&[Section::app(report.clone())], false),
            format!("windlass diff: no changes; {} unchanged\n", objects.len())
        );
        let json: Value =
            serde_json::from_str(&diff::report::json(&[Section::app(report.clone())])).unwrap();
        assert_eq!(json["changes"], serde_json::json!([]));
        assert_eq!(json["summary"]["dangerous"], false);
    }
}

/// Lists whose order Kubernetes ignores (merged by key, or sets): reversed when rewritten.
const REORDERABLE: &[&str] = &[
    "containers",
    "initContainers",
    "env",
    "ports",
    "volumes",
    "volumeMounts",
    "volumeClaimTemplates",
    "topologySpreadConstraints",
    "accessModes",
    "add",
    "drop",
];

/// `value` as block YAML another tool might write: keys in reverse order, four-space indents,
/// every string double-quoted, lists merged by key reversed, list items in flow style.
fn rewrite(value: &Value, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    let Value::Object(map) = value else {
        let _ = writeln!(out, "{pad}{}", flow(value, ""));
        return;
    };
    for (key, child) in map.iter().rev() {
        let quoted = Value::String(key.clone());
        match child {
            Value::Object(inner) if !inner.is_empty() => {
                let _ = writeln!(out, "{pad}{quoted}:");
                rewrite(child, indent + 4, out);
            }
            Value::Array(items) if !items.is_empty() => {
                let _ = writeln!(out, "{pad}{quoted}:");
                let mut items: Vec<&Value> = items.iter().collect();
                if REORDERABLE.contains(&key.as_str()) {
                    items.reverse();
                }
                for item in items {
                    let _ = writeln!(out, "{pad}    - {}", flow(item, key));
                }
            }
            _ => {
                let _ = writeln!(out, "{pad}{quoted}: {}", flow(child, key));
            }
        }
    }
}

/// `value` in YAML flow style, keys reversed, reorderable lists reversed.
fn flow(value: &Value, field: &str) -> String {
    match value {
        Value::Object(map) => {
            let parts: Vec<String> = map
                .iter()
                .rev()
                .map(|(k, v)| format!("{}: {}", Value::String(k.clone()), flow(v, k)))
                .collect();
            format!("{{ {} }}", parts.join(", "))
        }
        Value::Array(items) => {
            let mut parts: Vec<String> = items.iter().map(|v| flow(v, field)).collect();
            if REORDERABLE.contains(&field) {
                parts.reverse();
            }
            format!("[{}]", parts.join(", "))
        }
        other => other.to_string(),
    }
}

#[test]
fn previous_output_in_another_layout_has_no_changes() {
    let mut files = common::examples();
    files.push("tests/fixtures/cli/shop.kdl".to_owned());
    for file in files {
        let c = common::compile_file(&file);
        let objects: Vec<Value> = c.manifests().iter().map(|m| m.object.clone()).collect();
        // Documents in reverse order, in another layout, with comments and empty documents.
        let mut text = String::from("# written by another tool\n---\n");
        for object in objects.iter().rev() {
            text.push_str("---\n");
            rewrite(object, 0, &mut text);
        }
        text.push_str("---\n");
        let previous = read::objects(&text, Syntax::Yaml).unwrap();
        assert_eq!(previous.len(), objects.len());
        assert_ne!(text, render::stream(c.manifests(), Format::Yaml));
        let report = compare(&previous, &objects);
        assert!(
            report.is_empty(),
            "{file}:\n{}",
            diff::report::human(&[Section::app(report.clone())], false)
        );

        // And as the JSON List that `build --format json` writes.
        let json = render::stream(c.manifests(), Format::Json);
        let previous = read::objects(&json, Syntax::Json).unwrap();
        assert!(compare(&previous, &objects).is_empty(), "{file} (JSON)");
    }
}

#[test]
fn secret_values_never_appear() {
    let secret = |password: &str, token: &str| {
        let text = format!(
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: shop\ntype: Opaque\ndata:\n  password: {password}\n  token: {token}\nstringData:\n  extra: plain-text-value\n"
        );
        read::objects(&text, Syntax::Yaml).unwrap()
    };
    let old = secret("b2xkLXBhc3N3b3Jk", "dG9rZW4tb25l");
    let new = secret("bmV3LXBhc3N3b3Jk", "dG9rZW4tb25l");
    let report = compare(&old, &new);
    let changes: Vec<(&str, Option<&Value>, Option<&Value>)> = report.resources[0]
        .changes
        .iter()
        .map(|c| (c.path.as_str(), c.old.as_ref(), c.new.as_ref()))
        .collect();
    let hidden = Value::from("(hidden)");
    let changed = Value::from("(hidden, changed)");
    assert_eq!(changes, [("data.password", Some(&hidden), Some(&changed))]);
    let removed = compare(&old, &[]);
    assert_eq!(removed.resources[0].status, Status::Removed);
    for report in [report, removed] {
        for text in [
            diff::report::human(&[Section::app(report.clone())], false),
            diff::report::markdown(&[Section::app(report.clone())], None),
            diff::report::json(&[Section::app(report.clone())]),
        ] {
            for value in [
                "b2xkLXBhc3N3b3Jk",
                "bmV3LXBhc3N3b3Jk",
                "dG9rZW4tb25l",
                "plain-text-value",
            ] {
                assert!(!text.contains(value), "{value} in:\n{text}");
            }
        }
    }
}

#[test]
fn unrelated_objects_of_one_kind_are_not_a_rename() {
    let before = objects("tests/fixtures/diff/breaking-job/before.kdl");
    let after = objects("tests/fixtures/diff/rollout/before.kdl");
    let report = compare(&before, &after);
    let statuses: BTreeSet<&str> = report.resources.iter().map(|r| r.status.label()).collect();
    assert!(
        !statuses.contains("renamed"),
        "{}",
        diff::report::human(&[Section::app(report.clone())], false)
    );
}

#[test]
fn renamed_workloads_are_renames() {
    let report = compare(
        &objects("tests/fixtures/diff/rename/before.kdl"),
        &objects("tests/fixtures/diff/rename/after.kdl"),
    );
    let renames: Vec<(String, String)> = report
        .resources
        .iter()
        .filter_map(|r| match &r.status {
            Status::Renamed { from } => Some((from.to_string(), r.key.to_string())),
            _ => None,
        })
        .collect();
    assert_eq!(
        renames,
        [
            (
                "Service shop/orders".to_owned(),
                "Service shop/checkout".to_owned()
            ),
            (
                "Deployment shop/orders".to_owned(),
                "Deployment shop/checkout".to_owned()
            ),
            (
                "PodDisruptionBudget shop/orders".to_owned(),
                "PodDisruptionBudget shop/checkout".to_owned()
            ),
        ]
    );
}

#[test]
fn markdown_fences_and_code_survive_hostile_values() {
    let old = read::objects(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: shop}\ndata:\n  a: 'x | y'\n",
        Syntax::Yaml,
    )
    .unwrap();
    let new = read::objects(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: shop}\ndata:\n  a: '```<b>|'\n",
        Syntax::Yaml,
    )
    .unwrap();
    let markdown = diff::report::markdown(&[Section::app(compare(&old, &new))], None);
    assert!(
        markdown.contains("`x | y` → ```` ```<b>| ````"),
        "{markdown}"
    );
    assert!(
        markdown.contains("\n````diff\n"),
        "a fence longer than the value's:\n{markdown}"
    );
}

/// `diff --against` reads an earlier build with a reader for the emitter's own layout; it must
/// take every build of every example and environment, and read exactly what the general reader
/// (the API server's YAML rules) reads.
#[test]
fn own_output_is_read_by_the_fast_reader_as_the_general_reader_reads_it() {
    let mut texts = Vec::new();
    for example in common::examples() {
        for (env, c) in common::compile_every_env(&example) {
            let label = format!("{example} ({})", env.as_deref().unwrap_or("base"));
            texts.push((label.clone(), render::stream(c.manifests(), Format::Yaml)));
            for file in render::files(c.manifests(), Format::Yaml) {
                texts.push((format!("{label}: {}", file.name), file.content));
            }
        }
    }
    for scenario in scenarios() {
        for side in ["before", "after"] {
            let c = common::compile_file(&format!("tests/fixtures/diff/{scenario}/{side}.kdl"));
            let text = render::stream(c.manifests(), Format::Yaml);
            texts.push((format!("{scenario}/{side}"), text));
        }
    }
    assert!(texts.len() > 20);
    for (label, text) in texts {
        let fast = windlass::yaml::documents(&text)
            .unwrap_or_else(|| panic!("{label}: the fast reader gave up on our own output"));
        let slow = common::yaml_documents(&text);
        assert_eq!(fast, slow, "{label}");
    }
}

/// Removed objects are named as the ones the pruning apply deletes, with the exact command; a
/// new namespace says it must exist before the first pruning apply.
#[test]
fn removed_objects_are_deleted_by_the_pruning_apply() {
    let before = objects("tests/fixtures/diff/breaking-service-kind/before.kdl");
    let after = objects("tests/fixtures/diff/breaking-service-kind/after.kdl");
    let apply = diff::Apply {
        set: windlass::render::applyset::ApplySet::new("shop", None, "shop"),
        dir: "deploy".to_owned(),
    };
    let command =
        "KUBECTL_APPLYSET=true kubectl apply -k deploy --prune --applyset=windlass-shop -n shop";
    let section = Section::new(None, compare(&before, &after), Some(apply.clone()));
    let removed: Vec<&diff::ResourceDiff> = section
        .report
        .resources
        .iter()
        .filter(|r| r.status == Status::Removed)
        .collect();
    assert!(!removed.is_empty());
    for r in &removed {
        assert!(
            r.changes[0]
                .reason
                .ends_with("the pruning apply (`--applyset=windlass-shop`) deletes it"),
            "{:?}",
            r.changes[0]
        );
        // A removed workload stops serving: never "safe".
        if r.key.kind == "Deployment" {
            assert_eq!(r.class, Class::Attention);
        }
    }
    let removed = removed.len();
    let sections = [section];
    let human = diff::report::human(&sections, false);
    assert!(
        human.contains(&format!("the pruning apply deletes {removed} object"))
            && human.contains(command),
        "{human}"
    );
    let markdown = diff::report::markdown(&sections, None);
    assert!(markdown.contains("#### Deleted by the apply"), "{markdown}");
    assert!(markdown.contains(&format!("`{command}`")), "{markdown}");
    let json: Value = serde_json::from_str(&diff::report::json(&sections)).unwrap();
    assert_eq!(json["sections"][0]["apply"]["command"], command);
    assert_eq!(
        json["sections"][0]["apply"]["deletes"]
            .as_array()
            .unwrap()
            .len(),
        removed
    );
    assert_eq!(
        json["sections"][0]["apply"]["create_namespace_first"],
        false
    );

    // Everything new, the Namespace too: it must exist before kubectl writes the set's parent.
    let first = [Section::new(None, compare(&[], &after), Some(apply))];
    let human = diff::report::human(&first, false);
    assert!(
        human.contains("namespace `shop` is new: create it before the first pruning apply (`kubectl create namespace shop`)"),
        "{human}"
    );
    let json: Value = serde_json::from_str(&diff::report::json(&first)).unwrap();
    assert_eq!(json["sections"][0]["apply"]["create_namespace_first"], true);
}

/// A change that breaks a Service's callers names the ones the new output has: a route that
/// sends to it, a workload whose environment addresses it.
#[test]
fn breaking_a_service_names_its_callers() {
    let app = |port: u32| {
        format!(
            "app shop {{\n    namespace shop\n    frontend web {{\n        image \"web:1.0.0\"\n        port 80\n        expose ingress host=\"shop.example.com\"\n        route \"/api\" to=orders\n        env ORDERS_URL=\"http://orders:{port}/v1\"\n    }}\n    service orders {{\n        image \"orders:1.0.0\"\n        port 8080 service-port={port}\n    }}\n    cronjob report {{\n        image \"report:1.0.0\"\n        schedule \"0 * * * *\"\n        env TARGET=\"orders.shop.svc.cluster.local:{port}\"\n    }}\n}}\n"
        )
    };
    let objects = |text: &str| {
        let c = common::compile_text("windlass.kdl", text);
        assert!(!c.has_errors(), "{}", common::rendered(&c));
        c.into_manifests()
            .into_iter()
            .map(|m| m.object)
            .collect::<Vec<_>>()
    };
    let report = compare(&objects(&app(8080)), &objects(&app(9090)));
    let service = report
        .resources
        .iter()
        .find(|r| r.key.kind == "Service" && r.key.name == "orders")
        .expect("the Service changed");
    let removed_port = service
        .changes
        .iter()
        .find(|c| c.path.starts_with("spec.ports[8080"))
        .expect("port 8080 is no longer published");
    assert_eq!(removed_port.class, Class::Attention);
    let advice = removed_port.advice.as_deref().unwrap_or_default();
    for caller in [
        "`Ingress shop/web`",
        "`Deployment shop/web` (env `ORDERS_URL`)",
        "`CronJob shop/report` (env `TARGET`)",
    ] {
        assert!(advice.contains(caller), "{caller} in: {advice}");
    }
}
