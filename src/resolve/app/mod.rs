//! The app node: its name, its settings (with the selected environment's over them), then its
//! workloads, each a plain workload or an instance of a component.

mod derived;
pub mod kinds;
mod references;
pub mod settings;
mod workloads;

use std::collections::{BTreeMap, BTreeSet};

use super::component::Components;
use super::environment::Overrides;
use super::values::{self, NodeView};
use super::workload::AppDefaults;
use crate::diag::Diagnostics;
use crate::model::{App, Cluster, SecurityLevel};
use crate::source::Sources;

/// Resolves `app NAME { … }`, with the selected environment's `overrides`.
pub fn resolve_app(
    view: &NodeView,
    components: &mut Components,
    sources: &mut Sources,
    loader: &dyn crate::source::Loader,
    overrides: Option<&Overrides>,
    diags: &mut Diagnostics,
) -> Option<App> {
    let mut app = named(view, diags);
    let environment = overrides.map_or(&[][..], |o| o.settings.as_slice());
    settings::read(&mut app, view.children(), environment, diags);
    settings::check_default_namespace(&app, diags);
    app.manifests = super::manifests::read(view, &app.namespace, sources, loader, diags);
    let defaults = AppDefaults {
        registry: app.registry.as_deref(),
        security: app.security,
        default_gateway: app.default_gateway.as_ref(),
        pod: &app.pod_defaults,
    };
    let (workloads, incomplete) = workloads::read(
        view, &app.name, &defaults, components, sources, overrides, diags,
    );
    app.workloads = workloads;
    app.incomplete = incomplete;
    derived::check(&app, diags);
    derived::check_shared_configs(&app, diags);
    derived::check_manifests(&app, diags);
    (!app.name.is_empty()).then_some(app)
}

/// The app as its name makes it, every setting at its default.
fn named(view: &NodeView, diags: &mut Diagnostics) -> App {
    let mut e = view.read(diags);
    let name_val = e.require_arg("a name", "app shop { … }", diags);
    e.finish(&[], diags);
    let name = name_val.as_ref().and_then(|v| {
        values::dns_label(
            v,
            "app",
            63,
            "the app's name is a label value on every object",
            diags,
        )
    });
    App {
        name: name.clone().unwrap_or_default(),
        span: name_val.as_ref().map_or(view.name_span(), |v| v.span),
        namespace: name.clone().unwrap_or_default(),
        namespace_span: None,
        registry: None,
        security: SecurityLevel::Hardened,
        labels: BTreeMap::new(),
        annotations: BTreeMap::new(),
        ingress_class: None,
        workloads: Vec::new(),
        incomplete: BTreeSet::new(),
        cluster: Cluster::default(),
        allows: Vec::new(),
        network_policy: None,
        default_gateway: None,
        pod_defaults: crate::model::PodDefaults::default(),
        config_maps: Vec::new(),
        secrets: Vec::new(),
        externals: Vec::new(),
        roles: Vec::new(),
        manifests: Vec::new(),
        patches: Vec::new(),
    }
}
