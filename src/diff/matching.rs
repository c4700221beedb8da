//! Matching: which previous object each new object is compared with.
//!
//! Objects are matched by [`Key`] — API group, kind, namespace and name — so `apps/v1` and
//! `apps/v1beta2` of the same Deployment are one resource whose `apiVersion` changed. What is left
//! on both sides may be renames: a removed and an added object of the same kind (in any group or
//! namespace) whose content, leaving out the names, is at least [`RENAME_SIMILARITY`] alike.

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;

use super::Key;
use super::fields;
use super::normal;

/// How alike a removed and an added object of the same kind must be to be shown as a rename: the
/// Dice coefficient of their `(path, value)` leaves, with `apiVersion`, `kind`,
/// `metadata.name` and `metadata.namespace` left out and the object's own name read as a
/// placeholder wherever it appears as a whole value.
pub const RENAME_SIMILARITY: f64 = 0.8;

/// Above this many removed × added pairs of one kind, renames of that kind are not looked for,
/// so a hostile input cannot make the comparison quadratic in time.
const MAX_RENAME_PAIRS: usize = 250_000;

/// One side of a pair: a normalised object and its key.
#[derive(Clone, Debug)]
pub struct Side {
    /// Its identity.
    pub key: Key,
    /// The normalised object.
    pub object: Value,
}

/// A previous object, a new one, or both.
#[derive(Clone, Debug)]
pub struct Pair {
    /// In the previous output.
    pub old: Option<Side>,
    /// In the new output.
    pub new: Option<Side>,
}

/// Pairs the objects of both sides: the new ones in their order (each with its previous
/// version, if any), then the removed ones in their previous order. A pair of identical objects
/// is returned empty (`old` and `new` both `None`), without the cost of normalising it.
pub fn pair<'a>(
    old: impl IntoIterator<Item = &'a Value>,
    new: impl IntoIterator<Item = &'a Value>,
) -> Vec<Pair> {
    let old = index(old);
    let new = index(new);
    let by_key: HashMap<&Key, usize> = old.iter().enumerate().map(|(i, (k, _))| (k, i)).collect();
    let mut matched: Vec<Option<usize>> = new.iter().map(|(k, _)| by_key.get(k).copied()).collect();
    let mut taken = vec![false; old.len()];
    for i in matched.iter().flatten() {
        taken[*i] = true;
    }
    // Only what is left over can be renamed; only that is normalised here.
    let side = |(key, object): &(Key, &Value)| Side {
        key: key.clone(),
        object: normal::normalise(object),
    };
    let mut old_left: Vec<Option<Side>> = old
        .iter()
        .zip(&taken)
        .map(|(o, t)| (!t).then(|| side(o)))
        .collect();
    let mut new_left: Vec<Option<Side>> = new
        .iter()
        .zip(&matched)
        .map(|(n, m)| m.is_none().then(|| side(n)))
        .collect();
    for (n, o) in moved(&old_left, &new_left) {
        matched[n] = Some(o);
        taken[o] = true;
    }
    let paired_new: Vec<bool> = matched.iter().map(Option::is_some).collect();
    for (n, o) in renames(&old_left, &new_left, &taken, &paired_new) {
        matched[n] = Some(o);
        taken[o] = true;
    }
    let mut pairs: Vec<Pair> = Vec::with_capacity(new.len() + old.len());
    for (i, item) in new.iter().enumerate() {
        let pair = match matched[i] {
            // Identical as given: nothing to normalise or compare.
            Some(o) if old[o].0 == item.0 && old[o].1 == item.1 => Pair {
                old: None,
                new: None,
            },
            Some(o) => Pair {
                old: old_left[o].take().or_else(|| Some(side(&old[o]))),
                new: new_left[i].take().or_else(|| Some(side(item))),
            },
            None => Pair {
                old: None,
                new: new_left[i].take(),
            },
        };
        pairs.push(pair);
    }
    pairs.extend(old_left.into_iter().zip(&taken).filter_map(|(side, t)| {
        (!t).then_some(Pair {
            old: side,
            new: None,
        })
    }));
    pairs
}

