//! The command line's handling of files, proved by running the debug binary:
//!
//! - `build -o DIR` replaces the directory in one step: killed at any step of the way (the test
//!   hook `WINDLASS_TEST_KILL_AT`), it leaves no directory or the old one or the new one, whole,
//!   and the next build finishes the job and removes what the killed one left. Where the
//!   directory cannot be exchanged (`WINDLASS_TEST_NO_EXCHANGE`, `WINDLASS_TEST_MOUNT_POINT`) the
//!   files are replaced in place, each one whole, and a mount point never gets a staging
//!   directory beside it.
//! - It writes only where it owns what is there: the current directory, the directories above
//!   it, the description's, a hand-written overlay and an earlier build holding a file the user
//!   added are refused, with nothing changed; an output of a version before the record is
//!   adopted; a symbolic link is followed and stays; a staging directory of a dead run is
//!   removed.
//! - Descriptions, imports and previous output are read only from regular files: a FIFO or a
//!   device is refused at once, and so is one in place of what an earlier build wrote (every
//!   such run is bounded by a timeout and a memory limit, so a hang fails the test instead of
//!   blocking it).
//! - `set-image` and `fmt` edit through symbolic links, keep the mode and the hard links, leave
//!   no temporary file when the write fails, and serialise concurrent edits of one file.
//!
//! Linux only: the exchange is `renameat2`, and FIFOs, `/dev/zero` and `/proc` are used.

#![cfg(target_os = "linux")]
#![allow(
    clippy::disallowed_methods,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests read fixtures, write temporary directories, and fail loudly"
)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::Write as _;
use std::os::unix::fs::{MetadataExt, PermissionsExt, symlink};
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{run, text, windlass};

/// The description of the shop: web, gateway, orders (2 replicas), search, orders-db.
const SHOP: &str = include_str!("fixtures/cli/shop.kdl");

/// The record of what a build wrote, inside its output directory.
const RECORD: &str = ".windlass-files";

/// More steps than any build of these descriptions takes.
const MAX_STEPS: usize = 200;

/// How long a run may take before it counts as blocked.
const TIMEOUT: Duration = Duration::from_secs(10);

/// `SIGABRT`, the signal of a run the kill hook ends.
const SIGABRT: i32 = 6;

/// The `search` workload of [`SHOP`].
const SEARCH: &str = "    stateful search {\n        image \"elasticsearch:7.17.10\"\n        port 9200\n        volume data path=\"/usr/share/elasticsearch/data\" size=\"10Gi\"\n        resources cpu=\"500m\" memory=\"2Gi\"\n    }\n";

/// A workload [`SHOP`] does not have.
const REVIEWS: &str = "    service reviews {\n        image \"reviews:1.0.0\"\n        port 8080\n        probe http \"/healthz\"\n        resources cpu=\"100m\" memory=\"128Mi\"\n    }\n";

/// The shop after a change that removes a file of its output (search), changes one (orders has
/// 3 replicas), adds one (reviews) and leaves the others as they were.
fn changed_shop() -> String {
    assert!(SHOP.contains(SEARCH) && SHOP.contains("replicas 2"));
    SHOP.replace(SEARCH, "")
        .replace("replicas 2", "replicas 3")
        .replace(
            "    database orders-db",
            &format!("{REVIEWS}    database orders-db"),
        )
}

/// A directory's content, recursively, hidden entries included: each path (`/`-separated,
/// relative) with its bytes, or `None` for a directory. Anything else (a link) fails the test.
type Tree = BTreeMap<String, Option<Vec<u8>>>;

/// The tree under `dir`.
fn tree(dir: &Path) -> Tree {
    fn walk(dir: &Path, prefix: &str, out: &mut Tree) {
        for entry in fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
            let kind = entry.file_type().unwrap();
            if kind.is_dir() {
                out.insert(name.clone(), None);
                walk(&entry.path(), &format!("{name}/"), out);
            } else {
                assert!(kind.is_file(), "{} is not a file", entry.path().display());
                out.insert(name, Some(fs::read(entry.path()).unwrap()));
            }
        }
    }
    let mut out = Tree::new();
    walk(dir, "", &mut out);
    out
}

/// The names in `dir` (hidden ones included), sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// A temporary directory holding `windlass.kdl` with `description`.
fn project(description: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("windlass.kdl"), description).unwrap();
    dir
}

/// The output of a run that must succeed.
fn ok(output: Output) -> Output {
    assert_eq!(
        output.status.code(),
        Some(0),
        "stderr: {}",
        text(&output.stderr)
    );
    output
}

/// `build -o out` in `dir`, with the test switches `switches` set.
fn build_out(dir: &Path, switches: &[&str]) -> Output {
    let mut cmd = windlass(dir);
    cmd.args(["build", "-o", "out"]);
    for switch in switches {
        cmd.env(switch, "1");
    }
    run(&mut cmd)
}

/// What `build -o out` writes for `description`, built in a directory of its own.
fn built_tree(description: &str) -> Tree {
    let dir = project(description);
    ok(build_out(dir.path(), &[]));
    tree(&dir.path().join("out"))
}

/// `build -o out` in `dir` with `switches` set and the kill hook at `step`, without a core
/// file (a shell sets the limit, then becomes windlass).
fn build_killed_at(dir: &Path, switches: &[&str], step: usize) -> Output {
    let mut cmd = Command::new("sh");
    cmd.args(["-c", "ulimit -c 0; exec \"$0\" \"$@\""])
        .arg(env!("CARGO_BIN_EXE_windlass"))
        .args(["build", "-o", "out"])
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("WINDLASS_TEST_KILL_AT", step.to_string());
    for switch in switches {
        cmd.env(switch, "1");
    }
    run(&mut cmd)
}

