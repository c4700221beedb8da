//! The whole compile pipeline on arbitrary bytes, as `windlass build` and `check` run it: parse,
//! resolve (with imports served from a small in-memory project), check, lower and render, for the
//! base app and for every environment the input declares, then every diagnostic printed in each
//! output format. It must never panic nor overflow the stack; a compilation with errors has no
//! manifests; every diagnostic's label lies inside its file; and rendering is deterministic.

#![no_main]

use std::io;
use std::path::{Path, PathBuf};

use libfuzzer_sys::fuzz_target;
use windlass::check::Config;
use windlass::render::{self, Format};
use windlass::source::Loader;

/// Serves `project/parts.kdl` as the fuzz input's own text, so imports (including an import of
/// itself, a cycle) reach the resolver; every other path is missing.
struct Project<'a> {
    text: &'a str,
}

impl Loader for Project<'_> {
    fn load(&self, path: &Path) -> io::Result<String> {
        if path.ends_with("parts.kdl") || path.ends_with("windlass.kdl") {
            Ok(self.text.to_owned())
        } else {
            Err(io::Error::new(io::ErrorKind::NotFound, "no such file"))
        }
    }
}

fn compile(text: &str, env: Option<&str>) -> windlass::Compilation {
    let path = PathBuf::from("/project/windlass.kdl");
    let loader = Project { text };
    windlass::compile_env(
        "windlass.kdl",
        &path,
        text.to_owned(),
        &loader,
        &Config::default(),
        env,
    )
}

fn inspect(compilation: &windlass::Compilation) {
    if compilation.has_errors() {
        assert!(compilation.manifests.is_empty(), "manifests despite errors");
    }
    let mut findings = Vec::new();
    for d in &compilation.diagnostics {
        let location = windlass::printer::location(d, &compilation.sources);
        findings.push((d, location));
    }
    let _ = windlass::printer::human(&compilation.diagnostics, false);
    let _ = windlass::printer::json(&findings);
    let _ = windlass::printer::sarif(&findings);
    let _ = windlass::printer::github(&findings);
    if !compilation.manifests.is_empty() {
        let yaml = render::stream(&compilation.manifests, Format::Yaml);
        assert_eq!(yaml, render::stream(&compilation.manifests, Format::Yaml));
        let _ = render::files(&compilation.manifests, Format::Json);
        // What `build` writes, `diff` reads back: the same objects.
        let objects = windlass::diff::read::objects(&yaml, windlass::diff::read::Syntax::Yaml)
            .expect("our own YAML reads back");
        assert_eq!(objects.len(), compilation.manifests.len());
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let base = compile(text, None);
    inspect(&base);
    for env in base.environments.iter().take(4) {
        inspect(&compile(text, Some(env)));
    }
});
