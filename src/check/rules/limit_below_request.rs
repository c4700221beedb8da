//! `limit-below-request`: a CPU or memory limit below its request.

use super::{containers, describe};
use crate::check::{Context, Findings, Rule};
use crate::declare_rule;
use crate::quantity::amount;

declare_rule! {
    /// ## What it does
    /// Flags `resources` whose `limit-memory` is below `memory`, or whose `limit-cpu` is below
    /// `cpu`, in any container. Quantities are compared by value (`"1Gi"` equals `"1024Mi"`).
    ///
    /// ## Why is this bad?
    /// The API server refuses a container whose request exceeds its limit ("must be less than
    /// or equal to … limit"), so the whole workload fails to apply. Usually one of the two was
    /// changed and the other forgotten, or the units differ (`"512M"` against `"1Gi"`).
    ///
    /// ## Example
    /// ```kdl
    /// service api { image "api:1.0.0"; resources memory="1Gi" limit-memory="512Mi" }
    /// ```
    ///
    /// ## Use instead
    /// ```kdl
    /// service api { image "api:1.0.0"; resources memory="1Gi" limit-memory="2Gi" }
    /// ```
    /// or leave `limit-memory` out: it defaults to the memory request.
    ///
    /// Counterparts: none in kube-linter, kube-score, Polaris or checkov; the API server's own
    /// validation.
    pub struct LimitBelowRequest {
        code: "limit-below-request",
        severity: Error,
        summary: "a CPU or memory limit below its request: the API server refuses the workload",
    }
}

impl Rule for LimitBelowRequest {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        for w in cx.runs() {
            for (role, c) in containers(w) {
                let r = &c.resources;
                let Some(span) = r.span else { continue };
                let pairs = [
                    ("memory", "limit-memory", &r.memory, &r.limit_memory),
                    ("cpu", "limit-cpu", &r.cpu, &r.limit_cpu),
                ];
                for (request_key, limit_key, request, limit) in pairs {
                    let (Some(request), Some(limit)) = (request, limit) else {
                        continue;
                    };
                    let (Some(req), Some(lim)) = (amount(request), amount(limit)) else {
                        continue;
                    };
                    if lim >= req {
                        continue;
                    }
                    out.push(
                        w,
                        format!(
                            "{} has {limit_key}=\"{limit}\" below {request_key}=\"{request}\"",
                            describe(w, role, c)
                        ),
                    )
                    .label(span, format!("the {request_key} limit is below the request"))
                    .help(format!(
                        "raise `{limit_key}` to at least \"{request}\", or lower `{request_key}`; the API server refuses a request above its limit"
                    ));
                }
            }
        }
    }
}
