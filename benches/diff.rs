//! Times `windlass diff` on a generated application of 1,000 workloads (see `generate/`) against
//! a version in which every tenth service changed: a new image patch release and another
//! `DB_URL`, so 99 Deployments roll out. Prints a table of medians. Speed is reported, never
//! asserted.
//!
//! Run with `cargo bench --bench diff`. Environment:
//!
//! - `WINDLASS_BENCH_QUICK=1` — one iteration per cell, a smoke run. Also chosen by `--quick`, and
//!   when the binary runs without cargo's `--bench` flag (as `cargo test --all-targets` runs it).
//!
//! Cells: `read` parses the previous output (the YAML stream of the old version); `diff` matches,
//! compares and classifies the two sets of objects; `human`, `markdown` and `json` are `diff`
//! plus rendering; `total` is what `windlass diff --against FILE --format markdown` does between
//! reading its files and printing: read + compile the new description + diff + Markdown.
//!
//! Exits with 1 when a generated description does not compile, or when the report is not the
//! 99 rollouts it must be (a regression in the diff is noticed here too).

mod generate;

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use generate::Databases;
use serde_json::Value;
use windlass::diff::read::{self, Syntax};
use windlass::diff::{self, Class};
use windlass::render::{self, Format};
use windlass::source::Loader;

/// Workloads in the generated application.
const SIZE: usize = 1000;
/// Every this-many-th service changes.
const EVERY: usize = 10;
/// The least number of timed iterations of a cell (outside quick mode).
const MIN_ITERATIONS: usize = 5;
/// The most timed iterations of a cell.
const MAX_ITERATIONS: usize = 10_000;
/// The least total time of a cell's samples (outside quick mode).
const MIN_TOTAL: Duration = Duration::from_millis(500);

/// Generated descriptions import nothing: every load is an error.
struct NoImports;

impl Loader for NoImports {
    /// Refuses every path: nothing is imported.
    fn load(&self, path: &Path) -> std::io::Result<String> {
        Err(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!("generated descriptions import nothing ({})", path.display()),
        ))
    }
}

/// The description with every `EVERY`-th service changed: the next patch release of its image
/// and a `DB_URL` with TLS required.
fn changed(text: &str, services: usize) -> String {
    let mut out = text.to_owned();
    for i in (EVERY..=services).step_by(EVERY) {
        let (minor, patch) = (i % 7, i % 13);
        let image = format!("image \"svc{i}:1.{minor}.{patch}\"");
        let newer = format!("image \"svc{i}:1.{minor}.{}\"", patch + 1);
        let url = format!("/svc{i}\"");
        let tls = format!("/svc{i}?sslmode=require\"");
        out = out.replacen(&image, &newer, 1).replacen(&url, &tls, 1);
    }
    out
}

/// The median time of one cell and its number of samples.
struct Cell {
    /// The median sample.
    median: Duration,
    /// The number of timed samples.
    samples: usize,
}

/// Times `run` until there are enough samples, and returns the median.
fn measure<T>(quick: bool, mut run: impl FnMut() -> T) -> Cell {
    let mut sample = || {
        let start = Instant::now();
        let output = black_box(run());
        let elapsed = start.elapsed();
        drop(output);
        elapsed
    };
    let iterations = if quick {
        1
    } else {
        let warm = sample().max(Duration::from_nanos(1));
        let needed = MIN_TOTAL.as_nanos().div_ceil(warm.as_nanos());
        usize::try_from(needed)
            .unwrap_or(MAX_ITERATIONS)
            .clamp(MIN_ITERATIONS, MAX_ITERATIONS)
    };
    let mut samples: Vec<Duration> = (0..iterations).map(|_| sample()).collect();
    samples.sort_unstable();
    let n = samples.len();
    let median = if n % 2 == 1 {
        samples[n / 2]
    } else {
        (samples[n / 2 - 1] + samples[n / 2]) / 2
    };
    Cell { median, samples: n }
}

