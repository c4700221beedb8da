//! Times each stage of the pipeline — parse, resolve, check, lower, render — and the whole
//! compilation, on generated applications of 10, 100 and 1000 workloads (and 5000 with
//! `WINDLASS_BENCH_LARGE=1`), and prints a table of medians. Speed is reported, never asserted.
//!
//! Run with `cargo bench --bench pipeline` (or `bash scripts/bench.sh`, which adds whole-process
//! timings). Environment:
//!
//! - `WINDLASS_BENCH_LARGE=1` — add the 5000-workload size.
//! - `WINDLASS_BENCH_QUICK=1` — one iteration per cell, a smoke run. Also chosen by `--quick`, and
//!   when the binary runs without cargo's `--bench` flag (as `cargo test --all-targets` runs it).
//! - `WINDLASS_BENCH_WRITE=DIR` — write the generated descriptions `DIR/app-SIZE.kdl` and exit.
//!
//! Exits with 1 (after printing the diagnostics) when a generated description does not compile
//! cleanly, so a broken generator or a regression in the compiler is noticed; 2 when writing fails.

mod generate;

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use generate::Databases;
use windlass::render::{self, Format};
use windlass::source::{Loader, Sources};
use windlass::{check, lower, parse, resolve};

/// The sizes always measured.
const SIZES: &[usize] = &[10, 100, 1000];
/// The size added by `WINDLASS_BENCH_LARGE=1`.
const LARGE: usize = 5000;
/// The least number of timed iterations of a cell (outside quick mode).
const MIN_ITERATIONS: usize = 5;
/// The most timed iterations of a cell, so microsecond-long stages finish in bounded time.
const MAX_ITERATIONS: usize = 100_000;
/// The least total time of a cell's samples (outside quick mode).
const MIN_TOTAL: Duration = Duration::from_millis(200);

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

/// How the benchmark runs, from the environment and the command line.
struct Settings {
    /// One iteration per cell, no warm-up.
    quick: bool,
    /// The sizes to measure.
    sizes: Vec<usize>,
    /// Write the descriptions here and exit, instead of measuring.
    write: Option<PathBuf>,
}

impl Settings {
    /// Reads `WINDLASS_BENCH_*` and the arguments cargo passes.
    fn from_env() -> Self {
        let flag = |name: &str| std::env::var(name).is_ok_and(|v| v == "1");
        let args: Vec<String> = std::env::args().skip(1).collect();
        let has = |a: &str| args.iter().any(|x| x == a);
        let quick = flag("WINDLASS_BENCH_QUICK") || has("--quick") || !has("--bench");
        let mut sizes = SIZES.to_vec();
        if flag("WINDLASS_BENCH_LARGE") {
            sizes.push(LARGE);
        }
        let write = std::env::var_os("WINDLASS_BENCH_WRITE")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from);
        Settings {
            quick,
            sizes,
            write,
        }
    }
}

/// The median time of one measured cell, and how many samples it took.
#[derive(Clone, Copy)]
struct Cell {
    /// The median sample.
    median: Duration,
    /// The number of timed samples.
    samples: usize,
}

/// Times `run` on a fresh input from `setup` (untimed) until there are enough samples, and returns
/// the median. The output of `run` is dropped after the clock stops.
fn measure<S, T>(
    settings: &Settings,
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
    let iterations = if settings.quick {
        1
    } else {
        // The warm-up sample fills caches and sizes the run; it is not counted.
        let warm = sample().max(Duration::from_nanos(1));
        let needed = MIN_TOTAL.as_nanos().div_ceil(warm.as_nanos());
        usize::try_from(needed)
            .unwrap_or(MAX_ITERATIONS)
            .clamp(MIN_ITERATIONS, MAX_ITERATIONS)
    };
    let mut samples: Vec<Duration> = (0..iterations).map(|_| sample()).collect();
    samples.sort_unstable();
    Cell {
        median: median(&samples),
        samples: samples.len(),
    }
}

/// The median of sorted samples (the mean of the middle two for an even count).
fn median(sorted: &[Duration]) -> Duration {
    match sorted.len() {
        0 => Duration::ZERO,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2,
    }
}

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
    /// Medians of parse, resolve, check, lower, render, `compile`, and `compile` + render.
    cells: [Cell; 7],
}

