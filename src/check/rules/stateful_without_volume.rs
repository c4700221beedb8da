//! `stateful-without-volume`: a `stateful` workload without a persistent volume.

use crate::check::{Context, Findings, Rule};
use crate::declare_rule;
use crate::model::WorkloadKind;

declare_rule! {
    /// ## What it does
    /// Flags a `stateful` workload that has no persistent `volume` (an `empty-dir` or a
    /// `host-path` does not count). Databases have their own rule, `database-without-storage`.
    ///
    /// ## Why is this bad?
    /// A StatefulSet exists to give each replica its own durable identity and disk. Without a
    /// volume claim template, whatever the pod writes lives in the container's writable layer or
    /// an `emptyDir` and is gone on the next restart, reschedule or upgrade — usually the state
    /// that made it `stateful`. If it truly keeps nothing, a `service` (Deployment) is simpler
    /// and rolls out faster.
    ///
    /// ## Example
    /// ```kdl
    /// stateful search { image "getmeili/meilisearch:v1.12.0"; port 7700 }
    /// ```
    ///
    /// ## Use instead
    /// ```kdl
    /// stateful search {
    ///     image "getmeili/meilisearch:v1.12.0"
    ///     port 7700
    ///     volume data path="/meili_data" size="10Gi"
    /// }
    /// ```
    ///
    /// Counterparts: none in kube-linter, kube-score, Polaris or checkov.
    pub struct StatefulWithoutVolume {
        code: "stateful-without-volume",
        severity: Warning,
        summary: "a stateful workload without a persistent volume: what it stores is lost on restart",
    }
}

impl Rule for StatefulWithoutVolume {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        let unprotected = cx
            .workloads()
            .filter(|w| w.kind == WorkloadKind::Stateful && !w.has_persistent_volume());
        for w in unprotected {
            let source = match &w.component {
                Some(c) => format!("to `{c}` or to this instance's block"),
                None => "to its block".to_owned(),
            };
            out.push(w, format!("stateful workload `{}` has no persistent volume", w.name))
                .label(w.span, "what it writes is lost on every restart")
                .help(format!(
                    "add `volume data path=\"…\" size=\"10Gi\"` {source}; if it keeps no state, make it a `service`"
                ));
        }
    }
}
