//! NetworkPolicies from the graph, judged by what they allow rather than how they are written: a
//! small evaluator of NetworkPolicy semantics computes every (source, destination, port) the
//! emitted policies let through, and that set must equal the one the description's edges,
//! exposure, DNS and StatefulSet peers call for — every edge allowed, nothing else. Then strict
//! schema validation, and a snapshot of one policy set.

#![allow(
    clippy::disallowed_methods,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests read fixtures, write temporary directories, and fail loudly"
)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value;
use windlass::Compilation;
use windlass::model::{App, Exposure, PortRef, Protocol, Workload};
use windlass::render::{self, Format};

/// Every kind of edge and exposure: an Ingress whose route goes straight to the gateway, routes
/// to a named port, `uses` of multi-port and UDP targets, a NodePort and a load balancer on
/// workloads with a second port, a stateful workload without ports, a job, a cronjob, and a
/// `uses` of a job (an ordering dependency, no traffic).
const EDGES: &str = r#"app shop {
    namespace shop
    network-policy

    frontend web {
        image "web:1.0.0"
        port 8080
        expose ingress host="shop.example.com" tls="shop-tls"
        route "/api" to=gateway
    }
    gateway gateway {
        image "gateway:1.0.0"
        port 8080
        port 9090 name=admin
        route "/orders" to=orders
        route "/stock" to=stock port=grpc
        uses cache
    }
    service orders {
        image "orders:1.0.0"
        port 8080
        port 9100 name=metrics
        uses orders-db telemetry
    }
    service stock {
        image "stock:1.0.0"
        port 8080
        port 9090 name=grpc
        expose nodeport port=30090
        uses orders-db
    }
    frontend status {
        image "status:1.0.0"
        port 3000
        port 3001 name=debug
        expose load-balancer port=80
        route "/api" to=gateway
        uses orders
    }
    service telemetry {
        image "telemetry:1.0.0"
        port 4317 name=otlp
        port 8125 name=statsd protocol=UDP
    }
    stateful queue {
        image "queue:1.0.0"
        volume data path="/data" size="1Gi"
    }
    database orders-db engine=postgres storage="5Gi"
    database cache engine=redis storage="1Gi"
    job migrate {
        image "migrate:1.0.0"
        uses orders-db
    }
    cronjob report {
        image "report:1.0.0"
        schedule "0 3 * * *"
        uses orders queue migrate
    }
}
"#;

/// A port and its protocol, as a NetworkPolicy sees them.
type Port = (u16, &'static str);

/// Ports nobody declares, tried on every workload: only an any-port rule lets them through.
const UNDECLARED: [Port; 2] = [(1, "TCP"), (1, "UDP")];

/// One end of a connection.
#[derive(Clone, Debug)]
enum End {
    /// A pod in a namespace, with its labels.
    Pod {
        namespace: String,
        labels: BTreeMap<String, String>,
    },
    /// An address outside the cluster.
    Outside,
}

impl End {
    fn pod(namespace: &str, labels: &[(&str, &str)]) -> End {
        End::Pod {
            namespace: namespace.to_owned(),
            labels: labels
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        }
    }
}

/// Whether a `matchLabels` selector matches `labels`; the policies use nothing else.
fn selects(selector: &Value, labels: &BTreeMap<String, String>) -> bool {
    assert!(
        selector.get("matchExpressions").is_none(),
        "the evaluator knows matchLabels only: {selector}"
    );
    selector
        .get("matchLabels")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .all(|(k, v)| labels.get(k).map(String::as_str) == v.as_str())
}

/// Whether a rule's peer, in a policy of namespace `own`, is `end`.
fn peer_matches(peer: &Value, own: &str, end: &End) -> bool {
    assert!(peer.get("ipBlock").is_none(), "no ipBlock expected: {peer}");
    let End::Pod { namespace, labels } = end else {
        return false;
    };
    let namespace_ok = match peer.get("namespaceSelector") {
        Some(selector) => selects(
            selector,
            &BTreeMap::from([("kubernetes.io/metadata.name".to_owned(), namespace.clone())]),
        ),
        None => namespace == own,
    };
    let pods_ok = peer.get("podSelector").is_none_or(|s| selects(s, labels));
    namespace_ok && pods_ok
}

/// Whether a rule's `ports` admit `port`.
fn ports_match(ports: Option<&Value>, (number, protocol): Port) -> bool {
    let Some(ports) = ports.and_then(Value::as_array) else {
        return true;
    };
    ports.iter().any(|p| {
        assert!(p.get("endPort").is_none(), "no port ranges expected");
        let proto = p.get("protocol").and_then(Value::as_str).unwrap_or("TCP");
        let n = p.get("port").map(|n| n.as_u64().expect("numeric ports"));
        proto == protocol && n.is_none_or(|n| n == u64::from(number))
    })
}

/// The policies that isolate `end` in `direction` (`Ingress` or `Egress`).
fn isolating<'a>(policies: &'a [Value], end: &End, direction: &str) -> Vec<&'a Value> {
    let End::Pod { namespace, labels } = end else {
        return Vec::new();
    };
    policies
        .iter()
        .filter(|p| p["metadata"]["namespace"].as_str() == Some(namespace))
        .filter(|p| selects(&p["spec"]["podSelector"], labels))
        .filter(|p| {
            p["spec"]["policyTypes"]
                .as_array()
                .unwrap()
                .iter()
                .any(|t| t == direction)
        })
        .collect()
}

