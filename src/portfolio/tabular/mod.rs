//! The tabular reader: supply lines from CSV files and Excel worksheets, as ERP exports and
//! spreadsheets hold them, with the same exactness and located errors as the JSON reader.
//!
//! A table is read in two steps. **Opening** turns the file into text that spans point into:
//! a CSV file is decoded (`decode`); a worksheet is drawn as text (`xlsx`, and see
//! [`crate::source`]: row *n* on line *n*, so a cell has a span like any value and a snippet
//! shows its row; its place is named `Sheet!C14`). The text becomes a [`Source`] of its own (a
//! file checked directly) or is attached to the portfolio's (`supplies_from`). **Feeding**
//! then reads the rows of that text, whatever it came from (`rows`): the header says which
//! column holds which field (`columns`); each row becomes a [`SupplyRecord`] of its cells, or
//! the errors of its cells, for all rows at once; the records go to the [`LedgerBuilder`], as
//! the JSON reader's do, so that everything after reading is shared (a large table in parts,
//! one per processor, each into a builder of its own, added up in order).
//!
//! What the file cannot say is declared, never guessed ([`TableOptions`]): the delimiter
//! (detected from the header only where a single one occurs), the decimal and thousands
//! separators, the encoding, the sheet, the unit.

mod columns;
mod csv;
mod decode;
mod delimiter;
mod options;
mod rows;
mod xlsx;

use std::path::Path;

pub(crate) use decode::Bytes;
pub use options::{Encoding, TableOptions};
pub(crate) use rows::feed;

use super::Portfolio;
use super::build::LedgerBuilder;
use crate::diagnostic::{Code, Diagnostic};
use crate::quantity::NumberStyle;
use crate::reference::Reference;
use crate::source::{Source, Span};

/// What a file holds, told by its name and its first bytes (a workbook is a zip file).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A portfolio (JSON).
    Portfolio,
    /// A CSV file.
    Csv,
    /// An Excel workbook (.xlsx, .xlsm).
    Workbook,
    /// A workbook of the old binary format (.xls), which is not read.
    OldWorkbook,
}

impl Kind {
    /// The kind of the file `name` that starts with `head`.
    pub(crate) fn of(name: &str, head: &[u8]) -> Kind {
        if head.starts_with(b"PK\x03\x04") {
            return Kind::Workbook;
        }
        if head.starts_with(b"\xD0\xCF\x11\xE0") {
            return Kind::OldWorkbook;
        }
        let extension = Path::new(name).extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
        match extension.as_str() {
            "csv" | "tsv" | "txt" => Kind::Csv,
            "xlsx" | "xlsm" => Kind::Workbook,
            "xls" => Kind::OldWorkbook,
            _ => Kind::Portfolio,
        }
    }

    /// The kind of the file at `path`, by its name and first bytes (by its name alone if it
    /// cannot be read: reading it later says why).
    pub(crate) fn of_path(path: &Path) -> Kind {
        use std::io::Read;
        let mut head = [0u8; 8];
        let read = std::fs::File::open(path).and_then(|mut file| file.read(&mut head)).unwrap_or(0);
        Kind::of(&path.to_string_lossy(), &head[..read])
    }

    /// Whether it is read by this module.
    pub(crate) fn is_table(self) -> bool {
        !matches!(self, Kind::Portfolio)
    }
}

/// How a table is declared to be written, and where (a `supplies_from` entry), if it is.
#[derive(Clone, Copy)]
pub(crate) struct Spec<'a> {
    pub(crate) options: &'a TableOptions,
    /// Where a portfolio declares it; `None` for a file checked on its own (its options come
    /// from the command line).
    pub(crate) declared: Option<&'a Declared>,
}

/// Where a `supplies_from` entry writes each of its values.
#[derive(Debug, Clone, Default)]
pub(crate) struct Declared {
    pub(crate) path: Span,
    pub(crate) sheet: Option<Span>,
    pub(crate) delimiter: Option<Span>,
    pub(crate) decimal: Option<Span>,
    pub(crate) thousands: Option<Span>,
    pub(crate) encoding: Option<Span>,
    pub(crate) unit: Option<Span>,
    /// The header of each of `columns`, in order.
    pub(crate) columns: Vec<Span>,
}

