//! `windlass build`: compile and write the manifests to stdout or to a directory.

use std::path::PathBuf;

use clap::Args;
use windlass::diag::{Diagnostic, Severity, format};
use windlass::render::applyset::ApplySet;
use windlass::render::{self, Format, OutputFile};
use windlass::{Goal, Input, Options, Output, every_env};

use super::{Outcome, OutputFormat, RuleArgs, loader, output_dir, printer};

/// Arguments of `build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The description (default: windlass.kdl).
    pub file: Option<PathBuf>,
    /// Write one file per application component and a kustomization.yaml into this directory,
    /// replacing what an earlier build wrote there.
    #[arg(short = 'o', long = "out", value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "yaml")]
    pub format: OutputFormat,
    /// Compile for this environment (`environment NAME { … }`) instead of the base app.
    #[arg(long, value_name = "NAME")]
    pub env: Option<String>,
    /// With -o: write one folder per environment, each with its own kustomization.yaml.
    #[arg(long, requires = "out", conflicts_with = "env")]
    pub all_envs: bool,
    /// Rules raised to errors and silenced.
    #[command(flatten)]
    pub rules: RuleArgs,
}

/// Runs `build`.
pub fn run(args: &BuildArgs) -> Outcome {
    let Some(config) = args.rules.config() else {
        return Outcome::CouldNotRun;
    };
    let Some(input) = loader::read_description(args.file.as_deref()) else {
        return Outcome::CouldNotRun;
    };
    let format = match args.format {
        OutputFormat::Yaml => Format::Yaml,
        OutputFormat::Json => Format::Json,
    };
    let options = Options {
        config,
        env: args.env.clone(),
        goal: Goal::Objects,
    };
    if args.all_envs {
        return all_envs(args, &input, &options, format);
    }
    // A YAML stream on stdout is lowered and rendered a component at a time.
    let goal = if args.out.is_none() && format == Format::Yaml {
        Goal::Yaml
    } else {
        Goal::Objects
    };
    let input_path = input.path.clone();
    let Some(compilation) = super::compile(input, &options.to_goal(goal)) else {
        return Outcome::CouldNotRun;
    };
    // The process ends after this command: the OS reclaims the objects faster than freeing them.
    let compilation = std::mem::ManuallyDrop::new(compilation);
    let diagnostics = &compilation.diagnostics;
    if args.rules.deny_warnings() && has_warnings(diagnostics) && !compilation.has_errors() {
        printer::err(&format::human(diagnostics, printer::color_stderr()));
        printer::err(&format!(
            "{}\n",
            format::summary(diagnostics, "nothing written (--deny warnings)")
        ));
        return Outcome::InputErrors;
    }
    print_findings(diagnostics);
    if compilation.has_errors() {
        printer::err(&format!(
            "{}\n",
            format::summary(diagnostics, "nothing written")
        ));
        return Outcome::InputErrors;
    }
    let Some(dir) = &args.out else {
        match &compilation.output {
            Output::Yaml(text) => printer::out(text),
            _ => printer::out(&render::stream(compilation.manifests(), format)),
        }
        return Outcome::Ok;
    };
    let manifests = compilation.manifests();
    let files = render::files(manifests, format);
    let before = super::diff::previous_build(dir);
    match output_dir::write_dir(dir, &files, &input_path) {
        Ok(()) => {
            let line = format!(
                "wrote {} objects in {} files to {}",
                manifests.len(),
                files.len(),
                dir.display()
            );
            printer::err(&format!("{}\n", format::summary(diagnostics, &line)));
            if let Some(before) = before {
                printer::err(&super::diff::build_summary(dir, &before, manifests));
            }
            if let Some(app) = &compilation.app {
                let set = ApplySet::new(&app.name, args.env.as_deref(), &app.namespace);
                printer::err(&format!(
                    "apply, deleting what is no longer written: {}\n",
                    set.command(&dir.display().to_string())
                ));
            }
            Outcome::Ok
        }
        Err(refusal) => refused(dir, refusal),
    }
}

/// Whether any finding is a warning.
fn has_warnings(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(|d| d.severity == Severity::Warning)
}

