//! The body of a workload: every child of `frontend`, `service`, `stateful`, `job`, ... and of a
//! component, applied layer by layer (component body, then the instance's block).

use std::collections::BTreeMap;

use crate::syntax::reader::Value;

use super::container::{self, ImageCtx};
use super::layers::{Layers, upsert};
use super::shared::{allow, flag, key_values, security_level};
use super::values::abs_path;
use super::values::{self, NodeView, Prop, Reading, Val};
use crate::diag::suggest_help;
use crate::diag::{Diagnostic, Diagnostics, codes};
use crate::model::{
    AccessMode, Autoscale, Canary, Concurrency, ConfigFile, Container, CronSpec, Disruption, Edge,
    Exposure, IntOrPercent, JobSpec, PortRef, Route, RunAs, SecurityLevel, ServiceAccount,
    Strategy, Toleration, Volume, VolumeKind, Workload, WorkloadKind,
};
use crate::source::Span;

/// Children every workload takes, besides the container ones.
const WORKLOAD_NODES: &[&str] = &[
    "replicas",
    "file",
    "volume",
    "empty-dir",
    "autoscale",
    "strategy",
    "disruption",
    "init",
    "sidecar",
    "service-account",
    "security",
    "run-as",
    "read-only-root",
    "node-selector",
    "toleration",
    "labels",
    "annotations",
    "uses",
    "route",
    "expose",
    "allow",
    "host-network",
    "host-path",
    "canary",
];
const JOB_NODES: &[&str] = &[
    "backoff-limit",
    "deadline",
    "ttl",
    "completions",
    "parallelism",
];
const CRON_NODES: &[&str] = &["schedule", "time-zone", "concurrency", "history"];

/// What the app contributes to every workload.
pub struct AppDefaults<'a> {
    /// Registry prefix.
    pub registry: Option<&'a str>,
    /// Default security level.
    pub security: SecurityLevel,
    /// The Gateway `expose http-route` attaches to when it names none.
    pub default_gateway: Option<&'a (String, Option<String>)>,
}

/// Builds a workload from one or more layers of children.
pub struct WorkloadBuilder {
    w: Workload,
    layers: Layers,
    job: JobSpec,
    cron: Option<CronSpec>,
    schedule_missing: bool,
    /// An `image` node was written (perhaps invalid, already reported): no `missing-image`.
    image_written: bool,
}

impl WorkloadBuilder {
    /// An empty workload named `name`.
    pub fn new(name: String, span: Span, kind: WorkloadKind, app: &AppDefaults) -> Self {
        WorkloadBuilder {
            w: Workload::new(name, span, kind, app.security),
            layers: Layers::default(),
            job: JobSpec::default(),
            cron: None,
            schedule_missing: kind == WorkloadKind::CronJob,
            image_written: false,
        }
    }

    /// Records the component the workload is made from.
    pub fn set_component(&mut self, name: &str) {
        self.w.component = Some(name.to_owned());
    }

    /// Applies an environment's shorthand property: `replicas=`, `image=` or `tag=`.
    pub fn apply_shorthand(
        &mut self,
        prop: &Prop,
        app: &AppDefaults,
        extra: &[&str],
        diags: &mut Diagnostics,
    ) {
        match prop.key.as_str() {
            "replicas" if !self.w.kind.is_batch() => {
                if let Some(n) = values::count(&prop.val, 0, diags) {
                    self.w.replicas = Some(n);
                }
            }
            "image" => {
                self.image_written = true;
                if let Some(image) = container::image(&prop.val, app.registry, diags) {
                    self.w.main.image = Some(image);
                }
            }
            "tag" => {
                let Some(tag) = values::string(&prop.val, diags) else {
                    return;
                };
                match &mut self.w.main.image {
                    Some(image) => {
                        let retagged = format!("{}:{tag}", image.repository);
                        let val = Val { value: Value::String(retagged), span: prop.val.span, raw: None };
                        // Re-parse so the tag is checked like any other.
                        if let Some(mut new) = container::image(&val, None, diags) {
                            new.digest = image.digest.clone();
                            if let Some(d) = &new.digest {
                                new.reference = format!("{}@{d}", new.reference);
                            }
                            *image = new;
                        }
                    }
                    None => diags.push(
                        Diagnostic::error(codes::MISSING_IMAGE, format!("`{}` has no image whose tag could change", self.w.name))
                            .label(prop.val.span, "no image to retag")
                            .help("give the workload an `image` in the app, or write `image=\"repository:tag\"` here"),
                    ),
                }
            }
            key => {
                let mut known: Vec<&str> = vec!["replicas", "image", "tag"];
                known.extend(extra);
                let list = known
                    .iter()
                    .map(|k| format!("`{k}=`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                diags.push(
                    Diagnostic::error(codes::UNKNOWN_PROPERTY, format!("an environment cannot set `{key}=` on `{}`", self.w.name))
                        .label(prop.span, "unknown property")
                        .help(suggest_help(key, known.iter().copied(), &format!("properties here are {list}; anything else goes in a block: `{} {} {{ … }}`", self.w.kind.keyword(), self.w.name))),
                );
            }
        }
    }

    /// Starts a new layer: what it sets replaces what earlier layers set.
    pub fn next_layer(&mut self) {
        self.layers.next_layer();
    }

    /// Applies every child of `body`.
    pub fn apply_all<'a>(
        &mut self,
        body: impl Iterator<Item = NodeView<'a>>,
        app: &AppDefaults,
        diags: &mut Diagnostics,
    ) {
        for node in body {
            self.apply(&node, app, diags);
        }
    }

