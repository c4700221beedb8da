//! Resolution: KDL documents → the typed application model.
//!
//! Reads the top level (`app`, `component`, `import`, `environment`), loads imports and the
//! standard library components the app uses, instantiates components, and checks every name and
//! reference. Every problem found is reported; the model is returned only when there is one `app`
//! to return.

mod access;
mod app;
mod component;
mod container;
mod environment;
mod import;
mod layers;
mod manifests;
mod shared;
pub mod values;
mod workload;

use crate::diag::suggest_help;
use crate::diag::{Diagnostic, Diagnostics, codes};
use crate::model::App;
use crate::source::{FileId, Loader, Sources, Span};
use crate::syntax::reader::Document;
use app::kinds::WORKLOAD_KINDS;
use app::settings;
use component::Components;
use import::Imports;
use values::{NodeView, Params};

/// The nodes a description holds at its top level.
const TOP_LEVEL: &[&str] = &["app", "component", "import", "environment"];

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
    let mut uses = Vec::new();
    let overrides = environment::collect(doc, file, &empty, env, &mut uses, &mut diags);
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
            app::resolve_app(
                &view,
                &mut components,
                sources,
                loader,
                overrides.as_ref(),
                &mut diags,
            )
        }
    };
    environment::report_uses(&uses, app.as_ref(), |c| components.kind_of(c), &mut diags);
    (app, diags)
}

fn top_level_unknown(view: &NodeView, name: &str, diags: &mut Diagnostics) {
    let help = if WORKLOAD_KINDS.contains(&name) || settings::is_setting(name) {
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
