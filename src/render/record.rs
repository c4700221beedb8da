//! What `build -o` keeps beside the files it writes, and how it recognises files it wrote: the
//! record (`.windlass-files`, the list of the files) is written with them and read by the next
//! build, which replaces those files and no others.

use std::collections::BTreeSet;
use std::path::{Component, Path};

use crate::diff::read;

/// The name of the record, inside the output directory.
pub const RECORD: &str = ".windlass-files";

/// The first line of the record.
const HEADER: &str =
    "# Written by `windlass build -o`: the files it wrote here, which the next build replaces.";

/// The label every object Windlass writes carries, with the value `windlass`.
pub const MANAGED_BY: &str = "app.kubernetes.io/managed-by";

/// The record of the files named `names`: a header, then one name a line, sorted.
pub fn write<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    let mut names: Vec<&str> = names.into_iter().collect();
    names.sort_unstable();
    let mut text = format!("{HEADER}\n");
    for name in names {
        text.push_str(name);
        text.push('\n');
    }
    text
}

/// The files a record lists: relative paths of plain names only (no `..`, no root), so that
/// an edited record cannot reach outside the directory. Blank lines, `#` comments and names
/// with control characters (which no build writes) are skipped.
pub fn read(text: &str) -> BTreeSet<String> {
    text.lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter(|l| !l.chars().any(char::is_control))
        .filter(|l| {
            Path::new(l)
                .components()
                .all(|c| matches!(c, Component::Normal(_)))
        })
        .map(str::to_owned)
        .collect()
}

/// Whether the manifest file `file_name` holding `text` is one a build wrote: it holds at least
/// one object, and every object is labelled as managed by windlass.
pub fn is_managed(file_name: &str, text: &str) -> bool {
    match read::objects(text, read::Syntax::of(file_name)) {
        Ok(objects) => {
            !objects.is_empty()
                && objects.iter().all(|o| {
                    o.pointer("/metadata/labels")
                        .and_then(|l| l.get(MANAGED_BY))
                        .and_then(serde_json::Value::as_str)
                        == Some("windlass")
                })
        }
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_reads_back_as_the_names_it_was_written_from() {
        let names = ["b.yaml", "a.yaml", "staging/kustomization.yaml"];
        let text = write(names);
        assert!(text.starts_with("# Written by"));
        let back: Vec<String> = read(&text).into_iter().collect();
        assert_eq!(back, ["a.yaml", "b.yaml", "staging/kustomization.yaml"]);
    }

    #[test]
    fn an_edited_record_cannot_reach_outside_the_directory() {
        let read =
            read("a.yaml\n../up.yaml\n/etc/passwd\n./here.yaml\nx/../../y\n\n# c\nok/b.yaml\n");
        let read: Vec<&str> = read.iter().map(String::as_str).collect();
        assert_eq!(read, ["a.yaml", "ok/b.yaml"]);
    }

    #[test]
    fn managed_files_hold_only_objects_labelled_by_windlass() {
        let object = |managed: &str| {
            format!(
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels:\n    {MANAGED_BY}: {managed}\n"
            )
        };
        assert!(is_managed("a.yaml", &object("windlass")));
        assert!(!is_managed("a.yaml", &object("helm")));
        let mixed = format!("{}---\n{}", object("windlass"), object("helm"));
        assert!(!is_managed("a.yaml", &mixed));
        assert!(!is_managed("a.yaml", ""));
        assert!(!is_managed("a.yaml", "key: [unclosed\n"));
    }
}
