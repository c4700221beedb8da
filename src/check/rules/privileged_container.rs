//! `privileged-container`: a container that runs privileged.

use super::{Role, containers, describe};
use crate::check::{Context, Findings, Rule};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Flags `privileged` (or `privileged #true`) on a workload's main container, an `init`
    /// container or a `sidecar`.
    ///
    /// ## Why is this bad?
    /// A privileged container has every capability and every device of the node, without
    /// seccomp or AppArmor: whoever gets code execution in it owns the node and, through the
    /// kubelet's credentials, a good part of the cluster. Pod Security Admission refuses it at
    /// the `baseline` and `restricted` levels. It is an error so that each use carries an
    /// `allow privileged-container reason="…"` a reviewer can read: node agents (CNI, storage
    /// drivers) sometimes need it; applications never do.
    ///
    /// ## Example
    /// ```kdl
    /// service api { image "api:1.0.0"; privileged }
    /// ```
    ///
    /// ## Use instead
    /// Remove `privileged`; grant the one thing the container needs instead (a capability, a
    /// device plugin). For a node agent that really needs it:
    /// ```kdl
    /// service agent {
    ///     image "agent:1.0.0"
    ///     privileged
    ///     allow privileged-container reason="loads eBPF programs into the node's kernel"
    /// }
    /// ```
    ///
    /// Counterparts: kube-linter `privileged-container`, kube-score
    /// `container-security-context-privileged`, Polaris `runAsPrivileged`, checkov `CKV_K8S_16`.
    pub struct PrivilegedContainer {
        code: "privileged-container",
        severity: Error,
        summary: "a privileged container: full access to the node",
    }
}

impl Rule for PrivilegedContainer {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        for w in cx.runs() {
            for (role, c) in containers(w).filter(|(_, c)| c.privileged) {
                let block = match role {
                    Role::Main => format!("`{}`", w.name),
                    Role::Init => format!("`init {}`", c.name),
                    Role::Sidecar => format!("`sidecar {}`", c.name),
                };
                out.push(w, format!("{} runs privileged", describe(w, role, c)))
                    .label(c.span, "full access to the node")
                    .help(format!(
                        "remove `privileged` from {block}; if it must stay (a node agent), add `allow privileged-container reason=\"…\"` to `{}`",
                        w.name
                    ));
            }
        }
    }
}
