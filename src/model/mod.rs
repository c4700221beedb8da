//! The typed application model: what the description means, with every name resolved and every
//! value checked. Lowering reads only this, never KDL nodes.
//!
//! Spans ride along for later diagnostics but compare equal (see [`Span`]).

pub mod canary;
pub mod names;

use std::collections::{BTreeMap, BTreeSet};

use crate::source::Span;

/// A whole application: the `app` node after components are instantiated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct App {
    /// The app's name (`app.kubernetes.io/part-of`).
    pub name: String,
    /// Span of the app's name.
    pub span: Span,
    /// Namespace of every object.
    pub namespace: String,
    /// Registry prefix that was applied to relative image references.
    pub registry: Option<String>,
    /// Default security level of the workloads.
    pub security: SecurityLevel,
    /// Extra labels on every object.
    pub labels: BTreeMap<String, String>,
    /// Extra annotations on every object.
    pub annotations: BTreeMap<String, String>,
    /// Default `ingressClassName`.
    pub ingress_class: Option<String>,
    /// The workloads, in source order.
    pub workloads: Vec<Workload>,
    /// Workloads whose description had errors: whole-model checks skip them, so a mistake is not
    /// reported again as its consequence (a misspelt `storage=` as a database without a volume).
    pub incomplete: BTreeSet<String>,
    /// What the description says about the cluster it runs on.
    pub cluster: Cluster,
    /// Rules silenced for the whole app.
    pub allows: Vec<Allow>,
    /// NetworkPolicies from the graph of `uses` and `route` edges, when asked for.
    pub network_policy: Option<NetworkPolicy>,
    /// The Gateway that `expose http-route` attaches to when it names none: (name, namespace).
    pub default_gateway: Option<(String, Option<String>)>,
}

/// `network-policy`: every pod accepts traffic only along the declared edges.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NetworkPolicy {
    /// The namespace of the ingress controller, allowed to reach workloads exposed by Ingress.
    pub ingress_namespace: String,
    /// Where the setting was written.
    pub span: Span,
}

/// Facts about the target cluster that checks need.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cluster {
    /// The API server's `--service-node-port-range`.
    pub node_port_range: (u16, u16),
    /// Where the range was declared, if it was.
    pub span: Option<Span>,
}

impl Default for Cluster {
    fn default() -> Self {
        Cluster {
            node_port_range: (30000, 32767),
            span: None,
        }
    }
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

impl App {
    /// The workload with this name.
    pub fn workload(&self, name: &str) -> Option<&Workload> {
        self.workloads.iter().find(|w| w.name == name)
    }
}

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
        }
    }

    /// The primary port: the first declared.
    pub fn primary_port(&self) -> Option<&Port> {
        self.main.ports.first()
    }

    /// The replicas the workload runs with at least: the fixed count, or the autoscaler's minimum.
    pub fn min_replicas(&self) -> u32 {
        match &self.autoscale {
            Some(a) => a.min,
            None => self.replicas.unwrap_or(1),
        }
    }
}

/// A container of a workload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Container {
    /// Container name.
    pub name: String,
    /// Span of the node that declared it.
    pub span: Span,
    /// The image, with the registry prefix applied.
    pub image: Option<Image>,
    /// Replaces the entrypoint.
    pub command: Vec<String>,
    /// Replaces the image's arguments.
    pub args: Vec<String>,
    /// Environment variables, in order.
    pub env: Vec<EnvVar>,
    /// Whole Secrets or ConfigMaps as environment.
    pub env_from: Vec<EnvFrom>,
    /// Container ports.
    pub ports: Vec<Port>,
    /// Requests and limits.
    pub resources: Resources,
    /// Readiness probe.
    pub readiness: Option<Probe>,
    /// Liveness probe.
    pub liveness: Option<Probe>,
    /// Startup probe.
    pub startup: Option<Probe>,
    /// Explicit mounts of the workload's volumes (init containers and sidecars).
    pub mounts: Vec<Mount>,
    /// Runs privileged: full access to the node.
    pub privileged: bool,
}

impl Container {
    /// An empty container named `name`.
    pub fn new(name: impl Into<String>, span: Span) -> Self {
        Container {
            name: name.into(),
            span,
            image: None,
            command: Vec::new(),
            args: Vec::new(),
            env: Vec::new(),
            env_from: Vec::new(),
            ports: Vec::new(),
            resources: Resources::default(),
            readiness: None,
            liveness: None,
            startup: None,
            mounts: Vec::new(),
            privileged: false,
        }
    }
}

