//! NetworkPolicies from the graph: with the app's `network-policy`, each workload's pods accept
//! traffic only along the declared `uses` and `route` edges and from the way they are exposed, and
//! send it only along their own edges and to the cluster DNS.
//!
//! A `uses` edge opens every port of its target (the description does not say which one it
//! calls); a `route` opens the one port it forwards to. Pods of a StatefulSet may reach each other
//! on any port: replication and clustering (MySQL replicas, Kafka's controller quorum,
//! Elasticsearch's transport) happen between the pods of one workload, often on ports nobody
//! declares. A Deployment's pods get no such allowance — they do not talk to each other.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use k8s_openapi::api::core::v1::{Service, ServicePort, ServiceSpec};
use k8s_openapi::api::discovery::v1::{Endpoint, EndpointPort, EndpointSlice};
use k8s_openapi::api::networking::v1::{
    IPBlock, NetworkPolicy, NetworkPolicyEgressRule, NetworkPolicyIngressRule, NetworkPolicyPeer,
    NetworkPolicyPort, NetworkPolicySpec,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::{Scope, non_empty_vec};
use crate::model::names;
use crate::model::{App, Exposure, Port, PortRef, Workload};

/// The label Kubernetes puts on every namespace: its own name (since 1.22).
const NAMESPACE_NAME: &str = "kubernetes.io/metadata.name";

/// Where the cluster DNS runs, and the label its pods carry (CoreDNS keeps kube-dns' label).
const DNS_NAMESPACE: &str = "kube-system";
const DNS_LABEL: (&str, &str) = ("k8s-app", "kube-dns");

/// The ports a peer may use on a workload: all of them, or a few.
#[derive(Debug, PartialEq, Eq)]
enum Ports<'a> {
    /// Any port: a `uses` edge to a workload that declares none, or a StatefulSet's own pods.
    All,
    /// These ports, in the order the workload declares them.
    Some(Vec<&'a Port>),
}

/// Who has an edge (`uses` or `route`) to whom, by position in the app, built once per app:
/// without it every workload's policy would scan every other workload, quadratic in the size
/// of the app (30,000 workloads took 19 s).
#[derive(Debug, Default)]
pub struct Graph {
    /// The position of each workload, by name.
    index: HashMap<String, usize>,
    /// For each workload, the positions of the workloads with an edge to it, in app order.
    callers: Vec<Vec<usize>>,
    /// For each workload, the positions of the workloads it has an edge to, in app order.
    targets: Vec<Vec<usize>>,
}

impl Graph {
    /// The edges of `app`; empty when the app writes no NetworkPolicy.
    pub fn of(app: &App) -> Graph {
        if app.network_policy.is_none() {
            return Graph::default();
        }
        let mut index = HashMap::with_capacity(app.workloads.len());
        for (i, w) in app.workloads.iter().enumerate() {
            index.entry(w.name.clone()).or_insert(i);
        }
        let mut callers = vec![BTreeSet::new(); app.workloads.len()];
        let mut targets = vec![BTreeSet::new(); app.workloads.len()];
        for (from, w) in app.workloads.iter().enumerate() {
            let names = w
                .uses
                .iter()
                .map(|e| &e.target)
                .chain(w.routes.iter().map(|r| &r.target));
            for to in names.filter_map(|name| index.get(name.as_str())) {
                callers[*to].insert(from);
                targets[from].insert(*to);
            }
        }
        let ordered = |sets: Vec<BTreeSet<usize>>| {
            sets.into_iter().map(|s| s.into_iter().collect()).collect()
        };
        Graph {
            index,
            callers: ordered(callers),
            targets: ordered(targets),
        }
    }

    /// The workloads of `app` with an edge to `workload`, in app order.
    fn callers<'a>(
        &'a self,
        app: &'a App,
        workload: &Workload,
    ) -> impl Iterator<Item = &'a Workload> {
        self.edges(&self.callers, app, workload)
    }

    /// The workloads of `app` that `workload` has an edge to, in app order.
    fn targets<'a>(
        &'a self,
        app: &'a App,
        workload: &Workload,
    ) -> impl Iterator<Item = &'a Workload> {
        self.edges(&self.targets, app, workload)
    }

    fn edges<'a>(
        &'a self,
        lists: &'a [Vec<usize>],
        app: &'a App,
        workload: &Workload,
    ) -> impl Iterator<Item = &'a Workload> {
        let list = self
            .index
            .get(workload.name.as_str())
            .and_then(|i| lists.get(*i))
            .map_or(&[][..], Vec::as_slice);
        list.iter().filter_map(|i| app.workloads.get(*i))
    }
}

