//! Environment variables: `env` (one variable from a Secret, a ConfigMap, a pod field or a value,
//! or literal `NAME=VALUE` pairs) and `env-from` (a whole Secret or ConfigMap).

use super::image::ImageCtx;
use crate::diag::{Diagnostic, Diagnostics, codes};
use crate::model::{Container, EnvFrom, EnvValue, EnvVar};
use crate::resolve::layers::{Layers, upsert};
use crate::resolve::values::{self, NodeView, Reading, Val};
use crate::source::Span;

/// `env NAME=VALUE…` or `env NAME secret=… key=…` (or `config=`, `field=`, `value=`): variables,
/// each keyed by its name across layers.
pub(super) fn env(
    c: &mut Container,
    node: &NodeView,
    layers: &mut Layers,
    _images: &ImageCtx,
    diags: &mut Diagnostics,
) {
    let mut e = node.read(diags);
    let span = node.name_span();
    let prefix = format!("{}/", c.name);
    let mut push = |var: EnvVar, layers: &mut Layers, diags: &mut Diagnostics| {
        let key = format!("{prefix}env:{}", var.name);
        let what = format!("environment variable `{}`", var.name);
        if let Some(replaces) = layers.entry(key, &what, var.span, diags) {
            upsert(&mut c.env, var, replaces, |a, b| a.name == b.name);
        }
    };
    report_stray_words(&mut e, diags);
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
    let address = e.prop("address");
    let sources = [&secret, &config, &field, &value, &address]
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
            .and_then(|k| values::data_key(&k, "Secret", diags));
        let name = values::dns_label(&v, "Secret", 253, "", diags);
        name.zip(key).map(|(name, key)| EnvValue::Secret {
            name,
            key,
            optional,
            span: v.span,
        })
    } else if let Some(v) = config {
        let key = e
            .require_prop("key", &example, diags)
            .and_then(|k| values::data_key(&k, "ConfigMap", diags));
        let name = values::dns_label(&v, "ConfigMap", 253, "", diags);
        name.zip(key).map(|(name, key)| EnvValue::ConfigMap {
            name,
            key,
            optional,
            span: v.span,
        })
    } else if let Some(v) = field {
        values::string(&v, diags).map(EnvValue::Field)
    } else if let Some(v) = address {
        read_address(&v, &mut e, diags).map(EnvValue::Address)
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
        &[
            "secret", "config", "field", "key", "optional", "value", "address", "port", "scheme",
            "path", "fqdn",
        ],
        diags,
    );
}

/// `address=TARGET [port=PORT] [scheme=SCHEME] [path=PATH]`: another workload's address; checked
/// against the target once every workload is read.
fn read_address(
    target: &Val,
    e: &mut Reading,
    diags: &mut Diagnostics,
) -> Option<crate::model::Address> {
    let name = values::dns_label(target, "workload", 253, "", diags)?;
    let port = match e.prop("port") {
        Some(v) => Some(values::port_ref(&v, diags)?),
        None => None,
    };
    let scheme = match e.prop("scheme") {
        Some(v) => {
            let scheme = values::string(&v, diags)?;
            let valid = scheme.starts_with(|c: char| c.is_ascii_lowercase())
                && scheme
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"+-.".contains(&b));
            if !valid {
                diags.push(
                    Diagnostic::error(
                        codes::INVALID_VALUE,
                        format!("`{scheme}` is not a URL scheme"),
                    )
                    .label(v.span, "not a scheme")
                    .help("write the scheme without `://`, such as `http`, `grpc` or `redis`"),
                );
                return None;
            }
            Some(scheme)
        }
        None => None,
    };
    let path = match e.prop("path") {
        Some(v) => {
            let path = values::string(&v, diags)?;
            if scheme.is_none() {
                diags.push(
                    Diagnostic::error(codes::MISSING_VALUE, "`path=` needs `scheme=`")
                        .label(v.span, "a path of no URL")
                        .help(format!(
                            "a path belongs to a URL: write `scheme=http path=\"{path}\"`"
                        )),
                );
                return None;
            }
            if !path.starts_with('/') {
                diags.push(
                    Diagnostic::error(
                        codes::INVALID_VALUE,
                        format!("the path `{path}` does not start with `/`"),
                    )
                    .label(v.span, "not from `/`")
                    .help(format!("write `path=\"/{path}\"`")),
                );
                return None;
            }
            Some(path)
        }
        None => None,
    };
    let fqdn = match e.prop("fqdn") {
        Some(v) => values::boolean(&v, diags)?,
        None => false,
    };
    Some(crate::model::Address {
        target: name,
        port,
        scheme,
        path,
        fqdn,
        span: target.span,
    })
}

/// `env GREETING=Hello world`: a property first, then a stray word — an unquoted value with a
/// space, not a variable named `world`.
fn report_stray_words(e: &mut Reading, diags: &mut Diagnostics) {
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
                    values::written(&p.val),
                    values::written(&stray)
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

/// `env-from secret=NAME` or `env-from config=NAME`: every key as a variable.
pub(super) fn env_from(
    c: &mut Container,
    node: &NodeView,
    _layers: &mut Layers,
    _images: &ImageCtx,
    diags: &mut Diagnostics,
) {
    let span = node.name_span();
    let mut e = node.read(diags);
    let secret = e
        .prop("secret")
        .and_then(|v| values::dns_label(&v, "Secret", 253, "", diags).map(|name| (name, v.span)));
    let config = e.prop("config").and_then(|v| {
        values::dns_label(&v, "ConfigMap", 253, "", diags).map(|name| (name, v.span))
    });
    match (secret, config) {
        (Some((name, span)), None) => c.env_from.push(EnvFrom::Secret { name, span }),
        (None, Some((name, span))) => c.env_from.push(EnvFrom::ConfigMap { name, span }),
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
