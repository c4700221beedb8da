//! A workload: what it is, how it rolls out and scales, and how its pods run.

use std::collections::BTreeMap;

use super::batch::{CronSpec, JobSpec};
use super::container::{Container, Image, Port};
use super::exposure::{Edge, Exposure, Route};
use super::storage::{ConfigFile, Volume, VolumeKind};
use crate::source::Span;

/// What a workload is; decides the controller and the `app.kubernetes.io/component` label.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum WorkloadKind {
    /// A static site, usually exposed (Deployment).
    Frontend,
    /// The API gateway (Deployment).
    Gateway,
    /// A stateless service (Deployment).
    Service,
    /// A stateful service (StatefulSet).
    Stateful,
    /// A database (StatefulSet).
    Database,
    /// A run-to-completion Job.
    Job,
    /// A scheduled Job.
    CronJob,
}

impl WorkloadKind {
    /// The keyword in the language, also the `app.kubernetes.io/component` label.
    pub fn keyword(self) -> &'static str {
        match self {
            WorkloadKind::Frontend => "frontend",
            WorkloadKind::Gateway => "gateway",
            WorkloadKind::Service => "service",
            WorkloadKind::Stateful => "stateful",
            WorkloadKind::Database => "database",
            WorkloadKind::Job => "job",
            WorkloadKind::CronJob => "cronjob",
        }
    }

    /// The kind for a keyword.
    pub fn from_keyword(word: &str) -> Option<Self> {
        Some(match word {
            "frontend" => WorkloadKind::Frontend,
            "gateway" => WorkloadKind::Gateway,
            "service" => WorkloadKind::Service,
            "stateful" => WorkloadKind::Stateful,
            "database" => WorkloadKind::Database,
            "job" => WorkloadKind::Job,
            "cronjob" => WorkloadKind::CronJob,
            _ => return None,
        })
    }

    /// Runs as a StatefulSet.
    pub fn is_stateful(self) -> bool {
        matches!(self, WorkloadKind::Stateful | WorkloadKind::Database)
    }

    /// Runs as a Deployment.
    pub fn is_deployment(self) -> bool {
        matches!(
            self,
            WorkloadKind::Frontend | WorkloadKind::Gateway | WorkloadKind::Service
        )
    }

    /// Runs to completion (Job or CronJob).
    pub fn is_batch(self) -> bool {
        matches!(self, WorkloadKind::Job | WorkloadKind::CronJob)
    }
}

/// One workload and everything that belongs to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Workload {
    /// Name of every object made for it.
    pub name: String,
    /// Span of the name.
    pub span: Span,
    /// What it is.
    pub kind: WorkloadKind,
    /// The component it was made from, if any.
    pub component: Option<String>,
    /// Fixed replica count; `None` means the default (1) or the autoscaler's.
    pub replicas: Option<u32>,
    /// Where the replica count was written (the value, in the last layer that set it).
    pub replicas_span: Option<Span>,
    /// The component runs as one instance only: more pods would be separate, unconnected
    /// copies behind one Service. Declared by the component (`single-instance`).
    pub single_instance: Option<SingleInstance>,
    /// The main container, named after the workload.
    pub main: Container,
    /// Init containers, run in order before the main one.
    pub init: Vec<Container>,
    /// Native sidecars, running beside the main container.
    pub sidecars: Vec<Container>,
    /// Persistent and scratch volumes, mounted in the main container.
    pub volumes: Vec<Volume>,
    /// Configuration files, mounted from the generated ConfigMap.
    pub files: Vec<ConfigFile>,
    /// HorizontalPodAutoscaler settings.
    pub autoscale: Option<Autoscale>,
    /// Rollout strategy.
    pub strategy: Option<Strategy>,
    /// PodDisruptionBudget.
    pub disruption: Disruption,
    /// Where `disruption` was written, if it was.
    pub disruption_span: Option<Span>,
    /// Which ServiceAccount the pods run as.
    pub service_account: ServiceAccount,
    /// Security level, the app's unless the workload sets one.
    pub security: SecurityLevel,
    /// Pod identity.
    pub run_as: Option<RunAs>,
    /// Read-only root filesystem for every container.
    pub read_only_root: bool,
    /// `capabilities NAME…|none`: what every container adds to none (all are dropped), in place
    /// of the level's default.
    pub capabilities: Option<Vec<String>>,
    /// `termination-grace`: how long the pods have to stop, in seconds.
    pub termination_grace: Option<u32>,
    /// `access read|write RESOURCE…`: what its ServiceAccount may do in the namespace.
    pub access: Vec<Access>,
    /// `nodeSelector`.
    pub node_selector: BTreeMap<String, String>,
    /// `tolerations`.
    pub tolerations: Vec<Toleration>,
    /// Extra labels on the workload's objects and pods.
    pub labels: BTreeMap<String, String>,
    /// Annotations on the pod template.
    pub annotations: BTreeMap<String, String>,
    /// How it is reached.
    pub expose: Exposure,
    /// Request paths forwarded to other workloads.
    pub routes: Vec<Route>,
    /// Workloads this one calls.
    pub uses: Vec<Edge>,
    /// Job settings (jobs and cronjobs).
    pub job: Option<JobSpec>,
    /// Schedule settings (cronjobs).
    pub cron: Option<CronSpec>,
    /// Pods use the node's network namespace.
    pub host_network: bool,
    /// Where `host-network` was written, if it was.
    pub host_network_span: Option<Span>,
    /// Rules silenced for this workload.
    pub allows: Vec<Allow>,
    /// A second, small version running beside this one.
    pub canary: Option<Canary>,
    /// `names workload=…`: the controller's name, when it is not the workload's.
    pub object_name: Option<Named>,
    /// The Service named after the workload: its name and shape, where the description says.
    pub service: ServiceShape,
    /// `selector KEY=VALUE…`: the labels selectors match, in place of Windlass's own.
    pub selector: Option<Selector>,
    /// `version NAME`: the version of the workload this is, when it is one of its versions.
    pub version: Option<Named>,
    /// `version NAME { … }`: Deployments of the workload behind its one Service, each the
    /// workload with the version's block over it. Empty for a workload that runs as one.
    pub versions: Vec<Workload>,
}

