//! `windlass graph`: the drawing of every example in both formats is snapshotted; the Mermaid
//! text is checked for the structure GitHub's renderer needs and for every edge of the model; the
//! DOT text is run through Graphviz when it is installed; the README shows the xuecheng graph as
//! the compiler draws it today; and the command's contract (exit codes, streams, `--env`).

#![allow(
    clippy::disallowed_methods,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests read fixtures, write temporary directories, and fail loudly"
)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use insta_cmd::{assert_cmd_snapshot, get_cargo_bin};
use windlass::graph::{self, Format};
use windlass::model::{App, Exposure};

/// Mermaid words that end or break a flowchart when used as a node id.
const RESERVED: [&str; 11] = [
    "end",
    "subgraph",
    "graph",
    "flowchart",
    "style",
    "class",
    "classDef",
    "click",
    "linkStyle",
    "default",
    "direction",
];

/// A Mermaid flowchart as the checker reads it.
#[derive(Debug, Default)]
struct Mermaid {
    /// Node id → the lines of its label.
    nodes: BTreeMap<String, Vec<String>>,
    /// Group id → its node ids.
    groups: BTreeMap<String, Vec<String>>,
    /// `(from, to, label lines, dashed)`.
    edges: Vec<(String, String, Vec<String>, bool)>,
}

fn is_id(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !RESERVED.contains(&text)
}

/// The label between `"…"`, split at `<br/>`; quotes inside must have been escaped.
fn label(text: &str) -> Vec<String> {
    let inner = text
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or_else(|| panic!("label not quoted: {text}"));
    assert!(!inner.contains('"'), "unescaped quote in {text}");
    inner.split("<br/>").map(str::to_owned).collect()
}

/// Reads the subset of Mermaid `graph::render` writes, failing on anything else: a
/// `flowchart LR` header, nodes with quoted labels in the shapes it uses, `subgraph ID [TITLE]`
/// … `end` without nesting, and `A --> B`, `A -.-> B` edges with an optional quoted label, every
/// id safe and every edge's ends declared.
fn parse_mermaid(text: &str) -> Mermaid {
    const SHAPES: [(&str, &str); 7] = [
        ("((", "))"),
        ("[/", "\\]"),
        ("([", "])"),
        ("{{", "}}"),
        ("[(", ")]"),
        ("[[", "]]"),
        ("[", "]"),
    ];
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("flowchart LR"));
    let mut graph = Mermaid::default();
    let mut group: Option<String> = None;
    for line in lines {
        let trimmed = line.trim();
        if let Some(rest) = trimmed.strip_prefix("subgraph ") {
            assert!(group.is_none(), "nested subgraph: {line}");
            let (id, title) = rest.split_once(' ').unwrap();
            assert!(is_id(id), "subgraph id {id}");
            assert_eq!(title, format!("[{id}]"));
            assert!(graph.groups.insert(id.to_owned(), Vec::new()).is_none());
            group = Some(id.to_owned());
        } else if trimmed == "end" {
            assert!(group.take().is_some(), "`end` outside a subgraph");
        } else if let Some((from, rest)) = trimmed.split_once(' ').filter(|(first, _)| is_id(first))
        {
            // An edge: a node line has its shape right after the id, never a space.
            let (arrow, rest) = rest.split_once(['|', ' ']).unwrap();
            let dashed = match arrow {
                "-->" => false,
                "-.->" => true,
                _ => panic!("unknown arrow in {line}"),
            };
            let (lines, to) = match rest.split_once("| ") {
                Some((text, to)) => (label(text), to),
                None => (Vec::new(), rest),
            };
            for end in [from, to] {
                assert!(
                    graph.nodes.contains_key(end),
                    "edge to undeclared {end}: {line}"
                );
            }
            graph
                .edges
                .push((from.to_owned(), to.to_owned(), lines, dashed));
        } else {
            let (open, close) = SHAPES
                .iter()
                .find(|(open, close)| {
                    trimmed.contains(&format!("{open}\""))
                        && trimmed.ends_with(&format!("\"{close}"))
                })
                .unwrap_or_else(|| panic!("not a node: {line}"));
            let (id, rest) = trimmed.split_once(open).unwrap();
            assert!(is_id(id), "node id {id}");
            let text = rest.strip_suffix(close).unwrap();
            assert!(
                graph.nodes.insert(id.to_owned(), label(text)).is_none(),
                "{id} declared twice"
            );
            if let Some(g) = &group {
                graph.groups.get_mut(g).unwrap().push(id.to_owned());
            }
        }
    }
    assert!(group.is_none(), "unclosed subgraph");
    graph
}

