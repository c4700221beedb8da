//! The one diagnostic type, its codes, and the collector every stage reports into.

pub mod format;
mod suggest;

use std::fmt;

use miette::{LabeledSpan, SourceCode};

use crate::source::{Location, Snippet, Sources, Span};
pub use suggest::{did_you_mean, suggest_help};

/// How bad a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Stops the compilation.
    Error,
    /// Reported; the output is still written.
    Warning,
    /// Information that helps read the output.
    Note,
}

impl Severity {
    /// The name used in machine-readable output.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

/// A span with a message attached, shown under the source line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What to say there.
    pub text: String,
}

/// A finding on the KDL source: a stable code, a one-line message, labels and a help line.
#[derive(Clone, Debug)]
pub struct Diagnostic {
    /// Stable code, see [`codes`].
    pub code: &'static str,
    /// Error, warning or note.
    pub severity: Severity,
    /// One line saying what is wrong.
    pub message: String,
    /// The primary label comes first.
    pub labels: Vec<Label>,
    /// How to fix it.
    pub help: Option<String>,
    source: Option<Snippet>,
}

impl Diagnostic {
    /// A new finding of the given severity.
    pub fn new(code: &'static str, severity: Severity, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity,
            message: message.into(),
            labels: Vec::new(),
            help: None,
            source: None,
        }
    }

    /// A new error.
    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic::new(code, Severity::Error, message)
    }

    /// A new warning.
    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic::new(code, Severity::Warning, message)
    }

    /// Adds a label on a span.
    #[must_use]
    pub fn label(mut self, span: Span, text: impl Into<String>) -> Self {
        self.labels.push(Label {
            span,
            text: text.into(),
        });
        self
    }

    /// Sets the help line.
    #[must_use]
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The primary span, if the finding is on the source.
    pub fn span(&self) -> Option<Span> {
        self.labels.first().map(|l| l.span)
    }

    /// Attaches the text of the primary label's file, so `miette` can show the snippet.
    pub fn with_source(mut self, sources: &Sources) -> Self {
        self.source = self.span().and_then(|s| sources.named(s.file));
        self
    }

    /// Whether the snippet would be unreadably wide: the line under the primary label is longer
    /// than `max` bytes (a minified value, a whole file on one line).
    pub fn snippet_too_wide(&self, max: usize) -> bool {
        let (Some(source), Some(span)) = (&self.source, self.span()) else {
            return false;
        };
        let text = source.text();
        let at = (span.start as usize).min(text.len());
        let start = text.as_bytes()[..at]
            .iter()
            .rposition(|b| *b == b'\n')
            .map_or(0, |i| i + 1);
        let end = text.as_bytes()[at..]
            .iter()
            .position(|b| *b == b'\n')
            .map_or(text.len(), |i| at + i);
        end - start > max
    }

    /// The diagnostic without its snippet: the file, line and column go into the message.
    pub fn without_snippet(mut self) -> Self {
        if let (Some(source), Some(span)) = (&self.source, self.span()) {
            let text = source.text();
            let mut at = (span.start as usize).min(text.len());
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            let before = &text[..at];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            self.message = format!("{} (at {}:{line}:{column})", self.message, source.name());
        }
        self.source = None;
        self
    }

    /// Whether this stops the compilation.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Diagnostic {}

impl miette::Diagnostic for Diagnostic {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Note => miette::Severity::Advice,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let primary = self.span()?.file;
        // miette shows one source per diagnostic: labels in other files would point at wrong text.
        let labels = self
            .labels
            .iter()
            .enumerate()
            .filter(move |(_, l)| l.span.file == primary);
        Some(Box::new(labels.map(|(i, l)| {
            let text = (!l.text.is_empty()).then(|| l.text.clone());
            if i == 0 {
                LabeledSpan::new_primary_with_span(text, l.span.to_miette())
            } else {
                LabeledSpan::new_with_span(text, l.span.to_miette())
            }
        })))
    }
}

/// A finding with its place, once the sources it points into are gone: what `check` reports.
#[derive(Clone, Debug)]
pub struct Located {
    /// The finding.
    pub diagnostic: Diagnostic,
    /// Where it points, if into a file.
    pub location: Option<Location>,
}

/// Collects the findings of a stage: stages report every problem, not just the first.
#[derive(Clone, Debug, Default)]
pub struct Diagnostics {
    list: Vec<Diagnostic>,
    errors: usize,
}

