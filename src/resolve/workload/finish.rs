//! The finished workload: defaults that depend on the whole body, and what is missing or
//! contradicts itself once every layer is read.

use std::collections::BTreeMap;

use super::builder::WorkloadBuilder;
use crate::diag::{Diagnostic, Diagnostics, codes, suggest_help};
use crate::model::{Container, Exposure, PortRef, Workload, WorkloadKind};
use crate::source::Span;

impl WorkloadBuilder {
    /// The finished workload. Fills in defaults that depend on the whole body and reports what is
    /// missing.
    pub fn finish(mut self, diags: &mut Diagnostics) -> Workload {
        let kind = self.w.kind;
        if kind.is_batch() {
            self.w.job = Some(std::mem::take(&mut self.job));
        }
        if kind == WorkloadKind::CronJob {
            if self.schedule_missing {
                diags.push(
                    Diagnostic::error(
                        codes::MISSING_VALUE,
                        format!("cronjob `{}` has no schedule", self.w.name),
                    )
                    .label(self.w.span, "no `schedule`")
                    .help("add `schedule \"0 3 * * *\"` to its block"),
                );
            }
            self.w.cron = self.cron.take();
        }
        if !self.image_written {
            diags.push(
                Diagnostic::error(
                    codes::MISSING_IMAGE,
                    format!("{} `{}` has no image", kind.keyword(), self.w.name),
                )
                .label(self.w.span, "no `image`")
                .help(format!(
                    "add `image \"{}:1.0.0\"` to its block",
                    self.w.name
                )),
            );
        }
        super::protocols::name_ports(&mut self.w);
        // An address of another workload is a call to it: an edge, for the graph and the
        // NetworkPolicies, written once.
        let addressed: Vec<crate::model::Edge> = std::iter::once(&self.w.main)
            .chain(&self.w.init)
            .chain(&self.w.sidecars)
            .flat_map(|c| &c.env)
            .filter_map(|v| match &v.value {
                crate::model::EnvValue::Address(a) => Some(crate::model::Edge {
                    target: a.target.clone(),
                    span: a.span,
                    from_address: true,
                }),
                _ => None,
            })
            .collect();
        for edge in addressed {
            if !self.w.uses.iter().any(|e| e.target == edge.target) {
                self.w.uses.push(edge);
            }
        }
        resolve_probe_ports(&mut self.w, diags);
        if self.w.main.ports.is_empty() && !matches!(self.w.expose, Exposure::Internal) {
            let span = match &self.w.expose {
                Exposure::NodePort { span, .. } | Exposure::LoadBalancer { span, .. } => *span,
                Exposure::Ingress(i) => i.span,
                Exposure::HttpRoute(r) => r.span,
                Exposure::Internal => self.w.span,
            };
            diags.push(
                Diagnostic::error(
                    codes::MISSING_VALUE,
                    format!("`{}` is exposed but declares no port", self.w.name),
                )
                .label(span, "exposes nothing")
                .help("add `port NUMBER` for the port the container listens on"),
            );
        }
        self.check_names_and_ports(diags);
        self.check_mount_paths(diags);
        for mount in self
            .w
            .init
            .iter()
            .chain(&self.w.sidecars)
            .flat_map(|c| &c.mounts)
        {
            let exists = self.w.volumes.iter().any(|v| v.name == mount.volume);
            if !exists {
                let known = self.w.volumes.iter().map(|v| v.name.as_str());
                diags.push(
                    Diagnostic::error(
                        codes::UNKNOWN_TARGET,
                        format!("`{}` has no volume `{}`", self.w.name, mount.volume),
                    )
                    .label(mount.span, "unknown volume")
                    .help(suggest_help(
                        &mount.volume,
                        known,
                        "declare it with `volume` or `empty-dir` in the workload",
                    )),
                );
            }
        }
        self.w
    }

