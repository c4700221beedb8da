//! The app's settings: `namespace`, `registry`, `security`, `labels`, `cluster`… One reader per
//! setting, found by its name in [`APP_SETTINGS`], which also says which settings an environment
//! may set again. They apply to every workload wherever they are written.

use crate::diag::{Diagnostic, Diagnostics, codes};
use crate::model::{App, Cluster, NetworkPolicy};
use crate::resolve::container;
use crate::resolve::layers::Layers;
use crate::resolve::shared::{Pairs, allow as read_allow, key_values, security_level};
use crate::resolve::values::{self, NodeView, Val};

/// Reads one setting into the app, over what earlier layers set.
type Reader = fn(&mut App, &NodeView, &mut Layers, &mut Diagnostics);

/// One of the app's settings.
struct Setting {
    /// The node's name.
    name: &'static str,
    /// Whether an environment may set it again.
    in_environment: bool,
    /// Its reader.
    read: Reader,
}

/// The app's settings, in the order help lists them.
const APP_SETTINGS: &[Setting] = &[
    app_only("allow", allow),
    per_environment("cluster", cluster),
    app_only("network-policy", network_policy),
    app_only("default-gateway", default_gateway),
    per_environment("namespace", namespace),
    per_environment("registry", registry),
    per_environment("security", security),
    per_environment("labels", labels),
    per_environment("annotations", annotations),
    per_environment("ingress-class", ingress_class),
    per_environment("run-as", run_as),
    per_environment("read-only-root", read_only_root),
    per_environment("node-selector", node_selector),
    app_only("config-map", config_map),
    app_only("secret", secret),
    app_only("external", external),
    app_only("role", role),
    app_only("manifest", manifest),
    app_only("patch", patch),
];

/// `patch KIND NAME { field VALUE; field { … }; list KEY=VALUE { … }; field #null }`: edits of an
/// object Windlass writes (checked against the objects once they are written).
fn patch(app: &mut App, node: &NodeView, _layers: &mut Layers, diags: &mut Diagnostics) {
    let mut e = node.read(diags);
    let example =
        "patch Deployment orders { spec { template { spec { priorityClassName high } } } }";
    let kind = e.require_arg("the object's kind", example, diags).and_then(|v| {
        let kind = values::string(&v, diags)?;
        let valid = kind.starts_with(|c: char| c.is_ascii_uppercase())
            && kind.bytes().all(|b| b.is_ascii_alphanumeric());
        if !valid {
            diags.push(
                Diagnostic::error(codes::INVALID_VALUE, format!("`{kind}` is not a kind"))
                    .label(v.span, "not a kind")
                    .help("write the object's kind as in its YAML: `Deployment`, `Service`, `StatefulSet`"),
            );
            return None;
        }
        Some(kind)
    });
    let name = e
        .require_arg("the object's name", example, diags)
        .and_then(|v| values::string(&v, diags));
    e.finish(&[], diags);
    let edits = edits(node, diags);
    let (Some(kind), Some(name)) = (kind, name) else {
        return;
    };
    if edits.is_empty() {
        diags.push(
            Diagnostic::error(
                codes::MISSING_VALUE,
                format!("the patch of {kind} `{name}` changes nothing"),
            )
            .label(node.name_span(), "no edits")
            .help(format!(
                "write the fields to change in its block: `{example}`"
            )),
        );
        return;
    }
    app.patches.push(crate::model::Patch {
        kind,
        name,
        span: node.name_span(),
        edits,
    });
}

