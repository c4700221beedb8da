//! The lint rules, one file each, and the little they share.

pub mod autoscale_min_above_max;
pub mod broad_access;
pub mod canary_replica_ratio;
pub mod canary_same_image;
pub mod database_exposed;
pub mod database_without_storage;
pub mod egress_anywhere;
pub mod expected_objects;
pub mod exposed_without_readiness;
pub mod host_network;
pub mod host_path;
pub mod image_tag_latest;
pub mod ingress_duplicate_path;
pub mod ingress_tls_conflict;
pub mod limit_below_request;
pub mod low_port_non_root;
pub mod missing_resource_requests;
pub mod near_miss_reference;
pub mod nodeport_duplicate;
pub mod nodeport_range;
pub mod patch_immutable;
pub mod pdb_never_evicts;
pub mod privileged_container;
pub mod probe_port_undeclared;
pub mod replicas_outside_autoscale;
pub mod run_as_root;
pub mod rwo_volume_shared;
pub mod secret_in_env;
pub mod selector_overlap;
pub mod single_instance_scaled;
pub mod stateful_replicas_unclustered;
pub mod stateful_without_volume;
pub mod unpublished_port;
pub mod unvalidated_manifest;

use crate::model::{Container, Workload};

/// What a container is to its workload, for messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Role {
    /// The main container, named after the workload.
    Main,
    /// An `init` container.
    Init,
    /// A `sidecar`.
    Sidecar,
}

/// Every container of a workload with its role: the main one, the init containers, the sidecars.
pub(crate) fn containers(w: &Workload) -> impl Iterator<Item = (Role, &Container)> {
    std::iter::once((Role::Main, &w.main))
        .chain(w.init.iter().map(|c| (Role::Init, c)))
        .chain(w.sidecars.iter().map(|c| (Role::Sidecar, c)))
}

/// How a message names a container: `` `orders` `` for the main one, `` sidecar `proxy` of
/// `orders` `` for the others.
pub(crate) fn describe(w: &Workload, role: Role, c: &Container) -> String {
    match role {
        Role::Main => format!("`{}`", w.name),
        Role::Init => format!("init container `{}` of `{}`", c.name, w.name),
        Role::Sidecar => format!("sidecar `{}` of `{}`", c.name, w.name),
    }
}
