//! Releases: `set-image` edits the description in place (byte-identical but for the tag),
//! refuses tags that go backwards or `latest`, and round-trips through `build`; canaries split
//! traffic by nginx canary weight or by replica ratio.

#![allow(
    clippy::disallowed_methods,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests read fixtures, write temporary directories, and fail loudly"
)]

mod common;

use std::path::Path;
use std::process::{Command, Output};

const SHOP: &str = r#"// The shop, with a comment the edit must keep.
app shop {
    namespace shop
    registry "registry.example.com/shop"
    frontend web {
        image "web:1.4.0"   // pinned by the release train
        port 80
        expose ingress host="shop.example.com"
        route "/api" to=orders
    }
    service orders {
        image "orders:3.1.0"
        replicas 4
        port 8080
    }
    database db engine=postgres storage="10Gi"
}

environment prod {
    namespace shop-prod
    service orders replicas=6
}
"#;

fn windlass(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_windlass"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap()
}

fn shop() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("windlass.kdl"), SHOP).unwrap();
    dir
}

fn image_of(dir: &Path, args: &[&str], deployment: &str) -> String {
    let out = windlass(dir, &[&["build"], args].concat());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let yaml = String::from_utf8(out.stdout).unwrap();
    let docs = common::yaml_documents(&yaml);
    let d = docs
        .iter()
        .find(|d| d["kind"] == "Deployment" && d["metadata"]["name"] == deployment)
        .unwrap();
    d["spec"]["template"]["spec"]["containers"][0]["image"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn set_image_changes_only_the_tag_and_builds() {
    let dir = shop();
    let out = windlass(dir.path(), &["set-image", "orders=3.2.0"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let after = std::fs::read_to_string(dir.path().join("windlass.kdl")).unwrap();
    assert_eq!(after, SHOP.replace("orders:3.1.0", "orders:3.2.0"));
    assert_eq!(
        image_of(dir.path(), &[], "orders"),
        "registry.example.com/shop/orders:3.2.0"
    );
    let out = windlass(dir.path(), &["set-image", "web=1.5.0"]);
    assert!(out.status.success());
    let after = std::fs::read_to_string(dir.path().join("windlass.kdl")).unwrap();
    assert!(
        after.contains("image \"web:1.5.0\"   // pinned by the release train"),
        "the comment stays: {after}"
    );
}

#[test]
fn set_image_in_an_environment_edits_its_override() {
    let dir = shop();
    let out = windlass(dir.path(), &["set-image", "orders=3.3.0", "--env", "prod"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let after = std::fs::read_to_string(dir.path().join("windlass.kdl")).unwrap();
    assert_eq!(
        after,
        SHOP.replace("replicas=6", "replicas=6 tag=\"3.3.0\"")
    );
    assert_eq!(
        image_of(dir.path(), &["--env", "prod"], "orders"),
        "registry.example.com/shop/orders:3.3.0"
    );
    assert_eq!(
        image_of(dir.path(), &[], "orders"),
        "registry.example.com/shop/orders:3.1.0",
        "the base app keeps its tag"
    );
    let out = windlass(dir.path(), &["set-image", "web=1.5.0", "--env", "prod"]);
    assert!(out.status.success());
    let after = std::fs::read_to_string(dir.path().join("windlass.kdl")).unwrap();
    assert!(
        after.contains(
            "    service orders replicas=6 tag=\"3.3.0\"\n    frontend web tag=\"1.5.0\"\n}"
        ),
        "{after}"
    );
    let out = windlass(dir.path(), &["set-image", "db=16.7"]);
    assert!(out.status.success());
    let after = std::fs::read_to_string(dir.path().join("windlass.kdl")).unwrap();
    assert!(
        after.contains("database db engine=postgres storage=\"10Gi\" version=\"16.7\""),
        "{after}"
    );
}

#[test]
fn set_image_refuses_going_backwards_or_latest_unless_forced() {
    let dir = shop();
    for (assignment, why) in [
        ("orders=3.0.9", "older than the current 3.1.0"),
        ("orders=latest", "`latest` never changes"),
    ] {
        let out = windlass(dir.path(), &["set-image", assignment]);
        assert_eq!(out.status.code(), Some(1), "{assignment}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(why) && stderr.contains("--force"),
            "{stderr}"
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join("windlass.kdl")).unwrap(),
            SHOP,
            "nothing changed"
        );
    }
    let out = windlass(dir.path(), &["set-image", "orders=3.0.9", "--force"]);
    assert!(out.status.success());
    assert_eq!(
        image_of(dir.path(), &[], "orders"),
        "registry.example.com/shop/orders:3.0.9"
    );
}

#[test]
fn set_image_reports_what_cannot_be_done() {
    let dir = shop();
    for (args, code, says) in [
        (
            vec!["set-image", "ordrs=3.2.0"],
            2,
            "did you mean `orders`?",
        ),
        (vec!["set-image", "orders"], 2, "is not NAME=VALUE"),
        (
            vec!["set-image", "orders=3.2.0", "--env", "staging"],
            2,
            "no environment `staging`",
        ),
        (
            vec!["set-image", "orders=3.2.0!"],
            2,
            "`3.2.0!` is not an image tag",
        ),
        (
            vec!["set-image", "orders=3.2.0@sha256:abc"],
            2,
            "64 lower-case hexadecimal digits expected",
        ),
        (
            vec!["set-image", "orders=3.2.0", "--weight", "20"],
            1,
            "--weight is the share of a canary",
        ),
        (
            vec!["canary", "promote", "orders"],
            1,
            "`orders` has no canary",
        ),
        (
            vec!["canary", "abort", "orders"],
            1,
            "`orders` has no canary",
        ),
        (
            vec!["canary", "weight", "orders=25"],
            1,
            "`orders` has no canary",
        ),
        (
            vec!["canary", "start", "orders=3.1.0"],
            1,
            "already run 3.1.0",
        ),
        (
            vec!["canary", "start", "orders=3.0.0"],
            1,
            "older than the stable 3.1.0",
        ),
        (
            vec!["canary", "start", "orders=3.2.0", "--weight", "100"],
            1,
            "a canary weight of 100% makes no sense",
        ),
        (
            vec!["canary", "start", "db=17.0"],
            1,
            "only a frontend, gateway or service has a canary",
        ),
    ] {
        let out = windlass(dir.path(), &args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{args:?}: {stderr}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
        assert_eq!(
            std::fs::read_to_string(dir.path().join("windlass.kdl")).unwrap(),
            SHOP,
            "nothing changed"
        );
    }
}

fn objects(text: &str) -> Vec<serde_json::Value> {
    let c = common::compile_text("canary.kdl", text);
    assert!(!c.has_errors(), "{}", common::rendered(&c));
    c.into_manifests().into_iter().map(|m| m.object).collect()
}

fn find<'a>(
    objects: &'a [serde_json::Value],
    kind: &str,
    name: &str,
) -> Option<&'a serde_json::Value> {
    objects
        .iter()
        .find(|o| o["kind"] == kind && o["metadata"]["name"] == name)
}

#[test]
fn a_canary_behind_nginx_gets_its_weight_from_ingress_nginx() {
    let objects = objects(
        "app shop {\n    ingress-class nginx\n    frontend web {\n        image \"web:1.4.0\"\n        port 80\n        replicas 3\n        expose ingress host=\"shop.example.com\"\n        canary tag=\"1.5.0\" weight=20\n    }\n}\n",
    );
    let canary = find(&objects, "Ingress", "web-canary").unwrap();
    assert_eq!(
        canary["metadata"]["annotations"]["nginx.ingress.kubernetes.io/canary"],
        "true"
    );
    assert_eq!(
        canary["metadata"]["annotations"]["nginx.ingress.kubernetes.io/canary-weight"],
        "20"
    );
    assert_eq!(
        canary["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]["name"],
        "web-canary"
    );
    assert_eq!(
        find(&objects, "Service", "web").unwrap()["spec"]["selector"]["app.kubernetes.io/track"],
        "stable"
    );
    assert_eq!(
        find(&objects, "Service", "web-canary").unwrap()["spec"]["selector"]["app.kubernetes.io/track"],
        "canary"
    );
    let deployment = find(&objects, "Deployment", "web-canary").unwrap();
    assert_eq!(deployment["spec"]["replicas"], 1);
    assert_eq!(
        deployment["spec"]["template"]["spec"]["containers"][0]["image"],
        "web:1.5.0"
    );
    assert_eq!(
        deployment["metadata"]["labels"]["app.kubernetes.io/version"],
        "1.5.0"
    );
    let stable = find(&objects, "Deployment", "web").unwrap();
    assert_eq!(
        stable["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/track"],
        "stable"
    );
    assert_eq!(
        stable["spec"]["selector"]["matchLabels"]["app.kubernetes.io/track"], "stable",
        "the stable Deployment selects its own pods only"
    );
}

/// Adding a canary, and taking it away, changes neither the stable Deployment's selector (which
/// the API server never lets change) nor its pod template (which would restart every pod).
#[test]
fn a_canary_that_comes_or_goes_leaves_the_stable_deployment_alone() {
    let with = |canary: &str| {
        format!(
            "app shop {{\n    service web {{\n        image \"web:1.4.0\"\n        port 8080\n        replicas 4\n        resources cpu=\"100m\" memory=\"128Mi\"\n        {canary}\n    }}\n}}\n"
        )
    };
    let stable = |text: &str| {
        let c = common::compile_text("shop.kdl", text);
        assert!(!c.has_errors(), "{}", common::rendered(&c));
        let objects: Vec<serde_json::Value> =
            c.manifests().iter().map(|m| m.object.clone()).collect();
        let d = find(&objects, "Deployment", "web").unwrap().clone();
        (d["spec"]["selector"].clone(), d["spec"]["template"].clone())
    };
    let without = stable(&with(""));
    for canary in [
        "canary tag=\"1.5.0\" weight=10",
        "canary tag=\"1.5.0\" weight=50 replicas=2",
    ] {
        assert_eq!(stable(&with(canary)), without, "{canary}");
    }
}

#[test]
fn a_canary_without_a_weighted_router_gets_pods_for_its_weight() {
    for (replicas, weight, canary_pods) in
        [(4, 10, 1), (9, 10, 1), (10, 10, 2), (3, 50, 3), (1, 25, 1)]
    {
        let text = format!(
            "app shop {{\n    service orders {{\n        image \"orders:3.1.0\"\n        port 8080\n        replicas {replicas}\n        canary tag=\"3.2.0\" weight={weight}\n    }}\n}}\n"
        );
        let objects = objects(&text);
        let canary = find(&objects, "Deployment", "orders-canary").unwrap();
        assert_eq!(
            canary["spec"]["replicas"], canary_pods,
            "{replicas} stable pods at {weight}%"
        );
        assert!(
            find(&objects, "Service", "orders-canary").is_none(),
            "one Service selects both tracks"
        );
        assert!(
            find(&objects, "Service", "orders").unwrap()["spec"]["selector"]
                .get("app.kubernetes.io/track")
                .is_none()
        );
    }
}

#[test]
fn canaries_pass_strict_schema_validation() {
    let Some(validator) = common::external_tool("kubernetes-validate") else {
        return;
    };
    let text = "app shop {\n    frontend web {\n        image \"web:1.4.0\"\n        port 80\n        expose ingress host=\"shop.example.com\"\n        canary tag=\"1.5.0\" weight=20\n    }\n    service orders {\n        image \"orders:3.1.0\"\n        port 8080\n        canary image=\"orders:3.2.0\" weight=10 replicas=2\n    }\n}\n";
    let c = common::compile_text("canary.kdl", text);
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("canary.yaml");
    std::fs::write(
        &file,
        windlass::render::stream(c.manifests(), windlass::render::Format::Yaml),
    )
    .unwrap();
    let out = Command::new(validator)
        .args(["--strict", "--quiet", "-k", "1.37.0"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_diff_shows_a_promotion_as_such() {
    let canary = "app shop {\n    service orders {\n        image \"orders:3.1.0\"\n        replicas 4\n        port 8080\n        canary tag=\"3.2.0\" weight=10\n    }\n}\n";
    let promoted = canary
        .replace("orders:3.1.0", "orders:3.2.0")
        .replace("        canary tag=\"3.2.0\" weight=10\n", "");
    let abandoned = canary.replace("        canary tag=\"3.2.0\" weight=10\n", "");
    let before = objects(canary);
    for (after, says) in [
        (
            promoted,
            "canary promoted: `orders` now runs its image orders:3.2.0",
        ),
        (abandoned, "removed without promotion"),
    ] {
        let after = objects(&after);
        let report = windlass::diff::diff(&before, &after);
        let removed = report
            .resources
            .iter()
            .find(|r| r.key.name == "orders-canary")
            .unwrap();
        assert!(
            removed.changes.iter().all(|c| c.reason.contains(says)),
            "{:?}",
            removed.changes
        );
        assert!(!report.is_dangerous());
    }
}

/// An environment the description does not declare: a usage error (exit 2, with a suggestion)
/// when the description is sound, and reported beside the description's own errors (exit 1)
/// when it is not, so that those are not hidden.
#[test]
fn an_unknown_environment_does_not_hide_the_descriptions_errors() {
    let dir = shop();
    let sound = windlass(dir.path(), &["check", "--env", "prd"]);
    assert_eq!(sound.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&sound.stderr);
    assert!(
        stderr.contains("has no environment `prd`") && stderr.contains("`prod`"),
        "{stderr}"
    );

    std::fs::write(
        dir.path().join("windlass.kdl"),
        SHOP.replacen("app shop {", "app shop {\n    bogus 1", 1),
    )
    .unwrap();
    let broken = windlass(dir.path(), &["check", "--env", "prd"]);
    assert_eq!(broken.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&broken.stderr);
    assert!(stderr.contains("unknown node `bogus`"), "{stderr}");
    assert!(stderr.contains("no environment `prd`"), "{stderr}");
}

/// In every example and environment, no controller selects another controller's pods, and every
/// Service selects every track of its workload unless it names one.
#[test]
fn controllers_never_select_each_others_pods_in_the_examples() {
    let mut problems = Vec::new();
    let mut canaries = 0;
    for example in common::examples().into_iter().chain(common::forms()) {
        for (env, c) in common::compile_every_env(&example) {
            let objects: Vec<&serde_json::Value> =
                c.manifests().iter().map(|m| &m.object).collect();
            canaries += objects
                .iter()
                .filter(|o| o["metadata"]["labels"]["app.kubernetes.io/track"] == "canary")
                .count();
            for p in common::selectors::problems(&objects) {
                problems.push(format!("{example} {env:?}: {p}"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(
        canaries > 0,
        "the examples have canaries: the check judged them"
    );
}

/// Each canary command, run on a diff fixture's `before.kdl` (as written, with CRLF line ends,
/// and indented with tabs), writes exactly its `after.kdl`: the diff fixtures show what each
/// command does to the cluster, and nothing else in the file moves.
#[test]
fn canary_commands_write_exactly_the_diff_fixtures() {
    let cases: [(&str, &[&str]); 4] = [
        ("canary-start", &["canary", "start", "orders=3.2.0"]),
        ("canary-weight", &["canary", "weight", "orders=25"]),
        ("canary-promote", &["canary", "promote", "orders"]),
        ("canary-abort", &["canary", "abort", "orders"]),
    ];
    for (scenario, args) in cases {
        let fixture = |side: &str| {
            std::fs::read_to_string(
                common::root().join(format!("tests/fixtures/diff/{scenario}/{side}.kdl")),
            )
            .unwrap()
        };
        let before = fixture("before");
        let after: String = fixture("after")
            .lines()
            .filter(|l| !l.starts_with("// expect-class:"))
            .map(|l| format!("{l}\n"))
            .collect();
        let variants = [
            ("lf", before.clone(), after.clone()),
            (
                "crlf",
                before.replace('\n', "\r\n"),
                after.replace('\n', "\r\n"),
            ),
            (
                "tabs",
                before.replace("    ", "\t"),
                after.replace("    ", "\t"),
            ),
        ];
        for (layout, before, after) in variants {
            let dir = tempfile::tempdir().unwrap();
            std::fs::write(dir.path().join("windlass.kdl"), &before).unwrap();
            let out = windlass(dir.path(), args);
            assert_eq!(
                out.status.code(),
                Some(0),
                "{scenario} ({layout}): {}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert_eq!(
                std::fs::read_to_string(dir.path().join("windlass.kdl")).unwrap(),
                after,
                "{scenario} ({layout})"
            );
        }
    }
    // `set-image NAME-canary=TAG --weight W` starts one too, as CI writes it.
    let dir = tempfile::tempdir().unwrap();
    let before =
        std::fs::read_to_string(common::root().join("tests/fixtures/diff/canary-start/before.kdl"))
            .unwrap();
    std::fs::write(dir.path().join("windlass.kdl"), &before).unwrap();
    let out = windlass(
        dir.path(),
        &["set-image", "orders-canary=3.2.0", "--weight", "25"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("windlass.kdl")).unwrap(),
        before.replace(
            "memory=\"256Mi\"\n",
            "memory=\"256Mi\"\n        canary tag=\"3.2.0\" weight=25\n"
        )
    );
}

const PAYMENTS: &str = "// Payments and the report that runs the same image.\r\napp shop {\r\n\tnamespace shop\r\n\tservice payments {\r\n\t\timage \"registry.example/payments:2.0.0\" // pinned\r\n\t\tport 8080\r\n\t}\r\n\tcronjob payments-report {\r\n\t\timage \"registry.example/payments:2.0.0\"\r\n\t\tschedule \"*/5 * * * *\"\r\n\t}\r\n}\r\n";

/// `set-image` by image repository sets every workload that runs it; by workload it refuses
/// to leave another behind unless told; a digest is validated and pinned.
#[test]
fn set_image_by_repository_or_digest_leaves_no_workload_behind() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("windlass.kdl");
    std::fs::write(&file, PAYMENTS).unwrap();
    let read = || std::fs::read_to_string(&file).unwrap();

    let refused = windlass(dir.path(), &["set-image", "payments=2.1.0"]);
    assert_eq!(refused.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("`registry.example/payments` also runs in cronjob `payments-report`"),
        "{stderr}"
    );
    assert_eq!(read(), PAYMENTS, "nothing changed");

    let by_repo = windlass(
        dir.path(),
        &["set-image", "registry.example/payments=2.1.0"],
    );
    assert!(
        by_repo.status.success(),
        "{}",
        String::from_utf8_lossy(&by_repo.stderr)
    );
    assert_eq!(read(), PAYMENTS.replace(":2.0.0", ":2.1.0"));

    let digest = format!("sha256:{}", "0123456789abcdef".repeat(4));
    let pinned = windlass(
        dir.path(),
        &["set-image", &format!("payments=@{digest}"), "--only"],
    );
    assert!(
        pinned.status.success(),
        "{}",
        String::from_utf8_lossy(&pinned.stderr)
    );
    let stderr = String::from_utf8_lossy(&pinned.stderr);
    assert!(
        stderr
            .contains("note: cronjob `payments-report` still runs registry.example/payments:2.1.0"),
        "{stderr}"
    );
    assert_eq!(
        read(),
        PAYMENTS.replace(":2.0.0", ":2.1.0").replacen(
            "payments:2.1.0\"",
            &format!("payments:2.1.0@{digest}\""),
            1
        )
    );
    let all = windlass(
        dir.path(),
        &["set-image", &format!("payments=2.2.0@{digest}"), "--all"],
    );
    assert!(
        all.status.success(),
        "{}",
        String::from_utf8_lossy(&all.stderr)
    );
    assert_eq!(
        read(),
        PAYMENTS.replace(":2.0.0", &format!(":2.2.0@{digest}"))
    );
    // The output runs what the description says.
    assert_eq!(
        image_of(dir.path(), &[], "payments"),
        format!("registry.example/payments:2.2.0@{digest}")
    );
}

/// A canary reached only through another workload's route is split exactly where the path can
/// weigh it: a canary Ingress for the same host and path behind an nginx Ingress, backend weights
/// in an HTTPRoute's rule; no replica-ratio note then. Behind a gateway's own routing, the note
/// says what would give an exact split.
#[test]
fn routed_canaries_are_split_exactly() {
    let c = common::compile_file("tests/fixtures/forms/routed-canary.kdl");
    assert!(!c.has_errors(), "{}", common::rendered(&c));
    assert!(
        !c.diagnostics
            .iter()
            .any(|d| d.code == "canary-replica-ratio"),
        "{}",
        common::rendered(&c)
    );
    let objects: Vec<serde_json::Value> = c.manifests().iter().map(|m| m.object.clone()).collect();
    let find = |kind: &str, name: &str| {
        objects
            .iter()
            .find(|o| o["kind"] == kind && o["metadata"]["name"] == name)
            .unwrap_or_else(|| panic!("{kind} {name}"))
    };
    let canary_ingress = find("Ingress", "orders-canary");
    assert_eq!(
        canary_ingress["metadata"]["annotations"]["nginx.ingress.kubernetes.io/canary-weight"],
        "10"
    );
    let rule = &canary_ingress["spec"]["rules"][0];
    assert_eq!(rule["host"], "shop.example.com");
    assert_eq!(rule["http"]["paths"][0]["path"], "/api");
    assert_eq!(
        rule["http"]["paths"][0]["backend"]["service"]["name"],
        "orders-canary"
    );
    // The main Ingress keeps sending /api to the stable Service, which selects the stable track.
    let web = find("Ingress", "web");
    assert_eq!(
        web["spec"]["rules"][0]["http"]["paths"][1]["backend"]["service"]["name"],
        "orders"
    );
    assert_eq!(
        find("Service", "orders")["spec"]["selector"]["app.kubernetes.io/track"],
        "stable"
    );
    assert_eq!(
        find("Service", "orders-canary")["spec"]["selector"]["app.kubernetes.io/track"],
        "canary"
    );
    // One canary pod beside a weighted split.
    assert_eq!(find("Deployment", "orders-canary")["spec"]["replicas"], 1);

    let route = find("HTTPRoute", "admin");
    let backends = &route["spec"]["rules"][1]["backendRefs"];
    assert_eq!(backends[0]["name"], "reports");
    assert_eq!(backends[0]["weight"], 80);
    assert_eq!(backends[1]["name"], "reports-canary");
    assert_eq!(backends[1]["weight"], 20);

    // Behind a gateway, no Ingress sees the path to `orders`: the note says what would.
    let gateway = "app shop {\n    gateway api {\n        image \"api:1.0.0\"\n        port 8080\n        expose ingress host=\"api.example.com\"\n        route \"/orders\" to=orders\n    }\n    service orders {\n        image \"orders:3.1.0\"\n        port 8080\n        replicas 4\n        canary tag=\"3.2.0\" weight=10\n    }\n}\n";
    let c = common::compile_text("gateway.kdl", gateway);
    let note = c
        .diagnostics
        .iter()
        .find(|d| d.code == "canary-replica-ratio")
        .expect("the replica-ratio note");
    let help = note.help.as_deref().unwrap_or_default();
    assert!(help.contains("routing of gateway `api`"), "{help}");
}
