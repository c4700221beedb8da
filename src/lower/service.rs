//! Services: a ClusterIP Service per Deployment with ports, a headless Service per StatefulSet,
//! and the NodePort or LoadBalancer Service that exposure asks for.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Service, ServicePort, ServiceSpec};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::{Scope, non_empty_vec};
use crate::model::{Exposure, PortRef, Workload};

/// The Service type that exposure gives a workload's Service.
enum Kind<'a> {
    /// `ClusterIP`, reachable inside the cluster.
    ClusterIp,
    /// `ClusterIP: None`: DNS names for each pod of a StatefulSet.
    Headless,
    /// `NodePort`, with the node port of the primary port.
    NodePort(u16, &'a BTreeMap<String, String>),
    /// `LoadBalancer`, with the load balancer's port for the primary port.
    LoadBalancer(u16, &'a BTreeMap<String, String>),
}

/// The Services of a workload, in output order: the one named after it, which in-cluster clients
/// use and exposure never changes (headless for a StatefulSet), then `NAME-external` for a
/// NodePort or load balancer, publishing the primary port only — exposing a workload must not put
/// its metrics or admin ports on the internet.
pub(super) fn services(scope: &Scope<'_>) -> Vec<Service> {
    let workload = scope.workload;
    if workload.kind.is_batch() {
        return Vec::new();
    }
    let mut services = Vec::new();
    if workload.kind.is_stateful() {
        // The StatefulSet's `serviceName` needs its governing Service even without ports.
        services.push(service(scope, workload.name.clone(), &Kind::Headless));
    } else if !workload.main.ports.is_empty() {
        services.push(service(scope, workload.name.clone(), &Kind::ClusterIp));
    }
    let outside = match &workload.expose {
        Exposure::NodePort {
            port, annotations, ..
        } => Some(Kind::NodePort(*port, annotations)),
        Exposure::LoadBalancer {
            port, annotations, ..
        } => Some(Kind::LoadBalancer(*port, annotations)),
        Exposure::Internal | Exposure::Ingress(_) | Exposure::HttpRoute(_) => None,
    };
    if let Some(outside) = outside
        && !workload.main.ports.is_empty()
    {
        services.push(service(
            scope,
            crate::model::names::external_service(&workload.name),
            &outside,
        ));
    }
    services
}

/// One Service of the workload: every port of the main container in the cluster, the primary
/// port alone outside it; each with its application protocol, except behind a load balancer.
fn service(scope: &Scope<'_>, name: String, kind: &Kind<'_>) -> Service {
    let (type_, cluster_ip, annotations) = match kind {
        Kind::ClusterIp => ("ClusterIP", None, None),
        Kind::Headless => ("ClusterIP", Some("None".to_owned()), None),
        Kind::NodePort(_, annotations) => ("NodePort", None, Some(*annotations)),
        Kind::LoadBalancer(_, annotations) => ("LoadBalancer", None, Some(*annotations)),
    };
    let external = matches!(kind, Kind::NodePort(..) | Kind::LoadBalancer(..));
    let count = if external {
        1
    } else {
        scope.workload.main.ports.len()
    };
    let ports = scope
        .workload
        .main
        .ports
        .iter()
        .take(count)
        .map(|port| ServicePort {
            name: Some(port.name.clone()),
            // A cloud load balancer reads `appProtocol` too: on AKS, `http` turns its health check
            // of every node into `GET /` on the port, and a service whose `/` does not answer 200
            // drops out of the pool. Meshes and Gateway API read the in-cluster Service.
            app_protocol: if matches!(kind, Kind::LoadBalancer(..)) {
                None
            } else {
                port.app_protocol.clone()
            },
            port: match kind {
                Kind::LoadBalancer(outside, _) => i32::from(*outside),
                _ => i32::from(port.number),
            },
            target_port: Some(IntOrString::Int(i32::from(port.number))),
            node_port: match kind {
                Kind::NodePort(node_port, _) => Some(i32::from(*node_port)),
                _ => None,
            },
            protocol: Some(port.protocol.as_str().to_owned()),
        });
    let empty = BTreeMap::new();
    Service {
        metadata: scope.meta_with(name, scope.labels(), annotations.unwrap_or(&empty)),
        spec: Some(ServiceSpec {
            type_: Some(type_.to_owned()),
            cluster_ip,
            publish_not_ready_addresses: matches!(kind, Kind::Headless).then_some(false),
            selector: Some(scope.selector_labels()),
            ports: non_empty_vec(ports.collect()),
            ..ServiceSpec::default()
        }),
        ..Service::default()
    }
}

/// The port of `target`'s Service that reaches `port` (its primary port when `None`); `None`
/// when the target has no Service. The Service named after a workload publishes container ports
/// as they are.
pub(super) fn backend_port(target: &Workload, port: Option<&PortRef>) -> Option<i32> {
    if target.kind.is_batch() {
        return None;
    }
    let ports = &target.main.ports;
    let found = match port {
        None => ports.first(),
        Some(PortRef::Number(n)) => ports.iter().find(|p| p.number == *n),
        Some(PortRef::Name(name)) => ports.iter().find(|p| &p.name == name),
    };
    found.map(|p| i32::from(p.number))
}
