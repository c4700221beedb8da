//! The whole compile pipeline on arbitrary bytes, as `windlass build` and `check` run it: parse,
//! resolve (with imports served from a small in-memory project), check, lower and render (all at
//! once, and streamed a workload at a time as `build` prints it: the same text), for the
//! base app and for every environment the input declares, then every diagnostic printed in each
//! output format. It must never panic nor overflow the stack; a compilation with errors has no
//! manifests; every diagnostic's label lies inside its file; and rendering is deterministic.

#![no_main]

use std::io;
use std::path::{Path, PathBuf};

use libfuzzer_sys::fuzz_target;
use windlass::render::{self, Format};
use windlass::{Goal, Input, Loader, Options, Output};

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

fn compile(text: &str, env: Option<&str>, goal: Goal) -> windlass::Compilation {
    let path = PathBuf::from("/project/windlass.kdl");
    let loader = Project { text };
    let options = Options {
        env: env.map(str::to_owned),
        goal,
        ..Options::default()
    };
    windlass::compile(Input::new("windlass.kdl", &path, text), &options, &loader)
}

fn inspect(compilation: &windlass::Compilation) {
    if compilation.has_errors() {
        assert!(compilation.manifests().is_empty(), "manifests despite errors");
    }
    let findings = compilation.located();
    let _ = windlass::diag::format::human(&compilation.diagnostics, false);
    let _ = windlass::diag::format::json(&findings);
    let _ = windlass::check::sarif::sarif(&findings);
    let _ = windlass::diag::format::github(&findings);
    if !compilation.manifests().is_empty() {
        let yaml = render::stream(compilation.manifests(), Format::Yaml);
        assert_eq!(yaml, render::stream(compilation.manifests(), Format::Yaml));
        let _ = render::files(compilation.manifests(), Format::Json);
        // What `build` writes, `diff` reads back: the same objects.
        let objects = windlass::diff::read::objects(&yaml, windlass::diff::read::Syntax::Yaml)
            .expect("our own YAML reads back");
        assert_eq!(objects.len(), compilation.manifests().len());
    }
}

/// `build` to stdout lowers and renders a workload at a time (`Goal::Yaml`): the same text as
/// rendering every object at once.
fn streams_alike(text: &str, env: Option<&str>, objects: &windlass::Compilation) {
    let streamed = compile(text, env, Goal::Yaml);
    match streamed.output {
        Output::Yaml(yaml) => assert_eq!(yaml, render::stream(objects.manifests(), Format::Yaml)),
        _ => assert!(objects.manifests().is_empty(), "objects, but no YAML stream"),
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let base = compile(text, None, Goal::Objects);
    inspect(&base);
    streams_alike(text, None, &base);
    for env in base.environments.iter().take(4) {
        let compiled = compile(text, Some(env), Goal::Objects);
        inspect(&compiled);
        streams_alike(text, Some(env), &compiled);
    }
});
