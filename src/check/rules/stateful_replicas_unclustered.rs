//! `stateful-replicas-unclustered`: several pods of a `stateful` workload that nothing makes
//! into one cluster.

use super::containers;
use super::single_instance_scaled::scaled_at;
use crate::check::{Context, Findings, Rule};
use crate::declare_rule;
use crate::model::{Container, EnvValue, Workload};

declare_rule! {
    /// ## What it does
    /// Flags a `stateful` workload (or a `database` from a component of your own) that runs
    /// more than one pod — `replicas` above 1, or an `autoscale` whose `max` is above 1 — when
    /// nothing in its description shows the pods finding each other. Components that declare
    /// `single-instance` are the error `single-instance-scaled` instead.
    ///
    /// The pods of a clustered server (ZooKeeper, etcd, Cassandra, a replicated database) find
    /// their peers through the stable identity a StatefulSet gives each pod: its name
    /// (`search-0`, `search-1`, …) and its DNS name under the headless Service
    /// (`search-0.search`). Every StatefulSet of Windlass has that Service, so its presence says
    /// nothing; the rule looks for the identity being *used*, in any container's environment,
    /// command, arguments or configuration files:
    ///
    /// - an environment variable from the pod's name: `env POD_NAME field="metadata.name"`;
    /// - a pod's DNS name under the workload's Service: text with `.NAME` after another name,
    ///   such as `search-0.search` or `$(POD_NAME).search.shop.svc`;
    /// - the host name read by a shell: `$HOSTNAME`, `${HOSTNAME…}`, `$(hostname…)`.
    ///
    /// Any of them is taken as a clustering story, so a clustered server configured that way is
    /// not flagged; a server that forms its cluster some other way (a peer list in a Secret, a
    /// discovery service) is, and `allow stateful-replicas-unclustered reason="…"` says so.
    ///
    /// ## Why is this bad?
    /// A server that does not cluster, run as a StatefulSet of three, is three separate servers,
    /// each with its own volume and its own data, behind one Service that sends each connection to
    /// any of them: what one request writes, the next may not find. It compiles, applies, and
    /// starts without an error.
    ///
    /// ## Example
    /// ```kdl
    /// stateful search {
    ///     image "docker.io/getmeili/meilisearch:v1.12.0"
    ///     replicas 3
    ///     port 7700
    ///     volume data path="/meili_data" size="10Gi"
    /// }
    /// ```
    ///
    /// ## Use instead
    /// One pod, for a server that does not cluster:
    /// ```kdl
    /// stateful search {
    ///     image "docker.io/getmeili/meilisearch:v1.12.0"
    ///     port 7700
    ///     volume data path="/meili_data" size="10Gi"
    /// }
    /// ```
    ///
    /// Several, for one whose pods are told their peers by their stable names:
    /// ```kdl
    /// stateful zk {
    ///     image "docker.io/library/zookeeper:3.9.3"
    ///     replicas 3
    ///     port 2181 name=client
    ///     port 2888 name=peer
    ///     port 3888 name=election
    ///     // Each server's id from its ordinal: zk-0 is server 1.
    ///     command "sh" "-c" "export ZOO_MY_ID=$((${HOSTNAME##*-} + 1)) && exec /docker-entrypoint.sh zkServer.sh start-foreground"
    ///     env ZOO_SERVERS="server.1=zk-0.zk:2888:3888;2181 server.2=zk-1.zk:2888:3888;2181 server.3=zk-2.zk:2888:3888;2181"
    ///     volume data path="/data" size="10Gi"
    /// }
    /// ```
    ///
    /// Counterparts: none in kube-linter, kube-score, Polaris or checkov.
    pub struct StatefulReplicasUnclustered {
        code: "stateful-replicas-unclustered",
        severity: Warning,
        summary: "several pods of a stateful workload that nothing makes into one cluster",
    }
}

impl Rule for StatefulReplicasUnclustered {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        let candidates = cx
            .workloads()
            .filter(|w| w.kind.is_stateful() && w.single_instance.is_none());
        for w in candidates {
            let Some(scaled) = scaled_at(w) else {
                continue;
            };
            if uses_stable_identity(w) {
                continue;
            }
            out.push(
                w,
                format!(
                    "stateful workload `{}` runs several pods, but nothing makes them one cluster",
                    w.name
                ),
            )
            .label(scaled.span, scaled.what())
            .help(format!(
                "if it does not cluster, {remove}; if its pods form a cluster, give them their peers' stable names (`{0}-0.{0}`, `env POD_NAME field=\"metadata.name\"`), or say how they find each other with `allow stateful-replicas-unclustered reason=\"…\"`",
                w.name,
                remove = scaled.undo()
            ));
        }
    }
}

/// Whether the workload's pods use the stable identity a StatefulSet gives them: the sign that
/// they find each other.
fn uses_stable_identity(w: &Workload) -> bool {
    let in_text = |text: &str| reads_host_name(text) || names_a_pod(text, &w.name);
    containers(w).any(|(_, c)| reads_pod_name(c) || texts(c).any(in_text))
        || w.files.iter().any(|f| in_text(&f.content))
}

/// An environment variable from the pod's name.
fn reads_pod_name(c: &Container) -> bool {
    c.env
        .iter()
        .any(|e| matches!(&e.value, EnvValue::Field(f) if f == "metadata.name"))
}

/// The text a container is configured with: command, arguments, literal environment values.
fn texts(c: &Container) -> impl Iterator<Item = &str> {
    let env = c.env.iter().filter_map(|e| match &e.value {
        EnvValue::Literal(v) => Some(v.as_str()),
        _ => None,
    });
    c.command
        .iter()
        .chain(&c.args)
        .map(String::as_str)
        .chain(env)
}

/// A shell reading the pod's host name, which is its stable name.
fn reads_host_name(text: &str) -> bool {
    ["$HOSTNAME", "${HOSTNAME", "$(hostname", "`hostname"]
        .iter()
        .any(|s| text.contains(s))
}

/// A DNS name under the workload's headless Service: `.NAME` after another name, and not
/// followed by more of a label (`zk-0.zk:2888`, `$(POD_NAME).zk.shop.svc`).
fn names_a_pod(text: &str, name: &str) -> bool {
    let label = |b: u8| b.is_ascii_alphanumeric() || b == b'-';
    let bytes = text.as_bytes();
    let needle = format!(".{name}");
    text.match_indices(&needle).any(|(at, _)| {
        let before = at.checked_sub(1).map(|i| bytes[i]);
        let after = bytes.get(at + needle.len()).copied();
        before.is_some_and(|b| label(b) || matches!(b, b')' | b'}')) && !after.is_some_and(label)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pod_name_is_a_dns_name_under_the_service() {
        assert!(names_a_pod("zk-0.zk:2888:3888", "zk"));
        assert!(names_a_pod("$(POD_NAME).kafka.$(NS).svc:9092", "kafka"));
        assert!(names_a_pod("${HOST}.db", "db"));
        assert!(names_a_pod("peers=db-0.db,db-1.db", "db"));
        // The Service itself, and longer names that start with the workload's.
        assert!(!names_a_pod("zk:2181", "zk"));
        assert!(!names_a_pod("zk.shop.svc:2181", "zk"));
        assert!(!names_a_pod("zk-0.zkx", "zk"));
        assert!(!names_a_pod(".zk", "zk"));
    }

    #[test]
    fn a_shell_reading_the_host_name() {
        assert!(reads_host_name("id=${HOSTNAME##*-}"));
        assert!(reads_host_name("echo $(hostname -f)"));
        assert!(!reads_host_name("HOSTNAME=db"));
    }
}
