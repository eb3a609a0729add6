//! The rows of a table's text (a CSV file's, or a worksheet's as drawn), read into supply
//! records on one thread and checked and summed by the [`LedgerBuilder`] on another, in
//! batches, as the JSON reader does.
//!
//! Every cell of every row is checked for its format (a number under the declared separators,
//! a known unit and grade, a two-letter country code, a value where one is required), and a
//! row is a record only if all its cells are right: the errors of all rows are reported at
//! once, each at its cell, grouped where the same mistake repeats (`Problems`).

use std::borrow::Cow;
use std::sync::mpsc::sync_channel;

use super::columns::{self, Columns, Field};
use super::csv::Records;
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

/// Rows go to the builder's thread in batches of this many (a batch of about 60 KB, which the
/// allocator reuses: much larger ones are mapped and unmapped afresh each time).
const BATCH: usize = 512;

/// Batches waiting for the builder, at most: bounds memory if it falls behind.
const QUEUE: usize = 8;

/// Reads the rows of the table at `index` of `source` into `builder` (see [`super::feed`]).
pub(super) fn feed<'de, 'r: 'de>(
    source: &'de Source,
    index: usize,
    spec: &Spec<'_>,
    (notes, mut ignored): (Vec<crate::diagnostic::Diagnostic>, Vec<String>),
    reference: &'r Reference,
    mut builder: LedgerBuilder<'de, 'r>,
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
    let (sender, receiver) = sync_channel::<Vec<Item<'de>>>(QUEUE);
    std::thread::scope(|scope| {
        // The builder's thread has a reader of its own: one on this thread's stack would share
        // cache lines with what this thread writes all the time, and every read of it would wait.
        let own = reader.clone();
        let worker = scope.spawn(move || {
            for batch in receiver {
                for item in batch {
                    item.apply(&own, (source, file), &mut builder, spec);
                }
            }
            builder
        });
        let mut batch = Vec::with_capacity(BATCH);
        // By column: the field it holds.
        let mut field_at = vec![None; reader.width];
        for (field, column) in reader.columns.at.iter().enumerate() {
            if let Some(column) = column {
                field_at[*column] = Some(field);
            }
        }
        loop {
            let mut raw = RawRow { cells: [NO_COLUMN; FIELDS.len()], escaped: Vec::new(), span: Span::default() };
            let mut beyond = false;
            let read = rows.next_with(|column, span, value| match field_at.get(column) {
                Some(Some(field)) => {
                    raw.cells[*field] = span;
                    if let Some(value) = value {
                        raw.escaped.push((*field, value));
                    }
                }
                Some(None) => {}
                None => beyond |= span.len > 0,
            });
            let Some((row, count)) = read else { break };
            raw.span = row.span;
            batch.push(reader.read(&row, count, beyond, raw));
            if batch.len() >= BATCH && sender.send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH))).is_err() {
                break;
            }
        }
        // Dropping the sender ends the builder's loop.
        let _ = sender.send(batch);
        drop(sender);
        worker.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
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
        let (row, _) = self.next_with(|_, span, value| {
            let start = span.start as usize - base;
            let text = value.map_or_else(|| Cow::Borrowed(&text[start..start + span.len as usize]), Cow::Owned);
            cells.push(Cell { text, span });
        })?;
        Some(row)
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
    fn next_with(&mut self, mut cell: impl FnMut(usize, Span, Option<String>)) -> Option<(Row, usize)> {
        loop {
            let (mut count, mut value) = (0, false);
            let mut each = |span: Span, unescaped: Option<String>| {
                value |= span.len > 0;
                cell(count, span, unescaped);
                count += 1;
            };
            let row = match self {
                Rows::Csv { records, file } => {
                    let file: &SourceFile = file;
                    let record = records.next_record_with(|place, unescaped| {
                        let span = trimmed(file, place);
                        // A copy only where the value has `""` in it; trimmed as its place is.
                        let value = unescaped.map(|v| if v.trim().len() == v.len() { v } else { v.trim().to_owned() });
                        each(span, value);
                    })?;
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
// The parser's thread builds a record of each row as it is: a right row (the common case) is
// checked by the builder, as a portfolio's supply lines are, and costs nothing more here.
// Where a row looks wrong (a required value missing, a formula, an error value, a number that
// does not read under the declared style) or the builder refuses its record, every cell of it
// is checked on the builder's thread (`Item::check`), and each problem reported at its cell.

/// What the parser hands the builder's thread.
enum Item<'de> {
    /// A row: where its cells are.
    Row(RawRow),
    /// What is wrong with a row as a whole.
    Problem(Problem<'de>),
}

/// A row as the parser hands it over: the place of the cell of each field, which the
/// builder's thread reads from the text (a hundred bytes a row, where the values themselves
/// would be four times as many to move).
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
    /// On the parser's thread: a row as a record, or as cells to check.
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

    /// On the builder's thread: a row as a record, read from the text of `file` where its
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
        let [id, mut grade, form, mut content] = [Field::ID, Field::GRADE, Field::FORM, Field::CONTENT].map(&value);
        let origin = Field::ORIGINS.map(&value);
        // A formula or an error value, maybe: a closer look.
        let computed = |v: &record::Field<'_>| matches!(v.text.as_bytes().first(), Some(b'=' | b'#'));
        let optional = [&id, &grade, &form, &content, &origin[0], &origin[1], &origin[2]];
        if [&material, &amount, &unit].into_iter().chain(optional.into_iter().flatten()).any(computed) {
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

    /// On the builder's thread: the values of a row, read from the text of `file` where its
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

    /// On the builder's thread: adds a record to the ledger; if the builder refuses it, every
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

    /// On the builder's thread: every cell of a row checked; its problems reported, or, if it
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

// ---- On the builder's thread ---------------------------------------------------------------

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
