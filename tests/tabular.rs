//! CSV files and Excel workbooks of supply lines, checked on their own and referenced from a
//! portfolio (`supplies_from`): the same supplies give the same report in every format, and
//! every bad cell is reported at its place.

mod common;
#[path = "common/tables.rs"]
mod tables;

use std::path::PathBuf;

use crma_check::model::{FileReport, Outcome, Report};
use crma_check::report::{Format, Location, Style};
use crma_check::source::Source;
use crma_check::{CheckOptions, Checker, Encoding, TableOptions};
use serde_json::Value;

fn checker(options: TableOptions) -> Checker {
    Checker::builtin(CheckOptions { year: Some(2026), tables: options, ..common::options() })
}

/// The report of a file of `bytes` named `name`, checked on its own in 2026.
fn check(name: &str, bytes: impl Into<Vec<u8>>, options: TableOptions) -> FileReport {
    checker(options).check_bytes(name, bytes.into())
}

/// The JSON report of `file`, without anything that says where: paths, lines, columns,
/// offsets, and the cells named in messages (`(Sheet!C3)`).
fn without_locations(file: FileReport) -> Value {
    let report = Report {
        files: vec![file],
        fail_on: Default::default(),
        rules: Vec::new(),
        as_of: "2026-11-23".parse().unwrap(),
    };
    let mut out = Vec::new();
    Format::Json.write(&report, &Style::default(), &mut out).unwrap();
    let mut value: Value = serde_json::from_slice(&out).unwrap();
    strip(&mut value);
    value
}

fn strip(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for key in ["path", "line", "column", "end_line", "end_column", "offset", "length"] {
                map.remove(key);
            }
            map.values_mut().for_each(strip);
        }
        Value::Array(items) => items.iter_mut().for_each(strip),
        Value::String(text) => *text = without_cells(text),
        _ => {}
    }
}

