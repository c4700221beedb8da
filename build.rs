//! Embeds every `stdlib/*.kdl` component file into the binary, in name order.

#![allow(
    clippy::disallowed_methods,
    reason = "a build script reads the files it embeds"
)]

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=stdlib");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("stdlib");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|e| e.file_name().into_string().ok())
                .filter_map(|n| n.strip_suffix(".kdl").map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    let mut out =
        String::from("/// Every standard-library component file: (name, text), sorted by name.\n");
    out.push_str("pub const FILES: &[(&str, &str)] = &[\n");
    for name in &names {
        let path = dir.join(format!("{name}.kdl"));
        let _ = writeln!(
            out,
            "    ({name:?}, include_str!({:?})),",
            path.display().to_string()
        );
    }
    out.push_str("];\n");
    let target =
        Path::new(&std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into())).join("stdlib_files.rs");
    if let Err(err) = std::fs::write(&target, out) {
        panic!("cannot write {}: {err}", target.display());
    }
}
