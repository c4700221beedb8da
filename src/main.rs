//! The `windlass` command: parses arguments, runs the subcommand, maps the outcome to an exit code.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = windlass::cli::Cli::parse();
    windlass::cli::run(cli).into()
}
