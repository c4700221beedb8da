//! Lowering: the application model → Kubernetes objects built from `k8s-openapi` types.

use crate::resolve::model::App;

/// One Kubernetes object, ready to render.
#[derive(Clone, Debug, PartialEq)]
pub struct Manifest {
    /// The application component it belongs to (a workload's name, or `namespace`); decides the
    /// output file.
    pub component: String,
    /// The object, as built from its `k8s-openapi` type.
    pub object: serde_json::Value,
}

/// Lowers a model without errors into its objects, in a stable order.
pub fn lower(app: &App) -> Vec<Manifest> {
    let _ = app;
    Vec::new()
}
