//! `broad-access`: a workload allowed to change objects, or to read Secrets, through the API.

use crate::check::{Context, Findings, Rule};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Flags `access write …` on a workload, and `access read "secrets"`: a ServiceAccount that
    /// may change objects of the namespace, or read every Secret in it.
    ///
    /// ## Why is this bad?
    /// The pods hold the ServiceAccount's token. Whoever takes over one of them may then do what
    /// the account may: delete or rewrite the namespace's objects, or read every password and key
    /// its Secrets hold — those of the other workloads too. Most applications that talk to the
    /// API only read (service discovery reads services, endpoints and pods).
    ///
    /// ## Example
    /// ```kdl
    /// service discovery { image "discovery:1.0.0"; service-account; access write "configmaps" }
    /// ```
    ///
    /// ## Use instead
    /// ```kdl
    /// service discovery { image "discovery:1.0.0"; service-account; access read "configmaps" }
    /// ```
    /// and where the program must write (a leader election's `leases`), keep it with
    /// `allow broad-access reason="…"`.
    ///
    /// Counterparts: kube-linter `access-to-secrets` and `access-to-create-pods`, checkov
    /// `CKV_K8S_155`–`CKV_K8S_158`, Polaris `rbacPermissions`.
    pub struct BroadAccess {
        code: "broad-access",
        severity: Warning,
        summary: "a workload that may change the namespace's objects, or read its Secrets, through the API",
    }
}

impl Rule for BroadAccess {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        for role in &cx.app.roles {
            for a in &role.access {
                let list = a.resources.join("`, `");
                if a.write {
                    out.push_app(format!("the role `{}` may change `{list}` through the API", role.name))
                        .label(a.span, "create, update, patch and delete")
                        .help("grant `read` where the programs only read; keep `write` for what they must change, with `allow broad-access reason=\"…\"` in the app");
                } else if a.group.is_empty() && a.resources.iter().any(|r| r == "secrets") {
                    out.push_app(format!("the role `{}` may read every Secret of the namespace", role.name))
                        .label(a.span, "every Secret")
                        .help("mount or read the Secrets the workloads need by name (`env … secret=`, `secret-volume`) instead of through the API");
                }
            }
        }
        for w in cx.workloads() {
            for a in &w.access {
                let list = a.resources.join("`, `");
                if a.write {
                    out.push(w, format!("`{}` may change `{list}` through the API", w.name))
                        .label(a.span, "create, update, patch and delete")
                        .help("grant `access read` where the program only reads; keep `write` for what it must change, with `allow broad-access reason=\"…\"`");
                } else if a.group.is_empty() && a.resources.iter().any(|r| r == "secrets") {
                    out.push(w, format!("`{}` may read every Secret of the namespace", w.name))
                        .label(a.span, "every Secret, other workloads' too")
                        .help("mount or read the Secrets it needs by name (`env … secret=`, `secret-volume`) instead of through the API");
                }
            }
        }
    }
}