/// The NetworkPolicy of a workload when the app asks for them: it selects the workload's pods and
/// restricts both directions. Jobs get one too: they call what they `uses`, and nothing calls them.
pub(super) fn network_policy(scope: &Scope<'_>) -> Option<NetworkPolicy> {
    let settings = scope.app.network_policy.as_ref()?;
    let (app, workload, graph) = (scope.app, scope.workload, scope.graph);
    let mut callers = Peers::default();
    for caller in graph.callers(app, workload) {
        if let Some(ports) = reach(caller, workload) {
            callers.add(&ports, pods_of(scope, caller));
        }
    }
    let mut targets = Peers::default();
    for target in graph.targets(app, workload) {
        if let Some(ports) = reach(workload, target) {
            targets.add(&ports, pods_of(scope, target));
        }
    }
    if workload.kind.is_stateful() {
        callers.add(&Ports::All, pods_of(scope, workload));
        targets.add(&Ports::All, pods_of(scope, workload));
    }
    let mut ingress = exposure_rules(app, graph, workload, &settings.ingress_namespace);
    ingress.extend(
        callers
            .0
            .into_iter()
            .map(|(ports, from)| NetworkPolicyIngressRule {
                from: Some(from),
                ports,
            }),
    );
    let mut egress = vec![dns_rule()];
    egress.extend(
        targets
            .0
            .into_iter()
            .map(|(ports, to)| NetworkPolicyEgressRule {
                to: Some(to),
                ports,
            }),
    );
    // Dependencies outside the cluster, by address: a host name's addresses are unknown to a
    // NetworkPolicy without `cidr=`, so any address on its port (the `egress-anywhere` rule
    // says so).
    for edge in &workload.uses {
        let Some(external) = app.externals.iter().find(|x| x.name == edge.target) else {
            continue;
        };
        let cidr = external
            .egress_cidr()
            .unwrap_or_else(|| "0.0.0.0/0".to_owned());
        egress.push(NetworkPolicyEgressRule {
            to: Some(vec![NetworkPolicyPeer {
                ip_block: Some(IPBlock { cidr, except: None }),
                ..NetworkPolicyPeer::default()
            }]),
            ports: Some(vec![NetworkPolicyPort {
                port: Some(IntOrString::Int(i32::from(external.port))),
                protocol: Some("TCP".to_owned()),
                ..NetworkPolicyPort::default()
            }]),
        });
    }
    Some(NetworkPolicy {
        metadata: scope.meta(names::base_controller(workload)),
        spec: Some(NetworkPolicySpec {
            pod_selector: Some(scope.selector()),
            policy_types: Some(vec!["Ingress".to_owned(), "Egress".to_owned()]),
            // Both types are listed, so a direction without rules denies every connection.
            ingress: non_empty_vec(ingress),
            egress: non_empty_vec(egress),
        }),
    })
}

/// Peers grouped by the ports they may use, in order of first appearance: one rule per group, so
/// the six services that call a database on 3306 read as one rule.
#[derive(Default)]
struct Peers(Vec<(Option<Vec<NetworkPolicyPort>>, Vec<NetworkPolicyPeer>)>);

impl Peers {
    /// Adds `peer`, allowed on `ports`.
    fn add(&mut self, ports: &Ports<'_>, peer: NetworkPolicyPeer) {
        let ports = policy_ports(ports);
        match self.0.iter_mut().find(|(p, _)| *p == ports) {
            Some((_, peers)) => peers.push(peer),
            None => self.0.push((ports, vec![peer])),
        }
    }
}

