//! Differential tests: `windlass::syntax::reader` against the `kdl` crate, on the examples, the standard
//! library, every fixture, the KDL specification's test suite, and thousands of generated and
//! mutated documents (a fixed-seed xorshift, each file's mutations seeded by its name: every run
//! reads the same inputs).
//!
//! On each input either both fail, or both read the same document: the same nodes, names, type
//! annotations and values, the same span for every document, node, node name, type annotation,
//! property key and entry, and the same `value_repr` for every entry. Floats compare bit for bit
//! (NaN equal to NaN).
//!
//! Where they disagree the `kdl` crate is wrong by the KDL 2.0 specification, and each such case
//! is recognised precisely by [`known_difference`]:
//!
//! 1. **Zero space before `/-`.** `node "a"/-1`, `node "a"/-k=1`, `node "a" {}/-{}`: the
//!    specification lets a slashdash stand in for the space before an entry or block (suite:
//!    `zero_space_before_slashdash_{arg,prop,children}`); the crate requires a space.
//! 2. **U+007F (delete).** A disallowed code point (suite: `unicode_delete_fail`); the crate
//!    accepts it.
//! 3. **Disallowed code points in comments.** The specification forbids them "anywhere in the
//!    document" (bidirectional overrides hidden in comments are the Trojan Source attack); the
//!    crate skips comments unchecked.
//! 4. **One-line raw strings starting with `""`.** `#"""one line"""#` (suite:
//!    `multiline_raw_string_single_line_err_fail`), also `#""""#`; the crate rejects only `#"""#`.
//! 5. **Floats with more than 38 digits in a part.** The crate reads the integer part, fraction
//!    and exponent of a float into `i128` first and fails on overflow; the specification puts no
//!    limit on digits (`0.1234567890123456789012345678901234567890` is a float).
//! 6. **`-inf` as a bare string.** The specification lists `-inf` among the keyword-like strings
//!    that are not identifiers (`disallowed-keyword-identifiers`); the crate accepts it as the
//!    string "-inf".
//! 7. **Uppercase radix prefixes.** `0X1F`, `0O17`, `0B1`: the grammar has only `0x`, `0o`, `0b`;
//!    the crate accepts both cases.
//! 8. **A commented-out node's block followed by more on its line.** `/-a {} b`: a node, even a
//!    commented-out one, ends after its blocks with a terminator; the crate reads `b` as a node.
//! 9. **A commented-out node ended by `;`.** `/-a; b`: valid (a slashdashed node is a node, and
//!    `;` terminates it); the crate fails on the `;`.
//! 10. **A slashdash on a slashdash.** `node 1 /- /-2 3`: a slashdash comments out the entry,
//!     block or node that follows it (`slashdash := '/-' line-space*`, then the thing itself),
//!     and another `/-` is none of them; the crate reads it as if the first were not there.
//! 11. **Invalid keywords in what a slashdash comments out.** `/-env DEBUG=#trueewa`: what a
//!     slashdash comments out must still be valid KDL, and `#trueewa` is no keyword; the crate
//!     does not check keywords there.
//!
//! Inputs too deep for the `kdl` crate's recursive parser (it overflows the stack on deep blocks,
//! long runs of `/-` and block comments full of `*`) are read by the reader alone, which must not
//! fail other than with an error.

#![allow(
    clippy::disallowed_methods,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests read fixtures and fail loudly"
)]

use std::path::{Path, PathBuf};

use kdl::{KdlDocument, KdlIdentifier, KdlNode, KdlValue};
use miette::SourceSpan;
use windlass::syntax::reader::{self, ReadError};

/// The reader's document as the `kdl` crate's tree, spans and `value_repr` included, which is
/// what is compared.
pub(crate) fn read(text: &str) -> Result<KdlDocument, ReadError> {
    reader::read(text).map(|doc| reader::to_kdl(&doc, text))
}

/// A fixed-seed xorshift64* generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    /// One of the `|`-separated choices.
    fn pick<'a>(&mut self, choices: &'a str) -> &'a str {
        let n = choices.split('|').count();
        choices.split('|').nth(self.below(n)).unwrap_or("")
    }
}