/// The edits of a patch's block (or of a field's within it).
fn edits(node: &NodeView, diags: &mut Diagnostics) -> Vec<crate::model::Edit> {
    use crate::model::Edit;
    use crate::syntax::reader::Value;
    let mut out = Vec::new();
    for child in node.children() {
        let key = child.name().to_owned();
        let span = child.name_span();
        let mut e = child.read(diags);
        let args = e.rest_args();
        let props = e.rest_props();
        e.finish(&[], diags);
        let json = |v: &Val| match &v.value {
            Value::String(s) => serde_json::Value::String(s.clone()),
            Value::Integer(i) => {
                i64::try_from(*i).map_or(serde_json::Value::Null, serde_json::Value::from)
            }
            Value::Float(f) => serde_json::Number::from_f64(*f)
                .map_or(serde_json::Value::Null, serde_json::Value::Number),
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Null => serde_json::Value::Null,
        };
        let is_null = args.len() == 1 && matches!(args[0].value, Value::Null);
        match (props.as_slice(), child.has_children()) {
            ([], false) if is_null => out.push(Edit::Delete { key, span }),
            ([], false) if args.len() == 1 => out.push(Edit::Set {
                key,
                value: json(&args[0]),
                span,
            }),
            ([], false) if args.len() > 1 => out.push(Edit::Set {
                key,
                value: serde_json::Value::Array(args.iter().map(json).collect()),
                span,
            }),
            ([], true) if args.is_empty() => out.push(Edit::Object {
                key,
                edits: edits(&child, diags),
                span,
            }),
            ([by], has_children) if args.is_empty() || (is_null && !has_children) => {
                out.push(Edit::Entry {
                    key,
                    by: by.key.clone(),
                    value: json(&by.val),
                    edits: if has_children { edits(&child, diags) } else { Vec::new() },
                    remove: is_null,
                    span,
                });
            }
            _ => diags.push(
                Diagnostic::error(codes::INVALID_VALUE, format!("`{key}` is not an edit"))
                    .label(span, "one value, a list of values, a block, `#null`, or `KEY=VALUE { … }`")
                    .help("write `field VALUE`, `field V1 V2`, `field { … }`, `field #null` (removes it), or `list name=NAME { … }` (edits the entry of the list whose `name` is NAME)"),
            ),
        }
    }
    out
}

/// `manifest "PATH"`: read with the files it names once the settings are (see
/// `resolve/manifests.rs`), so nothing here.
fn manifest(_app: &mut App, _node: &NodeView, _layers: &mut Layers, _diags: &mut Diagnostics) {}

/// `role NAME account=ACCOUNT { read RESOURCE…; write RESOURCE… }`: what an account that several
/// workloads run as may do through the API.
fn role(app: &mut App, node: &NodeView, _layers: &mut Layers, diags: &mut Diagnostics) {
    let mut e = node.read(diags);
    let example = "role namespace-reader account=default { read \"services\" \"endpoints\" }";
    let name = e
        .require_arg("the Role's name", example, diags)
        .and_then(|v| values::dns_label(&v, "Role", 244, "", diags).map(|n| (n, v.span)));
    let account = e
        .require_prop("account", example, diags)
        .and_then(|v| values::dns_label(&v, "ServiceAccount", 253, "", diags));
    e.finish(&["account"], diags);
    let mut access = Vec::new();
    for child in node.children() {
        let mode = child.name();
        if mode != "read" && mode != "write" {
            crate::resolve::workload::unknown_in(&child, "a `role`", &["read", "write"], diags);
            continue;
        }
        let mut c = child.read(diags);
        let args = c.rest_args();
        let group = c.prop("group");
        c.finish(&["group"], diags);
        access.extend(crate::resolve::access::rules(
            mode,
            &args,
            group.as_ref(),
            child.name_span(),
            diags,
        ));
    }
    let (Some((name, span)), Some(account)) = (name, account) else {
        return;
    };
    if access.is_empty() {
        diags.push(
            Diagnostic::error(
                codes::MISSING_VALUE,
                format!("the role `{name}` grants nothing"),
            )
            .label(span, "no rules")
            .help("add `read \"services\" \"endpoints\"` (or `write …`) to its block"),
        );
        return;
    }
    if let Some(first) = app.roles.iter().find(|r| r.name == name) {
        diags.push(
            Diagnostic::error(
                codes::DUPLICATE_NAME,
                format!("two roles are named `{name}`"),
            )
            .label(span, "second role")
            .label(first.span, "first defined here")
            .help("give each `role` a name of its own"),
        );
        return;
    }
    app.roles.push(crate::model::AppRole {
        name,
        span,
        account,
        access,
    });
}

