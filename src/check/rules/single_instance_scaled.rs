//! `single-instance-scaled`: more than one pod of a component that runs a single instance.

use crate::check::{Context, Findings, Rule};
use crate::declare_rule;
use crate::model::Workload;
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Flags more than one pod — `replicas` above 1, an `autoscale` whose `max` is above 1, or
    /// a `canary` beside it — of a workload made from a component that declares
    /// `single-instance`: every database of
    /// the standard library (`mysql`, `postgres`, `mongodb`, `redis`, `elasticsearch`,
    /// `rabbitmq`, `kafka`, `minio`) and `nacos`. The count may come from the app, an instance's
    /// block or an environment; the finding points at the one that applies.
    ///
    /// ## Why is this bad?
    /// These components run a standalone server: nothing replicates between pods. A StatefulSet
    /// of three gives three separate databases, each with its own volume and its own data, behind
    /// one Service that sends each connection to any of them: a row written through one
    /// connection is missing from the next, and nothing fails loudly. (A PodDisruptionBudget is
    /// not written for them either: it would claim that losing one of the copies is safe.)
    ///
    /// ## Example
    /// ```kdl
    /// database orders-db engine=mysql storage="20Gi" { replicas 3 }
    /// ```
    ///
    /// ## Use instead
    /// One instance (the default); for several, a clustered setup outside the standard library,
    /// such as the operator the help names:
    /// ```kdl
    /// database orders-db engine=mysql storage="20Gi"
    /// ```
    ///
    /// A component of your own declares it the same way:
    /// `component ledger kind=database { single-instance clustered="…"; … }`.
    ///
    /// Counterparts: none in kube-linter, kube-score, Polaris or checkov (they cannot tell a
    /// standalone server from a clustered one).
    pub struct SingleInstanceScaled {
        code: "single-instance-scaled",
        severity: Error,
        summary: "more than one pod of a single-instance component: separate copies of its data behind one Service",
    }
}

impl Rule for SingleInstanceScaled {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        for w in cx.workloads() {
            let Some(single) = &w.single_instance else {
                continue;
            };
            // A canary is another Deployment beside the stable one: a second instance.
            let canary = w.canary.as_ref().map(|c| Scaled {
                span: c.span,
                by: By::Canary,
            });
            let Some(scaled) = scaled_at(w).or(canary) else {
                continue;
            };
            let of = match w.component.as_deref() {
                Some(c) if c != w.name => format!(" of `{c}`"),
                _ => String::new(),
            };
            let instead = match &single.clustered {
                Some(c) => format!("a clustered setup instead: {c}"),
                None => "a clustered setup instead, such as an operator".to_owned(),
            };
            out.push(
                w,
                format!(
                    "`{}` runs a single instance{of}: more pods would be separate copies, each with its own data",
                    w.name
                ),
            )
            .label(
                scaled.span,
                format!("{}: separate servers behind one Service", scaled.what()),
            )
            .help(format!(
                "{}; to run several instances, use {instead}",
                scaled.undo()
            ));
        }
    }
}

/// Where a workload is given more than one pod, and by what.
pub(super) struct Scaled {
    /// The `replicas` value, or the `autoscale` or `canary` node.
    pub span: Span,
    /// What adds the pods.
    by: By,
}

/// What gives a workload more than one pod.
enum By {
    /// `replicas N`.
    Replicas(u32),
    /// An autoscaler up to this many.
    Autoscale(u32),
    /// A canary beside it.
    Canary,
}

impl Scaled {
    /// What the label says: how many pods, from what.
    pub fn what(&self) -> String {
        match self.by {
            By::Replicas(n) => format!("{n} replicas"),
            By::Autoscale(n) => format!("scales up to {n} pods"),
            By::Canary => "a canary beside it".to_owned(),
        }
    }

    /// How to keep one pod.
    pub fn undo(&self) -> &'static str {
        match self.by {
            By::Replicas(_) => "keep one replica (the default)",
            By::Autoscale(_) => {
                "remove the autoscaler (`autoscale none` in an instance's or environment's block)"
            }
            By::Canary => "remove the canary and roll the new version out in place",
        }
    }
}

/// Where a workload's `replicas` or autoscaler give it more than one pod; `None` when they
/// give it one at most.
pub(super) fn scaled_at(w: &Workload) -> Option<Scaled> {
    let pods = w.max_replicas();
    if pods <= 1 {
        return None;
    }
    Some(match &w.autoscale {
        Some(a) => Scaled {
            span: a.span,
            by: By::Autoscale(pods),
        },
        None => Scaled {
            span: w.replicas_span.unwrap_or(w.span),
            by: By::Replicas(pods),
        },
    })
}