    /// Port names are unique per pod, a load balancer's port does not shadow another port, and the
    /// volume name the files ConfigMap is mounted under stays free.
    fn check_names_and_ports(&self, diags: &mut Diagnostics) {
        let w = &self.w;
        // Only written names can collide: default names step aside (`protocols.rs`).
        let containers = std::iter::once(("the main container".to_owned(), &w.main))
            .chain(
                w.init
                    .iter()
                    .map(|c| (format!("init container `{}`", c.name), c)),
            )
            .chain(
                w.sidecars
                    .iter()
                    .map(|c| (format!("sidecar `{}`", c.name), c)),
            );
        let mut ports: Vec<_> = containers
            .flat_map(|(what, c)| c.ports.iter().map(move |p| (p, what.clone())))
            .collect();
        // The later one in the source is the one reported, whichever container it is in.
        ports.sort_by_key(|(p, _)| (p.span.file, p.span.start));
        let mut names: BTreeMap<&str, (Span, String)> = BTreeMap::new();
        for (port, what) in &ports {
            if let Some((first, first_in)) = names.insert(&port.name, (port.span, what.clone())) {
                diags.push(
                    Diagnostic::error(
                        codes::DUPLICATE_NAME,
                        format!("two ports of `{}` are named `{}`", w.name, port.name),
                    )
                    .label(port.span, format!("second port with this name, in {what}"))
                    .label(first, format!("first named here, in {first_in}"))
                    .help(
                        "port names are unique in a pod, across its containers: rename one, or \
                         leave out its `name=` to have a free one chosen",
                    ),
                );
            }
        }
        if let Exposure::LoadBalancer { port, span, .. } = &w.expose
            && !w.service.exposed_in_place
            && let Some(other) = w.main.ports.iter().skip(1).find(|p| p.number == *port)
        {
            diags.push(
                Diagnostic::error(
                    codes::INVALID_VALUE,
                    format!(
                        "the load balancer's port {port} is also the port of `{}`",
                        other.name
                    ),
                )
                .label(*span, "published twice")
                .label(other.span, "declared here")
                .help(
                    "the Service would list the same port twice: choose another load-balancer port",
                ),
            );
        }
        self.check_service_shape(diags);
        if !w.files.is_empty()
            && let Some(v) = w.volumes.iter().find(|v| v.name == "files")
        {
            diags.push(
                Diagnostic::error(
                    codes::DUPLICATE_NAME,
                    "the volume name `files` is taken by the workload's configuration files",
                )
                .label(v.span, "reserved name")
                .help("rename the volume"),
            );
        }
    }

    /// Two mounts at one path in one container are refused by the API server: the main
    /// container's volumes, files and mounts, and each `init` and `sidecar` container's mounts.
    fn check_mount_paths(&self, diags: &mut Diagnostics) {
        let w = &self.w;
        let main = w
            .volumes
            .iter()
            .map(|v| (v.path.as_str(), v.span, "volume"))
            .chain(w.files.iter().map(|f| (f.path.as_str(), f.span, "file")));
        let mut containers = vec![(
            w.main.name.as_str(),
            main.chain(explicit_mounts(&w.main)).collect::<Vec<_>>(),
        )];
        for c in w.init.iter().chain(&w.sidecars) {
            containers.push((c.name.as_str(), explicit_mounts(c).collect()));
        }
        for (container, mut mounts) in containers {
            // The later one in the source is the one reported, whatever its kind.
            mounts.sort_by_key(|(_, span, _)| (span.file, span.start));
            let mut seen: BTreeMap<&str, Span> = BTreeMap::new();
            for (path, span, what) in mounts {
                // `/data/` and `/data` are one directory in the container.
                let key = match path.trim_end_matches('/') {
                    "" => "/",
                    trimmed => trimmed,
                };
                if let Some(first) = seen.insert(key, span) {
                    diags.push(
                        Diagnostic::error(
                            codes::DUPLICATE_NAME,
                            format!("two mounts at `{key}` in container `{container}`"),
                        )
                        .label(span, format!("this {what} is also at `{path}`"))
                        .label(first, "first mounted here")
                        .help("a container takes one mount per path: move one of them to another path"),
                    );
                }
            }
        }
    }
}

/// The mounts a container names itself (`mount VOLUME path=…`), with what to call them.
fn explicit_mounts(c: &Container) -> impl Iterator<Item = (&str, Span, &'static str)> {
    c.mounts.iter().map(|m| (m.path.as_str(), m.span, "mount"))
}

