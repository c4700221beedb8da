//! Character classes of KDL 2.0: unicode spaces, newlines, identifier characters and the code
//! points a document may not contain.
//!
//! Scanning is byte by byte through [`CLASS`]; only the few non-ASCII lead bytes that can start a
//! special character (a space, a newline or a disallowed code point) are decoded.

/// `\t` and ` `.
pub const SPACE: u8 = 1;
/// `\n`, `\r`, vertical tab and form feed.
pub const NEWLINE: u8 = 2;
/// ASCII characters that end an identifier: `\ / ( ) { } ; [ ] " # =`.
pub const PUNCT: u8 = 4;
/// Disallowed ASCII: controls other than whitespace and newlines, and delete.
pub const BAD: u8 = 8;
/// A non-ASCII lead byte that may start a space, newline or disallowed character: decode it.
pub const CHECK: u8 = 16;
/// A byte of an identifier: printable ASCII other than punctuation, and every byte of a
/// non-ASCII character that is none of the special ones.
pub const IDENT: u8 = 32;
/// Bytes that a string or comment scanner must look at: quotes and backslashes are added by
/// the scanners that care about them.
pub const SPECIAL: u8 = NEWLINE | BAD | CHECK;

/// The class of every byte.
pub static CLASS: [u8; 256] = build_table();

const fn build_table() -> [u8; 256] {
    let mut table = [0u8; 256];
    let mut b = 0usize;
    while b < 256 {
        table[b] = match b as u8 {
            b'\t' | b' ' => SPACE,
            b'\n' | b'\r' | 0x0B | 0x0C => NEWLINE,
            0x00..=0x08 | 0x0E..=0x1F | 0x7F => BAD,
            b'\\' | b'/' | b'(' | b')' | b'{' | b'}' | b';' | b'[' | b']' | b'"' | b'#' | b'=' => {
                PUNCT
            }
            // Lead bytes of U+0080–U+00BF (NEL, NBSP), U+1680, U+2000–U+2FFF, U+3000, U+FEFF.
            0xC2 | 0xE1 | 0xE2 | 0xE3 | 0xEF => CHECK,
            _ => IDENT,
        };
        b += 1;
    }
    table
}

/// The class of a byte.
#[inline(always)]
pub fn class(b: u8) -> u8 {
    CLASS[b as usize]
}

/// `unicode-space`: a whitespace character that is not a newline.
#[inline]
pub fn is_unicode_space(c: char) -> bool {
    matches!(
        c,
        '\t' | ' ' | '\u{A0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}'
    )
}

/// A character that starts a `newline` (CR also starts CRLF).
#[inline]
pub fn is_newline(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

/// A code point that may not appear literally anywhere in a document (a BOM is allowed only as
/// the first character, which the reader skips before it scans).
#[inline]
pub fn is_disallowed(c: char) -> bool {
    matches!(
        c,
        '\u{0}'..='\u{8}'
            | '\u{E}'..='\u{1F}'
            | '\u{7F}'
            | '\u{200E}'
            | '\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

/// `identifier-char`: anything but spaces, newlines, `\/(){};[]"#=` and disallowed code points.
#[inline]
pub fn is_identifier_char(c: char) -> bool {
    if c.is_ascii() {
        return class(c as u8) == IDENT;
    }
    !(is_unicode_space(c) || is_newline(c) || is_disallowed(c))
}

/// How a disallowed character is named in a message: `U+200E`.
pub fn code_point(c: char) -> String {
    format!("U+{:04X}", u32::from(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_agrees_with_the_predicates() {
        for b in 0u8..0x80 {
            let c = char::from(b);
            let cls = class(b);
            assert_eq!(cls == SPACE, is_unicode_space(c), "{b:#x}");
            assert_eq!(cls == NEWLINE, is_newline(c), "{b:#x}");
            assert_eq!(cls == BAD, is_disallowed(c), "{b:#x}");
            assert_eq!(cls == IDENT, is_identifier_char(c), "{b:#x}");
        }
        // Every special non-ASCII character starts with a CHECK byte.
        for c in [
            '\u{85}', '\u{A0}', '\u{1680}', '\u{2000}', '\u{200A}', '\u{200E}', '\u{2028}',
        ]
        .into_iter()
        .chain([
            '\u{202A}', '\u{202F}', '\u{205F}', '\u{2066}', '\u{3000}', '\u{FEFF}',
        ]) {
            let mut buf = [0u8; 4];
            let lead = c.encode_utf8(&mut buf).as_bytes()[0];
            assert_eq!(class(lead), CHECK, "{c:?}");
            assert!(!is_identifier_char(c), "{c:?}");
        }
        assert!(is_identifier_char('é'));
        assert!(is_identifier_char('\u{2030}'));
    }
}
