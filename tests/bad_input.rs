//! The bad-input suite: broken, hostile and absurd descriptions. For each class of input —
//! truncated files, binary garbage, deep nesting, 10 MB files, wrong value types everywhere, and
//! random mutations of the examples — the compiler does not panic (the library on many inputs,
//! with every output format rendered as `check` renders it), and `windlass check` on a sample
//! exits 1 or 2 (never 0 for a broken description, never a signal or a panic's 101), prints its
//! diagnostics on stderr and nothing on stdout.
//!
//! Inputs are deterministic (a fixed-seed xorshift, no `rand`). Speed is not asserted here:
//! `benches/bad_input.rs` generates the same classes (it includes [`cases`] from this file) and
//! prints the worst time of `check` per class. Inputs that once crashed `check` or took seconds
//! are marked [`cases::Known`]; all are fixed, every test runs them, and
//! `inputs_that_crashed_check_before_the_reader` also runs the crashing ones through the CLI.
//! `tests/fixtures/bad_input/README.md` is the report that described each.

#![allow(
    clippy::disallowed_methods,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests read fixtures, write temporary directories, and fail loudly"
)]

/// The inputs, by class. Shared with `benches/bad_input.rs`.
pub mod cases {
    use std::path::{Path, PathBuf};

    /// A class of bad input.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
    pub enum Class {
        /// An example cut at a byte offset (sometimes inside a multi-byte character).
        Truncated,
        /// Pseudo-random bytes, characters and KDL tokens.
        Garbage,
        /// Blocks nested 10,000 deep, unclosed or unopened; nested comments and annotations.
        Deep,
        /// 10 MB files, and files just under the size limit.
        Huge,
        /// An example with property values of the wrong type: a string, an integer, a decimal,
        /// `#true`, `#null`.
        WrongTypes,
        /// An example with tokens swapped, deleted, repeated or inserted.
        Mutated,
        /// One construct repeated thousands of times: nodes, entries, slashdashes, comments.
        Repeated,
    }

    impl Class {
        /// Every class: the ones the issue names, and repeated constructs.
        pub const ALL: [Class; 7] = [
            Class::Truncated,
            Class::Garbage,
            Class::Deep,
            Class::Huge,
            Class::WrongTypes,
            Class::Mutated,
            Class::Repeated,
        ];

