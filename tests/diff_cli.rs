//! The `windlass diff` command-line contract: exit codes, stdout and stderr, `--against` a
//! directory, a file or stdin, `--base` in a git repository the test creates, and the line
//! `build -o` prints about what changed. Commands run in temporary directories with relative
//! paths and without colour, so no snapshot holds a machine's path.
//!
//! Exit codes: 0 nothing breaking or data-losing, 1 `--exit-code` and something changed (or a
//! description has errors), 2 could not run, 3 a breaking or data-loss change.
//!
//! Snapshots are named `cli_diff__*`, beside `cli__*` of the other commands.

#![allow(
    clippy::disallowed_methods,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests read fixtures, write temporary directories, and fail loudly"
)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use insta_cmd::assert_cmd_snapshot;

use common::{run, text, windlass};

/// Snapshot settings: `cli_diff__NAME`.
fn settings() -> insta::Settings {
    let mut settings = common::settings();
    settings.set_prepend_module_to_snapshot(false);
    settings
}

fn fixture(scenario: &str, side: &str) -> PathBuf {
    common::root().join(format!("tests/fixtures/diff/{scenario}/{side}.kdl"))
}

/// A temporary project: `windlass.kdl` is the `before` side of `scenario`, built into `out/`,
/// then replaced by its `after` side.
fn project(scenario: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixture(scenario, "before"), dir.path().join("windlass.kdl")).unwrap();
    let built = run(windlass(dir.path()).args(["build", "-o", "out"]));
    assert_eq!(built.status.code(), Some(0), "{}", text(&built.stderr));
    std::fs::copy(fixture(scenario, "after"), dir.path().join("windlass.kdl")).unwrap();
    dir
}

#[test]
fn help_shows_the_options() {
    settings().bind(|| {
        assert_cmd_snapshot!(
            "cli_diff__help",
            windlass(&common::root()).args(["diff", "--help"])
        );
    });
}

#[test]
fn exit_codes() {
    let code = |dir: &Path, args: &[&str]| run(windlass(dir).arg("diff").args(args)).status.code();
    // No change.
    let same = project("rollout");
    std::fs::copy(
        fixture("rollout", "before"),
        same.path().join("windlass.kdl"),
    )
    .unwrap();
    assert_eq!(code(same.path(), &["--against", "out"]), Some(0));
    assert_eq!(
        code(same.path(), &["--against", "out", "--exit-code"]),
        Some(0)
    );
    // Changes, nothing dangerous.
    let rollout = project("rollout");
    assert_eq!(code(rollout.path(), &["--against", "out"]), Some(0));
    assert_eq!(
        code(rollout.path(), &["--against", "out", "--exit-code"]),
        Some(1)
    );
    // Breaking and data loss.
    for scenario in ["breaking-statefulset", "data-loss-database"] {
        let dangerous = project(scenario);
        assert_eq!(
            code(dangerous.path(), &["--against", "out"]),
            Some(3),
            "{scenario}"
        );
        assert_eq!(
            code(dangerous.path(), &["--against", "out", "--exit-code"]),
            Some(3)
        );
        assert_eq!(
            code(dangerous.path(), &["--against", "out", "--allow-dangerous"]),
            Some(0)
        );
        let both = ["--against", "out", "--allow-dangerous", "--exit-code"];
        assert_eq!(code(dangerous.path(), &both), Some(1));
    }
    // Could not run.
    assert_eq!(code(rollout.path(), &["--against", "missing"]), Some(2));
    assert_eq!(code(rollout.path(), &[]), Some(2));
    assert_eq!(
        code(rollout.path(), &["--against", "out", "--base", "HEAD"]),
        Some(2)
    );
    assert_eq!(
        code(rollout.path(), &["--against", "out", "--format", "yaml"]),
        Some(2)
    );
    // The description has errors.
    std::fs::copy(
        common::root().join("tests/fixtures/cli/broken.kdl"),
        rollout.path().join("windlass.kdl"),
    )
    .unwrap();
    assert_eq!(code(rollout.path(), &["--against", "out"]), Some(1));
}

#[test]
fn human_output_and_the_dangerous_exit() {
    let dir = project("breaking-statefulset");
    settings().bind(|| {
        assert_cmd_snapshot!(
            "cli_diff__breaking",
            windlass(dir.path()).args(["diff", "--against", "out"])
        );
    });
}

