//! What the pods of an app refer to by name and Kubernetes looks up when it starts them — Secrets,
//! ConfigMaps, ServiceAccounts — and which of those the app itself creates. A reference to
//! an object nothing creates keeps the pod from starting until someone else creates it.

use std::collections::BTreeSet;

use super::Context;
use super::rules::{Role, containers};
use crate::model::{App, EnvFrom, EnvValue, Exposure, ServiceAccount, Workload, names};
use crate::source::Span;

/// The kinds of object a pod refers to by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum ObjectKind {
    /// A Secret.
    Secret,
    /// A ConfigMap.
    ConfigMap,
    /// A ServiceAccount.
    ServiceAccount,
}

impl ObjectKind {
    /// The Kubernetes kind.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            ObjectKind::Secret => "Secret",
            ObjectKind::ConfigMap => "ConfigMap",
            ObjectKind::ServiceAccount => "ServiceAccount",
        }
    }
}

/// One reference of a workload to an object by name.
#[derive(Clone, Debug)]
pub(crate) struct Reference<'a> {
    /// What it names.
    pub kind: ObjectKind,
    /// The object's name.
    pub name: &'a str,
    /// The workload whose pods (or Ingress) refer to it.
    pub workload: &'a Workload,
    /// Where it was written: the name itself, or (`at_name` false) the node that refers.
    pub span: Span,
    /// Whether `span` is the name as written (not when the name is a component's default, whose
    /// place is the instance's name).
    pub at_name: bool,
    /// What the reference takes from it, for a label: "key `password` for `DB_PASSWORD`".
    pub what: String,
    /// The key it reads, for a reference of one key.
    pub key: Option<&'a str>,
    /// The pod starts without it (`optional=#true`).
    pub optional: bool,
}

/// Every reference of the workloads rules look at, in the order of the description: by
/// workload, then containers (main, init, sidecars) with their `env-from` and `env`, then the
/// ServiceAccount, then the Ingress's certificate.
pub(crate) fn references<'a>(cx: &Context<'a>) -> Vec<Reference<'a>> {
    let mut out = Vec::new();
    for w in cx.workloads() {
        for (role, c) in containers(w) {
            let of = match role {
                Role::Main => String::new(),
                Role::Init => format!(" of init container `{}`", c.name),
                Role::Sidecar => format!(" of sidecar `{}`", c.name),
            };
            for from in &c.env_from {
                let (kind, name, span) = match from {
                    EnvFrom::Secret { name, span } => (ObjectKind::Secret, name, *span),
                    EnvFrom::ConfigMap { name, span } => (ObjectKind::ConfigMap, name, *span),
                };
                out.push(Reference {
                    kind,
                    name,
                    workload: w,
                    span,
                    at_name: span.key() != w.span.key(),
                    what: format!("every key, as the environment{of}"),
                    key: None,
                    optional: false,
                });
            }
            for var in &c.env {
                let (kind, name, key, optional, span) = match &var.value {
                    EnvValue::Secret {
                        name,
                        key,
                        optional,
                        span,
                    } => (ObjectKind::Secret, name, key, *optional, *span),
                    EnvValue::ConfigMap {
                        name,
                        key,
                        optional,
                        span,
                    } => (ObjectKind::ConfigMap, name, key, *optional, *span),
                    EnvValue::Literal(_) | EnvValue::Field(_) | EnvValue::Address(_) => continue,
                };
                out.push(Reference {
                    kind,
                    name,
                    workload: w,
                    span,
                    at_name: span.key() != w.span.key(),
                    what: format!("key `{key}` for `{}`{of}", var.name),
                    key: Some(key),
                    optional,
                });
            }
        }
        for volume in &w.volumes {
            let (kind, name, span) = match &volume.kind {
                crate::model::VolumeKind::ConfigMap { name, name_span } => {
                    (ObjectKind::ConfigMap, name, *name_span)
                }
                crate::model::VolumeKind::Secret { name, name_span } => {
                    (ObjectKind::Secret, name, *name_span)
                }
                _ => continue,
            };
            out.push(Reference {
                kind,
                name,
                workload: w,
                span,
                at_name: span.key() != w.span.key(),
                what: format!("every key, as files under `{}`", volume.path),
                key: None,
                optional: false,
            });
        }
        if let ServiceAccount::Existing { name, span } = &w.service_account
            && name != "default"
        {
            out.push(Reference {
                kind: ObjectKind::ServiceAccount,
                name,
                workload: w,
                span: *span,
                at_name: span.key() != w.span.key(),
                what: format!("`{}` runs as it", w.name),
                key: None,
                optional: false,
            });
        }
        if let Exposure::Ingress(ingress) = &w.expose
            && let Some(tls) = &ingress.tls
        {
            let issued = ingress
                .annotations
                .keys()
                .any(|k| k == "cert-manager.io/cluster-issuer" || k == "cert-manager.io/issuer");
            out.push(Reference {
                kind: ObjectKind::Secret,
                name: tls,
                workload: w,
                span: ingress.span,
                at_name: false,
                what: if issued {
                    "the Ingress's certificate, which cert-manager issues".to_owned()
                } else {
                    "the Ingress's certificate".to_owned()
                },
                key: None,
                optional: false,
            });
        }
    }
    out
}

/// The objects the app creates that pods may refer to: each workload's ServiceAccount
/// (`service-account` without a name) and the ConfigMap of its files. Windlass writes no Secret.
pub(crate) fn created(app: &App) -> BTreeSet<(ObjectKind, String)> {
    let mut out = BTreeSet::new();
    for config in &app.config_maps {
        out.insert((ObjectKind::ConfigMap, config.name.clone()));
    }
    // What a `manifest` file includes is created with the app.
    for m in &app.manifests {
        let kind = match m.kind.as_str() {
            "Secret" => ObjectKind::Secret,
            "ConfigMap" => ObjectKind::ConfigMap,
            "ServiceAccount" => ObjectKind::ServiceAccount,
            _ => continue,
        };
        out.insert((kind, m.name.clone()));
    }
    for w in &app.workloads {
        if matches!(
            w.service_account,
            ServiceAccount::Create | ServiceAccount::CreateNamed { .. }
        ) && let Some(account) = names::account(w)
        {
            out.insert((ObjectKind::ServiceAccount, account.to_owned()));
        }
        if !w.files.is_empty() {
            out.insert((ObjectKind::ConfigMap, names::files_config_map(w)));
        }
    }
    out
}
