//! What the output says about ports, judged from the objects alone: no pod has two container
//! ports with one name, every Service port whose protocol the pod reveals carries that
//! `appProtocol`, no port's name claims a protocol to a mesh without an `appProtocol` to back it,
//! and no load balancer's Service carries one (cloud load balancers read it for health checks).

use serde_json::Value;

/// Service port names that Istio reads as a protocol (`PROTOCOL` or `PROTOCOL-SUFFIX`).
const MESH_PROTOCOLS: &[&str] = &[
    "http", "http2", "https", "grpc", "grpc-web", "mongo", "mysql", "redis", "tcp", "tls",
];

/// The standard library's database ports, by name, and the protocol each speaks.
const STDLIB: &[(&str, &str)] = &[
    ("mysql", "mysql"),
    ("postgres", "postgresql"),
    ("mongodb", "mongodb"),
    ("redis", "redis"),
    ("amqp", "amqp"),
    ("management", "http"),
    ("api", "http"),
    ("console", "http"),
];

/// Every problem found in `objects`, one line each.
pub fn problems(objects: &[&Value]) -> Vec<String> {
    let mut out = Vec::new();
    for o in objects {
        if let Some(pod) = pod_spec(o) {
            unique_names(o, pod, &mut out);
        }
    }
    for service in objects.iter().filter(|o| o["kind"] == "Service") {
        service_ports(service, objects, &mut out);
    }
    out
}

/// The pod spec of a workload object.
fn pod_spec(o: &Value) -> Option<&Value> {
    let template = match o["kind"].as_str()? {
        "Deployment" | "StatefulSet" | "Job" | "DaemonSet" => &o["spec"]["template"],
        "CronJob" => &o["spec"]["jobTemplate"]["spec"]["template"],
        _ => return None,
    };
    Some(&template["spec"])
}

fn containers(pod: &Value) -> impl Iterator<Item = &Value> {
    ["containers", "initContainers"]
        .into_iter()
        .filter_map(|list| pod[list].as_array())
        .flatten()
}

fn unique_names(o: &Value, pod: &Value, out: &mut Vec<String>) {
    let mut seen = std::collections::BTreeSet::new();
    for port in containers(pod)
        .filter_map(|c| c["ports"].as_array())
        .flatten()
    {
        let name = port["name"].as_str().unwrap_or("");
        if !seen.insert(name) {
            out.push(format!(
                "{} {}: two container ports are named `{name}`",
                o["kind"], o["metadata"]["name"]
            ));
        }
    }
}

fn service_ports(service: &Value, objects: &[&Value], out: &mut Vec<String>) {
    let name = service["metadata"]["name"].as_str().unwrap_or("");
    let workload = &service["metadata"]["labels"]["app.kubernetes.io/name"];
    let component = service["metadata"]["labels"]["app.kubernetes.io/component"].as_str();
    let load_balancer = service["spec"]["type"] == "LoadBalancer";
    // The pod behind it: the workload named like it (not its canary, which has the same ports).
    let pod = objects
        .iter()
        .filter(|o| o["metadata"]["name"] == *workload)
        .find_map(|o| pod_spec(o));
    let main = pod.and_then(|p| p["containers"].get(0));
    for port in service["spec"]["ports"].as_array().into_iter().flatten() {
        let port_name = port["name"].as_str().unwrap_or("");
        let app_protocol = port["appProtocol"].as_str();
        let at = format!("Service {name} port {port_name}");
        if load_balancer {
            if app_protocol.is_some() {
                out.push(format!(
                    "{at}: a load balancer's Service carries appProtocol"
                ));
            }
            continue;
        }
        let claims = MESH_PROTOCOLS.iter().any(|p| {
            port_name == *p
                || port_name
                    .strip_prefix(p)
                    .is_some_and(|r| r.starts_with('-'))
        });
        if claims && app_protocol.is_none() {
            out.push(format!(
                "{at}: its name claims a protocol, with no appProtocol"
            ));
        }
        let Some(main) = main else { continue };
        let Some(expected) = known(main, port, component) else {
            continue;
        };
        if app_protocol != Some(expected.as_str()) {
            out.push(format!(
                "{at}: speaks {expected}, appProtocol is {app_protocol:?}"
            ));
        }
    }
}

/// The protocol the pod reveals for a Service port: a probe of its container port, the standard
/// library's port names, or the primary port of a frontend or gateway.
fn known(main: &Value, port: &Value, component: Option<&str>) -> Option<String> {
    let number = port["targetPort"].as_i64()?;
    let ports = main["ports"].as_array()?;
    let index = ports
        .iter()
        .position(|p| p["containerPort"] == number && p["protocol"] == "TCP")?;
    let container_name = ports[index]["name"].as_str().unwrap_or("");
    let mut from_probes: Vec<&str> = Vec::new();
    for probe in ["readinessProbe", "livenessProbe", "startupProbe"] {
        let probe = &main[probe];
        let targets = |p: &Value| p.as_i64() == Some(number) || p.as_str() == Some(container_name);
        if targets(&probe["httpGet"]["port"]) {
            from_probes.push(if probe["httpGet"]["scheme"] == "HTTPS" {
                "https"
            } else {
                "http"
            });
        }
        if probe["grpc"]["port"].as_i64() == Some(number) {
            from_probes.push("kubernetes.io/h2c");
        }
    }
    if component == Some("database")
        && let Some((_, protocol)) = STDLIB.iter().find(|(n, _)| *n == container_name)
    {
        return Some((*protocol).to_owned());
    }
    match from_probes.first() {
        Some(first) if from_probes.iter().all(|p| p == first) => return Some((*first).to_owned()),
        Some(_) => return None,
        None => {}
    }
    (index == 0 && matches!(component, Some("frontend" | "gateway"))).then(|| "http".to_owned())
}
