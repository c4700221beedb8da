//! Facts of a set of Kubernetes objects, for comparing a Windlass reproduction of an application
//! with the application's own manifests, fact by fact. One implementation, used by the script
//! that records the upstream facts (`scripts/upstream_facts.rs`) and by `tests/upstream.rs`.
//!
//! A fact is a short line keyed by `KIND/NAME` (namespaces are left out: a reproduction chooses
//! its own). Kubernetes' defaults are filled in on both sides, so an explicit default equals an
//! omitted one. The comparison asks whether every upstream fact is among ours: Windlass adds
//! labels and security settings of its own, which are not misses.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

/// The categories of facts: the first three must all match for a migration that renames and
/// reselects nothing.
pub const CATEGORIES: [&str; 4] = ["names", "selectors", "ports", "other"];

/// Facts by category.
pub type Facts = BTreeMap<String, BTreeSet<String>>;

/// The facts of `objects`.
pub fn facts(objects: &[Value]) -> Facts {
    let mut out: Facts = CATEGORIES
        .iter()
        .map(|c| ((*c).to_owned(), BTreeSet::new()))
        .collect();
    let mut add = |category: &str, fact: String| {
        out.entry(category.to_owned()).or_default().insert(fact);
    };
    let pods = pod_ports(objects);
    for object in objects {
        let kind = str_at(object, &["kind"]).unwrap_or("?");
        let Some(name) = str_at(object, &["metadata", "name"]) else {
            continue;
        };
        let key = format!("{kind}/{name}");
        match kind {
            "Deployment" | "StatefulSet" | "DaemonSet" | "Job" | "CronJob" => {
                add("names", key.clone());
                controller(&key, kind, object, &mut add);
            }
            "Service" => {
                add("names", key.clone());
                service(&key, object, &pods, &mut add);
            }
            "ServiceAccount" => add("names", key.clone()),
            // Windlass writes these of its own; upstream's own Namespace is the app's choice.
            "Namespace" | "Kustomization" => {}
            _ => add("other", format!("{key} exists")),
        }
    }
    out
}

/// A pod's labels, and its containers' ports by name (as numbers).
type PodPorts<'a> = (&'a serde_json::Map<String, Value>, BTreeMap<String, String>);

/// The pods of the controllers among `objects`: their labels, and their containers' named ports.
fn pod_ports(objects: &[Value]) -> Vec<PodPorts<'_>> {
    let mut out = Vec::new();
    for object in objects {
        let template = match str_at(object, &["kind"]) {
            Some("CronJob") => at(object, &["spec", "jobTemplate", "spec", "template"]),
            Some("Deployment" | "StatefulSet" | "DaemonSet" | "Job") => {
                at(object, &["spec", "template"])
            }
            _ => None,
        };
        let Some(template) = template else { continue };
        let Some(labels) = at(template, &["metadata", "labels"]).and_then(Value::as_object) else {
            continue;
        };
        let mut named = BTreeMap::new();
        for field in ["initContainers", "containers"] {
            for c in at(template, &["spec", field])
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                for p in at(c, &["ports"])
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    if let (Some(name), Some(number)) =
                        (str_at(p, &["name"]), p.get("containerPort"))
                    {
                        named.insert(name.to_owned(), scalar(number));
                    }
                }
            }
        }
        out.push((labels, named));
    }
    out
}

