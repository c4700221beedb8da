//! Services, exposure and Ingress routes.

use super::*;

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

    // In the cluster, the Service named after the workload keeps every port, unexposed.
    let admin_inside = find(&manifests, "Service", "admin");
    assert_eq!(admin_inside["spec"]["type"], "ClusterIP");
    assert_eq!(
        admin_inside["spec"]["ports"].as_array().map(Vec::len),
        Some(2)
    );
    // Outside, only the primary port.
    let admin = find(&manifests, "Service", "admin-external");
    assert_eq!(admin["spec"]["type"], "NodePort");
    assert_eq!(
        admin["spec"]["ports"],
        json!([
            {"name": "http", "port": 8080, "targetPort": 8080, "nodePort": 30081, "protocol": "TCP"},
        ])
    );
    let web = find(&manifests, "Service", "web-external");
    assert_eq!(web["spec"]["type"], "LoadBalancer");
    assert_eq!(web["spec"]["ports"][0]["port"], 80);
    assert_eq!(web["spec"]["ports"][0]["targetPort"], 8080);
    assert_eq!(web["metadata"]["annotations"]["lb.example.com/type"], "nlb");
    assert!(
        find(&manifests, "Service", "web")["metadata"]
            .get("annotations")
            .is_none()
    );
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
            ("/edge".to_owned(), "edge".to_owned(), 8080),
        ]
    );
    // Ingress exposure keeps a plain ClusterIP Service without the Ingress's annotations.
    let service = find(&manifests, "Service", "web");
    assert_eq!(service["spec"]["type"], "ClusterIP");
    assert!(service["metadata"].get("annotations").is_none());
}
