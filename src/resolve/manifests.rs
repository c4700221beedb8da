//! `manifest "PATH"`: Kubernetes objects the language does not model (a `ServiceMonitor`, a
//! `PriorityClass`'s user, a custom resource), included from YAML files beside the description
//! and written with the rest: in the app's namespace, labelled as part of it, after the
//! workloads' objects. The file is read through the `Loader`, so the core stays IO-free.

use std::path::{Component, Path};

use serde_json::Value;

use crate::diag::{Diagnostic, Diagnostics, codes};
use crate::model::RawManifest;
use crate::resolve::values::{self, NodeView};
use crate::source::{FileId, Loader, Sources, Span};

/// Kinds that belong to no namespace: an app's output is one namespace's, and these would be
/// shared by every environment and app of the cluster.
const CLUSTER_SCOPED: &[&str] = &[
    "Namespace",
    "ClusterRole",
    "ClusterRoleBinding",
    "CustomResourceDefinition",
    "PriorityClass",
    "StorageClass",
    "PersistentVolume",
    "IngressClass",
    "GatewayClass",
    "RuntimeClass",
    "ValidatingWebhookConfiguration",
    "MutatingWebhookConfiguration",
    "ValidatingAdmissionPolicy",
    "APIService",
    "CSIDriver",
    "Node",
    "ClusterIssuer",
];

/// Namespaced kinds whose schema Kubernetes (or Gateway API) defines; others (custom resources)
/// are checked for their identity only, and reported as unvalidated.
pub const KNOWN_KINDS: &[&str] = &[
    "ConfigMap",
    "Secret",
    "Service",
    "ServiceAccount",
    "Pod",
    "PersistentVolumeClaim",
    "Endpoints",
    "LimitRange",
    "ResourceQuota",
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "Job",
    "CronJob",
    "HorizontalPodAutoscaler",
    "PodDisruptionBudget",
    "Ingress",
    "NetworkPolicy",
    "Role",
    "RoleBinding",
    "EndpointSlice",
    "Lease",
    "HTTPRoute",
    "GRPCRoute",
    "Gateway",
    "ReferenceGrant",
];

/// Reads every `manifest "PATH"` of the app `view`: each YAML document of the file, checked for
/// what identifies it and put in `namespace`.
pub fn read(
    view: &NodeView,
    namespace: &str,
    sources: &Sources,
    loader: &dyn Loader,
    diags: &mut Diagnostics,
) -> Vec<RawManifest> {
    let mut out = Vec::new();
    let root = sources
        .get(FileId(0))
        .and_then(|f| f.path.parent())
        .unwrap_or(Path::new(""))
        .to_path_buf();
    for node in view.children().filter(|c| c.name() == "manifest") {
        let mut e = node.read(diags);
        let val = e.require_arg(
            "a file path",
            "manifest \"monitoring/service-monitor.yaml\"",
            diags,
        );
        e.finish(&[], diags);
        let Some(val) = val else { continue };
        let Some(relative) = values::string(&val, diags) else {
            continue;
        };
        let span = val.span;
        let path = Path::new(&relative);
        let escapes = path.is_absolute()
            || path
                .components()
                .any(|c| matches!(c, Component::ParentDir | Component::Prefix(_)));
        if escapes || relative.is_empty() {
            diags.push(
                Diagnostic::error(codes::INVALID_VALUE, format!("`{relative}` is outside the project directory"))
                    .label(span, "not inside the description's directory")
                    .help("a manifest is a relative path to a file inside the directory of the description, without `..`"),
            );
            continue;
        }
        let text = match loader.load(&root.join(path)) {
            Ok(text) => text,
            Err(err) => {
                diags.push(
                    Diagnostic::error(
                        codes::INVALID_VALUE,
                        format!("cannot read `{relative}`: {err}"),
                    )
                    .label(span, "this manifest")
                    .help("the path is relative to the description's directory"),
                );
                continue;
            }
        };
        let documents = match crate::yaml::general::documents(&text) {
            Ok(documents) => documents,
            Err(err) => {
                diags.push(
                    Diagnostic::error(
                        codes::INVALID_VALUE,
                        format!("`{relative}` is not YAML: {err}"),
                    )
                    .label(span, "this manifest")
                    .help("fix the file: it holds Kubernetes objects as YAML documents"),
                );
                continue;
            }
        };
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        let component = format!("manifest-{}", component_name(&stem));
        for (line, object) in documents {
            if object.is_null() {
                continue;
            }
            if let Some(manifest) = object_of(object, &relative, line, span, namespace, diags) {
                out.push(RawManifest {
                    component: component.clone(),
                    ..manifest
                });
            }
        }
    }
    out
}