/// Runs `build -o out` in `dir` killed at step 1, 2, … until a run is not killed, calling
/// `after_kill(step)` after each killed run; returns how many steps a whole run took.
fn kill_at_each_step(dir: &Path, switches: &[&str], mut after_kill: impl FnMut(usize)) -> usize {
    for step in 1..=MAX_STEPS {
        let output = build_killed_at(dir, switches, step);
        let stderr = text(&output.stderr);
        if output.status.success() {
            assert!(!stderr.contains("killed at step"), "step {step}: {stderr}");
            return step - 1;
        }
        assert_eq!(
            output.status.signal(),
            Some(SIGABRT),
            "step {step}: not killed by the hook: {stderr}"
        );
        assert!(
            stderr.contains(&format!("killed at step {step}: ")),
            "step {step}: {stderr}"
        );
        after_kill(step);
    }
    panic!("a build was still killed at step {MAX_STEPS}");
}

/// Which files of `now` hold the content of `old`, of `new`, or neither: for failure messages.
fn compared(now: &Tree, old: &Tree, new: &Tree) -> String {
    let mut lines = Vec::new();
    for (name, content) in now {
        let what = match (
            old.get(name) == Some(content),
            new.get(name) == Some(content),
        ) {
            (true, true) => "old = new",
            (true, false) => "old",
            (false, true) => "new",
            (false, false) => "NEITHER",
        };
        lines.push(format!("  {name}: {what}"));
    }
    let missing: BTreeSet<&String> = old
        .keys()
        .chain(new.keys())
        .filter(|name| !now.contains_key(*name))
        .collect();
    lines.extend(missing.iter().map(|name| format!("  {name}: missing")));
    lines.join("\n")
}

/// Whether `name` is a temporary file of an in-place replacement (`.NAME.windlass-new-PID`).
fn is_temporary(name: &str) -> bool {
    let base = name.rsplit('/').next().unwrap_or(name);
    base.starts_with('.') && base.contains(".windlass-new-")
}

/// The files a record lists.
fn listed(record: &[u8]) -> BTreeSet<String> {
    let record = text(record);
    assert!(record.starts_with("# "), "{record}");
    record
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(str::to_owned)
        .collect()
}

/// The files (not the record) of a tree.
fn files_of(tree: &Tree) -> BTreeSet<String> {
    tree.keys().filter(|f| *f != RECORD).cloned().collect()
}

/// Checks what an in-place replacement of `old` by `new` left when it was killed: every file
/// whole (the old or the new content of its name), the files both builds write all present,
/// the record listing every file present (so the next build does not refuse them) and nothing
/// but the old, the new or both lists. Temporary files may be left. Returns whether the
/// directory is neither the old output nor the new one (a mix), which an exchange never leaves.
fn check_in_place(now: &Tree, old: &Tree, new: &Tree, step: usize) -> bool {
    let context = || format!("after a kill at step {step}:\n{}", compared(now, old, new));
    let present: BTreeSet<String> = files_of(now)
        .into_iter()
        .filter(|f| !is_temporary(f))
        .collect();
    for name in &present {
        assert!(
            old.get(name) == Some(&now[name]) || new.get(name) == Some(&now[name]),
            "{name} is not whole: {}",
            context()
        );
    }
    for name in files_of(old).intersection(&files_of(new)) {
        assert!(now.contains_key(name), "{name} is missing: {}", context());
    }
    let Some(Some(record)) = now.get(RECORD) else {
        panic!("the record is missing: {}", context());
    };
    let recorded = listed(record);
    let (old_files, new_files) = (files_of(old), files_of(new));
    let both: BTreeSet<String> = old_files.union(&new_files).cloned().collect();
    assert!(
        [&old_files, &new_files, &both].contains(&&recorded),
        "the record lists {recorded:?}: {}",
        context()
    );
    assert!(
        present.is_subset(&recorded),
        "the record misses files: {}",
        context()
    );
    let whole_old = present
        .iter()
        .all(|f| old.get(f) == Some(&now[f]) && recorded == old_files);
    let whole_new = present
        .iter()
        .all(|f| new.get(f) == Some(&now[f]) && recorded == new_files);
    !whole_old && !whole_new
}

/// The names beside `out` after a killed run: the project's own, and maybe staging
/// directories `.out.windlass-new-PID`, which the next run removes.
fn assert_only_staging_beside(dir: &Path, step: usize) {
    for name in names(dir) {
        assert!(
            name == "out" || name == "windlass.kdl" || name.starts_with(".out.windlass-new-"),
            "after a kill at step {step}, {name} is beside the output"
        );
    }
}

/// `windlass` run in `dir` with its address space limited to 2 GiB, so that reading a device
/// that never ends fails (or is refused) instead of taking the machine's memory.
fn windlass_limited(dir: &Path) -> Command {
    let mut cmd = Command::new("sh");
    cmd.args(["-c", "ulimit -v 2097152; exec \"$0\" \"$@\""])
        .arg(env!("CARGO_BIN_EXE_windlass"))
        .current_dir(dir)
        .env("NO_COLOR", "1");
    cmd
}