        /// A short name for tables.
        pub fn name(self) -> &'static str {
            match self {
                Class::Truncated => "truncated",
                Class::Garbage => "garbage",
                Class::Deep => "deep nesting",
                Class::Huge => "huge (10 MB)",
                Class::WrongTypes => "wrong types",
                Class::Mutated => "mutations",
                Class::Repeated => "repeated",
            }
        }
    }

    /// A problem `check` had with an input when this suite was written (see
    /// `tests/fixtures/bad_input/README.md`).
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Known {
        /// The process aborts: the `kdl` parser overflows the stack (in debug builds, and in
        /// release builds at about five times the size).
        StackOverflow,
        /// `check` panics (exit 101) with a message that contains this.
        Panic(&'static str),
        /// `check` takes seconds in a release build.
        Slow,
    }

    /// The panic of `parse::token_span` when a multi-byte space (U+00A0, U+2028, U+3000, …)
    /// comes before the token of a syntax error: it steps one byte past the space.
    pub const CHAR_BOUNDARY: Known = Known::Panic("is not a char boundary");
    /// The panic of miette's graphical report on a label past column 65,535 of its line.
    pub const LONG_LINE: Known = Known::Panic("Formatting argument out of range");

    /// Whether `text` has a space that takes more than one byte in UTF-8 (see [`CHAR_BOUNDARY`]).
    pub fn has_wide_space(text: &str) -> bool {
        text.chars().any(|c| c.is_whitespace() && c.len_utf8() > 1)
    }

    /// One bad input.
    #[derive(Clone, Debug)]
    pub struct Case {
        /// Its class.
        pub class: Class,
        /// What it is, for messages: `examples/storefront/windlass.kdl cut at 812`.
        pub name: String,
        /// The file's bytes (not always UTF-8).
        pub bytes: Vec<u8>,
        /// The example it was made from, relative to the root: its imports resolve beside it.
        pub origin: Option<String>,
        /// Whether the input is broken by construction: `check` must not exit 0.
        pub broken: bool,
        /// A problem `check` had with it when the suite was written (all since fixed).
        pub known: Option<Known>,
    }

    impl Case {
        fn new(class: Class, name: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
            Case {
                class,
                name: name.into(),
                bytes: bytes.into(),
                origin: None,
                broken: true,
                known: None,
            }
        }

        /// Marks a known problem.
        fn known(mut self, known: Known) -> Self {
            self.known = Some(known);
            self
        }

        /// The text the library gets: the bytes, with invalid UTF-8 replaced by U+FFFD.
        pub fn text(&self) -> String {
            String::from_utf8_lossy(&self.bytes).into_owned()
        }

        /// The path it is compiled as: beside its example, so that imports resolve.
        pub fn path(&self) -> PathBuf {
            match &self.origin {
                Some(origin) => PathBuf::from(origin),
                None => PathBuf::from("bad.kdl"),
            }
        }
    }

    /// The repository root.
    pub fn root() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
    }

    /// Every example description and component file: (path relative to the root, text).
    pub fn examples() -> Vec<(String, String)> {
        let mut out = Vec::new();
        let mut dirs = vec![root().join("examples")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "kdl") {
                    let relative = path.strip_prefix(root()).unwrap();
                    let relative = relative.to_string_lossy().replace('\\', "/");
                    out.push((relative, std::fs::read_to_string(&path).unwrap()));
                }
            }
        }
        out.sort();
        out
    }

    /// A fixed-seed xorshift64: the same inputs on every run.
    pub struct XorShift(pub u64);

    impl XorShift {
        /// The next number.
        pub fn next_u64(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        /// A number in `0..n` (`n > 0`).
        pub fn below(&mut self, n: usize) -> usize {
            (self.next_u64() % n.max(1) as u64) as usize
        }
    }

    /// Each example cut at `per_file` evenly spread offsets, and at every offset inside its
    /// multi-byte characters (at most `per_file` of those).
    pub fn truncated(examples: &[(String, String)], per_file: usize) -> Vec<Case> {
        let mut out = Vec::new();
        for (path, text) in examples {
            let len = text.len();
            let mut offsets: Vec<usize> = (0..per_file).map(|i| i * len / per_file).collect();
            let inside: Vec<usize> = text
                .char_indices()
                .filter(|(_, c)| c.len_utf8() > 1)
                .flat_map(|(i, c)| (i + 1)..(i + c.len_utf8()))
                .take(per_file)
                .collect();
            offsets.extend(inside);
            offsets.sort_unstable();
            offsets.dedup();
            for cut in offsets {
                let mut case = Case::new(
                    Class::Truncated,
                    format!("{path} cut at byte {cut}"),
                    &text.as_bytes()[..cut],
                );
                case.origin = Some(path.clone());
                // A cut between two top-level nodes can leave a whole description (an app
                // without its environments): only the compiler can tell.
                case.broken = false;
                out.push(case);
            }
        }
        out
    }

    /// KDL's tokens and near-tokens, for garbage that gets past the first character.
    const TOKENS: &[&str] = &[
        "app", "x", " ", "\n", "{", "}", "\"", "\"\"\"\n", "#\"", "\"#", "=", "1", "-1.5e3",
        "#true", "#null", "#inf", "/-", "//", "/*", "*/", "\\", ";", "(t)", "service", "image",
        "\"a:1\"", "port=", "0x", "\u{FEFF}", "\u{2028}", "\t", "\r", "é", "学", "\u{0}", "#",
        "##\"",
    ];

    /// `count` inputs of each kind of garbage, up to `max_len` long: random bytes, random
    /// characters (control characters, BOMs and line separators included), random KDL tokens,
    /// and random tokens inside an otherwise valid `app`.
    pub fn garbage(count: usize, max_len: usize) -> Vec<Case> {
        let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
        let mut out: Vec<Case> = Vec::new();
        for i in 0..count {
            let len = rng.below(max_len) + 1;
            let bytes: Vec<u8> = (0..len).map(|_| rng.next_u64() as u8).collect();
            out.push(Case::new(
                Class::Garbage,
                format!("random bytes #{i}"),
                bytes,
            ));

            let chars: String = (0..len)
                .map(|_| match rng.below(4) {
                    0 => char::from(b' ' + rng.below(95) as u8),
                    1 => char::from_u32(rng.below(0x80) as u32).unwrap_or('?'),
                    2 => ['\n', '{', '}', '"', '\\', '/', '*', '#'][rng.below(8)],
                    _ => char::from_u32(rng.below(0x3_0000) as u32).unwrap_or('\u{FFFD}'),
                })
                .collect();
            let mut case = Case::new(Class::Garbage, format!("random characters #{i}"), chars);
            case.broken = false; // a random string can be valid KDL without an app: rare, allowed
            out.push(case);

            let tokens: String = (0..len / 4 + 1)
                .map(|_| TOKENS[rng.below(TOKENS.len())])
                .collect();
            let mut case = Case::new(
                Class::Garbage,
                format!("random tokens #{i}"),
                tokens.clone(),
            );
            case.broken = false;
            out.push(case);

            let inside = format!(
                "app shop {{\n    service web {{\n        image \"web:1.0\"\n        {tokens}\n    }}\n}}\n"
            );
            let mut case = Case::new(Class::Garbage, format!("tokens in an app #{i}"), inside);
            case.broken = false;
            out.push(case);
        }
        for case in &mut out {
            if has_wide_space(&case.text()) {
                case.known = Some(CHAR_BOUNDARY);
            }
        }
        out
    }

    /// Blocks nested `levels` deep (10,000 in the suite): closed, on one line and on many;
    /// unclosed; closed without being opened; inside an app; and slashdashed.
    pub fn deep(levels: usize) -> Vec<Case> {
        let n = levels;
        vec![
            Case::new(
                Class::Deep,
                format!("{n} nested nodes on one line"),
                format!("{}{}", "a {".repeat(n), "}".repeat(n)),
            ),
            Case::new(
                Class::Deep,
                format!("{n} nested nodes, one per line"),
                format!("{}{}", "a {\n".repeat(n), "}\n".repeat(n)),
            ),
            Case::new(
                Class::Deep,
                format!("{n} nested workloads in an app"),
                format!(
                    "app shop {{\n{}{}}}\n",
                    "service web {\n".repeat(n),
                    "}\n".repeat(n)
                ),
            ),
            Case::new(
                Class::Deep,
                format!("{n} unclosed blocks"),
                "a {\n".repeat(n),
            ),
            Case::new(
                Class::Deep,
                format!("{n} closing braces"),
                format!("app shop {{}}\n{}", "}\n".repeat(n)),
            )
            .known(Known::StackOverflow),
            Case::new(
                Class::Deep,
                format!("{n} nested slashdashed blocks"),
                format!("app shop {{}}\nx {}{}\n", "/-{ a ".repeat(n), "}".repeat(n)),
            ),
            Case::new(
                Class::Deep,
                format!("{n} type annotations"),
                format!("app shop {{}}\nx {}1\n", "(t)".repeat(n)),
            )
            .known(Known::StackOverflow),
            Case {
                // A valid app, then a comment: valid KDL, however deeply comments nest.
                broken: false,
                ..Case::new(
                    Class::Deep,
                    format!("block comments nested {n} deep"),
                    format!("app shop {{}}\n{}{}\n", "/*".repeat(n), "*/".repeat(n)),
                )
            }
            .known(Known::StackOverflow),
        ]
    }

    /// Files of 10 MB (the limit is 4 MiB): a description padded with comments, one long line,
    /// newlines, a huge string, many workloads. With `near_limit`, also the same just under the
    /// limit, which the parser reads in full.
    pub fn huge(near_limit: bool) -> Vec<Case> {
        let ten = 10 * 1000 * 1000;
        let under = windlass::syntax::parse::MAX_FILE_BYTES - 1024;
        let mut sizes = vec![("10 MB", ten)];
        if near_limit {
            sizes.push(("just under the limit", under));
        }
        let mut out = Vec::new();
        for (label, size) in sizes {
            let fill = |prefix: &str, unit: &str, suffix: &str| {
                let count = size.saturating_sub(prefix.len() + suffix.len()) / unit.len();
                format!("{prefix}{}{suffix}", unit.repeat(count))
            };
            let service = |i: usize| {
                format!(
                    "    service s{i} {{\n        image \"s{i}:1.0.{i}\"\n        port 8080\n        env NAME=s{i}\n    }}\n"
                )
            };
            let mut workloads = String::from("app shop {\n");
            let mut i = 0;
            while workloads.len() + 200 < size {
                workloads.push_str(&service(i));
                i += 1;
            }
            workloads.push_str("}\n");
            let mut valid = Case::new(Class::Huge, format!("{label}: {i} workloads"), workloads);
            valid.broken = size > windlass::syntax::parse::MAX_FILE_BYTES;
            out.push(valid);
            let mut comments = Case::new(
                Class::Huge,
                format!("{label}: a valid app and comments"),
                fill("app shop {}\n", "// padding padding padding padding\n", ""),
            );
            comments.broken = size > windlass::syntax::parse::MAX_FILE_BYTES;
            out.push(comments);
            out.push(Case::new(
                Class::Huge,
                format!("{label}: one line"),
                fill("", "a", "\n"),
            ));
            out.push(Case::new(
                Class::Huge,
                format!("{label}: a huge image string"),
                fill(
                    "app shop {\n    service web {\n        image \"",
                    "x",
                    "\"\n    }\n}\n",
                ),
            ));
            out.push(Case::new(
                Class::Huge,
                format!("{label}: newlines"),
                fill("", "\n", ""),
            ));
        }
        // Not huge, but long: a 70,000-character value with a mistake after it, on one line.
        out.push(long_line(Case::new(
            Class::Huge,
            "a line of 70,000 characters with an error at its end",
            format!(
                "app shop {{\n    labels note=\"{}\" team=#null\n}}\n",
                "x".repeat(70_000)
            ),
        )));
        out
    }

    /// Makes a value of the wrong type.
    pub type MakeValue = fn() -> kdl::KdlValue;

    /// The values put where an example has properties.
    pub const WRONG: &[(&str, MakeValue)] = &[
        ("a string", || kdl::KdlValue::String("wrong".into())),
        ("an integer", || kdl::KdlValue::Integer(7)),
        ("a decimal", || kdl::KdlValue::Float(2.5)),
        ("#true", || kdl::KdlValue::Bool(true)),
        ("#null", || kdl::KdlValue::Null),
    ];

    /// The properties of `doc`, depth first: (node path, entry index).
    fn properties(doc: &kdl::KdlDocument) -> Vec<(Vec<usize>, usize)> {
        fn walk(doc: &kdl::KdlDocument, path: &mut Vec<usize>, out: &mut Vec<(Vec<usize>, usize)>) {
            for (i, node) in doc.nodes().iter().enumerate() {
                path.push(i);
                for (e, entry) in node.entries().iter().enumerate() {
                    if entry.name().is_some() {
                        out.push((path.clone(), e));
                    }
                }
                if let Some(children) = node.children() {
                    walk(children, path, out);
                }
                path.pop();
            }
        }
        let mut out = Vec::new();
        walk(doc, &mut Vec::new(), &mut out);
        out
    }

    /// Sets the property at `at` to `value`.
    fn set(doc: &mut kdl::KdlDocument, at: &(Vec<usize>, usize), value: kdl::KdlValue) {
        let (path, entry) = at;
        let mut node = &mut doc.nodes_mut()[path[0]];
        for &i in &path[1..] {
            node = &mut node.children_mut().as_mut().unwrap().nodes_mut()[i];
        }
        let entry = &mut node.entries_mut()[*entry];
        entry.set_value(value);
        // Print the new value, not the old one's source text.
        if let Some(format) = entry.format_mut() {
            format.value_repr = String::new();
        }
        entry.clear_format();
    }

    /// For each example and each wrong value: every property replaced at once, and up to
    /// `singles` properties (spread over the file) replaced one at a time.
    pub fn wrong_types(examples: &[(String, String)], singles: usize) -> Vec<Case> {
        let mut out = Vec::new();
        for (path, text) in examples {
            let Ok(doc) = text.parse::<kdl::KdlDocument>() else {
                continue;
            };
            let props = properties(&doc);
            for (label, value) in WRONG {
                let mut all = doc.clone();
                for at in &props {
                    set(&mut all, at, value());
                }
                let mut case = Case::new(
                    Class::WrongTypes,
                    format!("{path}: every property is {label}"),
                    all.to_string(),
                );
                case.origin = Some(path.clone());
                out.push(case);
                let step = (props.len() / singles.max(1)).max(1);
                for at in props.iter().step_by(step).take(singles) {
                    let mut one = doc.clone();
                    set(&mut one, at, value());
                    let mut case = Case::new(
                        Class::WrongTypes,
                        format!("{path}: property {:?} is {label}", at),
                        one.to_string(),
                    );
                    case.origin = Some(path.clone());
                    // Some properties take any string, or any value: only the compiler knows.
                    case.broken = false;
                    out.push(case);
                }
            }
        }
        out
    }

    /// Splits text into runs of whitespace and runs of anything else.
    fn tokens(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        let mut start = 0;
        let mut space = None;
        for (i, c) in text.char_indices() {
            let is_space = c.is_whitespace();
            if space.is_some_and(|s| s != is_space) {
                out.push(&text[start..i]);
                start = i;
            }
            space = Some(is_space);
        }
        out.push(&text[start..]);
        out
    }

    /// What a mutation inserts.
    const INSERTS: &[&str] = &[
        "{", "}", "\"", "=", ";", "\\", "/-", "//", "/*", "*/", "#", "(", ")", "\"\"\"", "\n", "x",
        "0", "#null",
    ];

    /// `per_file` mutants of each example, each with one to three mutations: two tokens swapped,
    /// a token deleted, a token repeated, a token or piece of punctuation inserted.
    pub fn mutations(examples: &[(String, String)], per_file: usize) -> Vec<Case> {
        let mut rng = XorShift(0x2545_f491_4f6c_dd1d);
        let mut out = Vec::new();
        for (path, text) in examples {
            let original = tokens(text);
            for m in 0..per_file {
                let mut toks: Vec<String> = original.iter().map(|t| (*t).to_owned()).collect();
                let mut what = Vec::new();
                for _ in 0..=rng.below(3) {
                    let n = toks.len();
                    let (a, b) = (rng.below(n), rng.below(n));
                    match rng.below(4) {
                        0 => {
                            toks.swap(a, b);
                            what.push(format!("swap {a} {b}"));
                        }
                        1 => {
                            toks.remove(a);
                            what.push(format!("delete {a}"));
                        }
                        2 => {
                            let t = toks[a].clone();
                            toks.insert(b, t);
                            what.push(format!("repeat {a} at {b}"));
                        }
                        _ => {
                            let t = INSERTS[rng.below(INSERTS.len())];
                            toks.insert(a, t.to_owned());
                            what.push(format!("insert {t:?} at {a}"));
                        }
                    }
                    if toks.is_empty() {
                        toks.push(String::new());
                    }
                }
                let mut case = Case::new(
                    Class::Mutated,
                    format!("{path} mutant {m}: {}", what.join(", ")),
                    toks.concat(),
                );
                case.origin = Some(path.clone());
                case.broken = false; // swapping two equal tokens changes nothing
                out.push(case);
            }
        }
        out
    }

    /// One construct repeated `n` times (20,000 in the suite): blank lines, `//` comments, `\`
    /// continuations, arguments, nodes inside an app and on one line, env variables on one node,
    /// slashdashes, and block comments full of `*` and `/`.
    pub fn repeated(n: usize) -> Vec<Case> {
        let app = "app shop {\n    service web {\n        image \"web:1.0\"\n";
        let end = "    }\n}\n";
        let env: String = (0..n).map(|i| format!(" A{i}=\"v\"")).collect();
        let old = "        volume data path=\"/var/lib/data/x\" size=\"10Gi\" // was /srv/data\n";
        let case = |name: String, text: String| Case::new(Class::Repeated, name, text);
        let valid = |mut c: Case| {
            c.broken = false;
            c
        };
        vec![
            valid(case(
                format!("{n} blank lines"),
                format!("{app}{end}{}", "\n".repeat(n)),
            )),
            valid(case(
                format!("{n} comment lines"),
                format!("{app}{}{end}", "        // a comment\n".repeat(n)),
            )),
            valid(case(
                format!("{n} continuation lines"),
                format!(
                    "{app}        command \"run\" {}\n{end}",
                    "\\\n \"x\" ".repeat(n)
                ),
            )),
            // One diagnostic per extra argument, each showing the whole line: slow, and past
            // column 65,535 a panic.
            long_line(
                case(
                    format!("{n} arguments on one line ({n} diagnostics)"),
                    format!("{app}        port {}\n{end}", "8080 ".repeat(n)),
                )
                .known(Known::Slow),
            ),
            case(
                format!("{n} unknown nodes in an app ({n} diagnostics)"),
                format!("app shop {{\n{}}}\n", "x 1\n".repeat(n)),
            )
            .known(Known::Slow),
            case(
                format!("{n} nodes on one line ({n} diagnostics)"),
                format!("app shop {{}}\n{}\n", "a;".repeat(n)),
            )
            .known(Known::Slow),
            // A valid application, large but not absurd: each workload gets a warning (no
            // resource requests), and the warnings are what takes the time.
            valid(case(
                format!("{} workloads, a warning each", n / 8),
                format!(
                    "app shop {{\n{}}}\n",
                    (0..n / 8)
                        .map(|i| format!("    service s{i} {{\n        image \"s{i}:1.0\"\n        port 8080\n    }}\n"))
                        .collect::<String>()
                ),
            ))
            .known(Known::Slow),
            valid(case(
                format!("one env node with {n} variables"),
                format!("{app}        env{env}\n{end}"),
            ))
            .known(Known::Slow),
            case(
                format!("{n} slashdashes in a row"),
                format!("app shop {{}}\n{}x\n", "/- ".repeat(n)),
            )
            .known(Known::StackOverflow),
            valid(case(
                format!("a block comment holding {n} `*`"),
                format!("{app}{end}/*{} */\n", " *".repeat(n)),
            ))
            .known(Known::StackOverflow),
            valid(case(
                format!("{} lines commented out with /* */", n / 10),
                format!(
                    "{app}        /* the old volumes\n{}        */\n{end}",
                    old.repeat(n / 10)
                ),
            ))
            .known(Known::StackOverflow),
        ]
    }

    /// Marks a case with an error past column 65,535 of a line as [`LONG_LINE`].
    fn long_line(case: Case) -> Case {
        let longest = case.text().lines().map(str::len).max().unwrap_or(0);
        if longest > 65_535 {
            case.known(LONG_LINE)
        } else {
            case
        }
    }

    /// The reproducers in `tests/fixtures/bad_input/`: each crashed `check` before it was fixed,
    /// as its name says (`stack-overflow-*`, `panic-*`).
    pub fn reproducers() -> Vec<Case> {
        let dir = root().join("tests/fixtures/bad_input");
        let mut out: Vec<Case> = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "kdl"))
            .map(|p| {
                let name = relative(&p);
                let known = if name.contains("/panic-") {
                    CHAR_BOUNDARY
                } else {
                    Known::StackOverflow
                };
                // The two comment files are a valid app followed by a comment.
                let broken = !name.contains("-comment");
                Case {
                    broken,
                    ..Case::new(Class::Repeated, name, std::fs::read(&p).unwrap())
                }
                .known(known)
            })
            .collect();
        out.sort_by(|a, b| a.name.cmp(&b.name));
        out
    }

    /// How a process ended, for people: `exit 1`, `exit 101 (a panic)`, `signal 6 (SIGABRT: a
    /// stack overflow aborts)`.
    pub fn status(status: std::process::ExitStatus) -> String {
        if let Some(code) = status.code() {
            return match code {
                101 => "exit 101 (a panic)".to_owned(),
                134 => "exit 134 (SIGABRT: a stack overflow aborts)".to_owned(),
                _ => format!("exit {code}"),
            };
        }
        #[cfg(unix)]
        {
            use std::os::unix::process::ExitStatusExt;
            if let Some(signal) = status.signal() {
                let name = match signal {
                    6 => " (SIGABRT: a stack overflow aborts)",
                    9 => " (SIGKILL)",
                    11 => " (SIGSEGV)",
                    _ => "",
                };
                return format!("signal {signal}{name}");
            }
        }
        format!("{status}")
    }

    fn relative(path: &Path) -> String {
        path.strip_prefix(root())
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/")
    }
}

