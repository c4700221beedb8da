//! Times `windlass check` on every class of bad input of the bad-input suite (`tests/bad_input.rs`,
//! whose generators this includes): the whole process (`target/release/windlass check`, the
//! binary cargo builds for the benchmark) and, in process, `windlass::compile` and the rendering
//! of its findings. Prints the worst time per class, every input over a second, and every crash.
//! The issue asks that `check` take no more than a second on any bad input; that is measured
//! here, never asserted in a test.
//!
//! Run with `cargo bench --bench bad_input`. Environment:
//!
//! - `WINDLASS_BENCH_QUICK=1` — a smoke run: a few small inputs per class, one run each. Also
//!   chosen by `--quick`, and when the binary runs without cargo's `--bench` flag (as
//!   `cargo test --all-targets` runs it).
//! - `WINDLASS_BENCH_TIMEOUT=SECONDS` — how long one `check` process may run before it is killed
//!   and reported (default 60).
//!
//! Exits with 0 after printing, whatever it found: crashes and slow inputs are findings to read.

mod common;

#[path = "../tests/bad_input.rs"]
#[allow(
    dead_code,
    reason = "the suite's test helpers are not used by the benchmark"
)]
mod suite;

use std::collections::BTreeMap;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use suite::cases::{self, Case, Class, Known};
use windlass::source::Loader;

/// `check` may take this long on any input (the bar).
const BAR: Duration = Duration::from_secs(1);
/// Runs of the slowest inputs of a class, to report a median rather than one sample.
const RERUNS: usize = 5;
/// How many of the slowest inputs of each class are run again.
const SLOWEST: usize = 3;

/// Reads imports from disk.
struct DiskLoader;

impl Loader for DiskLoader {
    #[allow(
        clippy::disallowed_methods,
        reason = "the benchmark reads the examples' imports"
    )]
    fn load(&self, path: &Path) -> std::io::Result<String> {
        std::fs::read_to_string(path)
    }
}

/// How the benchmark runs.
struct Settings {
    /// Small inputs, one run each.
    quick: bool,
    /// The longest a `check` process may run.
    timeout: Duration,
    /// The binary.
    binary: PathBuf,
}

impl Settings {
    fn from_env() -> Self {
        let quick = common::quick_mode();
        let timeout = std::env::var("WINDLASS_BENCH_TIMEOUT")
            .ok()
            .and_then(|v| v.parse().ok())
            .map_or(Duration::from_secs(60), Duration::from_secs);
        Settings {
            quick,
            timeout,
            binary: PathBuf::from(env!("CARGO_BIN_EXE_windlass")),
        }
    }
}

/// The inputs of every class, at full size (or small ones in quick mode).
fn inputs(quick: bool) -> Vec<Case> {
    let examples = cases::examples();
    let mut all = Vec::new();
    if quick {
        all.extend(cases::truncated(&examples, 1));
        all.extend(cases::garbage(2, 200));
        all.extend(cases::deep(10_000));
        all.extend(cases::huge(false));
        all.extend(cases::wrong_types(&examples[..1], 0));
        all.extend(cases::mutations(&examples, 1));
        all.extend(cases::repeated(2_000));
        // Only what finishes quickly and does not crash.
        all.retain(|c| c.known.is_none());
    } else {
        all.extend(cases::truncated(&examples, 100));
        all.extend(cases::garbage(100, 4096));
        all.extend(cases::deep(10_000));
        all.extend(cases::huge(true));
        all.extend(cases::wrong_types(&examples, 20));
        all.extend(cases::mutations(&examples, 100));
        all.extend(cases::repeated(20_000));
        all.extend(cases::reproducers());
    }
    all
}

/// One `check` process: its wall time and how it ended (`None`: killed at the timeout).
struct Run {
    elapsed: Duration,
    status: Option<ExitStatus>,
}

/// Runs `windlass check` in `dir` (on its `windlass.kdl`), discarding the output.
fn run_check(settings: &Settings, dir: &Path) -> Run {
    let start = Instant::now();
    let child = Command::new(&settings.binary)
        .arg("check")
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    let Ok(mut child) = child else {
        return Run {
            elapsed: start.elapsed(),
            status: None,
        };
    };
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return Run {
                elapsed: start.elapsed(),
                status: Some(status),
            };
        }
        if start.elapsed() > settings.timeout {
            let _ = child.kill();
            let _ = child.wait();
            return Run {
                elapsed: start.elapsed(),
                status: None,
            };
        }
        std::thread::sleep(Duration::from_micros(200));
    }
}

