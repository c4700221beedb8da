//! Lowering: the application model → Kubernetes objects built from `k8s-openapi` types.
//!
//! The output order is fixed: the `Namespace` (none for `default`), then for each workload in source order its
//! ServiceAccount, Role and RoleBinding, files ConfigMap, PersistentVolumeClaims, Services, controller,
//! HorizontalPodAutoscaler, PodDisruptionBudget, Ingress and NetworkPolicy. Every map is a
//! `BTreeMap` and nothing reads the clock or a random source, so the same model always gives the
//! same objects.
//!
//! Labels follow `app.kubernetes.io/*`; selectors use only `name` and `part-of`, so they never
//! change when anything else does (a selector change is a delete-and-recreate in Kubernetes).

mod canary;
mod container;
mod exposure;
pub mod gateway_api;
mod network;
mod scaling;
mod service;
mod storage;
mod workload;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{ConfigMap, Namespace};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use serde::Serialize;

use crate::model::{App, IntOrPercent, Workload};

/// One Kubernetes object, ready to render.
#[derive(Clone, Debug, PartialEq)]
pub struct Manifest {
    /// The application component it belongs to: `KIND-NAME` of its workload (`service-orders`),
    /// or `namespace`. Decides the output file; never collides with `kustomization`.
    pub component: String,
    /// The object, as built from its `k8s-openapi` type.
    pub object: serde_json::Value,
}

/// Lowers a model without errors into its objects, in a stable order.
pub fn lower(app: &App) -> Vec<Manifest> {
    let mut out = Vec::new();
    lower_each(app, |batch| out.extend(batch));
    out
}

/// Lowers a model without errors, handing the objects to `sink` a component at a time (the
/// Namespace, then each workload's), in the order of [`lower`]: a consumer that renders each
/// batch and drops it never holds every object at once.
pub fn lower_each(app: &App, mut sink: impl FnMut(Vec<Manifest>)) {
    let lowering = Lowering::new(app);
    sink(lowering.namespace());
    for workload in &app.workloads {
        sink(lowering.workload(workload));
    }
    let included = lowering.manifests();
    if !included.is_empty() {
        sink(included);
    }
}

/// An app being lowered a component at a time, with what every workload's objects read of the
/// others (who calls whom) worked out once.
pub struct Lowering<'a> {
    /// The app.
    app: &'a App,
    /// The `uses` and `route` edges, for NetworkPolicies.
    graph: network::Graph,
}

impl<'a> Lowering<'a> {
    /// Prepares `app`, a model without errors, for lowering.
    pub fn new(app: &'a App) -> Self {
        Lowering {
            app,
            graph: network::Graph::of(app),
        }
    }

    /// The objects that come before every workload's: the Namespace, unless it is the
    /// cluster's `default` (see [`App::writes_namespace`]).
    pub fn namespace(&self) -> Vec<Manifest> {
        let mut out = Vec::new();
        if self.app.writes_namespace() {
            push(&mut out, "namespace", &namespace(self.app));
        }
        for config in &self.app.config_maps {
            push(
                &mut out,
                &format!("config-map-{}", config.name),
                &shared_config(self.app, config),
            );
        }
        for role in &self.app.roles {
            let component = format!("role-{}", role.name);
            let (role, binding) = workload::app_role(self.app, role);
            push(&mut out, &component, &role);
            push(&mut out, &component, &binding);
        }
        for external in self.app.externals.iter().filter(|x| x.service) {
            let component = format!("external-{}", external.name);
            let (service, slice) = network::external(self.app, external);
            push(&mut out, &component, &service);
            if let Some(slice) = slice {
                push(&mut out, &component, &slice);
            }
        }
        out
    }

