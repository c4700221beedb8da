//! Records the facts of an application's upstream Kubernetes manifests, for `tests/upstream.rs`
//! to compare a Windlass reproduction with. Run through `scripts/upstream-facts.sh`, which reads
//! the files from a repository's git history; the repository keeps only the facts, never the
//! upstream YAML.
//!
//! `cargo run --example upstream-facts -- --repo OWNER/NAME --commit SHA --out FILE
//! PATH=LOCAL_COPY …`

#![allow(
    clippy::disallowed_methods,
    reason = "a script of the repository: it reads manifests and writes the facts file"
)]

#[allow(dead_code, reason = "the test's comparison is not the script's")]
#[path = "../tests/common/facts.rs"]
mod facts;

use std::process::ExitCode;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("upstream-facts: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let (mut repo, mut commit, mut out) = (None, None, None);
    let mut files = Vec::new();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--repo" => repo = args.next(),
            "--commit" => commit = args.next(),
            "--out" => out = args.next(),
            pair => {
                let (path, local) = pair
                    .split_once('=')
                    .ok_or_else(|| format!("expected PATH=LOCAL_COPY, got `{pair}`"))?;
                files.push((path.to_owned(), local.to_owned()));
            }
        }
    }
    let repo = repo.ok_or("--repo is required")?;
    let commit = commit.ok_or("--commit is required")?;
    let out = out.ok_or("--out is required")?;
    if files.is_empty() {
        return Err("no manifests given".into());
    }
    let mut objects = Vec::new();
    let mut lines = 0;
    for (_, local) in &files {
        let text = std::fs::read_to_string(local).map_err(|e| format!("{local}: {e}"))?;
        // Every line of YAML but blank ones and comments: what a team maintains.
        lines += text
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
            .count();
        // Read as kubectl reads it: a key repeated in one map takes its last value (some
        // published manifests repeat `resources`).
        let docs = windlass::yaml::general::documents_last_key_wins(&text)
            .map_err(|e| format!("{local}: {e}"))?;
        objects.extend(docs.into_iter().map(|(_, d)| d).filter(|d| !d.is_null()));
    }
    let facts = facts::facts(&objects);
    let record = serde_json::json!({
        "source": {
            "repository": repo,
            "commit": commit,
            "paths": files.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>(),
        },
        "upstream_yaml_lines": lines,
        "facts": facts,
    });
    let text = serde_json::to_string_pretty(&record).map_err(|e| e.to_string())? + "\n";
    std::fs::write(&out, text).map_err(|e| format!("{out}: {e}"))?;
    Ok(())
}
