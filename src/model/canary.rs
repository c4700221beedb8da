//! Facts about a canary that several stages read: how its share of requests is enforced, how
//! many pods it runs, and the tracks that keep its pods apart from the stable ones. Lowering
//! builds the objects from them; the rules count pods with them.
//!
//! **Tracks: several controllers behind one Service, never overlapping.** Every Deployment's
//! pods carry a track label ([`TRACK`]), and its selector includes it: the stable Deployment
//! selects `stable`, a canary's Deployment `canary`. So each controller, its autoscaler (which
//! reads the Deployment's selector) and its disruption budget see only their own pods, while
//! the workload's Service, which leaves the track out, selects both. The stable track is there
//! whether a canary exists or not, so adding or removing one changes neither the stable
//! Deployment's selector (immutable) nor its pod template (a change would restart every pod).

use super::app::App;
use super::exposure::Exposure;
use super::workload::Workload;

/// The label that tells the tracks of a workload's Deployments apart.
pub const TRACK: &str = "app.kubernetes.io/track";

/// A track of a workload: which of its Deployments a pod belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Track {
    /// The workload's own Deployment, named after it.
    Stable,
    /// The canary's Deployment, `NAME-canary`.
    Canary,
}

impl Track {
    /// The value of [`TRACK`] on its pods.
    pub fn label(self) -> &'static str {
        match self {
            Track::Stable => "stable",
            Track::Canary => "canary",
        }
    }
}

/// How a canary's share of requests is enforced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Split {
    /// Gateway API backend weights on the HTTPRoute.
    HttpRoute,
    /// ingress-nginx's canary annotations on a second Ingress.
    NginxIngress,
    /// Pods of both tracks behind one Service: the replica ratio.
    ReplicaRatio,
}

/// How the canary of `workload` splits traffic: by its own exposure, or — reached only through
/// other workloads' routes (`route "/api" to=orders` on a frontend) — by theirs, when every one
/// can weigh it (all HTTPRoutes, or all nginx Ingresses of one class). A gateway's routes are its
/// own routing, which no Ingress or HTTPRoute sees: behind one, the replica ratio decides.
pub fn split(app: &App, workload: &Workload) -> Split {
    let default_class = app.ingress_class.as_deref();
    let nginx = |class: Option<&str>| class.or(default_class).is_none_or(|c| c.contains("nginx"));
    match &workload.expose {
        // No class means the cluster's default, which is ingress-nginx on most clusters.
        Exposure::Ingress(ingress) if nginx(ingress.class.as_deref()) => Split::NginxIngress,
        Exposure::HttpRoute(_) => Split::HttpRoute,
        Exposure::Internal => {
            let routers = routers(app, workload);
            if routers.is_empty() {
                return Split::ReplicaRatio;
            }
            if routers
                .iter()
                .all(|r| matches!(r.expose, Exposure::HttpRoute(_)))
            {
                return Split::HttpRoute;
            }
            let classes: Vec<Option<&str>> = routers
                .iter()
                .filter_map(|r| match &r.expose {
                    Exposure::Ingress(i) => Some(i.class.as_deref().or(default_class)),
                    _ => None,
                })
                .collect();
            let one_nginx_class = classes.len() == routers.len()
                && classes.iter().all(|c| nginx(*c) && *c == classes[0]);
            if one_nginx_class {
                Split::NginxIngress
            } else {
                Split::ReplicaRatio
            }
        }
        _ => Split::ReplicaRatio,
    }
}

/// The workloads whose exposure routes a path straight to `workload` (never a gateway: its
/// routes are its own routing).
pub fn routers<'a>(app: &'a App, workload: &Workload) -> Vec<&'a Workload> {
    app.workloads
        .iter()
        .filter(|r| {
            r.exposes_routes()
                && !matches!(r.expose, Exposure::Internal)
                && r.routes.iter().any(|route| route.target == workload.name)
        })
        .collect()
}

/// The canary's replicas: as written, or by default one beside a weighted split, and enough for
/// its weight beside the stable pods when the replica ratio decides.
pub fn replicas(workload: &Workload, split: Split) -> u32 {
    let Some(canary) = &workload.canary else {
        return 0;
    };
    if let Some(n) = canary.replicas {
        return n;
    }
    match split {
        Split::NginxIngress | Split::HttpRoute => 1,
        Split::ReplicaRatio => {
            let stable = workload.min_replicas().max(1);
            let share = (stable * canary.weight).div_ceil(100 - canary.weight);
            share.max(1)
        }
    }
}