/// The objects with a key; of two with the same key only the later one is kept.
fn index<'a>(objects: impl IntoIterator<Item = &'a Value>) -> Vec<(Key, &'a Value)> {
    let all: Vec<(Key, &Value)> = objects
        .into_iter()
        .filter_map(|object| Some((Key::of(object)?, object)))
        .collect();
    // A lookup table only: nothing is ever iterated out of it, so the order stays the input's.
    let last: HashMap<&Key, usize> = all.iter().enumerate().map(|(i, (k, _))| (k, i)).collect();
    if last.len() == all.len() {
        return all;
    }
    let keep: Vec<bool> = (0..all.len())
        .map(|i| last.get(&all[i].0) == Some(&i))
        .collect();
    all.into_iter()
        .zip(keep)
        .filter_map(|(entry, keep)| keep.then_some(entry))
        .collect()
}

/// Pairs of (new index, old index) of objects that only moved to another namespace: the same
/// group, kind and name, each the only one of its kind so named on its side. A namespace change
/// moves every object at once, and their contents alone would pair them wrongly (all alike).
fn moved(old: &[Option<Side>], new: &[Option<Side>]) -> Vec<(usize, usize)> {
    let by_name = |sides: &[Option<Side>]| -> HashMap<(String, String, String), Option<usize>> {
        let mut out: HashMap<(String, String, String), Option<usize>> = HashMap::new();
        for (i, side) in sides.iter().enumerate() {
            if let Some(s) = side {
                let key = (s.key.group.clone(), s.key.kind.clone(), s.key.name.clone());
                out.entry(key)
                    .and_modify(|seen| *seen = None)
                    .or_insert(Some(i));
            }
        }
        out
    };
    let old_names = by_name(old);
    let mut out: Vec<(usize, usize)> = by_name(new)
        .into_iter()
        .filter_map(|(key, n)| {
            let (n, o) = (n?, (*old_names.get(&key)?)?);
            let moved = old[o].as_ref()?.key.namespace != new[n].as_ref()?.key.namespace;
            moved.then_some((n, o))
        })
        .collect();
    // In output order, never in the hash map's.
    out.sort_unstable();
    out
}

/// Pairs of (new index, old index) that look like renames, best first, each object used once.
/// `old` and `new` hold the objects left over after matching by key; those `paired_old` and
/// `paired_new` mark were paired since.
fn renames(
    old: &[Option<Side>],
    new: &[Option<Side>],
    paired_old: &[bool],
    paired_new: &[bool],
) -> Vec<(usize, usize)> {
    // Unmatched objects by kind, in order.
    let mut kinds: BTreeMap<&str, (Vec<usize>, Vec<usize>)> = BTreeMap::new();
    for (i, side) in old.iter().enumerate() {
        if let Some(side) = side
            && !paired_old[i]
        {
            kinds.entry(&side.key.kind).or_default().0.push(i);
        }
    }
    for (i, side) in new.iter().enumerate() {
        if let Some(side) = side
            && !paired_new[i]
        {
            kinds.entry(&side.key.kind).or_default().1.push(i);
        }
    }
    let mut out = Vec::new();
    for (removed, added) in kinds.values() {
        if removed.is_empty()
            || added.is_empty()
            || removed.len().saturating_mul(added.len()) > MAX_RENAME_PAIRS
        {
            continue;
        }
        let print = |s: &Option<Side>| {
            s.as_ref()
                .map(|s| fields::fingerprint(&s.object, &s.key.name))
                .unwrap_or_default()
        };
        let removed_prints: Vec<Vec<u64>> = removed.iter().map(|&i| print(&old[i])).collect();
        let added_prints: Vec<Vec<u64>> = added.iter().map(|&i| print(&new[i])).collect();
        let mut candidates = Vec::new();
        for (r, rp) in removed.iter().zip(&removed_prints) {
            for (a, ap) in added.iter().zip(&added_prints) {
                let score = fields::similarity(rp, ap);
                if score >= RENAME_SIMILARITY {
                    candidates.push((score, *a, *r));
                }
            }
        }
        // Best score first; ties in output order, so the result never depends on a hash.
        candidates.sort_by(|x, y| y.0.total_cmp(&x.0).then((x.1, x.2).cmp(&(y.1, y.2))));
        let mut used_old = vec![false; old.len()];
        let mut used_new = vec![false; new.len()];
        for (_, a, r) in candidates {
            if !used_new[a] && !used_old[r] {
                used_new[a] = true;
                used_old[r] = true;
                out.push((a, r));
            }
        }
    }
    out
}
