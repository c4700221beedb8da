//! Property tests: random but valid descriptions, made by a generator that knows the language
//! (docs/language.md), must compile without errors — for the base app and for every environment
//! — and their output must pass `kubernetes-validate --strict` for Kubernetes 1.37, read back to
//! the same objects, diff empty against itself, and render the same bytes every time.
//!
//! The generator is driven by a list of random numbers (a "choice sequence"): each decision takes
//! the next number, and a number of 0 (or the end of the list) is always the simplest choice —
//! no optional node, the first option. Shrinking the list toward zeros therefore shrinks the
//! description, and decisions can depend on earlier ones (a `route` only names a workload that
//! has a port, a `volume` on a Deployment with several pods is `ReadWriteMany`, …).
//!
//! Runs are deterministic: a fixed ChaCha seed per test, and no `proptest-regressions` files.
//! Under CI=true a missing `kubernetes-validate` fails the validation test instead of skipping it.

#![allow(
    clippy::disallowed_methods,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests read fixtures, write temporary directories, and fail loudly"
)]

mod common;

use std::cell::RefCell;
use std::fmt::Write as _;
use std::path::Path;

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{
    Config as ProptestConfig, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner,
};
use windlass::diff::read::{self, Syntax};
use windlass::render::{self, Format};

// ---------------------------------------------------------------------------------------------
// The generator
// ---------------------------------------------------------------------------------------------

/// The random numbers a description is made from; 0 (also past the end) is the simplest choice.
struct Choices {
    values: Vec<u32>,
    at: usize,
}

impl Choices {
    fn next(&mut self) -> u32 {
        let v = self.values.get(self.at).copied().unwrap_or(0);
        self.at += 1;
        v
    }

    /// A number in `0..n`.
    fn pick(&mut self, n: usize) -> usize {
        self.next() as usize % n.max(1)
    }

    /// A number in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.pick(hi - lo + 1)
    }

    /// One of `items`.
    fn one<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.pick(items.len())]
    }

    /// True with `percent` % probability; a 0 is false.
    fn chance(&mut self, percent: u32) -> bool {
        self.next() % 100 >= 100 - percent
    }

    /// A subset of `items`, in their order.
    fn subset<T: Clone>(&mut self, items: &[T], percent: u32) -> Vec<T> {
        items
            .iter()
            .filter(|_| self.chance(percent))
            .cloned()
            .collect()
    }
}

/// A KDL string literal of `s`, escaping what a single-line string cannot hold.
fn q(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control()
                || matches!(
                    c,
                    '\u{2028}'
                        | '\u{2029}'
                        | '\u{200E}'
                        | '\u{200F}'
                        | '\u{202A}'..='\u{202E}'
                        | '\u{2066}'..='\u{2069}'
                        | '\u{FEFF}'
                ) =>
            {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Pieces of strings that YAML 1.1 readers, YAML emitters and KDL readers trip on.
const TRICKY: &[&str] = &[
    "plain",
    "yes",
    "no",
    "on",
    "off",
    "true",
    "False",
    "~",
    "null",
    "Null",
    "0x1F",
    "0o17",
    "1e3",
    "012",
    "1_000",
    ".5",
    "-.inf",
    ".NaN",
    "2024-01-01",
    "12:30:00",
    "1:2",
    ": x",
    "- a",
    "? q",
    "#c",
    "a #b",
    "a: b",
    "'single'",
    "\"double\"",
    "multi\nline",
    "ends with newline\n",
    "\n",
    "  leading",
    "trailing  ",
    "tab\there",
    "cr\r\nlf",
    "unicode é 学 🚀",
    "{braces}",
    "[x, y]",
    "*ref",
    "&anchor",
    "!tag",
    "%percent",
    "@at",
    "`tick`",
    "|",
    ">",
    "---",
    "...",
    "$(VAR)",
    "back\\slash",
    "bell\u{7}",
    "nel\u{85}",
    "ls\u{2028}",
    "ps\u{2029}",
    "bom\u{FEFF}",
    "nbsp\u{A0}",
    "",
    " ",
];

/// Whether a generated string may hold a line break together with U+2028 or U+2029 (a file's
/// content always ends with one). The YAML emitter used to write such a string as a literal block
/// with the separator raw, which YAML 1.1 readers (PyYAML, libyaml, go-yaml, serde_yaml) break at
/// the separator; it writes it double-quoted now: see
/// `line_separator_in_a_multi_line_string_is_escaped`.
const GENERATE_SEPARATOR_WITH_NEWLINE: bool = true;

/// A string made of tricky pieces: one, two or three run together, or two to four lines (the
/// emitter's literal-block path), sometimes with a final newline.
fn tricky(c: &mut Choices) -> String {
    let s = match c.pick(4) {
        0 => c.one(TRICKY).to_owned(),
        1 | 2 => (0..c.range(2, 3)).map(|_| c.one(TRICKY)).collect(),
        _ => {
            let lines: Vec<&str> = (0..c.range(2, 4)).map(|_| c.one(TRICKY)).collect();
            let mut s = lines.join("\n");
            if c.chance(50) {
                s.push('\n');
            }
            s
        }
    };
    if !GENERATE_SEPARATOR_WITH_NEWLINE && s.contains('\n') {
        s.replace(['\u{2028}', '\u{2029}'], "")
    } else {
        s
    }
}

/// Workload names: DNS labels, none a prefix-with-dash of another, none one of the container or
/// ServiceAccount names the generator uses inside workloads.
const NAMES: &[&str] = &[
    "api", "web", "orders", "cache", "db", "mail", "search", "auth", "pay", "stock", "ship", "feed",
];

const ENGINES: &[(&str, &[u16])] = &[
    ("postgres", &[5432]),
    ("mysql", &[3306]),
    ("redis", &[6379]),
    ("mongodb", &[27017]),
    ("elasticsearch", &[9200, 9300]),
    ("rabbitmq", &[5672, 15672]),
    ("kafka", &[9092, 9093]),
    ("minio", &[9000, 9001]),
];

/// The kinds of workload the generator writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Frontend,
    Gateway,
    Service,
    Stateful,
    Job,
    CronJob,
    /// `database NAME engine=ENGINE …` (engine index).
    Database(usize),
    /// `use ENGINE NAME …`, a stdlib database by its component name (engine index).
    UseStdlib(usize),
    /// `use nacos NAME` (a stdlib `stateful`).
    Nacos,
    /// `use web-svc NAME image=…`, the generated component of kind `service`.
    UseService,
    /// `use nightly NAME`, the generated component of kind `cronjob`.
    UseCron,
}

impl Kind {
    /// The keyword an environment names the workload by.
    fn keyword(self) -> &'static str {
        match self {
            Kind::Frontend => "frontend",
            Kind::Gateway => "gateway",
            Kind::Service | Kind::UseService => "service",
            Kind::Stateful | Kind::Nacos => "stateful",
            Kind::Job => "job",
            Kind::CronJob | Kind::UseCron => "cronjob",
            Kind::Database(_) | Kind::UseStdlib(_) => "database",
        }
    }

    fn is_batch(self) -> bool {
        matches!(self, Kind::Job | Kind::CronJob | Kind::UseCron)
    }

    /// Made from a standard-library component that runs one instance (`single-instance`): more
    /// pods are the error `single-instance-scaled`.
    fn is_single_instance(self) -> bool {
        matches!(self, Kind::Database(_) | Kind::UseStdlib(_) | Kind::Nacos)
    }

    fn is_deployment(self) -> bool {
        matches!(
            self,
            Kind::Frontend | Kind::Gateway | Kind::Service | Kind::UseService
        )
    }

    /// Written by the generator line by line (not an instance of a component): its literal
    /// values are exactly what the description says.
    fn is_plain(self) -> bool {
        matches!(
            self,
            Kind::Frontend
                | Kind::Gateway
                | Kind::Service
                | Kind::Stateful
                | Kind::Job
                | Kind::CronJob
        )
    }
}

