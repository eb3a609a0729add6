//! Properties that must hold for any portfolio (proptest): what changes no verdict and no
//! share, and what can only help.

mod common;

use crma_check::Checker;
use crma_check::model::{FileReport, Table};
use crma_check::source::Source;
use proptest::prelude::*;

/// A material, and the traded forms it may come in.
const MATERIALS: &[(&str, &[&str])] = &[
    ("lithium", &["lithium-carbonate", "lithium-hydroxide-monohydrate"]),
    ("cobalt", &["cobalt-sulfate-heptahydrate"]),
    ("copper", &[]),
    ("Nd", &["neodymium-oxide"]),
    ("tungsten", &["tungsten-trioxide"]),
    ("tantalum", &[]),
];

/// EU member states and an outermost region; third countries and an OCT.
const EU: &[&str] = &["DE", "FI", "PL", "PT", "RE", "EL"];
const OTHERS: &[&str] = &["CN", "CD", "AU", "CL", "ID", "US", "GL"];

#[derive(Debug, Clone)]
struct Line {
    material: usize,
    /// Amount as an integer mantissa and a number of decimals.
    mantissa: u64,
    decimals: u32,
    kilograms: bool,
    form: Option<usize>,
    extraction: Option<&'static str>,
    processing: Option<&'static str>,
    recycling: Option<&'static str>,
}

impl Line {
    fn amount(&self) -> String {
        decimal(self.mantissa, self.decimals)
    }

    fn json(&self) -> String {
        let (material, forms) = MATERIALS[self.material];
        let mut fields = vec![format!("\"material\": \"{material}\"")];
        if material == "lithium" {
            fields.push("\"grade\": \"battery\"".to_owned());
        }
        fields.push(format!("\"amount\": {}", self.amount()));
        fields.push(format!("\"unit\": \"{}\"", if self.kilograms { "kg" } else { "t" }));
        if let Some(form) = self.form.filter(|_| !forms.is_empty()) {
            fields.push(format!("\"form\": \"{}\"", forms[form % forms.len()]));
        }
        let origin: Vec<String> =
            [("extraction", self.extraction), ("processing", self.processing), ("recycling", self.recycling)]
                .into_iter()
                .filter_map(|(stage, country)| country.map(|c| format!("\"{stage}\": \"{c}\"")))
                .collect();
        if !origin.is_empty() {
            fields.push(format!("\"origin\": {{{}}}", origin.join(", ")));
        }
        format!("{{{}}}", fields.join(", "))
    }
}

fn decimal(mantissa: u64, decimals: u32) -> String {
    if decimals == 0 {
        return mantissa.to_string();
    }
    let digits = format!("{mantissa:0>width$}", width = decimals as usize + 1);
    let (int, frac) = digits.split_at(digits.len() - decimals as usize);
    format!("{int}.{frac}")
}

#[derive(Debug, Clone)]
struct Portfolio {
    lines: Vec<Line>,
    /// Consumption per material, as a mantissa in tonnes.
    consumption: Vec<(usize, u64)>,
}

impl Portfolio {
    fn json(&self) -> String {
        let supplies: Vec<String> = self.lines.iter().map(Line::json).collect();
        let consumption: Vec<String> = self
            .consumption
            .iter()
            .map(|(m, amount)| {
                let (material, _) = MATERIALS[*m];
                let grade = if material == "lithium" { ", \"grade\": \"battery\"" } else { "" };
                format!("\"{material}\": {{\"amount\": {amount}, \"unit\": \"t\"{grade}}}")
            })
            .collect();
        format!(
            "{{\"year\": 2030, \"consumption\": {{{}}}, \"supplies\": [{}]}}",
            consumption.join(", "),
            supplies.join(",\n")
        )
    }
}

fn country(pool: &'static [&'static str]) -> impl Strategy<Value = &'static str> {
    (0..pool.len()).prop_map(move |i| pool[i])
}

fn origin() -> impl Strategy<Value = Option<&'static str>> {
    prop_oneof![1 => Just(None), 3 => country(EU).prop_map(Some), 5 => country(OTHERS).prop_map(Some)]
}

fn line() -> impl Strategy<Value = Line> {
    (
        0..MATERIALS.len(),
        1u64..10_000_000,
        0u32..4,
        any::<bool>(),
        prop::option::of(0usize..2),
        any::<bool>(),
        origin(),
        origin(),
        origin(),
    )
        .prop_map(
            |(material, mantissa, decimals, kilograms, form, recycled, extraction, processing, recycling)| Line {
                material,
                mantissa,
                decimals,
                kilograms,
                form,
                extraction: if recycled { None } else { extraction },
                processing,
                recycling: if recycled { recycling.or(Some("DE")) } else { None },
            },
        )
}

