//! Windlass compiles a concise KDL description of an application into validated Kubernetes
//! manifests.
//!
//! # Stages
//!
//! 1. [`syntax`] — text → a KDL syntax tree ([`syntax::parse`]); syntax errors become
//!    diagnostics.
//! 2. [`resolve`] — syntax tree → the typed [`model`]: names, values, components, imports,
//!    environments.
//! 3. [`check`] — rules over the model that need the whole application.
//! 4. [`lower`] — model → Kubernetes objects built from `k8s-openapi` types.
//! 5. [`render`] — objects → YAML or JSON text and output files, written by [`yaml`].
//! 6. [`diff`] — objects now against the previous output: per-field changes and their risk.
//!
//! [`compile`] runs the stages: it is the one entry point, and the only caller of [`lower`].
//! Its [`Goal`] says how far to go. Each stage returns its output and its diagnostics; the
//! pipeline stops between stages when a stage reported an error, and never lowers a model with
//! errors. [`every_env`] compiles a description for every environment it declares, and
//! [`compile_revision`] the description as it was at an earlier revision.
//!
//! Beside the pipeline: [`graph`] draws the model; [`syntax::fmt`] and [`syntax::edit`] change a
//! description's text. The library does no IO: files come through a [`Loader`], and the command
//! line (the `windlass` binary) reads, writes and prints.

pub mod check;
pub mod diag;
pub mod diff;
pub mod every_env;
pub mod graph;
pub mod lower;
pub mod model;
pub mod patch;
pub mod quantity;
pub mod render;
pub mod resolve;
pub mod schema;
pub mod source;
pub mod stdlib;
pub mod syntax;
pub mod yaml;

use std::path::PathBuf;

use diag::{Diagnostic, Diagnostics, suggest_help};
use diff::read::Written;
use lower::Manifest;
use model::{App, Workload};
pub use source::Loader;
use source::Sources;

/// A description to compile: its text, where it was read from, and its name in diagnostics.
#[derive(Clone, Debug)]
pub struct Input {
    /// The name diagnostics show: the path as the user gave it.
    pub name: String,
    /// Where it was read from; imports are found relative to it.
    pub path: PathBuf,
    /// The text.
    pub text: String,
}

impl Input {
    /// The description `text`, read from `path`, shown as `name`.
    pub fn new(name: impl Into<String>, path: impl Into<PathBuf>, text: impl Into<String>) -> Self {
        Input {
            name: name.into(),
            path: path.into(),
            text: text.into(),
        }
    }

    /// The description in `bytes`, read from `path`, shown as `name`; when they are not UTF-8,
    /// the diagnostic on the first byte that is not: its line and column, and what the byte is,
    /// since nothing shows it in an editor.
    pub fn from_bytes(
        name: impl Into<String>,
        path: impl Into<PathBuf>,
        bytes: Vec<u8>,
    ) -> Result<Self, Vec<diag::Diagnostic>> {
        let (name, path) = (name.into(), path.into());
        let err = match String::from_utf8(bytes) {
            Ok(text) => return Ok(Input { name, path, text }),
            Err(err) => err,
        };
        let valid_up_to = err.utf8_error().valid_up_to();
        let bytes = err.into_bytes();
        let byte = bytes.get(valid_up_to).copied().unwrap_or(0);
        let mut sources = source::Sources::new();
        // The text before the byte is UTF-8, so offsets in the lossy text match up to it.
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let file = sources.add(name.clone(), path, text);
        let mut found = diag::Diagnostics::new();
        found.push(
            diag::Diagnostic::error(
                diag::codes::SYNTAX,
                format!("{name} is not UTF-8 text: the byte 0x{byte:02X} is not part of a character"),
            )
            .label(
                source::Span::new(file, valid_up_to, valid_up_to + '\u{FFFD}'.len_utf8()),
                "not UTF-8",
            )
            .help(
                "a description is a KDL 2.0 text file in UTF-8; save it as UTF-8, or remove the byte",
            ),
        );
        Err(found.into_sorted(&sources))
    }
}

