//! `init NAME { … }` and `sidecar NAME { … }`: containers beside the main one, read with the
//! container's readers; an init container takes no probes.

use super::builder::{AppDefaults, WorkloadBuilder};
use super::unknown_in;
use crate::diag::{Diagnostic, Diagnostics, codes};
use crate::model::Container;
use crate::resolve::container::{self, ImageCtx};
use crate::resolve::layers::{Layers, upsert};
use crate::resolve::values::{self, NodeView};
use crate::syntax::reader::Value;

/// `init NAME { … }` or `sidecar NAME { … }`: a container, keyed by its name across layers.
pub(super) fn init_or_sidecar(
    b: &mut WorkloadBuilder,
    node: &NodeView,
    app: &AppDefaults,
    diags: &mut Diagnostics,
) {
    let name = node.name();
    let span = node.name_span();
    let images = ImageCtx {
        registry: app.registry,
    };
    let mut e = node.read(diags);
    let example = format!("{name} NAME {{ image \"…\" }}");
    let name_val = e.require_arg("a container name", &example, diags);
    e.finish(&[], diags);
    let Some(name_val) = name_val else { return };
    let why = "container names are DNS-1123 labels";
    let valid = values::dns_label(&name_val, "container", 63, why, diags);
    let cname = match (&valid, &name_val.value) {
        (Some(n), _) => n.clone(),
        (None, Value::String(raw)) => raw.clone(),
        (None, _) => return,
    };
    let mut c = Container::new(cname.clone(), span);
    let mut layers = Layers::default();
    let mut image_written = false;
    for child in node.children() {
        image_written |= child.name() == "image";
        let running_only = container::is_probe(child.name()) || container::is_hook(child.name());
        if (name == "init" && running_only)
            || !container::apply(&mut c, &child, &mut layers, &images, diags)
        {
            let known: Vec<&str> = container::node_names()
                .filter(|n| name == "sidecar" || !(container::is_probe(n) || container::is_hook(n)))
                .collect();
            unknown_in(&child, &format!("`{name}`"), &known, diags);
        }
    }
    if valid.is_none() {
        return;
    }
    if !image_written {
        diags.push(
            Diagnostic::error(
                codes::MISSING_IMAGE,
                format!("{name} container `{cname}` has no image"),
            )
            .label(span, "no `image`")
            .help(format!("add `image \"…\"` inside `{name} {cname} {{ … }}`")),
        );
    }
    if cname == b.w.name {
        diags.push(
            Diagnostic::error(
                codes::DUPLICATE_NAME,
                format!("container `{cname}` has the workload's own name"),
            )
            .label(span, "taken by the main container")
            .help("give the extra container another name"),
        );
        return;
    }
    let clash = if name == "init" {
        &b.w.sidecars
    } else {
        &b.w.init
    };
    if clash.iter().any(|o| o.name == cname) {
        diags.push(
            Diagnostic::error(
                codes::DUPLICATE_NAME,
                format!("two containers are named `{cname}`"),
            )
            .label(span, "second container with this name")
            .help("container names must be unique in a pod"),
        );
        return;
    }
    if let Some(replaces) = b.layers.entry(
        format!("container:{cname}"),
        &format!("container `{cname}`"),
        span,
        diags,
    ) {
        let list = if name == "init" {
            &mut b.w.init
        } else {
            &mut b.w.sidecars
        };
        upsert(list, c, replaces, |a, b| a.name == b.name);
    }
}