/// A controller's facts: its selector, and its pod's.
fn controller(key: &str, kind: &str, object: &Value, add: &mut impl FnMut(&str, String)) {
    let (spec, pod) = match kind {
        "CronJob" => (
            at(object, &["spec", "jobTemplate", "spec"]),
            at(object, &["spec", "jobTemplate", "spec", "template"]),
        ),
        _ => (at(object, &["spec"]), at(object, &["spec", "template"])),
    };
    if let Some(selector) = spec.and_then(|s| at(s, &["selector"])) {
        if let Some(labels) = at(selector, &["matchLabels"]) {
            add("selectors", format!("{key} selector {}", pairs(labels)));
        }
        if let Some(expressions) = at(selector, &["matchExpressions"]) {
            add(
                "selectors",
                format!("{key} selector expressions {expressions}"),
            );
        }
    }
    if matches!(kind, "Deployment" | "StatefulSet") {
        let replicas = spec
            .and_then(|s| at(s, &["replicas"]))
            .and_then(Value::as_i64);
        // Under an autoscaler a reproduction leaves replicas out; count 1 as the default.
        add("other", format!("{key} replicas {}", replicas.unwrap_or(1)));
    }
    if kind == "StatefulSet"
        && let Some(service) = spec.and_then(|s| str_at(s, &["serviceName"]))
    {
        add("names", format!("{key} serviceName {service}"));
    }
    if let Some(templates) = spec
        .and_then(|s| at(s, &["volumeClaimTemplates"]))
        .and_then(Value::as_array)
    {
        for t in templates {
            let name = str_at(t, &["metadata", "name"]).unwrap_or("?");
            let size = str_at(t, &["spec", "resources", "requests", "storage"]).unwrap_or("?");
            add("other", format!("{key} claim {name} {}", quantity(size)));
        }
    }
    let Some(pod) = pod else { return };
    if let Some(labels) = at(pod, &["metadata", "labels"]).and_then(Value::as_object) {
        // The labels meshes and dashboards read.
        for mesh in ["app", "version"] {
            if let Some(v) = labels.get(mesh).and_then(Value::as_str) {
                add("other", format!("{key} pod label {mesh}={v}"));
            }
        }
    }
    if let Some(selector) = spec
        .and_then(|s| at(s, &["selector", "matchLabels"]))
        .and_then(Value::as_object)
    {
        let labels = at(pod, &["metadata", "labels"]).and_then(Value::as_object);
        let carried = selector
            .iter()
            .all(|(k, v)| labels.and_then(|l| l.get(k)) == Some(v));
        add(
            "selectors",
            format!("{key} pods carry the selector: {carried}"),
        );
    }
    if let Some(annotations) = at(pod, &["metadata", "annotations"]).and_then(Value::as_object) {
        for (k, v) in annotations {
            add("other", format!("{key} pod annotation {k}={}", scalar(v)));
        }
    }
    let Some(spec) = at(pod, &["spec"]) else {
        return;
    };
    let account = str_at(spec, &["serviceAccountName"]).unwrap_or("default");
    add("other", format!("{key} serviceAccount {account}"));
    let pod_security = at(spec, &["securityContext"]);
    for field in ["fsGroup"] {
        if let Some(v) = pod_security.and_then(|s| at(s, &[field])) {
            add("other", format!("{key} pod {field} {}", scalar(v)));
        }
    }
    for field in ["hostNetwork", "terminationGracePeriodSeconds"] {
        // The API's defaults, written or not: the same pod.
        let default = match field {
            "hostNetwork" => Value::Bool(false),
            _ => Value::from(30),
        };
        if let Some(v) = at(spec, &[field])
            && *v != default
        {
            add("other", format!("{key} {field} {}", scalar(v)));
        }
    }
    if let Some(selector) = at(spec, &["nodeSelector"]) {
        add("other", format!("{key} nodeSelector {}", pairs(selector)));
    }
    let volumes: BTreeMap<&str, &Value> = at(spec, &["volumes"])
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(|v| Some((str_at(v, &["name"])?, v)))
                .collect()
        })
        .unwrap_or_default();
    for (field, what) in [
        ("initContainers", "init container"),
        ("containers", "container"),
    ] {
        for c in at(spec, &[field])
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let cname = str_at(c, &["name"]).unwrap_or("?");
            // A native sidecar (an init container that keeps running) runs beside the main
            // container for the pod's life, as a second container does.
            let what = if str_at(c, &["restartPolicy"]) == Some("Always") {
                "container"
            } else {
                what
            };
            add("names", format!("{key} {what} {cname}"));
            container(
                &format!("{key} {what} {cname}"),
                c,
                pod_security,
                &volumes,
                add,
            );
        }
    }
}

