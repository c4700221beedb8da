//! Names: the rules Kubernetes sets for names, label values and keys, as predicates (resolve
//! reports against them, lowering and the rules rely on them); and the names of the objects
//! lowering derives from a workload's (`NAME-external`, `NAME-canary`, …), made here only, so
//! that resolve can check every one for length and collisions before lowering writes them.

use super::canary::{self, Split};
use super::{App, Exposure, VolumeKind, Workload, WorkloadKind};
use crate::source::Span;

/// The Service that exposes a workload on a node port or a load balancer.
pub fn external_service(workload: &str) -> String {
    format!("{workload}-external")
}

/// A canary's Deployment, and its Service and Ingress where the split has their own.
pub fn canary(workload: &str) -> String {
    format!("{workload}-canary")
}

/// The ConfigMap of a workload's files.
pub fn files_config_map(workload: &str) -> String {
    format!("{workload}-files")
}

/// The standalone claim of a persistent volume of a workload that is not a StatefulSet.
pub fn claim(workload: &str, volume: &str) -> String {
    format!("{workload}-{volume}")
}

/// An object that lowering writes for a workload, by kind and name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Named<'a> {
    /// Its kind: `Service`.
    pub kind: &'static str,
    /// Its name: the workload's own, borrowed, or one derived from it.
    pub name: std::borrow::Cow<'a, str>,
    /// Whether the name is the workload's own (otherwise one derived from it).
    pub own: bool,
    /// The longest name Kubernetes accepts for it.
    pub limit: usize,
    /// What in the description makes it, to point at.
    pub span: Span,
}

/// Every object lowering writes for `workload` of `app` whose name could meet another
/// workload's: its controller, Services, Ingresses and claims, each under the name lowering
/// gives it. (The rest — autoscaler, disruption budget, route, policy, account — are named
/// after the workload alone, and workload names are unique.)
pub fn objects<'a>(app: &App, workload: &'a Workload) -> Vec<Named<'a>> {
    /// A Service's name is a DNS-1035 label; most other names are DNS subdomains.
    const SERVICE: usize = 63;
    const SUBDOMAIN: usize = 253;
    let name = workload.name.as_str();
    let mut out = Vec::new();
    let mut add = |kind, name: std::borrow::Cow<'a, str>, own, limit, span| {
        out.push(Named {
            kind,
            name,
            own,
            limit,
            span,
        });
    };
    let controller = match workload.kind {
        WorkloadKind::Stateful | WorkloadKind::Database => "StatefulSet",
        WorkloadKind::Job => "Job",
        WorkloadKind::CronJob => "CronJob",
        _ => "Deployment",
    };
    add(controller, name.into(), true, SUBDOMAIN, workload.span);
    let has_service = !workload.kind.is_batch()
        && (workload.kind.is_stateful() || !workload.main.ports.is_empty());
    if has_service {
        add("Service", name.into(), true, SERVICE, workload.span);
    }
    if let Exposure::NodePort { span, .. } | Exposure::LoadBalancer { span, .. } = &workload.expose
        && !workload.kind.is_batch()
        && !workload.main.ports.is_empty()
    {
        add(
            "Service",
            external_service(name).into(),
            false,
            SERVICE,
            *span,
        );
    }
    if let Exposure::Ingress(ingress) = &workload.expose {
        add("Ingress", name.into(), true, SUBDOMAIN, ingress.span);
    }
    if let Some(c) = &workload.canary
        && workload.kind.is_deployment()
    {
        add("Deployment", canary(name).into(), false, SUBDOMAIN, c.span);
        let split = canary::split(workload, app.ingress_class.as_deref());
        if split != Split::ReplicaRatio && has_service {
            add("Service", canary(name).into(), false, SERVICE, c.span);
        }
        if split == Split::NginxIngress {
            add("Ingress", canary(name).into(), false, SUBDOMAIN, c.span);
        }
    }
    if !workload.files.is_empty() {
        add(
            "ConfigMap",
            files_config_map(name).into(),
            false,
            SUBDOMAIN,
            workload.span,
        );
    }
    if !workload.kind.is_stateful() {
        for volume in &workload.volumes {
            if matches!(volume.kind, VolumeKind::Persistent { .. }) {
                add(
                    "PersistentVolumeClaim",
                    claim(name, &volume.name).into(),
                    false,
                    SUBDOMAIN,
                    volume.span,
                );
            }
        }
    }
    out
}

