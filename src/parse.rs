//! Parsing: text → `kdl::KdlDocument`. `kdl::KdlError` becomes our diagnostics, on the file.
//!
//! Hostile input is turned away before the `kdl` parser sees it: a file larger than
//! [`MAX_FILE_BYTES`] or nested deeper than [`MAX_DEPTH`] gets a diagnostic, because the parser
//! recurses once per level and would overflow the stack.

use kdl::KdlDocument;

use crate::diag::{Diagnostic, Diagnostics, codes};
use crate::source::{FileId, Sources, Span};

/// The largest description read (a 5,000-service application is about 1.5 MB).
pub const MAX_FILE_BYTES: usize = 4 * 1024 * 1024;
/// The deepest nesting of `{ … }` blocks (real descriptions use four).
pub const MAX_DEPTH: usize = 64;

/// Parses one file as KDL 2.0.
pub fn parse(sources: &Sources, file: FileId) -> Result<KdlDocument, Diagnostics> {
    let text = sources.get(file).map(|f| f.text.as_str()).unwrap_or("");
    if let Some(diagnostic) = limits(text, file) {
        let mut diagnostics = Diagnostics::new();
        diagnostics.push(diagnostic);
        return Err(diagnostics);
    }
    text.parse::<KdlDocument>()
        .map_err(|error| syntax_errors(text, file, &error))
}

/// The parser's messages that follow from an earlier error rather than point at one.
fn is_cascade(message: &str) -> bool {
    message.starts_with("No closing '}'") || message.starts_with("Closing '}' was not found")
}

/// Turns the `kdl` crate's errors into diagnostics a person can act on: the first real error
/// only (the parser's recovery reports blocks as unclosed after any mistake inside them), on the
/// token it is about, with a help that says to quote values with dots, slashes or spaces.
fn syntax_errors(text: &str, file: FileId, error: &kdl::KdlError) -> Diagnostics {
    let mut found: Vec<&kdl::KdlDiagnostic> = error.diagnostics.iter().collect();
    found.sort_by_key(|d| d.span.offset());
    let primary = found
        .iter()
        .find(|d| !is_cascade(d.message.as_deref().unwrap_or("")))
        .or_else(|| {
            found.iter().find(|d| {
                d.message
                    .as_deref()
                    .is_some_and(|m| m.starts_with("No closing"))
            })
        })
        .or_else(|| found.last())
        .copied();
    let mut diagnostics = Diagnostics::new();
    let Some(d) = primary else {
        diagnostics.push(
            Diagnostic::error(codes::SYNTAX, "the file is not valid KDL 2.0")
                .label(Span::new(file, 0, 0), "")
                .help("see the KDL 2.0 syntax at https://kdl.dev"),
        );
        return diagnostics;
    };
    let message = d
        .message
        .clone()
        .unwrap_or_else(|| "invalid KDL".to_owned());
    let (start, end) = token_span(text, d.span.offset(), d.span.offset() + d.span.len());
    let token = text.get(start..end).unwrap_or("");
    let end_of_document = message.contains("end of document");
    let help = if end_of_document && token.starts_with('=') {
        "a node's value follows its name without `=`: write `replicas 2`; `key=value` is a property"
            .to_owned()
    } else if end_of_document && token.starts_with('}') {
        "this `}` closes no block: remove it, or look above for a block closed twice".to_owned()
    } else if message.starts_with("No closing") {
        "add the missing `}`; braces pair from the inside out, so a `}` forgotten in an inner block shows up here".to_owned()
    } else if message.contains("quoted string") && token.starts_with('"') {
        "the string is not closed: end it with `\"` (a string spanning lines is written `\"\"\"`)"
            .to_owned()
    } else if token.len() > 1 && token.ends_with('=') {
        format!("give the property a value, such as `{token}\"…\"`, or remove it")
    } else {
        match d.help.as_deref() {
            Some(h) if h.contains("Did you want a space here?") || message.contains("identifier string") => {
                quote_help(text, start)
            }
            Some(h) => h.to_owned(),
            None => "see the KDL 2.0 syntax at https://kdl.dev; strings with spaces or punctuation need double quotes".to_owned(),
        }
    };
    let label = if message.starts_with("No closing") {
        "this block is never closed"
    } else {
        "the parser stopped here"
    };
    diagnostics.push(
        Diagnostic::error(codes::SYNTAX, message)
            .label(
                Span::new(file, start, end.max(start + 1).min(text.len().max(start))),
                label,
            )
            .help(help),
    );
    diagnostics
}