fn portfolio() -> impl Strategy<Value = Portfolio> {
    (prop::collection::vec(line(), 1..24), prop::collection::vec((0..MATERIALS.len(), 1u64..100_000), 0..4)).prop_map(
        |(lines, mut consumption)| {
            consumption.sort_by_key(|(m, _)| *m);
            consumption.dedup_by_key(|(m, _)| *m);
            Portfolio { lines, consumption }
        },
    )
}

fn check(json: &str) -> FileReport {
    let checker = Checker::builtin(common::options());
    let report = checker.check_source(Source::new("property.json", json.to_owned()));
    assert!(report.checked(), "generated portfolios are valid: {:?}\n{json}", report.diagnostics);
    report
}

/// The verdicts: each finding's rule, material, stage, country and severity, in a stable order.
fn verdicts(report: &FileReport) -> Vec<String> {
    let mut verdicts: Vec<String> = report
        .findings
        .iter()
        .map(|f| {
            format!(
                "{} {} {:?} {} {}",
                f.code(),
                f.check.material.as_ref().map_or("", |m| m.label.as_str()),
                f.check.stage,
                f.check.country.as_ref().map_or("", |c| c.code.as_str()),
                f.severity
            )
        })
        .collect();
    verdicts.sort();
    verdicts
}

/// The share table's numbers, row by row in a stable order.
fn shares(table: &Table) -> Vec<(String, Vec<f64>)> {
    let mut rows: Vec<(String, Vec<f64>)> = table
        .rows
        .iter()
        .chain(&table.overall)
        .map(|row| {
            let numbers = row
                .stages
                .iter()
                .flat_map(|s| [s.eu, s.unknown, s.top_third_country().map_or(-1.0, |(_, v)| v)])
                .collect();
            (row.material.label.clone(), numbers)
        })
        .collect();
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    rows
}

fn same_shares(a: &Table, b: &Table) -> bool {
    let (a, b) = (shares(a), shares(b));
    a.len() == b.len()
        && a.iter().zip(&b).all(|((la, na), (lb, nb))| la == lb && na.iter().zip(nb).all(|(x, y)| (x - y).abs() < 1e-9))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// Multiplying every amount and every consumption by the same factor changes no verdict.
    #[test]
    fn scaling_every_amount_changes_no_verdict(portfolio in portfolio(), factor in 2u64..1000) {
        let mut scaled = portfolio.clone();
        for line in &mut scaled.lines {
            line.mantissa *= factor;
        }
        for (_, amount) in &mut scaled.consumption {
            *amount *= factor;
        }
        let (before, after) = (check(&portfolio.json()), check(&scaled.json()));
        prop_assert_eq!(verdicts(&before), verdicts(&after));
        prop_assert!(same_shares(&before.table, &after.table));
    }

    /// The order of the supply lines changes no verdict and no share.
    #[test]
    fn reordering_supplies_changes_nothing(portfolio in portfolio(), seed in any::<u64>()) {
        let mut shuffled = portfolio.clone();
        let n = shuffled.lines.len();
        for i in (1..n).rev() {
            shuffled.lines.swap(i, (seed.wrapping_mul(6364136223846793005).wrapping_add(i as u64) % (i as u64 + 1)) as usize);
        }
        let (before, after) = (check(&portfolio.json()), check(&shuffled.json()));
        prop_assert_eq!(verdicts(&before), verdicts(&after));
        // Sums of integers in another order: the very same shares.
        prop_assert_eq!(shares(&before.table), shares(&after.table));
    }

    /// Splitting a supply line into two halves changes no share.
    #[test]
    fn splitting_a_line_changes_no_share(portfolio in portfolio(), which in any::<prop::sample::Index>()) {
        let mut split = portfolio.clone();
        let at = which.index(split.lines.len());
        let mut half = split.lines[at].clone();
        half.mantissa = split.lines[at].mantissa / 2;
        split.lines[at].mantissa -= half.mantissa;
        if half.mantissa > 0 {
            split.lines.insert(at + 1, half);
        }
        let (before, after) = (check(&portfolio.json()), check(&split.json()));
        prop_assert!(same_shares(&before.table, &after.table));
        prop_assert_eq!(verdicts(&before), verdicts(&after));
    }

    /// The same amount written in kilograms or in tonnes gives the same verdicts and shares.
    #[test]
    fn kilograms_and_tonnes_agree(portfolio in portfolio()) {
        let mut tonnes = portfolio.clone();
        let mut kilograms = portfolio.clone();
        for line in &mut tonnes.lines {
            line.kilograms = false;
        }
        for line in &mut kilograms.lines {
            // 1 t = 1000 kg: three more digits, or three fewer decimals.
            line.kilograms = true;
            if line.decimals >= 3 {
                line.decimals -= 3;
            } else {
                line.mantissa *= 10u64.pow(3 - line.decimals);
                line.decimals = 0;
            }
        }
        let (t, kg) = (check(&tonnes.json()), check(&kilograms.json()));
        prop_assert_eq!(verdicts(&t), verdicts(&kg));
        prop_assert_eq!(shares(&t.table), shares(&kg.table));
    }

    /// Adding a supply that is EU at every stage never creates a new EU-share finding.
    #[test]
    fn an_eu_supply_never_creates_an_eu_share_finding(portfolio in portfolio(), material in 0..MATERIALS.len(), mantissa in 1u64..1_000_000) {
        let mut more = portfolio.clone();
        more.lines.push(Line {
            material,
            mantissa,
            decimals: 0,
            kilograms: false,
            form: None,
            extraction: Some("DE"),
            processing: Some("FI"),
            recycling: Some("PL"),
        });
        let eu_findings = |report: &FileReport| -> Vec<String> {
            verdicts(report).into_iter().filter(|v| ["CRM001", "CRM002", "CRM003"].iter().any(|r| v.starts_with(r))).collect()
        };
        let (before, after) = (eu_findings(&check(&portfolio.json())), eu_findings(&check(&more.json())));
        for finding in &after {
            prop_assert!(before.contains(finding), "new EU-share finding {}", finding);
        }
    }
}

