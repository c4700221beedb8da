//! `low-port-non-root`: a container that runs as a non-root user and listens on a port below 1024.

use crate::check::{Context, Findings, Rule};
use crate::declare_rule;
use crate::model::SecurityLevel;

declare_rule! {
    /// ## What it does
    /// Flags a port below 1024 on a workload whose containers run as a non-root user: one set
    /// with `run-as user=N` (N above 0), or required by `security restricted`.
    ///
    /// ## Why is this bad?
    /// Binding a port below 1024 needs `NET_BIND_SERVICE`, and a non-root process never holds
    /// an added capability: Kubernetes has no ambient capabilities, so adding it changes
    /// nothing. Unless the container runtime lets unprivileged users bind low ports (containerd
    /// 2.0 does by default, containerd 1.x does not), the server fails at start with
    /// `permission denied` and the pod restarts forever.
    ///
    /// ## Example
    /// ```kdl
    /// frontend web { image "web:1.0.0"; port 80; run-as user=101 }
    /// ```
    ///
    /// ## Use instead
    /// ```kdl
    /// frontend web { image "web:1.0.0"; port 8080; run-as user=101 }
    /// ```
    /// (most images take the port to listen on as configuration; `nginxinc/nginx-unprivileged`
    /// listens on 8080), or leave out `run-as` for an image that starts as root to drop
    /// privileges.
    ///
    /// Counterparts: none of kube-linter, kube-score, Polaris or checkov; they check the
    /// capability, not whether the process can use it.
    pub struct LowPortNonRoot {
        code: "low-port-non-root",
        severity: Warning,
        summary: "a non-root container listens on a port below 1024: binding it fails on most runtimes",
    }
}

impl Rule for LowPortNonRoot {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        for w in cx.runs() {
            let restricted = w.security == SecurityLevel::Restricted;
            if !restricted && !w.runs_as_non_root_user() {
                continue;
            }
            let (why, instead) = if w.runs_as_non_root_user() {
                (
                    "`run-as` makes it a non-root user",
                    "leave out `run-as` if the image starts as root to drop privileges".to_owned(),
                )
            } else {
                (
                    "`security restricted` requires a non-root user",
                    format!(
                        "give `{}` `security hardened` if its image starts as root to drop privileges",
                        w.name
                    ),
                )
            };
            let containers = std::iter::once(&w.main).chain(&w.sidecars);
            for port in containers
                .flat_map(|c| &c.ports)
                .filter(|p| p.number < 1024)
            {
                out.push(
                    w,
                    format!(
                        "`{}` listens on port {} as a non-root user, which cannot bind it on most runtimes",
                        w.name, port.number
                    ),
                )
                .label(port.span, format!("below 1024: {why}"))
                .help(format!(
                    "listen on a port from 1024 up, such as {}, or {instead}",
                    8000 + u32::from(port.number)
                ));
            }
        }
    }
}