/// `external NAME host=…|ip=… port=N [cidr=…] [service=#false]`: a dependency outside the
/// cluster.
fn external(app: &mut App, node: &NodeView, _layers: &mut Layers, diags: &mut Diagnostics) {
    let mut e = node.read(diags);
    let example = "external orders-db host=\"orders.example.com\" port=5432";
    let name = e
        .require_arg("the dependency's name", example, diags)
        .and_then(|v| {
            values::dns_label(&v, "Service", 63, "it names the in-cluster Service", diags)
                .map(|n| (n, v.span))
        });
    let host = e.prop("host");
    let ip = e.prop("ip");
    let target = match (host, ip) {
        (Some(h), None) => values::string(&h, diags).and_then(|host| {
            let host = host.strip_suffix('.').unwrap_or(&host).to_owned();
            if crate::model::names::is_domain(&host) {
                Some(crate::model::ExternalTarget::Host(host))
            } else {
                diags.push(
                    Diagnostic::error(codes::INVALID_VALUE, format!("`{host}` is not a host name"))
                        .label(h.span, "not a DNS name")
                        .help("write the dependency's DNS name, such as `orders.abc123.eu-west-1.rds.amazonaws.com`, or its address with `ip=`"),
                );
                None
            }
        }),
        (None, Some(a)) => values::string(&a, diags).and_then(|text| match text.parse() {
            Ok(ip) => Some(crate::model::ExternalTarget::Ip(ip)),
            Err(_) => {
                diags.push(
                    Diagnostic::error(codes::INVALID_VALUE, format!("`{text}` is not an IP address"))
                        .label(a.span, "not an address")
                        .help("write an IPv4 or IPv6 address, such as `10.0.12.5`; a DNS name goes in `host=`"),
                );
                None
            }
        }),
        (Some(h), Some(_)) => {
            diags.push(
                Diagnostic::error(codes::INVALID_VALUE, "an external dependency has a host or an address, not both")
                    .label(h.span, "and `ip=` too")
                    .help("keep `host=` for a DNS name, or `ip=` for a fixed address"),
            );
            None
        }
        (None, None) => {
            diags.push(
                Diagnostic::error(codes::MISSING_VALUE, "an external dependency needs `host=` or `ip=`")
                    .label(node.name_span(), "no address")
                    .help(format!("write `{example}`")),
            );
            None
        }
    };
    let port = e
        .require_prop("port", example, diags)
        .and_then(|v| values::port_number(&v, diags));
    let cidr = e.prop("cidr").and_then(|v| {
        let text = values::string(&v, diags)?;
        let valid = text.split_once('/').is_some_and(|(addr, bits)| {
            match (addr.parse::<std::net::IpAddr>(), bits.parse::<u8>()) {
                (Ok(std::net::IpAddr::V4(_)), Ok(b)) => b <= 32,
                (Ok(std::net::IpAddr::V6(_)), Ok(b)) => b <= 128,
                _ => false,
            }
        });
        if !valid {
            diags.push(
                Diagnostic::error(codes::INVALID_VALUE, format!("`{text}` is not a CIDR"))
                    .label(v.span, "not ADDRESS/BITS")
                    .help("write the network the dependency's addresses are in, such as `10.0.12.0/24`"),
            );
            return None;
        }
        Some(text)
    });
    let service = match e.prop("service") {
        Some(v) => values::boolean(&v, diags).unwrap_or(true),
        None => true,
    };
    e.finish(&["host", "ip", "port", "cidr", "service"], diags);
    let (Some((name, span)), Some(target), Some(port)) = (name, target, port) else {
        return;
    };
    if let Some(first) = app.externals.iter().find(|x| x.name == name) {
        diags.push(
            Diagnostic::error(
                codes::DUPLICATE_NAME,
                format!("two external dependencies are named `{name}`"),
            )
            .label(span, "second one")
            .label(first.span, "first defined here")
            .help("give each `external` a name of its own"),
        );
        return;
    }
    app.externals.push(crate::model::External {
        name,
        span,
        target,
        port,
        cidr,
        service,
    });
}

/// `secret NAME [KEY…] [from="…"]`: a Secret made outside Windlass, declared with its keys.
fn secret(app: &mut App, node: &NodeView, _layers: &mut Layers, diags: &mut Diagnostics) {
    let mut e = node.read(diags);
    let example = "secret stripe \"STRIPE_API_KEY\" from=\"external-secrets\"";
    let name = e
        .require_arg("the Secret's name", example, diags)
        .and_then(|v| values::dns_label(&v, "Secret", 253, "", diags).map(|n| (n, v.span)));
    let mut keys: Vec<String> = Vec::new();
    for v in e.rest_args() {
        if let Some(key) = values::data_key(&v, "Secret", diags) {
            if keys.contains(&key) {
                diags.push(
                    Diagnostic::error(
                        codes::DUPLICATE_NAME,
                        format!("the key `{key}` is declared twice"),
                    )
                    .label(v.span, "declared again")
                    .help("list each key of the Secret once"),
                );
            } else {
                keys.push(key);
            }
        }
    }
    let from = e.prop("from").and_then(|v| values::string(&v, diags));
    e.finish(&["from"], diags);
    let Some((name, span)) = name else { return };
    if let Some(first) = app.secrets.iter().find(|s| s.name == name) {
        diags.push(
            Diagnostic::error(
                codes::DUPLICATE_NAME,
                format!("the Secret `{name}` is declared twice"),
            )
            .label(span, "declared again")
            .label(first.span, "first declared here")
            .help("declare each Secret once, with all its keys"),
        );
        return;
    }
    app.secrets.push(crate::model::DeclaredSecret {
        name,
        span,
        keys,
        from,
    });
}

