//! Checks over the whole model: what resolution of single nodes cannot see.

use crate::diag::Diagnostics;
use crate::resolve::model::App;

/// Runs every check on a resolved application.
pub fn check(app: &App) -> Diagnostics {
    let _ = app;
    Diagnostics::new()
}