// ---- Exact at every threshold ---------------------------------------------------------------

/// A lithium line: a traded form (or none), a unit, an amount in thousandths of a unit.
#[derive(Debug, Clone)]
struct Lot {
    form: Option<&'static str>,
    unit: &'static str,
    thousandths: u64,
}

/// Forms whose contained fraction has no finite decimal expansion, and none.
const LITHIUM_FORMS: &[Option<&str>] =
    &[None, Some("lithium-carbonate"), Some("lithium-hydroxide-monohydrate"), Some("spodumene-sc6")];
const UNITS: &[&str] = &["t", "kg", "lb", "kt"];

fn lot() -> impl Strategy<Value = Lot> {
    (prop::sample::select(LITHIUM_FORMS), prop::sample::select(UNITS), 1u64..50_000_000)
        .prop_map(|(form, unit, thousandths)| Lot { form, unit, thousandths })
}

/// A supply line of `times` × the lot, at `country` for extraction and processing; the
/// amount is split into two lines where it can be, so that no single line carries it.
fn lot_lines(lot: &Lot, times: u64, country: &str) -> Vec<String> {
    let total = lot.thousandths * times;
    let parts = if total > 1 { vec![total / 3, total - total / 3] } else { vec![total] };
    parts
        .into_iter()
        .filter(|part| *part > 0)
        .map(|part| {
            let form = lot.form.map(|f| format!(", \"form\": \"{f}\"")).unwrap_or_default();
            format!(
                "{{\"material\": \"lithium\", \"grade\": \"battery\", \"amount\": {}, \"unit\": \"{}\"{form}, \"origin\": {{\"extraction\": \"{country}\", \"processing\": \"{country}\"}}}}",
                decimal(part, 3),
                lot.unit
            )
        })
        .collect()
}

/// A 2030 portfolio of lithium: `inside × lots` from `country`, `outside × lots` from
/// Australia, and `extra` lines as written.
fn exact_portfolio(lots: &[Lot], country: &str, inside: u64, outside: u64, extra: &[&str]) -> String {
    let mut lines: Vec<String> = Vec::new();
    for lot in lots {
        lines.extend(lot_lines(lot, inside, country));
        lines.extend(lot_lines(lot, outside, "AU"));
    }
    lines.extend(extra.iter().map(|l| (*l).to_owned()));
    format!("{{\"year\": 2030, \"supplies\": [{}]}}", lines.join(", "))
}

/// Whether `rule` found something about lithium processing.
fn fails_at_processing(report: &FileReport, rule: &str) -> bool {
    report.findings.iter().any(|f| f.code() == rule && f.check.stage.map(|s| s.as_str()) == Some("processing"))
}

