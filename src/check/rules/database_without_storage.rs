//! `database-without-storage`: a database without a persistent volume.

use crate::check::{Context, Findings, Rule};
use crate::declare_rule;
use crate::model::WorkloadKind;

declare_rule! {
    /// ## What it does
    /// Flags a `database` whose workload has no persistent `volume`, and a `database` instance
    /// without `storage=`.
    ///
    /// ## Why is this bad?
    /// A database keeps its data on disk. Without a persistent volume the data lives in the
    /// container's writable layer and is lost on every restart, reschedule or upgrade.
    ///
    /// ## Example
    /// ```kdl
    /// component my-db kind=database { image "postgres:16.6"; port 5432 }
    ///
    /// app shop { use my-db orders-db }
    /// ```
    ///
    /// ## Use instead
    /// ```kdl
    /// component my-db kind=database {
    ///     image "postgres:16.6"
    ///     port 5432
    ///     volume data path="/var/lib/postgresql/data" size="20Gi"
    /// }
    ///
    /// app shop { use my-db orders-db }
    /// ```
    ///
    /// Counterparts: none in kube-linter, kube-score, Polaris or checkov (they cannot tell a
    /// database from any other workload).
    pub struct DatabaseWithoutStorage {
        code: "database-without-storage",
        severity: Error,
        summary: "a database without a persistent volume: its data is lost on every restart",
    }
}

impl Rule for DatabaseWithoutStorage {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        let unprotected = cx
            .workloads()
            .filter(|w| w.kind == WorkloadKind::Database && !w.has_persistent_volume());
        for w in unprotected {
            let source = w.component.as_deref().unwrap_or("its component");
            out.push(w, format!("database `{}` has no persistent volume", w.name))
                .label(w.span, "its data would be lost on every restart")
                .help(format!(
                    "add `volume data path=\"…\" size=\"10Gi\"` to `{source}` or to this database's block"
                ));
        }
    }
}
