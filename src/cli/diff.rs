//! `windlass diff`: what a change does to the cluster, compared with the previous output.
//!
//! The previous output is read from disk (`--against`: a directory, a YAML stream or JSON file,
//! or `-` for stdin) or compiled from the description at a git revision (`--base`: read with
//! `git show`, its imports too). The base app and every environment are compared, each in its own
//! section (a `build --all-envs` directory folder by folder); `--env` compares one environment on
//! both sides. Each section names the pruning apply of its new output. Exit codes, the worst over
//! every section:
//! 0 nothing dangerous, 1 with `--exit-code` when anything changed (and when a description has
//! errors), 3 when a change is breaking or loses data (unless `--allow-dangerous`), 2 when the
//! command could not run.

use std::io;
use std::path::{Path, PathBuf};

use clap::{ArgGroup, Args, ValueEnum};
use serde_json::Value;
use windlass::diag::format;
use windlass::diff::{self, Section, read};
use windlass::lower::Manifest;
use windlass::render::applyset::ApplySet;
use windlass::{Goal, Input, Loader, Options, Output, Revision};

use super::git::GitLoader;
use super::{Outcome, files, loader, printer};

/// Arguments of `diff`.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("previous").required(true).args(["against", "base"])))]
pub struct DiffArgs {
    /// The description (default: windlass.kdl).
    pub file: Option<PathBuf>,
    /// The previous output: a directory of manifests (its *.yaml, *.yml and *.json files;
    /// kustomization.yaml is skipped; the folders of a `build --all-envs` directory are its
    /// environments), a YAML stream or JSON file, or `-` for stdin.
    #[arg(long, value_name = "PATH")]
    pub against: Option<PathBuf>,
    /// The previous output is the description at this git revision (with its imports), compiled
    /// by this windlass.
    #[arg(long, value_name = "REV")]
    pub base: Option<String>,
    /// Compare only this environment, on both sides (default: the base app and every
    /// environment, each in its own section).
    #[arg(long, value_name = "NAME")]
    pub env: Option<String>,
    /// Where `build -o` writes the output, for the pruning apply command the report prints
    /// (default: the --against directory, else `deploy`; an environment's is DIR/ENV unless
    /// --env names it).
    #[arg(long, value_name = "DIR")]
    pub apply_dir: Option<String>,
    /// Where the full report can be read (a CI artifact's URL): the Markdown comment links it
    /// when it has to leave changes out.
    #[arg(long, value_name = "URL")]
    pub full_report: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: DiffFormat,
    /// Exit with 1 when anything changed.
    #[arg(long)]
    pub exit_code: bool,
    /// Do not fail (exit 3) on breaking or data-loss changes.
    #[arg(long)]
    pub allow_dangerous: bool,
}

/// Output format of `diff`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// For a terminal: coloured when stdout is one and NO_COLOR is unset.
    Human,
    /// For a pull-request comment.
    Markdown,
    /// For programs: every change with its resource, path, old and new value, class and reason.
    Json,
}

/// Runs `diff`: a section for the base app and each environment (or the one `--env` names),
/// each compared on its own, reported together, with one exit code for the worst of them.
pub fn run(args: &DiffArgs) -> Outcome {
    let Some(input) = loader::read_description(args.file.as_deref()) else {
        return Outcome::CouldNotRun;
    };
    let targets = match targets(args, &input) {
        Ok(targets) => targets,
        Err(outcome) => return outcome,
    };
    let mut sections = Vec::with_capacity(targets.len());
    for target in targets {
        match compare(&input, target) {
            Ok(section) => sections.push(section),
            Err(outcome) => return outcome,
        }
    }
    let sections = std::mem::ManuallyDrop::new(sections);
    printer::out(&match args.format {
        DiffFormat::Human => diff::report::human(&sections, printer::color_stdout()),
        DiffFormat::Markdown => diff::report::markdown(&sections, args.full_report.as_deref()),
        DiffFormat::Json => diff::report::json(&sections),
    });
    outcome(&sections, args)
}

/// One section to compare: the base app or an environment, the previous output it is compared
/// with, and where its new output is written.
struct Target {
    env: Option<String>,
    previous: Previous,
    /// Whether the description still has it (an environment removed is compared with nothing).
    now: bool,
    /// The directory its output is applied from.
    dir: String,
}

/// Where a section's previous output comes from.
enum Previous {
    /// Files of an earlier build (a directory, a file, or `-`).
    Files(PathBuf),
    /// The description at a git revision.
    Revision(String),
    /// Nothing: the section is new.
    Nothing,
}

