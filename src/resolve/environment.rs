//! Environments: `environment NAME { … }` blocks that override the app for one deployment target.
//!
//! An environment holds app settings (`namespace`, `labels`, …) and workload overrides named as
//! in the app (`service orders replicas=4`, `gateway gateway { expose load-balancer port=80 }`).
//! A workload override's properties are its component's parameters (for an instance) or the
//! shorthands `replicas=`, `image=` and `tag=`; its block is one more layer over the workload's
//! body, with the same rules as an instance's block.

use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet};

use crate::syntax::reader::Document;

use super::app::kinds::{WORKLOAD_KINDS, declared_name};
use super::app::settings;
use super::values::{self, NodeView, Params};
use crate::diag::suggest_help;
use crate::diag::{Diagnostic, Diagnostics, codes};
use crate::model::{App, WorkloadKind};
use crate::source::{FileId, Span};

/// One workload's override in the selected environment.
pub struct Override<'a> {
    /// The override node (`service orders replicas=4 { … }`).
    pub view: NodeView<'a>,
    /// Whether a workload of the app took it.
    pub used: Cell<bool>,
}

/// What the selected environment changes.
pub struct Overrides<'a> {
    /// The environment's name.
    pub name: String,
    /// App settings, in order.
    pub settings: Vec<NodeView<'a>>,
    /// Workload overrides by workload name.
    pub workloads: BTreeMap<String, Override<'a>>,
}

/// The most environments a description may declare: `check` and `build --all-envs` compile the
/// application once for each.
pub const MAX_ENVIRONMENTS: usize = 64;

/// The names of every environment a description declares, in order.
/// Those past [`MAX_ENVIRONMENTS`] are left out: compiling reports them as a `limit` error.
pub fn names(doc: &Document) -> Vec<String> {
    doc.nodes()
        .filter(|n| n.name() == "environment")
        .take(MAX_ENVIRONMENTS)
        .filter_map(|n| {
            n.entries()
                .find(|e| e.name().is_none())
                .and_then(|e| e.value().as_str())
        })
        .map(str::to_owned)
        .collect()
}

/// Checks every `environment` node's name and contents; returns the overrides of the one named
/// `selected` (the caller has checked that it exists). A `use` line in any of them goes into
/// `uses`, for [`report_uses`] once the app's workloads are known.
pub fn collect<'a>(
    doc: &'a Document,
    file: FileId,
    params: &'a Params,
    selected: Option<&str>,
    uses: &mut Vec<NodeView<'a>>,
    diags: &mut Diagnostics,
) -> Option<Overrides<'a>> {
    let mut seen: BTreeMap<String, Span> = BTreeMap::new();
    let mut chosen = None;
    for (index, node) in doc
        .nodes()
        .filter(|n| n.name() == "environment")
        .enumerate()
    {
        let view = NodeView { node, file, params };
        if index == MAX_ENVIRONMENTS {
            diags.push(
                Diagnostic::error(
                    codes::LIMIT,
                    format!("the description declares more than {MAX_ENVIRONMENTS} environments"),
                )
                .label(view.name_span(), "one too many")
                .help("every environment is compiled on its own by `check` and `build --all-envs`; keep one per deployment target"),
            );
            break;
        }
        let mut e = view.read(diags);
        let name = e
            .require_arg("a name", "environment prod { … }", diags)
            .and_then(|v| {
                values::dns_label(
                    &v,
                    "environment",
                    63,
                    "environment names are DNS-1123 labels",
                    diags,
                )
                .map(|n| (n, v.span))
            });
        e.finish(&[], diags);
        let Some((name, span)) = name else { continue };
        if let Some(first) = seen.insert(name.clone(), span) {
            diags.push(
                Diagnostic::error(
                    codes::DUPLICATE_NAME,
                    format!("two environments are named `{name}`"),
                )
                .label(span, "second environment with this name")
                .label(first, "first defined here")
                .help("merge them into one block"),
            );
            continue;
        }
        let overrides = read(view, &name, uses, diags);
        if selected == Some(name.as_str()) {
            chosen = Some(overrides);
        }
    }
    chosen
}

