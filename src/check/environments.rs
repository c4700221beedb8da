//! Checks across the environments of one description, which no single compilation can make:
//! two environments that run in one cluster must not write into one namespace (each apply would
//! overwrite the other's objects, and each prune delete them), serve one host and path through
//! an Ingress or HTTPRoute, or take one node port (node ports are cluster-wide). Environments
//! name their cluster with `cluster NAME`; those that name none share one.

use crate::diag::{Diagnostic, codes};
use crate::model::{App, Exposure};
use crate::source::Span;

/// What an environment's objects take in its cluster.
#[derive(Clone, Debug)]
pub struct Footprint {
    /// The environment.
    pub env: String,
    /// Its cluster's name, `None` for the shared one.
    cluster: Option<String>,
    /// Its namespace, and where that was written (the app's name otherwise).
    namespace: (String, Span),
    /// Hosts and paths it serves: (controller key, host, path, where).
    paths: Vec<(String, String, String, Span)>,
    /// Node ports it takes, and where.
    node_ports: Vec<(u16, Span)>,
}

/// The footprint of environment `env`, compiled into `app`.
pub fn footprint(env: &str, app: &App) -> Footprint {
    let mut paths = Vec::new();
    let mut node_ports = Vec::new();
    for w in &app.workloads {
        match &w.expose {
            Exposure::Ingress(ingress) => {
                let class = ingress.class.as_deref().or(app.ingress_class.as_deref());
                let key = format!("ingress class {}", class.unwrap_or("(default)"));
                let routes = w
                    .routes
                    .iter()
                    .filter(|_| w.exposes_routes())
                    .map(|r| (r.path.clone(), r.span));
                for (path, span) in
                    std::iter::once((ingress.path.clone(), ingress.span)).chain(routes)
                {
                    paths.push((key.clone(), ingress.host.clone(), path, span));
                }
            }
            Exposure::HttpRoute(route) => {
                let key = format!("Gateway {}", route.gateway);
                paths.push((key, route.host.clone(), route.path.clone(), route.span));
            }
            Exposure::NodePort { port, span, .. } => node_ports.push((*port, *span)),
            Exposure::Internal | Exposure::LoadBalancer { .. } => {}
        }
    }
    Footprint {
        env: env.to_owned(),
        cluster: app.cluster.name.clone(),
        namespace: (
            app.namespace.clone(),
            app.namespace_span.unwrap_or(app.span),
        ),
        paths,
        node_ports,
    }
}

/// A trailing `/` does not make a `Prefix` path different.
fn normalize(path: &str) -> &str {
    match path.trim_end_matches('/') {
        "" => "/",
        trimmed => trimmed,
    }
}

/// Labels where each environment takes what they collide on: one label when both inherit it
/// from one place.
fn places(d: Diagnostic, later: (Span, &str), earlier: (Span, &str)) -> Diagnostic {
    if later.0.key() == earlier.0.key() {
        d.label(later.0, format!("in `{}` and in `{}`", earlier.1, later.1))
    } else {
        d.label(later.0, format!("in `{}`", later.1))
            .label(earlier.0, format!("in `{}`", earlier.1))
    }
}

/// The cluster's name for messages.
fn cluster_name(cluster: Option<&str>) -> String {
    cluster.map_or_else(
        || "the shared cluster".to_owned(),
        |c| format!("cluster `{c}`"),
    )
}

/// Every collision between two environments of one cluster, reported on the later one.
pub fn collisions(footprints: &[Footprint]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (i, later) in footprints.iter().enumerate() {
        for earlier in footprints[..i]
            .iter()
            .filter(|e| e.cluster == later.cluster)
        {
            let both = format!("`{}` and `{}`", earlier.env, later.env);
            let cluster = cluster_name(later.cluster.as_deref());
            if earlier.namespace.0 == later.namespace.0 {
                let mut d = Diagnostic::error(
                    codes::ENVIRONMENT_COLLISION,
                    format!(
                        "environments {both} both write into namespace `{}` of {cluster}",
                        later.namespace.0
                    ),
                );
                d = if earlier.namespace.1.key() == later.namespace.1.key() {
                    d.label(
                        later.namespace.1,
                        "the app's namespace, which neither environment sets",
                    )
                } else {
                    d.label(later.namespace.1, format!("`{}`'s namespace", later.env))
                        .label(
                            earlier.namespace.1,
                            format!("`{}`'s namespace", earlier.env),
                        )
                };
                out.push(d.help(format!(
                        "applying one overwrites the other's objects: give `{}` a `namespace` of its own, or name their clusters with `cluster NAME` in each environment",
                        later.env
                    )));
            }
            for (key, host, path, span) in &later.paths {
                let clash = earlier
                    .paths
                    .iter()
                    .find(|(k, h, p, _)| k == key && h == host && normalize(p) == normalize(path));
                if let Some((_, _, _, first)) = clash {
                    out.push(
                        places(
                            Diagnostic::error(
                                codes::ENVIRONMENT_COLLISION,
                                format!("environments {both} both serve {host}{path} in {cluster}"),
                            ),
                            (*span, &later.env),
                            (*first, &earlier.env),
                        )
                        .help(format!(
                            "one controller serves a host and path once: give `{}` a host of its own (`expose ingress host=…` in the environment), or name their clusters with `cluster NAME`",
                            later.env
                        )),
                    );
                }
            }
            for (port, span) in &later.node_ports {
                if let Some((_, first)) = earlier.node_ports.iter().find(|(p, _)| p == port) {
                    out.push(
                        places(
                            Diagnostic::error(
                                codes::ENVIRONMENT_COLLISION,
                                format!("environments {both} both take node port {port} of {cluster}"),
                            ),
                            (*span, &later.env),
                            (*first, &earlier.env),
                        )
                        .help(format!(
                            "a node port is taken on every node of a cluster: give `{}` another (`expose nodeport port=…` in the environment), or name their clusters with `cluster NAME`",
                            later.env
                        )),
                    );
                }
            }
        }
    }
    out
}
