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

/// `repository:tag` with the tag replaced (a digest is dropped: it pinned the old tag). A `tag`
/// of `TAG@sha256:…` pins a digest too; `@sha256:…` alone gives `repository@sha256:…`.
fn retag(reference: &str, tag: &str) -> String {
    let without_digest = reference.split('@').next().unwrap_or(reference);
    let last_slash = without_digest.rfind('/').map_or(0, |i| i + 1);
    let repository = match without_digest[last_slash..].rfind(':') {
        Some(i) => &without_digest[..last_slash + i],
        None => without_digest,
    };
    if tag.starts_with('@') {
        format!("{repository}{tag}")
    } else {
        format!("{repository}:{tag}")
    }
}

/// What `set-image` writes after `NAME=`: a tag, a tag pinned to a digest, or a digest alone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewImage {
    /// The tag; `None` for `@sha256:…` alone, which keeps the current tag.
    pub tag: Option<String>,
    /// The digest, `sha256:` and 64 hexadecimal digits.
    pub digest: Option<String>,
}

impl NewImage {
    /// Reads `TAG`, `TAG@sha256:DIGEST` or `@sha256:DIGEST`.
    pub fn parse(text: &str) -> Result<Self, EditError> {
        let (tag, digest) = match text.split_once('@') {
            Some((tag, digest)) => (tag, Some(digest)),
            None => (text, None),
        };
        let tag = if tag.is_empty() {
            None
        } else {
            // The OCI distribution spec's tag: [A-Za-z0-9_][A-Za-z0-9._-]{0,127}.
            let valid = tag.len() <= 128
                && tag
                    .bytes()
                    .next()
                    .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_')
                && tag
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
            if !valid {
                return Err(error(
                    format!("`{tag}` is not an image tag"),
                    "a tag is letters, digits, `_`, `.` and `-` (at most 128, not starting with `.` or `-`), such as `3.2.0`",
                ));
            }
            Some(tag.to_owned())
        };
        let digest = match digest {
            None => None,
            Some(d) => {
                let hex = d.strip_prefix("sha256:").ok_or_else(|| {
                    error(
                        format!("`@{d}` is not a digest"),
                        "write the digest as `@sha256:` and its 64 hexadecimal digits, as `docker buildx imagetools inspect` prints it",
                    )
                })?;
                if hex.len() != 64
                    || !hex
                        .bytes()
                        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
                {
                    return Err(error(
                        format!(
                            "`@{d}` is not a sha256 digest: {} characters after `sha256:`, 64 lower-case hexadecimal digits expected",
                            hex.len()
                        ),
                        "copy the digest whole, as the registry prints it",
                    ));
                }
                Some(d.to_owned())
            }
        };
        if tag.is_none() && digest.is_none() {
            return Err(error(
                "no tag or digest",
                "write `NAME=3.2.0`, `NAME=3.2.0@sha256:…` or `NAME=@sha256:…`",
            ));
        }
        Ok(NewImage { tag, digest })
    }

    /// What a `tag=`, `version=` or the tag part of a reference becomes, the current tag kept
    /// when only a digest is given: `3.2.0`, `3.2.0@sha256:…`, or `@sha256:…` without a tag.
    pub fn tag_text(&self, current: Option<&str>) -> String {
        let tag = self.tag.as_deref().or(current).unwrap_or_default();
        match &self.digest {
            Some(digest) => format!("{tag}@{digest}"),
            None => tag.to_owned(),
        }
    }
}

fn app_node(doc: &Document) -> Result<Node<'_>, EditError> {
    doc.nodes()
        .find(|n| n.name() == "app")
        .ok_or_else(|| error("the description has no `app`", "run `windlass check` first"))
}

/// The workload node the app declares as `name`.
fn workload_node<'a>(doc: &'a Document, name: &str) -> Result<Node<'a>, EditError> {
    app_node(doc)?
        .children()
        .into_iter()
        .flatten()
        .find(|n| n.name() != "environment" && declared(*n) == Some(name))
        .ok_or_else(|| {
            error(
                format!("the app has no workload `{name}`"),
                "name it as the app does",
            )
        })
}

