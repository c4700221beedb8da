//! Unit tests of matching, field comparison and classification on hand-written objects.

use serde_json::{Value, json};

use super::*;

fn deployment(name: &str, image: &str, replicas: u32) -> Value {
    json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": "shop", "labels": {"app.kubernetes.io/name": name}},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app.kubernetes.io/name": name}},
            "template": {
                "metadata": {"labels": {"app.kubernetes.io/name": name}},
                "spec": {"containers": [{
                    "name": name,
                    "image": image,
                    "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}],
                    "ports": [{"containerPort": 8080, "name": "http", "protocol": "TCP"}],
                    "resources": {"limits": {"memory": "1Gi"}, "requests": {"cpu": "500m"}},
                    "readinessProbe": {"httpGet": {"path": "/health", "port": 8080}},
                }]},
            },
        },
    })
}

fn one(old: &Value, new: &Value) -> ResourceDiff {
    let report = diff([old], [new]);
    assert_eq!(report.resources.len(), 1, "{report:#?}");
    report.resources.into_iter().next().unwrap()
}

fn paths(resource: &ResourceDiff) -> Vec<(&str, Class)> {
    resource
        .changes
        .iter()
        .map(|c| (c.path.as_str(), c.class))
        .collect()
}

#[test]
fn identical_objects_do_not_differ() {
    let d = deployment("orders", "orders:1.0.0", 2);
    let report = diff([&d], [&d]);
    assert!(report.is_empty());
    assert_eq!(report.unchanged, 1);
}

#[test]
fn keyed_lists_ignore_order_and_nulls_and_quantity_spelling() {
    let old = deployment("orders", "orders:1.0.0", 2);
    let mut new = old.clone();
    let container = &mut new["spec"]["template"]["spec"]["containers"][0];
    container["env"].as_array_mut().unwrap().reverse();
    container["resources"]["limits"]["memory"] = json!("1024Mi");
    container["resources"]["requests"]["cpu"] = json!(0.5);
    container["args"] = json!([]);
    new["status"] = json!({"replicas": 2});
    new["metadata"]["resourceVersion"] = json!("123");
    new["metadata"]["annotations"] = Value::Null;
    assert!(diff([&old], [&new]).is_empty());
}

#[test]
fn keyed_items_are_named_in_paths() {
    let old = deployment("orders", "orders:1.0.0", 2);
    let mut new = old.clone();
    new["spec"]["template"]["spec"]["containers"][0]["env"][1]["value"] = json!("3");
    new["metadata"]["labels"]["app.kubernetes.io/version"] = json!("2");
    let r = one(&old, &new);
    assert_eq!(
        paths(&r),
        [
            (
                "spec.template.spec.containers[orders].env[B].value",
                Class::Rollout
            ),
            (
                "metadata.labels[\"app.kubernetes.io/version\"]",
                Class::Safe
            ),
        ]
    );
    assert!(r.restarts);
}

#[test]
fn api_version_bump_is_a_change_not_a_replacement() {
    let old = deployment("orders", "orders:1.0.0", 2);
    let mut new = old.clone();
    new["apiVersion"] = json!("apps/v2");
    let r = one(&old, &new);
    assert_eq!(r.status, Status::Changed);
    assert_eq!(paths(&r), [("apiVersion", Class::Safe)]);
}

fn container(v: &mut Value) -> &mut Value {
    &mut v["spec"]["template"]["spec"]["containers"][0]
}

