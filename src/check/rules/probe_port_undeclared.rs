//! `probe-port-undeclared`: a probe on a port number the container does not declare.

use super::{Role, containers, describe};
use crate::check::{Context, Findings, Rule};
use crate::declare_rule;
use crate::model::{PortRef, Probe, ProbeAction};

declare_rule! {
    /// ## What it does
    /// Flags a `probe`, `readiness`, `liveness` or `startup` of the main container or a
    /// `sidecar` that checks a port by number (`port=9090`) which that container does not
    /// declare with `port`. Probes by port name are checked by the compiler (`unknown-target`).
    ///
    /// ## Why is this bad?
    /// A probe on a port nothing listens on fails forever: the pod never becomes ready, or
    /// liveness restarts it in a loop. Most often the port was changed in one place only, or the
    /// number belongs to another container of the pod — the kubelet then checks that container
    /// instead, so a crashed application still looks healthy.
    ///
    /// ## Example
    /// ```kdl
    /// service api { image "api:1.0.0"; port 8080; liveness http "/healthz" port=8081 }
    /// ```
    ///
    /// ## Use instead
    /// ```kdl
    /// service api {
    ///     image "api:1.0.0"
    ///     port 8080
    ///     port 8081 name=health
    ///     liveness http "/healthz" port=health
    /// }
    /// ```
    ///
    /// Counterparts: kube-linter `readiness-port`, `liveness-port` and `startup-port`; none in
    /// kube-score, Polaris or checkov.
    pub struct ProbePortUndeclared {
        code: "probe-port-undeclared",
        severity: Warning,
        summary: "a probe on a port number the container does not declare",
    }
}

impl Rule for ProbePortUndeclared {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        for w in cx.runs() {
            for (role, c) in containers(w).filter(|(role, _)| *role != Role::Init) {
                // `probe` sets readiness and liveness from one node: report it once.
                let mut found: Vec<(Vec<&str>, &Probe, u16)> = Vec::new();
                let probes = [
                    ("readiness", &c.readiness),
                    ("liveness", &c.liveness),
                    ("startup", &c.startup),
                ];
                for (which, probe) in probes {
                    let Some(probe) = probe else { continue };
                    let port = match &probe.action {
                        ProbeAction::Http {
                            port: PortRef::Number(n),
                            ..
                        }
                        | ProbeAction::Tcp {
                            port: PortRef::Number(n),
                        }
                        | ProbeAction::Grpc { port: n, .. } => *n,
                        _ => continue,
                    };
                    match found
                        .iter_mut()
                        .find(|(_, p, _)| p.span.key() == probe.span.key())
                    {
                        Some((names, _, _)) => names.push(which),
                        None => found.push((vec![which], probe, port)),
                    }
                }
                for (names, probe, port) in found {
                    let (which, checks) = match names.as_slice() {
                        [one] => (format!("the {one} probe"), "checks"),
                        _ => (format!("the {} probes", names.join(" and ")), "check"),
                    };
                    if c.ports.iter().any(|p| p.number == port) {
                        continue;
                    }
                    let elsewhere = containers(w)
                        .filter(|(_, other)| !std::ptr::eq(*other, c))
                        .find(|(_, other)| other.ports.iter().any(|p| p.number == port));
                    let help = match elsewhere {
                        Some((r, other)) => format!(
                            "port {port} is declared by {}, so this probe checks that container; probe a port of this one, or declare it here with `port {port}`",
                            describe(w, r, other)
                        ),
                        None => format!(
                            "declare it with `port {port} name=…`, or probe a declared port"
                        ),
                    };
                    out.push(
                        w,
                        format!(
                            "{which} of {} {checks} port {port}, which it does not declare",
                            describe(w, role, c)
                        ),
                    )
                    .label(
                        probe.span,
                        format!("port {port} is not a `port` of this container"),
                    )
                    .help(help);
                }
            }
        }
    }
}
