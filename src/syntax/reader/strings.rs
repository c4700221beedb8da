//! Strings: identifier strings, quoted strings with escapes, raw strings with any number of `#`,
//! and the multi-line forms of both, whose common indentation (that of the closing line) is
//! removed.

use std::borrow::Cow;

use super::chars::{self, CHECK, IDENT, NEWLINE, SPECIAL, class};
use super::lexer::Reader;
use super::{ReadError, Result};

/// Identifier strings that would read as keywords or numbers; each must be written with `#`.
const KEYWORD_LIKE: [&str; 6] = ["true", "false", "null", "inf", "-inf", "nan"];

impl<'a> Reader<'a> {
    /// An identifier string at the cursor (the caller has ruled out numbers).
    pub fn identifier_string(&mut self) -> Result<Cow<'a, str>> {
        let start = self.pos;
        while let Some(&b) = self.bytes.get(self.pos) {
            let cls = class(b);
            if cls == IDENT {
                self.pos += 1;
            } else if cls == CHECK {
                match self.char_at(self.pos) {
                    Some(c) if chars::is_identifier_char(c) => self.pos += c.len_utf8(),
                    _ => break,
                }
            } else {
                break;
            }
        }
        let text = self.text;
        let ident = &text[start..self.pos];
        if ident.len() <= 5
            && matches!(
                ident.as_bytes().first(),
                Some(b't' | b'f' | b'n' | b'i' | b'-')
            )
            && KEYWORD_LIKE.contains(&ident)
        {
            return Err(Box::new(
                ReadError::new(
                    start..self.pos,
                    format!("`{ident}` is a keyword, not a string"),
                )
                .help(format!(
                    "write `#{ident}` for the keyword, or \"{ident}\" for the string"
                )),
            ));
        }
        Ok(Cow::Borrowed(ident))
    }

    /// Advances over ordinary string characters, stopping at `"`, `\`, a newline, a disallowed
    /// character or the end of the input.
    #[inline]
    fn string_run(&mut self) {
        while let Some(&b) = self.bytes.get(self.pos) {
            let cls = class(b);
            if cls & SPECIAL == 0 {
                if b == b'"' || b == b'\\' {
                    return;
                }
                self.pos += 1;
                continue;
            }
            if cls == CHECK
                && let Some(c) = self.char_at(self.pos)
                && !chars::is_newline(c)
                && !chars::is_disallowed(c)
            {
                self.pos += c.len_utf8();
                continue;
            }
            return;
        }
    }

    /// A `"…"` or `"""…"""` string at the cursor.
    pub fn quoted_string(&mut self) -> Result<Cow<'a, str>> {
        if self.looking_at(b"\"\"\"") {
            return self.multi_line_string().map(Cow::Owned);
        }
        let open = self.pos;
        self.pos += 1;
        let start = self.pos;
        self.string_run();
        if self.peek() == Some(b'"') {
            let text = self.text;
            let s = &text[start..self.pos];
            self.pos += 1;
            return Ok(Cow::Borrowed(s));
        }
        let mut out = String::from(&self.text[start..self.pos]);
        loop {
            match self.peek() {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(Cow::Owned(out));
                }
                Some(b'\\') => {
                    if let Some(c) = self.escape()? {
                        out.push(c);
                    }
                }
                None => return Err(Box::new(unclosed_string(open))),
                Some(_) => {
                    if self.newline_len().is_some() {
                        return Err(Box::new(self
                            .error_at(self.pos, "a quoted string ends at the end of its line")
                            .help("close it with `\"`; a string spanning lines is written `\"\"\"` on its own line, then the text, then `\"\"\"`")));
                    }
                    return Err(Box::new(self.disallowed(self.pos)));
                }
            }
            let run = self.pos;
            self.string_run();
            out.push_str(&self.text[run..self.pos]);
        }
    }

    /// An escape at a `\` in a quoted string: the character it stands for, or `None` for
    /// whitespace that the escape removes (`\` then spaces and newlines).
    fn escape(&mut self) -> Result<Option<char>> {
        let at = self.pos;
        let c = match self.peek_at(1) {
            Some(b'n') => '\n',
            Some(b't') => '\t',
            Some(b'r') => '\r',
            Some(b'\\') => '\\',
            Some(b'"') => '"',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{C}',
            Some(b's') => ' ',
            Some(b'u') => return self.unicode_escape().map(Some),
            _ => {
                self.pos += 1;
                let mut any = false;
                while let Some(n) = self.space_len().or_else(|| self.newline_len()) {
                    self.pos += n;
                    any = true;
                }
                if any {
                    return Ok(None);
                }
                let what = self
                    .char_at(self.pos)
                    .map_or_else(|| "the end of the input".to_owned(), |c| format!("`\\{c}`"));
                return Err(Box::new(ReadError::new(
                    at..self.pos + self.char_at(self.pos).map_or(0, char::len_utf8),
                    format!("{what} is not an escape"),
                )
                .help("the escapes are \\n \\t \\r \\\\ \\\" \\b \\f \\s \\u{…}, and `\\` before whitespace, which removes it; write `\\\\` for a backslash")));
            }
        };
        self.pos += 2;
        Ok(Some(c))
    }

    /// `\u{…}`: one to six hex digits naming a Unicode scalar value.
    fn unicode_escape(&mut self) -> Result<char> {
        let at = self.pos;
        let bad = |end: usize| {
            ReadError::new(at..end, "invalid unicode escape")
                .help("write `\\u{` and one to six hex digits of a Unicode scalar value, then `}`, as in `\\u{1F600}`")
        };
        if self.peek_at(2) != Some(b'{') {
            return Err(Box::new(bad(self.pos + 2)));
        }
        self.pos += 3;
        let digits = self.pos;
        while self.peek().is_some_and(|b| b.is_ascii_hexdigit()) && self.pos - digits < 7 {
            self.pos += 1;
        }
        let count = self.pos - digits;
        if count == 0 || count > 6 || self.peek() != Some(b'}') {
            return Err(Box::new(bad(self.pos)));
        }
        let value = u32::from_str_radix(&self.text[digits..self.pos], 16).ok();
        self.pos += 1;
        value
            .and_then(char::from_u32)
            .ok_or_else(|| Box::new(bad(self.pos)))
    }

    /// The end of `unicode-space* ws-escape*` at `at`, and where its spaces end: the whitespace
    /// before a closing `"""`.
    fn closing_whitespace(&self, at: usize) -> (usize, usize) {
        let mut pos = at;
        while let Some(n) = self.space_len_at(pos) {
            pos += n;
        }
        let spaces_end = pos;
        while self.bytes.get(pos) == Some(&b'\\') {
            let mut next = pos + 1;
            while let Some(n) = self
                .space_len_at(next)
                .or_else(|| self.newline_len_at(next))
            {
                next += n;
            }
            if next == pos + 1 {
                break;
            }
            pos = next;
        }
        (pos, spaces_end)
    }

    /// A `"""` string: the text starts on the line after the opening quotes and ends on the line
    /// before the closing ones, whose indentation every line must start with.
    fn multi_line_string(&mut self) -> Result<String> {
        let open = self.pos;
        self.pos += 3;
        let Some(n) = self.newline_len() else {
            return Err(Box::new(self.error_at(self.pos, "the text of a `\"\"\"` string starts on the next line")
                .help("put a newline right after `\"\"\"`; a string on one line takes one pair of quotes: \"text\"")));
        };
        self.pos += n;
        let body = self.pos;
        // First pass: find the closing line, checking the lines on the way.
        let (close, prefix_end) = loop {
            let line = self.pos;
            let (end, spaces_end) = self.closing_whitespace(line);
            if self
                .bytes
                .get(end..)
                .is_some_and(|r| r.starts_with(b"\"\"\""))
            {
                break (line, spaces_end);
            }
            self.string_line(open, None)?;
        };
        // Second pass: remove the indentation and apply the escapes.
        let out = self.dedent(body, close, prefix_end, |reader, out| {
            reader.string_line(open, Some(out))
        })?;
        let (end, _) = self.closing_whitespace(close);
        self.pos = end + 3;
        Ok(out)
    }

    /// The text of a multi-line string's lines from `body` to the closing line at `close`, whose
    /// whitespace (up to `prefix_end`) every other line must start with and loses; blank lines
    /// are empty. `line` reads one line's text after its indentation, through its newline.
    fn dedent(
        &mut self,
        body: usize,
        close: usize,
        prefix_end: usize,
        mut line: impl FnMut(&mut Self, &mut String) -> Result<()>,
    ) -> Result<String> {
        let prefix = &self.text[close..prefix_end];
        self.pos = body;
        let mut out = String::new();
        while self.pos < close {
            let start = self.pos;
            let indented = self.bytes[start..].starts_with(prefix.as_bytes());
            if indented {
                self.pos += prefix.len();
            }
            if self.blank_line() {
                out.push('\n');
                continue;
            }
            if !indented {
                return Err(Box::new(not_indented(start, prefix)));
            }
            line(self, &mut out)?;
            out.push('\n');
        }
        out.pop();
        Ok(out)
    }

    /// Skips `unicode-space* newline` if the line at the cursor is blank; returns whether it was.
    fn blank_line(&mut self) -> bool {
        let start = self.pos;
        while let Some(n) = self.space_len() {
            self.pos += n;
        }
        if let Some(n) = self.newline_len() {
            self.pos += n;
            return true;
        }
        self.pos = start;
        false
    }

    /// One line of a `"""` string, through its newline (escaped newlines continue the line),
    /// appending its text to `out` when given.
    fn string_line(&mut self, open: usize, mut out: Option<&mut String>) -> Result<()> {
        loop {
            let run = self.pos;
            self.string_run();
            if let Some(out) = out.as_deref_mut() {
                out.push_str(&self.text[run..self.pos]);
            }
            match self.peek() {
                None => return Err(Box::new(unclosed_string(open))),
                Some(b'"') => {
                    if self.looking_at(b"\"\"\"") {
                        return Err(Box::new(self.error_at(self.pos, "the closing `\"\"\"` of a multi-line string must be on its own line")
                            .help("start a new line before `\"\"\"`, or escape a quote as `\\\"`")));
                    }
                    self.pos += 1;
                    if let Some(out) = out.as_deref_mut() {
                        out.push('"');
                    }
                }
                Some(b'\\') => {
                    let c = self.escape()?;
                    if let (Some(out), Some(c)) = (out.as_deref_mut(), c) {
                        out.push(c);
                    }
                }
                Some(_) => {
                    let Some(n) = self.newline_len() else {
                        return Err(Box::new(self.disallowed(self.pos)));
                    };
                    self.pos += n;
                    return Ok(());
                }
            }
        }
    }

    /// A raw string at the cursor: `#"…"#`, with any number of `#`, or `#"""…"""#`.
    pub fn raw_string(&mut self) -> Result<Cow<'a, str>> {
        let open = self.pos;
        let hashes = self.bytes[open..]
            .iter()
            .take_while(|&&b| b == b'#')
            .count();
        self.pos += hashes;
        if self.peek() != Some(b'"') {
            return Err(Box::new(self
                .unexpected(self.pos, "`\"` after the `#`s of a raw string")
                .help("a raw string is written #\"text\"#; keywords are #true, #false, #null, #inf, #-inf and #nan")));
        }
        if self.looking_at(b"\"\"\"") && self.newline_len_at(self.pos + 3).is_some() {
            return self.multi_line_raw_string(open, hashes).map(Cow::Owned);
        }
        self.pos += 1;
        let start = self.pos;
        loop {
            let Some(&b) = self.bytes.get(self.pos) else {
                return Err(Box::new(unclosed_raw(open, hashes)));
            };
            if b == b'"' && self.closes_raw(self.pos + 1, hashes) {
                break;
            }
            let cls = class(b);
            if cls & SPECIAL == 0 {
                self.pos += 1;
                continue;
            }
            let c = self.char_at(self.pos).unwrap_or('\0');
            if chars::is_newline(c) {
                return Err(Box::new(self.error_at(self.pos, "a raw string ends at the end of its line")
                    .help("close it with `\"` and its `#`s; a raw string spanning lines is written #\"\"\" on its own line, the text, then \"\"\"#")));
            }
            if chars::is_disallowed(c) {
                return Err(Box::new(self.disallowed(self.pos)));
            }
            self.pos += c.len_utf8();
        }
        let text = self.text;
        let body = &text[start..self.pos];
        self.pos += 1 + hashes;
        let b = body.as_bytes();
        if b.first() == Some(&b'"') && b.get(1).is_none_or(|&c| c == b'"') {
            return Err(Box::new(ReadError::new(open..self.pos, "a raw string on one line cannot start with `\"\"`")
                .help("it reads like a multi-line string's `\"\"\"`; put the text on its own lines (`#\"\"\"`, newline, text, newline, `\"\"\"#`) or use a quoted string with `\\\"`")));
        }
        Ok(Cow::Borrowed(body))
    }

    /// Whether `hashes` `#`s follow at `at`.
    fn closes_raw(&self, at: usize, hashes: usize) -> bool {
        self.bytes
            .get(at..at + hashes)
            .is_some_and(|h| h.iter().all(|&b| b == b'#'))
    }

    /// A `#"""` raw string, after its `#`s: no escapes, the same indentation rules.
    fn multi_line_raw_string(&mut self, open: usize, hashes: usize) -> Result<String> {
        self.pos += 3;
        self.pos += self.newline_len().unwrap_or(0);
        let body = self.pos;
        let (close, prefix_end) = loop {
            let line = self.pos;
            while let Some(n) = self.space_len() {
                self.pos += n;
            }
            if self.looking_at(b"\"\"\"") && self.closes_raw(self.pos + 3, hashes) {
                break (line, self.pos);
            }
            self.pos = line;
            self.raw_line(open, hashes)?;
        };
        let out = self.dedent(body, close, prefix_end, |reader, out| {
            let start = reader.pos;
            let end = reader.raw_line(open, hashes)?;
            out.push_str(&reader.text[start..end]);
            Ok(())
        })?;
        self.pos = prefix_end + 3 + hashes;
        Ok(out)
    }

    /// One line of a `#"""` string through its newline; returns where its text ends.
    fn raw_line(&mut self, open: usize, hashes: usize) -> Result<usize> {
        loop {
            let Some(&b) = self.bytes.get(self.pos) else {
                return Err(Box::new(unclosed_raw(open, hashes)));
            };
            if b == b'"' && self.looking_at(b"\"\"\"") && self.closes_raw(self.pos + 3, hashes) {
                return Err(Box::new(
                    self.error_at(
                        self.pos,
                        "the closing `\"\"\"#` of a multi-line raw string must be on its own line",
                    )
                    .help("start a new line before the closing quotes"),
                ));
            }
            let cls = class(b);
            if cls & SPECIAL == 0 {
                self.pos += 1;
                continue;
            }
            let c = self.char_at(self.pos).unwrap_or('\0');
            if chars::is_disallowed(c) {
                return Err(Box::new(self.disallowed(self.pos)));
            }
            if cls == NEWLINE || chars::is_newline(c) {
                let end = self.pos;
                self.pos += self.newline_len().unwrap_or(1);
                return Ok(end);
            }
            self.pos += c.len_utf8();
        }
    }
}

/// The error for a quoted string that reaches the end of the input.
fn unclosed_string(open: usize) -> ReadError {
    ReadError::new(open..open + 1, "this string is never closed")
        .help("end it with `\"`; a `\"` inside a string is written `\\\"`")
}

/// The error for a raw string that reaches the end of the input.
fn unclosed_raw(open: usize, hashes: usize) -> ReadError {
    ReadError::new(open..open + hashes + 1, "this raw string is never closed").help(format!(
        "end it with `\"` and {hashes} `#`, as it was opened"
    ))
}

/// The error for a line of a multi-line string without the closing line's indentation.
fn not_indented(line: usize, prefix: &str) -> ReadError {
    ReadError::new(
        line..line,
        "this line of a multi-line string is indented less than its closing quotes",
    )
    .help(format!(
        "every line must start with the whitespace before the closing `\"\"\"` ({} characters, exactly as written)",
        prefix.chars().count()
    ))
}
