//! The registry: every lint rule, and the documentation of every compiler diagnostic, by its
//! stable code. A code is never reused for another meaning.

use super::rule::{Rule, RuleMeta};
use super::rules;

/// Every lint rule, in the order they run and are documented.
pub static RULES: &[&dyn Rule] = &[
    // Exposure.
    &rules::nodeport_range::NodePortRange,
    &rules::nodeport_duplicate::NodePortDuplicate,
    &rules::ingress_duplicate_path::IngressDuplicatePath,
    &rules::ingress_tls_conflict::IngressTlsConflict,
    &rules::exposed_without_readiness::ExposedWithoutReadiness,
    &rules::database_exposed::DatabaseExposed,
    // State.
    &rules::database_without_storage::DatabaseWithoutStorage,
    &rules::stateful_without_volume::StatefulWithoutVolume,
    &rules::rwo_volume_shared::RwoVolumeShared,
    // Scaling and availability.
    &rules::autoscale_min_above_max::AutoscaleMinAboveMax,
    &rules::replicas_outside_autoscale::ReplicasOutsideAutoscale,
    &rules::pdb_never_evicts::PdbNeverEvicts,
    // Containers.
    &rules::image_tag_latest::ImageTagLatest,
    &rules::missing_resource_requests::MissingResourceRequests,
    &rules::limit_below_request::LimitBelowRequest,
    &rules::probe_port_undeclared::ProbePortUndeclared,
    &rules::secret_in_env::SecretInEnv,
    // Wiring.
    &rules::unpublished_port::UnpublishedPort,
    &rules::selector_overlap::SelectorOverlap,
    &rules::egress_anywhere::EgressAnywhere,
    &rules::near_miss_reference::NearMissReference,
    &rules::expected_objects::ExpectedObjects,
    &rules::unvalidated_manifest::UnvalidatedManifest,
    // Security.
    &rules::privileged_container::PrivilegedContainer,
    &rules::host_path::HostPath,
    &rules::host_network::HostNetwork,
    &rules::run_as_root::RunAsRoot,
    &rules::broad_access::BroadAccess,
    &rules::patch_immutable::PatchImmutable,
    &rules::canary_replica_ratio::CanaryReplicaRatio,
    // State, scaling: copies of a server that does not cluster.
    &rules::single_instance_scaled::SingleInstanceScaled,
    &rules::stateful_replicas_unclustered::StatefulReplicasUnclustered,
    // Security, added after the others so that SARIF's rule indices stay put.
    &rules::low_port_non_root::LowPortNonRoot,
    // Releases, added after the others so that SARIF's rule indices stay put.
    &rules::canary_same_image::CanarySameImage,
];

/// The rule with this code.
pub fn rule(code: &str) -> Option<&'static RuleMeta> {
    RULES.iter().map(|r| r.meta()).find(|m| m.code == code)
}

/// A diagnostic of the compiler itself: the description cannot be compiled as written. These are
/// always errors and cannot be allowed.
#[derive(Debug)]
pub struct CompilerCode {
    /// The code.
    pub code: &'static str,
    /// One line: what it means.
    pub summary: &'static str,
    /// How to fix it.
    pub fix: &'static str,
}

