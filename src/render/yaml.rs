//! A YAML emitter for JSON-shaped values, written for Kubernetes' YAML readers.
//!
//! Kubernetes reads YAML 1.1 (`sigs.k8s.io/yaml` on go-yaml), where `yes`, `on`, `0777` and
//! `1:20` are not strings; serde_yaml writes YAML 1.2 and leaves them plain, so `args: [--appendonly,
//! yes]` would reach the API server as a boolean. This emitter quotes every string that any YAML
//! version reads as something else, writes multi-line strings as literal blocks (configuration
//! files stay readable), and lays out maps and lists the way `kubectl` does.

use serde_json::Value;

/// The YAML text of one document (without `---`).
pub fn to_string(value: &Value) -> String {
    let mut out = String::with_capacity(1024);
    match value {
        Value::Object(map) if !map.is_empty() => write_map(&mut out, map, 0),
        Value::Array(items) if !items.is_empty() => write_seq(&mut out, items, 0),
        scalar => {
            write_scalar(&mut out, scalar, 0);
            out.push('\n');
        }
    }
    out
}

fn indent(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

fn write_map(out: &mut String, map: &serde_json::Map<String, Value>, level: usize) {
    for (i, (key, value)) in map.iter().enumerate() {
        if i > 0 {
            indent(out, level);
        }
        write_string(out, key, level, true);
        out.push(':');
        write_child(out, value, level, true);
    }
}

fn write_seq(out: &mut String, items: &[Value], level: usize) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            indent(out, level);
        }
        out.push('-');
        write_child(out, item, level, false);
    }
}

/// Writes the value after `key:` or `-`, starting on the same line.
fn write_child(out: &mut String, value: &Value, level: usize, in_map: bool) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            if in_map {
                out.push('\n');
                indent(out, level + 2);
            } else {
                out.push(' ');
            }
            write_map(out, map, level + 2);
        }
        Value::Array(items) if !items.is_empty() => {
            if in_map {
                // Lists in maps sit at the key's indentation, as kubectl writes them.
                out.push('\n');
                indent(out, level);
                write_seq(out, items, level);
            } else {
                out.push(' ');
                write_seq(out, items, level + 2);
            }
        }
        scalar => {
            out.push(' ');
            write_scalar(out, scalar, level + 2);
            out.push('\n');
        }
    }
}

fn write_scalar(out: &mut String, value: &Value, block_indent: usize) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => write_string(out, s, block_indent, false),
        Value::Object(_) => out.push_str("{}"),
        Value::Array(_) => out.push_str("[]"),
    }
}

fn write_string(out: &mut String, s: &str, block_indent: usize, is_key: bool) {
    if is_plain_safe(s) {
        out.push_str(s);
    } else if !is_key && is_literal_block_safe(s) {
        write_literal_block(out, s, block_indent);
    } else {
        write_double_quoted(out, s);
    }
}

/// A literal block keeps a file's text as it is: `|`, then the lines, indented.
fn write_literal_block(out: &mut String, s: &str, block_indent: usize) {
    let body = s.trim_end_matches('\n');
    let trailing = s.len() - body.len();
    out.push('|');
    match trailing {
        0 => out.push('-'),
        1 => {}
        _ => out.push('+'),
    }
    for line in s[..body.len() + trailing.saturating_sub(1)].split('\n') {
        out.push('\n');
        if !line.is_empty() {
            indent(out, block_indent);
            out.push_str(line);
        }
    }
}

fn is_literal_block_safe(s: &str) -> bool {
    s.contains('\n')
        && !s.starts_with([' ', '\n'])
        && s.chars()
            .all(|c| c == '\n' || (!c.is_control() && c != '\u{feff}'))
        && !s.lines().any(|l| l.ends_with(' '))
}

