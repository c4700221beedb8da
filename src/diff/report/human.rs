//! The report for a terminal: a summary, then per resource its changed fields (old → new) with
//! their class and reason, and a unified diff of its YAML.

use std::fmt::Write as _;

use super::{
    class_summary, field_text, first_apply_line, overall_summary, prune_line, status_text, summary,
    value_text, yaml_diff,
};
use crate::diff::{Class, Section};

/// Values longer than this are cut in the list of changed fields (the YAML diff has them whole).
const VALUE_WIDTH: usize = 60;
/// The column the reason and advice lines start in.
const INDENT: &str = "             ";

/// ANSI styles, or nothing when colour is off.
struct Style {
    color: bool,
}

impl Style {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    fn class(&self, class: Class, text: &str) -> String {
        let code = match class {
            Class::Breaking => "1;31",
            Class::DataLoss => "1;35",
            Class::Attention => "1;33",
            Class::Rollout => "36",
            Class::Safe => "32",
        };
        self.paint(code, text)
    }
}

/// The report as a person reads it in a terminal; `color` adds ANSI colours. The base app alone
/// reads as one report; with environments, a line of totals comes first, then a section each.
pub fn human(sections: &[Section], color: bool) -> String {
    let style = Style { color };
    let mut out = String::new();
    if let [section] = sections
        && section.env.is_none()
    {
        let _ = writeln!(
            out,
            "{}",
            style.paint("1", &format!("windlass diff: {}", summary(&section.report)))
        );
        body(&mut out, section, &style);
        return out;
    }
    let _ = writeln!(
        out,
        "{}",
        style.paint(
            "1",
            &format!("windlass diff: {}", overall_summary(sections))
        )
    );
    for section in sections {
        let _ = writeln!(
            out,
            "\n{}",
            style.paint(
                "1",
                &format!("── {}: {}", section.title(), summary(&section.report))
            )
        );
        body(&mut out, section, &style);
    }
    out
}

/// A section's report after its summary line.
fn body(out: &mut String, section: &Section, style: &Style) {
    let report = &section.report;
    if report.is_empty() {
        return;
    }
    for line in [prune_line(section), first_apply_line(section)]
        .into_iter()
        .flatten()
    {
        let _ = writeln!(out, "{line}");
    }
    let _ = writeln!(out, "changes: {}", class_summary(report));
    let restarts: Vec<String> = report.restarts().map(ToString::to_string).collect();
    if !restarts.is_empty() {
        let _ = writeln!(out, "restarts: {}", restarts.join(", "));
    }
    for resource in &report.resources {
        out.push('\n');
        let _ = writeln!(
            out,
            "{} {} {}",
            style.class(resource.class, &format!("{:<10}", resource.class.label())),
            style.paint("1", &resource.key.to_string()),
            status_text(resource),
        );
        for change in &resource.changes {
            let field = field_text(&change.path, resource);
            let values = if change.path.is_empty() {
                String::new()
            } else {
                format!(
                    ": {} → {}",
                    value_text(change.old.as_ref(), VALUE_WIDTH),
                    value_text(change.new.as_ref(), VALUE_WIDTH)
                )
            };
            let _ = writeln!(
                out,
                "  {} {field}{values}",
                style.class(change.class, &format!("{:<10}", change.class.label()))
            );
            let _ = writeln!(out, "{INDENT}{}", change.reason);
            if let Some(advice) = &change.advice {
                let _ = writeln!(out, "{INDENT}{} {advice}", style.paint("1", "to do:"));
            }
        }
        let diff = yaml_diff(resource);
        if !diff.is_empty() {
            out.push('\n');
            for line in diff.lines() {
                let painted = match line.as_bytes().first() {
                    Some(b'+') => style.paint("32", line),
                    Some(b'-') => style.paint("31", line),
                    Some(b'@') => style.paint("36", line),
                    _ => line.to_owned(),
                };
                let _ = writeln!(out, "    {painted}");
            }
        }
    }
}