/// What the generator decided about a workload before writing any of them.
#[derive(Clone, Debug)]
struct Plan {
    name: String,
    kind: Kind,
    /// The main container's port numbers; the first is the primary one (TCP).
    ports: Vec<u16>,
}

/// What writing a workload decided that its environment overrides must respect.
#[derive(Clone, Copy, Debug, Default)]
struct Written {
    /// A Deployment with a ReadWriteOnce volume: it must keep one pod, and have no canary (whose
    /// pods would mount the same claim).
    single_pod: bool,
}

/// One generated description, with what the properties need to know about it.
#[derive(Clone)]
struct Description {
    kdl: String,
    /// The environments it declares.
    envs: Vec<String>,
    /// Literal environment variables of plain workloads: (workload, variable, value).
    literals: Vec<(String, String, String)>,
}

impl std::fmt::Debug for Description {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "\n----- generated description -----\n{}", self.kdl)
    }
}

/// Whether environments write `canary none` (docs/language.md, Environments). The compiler used
/// to read it as a canary without `weight=` and `image=`/`tag=` (three errors): see
/// `canary_none_in_an_environment_removes_the_canary`.
const GENERATE_CANARY_NONE: bool = true;

/// The generated components, written before the app when an instance uses them.
const WEB_SVC: &str = r#"component web-svc kind=service {
    param image
    param profile default="prod"
    image "{image}"
    port 8080
    env PROFILE="{profile}" SERVICE="{name}" APP="{app}"
    probe http "/healthz"
    resources cpu="100m" memory="128Mi"
}
"#;

const NIGHTLY: &str = r#"component nightly kind=cronjob {
    param schedule default="0 3 * * *"
    param release default="1.0.0"
    image "batch-{name}:{release}"
    schedule "{schedule}"
    resources cpu="100m" memory="64Mi"
}
"#;

const CPUS: &[&str] = &["50m", "100m", "250m", "500m", "1", "2"];
const MEMORIES: &[&str] = &["64Mi", "128Mi", "256Mi", "512Mi", "1Gi", "2Gi"];
const TAGS: &[&str] = &["1.0.0", "2.3.1", "v3", "2025.01.14", "1.0.0-rc.1"];
const ENV_NAMES: &[&str] = &[
    "LOG_LEVEL",
    "MODE",
    "GREETING",
    "RATIO",
    "FLAG",
    "EMPTY",
    "JSON_BLOB",
    "app.setting",
];
const ROUTE_PATHS: &[&str] = &["/api", "/v1", "/auth", "/static", "/orders"];
const SCHEDULES: &[&str] = &[
    "0 3 * * *",
    "*/15 * * * *",
    "@daily",
    "30 2 * * 1-5",
    "@hourly",
];

/// Writes `resources` with limits never below requests.
fn resources(c: &mut Choices) -> String {
    let mut line = String::from("resources");
    let cpu = c.pick(CPUS.len());
    let mem = c.pick(MEMORIES.len());
    let _ = write!(line, " cpu={} memory={}", q(CPUS[cpu]), q(MEMORIES[mem]));
    if c.chance(30) {
        line.push_str(" ephemeral-storage=\"1Gi\"");
    }
    if c.chance(40) {
        let _ = write!(line, " limit-cpu={}", q(CPUS[c.range(cpu, CPUS.len() - 1)]));
    }
    if c.chance(40) {
        let _ = write!(
            line,
            " limit-memory={}",
            q(MEMORIES[c.range(mem, MEMORIES.len() - 1)])
        );
    }
    line
}

/// Timing properties of a probe; `successes` only where Kubernetes allows it (readiness).
fn timings(c: &mut Choices, readiness: bool) -> String {
    let mut out = String::new();
    if c.chance(30) {
        out.push_str(c.one(&[" delay=5", " delay=\"10s\"", " delay=\"1m\""]));
    }
    if c.chance(30) {
        out.push_str(c.one(&[" period=\"5s\"", " period=10"]));
    }
    if c.chance(20) {
        out.push_str(" timeout=2");
    }
    if c.chance(20) {
        out.push_str(c.one(&[" failures=3", " failures=30"]));
    }
    if readiness && c.chance(20) {
        out.push_str(" successes=2");
    }
    out
}

/// A probe action for a container whose ports are `ports` (its names are in `names`).
fn probe_action(c: &mut Choices, ports: &[u16], names: &[String]) -> String {
    if ports.is_empty() {
        return "exec \"cat\" \"/tmp/ready\"".to_owned();
    }
    match c.pick(6) {
        0 => "http \"/healthz\"".to_owned(),
        1 => format!("http \"/ready\" port={} scheme=HTTP", ports[0]),
        // A TCP port by its written name (the `u…` ones are UDP; a port written without a name
        // is named after what its probes reveal, so it is probed by number).
        2 => {
            let tcp: Vec<&String> = names
                .iter()
                .filter(|n| !n.is_empty() && !n.starts_with('u'))
                .collect();
            match tcp.len() {
                0 => format!("http \"/live\" port={}", ports[0]),
                n => format!("http \"/live\" port={}", q(tcp[c.pick(n)])),
            }
        }
        3 => "tcp".to_owned(),
        4 => format!("grpc port={}", ports[0]),
        _ => "exec \"sh\" \"-c\" \"test -f /tmp/ok\"".to_owned(),
    }
}

/// The main container's ports: (written names, empty for a port given none; lines).
fn port_lines(c: &mut Choices, ports: &[u16]) -> (Vec<String>, Vec<String>) {
    let mut names = Vec::new();
    let mut lines = Vec::new();
    for (i, port) in ports.iter().enumerate() {
        let (name, line) = if i == 0 {
            if c.chance(30) {
                ("web".to_owned(), format!("port {port} name=web"))
            } else {
                (String::new(), format!("port {port}"))
            }
        } else {
            match c.pick(3) {
                0 => (String::new(), format!("port {port}")),
                1 => (format!("p{port}"), format!("port {port} name=p{port}")),
                _ => (
                    format!("u{port}"),
                    format!("port {port} name=u{port} protocol=UDP"),
                ),
            }
        };
        names.push(name);
        lines.push(line);
    }
    (names, lines)
}

