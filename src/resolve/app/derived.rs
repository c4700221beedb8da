//! The names of the objects lowering will write, all of them, checked before it writes them:
//! each fits its kind's limit, and no two objects of one kind share a name. A name a workload
//! derives (`web-external`, `orders-canary`, `api-data`) may be another workload's own, or
//! another's derived one; the API server would keep one of them, or refuse the second.

use std::collections::HashMap;

use crate::diag::{Diagnostic, Diagnostics, codes};
use crate::model::names::{self, Named};
use crate::model::{App, ServiceAccount};
use crate::resolve::values;
use crate::source::Span;

/// Reports every derived or written name that is too long for its kind or that another
/// workload's object of the same kind already has. An object named after its workload as
/// declared is never the one reported: workload names are unique (two of one name are reported
/// where they are declared), so the other object's name is the one to change.
pub fn check(app: &App, diags: &mut Diagnostics) {
    // Own names are unique (two workloads of one name are reported where they are declared),
    // so only the other names are indexed, and own names are found through the workload names:
    // most workloads have none but their own.
    let mut by_name: HashMap<&str, usize> = HashMap::with_capacity(app.workloads.len());
    for (i, w) in app.workloads.iter().enumerate() {
        by_name.entry(w.name.as_str()).or_insert(i);
    }
    let mut others: HashMap<(&str, String), usize> = HashMap::new();
    for (i, w) in app.workloads.iter().enumerate() {
        for object in names::objects(app, w).into_iter().filter(|o| !o.own) {
            if object.name.len() > object.limit {
                let written = w.object_name.is_some()
                    || w.service.name.is_some()
                    || matches!(w.service_account, ServiceAccount::CreateNamed { .. });
                too_long(&w.name, written, &object, diags);
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
            match others.entry((object.kind, object.name.clone().into_owned())) {
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

/// The app's own ConfigMaps against the workloads: no workload's files ConfigMap has one's
/// name, and every key a workload reads from one is in it.
pub fn check_shared_configs(app: &App, diags: &mut Diagnostics) {
    for role in &app.roles {
        let binding = format!("{}-binding", role.name);
        let taken = app.workloads.iter().find(|w| {
            !w.access.is_empty()
                && (names::base_controller(w) == role.name || names::base_controller(w) == binding)
        });
        if let Some(w) = taken {
            diags.push(
                Diagnostic::error(
                    codes::DUPLICATE_NAME,
                    format!(
                        "the role `{}` has the name of `{}`'s Role or RoleBinding",
                        role.name, w.name
                    ),
                )
                .label(role.span, "a Role and a RoleBinding `NAME-binding`")
                .label(
                    w.span,
                    "its `access` makes a Role and RoleBinding of its name",
                )
                .help("give the role another name"),
            );
        }
    }
    for external in app.externals.iter().filter(|x| x.service) {
        let taken = app.workloads.iter().find(|w| {
            (w.has_service() && names::service(w) == external.name) || w.name == external.name
        });
        if let Some(w) = taken {
            diags.push(
                Diagnostic::error(
                    codes::DUPLICATE_NAME,
                    format!(
                        "the external dependency `{}` has the name of `{}`",
                        external.name, w.name
                    ),
                )
                .label(external.span, "its Service would take the name")
                .label(w.span, "a workload of the app")
                .help("give the dependency another name: `uses` names both alike"),
            );
        }
    }
    if app.config_maps.is_empty() && app.secrets.is_empty() {
        return;
    }
    for w in &app.workloads {
        if !w.files.is_empty()
            && let Some(config) = app
                .config_maps
                .iter()
                .find(|c| c.name == names::files_config_map(w))
        {
            diags.push(
                Diagnostic::error(
                    codes::DUPLICATE_NAME,
                    format!(
                        "the ConfigMap `{}` is also the files of `{}`",
                        config.name, w.name
                    ),
                )
                .label(config.span, "the app's ConfigMap")
                .help(format!(
                    "Windlass names `{}`'s files ConfigMap `{}`: give the app's another name",
                    w.name, config.name
                )),
            );
        }
        for c in std::iter::once(&w.main).chain(&w.init).chain(&w.sidecars) {
            for var in &c.env {
                if let crate::model::EnvValue::Secret {
                    name,
                    key,
                    optional: false,
                    span,
                } = &var.value
                    && let Some(secret) = app.secrets.iter().find(|s| &s.name == name)
                    && !secret.keys.is_empty()
                    && !secret.keys.contains(key)
                {
                    diags.push(
                        Diagnostic::error(
                            codes::UNKNOWN_TARGET,
                            format!("the Secret `{name}` is declared without a key `{key}`"),
                        )
                        .label(*span, format!("`{}` reads it", var.name))
                        .label(secret.span, "declared here")
                        .help(crate::diag::suggest_help(
                            key,
                            secret.keys.iter().map(String::as_str),
                            &format!(
                                "`{name}` is declared with {}: add the key to the declaration if the Secret has it",
                                secret
                                    .keys
                                    .iter()
                                    .map(|k| format!("`{k}`"))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        )),
                    );
                    continue;
                }
                let crate::model::EnvValue::ConfigMap {
                    name,
                    key,
                    optional: false,
                    span,
                } = &var.value
                else {
                    continue;
                };
                let Some(config) = app.config_maps.iter().find(|c| &c.name == name) else {
                    continue;
                };
                if !config.data.contains_key(key) {
                    diags.push(
                        Diagnostic::error(
                            codes::UNKNOWN_TARGET,
                            format!("the ConfigMap `{name}` has no key `{key}`"),
                        )
                        .label(*span, format!("`{}` reads it", var.name))
                        .label(config.span, "the app makes it")
                        .help(crate::diag::suggest_help(
                            key,
                            config.data.keys().map(String::as_str),
                            &format!(
                                "`{name}` holds {}",
                                config
                                    .data
                                    .keys()
                                    .map(|k| format!("`{k}`"))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        )),
                    );
                }
            }
        }
    }
}

/// No object of a `manifest` file has the kind and name of one Windlass writes, or of another
/// included object: the API server would keep one of them.
pub fn check_manifests(app: &App, diags: &mut Diagnostics) {
    if app.manifests.is_empty() {
        return;
    }
    let mut generated: HashMap<(String, String), String> = HashMap::new();
    let mut add = |kind: &str, name: String, by: &str| {
        generated
            .entry((kind.to_owned(), name))
            .or_insert_with(|| by.to_owned());
    };
    for w in &app.workloads {
        let by = format!("`{}`", w.name);
        for object in names::objects(app, w) {
            add(object.kind, object.name.into_owned(), &by);
        }
        let controller = names::base_controller(w).to_owned();
        if w.autoscale.is_some() {
            add("HorizontalPodAutoscaler", controller.clone(), &by);
        }
        if app.network_policy.is_some() {
            add("NetworkPolicy", controller.clone(), &by);
        }
        if w.min_replicas() > 1
            || !matches!(
                w.disruption,
                crate::model::Disruption::Auto | crate::model::Disruption::None
            )
        {
            add("PodDisruptionBudget", controller, &by);
        }
    }
    for config in &app.config_maps {
        add("ConfigMap", config.name.clone(), "the app's `config-map`");
    }
    for external in app.externals.iter().filter(|x| x.service) {
        add("Service", external.name.clone(), "an `external`");
        add("EndpointSlice", external.name.clone(), "an `external`");
    }
    for role in &app.roles {
        add("Role", role.name.clone(), "the app's `role`");
        add(
            "RoleBinding",
            format!("{}-binding", role.name),
            "the app's `role`",
        );
    }
    let mut included: HashMap<(&str, &str), Span> = HashMap::new();
    for m in &app.manifests {
        if let Some(by) = generated.get(&(m.kind.clone(), m.name.clone())) {
            diags.push(
                Diagnostic::error(
                    codes::DUPLICATE_NAME,
                    format!("the {} `{}` of a manifest is also written for {by}", m.kind, m.name),
                )
                .label(m.span, "this manifest holds it")
                .help("Windlass writes that object itself: change it in the description (or rename the included one)"),
            );
        } else if let Some(first) = included.insert((m.kind.as_str(), m.name.as_str()), m.span) {
            diags.push(
                Diagnostic::error(
                    codes::DUPLICATE_NAME,
                    format!("the {} `{}` is included twice", m.kind, m.name),
                )
                .label(m.span, "included again")
                .label(first, "first included here")
                .help("keep one of them"),
            );
        }
    }
}
