//! Source files, their ids, and spans into them.
//!
//! A [`Span`] is small and `Copy`, and it compares equal to every other span: the model and the
//! diff compare meaning, never positions.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use miette::{MietteError, MietteSpanContents, NamedSource, SourceCode, SourceSpan, SpanContents};

/// Index of a file in [`Sources`].
#[derive(Clone, Copy, Debug, Default, PartialOrd, Ord, PartialEq, Eq, Hash)]
pub struct FileId(pub u32);

/// A byte range in one source file.
#[derive(Clone, Copy, Debug, Default)]
pub struct Span {
    /// The file the range is in.
    pub file: FileId,
    /// First byte.
    pub start: u32,
    /// One past the last byte.
    pub end: u32,
}

impl PartialEq for Span {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}
impl Eq for Span {}

impl Span {
    /// A span over `start..end` of `file`.
    pub fn new(file: FileId, start: usize, end: usize) -> Self {
        let clamp = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Span {
            file,
            start: clamp(start),
            end: clamp(end.max(start)),
        }
    }

    /// A span from a syntax tree's byte range within `file`.
    pub fn from_range(file: FileId, span: std::ops::Range<usize>) -> Self {
        Span::new(file, span.start, span.end)
    }

    /// The range as a `miette` span.
    pub fn to_miette(self) -> miette::SourceSpan {
        (self.start as usize, (self.end - self.start) as usize).into()
    }

    /// Sort key: file, then offset.
    pub fn key(self) -> (FileId, u32, u32) {
        (self.file, self.start, self.end)
    }
}

/// One loaded source file.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// The path as the user named it (relative paths stay relative), used in diagnostics.
    pub name: String,
    /// The path used to resolve imports next to this file.
    pub path: PathBuf,
    /// The text.
    pub text: Arc<String>,
    /// Byte offsets where lines start, computed on first use.
    lines: std::sync::OnceLock<Vec<usize>>,
}

impl SourceFile {
    /// Byte offsets where lines start.
    fn line_starts(&self) -> &[usize] {
        self.lines.get_or_init(|| {
            // A line ends at LF, and at a CR alone, which KDL reads as a line break too.
            let bytes = self.text.as_bytes();
            std::iter::once(0)
                .chain(bytes.iter().enumerate().filter_map(|(i, b)| {
                    let ends = *b == b'\n' || (*b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
                    ends.then_some(i + 1)
                }))
                .collect()
        })
    }

    /// The line holding byte `offset`: its start and end (without the newline).
    pub fn line_around(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let starts = self.line_starts();
        let line = starts.partition_point(|s| *s <= offset).saturating_sub(1);
        let start = starts.get(line).copied().unwrap_or(0);
        let end = starts
            .get(line + 1)
            .map_or(self.text.len(), |next| next.saturating_sub(1));
        (start, end.max(start))
    }
}

/// Every file that took part in a compilation.
#[derive(Clone, Debug, Default)]
pub struct Sources {
    files: Vec<SourceFile>,
}

impl Sources {
    /// An empty set of sources.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a file and returns its id.
    pub fn add(
        &mut self,
        name: impl Into<String>,
        path: impl Into<PathBuf>,
        text: String,
    ) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
        self.files.push(SourceFile {
            name: name.into(),
            path: path.into(),
            text: Arc::new(text),
            lines: std::sync::OnceLock::new(),
        });
        id
    }

    /// The file with this id.
    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    /// All files, in load order.
    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(u32::try_from(i).unwrap_or(u32::MAX)), f))
    }

    /// The file as a `miette` source, named with the user's path.
    pub fn named(&self, id: FileId) -> Option<Snippet> {
        self.get(id).map(|f| {
            // miette breaks lines at LF only: a file of CR-only lines would be shown as one line
            // under another line's number. A CR alone becomes an LF, byte for byte, so every span
            // still points at the same text.
            let text = if has_lone_cr(&f.text) {
                Arc::new(lone_cr_as_lf(&f.text))
            } else {
                f.text.clone()
            };
            Snippet(NamedSource::new(f.name.clone(), text).with_language("kdl"))
        })
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, id: FileId, offset: u32) -> (usize, usize) {
        let Some(file) = self.get(id) else {
            return (1, 1);
        };
        let mut offset = (offset as usize).min(file.text.len());
        while !file.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let starts = file.line_starts();
        let line = starts.partition_point(|s| *s <= offset).max(1);
        let start = starts.get(line - 1).copied().unwrap_or(0);
        let col = file
            .text
            .get(start..offset)
            .map_or(0, |l| l.chars().count())
            + 1;
        (line, col)
    }
}

