//! `expected-objects`: the Secrets, ConfigMaps and ServiceAccounts the app refers to and does not
//! create, in one note.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::check::references::{ObjectKind, Reference, created, references};
use crate::check::{Context, Findings, Rule};
use crate::declare_rule;
use crate::source::{FileId, Span};

declare_rule! {
    /// ## What it does
    /// Lists, in one note per app, every object its pods refer to by name that the app does not
    /// create: Secrets and ConfigMaps of `env … secret=` / `config=` and `env-from`, the
    /// certificates of `expose ingress … tls=`, the accounts of `service-account NAME`, and the
    /// Secrets the standard library's components read (`{name}-credentials`). Each reference is
    /// a label. The app creates the ConfigMap of a workload's files (`NAME-files`) and the
    /// account of `service-account` without a name; those are not listed. An app whose
    /// workloads have errors gets no note until they are fixed.
    ///
    /// ## Why is this bad?
    /// It is not wrong: Windlass never writes secret values, so Secrets come from elsewhere. But
    /// nothing checks the names until a pod starts. A Secret or ConfigMap that does not exist, or
    /// a typo in its name (`order-db` for `orders-db`), leaves the pod in
    /// `CreateContainerConfigError`; a missing ServiceAccount keeps its pods from being created
    /// at all. The note is the list to create before the first deploy, and to read for typos.
    ///
    /// ## Example
    /// ```kdl
    /// service orders { image "orders:3.1.0"; port 8080; env DB_PASSWORD secret=orders-db key=password }
    /// ```
    ///
    /// ## Use instead
    /// Create the objects listed before the pods start (`kubectl create secret generic orders-db
    /// --from-literal=password=…`, or your secret manager's operator), and read the names for
    /// typos. The note stays: it is the list of what the app needs beside it. An app whose
    /// objects are all in place can say so: `allow expected-objects reason="…"` in the app.
    ///
    /// Counterparts: none of kube-linter, kube-score, Polaris or checkov; they read one object
    /// at a time. `kubectl apply --dry-run=server` does not check references either.
    pub struct ExpectedObjects {
        code: "expected-objects",
        severity: Note,
        summary: "the Secrets, ConfigMaps and ServiceAccounts the app refers to and does not create",
    }
}

impl Rule for ExpectedObjects {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        // A description with errors in its workloads gets its errors first: the list of what a
        // half-read app expects would be incomplete, and in the way.
        if !cx.app.incomplete.is_empty() {
            return;
        }
        let created = created(cx.app);
        let expected: Vec<_> = references(cx)
            .into_iter()
            .filter(|r| !created.contains(&(r.kind, r.name.to_owned())))
            .collect();
        if expected.is_empty() {
            return;
        }
        // Per kind, per name: whether every reference is optional.
        let mut by_kind: BTreeMap<ObjectKind, BTreeMap<&str, bool>> = BTreeMap::new();
        for r in &expected {
            let optional = by_kind
                .entry(r.kind)
                .or_default()
                .entry(r.name)
                .or_insert(true);
            *optional &= r.optional;
        }
        let groups: Vec<String> = by_kind
            .iter()
            .map(|(kind, names)| {
                let list: Vec<String> = names
                    .iter()
                    .map(|(name, optional)| {
                        let optional = if *optional { " (optional)" } else { "" };
                        // A Secret the app declares says what makes it.
                        let declared = cx
                            .app
                            .secrets
                            .iter()
                            .find(|s| *kind == ObjectKind::Secret && s.name == *name)
                            .map(|s| match &s.from {
                                Some(from) => format!(" (declared, from {from})"),
                                None => " (declared)".to_owned(),
                            })
                            .unwrap_or_default();
                        format!("`{name}`{optional}{declared}")
                    })
                    .collect();
                let plural = if names.len() == 1 { "" } else { "s" };
                format!("{}{plural} {}", kind.as_str(), list.join(", "))
            })
            .collect();
        let app = cx.app;
        let finding = out
            .push_app(format!(
                "`{}` expects objects it does not create: {}",
                app.name,
                groups.join("; ")
            ))
            .label(app.span, "expects these to exist in its namespace");
        let (labels, left) = labels(&expected, app.span.file);
        for (span, text) in labels {
            finding.label(span, text);
        }
        let unmarked = match left {
            0 => String::new(),
            1 => " (one more reference is not marked)".to_owned(),
            n => format!(" ({n} more references are not marked)"),
        };
        finding.help(format!(
            "create them in namespace `{}` before the pods start: a pod whose Secret or ConfigMap \
             is missing stays in CreateContainerConfigError, and without its ServiceAccount it is \
             not created; a name here you did not mean is a typo{unmarked}",
            app.namespace
        ));
    }
}