/// The id a workload's node has, found by its label.
fn node_of(graph: &Mermaid, name: &str) -> String {
    let found: Vec<&String> = graph
        .nodes
        .iter()
        .filter(|(id, lines)| id.starts_with("w_") && lines[0] == name)
        .map(|(id, _)| id)
        .collect();
    assert_eq!(found.len(), 1, "one node for {name}");
    found[0].clone()
}

/// Checks that every workload, exposure and edge of `app` is in the drawing, and nothing more.
fn assert_draws(app: &App, graph: &Mermaid) {
    let mut expected: BTreeSet<(String, String, String)> = BTreeSet::new();
    let mut exposures = 0;
    for w in &app.workloads {
        let id = node_of(graph, &w.name);
        // The port callers reach: the primary port as the Service publishes it.
        let primary = |t: &windlass::model::Workload| {
            t.service_ports()
                .next()
                .map(|(number, p)| format!("{number} {}", p.name))
                .unwrap_or_default()
        };
        let entry = match &w.expose {
            Exposure::Internal => None,
            Exposure::Ingress(ingress) => Some((ingress.path.clone(), ingress.host.clone())),
            Exposure::HttpRoute(route) => Some((route.path.clone(), route.host.clone())),
            Exposure::NodePort { port, .. } | Exposure::LoadBalancer { port, .. } => {
                Some((primary(w), format!(":{port}")))
            }
        };
        let mut route_from = id.clone();
        if let Some((edge_label, shown)) = entry {
            exposures += 1;
            let exposure = graph
                .edges
                .iter()
                .find(|(from, to, lines, _)| {
                    !from.starts_with("w_") && *to == id && lines.first() == Some(&edge_label)
                })
                .map(|(from, ..)| from.clone())
                .unwrap_or_else(|| panic!("no exposure edge into {}", w.name));
            assert!(
                graph.nodes[&exposure].iter().any(|l| l.ends_with(&shown)),
                "{exposure} shows {shown}"
            );
            expected.insert(("internet".into(), exposure.clone(), String::new()));
            expected.insert((exposure.clone(), id.clone(), edge_label));
            if matches!(w.expose, Exposure::Ingress(_) | Exposure::HttpRoute(_)) {
                route_from = exposure;
            }
        }
        for route in &w.routes {
            let to = node_of(graph, &route.target);
            expected.insert((route_from.clone(), to, route.path.clone()));
        }
        for edge in &w.uses {
            let target = app.workload(&edge.target).unwrap();
            let to = node_of(graph, &target.name);
            expected.insert((id.clone(), to, primary(target)));
        }
    }
    let drawn: BTreeSet<(String, String, String)> = graph
        .edges
        .iter()
        .flat_map(|(from, to, lines, _)| {
            let lines = if lines.is_empty() {
                vec![String::new()]
            } else {
                lines.clone()
            };
            lines
                .into_iter()
                .map(move |l| (from.clone(), to.clone(), l))
        })
        .collect();
    assert_eq!(drawn, expected);
    let batch: BTreeSet<String> = app
        .workloads
        .iter()
        .filter(|w| w.kind.is_batch())
        .map(|w| node_of(graph, &w.name))
        .collect();
    for (from, _, _, dashed) in &graph.edges {
        assert_eq!(
            *dashed,
            batch.contains(from),
            "jobs' edges are dashed: {from}"
        );
    }
    let nodes = app.workloads.len() + exposures + usize::from(exposures > 0);
    assert_eq!(
        graph.nodes.len(),
        nodes,
        "a node per workload and exposure, and the internet"
    );
}

fn name_of(example: &str) -> String {
    example
        .trim_start_matches("examples/")
        .trim_end_matches("/windlass.kdl")
        .to_owned()
}

fn app_of(example: &str) -> App {
    let c = common::compile_file(example);
    assert!(!c.has_errors(), "{example}:\n{}", common::rendered(&c));
    c.app.unwrap()
}