#[test]
fn formats_print_the_same_report() {
    let dir = project("attention-exposure");
    let json = run(windlass(dir.path()).args(["diff", "--against", "out", "--format", "json"]));
    assert_eq!(json.status.code(), Some(0), "{}", text(&json.stderr));
    assert!(json.stderr.is_empty(), "{}", text(&json.stderr));
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(report["summary"]["classes"]["attention"], 4);
    for change in report["changes"].as_array().unwrap() {
        for field in ["resource", "path", "old", "new", "class", "reason"] {
            assert!(change.get(field).is_some(), "{field} missing in {change}");
        }
    }
    let markdown =
        run(windlass(dir.path()).args(["diff", "--against", "out", "--format", "markdown"]));
    let markdown = text(&markdown.stdout);
    assert!(
        markdown.starts_with("<!-- windlass-diff -->\n### Windlass diff\n"),
        "{markdown}"
    );
    assert_eq!(markdown.matches("<details>").count(), 3);
    assert_eq!(markdown.matches("</details>").count(), 3);
    let human = text(&run(windlass(dir.path()).args(["diff", "--against", "out"])).stdout);
    assert!(
        human.starts_with("windlass diff: 2 added, 1 changed; 7 unchanged\n"),
        "{human}"
    );
    assert!(!human.contains('\x1b'), "NO_COLOR and a pipe: no colour");
}

#[test]
fn against_a_directory_a_stream_or_stdin() {
    let dir = project("rollout");
    let root = dir.path();
    // The directory holds more than manifests: a README, a subdirectory, a kustomization.
    std::fs::write(root.join("out/README.md"), "notes\n").unwrap();
    std::fs::create_dir(root.join("out/overlay")).unwrap();
    std::fs::write(root.join("out/overlay/extra.yaml"), "not: [read\n").unwrap();
    let from_dir = run(windlass(root).args(["diff", "--against", "out", "--format", "json"]));
    assert_eq!(
        from_dir.status.code(),
        Some(0),
        "{}",
        text(&from_dir.stderr)
    );

    // The same output as one YAML stream, as a JSON List, and on stdin.
    std::fs::copy(fixture("rollout", "before"), root.join("before.kdl")).unwrap();
    let stream = run(windlass(root).args(["build", "before.kdl"]));
    std::fs::write(root.join("previous.yaml"), &stream.stdout).unwrap();
    let json = run(windlass(root).args(["build", "before.kdl", "--format", "json"]));
    std::fs::write(root.join("previous.json"), &json.stdout).unwrap();
    for against in ["previous.yaml", "previous.json"] {
        // Where the output is applied from is the one thing the files do not say.
        let out = run(windlass(root).args([
            "diff",
            "--against",
            against,
            "--apply-dir",
            "out",
            "--format",
            "json",
        ]));
        assert_eq!(
            text(&out.stdout),
            text(&from_dir.stdout),
            "{against}: {}",
            text(&out.stderr)
        );
    }
    let piped = common::run_with_input(
        windlass(root).args([
            "diff",
            "--against",
            "-",
            "--apply-dir",
            "out",
            "--format",
            "json",
        ]),
        &stream.stdout,
    );
    assert_eq!(text(&piped.stdout), text(&from_dir.stdout));
}

#[test]
fn unreadable_previous_output_is_exit_2() {
    let dir = project("rollout");
    let root = dir.path();
    std::fs::write(
        root.join("bad.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\nkind: [oops\n",
    )
    .unwrap();
    std::fs::write(root.join("notk8s.yaml"), "replicas: 3\n").unwrap();
    std::fs::create_dir(root.join("twice")).unwrap();
    let map = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: shop\n";
    std::fs::write(root.join("twice/a.yaml"), map).unwrap();
    std::fs::write(root.join("twice/b.yml"), map).unwrap();
    settings().bind(|| {
        assert_cmd_snapshot!(
            "cli_diff__bad_yaml",
            windlass(root).args(["diff", "--against", "bad.yaml"])
        );
        assert_cmd_snapshot!(
            "cli_diff__not_an_object",
            windlass(root).args(["diff", "--against", "notk8s.yaml"])
        );
        assert_cmd_snapshot!(
            "cli_diff__duplicate",
            windlass(root).args(["diff", "--against", "twice"])
        );
        assert_cmd_snapshot!(
            "cli_diff__missing",
            windlass(root).args(["diff", "--against", "nowhere"])
        );
    });
}

/// Runs git in `dir` and fails the test when it fails.
fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=Windlass Test",
            "-c",
            "user.email=test@example.com",
        ])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {}", text(&out.stderr));
}

