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
                .flat_map(|s| [s.eu, s.unknown, s.top_third_country.as_ref().map_or(-1.0, |(_, v)| *v)])
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
        && a.iter().zip(&b).all(|((la, na), (lb, nb))| {
            // Relative: a share of millions of percent (tiny consumption) is an f64 of a few ulps.
            la == lb && na.iter().zip(nb).all(|(x, y)| (x - y).abs() <= 1e-9 * x.abs().max(1.0))
        })
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

    /// Adding a supply that is EU at every stage it counts at never creates a new EU-share
    /// finding at those stages: extraction and processing for primary material, recycling
    /// and processing for recycled material (which counts at no extraction).
    #[test]
    fn an_eu_supply_never_creates_an_eu_share_finding(portfolio in portfolio(), material in 0..MATERIALS.len(), mantissa in 1u64..1_000_000, recycled in any::<bool>()) {
        let mut more = portfolio.clone();
        more.lines.push(Line {
            material,
            mantissa,
            decimals: 0,
            kilograms: false,
            form: None,
            extraction: (!recycled).then_some("DE"),
            processing: Some("FI"),
            recycling: recycled.then_some("PL"),
        });
        let rules: &[&str] = if recycled { &["CRM002", "CRM003"] } else { &["CRM001", "CRM002"] };
        let eu_findings = |report: &FileReport| -> Vec<String> {
            verdicts(report).into_iter().filter(|v| rules.iter().any(|r| v.starts_with(r))).collect()
        };
        let (before, after) = (eu_findings(&check(&portfolio.json())), eu_findings(&check(&more.json())));
        for finding in &after {
            prop_assert!(before.contains(finding), "new EU-share finding {}", finding);
        }
    }
}
