//! `version NAME { … }`: several Deployments of one workload behind its one Service (v1, v2, v3
//! of a service, as a service mesh routes between them). Each version is the workload with the
//! version's block read over it, as an environment's override is: the same readers, one more
//! layer. The workload's own node reader only checks the name; the blocks are read once the
//! workload's every layer is, by [`WorkloadBuilder::finish_with_versions`].

use super::builder::{AppDefaults, WorkloadBuilder};
use super::unknown_in;
use crate::diag::{Diagnostic, Diagnostics, codes};
use crate::model::names::is_dns_label;
use crate::model::{Named, VERSION_LABEL, Workload};
use crate::resolve::container;
use crate::resolve::values::{self, NodeView};

/// What a version's block takes besides the container's nodes: how many pods it runs and what
/// its pods carry. The rest (exposure, volumes, scaling, identity) is the workload's, shared.
const VERSION_NODES: &[&str] = &["replicas", "labels", "annotations"];

/// `version NAME [{ … }]`, as the workload's own body reads it: the name, checked.
pub(super) fn version(
    b: &mut WorkloadBuilder,
    node: &NodeView,
    _app: &AppDefaults,
    diags: &mut Diagnostics,
) {
    let Some(named) = version_name(node, diags) else {
        return;
    };
    if b.layers
        .entry(
            format!("version:{}", named.name),
            &format!("version `{}`", named.name),
            named.span,
            diags,
        )
        .is_some()
        && !b.versions.iter().any(|v| v.name == named.name)
    {
        b.versions.push(named);
    }
}

/// The name of a `version` node: a label value that can end a Deployment's name.
fn version_name(node: &NodeView, diags: &mut Diagnostics) -> Option<Named> {
    let mut e = node.read(diags);
    let name = e.require_arg("a version's name", "version v2 { image \"…\" }", diags);
    e.finish(&[], diags);
    let v = name?;
    let text = values::string(&v, diags)?;
    if !is_dns_label(&text) || text.len() > 63 {
        diags.push(
            Diagnostic::error(codes::INVALID_NAME, format!("`{text}` is not a valid version name"))
                .label(v.span, "invalid version name")
                .help("a version names a Deployment (`NAME-VERSION`) and is its pods' `version` label: lower-case letters, digits and `-`, such as `v2`"),
        );
        return None;
    }
    Some(Named {
        name: text,
        span: v.span,
    })
}

impl WorkloadBuilder {
    /// The finished workload, with its versions: each `version` block of `layers` (the
    /// workload's blocks, in the order they were applied) read over a copy of the workload.
    pub fn finish_with_versions<'a>(
        self,
        layers: &[NodeView<'a>],
        app: &AppDefaults,
        diags: &mut Diagnostics,
    ) -> Workload {
        if self.versions.is_empty() {
            return self.finish(diags);
        }
        let mut versions = Vec::with_capacity(self.versions.len());
        let mut found = Vec::new();
        for named in &self.versions {
            let mut v = self.clone();
            v.versions.clear();
            v.w.version = Some(named.clone());
            for layer in layers {
                let blocks = layer
                    .children()
                    .filter(|c| c.name() == "version" && first_arg(c) == Some(named.name.as_str()));
                for block in blocks {
                    v.next_layer();
                    for child in block.children() {
                        v.apply_in_version(&child, app, diags);
                    }
                }
            }
            if !v.image_written {
                diags.push(
                    Diagnostic::error(
                        codes::MISSING_IMAGE,
                        format!("version `{}` of `{}` has no image", named.name, v.w.name),
                    )
                    .label(named.span, "no `image`")
                    .help(format!(
                        "add `image \"…\"` to `version {} {{ … }}`, or one to `{}` that every version shares",
                        named.name, v.w.name
                    )),
                );
                v.image_written = true;
            }
            let mut scratch = Diagnostics::new();
            versions.push(v.finish(&mut scratch));
            found.push(scratch);
        }
        let mut base = self;
        // The versions run; the workload needs no image of its own.
        base.image_written = true;
        let mut own = Diagnostics::new();
        let mut w = base.finish(&mut own);
        // The workload's own mistakes are reported once, and a version's that are its own.
        let reported: Vec<(&str, String)> =
            own.iter().map(|d| (d.code, d.message.clone())).collect();
        for d in found.iter().flat_map(Diagnostics::iter) {
            if !reported.contains(&(d.code, d.message.clone())) {
                own.push(d.clone());
            }
        }
        for d in own.iter() {
            diags.push(d.clone());
        }
        check(&w, diags);
        w.versions = versions;
        w
    }

    /// Applies one child of a version's block: a container node, or one of [`VERSION_NODES`].
    fn apply_in_version(&mut self, node: &NodeView, app: &AppDefaults, diags: &mut Diagnostics) {
        let name = node.name();
        let takes = name != "mount"
            && (container::node_names().any(|n| n == name) || VERSION_NODES.contains(&name));
        if takes {
            self.apply(node, app, diags);
        } else {
            let mut known: Vec<&str> = container::node_names().filter(|n| *n != "mount").collect();
            known.extend(VERSION_NODES);
            unknown_in(node, "a `version`", &known, diags);
        }
    }
}

/// The first argument of a node when it is a string, read without reporting anything (the
/// node's own reader reports its mistakes).
fn first_arg<'a>(node: &NodeView<'a>) -> Option<&'a str> {
    node.node
        .entries()
        .find(|e| e.name().is_none())
        .and_then(|e| e.value().as_str())
}

/// What versions cannot be combined with.
fn check(w: &Workload, diags: &mut Diagnostics) {
    if let Some(canary) = &w.canary {
        diags.push(
            Diagnostic::error(codes::INVALID_VALUE, format!("`{}` has versions and a canary", w.name))
                .label(canary.span, "a canary beside versions")
                .help("a version is already a second release behind the one Service: write the canary as `version NAME { image \"…\" }` and weight it with the mesh's routing"),
        );
    }
    if let Some(selector) = &w.selector
        && selector.labels.contains_key(VERSION_LABEL)
    {
        diags.push(
            Diagnostic::error(
                codes::INVALID_VALUE,
                format!("the selector of `{}` fixes `{VERSION_LABEL}`", w.name),
            )
            .label(selector.span, "selects one version only")
            .help(format!(
                "leave `{VERSION_LABEL}` out of `selector`: each version's pods carry `{VERSION_LABEL}: NAME`, and the Service selects them all"
            )),
        );
    }
}
