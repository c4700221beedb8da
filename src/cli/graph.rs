//! `windlass graph`: the request path of an application, as Mermaid or Graphviz.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use windlass::diag::format;
use windlass::graph::{self, Format};
use windlass::{Goal, Options};

use super::{Outcome, loader, printer};

/// The text format of the graph.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    /// A Mermaid flowchart (`--format markdown` fences it for GitHub).
    Mermaid,
    /// A Graphviz digraph: `windlass graph --format dot | dot -Tsvg > graph.svg`.
    Dot,
    /// The Mermaid flowchart fenced as ```mermaid, to paste into a pull request or README.
    Markdown,
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
    let Some(input) = loader::read_description(args.file.as_deref()) else {
        return Outcome::CouldNotRun;
    };
    let options = Options {
        env: args.env.clone(),
        goal: Goal::Objects,
        ..Options::default()
    };
    let Some(compilation) = super::compile(input, &options) else {
        return Outcome::CouldNotRun;
    };
    printer::err(&format::human(
        &compilation.diagnostics,
        printer::color_stderr(),
    ));
    let app = match &compilation.app {
        Some(app) if !compilation.has_errors() => app,
        _ => {
            printer::err(&format!(
                "{}\n",
                format::summary(&compilation.diagnostics, "nothing drawn")
            ));
            return Outcome::InputErrors;
        }
    };
    let format = match args.format {
        GraphFormat::Mermaid => Format::Mermaid,
        GraphFormat::Dot => Format::Dot,
        GraphFormat::Markdown => Format::Markdown,
    };
    printer::out(&graph::render(app, format));
    Outcome::Ok
}
