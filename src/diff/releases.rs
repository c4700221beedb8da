//! What a change means for a release, which no single object says: a canary promoted or
//! abandoned, the share of requests a new canary really gets, and the callers a change to a
//! Service breaks.

use serde_json::Value;

use super::callers::Callers;
use super::{Class, Key, ResourceDiff, Status};

const TRACK: &str = "app.kubernetes.io/track";

/// The whole new output: the objects compared, and — read only when asked — those known to be
/// unchanged.
pub(super) struct Output<'a> {
    compared: &'a [&'a Value],
    unchanged: &'a dyn Fn() -> Vec<Value>,
    read: std::cell::OnceCell<Vec<Value>>,
}

impl<'a> Output<'a> {
    pub(super) fn new(compared: &'a [&'a Value], unchanged: &'a dyn Fn() -> Vec<Value>) -> Self {
        Output {
            compared,
            unchanged,
            read: std::cell::OnceCell::new(),
        }
    }

    /// Every new object.
    fn all(&self) -> Vec<&Value> {
        let rest = self.read.get_or_init(|| (self.unchanged)());
        self.compared.iter().copied().chain(rest).collect()
    }
}

/// The first container image of a workload object's pod template.
fn pod_image(object: &Value) -> Option<&str> {
    object
        .pointer("/spec/template/spec/containers/0/image")?
        .as_str()
}

/// A canary Deployment removed while the stable one takes its image is a promotion: say so,
/// rather than a bare "Deployment removed". A canary removed while the stable image stays is a
/// canary abandoned.
pub(super) fn name_promotions(resources: &mut [(usize, ResourceDiff)]) {
    let stable_images: Vec<(Key, Option<String>)> = resources
        .iter()
        .filter(|(_, r)| r.key.kind == "Deployment" && r.status == Status::Changed)
        .map(|(_, r)| {
            (
                r.key.clone(),
                r.after.as_ref().and_then(pod_image).map(str::to_owned),
            )
        })
        .collect();
    for (_, r) in resources.iter_mut() {
        let Some(before) = &r.before else { continue };
        let canary = r.status == Status::Removed
            && r.key.kind == "Deployment"
            && before
                .pointer("/metadata/labels")
                .and_then(|l| l.get(TRACK))
                .and_then(Value::as_str)
                == Some("canary");
        if !canary {
            continue;
        }
        let Some(stable_name) = r.key.name.strip_suffix("-canary") else {
            continue;
        };
        let image = pod_image(before).map(str::to_owned);
        let stable = stable_images
            .iter()
            .find(|(k, _)| k.name == stable_name && k.namespace == r.key.namespace);
        let promoted = matches!((stable, &image), (Some((_, Some(new))), Some(canary_image)) if new == canary_image);
        let reason = match (stable, &image) {
            (Some((_, Some(new))), Some(canary_image)) if new == canary_image => {
                format!("canary promoted: `{stable_name}` now runs its image {canary_image}")
            }
            (_, Some(canary_image)) => {
                format!("canary of `{stable_name}` ({canary_image}) removed without promotion")
            }
            _ => format!("canary of `{stable_name}` removed"),
        };
        for change in &mut r.changes {
            change.reason = reason.clone();
            // The release it tried is the stable one now: its pods stopping is the plan.
            if promoted {
                change.class = Class::Safe;
            }
        }
        if promoted {
            r.class = Class::Safe;
        }
    }
}

/// Whether an object is a canary Deployment (its labels say `track: canary`).
fn is_canary(object: &Value) -> bool {
    object
        .pointer("/metadata/labels")
        .and_then(|l| l.get(TRACK))
        .and_then(Value::as_str)
        == Some("canary")
}