/// `config-map NAME { data KEY=VALUE…; file "KEY" """…""" }`: a ConfigMap the app makes for its
/// workloads to share.
fn config_map(app: &mut App, node: &NodeView, _layers: &mut Layers, diags: &mut Diagnostics) {
    let mut e = node.read(diags);
    let example = "config-map settings { data LOG_LEVEL=info }";
    let name = e
        .require_arg("the ConfigMap's name", example, diags)
        .and_then(|v| values::dns_label(&v, "ConfigMap", 253, "", diags).map(|n| (n, v.span)));
    e.finish(&[], diags);
    let mut data = std::collections::BTreeMap::new();
    let mut spans: std::collections::BTreeMap<String, crate::source::Span> =
        std::collections::BTreeMap::new();
    let mut put =
        |key: String, value: String, span: crate::source::Span, diags: &mut Diagnostics| {
            if let Some(first) = spans.insert(key.clone(), span) {
                diags.push(
                    Diagnostic::error(
                        codes::DUPLICATE_NAME,
                        format!("the key `{key}` is set twice"),
                    )
                    .label(span, "set again here")
                    .label(first, "first set here")
                    .help("a ConfigMap's keys are unique: keep one of them"),
                );
            } else {
                data.insert(key, value);
            }
        };
    for child in node.children() {
        match child.name() {
            "data" => {
                let mut c = child.read(diags);
                let props = c.rest_props();
                if props.is_empty() {
                    diags.push(
                        Diagnostic::error(codes::MISSING_VALUE, "`data` sets nothing")
                            .label(child.name_span(), "no keys")
                            .help("write `data LOG_LEVEL=info REGION=eu-west-1`"),
                    );
                }
                for p in props {
                    let key_val = Val {
                        value: crate::syntax::reader::Value::String(p.key.clone()),
                        span: p.span,
                        raw: None,
                    };
                    if let (Some(key), Some(value)) = (
                        values::data_key(&key_val, "ConfigMap", diags),
                        values::text(&p.val, diags),
                    ) {
                        put(key, value, p.span, diags);
                    }
                }
                c.finish(&[], diags);
            }
            "file" => {
                let mut c = child.read(diags);
                let example = "file \"application.yaml\" \"key: value\"";
                let key = c
                    .require_arg("the file's key", example, diags)
                    .and_then(|v| values::data_key(&v, "ConfigMap", diags));
                let content = c
                    .require_arg("the file's content", example, diags)
                    .and_then(|v| values::string(&v, diags))
                    .map(|c| {
                        if c.is_empty() || c.ends_with('\n') {
                            c
                        } else {
                            c + "\n"
                        }
                    });
                c.finish(&[], diags);
                if let (Some(key), Some(content)) = (key, content) {
                    put(key, content, child.name_span(), diags);
                }
            }
            _ => crate::resolve::workload::unknown_in(
                &child,
                "a `config-map`",
                &["data", "file"],
                diags,
            ),
        }
    }
    let Some((name, span)) = name else { return };
    if let Some(first) = app.config_maps.iter().find(|c| c.name == name) {
        diags.push(
            Diagnostic::error(
                codes::DUPLICATE_NAME,
                format!("two ConfigMaps are named `{name}`"),
            )
            .label(span, "second ConfigMap with this name")
            .label(first.span, "first defined here")
            .help("give each `config-map` a name of its own"),
        );
        return;
    }
    if data.is_empty() {
        diags.push(
            Diagnostic::error(
                codes::MISSING_VALUE,
                format!("ConfigMap `{name}` holds nothing"),
            )
            .label(span, "no keys")
            .help("add `data KEY=VALUE` or `file \"KEY\" \"content\"` to its block"),
        );
        return;
    }
    app.config_maps
        .push(crate::model::SharedConfig { name, span, data });
}