/// Column titles of the stage timings, in the order of [`Row::cells`].
const STAGES: [&str; 7] = [
    "parse", "resolve", "check", "lower", "render", "compile", "build",
];

/// Compiles the description of `size` once, checks it is clean, and times every stage.
/// `Err` carries the rendered diagnostics when the description does not compile.
fn bench_size(settings: &Settings, size: usize, databases: Databases) -> Result<Row, String> {
    let text = generate::application(size, databases);
    let name = format!("app-{size}.kdl");
    let path = PathBuf::from(&name);

    // One untimed compilation checks the input and provides each stage's input.
    let compilation = windlass::compile(&name, &path, text.clone(), &NoImports);
    if !compilation.diagnostics.is_empty() {
        let report = windlass::printer::human(&compilation.diagnostics, false);
        if compilation.has_errors() {
            return Err(report);
        }
        eprintln!("warning: the description of size {size} has findings:\n{report}");
    }
    let manifests = compilation.manifests;
    let yaml = render::stream(&manifests, Format::Yaml);

    let mut base = Sources::new();
    let file = base.add(name.as_str(), path.as_path(), text.clone());
    let doc = parse::parse(&base, file)
        .map_err(|_| "the description parsed in `compile` but not alone".to_owned())?;
    let mut resolved_sources = base.clone();
    let (model, _) = resolve::resolve(&doc, file, &mut resolved_sources, &NoImports, None);
    let model = model.ok_or_else(|| "the description resolved to no app".to_owned())?;

    let parse = measure(settings, || (), |()| parse::parse(&base, file));
    let resolve = measure(
        settings,
        || base.clone(),
        |mut sources| {
            let out = resolve::resolve(&doc, file, &mut sources, &NoImports, None);
            (sources, out)
        },
    );
    let check = measure(
        settings,
        || (),
        |()| check::check(&model, &check::Config::default()),
    );
    let lower = measure(settings, || (), |()| lower::lower(&model));
    let render = measure(
        settings,
        || (),
        |()| render::stream(&manifests, Format::Yaml),
    );
    let compile = measure(
        settings,
        || text.clone(),
        |text| windlass::compile(&name, &path, text, &NoImports),
    );
    let build = measure(
        settings,
        || text.clone(),
        |text| {
            let c = windlass::compile(&name, &path, text, &NoImports);
            let yaml = render::stream(&c.manifests, Format::Yaml);
            (c, yaml)
        },
    );
    Ok(Row {
        size,
        input: text.len(),
        output: yaml.len(),
        objects: manifests.len(),
        cells: [parse, resolve, check, lower, render, compile, build],
    })
}

/// Milliseconds with four decimals (sub-microsecond stages still show a figure).
fn ms(d: Duration) -> String {
    format!("{:.4}", d.as_secs_f64() * 1e3)
}

/// Prints the header of the table.
fn print_header(settings: &Settings, databases: Databases) {
    let mode = if settings.quick {
        "quick mode: ONE iteration per cell, a smoke run — not a measurement".to_owned()
    } else {
        format!(
            "median of >= {MIN_ITERATIONS} runs and >= {} ms of samples per cell, after one warm-up run",
            MIN_TOTAL.as_millis()
        )
    };
    let dbs = match databases {
        Databases::Stdlib => "`database dbK engine=postgres` (stdlib component)",
        Databases::Stateful => {
            "`stateful dbK { … }` (NOTE: stdlib has no `postgres` component yet)"
        }
    };
    println!("windlass pipeline benchmark ({mode})");
    println!(
        "app of size N: frontend + gateway + N-2 services + N/10 databases as {dbs}; \
         times in ms; KB = 1000 bytes, MB = 10^6 bytes"
    );
    println!(
        "compile = windlass::compile (parse..lower); build = compile + YAML render (what `windlass build` does in-process)"
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
        line.push_str(&format!(" {:>10}", ms(cell.median)));
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

/// Writes the description of every size to `dir/app-SIZE.kdl`.
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
    }
    Ok(())
}

/// Runs the benchmark, or writes the descriptions when asked to.
fn main() -> ExitCode {
    let settings = Settings::from_env();
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
                eprintln!(
                    "error: the generated description of size {size} does not compile:\n{report}"
                );
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}
