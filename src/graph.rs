//! The request path of an application, drawn the way people sketch it: the internet, then each
//! exposure (load balancer, node port, Ingress with its host), then frontends, gateways, services
//! and the stateful tier, with jobs beside them. Edges carry the request path of a `route` or the
//! port a `uses` edge reaches (the target's primary port). Reads the model only, and writes
//! Mermaid (which GitHub renders in Markdown) or Graphviz DOT text.
//!
//! A workload exposed through an Ingress sends its routes' paths straight from the Ingress to the
//! targets (that is the object lowering writes), so those edges start at the Ingress — except a
//! gateway's: the Ingress sends everything to the gateway, whose routes start at its own node. A canary is
//! a line in its workload's node, not a node of its own: its pods carry the workload's labels and
//! take a share of the workload's traffic. Everything is in source order, so the same model
//! always gives the same text.

use std::collections::BTreeMap;

use crate::model::{App, Exposure, Workload, WorkloadKind};

/// The text formats a graph is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// A Mermaid flowchart, for Markdown on GitHub.
    Mermaid,
    /// A Graphviz `digraph`, for `dot`.
    Dot,
    /// The Mermaid flowchart in a ```` ```mermaid ```` fence, ready to paste into Markdown.
    Markdown,
}

/// The graph of `app` in `format`, ending with a newline.
pub fn render(app: &App, format: Format) -> String {
    let graph = Graph::of(app);
    match format {
        Format::Mermaid => graph.mermaid(),
        Format::Dot => graph.dot(),
        // Labels are quoted names and port numbers: never three backticks in a row.
        Format::Markdown => format!("```mermaid\n{}```\n", graph.mermaid()),
    }
}

/// Where a node sits, left to right; each tier but the internet is a group of its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Tier {
    Internet,
    Exposure,
    Frontends,
    Gateways,
    Services,
    Data,
    Jobs,
    External,
}

impl Tier {
    /// Every tier, in drawing order.
    const ALL: [Tier; 8] = [
        Tier::Internet,
        Tier::Exposure,
        Tier::Frontends,
        Tier::Gateways,
        Tier::Services,
        Tier::Data,
        Tier::Jobs,
        Tier::External,
    ];

    /// The group's id and title; `None` for the internet, which stands alone.
    fn group(self) -> Option<&'static str> {
        match self {
            Tier::Internet => None,
            Tier::Exposure => Some("exposure"),
            Tier::Frontends => Some("frontends"),
            Tier::Gateways => Some("gateways"),
            Tier::Services => Some("services"),
            Tier::Data => Some("data"),
            Tier::Jobs => Some("jobs"),
            Tier::External => Some("external"),
        }
    }

    fn of(kind: WorkloadKind) -> Tier {
        match kind {
            WorkloadKind::Frontend => Tier::Frontends,
            WorkloadKind::Gateway => Tier::Gateways,
            WorkloadKind::Service => Tier::Services,
            WorkloadKind::Stateful | WorkloadKind::Database => Tier::Data,
            WorkloadKind::Job | WorkloadKind::CronJob => Tier::Jobs,
        }
    }
}

/// How a node is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    /// The internet.
    Circle,
    /// A load balancer, node port or Ingress.
    Trapezoid,
    /// A frontend.
    Stadium,
    /// A gateway.
    Hexagon,
    /// A stateless service.
    Box,
    /// A stateful service or database: it keeps data.
    Cylinder,
    /// A job or cronjob.
    Subroutine,
}

impl Shape {
    fn of(kind: WorkloadKind) -> Shape {
        match kind {
            WorkloadKind::Frontend => Shape::Stadium,
            WorkloadKind::Gateway => Shape::Hexagon,
            WorkloadKind::Service => Shape::Box,
            WorkloadKind::Stateful | WorkloadKind::Database => Shape::Cylinder,
            WorkloadKind::Job | WorkloadKind::CronJob => Shape::Subroutine,
        }
    }

    /// Mermaid's brackets around a quoted label.
    fn mermaid(self) -> (&'static str, &'static str) {
        match self {
            Shape::Circle => ("((", "))"),
            Shape::Trapezoid => ("[/", "\\]"),
            Shape::Stadium => ("([", "])"),
            Shape::Hexagon => ("{{", "}}"),
            Shape::Box => ("[", "]"),
            Shape::Cylinder => ("[(", ")]"),
            Shape::Subroutine => ("[[", "]]"),
        }
    }

