//! `port NUMBER [name=…] [protocol=…]`: a container port, keyed by number and protocol across
//! layers; the first port is named `http` unless it is given a name.

use super::image::ImageCtx;
use crate::diag::{Diagnostic, Diagnostics, codes};
use crate::model::names::is_port_name;
use crate::model::{Container, Port, Protocol};
use crate::resolve::layers::{Layers, upsert};
use crate::resolve::values::{self, NodeView};

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
    if let Some(port) = read_port(c.ports.len(), node, diags) {
        let key = format!("{prefix}port:{}:{}", port.number, port.protocol.as_str());
        if let Some(replaces) = layers.entry(key, &format!("port {}", port.number), span, diags) {
            upsert(&mut c.ports, port, replaces, |a, b| {
                a.number == b.number && a.protocol == b.protocol
            });
        }
    }
}

fn read_port(index: usize, node: &NodeView, diags: &mut Diagnostics) -> Option<Port> {
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
    e.finish(&["name", "protocol"], diags);
    let number = number?;
    let name = name.unwrap_or_else(|| {
        if index == 0 {
            "http".to_owned()
        } else {
            format!("port-{number}")
        }
    });
    Some(Port {
        number,
        name,
        protocol,
        span,
    })
}
