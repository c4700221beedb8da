//! The shapes that were once quadratic or unbounded, at the sizes that exposed them:
//!
//! - an app of 30,000 workloads with `network-policy`, each calling the next (lowering took
//!   19 s when every policy scanned every workload);
//! - 1 MB of previous output that is nothing but flow nesting (`[[[…`, `{{{…`, `a: [[[…`), as
//!   `diff --against` reads it.
//!
//! `cargo bench --bench worst_case` prints the median of each; in quick mode (as `cargo test
//! --benches` runs it) the sizes are a hundredth, a smoke run.

mod common;

use std::time::Duration;

use common::Timer;
use windlass::diff::read::{Syntax, objects};

/// An app of `n` services with `network-policy`, each `uses` the next.
fn policy_app(n: usize) -> String {
    let mut text = String::from("app big {\n    network-policy\n");
    for i in 0..n {
        text.push_str(&format!(
            "    service s{i} {{ image \"s:1.0.{}\"; port 8080; uses s{}; resources cpu=\"100m\" memory=\"128Mi\"; probe http \"/h\" }}\n",
            i % 10,
            (i + 1) % n
        ));
    }
    text.push_str("}\n");
    text
}

fn main() {
    let quick = common::quick_mode();
    let timer = Timer::new(quick, Duration::from_secs(3));
    let scale = if quick { 100 } else { 1 };
    println!("worst cases ({})", timer.describe());

    let workloads = 30_000 / scale;
    let text = policy_app(workloads);
    let compiled = match common::compile("policies.kdl", &text) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    let Some(app) = compiled.app.as_ref() else {
        eprintln!("policies.kdl has no model");
        std::process::exit(1);
    };
    let cell = timer.measure(|| windlass::lower::lower(app));
    println!(
        "  lower {workloads} workloads with network-policy: {:.1} ms (median of {})",
        cell.median.as_secs_f64() * 1e3,
        cell.samples
    );

    let size = 1_000_000 / scale;
    for (name, text) in [
        ("[", "[".repeat(size) + "\n"),
        ("{", "{".repeat(size) + "\n"),
        ("a: [", format!("a: {}\n", "[".repeat(size))),
    ] {
        let cell = timer.measure(|| objects(&text, Syntax::Yaml));
        let refused = objects(&text, Syntax::Yaml).is_err();
        println!(
            "  read {} KB of `{name}` nesting: {:.1} ms (median of {}){}",
            text.len() / 1000,
            cell.median.as_secs_f64() * 1e3,
            cell.samples,
            if refused { ", refused" } else { "" }
        );
    }
}
