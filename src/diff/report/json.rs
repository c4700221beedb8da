//! The report as JSON: a summary, the workloads that restart, and every change with the
//! identity of its resource, its path, old and new value, class, reason and advice.

use serde_json::{Value, json};

use crate::diff::{Class, Key, Report, Status};

/// The report as pretty-printed JSON, ending with a newline.
pub fn json(report: &Report) -> String {
    let counts = report.status_counts();
    let classes: serde_json::Map<String, Value> = Class::ALL
        .iter()
        .zip(report.class_counts())
        .map(|(class, n)| (class.id().to_owned(), Value::from(n)))
        .collect();
    let changes: Vec<Value> = report
        .resources
        .iter()
        .flat_map(|resource| {
            resource.changes.iter().map(move |change| {
                let mut entry = json!({
                    "resource": identity(&resource.key, Some(&resource.api_version)),
                    "status": resource.status.label(),
                });
                if let Status::Renamed { from } = &resource.status {
                    entry["previous"] = identity(from, None);
                }
                entry["path"] = Value::from(change.path.as_str());
                entry["old"] = change.old.clone().unwrap_or(Value::Null);
                entry["new"] = change.new.clone().unwrap_or(Value::Null);
                entry["class"] = Value::from(change.class.id());
                entry["reason"] = Value::from(change.reason.as_str());
                entry["advice"] = change.advice.as_deref().map_or(Value::Null, Value::from);
                entry
            })
        })
        .collect();
    let restarts: Vec<Value> = report.restarts().map(|k| identity(k, None)).collect();
    let document = json!({
        "summary": {
            "added": counts.added,
            "changed": counts.changed,
            "removed": counts.removed,
            "renamed": counts.renamed,
            "unchanged": report.unchanged,
            "classes": classes,
            "dangerous": report.is_dangerous(),
        },
        "restarts": restarts,
        "changes": changes,
    });
    // Cannot fail: every key is a string.
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}

/// A resource's identity: its API version (when known), group, kind, namespace and name.
fn identity(key: &Key, api_version: Option<&str>) -> Value {
    let mut out = serde_json::Map::new();
    if let Some(api_version) = api_version {
        out.insert("apiVersion".into(), Value::from(api_version));
    }
    out.insert("group".into(), Value::from(key.group.as_str()));
    out.insert("kind".into(), Value::from(key.kind.as_str()));
    out.insert(
        "namespace".into(),
        key.namespace.as_deref().map_or(Value::Null, Value::from),
    );
    out.insert("name".into(), Value::from(key.name.as_str()));
    Value::Object(out)
}
