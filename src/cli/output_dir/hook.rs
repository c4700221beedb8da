//! Failures injected by the tests, in builds with debug assertions only: a release binary has
//! no such switch.

use std::io;

/// Before each step that changes the file system: with `WINDLASS_TEST_KILL_AT=N`, the N-th
/// step ends the process at once, as a kill would (no clean-up runs).
pub fn step(what: &str) -> io::Result<()> {
    #[cfg(debug_assertions)]
    {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static STEPS: AtomicUsize = AtomicUsize::new(0);
        let n = STEPS.fetch_add(1, Ordering::SeqCst) + 1;
        if std::env::var("WINDLASS_TEST_KILL_AT").is_ok_and(|at| at == n.to_string()) {
            eprintln!("killed at step {n}: {what}");
            std::process::abort();
        }
    }
    let _ = what;
    Ok(())
}

/// Whether the test switch `name` is set.
pub fn forced(name: &str) -> bool {
    cfg!(debug_assertions) && std::env::var_os(name).is_some()
}