/// The compiler's own diagnostics.
pub static COMPILER: &[CompilerCode] = &[
    CompilerCode {
        code: "syntax",
        summary: "the text is not valid KDL 2.0",
        fix: "Quote values with spaces, dots, slashes or `=` (`\"8.0.32\"`, `\"Europe/Berlin\"`), close every `{` and string, and write a node's value after its name without `=` (`replicas 2`).",
    },
    CompilerCode {
        code: "unknown-node",
        summary: "a node name the language does not have in this place",
        fix: "Use the name the help suggests, or see docs/language.md for what each block takes.",
    },
    CompilerCode {
        code: "unknown-property",
        summary: "a property the node does not take",
        fix: "Use a property from the help's list; properties are `key=value` after the node's arguments.",
    },
    CompilerCode {
        code: "missing-value",
        summary: "a required argument or property is missing",
        fix: "Add it in the form the help shows.",
    },
    CompilerCode {
        code: "unexpected-argument",
        summary: "more arguments than the node takes",
        fix: "Remove the extra value, or quote a value that contains spaces so it is one argument.",
    },
    CompilerCode {
        code: "invalid-type",
        summary: "a value of the wrong type",
        fix: "Quote strings (`\"8.0\"`, since `8.0` is a decimal number that would read back as `8`), leave numbers unquoted (`replicas 2`), write booleans as `#true`/`#false`.",
    },
    CompilerCode {
        code: "invalid-value",
        summary: "a value outside the allowed set or range",
        fix: "Use one of the values the help lists.",
    },
    CompilerCode {
        code: "invalid-quantity",
        summary: "a Kubernetes quantity that does not parse",
        fix: "Write a number with an optional suffix: `500m`, `1`, `512Mi`, `20Gi`, `1G` — never `1Gb` or `1GB`.",
    },
    CompilerCode {
        code: "invalid-duration",
        summary: "a duration that does not parse",
        fix: "Write whole seconds (`30`) or a number with a unit: `\"30s\"`, `\"5m\"`, `\"1h30m\"`.",
    },
    CompilerCode {
        code: "invalid-name",
        summary: "a name that is not a DNS-1123 label (or a valid key or port name)",
        fix: "Kubernetes names are lower-case letters, digits and `-`, starting and ending with a letter or digit.",
    },
    CompilerCode {
        code: "name-too-long",
        summary: "a name too long for the object it becomes",
        fix: "Shorten it: 63 characters for Services and label values, 52 for StatefulSets and CronJobs (their controllers append a suffix), 54 for exposed workloads (`NAME-external`), 15 for port names.",
    },
    CompilerCode {
        code: "duplicate-name",
        summary: "two things of the same kind with the same name",
        fix: "Give each a unique name: workloads name their objects, and ports and containers must be unique in a pod.",
    },
    CompilerCode {
        code: "duplicate-node",
        summary: "a node given twice where it may appear once",
        fix: "Keep one of them; in a component instance's block, a node replaces the component's.",
    },
    CompilerCode {
        code: "environment-collision",
        summary: "two environments of one cluster in one namespace, or serving one host and path, or one node port",
        fix: "Give each environment its own `namespace`, host and node port, or say that they run in different clusters with `cluster NAME` in each environment.",
    },
    CompilerCode {
        code: "unknown-target",
        summary: "a `route`, `uses`, probe port or mount that names nothing",
        fix: "Fix the name (the help suggests the closest), or declare the workload, port or volume.",
    },
    CompilerCode {
        code: "unknown-component",
        summary: "a component or database engine that does not exist",
        fix: "Use a standard-library component (mysql, postgres, mongodb, redis, elasticsearch, rabbitmq, kafka, minio, nacos), define it with `component`, or `import` the file that does.",
    },
    CompilerCode {
        code: "missing-parameter",
        summary: "a component instance without a required parameter",
        fix: "Add `NAME=value` to the instance's line; the component's header lists its parameters.",
    },
    CompilerCode {
        code: "unknown-parameter",
        summary: "a parameter the component does not declare",
        fix: "Use one of the component's parameters, or declare it with `param NAME` in the component.",
    },
    CompilerCode {
        code: "invalid-image",
        summary: "an image reference that does not parse",
        fix: "Write `[registry/]repository[:tag][@sha256:digest]` with a lower-case repository, such as `\"nginx:1.27.3\"`.",
    },
    CompilerCode {
        code: "missing-image",
        summary: "a workload or container without an image",
        fix: "Add `image \"…\"` to its block.",
    },
    CompilerCode {
        code: "import-failed",
        summary: "an import that could not be read or is not allowed",
        fix: "Import a file inside the project's directory, by a path relative to the importing file.",
    },
    CompilerCode {
        code: "import-cycle",
        summary: "files that import each other",
        fix: "Move the components both files need into a third file that both import.",
    },
    CompilerCode {
        code: "app-count",
        summary: "a description without an `app`, or with two",
        fix: "Put exactly one `app NAME { … }` in the description; one application per file.",
    },
    CompilerCode {
        code: "limit",
        summary: "input beyond what the compiler reads: too large, nested too deeply, or too many nodes",
        fix: "A file is at most 4 MiB, nests blocks at most 64 levels, and holds at most 250,000 nodes and 500,000 arguments and properties; a description declares at most 64 environments. Split large descriptions with `import`.",
    },
    CompilerCode {
        code: "unknown-rule",
        summary: "`allow` names a code that is not a lint rule",
        fix: "Use a rule's code (`windlass explain` lists them); compiler errors cannot be allowed.",
    },
    CompilerCode {
        code: "allow-without-reason",
        summary: "`allow` without `reason=`",
        fix: "Say why the rule does not apply here: `allow CODE reason=\"…\"`. The reason is for the reviewer.",
    },
];

/// The compiler diagnostic with this code.
pub fn compiler_code(code: &str) -> Option<&'static CompilerCode> {
    COMPILER.iter().find(|c| c.code == code)
}

/// The text `windlass explain CODE` prints.
pub fn explain(code: &str) -> Option<String> {
    if let Some(meta) = rule(code) {
        let doc: String = meta
            .doc
            .lines()
            .map(|l| l.strip_prefix(' ').unwrap_or(l))
            .collect::<Vec<_>>()
            .join("\n");
        return Some(format!(
            "# {} ({}, default {})\n\n{}\n\n{}\n",
            meta.code,
            "lint rule",
            meta.severity.as_str(),
            meta.summary,
            doc.trim_end()
        ));
    }
    let c = compiler_code(code)?;
    Some(format!(
        "# {} (compiler error)\n\n{}.\n\n## How to fix\n{}\n",
        c.code, c.summary, c.fix
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_documented_once() {
        for code in crate::diag::codes::ALL {
            let documented =
                usize::from(rule(code).is_some()) + usize::from(compiler_code(code).is_some());
            assert!(
                documented >= 1,
                "`{code}` has no documentation in the registry"
            );
        }
        let mut seen = std::collections::BTreeSet::new();
        for code in RULES
            .iter()
            .map(|r| r.meta().code)
            .chain(COMPILER.iter().map(|c| c.code))
        {
            assert!(seen.insert(code), "`{code}` is registered twice");
        }
    }

    #[test]
    fn every_rule_has_its_doc_sections() {
        for rule in RULES {
            let meta = rule.meta();
            for section in [
                "## What it does",
                "## Why is this bad?",
                "## Example",
                "## Use instead",
            ] {
                assert!(
                    meta.doc.contains(section),
                    "rule `{}` lacks `{section}`",
                    meta.code
                );
            }
            assert!(!meta.summary.is_empty());
            assert!(
                crate::model::names::is_dns_label(meta.code),
                "`{}` is a kebab-case code",
                meta.code
            );
        }
    }
}
