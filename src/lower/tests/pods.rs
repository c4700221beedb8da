//! Containers: resources, probes, environment, sidecars, security and identity.

use super::*;

#[test]
fn memory_limit_defaults_to_the_request_and_cpu_is_not_limited() {
    let mut api = workload("api", WorkloadKind::Service);
    api.main.resources = Resources {
        cpu: Some("250m".into()),
        memory: Some("512Mi".into()),
        ..Resources::default()
    };
    let mut sized = workload("sized", WorkloadKind::Service);
    sized.main.resources = Resources {
        memory: Some("512Mi".into()),
        limit_cpu: Some("1".into()),
        limit_memory: Some("1Gi".into()),
        ..Resources::default()
    };
    let manifests = lower(&app(vec![api, sized]));
    let api = &pod_spec(find(&manifests, "Deployment", "api"))["containers"][0]["resources"];
    assert_eq!(
        api,
        &json!({"requests": {"cpu": "250m", "memory": "512Mi"}, "limits": {"memory": "512Mi"}})
    );
    let sized = &pod_spec(find(&manifests, "Deployment", "sized"))["containers"][0]["resources"];
    assert_eq!(sized["limits"], json!({"cpu": "1", "memory": "1Gi"}));
}

#[test]
fn sidecars_follow_init_containers_and_restart_always() {
    let mut api = workload("api", WorkloadKind::Service);
    let mut migrate = container("migrate", "migrate:1.0.0");
    migrate.readiness = Some(Probe {
        action: ProbeAction::Exec {
            command: vec!["true".into()],
        },
        delay: None,
        period: None,
        timeout: None,
        failures: None,
        successes: None,
        span: Span::default(),
    });
    api.init.push(migrate);
    let mut proxy = container("proxy", "envoy:1.31.2");
    proxy.mounts.push(Mount {
        volume: "shared".into(),
        path: "/run/shared".into(),
        read_only: true,
        span: Span::default(),
    });
    api.sidecars.push(proxy);
    let manifests = lower(&app(vec![api]));
    let init = pod_spec(find(&manifests, "Deployment", "api"))["initContainers"]
        .as_array()
        .unwrap();
    assert_eq!(init.len(), 2);
    assert_eq!(init[0]["name"], "migrate");
    assert!(init[0].get("restartPolicy").is_none());
    assert!(
        init[0].get("readinessProbe").is_none(),
        "init containers take no probes"
    );
    assert_eq!(init[1]["name"], "proxy");
    assert_eq!(init[1]["restartPolicy"], "Always");
    assert_eq!(
        init[1]["volumeMounts"],
        json!([{"name": "shared", "mountPath": "/run/shared", "readOnly": true}])
    );
}

#[test]
fn restricted_meets_the_restricted_pod_security_standard() {
    let mut api = workload("api", WorkloadKind::Service);
    api.security = SecurityLevel::Restricted;
    api.read_only_root = true;
    api.run_as = Some(RunAs {
        user: Some(10001),
        group: Some(10001),
        fs_group: None,
        non_root: None,
        span: Span::default(),
    });
    api.sidecars.push(container("proxy", "envoy:1.31.2"));
    let manifests = lower(&app(vec![api]));
    let pod = pod_spec(find(&manifests, "Deployment", "api"));
    assert_eq!(
        pod["securityContext"],
        json!({"seccompProfile": {"type": "RuntimeDefault"}, "runAsNonRoot": true,
               "runAsUser": 10001, "runAsGroup": 10001})
    );
    let expected = json!({"allowPrivilegeEscalation": false, "readOnlyRootFilesystem": true,
                          "runAsNonRoot": true, "capabilities": {"drop": ["ALL"]}});
    assert_eq!(pod["containers"][0]["securityContext"], expected);
    assert_eq!(pod["initContainers"][0]["securityContext"], expected);
}

