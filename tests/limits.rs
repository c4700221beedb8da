//! Hostile input at the compiler's limits: import chains deeper than `MAX_IMPORT_DEPTH` (16
//! imported files), import cycles, imports that leave the project directory, blocks nested past
//! `parse::MAX_DEPTH` (64), files past `parse::MAX_FILE_BYTES` (4 MiB), more nodes or entries
//! than `reader::MAX_NODES` and `reader::MAX_ENTRIES`, more than 64 environments, and
//! descriptions with tens of thousands of nodes. Each turns into a diagnostic — never a crash —
//! with exit 1, nothing on stdout, and no output directory from `build -o`; each limit is also
//! tested at its edge, where the input still compiles (the node and entry limits' edges in the
//! reader's unit tests, in process).
//!
//! Not repeated here (see `tests/fixtures/errors/` and `tests/cli.rs`): a file that imports
//! itself, two imported files that import each other, a missing import, and `../` and absolute
//! imports of files that do not exist.
//! `tests/bad_input.rs` runs 10,000-deep nesting and 10 MB files through `check`.

#![allow(
    clippy::disallowed_methods,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests read fixtures, write temporary directories, and fail loudly"
)]

mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{run, text, windlass};

/// A finding of `check --format json`.
#[derive(Debug)]
struct Finding {
    code: String,
    severity: String,
    file: String,
    line: u64,
    column: u64,
    message: String,
}

/// The findings `windlass check --format json` reports in `dir` (it exits 1 on errors).
fn findings(dir: &Path) -> (Option<i32>, Vec<Finding>) {
    let out = run(windlass(dir).args(["check", "--format", "json"]));
    let list: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("check --format json: {e}\n{}", text(&out.stderr)));
    let findings = list
        .as_array()
        .expect("an array of findings")
        .iter()
        .map(|f| Finding {
            code: f["code"].as_str().unwrap().to_owned(),
            severity: f["severity"].as_str().unwrap().to_owned(),
            file: f["file"].as_str().unwrap_or_default().to_owned(),
            line: f["line"].as_u64().unwrap_or_default(),
            column: f["column"].as_u64().unwrap_or_default(),
            message: f["message"].as_str().unwrap().to_owned(),
        })
        .collect();
    (out.status.code(), findings)
}

/// The errors among `findings`.
fn errors(findings: &[Finding]) -> Vec<&Finding> {
    findings.iter().filter(|f| f.severity == "error").collect()
}

/// `build` in `dir` fails the way a description with errors must: exit 1, the reason on
/// stderr, nothing on stdout; and `build -o out` leaves no `out` (nor a staging directory).
fn build_refuses(dir: &Path) {
    let before = entries(dir);
    let build = run(windlass(dir).arg("build"));
    assert_eq!(build.status.code(), Some(1), "{}", text(&build.stderr));
    assert!(build.stdout.is_empty(), "build wrote to stdout");
    assert!(
        text(&build.stderr).contains("nothing written"),
        "{}",
        text(&build.stderr)
    );
    let to_dir = run(windlass(dir).args(["build", "-o", "out"]));
    assert_eq!(to_dir.status.code(), Some(1), "{}", text(&to_dir.stderr));
    assert!(to_dir.stdout.is_empty());
    assert!(!dir.join("out").exists(), "a failed build created out/");
    assert_eq!(entries(dir), before, "a failed build left files behind");
}

/// `build` in `dir` succeeds and prints YAML; returns it.
fn build_succeeds(dir: &Path) -> String {
    let build = run(windlass(dir).arg("build"));
    assert_eq!(build.status.code(), Some(0), "{}", text(&build.stderr));
    text(&build.stdout)
}

/// The names in `dir`, sorted (hidden ones included).
fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn write(path: &Path, content: &str) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(path, content).unwrap();
}

/// A component every import test can use: pinned image, resources, a port — no warnings.
const LEAF: &str = r#"component leaf kind=service {
    image "leaf:1.0.0"
    port 8080
    resources cpu="100m" memory="64Mi"
    probe http "/healthz"
}
"#;

/// `windlass.kdl` that imports `first` and uses the component `leaf`.
fn main_importing(first: &str) -> String {
    format!("import \"{first}\"\n\napp shop {{\n    use leaf api\n}}\n")
}

