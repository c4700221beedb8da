//! `canary-replica-ratio`: a canary whose share of requests is set by its pods, not its weight.

use crate::check::{Context, Findings, Rule};
use crate::declare_rule;
use crate::model::canary::{self, Split};
use crate::model::{App, Exposure, Workload};

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
            if canary::split(cx.app, w) != Split::ReplicaRatio {
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
            .help(exact_split_help(cx.app, w));
        }
    }
}

/// Which exposure would give the canary of `w` an exact split, given how requests reach it now.
fn exact_split_help(app: &App, w: &Workload) -> String {
    let gateways: Vec<&str> = app
        .workloads
        .iter()
        .filter(|g| !g.exposes_routes() && g.routes.iter().any(|r| r.target == w.name))
        .map(|g| g.name.as_str())
        .collect();
    let routers = canary::routers(app, w);
    match &w.expose {
        Exposure::Ingress(_) => format!(
            "its Ingress's class has no weighted canary: give `{}` an nginx ingress class, or expose it through `expose http-route`",
            w.name
        ),
        Exposure::NodePort { .. } | Exposure::LoadBalancer { .. } => format!(
            "a node port or load balancer sends to the Service alone: expose `{}` through `expose http-route` or an nginx ingress for an exact split",
            w.name
        ),
        _ if !routers.is_empty() => format!(
            "it is reached through {}, whose exposures cannot all weigh it: expose them all through HTTPRoutes, or all through nginx Ingresses of one class",
            routers
                .iter()
                .map(|r| format!("`{}`", r.name))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        _ if !gateways.is_empty() => format!(
            "requests reach it through the routing of gateway `{}`, which no Ingress or HTTPRoute sees: route its path to `{}` from the gateway's own exposure with `expose http-route`, or let the gateway itself weigh the canary",
            gateways[0], w.name
        ),
        _ => format!(
            "`{}` is reached only inside the cluster, where callers use its one Service: expose it through `expose http-route` or an nginx ingress, or weigh it with a service mesh",
            w.name
        ),
    }
}
