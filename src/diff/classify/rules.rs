//! The class of a change to one field of a resource that exists on both sides.

use serde_json::Value;

use super::image::{self, ImageChange};
use super::{Verdict, kubectl, short};
use crate::diff::fields::{FieldChange, quantity};
use crate::diff::{Class, Key};

/// The fields of `spec` a StatefulSet lets `kubectl apply` change; every other one is immutable.
const STATEFULSET_MUTABLE: &[&str] = &[
    "replicas",
    "template",
    "updateStrategy",
    "ordinals",
    "minReadySeconds",
    "revisionHistoryLimit",
    "persistentVolumeClaimRetentionPolicy",
];

/// Where the pod template of a kind is: the fields before it.
pub fn template_prefix(kind: &str) -> Option<&'static [&'static str]> {
    match kind {
        "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" | "Job" => {
            Some(&["spec", "template"])
        }
        "CronJob" => Some(&["spec", "jobTemplate", "spec", "template"]),
        _ => None,
    }
}

/// Whether a change of the pod template restarts the pods of this kind.
pub fn restarts_pods(kind: &str) -> bool {
    matches!(
        kind,
        "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet"
    )
}

/// The class of one field change of the resource `key`.
pub fn field(key: &Key, change: &FieldChange) -> Verdict {
    let fields = change.path.fields();
    let (old, new) = (change.old.as_ref(), change.new.as_ref());
    match fields.first().copied() {
        Some("apiVersion") => {
            return Verdict::safe(format!(
                "apiVersion {} → {}: the same resource, served by another version of its API",
                short(old),
                short(new)
            ));
        }
        Some("metadata") => return Verdict::safe("metadata only"),
        _ => {}
    }
    if let Some(rest) = template_prefix(&key.kind).and_then(|p| fields.strip_prefix(p)) {
        return template(key, change, rest);
    }
    let spec = fields.strip_prefix(&["spec"][..]).unwrap_or(&[]);
    match key.kind.as_str() {
        "Deployment" | "ReplicaSet" | "DaemonSet" => match spec {
            ["selector", ..] => Verdict::breaking(
                format!(
                    "the selector of a {} cannot change: `kubectl apply` fails",
                    key.kind
                ),
                format!(
                    "Keep the old selector, or delete the {kind} and apply again: `kubectl delete {target}`, then apply (its pods stop until the new ones are ready).",
                    kind = key.kind,
                    target = kubectl(key),
                ),
            ),
            ["replicas"] => replicas(old, new),
            _ => Verdict::safe("applies in place"),
        },
        "StatefulSet" => statefulset(key, change, spec),
        "Job" => match spec {
            ["selector", ..] | ["completions"] | ["completionMode"] => job_immutable(key, spec),
            _ => Verdict::safe("applies in place"),
        },
        "Service" => match spec {
            ["clusterIP"] | ["clusterIPs"] => Verdict::breaking(
                format!(
                    "`spec.clusterIP` of a Service cannot change ({} → {}): `kubectl apply` fails",
                    short(old),
                    short(new)
                ),
                format!(
                    "Delete the Service and apply again: `kubectl delete {}`, then apply; clients cannot connect to it in between.",
                    kubectl(key)
                ),
            ),
            ["type"] => service_type(old, new),
            ["selector", ..] => Verdict::attention(format!(
                "the Service's selector changed ({}): its traffic goes to other pods",
                change.path.item_after("selector").map_or_else(
                    || format!("{} → {}", short(old), short(new)),
                    |label| format!("`{label}`: {} → {}", short(old), short(new))
                )
            )),
            ["ports", "targetPort"] => {
                let port = change.path.item_after("ports").unwrap_or("?");
                Verdict::attention(format!(
                    "port {port} now sends to the pods' port {} (was {}): the pods must listen there",
                    short(new),
                    short(old)
                ))
            }
            ["ports", "nodePort"] if old.is_some() => {
                let port = change.path.item_after("ports").unwrap_or("?");
                Verdict::attention(format!(
                    "port {port}: node port {} → {}: clients outside the cluster that use the old one stop reaching it",
                    short(old),
                    short(new)
                ))
            }
            ["ports", "name" | "appProtocol"] => service_port(change, spec),
            ["ports"] if change.new.is_none() && change.old.is_some() => {
                let port = change.path.item_after("ports").unwrap_or("?");
                Verdict::attention(format!(
                    "port {port} is no longer published: in-cluster callers of `{}:{}` stop reaching it",
                    key.name,
                    port.split('/').next().unwrap_or(port)
                ))
            }
            _ => Verdict::safe("applies in place"),
        },
        "Ingress" => ingress(change, spec),
        "PersistentVolumeClaim" => claim(key, change, spec),
        "PodDisruptionBudget" => disruption_budget(old, new, spec),
        "HorizontalPodAutoscaler" => match spec {
            ["minReplicas"] | ["maxReplicas"] => {
                let which = if spec == ["minReplicas"] {
                    "minimum"
                } else {
                    "maximum"
                };
                let default = Value::from(1);
                let (before, after) = (old.or(Some(&default)), new.or(Some(&default)));
                if number(after) < number(before) {
                    Verdict::attention(format!(
                        "replicas reduced: autoscaler {which} {} → {}",
                        short(before),
                        short(after)
                    ))
                } else {
                    Verdict::safe(format!(
                        "autoscaler {which} {} → {}",
                        short(old),
                        short(new)
                    ))
                }
            }
            _ => Verdict::safe("applies in place"),
        },
        _ => Verdict::safe("applies in place"),
    }
}

