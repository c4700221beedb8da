//! A reader for exactly the YAML that `windlass build` writes, about ten times faster than a
//! general YAML parser on the same text: `diff --against` usually reads an earlier build.
//!
//! It knows the emitter's layout (block maps and lists indented as `kubectl` does, plain and
//! double-quoted scalars, literal blocks, `[]` and `{}`), and reads a plain scalar as a string only
//! when the emitter would have written that string plain. Anything else (comments, anchors, flow
//! collections, other indentation, tabs, CRs, single quotes, numbers other than plain integers)
//! makes it give up on the whole text with `None`, and the caller reads it with [`super::general`]: the
//! two always agree on what this reader accepts (checked by the `diff` fuzz target).

use serde_json::{Map, Value};

use super::write::is_plain_safe;

/// The documents of a YAML stream written by Windlass, or `None` when the text uses anything else.
pub fn documents(text: &str) -> Option<Vec<Value>> {
    // The emitter ends every document with a line break; without one, the last line of a block
    // scalar keeps no final newline.
    if !text.ends_with('\n') {
        return None;
    }
    // Tabs, CRs, other control characters, and the characters YAML reads as line breaks or
    // refuses: the emitter writes them escaped, never raw.
    if text.bytes().any(|b| (b < 0x20 && b != b'\n') || b == 0x7f) {
        return None;
    }
    if !text.is_ascii()
        && text.chars().any(|c| {
            matches!(
                c,
                '\u{80}'
                    ..='\u{9f}' | '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
            )
        })
    {
        return None;
    }
    let mut out = Vec::new();
    let mut lines: Vec<Line> = Vec::new();
    // The emitter writes no empty document: one here is something else's stream.
    let flush = |lines: &mut Vec<Line>, out: &mut Vec<Value>| -> Option<()> {
        let mut reader = Reader { lines, pos: 0 };
        let value = reader.node(0)?;
        if reader.pos != reader.lines.len() {
            return None;
        }
        out.push(value);
        lines.clear();
        Some(())
    };
    for raw in text.split_inclusive('\n') {
        let raw = raw.strip_suffix('\n').unwrap_or(raw);
        if raw == "---" {
            flush(&mut lines, &mut out)?;
            continue;
        }
        let content = raw.trim_start_matches(' ');
        lines.push(Line {
            indent: raw.len() - content.len(),
            text: content,
        });
    }
    flush(&mut lines, &mut out)?;
    Some(out)
}

/// The deepest nesting read here.
const MAX_DEPTH: usize = 64;

/// One line: its indentation in spaces and the rest.
#[derive(Clone, Copy)]
struct Line<'a> {
    indent: usize,
    text: &'a str,
}

struct Reader<'a, 'l> {
    lines: &'l mut [Line<'a>],
    pos: usize,
}