/// A project whose `windlass.kdl` imports `a1.kdl`, which imports `a2.kdl`, … down to
/// `a{files}.kdl`, which defines `leaf`.
fn import_chain(files: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("windlass.kdl"), &main_importing("a1.kdl"));
    for i in 1..=files {
        let content = if i < files {
            format!("import \"a{}.kdl\"\n", i + 1)
        } else {
            LEAF.to_owned()
        };
        write(&dir.path().join(format!("a{i}.kdl")), &content);
    }
    dir
}

/// 16 imported files below the description: the deepest chain `MAX_IMPORT_DEPTH` allows.
#[test]
fn an_import_chain_of_sixteen_files_compiles() {
    let dir = import_chain(16);
    let (code, found) = findings(dir.path());
    assert_eq!(code, Some(0), "{found:#?}");
    assert!(found.is_empty(), "{found:#?}");
    let yaml = build_succeeds(dir.path());
    assert!(yaml.contains("image: leaf:1.0.0"), "{yaml}");
}

/// One file more, and the 20 files of a runaway chain: `import-failed` on the import that goes
/// past the limit (in `a16.kdl`) and no other error — not `unknown-component` for `leaf`, which
/// the refused file would have defined — and nothing is built.
#[test]
fn an_import_chain_deeper_than_sixteen_files_is_refused() {
    for files in [17, 20] {
        let dir = import_chain(files);
        let (code, found) = findings(dir.path());
        assert_eq!(code, Some(1), "{files} files: {found:#?}");
        let refused = errors(&found);
        assert_eq!(refused.len(), 1, "{files} files: {found:#?}");
        let f = refused[0];
        assert_eq!(f.code, windlass::diag::codes::IMPORT_FAILED);
        assert!(f.message.contains("nest deeper"), "{}", f.message);
        assert_eq!((f.file.as_str(), f.line, f.column), ("a16.kdl", 1, 8));
        build_refuses(dir.path());
    }
}

/// Cycles the fixtures do not have: the description and the file it imports import each other,
/// and three imported files import one another in a ring. Each is reported once, on the import
/// that closes it; nothing is built.
#[test]
fn import_cycles_through_the_description_and_through_three_files_are_refused() {
    // windlass.kdl → a.kdl → windlass.kdl.
    let two = tempfile::tempdir().unwrap();
    write(&two.path().join("windlass.kdl"), &main_importing("a.kdl"));
    write(
        &two.path().join("a.kdl"),
        &format!("import \"windlass.kdl\"\n{LEAF}"),
    );
    // windlass.kdl → lib/a.kdl → lib/b.kdl → lib/c.kdl → lib/a.kdl.
    let three = tempfile::tempdir().unwrap();
    write(
        &three.path().join("windlass.kdl"),
        &main_importing("lib/a.kdl"),
    );
    write(
        &three.path().join("lib/a.kdl"),
        &format!("import \"b.kdl\"\n{LEAF}"),
    );
    write(&three.path().join("lib/b.kdl"), "import \"c.kdl\"\n");
    write(&three.path().join("lib/c.kdl"), "import \"a.kdl\"\n");

    for (dir, file) in [(&two, "a.kdl"), (&three, "lib/c.kdl")] {
        let (code, found) = findings(dir.path());
        assert_eq!(code, Some(1), "{found:#?}");
        let errors = errors(&found);
        assert_eq!(errors.len(), 1, "{found:#?}");
        assert_eq!(errors[0].code, windlass::diag::codes::IMPORT_CYCLE);
        assert_eq!((errors[0].file.as_str(), errors[0].line), (file, 1));
        build_refuses(dir.path());
    }
}

/// A project directory beside a directory `outside/` whose `shared.kdl` defines `leaf` with
/// another image. Returns (the parent, the project).
fn project_beside_outside() -> (tempfile::TempDir, std::path::PathBuf) {
    let parent = tempfile::tempdir().unwrap();
    write(
        &parent.path().join("outside/shared.kdl"),
        &LEAF.replace("leaf:1.0.0", "outside:6.6.6"),
    );
    let project = parent.path().join("project");
    std::fs::create_dir_all(&project).unwrap();
    (parent, project)
}

