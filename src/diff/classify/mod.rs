//! Classification: every change gets one [`Class`], a reason, and — when it is breaking or loses
//! data — advice on what a person has to do instead.
//!
//! - *breaking*: an immutable field — a Deployment's or Job's selector, a Job's pod template,
//!   every StatefulSet field but replicas, template, updateStrategy, ordinals, minReadySeconds,
//!   revisionHistoryLimit and persistentVolumeClaimRetentionPolicy, a Service's `clusterIP`, a
//!   PersistentVolumeClaim's spec other than a larger storage request.
//! - *data loss*: a StatefulSet, PersistentVolumeClaim, volume claim template, Namespace or
//!   database component removed (or renamed, which Kubernetes does by creating a new one); a
//!   storage request shrunk.
//! - *attention*: fewer replicas; exposure widened (a Service becomes NodePort or LoadBalancer, a
//!   new such Service, a new Ingress, host or path); an image tag that goes backwards or becomes
//!   `latest`; a probe or resource limit removed; a disruption budget loosened or removed; a
//!   Service port renamed or given another `appProtocol`.
//! - *rollout*: a pod template changed, so the workload's pods restart.
//! - *safe*: everything else.

mod image;
mod lifecycle;
mod rules;

use serde_json::Value;

use super::fields::{self, Segment};
use super::matching::{Pair, Side};
use super::normal;
use super::{Change, Class, Key, ResourceDiff, Status};

/// A class with its reason and advice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    /// The class.
    pub class: Class,
    /// Why, in one sentence.
    pub reason: String,
    /// What to do instead, for breaking and data-loss changes.
    pub advice: Option<String>,
}

impl Verdict {
    fn new(class: Class, reason: impl Into<String>) -> Self {
        Verdict {
            class,
            reason: reason.into(),
            advice: None,
        }
    }

    fn safe(reason: impl Into<String>) -> Self {
        Verdict::new(Class::Safe, reason)
    }

    fn attention(reason: impl Into<String>) -> Self {
        Verdict::new(Class::Attention, reason)
    }

    fn breaking(reason: impl Into<String>, advice: impl Into<String>) -> Self {
        Verdict {
            advice: Some(advice.into()),
            ..Verdict::new(Class::Breaking, reason)
        }
    }

    fn data_loss(reason: impl Into<String>, advice: impl Into<String>) -> Self {
        Verdict {
            advice: Some(advice.into()),
            ..Verdict::new(Class::DataLoss, reason)
        }
    }

    fn change(self, path: String, old: Option<Value>, new: Option<Value>) -> Change {
        Change {
            path,
            old,
            new,
            class: self.class,
            reason: self.reason,
            advice: self.advice,
        }
    }
}

/// What differs in a matched pair, classified; `None` when the two are the same.
pub fn resource(pair: Pair) -> Option<ResourceDiff> {
    match (pair.old, pair.new) {
        (Some(old), Some(new)) => changed(old, new),
        (None, Some(mut new)) => {
            normal::mask_secrets(None, Some(&mut new.object));
            let verdict = lifecycle::added(&new.key, &new.object);
            let change = verdict.change(String::new(), None, Some(new.object.clone()));
            Some(assemble(
                new.key,
                Status::Added,
                vec![change],
                false,
                None,
                Some(new.object),
            ))
        }
        (Some(mut old), None) => {
            normal::mask_secrets(Some(&mut old.object), None);
            let verdict = lifecycle::removed(&old.key, &old.object);
            let change = verdict.change(String::new(), Some(old.object.clone()), None);
            Some(assemble(
                old.key,
                Status::Removed,
                vec![change],
                false,
                Some(old.object),
                None,
            ))
        }
        (None, None) => None,
    }
}