/// A command run with stdout and stderr captured, killed (and the test failed) when it is not
/// done within [`TIMEOUT`]: a run that blocks on its input fails instead of hanging.
fn run_bounded(cmd: &mut Command) -> Output {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("windlass starts");
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > TIMEOUT {
            child.kill().unwrap();
            let output = child.wait_with_output().unwrap();
            panic!(
                "{cmd:?} still ran after {TIMEOUT:?}: it blocks on its input\nstderr: {}",
                text(&output.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    child.wait_with_output().unwrap()
}

/// Makes a FIFO (named pipe) at `path`.
fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success(), "mkfifo {}", path.display());
}

/// Checks that a run was refused: exit 2, nothing on stdout, and stderr saying each of `says`.
fn assert_refused(output: &Output, says: &[&str]) {
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "stderr: {stderr}");
    assert!(output.stdout.is_empty(), "stdout: {}", text(&output.stdout));
    for said in says {
        assert!(
            stderr.contains(said),
            "stderr does not say {said:?}: {stderr}"
        );
    }
}

/// The permission bits of `path`.
fn mode(path: &Path) -> u32 {
    fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

/// The shop with `orders` at 3.2.0, as `set-image orders=3.2.0` leaves it.
fn shop_with_orders_bumped() -> String {
    SHOP.replace("\"orders:3.1.0\"", "\"orders:3.2.0\"")
}

/// The shop with `orders` at 3.2.0 and `web` at 1.5.0.
fn shop_with_both_bumped() -> String {
    shop_with_orders_bumped().replace("\"web:1.4.0\"", "\"web:1.5.0\"")
}

/// `set-image ASSIGNMENT` in `dir` (on `windlass.kdl`).
fn set_image(dir: &Path, assignment: &str) -> Command {
    let mut cmd = windlass(dir);
    cmd.args(["set-image", assignment]);
    cmd
}

/// A kill at every step of a first `build -o out` leaves no `out` (or, at the very end, the
/// whole new one) and at most a staging directory beside it; the next build writes the whole
/// output and removes the staging directory.
#[test]
fn a_first_build_killed_at_any_step_leaves_nothing_or_the_whole_output() {
    let new = built_tree(SHOP);
    let dir = project(SHOP);
    let out = dir.path().join("out");
    let steps = kill_at_each_step(dir.path(), &[], |step| {
        assert!(
            !out.exists() || tree(&out) == new,
            "after a kill at step {step}, out is partial:\n{}",
            compared(&tree(&out), &Tree::new(), &new)
        );
        assert_only_staging_beside(dir.path(), step);
        ok(build_out(dir.path(), &[]));
        assert_eq!(tree(&out), new, "the build after a kill at step {step}");
        assert_eq!(names(dir.path()), ["out", "windlass.kdl"], "step {step}");
        fs::remove_dir_all(&out).unwrap();
    });
    // At least a write per file, so the hook did stop the runs above.
    assert!(steps > new.len(), "a whole build took {steps} steps");
    assert_eq!(tree(&out), new);
    assert_eq!(names(dir.path()), ["out", "windlass.kdl"]);
}

/// A kill at every step of a build replacing an earlier one (of a description since changed)
/// leaves `out` whole: byte for byte the old tree or the new one, never a mix and never
/// missing. The next build writes exactly the new tree and leaves nothing beside it. Kills
/// before the exchange leave the old tree and kills after it the new one; both are seen.
#[test]
fn a_rebuild_killed_at_any_step_leaves_the_old_output_or_the_new() {
    let new_description = changed_shop();
    let (old, new) = (built_tree(SHOP), built_tree(&new_description));
    assert_ne!(old, new);
    let dir = project(SHOP);
    let (out, description) = (dir.path().join("out"), dir.path().join("windlass.kdl"));
    ok(build_out(dir.path(), &[]));
    fs::write(&description, &new_description).unwrap();
    let (mut saw_old, mut saw_new) = (0, 0);
    let steps = kill_at_each_step(dir.path(), &[], |step| {
        assert!(out.is_dir(), "after a kill at step {step}, out is missing");
        let now = tree(&out);
        if now == old {
            saw_old += 1;
        } else if now == new {
            saw_new += 1;
        } else {
            panic!(
                "after a kill at step {step}, out is a mix:\n{}",
                compared(&now, &old, &new)
            );
        }
        assert_only_staging_beside(dir.path(), step);
        ok(build_out(dir.path(), &[]));
        assert_eq!(tree(&out), new, "the build after a kill at step {step}");
        assert_eq!(names(dir.path()), ["out", "windlass.kdl"], "step {step}");
        // Back to the old output for the next step.
        fs::write(&description, SHOP).unwrap();
        ok(build_out(dir.path(), &[]));
        assert_eq!(tree(&out), old);
        fs::write(&description, &new_description).unwrap();
    });
    assert!(steps > new.len(), "a whole build took {steps} steps");
    assert!(saw_old > 0 && saw_new > 0, "old {saw_old}, new {saw_new}");
    assert_eq!(tree(&out), new);
    assert_eq!(names(dir.path()), ["out", "windlass.kdl"]);
}

/// Where the exchange fails (`EINVAL`, as a file system without it answers), the files are
/// replaced in place: after a kill at every step, each file in `out` is whole (its old or its
/// new content) and listed in the record; the next build gives exactly the new tree, with its
/// temporary files and the staging directory gone.
#[test]
fn in_place_replacement_killed_at_any_step_leaves_every_file_whole() {
    const SWITCHES: &[&str] = &["WINDLASS_TEST_NO_EXCHANGE"];
    let new_description = changed_shop();
    let (old, new) = (built_tree(SHOP), built_tree(&new_description));
    let dir = project(SHOP);
    let (out, description) = (dir.path().join("out"), dir.path().join("windlass.kdl"));
    ok(build_out(dir.path(), SWITCHES));
    assert_eq!(tree(&out), old);
    fs::write(&description, &new_description).unwrap();
    let (mut mixes, mut temporaries) = (0, 0);
    kill_at_each_step(dir.path(), SWITCHES, |step| {
        let now = tree(&out);
        mixes += usize::from(check_in_place(&now, &old, &new, step));
        temporaries += now.keys().filter(|f| is_temporary(f)).count();
        assert_only_staging_beside(dir.path(), step);
        ok(build_out(dir.path(), SWITCHES));
        assert_eq!(tree(&out), new, "the build after a kill at step {step}");
        assert_eq!(names(dir.path()), ["out", "windlass.kdl"], "step {step}");
        fs::write(&description, SHOP).unwrap();
        ok(build_out(dir.path(), SWITCHES));
        assert_eq!(
            tree(&out),
            old,
            "the in-place rebuild of the old description"
        );
        fs::write(&description, &new_description).unwrap();
    });
    // The files were replaced one by one (the switch took effect), and kills between writing a
    // file beside its place and renaming it left temporary files that the next build removed.
    assert!(mixes > 0, "no kill left a mix of old and new files");
    assert!(temporaries > 0, "no kill left a temporary file");
    assert_eq!(tree(&out), new);
    assert_eq!(names(dir.path()), ["out", "windlass.kdl"]);
}

/// A mount point is replaced in place, and never gets a staging directory beside it: not at any
/// step of a rebuild killed there, nor after the rebuild, which gives exactly the new tree.
#[test]
fn a_mount_point_is_replaced_in_place_without_a_staging_directory() {
    const SWITCHES: &[&str] = &["WINDLASS_TEST_MOUNT_POINT"];
    let new_description = changed_shop();
    let (old, new) = (built_tree(SHOP), built_tree(&new_description));
    let dir = project(SHOP);
    let (out, description) = (dir.path().join("out"), dir.path().join("windlass.kdl"));
    ok(build_out(dir.path(), &[]));
    fs::write(&description, &new_description).unwrap();
    let mut mixes = 0;
    kill_at_each_step(dir.path(), SWITCHES, |step| {
        assert_eq!(
            names(dir.path()),
            ["out", "windlass.kdl"],
            "after a kill at step {step}"
        );
        mixes += usize::from(check_in_place(&tree(&out), &old, &new, step));
        ok(build_out(dir.path(), SWITCHES));
        assert_eq!(tree(&out), new, "the build after a kill at step {step}");
        assert_eq!(names(dir.path()), ["out", "windlass.kdl"], "step {step}");
        fs::write(&description, SHOP).unwrap();
        ok(build_out(dir.path(), SWITCHES));
        assert_eq!(tree(&out), old);
        fs::write(&description, &new_description).unwrap();
    });
    assert!(mixes > 0, "no kill left a mix of old and new files");
    assert_eq!(tree(&out), new);
    assert_eq!(names(dir.path()), ["out", "windlass.kdl"]);
}

/// `-o` the current directory (by its absolute path) or the one above it (`..`) is refused,
/// saying why, with nothing changed or created anywhere.
#[test]
fn build_refuses_the_current_directory_and_the_one_above_it() {
    let root = tempfile::tempdir().unwrap();
    let here = root.path().join("shop");
    fs::create_dir(&here).unwrap();
    fs::write(here.join("windlass.kdl"), SHOP).unwrap();
    let before = tree(root.path());

    let absolute = here.canonicalize().unwrap();
    let output = run(windlass(&here).args(["build", "-o"]).arg(&absolute));
    assert_refused(&output, &["it is the current directory, or holds it"]);
    assert_eq!(tree(root.path()), before);

    let output = run(windlass(&here).args(["build", "-o", ".."]));
    assert_refused(&output, &["cannot write ..", "a directory of its own"]);
    assert_eq!(tree(root.path()), before);

    // `..` by another spelling, that names a directory: it holds the current one.
    let output = run(windlass(&here).args(["build", "-o", "../shop/.."]));
    assert_refused(&output, &["a directory of its own"]);
    let output = run(windlass(&here).args(["build", "-o"]).arg(root.path()));
    assert_refused(&output, &["it is the current directory, or holds it"]);
    assert_eq!(tree(root.path()), before);

    // A symbolic link to the current directory is followed, and refused too.
    let outside = tempfile::tempdir().unwrap();
    let link = outside.path().join("out");
    symlink(&absolute, &link).unwrap();
    let output = run(windlass(&here).args(["build", "-o"]).arg(&link));
    assert_refused(&output, &["it is the current directory, or holds it"]);
    assert_eq!(tree(root.path()), before);
    assert_eq!(names(outside.path()), ["out"]);
}

/// A directory holding the description (or holding a directory that does) is refused when
/// built into from elsewhere, with nothing changed.
#[test]
fn build_refuses_the_directory_of_the_description() {
    let root = tempfile::tempdir().unwrap();
    fs::create_dir_all(root.path().join("work")).unwrap();
    fs::create_dir_all(root.path().join("shop/app")).unwrap();
    fs::write(root.path().join("shop/app/windlass.kdl"), SHOP).unwrap();
    let before = tree(root.path());
    let work = root.path().join("work");
    for out in ["../shop/app", "../shop"] {
        let output = run(windlass(&work).args(["build", "../shop/app/windlass.kdl", "-o", out]));
        assert_refused(
            &output,
            &[&format!("cannot write {out}: it holds the description")],
        );
        assert_eq!(tree(root.path()), before, "-o {out}");
    }
}

/// A hand-written kustomize overlay is refused, naming its files, and left as it was.
#[test]
fn build_refuses_a_hand_written_overlay() {
    let dir = project(SHOP);
    let overlay = dir.path().join("overlay");
    fs::create_dir_all(overlay.join("secrets")).unwrap();
    fs::write(
        overlay.join("kustomization.yaml"),
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- patch.yaml\n",
    )
    .unwrap();
    fs::write(
        overlay.join("patch.yaml"),
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: orders\nspec:\n  replicas: 5\n",
    )
    .unwrap();
    fs::write(overlay.join("secrets/db.env"), "PASSWORD=hunter2\n").unwrap();
    let before = tree(dir.path());
    let output = run(windlass(dir.path()).args(["build", "-o", "overlay"]));
    assert_refused(
        &output,
        &[
            "cannot write overlay: it holds files that windlass did not write",
            "kustomization.yaml",
            "patch.yaml",
            "secrets/db.env",
        ],
    );
    assert_eq!(tree(dir.path()), before);
}

/// A file the user added to an earlier build's output (a sealed secret kept beside it) makes
/// the next build refuse the directory, naming the file; nothing is changed.
#[test]
fn build_refuses_an_output_holding_a_file_the_user_added() {
    let dir = project(SHOP);
    ok(build_out(dir.path(), &[]));
    fs::write(
        dir.path().join("out/sealed-secret.yaml"),
        "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: orders-db\n",
    )
    .unwrap();
    fs::write(dir.path().join("windlass.kdl"), changed_shop()).unwrap();
    let before = tree(dir.path());
    let output = build_out(dir.path(), &[]);
    assert_refused(
        &output,
        &["cannot write out: it holds files that windlass did not write: sealed-secret.yaml"],
    );
    assert_eq!(tree(dir.path()), before);
}

/// An output written before the record existed (no `.windlass-files`) is adopted by the next
/// build: it succeeds and writes the record again.
#[test]
fn build_adopts_an_output_written_without_the_record() {
    let dir = project(SHOP);
    let out = dir.path().join("out");
    ok(build_out(dir.path(), &[]));
    let built = tree(&out);
    fs::remove_file(out.join(RECORD)).unwrap();
    ok(build_out(dir.path(), &[]));
    assert_eq!(
        tree(&out),
        built,
        "the record is back, the files as they were"
    );

    // And when the description changed since: the new tree, whole.
    fs::remove_file(out.join(RECORD)).unwrap();
    fs::write(dir.path().join("windlass.kdl"), changed_shop()).unwrap();
    ok(build_out(dir.path(), &[]));
    assert_eq!(tree(&out), built_tree(&changed_shop()));
    assert_eq!(names(dir.path()), ["out", "windlass.kdl"]);
}

/// The same for `build --all-envs -o`, which writes a folder per environment.
#[test]
fn build_all_envs_adopts_an_output_written_without_the_record() {
    let example = common::root().join("examples/xuecheng");
    let dir = tempfile::tempdir().unwrap();
    fs::copy(
        example.join("windlass.kdl"),
        dir.path().join("windlass.kdl"),
    )
    .unwrap();
    fs::create_dir(dir.path().join("components")).unwrap();
    for entry in fs::read_dir(example.join("components")).unwrap() {
        let entry = entry.unwrap();
        fs::copy(
            entry.path(),
            dir.path().join("components").join(entry.file_name()),
        )
        .unwrap();
    }
    let out = dir.path().join("out");
    let build = || run(windlass(dir.path()).args(["build", "--all-envs", "-o", "out"]));
    ok(build());
    let built = tree(&out);
    assert!(
        built.get("prod") == Some(&None) && built.contains_key("prod/kustomization.yaml"),
        "{:?}",
        built.keys()
    );
    fs::remove_file(out.join(RECORD)).unwrap();
    ok(build());
    assert_eq!(tree(&out), built);
    assert_eq!(names(dir.path()), ["components", "out", "windlass.kdl"]);
}

/// An edited record cannot make a build remove what is outside the output directory: lines
/// that climb out (`../victim.txt`) or are absolute, and a file it names that is not there,
/// remove nothing, with the directory exchanged or replaced in place alike.
#[test]
fn a_record_naming_files_outside_the_output_removes_nothing_there() {
    for switches in [&[][..], &["WINDLASS_TEST_NO_EXCHANGE"][..]] {
        let dir = project(SHOP);
        ok(build_out(dir.path(), &[]));
        let victim = dir.path().join("victim.txt");
        fs::write(&victim, "keep me\n").unwrap();
        let absolute = dir.path().join("absolute.txt");
        fs::write(&absolute, "keep me too\n").unwrap();
        let record = dir.path().join("out").join(RECORD);
        let mut text = fs::read_to_string(&record).unwrap();
        text.push_str(&format!(
            "../victim.txt\n{}\ngone.yaml\n",
            absolute.display()
        ));
        fs::write(&record, text).unwrap();
        fs::write(dir.path().join("windlass.kdl"), changed_shop()).unwrap();
        ok(build_out(dir.path(), switches));
        assert_eq!(
            fs::read_to_string(&victim).unwrap(),
            "keep me\n",
            "{switches:?}"
        );
        assert_eq!(
            fs::read_to_string(&absolute).unwrap(),
            "keep me too\n",
            "{switches:?}"
        );
        assert_eq!(
            tree(&dir.path().join("out")),
            built_tree(&changed_shop()),
            "{switches:?}"
        );
    }
}

/// A kustomization that lists one manifest twice does not make a file it does not list look
/// like a build's: the directory is refused, and the file is named.
#[test]
fn a_kustomization_listing_a_file_twice_adopts_nothing_else() {
    let dir = project(SHOP);
    ok(build_out(dir.path(), &[]));
    let out = dir.path().join("out");
    fs::remove_file(out.join(RECORD)).unwrap();
    let namespace = fs::read_to_string(out.join("namespace.yaml")).unwrap();
    for entry in fs::read_dir(&out).unwrap() {
        fs::remove_file(entry.unwrap().path()).unwrap();
    }
    fs::write(out.join("namespace.yaml"), &namespace).unwrap();
    fs::write(out.join("notes.yaml"), &namespace).unwrap();
    fs::write(
        out.join("kustomization.yaml"),
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- namespace.yaml\n- namespace.yaml\n",
    )
    .unwrap();
    let before = tree(dir.path());
    let output = build_out(dir.path(), &[]);
    assert_refused(&output, &["notes.yaml"]);
    assert_eq!(tree(dir.path()), before);
}

/// The exchange replaces the directory itself; its permissions are those the user gave it.
#[test]
fn a_rebuild_keeps_the_permissions_of_the_output_directory() {
    use std::os::unix::fs::PermissionsExt;
    let dir = project(SHOP);
    ok(build_out(dir.path(), &[]));
    let out = dir.path().join("out");
    fs::set_permissions(&out, fs::Permissions::from_mode(0o750)).unwrap();
    fs::write(dir.path().join("windlass.kdl"), changed_shop()).unwrap();
    ok(build_out(dir.path(), &[]));
    assert_eq!(mode(&out), 0o750);
    assert_eq!(tree(&out), built_tree(&changed_shop()));
}

/// `-o` a symbolic link to a directory writes into that directory; after two builds the link
/// is still a link to the same directory, which holds the second build's output.
#[test]
fn build_into_a_symbolic_link_keeps_the_link() {
    let dir = project(SHOP);
    fs::create_dir(dir.path().join("deploy")).unwrap();
    let link = dir.path().join("out");
    symlink("deploy", &link).unwrap();
    ok(build_out(dir.path(), &[]));
    assert_eq!(tree(&dir.path().join("deploy")), built_tree(SHOP));

    fs::write(dir.path().join("windlass.kdl"), changed_shop()).unwrap();
    ok(build_out(dir.path(), &[]));
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(fs::read_link(&link).unwrap(), Path::new("deploy"));
    let target = dir.path().join("deploy");
    assert!(fs::symlink_metadata(&target).unwrap().is_dir());
    assert_eq!(tree(&target), built_tree(&changed_shop()));
    assert_eq!(names(dir.path()), ["deploy", "out", "windlass.kdl"]);
}

/// A staging directory left beside the output by a run that is gone (its PID runs no process)
/// is removed by the next build; one of a process still running (a build at the same time) is
/// left alone.
#[test]
fn build_removes_the_staging_directory_of_a_dead_run() {
    let dir = project(SHOP);
    ok(build_out(dir.path(), &[]));
    let built = tree(&dir.path().join("out"));
    assert!(!Path::new("/proc/999999").exists(), "PID 999999 runs");
    let dead = dir.path().join(".out.windlass-new-999999");
    fs::create_dir(&dead).unwrap();
    fs::write(dead.join("frontend-web.yaml"), "half a file").unwrap();
    let live = dir
        .path()
        .join(format!(".out.windlass-new-{}", std::process::id()));
    fs::create_dir(&live).unwrap();
    fs::write(live.join("frontend-web.yaml"), "being written").unwrap();

    ok(build_out(dir.path(), &[]));
    assert!(!dead.exists(), "the dead run's staging directory is left");
    assert_eq!(
        tree(&live),
        Tree::from([(
            "frontend-web.yaml".to_owned(),
            Some(b"being written".to_vec())
        )])
    );
    fs::remove_dir_all(&live).unwrap();
    assert_eq!(names(dir.path()), ["out", "windlass.kdl"]);
    assert_eq!(tree(&dir.path().join("out")), built);
}

/// A FIFO given as the description, or as the previous output of `diff --against`, is refused
/// at once (exit 2, "not a regular file") instead of blocking until someone writes to it.
#[test]
fn a_fifo_is_refused_at_once() {
    let dir = project(SHOP);
    mkfifo(&dir.path().join("pipe.kdl"));
    for command in ["check", "build"] {
        let output = run_bounded(windlass_limited(dir.path()).args([command, "pipe.kdl"]));
        assert_refused(
            &output,
            &["cannot read pipe.kdl: a FIFO (named pipe) is not a regular file"],
        );
    }
    mkfifo(&dir.path().join("previous.yaml"));
    let output =
        run_bounded(windlass_limited(dir.path()).args(["diff", "--against", "previous.yaml"]));
    assert_refused(
        &output,
        &["cannot read previous.yaml: a FIFO (named pipe) is not a regular file"],
    );
}

/// A device that never ends is refused, not read: `/dev/zero` as the description, as
/// `/dev/stdin` with `/dev/zero` on stdin, and as the previous output of `diff --against`.
#[test]
fn a_device_is_refused_not_read() {
    let dir = project(SHOP);
    let output = run_bounded(windlass_limited(dir.path()).args(["check", "/dev/zero"]));
    assert_refused(
        &output,
        &["cannot read /dev/zero: a device is not a regular file"],
    );
    let zero = fs::File::open("/dev/zero").unwrap();
    let output = run_bounded(
        windlass_limited(dir.path())
            .args(["check", "/dev/stdin"])
            .stdin(Stdio::from(zero)),
    );
    assert_refused(
        &output,
        &["cannot read /dev/stdin: a device is not a regular file"],
    );
    let output = run_bounded(windlass_limited(dir.path()).args(["diff", "--against", "/dev/zero"]));
    assert_refused(
        &output,
        &["cannot read /dev/zero: a device is not a regular file"],
    );
}

/// What an earlier build left is read like any previous output: its record (`.windlass-files`)
/// replaced by a FIFO or a link to `/dev/zero` makes `build -o` refuse the directory at once,
/// saying what the record is, and a FIFO in place of the `kustomization.yaml` of an output
/// without a record makes the files count as not written by windlass. Nothing is changed.
#[test]
fn a_fifo_or_device_in_the_output_directory_is_refused_not_read() {
    /// The names in `out` and the bytes of its regular files.
    fn snapshot(out: &Path) -> (Vec<String>, BTreeMap<String, Vec<u8>>) {
        let files = names(out)
            .into_iter()
            .filter(|n| fs::symlink_metadata(out.join(n)).unwrap().is_file())
            .map(|n| (n.clone(), fs::read(out.join(n)).unwrap()))
            .collect();
        (names(out), files)
    }
    /// Puts something that is not a regular file at a path.
    type Replace = fn(&Path);
    let cases: [(&str, Replace, &str); 3] = [
        (
            RECORD,
            mkfifo,
            "cannot write out: .windlass-files: a FIFO (named pipe) is not a regular file",
        ),
        (
            RECORD,
            |path| symlink("/dev/zero", path).unwrap(),
            "cannot write out: .windlass-files: a device is not a regular file",
        ),
        (
            "kustomization.yaml",
            mkfifo,
            "cannot write out: it holds files that windlass did not write",
        ),
    ];
    for (name, replace, says) in cases {
        let dir = project(SHOP);
        let out = dir.path().join("out");
        ok(build_out(dir.path(), &[]));
        if name != RECORD {
            fs::remove_file(out.join(RECORD)).unwrap();
        }
        fs::remove_file(out.join(name)).unwrap();
        replace(&out.join(name));
        fs::write(dir.path().join("windlass.kdl"), changed_shop()).unwrap();
        let before = snapshot(&out);
        let output = run_bounded(windlass_limited(dir.path()).args(["build", "-o", "out"]));
        assert_refused(&output, &[says]);
        assert_eq!(snapshot(&out), before, "{name}");
        assert_eq!(names(dir.path()), ["out", "windlass.kdl"], "{name}");
    }
}

/// An `import` of a FIFO is reported as a diagnostic on the import (exit 1), without blocking.
#[test]
fn an_imported_fifo_is_a_diagnostic() {
    let dir = project(&format!("import \"parts.kdl\"\n\n{SHOP}"));
    mkfifo(&dir.path().join("parts.kdl"));
    let output = run_bounded(windlass_limited(dir.path()).arg("check"));
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "stderr: {stderr}");
    assert!(
        stderr.contains("cannot read `parts.kdl`: a FIFO (named pipe) is not a regular file"),
        "{stderr}"
    );
    assert!(stderr.contains("windlass.kdl:1:8"), "{stderr}");
}

