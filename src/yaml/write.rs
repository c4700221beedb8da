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
    write_document(&mut out, value);
    out
}

/// Appends the YAML text of one document (without `---`) to `out`.
pub fn write_document(out: &mut String, value: &Value) {
    match value {
        Value::Object(map) if !map.is_empty() => write_map(out, map, 0),
        Value::Array(items) if !items.is_empty() => write_seq(out, items, 0),
        scalar => {
            write_scalar(out, scalar, 0);
            out.push('\n');
        }
    }
}

fn indent(out: &mut String, n: usize) {
    const SPACES: &str = "                                                                ";
    let mut left = n;
    while left > 0 {
        let step = left.min(SPACES.len());
        out.push_str(&SPACES[..step]);
        left -= step;
    }
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
        Value::Number(n) => {
            use std::fmt::Write as _;
            let _ = write!(out, "{n}");
        }
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

/// Whether `s` can be a literal block that YAML 1.1 and 1.2 readers read back as the same text:
/// multi-line, and every character printable in YAML (`c-printable`) and no line break but
/// `\n` — CR, NEL (U+0085), LINE SEPARATOR (U+2028) and PARAGRAPH SEPARATOR (U+2029) are line
/// breaks in YAML 1.1, and the readers Kubernetes uses (libyaml, go-yaml, PyYAML) break the
/// line there. Tabs, other control characters and a byte order mark are left to the
/// double-quoted form, which escapes them.
fn is_literal_block_safe(s: &str) -> bool {
    s.contains('\n')
        && !s.starts_with([' ', '\n'])
        && s.chars().all(|c| {
            matches!(c,
                '\n'
                | ' '..='~'
                | '\u{A0}'..='\u{2027}'
                | '\u{202A}'..='\u{D7FF}'
                | '\u{E000}'..='\u{FEFE}'
                | '\u{FF00}'..='\u{FFFD}'
                | '\u{10000}'..='\u{10FFFF}'
            )
        })
        && !s.lines().any(|l| l.ends_with(' '))
}

fn write_double_quoted(out: &mut String, s: &str) {
    out.push('"');
    // Runs of characters that need no escape are copied whole.
    let mut run = 0;
    for (i, c) in s.char_indices() {
        let escape = match c {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\n' => "\\n",
            '\t' => "\\t",
            '\r' => "\\r",
            // Control characters (NEL, U+0085, among them), the byte order mark, the line and
            // paragraph separators, and what YAML does not allow in a stream (U+FFFE, U+FFFF).
            c if c.is_control()
                || matches!(
                    c,
                    '\u{feff}' | '\u{2028}' | '\u{2029}' | '\u{fffe}' | '\u{ffff}'
                ) =>
            {
                ""
            }
            _ => continue,
        };
        out.push_str(&s[run..i]);
        if escape.is_empty() {
            use std::fmt::Write as _;
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        } else {
            out.push_str(escape);
        }
        run = i + c.len_utf8();
    }
    out.push_str(&s[run..]);
    out.push('"');
}

/// The ASCII characters a plain string may hold: letters, digits and ` ./_-:@$()=+,;~^%`.
const PLAIN: [bool; 128] = {
    let mut table = [false; 128];
    let mut c = 0;
    while c < 128 {
        table[c] = (c as u8).is_ascii_alphanumeric();
        c += 1;
    }
    let others = b" ./_-:@$()=+,;~^%";
    let mut i = 0;
    while i < others.len() {
        table[others[i] as usize] = true;
        i += 1;
    }
    table
};

/// Whether `s` can be written without quotes and be read back as the same string by YAML 1.1
/// and 1.2 readers alike.
pub(super) fn is_plain_safe(s: &str) -> bool {
    let bytes = s.as_bytes();
    let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) else {
        return false;
    };
    // Leading or trailing spaces, `key:` and `a: b` read as something else; every other
    // character outside the allowed set (`#`, `*`, `!`, quotes, tabs, …) needs quotes too.
    if first == b' ' || last == b' ' || last == b':' {
        return false;
    }
    let mut prev = 0;
    for &b in bytes {
        let allowed = if b.is_ascii() {
            PLAIN[usize::from(b)]
        } else {
            // Checked by character below.
            true
        };
        if !allowed || (prev == b':' && b == b' ') {
            return false;
        }
        prev = b;
    }
    if !s.is_ascii() && !s.chars().all(|c| c.is_ascii() || c.is_alphanumeric()) {
        return false;
    }
    let dash_word = first == b'-' && bytes.len() > 1 && bytes[1] != b' ';
    let first_ok = if first.is_ascii() {
        first.is_ascii_alphanumeric() || b"/._$(".contains(&first) || dash_word
    } else {
        true
    };
    if !first_ok || s.starts_with("---") || s.starts_with("...") {
        return false;
    }
    !is_special_word(s) && !looks_numeric(s)
}

