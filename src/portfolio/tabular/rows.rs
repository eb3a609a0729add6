//! The rows of a table's text (a CSV file's, or a worksheet's as drawn), read into supply
//! records and checked and summed by the [`LedgerBuilder`]. A large table is read in parts,
//! one per processor, each into a builder of its own, and the builders added up in order
//! (see [`read_in_parts`]): the result is the one of reading row after row.
//!
//! Every cell of every row is checked for its format (a number under the declared separators,
//! a known unit and grade, a two-letter country code, a value where one is required), and a
//! row is a record only if all its cells are right: the errors of all rows are reported at
//! once, each at its cell, grouped where the same mistake repeats (`Problems`).

use std::borrow::Cow;

use super::columns::{self, Columns, Field};
use super::csv::{Records, Unescaped};
use super::delimiter::{self, Detected};
use super::options::FIELDS;
use super::options::delimiter_name;
use super::{Cell, Spec};
use crate::diagnostic::{Code, Diagnostic};
use crate::portfolio::build::LedgerBuilder;
use crate::portfolio::record::{self, Refused, SupplyRecord};
use crate::quantity::{self as number, NumberError, NumberStyle};
use crate::quantity::{Decimal, DecimalError};
use crate::reference::{Reference, is_country_code};
use crate::source::{CELL_SEPARATOR, Source, SourceFile, Span};

/// Reads the rows of the table at `index` of `source` (opened with `opened`'s notes and
/// ignored headers) into `builder`.
pub(crate) fn feed<'de, 'r: 'de>(
    source: &'de Source,
    index: usize,
    spec: &Spec<'_>,
    opened: (Vec<Diagnostic>, Vec<String>),
    reference: &'r Reference,
    builder: LedgerBuilder<'de, 'r>,
) -> LedgerBuilder<'de, 'r> {
    let cut = |text: &str, from: usize| part_starts(text, from, parts());
    feed_cut(source, index, spec, opened, reference, builder, &cut)
}

/// [`feed`], with the rows cut into parts where `cut` says: where each part but the first
/// starts, given the text and where its rows start.
fn feed_cut<'de, 'r: 'de>(
    source: &'de Source,
    index: usize,
    spec: &Spec<'_>,
    (notes, mut ignored): (Vec<Diagnostic>, Vec<String>),
    reference: &'r Reference,
    mut builder: LedgerBuilder<'de, 'r>,
    cut: &dyn Fn(&str, usize) -> Vec<usize>,
) -> LedgerBuilder<'de, 'r> {
    for note in notes {
        builder.diagnostic(note);
    }
    let file = source.file(index);
    let mut rows = match Rows::new(file, spec) {
        Ok(rows) => rows,
        Err(error) => {
            builder.diagnostic(error);
            return builder;
        }
    };
    let mut cells = Vec::new();
    let Some(header) = rows.next(&mut cells) else {
        builder.diagnostic(
            Diagnostic::new(Code::TableHeader, format!("`{}` has no header row: it is empty", file.name()))
                .with_label(file.span(0, 0), "empty")
                .with_help("the first row names the columns: `id`, `material`, `amount`, `unit` …"),
        );
        return builder;
    };
    if let Some(quote) = header.unclosed_quote {
        builder.diagnostic(unclosed_quote(quote));
        return builder;
    }
    let columns = match columns::map_header(&cells, header.span, spec, &mut ignored) {
        Ok(columns) => columns,
        Err(errors) => {
            for error in errors {
                builder.diagnostic(error);
            }
            return builder;
        }
    };
    if !ignored.is_empty() {
        let (count, they) = match ignored.len() {
            1 => ("1 column is".to_owned(), "it holds"),
            n => (format!("{n} columns are"), "they hold"),
        };
        let listed: Vec<String> = ignored.iter().map(|h| format!("`{h}`")).collect();
        builder.diagnostic(
            Diagnostic::new(
                Code::UnknownColumns,
                format!("{count} not supply fields and ignored: {}", listed.join(", ")),
            )
            .with_label(header.span, "the header")
            .with_help(format!(
                "nothing to do if {they} no supply field; otherwise map the field with {}",
                spec.declaration("columns", "{…}")
            )),
        );
    }
    let unit = match declared_unit(spec, reference) {
        Ok(unit) => unit,
        Err(error) => {
            builder.diagnostic(error);
            return builder;
        }
    };
    let reader = RowReader { columns, width: cells.len(), style: spec.style(), reference, unit };
    // By column: the field it holds, if it is read (the supplier's cells are not).
    let mut field_at = vec![None; reader.width];
    for (field, column) in reader.columns.at.iter().enumerate() {
        if let Some(column) = column
            && field != Field::SUPPLIER.0
        {
            field_at[*column] = Some(field);
        }
    }
    let part = Part { reader, field_at, source, file, spec };
    let starts = cut(file.text(), rows.next_start());
    read_in_parts(&part, rows, &starts, builder)
}

/// Rows are read in parts of at least this many bytes.
const PART_BYTES: usize = 1 << 20;

/// How many parts to read at once: one per processor.
fn parts() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from).min(8)
}

/// Where each part but the first starts, for `parts` parts of the rows in `text` from
/// `from`: after a line break near an even cut (a line break inside quotes is noticed when
/// the part before is read, see [`read_in_parts`]); none for a small table.
fn part_starts(text: &str, from: usize, parts: usize) -> Vec<usize> {
    let length = text.len().saturating_sub(from);
    let parts = parts.min(length / PART_BYTES).max(1);
    let mut starts: Vec<usize> = Vec::new();
    for k in 1..parts {
        let cut = from + length / parts * k;
        let Some(line_break) = memchr::memchr(b'\n', &text.as_bytes()[cut..]) else { break };
        let start = cut + line_break + 1;
        if start < text.len() && starts.last().is_none_or(|&last| last < start) {
            starts.push(start);
        }
    }
    starts
}