/// A container image reference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Image {
    /// The full reference as written to the manifest (registry applied).
    pub reference: String,
    /// The reference without tag and digest.
    pub repository: String,
    /// The tag, if any.
    pub tag: Option<String>,
    /// The digest (`sha256:…`), if any.
    pub digest: Option<String>,
    /// Where it was written.
    pub span: Span,
}

/// Transport protocol of a port.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Protocol {
    /// TCP (the default).
    Tcp,
    /// UDP.
    Udp,
    /// SCTP.
    Sctp,
}

impl Protocol {
    /// The Kubernetes spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Tcp => "TCP",
            Protocol::Udp => "UDP",
            Protocol::Sctp => "SCTP",
        }
    }
}

/// A container port, also published by the Service.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Port {
    /// Port number.
    pub number: u16,
    /// Port name (IANA service name, at most 15 characters).
    pub name: String,
    /// Protocol.
    pub protocol: Protocol,
    /// Where it was declared.
    pub span: Span,
}

/// A reference to a port: a number, or the name of a declared port.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PortRef {
    /// A port number.
    Number(u16),
    /// The name of a declared port.
    Name(String),
}

/// An environment variable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvVar {
    /// Variable name.
    pub name: String,
    /// Where its value comes from.
    pub value: EnvValue,
    /// Where it was declared.
    pub span: Span,
}

/// The source of an environment variable's value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EnvValue {
    /// A value written in the description.
    Literal(String),
    /// A key of a Secret.
    Secret {
        /// Secret name.
        name: String,
        /// Key in the Secret.
        key: String,
        /// The pod starts without it.
        optional: bool,
    },
    /// A key of a ConfigMap.
    ConfigMap {
        /// ConfigMap name.
        name: String,
        /// Key in the ConfigMap.
        key: String,
        /// The pod starts without it.
        optional: bool,
    },
    /// A pod field (`metadata.name`, `status.podIP`, ...).
    Field(String),
}

/// A whole Secret or ConfigMap as environment variables.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EnvFrom {
    /// Every key of a Secret.
    Secret(String),
    /// Every key of a ConfigMap.
    ConfigMap(String),
}

/// Requests and limits, each a validated Kubernetes quantity.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Resources {
    /// CPU request.
    pub cpu: Option<String>,
    /// Memory request.
    pub memory: Option<String>,
    /// Ephemeral storage request.
    pub ephemeral_storage: Option<String>,
    /// CPU limit.
    pub limit_cpu: Option<String>,
    /// Memory limit; defaults to the memory request when lowered.
    pub limit_memory: Option<String>,
    /// Where `resources` was written, if it was.
    pub span: Option<Span>,
}

/// A health probe.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Probe {
    /// What the kubelet does.
    pub action: ProbeAction,
    /// `initialDelaySeconds`.
    pub delay: Option<u32>,
    /// `periodSeconds`.
    pub period: Option<u32>,
    /// `timeoutSeconds`.
    pub timeout: Option<u32>,
    /// `failureThreshold`.
    pub failures: Option<u32>,
    /// `successThreshold`.
    pub successes: Option<u32>,
    /// Where it was declared.
    pub span: Span,
}

/// The check a probe performs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProbeAction {
    /// An HTTP GET.
    Http {
        /// Request path.
        path: String,
        /// Port number or name.
        port: PortRef,
        /// `true` for HTTPS.
        https: bool,
    },
    /// A TCP connect.
    Tcp {
        /// Port number or name.
        port: PortRef,
    },
    /// A command in the container.
    Exec {
        /// The command and its arguments.
        command: Vec<String>,
    },
    /// A gRPC health check.
    Grpc {
        /// Port number (gRPC probes take no names).
        port: u16,
        /// Service name for the health check.
        service: Option<String>,
    },
}

/// How a persistent volume may be mounted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AccessMode {
    /// One node reads and writes.
    ReadWriteOnce,
    /// Many nodes read and write.
    ReadWriteMany,
    /// Many nodes read.
    ReadOnlyMany,
    /// One pod reads and writes.
    ReadWriteOncePod,
}

impl AccessMode {
    /// The Kubernetes spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            AccessMode::ReadWriteOnce => "ReadWriteOnce",
            AccessMode::ReadWriteMany => "ReadWriteMany",
            AccessMode::ReadOnlyMany => "ReadOnlyMany",
            AccessMode::ReadWriteOncePod => "ReadWriteOncePod",
        }
    }
}

