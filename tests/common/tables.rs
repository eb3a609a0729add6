//! Supply lines written as a portfolio, a CSV file and an Excel workbook (in memory, with
//! rust_xlsxwriter: no opaque binary is committed for the tests), so that the same supplies
//! can be checked in each format.

#![allow(dead_code, reason = "each test crate uses a part of the helpers")]

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Formula, Workbook, Worksheet};

/// One supply line, its values as written (an amount as its decimal text).
#[derive(Debug, Clone, Default)]
pub struct Supply {
    pub id: &'static str,
    pub material: &'static str,
    pub grade: Option<&'static str>,
    pub amount: &'static str,
    pub unit: &'static str,
    pub form: Option<&'static str>,
    pub content: Option<&'static str>,
    pub supplier: Option<&'static str>,
    pub extraction: Option<&'static str>,
    pub processing: Option<&'static str>,
    pub recycling: Option<&'static str>,
}

/// The columns of a table of [`Supply`], in order: the supply fields.
pub const HEADER: [&str; 11] = crma_check::TableOptions::FIELDS;

impl Supply {
    /// Its values in [`HEADER`] order (`""` where none).
    pub fn cells(&self) -> [&'static str; 11] {
        let o = |v: Option<&'static str>| v.unwrap_or("");
        [
            self.id,
            self.material,
            o(self.grade),
            self.amount,
            self.unit,
            o(self.form),
            o(self.content),
            o(self.supplier),
            o(self.extraction),
            o(self.processing),
            o(self.recycling),
        ]
    }
}

/// A mix of supplies: strategic and critical materials, grades, forms, contents, units,
/// EU, third-country and recycled origins, one of unknown origin, a supplier with a comma.
pub fn mixed() -> Vec<Supply> {
    let s = |id, material, amount, unit| Supply { id, material, amount, unit, ..Supply::default() };
    vec![
        Supply {
            grade: Some("battery"),
            form: Some("lithium-carbonate"),
            extraction: Some("AU"),
            processing: Some("CN"),
            supplier: Some("Example Lithium, Ltd"),
            ..s("PO-1", "lithium", "2235", "t")
        },
        Supply {
            grade: Some("battery"),
            extraction: Some("CL"),
            processing: Some("CL"),
            ..s("PO-2", "Li", "410.5", "t")
        },
        Supply { recycling: Some("DE"), processing: Some("DE"), ..s("PO-3", "lithium", "80000", "kg") },
        Supply {
            content: Some("0.2"),
            extraction: Some("CD"),
            processing: Some("FI"),
            ..s("PO-4", "cobalt", "1.25", "kt")
        },
        Supply {
            form: Some("cobalt-sulfate-heptahydrate"),
            extraction: Some("CD"),
            processing: Some("CN"),
            ..s("PO-5", "cobalt", "612.125", "t")
        },
        Supply {
            grade: Some("battery"),
            extraction: Some("CN"),
            processing: Some("CN"),
            ..s("PO-6", "graphite", "410", "t")
        },
        Supply { grade: Some("battery"), extraction: Some("MZ"), ..s("PO-7", "graphite", "195", "t") },
        Supply {
            extraction: Some("CN"),
            processing: Some("EE"),
            form: Some("neodymium-oxide"),
            ..s("PO-8", "Nd", "0.3", "t")
        },
        Supply { extraction: Some("GL"), processing: Some("CN"), ..s("PO-9", "tungsten", "12", "t") },
        Supply { extraction: Some("PE"), processing: Some("ES"), ..s("PO-10", "copper", "1e3", "t") },
    ]
}

/// A portfolio of `supplies` in the year `year`, nothing else.
pub fn json(year: u16, supplies: &[Supply]) -> String {
    let lines: Vec<String> = supplies
        .iter()
        .map(|s| {
            let mut fields = vec![format!("\"id\": \"{}\"", s.id), format!("\"material\": \"{}\"", s.material)];
            if let Some(grade) = s.grade {
                fields.push(format!("\"grade\": \"{grade}\""));
            }
            fields.push(format!("\"amount\": {}, \"unit\": \"{}\"", s.amount, s.unit));
            if let Some(form) = s.form {
                fields.push(format!("\"form\": \"{form}\""));
            }
            if let Some(content) = s.content {
                fields.push(format!("\"content\": {content}"));
            }
            if let Some(supplier) = s.supplier {
                fields.push(format!("\"supplier\": \"{supplier}\""));
            }
            let stages: Vec<String> =
                [("extraction", s.extraction), ("processing", s.processing), ("recycling", s.recycling)]
                    .into_iter()
                    .filter_map(|(stage, c)| c.map(|c| format!("\"{stage}\": \"{c}\"")))
                    .collect();
            if !stages.is_empty() {
                fields.push(format!("\"origin\": {{{}}}", stages.join(", ")));
            }
            format!("    {{{}}}", fields.join(", "))
        })
        .collect();
    format!("{{\n  \"year\": {year},\n  \"supplies\": [\n{}\n  ]\n}}\n", lines.join(",\n"))
}

