//! `near-miss-reference`: a Secret, ConfigMap or ServiceAccount referred to by a name one letter
//! away from another of the same kind.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::check::references::{ObjectKind, Reference, created, references};
use crate::check::{Context, Findings, Rule};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Compares the names of the Secrets, ConfigMaps and ServiceAccounts the app refers to (see
    /// `expected-objects`) with each other and with those it creates (a workload's `NAME-files`
    /// ConfigMap, the ServiceAccount of `service-account`), kind by kind. Two names one edit
    /// apart — a letter added, left out, changed, or two swapped — are most likely one object
    /// and a typo: it flags the name that is not created, or else the one referred to less
    /// often (or later). Names that differ only in digits (`shard-1`, `shard-2`, `cache2`) are
    /// numbered objects, not typos, as are one name made for two workloads whose names are near
    /// (`user-credentials` and `users-credentials` of databases `user` and `users`); names
    /// shorter than four letters are not compared.
    ///
    /// ## Why is this bad?
    /// Nothing checks a reference until a pod starts: `secret=order-db` beside
    /// `secret=orders-db` compiles, applies, and leaves the pods that name the missing one in
    /// `CreateContainerConfigError` — or, when someone created both, gives them different
    /// credentials.
    ///
    /// ## Example
    /// ```kdl
    /// service orders { image "orders:3.1.0"; env DB_PASSWORD secret=orders-db key=password }
    /// service billing { image "billing:1.2.0"; env DB_PASSWORD secret=order-db key=password }
    /// ```
    ///
    /// ## Use instead
    /// ```kdl
    /// service orders { image "orders:3.1.0"; env DB_PASSWORD secret=orders-db key=password }
    /// service billing { image "billing:1.2.0"; env DB_PASSWORD secret=orders-db key=password }
    /// ```
    /// or, when both objects are meant, `allow near-miss-reference reason="…"` in the workload.
    ///
    /// Counterparts: none; other linters read one object at a time.
    pub struct NearMissReference {
        code: "near-miss-reference",
        severity: Warning,
        summary: "a Secret, ConfigMap or ServiceAccount name one letter away from another",
    }
}

/// What is known of one name of one kind.
struct Name<'r, 'a> {
    /// Its references, in the order of the description.
    refs: Vec<&'r Reference<'a>>,
    /// The app creates it.
    created: bool,
}

impl Rule for NearMissReference {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        let all = references(cx);
        let made = created(cx.app);
        let mut names: BTreeMap<(ObjectKind, &str), Name<'_, '_>> = BTreeMap::new();
        for (kind, name) in &made {
            names.insert(
                (*kind, name.as_str()),
                Name {
                    refs: Vec::new(),
                    created: true,
                },
            );
        }
        for r in &all {
            names
                .entry((r.kind, r.name))
                .or_insert(Name {
                    refs: Vec::new(),
                    created: false,
                })
                .refs
                .push(r);
        }
        // Position of a name's first reference in the description, for ties.
        let first = |n: &Name<'_, '_>| {
            n.refs.first().map_or((u32::MAX, u32::MAX, u32::MAX), |r| {
                let (file, start, end) = r.span.key();
                (file.0, start, end)
            })
        };
        let workloads: Vec<&str> = cx.app.workloads.iter().map(|w| w.name.as_str()).collect();
        let mut flagged = BTreeSet::new();
        for (kind, a, b) in candidates(names.keys().copied()) {
            let (Some(na), Some(nb)) = (names.get(&(kind, a)), names.get(&(kind, b))) else {
                continue;
            };
            if !near(a, b) || (na.created && nb.created) || after_workloads(a, b, &workloads) {
                continue;
            }
            // The suspect: not created, referred to less often, or later.
            let a_suspect = if na.created != nb.created {
                nb.created
            } else {
                (na.refs.len(), std::cmp::Reverse(first(na)))
                    < (nb.refs.len(), std::cmp::Reverse(first(nb)))
            };
            let (suspect, ns, meant, nm) = if a_suspect {
                (a, na, b, nb)
            } else {
                (b, nb, a, na)
            };
            if !flagged.insert((kind, suspect)) {
                continue;
            }
            report(out, kind, (suspect, ns), (meant, nm));
        }
    }
}

