//! `windlass fmt`: the layout it writes is a fixed point, keeps every comment and the meaning (the
//! same manifests, the same diagnostics), and `--check` exits 1 exactly when a file would change.
//! Also checks the pre-commit hooks that run it (`.pre-commit-hooks.yaml`).
//!
//! Commands run in a temporary or fixture directory with relative paths, so no snapshot holds a
//! machine's path.

#![allow(
    clippy::disallowed_methods,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests read fixtures, write temporary directories, and fail loudly"
)]

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use insta_cmd::assert_cmd_snapshot;
use windlass::render::{self, Format};
use windlass::source::Sources;

use common::{run, text, windlass};

/// `tests/fixtures/fmt`.
fn fixtures() -> PathBuf {
    common::root().join("tests/fixtures/fmt")
}

/// Every `.kdl` file under `dir` (relative to the root), recursively, sorted.
fn kdl_files(dir: &str) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else if path.extension().is_some_and(|e| e == "kdl") {
                let relative = path.strip_prefix(root).unwrap();
                out.push(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let mut out = Vec::new();
    walk(&common::root(), &common::root().join(dir), &mut out);
    out.sort();
    out
}

/// Every example and fixture (and standard-library component) that is valid KDL: the files a
/// formatter must handle. Fixtures of syntax errors and limits are left out.
fn formattable() -> Vec<String> {
    let mut files = kdl_files("examples");
    files.extend(kdl_files("tests/fixtures"));
    files.extend(kdl_files("stdlib"));
    // The bad-input reproducers overflow the parser's stack (see their README).
    files.retain(|f| !f.starts_with("tests/fixtures/bad_input/"));
    files.retain(|f| {
        let mut sources = Sources::new();
        let text = std::fs::read_to_string(common::root().join(f)).unwrap();
        let id = sources.add(f.as_str(), f.as_str(), text);
        windlass::syntax::parse::parse(&sources, id).is_ok()
    });
    assert!(files.len() > 50, "only {} files: {files:?}", files.len());
    files
}

/// What a description means to the compiler: the YAML it compiles to and its findings (code,
/// severity, message), positions left out. Compiled as if it were at `relative`, so its imports
/// resolve.
fn meaning(relative: &str, text: &str) -> (String, Vec<String>) {
    let c = windlass::compile(
        windlass::Input::new(relative, Path::new(relative), text.to_owned()),
        &windlass::Options::default(),
        &common::DiskLoader,
    );
    let findings = c
        .diagnostics
        .iter()
        .map(|d| format!("{:?} {} {}", d.severity, d.code, d.message))
        .collect();
    (render::stream(c.manifests(), Format::Yaml), findings)
}

/// Writes `files` (name → text) into a new temporary directory, runs `windlass fmt ARGS NAMES…`
/// there, and returns the run and every file's text afterwards.
fn fmt_in_temp(
    files: &BTreeMap<String, String>,
    args: &[&str],
) -> (Output, BTreeMap<String, String>) {
    let dir = tempfile::tempdir().unwrap();
    for (name, body) in files {
        std::fs::write(dir.path().join(name), body).unwrap();
    }
    let output = run(windlass(dir.path())
        .arg("fmt")
        .args(args)
        .args(files.keys()));
    let after = files
        .keys()
        .map(|name| {
            let body = std::fs::read_to_string(dir.path().join(name)).unwrap();
            (name.clone(), body)
        })
        .collect();
    (output, after)
}

/// A flat file name for a path under the root.
fn flat(relative: &str) -> String {
    relative.replace('/', "__")
}

/// A fixed-seed xorshift: the same messy layouts on every run, without a `rand` dependency.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number in `0..n`.
    fn below(&mut self, n: u64) -> usize {
        usize::try_from(self.next() % n).unwrap()
    }
}