impl Spec<'_> {
    /// How numbers written as text are written.
    fn style(&self) -> NumberStyle {
        NumberStyle { decimal: self.options.decimal.unwrap_or('.'), thousands: self.options.thousands }
    }

    /// How the user declares `key` as `value` (a JSON value): on the command line for a file
    /// checked on its own, in its `supplies_from` entry for a referenced one.
    fn declaration(&self, key: &str, value: &str) -> String {
        format!("{}{}", self.syntax(key, value), self.place())
    }

    /// The declaration of `key` as `value`, as written where it is declared.
    fn syntax(&self, key: &str, value: &str) -> String {
        match (self.declared, key) {
            (Some(_), _) => format!("`\"{key}\": {value}`"),
            (None, "columns") => "`--column FIELD=HEADER` (`--column amount=Menge`)".to_owned(),
            (None, _) => format!("`--{key} {}`", value.trim_matches('"')),
        }
    }

    /// Where declarations are written, as said after one (` in its \`supplies_from\` entry`).
    fn place(&self) -> &'static str {
        match self.declared {
            Some(_) => " in its `supplies_from` entry",
            None => "",
        }
    }

    /// Who declares things about the file, in words.
    fn declaring(&self) -> &'static str {
        match self.declared {
            Some(_) => "its `supplies_from` entry",
            None => "the command line",
        }
    }
}

/// One cell: its text (trimmed) and its place.
#[derive(Debug, Clone)]
pub(crate) struct Cell<'t> {
    pub(crate) text: std::borrow::Cow<'t, str>,
    pub(crate) span: Span,
}

/// A table file that could not be opened: its errors, and its text if there is one to point
/// into (a file that is not UTF-8, shown with the bad bytes replaced).
#[derive(Debug)]
pub(crate) struct Failed {
    pub(crate) errors: Vec<Diagnostic>,
    pub(crate) source: Option<Source>,
}

impl Failed {
    /// An error about the file as a whole: labelled where a `supplies_from` entry names it.
    fn file(diagnostic: Diagnostic, spec: &Spec<'_>) -> Failed {
        let diagnostic = match spec.declared {
            Some(declared) if diagnostic.labels.is_empty() => diagnostic.with_label(declared.path, "this file"),
            _ => diagnostic,
        };
        Failed { errors: vec![diagnostic], source: None }
    }

    /// A file that cannot be read.
    fn io(name: &str, error: &std::io::Error, spec: &Spec<'_>) -> Failed {
        Failed::file(crate::input::io_error(name, error).diagnostic, spec)
    }
}

/// A table file opened: the text its spans point into, and what opening it noted.
pub(crate) struct Opened {
    pub(crate) source: Source,
    /// Warnings and notes about the file as a whole (an encoding that looks wrong, columns
    /// not read), reported with the rows' diagnostics.
    pub(crate) notes: Vec<Diagnostic>,
    /// Headers that name no field, where opening found them (a worksheet's).
    pub(crate) ignored: Vec<String>,
}

/// Opens the table `name`, of `kind`, from `bytes`.
pub(crate) fn open(name: &str, kind: Kind, bytes: Bytes<'_>, spec: &Spec<'_>) -> Result<Opened, Failed> {
    match kind {
        Kind::Csv => open_csv(name, bytes, spec),
        Kind::Workbook => {
            if let Some(problem) = not_for_workbooks(spec) {
                return Err(problem);
            }
            let drawn = xlsx::draw(name, bytes, spec)?;
            let mut notes = Vec::new();
            if let Some((count, first)) = drawn.headless {
                let cells = if count == 1 { "cell" } else { "cells" };
                notes.push(
                    Diagnostic::new(
                        Code::UnknownColumns,
                        format!("{count} {cells} of `{name}` in columns without a header were ignored (the first: {first})"),
                    )
                    .with_help("a value in a column without a header is not a supply field; give the column a header if it holds one"),
                );
            }
            Ok(Opened { source: drawn.source, notes, ignored: drawn.ignored })
        }
        Kind::OldWorkbook => Err(Failed::file(
            Diagnostic::new(
                Code::TableFormat,
                format!("`{name}` is an Excel 97–2003 workbook (.xls), which crma-check does not read"),
            )
            .with_help("save it as an Excel workbook (.xlsx) or export a CSV file"),
            spec,
        )),
        Kind::Portfolio => unreachable!("a portfolio is not a table"),
    }
}

/// Options that make no sense for a workbook: an error rather than silently ignored.
fn not_for_workbooks(spec: &Spec<'_>) -> Option<Failed> {
    let (key, at) = if spec.options.delimiter.is_some() {
        ("delimiter", spec.declared.and_then(|d| d.delimiter))
    } else if spec.options.encoding.is_some() {
        ("encoding", spec.declared.and_then(|d| d.encoding))
    } else {
        return None;
    };
    let mut diagnostic =
        Diagnostic::new(Code::TableFormat, format!("a workbook has no `{key}`: it applies to CSV files only"))
            .with_help(format!("leave `{key}` out for an Excel workbook"));
    if let Some(at) = at {
        diagnostic = diagnostic.with_label(at, "for CSV files only");
    }
    Some(Failed::file(diagnostic, spec))
}

