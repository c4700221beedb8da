//! Checks over the whole model: what the resolution of single nodes cannot see.

use crate::diag::{Diagnostic, Diagnostics, codes};
use crate::resolve::model::{App, VolumeKind, WorkloadKind};

/// Runs every check on a resolved application.
pub fn check(app: &App) -> Diagnostics {
    let mut diags = Diagnostics::new();
    database_without_storage(app, &mut diags);
    diags
}

/// A database keeps its data on a persistent volume; without one, every restart loses it.
fn database_without_storage(app: &App, diags: &mut Diagnostics) {
    for w in app
        .workloads
        .iter()
        .filter(|w| w.kind == WorkloadKind::Database)
    {
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
}
