//! Generated portfolios for the benchmarks: realistic, deterministic, of any size.

#![allow(dead_code, reason = "each benchmark uses a part of the generators")]

use std::io::Write;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A material, its usual grade, forms, and where it comes from (weights are rough shares).
struct Profile {
    material: &'static str,
    grade: Option<&'static str>,
    forms: &'static [&'static str],
    extraction: &'static [(&'static str, u32)],
    processing: &'static [(&'static str, u32)],
}

const PROFILES: &[Profile] = &[
    Profile {
        material: "lithium",
        grade: Some("battery"),
        forms: &["lithium-carbonate", "lithium-hydroxide-monohydrate", "spodumene-sc6"],
        extraction: &[("AU", 45), ("CL", 25), ("CN", 15), ("AR", 8), ("PT", 4), ("ZW", 3)],
        processing: &[("CN", 60), ("CL", 20), ("DE", 8), ("FI", 7), ("US", 5)],
    },
    Profile {
        material: "cobalt",
        grade: None,
        forms: &["cobalt-sulfate-heptahydrate"],
        extraction: &[("CD", 70), ("ID", 8), ("AU", 5), ("NC", 4), ("FI", 3), ("RU", 5), ("PH", 5)],
        processing: &[("CN", 70), ("FI", 12), ("BE", 8), ("CA", 5), ("NO", 5)],
    },
    Profile {
        material: "nickel",
        grade: Some("battery"),
        forms: &["nickel-sulfate-hexahydrate"],
        extraction: &[("ID", 50), ("PH", 12), ("NC", 8), ("RU", 8), ("FI", 6), ("AU", 8), ("EL", 3), ("CA", 5)],
        processing: &[("ID", 45), ("CN", 25), ("FI", 10), ("JP", 10), ("NO", 10)],
    },
    Profile {
        material: "graphite",
        grade: Some("battery"),
        forms: &[],
        extraction: &[("CN", 75), ("MZ", 10), ("MG", 5), ("BR", 5), ("SE", 5)],
        processing: &[("CN", 90), ("SE", 5), ("JP", 5)],
    },
    Profile {
        material: "copper",
        grade: None,
        forms: &["copper-sulfate-pentahydrate"],
        extraction: &[("CL", 25), ("PE", 12), ("CD", 11), ("CN", 8), ("US", 5), ("PL", 4), ("AU", 4), ("SE", 3)],
        processing: &[("CN", 40), ("CL", 10), ("DE", 10), ("JP", 8), ("ES", 6), ("BG", 4), ("PL", 6)],
    },
    Profile {
        material: "Nd",
        grade: None,
        forms: &["neodymium-oxide"],
        extraction: &[("CN", 68), ("US", 12), ("MM", 10), ("AU", 6), ("GL", 4)],
        processing: &[("CN", 85), ("MY", 10), ("EE", 5)],
    },
    Profile {
        material: "tungsten",
        grade: None,
        forms: &["tungsten-trioxide", "ammonium-paratungstate"],
        extraction: &[("CN", 80), ("VN", 5), ("RU", 3), ("AT", 4), ("ES", 4), ("PT", 4)],
        processing: &[("CN", 75), ("AT", 10), ("DE", 10), ("US", 5)],
    },
    Profile {
        material: "tantalum",
        grade: None,
        forms: &[],
        extraction: &[("CD", 40), ("RW", 20), ("BR", 20), ("NG", 10), ("CN", 10)],
        processing: &[("CN", 50), ("TH", 20), ("DE", 15), ("US", 15)],
    },
    Profile {
        material: "zinc",
        grade: None,
        forms: &[],
        extraction: &[("CN", 35), ("PE", 12), ("AU", 10), ("IE", 5), ("SE", 5), ("IN", 8)],
        processing: &[("CN", 45), ("KR", 10), ("FI", 8), ("ES", 8), ("NL", 6)],
    },
];

