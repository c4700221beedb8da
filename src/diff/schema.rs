//! What the diff knows of the Kubernetes schema, read by normalisation and by the field
//! comparison alike: which values mean "not set", and how the items of each list are matched —
//! by the key Kubernetes merges them by, as a set, or by position.

use std::collections::BTreeSet;

use serde_json::Value;

/// Null, or an empty list: the same as the field not being there.
pub fn is_absent(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Array(items) => items.is_empty(),
        _ => false,
    }
}

/// How the items of a list are matched.
pub enum ListShape {
    /// By key: the key of every item, in order, on each side.
    Keyed {
        /// Keys of the old items.
        old: Vec<String>,
        /// Keys of the new items.
        new: Vec<String>,
    },
    /// By position.
    Positional,
}

/// Lists of plain values whose order means nothing.
pub fn is_set(field: &str) -> bool {
    matches!(
        field,
        "accessModes" | "add" | "drop" | "hosts" | "finalizers" | "verbs" | "apiGroups"
    )
}

/// Sort key of an item of a set-like list.
pub fn sort_key(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// How to match the items of the list `field` on both sides.
pub fn list_shape(field: &str, old: &[Value], new: &[Value]) -> ListShape {
    let keys = |items: &[Value]| -> Option<Vec<String>> {
        let keys: Vec<String> = items
            .iter()
            .map(|item| item_key(field, item))
            .collect::<Option<_>>()?;
        let unique: BTreeSet<&String> = keys.iter().collect();
        (unique.len() == keys.len()).then_some(keys)
    };
    match (keys(old), keys(new)) {
        (Some(old), Some(new)) => ListShape::Keyed { old, new },
        _ => ListShape::Positional,
    }
}

/// The merge key of an item of the list `field`, as Kubernetes (or a reader) knows it.
fn item_key(field: &str, item: &Value) -> Option<String> {
    let text = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    let get = |name: &str| item.get(name).and_then(text);
    match field {
        "ports" => {
            let port = get("containerPort").or_else(|| get("port"))?;
            let protocol = get("protocol").unwrap_or_else(|| "TCP".to_owned());
            Some(format!("{port}/{protocol}"))
        }
        "volumeMounts" => get("mountPath"),
        "volumeDevices" => get("devicePath"),
        "volumeClaimTemplates" => item
            .get("metadata")
            .and_then(|m| m.get("name"))
            .and_then(text),
        "topologySpreadConstraints" => get("topologyKey"),
        // Ingress rules (RBAC rules have no `http`, and are compared by position).
        "rules" if item.get("http").is_some() || item.get("host").is_some() => {
            Some(get("host").unwrap_or_else(|| "*".to_owned()))
        }
        "paths" if item.get("backend").is_some() => {
            Some(get("path").unwrap_or_else(|| "/".to_owned()))
        }
        "tls" => get("secretName"),
        "hostAliases" => get("ip"),
        "items" => get("key"),
        "metrics" => {
            let kind = get("type")?;
            let target = item
                .get(kind.to_lowercase().as_str())
                .and_then(|m| m.get("name").or_else(|| m.get("metric")?.get("name")))
                .and_then(text);
            Some(target.map_or(kind.clone(), |t| format!("{kind} {t}")))
        }
        "envFrom" => {
            let source = ["configMapRef", "secretRef"]
                .iter()
                .find_map(|r| item.get(*r)?.get("name").and_then(text))?;
            Some(match get("prefix") {
                Some(prefix) => format!("{prefix}{source}"),
                None => source,
            })
        }
        _ => get("name"),
    }
}
