//! Tests of lowering, over small models built by hand.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::{Manifest, lower};
use crate::resolve::model::{
    AccessMode, App, Autoscale, Concurrency, ConfigFile, Container, CronSpec, Disruption, EnvValue,
    EnvVar, Exposure, Image, Ingress, IntOrPercent, JobSpec, Mount, Port, PortRef, Probe,
    ProbeAction, Protocol, Resources, Route, RunAs, SecurityLevel, ServiceAccount, Strategy,
    Volume, VolumeKind, Workload, WorkloadKind,
};
use crate::source::Span;

fn app(workloads: Vec<Workload>) -> App {
    App {
        name: "shop".into(),
        span: Span::default(),
        namespace: "shop-prod".into(),
        registry: None,
        security: SecurityLevel::Hardened,
        labels: BTreeMap::new(),
        annotations: BTreeMap::new(),
        ingress_class: None,
        workloads,
    }
}

fn image(reference: &str) -> Image {
    let (repository, tag) = match reference.rsplit_once(':') {
        Some((repo, tag)) => (repo.to_owned(), Some(tag.to_owned())),
        None => (reference.to_owned(), None),
    };
    Image {
        reference: reference.into(),
        repository,
        tag,
        digest: None,
        span: Span::default(),
    }
}

fn port(number: u16, name: &str) -> Port {
    Port {
        number,
        name: name.into(),
        protocol: Protocol::Tcp,
        span: Span::default(),
    }
}

fn container(name: &str, reference: &str) -> Container {
    let mut c = Container::new(name, Span::default());
    c.image = Some(image(reference));
    c
}

fn workload(name: &str, kind: WorkloadKind) -> Workload {
    let mut main = container(name, &format!("{name}:1.0.0"));
    if !kind.is_batch() {
        main.ports.push(port(8080, "http"));
    }
    Workload {
        name: name.into(),
        span: Span::default(),
        kind,
        component: None,
        replicas: None,
        main,
        init: Vec::new(),
        sidecars: Vec::new(),
        volumes: Vec::new(),
        files: Vec::new(),
        autoscale: None,
        strategy: None,
        disruption: Disruption::Auto,
        service_account: ServiceAccount::None,
        security: SecurityLevel::Hardened,
        run_as: None,
        read_only_root: false,
        node_selector: BTreeMap::new(),
        tolerations: Vec::new(),
        labels: BTreeMap::new(),
        annotations: BTreeMap::new(),
        expose: Exposure::Internal,
        routes: Vec::new(),
        uses: Vec::new(),
        job: None,
        cron: None,
    }
}

fn autoscale(min: u32, max: u32) -> Autoscale {
    Autoscale {
        min,
        max,
        cpu: None,
        memory: None,
        span: Span::default(),
    }
}

fn persistent(name: &str, path: &str, size: &str) -> Volume {
    Volume {
        name: name.into(),
        path: path.into(),
        kind: VolumeKind::Persistent {
            size: size.into(),
            class: Some("ssd".into()),
            access: AccessMode::ReadWriteOnce,
        },
        span: Span::default(),
    }
}

fn file(path: &str, content: &str) -> ConfigFile {
    ConfigFile {
        path: path.into(),
        content: content.into(),
        span: Span::default(),
    }
}

/// The object of `kind` named `name`.
fn find<'a>(manifests: &'a [Manifest], kind: &str, name: &str) -> &'a Value {
    manifests
        .iter()
        .map(|m| &m.object)
        .find(|o| o["kind"] == kind && o["metadata"]["name"] == name)
        .unwrap_or_else(|| panic!("no {kind} {name} in {:#?}", kinds(manifests)))
}

fn has(manifests: &[Manifest], kind: &str, name: &str) -> bool {
    manifests
        .iter()
        .any(|m| m.object["kind"] == kind && m.object["metadata"]["name"] == name)
}

