//! The command-line contract: exit codes, what goes to stdout and stderr, and what `build -o`
//! leaves on disk. Commands run in a fixture or temporary directory with relative paths, so no
//! snapshot holds a machine's path.
//!
//! Exit codes: 0 success, 1 the description has errors, 2 the command could not run (a missing
//! file, a bad flag, an output directory that cannot be written).

#![allow(
    clippy::disallowed_methods,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests read fixtures, write temporary directories, and fail loudly"
)]

mod common;

use common::{run, text, windlass};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use insta_cmd::assert_cmd_snapshot;

/// `tests/fixtures/cli`, where `shop.kdl` (valid) and `broken.kdl` (three errors) live.
fn fixtures() -> PathBuf {
    common::root().join("tests/fixtures/cli")
}

/// A temporary directory holding `windlass.kdl` (a copy of the fixture `name`).
fn project(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixtures().join(name), dir.path().join("windlass.kdl")).unwrap();
    dir
}

/// Every entry of `dir` (hidden ones included) with its bytes; a subdirectory fails the test.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| {
            let entry = entry.unwrap();
            assert!(
                entry.file_type().unwrap().is_file(),
                "{} is not a file",
                entry.path().display()
            );
            let name = entry.file_name().to_string_lossy().into_owned();
            (name, std::fs::read(entry.path()).unwrap())
        })
        .collect()
}

/// The names of every entry of `dir` (hidden ones included), sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn build_prints_yaml_to_stdout() {
    common::settings().bind(|| {
        assert_cmd_snapshot!(
            "build_stdout",
            windlass(&fixtures()).args(["build", "shop.kdl"])
        );
    });
}

#[test]
fn build_is_byte_identical_across_runs() {
    let first = run(windlass(&fixtures()).args(["build", "shop.kdl"]));
    let second = run(windlass(&fixtures()).args(["build", "shop.kdl"]));
    assert!(first.status.success());
    assert!(!first.stdout.is_empty());
    assert_eq!(first.stdout, second.stdout);
}

#[test]
fn build_json_is_a_list_of_the_same_objects_as_the_yaml() {
    let json = run(windlass(&fixtures()).args(["build", "shop.kdl", "--format", "json"]));
    assert_eq!(json.status.code(), Some(0), "{}", text(&json.stderr));
    assert!(json.stderr.is_empty(), "{}", text(&json.stderr));
    let list: serde_json::Value = serde_json::from_slice(&json.stdout).expect("stdout is JSON");
    assert_eq!(list["apiVersion"], "v1");
    assert_eq!(list["kind"], "List");
    let items = list["items"].as_array().expect("items is an array");

    let yaml = run(windlass(&fixtures()).args(["build", "shop.kdl"]));
    let documents = common::yaml_documents(&text(&yaml.stdout));
    // The namespace, and for web, gateway, orders, search and orders-db at least a workload and a
    // Service each.
    assert!(items.len() >= 11, "only {} objects", items.len());
    assert_eq!(items, &documents, "JSON and YAML hold different objects");
    for item in items {
        assert!(item["apiVersion"].is_string(), "{item}");
        assert!(item["kind"].is_string(), "{item}");
        assert!(item["metadata"]["name"].is_string(), "{item}");
    }
}

#[test]
fn build_with_errors_reports_them_and_prints_nothing() {
    common::settings().bind(|| {
        assert_cmd_snapshot!(
            "build_errors",
            windlass(&fixtures()).args(["build", "broken.kdl"])
        );
    });
    let output = run(windlass(&fixtures()).args(["build", "broken.kdl"]));
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    assert!(text(&output.stderr).ends_with("3 errors, 3 warnings; nothing written\n"));
}

#[test]
fn build_reads_windlass_kdl_by_default() {
    let dir = project("shop.kdl");
    let default = run(windlass(dir.path()).arg("build"));
    assert_eq!(default.status.code(), Some(0), "{}", text(&default.stderr));
    let named = run(windlass(&fixtures()).args(["build", "shop.kdl"]));
    assert_eq!(default.stdout, named.stdout);
}

#[test]
fn missing_file_is_exit_2_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    common::settings().bind(|| {
        assert_cmd_snapshot!(
            "build_missing_file",
            windlass(dir.path()).args(["build", "shop.kdl"])
        );
        assert_cmd_snapshot!("build_no_windlass_kdl", windlass(dir.path()).arg("build"));
        assert_cmd_snapshot!("check_no_windlass_kdl", windlass(dir.path()).arg("check"));
    });
}