    /// The objects of the app's `manifest` files, after every workload's: in the app's
    /// namespace (resolve put them there), with the standard labels where they have none
    /// (`name`: the object's, `component`: `manifest`).
    pub fn manifests(&self) -> Vec<Manifest> {
        self.app
            .manifests
            .iter()
            .map(|m| {
                let mut object = m.object.clone();
                if let Some(metadata) = object.get_mut("metadata").and_then(|v| v.as_object_mut()) {
                    let labels = metadata
                        .entry("labels")
                        .or_insert_with(|| serde_json::Value::Object(serde_json::Map::new()));
                    if let Some(labels) = labels.as_object_mut() {
                        labels
                            .entry(labels::NAME)
                            .or_insert_with(|| m.name.clone().into());
                        labels
                            .entry(PART_OF)
                            .or_insert_with(|| self.app.name.clone().into());
                        labels
                            .entry(labels::COMPONENT)
                            .or_insert_with(|| "manifest".into());
                        labels.entry(MANAGED_BY).or_insert_with(|| MANAGER.into());
                    }
                }
                Manifest {
                    component: m.component.clone(),
                    object,
                }
            })
            .collect()
    }

    /// The objects of one workload of the app, in the order of [`lower`].
    pub fn workload(&self, workload: &Workload) -> Vec<Manifest> {
        let scope = Scope {
            app: self.app,
            workload,
            graph: &self.graph,
        };
        lower_workload(scope)
    }
}

/// The objects of the workload of `scope`, in the order of [`lower`].
fn lower_workload(scope: Scope<'_>) -> Vec<Manifest> {
    let mut out = Vec::new();
    let workload = scope.workload;
    let component = &component_of(workload);
    if let Some(account) = workload::service_account(&scope) {
        push(&mut out, component, &account);
    }
    if let Some((role, binding)) = workload::access(&scope) {
        push(&mut out, component, &role);
        push(&mut out, component, &binding);
    }
    if let Some(files) = storage::files_config_map(&scope) {
        push(&mut out, component, &files);
    }
    for claim in storage::claims(&scope) {
        push(&mut out, component, &claim);
    }
    let mut services = service::services(&scope);
    canary::services(&scope, &mut services);
    for service in services {
        push(&mut out, component, &service);
    }
    // A workload with versions runs them instead of itself, each with its own controller,
    // autoscaler and disruption budget; they share everything else.
    let runs: Vec<Scope<'_>> = if workload.runs_itself() {
        vec![scope]
    } else {
        workload
            .versions
            .iter()
            .map(|version| Scope {
                workload: version,
                ..scope
            })
            .collect()
    };
    for run in &runs {
        workload::controller(run, &mut out);
        if let Some(hpa) = scaling::autoscaler(run) {
            push(&mut out, component, &hpa);
        }
        if let Some(pdb) = scaling::disruption_budget(run) {
            push(&mut out, component, &pdb);
        }
    }
    if let Some(ingress) = exposure::ingress(&scope) {
        push(&mut out, component, &ingress);
        if let Some(canary) = canary::ingress(&scope, &ingress) {
            push(&mut out, component, &canary);
        }
    } else if let Some(canary) = canary::routed_ingress(&scope) {
        push(&mut out, component, &canary);
    }
    if let Some(route) = gateway_api::http_route(&scope) {
        push(&mut out, component, &route);
    }
    if let Some(policy) = network::network_policy(&scope) {
        push(&mut out, component, &policy);
    }
    out
}

/// The component a workload's objects belong to: its kind and name, `service-orders`.
fn component_of(workload: &Workload) -> String {
    format!("{}-{}", workload.kind.keyword(), workload.name)
}

/// Appends `object` to `out` as a manifest of `component`.
fn push<T: Serialize>(out: &mut Vec<Manifest>, component: &str, object: &T) {
    // Cannot fail: `serde_json::to_value` errors only on map keys that are not strings, and every
    // map in a `k8s-openapi` object is keyed by `String`. `Null` keeps the signature total.
    let object = serde_json::to_value(object).unwrap_or(serde_json::Value::Null);
    out.push(Manifest {
        component: component.to_owned(),
        object,
    });
}

/// A ConfigMap of the app, which its workloads share.
fn shared_config(app: &App, config: &crate::model::SharedConfig) -> ConfigMap {
    let mut labels = app.labels.clone();
    labels.insert(labels::NAME.to_owned(), config.name.clone());
    labels.insert(PART_OF.to_owned(), app.name.clone());
    labels.insert(labels::COMPONENT.to_owned(), "config-map".to_owned());
    labels.insert(MANAGED_BY.to_owned(), MANAGER.to_owned());
    ConfigMap {
        metadata: ObjectMeta {
            name: Some(config.name.clone()),
            namespace: Some(app.namespace.clone()),
            labels: Some(labels),
            annotations: non_empty_map(app.annotations.clone()),
            ..ObjectMeta::default()
        },
        data: Some(config.data.clone()),
        ..ConfigMap::default()
    }
}