fn kinds(manifests: &[Manifest]) -> Vec<String> {
    manifests
        .iter()
        .map(|m| {
            format!(
                "{}/{}",
                m.object["kind"].as_str().unwrap(),
                m.object["metadata"]["name"]
            )
        })
        .collect()
}

fn selector() -> Value {
    json!({"app.kubernetes.io/name": "api", "app.kubernetes.io/part-of": "shop"})
}

fn pod_spec(object: &Value) -> &Value {
    &object["spec"]["template"]["spec"]
}

#[test]
fn namespace_comes_first_with_app_labels() {
    let manifests = lower(&app(vec![workload("api", WorkloadKind::Service)]));
    let ns = &manifests[0];
    assert_eq!(ns.component, "namespace");
    assert_eq!(ns.object["apiVersion"], "v1");
    assert_eq!(ns.object["kind"], "Namespace");
    assert_eq!(ns.object["metadata"]["name"], "shop-prod");
    assert_eq!(
        ns.object["metadata"]["labels"],
        json!({"app.kubernetes.io/part-of": "shop", "app.kubernetes.io/managed-by": "windlass"})
    );
    assert!(ns.object["metadata"].get("namespace").is_none());
    assert!(ns.object["metadata"].get("annotations").is_none());
}

#[test]
fn objects_come_in_the_documented_order() {
    let mut api = workload("api", WorkloadKind::Service);
    api.service_account = ServiceAccount::Create;
    api.files.push(file("/etc/api.conf", "x"));
    api.volumes.push(persistent("cache", "/cache", "1Gi"));
    api.autoscale = Some(autoscale(2, 4));
    api.expose = Exposure::Ingress(Ingress {
        host: "shop.example.com".into(),
        path: "/".into(),
        tls: None,
        class: None,
        annotations: BTreeMap::new(),
        span: Span::default(),
    });
    let manifests = lower(&app(vec![api, workload("db", WorkloadKind::Database)]));
    assert_eq!(
        kinds(&manifests),
        [
            "Namespace/\"shop-prod\"",
            "ServiceAccount/\"api\"",
            "ConfigMap/\"api-files\"",
            "PersistentVolumeClaim/\"api-cache\"",
            "Service/\"api\"",
            "Deployment/\"api\"",
            "HorizontalPodAutoscaler/\"api\"",
            "PodDisruptionBudget/\"api\"",
            "Ingress/\"api\"",
            "Service/\"db\"",
            "StatefulSet/\"db\"",
        ]
    );
    assert!(manifests[1..9].iter().all(|m| m.component == "api"));
    assert!(manifests[9..].iter().all(|m| m.component == "db"));
}

#[test]
fn selectors_use_only_name_and_part_of() {
    let mut api = workload("api", WorkloadKind::Service);
    api.replicas = Some(3);
    api.labels.insert("team".into(), "payments".into());
    let manifests = lower(&app(vec![api]));
    let deployment = find(&manifests, "Deployment", "api");
    assert_eq!(
        deployment["spec"]["selector"],
        json!({"matchLabels": selector()})
    );
    assert_eq!(
        find(&manifests, "Service", "api")["spec"]["selector"],
        selector()
    );
    let pdb = find(&manifests, "PodDisruptionBudget", "api");
    assert_eq!(pdb["spec"]["selector"]["matchLabels"], selector());
    let spread = pod_spec(deployment)["topologySpreadConstraints"]
        .as_array()
        .unwrap();
    assert_eq!(spread.len(), 2);
    assert!(
        spread
            .iter()
            .all(|c| c["labelSelector"]["matchLabels"] == selector())
    );
    // The pod carries everything, including the workload's own labels and the version.
    let pod_labels = &deployment["spec"]["template"]["metadata"]["labels"];
    assert_eq!(pod_labels["team"], "payments");
    assert_eq!(pod_labels["app.kubernetes.io/component"], "service");
    assert_eq!(pod_labels["app.kubernetes.io/version"], "1.0.0");
    assert_eq!(
        deployment["metadata"]["labels"]["app.kubernetes.io/version"],
        "1.0.0"
    );
    // Services carry no version: a new tag must not touch them.
    let service_labels = &find(&manifests, "Service", "api")["metadata"]["labels"];
    assert!(service_labels.get("app.kubernetes.io/version").is_none());
}

