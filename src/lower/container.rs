//! Containers: image, command, environment, ports, resources, probes and security contexts.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    Capabilities, ConfigMapEnvSource, ConfigMapKeySelector, Container, ContainerPort,
    EnvFromSource, EnvVar, EnvVarSource, ExecAction, GRPCAction, HTTPGetAction, HTTPHeader,
    Lifecycle, LifecycleHandler, ObjectFieldSelector, PodSecurityContext, Probe,
    ResourceRequirements, SeccompProfile, SecretEnvSource, SecretKeySelector, SecurityContext,
    SleepAction, TCPSocketAction,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::{Scope, int, non_empty_map, non_empty_vec, storage};
use crate::model::{self, EnvFrom, EnvValue, PortRef, ProbeAction, SecurityLevel};

/// Capabilities a `hardened` container that may run as root keeps: the ones image entrypoints use
/// to drop root.
const HARDENED_CAPABILITIES: [&str; 8] = [
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "SETGID",
    "SETUID",
    "NET_BIND_SERVICE",
];

/// The main container, named after the workload, with the workload's volumes and files mounted.
pub(super) fn main(scope: &Scope<'_>) -> Container {
    let source = &scope.workload.main;
    let mut mounts = storage::main_mounts(scope);
    mounts.extend(storage::explicit_mounts(&source.mounts));
    Container {
        volume_mounts: non_empty_vec(mounts),
        ..container(scope, source, true)
    }
}

/// An init container: runs to completion, so it takes no probes (Kubernetes rejects them).
pub(super) fn init(scope: &Scope<'_>, source: &model::Container) -> Container {
    Container {
        volume_mounts: non_empty_vec(storage::explicit_mounts(&source.mounts).collect()),
        ..container(scope, source, false)
    }
}

/// A native sidecar: an init container with `restartPolicy: Always`.
pub(super) fn sidecar(scope: &Scope<'_>, source: &model::Container) -> Container {
    Container {
        restart_policy: Some("Always".to_owned()),
        volume_mounts: non_empty_vec(storage::explicit_mounts(&source.mounts).collect()),
        ..container(scope, source, true)
    }
}

/// What every container has; mounts and restart policy are added by the callers.
fn container(scope: &Scope<'_>, source: &model::Container, probes: bool) -> Container {
    let probe = |p: &Option<model::Probe>| if probes { p.as_ref().map(probe) } else { None };
    Container {
        name: source.name.clone(),
        image: source.image.as_ref().map(|image| image.reference.clone()),
        command: non_empty_vec(source.command.clone()),
        args: non_empty_vec(source.args.clone()),
        env: non_empty_vec(source.env.iter().map(|v| env_var(scope.app, v)).collect()),
        env_from: non_empty_vec(source.env_from.iter().map(env_from).collect()),
        ports: non_empty_vec(source.ports.iter().map(container_port).collect()),
        resources: resources(&source.resources),
        readiness_probe: probe(&source.readiness),
        liveness_probe: probe(&source.liveness),
        startup_probe: probe(&source.startup),
        security_context: Some(container_security(scope, source.privileged)),
        image_pull_policy: source.pull_policy.clone(),
        lifecycle: lifecycle(source),
        ..Container::default()
    }
}

/// The container's lifecycle hooks, where it has any.
fn lifecycle(source: &model::Container) -> Option<Lifecycle> {
    let handler = |hook: &model::Hook| match hook {
        model::Hook::Sleep(seconds) => LifecycleHandler {
            sleep: Some(SleepAction {
                seconds: i64::from(*seconds),
            }),
            ..LifecycleHandler::default()
        },
        model::Hook::Exec(command) => LifecycleHandler {
            exec: Some(ExecAction {
                command: Some(command.clone()),
            }),
            ..LifecycleHandler::default()
        },
    };
    if source.pre_stop.is_none() && source.post_start.is_none() {
        return None;
    }
    Some(Lifecycle {
        pre_stop: source.pre_stop.as_ref().map(|(hook, _)| handler(hook)),
        post_start: source.post_start.as_ref().map(|(hook, _)| handler(hook)),
        ..Lifecycle::default()
    })
}

