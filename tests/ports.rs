//! Port names and application protocols in the output of every example and environment: names
//! unique in each pod, and an `appProtocol` on every Service port whose protocol is known (see
//! `common/ports.rs`), none behind a load balancer.

#![allow(
    clippy::disallowed_methods,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests read fixtures, write temporary directories, and fail loudly"
)]

mod common;

#[test]
fn every_example_names_ports_once_per_pod_and_says_what_they_speak() {
    let mut problems = Vec::new();
    let mut typed = 0;
    for example in common::examples().into_iter().chain(common::forms()) {
        for (env, c) in common::compile_every_env(&example) {
            assert!(
                !c.has_errors(),
                "{example} {env:?}:\n{}",
                common::rendered(&c)
            );
            let objects: Vec<&serde_json::Value> =
                c.manifests().iter().map(|m| &m.object).collect();
            typed += objects
                .iter()
                .filter(|o| o["kind"] == "Service")
                .flat_map(|o| o["spec"]["ports"].as_array().into_iter().flatten())
                .filter(|p| p["appProtocol"].is_string())
                .count();
            for p in common::ports::problems(&objects) {
                problems.push(format!("{example} {env:?}: {p}"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // The examples have ports of every known kind: the check above judged something.
    assert!(typed > 50, "only {typed} Service ports carry appProtocol");
}

/// The container ports of `workload`'s pod, container by container: (container, [(number, name)]).
fn pod_ports(objects: &[serde_json::Value], workload: &str) -> Vec<(String, Vec<(i64, String)>)> {
    let o = objects
        .iter()
        .find(|o| o["metadata"]["name"] == workload && o["spec"]["template"].is_object())
        .unwrap();
    let pod = &o["spec"]["template"]["spec"];
    ["containers", "initContainers"]
        .iter()
        .filter_map(|list| pod[list].as_array())
        .flatten()
        .map(|c| {
            let ports = c["ports"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|p| {
                    (
                        p["containerPort"].as_i64().unwrap(),
                        p["name"].as_str().unwrap().to_owned(),
                    )
                })
                .collect();
            (c["name"].as_str().unwrap().to_owned(), ports)
        })
        .collect()
}

/// The ports of a Service: (name, appProtocol).
fn service_ports(objects: &[serde_json::Value], service: &str) -> Vec<(String, Option<String>)> {
    let o = objects
        .iter()
        .find(|o| o["kind"] == "Service" && o["metadata"]["name"] == service)
        .unwrap();
    o["spec"]["ports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap().to_owned(),
                p["appProtocol"].as_str().map(str::to_owned),
            )
        })
        .collect()
}

fn owned<const N: usize>(ports: [(i64, &str); N]) -> Vec<(i64, String)> {
    ports.iter().map(|(n, s)| (*n, (*s).to_owned())).collect()
}

fn typed<const N: usize>(ports: [(&str, Option<&str>); N]) -> Vec<(String, Option<String>)> {
    ports
        .iter()
        .map(|(n, p)| ((*n).to_owned(), p.map(str::to_owned)))
        .collect()
}

#[test]
fn default_names_follow_the_protocol_and_step_aside() {
    let c = common::compile_text(
        "ports.kdl",
        r#"
app shop {
    frontend web {
        image "web:1.0.0"
        port 8080
        expose load-balancer port=80
    }
    gateway edge {
        image "edge:1.0.0"
        port 8080
        expose nodeport port=30080
    }
    service orders {
        image "orders:1.0.0"
        port 8080
        port 9090
        port 53 protocol=UDP
        port 53
        port 7000
        port 3306 app-protocol=mysql
        port 8443 app-protocol="kubernetes.io/h2c"
        port 9000 app-protocol="example.com/orders-wire-protocol"
        readiness http "/ready"
        liveness grpc port=9090
        startup http "/started" port=7000
        sidecar proxy {
            image "envoyproxy/envoy:v1.31.2"
            port 9901 name=http
            port 9902
            readiness http "/ready" port=9902
        }
        init warm {
            image "orders:1.0.0"
            port 7000
        }
    }
    stateful zookeeper {
        image "docker.io/library/zookeeper:3.9.3"
        port 2181
        port 8080
        volume data path="/data" size="8Gi"
        readiness http "/commands/ruok" port=8080
        liveness tcp port=2181
    }
    service both {
        image "both:1.0.0"
        port 8080
        readiness http "/ready"
        liveness grpc
    }
}
"#,
    );
    assert!(!c.has_errors(), "{}", common::rendered(&c));
    let objects: Vec<serde_json::Value> = c.manifests().iter().map(|m| m.object.clone()).collect();
    let refs: Vec<&serde_json::Value> = objects.iter().collect();
    assert_eq!(common::ports::problems(&refs), Vec::<String>::new());

    // A sidecar's written `http` moves the main container's HTTP port to `http-8080`; the second
    // HTTP port of the pod (the sidecar's 9902) is `http-9902`; the init container's 7000 gives way
    // to the main container's, which an HTTP probe made `http-7000`.
    assert_eq!(
        pod_ports(&objects, "orders"),
        [
            (
                "orders".to_owned(),
                owned([
                    (8080, "http-8080"),
                    (9090, "grpc"),
                    (53, "port-53"),
                    (53, "port-53-tcp"),
                    (7000, "http-7000"),
                    (3306, "mysql"),
                    (8443, "h2c"),
                    (9000, "port-9000"),
                ])
            ),
            ("warm".to_owned(), owned([(7000, "port-7000")])),
            (
                "proxy".to_owned(),
                owned([(9901, "http"), (9902, "http-9902")])
            ),
        ]
    );
    assert_eq!(
        service_ports(&objects, "orders"),
        typed([
            ("http-8080", Some("http")),
            ("grpc", Some("kubernetes.io/h2c")),
            ("port-53", None),
            ("port-53-tcp", None),
            ("http-7000", Some("http")),
            ("mysql", Some("mysql")),
            ("h2c", Some("kubernetes.io/h2c")),
            ("port-9000", Some("example.com/orders-wire-protocol")),
        ])
    );
    // ZooKeeper's client port is probed over TCP only: nothing says what it speaks.
    assert_eq!(
        service_ports(&objects, "zookeeper"),
        typed([("port-2181", None), ("http", Some("http"))])
    );
    // Probes that disagree teach nothing.
    assert_eq!(
        service_ports(&objects, "both"),
        typed([("port-8080", None)])
    );
    // A frontend and a gateway serve HTTP; a load balancer's Service carries no appProtocol.
    assert_eq!(
        service_ports(&objects, "web"),
        typed([("http", Some("http"))])
    );
    assert_eq!(
        service_ports(&objects, "web-external"),
        typed([("http", None)])
    );
    assert_eq!(
        service_ports(&objects, "edge-external"),
        typed([("http", Some("http"))])
    );
}
