//! Exposure through the Gateway API: an `HTTPRoute` (`gateway.networking.k8s.io/v1`) attached to
//! a Gateway, with the workload's own path and one rule per `route`, each to the target's Service.
//!
//! `k8s-openapi` covers only the core API, so the types are written here with serde, with the
//! field names of the upstream CRD; the tests validate the output against the upstream schema.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::Serialize;

use super::{Scope, service};
use crate::model::names;
use crate::model::{Exposure, HttpRouteExposure, Workload};

/// `gateway.networking.k8s.io/v1` `HTTPRoute`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HttpRoute {
    /// Always `gateway.networking.k8s.io/v1`.
    pub api_version: &'static str,
    /// Always `HTTPRoute`.
    pub kind: &'static str,
    /// Name, namespace, labels.
    pub metadata: ObjectMeta,
    /// The route.
    pub spec: HttpRouteSpec,
}

/// `HTTPRouteSpec`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HttpRouteSpec {
    /// The Gateway it attaches to.
    pub parent_refs: Vec<ParentReference>,
    /// The host names it serves.
    pub hostnames: Vec<String>,
    /// One rule per path.
    pub rules: Vec<HttpRouteRule>,
}

/// `ParentReference` to a Gateway.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ParentReference {
    /// The Gateway's name.
    pub name: String,
    /// Its namespace, when it is not the route's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// A listener of the Gateway.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub section_name: Option<String>,
}

/// `HTTPRouteRule`: requests matching a path prefix go to weighted backends.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HttpRouteRule {
    /// The path match.
    pub matches: Vec<HttpRouteMatch>,
    /// Where matching requests go.
    pub backend_refs: Vec<HttpBackendRef>,
}

/// `HTTPRouteMatch` on a path prefix.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HttpRouteMatch {
    /// The path.
    pub path: HttpPathMatch,
}

/// `HTTPPathMatch`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HttpPathMatch {
    /// Always `PathPrefix`.
    #[serde(rename = "type")]
    pub type_: &'static str,
    /// The prefix.
    pub value: String,
}

/// `HTTPBackendRef` to a Service port.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HttpBackendRef {
    /// The Service.
    pub name: String,
    /// Its port.
    pub port: i32,
    /// The share of requests, with a canary.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight: Option<u32>,
}

/// The backends for `workload`'s port: its Service, or — with a canary this route weighs — its
/// Service and the canary's, by the canary's weight.
fn backends(workload: &Workload, port: i32, weighed: bool) -> Vec<HttpBackendRef> {
    match &workload.canary {
        Some(canary) if weighed => vec![
            HttpBackendRef {
                name: names::service(workload).to_owned(),
                port,
                weight: Some(100 - canary.weight),
            },
            HttpBackendRef {
                name: names::canary_service(workload),
                port,
                weight: Some(canary.weight),
            },
        ],
        _ => vec![HttpBackendRef {
            name: names::service(workload).to_owned(),
            port,
            weight: None,
        }],
    }
}

fn rule(path: &str, backends: Vec<HttpBackendRef>) -> HttpRouteRule {
    HttpRouteRule {
        matches: vec![HttpRouteMatch {
            path: HttpPathMatch {
                type_: "PathPrefix",
                value: path.to_owned(),
            },
        }],
        backend_refs: backends,
    }
}

/// The HTTPRoute of a workload exposed through one; `None` otherwise.
pub(super) fn http_route(scope: &Scope<'_>) -> Option<HttpRoute> {
    let workload = scope.workload;
    let Exposure::HttpRoute(exposure) = &workload.expose else {
        return None;
    };
    let port = service::backend_port(workload, None)?;
    let mut rules = vec![rule(&exposure.path, backends(workload, port, true))];
    // A gateway's routes are its own routing, never rules that skip it.
    let routed = if workload.exposes_routes() {
        workload.routes.as_slice()
    } else {
        &[]
    };
    for route in routed {
        let Some(target) = scope.app.workload(&route.target) else {
            continue;
        };
        let Some(port) = service::backend_port(target, route.port.as_ref()) else {
            continue;
        };
        // A target reached only through routes has its canary weighed here.
        let weighed = matches!(target.expose, Exposure::Internal)
            && crate::model::canary::split(scope.app, target)
                == crate::model::canary::Split::HttpRoute;
        rules.push(rule(&route.path, backends(target, port, weighed)));
    }
    Some(HttpRoute {
        api_version: "gateway.networking.k8s.io/v1",
        kind: "HTTPRoute",
        metadata: scope.meta_with(
            names::service(workload).to_owned(),
            scope.labels(),
            &exposure.annotations,
        ),
        spec: HttpRouteSpec {
            parent_refs: vec![parent(exposure)],
            hostnames: vec![exposure.host.clone()],
            rules,
        },
    })
}

fn parent(exposure: &HttpRouteExposure) -> ParentReference {
    ParentReference {
        name: exposure.gateway.clone(),
        namespace: exposure.gateway_namespace.clone(),
        section_name: exposure.section.clone(),
    }
}
