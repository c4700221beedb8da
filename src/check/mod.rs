//! Check: lint rules over the whole model, what the resolution of single nodes cannot see.
//!
//! Each rule lives in `rules/`, one file each, declared with
//! [`declare_rule!`](crate::declare_rule) and listed in [`registry`]. A rule only reports what it
//! finds ([`Findings`]); the runner makes each finding a diagnostic with the rule's code and its
//! severity — the rule's default, or what the command line's `--deny`/`--allow` say — and drops
//! those the description's `allow CODE reason="…"` (on the workload or the app) silences.
//! Workloads whose description already had errors are skipped, so a mistake is reported once,
//! not again as its consequence.

#[cfg(test)]
mod doc_examples;
pub mod environments;
mod references;
pub mod registry;
mod rule;
pub mod rules;
pub mod sarif;

use std::collections::{BTreeSet, HashMap};

pub use rule::{Context, Declared, Finding, Findings, Rule, RuleMeta};

use crate::diag::suggest_help;
use crate::diag::{Diagnostic, Diagnostics, Severity, codes};
use crate::model::{Allow, App, Workload};

/// What the command line says about rules.
#[derive(Clone, Debug, Default)]
pub struct Config {
    /// Codes raised to errors (`--deny CODE`).
    pub deny: BTreeSet<String>,
    /// Codes not reported (`--allow CODE`).
    pub allow: BTreeSet<String>,
}

impl Config {
    /// The severity a rule's findings get.
    fn severity(&self, meta: &RuleMeta) -> Option<Severity> {
        if self.deny.contains(meta.code) {
            Some(Severity::Error)
        } else if self.allow.contains(meta.code) {
            None
        } else {
            Some(meta.severity)
        }
    }
}

/// Runs every rule on a resolved application.
pub fn check(app: &App, config: &Config) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let workload_allows = app.workloads.iter().flat_map(|w| &w.allows);
    for allow in app.allows.iter().chain(workload_allows) {
        validate_allow(allow, &mut diags);
    }
    let cx = Context { app };
    // Findings name their workload; one lookup each, not a search (thousands of workloads can
    // each have a finding).
    // (Reversed, so that of two workloads with one name, an error already, the first counts.)
    let by_name: HashMap<&str, &Workload> = app
        .workloads
        .iter()
        .rev()
        .map(|w| (w.name.as_str(), w))
        .collect();
    for rule in registry::RULES {
        let meta = rule.meta();
        let Some(severity) = config.severity(meta) else {
            continue;
        };
        let mut findings = Findings::default();
        rule.check(&cx, &mut findings);
        let mut seen = std::collections::HashSet::new();
        for finding in findings.list {
            if !seen.insert(finding.key()) {
                continue;
            }
            let allowed_here = |allows: &[Allow]| {
                allows
                    .iter()
                    .any(|a| a.code == meta.code && a.reason.is_some())
            };
            let on_workload = finding
                .workload
                .as_deref()
                .and_then(|name| by_name.get(name))
                .is_some_and(|w| allowed_here(&w.allows));
            if on_workload || allowed_here(&app.allows) {
                continue;
            }
            diags.push(finding.into_diagnostic(meta.code, severity));
        }
    }
    diags
}

/// An `allow` names a rule and says why.
fn validate_allow(allow: &Allow, diags: &mut Diagnostics) {
    if registry::rule(&allow.code).is_none() {
        let (message, help) = if registry::compiler_code(&allow.code).is_some() {
            (
                format!(
                    "`{}` is an error of the language and cannot be allowed",
                    allow.code
                ),
                "fix the description; only lint rules can be silenced".to_owned(),
            )
        } else {
            (
                format!("there is no rule `{}`", allow.code),
                suggest_help(
                    &allow.code,
                    registry::RULES.iter().map(|r| r.meta().code),
                    "`windlass explain` lists the rules",
                ),
            )
        };
        diags.push(
            Diagnostic::error(codes::UNKNOWN_RULE, message)
                .label(allow.span, "unknown rule")
                .help(help),
        );
        return;
    }
    if allow.reason.is_none() {
        diags.push(
            Diagnostic::error(
                codes::ALLOW_WITHOUT_REASON,
                format!("`allow {}` gives no reason", allow.code),
            )
            .label(allow.span, "why does it not apply here?")
            .help(format!(
                "say why, for the reviewer: `allow {} reason=\"…\"`",
                allow.code
            )),
        );
    }
}