/// `supplies` as CSV with `delimiter`, every value with a delimiter or a quote quoted.
pub fn csv(supplies: &[Supply], delimiter: char) -> String {
    let quote = |v: &str| {
        if v.contains([delimiter, '"', '\n', '\r']) { format!("\"{}\"", v.replace('"', "\"\"")) } else { v.to_owned() }
    };
    let mut out = HEADER.join(&delimiter.to_string());
    out.push('\n');
    for supply in supplies {
        let cells: Vec<String> = supply.cells().iter().map(|v| quote(v)).collect();
        out.push_str(&cells.join(&delimiter.to_string()));
        out.push('\n');
    }
    out
}

/// A workbook of one sheet, `name`, holding `supplies` (amounts and contents as numbers).
pub fn xlsx(name: &str, supplies: &[Supply]) -> Vec<u8> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(name).unwrap();
    write_supplies(sheet, supplies);
    workbook.save_to_buffer().unwrap()
}

/// Writes a header and `supplies` from A1.
pub fn write_supplies(sheet: &mut Worksheet, supplies: &[Supply]) {
    for (column, header) in HEADER.iter().enumerate() {
        sheet.write_string(0, column as u16, *header).unwrap();
    }
    for (n, supply) in supplies.iter().enumerate() {
        let row = n as u32 + 1;
        for (column, value) in supply.cells().iter().enumerate() {
            let column = column as u16;
            if value.is_empty() {
                continue;
            }
            if HEADER[column as usize] == "amount" || HEADER[column as usize] == "content" {
                sheet.write_number(row, column, value.parse::<f64>().unwrap()).unwrap();
            } else {
                sheet.write_string(row, column, *value).unwrap();
            }
        }
    }
}

/// A workbook of sheets, each of rows of cells written as text (`=…` as a formula whose
/// cached value follows `→`, as in `=B2*2→4`; a number as a number with `#` before it).
pub fn sheets(sheets: &[(&str, &[&[&str]])]) -> Vec<u8> {
    let mut workbook = Workbook::new();
    for (name, rows) in sheets {
        let sheet = workbook.add_worksheet();
        sheet.set_name(*name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, value) in row.iter().enumerate() {
                cell(sheet, r as u32, c as u16, value);
            }
        }
    }
    workbook.save_to_buffer().unwrap()
}

/// Writes one cell as [`sheets`] describes it.
pub fn cell(sheet: &mut Worksheet, row: u32, column: u16, value: &str) {
    if value.is_empty() {
        return;
    }
    if let Some(number) = value.strip_prefix('#').and_then(|n| n.parse::<f64>().ok()) {
        sheet.write_number(row, column, number).unwrap();
    } else if let Some(formula) = value.strip_prefix('=') {
        let (formula, result) = formula.split_once('→').unwrap_or((formula, ""));
        sheet.write_formula(row, column, Formula::new(format!("={formula}")).set_result(result)).unwrap();
    } else if let Some(date) = value.strip_prefix("date:") {
        let (y, m, d) = (date[0..4].parse().unwrap(), date[5..7].parse().unwrap(), date[8..10].parse().unwrap());
        let format = Format::new().set_num_format("yyyy-mm-dd");
        sheet.write_datetime_with_format(row, column, ExcelDateTime::from_ymd(y, m, d).unwrap(), &format).unwrap();
    } else {
        sheet.write_string(row, column, value).unwrap();
    }
}

/// The workbook of `examples/erp-export/`: recycled supplies on the sheet `2026`, a sheet of
/// notes beside it (so the sheet must be named), without a unit column (the portfolio
/// declares `t`). Written with a fixed date, so that the same code writes the same bytes.
pub fn example_workbook() -> Vec<u8> {
    let mut workbook = Workbook::new();
    let properties = DocProperties::new()
        .set_title("Recycled inputs 2026")
        .set_author("Nordwerk Batteriesysteme GmbH")
        .set_creation_datetime(&ExcelDateTime::from_ymd(2026, 1, 5).unwrap());
    workbook.set_properties(&properties);
    let rows: &[&[&str]] = &[
        &["ID", "Material", "Grade", "Amount", "Form", "Content", "Recycling", "Processing", "Received", "Comment"],
        &[
            "R-2026-01",
            "lithium",
            "battery",
            "#12.6",
            "lithium-carbonate",
            "",
            "DE",
            "DE",
            "date:2026-02-12",
            "black mass from cell scrap, Magdeburg",
        ],
        &["R-2026-02", "cobalt", "", "#8.75", "", "#0.2", "BE", "BE", "date:2026-03-03", "black mass, assayed 20% Co"],
        &[
            "R-2026-03",
            "nickel",
            "battery",
            "=3.5*4→14",
            "nickel-sulfate-hexahydrate",
            "",
            "FI",
            "FI",
            "date:2026-03-20",
            "four lots of 3.5 t",
        ],
        &[],
        &[
            "R-2026-04",
            "cobalt",
            "",
            "#3.1",
            "cobalt-sulfate-heptahydrate",
            "",
            "PL",
            "",
            "date:2026-04-07",
            "refinery not yet named by the supplier",
        ],
    ];
    let sheet = workbook.add_worksheet();
    sheet.set_name("2026").unwrap();
    for (r, row) in rows.iter().enumerate() {
        for (c, value) in row.iter().enumerate() {
            cell(sheet, r as u32, c as u16, value);
        }
    }
    let notes = workbook.add_worksheet();
    notes.set_name("Notes").unwrap();
    notes.write_string(0, 0, "Recycled inputs received in 2026; amounts in tonnes of product as delivered.").unwrap();
    workbook.save_to_buffer().unwrap()
}