#[test]
fn a_directory_given_as_the_file_names_the_file_to_give() {
    let dir = project("shop.kdl");
    std::fs::create_dir(dir.path().join("app")).unwrap();
    common::settings().bind(|| {
        assert_cmd_snapshot!(
            "build_directory_as_file",
            windlass(dir.path()).args(["build", "app"])
        );
    });
}

#[test]
fn a_file_that_is_not_utf8_is_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("windlass.kdl"), b"app shop {\xff\xfe}\n").unwrap();
    let output = run(windlass(dir.path()).arg("check"));
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    // A diagnostic on the first byte that is not UTF-8, with its code and place.
    let stderr = text(&output.stderr);
    assert!(stderr.starts_with("syntax\n"), "{stderr}");
    assert!(
        stderr.contains("windlass.kdl is not UTF-8 text: the byte 0xFF is not part of a character"),
        "{stderr}"
    );
    assert!(stderr.contains("[windlass.kdl:1:11]"), "{stderr}");
    assert!(
        stderr.contains("help: a description is a KDL 2.0 text file in UTF-8"),
        "{stderr}"
    );
}

#[test]
fn bad_arguments_are_exit_2() {
    common::settings().bind(|| {
        assert_cmd_snapshot!(
            "build_unknown_flag",
            windlass(&fixtures()).args(["build", "shop.kdl", "--frobnicate"])
        );
        assert_cmd_snapshot!(
            "build_unknown_format",
            windlass(&fixtures()).args(["build", "shop.kdl", "--format", "xml"])
        );
        assert_cmd_snapshot!("no_subcommand", windlass(&fixtures()));
    });
}

#[test]
fn help_shows_the_command_line_surface() {
    common::settings().bind(|| {
        assert_cmd_snapshot!("help", windlass(&fixtures()).arg("--help"));
        assert_cmd_snapshot!(
            "build_help",
            windlass(&fixtures()).args(["build", "--help"])
        );
        assert_cmd_snapshot!(
            "check_help",
            windlass(&fixtures()).args(["check", "--help"])
        );
    });
}

#[test]
fn version_names_the_program() {
    let output = run(windlass(&fixtures()).arg("--version"));
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        text(&output.stdout),
        format!("windlass {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn build_out_writes_one_file_per_component_and_a_kustomization() {
    let dir = project("shop.kdl");
    let output = run(windlass(dir.path()).args(["build", "-o", "out"]));
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert!(output.stdout.is_empty(), "{}", text(&output.stdout));
    let files = tree(&dir.path().join("out"));
    let kustomization = text(&files["kustomization.yaml"]);
    common::settings().bind(|| {
        insta::assert_snapshot!(
            "build_out_files",
            format!(
                "{}\n----- kustomization.yaml -----\n{kustomization}----- stderr -----\n{}",
                names(&dir.path().join("out")).join("\n"),
                text(&output.stderr)
            )
        );
    });
    // Nothing else appears beside the output directory (no leftover staging directories).
    assert_eq!(names(dir.path()), ["out", "windlass.kdl"]);
    // The files, in the kustomization's order, hold exactly the objects of the stdout stream.
    let listed: Vec<&str> = kustomization
        .lines()
        .filter_map(|l| l.strip_prefix("- "))
        .collect();
    // Every file is listed, but for the kustomization itself and the record of what was written.
    assert_eq!(listed.len() + 2, files.len(), "every file is listed");
    let record = text(&files[".windlass-files"]);
    let mut recorded: Vec<&str> = record.lines().filter(|l| !l.starts_with('#')).collect();
    let mut written: Vec<&str> = files
        .keys()
        .map(String::as_str)
        .filter(|f| *f != ".windlass-files")
        .collect();
    recorded.sort_unstable();
    written.sort_unstable();
    assert_eq!(recorded, written, "the record lists what was written");
    let joined = listed
        .iter()
        .map(|name| text(&files[*name]))
        .collect::<Vec<_>>()
        .join("---\n");
    let stream = run(windlass(dir.path()).arg("build"));
    assert_eq!(joined, text(&stream.stdout));
}

#[test]
fn build_out_json_writes_json_files() {
    let dir = project("shop.kdl");
    let output = run(windlass(dir.path()).args(["build", "-o", "out", "--format", "json"]));
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    for (name, bytes) in tree(&dir.path().join("out")) {
        if name == "kustomization.yaml" || name == ".windlass-files" {
            continue;
        }
        assert!(name.ends_with(".json"), "{name}");
        let list: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(list["kind"], "List", "{name}");
    }
}

#[test]
fn a_failed_build_leaves_the_output_directory_untouched() {
    let dir = project("shop.kdl");
    let first = run(windlass(dir.path()).args(["build", "-o", "out"]));
    assert_eq!(first.status.code(), Some(0), "{}", text(&first.stderr));
    let before = tree(&dir.path().join("out"));
    assert!(before.len() > 2);

    std::fs::copy(
        fixtures().join("broken.kdl"),
        dir.path().join("windlass.kdl"),
    )
    .unwrap();
    let second = run(windlass(dir.path()).args(["build", "-o", "out"]));
    assert_eq!(second.status.code(), Some(1));
    assert!(second.stdout.is_empty());
    assert!(text(&second.stderr).ends_with("3 errors, 3 warnings; nothing written\n"));
    assert_eq!(tree(&dir.path().join("out")), before);
    assert_eq!(names(dir.path()), ["out", "windlass.kdl"]);
}

#[test]
fn build_out_refuses_a_directory_it_did_not_write() {
    let dir = project("shop.kdl");
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("notes.txt"), "keep me\n").unwrap();
    common::settings().bind(|| {
        assert_cmd_snapshot!(
            "build_out_foreign_directory",
            windlass(dir.path()).args(["build", "-o", "out"])
        );
    });
    assert_eq!(
        tree(&out),
        BTreeMap::from([("notes.txt".to_owned(), b"keep me\n".to_vec())])
    );
    assert_eq!(names(dir.path()), ["out", "windlass.kdl"]);
}