// Choices for the generator, separated by `|`.
const SPACES: &str = " | | |  |\t|\u{A0}|\u{3000}|\u{2009}| /* c */ |/**/| /* a /* nested */ b */ \
                      | \\\n  | \\ // continued\n  | \\\r\n ";
const TERMINATORS: &str =
    "\n|\n|\n|\r\n|\r|\u{85}|\u{0B}|\u{0C}|\u{2028}|\u{2029}| // comment\n|;|; |;\n|\n\n| \n";
const IDENTS: &str = "node|a|image|port|foo-bar|-|--x|+|.|.a|-.b|+.c|é|名前|a1|x.y|😀|true-ish|a,b\
                      |a<b>|@x|$|~|a'b|!|?|*|null_|infinity|nan2|ä\u{301}";
const NUMBERS: &str = "0|1|-1|+1|1_000|1_|0x1F|0xdead_beef|-0x10|+0o17|0b1010|0b1_0|1.5|-1.5e10\
                       |1E-3|1.0e+5|1_2.3_4e5_6|0.0|-0.0|1e400|007|1e0|6.02214076e23\
                       |170141183460469231731687303715884105727\
                       |-170141183460469231731687303715884105727|0x7fffffffffffffffffffffffffffffff";
const KEYWORDS: &str = "#true|#false|#null|#inf|#-inf|#nan";
const QUOTED_PARTS: &str = "text|a b| |\\n|\\t|\\\\|\\\"|\\s|\\b|\\f|\\r|\\u{1F600}|\\u{41}|\\u{0}\
                            |\\   \n   |é|😀|{|}|/*|//|#|=|\u{A0}|k8s.io/name|$(POD_NAME)";

/// A generated document: valid KDL most of the time, with every feature the reader handles.
fn document(rng: &mut Rng) -> String {
    let mut out = String::new();
    if rng.chance(5) {
        out.push('\u{FEFF}');
    }
    let nodes = 1 + rng.below(4);
    for _ in 0..nodes {
        node(rng, &mut out, 0);
    }
    out
}

fn node(rng: &mut Rng, out: &mut String, depth: usize) {
    if rng.chance(20) {
        out.push_str(rng.pick("|  |\t|\n| // c\n|/* c */ "));
    }
    if rng.chance(8) {
        out.push_str(rng.pick("/-|/- |/-\n"));
    }
    if rng.chance(10) {
        type_annotation(rng, out);
    }
    string(rng, out);
    for _ in 0..rng.below(5) {
        out.push_str(rng.pick(SPACES));
        if rng.chance(10) {
            out.push_str(rng.pick("/-|/- "));
        }
        entry(rng, out);
    }
    if depth < 3 && rng.chance(30) {
        if rng.chance(15) {
            out.push_str(" /-{ dropped 1; }");
        }
        out.push_str(rng.pick(" {|{| {\n| { "));
        for _ in 0..rng.below(4) {
            node(rng, out, depth + 1);
        }
        out.push('}');
        if rng.chance(10) {
            out.push_str(" /-{ x }");
        }
    }
    out.push_str(rng.pick(TERMINATORS));
}

fn entry(rng: &mut Rng, out: &mut String) {
    if rng.chance(35) {
        string(rng, out);
        out.push_str(rng.pick("=|=|=| = |= | =|=\\\n "));
    }
    if rng.chance(10) {
        type_annotation(rng, out);
        if rng.chance(20) {
            out.push(' ');
        }
    }
    match rng.below(10) {
        0..=3 => string(rng, out),
        4..=7 => out.push_str(rng.pick(NUMBERS)),
        _ => out.push_str(rng.pick(KEYWORDS)),
    }
}

fn type_annotation(rng: &mut Rng, out: &mut String) {
    out.push('(');
    if rng.chance(10) {
        out.push(' ');
    }
    string(rng, out);
    if rng.chance(10) {
        out.push_str(" /* t */");
    }
    out.push(')');
}

