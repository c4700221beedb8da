//! Diff: the manifests compiled now against the previous output, per resource and field, with
//! the risk of every change.
//!
//! The stage reads objects — `serde_json::Value`s — never the model, so the previous
//! output may come from an earlier build, from git, or from another tool ([`read`] parses YAML
//! and JSON text; the CLI reads the files).
//!
//! 1. **Normalise** (`normal.rs`): drop what a cluster adds (`status`, `managedFields`,
//!    `resourceVersion`, …), nulls and empty lists; sort lists whose order means nothing
//!    (`accessModes`, capabilities); mask Secret values.
//! 2. **Match** (`matching.rs`): resources by API group, kind, namespace and name, so an
//!    apiVersion bump is a change; a removed and an added resource of the same kind whose content
//!    is at least [`RENAME_SIMILARITY`] alike are a rename.
//! 3. **Compare** (`fields.rs`): field by field; lists Kubernetes merges by key (containers, env,
//!    ports, volumes, volumeMounts, volumeClaimTemplates, …) are matched by key, so order never
//!    shows as a change.
//! 4. **Classify** (`classify/`): every change gets one [`Class`], a reason, and for breaking
//!    and data-loss changes what a person must do instead.
//! 5. **Report** ([`report`]): for a terminal, for a pull-request comment, or as JSON.
//!
//! Normalisation and comparison share one view of the Kubernetes schema (`schema.rs`): which
//! values mean "not set", and how the items of each list are matched.

mod callers;
mod classify;
mod fields;
mod matching;
mod normal;
pub mod read;
mod releases;
pub mod report;
mod schema;

use std::fmt;

use serde_json::Value;

pub use matching::RENAME_SIMILARITY;

/// How risky a change is, worst first: the order of the variants is the order of the output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// `kubectl apply` will fail: an immutable field changed.
    Breaking,
    /// Applying it deletes data, or starts over with an empty volume.
    DataLoss,
    /// Applies, but a reviewer should look: fewer replicas, wider exposure, an older image.
    Attention,
    /// Applies, and the pods of a workload restart.
    Rollout,
    /// Applies in place.
    Safe,
}

impl Class {
    /// Every class, worst first.
    pub const ALL: [Class; 5] = [
        Class::Breaking,
        Class::DataLoss,
        Class::Attention,
        Class::Rollout,
        Class::Safe,
    ];

    /// The name a person reads: `data loss`.
    pub fn label(self) -> &'static str {
        match self {
            Class::Breaking => "breaking",
            Class::DataLoss => "data loss",
            Class::Attention => "attention",
            Class::Rollout => "rollout",
            Class::Safe => "safe",
        }
    }

    /// The identifier in JSON: `data-loss`.
    pub fn id(self) -> &'static str {
        match self {
            Class::DataLoss => "data-loss",
            other => other.label(),
        }
    }

    /// Whether the change fails to apply or loses data (exit code 3).
    pub fn is_dangerous(self) -> bool {
        matches!(self, Class::Breaking | Class::DataLoss)
    }
}

/// The identity of a resource: API group, kind, namespace and name.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    /// The API group: `apps` for `apps/v1`, empty for the core group (`v1`).
    pub group: String,
    /// The kind: `Deployment`.
    pub kind: String,
    /// The namespace; `None` for cluster-scoped objects and objects that name none.
    pub namespace: Option<String>,
    /// `metadata.name`.
    pub name: String,
}

impl Key {
    /// The key of an object, when it has a string `apiVersion`, `kind` and `metadata.name`.
    pub fn of(object: &Value) -> Option<Key> {
        let api_version = object.get("apiVersion")?.as_str()?;
        let kind = object.get("kind")?.as_str()?;
        let metadata = object.get("metadata")?;
        let name = metadata.get("name")?.as_str()?;
        let namespace = metadata
            .get("namespace")
            .and_then(Value::as_str)
            .filter(|ns| !ns.is_empty());
        Some(Key {
            group: group_of(api_version).to_owned(),
            kind: kind.to_owned(),
            namespace: namespace.map(str::to_owned),
            name: name.to_owned(),
        })
    }

    /// `namespace/name`, or `name` for an object without a namespace.
    pub fn qualified_name(&self) -> String {
        match &self.namespace {
            Some(ns) => format!("{ns}/{}", self.name),
            None => self.name.clone(),
        }
    }
}

impl fmt::Display for Key {
    /// `Deployment shop/orders`, `Namespace shop`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.kind, self.qualified_name())
    }
}