/// A file as `miette` shows it under a finding. miette counts the column of the snippet's header
/// (`file:LINE:COLUMN`) in bytes, three per Chinese character; this counts characters, as the
/// other formats and editors do.
#[derive(Clone, Debug)]
pub struct Snippet(NamedSource<Arc<String>>);

impl Snippet {
    /// The file's name as the user gave it.
    pub fn name(&self) -> &str {
        self.0.name()
    }

    /// The text shown.
    pub fn text(&self) -> &str {
        self.0.inner()
    }
}

impl SourceCode for Snippet {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let contents = self
            .0
            .read_span(span, context_lines_before, context_lines_after)?;
        // The column is the bytes between the line's start and the span's: only a span read
        // without lines before it (the header's) has one.
        let bytes = contents.column();
        if bytes == 0 {
            return Ok(contents);
        }
        let end = span.offset();
        let column = end
            .checked_sub(bytes)
            .and_then(|start| self.text().get(start..end))
            .map_or(bytes, |before| before.chars().count());
        let mut fixed = MietteSpanContents::new_named(
            self.name().to_owned(),
            contents.data(),
            *contents.span(),
            contents.line(),
            column,
            contents.line_count(),
        );
        if let Some(language) = contents.language() {
            fixed = fixed.with_language(language);
        }
        Ok(Box::new(fixed))
    }
}

/// Whether `text` has a CR that is not followed by an LF.
fn has_lone_cr(text: &str) -> bool {
    text.match_indices('\r')
        .any(|(i, _)| text.as_bytes().get(i + 1) != Some(&b'\n'))
}

/// `text` with every CR that is not followed by an LF replaced by an LF.
fn lone_cr_as_lf(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        if c == '\r' && bytes.get(i + 1) != Some(&b'\n') {
            out.push('\n');
        } else {
            out.push(c);
        }
    }
    out
}

/// Reads the files a description imports. The CLI reads the file system; tests read from memory.
pub trait Loader {
    /// The text of the file at `path`.
    fn load(&self, path: &Path) -> std::io::Result<String>;

    /// Where `path` really is: its canonical path, every symbolic link followed, or `None` when
    /// it cannot be known (no such file, or no file system: the default). Imports are refused
    /// when it lies outside the real project directory; with `None` only the path's text is
    /// checked.
    fn real_path(&self, path: &Path) -> Option<PathBuf> {
        let _ = path;
        None
    }
}

/// A place in a file: a finding's, as a person or a CI annotation reads it: 1-based lines and columns (in characters), as editors and CI
/// annotations count them.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Location {
    /// The file's name as the user gave it.
    pub file: String,
    /// First line.
    pub line: usize,
    /// First column.
    pub column: usize,
    /// Last line.
    pub end_line: usize,
    /// Column just past the end.
    pub end_column: usize,
}

impl Sources {
    /// Where a span is, as lines and columns of its file; `None` for a file not in the set.
    pub fn location(&self, span: Span) -> Option<Location> {
        let file = self.get(span.file)?.name.clone();
        let (line, column) = self.line_col(span.file, span.start);
        let (end_line, end_column) = self.line_col(span.file, span.end.max(span.start));
        Some(Location {
            file,
            line,
            column,
            end_line,
            end_column,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cr_alone_ends_a_line_for_positions_and_for_snippets() {
        let mut sources = Sources::new();
        let text = "app x {\r    a 1\r\n    b 2\r}\r";
        let id = sources.add("cr.kdl", "cr.kdl", text.to_owned());
        let b = text.find('b').unwrap_or(0);
        assert_eq!(sources.line_col(id, u32::try_from(b).unwrap_or(0)), (3, 5));
        let named = sources.named(id).map(|n| n.text().to_owned());
        assert_eq!(named.as_deref(), Some("app x {\n    a 1\r\n    b 2\n}\n"));
    }
}