/// Countries where scrap is recycled.
const RECYCLERS: &[(&str, u32)] = &[("DE", 30), ("BE", 20), ("FR", 10), ("PL", 10), ("US", 10), ("CN", 15), ("UK", 5)];

fn pick<'a>(rng: &mut ChaCha8Rng, weighted: &[(&'a str, u32)]) -> &'a str {
    let total: u32 = weighted.iter().map(|(_, w)| w).sum();
    let mut roll = rng.random_range(0..total);
    for (item, weight) in weighted {
        if roll < *weight {
            return item;
        }
        roll -= weight;
    }
    weighted[0].0
}

/// One generated supply line.
pub struct Line {
    pub number: usize,
    pub material: &'static str,
    pub grade: Option<&'static str>,
    pub amount: String,
    pub unit: &'static str,
    pub form: Option<&'static str>,
    pub content: Option<String>,
    pub supplier: u32,
    pub origin: Origin,
}

/// Where a generated line comes from.
pub enum Origin {
    Recycled(&'static str),
    /// Extraction and processing; one line in fifty names no processing country.
    Primary(&'static str, Option<&'static str>),
}

/// The supply lines of a generated portfolio of `lines` lines, in order (deterministic for a
/// given `lines`). Supply ids increase, as in an export sorted by order number, unless
/// `unordered`.
pub fn supply_lines(lines: usize, unordered: bool) -> impl Iterator<Item = Line> {
    let mut rng = ChaCha8Rng::seed_from_u64(lines as u64);
    // Unordered ids are a permutation of the line numbers: the step is prime, and so coprime
    // with the number of lines unless it divides it; then the other prime does not.
    let step: u64 = if (lines as u64).is_multiple_of(1_000_003) { 999_983 } else { 1_000_003 };
    (0..lines).map(move |n| {
        let profile = &PROFILES[rng.random_range(0..PROFILES.len())];
        let number = if unordered { (n as u64 * step % lines as u64) as usize } else { n };
        let grade = profile.grade.filter(|_| rng.random_ratio(9, 10));
        let (amount, unit) = match rng.random_range(0..10) {
            0..=5 => (format!("{:.3}", rng.random_range(0.5..80.0)), "t"),
            6..=8 => (format!("{}", rng.random_range(100..90_000)), "kg"),
            _ => (format!("{:.4}", rng.random_range(0.001..0.2)), "kt"),
        };
        let recycled = rng.random_ratio(3, 20);
        let (mut form, mut content) = (None, None);
        if !recycled {
            match rng.random_range(0..10) {
                0..=3 if !profile.forms.is_empty() => {
                    form = Some(profile.forms[rng.random_range(0..profile.forms.len())])
                }
                4 => content = Some(format!("{:.2}", rng.random_range(0.2..0.9))),
                _ => {}
            }
        }
        let supplier = rng.random_range(1..400);
        let origin = if recycled {
            Origin::Recycled(pick(&mut rng, RECYCLERS))
        } else {
            let extraction = pick(&mut rng, profile.extraction);
            let processing = pick(&mut rng, profile.processing);
            match rng.random_range(0..50) {
                0 => Origin::Primary(extraction, None),
                _ => Origin::Primary(extraction, Some(processing)),
            }
        };
        Line { number, material: profile.material, grade, amount, unit, form, content, supplier, origin }
    })
}

/// A schema error written into a generated portfolio, for the error path.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Mistake {
    /// None: the portfolio is valid.
    None,
    /// The last line's unit is `tonnes` (the fast pass meets it last).
    AtEnd,
    /// Every line in kilograms says `kilo` (about three lines in ten).
    EveryKgLine,
}

