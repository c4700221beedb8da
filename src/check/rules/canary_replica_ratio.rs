//! `canary-replica-ratio`: a canary whose share of requests is set by its pods, not its weight.

use crate::check::{Context, Findings, Rule};
use crate::declare_rule;
use crate::model::canary::{self, Split};

declare_rule! {
    /// ## What it does
    /// Notes a `canary` whose workload is reached neither through an HTTPRoute nor through an
    /// nginx Ingress. Nothing then splits requests by weight: the stable and canary pods sit
    /// behind one Service, and each pod gets about the same share. The note gives the share the
    /// replica ratio really produces.
    ///
    /// ## Why is this bad?
    /// It is not wrong, but `weight=10` reads as "a tenth of the requests"; with four stable pods
    /// and one canary pod the canary gets a fifth. The reviewer should know.
    ///
    /// ## Example
    /// ```kdl
    /// service orders { image "orders:3.1.0"; port 8080; replicas 4; canary tag="3.2.0" weight=10 }
    /// ```
    ///
    /// ## Use instead
    /// Expose it through an HTTPRoute (`expose http-route …`) or an nginx Ingress for an exact
    /// split, or choose replicas that give the share you mean: `replicas 9` with one canary pod is
    /// 10%.
    ///
    /// Counterparts: none (other linters do not know the canary's intent).
    pub struct CanaryReplicaRatio {
        code: "canary-replica-ratio",
        severity: Note,
        summary: "a canary whose traffic share follows its pod count, not its weight",
    }
}

impl Rule for CanaryReplicaRatio {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        for w in cx.workloads() {
            let Some(c) = &w.canary else { continue };
            if canary::split(w, cx.app.ingress_class.as_deref()) != Split::ReplicaRatio {
                continue;
            }
            let stable = w.min_replicas().max(1);
            let pods = canary::replicas(w, Split::ReplicaRatio);
            let share = f64::from(pods) * 100.0 / f64::from(stable + pods);
            out.push(
                w,
                format!(
                    "the canary of `{}` gets about {share:.0}% of requests ({pods} of {} pods), not exactly {}%",
                    w.name,
                    stable + pods,
                    c.weight
                ),
            )
            .label(c.span, "split by replica ratio")
            .help(
                "for an exact split, expose the workload through `expose http-route` or an nginx ingress",
            );
        }
    }
}
