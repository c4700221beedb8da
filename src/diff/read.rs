//! Reading previous output: YAML streams and JSON, written by `windlass build`, by hand, or by
//! another tool. The text comes from the CLI, which reads the files.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::Value;

/// Why a text could not be read as Kubernetes objects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadError {
    /// The line (1-based) of the YAML document the problem is in, when the message does not
    /// place it itself.
    pub line: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(n) => write!(f, "the document at line {n}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// The syntax of a text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    /// A YAML stream of documents separated by `---`.
    Yaml,
    /// One JSON value.
    Json,
}

impl Syntax {
    /// The syntax of a file, by its name: `.json` is JSON, anything else YAML.
    pub fn of(file_name: &str) -> Syntax {
        if file_name.to_ascii_lowercase().ends_with(".json") {
            Syntax::Json
        } else {
            Syntax::Yaml
        }
    }
}

/// Whether a file with this name holds resources: `*.yaml`, `*.yml` or `*.json`, but not a
/// kustomization (which lists resources, and is not one).
pub fn is_manifest_file(file_name: &str) -> bool {
    let lower = file_name.to_ascii_lowercase();
    let manifest = [".yaml", ".yml", ".json"]
        .iter()
        .any(|e| lower.ends_with(e));
    let kustomization = matches!(
        lower.as_str(),
        "kustomization.yaml" | "kustomization.yml" | "kustomization"
    );
    manifest && !kustomization && !file_name.starts_with('.')
}

/// Every Kubernetes object in `text`: each document of a stream, with the `items` of a `List`
/// spread out. Empty documents are skipped; YAML merge keys (`<<`) are applied.
pub fn objects(text: &str, syntax: Syntax) -> Result<Vec<Value>, ReadError> {
    // A byte-order mark is no part of the first document.
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let mut out = Vec::new();
    match syntax {
        Syntax::Json => {
            let Strict(value) = serde_json::from_str(text).map_err(|e| ReadError {
                line: None,
                message: e.to_string(),
            })?;
            spread(value, None, &mut out)?;
        }
        Syntax::Yaml => {
            // Text in the layout `windlass build` writes is read by its own fast reader; anything
            // else, or an error (to be placed by line), by the general one.
            if let Some(documents) = crate::yaml::documents(text)
                && documents
                    .into_iter()
                    .try_for_each(|value| spread(value, None, &mut out))
                    .is_ok()
            {
                return Ok(out);
            }
            out.clear();
            let documents = crate::yaml::general::documents(text).map_err(|message| ReadError {
                line: None,
                message,
            })?;
            for (line, value) in documents {
                spread(value, Some(line), &mut out)?;
            }
        }
    }
    Ok(out)
}

/// The objects of an app as `windlass build` writes them: each one's key and YAML document.
pub type Written = Vec<(Option<super::Key>, String)>;

/// Previous output read against the new objects.
#[derive(Debug, Default)]
pub struct Previous {
    /// The previous objects that are not byte-identical to a new one.
    pub objects: Vec<Value>,
    /// The indices of the new objects the previous output holds as they are.
    pub unchanged: Vec<usize>,
}

/// Reads the previous output's `files` (name and text) against `now` (empty: every object is
/// read). An object twice in the previous output is an error, named by file.
pub fn previous(
    files: Vec<(String, String)>,
    now: &[(Option<super::Key>, String)],
) -> Result<Previous, String> {
    let mut texts: HashMap<&str, usize> = now
        .iter()
        .enumerate()
        .map(|(i, (_, text))| (text.as_str(), i))
        .collect();
    let mut out = Previous::default();
    let mut seen: std::collections::BTreeMap<super::Key, String> =
        std::collections::BTreeMap::new();
    let mut note = |key: Option<&super::Key>, file: &str| match key {
        Some(key) => match seen.insert(key.clone(), file.to_owned()) {
            Some(first) => Err(format!(
                "{key} is in the previous output twice ({first} and {file})"
            )),
            None => Ok(()),
        },
        None => Ok(()),
    };
    for (file, text) in files {
        let text = text.strip_prefix('\u{FEFF}').unwrap_or(&text);
        let (found, same) = changed_objects(text, Syntax::of(&file), &mut texts)
            .map_err(|e| format!("{file}: {e}"))?;
        for i in same {
            note(now[i].0.as_ref(), &file)?;
            out.unchanged.push(i);
        }
        for object in found {
            note(super::Key::of(&object).as_ref(), &file)?;
            out.objects.push(object);
        }
    }
    Ok(out)
}

