//! A loaded input: its files' names and texts, and the way from a byte span to a file, a line
//! and a column.
//!
//! Locations are byte spans. A [`Source`] is usually one file; a portfolio that takes its
//! supply lines from CSV or Excel files (`supplies_from`) has those files attached to it, each
//! at its own range of offsets after the ones before, so that one [`Span`] names a place in
//! any of them and every diagnostic, finding and format works unchanged: [`Source::slice`],
//! [`Source::line_col`] and the snippets look the span's file up first.
//!
//! A worksheet has no text of its own: it is drawn as one ([`SourceFile::is_sheet`]), row *n*
//! on line *n*, its cells separated by [`CELL_SEPARATOR`], so that a cell has a span like any
//! value and a snippet shows its row. The column of a place in a sheet is its cell's column
//! (C is 3), and [`Source::cell`] names it as spreadsheets do (`Purchases!C14`).
//!
//! Lines and columns are computed only when a diagnostic is printed, from a sparse line index
//! built on first use, so a large file that produces no diagnostics never pays for them.

use std::fmt;
use std::sync::{Arc, OnceLock};

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

use crate::quantity::NumberStyle;

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

/// A 1-based line and column; the column counts Unicode scalar values, as editors do (in a
/// sheet, the line is the row and the column the cell's column).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

/// What separates the cells of a row in a sheet's text (see the module's documentation).
pub const CELL_SEPARATOR: &str = " \u{2502} ";

/// The character of [`CELL_SEPARATOR`] that marks a cell's border (a sheet's text never has it
/// in a cell: the drawing replaces it).
pub const CELL_BORDER: char = '\u{2502}';

/// One input, shared cheaply between the diagnostics that point into it: a file, and the
/// files attached to it.
#[derive(Clone)]
pub struct Source(Arc<SourceInner>);

#[derive(Clone)]
struct SourceInner {
    /// The file itself first, at offset 0; then the attached ones, in order of offsets.
    files: Vec<Arc<SourceFile>>,
}

/// One file of a [`Source`]: its name, its text, and where its offsets begin.
pub struct SourceFile {
    name: String,
    text: Box<str>,
    base: usize,
    /// For a sheet drawn as text: the sheet's name and its columns.
    sheet: Option<Sheet>,
    referenced_at: Option<Span>,
    /// How numbers written as text are written in it (a CSV file's declared separators).
    numbers: NumberStyle,
    lines: OnceLock<LineIndex>,
}

impl fmt::Debug for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let files: Vec<(&str, usize)> = self.0.files.iter().map(|f| (f.name.as_str(), f.text.len())).collect();
        f.debug_struct("Source").field("files", &files).finish()
    }
}

impl fmt::Debug for SourceFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SourceFile").field("name", &self.name).field("base", &self.base).finish()
    }
}

/// A worksheet drawn as text: its name, and the sheet column (0-based) of each cell of a line.
#[derive(Debug, Clone)]
struct Sheet {
    name: String,
    columns: Vec<u32>,
}

/// A file too large to attach: the offsets of all files together must fit 32 bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooLarge;

impl Source {
    /// A source named `name` (a path as the user wrote it, or `<stdin>`).
    pub fn new(name: impl Into<String>, text: impl Into<Box<str>>) -> Self {
        Source::of_file(SourceFile::new(name.into(), text.into(), None))
    }

    /// A worksheet drawn as text (see the module's documentation), of the workbook `name`:
    /// the cells of a line are of the sheet's `columns` (0-based: A is 0), in order.
    pub fn sheet(
        name: impl Into<String>,
        sheet: impl Into<String>,
        columns: Vec<u32>,
        text: impl Into<Box<str>>,
    ) -> Self {
        let sheet = Sheet { name: sheet.into(), columns };
        Source::of_file(SourceFile::new(name.into(), text.into(), Some(sheet)))
    }

    fn of_file(file: SourceFile) -> Self {
        Source(Arc::new(SourceInner { files: vec![Arc::new(file)] }))
    }