/// Reads the rows into `builder`: the part up to the first of `starts` here, each other part
/// on a thread of its own into a builder of its own (`LedgerBuilder::fork`), added in order
/// (`LedgerBuilder::append`), so that the result is the one of reading the rows one by one.
/// A part is only right if the part before it ended where it starts: if a quoted value ran
/// across its start, or a builder cannot be added exactly, the rows from there on are read
/// here again, one by one.
fn read_in_parts<'de, 'r: 'de>(
    part: &Part<'de, 'r, '_>,
    mut rows: Rows<'de>,
    starts: &[usize],
    mut builder: LedgerBuilder<'de, 'r>,
) -> LedgerBuilder<'de, 'r> {
    let Some(&first_end) = starts.first() else {
        part.read(&mut rows, usize::MAX, &mut builder);
        return builder;
    };
    std::thread::scope(|scope| {
        let others: Vec<_> = starts
            .iter()
            .enumerate()
            .map(|(k, &start)| {
                let end = starts.get(k + 1).copied().unwrap_or(usize::MAX);
                let (mut rows, mut builder) = (rows.starting_at(start), builder.fork());
                // A reader of its own: one shared would share cache lines with what others write.
                let part = part.clone();
                scope.spawn(move || {
                    let whole = part.read(&mut rows, end, &mut builder);
                    (rows, builder, whole)
                })
            })
            .collect();
        let mut whole = part.read(&mut rows, first_end, &mut builder);
        for other in others {
            let (later_rows, later, later_whole) =
                other.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            if whole && builder.append(later).is_ok() {
                (rows, whole) = (later_rows, later_whole);
                continue;
            }
            part.read(&mut rows, usize::MAX, &mut builder);
            break;
        }
        builder
    })
}

/// What reading a part of the rows needs.
#[derive(Clone)]
struct Part<'de, 'r, 's> {
    reader: RowReader<'r>,
    /// By column: the field it holds, if it is read.
    field_at: Vec<Option<usize>>,
    source: &'de Source,
    file: &'de SourceFile,
    spec: &'s Spec<'s>,
}

impl<'de, 'r: 'de> Part<'de, 'r, '_> {
    /// Reads the rows that start before `end` into `builder`; whether the last one read ended
    /// before `end`, so that the rows from `end` on are the ones that follow.
    fn read(&self, rows: &mut Rows<'de>, end: usize, builder: &mut LedgerBuilder<'de, 'r>) -> bool {
        let Part { reader, field_at, source, file, spec } = self;
        loop {
            let mut raw = RawRow { cells: [NO_COLUMN; FIELDS.len()], escaped: Vec::new(), span: Span::default() };
            let mut beyond = false;
            let read = rows.next_with(end, |column, span, value| match field_at.get(column) {
                Some(Some(field)) => {
                    raw.cells[*field] = span;
                    if let Some(value) = value {
                        raw.escaped.push((*field, cell_value(value)));
                    }
                }
                Some(None) => {}
                None => beyond |= span.len > 0,
            });
            let Some((row, count)) = read else { return rows.position() <= end };
            raw.span = row.span;
            reader.read(&row, count, beyond, raw).apply(reader, (source, file), builder, spec);
        }
    }
}

/// The unit a file without a unit column is declared in, as a field of every record.
fn declared_unit<'r>(spec: &Spec<'_>, reference: &'r Reference) -> Result<Option<record::Field<'r>>, Diagnostic> {
    let Some(unit) = &spec.options.unit else { return Ok(None) };
    let span = spec.declared.and_then(|d| d.unit);
    match reference.units.find(unit) {
        Some(id) => Ok(Some(record::Field { text: Cow::Borrowed(&reference.units.get(id).id), span })),
        None => {
            let mut diagnostic = Diagnostic::new(Code::CellValue, format!("unknown unit `{unit}` declared"))
                .with_help(unit_help(reference, unit));
            if let Some(span) = span {
                diagnostic = diagnostic.with_label(span, "not a unit");
            }
            Err(diagnostic)
        }
    }
}

// ---- Rows of text -------------------------------------------------------------------------

/// One row: its place (without its line break), and a quote in it never closed, if any.
pub(super) struct Row {
    pub(super) span: Span,
    pub(super) unclosed_quote: Option<Span>,
}

/// The rows of a table's text, each read into cells (trimmed, with their places); rows whose
/// cells are all empty are skipped.
enum Rows<'t> {
    Csv { records: Box<Records<'t>>, file: &'t SourceFile },
    Sheet { text: &'t str, at: usize, file: &'t SourceFile },
}