/// Words YAML 1.1 reads as booleans or null.
fn is_special_word(s: &str) -> bool {
    const WORDS: &[&str] = &[
        "y", "yes", "n", "no", "true", "false", "on", "off", "null", "~",
    ];
    const OTHERS: &[&str] = &[".inf", "-.inf", "+.inf", ".nan", "<<", "="];
    s.len() <= 5
        && WORDS
            .iter()
            .chain(OTHERS)
            .any(|w| w.eq_ignore_ascii_case(s))
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

    /// The one document of `text`, read back with the API server's YAML rules.
    fn read_back(text: &str) -> Result<serde_json::Value, String> {
        let [(_, value)] = crate::yaml::general::documents(text)?
            .try_into()
            .map_err(|_| "not one document".to_owned())?;
        Ok(value)
    }

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
            let back: serde_json::Value = read_back(&text).unwrap_or_default();
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
            let back: serde_json::Value = read_back(&text).unwrap_or_default();
            assert_eq!(back["k"], s, "{s:?} round-trips through {text}");
        }
    }

    #[test]
    fn multi_line_strings_with_other_line_breaks_or_unprintable_characters_are_double_quoted() {
        // NEL, LINE SEPARATOR, PARAGRAPH SEPARATOR and CR are line breaks in YAML 1.1; the
        // others are not printable in YAML (tab, other control characters, the byte order mark
        // and U+FFFE/U+FFFF are left to the double-quoted form too). None may be raw in a block.
        for c in [
            '\u{85}', '\u{2028}', '\u{2029}', '\r', '\t', '\u{7}', '\u{7f}', '\u{9f}', '\u{feff}',
            '\u{fffe}', '\u{ffff}',
        ] {
            for s in [
                format!("one{c}two\nthree"),
                format!("one\ntwo{c}"),
                format!("{c}\n"),
            ] {
                assert!(!is_literal_block_safe(&s), "{s:?}");
                let text = to_string(&json!({ "k": s }));
                assert!(
                    text.starts_with("k: \""),
                    "{s:?} must be double-quoted: {text}"
                );
                assert!(text.is_ascii(), "{s:?} is escaped: {text}");
                let back: serde_json::Value = read_back(&text).unwrap();
                assert_eq!(back["k"], s.as_str(), "{s:?} round-trips through {text}");
            }
        }
        assert_eq!(
            to_string(&json!({ "k": "one\u{2028}two\nthree\u{85}" })),
            "k: \"one\\u2028two\\nthree\\u0085\"\n"
        );
        // Printable characters outside ASCII stay in a literal block.
        for s in [
            "caf\u{e9}\nna\u{ef}ve\n",
            "\u{a0}x\n\u{202f}\n",
            "\u{1f600}\n\u{d7ff}\u{e000}",
        ] {
            assert!(is_literal_block_safe(s), "{s:?}");
            let text = to_string(&json!({ "k": s }));
            assert!(text.starts_with("k: |"), "{s:?} is a literal block: {text}");
            let back: serde_json::Value = read_back(&text).unwrap();
            assert_eq!(back["k"], s, "{s:?} round-trips through {text}");
        }
    }
}