fn string(rng: &mut Rng, out: &mut String) {
    match rng.below(12) {
        0..=5 => out.push_str(rng.pick(IDENTS)),
        6..=8 => {
            out.push('"');
            for _ in 0..rng.below(4) {
                out.push_str(rng.pick(QUOTED_PARTS));
            }
            out.push('"');
        }
        9 => {
            let hashes = "#".repeat(1 + rng.below(3));
            let body = rng.pick("raw|a\\nb|\"quoted\"|a#\"b||\"a|/* x */");
            out.push_str(&format!("{hashes}\"{body}\"{hashes}"));
        }
        10 => {
            let indent = rng.pick("|  |\t|    ");
            out.push_str("\"\"\"\n");
            for _ in 0..rng.below(4) {
                let line = rng.pick("line|  deeper||a \\\"q\\\"|\\t tab|x \\\n  y|\"\" two");
                if !line.is_empty() {
                    out.push_str(indent);
                }
                out.push_str(line);
                out.push_str(rng.pick("\n|\n|\r\n"));
            }
            out.push_str(indent);
            out.push_str("\"\"\"");
        }
        _ => {
            let indent = rng.pick("|  |    ");
            out.push_str("#\"\"\"\n");
            for _ in 0..rng.below(4) {
                let line = rng.pick("raw \\n|  \"\"quotes\"\"||#\"#");
                if !line.is_empty() {
                    out.push_str(indent);
                }
                out.push_str(line);
                out.push('\n');
            }
            out.push_str(indent);
            out.push_str("\"\"\"#");
        }
    }
}

/// Characters a mutation inserts: the syntax, its look-alikes and its forbidden code points.
const INSERTS: &[char] = &[
    '"', '#', '/', '-', '*', '\\', '{', '}', '(', ')', ';', '=', ' ', '\n', '\r', 'a', '1', '.',
    '_', 'e', 'x', '+', '\u{A0}', '\u{2028}', '\u{7F}', '\u{FEFF}', '\t', '\u{0B}', '\u{200E}',
    '0', 'u', '$', '\u{85}',
];

/// The text with one to three random edits.
fn mutate(rng: &mut Rng, text: &str) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for _ in 0..1 + rng.below(3) {
        let len = chars.len();
        let at = if len == 0 { 0 } else { rng.below(len + 1) };
        match rng.below(6) {
            0 if at < len => {
                chars.remove(at);
            }
            1 => chars.insert(at, INSERTS[rng.below(INSERTS.len())]),
            2 if at < len => {
                let end = (at + 1 + rng.below(8)).min(len);
                let copy: Vec<char> = chars[at..end].to_vec();
                let to = rng.below(len + 1);
                chars.splice(to..to, copy);
            }
            3 if at < len => {
                let end = (at + 1 + rng.below(8)).min(len);
                chars.drain(at..end);
            }
            4 if len > 1 => {
                let other = rng.below(len);
                chars.swap(at.min(len - 1), other);
            }
            _ => chars.truncate(at),
        }
    }
    chars.into_iter().collect()
}

/// Whether the `kdl` crate's recursive parser could overflow the stack on this input: deep
/// blocks, long runs of `/-`, or block comments with many `*` and `/` (it recurses on each).
fn too_deep_for_kdl(text: &str) -> bool {
    let mut depth = 0i64;
    let mut max = 0i64;
    for c in text.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            _ => {}
        }
        max = max.max(depth);
    }
    let risky = text.matches("/-").count() + text.matches('*').count() + text.matches("/*").count();
    max > 60 || risky > 400
}

fn span(s: SourceSpan) -> (usize, usize) {
    (s.offset(), s.offset() + s.len())
}

/// Everything the comparison covers, one line per fact in document order: every span (when
/// `spans`), name, type annotation, key, value (floats by their bits) and `value_repr`.
fn facts(doc: &KdlDocument, spans: bool, path: &str, out: &mut Vec<String>) {
    let at = |s: SourceSpan| {
        if spans {
            format!("{:?}", span(s))
        } else {
            String::new()
        }
    };
    let ident = |i: Option<&KdlIdentifier>| i.map(|i| format!("{:?}{}", i.value(), at(i.span())));
    out.push(format!("{path} document {}", at(doc.span())));
    for (i, node) in doc.nodes().iter().enumerate() {
        let path = format!("{path}/{i}");
        out.push(format!(
            "{path} node {} {} type {:?}",
            at(node.span()),
            ident(Some(node.name())).unwrap_or_default(),
            ident(node.ty())
        ));
        for e in node.entries() {
            let value = match e.value() {
                KdlValue::Float(f) if f.is_nan() => "NaN".to_owned(),
                KdlValue::Float(f) => format!("float {:#x}", f.to_bits()),
                v => format!("{v:?}"),
            };
            out.push(format!(
                "{path} entry {} key {:?} type {:?} {value} repr {:?}",
                at(e.span()),
                ident(e.name()),
                ident(e.ty()),
                e.format().map(|f| &f.value_repr)
            ));
        }
        match node.children() {
            Some(children) => facts(children, spans, &path, out),
            None => out.push(format!("{path} no children")),
        }
    }
}

