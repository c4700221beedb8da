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

/// How the canary of `workload` (with the app's default ingress class) splits traffic.
pub fn split(workload: &Workload, default_class: Option<&str>) -> Split {
    match &workload.expose {
        Exposure::Ingress(ingress) => {
            let class = ingress.class.as_deref().or(default_class);
            // No class means the cluster's default, which is ingress-nginx on most clusters.
            if class.is_none_or(|c| c.contains("nginx")) {
                Split::NginxIngress
            } else {
                Split::ReplicaRatio
            }
        }
        Exposure::HttpRoute(_) => Split::HttpRoute,
        _ => Split::ReplicaRatio,
    }
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
