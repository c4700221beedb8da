//! Patches: `patch KIND NAME { … }` edits of the objects lowering writes, the stage after it.
//! An edit sets a field (a list of values replaces the list), removes one (`#null`), edits inside
//! an object, or edits one entry of a list found by a field of its own (`containers name=orders
//! { … }`) — a JSON merge patch would replace the whole list.
//!
//! Before anything is written, [`check`] applies every patch to the lowered objects: a patch
//! that names no object, that edits through a field that is not an object or a list, or that
//! leaves an object the Kubernetes schema does not read back the same (an unknown field, a
//! wrong type) is an error on its span; one that changes a field Kubernetes keeps once the
//! object exists (a selector) is a warning.

use serde_json::Value;

use crate::diag::{Diagnostic, Diagnostics, codes};
use crate::lower::Manifest;
use crate::model::{App, Edit, Patch};
use crate::source::Span;

/// Applies every patch of `app` to the objects it names among `manifests`; a patch that names
/// none, or cannot apply, is left out ([`check`] reports it).
pub fn apply_all(app: &App, manifests: &mut [Manifest]) {
    for patch in &app.patches {
        if let Some(m) = manifests.iter_mut().find(|m| names(&m.object, patch)) {
            let mut patched = m.object.clone();
            if apply(&mut patched, &patch.edits).is_ok() {
                m.object = patched;
            }
        }
    }
}

/// Every mistake of the app's patches against the objects lowering wrote (`manifests`).
pub fn check(app: &App, manifests: &[Manifest]) -> Diagnostics {
    let mut diags = Diagnostics::new();
    for patch in &app.patches {
        let Some(target) = manifests.iter().find(|m| names(&m.object, patch)) else {
            let same_kind: Vec<&str> = manifests
                .iter()
                .filter(|m| m.object["kind"] == patch.kind.as_str())
                .filter_map(|m| m.object["metadata"]["name"].as_str())
                .collect();
            diags.push(
                Diagnostic::error(
                    codes::UNKNOWN_TARGET,
                    format!("the patch names {} `{}`, which Windlass does not write", patch.kind, patch.name),
                )
                .label(patch.span, "no such object")
                .help(crate::diag::suggest_help(
                    &patch.name,
                    same_kind.iter().copied(),
                    &if same_kind.is_empty() {
                        format!("the app has no {}: patch an object it writes (`windlass build` lists them)", patch.kind)
                    } else {
                        format!("its {}s are {}", patch.kind, same_kind.join(", "))
                    },
                )),
            );
            continue;
        };
        let mut patched = target.object.clone();
        if let Err((span, why)) = apply(&mut patched, &patch.edits) {
            diags.push(
                Diagnostic::error(
                    codes::INVALID_VALUE,
                    format!("the patch of {} `{}` cannot apply", patch.kind, patch.name),
                )
                .label(span, why)
                .help("edit inside an object with `field { … }`, and an entry of a list with `list KEY=VALUE { … }`"),
            );
            continue;
        }
        if let Some(problem) = selector_problem(&patched) {
            diags.push(
                Diagnostic::error(
                    codes::INVALID_VALUE,
                    format!("the patched {} `{}` selects no pod of its own", patch.kind, patch.name),
                )
                .label(patch.span, problem)
                .help("a controller's selector must match its pod template's labels, or the API server refuses it: patch both, or keep the selector"),
            );
            continue;
        }
        if let Some(problem) = crate::schema::problem(&patched) {
            diags.push(
                Diagnostic::error(
                    codes::INVALID_VALUE,
                    format!("the patched {} `{}` breaks its schema", patch.kind, patch.name),
                )
                .label(patch.span, problem)
                .help("write the fields as the Kubernetes API names them, with values of their type (`kubectl explain` shows them)"),
            );
            continue;
        }
    }
    diags
}

/// What is wrong with a controller whose selector its own pod template's labels do not match.
fn selector_problem(object: &Value) -> Option<String> {
    let kind = object["kind"].as_str()?;
    if !matches!(
        kind,
        "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet"
    ) {
        return None;
    }
    let selector = object["spec"]["selector"]["matchLabels"].as_object()?;
    let labels = &object["spec"]["template"]["metadata"]["labels"];
    selector
        .iter()
        .find(|(k, v)| labels.get(k.as_str()) != Some(*v))
        .map(|(k, v)| {
            format!(
                "`{k}: {}` is not among the pods' labels",
                v.as_str().unwrap_or("…")
            )
        })
}

