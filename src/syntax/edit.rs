//! Source edits that keep the file as the user wrote it: `set-image` changes one value (or adds
//! one property or line) by splicing the text at the spans the reader reports, so every
//! other byte — comments, layout, quoting — stays as it was.

use std::cmp::Ordering;

use crate::syntax::reader::{Document, Entry, Node};

/// Why an edit could not be made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EditError {
    /// What went wrong.
    pub message: String,
    /// How to fix it.
    pub help: String,
}

fn error(message: impl Into<String>, help: impl Into<String>) -> EditError {
    EditError {
        message: message.into(),
        help: help.into(),
    }
}

/// The result of `set_image`: the new text and what changed, for the user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    /// The whole file after the edit.
    pub text: String,
    /// What was done, in a few words (`image of orders in environment prod`).
    pub what: String,
}

/// Where a workload's image tag lives in the text.
pub struct Target<'a> {
    /// The workload's name.
    pub workload: &'a str,
    /// Its kind keyword (`service`), for a new override line.
    pub kind: &'a str,
    /// The environment to edit, or the app itself.
    pub env: Option<&'a str>,
}

/// Sets the tag of a workload's image: in the app (its `image` node, or the instance's `image=` or
/// `version=` parameter), or with `env`, in that environment's override (`tag=`), adding the
/// property or the override line when there is none.
pub fn set_image(text: &str, target: &Target<'_>, tag: &str) -> Result<Edit, EditError> {
    let doc: Document = crate::syntax::reader::read(text).map_err(|_| {
        error(
            "the description does not parse",
            "run `windlass check` and fix the syntax first",
        )
    })?;
    match target.env {
        None => set_in_app(text, &doc, target, tag),
        Some(env) => set_in_env(text, &doc, target, env, tag),
    }
}

fn span(e: Entry<'_>) -> (usize, usize) {
    (e.span().start, e.span().end)
}

fn node_span(n: Node<'_>) -> (usize, usize) {
    (n.span().start, n.span().end)
}

/// Replaces the value of a property or argument entry (at the reader's span of the value, so
/// `key=`, a type annotation and comments around it stay) with a quoted string.
fn replace_value(text: &str, entry: Entry<'_>, new_value: &str) -> String {
    let value = entry.value_span();
    format!(
        "{}{}{}",
        &text[..value.start],
        quote(new_value),
        &text[value.end..]
    )
}

fn quote(value: &str) -> String {
    let escaped = value.replace('\\', "\\\\").replace('"', "\\\"");
    format!("\"{escaped}\"")
}

fn insert(text: &str, at: usize, what: &str) -> String {
    format!("{}{what}{}", &text[..at], &text[at..])
}

/// `repository:tag` with the tag replaced (a digest is dropped: it pinned the old tag).
fn retag(reference: &str, tag: &str) -> String {
    let without_digest = reference.split('@').next().unwrap_or(reference);
    let last_slash = without_digest.rfind('/').map_or(0, |i| i + 1);
    let repository = match without_digest[last_slash..].rfind(':') {
        Some(i) => &without_digest[..last_slash + i],
        None => without_digest,
    };
    format!("{repository}:{tag}")
}

fn app_node(doc: &Document) -> Result<Node<'_>, EditError> {
    doc.nodes()
        .find(|n| n.name() == "app")
        .ok_or_else(|| error("the description has no `app`", "run `windlass check` first"))
}

fn args(node: Node<'_>) -> Vec<Entry<'_>> {
    node.entries().filter(|e| e.name().is_none()).collect()
}

fn prop<'a>(node: Node<'a>, key: &str) -> Option<Entry<'a>> {
    node.entries().filter(|e| e.name() == Some(key)).last()
}

/// The name a workload node of the app declares (the instance name for `use`).
fn declared(node: Node<'_>) -> Option<&str> {
    let a = args(node);
    let v = if node.name() == "use" {
        a.get(1).or(a.first())
    } else {
        a.first()
    };
    v.and_then(|e| e.value().as_str())
}

fn set_in_app(
    text: &str,
    doc: &Document,
    target: &Target<'_>,
    tag: &str,
) -> Result<Edit, EditError> {
    let app = app_node(doc)?;
    let node = app
        .children()
        .into_iter()
        .flatten()
        .find(|n| n.name() != "environment" && declared(*n) == Some(target.workload))
        .ok_or_else(|| {
            error(
                format!("the app has no workload `{}`", target.workload),
                "name it as the app does",
            )
        })?;
    let what = format!("image of `{}`", target.workload);
    // 1. An `image "…"` node in its block.
    let image_node = node
        .children()
        .into_iter()
        .flatten()
        .find(|c| c.name() == "image");
    if let Some(entry) = image_node.and_then(|c| args(c).first().copied())
        && let Some(reference) = entry.value().as_str()
    {
        return Ok(Edit {
            text: replace_value(text, entry, &retag(reference, tag)),
            what,
        });
    }
    // 2. An instance's `image="…"` parameter, or 3. a standard-library instance's `version=`.
    if let Some(entry) = prop(node, "image")
        && let Some(reference) = entry.value().as_str()
    {
        return Ok(Edit {
            text: replace_value(text, entry, &retag(reference, tag)),
            what,
        });
    }
    if let Some(entry) = prop(node, "version") {
        return Ok(Edit {
            text: replace_value(text, entry, tag),
            what,
        });
    }
    if matches!(node.name(), "database" | "use") {
        // The component's default version: pin it on the instance's line.
        let end = node
            .entries()
            .last()
            .map_or(node_span(node).0, |e| span(e).1);
        return Ok(Edit {
            text: insert(text, end, &format!(" version={}", quote(tag))),
            what,
        });
    }
    Err(error(
        format!("`{}` has no image in the description", target.workload),
        "give it an `image \"repository:tag\"`",
    ))
}

