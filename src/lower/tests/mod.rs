//! Tests of lowering, over small models built by hand.

#![allow(clippy::unwrap_used, reason = "a test fails loudly on a missing field")]

mod controllers;
mod network;
mod pods;

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::{Manifest, lower};
use crate::model::{
    AccessMode, App, Autoscale, Concurrency, ConfigFile, Container, CronSpec, Disruption, EnvValue,
    EnvVar, Exposure, Image, Ingress, IntOrPercent, JobSpec, Mount, Port, PortRef, Probe,
    ProbeAction, Protocol, Resources, Route, RunAs, SecurityLevel, ServiceAccount, SingleInstance,
    Strategy, Volume, VolumeKind, Workload, WorkloadKind,
};
use crate::source::Span;

fn app(workloads: Vec<Workload>) -> App {
    App {
        name: "shop".into(),
        span: Span::default(),
        namespace: "shop-prod".into(),
        namespace_span: None,
        registry: None,
        security: SecurityLevel::Hardened,
        labels: BTreeMap::new(),
        annotations: BTreeMap::new(),
        ingress_class: None,
        workloads,
        incomplete: Default::default(),
        cluster: Default::default(),
        allows: Vec::new(),
        network_policy: None,
        default_gateway: None,
        pod_defaults: crate::model::PodDefaults::default(),
        config_maps: Vec::new(),
        secrets: Vec::new(),
        externals: Vec::new(),
        roles: Vec::new(),
        manifests: Vec::new(),
        patches: Vec::new(),
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
        app_protocol: None,
        service_port: None,
        service_port_name: None,
        publish: None,
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
    let mut w = Workload::new(name, Span::default(), kind, SecurityLevel::Hardened);
    w.main = main;
    w
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

/// `Kind/name` of every object, in order.
fn kinds(manifests: &[Manifest]) -> Vec<String> {
    manifests
        .iter()
        .map(|m| {
            format!(
                "{}/{}",
                m.object["kind"].as_str().unwrap(),
                m.object["metadata"]["name"].as_str().unwrap()
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
fn the_default_namespace_is_used_but_not_written() {
    let mut shop = app(vec![workload("api", WorkloadKind::Service)]);
    shop.namespace = "default".into();
    let manifests = lower(&shop);
    assert!(!manifests.iter().any(|m| m.object["kind"] == "Namespace"));
    assert!(!manifests.iter().any(|m| m.component == "namespace"));
    assert!(!manifests.is_empty());
    for m in &manifests {
        assert_eq!(m.object["metadata"]["namespace"], "default", "{}", m.object);
    }
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
            "Namespace/shop-prod",
            "ServiceAccount/api",
            "ConfigMap/api-files",
            "PersistentVolumeClaim/api-cache",
            "Service/api",
            "Deployment/api",
            "HorizontalPodAutoscaler/api",
            "PodDisruptionBudget/api",
            "Ingress/api",
            "Service/db",
            "StatefulSet/db",
        ]
    );
    assert!(manifests[1..9].iter().all(|m| m.component == "service-api"));
    assert!(manifests[9..].iter().all(|m| m.component == "database-db"));
}

#[test]
fn selectors_use_only_name_part_of_and_a_controllers_track() {
    let mut api = workload("api", WorkloadKind::Service);
    api.replicas = Some(3);
    api.labels.insert("team".into(), "payments".into());
    let manifests = lower(&app(vec![api]));
    let deployment = find(&manifests, "Deployment", "api");
    // A Deployment's own selector adds its track: a canary's pods are never its own.
    let mut own = selector();
    own["app.kubernetes.io/track"] = json!("stable");
    assert_eq!(deployment["spec"]["selector"], json!({"matchLabels": own}));
    assert_eq!(
        find(&manifests, "Service", "api")["spec"]["selector"],
        selector()
    );
    let pdb = find(&manifests, "PodDisruptionBudget", "api");
    assert_eq!(pdb["spec"]["selector"]["matchLabels"], own);
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