#[test]
fn version_label_is_left_out_when_the_tag_is_not_a_label_value() {
    let mut api = workload("api", WorkloadKind::Service);
    api.main.image = Some(image("api:1.0.0_"));
    let manifests = lower(&app(vec![api]));
    let deployment = find(&manifests, "Deployment", "api");
    assert!(
        deployment["metadata"]["labels"]
            .get("app.kubernetes.io/version")
            .is_none()
    );
}

#[test]
fn autoscale_omits_replicas_and_defaults_to_cpu_80() {
    let mut api = workload("api", WorkloadKind::Service);
    api.replicas = Some(3);
    api.autoscale = Some(autoscale(2, 6));
    let manifests = lower(&app(vec![api]));
    assert!(
        find(&manifests, "Deployment", "api")["spec"]
            .get("replicas")
            .is_none()
    );
    let hpa = find(&manifests, "HorizontalPodAutoscaler", "api");
    assert_eq!(hpa["apiVersion"], "autoscaling/v2");
    assert_eq!(
        hpa["spec"],
        json!({
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "api"},
            "minReplicas": 2,
            "maxReplicas": 6,
            "metrics": [{"type": "Resource", "resource": {"name": "cpu",
                "target": {"type": "Utilization", "averageUtilization": 80}}}],
        })
    );
}

#[test]
fn replicas_default_to_one_without_budget_or_spread() {
    let manifests = lower(&app(vec![workload("api", WorkloadKind::Service)]));
    let deployment = find(&manifests, "Deployment", "api");
    assert_eq!(deployment["spec"]["replicas"], 1);
    assert!(
        pod_spec(deployment)
            .get("topologySpreadConstraints")
            .is_none()
    );
    assert!(!has(&manifests, "PodDisruptionBudget", "api"));
}

