//! Every ```kdl block of docs/language.md compiles without errors, so the reference cannot drift
//! from the compiler.

#![allow(
    clippy::disallowed_methods,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests read fixtures, write temporary directories, and fail loudly"
)]

mod common;

fn kdl_blocks(markdown: &str) -> Vec<(usize, String)> {
    let mut blocks = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (i, line) in markdown.lines().enumerate() {
        match &mut current {
            None if line.trim_start() == "```kdl" => current = Some((i + 1, String::new())),
            Some((start, text)) if line.trim_start() == "```" => {
                blocks.push((*start, std::mem::take(text)));
                current = None;
            }
            Some((_, text)) => {
                text.push_str(line);
                text.push('\n');
            }
            None => {}
        }
    }
    blocks
}

#[test]
fn every_example_in_the_language_reference_compiles() {
    let doc = std::fs::read_to_string(common::root().join("docs/language.md")).unwrap();
    let blocks = kdl_blocks(&doc);
    assert!(
        blocks.len() >= 15,
        "the reference has an example for each part of the language"
    );
    let mut failures = String::new();
    for (line, text) in &blocks {
        let name = format!("docs/language.md:{line}");
        // Files the reference includes (`manifest`) sit beside it in docs/.
        let c = windlass::compile(
            windlass::Input::new(&name, std::path::Path::new(&name), text.clone()),
            &windlass::Options::default(),
            &common::DiskLoader,
        );
        if c.has_errors() || c.manifests().is_empty() {
            failures.push_str(&format!(
                "block at line {line}:\n{}\n",
                common::rendered(&c)
            ));
        }
        for env in &c.environments {
            let path = std::path::Path::new(&name);
            let e = windlass::compile(
                windlass::Input::new(&name, path, text.clone()),
                &windlass::Options {
                    env: Some(env.clone()),
                    ..windlass::Options::default()
                },
                &common::DiskLoader,
            );
            if e.has_errors() || e.manifests().is_empty() {
                failures.push_str(&format!(
                    "block at line {line}, environment {env}:\n{}\n",
                    common::rendered(&e)
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{failures}");
}

#[test]
fn the_readme_example_compiles() {
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    let blocks = kdl_blocks(&readme);
    assert!(!blocks.is_empty());
    for (line, text) in &blocks {
        let c = common::compile_text(&format!("README.md:{line}"), text);
        assert!(
            !c.has_errors() && !c.manifests().is_empty(),
            "{}",
            common::rendered(&c)
        );
    }
}
