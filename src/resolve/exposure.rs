//! `expose`: how a workload is reached from outside its pods.

use std::collections::BTreeMap;

use super::model::{Exposure, Ingress};
use super::values::{self, NodeView};
use super::workload::{key_values, unknown_in};
use crate::diag::{Diagnostic, Diagnostics, codes};

const FORMS: &[&str] = &["internal", "nodeport", "load-balancer", "ingress"];

/// Reads one `expose` node.
pub fn expose(node: &NodeView, diags: &mut Diagnostics) -> Option<Exposure> {
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
            annotations.extend(key_values(&child, false, diags));
        } else {
            unknown_in(&child, "`expose`", &["annotations"], diags);
        }
    }
    let form = form?;
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
            (x, &["port"])
        }
        _ => {
            let example = "expose ingress host=\"shop.example.com\" path=\"/\" tls=\"shop-tls\"";
            let host = e.require_prop("host", example, diags).and_then(|v| {
                let host = values::string(&v, diags)?;
                if !is_host(&host) {
                    diags.push(
                        Diagnostic::error(codes::INVALID_VALUE, format!("`{host}` is not a valid host name"))
                            .label(v.span, "invalid host")
                            .help("write a DNS name such as \"shop.example.com\" (a leading `*.` is allowed)"),
                    );
                    return None;
                }
                Some(host)
            });
            let path = match e.prop("path") {
                Some(v) => values::string(&v, diags).filter(|p| {
                    let ok = p.starts_with('/');
                    if !ok {
                        diags.push(
                            Diagnostic::error(
                                codes::INVALID_VALUE,
                                format!("ingress path `{p}` does not start with `/`"),
                            )
                            .label(v.span, "not a path")
                            .help(format!("write \"/{p}\"")),
                        );
                    }
                    ok
                }),
                None => Some("/".to_owned()),
            };
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
            .help("annotations go on the Service or Ingress of an exposed workload"),
        );
    }
    e.finish(known, diags);
    exposure
}

fn is_host(host: &str) -> bool {
    let rest = host.strip_prefix("*.").unwrap_or(host);
    !rest.is_empty()
        && rest.len() <= 253
        && rest
            .split('.')
            .all(|l| values::is_dns_label(l) && l.len() <= 63)
}
