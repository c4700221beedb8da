//! Rendering: objects → YAML or JSON text, in a stable order and layout.
//!
//! Objects keep the order lowering gave them; keys inside an object are sorted (serde_json's map
//! is ordered), so the text depends on nothing but the objects.

pub mod applyset;
pub mod record;

use crate::lower::Manifest;

use crate::yaml;

/// Output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// YAML documents.
    Yaml,
    /// JSON.
    Json,
}

impl Format {
    /// File extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Yaml => "yaml",
            Format::Json => "json",
        }
    }
}

/// One output file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputFile {
    /// File name, without directories.
    pub name: String,
    /// Its content.
    pub content: String,
}

/// Every object in one stream: YAML documents separated by `---`, or a JSON `v1/List`.
pub fn stream(manifests: &[Manifest], format: Format) -> String {
    let objects: Vec<&serde_json::Value> = manifests.iter().map(|m| &m.object).collect();
    render(&objects, format)
}

/// Appends each object's YAML document to `out`, separated by `---` from what came before.
pub fn append_yaml<'a>(out: &mut String, objects: impl IntoIterator<Item = &'a serde_json::Value>) {
    for object in objects {
        if !out.is_empty() {
            out.push_str("---\n");
        }
        yaml::write_document(out, object);
    }
}

/// One file per application component (the Namespace, then each workload), plus a
/// `kustomization.yaml` that lists them.
pub fn files(manifests: &[Manifest], format: Format) -> Vec<OutputFile> {
    // Components in order of first appearance, found by lookup: an app of tens of thousands of
    // workloads must not search the list for each object.
    let mut groups: Vec<(&str, Vec<&serde_json::Value>)> = Vec::new();
    let mut index: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for m in manifests {
        let i = *index.entry(m.component.as_str()).or_insert_with(|| {
            groups.push((&m.component, Vec::new()));
            groups.len() - 1
        });
        groups[i].1.push(&m.object);
    }
    let mut files: Vec<OutputFile> = groups
        .iter()
        .map(|(component, objects)| OutputFile {
            name: format!("{component}.{}", format.extension()),
            content: render(objects, format),
        })
        .collect();
    let resources: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
    let kustomization = serde_json::json!({
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "resources": resources,
    });
    files.push(OutputFile {
        name: "kustomization.yaml".into(),
        content: yaml::to_string(&kustomization),
    });
    files
}

fn render(objects: &[&serde_json::Value], format: Format) -> String {
    match format {
        Format::Yaml => {
            // About 1.2 KB of YAML an object, written straight into one buffer.
            let mut out = String::with_capacity(objects.len() * 1200);
            append_yaml(&mut out, objects.iter().copied());
            out
        }
        Format::Json => {
            let list = serde_json::json!({ "apiVersion": "v1", "kind": "List", "items": objects });
            let mut text = serde_json::to_string_pretty(&list).unwrap_or_default();
            text.push('\n');
            text
        }
    }
}

/// The file names a `kustomization.yaml` lists when it is one [`files`] writes (`apiVersion`,
/// `kind: Kustomization` and `resources`, nothing else); `None` for any other text. The inverse
/// of the kustomization `files` writes, for recognising an earlier build's output.
pub fn kustomization_resources(text: &str) -> Option<Vec<String>> {
    let documents = crate::yaml::general::documents(text).ok()?;
    let [(_, value)] = documents.as_slice() else {
        return None;
    };
    let map = value.as_object()?;
    let expected = ["apiVersion", "kind", "resources"];
    if map.len() != expected.len() || !expected.iter().all(|k| map.contains_key(*k)) {
        return None;
    }
    if map["kind"] != "Kustomization" {
        return None;
    }
    map["resources"]
        .as_array()?
        .iter()
        .map(|r| r.as_str().map(str::to_owned))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(component: &str, name: &str) -> Manifest {
        Manifest {
            component: component.into(),
            object: serde_json::json!({"kind": "ConfigMap", "apiVersion": "v1", "metadata": {"name": name}}),
        }
    }

    #[test]
    fn stream_separates_documents_and_sorts_keys() {
        let text = stream(&[manifest("a", "one"), manifest("b", "two")], Format::Yaml);
        assert_eq!(
            text,
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: one\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: two\n"
        );
    }

    #[test]
    fn files_group_by_component_and_list_them() {
        let out = files(
            &[
                manifest("namespace", "ns"),
                manifest("service-a", "x"),
                manifest("service-a", "y"),
            ],
            Format::Yaml,
        );
        let names: Vec<&str> = out.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            ["namespace.yaml", "service-a.yaml", "kustomization.yaml"]
        );
        assert!(out[1].content.contains("name: x\n---\n"));
        assert!(
            out[2]
                .content
                .contains("- namespace.yaml\n- service-a.yaml\n")
        );
    }

    #[test]
    fn the_kustomization_written_is_recognised_and_no_other() {
        let out = files(
            &[manifest("namespace", "ns"), manifest("service-a", "x")],
            Format::Yaml,
        );
        let kustomization = &out[2].content;
        assert_eq!(
            kustomization_resources(kustomization),
            Some(vec![
                "namespace.yaml".to_owned(),
                "service-a.yaml".to_owned()
            ])
        );
        let overlay = format!("{kustomization}patches:\n- path: patch.yaml\n");
        assert_eq!(kustomization_resources(&overlay), None);
    }

    #[test]
    fn json_is_a_list() {
        let text = stream(&[manifest("a", "one")], Format::Json);
        let parsed: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        assert_eq!(parsed["kind"], "List");
        assert_eq!(parsed["items"][0]["metadata"]["name"], "one");
    }
}
