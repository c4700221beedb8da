//! Controllers — Deployment, StatefulSet, Job, CronJob — their pod template, and the
//! ServiceAccount the pods run as.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{
    Deployment, DeploymentSpec, DeploymentStrategy, RollingUpdateDeployment,
    RollingUpdateStatefulSetStrategy, StatefulSet, StatefulSetSpec, StatefulSetUpdateStrategy,
};
use k8s_openapi::api::batch::v1::{CronJob, CronJobSpec, Job, JobSpec, JobTemplateSpec};
use k8s_openapi::api::core::v1::{PodSpec, PodTemplateSpec, ServiceAccount, Toleration};
use k8s_openapi::api::rbac::v1::{PolicyRule, Role, RoleBinding, RoleRef, Subject};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::{
    Manifest, Scope, container, int, int_or_string, non_empty_map, non_empty_vec, push, scaling,
    storage,
};
use crate::model::canary::TRACK;
use crate::model::{self, Concurrency, ServiceAccount as Account, Strategy, WorkloadKind};

/// How long a finished Job is kept when the description does not say: one day.
const DEFAULT_JOB_TTL: i32 = 86_400;

/// The ServiceAccount made for the workload, when it asks for one.
pub(super) fn service_account(scope: &Scope<'_>) -> Option<ServiceAccount> {
    let made = matches!(
        scope.workload.service_account,
        Account::Create | Account::CreateNamed { .. }
    );
    let name = crate::model::names::account(scope.workload)?;
    made.then(|| ServiceAccount {
        metadata: scope.meta(name),
        ..ServiceAccount::default()
    })
}

/// The Role of what the workload's ServiceAccount may do, and its RoleBinding; `None` without
/// `access`.
pub(super) fn access(scope: &Scope<'_>) -> Option<(Role, RoleBinding)> {
    let workload = scope.workload;
    if workload.access.is_empty() {
        return None;
    }
    let account = crate::model::names::account(workload)?;
    let name = crate::model::names::base_controller(workload).to_owned();
    let rules = workload.access.iter().map(policy_rule).collect();
    let role = Role {
        metadata: scope.meta(name.clone()),
        rules: Some(rules),
    };
    let binding = RoleBinding {
        metadata: scope.meta(name.clone()),
        role_ref: RoleRef {
            api_group: Some("rbac.authorization.k8s.io".to_owned()),
            kind: "Role".to_owned(),
            name,
        },
        subjects: Some(vec![Subject {
            kind: "ServiceAccount".to_owned(),
            name: account.to_owned(),
            namespace: Some(scope.app.namespace.clone()),
            ..Subject::default()
        }]),
    };
    Some((role, binding))
}

/// A `role` of the app: its Role and the RoleBinding `NAME-binding` to its account.
pub(super) fn app_role(app: &model::App, source: &model::AppRole) -> (Role, RoleBinding) {
    let mut labels = app.labels.clone();
    labels.insert(model::labels::NAME.to_owned(), source.name.clone());
    labels.insert(model::labels::PART_OF.to_owned(), app.name.clone());
    labels.insert(model::labels::COMPONENT.to_owned(), "role".to_owned());
    labels.insert(
        model::labels::MANAGED_BY.to_owned(),
        model::labels::MANAGER.to_owned(),
    );
    let meta = |name: String| ObjectMeta {
        name: Some(name),
        namespace: Some(app.namespace.clone()),
        labels: Some(labels.clone()),
        annotations: non_empty_map(app.annotations.clone()),
        ..ObjectMeta::default()
    };
    let role = Role {
        metadata: meta(source.name.clone()),
        rules: Some(source.access.iter().map(policy_rule).collect()),
    };
    let binding = RoleBinding {
        metadata: meta(format!("{}-binding", source.name)),
        role_ref: RoleRef {
            api_group: Some("rbac.authorization.k8s.io".to_owned()),
            kind: "Role".to_owned(),
            name: source.name.clone(),
        },
        subjects: Some(vec![Subject {
            kind: "ServiceAccount".to_owned(),
            name: source.account.clone(),
            namespace: Some(app.namespace.clone()),
            ..Subject::default()
        }]),
    };
    (role, binding)
}

/// One rule of a Role.
fn policy_rule(a: &model::Access) -> PolicyRule {
    PolicyRule {
        api_groups: Some(vec![a.group.clone()]),
        resources: Some(a.resources.clone()),
        verbs: a.verbs().iter().map(|v| (*v).to_owned()).collect(),
        ..PolicyRule::default()
    }
}