fn write_double_quoted(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() || c == '\u{feff}' || c == '\u{2028}' || c == '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Whether `s` can be written without quotes and be read back as the same string by YAML 1.1
/// and 1.2 readers alike.
fn is_plain_safe(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if s.trim() != s || s.contains(": ") || s.contains(" #") || s.ends_with(':') {
        return false;
    }
    if !s
        .chars()
        .all(|c| c.is_alphanumeric() || " ./_-:@$()=+,;~^%".contains(c) && c != '\t')
    {
        return false;
    }
    let dash_word = first == '-' && s.len() > 1 && !s[1..].starts_with(' ');
    if !(first.is_alphanumeric() || "/._$(".contains(first) || dash_word) {
        return false;
    }
    if s.starts_with("---") || s.starts_with("...") {
        return false;
    }
    !is_special_word(s) && !looks_numeric(s)
}

/// Words YAML 1.1 reads as booleans or null.
fn is_special_word(s: &str) -> bool {
    const WORDS: &[&str] = &[
        "y", "yes", "n", "no", "true", "false", "on", "off", "null", "~",
    ];
    let lower = s.to_ascii_lowercase();
    WORDS.contains(&lower.as_str())
        || matches!(
            lower.as_str(),
            ".inf" | "-.inf" | "+.inf" | ".nan" | "<<" | "="
        )
}

/// Numbers in any YAML version: ints (decimal, octal, hex, binary, with `_`), floats,
/// sexagesimal (`1:20`), and dates or timestamps.
fn looks_numeric(s: &str) -> bool {
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    let Some(first) = body.chars().next() else {
        return false;
    };
    if !(first.is_ascii_digit() || first == '.') {
        return false;
    }
    if body.starts_with('.') && !body[1..].starts_with(|c: char| c.is_ascii_digit()) {
        return false;
    }
    let lower = body.to_ascii_lowercase();
    if let Some(hex) = lower.strip_prefix("0x") {
        return hex.chars().all(|c| c.is_ascii_hexdigit() || c == '_');
    }
    if let Some(bin) = lower.strip_prefix("0b") {
        return bin.chars().all(|c| matches!(c, '0' | '1' | '_'));
    }
    if let Some(oct) = lower.strip_prefix("0o") {
        return oct.chars().all(|c| matches!(c, '0'..='7' | '_'));
    }
    // Dates and timestamps: 2001-12-14, 2001-12-14t21:59:43.10-05:00.
    let date: Vec<&str> = body.splitn(3, '-').collect();
    if date.len() == 3
        && date[0].len() == 4
        && date
            .iter()
            .take(2)
            .all(|p| p.chars().all(|c| c.is_ascii_digit()))
    {
        return true;
    }
    if lower.matches('.').count() > 1 {
        return false;
    }
    // Decimal, float, exponent and sexagesimal forms use only these characters.
    let mut seen_e = false;
    for (i, c) in lower.char_indices() {
        match c {
            '0'..='9' | '_' | '.' | ':' => {}
            'e' if !seen_e && i > 0 => seen_e = true,
            '-' | '+' if seen_e && lower[..i].ends_with('e') => {}
            _ => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn layout_matches_kubectl() {
        let v = json!({"a": {"b": [1, {"c": "d", "e": []}], "f": {}}, "g": "h"});
        assert_eq!(
            to_string(&v),
            "a:\n  b:\n  - 1\n  - c: d\n    e: []\n  f: {}\ng: h\n"
        );
    }

    #[test]
    fn quotes_what_yaml_1_1_reads_as_something_else() {
        for s in [
            "yes",
            "No",
            "on",
            "OFF",
            "y",
            "true",
            "null",
            "~",
            "",
            " x",
            "0777",
            "1:20",
            "1e3",
            "0x1F",
            "2024-01-01",
            ".5",
            "-1",
            "a: b",
            "#x",
            "- x",
            "*x",
            "!x",
            "x #y",
            "@x",
            "`x`",
            "...",
        ] {
            let text = to_string(&json!({ "k": s }));
            assert!(text.starts_with("k: \""), "{s:?} must be quoted: {text}");
            let back: serde_json::Value = serde_yaml::from_str(&text).unwrap_or_default();
            assert_eq!(back["k"], s, "{s:?} round-trips");
        }
    }

    #[test]
    fn leaves_ordinary_strings_plain() {
        for s in [
            "nginx:1.27.3",
            "250m",
            "512Mi",
            "/actuator/health",
            "app.kubernetes.io/name",
            "3.1.0",
            "$(POD_NAME)",
            "--datadir=/var/lib/mysql/data",
            "http",
            "Europe/Berlin",
            "0 3 * * *",
        ] {
            let text = to_string(&json!({ "k": s }));
            let plain = format!("k: {s}\n");
            if s.contains('*') {
                assert_ne!(text, plain, "{s}");
            } else {
                assert_eq!(text, plain, "{s}");
            }
        }
    }

    #[test]
    fn multi_line_strings_are_literal_blocks() {
        let v = json!({"files": {"a.conf": "server {\n    listen 80;\n}\n"}});
        assert_eq!(
            to_string(&v),
            "files:\n  a.conf: |\n    server {\n        listen 80;\n    }\n"
        );
        for s in ["a\nb", "a\nb\n", "a\n\nb\n\n", "a\n  b"] {
            let text = to_string(&json!({ "k": s }));
            let back: serde_json::Value = serde_yaml::from_str(&text).unwrap_or_default();
            assert_eq!(back["k"], s, "{s:?} round-trips through {text}");
        }
    }
}