/// A file name as a component name: lower-case letters, digits and `-`.
fn component_name(stem: &str) -> String {
    let name: String = stem
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let name = name.trim_matches('-').to_owned();
    if name.is_empty() {
        "objects".to_owned()
    } else {
        name
    }
}

/// One document of a manifest file as an object of the app, or why it cannot be one.
fn object_of(
    mut object: Value,
    file: &str,
    line: usize,
    span: Span,
    namespace: &str,
    diags: &mut Diagnostics,
) -> Option<RawManifest> {
    let fail = |what: String, help: &str, diags: &mut Diagnostics| {
        diags.push(
            Diagnostic::error(
                codes::INVALID_VALUE,
                format!("the object at line {line} of `{file}` {what}"),
            )
            .label(span, "in this manifest")
            .help(help.to_owned()),
        );
    };
    if !object.is_object() {
        fail(
            "is not a Kubernetes object".to_owned(),
            "each YAML document is one object: `apiVersion`, `kind`, `metadata.name`, …",
            diags,
        );
        return None;
    }
    let text = |object: &Value, path: &[&str]| {
        path.iter()
            .try_fold(object, |v, k| v.get(k))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let (Some(api_version), Some(kind)) =
        (text(&object, &["apiVersion"]), text(&object, &["kind"]))
    else {
        fail(
            "has no `apiVersion` or `kind`".to_owned(),
            "every object says what it is: `apiVersion: monitoring.coreos.com/v1`, `kind: ServiceMonitor`",
            diags,
        );
        return None;
    };
    let Some(name) = text(&object, &["metadata", "name"]) else {
        fail(
            format!("(a {kind}) has no `metadata.name`"),
            "name the object: `metadata: {name: …}`",
            diags,
        );
        return None;
    };
    let valid_name = !name.is_empty()
        && name.len() <= 253
        && name
            .split('.')
            .all(|part| crate::model::names::is_dns_label(part) && part.len() <= 63);
    if !valid_name || api_version.is_empty() {
        fail(
            format!("({kind} `{name}`) has an invalid name"),
            "object names are DNS subdomains: lower-case letters, digits, `-` and `.`",
            diags,
        );
        return None;
    }
    if CLUSTER_SCOPED.contains(&kind.as_str()) {
        fail(
            format!("({kind} `{name}`) belongs to no namespace"),
            "an app's output is its namespace's objects; apply cluster-wide objects (a ClusterRole, a PriorityClass) outside it, once for every app that needs them",
            diags,
        );
        return None;
    }
    if let Some(other) = text(&object, &["metadata", "namespace"])
        && other != namespace
    {
        fail(
            format!("({kind} `{name}`) is in namespace `{other}`"),
            &format!(
                "every object of the app is in `{namespace}`: leave `metadata.namespace` out, and Windlass writes it"
            ),
            diags,
        );
        return None;
    }
    let metadata = object.get_mut("metadata").and_then(Value::as_object_mut)?;
    metadata.insert("namespace".to_owned(), Value::String(namespace.to_owned()));
    // A kind whose schema is known must read back whole: a misspelt field would be dropped
    // without a word by a client, refused by a strict server.
    if let Some(problem) = crate::schema::problem(&object) {
        fail(
            format!("({kind} `{name}`) does not follow its schema: {problem}"),
            "write the fields as the Kubernetes API names them, with values of their type (`kubectl explain` shows them)",
            diags,
        );
        return None;
    }
    Some(RawManifest {
        kind: kind.clone(),
        name,
        known: KNOWN_KINDS.contains(&kind.as_str()),
        object,
        span,
        component: String::new(),
    })
}
