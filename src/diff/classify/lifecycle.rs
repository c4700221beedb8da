//! The class of a resource that is added, removed, or renamed as a whole.

use serde_json::Value;

use super::{Verdict, kubectl};
use crate::diff::{Class, Key};

/// The label Windlass (and most charts) put the kind of application component in.
const COMPONENT: &str = "app.kubernetes.io/component";
/// The label that names the application component.
const NAME: &str = "app.kubernetes.io/name";

/// A resource only in the new output.
pub fn added(key: &Key, object: &Value) -> Verdict {
    let spec = object.get("spec");
    match key.kind.as_str() {
        "Ingress" => {
            let hosts: Vec<&str> = spec
                .and_then(|s| s.get("rules"))
                .and_then(Value::as_array)
                .map(|rules| {
                    rules
                        .iter()
                        .map(|r| r.get("host").and_then(Value::as_str).unwrap_or("*"))
                        .collect()
                })
                .unwrap_or_default();
            Verdict::attention(format!(
                "exposure widened: a new Ingress routes {} to the cluster",
                if hosts.is_empty() {
                    "traffic".to_owned()
                } else {
                    hosts
                        .iter()
                        .map(|h| format!("`{h}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            ))
        }
        "HTTPRoute" | "TLSRoute" | "TCPRoute" | "UDPRoute" | "GRPCRoute" => {
            Verdict::attention(format!(
                "exposure widened: a new {} routes traffic from a gateway",
                key.kind
            ))
        }
        "Service" => {
            let kind = spec.and_then(|s| s.get("type")).and_then(Value::as_str);
            match kind {
                Some(kind @ ("NodePort" | "LoadBalancer")) => {
                    let ports: Vec<String> = spec
                        .and_then(|s| s.get("ports"))
                        .and_then(Value::as_array)
                        .map(|ports| {
                            ports
                                .iter()
                                .filter_map(|p| {
                                    p.get(if kind == "NodePort" {
                                        "nodePort"
                                    } else {
                                        "port"
                                    })
                                })
                                .map(Value::to_string)
                                .collect()
                        })
                        .unwrap_or_default();
                    let on = if ports.is_empty() {
                        String::new()
                    } else {
                        format!(" on port {}", ports.join(", "))
                    };
                    Verdict::attention(format!(
                        "exposure widened: a new {kind} Service{on}, reachable from outside the cluster"
                    ))
                }
                _ if key.name.ends_with("-external") => {
                    Verdict::attention("exposure widened: a new external Service")
                }
                _ => Verdict::safe("new Service"),
            }
        }
        kind => Verdict::safe(format!("new {kind}")),
    }
}

/// A resource only in the previous output.
pub fn removed(key: &Key, object: &Value) -> Verdict {
    let labels = object.get("metadata").and_then(|m| m.get("labels"));
    let label = |name: &str| labels.and_then(|l| l.get(name)).and_then(Value::as_str);
    let database = (label(COMPONENT) == Some("database")).then(|| label(NAME).unwrap_or(&key.name));
    let target = kubectl(key);
    match key.kind.as_str() {
        // Windlass wrote it before it stopped writing `default`; the API server refuses to
        // delete it, so nothing in it is lost.
        "Namespace" if key.name == "default" => Verdict {
            advice: Some("Kubernetes never deletes `default`, but a pruning tool selecting by label would try: remove the labels earlier output put on it (`kubectl label namespace default app.kubernetes.io/part-of- app.kubernetes.io/managed-by-`, and any of the app's `labels`).".to_owned()),
            ..Verdict::attention("Namespace `default` is no longer written: the app's objects stay in it, and the namespace is the cluster's")
        },
        "Namespace" => Verdict::data_loss(
            format!(
                "Namespace `{}` removed: deleting it deletes everything in it, volumes included",
                key.name
            ),
            "Keep the Namespace in the output, or back up every volume in it before the removal is applied (pruned by Argo CD, Flux or `kubectl apply --prune`).",
        ),
        "StatefulSet" => Verdict::data_loss(
            format!(
                "{}: its pods stop, and its volume claims (`*-{}-N`) are left to no one — or deleted, under a `whenDeleted: Delete` retention policy",
                match database {
                    Some(db) => format!("database `{db}` removed"),
                    None => format!("StatefulSet `{}` removed", key.name),
                },
                key.name
            ),
            format!(
                "Back up the data first. Keep the StatefulSet if it is still needed; otherwise, once the data is safe, delete its claims by hand (`kubectl get pvc{}`).",
                key.namespace
                    .as_ref()
                    .map(|ns| format!(" -n {ns}"))
                    .unwrap_or_default()
            ),
        ),
        "PersistentVolumeClaim" => Verdict::data_loss(
            format!(
                "PersistentVolumeClaim `{}` removed: its volume is deleted with it unless the volume's reclaim policy is Retain",
                key.name
            ),
            format!(
                "Back up the volume first, or set its PersistentVolume's reclaim policy to Retain (`kubectl get {}` names the volume).",
                target
            ),
        ),
        _ if database.is_some() => Verdict::data_loss(
            format!(
                "part of database `{}`, which is removed",
                database.unwrap_or(&key.name)
            ),
            "Back up the database before the removal is applied, or keep it in the description.",
        ),
        "PodDisruptionBudget" => Verdict::attention(
            "disruption budget removed: a node drain may evict every pod at once",
        ),
        "Deployment" | "DaemonSet" | "ReplicaSet" => Verdict::attention(format!(
            "{} `{}` removed: its pods stop",
            key.kind, key.name
        )),
        "CronJob" => Verdict::attention(format!(
            "CronJob `{}` removed: its schedule no longer runs",
            key.name
        )),
        "Service" => Verdict::attention(format!(
            "Service `{}` removed: its callers stop reaching it",
            key.name
        )),
        "Ingress" | "HTTPRoute" | "GRPCRoute" | "TLSRoute" | "TCPRoute" | "UDPRoute" => {
            Verdict::attention(format!(
                "{} `{}` removed: what it routed from outside the cluster is no longer served",
                key.kind, key.name
            ))
        }
        kind => Verdict::safe(format!("{kind} removed")),
    }
}

/// A resource removed under `from` and added, with mostly the same content, under `to`.
pub fn renamed(from: &Key, to: &Key) -> Verdict {
    let what = format!("Kubernetes cannot rename: applying creates {to} beside {from}");
    match to.kind.as_str() {
        "StatefulSet" => Verdict::data_loss(
            format!("{what}, with new, empty volumes; the data stays in the claims of the old one"),
            format!(
                "Keep the old name, or back up the data, apply, restore it into the new claims, and then delete the old StatefulSet (`kubectl delete {}`) and its claims.",
                kubectl(from)
            ),
        ),
        "PersistentVolumeClaim" => Verdict::data_loss(
            format!(
                "{what}: a new, empty volume; the data stays in `{}`",
                from.name
            ),
            "Keep the old name, or copy the data from the old claim into the new one before a workload uses it.",
        ),
        "Namespace" => Verdict::data_loss(
            format!(
                "{what}; deleting `{}` deletes everything in it, volumes included",
                from.name
            ),
            "Keep the old namespace, or move the data of every volume in it before the old namespace is deleted.",
        ),
        "Service" => Verdict::attention(format!(
            "{what}; callers of `{}` stop reaching it once the old one is pruned",
            from.name
        )),
        _ => Verdict {
            class: Class::Safe,
            reason: format!("{what}; the old one stays until it is deleted or pruned"),
            advice: None,
        },
    }
}
