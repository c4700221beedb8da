//! Windlass compiles a concise KDL description of an application into validated Kubernetes
//! manifests.
//!
//! # Stages
//!
//! 1. [`parse`] — text → [`reader::Document`]; syntax errors become diagnostics.
//! 2. [`resolve`] — KDL → the typed [`model`](model): names, values, components, imports.
//! 3. [`check`] — rules over the model that need the whole application.
//! 4. [`lower`] — model → Kubernetes objects built from `k8s-openapi` types.
//! 5. [`render`] — objects → YAML or JSON, in a stable order and layout.
//! 6. [`diff`] — manifests now against the previous output: per-field changes and their risk.
//! 7. [`graph`] — model → the request path as a Mermaid or Graphviz drawing (`windlass graph`).
//!
//! Each stage returns its output and its diagnostics; the pipeline stops between stages when a
//! stage reported an error, and never lowers a model with errors. Only the CLI touches the file
//! system and the terminal.

pub mod check;
pub mod cli;
pub mod diag;
pub mod diff;
pub mod graph;
pub mod lower;
pub mod model;
pub mod printer;
pub mod quantity;
pub mod render;
pub mod resolve;
pub mod source;
pub mod stdlib;
pub mod syntax;
pub mod yaml;

use std::collections::HashSet;
use std::path::Path;

use diag::{Diagnostic, Diagnostics};
use lower::Manifest;
use model::App;
use source::{Loader, Sources};

/// The result of compiling one description.
#[derive(Debug)]
pub struct Compilation {
    /// Every file read: the description and its imports.
    pub sources: Sources,
    /// The model, when resolution succeeded.
    pub app: Option<App>,
    /// The manifests, empty when any stage reported an error.
    pub manifests: Vec<Manifest>,
    /// Every finding, sorted by file and offset.
    pub diagnostics: Vec<Diagnostic>,
    /// The environments the description declares, in order.
    pub environments: Vec<String>,
}

impl Compilation {
    /// Whether any finding is an error (then `manifests` is empty).
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Compiles the description `text`, read from `path` (shown as `name` in diagnostics), with every
/// rule at its default severity.
pub fn compile(name: &str, path: &Path, text: String, loader: &dyn Loader) -> Compilation {
    compile_with(name, path, text, loader, &check::Config::default())
}

/// Compiles with the rules configured as the command line says.
pub fn compile_with(
    name: &str,
    path: &Path,
    text: String,
    loader: &dyn Loader,
    config: &check::Config,
) -> Compilation {
    compile_env(name, path, text, loader, config, None)
}

/// The findings of a compilation of the base app or of one environment, with their places.
pub type Findings = Vec<(Diagnostic, Option<printer::Location>)>;

/// Adds the findings of `compilation` (of environment `env`, or the base app) to `found`: a
/// finding already there is reported once, and one only an environment has says which.
pub fn merge_findings(found: &mut Findings, compilation: Compilation, env: Option<&str>) {
    // What is already there, by code, message and place: looked up, not searched, so that tens
    // of thousands of findings merge in linear time.
    let mut seen: HashSet<(String, String, Option<printer::Location>)> = found
        .iter()
        .map(|(f, l)| (f.code.to_string(), f.message.clone(), l.clone()))
        .collect();
    for mut d in compilation.diagnostics {
        let loc = printer::location(&d, &compilation.sources);
        if let Some(env) = env
            && !d.message.contains(&format!("environment `{env}`"))
        {
            if seen.contains(&(d.code.to_string(), d.message.clone(), loc.clone())) {
                continue;
            }
            d.message = format!("{} (in environment `{env}`)", d.message);
        }
        if !seen.insert((d.code.to_string(), d.message.clone(), loc.clone())) {
            continue;
        }
        found.push((d, loc));
    }
}

/// How far a compilation goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Goal {
    /// Every finding, and the manifests when there is no error (`build`, `diff`).
    Manifests,
    /// Every finding only (`check`): lowering reports nothing, so it is skipped and
    /// `manifests` stays empty.
    Findings,
}

/// The environments a description declares, in order; `None` when it does not parse (compiling
/// it reports why).
pub fn environments(name: &str, path: &Path, text: String) -> Option<Vec<String>> {
    let mut sources = Sources::new();
    let file = sources.add(name, path, text);
    syntax::parse::parse(&sources, file)
        .ok()
        .map(|doc| resolve::environments(&doc))
}

/// What `windlass check` reports for a description: the findings of the base app and of every
/// environment it declares, compiled as far as their findings a core's worth at a time, merged
/// in declaration order (see [`merge_findings`]).
pub fn check_every_env(
    name: &str,
    path: &Path,
    text: &str,
    loader: &(dyn Loader + Sync),
    config: &check::Config,
) -> Findings {
    let environments = environments(name, path, text.to_owned()).unwrap_or_default();
    let compile = |env: Option<&str>| {
        compile_to(
            name,
            path,
            text.to_owned(),
            loader,
            config,
            env,
            Goal::Findings,
        )
    };
    // As many compilations at once as there are cores, and merged as they finish each round:
    // a description with thousands of environments must not hold thousands of models.
    let width = std::thread::available_parallelism().map_or(1, |n| n.get());
    let targets: Vec<Option<&str>> = std::iter::once(None)
        .chain(environments.iter().map(|e| Some(e.as_str())))
        .collect();
    let mut found = Findings::new();
    for round in targets.chunks(width) {
        let compiled: Vec<Compilation> = std::thread::scope(|scope| {
            let threads: Vec<_> = round
                .iter()
                .map(|&env| scope.spawn(move || compile(env)))
                .collect();
            threads
                .into_iter()
                .map(|t| {
                    t.join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                })
                .collect()
        });
        for (&env, c) in round.iter().zip(compiled) {
            merge_findings(&mut found, c, env);
        }
    }
    found
}

/// Compiles for one environment (`environment NAME { … }`), or the base app with `None`.
pub fn compile_env(
    name: &str,
    path: &Path,
    text: String,
    loader: &dyn Loader,
    config: &check::Config,
    env: Option<&str>,
) -> Compilation {
    compile_to(name, path, text, loader, config, env, Goal::Manifests)
}

/// Compiles for one environment, or the base app with `None`, as far as `goal`.
pub fn compile_to(
    name: &str,
    path: &Path,
    text: String,
    loader: &dyn Loader,
    config: &check::Config,
    env: Option<&str>,
    goal: Goal,
) -> Compilation {
    let mut sources = Sources::new();
    let file = sources.add(name, path, text);
    let mut diagnostics = Diagnostics::new();
    let mut app = None;
    let mut manifests = Vec::new();
    let mut environments = Vec::new();
    match syntax::parse::parse(&sources, file) {
        Err(found) => diagnostics.extend(found),
        Ok(doc) => {
            environments = resolve::environments(&doc);
            let (model, found) = resolve::resolve(&doc, file, &mut sources, loader, env);
            // The syntax tree is several times the size of its text; lowering needs only the model.
            drop(doc);
            diagnostics.extend(found);
            if let Some(model) = model {
                diagnostics.extend(check::check(&model, config));
                if goal == Goal::Manifests && !diagnostics.has_errors() {
                    manifests = lower::lower(&model);
                }
                app = Some(model);
            }
        }
    }
    let diagnostics = diagnostics.into_sorted(&sources);
    Compilation {
        sources,
        app,
        manifests,
        diagnostics,
        environments,
    }
}
