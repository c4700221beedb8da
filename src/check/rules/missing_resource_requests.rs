//! `missing-resource-requests`: a container without CPU or memory requests.

use super::{Role, containers, describe};
use crate::check::{Context, Findings, Rule};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Flags the main container or a `sidecar` whose `resources` do not request both `cpu` and
    /// `memory`. A limit counts as a request (Kubernetes then requests the limit). Init
    /// containers are not flagged: they run before the others and rarely decide where the pod
    /// fits.
    ///
    /// ## Why is this bad?
    /// The scheduler places pods by their requests. A pod that requests nothing lands on nodes
    /// that are already full, is the first to be evicted under memory pressure (QoS class
    /// `BestEffort`), gets no CPU when its neighbours are busy, and gives an autoscaler on
    /// utilization nothing to compute against.
    ///
    /// ## Example
    /// ```kdl
    /// service orders { image "orders:3.1.0"; port 8080 }
    /// ```
    ///
    /// ## Use instead
    /// ```kdl
    /// service orders {
    ///     image "orders:3.1.0"
    ///     port 8080
    ///     resources cpu="250m" memory="512Mi"
    /// }
    /// ```
    ///
    /// Counterparts: kube-linter `unset-cpu-requirements` and `unset-memory-requirements`,
    /// kube-score `container-resources`, Polaris `cpuRequestsMissing` and
    /// `memoryRequestsMissing`, checkov `CKV_K8S_10` and `CKV_K8S_12`.
    pub struct MissingResourceRequests {
        code: "missing-resource-requests",
        severity: Warning,
        summary: "a container without CPU and memory requests: the scheduler cannot place it well",
    }
}

impl Rule for MissingResourceRequests {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        for w in cx.runs() {
            for (role, c) in containers(w).filter(|(role, _)| *role != Role::Init) {
                let r = &c.resources;
                let missing: Vec<&str> = [
                    ("cpu", r.cpu.is_some() || r.limit_cpu.is_some()),
                    ("memory", r.memory.is_some() || r.limit_memory.is_some()),
                ]
                .into_iter()
                .filter(|(_, set)| !set)
                .map(|(name, _)| name)
                .collect();
                if missing.is_empty() {
                    continue;
                }
                let (span, label) = match r.span {
                    Some(span) => (span, format!("no {} request", missing.join(" or "))),
                    None => (c.span, "no `resources`".to_owned()),
                };
                let example = match missing.as_slice() {
                    ["cpu"] => "cpu=\"250m\"",
                    ["memory"] => "memory=\"512Mi\"",
                    _ => "cpu=\"250m\" memory=\"512Mi\"",
                };
                let help = if r.span.is_some() {
                    format!("add `{example}` to its `resources`, sized from what it uses")
                } else {
                    format!("add `resources {example}`, sized from what it uses")
                };
                out.push(
                    w,
                    format!(
                        "{} requests no {}",
                        describe(w, role, c),
                        missing.join(" and ")
                    ),
                )
                .label(span, label)
                .help(help);
            }
        }
    }
}
