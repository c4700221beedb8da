//! Components: definitions (`component`, in the description or a file it imports), the standard
//! library's (parsed on first use), and instances (`use`, `database`).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::rc::Rc;

use crate::syntax::reader::{Document, Value};

use super::environment::Override;
use super::values::{self, NodeView, Params, Prop, Val};
use super::workload::{AppDefaults, WorkloadBuilder};
use crate::diag::suggest_help;
use crate::diag::{Diagnostic, Diagnostics, codes};
use crate::model::{SingleInstance, Workload, WorkloadKind};
use crate::source::{FileId, Sources, Span};

/// A parameter a component declares.
#[derive(Clone, Debug)]
struct ParamDef {
    name: String,
    default: Option<Val>,
}

/// A component definition.
#[derive(Debug)]
struct ComponentDef {
    kind: WorkloadKind,
    file: FileId,
    /// The `component` node alone, kept after the rest of its file's tree is dropped.
    node: Document,
    params: Vec<ParamDef>,
    /// `single-instance`: what it runs cannot be scaled by adding pods.
    single_instance: Option<SingleInstance>,
    span: Span,
}

/// The children of a `component` that declare something about the component itself; the others
/// are its workload body.
const DECLARATIONS: &[&str] = &["param", "single-instance"];

/// Every component known to the description: its own, imported ones, and the standard library's
/// (loaded on first use).
#[derive(Default)]
pub struct Components {
    defs: BTreeMap<String, Rc<ComponentDef>>,
    stdlib_loaded: BTreeMap<String, bool>,
    /// An import was refused, or its file could not be read or parsed (already reported): a
    /// component that is not found may be defined there, so "unknown component" would only
    /// repeat that error.
    import_failed: bool,
}

impl Components {
    /// Notes that an import was refused, or its file could not be read or parsed.
    pub fn note_failed_import(&mut self) {
        self.import_failed = true;
    }

    /// Reads a `component NAME kind=KIND { … }` definition.
    pub fn define(&mut self, view: &NodeView, diags: &mut Diagnostics) {
        let mut e = view.read(diags);
        let name = e
            .require_arg(
                "a name",
                "component spring-service kind=service { … }",
                diags,
            )
            .and_then(|v| values::dns_label(&v, "component", 63, "", diags).map(|n| (n, v.span)));
        let kind = match e.prop("kind") {
            Some(v) => {
                let kinds = [
                    "frontend", "gateway", "service", "stateful", "database", "job", "cronjob",
                ];
                values::keyword(&v, &kinds, diags).and_then(|k| WorkloadKind::from_keyword(&k))
            }
            None => Some(WorkloadKind::Stateful),
        };
        e.finish(&["kind"], diags);
        let (Some((name, span)), Some(kind)) = (name, kind) else {
            return;
        };
        let mut params = Vec::new();
        for child in view.children().filter(|c| c.name() == "param") {
            let mut p = child.read(diags);
            let pname = p
                .require_arg("a name", "param version default=\"8.0\"", diags)
                .and_then(|v| values::string(&v, diags));
            let mut default = p.prop("default");
            p.finish(&["default"], diags);
            // As for an instance's values: a decimal's digits, or an integer's written other than
            // in decimal, do not survive substitution (`default=8.10` would become `mysql:8.1`).
            // Reported once here; the rest reads the value as the quoted text it should be.
            if let Some(d) = default.as_mut() {
                let error = if matches!(d.value, Value::Float(_)) {
                    Some(values::decimal_error(d))
                } else if values::respelled(d).is_some() {
                    Some(values::respelled_error(d))
                } else {
                    None
                };
                if let Some(error) = error {
                    diags.push(error);
                    let written = d.raw.take().unwrap_or_else(|| values::display(&d.value));
                    d.value = Value::String(written);
                }
            }
            let Some(pname) = pname else { continue };
            if matches!(pname.as_str(), "name" | "app") {
                diags.push(
                    Diagnostic::error(
                        codes::DUPLICATE_NAME,
                        format!("`{pname}` is a built-in parameter"),
                    )
                    .label(child.name_span(), "reserved")
                    .help(format!(
                        "`{{{pname}}}` is always available; choose another name"
                    )),
                );
                continue;
            }
            if params.iter().any(|q: &ParamDef| q.name == pname) {
                diags.push(
                    Diagnostic::error(
                        codes::DUPLICATE_NAME,
                        format!("parameter `{pname}` is declared twice"),
                    )
                    .label(child.name_span(), "second declaration")
                    .help("keep one of them"),
                );
                continue;
            }
            params.push(ParamDef {
                name: pname,
                default,
            });
        }
        let single_instance = read_single_instance(view, kind, diags);
        if let Some(previous) = self.defs.get(&name) {
            diags.push(
                Diagnostic::error(
                    codes::DUPLICATE_NAME,
                    format!("two components are named `{name}`"),
                )
                .label(span, "second definition")
                .label(previous.span, "first defined here")
                .help("rename one of them"),
            );
            return;
        }
        self.defs.insert(
            name,
            Rc::new(ComponentDef {
                kind,
                file: view.file,
                node: Document::extract(view.node),
                params,
                single_instance,
                span,
            }),
        );
    }

