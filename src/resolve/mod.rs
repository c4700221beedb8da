//! Resolution: KDL documents → the typed application model.
//!
//! Reads the top level (`app`, `component`, `import`), loads imports and the standard library
//! components the app uses, instantiates components, and checks every name and reference. Every
//! problem found is reported; the model is returned only when there is one `app` to return.

mod component;
mod container;
mod environment;
mod import;
mod layers;
mod shared;

pub mod values;
mod workload;

use std::collections::{BTreeMap, BTreeSet};

use crate::diag::suggest_help;
use crate::diag::{Diagnostic, Diagnostics, codes};
use crate::model::{self, App, Exposure, PortRef, SecurityLevel, Workload, WorkloadKind};
use crate::source::{FileId, Loader, Sources, Span};
use crate::syntax::reader::{Document, Value, ValueRef};
use component::Components;
use import::Imports;
use layers::Layers;
use values::{NodeView, Params};
use workload::{AppDefaults, WorkloadBuilder};

const TOP_LEVEL: &[&str] = &["app", "component", "import", "environment"];
const APP_SETTINGS: &[&str] = &[
    "allow",
    "cluster",
    "network-policy",
    "default-gateway",
    "namespace",
    "registry",
    "security",
    "labels",
    "annotations",
    "ingress-class",
];
const WORKLOAD_KINDS: &[&str] = &[
    "frontend", "gateway", "service", "stateful", "database", "job", "cronjob", "use",
];

/// Resolves the main document (and the files it imports) into an application.
pub fn resolve(
    doc: &Document,
    file: FileId,
    sources: &mut Sources,
    loader: &dyn Loader,
    env: Option<&str>,
) -> (Option<App>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let mut components = Components::default();
    let mut imports = Imports::default();
    let empty = Params::default();
    let mut apps = Vec::new();
    for node in doc.nodes() {
        let view = NodeView {
            node,
            file,
            params: &empty,
        };
        match view.name() {
            "app" => apps.push(node),
            "environment" => {}
            "component" => components.define(&view, &mut diags),
            "import" => imports.import(
                &view,
                &mut components,
                sources,
                loader,
                &mut Vec::new(),
                &mut diags,
            ),
            other => top_level_unknown(&view, other, &mut diags),
        }
    }
    let overrides = environment::collect(doc, file, &empty, env, &mut diags);
    if let Some(name) = env
        && overrides.is_none()
    {
        let known = environment::names(doc);
        diags.push(
            Diagnostic::error(
                codes::UNKNOWN_TARGET,
                format!("the description has no environment `{name}`"),
            )
            .label(Span::new(file, 0, 0), "no such environment")
            .help(suggest_help(
                name,
                known.iter().map(String::as_str),
                "declare it with `environment NAME { … }`",
            )),
        );
    }
    let app = match apps.as_slice() {
        [] => {
            diags.push(
                Diagnostic::error(codes::APP_COUNT, "the description has no `app`")
                    .label(Span::new(file, 0, 0), "expected `app NAME { … }`")
                    .help("start the file with `app NAME { … }` and put the workloads inside"),
            );
            None
        }
        [node, rest @ ..] => {
            for extra in rest {
                let view = NodeView {
                    node: *extra,
                    file,
                    params: &empty,
                };
                diags.push(
                    Diagnostic::error(codes::APP_COUNT, "a description holds one `app`")
                        .label(view.name_span(), "second app")
                        .help("put each application in its own file"),
                );
            }
            let view = NodeView {
                node: *node,
                file,
                params: &empty,
            };
            resolve_app(
                &view,
                &mut components,
                sources,
                overrides.as_ref(),
                &mut diags,
            )
        }
    };
    (app, diags)
}

fn top_level_unknown(view: &NodeView, name: &str, diags: &mut Diagnostics) {
    let help = if WORKLOAD_KINDS.contains(&name) || APP_SETTINGS.contains(&name) {
        format!("`{name}` belongs inside `app NAME {{ … }}`")
    } else {
        suggest_help(
            name,
            TOP_LEVEL.iter().copied(),
            "the top level holds `app`, `component`, `import` and `environment`",
        )
    };
    diags.push(
        Diagnostic::error(
            codes::UNKNOWN_NODE,
            format!("unknown top-level node `{name}`"),
        )
        .label(view.name_span(), "unknown here")
        .help(help),
    );
}

