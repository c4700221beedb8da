//! Versions behind one Service across environments: an environment's block over a version's,
//! and a version only one environment runs. (`tests/fixtures/forms/kept.kdl` snapshots every
//! kept form; `tests/fixtures/diff/breaking-kept-selector` shows `diff` on a kept selector.)

#![allow(
    clippy::disallowed_methods,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests read fixtures and fail loudly"
)]

mod common;

use serde_json::Value;

const VERSIONED: &str = r#"app shop {
    service reviews {
        selector app=reviews
        image "reviews:1.0.0"
        port 9080
        resources cpu="100m" memory="128Mi"
        version v1
        version v2 { image "reviews:2.0.0"; }
    }
}
environment prod {
    service reviews {
        version v2 {
            replicas 3
        }
        version v3 { image "reviews:3.0.0"; }
    }
}
"#;

fn deployments(env: Option<&str>) -> Vec<Value> {
    let c = windlass::compile(
        windlass::Input::new(
            "versions.kdl",
            std::path::Path::new("versions.kdl"),
            VERSIONED.to_owned(),
        ),
        &windlass::Options {
            env: env.map(str::to_owned),
            ..windlass::Options::default()
        },
        &common::NoFiles,
    );
    assert!(!c.has_errors(), "{}", common::rendered(&c));
    c.manifests()
        .iter()
        .filter(|m| m.object["kind"] == "Deployment")
        .map(|m| m.object.clone())
        .collect()
}

#[test]
fn an_environment_overrides_a_version_and_adds_one() {
    let names = |ds: &[Value]| -> Vec<String> {
        ds.iter()
            .map(|d| d["metadata"]["name"].as_str().unwrap().to_owned())
            .collect()
    };
    let base = deployments(None);
    assert_eq!(names(&base), ["reviews-v1", "reviews-v2"]);
    let prod = deployments(Some("prod"));
    assert_eq!(names(&prod), ["reviews-v1", "reviews-v2", "reviews-v3"]);
    assert_eq!(prod[1]["spec"]["replicas"], 3);
    assert_eq!(base[1]["spec"]["replicas"], 1);
    assert_eq!(
        prod[2]["spec"]["template"]["spec"]["containers"][0]["image"],
        "reviews:3.0.0"
    );
    // Every version's selector is the kept one and its version; none finds another's pods.
    for d in &prod {
        let selector = &d["spec"]["selector"]["matchLabels"];
        assert_eq!(selector["app"], "reviews");
        assert_eq!(
            selector["version"],
            d["spec"]["template"]["metadata"]["labels"]["version"]
        );
    }
    let objects: Vec<&Value> = prod.iter().collect();
    assert!(common::selectors::problems(&objects).is_empty());
}