use std::path::Path;
use std::process::Command;

use cases::Case;
use windlass::source::Loader;

/// Reads imports from disk.
struct DiskLoader;

impl Loader for DiskLoader {
    fn load(&self, path: &Path) -> std::io::Result<String> {
        std::fs::read_to_string(path)
    }
}

/// Runs what `check` runs in process — compile, then render the findings in every format — and
/// returns whether the description has errors, or the panic message.
fn check_in_process(case: &Case) -> Result<bool, String> {
    let text = case.text();
    let path = case.path();
    let name = path.to_string_lossy().into_owned();
    std::panic::catch_unwind(|| {
        let c = windlass::compile(
            windlass::Input::new(&name, &path, text),
            &windlass::Options::default(),
            &DiskLoader,
        );
        let findings = c.located();
        let rendered = [
            windlass::diag::format::human(&c.diagnostics, false),
            windlass::diag::format::json(&findings),
            windlass::check::sarif::sarif(&findings),
            windlass::diag::format::github(&findings),
        ];
        assert!(
            !c.has_errors() || rendered.iter().all(|r| !r.is_empty()),
            "errors without a rendering"
        );
        c.has_errors()
    })
    .map_err(|panic| {
        panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_else(|| "a panic".to_owned())
    })
}

/// Runs the library on every case; fails with the list of cases that
/// panicked or that compiled cleanly although they are broken.
fn library_survives(cases: &[Case]) {
    assert!(!cases.is_empty());
    let mut failures = Vec::new();
    for case in cases {
        // Every known problem is fixed, so every case runs: the stack overflows were the `kdl`
        // crate's, the panics were in the printer.
        match check_in_process(case) {
            Err(panic) => failures.push(format!("{}: panicked: {panic}", case.name)),
            Ok(false) if case.broken => {
                failures.push(format!("{}: broken, but no error", case.name));
            }
            Ok(_) => {}
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} {} inputs failed:\n{}",
        failures.len(),
        cases.len(),
        cases[0].class.name(),
        failures.join("\n")
    );
}