/// The names of the environments a description declares.
pub fn environments(doc: &Document) -> Vec<String> {
    environment::names(doc)
}

fn resolve_app(
    view: &NodeView,
    components: &mut Components,
    sources: &mut Sources,
    overrides: Option<&environment::Overrides>,
    diags: &mut Diagnostics,
) -> Option<App> {
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
    let mut app = App {
        name: name.clone().unwrap_or_default(),
        span: name_val.as_ref().map_or(view.name_span(), |v| v.span),
        namespace: name.clone().unwrap_or_default(),
        registry: None,
        security: SecurityLevel::Hardened,
        labels: BTreeMap::new(),
        annotations: BTreeMap::new(),
        ingress_class: None,
        workloads: Vec::new(),
        incomplete: BTreeSet::new(),
        cluster: model::Cluster::default(),
        allows: Vec::new(),
        network_policy: None,
        default_gateway: None,
    };
    let mut layers = Layers::default();
    // Settings first: they apply to every workload wherever they are written. An environment's
    // settings come after the app's, as a layer that replaces them.
    let app_settings: Vec<NodeView> = view
        .children()
        .filter(|c| APP_SETTINGS.contains(&c.name()))
        .collect();
    let env_settings = overrides.map(|o| o.settings.clone()).unwrap_or_default();
    let first_env = app_settings.len();
    for (i, child) in app_settings.into_iter().chain(env_settings).enumerate() {
        if i == first_env {
            layers.next_layer();
        }
        let child_name = child.name();
        if !APP_SETTINGS.contains(&child_name) {
            continue;
        }
        let span = child.name_span();
        if matches!(child_name, "labels" | "annotations") {
            let map = shared::key_values(&child, child_name == "labels", diags);
            if child_name == "labels" {
                &mut app.labels
            } else {
                &mut app.annotations
            }
            .extend(map);
            continue;
        }
        if child_name == "allow" {
            if let Some(allow) = shared::allow(&child, diags) {
                app.allows.push(allow);
            }
            continue;
        }
        if child_name == "network-policy" {
            let mut e = child.read(diags);
            let namespace = match e.prop("ingress-namespace") {
                Some(v) => {
                    values::dns_label(&v, "namespace", 63, "namespaces are DNS-1123 labels", diags)
                }
                None => Some("ingress-nginx".to_owned()),
            };
            e.finish(&["ingress-namespace"], diags);
            if let Some(ingress_namespace) = namespace
                && layers.first("network-policy".into(), "`network-policy`", span, diags)
            {
                app.network_policy = Some(model::NetworkPolicy {
                    ingress_namespace,
                    span,
                });
            }
            continue;
        }
        if child_name == "default-gateway" {
            let mut e = child.read(diags);
            let name = e
                .require_arg(
                    "a Gateway's name",
                    "default-gateway public namespace=infra",
                    diags,
                )
                .and_then(|v| values::dns_label(&v, "Gateway", 253, "", diags));
            let namespace = e
                .prop("namespace")
                .and_then(|v| values::dns_label(&v, "namespace", 63, "", diags));
            e.finish(&["namespace"], diags);
            if let Some(name) = name
                && layers.first("default-gateway".into(), "`default-gateway`", span, diags)
            {
                app.default_gateway = Some((name, namespace));
            }
            continue;
        }
        if child_name == "cluster" {
            if let Some(cluster) = cluster(&child, diags)
                && layers.first("cluster".into(), "`cluster`", span, diags)
            {
                app.cluster = cluster;
            }
            continue;
        }
        if child_name == "security" {
            if let Some(level) = shared::security_level(&child, diags)
                && layers.first("security".into(), "`security`", span, diags)
            {
                app.security = level;
            }
            continue;
        }
        let mut e = child.read(diags);
        let example = match child_name {
            "namespace" => "namespace shop",
            "registry" => "registry \"registry.example.com/shop\"",
            _ => "ingress-class nginx",
        };
        if let Some(v) = e.require_arg("a value", example, diags)
            && layers.first(
                child_name.to_owned(),
                &format!("`{child_name}`"),
                span,
                diags,
            )
        {
            match child_name {
                "namespace" => {
                    if let Some(ns) = values::dns_label(
                        &v,
                        "namespace",
                        63,
                        "namespaces are DNS-1123 labels",
                        diags,
                    ) {
                        app.namespace = ns;
                    }
                }
                "registry" => {
                    if let Some(r) = values::string(&v, diags) {
                        if r.is_empty()
                            || r.contains(char::is_whitespace)
                            || r.contains(['@', ':'])
                                && !r.contains('/')
                                && r.matches(':').count() > 1
                        {
                            diags.push(
                                Diagnostic::error(codes::INVALID_IMAGE, format!("`{r}` is not a registry"))
                                    .label(v.span, "invalid registry")
                                    .help("write a registry host with an optional path, such as \"registry.example.com/shop\""),
                            );
                        } else {
                            app.registry = Some(r.trim_end_matches('/').to_owned());
                        }
                    }
                }
                _ => app.ingress_class = values::dns_label(&v, "IngressClass", 253, "", diags),
            }
        }
        e.finish(&[], diags);
    }
    let defaults = AppDefaults {
        registry: app.registry.as_deref(),
        security: app.security,
        default_gateway: app.default_gateway.as_ref(),
    };
    let mut workloads: Vec<Workload> = Vec::new();
    let mut by_name: BTreeMap<String, usize> = BTreeMap::new();
    // Every name the app declares, even where the workload has errors: a reference to it is not
    // "unknown", whatever else is wrong.
    let declared: BTreeSet<String> = view.children().filter_map(|c| declared_name(&c)).collect();
    for child in view.children() {
        let child_name = child.name();
        if APP_SETTINGS.contains(&child_name) {
            continue;
        }
        let errors_before = diags.error_count();
        let env = overrides.and_then(|o| declared_name(&child).and_then(|n| o.workloads.get(&n)));
        let workload = match child_name {
            "use" | "database" => {
                components.instantiate(&child, &app.name, &defaults, sources, env, diags)
            }
            _ => match WorkloadKind::from_keyword(child_name) {
                Some(kind) => plain_workload(&child, kind, &defaults, env, diags),
                None => {
                    let mut known: Vec<&str> = WORKLOAD_KINDS.to_vec();
                    known.extend(APP_SETTINGS);
                    let help = if TOP_LEVEL.contains(&child_name) {
                        format!("`{child_name}` belongs at the top level, outside `app`")
                    } else {
                        suggest_help(
                            child_name,
                            known.iter().copied(),
                            &format!("an app holds {}", known.join(", ")),
                        )
                    };
                    diags.push(
                        Diagnostic::error(
                            codes::UNKNOWN_NODE,
                            format!("unknown node `{child_name}` in an app"),
                        )
                        .label(child.name_span(), "unknown here")
                        .help(help),
                    );
                    None
                }
            },
        };
        let Some(workload) = workload else { continue };
        if let Some(first) = by_name.get(&workload.name).map(|&i| &workloads[i]) {
            diags.push(
                Diagnostic::error(
                    codes::DUPLICATE_NAME,
                    format!("two workloads are named `{}`", workload.name),
                )
                .label(workload.span, "second workload with this name")
                .label(first.span, "first defined here")
                .help("every workload's objects are named after it: give each a unique name"),
            );
            continue;
        }
        check_name_length(&workload, diags);
        if diags.error_count() > errors_before {
            app.incomplete.insert(workload.name.clone());
        }
        by_name.insert(workload.name.clone(), workloads.len());
        workloads.push(workload);
    }
    check_references(&workloads, &declared, diags);
    if let Some(o) = overrides {
        let kinds: Vec<(String, &str)> = workloads
            .iter()
            .map(|w| (w.name.clone(), w.kind.keyword()))
            .collect();
        environment::check_unused(o, &kinds, diags);
    }
    app.workloads = workloads;
    (!app.name.is_empty()).then_some(app)
}

