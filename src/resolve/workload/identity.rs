//! What a workload is called and selected by, and the shape of its own Service, where the
//! description keeps what ran before Windlass: `names`, `selector`, `headless`,
//! `service-annotations` and `service-labels`. Each name is checked here for its own form; the
//! names derived from them are checked together, for length and collisions, in
//! `resolve/app/derived.rs`.

use super::builder::{AppDefaults, WorkloadBuilder};
use crate::diag::{Diagnostic, Diagnostics, codes};
use crate::model::names::{self, is_dns_label};
use crate::model::{ExtraPort, Named, Selector};
use crate::resolve::shared::{Pairs, flag, key_values};
use crate::resolve::values::{self, NodeView, Val};

/// `names workload=… service=… container=…`: the names of the controller, the Service and the
/// main container, where they are not the workload's.
pub(super) fn names(
    b: &mut WorkloadBuilder,
    node: &NodeView,
    _app: &AppDefaults,
    diags: &mut Diagnostics,
) {
    let span = node.name_span();
    let errors_before = diags.error_count();
    let mut e = node.read(diags);
    let kind = b.w.kind;
    let controller = names::controller_kind(kind);
    let workload = e
        .prop("workload")
        .and_then(|v| name(&v, controller, names::controller_limit(kind), diags));
    let service = e.prop("service").and_then(|v| {
        if kind.is_batch() {
            diags.push(
                Diagnostic::error(
                    codes::INVALID_VALUE,
                    format!("a `{}` has no Service to name", kind.keyword()),
                )
                .label(v.span, "no Service")
                .help("leave `service=` out: Jobs and CronJobs are not reached through a Service"),
            );
            return None;
        }
        // A Service name is a DNS-1035 label: it starts with a letter.
        let named = name(&v, "Service", 63, diags)?;
        if !named.name.starts_with(|c: char| c.is_ascii_lowercase()) {
            diags.push(
                Diagnostic::error(
                    codes::INVALID_NAME,
                    format!("`{}` is not a valid Service name", named.name),
                )
                .label(v.span, "starts with a digit")
                .help("a Service name starts with a letter (a DNS-1035 label)"),
            );
            return None;
        }
        Some(named)
    });
    let container = e
        .prop("container")
        .and_then(|v| name(&v, "container", 63, diags));
    e.finish(&["workload", "service", "container"], diags);
    if workload.is_none() && service.is_none() && container.is_none() {
        if diags.error_count() == errors_before {
            diags.push(
                Diagnostic::error(codes::MISSING_VALUE, "`names` sets nothing")
                    .label(span, "no names")
                    .help("write `names workload=\"orders-deployment\" service=\"orders-svc\" container=server`, any of them"),
            );
        }
        return;
    }
    if !b.layers.first("names".into(), "`names`", span, diags) {
        return;
    }
    if let Some(container) = container {
        let taken =
            b.w.init
                .iter()
                .chain(&b.w.sidecars)
                .any(|c| c.name == container.name);
        if taken {
            diags.push(
                Diagnostic::error(
                    codes::DUPLICATE_NAME,
                    format!("two containers are named `{}`", container.name),
                )
                .label(container.span, "the main container's name")
                .help(
                    "container names must be unique in a pod: rename the init container or sidecar",
                ),
            );
        } else {
            b.w.main.name = container.name;
        }
    }
    if workload.is_some() {
        b.w.object_name = workload;
    }
    if service.is_some() {
        b.w.service.name = service;
    }
}

/// A name of `kind` written in `names`: a DNS-1123 label of at most `limit` characters.
fn name(v: &Val, kind: &str, limit: usize, diags: &mut Diagnostics) -> Option<Named> {
    let written = values::string(v, diags)?;
    if !is_dns_label(&written) {
        diags.push(
            Diagnostic::error(codes::INVALID_NAME, format!("`{written}` is not a valid {kind} name"))
                .label(v.span, "invalid name")
                .help("names are lower-case letters, digits and `-`, starting and ending with a letter or digit"),
        );
        return None;
    }
    if written.len() > limit {
        diags.push(
            Diagnostic::error(
                codes::NAME_TOO_LONG,
                format!(
                    "{kind} name `{written}` is {} characters; at most {limit} fit",
                    written.len()
                ),
            )
            .label(
                v.span,
                format!(
                    "{} over",
                    values::plural(written.len() - limit, "character")
                ),
            )
            .help(format!("shorten it to {limit} characters or fewer")),
        );
        return None;
    }
    Some(Named {
        name: written,
        span: v.span,
    })
}

