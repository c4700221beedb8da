//! What each port speaks, and what it is called. A service mesh or a Gateway API implementation
//! picks its parser from a Service port's `appProtocol`, or else from its name (`http-…` is parsed
//! as HTTP): a port must never claim a protocol it does not speak.
//!
//! Windlass knows a port's application protocol from `app-protocol=`, from a probe of its
//! container (an `http` probe, or a `grpc` one, which the kubelet makes over cleartext HTTP/2), or
//! because it is the primary port of a `frontend` or `gateway`, which serve HTTP. A port given no
//! name is named after the protocol it speaks (`http`, `grpc`, `mysql`), and `port-NUMBER` when
//! that is unknown. Default names step aside for every name written in the pod and for each other,
//! so the names of a pod's containers never collide.

use std::collections::BTreeSet;

use crate::model::names::is_port_name;
use crate::model::{Container, PortRef, ProbeAction, Protocol, Workload, WorkloadKind};

/// gRPC without TLS, which is what the kubelet's gRPC probes speak: HTTP/2 with prior knowledge.
const H2C: &str = "kubernetes.io/h2c";

/// A protocol Windlass learns from the description rather than from `app-protocol=`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Learnt {
    Http,
    Https,
    Grpc,
}

impl Learnt {
    /// The Service port's `appProtocol`: IANA's `http` and `https`, Kubernetes' h2c for gRPC.
    fn app_protocol(self) -> &'static str {
        match self {
            Learnt::Http => "http",
            Learnt::Https => "https",
            Learnt::Grpc => H2C,
        }
    }

    /// The default name of a port that speaks it.
    fn name(self) -> &'static str {
        match self {
            Learnt::Http => "http",
            Learnt::Https => "https",
            Learnt::Grpc => "grpc",
        }
    }
}

/// Sets the application protocol of every port that has none written and whose protocol is
/// known, then names the ports given no name. Runs once every layer of the workload is read.
pub(super) fn name_ports(w: &mut Workload) {
    let serves_http = matches!(w.kind, WorkloadKind::Frontend | WorkloadKind::Gateway);
    let mut bases: Vec<Vec<Option<String>>> = Vec::new();
    for (index, c) in pod_mut(w).enumerate() {
        bases.push(learn(c, index == 0 && serves_http));
    }
    let mut taken: BTreeSet<String> = pod_mut(w)
        .flat_map(|c| c.ports.iter())
        .filter(|p| !p.name.is_empty())
        .map(|p| p.name.clone())
        .collect();
    for (c, bases) in pod_mut(w).zip(bases) {
        for (port, base) in c.ports.iter_mut().zip(bases) {
            if port.name.is_empty() {
                port.name = default_name(base.as_deref(), port.number, port.protocol, &taken);
                taken.insert(port.name.clone());
            }
        }
    }
}

/// The main container, then the init containers and sidecars, in the order they were written:
/// the order default names are handed out in.
fn pod_mut(w: &mut Workload) -> impl Iterator<Item = &mut Container> {
    std::iter::once(&mut w.main)
        .chain(w.init.iter_mut())
        .chain(w.sidecars.iter_mut())
}

/// Fills in the application protocol of `c`'s ports where it is known and not written; returns
/// for each port the protocol name its default name starts with, if it has one.
fn learn(c: &mut Container, primary_serves_http: bool) -> Vec<Option<String>> {
    let mut learnt: Vec<Option<Learnt>> = vec![None; c.ports.len()];
    let mut disputed = vec![false; c.ports.len()];
    for probe in [&c.readiness, &c.liveness, &c.startup]
        .into_iter()
        .flatten()
    {
        let (target, speaks) = match &probe.action {
            ProbeAction::Http { port, https, .. } => (
                probed(c, port),
                if *https { Learnt::Https } else { Learnt::Http },
            ),
            // Zero is the primary port, which the probe takes when it names none.
            ProbeAction::Grpc { port: 0, .. } => {
                (probed(c, &PortRef::Name(String::new())), Learnt::Grpc)
            }
            ProbeAction::Grpc { port, .. } => (probed(c, &PortRef::Number(*port)), Learnt::Grpc),
            ProbeAction::Tcp { .. } | ProbeAction::Exec { .. } => continue,
        };
        let Some(i) = target else { continue };
        match learnt[i] {
            // Probes that disagree (an HTTP/1 health path on a gRPC port) leave it unknown.
            Some(other) if other != speaks => {
                learnt[i] = None;
                disputed[i] = true;
            }
            None if !disputed[i] => learnt[i] = Some(speaks),
            _ => {}
        }
    }
    if primary_serves_http
        && let (Some(first), Some(None), Some(false)) =
            (c.ports.first(), learnt.first(), disputed.first())
        && first.protocol == Protocol::Tcp
    {
        learnt[0] = Some(Learnt::Http);
    }
    c.ports
        .iter_mut()
        .zip(learnt)
        .map(|(port, learnt)| match (&port.app_protocol, learnt) {
            (Some(written), _) => Some(written_base(written)),
            (None, Some(learnt)) => {
                port.app_protocol = Some(learnt.app_protocol().to_owned());
                Some(learnt.name().to_owned())
            }
            (None, None) => None,
        })
        .collect()
}

