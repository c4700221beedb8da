//! `windlass graph`: the request path of an application, as Mermaid or Graphviz.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::Outcome;
use crate::graph::{self, Format};
use crate::printer;

/// The text format of the graph.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    /// A Mermaid flowchart: paste it into a ```mermaid block on GitHub.
    Mermaid,
    /// A Graphviz digraph: `windlass graph --format dot | dot -Tsvg > graph.svg`.
    Dot,
}

/// Arguments of `graph`.
#[derive(Debug, Args)]
pub struct GraphArgs {
    /// The description (default: windlass.kdl).
    pub file: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "mermaid")]
    pub format: GraphFormat,
    /// Draw this environment (`environment NAME { … }`) instead of the base app.
    #[arg(long, value_name = "NAME")]
    pub env: Option<String>,
}

/// Runs `graph`: the drawing on stdout, diagnostics on stderr; nothing is drawn when the
/// description has errors.
pub fn run(args: &GraphArgs) -> Outcome {
    let Some((path, text)) = super::read_description(args.file.as_deref()) else {
        return Outcome::CouldNotRun;
    };
    let config = crate::check::Config::default();
    let compilation = super::compile_env(&path, text, &config, args.env.as_deref());
    if compilation.app.is_none() && args.env.is_some() && !compilation.has_errors() {
        // An environment the description does not declare; already reported.
        return Outcome::CouldNotRun;
    }
    printer::err(&printer::human(
        &compilation.diagnostics,
        printer::color_stderr(),
    ));
    let app = match &compilation.app {
        Some(app) if !compilation.has_errors() => app,
        _ => {
            printer::err(&format!(
                "{}\n",
                printer::summary(&compilation.diagnostics, "nothing drawn")
            ));
            return Outcome::InputErrors;
        }
    };
    let format = match args.format {
        GraphFormat::Mermaid => Format::Mermaid,
        GraphFormat::Dot => Format::Dot,
    };
    printer::out(&graph::render(app, format));
    Outcome::Ok
}