/// How far a compilation goes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Goal {
    /// Every finding, and nothing lowered: lowering reports nothing (`check`).
    Findings,
    /// The objects ([`Output::Objects`]).
    #[default]
    Objects,
    /// The YAML stream `build` prints ([`Output::Yaml`]), lowered and rendered a workload at a
    /// time: never every object at once.
    Yaml,
    /// Each object's key and YAML text ([`Output::Written`]), which `diff --against` matches
    /// the previous output against, lowered a workload at a time like [`Goal::Yaml`].
    Written,
}

/// How to compile: for which environment, with which rules, and how far.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The rules as the command line configures them.
    pub config: check::Config,
    /// The environment (`environment NAME { … }`) to compile; `None` is the base app.
    pub env: Option<String>,
    /// How far to go.
    pub goal: Goal,
}

impl Options {
    /// These options, for the environment `env` (the base app with `None`).
    #[must_use]
    pub fn for_env(&self, env: Option<&str>) -> Options {
        Options {
            env: env.map(str::to_owned),
            ..self.clone()
        }
    }

    /// These options, as far as `goal`.
    #[must_use]
    pub fn to_goal(&self, goal: Goal) -> Options {
        Options {
            goal,
            ..self.clone()
        }
    }
}

/// What a compilation produced, by its [`Goal`]; [`Output::Nothing`] whenever there are errors.
#[derive(Debug, Default)]
pub enum Output {
    /// Nothing was lowered: [`Goal::Findings`], or a description with errors.
    #[default]
    Nothing,
    /// Every object, in output order.
    Objects(Vec<Manifest>),
    /// The YAML stream of every object.
    Yaml(String),
    /// Every object's key and YAML document.
    Written(Written),
}

/// An environment asked for that a sound description does not declare: a usage error, not a
/// finding on the description.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownEnvironment {
    /// The name asked for.
    pub name: String,
    /// What to do instead: the closest declared name, or the declared ones.
    pub help: String,
}

/// The result of compiling one description.
#[derive(Debug, Default)]
pub struct Compilation {
    /// Every file read: the description and its imports.
    pub sources: Sources,
    /// The model, when resolution succeeded.
    pub app: Option<App>,
    /// What the goal asked for, when no stage reported an error.
    pub output: Output,
    /// Every finding, sorted by file and offset.
    pub diagnostics: Vec<Diagnostic>,
    /// The environments the description declares, in order.
    pub environments: Vec<String>,
    /// Set when the options name an environment that the description, which otherwise
    /// compiles, does not declare; then only `environments` is filled in besides.
    pub unknown_env: Option<UnknownEnvironment>,
}

impl Compilation {
    /// Whether any finding is an error (then there is no output).
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// Every finding with its place in its file, for the machine-readable formats.
    pub fn located(&self) -> Vec<diag::Located> {
        self.diagnostics
            .iter()
            .map(|d| diag::Located {
                diagnostic: d.clone(),
                location: d.span().and_then(|span| self.sources.location(span)),
            })
            .collect()
    }

    /// The objects of [`Goal::Objects`]; empty for another goal or with errors.
    pub fn manifests(&self) -> &[Manifest] {
        match &self.output {
            Output::Objects(manifests) => manifests,
            _ => &[],
        }
    }

    /// The objects of [`Goal::Objects`], taken.
    pub fn into_manifests(self) -> Vec<Manifest> {
        match self.output {
            Output::Objects(manifests) => manifests,
            _ => Vec::new(),
        }
    }
}

