//! The cursor over the text, and everything that is not a value: unicode spaces, newlines,
//! `//` and nested `/* */` comments, and `\` line continuations.

use super::chars::{self, BAD, CHECK, NEWLINE, SPACE, SPECIAL, class};
use super::{ReadError, Result};

/// A position in the text, moved forward by the scanning functions.
pub struct Reader<'a> {
    /// The whole input.
    pub text: &'a str,
    /// The same, as bytes.
    pub bytes: &'a [u8],
    /// The next byte to read; always on a character boundary.
    pub pos: usize,
}

impl<'a> Reader<'a> {
    /// A reader at the start of `text`.
    pub fn new(text: &'a str) -> Self {
        Reader {
            text,
            bytes: text.as_bytes(),
            pos: 0,
        }
    }

    /// The byte at the cursor.
    #[inline(always)]
    pub fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// The byte `n` after the cursor.
    #[inline(always)]
    pub fn peek_at(&self, n: usize) -> Option<u8> {
        self.bytes.get(self.pos + n).copied()
    }

    /// The character at byte offset `at` (which must be a character boundary).
    #[inline]
    pub fn char_at(&self, at: usize) -> Option<char> {
        self.text.get(at..).and_then(|rest| rest.chars().next())
    }

    /// Whether the text at the cursor starts with `s`.
    #[inline]
    pub fn looking_at(&self, s: &[u8]) -> bool {
        self.bytes
            .get(self.pos..)
            .is_some_and(|rest| rest.starts_with(s))
    }

    /// An error about the character at `at`.
    pub fn error_at(&self, at: usize, message: impl Into<String>) -> ReadError {
        let len = self.char_at(at).map_or(0, char::len_utf8);
        ReadError::new(at..at + len, message)
    }

    /// The error for a disallowed code point at `at`.
    pub fn disallowed(&self, at: usize) -> ReadError {
        let c = self.char_at(at).unwrap_or('\0');
        self.error_at(
            at,
            format!(
                "the character {} is not allowed in a KDL document",
                chars::code_point(c)
            ),
        )
        .help("write it as an escape such as `\\u{7f}` inside a quoted string, or remove it")
    }

    /// The error for an unexpected character at `at` (or the end of the input).
    pub fn unexpected(&self, at: usize, expected: &str) -> ReadError {
        match self.char_at(at) {
            None => ReadError::new(
                at..at,
                format!("unexpected end of input: expected {expected}"),
            ),
            Some(c) if chars::is_disallowed(c) => self.disallowed(at),
            Some(c) if chars::is_newline(c) => {
                self.error_at(at, format!("unexpected end of line: expected {expected}"))
            }
            Some(c) => self.error_at(
                at,
                format!("unexpected `{}`: expected {expected}", c.escape_debug()),
            ),
        }
    }

    /// The length of the `unicode-space` at the cursor, if there is one.
    #[inline]
    pub fn space_len(&self) -> Option<usize> {
        self.space_len_at(self.pos)
    }

    /// The length of the `unicode-space` at `at`, if there is one.
    #[inline]
    pub fn space_len_at(&self, at: usize) -> Option<usize> {
        let b = *self.bytes.get(at)?;
        if class(b) == SPACE {
            return Some(1);
        }
        if class(b) == CHECK {
            let c = self.char_at(at)?;
            if chars::is_unicode_space(c) {
                return Some(c.len_utf8());
            }
        }
        None
    }

    /// The length of the `newline` at the cursor (2 for CRLF), if there is one.
    #[inline]
    pub fn newline_len(&self) -> Option<usize> {
        self.newline_len_at(self.pos)
    }

    /// The length of the `newline` at `at` (2 for CRLF), if there is one.
    #[inline]
    pub fn newline_len_at(&self, at: usize) -> Option<usize> {
        let b = *self.bytes.get(at)?;
        if class(b) == NEWLINE {
            let crlf = b == b'\r' && self.bytes.get(at + 1) == Some(&b'\n');
            return Some(if crlf { 2 } else { 1 });
        }
        if class(b) == CHECK {
            let c = self.char_at(at)?;
            if chars::is_newline(c) {
                return Some(c.len_utf8());
            }
        }
        None
    }

    /// Skips `ws*`: unicode spaces and `/* */` comments. Returns whether it moved.
    pub fn ws(&mut self) -> Result<bool> {
        let start = self.pos;
        loop {
            match self.peek() {
                Some(b' ' | b'\t') => {
                    // Indentation: a run of spaces.
                    self.pos += 1;
                    while self.peek() == Some(b' ') {
                        self.pos += 1;
                    }
                }
                Some(b'/') if self.peek_at(1) == Some(b'*') => self.block_comment()?,
                Some(b) if class(b) == CHECK => match self.space_len() {
                    Some(n) => self.pos += n,
                    None => break,
                },
                _ => break,
            }
        }
        Ok(self.pos > start)
    }

