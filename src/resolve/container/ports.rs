//! `port NUMBER [name=…] [protocol=…] [app-protocol=…]`: a container port, keyed by number and
//! protocol across layers. A port given no name is named once the whole pod is read (see
//! `workload/protocols.rs`), after the protocol it speaks.

use super::image::ImageCtx;
use crate::diag::{Diagnostic, Diagnostics, codes, did_you_mean};
use crate::model::names::{
    KUBERNETES_APP_PROTOCOLS, is_domain, is_label_value, is_port_name, is_service_name,
};
use crate::model::{Container, Port, Protocol};
use crate::resolve::layers::{Layers, upsert};
use crate::resolve::values::{self, NodeView, Val};

/// `port NUMBER …`: a port the container listens on, also published by the Service.
pub(super) fn port(
    c: &mut Container,
    node: &NodeView,
    layers: &mut Layers,
    _images: &ImageCtx,
    diags: &mut Diagnostics,
) {
    let span = node.name_span();
    let prefix = format!("{}/", c.name);
    if let Some(port) = read_port(node, diags) {
        let key = format!("{prefix}port:{}:{}", port.number, port.protocol.as_str());
        if let Some(replaces) = layers.entry(key, &format!("port {}", port.number), span, diags) {
            upsert(&mut c.ports, port, replaces, |a, b| {
                a.number == b.number && a.protocol == b.protocol
            });
        }
    }
}

fn read_port(node: &NodeView, diags: &mut Diagnostics) -> Option<Port> {
    let mut e = node.read(diags);
    let span = node.name_span();
    let number = e
        .require_arg("a port number", "port 8080", diags)
        .and_then(|v| values::port_number(&v, diags));
    let name = match e.prop("name") {
        Some(v) => {
            let name = values::string(&v, diags)?;
            // All ASCII before the cut: `name[..15]` must not split a character.
            if name.len() > 15
                && name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && is_port_name(&name[..15])
            {
                diags.push(
                    Diagnostic::error(codes::NAME_TOO_LONG, format!("port name `{name}` is {} characters; at most 15 fit", name.len()))
                        .label(v.span, format!("{} over", values::plural(name.len() - 15, "character")))
                        .help("port names are IANA service names of at most 15 characters: shorten it, such as `metrics` or `grpc-health`"),
                );
                return None;
            }
            if !is_port_name(&name) {
                diags.push(
                    Diagnostic::error(codes::INVALID_NAME, format!("`{name}` is not a valid port name"))
                        .label(v.span, if name.len() > 15 { "longer than 15 characters" } else { "invalid port name" })
                        .help("port names are IANA service names: at most 15 lower-case letters, digits and single `-`, with at least one letter"),
                );
                return None;
            }
            Some(name)
        }
        None => None,
    };
    let protocol = match e.prop("protocol") {
        Some(v) => match values::keyword(&v, &["TCP", "UDP", "SCTP"], diags)?.as_str() {
            "UDP" => Protocol::Udp,
            "SCTP" => Protocol::Sctp,
            _ => Protocol::Tcp,
        },
        None => Protocol::Tcp,
    };
    // A bad value is reported and left out; the port stays, so nothing that names it fails too.
    let app_protocol = e.prop("app-protocol").and_then(|v| app_protocol(&v, diags));
    let service_port = match e.prop("service-port") {
        Some(v) => Some(values::port_number(&v, diags)?),
        None => None,
    };
    let service_port_name = match e.prop("service-port-name") {
        Some(v) => {
            let name = values::string(&v, diags)?;
            if !is_port_name(&name) {
                diags.push(
                    Diagnostic::error(codes::INVALID_NAME, format!("`{name}` is not a valid port name"))
                        .label(v.span, "invalid port name")
                        .help("a Service port's name is an IANA service name: at most 15 lower-case letters, digits and single `-`, with at least one letter"),
                );
                return None;
            }
            Some(name)
        }
        None => None,
    };
    let publish = match e.prop("publish") {
        Some(v) => Some(values::boolean(&v, diags)?),
        None => None,
    };
    e.finish(
        &[
            "name",
            "protocol",
            "app-protocol",
            "service-port",
            "service-port-name",
            "publish",
        ],
        diags,
    );
    Some(Port {
        number: number?,
        // Named in `workload/protocols.rs` when empty.
        name: name.unwrap_or_default(),
        protocol,
        app_protocol,
        service_port,
        service_port_name,
        publish,
        span,
    })
}