impl<'a> Reader<'a, '_> {
    fn peek(&self) -> Option<Line<'a>> {
        self.lines.get(self.pos).copied()
    }

    /// The node whose first line is the current one, indented `indent`.
    fn node(&mut self, indent: usize) -> Option<Value> {
        let line = self.peek()?;
        // Each level indents two more. Deeper than the emitter ever writes, the general reader
        // decides (it refuses past its own limit), and the recursion here stays shallow.
        if line.indent != indent || indent > 2 * MAX_DEPTH {
            return None;
        }
        if line.text.starts_with("- ") {
            self.seq(indent)
        } else if key_split(line.text).is_some() {
            self.map(indent)
        } else {
            None
        }
    }

    fn seq(&mut self, indent: usize) -> Option<Value> {
        let mut items = Vec::new();
        while let Some(line) = self.peek() {
            if line.indent != indent || !line.text.starts_with("- ") {
                break;
            }
            // `- X`: X is a node indented two more, starting on this line.
            let rest = &line.text[2..];
            if rest.starts_with("- ") || key_split(rest).is_some() {
                self.lines[self.pos] = Line {
                    indent: indent + 2,
                    text: rest,
                };
                items.push(self.node(indent + 2)?);
            } else {
                self.pos += 1;
                items.push(self.inline(rest, indent + 2)?);
            }
        }
        (!items.is_empty()).then_some(Value::Array(items))
    }

    fn map(&mut self, indent: usize) -> Option<Value> {
        let mut map = Map::new();
        while let Some(line) = self.peek() {
            if line.indent != indent || line.text.starts_with("- ") {
                break;
            }
            let (key, rest) = key_split(line.text)?;
            self.pos += 1;
            let value = if rest.is_empty() {
                // The value is on the next lines: a map indented two more, or a list at the
                // key's own indentation.
                let next = self.peek()?;
                if next.indent == indent && next.text.starts_with("- ") {
                    self.seq(indent)?
                } else if next.indent == indent + 2 {
                    self.node(indent + 2)?
                } else {
                    return None;
                }
            } else {
                self.inline(rest, indent + 2)?
            };
            if map.insert(key, value).is_some() {
                return None;
            }
        }
        Some(Value::Object(map))
    }

    /// A value written on the line after `key: ` or `- `; a literal block continues below.
    fn inline(&mut self, text: &str, block_indent: usize) -> Option<Value> {
        match text {
            "[]" => Some(Value::Array(Vec::new())),
            "{}" => Some(Value::Object(Map::new())),
            "|" | "|-" | "|+" => self.literal(text, block_indent),
            _ if text.starts_with('"') => match double_quoted(text)? {
                (s, "") => Some(Value::String(s)),
                _ => None,
            },
            _ => scalar(text),
        }
    }

    /// A literal block: its lines indented at least `block_indent` (empty lines included), then
    /// the chomping its header asks for.
    fn literal(&mut self, header: &str, block_indent: usize) -> Option<Value> {
        let mut body = String::new();
        let mut trailing = 0;
        let mut any = false;
        while let Some(line) = self.peek() {
            if line.text.is_empty() {
                if line.indent > block_indent {
                    return None;
                }
                trailing += 1;
            } else if line.indent >= block_indent {
                // The emitter never starts a block with a more indented line.
                if !any && line.indent != block_indent {
                    return None;
                }
                for _ in 0..trailing {
                    body.push('\n');
                }
                trailing = 0;
                if any {
                    body.push('\n');
                }
                any = true;
                body.extend(std::iter::repeat_n(' ', line.indent - block_indent));
                body.push_str(line.text);
            } else {
                break;
            }
            self.pos += 1;
        }
        if !any {
            return None;
        }
        match header {
            "|-" => {}
            "|" => body.push('\n'),
            _ => {
                for _ in 0..=trailing {
                    body.push('\n');
                }
            }
        }
        // Empty lines after a clipped or stripped block belong to nothing: the emitter writes none.
        if header != "|+" && trailing > 0 {
            return None;
        }
        Some(Value::String(body))
    }
}

/// `key: rest` or `key:` → the key and the rest (empty when the value is on the next lines).
fn key_split(text: &str) -> Option<(String, &str)> {
    if text.starts_with('"') {
        let (key, after) = double_quoted(text)?;
        let rest = after.strip_prefix(':')?;
        return match rest {
            "" => Some((key, "")),
            _ => rest.strip_prefix(' ').map(|r| (key, r)),
        };
    }
    // A byte scan: the general substring search costs more than the line on short keys.
    let bytes = text.as_bytes();
    let colon =
        (0..bytes.len()).find(|&i| bytes[i] == b':' && bytes.get(i + 1).is_none_or(|&b| b == b' '));
    let (key, rest) = match colon {
        Some(i) if i + 1 < bytes.len() => (&text[..i], &text[i + 2..]),
        Some(i) => (&text[..i], ""),
        None => return None,
    };
    (is_plain_safe(key) && !rest.starts_with(' ')).then(|| (key.to_owned(), rest))
}