/// The `environment NAME { … }` node.
fn environment<'a>(doc: &'a Document, env: &str) -> Result<Node<'a>, EditError> {
    doc.nodes()
        .find(|n| {
            n.name() == "environment"
                && args(*n).first().and_then(|e| e.value().as_str()) == Some(env)
        })
        .ok_or_else(|| {
            error(
                format!("the description has no environment `{env}`"),
                "declare it with `environment NAME { … }`",
            )
        })
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
    let node = workload_node(doc, target.workload)?;
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
    let env_node = environment(doc, env)?;
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
    if env_node.block_close().is_none() {
        return Err(error(
            format!("environment `{env}` has no block to add to"),
            format!("write `environment {env} {{ … }}`"),
        ));
    }
    let text = insert_line(
        text,
        env_node,
        &format!("{} {} tag={}", target.kind, target.workload, quote(tag)),
    )?;
    Ok(Edit { text, what })
}

/// The line ending the file uses: `\r\n` when it has any, else `\n`.
fn newline(text: &str) -> &'static str {
    if text.contains("\r\n") { "\r\n" } else { "\n" }
}

/// Where the line holding `at` starts.
fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map_or(0, |i| i + 1)
}

/// `line` added as the last child of `parent`'s block, on a line of its own indented like its
/// siblings (or one step deeper than the parent); a block written on one line is opened up.
fn insert_line(text: &str, parent: Node<'_>, line: &str) -> Result<String, EditError> {
    let Some(close) = parent.block_close() else {
        return Err(error(
            format!("`{}` has no block to add to", parent.name()),
            format!("write `{} … {{ … }}`", parent.name()),
        ));
    };
    let nl = newline(text);
    let parent_start = node_span(parent).0;
    let parent_indent: String = text[line_start(text, parent_start)..]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    let step = if parent_indent.contains('\t') {
        "\t"
    } else {
        "    "
    };
    let children: Vec<Node<'_>> = parent.children().into_iter().flatten().collect();
    let indent = children
        .first()
        .map(|&c| text[line_start(text, node_span(c).0)..node_span(c).0].to_owned())
        .filter(|i| i.chars().all(|c| c == ' ' || c == '\t'))
        .unwrap_or_else(|| format!("{parent_indent}{step}"));
    let close_line = line_start(text, close);
    Ok(if text[close_line..close].trim().is_empty() {
        insert(text, close_line, &format!("{indent}{line}{nl}"))
    } else {
        // `NAME { … }` on one line: open it up.
        insert(
            text,
            close,
            &format!("{nl}{indent}{line}{nl}{parent_indent}"),
        )
    })
}

/// What to do to a workload's canary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CanaryChange<'a> {
    /// Start one with this tag (`TAG`, `TAG@sha256:…`), or move the one there is to it; with a
    /// weight, set it (a new canary without one gets 10).
    Set {
        /// The tag text.
        tag: &'a str,
        /// Its share of requests, in percent.
        weight: Option<u32>,
    },
    /// Change the weight of the canary there is.
    Weight(u32),
    /// Remove the canary node (an abort, or the second half of a promotion).
    Remove,
}

/// The weight a new canary gets when none is given.
pub const DEFAULT_CANARY_WEIGHT: u32 = 10;