    /// The kind of a component already defined or loaded (the standard library's are loaded by
    /// the instances that use them).
    pub fn kind_of(&self, name: &str) -> Option<WorkloadKind> {
        self.defs.get(name).map(|d| d.kind)
    }

    fn lookup(
        &mut self,
        name: &str,
        sources: &mut Sources,
        diags: &mut Diagnostics,
    ) -> Option<Rc<ComponentDef>> {
        if !self.defs.contains_key(name)
            && !self.stdlib_loaded.contains_key(name)
            && let Some(text) = crate::stdlib::source(name)
        {
            self.stdlib_loaded.insert(name.to_owned(), true);
            let display = format!("<stdlib>/{name}.kdl");
            let file = sources.add(display.clone(), PathBuf::from(display), text.to_owned());
            match crate::syntax::parse::parse(sources, file) {
                Ok(doc) => {
                    let empty = Params::default();
                    for node in doc.nodes().filter(|n| n.name() == "component") {
                        self.define(
                            &NodeView {
                                node,
                                file,
                                params: &empty,
                            },
                            diags,
                        );
                    }
                }
                Err(found) => diags.extend(found),
            }
        }
        self.defs.get(name).cloned()
    }

    /// Instantiates `use COMPONENT [NAME] KEY=VALUE … { … }` or `database NAME engine=E … { … }`.
    pub fn instantiate(
        &mut self,
        view: &NodeView,
        app_name: &str,
        app: &AppDefaults,
        sources: &mut Sources,
        env: Option<&Override>,
        diags: &mut Diagnostics,
    ) -> Option<Workload> {
        let is_database = view.name() == "database";
        let mut line = read_line(view, is_database, diags)?;
        let Some(def) = self.lookup(&line.component, sources, diags) else {
            if !self.import_failed {
                self.report_unknown(view, &line.component, is_database, diags);
            }
            return None;
        };
        let kind = if is_database {
            WorkloadKind::Database
        } else {
            def.kind
        };
        // An environment's override: its parameters replace the instance's, the rest are
        // shorthands and a block applied over the workload.
        let mut shorthands = Vec::new();
        let mut env_block = None;
        if let Some(o) = env.filter(|o| o.view.name() == kind.keyword()) {
            o.used.set(true);
            let mut oe = o.view.read(diags);
            let _name = oe.next_arg();
            for p in oe.rest_props() {
                if def.params.iter().any(|d| d.name == p.key) {
                    line.props.retain(|q| q.key != p.key);
                    line.props.push(p);
                } else {
                    shorthands.push(p);
                }
            }
            oe.finish(&[], diags);
            env_block = Some(o.view);
        }
        let params = bind_params(&def, &line, kind, app_name, view, diags)?;
        let mut builder = WorkloadBuilder::new(line.name, line.span, kind, app);
        builder.set_component(&line.component, def.single_instance.clone());
        // `extract` made the `component` node the document's only top-level node.
        for node in def.node.nodes() {
            let body = NodeView {
                node,
                file: def.file,
                params: &params,
            };
            let body = body
                .children()
                .filter(|c| !DECLARATIONS.contains(&c.name()));
            builder.apply_all(body, app, diags);
        }
        builder.next_layer();
        builder.apply_all(view.children(), app, diags);
        let param_names: Vec<&str> = def.params.iter().map(|p| p.name.as_str()).collect();
        builder.next_layer();
        for p in &shorthands {
            builder.apply_shorthand(p, app, &param_names, diags);
        }
        let mut layers = vec![*view];
        if let Some(block) = env_block {
            builder.next_layer();
            builder.apply_all(block.children(), app, diags);
            layers.push(block);
        }
        Some(builder.finish_with_versions(&layers, app, diags))
    }