/// `run-as …` in the app: every workload's pods' identity unless it says its own.
fn run_as(app: &mut App, node: &NodeView, layers: &mut Layers, diags: &mut Diagnostics) {
    let span = node.name_span();
    if let Some(run_as) = crate::resolve::shared::run_as(node, diags)
        && layers.first("run-as".into(), "`run-as`", span, diags)
    {
        app.pod_defaults.run_as = Some(run_as);
    }
}

/// `read-only-root [#true|#false]` in the app: every workload's default.
fn read_only_root(app: &mut App, node: &NodeView, layers: &mut Layers, diags: &mut Diagnostics) {
    let span = node.name_span();
    if let Some(on) = crate::resolve::shared::flag(node, diags)
        && layers.first("read-only-root".into(), "`read-only-root`", span, diags)
    {
        app.pod_defaults.read_only_root = on;
    }
}

/// `node-selector KEY=VALUE…` in the app: the nodes every workload's pods may run on, with
/// what a workload adds.
fn node_selector(app: &mut App, node: &NodeView, _layers: &mut Layers, diags: &mut Diagnostics) {
    let map = key_values(node, Pairs::NodeLabels, diags);
    app.pod_defaults.node_selector.extend(map);
}

/// A setting of the app alone.
const fn app_only(name: &'static str, read: Reader) -> Setting {
    Setting {
        name,
        in_environment: false,
        read,
    }
}

/// A setting an environment may set again, over the app's.
const fn per_environment(name: &'static str, read: Reader) -> Setting {
    Setting {
        name,
        in_environment: true,
        read,
    }
}

/// Whether `name` is one of the app's settings.
pub fn is_setting(name: &str) -> bool {
    APP_SETTINGS.iter().any(|s| s.name == name)
}

/// The names of the app's settings, in the order help lists them.
pub fn names() -> impl Iterator<Item = &'static str> {
    APP_SETTINGS.iter().map(|s| s.name)
}

/// Whether an environment may set `name` again.
pub fn is_environment_setting(name: &str) -> bool {
    APP_SETTINGS
        .iter()
        .any(|s| s.in_environment && s.name == name)
}

/// The names of the settings an environment may set again, in the order help lists them.
pub fn environment_names() -> impl Iterator<Item = &'static str> {
    APP_SETTINGS
        .iter()
        .filter(|s| s.in_environment)
        .map(|s| s.name)
}

/// Reads the settings among `children` (the app's block), then `environment` (the selected
/// environment's settings) as a layer over them.
pub fn read<'a>(
    app: &mut App,
    children: impl Iterator<Item = NodeView<'a>>,
    environment: &[NodeView<'a>],
    diags: &mut Diagnostics,
) {
    let mut layers = Layers::default();
    // Settings first: they apply to every workload wherever they are written. An environment's
    // settings come after the app's, as a layer that replaces them.
    let app_settings: Vec<NodeView> = children.filter(|c| is_setting(c.name())).collect();
    let first_env = app_settings.len();
    for (i, child) in app_settings
        .into_iter()
        .chain(environment.iter().copied())
        .enumerate()
    {
        if i == first_env {
            layers.next_layer();
        }
        let child_name = child.name();
        let Some(setting) = APP_SETTINGS.iter().find(|s| s.name == child_name) else {
            continue;
        };
        (setting.read)(app, &child, &mut layers, diags);
    }
}

/// `labels KEY=VALUE…`: extra labels on every object.
fn labels(app: &mut App, node: &NodeView, _layers: &mut Layers, diags: &mut Diagnostics) {
    let map = key_values(node, Pairs::Labels, diags);
    app.labels.extend(map);
}

/// `annotations KEY=VALUE…`: extra annotations on every object.
fn annotations(app: &mut App, node: &NodeView, _layers: &mut Layers, diags: &mut Diagnostics) {
    let map = key_values(node, Pairs::Annotations, diags);
    app.annotations.extend(map);
}

/// `allow CODE reason="…"`: a rule silenced for the whole app.
fn allow(app: &mut App, node: &NodeView, _layers: &mut Layers, diags: &mut Diagnostics) {
    if let Some(allow) = read_allow(node, diags) {
        app.allows.push(allow);
    }
}