    /// Attaches `other`'s file after this source's files, as read because of the value at
    /// `referenced_at` (a `supplies_from` path); returns its index among [`Self::files`].
    pub fn attach(&mut self, other: Source, referenced_at: Span) -> Result<usize, TooLarge> {
        let last = self.0.files.last().map_or(0, |f| f.base + f.text.len());
        // One offset between files, so that a span at the very end of one is not in the next.
        let base = last + 1;
        let inner = Arc::try_unwrap(other.0).unwrap_or_else(|shared| (*shared).clone());
        let file = inner.files.into_iter().next().expect("a source has a file");
        let file = Arc::try_unwrap(file).unwrap_or_else(|shared| SourceFile {
            numbers: shared.numbers,
            ..SourceFile::new(shared.name.clone(), shared.text.clone(), shared.sheet.clone())
        });
        if base + file.text.len() >= u32::MAX as usize {
            return Err(TooLarge);
        }
        let file = SourceFile { base, referenced_at: Some(referenced_at), lines: OnceLock::new(), ..file };
        let inner = Arc::make_mut(&mut self.0);
        inner.files.push(Arc::new(file));
        Ok(inner.files.len() - 1)
    }

    /// The source, its own file's numbers written in `style` (as a CSV file declares them).
    pub fn with_numbers(mut self, style: NumberStyle) -> Source {
        let inner = Arc::make_mut(&mut self.0);
        if let Some(file) = Arc::get_mut(&mut inner.files[0]) {
            file.numbers = style;
        }
        self
    }

    /// How the numbers of the file `offset` is in are written: as JSON writes them (a `.`
    /// decimal point, no thousands separator) but in a CSV file or a worksheet that declares
    /// another style.
    pub fn numbers_at(&self, offset: usize) -> NumberStyle {
        self.file_at(offset).numbers
    }

    /// The files: the source's own first, then the attached ones.
    pub fn files(&self) -> impl ExactSizeIterator<Item = &SourceFile> {
        self.0.files.iter().map(|f| &**f)
    }

    /// The file at `index` among [`Self::files`].
    pub fn file(&self, index: usize) -> &SourceFile {
        &self.0.files[index]
    }

    /// The file an offset is in (the last one, past the end of all).
    pub fn file_at(&self, offset: usize) -> &SourceFile {
        let files = &self.0.files;
        let n = files.partition_point(|f| f.base <= offset).saturating_sub(1);
        &files[n]
    }

    /// The name shown in locations (of the source's own file).
    pub fn name(&self) -> &str {
        &self.0.files[0].name
    }

    /// The whole text of the source's own file.
    pub fn text(&self) -> &str {
        &self.0.files[0].text
    }

    /// The text of `span`, or `""` if the span does not fall on character boundaries of one
    /// file.
    pub fn slice(&self, span: Span) -> &str {
        let file = self.file_at(span.start as usize);
        let start = span.start as usize - file.base;
        file.text.get(start..start + span.len as usize).unwrap_or_default()
    }

    /// The span of `part`, which must be a sub-slice of one file's text (as the strings
    /// borrowed from it during deserialisation are).
    pub fn span_of(&self, part: &str) -> Option<Span> {
        self.files().find_map(|file| {
            let base = file.text.as_ptr() as usize;
            let start = (part.as_ptr() as usize).checked_sub(base)?;
            (start + part.len() <= file.text.len()).then(|| file.span(start, start + part.len()))
        })
    }

    /// Line and column of a byte offset, in its file.
    pub fn line_col(&self, offset: usize) -> LineCol {
        self.file_at(offset).line_col(offset)
    }

    /// Line and column just past the end of `span`: in a sheet, the column after its cell's.
    pub fn end_line_col(&self, span: Span) -> LineCol {
        let file = self.file_at(span.start as usize);
        let end = file.line_col(span.end().min(file.base + file.text.len()));
        if file.is_sheet() { LineCol { line: end.line, column: end.column + 1 } } else { end }
    }

    /// The cell a span is in, named as spreadsheets do (`Purchases!C14`), if it is in a sheet;
    /// a span over several cells (a row) names their range (`Purchases!A1:H1`).
    pub fn cell(&self, span: Span) -> Option<String> {
        let file = self.file_at(span.start as usize);
        let sheet = file.sheet.as_ref()?;
        let first = file.line_col(span.start as usize);
        let last = file.line_col(span.end().saturating_sub(1).max(span.start as usize));
        let name = cell_name(&sheet.name, first.line, first.column);
        if last == first {
            return Some(name);
        }
        Some(format!("{name}:{}{}", column_letters(last.column), last.line))
    }

