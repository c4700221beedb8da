//! `patch-immutable`: a patch that changes a field Kubernetes keeps once the object exists.

use crate::check::{Context, Findings, Rule};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Flags a `patch` that edits a field the API server refuses to change on a live object: a
    /// Deployment's or StatefulSet's `spec.selector`, a StatefulSet's `serviceName`, claim
    /// templates or pod management policy, a Job's template, a Service's cluster IP, a
    /// RoleBinding's `roleRef`.
    ///
    /// ## Why is this bad?
    /// The first apply works; every later one that carries the change fails ("field is
    /// immutable"), so the patch deploys once and then blocks every rollout until the object is
    /// deleted and created again — for a StatefulSet, without its pods' identity.
    ///
    /// ## Example
    /// ```kdl
    /// patch Deployment orders {
    ///     spec {
    ///         selector { matchLabels { tier backend } }
    ///         template { metadata { labels { tier backend } } }
    ///     }
    /// }
    /// service orders { image "orders:1.0.0"; port 8080 }
    /// ```
    ///
    /// ## Use instead
    /// ```kdl
    /// patch Deployment orders { spec { template { spec { priorityClassName high } } } }
    /// service orders { image "orders:1.0.0"; port 8080 }
    /// ```
    /// and keep a selector as it runs with `selector` (see "Keeping what ran before").
    ///
    /// Counterparts: the API server's validation of updates; `windlass diff` calls such a change
    /// breaking.
    pub struct PatchImmutable {
        code: "patch-immutable",
        severity: Warning,
        summary: "a patch that changes a field Kubernetes keeps once the object exists (a selector)",
    }
}

impl Rule for PatchImmutable {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        for patch in &cx.app.patches {
            let fields = crate::patch::immutable_fields(&patch.kind);
            for (path, span) in crate::patch::touched(&patch.edits) {
                let Some(field) = fields.iter().find(|f| {
                    path == **f
                        || path.starts_with(&format!("{f}."))
                        || f.starts_with(&format!("{path}."))
                }) else {
                    continue;
                };
                out.push_app(format!(
                    "the patch changes `{field}` of {} `{}`",
                    patch.kind, patch.name
                ))
                .label(span, "fixed once the object exists")
                .help("the API server refuses this change on a live object: it must be deleted and created again; keep a selector with `selector` instead");
            }
        }
    }
}