/// A name written in the description, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Named {
    /// The name.
    pub name: String,
    /// Where it was written.
    pub span: Span,
}

/// The shape of a workload's own Service, where the description sets it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServiceShape {
    /// `names service=…`: its name, when it is not the workload's.
    pub name: Option<Named>,
    /// `expose nodeport|load-balancer … service=main`: the exposure is this Service's own type,
    /// with no second `NAME-external` Service.
    pub exposed_in_place: bool,
    /// `headless #true|#false`, where written; otherwise headless for a StatefulSet only.
    pub headless: Option<bool>,
    /// `service-annotations`.
    pub annotations: BTreeMap<String, String>,
    /// `service-labels`.
    pub labels: BTreeMap<String, String>,
    /// `service-port N name=… target=…`: Service ports of their own that forward to a port
    /// the Service already publishes (a second name and number for one container port).
    pub extra_ports: Vec<ExtraPort>,
}

/// `service-port 8081 name=metrics target=http`: a Service port with no container port of its
/// own, forwarding to one the workload publishes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExtraPort {
    /// The Service port.
    pub number: u16,
    /// Its name on the Service.
    pub name: String,
    /// The published port it forwards to.
    pub target: super::PortRef,
    /// Where it was declared.
    pub span: Span,
}

/// `selector KEY=VALUE…`: the labels a workload's controller and Service select its pods by.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selector {
    /// The labels.
    pub labels: BTreeMap<String, String>,
    /// Where it was written.
    pub span: Span,
}

/// `canary image="orders:3.2.0" weight=10`: a canary release beside the stable Deployment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Canary {
    /// The canary's image.
    pub image: Image,
    /// The share of requests it gets, in percent (1–99).
    pub weight: u32,
    /// Its pods; by default enough for its weight beside the stable replicas.
    pub replicas: Option<u32>,
    /// Where it was declared.
    pub span: Span,
}

impl Workload {
    /// Whether its Ingress or HTTPRoute sends its routes' paths straight to their targets (a
    /// `frontend`'s and a `service`'s routes), rather than to itself. A `gateway` receives every
    /// request on its own path and routes them itself — past its authentication and rate limits —
    /// so its routes are edges from its pods, never paths that skip it.
    pub fn exposes_routes(&self) -> bool {
        self.kind != WorkloadKind::Gateway
    }

    /// Whether its pods run as a user other than root, by `run-as user=N` with N above 0. (An
    /// image's own user is unknown; `security restricted` only requires a non-root one.)
    pub fn runs_as_non_root_user(&self) -> bool {
        self.run_as
            .as_ref()
            .and_then(|r| r.user)
            .is_some_and(|user| user > 0)
    }