/// A change inside a pod template; `rest` is the path below the template.
fn template(key: &Key, change: &FieldChange, rest: &[&str]) -> Verdict {
    if key.kind == "Job" {
        return job_immutable(key, &["template"]);
    }
    let (old, new) = (change.old.as_ref(), change.new.as_ref());
    let outcome = if restarts_pods(&key.kind) {
        "the pods restart"
    } else {
        "the next run uses it"
    };
    let rollout = |what: String| {
        if restarts_pods(&key.kind) {
            Verdict::new(Class::Rollout, format!("{what}: {outcome}"))
        } else {
            Verdict::safe(format!("{what}: {outcome}"))
        }
    };
    let container = ["containers", "initContainers", "ephemeralContainers"]
        .iter()
        .find_map(|list| change.path.item_after(list));
    match (rest, container) {
        (["spec", _, "image"], Some(name)) => {
            let (Some(before), Some(after)) =
                (old.and_then(Value::as_str), new.and_then(Value::as_str))
            else {
                return rollout(format!("image of container `{name}` changed"));
            };
            match image::compare(before, after) {
                ImageChange::Backwards => Verdict::attention(format!(
                    "image of container `{name}` goes backwards: {} → {}; {outcome}",
                    image::tag(before).unwrap_or(before),
                    image::tag(after).unwrap_or(after),
                )),
                ImageChange::Latest => Verdict::attention(format!(
                    "image of container `{name}` becomes `latest` ({after}): later applies upgrade nothing, and pods may run different versions; {outcome}"
                )),
                ImageChange::Other => rollout(format!("new image for container `{name}`")),
            }
        }
        (
            [
                "spec",
                _,
                probe @ ("readinessProbe" | "livenessProbe" | "startupProbe"),
            ],
            Some(name),
        ) if new.is_none() => {
            let (what, effect) = match *probe {
                "readinessProbe" => ("readiness", "traffic may reach pods that are not ready"),
                "livenessProbe" => ("liveness", "a container that hangs is no longer restarted"),
                _ => ("startup", "slow starts are no longer waited for"),
            };
            Verdict::attention(format!(
                "{what} probe of container `{name}` removed: {effect}; {outcome}"
            ))
        }
        (["spec", _, "resources", rest @ ..], Some(name)) if limits_removed(rest, old, new) => {
            let limits = match rest {
                [_, resource] => vec![(*resource).to_owned()],
                _ => {
                    let removed = old.and_then(|o| {
                        if rest.is_empty() {
                            o.get("limits")
                        } else {
                            Some(o)
                        }
                    });
                    removed
                        .and_then(Value::as_object)
                        .map(|m| m.keys().cloned().collect())
                        .unwrap_or_default()
                }
            };
            Verdict::attention(format!(
                "{} limit of container `{name}` removed: a pod may take all of a node's {}; {outcome}",
                limits.join(" and "),
                limits
                    .iter()
                    .map(|l| if l == "cpu" { "CPU" } else { l.as_str() })
                    .collect::<Vec<_>>()
                    .join(" and "),
            ))
        }
        (["spec", _], Some(name)) if old.is_none() => rollout(format!("container `{name}` added")),
        (["spec", _], Some(name)) if new.is_none() => {
            rollout(format!("container `{name}` removed"))
        }
        (_, Some(name)) => rollout(format!("container `{name}` changed")),
        (["metadata", ..], None) => rollout("pod labels or annotations changed".to_owned()),
        _ => rollout("pod template changed".to_owned()),
    }
}