/// `selector KEY=VALUE…`: the labels the controller and the Service select the pods by,
/// in place of `app.kubernetes.io/name` and `part-of`.
pub(super) fn selector(
    b: &mut WorkloadBuilder,
    node: &NodeView,
    _app: &AppDefaults,
    diags: &mut Diagnostics,
) {
    let span = node.name_span();
    let labels = key_values(node, Pairs::Selector, diags);
    if labels.is_empty() || !b.layers.first("selector".into(), "`selector`", span, diags) {
        return;
    }
    if let Some(previous) = &b.w.selector
        && previous.labels != labels
    {
        diags.push(
            Diagnostic::error(codes::INVALID_VALUE, "an override changes the selector")
                .label(span, "a different selector")
                .label(previous.span, "the selector it replaces")
                .help("a Deployment's or StatefulSet's selector cannot change once it runs, and the same workload in two environments should select alike: keep one `selector`"),
        );
        return;
    }
    b.w.selector = Some(Selector {
        labels,
        span: node.span(),
    });
}

/// `headless [#true|#false]`: whether the workload's own Service has a cluster IP.
pub(super) fn headless(
    b: &mut WorkloadBuilder,
    node: &NodeView,
    _app: &AppDefaults,
    diags: &mut Diagnostics,
) {
    let span = node.name_span();
    if let Some(on) = flag(node, diags)
        && b.layers.first("headless".into(), "`headless`", span, diags)
    {
        b.w.service.headless = Some(on);
    }
}

/// `service-annotations KEY=VALUE…`: annotations on the workload's own Service.
pub(super) fn service_annotations(
    b: &mut WorkloadBuilder,
    node: &NodeView,
    _app: &AppDefaults,
    diags: &mut Diagnostics,
) {
    let map = key_values(node, Pairs::Annotations, diags);
    b.w.service.annotations.extend(map);
}

/// `service-labels KEY=VALUE…`: labels on the workload's own Service.
pub(super) fn service_labels(
    b: &mut WorkloadBuilder,
    node: &NodeView,
    _app: &AppDefaults,
    diags: &mut Diagnostics,
) {
    let map = key_values(node, Pairs::Labels, diags);
    b.w.service.labels.extend(map);
}

/// `service-port N name=NAME target=PORT`: a Service port of its own forwarding to a port the
/// Service publishes, keyed by its number across layers.
pub(super) fn service_port(
    b: &mut WorkloadBuilder,
    node: &NodeView,
    _app: &AppDefaults,
    diags: &mut Diagnostics,
) {
    let span = node.name_span();
    let mut e = node.read(diags);
    let example = "service-port 8081 name=metrics target=http";
    let number = e
        .require_arg("the Service's port number", example, diags)
        .and_then(|v| values::port_number(&v, diags));
    let name = e.require_prop("name", example, diags).and_then(|v| {
        let name = values::string(&v, diags)?;
        if !crate::model::names::is_port_name(&name) {
            diags.push(
                Diagnostic::error(codes::INVALID_NAME, format!("`{name}` is not a valid port name"))
                    .label(v.span, "invalid port name")
                    .help("a Service port's name is an IANA service name: at most 15 lower-case letters, digits and single `-`, with at least one letter"),
            );
            return None;
        }
        Some(name)
    });
    let target = e
        .require_prop("target", example, diags)
        .and_then(|v| values::port_ref(&v, diags));
    e.finish(&["name", "target"], diags);
    let (Some(number), Some(name), Some(target)) = (number, name, target) else {
        return;
    };
    let extra = ExtraPort {
        number,
        name,
        target,
        span,
    };
    if let Some(replaces) = b.layers.entry(
        format!("service-port:{number}"),
        &format!("service-port {number}"),
        span,
        diags,
    ) {
        crate::resolve::layers::upsert(&mut b.w.service.extra_ports, extra, replaces, |a, b| {
            a.number == b.number
        });
    }
}
