//! How a workload rolls out and scales: `replicas`, `autoscale`, `strategy`, `disruption` and
//! `canary`.

use super::builder::{AppDefaults, WorkloadBuilder};
use crate::diag::{Diagnostic, Diagnostics, codes};
use crate::model::{Autoscale, Canary, Disruption, IntOrPercent, Strategy, WorkloadKind};
use crate::resolve::container;
use crate::resolve::values::{self, NodeView, Val};
use crate::syntax::reader::Value;

/// `replicas N`: a fixed number of pods.
pub(super) fn replicas(
    b: &mut WorkloadBuilder,
    node: &NodeView,
    _app: &AppDefaults,
    diags: &mut Diagnostics,
) {
    let span = node.name_span();
    let mut e = node.read(diags);
    if let Some(v) = e.require_arg("a count", "replicas 2", diags)
        && let Some(n) = values::count(&v, 0, diags)
        && b.layers.first("replicas".into(), "`replicas`", span, diags)
    {
        b.w.replicas = Some(n);
        b.w.replicas_span = Some(v.span);
    }
    e.finish(&[], diags);
}

/// `autoscale min=… max=… [cpu=…] [memory=…]`, or `autoscale none`.
pub(super) fn autoscale(
    b: &mut WorkloadBuilder,
    node: &NodeView,
    _app: &AppDefaults,
    diags: &mut Diagnostics,
) {
    if removed(b, node, diags) {
        return;
    }
    let span = node.name_span();
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
        && b.layers
            .first("autoscale".into(), "`autoscale`", span, diags)
    {
        b.w.autoscale = Some(Autoscale {
            min,
            max,
            cpu,
            memory,
            span,
        });
    }
    e.finish(&["min", "max", "cpu", "memory"], diags);
}

/// `strategy rolling|recreate|on-delete …`: how pods are replaced.
pub(super) fn strategy(
    b: &mut WorkloadBuilder,
    node: &NodeView,
    _app: &AppDefaults,
    diags: &mut Diagnostics,
) {
    let span = node.name_span();
    let kind = b.w.kind;
    if let Some(s) = read_strategy(node, kind, diags)
        && b.layers.first("strategy".into(), "`strategy`", span, diags)
    {
        b.w.strategy = Some(s);
    }
}

/// `disruption …`: the PodDisruptionBudget.
pub(super) fn disruption(
    b: &mut WorkloadBuilder,
    node: &NodeView,
    _app: &AppDefaults,
    diags: &mut Diagnostics,
) {
    let span = node.name_span();
    if let Some(d) = read_disruption(node, diags)
        && b.layers
            .first("disruption".into(), "`disruption`", span, diags)
    {
        b.w.disruption = d;
        b.w.disruption_span = Some(node.span());
    }
}

/// `canary image=… weight=…`, or `canary none`: a second, small version beside this one.
pub(super) fn canary(
    b: &mut WorkloadBuilder,
    node: &NodeView,
    app: &AppDefaults,
    diags: &mut Diagnostics,
) {
    if removed(b, node, diags) {
        return;
    }
    let span = node.name_span();
    if let Some(canary) = b.read_canary(node, app, diags)
        && b.layers.first("canary".into(), "`canary`", span, diags)
    {
        b.w.canary = Some(canary);
    }
}

/// `autoscale none` / `canary none`: an environment or instance block removes what the workload
/// has. Whether `node` is that form; then it is read.
fn removed(b: &mut WorkloadBuilder, node: &NodeView, diags: &mut Diagnostics) -> bool {
    let none = node
        .node
        .entries()
        .next()
        .is_some_and(|e| e.name().is_none() && e.value().as_str() == Some("none"));
    if !none {
        return false;
    }
    let name = node.name();
    let span = node.name_span();
    let mut e = node.read(diags);
    e.set_form(format!("{name} none"));
    let _none = e.next_arg();
    e.finish(&[], diags);
    if b.layers
        .first(name.to_owned(), &format!("`{name}`"), span, diags)
    {
        if name == "autoscale" {
            b.w.autoscale = None;
        } else {
            b.w.canary = None;
        }
    }
    true
}

impl WorkloadBuilder {
    /// `canary image="…" weight=10 [replicas=N]`, or `tag="…"` for the stable image's repository.
    fn read_canary(
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
                        values::written(val)
                    ),
                )
                .label(val.span, "invalid")
                .help("write a whole number (`1`) or a percentage (\"25%\")"),
            );
            None
        }
    }
}

/// Whether a rollout bound allows no pod at all (`0` or `"0%"`).
fn is_zero(v: &IntOrPercent) -> bool {
    match v {
        IntOrPercent::Int(n) => *n == 0,
        IntOrPercent::Percent(p) => p.trim_end_matches('%').parse::<u16>() == Ok(0),
    }
}

/// Whether a percentage is above 100%, more pods than there are.
fn over_all(v: &IntOrPercent) -> bool {
    match v {
        IntOrPercent::Int(_) => false,
        IntOrPercent::Percent(p) => p
            .trim_end_matches('%')
            .parse::<u16>()
            .is_ok_and(|n| n > 100),
    }
}

fn read_strategy(node: &NodeView, kind: WorkloadKind, diags: &mut Diagnostics) -> Option<Strategy> {
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
            let surge = e.prop("max-surge");
            let unavailable = e.prop("max-unavailable");
            let max_surge = surge.as_ref().and_then(|v| int_or_percent(v, diags));
            let max_unavailable = unavailable.as_ref().and_then(|v| int_or_percent(v, diags));
            if let Some(v) = &unavailable
                && max_unavailable.as_ref().is_some_and(over_all)
            {
                diags.push(
                    Diagnostic::error(
                        codes::INVALID_VALUE,
                        "`max-unavailable` cannot be more than 100%",
                    )
                    .label(v.span, "more than every pod")
                    .help("write a percentage up to \"100%\", or a count"),
                );
            }
            if let (Some(surge_val), Some(v)) = (&surge, &unavailable)
                && max_surge.as_ref().is_some_and(is_zero)
                && max_unavailable.as_ref().is_some_and(is_zero)
            {
                diags.push(
                    Diagnostic::error(
                        codes::INVALID_VALUE,
                        "`max-surge` and `max-unavailable` are both zero",
                    )
                    .label(v.span, "no pod may be down")
                    .label(surge_val.span, "no pod may be added")
                    .help("a rollout could never replace a pod: allow one, e.g. `max-surge=1 max-unavailable=0`"),
                );
            }
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

fn read_disruption(node: &NodeView, diags: &mut Diagnostics) -> Option<Disruption> {
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