/// `text` laid out badly in every way `fmt` undoes, without changing its meaning: lines indented
/// at random with spaces or tabs, whitespace after lines, extra blank lines where nodes are
/// already apart and where `fmt` removes them, and sometimes `\r\n` line ends. The lines of a
/// `"""` string or a `/* */` comment move together with the line that opens it (`fmt` moves them
/// back together); no whitespace goes after an opening `"""` (it must end its line).
fn messy(text: &str, rng: &mut XorShift) -> String {
    let pad = |rng: &mut XorShift| [" ", "  ", "\t", "   \t", ""][rng.below(5)].to_owned();
    let mut out = String::new();
    for _ in 0..rng.below(3) {
        out.push_str(&pad(rng));
        out.push('\n');
    }
    let mut block_shift: Option<String> = None;
    let mut continued = false;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if let Some(shift) = &block_shift {
            // Inside a multi-line string or comment: move with the opening line.
            if !line.trim().is_empty() {
                out.push_str(shift);
            }
            out.push_str(line);
            out.push('\n');
            if trimmed.starts_with("\"\"\"") || line.contains("*/") {
                block_shift = None;
            }
            continue;
        }
        let opens_string = line.ends_with("\"\"\"") || line.ends_with("\"\"\"#");
        let opens_comment = line.contains("/*") && !line.contains("*/");
        if trimmed.is_empty() {
            // A blank line between nodes becomes a few, with whitespace on them.
            if !continued {
                for _ in 0..=rng.below(3) {
                    out.push_str(&pad(rng));
                    out.push('\n');
                }
            } else {
                out.push('\n');
            }
            continued = false;
            continue;
        }
        if opens_string || opens_comment {
            // Only spaces, only to the right: `fmt` moves the whole block back by as much.
            let shift = " ".repeat(1 + rng.below(6));
            out.push_str(&shift);
            out.push_str(line);
            block_shift = Some(shift);
        } else {
            out.push_str(&pad(rng));
            out.push_str(&" ".repeat(rng.below(7)));
            out.push_str(trimmed);
            if rng.below(3) == 0 {
                out.push_str(&pad(rng));
            }
        }
        out.push('\n');
        continued = line.ends_with('\\');
        let opens_block = line.ends_with('{') && !trimmed.starts_with("//");
        if opens_block && !continued && rng.below(2) == 0 {
            out.push_str(&pad(rng));
            out.push('\n');
        }
    }
    for _ in 0..rng.below(3) {
        out.push_str(&pad(rng));
        out.push('\n');
    }
    if rng.below(3) == 0 {
        out = out.replace('\n', "\r\n");
    }
    out
}

#[test]
fn examples_are_written_in_the_canonical_layout() {
    let mut files: Vec<String> = kdl_files("examples");
    files.extend(kdl_files("stdlib"));
    let output = run(windlass(&common::root())
        .args(["fmt", "--check"])
        .args(&files));
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}{}",
        text(&output.stdout),
        text(&output.stderr)
    );
    assert!(output.stdout.is_empty());
}

/// For every example and fixture x: fmt(fmt(x)) == fmt(x), fmt(x) compiles to the same manifests
/// and findings as x, and x laid out badly formats back to fmt(x): three messy layouts of each
/// example, one of each standard-library component and of every third fixture (the suite stays
/// fast in debug builds). One `windlass fmt` run formats them all.
#[test]
fn formatting_every_example_and_fixture_is_idempotent_and_keeps_the_meaning() {
    let files = formattable();
    let mut rng = XorShift(0x5eed_cafe_f00d_d00d);
    let mut inputs = BTreeMap::new();
    let mut variants = BTreeMap::new();
    for f in &files {
        let original = std::fs::read_to_string(common::root().join(f)).unwrap();
        inputs.insert(format!("{}.kdl", flat(f)), original.clone());
        // The messy fixture has its own test, with its block comment `messy` cannot move.
        if f.starts_with("tests/fixtures/fmt/") {
            continue;
        }
        let count = if f.starts_with("examples/") {
            3
        } else {
            usize::from(f.starts_with("stdlib/") || inputs.len() % 3 == 0)
        };
        for variant in 0..count {
            let name = format!("{}.messy{variant}.kdl", flat(f));
            inputs.insert(name.clone(), messy(&original, &mut rng));
            variants
                .entry(f.clone())
                .or_insert_with(Vec::new)
                .push(name);
        }
    }
    let (first, once) = fmt_in_temp(&inputs, &[]);
    assert_eq!(first.status.code(), Some(0), "{}", text(&first.stderr));
    assert!(first.stdout.is_empty());

    // Idempotent: a second run (`--check`) finds nothing to change.
    let canonical: BTreeMap<String, String> = files
        .iter()
        .map(|f| {
            let name = format!("{}.kdl", flat(f));
            (name.clone(), once[&name].clone())
        })
        .collect();
    let (second, twice) = fmt_in_temp(&canonical, &["--check"]);
    assert_eq!(second.status.code(), Some(0), "{}", text(&second.stdout));
    assert_eq!(canonical, twice);

    let mut compared = 0;
    for f in &files {
        let name = format!("{}.kdl", flat(f));
        let messy_layouts = variants.get(f).map_or(&[][..], Vec::as_slice);
        if inputs[&name] == canonical[&name] && messy_layouts.is_empty() {
            continue;
        }
        let meant = meaning(f, &canonical[&name]);
        if inputs[&name] != canonical[&name] {
            assert_eq!(
                meaning(f, &inputs[&name]),
                meant,
                "{f}: the formatted file means something else"
            );
        }
        for messy in messy_layouts {
            assert_eq!(&once[messy], &canonical[&name], "{f}:\n{}", inputs[messy]);
            // The messy text means what the canonical one does.
            assert_eq!(meaning(f, &inputs[messy]), meant, "{f}:\n{}", inputs[messy]);
            compared += 1;
        }
    }
    assert!(compared >= 40, "only {compared} messy layouts compared");
}

