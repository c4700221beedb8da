//! The formatter behind `windlass fmt`: one canonical layout for a description, keeping comments.
//!
//! The layout changes only whitespace, never a token: each line is indented four spaces per open
//! block (a `\` continuation line one level more), trailing whitespace goes, runs of blank lines
//! become one, blank lines after `{`, before `}` and at the ends of the file go, lines end in
//! `\n` and the file ends with one. Spacing inside a line is kept.
//!
//! Why not `kdl`'s `autoformat`: in kdl 6.7 it drops comments after a node on the same line
//! (`image "a:1" // pinned`) and after a closing `}`, the slashdashed entries and children blocks
//! (`port /-81 82`, `service c /-{ … }`) and comments between entries, every blank line, and the
//! indentation inside block comments and slashdashed nodes; it also rewrites `"""` strings as one
//! escaped line and joins `\` continuation lines. A formatter that loses what the user wrote cannot
//! run on every commit.
//!
//! Lines that start inside a multi-line string or block comment move by as much as the line that
//! opened it, so a `"""` body keeps its place relative to its node (and its value, since the
//! closing line moves with it). Before anything is written the result is re-parsed: it must hold
//! the same KDL document and the same non-whitespace characters (so every comment), or the file is
//! left alone.

use crate::diag::Diagnostic;
use crate::source::Sources;

/// What formatting a description gives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Formatted {
    /// It is already in the canonical layout.
    Unchanged,
    /// Its text in the canonical layout.
    Changed(String),
}

/// Why a description cannot be formatted.
#[derive(Clone, Debug)]
pub enum Unformattable {
    /// It is not valid KDL: the syntax errors, sorted.
    Syntax(Vec<Diagnostic>),
    /// The new layout would not hold the same document: a bug of the formatter, caught.
    MeaningChanged,
}

/// The description `text` (shown as `name` in diagnostics) in the canonical layout.
pub fn format(name: &str, text: &str) -> Result<Formatted, Unformattable> {
    let mut sources = Sources::new();
    let id = sources.add(name, name, text.to_owned());
    let doc = match super::parse::parse(&sources, id) {
        Ok(doc) => doc,
        Err(found) => return Err(Unformattable::Syntax(found.into_sorted(&sources))),
    };
    let formatted = layout(text);
    if formatted == text {
        return Ok(Formatted::Unchanged);
    }
    if !same_meaning(&doc, text, &formatted) {
        return Err(Unformattable::MeaningChanged);
    }
    Ok(Formatted::Changed(formatted))
}

/// A unified diff from the file to its formatted text, as `patch -p0` reads it.
pub fn unified_diff(name: &str, before: &str, after: &str) -> String {
    similar::TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(3)
        .header(name, name)
        .to_string()
}

/// Whether `after` holds what `before` (parsed: `doc`) holds: the same KDL document (names,
/// values, types, structure) and the same characters apart from whitespace, so every comment and
/// slashdash. `after` is read by the compiler's own parser, as `before` was.
fn same_meaning(doc: &super::reader::Document, before: &str, after: &str) -> bool {
    let visible = |s: &str| -> String { s.chars().filter(|c| !c.is_whitespace()).collect() };
    if visible(before) != visible(after) {
        return false;
    }
    let mut sources = Sources::new();
    let id = sources.add("formatted", "formatted", after.to_owned());
    let Ok(reparsed) = super::parse::parse(&sources, id) else {
        return false;
    };
    doc.same_content(&reparsed)
}

/// What a line starts (or ends) inside.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Nodes, entries, braces: the layout may change the whitespace around them.
    Code,
    /// A `/* … */` comment, nested this deep.
    BlockComment(usize),
    /// A `"…"` string (spanning lines through a `\` escape) or a `"""` one.
    Quoted {
        /// `"""`.
        multi: bool,
    },
    /// A `#"…"#` string with this many `#`.
    Raw {
        /// The number of `#` on each side.
        hashes: usize,
        /// `#"""`.
        multi: bool,
    },
}

/// One `\n`-terminated line, as the scanner saw it.
#[derive(Debug)]
struct Line<'a> {
    /// The text, without its `\n`.
    text: &'a str,
    /// What the line starts inside.
    start: State,
    /// What its last character is inside.
    end: State,
    /// Blocks open at the start of the line.
    depth: usize,
    /// The `}` that open the line.
    closers: usize,
    /// The last token (comments aside) is `{`.
    opens_block: bool,
    /// It ends in a `\` line continuation: the node goes on on the next line.
    continues: bool,
}