impl<'t> Rows<'t> {
    /// The rows of `file`: a worksheet's lines, or a CSV file's records with the declared
    /// delimiter (or the one its header uses).
    fn new(file: &'t SourceFile, spec: &Spec<'_>) -> Result<Self, Diagnostic> {
        let text = file.text();
        if file.is_sheet() {
            return Ok(Rows::Sheet { text, at: 0, file });
        }
        let header_end = text.find(['\n', '\r']).unwrap_or(text.len());
        let header = file.span(0, header_end);
        let delimiter = match (spec.options.delimiter, delimiter::detect(text)) {
            (Some(declared), Detected::One(found)) if declared != found => {
                return Err(Diagnostic::new(
                    Code::TableFormat,
                    format!(
                        "the delimiter is declared {}, but the header has {} and no {}",
                        delimiter_name(declared),
                        delimiter_name(found),
                        delimiter_name(declared)
                    ),
                )
                .with_label(header, "the header")
                .with_help(format!(
                    "declare the delimiter the file uses: {}",
                    spec.declaration("delimiter", &json_delimiter(found))
                )));
            }
            (Some(declared), _) => declared,
            (None, Detected::One(found)) => found,
            (None, Detected::None) if !text.trim().is_empty() => {
                return Err(Diagnostic::new(
                    Code::TableFormat,
                    "the header has no delimiter: none of `,`, `;` and tab separates its columns",
                )
                .with_label(header, "the header")
                .with_help("a supply table has at least the columns `material`, `amount` and `unit`, separated by `,`, `;` or tabs"));
            }
            (None, Detected::None) => b',',
            (None, Detected::Several(found)) => {
                let listed: Vec<String> = found
                    .iter()
                    .map(|&(d, n)| format!("{} {n} {}", delimiter_name(d), if n == 1 { "time" } else { "times" }))
                    .collect();
                return Err(Diagnostic::new(
                    Code::TableFormat,
                    format!("the delimiter cannot be told: the header has {}", listed.join(" and ")),
                )
                .with_label(header, "the header")
                .with_help(format!(
                    "declare the one that separates the columns, such as {}",
                    spec.declaration("delimiter", &json_delimiter(found[0].0))
                )));
            }
        };
        Ok(Rows::Csv { records: Box::new(Records::new(text, delimiter)), file })
    }

    /// The next row with a value, its cells into `cells`; `None` at the end.
    fn next(&mut self, cells: &mut Vec<Cell<'t>>) -> Option<Row> {
        cells.clear();
        let text = self.file().text();
        let base = self.file().base();
        let (row, _) = self.next_with(usize::MAX, |_, span, value| {
            let start = span.start as usize - base;
            let text = value
                .map_or_else(|| Cow::Borrowed(&text[start..start + span.len as usize]), |v| Cow::Owned(cell_value(v)));
            cells.push(Cell { text, span });
        })?;
        Some(row)
    }

    /// The same rows from `at`, where a row starts (or a line break before one).
    fn starting_at(&self, at: usize) -> Self {
        match self {
            Rows::Csv { records, file } => {
                Rows::Csv { records: Box::new(Records::starting_at(file.text(), records.delimiter(), at)), file }
            }
            Rows::Sheet { text, file, .. } => Rows::Sheet { text, at, file },
        }
    }

    /// Where the search for the next row starts: past the last row read.
    fn position(&self) -> usize {
        match self {
            Rows::Csv { records, .. } => records.position(),
            Rows::Sheet { text, at, .. } => (*at).min(text.len()),
        }
    }

    /// Where the next row starts (the end of the text if there is none).
    fn next_start(&self) -> usize {
        match self {
            Rows::Csv { records, .. } => records.next_start(),
            Rows::Sheet { .. } => self.position(),
        }
    }

    fn file(&self) -> &'t SourceFile {
        match self {
            Rows::Csv { file, .. } | Rows::Sheet { file, .. } => file,
        }
    }

    /// The next row with a value, each cell handed to `cell` with its column (from 0): its
    /// place, without the spaces around it, and its value where that is not the text there (a
    /// quoted CSV value with `""` in it); and how many cells the row has. `None` at the end.
    /// (A row without a value hands its empty cells over too, before it is skipped.)
    fn next_with(
        &mut self,
        end: usize,
        mut cell: impl FnMut(usize, Span, Option<Unescaped<'_>>),
    ) -> Option<(Row, usize)> {
        loop {
            if self.next_start() >= end {
                return None;
            }
            let (mut count, mut value) = (0, false);
            let mut each = |span: Span, unescaped: Option<Unescaped<'_>>| {
                value |= span.len > 0;
                cell(count, span, unescaped);
                count += 1;
            };
            let row = match self {
                Rows::Csv { records, file } => {
                    let file: &SourceFile = file;
                    let record = records.next_record_with(|place, unescaped| each(trimmed(file, place), unescaped))?;
                    Row {
                        span: file.span(record.start, record.end),
                        unclosed_quote: record.unclosed_quote.map(|at| file.span(at, at + 1)),
                    }
                }
                Rows::Sheet { text, at, file } => {
                    if *at >= text.len() {
                        return None;
                    }
                    let start = *at;
                    let end = memchr::memchr(b'\n', &text.as_bytes()[start..]).map_or(text.len(), |n| start + n);
                    *at = end + 1;
                    let mut from = start;
                    for part in text[start..end].split(CELL_SEPARATOR) {
                        each(file.span(from, from + part.len()), None);
                        from += part.len() + CELL_SEPARATOR.len();
                    }
                    Row { span: file.span(start, end), unclosed_quote: None }
                }
            };
            if row.unclosed_quote.is_some() || value {
                return Some((row, count));
            }
        }
    }
}

/// A delimiter as JSON writes it.
fn json_delimiter(delimiter: u8) -> String {
    match delimiter {
        b'\t' => "\"\\t\"".to_owned(),
        d => format!("\"{}\"", d as char),
    }
}

/// A cell's value where it is not its text (a quoted value with `""` in it): unescaped, and
/// trimmed as its place is.
fn cell_value(unescaped: Unescaped<'_>) -> String {
    let value = unescaped.value();
    if value.trim().len() == value.len() { value } else { value.trim().to_owned() }
}

/// The place of a CSV field without the spaces around it.
#[inline]
fn trimmed(file: &SourceFile, place: std::ops::Range<usize>) -> Span {
    // Most values have no space around them: a glance at their ends tells.
    let plain = |byte: Option<&u8>| byte.is_none_or(|b| !b.is_ascii_whitespace() && b.is_ascii());
    let bytes = &file.text().as_bytes()[place.clone()];
    if plain(bytes.first()) && plain(bytes.last()) {
        return file.span(place.start, place.end);
    }
    let raw = &file.text()[place.clone()];
    let start = place.start + (raw.len() - raw.trim_start().len());
    let end = (place.start + raw.trim_end().len()).max(start);
    file.span(start, end)
}

