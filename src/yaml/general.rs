//! Any YAML, read as the API server reads it: previous output written by hand or by another
//! tool, and a kustomization. (Windlass's own layout has the faster [`read`](super::read).)
//!
//! Kubernetes reads YAML through `sigs.k8s.io/yaml` on go-yaml, with YAML 1.1's rules, so this
//! reader follows them where they differ from YAML 1.2: `yes`, `on` and `y` are booleans, `0644`
//! is octal (a hand-written `defaultMode: 0644` is 420, as `windlass build` writes it, and not a
//! change) and `1_000` is a number. Merge keys (`<<`) are applied; a key twice in one map is an
//! error, where a reader that keeps the last would compare an object nobody wrote.
//!
//! Nesting deeper than [`MAX_DEPTH`] is refused at once, so a megabyte of `[` costs a fraction of a
//! millisecond. The limits on documents, events, nodes and scalar bytes grow with the text: only
//! alias expansion is bounded below what the text itself holds.

use std::borrow::Cow;

use serde_json::Value;
use serde_saphyr::Spanned;

/// The deepest nesting of maps and lists read: deeper than any Kubernetes object (a CRD's schema
/// included). Reading it takes under 512 KiB of stack optimised and up to 3 MiB in a debug build
/// (a main thread has 8 MiB).
pub const MAX_DEPTH: usize = 128;

/// The documents of a YAML stream, each with the line it starts on; empty documents are left
/// out. The error message places the problem by line and column.
pub fn documents(text: &str) -> Result<Vec<(usize, Value)>, String> {
    read(text, serde_saphyr::DuplicateKeyPolicy::Error)
}

/// [`documents`], with a key repeated in one map taking its last value, as go-yaml v2 (behind
/// `kubectl`'s YAML reading) takes it. For reading other tools' manifests to compare them, as
/// the reproductions of public applications do; previous output is read strictly.
pub fn documents_last_key_wins(text: &str) -> Result<Vec<(usize, Value)>, String> {
    read(text, serde_saphyr::DuplicateKeyPolicy::LastWins)
}

fn read(
    text: &str,
    duplicates: serde_saphyr::DuplicateKeyPolicy,
) -> Result<Vec<(usize, Value)>, String> {
    let documents: Vec<Spanned<Value>> =
        serde_saphyr::from_multiple_with_options(text, options(text, duplicates))
            .map_err(|e| e.render_with_formatter(&Messages))?;
    Ok(documents
        .into_iter()
        .map(|d| {
            (
                usize::try_from(d.defined.line()).unwrap_or(usize::MAX),
                d.value,
            )
        })
        .collect())
}

/// The reader's options for `text` (see the module's documentation).
fn options(text: &str, duplicates: serde_saphyr::DuplicateKeyPolicy) -> serde_saphyr::Options {
    let room = text.len().saturating_add(1024);
    serde_saphyr::options! {
        legacy_octal_numbers: true,
        emit_comments: false,
        duplicate_keys: duplicates,
        merge_keys: serde_saphyr::MergeKeyPolicy::Merge,
        with_snippet: false,
        budget: serde_saphyr::budget! {
            max_depth: MAX_DEPTH,
            flow_nesting_limit: MAX_DEPTH,
            max_documents: room,
            max_events: room.saturating_mul(3),
            max_nodes: room.saturating_mul(2),
            max_total_scalar_bytes: room,
        },
    }
}

/// The message for nesting past [`MAX_DEPTH`].
fn too_deep() -> String {
    format!("maps and lists are nested deeper than {MAX_DEPTH} levels")
}

/// What a limit other than depth means: the text is small, so its aliases expand to much more.
const ALIAS_BOMB: &str = "its aliases expand to more than the reader takes (an alias bomb?)";

/// The reader's messages for a user who wrote YAML, not for a programmer who configured the
/// reader: a limit is named by what it means, and no message suggests an option.
struct Messages;

impl serde_saphyr::MessageFormatter for Messages {
    fn format_message<'a>(&self, err: &'a serde_saphyr::Error) -> Cow<'a, str> {
        use serde_saphyr::budget::BudgetBreach;
        match err {
            serde_saphyr::Error::Budget {
                breach: BudgetBreach::Depth { .. },
                ..
            } => Cow::Owned(too_deep()),
            serde_saphyr::Error::Budget { .. } => Cow::Borrowed(ALIAS_BOMB),
            // A limit reached while an alias is replayed comes wrapped, as text.
            serde_saphyr::Error::AliasError { msg, .. } if msg.starts_with("budget breached") => {
                Cow::Borrowed(ALIAS_BOMB)
            }
            _ => match serde_saphyr::UserMessageFormatter.format_message(err) {
                // The parser's own limit on flow nesting (`[[[…`), set to the same depth.
                message if message == "recursion limit exceeded" => Cow::Owned(too_deep()),
                message => message,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn one(text: &str) -> Value {
        let mut documents = documents(text).unwrap();
        assert_eq!(documents.len(), 1, "{text:?}");
        documents.remove(0).1
    }

    #[test]
    fn scalars_read_as_yaml_1_1_reads_them() {
        let read = one("a: yes\nb: on\nc: 0644\nd: 1_000\ne: '0644'\nf: 0x1F\ng: 12:30\nh: ~\n");
        assert_eq!(
            read,
            json!({"a": true, "b": true, "c": 420, "d": 1000, "e": "0644", "f": 31, "g": "12:30", "h": null})
        );
    }

    #[test]
    fn documents_carry_their_lines_and_empty_ones_are_left_out() {
        let read = documents("---\n# nothing\n---\na: 1\n---\nb: 2\n").unwrap();
        let lines: Vec<usize> = read.iter().map(|(line, _)| *line).collect();
        assert_eq!(lines, [4, 6]);
    }

    #[test]
    fn merge_keys_apply_and_duplicate_keys_are_refused() {
        assert_eq!(
            one("l: &l {x: 1}\nm:\n  <<: *l\n  y: 2\n")["m"],
            json!({"x": 1, "y": 2})
        );
        let err = documents("a: 1\na: 2\n").unwrap_err();
        assert_eq!(
            err,
            "duplicate mapping key: a not allowed here at line 2, column 1"
        );
    }

    #[test]
    fn a_repeated_key_takes_its_last_value_where_asked() {
        let text = "spec:\n  resources:\n    limits: {memory: 1Gi}\n  resources: {}\n";
        assert!(documents(text).is_err());
        let docs = documents_last_key_wins(text).unwrap();
        assert_eq!(docs[0].1["spec"]["resources"], json!({}));
    }

    #[test]
    fn deep_nesting_is_refused_at_once() {
        // A test thread's 2 MiB of stack is less than a debug build needs at the deepest nesting.
        let reader = std::thread::Builder::new().stack_size(8 << 20);
        let result = reader.spawn(|| {
            let deep = "[".repeat(1 << 20);
            let err = documents(&deep).unwrap_err();
            assert!(err.contains("line 1"), "{err}");
            let nested = |depth: usize| format!("a: {}1{}", "[".repeat(depth), "]".repeat(depth));
            assert!(documents(&nested(MAX_DEPTH - 1)).is_ok());
            let err = documents(&nested(MAX_DEPTH + 1)).unwrap_err();
            assert!(err.contains("nested deeper than 128 levels"), "{err}");
        });
        result.unwrap().join().unwrap();
    }

    #[test]
    fn an_alias_bomb_is_refused() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let err = documents(&text).unwrap_err();
        assert!(err.contains("alias"), "{err}");
    }
}