    /// Reports an instance of a component no file defines.
    fn report_unknown(
        &self,
        view: &NodeView,
        component: &str,
        is_database: bool,
        diags: &mut Diagnostics,
    ) {
        let mut known: Vec<&str> = crate::stdlib::NAMES.to_vec();
        known.extend(self.defs.keys().map(String::as_str));
        known.sort_unstable();
        known.dedup();
        let what = if is_database { "engine" } else { "component" };
        diags.push(
            Diagnostic::error(
                codes::UNKNOWN_COMPONENT,
                format!("there is no {what} `{component}`"),
            )
            .label(view.name_span(), format!("unknown {what}"))
            .help(suggest_help(
                component,
                known.iter().copied(),
                &format!("known components: {}", known.join(", ")),
            )),
        );
    }
}

/// `single-instance [clustered="…"]` among a component's children, once; `None` without it.
fn read_single_instance(
    view: &NodeView,
    kind: WorkloadKind,
    diags: &mut Diagnostics,
) -> Option<SingleInstance> {
    let mut found: Option<(SingleInstance, Span)> = None;
    for child in view.children().filter(|c| c.name() == "single-instance") {
        let mut e = child.read(diags);
        let clustered = e.prop("clustered").and_then(|v| values::string(&v, diags));
        e.finish(&["clustered"], diags);
        if kind.is_batch() {
            diags.push(
                Diagnostic::error(
                    codes::UNKNOWN_NODE,
                    format!("a {} component cannot be `single-instance`", kind.keyword()),
                )
                .label(child.name_span(), "not for jobs")
                .help("jobs have no replicas: remove `single-instance`"),
            );
            continue;
        }
        if let Some((_, first)) = &found {
            diags.push(
                Diagnostic::error(codes::DUPLICATE_NODE, "`single-instance` is set twice")
                    .label(child.name_span(), "set again here")
                    .label(*first, "first set here")
                    .help("keep one of them"),
            );
            continue;
        }
        found = Some((SingleInstance { clustered }, child.name_span()));
    }
    found.map(|(s, _)| s)
}

/// What an instance's line says: `use COMPONENT [NAME] KEY=VALUE …` or
/// `database NAME engine=E KEY=VALUE …`.
struct InstanceLine {
    /// The component (a database's engine).
    component: String,
    /// The workload's name: the one the line gives, or for `use` without one the component's.
    name: String,
    /// Span of that name.
    span: Span,
    /// The parameters given.
    props: Vec<Prop>,
}

/// Reads an instance's line; `None` when what it needs is missing or invalid (reported).
fn read_line(view: &NodeView, is_database: bool, diags: &mut Diagnostics) -> Option<InstanceLine> {
    let mut e = view.read(diags);
    let (component_val, instance_val) = if is_database {
        let instance = e.require_arg(
            "a name",
            "database orders-db engine=mysql storage=\"20Gi\"",
            diags,
        );
        let engine = e.require_prop(
            "engine",
            "database orders-db engine=mysql storage=\"20Gi\"",
            diags,
        );
        (engine, instance)
    } else {
        let component = e.require_arg("a component", "use nacos", diags);
        let instance = e.next_arg().or_else(|| component.clone());
        (component, instance)
    };
    let props = e.rest_props();
    e.finish(&[], diags);
    let component = values::string(&component_val?, diags)?;
    let instance_val = instance_val?;
    let instance = values::dns_label(
        &instance_val,
        if is_database { "database" } else { "workload" },
        253,
        "",
        diags,
    )?;
    Some(InstanceLine {
        component,
        name: instance,
        span: instance_val.span,
        props,
    })
}

