//! How requests reach a workload: its exposure outside the cluster, the paths it routes to
//! other workloads, and the workloads it calls.

use std::collections::BTreeMap;

use super::container::PortRef;
use crate::source::Span;

/// How a workload is reached.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Exposure {
    /// Only inside the cluster (ClusterIP).
    Internal,
    /// On every node's port.
    NodePort {
        /// The node port.
        port: u16,
        /// Annotations on the Service.
        annotations: BTreeMap<String, String>,
        /// Where it was declared.
        span: Span,
    },
    /// Through a cloud load balancer.
    LoadBalancer {
        /// The load balancer's port.
        port: u16,
        /// Annotations on the Service.
        annotations: BTreeMap<String, String>,
        /// Where it was declared.
        span: Span,
    },
    /// Through an Ingress.
    Ingress(Ingress),
    /// Through a Gateway API `HTTPRoute` attached to a Gateway.
    HttpRoute(HttpRouteExposure),
}

/// An `HTTPRoute` for a workload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpRouteExposure {
    /// The Gateway it attaches to (the app's default gateway when not written).
    pub gateway: String,
    /// The Gateway's namespace, when it is not the app's.
    pub gateway_namespace: Option<String>,
    /// A listener of the Gateway.
    pub section: Option<String>,
    /// Host name.
    pub host: String,
    /// Path prefix of the workload itself.
    pub path: String,
    /// Annotations on the HTTPRoute.
    pub annotations: BTreeMap<String, String>,
    /// Where it was declared.
    pub span: Span,
}

/// An Ingress for a workload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ingress {
    /// Host name.
    pub host: String,
    /// Path prefix of the workload itself.
    pub path: String,
    /// TLS Secret name.
    pub tls: Option<String>,
    /// `ingressClassName`, the app's default when `None`.
    pub class: Option<String>,
    /// Annotations on the Ingress.
    pub annotations: BTreeMap<String, String>,
    /// Where it was declared.
    pub span: Span,
}

/// A request path forwarded to another workload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Route {
    /// Path prefix.
    pub path: String,
    /// Target workload (checked to exist).
    pub target: String,
    /// Target port; its primary port when `None`.
    pub port: Option<PortRef>,
    /// Where it was declared.
    pub span: Span,
}

/// A `uses` edge to another workload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edge {
    /// Target workload (checked to exist).
    pub target: String,
    /// Where it was written.
    pub span: Span,
    /// Made by an `env … address=` rather than written in `uses` (its target is checked there).
    pub from_address: bool,
}
