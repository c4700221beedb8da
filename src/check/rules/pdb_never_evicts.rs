//! `pdb-never-evicts`: a disruption budget that never allows an eviction.

use crate::check::{Context, Findings, Rule};
use crate::declare_rule;
use crate::model::{Disruption, IntOrPercent};

declare_rule! {
    /// ## What it does
    /// Flags an explicit `disruption` that leaves no pod free to go when the workload runs at its
    /// smallest scale (`replicas`, or `autoscale min`): `max-unavailable=0` or `"0%"`, or a
    /// `min-available` that is at least that many pods (percentages round up, as Kubernetes
    /// rounds them) — `"100%"` always.
    ///
    /// ## Why is this bad?
    /// `kubectl drain`, cluster upgrades and the cluster autoscaler evict pods through the
    /// budget. A budget that allows no eviction makes them wait forever: node upgrades hang and
    /// empty nodes are never removed, until someone deletes the budget by hand.
    ///
    /// ## Example
    /// ```kdl
    /// service api { image "api:1.0.0"; replicas 2; disruption min-available=2 }
    /// ```
    ///
    /// ## Use instead
    /// ```kdl
    /// service api { image "api:1.0.0"; replicas 3; disruption min-available=2 }
    /// ```
    /// or `disruption max-unavailable=1` (what Windlass writes by default for more than one pod).
    ///
    /// Counterparts: kube-linter `pdb-max-unavailable` and `pdb-min-available`; Polaris
    /// `pdbDisruptionsIsZero` (on a budget's live status). None in kube-score or checkov.
    pub struct PdbNeverEvicts {
        code: "pdb-never-evicts",
        severity: Warning,
        summary: "a disruption budget that never allows an eviction: node drains hang",
    }
}

impl Rule for PdbNeverEvicts {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        for w in cx.workloads() {
            let pods = w.min_replicas();
            if pods == 0 {
                continue;
            }
            let (blocks, written) = match &w.disruption {
                Disruption::MaxUnavailable(v) => {
                    (scaled(v, pods) == 0, format!("max-unavailable={}", show(v)))
                }
                Disruption::MinAvailable(v) => (
                    scaled(v, pods) >= u64::from(pods),
                    format!("min-available={}", show(v)),
                ),
                Disruption::Auto | Disruption::None => continue,
            };
            if !blocks {
                continue;
            }
            let help = if pods > 1 {
                format!(
                    "let one pod go at a time: `disruption max-unavailable=1` (or `min-available={}`)",
                    pods - 1
                )
            } else {
                "a single pod cannot stay up through a drain: write `disruption none`, or run two replicas".to_owned()
            };
            out.push(
                w,
                format!(
                    "`disruption {written}` lets no pod of `{}` be evicted at {pods} replica{}",
                    w.name,
                    if pods == 1 { "" } else { "s" }
                ),
            )
            .label(
                w.disruption_span.unwrap_or(w.span),
                "node drains wait for this workload forever",
            )
            .help(help);
        }
    }
}

/// The number of pods a count or percentage stands for, rounded up as the disruption controller
/// rounds it.
fn scaled(value: &IntOrPercent, pods: u32) -> u64 {
    match value {
        IntOrPercent::Int(n) => u64::try_from(*n).unwrap_or(0),
        IntOrPercent::Percent(p) => {
            let percent: u64 = p.trim_end_matches('%').parse().unwrap_or(0);
            (percent * u64::from(pods)).div_ceil(100)
        }
    }
}

fn show(value: &IntOrPercent) -> String {
    match value {
        IntOrPercent::Int(n) => n.to_string(),
        IntOrPercent::Percent(p) => format!("\"{p}\""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_round_up() {
        let p = |s: &str| IntOrPercent::Percent(s.to_owned());
        assert_eq!(scaled(&p("50%"), 1), 1);
        assert_eq!(scaled(&p("50%"), 3), 2);
        assert_eq!(scaled(&p("0%"), 5), 0);
        assert_eq!(scaled(&p("100%"), 4), 4);
        assert_eq!(scaled(&IntOrPercent::Int(2), 4), 2);
    }
}
