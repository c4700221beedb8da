//! Diff: the manifests compiled now against the previous output, per resource and field, with
//! the risk of every change.
