//! The typed application model: what the description means, with every name resolved and every
//! value checked. Lowering reads only this, never KDL nodes.
//!
//! Spans ride along for later diagnostics but compare equal (see [`Span`](crate::source::Span)).
//! One file per part of the application; every type is named from here (`crate::model::Workload`),
//! whichever file defines it.

mod app;
mod batch;
pub mod canary;
mod container;
mod exposure;
pub mod labels;
pub mod names;
mod storage;
mod workload;

pub use app::{
    App, AppRole, Cluster, DeclaredSecret, Edit, External, ExternalTarget, NetworkPolicy, Patch,
    PodDefaults, RawManifest, SharedConfig,
};
pub use batch::{Concurrency, CronSpec, JobSpec};
pub use container::{
    Address, Container, EnvFrom, EnvValue, EnvVar, Hook, Image, Port, PortRef, Probe, ProbeAction,
    Protocol, Resources,
};
pub use exposure::{Edge, Exposure, HttpRouteExposure, Ingress, Route};
pub use storage::{AccessMode, ConfigFile, Mount, Volume, VolumeKind};
pub use workload::{
    Access, Allow, Autoscale, Canary, Disruption, ExtraPort, IntOrPercent, Named, RunAs,
    SecurityLevel, Selector, ServiceAccount, ServiceShape, SingleInstance, Strategy, Toleration,
    Workload, WorkloadKind,
};

/// The label that tells a workload's versions apart (`version NAME { … }`), the one service
/// meshes read beside `app`.
pub const VERSION_LABEL: &str = "version";