/// Every example's base app and environments, named `xuecheng` and `xuecheng@prod`.
fn every_app() -> Vec<(String, App)> {
    let mut apps = Vec::new();
    for example in common::examples() {
        for (env, c) in common::compile_every_env(&example) {
            let name = match env {
                None => name_of(&example),
                Some(env) => format!("{}@{env}", name_of(&example)),
            };
            assert!(!c.has_errors(), "{name}:\n{}", common::rendered(&c));
            apps.push((name, c.app.unwrap()));
        }
    }
    apps
}

#[test]
fn every_example_and_environment_is_drawn_in_both_formats() {
    let apps = every_app();
    assert!(
        apps.iter().any(|(name, _)| name.contains('@')),
        "the examples have environments"
    );
    for (name, app) in apps {
        let example = name.split('@').next().unwrap();
        let mut settings = common::settings();
        settings.set_input_file(common::root().join(format!("examples/{example}/windlass.kdl")));
        settings.bind(|| {
            insta::assert_snapshot!(
                format!("mermaid_{name}"),
                graph::render(&app, Format::Mermaid)
            );
            insta::assert_snapshot!(format!("dot_{name}"), graph::render(&app, Format::Dot));
        });
    }
}

#[test]
fn mermaid_is_well_formed_and_draws_every_edge() {
    for (name, app) in every_app() {
        let text = graph::render(&app, Format::Mermaid);
        let graph = parse_mermaid(&text);
        assert_draws(&app, &graph);
        for w in app.workloads.iter().filter(|w| w.canary.is_some()) {
            let node = &graph.nodes[&node_of(&graph, &w.name)];
            assert!(
                node.iter().any(|l| l.starts_with("canary ")),
                "{name}: the canary of {} is shown",
                w.name
            );
        }
        // What the cluster shows under other names than the workload's, and its versions.
        for w in &app.workloads {
            let node = &graph.nodes[&node_of(&graph, &w.name)];
            if let Some(kept) = &w.service.name {
                let line = format!("Service {}", kept.name);
                assert!(node.contains(&line), "{name}: {} shows {line}", w.name);
            }
            if !w.versions.is_empty() {
                let line = node.iter().find(|l| l.starts_with("versions "));
                assert_eq!(
                    line.map(|l| l.split(", ").count()),
                    Some(w.versions.len()),
                    "{name}: every version of {} is shown",
                    w.name
                );
            }
        }
    }
}

/// Names that would break a careless Mermaid writer: a keyword, a double hyphen (an arrow), a
/// leading `o` or `x` (circle and cross arrow heads), and a route, a host and a schedule full
/// of punctuation.
const AWKWARD: &str = r#"app awkward {
    frontend end {
        image "end:1.0.0"
        port 8080
        expose ingress host="a--b.example.com" path="/x"
        route "/o--x" to=o--x
    }
    gateway o--x {
        image "gw:1.0.0"
        port 8080
        expose load-balancer port=80
        route "/graph" to=subgraph
    }
    service subgraph {
        image "s:1.0.0"
        port 8080
        uses x-1
    }
    database x-1 engine=postgres storage="1Gi"
    cronjob class {
        image "c:1.0.0"
        schedule "*/5 * * * *"
        uses subgraph end
    }
}
"#;

#[test]
fn awkward_names_stay_safe() {
    let c = common::compile_text("awkward.kdl", AWKWARD);
    assert!(!c.has_errors(), "{}", common::rendered(&c));
    let app = c.app.unwrap();
    let text = graph::render(&app, Format::Mermaid);
    let graph = parse_mermaid(&text);
    assert_draws(&app, &graph);
    // `parse_mermaid` has checked every id; these are the ones a name-as-id writer gets wrong.
    for id in ["w_end", "w_o__x", "w_subgraph", "w_class"] {
        assert!(graph.nodes.contains_key(id), "{id} in\n{text}");
    }
}

/// `dot` when it is installed. CI does not install Graphviz, so this test skips there too.
fn graphviz() -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join("dot"))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        eprintln!("note: Graphviz `dot` not found; skipping (apt-get install graphviz to run it)");
    }
    found
}

#[test]
fn dot_renders_with_graphviz() {
    let mut texts: Vec<(String, String)> = every_app()
        .into_iter()
        .map(|(name, app)| (name, graph::render(&app, Format::Dot)))
        .collect();
    let awkward = common::compile_text("awkward.kdl", AWKWARD).app.unwrap();
    texts.push(("awkward".into(), graph::render(&awkward, Format::Dot)));
    for (name, text) in &texts {
        assert!(
            text.starts_with("digraph \"") && text.ends_with("}\n"),
            "{name}"
        );
    }
    let Some(dot) = graphviz() else {
        return;
    };
    for (name, text) in texts {
        let out = common::run_with_input(Command::new(&dot).arg("-Tsvg"), text.as_bytes());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success() && stderr.is_empty(),
            "{name}: dot says\n{stderr}\n{text}"
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains("<svg"));
    }
}

