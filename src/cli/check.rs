//! `windlass check`: compile, run every rule, validate the objects, report; write nothing.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::{Outcome, RuleArgs};
use crate::diag::{Diagnostic, Severity};
use crate::printer::{self, Location};

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
    let mut findings: Vec<(Diagnostic, Option<Location>)> = Vec::new();
    let mut human = String::new();
    let color = printer::color_stderr();
    let mut could_not_run = false;
    let mut checked = Vec::new();
    for file in files {
        let Some((path, text)) = super::read_description(file) else {
            could_not_run = true;
            continue;
        };
        // With no --env, the base app and every environment are checked.
        let found = match args.env.as_deref() {
            None => {
                let name = super::display_name(&path);
                crate::check_every_env(&name, &path, &text, &super::FsLoader, &config)
            }
            Some(env) => {
                let c = super::compile_to(&path, text, &config, Some(env), crate::Goal::Findings);
                if c.app.is_none() && !c.has_errors() {
                    could_not_run = true;
                    continue;
                }
                let mut found = crate::Findings::new();
                crate::merge_findings(&mut found, c, Some(env));
                found
            }
        };
        checked.push(path.display().to_string());
        if args.format == CheckFormat::Human {
            let diags: Vec<Diagnostic> = found.iter().map(|(d, _)| d.clone()).collect();
            human.push_str(&printer::human(&diags, color));
        }
        findings.extend(found);
    }
    let refs: Vec<(&Diagnostic, Option<Location>)> =
        findings.iter().map(|(d, l)| (d, l.clone())).collect();
    let all: Vec<Diagnostic> = findings.iter().map(|(d, _)| d.clone()).collect();
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
                printer::err(&format!("{}\n", printer::summary(&all, &outcome)));
            }
        }
        CheckFormat::Json => printer::out(&printer::json(&refs)),
        CheckFormat::Sarif => printer::out(&printer::sarif(&refs)),
        CheckFormat::Github => printer::out(&printer::github(&refs)),
    }
    if could_not_run {
        Outcome::CouldNotRun
    } else if failed {
        Outcome::InputErrors
    } else {
        Outcome::Ok
    }
}
