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
        (vec!["set-image", "orders"], 2, "WORKLOAD=TAG"),
        (
            vec!["set-image", "orders=3.2.0", "--env", "staging"],
            2,
            "no environment `staging`",
        ),
        (vec!["set-image", "orders=3.2.0!"], 1, "invalid tag"),
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