/// `set-image` on a symbolic link edits the file it points to; the link stays a link to it.
#[test]
fn set_image_edits_the_file_a_link_points_to() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("real")).unwrap();
    fs::write(dir.path().join("real/shop.kdl"), SHOP).unwrap();
    let link = dir.path().join("windlass.kdl");
    symlink("real/shop.kdl", &link).unwrap();
    ok(run(&mut set_image(dir.path(), "orders=3.2.0")));
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(fs::read_link(&link).unwrap(), Path::new("real/shop.kdl"));
    assert_eq!(
        fs::read_to_string(dir.path().join("real/shop.kdl")).unwrap(),
        shop_with_orders_bumped()
    );
    assert_eq!(names(dir.path()), ["real", "windlass.kdl"]);
    assert_eq!(names(&dir.path().join("real")), ["shop.kdl"]);
}

/// `set-image` keeps the file's mode (0640 stays 0640, not the default 0644).
#[test]
fn set_image_keeps_the_mode() {
    let dir = project(SHOP);
    let file = dir.path().join("windlass.kdl");
    fs::set_permissions(&file, fs::Permissions::from_mode(0o640)).unwrap();
    ok(run(&mut set_image(dir.path(), "orders=3.2.0")));
    assert_eq!(
        fs::read_to_string(&file).unwrap(),
        shop_with_orders_bumped()
    );
    assert_eq!(mode(&file), 0o640);
    assert_eq!(names(dir.path()), ["windlass.kdl"]);
}