/// The generator: a valid description from the choices.
fn generate(values: Vec<u32>) -> Description {
    let mut c = Choices { values, at: 0 };
    let c = &mut c;

    // Plans first, so that references can check their targets.
    let count = c.range(1, 8);
    let mut names: Vec<&str> = NAMES.to_vec();
    // A shuffle driven by the choices.
    for i in (1..names.len()).rev() {
        let j = c.pick(i + 1);
        names.swap(i, j);
    }
    let plans: Vec<Plan> = names[..count]
        .iter()
        .map(|name| {
            let kind = match c.pick(14) {
                0 | 1 => Kind::Service,
                2 => Kind::Frontend,
                3 => Kind::Gateway,
                4 => Kind::Stateful,
                5 => Kind::Job,
                6 => Kind::CronJob,
                7 | 8 => Kind::Database(c.pick(ENGINES.len())),
                9 => Kind::UseStdlib(c.pick(ENGINES.len())),
                10 => Kind::Nacos,
                11 | 12 => Kind::UseService,
                _ => Kind::UseCron,
            };
            let ports = match kind {
                Kind::Database(e) | Kind::UseStdlib(e) => ENGINES[e].1.to_vec(),
                Kind::Nacos => vec![8848, 9848],
                Kind::UseService => vec![8080],
                Kind::UseCron => vec![],
                Kind::Job | Kind::CronJob => {
                    if c.chance(10) {
                        vec![8080]
                    } else {
                        vec![]
                    }
                }
                // A service may be a worker without a port.
                Kind::Service if c.chance(15) => vec![],
                _ => {
                    let mut ports = vec![c.one(&[80, 8080, 3000])];
                    for extra in [9090u16, 9100, 5000, 53] {
                        if c.chance(20) {
                            ports.push(extra);
                        }
                    }
                    ports
                }
            };
            Plan {
                name: (*name).to_owned(),
                kind,
                ports,
            }
        })
        .collect();

    // App settings.
    let app_name = c.one(&["shop", "bank", "blog"]);
    let restricted = c.chance(20);
    let default_gateway = c.chance(40);
    let ingress_class = match c.pick(4) {
        1 => Some("nginx"),
        2 => Some("gce"),
        _ => None,
    };
    let mut app = String::new();
    let _ = writeln!(app, "app {app_name} {{");
    if c.chance(50) {
        let _ = writeln!(app, "    namespace {app_name}-ns");
    }
    if c.chance(30) {
        app.push_str("    registry \"registry.example.com/team\"\n");
    }
    if restricted {
        app.push_str("    security restricted\n");
    } else if c.chance(20) {
        app.push_str("    security hardened\n");
    }
    if c.chance(30) {
        app.push_str("    labels team=platform tier=\"backend\"\n");
    }
    if c.chance(30) {
        let _ = writeln!(
            app,
            "    annotations \"example.com/owner\"={}",
            q(&tricky(c))
        );
    }
    if let Some(class) = ingress_class {
        let _ = writeln!(app, "    ingress-class {class}");
    }
    if default_gateway {
        app.push_str("    default-gateway public namespace=infra\n");
    }
    if c.chance(30) {
        app.push_str(c.one(&[
            "    network-policy\n",
            "    network-policy ingress-namespace=ingress-nginx\n",
        ]));
    }
    if c.chance(20) {
        app.push_str("    cluster node-port-range=\"30000-32767\"\n");
    }
    if c.chance(20) {
        app.push_str("    allow missing-resource-requests reason=\"a LimitRange sets them\"\n");
    }

    let mut literals = Vec::new();
    let mut written = Vec::new();
    for (index, plan) in plans.iter().enumerate() {
        let others: Vec<&Plan> = plans.iter().filter(|p| p.name != plan.name).collect();
        let (text, facts) = workload(
            c,
            plan,
            index,
            &others,
            default_gateway,
            restricted,
            &mut literals,
        );
        app.push_str(&text);
        written.push(facts);
    }
    app.push_str("}\n");

    // Components the instances need, before the app.
    let mut kdl = String::new();
    if plans.iter().any(|p| p.kind == Kind::UseService) {
        kdl.push_str(WEB_SVC);
        kdl.push('\n');
    }
    if plans.iter().any(|p| p.kind == Kind::UseCron) {
        kdl.push_str(NIGHTLY);
        kdl.push('\n');
    }
    kdl.push_str(&app);

    // Environments.
    let envs = c.subset(&["dev", "staging", "prod"], 35);
    for (e, env) in envs.iter().enumerate() {
        kdl.push('\n');
        kdl.push_str(&environment(c, env, e, &plans, &written, default_gateway));
    }
    Description {
        kdl,
        envs: envs.iter().map(|e| (*e).to_owned()).collect(),
        literals,
    }
}

