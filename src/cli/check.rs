//! `windlass check`: compile, run every rule, validate the objects, report; write nothing.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use windlass::diag::{Diagnostic, Located, Severity, format};
use windlass::{Goal, Options, every_env};

use super::{Outcome, RuleArgs, loader, printer};

/// How findings are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// miette reports with the KDL snippet, on stderr.
    Human,
    /// One JSON object per finding, in an array, on stdout.
    Json,
    /// SARIF 2.1.0 on stdout, for code-scanning tools.
    Sarif,
    /// GitHub Actions workflow commands on stdout: annotations on the pull request's lines.
    Github,
}

/// Arguments of `check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The descriptions to check (default: windlass.kdl).
    pub files: Vec<PathBuf>,
    /// How findings are written.
    #[arg(long, value_enum, default_value = "human")]
    pub format: CheckFormat,
    /// Check only this environment; without it, the base app and every environment are checked.
    #[arg(long, value_name = "NAME")]
    pub env: Option<String>,
    /// Rules raised to errors and silenced.
    #[command(flatten)]
    pub rules: RuleArgs,
}

/// Runs `check`.
pub fn run(args: &CheckArgs) -> Outcome {
    let Some(config) = args.rules.config() else {
        return Outcome::CouldNotRun;
    };
    let files: Vec<Option<&std::path::Path>> = if args.files.is_empty() {
        vec![None]
    } else {
        args.files.iter().map(|f| Some(f.as_path())).collect()
    };
    let options = Options {
        config,
        env: args.env.clone(),
        goal: Goal::Findings,
    };
    let mut findings: Vec<Located> = Vec::new();
    let mut human = String::new();
    let color = printer::color_stderr();
    let mut could_not_run = false;
    let mut checked = Vec::new();
    for file in files {
        let Some(input) = loader::read_description(file) else {
            could_not_run = true;
            continue;
        };
        let shown = input.path.display().to_string();
        // With no --env, the base app and every environment are checked.
        let found = match args.env.as_deref() {
            None => every_env::findings(&input, &options, &loader::FsLoader),
            Some(env) => {
                let Some(c) = super::compile(input, &options) else {
                    could_not_run = true;
                    continue;
                };
                let mut merged = every_env::Merged::default();
                merged.add(c, Some(env));
                merged.finish()
            }
        };
        checked.push(shown);
        if args.format == CheckFormat::Human {
            let diags: Vec<Diagnostic> = found.iter().map(|f| f.diagnostic.clone()).collect();
            human.push_str(&format::human(&diags, color));
        }
        findings.extend(found);
    }
    let all: Vec<Diagnostic> = findings.iter().map(|f| f.diagnostic.clone()).collect();
    let errors = all.iter().any(|d| d.severity == Severity::Error);
    let warnings = all.iter().any(|d| d.severity == Severity::Warning);
    let failed = errors || (args.rules.deny_warnings() && warnings);
    match args.format {
        CheckFormat::Human => {
            printer::err(&human);
            let outcome = if failed {
                "check failed".to_owned()
            } else {
                format!("checked {}", checked.join(", "))
            };
            if !could_not_run || !all.is_empty() {
                printer::err(&format!("{}\n", format::summary(&all, &outcome)));
            }
        }
        CheckFormat::Json => printer::out(&format::json(&findings)),
        CheckFormat::Sarif => printer::out(&windlass::check::sarif::sarif(&findings)),
        CheckFormat::Github => printer::out(&format::github(&findings)),
    }
    if could_not_run {
        Outcome::CouldNotRun
    } else if failed {
        Outcome::InputErrors
    } else {
        Outcome::Ok
    }
}