/// Every comment of the messy fixture, and each thing commented out with `/-`, is in the
/// formatted file.
const MESSY_COMMENTS: &[&str] = &[
    "// A shop written in a hurry: indentation by hand, tabs, trailing spaces, blank lines",
    "// everywhere. `windlass fmt` puts it in the canonical layout and keeps every comment.",
    "// the namespace is the app's name unless given",
    "/* Block comments keep their shape:",
    "everything inside moves with the first line. */",
    "// continuation lines sit one level deeper",
    "// one line stays one line",
    "replicas 2 /-3",
    "/* a comment between entries */",
    "/-env DEBUG=#true",
    "/-    probe http \"/old-health\" {",
    "period \"5s\"",
    "resources cpu=\"250m\" memory=\"512Mi\" /-{",
    "limits cpu=\"1\"",
    "// The end.",
];

#[test]
fn the_messy_fixture_formats_to_its_snapshot_and_keeps_every_comment() {
    let input = std::fs::read_to_string(fixtures().join("messy.kdl")).unwrap();
    let (output, after) = fmt_in_temp(
        &BTreeMap::from([("messy.kdl".to_owned(), input.clone())]),
        &[],
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert!(output.stdout.is_empty());
    assert_eq!(
        text(&output.stderr),
        "formatted messy.kdl\n1 file reformatted\n"
    );
    let formatted = &after["messy.kdl"];
    common::settings().bind(|| {
        insta::assert_snapshot!(
            "messy",
            format!(
                "----- messy.kdl -----\n{input}----- windlass fmt messy.kdl -----\n{formatted}"
            )
        );
    });
    for comment in MESSY_COMMENTS {
        assert!(input.contains(comment), "the fixture lost {comment:?}");
        assert!(
            formatted.contains(comment),
            "fmt lost {comment:?}:\n{formatted}"
        );
    }
    // The `"""` body moved with its node and kept its own indentation.
    assert!(formatted.contains(
        "        file \"/etc/nginx/conf.d/default.conf\" \"\"\"\n            server {\n                listen 80;\n"
    ));
    let relative = "tests/fixtures/fmt/messy.kdl";
    let (yaml, findings) = meaning(relative, &input);
    // Warnings come and go with the rules; errors would leave no manifests to compare.
    assert!(
        findings.iter().all(|f| !f.starts_with("Error")),
        "{findings:?}"
    );
    assert!(yaml.contains("kind: StatefulSet"), "{yaml}");
    assert!(yaml.contains("listen 80;"), "{yaml}");
    assert_eq!(meaning(relative, formatted), (yaml, findings));
}

#[test]
fn check_prints_the_diff_and_exits_1_when_a_file_would_change() {
    let before = std::fs::read(fixtures().join("messy.kdl")).unwrap();
    common::settings().bind(|| {
        assert_cmd_snapshot!(
            "check_messy",
            windlass(&fixtures()).args(["fmt", "--check", "messy.kdl"])
        );
    });
    let output = run(windlass(&fixtures()).args(["fmt", "--check", "messy.kdl"]));
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stdout).starts_with("--- messy.kdl\n+++ messy.kdl\n@@ "));
    assert_eq!(std::fs::read(fixtures().join("messy.kdl")).unwrap(), before);
}