/// One workload of the app.
fn workload(
    c: &mut Choices,
    plan: &Plan,
    index: usize,
    others: &[&Plan],
    default_gateway: bool,
    restricted: bool,
    literals: &mut Vec<(String, String, String)>,
) -> (String, Written) {
    let name = &plan.name;
    let kind = plan.kind;
    let mut body: Vec<String> = Vec::new();
    let head = match kind {
        Kind::Frontend | Kind::Gateway | Kind::Service | Kind::Stateful | Kind::Job => {
            format!("{} {name}", kind.keyword())
        }
        Kind::CronJob => format!("cronjob {name}"),
        Kind::Database(e) => {
            let mut head = format!(
                "database {name} engine={} storage={}",
                ENGINES[e].0,
                q(c.one(&["1Gi", "10Gi", "20Gi"]))
            );
            if c.chance(30) {
                head.push_str(" storage-class=\"ssd\"");
            }
            // Kafka reads no Secret: it has no `secret` parameter.
            if ENGINES[e].0 != "kafka" && c.chance(20) {
                let _ = write!(head, " secret=\"{name}-secret\"");
            }
            head
        }
        Kind::UseStdlib(e) => format!("use {} {name} storage=\"5Gi\"", ENGINES[e].0),
        Kind::Nacos => format!("use nacos {name}"),
        Kind::UseService => {
            let mut head = format!("use web-svc {name} image=\"{name}:{}\"", c.one(TAGS));
            if c.chance(40) {
                head.push_str(" profile=\"prod,eu\"");
            }
            head
        }
        Kind::UseCron => {
            let mut head = format!("use nightly {name}");
            if c.chance(50) {
                let _ = write!(head, " schedule={}", q(c.one(SCHEDULES)));
            }
            head
        }
    };
    let is_instance = !kind.is_plain();

    // The main container.
    if kind.is_plain() {
        body.push(format!("image \"{name}:{}\"", c.one(TAGS)));
    } else if matches!(kind, Kind::UseService) && c.chance(10) {
        body.push(format!(
            "image \"mirror.example.com/{name}:{}\"",
            c.one(TAGS)
        ));
    }
    let (port_names, ports_written) = if kind.is_plain() {
        port_lines(c, &plan.ports)
    } else {
        (Vec::new(), Vec::new())
    };
    body.extend(ports_written);
    if matches!(kind, Kind::UseService) && c.chance(30) {
        body.push("port 9090 name=metrics".to_owned());
    }
    let probe_ports: Vec<u16> = if kind.is_plain() {
        plan.ports.clone()
    } else {
        Vec::new()
    };
    let probe_names = port_names.clone();
    let deployment_like = !kind.is_batch();

    let mut replicas = 1;
    if deployment_like && c.chance(40) {
        replicas = if kind.is_single_instance() {
            1
        } else {
            c.range(1, 4)
        };
        body.push(format!("replicas {replicas}"));
    }
    let mut autoscale_max = 1;
    if deployment_like && !kind.is_single_instance() && c.chance(25) {
        let min = c.range(1, 3);
        autoscale_max = c.range(min, 10);
        let mut line = format!("autoscale min={min} max={autoscale_max}");
        match c.pick(4) {
            1 => line.push_str(" cpu=70"),
            2 => line.push_str(" memory=80"),
            3 => line.push_str(" cpu=60 memory=75"),
            _ => {}
        }
        body.push(line);
    }
    let several_pods = replicas > 1 || autoscale_max > 1;

    // Environment variables: literals (remembered, for plain workloads), and the other sources.
    if c.chance(60) {
        let vars = c.subset(ENV_NAMES, 30);
        let mut line = String::from("env");
        for var in &vars {
            let value = if kind.is_plain() && c.chance(70) {
                tricky(c)
            } else {
                c.one(&["info", "4", "-5", "0", "true"]).to_owned()
            };
            // An integer or boolean written bare, when its text is the canonical spelling.
            let written = match value.as_str() {
                "4" | "-5" | "0" if c.chance(50) => value.clone(),
                "true" if c.chance(50) => "#true".to_owned(),
                _ => q(&value),
            };
            let _ = write!(line, " {}={written}", q(var));
            if kind.is_plain() {
                literals.push((name.clone(), (*var).to_owned(), value));
            }
        }
        if !vars.is_empty() {
            body.push(line);
        }
    }
    if c.chance(25) {
        body.push(format!(
            "env DB_PASSWORD secret={name}-db key=password{}",
            if c.chance(30) { " optional=#true" } else { "" }
        ));
    }
    if c.chance(20) {
        body.push("env FEATURES config=flags key=\"features.json\" optional=#true".to_owned());
    }
    if c.chance(20) {
        body.push(format!(
            "env POD_IP field={}",
            q(c.one(&["status.podIP", "metadata.name", "spec.nodeName"]))
        ));
    }
    if c.chance(15) {
        body.push(
            c.one(&["env-from config=settings", "env-from secret=shared-secrets"])
                .to_owned(),
        );
    }

    // Files, command and args.
    if c.chance(25) && kind.is_plain() {
        for i in 0..c.range(1, 2) {
            // A file gets a final newline: its content is always multi-line.
            let mut content = tricky(c);
            if !GENERATE_SEPARATOR_WITH_NEWLINE {
                content = content.replace(['\u{2028}', '\u{2029}'], "");
            }
            body.push(format!("file \"/etc/{name}/conf-{i}.txt\" {}", q(&content)));
        }
    }
    if c.chance(20) && kind.is_plain() {
        body.push(format!("command \"/bin/{name}\" {}", q(&tricky(c))));
    }
    if c.chance(20) && kind.is_plain() {
        body.push(format!("args \"--flag\" {}", q(&tricky(c))));
    }

    // Resources and probes.
    if c.chance(60) {
        body.push(resources(c));
    }
    if !is_instance {
        match c.pick(4) {
            1 => body.push(format!(
                "probe {}{}",
                probe_action(c, &probe_ports, &probe_names),
                timings(c, false)
            )),
            2 => {
                body.push(format!(
                    "readiness {}{}",
                    probe_action(c, &probe_ports, &probe_names),
                    timings(c, true)
                ));
                if c.chance(50) {
                    body.push(format!(
                        "liveness {}{}",
                        probe_action(c, &probe_ports, &probe_names),
                        timings(c, false)
                    ));
                }
                if c.chance(30) {
                    body.push(format!(
                        "startup {} failures=30 period=\"10s\"",
                        probe_action(c, &probe_ports, &probe_names)
                    ));
                }
            }
            _ => {}
        }
    }

    // Storage.
    let mut volumes: Vec<&str> = Vec::new();
    let mut facts = Written::default();
    let stateful = matches!(kind, Kind::Stateful);
    if (stateful && c.chance(80)) || (kind.is_plain() && !stateful && c.chance(15)) {
        let mut line = format!("volume data path=\"/var/lib/{name}\" size=\"2Gi\"");
        if c.chance(30) {
            line.push_str(" class=\"ssd\"");
        }
        // A Deployment's pods share one claim: several pods need a volume many nodes mount.
        if kind.is_deployment() && several_pods {
            line.push_str(" access=ReadWriteMany");
        } else if kind.is_deployment() {
            facts.single_pod = true;
        } else if c.chance(20) {
            line.push_str(c.one(&[
                " access=ReadWriteOnce",
                " access=ReadOnlyMany",
                " access=ReadWriteOncePod",
            ]));
        }
        body.push(line);
        volumes.push("data");
    }
    if c.chance(30) {
        let mut line = String::from("empty-dir scratch path=\"/scratch\"");
        if c.chance(40) {
            line.push_str(" memory=#true");
        }
        if c.chance(40) {
            line.push_str(" size=\"64Mi\"");
        }
        body.push(line);
        volumes.push("scratch");
    }
    if kind.is_plain() && c.chance(8) {
        body.push("host-path varlog path=\"/var/log/host\" host=\"/var/log\"".to_owned());
        body.push("allow host-path reason=\"collects the node's logs\"".to_owned());
        volumes.push("varlog");
    }

    // Init containers and sidecars.
    if kind.is_plain() && c.chance(20) {
        let mut init = vec![
            "image \"setup:1.0.0\"".to_owned(),
            format!("command \"sh\" \"-c\" {}", q(&tricky(c))),
        ];
        if c.chance(50) {
            init.push("env STEP=migrate".to_owned());
        }
        if let Some(v) = volumes.first()
            && c.chance(50)
        {
            init.push(format!("mount {v} path=\"/init/{v}\""));
        }
        if c.chance(50) {
            init.push("resources cpu=\"50m\" memory=\"32Mi\"".to_owned());
        }
        body.push(block("init setup", &init, 2));
    }
    if kind.is_plain() && c.chance(15) {
        let mut sidecar = vec![
            "image \"docker.io/envoyproxy/envoy:v1.31.2\"".to_owned(),
            "port 9901 name=proxy-admin".to_owned(),
        ];
        if c.chance(50) {
            sidecar.push("readiness tcp".to_owned());
        }
        if let Some(v) = volumes.last()
            && c.chance(50)
        {
            sidecar.push(format!("mount {v} path=\"/sidecar/{v}\" read-only=#true"));
        }
        body.push(block("sidecar proxy", &sidecar, 2));
    }

    // Identity and security.
    if c.chance(20) {
        body.push(
            c.one(&["service-account", "service-account runner"])
                .to_owned(),
        );
    }
    if kind.is_plain() {
        if c.chance(15) {
            body.push(
                c.one(&["security restricted", "security hardened"])
                    .to_owned(),
            );
        }
        if c.chance(20) || (restricted && c.chance(50)) {
            body.push(
                c.one(&[
                    "run-as user=10001",
                    "run-as user=10001 group=10001",
                    "run-as user=1000 group=1000 fs-group=2000",
                ])
                .to_owned(),
            );
        }
        if c.chance(20) {
            body.push("read-only-root #true".to_owned());
        }
        if c.chance(5) {
            body.push("privileged".to_owned());
            body.push("allow privileged-container reason=\"loads kernel modules\"".to_owned());
        }
        if c.chance(5) {
            body.push("host-network".to_owned());
        }
    }

    // Scheduling and metadata.
    if c.chance(15) {
        body.push("node-selector \"kubernetes.io/arch\"=amd64 pool=general".to_owned());
    }
    if c.chance(15) {
        body.push(
            c.one(&[
                "toleration dedicated value=api effect=NoSchedule",
                "toleration \"node.kubernetes.io/unreachable\" operator=Exists effect=NoExecute",
                "toleration spot",
            ])
            .to_owned(),
        );
    }
    if c.chance(20) {
        body.push(format!(
            "labels team=team-{index} \"example.com/tier\"=gold"
        ));
    }
    if c.chance(20) && !is_instance {
        body.push(format!(
            "annotations \"example.com/note\"={} \"prometheus.io/scrape\"=\"true\"",
            q(&tricky(c))
        ));
    }
    if c.chance(10) {
        body.push("allow image-tag-latest reason=\"pinned by digest in CI\"".to_owned());
    }

    // Rollout.
    if deployment_like && c.chance(25) {
        let stateful_set = matches!(
            kind,
            Kind::Stateful | Kind::Database(_) | Kind::UseStdlib(_) | Kind::Nacos
        );
        body.push(if stateful_set {
            c.one(&[
                "strategy rolling",
                "strategy rolling partition=0",
                "strategy on-delete",
            ])
            .to_owned()
        } else {
            c.one(&[
                "strategy rolling",
                "strategy rolling max-surge=1 max-unavailable=0",
                "strategy rolling max-surge=\"25%\" max-unavailable=\"25%\"",
                "strategy recreate",
            ])
            .to_owned()
        });
    }
    if deployment_like && c.chance(15) {
        body.push(
            c.one(&[
                "disruption none",
                "disruption max-unavailable=1",
                "disruption min-available=\"50%\"",
            ])
            .to_owned(),
        );
    }

    // Batch settings.
    if matches!(kind, Kind::Job | Kind::CronJob) {
        if c.chance(40) {
            body.push(format!("backoff-limit {}", c.range(0, 6)));
        }
        if c.chance(30) {
            body.push(c.one(&["deadline \"10m\"", "deadline 600"]).to_owned());
        }
        if c.chance(30) {
            body.push(c.one(&["ttl 3600", "ttl \"1h\"", "ttl 0"]).to_owned());
        }
        if c.chance(30) {
            let completions = c.range(1, 4);
            body.push(format!("completions {completions}"));
            if c.chance(50) {
                body.push(format!("parallelism {}", c.range(1, completions)));
            }
        }
    }
    if kind == Kind::CronJob {
        body.push(format!("schedule {}", q(c.one(SCHEDULES))));
        if c.chance(30) {
            body.push("time-zone \"Europe/Berlin\"".to_owned());
        }
        if c.chance(30) {
            body.push(format!(
                "concurrency {}",
                c.one(&["allow", "forbid", "replace"])
            ));
        }
        if c.chance(30) {
            body.push("history successful=3 failed=1".to_owned());
        }
    }

    // Exposure: only a workload with a port; hosts and node ports unique per workload.
    if deployment_like && !plan.ports.is_empty() && c.chance(45) {
        body.push(exposure(c, name, index, None, default_gateway));
    }

    // Canary: Deployments only, and not beside a ReadWriteOnce volume.
    if kind.is_deployment() && !facts.single_pod && c.chance(20) {
        let mut line = match c.pick(2) {
            0 => format!("canary tag={}", q(c.one(TAGS))),
            _ => format!("canary image=\"{name}-next:{}\"", c.one(TAGS)),
        };
        let _ = write!(line, " weight={}", c.range(1, 99));
        if c.chance(30) {
            let _ = write!(line, " replicas={}", c.range(1, 3));
        }
        body.push(line);
    }

    // Edges: `uses` any other workload; `route` only to one with a port, from a non-batch one.
    let used: Vec<&str> = others
        .iter()
        .filter(|_| c.chance(20))
        .map(|p| p.name.as_str())
        .collect();
    if !used.is_empty() {
        body.push(format!("uses {}", used.join(" ")));
    }
    if deployment_like {
        let targets: Vec<&&Plan> = others
            .iter()
            .filter(|p| !p.kind.is_batch() && !p.ports.is_empty())
            .collect();
        let mut paths = ROUTE_PATHS.to_vec();
        for target in targets {
            if paths.is_empty() || !c.chance(15) {
                continue;
            }
            let path = paths.remove(c.pick(paths.len()));
            let mut line = format!("route {} to={}", q(path), target.name);
            if c.chance(30) {
                let _ = write!(line, " port={}", target.ports[c.pick(target.ports.len())]);
            }
            body.push(line);
        }
    }

    let text = if body.is_empty() {
        format!("    {head}\n")
    } else {
        block(&head, &body, 1)
    };
    (text, facts)
}

