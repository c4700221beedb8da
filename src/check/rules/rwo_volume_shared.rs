//! `rwo-volume-shared`: a ReadWriteOnce volume on a Deployment that runs several pods.

use crate::check::{Context, Findings, Rule};
use crate::declare_rule;
use crate::model::canary;
use crate::model::{AccessMode, VolumeKind};

declare_rule! {
    /// ## What it does
    /// Flags a persistent `volume` with access `ReadWriteOnce` (the default) or
    /// `ReadWriteOncePod` on a `frontend`, `gateway` or `service` that can run more than one pod:
    /// `replicas` above 1, `autoscale max` above 1, or a `canary`, whose Deployment mounts the
    /// same claim beside the stable pods.
    ///
    /// ## Why is this bad?
    /// A Deployment's pods share one PersistentVolumeClaim. A `ReadWriteOnce` volume attaches to
    /// one node: pods scheduled on other nodes hang in `ContainerCreating` with a Multi-Attach
    /// error, and a rolling update whose new pod lands elsewhere never finishes. A
    /// `ReadWriteOncePod` volume admits a single pod, whatever the node.
    ///
    /// ## Example
    /// ```kdl
    /// service uploads {
    ///     image "uploads:1.0.0"
    ///     replicas 3
    ///     volume files path="/data" size="50Gi"
    /// }
    /// ```
    ///
    /// ## Use instead
    /// A volume many nodes can mount (the StorageClass must support it):
    /// ```kdl
    /// service uploads {
    ///     image "uploads:1.0.0"
    ///     replicas 3
    ///     volume files path="/data" size="50Gi" access=ReadWriteMany class="efs"
    /// }
    /// ```
    /// or a `stateful` workload, where each replica gets a volume of its own.
    ///
    /// Counterparts: none in kube-linter, kube-score, Polaris or checkov.
    pub struct RwoVolumeShared {
        code: "rwo-volume-shared",
        severity: Error,
        summary: "a ReadWriteOnce volume shared by the pods of a Deployment with several replicas",
    }
}

impl Rule for RwoVolumeShared {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        for w in cx.runs().filter(|w| w.kind.is_deployment()) {
            let (stable, autoscale_span) = match &w.autoscale {
                Some(a) => (a.max, Some(a.span)),
                None => (w.replicas.unwrap_or(1), None),
            };
            // How a canary splits looks at every workload's routes: only for a canary.
            let canary_pods = if w.canary.is_some() {
                canary::replicas(w, canary::split(cx.app, w))
            } else {
                0
            };
            let pods = stable + canary_pods;
            if pods <= 1 {
                continue;
            }
            for v in &w.volumes {
                let VolumeKind::Persistent { access, .. } = &v.kind else {
                    continue;
                };
                if !matches!(
                    access,
                    AccessMode::ReadWriteOnce | AccessMode::ReadWriteOncePod
                ) {
                    continue;
                }
                let why = match access {
                    AccessMode::ReadWriteOncePod => "a single pod",
                    _ => "the pods of a single node",
                };
                let finding = out.push(
                    w,
                    format!(
                        "volume `{}` is {}, but `{}` runs up to {pods} pods",
                        v.name,
                        access.as_str(),
                        w.name
                    ),
                );
                finding.label(v.span, format!("only {why} can mount it"));
                if let Some(span) = autoscale_span {
                    finding.label(span, format!("scales up to {stable}"));
                }
                let help = match &w.canary {
                    Some(c) if canary_pods > 0 => {
                        finding.label(c.span, format!("{canary_pods} more with the same claim"));
                        if stable > 1 {
                            "make it `access=ReadWriteMany` on a StorageClass that supports it: the stable pods and the canary's all mount this claim".to_owned()
                        } else {
                            format!(
                                "the canary's pods mount the stable pods' claim: make it `access=ReadWriteMany` on a StorageClass that supports it, or release `{}` without a canary",
                                w.name
                            )
                        }
                    }
                    _ => format!(
                        "make it `access=ReadWriteMany` on a StorageClass that supports it, make `{}` a `stateful` workload (a volume per replica), or run one replica with `strategy recreate`",
                        w.name
                    ),
                };
                finding.help(help);
            }
        }
    }
}
