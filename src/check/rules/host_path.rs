//! `host-path`: a volume that mounts a directory of the node.

use crate::check::{Context, Findings, Rule};
use crate::declare_rule;
use crate::model::VolumeKind;

declare_rule! {
    /// ## What it does
    /// Flags every `host-path NAME path=P host=H` volume. The message says so when H is one of
    /// the node's system directories (`/`, `/etc`, `/proc`, `/sys`, `/dev`, `/boot`, `/lib`,
    /// `/usr`, `/var/lib/kubelet`, `/var/run`, `/run`) or a container runtime's socket.
    ///
    /// ## Why is this bad?
    /// The pod reads and writes the node's own files: its data stays on one node and is lost
    /// when the pod moves, and a compromised container can change what the node runs — through
    /// the container runtime's socket, the kubelet's directory or `/etc`, it owns the node. Pod
    /// Security Admission refuses host paths at the `baseline` and `restricted` levels.
    ///
    /// ## Example
    /// ```kdl
    /// service logs {
    ///     image "fluent-bit:3.2.2"
    ///     host-path varlog path="/var/log" host="/var/log"
    /// }
    /// ```
    ///
    /// ## Use instead
    /// A persistent `volume` for data, an `empty-dir` for scratch space. For a node agent that
    /// must read the node's files, keep it and say why:
    /// `allow host-path reason="collects the node's container logs"`.
    ///
    /// Counterparts: kube-linter `sensitive-host-mounts`, `docker-sock` and
    /// `writable-host-mount`, checkov `CKV_K8S_27` (the Docker socket).
    pub struct HostPath {
        code: "host-path",
        severity: Warning,
        summary: "a host-path volume: the pod reads and writes the node's own files",
    }
}

/// Directories whose files are the node itself.
const SYSTEM: &[&str] = &[
    "/",
    "/etc",
    "/proc",
    "/sys",
    "/dev",
    "/boot",
    "/lib",
    "/usr",
    "/var/lib/kubelet",
    "/var/run",
    "/run",
];

impl Rule for HostPath {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        for w in cx.workloads() {
            for v in &w.volumes {
                let VolumeKind::HostPath { host, .. } = &v.kind else {
                    continue;
                };
                let trimmed = match host.trim_end_matches('/') {
                    "" => "/",
                    t => t,
                };
                let label = if trimmed.ends_with(".sock") {
                    "a container runtime's socket: root on the node".to_owned()
                } else if SYSTEM.contains(&trimmed) {
                    format!("{trimmed} is the node's own system directory")
                } else {
                    format!("the node's {trimmed}")
                };
                out.push(w, format!("`{}` mounts {trimmed} of the node", w.name))
                    .label(v.span, label)
                    .help(format!(
                        "use a `volume` (data) or an `empty-dir` (scratch); for a node agent, keep it with `allow host-path reason=\"…\"` in `{}`",
                        w.name
                    ));
            }
        }
    }
}
