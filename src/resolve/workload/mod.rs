//! The body of a workload: every child of `frontend`, `service`, `stateful`, `job`, ... and of a
//! component, applied layer by layer (component body, then the instance's block, then an
//! environment's override).
//!
//! A child is a container node (read into the main container), or one of [`WORKLOAD_NODES`]: one
//! reader per node, by topic in the files of this folder. The table also says which kinds take
//! each node, and is what "unknown node" help lists.

mod batch;
mod builder;
mod cron;
mod exposure;
mod finish;
mod identity;
mod pod;
mod protocols;
mod rollout;
mod shorthand;
mod sidecars;
mod storage;
mod traffic;
mod versions;

pub use builder::{AppDefaults, WorkloadBuilder};

use super::container::{self, ImageCtx};
use super::values::NodeView;
use crate::diag::{Diagnostic, Diagnostics, codes};
use crate::model::WorkloadKind;

/// Reads one child node of a workload into the builder, over what earlier layers set.
type Reader = fn(&mut WorkloadBuilder, &NodeView, &AppDefaults, &mut Diagnostics);

/// Which kinds of workload take a node.
type Takes = fn(WorkloadKind) -> bool;

/// The children a workload takes besides the container's: each node's name, the kinds that take
/// it (jobs have no replicas or exposure; only Deployments have canaries), and its reader. In the
/// order help lists them.
const WORKLOAD_NODES: &[(&str, Takes, Reader)] = &[
    ("replicas", long_running, rollout::replicas),
    ("file", every, storage::file),
    ("volume", every, storage::volume),
    ("empty-dir", every, storage::volume),
    ("autoscale", long_running, rollout::autoscale),
    ("strategy", long_running, rollout::strategy),
    ("disruption", long_running, rollout::disruption),
    ("init", every, sidecars::init_or_sidecar),
    ("sidecar", every, sidecars::init_or_sidecar),
    ("service-account", every, pod::service_account),
    ("access", every, pod::access),
    ("names", every, identity::names),
    ("selector", long_running, identity::selector),
    ("headless", long_running, identity::headless),
    (
        "service-annotations",
        long_running,
        identity::service_annotations,
    ),
    ("service-labels", long_running, identity::service_labels),
    ("service-port", long_running, identity::service_port),
    ("security", every, pod::security),
    ("run-as", every, pod::run_as),
    ("read-only-root", every, pod::read_only_root),
    ("capabilities", every, pod::capabilities),
    ("termination-grace", every, pod::termination_grace),
    ("node-selector", every, pod::node_selector),
    ("toleration", every, pod::toleration),
    ("labels", every, pod::labels),
    ("annotations", every, pod::annotations),
    ("uses", every, traffic::uses),
    ("route", every, traffic::route),
    ("expose", long_running, traffic::expose),
    ("allow", every, pod::allow),
    ("host-network", every, pod::host_network),
    ("host-path", every, storage::volume),
    ("config-volume", every, storage::volume),
    ("secret-volume", every, storage::volume),
    ("canary", WorkloadKind::is_deployment, rollout::canary),
    ("version", WorkloadKind::is_deployment, versions::version),
    (
        "backoff-limit",
        WorkloadKind::is_batch,
        batch::backoff_limit,
    ),
    ("deadline", WorkloadKind::is_batch, batch::deadline),
    ("ttl", WorkloadKind::is_batch, batch::ttl),
    ("completions", WorkloadKind::is_batch, batch::completions),
    ("parallelism", WorkloadKind::is_batch, batch::parallelism),
    ("schedule", is_cron, batch::schedule),
    ("time-zone", is_cron, batch::time_zone),
    ("concurrency", is_cron, batch::concurrency),
    ("history", is_cron, batch::history),
];

/// Every kind of workload.
fn every(_: WorkloadKind) -> bool {
    true
}

/// Workloads that keep running: not Jobs or CronJobs.
fn long_running(kind: WorkloadKind) -> bool {
    !kind.is_batch()
}

/// CronJobs.
fn is_cron(kind: WorkloadKind) -> bool {
    kind == WorkloadKind::CronJob
}

impl WorkloadBuilder {
    /// Applies every child of `body`.
    pub fn apply_all<'a>(
        &mut self,
        body: impl Iterator<Item = NodeView<'a>>,
        app: &AppDefaults,
        diags: &mut Diagnostics,
    ) {
        for node in body {
            self.apply(&node, app, diags);
        }
    }

    /// Applies one child node.
    pub fn apply(&mut self, node: &NodeView, app: &AppDefaults, diags: &mut Diagnostics) {
        let name = node.name();
        self.image_written |= name == "image";
        let images = ImageCtx {
            registry: app.registry,
        };
        // The main container's volumes are the workload's own: `mount` is for init containers
        // and sidecars.
        if name == "mount" {
            unknown_node(node, self.w.kind, diags);
            return;
        }
        if container::apply(&mut self.w.main, node, &mut self.layers, &images, diags) {
            return;
        }
        match WORKLOAD_NODES.iter().find(|(n, ..)| *n == name) {
            Some((_, takes, read)) if takes(self.w.kind) => read(self, node, app, diags),
            _ => unknown_node(node, self.w.kind, diags),
        }
    }
}

fn unknown_node(node: &NodeView, kind: WorkloadKind, diags: &mut Diagnostics) {
    let mut known: Vec<&str> = container::node_names().filter(|n| *n != "mount").collect();
    known.extend(
        WORKLOAD_NODES
            .iter()
            .filter(|(_, takes, _)| takes(kind))
            .map(|(name, ..)| *name),
    );
    let parent = format!("a {}", kind.keyword());
    match said_otherwise(node.name(), kind) {
        Some(help) => unknown_with_help(node, &parent, help, diags),
        None => unknown_in(node, &parent, &known, diags),
    }
}

/// The help for a Kubernetes word that Windlass says with the workload's kind instead of a node.
fn said_otherwise(name: &str, kind: WorkloadKind) -> Option<String> {
    let keyword = kind.keyword();
    let help = match name {
        "headless" | "service-annotations" | "service-labels" | "selector" if kind.is_batch() => {
            format!("a `{keyword}` has no Service, and Kubernetes makes a Job's selector itself")
        }
        _ => return None,
    };
    Some(help)
}

/// Reports a child node that its parent does not take.
pub fn unknown_in(node: &NodeView, parent: &str, known: &[&str], diags: &mut Diagnostics) {
    let name = node.name();
    let anywhere = |name: &str| {
        WORKLOAD_NODES.iter().any(|(n, ..)| *n == name)
            || container::node_names().any(|n| n == name)
    };
    let help = match crate::diag::did_you_mean(name, known.iter().copied()) {
        Some(best) => format!("did you mean `{best}`?"),
        // Declared by a component, of whatever its instances run.
        None if name == "single-instance" => {
            "`single-instance` is declared by a component: `component NAME kind=stateful { single-instance; … }`, then `use NAME`".to_owned()
        }
        None if anywhere(name) => format!("`{name}` is not allowed in {parent}"),
        None => format!("{parent} takes: {}", known.join(", ")),
    };
    unknown_with_help(node, parent, help, diags);
}

fn unknown_with_help(node: &NodeView, parent: &str, help: String, diags: &mut Diagnostics) {
    let name = node.name();
    diags.push(
        Diagnostic::error(
            codes::UNKNOWN_NODE,
            format!("unknown node `{name}` in {parent}"),
        )
        .label(node.name_span(), "unknown here")
        .help(help),
    );
}
