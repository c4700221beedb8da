//! `nodeport-range`: a node port outside the cluster's range.

use crate::check::{Context, Findings, Rule};
use crate::declare_rule;
use crate::model::Exposure;

declare_rule! {
    /// ## What it does
    /// Flags `expose nodeport port=N` where N is outside the cluster's node port range:
    /// 30000–32767, unless the app declares `cluster node-port-range="FIRST-LAST"` (the API
    /// server's `--service-node-port-range`).
    ///
    /// ## Why is this bad?
    /// The API server refuses the Service, so the whole apply fails. Ports 80 and 443 in
    /// particular cannot be node ports: serving them needs a load balancer or an ingress.
    ///
    /// ## Example
    /// ```kdl
    /// frontend web { image "web:1.4.0"; port 8080; expose nodeport port=80 }
    /// ```
    ///
    /// ## Use instead
    /// ```kdl
    /// frontend web { image "web:1.4.0"; port 8080; expose load-balancer port=80 }
    /// ```
    /// or a port in the range: `expose nodeport port=30080`.
    ///
    /// Counterparts: none in kube-linter, kube-score, Polaris or checkov (they do not know the
    /// cluster's range); the API server's own validation.
    pub struct NodePortRange {
        code: "nodeport-range",
        severity: Error,
        summary: "a NodePort outside the cluster's node port range (30000–32767 by default)",
    }
}

impl Rule for NodePortRange {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        let (first, last) = cx.app.cluster.node_port_range;
        for w in cx.workloads() {
            let Exposure::NodePort { port, span, .. } = &w.expose else {
                continue;
            };
            if (first..=last).contains(port) {
                continue;
            }
            let help = if matches!(port, 80 | 443) {
                format!(
                    "a node port cannot be {port}: to serve port {port}, write `expose load-balancer port={port}` or expose it through an ingress"
                )
            } else {
                let suggestion = first + port % (last - first + 1);
                format!("choose a port from {first} to {last}, such as {suggestion}")
            };
            out.push(
                w,
                format!("node port {port} is outside the cluster's range, {first}–{last}"),
            )
            .label(*span, "the API server refuses this Service")
            .help(help);
        }
    }
}