    /// Byte offset of a 1-based line and a 1-based column counted in bytes (as `serde_json`
    /// reports them) in the source's own file, clamped to its text.
    pub fn offset_of_line_byte_column(&self, line: usize, column: usize) -> usize {
        let file = &self.0.files[0];
        let text = &*file.text;
        let start = file.lines().start_of(text, line.saturating_sub(1));
        floor_char_boundary(text, (start + column.saturating_sub(1)).min(text.len()))
    }

    /// The part of `span` a label can underline: a span on a very long line (a minified
    /// file) is cut to its first 80 bytes, and a span over several lines one of which is
    /// very long to its first line, so that a snippet never has to show a whole long line.
    pub fn displayable(&self, span: Span) -> Span {
        let file = self.file_at(span.start as usize);
        let bytes = file.text.as_bytes();
        let start = (span.start as usize - file.base).min(bytes.len());
        let end = (span.end() - file.base).min(bytes.len());
        if can_show(bytes, start, end) {
            return span;
        }
        // Its first line, at most MAX_LABEL bytes of it: a span `can_show` accepts. (Rounded
        // down to a character: rounded up, it could be a byte or two too long, and refused.)
        let end = line_end_within(bytes, start, MAX_LABEL).unwrap_or(start + MAX_LABEL);
        file.span(start, floor_char_boundary(&file.text, end))
    }
}

impl SourceFile {
    fn new(name: String, text: Box<str>, sheet: Option<Sheet>) -> Self {
        SourceFile {
            name,
            text,
            base: 0,
            sheet,
            referenced_at: None,
            numbers: NumberStyle::default(),
            lines: OnceLock::new(),
        }
    }

    /// The name shown in locations: the path as the user wrote it (for an attached file, the
    /// path of the file that references it joined to the path it is referenced by).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Its text (for a sheet, the sheet drawn as text).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The offset of its first byte in the [`Source`].
    pub fn base(&self) -> usize {
        self.base
    }

    /// The span of the bytes `start..end` of its text.
    pub fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.base + start, self.base + end)
    }

    /// Whether it is a worksheet drawn as text.
    pub fn is_sheet(&self) -> bool {
        self.sheet.is_some()
    }

    /// Where the file that attached it names it (a `supplies_from` path), if it is attached.
    pub fn referenced_at(&self) -> Option<Span> {
        self.referenced_at
    }

    /// Line and column of an offset of the [`Source`] that is in this file.
    fn line_col(&self, offset: usize) -> LineCol {
        let text = &*self.text;
        let local = floor_char_boundary(text, offset.saturating_sub(self.base).min(text.len()));
        let (line, column) = self.lines().line_col(text, local);
        if let Some(sheet) = &self.sheet {
            // The cell's column: the one of the cells drawn before it on its line.
            let line_start = text[..local].rfind('\n').map_or(0, |n| n + 1);
            let cell = text[line_start..local].matches(CELL_BORDER).count();
            let column = sheet.columns.get(cell).map_or(cell, |&c| c as usize);
            return LineCol { line: line + 1, column: column + 1 };
        }
        LineCol { line: line + 1, column: column + 1 }
    }

    fn lines(&self) -> &LineIndex {
        self.lines.get_or_init(|| LineIndex::new(&self.text))
    }
}