/// The span to show for a parser error. The parser sometimes reports a span from the start of
/// the file to the mistake; then the token that ends there is meant (the value, for `key=value`).
fn token_span(text: &str, start: usize, end: usize) -> (usize, usize) {
    let floor = |mut i: usize| {
        i = i.min(text.len());
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let end = floor(end);
    let start = floor(start.min(end));
    let line_start = text[..end].rfind('\n').map_or(0, |i| i + 1);
    if start >= line_start {
        let token_end = text[start..]
            .find(|c: char| c.is_whitespace())
            .map_or(text.len(), |i| start + i);
        return (start, token_end.max(start));
    }
    // Walk back from the end to the start of the token, then past `key=`.
    let before = text[..end].trim_end();
    let token_start = before
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_whitespace())
        .map_or(0, |(i, c)| i + c.len_utf8());
    let token = &before[token_start..];
    match token.find('=') {
        Some(eq) if eq + 1 < token.len() => (token_start + eq + 1, before.len()),
        _ => (token_start, before.len()),
    }
}

/// The help for a value the parser could not read: quote it.
fn quote_help(text: &str, start: usize) -> String {
    let rest = &text[start..];
    let value: String = rest
        .chars()
        .take_while(|c| !c.is_whitespace() && !matches!(c, ';' | '{' | '}'))
        .collect();
    if value.is_empty() {
        return "values with dots, slashes or spaces need double quotes".to_owned();
    }
    format!("values with dots, slashes or spaces need double quotes: \"{value}\"")
}

/// Reports a file that is too large or nested too deeply for the parser.
fn limits(text: &str, file: FileId) -> Option<Diagnostic> {
    if text.len() > MAX_FILE_BYTES {
        return Some(
            Diagnostic::error(codes::LIMIT, format!("the file is {} bytes; descriptions are at most {MAX_FILE_BYTES}", text.len()))
                .label(Span::new(file, 0, 0), "too large")
                .help("split the components into imported files, or check that this is the file you meant"),
        );
    }
    let offset = too_deep(text.as_bytes())?;
    Some(
        Diagnostic::error(codes::LIMIT, format!("blocks are nested more than {MAX_DEPTH} levels deep"))
            .label(Span::new(file, offset, offset + 1), "too deep")
            .help("a description needs a handful of levels: app, workload, container, expose; check for unclosed or runaway blocks"),
    )
}

/// The offset of the first `{` deeper than [`MAX_DEPTH`], skipping strings and comments.
fn too_deep(b: &[u8]) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some(i);
                }
                i += 1;
            }
            b'}' => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                i = b[i..]
                    .iter()
                    .position(|&c| c == b'\n')
                    .map_or(b.len(), |p| i + p + 1);
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let mut nest = 1;
                i += 2;
                while i < b.len() && nest > 0 {
                    if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
                        nest += 1;
                        i += 2;
                    } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
                        nest -= 1;
                        i += 2;
                    } else {
                        i += 1;
                    }
                }
            }
            b'#' if matches!(b.get(i + 1), Some(b'#' | b'"')) => {
                let hashes = b[i..].iter().take_while(|&&c| c == b'#').count();
                if b.get(i + hashes) != Some(&b'"') {
                    i += hashes;
                    continue;
                }
                let quotes = if b[i + hashes..].starts_with(b"\"\"\"") {
                    3
                } else {
                    1
                };
                let start = i + hashes + quotes;
                let mut close = vec![b'"'; quotes];
                close.extend(std::iter::repeat_n(b'#', hashes));
                i = find(&b[start..], &close).map_or(b.len(), |p| start + p + close.len());
            }
            b'"' => {
                let quotes = if b[i..].starts_with(b"\"\"\"") { 3 } else { 1 };
                i += quotes;
                while i < b.len() {
                    if b[i] == b'\\' {
                        i += 2;
                    } else if b[i..].starts_with(&b"\"\"\""[..quotes]) {
                        i += quotes;
                        break;
                    } else {
                        i += 1;
                    }
                }
            }
            _ => i += 1,
        }
    }
    None
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_ignores_braces_in_strings_and_comments() {
        let nested = |n: usize| format!("{}{}", "a {".repeat(n), "}".repeat(n));
        assert_eq!(too_deep(nested(MAX_DEPTH).as_bytes()), None);
        assert!(too_deep(nested(MAX_DEPTH + 1).as_bytes()).is_some());
        let hidden = format!(
            "a \"{0}\" #\"{0}\"# \"\"\"\n{0}\n\"\"\" // {0}\n/* {0} /* {0} */ */ b \"\\\"{0}\"",
            "{".repeat(100)
        );
        assert_eq!(too_deep(hidden.as_bytes()), None);
    }
}