/// Appends the workload's controller to `out`.
pub(super) fn controller(scope: &Scope<'_>, out: &mut Vec<Manifest>) {
    let component = &super::component_of(scope.workload);
    match scope.workload.kind {
        WorkloadKind::Frontend | WorkloadKind::Gateway | WorkloadKind::Service => {
            let stable = deployment(scope);
            push(out, component, &stable);
            if let Some(canary) = super::canary::deployment(scope, &stable) {
                push(out, component, &canary);
            }
        }
        WorkloadKind::Stateful | WorkloadKind::Database => {
            push(out, component, &stateful_set(scope));
        }
        WorkloadKind::Job => push(out, component, &job(scope)),
        WorkloadKind::CronJob => {
            // Resolve requires a schedule on every cronjob; without one there is nothing to emit.
            if let Some(cron) = cron_job(scope) {
                push(out, component, &cron);
            }
        }
    }
}

/// Metadata of the controller: the labels carry the image's version.
fn controller_meta(scope: &Scope<'_>) -> ObjectMeta {
    scope.meta_with(
        crate::model::names::controller(scope.workload),
        scope.versioned_labels(),
        &BTreeMap::new(),
    )
}

/// The fixed replica count; `None` under an autoscaler, so applying does not fight it.
fn replicas(workload: &model::Workload) -> Option<i32> {
    match workload.autoscale {
        Some(_) => None,
        None => Some(int(workload.replicas.unwrap_or(1))),
    }
}

/// A Deployment for a frontend, gateway or service.
fn deployment(scope: &Scope<'_>) -> Deployment {
    let workload = scope.workload;
    let strategy = match &workload.strategy {
        Some(Strategy::Rolling {
            max_surge,
            max_unavailable,
            ..
        }) => Some(DeploymentStrategy {
            type_: Some("RollingUpdate".to_owned()),
            rolling_update: (max_surge.is_some() || max_unavailable.is_some()).then(|| {
                RollingUpdateDeployment {
                    max_surge: max_surge.as_ref().map(int_or_string),
                    max_unavailable: max_unavailable.as_ref().map(int_or_string),
                }
            }),
        }),
        Some(Strategy::Recreate) => Some(DeploymentStrategy {
            type_: Some("Recreate".to_owned()),
            rolling_update: None,
        }),
        // `OnDelete` is a StatefulSet strategy; resolve rejects it here.
        Some(Strategy::OnDelete) | None => None,
    };
    // The stable track, always: a canary that comes or goes changes neither the selector nor
    // the pod template (see `model::canary`).
    let mut template = pod_template(scope);
    if let Some(track) = scope.track()
        && let Some(labels) = template.metadata.as_mut().and_then(|m| m.labels.as_mut())
    {
        labels.insert(TRACK.to_owned(), track.label().to_owned());
    }
    Deployment {
        metadata: controller_meta(scope),
        spec: DeploymentSpec {
            replicas: replicas(workload),
            selector: scope.controller_selector(),
            strategy,
            template,
            ..DeploymentSpec::default()
        },
        ..Deployment::default()
    }
}

/// A StatefulSet for a stateful workload or database, governed by its headless Service.
fn stateful_set(scope: &Scope<'_>) -> StatefulSet {
    let workload = scope.workload;
    let update_strategy = match &workload.strategy {
        Some(Strategy::Rolling { partition, .. }) => Some(StatefulSetUpdateStrategy {
            type_: Some("RollingUpdate".to_owned()),
            rolling_update: partition.map(|p| RollingUpdateStatefulSetStrategy {
                partition: Some(int(p)),
                ..RollingUpdateStatefulSetStrategy::default()
            }),
        }),
        Some(Strategy::OnDelete) => Some(StatefulSetUpdateStrategy {
            type_: Some("OnDelete".to_owned()),
            rolling_update: None,
        }),
        // `Recreate` is a Deployment strategy; resolve rejects it here.
        Some(Strategy::Recreate) | None => None,
    };
    StatefulSet {
        metadata: controller_meta(scope),
        spec: StatefulSetSpec {
            replicas: replicas(workload),
            selector: scope.selector(),
            service_name: Some(crate::model::names::service(workload).to_owned()),
            template: pod_template(scope),
            update_strategy,
            volume_claim_templates: non_empty_vec(storage::claim_templates(scope)),
            ..StatefulSetSpec::default()
        },
        ..StatefulSet::default()
    }
}