/// The letters of a 1-based column: 1 → `A`, 26 → `Z`, 27 → `AA`.
pub fn column_letters(column: usize) -> String {
    let mut n = column.max(1);
    let mut letters = Vec::new();
    while n > 0 {
        let digit = (n - 1) % 26;
        letters.push(b'A' + digit as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

/// A cell named as spreadsheets do: `Purchases!C14`; a sheet name that is not a plain word is
/// quoted (`'Einkauf 2026'!A1`, `'2026'!A1`, `'O''Brien'!A1`).
pub fn cell_name(sheet: &str, row: usize, column: usize) -> String {
    let plain = sheet.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && sheet.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '.');
    let sheet = if plain { sheet.to_owned() } else { format!("'{}'", sheet.replace('\'', "''")) };
    format!("{sheet}!{}{row}", column_letters(column))
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

fn ceil_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset += 1;
    }
    offset
}

/// Lines longer than this many bytes are not shown whole in a snippet: only the part around
/// the label, [`MARGIN`] bytes either side; and a snippet that would have to show one of
/// them whole after its first line is refused.
const LONG_LINE: usize = 160;
/// Bytes shown either side of a label on a long line.
const MARGIN: usize = 40;
/// The most a label underlines on a long line (see [`Source::displayable`]).
const MAX_LABEL: usize = 80;

/// Where the last line of the span `start..end` lies: a span that ends with its line break
/// ends on the line the break closes.
fn last_line_offset(bytes: &[u8], start: usize, end: usize) -> usize {
    if end > start && bytes[end - 1] == b'\n' { end - 1 } else { end }
}

/// The start of the line holding `offset`, if it is at most `limit` bytes back.
fn line_start_within(bytes: &[u8], offset: usize, limit: usize) -> Option<usize> {
    let from = offset.saturating_sub(limit);
    match memchr::memrchr(b'\n', &bytes[from..offset]) {
        Some(newline) => Some(from + newline + 1),
        None => (from == 0).then_some(0),
    }
}

/// The end of the line holding `offset` (its line break, or the end of the text), if it is
/// at most `limit` bytes on.
fn line_end_within(bytes: &[u8], offset: usize, limit: usize) -> Option<usize> {
    let to = offset.saturating_add(limit).min(bytes.len());
    match memchr::memchr(b'\n', &bytes[offset..to]) {
        Some(newline) => Some(offset + newline),
        None => (to == bytes.len()).then_some(to),
    }
}

/// The start and end of the line holding `offset`, unless it is longer than [`LONG_LINE`].
/// Looks at no more than [`LONG_LINE`] bytes, however long the line.
fn short_line_around(bytes: &[u8], offset: usize) -> Option<(usize, usize)> {
    let start = line_start_within(bytes, offset, LONG_LINE)?;
    let end = line_end_within(bytes, offset, LONG_LINE - (offset - start))?;
    Some((start, end))
}

/// Whether a snippet of `start..end` can be shown without printing a long line whole: a
/// span on one line is shown clipped around it if it is at most [`MAX_LABEL`] long; a span
/// over several lines needs them all to be short.
fn can_show(bytes: &[u8], start: usize, end: usize) -> bool {
    let last = last_line_offset(bytes, start, end);
    let first_line_short = short_line_around(bytes, start).is_some();
    if memchr::memchr(b'\n', &bytes[start..last]).is_some() {
        first_line_short && later_lines_short(bytes, start, last)
    } else {
        first_line_short || end - start <= MAX_LABEL
    }
}

/// Whether the lines of `start..=last` after the first are all at most [`LONG_LINE`] long.
fn later_lines_short(bytes: &[u8], start: usize, last: usize) -> bool {
    let Some(first_break) = memchr::memchr(b'\n', &bytes[start..last]) else { return true };
    let mut line_start = start + first_break + 1;
    loop {
        match line_end_within(bytes, line_start, LONG_LINE) {
            Some(line_end) if line_end >= last => return true,
            Some(line_end) => line_start = line_end + 1,
            None => return false,
        }
    }
}

/// Per 4 KiB chunk of the text: the line breaks and characters before it, and where the
/// line it begins in starts. Finding the line and column of an offset then costs a count
/// within one chunk (a few hundred nanoseconds: the formats for tools locate every place of
/// a problem, a million of them in a large file), however long the file or its lines.
/// Counting with SIMD (`bytecount`) builds it for a 165 MB file in a few milliseconds, and it
/// takes 1 MB.
struct LineIndex {
    chunks: Vec<ChunkStart>,
}

#[derive(Clone, Copy)]
struct ChunkStart {
    breaks_before: usize,
    chars_before: usize,
    line_start: usize,
}

const CHUNK: usize = 4 * 1024;

impl LineIndex {
    fn new(text: &str) -> Self {
        let mut chunks = Vec::with_capacity(text.len() / CHUNK + 2);
        let mut at = ChunkStart { breaks_before: 0, chars_before: 0, line_start: 0 };
        for (n, chunk) in text.as_bytes().chunks(CHUNK).enumerate() {
            chunks.push(at);
            at.breaks_before += bytecount::count(chunk, b'\n');
            at.chars_before += bytecount::num_chars(chunk);
            if let Some(newline) = memchr::memrchr(b'\n', chunk) {
                at.line_start = n * CHUNK + newline + 1;
            }
        }
        chunks.push(at);
        LineIndex { chunks }
    }

    /// The 0-based line and character column of `offset`, a character boundary.
    fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let bytes = text.as_bytes();
        let chunk = &self.chunks[offset / CHUNK];
        let chunk_start = offset / CHUNK * CHUNK;
        let in_chunk = &bytes[chunk_start..offset];
        let line = chunk.breaks_before + bytecount::count(in_chunk, b'\n');
        let line_start = memchr::memrchr(b'\n', in_chunk).map_or(chunk.line_start, |nl| chunk_start + nl + 1);
        (line, self.chars_before(bytes, offset) - self.chars_before(bytes, line_start))
    }

    fn chars_before(&self, bytes: &[u8], offset: usize) -> usize {
        let chunk_start = offset / CHUNK * CHUNK;
        self.chunks[offset / CHUNK].chars_before + bytecount::num_chars(&bytes[chunk_start..offset])
    }

    /// Offset of the start of 0-based `line` (the end of the text past the last line).
    fn start_of(&self, text: &str, line: usize) -> usize {
        if line == 0 {
            return 0;
        }
        // The chunk holding the `line`-th line break: the last one with fewer breaks before it.
        let chunk = self.chunks.partition_point(|at| at.breaks_before < line).saturating_sub(1);
        let mut seen = self.chunks[chunk].breaks_before;
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
    /// The snippet around `span`: its lines and the context lines asked for, in the file the
    /// span is in (a span across files is refused). miette's own `str` implementation scans
    /// from the top of the file for every label; this one looks only near the span. Long
    /// lines are clipped to the part around the span (miette cannot draw a label more than
    /// 65,535 columns in, and nobody wants to read a minified file whole); context lines that
    /// are long are left out.
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let file = self.file_at(span.offset());
        let text = &*file.text;
        let bytes = text.as_bytes();
        let start = span.offset() - file.base;
        let end = start + span.len();
        if end > text.len() || !text.is_char_boundary(start) || !text.is_char_boundary(end) {
            return Err(MietteError::OutOfBounds);
        }
        let header = context_lines_before == 0 && context_lines_after == 0;
        let window = if header {
            // miette asks this for the `file:line:column` header: the span itself.
            start..end
        } else {
            file.snippet(start, end, context_lines_before, context_lines_after).ok_or(MietteError::OutOfBounds)?
        };
        let (line, column) = if header && file.is_sheet() {
            // A sheet's header names the row and the cell's column.
            let at = file.line_col(span.offset());
            (at.line - 1, at.column - 1)
        } else {
            file.lines().line_col(text, window.start)
        };
        let data = &bytes[window.clone()];
        Ok(Box::new(MietteSpanContents::new_named(
            file.name.clone(),
            data,
            SourceSpan::new((file.base + window.start).into(), data.len()),
            line,
            column,
            bytecount::count(data, b'\n') + 1,
        )))
    }
}