impl Line<'_> {
    /// Whether the line holds only spaces and tabs.
    fn is_blank(&self) -> bool {
        self.text.trim_matches(is_space).is_empty()
    }

    /// Its indentation, in spaces, when it is only spaces.
    fn indent(&self) -> Option<usize> {
        let lead = &self.text[..self.text.len() - self.text.trim_start_matches(is_space).len()];
        lead.bytes().all(|b| b == b' ').then_some(lead.len())
    }

    /// The spaces that open the line.
    fn indent_spaces(&self) -> usize {
        self.text.bytes().take_while(|&b| b == b' ').count()
    }
}

/// Spaces and tabs: the whitespace the layout adds and removes.
fn is_space(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// KDL's newlines other than `\n`, which end a `//` comment.
fn ends_comment(c: char) -> bool {
    matches!(
        c,
        '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

/// Splits `text` into lines and records what each starts inside, how deep it is, and how it ends.
fn scan(text: &str) -> Vec<Line<'_>> {
    let mut state = State::Code;
    let mut depth = 0usize;
    let mut lines = Vec::new();
    for text in text.split('\n') {
        let mut line = Line {
            text,
            start: state,
            end: state,
            depth,
            closers: 0,
            opens_block: false,
            continues: false,
        };
        let b = text.as_bytes();
        let mut seen_token = false;
        let mut i = 0;
        while i < b.len() {
            let rest = &text[i..];
            match state {
                State::Code => match b[i] {
                    b'/' if rest.starts_with("//") => {
                        i += rest.find(ends_comment).unwrap_or(rest.len());
                        seen_token = true;
                        continue;
                    }
                    b'/' if rest.starts_with("/*") => {
                        state = State::BlockComment(1);
                        seen_token = true;
                        i += 2;
                        continue;
                    }
                    b'{' => {
                        depth += 1;
                        line.opens_block = true;
                        line.continues = false;
                    }
                    b'}' => {
                        depth = depth.saturating_sub(1);
                        if !seen_token {
                            line.closers += 1;
                        }
                        line.opens_block = false;
                        line.continues = false;
                    }
                    b'"' => {
                        let multi = rest.starts_with("\"\"\"");
                        state = State::Quoted { multi };
                        line.opens_block = false;
                        line.continues = false;
                        seen_token = true;
                        i += if multi { 3 } else { 1 };
                        continue;
                    }
                    b'#' => {
                        let hashes = rest.bytes().take_while(|&c| c == b'#').count();
                        line.opens_block = false;
                        line.continues = false;
                        seen_token = true;
                        let after = &rest[hashes..];
                        if after.starts_with('"') {
                            let multi = after.starts_with("\"\"\"");
                            state = State::Raw { hashes, multi };
                            i += hashes + if multi { 3 } else { 1 };
                        } else {
                            i += hashes;
                        }
                        continue;
                    }
                    b'\\' => {
                        line.continues = true;
                        line.opens_block = false;
                        seen_token = true;
                    }
                    // Spaces, and the newlines that end a `//` comment inside a `\n` line.
                    b' ' | b'\t' | b'\r' | 0x0B | 0x0C => {}
                    _ => {
                        line.opens_block = false;
                        line.continues = false;
                        seen_token = true;
                    }
                },
                State::BlockComment(nest) => {
                    if rest.starts_with("/*") {
                        state = State::BlockComment(nest + 1);
                        i += 2;
                        continue;
                    }
                    if rest.starts_with("*/") {
                        state = if nest > 1 {
                            State::BlockComment(nest - 1)
                        } else {
                            State::Code
                        };
                        i += 2;
                        continue;
                    }
                }
                State::Quoted { multi } => {
                    if b[i] == b'\\' {
                        // Skip the escaped character (the `\n` of an escaped newline is not in
                        // `text`: the next line starts inside the string).
                        i += 1 + rest[1..].chars().next().map_or(0, char::len_utf8);
                        continue;
                    }
                    let close = if multi { "\"\"\"" } else { "\"" };
                    if rest.starts_with(close) {
                        state = State::Code;
                        i += close.len();
                        continue;
                    }
                }
                State::Raw { hashes, multi } => {
                    let quotes = if multi { "\"\"\"" } else { "\"" };
                    if let Some(after) = rest.strip_prefix(quotes)
                        && after.bytes().take(hashes).filter(|&c| c == b'#').count() == hashes
                    {
                        state = State::Code;
                        i += quotes.len() + hashes;
                        continue;
                    }
                }
            }
            // Advance by one character, not one byte: `rest` must start on a boundary.
            i += rest.chars().next().map_or(1, char::len_utf8);
        }
        line.end = state;
        lines.push(line);
    }
    lines
}

/// The canonical layout of a KDL text (see the module documentation). Changes only whitespace.
fn layout(text: &str) -> String {
    let (bom, body) = match text.strip_prefix('\u{FEFF}') {
        Some(rest) => ("\u{FEFF}", rest),
        None => ("", text),
    };
    // Lines end in `\n`, whatever ended them: CRLF, and a CR alone (which KDL reads as a line
    // break too; a file of CR-only lines was otherwise one long line, changed by every run).
    let body = body.replace("\r\n", "\n").replace('\r', "\n");
    let lines = scan(body.strip_suffix('\n').unwrap_or(&body));
    let shifts = shifts(&lines);

    // Whether the next line with text closes a block (`None`: there is none), for each line.
    let mut next_closes: Vec<Option<bool>> = vec![None; lines.len()];
    let mut upcoming = None;
    for (i, line) in lines.iter().enumerate().rev() {
        next_closes[i] = upcoming;
        if !line.is_blank() {
            upcoming = Some(line.start == State::Code && line.closers > 0);
        }
    }

    let mut out = String::with_capacity(body.len() + bom.len() + 1);
    out.push_str(bom);
    // What was last written: nothing, a blank line, or a line with text (that opens a block?).
    let mut last: Option<Option<bool>> = None;
    for (i, line) in lines.iter().enumerate() {
        let code_start = line.start == State::Code;
        if line.is_blank() {
            // One blank line separates nodes; none opens or closes a block or the file. A blank
            // line that ends a `\` continuation ends the node: it always stays.
            let continued = i > 0 && lines[i - 1].continues;
            let separates = matches!(last, Some(Some(false))) && next_closes[i] == Some(false);
            if !code_start || continued || separates {
                out.push('\n');
                last = Some(None);
            }
            continue;
        }
        let start = out.len();
        if code_start {
            out.push_str(&" ".repeat(indent(&lines, i)));
            out.push_str(line.text.trim_start_matches(is_space));
        } else {
            shift_into(&mut out, line.text, shifts[i]);
        }
        if matches!(line.end, State::Code | State::BlockComment(_)) {
            let kept = out[start..].trim_end_matches(is_space).len();
            out.truncate(start + kept);
        }
        out.push('\n');
        last = Some(Some(line.opens_block));
    }
    out
}

/// The indentation of line `i`, which starts in code: four spaces per open block, not counting
/// the blocks it closes first, and four more when it goes on from a `\` continuation.
fn indent(lines: &[Line<'_>], i: usize) -> usize {
    let continued = i > 0 && lines[i - 1].continues;
    (lines[i].depth.saturating_sub(lines[i].closers) + usize::from(continued)) * 4
}

/// How far each line that starts inside a string or comment moves: as far as the line in code
/// that opened it. A run of such lines moves left only when each of them has the spaces to lose;
/// otherwise it stays where it is.
fn shifts(lines: &[Line<'_>]) -> Vec<isize> {
    let mut shifts: Vec<isize> = vec![0; lines.len()];
    let mut i = 0;
    while i < lines.len() {
        let end = (i + 1..lines.len())
            .find(|&j| lines[j].start == State::Code)
            .unwrap_or(lines.len());
        let new = signed(indent(lines, i));
        let shift = lines[i].indent().map_or(0, |old| new - signed(old));
        let fits = lines[i + 1..end]
            .iter()
            .filter(|l| !l.is_blank())
            .all(|l| shift >= 0 || l.indent_spaces() >= shift.unsigned_abs());
        if fits {
            shifts[i + 1..end].iter_mut().for_each(|s| *s = shift);
        }
        i = end;
    }
    shifts
}

/// Writes a line moved right (`by > 0`) or left by spaces.
fn shift_into(out: &mut String, text: &str, by: isize) {
    if by >= 0 {
        out.push_str(&" ".repeat(by.unsigned_abs()));
        out.push_str(text);
    } else {
        let spaces = text.bytes().take_while(|&b| b == b' ').count();
        out.push_str(&text[spaces.min(by.unsigned_abs())..]);
    }
}

/// A column count as a signed offset (descriptions are far shorter than `isize::MAX`).
fn signed(n: usize) -> isize {
    isize::try_from(n).unwrap_or(isize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Formats and checks the two promises: the meaning is kept, and a second run changes nothing.
    fn fmt(text: &str) -> String {
        let once = layout(text);
        assert!(meaning_kept(text, &once), "meaning changed:\n{once}");
        assert_eq!(layout(&once), once, "not idempotent");
        once
    }

    #[test]
    fn reindents_by_depth_and_keeps_every_comment() {
        let messy = "// header\n\n\n  app x {   // open\n\n service a {\n\timage \"a:1\" // pinned   \n      /-port 80\n   port /-81 82\n  env A=1 /* inline */ B=2\n\n } // after\n  /- service b {\n image \"b\"\n  }\n service c /-{ image \"z\" } {\n  image \"c\"\n  }\n\n\n service d; service e\n\n}\n\n// final\n\n\n";
        assert_eq!(
            fmt(messy),
            "// header\n\napp x {   // open\n    service a {\n        image \"a:1\" // pinned\n        /-port 80\n        port /-81 82\n        env A=1 /* inline */ B=2\n    } // after\n    /- service b {\n        image \"b\"\n    }\n    service c /-{ image \"z\" } {\n        image \"c\"\n    }\n\n    service d; service e\n}\n\n// final\n"
        );
    }

    #[test]
    fn multiline_strings_move_with_their_node_and_keep_their_value() {
        let text = "app x {\nfile \"a\" \"\"\"\n    line one\n      indented\n\n    \"\"\"\n}\n";
        assert_eq!(
            fmt(text),
            "app x {\n    file \"a\" \"\"\"\n        line one\n          indented\n\n        \"\"\"\n}\n"
        );
        // Moving left as far as the body allows.
        let deep = "a {\n            b #\"\"\"\n              x\n              \"\"\"#\n}\n";
        assert_eq!(fmt(deep), "a {\n    b #\"\"\"\n      x\n      \"\"\"#\n}\n");
        // Trailing spaces inside a string are its value.
        let spaces = "a \"\"\"\n  x  \n  \"\"\"\n";
        assert_eq!(fmt(spaces), spaces);
    }

    #[test]
    fn block_comments_move_with_the_line_that_opens_them() {
        let text = "a {\n        /* one\n           two */\n}\n";
        assert_eq!(fmt(text), "a {\n    /* one\n       two */\n}\n");
    }

    #[test]
    fn continuation_lines_are_indented_once_more() {
        let text = "a {\nenv A=1 \\\nB=2 \\ // why\n      C=3\n}\n";
        assert_eq!(
            fmt(text),
            "a {\n    env A=1 \\\n        B=2 \\ // why\n        C=3\n}\n"
        );
    }

    #[test]
    fn a_blank_line_that_ends_a_continued_node_stays() {
        // Removing the blank line would make `b` an argument of `a`.
        for text in ["a \\\n\nb\n", "x {\n    a \\\n\n}\n", "a \\\n\n"] {
            let out = fmt(text);
            assert!(out.contains("\\\n\n"), "{out:?}");
        }
    }

    #[test]
    fn braces_in_strings_and_comments_do_not_count() {
        let text = "a \"{\" #\"}\"# /* { */ {\n// }\nb \"\\\"{\"\n}\n";
        assert_eq!(
            fmt(text),
            "a \"{\" #\"}\"# /* { */ {\n    // }\n    b \"\\\"{\"\n}\n"
        );
    }

    #[test]
    fn line_endings_final_newline_and_bom() {
        assert_eq!(fmt("a {\r\n  b\r\n}"), "a {\n    b\n}\n");
        assert_eq!(fmt("a {\r  b\r}\r"), "a {\n    b\n}\n");
        assert_eq!(
            fmt("a {\r  b // x\r  c\r\n}"),
            "a {\n    b // x\n    c\n}\n"
        );
        assert_eq!(fmt("\u{FEFF}a {\n b\n}\n"), "\u{FEFF}a {\n    b\n}\n");
        assert_eq!(fmt(""), "");
        assert_eq!(fmt("\n\n  \n"), "");
    }

    fn meaning_kept(before: &str, after: &str) -> bool {
        let mut sources = Sources::new();
        let id = sources.add("before", "before", before.to_owned());
        let doc = crate::syntax::parse::parse(&sources, id).expect("valid KDL");
        same_meaning(&doc, before, after)
    }

    #[test]
    fn a_changed_token_is_caught() {
        assert!(!meaning_kept("a 1\n", "a 2\n"));
        assert!(!meaning_kept("a // x\n", "a\n"));
        assert!(!meaning_kept("a \\\n\nb\n", "a \\\nb\n"));
        assert!(!meaning_kept(
            "a \"\"\"\n  x\n  \"\"\"\n",
            "a \"\"\"\n  x\n\"\"\"\n"
        ));
        assert!(meaning_kept("a 1 // x\n", "  a 1   // x\n"));
    }
}