/// The sections `args` asks for: with `--env`, that environment; otherwise the base app and
/// every environment, those of the description now and those the previous side has.
fn targets(args: &DiffArgs, input: &Input) -> Result<Vec<Target>, Outcome> {
    let now: Vec<String> = windlass::environments(input).unwrap_or_default();
    let dir_of = |env: Option<&str>, base_dir: &str| match env {
        Some(env) if args.env.is_none() => format!("{}/{env}", base_dir.trim_end_matches('/')),
        _ => base_dir.to_owned(),
    };
    let against_dir = args.against.as_deref().filter(|p| p.is_dir());
    let base_dir = args.apply_dir.clone().unwrap_or_else(|| {
        against_dir.map_or_else(|| "deploy".to_owned(), |d| d.display().to_string())
    });
    let base_dir = base_dir.as_str();
    if let Some(env) = &args.env {
        let previous = match (&args.against, &args.base) {
            // A `build --all-envs` directory: the environment's own folder.
            (Some(path), _)
                if against_dir
                    .is_some_and(|d| !has_manifests(d) && environment_dirs(d).contains(env)) =>
            {
                Previous::Files(path.join(env))
            }
            (Some(path), _) => Previous::Files(path.clone()),
            (None, Some(rev)) => Previous::Revision(rev.clone()),
            (None, None) => return Err(Outcome::CouldNotRun),
        };
        return Ok(vec![Target {
            env: Some(env.clone()),
            previous,
            now: true,
            dir: base_dir.to_owned(),
        }]);
    }
    let mut out = Vec::new();
    match (&args.against, &args.base) {
        (Some(path), _) => {
            // `build --all-envs -o DIR` writes a folder per environment, each with its
            // kustomization; the base app's files, when any, sit at the top.
            let env_dirs = against_dir.map(environment_dirs).unwrap_or_default();
            if env_dirs.is_empty() {
                if !now.is_empty() {
                    printer::err(&format!(
                        "note: {} holds one output, compared with the base app; its environments are compared when it is a `build --all-envs` directory, or one at a time with --env\n",
                        path.display()
                    ));
                }
                out.push(Target {
                    env: None,
                    previous: Previous::Files(path.clone()),
                    now: true,
                    dir: base_dir.to_owned(),
                });
                return Ok(out);
            }
            if against_dir.is_some_and(has_manifests) {
                out.push(Target {
                    env: None,
                    previous: Previous::Files(path.clone()),
                    now: true,
                    dir: base_dir.to_owned(),
                });
            }
            for env in &now {
                let previous = if env_dirs.contains(env) {
                    Previous::Files(path.join(env))
                } else {
                    Previous::Nothing
                };
                out.push(Target {
                    env: Some(env.clone()),
                    previous,
                    now: true,
                    dir: dir_of(Some(env), base_dir),
                });
            }
            for env in env_dirs.iter().filter(|e| !now.contains(e)) {
                out.push(Target {
                    env: Some(env.clone()),
                    previous: Previous::Files(path.join(env)),
                    now: false,
                    dir: dir_of(Some(env), base_dir),
                });
            }
        }
        (None, Some(rev)) => {
            let before = environments_at(rev, input);
            out.push(Target {
                env: None,
                previous: Previous::Revision(rev.clone()),
                now: true,
                dir: base_dir.to_owned(),
            });
            for env in now.iter().chain(before.iter().filter(|e| !now.contains(e))) {
                out.push(Target {
                    env: Some(env.clone()),
                    previous: Previous::Revision(rev.clone()),
                    now: now.contains(env),
                    dir: dir_of(Some(env), base_dir),
                });
            }
        }
        (None, None) => return Err(Outcome::CouldNotRun),
    }
    Ok(out)
}

/// The subdirectories of `dir` that hold a build (a kustomization.yaml), by name, sorted.
#[allow(
    clippy::disallowed_methods,
    reason = "the CLI is the one place that reads files"
)]
fn environment_dirs(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<String> = entries
        .filter_map(Result::ok)
        .filter(|e| e.path().join("kustomization.yaml").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    out.sort();
    out
}

/// Whether `dir` holds manifest files of its own (not only folders).
#[allow(
    clippy::disallowed_methods,
    reason = "the CLI is the one place that reads files"
)]
fn has_manifests(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries.filter_map(Result::ok).any(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            e.path().is_file() && read::is_manifest_file(&name)
        })
    })
}