/// Whether a change under `resources` takes a limit away: `rest` is the path below `resources`.
fn limits_removed(rest: &[&str], old: Option<&Value>, new: Option<&Value>) -> bool {
    match rest {
        [] => new.is_none() && old.is_some_and(|o| o.get("limits").is_some()),
        ["limits"] | ["limits", _] => new.is_none(),
        _ => false,
    }
}

fn replicas(old: Option<&Value>, new: Option<&Value>) -> Verdict {
    match (old, new) {
        (Some(_), None) => Verdict::attention(
            "replicas no longer set: a client-side `kubectl apply` resets the count to 1 until an autoscaler scales it",
        ),
        (Some(before), Some(after)) if number(Some(after)) < number(Some(before)) => {
            Verdict::attention(format!("replicas reduced from {before} to {after}"))
        }
        _ => Verdict::safe(format!("replicas {} → {}", short(old), short(new))),
    }
}

fn statefulset(key: &Key, change: &FieldChange, spec: &[&str]) -> Verdict {
    let (old, new) = (change.old.as_ref(), change.new.as_ref());
    let orphan = format!(
        "Delete only the StatefulSet, keeping its pods and volumes: `kubectl delete {} --cascade=orphan`, then apply; the new StatefulSet adopts the pods.",
        kubectl(key)
    );
    match spec {
        ["replicas"] => replicas(old, new),
        [first, ..] if STATEFULSET_MUTABLE.contains(first) => Verdict::safe("applies in place"),
        ["volumeClaimTemplates"] => {
            let template = template_names(change);
            if new.is_none() {
                Verdict::data_loss(
                    format!(
                        "volume claim template `{template}` removed: the pods no longer mount their `{template}` volumes, and `kubectl apply` fails"
                    ),
                    format!(
                        "Back up the data in the claims `{template}-{}-N` first. Then {} Delete the claims by hand once the data is safe.",
                        key.name,
                        lower_first(&orphan)
                    ),
                )
            } else {
                Verdict::breaking(
                    format!(
                        "volume claim template `{template}` added: volumeClaimTemplates of a StatefulSet cannot change, so `kubectl apply` fails"
                    ),
                    format!(
                        "{orphan} Existing pods get the new volume only when they are re-created."
                    ),
                )
            }
        }
        ["volumeClaimTemplates", .., "storage"] if shrinks(old, new) => {
            let template = template_names(change);
            Verdict::data_loss(
                format!(
                    "storage of volume claim template `{template}` shrunk from {} to {}: Kubernetes never shrinks a volume, so a smaller one is a new, empty volume; the data is lost unless it is copied over",
                    short(old),
                    short(new)
                ),
                format!(
                    "Keep {}. A smaller volume means new claims: back up the data, delete the StatefulSet (`kubectl delete {}`) and its claims (`{template}-{}-N`), apply, and restore the data.",
                    short(old),
                    kubectl(key),
                    key.name
                ),
            )
        }
        ["volumeClaimTemplates", ..] => {
            let template = template_names(change);
            let claim = format!("{template}-{}-0", key.name);
            Verdict::breaking(
                format!(
                    "volume claim template `{template}` changed: volumeClaimTemplates of a StatefulSet cannot change, so `kubectl apply` fails"
                ),
                format!(
                    "{orphan} Existing claims (`{}`, …) keep their old spec: to grow one, raise its storage request (`kubectl edit pvc {} -n {}`), which works when its storage class allows expansion.",
                    claim,
                    claim,
                    key.namespace.as_deref().unwrap_or("default")
                ),
            )
        }
        _ => {
            let field = format!("spec.{}", spec.join("."));
            let selector = if spec.first() == Some(&"selector") {
                " The new selector must still match the labels of the running pods, or they are not adopted."
            } else {
                ""
            };
            Verdict::breaking(
                format!("`{field}` of a StatefulSet cannot change: `kubectl apply` fails"),
                format!("{orphan}{selector}"),
            )
        }
    }
}