/// `set-image` on a file with two names (a hard link) edits the file itself: both names still
/// name one file (the same inode), which holds the edit.
#[test]
fn set_image_keeps_hard_links() {
    let dir = project(SHOP);
    let (file, other) = (dir.path().join("windlass.kdl"), dir.path().join("copy.kdl"));
    fs::hard_link(&file, &other).unwrap();
    let inode = fs::metadata(&file).unwrap().ino();
    ok(run(&mut set_image(dir.path(), "orders=3.2.0")));
    for name in [&file, &other] {
        let meta = fs::metadata(name).unwrap();
        assert_eq!((meta.ino(), meta.nlink()), (inode, 2), "{}", name.display());
        assert_eq!(fs::read_to_string(name).unwrap(), shop_with_orders_bumped());
    }
    assert_eq!(names(dir.path()), ["copy.kdl", "windlass.kdl"]);
}

/// Two `set-image` runs at once on different workloads of one file: both edits are kept, in
/// each of 20 trials (and 10 more on a file with a hard link, which is rewritten in place).
#[test]
fn concurrent_set_images_keep_both_edits() {
    let dir = project(SHOP);
    let file = dir.path().join("windlass.kdl");
    for trial in 0..30 {
        fs::write(&file, SHOP).unwrap();
        let linked = trial >= 20;
        if linked {
            let _ = fs::remove_file(dir.path().join("copy.kdl"));
            fs::hard_link(&file, dir.path().join("copy.kdl")).unwrap();
        }
        let children: Vec<_> = ["orders=3.2.0", "web=1.5.0"]
            .into_iter()
            .map(|assignment| {
                set_image(dir.path(), assignment)
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            ok(child.wait_with_output().unwrap());
        }
        assert_eq!(
            fs::read_to_string(&file).unwrap(),
            shop_with_both_bumped(),
            "trial {trial}: an edit was lost"
        );
        let expected: &[&str] = if linked {
            &["copy.kdl", "windlass.kdl"]
        } else {
            &["windlass.kdl"]
        };
        assert_eq!(names(dir.path()), expected, "trial {trial}");
    }
}

/// `set-image` waits for a lock another editor holds on the file, then edits what that editor
/// wrote: the other edit is kept. (The pause only gives `set-image` time to read too early if
/// it did not wait; with the lock, the result is the same however long it is.)
#[test]
fn set_image_waits_for_a_lock_on_the_file() {
    let dir = project(SHOP);
    let path = dir.path().join("windlass.kdl");
    let mut file = fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&path)
        .unwrap();
    file.lock().unwrap();
    let child = set_image(dir.path(), "orders=3.2.0")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(500));
    let edited = SHOP.replace("\"web:1.4.0\"", "\"web:1.5.0\"");
    file.set_len(0).unwrap();
    file.write_all(edited.as_bytes()).unwrap();
    file.sync_all().unwrap();
    drop(file);
    ok(child.wait_with_output().unwrap());
    assert_eq!(fs::read_to_string(&path).unwrap(), shop_with_both_bumped());
}

