//! A gateway's routes are the gateway's own routing: exposed through an Ingress or an HTTPRoute,
//! the gateway receives every request on its path and forwards it itself, after its
//! authentication and rate limits. Its Ingress and HTTPRoute send only to the gateway; its routes
//! are edges from the gateway's pods (NetworkPolicy, graph), never paths that skip it. A
//! frontend's routes stay paths of its own Ingress, straight to their targets.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

mod common;

use serde_json::Value;

fn app(expose: &str) -> String {
    format!(
        r#"app shop {{
    network-policy
    gateway edge {{
        image "edge:1.0.0"
        port 8080
        resources cpu="100m" memory="128Mi"
        probe http "/healthz"
        {expose}
        route "/api/device" to=device
        route "/api/orders" to=orders port=9090
    }}
    service device {{
        image "device:1.0.0"
        port 8081
        resources cpu="100m" memory="128Mi"
        probe http "/healthz"
    }}
    service orders {{
        image "orders:1.0.0"
        port 8082
        port 9090 name=admin
        resources cpu="100m" memory="128Mi"
        probe http "/healthz"
    }}
    frontend web {{
        image "web:1.0.0"
        port 8000
        resources cpu="100m" memory="128Mi"
        probe http "/"
        expose ingress host="www.example.com"
        route "/api" to=edge
    }}
}}
"#
    )
}

fn objects(text: &str) -> Vec<Value> {
    let c = common::compile_text("shop.kdl", text);
    assert!(!c.has_errors(), "{}", common::rendered(&c));
    c.manifests().iter().map(|m| m.object.clone()).collect()
}

fn find<'a>(objects: &'a [Value], kind: &str, name: &str) -> &'a Value {
    objects
        .iter()
        .find(|o| o["kind"] == kind && o["metadata"]["name"] == name)
        .unwrap_or_else(|| panic!("no {kind} {name}"))
}

/// Every Service name an Ingress or HTTPRoute sends requests to.
fn backends(object: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for rule in object["spec"]["rules"].as_array().into_iter().flatten() {
        for path in rule["http"]["paths"].as_array().into_iter().flatten() {
            out.push(
                path["backend"]["service"]["name"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
            );
        }
        for backend in rule["backendRefs"].as_array().into_iter().flatten() {
            out.push(backend["name"].as_str().unwrap().to_owned());
        }
    }
    out
}

#[test]
fn an_exposed_gateways_ingress_sends_everything_to_the_gateway() {
    let objects = objects(&app(r#"expose ingress host="api.example.com""#));
    assert_eq!(backends(find(&objects, "Ingress", "edge")), ["edge"]);
    // A frontend's route is still a path of its own Ingress, straight to its target.
    assert_eq!(backends(find(&objects, "Ingress", "web")), ["web", "edge"]);
}

#[test]
fn an_exposed_gateways_http_route_sends_everything_to_the_gateway() {
    let objects = objects(&app(
        r#"expose http-route host="api.example.com" gateway="public""#,
    ));
    assert_eq!(backends(find(&objects, "HTTPRoute", "edge")), ["edge"]);
}

/// The routed services accept their routed port from the gateway's pods, and nothing from the
/// ingress controller's namespace.
#[test]
fn routed_services_are_reached_from_the_gateways_pods_only() {
    let objects = objects(&app(r#"expose ingress host="api.example.com""#));
    for (service, port) in [("device", 8081), ("orders", 9090)] {
        let policy = find(&objects, "NetworkPolicy", service);
        let rules = policy["spec"]["ingress"].as_array().unwrap();
        let from_gateway = rules.iter().any(|rule| {
            let from_edge =
                rule["from"].as_array().into_iter().flatten().any(|peer| {
                    peer["podSelector"]["matchLabels"]["app.kubernetes.io/name"] == "edge"
                });
            let ports: Vec<&Value> = rule["ports"].as_array().into_iter().flatten().collect();
            from_edge && ports.iter().any(|p| p["port"] == port)
        });
        assert!(from_gateway, "{service}: {policy:#}");
        let from_namespaces = rules
            .iter()
            .flat_map(|rule| rule["from"].as_array().into_iter().flatten())
            .any(|peer| peer.get("namespaceSelector").is_some());
        assert!(
            !from_namespaces,
            "{service} is reachable past the gateway: {policy:#}"
        );
    }
}

#[test]
fn the_graph_draws_a_gateways_routes_from_the_gateway() {
    let text = app(r#"expose ingress host="api.example.com""#);
    let c = common::compile_text("shop.kdl", &text);
    let graph = windlass::graph::render(c.app.as_ref().unwrap(), windlass::graph::Format::Mermaid);
    let edges: Vec<&str> = graph
        .lines()
        .map(str::trim)
        .filter(|l| l.contains("-->"))
        .collect();
    for expected in [
        r#"ingress_edge -->|"/"| w_edge"#,
        r#"w_edge -->|"/api/device"| w_device"#,
        r#"w_edge -->|"/api/orders"| w_orders"#,
        r#"ingress_web -->|"/api"| w_edge"#,
    ] {
        assert!(edges.contains(&expected), "no `{expected}` in\n{graph}");
    }
    let past_the_gateway = edges
        .iter()
        .filter(|e| e.starts_with("ingress_edge"))
        .count();
    assert_eq!(past_the_gateway, 1, "{graph}");
}