/// One picogram (10⁻¹⁸ t) of lithium processed in `country`.
fn one_picogram(country: &str) -> String {
    format!(
        "{{\"material\": \"lithium\", \"grade\": \"battery\", \"amount\": 1e-18, \"unit\": \"t\", \"origin\": {{\"extraction\": \"{country}\", \"processing\": \"{country}\"}}}}"
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Lots in any forms and units whose exact share is the 65% cap pass it (13 parts of 20),
    /// and one picogram more from the capped country fails it.
    #[test]
    fn a_share_exactly_at_the_cap_passes_and_a_picogram_more_fails(lots in prop::collection::vec(lot(), 1..5)) {
        let at = check(&exact_portfolio(&lots, "CN", 13, 7, &[]));
        prop_assert!(!fails_at_processing(&at, "CRM004"), "exactly 65% fails: {:?}", verdicts(&at));
        let over = check(&exact_portfolio(&lots, "CN", 13, 7, &[&one_picogram("CN")]));
        prop_assert!(fails_at_processing(&over, "CRM004"), "a picogram over 65% passes: {:?}", verdicts(&over));
    }

    /// Lots in any forms and units whose exact EU share is the 40% minimum meet it (2 parts
    /// of 5), and one picogram more from outside the EU falls short.
    #[test]
    fn a_share_exactly_at_the_minimum_passes_and_a_picogram_less_fails(lots in prop::collection::vec(lot(), 1..5)) {
        let at = check(&exact_portfolio(&lots, "DE", 2, 3, &[]));
        prop_assert!(!fails_at_processing(&at, "CRM002"), "exactly 40% fails: {:?}", verdicts(&at));
        let under = check(&exact_portfolio(&lots, "DE", 2, 3, &[&one_picogram("AU")]));
        prop_assert!(fails_at_processing(&under, "CRM002"), "a picogram under 40% passes: {:?}", verdicts(&under));
    }
}

// ---- The smallest fix, applied, makes the finding pass ---------------------------------------

/// Cobalt lines processed (and extracted) in a country, or of unknown origin (`None`), in
/// thousandths of a tonne.
fn cobalt_portfolio(lines: &[(Option<&str>, u64)], consumption: Option<u64>) -> String {
    let supplies: Vec<String> = lines
        .iter()
        .map(|(country, thousandths)| {
            let origin = country.map(|c| format!(r#", "origin": {{"extraction": "{c}", "processing": "{c}"}}"#));
            format!(
                r#"{{"material": "cobalt", "amount": {}, "unit": "t"{}}}"#,
                decimal(*thousandths, 3),
                origin.unwrap_or_default()
            )
        })
        .collect();
    let consumption = consumption
        .map(|c| format!(r#""consumption": {{"cobalt": {{"amount": {}, "unit": "t"}}}}, "#, decimal(c, 3)))
        .unwrap_or_default();
    format!(r#"{{"year": 2030, {consumption}"supplies": [{}]}}"#, supplies.join(", "))
}

/// Moves `tonnes` from the lines `from` picks to a new line from `to`: taken line by line,
/// and, where the lines run out, from consumption no line covers.
fn moved(
    lines: &[(Option<&'static str>, u64)],
    from: impl Fn(Option<&str>) -> bool,
    to: &'static str,
    tonnes: f64,
) -> Vec<(Option<&'static str>, u64)> {
    // The fix is printed with at most three decimals: whole thousandths.
    let mut left = (tonnes * 1000.0).round() as u64;
    let mut out = Vec::new();
    for &(country, amount) in lines {
        if from(country) && left > 0 {
            let taken = amount.min(left);
            left -= taken;
            if amount > taken {
                out.push((country, amount - taken));
            }
        } else {
            out.push((country, amount));
        }
    }
    out.push((Some(to), (tonnes * 1000.0).round() as u64));
    out
}

const EU_OR_NOT: &[Option<&str>] = &[Some("CN"), Some("CD"), Some("AU"), Some("DE"), Some("FI"), None];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Moving the smallest fix's tonnes as it says makes the finding pass: out of a country
    /// over the cap, or into the EU where its share is short.
    #[test]
    fn the_smallest_fix_applied_makes_the_finding_pass(
        lines in prop::collection::vec((prop::sample::select(EU_OR_NOT), 1u64..100_000_000), 1..8),
        extra in prop::option::of(0u64..50_000_000),
    ) {
        let supplied: u64 = lines.iter().map(|(_, t)| t).sum();
        let consumption = extra.map(|e| supplied + e);
        let report = check(&cobalt_portfolio(&lines, consumption));
        for finding in report.findings.iter().filter(|f| f.check.stage.map(|s| s.as_str()) == Some("processing")) {
            let Some(fix) = &finding.fix else { continue };
            let fixed = match finding.code() {
                "CRM004" => {
                    let country = finding.check.country.as_ref().expect("a country").code.clone();
                    moved(&lines, |c| c == Some(country.as_str()), "US", fix.tonnes)
                }
                "CRM002" => moved(&lines, |c| !matches!(c, Some("DE" | "FI")), "DE", fix.tonnes),
                _ => continue,
            };
            let after = check(&cobalt_portfolio(&fixed, consumption));
            let still = after.findings.iter().any(|f| f.check.key() == finding.check.key());
            prop_assert!(!still, "{} still fails after: {}\n{:?}", finding.message, fix.sentence, verdicts(&after));
        }
    }
}
