//! `unpublished-port`: an environment variable that points at a workload of the app on a port
//! its Service does not publish, or at one that has no Service.

use crate::check::rules::{containers, describe};
use crate::check::{Context, Findings, Rule};
use crate::declare_rule;
use std::collections::HashMap;

use crate::model::{EnvValue, Port, Workload, WorkloadKind};

declare_rule! {
    /// ## What it does
    /// Reads the literal values of environment variables for addresses of the app's own
    /// workloads: a URL (`http://orders:8081/api`, `redis://cache:6380/0`,
    /// `jdbc:mysql://mysql:3306/shop`) or a bare `HOST:PORT` (`orders:8081`, also in a
    /// comma-separated list), whose host is a workload's name or its name in the namespace
    /// (`orders.shop`, `orders.shop.svc`, `orders.shop.svc.cluster.local`, and
    /// `db-0.db` for a pod of a `stateful` or `database`). A URL without a port uses its
    /// scheme's (`http` 80, `https` 443, `postgres` 5432, `mysql` 3306, `redis` 6379, `mongodb`
    /// 27017, `amqp` 5672). It flags an address whose port the workload's Service does not
    /// publish — a Service publishes the ports of the main container — and one of a workload
    /// that has no Service: a job, a cronjob, or a workload without a port. The pods of a
    /// `stateful` or `database` are reached directly through their headless Service, so there
    /// the port must be one that any of its containers declares. Variables whose name says they
    /// hold something else are skipped — one of their words (split at `_`) is `IMAGE`, `TAG`
    /// or `VERSION`, where `redis:7` is a tag, or `WEIGHT`, `PRIORITY`, `RATIO`, `SHARE`,
    /// `PERCENT`, `COUNT`, `LIMIT`, `QUOTA`, `REPLICA` or `TIMEOUT` (or their plural), where
    /// `orders:2` is a number per workload, not port 2.
    ///
    /// ## Why is this bad?
    /// A Service forwards only the ports it publishes: a connection to any other port of its
    /// address is refused or hangs. The description compiles, the manifests apply, and the
    /// first request fails at run time — in the logs of another workload.
    ///
    /// ## Example
    /// ```kdl
    /// service orders { image "orders:3.1.0"; port 8080 }
    /// frontend web { image "web:2.0.0"; port 3000; env ORDERS_URL="http://orders:8081" }
    /// ```
    ///
    /// ## Use instead
    /// ```kdl
    /// service orders { image "orders:3.1.0"; port 8080 }
    /// frontend web { image "web:2.0.0"; port 3000; env ORDERS_URL="http://orders:8080" }
    /// ```
    /// or declare the port the workload listens on (`port 8081`).
    ///
    /// Counterparts: none of kube-linter, kube-score, Polaris or checkov; they do not read
    /// environment values as addresses.
    pub struct UnpublishedPort {
        code: "unpublished-port",
        severity: Error,
        summary: "an env value points at a workload of the app on a port its Service does not publish",
    }
}