/// The first fact on which two documents differ.
fn doc_diff(a: &KdlDocument, b: &KdlDocument, spans: bool) -> Result<(), String> {
    let (mut fa, mut fb) = (Vec::new(), Vec::new());
    facts(a, spans, "", &mut fa);
    facts(b, spans, "", &mut fb);
    match fa.iter().zip(&fb).find(|(x, y)| x != y) {
        Some((x, y)) => Err(format!("reader: {x}\n    kdl:    {y}")),
        None if fa.len() != fb.len() => Err(format!("reader {} facts, kdl {}", fa.len(), fb.len())),
        None => Ok(()),
    }
}

/// Which documented difference (numbered as in the module's doc) explains a disagreement, and,
/// where the difference can be taken out of the input without changing its meaning, the input
/// without it (which must then read the same in both).
fn known_difference(
    text: &str,
    ours: &Result<KdlDocument, ReadError>,
    theirs: &Result<KdlDocument, kdl::KdlError>,
) -> Option<(usize, Option<String>)> {
    match (ours, theirs) {
        (Ok(doc), Err(e)) => {
            // 1: the crate wants a space before `/-`: insert one before each `/-` that follows
            // something else, where that does not change what the reader reads.
            if let Some(spaced) = space_before_slashdashes(text, doc) {
                return Some((1, Some(spaced)));
            }
            // 9: the crate fails on the `;` after a commented-out node: use a newline.
            for d in &e.diagnostics {
                let start = d.span.offset();
                if text.get(start..).is_some_and(|t| t.starts_with(';')) {
                    let newline = format!("{}\n{}", &text[..start], &text[start + 1..]);
                    return Some((9, Some(newline)));
                }
            }
            // 5: floats with a part of 39 or more digits.
            if has_long_float(doc.nodes()) {
                return Some((5, None));
            }
            None
        }
        (Err(e), Ok(_)) => {
            let at = e.span.start;
            // 2 and 3: disallowed code points: without them, both must agree.
            if e.message.contains("is not allowed in a KDL document") {
                let c = text.get(at..).and_then(|t| t.chars().next())?;
                let without: String = text.chars().filter(|&c| !disallowed(c)).collect();
                return Some((if c == '\u{7f}' { 2 } else { 3 }, Some(without)));
            }
            if e.message
                .starts_with("a raw string on one line cannot start with")
            {
                return Some((4, None));
            }
            if e.message.starts_with("`-inf` is a keyword") {
                return Some((6, None));
            }
            let token = text.get(e.span.clone()).unwrap_or("");
            let token = token.trim_start_matches(['+', '-']);
            if e.message.ends_with("is not a number")
                && ["0X", "0O", "0B"].iter().any(|p| token.starts_with(p))
            {
                return Some((7, None));
            }
            if e.message == "a node ends after its children block" && text[..at].contains("/-") {
                return Some((8, None));
            }
            if text.get(at..).is_some_and(|t| t.starts_with("/-"))
                && text[..at].trim_end().ends_with("/-")
            {
                return Some((10, None));
            }
            if e.message.ends_with("is not a keyword") && text[..at].contains("/-") {
                return Some((11, None));
            }
            None
        }
        _ => None,
    }
}

/// The text with a space before every `/-` that directly follows a non-space character and
/// where the space changes nothing the reader reads; `None` if there is no such `/-`.
fn space_before_slashdashes(text: &str, doc: &KdlDocument) -> Option<String> {
    let mut out = text.to_owned();
    let mut changed = false;
    let positions: Vec<usize> = text.match_indices("/-").map(|(i, _)| i).collect();
    for &at in positions.iter().rev() {
        if text[..at]
            .chars()
            .next_back()
            .is_none_or(char::is_whitespace)
        {
            continue;
        }
        let candidate = format!("{} {}", &out[..at], &out[at..]);
        if read(&candidate).is_ok_and(|d| doc_diff(doc, &d, false).is_ok()) {
            out = candidate;
            changed = true;
        }
    }
    changed.then_some(out)
}