/// Checks probe ports against the container's ports; fills in the primary port for probes that
/// named none.
fn resolve_probe_ports(w: &mut Workload, diags: &mut Diagnostics) {
    let containers = std::iter::once(&mut w.main).chain(w.sidecars.iter_mut());
    for c in containers {
        let primary = c.ports.first().map(|p| p.number);
        let ports: Vec<(u16, String)> =
            c.ports.iter().map(|p| (p.number, p.name.clone())).collect();
        for probe in [&mut c.readiness, &mut c.liveness, &mut c.startup]
            .into_iter()
            .flatten()
        {
            let span = probe.span;
            let check = |port: &mut PortRef, diags: &mut Diagnostics| match port {
                PortRef::Name(n) if n.is_empty() => match primary {
                    Some(p) => *port = PortRef::Number(p),
                    None => diags.push(
                        Diagnostic::error(
                            codes::MISSING_VALUE,
                            format!("the probe of `{}` has no port to check", c.name),
                        )
                        .label(span, "no port")
                        .help("declare the container's `port`, or give the probe `port=NUMBER`"),
                    ),
                },
                PortRef::Name(n) => {
                    if !ports.iter().any(|(_, name)| name == n) {
                        // Every first port used to be `http`; now only one known to serve HTTP is.
                        let help = match ports.first() {
                            Some((number, name)) if n == "http" => format!(
                                "a port is named `http` only when Windlass knows it serves HTTP, \
                                 and the first port here is `{name}`: give the probe \
                                 `port={number}`, or name the port"
                            ),
                            _ => suggest_help(
                                n,
                                ports.iter().map(|(_, name)| name.as_str()),
                                "name a declared port, or give a port number",
                            ),
                        };
                        diags.push(
                            Diagnostic::error(
                                codes::UNKNOWN_TARGET,
                                format!("`{}` has no port named `{n}`", c.name),
                            )
                            .label(span, "unknown port")
                            .help(help),
                        );
                    }
                }
                PortRef::Number(_) => {}
            };
            match &mut probe.action {
                crate::model::ProbeAction::Http { port, .. }
                | crate::model::ProbeAction::Tcp { port } => check(port, diags),
                crate::model::ProbeAction::Grpc { port, .. } if *port == 0 => {
                    let mut r = PortRef::Name(String::new());
                    check(&mut r, diags);
                    if let PortRef::Number(n) = r {
                        *port = n;
                    }
                }
                _ => {}
            }
        }
    }
}

impl WorkloadBuilder {
    /// What the Service forms (`service-port`, `publish`, `service=main`, `headless`,
    /// `selector`) cannot say together: a port published twice, a headless Service that is also
    /// a node port or load balancer, a canary beside a selector kept from before.
    fn check_service_shape(&self, diags: &mut Diagnostics) {
        let w = &self.w;
        self.check_pod_details(diags);
        if w.kind.is_batch() {
            return;
        }
        let mut seen: BTreeMap<(u16, crate::model::Protocol), Span> = BTreeMap::new();
        let own = w.published_ports().count();
        // Each by where it is written: a `service-port` by its own node.
        let extras = w
            .service
            .extra_ports
            .iter()
            .filter_map(|x| Some((x.number, w.extra_target(x)?, x.span)));
        let published = w
            .service_ports()
            .take(own)
            .map(|(number, port)| (number, port, port.span))
            .chain(extras);
        for (number, port, span) in published {
            if let Some(first) = seen.insert((number, port.protocol), span) {
                diags.push(
                    Diagnostic::error(
                        codes::DUPLICATE_NAME,
                        format!(
                            "the Service of `{}` publishes port {number}/{} twice",
                            w.name,
                            port.protocol.as_str()
                        ),
                    )
                    .label(span, "published again here")
                    .label(first, "first published here")
                    .help("a Service lists each port once: give one of them another `service-port=`, or keep it off the Service with `publish=#false`"),
                );
            }
        }
        for extra in &w.service.extra_ports {
            if w.extra_target(extra).is_none() {
                let target = match &extra.target {
                    crate::model::PortRef::Number(n) => n.to_string(),
                    crate::model::PortRef::Name(n) => n.clone(),
                };
                let published: Vec<String> = w
                    .published_ports()
                    .map(|p| format!("{} ({})", p.number, p.name))
                    .collect();
                diags.push(
                    Diagnostic::error(
                        codes::UNKNOWN_TARGET,
                        format!("`{}` publishes no port `{target}`", w.name),
                    )
                    .label(extra.span, "forwards to nothing")
                    .help(if published.is_empty() {
                        "declare the container's `port` first: a `service-port` forwards to a port the Service publishes".to_owned()
                    } else {
                        format!("a `service-port` forwards to a port the Service publishes: {}", published.join(", "))
                    }),
                );
            }
        }
        let mut named: BTreeMap<&str, Span> = BTreeMap::new();
        let names = w
            .published_ports()
            .map(|p| {
                let written = p.service_port_name.is_some();
                (
                    p.service_port_name.as_deref().unwrap_or(&p.name),
                    p.span,
                    written,
                )
            })
            .chain(
                w.service
                    .extra_ports
                    .iter()
                    .map(|x| (x.name.as_str(), x.span, true)),
            );
        for (name, span, written) in names {
            if let Some(first) = named.insert(name, span)
                && written
            {
                diags.push(
                    Diagnostic::error(
                        codes::DUPLICATE_NAME,
                        format!("the Service of `{}` names two ports `{name}`", w.name),
                    )
                    .label(span, "named again here")
                    .label(first, "first named here")
                    .help("a Service's port names are unique: choose another `service-port-name=`"),
                );
            }
        }
        if !matches!(w.expose, Exposure::Internal)
            && !w.main.ports.is_empty()
            && w.published_ports().next().is_none()
        {
            let span = w.main.ports.first().map_or(w.span, |p| p.span);
            diags.push(
                Diagnostic::error(
                    codes::MISSING_VALUE,
                    format!("`{}` is exposed but its Service publishes no port", w.name),
                )
                .label(span, "kept off the Service with `publish=#false`")
                .help(
                    "publish the port the exposure should reach: leave out `publish=#false` on it",
                ),
            );
        }
        if w.headless()
            && w.service.exposed_in_place
            && let Exposure::NodePort { span, .. } | Exposure::LoadBalancer { span, .. } = &w.expose
        {
            diags.push(
                Diagnostic::error(
                    codes::INVALID_VALUE,
                    format!("the Service of `{}` cannot be headless and exposed", w.name),
                )
                .label(*span, "`service=main` makes it a node port or load balancer")
                .help("a headless Service has no cluster IP, so no node port or load balancer: write `headless #false`, or expose it on a second Service (leave out `service=main`)"),
            );
        }
        if w.selector.is_some()
            && let Some(canary) = &w.canary
        {
            diags.push(
                Diagnostic::error(
                    codes::INVALID_VALUE,
                    format!("`{}` keeps its own selector and has a canary", w.name),
                )
                .label(canary.span, "the canary's pods would match the stable selector")
                .help("a kept selector cannot gain Windlass's track label (a selector cannot change on a live Deployment): run the new release as `version NAME { image \"…\" }` instead"),
            );
        }
    }
}