    /// Graphviz node attributes.
    fn dot(self) -> &'static str {
        match self {
            Shape::Circle => "shape=circle",
            Shape::Trapezoid => "shape=trapezium",
            Shape::Stadium => "shape=box, style=rounded",
            Shape::Hexagon => "shape=hexagon",
            Shape::Box => "shape=box",
            Shape::Cylinder => "shape=cylinder",
            Shape::Subroutine => "shape=component",
        }
    }
}

/// A node: an id made only of `[a-z0-9_]` (safe in both languages and never a keyword), and the
/// lines of its label.
struct Node {
    id: String,
    lines: Vec<String>,
    shape: Shape,
    tier: Tier,
}

/// An edge with the lines of its label; dashed when a job makes it (it runs now and then).
struct Edge {
    from: String,
    to: String,
    lines: Vec<String>,
    dashed: bool,
}

/// The drawing, independent of the text format.
struct Graph {
    name: String,
    nodes: Vec<Node>,
    edges: Vec<Edge>,
    /// Where the edge from one node to another is in `edges`.
    edge_index: BTreeMap<(String, String), usize>,
}

impl Graph {
    /// The nodes and edges of `app`, in source order.
    fn of(app: &App) -> Graph {
        let mut graph = Graph {
            name: app.name.clone(),
            nodes: Vec::new(),
            edges: Vec::new(),
            edge_index: BTreeMap::new(),
        };
        if app
            .workloads
            .iter()
            .any(|w| !matches!(w.expose, Exposure::Internal))
        {
            graph.node(
                "internet",
                vec!["internet".into()],
                Shape::Circle,
                Tier::Internet,
            );
        }
        for workload in &app.workloads {
            graph.exposure(app, workload);
        }
        for workload in &app.workloads {
            let mut lines = vec![workload.name.clone()];
            if let Some(cron) = &workload.cron {
                lines.push(cron.schedule.clone());
            }
            if let Some(canary) = &workload.canary {
                let image = &canary.image;
                let version = image.tag.as_ref().unwrap_or(&image.reference);
                lines.push(format!("canary {version}, {}%", canary.weight));
            }
            if let Some(component) = &workload.component
                && workload.kind.is_stateful()
                && *component != workload.name
            {
                lines.push(component.clone());
            }
            // Names kept from before Windlass, which the cluster shows.
            if let Some(kept) = &workload.object_name {
                let kind = crate::model::names::controller_kind(workload.kind);
                lines.push(format!("{kind} {}", kept.name));
            }
            if let Some(kept) = &workload.service.name {
                lines.push(format!("Service {}", kept.name));
            }
            if !workload.versions.is_empty() {
                let names: Vec<&str> = workload
                    .versions
                    .iter()
                    .filter_map(|v| v.version.as_ref().map(|n| n.name.as_str()))
                    .collect();
                lines.push(format!("versions {}", names.join(", ")));
            }
            let id = workload_id(&workload.name);
            graph.node(
                &id,
                lines,
                Shape::of(workload.kind),
                Tier::of(workload.kind),
            );
        }
        // Dependencies outside the cluster that a workload calls.
        for external in &app.externals {
            let called = app
                .workloads
                .iter()
                .any(|w| w.uses.iter().any(|e| e.target == external.name));
            if !called {
                continue;
            }
            let address = match &external.target {
                crate::model::ExternalTarget::Host(host) => host.clone(),
                crate::model::ExternalTarget::Ip(ip) => ip.to_string(),
            };
            graph.node(
                &external_id(&external.name),
                vec![
                    external.name.clone(),
                    format!("{address}:{}", external.port),
                ],
                Shape::Box,
                Tier::External,
            );
        }
        for workload in &app.workloads {
            graph.calls(app, workload);
        }
        graph
    }

    /// Adds a node; the tier decides its group.
    fn node(&mut self, id: &str, lines: Vec<String>, shape: Shape, tier: Tier) {
        self.nodes.push(Node {
            id: id.to_owned(),
            lines,
            shape,
            tier,
        });
    }

    /// Adds `label` to the edge from `from` to `to`, making the edge when it is the first.
    fn edge(&mut self, from: &str, to: &str, label: Option<String>, dashed: bool) {
        let key = (from.to_owned(), to.to_owned());
        let index = *self.edge_index.entry(key).or_insert_with(|| {
            self.edges.push(Edge {
                from: from.to_owned(),
                to: to.to_owned(),
                lines: Vec::new(),
                dashed,
            });
            self.edges.len() - 1
        });
        let lines = &mut self.edges[index].lines;
        if let Some(label) = label.filter(|l| !lines.contains(l)) {
            lines.push(label);
        }
    }