/// Writes the case as `windlass.kdl` in a fresh directory under `root`, beside a copy of its
/// example's other files (so imports resolve).
#[allow(
    clippy::disallowed_methods,
    reason = "the benchmark writes its inputs to temporary directories"
)]
fn project(root: &Path, case: &Case) -> std::io::Result<PathBuf> {
    let dir = root.join("project");
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    std::fs::create_dir_all(&dir)?;
    if let Some(origin) = &case.origin
        && let Some(example) = cases::root().join(origin).parent()
    {
        copy_dir(example, &dir)?;
    }
    std::fs::write(dir.join("windlass.kdl"), &case.bytes)?;
    Ok(dir)
}

#[allow(
    clippy::disallowed_methods,
    reason = "the benchmark writes its inputs to temporary directories"
)]
fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    for entry in std::fs::read_dir(from)? {
        let path = entry?.path();
        let target = to.join(path.file_name().unwrap_or_default());
        if path.is_dir() {
            std::fs::create_dir_all(&target)?;
            copy_dir(&path, &target)?;
        } else {
            std::fs::copy(&path, &target)?;
        }
    }
    Ok(())
}

/// In-process times of one input: `windlass::compile`, and the rendering `check` does (the
/// human report and the machine formats).
struct InProcess {
    compile: Duration,
    render: Duration,
    /// The panic message, when it panicked.
    panic: Option<String>,
}

fn in_process(case: &Case) -> InProcess {
    let text = case.text();
    let path = case.path();
    let name = path.to_string_lossy().into_owned();
    let mut times = (Duration::ZERO, Duration::ZERO);
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let start = Instant::now();
        let c = black_box(windlass::compile(
            windlass::Input::new(&name, &path, text),
            &windlass::Options::default(),
            &DiskLoader,
        ));
        times.0 = start.elapsed();
        let start = Instant::now();
        let findings = c.located();
        black_box(windlass::diag::format::human(&c.diagnostics, false));
        black_box(windlass::check::sarif::sarif(&findings));
        times.1 = start.elapsed();
    }));
    let panic = result.err().map(|p| {
        p.downcast_ref::<String>()
            .cloned()
            .or_else(|| p.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_else(|| "a panic".to_owned())
    });
    InProcess {
        compile: times.0,
        render: times.1,
        panic,
    }
}

/// What one input did.
struct Measured {
    case: Case,
    /// The median wall time of the `check` process.
    process: Duration,
    /// How it ended (`None`: killed at the timeout).
    status: Option<ExitStatus>,
    /// The in-process times, unless the input crashes the process or takes too long.
    inside: Option<InProcess>,
    /// Why there are no in-process times.
    skipped: Option<&'static str>,
}

impl Measured {
    /// A crash or a kill: not a clean exit 0, 1 or 2.
    fn crashed(&self) -> bool {
        !matches!(self.status.and_then(|s| s.code()), Some(0..=2))
    }

    fn ending(&self) -> String {
        match self.status {
            Some(status) => cases::status(status),
            None => "killed at the timeout".to_owned(),
        }
    }
}

/// Measures every input; the slowest of each class run again for a median.
fn measure(settings: &Settings, all: Vec<Case>, root: &Path) -> Vec<Measured> {
    let mut out: Vec<Measured> = Vec::new();
    for case in all {
        let dir = match project(root, &case) {
            Ok(dir) => dir,
            Err(err) => {
                eprintln!("error: cannot write {}: {err}", case.name);
                continue;
            }
        };
        let run = run_check(settings, &dir);
        let (inside, skipped) = if run.status.is_none() {
            (None, Some("the process was killed"))
        } else if case.known == Some(Known::StackOverflow)
            || run.status.is_some_and(|s| s.code().is_none())
        {
            // A stack overflow aborts this process too.
            (None, Some("it aborts the process"))
        } else if run.elapsed > Duration::from_secs(5) {
            (None, Some("the process took over 5 s"))
        } else {
            (Some(in_process(&case)), None)
        };
        out.push(Measured {
            case,
            process: run.elapsed,
            status: run.status,
            inside,
            skipped,
        });
    }
    if !settings.quick {
        let mut by_class: BTreeMap<Class, Vec<usize>> = BTreeMap::new();
        for (i, m) in out.iter().enumerate() {
            if m.status.is_some() && !m.crashed() {
                by_class.entry(m.case.class).or_default().push(i);
            }
        }
        for indices in by_class.values_mut() {
            indices.sort_by_key(|&i| std::cmp::Reverse(out[i].process));
            for &i in indices.iter().take(SLOWEST) {
                if out[i].process > Duration::from_secs(5) {
                    continue;
                }
                let Ok(dir) = project(root, &out[i].case) else {
                    continue;
                };
                let mut samples: Vec<Duration> = (0..RERUNS)
                    .map(|_| run_check(settings, &dir).elapsed)
                    .collect();
                samples.sort_unstable();
                out[i].process = samples[RERUNS / 2];
            }
        }
    }
    out
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1e3)
}