/// Whether `direction` of `subject`'s policies lets it talk to `other` on `port`.
fn side_allows(
    policies: &[Value],
    subject: &End,
    other: &End,
    port: Port,
    direction: &str,
) -> bool {
    let (rules, peers) = match direction {
        "Ingress" => ("ingress", "from"),
        _ => ("egress", "to"),
    };
    let isolating = isolating(policies, subject, direction);
    isolating.is_empty()
        || isolating.iter().any(|policy| {
            let own = policy["metadata"]["namespace"].as_str().unwrap();
            policy["spec"][rules]
                .as_array()
                .into_iter()
                .flatten()
                .any(|rule| {
                    let peer_ok = match rule.get(peers).and_then(Value::as_array) {
                        None => true,
                        Some(list) => list.iter().any(|p| peer_matches(p, own, other)),
                    };
                    peer_ok && ports_match(rule.get("ports"), port)
                })
        })
}

/// A connection is allowed when the source may send it and the destination may receive it.
fn allows(policies: &[Value], from: &End, to: &End, port: Port) -> bool {
    side_allows(policies, from, to, port, "Egress")
        && side_allows(policies, to, from, port, "Ingress")
}

fn protocol(p: Protocol) -> &'static str {
    match p {
        Protocol::Tcp => "TCP",
        Protocol::Udp => "UDP",
        Protocol::Sctp => "SCTP",
    }
}

fn declared(w: &Workload) -> Vec<Port> {
    w.main
        .ports
        .iter()
        .map(|p| (p.number, protocol(p.protocol)))
        .collect()
}

/// The pod labels a workload's controller gives its pods (its first version's, where it has
/// versions: they differ only in `version`). Found by the workload's name label, since a
/// controller may keep another name.
fn pod_labels(c: &Compilation, name: &str) -> BTreeMap<String, String> {
    let controller = c
        .manifests()
        .iter()
        .map(|m| &m.object)
        .find(|o| {
            o["metadata"]["labels"]["app.kubernetes.io/name"] == name
                && matches!(
                    o["kind"].as_str(),
                    Some("Deployment" | "StatefulSet" | "Job" | "CronJob")
                )
        })
        .unwrap_or_else(|| panic!("no controller for {name}"));
    let template = if controller["kind"] == "CronJob" {
        &controller["spec"]["jobTemplate"]["spec"]["template"]
    } else {
        &controller["spec"]["template"]
    };
    serde_json::from_value(template["metadata"]["labels"].clone()).unwrap()
}

fn policies(c: &Compilation) -> Vec<Value> {
    c.manifests()
        .iter()
        .filter(|m| m.object["kind"] == "NetworkPolicy")
        .map(|m| m.object.clone())
        .collect()
}