    /// The exposure node of `workload` and its edges: from the internet, and on to the workload
    /// (an Ingress also to its routes' targets).
    fn exposure(&mut self, app: &App, workload: &Workload) {
        let name = workload.name.replace('-', "_");
        let (id, lines) = match &workload.expose {
            Exposure::Internal => return,
            Exposure::NodePort { port, .. } => (
                format!("nodeport_{name}"),
                vec!["NodePort".to_owned(), format!(":{port}")],
            ),
            Exposure::LoadBalancer { port, .. } => (
                format!("lb_{name}"),
                vec!["load balancer".to_owned(), format!(":{port}")],
            ),
            Exposure::Ingress(ingress) => {
                let scheme = if ingress.tls.is_some() {
                    "https"
                } else {
                    "http"
                };
                (
                    format!("ingress_{name}"),
                    vec!["Ingress".to_owned(), format!("{scheme}://{}", ingress.host)],
                )
            }
            Exposure::HttpRoute(route) => (
                format!("route_{name}"),
                vec![
                    format!("HTTPRoute via {}", route.gateway),
                    format!("http://{}", route.host),
                ],
            ),
        };
        self.node(&id, lines, Shape::Trapezoid, Tier::Exposure);
        self.edge("internet", &id, None, false);
        let to = workload_id(&workload.name);
        let path = match &workload.expose {
            Exposure::Ingress(ingress) => Some(&ingress.path),
            Exposure::HttpRoute(route) => Some(&route.path),
            _ => None,
        };
        match path {
            Some(path) => {
                self.edge(&id, &to, Some(path.clone()), false);
                let routed = if workload.exposes_routes() {
                    workload.routes.as_slice()
                } else {
                    &[]
                };
                for route in routed {
                    if app.workload(&route.target).is_some() {
                        let target = workload_id(&route.target);
                        self.edge(&id, &target, Some(route.path.clone()), false);
                    }
                }
            }
            _ => self.edge(&id, &to, port_label(workload), false),
        }
    }

    /// The edges `workload` makes: its routes (unless its Ingress makes them) and its `uses`.
    fn calls(&mut self, app: &App, workload: &Workload) {
        let from = workload_id(&workload.name);
        let dashed = workload.kind.is_batch();
        let exposure_routes = matches!(
            workload.expose,
            Exposure::Ingress(_) | Exposure::HttpRoute(_)
        ) && workload.exposes_routes();
        if !exposure_routes {
            for route in &workload.routes {
                if app.workload(&route.target).is_some() {
                    let label = Some(route.path.clone());
                    self.edge(&from, &workload_id(&route.target), label, dashed);
                }
            }
        }
        for edge in &workload.uses {
            if let Some(target) = app.workload(&edge.target) {
                let label = port_label(target);
                self.edge(&from, &workload_id(&target.name), label, dashed);
            } else if let Some(external) = app.externals.iter().find(|x| x.name == edge.target) {
                let label = Some(external.port.to_string());
                self.edge(&from, &external_id(&external.name), label, dashed);
            }
        }
    }

    /// Mermaid flowchart text.
    fn mermaid(&self) -> String {
        let mut out = String::from("flowchart LR\n");
        self.grouped(
            &mut out,
            |out, node| {
                let (open, close) = node.shape.mermaid();
                let label = mermaid_text(&node.lines);
                out.push_str(&format!("{}{open}\"{label}\"{close}\n", node.id));
            },
            |out, group| out.push_str(&format!("subgraph {group} [{group}]\n")),
            |out| out.push_str("end\n"),
        );
        for edge in &self.edges {
            let arrow = if edge.dashed { "-.->" } else { "-->" };
            let label = if edge.lines.is_empty() {
                String::new()
            } else {
                format!("|\"{}\"|", mermaid_text(&edge.lines))
            };
            out.push_str(&format!("    {} {arrow}{label} {}\n", edge.from, edge.to));
        }
        out
    }