/// The objects of a previous text that differ from the new ones. `now` maps the YAML text of
/// each new object not yet matched (as `windlass build` writes it) to its index. A document of a
/// YAML stream byte-identical to one of them is that object, unchanged: it is never parsed, its
/// index is removed from `now` and returned. The other documents are read as [`objects`] reads
/// them, errors numbered as in the whole stream. JSON, and streams with directives, `...` or
/// `---` followed by more on its line, are read whole.
pub fn changed_objects(
    text: &str,
    syntax: Syntax,
    now: &mut HashMap<&str, usize>,
) -> Result<(Vec<Value>, Vec<usize>), ReadError> {
    let splittable = syntax == Syntax::Yaml
        && text.ends_with('\n')
        && !text.contains('\r')
        && !text.lines().any(|l| {
            (l.starts_with("---") && l != "---") || l.starts_with("...") || l.starts_with('%')
        });
    if !splittable {
        return Ok((objects(text, syntax)?, Vec::new()));
    }
    let mut out = Vec::new();
    let mut unchanged = Vec::new();
    let mut start = 0;
    let mut number = 0;
    let mut document = |doc: &str, number: usize, out: &mut Vec<Value>| {
        if let Some(index) = now.remove(doc) {
            unchanged.push(index);
            return Ok(());
        }
        // An error is reported as reading the whole stream reports it, with lines of the file.
        let found = objects(doc, Syntax::Yaml).map_err(|e| {
            objects(text, Syntax::Yaml).err().unwrap_or(ReadError {
                line: None,
                message: format!("document {number}: {e}"),
            })
        })?;
        out.extend(found);
        Ok(())
    };
    for (offset, _) in text.match_indices("---\n") {
        // Only a `---` line of its own separates documents.
        if offset == 0 {
            // A stream may open with `---`: no document before it.
            start = 4;
        } else if text.as_bytes()[offset - 1] == b'\n' {
            number += 1;
            document(&text[start..offset], number, &mut out)?;
            start = offset + 4;
        }
    }
    number += 1;
    document(&text[start..], number, &mut out)?;
    Ok((out, unchanged))
}

/// A JSON value read as `serde_json::Value` reads it, but a map that holds a key twice is an
/// error: a reader that keeps the last one would compare an object nobody wrote. (The YAML reader
/// refuses them itself.)
struct Strict(Value);

impl<'de> Deserialize<'de> for Strict {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StrictVisitor).map(Strict)
    }
}

/// Builds a [`Strict`] value.
struct StrictVisitor;

impl<'de> serde::de::Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a YAML or JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Strict::deserialize(d).map(|s| s.0)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Strict(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = serde_json::Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let Strict(value) = map.next_value()?;
            if out.contains_key(&key) {
                return Err(serde::de::Error::custom(format!(
                    "the key `{key}` appears twice in one map"
                )));
            }
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }
}

