//! How a workload's pods run: their identity and security, where they are scheduled, their
//! access to the node, their labels and annotations, and the rules silenced for them.

use super::builder::{AppDefaults, WorkloadBuilder};
use crate::diag::{Diagnostic, Diagnostics, codes};
use crate::model::{ServiceAccount, Toleration};
use crate::resolve::shared::{Pairs, allow as read_allow, flag, key_values, security_level};
use crate::resolve::values::{self, NodeView};

/// `service-account [NAME [create=#true]]`: one made for the workload (named after it, or
/// `NAME`), or an existing one.
pub(super) fn service_account(
    b: &mut WorkloadBuilder,
    node: &NodeView,
    _app: &AppDefaults,
    diags: &mut Diagnostics,
) {
    let span = node.name_span();
    let mut e = node.read(diags);
    let name = e.next_arg();
    let create = match e.prop("create") {
        Some(v) if name.is_none() => {
            diags.push(
                Diagnostic::error(codes::MISSING_VALUE, "`create=` needs the account's name")
                    .label(v.span, "no name to create")
                    .help("write `service-account NAME create=#true`, or `service-account` alone for one named after the workload"),
            );
            None
        }
        Some(v) => values::boolean(&v, diags),
        None => Some(false),
    };
    let sa = match (name, create) {
        (_, None) => None,
        (None, Some(_)) => Some(ServiceAccount::Create),
        (Some(v), Some(create)) => {
            values::dns_label(&v, "ServiceAccount", 253, "", diags).map(|name| {
                if create {
                    ServiceAccount::CreateNamed { name, span: v.span }
                } else {
                    ServiceAccount::Existing { name, span: v.span }
                }
            })
        }
    };
    if let Some(sa) = sa
        && b.layers
            .first("service-account".into(), "`service-account`", span, diags)
    {
        b.w.service_account = sa;
    }
    e.finish(&["create"], diags);
}

/// `security hardened|restricted`: the workload's level, over the app's.
pub(super) fn security(
    b: &mut WorkloadBuilder,
    node: &NodeView,
    _app: &AppDefaults,
    diags: &mut Diagnostics,
) {
    let span = node.name_span();
    if let Some(level) = security_level(node, diags)
        && b.layers.first("security".into(), "`security`", span, diags)
    {
        b.w.security = level;
    }
}

/// `run-as user=… group=… fs-group=…`: the pods' identity.
pub(super) fn run_as(
    b: &mut WorkloadBuilder,
    node: &NodeView,
    _app: &AppDefaults,
    diags: &mut Diagnostics,
) {
    let span = node.name_span();
    if let Some(run_as) = crate::resolve::shared::run_as(node, diags)
        && b.layers.first("run-as".into(), "`run-as`", span, diags)
    {
        b.w.run_as = Some(run_as);
    }
}

/// `read-only-root [#true|#false]`: a read-only root filesystem for every container.
pub(super) fn read_only_root(
    b: &mut WorkloadBuilder,
    node: &NodeView,
    _app: &AppDefaults,
    diags: &mut Diagnostics,
) {
    let span = node.name_span();
    if let Some(on) = flag(node, diags)
        && b.layers
            .first("read-only-root".into(), "`read-only-root`", span, diags)
    {
        b.w.read_only_root = on;
    }
}

/// `node-selector KEY=VALUE…`: the labels of the nodes the pods may run on.
pub(super) fn node_selector(
    b: &mut WorkloadBuilder,
    node: &NodeView,
    _app: &AppDefaults,
    diags: &mut Diagnostics,
) {
    let map = key_values(node, Pairs::NodeLabels, diags);
    b.w.node_selector.extend(map);
}

/// `labels KEY=VALUE…`: extra labels on the workload's objects and pods.
pub(super) fn labels(
    b: &mut WorkloadBuilder,
    node: &NodeView,
    _app: &AppDefaults,
    diags: &mut Diagnostics,
) {
    let map = key_values(node, Pairs::Labels, diags);
    b.w.labels.extend(map);
}

/// `annotations KEY=VALUE…`: annotations on the pod template.
pub(super) fn annotations(
    b: &mut WorkloadBuilder,
    node: &NodeView,
    _app: &AppDefaults,
    diags: &mut Diagnostics,
) {
    let map = key_values(node, Pairs::Annotations, diags);
    b.w.annotations.extend(map);
}

/// `toleration KEY …`: a taint the pods tolerate.
pub(super) fn toleration(
    b: &mut WorkloadBuilder,
    node: &NodeView,
    _app: &AppDefaults,
    diags: &mut Diagnostics,
) {
    if let Some(t) = read_toleration(node, diags) {
        b.w.tolerations.push(t);
    }
}