/// `windlass` without colour.
fn windlass(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_windlass"));
    cmd.current_dir(dir).env("NO_COLOR", "1");
    cmd
}

/// Copies the files of `from` into `to`, recursively.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

/// Runs `windlass check` on the case (in a copy of its example's directory, so imports resolve)
/// and returns what is wrong with the run, if anything. `check` exits 2 on a file that is not
/// UTF-8, else 1 exactly when the library finds errors; always with something on stderr when it
/// fails, and never with anything on stdout. With `all_commands`, `fmt --check` and `build` run
/// too: neither crashes, `fmt` changes nothing, and a failed `build` prints nothing on stdout.
fn cli_problems(case: &Case, dir: &Path, all_commands: bool) -> Vec<String> {
    let project = dir.join("project");
    let _ = std::fs::remove_dir_all(&project);
    match &case.origin {
        Some(origin) => {
            let example = cases::root().join(origin);
            copy_dir(example.parent().unwrap(), &project);
        }
        None => std::fs::create_dir_all(&project).unwrap(),
    }
    let file = project.join("windlass.kdl");
    std::fs::write(&file, &case.bytes).unwrap();
    let utf8 = std::str::from_utf8(&case.bytes).is_ok();
    let expected = if !utf8 {
        Some(2)
    } else if check_in_process(case).unwrap_or(true) {
        Some(1)
    } else {
        Some(0)
    };
    let mut problems = Vec::new();
    let check = windlass(&project).arg("check").output().unwrap();
    if check.status.code() != expected {
        problems.push(format!(
            "check: {}, expected exit {expected:?}; stderr: {}",
            cases::status(check.status),
            String::from_utf8_lossy(&check.stderr)
                .chars()
                .take(600)
                .collect::<String>()
        ));
    }
    if case.broken && check.status.success() {
        problems.push("check: exit 0 on a broken file".to_owned());
    }
    if !check.stdout.is_empty() {
        problems.push("check: wrote to stdout".to_owned());
    }
    if !check.status.success() && check.stderr.is_empty() {
        problems.push("check: failed without a word on stderr".to_owned());
    }
    if !all_commands {
        return problems;
    }

    let fmt = windlass(&project)
        .args(["fmt", "--check"])
        .output()
        .unwrap();
    if !matches!(fmt.status.code(), Some(0..=2)) {
        problems.push(format!("fmt --check: {}", cases::status(fmt.status)));
    }
    if std::fs::read(&file).unwrap() != case.bytes {
        problems.push("fmt --check changed the file".to_owned());
    }
    if !utf8 && fmt.status.code() != Some(2) {
        problems.push(format!(
            "fmt --check: {:?} on a file that is not UTF-8",
            fmt.status
        ));
    }

    let build = windlass(&project).arg("build").output().unwrap();
    if build.status.code() != check.status.code() {
        problems.push(format!(
            "build: {}, but check: {}",
            cases::status(build.status),
            cases::status(check.status)
        ));
    }
    if !build.status.success() && !build.stdout.is_empty() {
        problems.push("build: failed, but wrote to stdout".to_owned());
    }
    problems
}

