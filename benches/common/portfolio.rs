//! Generated portfolios for the benchmarks: realistic, deterministic, of any size.

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
    let mut rng = ChaCha8Rng::seed_from_u64(lines as u64);
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
    // Unordered ids are a permutation of the line numbers: the step is prime, and so coprime
    // with the number of lines unless it divides it; then the other prime does not.
    let step: u64 = if (lines as u64).is_multiple_of(1_000_003) { 999_983 } else { 1_000_003 };
    for n in 0..lines {
        let profile = &PROFILES[rng.random_range(0..PROFILES.len())];
        let number = if unordered { (n as u64 * step % lines as u64) as usize } else { n };
        let mut line = format!("    {{\"id\": \"PO-{number:08}\", \"material\": \"{}\"", profile.material);
        if let Some(grade) = profile.grade
            && rng.random_ratio(9, 10)
        {
            line.push_str(&format!(", \"grade\": \"{grade}\""));
        }
        let (amount, mut unit) = match rng.random_range(0..10) {
            0..=5 => (format!("{:.3}", rng.random_range(0.5..80.0)), "t"),
            6..=8 => (format!("{}", rng.random_range(100..90_000)), "kg"),
            _ => (format!("{:.4}", rng.random_range(0.001..0.2)), "kt"),
        };
        match mistake {
            Mistake::AtEnd if n + 1 == lines => unit = "tonnes",
            Mistake::EveryKgLine if unit == "kg" => unit = "kilo",
            _ => {}
        }
        line.push_str(&format!(", \"amount\": {amount}, \"unit\": \"{unit}\""));
        let recycled = rng.random_ratio(3, 20);
        if !recycled {
            match rng.random_range(0..10) {
                0..=3 if !profile.forms.is_empty() => {
                    let form = profile.forms[rng.random_range(0..profile.forms.len())];
                    line.push_str(&format!(", \"form\": \"{form}\""));
                }
                4 => line.push_str(&format!(", \"content\": {:.2}", rng.random_range(0.2..0.9))),
                _ => {}
            }
        }
        line.push_str(", \"supplier\": \"Supplier ");
        line.push_str(&format!("{}\"", rng.random_range(1..400)));
        if recycled {
            let recycler = pick(&mut rng, RECYCLERS);
            line.push_str(&format!(", \"origin\": {{\"recycling\": \"{recycler}\"}}}}"));
        } else {
            let extraction = pick(&mut rng, profile.extraction);
            let processing = pick(&mut rng, profile.processing);
            match rng.random_range(0..50) {
                0 => line.push_str(&format!(", \"origin\": {{\"extraction\": \"{extraction}\"}}}}")),
                _ => line.push_str(&format!(
                    ", \"origin\": {{\"extraction\": \"{extraction}\", \"processing\": \"{processing}\"}}}}"
                )),
            }
        }
        if n + 1 < lines {
            line.push(',');
        }
        writeln!(out, "{line}")?;
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
