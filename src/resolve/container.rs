//! Children that describe a container: image, ports, env, probes, resources, command, mounts.
//! Shared by the main container and by `init` and `sidecar` blocks.

use super::layers::{Layers, upsert};
use super::shared::flag;
use super::values::{self, NodeView, Reading, Val};
use crate::diag::{Diagnostic, Diagnostics, codes};
use crate::model::names::is_port_name;
use crate::model::{
    Container, EnvFrom, EnvValue, EnvVar, Image, Mount, Port, PortRef, Probe, ProbeAction,
    Protocol, Resources,
};
use crate::source::Span;

/// The node names [`apply`] understands.
pub const CONTAINER_NODES: &[&str] = &[
    "image",
    "command",
    "args",
    "env",
    "env-from",
    "port",
    "resources",
    "probe",
    "readiness",
    "liveness",
    "startup",
    "mount",
    "privileged",
];

/// Which probes a probe node sets.
#[derive(Clone, Copy)]
enum ProbeSlot {
    ReadinessAndLiveness,
    Readiness,
    Liveness,
    Startup,
}

/// Context for resolving images.
pub struct ImageCtx<'a> {
    /// The app's registry prefix.
    pub registry: Option<&'a str>,
}

/// Applies one container node to `c`. Returns `false` when the node is not a container node.
pub fn apply(
    c: &mut Container,
    node: &NodeView,
    layers: &mut Layers,
    images: &ImageCtx,
    diags: &mut Diagnostics,
) -> bool {
    let name = node.name();
    let span = node.name_span();
    let scope = format!("{}/", c.name);
    match name {
        "image" => {
            let mut e = node.read(diags);
            let val = e.require_arg("an image reference", "image \"orders:3.1.0\"", diags);
            if let Some(val) = val
                && layers.first(format!("{scope}image"), "`image`", span, diags)
                && let Some(image) = image(&val, images.registry, diags)
            {
                c.image = Some(image);
            }
            e.finish(&[], diags);
        }
        "command" | "args" => {
            let mut e = node.read(diags);
            let words: Vec<String> = e
                .rest_args()
                .iter()
                .filter_map(|v| values::text(v, diags))
                .collect();
            if words.is_empty() {
                diags.push(
                    Diagnostic::error(
                        codes::MISSING_VALUE,
                        format!("`{name}` needs at least one word"),
                    )
                    .label(span, "empty")
                    .help(format!("write it as `{name} \"/app/run\" \"--flag\"`")),
                );
            }
            if layers.first(format!("{scope}{name}"), &format!("`{name}`"), span, diags) {
                if name == "command" {
                    c.command = words;
                } else {
                    c.args = words;
                }
            }
            e.finish(&[], diags);
        }
        "env" => env(c, node, layers, diags),
        "env-from" => {
            let mut e = node.read(diags);
            let secret = e
                .prop("secret")
                .and_then(|v| values::dns_label(&v, "Secret", 253, "", diags));
            let config = e
                .prop("config")
                .and_then(|v| values::dns_label(&v, "ConfigMap", 253, "", diags));
            match (secret, config) {
                (Some(s), None) => c.env_from.push(EnvFrom::Secret(s)),
                (None, Some(m)) => c.env_from.push(EnvFrom::ConfigMap(m)),
                (Some(_), Some(_)) | (None, None) => diags.push(
                    Diagnostic::error(
                        codes::MISSING_VALUE,
                        "`env-from` needs one of `secret=` or `config=`",
                    )
                    .label(span, "one source per line")
                    .help("write `env-from secret=NAME` or `env-from config=NAME`"),
                ),
            }
            e.finish(&["secret", "config"], diags);
        }
        "port" => {
            if let Some(port) = port(c.ports.len(), node, diags) {
                let key = format!("{scope}port:{}:{}", port.number, port.protocol.as_str());
                if let Some(replaces) =
                    layers.entry(key, &format!("port {}", port.number), span, diags)
                {
                    upsert(&mut c.ports, port, replaces, |a, b| {
                        a.number == b.number && a.protocol == b.protocol
                    });
                }
            }
        }
        "resources" => {
            let mut e = node.read(diags);
            let mut r = Resources {
                span: Some(span),
                ..Resources::default()
            };
            let mut q =
                |key: &str, e: &mut Reading| e.prop(key).and_then(|v| values::quantity(&v, diags));
            r.cpu = q("cpu", &mut e);
            r.memory = q("memory", &mut e);
            r.ephemeral_storage = q("ephemeral-storage", &mut e);
            r.limit_cpu = q("limit-cpu", &mut e);
            r.limit_memory = q("limit-memory", &mut e);
            if layers.first(format!("{scope}resources"), "`resources`", span, diags) {
                c.resources = r;
            }
            e.finish(
                &[
                    "cpu",
                    "memory",
                    "ephemeral-storage",
                    "limit-cpu",
                    "limit-memory",
                ],
                diags,
            );
        }
        "probe" | "readiness" | "liveness" | "startup" => {
            let slot = match name {
                "probe" => ProbeSlot::ReadinessAndLiveness,
                "readiness" => ProbeSlot::Readiness,
                "liveness" => ProbeSlot::Liveness,
                _ => ProbeSlot::Startup,
            };
            if let Some(p) = probe(node, diags) {
                let mut set = |which: &str, target: &mut Option<Probe>, p: Probe| {
                    if layers.first(
                        format!("{scope}{which}"),
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
        "privileged" => {
            if let Some(on) = flag(node, diags)
                && layers.first(format!("{scope}privileged"), "`privileged`", span, diags)
            {
                c.privileged = on;
            }
        }
        "mount" => {
            let mut e = node.read(diags);
            let volume = e
                .require_arg("a volume name", "mount data path=\"/data\"", diags)
                .and_then(|v| values::dns_label(&v, "volume", 63, "", diags));
            let path = e
                .require_prop("path", "mount data path=\"/data\"", diags)
                .and_then(|v| values::abs_path(&v, diags));
            let read_only = e
                .prop("read-only")
                .and_then(|v| values::boolean(&v, diags))
                .unwrap_or(false);
            if let (Some(volume), Some(path)) = (volume, path)
                && layers.first(
                    format!("{scope}mount:{path}"),
                    &format!("a mount at {path}"),
                    span,
                    diags,
                )
            {
                c.mounts.push(Mount {
                    volume,
                    path,
                    read_only,
                    span,
                });
            }
            e.finish(&["path", "read-only"], diags);
        }
        _ => return false,
    }
    true
}

fn env(c: &mut Container, node: &NodeView, layers: &mut Layers, diags: &mut Diagnostics) {
    let mut e = node.read(diags);
    let span = node.name_span();
    let scope = format!("{}/", c.name);
    let mut push = |var: EnvVar, layers: &mut Layers, diags: &mut Diagnostics| {
        let key = format!("{scope}env:{}", var.name);
        let what = format!("environment variable `{}`", var.name);
        if let Some(replaces) = layers.entry(key, &what, var.span, diags) {
            upsert(&mut c.env, var, replaces, |a, b| a.name == b.name);
        }
    };
    // `env GREETING=Hello world`: a property first, then a stray word — an unquoted value with a
    // space, not a variable named `world`.
    let literal_form = e
        .props
        .first()
        .is_some_and(|p| e.args.first().is_none_or(|a| a.span.start > p.span.start));
    if literal_form {
        for stray in e.rest_args() {
            let before = e
                .props
                .iter()
                .rev()
                .find(|p| p.span.start < stray.span.start);
            let help = match before {
                Some(p) => format!(
                    "to give `{}` a value with spaces, quote it: {}=\"{} {}\"",
                    p.key,
                    p.key,
                    values::display(&p.val.value),
                    values::display(&stray.value)
                ),
                None => "write each variable as NAME=VALUE".to_owned(),
            };
            diags.push(
                Diagnostic::error(
                    codes::UNEXPECTED_ARGUMENT,
                    "a word after `NAME=VALUE` that belongs to no variable",
                )
                .label(stray.span, "stray word")
                .help(help),
            );
        }
    }
    let Some(name_val) = e.next_arg() else {
        // `env A=1 B=2`: every property is a literal variable.
        let props = e.rest_props();
        if props.is_empty() {
            diags.push(
                Diagnostic::error(codes::MISSING_VALUE, "`env` sets nothing")
                    .label(span, "no variables")
                    .help("write `env NAME=value` or `env NAME secret=SECRET key=KEY`"),
            );
        }
        for prop in props {
            if !env_name_ok(&prop.key, prop.span, diags) {
                continue;
            }
            if let Some(value) = values::text(&prop.val, diags) {
                push(
                    EnvVar {
                        name: prop.key,
                        value: EnvValue::Literal(value),
                        span: prop.span,
                    },
                    layers,
                    diags,
                );
            }
        }
        e.finish(&[], diags);
        return;
    };
    let Some(name) = values::string(&name_val, diags) else {
        return;
    };
    if !env_name_ok(&name, name_val.span, diags) {
        return;
    }
    let optional = e
        .prop("optional")
        .and_then(|v| values::boolean(&v, diags))
        .unwrap_or(false);
    let secret = e.prop("secret");
    let config = e.prop("config");
    let field = e.prop("field");
    let value = e.prop("value");
    let sources = [&secret, &config, &field, &value]
        .iter()
        .filter(|s| s.is_some())
        .count();
    let example = format!("env {name} secret=SECRET key=KEY");
    let resolved = if sources != 1 {
        diags.push(
            Diagnostic::error(codes::MISSING_VALUE, format!("`env {name}` needs exactly one source of its value"))
                .label(name_val.span, "value from where?")
                .help(format!("write `env {name}=VALUE`, `{example}`, `env {name} config=CONFIGMAP key=KEY` or `env {name} field=\"metadata.name\"`")),
        );
        None
    } else if let Some(v) = secret {
        let key = e
            .require_prop("key", &example, diags)
            .and_then(|k| values::text(&k, diags));
        let name = values::dns_label(&v, "Secret", 253, "", diags);
        name.zip(key).map(|(name, key)| EnvValue::Secret {
            name,
            key,
            optional,
        })
    } else if let Some(v) = config {
        let key = e
            .require_prop("key", &example, diags)
            .and_then(|k| values::text(&k, diags));
        let name = values::dns_label(&v, "ConfigMap", 253, "", diags);
        name.zip(key).map(|(name, key)| EnvValue::ConfigMap {
            name,
            key,
            optional,
        })
    } else if let Some(v) = field {
        values::string(&v, diags).map(EnvValue::Field)
    } else {
        value
            .and_then(|v| values::text(&v, diags))
            .map(EnvValue::Literal)
    };
    if let Some(value) = resolved {
        push(
            EnvVar {
                name,
                value,
                span: name_val.span,
            },
            layers,
            diags,
        );
    }
    e.finish(
        &["secret", "config", "field", "key", "optional", "value"],
        diags,
    );
}

fn env_name_ok(name: &str, span: Span, diags: &mut Diagnostics) -> bool {
    let ok = !name.is_empty()
        && name
            .bytes()
            .all(|b| (0x20..0x7f).contains(&b) && b != b'=' && b != b' ');
    if !ok {
        diags.push(
            Diagnostic::error(
                codes::INVALID_NAME,
                format!("`{name}` is not a valid environment variable name"),
            )
            .label(span, "invalid name")
            .help("use letters, digits, `_`, `-` and `.`, such as `DB_PASSWORD`"),
        );
    }
    ok
}

fn port(index: usize, node: &NodeView, diags: &mut Diagnostics) -> Option<Port> {
    let mut e = node.read(diags);
    let span = node.name_span();
    let number = e
        .require_arg("a port number", "port 8080", diags)
        .and_then(|v| values::port_number(&v, diags));
    let name = match e.prop("name") {
        Some(v) => {
            let name = values::string(&v, diags)?;
            if name.len() > 15
                && is_port_name(&name[..15])
                && name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
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

const PROBE_TIMINGS: &[&str] = &["delay", "period", "timeout", "failures", "successes"];

fn probe(node: &NodeView, diags: &mut Diagnostics) -> Option<Probe> {
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
            (
                path.map(|path| ProbeAction::Http { path, port, https }),
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

/// Parses an image reference and applies the registry prefix when it names no registry host.
pub fn image(val: &Val, registry: Option<&str>, diags: &mut Diagnostics) -> Option<Image> {
    let written = values::string(val, diags)?;
    let fail = |why: &str, diags: &mut Diagnostics| {
        diags.push(
            Diagnostic::error(
                codes::INVALID_IMAGE,
                format!("`{written}` is not a valid image reference"),
            )
            .label(val.span, why.to_owned())
            .help("write `[registry/]repository[:tag][@sha256:digest]`, such as \"nginx:1.27.3\""),
        );
    };
    if written.is_empty() || written.contains(char::is_whitespace) {
        fail("empty or contains spaces", diags);
        return None;
    }
    let (rest, digest) = match written.split_once('@') {
        Some((r, d)) => (r, Some(d.to_owned())),
        None => (written.as_str(), None),
    };
    if let Some(d) = &digest {
        let valid = d.split_once(':').is_some_and(|(alg, hex)| {
            !alg.is_empty() && hex.len() >= 32 && hex.bytes().all(|b| b.is_ascii_hexdigit())
        });
        if !valid {
            fail("the digest is not `sha256:HEX`", diags);
            return None;
        }
    }
    let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
    let (repository, tag) = match rest[last_slash..].rfind(':') {
        Some(i) => (
            &rest[..last_slash + i],
            Some(rest[last_slash + i + 1..].to_owned()),
        ),
        None => (rest, None),
    };
    if let Some(t) = &tag {
        let valid = !t.is_empty()
            && t.len() <= 128
            && t.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
            && !t.starts_with(['.', '-']);
        if !valid {
            fail("invalid tag", diags);
            return None;
        }
    }
    let segments: Vec<&str> = repository.split('/').collect();
    let has_host = segments.len() > 1
        && segments
            .first()
            .is_some_and(|s| s.contains(['.', ':']) || *s == "localhost");
    let path_ok = segments.iter().skip(usize::from(has_host)).all(|s| {
        !s.is_empty()
            && s.bytes().all(|b| {
                b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-')
            })
            && s.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric())
    });
    if !path_ok {
        fail(
            "repository names are lower-case letters, digits, `.`, `_` and `-`",
            diags,
        );
        return None;
    }
    let prefix = match registry {
        Some(r) if !has_host => format!("{}/", r.trim_end_matches('/')),
        _ => String::new(),
    };
    let repository = format!("{prefix}{repository}");
    let mut reference = repository.clone();
    if let Some(t) = &tag {
        reference.push(':');
        reference.push_str(t);
    }
    if let Some(d) = &digest {
        reference.push('@');
        reference.push_str(d);
    }
    Some(Image {
        reference,
        repository,
        tag,
        digest,
        span: val.span,
    })
}