/// A volume of a workload, mounted in the main container at `path`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Volume {
    /// Volume name.
    pub name: String,
    /// Mount path in the main container.
    pub path: String,
    /// Persistent or scratch.
    pub kind: VolumeKind,
    /// Where it was declared.
    pub span: Span,
}

/// Whether a volume outlives its pod.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VolumeKind {
    /// A PersistentVolumeClaim (template).
    Persistent {
        /// Storage request.
        size: String,
        /// StorageClass; the cluster default when `None`.
        class: Option<String>,
        /// Access mode.
        access: AccessMode,
    },
    /// An `emptyDir`.
    EmptyDir {
        /// Kept in memory.
        memory: bool,
        /// `sizeLimit`.
        size: Option<String>,
    },
    /// A directory of the node (`hostPath`).
    HostPath {
        /// The path on the node.
        host: String,
    },
}

/// An explicit volume mount of an init container or sidecar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mount {
    /// The workload volume's name.
    pub volume: String,
    /// Mount path.
    pub path: String,
    /// Mounted read-only.
    pub read_only: bool,
    /// Where it was declared.
    pub span: Span,
}

/// A configuration file mounted from the workload's ConfigMap.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigFile {
    /// Absolute path in the container.
    pub path: String,
    /// File content.
    pub content: String,
    /// Where it was declared.
    pub span: Span,
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
    /// An existing ServiceAccount.
    Existing(String),
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

/// How a workload is reached.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Exposure {
    /// Only inside the cluster (ClusterIP).
    Internal,
    /// On every node's port.
    NodePort {
        /// The node port.
        port: u16,
        /// Annotations on the Service.
        annotations: BTreeMap<String, String>,
        /// Where it was declared.
        span: Span,
    },
    /// Through a cloud load balancer.
    LoadBalancer {
        /// The load balancer's port.
        port: u16,
        /// Annotations on the Service.
        annotations: BTreeMap<String, String>,
        /// Where it was declared.
        span: Span,
    },
    /// Through an Ingress.
    Ingress(Ingress),
    /// Through a Gateway API `HTTPRoute` attached to a Gateway.
    HttpRoute(HttpRouteExposure),
}

/// An `HTTPRoute` for a workload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpRouteExposure {
    /// The Gateway it attaches to (the app's default gateway when not written).
    pub gateway: String,
    /// The Gateway's namespace, when it is not the app's.
    pub gateway_namespace: Option<String>,
    /// A listener of the Gateway.
    pub section: Option<String>,
    /// Host name.
    pub host: String,
    /// Path prefix of the workload itself.
    pub path: String,
    /// Annotations on the HTTPRoute.
    pub annotations: BTreeMap<String, String>,
    /// Where it was declared.
    pub span: Span,
}

/// An Ingress for a workload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ingress {
    /// Host name.
    pub host: String,
    /// Path prefix of the workload itself.
    pub path: String,
    /// TLS Secret name.
    pub tls: Option<String>,
    /// `ingressClassName`, the app's default when `None`.
    pub class: Option<String>,
    /// Annotations on the Ingress.
    pub annotations: BTreeMap<String, String>,
    /// Where it was declared.
    pub span: Span,
}

/// A request path forwarded to another workload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Route {
    /// Path prefix.
    pub path: String,
    /// Target workload (checked to exist).
    pub target: String,
    /// Target port; its primary port when `None`.
    pub port: Option<PortRef>,
    /// Where it was declared.
    pub span: Span,
}

/// A `uses` edge to another workload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edge {
    /// Target workload (checked to exist).
    pub target: String,
    /// Where it was written.
    pub span: Span,
}

/// Job settings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct JobSpec {
    /// `backoffLimit`.
    pub backoff_limit: Option<u32>,
    /// `activeDeadlineSeconds`.
    pub deadline: Option<u32>,
    /// `ttlSecondsAfterFinished`.
    pub ttl: Option<u32>,
    /// `completions`.
    pub completions: Option<u32>,
    /// `parallelism`.
    pub parallelism: Option<u32>,
}

/// What a CronJob does when the previous run is still going.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Concurrency {
    /// Run both.
    Allow,
    /// Skip the new run.
    Forbid,
    /// Stop the old run.
    Replace,
}

/// CronJob settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CronSpec {
    /// Cron schedule.
    pub schedule: String,
    /// `timeZone`.
    pub time_zone: Option<String>,
    /// `concurrencyPolicy`.
    pub concurrency: Concurrency,
    /// `successfulJobsHistoryLimit`.
    pub history_successful: Option<u32>,
    /// `failedJobsHistoryLimit`.
    pub history_failed: Option<u32>,
}
