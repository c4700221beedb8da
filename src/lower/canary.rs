//! Canary releases: a second Deployment `NAME-canary` beside the stable one, with the same app
//! labels plus `app.kubernetes.io/track`, and a traffic split by weight.
//!
//! How the split is made depends on how requests reach the workload:
//! - exposed through an HTTPRoute: a Service per track, and the route's backend weights;
//! - exposed through an nginx Ingress: a second Service per track and a canary Ingress carrying
//!   ingress-nginx's `canary-weight` annotation;
//! - otherwise: one Service over both tracks, and the replica ratio decides (the canary gets
//!   enough pods for its weight); a note says so.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::Service;
use k8s_openapi::api::networking::v1::Ingress;

use super::Scope;
use crate::model::Exposure;
use crate::model::canary::{Split, TRACK, Track, replicas, routers, split};

/// The canary Deployment, made from the stable one: its image, its replicas, `track: canary` on
/// its pods and in its selector, no autoscaler.
pub(super) fn deployment(scope: &Scope<'_>, stable: &Deployment) -> Option<Deployment> {
    let workload = scope.workload;
    let canary = workload.canary.as_ref()?;
    let split = split(scope.app, workload);
    let mut d = stable.clone();
    d.metadata.name = Some(crate::model::names::canary(workload));
    let version = canary
        .image
        .tag
        .clone()
        .filter(|t| crate::model::labels::is_version_label(t));
    let relabel = |labels: &mut BTreeMap<String, String>| {
        labels.insert(TRACK.to_owned(), Track::Canary.label().to_owned());
        match &version {
            Some(v) => labels.insert(super::VERSION.to_owned(), v.clone()),
            None => labels.remove(super::VERSION),
        };
    };
    if let Some(labels) = d.metadata.labels.as_mut() {
        relabel(labels);
    }
    let spec = &mut d.spec;
    spec.replicas = Some(super::int(replicas(workload, split)));
    spec.selector
        .match_labels
        .get_or_insert_with(BTreeMap::new)
        .insert(TRACK.to_owned(), Track::Canary.label().to_owned());
    if let Some(labels) = spec
        .template
        .metadata
        .as_mut()
        .and_then(|m| m.labels.as_mut())
    {
        relabel(labels);
    }
    let pod = spec.template.spec.as_mut()?;
    let main = pod
        .containers
        .iter_mut()
        .find(|c| c.name == workload.main.name)?;
    main.image = Some(canary.image.reference.clone());
    Some(d)
}

/// With a weighted split, the Service named after the workload selects the stable track and a
/// second Service `NAME-canary` the canary; with the replica ratio, one Service selects both.
pub(super) fn services(scope: &Scope<'_>, services: &mut Vec<Service>) {
    let workload = scope.workload;
    if workload.canary.is_none() || split(scope.app, workload) == Split::ReplicaRatio {
        return;
    }
    let Some(index) = services
        .iter()
        .position(|s| s.metadata.name.as_deref() == Some(crate::model::names::service(workload)))
    else {
        return;
    };
    let mut canary = services[index].clone();
    let track = |service: &mut Service, value: &str| {
        if let Some(selector) = service.spec.as_mut().and_then(|s| s.selector.as_mut()) {
            selector.insert(TRACK.to_owned(), value.to_owned());
        }
    };
    track(&mut services[index], Track::Stable.label());
    canary.metadata.name = Some(crate::model::names::canary_service(workload));
    track(&mut canary, Track::Canary.label());
    services.insert(index + 1, canary);
}

/// ingress-nginx's canary Ingress: the workload's own host and path, to `NAME-canary`, with
/// `canary-weight`.
pub(super) fn ingress(scope: &Scope<'_>, stable: &Ingress) -> Option<Ingress> {
    let workload = scope.workload;
    let canary = workload.canary.as_ref()?;
    if split(scope.app, workload) != Split::NginxIngress {
        return None;
    }
    let mut ingress = stable.clone();
    let name = crate::model::names::canary_service(workload);
    ingress.metadata.name = Some(name.clone());
    mark_canary(
        ingress
            .metadata
            .annotations
            .get_or_insert_with(BTreeMap::new),
        canary.weight,
    );
    let rule = ingress.spec.as_mut()?.rules.as_mut()?.first_mut()?;
    let paths = &mut rule.http.as_mut()?.paths;
    // Only the workload's own path: the routes to other workloads stay on the stable Ingress.
    paths.truncate(1);
    let service = paths.first_mut()?.backend.service.as_mut()?;
    service.name = name;
    Some(ingress)
}

/// ingress-nginx's canary Ingress for a workload reached only through other workloads' nginx
/// Ingresses (`route "/api" to=orders`): for each such host and path, the same rule to
/// `NAME-canary`, with `canary-weight`. ingress-nginx pairs a canary Ingress with the main one by
/// host and path, so exactly those requests are split.
pub(super) fn routed_ingress(scope: &Scope<'_>) -> Option<Ingress> {
    use k8s_openapi::api::networking::v1::{
        HTTPIngressPath, HTTPIngressRuleValue, IngressBackend, IngressRule, IngressServiceBackend,
        IngressSpec, ServiceBackendPort,
    };
    let workload = scope.workload;
    let canary = workload.canary.as_ref()?;
    if !matches!(workload.expose, Exposure::Internal)
        || split(scope.app, workload) != Split::NginxIngress
    {
        return None;
    }
    let name = crate::model::names::canary_service(workload);
    let mut class = None;
    let mut rules = Vec::new();
    for router in routers(scope.app, workload) {
        let Exposure::Ingress(exposure) = &router.expose else {
            continue;
        };
        class = exposure
            .class
            .clone()
            .or_else(|| scope.app.ingress_class.clone());
        let paths: Vec<HTTPIngressPath> = router
            .routes
            .iter()
            .filter(|route| route.target == workload.name)
            .filter_map(|route| {
                let port = super::service::backend_port(workload, route.port.as_ref())?;
                Some(HTTPIngressPath {
                    path: Some(route.path.clone()),
                    path_type: "Prefix".to_owned(),
                    backend: IngressBackend {
                        service: Some(IngressServiceBackend {
                            name: name.clone(),
                            port: Some(ServiceBackendPort {
                                number: Some(port),
                                ..ServiceBackendPort::default()
                            }),
                        }),
                        ..IngressBackend::default()
                    },
                })
            })
            .collect();
        if !paths.is_empty() {
            rules.push(IngressRule {
                host: Some(exposure.host.clone()),
                http: Some(HTTPIngressRuleValue { paths }),
            });
        }
    }
    if rules.is_empty() {
        return None;
    }
    let mut annotations = BTreeMap::new();
    mark_canary(&mut annotations, canary.weight);
    Some(Ingress {
        metadata: scope.meta_with(name, scope.labels(), &annotations),
        spec: Some(IngressSpec {
            ingress_class_name: class,
            rules: Some(rules),
            ..IngressSpec::default()
        }),
        ..Ingress::default()
    })
}

/// ingress-nginx's annotations of a canary Ingress: this one is a canary, with this weight.
fn mark_canary(annotations: &mut BTreeMap<String, String>, weight: u32) {
    annotations.insert(
        "nginx.ingress.kubernetes.io/canary".to_owned(),
        "true".to_owned(),
    );
    annotations.insert(
        "nginx.ingress.kubernetes.io/canary-weight".to_owned(),
        weight.to_string(),
    );
}
