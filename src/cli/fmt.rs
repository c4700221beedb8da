//! `windlass fmt`: rewrite descriptions in one canonical layout, keeping comments.

use std::path::PathBuf;

use clap::Args;

use super::Outcome;
use crate::printer;

/// Arguments of `fmt`.
#[derive(Debug, Args)]
pub struct FmtArgs {
    /// The descriptions to format (default: windlass.kdl).
    pub files: Vec<PathBuf>,
    /// Change nothing; exit 1 when a file would change.
    #[arg(long)]
    pub check: bool,
}

/// Runs `fmt`.
pub fn run(args: &FmtArgs) -> Outcome {
    let _ = args;
    printer::fatal("fmt is not available yet", None);
    Outcome::CouldNotRun
}
