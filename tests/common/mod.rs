//! Shared test helpers: where snapshots live, how a description is compiled from disk, and how
//! diagnostics are rendered (no colour, fixed width).

#![allow(
    dead_code,
    reason = "each test binary uses a different part of this module"
)]
#![allow(
    clippy::disallowed_methods,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests read fixtures, write temporary directories, and fail loudly"
)]

pub mod facts;
pub mod ports;
pub mod selectors;

use std::path::{Path, PathBuf};

use windlass::Compilation;
use windlass::source::Loader;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// insta settings that put every snapshot in the top-level `snapshots/` folder.
pub fn settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(root().join("snapshots"));
    settings.set_prepend_module_to_snapshot(true);
    settings.set_omit_expression(true);
    settings
}

/// Reads imports from disk.
pub struct DiskLoader;

impl Loader for DiskLoader {
    fn load(&self, path: &Path) -> std::io::Result<String> {
        std::fs::read_to_string(path)
    }
}

/// Reads nothing: for descriptions without imports.
pub struct NoFiles;

impl Loader for NoFiles {
    fn load(&self, path: &Path) -> std::io::Result<String> {
        Err(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!("{} (no files in this test)", path.display()),
        ))
    }
}

/// Compiles the description at `path` (relative to the repository root), naming it by that
/// relative path in diagnostics.
pub fn compile_file(relative: &str) -> Compilation {
    let text = std::fs::read_to_string(root().join(relative))
        .unwrap_or_else(|e| panic!("{relative}: {e}"));
    // Tests run in the crate root: a relative path keeps imported files' names relative too.
    windlass::compile(
        windlass::Input::new(relative, Path::new(relative), text),
        &windlass::Options::default(),
        &DiskLoader,
    )
}

/// Compiles the description at `relative` with the rules configured as `config` says.
pub fn compile_file_with(relative: &str, config: &windlass::check::Config) -> Compilation {
    let text = std::fs::read_to_string(root().join(relative))
        .unwrap_or_else(|e| panic!("{relative}: {e}"));
    windlass::compile(
        windlass::Input::new(relative, Path::new(relative), text),
        &windlass::Options {
            config: config.clone(),
            ..windlass::Options::default()
        },
        &DiskLoader,
    )
}

/// The findings of the description at `relative`, as `check` reports them: the base app's and
/// every environment's, merged, with the rules configured as `config` says.
pub fn check_file_with(
    relative: &str,
    config: &windlass::check::Config,
) -> Vec<windlass::diag::Located> {
    let text = std::fs::read_to_string(root().join(relative))
        .unwrap_or_else(|e| panic!("{relative}: {e}"));
    windlass::every_env::findings(
        &windlass::Input::new(relative, Path::new(relative), text),
        &windlass::Options {
            config: config.clone(),
            ..windlass::Options::default()
        },
        &DiskLoader,
    )
}

/// Compiles the description at `relative` for one environment (`None`: the base app).
pub fn compile_file_env(relative: &str, env: Option<&str>) -> Compilation {
    let text = std::fs::read_to_string(root().join(relative))
        .unwrap_or_else(|e| panic!("{relative}: {e}"));
    windlass::compile(
        windlass::Input::new(relative, Path::new(relative), text),
        &windlass::Options {
            env: env.map(str::to_owned),
            ..windlass::Options::default()
        },
        &DiskLoader,
    )
}

/// Compiles the description at `relative` for one environment (`None`: the base app), as far
/// as `goal`.
pub fn compile_file_to(relative: &str, env: Option<&str>, goal: windlass::Goal) -> Compilation {
    let text = std::fs::read_to_string(root().join(relative))
        .unwrap_or_else(|e| panic!("{relative}: {e}"));
    let options = windlass::Options {
        env: env.map(str::to_owned),
        goal,
        ..windlass::Options::default()
    };
    windlass::compile(
        windlass::Input::new(relative, relative, text),
        &options,
        &DiskLoader,
    )
}

/// The base app and every environment of a description: `(None, base)`, `(Some(env), …)`.
pub fn compile_every_env(relative: &str) -> Vec<(Option<String>, Compilation)> {
    let base = compile_file_env(relative, None);
    let envs = base.environments.clone();
    let mut out = vec![(None, base)];
    for env in envs {
        let c = compile_file_env(relative, Some(&env));
        out.push((Some(env), c));
    }
    out
}

/// Compiles KDL text that imports nothing.
pub fn compile_text(name: &str, text: &str) -> Compilation {
    windlass::compile(
        windlass::Input::new(name, Path::new(name), text.to_owned()),
        &windlass::Options::default(),
        &NoFiles,
    )
}