/// `fmt` on a symbolic link formats the file it points to, keeps the link and the file's mode;
/// on a file with a hard link, both names keep naming the formatted file.
#[test]
fn fmt_edits_through_links_and_keeps_the_mode() {
    let unformatted = SHOP.replace("\n        ", "\n   ");
    assert_ne!(unformatted, SHOP);
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("real")).unwrap();
    let real = dir.path().join("real/shop.kdl");
    fs::write(&real, &unformatted).unwrap();
    fs::set_permissions(&real, fs::Permissions::from_mode(0o640)).unwrap();
    let link = dir.path().join("windlass.kdl");
    symlink("real/shop.kdl", &link).unwrap();
    let output = ok(run(windlass(dir.path()).arg("fmt")));
    assert!(
        text(&output.stderr).contains("formatted windlass.kdl"),
        "{}",
        text(&output.stderr)
    );
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(fs::read_link(&link).unwrap(), Path::new("real/shop.kdl"));
    assert_eq!(fs::read_to_string(&real).unwrap(), SHOP);
    assert_eq!(mode(&real), 0o640);
    assert_eq!(names(dir.path()), ["real", "windlass.kdl"]);
    assert_eq!(names(&dir.path().join("real")), ["shop.kdl"]);

    let other = dir.path().join("real/copy.kdl");
    fs::write(&real, &unformatted).unwrap();
    fs::hard_link(&real, &other).unwrap();
    let inode = fs::metadata(&real).unwrap().ino();
    ok(run(windlass(dir.path()).arg("fmt")));
    for name in [&real, &other] {
        assert_eq!(fs::metadata(name).unwrap().ino(), inode);
        assert_eq!(fs::read_to_string(name).unwrap(), SHOP);
    }
    assert_eq!(mode(&real), 0o640);
    assert_eq!(names(&dir.path().join("real")), ["copy.kdl", "shop.kdl"]);
}