#[test]
fn disruption_budget_follows_replicas_and_explicit_settings() {
    let mut two = workload("two", WorkloadKind::Service);
    two.replicas = Some(2);
    let mut scaled = workload("scaled", WorkloadKind::Service);
    scaled.autoscale = Some(autoscale(1, 5));
    let mut explicit = workload("explicit", WorkloadKind::Stateful);
    explicit.disruption = Disruption::MinAvailable(IntOrPercent::Percent("50%".into()));
    let mut none = workload("none", WorkloadKind::Service);
    none.replicas = Some(4);
    none.disruption = Disruption::None;
    let mut job = workload("job", WorkloadKind::Job);
    job.disruption = Disruption::MaxUnavailable(IntOrPercent::Int(1));
    let manifests = lower(&app(vec![two, scaled, explicit, none, job]));

    assert_eq!(
        find(&manifests, "PodDisruptionBudget", "two")["spec"]["maxUnavailable"],
        1
    );
    // min 1: no budget, but the autoscaler may add pods, so they are spread.
    assert!(!has(&manifests, "PodDisruptionBudget", "scaled"));
    let scaled = find(&manifests, "Deployment", "scaled");
    assert_eq!(
        pod_spec(scaled)["topologySpreadConstraints"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let explicit = find(&manifests, "PodDisruptionBudget", "explicit");
    assert_eq!(explicit["spec"]["minAvailable"], "50%");
    assert!(explicit["spec"].get("maxUnavailable").is_none());
    assert!(!has(&manifests, "PodDisruptionBudget", "none"));
    assert!(!has(&manifests, "PodDisruptionBudget", "job"));
}

#[test]
fn stateful_gets_a_headless_service_and_claim_templates() {
    let mut db = workload("db", WorkloadKind::Database);
    db.volumes
        .push(persistent("data", "/var/lib/mysql", "20Gi"));
    db.strategy = Some(Strategy::Rolling {
        max_surge: None,
        max_unavailable: None,
        partition: Some(1),
    });
    db.expose = Exposure::NodePort {
        port: 30306,
        annotations: BTreeMap::new(),
        span: Span::default(),
    };
    let manifests = lower(&app(vec![db]));

    let headless = find(&manifests, "Service", "db");
    assert_eq!(headless["spec"]["clusterIP"], "None");
    assert_eq!(headless["spec"]["publishNotReadyAddresses"], false);
    assert!(headless["spec"]["ports"][0].get("nodePort").is_none());
    let external = find(&manifests, "Service", "db-external");
    assert_eq!(external["spec"]["type"], "NodePort");
    assert_eq!(external["spec"]["ports"][0]["nodePort"], 30306);

    let set = find(&manifests, "StatefulSet", "db");
    assert_eq!(set["apiVersion"], "apps/v1");
    assert_eq!(set["spec"]["serviceName"], "db");
    assert_eq!(
        set["spec"]["updateStrategy"],
        json!({"type": "RollingUpdate", "rollingUpdate": {"partition": 1}})
    );
    let template = &set["spec"]["volumeClaimTemplates"][0];
    assert_eq!(template["metadata"]["name"], "data");
    assert_eq!(
        template["spec"],
        json!({"accessModes": ["ReadWriteOnce"], "storageClassName": "ssd",
               "resources": {"requests": {"storage": "20Gi"}}})
    );
    // The claim template provides the volume; the pod declares none for it.
    assert!(pod_spec(set).get("volumes").is_none());
    let mounts = &pod_spec(set)["containers"][0]["volumeMounts"];
    assert_eq!(
        mounts,
        &json!([{"name": "data", "mountPath": "/var/lib/mysql"}])
    );
    assert!(!has(&manifests, "PersistentVolumeClaim", "db-data"));
}

#[test]
fn deployment_volumes_become_standalone_claims() {
    let mut api = workload("api", WorkloadKind::Service);
    api.volumes.push(persistent("uploads", "/uploads", "5Gi"));
    api.volumes.push(Volume {
        name: "tmp".into(),
        path: "/tmp".into(),
        kind: VolumeKind::EmptyDir {
            memory: true,
            size: Some("64Mi".into()),
        },
        span: Span::default(),
    });
    let manifests = lower(&app(vec![api]));
    let claim = find(&manifests, "PersistentVolumeClaim", "api-uploads");
    assert_eq!(claim["metadata"]["namespace"], "shop-prod");
    assert_eq!(claim["spec"]["resources"]["requests"]["storage"], "5Gi");
    let volumes = &pod_spec(find(&manifests, "Deployment", "api"))["volumes"];
    assert_eq!(
        volumes,
        &json!([
            {"name": "uploads", "persistentVolumeClaim": {"claimName": "api-uploads"}},
            {"name": "tmp", "emptyDir": {"medium": "Memory", "sizeLimit": "64Mi"}},
        ])
    );
}

#[test]
fn node_port_and_load_balancer_set_the_primary_port() {
    let mut admin = workload("admin", WorkloadKind::Service);
    admin.main.ports.push(port(9090, "metrics"));
    admin.expose = Exposure::NodePort {
        port: 30081,
        annotations: BTreeMap::new(),
        span: Span::default(),
    };
    let mut web = workload("web", WorkloadKind::Frontend);
    web.expose = Exposure::LoadBalancer {
        port: 80,
        annotations: BTreeMap::from([("lb.example.com/type".into(), "nlb".into())]),
        span: Span::default(),
    };
    let manifests = lower(&app(vec![admin, web]));

    let admin = find(&manifests, "Service", "admin");
    assert_eq!(admin["spec"]["type"], "NodePort");
    assert_eq!(
        admin["spec"]["ports"],
        json!([
            {"name": "http", "port": 8080, "targetPort": 8080, "nodePort": 30081, "protocol": "TCP"},
            {"name": "metrics", "port": 9090, "targetPort": 9090, "protocol": "TCP"},
        ])
    );
    let web = find(&manifests, "Service", "web");
    assert_eq!(web["spec"]["type"], "LoadBalancer");
    assert_eq!(web["spec"]["ports"][0]["port"], 80);
    assert_eq!(web["spec"]["ports"][0]["targetPort"], 8080);
    assert_eq!(web["metadata"]["annotations"]["lb.example.com/type"], "nlb");
}

#[test]
fn ingress_routes_go_straight_to_their_targets() {
    let mut web = workload("web", WorkloadKind::Frontend);
    web.main.ports[0] = port(80, "http");
    web.expose = Exposure::Ingress(Ingress {
        host: "shop.example.com".into(),
        path: "/".into(),
        tls: Some("shop-tls".into()),
        class: None,
        annotations: BTreeMap::from([(
            "nginx.ingress.kubernetes.io/proxy-body-size".into(),
            "8m".into(),
        )]),
        span: Span::default(),
    });
    let route = |path: &str, target: &str, port: Option<PortRef>| Route {
        path: path.into(),
        target: target.into(),
        port,
        span: Span::default(),
    };
    web.routes = vec![
        route("/api", "gateway", None),
        route("/metrics", "gateway", Some(PortRef::Name("metrics".into()))),
        route("/edge", "edge", None),
    ];
    let mut gateway = workload("gateway", WorkloadKind::Gateway);
    gateway.main.ports.push(port(9100, "metrics"));
    let mut edge = workload("edge", WorkloadKind::Service);
    edge.expose = Exposure::LoadBalancer {
        port: 443,
        annotations: BTreeMap::new(),
        span: Span::default(),
    };
    let mut shop = app(vec![web, gateway, edge]);
    shop.ingress_class = Some("nginx".into());
    let manifests = lower(&shop);

    let ingress = find(&manifests, "Ingress", "web");
    assert_eq!(ingress["apiVersion"], "networking.k8s.io/v1");
    assert_eq!(ingress["spec"]["ingressClassName"], "nginx");
    assert_eq!(
        ingress["spec"]["tls"],
        json!([{"hosts": ["shop.example.com"], "secretName": "shop-tls"}])
    );
    assert_eq!(
        ingress["metadata"]["annotations"]["nginx.ingress.kubernetes.io/proxy-body-size"],
        "8m"
    );
    let rule = &ingress["spec"]["rules"][0];
    assert_eq!(rule["host"], "shop.example.com");
    let paths: Vec<(String, String, i64)> = rule["http"]["paths"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            assert_eq!(p["pathType"], "Prefix");
            let service = &p["backend"]["service"];
            (
                p["path"].as_str().unwrap().to_owned(),
                service["name"].as_str().unwrap().to_owned(),
                service["port"]["number"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        paths,
        [
            ("/".to_owned(), "web".to_owned(), 80),
            ("/api".to_owned(), "gateway".to_owned(), 8080),
            ("/metrics".to_owned(), "gateway".to_owned(), 9100),
            // The load balancer's port is what the edge Service publishes.
            ("/edge".to_owned(), "edge".to_owned(), 443),
        ]
    );
    // Ingress exposure keeps a plain ClusterIP Service without the Ingress's annotations.
    let service = find(&manifests, "Service", "web");
    assert_eq!(service["spec"]["type"], "ClusterIP");
    assert!(service["metadata"].get("annotations").is_none());
}

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
            },
        ),
        var(
            "FLAGS",
            EnvValue::ConfigMap {
                name: "flags".into(),
                key: "api".into(),
                optional: true,
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
        json!({"httpGet": {"path": "/ready", "port": "http", "scheme": "HTTPS"},
               "periodSeconds": 5, "failureThreshold": 6})
    );
    assert_eq!(main["livenessProbe"]["grpc"], json!({"port": 9090}));
    assert_eq!(main["startupProbe"]["tcpSocket"], json!({"port": 8080}));
}

#[test]
fn files_share_one_config_map_with_unique_keys_and_a_hash() {
    let mut web = workload("web", WorkloadKind::Frontend);
    web.files = vec![
        file("/etc/nginx/conf.d/default.conf", "server {}"),
        file("/etc/app/default.conf", "other"),
        file("/etc/mime types", "text/html html"),
    ];
    let manifests = lower(&app(vec![web.clone()]));
    let config = find(&manifests, "ConfigMap", "web-files");
    assert_eq!(
        config["data"],
        json!({
            "etc-nginx-conf.d-default.conf": "server {}",
            "etc-app-default.conf": "other",
            "mime_types": "text/html html",
        })
    );
    let deployment = find(&manifests, "Deployment", "web");
    let hash =
        deployment["spec"]["template"]["metadata"]["annotations"]["windlass.dev/config-hash"]
            .as_str()
            .unwrap()
            .to_owned();
    assert_eq!(hash.len(), 16);
    let pod = pod_spec(deployment);
    assert_eq!(
        pod["volumes"],
        json!([{"name": "files", "configMap": {"name": "web-files"}}])
    );
    assert_eq!(
        pod["containers"][0]["volumeMounts"][0],
        json!({"name": "files", "mountPath": "/etc/nginx/conf.d/default.conf",
               "subPath": "etc-nginx-conf.d-default.conf", "readOnly": true})
    );

    web.files[0].content = "server { listen 80; }".into();
    let changed = lower(&app(vec![web]));
    let changed =
        &find(&changed, "Deployment", "web")["spec"]["template"]["metadata"]["annotations"];
    assert_ne!(changed["windlass.dev/config-hash"], hash.as_str());
}

#[test]
fn jobs_run_to_completion_without_selector_or_service() {
    let mut migrate = workload("migrate", WorkloadKind::Job);
    migrate.job = Some(JobSpec {
        backoff_limit: Some(2),
        deadline: Some(600),
        ..JobSpec::default()
    });
    let mut report = workload("report", WorkloadKind::CronJob);
    report.cron = Some(CronSpec {
        schedule: "0 3 * * *".into(),
        time_zone: Some("Europe/Berlin".into()),
        concurrency: Concurrency::Forbid,
        history_successful: Some(3),
        history_failed: None,
    });
    let manifests = lower(&app(vec![migrate, report]));
    assert!(!has(&manifests, "Service", "migrate"));
    let job = find(&manifests, "Job", "migrate");
    assert_eq!(job["apiVersion"], "batch/v1");
    assert!(job["spec"].get("selector").is_none());
    assert_eq!(job["spec"]["backoffLimit"], 2);
    assert_eq!(job["spec"]["activeDeadlineSeconds"], 600);
    assert_eq!(job["spec"]["ttlSecondsAfterFinished"], 86_400);
    assert_eq!(pod_spec(job)["restartPolicy"], "Never");
    assert_eq!(
        job["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/component"],
        "job"
    );

    let cron = find(&manifests, "CronJob", "report");
    assert_eq!(cron["spec"]["schedule"], "0 3 * * *");
    assert_eq!(cron["spec"]["timeZone"], "Europe/Berlin");
    assert_eq!(cron["spec"]["concurrencyPolicy"], "Forbid");
    assert_eq!(cron["spec"]["successfulJobsHistoryLimit"], 3);
    assert!(cron["spec"].get("failedJobsHistoryLimit").is_none());
    let template = &cron["spec"]["jobTemplate"];
    assert_eq!(
        template["metadata"]["labels"]["app.kubernetes.io/name"],
        "report"
    );
    assert_eq!(
        template["spec"]["template"]["spec"]["restartPolicy"],
        "Never"
    );
}

#[test]
fn service_accounts() {
    let mut created = workload("created", WorkloadKind::Service);
    created.service_account = ServiceAccount::Create;
    let mut existing = workload("existing", WorkloadKind::Service);
    existing.service_account = ServiceAccount::Existing("robot".into());
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

#[test]
fn app_annotations_go_on_every_object_and_workload_annotations_on_the_pod() {
    let mut api = workload("api", WorkloadKind::Service);
    api.annotations
        .insert("prometheus.io/scrape".into(), "true".into());
    let mut shop = app(vec![api]);
    shop.annotations.insert("owner".into(), "team-a".into());
    let manifests = lower(&shop);
    assert!(
        manifests
            .iter()
            .all(|m| m.object["metadata"]["annotations"]["owner"] == "team-a")
    );
    let deployment = find(&manifests, "Deployment", "api");
    assert_eq!(
        deployment["spec"]["template"]["metadata"]["annotations"],
        json!({"prometheus.io/scrape": "true"})
    );
    assert!(
        deployment["metadata"]["annotations"]
            .get("prometheus.io/scrape")
            .is_none()
    );
}

/// A description that uses most of the language, for whole-output properties.
fn everything() -> App {
    let mut api = workload("api", WorkloadKind::Service);
    api.replicas = Some(2);
    api.files.push(file("/etc/api.yaml", "a: 1"));
    api.volumes.push(persistent("cache", "/cache", "1Gi"));
    api.sidecars.push(container("proxy", "envoy:1.31.2"));
    api.autoscale = Some(autoscale(2, 5));
    api.strategy = Some(Strategy::Recreate);
    api.node_selector.insert("pool".into(), "general".into());
    let mut db = workload("db", WorkloadKind::Database);
    db.volumes.push(persistent("data", "/data", "10Gi"));
    db.expose = Exposure::LoadBalancer {
        port: 3306,
        annotations: BTreeMap::new(),
        span: Span::default(),
    };
    let mut cron = workload("report", WorkloadKind::CronJob);
    cron.cron = Some(CronSpec {
        schedule: "@daily".into(),
        time_zone: None,
        concurrency: Concurrency::Replace,
        history_successful: None,
        history_failed: None,
    });
    let mut shop = app(vec![api, db, cron, workload("migrate", WorkloadKind::Job)]);
    shop.labels.insert("team".into(), "checkout".into());
    shop
}

#[test]
fn lowering_is_deterministic() {
    let app = everything();
    let first = lower(&app);
    let second = lower(&app);
    assert_eq!(first, second);
    let text = |m: &[Manifest]| {
        serde_json::to_string(&m.iter().map(|m| &m.object).collect::<Vec<_>>()).unwrap()
    };
    assert_eq!(text(&first), text(&second));
}

#[test]
fn no_object_has_empty_fields_or_status() {
    fn walk(value: &Value, path: &str) {
        match value {
            Value::String(s) => assert!(!s.is_empty(), "empty string at {path}"),
            Value::Array(items) => {
                assert!(!items.is_empty(), "empty list at {path}");
                for (i, item) in items.iter().enumerate() {
                    walk(item, &format!("{path}[{i}]"));
                }
            }
            Value::Object(map) => {
                // `emptyDir: {}` is how Kubernetes spells a default scratch directory.
                assert!(
                    !map.is_empty() || path.ends_with(".emptyDir"),
                    "empty map at {path}"
                );
                for (key, item) in map {
                    walk(item, &format!("{path}.{key}"));
                }
            }
            Value::Null => panic!("null at {path}"),
            Value::Bool(_) | Value::Number(_) => {}
        }
    }
    for manifest in lower(&everything()) {
        let object = &manifest.object;
        assert!(object["apiVersion"].is_string() && object["kind"].is_string());
        assert!(object.get("status").is_none());
        walk(object, object["kind"].as_str().unwrap());
    }
}

#[test]
fn tmp_dump_for_validation() {
    let mut all = everything();
    let mut web = workload("web", WorkloadKind::Frontend);
    web.expose = Exposure::Ingress(Ingress {
        host: "shop.example.com".into(),
        path: "/".into(),
        tls: Some("shop-tls".into()),
        class: Some("nginx".into()),
        annotations: BTreeMap::from([("a.example.com/x".into(), "y".into())]),
        span: Span::default(),
    });
    web.routes.push(Route {
        path: "/api".into(),
        target: "api".into(),
        port: None,
        span: Span::default(),
    });
    web.security = SecurityLevel::Restricted;
    web.read_only_root = true;
    web.run_as = Some(RunAs {
        user: Some(101),
        group: Some(101),
        fs_group: Some(101),
    });
    web.service_account = ServiceAccount::Create;
    web.main.env.push(EnvVar {
        name: "X".into(),
        value: EnvValue::Secret {
            name: "s".into(),
            key: "k".into(),
            optional: true,
        },
        span: Span::default(),
    });
    web.main.readiness = Some(Probe {
        action: ProbeAction::Http {
            path: "/".into(),
            port: PortRef::Name("http".into()),
            https: false,
        },
        delay: Some(1),
        period: Some(2),
        timeout: Some(3),
        failures: Some(4),
        successes: Some(1),
        span: Span::default(),
    });
    web.main.liveness = Some(Probe {
        action: ProbeAction::Grpc {
            port: 8080,
            service: Some("x".into()),
        },
        delay: None,
        period: None,
        timeout: None,
        failures: None,
        successes: None,
        span: Span::default(),
    });
    web.main.startup = Some(Probe {
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
    web.main.resources = Resources {
        cpu: Some("100m".into()),
        memory: Some("128Mi".into()),
        ephemeral_storage: Some("1Gi".into()),
        ..Resources::default()
    };
    web.main
        .env_from
        .push(crate::resolve::model::EnvFrom::ConfigMap("cfg".into()));
    web.main
        .env_from
        .push(crate::resolve::model::EnvFrom::Secret("sec".into()));
    web.tolerations.push(crate::resolve::model::Toleration {
        key: "dedicated".into(),
        operator: Some("Equal".into()),
        value: Some("web".into()),
        effect: Some("NoSchedule".into()),
    });
    web.strategy = Some(Strategy::Rolling {
        max_surge: Some(IntOrPercent::Int(1)),
        max_unavailable: Some(IntOrPercent::Percent("25%".into())),
        partition: None,
    });
    web.disruption = Disruption::MaxUnavailable(IntOrPercent::Int(1));
    web.volumes.push(Volume {
        name: "tmp".into(),
        path: "/tmp".into(),
        kind: VolumeKind::EmptyDir {
            memory: false,
            size: None,
        },
        span: Span::default(),
    });
    web.init.push(container("init", "busybox:1.36"));
    all.workloads.push(web);
    let mut np = workload("np", WorkloadKind::Stateful);
    np.expose = Exposure::NodePort {
        port: 30080,
        annotations: BTreeMap::new(),
        span: Span::default(),
    };
    np.strategy = Some(Strategy::OnDelete);
    np.autoscale = Some(Autoscale {
        min: 2,
        max: 4,
        cpu: Some(70),
        memory: Some(80),
        span: Span::default(),
    });
    all.workloads.push(np);
    let mut job = workload("batch", WorkloadKind::Job);
    job.job = Some(JobSpec {
        backoff_limit: Some(1),
        deadline: Some(60),
        ttl: Some(10),
        completions: Some(3),
        parallelism: Some(2),
    });
    job.sidecars.push(container("proxy", "envoy:1.31.2"));
    all.workloads.push(job);
    all.annotations.insert("owner".into(), "me".into());
    let docs: Vec<String> = lower(&all)
        .iter()
        .map(|m| serde_yaml::to_string(&m.object).unwrap())
        .collect();
    std::fs::write("/tmp/lowered.yaml", docs.join("---\n")).unwrap();
}