    /// Applies one child node.
    pub fn apply(&mut self, node: &NodeView, app: &AppDefaults, diags: &mut Diagnostics) {
        let name = node.name();
        self.image_written |= name == "image";
        let span = node.name_span();
        let images = ImageCtx {
            registry: app.registry,
        };
        if name == "mount" {
            unknown_node(node, self.w.kind, diags);
            return;
        }
        if container::apply(&mut self.w.main, node, &mut self.layers, &images, diags) {
            return;
        }
        let kind = self.w.kind;
        match name {
            "replicas" if !kind.is_batch() => {
                let mut e = node.read(diags);
                if let Some(n) = e
                    .require_arg("a count", "replicas 2", diags)
                    .and_then(|v| values::count(&v, 0, diags))
                    && self
                        .layers
                        .first("replicas".into(), "`replicas`", span, diags)
                {
                    self.w.replicas = Some(n);
                }
                e.finish(&[], diags);
            }
            "file" => {
                let mut e = node.read(diags);
                let example = "file \"/etc/app/config.yml\" \"key: value\"";
                let path = e
                    .require_arg("a path", example, diags)
                    .and_then(|v| abs_path(&v, diags));
                let content = e
                    .require_arg("the file's content", example, diags)
                    .and_then(|v| values::string(&v, diags))
                    // KDL's multi-line strings end without a newline; text files end with one.
                    .map(|c| {
                        if c.is_empty() || c.ends_with('\n') {
                            c
                        } else {
                            c + "\n"
                        }
                    });
                if let (Some(path), Some(content)) = (path, content)
                    && let Some(replaces) = self.layers.entry(
                        format!("file:{path}"),
                        &format!("file `{path}`"),
                        span,
                        diags,
                    )
                {
                    upsert(
                        &mut self.w.files,
                        ConfigFile {
                            path,
                            content,
                            span,
                        },
                        replaces,
                        |a, b| a.path == b.path,
                    );
                }
                e.finish(&[], diags);
            }
            "allow" => {
                if let Some(allow) = allow(node, diags) {
                    self.w.allows.push(allow);
                }
            }
            "host-network" => {
                if let Some(on) = flag(node, diags)
                    && self
                        .layers
                        .first("host-network".into(), "`host-network`", span, diags)
                {
                    self.w.host_network = on;
                    self.w.host_network_span = Some(node.span());
                }
            }
            "volume" | "empty-dir" | "host-path" => {
                if let Some(volume) = volume(node, diags)
                    && let Some(replaces) = self.layers.entry(
                        format!("volume:{}", volume.name),
                        &format!("volume `{}`", volume.name),
                        span,
                        diags,
                    )
                {
                    upsert(&mut self.w.volumes, volume, replaces, |a, b| {
                        a.name == b.name
                    });
                }
            }
            "autoscale" | "canary"
                if takes(kind, name)
                    && node.node.entries().next().is_some_and(|e| {
                        e.name().is_none() && e.value().as_str() == Some("none")
                    }) =>
            {
                // `autoscale none` / `canary none`: an environment or instance block removes what
                // the workload has.
                let mut e = node.read(diags);
                e.set_form(format!("{name} none"));
                let _none = e.next_arg();
                e.finish(&[], diags);
                if self
                    .layers
                    .first(name.to_owned(), &format!("`{name}`"), span, diags)
                {
                    if name == "autoscale" {
                        self.w.autoscale = None;
                    } else {
                        self.w.canary = None;
                    }
                }
            }
            // Below the arm for `autoscale none` / `canary none`, which must see `none` first.
            "canary" if kind.is_deployment() => {
                if let Some(canary) = self.canary(node, app, diags)
                    && self.layers.first("canary".into(), "`canary`", span, diags)
                {
                    self.w.canary = Some(canary);
                }
            }
            "autoscale" if !kind.is_batch() => {
                let mut e = node.read(diags);
                let example = "autoscale min=2 max=6 cpu=70";
                let min = e
                    .require_prop("min", example, diags)
                    .and_then(|v| values::count(&v, 1, diags));
                let max = e
                    .require_prop("max", example, diags)
                    .and_then(|v| values::count(&v, 1, diags));
                let cpu = e.prop("cpu").and_then(|v| percent(&v, diags));
                let memory = e.prop("memory").and_then(|v| percent(&v, diags));
                if let (Some(min), Some(max)) = (min, max)
                    && self
                        .layers
                        .first("autoscale".into(), "`autoscale`", span, diags)
                {
                    self.w.autoscale = Some(Autoscale {
                        min,
                        max,
                        cpu,
                        memory,
                        span,
                    });
                }
                e.finish(&["min", "max", "cpu", "memory"], diags);
            }
            "strategy" if !kind.is_batch() => {
                if let Some(s) = strategy(node, kind, diags)
                    && self
                        .layers
                        .first("strategy".into(), "`strategy`", span, diags)
                {
                    self.w.strategy = Some(s);
                }
            }
            "disruption" if !kind.is_batch() => {
                if let Some(d) = disruption(node, diags)
                    && self
                        .layers
                        .first("disruption".into(), "`disruption`", span, diags)
                {
                    self.w.disruption = d;
                    self.w.disruption_span = Some(node.span());
                }
            }
            "init" | "sidecar" => {
                let mut e = node.read(diags);
                let example = format!("{name} NAME {{ image \"…\" }}");
                let name_val = e.require_arg("a container name", &example, diags);
                e.finish(&[], diags);
                let Some(name_val) = name_val else { return };
                let why = "container names are DNS-1123 labels";
                let valid = values::dns_label(&name_val, "container", 63, why, diags);
                let cname = match (&valid, &name_val.value) {
                    (Some(n), _) => n.clone(),
                    (None, Value::String(raw)) => raw.clone(),
                    (None, _) => return,
                };
                let mut c = Container::new(cname.clone(), span);
                let mut layers = Layers::default();
                let mut image_written = false;
                for child in node.children() {
                    image_written |= child.name() == "image";
                    if (name == "init" && container::is_probe(child.name()))
                        || !container::apply(&mut c, &child, &mut layers, &images, diags)
                    {
                        let known: Vec<&str> = container::node_names()
                            .filter(|n| name == "sidecar" || !container::is_probe(n))
                            .collect();
                        unknown_in(&child, &format!("`{name}`"), &known, diags);
                    }
                }
                if valid.is_none() {
                    return;
                }
                if !image_written {
                    diags.push(
                        Diagnostic::error(
                            codes::MISSING_IMAGE,
                            format!("{name} container `{cname}` has no image"),
                        )
                        .label(span, "no `image`")
                        .help(format!("add `image \"…\"` inside `{name} {cname} {{ … }}`")),
                    );
                }
                if cname == self.w.name {
                    diags.push(
                        Diagnostic::error(
                            codes::DUPLICATE_NAME,
                            format!("container `{cname}` has the workload's own name"),
                        )
                        .label(span, "taken by the main container")
                        .help("give the extra container another name"),
                    );
                    return;
                }
                let clash = if name == "init" {
                    &self.w.sidecars
                } else {
                    &self.w.init
                };
                if clash.iter().any(|o| o.name == cname) {
                    diags.push(
                        Diagnostic::error(
                            codes::DUPLICATE_NAME,
                            format!("two containers are named `{cname}`"),
                        )
                        .label(span, "second container with this name")
                        .help("container names must be unique in a pod"),
                    );
                    return;
                }
                if let Some(replaces) = self.layers.entry(
                    format!("container:{cname}"),
                    &format!("container `{cname}`"),
                    span,
                    diags,
                ) {
                    let list = if name == "init" {
                        &mut self.w.init
                    } else {
                        &mut self.w.sidecars
                    };
                    upsert(list, c, replaces, |a, b| a.name == b.name);
                }
            }
            "service-account" => {
                let mut e = node.read(diags);
                let sa = match e.next_arg() {
                    None => Some(ServiceAccount::Create),
                    Some(v) => values::dns_label(&v, "ServiceAccount", 253, "", diags)
                        .map(ServiceAccount::Existing),
                };
                if let Some(sa) = sa
                    && self
                        .layers
                        .first("service-account".into(), "`service-account`", span, diags)
                {
                    self.w.service_account = sa;
                }
                e.finish(&[], diags);
            }
            "security" => {
                if let Some(level) = security_level(node, diags)
                    && self
                        .layers
                        .first("security".into(), "`security`", span, diags)
                {
                    self.w.security = level;
                }
            }
            "run-as" => {
                let mut e = node.read(diags);
                let mut id = |key: &str, e: &mut Reading| {
                    e.prop(key)
                        .and_then(|v| values::int(&v, 0, i64::from(i32::MAX), diags))
                };
                let run_as = RunAs {
                    user: id("user", &mut e),
                    group: id("group", &mut e),
                    fs_group: id("fs-group", &mut e),
                    span: node.span(),
                };
                if run_as.user.is_none() && run_as.group.is_none() && run_as.fs_group.is_none() {
                    diags.push(
                        Diagnostic::error(codes::MISSING_VALUE, "`run-as` sets nothing")
                            .label(span, "no ids")
                            .help("write `run-as user=1000 group=1000 fs-group=1000`"),
                    );
                } else if self.layers.first("run-as".into(), "`run-as`", span, diags) {
                    self.w.run_as = Some(run_as);
                }
                e.finish(&["user", "group", "fs-group"], diags);
            }
            "read-only-root" => {
                if let Some(on) = flag(node, diags)
                    && self
                        .layers
                        .first("read-only-root".into(), "`read-only-root`", span, diags)
                {
                    self.w.read_only_root = on;
                }
            }
            "node-selector" | "labels" | "annotations" => {
                let map = key_values(node, name != "annotations", diags);
                let target = match name {
                    "node-selector" => &mut self.w.node_selector,
                    "labels" => &mut self.w.labels,
                    _ => &mut self.w.annotations,
                };
                target.extend(map);
            }
            "toleration" => {
                if let Some(t) = toleration(node, diags) {
                    self.w.tolerations.push(t);
                }
            }
            "uses" => {
                let mut e = node.read(diags);
                let targets = e.rest_args();
                if targets.is_empty() {
                    diags.push(
                        Diagnostic::error(codes::MISSING_VALUE, "`uses` names no workload")
                            .label(span, "no targets")
                            .help("write `uses orders-db cache`"),
                    );
                }
                for t in targets {
                    if let Some(target) = values::string(&t, diags) {
                        self.w.uses.push(Edge {
                            target,
                            span: t.span,
                        });
                    }
                }
                e.finish(&[], diags);
            }
            "route" => {
                let mut e = node.read(diags);
                let example = "route \"/api\" to=gateway";
                let path = e
                    .require_arg("a path", example, diags)
                    .and_then(|v| values::string(&v, diags));
                let path = path.filter(|p| {
                    let ok = p.starts_with('/');
                    if !ok {
                        diags.push(
                            Diagnostic::error(
                                codes::INVALID_VALUE,
                                format!("route path `{p}` does not start with `/`"),
                            )
                            .label(span, "not a path")
                            .help(format!("write \"/{p}\"")),
                        );
                    }
                    ok
                });
                let target = e.require_prop("to", example, diags);
                let port = values::opt_port_ref(&mut e, diags);
                if let (Some(path), Some(t)) = (path, target)
                    && let Some(target) = values::string(&t, diags)
                {
                    let what = format!("route `{path}`");
                    if let Some(replaces) =
                        self.layers
                            .entry(format!("route:{path}"), &what, span, diags)
                    {
                        let route = Route {
                            path,
                            target,
                            port,
                            span: t.span,
                        };
                        upsert(&mut self.w.routes, route, replaces, |a, b| a.path == b.path);
                    }
                }
                e.finish(&["to", "port"], diags);
            }
            "expose" if !kind.is_batch() => {
                if let Some(x) = super::exposure::expose(node, app.default_gateway, diags)
                    && self.layers.first("expose".into(), "`expose`", span, diags)
                {
                    self.w.expose = x;
                }
            }
            "backoff-limit" | "deadline" | "ttl" | "completions" | "parallelism"
                if kind.is_batch() =>
            {
                let mut e = node.read(diags);
                let val = e.require_arg("a value", &format!("{name} 3"), diags);
                if let Some(v) = val
                    && self
                        .layers
                        .first(name.to_owned(), &format!("`{name}`"), span, diags)
                {
                    let j = &mut self.job;
                    match name {
                        "backoff-limit" => j.backoff_limit = values::count(&v, 0, diags),
                        "deadline" => j.deadline = values::duration(&v, diags).filter(|d| *d > 0),
                        "ttl" => j.ttl = values::duration(&v, diags),
                        "completions" => j.completions = values::count(&v, 1, diags),
                        _ => j.parallelism = values::count(&v, 1, diags),
                    }
                }
                e.finish(&[], diags);
            }
            "schedule" | "time-zone" | "concurrency" | "history"
                if kind == WorkloadKind::CronJob =>
            {
                self.cron_node(node, diags);
            }
            _ => unknown_node(node, kind, diags),
        }
    }

