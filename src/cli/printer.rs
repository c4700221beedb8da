//! The only place that writes to stdout and stderr, and decides whether they get colour.

use std::io::{self, IsTerminal, Write};

/// Whether stderr gets colour: a terminal, and `NO_COLOR` unset.
pub fn color_stderr() -> bool {
    io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Whether stdout gets colour: a terminal, and `NO_COLOR` unset.
pub fn color_stdout() -> bool {
    io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Writes text to stdout.
pub fn out(text: &str) {
    let mut stdout = io::stdout().lock();
    // A closed pipe (`windlass build | head`) is not an error of the compiler.
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}

/// Writes text to stderr.
pub fn err(text: &str) {
    let mut stderr = io::stderr().lock();
    let _ = stderr.write_all(text.as_bytes());
    let _ = stderr.flush();
}

/// Writes a one-line error that is not about the KDL source (a missing file, a bad argument).
pub fn fatal(message: &str, help: Option<&str>) {
    let mut text = format!("error: {message}\n");
    if let Some(help) = help {
        text.push_str(&format!("  help: {help}\n"));
    }
    err(&text);
}
