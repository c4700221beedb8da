//! What can be checked only once every workload is known: that each `route` and `uses` names a
//! workload that exists, and a port it has.

use std::collections::{BTreeMap, BTreeSet};

use crate::diag::{Diagnostic, Diagnostics, codes, suggest_help};
use crate::model::{PortRef, Workload};
use crate::source::Span;

/// Every `route` and `uses` names a workload that exists, and a port it has.
pub fn check_references(
    workloads: &[Workload],
    declared: &BTreeSet<String>,
    externals: &BTreeSet<String>,
    diags: &mut Diagnostics,
) {
    let by_name: BTreeMap<&str, &Workload> =
        workloads.iter().map(|w| (w.name.as_str(), w)).collect();
    let names: Vec<&str> = by_name.keys().copied().collect();
    let unknown = |target: &str, span: Span, what: &str, diags: &mut Diagnostics| {
        diags.push(
            Diagnostic::error(
                codes::UNKNOWN_TARGET,
                format!("{what} `{target}`, which does not exist"),
            )
            .label(span, "no workload with this name")
            .help(suggest_help(
                target,
                names.iter().copied(),
                &format!("define `{target}` in the app, or fix the name"),
            )),
        );
    };
    for w in workloads {
        check_addresses(w, &by_name, externals, &names, diags);
        for edge in &w.uses {
            if edge.target == w.name {
                diags.push(
                    Diagnostic::error(codes::UNKNOWN_TARGET, format!("`{}` uses itself", w.name))
                        .label(edge.span, "self-reference")
                        .help("`uses` names the other workloads this one calls"),
                );
            } else if !declared.contains(&edge.target)
                && !externals.contains(&edge.target)
                && !edge.from_address
            {
                unknown(
                    &edge.target,
                    edge.span,
                    &format!("`{}` uses", w.name),
                    diags,
                );
            }
        }
        for route in &w.routes {
            let Some(target) = by_name.get(route.target.as_str()) else {
                if declared.contains(&route.target) {
                    continue;
                }
                if externals.contains(&route.target) {
                    diags.push(
                        Diagnostic::error(
                            codes::UNKNOWN_TARGET,
                            format!("`{}` routes to `{}`, which is outside the cluster", w.name, route.target),
                        )
                        .label(route.span, "an external dependency")
                        .help("a route forwards a path to a workload of the app; call an external dependency with `uses`"),
                    );
                    continue;
                }
                unknown(
                    &route.target,
                    route.span,
                    &format!("`{}` routes to", w.name),
                    diags,
                );
                continue;
            };
            if target.kind.is_batch() || target.published_ports().next().is_none() {
                diags.push(
                    Diagnostic::error(
                        codes::UNKNOWN_TARGET,
                        format!(
                            "`{}` routes to `{}`, which has no port",
                            w.name, target.name
                        ),
                    )
                    .label(route.span, "nothing listens there")
                    .help(format!("declare a `port` in `{}`", target.name)),
                );
                continue;
            }
            if let Some(port) = &route.port {
                let (found, shown) = match port {
                    PortRef::Name(n) => (target.published_ports().any(|p| &p.name == n), n.clone()),
                    PortRef::Number(n) => (
                        target
                            .service_ports()
                            .any(|(s, p)| p.number == *n || s == *n),
                        n.to_string(),
                    ),
                };
                if !found {
                    let declared = target
                        .published_ports()
                        .map(|p| format!("{} ({})", p.number, p.name))
                        .collect::<Vec<_>>()
                        .join(", ");
                    diags.push(
                        Diagnostic::error(
                            codes::UNKNOWN_TARGET,
                            format!("`{}` has no port `{shown}`", target.name),
                        )
                        .label(route.span, "unknown port")
                        .help(suggest_help(
                            &shown,
                            target.published_ports().map(|p| p.name.as_str()),
                            &format!("`{}` declares {declared}", target.name),
                        )),
                    );
                }
            }
        }
    }
}

/// Every `env … address=TARGET` of `w` names a workload with a Service, or an external
/// dependency, and a port it publishes.
fn check_addresses(
    w: &Workload,
    by_name: &BTreeMap<&str, &Workload>,
    externals: &BTreeSet<String>,
    names: &[&str],
    diags: &mut Diagnostics,
) {
    let addresses = std::iter::once(&w.main)
        .chain(&w.init)
        .chain(&w.sidecars)
        .flat_map(|c| &c.env)
        .filter_map(|v| match &v.value {
            crate::model::EnvValue::Address(a) => Some((v, a)),
            _ => None,
        });
    for (var, a) in addresses {
        if a.target == w.name {
            continue;
        }
        let Some(target) = by_name.get(a.target.as_str()) else {
            if externals.contains(&a.target) {
                continue;
            }
            diags.push(
                Diagnostic::error(
                    codes::UNKNOWN_TARGET,
                    format!(
                        "`{}` addresses `{}`, which does not exist",
                        var.name, a.target
                    ),
                )
                .label(a.span, "no workload with this name")
                .help(suggest_help(
                    &a.target,
                    names.iter().copied(),
                    "name a workload of the app, or an `external` dependency",
                )),
            );
            continue;
        };
        if !target.has_service() || target.published_ports().next().is_none() {
            diags.push(
                Diagnostic::error(
                    codes::UNKNOWN_TARGET,
                    format!(
                        "`{}` addresses `{}`, which has no Service",
                        var.name, a.target
                    ),
                )
                .label(a.span, "nothing to connect to")
                .help(if target.kind.is_batch() {
                    format!(
                        "a {} runs to completion and has no Service: nothing can connect to it",
                        target.kind.keyword()
                    )
                } else {
                    format!(
                        "`{}` publishes no port: declare the `port` it listens on",
                        a.target
                    )
                }),
            );
            continue;
        }
        let Some(port) = &a.port else { continue };
        let found = match port {
            PortRef::Name(n) => target.published_ports().any(|p| &p.name == n),
            PortRef::Number(n) => target
                .service_ports()
                .any(|(s, p)| p.number == *n || s == *n),
        };
        if !found {
            let shown = match port {
                PortRef::Name(n) => n.clone(),
                PortRef::Number(n) => n.to_string(),
            };
            let published: Vec<String> = target
                .service_ports()
                .map(|(s, p)| format!("{s} ({})", p.name))
                .collect();
            diags.push(
                Diagnostic::error(
                    codes::UNKNOWN_TARGET,
                    format!("`{}` publishes no port `{shown}`", a.target),
                )
                .label(a.span, format!("`{}` addresses it", var.name))
                .help(suggest_help(
                    &shown,
                    target.published_ports().map(|p| p.name.as_str()),
                    &format!("its Service publishes {}", published.join(", ")),
                )),
            );
        }
    }
}