/// Reads `cluster node-port-range="30000-32767"`: what the checks need to know of the cluster.
fn cluster(view: &NodeView, diags: &mut Diagnostics) -> Option<model::Cluster> {
    let mut e = view.read(diags);
    let range = e.prop("node-port-range");
    e.finish(&["node-port-range"], diags);
    let Some(range) = range else {
        diags.push(
            Diagnostic::error(codes::MISSING_VALUE, "`cluster` sets nothing")
                .label(view.name_span(), "no settings")
                .help("write `cluster node-port-range=\"30000-32767\"`"),
        );
        return None;
    };
    let text = values::string(&range, diags)?;
    let parsed = text
        .split_once('-')
        .and_then(|(a, b)| Some((a.trim().parse::<u16>().ok()?, b.trim().parse::<u16>().ok()?)))
        .filter(|(a, b)| 0 < *a && a <= b);
    if parsed.is_none() {
        diags.push(
            Diagnostic::error(
                codes::INVALID_VALUE,
                format!("`{text}` is not a port range"),
            )
            .label(range.span, "expected FIRST-LAST")
            .help("write the API server's --service-node-port-range, such as \"30000-32767\""),
        );
    }
    Some(model::Cluster {
        node_port_range: parsed?,
        span: Some(range.span),
    })
}