#[test]
fn classes_of_deployment_changes() {
    let old = deployment("orders", "orders:1.2.0", 3);
    let check = |edit: &dyn Fn(&mut Value), class: Class| {
        let mut new = old.clone();
        edit(&mut new);
        let r = one(&old, &new);
        assert_eq!(r.class, class, "{:#?}", r.changes);
    };
    check(&|v| v["spec"]["replicas"] = json!(2), Class::Attention);
    check(&|v| v["spec"]["replicas"] = json!(4), Class::Safe);
    check(
        &|v| drop(v["spec"].as_object_mut().unwrap().remove("replicas")),
        Class::Attention,
    );
    check(
        &|v| v["spec"]["selector"]["matchLabels"]["x"] = json!("y"),
        Class::Breaking,
    );
    check(
        &|v| container(v)["image"] = json!("orders:1.3.0"),
        Class::Rollout,
    );
    check(
        &|v| container(v)["image"] = json!("orders:1.1.9"),
        Class::Attention,
    );
    check(
        &|v| container(v)["image"] = json!("orders:latest"),
        Class::Attention,
    );
    check(
        &|v| {
            drop(
                container(v)
                    .as_object_mut()
                    .unwrap()
                    .remove("readinessProbe"),
            )
        },
        Class::Attention,
    );
    check(
        &|v| {
            drop(
                container(v)["resources"]
                    .as_object_mut()
                    .unwrap()
                    .remove("limits"),
            )
        },
        Class::Attention,
    );
    check(
        &|v| container(v)["resources"]["requests"]["cpu"] = json!("1"),
        Class::Rollout,
    );
}

#[test]
fn the_new_side_is_shown_as_built_and_the_old_in_its_order() {
    let mut old = deployment("orders", "orders:1.0.0", 2);
    let mut new = old.clone();
    container(&mut old)["securityContext"] = json!({"capabilities": {"add": ["KILL", "CHOWN"]}});
    container(&mut new)["securityContext"] =
        json!({"capabilities": {"add": ["CHOWN", "KILL", "SETUID"]}});
    container(&mut old)["env"].as_array_mut().unwrap().reverse();
    let r = one(&old, &new);
    assert_eq!(r.after.as_ref(), Some(&new));
    let before = r.before.clone().unwrap();
    let c = &before["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(
        c["securityContext"]["capabilities"]["add"],
        json!(["CHOWN", "KILL"])
    );
    assert_eq!(c["env"][0]["name"], "A");
    assert_eq!(
        paths(&r),
        [(
            "spec.template.spec.containers[orders].securityContext.capabilities.add",
            Class::Rollout
        )]
    );
}

#[test]
fn secrets_of_a_stream_are_masked_on_both_sides() {
    let secret = |v: &str| json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "data": {"k": v, "same": "eA=="}});
    let r = one(&secret("YQ=="), &secret("Yg=="));
    assert_eq!(
        r.before.as_ref().unwrap()["data"],
        json!({"k": "(hidden)", "same": "(hidden)"})
    );
    assert_eq!(
        r.after.as_ref().unwrap()["data"],
        json!({"k": "(hidden, changed)", "same": "(hidden)"})
    );
}

fn object(kind: &str, api_version: &str, name: &str, spec: Value) -> Value {
    json!({"apiVersion": api_version, "kind": kind, "metadata": {"name": name, "namespace": "shop"}, "spec": spec})
}

fn class_of(old: &Value, new: &Value) -> Class {
    one(old, new).class
}

