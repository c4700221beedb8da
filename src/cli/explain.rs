//! `windlass explain`: the documentation of a rule or diagnostic code, or the list of them.

use clap::Args;

use windlass::check::registry;
use windlass::diag::suggest_help;

use super::{Outcome, printer};

/// Arguments of `explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A code, such as `nodeport-range`; without one, every code is listed.
    pub code: Option<String>,
}

/// Runs `explain`.
pub fn run(args: &ExplainArgs) -> Outcome {
    let Some(code) = &args.code else {
        printer::out(&list());
        return Outcome::Ok;
    };
    match registry::explain(code) {
        Some(text) => {
            printer::out(&text);
            Outcome::Ok
        }
        None => {
            let codes = registry::RULES
                .iter()
                .map(|r| r.meta().code)
                .chain(registry::COMPILER.iter().map(|c| c.code));
            let help = suggest_help(code, codes, "`windlass explain` lists every code");
            printer::fatal(&format!("there is no code `{code}`"), Some(&help));
            Outcome::CouldNotRun
        }
    }
}

/// Every code with its severity and summary.
fn list() -> String {
    let mut out = String::from(
        "Lint rules (severity can be changed with --deny/--allow, or `allow CODE reason=…`):\n",
    );
    for r in registry::RULES {
        let m = r.meta();
        out.push_str(&format!(
            "  {:<28} {:<8} {}\n",
            m.code,
            m.severity.as_str(),
            m.summary
        ));
    }
    out.push_str("\nCompiler errors (the description cannot be compiled as written):\n");
    for c in registry::COMPILER {
        out.push_str(&format!("  {:<28} {}\n", c.code, c.summary));
    }
    out
}
