//! Times `windlass diff` in detail on a generated application of 1,000 workloads (see
//! `generate/`) against the version in which every tenth service changed
//! (`generate::changed_application`: a new image patch release and another `DB_URL`, so 100
//! Deployments roll out), including the rendering of the report in each format. Prints a table of
//! medians. Speed is reported, never asserted. (`benches/pipeline.rs` times `read` and `diff` at
//! every size.)
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
//! rollouts it must be (a regression in the diff is noticed here too).

mod common;
mod generate;

use std::process::ExitCode;
use std::time::Duration;

use common::Timer;
use generate::Databases;
use serde_json::Value;
use windlass::diff::read::{self, Syntax};
use windlass::diff::{self, Section};
use windlass::render::{self, Format};

/// Workloads in the generated application.
const SIZE: usize = 1000;
/// The least total time of a cell's samples (outside quick mode).
const MIN_TOTAL: Duration = Duration::from_millis(500);

fn main() -> ExitCode {
    let timer = Timer {
        max_runs: 10_000,
        ..Timer::new(common::quick_mode(), MIN_TOTAL)
    };
    let databases = Databases::detect();
    let new_text = generate::changed_application(SIZE, databases);
    let compiled = common::compile("old.kdl", &generate::application(SIZE, databases))
        .and_then(|old| Ok((old, common::compile("new.kdl", &new_text)?)));
    let (old, new) = match compiled {
        Ok(pair) => pair,
        Err(report) => {
            eprintln!("error: the generated application {report}");
            return ExitCode::FAILURE;
        }
    };
    let previous_yaml = render::stream(old.manifests(), Format::Yaml);
    let previous = match read::objects(&previous_yaml, Syntax::Yaml) {
        Ok(objects) => objects,
        Err(err) => {
            eprintln!("error: the previous output does not read back: {err}");
            return ExitCode::FAILURE;
        }
    };
    let new_objects: Vec<Value> = new.manifests().iter().map(|m| m.object.clone()).collect();

    // Check the report once: every changed service rolls out, nothing else changes.
    let expected = generate::changed_count(SIZE);
    if let Err(err) = common::expect_rollouts(&diff::diff(&previous, &new_objects), expected) {
        eprintln!("error: {err}");
        return ExitCode::FAILURE;
    }
    let markdown =
        diff::report::markdown(&[Section::app(diff::diff(&previous, &new_objects))], None);

    let cells = [
        (
            "read",
            timer.measure(|| read::objects(&previous_yaml, Syntax::Yaml)),
        ),
        (
            "diff",
            timer.measure(|| diff::diff(&previous, &new_objects)),
        ),
        (
            "human",
            timer.measure(|| {
                diff::report::human(&[Section::app(diff::diff(&previous, &new_objects))], false)
            }),
        ),
        (
            "markdown",
            timer.measure(|| {
                diff::report::markdown(&[Section::app(diff::diff(&previous, &new_objects))], None)
            }),
        ),
        (
            "json",
            timer.measure(|| {
                diff::report::json(&[Section::app(diff::diff(&previous, &new_objects))])
            }),
        ),
        (
            "total",
            timer.measure(|| {
                let previous = read::objects(&previous_yaml, Syntax::Yaml);
                let now = common::compile("new.kdl", &new_text);
                match (previous, now) {
                    (Ok(previous), Ok(now)) => {
                        let report =
                            diff::diff(&previous, now.manifests().iter().map(|m| &m.object));
                        diff::report::markdown(&[Section::app(report.clone())], None)
                    }
                    _ => String::new(),
                }
            }),
        ),
    ];

    println!("windlass diff benchmark ({})", timer.describe());
    println!(
        "app of {SIZE} workloads ({} services), {} objects, {:.1} MB of previous YAML; \
         every {}th service changed: {expected} Deployments differ; Markdown report {:.1} KB",
        generate::service_count(SIZE),
        previous.len(),
        previous_yaml.len() as f64 / 1e6,
        generate::CHANGE_EVERY,
        markdown.len() as f64 / 1e3,
    );
    println!();
    println!("{:>10} {:>12} {:>8}", "cell", "median ms", "samples");
    println!("{}", "-".repeat(32));
    for (name, cell) in &cells {
        println!(
            "{name:>10} {:>12} {:>8}",
            common::ms(cell.median, 3),
            cell.samples
        );
    }
    ExitCode::SUCCESS
}