/// Whether `object` is the one `patch` names.
fn names(object: &Value, patch: &Patch) -> bool {
    object["kind"] == patch.kind.as_str() && object["metadata"]["name"] == patch.name.as_str()
}

/// The fields Kubernetes keeps once an object of `kind` exists.
pub fn immutable_fields(kind: &str) -> &'static [&'static str] {
    match kind {
        "Deployment" | "ReplicaSet" | "DaemonSet" => &["spec.selector"],
        "StatefulSet" => &[
            "spec.selector",
            "spec.serviceName",
            "spec.volumeClaimTemplates",
            "spec.podManagementPolicy",
        ],
        "Job" => &["spec.selector", "spec.template", "spec.completions"],
        "Service" => &["spec.clusterIP", "spec.clusterIPs"],
        "PersistentVolumeClaim" => &["spec.accessModes", "spec.storageClassName"],
        "RoleBinding" => &["roleRef"],
        _ => &[],
    }
}

/// The fields a patch's edits touch, as dotted paths (`spec.template.spec.containers`), each
/// with where it was written.
pub fn touched(edits: &[Edit]) -> Vec<(String, Span)> {
    fn walk(edits: &[Edit], prefix: &str, out: &mut Vec<(String, Span)>) {
        for edit in edits {
            let (key, span) = match edit {
                Edit::Set { key, span, .. }
                | Edit::Delete { key, span }
                | Edit::Object { key, span, .. }
                | Edit::Entry { key, span, .. } => (key, *span),
            };
            let path = if prefix.is_empty() {
                key.clone()
            } else {
                format!("{prefix}.{key}")
            };
            match edit {
                Edit::Object { edits, .. } => walk(edits, &path, out),
                _ => out.push((path, span)),
            }
        }
    }
    let mut out = Vec::new();
    walk(edits, "", &mut out);
    out
}

/// Applies `edits` to `object`, or says where one cannot apply.
pub fn apply(object: &mut Value, edits: &[Edit]) -> Result<(), (Span, String)> {
    for edit in edits {
        let Some(map) = object.as_object_mut() else {
            return Err((
                span_of(edit),
                "edits a field of something that is not an object".to_owned(),
            ));
        };
        match edit {
            Edit::Set { key, value, .. } => {
                map.insert(key.clone(), value.clone());
            }
            Edit::Delete { key, .. } => {
                map.remove(key);
            }
            Edit::Object { key, edits, span } => {
                let inner = map
                    .entry(key.clone())
                    .or_insert_with(|| Value::Object(serde_json::Map::new()));
                if !inner.is_object() {
                    return Err((*span, format!("`{key}` is not an object")));
                }
                apply(inner, edits)?;
            }
            Edit::Entry {
                key,
                by,
                value,
                edits,
                remove,
                span,
            } => {
                let list = map
                    .entry(key.clone())
                    .or_insert_with(|| Value::Array(Vec::new()));
                let Some(list) = list.as_array_mut() else {
                    return Err((*span, format!("`{key}` is not a list")));
                };
                let found = list.iter().position(|e| e.get(by) == Some(value));
                match (found, remove) {
                    (Some(i), true) => {
                        list.remove(i);
                    }
                    (None, true) => {
                        return Err((
                            *span,
                            format!("`{key}` has no entry whose `{by}` is {value}"),
                        ));
                    }
                    (Some(i), false) => apply(&mut list[i], edits)?,
                    (None, false) => {
                        let mut entry = Value::Object(serde_json::Map::new());
                        entry[by.as_str()] = value.clone();
                        apply(&mut entry, edits)?;
                        list.push(entry);
                    }
                }
            }
        }
    }
    Ok(())
}

/// Where an edit was written.
fn span_of(edit: &Edit) -> Span {
    match edit {
        Edit::Set { span, .. }
        | Edit::Delete { span, .. }
        | Edit::Object { span, .. }
        | Edit::Entry { span, .. } => *span,
    }
}