#[test]
fn classes_of_other_kinds() {
    let sts = |spec: Value| object("StatefulSet", "apps/v1", "db", spec);
    let base = json!({"serviceName": "db", "replicas": 3, "podManagementPolicy": "OrderedReady", "updateStrategy": {"type": "RollingUpdate"}});
    let with = |k: &str, v: Value| {
        let mut spec = base.clone();
        spec[k] = v;
        sts(spec)
    };
    assert_eq!(
        class_of(&sts(base.clone()), &with("serviceName", json!("db2"))),
        Class::Breaking
    );
    assert_eq!(
        class_of(
            &sts(base.clone()),
            &with("podManagementPolicy", json!("Parallel"))
        ),
        Class::Breaking
    );
    assert_eq!(
        class_of(
            &sts(base.clone()),
            &with("updateStrategy", json!({"type": "OnDelete"}))
        ),
        Class::Safe
    );
    assert_eq!(
        class_of(&sts(base.clone()), &with("replicas", json!(1))),
        Class::Attention
    );

    let svc = |spec: Value| object("Service", "v1", "web", spec);
    assert_eq!(
        class_of(&svc(json!({"clusterIP": "None"})), &svc(json!({}))),
        Class::Breaking
    );
    assert_eq!(
        class_of(
            &svc(json!({"type": "ClusterIP"})),
            &svc(json!({"type": "NodePort"}))
        ),
        Class::Attention
    );
    // Narrowed: the clients outside the cluster lose it.
    assert_eq!(
        class_of(
            &svc(json!({"type": "LoadBalancer"})),
            &svc(json!({"type": "ClusterIP"}))
        ),
        Class::Attention
    );
    // Renaming a port, or changing its protocol, applies, but what reads them may not follow.
    let port = |p: Value| svc(json!({"ports": [p]}));
    let http = json!({"name": "http", "port": 3306, "protocol": "TCP"});
    let renamed = one(
        &port(http.clone()),
        &port(json!({"name": "port-3306", "port": 3306, "protocol": "TCP"})),
    );
    assert_eq!(
        paths(&renamed),
        [("spec.ports[3306/TCP].name", Class::Attention)]
    );
    assert!(renamed.changes[0].reason.contains("http → port-3306"));
    let typed = one(
        &port(http.clone()),
        &port(json!({"name": "http", "port": 3306, "protocol": "TCP", "appProtocol": "mysql"})),
    );
    assert_eq!(
        paths(&typed),
        [("spec.ports[3306/TCP].appProtocol", Class::Attention)]
    );
    assert_eq!(
        class_of(
            &port(http.clone()),
            &port(json!({"name": "http", "port": 3306, "protocol": "TCP", "targetPort": 3307}))
        ),
        Class::Attention
    );
    // The same as the port it defaults to: no change at all.
    assert!(
        diff(
            [&port(http.clone())],
            [&port(
                json!({"name": "http", "port": 3306, "protocol": "TCP", "targetPort": 3306})
            )]
        )
        .is_empty()
    );
    // Another selector sends the traffic to other pods.
    assert_eq!(
        class_of(
            &svc(json!({"selector": {"app": "web"}})),
            &svc(json!({"selector": {"app": "web2"}}))
        ),
        Class::Attention
    );

    let pdb = |spec: Value| object("PodDisruptionBudget", "policy/v1", "web", spec);
    assert_eq!(
        class_of(
            &pdb(json!({"maxUnavailable": "10%"})),
            &pdb(json!({"maxUnavailable": "25%"}))
        ),
        Class::Attention
    );
    assert_eq!(
        class_of(
            &pdb(json!({"minAvailable": 2})),
            &pdb(json!({"minAvailable": 3}))
        ),
        Class::Safe
    );
    assert_eq!(
        class_of(
            &pdb(json!({"minAvailable": 2})),
            &pdb(json!({"maxUnavailable": 1}))
        ),
        Class::Attention
    );

    let pvc = |size: &str| {
        object(
            "PersistentVolumeClaim",
            "v1",
            "data",
            json!({"resources": {"requests": {"storage": size}}}),
        )
    };
    assert_eq!(class_of(&pvc("10Gi"), &pvc("20Gi")), Class::Safe);
    assert!(diff([&pvc("10Gi")], [&pvc("10240Mi")]).is_empty());
    assert_eq!(class_of(&pvc("10Gi"), &pvc("9Gi")), Class::DataLoss);

    let ing = |hosts: &[&str], tls: bool| {
        let rules: Vec<Value> = hosts
            .iter()
            .map(|h| json!({"host": h, "http": {"paths": [{"path": "/", "backend": {}}]}}))
            .collect();
        let mut spec = json!({"rules": rules});
        if tls {
            spec["tls"] = json!([{"secretName": "t", "hosts": hosts}]);
        }
        object("Ingress", "networking.k8s.io/v1", "web", spec)
    };
    assert_eq!(
        class_of(
            &ing(&["a.example"], true),
            &ing(&["a.example", "b.example"], true)
        ),
        Class::Attention
    );
    assert_eq!(
        class_of(&ing(&["a.example"], true), &ing(&["a.example"], false)),
        Class::Attention
    );

    let job = |image: &str| {
        object(
            "Job",
            "batch/v1",
            "migrate",
            json!({"template": {"spec": {"containers": [{"name": "m", "image": image}]}}}),
        )
    };
    assert_eq!(class_of(&job("m:1"), &job("m:2")), Class::Breaking);
    let cron = |image: &str| {
        object(
            "CronJob",
            "batch/v1",
            "nightly",
            json!({"jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "m", "image": image}]}}}}}),
        )
    };
    assert_eq!(class_of(&cron("m:1.0"), &cron("m:1.1")), Class::Safe);
    assert_eq!(class_of(&cron("m:1.1"), &cron("m:1.0")), Class::Attention);
    assert!(!one(&cron("m:1.0"), &cron("m:1.1")).restarts);
}

#[test]
fn removals_and_additions() {
    let removed = |object: &Value| {
        let report = diff([object], []);
        report.resources[0].class
    };
    let added = |object: &Value| {
        let report = diff([], [object]);
        report.resources[0].class
    };
    let ns = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}});
    assert_eq!(removed(&ns), Class::DataLoss);
    assert_eq!(added(&ns), Class::Safe);
    // Earlier output wrote `default`; Kubernetes never deletes it.
    let default = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "default"}});
    let report = diff([&default], []);
    assert_eq!(report.resources[0].class, Class::Attention);
    assert!(
        report.resources[0].changes[0]
            .reason
            .contains("no longer written")
    );
    let pvc = object("PersistentVolumeClaim", "v1", "data", json!({}));
    assert_eq!(removed(&pvc), Class::DataLoss);
    // A workload or Service removed stops serving: never "safe".
    let d = deployment("orders", "orders:1.0.0", 2);
    assert_eq!(removed(&d), Class::Attention);
    assert_eq!(
        removed(&object(
            "Service",
            "v1",
            "orders",
            json!({"ports": [{"port": 80}]})
        )),
        Class::Attention
    );
    assert_eq!(
        removed(&object("ConfigMap", "v1", "orders", json!({}))),
        Class::Safe
    );
    let ing = object(
        "Ingress",
        "networking.k8s.io/v1",
        "web",
        json!({"rules": [{"host": "a.example"}]}),
    );
    assert_eq!(added(&ing), Class::Attention);
    let lb = object(
        "Service",
        "v1",
        "web-external",
        json!({"type": "LoadBalancer", "ports": [{"port": 80}]}),
    );
    assert_eq!(added(&lb), Class::Attention);
    let internal = object("Service", "v1", "web", json!({"type": "ClusterIP"}));
    assert_eq!(added(&internal), Class::Safe);
    let report = diff([&d], []);
    assert_eq!(report.resources[0].changes[0].path, "");
}

