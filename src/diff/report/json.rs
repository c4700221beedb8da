//! The report as JSON: a summary, the workloads that restart, and every change with the
//! identity of its resource, its path, old and new value, class, reason and advice; then a
//! summary per section (the base app, each environment) with the apply that prunes it.

use serde_json::{Value, json};

use crate::diff::{Class, Key, Report, Section, Status};

/// The report as pretty-printed JSON, ending with a newline. The top-level summary counts every
/// section; each change names its environment (`null` for the base app).
pub fn json(sections: &[Section]) -> String {
    let mut changes: Vec<Value> = Vec::new();
    let mut restarts: Vec<Value> = Vec::new();
    let mut summaries = Vec::new();
    for section in sections {
        let report = &section.report;
        let env = section.env.as_deref().map_or(Value::Null, Value::from);
        for resource in &report.resources {
            for change in &resource.changes {
                let mut entry = json!({
                    "environment": env.clone(),
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
                changes.push(entry);
            }
        }
        restarts.extend(report.restarts().map(|k| {
            let mut id = identity(k, None);
            id["environment"] = env.clone();
            id
        }));
        let apply = section.apply.as_ref().map_or(Value::Null, |apply| {
            json!({
                "applyset": apply.set.name,
                "namespace": apply.set.namespace,
                "id": apply.set.id(),
                "command": apply.command(),
                "deletes": report.deleted().map(|k| identity(k, None)).collect::<Vec<_>>(),
                "create_namespace_first": super::first_apply_line(section).is_some(),
            })
        });
        summaries.push(json!({
            "environment": env,
            "summary": summary(std::slice::from_ref(report)),
            "apply": apply,
        }));
    }
    let document = json!({
        "summary": summary(&sections.iter().map(|s| &s.report).collect::<Vec<_>>()),
        "restarts": restarts,
        "changes": changes,
        "sections": summaries,
    });
    // Cannot fail: every key is a string.
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}

/// The counts of reports together: resources per status, changes per class, and whether any
/// is dangerous.
fn summary<R: std::borrow::Borrow<Report>>(reports: &[R]) -> Value {
    let (mut added, mut changed, mut removed, mut renamed, mut unchanged) = (0, 0, 0, 0, 0);
    let mut class_counts = [0; 5];
    for report in reports {
        let report = report.borrow();
        let counts = report.status_counts();
        added += counts.added;
        changed += counts.changed;
        removed += counts.removed;
        renamed += counts.renamed;
        unchanged += report.unchanged;
        for (total, n) in class_counts.iter_mut().zip(report.class_counts()) {
            *total += n;
        }
    }
    let classes: serde_json::Map<String, Value> = Class::ALL
        .iter()
        .zip(class_counts)
        .map(|(class, n)| (class.id().to_owned(), Value::from(n)))
        .collect();
    json!({
        "added": added,
        "changed": changed,
        "removed": removed,
        "renamed": renamed,
        "unchanged": unchanged,
        "classes": classes,
        "dangerous": reports.iter().any(|r| r.borrow().is_dangerous()),
    })
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