/// Imports of a file that exists outside the project directory are refused before the file is
/// read — by `../`, by an absolute path, and by `../../` from a file in a subdirectory — with
/// that one error (no `unknown-component` for `leaf`, which the file would have defined), while
/// `../` that stays inside the project is fine.
#[test]
fn imports_of_existing_files_outside_the_project_are_refused() {
    let (parent, project) = project_beside_outside();
    let absolute = parent.path().join("outside/shared.kdl");
    let absolute = absolute.to_string_lossy().replace('\\', "/");
    let cases = [
        ("../outside/shared.kdl", None),
        (absolute.as_str(), None),
        ("lib/../../outside/shared.kdl", None),
        ("lib/a.kdl", Some("import \"../../outside/shared.kdl\"\n")),
    ];
    for (import, lib) in cases {
        let _ = std::fs::remove_dir_all(project.join("lib"));
        write(&project.join("windlass.kdl"), &main_importing(import));
        if let Some(lib) = lib {
            write(&project.join("lib/a.kdl"), lib);
        }
        let (code, found) = findings(&project);
        assert_eq!(code, Some(1), "{import}: {found:#?}");
        let refused = errors(&found);
        assert_eq!(refused.len(), 1, "{import}: {found:#?}");
        assert_eq!(refused[0].code, windlass::diag::codes::IMPORT_FAILED);
        assert!(
            refused[0].message.contains("project directory"),
            "{import}: {}",
            refused[0].message
        );
        let build = run(windlass(&project).arg("build"));
        assert_eq!(build.status.code(), Some(1), "{import}");
        assert!(build.stdout.is_empty(), "{import}");
    }

    // Up from a subdirectory and back into the project: allowed.
    write(&project.join("windlass.kdl"), &main_importing("lib/a.kdl"));
    write(&project.join("lib/a.kdl"), "import \"../common.kdl\"\n");
    write(&project.join("common.kdl"), LEAF);
    let (code, found) = findings(&project);
    assert_eq!(code, Some(0), "{found:#?}");
    assert!(build_succeeds(&project).contains("image: leaf:1.0.0"));
}

/// The project directory is the description's, however the path to it is written: named from
/// a sibling directory (`../project/windlass.kdl`), its imports compile, and the ones that
/// leave it are still refused.
#[test]
fn a_description_named_through_a_parent_directory_keeps_its_imports() {
    let (parent, project) = project_beside_outside();
    write(&project.join("windlass.kdl"), &main_importing("lib/a.kdl"));
    write(&project.join("lib/a.kdl"), "import \"../common.kdl\"\n");
    write(&project.join("common.kdl"), LEAF);
    let deploy = parent.path().join("deploy");
    std::fs::create_dir_all(&deploy).unwrap();
    let built = run(windlass(&deploy).args(["build", "../project/windlass.kdl"]));
    assert_eq!(built.status.code(), Some(0), "{}", text(&built.stderr));
    assert!(text(&built.stdout).contains("image: leaf:1.0.0"));

    write(
        &project.join("lib/a.kdl"),
        "import \"../../outside/shared.kdl\"\n",
    );
    let refused = run(windlass(&deploy).args(["build", "../project/windlass.kdl"]));
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        text(&refused.stderr).contains("leaves the project directory"),
        "{}",
        text(&refused.stderr)
    );
    assert!(refused.stdout.is_empty());
}

