//! Exposure through an Ingress: one rule for the workload's host, with the workload's own path and
//! one path per `route`, each straight to the target's Service — except a gateway's, whose routes
//! are its own routing: its Ingress sends its path to the gateway alone.

use k8s_openapi::api::networking::v1::{
    HTTPIngressPath, HTTPIngressRuleValue, Ingress, IngressBackend, IngressRule,
    IngressServiceBackend, IngressSpec, IngressTLS, ServiceBackendPort,
};

use super::{Scope, service};
use crate::model::Exposure;
use crate::model::names;

/// The Ingress of a workload exposed through one; `None` otherwise, or when the workload has no
/// Service to send traffic to.
pub(super) fn ingress(scope: &Scope<'_>) -> Option<Ingress> {
    let workload = scope.workload;
    let Exposure::Ingress(exposure) = &workload.expose else {
        return None;
    };
    let own = path(
        &exposure.path,
        names::service(workload),
        service::backend_port(workload, None)?,
    );
    let routed = if workload.exposes_routes() {
        workload.routes.as_slice()
    } else {
        &[]
    };
    let routes = routed.iter().filter_map(|route| {
        // Resolve checks that targets exist and have ports; skip rather than point nowhere.
        let target = scope.app.workload(&route.target)?;
        let port = service::backend_port(target, route.port.as_ref())?;
        Some(path(&route.path, names::service(target), port))
    });
    let paths = std::iter::once(own).chain(routes).collect();
    let tls = exposure.tls.as_ref().map(|secret| {
        vec![IngressTLS {
            hosts: Some(vec![exposure.host.clone()]),
            secret_name: Some(secret.clone()),
        }]
    });
    Some(Ingress {
        metadata: scope.meta_with(
            names::service(workload).to_owned(),
            scope.labels(),
            &exposure.annotations,
        ),
        spec: Some(IngressSpec {
            ingress_class_name: exposure
                .class
                .clone()
                .or_else(|| scope.app.ingress_class.clone()),
            rules: Some(vec![IngressRule {
                host: Some(exposure.host.clone()),
                http: Some(HTTPIngressRuleValue { paths }),
            }]),
            tls,
            ..IngressSpec::default()
        }),
        ..Ingress::default()
    })
}

/// A `Prefix` path to port `port` of the Service `service`.
fn path(prefix: &str, service: &str, port: i32) -> HTTPIngressPath {
    HTTPIngressPath {
        path: Some(prefix.to_owned()),
        path_type: "Prefix".to_owned(),
        backend: IngressBackend {
            service: Some(IngressServiceBackend {
                name: service.to_owned(),
                port: Some(ServiceBackendPort {
                    number: Some(port),
                    ..ServiceBackendPort::default()
                }),
            }),
            ..IngressBackend::default()
        },
    }
}