/// When the edited file cannot be written (here: a file-size limit smaller than it, as a full
/// disk would), `set-image` and `fmt` fail with exit 2, the file is as it was, and no temporary
/// file is left: for a file with one name and for one with a hard link.
#[test]
fn a_failed_edit_leaves_the_file_and_no_temporary_file() {
    let unformatted = SHOP.replace("\n        ", "\n   ");
    for linked in [false, true] {
        for (args, before) in [
            (["set-image", "orders=3.2.0"], SHOP),
            (["fmt", "windlass.kdl"], unformatted.as_str()),
        ] {
            let dir = project(before);
            let file = dir.path().join("windlass.kdl");
            if linked {
                fs::hard_link(&file, dir.path().join("copy.kdl")).unwrap();
            }
            // The limit is in blocks of 512 bytes: the description is larger. Writing past it
            // fails with EFBIG once the signal it raises is ignored (which exec keeps).
            assert!(before.len() > 1024);
            let output = run(Command::new("sh")
                .args(["-c", "trap '' XFSZ; ulimit -f 1; exec \"$0\" \"$@\""])
                .arg(env!("CARGO_BIN_EXE_windlass"))
                .args(args)
                .current_dir(dir.path())
                .env("NO_COLOR", "1"));
            assert_refused(&output, &["cannot write windlass.kdl"]);
            assert_eq!(fs::read_to_string(&file).unwrap(), before, "{args:?}");
            let expected: &[&str] = if linked {
                &["copy.kdl", "windlass.kdl"]
            } else {
                &["windlass.kdl"]
            };
            assert_eq!(names(dir.path()), expected, "{args:?}, linked: {linked}");
        }
    }
}

#[test]
fn an_app_in_the_default_namespace_writes_no_namespace_file() {
    let description = SHOP.replacen("app shop {\n", "app shop {\n    namespace default\n", 1);
    assert_ne!(description, SHOP);
    let built = built_tree(&description);
    assert!(!built.contains_key("namespace.yaml"), "{:?}", built.keys());
    let kustomization = text(built["kustomization.yaml"].as_deref().unwrap());
    assert!(!kustomization.contains("namespace"), "{kustomization}");
    for (name, content) in &built {
        if let Some(content) = content
            && name.ends_with(".yaml")
            && name != "kustomization.yaml"
        {
            let content = text(content);
            assert!(!content.contains("kind: Namespace"), "{name}");
            assert!(content.contains("namespace: default"), "{name}");
        }
    }
}