    /// Whether any of its volumes is persistent (a claim), where data outlives the pod.
    pub fn has_persistent_volume(&self) -> bool {
        self.volumes
            .iter()
            .any(|v| matches!(v.kind, VolumeKind::Persistent { .. }))
    }

    /// A workload with nothing but its name, kind and security level: what resolution starts
    /// from, and every setting at its default.
    pub fn new(
        name: impl Into<String>,
        span: Span,
        kind: WorkloadKind,
        security: SecurityLevel,
    ) -> Self {
        let name = name.into();
        Workload {
            main: Container::new(name.clone(), span),
            name,
            span,
            kind,
            component: None,
            replicas: None,
            replicas_span: None,
            single_instance: None,
            init: Vec::new(),
            sidecars: Vec::new(),
            volumes: Vec::new(),
            files: Vec::new(),
            autoscale: None,
            strategy: None,
            disruption: Disruption::Auto,
            disruption_span: None,
            service_account: ServiceAccount::None,
            security,
            run_as: None,
            read_only_root: false,
            capabilities: None,
            termination_grace: None,
            access: Vec::new(),
            node_selector: BTreeMap::new(),
            tolerations: Vec::new(),
            labels: BTreeMap::new(),
            annotations: BTreeMap::new(),
            expose: Exposure::Internal,
            routes: Vec::new(),
            uses: Vec::new(),
            job: None,
            cron: None,
            host_network: false,
            host_network_span: None,
            allows: Vec::new(),
            canary: None,
            object_name: None,
            service: ServiceShape::default(),
            selector: None,
            version: None,
            versions: Vec::new(),
        }
    }

    /// The primary port: the first declared.
    pub fn primary_port(&self) -> Option<&Port> {
        self.main.ports.first()
    }

    /// The ports its Service publishes, in order: the main container's (but those written
    /// `publish=#false`), then the sidecars' written `publish=#true`.
    pub fn published_ports(&self) -> impl Iterator<Item = &Port> {
        let main = self.main.ports.iter().filter(|p| p.publish != Some(false));
        let sidecars = self
            .sidecars
            .iter()
            .flat_map(|c| &c.ports)
            .filter(|p| p.publish == Some(true));
        main.chain(sidecars)
    }

    /// The ports its own Service publishes, each with the number it publishes it on: its
    /// `service-port`, or the load balancer's port for the primary port of a Service that is
    /// the load balancer itself (`expose load-balancer … service=main`).
    pub fn service_ports(&self) -> impl Iterator<Item = (u16, &Port)> {
        let in_place_lb = match &self.expose {
            super::Exposure::LoadBalancer { port, .. } if self.service.exposed_in_place => {
                Some(*port)
            }
            _ => None,
        };
        let own = self
            .published_ports()
            .enumerate()
            .map(move |(i, p)| match in_place_lb {
                Some(outside) if i == 0 => (outside, p),
                _ => (p.service_number(), p),
            });
        let extra = self
            .service
            .extra_ports
            .iter()
            .filter_map(|x| Some((x.number, self.extra_target(x)?)));
        own.chain(extra)
    }

    /// The published port a `service-port` forwards to.
    pub fn extra_target(&self, extra: &ExtraPort) -> Option<&Port> {
        let mut published = self.published_ports();
        match &extra.target {
            super::PortRef::Number(n) => published.find(|p| p.number == *n),
            super::PortRef::Name(name) => published.find(|p| &p.name == name),
        }
    }

    /// Whether it has a Service: a StatefulSet always (its governing Service), a Deployment
    /// that publishes a port; never a Job.
    pub fn has_service(&self) -> bool {
        !self.kind.is_batch()
            && (self.kind.is_stateful() || self.published_ports().next().is_some())
    }

    /// Whether its own Service is headless (`clusterIP: None`).
    pub fn headless(&self) -> bool {
        self.service.headless.unwrap_or(self.kind.is_stateful())
    }

    /// Whether it runs a Deployment, StatefulSet, Job or CronJob of its own: not when its
    /// versions run instead.
    pub fn runs_itself(&self) -> bool {
        self.versions.is_empty()
    }

    /// The most pods the workload may run: the fixed count, or the autoscaler's maximum.
    pub fn max_replicas(&self) -> u32 {
        match &self.autoscale {
            Some(a) => a.max,
            None => self.replicas.unwrap_or(1),
        }
    }