/// The rules for traffic from outside the app: from anywhere to the primary port of a NodePort
/// or load balancer, and from the ingress controller's namespace to whatever an Ingress sends to
/// this workload — its own path on the primary port, and the paths other workloads' Ingresses
/// route straight to it (a gateway's routes are not: they reach it from the gateway's pods);
/// from the Gateway's namespace what an HTTPRoute sends to it.
fn exposure_rules<'a>(
    app: &'a App,
    graph: &'a Graph,
    workload: &'a Workload,
    ingress_namespace: &str,
) -> Vec<NetworkPolicyIngressRule> {
    let mut rules = Vec::new();
    if let Exposure::NodePort { .. } | Exposure::LoadBalancer { .. } = workload.expose
        && let Some(primary) = workload.primary_port()
    {
        // A Service that is itself the node port or load balancer (`service=main`) puts every
        // port it publishes outside; `NAME-external` only the primary one.
        let outside = if workload.service.exposed_in_place {
            workload.published_ports().collect()
        } else {
            vec![primary]
        };
        rules.push(NetworkPolicyIngressRule {
            from: None,
            ports: policy_ports(&Ports::Some(outside)),
        });
    }
    let mut through_ingress: Vec<&Port> = Vec::new();
    if let Exposure::Ingress(_) = workload.expose
        && let Some(primary) = workload.primary_port()
    {
        through_ingress.push(primary);
    }
    for exposed in graph.callers(app, workload) {
        if !matches!(exposed.expose, Exposure::Ingress(_)) || !exposed.exposes_routes() {
            continue;
        }
        for route in exposed.routes.iter().filter(|r| r.target == workload.name) {
            through_ingress.extend(target_port(workload, route.port.as_ref()));
        }
    }
    if !through_ingress.is_empty() {
        let peer = NetworkPolicyPeer {
            namespace_selector: Some(match_labels([(NAMESPACE_NAME, ingress_namespace)])),
            ..NetworkPolicyPeer::default()
        };
        rules.push(NetworkPolicyIngressRule {
            from: Some(vec![peer]),
            ports: policy_ports(&Ports::Some(in_declared_order(workload, &through_ingress))),
        });
    }
    // Through an HTTPRoute, requests come from the Gateway's proxies, in the Gateway's namespace
    // (the app's when the route names none).
    let mut through_gateway: std::collections::BTreeMap<&str, Vec<&Port>> =
        std::collections::BTreeMap::new();
    let gateway_namespace = |r: &'a crate::model::HttpRouteExposure| {
        r.gateway_namespace
            .as_deref()
            .unwrap_or(app.namespace.as_str())
    };
    if let Exposure::HttpRoute(r) = &workload.expose
        && let Some(primary) = workload.primary_port()
    {
        through_gateway
            .entry(gateway_namespace(r))
            .or_default()
            .push(primary);
    }
    for exposed in graph.callers(app, workload) {
        let Exposure::HttpRoute(r) = &exposed.expose else {
            continue;
        };
        if !exposed.exposes_routes() {
            continue;
        }
        for route in exposed
            .routes
            .iter()
            .filter(|route| route.target == workload.name)
        {
            through_gateway
                .entry(gateway_namespace(r))
                .or_default()
                .extend(target_port(workload, route.port.as_ref()));
        }
    }
    for (namespace, ports) in through_gateway {
        let peer = NetworkPolicyPeer {
            namespace_selector: Some(match_labels([(NAMESPACE_NAME, namespace)])),
            ..NetworkPolicyPeer::default()
        };
        rules.push(NetworkPolicyIngressRule {
            from: Some(vec![peer]),
            ports: policy_ports(&Ports::Some(in_declared_order(workload, &ports))),
        });
    }
    rules
}

/// The ports `from` may reach on `to` along its own edges: every port for `uses`, the route's
/// port for each `route`; `None` without an edge. A job has no Service and nothing to call, so
/// an edge to one (an ordering dependency) opens nothing; a workload's edges to itself are left
/// to the StatefulSet rule.
fn reach<'a>(from: &Workload, to: &'a Workload) -> Option<Ports<'a>> {
    if from.name == to.name || to.kind.is_batch() {
        return None;
    }
    if from.uses.iter().any(|edge| edge.target == to.name) {
        let ports = reachable(to);
        return Some(if ports.is_empty() {
            Ports::All
        } else {
            Ports::Some(ports)
        });
    }
    let routed: Vec<&Port> = from
        .routes
        .iter()
        .filter(|route| route.target == to.name)
        .filter_map(|route| target_port(to, route.port.as_ref()))
        .collect();
    (!routed.is_empty()).then(|| Ports::Some(in_declared_order(to, &routed)))
}

/// The ports other workloads reach a workload's pods on: its main container's, and the
/// sidecars' its Service publishes.
fn reachable(workload: &Workload) -> Vec<&Port> {
    let sidecars = workload
        .sidecars
        .iter()
        .flat_map(|c| &c.ports)
        .filter(|p| p.publish == Some(true));
    workload.main.ports.iter().chain(sidecars).collect()
}

/// The port of `target` a reference names (its primary port when `None`), by the container's
/// number or else the number its Service publishes it on.
fn target_port<'a>(target: &'a Workload, port: Option<&PortRef>) -> Option<&'a Port> {
    let ports = reachable(target);
    match port {
        None => ports.first().copied(),
        Some(PortRef::Number(n)) => ports
            .iter()
            .find(|p| p.number == *n)
            .or_else(|| ports.iter().find(|p| p.service_number() == *n))
            .copied(),
        Some(PortRef::Name(name)) => ports.iter().find(|p| &p.name == name).copied(),
    }
}

/// `ports` without repeats, in the order `workload` declares them.
fn in_declared_order<'a>(workload: &'a Workload, ports: &[&Port]) -> Vec<&'a Port> {
    reachable(workload)
        .into_iter()
        .filter(|p| ports.iter().any(|q| q.name == p.name))
        .collect()
}

