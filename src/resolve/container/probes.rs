//! Health probes: `probe` (readiness and liveness alike), `readiness`, `liveness` and `startup`,
//! each an HTTP, TCP, exec or gRPC check with its timings.

use super::image::ImageCtx;
use crate::diag::{Diagnostic, Diagnostics, codes};
use crate::model::{Container, PortRef, Probe, ProbeAction};
use crate::resolve::layers::Layers;
use crate::resolve::values::{self, NodeView};
use crate::source::Span;

/// Which probes a probe node sets.
#[derive(Clone, Copy)]
enum ProbeSlot {
    ReadinessAndLiveness,
    Readiness,
    Liveness,
    Startup,
}

/// Which probes the probe node `name` sets; `None` when it is no probe node.
fn slot(name: &str) -> Option<ProbeSlot> {
    Some(match name {
        "probe" => ProbeSlot::ReadinessAndLiveness,
        "readiness" => ProbeSlot::Readiness,
        "liveness" => ProbeSlot::Liveness,
        "startup" => ProbeSlot::Startup,
        _ => return None,
    })
}

/// Whether `name` is a probe node, which an `init` container does not take.
pub fn is_probe(name: &str) -> bool {
    slot(name).is_some()
}

/// `probe`, `readiness`, `liveness` or `startup KIND …`: the probes it names.
pub(super) fn probe(
    c: &mut Container,
    node: &NodeView,
    layers: &mut Layers,
    _images: &ImageCtx,
    diags: &mut Diagnostics,
) {
    let name = node.name();
    let span = node.name_span();
    let prefix = format!("{}/", c.name);
    let Some(slot) = slot(name) else { return };
    if let Some(p) = read_probe(node, diags) {
        let mut set = |which: &str, target: &mut Option<Probe>, p: Probe| {
            if layers.first(
                format!("{prefix}{which}"),
                &format!("the {which} probe"),
                span,
                diags,
            ) {
                *target = Some(p);
            }
        };
        match slot {
            ProbeSlot::ReadinessAndLiveness => {
                let mut live = p.clone();
                live.failures = live.failures.or(Some(6));
                set("readiness", &mut c.readiness, p);
                set("liveness", &mut c.liveness, live);
            }
            ProbeSlot::Readiness => set("readiness", &mut c.readiness, p),
            ProbeSlot::Liveness => set("liveness", &mut c.liveness, p),
            ProbeSlot::Startup => set("startup", &mut c.startup, p),
        }
    }
}

const PROBE_TIMINGS: &[&str] = &["delay", "period", "timeout", "failures", "successes"];

