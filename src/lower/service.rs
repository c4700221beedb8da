//! Services: a ClusterIP Service per Deployment with ports, a headless Service per StatefulSet,
//! and the NodePort or LoadBalancer Service that exposure asks for.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Service, ServicePort, ServiceSpec};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::{Scope, non_empty_vec};
use crate::model::{Exposure, PortRef, Workload, names};

/// The Service type that exposure gives a workload's Service.
enum Kind<'a> {
    /// `ClusterIP`, reachable inside the cluster.
    ClusterIp,
    /// `ClusterIP: None`: DNS names for each pod (a StatefulSet's, or where `headless` says).
    Headless,
    /// `NodePort`, with the node port of the primary port.
    NodePort(u16, &'a BTreeMap<String, String>),
    /// `LoadBalancer`, with the load balancer's port for the primary port.
    LoadBalancer(u16, &'a BTreeMap<String, String>),
}

/// The Services of a workload, in output order: its own, which in-cluster clients use (headless
/// for a StatefulSet), then `NAME-external` for a NodePort or load balancer, publishing the
/// primary port only — exposing a workload must not put its metrics or admin ports on the
/// internet. With `service=main` the exposure is the own Service's type instead, over every
/// port it publishes, as a description written before Windlass had it.
pub(super) fn services(scope: &Scope<'_>) -> Vec<Service> {
    let workload = scope.workload;
    if !workload.has_service() {
        return Vec::new();
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
    let own = names::service(workload).to_owned();
    let mut services = Vec::new();
    match outside {
        Some(outside) if workload.service.exposed_in_place => {
            services.push(service(scope, own, &outside, true));
        }
        outside => {
            let kind = if workload.headless() {
                Kind::Headless
            } else {
                Kind::ClusterIp
            };
            services.push(service(scope, own, &kind, true));
            // A StatefulSet without ports has its governing Service, and nothing to expose.
            if let Some(outside) = outside
                && workload.published_ports().next().is_some()
            {
                services.push(service(
                    scope,
                    names::external_service(workload),
                    &outside,
                    false,
                ));
            }
        }
    }
    services
}

/// One Service of the workload: every port it publishes in the cluster, the primary port alone
/// on a second Service outside it; each with its application protocol, except behind a load
/// balancer. `own` is the workload's own Service, which carries `service-annotations` and
/// `service-labels`.
fn service(scope: &Scope<'_>, name: String, kind: &Kind<'_>, own: bool) -> Service {
    let workload = scope.workload;
    let (type_, cluster_ip, exposure_annotations) = match kind {
        Kind::ClusterIp => ("ClusterIP", None, None),
        Kind::Headless => ("ClusterIP", Some("None".to_owned()), None),
        Kind::NodePort(_, annotations) => ("NodePort", None, Some(*annotations)),
        Kind::LoadBalancer(_, annotations) => ("LoadBalancer", None, Some(*annotations)),
    };
    let count = if own { usize::MAX } else { 1 };
    let ports = workload
        .published_ports()
        .take(count)
        .enumerate()
        .map(|(i, port)| ServicePort {
            name: Some(
                port.service_port_name
                    .clone()
                    .unwrap_or_else(|| port.name.clone()),
            ),
            // A cloud load balancer reads `appProtocol` too: on AKS, `http` turns its health check
            // of every node into `GET /` on the port, and a service whose `/` does not answer 200
            // drops out of the pool. Meshes and Gateway API read the in-cluster Service.
            app_protocol: if matches!(kind, Kind::LoadBalancer(..)) {
                None
            } else {
                port.app_protocol.clone()
            },
            port: match kind {
                Kind::LoadBalancer(outside, _) if i == 0 => i32::from(*outside),
                _ => i32::from(port.service_number()),
            },
            target_port: Some(IntOrString::Int(i32::from(port.number))),
            node_port: match kind {
                Kind::NodePort(node_port, _) if i == 0 => Some(i32::from(*node_port)),
                _ => None,
            },
            protocol: Some(port.protocol.as_str().to_owned()),
        });
    let mut ports: Vec<ServicePort> = ports.collect();
    if own {
        for extra in &workload.service.extra_ports {
            // Resolve checks that the target is published.
            let Some(target) = workload.extra_target(extra) else {
                continue;
            };
            ports.push(ServicePort {
                name: Some(extra.name.clone()),
                app_protocol: if matches!(kind, Kind::LoadBalancer(..)) {
                    None
                } else {
                    target.app_protocol.clone()
                },
                port: i32::from(extra.number),
                target_port: Some(IntOrString::Int(i32::from(target.number))),
                node_port: None,
                protocol: Some(target.protocol.as_str().to_owned()),
            });
        }
    }
    let empty = BTreeMap::new();
    let mut annotations = BTreeMap::new();
    let mut labels = scope.labels();
    if own {
        annotations.extend(workload.service.annotations.clone());
        labels.extend(workload.service.labels.clone());
    }
    annotations.extend(exposure_annotations.unwrap_or(&empty).clone());
    Service {
        metadata: scope.meta_with(name, labels, &annotations),
        spec: Some(ServiceSpec {
            type_: Some(type_.to_owned()),
            cluster_ip,
            publish_not_ready_addresses: matches!(kind, Kind::Headless).then_some(false),
            selector: Some(scope.selector_labels()),
            ports: non_empty_vec(ports),
            ..ServiceSpec::default()
        }),
        ..Service::default()
    }
}

/// The port of `target`'s own Service that reaches `port` (its primary port when `None`);
/// `None` when the target has no Service or publishes no such port.
pub(super) fn backend_port(target: &Workload, port: Option<&PortRef>) -> Option<i32> {
    if !target.has_service() {
        return None;
    }
    let ports: Vec<(u16, &crate::model::Port)> = target.service_ports().collect();
    let found = match port {
        None => ports.first(),
        // The container's number, or else the Service's.
        Some(PortRef::Number(n)) => ports
            .iter()
            .find(|(_, p)| p.number == *n)
            .or_else(|| ports.iter().find(|(s, _)| s == n)),
        Some(PortRef::Name(name)) => ports.iter().find(|(_, p)| &p.name == name),
    };
    found.map(|(number, _)| i32::from(*number))
}