/// The `Namespace` every other object lives in.
fn namespace(app: &App) -> Namespace {
    let mut labels = app.labels.clone();
    labels.insert(PART_OF.to_owned(), app.name.clone());
    labels.insert(MANAGED_BY.to_owned(), MANAGER.to_owned());
    Namespace {
        metadata: ObjectMeta {
            name: Some(app.namespace.clone()),
            labels: Some(labels),
            annotations: non_empty_map(app.annotations.clone()),
            ..ObjectMeta::default()
        },
        ..Namespace::default()
    }
}

use crate::model::labels::{self, MANAGED_BY, MANAGER, PART_OF, VERSION};

/// One workload of one app: what every object builder needs for names, labels and metadata.
#[derive(Clone, Copy)]
struct Scope<'a> {
    app: &'a App,
    workload: &'a Workload,
    /// Who calls whom in the app.
    graph: &'a network::Graph,
}

impl Scope<'_> {
    /// The labels the workload's Service selects its pods by (see [`labels::selector`]).
    fn selector_labels(&self) -> BTreeMap<String, String> {
        labels::selector(self.app, self.workload)
    }

    /// A `matchLabels` selector over [`Scope::selector_labels`].
    fn selector(&self) -> LabelSelector {
        LabelSelector {
            match_labels: Some(self.selector_labels()),
            ..LabelSelector::default()
        }
    }

    /// The track of a Deployment's pods (see [`labels::track`]).
    fn track(&self) -> Option<crate::model::canary::Track> {
        labels::track(self.workload)
    }

    /// The selector of the workload's own controller and of its disruption budget (see
    /// [`labels::controller_selector`]).
    fn controller_selector(&self) -> LabelSelector {
        LabelSelector {
            match_labels: Some(labels::controller_selector(self.app, self.workload)),
            ..LabelSelector::default()
        }
    }

    /// Every object's labels (see [`labels::common`]).
    fn labels(&self) -> BTreeMap<String, String> {
        labels::common(self.app, self.workload)
    }

    /// The labels of controllers and pods (see [`labels::versioned`]).
    fn versioned_labels(&self) -> BTreeMap<String, String> {
        labels::versioned(self.app, self.workload)
    }

    /// Metadata of an object of this workload named `name`.
    fn meta(&self, name: impl Into<String>) -> ObjectMeta {
        self.meta_with(name, self.labels(), &BTreeMap::new())
    }

    /// Metadata with explicit labels, and `extra` annotations over the app's.
    fn meta_with(
        &self,
        name: impl Into<String>,
        labels: BTreeMap<String, String>,
        extra: &BTreeMap<String, String>,
    ) -> ObjectMeta {
        let mut annotations = self.app.annotations.clone();
        annotations.extend(extra.clone());
        ObjectMeta {
            name: Some(name.into()),
            namespace: Some(self.app.namespace.clone()),
            labels: non_empty_map(labels),
            annotations: non_empty_map(annotations),
            ..ObjectMeta::default()
        }
    }
}

/// `None` for an empty map: Kubernetes omits empty maps, and so do we.
fn non_empty_map<K, V>(map: BTreeMap<K, V>) -> Option<BTreeMap<K, V>> {
    (!map.is_empty()).then_some(map)
}

/// `None` for an empty list.
fn non_empty_vec<T>(list: Vec<T>) -> Option<Vec<T>> {
    (!list.is_empty()).then_some(list)
}

/// A count from the model as a Kubernetes `int32`, saturating (resolve keeps counts small).
fn int(n: u32) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// A count or percentage as `IntOrString`.
fn int_or_string(value: &IntOrPercent) -> IntOrString {
    match value {
        IntOrPercent::Int(n) => IntOrString::Int(*n),
        IntOrPercent::Percent(p) => IntOrString::String(p.clone()),
    }
}

/// FNV-1a, 64 bits: a small, stable hash for content fingerprints (not for security).
fn fnv1a64(parts: &[&[u8]]) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut hash = OFFSET;
    for part in parts {
        for byte in *part {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(PRIME);
        }
    }
    hash
}