fn set_in_env(
    text: &str,
    doc: &Document,
    target: &Target<'_>,
    env: &str,
    tag: &str,
) -> Result<Edit, EditError> {
    let env_node = doc
        .nodes()
        .find(|n| {
            n.name() == "environment"
                && args(*n).first().and_then(|e| e.value().as_str()) == Some(env)
        })
        .ok_or_else(|| {
            error(
                format!("the description has no environment `{env}`"),
                "declare it with `environment NAME { … }`",
            )
        })?;
    let what = format!("image of `{}` in environment `{env}`", target.workload);
    let children: Vec<Node<'_>> = env_node.children().into_iter().flatten().collect();
    let existing = children
        .iter()
        .find(|n| {
            args(**n).first().and_then(|e| e.value().as_str()) == Some(target.workload)
                && n.name() != "namespace"
        })
        .copied();
    if let Some(node) = existing {
        if let Some(entry) = prop(node, "tag") {
            return Ok(Edit {
                text: replace_value(text, entry, tag),
                what,
            });
        }
        if let Some(entry) = prop(node, "image")
            && let Some(reference) = entry.value().as_str()
        {
            return Ok(Edit {
                text: replace_value(text, entry, &retag(reference, tag)),
                what,
            });
        }
        let end = node
            .entries()
            .last()
            .map_or(node_span(node).0, |e| span(e).1);
        return Ok(Edit {
            text: insert(text, end, &format!(" tag={}", quote(tag))),
            what,
        });
    }
    // A new override line, indented like its siblings, before the block's closing brace.
    let env_start = node_span(env_node).0;
    let Some(close) = env_node.block_close() else {
        return Err(error(
            format!("environment `{env}` has no block to add to"),
            format!("write `environment {env} {{ … }}`"),
        ));
    };
    let line_start = |at: usize| text[..at].rfind('\n').map_or(0, |i| i + 1);
    let env_indent: String = text[line_start(env_start)..]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    let indent = children
        .first()
        .map(|&c| text[line_start(node_span(c).0)..node_span(c).0].to_owned())
        .filter(|i| i.chars().all(|c| c == ' ' || c == '\t'))
        .unwrap_or_else(|| format!("{env_indent}    "));
    let line = format!(
        "{indent}{} {} tag={}\n",
        target.kind,
        target.workload,
        quote(tag)
    );
    let close_line = line_start(close);
    let text = if text[close_line..close].trim().is_empty() {
        insert(text, close_line, &line)
    } else {
        // `environment dev { … }` on one line: open it up.
        insert(text, close, &format!("\n{line}{env_indent}"))
    };
    Ok(Edit { text, what })
}

/// A version read from a tag: `1.2.3`, `v1.2`, `3.2.0-rc1`. `1.0` equals `1.0.0`.
#[derive(Clone, Debug)]
pub struct Version {
    numbers: Vec<u64>,
    pre: Option<String>,
}

impl Version {
    /// Parses a tag as a version; `None` for tags such as `latest` or `alpine`.
    pub fn parse(tag: &str) -> Option<Self> {
        let tag = tag.strip_prefix('v').unwrap_or(tag);
        let (core, pre) = match tag.split_once(['-', '+']) {
            Some((c, p)) => (c, Some(p.to_owned())),
            None => (tag, None),
        };
        let numbers: Option<Vec<u64>> = core.split('.').map(|p| p.parse().ok()).collect();
        numbers
            .filter(|n| !n.is_empty() && n.len() <= 4)
            .map(|numbers| Version { numbers, pre })
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}

impl Eq for Version {}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        let len = self.numbers.len().max(other.numbers.len());
        let at = |v: &Version, i: usize| v.numbers.get(i).copied().unwrap_or(0);
        (0..len)
            .map(|i| at(self, i).cmp(&at(other, i)))
            .find(|o| o.is_ne())
            .unwrap_or_else(|| match (&self.pre, &other.pre) {
                (None, None) => Ordering::Equal,
                (None, Some(_)) => Ordering::Greater,
                (Some(_), None) => Ordering::Less,
                (Some(a), Some(b)) => a.cmp(b),
            })
    }
}

