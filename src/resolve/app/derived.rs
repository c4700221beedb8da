//! The names of the objects lowering will write, all of them, checked before it writes them:
//! each fits its kind's limit, and no two objects of one kind share a name. A name a workload
//! derives (`web-external`, `orders-canary`, `api-data`) may be another workload's own, or
//! another's derived one; the API server would keep one of them, or refuse the second.

use std::collections::HashMap;

use crate::diag::{Diagnostic, Diagnostics, codes};
use crate::model::App;
use crate::model::names::{self, Named};
use crate::resolve::values;

/// Reports every derived name that is too long for its kind or that another object of the same
/// kind already has: a workload's own object (named after it), or a name another workload
/// derives. The derived name is reported, never the workload that has the name as its own.
pub fn check(app: &App, diags: &mut Diagnostics) {
    // Own names are unique (two workloads of one name are reported where they are declared), so
    // only derived names are indexed, and own names are found through the workload names.
    let mut by_name: HashMap<&str, usize> = HashMap::with_capacity(app.workloads.len());
    for (i, w) in app.workloads.iter().enumerate() {
        by_name.entry(w.name.as_str()).or_insert(i);
    }
    let mut derived: HashMap<(&str, String), usize> = HashMap::new();
    for (i, w) in app.workloads.iter().enumerate() {
        for object in names::objects(app, w).into_iter().filter(|o| !o.own) {
            if object.name.len() > object.limit {
                too_long(&w.name, &object, diags);
                continue;
            }
            let own = by_name.get(object.name.as_ref()).filter(|j| **j != i);
            if let Some(&j) = own
                && names::objects(app, &app.workloads[j])
                    .iter()
                    .any(|o| o.own && o.kind == object.kind)
            {
                collision(&w.name, &app.workloads[j].name, &object, diags);
                continue;
            }
            match derived.entry((object.kind, object.name.clone().into_owned())) {
                std::collections::hash_map::Entry::Occupied(first) if *first.get() != i => {
                    collision(&w.name, &app.workloads[*first.get()].name, &object, diags);
                }
                std::collections::hash_map::Entry::Occupied(_) => {}
                std::collections::hash_map::Entry::Vacant(slot) => {
                    slot.insert(i);
                }
            }
        }
    }
}

/// A derived name longer than its kind allows.
fn too_long(workload: &str, object: &Named<'_>, diags: &mut Diagnostics) {
    let over = object.name.len() - object.limit;
    diags.push(
        Diagnostic::error(
            codes::NAME_TOO_LONG,
            format!(
                "the {} `{}` of `{workload}` is {} characters; at most {} fit",
                object.kind,
                object.name,
                object.name.len(),
                object.limit
            ),
        )
        .label(
            object.span,
            format!("makes it: {} over", values::plural(over, "character")),
        )
        .help(format!(
            "shorten `{workload}` by {}: Windlass names this {} after the workload",
            values::plural(over, "character"),
            object.kind
        )),
    );
}

/// A name that another workload's object of the same kind already has.
fn collision(workload: &str, first: &str, object: &Named<'_>, diags: &mut Diagnostics) {
    diags.push(
        Diagnostic::error(
            codes::DUPLICATE_NAME,
            format!(
                "the {} `{}` of `{workload}` has the name of a {} of `{first}`",
                object.kind, object.name, object.kind
            ),
        )
        .label(object.span, "makes this name")
        .help(format!(
            "rename `{workload}` or `{first}`: two {}s of one namespace cannot share a name",
            object.kind
        )),
    );
}
