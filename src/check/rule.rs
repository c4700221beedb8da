//! What a rule is: a code, a default severity, a one-line summary, its documentation, and a
//! `check` over the model.

use crate::diag::{Diagnostic, Severity};
use crate::model::{App, Workload};

/// A rule's identity and documentation, fixed at compile time.
#[derive(Debug)]
pub struct RuleMeta {
    /// Stable code, never reused (`nodeport-range`).
    pub code: &'static str,
    /// Severity unless the command line or the description says otherwise.
    pub severity: Severity,
    /// One line: what it catches.
    pub summary: &'static str,
    /// Markdown: What it does / Why is this bad? / Example / Use instead (and counterparts in
    /// other linters). `windlass explain CODE` prints it.
    pub doc: &'static str,
}

/// A lint rule over the application model.
pub trait Rule: Sync {
    /// The rule's identity.
    fn meta(&self) -> &'static RuleMeta;
    /// Reports what the rule finds; the runner applies severity and suppressions.
    fn check(&self, cx: &Context<'_>, out: &mut Findings);
}

/// What a rule sees.
pub struct Context<'a> {
    /// The application; workloads with errors in their description are left out of
    /// [`Context::workloads`].
    pub app: &'a App,
}

impl<'a> Context<'a> {
    /// The workloads a rule should look at: those whose description had no errors.
    pub fn workloads(&self) -> impl Iterator<Item = &'a Workload> + 'a {
        let app = self.app;
        app.workloads
            .iter()
            .filter(move |w| !app.incomplete.contains(&w.name))
    }
}

/// The findings of one rule, each tied to the workload it is about (for `allow` on a workload).
#[derive(Default)]
pub struct Findings {
    pub(super) list: Vec<(Option<String>, Diagnostic)>,
}

impl Findings {
    /// A finding about a workload; `allow` in that workload's block silences it.
    pub fn push(&mut self, workload: &Workload, diagnostic: Diagnostic) {
        self.list.push((Some(workload.name.clone()), diagnostic));
    }

    /// A finding about the app as a whole; only an app-level `allow` silences it.
    pub fn push_app(&mut self, diagnostic: Diagnostic) {
        self.list.push((None, diagnostic));
    }
}

/// Declares a rule: a unit struct whose doc comment is its documentation, and its `META`.
///
/// The doc comment must have the sections `## What it does`, `## Why is this bad?`,
/// `## Example` and `## Use instead`; a test checks every rule for them.
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        pub struct $name:ident {
            code: $code:literal,
            severity: $severity:ident,
            summary: $summary:literal $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        pub struct $name;

        impl $name {
            /// The rule's code, severity and documentation.
            pub const META: $crate::check::RuleMeta = $crate::check::RuleMeta {
                code: $code,
                severity: $crate::diag::Severity::$severity,
                summary: $summary,
                doc: concat!($($doc, "\n"),*),
            };
        }
    };
}