/// Why a new tag is refused without `--force`: `latest`, or a version below the current one.
pub fn refusal(old: Option<&str>, new: &str) -> Option<String> {
    if new == "latest" {
        return Some("`latest` never changes, so a rolling upgrade to it never happens".to_owned());
    }
    let (old_tag, old_v, new_v) = (old?, Version::parse(old?)?, Version::parse(new)?);
    (new_v < old_v).then(|| format!("{new} is older than the current {old_tag}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target<'a>(workload: &'a str, kind: &'a str, env: Option<&'a str>) -> Target<'a> {
        Target {
            workload,
            kind,
            env,
        }
    }

    const TEXT: &str = "// shop\napp shop {\n    service orders {\n        image \"orders:3.1.0\" // pinned\n    }\n    use spring pay image=\"pay:1.0.0\"\n    database db engine=mysql storage=\"1Gi\"\n}\n\nenvironment prod {\n    service orders replicas=3\n}\nenvironment dev { namespace dev }\n";

    #[test]
    fn changes_only_the_tag() {
        let edit = set_image(TEXT, &target("orders", "service", None), "3.2.0")
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(edit.text, TEXT.replace("orders:3.1.0", "orders:3.2.0"));
        let edit = set_image(TEXT, &target("pay", "service", None), "1.1.0")
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(edit.text, TEXT.replace("pay:1.0.0", "pay:1.1.0"));
        let edit = set_image(TEXT, &target("db", "database", None), "8.0.41")
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(
            edit.text,
            TEXT.replace("storage=\"1Gi\"", "storage=\"1Gi\" version=\"8.0.41\"")
        );
    }

    #[test]
    fn edits_an_environment() {
        let edit = set_image(TEXT, &target("orders", "service", Some("prod")), "3.2.0")
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(
            edit.text,
            TEXT.replace("replicas=3", "replicas=3 tag=\"3.2.0\"")
        );
        let again = set_image(
            &edit.text,
            &target("orders", "service", Some("prod")),
            "3.3.0",
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(
            again.text,
            TEXT.replace("replicas=3", "replicas=3 tag=\"3.3.0\"")
        );
        let dev = set_image(TEXT, &target("orders", "service", Some("dev")), "3.2.0-rc1")
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(
            dev.text,
            TEXT.replace(
                "{ namespace dev }",
                "{ namespace dev \n    service orders tag=\"3.2.0-rc1\"\n}"
            )
        );
        let pay = set_image(TEXT, &target("pay", "service", Some("prod")), "2.0.0")
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(
            pay.text,
            TEXT.replace(
                "    service orders replicas=3\n}",
                "    service orders replicas=3\n    service pay tag=\"2.0.0\"\n}"
            )
        );
        assert!(set_image(TEXT, &target("orders", "service", Some("qa")), "1").is_err());
        assert!(set_image(TEXT, &target("nope", "service", None), "1").is_err());
    }

    #[test]
    fn comments_around_the_block_and_the_value_stay_where_they_are() {
        // A comment after the environment's `}`, a slashdashed block before it, and a comment
        // with `=` between a property's key and its value.
        let text = "app shop {\n    service orders {\n        image \"orders:3.1.0\"\n    }\n}\nenvironment prod /-{ x } {\n    service orders tag /* a=b */ = (v)\"3.1.0\"\n}  // production\nenvironment dev {\n    namespace dev\n}   /* dev */ // more\n";
        let prod = set_image(text, &target("orders", "service", Some("prod")), "3.2.0")
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(prod.text, text.replace("= (v)\"3.1.0\"", "= (v)\"3.2.0\""));
        let dev = set_image(text, &target("orders", "service", Some("dev")), "3.2.0")
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(
            dev.text,
            text.replace(
                "    namespace dev\n}",
                "    namespace dev\n    service orders tag=\"3.2.0\"\n}"
            )
        );
        let none = "app shop {\n    service orders { image \"orders:1.0.0\"; }\n}\nenvironment qa /-{ x }\n";
        let refused = set_image(none, &target("orders", "service", Some("qa")), "1.1.0");
        assert!(refused.is_err_and(|e| e.message.contains("no block")));
    }

    #[test]
    fn versions_order_like_people_expect() {
        let v = |s: &str| Version::parse(s).unwrap_or_else(|| panic!("{s}"));
        assert!(v("1.10.0") > v("1.9.9"));
        assert!(v("v2.0") > v("1.99.99"));
        assert!(v("3.2.0") > v("3.2.0-rc1"));
        assert_eq!(v("1.0"), v("1.0.0"));
        assert!(Version::parse("latest").is_none());
        assert!(refusal(Some("3.1.0"), "3.0.9").is_some());
        assert!(refusal(Some("3.1.0"), "latest").is_some());
        assert!(refusal(Some("3.1.0"), "3.1.1").is_none());
        assert!(refusal(Some("alpine"), "1.0").is_none());
    }
}
