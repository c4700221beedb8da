//! Layers: what is read over what was read before. A workload is its component's body, then the
//! instance's block, then an environment's override; the app's settings are the app's, then an
//! environment's. A single property written again in a later layer replaces the earlier one, and
//! a keyed entry (env var, port, volume, file, route…) replaces the entry with the same key;
//! written twice in one layer, either is an error.
use std::collections::{BTreeMap, BTreeSet};

use crate::diag::{Diagnostic, Diagnostics, codes};
use crate::source::Span;

/// Remembers which single nodes and keyed entries one layer (a component body, or an instance's
/// block) has set: a repeat within a layer is an error, a repeat in a later layer replaces.
#[derive(Clone, Default)]
pub struct Layers {
    keys: BTreeMap<String, Span>,
    /// Every key any layer has set, so a new one is appended without searching the list.
    ever: BTreeSet<String>,
}

impl Layers {
    /// Starts a new layer.
    pub fn next_layer(&mut self) {
        self.keys.clear();
    }

    /// Records `key`; reports a duplicate when this layer set it already.
    pub fn first(&mut self, key: String, what: &str, span: Span, diags: &mut Diagnostics) -> bool {
        if let Some(previous) = self.keys.get(&key) {
            diags.push(
                Diagnostic::error(codes::DUPLICATE_NODE, format!("{what} is set twice"))
                    .label(span, "set again here")
                    .label(*previous, "first set here")
                    .help("keep one of them"),
            );
            return false;
        }
        self.ever.insert(key.clone());
        self.keys.insert(key, span);
        true
    }

    /// Records the key of a keyed entry as [`Layers::first`] does. `Some(replaces)` when the entry
    /// goes in: `replaces` says whether an earlier layer set it (see [`upsert`]).
    pub fn entry(
        &mut self,
        key: String,
        what: &str,
        span: Span,
        diags: &mut Diagnostics,
    ) -> Option<bool> {
        let replaces = self.ever.contains(&key) && !self.keys.contains_key(&key);
        self.first(key, what, span, diags).then_some(replaces)
    }
}

/// Puts `item` in `list`: in place of the entry `same` matches when an earlier layer set it
/// (`replaces`, from [`Layers::entry`]), else appended. Searching only then keeps thousands of
/// entries (a gateway's routes, a service's variables) linear.
pub fn upsert<T>(list: &mut Vec<T>, item: T, replaces: bool, same: impl Fn(&T, &T) -> bool) {
    let earlier = if replaces {
        list.iter().position(|x| same(x, &item))
    } else {
        None
    };
    match earlier {
        Some(i) => list[i] = item,
        None => list.push(item),
    }
}
