//! `windlass diff`: what a change does to the cluster, compared with the previous output.

use std::path::PathBuf;

use clap::Args;

use super::Outcome;
use crate::printer;

/// Arguments of `diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The description (default: windlass.kdl).
    pub file: Option<PathBuf>,
}

/// Runs `diff`.
pub fn run(args: &DiffArgs) -> Outcome {
    let _ = args;
    printer::fatal("diff is not available yet", None);
    Outcome::CouldNotRun
}