/// Writes a portfolio of `lines` supply lines: one line of JSON per supply, about 165 bytes
/// each, mixing materials, grades, units, forms, contents, EU, third-country and OCT origins,
/// recycled lines and a few of unknown origin. Deterministic for a given `lines`. Supply
/// ids increase, as in an export sorted by order number, unless `unordered`. `mistake` writes
/// schema errors into the same lines (the same bytes but for them).
pub fn generate(lines: usize, unordered: bool, mistake: Mistake, out: &mut impl Write) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(out);
    writeln!(out, "{{")?;
    writeln!(out, "  \"$schema\": \"../schemas/portfolio.schema.json\",")?;
    writeln!(out, "  \"version\": 1,")?;
    writeln!(out, "  \"name\": \"Generated portfolio, {lines} supply lines\",")?;
    writeln!(out, "  \"year\": 2030,")?;
    // Consumption for a few materials, about what the supplies add up to.
    let per_line_t = 40.0;
    let share = lines as f64 * per_line_t / PROFILES.len() as f64;
    writeln!(out, "  \"consumption\": {{")?;
    writeln!(out, "    \"lithium\": {{ \"amount\": {:.0}, \"unit\": \"t\", \"grade\": \"battery\" }},", share * 0.3)?;
    writeln!(out, "    \"cobalt\": {{ \"amount\": {:.0}, \"unit\": \"t\" }}", share * 0.8)?;
    writeln!(out, "  }},")?;
    writeln!(out, "  \"supplies\": [")?;
    for (n, line) in supply_lines(lines, unordered).enumerate() {
        let mut text = format!("    {{\"id\": \"PO-{:08}\", \"material\": \"{}\"", line.number, line.material);
        if let Some(grade) = line.grade {
            text.push_str(&format!(", \"grade\": \"{grade}\""));
        }
        let unit = match mistake {
            Mistake::AtEnd if n + 1 == lines => "tonnes",
            Mistake::EveryKgLine if line.unit == "kg" => "kilo",
            _ => line.unit,
        };
        text.push_str(&format!(", \"amount\": {}, \"unit\": \"{unit}\"", line.amount));
        if let Some(form) = line.form {
            text.push_str(&format!(", \"form\": \"{form}\""));
        }
        if let Some(content) = &line.content {
            text.push_str(&format!(", \"content\": {content}"));
        }
        text.push_str(&format!(", \"supplier\": \"Supplier {}\"", line.supplier));
        match line.origin {
            Origin::Recycled(recycler) => text.push_str(&format!(", \"origin\": {{\"recycling\": \"{recycler}\"}}}}")),
            Origin::Primary(extraction, None) => {
                text.push_str(&format!(", \"origin\": {{\"extraction\": \"{extraction}\"}}}}"))
            }
            Origin::Primary(extraction, Some(processing)) => text.push_str(&format!(
                ", \"origin\": {{\"extraction\": \"{extraction}\", \"processing\": \"{processing}\"}}}}"
            )),
        }
        if n + 1 < lines {
            text.push(',');
        }
        writeln!(out, "{text}")?;
    }
    writeln!(out, "  ],")?;
    writeln!(out, "  \"waivers\": [")?;
    writeln!(
        out,
        "    {{ \"rule\": \"CRM004\", \"material\": \"cobalt\", \"stage\": \"extraction\", \"country\": \"CD\", \"reason\": \"Benchmark run\", \"expires\": \"2099-12-31\" }}"
    )?;
    writeln!(out, "  ]")?;
    writeln!(out, "}}")?;
    out.flush()
}

/// The header of the generated tables: the supply fields, and a posting date as ERP exports
/// have (a column crma-check ignores, with a note).
const TABLE_HEADER: [&str; 12] = [
    "id",
    "posted",
    "material",
    "grade",
    "amount",
    "unit",
    "form",
    "content",
    "supplier",
    "extraction",
    "processing",
    "recycling",
];

