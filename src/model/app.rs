//! The application as a whole: its settings, and the workloads it holds.

use std::collections::{BTreeMap, BTreeSet};

use super::workload::{Allow, SecurityLevel, Workload};
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
    /// Where the namespace was written; `None` when it is the app's name.
    pub namespace_span: Option<Span>,
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
    /// `run-as`, `read-only-root` and `node-selector` of the app: what every workload's pods
    /// start from.
    pub pod_defaults: PodDefaults,
    /// `config-map NAME { … }`: ConfigMaps the app makes, which workloads share.
    pub config_maps: Vec<SharedConfig>,
    /// `secret NAME …`: Secrets made outside Windlass that the app declares.
    pub secrets: Vec<DeclaredSecret>,
    /// `external NAME …`: what the app calls outside the cluster.
    pub externals: Vec<External>,
    /// `role NAME account=… { … }`: what an account several workloads share may do.
    pub roles: Vec<AppRole>,
    /// `manifest "PATH"`: objects the language does not model, as the files hold them.
    pub manifests: Vec<RawManifest>,
    /// `patch KIND NAME { … }`: edits of objects Windlass writes, applied after lowering.
    pub patches: Vec<Patch>,
}

/// The namespace every cluster has, where objects that name none go. An app may run there, but
/// it is not the app's: its output does not write (and so would not relabel, prune or delete)
/// the `Namespace` object.
const DEFAULT_NAMESPACE: &str = "default";

impl App {
    /// Whether the output holds the app's `Namespace` object: not for the cluster's `default`.
    pub fn writes_namespace(&self) -> bool {
        self.namespace != DEFAULT_NAMESPACE
    }

    /// The workload with this name.
    pub fn workload(&self, name: &str) -> Option<&Workload> {
        self.workloads.iter().find(|w| w.name == name)
    }
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
    /// Its name, when the description gives one: environments that name none share one cluster.
    pub name: Option<String>,
    /// Where the name was written.
    pub name_span: Option<Span>,
    /// The API server's `--service-node-port-range`.
    pub node_port_range: (u16, u16),
    /// Where the range was declared, if it was.
    pub span: Option<Span>,
}

impl Default for Cluster {
    fn default() -> Self {
        Cluster {
            name: None,
            name_span: None,
            node_port_range: (30000, 32767),
            span: None,
        }
    }
}

/// The pod settings every workload starts from, written once in the app.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PodDefaults {
    /// `run-as`.
    pub run_as: Option<super::RunAs>,
    /// `read-only-root`.
    pub read_only_root: bool,
    /// `node-selector`.
    pub node_selector: BTreeMap<String, String>,
}

/// `config-map NAME { data KEY=VALUE…; file "KEY" """…""" }`: a ConfigMap of the app, shared by
/// the workloads that refer to it (`env … config=`, `env-from config=`, `config-volume`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SharedConfig {
    /// Its name.
    pub name: String,
    /// Where the name was written.
    pub span: Span,
    /// Its keys and values.
    pub data: BTreeMap<String, String>,
}

/// `secret NAME [KEY…] [from="…"]`: a Secret made outside Windlass (by External Secrets,
/// Sealed Secrets, or by hand), declared so that every reference to it is checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeclaredSecret {
    /// Its name.
    pub name: String,
    /// Where the name was written.
    pub span: Span,
    /// Its keys; empty when not declared (then any key is taken).
    pub keys: Vec<String>,
    /// What makes it, as the description says (`external-secrets`, `sealed-secrets`, …).
    pub from: Option<String>,
}

/// `external NAME host=…|ip=… port=N [cidr=…] [service=#false]`: a dependency outside the
/// cluster (a managed database, a registry at a fixed address), which workloads name in `uses`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct External {
    /// Its name: the in-cluster Service's, and what `uses` names.
    pub name: String,
    /// Where the name was written.
    pub span: Span,
    /// Where it is.
    pub target: ExternalTarget,
    /// The port it is called on.
    pub port: u16,
    /// `cidr=`: the addresses a NetworkPolicy lets callers reach it at (an IP's own /32 or /128
    /// by default; a host name's are unknown without it).
    pub cidr: Option<String>,
    /// Whether it gets an in-cluster name: an `ExternalName` Service for a host, a Service with
    /// an `EndpointSlice` for an address.
    pub service: bool,
}

/// Where an external dependency is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExternalTarget {
    /// A DNS name.
    Host(String),
    /// An IP address.
    Ip(std::net::IpAddr),
}

impl External {
    /// The addresses callers may reach it at, as a CIDR; `None` for a host name without `cidr=`.
    pub fn egress_cidr(&self) -> Option<String> {
        if let Some(cidr) = &self.cidr {
            return Some(cidr.clone());
        }
        match &self.target {
            ExternalTarget::Ip(std::net::IpAddr::V4(ip)) => Some(format!("{ip}/32")),
            ExternalTarget::Ip(std::net::IpAddr::V6(ip)) => Some(format!("{ip}/128")),
            ExternalTarget::Host(_) => None,
        }
    }
}

/// `role NAME account=ACCOUNT { read …; write … }`: a Role of the app bound to one
/// ServiceAccount (the namespace's `default`, or one several workloads run as).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppRole {
    /// The Role's name; its RoleBinding is `NAME-binding`.
    pub name: String,
    /// Where the name was written.
    pub span: Span,
    /// The ServiceAccount it is granted to.
    pub account: String,
    /// What it may do.
    pub access: Vec<super::Access>,
}

/// One object of a `manifest "PATH"` file, in the app's namespace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawManifest {
    /// Its kind.
    pub kind: String,
    /// Its name.
    pub name: String,
    /// Whether its kind's schema is known (a kind of Kubernetes or Gateway API); a custom
    /// resource's is not.
    pub known: bool,
    /// The object, with the app's namespace.
    pub object: serde_json::Value,
    /// The `manifest` node's path, to point at.
    pub span: Span,
    /// The output file it goes in: `manifest-FILE`.
    pub component: String,
}

/// `patch KIND NAME { … }`: edits of one object Windlass writes, for what the language does not
/// say (a `priorityClassName`, an odd field).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Patch {
    /// The object's kind.
    pub kind: String,
    /// The object's name.
    pub name: String,
    /// Where the patch was written.
    pub span: Span,
    /// The edits, in order.
    pub edits: Vec<Edit>,
}

/// One edit of a patch, at a field of the object (or of an object within it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Edit {
    /// `field VALUE` or `field V1 V2 …`: the field becomes the value (a list replaces the list).
    Set {
        /// The field.
        key: String,
        /// Its new value.
        value: serde_json::Value,
        /// Where it was written.
        span: Span,
    },
    /// `field #null`: the field is removed.
    Delete {
        /// The field.
        key: String,
        /// Where it was written.
        span: Span,
    },
    /// `field { … }`: edits inside the object at the field (made when absent).
    Object {
        /// The field.
        key: String,
        /// The edits inside it.
        edits: Vec<Edit>,
        /// Where it was written.
        span: Span,
    },
    /// `field KEY=VALUE { … }` (or `… #null`): the entry of the list at the field whose `KEY`
    /// is `VALUE` — a container by `name`, a port by `containerPort` — edited in place, added
    /// when there is none, or removed.
    Entry {
        /// The list's field.
        key: String,
        /// The field that identifies the entry.
        by: String,
        /// Its value.
        value: serde_json::Value,
        /// The edits inside the entry; empty with `remove`.
        edits: Vec<Edit>,
        /// Remove the entry.
        remove: bool,
        /// Where it was written.
        span: Span,
    },
}
