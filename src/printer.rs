//! The only place that writes to stdout and stderr.

use std::io::{self, IsTerminal, Write};

use miette::{GraphicalReportHandler, GraphicalTheme};

use crate::diag::{Diagnostic, Severity};

/// Width diagnostics are wrapped at, fixed so output is the same in every terminal.
const WIDTH: usize = 100;

/// Whether stderr gets colour: a terminal, and `NO_COLOR` unset.
pub fn color_stderr() -> bool {
    io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Whether stdout gets colour: a terminal, and `NO_COLOR` unset.
pub fn color_stdout() -> bool {
    io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

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

/// Writes text to stdout.
pub fn out(text: &str) {
    let mut stdout = io::stdout().lock();
    // A closed pipe (`windlass build | head`) is not an error of the compiler.
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}

/// Writes text to stderr.
pub fn err(text: &str) {
    let mut stderr = io::stderr().lock();
    let _ = stderr.write_all(text.as_bytes());
    let _ = stderr.flush();
}

/// Writes a one-line error that is not about the KDL source (a missing file, a bad argument).
pub fn fatal(message: &str, help: Option<&str>) {
    let mut text = format!("error: {message}\n");
    if let Some(help) = help {
        text.push_str(&format!("  help: {help}\n"));
    }
    err(&text);
}

/// A finding's place in its file: 1-based lines and columns (in characters), as editors and CI
/// annotations count them.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Location {
    /// The file's name as the user gave it.
    pub file: String,
    /// First line.
    pub line: usize,
    /// First column.
    pub column: usize,
    /// Last line.
    pub end_line: usize,
    /// Column just past the end.
    pub end_column: usize,
}

/// Where a diagnostic points, if it points into a file.
pub fn location(d: &Diagnostic, sources: &crate::source::Sources) -> Option<Location> {
    let span = d.span()?;
    let file = sources.get(span.file)?.name.clone();
    let (line, column) = sources.line_col(span.file, span.start);
    let (end_line, end_column) = sources.line_col(span.file, span.end.max(span.start));
    Some(Location {
        file,
        line,
        column,
        end_line,
        end_column,
    })
}

/// One JSON object per finding, in an array.
pub fn json(findings: &[(&Diagnostic, Option<Location>)]) -> String {
    let list: Vec<serde_json::Value> = findings
        .iter()
        .map(|(d, loc)| {
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
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&list).unwrap_or_default();
    text.push('\n');
    text
}

/// GitHub Actions workflow commands: an annotation on the line of each finding.
pub fn github(findings: &[(&Diagnostic, Option<Location>)]) -> String {
    let data = |s: &str| {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    };
    let property = |s: &str| data(s).replace(':', "%3A").replace(',', "%2C");
    let mut out = String::new();
    for (d, loc) in findings {
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

/// SARIF 2.1.0, with every rule's metadata in `tool.driver.rules` and a region for every result.
pub fn sarif(findings: &[(&Diagnostic, Option<Location>)]) -> String {
    use crate::check::registry;
    let level = |s: Severity| match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    };
    let mut rules: Vec<serde_json::Value> = registry::RULES
        .iter()
        .map(|r| {
            let m = r.meta();
            serde_json::json!({
                "id": m.code,
                "name": m.code,
                "shortDescription": { "text": m.summary },
                "fullDescription": { "text": m.summary },
                "help": { "text": registry::explain(m.code).unwrap_or_default(), "markdown": registry::explain(m.code).unwrap_or_default() },
                "defaultConfiguration": { "level": level(m.severity) },
                "properties": { "tags": ["lint"] },
            })
        })
        .collect();
    rules.extend(registry::COMPILER.iter().map(|c| {
        serde_json::json!({
            "id": c.code,
            "name": c.code,
            "shortDescription": { "text": c.summary },
            "fullDescription": { "text": c.summary },
            "help": { "text": c.fix, "markdown": c.fix },
            "defaultConfiguration": { "level": "error" },
            "properties": { "tags": ["compiler"] },
        })
    }));
    let index = |code: &str| rules.iter().position(|r| r["id"] == code);
    let results: Vec<serde_json::Value> = findings
        .iter()
        .map(|(d, loc)| {
            let mut message = d.message.clone();
            if let Some(help) = &d.help {
                message.push_str("\nhelp: ");
                message.push_str(help);
            }
            let locations: Vec<serde_json::Value> = loc
                .iter()
                .map(|l| {
                    serde_json::json!({
                        "physicalLocation": {
                            "artifactLocation": { "uri": l.file },
                            "region": {
                                "startLine": l.line,
                                "startColumn": l.column,
                                "endLine": l.end_line,
                                "endColumn": l.end_column,
                            }
                        }
                    })
                })
                .collect();
            serde_json::json!({
                "ruleId": d.code,
                "ruleIndex": index(d.code),
                "level": level(d.severity),
                "message": { "text": message },
                "locations": locations,
            })
        })
        .collect();
    let log = serde_json::json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "windlass",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "results": results,
        }],
    });
    let mut text = serde_json::to_string_pretty(&log).unwrap_or_default();
    text.push('\n');
    text
}