/// A plain scalar: a string when the emitter writes that string plain; `null`, `true`, `false`
/// and plain integers; anything else is not the emitter's.
fn scalar(text: &str) -> Option<Value> {
    if is_plain_safe(text) {
        return Some(Value::String(text.to_owned()));
    }
    match text {
        "null" => return Some(Value::Null),
        "true" => return Some(Value::Bool(true)),
        "false" => return Some(Value::Bool(false)),
        _ => {}
    }
    let digits = text.strip_prefix('-').unwrap_or(text);
    let canonical = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'))
        && text != "-0";
    if !canonical {
        return None;
    }
    if text.starts_with('-') {
        text.parse::<i64>().ok().map(Value::from)
    } else {
        text.parse::<u64>().ok().map(Value::from)
    }
}

/// A double-quoted string at the start of `text` with the escapes the emitter writes, and what
/// follows its closing quote.
fn double_quoted(text: &str) -> Option<(String, &str)> {
    let body = text.strip_prefix('"')?;
    let mut out = String::new();
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((out, &body[i + 1..])),
            '\\' => {
                let (_, e) = chars.next()?;
                match e {
                    '"' => out.push('"'),
                    '\\' => out.push('\\'),
                    'n' => out.push('\n'),
                    't' => out.push('\t'),
                    'r' => out.push('\r'),
                    'u' => {
                        let start = i + 2;
                        let hex = body.get(start..start + 4)?;
                        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                            return None;
                        }
                        out.push(char::from_u32(u32::from_str_radix(hex, 16).ok()?)?);
                        for _ in 0..4 {
                            chars.next();
                        }
                    }
                    _ => return None,
                }
            }
            c => out.push(c),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn both(text: &str) -> (Option<Vec<Value>>, Vec<Value>) {
        let slow: Vec<Value> = crate::yaml::general::documents(text)
            .unwrap_or_default()
            .into_iter()
            .map(|(_, value)| value)
            .collect();
        (documents(text), slow)
    }

    #[test]
    fn reads_what_the_emitter_writes_as_the_general_reader_does() {
        let value = serde_json::json!({
            "a": {"b": [1, -2, {"c": "d", "e": [], "f": {}}], "g": null, "h": true},
            "i": [["x", "y"], [{"k": "v"}]],
            "j": "yes", "k": "0777", "l": "a: b", "m": "line\nnext\n", "n": "x\n\n",
            "o": "one\ntwo", "p": "tab\there", "q": "1.2.3", "r": "--flag", "s": "",
            "t": "\u{e9}t\u{e9}", "u": "\u{1}", "v": "  lead", "w": "x\n  indented\n",
        });
        let mut text = crate::yaml::to_string(&value);
        text.push_str("---\n");
        text.push_str(&crate::yaml::to_string(&serde_json::json!({"z": 1})));
        let (fast, slow) = both(&text);
        assert_eq!(fast.as_deref(), Some(&slow[..]), "{text}");
        assert_eq!(slow[0], value);
    }

    #[test]
    fn gives_up_on_yaml_the_emitter_does_not_write() {
        let deep: String = (0..200)
            .map(|i| format!("{}a:\n", "  ".repeat(i)))
            .collect::<String>()
            + &"  ".repeat(200)
            + "b: c\n";
        for text in [
            "a: 1 # comment\n",
            "a: &x 1\nb: *x\n",
            "a: [1, 2]\n",
            "a: 'single'\n",
            "a:\n    b: 1\n",
            "a: 1.5\n",
            "a: 0x10\n",
            "a: yes\n",
            "a: |\n    more\n  less\n",
            "a:\tb\n",
            "a: b\r\n",
            "a: |\n  one\u{2028}two\n",
            "a: |\n  bell\u{7}\n",
            // Found by the `diff` fuzz target: a clipped block at the end of a text without a
            // final line break has no final newline.
            "a: |\n  server {\n      listen 80;\n  end",
            "a: 1",
            "a: b\na: c\n",
            "",
            "---\na: 1\n",
            "a: 1\n---\n",
            "a: 1\n\n",
            "a: -0\n",
            &deep,
        ] {
            assert_eq!(documents(text), None, "{text:?}");
        }
    }
}