/// The ports of a rule: `None` (every port) or the container ports — policies apply after the
/// Service has translated its port to the pod's.
fn policy_ports(ports: &Ports<'_>) -> Option<Vec<NetworkPolicyPort>> {
    match ports {
        Ports::All => None,
        Ports::Some(ports) => non_empty_vec(
            ports
                .iter()
                .map(|p| port(p.number, p.protocol.as_str()))
                .collect(),
        ),
    }
}

/// One port of a rule.
fn port(number: u16, protocol: &str) -> NetworkPolicyPort {
    NetworkPolicyPort {
        port: Some(IntOrString::Int(i32::from(number))),
        protocol: Some(protocol.to_owned()),
        ..NetworkPolicyPort::default()
    }
}

/// The pods of `workload`, in the policy's own namespace: the same labels its selectors use.
fn pods_of(scope: &Scope<'_>, workload: &Workload) -> NetworkPolicyPeer {
    let peer = Scope { workload, ..*scope };
    NetworkPolicyPeer {
        pod_selector: Some(peer.selector()),
        ..NetworkPolicyPeer::default()
    }
}

/// Name lookups go to the cluster DNS, over UDP and, for large answers, TCP.
fn dns_rule() -> NetworkPolicyEgressRule {
    NetworkPolicyEgressRule {
        to: Some(vec![NetworkPolicyPeer {
            namespace_selector: Some(match_labels([(NAMESPACE_NAME, DNS_NAMESPACE)])),
            pod_selector: Some(match_labels([DNS_LABEL])),
            ..NetworkPolicyPeer::default()
        }]),
        ports: Some(vec![port(53, "UDP"), port(53, "TCP")]),
    }
}

/// A `matchLabels` selector.
fn match_labels<const N: usize>(labels: [(&str, &str); N]) -> LabelSelector {
    let labels: BTreeMap<String, String> = labels
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    LabelSelector {
        match_labels: Some(labels),
        ..LabelSelector::default()
    }
}

/// The in-cluster name of an external dependency: for a host, an `ExternalName` Service (the
/// cluster's DNS answers with the host's name); for an address, a Service without a selector and
/// the `EndpointSlice` that gives its address.
pub(super) fn external(
    app: &App,
    external: &crate::model::External,
) -> (Service, Option<EndpointSlice>) {
    let mut labels = app.labels.clone();
    labels.insert(crate::model::labels::NAME.to_owned(), external.name.clone());
    labels.insert(crate::model::labels::PART_OF.to_owned(), app.name.clone());
    labels.insert(
        crate::model::labels::COMPONENT.to_owned(),
        "external".to_owned(),
    );
    labels.insert(
        crate::model::labels::MANAGED_BY.to_owned(),
        crate::model::labels::MANAGER.to_owned(),
    );
    let meta = |name: String, labels: BTreeMap<String, String>| ObjectMeta {
        name: Some(name),
        namespace: Some(app.namespace.clone()),
        labels: Some(labels),
        annotations: super::non_empty_map(app.annotations.clone()),
        ..ObjectMeta::default()
    };
    let port = i32::from(external.port);
    match &external.target {
        crate::model::ExternalTarget::Host(host) => (
            Service {
                metadata: meta(external.name.clone(), labels),
                spec: Some(ServiceSpec {
                    type_: Some("ExternalName".to_owned()),
                    external_name: Some(host.clone()),
                    ports: Some(vec![ServicePort {
                        port,
                        protocol: Some("TCP".to_owned()),
                        ..ServicePort::default()
                    }]),
                    ..ServiceSpec::default()
                }),
                ..Service::default()
            },
            None,
        ),
        crate::model::ExternalTarget::Ip(ip) => {
            let service = Service {
                metadata: meta(external.name.clone(), labels.clone()),
                spec: Some(ServiceSpec {
                    type_: Some("ClusterIP".to_owned()),
                    ports: Some(vec![ServicePort {
                        port,
                        target_port: Some(IntOrString::Int(port)),
                        protocol: Some("TCP".to_owned()),
                        ..ServicePort::default()
                    }]),
                    ..ServiceSpec::default()
                }),
                ..Service::default()
            };
            let mut slice_labels = labels;
            // What ties the slice to its Service.
            slice_labels.insert(
                "kubernetes.io/service-name".to_owned(),
                external.name.clone(),
            );
            let slice = EndpointSlice {
                metadata: meta(external.name.clone(), slice_labels),
                address_type: match ip {
                    std::net::IpAddr::V4(_) => "IPv4",
                    std::net::IpAddr::V6(_) => "IPv6",
                }
                .to_owned(),
                endpoints: Some(vec![Endpoint {
                    addresses: vec![ip.to_string()],
                    ..Endpoint::default()
                }]),
                ports: Some(vec![EndpointPort {
                    port: Some(port),
                    protocol: Some("TCP".to_owned()),
                    ..EndpointPort::default()
                }]),
            };
            (service, Some(slice))
        }
    }
}