#[test]
fn build_out_refuses_a_file_and_the_current_directory() {
    let dir = project("shop.kdl");
    std::fs::write(dir.path().join("out"), "a file\n").unwrap();
    let file = run(windlass(dir.path()).args(["build", "-o", "out"]));
    assert_eq!(file.status.code(), Some(2));
    assert!(
        text(&file.stderr).contains("not a directory"),
        "{}",
        text(&file.stderr)
    );
    assert_eq!(std::fs::read(dir.path().join("out")).unwrap(), b"a file\n");

    let here = run(windlass(dir.path()).args(["build", "-o", "."]));
    assert_eq!(here.status.code(), Some(2));
    assert_eq!(names(dir.path()), ["out", "windlass.kdl"]);
}

#[test]
fn a_second_build_replaces_what_the_first_wrote() {
    let dir = project("shop.kdl");
    let first = run(windlass(dir.path()).args(["build", "-o", "out"]));
    assert_eq!(first.status.code(), Some(0), "{}", text(&first.stderr));
    let out = dir.path().join("out");
    assert!(out.join("stateful-search.yaml").exists());

    // Remove the `search` workload and change a replica count.
    let shop = std::fs::read_to_string(dir.path().join("windlass.kdl")).unwrap();
    let search = "    stateful search {\n        image \"elasticsearch:7.17.10\"\n        port 9200\n        volume data path=\"/usr/share/elasticsearch/data\" size=\"10Gi\"\n        resources cpu=\"500m\" memory=\"2Gi\"\n    }\n";
    assert!(shop.contains(search));
    std::fs::write(
        dir.path().join("windlass.kdl"),
        shop.replace(search, "").replace("replicas 2", "replicas 3"),
    )
    .unwrap();
    let second = run(windlass(dir.path()).args(["build", "-o", "out"]));
    assert_eq!(second.status.code(), Some(0), "{}", text(&second.stderr));

    let files = tree(&out);
    assert!(
        !files.contains_key("stateful-search.yaml"),
        "{:?}",
        files.keys()
    );
    assert!(!text(&files["kustomization.yaml"]).contains("search"));
    assert!(text(&files["service-orders.yaml"]).contains("replicas: 3"));
    assert_eq!(names(dir.path()), ["out", "windlass.kdl"]);
}

