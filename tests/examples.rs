//! Every application in `examples/` compiles without errors, byte-identically on every run, to
//! output at least five times longer than its description; the YAML is snapshotted.

#![allow(
    clippy::disallowed_methods,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests read fixtures, write temporary directories, and fail loudly"
)]

mod common;

use windlass::render::{self, Format};
use windlass::{Goal, Output};

/// Lines that carry meaning: not blank, not only a comment.
fn meaningful_lines(text: &str, comment: &str) -> usize {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with(comment))
        .count()
}

/// The description and every file it imports, as the user maintains them.
fn description_lines(c: &windlass::Compilation) -> usize {
    c.sources
        .iter()
        .filter(|(_, f)| !f.name.starts_with("<stdlib>"))
        .map(|(_, f)| meaningful_lines(&f.text, "//"))
        .sum()
}

#[test]
fn examples_exist() {
    let examples = common::examples();
    assert!(
        examples.len() >= 3,
        "at least three example applications: {examples:?}"
    );
    assert!(examples.contains(&"examples/xuecheng/windlass.kdl".to_owned()));
}

#[test]
fn examples_compile_to_snapshots() {
    let settings = common::settings();
    for example in common::examples() {
        let name = example
            .trim_start_matches("examples/")
            .trim_end_matches("/windlass.kdl")
            .to_owned();
        for (env, c) in common::compile_every_env(&example) {
            let label = env.as_deref().unwrap_or("base");
            assert!(
                !c.has_errors(),
                "{example} ({label}):\n{}",
                common::rendered(&c)
            );
            assert!(
                c.diagnostics
                    .iter()
                    .all(|d| d.severity == windlass::diag::Severity::Note),
                "{example} ({label}) has warnings:\n{}",
                common::rendered(&c)
            );
            let yaml = render::stream(c.manifests(), Format::Yaml);
            let snapshot = match &env {
                None => format!("example_{name}"),
                Some(env) => format!("example_{name}@{env}"),
            };
            settings.bind(|| insta::assert_snapshot!(snapshot, yaml));
        }
    }
}

#[test]
fn every_form_compiles_to_its_snapshot() {
    let settings = common::settings();
    let forms = common::forms();
    assert!(!forms.is_empty());
    for form in forms {
        let c = common::compile_file(&form);
        assert!(!c.has_errors(), "{form}:\n{}", common::rendered(&c));
        let name = form
            .trim_start_matches("tests/fixtures/forms/")
            .trim_end_matches(".kdl")
            .to_owned();
        let yaml = render::stream(c.manifests(), Format::Yaml);
        settings.bind(|| insta::assert_snapshot!(format!("form_{name}"), yaml));
    }
}

#[test]
fn the_xuecheng_environments_differ_as_described() {
    let envs = common::compile_every_env("examples/xuecheng/windlass.kdl");
    let names: Vec<Option<&str>> = envs.iter().map(|(e, _)| e.as_deref()).collect();
    assert_eq!(names, [None, Some("dev"), Some("prod")]);
    let find = |c: &windlass::Compilation, kind: &str, name: &str| {
        c.manifests()
            .iter()
            .find(|m| m.object["kind"] == kind && m.object["metadata"]["name"] == name)
            .map(|m| m.object.clone())
    };
    let (_, dev) = &envs[1];
    let (_, prod) = &envs[2];
    assert!(
        dev.manifests()
            .iter()
            .all(|m| m.object["kind"] == "Namespace"
                || m.object["metadata"]["namespace"] == "xuecheng-dev")
    );
    assert_eq!(
        find(dev, "Service", "portal-external").map(|s| s["spec"]["ports"][0]["nodePort"].clone()),
        Some(30080.into())
    );
    assert!(
        find(dev, "Ingress", "portal").is_none(),
        "dev reaches the portal through the node port"
    );
    assert_eq!(
        find(dev, "Deployment", "portal").map(|d| d["spec"]["replicas"].clone()),
        Some(1.into())
    );
    assert!(find(dev, "HorizontalPodAutoscaler", "gateway").is_none());
    assert_eq!(
        find(prod, "Service", "gateway-external").map(|s| s["spec"]["type"].clone()),
        Some("LoadBalancer".into())
    );
    assert_eq!(
        find(prod, "HorizontalPodAutoscaler", "gateway").map(|h| h["spec"]["minReplicas"].clone()),
        Some(3.into())
    );
    let canary = find(prod, "Deployment", "content-api-canary").unwrap();
    assert_eq!(
        canary["spec"]["template"]["spec"]["containers"][0]["image"],
        "registry.example.com/xuecheng/xc-content-api:1.3.0"
    );
    assert_eq!(
        canary["spec"]["selector"]["matchLabels"]["app.kubernetes.io/track"],
        "canary"
    );
    let claim = |c: &windlass::Compilation| {
        find(c, "StatefulSet", "mysql").map(|s| {
            s["spec"]["volumeClaimTemplates"][0]["spec"]["resources"]["requests"]["storage"].clone()
        })
    };
    assert_eq!(claim(dev), Some("5Gi".into()));
    assert_eq!(claim(prod), Some("100Gi".into()));
}

