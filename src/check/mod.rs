//! Checks over the whole model: what the resolution of single nodes cannot see.
//!
//! Workloads whose description already had errors (`App::incomplete`) are skipped, so a mistake is
//! reported once, not again as its consequence.

use crate::diag::{Diagnostic, Diagnostics, codes};
use crate::resolve::model::{App, Exposure, VolumeKind, Workload, WorkloadKind};

/// The node port range of a cluster that does not say otherwise (`--service-node-port-range`).
pub const NODE_PORT_RANGE: std::ops::RangeInclusive<u16> = 30000..=32767;

/// Runs every check on a resolved application.
pub fn check(app: &App) -> Diagnostics {
    let mut diags = Diagnostics::new();
    for w in app
        .workloads
        .iter()
        .filter(|w| !app.incomplete.contains(&w.name))
    {
        database_without_storage(w, &mut diags);
        nodeport_range(w, &mut diags);
    }
    diags
}

/// A database keeps its data on a persistent volume; without one, every restart loses it.
fn database_without_storage(w: &Workload, diags: &mut Diagnostics) {
    if w.kind != WorkloadKind::Database {
        return;
    }
    let persistent = w
        .volumes
        .iter()
        .any(|v| matches!(v.kind, VolumeKind::Persistent { .. }));
    if !persistent {
        let source = w.component.as_deref().unwrap_or("its component");
        diags.push(
            Diagnostic::error(codes::DATABASE_WITHOUT_STORAGE, format!("database `{}` has no persistent volume", w.name))
                .label(w.span, "its data would be lost on every restart")
                .help(format!("add `volume data path=\"…\" size=\"10Gi\"` to `{source}` or to this database's block")),
        );
    }
}

/// The API server refuses a node port outside the cluster's range.
fn nodeport_range(w: &Workload, diags: &mut Diagnostics) {
    let Exposure::NodePort { port, span, .. } = &w.expose else {
        return;
    };
    if NODE_PORT_RANGE.contains(port) {
        return;
    }
    let help = if matches!(port, 80 | 443) {
        format!(
            "a node port cannot be {port}: to serve port {port}, write `expose load-balancer port={port}` or expose it through an ingress"
        )
    } else {
        format!(
            "choose a port from {} to {}, such as {}",
            NODE_PORT_RANGE.start(),
            NODE_PORT_RANGE.end(),
            30000 + port % 2768
        )
    };
    diags.push(
        Diagnostic::error(
            codes::NODEPORT_RANGE,
            format!(
                "node port {port} is outside the cluster's range, {}–{}",
                NODE_PORT_RANGE.start(),
                NODE_PORT_RANGE.end()
            ),
        )
        .label(*span, "the API server refuses this Service")
        .help(help),
    );
}
