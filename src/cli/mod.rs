//! The command line: argument parsing and one file per subcommand. The only module that touches
//! the file system.

mod build;
mod check;
mod diff;
mod explain;
mod fmt;
mod graph;
mod set_image;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::printer;
use crate::source::Loader;

/// The exit code of a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Success.
    Ok,
    /// The input has errors.
    InputErrors,
    /// The command could not run (missing file, bad arguments, a write that failed).
    CouldNotRun,
    /// `diff --exit-code` found changes.
    Changes,
    /// `diff` found a breaking or data-loss change.
    Dangerous,
}

impl From<Outcome> for ExitCode {
    fn from(o: Outcome) -> Self {
        ExitCode::from(match o {
            Outcome::Ok => 0,
            Outcome::InputErrors => 1,
            Outcome::CouldNotRun => 2,
            Outcome::Changes => 1,
            Outcome::Dangerous => 3,
        })
    }
}

/// Compiles a concise KDL description of an application into validated Kubernetes manifests.
#[derive(Debug, Parser)]
#[command(name = "windlass", version, about, max_term_width = 100)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Compile a description into Kubernetes manifests.
    Build(build::BuildArgs),
    /// Check a description and report every problem; write nothing.
    Check(check::CheckArgs),
    /// Show what a change does to the cluster, compared with the previous output.
    Diff(diff::DiffArgs),
    /// Explain a rule or diagnostic code, or list them all.
    Explain(explain::ExplainArgs),
    /// Rewrite descriptions in one canonical layout, keeping comments.
    Fmt(fmt::FmtArgs),
    /// Draw the request path: internet, exposure, frontend, gateway, services, databases.
    Graph(graph::GraphArgs),
    /// Set a workload's image tag in the description, keeping its layout and comments.
    SetImage(set_image::SetImageArgs),
}

/// `--deny` and `--allow`, shared by the commands that run the rules.
#[derive(Debug, Default, clap::Args)]
pub struct RuleArgs {
    /// Report a rule as an error (repeatable); `--deny warnings` fails the run on any warning.
    #[arg(long, value_name = "CODE")]
    pub deny: Vec<String>,
    /// Do not report a rule (repeatable).
    #[arg(long, value_name = "CODE")]
    pub allow: Vec<String>,
}

impl RuleArgs {
    /// Whether warnings fail the run.
    pub fn deny_warnings(&self) -> bool {
        self.deny.iter().any(|c| c == "warnings")
    }

    /// The rule configuration, or `None` (reported) when a code names no rule.
    pub fn config(&self) -> Option<crate::check::Config> {
        use crate::check::registry;
        let mut config = crate::check::Config::default();
        for (codes, target, flag) in [
            (&self.deny, &mut config.deny, "--deny"),
            (&self.allow, &mut config.allow, "--allow"),
        ] {
            for code in codes {
                if flag == "--deny" && code == "warnings" {
                    continue;
                }
                if registry::rule(code).is_none() {
                    let known = registry::RULES.iter().map(|r| r.meta().code);
                    let help = if registry::compiler_code(code).is_some() {
                        format!("`{code}` is a compiler error, always reported as one")
                    } else {
                        crate::diag::suggest_help(code, known, "`windlass explain` lists the rules")
                    };
                    printer::fatal(
                        &format!("{flag} {code}: there is no rule `{code}`"),
                        Some(&help),
                    );
                    return None;
                }
                target.insert(code.clone());
            }
        }
        Some(config)
    }
}

/// Output format of `build`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// YAML documents.
    Yaml,
    /// JSON.
    Json,
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Outcome {
    match cli.command {
        Command::Build(args) => build::run(&args),
        Command::Check(args) => check::run(&args),
        Command::Diff(args) => diff::run(&args),
        Command::Explain(args) => explain::run(&args),
        Command::Fmt(args) => fmt::run(&args),
        Command::Graph(args) => graph::run(&args),
        Command::SetImage(args) => set_image::run(&args),
    }
}

/// Reads imports from the file system.
pub struct FsLoader;

impl Loader for FsLoader {
    #[allow(
        clippy::disallowed_methods,
        reason = "the CLI is the one place that reads files"
    )]
    fn load(&self, path: &Path) -> std::io::Result<String> {
        std::fs::read_to_string(path)
    }

    fn real_path(&self, path: &Path) -> Option<PathBuf> {
        std::fs::canonicalize(path).ok()
    }
}

/// Reads the description at `path` (default `windlass.kdl`), or reports why it cannot.
#[allow(
    clippy::disallowed_methods,
    reason = "the CLI is the one place that reads files"
)]
fn read_description(path: Option<&Path>) -> Option<(PathBuf, String)> {
    let path = path.map_or_else(|| PathBuf::from("windlass.kdl"), Path::to_path_buf);
    match std::fs::read(&path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => Some((path, text)),
            Err(_) => {
                printer::fatal(
                    &format!("{} is not UTF-8 text", path.display()),
                    Some("a description is a KDL 2.0 text file in UTF-8"),
                );
                None
            }
        },
        Err(err) => {
            let help = if path.is_dir() {
                format!("name the file: {}", path.join("windlass.kdl").display())
            } else {
                "give the path of a description, or run in a directory with windlass.kdl".to_owned()
            };
            printer::fatal(
                &format!("cannot read {}: {err}", path.display()),
                Some(&help),
            );
            None
        }
    }
}

/// The path as diagnostics show it, with `/` on every platform.
fn display_name(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// Compiles the description at `path` for an environment, reporting (exit 2) an environment the
/// description does not declare; the returned compilation then has no app.
fn compile_env(
    path: &Path,
    text: String,
    config: &crate::check::Config,
    env: Option<&str>,
) -> crate::Compilation {
    compile_to(path, text, config, env, crate::Goal::Manifests)
}

/// As [`compile_env`], as far as `goal`.
fn compile_to(
    path: &Path,
    text: String,
    config: &crate::check::Config,
    env: Option<&str>,
    goal: crate::Goal,
) -> crate::Compilation {
    let name = display_name(path);
    // An unknown environment is found by parsing alone. It is a usage error (exit 2) when the
    // description is otherwise sound; when it has errors, compiling reports them with this one.
    if let Some(env) = env
        && let Some(environments) = crate::environments(&name, path, text.clone())
        && !environments.iter().any(|e| e == env)
        && !crate::compile_to(
            &name,
            path,
            text.clone(),
            &FsLoader,
            config,
            None,
            crate::Goal::Findings,
        )
        .has_errors()
    {
        let help = if environments.is_empty() {
            "the description declares no environment; declare one with `environment NAME { … }`"
                .to_owned()
        } else {
            crate::diag::suggest_help(
                env,
                environments.iter().map(String::as_str),
                &format!("its environments are {}", environments.join(", ")),
            )
        };
        printer::fatal(
            &format!("{} has no environment `{env}`", path.display()),
            Some(&help),
        );
        return crate::Compilation {
            sources: crate::source::Sources::new(),
            app: None,
            manifests: Vec::new(),
            diagnostics: Vec::new(),
            environments,
        };
    }
    crate::compile_to(&name, path, text, &FsLoader, config, env, goal)
}
