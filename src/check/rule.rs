//! What a rule is. [`declare_rule!`](crate::declare_rule) declares it: a code, a default
//! severity, a one-line summary, and its doc comment as its documentation. The rule's file
//! implements [`Rule::check`], which only reports: what is wrong, where (labels), and how to fix
//! it (help). The runner turns each [`Finding`] into a [`Diagnostic`] with the rule's code and the
//! severity the configuration gives it.

use crate::diag::{Diagnostic, Label, Severity};
use crate::model::{App, Workload};
use crate::source::Span;

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

/// A rule's identity, implemented by [`declare_rule!`](crate::declare_rule) and never by hand.
pub trait Declared {
    /// The rule's code, default severity, summary and documentation.
    fn meta(&self) -> &'static RuleMeta;
}

/// A lint rule over the application model: `declare_rule!` gives its identity, its file the check.
pub trait Rule: Declared + Sync {
    /// Reports what the rule finds; the runner adds code and severity and applies suppressions.
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

    /// [`Context::workloads`] as they run: each version of a workload with versions (its own
    /// image, env, resources and replicas over the workload's), the others as they are. What a
    /// version shares with its workload is found once per version, at one place: the runner
    /// reports it once.
    pub fn runs(&self) -> impl Iterator<Item = &'a Workload> + 'a {
        self.workloads().flat_map(|w| {
            let runs: Box<dyn Iterator<Item = &'a Workload>> = if w.runs_itself() {
                Box::new(std::iter::once(w))
            } else {
                Box::new(w.versions.iter())
            };
            runs
        })
    }
}

/// One thing a rule found: what is wrong, where, and how to fix it.
#[derive(Debug)]
pub struct Finding {
    /// The workload it is about, whose `allow` silences it; `None` for the app as a whole.
    pub(super) workload: Option<String>,
    message: String,
    labels: Vec<Label>,
    help: Option<String>,
}

impl Finding {
    /// What makes two findings one: the same message at the same place (a version repeating
    /// what it shares with its workload).
    pub(super) fn key(&self) -> (String, Option<(crate::source::FileId, u32, u32)>) {
        // Spans compare equal whatever they cover (models compare by content): compare where.
        let at = self
            .labels
            .first()
            .map(|l| (l.span.file, l.span.start, l.span.end));
        (self.message.clone(), at)
    }

    /// Points at a span and says what is there; the first label is the primary one.
    pub fn label(&mut self, span: Span, text: impl Into<String>) -> &mut Self {
        self.labels.push(Label {
            span,
            text: text.into(),
        });
        self
    }

    /// Says how to fix it.
    pub fn help(&mut self, help: impl Into<String>) -> &mut Self {
        self.help = Some(help.into());
        self
    }

    /// The diagnostic the runner reports, with the rule's code and the configured severity.
    pub(super) fn into_diagnostic(self, code: &'static str, severity: Severity) -> Diagnostic {
        let mut diagnostic = Diagnostic::new(code, severity, self.message);
        diagnostic.labels = self.labels;
        diagnostic.help = self.help;
        diagnostic
    }
}

/// The findings of one rule, in the order it reported them.
#[derive(Default)]
pub struct Findings {
    pub(super) list: Vec<Finding>,
}

impl Findings {
    /// A finding about a workload, saying what is wrong; `allow` in that workload's block
    /// silences it. Add where (`.label(…)`) and how to fix it (`.help(…)`) to what it returns.
    pub fn push(&mut self, workload: &Workload, message: impl Into<String>) -> &mut Finding {
        self.add(Some(workload.name.clone()), message.into())
    }

    /// A finding about the app as a whole; only an app-level `allow` silences it.
    pub fn push_app(&mut self, message: impl Into<String>) -> &mut Finding {
        self.add(None, message.into())
    }

    fn add(&mut self, workload: Option<String>, message: String) -> &mut Finding {
        self.list.push(Finding {
            workload,
            message,
            labels: Vec::new(),
            help: None,
        });
        let last = self.list.len() - 1; // Just pushed: the list is not empty.
        &mut self.list[last]
    }
}

/// Declares a rule: a unit struct whose doc comment is its documentation, and its [`Declared`]
/// identity. The rule's file then implements [`Rule`], that is its `check`.
///
/// The doc comment must have the sections `## What it does`, `## Why is this bad?`,
/// `## Example` and `## Use instead`; a test checks every rule for them, and another compiles
/// their `kdl` blocks: the example must trigger the rule, what to use instead must not.
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

        impl $crate::check::Declared for $name {
            fn meta(&self) -> &'static $crate::check::RuleMeta {
                const META: $crate::check::RuleMeta = $crate::check::RuleMeta {
                    code: $code,
                    severity: $crate::diag::Severity::$severity,
                    summary: $summary,
                    doc: concat!($($doc, "\n"),*),
                };
                &META
            }
        }
    };
}
