//! Names: the rules Kubernetes sets for names, label values and keys, as predicates (resolve
//! reports against them, lowering and the rules rely on them); and the names of the objects
//! lowering derives from a workload's (`NAME-external`, `NAME-canary`, …), made here only, so
//! that resolve can check every one for length and collisions before lowering writes them.

use super::canary::{self, Split};
use super::{App, Exposure, ServiceAccount, VolumeKind, Workload, WorkloadKind};
use crate::source::Span;

/// The name of the controller (Deployment, StatefulSet, Job, CronJob) of a workload that runs
/// as one: `names workload=…`, or the workload's name. Everything named after the controller
/// (autoscaler, disruption budget, network policy, canary, files, claims, account) derives
/// from it.
pub fn base_controller(workload: &Workload) -> &str {
    workload
        .object_name
        .as_ref()
        .map_or(workload.name.as_str(), |n| n.name.as_str())
}

/// The name of a workload's controller: [`base_controller`], and for one of its versions
/// `NAME-VERSION` (`reviews-v1`).
pub fn controller(workload: &Workload) -> String {
    let base = base_controller(workload);
    match &workload.version {
        Some(version) => format!("{base}-{}", version.name),
        None => base.to_owned(),
    }
}

/// The name of the workload's own Service (and its Ingress and HTTPRoute): `names service=…`,
/// or the workload's name. In-cluster clients call it by this name.
pub fn service(workload: &Workload) -> &str {
    workload
        .service
        .name
        .as_ref()
        .map_or(workload.name.as_str(), |n| n.name.as_str())
}

/// The Service that exposes a workload on a node port or a load balancer beside its own.
pub fn external_service(workload: &Workload) -> String {
    format!("{}-external", service(workload))
}

/// A canary's Deployment.
pub fn canary(workload: &Workload) -> String {
    format!("{}-canary", controller(workload))
}

/// A canary's Service and Ingress, where the split has their own.
pub fn canary_service(workload: &Workload) -> String {
    format!("{}-canary", service(workload))
}

/// The ConfigMap of a workload's files.
pub fn files_config_map(workload: &Workload) -> String {
    format!("{}-files", base_controller(workload))
}

/// The standalone claim of a persistent volume of a workload that is not a StatefulSet.
pub fn claim(workload: &Workload, volume: &str) -> String {
    format!("{}-{volume}", base_controller(workload))
}

/// The ServiceAccount the workload's pods run as, made for it or existing; `None` for the
/// namespace's default.
pub fn account(workload: &Workload) -> Option<&str> {
    match &workload.service_account {
        ServiceAccount::None => None,
        ServiceAccount::Create => Some(base_controller(workload)),
        ServiceAccount::CreateNamed { name, .. } | ServiceAccount::Existing { name, .. } => {
            Some(name)
        }
    }
}

/// An object that lowering writes for a workload, by kind and name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Named<'a> {
    /// Its kind: `Service`.
    pub kind: &'static str,
    /// Its name: the workload's own, borrowed, or one derived from it or written for it.
    pub name: std::borrow::Cow<'a, str>,
    /// Whether the name is the workload's own, as declared (otherwise derived from it, or
    /// written in `names`).
    pub own: bool,
    /// The longest name Kubernetes accepts for it.
    pub limit: usize,
    /// What in the description makes it, to point at.
    pub span: Span,
}

/// A Service's name is a DNS-1035 label; most other names are DNS subdomains.
const SERVICE: usize = 63;
const SUBDOMAIN: usize = 253;

/// The longest name a controller of `kind` may have: a StatefulSet's pods carry a label of its
/// name and an 11-character revision hash, a CronJob's Jobs its name and an 11-character suffix.
pub fn controller_limit(kind: WorkloadKind) -> usize {
    match kind {
        WorkloadKind::Stateful | WorkloadKind::Database | WorkloadKind::CronJob => 52,
        _ => SUBDOMAIN,
    }
}

/// The controller kind of a workload.
pub fn controller_kind(kind: WorkloadKind) -> &'static str {
    match kind {
        WorkloadKind::Stateful | WorkloadKind::Database => "StatefulSet",
        WorkloadKind::Job => "Job",
        WorkloadKind::CronJob => "CronJob",
        _ => "Deployment",
    }
}

/// Every object lowering writes for `workload` of `app` whose name could meet another
/// workload's: its controllers, Services, Ingresses, claims and the account made for it, each
/// under the name lowering gives it (from the functions above, and nowhere else). The rest —
/// autoscaler, disruption budget, route, policy — are named after a controller.
pub fn objects<'a>(app: &App, workload: &'a Workload) -> Vec<Named<'a>> {
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
    let controller_kind = controller_kind(workload.kind);
    let limit = controller_limit(workload.kind);
    match &workload.object_name {
        Some(written) => add(
            controller_kind,
            written.name.as_str().into(),
            false,
            limit,
            written.span,
        ),
        None => add(controller_kind, name.into(), true, limit, workload.span),
    }
    for version in &workload.versions {
        let span = version.version.as_ref().map_or(version.span, |v| v.span);
        add(
            controller_kind,
            controller(version).into(),
            false,
            limit,
            span,
        );
    }
    let has_service = workload.has_service();
    if has_service {
        match &workload.service.name {
            Some(written) => add(
                "Service",
                written.name.as_str().into(),
                false,
                SERVICE,
                written.span,
            ),
            None => add("Service", name.into(), true, SERVICE, workload.span),
        }
    }
    if let Exposure::NodePort { span, .. } | Exposure::LoadBalancer { span, .. } = &workload.expose
        && has_service
        && !workload.service.exposed_in_place
    {
        add(
            "Service",
            external_service(workload).into(),
            false,
            SERVICE,
            *span,
        );
    }
    if let Exposure::Ingress(ingress) = &workload.expose {
        let own = workload.service.name.is_none();
        add(
            "Ingress",
            service(workload).into(),
            own,
            SUBDOMAIN,
            ingress.span,
        );
    }
    if let Some(c) = &workload.canary
        && workload.kind.is_deployment()
    {
        add(
            "Deployment",
            canary(workload).into(),
            false,
            SUBDOMAIN,
            c.span,
        );
        let split = canary::split(app, workload);
        if split != Split::ReplicaRatio && has_service {
            add(
                "Service",
                canary_service(workload).into(),
                false,
                SERVICE,
                c.span,
            );
        }
        if split == Split::NginxIngress {
            add(
                "Ingress",
                canary_service(workload).into(),
                false,
                SUBDOMAIN,
                c.span,
            );
        }
    }
    match &workload.service_account {
        ServiceAccount::Create => {
            let own = workload.object_name.is_none();
            add(
                "ServiceAccount",
                base_controller(workload).into(),
                own,
                SUBDOMAIN,
                workload.span,
            );
        }
        ServiceAccount::CreateNamed { name, span } => {
            add(
                "ServiceAccount",
                name.as_str().into(),
                false,
                SUBDOMAIN,
                *span,
            );
        }
        ServiceAccount::None | ServiceAccount::Existing { .. } => {}
    }
    if !workload.access.is_empty() {
        let own = workload.object_name.is_none();
        for kind in ["Role", "RoleBinding"] {
            add(
                kind,
                base_controller(workload).into(),
                own,
                SUBDOMAIN,
                workload.span,
            );
        }
    }
    if !workload.files.is_empty() {
        add(
            "ConfigMap",
            files_config_map(workload).into(),
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
                    claim(workload, &volume.name).into(),
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