/// The API group of an `apiVersion`: `apps/v1` → `apps`, `v1` → `` (core).
pub fn group_of(api_version: &str) -> &str {
    api_version
        .rsplit_once('/')
        .map_or("", |(group, _version)| group)
}

/// What happened to a resource.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    /// Only in the new output.
    Added,
    /// Only in the previous output.
    Removed,
    /// In both, with different content.
    Changed,
    /// Removed under the key `from` and added, with mostly the same content, under the new key.
    Renamed {
        /// The key in the previous output.
        from: Key,
    },
}

impl Status {
    /// `added`, `removed`, `changed` or `renamed`.
    pub fn label(&self) -> &'static str {
        match self {
            Status::Added => "added",
            Status::Removed => "removed",
            Status::Changed => "changed",
            Status::Renamed { .. } => "renamed",
        }
    }
}

/// One change: a field (or the whole resource), its old and new value, and its risk.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    /// The field, `spec.template.spec.containers[orders].image`; empty for the whole resource.
    /// Items of lists merged by key are named by their key in brackets.
    pub path: String,
    /// The value before; `None` when the field is new.
    pub old: Option<Value>,
    /// The value after; `None` when the field is gone.
    pub new: Option<Value>,
    /// How risky it is.
    pub class: Class,
    /// Why it has that class, in one sentence.
    pub reason: String,
    /// For breaking and data-loss changes: what a person has to do instead.
    pub advice: Option<String>,
}

/// Everything that differs in one resource.
#[derive(Clone, Debug, PartialEq)]
pub struct ResourceDiff {
    /// Its identity (the new one for a rename).
    pub key: Key,
    /// Its `apiVersion` (the new one, unless removed).
    pub api_version: String,
    /// Added, removed, changed or renamed.
    pub status: Status,
    /// The worst class of its changes.
    pub class: Class,
    /// Its changes, worst first.
    pub changes: Vec<Change>,
    /// Whether its pods restart: a Deployment, StatefulSet, DaemonSet or ReplicaSet whose pod
    /// template changed.
    pub restarts: bool,
    /// The previous object, normalised and masked, its lists in the new object's order.
    pub before: Option<Value>,
    /// The new object, normalised and masked.
    pub after: Option<Value>,
}

/// The difference between two sets of manifests.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Report {
    /// The resources that differ, worst first, then in output order.
    pub resources: Vec<ResourceDiff>,
    /// How many resources are the same on both sides.
    pub unchanged: usize,
}

/// One part of a comparison: the base app or one of its environments, with its report and how
/// its new output is applied.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Section {
    /// The environment compared; `None` for the base app.
    pub env: Option<String>,
    /// What differs.
    pub report: Report,
    /// The apply that deletes what the new output no longer holds; `None` when not known (the
    /// environment is gone from the description).
    pub apply: Option<Apply>,
}

impl Section {
    /// The report of the base app, applied in an unknown way: what a comparison of two sets of
    /// objects is.
    pub fn app(report: Report) -> Self {
        Section {
            env: None,
            report,
            apply: None,
        }
    }

    /// A section whose new output is applied with `apply`: each object it removes is named as
    /// one that apply deletes.
    pub fn new(env: Option<String>, mut report: Report, apply: Option<Apply>) -> Self {
        if let Some(apply) = &apply {
            for resource in &mut report.resources {
                if resource.status == Status::Removed {
                    for change in &mut resource.changes {
                        change.reason = format!(
                            "{}; the pruning apply (`--applyset={}`) deletes it",
                            change.reason, apply.set.name
                        );
                    }
                }
            }
        }
        Section { env, report, apply }
    }

    /// `environment `prod``, or `the app` for the base app.
    pub fn title(&self) -> String {
        match &self.env {
            Some(env) => format!("environment `{env}`"),
            None => "the app".to_owned(),
        }
    }
}

/// How a section's new output is applied with pruning.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Apply {
    /// The app's ApplySet in that environment.
    pub set: crate::render::applyset::ApplySet,
    /// The directory `build -o` writes the output to.
    pub dir: String,
}

impl Apply {
    /// The whole command: `KUBECTL_APPLYSET=true kubectl apply -k DIR --prune --applyset=… -n NS`.
    pub fn command(&self) -> String {
        self.set.command(&self.dir)
    }
}

/// Whether any section has a breaking or data-loss change.
pub fn any_dangerous(sections: &[Section]) -> bool {
    sections.iter().any(|s| s.report.is_dangerous())
}

/// The number of resources per [`Status`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StatusCounts {
    /// Added resources.
    pub added: usize,
    /// Changed resources.
    pub changed: usize,
    /// Removed resources.
    pub removed: usize,
    /// Renamed resources.
    pub renamed: usize,
}