/// `expose …` for workload `index`; a different host and node port in each environment.
fn exposure(
    c: &mut Choices,
    name: &str,
    index: usize,
    env: Option<(usize, &str)>,
    default_gateway: bool,
) -> String {
    let host = match env {
        Some((_, env)) => format!("{name}-{env}.example.com"),
        None => format!("{name}.example.com"),
    };
    let node_port = 30000 + index * 10 + env.map_or(0, |(e, _)| e + 1);
    let annotations = |c: &mut Choices| {
        if c.chance(20) {
            format!(" {{ annotations \"example.com/lb\"={}; }}", q(&tricky(c)))
        } else {
            String::new()
        }
    };
    match c.pick(5) {
        0 => "expose internal".to_owned(),
        1 => format!("expose nodeport port={node_port}{}", annotations(c)),
        2 => format!(
            "expose load-balancer port={}{}",
            c.one(&[80, 443, 8443]),
            annotations(c)
        ),
        3 => {
            let mut line = format!("expose ingress host={}", q(&host));
            if c.chance(50) {
                line.push_str(c.one(&[" path=\"/\"", " path=\"/app\""]));
            }
            if c.chance(40) {
                let _ = write!(line, " tls=\"{name}-tls\"");
            }
            if c.chance(20) {
                line.push_str(" class=nginx");
            }
            line.push_str(&annotations(c));
            line
        }
        _ => {
            let mut line = String::from("expose http-route");
            if !default_gateway || c.chance(30) {
                line.push_str(" gateway=internal");
                if c.chance(40) {
                    line.push_str(" gateway-namespace=infra");
                }
            }
            if c.chance(30) {
                line.push_str(" section=https");
            }
            let _ = write!(line, " host={}", q(&host));
            if c.chance(40) {
                line.push_str(" path=\"/app\"");
            }
            line.push_str(&annotations(c));
            line
        }
    }
}

