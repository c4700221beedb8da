//! `windlass check`: compile, report every problem, write nothing.

use std::path::PathBuf;

use clap::Args;

use super::Outcome;
use crate::printer;

/// Arguments of `check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The description (default: windlass.kdl).
    pub file: Option<PathBuf>,
}

/// Runs `check`.
pub fn run(args: &CheckArgs) -> Outcome {
    let Some((path, text)) = super::read_description(args.file.as_deref()) else {
        return Outcome::CouldNotRun;
    };
    let compilation = super::compile(&path, text);
    let color = printer::color_stderr();
    printer::err(&printer::human(&compilation.diagnostics, color));
    if compilation.has_errors() {
        printer::err(&format!(
            "{}\n",
            printer::summary(&compilation.diagnostics, "check failed")
        ));
        Outcome::InputErrors
    } else {
        printer::err(&format!(
            "{}\n",
            printer::summary(
                &compilation.diagnostics,
                &format!("{} is fine", path.display())
            )
        ));
        Outcome::Ok
    }
}
