//! `windlass fmt`: rewrite descriptions in one canonical layout, keeping comments. The layout
//! is the library's ([`windlass::syntax::fmt`]); this reads and writes the files.

use std::path::{Path, PathBuf};

use clap::Args;
use windlass::diag::{Diagnostic, format};
use windlass::syntax::fmt::{self, Formatted, Unformattable};

use super::{Outcome, files, loader, printer};

/// Arguments of `fmt`.
#[derive(Debug, Args)]
pub struct FmtArgs {
    /// The descriptions to format (default: windlass.kdl).
    pub files: Vec<PathBuf>,
    /// Change nothing: print a diff of each file that would change, and exit 1 if any would.
    #[arg(long)]
    pub check: bool,
}

/// Runs `fmt`.
pub fn run(args: &FmtArgs) -> Outcome {
    let files: Vec<Option<&Path>> = if args.files.is_empty() {
        vec![None]
    } else {
        args.files.iter().map(|f| Some(f.as_path())).collect()
    };
    let color = printer::color_stderr();
    let mut tally = Tally::default();
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    for file in files {
        let Some(input) = loader::read_description(file) else {
            tally.could_not_run = true;
            continue;
        };
        // Held until the file is written: a concurrent edit waits, then reads the result.
        let locked = match files::lock_for_edit(&input.path, files::MAX_DESCRIPTION_BYTES) {
            Ok(locked) => locked,
            Err(err) => {
                printer::fatal(
                    &format!("cannot read {}: {err}", input.name),
                    Some("the file is unchanged"),
                );
                tally.could_not_run = true;
                continue;
            }
        };
        let name = &input.name;
        let formatted = match fmt::format(name, &locked.text) {
            Ok(Formatted::Unchanged) => {
                tally.unchanged += 1;
                continue;
            }
            Ok(Formatted::Changed(formatted)) => formatted,
            Err(Unformattable::Syntax(found)) => {
                printer::err(&format::human(&found, color));
                diagnostics.extend(found);
                tally.not_formatted += 1;
                continue;
            }
            Err(Unformattable::MeaningChanged) => {
                printer::fatal(
                    &format!("{name}: the formatted text would not mean the same; left unchanged"),
                    Some("this is a bug in `windlass fmt`: please report it with the file"),
                );
                tally.could_not_run = true;
                continue;
            }
        };
        if args.check {
            printer::out(&fmt::unified_diff(name, &locked.text, &formatted));
            printer::err(&format!("would reformat {name}\n"));
            tally.changed += 1;
        } else if let Err(err) = locked.write(&formatted) {
            printer::fatal(
                &format!("cannot write {name}: {err}"),
                Some("the file is unchanged; check that it and its directory are writable"),
            );
            tally.could_not_run = true;
        } else {
            printer::err(&format!("formatted {name}\n"));
            tally.changed += 1;
        }
    }
    let outcome = tally.outcome(args.check);
    if !tally.could_not_run || tally.seen() > 0 {
        printer::err(&format!(
            "{}\n",
            format::summary(&diagnostics, &tally.summary(args.check))
        ));
    }
    outcome
}

/// What happened to the files of one run.
#[derive(Default)]
struct Tally {
    /// Files that were (or, with `--check`, would be) reformatted.
    changed: usize,
    /// Files already in the canonical layout.
    unchanged: usize,
    /// Files left alone because they are not valid KDL.
    not_formatted: usize,
    /// A file could not be read or written.
    could_not_run: bool,
}

impl Tally {
    /// Files read and parsed, formatted or not.
    fn seen(&self) -> usize {
        self.changed + self.unchanged + self.not_formatted
    }

    /// The exit code: 2 beats 1 beats 0, as in `check`.
    fn outcome(&self, check: bool) -> Outcome {
        if self.could_not_run {
            Outcome::CouldNotRun
        } else if self.not_formatted > 0 || (check && self.changed > 0) {
            Outcome::InputErrors
        } else {
            Outcome::Ok
        }
    }

    /// The closing line, after the error count.
    fn summary(&self, check: bool) -> String {
        let files = |n: usize| format!("{n} file{}", if n == 1 { "" } else { "s" });
        let mut parts = Vec::new();
        if self.changed > 0 {
            let verb = if check {
                "would be reformatted"
            } else {
                "reformatted"
            };
            parts.push(format!("{} {verb}", files(self.changed)));
        }
        if self.unchanged > 0 {
            parts.push(format!("{} already formatted", files(self.unchanged)));
        }
        if self.not_formatted > 0 {
            parts.push(format!("{} left unchanged", files(self.not_formatted)));
        }
        if parts.is_empty() {
            "nothing formatted".to_owned()
        } else {
            parts.join(", ")
        }
    }
}
