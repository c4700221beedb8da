//! Scaling and availability: the HorizontalPodAutoscaler, the PodDisruptionBudget, and the
//! topology spread constraints of pods that run more than once.

use k8s_openapi::api::autoscaling::v2::{
    CrossVersionObjectReference, HorizontalPodAutoscaler, HorizontalPodAutoscalerSpec, MetricSpec,
    MetricTarget, ResourceMetricSource,
};
use k8s_openapi::api::core::v1::TopologySpreadConstraint;
use k8s_openapi::api::policy::v1::{PodDisruptionBudget, PodDisruptionBudgetSpec};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::{Scope, int, int_or_string};
use crate::model::names;
use crate::model::{Disruption, Workload};

/// The CPU utilization target when `autoscale` names none.
const DEFAULT_CPU_TARGET: u32 = 80;

/// The topology keys pods are spread over: nodes, then zones.
const SPREAD_KEYS: [&str; 2] = ["kubernetes.io/hostname", "topology.kubernetes.io/zone"];

/// The controller kind an autoscaler or budget points at; `None` for jobs.
fn scalable_kind(workload: &Workload) -> Option<&'static str> {
    if workload.kind.is_deployment() {
        Some("Deployment")
    } else if workload.kind.is_stateful() {
        Some("StatefulSet")
    } else {
        None
    }
}

/// An `autoscaling/v2` HorizontalPodAutoscaler on average utilization, when asked for.
pub(super) fn autoscaler(scope: &Scope<'_>) -> Option<HorizontalPodAutoscaler> {
    let workload = scope.workload;
    let autoscale = workload.autoscale.as_ref()?;
    let kind = scalable_kind(workload)?;
    let cpu = match (autoscale.cpu, autoscale.memory) {
        (None, None) => Some(DEFAULT_CPU_TARGET),
        (cpu, _) => cpu,
    };
    let metrics = [("cpu", cpu), ("memory", autoscale.memory)]
        .into_iter()
        .filter_map(|(name, target)| {
            Some(MetricSpec {
                type_: "Resource".to_owned(),
                resource: Some(ResourceMetricSource {
                    name: name.to_owned(),
                    target: MetricTarget {
                        type_: "Utilization".to_owned(),
                        average_utilization: Some(int(target?)),
                        ..MetricTarget::default()
                    },
                }),
                ..MetricSpec::default()
            })
        })
        .collect();
    Some(HorizontalPodAutoscaler {
        metadata: scope.meta(names::controller(workload)),
        spec: HorizontalPodAutoscalerSpec {
            scale_target_ref: CrossVersionObjectReference {
                api_version: Some("apps/v1".to_owned()),
                kind: kind.to_owned(),
                name: names::controller(workload),
            },
            min_replicas: Some(int(autoscale.min)),
            max_replicas: int(autoscale.max),
            metrics: Some(metrics),
            ..HorizontalPodAutoscalerSpec::default()
        },
        ..HorizontalPodAutoscaler::default()
    })
}

/// A `policy/v1` PodDisruptionBudget: `maxUnavailable: 1` for workloads that run more than one
/// pod, or the explicit budget; never for jobs. Not by default for a single-instance component
/// (its pods are separate copies, `single-instance-scaled`, and losing one is not safe).
pub(super) fn disruption_budget(scope: &Scope<'_>) -> Option<PodDisruptionBudget> {
    let workload = scope.workload;
    scalable_kind(workload)?;
    let (max_unavailable, min_available) = match &workload.disruption {
        Disruption::None => return None,
        Disruption::Auto if workload.min_replicas() <= 1 => return None,
        Disruption::Auto if workload.single_instance.is_some() => return None,
        Disruption::Auto => (Some(IntOrString::Int(1)), None),
        Disruption::MaxUnavailable(value) => (Some(int_or_string(value)), None),
        Disruption::MinAvailable(value) => (None, Some(int_or_string(value))),
    };
    Some(PodDisruptionBudget {
        metadata: scope.meta(names::controller(workload)),
        spec: Some(PodDisruptionBudgetSpec {
            max_unavailable,
            min_available,
            selector: Some(scope.controller_selector()),
            ..PodDisruptionBudgetSpec::default()
        }),
        ..PodDisruptionBudget::default()
    })
}

/// Spread over nodes and zones for workloads that may run more than one pod (a fixed count
/// above 1, or an autoscaler that may go above 1). `ScheduleAnyway`, so a small cluster still
/// schedules.
pub(super) fn spread_constraints(scope: &Scope<'_>) -> Vec<TopologySpreadConstraint> {
    let workload = scope.workload;
    let several = match &workload.autoscale {
        Some(autoscale) => autoscale.max > 1,
        None => workload.replicas.unwrap_or(1) > 1,
    };
    if workload.kind.is_batch() || !several {
        return Vec::new();
    }
    SPREAD_KEYS
        .iter()
        .map(|key| TopologySpreadConstraint {
            max_skew: 1,
            topology_key: (*key).to_owned(),
            when_unsatisfiable: "ScheduleAnyway".to_owned(),
            label_selector: Some(scope.selector()),
            ..TopologySpreadConstraint::default()
        })
        .collect()
}
