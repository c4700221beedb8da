//! `expose`: how a workload is reached from outside its pods — only inside the cluster, on a node
//! port, through a load balancer, an Ingress, or a Gateway API HTTPRoute.

use std::collections::BTreeMap;

use super::unknown_in;
use crate::diag::{Diagnostic, Diagnostics, codes};
use crate::model::names::is_dns_label;
use crate::model::{Exposure, HttpRouteExposure, Ingress};
use crate::resolve::shared::{Pairs, key_values};
use crate::resolve::values::{self, NodeView, Val};

const FORMS: &[&str] = &[
    "internal",
    "nodeport",
    "load-balancer",
    "ingress",
    "http-route",
];

/// Reads one `expose` node: the exposure, and whether it is the workload's own Service's type
/// (`service=main`) rather than a second Service beside it.
pub fn expose(
    node: &NodeView,
    default_gateway: Option<&(String, Option<String>)>,
    diags: &mut Diagnostics,
) -> Option<(Exposure, bool)> {
    let mut e = node.read(diags);
    let span = node.name_span();
    let form = e
        .require_arg(
            "a form (internal, nodeport, load-balancer or ingress)",
            "expose ingress host=\"shop.example.com\"",
            diags,
        )
        .and_then(|v| values::keyword(&v, FORMS, diags));
    let mut annotations = BTreeMap::new();
    for child in node.children() {
        if child.name() == "annotations" {
            annotations.extend(key_values(&child, Pairs::Annotations, diags));
        } else {
            unknown_in(&child, "`expose`", &["annotations"], diags);
        }
    }
    let form = form?;
    let mut in_place = false;
    let (exposure, known): (Option<Exposure>, &[&str]) = match form.as_str() {
        "internal" => (Some(Exposure::Internal), &[]),
        "nodeport" | "load-balancer" => {
            let example = format!(
                "expose {form} port={}",
                if form == "nodeport" { 30080 } else { 80 }
            );
            let port = e
                .require_prop("port", &example, diags)
                .and_then(|v| values::port_number(&v, diags).map(|n| (n, v.span)));
            in_place = match e.prop("service") {
                Some(v) => values::keyword(&v, &["main", "external"], diags)? == "main",
                None => false,
            };
            // The span is the port's: checks of the number point at it.
            let x = port.map(|(port, span)| {
                if form == "nodeport" {
                    Exposure::NodePort {
                        port,
                        annotations: annotations.clone(),
                        span,
                    }
                } else {
                    Exposure::LoadBalancer {
                        port,
                        annotations: annotations.clone(),
                        span,
                    }
                }
            });
            (x, &["port", "service"])
        }
        "http-route" => {
            let example = "expose http-route gateway=public host=\"shop.example.com\" path=\"/\"";
            let host = e
                .require_prop("host", example, diags)
                .and_then(|v| host(&v, diags));
            let path = path(e.prop("path"), diags);
            let gateway = e
                .prop("gateway")
                .and_then(|v| values::dns_label(&v, "Gateway", 253, "", diags));
            let namespace = e
                .prop("gateway-namespace")
                .and_then(|v| values::dns_label(&v, "namespace", 63, "", diags));
            let section = e
                .prop("section")
                .and_then(|v| values::dns_label(&v, "listener", 253, "", diags));
            let gateway = match (gateway, default_gateway) {
                (Some(g), _) => Some((g, namespace)),
                (None, Some((g, ns))) => Some((g.clone(), namespace.or_else(|| ns.clone()))),
                (None, None) => {
                    diags.push(
                        Diagnostic::error(codes::MISSING_VALUE, "`expose http-route` needs a Gateway")
                            .label(span, "attached to which Gateway?")
                            .help("write `gateway=NAME` here, or set the app's `default-gateway NAME [namespace=NS]`"),
                    );
                    None
                }
            };
            let x = match (host, path, gateway) {
                (Some(host), Some(path), Some((gateway, gateway_namespace))) => {
                    Some(Exposure::HttpRoute(HttpRouteExposure {
                        gateway,
                        gateway_namespace,
                        section,
                        host,
                        path,
                        annotations: annotations.clone(),
                        span,
                    }))
                }
                _ => None,
            };
            (
                x,
                &["gateway", "gateway-namespace", "section", "host", "path"],
            )
        }
        _ => {
            let example = "expose ingress host=\"shop.example.com\" path=\"/\" tls=\"shop-tls\"";
            let host = e
                .require_prop("host", example, diags)
                .and_then(|v| host(&v, diags));
            let path = path(e.prop("path"), diags);
            let tls = e
                .prop("tls")
                .and_then(|v| values::dns_label(&v, "Secret", 253, "", diags));
            let class = e
                .prop("class")
                .and_then(|v| values::dns_label(&v, "IngressClass", 253, "", diags));
            let x = host.zip(path).map(|(host, path)| {
                Exposure::Ingress(Ingress {
                    host,
                    path,
                    tls,
                    class,
                    annotations: annotations.clone(),
                    span,
                })
            });
            (x, &["host", "path", "tls", "class"])
        }
    };
    if form == "internal" && !annotations.is_empty() {
        diags.push(
            Diagnostic::error(
                codes::UNKNOWN_NODE,
                "`expose internal` takes no annotations",
            )
            .label(span, "internal")
            .help("annotations go on the Service, Ingress or HTTPRoute of an exposed workload"),
        );
    }
    e.finish(known, diags);
    exposure.map(|x| (x, in_place))
}

/// A host name (a leading `*.` allowed).
fn host(v: &Val, diags: &mut Diagnostics) -> Option<String> {
    let host = values::string(v, diags)?;
    if is_ip(&host) {
        diags.push(
            Diagnostic::error(
                codes::INVALID_VALUE,
                format!("`{host}` is an IP address, not a host name"),
            )
            .label(v.span, "an IP address")
            .help("the API server takes only DNS names as hosts: point a name such as \"shop.example.com\" at the address and write that"),
        );
        return None;
    }
    if !is_host(&host) {
        diags.push(
            Diagnostic::error(
                codes::INVALID_VALUE,
                format!("`{host}` is not a valid host name"),
            )
            .label(v.span, "invalid host")
            .help("write a DNS name such as \"shop.example.com\" (a leading `*.` is allowed)"),
        );
        return None;
    }
    Some(host)
}

/// A path prefix, `/` when not written.
fn path(v: Option<Val>, diags: &mut Diagnostics) -> Option<String> {
    let Some(v) = v else {
        return Some("/".to_owned());
    };
    values::string(&v, diags).filter(|p| {
        let ok = p.starts_with('/');
        if !ok {
            diags.push(
                Diagnostic::error(
                    codes::INVALID_VALUE,
                    format!("path `{p}` does not start with `/`"),
                )
                .label(v.span, "not a path")
                .help(format!("write \"/{p}\"")),
            );
        }
        ok
    })
}

/// Whether `host` reads as an IP address the way the API server reads one (IPv4 parts may have
/// leading zeros).
fn is_ip(host: &str) -> bool {
    let parts: Vec<&str> = host.split('.').collect();
    let ipv4 = parts.len() == 4
        && parts.iter().all(|p| {
            !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) && p.parse::<u8>().is_ok()
        });
    ipv4 || host.parse::<std::net::Ipv6Addr>().is_ok()
}

/// A DNS subdomain, or `*.` and one: the wildcard counts in the 253 characters.
fn is_host(host: &str) -> bool {
    let rest = host.strip_prefix("*.").unwrap_or(host);
    !rest.is_empty()
        && host.len() <= 253
        && rest.split('.').all(|l| is_dns_label(l) && l.len() <= 63)
}
