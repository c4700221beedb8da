//! `nodeport-duplicate`: one node port used by two workloads.

use std::collections::{BTreeMap, BTreeSet};

use crate::check::{Context, Findings, Rule};
use crate::declare_rule;
use crate::model::Exposure;
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Flags two workloads of one app that ask for the same `expose nodeport port=N`.
    ///
    /// ## Why is this bad?
    /// A node port belongs to the whole cluster: every node listens on it for one Service. The
    /// API server allocates it to the first Service applied and refuses the second ("provided
    /// port is already allocated"), so the apply fails half-way.
    ///
    /// ## Example
    /// ```kdl
    /// service admin { image "admin:1.0.0"; port 8080; expose nodeport port=30080 }
    /// service reports { image "reports:1.0.0"; port 8080; expose nodeport port=30080 }
    /// ```
    ///
    /// ## Use instead
    /// ```kdl
    /// service admin { image "admin:1.0.0"; port 8080; expose nodeport port=30080 }
    /// service reports { image "reports:1.0.0"; port 8080; expose nodeport port=30081 }
    /// ```
    ///
    /// Counterparts: none in kube-linter, kube-score, Polaris or checkov (they look at one object
    /// at a time); the API server's node port allocator.
    pub struct NodePortDuplicate {
        code: "nodeport-duplicate",
        severity: Error,
        summary: "the same node port used by two workloads: the second Service is refused",
    }
}

impl Rule for NodePortDuplicate {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        let node_ports: Vec<_> = cx
            .workloads()
            .filter_map(|w| match &w.expose {
                Exposure::NodePort { port, span, .. } => Some((w, *port, *span)),
                _ => None,
            })
            .collect();
        let used: BTreeSet<u16> = node_ports.iter().map(|(_, port, _)| *port).collect();
        let mut first: BTreeMap<u16, (&str, Span)> = BTreeMap::new();
        for (w, port, span) in node_ports {
            let Some((owner, owner_span)) = first.get(&port).copied() else {
                first.insert(port, (&w.name, span));
                continue;
            };
            let (lo, hi) = cx.app.cluster.node_port_range;
            let free = (port.max(lo)..=hi).find(|p| !used.contains(p));
            let help = match free {
                Some(p) => format!("give `{}` a port of its own, such as {p}", w.name),
                None => format!("give `{}` a port of its own", w.name),
            };
            out.push(w, format!("node port {port} is already taken by `{owner}`"))
                .label(span, "the API server refuses this second Service")
                .label(owner_span, format!("`{owner}` has it"))
                .help(help);
        }
    }
}