/// A symbolic link inside the project that points outside it — to a file, to a directory, by
/// an absolute path — is an import outside the project too: the path's text stays inside, so the
/// loader is asked where it really leads (`Loader::real_path`). Each is refused with one
/// `import-failed` that says so, the outside file is not used, and nothing is built; a link that
/// stays inside the project is fine.
#[cfg(unix)]
#[test]
fn symlinks_that_leave_the_project_are_refused() {
    use std::os::unix::fs::symlink;
    let (parent, project) = project_beside_outside();
    let outside = parent.path().join("outside");
    symlink("../outside/shared.kdl", project.join("relative.kdl")).unwrap();
    symlink(outside.join("shared.kdl"), project.join("absolute.kdl")).unwrap();
    symlink("../outside", project.join("linked-dir")).unwrap();
    let mut escaped = Vec::new();
    for import in ["relative.kdl", "absolute.kdl", "linked-dir/shared.kdl"] {
        write(&project.join("windlass.kdl"), &main_importing(import));
        let (code, found) = findings(&project);
        let errors = errors(&found);
        let refused = errors.len() == 1
            && errors[0].code == windlass::diag::codes::IMPORT_FAILED
            && errors[0].message.contains("outside the project directory")
            && errors[0].message.contains("symbolic link")
            && (errors[0].file.as_str(), errors[0].line, errors[0].column)
                == ("windlass.kdl", 1, 8);
        let build = run(windlass(&project).arg("build"));
        if code != Some(1)
            || !refused
            || build.status.code() != Some(1)
            || text(&build.stdout).contains("outside:6.6.6")
        {
            escaped.push(format!(
                "{import}: check exit {code:?}, build exit {:?}, outside image built: {}, errors: {errors:#?}",
                build.status.code(),
                text(&build.stdout).contains("outside:6.6.6")
            ));
        }
    }
    assert!(escaped.is_empty(), "{}", escaped.join("\n"));

    // A link that stays inside the project: allowed.
    write(&project.join("lib/common.kdl"), LEAF);
    symlink("lib/common.kdl", project.join("inside.kdl")).unwrap();
    write(&project.join("windlass.kdl"), &main_importing("inside.kdl"));
    let (code, found) = findings(&project);
    assert_eq!(code, Some(0), "{found:#?}");
    assert!(build_succeeds(&project).contains("image: leaf:1.0.0"));
}

/// Two paths to one file — the file and a symbolic link to it — are one file: importing both
/// defines its components once, and a link back to the description closes a cycle.
#[cfg(unix)]
#[test]
fn a_file_reached_through_a_symbolic_link_is_the_same_file() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path();
    write(&project.join("lib/common.kdl"), LEAF);
    symlink("lib/common.kdl", project.join("alias.kdl")).unwrap();
    write(
        &project.join("windlass.kdl"),
        &format!("import \"alias.kdl\"\n{}", main_importing("lib/common.kdl")),
    );
    let (code, found) = findings(project);
    assert_eq!(
        code,
        Some(0),
        "imported once, no duplicate component: {found:#?}"
    );
    assert!(build_succeeds(project).contains("image: leaf:1.0.0"));

    // `back.kdl` is the description itself, under another name.
    symlink("windlass.kdl", project.join("back.kdl")).unwrap();
    write(
        &project.join("windlass.kdl"),
        &main_importing("lib/common.kdl"),
    );
    write(
        &project.join("lib/common.kdl"),
        &format!("import \"../back.kdl\"\n{LEAF}"),
    );
    let (code, found) = findings(project);
    assert_eq!(code, Some(1), "{found:#?}");
    let errors = errors(&found);
    assert_eq!(errors.len(), 1, "{found:#?}");
    assert_eq!(errors[0].code, windlass::diag::codes::IMPORT_CYCLE);
    assert_eq!(
        (errors[0].file.as_str(), errors[0].line),
        ("lib/common.kdl", 1)
    );
    build_refuses(project);
}

/// A valid app, then a slashdashed node whose blocks nest to `depth` levels in all (the app's
/// block is level 1 of its own line, so the deepest level is reached on the last line only).
fn nested(depth: usize) -> String {
    let mut text = String::from(
        "app shop {\n    service api {\n        image \"api:1.0.0\"\n        port 8080\n        resources cpu=\"100m\" memory=\"64Mi\"\n        probe http \"/healthz\"\n    }\n}\n",
    );
    text.push_str("/-x ");
    text.push_str(&"x { ".repeat(depth - 1));
    text.push_str("x {}");
    text.push_str(&" }".repeat(depth - 1));
    text.push('\n');
    text
}