#[test]
fn check_exits_0_and_prints_nothing_on_stdout_when_every_file_is_formatted() {
    let dir = tempfile::tempdir().unwrap();
    let shop = common::root().join("tests/fixtures/cli/shop.kdl");
    std::fs::copy(&shop, dir.path().join("windlass.kdl")).unwrap();
    std::fs::copy(&shop, dir.path().join("other.kdl")).unwrap();
    // Without a file, `windlass.kdl`.
    let default = run(windlass(dir.path()).args(["fmt", "--check"]));
    assert_eq!(default.status.code(), Some(0), "{}", text(&default.stderr));
    assert!(default.stdout.is_empty());
    assert_eq!(text(&default.stderr), "1 file already formatted\n");
    let both = run(windlass(dir.path()).args(["fmt", "--check", "windlass.kdl", "other.kdl"]));
    assert_eq!(both.status.code(), Some(0));
    assert!(both.stdout.is_empty());
    assert_eq!(text(&both.stderr), "2 files already formatted\n");
}

#[test]
fn a_file_with_syntax_errors_gets_checks_diagnostics_and_is_left_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let broken = std::fs::read_to_string(
        common::root().join("tests/fixtures/errors/syntax-unclosed-brace.kdl"),
    )
    .unwrap();
    // Messy too, so that it would change if it were formatted.
    let broken = format!("\n\n   {broken}   \n\n");
    std::fs::write(dir.path().join("broken.kdl"), &broken).unwrap();
    let messy = std::fs::read_to_string(fixtures().join("messy.kdl")).unwrap();
    std::fs::write(dir.path().join("messy.kdl"), &messy).unwrap();

    common::settings().bind(|| {
        assert_cmd_snapshot!(
            "syntax_error",
            windlass(dir.path()).args(["fmt", "--check", "broken.kdl"])
        );
    });
    // Formatting both: the valid file is formatted, the broken one reported and left alone.
    let output = run(windlass(dir.path()).args(["fmt", "broken.kdl", "messy.kdl"]));
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    assert_eq!(
        std::fs::read_to_string(dir.path().join("broken.kdl")).unwrap(),
        broken
    );
    assert_ne!(
        std::fs::read_to_string(dir.path().join("messy.kdl")).unwrap(),
        messy
    );
    // The diagnostics are the ones `check` prints, word for word.
    let check = text(&run(windlass(dir.path()).args(["check", "broken.kdl"])).stderr);
    let report = check.split("\n1 error;").next().unwrap();
    let fmt_stderr = text(&output.stderr);
    assert!(
        fmt_stderr.starts_with(report),
        "fmt and check report the syntax error differently:\n{fmt_stderr}\n{check}"
    );
    assert!(
        fmt_stderr.ends_with(
            "\nformatted messy.kdl\n1 error; 1 file reformatted, 1 file left unchanged\n"
        ),
        "{fmt_stderr}"
    );
}

#[test]
fn a_file_that_cannot_be_read_is_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let missing = run(windlass(dir.path()).args(["fmt", "--check"]));
    assert_eq!(missing.status.code(), Some(2));
    assert!(missing.stdout.is_empty());
    assert!(
        text(&missing.stderr).starts_with("error: cannot read windlass.kdl: "),
        "{}",
        text(&missing.stderr)
    );
    std::fs::write(dir.path().join("latin1.kdl"), b"app caf\xe9 {}\n").unwrap();
    let binary = run(windlass(dir.path()).args(["fmt", "latin1.kdl"]));
    assert_eq!(binary.status.code(), Some(2));
    assert_eq!(
        std::fs::read(dir.path().join("latin1.kdl")).unwrap(),
        b"app caf\xe9 {}\n"
    );
}