impl Report {
    /// Whether nothing differs.
    pub fn is_empty(&self) -> bool {
        self.resources.is_empty()
    }

    /// Whether a change is breaking or loses data.
    pub fn is_dangerous(&self) -> bool {
        self.resources.iter().any(|r| r.class.is_dangerous())
    }

    /// The number of changes of each class, in the order of [`Class::ALL`].
    pub fn class_counts(&self) -> [usize; 5] {
        let mut counts = [0; 5];
        for change in self.resources.iter().flat_map(|r| &r.changes) {
            counts[change.class as usize] += 1;
        }
        counts
    }

    /// The number of resources added, changed, removed and renamed.
    pub fn status_counts(&self) -> StatusCounts {
        let mut counts = StatusCounts::default();
        for resource in &self.resources {
            match resource.status {
                Status::Added => counts.added += 1,
                Status::Changed => counts.changed += 1,
                Status::Removed => counts.removed += 1,
                Status::Renamed { .. } => counts.renamed += 1,
            }
        }
        counts
    }

    /// The objects an apply with pruning deletes: those removed, and the old name of those
    /// renamed.
    pub fn deleted(&self) -> impl Iterator<Item = &Key> {
        self.resources.iter().filter_map(|r| match &r.status {
            Status::Removed => Some(&r.key),
            Status::Renamed { from } => Some(from),
            _ => None,
        })
    }

    /// The workloads whose pods restart, in the order of the report.
    pub fn restarts(&self) -> impl Iterator<Item = &Key> {
        self.resources.iter().filter(|r| r.restarts).map(|r| &r.key)
    }
}

/// Compares the previous objects with the new ones. Objects without `apiVersion`, `kind` or
/// `metadata.name` are left out (the CLI refuses them first); of two with the same key the
/// later one counts.
pub fn diff<'a>(
    old: impl IntoIterator<Item = &'a Value>,
    new: impl IntoIterator<Item = &'a Value>,
) -> Report {
    diff_beside(old, new, &Vec::new)
}

/// [`diff`] of the objects that may have changed, beside new objects known to be unchanged (and
/// left out of `new`): `unchanged` gives them, read only when a change needs the whole new output
/// to be understood — the callers of a Service, the stable side of a canary.
pub fn diff_beside<'a>(
    old: impl IntoIterator<Item = &'a Value>,
    new: impl IntoIterator<Item = &'a Value>,
    unchanged: &dyn Fn() -> Vec<Value>,
) -> Report {
    let old: Vec<&Value> = old.into_iter().collect();
    let new: Vec<&Value> = new.into_iter().collect();
    let pairs = matching::pair(old.iter().copied(), new.iter().copied());
    let mut unchanged_count = 0;
    let mut resources = Vec::new();
    for (position, pair) in pairs.into_iter().enumerate() {
        match classify::resource(pair) {
            Some(resource) => resources.push((position, resource)),
            None => unchanged_count += 1,
        }
    }
    releases::name_promotions(&mut resources);
    let whole = releases::Output::new(&new, unchanged);
    releases::name_canaries(&mut resources, &whole);
    releases::name_callers(&mut resources, &whole);
    // Worst first; within a class, the order of the output (removed resources after the rest).
    resources.sort_by_key(|(position, r)| (r.class, *position));
    Report {
        resources: resources.into_iter().map(|(_, r)| r).collect(),
        unchanged: unchanged_count,
    }
}

/// Compares previous output read against `now` with the new objects: the ones it holds as they
/// are count as unchanged; the others are read back from their text (which gives the objects
/// themselves: the emitter's round trip is tested) and compared with [`diff`].
pub fn diff_written(
    previous: &read::Previous,
    now: &[(Option<Key>, String)],
) -> Result<Report, read::ReadError> {
    let mut same = vec![false; now.len()];
    for &i in &previous.unchanged {
        same[i] = true;
    }
    let mut changed = Vec::new();
    for ((_, text), _) in now.iter().zip(&same).filter(|(_, same)| !**same) {
        changed.extend(read::objects(text, read::Syntax::Yaml)?);
    }
    // The unchanged objects are read only if a change needs them (they read: they are ours).
    let unchanged = || {
        now.iter()
            .zip(&same)
            .filter(|(_, same)| **same)
            .filter_map(|((_, text), _)| read::objects(text, read::Syntax::Yaml).ok())
            .flatten()
            .collect()
    };
    let mut report = diff_beside(&previous.objects, &changed, &unchanged);
    report.unchanged += previous.unchanged.len();
    Ok(report)
}

#[cfg(test)]
mod tests;
