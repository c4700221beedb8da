//! `single-instance-scaled`: more than one pod of a component that runs a single instance.

use crate::check::{Context, Findings, Rule};
use crate::declare_rule;
use crate::model::Workload;
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Flags more than one pod — `replicas` above 1, or an `autoscale` whose `max` is above 1 —
    /// of a workload made from a component that declares `single-instance`: every database of
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
            let Some(scaled) = scaled_at(w) else {
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
            .label(scaled.span, scaled.separate())
            .help(format!(
                "{}; to run several instances, use {instead}",
                scaled.undo
            ));
        }
    }
}

/// Where a workload is given more than one pod.
pub(super) struct Scaled {
    /// The `replicas` value or the `autoscale` node that applies.
    pub span: Span,
    /// The most pods it runs.
    pub pods: u32,
    /// By an autoscaler, not a fixed count.
    pub autoscaled: bool,
    /// How to undo it.
    pub undo: &'static str,
}

impl Scaled {
    /// What the label says: the count.
    pub fn count(&self) -> String {
        if self.autoscaled {
            format!("scales up to {} pods", self.pods)
        } else {
            format!("{} replicas", self.pods)
        }
    }

    /// What the label says of pods known to be separate.
    fn separate(&self) -> String {
        format!("{}: separate servers behind one Service", self.count())
    }
}

/// Where a workload is given more than one pod; `None` when it runs one at most.
pub(super) fn scaled_at(w: &Workload) -> Option<Scaled> {
    let pods = w.max_replicas();
    if pods <= 1 {
        return None;
    }
    Some(match &w.autoscale {
        Some(a) => Scaled {
            span: a.span,
            pods,
            autoscaled: true,
            undo: "remove the autoscaler (`autoscale none` in an instance's or environment's block)",
        },
        None => Scaled {
            span: w.replicas_span.unwrap_or(w.span),
            pods,
            autoscaled: false,
            undo: "keep one replica (the default)",
        },
    })
}