impl SourceFile {
    /// The bytes (of its text) a snippet of `start..end` shows, or `None` where [`can_show`]
    /// says it cannot be shown (miette asks for such snippets when it tries to merge those of
    /// two labels, and draws them apart when refused).
    fn snippet(&self, start: usize, end: usize, before: usize, after: usize) -> Option<std::ops::Range<usize>> {
        let text = &*self.text;
        let bytes = text.as_bytes();
        if !can_show(bytes, start, end) {
            return None;
        }
        let first_line = short_line_around(bytes, start);
        let last_line = short_line_around(bytes, last_line_offset(bytes, start, end));
        let mut window_start = match first_line {
            Some((line_start, _)) => line_start,
            None => {
                line_start_within(bytes, start, MARGIN).unwrap_or_else(|| floor_char_boundary(text, start - MARGIN))
            }
        };
        if first_line.is_some() {
            for _ in 0..before {
                match window_start.checked_sub(1).and_then(|previous| short_line_around(bytes, previous)) {
                    Some((line_start, _)) => window_start = line_start,
                    None => break,
                }
            }
        }
        let mut window_end = match last_line {
            Some((_, line_end)) => line_end,
            None => line_end_within(bytes, end, MARGIN).unwrap_or_else(|| ceil_char_boundary(text, end + MARGIN)),
        };
        if last_line.is_some() {
            for _ in 0..after {
                match (window_end < bytes.len()).then(|| short_line_around(bytes, window_end + 1)).flatten() {
                    Some((_, line_end)) => window_end = line_end,
                    None => break,
                }
            }
        }
        Some(window_start..window_end)
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

    fn snippet(source: &Source, span: Span, context: usize) -> Option<(String, usize, usize)> {
        let contents = source.read_span(&span.into(), context, context).ok()?;
        Some((String::from_utf8(contents.data().to_vec()).unwrap(), contents.line(), contents.column()))
    }

    #[test]
    fn header_is_the_span_itself() {
        let source = Source::new("a", "{\n  \"é\": \"x\"\n}\n");
        let x = source.text().find("\"x\"").unwrap();
        assert_eq!(snippet(&source, Span::new(x, x + 3), 0), Some(("\"x\"".into(), 1, 7)));
    }

    #[test]
    fn short_lines_are_shown_whole_with_their_context() {
        let source = Source::new("a", "one\ntwo three\nfour\nfive\n");
        let three = source.text().find("three").unwrap();
        assert_eq!(snippet(&source, Span::new(three, three + 5), 1), Some(("one\ntwo three\nfour".into(), 0, 0)));
    }

    #[test]
    fn a_long_line_is_clipped_around_the_span_without_context() {
        let text = format!("short\n{}needle{}\nshort\n", "é".repeat(5000), "x".repeat(5000));
        let source = Source::new("a", text.clone());
        let needle = text.find("needle").unwrap();
        let span = Span::new(needle, needle + 6);
        assert_eq!(source.displayable(span), span);
        let (data, line, column) = snippet(&source, span, 1).unwrap();
        // Forty bytes either side, on character boundaries: twenty `é`s before.
        assert_eq!(data, format!("{}needle{}", "é".repeat(20), "x".repeat(40)));
        assert_eq!((line, column), (1, 4980));
    }

    #[test]
    fn a_span_that_cannot_be_shown_is_cut_to_one_that_can() {
        let text = format!("{{\"a\": [\n\"{}\"]}}", "x".repeat(5000));
        let source = Source::new("a", text.clone());
        // From the `[` on the first line into the long second line: refused, and cut to its
        // first line.
        let across = Span::new(text.find('[').unwrap(), text.find(']').unwrap() + 1);
        assert_eq!(snippet(&source, across, 1), None);
        let cut = source.displayable(across);
        assert_eq!(source.slice(cut), "[");
        assert!(snippet(&source, cut, 1).is_some());
        // A thousand bytes along the long line: refused, and cut to its first 80 bytes.
        let wide = Span::new(text.find('x').unwrap(), text.find('x').unwrap() + 1000);
        assert_eq!(snippet(&source, wide, 1), None);
        assert_eq!(source.displayable(wide).len, 80);
        assert!(snippet(&source, source.displayable(wide), 1).is_some());
        // On a long line of three-byte characters, 80 bytes end inside one: the cut span
        // ends before it, and can still be shown.
        let text = format!("{}\n{}", "€".repeat(300), "x");
        let source = Source::new("a", text.clone());
        let cut = source.displayable(Span::new(0, text.len()));
        assert_eq!(source.slice(cut), "€".repeat(26));
        assert!(snippet(&source, cut, 1).is_some());
    }

    /// A portfolio with a CSV file and a sheet attached.
    fn attached() -> Source {
        let mut source = Source::new("p.json", "{\"supplies_from\": [\"a.csv\", \"b.xlsx\"]}");
        let csv = Source::new("a.csv", "id;material\nPO-1;lithium\n");
        let sheet = Source::sheet(
            "b.xlsx",
            "Einkauf 2026",
            vec![0, 3],
            format!("id{CELL_SEPARATOR}material\nPO-2{CELL_SEPARATOR}cobalt"),
        );
        assert_eq!(source.attach(csv, Span::new(20, 27)), Ok(1));
        assert_eq!(source.attach(sheet, Span::new(29, 37)), Ok(2));
        source
    }

    #[test]
    fn attached_files_have_their_own_offsets_names_lines_and_columns() {
        let source = attached();
        let csv = source.file(1);
        let lithium = csv.text().find("lithium").unwrap();
        let span = csv.span(lithium, lithium + 7);
        assert!(span.start as usize > source.text().len());
        assert_eq!(source.slice(span), "lithium");
        assert_eq!(source.file_at(span.start as usize).name(), "a.csv");
        assert_eq!(source.line_col(span.start as usize), LineCol { line: 2, column: 6 });
        assert_eq!(source.cell(span), None);
        assert_eq!(source.file_at(span.start as usize).referenced_at(), Some(Span::new(20, 27)));
        // The end of one file is in it, not in the next.
        assert_eq!(source.file_at(csv.base() + csv.text().len()).name(), "a.csv");
        let header = source.read_span(&span.into(), 0, 0).unwrap();
        assert_eq!((header.name(), header.line(), header.column()), (Some("a.csv"), 1, 5));
        // A span across two files is never shown.
        assert!(source.read_span(&Span::new(lithium, csv.base() + 2).into(), 1, 1).is_err());
        assert_eq!(source.span_of(&csv.text()[lithium..lithium + 7]), Some(span));
    }

    #[test]
    fn a_place_in_a_sheet_is_its_row_and_cell() {
        let source = attached();
        let sheet = source.file(2);
        let cobalt = sheet.text().find("cobalt").unwrap();
        let span = sheet.span(cobalt, cobalt + 6);
        assert_eq!(source.slice(span), "cobalt");
        // Column D: the second column drawn.
        assert_eq!(source.line_col(span.start as usize), LineCol { line: 2, column: 4 });
        assert_eq!(source.end_line_col(span), LineCol { line: 2, column: 5 });
        assert_eq!(source.cell(span).as_deref(), Some("'Einkauf 2026'!D2"));
        let row = sheet.span(sheet.text().find("PO-2").unwrap(), sheet.text().len());
        assert_eq!(source.cell(row).as_deref(), Some("'Einkauf 2026'!A2:D2"));
        let header = source.read_span(&span.into(), 0, 0).unwrap();
        assert_eq!((header.name(), header.line(), header.column()), (Some("b.xlsx"), 1, 3));
        let snippet = source.read_span(&span.into(), 1, 1).unwrap();
        assert_eq!(std::str::from_utf8(snippet.data()).unwrap(), sheet.text());
    }

    #[test]
    fn cells_are_named_as_spreadsheets_name_them() {
        assert_eq!(column_letters(1), "A");
        assert_eq!(column_letters(26), "Z");
        assert_eq!(column_letters(27), "AA");
        assert_eq!(column_letters(702), "ZZ");
        assert_eq!(column_letters(703), "AAA");
        assert_eq!(column_letters(16384), "XFD");
        assert_eq!(cell_name("Purchases", 14, 3), "Purchases!C14");
        assert_eq!(cell_name("2026", 1, 1), "'2026'!A1");
        assert_eq!(cell_name("O'Brien", 1, 1), "'O''Brien'!A1");
    }

    #[test]
    fn columns_on_a_long_line_count_characters() {
        let text = format!("{}x", "é".repeat(200_000));
        let source = Source::new("a", text.clone());
        assert_eq!(source.line_col(text.len() - 1), LineCol { line: 1, column: 200_001 });
    }

    mod rendering {
        use proptest::prelude::*;

        use crate::diagnostic::Diagnostic;
        use crate::source::{Source, Span};

        /// Lines of any length (up to a minified file's), some with multi-byte characters.
        fn text() -> impl Strategy<Value = String> {
            let line = prop_oneof![
                3 => "[a-z \"{}:,0-9]{0,60}",
                1 => "[a-zé€ ]{100,400}",
                1 => (1usize..40_000).prop_map(|n| "é,".repeat(n)),
            ];
            proptest::collection::vec(line, 1..6).prop_map(|lines| lines.join("\n"))
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(1_000))]

            /// Any labels on any text render without a panic, and no printed line is much
            /// wider than a long source line is allowed to be.
            #[test]
            fn any_labels_render_narrowly(text in text(), spans in proptest::collection::vec((0.0f64..1.0, 0.0f64..1.0), 1..4)) {
                let source = Source::new("p.json", text.clone());
                let mut diagnostic = Diagnostic::new(crate::diagnostic::Code::Syntax, "m");
                for (a, b) in spans {
                    let at = |f: f64| {
                        let mut o = (f * text.len() as f64) as usize;
                        while !text.is_char_boundary(o) { o -= 1; }
                        o
                    };
                    let (start, end) = (at(a.min(b)), at(a.max(b)));
                    diagnostic = diagnostic.with_label(Span::new(start, end), "label");
                }
                let mut out = String::new();
                miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
                    .with_width(100)
                    .with_context_lines(1)
                    .render_report(&mut out, &diagnostic.render(Some(&source)))
                    .unwrap();
                let widest = out.lines().map(|l| l.chars().count()).max().unwrap_or(0);
                prop_assert!(widest < 400, "a line of {} characters", widest);
            }
        }
    }
}