/// The code points the specification disallows anywhere in a document.
fn disallowed(c: char) -> bool {
    matches!(c, '\0'..='\u{8}' | '\u{E}'..='\u{1F}' | '\u{7F}' | '\u{200E}' | '\u{200F}')
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// Whether a float in these nodes has an integer part, fraction or exponent of 39 or more
/// digits, more than an `i128` holds.
fn has_long_float(nodes: &[KdlNode]) -> bool {
    nodes.iter().any(|node| {
        node.entries().iter().any(|e| {
            matches!(e.value(), KdlValue::Float(_))
                && e.format().is_some_and(|f| {
                    f.value_repr
                        .split(['.', 'e', 'E'])
                        .any(|part| part.chars().filter(char::is_ascii_digit).count() >= 39)
                })
        }) || node.children().is_some_and(|c| has_long_float(c.nodes()))
    })
}

/// What happened on one input.
pub(crate) enum Verdict {
    Same,
    BothFail,
    Known(usize),
    Skipped,
}

/// Compares the two readers on `text`; a known difference that can be taken out is taken out and
/// the rest compared again, up to `repairs` times.
fn compare_with(text: &str, repairs: usize) -> Result<Verdict, String> {
    let ours = read(text);
    if too_deep_for_kdl(text) {
        return Ok(Verdict::Skipped);
    }
    let theirs = KdlDocument::parse(text);
    let disagreement = match (&ours, &theirs) {
        (Err(_), Err(_)) => return Ok(Verdict::BothFail),
        (Ok(a), Ok(b)) => match doc_diff(a, b, true) {
            Ok(()) => return Ok(Verdict::Same),
            Err(e) => e,
        },
        (Ok(_), Err(e)) => format!(
            "the reader reads it, the kdl crate fails: {:?}",
            e.diagnostics.first().map(|d| (&d.message, d.span))
        ),
        (Err(e), Ok(_)) => format!("the kdl crate reads it, the reader fails: {e}"),
    };
    let Some((known, repaired)) = known_difference(text, &ours, &theirs) else {
        return Err(disagreement);
    };
    let Some(repaired) = repaired else {
        return Ok(Verdict::Known(known));
    };
    if repairs == 0 {
        return Err(format!(
            "{disagreement} (and more differences than the test takes out)"
        ));
    }
    // Taking the difference out must not change what the reader reads (a space inserted moves
    // the spans after it), and must leave nothing but known differences.
    if let (Ok(before), Ok(after)) = (&ours, read(&repaired))
        && let Err(e) = doc_diff(before, &after, known != 1)
    {
        return Err(format!(
            "taking out difference {known} changed the reader's document: {e}"
        ));
    }
    match compare_with(&repaired, repairs - 1) {
        Ok(_) => Ok(Verdict::Known(known)),
        Err(e) => Err(format!("after taking out difference {known}: {e}")),
    }
}

/// Compares the two readers on `text` (the fuzz target `reader_vs_kdl` calls this too).
pub(crate) fn compare(text: &str) -> Result<Verdict, String> {
    compare_with(text, 8)
}

/// Tallies of a run: counts by verdict (`known[n]` for difference `n`), and the first failures.
#[derive(Default)]
struct Tally {
    same: usize,
    both_fail: usize,
    known: [usize; 12],
    skipped: usize,
    failures: usize,
    shown: Vec<String>,
}

impl Tally {
    fn run(&mut self, label: &str, text: &str) {
        match compare(text) {
            Ok(Verdict::Same) => self.same += 1,
            Ok(Verdict::BothFail) => self.both_fail += 1,
            Ok(Verdict::Known(n)) => self.known[n] += 1,
            Ok(Verdict::Skipped) => self.skipped += 1,
            Err(e) => {
                self.failures += 1;
                let input: String = text.chars().take(400).collect();
                if self.shown.len() < 20 {
                    self.shown
                        .push(format!("{label}: {e}\n    input: {input:?}"));
                }
            }
        }
    }

    fn report(&self, what: &str) {
        let known: usize = self.known.iter().sum();
        let total = self.same + self.both_fail + known + self.skipped + self.failures;
        eprintln!(
            "{what}: {total} cases: {} same document, {} both fail, known differences 1-11: {:?}, \
             {} too deep for the kdl crate",
            self.same,
            self.both_fail,
            &self.known[1..],
            self.skipped
        );
        let shown = self.shown.join("\n\n");
        assert!(
            self.failures == 0,
            "{} inputs differ:\n\n{shown}",
            self.failures
        );
    }
}

/// Every `.kdl` file under `dir`, sorted.
fn kdl_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            kdl_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "kdl") {
            out.push(path);
        }
    }
}

