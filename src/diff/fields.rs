//! Field-by-field comparison of two normalised objects.
//!
//! Lists that Kubernetes merges by key are matched by that key, whatever their order:
//! containers, initContainers, env, volumes and most lists of named things by `name`; ports by
//! port and protocol; volumeMounts by `mountPath`; volumeClaimTemplates by `metadata.name`;
//! Ingress rules by host and paths by path. A list is keyed only when every item on both sides
//! has a key and no key repeats; otherwise (tolerations, args) items are compared by position.
//! Lists of plain values whose order means nothing (`accessModes`, capabilities) are sets.

use std::collections::BTreeSet;
use std::fmt::{self, Write as _};
use std::hash::{DefaultHasher, Hash, Hasher};

use serde_json::Value;

use super::schema::{ListShape, is_absent, is_set, list_shape, sort_key};

/// One step of a path into an object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Segment {
    /// A map key.
    Field(String),
    /// An item of a list merged by key, named by its key.
    Item(String),
    /// An item of a list compared by position.
    Index(usize),
}

/// A path into an object.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Path(pub Vec<Segment>);

impl Path {
    /// The map keys along the path, without list items: what rules match on.
    pub fn fields(&self) -> Vec<&str> {
        self.0
            .iter()
            .filter_map(|s| match s {
                Segment::Field(f) => Some(f.as_str()),
                _ => None,
            })
            .collect()
    }

    /// The key of the first list item after the field `field`: the container of a
    /// `containers[NAME]` path.
    pub fn item_after(&self, field: &str) -> Option<&str> {
        let at = self
            .0
            .iter()
            .position(|s| *s == Segment::Field(field.to_owned()))?;
        match self.0.get(at + 1)? {
            Segment::Item(key) => Some(key),
            _ => None,
        }
    }
}

impl fmt::Display for Path {
    /// `spec.template.spec.containers[orders].image`; keys that are not plain words are quoted:
    /// `metadata.labels["app.kubernetes.io/name"]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, segment) in self.0.iter().enumerate() {
            match segment {
                Segment::Field(key) if is_word(key) => {
                    if i > 0 {
                        f.write_char('.')?;
                    }
                    f.write_str(key)?;
                }
                Segment::Field(key) => write!(f, "[{}]", Value::String(key.clone()))?,
                Segment::Item(key) => write!(f, "[{key}]")?,
                Segment::Index(index) => write!(f, "[{index}]")?,
            }
        }
        Ok(())
    }
}

fn is_word(key: &str) -> bool {
    !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// One difference between two objects.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldChange {
    /// Where.
    pub path: Path,
    /// The value before, `None` when the field is new.
    pub old: Option<Value>,
    /// The value after, `None` when the field is gone.
    pub new: Option<Value>,
}

/// Every difference between `old` and `new`, in path order.
pub fn compare(old: &Value, new: &Value) -> Vec<FieldChange> {
    let mut out = Vec::new();
    walk(&mut Path::default(), "", old, new, &mut out);
    out
}

/// Records a change at `path` (cloned: the walk's path is a stack).
fn record(path: &Path, old: Option<&Value>, new: Option<&Value>, out: &mut Vec<FieldChange>) {
    out.push(FieldChange {
        path: path.clone(),
        old: old.cloned(),
        new: new.cloned(),
    });
}

/// Compares `old` and `new` at `path`, which is pushed to and popped back as the walk descends.
fn walk(path: &mut Path, field: &str, old: &Value, new: &Value, out: &mut Vec<FieldChange>) {
    if old == new {
        return;
    }
    match (old, new) {
        (Value::Object(a), Value::Object(b)) => {
            let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for key in keys {
                let before = a.get(key).filter(|v| !is_absent(v));
                let after = b.get(key).filter(|v| !is_absent(v));
                path.0.push(Segment::Field(key.clone()));
                match (before, after) {
                    (Some(x), Some(y)) => walk(path, key, x, y, out),
                    (None, None) => {}
                    (x, y) => record(path, x, y, out),
                }
                path.0.pop();
            }
        }
        (Value::Array(a), Value::Array(b)) => walk_list(path, field, a, b, out),
        _ if same_scalar(path, old, new) => {}
        _ => record(path, Some(old), Some(new), out),
    }
}

