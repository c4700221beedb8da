//! The judges nobody on this team wrote: `kubernetes-validate --strict` (unknown fields rejected)
//! for Kubernetes 1.37 on every example's output, and `kubectl kustomize` on every output
//! directory. Under CI=true a missing tool fails the test instead of skipping it.

#![allow(
    clippy::disallowed_methods,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests read fixtures, write temporary directories, and fail loudly"
)]

mod common;

use std::path::Path;
use std::process::Command;

use windlass::render::{self, Format};

fn write_dir(dir: &Path, c: &windlass::Compilation) {
    std::fs::create_dir_all(dir).unwrap();
    for file in render::files(c.manifests(), Format::Yaml) {
        std::fs::write(dir.join(&file.name), file.content).unwrap();
    }
}

/// A description per stdlib component, each instance with its required parameters only.
fn stdlib_app() -> String {
    let mut text = String::from("app stdlib {\n");
    for name in windlass::stdlib::NAMES {
        text.push_str(&format!("    use {name} {name}-a storage=\"5Gi\"\n"));
    }
    text.push_str("}\n");
    text
}

#[test]
fn examples_pass_strict_schema_validation() {
    let Some(validator) = common::external_tool("kubernetes-validate") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let mut failures = String::new();
    for example in common::examples() {
        for (env, c) in common::compile_every_env(&example) {
            let label = env.as_deref().unwrap_or("base");
            assert!(
                !c.has_errors(),
                "{example} ({label}):\n{}",
                common::rendered(&c)
            );
            let file = tmp
                .path()
                .join(format!("{}-{label}.yaml", example.replace('/', "_")));
            std::fs::write(&file, render::stream(c.manifests(), Format::Yaml)).unwrap();
            if let Err(e) = common::strict_validate(&validator, std::slice::from_ref(&file)) {
                failures.push_str(&format!("{example} ({label}):\n{e}\n"));
            }
        }
    }
    assert!(failures.is_empty(), "{failures}");
}

#[test]
fn every_form_passes_strict_schema_validation() {
    let Some(validator) = common::external_tool("kubernetes-validate") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let mut failures = String::new();
    for form in common::forms() {
        let c = common::compile_file(&form);
        assert!(!c.has_errors(), "{form}:\n{}", common::rendered(&c));
        let file = tmp.path().join(form.replace('/', "_") + ".yaml");
        std::fs::write(&file, render::stream(c.manifests(), Format::Yaml)).unwrap();
        if let Err(e) = common::strict_validate(&validator, std::slice::from_ref(&file)) {
            failures.push_str(&format!("{form}:\n{e}\n"));
        }
    }
    assert!(failures.is_empty(), "{failures}");
}

#[test]
fn every_stdlib_component_passes_strict_schema_validation() {
    let c = common::compile_text("stdlib.kdl", &stdlib_app());
    assert!(!c.has_errors(), "{}", common::rendered(&c));
    assert_eq!(
        c.manifests()
            .iter()
            .filter(|m| m.object["kind"] == "StatefulSet")
            .count(),
        windlass::stdlib::NAMES.len(),
        "one StatefulSet per component"
    );
    let Some(validator) = common::external_tool("kubernetes-validate") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("stdlib.yaml");
    std::fs::write(&file, render::stream(c.manifests(), Format::Yaml)).unwrap();
    common::strict_validate(&validator, std::slice::from_ref(&file)).unwrap();
}

#[test]
fn kustomize_builds_every_output_directory() {
    let Some(kubectl) = common::external_tool("kubectl") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    for example in common::examples() {
        let c = common::compile_file(&example);
        let dir = tmp.path().join(example.replace('/', "_"));
        write_dir(&dir, &c);
        let out = Command::new(&kubectl)
            .arg("kustomize")
            .arg(&dir)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{example}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let built = String::from_utf8_lossy(&out.stdout);
        let documents = built.split("\n---\n").count();
        assert_eq!(
            documents,
            c.manifests().len(),
            "{example}: kustomize sees every object"
        );
    }
}
