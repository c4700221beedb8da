//! Requests to and from a workload: the workloads it calls (`uses`), the paths it forwards
//! (`route`), and how it is reached (`expose`).

use super::builder::{AppDefaults, WorkloadBuilder};
use super::exposure;
use crate::diag::{Diagnostic, Diagnostics, codes};
use crate::model::{Edge, Route};
use crate::resolve::layers::upsert;
use crate::resolve::values::{self, NodeView};

/// `uses WORKLOAD…`: the workloads this one calls.
pub(super) fn uses(
    b: &mut WorkloadBuilder,
    node: &NodeView,
    _app: &AppDefaults,
    diags: &mut Diagnostics,
) {
    let span = node.name_span();
    let mut e = node.read(diags);
    let targets = e.rest_args();
    if targets.is_empty() {
        diags.push(
            Diagnostic::error(codes::MISSING_VALUE, "`uses` names no workload")
                .label(span, "no targets")
                .help("write `uses orders-db cache`"),
        );
    }
    for t in targets {
        if let Some(target) = values::string(&t, diags) {
            b.w.uses.push(Edge {
                target,
                span: t.span,
                from_address: false,
            });
        }
    }
    e.finish(&[], diags);
}

/// `route PATH to=WORKLOAD [port=…]`: a request path forwarded to another workload.
pub(super) fn route(
    b: &mut WorkloadBuilder,
    node: &NodeView,
    _app: &AppDefaults,
    diags: &mut Diagnostics,
) {
    let span = node.name_span();
    let mut e = node.read(diags);
    let example = "route \"/api\" to=gateway";
    let path = e
        .require_arg("a path", example, diags)
        .and_then(|v| values::string(&v, diags));
    let path = path.filter(|p| {
        let ok = p.starts_with('/');
        if !ok {
            diags.push(
                Diagnostic::error(
                    codes::INVALID_VALUE,
                    format!("route path `{p}` does not start with `/`"),
                )
                .label(span, "not a path")
                .help(format!("write \"/{p}\"")),
            );
        }
        ok
    });
    let target = e.require_prop("to", example, diags);
    let port = values::opt_port_ref(&mut e, diags);
    if let (Some(path), Some(t)) = (path, target)
        && let Some(target) = values::string(&t, diags)
    {
        let what = format!("route `{path}`");
        if let Some(replaces) = b.layers.entry(format!("route:{path}"), &what, span, diags) {
            let route = Route {
                path,
                target,
                port,
                span: t.span,
            };
            upsert(&mut b.w.routes, route, replaces, |a, b| a.path == b.path);
        }
    }
    e.finish(&["to", "port"], diags);
}

/// `expose FORM …`: how the workload is reached from outside its pods.
pub(super) fn expose(
    b: &mut WorkloadBuilder,
    node: &NodeView,
    app: &AppDefaults,
    diags: &mut Diagnostics,
) {
    let span = node.name_span();
    if let Some((x, in_place)) = exposure::expose(node, app.default_gateway, diags)
        && b.layers.first("expose".into(), "`expose`", span, diags)
    {
        b.w.expose = x;
        b.w.service.exposed_in_place = in_place;
    }
}