/// A new canary Deployment says what share of requests it really gets: the nginx Ingress's
/// `canary-weight`, the HTTPRoute's backend weights, or — one Service over both tracks — its pods
/// beside the stable ones.
pub(super) fn name_canaries(resources: &mut [(usize, ResourceDiff)], output: &Output<'_>) {
    let mut all: Option<Vec<&Value>> = None;
    for (_, r) in resources.iter_mut() {
        let weighed =
            r.status == Status::Changed && r.changes.iter().any(|c| c.path == "spec.replicas");
        if !(r.status == Status::Added || weighed) || r.key.kind != "Deployment" {
            continue;
        }
        let Some(after) = &r.after else { continue };
        if !is_canary(after) {
            continue;
        }
        let Some(stable) = r.key.name.strip_suffix("-canary") else {
            continue;
        };
        let new: &[&Value] = all.get_or_insert_with(|| output.all());
        let find = |kind: &str, name: &str| {
            new.iter().copied().find(|o| {
                Key::of(o).is_some_and(|k| {
                    k.kind == kind && k.name == name && k.namespace == r.key.namespace
                })
            })
        };
        let image = pod_image(after).unwrap_or("?");
        let share = if let Some(weight) = find("Ingress", &r.key.name)
            .and_then(|i| i.pointer("/metadata/annotations"))
            .and_then(|a| a.get("nginx.ingress.kubernetes.io/canary-weight"))
            .and_then(Value::as_str)
        {
            format!(
                "the canary Ingress sends it {weight}% of the requests from outside the cluster; in-cluster callers of `{stable}` reach the stable pods only"
            )
        } else if let Some((weight, total, route)) = route_weight(new, &r.key) {
            format!(
                "HTTPRoute `{route}` sends it {}% of its requests ({weight} of {total} by backend weight)",
                percent(weight, total)
            )
        } else {
            let canary_pods = replicas(after).unwrap_or(1);
            let stable_pods = find("Deployment", stable)
                .and_then(replicas)
                .or_else(|| {
                    new.iter()
                        .copied()
                        .find(|o| {
                            Key::of(o).is_some_and(|k| {
                                k.kind == "HorizontalPodAutoscaler"
                                    && k.namespace == r.key.namespace
                            }) && o
                                .pointer("/spec/scaleTargetRef/name")
                                .and_then(Value::as_str)
                                == Some(stable)
                        })
                        .and_then(|h| h.pointer("/spec/minReplicas"))
                        .and_then(Value::as_u64)
                })
                .unwrap_or(1);
            let all = canary_pods + stable_pods;
            format!(
                "about {}% of the requests to `{stable}` reach it: {canary_pods} of {all} pods behind one Service, split by replica ratio, not by weight",
                percent(canary_pods, all)
            )
        };
        if weighed {
            for change in r.changes.iter_mut().filter(|c| c.path == "spec.replicas") {
                change.class = Class::Attention;
                change.reason = format!("the canary of `{stable}` gets another share: {share}");
            }
            r.changes.sort_by_key(|c| c.class);
        } else {
            for change in &mut r.changes {
                change.class = Class::Attention;
                change.reason = format!("new canary of `{stable}` running {image}: {share}");
            }
        }
        r.class = r
            .changes
            .iter()
            .map(|c| c.class)
            .min()
            .unwrap_or(Class::Safe);
    }
}

fn replicas(object: &Value) -> Option<u64> {
    object.pointer("/spec/replicas").and_then(Value::as_u64)
}

fn percent(part: u64, whole: u64) -> u64 {
    (part * 100 + whole / 2).checked_div(whole).unwrap_or(0)
}

/// The weight of the backend `canary` in the HTTPRoute that sends to it, the rule's total, and
/// the route's name.
fn route_weight(new: &[&Value], canary: &Key) -> Option<(u64, u64, String)> {
    for object in new {
        let Some(key) = Key::of(object) else { continue };
        if key.kind != "HTTPRoute" || key.namespace != canary.namespace {
            continue;
        }
        for rule in object
            .pointer("/spec/rules")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let backends = rule.get("backendRefs").and_then(Value::as_array);
            let weight = |b: &Value| b.get("weight").and_then(Value::as_u64).unwrap_or(1);
            let Some(backends) = backends else { continue };
            if let Some(mine) = backends
                .iter()
                .find(|b| b.get("name").and_then(Value::as_str) == Some(canary.name.as_str()))
            {
                let total = backends.iter().map(weight).sum();
                return Some((weight(mine), total, key.name));
            }
        }
    }
    None
}

/// A change to a Service that breaks its callers — removed or renamed, a port gone or sent
/// elsewhere, another selector, a narrower type — names the callers the objects know of.
pub(super) fn name_callers(resources: &mut [(usize, ResourceDiff)], output: &Output<'_>) {
    let service_of = |r: &ResourceDiff| match &r.status {
        Status::Renamed { from } => from.clone(),
        _ => r.key.clone(),
    };
    let services: Vec<Key> = resources
        .iter()
        .filter(|(_, r)| r.changes.iter().any(|c| breaks_callers(r, c)))
        .map(|(_, r)| service_of(r))
        .collect();
    if services.is_empty() {
        return;
    }
    // Only callers that will still run after the apply break: those of the new output.
    let callers = Callers::of(output.all(), &services);
    for (_, r) in resources.iter_mut() {
        if !r.changes.iter().any(|c| breaks_callers(r, c)) {
            continue;
        }
        let advice = callers.advice(&service_of(r));
        let which: Vec<bool> = r.changes.iter().map(|c| breaks_callers(r, c)).collect();
        for (c, breaks) in r.changes.iter_mut().zip(which) {
            if breaks && c.advice.is_none() {
                c.advice = Some(advice.clone());
            }
        }
    }
}

/// Whether a change to the resource `r` breaks the callers of the Service it is.
fn breaks_callers(r: &ResourceDiff, c: &super::Change) -> bool {
    r.key.kind == "Service"
        && c.class == Class::Attention
        && ((c.path.is_empty() && r.status != Status::Added)
            || c.path.starts_with("spec.ports")
            || c.path.starts_with("spec.selector")
            || (c.path == "spec.type" && !c.reason.starts_with("exposure widened")))
}
