//! `exposed-without-readiness`: traffic from outside the cluster reaches pods that have no
//! readiness probe.

use std::collections::{BTreeMap, VecDeque};

use crate::check::{Context, Findings, Rule};
use crate::declare_rule;
use crate::model::{Exposure, Workload};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Flags a workload without a readiness probe (`probe` or `readiness`) on its main container
    /// when traffic from outside the cluster reaches it: it is exposed (`expose nodeport`,
    /// `load-balancer`, `ingress` or `http-route`), or it is the target of a `route` of such a
    /// workload — and so on down the routes, since a gateway forwards what it receives.
    ///
    /// ## Why is this bad?
    /// Without a readiness probe a pod receives traffic as soon as its container starts, before
    /// the application listens or has warmed up, and keeps receiving it while it is overloaded
    /// or shutting down. Every rollout and every restart then turns into failed requests for
    /// the users.
    ///
    /// ## Example
    /// ```kdl
    /// frontend web {
    ///     image "web:1.4.0"
    ///     port 8080
    ///     expose ingress host="shop.example.com"
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```kdl
    /// frontend web {
    ///     image "web:1.4.0"
    ///     port 8080
    ///     expose ingress host="shop.example.com"
    ///     probe http "/healthz"
    /// }
    /// ```
    ///
    /// Counterparts: kube-linter `no-readiness-probe`, kube-score `pod-probes`, Polaris
    /// `readinessProbeMissing`, checkov `CKV_K8S_9` (all of them for every workload, exposed or
    /// not).
    pub struct ExposedWithoutReadiness {
        code: "exposed-without-readiness",
        severity: Warning,
        summary: "a workload reached from outside the cluster without a readiness probe",
    }
}

/// How outside traffic reaches a workload: its own exposure, or a route of a reached workload.
enum Reach<'a> {
    Exposed(Span),
    Routed { from: &'a str, span: Span },
}

impl Rule for ExposedWithoutReadiness {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        let workloads: BTreeMap<&str, &Workload> =
            cx.workloads().map(|w| (w.name.as_str(), w)).collect();
        let mut reached: BTreeMap<&str, Reach> = BTreeMap::new();
        let mut queue = VecDeque::new();
        for w in cx.workloads() {
            let span = match &w.expose {
                Exposure::Internal => continue,
                Exposure::NodePort { span, .. } | Exposure::LoadBalancer { span, .. } => *span,
                Exposure::Ingress(i) => i.span,
                Exposure::HttpRoute(r) => r.span,
            };
            reached.insert(&w.name, Reach::Exposed(span));
            queue.push_back(w);
        }
        while let Some(w) = queue.pop_front() {
            for route in &w.routes {
                let Some(target) = workloads.get(route.target.as_str()) else {
                    continue;
                };
                if reached.contains_key(target.name.as_str()) {
                    continue;
                }
                let reach = Reach::Routed {
                    from: &w.name,
                    span: route.span,
                };
                reached.insert(&target.name, reach);
                queue.push_back(target);
            }
        }
        for w in cx.workloads() {
            let Some(reach) = reached.get(w.name.as_str()) else {
                continue;
            };
            if w.main.readiness.is_some() || w.kind.is_batch() {
                continue;
            }
            let finding = out.push(
                w,
                format!(
                    "`{}` receives traffic from outside the cluster but has no readiness probe",
                    w.name
                ),
            );
            finding.label(w.span, "no `probe` or `readiness`");
            match reach {
                Reach::Exposed(span) => finding.label(*span, "exposed here"),
                Reach::Routed { from, span } => {
                    finding.label(*span, format!("`{from}` forwards outside traffic here"))
                }
            };
            finding.help("add `probe http \"/healthz\"` (or `readiness …`) for the endpoint that answers once the application can serve");
        }
    }
}
