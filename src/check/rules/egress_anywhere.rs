//! `egress-anywhere`: a NetworkPolicy that lets a workload reach any address, to call an
//! external dependency known only by its host name.

use crate::check::{Context, Findings, Rule};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Flags a workload that `uses` an `external` dependency given by `host=` without `cidr=`
    /// (or with a `cidr=` of everything, `0.0.0.0/0`), in an app with `network-policy`.
    ///
    /// ## Why is this bad?
    /// A NetworkPolicy allows addresses, not host names. To let the workload reach the host, its
    /// policy allows `0.0.0.0/0` on the dependency's port: any address in the world, and every
    /// other service of the cluster's network that listens on that port. Whoever takes over the
    /// pod can send data anywhere on it.
    ///
    /// ## Example
    /// ```kdl
    /// network-policy
    /// external orders-db host="orders.abc123.eu-west-1.rds.amazonaws.com" port=5432
    /// service orders { image "orders:1.0.0"; uses orders-db }
    /// ```
    ///
    /// ## Use instead
    /// ```kdl
    /// network-policy
    /// external orders-db host="orders.abc123.eu-west-1.rds.amazonaws.com" port=5432 cidr="10.0.12.0/24"
    /// service orders { image "orders:1.0.0"; uses orders-db }
    /// ```
    /// with the network the database's addresses are in.
    ///
    /// Counterparts: none of kube-linter, kube-score, Polaris or checkov reads what a policy's
    /// egress is for; Cilium and Calico can allow egress by name (`toFQDNs`), which plain
    /// NetworkPolicies cannot.
    pub struct EgressAnywhere {
        code: "egress-anywhere",
        severity: Warning,
        summary: "a NetworkPolicy that lets a workload reach any address, for a dependency known by host name only",
    }
}

impl Rule for EgressAnywhere {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        let app = cx.app;
        if app.network_policy.is_none() {
            return;
        }
        for w in cx.workloads() {
            for edge in &w.uses {
                let Some(external) = app.externals.iter().find(|x| x.name == edge.target) else {
                    continue;
                };
                // Known by name only, or written as anywhere.
                let anywhere = match external.egress_cidr() {
                    None => true,
                    Some(cidr) => cidr.ends_with("/0"),
                };
                if !anywhere {
                    continue;
                }
                out.push(
                    w,
                    format!(
                        "`{}` may reach any address on port {} to call `{}`",
                        w.name, external.port, external.name
                    ),
                )
                .label(edge.span, "egress to 0.0.0.0/0")
                .label(
                    external.span,
                    if external.cidr.is_some() {
                        "allowed any address"
                    } else {
                        "known by host name only"
                    },
                )
                .help(format!(
                    "give `{}` the network its addresses are in, such as `cidr=\"10.0.12.0/24\"`: a NetworkPolicy allows addresses, not names",
                    external.name
                ));
            }
        }
    }
}