/// Who talks to whom on which port: `(from, to, port, protocol)`.
type Allowed = BTreeSet<(String, String, u16, &'static str)>;

/// The endpoints that are not workloads of the app.
const OUTSIDERS: [&str; 5] = [
    "ingress-controller",
    "impostor",
    "kube-dns",
    "metrics-server",
    "internet",
];

/// Every endpoint the evaluator tries, by name, with the ports tried on it as a destination.
fn endpoints(c: &Compilation, app: &App, ingress_namespace: &str) -> Vec<(String, End, Vec<Port>)> {
    let mut ends: Vec<(String, End, Vec<Port>)> = app
        .workloads
        .iter()
        .map(|w| {
            let end = End::Pod {
                namespace: app.namespace.clone(),
                labels: pod_labels(c, &w.name),
            };
            let mut ports = declared(w);
            ports.extend(UNDECLARED);
            (w.name.clone(), end, ports)
        })
        .collect();
    let first = app.workloads[0].name.as_str();
    let labels_of_first = pod_labels(c, first);
    let pairs: Vec<(&str, &str)> = labels_of_first
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    ends.extend([
        (
            "ingress-controller".to_owned(),
            End::pod(
                ingress_namespace,
                &[("app.kubernetes.io/name", "ingress-nginx")],
            ),
            vec![(443, "TCP")],
        ),
        // A pod elsewhere that wears the labels of one of ours: a podSelector alone must not
        // match it.
        (
            "impostor".to_owned(),
            End::pod("elsewhere", &pairs),
            vec![(8080, "TCP")],
        ),
        (
            "kube-dns".to_owned(),
            End::pod("kube-system", &[("k8s-app", "kube-dns")]),
            vec![(53, "UDP"), (53, "TCP"), (1, "TCP")],
        ),
        (
            "metrics-server".to_owned(),
            End::pod("kube-system", &[("k8s-app", "metrics-server")]),
            vec![(53, "UDP"), (443, "TCP")],
        ),
        ("internet".to_owned(), End::Outside, vec![(443, "TCP")]),
    ]);
    ends
}

/// What the emitted policies allow, over every pair of endpoints and their ports. Traffic that
/// never touches one of our pods (the internet to the ingress controller) is left out.
fn allowed_by_policies(c: &Compilation, app: &App, ingress_namespace: &str) -> Allowed {
    let policies = policies(c);
    let ends = endpoints(c, app, ingress_namespace);
    let ours = |name: &str| app.workload(name).is_some();
    let mut allowed = Allowed::new();
    for (from, source, _) in &ends {
        for (to, destination, ports) in &ends {
            if from == to && !ours(from) || !ours(from) && !ours(to) {
                continue;
            }
            for &port in ports {
                if allows(&policies, source, destination, port) {
                    allowed.insert((from.clone(), to.clone(), port.0, port.1));
                }
            }
        }
    }
    allowed
}

/// What the description calls for, computed from the model on its own terms.
fn allowed_by_edges(app: &App) -> Allowed {
    let mut allowed = Allowed::new();
    let all_ports = |w: &Workload| {
        let mut ports = declared(w);
        ports.extend(UNDECLARED);
        ports
    };
    let mut allow = |from: &str, to: &str, ports: &[Port]| {
        for &(n, p) in ports {
            allowed.insert((from.to_owned(), to.to_owned(), n, p));
        }
    };
    let port_of = |w: &Workload, port: Option<&PortRef>| -> Port {
        let found = match port {
            None => w.main.ports.first(),
            Some(PortRef::Number(n)) => w.main.ports.iter().find(|p| p.number == *n),
            Some(PortRef::Name(n)) => w.main.ports.iter().find(|p| &p.name == n),
        };
        let p = found.unwrap();
        (p.number, protocol(p.protocol))
    };
    for w in &app.workloads {
        allow(&w.name, "kube-dns", &[(53, "UDP"), (53, "TCP")]);
        if w.kind.is_stateful() {
            allow(&w.name, &w.name, &all_ports(w));
        }
        for edge in &w.uses {
            let target = app.workload(&edge.target).unwrap();
            if target.kind.is_batch() {
                continue;
            }
            if target.main.ports.is_empty() {
                allow(&w.name, &target.name, &all_ports(target));
            } else {
                allow(&w.name, &target.name, &declared(target));
            }
        }
        for route in &w.routes {
            let target = app.workload(&route.target).unwrap();
            let port = port_of(target, route.port.as_ref());
            allow(&w.name, &target.name, &[port]);
            if let Exposure::Ingress(_) = w.expose {
                allow("ingress-controller", &target.name, &[port]);
            }
            if let Exposure::HttpRoute(_) = w.expose {
                allow("gateway-proxy", &target.name, &[port]);
            }
        }
        match w.expose {
            Exposure::Internal => {}
            Exposure::Ingress(_) => allow("ingress-controller", &w.name, &[port_of(w, None)]),
            Exposure::HttpRoute(_) => allow("gateway-proxy", &w.name, &[port_of(w, None)]),
            // From anywhere: the internet, and every pod that is not ours, whose egress we do
            // not restrict (our own pods still need an edge).
            Exposure::NodePort { .. } | Exposure::LoadBalancer { .. } => {
                for outsider in OUTSIDERS {
                    allow(outsider, &w.name, &[port_of(w, None)]);
                }
            }
        }
    }
    allowed
}

/// `text` with `setting` as the first line inside `app NAME {`.
fn with_setting(text: &str, setting: &str) -> String {
    let mut out = String::new();
    let mut done = false;
    for line in text.lines() {
        out.push_str(line);
        out.push('\n');
        if !done && line.starts_with("app ") && line.trim_end().ends_with('{') {
            out.push_str(&format!("    {setting}\n"));
            done = true;
        }
    }
    assert!(done, "no `app NAME {{` line");
    out
}

/// Every example's base app and environments, compiled with `network-policy` added, named
/// `examples/xuecheng/windlass.kdl` and `examples/xuecheng/windlass.kdl@prod`.
fn examples_with_policies() -> Vec<(String, Compilation)> {
    let mut out = Vec::new();
    for example in common::examples() {
        let text = std::fs::read_to_string(common::root().join(&example)).unwrap();
        let text = with_setting(&text, "network-policy");
        let compile = |env: Option<&str>| {
            let path = Path::new(&example);
            windlass::compile(
                windlass::Input::new(&example, path, text.clone()),
                &windlass::Options {
                    env: env.map(str::to_owned),
                    ..windlass::Options::default()
                },
                &common::DiskLoader,
            )
        };
        let base = compile(None);
        let environments = base.environments.clone();
        out.push((example.clone(), base));
        for env in environments {
            out.push((format!("{example}@{env}"), compile(Some(&env))));
        }
    }
    out
}

fn compile_ok(name: &str, text: &str) -> Compilation {
    let c = common::compile_text(name, text);
    assert!(!c.has_errors(), "{}", common::rendered(&c));
    c
}

/// The difference between two sets, for a readable failure.
fn assert_same(found: &Allowed, expected: &Allowed, what: &str) {
    let extra: Vec<_> = found.difference(expected).collect();
    let missing: Vec<_> = expected.difference(found).collect();
    assert!(
        extra.is_empty() && missing.is_empty(),
        "{what}:\nallowed but not declared: {extra:#?}\ndeclared but not allowed: {missing:#?}"
    );
}

#[test]
fn every_edge_is_allowed_and_nothing_else() {
    let c = compile_ok("edges.kdl", EDGES);
    let app = c.app.as_ref().unwrap();
    let found = allowed_by_policies(&c, app, "ingress-nginx");
    assert_same(&found, &allowed_by_edges(app), "edges.kdl");
    // The set is not trivially small: spot-check a few facts it must contain or lack.
    let has = |from: &str, to: &str, port: u16, proto: &'static str| {
        found.contains(&(from.to_owned(), to.to_owned(), port, proto))
    };
    assert!(
        has("gateway", "stock", 9090, "TCP"),
        "a route to a named port"
    );
    assert!(
        !has("gateway", "stock", 8080, "TCP"),
        "a route opens one port"
    );
    assert!(
        has("orders", "telemetry", 8125, "UDP"),
        "uses opens UDP ports too"
    );
    assert!(!has("orders", "telemetry", 8125, "TCP"));
    assert!(
        has("report", "queue", 1, "TCP"),
        "uses of a workload without ports"
    );
    assert!(
        !has("report", "migrate", 1, "TCP"),
        "a job listens to nobody"
    );
    assert!(
        has("queue", "queue", 1, "UDP"),
        "a StatefulSet's pods reach each other"
    );
    assert!(
        !has("orders", "orders", 8080, "TCP"),
        "a Deployment's do not"
    );
    assert!(!has("impostor", "orders-db", 5432, "TCP"));
    assert!(
        !has("orders", "internet", 443, "TCP"),
        "no egress to the internet"
    );
}

