//! Adopting an output directory that a version before the record wrote: it is Windlass's when
//! every file in it is one a build writes.

use std::collections::BTreeSet;
use std::path::Path;

use windlass::render::record;

use super::file_name;
use crate::cli::files;

/// The files of a directory without a record that a build would not have written. A build
/// writes `kustomization.yaml` and the manifests it lists into the directory, or into one
/// folder per environment; every object in them is labelled as managed by windlass.
pub(super) fn not_written_by_a_build<'a>(
    dir: &Path,
    present: &'a BTreeSet<String>,
) -> Vec<&'a String> {
    let mut ours: BTreeSet<&str> = BTreeSet::new();
    let folders: BTreeSet<&str> = present
        .iter()
        .map(|f| f.rsplit_once('/').map_or("", |(folder, _)| folder))
        .collect();
    for folder in folders {
        if folder.contains('/') {
            continue;
        }
        let prefix = if folder.is_empty() {
            String::new()
        } else {
            format!("{folder}/")
        };
        let kustomization = format!("{prefix}kustomization.yaml");
        let Ok(text) = files::read_text(&dir.join(&kustomization), files::MAX_PREVIOUS_BYTES)
        else {
            continue;
        };
        let Some(listed) = windlass::render::kustomization_resources(&text) else {
            continue;
        };
        let listed: BTreeSet<String> = listed.into_iter().collect();
        let beside: BTreeSet<&str> = present
            .iter()
            .filter_map(|f| f.strip_prefix(&prefix))
            .filter(|f| !f.contains('/') && *f != "kustomization.yaml")
            .collect();
        let all_managed = listed.iter().all(|name| {
            beside.contains(name.as_str()) && is_managed(&dir.join(format!("{prefix}{name}")))
        });
        if all_managed && listed.len() == beside.len() {
            ours.extend(
                present
                    .iter()
                    .filter(|f| {
                        f.strip_prefix(&prefix)
                            .is_some_and(|rest| !rest.contains('/'))
                    })
                    .map(String::as_str),
            );
        }
    }
    present
        .iter()
        .filter(|f| !ours.contains(f.as_str()))
        .collect()
}

/// Whether the manifest file at `path` is one a build wrote (see [`record::is_managed`]).
fn is_managed(path: &Path) -> bool {
    files::read_text(path, files::MAX_PREVIOUS_BYTES)
        .is_ok_and(|text| record::is_managed(&file_name(path), &text))
}