/// The volume claim template a change is about: the item in its path, or (when the whole list
/// was added or removed) every template in it.
fn template_names(change: &FieldChange) -> String {
    if let Some(name) = change.path.item_after("volumeClaimTemplates") {
        return name.to_owned();
    }
    let list = change.old.as_ref().or(change.new.as_ref());
    let names: Vec<&str> = list
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|t| t.get("metadata")?.get("name")?.as_str())
                .collect()
        })
        .unwrap_or_default();
    if names.is_empty() {
        "?".to_owned()
    } else {
        names.join("`, `")
    }
}

fn job_immutable(key: &Key, spec: &[&str]) -> Verdict {
    let field = if spec.first() == Some(&"template") {
        "the pod template".to_owned()
    } else {
        format!("`spec.{}`", spec.join("."))
    };
    Verdict::breaking(
        format!("{field} of a Job cannot change: `kubectl apply` fails"),
        format!(
            "Delete the Job and apply again: `kubectl delete {}`, then apply (a running Job is stopped; a finished one only loses its record).",
            kubectl(key)
        ),
    )
}

/// How far a Service type reaches: inside the cluster, every node, a cloud load balancer.
fn reach(value: Option<&Value>) -> u8 {
    match value.and_then(Value::as_str) {
        Some("NodePort") => 1,
        Some("LoadBalancer") => 2,
        _ => 0,
    }
}

fn service_type(old: Option<&Value>, new: Option<&Value>) -> Verdict {
    let (before, after) = (old.unwrap_or(&Value::Null), new.unwrap_or(&Value::Null));
    let name = |v: &Value| v.as_str().unwrap_or("ClusterIP").to_owned();
    if reach(new) > reach(old) {
        Verdict::attention(format!(
            "exposure widened: type {} → {}, reachable from outside the cluster",
            name(before),
            name(after)
        ))
    } else {
        Verdict::attention(format!(
            "exposure narrowed: type {} → {}; clients outside the cluster that used it stop reaching it",
            name(before),
            name(after)
        ))
    }
}

/// A Service port renamed, or its application protocol changed: it applies, but what reads them
/// outside this output does not follow by itself.
fn service_port(change: &FieldChange, spec: &[&str]) -> Verdict {
    let port = change.path.item_after("ports").unwrap_or("?");
    let (old, new) = (change.old.as_ref(), change.new.as_ref());
    if spec.last() == Some(&"name") {
        Verdict::attention(format!(
            "port {port} renamed {} → {}: what names it elsewhere (an Ingress backend or a \
             ServiceMonitor's `port`, the SRV record `_NAME._tcp`) must be renamed with it",
            short(old),
            short(new)
        ))
    } else {
        Verdict::attention(format!(
            "port {port}: appProtocol {} → {}: service meshes, gateways and cloud load \
             balancers that read it change how they carry its traffic",
            short(old),
            short(new)
        ))
    }
}