/// The cells of a generated line, in [`TABLE_HEADER`] order (numbers as JSON writes them).
fn table_cells(line: &Line, n: usize) -> [String; 12] {
    let (extraction, processing, recycling) = match line.origin {
        Origin::Recycled(r) => ("", "", r),
        Origin::Primary(e, p) => (e, p.unwrap_or(""), ""),
    };
    // A supplier name with the delimiter in it (quoted) on every fifth line, one with quotes
    // and a non-ASCII letter on every hundredth.
    let supplier = match n % 100 {
        0 => format!("Müller \"Erz\" GmbH {}", line.supplier),
        k if k % 5 == 0 => format!("Supplier {} Refining Co., Ltd.", line.supplier),
        _ => format!("Supplier {}", line.supplier),
    };
    [
        format!("PO-{:08}", line.number),
        format!("2030-{:02}-{:02}", n % 12 + 1, n % 28 + 1),
        line.material.to_owned(),
        line.grade.unwrap_or("").to_owned(),
        line.amount.clone(),
        line.unit.to_owned(),
        line.form.unwrap_or("").to_owned(),
        line.content.clone().unwrap_or_default(),
        supplier,
        extraction.to_owned(),
        processing.to_owned(),
        recycling.to_owned(),
    ]
}

/// A number as a European export writes it: decimal comma, thousands point.
fn european(number: &str) -> String {
    let (int, frac) = number.split_once('.').unwrap_or((number, ""));
    let mut grouped = String::new();
    for (k, digit) in int.chars().enumerate() {
        if k > 0 && (int.len() - k) % 3 == 0 {
            grouped.push('.');
        }
        grouped.push(digit);
    }
    if frac.is_empty() { grouped } else { format!("{grouped},{frac}") }
}

/// Writes the supply lines of the generated portfolio of `lines` lines as a CSV file: UTF-8
/// with `,` and decimal points; or, `european`, as a German ERP exports it: windows-1252, `;`,
/// decimal commas and thousands points, CRLF line ends.
pub fn generate_csv(lines: usize, european_style: bool, out: &mut impl Write) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(out);
    let (delimiter, end) = if european_style { (';', "\r\n") } else { (',', "\n") };
    let quote = |v: &str| {
        if v.contains([delimiter, '"']) { format!("\"{}\"", v.replace('"', "\"\"")) } else { v.to_owned() }
    };
    let write = |out: &mut std::io::BufWriter<_>, text: &str| -> std::io::Result<()> {
        if european_style {
            // windows-1252: these texts hold ASCII and Latin-1 letters only.
            let bytes: Vec<u8> = text.chars().map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?')).collect();
            out.write_all(&bytes)
        } else {
            out.write_all(text.as_bytes())
        }
    };
    write(&mut out, &(TABLE_HEADER.join(&delimiter.to_string()) + end))?;
    for (n, line) in supply_lines(lines, false).enumerate() {
        let mut cells = table_cells(&line, n);
        if european_style {
            cells[4] = european(&cells[4]);
            cells[7] = cells[7].replace('.', ",");
        }
        let row: Vec<String> = cells.iter().map(|c| quote(c)).collect();
        write(&mut out, &(row.join(&delimiter.to_string()) + end))?;
    }
    out.flush()
}

/// The supply lines of the generated portfolio of `lines` lines as an Excel workbook of one
/// sheet, amounts and contents as numbers.
pub fn generate_xlsx(lines: usize) -> Vec<u8> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    for (column, header) in TABLE_HEADER.iter().enumerate() {
        sheet.write_string(0, column as u16, *header).expect("a header cell");
    }
    for (n, line) in supply_lines(lines, false).enumerate() {
        let row = n as u32 + 1;
        for (column, cell) in table_cells(&line, n).iter().enumerate() {
            let column = column as u16;
            if cell.is_empty() {
                continue;
            }
            if column == 4 || column == 7 {
                sheet.write_number(row, column, cell.parse::<f64>().expect("a number")).expect("a cell");
            } else {
                sheet.write_string(row, column, cell).expect("a cell");
            }
        }
    }
    workbook.save_to_buffer().expect("the workbook")
}