#[test]
fn hardened_keeps_the_entrypoint_capabilities() {
    let manifests = lower(&app(vec![workload("api", WorkloadKind::Service)]));
    let pod = pod_spec(find(&manifests, "Deployment", "api"));
    assert_eq!(
        pod["securityContext"],
        json!({"seccompProfile": {"type": "RuntimeDefault"}})
    );
    assert_eq!(pod["automountServiceAccountToken"], false);
    let security = &pod["containers"][0]["securityContext"];
    assert_eq!(security["allowPrivilegeEscalation"], false);
    assert_eq!(security["capabilities"]["drop"], json!(["ALL"]));
    assert_eq!(
        security["capabilities"]["add"],
        json!([
            "CHOWN",
            "DAC_OVERRIDE",
            "FOWNER",
            "FSETID",
            "KILL",
            "SETGID",
            "SETUID",
            "NET_BIND_SERVICE"
        ])
    );
    assert!(security.get("runAsNonRoot").is_none());
}

#[test]
fn env_sources_keep_order_and_optional_only_when_true() {
    let mut api = workload("api", WorkloadKind::Service);
    let var = |name: &str, value: EnvValue| EnvVar {
        name: name.into(),
        value,
        span: Span::default(),
    };
    api.main.env = vec![
        var("LOG", EnvValue::Literal("info".into())),
        var(
            "DB",
            EnvValue::Secret {
                name: "db".into(),
                key: "password".into(),
                optional: false,
                span: Span::default(),
            },
        ),
        var(
            "FLAGS",
            EnvValue::ConfigMap {
                name: "flags".into(),
                key: "api".into(),
                optional: true,
                span: Span::default(),
            },
        ),
        var("POD", EnvValue::Field("metadata.name".into())),
    ];
    let manifests = lower(&app(vec![api]));
    let env = &pod_spec(find(&manifests, "Deployment", "api"))["containers"][0]["env"];
    assert_eq!(
        env,
        &json!([
            {"name": "LOG", "value": "info"},
            {"name": "DB", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}},
            {"name": "FLAGS", "valueFrom": {"configMapKeyRef": {"name": "flags", "key": "api", "optional": true}}},
            {"name": "POD", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
        ])
    );
}

#[test]
fn probes_map_ports_and_timings() {
    let mut api = workload("api", WorkloadKind::Service);
    let probe = |action| Probe {
        action,
        delay: None,
        period: Some(5),
        timeout: None,
        failures: Some(6),
        successes: None,
        span: Span::default(),
    };
    api.main.readiness = Some(probe(ProbeAction::Http {
        path: "/ready".into(),
        port: PortRef::Name("http".into()),
        https: true,
        headers: vec![("X-Probe".into(), "readiness".into())],
    }));
    api.main.liveness = Some(probe(ProbeAction::Grpc {
        port: 9090,
        service: None,
    }));
    api.main.startup = Some(probe(ProbeAction::Tcp {
        port: PortRef::Number(8080),
    }));
    let manifests = lower(&app(vec![api]));
    let main = &pod_spec(find(&manifests, "Deployment", "api"))["containers"][0];
    assert_eq!(
        main["readinessProbe"],
        json!({"httpGet": {"path": "/ready", "port": "http", "scheme": "HTTPS",
                           "httpHeaders": [{"name": "X-Probe", "value": "readiness"}]},
               "periodSeconds": 5, "failureThreshold": 6})
    );
    assert_eq!(main["livenessProbe"]["grpc"], json!({"port": 9090}));
    assert_eq!(main["startupProbe"]["tcpSocket"], json!({"port": 8080}));
}

#[test]
fn service_accounts() {
    let mut created = workload("created", WorkloadKind::Service);
    created.service_account = ServiceAccount::Create;
    let mut existing = workload("existing", WorkloadKind::Service);
    existing.service_account = ServiceAccount::Existing {
        name: "robot".into(),
        span: Span::default(),
    };
    let manifests = lower(&app(vec![created, existing]));
    assert_eq!(
        find(&manifests, "ServiceAccount", "created")["metadata"]["namespace"],
        "shop-prod"
    );
    let created = pod_spec(find(&manifests, "Deployment", "created"));
    assert_eq!(created["serviceAccountName"], "created");
    assert!(created.get("automountServiceAccountToken").is_none());
    assert_eq!(
        pod_spec(find(&manifests, "Deployment", "existing"))["serviceAccountName"],
        "robot"
    );
    assert!(!has(&manifests, "ServiceAccount", "existing"));
}