    /// `canary image="…" weight=10 [replicas=N]`, or `tag="…"` for the stable image's repository.
    fn canary(
        &self,
        node: &NodeView,
        app: &AppDefaults,
        diags: &mut Diagnostics,
    ) -> Option<Canary> {
        let mut e = node.read(diags);
        let example = "canary image=\"orders:3.2.0\" weight=10";
        let image = e.prop("image");
        let tag = e.prop("tag");
        let weight = e
            .require_prop("weight", example, diags)
            .and_then(|v| values::int(&v, 1, 99, diags));
        let replicas = e.prop("replicas").and_then(|v| values::count(&v, 1, diags));
        e.finish(&["image", "tag", "weight", "replicas"], diags);
        let image = match (image, tag) {
            (Some(v), None) => container::image(&v, app.registry, diags),
            (None, Some(v)) => {
                let tag = values::string(&v, diags)?;
                let Some(stable) = &self.w.main.image else {
                    diags.push(
                        Diagnostic::error(
                            codes::MISSING_IMAGE,
                            "`canary tag=` needs the workload's image first",
                        )
                        .label(v.span, "no image to retag")
                        .help("write `canary image=\"repository:tag\" weight=10`"),
                    );
                    return None;
                };
                let retagged = Val {
                    value: Value::String(format!("{}:{tag}", stable.repository)),
                    span: v.span,
                    raw: None,
                };
                container::image(&retagged, None, diags)
            }
            _ => {
                diags.push(
                    Diagnostic::error(
                        codes::MISSING_VALUE,
                        "`canary` needs exactly one of `image=` or `tag=`",
                    )
                    .label(node.name_span(), "which version?")
                    .help(example),
                );
                None
            }
        };
        let weight = u32::try_from(weight?).ok()?;
        Some(Canary {
            image: image?,
            weight,
            replicas,
            span: node.name_span(),
        })
    }