/// `build -o DIR --all-envs`: every environment compiled, then written together, one folder
/// each; nothing is written unless all compile.
fn all_envs(args: &BuildArgs, input: &Input, options: &Options, format: Format) -> Outcome {
    let base = windlass::compile(
        input.clone(),
        &options.for_env(None).to_goal(Goal::Findings),
        &loader::FsLoader,
    );
    if base.environments.is_empty() {
        printer::err(&format::human(&base.diagnostics, printer::color_stderr()));
        printer::fatal(
            &format!("{} declares no environment", input.path.display()),
            Some("declare them with `environment NAME { … }`, or build without --all-envs"),
        );
        return if base.has_errors() {
            Outcome::InputErrors
        } else {
            Outcome::CouldNotRun
        };
    }
    let mut files = Vec::new();
    let mut merged = every_env::Merged::default();
    let mut objects = 0;
    let mut commands = Vec::new();
    for (env, c) in every_env::compilations(input, options, &loader::FsLoader) {
        objects += c.manifests().len();
        if let (Some(app), Some(dir)) = (&c.app, &args.out) {
            let set = ApplySet::new(&app.name, Some(&env), &app.namespace);
            commands.push(set.command(&dir.join(&env).display().to_string()));
        }
        for f in render::files(c.manifests(), format) {
            files.push(OutputFile {
                name: format!("{env}/{}", f.name),
                content: f.content,
            });
        }
        merged.add(c, Some(&env));
    }
    // A finding of every environment is printed once; one of some names them.
    let all: Vec<Diagnostic> = merged.finish().into_iter().map(|f| f.diagnostic).collect();
    print_findings(&all);
    let errors = all.iter().any(Diagnostic::is_error);
    if errors || (args.rules.deny_warnings() && has_warnings(&all)) {
        printer::err(&format!("{}\n", format::summary(&all, "nothing written")));
        return Outcome::InputErrors;
    }
    let Some(dir) = &args.out else {
        return Outcome::CouldNotRun;
    };
    match output_dir::write_dir(dir, &files, &input.path) {
        Ok(()) => {
            let line = format!(
                "wrote {objects} objects for {} environments ({}) to {}",
                base.environments.len(),
                base.environments.join(", "),
                dir.display()
            );
            printer::err(&format!("{}\n", format::summary(&all, &line)));
            printer::err(&format!(
                "apply each, deleting what is no longer written:\n{}",
                commands
                    .iter()
                    .map(|c| format!("  {c}\n"))
                    .collect::<String>()
            ));
            Outcome::Ok
        }
        Err(refusal) => refused(dir, refusal),
    }
}

/// Reports why the output directory was not written.
fn refused(dir: &std::path::Path, refusal: output_dir::Refusal) -> Outcome {
    match refusal {
        output_dir::Refusal::Refused(what, help) => {
            printer::fatal(
                &format!("cannot write {}: {what}", dir.display()),
                Some(&help),
            );
        }
        output_dir::Refusal::Io(err) => printer::fatal(
            &format!("cannot write {}: {err}", dir.display()),
            Some("nothing in the directory was changed"),
        ),
        output_dir::Refusal::Partial(err) => printer::fatal(
            &format!("cannot write {}: {err}", dir.display()),
            Some(
                "its files were being replaced one by one: it may hold old and new files, each whole; build again to finish",
            ),
        ),
    }
    Outcome::CouldNotRun
}

/// Prints the errors and warnings of a build in full, and its notes as one line: notes help read
/// the output (the objects an app expects to exist, how a canary splits), which `check` shows;
/// a build step prints them on every run, where they would bury the warnings.
fn print_findings(diagnostics: &[Diagnostic]) {
    let (notes, shown): (Vec<&Diagnostic>, Vec<&Diagnostic>) = diagnostics
        .iter()
        .partition(|d| d.severity == Severity::Note);
    let shown: Vec<Diagnostic> = shown.into_iter().cloned().collect();
    printer::err(&format::human(&shown, printer::color_stderr()));
    match notes.len() {
        0 => {}
        1 => printer::err("1 note, not shown: `windlass check` shows it\n"),
        n => printer::err(&format!(
            "{n} notes, not shown: `windlass check` shows them\n"
        )),
    }
}