fn read<'a>(
    view: NodeView<'a>,
    name: &str,
    uses: &mut Vec<NodeView<'a>>,
    diags: &mut Diagnostics,
) -> Overrides<'a> {
    let mut overrides = Overrides {
        name: name.to_owned(),
        settings: Vec::new(),
        workloads: BTreeMap::new(),
    };
    for child in view.children() {
        let kind = child.name();
        if settings::is_environment_setting(kind) {
            overrides.settings.push(child);
            continue;
        }
        if kind == "use" {
            uses.push(child);
            continue;
        }
        if !WORKLOAD_KINDS.contains(&kind) {
            let known: Vec<&str> = settings::environment_names()
                .chain(WORKLOAD_KINDS.iter().copied().filter(|k| *k != "use"))
                .collect();
            let help = if settings::is_setting(kind) {
                format!(
                    "`{kind}` is set for the whole app; environments override {}",
                    settings::environment_names().collect::<Vec<_>>().join(", ")
                )
            } else {
                suggest_help(
                    kind,
                    known.iter().copied(),
                    &format!("an environment holds {}", known.join(", ")),
                )
            };
            diags.push(
                Diagnostic::error(
                    codes::UNKNOWN_NODE,
                    format!("unknown node `{kind}` in an environment"),
                )
                .label(child.name_span(), "unknown here")
                .help(help),
            );
            continue;
        }
        let target = child
            .node
            .entries()
            .find(|e| e.name().is_none())
            .and_then(|e| e.value().as_str());
        let Some(target) = target else {
            diags.push(
                Diagnostic::error(
                    codes::MISSING_VALUE,
                    format!("`{kind}` in an environment needs the workload's name"),
                )
                .label(child.name_span(), "which workload?")
                .help(format!(
                    "write `{kind} NAME replicas=2` or `{kind} NAME {{ … }}`"
                )),
            );
            continue;
        };
        if overrides.workloads.contains_key(target) {
            diags.push(
                Diagnostic::error(
                    codes::DUPLICATE_NODE,
                    format!("`{target}` is overridden twice in environment `{name}`"),
                )
                .label(child.name_span(), "second override")
                .help("put all of its overrides in one line or block"),
            );
            continue;
        }
        overrides.workloads.insert(
            target.to_owned(),
            Override {
                view: child,
                used: Cell::new(false),
            },
        );
    }
    overrides
}

/// Reports overrides of workloads the app does not have. `built` are the app's workloads with
/// their kinds; `declared` every name the app declares, including those of workloads whose
/// errors (an invalid name…) are reported where they are declared: an override of one of those
/// is not a second mistake.
pub fn check_unused(
    overrides: &Overrides,
    built: &[(String, &str)],
    declared: &BTreeSet<String>,
    diags: &mut Diagnostics,
) {
    for (name, o) in &overrides.workloads {
        if o.used.get() {
            continue;
        }
        let Some((_, kind)) = built.iter().find(|(n, _)| n == name) else {
            if declared.contains(name) {
                continue;
            }
            let span = o
                .view
                .node
                .entries()
                .find(|e| e.name().is_none())
                .map_or(o.view.name_span(), |e| {
                    Span::from_range(o.view.file, e.span())
                });
            diags.push(
                Diagnostic::error(
                    codes::UNKNOWN_TARGET,
                    format!(
                        "environment `{}` overrides `{name}`, which the app does not define",
                        overrides.name
                    ),
                )
                .label(span, "no workload with this name")
                .help(suggest_help(
                    name,
                    built.iter().map(|(n, _)| n.as_str()),
                    "an environment overrides workloads of the app; define it there first",
                )),
            );
            continue;
        };
        // The workload exists: the override names it under another kind.
        let written = o.view.name();
        if written != *kind {
            diags.push(
                Diagnostic::error(
                    codes::UNKNOWN_TARGET,
                    format!("`{name}` is a {kind}, not a {written}"),
                )
                .label(o.view.name_span(), format!("write `{kind} {name}`"))
                .help(format!(
                    "name the workload by its kind in the app: `{kind} {name} …`"
                )),
            );
        }
    }
}

/// Reports the `use` lines of environments: an environment overrides an instance by its kind and
/// name, as it overrides any workload. The help rewrites the line with the instance's kind: its
/// workload's in `app`, or else its component's (`kind_of`).
pub fn report_uses(
    uses: &[NodeView],
    app: Option<&App>,
    kind_of: impl Fn(&str) -> Option<WorkloadKind>,
    diags: &mut Diagnostics,
) {
    for child in uses {
        let Some(name) = declared_name(child) else {
            diags.push(unknown_use(child).help(
                "an environment overrides a workload of the app by its kind and name, such as `service NAME replicas=2`",
            ));
            continue;
        };
        let component = child
            .node
            .entries()
            .find(|e| e.name().is_none())
            .and_then(|e| e.value().as_str())
            .unwrap_or(&name);
        let kind = app
            .and_then(|a| a.workloads.iter().find(|w| w.name == name))
            .map(|w| w.kind)
            .or_else(|| kind_of(component))
            .map(WorkloadKind::keyword);
        // The line as it should read: the kind and name, then what the user wrote after them.
        let mut scratch = Diagnostics::new();
        let mut line = format!("{} {name}", kind.unwrap_or("KIND"));
        for p in child.read(&mut scratch).rest_props() {
            line.push_str(&format!(" {}={}", p.key, values::written_kdl(&p.val)));
        }
        if child.has_children() {
            line.push_str(" { … }");
        }
        let help = match kind {
            Some(_) => format!(
                "an environment names an instance by its kind, as the app's objects are: write `{line}`"
            ),
            None => format!(
                "an environment names an instance by its kind: write `{line}`, where KIND is the kind of component `{component}`"
            ),
        };
        diags.push(unknown_use(child).help(help));
    }
}

fn unknown_use(child: &NodeView) -> Diagnostic {
    Diagnostic::error(codes::UNKNOWN_NODE, "unknown node `use` in an environment")
        .label(child.name_span(), "unknown here")
}