// ---- Rows into records --------------------------------------------------------------------
//
// A row is split into the places of its cells (`RawRow`), and a right row (the common case)
// becomes a record read from those places, checked by the builder as a portfolio's supply
// lines are. Where a row looks wrong (a required value missing, a formula, an error value, a
// number that does not read under the declared style) or the builder refuses its record,
// every cell of it is checked (`Item::check`), and each problem reported at its cell.

/// A row, split.
enum Item<'de> {
    /// A row: where its cells are.
    Row(RawRow),
    /// What is wrong with a row as a whole.
    Problem(Problem<'de>),
}

/// A row as split: the place of the cell of each field, read from the text once the row is
/// known to have the cells of the header.
struct RawRow {
    /// By field: its cell's place ([`NO_COLUMN`] for a field the table has no column for).
    cells: [Span; FIELDS.len()],
    /// The cells whose value differs from their text (a quoted value with `""` in it): by
    /// field, the value.
    escaped: Vec<(usize, String)>,
    span: Span,
}

/// The place of a field without a column.
const NO_COLUMN: Span = Span { start: u32::MAX, len: 0 };

/// A row's cells, by field (`None` for a field the table has no column for; an empty cell
/// has an empty text and its place).
struct Values<'de> {
    fields: [Option<record::Field<'de>>; FIELDS.len()],
    /// The row, where a value has no cell of its own to point at.
    span: Span,
}

/// What is wrong with a cell (or a row).
struct Problem<'de> {
    kind: Kind,
    span: Span,
    /// The cell's text, as written.
    text: Cow<'de, str>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A quote opened and never closed.
    UnclosedQuote,
    /// A row with another number of cells than the header.
    Cells {
        found: usize,
        header: usize,
    },
    /// A required value missing.
    Empty(Field),
    /// A number that does not read under the declared separators.
    Number(Field, NumberError),
    /// An amount or content of 0 or less.
    NotPositive(Field),
    /// A content above 1.
    ContentAboveOne,
    UnknownUnit,
    UnknownGrade,
    NotACountryCode(Field),
    /// An Excel error value (`#N/A`).
    ExcelError(Field),
    /// A formula without a cached value.
    Formula(Field),
}

#[derive(Clone)]
struct RowReader<'r> {
    columns: Columns,
    width: usize,
    style: NumberStyle,
    reference: &'r Reference,
    /// The declared unit, for a file without a unit column.
    unit: Option<record::Field<'r>>,
}

/// The fields a supply line cannot do without.
const REQUIRED: [Field; 3] = [Field::MATERIAL, Field::AMOUNT, Field::UNIT];

impl<'r> RowReader<'r> {
    /// A row split, or what is wrong with it as a whole.
    fn read<'de>(&self, row: &Row, cells: usize, beyond: bool, raw: RawRow) -> Item<'de> {
        let whole = |kind| Item::Problem(Problem { kind, span: row.span, text: Cow::Borrowed("") });
        if let Some(quote) = row.unclosed_quote {
            return Item::Problem(Problem { kind: Kind::UnclosedQuote, span: quote, text: Cow::Borrowed("") });
        }
        // Empty cells after the last column are no more than a delimiter too many.
        if cells < self.width || beyond {
            return whole(Kind::Cells { found: cells, header: self.width });
        }
        Item::Row(raw)
    }

