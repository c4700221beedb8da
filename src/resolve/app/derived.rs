//! The names of the objects lowering will write, all of them, checked before it writes them:
//! each fits its kind's limit, and no two objects of one kind share a name. A name a workload
//! derives (`web-external`, `orders-canary`, `api-data`) may be another workload's own, or
//! another's derived one; the API server would keep one of them, or refuse the second.

use std::collections::HashMap;

use crate::diag::{Diagnostic, Diagnostics, codes};
use crate::model::names::{self, Named};
use crate::model::{App, ServiceAccount};
use crate::resolve::values;

/// Reports every derived or written name that is too long for its kind or that another
/// workload's object of the same kind already has. An object named after its workload as
/// declared is never the one reported: workload names are unique (two of one name are reported
/// where they are declared), so the other object's name is the one to change.
pub fn check(app: &App, diags: &mut Diagnostics) {
    let objects: Vec<Vec<Named<'_>>> = app
        .workloads
        .iter()
        .map(|w| names::objects(app, w))
        .collect();
    let mut first: HashMap<(&str, &str), usize> = HashMap::new();
    for (i, list) in objects.iter().enumerate() {
        for object in list.iter().filter(|o| o.own) {
            first
                .entry((object.kind, object.name.as_ref()))
                .or_insert(i);
        }
    }
    for (i, list) in objects.iter().enumerate() {
        let w = &app.workloads[i];
        for object in list.iter().filter(|o| !o.own) {
            if object.name.len() > object.limit {
                let written = w.object_name.is_some()
                    || w.service.name.is_some()
                    || matches!(w.service_account, ServiceAccount::CreateNamed { .. });
                too_long(&w.name, written, object, diags);
                continue;
            }
            match first.entry((object.kind, object.name.as_ref())) {
                std::collections::hash_map::Entry::Occupied(seen) if *seen.get() != i => {
                    collision(&w.name, &app.workloads[*seen.get()].name, object, diags);
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
fn too_long(workload: &str, written: bool, object: &Named<'_>, diags: &mut Diagnostics) {
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
        .help(if written {
            format!(
                "shorten the name written for it (`names`, `service-account`) by {}",
                values::plural(over, "character"),
            )
        } else {
            format!(
                "shorten `{workload}` by {}: Windlass names this {} after the workload",
                values::plural(over, "character"),
                object.kind
            )
        }),
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
            "rename `{workload}` or `{first}`, or give one of them `names`: two {}s of one namespace cannot share a name",
            object.kind
        )),
    );
}