impl WorkloadBuilder {
    /// Pod details that contradict each other: capabilities the `restricted` level forbids, a
    /// `pre-stop` sleep that outlasts the time the pods have to stop.
    fn check_pod_details(&self, diags: &mut Diagnostics) {
        let w = &self.w;
        if w.security == crate::model::SecurityLevel::Restricted
            && let Some(caps) = &w.capabilities
            && let Some(other) = caps.iter().find(|c| *c != "NET_BIND_SERVICE")
        {
            diags.push(
                Diagnostic::error(
                    codes::INVALID_VALUE,
                    format!("`{}` adds `{other}` under `security restricted`", w.name),
                )
                .label(w.span, "refused by the restricted Pod Security Standard")
                .help("the restricted level lets a container add `NET_BIND_SERVICE` only: remove the others, or give this workload `security hardened`"),
            );
        }
        if let Some(first) = w.access.first()
            && w.service_account == crate::model::ServiceAccount::None
        {
            diags.push(
                Diagnostic::error(
                    codes::MISSING_VALUE,
                    format!("`{}` has access but no ServiceAccount", w.name),
                )
                .label(first.span, "granted to no one")
                .help("add `service-account` (one made for the workload) or `service-account NAME` (an existing one): the pods reach the API with its token"),
            );
        }
        let grace = w.termination_grace.unwrap_or(30);
        for c in std::iter::once(&w.main).chain(&w.sidecars) {
            if let Some((crate::model::Hook::Sleep(seconds), span)) = &c.pre_stop
                && *seconds >= grace
            {
                diags.push(
                    Diagnostic::error(
                        codes::INVALID_VALUE,
                        format!(
                            "`pre-stop` of `{}` sleeps {seconds}s, and the pods have {grace}s to stop",
                            c.name
                        ),
                    )
                    .label(*span, "the process is killed before it is asked to stop")
                    .help(format!(
                        "the sleep counts against the grace period: sleep less, or write `termination-grace \"{}s\"`",
                        seconds + 30
                    )),
                );
            }
        }
    }
}