/// The environments the description declared at `rev` (none when it cannot be read there).
fn environments_at(rev: &str, input: &Input) -> Vec<String> {
    let Ok(loader) = GitLoader::new(rev) else {
        return Vec::new();
    };
    let Ok(text) = loader.load(&input.path) else {
        return Vec::new();
    };
    windlass::environments(&Input::new(input.name.clone(), &input.path, text)).unwrap_or_default()
}

/// Compares one section.
fn compare(input: &Input, target: Target) -> Result<Section, Outcome> {
    let color = printer::color_stderr();
    // Against an earlier output, the new objects are kept as text, lowered and rendered a
    // workload at a time, and matched by text; against a revision, they are all compared.
    let goal = if matches!(target.previous, Previous::Files(_)) {
        Goal::Written
    } else {
        Goal::Objects
    };
    let options = Options {
        env: target.env.clone(),
        goal,
        ..Options::default()
    };
    let path = input.path.clone();
    let name = input.name.clone();
    // The previous output is read on its own thread while the description compiles.
    let (now, against) = std::thread::scope(|scope| {
        let against = match &target.previous {
            Previous::Files(path) => Some(scope.spawn(move || read_files(path))),
            _ => None,
        };
        let now = target.now.then(|| super::compile(input.clone(), &options));
        let against = against.map(|t| {
            t.join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        });
        (now, against)
    });
    let now = match now {
        Some(Some(now)) => Some(now),
        Some(None) => return Err(Outcome::CouldNotRun),
        None => None,
    };
    // The process ends after this command: the OS reclaims the objects faster than freeing them.
    let now = std::mem::ManuallyDrop::new(now);
    // Warnings are `check`'s business; a diff reports them only beside the errors that stop it.
    if let Some(now) = now.as_ref()
        && now.has_errors()
    {
        printer::err(&format::human(&now.diagnostics, color));
    }
    let written: &[_] = match now.as_ref().map(|n| &n.output) {
        Some(Output::Written(written)) => written,
        _ => &[],
    };
    let previous = match (against, &target.previous) {
        (Some(against), _) => match against.and_then(|files| read::previous(files, written)) {
            Ok(previous) => previous,
            Err(message) => {
                printer::fatal(
                    &message,
                    Some(
                        "--against names the output of an earlier build: a directory, a YAML or JSON file, or - for stdin",
                    ),
                );
                return Err(Outcome::CouldNotRun);
            }
        },
        (None, Previous::Revision(rev)) => match compile_at(rev, &path, &name, &options) {
            Base::Compiled(Revision::Objects(manifests)) => read::Previous {
                objects: manifests.into_iter().map(|m| m.object).collect(),
                unchanged: Vec::new(),
            },
            Base::Compiled(Revision::Missing(what)) => {
                printer::err(&format!(
                    "note: {what} does not exist at {rev}; everything is new\n"
                ));
                read::Previous::default()
            }
            Base::Compiled(Revision::Errors(diagnostics)) => {
                printer::err(&format::human(&diagnostics, color));
                let outcome =
                    format!("the description at {rev} does not compile; nothing compared");
                printer::err(&format!("{}\n", format::summary(&diagnostics, &outcome)));
                return Err(Outcome::InputErrors);
            }
            Base::Failed(message, help) => {
                printer::fatal(&message, Some(&help));
                return Err(Outcome::CouldNotRun);
            }
        },
        (None, _) => read::Previous::default(),
    };
    if let Some(now) = now.as_ref()
        && now.has_errors()
    {
        printer::err(&format!(
            "{}\n",
            format::summary(&now.diagnostics, "nothing compared")
        ));
        return Err(Outcome::InputErrors);
    }
    let previous = std::mem::ManuallyDrop::new(previous);
    let report = match now.as_ref() {
        Some(_) if matches!(target.previous, Previous::Files(_)) => {
            match diff::diff_written(&previous, written) {
                Ok(report) => report,
                Err(err) => {
                    printer::fatal(&format!("cannot read back the new output: {err}"), None);
                    return Err(Outcome::CouldNotRun);
                }
            }
        }
        Some(now) => diff::diff(&previous.objects, now.manifests().iter().map(|m| &m.object)),
        None => diff::diff(&previous.objects, std::iter::empty()),
    };
    let apply = now
        .as_ref()
        .and_then(|n| n.app.as_ref())
        .map(|app| diff::Apply {
            set: ApplySet::new(&app.name, target.env.as_deref(), &app.namespace),
            dir: target.dir.clone(),
        });
    Ok(Section::new(target.env, report, apply))
}