#[test]
fn exposure_opens_the_primary_port_to_its_source_only() {
    let c = compile_ok("edges.kdl", EDGES);
    let found = allowed_by_policies(&c, c.app.as_ref().unwrap(), "ingress-nginx");
    let from = |source: &str| -> BTreeSet<(String, u16)> {
        found
            .iter()
            .filter(|(f, ..)| f == source)
            .map(|(_, to, port, _)| (to.clone(), *port))
            .collect()
    };
    let node_port_and_load_balancer = [("stock".to_owned(), 8080), ("status".to_owned(), 3000)];
    // A NodePort and a load balancer take traffic from anywhere, on the primary port alone.
    assert_eq!(
        from("internet"),
        BTreeSet::from(node_port_and_load_balancer.clone())
    );
    assert_eq!(
        from("impostor"),
        BTreeSet::from(node_port_and_load_balancer.clone())
    );
    // The Ingress controller reaches the site and, for its route, the gateway — straight, as the
    // Ingress object sends it — besides what anyone reaches.
    let mut through_ingress = BTreeSet::from(node_port_and_load_balancer);
    through_ingress.extend([("web".to_owned(), 8080), ("gateway".to_owned(), 8080)]);
    assert_eq!(from("ingress-controller"), through_ingress);
}

#[test]
fn the_ingress_namespace_is_configurable() {
    let text = EDGES.replace(
        "network-policy\n",
        "network-policy ingress-namespace=traefik\n",
    );
    let c = compile_ok("edges.kdl", &text);
    let app = c.app.as_ref().unwrap();
    let found = allowed_by_policies(&c, app, "traefik");
    assert_same(&found, &allowed_by_edges(app), "ingress-namespace=traefik");
    let nginx = allowed_by_policies(&c, app, "ingress-nginx");
    for to in ["web", "gateway"] {
        assert!(
            !nginx.contains(&("ingress-controller".to_owned(), to.to_owned(), 8080, "TCP")),
            "ingress-nginx is not the controller any more"
        );
    }
}

