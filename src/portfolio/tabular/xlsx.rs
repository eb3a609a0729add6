//! A worksheet of an Excel workbook (`.xlsx`, `.xlsm`), read with `calamine` and drawn as text
//! (see [`crate::source`]): row *n* on line *n*, the cells of the columns that hold supply
//! fields separated by [`CELL_SEPARATOR`], so that every cell has a span like a CSV field.
//!
//! How cells are drawn:
//! - text as it is (line breaks inside it as spaces, [`CELL_BORDER`] as `|`), so a number
//!   typed as text (`12,5`) is read under the file's declared separators, as in a CSV file;
//! - a number (a binary float: Excel has no other) as the shortest decimal that reads back as
//!   the same float, so a typed `0.1` is `0.1` (a formula's `=0.1+0.2` is
//!   `0.30000000000000004`: Excel shows it rounded), with the declared decimal separator;
//! - a formula as its cached value; one without a cached value as its formula (`=B2*2`), which
//!   the reader then refuses: crma-check never calculates;
//! - an error as Excel shows it (`#N/A`), a date as `2026-03-01`, a boolean as `TRUE`.
//!
//! The cells are streamed (`worksheet_cells_reader`), never gathered into a dense grid, so a
//! single cell far away (`XFD1048576`) costs nothing; the text is capped, so a small zip that
//! inflates enormously is refused rather than read.

use std::io::{Read, Seek};

use calamine::{DataRef, Reader, SheetType, SheetVisible, Xlsx};

use super::columns::Names;
use super::decode::Bytes;
use super::{Failed, Spec};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::{CELL_BORDER, CELL_SEPARATOR, Source, cell_name};

/// Excel's rows: 1,048,576.
const LAST_ROW: u32 = 1 << 20;

/// The longest a cell is drawn; longer text is cut (no supply field is that long).
const LONGEST_CELL: usize = 1024;

/// The most text a sheet is drawn as, at least (see [`limit`]).
const MIN_LIMIT: usize = 64 << 20;

/// The most text a sheet of a workbook of `size` bytes is drawn as: 64 times the file, or
/// 64 MiB. An honest workbook draws to about its own size.
fn limit(size: usize) -> usize {
    size.saturating_mul(64).max(MIN_LIMIT)
}

/// A worksheet drawn as text, and what it says about its columns.
pub(super) struct Drawn {
    pub(super) source: Source,
    /// The headers that name no supply field (their columns are not drawn).
    pub(super) ignored: Vec<String>,
    /// Cells with a value in a column without a header, if any: how many, and the first.
    pub(super) headless: Option<(usize, String)>,
}

/// Reads the sheet `spec` names (or the only visible worksheet) of the workbook `name`.
pub(super) fn draw(name: &str, bytes: Bytes<'_>, spec: &Spec<'_>) -> Result<Drawn, Failed> {
    match bytes {
        Bytes::Path(path) => {
            let size = std::fs::metadata(path).map(|m| m.len() as usize).unwrap_or(0);
            let file = std::fs::File::open(path).map_err(|e| Failed::io(name, &e, spec))?;
            draw_from(name, std::io::BufReader::new(file), size, spec)
        }
        Bytes::Memory(bytes) => {
            let size = bytes.len();
            draw_from(name, std::io::Cursor::new(bytes), size, spec)
        }
    }
}

fn draw_from<R: Read + Seek>(name: &str, reader: R, size: usize, spec: &Spec<'_>) -> Result<Drawn, Failed> {
    let mut workbook = Xlsx::new(reader).map_err(|error| {
        Failed::file(
            Diagnostic::new(Code::TableFormat, format!("`{name}` cannot be read as an Excel workbook: {error}"))
                .with_help("save it from Excel or LibreOffice as an Excel workbook (.xlsx), or export a CSV file"),
            spec,
        )
    })?;
    let sheet = choose_sheet(name, &workbook, spec)?;
    let mut cells = workbook.worksheet_cells_reader(&sheet).map_err(|error| broken(name, &sheet, &error, spec))?;
    let mut drawing = Drawing::new(spec, limit(size));
    let mut row: Vec<(u32, String)> = Vec::new();
    let mut current: Option<u32> = None;
    loop {
        let cell = cells.next_cell_with_formula().map_err(|error| broken(name, &sheet, &error, spec))?;
        let at = cell.as_ref().map(|c| c.pos.0);
        if at != current {
            if let Some(r) = current {
                drawing.row(r, &mut row).map_err(|problem| problem.failed(name, &sheet, spec))?;
            }
            current = at;
        }
        let Some(cell) = cell else { break };
        let text = drawn(&cell.value, cell.formula.as_deref(), spec);
        if !text.is_empty() {
            row.push((cell.pos.1, text));
        }
    }
    let ignored = std::mem::take(&mut drawing.ignored);
    let headless = drawing.headless.take().map(|(count, row, column)| (count, cell_name(&sheet, row, column)));
    let columns = drawing.columns.take().unwrap_or_default();
    let source = Source::sheet(name, sheet, columns, drawing.text).with_numbers(spec.style());
    Ok(Drawn { source, ignored, headless })
}

