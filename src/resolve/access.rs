//! `access read|write RESOURCE… [group=GROUP]`: rules of what a ServiceAccount may do through the
//! API in the app's namespace, read the same way for a workload's account and for an app's
//! `role`.

use crate::diag::{Diagnostic, Diagnostics, codes};
use crate::model::Access;
use crate::resolve::values::{self, Val};
use crate::source::Span;

/// The API group of resources a description names without `group=`: the core group's, and the
/// groups of the resources applications most often read.
const KNOWN_GROUPS: &[(&str, &[&str])] = &[
    (
        "",
        &[
            "pods",
            "pods/log",
            "services",
            "endpoints",
            "configmaps",
            "secrets",
            "events",
            "persistentvolumeclaims",
            "serviceaccounts",
        ],
    ),
    (
        "apps",
        &["deployments", "statefulsets", "daemonsets", "replicasets"],
    ),
    ("batch", &["jobs", "cronjobs"]),
    ("coordination.k8s.io", &["leases"]),
    ("discovery.k8s.io", &["endpointslices"]),
    ("networking.k8s.io", &["ingresses", "networkpolicies"]),
    ("autoscaling", &["horizontalpodautoscalers"]),
    ("policy", &["poddisruptionbudgets"]),
];

/// The rules of one `access MODE RESOURCE…` (or a `role`'s `MODE RESOURCE…`): one per API group
/// the resources are in. `mode` is `read` or `write`; `span` is where it was written.
pub fn rules(
    mode: &str,
    args: &[Val],
    group_val: Option<&Val>,
    span: Span,
    diags: &mut Diagnostics,
) -> Vec<Access> {
    if args.is_empty() {
        diags.push(
            Diagnostic::error(
                codes::MISSING_VALUE,
                format!("`access {mode}` names no resource"),
            )
            .label(span, "no resources")
            .help(format!("write `access {mode} \"services\" \"endpoints\"`")),
        );
        return Vec::new();
    }
    let group = match group_val {
        Some(v) => {
            let Some(group) = values::string(v, diags) else {
                return Vec::new();
            };
            if !group.is_empty()
                && !crate::model::names::is_domain(&group)
                && group != "apps"
                && group != "batch"
                && group != "policy"
                && group != "autoscaling"
            {
                diags.push(
                    Diagnostic::error(codes::INVALID_VALUE, format!("`{group}` is not an API group"))
                        .label(v.span, "not an API group")
                        .help("write the group as it is in `apiVersion`, such as `apps` or `coordination.k8s.io`; the core group is `\"\"`"),
                );
                return Vec::new();
            }
            Some(group)
        }
        None => None,
    };
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    for v in args {
        let Some(resource) = values::string(v, diags) else {
            continue;
        };
        let valid = !resource.is_empty()
            && resource.split('/').all(|part| {
                !part.is_empty()
                    && part.bytes().all(|c| {
                        c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-' || c == b'.'
                    })
            });
        if resource == "*" || !valid {
            diags.push(
                Diagnostic::error(codes::INVALID_VALUE, format!("`{resource}` is not a resource"))
                    .label(v.span, "not a resource")
                    .help("name each resource in the plural, in lower case, as `kubectl api-resources` lists it: `pods`, `configmaps`, `pods/log`"),
            );
            continue;
        }
        if matches!(
            resource.as_str(),
            "nodes"
                | "namespaces"
                | "persistentvolumes"
                | "storageclasses"
                | "clusterroles"
                | "customresourcedefinitions"
        ) {
            diags.push(
                Diagnostic::error(codes::INVALID_VALUE, format!("`{resource}` are not in a namespace"))
                    .label(v.span, "cluster-wide")
                    .help("`access` grants a Role in the app's namespace, which cannot reach cluster-wide resources; grant those with a ClusterRole outside the app"),
            );
            continue;
        }
        let group = match &group {
            Some(g) => g.clone(),
            None => match KNOWN_GROUPS
                .iter()
                .find(|(_, list)| list.contains(&resource.as_str()))
            {
                Some((g, _)) => (*g).to_owned(),
                None => {
                    diags.push(
                        Diagnostic::error(codes::MISSING_VALUE, format!("which API group is `{resource}` in?"))
                            .label(v.span, "group unknown")
                            .help(format!("add `group=` with the group of `{resource}` as `kubectl api-resources` lists it, such as `group=\"monitoring.coreos.com\"`")),
                    );
                    continue;
                }
            },
        };
        match groups.iter_mut().find(|(g, _)| *g == group) {
            Some((_, list)) if !list.contains(&resource) => list.push(resource),
            Some(_) => {}
            None => groups.push((group, vec![resource])),
        }
    }
    groups
        .into_iter()
        .map(|(group, resources)| Access {
            write: mode == "write",
            group,
            resources,
            span,
        })
        .collect()
}