/// `network-policy [ingress-namespace=…]`: NetworkPolicies from the graph of the workloads.
fn network_policy(app: &mut App, node: &NodeView, layers: &mut Layers, diags: &mut Diagnostics) {
    let span = node.name_span();
    let mut e = node.read(diags);
    let namespace = match e.prop("ingress-namespace") {
        Some(v) => values::dns_label(&v, "namespace", 63, "namespaces are DNS-1123 labels", diags),
        None => Some("ingress-nginx".to_owned()),
    };
    e.finish(&["ingress-namespace"], diags);
    if let Some(ingress_namespace) = namespace
        && layers.first("network-policy".into(), "`network-policy`", span, diags)
    {
        app.network_policy = Some(NetworkPolicy {
            ingress_namespace,
            span,
        });
    }
}

/// `default-gateway NAME [namespace=…]`: the Gateway `expose http-route` attaches to.
fn default_gateway(app: &mut App, node: &NodeView, layers: &mut Layers, diags: &mut Diagnostics) {
    let span = node.name_span();
    let mut e = node.read(diags);
    let name = e
        .require_arg(
            "a Gateway's name",
            "default-gateway public namespace=infra",
            diags,
        )
        .and_then(|v| values::dns_label(&v, "Gateway", 253, "", diags));
    let namespace = e
        .prop("namespace")
        .and_then(|v| values::dns_label(&v, "namespace", 63, "", diags));
    e.finish(&["namespace"], diags);
    if let Some(name) = name
        && layers.first("default-gateway".into(), "`default-gateway`", span, diags)
    {
        app.default_gateway = Some((name, namespace));
    }
}

/// `cluster [NAME] [node-port-range="…"]`: which cluster the app (or an environment) runs in, and
/// what the checks need to know of it.
fn cluster(app: &mut App, node: &NodeView, layers: &mut Layers, diags: &mut Diagnostics) {
    let span = node.name_span();
    if let Some(cluster) = read_cluster(node, diags)
        && layers.first("cluster".into(), "`cluster`", span, diags)
    {
        app.cluster = cluster;
    }
}

/// `security hardened|restricted`: the default level of the workloads.
fn security(app: &mut App, node: &NodeView, layers: &mut Layers, diags: &mut Diagnostics) {
    let span = node.name_span();
    if let Some(level) = security_level(node, diags)
        && layers.first("security".into(), "`security`", span, diags)
    {
        app.security = level;
    }
}

/// `namespace NAME`: the namespace of every object. Not one of Kubernetes' own (`kube-…`).
fn namespace(app: &mut App, node: &NodeView, layers: &mut Layers, diags: &mut Diagnostics) {
    one_value(
        app,
        node,
        layers,
        "namespace shop",
        diags,
        |app, v, diags| {
            let Some(ns) =
                values::dns_label(v, "namespace", 63, "namespaces are DNS-1123 labels", diags)
            else {
                return;
            };
            if ns.starts_with("kube-") {
                diags.push(
                    Diagnostic::error(
                        codes::INVALID_VALUE,
                        format!("`{ns}` is a namespace of Kubernetes itself"),
                    )
                    .label(v.span, "reserved for the cluster's own components")
                    .help(format!(
                        "Kubernetes reserves the `kube-` prefix for its system namespaces: give the app a namespace of its own, such as `namespace {}`",
                        if app.name.is_empty() { "shop" } else { &app.name }
                    )),
                );
                return;
            }
            app.namespace = ns;
            app.namespace_span = Some(v.span);
        },
    );
}

/// `registry "HOST[/PATH]"`: the prefix of image references that name no registry host. Checked
/// as the start of every image reference it will prefix.
fn registry(app: &mut App, node: &NodeView, layers: &mut Layers, diags: &mut Diagnostics) {
    one_value(
        app,
        node,
        layers,
        "registry \"registry.example.com/shop\"",
        diags,
        |app, v, diags| {
            let Some(r) = values::string(v, diags) else {
                return;
            };
            let trimmed = r.trim_end_matches('/');
            let variable = r.contains("${") || r.contains("$(");
            let problem = if trimmed.is_empty() || r.contains(char::is_whitespace) {
                Err("empty or contains spaces")
            } else if variable {
                Err("a variable, which nothing substitutes")
            } else {
                container::check_repository(trimmed, container::Part::Registry)
            };
            match problem {
                Ok(_) => app.registry = Some(trimmed.to_owned()),
                Err(why) => diags.push(
                    Diagnostic::error(codes::INVALID_IMAGE, format!("`{r}` is not a registry"))
                        .label(v.span, why)
                        .help(registry_help(&r, variable)),
                ),
            }
        },
    );
}