/// One environment variable.
fn env_var(app: &model::App, var: &model::EnvVar) -> EnvVar {
    let from = |source: EnvVarSource| EnvVar {
        name: var.name.clone(),
        value_from: Some(source),
        ..EnvVar::default()
    };
    match &var.value {
        EnvValue::Literal(value) => EnvVar {
            name: var.name.clone(),
            value: Some(value.clone()),
            ..EnvVar::default()
        },
        EnvValue::Secret {
            name,
            key,
            optional,
            ..
        } => from(EnvVarSource {
            secret_key_ref: Some(SecretKeySelector {
                name: name.clone(),
                key: key.clone(),
                optional: optional.then_some(true),
            }),
            ..EnvVarSource::default()
        }),
        EnvValue::ConfigMap {
            name,
            key,
            optional,
            ..
        } => from(EnvVarSource {
            config_map_key_ref: Some(ConfigMapKeySelector {
                name: name.clone(),
                key: key.clone(),
                optional: optional.then_some(true),
            }),
            ..EnvVarSource::default()
        }),
        EnvValue::Field(path) => from(EnvVarSource {
            field_ref: Some(ObjectFieldSelector {
                field_path: path.clone(),
                ..ObjectFieldSelector::default()
            }),
            ..EnvVarSource::default()
        }),
        EnvValue::Address(address) => EnvVar {
            name: var.name.clone(),
            value: Some(address_value(app, address)),
            ..EnvVar::default()
        },
    }
}

/// Where `address` reaches its target: `HOST:PORT` by the target's Service name and the number
/// it publishes the port on, or a URL with the scheme and path. Resolve checked the target and
/// its port.
pub(super) fn address_value(app: &model::App, address: &model::Address) -> String {
    let (host, port) = match app.workload(&address.target) {
        Some(target) => {
            let ports: Vec<(u16, &model::Port)> = target.service_ports().collect();
            let found = match &address.port {
                None => ports.first(),
                Some(PortRef::Number(n)) => ports
                    .iter()
                    .find(|(_, p)| p.number == *n)
                    .or_else(|| ports.iter().find(|(s, _)| s == n)),
                Some(PortRef::Name(name)) => ports.iter().find(|(_, p)| &p.name == name),
            };
            (
                crate::model::names::service(target).to_owned(),
                found.map(|(n, _)| *n),
            )
        }
        None => (
            address.target.clone(),
            app.externals
                .iter()
                .find(|x| x.name == address.target)
                .map(|x| x.port),
        ),
    };
    let host = if address.fqdn {
        format!("{host}.{}.svc.cluster.local", app.namespace)
    } else {
        host
    };
    let authority = match port {
        Some(port) => format!("{host}:{port}"),
        None => host,
    };
    match &address.scheme {
        Some(scheme) => format!(
            "{scheme}://{authority}{}",
            address.path.as_deref().unwrap_or_default()
        ),
        None => authority,
    }
}

/// One `envFrom` source.
fn env_from(source: &EnvFrom) -> EnvFromSource {
    match source {
        EnvFrom::Secret { name, .. } => EnvFromSource {
            secret_ref: Some(SecretEnvSource {
                name: name.clone(),
                ..SecretEnvSource::default()
            }),
            ..EnvFromSource::default()
        },
        EnvFrom::ConfigMap { name, .. } => EnvFromSource {
            config_map_ref: Some(ConfigMapEnvSource {
                name: name.clone(),
                ..ConfigMapEnvSource::default()
            }),
            ..EnvFromSource::default()
        },
    }
}

/// A container port. The protocol is always written: server-side apply keys port lists by
/// port and protocol and rejects entries without it.
fn container_port(port: &model::Port) -> ContainerPort {
    ContainerPort {
        container_port: i32::from(port.number),
        name: Some(port.name.clone()),
        protocol: Some(port.protocol.as_str().to_owned()),
        ..ContainerPort::default()
    }
}

/// Requests and limits. The memory limit defaults to the memory request; no CPU limit unless
/// asked (it throttles without protecting anything).
fn resources(source: &model::Resources) -> Option<ResourceRequirements> {
    let quantity = |q: Option<&String>| q.map(|q| Quantity(q.clone()));
    let requests: BTreeMap<String, Quantity> = [
        ("cpu", quantity(source.cpu.as_ref())),
        ("memory", quantity(source.memory.as_ref())),
        (
            "ephemeral-storage",
            quantity(source.ephemeral_storage.as_ref()),
        ),
    ]
    .into_iter()
    .filter_map(|(name, q)| Some((name.to_owned(), q?)))
    .collect();
    let limits: BTreeMap<String, Quantity> = [
        ("cpu", quantity(source.limit_cpu.as_ref())),
        (
            "memory",
            if source.no_memory_limit {
                None
            } else {
                quantity(source.limit_memory.as_ref().or(source.memory.as_ref()))
            },
        ),
    ]
    .into_iter()
    .filter_map(|(name, q)| Some((name.to_owned(), q?)))
    .collect();
    if requests.is_empty() && limits.is_empty() {
        return None;
    }
    Some(ResourceRequirements {
        requests: non_empty_map(requests),
        limits: non_empty_map(limits),
        ..ResourceRequirements::default()
    })
}

