//! The report as a pull-request comment (GitHub-flavoured Markdown): a table of counts per
//! class, the breaking and data-loss changes with their advice, the workloads that restart, and
//! one collapsible `<details>` per resource with its changes and a `diff` block of its YAML.
//!
//! GitHub refuses comments longer than 65,536 characters: past [`BUDGET`], resources are listed
//! by name only.

use std::fmt::Write as _;

use super::{class_summary, field_text, status_text, summary, value_text, yaml_diff};
use crate::diff::{Class, Report, ResourceDiff};

/// A marker a workflow can find the comment by, to update it instead of adding another.
const MARKER: &str = "<!-- windlass-diff -->";
/// The characters the comment may take before resources are listed by name only.
const BUDGET: usize = 60_000;
/// Values longer than this are cut in tables.
const VALUE_WIDTH: usize = 80;

/// The report as Markdown for a pull-request comment.
pub fn markdown(report: &Report) -> String {
    let mut out = format!("{MARKER}\n### Windlass diff\n\n");
    if report.is_empty() {
        let _ = writeln!(
            out,
            "No changes to the manifests ({} resources unchanged).",
            report.unchanged
        );
        return out;
    }
    let _ = writeln!(out, "**{}** — {}\n", summary(report), class_summary(report));
    out.push_str("| class | changes | meaning |\n|---|---:|---|\n");
    for (class, count) in Class::ALL.iter().zip(report.class_counts()) {
        let _ = writeln!(
            out,
            "| {} {} | {count} | {} |",
            icon(*class),
            class.label(),
            meaning(*class)
        );
    }
    out.push('\n');

    let dangerous: Vec<_> = report
        .resources
        .iter()
        .flat_map(|r| r.changes.iter().map(move |c| (r, c)))
        .filter(|(_, c)| c.class.is_dangerous())
        .collect();
    if !dangerous.is_empty() {
        out.push_str("#### Breaking and data-loss changes\n\n");
        for (resource, change) in dangerous {
            let mut item = format!(
                "- {} **{}** — `{}`",
                icon(change.class),
                change.class.label(),
                resource.key,
            );
            if change.path.is_empty() {
                let _ = write!(item, " {}", status_text(resource));
            } else {
                let _ = write!(
                    item,
                    " {}: {} → {}",
                    code(&change.path),
                    code(&value_text(change.old.as_ref(), VALUE_WIDTH)),
                    code(&value_text(change.new.as_ref(), VALUE_WIDTH))
                );
            }
            let _ = write!(item, "  \n  {}", change.reason);
            if let Some(advice) = &change.advice {
                let _ = write!(item, "  \n  **What to do:** {advice}");
            }
            item.push('\n');
            out.push_str(&item);
        }
        out.push('\n');
    }

    let restarts: Vec<String> = report.restarts().map(|k| format!("`{k}`")).collect();
    if !restarts.is_empty() {
        let _ = writeln!(
            out,
            "#### Restarts\n\nThe pods of these workloads are replaced: {}.\n",
            restarts.join(", ")
        );
    }

    out.push_str("#### Resources\n\n");
    let mut left_out = Vec::new();
    for resource in &report.resources {
        let section = details(resource);
        if out.len() + section.len() > BUDGET {
            left_out.push(resource);
        } else {
            out.push_str(&section);
        }
    }
    if !left_out.is_empty() {
        let _ = writeln!(
            out,
            "{} more resources are not shown, to keep this comment within GitHub's size limit; run `windlass diff` to see them:\n",
            left_out.len()
        );
        for resource in left_out {
            let line = format!(
                "- {} {} `{}` {}\n",
                icon(resource.class),
                resource.class.label(),
                resource.key,
                status_text(resource)
            );
            if out.len() + line.len() > BUDGET {
                out.push_str("- …\n");
                break;
            }
            out.push_str(&line);
        }
    }
    out
}

/// One resource: a collapsible section with a table of its changes and its YAML diff.
fn details(resource: &ResourceDiff) -> String {
    let mut out = format!(
        "<details>\n<summary>{} <b>{}</b> <code>{}</code> {}</summary>\n\n",
        icon(resource.class),
        resource.class.label(),
        html(&resource.key.to_string()),
        html(&status_text(resource)),
    );
    out.push_str("| class | field | before | after | why |\n|---|---|---|---|---|\n");
    for change in &resource.changes {
        let (field, before, after) = if change.path.is_empty() {
            (
                html(&field_text(&change.path, resource)),
                String::new(),
                String::new(),
            )
        } else {
            (
                code(&change.path),
                code(&value_text(change.old.as_ref(), VALUE_WIDTH)),
                code(&value_text(change.new.as_ref(), VALUE_WIDTH)),
            )
        };
        let _ = writeln!(
            out,
            "| {} | {field} | {before} | {after} | {} |",
            change.class.label(),
            cell(&change.reason),
        );
    }
    let diff = yaml_diff(resource);
    if !diff.is_empty() {
        let fence = fence(&diff);
        let _ = write!(out, "\n{fence}diff\n{diff}");
        if !diff.ends_with('\n') {
            out.push('\n');
        }
        let _ = writeln!(out, "{fence}");
    }
    out.push_str("\n</details>\n\n");
    out
}

fn icon(class: Class) -> &'static str {
    match class {
        Class::Breaking => "🛑",
        Class::DataLoss => "🔥",
        Class::Attention => "⚠️",
        Class::Rollout => "🔄",
        Class::Safe => "✅",
    }
}

fn meaning(class: Class) -> &'static str {
    match class {
        Class::Breaking => "`kubectl apply` will fail",
        Class::DataLoss => "deletes data or starts over with an empty volume",
        Class::Attention => "applies; a reviewer should look",
        Class::Rollout => "applies; pods restart",
        Class::Safe => "applies in place",
    }
}

/// A value as inline code that survives a table cell: HTML `<code>`, escaped.
fn code(text: &str) -> String {
    format!("<code>{}</code>", html(text).replace('|', "&#124;"))
}

/// Text in a table cell: pipes escaped, no line breaks.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A code fence longer than any run of backticks in `text`.
fn fence(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    "`".repeat(longest.max(2) + 1)
}
