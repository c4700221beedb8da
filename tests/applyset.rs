//! Pruning with kubectl's ApplySets (KEP-3659): the output never carries an `applyset.*` key
//! (kubectl refuses manifests that do, and owns those labels itself), and the command `build`
//! and `diff` print is one kubectl 1.37 accepts, flag by flag. (The ID formula is unit-tested
//! against kubectl's own test values in `src/render/applyset.rs`; pruning itself needs an API
//! server, which these tests do not have.)

#![allow(
    clippy::disallowed_methods,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests read fixtures, run kubectl, and fail loudly"
)]

mod common;

use std::process::Command;

use serde_json::Value;
use windlass::render::applyset::ApplySet;

/// Every key of every map in `value`, all the way down, with the path to it.
fn keys(value: &Value, path: &str, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                out.push(format!("{path}.{k}"));
                keys(v, &format!("{path}.{k}"), out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                keys(v, &format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn no_output_carries_an_applyset_key() {
    let mut checked = 0;
    for example in common::examples() {
        let c = common::compile_file(&example);
        let envs = c.environments.clone();
        let mut compilations = vec![c];
        for env in &envs {
            compilations.push(common::compile_file_env(&example, Some(env)));
        }
        for c in compilations {
            assert!(!c.has_errors(), "{example}");
            for m in c.manifests() {
                let mut found = Vec::new();
                keys(&m.object, "", &mut found);
                let applyset: Vec<&String> =
                    found.iter().filter(|k| k.contains("applyset.")).collect();
                assert!(applyset.is_empty(), "{example}: {applyset:?}");
                checked += 1;
            }
        }
    }
    assert!(checked > 300, "{checked} objects");
}

/// The words of the printed command, with the environment variable split off.
fn words(command: &str) -> (Vec<&str>, Vec<&str>) {
    let (env, rest): (Vec<&str>, Vec<&str>) = command
        .split(' ')
        .partition(|w| w.contains('=') && !w.starts_with('-'));
    (env, rest)
}

#[test]
fn the_apply_command_is_one_kubectl_accepts() {
    let Some(kubectl) = common::external_tool("kubectl") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    std::fs::copy(
        common::root().join("tests/fixtures/diff/rollout/after.kdl"),
        root.join("windlass.kdl"),
    )
    .unwrap();
    let built = common::run(common::windlass(root).args(["build", "-o", "deploy"]));
    assert_eq!(built.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&built.stderr);
    let expected = ApplySet::new("shop", None, "shop").command("deploy");
    assert!(stderr.contains(&expected), "{stderr}");
    assert_eq!(
        expected,
        "KUBECTL_APPLYSET=true kubectl apply -k deploy --prune --applyset=windlass-shop -n shop"
    );
    let (env, args) = words(&expected);
    assert_eq!(env, ["KUBECTL_APPLYSET=true"]);
    assert_eq!(args[..2], ["kubectl", "apply"]);

    // Every flag is one `kubectl apply --help` lists, as it lists them with the ApplySet gate on.
    let help = Command::new(&kubectl)
        .args(["apply", "--help"])
        .env("KUBECTL_APPLYSET", "true")
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    for flag in args.iter().filter(|w| w.starts_with('-')) {
        let name = flag.split('=').next().unwrap();
        let listed = match name {
            "-k" => help.contains("-k, --kustomize="),
            "-n" => true, // a global flag (`kubectl options`)
            long => help.contains(&format!("    {long}=")),
        };
        assert!(listed, "`{name}` is not a flag of kubectl apply:\n{help}");
    }
    assert!(help.contains("A Secret will be used if no resource or group is specified"));

    // Run as printed (a server that is not there): kubectl parses every flag and gets as far as
    // looking the ApplySet's parent up. Without the gate, `--applyset` is not a flag at all.
    let attempt = |gate: bool| {
        let mut cmd = Command::new(&kubectl);
        cmd.current_dir(root)
            .args(&args[1..])
            .args(["--server", "http://127.0.0.1:9", "--request-timeout", "2s"])
            .env_remove("KUBECONFIG");
        if gate {
            cmd.env("KUBECTL_APPLYSET", "true");
        } else {
            cmd.env_remove("KUBECTL_APPLYSET");
        }
        let out = cmd.output().unwrap();
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let gated = attempt(true);
    assert!(
        gated.contains("invalid parent reference \"windlass-shop\"")
            && gated.contains("127.0.0.1:9"),
        "{gated}"
    );
    assert!(!gated.contains("unknown flag"), "{gated}");
    let ungated = attempt(false);
    assert!(ungated.contains("unknown flag: --applyset"), "{ungated}");
}