/// `host-network [#true|#false]`: the pods use the node's network namespace.
pub(super) fn host_network(
    b: &mut WorkloadBuilder,
    node: &NodeView,
    _app: &AppDefaults,
    diags: &mut Diagnostics,
) {
    let span = node.name_span();
    if let Some(on) = flag(node, diags)
        && b.layers
            .first("host-network".into(), "`host-network`", span, diags)
    {
        b.w.host_network = on;
        b.w.host_network_span = Some(node.span());
    }
}

/// `allow CODE reason="…"`: a rule silenced for this workload.
pub(super) fn allow(
    b: &mut WorkloadBuilder,
    node: &NodeView,
    _app: &AppDefaults,
    diags: &mut Diagnostics,
) {
    if let Some(allow) = read_allow(node, diags) {
        b.w.allows.push(allow);
    }
}

fn read_toleration(node: &NodeView, diags: &mut Diagnostics) -> Option<Toleration> {
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

/// `capabilities NAME…` or `capabilities none`: the Linux capabilities every container adds
/// after dropping all, in place of the security level's default.
pub(super) fn capabilities(
    b: &mut WorkloadBuilder,
    node: &NodeView,
    _app: &AppDefaults,
    diags: &mut Diagnostics,
) {
    let span = node.name_span();
    let mut e = node.read(diags);
    let args = e.rest_args();
    e.finish(&[], diags);
    if args.is_empty() {
        diags.push(
            Diagnostic::error(codes::MISSING_VALUE, "`capabilities` names none")
                .label(span, "no capabilities")
                .help("write `capabilities NET_BIND_SERVICE`, or `capabilities none` to add none"),
        );
        return;
    }
    let mut out = Vec::new();
    let none = args.len() == 1
        && matches!(&args[0].value, crate::syntax::reader::Value::String(s) if s == "none");
    if !none {
        for v in &args {
            let Some(name) = values::string(v, diags) else {
                continue;
            };
            let bare = name.strip_prefix("CAP_").unwrap_or(&name);
            let valid = !bare.is_empty()
                && bare
                    .bytes()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == b'_');
            if !valid || bare.len() != name.len() {
                let help = if valid {
                    format!("Kubernetes names capabilities without `CAP_`: write `{bare}`")
                } else {
                    "write a Linux capability in capitals, such as `NET_BIND_SERVICE` or `SYS_PTRACE`".to_owned()
                };
                diags.push(
                    Diagnostic::error(
                        codes::INVALID_VALUE,
                        format!("`{name}` is not a capability as Kubernetes names them"),
                    )
                    .label(v.span, "not a capability")
                    .help(help),
                );
                continue;
            }
            if name == "ALL" {
                diags.push(
                    Diagnostic::error(codes::INVALID_VALUE, "`capabilities ALL` adds every capability")
                        .label(v.span, "every capability")
                        .help("name the capabilities the program needs; for full access to the node, write `privileged` (which the checks flag)"),
                );
                continue;
            }
            if !out.contains(&name) {
                out.push(name);
            }
        }
    }
    if b.layers
        .first("capabilities".into(), "`capabilities`", span, diags)
    {
        b.w.capabilities = Some(out);
    }
}

/// `termination-grace DURATION`: how long the pods have to stop once asked (Kubernetes'
/// default is 30 seconds).
pub(super) fn termination_grace(
    b: &mut WorkloadBuilder,
    node: &NodeView,
    _app: &AppDefaults,
    diags: &mut Diagnostics,
) {
    let span = node.name_span();
    let mut e = node.read(diags);
    let seconds = e
        .require_arg("a duration", "termination-grace \"45s\"", diags)
        .and_then(|v| values::duration(&v, diags));
    e.finish(&[], diags);
    if let Some(seconds) = seconds
        && b.layers.first(
            "termination-grace".into(),
            "`termination-grace`",
            span,
            diags,
        )
    {
        b.w.termination_grace = Some(seconds);
    }
}

/// `access read|write RESOURCE… [group=GROUP]`: what the workload's ServiceAccount may do with
/// those resources in the app's namespace.
pub(super) fn access(
    b: &mut WorkloadBuilder,
    node: &NodeView,
    _app: &AppDefaults,
    diags: &mut Diagnostics,
) {
    let span = node.name_span();
    let mut e = node.read(diags);
    let example = "access read \"services\" \"endpoints\"";
    let mode = e
        .require_arg("`read` or `write`", example, diags)
        .and_then(|v| values::keyword(&v, &["read", "write"], diags));
    let args = e.rest_args();
    let group_val = e.prop("group");
    e.finish(&["group"], diags);
    let Some(mode) = mode else { return };
    for access in crate::resolve::access::rules(&mode, &args, group_val.as_ref(), span, diags) {
        b.w.access.push(access);
    }
}