fn read_probe(node: &NodeView, diags: &mut Diagnostics) -> Option<Probe> {
    let mut e = node.read(diags);
    let span = node.name_span();
    let kinds = ["http", "tcp", "exec", "grpc"];
    let example = format!("{} http \"/health\"", node.name());
    let kind_val = e.require_arg("a probe kind (http, tcp, exec or grpc)", &example, diags)?;
    let kind = values::keyword(&kind_val, &kinds, diags)?;
    let (action, known): (Option<ProbeAction>, Vec<&str>) = match kind.as_str() {
        "http" => {
            let path = e
                .require_arg("a request path", &example, diags)
                .and_then(|v| values::string(&v, diags))
                .filter(|p| path_ok(p, span, diags));
            let port = values::opt_port_ref(&mut e, diags);
            let https = match e.prop("scheme") {
                Some(v) => {
                    values::keyword(&v, &["HTTP", "HTTPS"], diags).is_some_and(|s| s == "HTTPS")
                }
                None => false,
            };
            let port = port.unwrap_or(PortRef::Name(String::new()));
            let headers = headers(node, diags);
            (
                path.map(|path| ProbeAction::Http {
                    path,
                    port,
                    https,
                    headers,
                }),
                vec!["port", "scheme"],
            )
        }
        "tcp" => {
            let port = values::opt_port_ref(&mut e, diags).unwrap_or(PortRef::Name(String::new()));
            (Some(ProbeAction::Tcp { port }), vec!["port"])
        }
        "exec" => {
            let command: Vec<String> = e
                .rest_args()
                .iter()
                .filter_map(|v| values::text(v, diags))
                .collect();
            if command.is_empty() {
                diags.push(
                    Diagnostic::error(codes::MISSING_VALUE, "an exec probe needs a command")
                        .label(kind_val.span, "no command")
                        .help(format!(
                            "write `{} exec \"pg_isready\" \"-U\" \"postgres\"`",
                            node.name()
                        )),
                );
            }
            (
                (!command.is_empty()).then_some(ProbeAction::Exec { command }),
                vec![],
            )
        }
        _ => {
            let port = e
                .prop("port")
                .and_then(|v| values::port_number(&v, diags))
                .unwrap_or(0);
            let service = e.prop("service").and_then(|v| values::string(&v, diags));
            (
                Some(ProbeAction::Grpc { port, service }),
                vec!["port", "service"],
            )
        }
    };
    if kind != "http"
        && let Some(child) = node.children().next()
    {
        diags.push(
            Diagnostic::error(
                codes::UNKNOWN_NODE,
                format!("unknown node `{}` in a {kind} probe", child.name()),
            )
            .label(child.name_span(), "unknown here")
            .help("only an http probe takes a block, of `header NAME VALUE`"),
        );
    }
    let delay = e.prop("delay").and_then(|v| values::duration(&v, diags));
    let period = e
        .prop("period")
        .and_then(|v| values::duration(&v, diags))
        .filter(|p| positive(*p, span, diags));
    let timeout = e
        .prop("timeout")
        .and_then(|v| values::duration(&v, diags))
        .filter(|p| positive(*p, span, diags));
    let failures = e.prop("failures").and_then(|v| values::count(&v, 1, diags));
    let successes = e
        .prop("successes")
        .and_then(|v| values::count(&v, 1, diags));
    let known: Vec<&str> = known
        .into_iter()
        .chain(PROBE_TIMINGS.iter().copied())
        .collect();
    e.finish(&known, diags);
    Some(Probe {
        action: action?,
        delay,
        period,
        timeout,
        failures,
        successes,
        span,
    })
}

/// `header NAME VALUE` children of an HTTP probe: the request's headers.
fn headers(node: &NodeView, diags: &mut Diagnostics) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for child in node.children() {
        if child.name() != "header" {
            crate::resolve::workload::unknown_in(&child, "an http probe", &["header"], diags);
            continue;
        }
        let mut e = child.read(diags);
        let example = "header \"Cookie\" \"session=probe\"";
        let name = e
            .require_arg("a header's name", example, diags)
            .and_then(|v| {
                let name = values::string(&v, diags)?;
                // An HTTP token: letters, digits and a few marks (RFC 9110).
                let token = !name.is_empty()
                    && name
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
                if !token {
                    diags.push(
                        Diagnostic::error(
                            codes::INVALID_VALUE,
                            format!("`{name}` is not an HTTP header name"),
                        )
                        .label(v.span, "not a header name")
                        .help("a header name is letters, digits and `-`, such as `X-Probe`"),
                    );
                    return None;
                }
                Some(name)
            });
        let value = e
            .require_arg("the header's value", example, diags)
            .and_then(|v| values::text(&v, diags));
        e.finish(&[], diags);
        if let (Some(name), Some(value)) = (name, value) {
            out.push((name, value));
        }
    }
    out
}

fn positive(n: u32, span: Span, diags: &mut Diagnostics) -> bool {
    if n == 0 {
        diags.push(
            Diagnostic::error(
                codes::INVALID_VALUE,
                "this probe timing must be at least one second",
            )
            .label(span, "zero")
            .help("leave it out to take Kubernetes' default, or give at least 1"),
        );
    }
    n > 0
}

fn path_ok(path: &str, span: Span, diags: &mut Diagnostics) -> bool {
    let ok = path.starts_with('/');
    if !ok {
        diags.push(
            Diagnostic::error(
                codes::INVALID_VALUE,
                format!("`{path}` is not an absolute path"),
            )
            .label(span, "path must start with `/`")
            .help(format!("write \"/{path}\"")),
        );
    }
    ok
}
