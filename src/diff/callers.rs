//! Who calls a Service, as far as the objects say: the Ingresses and HTTPRoutes that send to
//! it, and the workloads whose environment names it (`orders:8080`, `http://orders.shop/…`).
//! A change that breaks a Service's callers names them, so the reviewer knows whom to ask.

use std::collections::HashMap;

use serde_json::Value;

use super::Key;

/// Callers of each Service, by namespace and name.
#[derive(Default)]
pub struct Callers {
    by_service: HashMap<(Option<String>, String), Vec<String>>,
}

/// The kinds whose pod template's environment may name a Service.
const WORKLOADS: [&str; 6] = [
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "Job",
    "CronJob",
];

impl Callers {
    /// Indexes the callers among `objects` of the Services `services`.
    pub fn of<'a>(objects: impl IntoIterator<Item = &'a Value>, services: &[Key]) -> Self {
        let mut out = Callers::default();
        if services.is_empty() {
            return out;
        }
        let names: HashMap<&str, Vec<&Key>> =
            services.iter().fold(HashMap::new(), |mut map, key| {
                map.entry(key.name.as_str()).or_default().push(key);
                map
            });
        for object in objects {
            let Some(key) = Key::of(object) else { continue };
            let caller = key.to_string();
            let mut add = |service: &Key, how: String| {
                let entry = out
                    .by_service
                    .entry((service.namespace.clone(), service.name.clone()))
                    .or_default();
                let text = format!("`{caller}`{how}");
                if !entry.contains(&text) {
                    entry.push(text);
                }
            };
            match key.kind.as_str() {
                "Ingress" => {
                    let mut backends = Vec::new();
                    collect_ingress_backends(object.get("spec"), &mut backends);
                    for name in backends {
                        for service in names.get(name).into_iter().flatten() {
                            if service.namespace == key.namespace {
                                add(service, String::new());
                            }
                        }
                    }
                }
                "HTTPRoute" | "GRPCRoute" | "TCPRoute" | "TLSRoute" | "UDPRoute" => {
                    for rule in array(object.pointer("/spec/rules")) {
                        for backend in array(rule.get("backendRefs")) {
                            let kind = backend.get("kind").and_then(Value::as_str);
                            if kind.is_some_and(|k| k != "Service") {
                                continue;
                            }
                            let Some(name) = backend.get("name").and_then(Value::as_str) else {
                                continue;
                            };
                            let namespace = backend
                                .get("namespace")
                                .and_then(Value::as_str)
                                .map(str::to_owned)
                                .or_else(|| key.namespace.clone());
                            for service in names.get(name).into_iter().flatten() {
                                if service.namespace == namespace {
                                    add(service, String::new());
                                }
                            }
                        }
                    }
                }
                kind if WORKLOADS.contains(&kind) => {
                    let pod = if kind == "CronJob" {
                        object.pointer("/spec/jobTemplate/spec/template/spec")
                    } else {
                        object.pointer("/spec/template/spec")
                    };
                    let containers = pod.into_iter().flat_map(|pod| {
                        array(pod.get("containers")).chain(array(pod.get("initContainers")))
                    });
                    for container in containers {
                        for env in array(container.get("env")) {
                            let (Some(var), Some(value)) = (
                                env.get("name").and_then(Value::as_str),
                                env.get("value").and_then(Value::as_str),
                            ) else {
                                continue;
                            };
                            for host in hosts(value) {
                                for service in names.get(host.name).into_iter().flatten() {
                                    let same_namespace = match host.namespace {
                                        Some(ns) => service.namespace.as_deref() == Some(ns),
                                        None => service.namespace == key.namespace,
                                    };
                                    if same_namespace {
                                        add(service, format!(" (env `{var}`)"));
                                    }
                                }
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        out
    }

    /// The callers of `service`, as a sentence to append to advice; `None` when none is known.
    pub fn advice(&self, service: &Key) -> String {
        match self
            .by_service
            .get(&(service.namespace.clone(), service.name.clone()))
        {
            Some(callers) if !callers.is_empty() => {
                const SHOWN: usize = 10;
                // In name order: the same whichever objects were compared and which unchanged.
                let mut callers = callers.clone();
                callers.sort();
                let mut list = callers
                    .iter()
                    .take(SHOWN)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ");
                if callers.len() > SHOWN {
                    list.push_str(&format!(" and {} more", callers.len() - SHOWN));
                }
                format!(
                    "Callers in this output that break: {list}. Change them with it, and any caller outside this output."
                )
            }
            _ => format!(
                "No caller in this output names `{}`; check the callers outside it (other apps, clients outside the cluster).",
                service.name
            ),
        }
    }
}

fn array(value: Option<&Value>) -> impl Iterator<Item = &Value> {
    value.and_then(Value::as_array).into_iter().flatten()
}

fn collect_ingress_backends<'a>(spec: Option<&'a Value>, out: &mut Vec<&'a str>) {
    let Some(spec) = spec else { return };
    if let Some(name) = spec
        .pointer("/defaultBackend/service/name")
        .and_then(Value::as_str)
    {
        out.push(name);
    }
    for rule in array(spec.get("rules")) {
        for path in array(rule.pointer("/http/paths")) {
            if let Some(name) = path
                .pointer("/backend/service/name")
                .and_then(Value::as_str)
            {
                out.push(name);
            }
        }
    }
}

/// A host an environment value names: a Service name, and the namespace when written
/// (`orders.shop`, `orders.shop.svc.cluster.local`).
struct Host<'a> {
    name: &'a str,
    namespace: Option<&'a str>,
}

/// The hosts in an environment value: the value itself when it is a host or `host:port`, and the
/// host of each URL in it (`scheme://host[:port]/…`), in lists separated by commas or spaces.
fn hosts(value: &str) -> Vec<Host<'_>> {
    let mut out = Vec::new();
    for part in value.split([',', ' ', ';']) {
        let rest = part.split_once("://").map_or(part, |(_, rest)| rest);
        let rest = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
        let host = rest.split(['/', '?', '#']).next().unwrap_or(rest);
        let host = host.split(':').next().unwrap_or(host);
        let mut labels = host.split('.');
        let Some(name) = labels.next() else { continue };
        let is_label = !name.is_empty()
            && name.len() <= 63
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !is_label {
            continue;
        }
        let namespace = labels.next();
        // `orders.shop`, `orders.shop.svc…`; a dotted name that is not the cluster's DNS
        // (`api.example.com`) names no Service.
        match (namespace, labels.next()) {
            (None, _) => out.push(Host {
                name,
                namespace: None,
            }),
            (Some(ns), None | Some("svc")) => out.push(Host {
                name,
                namespace: Some(ns),
            }),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(value: &str) -> Vec<(String, Option<String>)> {
        hosts(value)
            .into_iter()
            .map(|h| (h.name.to_owned(), h.namespace.map(str::to_owned)))
            .collect()
    }

    #[test]
    fn hosts_are_read_from_plain_names_addresses_and_urls() {
        assert_eq!(names("orders"), [("orders".to_owned(), None)]);
        assert_eq!(names("orders:8080"), [("orders".to_owned(), None)]);
        assert_eq!(
            names("http://orders.shop.svc.cluster.local:8080/api"),
            [("orders".to_owned(), Some("shop".to_owned()))]
        );
        assert_eq!(
            names("redis://user@cache:6379,mongodb://db:27017"),
            [("cache".to_owned(), None), ("db".to_owned(), None)]
        );
        assert!(names("https://api.example.com/v1").is_empty());
        assert!(names("Hello World").is_empty());
    }
}