#[test]
fn every_pod_keeps_dns_and_nothing_else_in_kube_system() {
    let c = compile_ok("edges.kdl", EDGES);
    let app = c.app.as_ref().unwrap();
    let found = allowed_by_policies(&c, app, "ingress-nginx");
    for w in &app.workloads {
        for proto in ["UDP", "TCP"] {
            assert!(
                found.contains(&(w.name.clone(), "kube-dns".to_owned(), 53, proto)),
                "{} resolves names over {proto}",
                w.name
            );
        }
        assert!(!found.contains(&(w.name.clone(), "kube-dns".to_owned(), 1, "TCP")));
        assert!(
            !found
                .iter()
                .any(|(f, t, ..)| f == &w.name && t == "metrics-server")
        );
    }
}

#[test]
fn every_workload_gets_one_policy_after_its_other_objects() {
    let c = compile_ok("edges.kdl", EDGES);
    let app = c.app.as_ref().unwrap();
    for w in &app.workloads {
        let component = format!("{}-{}", w.kind.keyword(), w.name);
        let objects: Vec<&Value> = c
            .manifests()
            .iter()
            .filter(|m| m.component == component)
            .map(|m| &m.object)
            .collect();
        let last = objects.last().unwrap();
        assert_eq!(last["kind"], "NetworkPolicy", "{component}");
        assert_eq!(last["metadata"]["name"], w.name.as_str());
        assert_eq!(
            objects
                .iter()
                .filter(|o| o["kind"] == "NetworkPolicy")
                .count(),
            1,
            "{component}"
        );
        // It selects exactly the workload's pods: the same selector as its controller.
        assert_eq!(
            last["spec"]["podSelector"]["matchLabels"],
            serde_json::json!({
                "app.kubernetes.io/name": w.name,
                "app.kubernetes.io/part-of": app.name,
            })
        );
        assert_eq!(
            last["spec"]["policyTypes"],
            serde_json::json!(["Ingress", "Egress"])
        );
        if w.kind.is_batch() {
            assert!(last["spec"].get("ingress").is_none(), "nothing calls a job");
        }
    }
    let files = render::files(c.manifests(), Format::Yaml);
    let web = files
        .iter()
        .find(|f| f.name == "frontend-web.yaml")
        .unwrap();
    assert!(web.content.contains("kind: NetworkPolicy"));
}