/// The pairs of names of one kind that may be one edit apart, in order: those that share the
/// name with one character left out (or whole), as any two names one insertion, deletion,
/// substitution or swap apart do. A look-up per name, not a comparison of every pair.
fn candidates<'a>(
    names: impl Iterator<Item = (ObjectKind, &'a str)>,
) -> BTreeSet<(ObjectKind, &'a str, &'a str)> {
    let mut by_variant: HashMap<(ObjectKind, String), Vec<&'a str>> = HashMap::new();
    for (kind, name) in names {
        let mut variants: BTreeSet<String> = name
            .char_indices()
            .map(|(i, c)| format!("{}{}", &name[..i], &name[i + c.len_utf8()..]))
            .collect();
        variants.insert(name.to_owned());
        for variant in variants {
            by_variant.entry((kind, variant)).or_default().push(name);
        }
    }
    let mut pairs = BTreeSet::new();
    for ((kind, _), group) in &by_variant {
        for (i, a) in group.iter().enumerate() {
            for b in &group[i + 1..] {
                pairs.insert((*kind, (*a).min(*b), (*a).max(*b)));
            }
        }
    }
    pairs
}

/// Reports the suspect name, pointing at its references and at where the other is named.
fn report(
    out: &mut Findings,
    kind: ObjectKind,
    (suspect, ns): (&str, &Name<'_, '_>),
    (meant, nm): (&str, &Name<'_, '_>),
) {
    let Some(first) = ns.refs.first() else {
        return; // A suspect is never created, so it has references.
    };
    let kind = kind.as_str();
    let elsewhere = if nm.created {
        "which the app creates".to_owned()
    } else {
        match nm.refs.len() {
            1 => "referred to once".to_owned(),
            2 => "referred to twice".to_owned(),
            n => format!("referred to {n} times"),
        }
    };
    let finding = out.push(
        first.workload,
        format!("{kind} `{suspect}` is one letter away from {kind} `{meant}`, {elsewhere}"),
    );
    for r in &ns.refs {
        finding.label(r.span, format!("did you mean `{meant}`?"));
    }
    if let Some(r) = nm.refs.first() {
        finding.label(r.span, format!("`{meant}` here"));
    }
    finding.help(format!(
        "write `{meant}`; if both `{suspect}` and `{meant}` are meant, say so with \
         `allow near-miss-reference reason=\"…\"` in `{}`",
        first.workload.name
    ));
}

/// Whether two names are one name made for two workloads whose names are near: the
/// `{name}-credentials` of databases `user` and `users`, not a typo.
fn after_workloads(a: &str, b: &str, workloads: &[&str]) -> bool {
    let residues = |name: &str| -> BTreeSet<(String, &str)> {
        workloads
            .iter()
            .filter(|w| name.contains(**w))
            .map(|w| (name.replacen(*w, "\0", 1), *w))
            .collect()
    };
    let of_b = residues(b);
    residues(a)
        .iter()
        .any(|(rest, wa)| of_b.iter().any(|(other, wb)| other == rest && wa != wb))
}

/// Whether two names are one edit apart and that edit is not only a number.
fn near(a: &str, b: &str) -> bool {
    let digitless = |s: &str| {
        s.chars()
            .filter(|c| !c.is_ascii_digit())
            .collect::<String>()
    };
    a.chars().count() >= 4
        && b.chars().count() >= 4
        && strsim::damerau_levenshtein(a, b) == 1
        && digitless(a) != digitless(b)
}

#[cfg(test)]
mod tests {
    use super::{after_workloads, near};

    #[test]
    fn near_names_are_one_edit_apart_and_not_only_in_digits() {
        assert!(near("orders-db", "order-db"));
        assert!(near("orders-db", "ordersdb"));
        assert!(near("orders-db", "odrers-db"));
        assert!(near("web-files", "web-file"));
        assert!(!near("orders-db", "orders-db"));
        assert!(!near("shard-1", "shard-2"));
        assert!(!near("cache", "cache2"));
        assert!(!near("orders-db", "order-dbs"));
        assert!(!near("abc", "abd"));
    }

    #[test]
    fn names_made_for_two_workloads_are_not_typos() {
        let workloads = ["user", "users", "web"];
        assert!(after_workloads(
            "user-credentials",
            "users-credentials",
            &workloads
        ));
        assert!(!after_workloads("web-file", "web-files", &workloads));
        assert!(!after_workloads("order-db", "orders-db", &workloads));
    }
}