fn changed(old: Side, new: Side) -> Option<ResourceDiff> {
    // Most resources are unchanged: one equality test settles them.
    if old.key == new.key && old.object == new.object {
        return None;
    }
    let (mut before, mut after) = (old.object, new.object);
    normal::mask_secrets(Some(&mut before), Some(&mut after));
    normal::align(&mut before, &after, "");
    let renamed = old.key != new.key;
    let found = if renamed {
        // Compared with the old name read as the new one, so a rename does not show as a change
        // of every label and selector that holds the name.
        fields::compare(
            &renamed_strings(&before, &old.key.name, &new.key.name),
            &after,
        )
    } else {
        fields::compare(&before, &after)
    };
    if found.is_empty() && !renamed {
        return None;
    }
    let template = rules::template_prefix(&new.key.kind);
    let restarts = rules::restarts_pods(&new.key.kind)
        && !renamed
        && found
            .iter()
            .any(|c| template.is_some_and(|prefix| c.path.fields().starts_with(prefix)));
    let mut changes = Vec::new();
    if renamed {
        let verdict = lifecycle::renamed(&old.key, &new.key);
        changes.push(verdict.change(
            String::new(),
            Some(Value::String(old.key.qualified_name())),
            Some(Value::String(new.key.qualified_name())),
        ));
    }
    for change in found {
        // A rename is one change, not a change of `metadata.name` and `metadata.namespace`.
        let identity = matches!(change.path.0.as_slice(),
            [Segment::Field(m), Segment::Field(f)] if m == "metadata" && (f == "name" || f == "namespace"));
        if renamed && identity {
            continue;
        }
        let mut verdict = rules::field(&new.key, &change);
        // A Service's selector follows the rename (its pods are renamed with it).
        let selector = new.key.kind == "Service"
            && change.path.fields().starts_with(&["spec", "selector"][..]);
        if renamed && (verdict.class != Class::Attention || selector) {
            // A renamed resource is a new object: nothing is changed in place, nothing restarts.
            verdict = Verdict::safe("the new object differs from the old one here");
        }
        changes.push(verdict.change(change.path.to_string(), change.old, change.new));
    }
    let status = if renamed {
        Status::Renamed { from: old.key }
    } else {
        Status::Changed
    };
    Some(assemble(
        new.key,
        status,
        changes,
        restarts,
        Some(before),
        Some(after),
    ))
}

/// `value` with every string equal to `from` replaced by `to`, map keys left alone.
fn renamed_strings(value: &Value, from: &str, to: &str) -> Value {
    match value {
        Value::String(s) if s == from => Value::String(to.to_owned()),
        Value::Array(items) => {
            Value::Array(items.iter().map(|v| renamed_strings(v, from, to)).collect())
        }
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), renamed_strings(v, from, to)))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn assemble(
    key: Key,
    status: Status,
    mut changes: Vec<Change>,
    restarts: bool,
    before: Option<Value>,
    after: Option<Value>,
) -> ResourceDiff {
    changes.sort_by_key(|c| c.class);
    let class = changes.iter().map(|c| c.class).min().unwrap_or(Class::Safe);
    let api_version = after
        .as_ref()
        .or(before.as_ref())
        .and_then(|o| o.get("apiVersion"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    ResourceDiff {
        api_version,
        key,
        status,
        class,
        changes,
        restarts,
        before,
        after,
    }
}

/// The arguments that name a resource to `kubectl`: `statefulset search -n shop`.
fn kubectl(key: &Key) -> String {
    let kind = key.kind.to_lowercase();
    // Built-in kinds are known to kubectl by their name; others need their group.
    let builtin = !key.group.contains('.') || key.group.ends_with(".k8s.io");
    let kind = if builtin {
        kind
    } else {
        format!("{kind}.{}", key.group)
    };
    match &key.namespace {
        Some(ns) => format!("{kind} {} -n {ns}", key.name),
        None => format!("{kind} {}", key.name),
    }
}

/// A value in a sentence: strings bare, `(none)` for a missing one, other values as JSON.
fn short(value: Option<&Value>) -> String {
    match value {
        None => "(none)".to_owned(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}
