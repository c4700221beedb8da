//! The labels of a workload's objects and pods, and the selectors that find its pods: one
//! definition, read by lowering (which writes them) and by the rules (which check that no
//! selector finds another workload's pods).

use std::collections::BTreeMap;

use super::canary::{TRACK, Track};
use super::{App, VERSION_LABEL, Workload};

/// `app.kubernetes.io/name`: the workload's name.
pub const NAME: &str = "app.kubernetes.io/name";
/// `app.kubernetes.io/part-of`: the app's name.
pub const PART_OF: &str = "app.kubernetes.io/part-of";
/// `app.kubernetes.io/component`: the kind of workload.
pub const COMPONENT: &str = "app.kubernetes.io/component";
/// `app.kubernetes.io/managed-by`: `windlass`.
pub const MANAGED_BY: &str = "app.kubernetes.io/managed-by";
/// `app.kubernetes.io/version`: the image's tag, or the version's name.
pub const VERSION: &str = "app.kubernetes.io/version";
/// The value of [`MANAGED_BY`].
pub const MANAGER: &str = "windlass";

/// The labels the workload's Service selects its pods by: the `selector` the description
/// gives, or `name` and `part-of`, nothing else.
pub fn selector(app: &App, w: &Workload) -> BTreeMap<String, String> {
    match &w.selector {
        Some(selector) => selector.labels.clone(),
        None => BTreeMap::from([
            (NAME.to_owned(), w.name.clone()),
            (PART_OF.to_owned(), app.name.clone()),
        ]),
    }
}

/// The track a Deployment's pods are on, in its selector and theirs: the stable one, so that
/// a canary's pods are never its own (see `model::canary`). None for a StatefulSet or Job, for
/// a `selector` the description keeps (a selector cannot change on a live Deployment), and for
/// a version, which its `version` label tells apart.
pub fn track(w: &Workload) -> Option<Track> {
    (w.kind.is_deployment() && w.selector.is_none() && w.version.is_none()).then_some(Track::Stable)
}

/// The selector of the workload's own controller and of what counts its pods (its disruption
/// budget): [`selector`], with the version or the track.
pub fn controller_selector(app: &App, w: &Workload) -> BTreeMap<String, String> {
    let mut labels = selector(app, w);
    if let Some(track) = track(w) {
        labels.insert(TRACK.to_owned(), track.label().to_owned());
    }
    if let Some(version) = &w.version {
        labels.insert(VERSION_LABEL.to_owned(), version.name.clone());
    }
    labels
}

/// Every object's labels: the app's and the workload's, then the standard ones, then the
/// workload's `selector`, which wins over all of them.
pub fn common(app: &App, w: &Workload) -> BTreeMap<String, String> {
    let mut labels = app.labels.clone();
    labels.extend(w.labels.clone());
    labels.insert(NAME.to_owned(), w.name.clone());
    labels.insert(PART_OF.to_owned(), app.name.clone());
    labels.insert(COMPONENT.to_owned(), w.kind.keyword().to_owned());
    labels.insert(MANAGED_BY.to_owned(), MANAGER.to_owned());
    // Last: the pods must carry every label their selectors match.
    labels.extend(selector(app, w));
    labels
}

/// The labels of controllers: [`common`] plus `version`: a version's name (`version: v1` too,
/// which service meshes read), or else the main image's tag when it has one that is a valid
/// label value (a tag may be longer than a label allows).
pub fn versioned(app: &App, w: &Workload) -> BTreeMap<String, String> {
    let mut labels = common(app, w);
    if let Some(version) = &w.version {
        labels.insert(VERSION.to_owned(), version.name.clone());
        labels.insert(VERSION_LABEL.to_owned(), version.name.clone());
        return labels;
    }
    let tag = w.main.image.as_ref().and_then(|image| image.tag.as_deref());
    if let Some(tag) = tag.filter(|tag| is_version_label(tag)) {
        labels.insert(VERSION.to_owned(), tag.to_owned());
    }
    labels
}

/// The labels of the pods: [`versioned`], and a Deployment's track.
pub fn pod(app: &App, w: &Workload) -> BTreeMap<String, String> {
    let mut labels = versioned(app, w);
    if let Some(track) = track(w) {
        labels.insert(TRACK.to_owned(), track.label().to_owned());
    }
    labels
}

/// Whether an image tag can be the version label: a label value that is not empty.
pub fn is_version_label(tag: &str) -> bool {
    !tag.is_empty() && super::names::is_label_value(tag)
}

/// Whether `selector` matches a pod labelled `labels`.
pub fn matches(selector: &BTreeMap<String, String>, labels: &BTreeMap<String, String>) -> bool {
    selector.iter().all(|(k, v)| labels.get(k) == Some(v))
}