    fn cron_node(&mut self, node: &NodeView, diags: &mut Diagnostics) {
        let name = node.name();
        let span = node.name_span();
        let mut e = node.read(diags);
        let cron = self.cron.get_or_insert_with(|| CronSpec {
            schedule: String::new(),
            time_zone: None,
            concurrency: Concurrency::Forbid,
            history_successful: None,
            history_failed: None,
        });
        if !self
            .layers
            .first(name.to_owned(), &format!("`{name}`"), span, diags)
        {
            return;
        }
        match name {
            "schedule" if e.args.len() > 1 => {
                // `schedule 0 3 * * *`: the fields of one unquoted schedule.
                self.schedule_missing = false;
                let words = e.rest_args();
                let joined = words
                    .iter()
                    .map(|w| values::display(&w.value))
                    .collect::<Vec<_>>()
                    .join(" ");
                if let Some(first) = words.first() {
                    diags.push(
                        Diagnostic::error(codes::INVALID_TYPE, "a cron schedule is one string")
                            .label(first.span, "the first of several values")
                            .help(format!("quote the whole schedule: schedule \"{joined}\"")),
                    );
                }
            }
            "schedule" => {
                self.schedule_missing = false;
                if let Some(v) = e.require_arg("a cron schedule", "schedule \"0 3 * * *\"", diags)
                    && let Some(s) = values::string(&v, diags)
                {
                    if cron_ok(&s) {
                        cron.schedule = s;
                        self.schedule_missing = false;
                    } else {
                        diags.push(
                            Diagnostic::error(codes::INVALID_VALUE, format!("`{s}` is not a cron schedule"))
                                .label(v.span, "expected five fields: minute hour day-of-month month day-of-week")
                                .help("write a schedule such as \"0 3 * * *\" (03:00 every day) or \"@hourly\""),
                        );
                        self.schedule_missing = false;
                    }
                }
            }
            "time-zone" => {
                cron.time_zone = e
                    .require_arg("a time zone", "time-zone \"Europe/Berlin\"", diags)
                    .and_then(|v| values::string(&v, diags));
            }
            "concurrency" => {
                if let Some(v) = e.require_arg("a policy", "concurrency forbid", diags) {
                    cron.concurrency = match values::keyword(
                        &v,
                        &["allow", "forbid", "replace"],
                        diags,
                    )
                    .as_deref()
                    {
                        Some("allow") => Concurrency::Allow,
                        Some("replace") => Concurrency::Replace,
                        _ => Concurrency::Forbid,
                    };
                }
            }
            _ => {
                cron.history_successful = e
                    .prop("successful")
                    .and_then(|v| values::count(&v, 0, diags));
                cron.history_failed = e.prop("failed").and_then(|v| values::count(&v, 0, diags));
            }
        }
        e.finish(
            if name == "history" {
                &["successful", "failed"]
            } else {
                &[]
            },
            diags,
        );
    }

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
}