/// The Job spec shared by a Job and a CronJob's template. No selector: Kubernetes makes one.
fn job_spec(scope: &Scope<'_>) -> JobSpec {
    let settings = scope.workload.job.clone().unwrap_or_default();
    JobSpec {
        template: pod_template(scope),
        backoff_limit: settings.backoff_limit.map(int),
        active_deadline_seconds: settings.deadline.map(i64::from),
        ttl_seconds_after_finished: (!settings.keep)
            .then(|| settings.ttl.map_or(DEFAULT_JOB_TTL, int)),
        completions: settings.completions.map(int),
        parallelism: settings.parallelism.map(int),
        ..JobSpec::default()
    }
}

/// A Job.
fn job(scope: &Scope<'_>) -> Job {
    Job {
        metadata: controller_meta(scope),
        spec: Some(job_spec(scope)),
        ..Job::default()
    }
}

/// A CronJob; `None` without a schedule.
fn cron_job(scope: &Scope<'_>) -> Option<CronJob> {
    let cron = scope.workload.cron.as_ref()?;
    let concurrency = match cron.concurrency {
        Concurrency::Allow => "Allow",
        Concurrency::Forbid => "Forbid",
        Concurrency::Replace => "Replace",
    };
    Some(CronJob {
        metadata: controller_meta(scope),
        spec: CronJobSpec {
            schedule: cron.schedule.clone(),
            time_zone: cron.time_zone.clone(),
            concurrency_policy: Some(concurrency.to_owned()),
            successful_jobs_history_limit: cron.history_successful.map(int),
            failed_jobs_history_limit: cron.history_failed.map(int),
            job_template: JobTemplateSpec {
                // The Jobs it creates carry the workload's labels too.
                metadata: Some(ObjectMeta {
                    labels: Some(scope.versioned_labels()),
                    ..ObjectMeta::default()
                }),
                spec: Some(job_spec(scope)),
            },
            ..CronJobSpec::default()
        },
        ..CronJob::default()
    })
}

/// The pod template: every label plus the version, the workload's annotations, and the hash of
/// its files so a change of content rolls the pods.
fn pod_template(scope: &Scope<'_>) -> PodTemplateSpec {
    let workload = scope.workload;
    let mut annotations = workload.annotations.clone();
    if !workload.files.is_empty() {
        annotations.insert(
            storage::CONFIG_HASH.to_owned(),
            storage::config_hash(&workload.files),
        );
    }
    PodTemplateSpec {
        metadata: Some(ObjectMeta {
            labels: Some(scope.versioned_labels()),
            annotations: non_empty_map(annotations),
            ..ObjectMeta::default()
        }),
        spec: Some(pod_spec(scope)),
    }
}

/// The pod: identity, security, containers, volumes and scheduling.
fn pod_spec(scope: &Scope<'_>) -> PodSpec {
    let workload = scope.workload;
    // Native sidecars go after the init containers, so they start once those have finished.
    let init_containers: Vec<_> = workload
        .init
        .iter()
        .map(|c| container::init(scope, c))
        .chain(
            workload
                .sidecars
                .iter()
                .map(|c| container::sidecar(scope, c)),
        )
        .collect();
    let (service_account_name, automount) = match crate::model::names::account(workload) {
        None => (None, Some(false)),
        Some(name) => (Some(name.to_owned()), None),
    };
    PodSpec {
        service_account_name,
        automount_service_account_token: automount,
        host_network: workload.host_network.then_some(true),
        termination_grace_period_seconds: workload.termination_grace.map(i64::from),
        // On the node's network, cluster DNS names resolve only with this policy.
        dns_policy: workload
            .host_network
            .then(|| "ClusterFirstWithHostNet".to_owned()),
        security_context: Some(container::pod_security(scope)),
        init_containers: non_empty_vec(init_containers),
        containers: vec![container::main(scope)],
        volumes: non_empty_vec(storage::pod_volumes(scope)),
        node_selector: non_empty_map(workload.node_selector.clone()),
        tolerations: non_empty_vec(workload.tolerations.iter().map(toleration).collect()),
        topology_spread_constraints: non_empty_vec(scaling::spread_constraints(scope)),
        restart_policy: workload.kind.is_batch().then(|| "Never".to_owned()),
        ..PodSpec::default()
    }
}

/// A toleration of node taints.
fn toleration(source: &model::Toleration) -> Toleration {
    Toleration {
        key: Some(source.key.clone()),
        operator: source.operator.clone(),
        value: source.value.clone(),
        effect: source.effect.clone(),
        ..Toleration::default()
    }
}