/// Adds `value` to `out`: nothing for an empty document, the items of a `List`, or the object,
/// which must name its `apiVersion`, `kind` and `metadata.name`.
fn spread(value: Value, line: Option<usize>, out: &mut Vec<Value>) -> Result<(), ReadError> {
    let fail = |message: String| ReadError { line, message };
    match value {
        Value::Null => Ok(()),
        Value::Object(ref map)
            if map
                .get("kind")
                .and_then(Value::as_str)
                .is_some_and(|k| k.ends_with("List"))
                && map.get("items").is_some() =>
        {
            let Some(Value::Array(items)) = map.get("items") else {
                return Err(fail("the `items` of a List must be a list".to_owned()));
            };
            for item in items.clone() {
                spread(item, line, out)?;
            }
            Ok(())
        }
        Value::Object(_) => {
            if super::Key::of(&value).is_none() {
                return Err(fail(
                    "not a Kubernetes object: it needs `apiVersion`, `kind` and `metadata.name`"
                        .to_owned(),
                ));
            }
            out.push(value);
            Ok(())
        }
        _ => Err(fail(
            "not a Kubernetes object: a document must be a map".to_owned(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_lists_and_empty_documents() {
        let text = "---\n# nothing\n---\napiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n";
        let objects = objects(text, Syntax::Yaml).unwrap();
        let names: Vec<&str> = objects
            .iter()
            .map(|o| o["metadata"]["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["a", "b"]);
    }

    #[test]
    fn json_lists() {
        let text = r#"{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"shop"}}]}"#;
        assert_eq!(objects(text, Syntax::Json).unwrap().len(), 1);
    }

    #[test]
    fn a_byte_order_mark_is_not_part_of_the_first_document() {
        let text = "\u{FEFF}apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n";
        assert_eq!(objects(text, Syntax::Yaml).unwrap().len(), 1);
        let json = "\u{FEFF}{\"apiVersion\":\"v1\",\"kind\":\"X\",\"metadata\":{\"name\":\"a\"}}";
        assert_eq!(objects(json, Syntax::Json).unwrap().len(), 1);
    }

    #[test]
    fn a_key_twice_in_one_map_is_an_error() {
        let yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n";
        let err = objects(yaml, Syntax::Yaml).unwrap_err();
        assert!(err.message.contains("duplicate mapping key: name"), "{err}");
        let json = r#"{"apiVersion":"v1","kind":"X","metadata":{"name":"a","name":"b"}}"#;
        let err = objects(json, Syntax::Json).unwrap_err();
        assert!(err.message.contains("`name` appears twice"), "{err}");
    }

    /// Found by the `diff` fuzz target: a tagged value in a stream that also holds a merge key
    /// once read differently whole and document by document. A local tag is ignored, as go-yaml
    /// ignores it: the value is what the API server reads.
    #[test]
    fn a_tagged_value_reads_the_same_with_or_without_merge_keys() {
        let tagged = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata: !x {b: '1'}\n";
        let alone = objects(tagged, Syntax::Yaml).unwrap();
        assert_eq!(alone[0]["data"], serde_json::json!({"b": "1"}));
        let merged = format!(
            "{tagged}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n  labels: &l {{x: '1'}}\ndata:\n  <<: *l\n"
        );
        let both = objects(&merged, Syntax::Yaml).unwrap();
        assert_eq!(both[0], alone[0]);
    }

    #[test]
    fn merge_keys_are_applied() {
        let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels: &l {x: '1'}\ndata:\n  <<: *l\n";
        let objects = objects(text, Syntax::Yaml).unwrap();
        assert_eq!(objects[0]["data"]["x"], "1");
    }

    #[test]
    fn documents_that_are_not_objects_are_errors() {
        let err = objects(
            "apiVersion: v1\nkind: X\nmetadata: {name: a}\n---\n- 1\n",
            Syntax::Yaml,
        )
        .unwrap_err();
        assert_eq!(err.line, Some(5));
        assert!(
            err.to_string().starts_with("the document at line 5: "),
            "{err}"
        );
        let err = objects("kind: ConfigMap\n", Syntax::Yaml).unwrap_err();
        assert!(err.message.contains("apiVersion"), "{err}");
        assert!(objects("key: [unclosed\n", Syntax::Yaml).is_err());
    }

    #[test]
    fn manifest_files() {
        assert!(is_manifest_file("service-orders.yaml"));
        assert!(is_manifest_file("a.YML"));
        assert!(is_manifest_file("list.json"));
        assert!(!is_manifest_file("kustomization.yaml"));
        assert!(!is_manifest_file("README.md"));
        assert!(!is_manifest_file(".hidden.yaml"));
    }

    const A: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n";
    const B: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n";
    const B2: &str = "apiVersion: v1\ndata:\n  k: v\nkind: ConfigMap\nmetadata:\n  name: b\n";

    #[test]
    fn identical_documents_are_matched_by_text_and_the_rest_read() {
        let mut now = HashMap::from([(A, 0), (B2, 1)]);
        let text = format!("{A}---\n{B}");
        let (found, same) = changed_objects(&text, Syntax::Yaml, &mut now).unwrap();
        assert_eq!(same, [0]);
        assert_eq!(found, objects(B, Syntax::Yaml).unwrap());
        assert_eq!(now.len(), 1, "B2 is still unmatched");
        // The same text twice: the second is read, so the caller sees the duplicate.
        let mut now = HashMap::from([(A, 0)]);
        let (found, same) =
            changed_objects(&format!("---\n{A}---\n{A}"), Syntax::Yaml, &mut now).unwrap();
        assert_eq!((same.len(), found.len()), (1, 1));
    }

    #[test]
    fn streams_it_cannot_split_safely_are_read_whole() {
        for text in [
            format!("--- {A}"),
            format!("{A}...\n"),
            format!("%YAML 1.2\n---\n{A}"),
        ] {
            let mut now = HashMap::from([(A, 0)]);
            let (_, same) = changed_objects(&text, Syntax::Yaml, &mut now).unwrap_or_default();
            assert!(same.is_empty(), "{text:?}");
        }
    }

    #[test]
    fn errors_are_numbered_and_placed_as_in_the_whole_stream() {
        let text = format!("{A}---\nkey: [1, 2\n");
        let mut now = HashMap::from([(A, 0)]);
        let err = changed_objects(&text, Syntax::Yaml, &mut now).unwrap_err();
        assert_eq!(err, objects(&text, Syntax::Yaml).unwrap_err());
        assert!(err.message.contains("line 6"), "{err}");
    }
}