/// The exit code of a finished comparison: the worst over every section.
fn outcome(sections: &[Section], args: &DiffArgs) -> Outcome {
    if diff::any_dangerous(sections) && !args.allow_dangerous {
        let mut counts = [0; 5];
        for section in sections {
            for (total, n) in counts.iter_mut().zip(section.report.class_counts()) {
                *total += n;
            }
        }
        let found: Vec<String> = [diff::Class::Breaking, diff::Class::DataLoss]
            .into_iter()
            .filter(|class| counts[*class as usize] > 0)
            .map(|class| {
                let n = counts[class as usize];
                format!(
                    "{n} {} change{}",
                    class.label(),
                    if n == 1 { "" } else { "s" }
                )
            })
            .collect();
        let total = counts[diff::Class::Breaking as usize] + counts[diff::Class::DataLoss as usize];
        printer::err(&format!(
            "error: {}; review the report, then pass --allow-dangerous to accept {}\n",
            found.join(" and "),
            if total == 1 { "it" } else { "them" }
        ));
        Outcome::Dangerous
    } else if args.exit_code && sections.iter().any(|s| !s.report.is_empty()) {
        Outcome::Changes
    } else {
        Outcome::Ok
    }
}

/// The files of the previous output at `path`: a directory's manifests, a file, or `-` (stdin),
/// each with the name its errors show.
#[allow(
    clippy::disallowed_methods,
    reason = "the CLI is the one place that reads files"
)]
fn read_files(path: &Path) -> Result<Vec<(String, String)>, String> {
    let mut found: Vec<(String, String)> = Vec::new();
    let limit = files::MAX_PREVIOUS_BYTES;
    if path == Path::new("-") {
        let text = files::read_text_from(io::stdin().lock(), limit)
            .map_err(|e| format!("cannot read stdin: {e}"))?;
        found.push(("<stdin>".to_owned(), text));
    } else if path.is_dir() {
        let entries =
            std::fs::read_dir(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let mut names: Vec<PathBuf> = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if entry.path().is_file() && read::is_manifest_file(&name) {
                names.push(entry.path());
            }
        }
        // The order files are read in decides nothing but the order of error messages.
        names.sort();
        for file in names {
            let text = files::read_text(&file, limit)
                .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
            found.push((file.display().to_string(), text));
        }
    } else {
        let text = files::read_text(path, limit)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        found.push((path.display().to_string(), text));
    }
    Ok(found)
}

/// Every object of the previous output at `path`.
fn read_previous(path: &Path) -> Result<Vec<Value>, String> {
    read_files(path).and_then(|files| read::previous(files, &[]).map(|p| p.objects))
}

/// The previous side compiled from git.
enum Base {
    /// The description at the revision, compiled.
    Compiled(Revision),
    /// Git could not be asked: a message and a help line.
    Failed(String, String),
}

/// Compiles the description at `path` (shown as `name`) as it was at `rev`, for the environment
/// of `options`.
fn compile_at(rev: &str, path: &Path, name: &str, options: &Options) -> Base {
    let loader = match GitLoader::new(rev) {
        Ok(loader) => loader,
        Err((message, help)) => return Base::Failed(message, help),
    };
    let text = match loader.load(path) {
        Ok(text) => text,
        Err(err) if err.kind() == io::ErrorKind::NotFound => {
            return Base::Compiled(Revision::Missing(name.to_owned()));
        }
        Err(err) => {
            return Base::Failed(
                format!("cannot read {name} at {rev}: {err}"),
                "the description must be UTF-8 text in that revision".to_owned(),
            );
        }
    };
    let input = Input::new(name, path, text);
    Base::Compiled(windlass::compile_revision(input, rev, options, &loader))
}

/// The objects an earlier `build -o` left in `dir` (one with a kustomization.yaml), read before
/// the directory is replaced; `None` when there was no earlier build or it cannot be read.
pub(super) fn previous_build(dir: &Path) -> Option<Vec<Value>> {
    if !dir.join("kustomization.yaml").is_file() {
        return None;
    }
    read_previous(dir).ok()
}

/// The line `build -o DIR` prints about what changed in DIR:
/// `since the last build in DIR: 1 added, 2 changed; 9 unchanged`.
pub(super) fn build_summary(dir: &Path, before: &[Value], manifests: &[Manifest]) -> String {
    let report = diff::diff(before, manifests.iter().map(|m| &m.object));
    format!(
        "since the last build in {}: {}\n",
        dir.display(),
        diff::report::summary(&report)
    )
}