/// The index of the TCP port a probe checks: its primary port when it names none, else the port
/// it names or numbers. `None` for a port the container does not declare, which is reported
/// elsewhere, and for a name no port was given: such a port's protocol is not learnt from it.
fn probed(c: &Container, port: &PortRef) -> Option<usize> {
    let i = match port {
        PortRef::Name(name) if name.is_empty() => 0,
        PortRef::Name(name) => c.ports.iter().position(|p| &p.name == name)?,
        PortRef::Number(n) => c
            .ports
            .iter()
            .position(|p| p.number == *n && p.protocol == Protocol::Tcp)?,
    };
    // Probes connect over TCP.
    c.ports
        .get(i)
        .is_some_and(|p| p.protocol == Protocol::Tcp)
        .then_some(i)
}

/// What a default name says of a written `app-protocol`: the name itself (`mysql`), or the part
/// after the domain (`h2c` for `kubernetes.io/h2c`), in lower case.
fn written_base(app_protocol: &str) -> String {
    let name = app_protocol.rsplit('/').next().unwrap_or(app_protocol);
    name.to_ascii_lowercase()
}

/// The first free name of `PROTOCOL`, `PROTOCOL-NUMBER`, `port-NUMBER`,
/// `port-NUMBER-TRANSPORT`, `port-NUMBER-2`, … that is a valid port name; `PROTOCOL` only when
/// the port's application protocol is known.
fn default_name(
    base: Option<&str>,
    number: u16,
    protocol: Protocol,
    taken: &BTreeSet<String>,
) -> String {
    let by_protocol = base
        .into_iter()
        .flat_map(|base| [base.to_owned(), format!("{base}-{number}")]);
    let generic = format!("port-{number}");
    let fallback = [
        generic.clone(),
        format!("{generic}-{}", protocol.as_str().to_ascii_lowercase()),
    ];
    let numbered = (2..).map(|k| format!("{generic}-{k}"));
    by_protocol
        .chain(fallback)
        .chain(numbered)
        .find(|name| is_port_name(name) && !taken.contains(name))
        // `port-65535-` and a number below 10,000 fit in 15 characters, and a pod holds fewer
        // ports than that with one number: the search ends long before this.
        .unwrap_or(generic)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn taken(names: &[&str]) -> BTreeSet<String> {
        names.iter().map(|n| (*n).to_owned()).collect()
    }

    #[test]
    fn default_names_step_aside() {
        let none = taken(&[]);
        assert_eq!(
            default_name(Some("http"), 8080, Protocol::Tcp, &none),
            "http"
        );
        assert_eq!(
            default_name(Some("http"), 8080, Protocol::Tcp, &taken(&["http"])),
            "http-8080"
        );
        assert_eq!(default_name(None, 3306, Protocol::Tcp, &none), "port-3306");
        assert_eq!(
            default_name(None, 53, Protocol::Udp, &taken(&["port-53"])),
            "port-53-udp"
        );
        assert_eq!(
            default_name(None, 53, Protocol::Tcp, &taken(&["port-53", "port-53-tcp"])),
            "port-53-2"
        );
        // Too long to carry the number: straight to the generic name.
        assert_eq!(
            default_name(
                Some("postgresql"),
                15432,
                Protocol::Tcp,
                &taken(&["postgresql"])
            ),
            "port-15432"
        );
    }

    #[test]
    fn written_protocols_name_ports() {
        assert_eq!(written_base("mysql"), "mysql");
        assert_eq!(written_base("HTTP2"), "http2");
        assert_eq!(written_base("kubernetes.io/h2c"), "h2c");
        // Not a port name: the generic name follows.
        let long = written_base("example.com/my-custom-protocol");
        assert_eq!(
            default_name(Some(&long), 7000, Protocol::Tcp, &taken(&[])),
            "port-7000"
        );
    }
}
