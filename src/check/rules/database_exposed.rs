//! `database-exposed`: a database reachable from outside the cluster.

use crate::check::{Context, Findings, Rule};
use crate::declare_rule;
use crate::model::{Exposure, WorkloadKind};

declare_rule! {
    /// ## What it does
    /// Flags a `database` exposed through `expose nodeport`, `expose load-balancer`,
    /// `expose ingress` or `expose http-route`.
    ///
    /// ## Why is this bad?
    /// A database's port is an attack surface: it speaks a protocol built for trusted clients,
    /// and scanners find open MySQL, Redis, MongoDB and Elasticsearch ports within minutes. A node
    /// port opens it on every node, a load balancer on the internet. The services of the app
    /// reach it through its in-cluster Service (`mysql:3306`) whatever its exposure.
    ///
    /// ## Example
    /// ```kdl
    /// database orders-db engine=mysql storage="20Gi" {
    ///     expose load-balancer port=3306
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```kdl
    /// database orders-db engine=mysql storage="20Gi"
    /// ```
    /// and reach it from a workstation with `kubectl port-forward svc/orders-db 3306`.
    ///
    /// Counterparts: none in kube-linter, kube-score, Polaris or checkov (they cannot tell a
    /// database from any other workload).
    pub struct DatabaseExposed {
        code: "database-exposed",
        severity: Warning,
        summary: "a database exposed outside the cluster (node port, load balancer, ingress or route)",
    }
}

impl Rule for DatabaseExposed {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        for w in cx.workloads().filter(|w| w.kind == WorkloadKind::Database) {
            let (how, span) = match &w.expose {
                Exposure::Internal => continue,
                Exposure::NodePort { span, .. } => ("on a port of every node", *span),
                Exposure::LoadBalancer { span, .. } => ("through a load balancer", *span),
                Exposure::Ingress(i) => ("through an ingress", i.span),
                Exposure::HttpRoute(r) => ("through a Gateway API route", r.span),
            };
            out.push(w, format!("database `{}` is exposed outside the cluster", w.name))
                .label(span, format!("reachable {how}"))
                .help(match w.primary_port() {
                    Some(p) => format!(
                        "remove `expose`: the app's workloads reach it as `{}:{}` inside the cluster, and a person through `kubectl port-forward svc/{} {}`",
                        w.name, p.number, w.name, p.number
                    ),
                    None => format!(
                        "remove `expose`: the app's workloads reach it as `{}` inside the cluster",
                        w.name
                    ),
                });
        }
    }
}
