//! `host-network`: pods in the node's network namespace.

use crate::check::{Context, Findings, Rule};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Flags `host-network` (or `host-network #true`) on a workload.
    ///
    /// ## Why is this bad?
    /// The pod shares the node's network: it listens on the node's addresses (two replicas on
    /// one node clash on their ports), sees every connection of the node, reaches services
    /// bound to `localhost` such as the kubelet's, and bypasses NetworkPolicies. Pod Security
    /// Admission refuses it at the `baseline` and `restricted` levels.
    ///
    /// ## Example
    /// ```kdl
    /// service api { image "api:1.0.0"; port 8080; host-network }
    /// ```
    ///
    /// ## Use instead
    /// ```kdl
    /// service api { image "api:1.0.0"; port 8080; expose nodeport port=30080 }
    /// ```
    /// to reach it on every node's address; for a node agent that must see the node's network,
    /// keep it with `allow host-network reason="…"`.
    ///
    /// Counterparts: kube-linter `host-network`, Polaris `hostNetworkSet`, checkov `CKV_K8S_19`.
    pub struct HostNetwork {
        code: "host-network",
        severity: Warning,
        summary: "pods in the node's network namespace",
    }
}

impl Rule for HostNetwork {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        for w in cx.workloads().filter(|w| w.host_network) {
            out.push(w, format!("`{}` runs in the node's network namespace", w.name))
                .label(
                    w.host_network_span.unwrap_or(w.span),
                    "the node's addresses and connections",
                )
                .help(format!(
                    "remove `host-network` and reach it through its Service or `expose`; for a node agent, keep it with `allow host-network reason=\"…\"` in `{}`",
                    w.name
                ));
        }
    }
}
