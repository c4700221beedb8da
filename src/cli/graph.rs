//! `windlass graph`: the request path of an application, as Mermaid or Graphviz.

use std::path::PathBuf;

use clap::Args;

use super::Outcome;
use crate::printer;

/// Arguments of `graph`.
#[derive(Debug, Args)]
pub struct GraphArgs {
    /// The description (default: windlass.kdl).
    pub file: Option<PathBuf>,
}

/// Runs `graph`.
pub fn run(args: &GraphArgs) -> Outcome {
    let _ = args;
    printer::fatal("graph is not available yet", None);
    Outcome::CouldNotRun
}
