//! `single-instance-scaled`: more than one pod of a workload that declares `single-instance`.

use crate::check::{Context, Findings, Rule};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Flags a workload declared `single-instance` — every standard-library component, each of
    /// which runs one server without replication — that is given more than one pod: `replicas`
    /// above 1 (in the workload, or from an environment), an autoscaler that may scale above 1,
    /// or a canary beside it.
    ///
    /// ## Why is this bad?
    /// Each pod is a separate server with its own volume. Behind one Service, requests land on
    /// any of them: a row written through one MySQL pod is missing from the next read, Redis
    /// keys come and go, and a Kafka or RabbitMQ client sees unrelated brokers that never
    /// formed a cluster. Nothing fails at apply time, and the disruption budget Windlass writes
    /// for several replicas would claim a safety that is not there.
    ///
    /// ## Example
    /// ```kdl
    /// database orders-db engine=mysql storage="20Gi" { replicas 3 }
    /// ```
    ///
    /// ## Use instead
    /// ```kdl
    /// database orders-db engine=mysql storage="20Gi"
    /// ```
    /// and, for a replicated database, an operator (such as MySQL Operator, CloudNativePG or
    /// the Strimzi Kafka operator) or the cloud's managed service.
    pub struct SingleInstanceScaled {
        code: "single-instance-scaled",
        severity: Error,
        summary: "a `single-instance` workload given more than one pod",
    }
}

impl Rule for SingleInstanceScaled {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        for w in cx.workloads() {
            let Some(single) = &w.single_instance else {
                continue;
            };
            let mut scaled = Vec::new();
            if let Some(n) = w.replicas.filter(|n| *n > 1) {
                let span = w.replicas_span.unwrap_or(w.span);
                scaled.push((span, format!("{n} replicas")));
            }
            if let Some(a) = w.autoscale.as_ref().filter(|a| a.max > 1) {
                scaled.push((a.span, format!("an autoscaler up to {}", a.max)));
            }
            if let Some(c) = &w.canary {
                scaled.push((c.span, "a canary: a second pod".to_owned()));
            }
            for (span, what) in scaled {
                out.push(
                    w,
                    format!("`{}` must run as one pod, but has {what}", w.name),
                )
                .label(span, format!("{what}: {}", single.reason))
                .help(
                    "run one replica (leave out `replicas`, `autoscale` and `canary`); for a replicated database, use an operator or the cloud's managed service",
                );
            }
        }
    }
}