/// How to write a registry instead of `written`.
fn registry_help(written: &str, variable: bool) -> String {
    let example = "such as \"registry.example.com/shop\"";
    if variable {
        format!(
            "Windlass does not substitute variables: write the registry itself, {example}, and set another one for an environment with `registry` in its `environment` block"
        )
    } else if let Some((_, rest)) = written.split_once("://") {
        format!("write the registry without a scheme: \"{rest}\"")
    } else {
        format!(
            "write a registry host with an optional path of lower-case letters, digits, `.`, `_` and `-`, {example}"
        )
    }
}

/// `ingress-class NAME`: the default `ingressClassName`.
fn ingress_class(app: &mut App, node: &NodeView, layers: &mut Layers, diags: &mut Diagnostics) {
    one_value(
        app,
        node,
        layers,
        "ingress-class nginx",
        diags,
        |app, v, diags| {
            app.ingress_class = values::dns_label(v, "IngressClass", 253, "", diags);
        },
    );
}

/// Reads `NAME VALUE` of a setting that takes one value; `set` converts and stores it once the
/// layers take it.
fn one_value(
    app: &mut App,
    node: &NodeView,
    layers: &mut Layers,
    example: &str,
    diags: &mut Diagnostics,
    set: impl FnOnce(&mut App, &Val, &mut Diagnostics),
) {
    let child_name = node.name();
    let span = node.name_span();
    let mut e = node.read(diags);
    if let Some(v) = e.require_arg("a value", example, diags)
        && layers.first(
            child_name.to_owned(),
            &format!("`{child_name}`"),
            span,
            diags,
        )
    {
        set(app, &v, diags);
    }
    e.finish(&[], diags);
}

/// Reads `cluster node-port-range="30000-32767"`: what the checks need to know of the cluster.
fn read_cluster(view: &NodeView, diags: &mut Diagnostics) -> Option<Cluster> {
    let mut e = view.read(diags);
    let name = e.next_arg();
    let range = e.prop("node-port-range");
    e.finish(&["node-port-range"], diags);
    let mut cluster = Cluster::default();
    if let Some(name) = &name {
        cluster.name = Some(values::dns_label(
            name,
            "cluster",
            63,
            "a cluster's name is a DNS label, such as `prod-eu`",
            diags,
        )?);
        cluster.name_span = Some(name.span);
    }
    let Some(range) = range else {
        if name.is_some() {
            return Some(cluster);
        }
        diags.push(
            Diagnostic::error(codes::MISSING_VALUE, "`cluster` sets nothing")
                .label(view.name_span(), "no settings")
                .help("write `cluster NAME` (environments of one cluster are checked together) or `cluster node-port-range=\"30000-32767\"`"),
        );
        return None;
    };
    let text = values::string(&range, diags)?;
    let parsed = text
        .split_once('-')
        .and_then(|(a, b)| Some((a.trim().parse::<u16>().ok()?, b.trim().parse::<u16>().ok()?)))
        .filter(|(a, b)| 0 < *a && a <= b);
    if parsed.is_none() {
        diags.push(
            Diagnostic::error(
                codes::INVALID_VALUE,
                format!("`{text}` is not a port range"),
            )
            .label(range.span, "expected FIRST-LAST")
            .help("write the API server's --service-node-port-range, such as \"30000-32767\""),
        );
    }
    cluster.node_port_range = parsed?;
    cluster.span = Some(range.span);
    Some(cluster)
}

/// An app that sets no `namespace` runs in the namespace of its name, which must not be one of
/// Kubernetes' own either: `app kube-tools` alone would write into `kube-tools`.
pub fn check_default_namespace(app: &App, diags: &mut Diagnostics) {
    if app.namespace_span.is_some() || !app.namespace.starts_with("kube-") {
        return;
    }
    diags.push(
        Diagnostic::error(
            codes::INVALID_VALUE,
            format!(
                "`{}` would be the app's namespace, and `kube-` namespaces are Kubernetes' own",
                app.namespace
            ),
        )
        .label(
            app.span,
            "the namespace is the app's name unless `namespace` says otherwise",
        )
        .help("set the app's own namespace with `namespace NAME`, such as `namespace tools`"),
    );
}
