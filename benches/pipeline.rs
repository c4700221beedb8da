//! Times each stage of the pipeline — parse, resolve, check, lower, render — and the whole
//! compilation, and the two stages of `windlass diff --against FILE` — reading the previous YAML
//! stream and diffing — on generated applications of 10, 100, 1000 and 5000 workloads, and prints
//! a table of medians. Speed is reported, never asserted.
//!
//! The diff is the one a pull request makes: the previous output is the YAML of the application
//! (`generate::application`), the new objects those of the version with every tenth service
//! changed (`generate::changed_application`).
//!
//! Run with `cargo bench --bench pipeline` (or `bash scripts/bench.sh`, which adds whole-process
//! timings and peak memory). Environment:
//!
//! - `WINDLASS_BENCH_SIZES="10 100"` — the sizes to measure (default `10 100 1000 5000`, and
//!   `10 100 1000` in quick mode).
//! - `WINDLASS_BENCH_QUICK=1` — one iteration per cell, a smoke run. Also chosen by `--quick`, and
//!   when the binary runs without cargo's `--bench` flag (as `cargo test --all-targets` runs it).
//! - `WINDLASS_BENCH_WRITE=DIR` — write the generated descriptions `DIR/app-SIZE.kdl` and their
//!   changed versions `DIR/app-SIZE-changed.kdl`, print their paths, and exit.
//!
//! Exits with 1 (after printing the diagnostics) when a generated description does not compile
//! cleanly or the diff is not the expected rollouts, so a broken generator or a regression in the
//! compiler is noticed; 2 when writing fails or `WINDLASS_BENCH_SIZES` is not a list of sizes.

mod common;
mod generate;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use common::{Cell, NoImports, Timer};
use generate::Databases;
use serde_json::Value;
use windlass::diff::read::{self, Syntax};
use windlass::render::{self, Format};
use windlass::source::Sources;
use windlass::syntax::parse;
use windlass::{check, lower, resolve};

/// The sizes measured by default.
const SIZES: &[usize] = &[10, 100, 1000, 5000];
/// The sizes measured by default in quick mode (`cargo test` runs a debug build).
const QUICK_SIZES: &[usize] = &[10, 100, 1000];
/// The least total time of a cell's samples (outside quick mode).
const MIN_TOTAL: Duration = Duration::from_millis(200);

/// How the benchmark runs, from the environment and the command line.
struct Settings {
    /// How each cell is timed.
    timer: Timer,
    /// The sizes to measure.
    sizes: Vec<usize>,
    /// Write the descriptions here and exit, instead of measuring.
    write: Option<PathBuf>,
}

impl Settings {
    /// Reads `WINDLASS_BENCH_*` and the arguments cargo passes; `Err` when
    /// `WINDLASS_BENCH_SIZES` is not a list of sizes.
    fn from_env() -> Result<Self, String> {
        let quick = common::quick_mode();
        let sizes = match std::env::var("WINDLASS_BENCH_SIZES") {
            Ok(list) if !list.trim().is_empty() => list
                .split([' ', ','])
                .filter(|s| !s.is_empty())
                .map(|s| match s.parse::<usize>() {
                    Ok(n) if n > 0 => Ok(n),
                    _ => Err(format!(
                        "WINDLASS_BENCH_SIZES: `{s}` is not a size (a whole number of workloads)"
                    )),
                })
                .collect::<Result<Vec<_>, _>>()?,
            _ if quick => QUICK_SIZES.to_vec(),
            _ => SIZES.to_vec(),
        };
        let write = std::env::var_os("WINDLASS_BENCH_WRITE")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from);
        Ok(Settings {
            timer: Timer::new(quick, MIN_TOTAL),
            sizes,
            write,
        })
    }
}

/// Column titles of the stage timings, in the order of [`Row::cells`].
const STAGES: [&str; 9] = [
    "parse", "resolve", "check", "lower", "render", "read", "diff", "compile", "build",
];

/// The figures of one size.
struct Row {
    /// Workloads besides the databases.
    size: usize,
    /// Bytes of KDL.
    input: usize,
    /// Bytes of the YAML stream.
    output: usize,
    /// Kubernetes objects emitted.
    objects: usize,
    /// Medians of the [`STAGES`].
    cells: [Cell; 9],
}