/// `app-protocol=…`: what Kubernetes accepts in `appProtocol` and means by it. An IANA service
/// name (`http`, `mysql`), one of the protocols Kubernetes defines (`kubernetes.io/h2c`), or a
/// name under a domain (`example.com/my-protocol`).
fn app_protocol(v: &Val, diags: &mut Diagnostics) -> Option<String> {
    let value = values::string(v, diags)?;
    let problem = match value.split_once('/') {
        None if is_service_name(&value) => return Some(value),
        None if value.is_empty() => {
            Diagnostic::error(codes::INVALID_VALUE, "the application protocol is empty")
                .label(v.span, "empty")
                .help("leave `app-protocol` out, or name the protocol, such as `http`")
        }
        None => Diagnostic::error(
            codes::INVALID_VALUE,
            format!("`{value}` is not an IANA service name"),
        )
        .label(v.span, service_name_problem(&value))
        .help(
            "an application protocol without a `/` is an IANA service name, such as `http`, \
             `https` or `mysql`: at most 15 letters, digits and single `-`, with a letter; \
             other protocols take a domain: `example.com/my-protocol`",
        ),
        Some((domain, _)) if is_kubernetes_domain(domain) => {
            if KUBERNETES_APP_PROTOCOLS.contains(&value.as_str()) {
                return Some(value);
            }
            Diagnostic::error(
                codes::INVALID_VALUE,
                format!("Kubernetes defines no application protocol `{value}`"),
            )
            .label(v.span, "unknown to Kubernetes")
            .help(format!(
                "{}Kubernetes defines `kubernetes.io/h2c` (HTTP/2 without TLS, as gRPC speaks \
                 it), `kubernetes.io/ws` and `kubernetes.io/wss` (WebSocket)",
                did_you_mean(&value, KUBERNETES_APP_PROTOCOLS)
                    .map(|best| format!("did you mean `{best}`? "))
                    .unwrap_or_default()
            ))
        }
        Some((domain, _)) if !is_domain(domain) => Diagnostic::error(
            codes::INVALID_VALUE,
            format!("`{domain}` is not a domain"),
        )
        .label(v.span, "invalid prefix")
        .help(
            "a prefixed application protocol is `DOMAIN/NAME` under a domain its implementation \
             owns, such as `example.com/my-protocol`; lower-case labels joined by `.`",
        ),
        Some((_, name)) if !name.is_empty() && is_label_value(name) => {
            return Some(value);
        }
        Some((_, name)) => Diagnostic::error(
            codes::INVALID_VALUE,
            format!("`{name}` is not a valid application protocol name"),
        )
        .label(v.span, "invalid name after the domain")
        .help(
            "the name after the `/` is at most 63 letters, digits, `-`, `_` and `.`, \
             beginning and ending with a letter or digit",
        ),
    };
    diags.push(problem);
    None
}

/// What keeps `name` from being an IANA service name, for a label.
fn service_name_problem(name: &str) -> &'static str {
    if name.len() > 15 {
        "longer than 15 characters"
    } else if !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        "only letters, digits and `-`"
    } else if !name.bytes().any(|b| b.is_ascii_alphabetic()) {
        "no letter"
    } else {
        "`-` only singly, between letters or digits"
    }
}

/// Kubernetes reserves its own domains, and their subdomains, for the names it defines.
fn is_kubernetes_domain(domain: &str) -> bool {
    ["kubernetes.io", "k8s.io"]
        .iter()
        .any(|d| domain == *d || domain.strip_suffix(d).is_some_and(|sub| sub.ends_with('.')))
}
