//! The nodes that declare a workload: one per kind, and `use` for an instance of a component.

use crate::resolve::values::NodeView;
use crate::syntax::reader::ValueRef;

/// The nodes of an app that declare a workload, in the order help lists them.
pub const WORKLOAD_KINDS: &[&str] = &[
    "frontend", "gateway", "service", "stateful", "database", "job", "cronjob", "use",
];

/// The name an `external` node declares, which `uses` may name as it names a workload.
pub fn external_name(view: &NodeView) -> Option<String> {
    if view.name() != "external" {
        return None;
    }
    let first = view.node.entries().find(|e| e.name().is_none())?;
    first.value().as_str().map(str::to_owned)
}

/// The name a workload node declares: its first argument, or for `use COMPONENT NAME` the second
/// (the component's name when there is none).
pub fn declared_name(view: &NodeView) -> Option<String> {
    let kind = view.name();
    if !WORKLOAD_KINDS.contains(&kind) {
        return None;
    }
    let args: Vec<ValueRef> = view
        .node
        .entries()
        .filter(|e| e.name().is_none())
        .map(|e| e.value())
        .collect();
    let value = if kind == "use" {
        args.get(1).or(args.first())
    } else {
        args.first()
    };
    value.and_then(|v| v.as_str()).map(str::to_owned)
}
