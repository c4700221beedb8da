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
/// kind already has. A workload's own names come first, so a derived name is reported, never
/// the workload that was there first.
pub fn check(app: &App, diags: &mut Diagnostics) {
    let objects: Vec<(usize, Named)> = app
        .workloads
        .iter()
        .enumerate()
        .flat_map(|(i, w)| names::objects(app, w).into_iter().map(move |o| (i, o)))
        .collect();
    // Who has each name first, and whether as its own name.
    let mut taken: HashMap<(&str, &str), (usize, bool)> = HashMap::new();
    let own_first = objects
        .iter()
        .filter(|(_, o)| o.own)
        .chain(objects.iter().filter(|(_, o)| !o.own));
    for (owner, object) in own_first {
        let workload = &app.workloads[*owner].name;
        if !object.own && object.name.len() > object.limit {
            too_long(workload, object, diags);
            continue;
        }
        match taken.get(&(object.kind, object.name.as_str())) {
            // Two workloads of one name are reported where they are declared.
            Some((_, true)) if object.own => {}
            Some((first, _)) if first != owner => {
                collision(workload, &app.workloads[*first].name, object, diags);
            }
            Some(_) => {}
            None => {
                taken.insert((object.kind, object.name.as_str()), (*owner, object.own));
            }
        }
    }
}

/// A derived name longer than its kind allows.
fn too_long(workload: &str, object: &Named, diags: &mut Diagnostics) {
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
fn collision(workload: &str, first: &str, object: &Named, diags: &mut Diagnostics) {
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