/// The parameters of an instance of `def`: `name` and `app`, then each declared parameter, given
/// or defaulted. `None` when a given one is unknown or would not survive substitution, or a
/// required one is missing (reported).
fn bind_params(
    def: &ComponentDef,
    line: &InstanceLine,
    kind: WorkloadKind,
    app_name: &str,
    view: &NodeView,
    diags: &mut Diagnostics,
) -> Option<Params> {
    let (component, instance, props) = (&line.component, &line.name, &line.props);
    // Parameters: `name` and `app` first, so defaults can use them.
    let mut params = Params::default();
    params.values.insert(
        "name".into(),
        Val {
            value: Value::String(instance.clone()),
            span: line.span,
            raw: None,
        },
    );
    params.values.insert(
        "app".into(),
        Val {
            value: Value::String(app_name.to_owned()),
            span: line.span,
            raw: None,
        },
    );
    let mut ok = true;
    for prop in props {
        if !def.params.iter().any(|p| p.name == prop.key) {
            ok = false;
            diags.push(
                Diagnostic::error(
                    codes::UNKNOWN_PARAMETER,
                    format!("component `{component}` has no parameter `{}`", prop.key),
                )
                .label(prop.span, "unknown parameter")
                .help(suggest_help(
                    &prop.key,
                    def.params.iter().map(|p| p.name.as_str()),
                    &format!("`{component}` takes {}", param_list(def)),
                )),
            );
        }
    }
    for prop in props {
        // A decimal's digits do not survive substitution: `version=8.0` would become `mysql:8`.
        if matches!(prop.val.value, Value::Float(_)) {
            ok = false;
            diags.push(values::decimal_error(&prop.val));
        }
        // Nor do an integer's, written other than in decimal: `release=007` would become `7`.
        if values::respelled(&prop.val).is_some() {
            ok = false;
            diags.push(values::respelled_error(&prop.val));
        }
    }
    for param in &def.params {
        // `KEY=#null` leaves a parameter unset: its default applies, or it is missing.
        let given = props
            .iter()
            .find(|p| p.key == param.name && !matches!(p.val.value, Value::Null))
            .map(|p| p.val.clone());
        let value = match (given, &param.default) {
            (Some(v), _) => v,
            // A default's text may use the parameters before it: `image="{app}-web"`.
            (None, Some(default)) => match &default.value {
                Value::String(text) => params.substitute(text, default.span, diags),
                _ => default.clone(),
            },
            (None, None) => {
                ok = false;
                let storage = kind == WorkloadKind::Database && param.name == "storage";
                let (code, message) = if storage {
                    (
                        codes::DATABASE_WITHOUT_STORAGE,
                        format!("database `{instance}` has no storage size"),
                    )
                } else {
                    (
                        codes::MISSING_PARAMETER,
                        format!(
                            "component `{component}` needs the parameter `{}`",
                            param.name
                        ),
                    )
                };
                let example = if storage {
                    "storage=\"20Gi\"".to_owned()
                } else {
                    format!("{}=…", param.name)
                };
                diags.push(
                    Diagnostic::error(code, message)
                        .label(view.name_span(), format!("`{}` missing", param.name))
                        .help(if storage {
                            format!(
                                "a database keeps its data on a persistent volume: add `{example}`"
                            )
                        } else {
                            format!("add `{example}` to this line")
                        }),
                );
                continue;
            }
        };
        params.values.insert(param.name.clone(), value);
    }
    if !ok {
        return None;
    }
    Some(params)
}

fn param_list(def: &ComponentDef) -> String {
    if def.params.is_empty() {
        return "no parameters".to_owned();
    }
    def.params
        .iter()
        .map(|p| format!("`{}`", p.name))
        .collect::<Vec<_>>()
        .join(", ")
}