impl Rule for UnpublishedPort {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        let app = cx.app;
        // One lookup per address, not a search: thousands of workloads each name a database.
        let by_name: HashMap<&str, &Workload> = app
            .workloads
            .iter()
            .rev()
            .map(|w| (crate::model::names::service(w), w))
            .collect();
        for w in cx.runs() {
            for (role, c) in containers(w) {
                for var in &c.env {
                    let EnvValue::Literal(value) = &var.value else {
                        continue;
                    };
                    if not_an_address(&var.name) {
                        continue;
                    }
                    for address in addresses(value) {
                        let Some(target) = workload_at(address.host, &app.namespace, &by_name)
                        else {
                            continue;
                        };
                        // A target whose description had errors may lack the ports it meant.
                        if app.incomplete.contains(&target.name) {
                            continue;
                        }
                        let of = describe(w, role, c);
                        let port = address.port;
                        let implied = match address.default_of {
                            Some(scheme) => format!(", the default of `{scheme}://`"),
                            None => String::new(),
                        };
                        match reachable(target) {
                            Reachable::NoService(why) => {
                                out.push(
                                    w,
                                    format!(
                                        "`{}` of {of} points at `{}`, which {why}",
                                        var.name, target.name
                                    ),
                                )
                                .label(var.span, format!("port {port} of `{}`{implied}", target.name))
                                .help(if target.kind.is_batch() {
                                    format!(
                                        "nothing can connect to a {}: point `{}` at a workload that serves",
                                        target.kind.keyword(),
                                        var.name
                                    )
                                } else {
                                    format!(
                                        "declare the port `{}` listens on: `port {port}`",
                                        target.name
                                    )
                                });
                            }
                            Reachable::Ports(ports, how) => {
                                if ports.iter().any(|(n, _)| *n == port) {
                                    continue;
                                }
                                let list: Vec<String> =
                                    ports.iter().map(|(n, p)| shown(*n, p)).collect();
                                let (published, verb) = match how {
                                    How::Service => ("its Service does not publish", "publishes"),
                                    How::Pods => ("none of its containers declares", "declares"),
                                };
                                let use_one = if list.len() == 1 {
                                    "use it"
                                } else {
                                    "use one of them"
                                };
                                // A Service publishes the main container's ports, and a sidecar's
                                // only where it says so.
                                let sidecar = target.sidecars.iter().find(|s| {
                                    s.ports
                                        .iter()
                                        .any(|p| p.number == port && p.publish != Some(true))
                                });
                                let ports = format!("`{}` {verb} {}", target.name, list.join(", "));
                                let help = match sidecar {
                                    Some(s) => format!(
                                        "{ports}; {port} is sidecar `{}`'s, and a Service publishes a sidecar's port only where it says so: {use_one}, or write `port {port} publish=#true` in the sidecar",
                                        s.name
                                    ),
                                    None => format!(
                                        "{ports}: {use_one}, or declare `port {port}` in `{}` if it listens there",
                                        target.name
                                    ),
                                };
                                out.push(
                                    w,
                                    format!(
                                        "`{}` of {of} points at port {port} of `{}`, which {published}",
                                        var.name, target.name
                                    ),
                                )
                                .label(var.span, format!("port {port}{implied}"))
                                .help(help);
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Words in a variable's name (alone or plural) that say its `NAME:N` values are something
/// else: an image and its tag (`redis:7`), or a number per workload (`orders:2` as a weight).
const NOT_ADDRESSES: &[&str] = &[
    "IMAGE",
    "TAG",
    "VERSION",
    "WEIGHT",
    "PRIORITY",
    "PRIORITIES",
    "RATIO",
    "SHARE",
    "PERCENT",
    "COUNT",
    "LIMIT",
    "QUOTA",
    "REPLICA",
    "TIMEOUT",
];

/// Whether a variable's name says its values are not addresses: one of its words, split at
/// `_`, `-` and `.`, is one of [`NOT_ADDRESSES`].
fn not_an_address(name: &str) -> bool {
    name.split(['_', '-', '.']).any(|word| {
        let word = word.to_ascii_uppercase();
        let singular = word.strip_suffix('S').unwrap_or(&word);
        NOT_ADDRESSES.contains(&word.as_str()) || NOT_ADDRESSES.contains(&singular)
    })
}

/// A port as the help lists it, by the number it is reached on: `9090 (grpc)`, or `8080` when
/// its name only repeats the number.
fn shown(number: u16, port: &Port) -> String {
    if port.name == format!("port-{}", port.number) {
        number.to_string()
    } else {
        format!("{number} ({})", port.name)
    }
}

/// How a workload's pods are reached by its name.
enum Reachable<'a> {
    /// Not at all, and why: "has no Service: a job has none".
    NoService(&'static str),
    /// On these ports, each by the number it is reached on.
    Ports(Vec<(u16, &'a Port)>, How),
}

/// What decides the ports.
enum How {
    /// A ClusterIP Service, which forwards the ports it publishes.
    Service,
    /// A headless Service: its name resolves to the pods, so any port of theirs answers.
    Pods,
}

/// The ports a workload is reached on by its name, as lowering writes its Service.
fn reachable(w: &Workload) -> Reachable<'_> {
    if w.kind.is_batch() {
        return Reachable::NoService(match w.kind {
            WorkloadKind::CronJob => "has no Service: a cronjob has none",
            _ => "has no Service: a job has none",
        });
    }
    if w.headless() {
        let ports: Vec<(u16, &Port)> = std::iter::once(&w.main)
            .chain(&w.sidecars)
            .flat_map(|c| &c.ports)
            .map(|p| (p.number, p))
            .collect();
        if ports.is_empty() {
            return Reachable::NoService("declares no port");
        }
        return Reachable::Ports(ports, How::Pods);
    }
    if !w.has_service() {
        return Reachable::NoService("has no Service: it declares no port");
    }
    Reachable::Ports(w.service_ports().collect(), How::Service)
}

/// An address of a workload found in a value.
#[derive(Debug, PartialEq, Eq)]
struct Address<'v> {
    /// The host as written.
    host: &'v str,
    /// The port, written or implied.
    port: u16,
    /// The scheme whose default port it is, when none was written.
    default_of: Option<&'v str>,
}

/// The `HOST:PORT` addresses and URLs in a value, split at white space, `,` and `;`. Only
/// what reads unambiguously as an address: a URL (`SCHEME://[USER@]HOST[:PORT][/…]`), with
/// the port written or its scheme's well-known one, or a bare `HOST:PORT[/…]` with a numeric
/// port.
fn addresses(value: &str) -> Vec<Address<'_>> {
    let mut out = Vec::new();
    for token in value.split(|c: char| c.is_whitespace() || c == ',' || c == ';') {
        if let Some((scheme, rest)) = token.split_once("://") {
            let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
            let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
            let address = match host_port.split_once(':') {
                Some((host, port)) => port_number(port).map(|port| Address {
                    host,
                    port,
                    default_of: None,
                }),
                None => default_port(scheme).map(|port| Address {
                    host: host_port,
                    port,
                    default_of: Some(scheme),
                }),
            };
            out.extend(address.filter(|a| !a.host.is_empty()));
        } else if !token.contains('@') {
            let host_port = token.split('/').next().unwrap_or_default();
            if let Some((host, port)) = host_port.split_once(':')
                && !host.is_empty()
                && let Some(port) = port_number(port)
            {
                out.push(Address {
                    host,
                    port,
                    default_of: None,
                });
            }
        }
    }
    out
}

/// A port written in decimal digits only, 1 to 65535.
fn port_number(text: &str) -> Option<u16> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok().filter(|p| *p > 0)
}

/// The port a URL of this scheme connects to when it names none (`jdbc:` aside).
fn default_port(scheme: &str) -> Option<u16> {
    let scheme = scheme.to_ascii_lowercase();
    let scheme = scheme.strip_prefix("jdbc:").unwrap_or(&scheme);
    Some(match scheme {
        "http" | "ws" => 80,
        "https" | "wss" => 443,
        "postgres" | "postgresql" => 5432,
        "mysql" => 3306,
        "redis" | "rediss" => 6379,
        "mongodb" => 27017,
        "amqp" => 5672,
        "amqps" => 5671,
        _ => return None,
    })
}

/// The workload of the app that a host name reaches: its name, the name in the app's
/// namespace (`NAME.NAMESPACE`, `NAME.NAMESPACE.svc`, `NAME.NAMESPACE.svc.cluster.local`), or a
/// pod of a StatefulSet by its own name (`NAME-0.NAME`, and so on).
fn workload_at<'a>(
    host: &str,
    namespace: &str,
    by_name: &HashMap<&str, &'a Workload>,
) -> Option<&'a Workload> {
    let host = host.strip_suffix('.').unwrap_or(host).to_ascii_lowercase();
    let mut labels = host.split('.');
    let first = labels.next()?;
    let rest: Vec<&str> = labels.collect();
    let in_namespace = |rest: &[&str]| {
        matches!(
            rest,
            [] | [_] | [_, "svc"] | [_, "svc", "cluster", "local"] if rest.first().is_none_or(|n| *n == namespace)
        )
    };
    if in_namespace(&rest)
        && let Some(target) = by_name.get(first)
    {
        return Some(target);
    }
    // A pod of a StatefulSet: `NAME-N.NAME…`.
    let (service, rest) = rest.split_first()?;
    let ordinal = first.strip_prefix(*service)?.strip_prefix('-')?;
    let target = *by_name.get(service)?;
    (target.kind.is_stateful()
        && !ordinal.is_empty()
        && ordinal.bytes().all(|b| b.is_ascii_digit())
        && in_namespace(rest))
    .then_some(target)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(value: &str) -> Vec<(&str, u16)> {
        addresses(value).iter().map(|a| (a.host, a.port)).collect()
    }

    #[test]
    fn addresses_are_read_from_urls_and_host_port_pairs() {
        assert_eq!(found("frontend:80"), [("frontend", 80)]);
        assert_eq!(found("http://orders:8081"), [("orders", 8081)]);
        assert_eq!(found("http://orders:8081/api?x=1"), [("orders", 8081)]);
        assert_eq!(found("redis://cache:6380/0"), [("cache", 6380)]);
        assert_eq!(found("http://orders/api"), [("orders", 80)]);
        assert_eq!(found("https://orders"), [("orders", 443)]);
        assert_eq!(
            found("jdbc:mysql://mysql/shop?useSSL=false"),
            [("mysql", 3306)]
        );
        assert_eq!(
            found("mongodb://$(USER):$(PASSWORD)@db:27017/shop?authSource=admin"),
            [("db", 27017)]
        );
        assert_eq!(
            found("kafka-0:9092,kafka-1:9092"),
            [("kafka-0", 9092), ("kafka-1", 9092)]
        );
        assert_eq!(found("orders:8080/api"), [("orders", 8080)]);
        let addresses = addresses("http://orders");
        assert_eq!(addresses[0].default_of, Some("http"));
    }

    #[test]
    fn names_of_images_and_numbers_per_workload_are_not_addresses() {
        for name in [
            "SIDECAR_IMAGE",
            "ORDERS_TAG",
            "WEIGHTS",
            "queue-priorities",
            "RETRY_COUNT",
        ] {
            assert!(not_an_address(name), "{name}");
        }
        for name in [
            "ORDERS_URL",
            "ACCOUNTS_ADDR",
            "STAGING_HOST",
            "COUNTRY_API",
            "REDIS_ADDR",
        ] {
            assert!(!not_an_address(name), "{name}");
        }
    }

    #[test]
    fn what_is_not_an_address_is_not_read() {
        for value in [
            "",
            "redis:7.2",
            "redis:latest",
            "orders",
            "orders:",
            ":8080",
            "orders:+80",
            "orders:0",
            "orders:70000",
            "1@localhost:9093",
            "mongodb+srv://cluster0.example.net/shop",
            "ftp://files/",
            "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
            "{\"url\":\"http://orders:8081\"}",
        ] {
            assert_eq!(found(value), [], "{value:?}");
        }
    }
}