/// The sheet to read: the one named (in any case), else the only visible worksheet.
fn choose_sheet<R: Read + Seek>(name: &str, workbook: &Xlsx<R>, spec: &Spec<'_>) -> Result<String, Failed> {
    let sheets = workbook.sheets_metadata();
    let worksheets: Vec<&calamine::Sheet> = sheets.iter().filter(|s| s.typ == SheetType::WorkSheet).collect();
    let listed = || {
        let names: Vec<String> = worksheets
            .iter()
            .map(|s| match s.visible {
                SheetVisible::Visible => format!("`{}`", s.name),
                _ => format!("`{}` (hidden)", s.name),
            })
            .collect();
        if names.is_empty() { "none".to_owned() } else { names.join(", ") }
    };
    let fail = |message: String, help: String| {
        let mut diagnostic = Diagnostic::new(Code::TableFormat, message).with_help(help);
        if let Some(at) = spec.declared.and_then(|d| d.sheet) {
            diagnostic = diagnostic.with_label(at, "this sheet");
        }
        Failed::file(diagnostic, spec)
    };
    if let Some(wanted) = &spec.options.sheet {
        return match sheets.iter().find(|s| s.name.eq_ignore_ascii_case(wanted)) {
            Some(sheet) if sheet.typ == SheetType::WorkSheet => Ok(sheet.name.clone()),
            Some(sheet) => Err(fail(
                format!("`{}` in `{name}` is not a worksheet (a chart or macro sheet)", sheet.name),
                format!("name a worksheet; the workbook's worksheets: {}", listed()),
            )),
            None => Err(fail(format!("`{name}` has no sheet `{wanted}`"), format!("its worksheets: {}", listed()))),
        };
    }
    let visible: Vec<&&calamine::Sheet> = worksheets.iter().filter(|s| s.visible == SheetVisible::Visible).collect();
    match visible.as_slice() {
        [one] => Ok(one.name.clone()),
        _ => Err(fail(
            format!("`{name}` has {} worksheets: which one holds the supply lines cannot be told", worksheets.len()),
            format!("name one with {}; the worksheets: {}", spec.declaration("sheet", "\"…\""), listed()),
        )),
    }
}

fn broken(name: &str, sheet: &str, error: &calamine::XlsxError, spec: &Spec<'_>) -> Failed {
    Failed::file(
        Diagnostic::new(Code::TableFormat, format!("the sheet `{sheet}` of `{name}` cannot be read: {error}"))
            .with_help("open the workbook in Excel or LibreOffice and save it again"),
        spec,
    )
}

/// A cell's value as drawn (see the module's documentation); `""` for an empty one.
fn drawn(value: &DataRef<'_>, formula: Option<&str>, spec: &Spec<'_>) -> String {
    match value {
        DataRef::Empty => match formula {
            Some(formula) if !formula.is_empty() => text(&format!("={formula}")),
            _ => String::new(),
        },
        DataRef::SharedString(s) => text(s),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => text(s),
        DataRef::Float(f) => number(*f, spec.style().decimal),
        DataRef::Int(i) => i.to_string(),
        DataRef::Bool(b) => (if *b { "TRUE" } else { "FALSE" }).to_owned(),
        DataRef::DateTime(d) => {
            let (year, month, day, hour, minute, second, _) = d.to_ymd_hms_milli();
            if (hour, minute, second) == (0, 0, 0) {
                format!("{year:04}-{month:02}-{day:02}")
            } else {
                format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02}:{second:02}")
            }
        }
        DataRef::Error(e) => e.to_string(),
    }
}

/// A text cell as drawn: trimmed, on one line, without the cell border, cut if very long.
fn text(value: &str) -> String {
    let value = value.trim();
    let mut out = String::with_capacity(value.len().min(LONGEST_CELL + 3));
    for c in value.chars() {
        if out.len() >= LONGEST_CELL {
            out.push('…');
            break;
        }
        out.push(match c {
            CELL_BORDER => '|',
            c if c.is_control() => ' ',
            c => c,
        });
    }
    out
}

/// A number cell: the shortest decimal that reads back as `value` (without a `.0` for whole
/// numbers), with `decimal` as the decimal separator.
pub(super) fn number(value: f64, decimal: char) -> String {
    if !value.is_finite() {
        return "#NUM!".to_owned();
    }
    let mut buffer = ryu::Buffer::new();
    let written = buffer.format_finite(value);
    let written = written.strip_suffix(".0").unwrap_or(written);
    if decimal == '.' { written.to_owned() } else { written.replace('.', &decimal.to_string()) }
}