impl WorkloadBuilder {
    /// Port names are unique per pod, a load balancer's port does not shadow another port, and the
    /// volume name the files ConfigMap is mounted under stays free.
    fn check_names_and_ports(&self, diags: &mut Diagnostics) {
        let w = &self.w;
        let containers = std::iter::once(&w.main).chain(&w.init).chain(&w.sidecars);
        let mut names: BTreeMap<&str, Span> = BTreeMap::new();
        for port in containers.flat_map(|c| &c.ports) {
            if let Some(first) = names.insert(&port.name, port.span) {
                diags.push(
                    Diagnostic::error(
                        codes::DUPLICATE_NAME,
                        format!("two ports of `{}` are named `{}`", w.name, port.name),
                    )
                    .label(port.span, "second port with this name")
                    .label(first, "first named here")
                    .help("port names are unique in a pod: give one of them `name=`"),
                );
            }
        }
        if let Exposure::LoadBalancer { port, span, .. } = &w.expose
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
}

fn cron_ok(s: &str) -> bool {
    let s = s.trim();
    if s.starts_with('@') {
        return matches!(
            s,
            "@yearly" | "@annually" | "@monthly" | "@weekly" | "@daily" | "@midnight" | "@hourly"
        );
    }
    let fields: Vec<&str> = s.split_whitespace().collect();
    fields.len() == 5
        && fields.iter().all(|f| {
            f.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '*' | ',' | '-' | '/' | '?'))
        })
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
                        diags.push(
                            Diagnostic::error(
                                codes::UNKNOWN_TARGET,
                                format!("`{}` has no port named `{n}`", c.name),
                            )
                            .label(span, "unknown port")
                            .help(suggest_help(
                                n,
                                ports.iter().map(|(_, name)| name.as_str()),
                                "name a declared port, or give a port number",
                            )),
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

/// Whether a workload of `kind` takes the workload node `name` (jobs have no replicas or
/// exposure; only Deployments have canaries).
fn takes(kind: WorkloadKind, name: &str) -> bool {
    match name {
        "replicas" | "autoscale" | "strategy" | "disruption" | "expose" => !kind.is_batch(),
        "canary" => kind.is_deployment(),
        _ => true,
    }
}

fn unknown_node(node: &NodeView, kind: WorkloadKind, diags: &mut Diagnostics) {
    let mut known: Vec<&str> = container::node_names().filter(|n| *n != "mount").collect();
    known.extend(WORKLOAD_NODES.iter().copied().filter(|n| takes(kind, n)));
    if kind.is_batch() {
        known.extend(JOB_NODES);
    }
    if kind == WorkloadKind::CronJob {
        known.extend(CRON_NODES);
    }
    unknown_in(node, &format!("a {}", kind.keyword()), &known, diags);
}

/// Reports a child node that its parent does not take.
pub fn unknown_in(node: &NodeView, parent: &str, known: &[&str], diags: &mut Diagnostics) {
    let name = node.name();
    let all = [
        WORKLOAD_NODES,
        JOB_NODES,
        CRON_NODES,
        &container::node_names().collect::<Vec<_>>(),
    ]
    .concat();
    let help = match crate::diag::did_you_mean(name, known.iter().copied()) {
        Some(best) => format!("did you mean `{best}`?"),
        None if all.contains(&name) => format!("`{name}` is not allowed in {parent}"),
        None => format!("{parent} takes: {}", known.join(", ")),
    };
    diags.push(
        Diagnostic::error(
            codes::UNKNOWN_NODE,
            format!("unknown node `{name}` in {parent}"),
        )
        .label(node.name_span(), "unknown here")
        .help(help),
    );
}

fn percent(val: &Val, diags: &mut Diagnostics) -> Option<u32> {
    values::int(val, 1, 1000, diags).and_then(|n| u32::try_from(n).ok())
}

fn int_or_percent(val: &Val, diags: &mut Diagnostics) -> Option<IntOrPercent> {
    match &val.value {
        Value::Integer(_) => values::count(val, 0, diags)
            .and_then(|n| i32::try_from(n).ok())
            .map(IntOrPercent::Int),
        Value::String(s)
            // maxSurge may exceed 100%; the API server bounds the others.
            if s.strip_suffix('%').is_some_and(|n| n.parse::<u16>().is_ok()) =>
        {
            Some(IntOrPercent::Percent(s.clone()))
        }
        _ => {
            diags.push(
                Diagnostic::error(
                    codes::INVALID_VALUE,
                    format!(
                        "`{}` is neither a count nor a percentage",
                        values::display(&val.value)
                    ),
                )
                .label(val.span, "invalid")
                .help("write a whole number (`1`) or a percentage (\"25%\")"),
            );
            None
        }
    }
}

fn strategy(node: &NodeView, kind: WorkloadKind, diags: &mut Diagnostics) -> Option<Strategy> {
    let mut e = node.read(diags);
    let stateful = kind.is_stateful();
    let allowed: &[&str] = if stateful {
        &["rolling", "on-delete"]
    } else {
        &["rolling", "recreate"]
    };
    let example = if stateful {
        "strategy rolling partition=0"
    } else {
        "strategy rolling max-surge=1 max-unavailable=0"
    };
    let word = e
        .require_arg("a strategy", example, diags)
        .and_then(|v| values::keyword(&v, allowed, diags));
    let mut known: &[&str] = &[];
    let s = match word.as_deref() {
        Some("rolling") if stateful => {
            known = &["partition"];
            let partition = e
                .prop("partition")
                .and_then(|v| values::count(&v, 0, diags));
            Some(Strategy::Rolling {
                max_surge: None,
                max_unavailable: None,
                partition,
            })
        }
        Some("rolling") => {
            known = &["max-surge", "max-unavailable"];
            let max_surge = e.prop("max-surge").and_then(|v| int_or_percent(&v, diags));
            let max_unavailable = e
                .prop("max-unavailable")
                .and_then(|v| int_or_percent(&v, diags));
            Some(Strategy::Rolling {
                max_surge,
                max_unavailable,
                partition: None,
            })
        }
        Some("recreate") => Some(Strategy::Recreate),
        Some("on-delete") => Some(Strategy::OnDelete),
        _ => None,
    };
    e.finish(known, diags);
    s
}

fn disruption(node: &NodeView, diags: &mut Diagnostics) -> Option<Disruption> {
    let mut e = node.read(diags);
    let none = e.next_arg();
    let max = e
        .prop("max-unavailable")
        .and_then(|v| int_or_percent(&v, diags));
    let min = e
        .prop("min-available")
        .and_then(|v| int_or_percent(&v, diags));
    let d = match (none, max, min) {
        (Some(v), None, None) => values::keyword(&v, &["none"], diags).map(|_| Disruption::None),
        (None, Some(m), None) => Some(Disruption::MaxUnavailable(m)),
        (None, None, Some(m)) => Some(Disruption::MinAvailable(m)),
        _ => {
            diags.push(
                Diagnostic::error(codes::INVALID_VALUE, "`disruption` takes exactly one of `none`, `max-unavailable=`, `min-available=`")
                    .label(node.name_span(), "ambiguous")
                    .help("write `disruption max-unavailable=1`, `disruption min-available=\"50%\"` or `disruption none`"),
            );
            None
        }
    };
    e.finish(&["max-unavailable", "min-available"], diags);
    d
}

fn toleration(node: &NodeView, diags: &mut Diagnostics) -> Option<Toleration> {
    let mut e = node.read(diags);
    let key = e
        .require_arg(
            "a taint key",
            "toleration dedicated value=api effect=NoSchedule",
            diags,
        )
        .and_then(|v| values::string(&v, diags));
    let value = e.prop("value").and_then(|v| values::text(&v, diags));
    let effect = e
        .prop("effect")
        .and_then(|v| values::keyword(&v, &["NoSchedule", "PreferNoSchedule", "NoExecute"], diags));
    let operator = e
        .prop("operator")
        .and_then(|v| values::keyword(&v, &["Equal", "Exists"], diags));
    e.finish(&["value", "effect", "operator"], diags);
    let operator = operator.or_else(|| value.is_none().then(|| "Exists".to_owned()));
    Some(Toleration {
        key: key?,
        operator,
        value,
        effect,
    })
}

fn host_path(node: &NodeView, diags: &mut Diagnostics) -> Option<Volume> {
    let mut e = node.read(diags);
    let example = "host-path logs path=\"/var/log/host\" host=\"/var/log\"";
    let name = e
        .require_arg("a volume name", example, diags)
        .and_then(|v| {
            values::dns_label(&v, "volume", 63, "volume names are DNS-1123 labels", diags)
        });
    let path = e
        .require_prop("path", example, diags)
        .and_then(|v| abs_path(&v, diags));
    let host = e
        .require_prop("host", example, diags)
        .and_then(|v| abs_path(&v, diags));
    e.finish(&["path", "host"], diags);
    let kind = VolumeKind::HostPath { host: host? };
    Some(Volume {
        name: name?,
        path: path?,
        kind,
        span: node.name_span(),
    })
}

fn volume(node: &NodeView, diags: &mut Diagnostics) -> Option<Volume> {
    let mut e = node.read(diags);
    let span = node.name_span();
    if node.name() == "host-path" {
        return host_path(node, diags);
    }
    let persistent = node.name() == "volume";
    let example = if persistent {
        "volume data path=\"/data\" size=\"10Gi\""
    } else {
        "empty-dir tmp path=\"/tmp\""
    };
    let name = e
        .require_arg("a volume name", example, diags)
        .and_then(|v| {
            values::dns_label(&v, "volume", 63, "volume names are DNS-1123 labels", diags)
        });
    let path = e
        .require_prop("path", example, diags)
        .and_then(|v| abs_path(&v, diags));
    let kind = if persistent {
        let size = match e.prop("size") {
            Some(v) => values::quantity(&v, diags),
            None => {
                diags.push(
                    Diagnostic::error(codes::MISSING_VALUE, "a persistent `volume` needs `size=`")
                        .label(span, "no size")
                        .help("write `size=\"10Gi\"`; for a scratch directory that lives with the pod, write `empty-dir NAME path=…`"),
                );
                None
            }
        };
        let class = e
            .prop("class")
            .and_then(|v| values::dns_label(&v, "StorageClass", 253, "", diags));
        let access = match e.prop("access") {
            Some(v) => {
                let modes = [
                    "ReadWriteOnce",
                    "ReadWriteMany",
                    "ReadOnlyMany",
                    "ReadWriteOncePod",
                ];
                match values::keyword(&v, &modes, diags)?.as_str() {
                    "ReadWriteMany" => AccessMode::ReadWriteMany,
                    "ReadOnlyMany" => AccessMode::ReadOnlyMany,
                    "ReadWriteOncePod" => AccessMode::ReadWriteOncePod,
                    _ => AccessMode::ReadWriteOnce,
                }
            }
            None => AccessMode::ReadWriteOnce,
        };
        e.finish(&["path", "size", "class", "access"], diags);
        VolumeKind::Persistent {
            size: size?,
            class,
            access,
        }
    } else {
        let memory = e
            .prop("memory")
            .and_then(|v| values::boolean(&v, diags))
            .unwrap_or(false);
        let size = e.prop("size").and_then(|v| values::quantity(&v, diags));
        e.finish(&["path", "memory", "size"], diags);
        VolumeKind::EmptyDir { memory, size }
    };
    Some(Volume {
        name: name?,
        path: path?,
        kind,
        span,
    })
}