#[test]
fn output_is_byte_identical_across_runs() {
    for example in common::examples() {
        let first = common::compile_file(&example);
        let second = common::compile_file(&example);
        assert_eq!(
            render::stream(first.manifests(), Format::Yaml),
            render::stream(second.manifests(), Format::Yaml)
        );
        assert_eq!(
            render::files(first.manifests(), Format::Json),
            render::files(second.manifests(), Format::Json)
        );
    }
}

#[test]
fn descriptions_are_at_least_five_times_shorter_than_their_yaml() {
    let mut report = String::new();
    for example in common::examples() {
        let c = common::compile_file(&example);
        let kdl = description_lines(&c);
        let yaml = meaningful_lines(&render::stream(c.manifests(), Format::Yaml), "#");
        let ratio = yaml as f64 / kdl as f64;
        report.push_str(&format!(
            "{example}: {kdl} KDL lines -> {yaml} YAML lines ({ratio:.1}x)\n"
        ));
        assert!(
            ratio >= 5.0,
            "{example} is only {ratio:.1}x shorter than its YAML"
        );
    }
    eprint!("{report}");
}

#[test]
fn every_object_carries_the_standard_labels() {
    for example in common::examples() {
        let c = common::compile_file(&example);
        for m in c.manifests() {
            let labels = &m.object["metadata"]["labels"];
            let kind = m.object["kind"].as_str().unwrap();
            assert_eq!(
                labels["app.kubernetes.io/managed-by"], "windlass",
                "{example}: {kind}"
            );
            assert!(
                labels["app.kubernetes.io/part-of"].is_string(),
                "{example}: {kind}"
            );
            if kind != "Namespace" {
                assert!(
                    labels["app.kubernetes.io/name"].is_string(),
                    "{example}: {kind}"
                );
                assert!(
                    labels["app.kubernetes.io/component"].is_string(),
                    "{example}: {kind}"
                );
            }
        }
    }
}

#[test]
fn yaml_reads_back_as_the_objects_it_was_written_from() {
    for example in common::examples() {
        let c = common::compile_file(&example);
        for m in c.manifests() {
            let text = windlass::yaml::to_string(&m.object);
            let [back] = common::yaml_documents(&text).try_into().unwrap();
            assert_eq!(back, m.object, "{example}: {text}");
        }
    }
}

/// `windlass build` to stdout lowers and renders a component at a time; the text is the same as
/// rendering every object at once, for every example and environment.
#[test]
fn streamed_yaml_is_the_rendered_stream() {
    for example in common::examples() {
        for (env, c) in common::compile_every_env(&example) {
            assert!(!c.manifests().is_empty(), "{example} ({env:?}) compiles");
            let streamed = common::compile_file_to(&example, env.as_deref(), Goal::Yaml);
            let Output::Yaml(streamed) = streamed.output else {
                panic!("{example} ({env:?}): no YAML stream");
            };
            assert_eq!(
                streamed,
                render::stream(c.manifests(), Format::Yaml),
                "{example} ({env:?})"
            );
        }
    }
}

/// An application large enough to be rendered in two halves on two threads gives the same text.
#[test]
fn streamed_yaml_of_a_large_application_is_the_rendered_stream() {
    let mut text = String::from("app big {\n");
    for i in 0..150 {
        text.push_str(&format!(
            "    service s{i} {{\n        image \"s{i}:1.0.{i}\"\n        port 8080\n        env N=\"{i}\"\n    }}\n"
        ));
    }
    text.push_str("}\n");
    let c = common::compile_text("big.kdl", &text);
    assert!(!c.has_errors(), "{}", common::rendered(&c));
    let streamed = windlass::compile(
        windlass::Input::new("big.kdl", "big.kdl", text.as_str()),
        &windlass::Options {
            goal: Goal::Yaml,
            ..windlass::Options::default()
        },
        &common::NoFiles,
    );
    let Output::Yaml(streamed) = streamed.output else {
        panic!("no YAML stream");
    };
    assert_eq!(streamed, render::stream(c.manifests(), Format::Yaml));
    assert_eq!(streamed.matches("\n---\n").count(), c.manifests().len() - 1);
}