    /// Graphviz DOT text.
    fn dot(&self) -> String {
        let mut out = format!("digraph \"{}\" {{\n", dot_escape(&self.name));
        out.push_str("    rankdir=LR\n");
        out.push_str("    fontname=\"Helvetica\"\n");
        out.push_str("    node [fontname=\"Helvetica\", fontsize=11]\n");
        out.push_str("    edge [fontname=\"Helvetica\", fontsize=10]\n");
        self.grouped(
            &mut out,
            |out, node| {
                let label = dot_text(&node.lines);
                let shape = node.shape.dot();
                out.push_str(&format!("\"{}\" [label=\"{label}\", {shape}]\n", node.id));
            },
            |out, group| {
                out.push_str(&format!(
                    "subgraph \"cluster_{group}\" {{\n        label=\"{group}\"\n"
                ));
            },
            |out| out.push_str("}\n"),
        );
        for edge in &self.edges {
            let mut attributes = Vec::new();
            if !edge.lines.is_empty() {
                attributes.push(format!("label=\"{}\"", dot_text(&edge.lines)));
            }
            if edge.dashed {
                attributes.push("style=dashed".to_owned());
            }
            let attributes = if attributes.is_empty() {
                String::new()
            } else {
                format!(" [{}]", attributes.join(", "))
            };
            out.push_str(&format!(
                "    \"{}\" -> \"{}\"{attributes}\n",
                edge.from, edge.to
            ));
        }
        out.push_str("}\n");
        out
    }

    /// Writes the nodes tier by tier, each tier but the internet inside a group; `node` writes a
    /// node after the indentation, `open` and `close` a group's first and last line.
    fn grouped(
        &self,
        out: &mut String,
        node: impl Fn(&mut String, &Node),
        open: impl Fn(&mut String, &str),
        close: impl Fn(&mut String),
    ) {
        for tier in Tier::ALL {
            let nodes: Vec<&Node> = self.nodes.iter().filter(|n| n.tier == tier).collect();
            if nodes.is_empty() {
                continue;
            }
            let group = tier.group();
            let indent = if let Some(group) = group {
                out.push_str("    ");
                open(out, group);
                "        "
            } else {
                "    "
            };
            for n in nodes {
                out.push_str(indent);
                node(out, n);
            }
            if group.is_some() {
                out.push_str("    ");
                close(out);
            }
        }
    }
}

/// The id of a workload's node. Names are DNS labels, so `-` → `_` cannot make two ids equal;
/// `-` itself is avoided because Mermaid reads `--` in an id as an arrow.
fn workload_id(name: &str) -> String {
    format!("w_{}", name.replace('-', "_"))
}

/// The id of an external dependency's node: apart from the workloads' (`w_`).
fn external_id(name: &str) -> String {
    format!("x_{}", name.replace('-', "_"))
}

/// The label of an edge to `target`'s primary port as its Service publishes it, `3306 mysql`;
/// `None` when it has none.
fn port_label(target: &Workload) -> Option<String> {
    match target.service_ports().next() {
        Some((number, p)) => Some(format!("{number} {}", p.name)),
        None => target
            .primary_port()
            .map(|p| format!("{} {}", p.number, p.name)),
    }
}

/// Lines of a Mermaid label, for inside `"…"`: quotes and markup characters become Mermaid's
/// entity codes, lines are joined with `<br/>`.
fn mermaid_text(lines: &[String]) -> String {
    let escape = |line: &String| {
        line.chars()
            .map(|c| match c {
                '#' => "#35;".to_owned(),
                '"' => "#quot;".to_owned(),
                '<' => "#lt;".to_owned(),
                '>' => "#gt;".to_owned(),
                c => c.to_string(),
            })
            .collect::<String>()
    };
    lines.iter().map(escape).collect::<Vec<_>>().join("<br/>")
}

/// Lines of a DOT label, for inside `"…"`, joined with `\n`.
fn dot_text(lines: &[String]) -> String {
    lines
        .iter()
        .map(|l| dot_escape(l))
        .collect::<Vec<_>>()
        .join("\\n")
}

/// A DOT double-quoted string's content: backslashes and quotes escaped.
fn dot_escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

#[cfg(test)]
mod tests {
    use super::{dot_text, mermaid_text, workload_id};

    #[test]
    fn labels_cannot_close_their_quotes_or_carry_markup() {
        let lines = vec![r#"say "hi" <b>#1</b>"#.to_owned(), "two".to_owned()];
        assert_eq!(
            mermaid_text(&lines),
            "say #quot;hi#quot; #lt;b#gt;#35;1#lt;/b#gt;<br/>two"
        );
        assert_eq!(dot_text(&lines), r#"say \"hi\" <b>#1</b>\ntwo"#);
        assert_eq!(dot_text(&[r"a\b".to_owned()]), r"a\\b");
    }

    #[test]
    fn workload_ids_have_no_hyphens() {
        assert_eq!(workload_id("orders-db"), "w_orders_db");
        assert_eq!(workload_id("a--b"), "w_a__b");
    }
}
