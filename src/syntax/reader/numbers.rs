//! Numbers — decimal with `_`, a sign, a fraction and an exponent; `0x`, `0o` and `0b` integers —
//! and the `#` keywords: `#true`, `#false`, `#null`, `#inf`, `#-inf`, `#nan`.

use super::chars::{self, CHECK, IDENT, class};
use super::lexer::Reader;
use super::tree::Stored;
use super::{ReadError, Result};

impl Reader<'_> {
    /// A number at the cursor: a digit, or a sign before a digit.
    pub fn number(&mut self) -> Result<Stored> {
        let start = self.pos;
        let negative = match self.peek() {
            Some(b'-') => {
                self.pos += 1;
                true
            }
            Some(b'+') => {
                self.pos += 1;
                false
            }
            _ => false,
        };
        let radix = match (self.peek(), self.peek_at(1)) {
            (Some(b'0'), Some(b'x')) => 16,
            (Some(b'0'), Some(b'o')) => 8,
            (Some(b'0'), Some(b'b')) => 2,
            _ => 10,
        };
        if radix != 10 {
            self.pos += 2;
            let digits = self.pos;
            if !self.peek().is_some_and(|b| char::from(b).is_digit(radix)) {
                return Err(Box::new(self.not_a_number(start)));
            }
            while self
                .peek()
                .is_some_and(|b| b == b'_' || char::from(b).is_digit(radix))
            {
                self.pos += 1;
            }
            if !self.at_value_end() {
                return Err(Box::new(self.not_a_number(start)));
            }
            return self.integer(start, digits, radix, negative);
        }
        let digits = self.pos;
        self.decimal_digits(start)?;
        let mut float = false;
        if self.peek() == Some(b'.') {
            float = true;
            self.pos += 1;
            self.decimal_digits(start)?;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            float = true;
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            self.decimal_digits(start)?;
        }
        if !self.at_value_end() {
            return Err(Box::new(self.not_a_number(start)));
        }
        if !float {
            return self.integer(start, digits, 10, negative);
        }
        let written = &self.text[start..self.pos];
        let parsed = if written.contains('_') {
            written.replace('_', "").parse::<f64>()
        } else {
            written.parse::<f64>()
        };
        parsed
            .map(Stored::Float)
            .map_err(|_| Box::new(self.not_a_number(start)))
    }

    /// `digit (digit | '_')*` at the cursor.
    fn decimal_digits(&mut self, start: usize) -> Result<()> {
        if !self.peek().is_some_and(|b| b.is_ascii_digit()) {
            return Err(Box::new(self.not_a_number(start)));
        }
        while self.peek().is_some_and(|b| b == b'_' || b.is_ascii_digit()) {
            self.pos += 1;
        }
        Ok(())
    }

    /// The integer whose digits (and `_`s) run from `digits` to the cursor.
    fn integer(&self, start: usize, digits: usize, radix: u32, negative: bool) -> Result<Stored> {
        let mut value: i128 = 0;
        for &b in &self.bytes[digits..self.pos] {
            let Some(d) = char::from(b).to_digit(radix) else {
                continue;
            };
            value = value
                .checked_mul(i128::from(radix))
                .and_then(|v| v.checked_add(i128::from(d)))
                .ok_or_else(|| {
                    ReadError::new(start..self.pos, "this integer is too large")
                        .help("integers must fit in 128 bits; write a decimal number (`1.0e40`) or a string")
                })?;
        }
        Ok(Stored::Integer(if negative { -value } else { value }))
    }

    /// The error for a token that starts like a number and is not one.
    pub fn not_a_number(&self, start: usize) -> ReadError {
        let end = self.token_end(start);
        // What ended the token may be a character nobody can see (a NUL): name it, rather than
        // call the digits before it no number.
        if let Some(c) = self.char_at(end)
            && super::chars::is_disallowed(c)
        {
            return self.disallowed(end);
        }
        let token = &self.text[start..end];
        ReadError::new(start..end.max(start + 1), format!("`{token}` is not a number"))
            .help(format!("numbers are written 42, -1.5, 1e3, 0xff, 0o17 or 0b101 (with `_` allowed between digits); a value starting with a digit or a sign and a digit is read as a number, so write \"{token}\" for a string"))
    }

    /// Where the word starting at `start` ends: at a space, newline or punctuation.
    fn token_end(&self, start: usize) -> usize {
        let mut end = start;
        while let Some(&b) = self.bytes.get(end) {
            let cls = class(b);
            if cls == IDENT || (b == b'#' && end == start) {
                end += 1;
            } else if cls == CHECK {
                match self.char_at(end) {
                    Some(c) if chars::is_identifier_char(c) => end += c.len_utf8(),
                    _ => break,
                }
            } else {
                break;
            }
        }
        end
    }

    /// A keyword at a `#` that does not start a raw string.
    pub fn keyword(&mut self) -> Result<Stored> {
        let start = self.pos;
        let end = self.token_end(start);
        let value = match &self.text[start..end] {
            "#true" => Stored::Bool(true),
            "#false" => Stored::Bool(false),
            "#null" => Stored::Null,
            "#inf" => Stored::Float(f64::INFINITY),
            "#-inf" => Stored::Float(f64::NEG_INFINITY),
            "#nan" => Stored::Float(f64::NAN),
            word => {
                return Err(Box::new(ReadError::new(
                    start..end.max(start + 1),
                    format!("`{word}` is not a keyword"),
                )
                .help("the keywords are #true, #false, #null, #inf, #-inf and #nan; a string starting with `#` needs double quotes")));
            }
        };
        self.pos = end;
        if !self.at_value_end() {
            return Err(Box::new(self.value_end_error()));
        }
        Ok(value)
    }
}
