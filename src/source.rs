//! A loaded input file: its name, its text, and the way from a byte span to a line and column.
//!
//! Locations are byte spans into the text. Lines and columns are computed only when a
//! diagnostic is printed, from a sparse line index built on first use, so a large file that
//! produces no diagnostics never pays for them.

use std::fmt;
use std::sync::{Arc, OnceLock};

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

/// A byte range in a [`Source`]'s text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    /// Offset of the first byte.
    pub start: u32,
    /// Number of bytes.
    pub len: u32,
}

impl Span {
    /// The span from `start` to `end` (exclusive), clamped to what a `u32` holds.
    pub fn new(start: usize, end: usize) -> Self {
        let start = u32::try_from(start).unwrap_or(u32::MAX);
        let end = u32::try_from(end).unwrap_or(u32::MAX).max(start);
        Span { start, len: end - start }
    }

    /// An empty span at `offset`.
    pub fn at(offset: usize) -> Self {
        Span::new(offset, offset)
    }

    /// Offset one past the last byte.
    pub fn end(self) -> usize {
        self.start as usize + self.len as usize
    }
}

impl From<Span> for SourceSpan {
    fn from(span: Span) -> Self {
        SourceSpan::new((span.start as usize).into(), span.len as usize)
    }
}

/// A 1-based line and column; the column counts Unicode scalar values, as editors do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

/// One input file, shared cheaply between the diagnostics that point into it.
#[derive(Clone)]
pub struct Source(Arc<SourceInner>);

struct SourceInner {
    name: String,
    text: Box<str>,
    lines: OnceLock<LineIndex>,
}

impl fmt::Debug for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Source").field("name", &self.0.name).field("len", &self.0.text.len()).finish()
    }
}

impl Source {
    /// A source named `name` (a path as the user wrote it, or `<stdin>`).
    pub fn new(name: impl Into<String>, text: impl Into<Box<str>>) -> Self {
        Source(Arc::new(SourceInner { name: name.into(), text: text.into(), lines: OnceLock::new() }))
    }

    /// The name shown in locations.
    pub fn name(&self) -> &str {
        &self.0.name
    }

    /// The whole text.
    pub fn text(&self) -> &str {
        &self.0.text
    }

    /// The text of `span`, or `""` if the span does not fall on character boundaries.
    pub fn slice(&self, span: Span) -> &str {
        self.text().get(span.start as usize..span.end()).unwrap_or_default()
    }

    /// The span of `part`, which must be a sub-slice of [`Source::text`] (as the strings
    /// borrowed from it during deserialisation are).
    pub fn span_of(&self, part: &str) -> Option<Span> {
        let base = self.text().as_ptr() as usize;
        let start = (part.as_ptr() as usize).checked_sub(base)?;
        (start + part.len() <= self.text().len()).then(|| Span::new(start, start + part.len()))
    }

    /// Line and column of a byte offset.
    pub fn line_col(&self, offset: usize) -> LineCol {
        let text = self.text();
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let (line, line_start) = self.lines().line_of(text, offset);
        LineCol { line: line + 1, column: text[line_start..offset].chars().count() + 1 }
    }

    /// Byte offset of a 1-based line and a 1-based column counted in bytes (as `serde_json`
    /// reports them), clamped to the text.
    pub fn offset_of_line_byte_column(&self, line: usize, column: usize) -> usize {
        let text = self.text();
        let start = self.lines().start_of(text, line.saturating_sub(1));
        floor_char_boundary(text, (start + column.saturating_sub(1)).min(text.len()))
    }