/// The text being drawn, row by row.
struct Drawing {
    names: Names,
    text: String,
    limit: usize,
    /// Line breaks written so far.
    lines: u32,
    /// The last row drawn.
    last_row: Option<u32>,
    /// The sheet columns drawn (those whose header names a field), once the header is read.
    columns: Option<Vec<u32>>,
    /// Every column with a header.
    headed: Vec<u32>,
    ignored: Vec<String>,
    /// Cells in columns without a header: how many, and the first one's row and column
    /// (1-based).
    headless: Option<(usize, usize, usize)>,
}

/// Why a sheet could not be drawn.
enum Problem {
    OutOfOrder(u32),
    TooLarge,
}

impl Problem {
    fn failed(self, name: &str, sheet: &str, spec: &Spec<'_>) -> Failed {
        let (message, help) = match self {
            Problem::OutOfOrder(row) => (
                format!("the rows of the sheet `{sheet}` of `{name}` are not in order (row {} comes late)", row + 1),
                "open the workbook in Excel or LibreOffice and save it again".to_owned(),
            ),
            Problem::TooLarge => (
                format!("the sheet `{sheet}` of `{name}` is too large to read"),
                "its cells add up to far more than the file's size; export the supply lines as CSV".to_owned(),
            ),
        };
        Failed::file(Diagnostic::new(Code::TableFormat, message).with_help(help), spec)
    }
}

impl Drawing {
    fn new(spec: &Spec<'_>, limit: usize) -> Self {
        Drawing {
            names: Names::new(spec),
            text: String::new(),
            limit,
            lines: 0,
            last_row: None,
            columns: None,
            headed: Vec::new(),
            ignored: Vec::new(),
            headless: None,
        }
    }

    /// Draws the row `row` (0-based) from its cells (column, text), which it empties.
    fn row(&mut self, row: u32, cells: &mut Vec<(u32, String)>) -> Result<(), Problem> {
        if cells.is_empty() {
            return Ok(());
        }
        if self.last_row.is_some_and(|last| row <= last) {
            return Err(Problem::OutOfOrder(row));
        }
        if row >= LAST_ROW {
            return Err(Problem::TooLarge);
        }
        // Line n is row n: the empty rows before it are empty lines.
        while self.lines < row {
            self.text.push('\n');
            self.lines += 1;
        }
        self.last_row = Some(row);
        cells.sort_by_key(|(column, _)| *column);
        let columns = match &self.columns {
            Some(columns) => columns,
            None => {
                // The header: the columns whose header names a field are drawn.
                let mut columns = Vec::new();
                for (column, header) in cells.iter() {
                    self.headed.push(*column);
                    match self.names.field(header) {
                        Some(_) => columns.push(*column),
                        None => self.ignored.push(header.clone()),
                    }
                }
                self.columns.insert(columns)
            }
        };
        for (k, column) in columns.iter().enumerate() {
            if k > 0 {
                self.text.push_str(CELL_SEPARATOR);
            }
            if let Ok(n) = cells.binary_search_by_key(column, |(c, _)| *c) {
                self.text.push_str(&cells[n].1);
            }
        }
        for (column, _) in cells.iter() {
            if self.headed.binary_search(column).is_err() {
                let (count, first) = match self.headless {
                    Some((count, r, c)) => (count, (r, c)),
                    None => (0, (row as usize + 1, *column as usize + 1)),
                };
                self.headless = Some((count + 1, first.0, first.1));
            }
        }
        cells.clear();
        if self.text.len() > self.limit { Err(Problem::TooLarge) } else { Ok(()) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_the_shortest_decimal_that_reads_back() {
        assert_eq!(number(0.1, '.'), "0.1");
        assert_eq!(number(12.0, '.'), "12");
        assert_eq!(number(1234.5, ','), "1234,5");
        assert_eq!(number(0.1 + 0.2, '.'), "0.30000000000000004");
        assert_eq!(number(1e21, '.'), "1e21");
        assert_eq!(number(4_500_012_345.0, '.'), "4500012345");
        // Every one reads back as the same float.
        for value in [0.1, 0.7, 1e-7, 123_456_789.123, 2.5e-300] {
            assert_eq!(number(value, '.').parse::<f64>().unwrap(), value);
        }
    }

    #[test]
    fn text_is_drawn_on_one_line_without_borders() {
        assert_eq!(text("  a\nb │ c "), "a b | c");
        assert!(text(&"x".repeat(5000)).ends_with('…'));
    }
}
