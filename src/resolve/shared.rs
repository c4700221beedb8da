//! Readers of the nodes that more than one parent takes: on/off flags (`host-network`,
//! `privileged`…), `allow`, `security`, and the key-value pairs of `labels`, `annotations` and
//! `node-selector`. The app, workloads, containers and exposures read them alike.

use std::collections::BTreeMap;

use super::values::{self, NodeView};
use crate::diag::{Diagnostic, Diagnostics, codes};
use crate::model::names::{is_label_value, is_qualified_key};
use crate::model::{Allow, SecurityLevel};

/// Reads `NAME [#true|#false]`: a flag that is on when written without a value.
pub fn flag(node: &NodeView, diags: &mut Diagnostics) -> Option<bool> {
    let mut e = node.read(diags);
    let on = match e.next_arg() {
        Some(v) => values::boolean(&v, diags),
        None => Some(true),
    };
    e.finish(&[], diags);
    on
}

/// Reads `allow CODE reason="…"`; the check stage knows the codes and requires the reason.
pub fn allow(node: &NodeView, diags: &mut Diagnostics) -> Option<Allow> {
    let mut e = node.read(diags);
    let example = "allow image-tag-latest reason=\"the tag is pinned by digest in CI\"";
    let code = e.require_arg("a rule's code", example, diags);
    let reason = e
        .prop("reason")
        .and_then(|v| values::string(&v, diags))
        .filter(|r| !r.trim().is_empty());
    e.finish(&["reason"], diags);
    let code = code?;
    let span = code.span;
    Some(Allow {
        code: values::string(&code, diags)?,
        reason,
        span,
    })
}

/// Reads `security hardened|restricted`.
pub fn security_level(node: &NodeView, diags: &mut Diagnostics) -> Option<SecurityLevel> {
    let mut e = node.read(diags);
    let level = e
        .require_arg("a level", "security restricted", diags)
        .and_then(|v| values::keyword(&v, &["hardened", "restricted"], diags))
        .map(|w| {
            if w == "restricted" {
                SecurityLevel::Restricted
            } else {
                SecurityLevel::Hardened
            }
        });
    e.finish(&[], diags);
    level
}

/// What a node's `KEY=VALUE` pairs are, which decides the values and keys they take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pairs {
    /// `labels`: label values, and not the labels Windlass sets itself.
    Labels,
    /// `node-selector`: label values of the cluster's nodes.
    NodeLabels,
    /// `annotations`: any text.
    Annotations,
    /// `selector`: label values, any key (a selector kept from before Windlass may match
    /// `app.kubernetes.io/name`).
    Selector,
}

/// The labels Windlass puts on every object, over any written in `labels`.
const RESERVED_LABELS: &[(&str, &str)] = &[
    ("app.kubernetes.io/name", "the workload's name"),
    ("app.kubernetes.io/part-of", "the app's name"),
    ("app.kubernetes.io/component", "the kind of workload"),
    ("app.kubernetes.io/managed-by", "`windlass`"),
];

/// Reads `KEY=VALUE …` pairs of `labels`, `annotations` or `node-selector`.
pub fn key_values(
    node: &NodeView,
    pairs: Pairs,
    diags: &mut Diagnostics,
) -> BTreeMap<String, String> {
    let label_values = pairs != Pairs::Annotations;
    let mut e = node.read(diags);
    let mut map = BTreeMap::new();
    let props = e.rest_props();
    if props.is_empty() {
        diags.push(
            Diagnostic::error(
                codes::MISSING_VALUE,
                format!("`{}` sets nothing", node.name()),
            )
            .label(node.name_span(), "no pairs")
            .help(format!("write `{} team=payments`", node.name())),
        );
    }
    for p in props {
        if !is_qualified_key(&p.key) {
            diags.push(
                Diagnostic::error(codes::INVALID_NAME, format!("`{}` is not a valid key", p.key))
                    .label(p.span, "invalid key")
                    .help("keys are `[prefix/]name`: a DNS subdomain prefix and a name of letters, digits, `-`, `_`, `.` (at most 63)"),
            );
            continue;
        }
        if pairs == Pairs::Labels
            && let Some((key, set_to)) = RESERVED_LABELS.iter().find(|(key, _)| *key == p.key)
        {
            diags.push(
                Diagnostic::error(codes::INVALID_NAME, format!("`{key}` is set by Windlass"))
                    .label(p.span, "reserved label")
                    .help(format!("Windlass sets `{key}` to {set_to} on every object, over this value: remove it, or use a label of your own such as `example.com/{}`", key.trim_start_matches("app.kubernetes.io/"))),
            );
            continue;
        }
        let Some(value) = values::text(&p.val, diags) else {
            continue;
        };
        if label_values && !is_label_value(&value) {
            diags.push(
                Diagnostic::error(codes::INVALID_VALUE, format!("`{value}` is not a valid label value"))
                    .label(p.val.span, "invalid label value")
                    .help("label values are at most 63 letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit"),
            );
            continue;
        }
        map.insert(p.key, value);
    }
    e.finish(&[], diags);
    map
}

/// Reads `run-as user=… group=… fs-group=… non-root=…`: the pods' identity, of a workload or
/// (as every workload's default) of the app.
pub fn run_as(node: &NodeView, diags: &mut Diagnostics) -> Option<crate::model::RunAs> {
    let span = node.name_span();
    let mut e = node.read(diags);
    let mut id = |key: &str, e: &mut values::Reading| {
        e.prop(key)
            .and_then(|v| values::int(&v, 0, i64::from(i32::MAX), diags))
    };
    let user = id("user", &mut e);
    let group = id("group", &mut e);
    let fs_group = id("fs-group", &mut e);
    let non_root_val = e.prop("non-root");
    let non_root = non_root_val
        .as_ref()
        .and_then(|v| values::boolean(v, diags));
    e.finish(&["user", "group", "fs-group", "non-root"], diags);
    if user.is_none() && group.is_none() && fs_group.is_none() && non_root.is_none() {
        diags.push(
            Diagnostic::error(codes::MISSING_VALUE, "`run-as` sets nothing")
                .label(span, "no ids")
                .help("write `run-as user=1000 group=1000 fs-group=1000`"),
        );
        return None;
    }
    if non_root == Some(true)
        && user == Some(0)
        && let Some(v) = &non_root_val
    {
        diags.push(
            Diagnostic::error(
                codes::INVALID_VALUE,
                "`run-as` runs as root and requires non-root",
            )
            .label(v.span, "the kubelet refuses to start user 0 with this")
            .help("run as a user above 0 (`user=1000`), or leave out `non-root`"),
        );
        return None;
    }
    Some(crate::model::RunAs {
        user,
        group,
        fs_group,
        non_root,
        span: node.span(),
    })
}
