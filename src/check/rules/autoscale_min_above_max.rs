//! `autoscale-min-above-max`: an autoscaler whose minimum is above its maximum.

use crate::check::{Context, Findings, Rule};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Flags `autoscale min=M max=N` with M greater than N.
    ///
    /// ## Why is this bad?
    /// The API server refuses the HorizontalPodAutoscaler (`minReplicas` must not exceed
    /// `maxReplicas`), so the apply fails. The two numbers were most likely swapped.
    ///
    /// ## Example
    /// ```kdl
    /// service api { image "api:1.0.0"; autoscale min=6 max=2 }
    /// ```
    ///
    /// ## Use instead
    /// ```kdl
    /// service api { image "api:1.0.0"; autoscale min=2 max=6 }
    /// ```
    ///
    /// Counterparts: none in kube-linter, kube-score, Polaris or checkov; the API server's own
    /// validation.
    pub struct AutoscaleMinAboveMax {
        code: "autoscale-min-above-max",
        severity: Error,
        summary: "an autoscaler whose min is above its max: the API server refuses it",
    }
}

impl Rule for AutoscaleMinAboveMax {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        for w in cx.workloads() {
            let Some(a) = &w.autoscale else { continue };
            if a.min <= a.max {
                continue;
            }
            out.push(
                w,
                format!(
                    "the autoscaler of `{}` has min {} above max {}",
                    w.name, a.min, a.max
                ),
            )
            .label(a.span, "min is above max")
            .help(format!(
                "swap them: `autoscale min={} max={}`",
                a.max, a.min
            ));
        }
    }
}