fn walk_list(path: &mut Path, field: &str, a: &[Value], b: &[Value], out: &mut Vec<FieldChange>) {
    let all_objects = a.iter().chain(b).all(Value::is_object);
    if !all_objects {
        // Plain values: `args` in order, a set in any order; shown as a whole list.
        let differs = if is_set(field) {
            let sorted = |items: &[Value]| {
                let mut keys: Vec<String> = items.iter().map(sort_key).collect();
                keys.sort();
                keys
            };
            sorted(a) != sorted(b)
        } else {
            a != b
        };
        if differs {
            let (x, y) = (Value::Array(a.to_vec()), Value::Array(b.to_vec()));
            record(path, Some(&x), Some(&y), out);
        }
        return;
    }
    match list_shape(field, a, b) {
        ListShape::Keyed { old, new } => {
            // Old order first, then the items only in `new`, in their order.
            for (key, item) in old.iter().zip(a) {
                path.0.push(Segment::Item(key.clone()));
                match new.iter().position(|k| k == key) {
                    Some(j) => walk(path, field, item, &b[j], out),
                    None => record(path, Some(item), None, out),
                }
                path.0.pop();
            }
            for (key, item) in new.iter().zip(b) {
                if !old.contains(key) {
                    path.0.push(Segment::Item(key.clone()));
                    record(path, None, Some(item), out);
                    path.0.pop();
                }
            }
        }
        ListShape::Positional => {
            for i in 0..a.len().max(b.len()) {
                path.0.push(Segment::Index(i));
                match (a.get(i), b.get(i)) {
                    (Some(x), Some(y)) => walk(path, field, x, y, out),
                    (x, y) => record(path, x, y, out),
                }
                path.0.pop();
            }
        }
    }
}

/// Whether two plain values are the same: equal, or the same quantity written differently
/// (`1Gi` and `1024Mi`) where the field holds a quantity.
fn same_scalar(path: &Path, old: &Value, new: &Value) -> bool {
    if old == new {
        return true;
    }
    let fields = path.fields();
    let holds_quantity = match fields.as_slice() {
        [.., parent, _] if matches!(*parent, "requests" | "limits" | "capacity") => true,
        [.., last] => matches!(*last, "storage" | "sizeLimit"),
        [] => false,
    };
    holds_quantity
        && match (quantity(old), quantity(new)) {
            (Some(a), Some(b)) => (a - b).abs() <= f64::EPSILON * a.abs().max(b.abs()),
            _ => false,
        }
}

/// The amount a quantity in a manifest stands for (see [`crate::quantity::amount`]).
pub fn quantity(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => crate::quantity::amount(s),
        _ => None,
    }
}

/// The content of an object as a sorted multiset of hashed `(path, value)` leaves, lists merged
/// by key matched by key: what rename detection compares. `apiVersion`, `kind`, `metadata.name`
/// and `metadata.namespace` are left out, and every string equal to the object's own name reads
/// the same, so `orders` renamed `billing` with the same content has the same fingerprint.
pub fn fingerprint(object: &Value, name: &str) -> Vec<u64> {
    let mut out = Vec::new();
    let mut prefix = String::new();
    leaves(object, "", name, &mut prefix, &mut out);
    out.sort_unstable();
    out
}

fn leaves(value: &Value, field: &str, name: &str, prefix: &mut String, out: &mut Vec<u64>) {
    let len = prefix.len();
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                // The identity is what differs in a rename; the kind is the same by then, and the
                // apiVersion may move to another group.
                let identity = match prefix.as_str() {
                    "" => key == "apiVersion" || key == "kind",
                    ".metadata" => key == "name" || key == "namespace",
                    _ => false,
                };
                if identity {
                    continue;
                }
                prefix.push('.');
                prefix.push_str(key);
                leaves(child, key, name, prefix, out);
                prefix.truncate(len);
            }
        }
        Value::Array(items) => {
            let keys = match list_shape(field, items, &[]) {
                ListShape::Keyed { old, .. } if items.iter().all(Value::is_object) => Some(old),
                _ => None,
            };
            for (i, item) in items.iter().enumerate() {
                match keys.as_ref().and_then(|k| k.get(i)) {
                    _ if is_set(field) => prefix.push_str("[*]"),
                    Some(key) if key == name => prefix.push_str("[\0]"),
                    Some(key) => {
                        let _ = write!(prefix, "[{key}]");
                    }
                    None => {
                        let _ = write!(prefix, "[{i}]");
                    }
                }
                leaves(item, field, name, prefix, out);
                prefix.truncate(len);
            }
        }
        leaf => {
            let mut hasher = DefaultHasher::new();
            prefix.hash(&mut hasher);
            match leaf {
                Value::String(s) if s == name => "\0".hash(&mut hasher),
                other => other.to_string().hash(&mut hasher),
            }
            out.push(hasher.finish());
        }
    }
}

/// Dice similarity of two fingerprints: twice the shared leaves over all leaves, 0 to 1.
pub fn similarity(a: &[u64], b: &[u64]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let (mut i, mut j, mut shared) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += 1;
                i += 1;
                j += 1;
            }
        }
    }
    (2 * shared) as f64 / (a.len() + b.len()) as f64
}
