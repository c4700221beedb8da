//! Diagnostics as text: [`human`] (miette's report with the KDL snippet), [`json`] and
//! [`github`] (Actions annotations), and the closing [`summary`] line. The command line prints
//! them; SARIF, which carries every rule's documentation, is [`crate::check::sarif`].

use miette::{GraphicalReportHandler, GraphicalTheme};

use super::{Diagnostic, Located, Severity};

/// Width diagnostics are wrapped at, fixed so output is the same in every terminal.
const WIDTH: usize = 100;

/// Diagnostics rendered with their snippet; the rest are counted, and `--format json` lists them
/// all. Thousands of findings would take seconds to render and nobody reads them.
const MAX_SHOWN: usize = 100;
/// Lines wider than this are not shown as a snippet: the location goes into the message instead.
const MAX_SNIPPET_LINE: usize = 1000;

/// Renders diagnostics the way a person reads them: miette's report with the KDL snippet.
pub fn human(diagnostics: &[Diagnostic], color: bool) -> String {
    let shown = diagnostics.len().min(MAX_SHOWN);
    let mut out = human_all(&diagnostics[..shown], color);
    if diagnostics.len() > shown {
        out.push_str(&format!(
            "… and {} more findings, not shown; `--format json` lists every one\n\n",
            diagnostics.len() - shown
        ));
    }
    out
}

fn human_all(diagnostics: &[Diagnostic], color: bool) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(WIDTH)
        .with_links(false);
    let mut out = String::new();
    for d in diagnostics {
        // Writing into a String cannot fail.
        if d.snippet_too_wide(MAX_SNIPPET_LINE) {
            let _ = handler.render_report(&mut out, &d.clone().without_snippet());
        } else {
            let _ = handler.render_report(&mut out, d);
        }
        out.push('\n');
    }
    out
}

/// The closing line: how many errors and warnings, and what happened to the output.
pub fn summary(diagnostics: &[Diagnostic], outcome: &str) -> String {
    let count = |s: Severity| diagnostics.iter().filter(|d| d.severity == s).count();
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let (errors, warnings) = (count(Severity::Error), count(Severity::Warning));
    let mut parts = Vec::new();
    if errors > 0 {
        parts.push(plural(errors, "error"));
    }
    if warnings > 0 {
        parts.push(plural(warnings, "warning"));
    }
    if parts.is_empty() {
        outcome.to_owned()
    } else {
        format!("{}; {outcome}", parts.join(", "))
    }
}

/// One JSON object per finding, in an array.
pub fn json(findings: &[Located]) -> String {
    let list: Vec<serde_json::Value> = findings
        .iter()
        .map(
            |Located {
                 diagnostic: d,
                 location: loc,
             }| {
                serde_json::json!({
                    "code": d.code,
                    "severity": d.severity.as_str(),
                    "message": d.message,
                    "help": d.help,
                    "file": loc.as_ref().map(|l| &l.file),
                    "line": loc.as_ref().map(|l| l.line),
                    "column": loc.as_ref().map(|l| l.column),
                    "end_line": loc.as_ref().map(|l| l.end_line),
                    "end_column": loc.as_ref().map(|l| l.end_column),
                })
            },
        )
        .collect();
    let mut text = serde_json::to_string_pretty(&list).unwrap_or_default();
    text.push('\n');
    text
}

/// GitHub Actions workflow commands: an annotation on the line of each finding.
pub fn github(findings: &[Located]) -> String {
    let data = |s: &str| {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    };
    let property = |s: &str| data(s).replace(':', "%3A").replace(',', "%2C");
    let mut out = String::new();
    for Located {
        diagnostic: d,
        location: loc,
    } in findings
    {
        let level = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "notice",
        };
        let mut message = d.message.clone();
        if let Some(help) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        let mut props = Vec::new();
        if let Some(l) = loc {
            props.push(format!("file={}", property(&l.file)));
            props.push(format!("line={}", l.line));
            props.push(format!("col={}", l.column));
            props.push(format!("endLine={}", l.end_line));
            props.push(format!("endColumn={}", l.end_column));
        }
        props.push(format!(
            "title={}",
            property(&format!("windlass {}", d.code))
        ));
        out.push_str(&format!(
            "::{level} {}::{}\n",
            props.join(","),
            data(&message)
        ));
    }
    out
}
