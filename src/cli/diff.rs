//! `windlass diff`: what a change does to the cluster, compared with the previous output.
//!
//! The previous output is read from disk (`--against`: a directory, a YAML stream or JSON file,
//! or `-` for stdin) or compiled from the description at a git revision (`--base`: read with
//! `git show`, its imports too); `--env` compares one environment on both sides. Exit codes:
//! 0 nothing dangerous, 1 with `--exit-code` when anything changed (and when a description has
//! errors), 3 when a change is breaking or loses data (unless `--allow-dangerous`), 2 when the
//! command could not run.

use std::io;
use std::path::{Path, PathBuf};

use clap::{ArgGroup, Args, ValueEnum};
use serde_json::Value;
use windlass::diag::format;
use windlass::diff::{self, Report, read};
use windlass::lower::Manifest;
use windlass::{Goal, Input, Loader, Options, Output, Revision};

use super::git::GitLoader;
use super::{Outcome, files, loader, printer};

/// Arguments of `diff`.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("previous").required(true).args(["against", "base"])))]
pub struct DiffArgs {
    /// The description (default: windlass.kdl).
    pub file: Option<PathBuf>,
    /// The previous output: a directory of manifests (its *.yaml, *.yml and *.json files, not
    /// its subdirectories; kustomization.yaml is skipped), a YAML stream or JSON file, or `-`
    /// for stdin.
    #[arg(long, value_name = "PATH")]
    pub against: Option<PathBuf>,
    /// The previous output is the description at this git revision (with its imports), compiled
    /// by this windlass.
    #[arg(long, value_name = "REV")]
    pub base: Option<String>,
    /// Compare this environment instead of the base app, on both sides.
    #[arg(long, value_name = "NAME")]
    pub env: Option<String>,
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

/// Runs `diff`.
pub fn run(args: &DiffArgs) -> Outcome {
    let Some(input) = loader::read_description(args.file.as_deref()) else {
        return Outcome::CouldNotRun;
    };
    let color = printer::color_stderr();
    // Against an earlier output, the new objects are kept as text, lowered and rendered a
    // workload at a time, and matched by text; against a revision, they are all compared.
    let goal = if args.against.is_some() {
        Goal::Written
    } else {
        Goal::Objects
    };
    let options = Options {
        env: args.env.clone(),
        goal,
        ..Options::default()
    };
    let path = input.path.clone();
    let name = input.name.clone();
    // The previous output is read on its own thread while the description compiles.
    let (now, against) = std::thread::scope(|scope| {
        let against = args
            .against
            .as_deref()
            .map(|against| scope.spawn(move || read_files(against)));
        let now = super::compile(input, &options);
        let against = against.map(|t| {
            t.join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        });
        (now, against)
    });
    let Some(now) = now else {
        return Outcome::CouldNotRun;
    };
    // The process ends after this command: the OS reclaims the objects faster than freeing them.
    let now = std::mem::ManuallyDrop::new(now);
    // Warnings are `check`'s business; a diff reports them only beside the errors that stop it.
    if now.has_errors() {
        printer::err(&format::human(&now.diagnostics, color));
    }
    let written: &[_] = match &now.output {
        Output::Written(written) => written,
        _ => &[],
    };
    let previous = match (against, &args.base) {
        (Some(against), _) => match against.and_then(|files| read::previous(files, written)) {
            Ok(previous) => previous,
            Err(message) => {
                printer::fatal(
                    &message,
                    Some(
                        "--against names the output of an earlier build: a directory, a YAML or JSON file, or - for stdin",
                    ),
                );
                return Outcome::CouldNotRun;
            }
        },
        (None, Some(rev)) => match compile_at(rev, &path, &name, &options) {
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
                return Outcome::InputErrors;
            }
            Base::Failed(message, help) => {
                printer::fatal(&message, Some(&help));
                return Outcome::CouldNotRun;
            }
        },
        (None, None) => return Outcome::CouldNotRun,
    };
    if now.has_errors() {
        printer::err(&format!(
            "{}\n",
            format::summary(&now.diagnostics, "nothing compared")
        ));
        return Outcome::InputErrors;
    }
    let previous = std::mem::ManuallyDrop::new(previous);
    let report = if args.against.is_some() {
        match diff::diff_written(&previous, written) {
            Ok(report) => report,
            Err(err) => {
                printer::fatal(&format!("cannot read back the new output: {err}"), None);
                return Outcome::CouldNotRun;
            }
        }
    } else {
        diff::diff(&previous.objects, now.manifests().iter().map(|m| &m.object))
    };
    printer::out(&match args.format {
        DiffFormat::Human => diff::report::human(&report, printer::color_stdout()),
        DiffFormat::Markdown => diff::report::markdown(&report),
        DiffFormat::Json => diff::report::json(&report),
    });
    outcome(&report, args)
}

/// The exit code of a finished comparison.
fn outcome(report: &Report, args: &DiffArgs) -> Outcome {
    if report.is_dangerous() && !args.allow_dangerous {
        let counts = report.class_counts();
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
    } else if args.exit_code && !report.is_empty() {
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