#[test]
fn a_new_api_group_is_a_rename_and_duplicates_keep_the_last() {
    let old = object(
        "Ingress",
        "extensions/v1beta1",
        "web",
        json!({"rules": [{"host": "a.example"}]}),
    );
    let new = object(
        "Ingress",
        "networking.k8s.io/v1",
        "web",
        json!({"rules": [{"host": "a.example"}]}),
    );
    let r = one(&old, &new);
    assert!(matches!(r.status, Status::Renamed { .. }), "{r:#?}");
    assert_eq!(
        Key::of(&old).map(|k| k.group),
        Some("extensions".to_owned())
    );

    let first = deployment("orders", "orders:1.0.0", 2);
    let last = deployment("orders", "orders:2.0.0", 2);
    assert!(diff([&first, &last], [&last]).is_empty());
}

/// When only the namespace changed, objects pair by name, not by content: ten look-alike
/// Deployments moved from `shop` to `shop2` are ten renames of themselves.
#[test]
fn a_namespace_change_pairs_objects_by_name() {
    let moved = |d: &Value, ns: &str| {
        let mut d = d.clone();
        d["metadata"]["namespace"] = json!(ns);
        d
    };
    let old: Vec<Value> = (0..10)
        .map(|i| deployment(&format!("svc{i}"), "img:1.0.0", 1))
        .collect();
    // Reversed, so pairing by position or by content alone would be wrong.
    let new: Vec<Value> = old.iter().rev().map(|d| moved(d, "shop2")).collect();
    let report = diff(&old, &new);
    assert_eq!(report.resources.len(), 10);
    for r in &report.resources {
        match &r.status {
            Status::Renamed { from } => {
                assert_eq!(from.name, r.key.name);
                assert_eq!(from.namespace.as_deref(), Some("shop"));
                assert_eq!(r.key.namespace.as_deref(), Some("shop2"));
            }
            other => panic!("{other:?}"),
        }
    }
}
