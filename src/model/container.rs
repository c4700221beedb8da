//! A container of a workload: its image, command, environment, ports, resources and probes.

use super::storage::Mount;
use crate::source::Span;

/// A container of a workload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Container {
    /// Container name.
    pub name: String,
    /// Span of the node that declared it.
    pub span: Span,
    /// The image, with the registry prefix applied.
    pub image: Option<Image>,
    /// `image … pull=`: `imagePullPolicy`, where written.
    pub pull_policy: Option<String>,
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
    /// `pre-stop`: what runs before the container is stopped, and where it was written.
    pub pre_stop: Option<(Hook, Span)>,
    /// `post-start`: what runs once the container has started, and where it was written.
    pub post_start: Option<(Hook, Span)>,
}

/// A lifecycle hook of a container.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Hook {
    /// `sleep="5s"`: wait, so that load balancers stop sending before the process stops.
    Sleep(u32),
    /// `exec "CMD" "ARG"…`: run a command in the container.
    Exec(Vec<String>),
}

impl Container {
    /// An empty container named `name`.
    pub fn new(name: impl Into<String>, span: Span) -> Self {
        Container {
            name: name.into(),
            span,
            image: None,
            pull_policy: None,
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
            pre_stop: None,
            post_start: None,
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
    /// Port name (IANA service name, at most 15 characters), unique in the pod. Empty only while
    /// the workload is read: a port given no `name=` is named when the whole pod is known.
    pub name: String,
    /// Protocol.
    pub protocol: Protocol,
    /// The application protocol, when it is known: the Service port's `appProtocol`.
    pub app_protocol: Option<String>,
    /// `service-port=`: the port the Service publishes it on, when not its own number.
    pub service_port: Option<u16>,
    /// `service-port-name=`: the name the Service publishes it under, when not its own.
    pub service_port_name: Option<String>,
    /// `publish=`: whether the Service publishes it, where written (by default a main
    /// container's port is published, a sidecar's is not).
    pub publish: Option<bool>,
    /// Where it was declared.
    pub span: Span,
}

impl Port {
    /// The number the workload's Service publishes it on.
    pub fn service_number(&self) -> u16 {
        self.service_port.unwrap_or(self.number)
    }
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
        /// Where the Secret's name was written.
        span: Span,
    },
    /// A key of a ConfigMap.
    ConfigMap {
        /// ConfigMap name.
        name: String,
        /// Key in the ConfigMap.
        key: String,
        /// The pod starts without it.
        optional: bool,
        /// Where the ConfigMap's name was written.
        span: Span,
    },
    /// A pod field (`metadata.name`, `status.podIP`, ...).
    Field(String),
    /// `address=WORKLOAD`: another workload's (or external dependency's) address as its Service
    /// publishes it — `orders:8080`, or a URL with `scheme=` and `path=` — kept in step with its
    /// name and ports.
    Address(Address),
}

/// `env NAME address=TARGET [port=PORT] [scheme=SCHEME] [path=PATH]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Address {
    /// The workload or external dependency.
    pub target: String,
    /// Which of its ports: a name, or a container or Service number; the primary when `None`.
    pub port: Option<PortRef>,
    /// `http`, `redis`, …: the value is then a URL.
    pub scheme: Option<String>,
    /// The URL's path, after the port.
    pub path: Option<String>,
    /// `fqdn=#true`: the Service's full name in the cluster's DNS
    /// (`NAME.NAMESPACE.svc.cluster.local`), as some clients want it.
    pub fqdn: bool,
    /// Where the target was written.
    pub span: Span,
}

/// A whole Secret or ConfigMap as environment variables.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EnvFrom {
    /// Every key of a Secret.
    Secret {
        /// Secret name.
        name: String,
        /// Where it was written.
        span: Span,
    },
    /// Every key of a ConfigMap.
    ConfigMap {
        /// ConfigMap name.
        name: String,
        /// Where it was written.
        span: Span,
    },
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
    /// `limit-memory=none`: no memory limit at all, the request alone.
    pub no_memory_limit: bool,
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
        /// `header NAME VALUE` in its block: request headers, in order.
        headers: Vec<(String, String)>,
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
