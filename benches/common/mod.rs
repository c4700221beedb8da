//! What every benchmark shares: how quick mode is chosen, the loader of generated descriptions,
//! compiling a generated description (failing loudly when it does not compile), and the
//! median-of-runs timer. Included with `mod common;`.

#![allow(
    dead_code,
    reason = "each benchmark uses a different part of this module"
)]

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use windlass::Compilation;
use windlass::source::Loader;

/// Quick mode: one run per cell, a smoke run. Chosen by `WINDLASS_BENCH_QUICK=1`, by `--quick`,
/// and when the binary runs without cargo's `--bench` flag (as `cargo test --all-targets` runs
/// the benchmarks, so they are smoke-tested there but stay fast).
pub fn quick_mode() -> bool {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let has = |a: &str| args.iter().any(|x| x == a);
    std::env::var("WINDLASS_BENCH_QUICK").is_ok_and(|v| v == "1")
        || has("--quick")
        || !has("--bench")
}

/// Generated descriptions import nothing: every load is an error.
pub struct NoImports;

impl Loader for NoImports {
    /// Refuses every path: nothing is imported.
    fn load(&self, path: &Path) -> std::io::Result<String> {
        Err(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!("generated descriptions import nothing ({})", path.display()),
        ))
    }
}

/// Compiles a generated description named `name` (it imports nothing). `Err` says so, with the
/// rendered diagnostics, when it has errors; findings that are not errors are printed to stderr
/// as a warning, since a generated description should be clean.
pub fn compile(name: &str, text: &str) -> Result<Compilation, String> {
    let c = windlass::compile(
        windlass::Input::new(name, name, text),
        &windlass::Options::default(),
        &NoImports,
    );
    if !c.diagnostics.is_empty() {
        let report = windlass::diag::format::human(&c.diagnostics, false);
        if c.has_errors() {
            return Err(format!("{name} does not compile:\n{report}"));
        }
        eprintln!("warning: the generated description {name} has findings:\n{report}");
    }
    Ok(c)
}

/// The median time of one measured cell, and how many samples it took.
#[derive(Clone, Copy, Debug)]
pub struct Cell {
    /// The median sample.
    pub median: Duration,
    /// The number of timed samples.
    pub samples: usize,
}

/// The median-of-runs timer every benchmark uses: outside quick mode, one warm-up run sizes the
/// loop, then at least `min_runs` runs and at least `min_total` of samples (at most `max_runs`);
/// in quick mode, one run.
#[derive(Clone, Copy, Debug)]
pub struct Timer {
    /// One run per cell, no warm-up.
    pub quick: bool,
    /// The least total time of a cell's samples.
    pub min_total: Duration,
    /// The least number of timed runs of a cell.
    pub min_runs: usize,
    /// The most timed runs of a cell, so microsecond-long cells finish in bounded time.
    pub max_runs: usize,
}

impl Timer {
    /// A timer taking at least 5 runs and `min_total` of samples per cell (at most 100,000 runs).
    pub fn new(quick: bool, min_total: Duration) -> Self {
        Timer {
            quick,
            min_total,
            min_runs: 5,
            max_runs: 100_000,
        }
    }

    /// How the cells are measured, for the header of a table.
    pub fn describe(&self) -> String {
        if self.quick {
            "quick mode: ONE run per cell, a smoke run — not a measurement".to_owned()
        } else {
            format!(
                "median of >= {} runs and >= {} ms of samples per cell, after one warm-up run",
                self.min_runs,
                self.min_total.as_millis()
            )
        }
    }

    /// Times `run`; what it returns is dropped after the clock stops.
    pub fn measure<T>(&self, mut run: impl FnMut() -> T) -> Cell {
        self.measure_with(|| (), |()| run())
    }

    /// Times `run` on a fresh input from `setup` (untimed) until there are enough samples, and
    /// returns the median. The output of `run` is dropped after the clock stops, so the time is
    /// the work alone.
    pub fn measure_with<S, T>(
        &self,
        mut setup: impl FnMut() -> S,
        mut run: impl FnMut(S) -> T,
    ) -> Cell {
        let mut sample = || {
            let input = setup();
            let start = Instant::now();
            let output = black_box(run(black_box(input)));
            let elapsed = start.elapsed();
            drop(output);
            elapsed
        };
        let runs = if self.quick {
            1
        } else {
            // The warm-up sample fills caches and sizes the run; it is not counted.
            let warm = sample().max(Duration::from_nanos(1));
            let needed = self.min_total.as_nanos().div_ceil(warm.as_nanos());
            usize::try_from(needed)
                .unwrap_or(self.max_runs)
                .clamp(self.min_runs, self.max_runs)
        };
        let mut samples: Vec<Duration> = (0..runs).map(|_| sample()).collect();
        samples.sort_unstable();
        Cell {
            median: median(&samples),
            samples: samples.len(),
        }
    }
}

/// The median of sorted samples (the mean of the middle two for an even count).
pub fn median(sorted: &[Duration]) -> Duration {
    match sorted.len() {
        0 => Duration::ZERO,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2,
    }
}

/// Milliseconds with `decimals` decimals.
pub fn ms(d: Duration, decimals: usize) -> String {
    format!("{:.decimals$}", d.as_secs_f64() * 1e3)
}

/// Checks a diff between a generated application and its changed version: exactly `expected`
/// resources changed, every one a workload that rolls out (so a regression in the diff, or a
/// generator that changes something else, is noticed before it is timed).
pub fn expect_rollouts(report: &windlass::diff::Report, expected: usize) -> Result<(), String> {
    let restarts = report.restarts().count();
    let worst = report.resources.first().map(|r| r.class);
    let all_rollouts = expected == 0 || worst == Some(windlass::diff::Class::Rollout);
    if restarts == expected && report.resources.len() == expected && all_rollouts {
        Ok(())
    } else {
        Err(format!(
            "expected {expected} rollouts, got {} changed resources ({restarts} restarts, worst {worst:?})",
            report.resources.len()
        ))
    }
}