/// Compiles `input` for `options.env` as far as `options.goal`, reading imports through
/// `loader`.
///
/// An environment the description does not declare is reported as [`UnknownEnvironment`] when
/// the description is otherwise sound; when it has errors, they are reported with an
/// `unknown-target` error for the environment, so that a misspelt `--env` does not hide them.
pub fn compile(input: Input, options: &Options, loader: &dyn Loader) -> Compilation {
    let Input { name, path, text } = input;
    let mut sources = Sources::new();
    let file = sources.add(name, path, text);
    let mut diagnostics = Diagnostics::new();
    let mut app = None;
    let mut output = Output::Nothing;
    let mut environments = Vec::new();
    match syntax::parse::parse(&sources, file) {
        Err(found) => diagnostics.extend(found),
        Ok(doc) => {
            environments = resolve::environments(&doc);
            if let Some(unknown) = unknown_env(&sources, &environments, options, loader) {
                return Compilation {
                    environments,
                    unknown_env: Some(unknown),
                    ..Compilation::default()
                };
            }
            let env = options.env.as_deref();
            let (model, found) = resolve::resolve(&doc, file, &mut sources, loader, env);
            // The syntax tree is several times the size of its text; lowering needs only the model.
            drop(doc);
            diagnostics.extend(found);
            if let Some(model) = model {
                diagnostics.extend(check::check(&model, &options.config));
                // Patches apply to the lowered objects: checked against them before anything
                // is written.
                if !diagnostics.has_errors() && !model.patches.is_empty() {
                    diagnostics.extend(patch::check(&model, &lower::lower(&model)));
                }
                if !diagnostics.has_errors() {
                    output = lower_to(&model, options.goal);
                }
                app = Some(model);
            }
        }
    }
    let diagnostics = diagnostics.into_sorted(&sources);
    Compilation {
        sources,
        app,
        output,
        diagnostics,
        environments,
        unknown_env: None,
    }
}

/// The environment of `options` when the description (the first of `sources`) does not
/// declare it among `declared` and its base app compiles without errors; with errors, they are
/// what to report.
fn unknown_env(
    sources: &Sources,
    declared: &[String],
    options: &Options,
    loader: &dyn Loader,
) -> Option<UnknownEnvironment> {
    let env = options.env.as_deref()?;
    if declared.iter().any(|e| e == env) {
        return None;
    }
    let (_, file) = sources.iter().next()?;
    let input = Input::new(file.name.as_str(), file.path.as_path(), file.text.as_str());
    let base = options.for_env(None).to_goal(Goal::Findings);
    if compile(input, &base, loader).has_errors() {
        return None;
    }
    let help = if declared.is_empty() {
        "the description declares no environment; declare one with `environment NAME { … }`"
            .to_owned()
    } else {
        suggest_help(
            env,
            declared.iter().map(String::as_str),
            &format!("its environments are {}", declared.join(", ")),
        )
    };
    Some(UnknownEnvironment {
        name: env.to_owned(),
        help,
    })
}

/// The environments `input` declares, in order; `None` when it does not parse (compiling it
/// reports why). Reading them takes a parse, not a compilation.
pub fn environments(input: &Input) -> Option<Vec<String>> {
    let mut sources = Sources::new();
    let file = sources.add(
        input.name.as_str(),
        input.path.as_path(),
        input.text.clone(),
    );
    syntax::parse::parse(&sources, file)
        .ok()
        .map(|doc| resolve::environments(&doc))
}

/// Lowers a model without errors as far as `goal`.
fn lower_to(app: &App, goal: Goal) -> Output {
    if !app.patches.is_empty() {
        // Patched objects are lowered whole, patched, then rendered.
        let mut manifests = lower::lower(app);
        patch::apply_all(app, &mut manifests);
        return match goal {
            Goal::Findings => Output::Nothing,
            Goal::Objects => Output::Objects(manifests),
            Goal::Yaml => Output::Yaml(render::stream(&manifests, render::Format::Yaml)),
            Goal::Written => Output::Written(
                manifests
                    .iter()
                    .map(|m| (diff::Key::of(&m.object), yaml::to_string(&m.object)))
                    .collect(),
            ),
        };
    }
    match goal {
        Goal::Findings => Output::Nothing,
        Goal::Objects => Output::Objects(lower::lower(app)),
        Goal::Yaml => Output::Yaml(yaml_stream(app)),
        Goal::Written => Output::Written(written(app)),
    }
}