/// Edits the `canary` node of a workload: in the app's block, or with `target.env`, in that
/// environment's override of the workload (made when there is none).
pub fn canary(
    text: &str,
    target: &Target<'_>,
    change: CanaryChange<'_>,
) -> Result<Edit, EditError> {
    let doc: Document = crate::syntax::reader::read(text).map_err(|_| {
        error(
            "the description does not parse",
            "run `windlass check` and fix the syntax first",
        )
    })?;
    let (holder, env_node) = match target.env {
        None => {
            let node = workload_node(&doc, target.workload)?;
            (Some(node), None)
        }
        Some(env) => {
            let env_node = environment(&doc, env)?;
            let holder = env_node.children().into_iter().flatten().find(|n| {
                args(*n).first().and_then(|e| e.value().as_str()) == Some(target.workload)
                    && n.name() != "namespace"
            });
            (holder, Some(env_node))
        }
    };
    let where_ = match target.env {
        Some(env) => format!("canary of `{}` in environment `{env}`", target.workload),
        None => format!("canary of `{}`", target.workload),
    };
    let node = holder.and_then(|h| {
        h.children()
            .into_iter()
            .flatten()
            .filter(|c| c.name() == "canary")
            .last()
    });
    let no_canary = || {
        error(
            format!(
                "`{}` has no canary{}",
                target.workload,
                match target.env {
                    Some(env) => format!(" in environment `{env}`"),
                    None => String::new(),
                }
            ),
            format!(
                "start one with `windlass set-image {}=TAG --canary`",
                target.workload
            ),
        )
    };
    match change {
        CanaryChange::Set { tag, weight } => {
            if let Some(node) = node {
                // Edits from the end backwards, so the earlier spans stay right.
                let mut edits: Vec<(std::ops::Range<usize>, String)> = Vec::new();
                if let Some(entry) = prop(node, "tag") {
                    edits.push((entry.value_span(), quote(tag)));
                } else if let Some(entry) = prop(node, "image")
                    && let Some(reference) = entry.value().as_str()
                {
                    edits.push((entry.value_span(), quote(&retag(reference, tag))));
                } else {
                    let end = node
                        .entries()
                        .last()
                        .map_or(node.name_span().end, |e| span(e).1);
                    edits.push((end..end, format!(" tag={}", quote(tag))));
                }
                if let Some(w) = weight {
                    match prop(node, "weight") {
                        Some(entry) => edits.push((entry.value_span(), w.to_string())),
                        None => {
                            let end = node
                                .entries()
                                .last()
                                .map_or(node.name_span().end, |e| span(e).1);
                            edits.push((end..end, format!(" weight={w}")));
                        }
                    }
                }
                edits.sort_by_key(|(range, _)| std::cmp::Reverse(range.start));
                let mut out = text.to_owned();
                for (range, with) in edits {
                    out.replace_range(range, &with);
                }
                return Ok(Edit {
                    text: out,
                    what: where_,
                });
            }
            let line = format!(
                "canary tag={} weight={}",
                quote(tag),
                weight.unwrap_or(DEFAULT_CANARY_WEIGHT)
            );
            let text = match (holder, env_node) {
                (Some(holder), _) => add_child(text, holder, &line)?,
                (None, Some(env_node)) => insert_line(
                    text,
                    env_node,
                    &format!("{} {} {{ {line} }}", target.kind, target.workload),
                )?,
                (None, None) => return Err(no_canary()),
            };
            Ok(Edit { text, what: where_ })
        }
        CanaryChange::Weight(w) => {
            let node = node.ok_or_else(no_canary)?;
            let entry = prop(node, "weight").ok_or_else(|| {
                error(
                    format!("the {where_} has no `weight=`"),
                    "write `canary tag=\"…\" weight=10`",
                )
            })?;
            let range = entry.value_span();
            Ok(Edit {
                text: format!("{}{w}{}", &text[..range.start], &text[range.end..]),
                what: where_,
            })
        }
        CanaryChange::Remove => {
            let node = node.ok_or_else(no_canary)?;
            Ok(Edit {
                text: remove_node(text, node),
                what: where_,
            })
        }
    }
}

/// `line` added as a child of `node`: in its block (on a line of its own, or after the last
/// child of a block written on one line), or in a new block after its entries.
fn add_child(text: &str, node: Node<'_>, line: &str) -> Result<String, EditError> {
    let Some(close) = node.block_close() else {
        let end = node
            .entries()
            .last()
            .map_or(node.name_span().end, |e| span(e).1);
        return Ok(insert(text, end, &format!(" {{ {line} }}")));
    };
    let close_line = line_start(text, close);
    if text[close_line..close].trim().is_empty() {
        return insert_line(text, node, line);
    }
    // A block on one line: `{ image "…"; port 8080 }`.
    let children: Vec<Node<'_>> = node.children().into_iter().flatten().collect();
    Ok(match children.last() {
        // A node's span may take the spaces before the `}`: the text ends before them.
        Some(last) => insert(
            text,
            text[..node_span(*last).1].trim_end().len(),
            &format!("; {line}"),
        ),
        None => insert(text, close, &format!("{line} ")),
    })
}