/// Whether `s` is a DNS-1123 label (without the length limit).
pub fn is_dns_label(s: &str) -> bool {
    let bytes = s.as_bytes();
    !bytes.is_empty()
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
        && bytes.first().is_some_and(u8::is_ascii_alphanumeric)
        && bytes.last().is_some_and(u8::is_ascii_alphanumeric)
}

/// Whether `s` is an IANA service name as Kubernetes checks port names.
pub fn is_port_name(s: &str) -> bool {
    s.len() <= 15
        && is_dns_label(s)
        && !s.contains("--")
        && s.bytes().any(|b| b.is_ascii_lowercase())
}

/// Whether `s` is an IANA service name (RFC 6335, section 5.1): at most 15 letters, digits and
/// single inner `-`, with at least one letter. Unlike a Kubernetes port name it may hold capitals,
/// which IANA compares without case (GKE reads `appProtocol: HTTP2`).
pub fn is_service_name(s: &str) -> bool {
    let bytes = s.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 15
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
        && bytes.iter().any(u8::is_ascii_alphabetic)
        && bytes.first() != Some(&b'-')
        && bytes.last() != Some(&b'-')
        && !s.contains("--")
}

/// The application protocols Kubernetes defines under its own domain: HTTP/2 with prior knowledge
/// over cleartext (as gRPC without TLS speaks it), and WebSocket without and with TLS.
pub const KUBERNETES_APP_PROTOCOLS: [&str; 3] =
    ["kubernetes.io/h2c", "kubernetes.io/ws", "kubernetes.io/wss"];

/// Whether `s` is a DNS subdomain with at least two labels: a domain that can own a prefixed
/// application protocol (`example.com/my-protocol`).
pub fn is_domain(s: &str) -> bool {
    s.len() <= 253
        && s.contains('.')
        && s.split('.')
            .all(|part| is_dns_label(part) && part.len() <= 63)
}

/// Whether `s` is a valid label value.
pub fn is_label_value(s: &str) -> bool {
    s.is_empty()
        || (s.len() <= 63
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
            && s.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric())
            && s.bytes().last().is_some_and(|b| b.is_ascii_alphanumeric()))
}

/// Whether `s` is a valid label or annotation key: `[prefix/]name`.
pub fn is_qualified_key(s: &str) -> bool {
    let (prefix, name) = match s.rsplit_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, s),
    };
    let prefix_ok = prefix.is_none_or(|p| {
        !p.is_empty()
            && p.len() <= 253
            && p.split('.')
                .all(|part| is_dns_label(part) && part.len() <= 63)
    });
    prefix_ok && !name.is_empty() && is_label_value(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(is_dns_label("orders-db"));
        assert!(!is_dns_label("Orders"));
        assert!(!is_dns_label("-a"));
        assert!(!is_dns_label("a_b"));
        assert!(is_port_name("http"));
        assert!(!is_port_name("a--b"));
        assert!(!is_port_name("8080"));
        assert!(!is_port_name("a-very-long-port-name"));
        assert!(is_service_name("mysql"));
        assert!(is_service_name("HTTP2"));
        assert!(!is_service_name("http_proxy"));
        assert!(!is_service_name("-http"));
        assert!(!is_service_name("a--b"));
        assert!(!is_service_name("5432"));
        assert!(!is_service_name("sixteen-letters1"));
        assert!(is_domain("example.com"));
        assert!(!is_domain("istio"));
        assert!(!is_domain("Example.com"));
        assert!(is_qualified_key("prometheus.io/scrape"));
        assert!(is_qualified_key("team"));
        assert!(!is_qualified_key("bad key"));
        assert!(!is_qualified_key("/x"));
    }
}
