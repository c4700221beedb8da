//! HTTPRoutes (`gateway.networking.k8s.io/v1`): their shape, the canary's backend weights, and
//! validation against the Gateway API's own schema (the validators `@kubernetes-models/gateway-api`
//! compiles from the upstream CRDs, installed by scripts/test.sh). Under CI=true a missing
//! validator fails the test instead of skipping it.

#![allow(
    clippy::disallowed_methods,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests read fixtures, write temporary directories, and fail loudly"
)]

mod common;

use std::collections::BTreeSet;
use std::process::Command;

const APP: &str = r#"
app shop {
    namespace shop
    default-gateway public namespace=infra
    frontend web {
        image "web:1.4.0"
        port 8080
        expose http-route host="shop.example.com"
        route "/api" to=orders
        canary tag="1.5.0" weight=10
    }
    service orders {
        image "orders:3.1.0"
        port 8080
        expose http-route gateway=internal host="orders.shop.internal" path="/orders" section=http
    }
}
"#;

fn routes() -> Vec<serde_json::Value> {
    let c = common::compile_text("gateway.kdl", APP);
    assert!(!c.has_errors(), "{}", common::rendered(&c));
    c.manifests()
        .iter()
        .filter(|m| m.object["kind"] == "HTTPRoute")
        .map(|m| m.object.clone())
        .collect()
}

#[test]
fn an_http_route_attaches_to_its_gateway_and_splits_the_canary_by_weight() {
    let routes = routes();
    assert_eq!(routes.len(), 2);
    let web = &routes[0];
    assert_eq!(web["apiVersion"], "gateway.networking.k8s.io/v1");
    assert_eq!(
        web["spec"]["parentRefs"],
        serde_json::json!([{"name": "public", "namespace": "infra"}])
    );
    assert_eq!(
        web["spec"]["hostnames"],
        serde_json::json!(["shop.example.com"])
    );
    let rules = web["spec"]["rules"].as_array().unwrap();
    assert_eq!(
        rules[0]["matches"][0]["path"],
        serde_json::json!({"type": "PathPrefix", "value": "/"})
    );
    assert_eq!(
        rules[0]["backendRefs"],
        serde_json::json!([{"name": "web", "port": 8080, "weight": 90}, {"name": "web-canary", "port": 8080, "weight": 10}])
    );
    assert_eq!(rules[1]["matches"][0]["path"]["value"], "/api");
    assert_eq!(
        rules[1]["backendRefs"],
        serde_json::json!([{"name": "orders", "port": 8080}])
    );
    let orders = &routes[1];
    assert_eq!(
        orders["spec"]["parentRefs"],
        serde_json::json!([{"name": "internal", "sectionName": "http"}])
    );
}

#[test]
fn an_http_route_needs_a_gateway() {
    let text = "app shop {\n    service orders {\n        image \"orders:3.1.0\"\n        port 8080\n        expose http-route host=\"orders.example.com\"\n    }\n}\n";
    let c = common::compile_text("no-gateway.kdl", text);
    assert!(c.has_errors());
    assert!(
        c.diagnostics
            .iter()
            .any(|d| d.code == "missing-value" && d.message.contains("Gateway")),
        "{}",
        common::rendered(&c)
    );
}

/// Every key the emitted HTTPRoutes use is a field of the v1 API (the schema validator below
/// does not reject unknown fields).
#[test]
fn only_fields_of_the_v1_api_are_written() {
    let allowed: BTreeSet<&str> = [
        "apiVersion",
        "kind",
        "metadata",
        "spec",
        "name",
        "namespace",
        "labels",
        "annotations",
        "parentRefs",
        "sectionName",
        "hostnames",
        "rules",
        "matches",
        "path",
        "type",
        "value",
        "backendRefs",
        "port",
        "weight",
    ]
    .into();
    fn keys<'a>(v: &'a serde_json::Value, out: &mut BTreeSet<&'a str>, under_map: bool) {
        match v {
            serde_json::Value::Object(map) => {
                for (k, child) in map {
                    if !under_map {
                        out.insert(k);
                    }
                    keys(child, out, matches!(k.as_str(), "labels" | "annotations"));
                }
            }
            serde_json::Value::Array(items) => items.iter().for_each(|i| keys(i, out, false)),
            _ => {}
        }
    }
    let mut used = BTreeSet::new();
    let routes = routes();
    for r in &routes {
        keys(r, &mut used, false);
    }
    let unknown: Vec<&&str> = used.iter().filter(|k| !allowed.contains(**k)).collect();
    assert!(
        unknown.is_empty(),
        "fields outside the HTTPRoute v1 API: {unknown:?}"
    );
}

#[test]
fn http_routes_pass_the_gateway_api_schema() {
    let package = common::root().join("target/gateway-api");
    let installed = package
        .join("node_modules/@kubernetes-models/gateway-api")
        .is_dir();
    let node = common::external_tool("node");
    if node.is_none() || !installed {
        assert!(
            std::env::var("CI").map_or(true, |v| v != "true"),
            "the Gateway API validator is required when CI=true; scripts/test.sh installs it"
        );
        eprintln!("note: @kubernetes-models/gateway-api not installed; run scripts/test.sh");
        return;
    }
    let mut objects = routes();
    // A route that must fail proves the validator judges.
    let mut broken = objects[0].clone();
    broken["spec"]["hostnames"] = serde_json::json!(["Not A Host"]);
    objects.push(broken);
    let input = package.join("routes.json");
    std::fs::write(&input, serde_json::to_string(&objects).unwrap()).unwrap();
    let script = package.join("validate.mjs");
    std::fs::write(
        &script,
        r#"import { readFileSync } from "node:fs";
import { HTTPRoute } from "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/HTTPRoute";
const routes = JSON.parse(readFileSync(process.argv[2], "utf8"));
for (const r of routes) {
  try { new HTTPRoute(r).validate(); console.log("valid"); }
  catch (e) { console.log("invalid: " + e.message.split("\n")[0]); }
}
"#,
    )
    .unwrap();
    let out = Command::new(node.unwrap())
        .arg(&script)
        .arg(&input)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let verdicts: Vec<&str> = stdout.lines().collect();
    assert_eq!(verdicts.len(), objects.len(), "{stdout}");
    assert!(
        verdicts[..verdicts.len() - 1].iter().all(|v| *v == "valid"),
        "{stdout}"
    );
    assert!(
        verdicts[verdicts.len() - 1].starts_with("invalid"),
        "the broken route must fail: {stdout}"
    );
}