/// The text without `node`: its whole line when it stands alone on it (a trailing `;` or
/// `// comment` goes with it), else the node and the `;` that separates it from its neighbours.
fn remove_node(text: &str, node: Node<'_>) -> String {
    let (start, end) = node_span(node);
    let end = text[..end].trim_end().len().max(start);
    let from = line_start(text, start);
    let before = &text[from..start];
    let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i + 1);
    let after = text[end..line_end].trim_end_matches(['\n', '\r']);
    let after_trimmed = after.trim_start().trim_start_matches(';').trim_start();
    let alone =
        before.trim().is_empty() && (after_trimmed.is_empty() || after_trimmed.starts_with("//"));
    if alone {
        return format!("{}{}", &text[..from], &text[line_end..]);
    }
    // Inline: `a; canary …; b` → `a; b`; `{ canary …; b }` → `{ b }`; `a; canary … }` → `a }`.
    let prev = text[..start].trim_end();
    if prev.ends_with(';') {
        let cut = prev.len() - 1;
        return format!("{}{}", &text[..cut], &text[end..]);
    }
    let rest = &text[end..];
    let skip = rest.len() - rest.trim_start().len();
    let rest_trimmed = &rest[skip..];
    if let Some(after_semi) = rest_trimmed.strip_prefix(';') {
        let spaces = after_semi.len() - after_semi.trim_start_matches([' ', '\t']).len();
        return format!("{}{}", &text[..start], &after_semi[spaces..]);
    }
    format!("{}{}", text[..start].trim_end_matches([' ', '\t']), rest)
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

    /// Every canary edit, on the same description written three ways: LF with spaces, CRLF,
    /// and tabs; comments inside and around the block stay where they are.
    #[test]
    fn canary_edits_touch_only_the_canary() {
        let base = "// shop\napp shop {\n    service orders {\n        image \"orders:3.1.0\" // pinned\n        port 8080 /* http */\n    }\n    service cart { image \"cart:1.0.0\"; port 8080 }\n}\n\nenvironment prod {\n    service orders replicas=3 // busy\n}\n";
        let variants = [
            ("lf", base.to_owned()),
            ("crlf", base.replace('\n', "\r\n")),
            ("tabs", base.replace("    ", "\t")),
        ];
        for (name, text) in variants {
            let nl = if name == "crlf" { "\r\n" } else { "\n" };
            let step = if name == "tabs" { "\t" } else { "    " };
            let set = |t: &str, workload: &str, env: Option<&str>, change| {
                canary(t, &target(workload, "service", env), change)
                    .unwrap_or_else(|e| panic!("{name}: {e:?}"))
                    .text
            };
            // Start: a line of its own, indented like its siblings.
            let started = set(
                &text,
                "orders",
                None,
                CanaryChange::Set {
                    tag: "3.2.0",
                    weight: Some(20),
                },
            );
            let line = format!("{step}{step}canary tag=\"3.2.0\" weight=20{nl}");
            let close = format!("{step}}}{nl}{step}service cart");
            assert_eq!(
                started,
                text.replacen(&close, &format!("{line}{close}"), 1),
                "{name}"
            );
            // Move it to another tag, keep the weight; then change the weight alone.
            let moved = set(
                &started,
                "orders",
                None,
                CanaryChange::Set {
                    tag: "3.2.1@sha256:0000000000000000000000000000000000000000000000000000000000000000",
                    weight: None,
                },
            );
            assert_eq!(moved, started.replace("\"3.2.0\"", "\"3.2.1@sha256:0000000000000000000000000000000000000000000000000000000000000000\""), "{name}");
            let weighed = set(&started, "orders", None, CanaryChange::Weight(50));
            assert_eq!(weighed, started.replace("weight=20", "weight=50"), "{name}");
            // Remove it: back to the very bytes it started from.
            assert_eq!(
                set(&started, "orders", None, CanaryChange::Remove),
                text,
                "{name}"
            );

            // A block written on one line keeps being one line.
            let cart = set(
                &text,
                "cart",
                None,
                CanaryChange::Set {
                    tag: "1.1.0",
                    weight: None,
                },
            );
            assert_eq!(
                cart,
                text.replace("port 8080 }", "port 8080; canary tag=\"1.1.0\" weight=10 }"),
                "{name}"
            );
            assert_eq!(
                set(&cart, "cart", None, CanaryChange::Remove),
                text,
                "{name}"
            );

            // In an environment: the override gets a block; without an override, a new line.
            let prod = set(
                &text,
                "orders",
                Some("prod"),
                CanaryChange::Set {
                    tag: "3.2.0",
                    weight: Some(5),
                },
            );
            assert_eq!(
                prod,
                text.replace(
                    "replicas=3 // busy",
                    "replicas=3 { canary tag=\"3.2.0\" weight=5 } // busy"
                ),
                "{name}"
            );
            assert_eq!(
                set(&prod, "orders", Some("prod"), CanaryChange::Remove),
                text.replace("replicas=3 // busy", "replicas=3 { } // busy"),
                "{name}"
            );
            let cart_prod = set(
                &text,
                "cart",
                Some("prod"),
                CanaryChange::Set {
                    tag: "1.1.0",
                    weight: None,
                },
            );
            assert_eq!(
                cart_prod,
                text.replace(
                    &format!("// busy{nl}}}"),
                    &format!(
                        "// busy{nl}{step}service cart {{ canary tag=\"1.1.0\" weight=10 }}{nl}}}"
                    )
                ),
                "{name}"
            );
        }
    }

    #[test]
    fn a_canary_line_with_a_comment_goes_whole_and_refusals_say_why() {
        let text = "app shop {\n    service orders {\n        image \"orders:3.1.0\"\n        canary tag=\"3.2.0\" weight=10; // trying\n        port 8080\n    }\n}\n";
        let removed = canary(
            text,
            &target("orders", "service", None),
            CanaryChange::Remove,
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(
            removed.text,
            text.replace("        canary tag=\"3.2.0\" weight=10; // trying\n", "")
        );
        let inline = "app shop {\n    service orders { canary tag=\"3.2.0\" weight=10; image \"orders:3.1.0\" }\n}\n";
        let removed = canary(
            inline,
            &target("orders", "service", None),
            CanaryChange::Remove,
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(
            removed.text,
            inline.replace("canary tag=\"3.2.0\" weight=10; ", "")
        );
        let none = canary(
            &removed.text,
            &target("orders", "service", None),
            CanaryChange::Weight(5),
        );
        assert!(none.is_err_and(|e| e.message == "`orders` has no canary"));
        assert!(canary(text, &target("nope", "service", None), CanaryChange::Remove).is_err());
    }

    #[test]
    fn new_images_are_tags_digests_or_both() {
        let digest = format!("sha256:{}", "ab".repeat(32));
        let both = NewImage::parse(&format!("2.4.1@{digest}")).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(both.tag.as_deref(), Some("2.4.1"));
        assert_eq!(both.digest.as_deref(), Some(digest.as_str()));
        assert_eq!(both.tag_text(Some("2.4.0")), format!("2.4.1@{digest}"));
        let pinned = NewImage::parse(&format!("@{digest}")).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(pinned.tag_text(Some("2.4.0")), format!("2.4.0@{digest}"));
        assert_eq!(
            retag("reg/dev:2.4.0", &format!("2.4.1@{digest}")),
            format!("reg/dev:2.4.1@{digest}")
        );
        assert_eq!(
            retag("reg:5000/dev:2.4.0@sha256:x", &format!("@{digest}")),
            format!("reg:5000/dev@{digest}")
        );
        for bad in [
            "",
            "@",
            "-x",
            "a b",
            "2.4.1@sha256:abc",
            "2.4.1@md5:abcd",
            &format!("@sha256:{}", "AB".repeat(32)),
        ] {
            assert!(NewImage::parse(bad).is_err(), "{bad}");
        }
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
