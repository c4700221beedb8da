//! Reading speed of `windlass::syntax::reader` against `kdl::KdlDocument::parse`, on the example
//! applications and on generated descriptions of 10, 100, 1000 and 5000 services, in MB/s
//! (10^6 bytes per second of the median run; the document is dropped after the clock stops).
//! Speed is reported, never asserted; the run fails only when the two readers disagree on an
//! input's nodes.
//!
//! Run with `cargo bench --bench reader`. `WINDLASS_BENCH_QUICK=1` or `--quick` (and running the
//! binary without cargo's `--bench`, as `cargo test --all-targets` does) times one run of each
//! input up to 100 services, a smoke run.

#![allow(
    clippy::disallowed_methods,
    reason = "the benchmark reads the examples from disk; the compiler core stays IO-free"
)]

mod common;
mod generate;

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use common::Timer;
use generate::Databases;
use kdl::KdlDocument;

/// The least total time of a cell's runs (outside quick mode).
const MIN_TOTAL: Duration = Duration::from_millis(300);

/// Nodes at every depth, to check that both readers saw the same document.
fn count_nodes(doc: &KdlDocument) -> usize {
    doc.nodes()
        .iter()
        .map(|n| 1 + n.children().map_or(0, count_nodes))
        .sum()
}

/// Every `.kdl` file under `dir`, sorted.
fn kdl_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            kdl_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "kdl") {
            out.push(path);
        }
    }
}

/// The inputs: `(name, text)`; in quick mode only the smaller generated ones (the `kdl` crate
/// takes seconds on a megabyte in a debug build).
fn inputs(quick: bool) -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = Vec::new();
    kdl_files(&root.join("examples"), &mut paths);
    let mut out: Vec<(String, String)> = paths
        .iter()
        .filter_map(|p| {
            let text = std::fs::read_to_string(p).ok()?;
            let name = p.strip_prefix(root).unwrap_or(p).display().to_string();
            Some((name, text))
        })
        .collect();
    let databases = Databases::detect();
    let sizes: &[usize] = if quick {
        &[10, 100]
    } else {
        &[10, 100, 1000, 5000]
    };
    for &size in sizes {
        out.push((
            format!("generated, {size} services"),
            generate::application(size, databases),
        ));
    }
    out
}

fn mb_per_s(bytes: usize, time: Duration) -> f64 {
    bytes as f64 / time.as_secs_f64().max(1e-12) / 1e6
}

fn main() -> ExitCode {
    let timer = Timer::new(common::quick_mode(), MIN_TOTAL);
    let quick = timer.quick;
    println!(
        "KDL reading speed: windlass::syntax::reader vs kdl::KdlDocument::parse ({})",
        timer.describe()
    );
    println!("MB = 10^6 bytes; times are the median run\n");
    println!(
        "{:<44} {:>9} {:>7} {:>11} {:>11} {:>12} {:>12} {:>8}",
        "input", "KB", "nodes", "reader ms", "kdl ms", "reader MB/s", "kdl MB/s", "speedup"
    );
    let mut failed = false;
    for (name, text) in inputs(quick) {
        let (ours, theirs) = (
            windlass::syntax::reader::read(&text),
            KdlDocument::parse(&text),
        );
        let nodes = match (&ours, &theirs) {
            (Ok(a), Ok(b)) if a.len() == count_nodes(b) => a.len(),
            _ => {
                eprintln!("error: the readers disagree on {name}");
                failed = true;
                continue;
            }
        };
        let reader = timer
            .measure(|| windlass::syntax::reader::read(black_box(&text)))
            .median;
        let kdl = timer
            .measure(|| KdlDocument::parse(black_box(&text)))
            .median;
        println!(
            "{:<44} {:>9.1} {:>7} {:>11.3} {:>11.3} {:>12.1} {:>12.2} {:>7.0}x",
            name,
            text.len() as f64 / 1e3,
            nodes,
            reader.as_secs_f64() * 1e3,
            kdl.as_secs_f64() * 1e3,
            mb_per_s(text.len(), reader),
            mb_per_s(text.len(), kdl),
            kdl.as_secs_f64() / reader.as_secs_f64().max(1e-12),
        );
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
