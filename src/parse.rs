//! Parsing: text → `kdl::KdlDocument`. `kdl::KdlError` becomes our diagnostics, on the file.

use kdl::KdlDocument;

use crate::diag::{Diagnostic, Diagnostics, codes};
use crate::source::{FileId, Sources, Span};

/// Parses one file as KDL 2.0.
pub fn parse(sources: &Sources, file: FileId) -> Result<KdlDocument, Diagnostics> {
    let text = sources.get(file).map(|f| f.text.as_str()).unwrap_or("");
    text.parse::<KdlDocument>().map_err(|error| {
        let mut diagnostics = Diagnostics::new();
        for d in &error.diagnostics {
            let message = d
                .message
                .clone()
                .unwrap_or_else(|| "invalid KDL".to_owned());
            let help = d.help.clone().unwrap_or_else(|| {
                "see the KDL 2.0 syntax at https://kdl.dev; strings need double quotes".to_owned()
            });
            let label = d.label.clone().unwrap_or_else(|| "here".to_owned());
            diagnostics.push(
                Diagnostic::error(codes::SYNTAX, message)
                    .label(Span::from_miette(file, d.span), label)
                    .help(help),
            );
        }
        if diagnostics.is_empty() {
            diagnostics.push(
                Diagnostic::error(codes::SYNTAX, "the file is not valid KDL 2.0")
                    .label(Span::new(file, 0, 0), "")
                    .help("see the KDL 2.0 syntax at https://kdl.dev"),
            );
        }
        diagnostics
    })
}
