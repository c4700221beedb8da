//! Services: a ClusterIP Service per Deployment with ports, a headless Service per StatefulSet,
//! and the NodePort or LoadBalancer Service that exposure asks for.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Service, ServicePort, ServiceSpec};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::{Scope, non_empty_vec};
use crate::resolve::model::{Exposure, Port, PortRef, Workload};

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

/// The Services of a workload, in output order.
pub(super) fn services(scope: &Scope<'_>) -> Vec<Service> {
    let workload = scope.workload;
    let outside = match &workload.expose {
        Exposure::NodePort {
            port, annotations, ..
        } => Kind::NodePort(*port, annotations),
        Exposure::LoadBalancer {
            port, annotations, ..
        } => Kind::LoadBalancer(*port, annotations),
        Exposure::Internal | Exposure::Ingress(_) => Kind::ClusterIp,
    };
    if workload.kind.is_batch() {
        Vec::new()
    } else if workload.kind.is_stateful() {
        // The StatefulSet's `serviceName` needs its governing Service even without ports.
        let mut services = vec![service(scope, workload.name.clone(), &Kind::Headless)];
        if !workload.main.ports.is_empty() && !matches!(outside, Kind::ClusterIp) {
            services.push(service(
                scope,
                format!("{}-external", workload.name),
                &outside,
            ));
        }
        services
    } else if workload.main.ports.is_empty() {
        Vec::new()
    } else {
        vec![service(scope, workload.name.clone(), &outside)]
    }
}

/// One Service of the workload over all of the main container's ports.
fn service(scope: &Scope<'_>, name: String, kind: &Kind<'_>) -> Service {
    let (type_, cluster_ip, annotations) = match kind {
        Kind::ClusterIp => ("ClusterIP", None, None),
        Kind::Headless => ("ClusterIP", Some("None".to_owned()), None),
        Kind::NodePort(_, annotations) => ("NodePort", None, Some(*annotations)),
        Kind::LoadBalancer(_, annotations) => ("LoadBalancer", None, Some(*annotations)),
    };
    let ports = scope
        .workload
        .main
        .ports
        .iter()
        .enumerate()
        .map(|(index, port)| {
            let primary = index == 0;
            ServicePort {
                name: Some(port.name.clone()),
                port: match kind {
                    Kind::LoadBalancer(outside, _) if primary => i32::from(*outside),
                    _ => i32::from(port.number),
                },
                target_port: Some(IntOrString::Int(i32::from(port.number))),
                node_port: match kind {
                    Kind::NodePort(node_port, _) if primary => Some(i32::from(*node_port)),
                    _ => None,
                },
                protocol: Some(port.protocol.as_str().to_owned()),
                ..ServicePort::default()
            }
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

/// The port number that the Service named after `target` publishes for `port` of its main
/// container: the load balancer's port for the primary port of a load-balanced Deployment,
/// otherwise the container port itself.
fn published_number(target: &Workload, port: &Port) -> i32 {
    let primary = target.primary_port().is_some_and(|p| std::ptr::eq(p, port));
    match &target.expose {
        Exposure::LoadBalancer { port: outside, .. } if primary && !target.kind.is_stateful() => {
            i32::from(*outside)
        }
        _ => i32::from(port.number),
    }
}

/// The port of `target`'s Service that reaches `port` (its primary port when `None`); `None`
/// when the target has no Service.
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
    match (found, port) {
        (Some(found), _) => Some(published_number(target, found)),
        // A number that is not a declared port: trust it as the Service port.
        (None, Some(PortRef::Number(n))) if !ports.is_empty() => Some(i32::from(*n)),
        _ => None,
    }
}