/// A container's facts.
fn container(
    key: &str,
    c: &Value,
    pod_security: Option<&Value>,
    volumes: &BTreeMap<&str, &Value>,
    add: &mut impl FnMut(&str, String),
) {
    if let Some(image) = str_at(c, &["image"]) {
        add("other", format!("{key} image {image}"));
    }
    for field in ["command", "args"] {
        if let Some(list) = at(c, &[field]) {
            add("other", format!("{key} {field} {list}"));
        }
    }
    for port in at(c, &["ports"])
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let number = port.get("containerPort").map(scalar).unwrap_or_default();
        let protocol = str_at(port, &["protocol"]).unwrap_or("TCP");
        add("ports", format!("{key} port {number}/{protocol}"));
        if let Some(name) = str_at(port, &["name"]) {
            add("other", format!("{key} port {number} named {name}"));
        }
    }
    for var in at(c, &["env"])
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let name = str_at(var, &["name"]).unwrap_or("?");
        let value = match (at(var, &["value"]), at(var, &["valueFrom"])) {
            (Some(v), _) => format!("= {}", scalar(v)),
            (None, Some(from)) => format!("from {}", env_source(from)),
            (None, None) => "= ".to_owned(),
        };
        add("other", format!("{key} env {name} {value}"));
    }
    for from in at(c, &["envFrom"])
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        add("other", format!("{key} envFrom {}", env_source(from)));
    }
    for (which, kind) in [("requests", "request"), ("limits", "limit")] {
        if let Some(map) = at(c, &["resources", which]).and_then(Value::as_object) {
            for (resource, amount) in map {
                add(
                    "other",
                    format!("{key} {kind} {resource} {}", quantity(&scalar(amount))),
                );
            }
        }
    }
    for probe in ["readinessProbe", "livenessProbe", "startupProbe"] {
        if let Some(p) = at(c, &[probe]) {
            add("other", format!("{key} {probe} {}", probe_fact(p)));
        }
    }
    for mount in at(c, &["volumeMounts"])
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let path = str_at(mount, &["mountPath"]).unwrap_or("?");
        let source = str_at(mount, &["name"])
            .and_then(|n| volumes.get(n))
            .map_or_else(|| "?".to_owned(), |v| volume_source(v));
        let read_only = at(mount, &["readOnly"]).and_then(Value::as_bool) == Some(true);
        let sub = str_at(mount, &["subPath"])
            .map(|s| format!(" subPath {s}"))
            .unwrap_or_default();
        add(
            "other",
            format!(
                "{key} mounts {source} at {path}{sub}{}",
                if read_only { " read-only" } else { "" }
            ),
        );
    }
    let security = at(c, &["securityContext"]);
    // Effective: the container's, else the pod's (where it is set makes no difference).
    for field in ["runAsUser", "runAsGroup", "runAsNonRoot"] {
        let v = security
            .and_then(|s| at(s, &[field]))
            .or_else(|| pod_security.and_then(|s| at(s, &[field])));
        if let Some(v) = v {
            add("other", format!("{key} {field} {}", scalar(v)));
        }
    }
    for field in [
        "readOnlyRootFilesystem",
        "privileged",
        "allowPrivilegeEscalation",
    ] {
        // `false` is the API's default for the first two: written or not, the same pod.
        let default_false = field != "allowPrivilegeEscalation";
        if let Some(v) = security.and_then(|s| at(s, &[field]))
            && !(default_false && v.as_bool() == Some(false))
        {
            add("other", format!("{key} {field} {}", scalar(v)));
        }
    }
    for (which, list) in [("add", "capabilities add"), ("drop", "capabilities drop")] {
        for cap in security
            .and_then(|s| at(s, &["capabilities", which]))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            add("other", format!("{key} {list} {}", scalar(cap)));
        }
    }
}

/// A Service's facts: its selector, type and ports.
fn service(key: &str, object: &Value, pods: &[PodPorts<'_>], add: &mut impl FnMut(&str, String)) {
    let Some(spec) = at(object, &["spec"]) else {
        return;
    };
    match at(spec, &["selector"]) {
        Some(selector) => add("selectors", format!("{key} selector {}", pairs(selector))),
        None => add("selectors", format!("{key} selects nothing")),
    }
    let type_ = str_at(spec, &["type"]).unwrap_or("ClusterIP");
    add("ports", format!("{key} type {type_}"));
    let headless = str_at(spec, &["clusterIP"]) == Some("None");
    add("ports", format!("{key} headless {headless}"));
    for port in at(spec, &["ports"])
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let number = port.get("port").map(scalar).unwrap_or_default();
        let target = port
            .get("targetPort")
            .map_or_else(|| number.clone(), scalar);
        // A port named by its container port's name is that port's number, in the pods the
        // Service selects.
        let target = match (
            port.get("targetPort"),
            at(spec, &["selector"]).and_then(Value::as_object),
        ) {
            (Some(Value::String(name)), Some(selector)) if name.parse::<u16>().is_err() => pods
                .iter()
                .filter(|(labels, _)| selector.iter().all(|(k, v)| labels.get(k) == Some(v)))
                .find_map(|(_, named)| named.get(name).cloned())
                .unwrap_or(target),
            _ => target,
        };
        let protocol = str_at(port, &["protocol"]).unwrap_or("TCP");
        add("ports", format!("{key} port {number}->{target}/{protocol}"));
        if let Some(node_port) = port.get("nodePort") {
            add(
                "ports",
                format!("{key} port {number} nodePort {}", scalar(node_port)),
            );
        }
        if let Some(name) = str_at(port, &["name"]) {
            add("ports", format!("{key} port {number} named {name}"));
        }
    }
    if let Some(annotations) = at(object, &["metadata", "annotations"]).and_then(Value::as_object) {
        for (k, v) in annotations {
            add("other", format!("{key} annotation {k}={}", scalar(v)));
        }
    }
}

