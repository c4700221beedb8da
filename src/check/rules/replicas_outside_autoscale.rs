//! `replicas-outside-autoscale`: fixed `replicas` outside the autoscaler's range.

use crate::check::{Context, Findings, Rule};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Flags a workload with both `replicas N` and `autoscale min=… max=…` where N is below min
    /// or above max.
    ///
    /// ## Why is this bad?
    /// With an autoscaler the controller's replica count is the autoscaler's to set, and Windlass
    /// leaves `replicas` out of the Deployment so applying does not fight it. The written count
    /// therefore does nothing, and one outside the range says the author expects a scale the
    /// autoscaler will never run — usually a range that was not updated with the count.
    ///
    /// ## Example
    /// ```kdl
    /// service api { image "api:1.0.0"; replicas 8; autoscale min=2 max=6 }
    /// ```
    ///
    /// ## Use instead
    /// ```kdl
    /// service api { image "api:1.0.0"; autoscale min=2 max=8 }
    /// ```
    ///
    /// Counterparts: kube-score `deployment-targeted-by-hpa-does-not-have-replicas-configured`
    /// is close (it flags any fixed count beside an autoscaler); none in kube-linter, Polaris or
    /// checkov.
    pub struct ReplicasOutsideAutoscale {
        code: "replicas-outside-autoscale",
        severity: Warning,
        summary: "fixed replicas outside the range of the workload's autoscaler",
    }
}

impl Rule for ReplicasOutsideAutoscale {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        for w in cx.runs() {
            let (Some(n), Some(a)) = (w.replicas, &w.autoscale) else {
                continue;
            };
            // A reversed range is `autoscale-min-above-max`.
            if a.min > a.max || (a.min..=a.max).contains(&n) {
                continue;
            }
            let (min, max) = (a.min.min(n), a.max.max(n));
            out.push(
                w,
                format!(
                    "`{}` asks for {n} replica{}, outside its autoscaler's range {}–{}",
                    w.name,
                    if n == 1 { "" } else { "s" },
                    a.min,
                    a.max
                ),
            )
            .label(a.span, format!("scales between {} and {}", a.min, a.max))
            .help(format!(
                "the autoscaler sets the count, so `replicas {n}` does nothing: remove it, or widen the range to `autoscale min={min} max={max}`"
            ));
        }
    }
}