    /// A row as a record, read from the text of `file` where its
    /// cells are, if nothing about it needs a closer look (see [`Self::assemble`]); the common
    /// case, without the values of the row gathered first.
    fn fast_record<'de>(&self, row: &RawRow, file: &'de SourceFile) -> Option<SupplyRecord<'de>>
    where
        'r: 'de,
    {
        if !row.escaped.is_empty() {
            return None;
        }
        let (text, base) = (file.text(), file.base());
        self.assemble(|field: Field| {
            let span = row.cells[field.0];
            if span == NO_COLUMN || span.len == 0 {
                return None;
            }
            let start = span.start as usize - base;
            Some(record::Field::borrowed(&text[start..start + span.len as usize], span))
        })
    }

    /// A record of the values `value` gives (`None` for an empty cell), if nothing about
    /// them needs a closer look: every required value given (the unit, or the declared
    /// one), no formula or error value, numbers in JSON syntax (under a declared style,
    /// rewritten into it). Grades are read in any case.
    fn assemble<'de>(&self, value: impl Fn(Field) -> Option<record::Field<'de>>) -> Option<SupplyRecord<'de>>
    where
        'r: 'de,
    {
        let material = value(Field::MATERIAL)?;
        let mut amount = value(Field::AMOUNT)?;
        let unit = match &self.unit {
            Some(unit) => unit.clone(),
            None => value(Field::UNIT)?,
        };
        // Each written out: an array's `map` moves its values through the stack, a cost on
        // every row.
        let (id, mut grade, form, mut content) =
            (value(Field::ID), value(Field::GRADE), value(Field::FORM), value(Field::CONTENT));
        let [extraction, processing, recycling] = Field::ORIGINS;
        let origin = [value(extraction), value(processing), value(recycling)];
        // A formula or an error value, maybe: a closer look.
        let computed = |v: &record::Field<'_>| matches!(v.text.as_bytes().first(), Some(b'=' | b'#'));
        let optional = |v: &Option<record::Field<'_>>| v.as_ref().is_some_and(computed);
        if computed(&material)
            || computed(&amount)
            || computed(&unit)
            || optional(&id)
            || optional(&grade)
            || optional(&form)
            || optional(&content)
            || origin.iter().any(optional)
        {
            return None;
        }
        if self.style != NumberStyle::default() {
            for value in std::iter::once(&mut amount).chain(content.as_mut()) {
                if let Cow::Owned(normal) = number::normalize(&value.text, self.style).ok()? {
                    value.text = Cow::Owned(normal);
                }
            }
        }
        if let Some(grade) = grade.as_mut().filter(|g| g.text.bytes().any(|b| b.is_ascii_uppercase())) {
            grade.text = Cow::Owned(grade.text.to_lowercase());
        }
        Some(SupplyRecord { id, material, grade, amount, unit, form, content, origin })
    }

    /// The values of a row, read from the text of `file` where its
    /// cells are.
    fn values<'de>(&self, row: RawRow, file: &'de SourceFile) -> Values<'de>
    where
        'r: 'de,
    {
        let mut fields: [Option<record::Field<'de>>; FIELDS.len()] = Default::default();
        let text = file.text();
        for (slot, span) in fields.iter_mut().zip(row.cells) {
            if span != NO_COLUMN {
                let start = span.start as usize - file.base();
                *slot = Some(record::Field::borrowed(&text[start..start + span.len as usize], span));
            }
        }
        for (field, value) in row.escaped {
            if let Some(slot) = &mut fields[field] {
                slot.text = Cow::Owned(value);
            }
        }
        if let Some(unit) = &self.unit {
            fields[Field::UNIT.0] = Some(unit.clone());
        }
        Values { fields, span: row.span }
    }

    /// A row's values as a record, if nothing about them needs a closer look (see
    /// [`Self::assemble`]).
    fn record<'de>(&self, values: &Values<'de>) -> Option<SupplyRecord<'de>>
    where
        'r: 'de,
    {
        self.assemble(|field: Field| values.fields[field.0].clone().filter(|v| !v.text.is_empty()))
    }

    /// Adds a record to the ledger; if the builder refuses it, every
    /// cell of its row is checked, to say what is wrong where.
    fn add<'de>(
        &self,
        record: SupplyRecord<'de>,
        source: &Source,
        builder: &mut LedgerBuilder<'de, 'r>,
        spec: &Spec<'_>,
    ) where
        'r: 'de,
    {
        if let Err(refused) = builder.supply(&record) {
            self.check(values_of(record), Some(refused), source, builder, spec);
        }
    }

    /// Every cell of a row checked; its problems reported, or, if it
    /// has none, the row added (unless it was refused already: `refused`).
    fn check<'de>(
        &self,
        values: Values<'de>,
        refused: Option<Refused>,
        source: &Source,
        builder: &mut LedgerBuilder<'de, 'r>,
        spec: &Spec<'_>,
    ) where
        'r: 'de,
    {
        let mut problems: Vec<Problem<'_>> = Vec::new();
        let fields = &values.fields;
        // The text of a cell as written (a number may have been rewritten into JSON syntax).
        let written = |value: &record::Field<'de>| match value.span {
            Some(span) if !value.text.is_empty() => Cow::Owned(source.slice(span).to_owned()),
            _ => value.text.clone(),
        };
        let row = record::Field { text: Cow::Borrowed(""), span: Some(values.span) };
        let mut problem = |kind, value: &record::Field<'de>| {
            problems.push(Problem { kind, span: value.span.unwrap_or(values.span), text: written(value) });
        };
        let mut bad = [false; FIELDS.len()];
        for (n, value) in fields.iter().enumerate() {
            let Some(value) = value.as_ref().filter(|v| !v.text.is_empty()) else { continue };
            if value.text.starts_with('=') {
                problem(Kind::Formula(Field(n)), value);
                bad[n] = true;
            } else if is_excel_error(&value.text) {
                problem(Kind::ExcelError(Field(n)), value);
                bad[n] = true;
            }
        }
        for field in REQUIRED {
            match &fields[field.0] {
                Some(value) if value.text.is_empty() => problem(Kind::Empty(field), value),
                None => problem(Kind::Empty(field), &row),
                Some(_) => {}
            }
        }
        let given = |field: Field| fields[field.0].as_ref().filter(|v| !v.text.is_empty() && !bad[field.0]);
        for field in [Field::AMOUNT, Field::CONTENT] {
            if let Some(value) = given(field)
                && let Err(kind) = self.number(field, &written(value))
            {
                problem(kind, value);
            }
        }
        if let Some(unit) = given(Field::UNIT)
            && self.reference.units.find(&unit.text).is_none()
        {
            problem(Kind::UnknownUnit, unit);
        }
        if let Some(grade) = given(Field::GRADE)
            && self.reference.materials.grade(&grade.text.to_lowercase()).is_none()
        {
            problem(Kind::UnknownGrade, grade);
        }
        for field in Field::ORIGINS {
            if let Some(code) = given(field)
                && !is_country_code(&code.text)
            {
                problem(Kind::NotACountryCode(field), code);
            }
        }
        let found = !problems.is_empty();
        for problem in problems {
            let key = problem.key();
            let (code, span) = (problem.kind.code(), problem.span);
            builder.grouped(code, &key, span, |code, span| problem.diagnostic(code, span, spec, self.reference));
        }
        if found {
            return;
        }
        match refused {
            // Refused for a reason these checks do not see: fail closed, visibly.
            Some(refused) => builder.diagnostic(
                Diagnostic::new(Code::CellValue, format!("a cell is refused: {}", refused.what))
                    .with_label(refused.span.unwrap_or(values.span), refused.what),
            ),
            // Its cells are right: added, and refused (above) if the builder refuses it.
            None => match self.record(&values) {
                Some(record) => self.add(record, source, builder, spec),
                None => builder.diagnostic(
                    Diagnostic::new(Code::CellValue, "a row that cannot be read").with_label(values.span, "this row"),
                ),
            },
        }
    }

    /// Whether `text` is a number for `field` under the declared style: `Err` says why not.
    fn number(&self, field: Field, text: &str) -> Result<(), Kind> {
        let normal = number::normalize(text, self.style).map_err(|error| Kind::Number(field, error))?;
        match Decimal::parse(&normal) {
            Ok(number) if number.is_zero() => Err(Kind::NotPositive(field)),
            Ok(number) if field == Field::CONTENT && number > Decimal::ONE => Err(Kind::ContentAboveOne),
            Err(DecimalError::Negative) => Err(Kind::NotPositive(field)),
            Err(DecimalError::NotANumber) => Err(Kind::Number(field, number::why_not(text, self.style))),
            // Too precise, out of range: the builder says so, in the words it uses for JSON.
            Ok(_) | Err(_) => Ok(()),
        }
    }
}