fn ingress(change: &FieldChange, spec: &[&str]) -> Verdict {
    let added = change.old.is_none();
    let host = change.path.item_after("rules").unwrap_or("*");
    match spec {
        ["rules"] if added => Verdict::attention(format!(
            "exposure widened: host `{host}` is now routed through the Ingress"
        )),
        ["rules", "http", "paths"] if added => Verdict::attention(format!(
            "exposure widened: path `{}` on host `{host}` is now routed through the Ingress",
            change.path.item_after("paths").unwrap_or("?")
        )),
        ["tls", ..] if change.new.is_none() => {
            Verdict::attention("TLS removed: the hosts it covered are served without it")
        }
        _ => Verdict::safe("applies in place"),
    }
}

fn claim(key: &Key, change: &FieldChange, spec: &[&str]) -> Verdict {
    let (old, new) = (change.old.as_ref(), change.new.as_ref());
    match spec {
        ["resources", "requests", "storage"] if shrinks(old, new) => Verdict::data_loss(
            format!(
                "storage request shrunk from {} to {}: Kubernetes never shrinks a claim, so a smaller one is a new, empty volume; the data is lost unless it is copied over",
                short(old),
                short(new)
            ),
            format!(
                "Keep {}. A smaller volume is a new claim: back up the data, `kubectl delete {}`, apply, and restore.",
                short(old),
                kubectl(key)
            ),
        ),
        ["resources", "requests", "storage"] if grows(old, new) => Verdict::safe(format!(
            "storage request grows from {} to {}: the volume is expanded if its storage class allows it",
            short(old),
            short(new)
        )),
        [] => Verdict::safe("applies in place"),
        _ => Verdict::breaking(
            format!(
                "`spec.{}` of a PersistentVolumeClaim cannot change (only its storage request can grow): `kubectl apply` fails",
                spec.join(".")
            ),
            "Keep the old value, or create a claim under a new name, copy the data into it, and point the workload at it.",
        ),
    }
}

fn disruption_budget(old: Option<&Value>, new: Option<&Value>, spec: &[&str]) -> Verdict {
    let looser = match (spec, old, new) {
        (["maxUnavailable"], Some(a), Some(b)) => comparable(a, b).map(|(a, b)| b > a),
        (["minAvailable"], Some(a), Some(b)) => comparable(a, b).map(|(a, b)| b < a),
        (["maxUnavailable" | "minAvailable"], _, _) => None,
        _ => Some(false),
    };
    match looser {
        Some(false) => Verdict::safe("applies in place"),
        Some(true) => Verdict::attention(format!(
            "disruption budget loosened: {} {} → {}; more pods may be evicted at once",
            spec.join("."),
            short(old),
            short(new)
        )),
        None => Verdict::attention(format!(
            "disruption budget changed: {} {} → {}; check it allows no more evictions than before",
            spec.join("."),
            short(old),
            short(new)
        )),
    }
}

/// Two counts, or two percentages, as numbers; `None` when they cannot be compared.
fn comparable(a: &Value, b: &Value) -> Option<(f64, f64)> {
    let percent = |v: &Value| v.as_str().and_then(|s| s.strip_suffix('%')?.parse().ok());
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => Some((x.as_f64()?, y.as_f64()?)),
        _ => Some((percent(a)?, percent(b)?)),
    }
}

fn number(value: Option<&Value>) -> Option<f64> {
    value.and_then(Value::as_f64)
}

fn shrinks(old: Option<&Value>, new: Option<&Value>) -> bool {
    matches!((old.and_then(quantity), new.and_then(quantity)), (Some(a), Some(b)) if b < a)
}

fn grows(old: Option<&Value>, new: Option<&Value>) -> bool {
    matches!((old.and_then(quantity), new.and_then(quantity)), (Some(a), Some(b)) if b > a)
}

fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_lowercase().chain(chars).collect())
}