/// 64 levels of blocks are read (a slashdashed node: the app itself is valid); 65 are refused
/// with `limit` on the brace that opens level 65.
#[test]
fn blocks_nested_sixty_four_deep_compile_and_sixty_five_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("windlass.kdl");
    assert_eq!(windlass::syntax::parse::MAX_DEPTH, 64);

    std::fs::write(&file, nested(64)).unwrap();
    let (code, found) = findings(dir.path());
    assert_eq!(code, Some(0), "{found:#?}");
    assert!(build_succeeds(dir.path()).contains("image: api:1.0.0"));

    let text65 = nested(65);
    std::fs::write(&file, &text65).unwrap();
    let (code, found) = findings(dir.path());
    assert_eq!(code, Some(1), "{found:#?}");
    let errors = errors(&found);
    assert_eq!(errors.len(), 1, "{found:#?}");
    assert_eq!(errors[0].code, windlass::diag::codes::LIMIT);
    assert!(errors[0].message.contains("64"), "{}", errors[0].message);
    let last = text65.lines().last().unwrap();
    let brace = last.match_indices('{').nth(64).unwrap().0;
    assert_eq!(
        (errors[0].line as usize, errors[0].column as usize),
        (text65.lines().count(), brace + 1),
        "the diagnostic points at the 65th `{{`"
    );
    build_refuses(dir.path());
}

/// A valid description padded with comments to exactly `size` bytes.
fn padded(size: usize) -> String {
    let mut text = String::from(
        "app shop {\n    service api {\n        image \"api:1.0.0\"\n        port 8080\n        resources cpu=\"100m\" memory=\"64Mi\"\n        probe http \"/healthz\"\n    }\n}\n",
    );
    let line = "// padding padding padding padding padding padding padding padding padding\n";
    while text.len() + line.len() <= size {
        text.push_str(line);
    }
    let rest = size - text.len();
    if rest > 0 {
        text.push_str(&"\n".repeat(rest));
    }
    assert_eq!(text.len(), size);
    text
}

/// A file of exactly `MAX_FILE_BYTES` compiles; one byte more is `limit` at 1:1, whatever the
/// file holds.
#[test]
fn a_file_of_four_mebibytes_compiles_and_one_byte_more_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("windlass.kdl");
    let max = windlass::syntax::parse::MAX_FILE_BYTES;
    assert_eq!(max, 4 * 1024 * 1024);

    std::fs::write(&file, padded(max)).unwrap();
    let (code, found) = findings(dir.path());
    assert_eq!(code, Some(0), "{found:#?}");
    assert!(build_succeeds(dir.path()).contains("image: api:1.0.0"));

    std::fs::write(&file, padded(max + 1)).unwrap();
    let (code, found) = findings(dir.path());
    assert_eq!(code, Some(1), "{found:#?}");
    let errors = errors(&found);
    assert_eq!(errors.len(), 1, "{found:#?}");
    assert_eq!(errors[0].code, windlass::diag::codes::LIMIT);
    assert_eq!((errors[0].line, errors[0].column), (1, 1));
    assert!(
        errors[0].message.contains(&(max + 1).to_string()),
        "{}",
        errors[0].message
    );
    build_refuses(dir.path());
}

/// More nodes, or more arguments and properties, than the reader takes are refused with `limit`
/// on the first one past the limit (their edges are tested on the reader in process).
#[test]
fn more_nodes_or_entries_than_the_reader_takes_are_refused() {
    let (nodes, entries) = (
        windlass::syntax::reader::MAX_NODES,
        windlass::syntax::reader::MAX_ENTRIES,
    );
    let app =
        "app shop {\n    service api {\n        image \"api:1.0.0\"\n        port 8080\n    }\n}\n";
    let cases = [
        (
            "nodes",
            format!("{app}{}\n", "a;".repeat(nodes)),
            nodes.to_string(),
        ),
        (
            "entries",
            format!("{app}a{}\n", " 1".repeat(entries + 1)),
            entries.to_string(),
        ),
    ];
    for (what, content, count) in cases {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("windlass.kdl"), &content).unwrap();
        let (code, found) = findings(dir.path());
        assert_eq!(code, Some(1), "{what}: {found:#?}");
        let errors = errors(&found);
        assert_eq!(errors.len(), 1, "{what}: {found:#?}");
        assert_eq!(errors[0].code, windlass::diag::codes::LIMIT, "{what}");
        assert!(
            errors[0].message.contains(&count),
            "{what}: {}",
            errors[0].message
        );
        assert_eq!(errors[0].line, 7, "{what}: on the line of the excess");
        build_refuses(dir.path());
    }
}