impl Diagnostics {
    /// No findings yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a finding.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.errors += usize::from(diagnostic.is_error());
        self.list.push(diagnostic);
    }

    /// Adds every finding of another collector.
    pub fn extend(&mut self, other: Diagnostics) {
        self.errors += other.errors;
        self.list.extend(other.list);
    }

    /// Whether any finding is an error.
    pub fn has_errors(&self) -> bool {
        self.errors > 0
    }

    /// How many findings are errors.
    pub fn error_count(&self) -> usize {
        self.errors
    }

    /// Whether there are no findings.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The findings in the order they were reported.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.list.iter()
    }

    /// The findings sorted by file and offset, each carrying its source text, duplicates removed.
    pub fn into_sorted(self, sources: &Sources) -> Vec<Diagnostic> {
        let mut list = self.list;
        list.sort_by(|a, b| {
            let key = |d: &Diagnostic| d.span().map(Span::key);
            key(a)
                .cmp(&key(b))
                .then_with(|| a.code.cmp(b.code))
                .then_with(|| a.message.cmp(&b.message))
        });
        list.dedup_by(|a, b| {
            a.code == b.code
                && a.message == b.message
                && a.span().map(Span::key) == b.span().map(Span::key)
        });
        list.into_iter().map(|d| d.with_source(sources)).collect()
    }
}

/// Stable diagnostic codes. A code is never reused for another meaning.
pub mod codes {
    /// The text is not valid KDL 2.0.
    pub const SYNTAX: &str = "syntax";
    /// A node name the language does not have in this place.
    pub const UNKNOWN_NODE: &str = "unknown-node";
    /// A property name the node does not take.
    pub const UNKNOWN_PROPERTY: &str = "unknown-property";
    /// A required argument or property is missing.
    pub const MISSING_VALUE: &str = "missing-value";
    /// More arguments than the node takes.
    pub const UNEXPECTED_ARGUMENT: &str = "unexpected-argument";
    /// A value of the wrong type (a string where a number is expected, ...).
    pub const INVALID_TYPE: &str = "invalid-type";
    /// A value outside the allowed set or range.
    pub const INVALID_VALUE: &str = "invalid-value";
    /// A Kubernetes quantity that does not parse (`"1Gb"`).
    pub const INVALID_QUANTITY: &str = "invalid-quantity";
    /// A duration that does not parse.
    pub const INVALID_DURATION: &str = "invalid-duration";
    /// A name that is not a DNS-1123 label.
    pub const INVALID_NAME: &str = "invalid-name";
    /// A name too long for the object it becomes.
    pub const NAME_TOO_LONG: &str = "name-too-long";
    /// Two things of the same kind with the same name.
    pub const DUPLICATE_NAME: &str = "duplicate-name";
    /// A node given twice where it may appear once.
    pub const DUPLICATE_NODE: &str = "duplicate-node";
    /// Two environments of one cluster that would write or serve the same thing.
    pub const ENVIRONMENT_COLLISION: &str = "environment-collision";
    /// A `route`, `uses` or probe port that names nothing.
    pub const UNKNOWN_TARGET: &str = "unknown-target";
    /// A component or engine that does not exist.
    pub const UNKNOWN_COMPONENT: &str = "unknown-component";
    /// A component instance without a required parameter.
    pub const MISSING_PARAMETER: &str = "missing-parameter";
    /// A component instance with a parameter the component does not declare.
    pub const UNKNOWN_PARAMETER: &str = "unknown-parameter";
    /// A database without a persistent volume.
    pub const DATABASE_WITHOUT_STORAGE: &str = "database-without-storage";
    /// An image reference that does not parse.
    pub const INVALID_IMAGE: &str = "invalid-image";
    /// A workload that needs an image and has none.
    pub const MISSING_IMAGE: &str = "missing-image";
    /// An import that could not be read or is not allowed.
    pub const IMPORT_FAILED: &str = "import-failed";
    /// Files that import each other.
    pub const IMPORT_CYCLE: &str = "import-cycle";
    /// A description without an `app`, or with two.
    pub const APP_COUNT: &str = "app-count";
    /// Input beyond what the compiler reads: too large, or nested too deeply.
    pub const LIMIT: &str = "limit";
    /// `allow` names a code that is not a rule.
    pub const UNKNOWN_RULE: &str = "unknown-rule";
    /// `allow` without `reason=`.
    pub const ALLOW_WITHOUT_REASON: &str = "allow-without-reason";

    /// Every code above, for the registry's completeness test.
    pub const ALL: &[&str] = &[
        SYNTAX,
        UNKNOWN_NODE,
        UNKNOWN_PROPERTY,
        MISSING_VALUE,
        UNEXPECTED_ARGUMENT,
        INVALID_TYPE,
        INVALID_VALUE,
        INVALID_QUANTITY,
        INVALID_DURATION,
        INVALID_NAME,
        NAME_TOO_LONG,
        DUPLICATE_NAME,
        DUPLICATE_NODE,
        ENVIRONMENT_COLLISION,
        UNKNOWN_TARGET,
        UNKNOWN_COMPONENT,
        MISSING_PARAMETER,
        UNKNOWN_PARAMETER,
        DATABASE_WITHOUT_STORAGE,
        INVALID_IMAGE,
        MISSING_IMAGE,
        IMPORT_FAILED,
        IMPORT_CYCLE,
        APP_COUNT,
        LIMIT,
        UNKNOWN_RULE,
        ALLOW_WITHOUT_REASON,
    ];
}