/// Shortens a case's name for the table.
fn short(name: &str, width: usize) -> String {
    if name.chars().count() <= width {
        name.to_owned()
    } else {
        let mut s: String = name.chars().take(width - 1).collect();
        s.push('…');
        s
    }
}

fn print_report(settings: &Settings, measured: &[Measured]) {
    let mode = if settings.quick {
        "QUICK MODE: small inputs, one run each — a smoke run, not a measurement"
    } else {
        "the slowest 3 inputs of each class: median of 5 process runs; the rest: one run"
    };
    println!("windlass bad-input benchmark ({mode})");
    println!("binary: {}", settings.binary.display());
    println!(
        "process = wall time of `windlass check` (spawn to exit); compile = windlass::compile in \
         process; render = the human report and SARIF of its findings; times in ms"
    );
    println!();
    let header = format!(
        "{:<16} {:>6} {:>8} {:>6} {:>11} {:>11} {:>11}  {}",
        "class",
        "inputs",
        "crashes",
        "> 1 s",
        "process",
        "compile",
        "render",
        "slowest input (process)"
    );
    println!("{header}");
    println!("{}", "-".repeat(header.len() + 20));
    for class in Class::ALL {
        let rows: Vec<&Measured> = measured.iter().filter(|m| m.case.class == class).collect();
        if rows.is_empty() {
            continue;
        }
        let crashes = rows.iter().filter(|m| m.crashed()).count();
        let over = rows.iter().filter(|m| m.process > BAR).count();
        let worst = rows.iter().max_by_key(|m| m.process);
        let worst_compile = rows
            .iter()
            .filter_map(|m| m.inside.as_ref())
            .map(|i| i.compile)
            .max()
            .unwrap_or_default();
        let worst_render = rows
            .iter()
            .filter_map(|m| m.inside.as_ref())
            .map(|i| i.render)
            .max()
            .unwrap_or_default();
        println!(
            "{:<16} {:>6} {:>8} {:>6} {:>11} {:>11} {:>11}  {}",
            class.name(),
            rows.len(),
            crashes,
            over,
            worst.map_or_else(String::new, |m| ms(m.process)),
            ms(worst_compile),
            ms(worst_render),
            worst.map_or_else(String::new, |m| short(&m.case.name, 60)),
        );
    }
    println!();
    let mut findings: Vec<&Measured> = measured
        .iter()
        .filter(|m| {
            m.crashed() || m.process > BAR || m.inside.as_ref().is_some_and(|i| i.panic.is_some())
        })
        .collect();
    findings.sort_by_key(|m| (m.case.class, std::cmp::Reverse(m.process)));
    if findings.is_empty() {
        println!(
            "every input: check exited 0, 1 or 2 within {} s",
            BAR.as_secs()
        );
        return;
    }
    println!(
        "inputs that crash `check` or take over {} s:",
        BAR.as_secs()
    );
    for m in findings {
        let inside = match (&m.inside, m.skipped) {
            (Some(i), _) => match &i.panic {
                Some(p) => format!("in process: panics: {}", short(p, 80)),
                None => format!(
                    "in process: compile {} ms, render {} ms",
                    ms(i.compile),
                    ms(i.render)
                ),
            },
            (None, Some(why)) => format!("in process: not run ({why})"),
            (None, None) => String::new(),
        };
        println!(
            "  {:<15} {:>10} ms  {:<44} {}",
            m.case.class.name(),
            ms(m.process),
            m.ending(),
            short(&m.case.name, 70)
        );
        if !inside.is_empty() {
            println!("  {:<15} {:>13}  {inside}", "", "");
        }
    }
}

fn main() {
    let settings = Settings::from_env();
    let root = match tempfile::tempdir() {
        Ok(root) => root,
        Err(err) => {
            eprintln!("error: cannot create a temporary directory: {err}");
            std::process::exit(2);
        }
    };
    let all = inputs(settings.quick);
    let measured = measure(&settings, all, root.path());
    print_report(&settings, &measured);
}