/// Compiles the description of `size` and its changed version once, checks they are clean and
/// that their diff is the expected rollouts, and times every stage. `Err` says what is wrong.
fn bench_size(settings: &Settings, size: usize, databases: Databases) -> Result<Row, String> {
    let timer = &settings.timer;
    let text = generate::application(size, databases);
    let name = format!("app-{size}.kdl");
    let path = PathBuf::from(&name);

    // Untimed: check the inputs and provide each stage's input.
    let compilation = common::compile(&name, &text)?;
    let manifests = compilation.manifests();
    let yaml = render::stream(manifests, Format::Yaml);

    let changed_name = format!("app-{size}-changed.kdl");
    let changed = common::compile(
        &changed_name,
        &generate::changed_application(size, databases),
    )?;
    let new_objects: Vec<Value> = changed
        .manifests()
        .iter()
        .map(|m| m.object.clone())
        .collect();
    let previous = read::objects(&yaml, Syntax::Yaml)
        .map_err(|err| format!("the YAML of {name} does not read back: {err}"))?;
    common::expect_rollouts(
        &windlass::diff::diff(&previous, &new_objects),
        generate::changed_count(size),
    )
    .map_err(|err| format!("diff of {name} and {changed_name}: {err}"))?;

    let mut base = Sources::new();
    let file = base.add(name.as_str(), path.as_path(), text.clone());
    let doc = parse::parse(&base, file)
        .map_err(|_| "the description parsed in `compile` but not alone".to_owned())?;
    let mut resolved_sources = base.clone();
    let (model, _) = resolve::resolve(&doc, file, &mut resolved_sources, &NoImports, None);
    let model = model.ok_or_else(|| "the description resolved to no app".to_owned())?;

    let parse = timer.measure(|| parse::parse(&base, file));
    let resolve = timer.measure_with(
        || base.clone(),
        |mut sources| {
            let out = resolve::resolve(&doc, file, &mut sources, &NoImports, None);
            (sources, out)
        },
    );
    let check = timer.measure(|| check::check(&model, &check::Config::default()));
    let lower = timer.measure(|| lower::lower(&model));
    let render = timer.measure(|| render::stream(manifests, Format::Yaml));
    let read = timer.measure(|| read::objects(&yaml, Syntax::Yaml));
    let diff = timer.measure(|| windlass::diff::diff(&previous, &new_objects));
    let compile = timer.measure_with(
        || text.clone(),
        |text| {
            windlass::compile(
                windlass::Input::new(&name, &path, text),
                &windlass::Options::default(),
                &NoImports,
            )
        },
    );
    let build = timer.measure_with(
        || text.clone(),
        |text| {
            let c = windlass::compile(
                windlass::Input::new(&name, &path, text),
                &windlass::Options::default(),
                &NoImports,
            );
            let yaml = render::stream(c.manifests(), Format::Yaml);
            (c, yaml)
        },
    );
    Ok(Row {
        size,
        input: text.len(),
        output: yaml.len(),
        objects: manifests.len(),
        cells: [
            parse, resolve, check, lower, render, read, diff, compile, build,
        ],
    })
}

/// Prints the header of the table.
fn print_header(settings: &Settings, databases: Databases) {
    let dbs = match databases {
        Databases::Stdlib => "`database dbK engine=postgres` (stdlib component)",
        Databases::Stateful => {
            "`stateful dbK { … }` (NOTE: stdlib has no `postgres` component yet)"
        }
    };
    println!(
        "windlass pipeline benchmark ({})",
        settings.timer.describe()
    );
    println!("app of size N: frontend + gateway + N-2 services + N/10 databases as {dbs}");
    println!("times in ms; KB = 1000 bytes, MB = 10^6 bytes");
    println!(
        "compile = windlass::compile (parse..lower); build = compile + YAML render (what `windlass build` does in-process)"
    );
    println!(
        "read = reading the YAML stream (out KB) back into objects; diff = windlass::diff::diff of those objects \
         and the ones of the version"
    );
    println!(
        "with every {}th service changed (what `windlass diff --against FILE` does after reading and compiling)",
        generate::CHANGE_EVERY
    );
    println!();
    let mut header = format!(
        "{:>6} {:>9} {:>9} {:>8}",
        "size", "in KB", "out KB", "objects"
    );
    for stage in STAGES {
        header.push_str(&format!(" {stage:>10}"));
    }
    header.push_str(&format!(" {:>11} {:>8}", "parse MB/s", "samples"));
    println!("{header}");
    println!("{}", "-".repeat(header.len()));
}

/// Prints one row of the table.
fn print_row(row: &Row) {
    let mut line = format!(
        "{:>6} {:>9.1} {:>9.1} {:>8}",
        row.size,
        row.input as f64 / 1e3,
        row.output as f64 / 1e3,
        row.objects
    );
    for cell in &row.cells {
        // Four decimals, so sub-microsecond stages still show a figure.
        line.push_str(&format!(" {:>10}", common::ms(cell.median, 4)));
    }
    let parse = row.cells[0].median.as_secs_f64();
    let throughput = if parse > 0.0 {
        format!("{:.1}", row.input as f64 / parse / 1e6)
    } else {
        "-".to_owned()
    };
    // The samples of the slowest cell (`build`) show how few runs the largest size got.
    let fewest = row.cells.iter().map(|c| c.samples).min().unwrap_or(0);
    line.push_str(&format!(" {throughput:>11} {fewest:>8}"));
    println!("{line}");
}

/// Writes the description of every size to `dir/app-SIZE.kdl` and its changed version to
/// `dir/app-SIZE-changed.kdl`, and prints their paths.
#[allow(
    clippy::disallowed_methods,
    reason = "the benchmark writes its inputs for scripts/bench.sh; the compiler core stays IO-free"
)]
fn write_descriptions(dir: &Path, sizes: &[usize], databases: Databases) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for &size in sizes {
        let path = dir.join(format!("app-{size}.kdl"));
        std::fs::write(&path, generate::application(size, databases))?;
        println!("{}", path.display());
        let path = dir.join(format!("app-{size}-changed.kdl"));
        std::fs::write(&path, generate::changed_application(size, databases))?;
        println!("{}", path.display());
    }
    Ok(())
}

/// Runs the benchmark, or writes the descriptions when asked to.
fn main() -> ExitCode {
    let settings = match Settings::from_env() {
        Ok(settings) => settings,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::from(2);
        }
    };
    let databases = Databases::detect();
    if let Some(dir) = &settings.write {
        return match write_descriptions(dir, &settings.sizes, databases) {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => {
                eprintln!("error: cannot write to {}: {err}", dir.display());
                ExitCode::from(2)
            }
        };
    }
    print_header(&settings, databases);
    for &size in &settings.sizes {
        match bench_size(&settings, size, databases) {
            Ok(row) => print_row(&row),
            Err(report) => {
                eprintln!("error: the generated application of size {size}: {report}");
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}
