//! Everything the command line reads, as it reads it, on arbitrary bytes split at NUL: the
//! description's bytes (`build`, `check`, `diff`: UTF-8 or a diagnostic on the first byte that is
//! not), the record of an output directory (`.windlass-files`), a kustomization, and the files
//! of previous output (`diff --against DIR`, and adopting an output directory an earlier version
//! wrote), read against what the description compiles to.
//!
//! Reading must never panic: bytes that are not UTF-8 give one `syntax` diagnostic inside the
//! text; a record reads back as what it lists once written; and previous output either reads or
//! fails with a message naming the file, each new object unchanged at most once.

#![no_main]

use std::collections::HashSet;
use std::io;
use std::path::{Path, PathBuf};

use libfuzzer_sys::fuzz_target;
use windlass::diff::read;
use windlass::render::{self, record};
use windlass::{Goal, Input, Loader, Options, Output};

/// A project with nothing to import.
struct Empty;

impl Loader for Empty {
    fn load(&self, _: &Path) -> io::Result<String> {
        Err(io::Error::new(io::ErrorKind::NotFound, "no such file"))
    }
}

/// The next part as text, when it is UTF-8 (the CLI refuses the rest before reading on).
fn text(part: Option<&[u8]>) -> Option<&str> {
    std::str::from_utf8(part.unwrap_or_default()).ok()
}

fuzz_target!(|data: &[u8]| {
    let mut parts = data.split(|b| *b == 0);
    let description = parts.next().unwrap_or_default().to_vec();
    let len = description.len();
    let input = match Input::from_bytes("windlass.kdl", PathBuf::from("/p/windlass.kdl"), description) {
        Ok(input) => input,
        Err(found) => {
            assert_eq!(found.len(), 1, "one diagnostic for bytes that are not UTF-8");
            let diagnostic = &found[0];
            assert_eq!(diagnostic.code, "syntax");
            let span = diagnostic.span().expect("placed in the file");
            assert!((span.start as usize) <= len, "inside the text");
            let _ = windlass::diag::format::human(&found, false);
            return;
        }
    };
    let options = Options {
        goal: Goal::Written,
        ..Options::default()
    };
    let compiled = windlass::compile(input, &options, &Empty);
    let written: &[_] = match &compiled.output {
        Output::Written(written) => written,
        _ => &[],
    };

    if let Some(listed) = text(parts.next()) {
        let names = record::read(listed);
        let again = record::read(&record::write(names.iter().map(String::as_str)));
        assert_eq!(again, names, "a record reads back as what it lists");
    }
    if let Some(kustomization) = text(parts.next()) {
        let _ = render::kustomization_resources(kustomization);
    }
    let files: Vec<(String, String)> = parts
        .enumerate()
        .filter_map(|(i, bytes)| {
            let text = std::str::from_utf8(bytes).ok()?;
            let name = if text.trim_start().starts_with('{') {
                format!("f{i}.json")
            } else {
                format!("f{i}.yaml")
            };
            Some((name, text.to_owned()))
        })
        .collect();
    for (name, text) in &files {
        let _ = record::is_managed(name, text);
    }
    match read::previous(files.clone(), written) {
        Ok(previous) => {
            let unique: HashSet<usize> = previous.unchanged.iter().copied().collect();
            assert_eq!(unique.len(), previous.unchanged.len(), "an object unchanged twice");
            assert!(previous.unchanged.iter().all(|i| *i < written.len()));
        }
        Err(message) => {
            assert!(
                files.iter().any(|(name, _)| message.contains(name.as_str())),
                "the message names the file: {message}"
            );
        }
    }
});
