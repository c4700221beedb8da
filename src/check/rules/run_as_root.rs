//! `run-as-root`: `run-as user=0` under `security restricted`.

use crate::check::{Context, Findings, Rule};
use crate::declare_rule;
use crate::model::SecurityLevel;

declare_rule! {
    /// ## What it does
    /// Flags `run-as user=0` on a workload whose security level is `restricted` (its own
    /// `security restricted`, or the app's). Under `hardened`, the default, running as root is
    /// allowed: many images (nginx, Nacos) start as root to drop privileges, and `hardened` is
    /// designed for them.
    ///
    /// ## Why is this bad?
    /// `restricted` sets `runAsNonRoot: true`. Together with `runAsUser: 0` the kubelet refuses
    /// to start the container (`CreateContainerConfigError`): the workload is applied and
    /// never runs. The description asks for two things that cannot both hold.
    ///
    /// ## Example
    /// ```kdl
    /// service api { image "api:1.0.0"; security restricted; run-as user=0 }
    /// ```
    ///
    /// ## Use instead
    /// ```kdl
    /// service api { image "api:1.0.0"; security restricted; run-as user=10001 }
    /// ```
    /// or, for an image that only works as root, `security hardened` on that workload.
    ///
    /// Counterparts: kube-linter `run-as-non-root`, kube-score
    /// `container-security-context-user-group-id`, Polaris `runAsRootAllowed`, checkov
    /// `CKV_K8S_23`.
    pub struct RunAsRoot {
        code: "run-as-root",
        severity: Error,
        summary: "`run-as user=0` under `security restricted`: the container never starts",
    }
}

impl Rule for RunAsRoot {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        for w in cx.runs() {
            if w.security != SecurityLevel::Restricted {
                continue;
            }
            let Some(run_as) = w.run_as.as_ref().filter(|r| r.user == Some(0)) else {
                continue;
            };
            out.push(
                w,
                format!(
                    "`{}` runs as root (`run-as user=0`) under `security restricted`",
                    w.name
                ),
            )
            .label(
                run_as.span,
                "the kubelet refuses to start it: restricted requires a non-root user",
            )
            .help(format!(
                "run as the image's unprivileged user (`run-as user=10001`), or give `{}` `security hardened` if its image only works as root",
                w.name
            ));
        }
    }
}