    /// Skips `node-space*`: spaces, `/* */` comments and line continuations. Returns whether it
    /// moved.
    pub fn node_space(&mut self) -> Result<bool> {
        let start = self.pos;
        loop {
            self.ws()?;
            if self.peek() == Some(b'\\') {
                self.escline()?;
            } else {
                break;
            }
        }
        Ok(self.pos > start)
    }

    /// Skips `line-space*`: node space, newlines and `//` comments.
    pub fn line_space(&mut self) -> Result<()> {
        loop {
            self.node_space()?;
            if let Some(n) = self.newline_len() {
                self.pos += n;
            } else if self.looking_at(b"//") {
                self.line_comment()?;
            } else {
                return Ok(());
            }
        }
    }

    /// `escline := '\' ws* (single-line-comment | newline | eof)`, at a `\`.
    fn escline(&mut self) -> Result<()> {
        let backslash = self.pos;
        self.pos += 1;
        self.ws()?;
        if let Some(n) = self.newline_len() {
            self.pos += n;
        } else if self.looking_at(b"//") {
            self.line_comment()?;
        } else if self.peek().is_some() {
            return Err(Box::new(self
                .error_at(backslash, "a `\\` outside a string must end its line")
                .help("a `\\` continues a node on the next line; only spaces or a comment may follow it on its line")));
        }
        Ok(())
    }

    /// Skips a `//` comment and the newline that ends it.
    pub fn line_comment(&mut self) -> Result<()> {
        self.pos += 2;
        while let Some(&byte) = self.bytes.get(self.pos) {
            if class(byte) & SPECIAL == 0 {
                self.pos += 1;
                continue;
            }
            if class(byte) == NEWLINE {
                self.pos += self.newline_len().unwrap_or(1);
                return Ok(());
            }
            if class(byte) == BAD {
                return Err(Box::new(self.disallowed(self.pos)));
            }
            let c = self.char_at(self.pos).unwrap_or('\0');
            if chars::is_disallowed(c) {
                return Err(Box::new(self.disallowed(self.pos)));
            }
            self.pos += c.len_utf8();
            if chars::is_newline(c) {
                return Ok(());
            }
        }
        Ok(())
    }

    /// Skips a `/* */` comment, which may nest, at its `/*`.
    fn block_comment(&mut self) -> Result<()> {
        let open = self.pos;
        self.pos += 2;
        let mut depth = 1usize;
        while let Some(&byte) = self.bytes.get(self.pos) {
            match byte {
                b'*' if self.peek_at(1) == Some(b'/') => {
                    self.pos += 2;
                    depth -= 1;
                    if depth == 0 {
                        return Ok(());
                    }
                }
                b'/' if self.peek_at(1) == Some(b'*') => {
                    self.pos += 2;
                    depth += 1;
                }
                _ if class(byte) == BAD => return Err(Box::new(self.disallowed(self.pos))),
                _ if class(byte) == CHECK => {
                    let c = self.char_at(self.pos).unwrap_or('\0');
                    if chars::is_disallowed(c) {
                        return Err(Box::new(self.disallowed(self.pos)));
                    }
                    self.pos += c.len_utf8();
                }
                _ => self.pos += 1,
            }
        }
        Err(Box::new(
            ReadError::new(open..open + 2, "this comment is never closed").help(
                "end it with `*/`; comments nest, so every `/*` inside it needs its own `*/`",
            ),
        ))
    }

    /// Whether the cursor is where a value may end: a space, newline, comment, slashdash, line
    /// continuation, `;`, `=`, `)`, `{`, `}` or the end of the input.
    #[inline]
    pub fn at_value_end(&self) -> bool {
        let Some(b) = self.peek() else {
            return true;
        };
        match b {
            b' ' | b'\t' | b'\n' | b'\r' | 0x0B | 0x0C => true,
            b';' | b'=' | b')' | b'{' | b'}' | b'\\' => true,
            b'/' => matches!(self.peek_at(1), Some(b'*' | b'/' | b'-')),
            _ if class(b) == CHECK => self.space_len().is_some() || self.newline_len().is_some(),
            _ => false,
        }
    }

    /// The error for a value that runs into the next character.
    pub fn value_end_error(&self) -> ReadError {
        let at = self.pos;
        match self.char_at(at) {
            Some(c) if chars::is_disallowed(c) => self.disallowed(at),
            Some(c) => self
                .error_at(at, format!("unexpected `{}` right after a value", c.escape_debug()))
                .help("separate values with a space; values with dots, slashes, spaces or punctuation need double quotes"),
            None => ReadError::new(at..at, "unexpected end of input"),
        }
    }
}
