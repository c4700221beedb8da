//! SARIF 2.1.0, for code-scanning tools: every finding as a result, and every rule's and compiler
//! code's documentation in `tool.driver.rules`.

use crate::check::registry;
use crate::diag::{Located, Severity};

/// SARIF 2.1.0, with every rule's metadata in `tool.driver.rules` and a region for every result.
pub fn sarif(findings: &[Located]) -> String {
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
        .map(
            |Located {
                 diagnostic: d,
                 location: loc,
             }| {
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
            },
        )
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