/// The diagnostics as a person sees them, without colour.
/// The documents of a YAML stream, read with the API server's YAML rules.
#[allow(dead_code, reason = "not every test binary reads YAML")]
pub fn yaml_documents(text: &str) -> Vec<serde_json::Value> {
    windlass::yaml::general::documents(text)
        .unwrap_or_else(|e| panic!("{e}:\n{text}"))
        .into_iter()
        .map(|(_, value)| value)
        .collect()
}

pub fn rendered(c: &Compilation) -> String {
    windlass::diag::format::human(&c.diagnostics, false)
}

/// Every `examples/*/windlass.kdl`, relative to the root, sorted.
pub fn examples() -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(root().join("examples"))
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.path().join("windlass.kdl").exists())
        .map(|e| format!("examples/{}/windlass.kdl", e.file_name().to_string_lossy()))
        .collect();
    out.sort();
    out
}

/// The descriptions under `tests/fixtures/forms/`: each language form at least once, snapshotted
/// and strictly validated like the examples.
pub fn forms() -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(root().join("tests/fixtures/forms"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| format!("tests/fixtures/forms/{}", e.file_name().to_string_lossy()))
        .filter(|p| p.ends_with(".kdl"))
        .collect();
    out.sort();
    out
}

/// Finds an external tool on PATH. When it is missing, the test fails under CI and is skipped
/// (with a note) elsewhere.
pub fn external_tool(name: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(name))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        assert!(
            std::env::var("CI").map_or(true, |v| v != "true"),
            "{name} is required when CI=true; .ci/run installs it"
        );
        eprintln!("note: {name} not found; skipping (CI=true makes this a failure)");
    }
    found
}

/// `windlass` run in `dir`, without colour.
pub fn windlass(dir: &Path) -> std::process::Command {
    let mut cmd = std::process::Command::new(insta_cmd::get_cargo_bin("windlass"));
    cmd.current_dir(dir).env("NO_COLOR", "1");
    cmd
}

/// Runs a command to completion.
pub fn run(cmd: &mut std::process::Command) -> std::process::Output {
    cmd.output().expect("windlass runs")
}

/// Runs a command to completion with `input` on its standard input.
pub fn run_with_input(cmd: &mut std::process::Command, input: &[u8]) -> std::process::Output {
    use std::io::Write as _;
    use std::process::Stdio;
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the command starts");
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(input)
        .expect("the command reads its input");
    child.wait_with_output().expect("the command runs")
}

/// Output bytes as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8 output")
}

/// A finding a fixture expects, or one reported: (severity, code, line, column).
pub type Finding = (String, String, usize, usize);

/// The findings a fixture states in comments: `// error[CODE]: LINE:COL` (also `warning`, `note`).
pub fn expectations(text: &str) -> std::collections::BTreeSet<Finding> {
    let mut out = std::collections::BTreeSet::new();
    for line in text.lines() {
        let Some(rest) = line.trim().strip_prefix("// ") else {
            continue;
        };
        let Some((head, pos)) = rest.split_once("]: ") else {
            continue;
        };
        let Some((severity, code)) = head.split_once('[') else {
            continue;
        };
        if !matches!(severity, "error" | "warning" | "note") {
            continue;
        }
        let (l, c) = pos.trim().split_once(':').expect("position is LINE:COL");
        out.insert((
            severity.to_owned(),
            code.to_owned(),
            l.parse().unwrap(),
            c.parse().unwrap(),
        ));
    }
    out
}

/// The Kubernetes version the objects are built for (k8s-openapi's `v1_37`).
pub const KUBERNETES: &str = "1.37.0";

/// Runs `kubernetes-validate --strict` for Kubernetes [`KUBERNETES`] on `files`, split over a process per core (it spends
/// about 25 ms per object).
pub fn strict_validate(validator: &Path, files: &[PathBuf]) -> Result<(), String> {
    let processes = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, 4)
        .min(files.len().max(1));
    let children: Vec<_> = (0..processes)
        .map(|p| {
            std::process::Command::new(validator)
                .args(["--strict", "--quiet", "-k", KUBERNETES])
                .args(files.iter().skip(p).step_by(processes))
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .map_err(|e| e.to_string())
        })
        .collect();
    let mut failures = String::new();
    for child in children {
        let out = child?.wait_with_output().map_err(|e| e.to_string())?;
        if !out.status.success() {
            failures.push_str(&String::from_utf8_lossy(&out.stdout));
            failures.push_str(&String::from_utf8_lossy(&out.stderr));
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures)
    }
}
