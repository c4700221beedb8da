//! Facts about a canary that several stages read: how its share of requests is enforced, and
//! how many pods it runs. Lowering builds the objects from them; the rules count pods with them.

use super::exposure::Exposure;
use super::workload::Workload;

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