/// The files the tests start from: examples, standard library, fixtures, the spec suite.
fn corpus() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = Vec::new();
    let dirs = [
        "examples",
        "stdlib",
        "tests/fixtures",
        "../shared/kdl-spec-tests",
    ];
    for dir in dirs {
        kdl_files(&root.join(dir), &mut paths);
    }
    paths
        .into_iter()
        .filter_map(|p| {
            let text = String::from_utf8(std::fs::read(&p).ok()?).ok()?;
            Some((
                p.strip_prefix(root).unwrap_or(&p).display().to_string(),
                text,
            ))
        })
        .collect()
}

/// Runs `f` on a thread with a large stack: the `kdl` crate recurses deeply on some inputs.
fn with_big_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn files_read_the_same() {
    with_big_stack(|| {
        let mut tally = Tally::default();
        for (name, text) in corpus() {
            tally.run(&name, &text);
        }
        tally.report("files");
    });
}

#[test]
fn generated_documents_read_the_same() {
    with_big_stack(|| {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let mut tally = Tally::default();
        for i in 0..1000 {
            let text = document(&mut rng);
            tally.run(&format!("generated {i}"), &text);
            let mutated = mutate(&mut rng, &text);
            tally.run(&format!("generated {i}, mutated"), &mutated);
        }
        tally.report("generated");
    });
}

/// How many mutations of each small file `mutated_files_read_the_same` compares.
const MUTATIONS_PER_FILE: usize = 12;

#[test]
fn mutated_files_read_the_same() {
    with_big_stack(|| {
        let mut tally = Tally::default();
        let small: Vec<(String, String)> = corpus()
            .into_iter()
            .filter(|(_, t)| t.len() <= 4096)
            .collect();
        // Each file's mutations come from a generator seeded by its own name, so that adding a
        // file adds cases and changes none of the others'.
        for (name, text) in &small {
            let seed = name.bytes().fold(0xD1B5_4A32_D192_ED03_u64, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01B3)
            });
            let mut rng = Rng(seed | 1);
            for i in 0..MUTATIONS_PER_FILE {
                let mutated = mutate(&mut rng, text);
                tally.run(&format!("{name}, mutation {i}"), &mutated);
            }
        }
        tally.report("mutated");
    });
}

#[test]
fn each_documented_difference_is_recognised() {
    let cases: [(&str, usize); 13] = [
        ("node \"a\"/-1 2", 1),
        ("node \"a\"/-{}", 1),
        ("node \u{7f}arg", 2),
        ("// \u{202E} reversed\nnode", 3),
        ("/* \0\0\0\0\0\0\0\0\0\0\0\0\u{15} */ node", 3),
        ("node #\"\"\"one line\"\"\"#", 4),
        ("node 0.1234567890123456789012345678901234567890", 5),
        ("node -inf", 6),
        ("node 0X1F", 7),
        ("/-a {} b", 8),
        ("/-a; b", 9),
        ("node 1 /- /-22 3", 10),
        ("/-env DEBUG=#trueewa\nnode", 11),
    ];
    with_big_stack(move || {
        for (text, expected) in cases {
            match compare(text) {
                Ok(Verdict::Known(n)) => assert_eq!(n, expected, "{text:?}"),
                Ok(_) => panic!("{text:?}: the readers agree; difference {expected} is gone"),
                Err(e) => panic!("{text:?}: {e}"),
            }
        }
    });
}