/// A probe: its handler and its timings with Kubernetes' defaults filled in.
fn probe_fact(p: &Value) -> String {
    let handler = if let Some(http) = at(p, &["httpGet"]) {
        format!(
            "http {} port {}",
            str_at(http, &["path"]).unwrap_or("/"),
            http.get("port").map(scalar).unwrap_or_default()
        )
    } else if let Some(tcp) = at(p, &["tcpSocket"]) {
        format!(
            "tcp port {}",
            tcp.get("port").map(scalar).unwrap_or_default()
        )
    } else if let Some(grpc) = at(p, &["grpc"]) {
        format!(
            "grpc port {}",
            grpc.get("port").map(scalar).unwrap_or_default()
        )
    } else if let Some(exec) = at(p, &["exec", "command"]) {
        format!("exec {exec}")
    } else {
        "none".to_owned()
    };
    let timing =
        |field: &str, default: i64| at(p, &[field]).and_then(Value::as_i64).unwrap_or(default);
    format!(
        "{handler} delay {} period {} timeout {} failures {}",
        timing("initialDelaySeconds", 0),
        timing("periodSeconds", 10),
        timing("timeoutSeconds", 1),
        timing("failureThreshold", 3)
    )
}

/// Where an env var or `envFrom` comes from.
fn env_source(from: &Value) -> String {
    for (field, what) in [
        ("secretKeyRef", "secret"),
        ("configMapKeyRef", "configmap"),
        ("secretRef", "secret"),
        ("configMapRef", "configmap"),
    ] {
        if let Some(r) = at(from, &[field]) {
            let name = str_at(r, &["name"]).unwrap_or("?");
            return match str_at(r, &["key"]) {
                Some(k) => format!("{what} {name} key {k}"),
                None => format!("{what} {name}"),
            };
        }
    }
    if let Some(path) = str_at(from, &["fieldRef", "fieldPath"]) {
        return format!("field {path}");
    }
    if let Some(r) = at(from, &["resourceFieldRef"]) {
        return format!("resource {}", str_at(r, &["resource"]).unwrap_or("?"));
    }
    from.to_string()
}

/// What a volume is: `emptyDir`, `configMap NAME`, `secret NAME`, `claim NAME`, `hostPath PATH`.
fn volume_source(v: &Value) -> String {
    if at(v, &["emptyDir"]).is_some() {
        let medium = str_at(v, &["emptyDir", "medium"])
            .map(|m| format!(" {m}"))
            .unwrap_or_default();
        return format!("emptyDir{medium}");
    }
    if let Some(name) = str_at(v, &["configMap", "name"]) {
        return format!("configMap {name}");
    }
    if let Some(name) = str_at(v, &["secret", "secretName"]) {
        return format!("secret {name}");
    }
    if let Some(name) = str_at(v, &["persistentVolumeClaim", "claimName"]) {
        return format!("claim {name}");
    }
    if let Some(path) = str_at(v, &["hostPath", "path"]) {
        return format!("hostPath {path}");
    }
    "other".to_owned()
}

/// A label map as `k=v,k=v`, sorted.
fn pairs(map: &Value) -> String {
    let Some(map) = map.as_object() else {
        return map.to_string();
    };
    let sorted: BTreeMap<&String, String> = map.iter().map(|(k, v)| (k, scalar(v))).collect();
    sorted
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// A scalar as text: a string as it is, a number or boolean as written. A port written as the
/// string `"8080"` and the number 8080 mean the same to Kubernetes only where it takes both, so
/// a numeric string is kept as the number.
fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A quantity in one spelling: `0.5` and `500m` alike, `1Gi` and `1024Mi` alike (as millis or
/// bytes).
pub fn quantity(q: &str) -> String {
    let units: [(&str, f64); 13] = [
        ("Ki", 1024.0),
        ("Mi", 1024.0 * 1024.0),
        ("Gi", 1024.0 * 1024.0 * 1024.0),
        ("Ti", 1024.0_f64.powi(4)),
        ("Pi", 1024.0_f64.powi(5)),
        ("Ei", 1024.0_f64.powi(6)),
        ("m", 0.001),
        ("k", 1e3),
        ("M", 1e6),
        ("G", 1e9),
        ("T", 1e12),
        ("P", 1e15),
        ("E", 1e18),
    ];
    let (number, factor) = units
        .iter()
        .find_map(|(suffix, f)| q.strip_suffix(suffix).map(|n| (n, *f)))
        .unwrap_or((q, 1.0));
    match number.parse::<f64>() {
        // In thousandths, rounded: the same amount, however written.
        Ok(n) => format!("{}", (n * factor * 1000.0).round()),
        Err(_) => q.to_owned(),
    }
}

/// The value at `path`.
fn at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(v, |v, key| v.get(key))
}

/// The string at `path`.
fn str_at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    at(v, path).and_then(Value::as_str)
}

/// Every upstream fact of `category` missing from `ours`.
pub fn missing<'a>(upstream: &'a Facts, ours: &Facts, category: &str) -> Vec<&'a String> {
    let Some(theirs) = upstream.get(category) else {
        return Vec::new();
    };
    theirs
        .iter()
        .filter(|f| ours.get(category).is_none_or(|o| !o.contains(*f)))
        .collect()
}