/// `text` without the cells it names: ` (Sheet!C3)`, ` ('My sheet'!A1:B1)`.
fn without_cells(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find(" (") {
        let end = rest[start..].find(')').map(|e| start + e + 1);
        match end {
            Some(end) if rest[start..end].contains('!') => {
                out.push_str(&rest[..start]);
                rest = &rest[end..];
            }
            _ => {
                out.push_str(&rest[..start + 2]);
                rest = &rest[start + 2..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Asserts two reports are equal, showing the lines that differ.
fn assert_same(got: &Value, expected: &Value, what: &str) {
    let (got, expected) = (serde_json::to_string_pretty(got).unwrap(), serde_json::to_string_pretty(expected).unwrap());
    let differ: Vec<(&str, &str)> = got.lines().zip(expected.lines()).filter(|(a, b)| a != b).take(10).collect();
    assert!(got == expected, "{what}: the reports differ: {differ:#?}");
}

/// Where the first diagnostic of `code` is, and its message.
fn located(file: &FileReport, code: &str) -> (String, usize, usize, String) {
    let diagnostic = file
        .diagnostics
        .iter()
        .find(|d| d.code.id() == code)
        .unwrap_or_else(|| panic!("no `{code}` in {:#?}", file.diagnostics));
    let at = Location::new(&file.path, file.source.as_ref(), diagnostic.primary_span());
    (at.path, at.line, at.column, diagnostic.message.clone())
}

/// A folder of its own for the files of one test.
fn folder(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("crma-check-tabular-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn the_same_supplies_give_the_same_report_as_json_csv_and_xlsx() {
    let supplies = tables::mixed();
    let json = Checker::builtin(common::options()).check_source(Source::new("s.json", tables::json(2026, &supplies)));
    assert!(json.checked(), "{:?}", json.diagnostics);
    assert!(!json.findings.is_empty());
    let expected = without_locations(json);
    let options = TableOptions::default;
    for (name, bytes) in [
        ("s.csv", tables::csv(&supplies, ',').into_bytes()),
        ("s.tsv", tables::csv(&supplies, '\t').into_bytes()),
        ("s.csv", tables::csv(&supplies, ';').replace('\n', "\r\n").into_bytes()),
        ("s.xlsx", tables::xlsx("Purchases", &supplies)),
    ] {
        let file = check(name, bytes, options());
        assert!(file.checked(), "{name}: {:?}", file.diagnostics);
        assert_same(&without_locations(file), &expected, name);
    }
    // Referenced from a portfolio, in two files.
    let dir = folder("same");
    std::fs::write(dir.join("a.csv"), tables::csv(&supplies[..4], ';')).unwrap();
    std::fs::write(dir.join("b.xlsx"), tables::xlsx("2026", &supplies[4..])).unwrap();
    let portfolio = dir.join("p.json");
    std::fs::write(&portfolio, r#"{"year": 2026, "supplies_from": [{"path": "a.csv"}, {"path": "b.xlsx"}]}"#).unwrap();
    let file = Checker::builtin(common::options()).check_path(portfolio.to_str().unwrap());
    assert!(file.checked(), "{:?}", file.diagnostics);
    assert_same(&without_locations(file), &expected, "supplies_from");
}

/// A table of megabytes is read in parts, one per processor, each by a builder of its own
/// added up at the end: it gives the report of the same supplies in a portfolio.
#[test]
fn a_large_table_read_in_parts_gives_the_same_report_as_json() {
    let mut supplies = Vec::new();
    for n in 0..5000 {
        for supply in tables::mixed() {
            let id: &'static str = Box::leak(format!("{}-{n:05}", supply.id).into_boxed_str());
            supplies.push(tables::Supply { id, ..supply });
        }
    }
    let csv = tables::csv(&supplies, ',');
    assert!(csv.len() > 2 << 20, "{} bytes: large enough for two parts", csv.len());
    let json = Checker::builtin(common::options()).check_source(Source::new("s.json", tables::json(2026, &supplies)));
    assert!(json.checked(), "{:?}", json.diagnostics);
    let file = check("s.csv", csv, TableOptions::default());
    assert!(file.checked(), "{:?}", file.diagnostics);
    assert_same(&without_locations(file), &without_locations(json), "s.csv");
}

#[test]
fn inline_supplies_and_files_add_up_with_ids_unique_across_them() {
    let supplies = tables::mixed();
    let dir = folder("ids");
    std::fs::write(dir.join("more.csv"), tables::csv(&supplies[1..3], ',')).unwrap();
    let inline = tables::json(2026, &supplies[..2]);
    let portfolio = inline.replace("\"supplies\":", "\"supplies_from\": [{\"path\": \"more.csv\"}],\n  \"supplies\":");
    let path = dir.join("p.json");
    std::fs::write(&path, portfolio).unwrap();
    let file = Checker::builtin(common::options()).check_path(path.to_str().unwrap());
    assert!(!file.checked());
    let (at, line, column, message) = located(&file, "duplicate-id");
    assert_eq!(message, "supply id `PO-2` is used twice");
    assert!(at.ends_with("more.csv"), "{at}");
    assert_eq!((line, column), (2, 1));
    // The first use is labelled in the portfolio itself.
    let diagnostic = file.diagnostics.iter().find(|d| d.code.id() == "duplicate-id").unwrap();
    let first = Location::new(&file.path, file.source.as_ref(), Some(diagnostic.labels[1].span));
    assert!(first.path.ends_with("p.json"));
    // Without the repeat, the lines of both add up.
    std::fs::write(dir.join("more.csv"), tables::csv(&supplies[2..3], ',')).unwrap();
    let file = Checker::builtin(common::options()).check_path(path.to_str().unwrap());
    assert!(file.checked(), "{:?}", file.diagnostics);
    assert_eq!(file.supply_lines, 3);
}

/// A case of a bad CSV file: what, the text, options, the code, its line and column, and
/// words of its message.
type BadCsv = (&'static str, &'static [u8], TableOptions, &'static str, usize, usize, &'static str);

fn bad_csv() -> Vec<BadCsv> {
    let none = TableOptions::default;
    let comma = || TableOptions { decimal: Some(','), ..TableOptions::default() };
    let german = || TableOptions { decimal: Some(','), thousands: Some('.'), ..TableOptions::default() };
    vec![
        (
            "a decimal comma",
            b"id;material;amount;unit\nPO-1;lithium;12,5;t\n",
            none(),
            "cell-value",
            2,
            14,
            "with a decimal comma, where the decimal separator is `.`",
        ),
        (
            "grouping and a comma",
            b"id;material;amount;unit\nPO-1;lithium;1.234,5;t\n",
            none(),
            "cell-value",
            2,
            14,
            "with a decimal comma, where the decimal separator is `.`",
        ),
        (
            "a point under a declared comma",
            b"id;material;amount;unit\nPO-1;lithium;1.5;t\n",
            comma(),
            "cell-value",
            2,
            14,
            "with a decimal point, where the declared decimal separator is `,`",
        ),
        (
            "bad grouping",
            b"id;material;amount;unit\nPO-1;lithium;12.34,5;t\n",
            german(),
            "cell-value",
            2,
            14,
            "under the declared separators",
        ),
        (
            "a negative amount",
            b"id,material,amount,unit\nPO-1,lithium,-3,t\n",
            none(),
            "cell-value",
            2,
            14,
            "not greater than 0",
        ),
        (
            "a zero amount",
            b"id,material,amount,unit\nPO-1,lithium,0,t\n",
            none(),
            "cell-value",
            2,
            14,
            "not greater than 0",
        ),
        (
            "an empty amount",
            b"id,material,amount,unit\nPO-1,lithium,,t\n",
            none(),
            "cell-value",
            2,
            14,
            "a row without an amount",
        ),
        (
            "an amount with its unit",
            b"id,material,amount,unit\nPO-1,lithium,12 t,t\n",
            none(),
            "cell-value",
            2,
            14,
            "is not a number",
        ),
        (
            "a date for an amount",
            b"id,material,amount,unit\nPO-1,lithium,2026-03-01,t\n",
            none(),
            "cell-value",
            2,
            14,
            "a date where an amount belongs",
        ),
        (
            "an unknown unit",
            b"id,material,amount,unit\nPO-1,lithium,12,tonnes\n",
            none(),
            "cell-value",
            2,
            17,
            "unknown unit `tonnes`",
        ),
        (
            "an unknown grade",
            b"material,grade,amount,unit\nlithium,batery,12,t\n",
            none(),
            "cell-value",
            2,
            9,
            "unknown grade `batery`",
        ),
        (
            "a country name",
            b"material,amount,unit,extraction\nlithium,12,t,Chile\n",
            none(),
            "cell-value",
            2,
            14,
            "`Chile` is not a two-letter country code",
        ),
        (
            "a percentage content",
            b"material,amount,unit,content\ncobalt,12,t,45%\n",
            none(),
            "cell-value",
            2,
            13,
            "is not a number",
        ),
        (
            "a content above 1",
            b"material,amount,unit,content\ncobalt,12,t,1.5\n",
            none(),
            "cell-value",
            2,
            13,
            "at most 1",
        ),
        (
            "an Excel error",
            b"material,amount,unit\ncobalt,#N/A,t\n",
            none(),
            "cell-value",
            2,
            8,
            "shows the error `#N/A`",
        ),
        (
            "an unknown material",
            b"id,material,amount,unit\nPO-1,lithum,12,t\n",
            none(),
            "unknown-material",
            2,
            6,
            "unknown material `lithum`",
        ),
        (
            "a repeated id",
            b"id,material,amount,unit\nPO-1,lithium,12,t\nPO-1,cobalt,1,t\n",
            none(),
            "duplicate-id",
            3,
            1,
            "used twice",
        ),
        (
            "an unclosed quote",
            b"id,material,amount,unit\nPO-1,\"lithium,12,t\nPO-2,cobalt,1,t\n",
            none(),
            "table-format",
            2,
            6,
            "never closed",
        ),
        (
            "a short row",
            b"id,material,amount,unit\nPO-1,lithium,12\n",
            none(),
            "table-format",
            2,
            1,
            "this row has 3 cells; the header has 4",
        ),
        (
            "a long row",
            b"id,material,amount,unit\nPO-1,lithium,12,t,extra\n",
            none(),
            "table-format",
            2,
            1,
            "this row has 5 cells",
        ),
        (
            "no amount column",
            b"id,material,Menge,unit\nPO-1,lithium,12,t\n",
            none(),
            "table-header",
            1,
            1,
            "the header has no `amount` column",
        ),
        (
            "a column twice",
            b"material,amount,unit,Amount\nlithium,12,t,13\n",
            none(),
            "table-header",
            1,
            22,
            "two columns hold `amount`",
        ),
        (
            "two delimiters",
            b"material;amount;unit,x\nlithium;12;t,x\n",
            none(),
            "table-format",
            1,
            1,
            "the delimiter cannot be told",
        ),
        (
            "no delimiter",
            b"material amount unit\nlithium 12 t\n",
            none(),
            "table-format",
            1,
            1,
            "the header has no delimiter",
        ),
        (
            "not UTF-8",
            b"material,amount,unit,supplier\nlithium,12,t,M\xFCller\n",
            none(),
            "encoding",
            2,
            15,
            "is not valid UTF-8",
        ),
    ]
}

#[test]
fn every_bad_cell_of_a_csv_file_is_located() {
    for (what, text, options, code, line, column, words) in bad_csv() {
        let file = check("bad.csv", text, options);
        assert!(!file.checked(), "{what}: refused");
        let (path, at_line, at_column, message) = located(&file, code);
        assert_eq!(path, "bad.csv", "{what}");
        assert_eq!((at_line, at_column), (line, column), "{what}: {message}");
        assert!(message.contains(words), "{what}: {message}");
    }
}

#[test]
fn the_help_says_how_to_declare_what_the_file_cannot_say() {
    let file = check("a.csv", &b"material;amount;unit\nlithium;12,5;t\n"[..], TableOptions::default());
    assert!(file.diagnostics[0].help.as_deref().unwrap().contains("`--decimal ,`"));
    let file = check("a.csv", &b"material,amount,unit,supplier\nlithium,12,t,M\xFCller\n"[..], TableOptions::default());
    assert!(file.diagnostics[0].help.as_deref().unwrap().contains("`--encoding windows-1252`"));
    // In a portfolio, the help names the key of its `supplies_from` entry.
    let dir = folder("declare");
    std::fs::write(dir.join("a.csv"), "material;amount;unit\nlithium;12,5;t\n").unwrap();
    let path = dir.join("p.json");
    std::fs::write(&path, r#"{"year": 2026, "supplies_from": [{"path": "a.csv"}]}"#).unwrap();
    let file = Checker::builtin(common::options()).check_path(path.to_str().unwrap());
    let help = file.diagnostics[0].help.as_deref().unwrap();
    assert!(help.contains(r#"`"decimal": ","`"#) && help.ends_with("in its `supplies_from` entry"), "{help}");
}

#[test]
fn a_mistake_on_many_rows_is_one_diagnostic_and_all_rows_are_checked() {
    let mut text = String::from("id;material;amount;unit;extraction\n");
    for n in 0..500 {
        text.push_str(&format!("PO-{n};lithium;{n},5;t;AU\n"));
    }
    text.push_str("PO-x;lithium;1;tonnes;AU\nPO-y;lithium;1;t;Chile\n");
    let last = text.find("499,5");
    let file = check("many.csv", text, TableOptions::default());
    let codes: Vec<(&str, &str)> = file.diagnostics.iter().map(|d| (d.code.id(), d.message.as_str())).collect();
    assert_eq!(codes.len(), 3, "{codes:?}");
    let comma = &file.diagnostics[0];
    assert_eq!(comma.place_count(), 500);
    assert_eq!(comma.places().last().map(|p| p.labels[0].span.start as usize), last);
    assert!(codes[1].1.contains("unknown unit `tonnes`") && codes[2].1.contains("`Chile`"), "{codes:?}");
}

#[test]
fn european_exports_read_under_their_declarations() {
    // windows-1252, `;`, decimal comma, thousands point, CRLF, quotes with the delimiter and
    // a line break inside, a byte-order mark-free file, German headers mapped.
    let text = "Bestellnr;Werkstoff;Menge;ME;Förderland;Lieferant\r\n4711;Kobalt;1.234,5;kg;CD;\"Müller; Söhne\"\r\n4712;cobalt;0,5;t;CD;\"Zeile 1\r\nZeile 2\"\r\n";
    let bytes: Vec<u8> = text.chars().map(|c| u8::try_from(u32::from(c)).unwrap()).collect();
    let options = TableOptions {
        decimal: Some(','),
        thousands: Some('.'),
        encoding: Some(Encoding::Windows1252),
        columns: vec![
            ("id".into(), "Bestellnr".into()),
            ("material".into(), "Werkstoff".into()),
            ("amount".into(), "Menge".into()),
            ("unit".into(), "ME".into()),
            ("extraction".into(), "Förderland".into()),
        ],
        ..TableOptions::default()
    };
    let file = check("export.csv", bytes.clone(), options.clone());
    // `Kobalt` is not a material name: the error points at it, on line 2 of the decoded text.
    let (_, line, column, message) = located(&file, "unknown-material");
    assert_eq!((line, column, message.as_str()), (2, 6, "unknown material `Kobalt`"));
    let fixed: Vec<u8> = String::from_utf8_lossy(&bytes)
        .replace("Kobalt", "cobalt")
        .chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
        .collect();
    let bytes: Vec<u8> =
        text.replace("Kobalt", "cobalt").chars().map(|c| u8::try_from(u32::from(c)).unwrap()).collect();
    let _ = fixed;
    let file = check("export.csv", bytes.clone(), options.clone());
    assert!(file.checked(), "{:?}", file.diagnostics);
    assert_eq!(file.supply_lines, 2);
    // 1,234.5 kg and 0.5 t: 1.7345 t of cobalt.
    assert_eq!(file.table.rows[0].denominator_text(), "1.735 t supplied");
    // Without the encoding declared: a located error that says to declare it.
    let file = check("export.csv", bytes, TableOptions { encoding: None, ..options });
    let (_, line, column, _) = located(&file, "encoding");
    assert_eq!((line, column), (1, 31));
}

#[test]
fn a_utf8_file_declared_windows_1252_gets_a_warning_and_a_bom_is_dropped() {
    let text = "material,amount,unit,supplier,extraction\nlithium,12,t,Müller,AU\n";
    let file = check("a.csv", text, TableOptions { encoding: Some(Encoding::Windows1252), ..TableOptions::default() });
    let (_, line, column, message) = located(&file, "encoding-mismatch");
    assert_eq!((line, column), (2, 15), "{message}");
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(text.as_bytes());
    let file = check("a.csv", bom, TableOptions::default());
    assert!(file.checked(), "{:?}", file.diagnostics);
}

#[test]
fn the_delimiter_comes_from_the_header_or_its_declaration() {
    let semicolons = "material;amount;unit;supplier\nlithium;12;t;Acme, Inc.\n";
    assert!(check("a.csv", semicolons, TableOptions::default()).checked());
    // Declared otherwise than the header shows: an error, not a guess.
    let file = check("a.csv", semicolons, TableOptions { delimiter: Some(b','), ..TableOptions::default() });
    let (_, _, _, message) = located(&file, "table-format");
    assert_eq!(message, "the delimiter is declared `,`, but the header has `;` and no `,`");
    // A header with two candidates needs the declaration.
    let both = "material;amount;unit;\"Preis, EUR\";x,y\nlithium;12;t;3;z\n";
    assert!(!check("a.csv", both, TableOptions::default()).checked());
    assert!(check("a.csv", both, TableOptions { delimiter: Some(b';'), ..TableOptions::default() }).checked());
}

#[test]
fn unknown_columns_are_ignored_with_a_note_that_lists_them() {
    let file =
        check("a.csv", "Datum,material,amount,unit,Preis EUR\n2026-01-02,lithium,12,t,3\n", TableOptions::default());
    assert!(file.checked());
    let (_, line, _, message) = located(&file, "unknown-columns");
    assert_eq!((line, message.as_str()), (1, "2 columns are not supply fields and ignored: `Datum`, `Preis EUR`"));
}

#[test]
fn a_file_without_a_unit_column_declares_its_unit() {
    let text = "material,amount\nlithium,12\n";
    let (_, _, _, message) = located(&check("a.csv", text, TableOptions::default()), "table-header");
    assert_eq!(message, "the header has no `unit` column");
    let file = check("a.csv", text, TableOptions { unit: Some("kt".into()), ..TableOptions::default() });
    assert!(file.checked(), "{:?}", file.diagnostics);
    assert_eq!(file.table.rows[0].denominator_text(), "12,000 t supplied");
    let both = check(
        "a.csv",
        "material,amount,unit\nlithium,12,t\n",
        TableOptions { unit: Some("t".into()), ..TableOptions::default() },
    );
    assert_eq!(
        located(&both, "table-header").3,
        "the file has a unit column, and the command line declares a unit for all of it"
    );
}

// ---- Workbooks --------------------------------------------------------------------------

#[test]
fn numeric_cells_are_the_shortest_decimal_that_reads_back() {
    // 0.1 + 0.2 typed is 0.30000000000000004 in binary: a typed 0.3 is 0.3.
    let rows: &[&[&str]] = &[
        &["material", "amount", "unit"],
        &["lithium", "#0.1", "t"],
        &["lithium", "#0.2", "t"],
        &["lithium", "#0.7", "t"],
    ];
    let file = check("a.xlsx", tables::sheets(&[("S", rows)]), TableOptions::default());
    assert!(file.checked(), "{:?}", file.diagnostics);
    assert_eq!(file.table.rows[0].denominator_text(), "1 t supplied");
}

#[test]
fn formulas_are_read_as_their_cached_values() {
    let rows: &[&[&str]] = &[&["material", "amount", "unit"], &["=\"lith\"&\"ium\"→lithium", "=2*6→12", "=\"t\"→t"]];
    let file = check("a.xlsx", tables::sheets(&[("S", rows)]), TableOptions::default());
    assert!(file.checked(), "{:?}", file.diagnostics);
    assert_eq!(file.table.rows[0].denominator_text(), "12 t supplied");
}

/// A case of a bad workbook: what, a row of sheet `S`, the code, its row and column, and
/// words of its message.
type BadCell = (&'static str, &'static [&'static str], &'static str, usize, usize, &'static str);

#[test]
fn every_bad_cell_of_a_workbook_is_located_by_its_cell() {
    let header: &[&str] = &["id", "material", "amount", "unit", "extraction"];
    let cases: Vec<BadCell> = vec![
        ("a number as text with a comma", &["PO-1", "lithium", "12,5", "t", "AU"], "cell-value", 2, 3, "(S!C2)"),
        (
            "an error value",
            &["PO-1", "lithium", "=1/0→#DIV/0!", "t", "AU"],
            "cell-value",
            2,
            3,
            "shows the error `#DIV/0!`, not an amount (S!C2)",
        ),
        (
            "a date",
            &["PO-1", "lithium", "date:2026-03-01", "t", "AU"],
            "cell-value",
            2,
            3,
            "a date where an amount belongs (S!C2)",
        ),
        (
            "an unknown unit",
            &["PO-1", "lithium", "#12", "tons", "AU"],
            "cell-value",
            2,
            4,
            "unknown unit `tons` (S!D2)",
        ),
        ("a bad country", &["PO-1", "lithium", "#12", "t", "Australia"], "cell-value", 2, 5, "(S!E2)"),
        (
            "an unknown material",
            &["PO-1", "lithum", "#12", "t", "AU"],
            "unknown-material",
            2,
            2,
            "unknown material `lithum` (S!B2)",
        ),
        (
            "a negative amount",
            &["PO-1", "lithium", "#-4", "t", "AU"],
            "cell-value",
            2,
            3,
            "an amount not greater than 0 (S!C2)",
        ),
        ("an empty unit", &["PO-1", "lithium", "#4", "", "AU"], "cell-value", 2, 4, "a row without a unit (S!D2)"),
    ];
    for (what, row, code, line, column, words) in cases {
        let rows: &[&[&str]] = &[header, row];
        let file = check("book.xlsx", tables::sheets(&[("S", rows)]), TableOptions::default());
        let (path, at_line, at_column, message) = located(&file, code);
        assert_eq!(path, "book.xlsx");
        assert_eq!((at_line, at_column), (line, column), "{what}: {message}");
        assert!(message.contains(words), "{what}: {message}");
    }
}

#[test]
fn a_formula_without_a_cached_value_is_refused() {
    let rows: &[&[&str]] = &[&["material", "amount", "unit"], &["lithium", "=B3*2→", "t"]];
    let bytes = tables::sheets(&[("S", rows)]);
    // Take the (empty) cached value out, as programs that never calculate write formulas.
    // rust_xlsxwriter writes a formula without a result as cached `0`.
    let bytes = rewrite_sheet(&bytes, |xml| xml.replace("</f><v>0</v>", "</f>"));
    let file = check("a.xlsx", bytes, TableOptions::default());
    let (_, line, column, message) = located(&file, "cell-value");
    assert_eq!((line, column), (2, 2));
    assert_eq!(message, "a formula without a calculated value, where an amount belongs (S!B2)");
}

/// The workbook with its first sheet's XML rewritten.
fn rewrite_sheet(bytes: &[u8], edit: impl Fn(&str) -> String) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for n in 0..archive.len() {
        let mut file = archive.by_index(n).unwrap();
        let name = file.name().unwrap().into_owned();
        let mut content = Vec::new();
        file.read_to_end(&mut content).unwrap();
        if name == "xl/worksheets/sheet1.xml" {
            content = edit(&String::from_utf8(content).unwrap()).into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        out.write_all(&content).unwrap();
    }
    out.finish().unwrap().into_inner()
}

#[test]
fn a_sheet_is_named_or_the_only_visible_one() {
    let rows: &[&[&str]] = &[&["material", "amount", "unit"], &["lithium", "#12", "t"]];
    let notes: &[&[&str]] = &[&["see the other sheet"]];
    let two = tables::sheets(&[("2026", rows), ("Notes", notes)]);
    let file = check("a.xlsx", two.clone(), TableOptions::default());
    let (_, _, _, message) = located(&file, "table-format");
    assert_eq!(message, "`a.xlsx` has 2 worksheets: which one holds the supply lines cannot be told");
    assert!(file.diagnostics[0].help.as_deref().unwrap().contains("`2026`, `Notes`"));
    assert!(
        check("a.xlsx", two.clone(), TableOptions { sheet: Some("2026".into()), ..TableOptions::default() }).checked()
    );
    let missing = check("a.xlsx", two, TableOptions { sheet: Some("2025".into()), ..TableOptions::default() });
    assert_eq!(located(&missing, "table-format").3, "`a.xlsx` has no sheet `2025`");
    assert!(check("a.xlsx", tables::sheets(&[("Only", rows)]), TableOptions::default()).checked());
}

#[test]
fn empty_rows_are_skipped_and_cells_without_a_header_noted() {
    let rows: &[&[&str]] = &[
        &["material", "amount", "unit"],
        &[],
        &["lithium", "#12", "t"],
        &[],
        &[],
        &["cobalt", "#1", "t", "", "", "total?"],
    ];
    let file = check("a.xlsx", tables::sheets(&[("S", rows)]), TableOptions::default());
    assert!(file.checked(), "{:?}", file.diagnostics);
    assert_eq!(file.supply_lines, 2);
    let (_, _, _, message) = located(&file, "unknown-columns");
    assert_eq!(message, "1 cell of `a.xlsx` in columns without a header were ignored (the first: S!F6)");
}

#[test]
fn a_cell_far_away_costs_nothing() {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    for (c, h) in ["material", "amount", "unit"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for (c, v) in ["lithium", "12", "t"].iter().enumerate() {
        tables::cell(sheet, 1, c as u16, if c == 1 { "#12" } else { v });
    }
    sheet.write_string(1_048_575, 16_383, "far away").unwrap();
    let file = check("far.xlsx", workbook.save_to_buffer().unwrap(), TableOptions::default());
    assert!(file.checked(), "{:?}", file.diagnostics);
    assert!(located(&file, "unknown-columns").3.contains("Sheet1!XFD1048576"));
}

#[test]
fn options_that_do_not_apply_are_errors() {
    let rows: &[&[&str]] = &[&["material", "amount", "unit"], &["lithium", "#12", "t"]];
    let file = check(
        "a.xlsx",
        tables::sheets(&[("S", rows)]),
        TableOptions { delimiter: Some(b';'), ..TableOptions::default() },
    );
    assert_eq!(located(&file, "table-format").3, "a workbook has no `delimiter`: it applies to CSV files only");
    let file = check(
        "a.csv",
        "material,amount,unit\nlithium,12,t\n",
        TableOptions { sheet: Some("x".into()), ..TableOptions::default() },
    );
    assert!(located(&file, "table-format").3.contains("a CSV file has no sheets"));
    let file = check("old.xls", b"\xD0\xCF\x11\xE0rest".to_vec(), TableOptions::default());
    assert!(located(&file, "table-format").3.contains("Excel 97–2003 workbook"));
}

// ---- The command line -----------------------------------------------------------------------

#[test]
fn a_csv_file_checked_directly_needs_a_year() {
    let path = common::temp_file("direct.csv", b"material,amount,unit,extraction,processing\nlithium,12,t,AU,CN\n");
    let path = path.to_str().unwrap();
    let run = common::run(&["--color", "never", path]);
    assert_eq!(run.status, 2);
    assert!(run.stdout.contains("error[year-required]"), "{}", run.stdout);
    assert!(run.stdout.contains("--year 2026"), "{}", run.stdout);
    let run = common::run(&["--color", "never", "--as-of", common::AS_OF, "--year", "2026", path]);
    assert_eq!(run.status, 0, "{}", run.stdout);
    assert!(run.stdout.contains("1 supply line checked"), "{}", run.stdout);
}

#[test]
fn the_command_line_declares_how_a_file_is_written() {
    let path = common::temp_file("german.csv", "Werkstoff;Menge;Förderland\nlithium;1.234,5;AU\n".as_bytes());
    let run = common::run(&[
        "--format",
        "short",
        "--as-of",
        common::AS_OF,
        "--year",
        "2026",
        "--decimal",
        ",",
        "--thousands",
        ".",
        "--unit",
        "kg",
        "--column",
        "material=Werkstoff",
        "--column",
        "amount=Menge",
        "--column",
        "extraction=Förderland",
        path.to_str().unwrap(),
    ]);
    assert_eq!(run.status, 0, "{}{}", run.stdout, run.stderr);
    let run = common::run(&["--year", "2026", "--delimiter", "|", path.to_str().unwrap()]);
    assert_eq!(run.status, 2);
    assert!(run.stderr.contains("is not a delimiter crma-check reads"), "{}", run.stderr);
}

#[test]
fn a_file_that_cannot_be_read_is_an_error_where_the_portfolio_names_it() {
    let dir = folder("missing");
    let path = dir.join("p.json");
    std::fs::write(
        &path,
        "{\"year\": 2026,\n \"supplies_from\": [{\"path\": \"nowhere.csv\"}, {\"path\": \"notes.json\"}]}",
    )
    .unwrap();
    std::fs::write(dir.join("notes.json"), "{}").unwrap();
    let file = Checker::builtin(common::options()).check_path(path.to_str().unwrap());
    let messages: Vec<(String, usize, usize)> = file
        .diagnostics
        .iter()
        .map(|d| {
            let at = Location::new(&file.path, file.source.as_ref(), d.primary_span());
            (d.message.clone(), at.line, at.column)
        })
        .collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(messages[0].0.ends_with("nowhere.csv` does not exist"), "{messages:?}");
    assert_eq!((messages[0].1, messages[0].2), (2, 29));
    assert!(messages[1].0.ends_with("notes.json` is not a CSV or Excel file"), "{messages:?}");
    let report = Report {
        files: vec![file],
        fail_on: Default::default(),
        rules: Vec::new(),
        as_of: "2026-11-23".parse().unwrap(),
    };
    assert_eq!(report.outcome(), Outcome::Unchecked);
}

#[test]
fn bad_cells_as_a_user_sees_them() {
    // A CSV file and a worksheet with the usual mistakes, referenced from a portfolio.
    let dir = folder("human");
    std::fs::write(
        dir.join("purchases.csv"),
        "Bestellnr;Werkstoff;Menge;ME;Förderland\n4711;lithium;12,5;t;AU\n4712;lithum;3;t;CL\n4713;cobalt;-2;tonnes;Kongo\n4714;cobalt;1,25;t;CD\n",
    )
    .unwrap();
    let rows: &[&[&str]] = &[
        &["id", "material", "amount", "unit", "recycling"],
        &["R-1", "nickel", "=1/0→#DIV/0!", "t", "FI"],
        &["R-2", "cobalt", "date:2026-03-01", "t", "BE"],
        &["R-3", "cobalt", "#4", "t", "Belgium"],
    ];
    std::fs::write(dir.join("recycled.xlsx"), tables::sheets(&[("2026", rows)])).unwrap();
    std::fs::write(
        dir.join("portfolio.json"),
        r#"{
  "year": 2026,
  "supplies_from": [
    { "path": "purchases.csv", "columns": { "id": "Bestellnr", "material": "Werkstoff", "amount": "Menge", "unit": "ME", "extraction": "Förderland" } },
    { "path": "recycled.xlsx" }
  ]
}
"#,
    )
    .unwrap();
    let run = common::run_in(&dir, &["--color", "never", "--as-of", common::AS_OF, "portfolio.json"]);
    assert_eq!(run.status, 2);
    insta::assert_snapshot!(run.stdout);
    let short = common::run_in(&dir, &["--format", "short", "--as-of", common::AS_OF, "portfolio.json"]);
    insta::assert_snapshot!("bad_cells_short", short.stdout);
}