/// `check` and `build --all-envs` compile the application once per environment: 64 are checked,
/// a 65th is `limit` on its name, and nothing is built.
#[test]
fn sixty_four_environments_are_checked_and_sixty_five_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("windlass.kdl");
    let app = "app shop {\n    service api {\n        image \"api:1.0.0\"\n        port 8080\n        resources cpu=\"100m\" memory=\"64Mi\"\n        probe http \"/healthz\"\n    }\n}\n";
    let envs = |n: usize| -> String {
        (0..n)
            .map(|i| format!("environment e{i} {{ namespace e{i} }}\n"))
            .collect()
    };
    std::fs::write(&file, format!("{app}{}", envs(64))).unwrap();
    let (code, found) = findings(dir.path());
    assert_eq!(code, Some(0), "{found:#?}");

    std::fs::write(&file, format!("{app}{}", envs(65))).unwrap();
    let (code, found) = findings(dir.path());
    assert_eq!(code, Some(1), "{found:#?}");
    let errors = errors(&found);
    assert_eq!(
        errors.len(),
        1,
        "reported once, not per environment: {found:#?}"
    );
    assert_eq!(errors[0].code, windlass::diag::codes::LIMIT);
    assert_eq!((errors[0].line, errors[0].column), (9 + 64, 1));
    let all = run(windlass(dir.path()).args(["build", "--all-envs", "-o", "out"]));
    assert_eq!(all.status.code(), Some(1), "{}", text(&all.stderr));
    assert!(!dir.path().join("out").exists());
}

/// The size and nesting limits hold for an imported file too: the diagnostic names that file.
#[test]
fn the_limits_apply_to_imported_files() {
    let max = windlass::syntax::parse::MAX_FILE_BYTES;
    let big = format!("{LEAF}{}", "\n".repeat(max + 1 - LEAF.len()));
    let deep = format!(
        "{LEAF}/-x {}{}\n",
        "x { ".repeat(windlass::syntax::parse::MAX_DEPTH + 1),
        " }".repeat(windlass::syntax::parse::MAX_DEPTH + 1)
    );
    for (what, lib) in [("too large", big), ("nested too deep", deep)] {
        let dir = tempfile::tempdir().unwrap();
        write(&dir.path().join("windlass.kdl"), &main_importing("lib.kdl"));
        write(&dir.path().join("lib.kdl"), &lib);
        let (code, found) = findings(dir.path());
        assert_eq!(code, Some(1), "{what}: {found:#?}");
        let limit: Vec<&Finding> = found
            .iter()
            .filter(|f| f.code == windlass::diag::codes::LIMIT)
            .collect();
        assert_eq!(limit.len(), 1, "{what}: {found:#?}");
        assert_eq!(limit[0].file, "lib.kdl", "{what}");
        build_refuses(dir.path());
    }
}

