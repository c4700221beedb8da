//! `unvalidated-manifest`: included objects whose schema Windlass does not know.

use crate::check::{Context, Findings, Rule};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Lists, in one note, the objects of the app's `manifest` files whose kind is not one of
    /// Kubernetes' or Gateway API's: custom resources (a `ServiceMonitor`, a `Certificate`).
    ///
    /// ## Why is this bad?
    /// It is not bad; it is what the output holds that nobody has checked. Windlass checks an
    /// included object's `apiVersion`, `kind`, name and namespace, and the test suite validates
    /// the known kinds strictly; a custom resource's fields are checked only by its operator's
    /// CRD, when the cluster has it — a misspelt field is dropped or refused at apply time.
    ///
    /// ## Example
    /// With `monitoring.yaml` holding a `ServiceMonitor`:
    /// ```kdl
    /// manifest "monitoring.yaml"
    /// service orders { image "orders:1.0.0"; port 8080 name=http }
    /// ```
    ///
    /// ## Use instead
    /// Validate the file against the operator's CRD schema in CI (`kubeconform` with the CRD
    /// catalog), and say so:
    /// ```kdl
    /// manifest "monitoring.yaml"
    /// allow unvalidated-manifest reason="CI validates monitoring.yaml against the CRDs"
    /// service orders { image "orders:1.0.0"; port 8080 name=http }
    /// ```
    ///
    /// Counterparts: kubeconform's `-schema-location` for CRDs; kubectl's server-side dry run.
    pub struct UnvalidatedManifest {
        code: "unvalidated-manifest",
        severity: Note,
        summary: "included objects whose schema Windlass does not know (custom resources)",
    }
}

impl Rule for UnvalidatedManifest {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        let unknown: Vec<_> = cx.app.manifests.iter().filter(|m| !m.known).collect();
        let Some(first) = unknown.first() else {
            return;
        };
        let list: Vec<String> = unknown
            .iter()
            .map(|m| format!("{} `{}`", m.kind, m.name))
            .collect();
        let finding = out
            .push_app(format!(
                "`{}` includes objects whose schema Windlass does not know: {}",
                cx.app.name,
                list.join(", ")
            ))
            .label(first.span, "checked for kind, name and namespace only");
        for m in unknown.iter().skip(1) {
            if m.span.key() != first.span.key() {
                finding.label(m.span, format!("{} `{}`", m.kind, m.name));
            }
        }
        finding.help("validate them against their CRDs' schemas (kubeconform with the CRD catalog, or a server-side dry run)");
    }
}