#[test]
fn base_compiles_the_description_at_a_git_revision() {
    if common::external_tool("git").is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let app = root.join("app");
    std::fs::create_dir_all(app.join("components")).unwrap();
    // An imported component, so the base revision's imports are read from git too.
    let component = |image: &str| {
        format!(
            "component api kind=service {{\n    image \"{{name}}:{image}\"\n    port 8080\n}}\n"
        )
    };
    std::fs::write(app.join("components/api.kdl"), component("1.0.0")).unwrap();
    let description = "import \"components/api.kdl\"\napp shop {\n    use api orders\n    service billing {\n        image \"billing:1.0.0\"\n        port 8080\n    }\n}\n";
    std::fs::write(app.join("windlass.kdl"), description).unwrap();
    git(root, &["init", "--quiet"]);
    git(root, &["add", "."]);
    git(root, &["commit", "--quiet", "-m", "first"]);
    git(root, &["tag", "v1"]);

    // The working tree changes both files: the base must read both from git, not from disk.
    std::fs::write(app.join("components/api.kdl"), component("1.1.0")).unwrap();
    std::fs::write(
        app.join("windlass.kdl"),
        description.replace("billing:1.0.0", "billing:0.9.0"),
    )
    .unwrap();
    let out = run(windlass(&app).args(["diff", "--base", "v1", "--format", "json"]));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let images: Vec<(String, String)> = report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["path"].as_str().unwrap().ends_with("].image"))
        .map(|c| {
            (
                c["old"].as_str().unwrap().to_owned(),
                c["new"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        images,
        [
            ("billing:1.0.0".to_owned(), "billing:0.9.0".to_owned()),
            ("orders:1.0.0".to_owned(), "orders:1.1.0".to_owned()),
        ]
    );
    // From the repository root, with the description's path: the same report.
    let from_root = run(windlass(root).args([
        "diff",
        "app/windlass.kdl",
        "--base",
        "v1",
        "--format",
        "json",
    ]));
    assert_eq!(from_root.stdout, out.stdout, "{}", text(&from_root.stderr));
    // The working tree as committed: no change.
    git(root, &["commit", "--quiet", "-am", "second"]);
    let same = run(windlass(&app).args(["diff", "--base", "HEAD", "--exit-code"]));
    assert_eq!(same.status.code(), Some(0), "{}", text(&same.stderr));

    // A revision whose description does not compile is exit 1, and says which side.
    std::fs::write(app.join("windlass.kdl"), "app shop {\n").unwrap();
    git(root, &["commit", "--quiet", "-am", "broken"]);
    std::fs::write(app.join("windlass.kdl"), description).unwrap();
    // A description that did not exist at a revision: everything is new.
    std::fs::write(app.join("new.kdl"), description).unwrap();
    settings().bind(|| {
        assert_cmd_snapshot!(
            "cli_diff__base_with_errors",
            windlass(&app).args(["diff", "--base", "HEAD"])
        );
        assert_cmd_snapshot!(
            "cli_diff__base_unknown_revision",
            windlass(&app).args(["diff", "--base", "no-such-branch"])
        );
        assert_cmd_snapshot!(
            "cli_diff__base_new_file",
            windlass(&app).args(["diff", "new.kdl", "--base", "v1", "--format", "markdown"])
        );
    });
}

#[test]
fn base_outside_a_repository_is_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        fixture("rollout", "before"),
        dir.path().join("windlass.kdl"),
    )
    .unwrap();
    let out = run(windlass(dir.path())
        .args(["diff", "--base", "main"])
        .env("GIT_CEILING_DIRECTORIES", dir.path().parent().unwrap()));
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("--base needs a git repository"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn build_out_says_what_changed_since_the_last_build() {
    let dir = project("attention-replicas");
    let out = run(windlass(dir.path()).args(["build", "-o", "out"]));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    let since = |stderr: &str| {
        stderr
            .lines()
            .find(|l| l.starts_with("since the last build"))
            .unwrap_or_default()
            .to_owned()
    };
    assert!(
        since(&stderr).starts_with("since the last build in out: 2 changed; "),
        "{stderr}"
    );
    // Then how to apply it, deleting what is no longer written.
    assert_eq!(
        stderr.lines().last(),
        Some(
            "apply, deleting what is no longer written: KUBECTL_APPLYSET=true kubectl apply -k out --prune --applyset=windlass-shop -n shop"
        ),
        "{stderr}"
    );
    let again = text(&run(windlass(dir.path()).args(["build", "-o", "out"])).stderr);
    assert!(
        since(&again).starts_with("since the last build in out: no changes; "),
        "{again}"
    );
    // The first build into a new directory says nothing about changes.
    let first = text(&run(windlass(dir.path()).args(["build", "-o", "fresh"])).stderr);
    assert!(!first.contains("since the last build"), "{first}");
}

#[test]
fn env_compares_one_environment_on_both_sides() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let description = |replicas: u32, staging: bool| {
        let mut text = format!(
            "app shop {{\n    service orders {{\n        image \"orders:3.1.0\"\n        replicas 2\n        port 8080\n    }}\n}}\n\nenvironment prod {{\n    namespace shop-prod\n    service orders replicas={replicas}\n}}\n"
        );
        if staging {
            text.push_str("\nenvironment staging {\n    namespace shop-staging\n}\n");
        }
        text
    };
    std::fs::write(root.join("windlass.kdl"), description(4, false)).unwrap();
    let built = run(windlass(root).args(["build", "--env", "prod", "-o", "out"]));
    assert_eq!(built.status.code(), Some(0), "{}", text(&built.stderr));
    std::fs::write(root.join("windlass.kdl"), description(3, false)).unwrap();
    let out = run(windlass(root).args([
        "diff",
        "--env",
        "prod",
        "--against",
        "out",
        "--format",
        "json",
    ]));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let changes = report["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 1, "{report:#}");
    assert_eq!(changes[0]["resource"]["namespace"], "shop-prod");
    assert_eq!(changes[0]["path"], "spec.replicas");
    assert_eq!(changes[0]["class"], "attention");
    // The base app, against the prod output: another namespace, so all of it is different.
    let base_app = run(windlass(root).args(["diff", "--against", "out", "--format", "json"]));
    let base_app: serde_json::Value = serde_json::from_slice(&base_app.stdout).unwrap();
    assert_ne!(
        base_app["summary"]["unchanged"],
        report["summary"]["unchanged"]
    );
    let unknown = run(windlass(root).args(["diff", "--env", "qa", "--against", "out"]));
    assert_eq!(unknown.status.code(), Some(2), "{}", text(&unknown.stderr));

    if common::external_tool("git").is_none() {
        return;
    }
    git(root, &["init", "--quiet"]);
    git(root, &["add", "windlass.kdl"]);
    git(root, &["commit", "--quiet", "-m", "first"]);
    std::fs::write(root.join("windlass.kdl"), description(3, true)).unwrap();
    let staging = run(windlass(root).args(["diff", "--env", "staging", "--base", "HEAD"]));
    assert_eq!(staging.status.code(), Some(0), "{}", text(&staging.stderr));
    assert_eq!(
        text(&staging.stderr),
        "note: environment `staging` of windlass.kdl does not exist at HEAD; everything is new\n"
    );
    let prod = run(windlass(root).args(["diff", "--env", "prod", "--base", "HEAD", "--exit-code"]));
    assert_eq!(
        prod.status.code(),
        Some(0),
        "prod did not change: {}",
        text(&prod.stdout)
    );
}

/// A description whose environments change what the base app does not: prod's database volume.
fn environments_description(prod_size: &str, staging: bool) -> String {
    let mut text = format!(
        "app shop {{\n    service orders {{\n        image \"orders:3.1.0\"\n        port 8080\n    }}\n    database mysql engine=mysql storage=\"10Gi\"\n}}\n\nenvironment prod {{\n    namespace shop-prod\n    database mysql storage=\"{prod_size}\"\n}}\n"
    );
    if staging {
        text.push_str("\nenvironment staging {\n    namespace shop-staging\n}\n");
    }
    text
}

#[test]
fn diff_covers_the_base_app_and_every_environment() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(
        root.join("windlass.kdl"),
        environments_description("200Gi", true),
    )
    .unwrap();
    // Against a `build --all-envs` directory: each environment against its folder.
    let built = run(windlass(root).args(["build", "--all-envs", "-o", "out"]));
    assert_eq!(built.status.code(), Some(0), "{}", text(&built.stderr));
    std::fs::write(
        root.join("windlass.kdl"),
        environments_description("100Gi", true),
    )
    .unwrap();
    let out = run(windlass(root).args(["diff", "--against", "out", "--format", "json"]));
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let sections: Vec<&serde_json::Value> = report["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| &s["environment"])
        .collect();
    assert_eq!(sections, ["prod", "staging"], "{report:#}");
    let changes = report["changes"].as_array().unwrap();
    assert!(!changes.is_empty());
    assert!(
        changes
            .iter()
            .all(|c| c["environment"] == "prod" && c["class"] == "data-loss"),
        "{report:#}"
    );
    assert_eq!(
        report["sections"][0]["apply"]["command"],
        "KUBECTL_APPLYSET=true kubectl apply -k out/prod --prune --applyset=windlass-shop-prod -n shop-prod"
    );
    // --env narrows it.
    let staging =
        run(windlass(root).args(["diff", "--env", "staging", "--against", "out/staging"]));
    assert_eq!(staging.status.code(), Some(0), "{}", text(&staging.stderr));

    if common::external_tool("git").is_none() {
        return;
    }
    std::fs::write(
        root.join("windlass.kdl"),
        environments_description("200Gi", true),
    )
    .unwrap();
    git(root, &["init", "--quiet"]);
    git(root, &["add", "windlass.kdl"]);
    git(root, &["commit", "--quiet", "-m", "first"]);
    // Only prod's volume shrinks, and staging is removed: the README's CI recipe (`--base`, no
    // `--env`) must see both.
    std::fs::write(
        root.join("windlass.kdl"),
        environments_description("100Gi", false),
    )
    .unwrap();
    let human = run(windlass(root).args(["diff", "--base", "HEAD"]));
    assert_eq!(human.status.code(), Some(3), "{}", text(&human.stdout));
    let shown = text(&human.stdout);
    assert!(
        shown.starts_with("windlass diff: the app and 2 environments: "),
        "{shown}"
    );
    assert!(
        shown.contains("── environment `prod`: 1 changed"),
        "{shown}"
    );
    assert!(shown.contains("shrunk from 200Gi to 100Gi"), "{shown}");
    assert!(
        shown.contains("── environment `staging`: ") && shown.contains("removed"),
        "{shown}"
    );
    let markdown = run(windlass(root).args(["diff", "--base", "HEAD", "--format", "markdown"]));
    assert_eq!(markdown.status.code(), Some(3));
    let markdown = text(&markdown.stdout);
    assert!(markdown.contains("| env `prod` |"), "{markdown}");
    assert!(
        markdown.contains("🔥 **data loss** in environment `prod`"),
        "{markdown}"
    );
    let base_only =
        run(windlass(root).args(["diff", "--base", "HEAD", "--env", "prod", "--exit-code"]));
    assert_eq!(base_only.status.code(), Some(3));
}

/// Against an earlier build, objects that did not change are never parsed — unless a change
/// needs them: the callers of a Service whose port moved are found among them.
#[test]
fn callers_are_found_among_unchanged_objects() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let app = |port: u32| {
        format!(
            "app shop {{\n    service web {{\n        image \"web:1.0.0\"\n        port 80\n        env ORDERS_HOST=\"orders\"\n    }}\n    service orders {{\n        image \"orders:1.0.0\"\n        port 8080 service-port={port}\n    }}\n}}\n"
        )
    };
    std::fs::write(root.join("windlass.kdl"), app(8080)).unwrap();
    let built = run(windlass(root).args(["build", "-o", "out"]));
    assert_eq!(built.status.code(), Some(0), "{}", text(&built.stderr));
    std::fs::write(root.join("windlass.kdl"), app(9090)).unwrap();
    let out = run(windlass(root).args(["diff", "--against", "out", "--format", "json"]));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let removed = report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| {
            c["path"]
                .as_str()
                .is_some_and(|p| p.starts_with("spec.ports[8080"))
        })
        .expect("port 8080 is no longer published");
    assert!(
        removed["advice"]
            .as_str()
            .unwrap_or_default()
            .contains("`Deployment shop/web` (env `ORDERS_HOST`)"),
        "{removed:#}"
    );
    // The caller itself is unchanged: it is not in the report.
    assert!(
        !report["changes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["resource"]["name"] == "web"),
        "{report:#}"
    );
}