/// Runs `check` on `cases` (but the known problems), and `fmt --check` and `build` on the first,
/// and fails with every problem found.
fn cli_survives(cases: &[&Case]) {
    let dir = tempfile::tempdir().unwrap();
    let failures: Vec<String> = cases
        .iter()
        .filter(|c| c.known.is_none())
        .enumerate()
        .flat_map(|(i, case)| {
            cli_problems(case, dir.path(), i == 0)
                .into_iter()
                .map(move |p| format!("{}: {p}", case.name))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `count` cases spread over `cases`, known problems left out.
fn sample(cases: &[Case], count: usize) -> Vec<&Case> {
    let fine: Vec<&Case> = cases.iter().filter(|c| c.known.is_none()).collect();
    let step = (fine.len() / count.max(1)).max(1);
    fine.into_iter().step_by(step).take(count).collect()
}

#[test]
fn truncated_files() {
    let cases = cases::truncated(&cases::examples(), 6);
    assert!(
        cases.iter().any(|c| std::str::from_utf8(&c.bytes).is_err()),
        "no cut falls inside a multi-byte character"
    );
    library_survives(&cases);
    let mut sampled = sample(&cases, 3);
    // A cut inside a multi-byte character: the CLI gets bytes that are not UTF-8.
    sampled.extend(
        cases
            .iter()
            .find(|c| std::str::from_utf8(&c.bytes).is_err()),
    );
    cli_survives(&sampled);
}

#[test]
fn binary_garbage() {
    let cases = cases::garbage(12, 1500);
    library_survives(&cases);
    cli_survives(&sample(&cases, 4));
}

#[test]
fn deep_nesting() {
    let cases = cases::deep(10_000);
    library_survives(&cases);
    cli_survives(&cases.iter().collect::<Vec<_>>());
}

#[test]
fn ten_megabyte_files() {
    let cases = cases::huge(false);
    assert!(cases.iter().filter(|c| c.bytes.len() >= 9_990_000).count() >= 5);
    library_survives(&cases);
    // The CLI on the many workloads and on the newlines (the one line takes seconds in debug).
    let sampled: Vec<&Case> = cases
        .iter()
        .filter(|c| c.name.ends_with("workloads") || c.name.ends_with("newlines"))
        .collect();
    assert_eq!(sampled.len(), 2);
    cli_survives(&sampled);
}

#[test]
fn wrong_types_everywhere() {
    let examples = cases::examples();
    // Every example with properties, every wrong value, all at once (one at a time: the bench).
    let cases = cases::wrong_types(&examples, 0);
    assert!(cases.len() >= 3 * 5, "{}", cases.len());
    assert!(
        cases
            .iter()
            .any(|c| c.bytes.windows(6).any(|w| w == b"=#null"))
    );
    library_survives(&cases);
    let all_at_once: Vec<&Case> = cases.iter().filter(|c| c.name.contains("every")).collect();
    cli_survives(&all_at_once[..all_at_once.len().min(2)]);
}

#[test]
fn repeated_constructs() {
    let cases = cases::repeated(2_000);
    library_survives(&cases);
    cli_survives(&cases.iter().collect::<Vec<_>>());
}

#[test]
fn random_mutations() {
    let cases = cases::mutations(&cases::examples(), 4);
    library_survives(&cases);
    cli_survives(&sample(&cases, 3));
}

/// The inputs are the same on every run (the benchmark and a reproducer depend on it).
#[test]
fn inputs_are_deterministic() {
    let examples = cases::examples();
    let first: Vec<Vec<u8>> = cases::mutations(&examples, 3)
        .into_iter()
        .chain(cases::garbage(3, 100))
        .map(|c| c.bytes)
        .collect();
    let second: Vec<Vec<u8>> = cases::mutations(&examples, 3)
        .into_iter()
        .chain(cases::garbage(3, 100))
        .map(|c| c.bytes)
        .collect();
    assert_eq!(first, second);
    assert_eq!(cases::Class::ALL.len(), 7);
}

/// The inputs on which `check` crashed before it read KDL with its own reader: the reproducers in `tests/fixtures/bad_input/`
/// and the generated cases marked [`cases::Known::StackOverflow`] (exit 134, SIGABRT) or
/// [`cases::Known::Panic`] (exit 101). Only the CLI runs them. The slow cases ([`cases::Known::Slow`]) are
/// measured by `benches/bad_input.rs`.
#[test]
fn inputs_that_crashed_check_before_the_reader() {
    let mut cases = cases::reproducers();
    cases.extend(
        cases::deep(10_000)
            .into_iter()
            .chain(cases::repeated(20_000))
            .chain(cases::huge(false))
            .filter(|c| {
                matches!(
                    c.known,
                    Some(cases::Known::StackOverflow | cases::Known::Panic(_))
                )
            }),
    );
    assert!(cases.len() >= 10, "{}", cases.len());
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("windlass.kdl");
    let mut failures = Vec::new();
    for case in &cases {
        std::fs::write(&file, &case.bytes).unwrap();
        let check = windlass(dir.path()).arg("check").output().unwrap();
        if !matches!(check.status.code(), Some(0..=2)) || (case.broken && check.status.success()) {
            failures.push(format!(
                "{}: check: {}",
                case.name,
                cases::status(check.status)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
