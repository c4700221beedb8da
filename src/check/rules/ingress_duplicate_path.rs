//! `ingress-duplicate-path`: two ingress rules for the same host and path.

use std::collections::BTreeMap;

use crate::check::{Context, Findings, Rule};
use crate::declare_rule;
use crate::model::{Exposure, Workload};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Flags two ingress paths with the same host and path, across all workloads of the app.
    /// A workload exposed with `expose ingress host=H path=P` makes a rule for P on H, and each
    /// of its `route "/x" to=…` makes another rule on the same host. Paths are `Prefix` paths,
    /// so a trailing `/` does not make them different (`/api` and `/api/` match the same
    /// requests). Ingresses of different ingress classes are served by different controllers
    /// and do not clash. A `gateway`'s routes are its own routing table, not Ingress paths (its
    /// Ingress sends everything to it): one of them that sends a path another already sends
    /// elsewhere is flagged too.
    ///
    /// ## Why is this bad?
    /// Only one backend can serve a path. Ingress controllers resolve the clash their own way —
    /// ingress-nginx takes the oldest Ingress, others the first or the last — so which service
    /// answers depends on the controller and on the order objects were created, and can change
    /// on the next apply.
    ///
    /// ## Example
    /// ```kdl
    /// frontend web {
    ///     image "web:1.4.0"; port 80
    ///     expose ingress host="shop.example.com"
    ///     route "/api" to=gateway
    /// }
    /// gateway gateway { image "gateway:2.0.1"; port 8080 }
    /// service orders {
    ///     image "orders:3.1.0"; port 8080
    ///     expose ingress host="shop.example.com" path="/api"
    /// }
    /// ```
    ///
    /// ## Use instead
    /// One owner per path: `route "/api/orders" to=orders` in `web`, or a path of its own for
    /// `orders`.
    ///
    /// Counterparts: none in kube-linter, kube-score, Polaris or checkov (they check one Ingress
    /// at a time).
    pub struct IngressDuplicatePath {
        code: "ingress-duplicate-path",
        severity: Error,
        summary: "two ingress rules with the same host and path: which backend answers is undefined",
    }
}

/// One path of an Ingress, as lowering writes it.
struct IngressPath<'a> {
    workload: &'a Workload,
    backend: &'a str,
    path: &'a str,
    span: Span,
}

impl Rule for IngressDuplicatePath {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        for w in cx.workloads().filter(|w| !w.exposes_routes()) {
            let mut table: BTreeMap<&str, &crate::model::Route> = BTreeMap::new();
            for route in &w.routes {
                let Some(first) = table.get(normalize(&route.path)) else {
                    table.insert(normalize(&route.path), route);
                    continue;
                };
                if first.target == route.target {
                    continue;
                }
                out.push(
                    w,
                    format!(
                        "`{}` routes {} twice: to `{}` and to `{}`",
                        w.name, route.path, first.target, route.target
                    ),
                )
                .label(route.span, format!("sends {} to `{}`", route.path, route.target))
                .label(first.span, format!("already sent to `{}`", first.target))
                .help("give each path one owner: remove one of them, or route a longer path (`/api/orders`) to the other");
            }
        }
        let mut seen: BTreeMap<(Option<&str>, &str, &str), IngressPath> = BTreeMap::new();
        for w in cx.workloads() {
            let Exposure::Ingress(ingress) = &w.expose else {
                continue;
            };
            let class = ingress.class.as_deref().or(cx.app.ingress_class.as_deref());
            let own = IngressPath {
                workload: w,
                backend: &w.name,
                path: &ingress.path,
                span: ingress.span,
            };
            // A gateway's routes are its own routing, not paths of its Ingress.
            let routed = if w.exposes_routes() {
                w.routes.as_slice()
            } else {
                &[]
            };
            let routes = routed.iter().map(|r| IngressPath {
                workload: w,
                backend: &r.target,
                path: &r.path,
                span: r.span,
            });
            for p in std::iter::once(own).chain(routes) {
                let key = (class, ingress.host.as_str(), normalize(p.path));
                let Some(first) = seen.get(&key) else {
                    seen.insert(key, p);
                    continue;
                };
                let owner = if std::ptr::eq(first.workload, w) {
                    "this ingress".to_owned()
                } else {
                    format!("the ingress of `{}`", first.workload.name)
                };
                out.push(
                    w,
                    format!(
                        "{}{} is served twice: to `{}` and to `{}`",
                        ingress.host, p.path, first.backend, p.backend
                    ),
                )
                .label(p.span, format!("sends {} to `{}`", p.path, p.backend))
                .label(
                    first.span,
                    format!("{owner} already sends it to `{}`", first.backend),
                )
                .help("give each path one owner: remove one of them, or route a longer path (`/api/orders`) to the other");
            }
        }
    }
}

/// A `Prefix` path as ingress controllers match it: a trailing `/` does not count.
fn normalize(path: &str) -> &str {
    match path.trim_end_matches('/') {
        "" => "/",
        trimmed => trimmed,
    }
}