/// Runs `cmd` with stdout and stderr in files (a pipe would fill up while nobody reads it),
/// failing the test when it takes longer than `limit`. Returns the output and the time taken.
fn run_within(cmd: &mut Command, dir: &Path, limit: Duration) -> (Output, Duration) {
    let stdout = dir.join("stdout.txt");
    let stderr = dir.join("stderr.txt");
    let started = Instant::now();
    let mut child = cmd
        .stdout(Stdio::from(std::fs::File::create(&stdout).unwrap()))
        .stderr(Stdio::from(std::fs::File::create(&stderr).unwrap()))
        .spawn()
        .unwrap();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > limit {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("{cmd:?} did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let took = started.elapsed();
    let output = Output {
        status,
        stdout: std::fs::read(&stdout).unwrap(),
        stderr: std::fs::read(&stderr).unwrap(),
    };
    (output, took)
}

/// How long a run may take before the test calls it hung: each case below takes about a second
/// in a debug build on a busy two-core machine.
const PATIENCE: Duration = Duration::from_secs(60);

/// A description with one service and the `body` inside it.
fn one_service(body: &str) -> String {
    format!(
        "app shop {{\nservice api {{\nimage \"api:1.0.0\"\nport 8080\nresources cpu=\"100m\" memory=\"64Mi\"\nprobe http \"/healthz\"\n{body}}}\n}}\n"
    )
}

/// Tens of thousands of nodes — env nodes in one workload, workloads in one app — and
/// thousands of findings, or of properties on one node, finish with a result: exit 0 with every
/// object for valid input, exit 1 with every finding counted for invalid input.
#[test]
fn descriptions_with_tens_of_thousands_of_nodes_finish() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("windlass.kdl");
    let check = |label: &str, content: String| {
        std::fs::write(&file, &content).unwrap();
        let (out, took) = run_within(windlass(dir.path()).arg("check"), dir.path(), PATIENCE);
        eprintln!(
            "{label}: {} bytes, check {took:.1?}, exit {:?}",
            content.len(),
            out.status.code()
        );
        assert!(out.stdout.is_empty(), "{label}: check wrote to stdout");
        out
    };

    // 40,000 env nodes in one service: valid.
    let envs: String = (0..40_000).map(|i| format!("env V{i}=v\n")).collect();
    let out = check("40,000 env nodes", one_service(&envs));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));

    // 3,000 variables on one env node: valid.
    let vars: String = (0..3_000).map(|i| format!(" V{i}=v")).collect();
    let out = check(
        "one env node with 3,000 variables",
        one_service(&format!("env{vars}\n")),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));

    // 8,000 services, none with a finding.
    let services = |n: usize| {
        let body: String = (0..n)
            .map(|i| {
                format!(
                    "service s{i} {{ image \"s:1.0.0\"; port 8080; resources cpu=\"100m\" memory=\"64Mi\"; probe http \"/healthz\"; }}\n"
                )
            })
            .collect();
        format!("app shop {{\n{body}}}\n")
    };
    let out = check("8,000 services", services(8_000));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));

    // 3,000 unknown nodes: 3,000 errors, all counted.
    let out = check(
        "3,000 unknown nodes in an app",
        format!("app shop {{\n{}}}\n", "x 1\n".repeat(3_000)),
    );
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("unknown-node"), "{stderr}");
    assert!(
        stderr.trim_end().ends_with("3000 errors; check failed"),
        "{}",
        &stderr[stderr.len().saturating_sub(300)..]
    );

    // And the output of 2,000 services: the Namespace, then a Deployment and a Service each.
    std::fs::write(&file, services(2_000)).unwrap();
    let (out, took) = run_within(windlass(dir.path()).arg("build"), dir.path(), PATIENCE);
    eprintln!("2,000 services: build {took:.1?}");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let yaml = text(&out.stdout);
    assert_eq!(yaml.matches("\nkind: Deployment\n").count(), 2_000);
    assert_eq!(yaml.matches("\nkind: Service\n").count(), 2_000);
    assert!(yaml.starts_with("apiVersion: v1\nkind: Namespace\n"));
}

/// Previous output at the general YAML reader's limits: maps and lists nested 128 deep are read
/// (a diff of one object), 129 deep and a megabyte of `[` are refused with the reason and the
/// line, exit 2 and nothing on stdout.
#[test]
fn previous_output_nested_past_its_limit_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("windlass.kdl"), &one_service(""));
    let previous = dir.path().join("previous.yaml");
    let object = |depth: usize| {
        format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep\n  namespace: shop\ndata:\n  x: '1'\nextra: {}1{}\n",
            "[".repeat(depth - 1),
            "]".repeat(depth - 1)
        )
    };
    let diff = |content: &str| {
        std::fs::write(&previous, content).unwrap();
        let (out, _) = run_within(
            windlass(dir.path()).args(["diff", "--against", "previous.yaml"]),
            dir.path(),
            PATIENCE,
        );
        out
    };

    let out = diff(&object(128));
    assert!(
        text(&out.stdout).contains("ConfigMap shop/deep removed"),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );

    for (label, content) in [
        ("129 deep", object(129)),
        ("a megabyte of [", "[".repeat(1 << 20)),
    ] {
        let out = diff(&content);
        assert_eq!(out.status.code(), Some(2), "{label}: {}", text(&out.stderr));
        assert!(out.stdout.is_empty(), "{label}");
        let err = text(&out.stderr);
        assert!(
            err.contains("previous.yaml: maps and lists are nested deeper than 128 levels at line"),
            "{label}: {err}"
        );
    }
}