/// The name a workload node declares: its first argument, or for `use COMPONENT NAME` the second
/// (the component's name when there is none).
fn declared_name(view: &NodeView) -> Option<String> {
    let kind = view.name();
    if !WORKLOAD_KINDS.contains(&kind) {
        return None;
    }
    let args: Vec<ValueRef> = view
        .node
        .entries()
        .filter(|e| e.name().is_none())
        .map(|e| e.value())
        .collect();
    let value = if kind == "use" {
        args.get(1).or(args.first())
    } else {
        args.first()
    };
    value.and_then(|v| v.as_str()).map(str::to_owned)
}

fn plain_workload(
    view: &NodeView,
    kind: WorkloadKind,
    app: &AppDefaults,
    env: Option<&environment::Override>,
    diags: &mut Diagnostics,
) -> Option<Workload> {
    let mut e = view.read(diags);
    let example = format!("{} NAME {{ image \"…\" }}", kind.keyword());
    let name_val = e.require_arg("a name", &example, diags);
    e.finish(&[], diags);
    let name_val = name_val?;
    let valid = values::dns_label(&name_val, kind.keyword(), 253, "", diags);
    // An invalid name is reported, and the block is still read so its mistakes show in this run.
    let name = match (&valid, &name_val.value) {
        (Some(name), _) => name.clone(),
        (None, Value::String(raw)) => raw.clone(),
        (None, _) => return None,
    };
    let span = name_val.span;
    if kind == WorkloadKind::Database {
        diags.push(
            Diagnostic::error(codes::MISSING_VALUE, "`database` needs `engine=`")
                .label(view.name_span(), "no engine")
                .help(format!(
                    "write `database {name} engine=mysql storage=\"20Gi\"`"
                )),
        );
        return None;
    }
    let mut builder = WorkloadBuilder::new(name, span, kind, app);
    builder.apply_all(view.children(), app, diags);
    if let Some(o) = env.filter(|o| o.view.name() == kind.keyword()) {
        o.used.set(true);
        let mut oe = o.view.read(diags);
        let _name = oe.next_arg();
        builder.next_layer();
        for p in oe.rest_props() {
            builder.apply_shorthand(&p, app, &[], diags);
        }
        oe.finish(&[], diags);
        builder.next_layer();
        builder.apply_all(o.view.children(), app, diags);
    }
    let workload = builder.finish(diags);
    valid.map(|_| workload)
}

