//! Normalisation: what two objects must have in common before they are compared, so that
//! formatting and what a cluster adds never show as a change; and alignment, so that a text diff
//! of the two shows no reordering either.

use serde_json::{Map, Value};

use super::schema::{self, ListShape, is_absent};

/// Fields of `metadata` a cluster fills in; an object exported with `kubectl get -o yaml` has them.
const SERVER_METADATA: &[&str] = &[
    "creationTimestamp",
    "deletionGracePeriodSeconds",
    "deletionTimestamp",
    "generation",
    "managedFields",
    "resourceVersion",
    "selfLink",
    "uid",
];

/// Annotations that tools write on live objects; they say nothing about the desired state.
const TOOL_ANNOTATIONS: &[&str] = &[
    "kubectl.kubernetes.io/last-applied-configuration",
    "deployment.kubernetes.io/revision",
];

/// What a masked Secret value reads as.
pub const HIDDEN: &str = "(hidden)";
/// What a masked Secret value that changed reads as on the new side.
pub const HIDDEN_CHANGED: &str = "(hidden, changed)";

/// The object without what a cluster adds, and without nulls and empty lists.
pub fn normalise(object: &Value) -> Value {
    let mut object = object.clone();
    if let Some(map) = object.as_object_mut() {
        map.remove("status");
        if let Some(Value::Object(metadata)) = map.get_mut("metadata") {
            for field in SERVER_METADATA {
                metadata.remove(*field);
            }
            if let Some(Value::Object(annotations)) = metadata.get_mut("annotations") {
                for annotation in TOOL_ANNOTATIONS {
                    annotations.remove(*annotation);
                }
                if annotations.is_empty() {
                    metadata.remove("annotations");
                }
            }
        }
    }
    tidy(&mut object);
    service_defaults(&mut object);
    object
}

/// A Service port's `targetPort` defaults to its `port`: written out, so that written or not it
/// is the same.
fn service_defaults(object: &mut Value) {
    if object.get("kind").and_then(Value::as_str) != Some("Service") {
        return;
    }
    let Some(ports) = object
        .pointer_mut("/spec/ports")
        .and_then(Value::as_array_mut)
    else {
        return;
    };
    for port in ports.iter_mut().filter_map(Value::as_object_mut) {
        if port.get("targetPort").is_none()
            && let Some(number) = port.get("port").cloned()
        {
            port.insert("targetPort".to_owned(), number);
        }
    }
}

/// Drops nulls and empty lists, all the way down.
fn tidy(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|_, v| !is_absent(v));
            for child in map.values_mut() {
                tidy(child);
            }
            // A child may have become empty (a list of nulls).
            map.retain(|_, v| !is_absent(v));
        }
        Value::Array(items) => {
            items.retain(|v| !v.is_null());
            for item in items.iter_mut() {
                tidy(item);
            }
        }
        _ => {}
    }
}

/// Masks the values of a Secret's `data` and `stringData` on both sides: every value reads
/// [`HIDDEN`], and a value that differs reads [`HIDDEN_CHANGED`] on the new side, so a change
/// shows without showing the secret.
pub fn mask_secrets(mut old: Option<&mut Value>, mut new: Option<&mut Value>) {
    let is_secret = |v: &Option<&mut Value>| {
        v.as_ref()
            .is_some_and(|v| v.get("kind").and_then(Value::as_str) == Some("Secret"))
    };
    if !is_secret(&old) && !is_secret(&new) {
        return;
    }
    for section in ["data", "stringData"] {
        let before = old
            .as_ref()
            .and_then(|v| v.get(section))
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        if let Some(Value::Object(values)) = new.as_deref_mut().and_then(|v| v.get_mut(section)) {
            mask_map(values, |key, value| {
                if before.get(key).is_none_or(|old| old == value) {
                    HIDDEN
                } else {
                    HIDDEN_CHANGED
                }
            });
        }
        if let Some(Value::Object(values)) = old.as_deref_mut().and_then(|v| v.get_mut(section)) {
            mask_map(values, |_, _| HIDDEN);
        }
    }
}

fn mask_map(values: &mut Map<String, Value>, mask: impl Fn(&str, &Value) -> &'static str) {
    for (key, value) in values.iter_mut() {
        *value = Value::String(mask(key, value).to_owned());
    }
}

/// Reorders the lists of `old` that are merged by key to follow `new`'s order (items only in
/// `old` keep their order, after the others), so a text diff of the two shows no reordering.
pub fn align(old: &mut Value, new: &Value, field: &str) {
    match (old, new) {
        (Value::Object(old), Value::Object(new)) => {
            for (key, child) in old.iter_mut() {
                if let Some(other) = new.get(key) {
                    align(child, other, key);
                }
            }
        }
        (Value::Array(old), Value::Array(new)) if schema::is_set(field) => {
            // A set in the new order; what only `old` has keeps its order, after the rest.
            old.sort_by_key(|item| new.iter().position(|n| n == item).unwrap_or(usize::MAX));
        }
        (Value::Array(old), Value::Array(new)) => match schema::list_shape(field, old, new) {
            ListShape::Keyed {
                old: old_keys,
                new: new_keys,
            } => {
                let mut items: Vec<(Option<usize>, usize, Value)> = std::mem::take(old)
                    .into_iter()
                    .zip(old_keys)
                    .enumerate()
                    .map(|(i, (item, key))| (new_keys.iter().position(|k| *k == key), i, item))
                    .collect();
                // Items in `new` by their position there, then the rest by their old position.
                items.sort_by_key(|(in_new, i, _)| (in_new.is_none(), in_new.unwrap_or(*i), *i));
                for (in_new, _, mut item) in items {
                    if let Some(other) = in_new.and_then(|j| new.get(j)) {
                        align(&mut item, other, field);
                    }
                    old.push(item);
                }
            }
            ListShape::Positional => {
                for (item, other) in old.iter_mut().zip(new) {
                    align(item, other, field);
                }
            }
        },
        _ => {}
    }
}