#[test]
fn check_writes_nothing_to_stdout() {
    common::settings().bind(|| {
        assert_cmd_snapshot!(
            "check_valid",
            windlass(&fixtures()).args(["check", "shop.kdl"])
        );
        assert_cmd_snapshot!(
            "check_errors",
            windlass(&fixtures()).args(["check", "broken.kdl"])
        );
    });
    let valid = run(windlass(&fixtures()).args(["check", "shop.kdl"]));
    assert_eq!(valid.status.code(), Some(0));
    assert!(valid.stdout.is_empty());
    let broken = run(windlass(&fixtures()).args(["check", "broken.kdl"]));
    assert_eq!(broken.status.code(), Some(1));
    assert!(broken.stdout.is_empty());
}

/// `build --all-envs` compiles each environment on its own, and reports their findings as
/// `check` does: a finding of every environment once, one of some naming them.
#[test]
fn build_all_envs_reports_each_finding_once() {
    let dir = project("envs.kdl");
    let build = run(windlass(dir.path()).args(["build", "--all-envs", "-o", "out"]));
    assert_eq!(build.status.code(), Some(0), "{}", text(&build.stderr));
    let stderr = text(&build.stderr);
    // `orders` has its warning in all three environments, `payments` in two.
    assert_eq!(
        stderr.matches("`orders` asks for 8 replicas").count(),
        1,
        "{stderr}"
    );
    assert_eq!(
        stderr.matches("`payments` asks for 1 replica").count(),
        1,
        "{stderr}"
    );
    let unwrapped = stderr.replace("\n  │ ", " ");
    assert!(
        unwrapped.contains("range 2–6 (in environments `dev` and `staging`)"),
        "{stderr}"
    );
    assert!(stderr.contains("2 warnings; wrote"), "{stderr}");
    let check = run(windlass(dir.path()).arg("check"));
    let check_stderr = text(&check.stderr);
    // The same findings, in the same words, as `check` reports them.
    let findings = |s: &str| {
        s.split("\n\n")
            .filter(|b| b.contains('⚠'))
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    assert_eq!(findings(&stderr), findings(&check_stderr));
    common::settings().bind(|| {
        insta::assert_snapshot!("build_all_envs_findings", stderr);
    });
}

/// Diagnostics in imported files name those files. (These fixtures live beside their imports in
/// `tests/fixtures/errors/imports/`, outside the glob of `tests/diagnostics.rs`.)
#[test]
fn check_reports_problems_in_imported_files() {
    let dir = common::root().join("tests/fixtures/errors/imports");
    common::settings().bind(|| {
        for name in [
            "two-file-cycle",
            "app-in-imported-file",
            "syntax-in-imported-file",
        ] {
            let file = format!("{name}.kdl");
            assert_cmd_snapshot!(
                format!("check_import_{name}"),
                windlass(&dir).args(["check", &file])
            );
        }
    });
}

/// Environments that collide in one cluster stop `build --all-envs` as they fail `check`: the
/// collisions are reported and nothing is written.
#[test]
fn build_all_envs_refuses_environments_that_collide() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = common::root().join("tests/fixtures/errors/environment-collision.kdl");
    std::fs::copy(&fixture, dir.path().join("windlass.kdl")).unwrap();
    let build = run(windlass(dir.path()).args(["build", "--all-envs", "-o", "out"]));
    assert_eq!(build.status.code(), Some(1), "{}", text(&build.stderr));
    let stderr = text(&build.stderr);
    assert_eq!(
        stderr.matches("environment-collision").count(),
        3,
        "{stderr}"
    );
    assert!(stderr.contains("nothing written"), "{stderr}");
    assert!(!dir.path().join("out").exists());
    let check = run(windlass(dir.path()).arg("check"));
    assert_eq!(check.status.code(), Some(1));
    assert_eq!(
        text(&check.stderr).matches("environment-collision").count(),
        3
    );
}

/// `build` prints its notes as a count, and `check` prints them in full: notes help read the
/// output, and a build step printing them on every run would bury its warnings.
#[test]
fn build_counts_notes_and_check_shows_them() {
    let dir = tempfile::tempdir().unwrap();
    let example = common::root().join("examples/xuecheng");
    let build = run(windlass(&example)
        .args(["build", "windlass.kdl", "-o"])
        .arg(dir.path().join("out")));
    assert_eq!(build.status.code(), Some(0), "{}", text(&build.stderr));
    let stderr = text(&build.stderr);
    assert!(
        stderr.contains("1 note, not shown: `windlass check` shows it"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("expects objects it does not create"),
        "{stderr}"
    );
    let check = run(windlass(&example).args(["check", "windlass.kdl"]));
    assert!(text(&check.stderr).contains("expects objects it does not create"));
}