/// `head { lines }` at `depth` levels of indentation (four spaces each).
fn block(head: &str, lines: &[String], depth: usize) -> String {
    let pad = "    ".repeat(depth);
    let mut out = format!("{pad}{head} {{\n");
    for line in lines {
        let _ = writeln!(out, "{pad}    {line}");
    }
    let _ = writeln!(out, "{pad}}}");
    out
}

/// `environment NAME { … }`: settings, and overrides of some workloads.
fn environment(
    c: &mut Choices,
    env: &str,
    e: usize,
    plans: &[Plan],
    written: &[Written],
    default_gateway: bool,
) -> String {
    let mut out = format!("environment {env} {{\n");
    if c.chance(60) {
        let _ = writeln!(out, "    namespace app-{env}");
    }
    if c.chance(20) {
        let _ = writeln!(out, "    registry \"registry.{env}.example.com\"");
    }
    if c.chance(20) {
        let _ = writeln!(out, "    labels env={env}");
    }
    if c.chance(15) {
        let _ = writeln!(out, "    annotations \"example.com/env\"={}", q(&tricky(c)));
    }
    if c.chance(15) {
        let _ = writeln!(
            out,
            "    {}",
            c.one(&["ingress-class nginx", "ingress-class traefik"])
        );
    }
    if c.chance(10) {
        out.push_str("    security hardened\n");
    }
    for (index, plan) in plans.iter().enumerate() {
        if !c.chance(35) {
            continue;
        }
        let kind = plan.kind;
        let scalable = !kind.is_batch() && !written[index].single_pod;
        let mut head = format!("{} {}", kind.keyword(), plan.name);
        if scalable && c.chance(40) {
            let most = if kind.is_single_instance() { 1 } else { 5 };
            let _ = write!(head, " replicas={}", c.range(1, most));
        }
        if c.chance(30) {
            let _ = write!(head, " tag={}", q(c.one(TAGS)));
        }
        match kind {
            Kind::Database(_) | Kind::UseStdlib(_) if c.chance(40) => {
                head.push_str(" storage=\"100Gi\"");
            }
            Kind::UseService if c.chance(40) => {
                let _ = write!(head, " profile={}", q(env));
            }
            Kind::UseCron if c.chance(40) => head.push_str(" schedule=\"@weekly\""),
            _ => {}
        }
        let mut body: Vec<String> = Vec::new();
        if scalable && c.chance(25) {
            let forms: &[&str] = if kind.is_single_instance() {
                &["autoscale none"]
            } else {
                &["autoscale none", "autoscale min=2 max=6 cpu=65"]
            };
            body.push(c.one(forms).to_owned());
        }
        if kind.is_deployment() && scalable && c.chance(20) {
            let forms: &[&str] = if GENERATE_CANARY_NONE {
                &["canary none", "canary tag=\"9.9.9\" weight=25"]
            } else {
                &["canary tag=\"9.9.9\" weight=25"]
            };
            body.push(c.one(forms).to_owned());
        }
        if c.chance(30) {
            body.push(resources(c));
        }
        if c.chance(25) {
            body.push(format!("env STAGE={}", q(env)));
        }
        if !kind.is_batch() && !plan.ports.is_empty() && c.chance(20) {
            body.push(exposure(
                c,
                &plan.name,
                index,
                Some((e, env)),
                default_gateway,
            ));
        }
        if matches!(kind, Kind::CronJob | Kind::UseCron) && c.chance(30) {
            body.push("schedule \"0 4 * * *\"".to_owned());
        }
        if matches!(kind, Kind::Job) && c.chance(30) {
            body.push("backoff-limit 1".to_owned());
        }
        if body.is_empty() {
            let _ = writeln!(out, "    {head}");
        } else {
            out.push_str(&block(&head, &body, 1));
        }
    }
    out.push_str("}\n");
    out
}

/// The strategy: choice sequences, turned into descriptions.
fn descriptions() -> impl Strategy<Value = Description> {
    proptest::collection::vec(any::<u32>(), 0..1500).prop_map(generate)
}

// ---------------------------------------------------------------------------------------------
// The runner and helpers
// ---------------------------------------------------------------------------------------------

/// A runner with a fixed seed (one per test, so the tests see different descriptions) and no
/// persisted failures.
fn runner(cases: u32, seed: u8) -> TestRunner {
    let config = ProptestConfig {
        cases,
        failure_persistence: None,
        max_shrink_iters: 2000,
        ..ProptestConfig::default()
    };
    let mut bytes = [0u8; 32];
    bytes[0] = seed;
    TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &bytes))
}