/// The most labels a note gets: each object's first reference, then the others in order. An app
/// of thousands of workloads would otherwise render thousands of snippets.
const MAX_LABELS: usize = 50;

/// A place and the object named there: where a label goes, and which.
type PlaceKey<'a> = ((FileId, u32, u32), ObjectKind, &'a str);

/// References at one place that share a label.
struct Place<'r, 'a> {
    span: Span,
    kind: ObjectKind,
    name: &'a str,
    refs: Vec<&'r Reference<'a>>,
}

/// The labels of the references, one per place, and how many places were left without one (past
/// [`MAX_LABELS`]). A reference written in another file (a component's) points at the workload
/// instead, and one whose place does not show the name (a component's default,
/// `{name}-credentials`, is at the instance's name) says it. Several references at one place — a
/// component reading two keys of the Secret its instance names — share a label.
fn labels(expected: &[Reference<'_>], file: FileId) -> (Vec<(Span, String)>, usize) {
    let mut places: Vec<Place<'_, '_>> = Vec::new();
    let mut index: HashMap<PlaceKey<'_>, usize> = HashMap::new();
    for r in expected {
        let span = if r.span.file == file {
            r.span
        } else {
            r.workload.span
        };
        let at = *index
            .entry((span.key(), r.kind, r.name))
            .or_insert_with(|| {
                places.push(Place {
                    span,
                    kind: r.kind,
                    name: r.name,
                    refs: Vec::new(),
                });
                places.len() - 1
            });
        places[at].refs.push(r);
    }
    // Every object's first place before any second one.
    let mut seen = BTreeSet::new();
    let (firsts, others): (Vec<usize>, Vec<usize>) =
        (0..places.len()).partition(|&i| seen.insert((places[i].kind, places[i].name)));
    let mut chosen: Vec<usize> = firsts.into_iter().chain(others).take(MAX_LABELS).collect();
    chosen.sort_unstable();
    let left = places.len() - chosen.len();
    let labels = chosen
        .into_iter()
        .map(|i| {
            let place = &places[i];
            (place.span, text(place))
        })
        .collect();
    (labels, left)
}

/// What a place's label says.
fn text(place: &Place<'_, '_>) -> String {
    let (span, refs) = (place.span, &place.refs);
    let first = refs[0]; // A place is made with its first reference.
    let optional = if refs.iter().all(|r| r.optional) {
        " (optional)"
    } else {
        ""
    };
    // A component's reference may be written as `"{name}-credentials"`: say the name.
    let named =
        if first.at_name && span.key() == first.span.key() && first.workload.component.is_none() {
            String::new()
        } else {
            format!(" `{}`", place.name)
        };
    let kind = place.kind.as_str();
    let keyed: Option<Vec<&str>> = refs.iter().map(|r| r.key).collect();
    if refs.len() == 1 {
        format!("{kind}{named}{optional}: {}", first.what)
    } else if let Some(mut keys) = keyed {
        // The same key read twice (`REDIS_PASSWORD`, `REDISCLI_AUTH`) is said once.
        let mut seen = BTreeSet::new();
        keys.retain(|k| seen.insert(*k));
        let list: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
        let plural = if list.len() == 1 { "" } else { "s" };
        format!("{kind}{named}{optional}: key{plural} {}", list.join(", "))
    } else {
        let what: Vec<&str> = refs.iter().map(|r| r.what.as_str()).collect();
        format!("{kind}{named}{optional}: {}", what.join("; "))
    }
}