fn open_csv(name: &str, bytes: Bytes<'_>, spec: &Spec<'_>) -> Result<Opened, Failed> {
    if spec.options.sheet.is_some() {
        let mut diagnostic =
            Diagnostic::new(Code::TableFormat, "a CSV file has no sheets: `sheet` applies to workbooks only")
                .with_help("leave `sheet` out for a CSV file");
        if let Some(at) = spec.declared.and_then(|d| d.sheet) {
            diagnostic = diagnostic.with_label(at, "for workbooks only");
        }
        return Err(Failed::file(diagnostic, spec));
    }
    let declared = spec.options.encoding;
    let decoded = match decode::decode(bytes, declared) {
        Ok(decoded) => decoded,
        Err(decode::DecodeError::Io(error)) => return Err(Failed::io(name, &error, spec)),
        Err(decode::DecodeError::NotUtf8(not)) => {
            let span = not.span();
            let source = Source::new(name, not.lossy);
            let help = match declared {
                Some(_) => "it is declared UTF-8; if it is not, declare the encoding it is in".to_owned(),
                None => format!(
                    "a file that is not UTF-8 must say what it is: ERP exports are often windows-1252 (also called ANSI or Latin-1): declare {}",
                    spec.declaration("encoding", "\"windows-1252\"")
                ),
            };
            let diagnostic = Diagnostic::new(Code::Encoding, format!("`{name}` is not valid UTF-8"))
                .with_label(span, "not UTF-8")
                .with_help(help);
            return Err(Failed { errors: vec![diagnostic], source: Some(source) });
        }
        Err(decode::DecodeError::BomButDeclared) => {
            let mut diagnostic = Diagnostic::new(
                Code::Encoding,
                format!("`{name}` starts with a UTF-8 byte-order mark, but is declared windows-1252"),
            )
            .with_help("a byte-order mark says the file is UTF-8: leave `encoding` out");
            if let Some(at) = spec.declared.and_then(|d| d.encoding) {
                diagnostic = diagnostic.with_label(at, "declared here");
            }
            return Err(Failed::file(diagnostic, spec));
        }
    };
    if decoded.text.len() >= u32::MAX as usize {
        return Err(Failed::file(
            Diagnostic::new(Code::TableFormat, format!("`{name}` is larger than 4 GiB, more than crma-check reads"))
                .with_help("split it into several files"),
            spec,
        ));
    }
    let mut notes = Vec::new();
    let source = Source::new(name, decoded.text).with_numbers(spec.style());
    if decoded.looks_like_utf8 {
        let text = source.text();
        let first = text.find(|c: char| !c.is_ascii()).unwrap_or(0);
        let shown: String = text[first..].chars().take(3).collect();
        notes.push(
            Diagnostic::new(
                Code::EncodingMismatch,
                format!("`{name}` is declared windows-1252 but reads as UTF-8: its text is probably garbled"),
            )
            .with_label(Span::new(first, first + shown.len()), format!("read as `{shown}`"))
            .with_help("if the file is UTF-8, leave `encoding` out"),
        );
    }
    Ok(Opened { source, notes, ignored: Vec::new() })
}

/// Reads and checks a table file checked on its own, in the reporting year `year`.
pub(crate) fn load(
    opened: Opened,
    spec: &Spec<'_>,
    year: u16,
    reference: &'static Reference,
) -> Result<Portfolio, (Source, Vec<Diagnostic>)> {
    let Opened { source, notes, ignored } = opened;
    let builder = LedgerBuilder::new(&source, reference, None);
    let builder = feed(&source, 0, spec, (notes, ignored), reference, builder);
    match builder.finish(None, year, &[]) {
        Ok(mut portfolio) => {
            name_cells(&source, &mut portfolio.notes);
            Ok(portfolio)
        }
        Err(mut errors) => {
            name_cells(&source, &mut errors);
            Err((source, errors))
        }
    }
}

/// Names the cell of every diagnostic at a place in a worksheet, in its message:
/// `unknown material \`lithum\` (Purchases!C14)`.
pub(crate) fn name_cells(source: &Source, diagnostics: &mut [Diagnostic]) {
    for diagnostic in diagnostics {
        if let Some(cell) = diagnostic.primary_span().and_then(|span| source.cell(span)) {
            diagnostic.message = format!("{} ({cell})", diagnostic.message);
        }
    }
}