/// The YAML stream of a model without errors, lowered and rendered a component at a time: the
/// text of `render::stream(&lower::lower(app), Format::Yaml)`, without holding every object at
/// once (a tenth of the memory, and so of the page faults, for a large application). A large
/// application is lowered and rendered in two halves, one on another thread, joined in order.
fn yaml_stream(app: &App) -> String {
    /// Below this many workloads a second thread costs more than it saves.
    const PARALLEL: usize = 64;
    let workloads = &app.workloads;
    let lowering = lower::Lowering::new(app);
    let mut out = String::new();
    render::append_yaml(&mut out, objects(&lowering.namespace()));
    let half = if workloads.len() >= PARALLEL {
        workloads.len() / 2
    } else {
        workloads.len()
    };
    let render = |slice: &[Workload], mut text: String| {
        text.reserve(slice.len() * 4 * 1200);
        for workload in slice {
            render::append_yaml(&mut text, objects(&lowering.workload(workload)));
        }
        text
    };
    let second = std::thread::scope(|scope| {
        let second = (half < workloads.len())
            .then(|| scope.spawn(|| render(&workloads[half..], String::new())));
        out = render(&workloads[..half], std::mem::take(&mut out));
        second.map(|t| {
            t.join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        })
    });
    if let Some(second) = second.filter(|s| !s.is_empty()) {
        out.push_str("---\n");
        out.push_str(&second);
    }
    render::append_yaml(&mut out, objects(&lowering.manifests()));
    out
}

/// Every object of a model without errors as `windlass build` writes it, lowered and rendered a
/// workload at a time so that the objects themselves are never all held at once.
fn written(app: &App) -> Written {
    let mut out = Vec::new();
    lower::lower_each(app, |batch| {
        for m in &batch {
            out.push((diff::Key::of(&m.object), yaml::to_string(&m.object)));
        }
    });
    out
}

/// The objects of a batch of manifests.
fn objects(batch: &[Manifest]) -> impl Iterator<Item = &serde_json::Value> {
    batch.iter().map(|m| &m.object)
}

/// The description as it was at an earlier revision, compiled: the previous side of
/// `diff --base`.
#[derive(Debug)]
pub enum Revision {
    /// Its objects.
    Objects(Vec<Manifest>),
    /// The revision has no such file, or no such environment (named): everything is new.
    Missing(String),
    /// The description at the revision has errors.
    Errors(Vec<Diagnostic>),
}

/// Compiles `input`, the description as `loader` reads it at revision `rev`, for
/// `options.env`. An environment that the revision does not declare yet is [`Revision::Missing`]
/// (all new), unless the revision's base app does not compile either.
pub fn compile_revision(
    input: Input,
    rev: &str,
    options: &Options,
    loader: &dyn Loader,
) -> Revision {
    let name = input.name.clone();
    let input = Input {
        name: format!("{rev}:{name}"),
        ..input
    };
    let options = options.to_goal(Goal::Objects);
    let compilation = compile(input.clone(), &options, loader);
    if let Some(env) = options.env.as_deref()
        && !compilation.environments.iter().any(|e| e == env)
    {
        if compilation.unknown_env.is_none() {
            // The base app has errors: those, not the missing environment, are what to report.
            let base = compile(input, &options.for_env(None), loader);
            return Revision::Errors(base.diagnostics);
        }
        return Revision::Missing(format!("environment `{env}` of {name}"));
    }
    if compilation.has_errors() {
        Revision::Errors(compilation.diagnostics)
    } else {
        Revision::Objects(compilation.into_manifests())
    }
}