#[test]
fn examples_with_network_policy_allow_exactly_their_edges() {
    for (name, c) in examples_with_policies() {
        assert!(!c.has_errors(), "{name}:\n{}", common::rendered(&c));
        let app = c.app.as_ref().unwrap();
        assert_eq!(policies(&c).len(), app.workloads.len(), "{name}");
        let found = allowed_by_policies(&c, app, "ingress-nginx");
        assert_same(&found, &allowed_by_edges(app), &name);
    }
}

#[test]
fn every_pod_is_under_its_workloads_policy_canaries_too() {
    let mut canaries = 0;
    for (name, c) in examples_with_policies() {
        let policies = policies(&c);
        for m in c.manifests() {
            let kind = m.object["kind"].as_str().unwrap();
            let template = match kind {
                "Deployment" | "StatefulSet" | "Job" => &m.object["spec"]["template"],
                "CronJob" => &m.object["spec"]["jobTemplate"]["spec"]["template"],
                _ => continue,
            };
            let labels: BTreeMap<String, String> =
                serde_json::from_value(template["metadata"]["labels"].clone()).unwrap();
            canaries += usize::from(
                labels.get("app.kubernetes.io/track").map(String::as_str) == Some("canary"),
            );
            let selecting: Vec<&Value> = policies
                .iter()
                .filter(|p| selects(&p["spec"]["podSelector"], &labels))
                .collect();
            assert_eq!(
                selecting.len(),
                1,
                "{name}: {kind} {}",
                m.object["metadata"]["name"]
            );
            assert_eq!(
                selecting[0]["metadata"]["name"].as_str(),
                labels.get("app.kubernetes.io/name").map(String::as_str),
                "{name}: {kind}"
            );
        }
    }
    assert!(canaries > 0, "an example runs a canary");
}

#[test]
fn without_the_setting_nothing_changes() {
    let with = examples_with_policies();
    for (name, with) in with {
        let (example, env) = match name.split_once('@') {
            Some((example, env)) => (example.to_owned(), Some(env)),
            None => (name.clone(), None),
        };
        let base = common::compile_file_env(&example, env);
        assert!(policies(&base).is_empty(), "{name}");
        let without_policies: Vec<_> = with
            .manifests()
            .iter()
            .filter(|m| m.object["kind"] != "NetworkPolicy")
            .cloned()
            .collect();
        assert_eq!(without_policies, base.manifests(), "{name}");
    }
}

#[test]
fn policies_pass_strict_schema_validation() {
    let mut compilations = vec![("edges.kdl".to_owned(), compile_ok("edges.kdl", EDGES))];
    for (name, c) in examples_with_policies() {
        assert!(!c.has_errors(), "{name}:\n{}", common::rendered(&c));
        compilations.push((name, c));
    }
    let Some(validator) = common::external_tool("kubernetes-validate") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let mut failures = String::new();
    for (name, c) in &compilations {
        let file = tmp.path().join(name.replace(['/', '@'], "_") + ".yaml");
        std::fs::write(&file, render::stream(c.manifests(), Format::Yaml)).unwrap();
        if let Err(e) = common::strict_validate(&validator, std::slice::from_ref(&file)) {
            failures.push_str(&format!("{name}:\n{e}\n"));
        }
    }
    assert!(failures.is_empty(), "{failures}");
}

#[test]
fn policy_set_snapshot() {
    let c = compile_ok("edges.kdl", EDGES);
    let policies: Vec<_> = c
        .manifests()
        .iter()
        .filter(|m| m.object["kind"] == "NetworkPolicy")
        .cloned()
        .collect();
    let snapshot = format!(
        "{EDGES}\n----- NetworkPolicies -----\n{}",
        render::stream(&policies, Format::Yaml)
    );
    common::settings().bind(|| insta::assert_snapshot!("edges", snapshot));
}