#[test]
fn writes_replace_the_file_in_one_step_and_leave_nothing_beside_it() {
    let dir = tempfile::tempdir().unwrap();
    let messy = std::fs::read_to_string(fixtures().join("messy.kdl")).unwrap();
    std::fs::write(dir.path().join("windlass.kdl"), &messy).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let file = dir.path().join("windlass.kdl");
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).unwrap();
    }
    let output = run(windlass(dir.path()).arg("fmt"));
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["windlass.kdl"], "a temporary file was left behind");
    let formatted = std::fs::read_to_string(dir.path().join("windlass.kdl")).unwrap();
    assert_ne!(formatted, messy);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("windlass.kdl"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o640, "the permissions changed");
    }
    // A second run changes nothing.
    let again = run(windlass(dir.path()).arg("fmt"));
    assert_eq!(again.status.code(), Some(0));
    assert_eq!(text(&again.stderr), "1 file already formatted\n");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("windlass.kdl")).unwrap(),
        formatted
    );
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_keeps_pointing_at_the_formatted_file() {
    let dir = tempfile::tempdir().unwrap();
    let messy = std::fs::read_to_string(fixtures().join("messy.kdl")).unwrap();
    std::fs::create_dir(dir.path().join("real")).unwrap();
    std::fs::write(dir.path().join("real/shop.kdl"), &messy).unwrap();
    std::os::unix::fs::symlink("real/shop.kdl", dir.path().join("windlass.kdl")).unwrap();
    let output = run(windlass(dir.path()).arg("fmt"));
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let link = std::fs::symlink_metadata(dir.path().join("windlass.kdl")).unwrap();
    assert!(
        link.file_type().is_symlink(),
        "the link was replaced by a file"
    );
    let formatted = std::fs::read_to_string(dir.path().join("real/shop.kdl")).unwrap();
    assert_ne!(formatted, messy);
    let names: Vec<String> = std::fs::read_dir(dir.path().join("real"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["shop.kdl"]);
}

/// The fields pre-commit reads from `.pre-commit-hooks.yaml` (its `MANIFEST_HOOK_DICT`): `id`,
/// `name`, `entry`, `language` required; `files` a regular expression; `pass_filenames` a
/// boolean.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Hook {
    id: String,
    name: String,
    entry: String,
    language: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    files: Option<String>,
    #[serde(default)]
    types: Option<Vec<String>>,
    #[serde(default)]
    pass_filenames: Option<bool>,
}

/// Whether `regex` (the small subset the hooks use: `^`, `$`, `(a|b)`, `\.` and literals)
/// matches somewhere in `path`, as Python's `re.search` would.
fn matches(regex: &str, path: &str) -> bool {
    match regex {
        r"\.kdl$" => path.ends_with(".kdl"),
        r"(^|/)windlass\.kdl$" => path == "windlass.kdl" || path.ends_with("/windlass.kdl"),
        other => panic!("teach the test the regular expression {other:?}"),
    }
}

#[test]
fn the_pre_commit_hooks_run_check_and_fmt_on_kdl_files() {
    let yaml = std::fs::read_to_string(common::root().join(".pre-commit-hooks.yaml")).unwrap();
    let hooks: Vec<Hook> = serde_saphyr::from_str(&yaml).expect("a list of hooks");
    let ids: Vec<&str> = hooks.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids, ["windlass-check", "windlass-fmt"]);
    for hook in &hooks {
        assert!(
            !hook.name.is_empty() && hook.description.is_some(),
            "{hook:?}"
        );
        // pre-commit's `rust` language runs `cargo install --path .` on this repository.
        assert_eq!(hook.language, "rust", "{hook:?}");
        assert!(hook.entry.starts_with("windlass "), "{hook:?}");
        assert!(
            hook.types.is_none(),
            "identify has no `kdl` type: use `files`"
        );
        assert_ne!(hook.pass_filenames, Some(false), "{hook:?}");
        let files = hook.files.as_deref().expect("a `files` pattern");
        assert!(matches(files, "windlass.kdl"), "{hook:?}");
        assert!(matches(files, "deploy/prod/windlass.kdl"), "{hook:?}");
        assert!(!matches(files, "README.md"), "{hook:?}");
        assert!(!matches(files, "windlass.kdl.bak"), "{hook:?}");
    }
    assert_eq!(hooks[0].entry, "windlass check");
    assert_eq!(hooks[1].entry, "windlass fmt --check");
    // Component files (imported, no `app`) are formatted but not checked on their own.
    assert!(matches(
        hooks[1].files.as_deref().unwrap(),
        "components/spring.kdl"
    ));
    assert!(!matches(
        hooks[0].files.as_deref().unwrap(),
        "components/spring.kdl"
    ));

    // The entries run: the binary takes several file names, as pre-commit passes them.
    let dir = common::root().join("examples");
    let check =
        run(windlass(&dir).args(["check", "analytics/windlass.kdl", "storefront/windlass.kdl"]));
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stderr));
    let fmt = run(windlass(&dir).args([
        "fmt",
        "--check",
        "analytics/windlass.kdl",
        "xuecheng/components/spring.kdl",
    ]));
    assert_eq!(fmt.status.code(), Some(0), "{}", text(&fmt.stderr));
}
