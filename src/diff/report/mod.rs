//! The three ways a [`Report`] is shown: [`human`] for a terminal, [`markdown`] for a
//! pull-request comment, [`json`] for programs. Each returns a `String`; the CLI prints it.

mod human;
mod json;
mod markdown;

pub use human::human;
pub use json::json;
pub use markdown::markdown;

use serde_json::Value;
use similar::TextDiff;

use super::{Class, Report, ResourceDiff, Section, Status};

/// Lines of context around each change in the YAML diffs.
const CONTEXT: usize = 3;

/// One line about the resources: `1 added, 2 changed, 1 removed; 9 unchanged`, or
/// `no changes; 14 unchanged`.
pub fn summary(report: &Report) -> String {
    counts_text(report.status_counts(), report.unchanged)
}

fn counts_text(counts: super::StatusCounts, unchanged: usize) -> String {
    let parts: Vec<String> = [
        (counts.added, "added"),
        (counts.changed, "changed"),
        (counts.removed, "removed"),
        (counts.renamed, "renamed"),
    ]
    .iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, word)| format!("{n} {word}"))
    .collect();
    let what = if parts.is_empty() {
        "no changes".to_owned()
    } else {
        parts.join(", ")
    };
    format!("{what}; {unchanged} unchanged")
}

/// One line about every section together: `the app and 2 environments: 3 changed, 1 removed;
/// 40 unchanged`.
pub fn overall_summary(sections: &[Section]) -> String {
    let environments = sections.iter().filter(|s| s.env.is_some()).count();
    let what = match (sections.iter().any(|s| s.env.is_none()), environments) {
        (true, 0) => "the app".to_owned(),
        (true, n) => format!("the app and {n} environment{}", plural(n)),
        (false, n) => format!("{n} environment{}", plural(n)),
    };
    let unchanged = sections.iter().map(|s| s.report.unchanged).sum();
    let counts = sections
        .iter()
        .fold(super::StatusCounts::default(), |mut c, s| {
            let n = s.report.status_counts();
            c.added += n.added;
            c.changed += n.changed;
            c.removed += n.removed;
            c.renamed += n.renamed;
            c
        });
    format!("{what}: {}", counts_text(counts, unchanged))
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// What a pruning apply of a section deletes, and the command: `None` when nothing is removed
/// or the apply is not known.
pub fn prune_line(section: &Section) -> Option<String> {
    let apply = section.apply.as_ref()?;
    let n = section.report.deleted().count();
    (n > 0).then(|| {
        format!(
            "the pruning apply deletes {n} object{} no longer in the output: {}",
            plural(n),
            apply.command()
        )
    })
}

/// When a section's namespace is new, what the first pruning apply needs first: kubectl writes
/// the ApplySet's parent Secret into the namespace before it applies anything, the Namespace
/// included.
pub fn first_apply_line(section: &Section) -> Option<String> {
    let apply = section.apply.as_ref()?;
    let new_namespace = section.report.resources.iter().any(|r| {
        r.status == Status::Added && r.key.kind == "Namespace" && r.key.name == apply.set.namespace
    });
    new_namespace.then(|| {
        format!(
            "namespace `{ns}` is new: create it before the first pruning apply (`kubectl create namespace {ns}`), since kubectl keeps the ApplySet's parent Secret in it",
            ns = apply.set.namespace
        )
    })
}

/// The number of changes per class, the classes with none left out: `1 breaking, 3 rollout`.
pub fn class_summary(report: &Report) -> String {
    let counts = report.class_counts();
    Class::ALL
        .iter()
        .zip(counts)
        .filter(|(_, n)| *n > 0)
        .map(|(class, n)| format!("{n} {}", class.label()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What happened to a resource, in words: `changed`, `renamed from Deployment shop/orders`.
fn status_text(resource: &ResourceDiff) -> String {
    match &resource.status {
        Status::Renamed { from } => format!("renamed from {from}"),
        other => other.label().to_owned(),
    }
}

/// The unified diff of a resource's YAML, without file headers; empty when the text is the same.
fn yaml_diff(resource: &ResourceDiff) -> String {
    let text = |v: &Option<Value>| v.as_ref().map(crate::yaml::to_string).unwrap_or_default();
    let (before, after) = (text(&resource.before), text(&resource.after));
    TextDiff::from_lines(&before, &after)
        .unified_diff()
        .context_radius(CONTEXT)
        .missing_newline_hint(false)
        .to_string()
}

/// A value in a line of text: `(none)` when absent, strings bare (`""` when empty, the first line
/// and `…` when they have several), anything else as compact JSON, cut at `max` characters.
fn value_text(value: Option<&Value>, max: usize) -> String {
    let text = match value {
        None => return "(none)".to_owned(),
        Some(Value::String(s)) if s.is_empty() => "\"\"".to_owned(),
        Some(Value::String(s)) => match s.split_once('\n') {
            Some((first, _)) => format!("{first}…"),
            None => s.clone(),
        },
        Some(other) => other.to_string(),
    };
    if text.chars().count() > max {
        let cut: String = text.chars().take(max.saturating_sub(1)).collect();
        format!("{cut}…")
    } else {
        text
    }
}

/// The field of a change in a line of text: its path, or what happened to the whole resource.
fn field_text(path: &str, resource: &ResourceDiff) -> String {
    if path.is_empty() {
        format!("(resource {})", status_text(resource))
    } else {
        path.to_owned()
    }
}
