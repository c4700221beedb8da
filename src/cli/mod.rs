//! The command line: argument parsing, one file per subcommand, the file-system loader and the
//! printer. A module of the binary, not of the library: the compiler cannot reach it, and it is
//! the only code that touches the file system and the terminal.

mod build;
mod check;
mod diff;
mod explain;
mod files;
mod fmt;
mod git;
mod graph;
mod loader;
mod output_dir;
mod printer;
mod set_image;

use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use windlass::{Compilation, Input, Options};

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
    /// Set a workload's image tag (or digest) in the description, keeping its layout and comments.
    SetImage(set_image::SetImageArgs),
    /// Start, weigh, promote or abort a workload's canary, editing the description in place.
    Canary(set_image::CanaryArgs),
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
    pub fn config(&self) -> Option<windlass::check::Config> {
        use windlass::check::registry;
        let mut config = windlass::check::Config::default();
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
                        windlass::diag::suggest_help(
                            code,
                            known,
                            "`windlass explain` lists the rules",
                        )
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
        Command::Canary(args) => set_image::run_canary(&args),
    }
}

/// Compiles `input` with imports read from the file system; `None`, reported (exit 2), when
/// `options.env` names an environment that the otherwise sound description does not declare.
fn compile(input: Input, options: &Options) -> Option<Compilation> {
    let path = input.path.clone();
    let compilation = windlass::compile(input, options, &loader::FsLoader);
    if let Some(unknown) = &compilation.unknown_env {
        printer::fatal(
            &format!("{} has no environment `{}`", path.display(), unknown.name),
            Some(&unknown.help),
        );
        return None;
    }
    Some(compilation)
}