/// The error values Excel shows in a cell.
const EXCEL_ERRORS: [&str; 12] = [
    "#N/A",
    "#DIV/0!",
    "#VALUE!",
    "#REF!",
    "#NAME?",
    "#NUM!",
    "#NULL!",
    "#DATA!",
    "#GETTING_DATA",
    "#SPILL!",
    "#CALC!",
    "#FIELD!",
];

fn is_excel_error(text: &str) -> bool {
    text.starts_with('#') && EXCEL_ERRORS.iter().any(|e| e.eq_ignore_ascii_case(text))
}

/// A record as the values of a row, to check them.
fn values_of(record: SupplyRecord<'_>) -> Values<'_> {
    let mut fields: [Option<record::Field<'_>>; FIELDS.len()] = Default::default();
    let span = record.amount.span.unwrap_or_default();
    let [extraction, processing, recycling] = record.origin;
    for (field, value) in [
        (Field::ID, record.id),
        (Field::MATERIAL, Some(record.material)),
        (Field::GRADE, record.grade),
        (Field::AMOUNT, Some(record.amount)),
        (Field::UNIT, Some(record.unit)),
        (Field::FORM, record.form),
        (Field::CONTENT, record.content),
        (Field::ORIGINS[0], extraction),
        (Field::ORIGINS[1], processing),
        (Field::ORIGINS[2], recycling),
    ] {
        fields[field.0] = value;
    }
    Values { fields, span }
}

// ---- Into the builder -----------------------------------------------------------------------

impl<'de> Item<'de> {
    fn apply<'r: 'de>(
        self,
        reader: &RowReader<'r>,
        (source, file): (&'de Source, &'de SourceFile),
        builder: &mut LedgerBuilder<'de, 'r>,
        spec: &Spec<'_>,
    ) {
        match self {
            Item::Row(row) => {
                if let Some(record) = reader.fast_record(&row, file) {
                    return reader.add(record, source, builder, spec);
                }
                let values = reader.values(row, file);
                match reader.record(&values) {
                    Some(record) => reader.add(record, source, builder, spec),
                    None => reader.check(values, None, source, builder, spec),
                }
            }
            Item::Problem(problem) => {
                let key = problem.key();
                let (code, span) = (problem.kind.code(), problem.span);
                builder.grouped(code, &key, span, |code, span| problem.diagnostic(code, span, spec, reader.reference));
            }
        }
    }
}

impl Kind {
    fn code(self) -> Code {
        match self {
            Kind::UnclosedQuote | Kind::Cells { .. } => Code::TableFormat,
            _ => Code::CellValue,
        }
    }
}

impl Problem<'_> {
    /// What groups this problem with others: the same mistake (and, for a value not
    /// known, the same value). A group has one message for all its places, so the message of
    /// a mistake grouped whatever its value (a decimal comma, a date) does not quote it: the
    /// snippet shows each.
    fn key(&self) -> String {
        match self.kind {
            Kind::UnknownUnit
            | Kind::UnknownGrade
            | Kind::NotACountryCode(_)
            | Kind::ExcelError(_)
            | Kind::Number(_, NumberError::NotANumber)
                if !self.is_date() =>
            {
                format!("{:?}:{}", self.kind, self.text)
            }
            kind if self.is_date() => format!("{kind:?}:date"),
            kind => format!("{kind:?}"),
        }
    }

    /// Whether the value is a date (`2026-03-01`, as a date cell of a workbook reads).
    fn is_date(&self) -> bool {
        let text = self.text.as_bytes();
        matches!(self.kind, Kind::Number(_, NumberError::NotANumber))
            && text.len() >= 10
            && text[4] == b'-'
            && text[7] == b'-'
    }

    fn diagnostic(&self, code: Code, span: Span, spec: &Spec<'_>, reference: &Reference) -> Diagnostic {
        let text = &self.text;
        let (message, label, help): (String, &str, String) = match self.kind {
            Kind::UnclosedQuote => return unclosed_quote(span).with_help(
                "close the quote; a quote inside a quoted value is written twice (\"say \"\"hi\"\"\")",
            ),
            Kind::Cells { found, header } => (
                format!("this row has {found} cells; the header has {header}"),
                "this row",
                "every row has as many cells as the header; a value with the delimiter in it is quoted (\"Müller; Söhne\")"
                    .to_owned(),
            ),
            Kind::Empty(field) => (
                format!("a row without {}", a(field)),
                "empty",
                "every supply line has a material, an amount and a unit".to_owned(),
            ),
            Kind::Number(field, NumberError::DecimalComma) => (
                format!("{} with a decimal comma, where the decimal separator is `.`", a(field)),
                "a decimal comma?",
                format!(
                    "if the file writes decimals with a comma, declare it with {} (and {}, if it groups thousands with a point){}",
                    spec.syntax("decimal", "\",\""),
                    spec.syntax("thousands", "\".\""),
                    spec.place(),
                ) + &number_help(field),
            ),
            Kind::Number(field, NumberError::DecimalPoint) => (
                format!("{} with a decimal point, where the declared decimal separator is `,`", a(field)),
                "a decimal point?",
                format!(
                    "write it with a decimal comma, or, if the point groups thousands, declare it: {}",
                    spec.declaration("thousands", "\".\"")
                ) + &number_help(field),
            ),
            Kind::Number(field, NumberError::Grouping) => (
                format!("{} that does not read under the declared separators", a(field)),
                "digits not in groups of three",
                "a thousands separator stands between groups of three digits (`1.234.567,5`)".to_owned() + &number_help(field),
            ),
            Kind::Number(field, NumberError::NotANumber) => {
                if self.is_date() {
                    (
                        format!("a date where {} belongs", a(field)),
                        "a date",
                        "is the cell formatted as a date? Write the number, formatted as a number".to_owned(),
                    )
                } else {
                    (
                        format!("`{text}` is not a number"),
                        "not a number",
                        "write the number alone, in digits, with its unit in the unit column".to_owned() + &number_help(field),
                    )
                }
            }
            Kind::NotPositive(field) => (
                format!("{} not greater than 0", a(field)),
                "not greater than 0",
                "an amount is what a line supplied, more than 0; leave out lines of nothing".to_owned(),
            ),
            Kind::ContentAboveOne => (
                "a content above 1: it is a fraction, at most 1".to_owned(),
                "more than 1",
                "content is the share of the amount that is the material: 45% is 0.45".to_owned(),
            ),
            Kind::UnknownUnit => (
                format!("unknown unit `{text}`"),
                "not a unit",
                unit_help(reference, text),
            ),
            Kind::UnknownGrade => {
                let grades: Vec<String> = reference.materials.grades().map(|g| format!("`{}`", g.id)).collect();
                let close = crate::suggest::did_you_mean(text, reference.materials.grades().map(|g| g.id.as_str()));
                let help = match close {
                    Some(close) => format!("did you mean `{close}`? The grades are {}", grades.join(", ")),
                    None => format!("the grades are {}", grades.join(", ")),
                };
                (format!("unknown grade `{text}`"), "not a grade", help)
            }
            Kind::NotACountryCode(field) => {
                let (help, _) = reference.countries.code_advice(text);
                (format!("`{text}` is not a two-letter country code ({})", field.name()), "not a country code", help)
            }
            Kind::ExcelError(field) => (
                format!("the cell shows the error `{text}`, not {}", a(field)),
                "an error value",
                "fix the formula (or the data it reads) in the workbook, or write the value".to_owned(),
            ),
            Kind::Formula(field) => (
                format!("a formula without a calculated value, where {} belongs", a(field)),
                "not calculated",
                "the file was saved by a program that does not calculate formulas: open it in Excel or LibreOffice and save it, so that each formula's value is stored (crma-check never calculates formulas)".to_owned(),
            ),
        };
        let mut diagnostic = Diagnostic::new(code, message).with_label(span, label).with_help(help);
        // Under a declared convention, the declaration is part of the story.
        if let (Kind::Number(_, NumberError::DecimalPoint | NumberError::Grouping), Some(declared)) =
            (self.kind, spec.declared)
        {
            for at in [declared.decimal, declared.thousands].into_iter().flatten() {
                diagnostic = diagnostic.with_label(at, "declared here");
            }
        }
        diagnostic
    }
}

/// A field's value, with its article ("an amount").
fn a(field: Field) -> String {
    match field.name() {
        "id" => "an id".to_owned(),
        name @ ("amount" | "extraction") => format!("an {name}"),
        name => format!("a {name}"),
    }
}

fn number_help(field: Field) -> String {
    if field == Field::CONTENT { "; a content is a fraction, such as 0.45".to_owned() } else { String::new() }
}

fn unit_help(reference: &Reference, text: &str) -> String {
    let units: Vec<String> = reference.units.all().map(|u| format!("`{}`", u.id)).collect();
    match reference.units.advice_for(text) {
        Some(advice) => advice.to_owned(),
        None => format!("the units are {} (case matters: `Mt` is a million tonnes)", units.join(", ")),
    }
}

fn unclosed_quote(at: Span) -> Diagnostic {
    Diagnostic::new(Code::TableFormat, "a quote is opened and never closed: the rest of the file would be one cell")
        .with_label(at, "opened here")
}

#[cfg(test)]
mod tests {
    use rand::{Rng, SeedableRng};

    use super::*;
    use crate::portfolio::tabular::TableOptions;

    /// The portfolio (or the errors) of the CSV `text`, its rows read in parts starting at
    /// `starts`, written out whole.
    fn read(text: &str, starts: &[usize]) -> String {
        let reference = Reference::builtin();
        let options = TableOptions::default();
        let spec = Spec { options: &options, declared: None };
        let source = Source::new("purchases.csv", text.to_owned());
        let builder = LedgerBuilder::new(&source, reference, None);
        let cut = |_: &str, _: usize| starts.to_vec();
        let builder = feed_cut(&source, 0, &spec, (Vec::new(), Vec::new()), reference, builder, &cut);
        format!("{:?}", builder.finish(None, 2030, &[]))
    }

    /// A random supply table: right rows, and, unless `clean`, rows with mistakes of every
    /// kind (if `noisy`, far more distinct ones than are shown); quoted values with line breaks, ids out of
    /// order, lines of equal mass (evidence is told apart by line number).
    fn table(rng: &mut impl Rng, clean: bool, noisy: bool) -> String {
        // Of each list of values, the first `k` are right.
        let pick = |rng: &mut dyn rand::RngCore, values: &[&'static str], right: usize| {
            values[rng.random_range(0..if clean { right } else { values.len() })]
        };
        let materials = ["lithium", "cobalt", "Nd", "graphite", "nickel", "copper", "tungsten"];
        let mut text = String::from("id,material,grade,amount,unit,form,supplier,extraction,processing,recycling\n");
        for n in 0..rng.random_range(0..120) {
            let id = match rng.random_range(0..10) {
                0 if !clean => format!("PO-{}", rng.random_range(0..n + 1)),
                1 if !clean => String::new(),
                2 => format!("PO-{:04}", rng.random_range(0..1000) + 1000),
                // Quotes at the ends of an id that are part of it (an unquoted cell).
                3 => format!("PO-{n:04}\""),
                4 if !clean => [" \"PO-7\"", "\"\"\"PO-7\"\"\"", "PO-7"][rng.random_range(0..3)].to_owned(),
                _ => format!("PO-{n:04}"),
            };
            let material = match rng.random_range(0..12) {
                0 if !clean => format!("unobtainium-{}", rng.random_range(0..15)),
                2..=5 if noisy => format!("unobtainium-{}", rng.random_range(0..40)),
                1 if !clean => String::new(),
                k => materials[k % 7].to_owned(),
            };
            let material = if !clean && rng.random_ratio(1, 10) { "lithum".to_owned() } else { material };
            let grade = pick(rng, &["", "", "battery", "Battery", "bogus"], 4);
            let amount = pick(rng, &["12.5", "0.001", "7", "\"9\"", "1,5", "-3", "0", "", "x"], 4);
            let unit = pick(rng, &["t", "kg", "kt", "lb", "", "bags"], 4);
            let form = match material.as_str() {
                "lithium" if rng.random_bool(0.5) => "lithium-carbonate",
                "cobalt" if rng.random_bool(0.5) => "cobalt-sulfate-heptahydrate",
                _ => pick(rng, &["", "lithium-carbonate", "ore"], 1),
            };
            let supplier = pick(rng, &["Acme", "\"M\u{fc}ller \"\"Erz\"\" GmbH\"", "\"two\nlines\"", ""], 4);
            let country = |rng: &mut dyn rand::RngCore| pick(rng, &["", "CN", "DE", "EL", "GL", "cn", "XX"], 6);
            let (e, p, r) = (country(rng), country(rng), country(rng));
            text.push_str(&format!("{id},{material},{grade},{amount},{unit},{form},{supplier},{e},{p},{r}\n"));
            match rng.random_range(0..30) {
                0 => text.push('\n'),
                1 => text.push_str(",,,\n"),
                3 => text.push_str("\"\"\n"),
                4 => text.push_str("  \r\n"),
                2 if !clean => text.push_str("PO-x,lithium\n"),
                _ => {}
            }
        }
        if !clean && rng.random_ratio(1, 20) {
            text.push_str("PO-end,lithium,,1,t,,\"never closed,CN,CN,\n");
        }
        text
    }

    /// Read in parts, whatever the cuts (after any line break, inside quotes too), a table
    /// gives what it gives read row by row: the same sums, evidence, line numbers and
    /// diagnostics, shown and counted alike.
    #[test]
    fn parts_read_as_one() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(29);
        let (mut clean, mut last) = (0, String::new());
        for n in 0..160 {
            let text = table(&mut rng, n % 2 == 0, n % 4 == 1);
            let whole = read(&text, &[]);
            clean += usize::from(whole.starts_with("Ok"));
            if n % 2 == 0 && !whole.starts_with("Ok") {
                last = whole.chars().take(1500).collect();
            }
            let header_end = text.find('\n').map_or(text.len(), |n| n + 1);
            let line_starts: Vec<usize> =
                text.match_indices('\n').map(|(n, _)| n + 1).filter(|&n| n > header_end && n < text.len()).collect();
            if line_starts.is_empty() {
                continue;
            }
            for _ in 0..4 {
                let mut starts: Vec<usize> =
                    (0..rng.random_range(1..4)).map(|_| line_starts[rng.random_range(0..line_starts.len())]).collect();
                starts.sort_unstable();
                starts.dedup();
                assert_eq!(read(&text, &starts), whole, "{text}\nparts from {starts:?}");
            }
        }
        assert!(clean > 40, "{clean} tables read without errors: {last}");
    }

    /// An id's quotes are part of it in a table: ` "B"` twice is `"B"` used twice, and
    /// `B` and `B"` are two ids.
    #[test]
    fn quotes_at_the_ends_of_an_id_are_part_of_it() {
        let twice = read("id,material,amount,unit\nA,lithium,1,t\n \"B\",lithium,1,t\n \"B\",lithium,1,t\n", &[]);
        assert!(twice.contains(r#"supply id `\"B\"` is used twice"#), "{twice}");
        let text = "id,material,amount,unit\nB,lithium,1,t\nB\",lithium,1,t\n";
        let cut = text.rfind("B\"").unwrap();
        assert!(read(text, &[]).starts_with("Ok"));
        assert!(read(text, &[cut]).starts_with("Ok"));
    }

    #[test]
    fn small_tables_are_one_part() {
        let text = "id,material\n".to_owned() + &"PO-1,lithium\n".repeat(10);
        assert!(part_starts(&text, 12, 2).is_empty());
        let text = "id,material\n".to_owned() + &"PO-1,lithium\n".repeat(PART_BYTES / 6);
        let starts = part_starts(&text, 12, 2);
        assert_eq!(starts.len(), 1);
        assert_eq!(text.as_bytes()[starts[0] - 1], b'\n');
    }
}