/// Compiles one version; `Err` carries the diagnostics when it does not compile.
fn compile(name: &str, text: &str) -> Result<windlass::Compilation, String> {
    let c = windlass::compile(name, &PathBuf::from(name), text.to_owned(), &NoImports);
    if c.has_errors() {
        return Err(windlass::printer::human(&c.diagnostics, false));
    }
    Ok(c)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let has = |a: &str| args.iter().any(|x| x == a);
    let quick = std::env::var("WINDLASS_BENCH_QUICK").is_ok_and(|v| v == "1")
        || has("--quick")
        || !has("--bench");

    let old_text = generate::application(SIZE, Databases::detect());
    let services = generate::service_count(SIZE);
    let new_text = changed(&old_text, services);
    let (old, new) = match (compile("old.kdl", &old_text), compile("new.kdl", &new_text)) {
        (Ok(old), Ok(new)) => (old, new),
        (Err(report), _) | (_, Err(report)) => {
            eprintln!("error: the generated description does not compile:\n{report}");
            return ExitCode::FAILURE;
        }
    };
    let previous_yaml = render::stream(&old.manifests, Format::Yaml);
    let previous = match read::objects(&previous_yaml, Syntax::Yaml) {
        Ok(objects) => objects,
        Err(err) => {
            eprintln!("error: the previous output does not read back: {err}");
            return ExitCode::FAILURE;
        }
    };
    let new_objects: Vec<Value> = new.manifests.iter().map(|m| m.object.clone()).collect();

    // Check the report once: every changed service rolls out, nothing else changes.
    let report = diff::diff(&previous, &new_objects);
    let expected = services / EVERY;
    let restarts = report.restarts().count();
    let worst = report.resources.first().map(|r| r.class);
    if restarts != expected || report.resources.len() != expected || worst != Some(Class::Rollout) {
        eprintln!(
            "error: expected {expected} rollouts, got {} changed resources ({restarts} restarts, worst {worst:?})",
            report.resources.len()
        );
        return ExitCode::FAILURE;
    }
    let markdown = diff::render::markdown(&report);

    let cells = [
        (
            "read",
            measure(quick, || read::objects(&previous_yaml, Syntax::Yaml)),
        ),
        (
            "diff",
            measure(quick, || diff::diff(&previous, &new_objects)),
        ),
        (
            "human",
            measure(quick, || {
                diff::render::human(&diff::diff(&previous, &new_objects), false)
            }),
        ),
        (
            "markdown",
            measure(quick, || {
                diff::render::markdown(&diff::diff(&previous, &new_objects))
            }),
        ),
        (
            "json",
            measure(quick, || {
                diff::render::json(&diff::diff(&previous, &new_objects))
            }),
        ),
        (
            "total",
            measure(quick, || {
                let previous = read::objects(&previous_yaml, Syntax::Yaml);
                let now = compile("new.kdl", &new_text);
                match (previous, now) {
                    (Ok(previous), Ok(now)) => {
                        let report = diff::diff(&previous, now.manifests.iter().map(|m| &m.object));
                        diff::render::markdown(&report)
                    }
                    _ => String::new(),
                }
            }),
        ),
    ];

    let mode = if quick {
        "quick mode: ONE iteration per cell, a smoke run — not a measurement".to_owned()
    } else {
        format!(
            "median of >= {MIN_ITERATIONS} runs and >= {} ms of samples per cell, after one warm-up run",
            MIN_TOTAL.as_millis()
        )
    };
    println!("windlass diff benchmark ({mode})");
    println!(
        "app of {SIZE} workloads ({services} services), {} objects, {:.1} MB of previous YAML; \
         every {EVERY}th service changed: {expected} Deployments differ; Markdown report {:.1} KB",
        previous.len(),
        previous_yaml.len() as f64 / 1e6,
        markdown.len() as f64 / 1e3,
    );
    println!();
    println!("{:>10} {:>12} {:>8}", "cell", "median ms", "samples");
    println!("{}", "-".repeat(32));
    for (name, cell) in &cells {
        println!(
            "{name:>10} {:>12.3} {:>8}",
            cell.median.as_secs_f64() * 1e3,
            cell.samples
        );
    }
    ExitCode::SUCCESS
}