/// Panics with proptest's report: the reason and the minimal description.
fn report<T: std::fmt::Debug>(result: Result<(), TestError<T>>) {
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// Compiles `kdl` for one environment (`None`: the base app).
fn compile(kdl: &str, env: Option<&str>) -> windlass::Compilation {
    windlass::compile(
        windlass::Input::new("generated.kdl", Path::new("generated.kdl"), kdl.to_owned()),
        &windlass::Options {
            env: env.map(str::to_owned),
            ..windlass::Options::default()
        },
        &common::NoFiles,
    )
}

/// Fails the case when the compilation has errors, with the diagnostics.
fn compiled_cleanly(c: &windlass::Compilation, env: Option<&str>) -> Result<(), TestCaseError> {
    if c.has_errors() {
        return Err(TestCaseError::fail(format!(
            "the generated description has errors ({}):\n{}",
            env.map_or_else(|| "base app".to_owned(), |e| format!("environment `{e}`")),
            windlass::diag::format::human(&c.diagnostics, false)
        )));
    }
    if c.manifests().is_empty() {
        return Err(TestCaseError::fail("no manifests without errors"));
    }
    Ok(())
}

/// Fails the case when a pod names two ports alike, a Service port hides what it speaks, a
/// controller selects another's pods, or a Service misses its workload's.
fn ports_are_sound(c: &windlass::Compilation, env: Option<&str>) -> Result<(), TestCaseError> {
    let objects: Vec<&serde_json::Value> = c.manifests().iter().map(|m| &m.object).collect();
    let mut problems = common::ports::problems(&objects);
    problems.extend(common::selectors::problems(&objects));
    if problems.is_empty() {
        Ok(())
    } else {
        Err(TestCaseError::fail(format!(
            "ports and selectors ({}):\n{}",
            env.map_or_else(|| "base app".to_owned(), |e| format!("environment `{e}`")),
            problems.join("\n")
        )))
    }
}

// ---------------------------------------------------------------------------------------------
// The properties
// ---------------------------------------------------------------------------------------------

/// (a) and (c): every generated description compiles without errors, for the base app and for
/// each of its environments, and all of the output passes strict schema validation. The
/// compilations run inside proptest (so a compile failure shrinks to a minimal description);
/// the validator, which takes about a second to start, runs once over every case's files.
#[test]
fn generated_descriptions_compile_and_pass_strict_schema_validation() {
    const CASES: u32 = 40;
    // Each case's description, and its files: (name, YAML).
    type Rendered = (Description, Vec<(String, String)>);
    let outputs: RefCell<Vec<Rendered>> = RefCell::new(Vec::new());
    let started = std::time::Instant::now();
    let mut runner = runner(CASES, 1);
    report(runner.run(&descriptions(), |d| {
        let mut rendered = Vec::new();
        let base = compile(&d.kdl, None);
        compiled_cleanly(&base, None)?;
        ports_are_sound(&base, None)?;
        prop_assert_eq!(&base.environments, &d.envs);
        for file in render::files(base.manifests(), Format::Yaml) {
            if file.name != "kustomization.yaml" {
                rendered.push((format!("base-{}", file.name), file.content));
            }
        }
        // An environment's objects that are the same as the base app's (or an earlier
        // environment's) are validated once: the validator is slow.
        let mut seen: std::collections::HashSet<String> = base
            .manifests()
            .iter()
            .map(|m| windlass::yaml::to_string(&m.object))
            .collect();
        for env in &d.envs {
            let c = compile(&d.kdl, Some(env));
            compiled_cleanly(&c, Some(env))?;
            ports_are_sound(&c, Some(env))?;
            let new: Vec<String> = c
                .manifests()
                .iter()
                .map(|m| windlass::yaml::to_string(&m.object))
                .filter(|y| seen.insert(y.clone()))
                .collect();
            if !new.is_empty() {
                rendered.push((format!("{env}.yaml"), new.join("---\n")));
            }
        }
        outputs.borrow_mut().push((d, rendered));
        Ok(())
    }));

    let outputs = outputs.into_inner();
    assert_eq!(outputs.len(), CASES as usize, "every case ran once");
    let with_envs = outputs.iter().filter(|(d, _)| !d.envs.is_empty()).count();
    assert!(
        with_envs >= 10,
        "only {with_envs} of {CASES} descriptions have environments"
    );

    let Some(validator) = common::external_tool("kubernetes-validate") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    let mut objects = 0;
    for (i, (_, rendered)) in outputs.iter().enumerate() {
        for (name, content) in rendered {
            objects += content.lines().filter(|l| l.starts_with("kind: ")).count();
            let path = tmp.path().join(format!("case{i:03}-{name}"));
            std::fs::write(&path, content).unwrap();
            files.push(path);
        }
    }
    let compiled = started.elapsed();
    let result = common::strict_validate(&validator, &files);
    eprintln!(
        "{CASES} descriptions compiled in {compiled:.1?}; {objects} objects in {} files validated in {:.1?}",
        files.len(),
        started.elapsed() - compiled
    );
    if let Err(message) = result {
        // Name the failing cases: the validator names each file it rejects or cannot parse.
        // Its warnings (no schema for HTTPRoute and other custom resources) are left out.
        let message: String = message
            .lines()
            .filter(|l| !l.starts_with("WARN "))
            .map(|l| format!("{l}\n"))
            .collect();
        let mut failing: Vec<usize> = message
            .match_indices("/case")
            .filter_map(|(at, _)| message.get(at + 5..at + 8)?.parse().ok())
            .collect();
        failing.sort_unstable();
        failing.dedup();
        let mut text = format!(
            "kubernetes-validate --strict rejected the output of {} generated description(s):\n{message}\n",
            failing.len()
        );
        for i in failing {
            let _ = writeln!(text, "===== case{i:03} ====={:?}", outputs[i].0);
        }
        panic!("{text}");
    }
}

/// The objects of every document in a YAML stream.
fn objects(yaml: &str) -> Result<Vec<serde_json::Value>, TestCaseError> {
    read::objects(yaml, Syntax::Yaml)
        .map_err(|e| TestCaseError::fail(format!("the rendered YAML does not read back: {e}")))
}

/// (b): the output reads back to the same objects (YAML and JSON), a diff of the output against
/// itself is empty, rendering and compiling are deterministic, the per-component files hold the
/// same objects as the stream, and every literal environment variable reaches its container
/// with exactly the value the description wrote.
#[test]
fn output_round_trips_and_diffs_empty_against_itself() {
    const CASES: u32 = 200;
    let literals_checked = std::cell::Cell::new(0usize);
    let environments_checked = std::cell::Cell::new(0usize);
    let mut runner = runner(CASES, 2);
    report(runner.run(&descriptions(), |d| {
        let c = compile(&d.kdl, None);
        compiled_cleanly(&c, None)?;
        let back = round_trips(&c)?;

        // Deterministic: compiling the same text twice.
        let again = compile(&d.kdl, None);
        prop_assert_eq!(
            render::stream(again.manifests(), Format::Yaml),
            render::stream(c.manifests(), Format::Yaml)
        );
        prop_assert_eq!(
            windlass::diag::format::human(&again.diagnostics, false),
            windlass::diag::format::human(&c.diagnostics, false)
        );

        // Literal values arrive as written.
        for (workload, var, value) in &d.literals {
            let found = literal_value(&back, workload, var);
            prop_assert_eq!(
                found.as_deref(),
                Some(value.as_str()),
                "env {} of `{}`",
                var,
                workload
            );
            literals_checked.set(literals_checked.get() + 1);
        }

        // Each environment's output too.
        for env in &d.envs {
            let c = compile(&d.kdl, Some(env));
            compiled_cleanly(&c, Some(env))?;
            round_trips(&c)?;
            environments_checked.set(environments_checked.get() + 1);
        }
        Ok(())
    }));
    // The checks above ran on many values, not on a few.
    assert!(
        literals_checked.get() > CASES as usize,
        "{} literal values checked",
        literals_checked.get()
    );
    assert!(
        environments_checked.get() > CASES as usize / 4,
        "{} environments checked",
        environments_checked.get()
    );
}

/// The output of `c` reads back (YAML and JSON) to the compiled objects, diffs empty against
/// itself and against the compiled objects, is the same in the per-component files as in the
/// stream, and renders the same bytes twice. Returns the objects read back.
fn round_trips(c: &windlass::Compilation) -> Result<Vec<serde_json::Value>, TestCaseError> {
    let expected: Vec<&serde_json::Value> = c.manifests().iter().map(|m| &m.object).collect();

    let yaml = render::stream(c.manifests(), Format::Yaml);
    let back = objects(&yaml)?;
    prop_assert_eq!(
        back.len(),
        expected.len(),
        "object count after reading back"
    );
    for (read, object) in back.iter().zip(&expected) {
        prop_assert_eq!(read, *object, "an object changed through YAML:\n{}", yaml);
    }
    let json = render::stream(c.manifests(), Format::Json);
    let from_json = read::objects(&json, Syntax::Json)
        .map_err(|e| TestCaseError::fail(format!("the JSON does not read back: {e}")))?;
    prop_assert_eq!(&from_json, &back, "JSON and YAML hold different objects");

    // A diff of the output against itself, and against the compiled objects, is empty.
    let same = windlass::diff::diff(&back, &back);
    prop_assert!(
        same.resources.is_empty(),
        "diff against itself: {:?}",
        same.resources
    );
    prop_assert_eq!(same.unchanged, back.len());
    let against_compiled = windlass::diff::diff(expected.iter().copied(), &back);
    prop_assert!(
        against_compiled.resources.is_empty(),
        "diff of compiled against read back: {:?}",
        against_compiled.resources
    );

    // The per-component files hold the stream's objects, in the same order.
    let files = render::files(c.manifests(), Format::Yaml);
    let mut from_files = Vec::new();
    for file in &files {
        if read::is_manifest_file(&file.name) {
            from_files.extend(objects(&file.content)?);
        }
    }
    prop_assert_eq!(
        &from_files,
        &back,
        "files and stream hold different objects"
    );

    // Rendering twice gives the same bytes.
    prop_assert_eq!(&render::stream(c.manifests(), Format::Yaml), &yaml);
    prop_assert_eq!(&render::files(c.manifests(), Format::Yaml), &files);
    Ok(back)
}

/// The value of variable `var` in the main container of workload `workload`'s controller.
fn literal_value(objects: &[serde_json::Value], workload: &str, var: &str) -> Option<String> {
    let controller = objects.iter().find(|o| {
        o["metadata"]["name"] == workload
            && matches!(
                o["kind"].as_str(),
                Some("Deployment" | "StatefulSet" | "Job" | "CronJob")
            )
    })?;
    let pod = if controller["kind"] == "CronJob" {
        &controller["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    } else {
        &controller["spec"]["template"]["spec"]
    };
    let container = pod["containers"]
        .as_array()?
        .iter()
        .find(|c| c["name"] == workload)?;
    let entry = container["env"]
        .as_array()?
        .iter()
        .find(|e| e["name"] == var)?;
    entry["value"].as_str().map(str::to_owned)
}

/// The generator makes what the tests claim: every kind, exposure and environment feature
/// appears in a run, and the same seed makes the same descriptions.
#[test]
fn generator_covers_the_language_and_is_deterministic() {
    let sample = |seed: u8| {
        let mut runner = runner(300, seed);
        let strategy = descriptions();
        (0..300)
            .map(|_| strategy.new_tree(&mut runner).unwrap().current().kdl)
            .collect::<Vec<String>>()
    };
    let first = sample(3);
    assert_eq!(
        first,
        sample(3),
        "the same seed makes the same descriptions"
    );
    assert_ne!(first, sample(4));
    let all = first.join("\n");
    for needle in [
        "\n    frontend ",
        "\n    gateway ",
        "\n    service ",
        "\n    stateful ",
        "\n    job ",
        "\n    cronjob ",
        "\n    database ",
        "engine=postgres",
        "use redis ",
        "use nacos ",
        "use web-svc ",
        "use nightly ",
        "expose internal",
        "expose nodeport",
        "expose load-balancer",
        "expose ingress",
        "expose http-route",
        "default-gateway",
        "network-policy",
        "canary tag=",
        "canary image=",
        "autoscale min=",
        "replicas ",
        "volume data",
        "empty-dir",
        "host-path",
        "init setup",
        "sidecar proxy",
        "probe ",
        "readiness ",
        "liveness ",
        "startup ",
        "env-from",
        "file \"/etc/",
        "uses ",
        "route \"/",
        "strategy on-delete",
        "strategy recreate",
        "disruption ",
        "schedule ",
        "environment dev",
        "environment staging",
        "environment prod",
        "autoscale none",
        " replicas=",
        " tag=",
        " storage=\"100Gi\"",
    ] {
        assert!(
            all.contains(needle),
            "no generated description has `{needle}`"
        );
    }
    assert_eq!(all.contains("canary none"), GENERATE_CANARY_NONE);
}

/// A string with a line break and a LINE SEPARATOR (U+2028), PARAGRAPH SEPARATOR (U+2029) or
/// NEXT LINE (U+0085) — in a file, which always ends with a newline, and in an annotation — is
/// written so that YAML readers read it back. The emitter used to write such a string as a
/// literal block (`|`) with the separator raw, and YAML 1.1 readers break the line there: PyYAML
/// (`kubernetes-validate`), libyaml and its Go port (kubectl), and serde_yaml, so
/// `windlass diff` could not read windlass's own output (or, for a separator at the end of a
/// line, silently dropped it). Now it is double-quoted, with `\u2028` escaped, like a
/// single-line string.
#[test]
fn line_separator_in_a_multi_line_string_is_escaped() {
    let kdl = r#"
app shop {
    service api {
        image "api:1.0.0"
        resources cpu="100m" memory="128Mi"
        file "/etc/api/a.txt" "one\u{2028}two\nthree"
        file "/etc/api/b.txt" "ps\u{2029}plain"
        file "/etc/api/c.txt" "nel\u{85}x\ny"
        annotations "example.com/note"="x\u{2029}y\nz"
    }
}
"#;
    let c = compile(kdl, None);
    assert!(!c.has_errors(), "{}", common::rendered(&c));
    let yaml = render::stream(c.manifests(), Format::Yaml);
    let back = read::objects(&yaml, Syntax::Yaml).unwrap();
    let expected: Vec<&serde_json::Value> = c.manifests().iter().map(|m| &m.object).collect();
    assert_eq!(back.iter().collect::<Vec<_>>(), expected);
    assert!(
        !yaml.contains(['\u{2028}', '\u{2029}', '\u{85}']),
        "a raw line or paragraph separator in the YAML:\n{yaml}"
    );
    if let Some(validator) = common::external_tool("kubernetes-validate") {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("separator.yaml");
        std::fs::write(&file, &yaml).unwrap();
        common::strict_validate(&validator, &[file]).unwrap();
    }
}

/// `canary none` in an environment removes the app's canary (docs/language.md, Environments).
/// The `canary` arm of `resolve/workload.rs` that reads `canary image=… weight=…` used to come
/// before the arm for `none`, so `canary none` was three errors: no `weight=`, neither `image=`
/// nor `tag=`, an unexpected argument.
#[test]
fn canary_none_in_an_environment_removes_the_canary() {
    let kdl = r#"
app shop {
    service api {
        image "api:1.0.0"
        port 8080
        resources cpu="100m" memory="128Mi"
        canary tag="2.0.0" weight=10
    }
}

environment dev {
    service api {
        canary none
    }
}
"#;
    let base = compile(kdl, None);
    assert!(!base.has_errors(), "{}", common::rendered(&base));
    let canary = |c: &windlass::Compilation| {
        c.manifests()
            .iter()
            .any(|m| m.object["metadata"]["name"] == "api-canary")
    };
    assert!(canary(&base), "the base app has a canary Deployment");
    let dev = compile(kdl, Some("dev"));
    assert!(!dev.has_errors(), "{}", common::rendered(&dev));
    assert!(!canary(&dev), "`canary none` removes the canary Deployment");
}