    fn lines(&self) -> &LineIndex {
        self.0.lines.get_or_init(|| LineIndex::new(&self.0.text))
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The number of line breaks before each 64 KiB chunk of the text, so that finding a line
/// costs one lookup and a count within one chunk. Counting with SIMD (`bytecount`) builds it
/// for a 165 MB file in a few milliseconds, and it takes 20 KB.
struct LineIndex {
    breaks_before: Vec<usize>,
}

const CHUNK: usize = 64 * 1024;

fn count_breaks(bytes: &[u8]) -> usize {
    bytecount::count(bytes, b'\n')
}

impl LineIndex {
    fn new(text: &str) -> Self {
        let mut breaks_before = Vec::with_capacity(text.len() / CHUNK + 1);
        let mut total = 0;
        for chunk in text.as_bytes().chunks(CHUNK) {
            breaks_before.push(total);
            total += count_breaks(chunk);
        }
        breaks_before.push(total);
        LineIndex { breaks_before }
    }

    /// The 0-based line containing `offset`, and where that line starts.
    fn line_of(&self, text: &str, offset: usize) -> (usize, usize) {
        let bytes = text.as_bytes();
        let chunk = offset / CHUNK;
        let line = self.breaks_before[chunk] + count_breaks(&bytes[chunk * CHUNK..offset]);
        let line_start = memchr::memrchr(b'\n', &bytes[..offset]).map_or(0, |nl| nl + 1);
        (line, line_start)
    }

    /// Offset of the start of 0-based `line` (the end of the text past the last line).
    fn start_of(&self, text: &str, line: usize) -> usize {
        if line == 0 {
            return 0;
        }
        // The chunk holding the `line`-th line break: the last one with fewer breaks before it.
        let chunk = self.breaks_before.partition_point(|&before| before < line).saturating_sub(1);
        let mut seen = self.breaks_before[chunk];
        let from = chunk * CHUNK;
        for newline in memchr::memchr_iter(b'\n', &text.as_bytes()[from.min(text.len())..]) {
            seen += 1;
            if seen == line {
                return from + newline + 1;
            }
        }
        text.len()
    }
}

impl SourceCode for Source {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let text = self.text();
        let bytes = text.as_bytes();
        let start = span.offset();
        let end = start + span.len();
        if end > text.len() {
            return Err(MietteError::OutOfBounds);
        }
        // Window: from the start of the line `context_lines_before` above the span to the end
        // of the line `context_lines_after` below it. miette's own `str` implementation scans
        // from the top of the file for every label; this one looks only near the span.
        let mut window_start = memchr::memrchr(b'\n', &bytes[..start]).map_or(0, |nl| nl + 1);
        for _ in 0..context_lines_before {
            if window_start == 0 {
                break;
            }
            window_start = memchr::memrchr(b'\n', &bytes[..window_start - 1]).map_or(0, |nl| nl + 1);
        }
        let mut window_end = end;
        if !span.is_empty() && bytes[end - 1] == b'\n' {
            window_end -= 1;
        }
        window_end = memchr::memchr(b'\n', &bytes[window_end..]).map_or(text.len(), |nl| window_end + nl);
        for _ in 0..context_lines_after {
            if window_end >= text.len() {
                break;
            }
            window_end = memchr::memchr(b'\n', &bytes[window_end + 1..]).map_or(text.len(), |nl| window_end + 1 + nl);
        }
        let data = &bytes[window_start..window_end];
        let first_line = self.lines().line_of(text, window_start).0;
        let line_count = memchr::memchr_iter(b'\n', data).count() + 1;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name().to_owned(),
            data,
            SourceSpan::new(window_start.into(), data.len()),
            first_line,
            0,
            line_count,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_of_offsets() {
        let source = Source::new("a.json", "{\n  \"a\": 1,\n  \"é\": 2\n}\n");
        assert_eq!(source.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(source.line_col(4), LineCol { line: 2, column: 3 });
        // "é" is two bytes but one column.
        let two = source.text().find('2').unwrap();
        assert_eq!(source.line_col(two), LineCol { line: 3, column: 8 });
        assert_eq!(source.offset_of_line_byte_column(3, 9), two);
    }

    #[test]
    fn line_index_crosses_chunks() {
        // Lines of 100 bytes and more: many 64 KiB chunks, with lines across their borders.
        let text: String = (0..3000).map(|n| format!("line {n:>95}\n")).collect();
        let source = Source::new("big", text.clone());
        for n in [0, 1, 127, 128, 129, 255, 256, 654, 655, 656, 999, 1310, 2999] {
            let offset = text.find(&format!("line {n:>95}\n")).unwrap();
            assert_eq!(source.line_col(offset + 2).line, n + 1, "line {n}");
            assert_eq!(source.offset_of_line_byte_column(n + 1, 1), offset, "line {n}");
        }
    }

    #[test]
    fn span_of_sub_slice() {
        let source = Source::new("a", "hello world");
        let world = &source.text()[6..];
        assert_eq!(source.span_of(world), Some(Span::new(6, 11)));
        assert_eq!(source.span_of("elsewhere"), None);
    }
}