    /// The replicas the workload runs with at least: the fixed count, or the autoscaler's minimum.
    pub fn min_replicas(&self) -> u32 {
        match &self.autoscale {
            Some(a) => a.min,
            None => self.replicas.unwrap_or(1),
        }
    }
}

/// `single-instance [clustered="…"]` in a component: what it runs cannot be scaled by adding
/// pods (a standalone database: each pod would hold its own data).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SingleInstance {
    /// What to run instead for more than one instance (an operator that forms a cluster), as
    /// the component says.
    pub clustered: Option<String>,
}

/// HorizontalPodAutoscaler settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Autoscale {
    /// Minimum replicas.
    pub min: u32,
    /// Maximum replicas.
    pub max: u32,
    /// Target average CPU utilization, percent.
    pub cpu: Option<u32>,
    /// Target average memory utilization, percent.
    pub memory: Option<u32>,
    /// Where it was declared.
    pub span: Span,
}

/// A count or a percentage, as Kubernetes' `IntOrString`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IntOrPercent {
    /// A count.
    Int(i32),
    /// A percentage, written `"25%"`.
    Percent(String),
}

/// Rollout strategy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Strategy {
    /// Replace pods a few at a time.
    Rolling {
        /// Deployments: extra pods during the rollout.
        max_surge: Option<IntOrPercent>,
        /// Pods that may be unavailable during the rollout.
        max_unavailable: Option<IntOrPercent>,
        /// StatefulSets: ordinals below this are not updated.
        partition: Option<u32>,
    },
    /// Deployments: stop all pods, then start the new ones.
    Recreate,
    /// StatefulSets: replace a pod only when it is deleted.
    OnDelete,
}

/// The PodDisruptionBudget of a workload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Disruption {
    /// `maxUnavailable: 1` when the workload runs more than one pod.
    Auto,
    /// No PodDisruptionBudget.
    None,
    /// An explicit `maxUnavailable`.
    MaxUnavailable(IntOrPercent),
    /// An explicit `minAvailable`.
    MinAvailable(IntOrPercent),
}

/// The ServiceAccount pods run as.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ServiceAccount {
    /// The namespace default, without an API token mounted.
    None,
    /// A ServiceAccount made for the workload, named after it.
    Create,
    /// A ServiceAccount made for the workload under a name of its own
    /// (`service-account NAME create=#true`).
    CreateNamed {
        /// Its name.
        name: String,
        /// Where the name was written.
        span: Span,
    },
    /// An existing ServiceAccount.
    Existing {
        /// Its name.
        name: String,
        /// Where the name was written.
        span: Span,
    },
}

/// `access read|write RESOURCE… [group=…]`: one rule of what a workload's ServiceAccount may do
/// in the app's namespace (a Role and its RoleBinding).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Access {
    /// `write` as well as read.
    pub write: bool,
    /// The API group (`""` for the core group).
    pub group: String,
    /// The resources, plural and lower-case (`configmaps`, `pods/log`).
    pub resources: Vec<String>,
    /// Where it was written.
    pub span: Span,
}

impl Access {
    /// The verbs the rule grants.
    pub fn verbs(&self) -> &'static [&'static str] {
        if self.write {
            &[
                "get", "list", "watch", "create", "update", "patch", "delete",
            ]
        } else {
            &["get", "list", "watch"]
        }
    }
}

/// A security level.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SecurityLevel {
    /// Safe defaults that common images tolerate.
    Hardened,
    /// The Kubernetes *restricted* Pod Security Standard.
    Restricted,
}

/// Pod identity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunAs {
    /// `runAsUser`.
    pub user: Option<i64>,
    /// `runAsGroup`.
    pub group: Option<i64>,
    /// `fsGroup`.
    pub fs_group: Option<i64>,
    /// `non-root=`: `runAsNonRoot`, where written (the `restricted` level always sets it).
    pub non_root: Option<bool>,
    /// Where it was written.
    pub span: Span,
}

/// A toleration of node taints.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Toleration {
    /// Taint key.
    pub key: String,
    /// `Equal` (with a value) or `Exists`.
    pub operator: Option<String>,
    /// Taint value.
    pub value: Option<String>,
    /// Taint effect.
    pub effect: Option<String>,
}

/// `allow CODE reason="…"`: a rule silenced where it applies, with the reason why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Allow {
    /// The rule's code.
    pub code: String,
    /// Why the finding does not apply (required).
    pub reason: Option<String>,
    /// Span of the code.
    pub span: Span,
}
