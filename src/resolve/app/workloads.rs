//! The workloads of an app: each node a kind declares, a plain workload or an instance of a
//! component, with the environment's override of it; then what concerns them all (two with one
//! name, names too long for Kubernetes, references between them, overrides of none).

use std::collections::{BTreeMap, BTreeSet};

use super::kinds::{WORKLOAD_KINDS, declared_name, external_name};
use super::references::check_references;
use super::settings;
use crate::diag::{Diagnostic, Diagnostics, codes, suggest_help};
use crate::model::{Workload, WorkloadKind};
use crate::resolve::TOP_LEVEL;
use crate::resolve::component::Components;
use crate::resolve::environment::{self, Override, Overrides};
use crate::resolve::values::{self, NodeView};
use crate::resolve::workload::{AppDefaults, WorkloadBuilder};
use crate::source::Sources;
use crate::syntax::reader::Value;

/// Reads every workload of the app `view` (named `app_name`), in order; returns them and the
/// names of those whose description had errors.
pub fn read(
    view: &NodeView,
    app_name: &str,
    defaults: &AppDefaults,
    components: &mut Components,
    sources: &mut Sources,
    overrides: Option<&Overrides>,
    diags: &mut Diagnostics,
) -> (Vec<Workload>, BTreeSet<String>) {
    let mut incomplete = BTreeSet::new();
    let mut workloads: Vec<Workload> = Vec::new();
    let mut by_name: BTreeMap<String, usize> = BTreeMap::new();
    // Every name the app declares, even where the workload has errors: a reference to it is not
    // "unknown", whatever else is wrong.
    let declared: BTreeSet<String> = view.children().filter_map(|c| declared_name(&c)).collect();
    for child in view.children() {
        let child_name = child.name();
        if settings::is_setting(child_name) {
            continue;
        }
        let errors_before = diags.error_count();
        let env = overrides.and_then(|o| declared_name(&child).and_then(|n| o.workloads.get(&n)));
        let workload = match child_name {
            "use" | "database" => {
                components.instantiate(&child, app_name, defaults, sources, env, diags)
            }
            _ => match WorkloadKind::from_keyword(child_name) {
                Some(kind) => plain_workload(&child, kind, defaults, env, diags),
                None => {
                    unknown_in_app(&child, diags);
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
            incomplete.insert(workload.name.clone());
        }
        by_name.insert(workload.name.clone(), workloads.len());
        workloads.push(workload);
    }
    let externals: BTreeSet<String> = view.children().filter_map(|c| external_name(&c)).collect();
    check_references(&workloads, &declared, &externals, diags);
    if let Some(o) = overrides {
        let kinds: Vec<(String, &str)> = workloads
            .iter()
            .map(|w| (w.name.clone(), w.kind.keyword()))
            .collect();
        environment::check_unused(o, &kinds, &declared, diags);
    }
    (workloads, incomplete)
}

/// Reports a child of the app that is neither a setting nor a workload.
fn unknown_in_app(child: &NodeView, diags: &mut Diagnostics) {
    let child_name = child.name();
    let mut known: Vec<&str> = WORKLOAD_KINDS.to_vec();
    known.extend(settings::names());
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
}

fn plain_workload(
    view: &NodeView,
    kind: WorkloadKind,
    app: &AppDefaults,
    env: Option<&Override>,
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
    let mut layers = vec![*view];
    if let Some(o) = env.filter(|o| o.view.name() == kind.keyword()) {
        layers.push(o.view);
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
    let workload = builder.finish_with_versions(&layers, app, diags);
    valid.map(|_| workload)
}

/// Kubernetes limits each object name; StatefulSets and CronJobs need room for what the
/// controller appends to them.
fn check_name_length(w: &Workload, diags: &mut Diagnostics) {
    // The names derived from it (`NAME-external`, `NAME-canary`, …) are checked with every
    // other object's, in `derived.rs`.
    let (max, why) = match w.kind {
        WorkloadKind::Stateful | WorkloadKind::Database => (
            52,
            "the StatefulSet controller adds an 11-character revision hash to a label of 63 at most",
        ),
        WorkloadKind::CronJob => (
            52,
            "the CronJob controller appends an 11-character suffix to the Job's name",
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