/// Kubernetes limits each object name; StatefulSets and CronJobs need room for what the
/// controller appends to them.
fn check_name_length(w: &Workload, diags: &mut Diagnostics) {
    let external = matches!(
        w.expose,
        Exposure::NodePort { .. } | Exposure::LoadBalancer { .. }
    );
    let (max, why) = match w.kind {
        WorkloadKind::Stateful | WorkloadKind::Database => (
            52,
            "the StatefulSet controller adds an 11-character revision hash to a label of 63 at most",
        ),
        WorkloadKind::CronJob => (
            52,
            "the CronJob controller appends an 11-character suffix to the Job's name",
        ),
        _ if external => (
            54,
            "its exposed Service `NAME-external` must fit in 63 characters",
        ),
        _ => (
            63,
            "the workload's Service name and label values are at most 63 characters",
        ),
    };
    if w.name.len() > max {
        diags.push(
            Diagnostic::error(
                codes::NAME_TOO_LONG,
                format!(
                    "{} name `{}` is {} characters; at most {max} fit",
                    w.kind.keyword(),
                    w.name,
                    w.name.len()
                ),
            )
            .label(
                w.span,
                format!("{} over", values::plural(w.name.len() - max, "character")),
            )
            .help(format!("shorten it to {max} characters or fewer: {why}")),
        );
    }
}

/// Every `route` and `uses` names a workload that exists, and a port it has.
fn check_references(workloads: &[Workload], declared: &BTreeSet<String>, diags: &mut Diagnostics) {
    let by_name: BTreeMap<&str, &Workload> =
        workloads.iter().map(|w| (w.name.as_str(), w)).collect();
    let names: Vec<&str> = by_name.keys().copied().collect();
    let unknown = |target: &str, span: Span, what: &str, diags: &mut Diagnostics| {
        diags.push(
            Diagnostic::error(
                codes::UNKNOWN_TARGET,
                format!("{what} `{target}`, which does not exist"),
            )
            .label(span, "no workload with this name")
            .help(suggest_help(
                target,
                names.iter().copied(),
                &format!("define `{target}` in the app, or fix the name"),
            )),
        );
    };
    for w in workloads {
        for edge in &w.uses {
            if edge.target == w.name {
                diags.push(
                    Diagnostic::error(codes::UNKNOWN_TARGET, format!("`{}` uses itself", w.name))
                        .label(edge.span, "self-reference")
                        .help("`uses` names the other workloads this one calls"),
                );
            } else if !declared.contains(&edge.target) {
                unknown(
                    &edge.target,
                    edge.span,
                    &format!("`{}` uses", w.name),
                    diags,
                );
            }
        }
        for route in &w.routes {
            let Some(target) = by_name.get(route.target.as_str()) else {
                if declared.contains(&route.target) {
                    continue;
                }
                unknown(
                    &route.target,
                    route.span,
                    &format!("`{}` routes to", w.name),
                    diags,
                );
                continue;
            };
            if target.kind.is_batch() || target.main.ports.is_empty() {
                diags.push(
                    Diagnostic::error(
                        codes::UNKNOWN_TARGET,
                        format!(
                            "`{}` routes to `{}`, which has no port",
                            w.name, target.name
                        ),
                    )
                    .label(route.span, "nothing listens there")
                    .help(format!("declare a `port` in `{}`", target.name)),
                );
                continue;
            }
            if let Some(port) = &route.port {
                let (found, shown) = match port {
                    PortRef::Name(n) => (target.main.ports.iter().any(|p| &p.name == n), n.clone()),
                    PortRef::Number(n) => (
                        target.main.ports.iter().any(|p| p.number == *n),
                        n.to_string(),
                    ),
                };
                if !found {
                    let declared = target
                        .main
                        .ports
                        .iter()
                        .map(|p| format!("{} ({})", p.number, p.name))
                        .collect::<Vec<_>>()
                        .join(", ");
                    diags.push(
                        Diagnostic::error(
                            codes::UNKNOWN_TARGET,
                            format!("`{}` has no port `{shown}`", target.name),
                        )
                        .label(route.span, "unknown port")
                        .help(suggest_help(
                            &shown,
                            target.main.ports.iter().map(|p| p.name.as_str()),
                            &format!("`{}` declares {declared}", target.name),
                        )),
                    );
                }
            }
        }
    }
}