#[test]
fn the_readme_shows_the_xuecheng_graph_as_drawn_today() {
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    let section = readme
        .split_once("\n## The request path\n")
        .expect("README has a section `## The request path`")
        .1;
    let section = section.split("\n## ").next().unwrap();
    let block = section
        .split_once("```mermaid\n")
        .and_then(|(_, rest)| rest.split_once("```\n"))
        .expect("a ```mermaid block")
        .0;
    let drawn = graph::render(&app_of("examples/xuecheng/windlass.kdl"), Format::Mermaid);
    assert_eq!(
        block, drawn,
        "update README.md with `windlass graph examples/xuecheng/windlass.kdl`"
    );
}

/// `windlass` run in `dir`, without colour.
fn windlass(dir: &Path) -> Command {
    let mut cmd = Command::new(get_cargo_bin("windlass"));
    cmd.current_dir(dir).env("NO_COLOR", "1");
    cmd
}

fn cli_fixtures() -> PathBuf {
    common::root().join("tests/fixtures/cli")
}

#[test]
fn graph_prints_mermaid_by_default_and_dot_when_asked() {
    common::settings().bind(|| {
        assert_cmd_snapshot!(
            "cli_mermaid",
            windlass(&cli_fixtures()).args(["graph", "shop.kdl"])
        );
        assert_cmd_snapshot!(
            "cli_dot",
            windlass(&cli_fixtures()).args(["graph", "shop.kdl", "--format", "dot"])
        );
    });
}

#[test]
fn graph_draws_nothing_when_the_description_has_errors() {
    common::settings().bind(|| {
        assert_cmd_snapshot!(
            "cli_errors",
            windlass(&cli_fixtures()).args(["graph", "broken.kdl"])
        );
    });
}

#[test]
fn graph_draws_an_environment() {
    let dir = tempfile::tempdir().unwrap();
    let text = "app shop {\n    service orders {\n        image \"orders:1.0.0\"\n        port 8080\n    }\n}\n\nenvironment dev {\n    service orders {\n        expose nodeport port=30080\n    }\n}\n";
    std::fs::write(dir.path().join("windlass.kdl"), text).unwrap();
    let run = |args: &[&str]| {
        let out = windlass(dir.path()).args(args).output().unwrap();
        (
            out.status.code(),
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    let (code, base, _) = run(&["graph"]);
    assert_eq!(code, Some(0));
    assert!(!base.contains("NodePort"), "{base}");
    let (code, dev, _) = run(&["graph", "--env", "dev"]);
    assert_eq!(code, Some(0));
    assert!(
        dev.contains("nodeport_orders[/\"NodePort<br/>:30080\"\\]"),
        "{dev}"
    );
    let (code, out, err) = run(&["graph", "--env", "prod"]);
    assert_eq!(code, Some(2), "an environment that is not declared");
    assert!(
        out.is_empty() && err.contains("no environment `prod`"),
        "{err}"
    );
}

/// `--format markdown` is the Mermaid drawing in a fence a Markdown renderer reads as one
/// `mermaid` code block, whole (GitHub draws such a block).
#[test]
fn markdown_fences_the_mermaid_drawing() {
    use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};
    for (name, app) in every_app() {
        let mermaid = graph::render(&app, Format::Mermaid);
        let markdown = graph::render(&app, Format::Markdown);
        let mut blocks = Vec::new();
        let mut inside: Option<String> = None;
        for event in Parser::new(&markdown) {
            match event {
                Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(lang))) => {
                    assert_eq!(&*lang, "mermaid", "{name}");
                    inside = Some(String::new());
                }
                Event::Text(text) if inside.is_some() => {
                    inside.as_mut().unwrap().push_str(&text);
                }
                Event::End(TagEnd::CodeBlock) => blocks.push(inside.take().unwrap()),
                other => panic!("{name}: {other:?} outside the one code block"),
            }
        }
        assert_eq!(blocks, [mermaid], "{name}");
    }
}