/// A probe: its action and the timings that were set.
fn probe(source: &model::Probe) -> Probe {
    let mut probe = Probe {
        initial_delay_seconds: source.delay.map(int),
        period_seconds: source.period.map(int),
        timeout_seconds: source.timeout.map(int),
        failure_threshold: source.failures.map(int),
        success_threshold: source.successes.map(int),
        ..Probe::default()
    };
    match &source.action {
        ProbeAction::Http {
            path,
            port,
            https,
            headers,
        } => {
            probe.http_get = Some(HTTPGetAction {
                path: Some(path.clone()),
                port: port_ref(port),
                scheme: https.then(|| "HTTPS".to_owned()),
                http_headers: non_empty_vec(
                    headers
                        .iter()
                        .map(|(name, value)| HTTPHeader {
                            name: name.clone(),
                            value: value.clone(),
                        })
                        .collect(),
                ),
                ..HTTPGetAction::default()
            });
        }
        ProbeAction::Tcp { port } => {
            probe.tcp_socket = Some(TCPSocketAction {
                port: port_ref(port),
                ..TCPSocketAction::default()
            });
        }
        ProbeAction::Exec { command } => {
            probe.exec = Some(ExecAction {
                command: Some(command.clone()),
            });
        }
        ProbeAction::Grpc { port, service } => {
            probe.grpc = Some(GRPCAction {
                port: i32::from(*port),
                service: service.clone(),
                ..GRPCAction::default()
            });
        }
    }
    probe
}

/// A port number or name as `IntOrString`.
fn port_ref(port: &PortRef) -> IntOrString {
    match port {
        PortRef::Number(n) => IntOrString::Int(i32::from(*n)),
        PortRef::Name(name) => IntOrString::String(name.clone()),
    }
}

/// The pod's security context: `RuntimeDefault` seccomp always, non-root for `restricted`, and
/// the pod identity.
pub(super) fn pod_security(scope: &Scope<'_>) -> PodSecurityContext {
    let workload = scope.workload;
    let run_as = workload.run_as.as_ref();
    PodSecurityContext {
        seccomp_profile: Some(SeccompProfile {
            type_: "RuntimeDefault".to_owned(),
            ..SeccompProfile::default()
        }),
        run_as_non_root: if workload.security == SecurityLevel::Restricted {
            Some(true)
        } else {
            run_as.and_then(|r| r.non_root)
        },
        run_as_user: run_as.and_then(|r| r.user),
        run_as_group: run_as.and_then(|r| r.group),
        fs_group: run_as.and_then(|r| r.fs_group),
        ..PodSecurityContext::default()
    }
}

/// Every container's security context, by the workload's security level. A privileged container
/// (which the checks warn about) gets what privileged means; Kubernetes refuses it together with
/// `allowPrivilegeEscalation: false` or dropped capabilities.
fn container_security(scope: &Scope<'_>, privileged: bool) -> SecurityContext {
    if privileged {
        return SecurityContext {
            privileged: Some(true),
            allow_privilege_escalation: Some(true),
            read_only_root_filesystem: scope.workload.read_only_root.then_some(true),
            ..SecurityContext::default()
        };
    }
    let workload = scope.workload;
    let restricted = workload.security == SecurityLevel::Restricted;
    // Capabilities serve a process that starts as root to drop privileges; a non-root process
    // never holds added ones (Kubernetes has no ambient capabilities), so it gets none.
    let add = if let Some(written) = &workload.capabilities {
        non_empty_vec(written.clone())
    } else if restricted || workload.runs_as_non_root_user() {
        None
    } else {
        Some(
            HARDENED_CAPABILITIES
                .iter()
                .map(|c| (*c).to_owned())
                .collect(),
        )
    };
    SecurityContext {
        allow_privilege_escalation: Some(false),
        read_only_root_filesystem: workload.read_only_root.then_some(true),
        run_as_non_root: restricted.then_some(true),
        capabilities: Some(Capabilities {
            drop: Some(vec!["ALL".to_owned()]),
            add,
        }),
        ..SecurityContext::default()
    }
}
