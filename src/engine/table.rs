//! The share table: for each material, the EU share, the share of each country and the
//! unknown share at each stage, and its verdict.

use super::HOME_GROUP;
use super::evaluate::Target;
use super::{country_ref, material_ref};
use crate::diagnostic::Severity;
use crate::domain::Stage;
use crate::model::{CountryShare, Finding, MaterialRef, StageShares, Stock, Table, TableRow, Verdict};
use crate::portfolio::{Cell, Portfolio, Row, RowKey};
use crate::quantity::Mass;
use crate::reference::{CountryId, Reference, Tier};

/// The EU's strategic partners on raw materials, as `rules/countries.json` names them.
const PARTNERS_GROUP: &str = "partners";

/// Builds the table of a portfolio from its ledger and its findings, in reporting `year`.
pub fn share_table(
    portfolio: &Portfolio,
    reference: &Reference,
    findings: &[(Target, Finding)],
    checked: &[RowKey],
    year: u16,
) -> Table {
    let rows = portfolio.ledger.rows();
    let mut table = Table {
        rows: rows
            .iter()
            .map(|row| {
                let verdict = verdict(row.key, findings, checked);
                table_row(reference, row, material_ref(reference, row.key), verdict, year)
            })
            .collect(),
        overall: None,
    };
    let strategic: Vec<&Row> = rows.iter().filter(|r| r.key.tier == Tier::Strategic).collect();
    // The Act's benchmarks are met "overall": show the total when there is more than one.
    if let (Some(first), true) = (strategic.first(), strategic.len() > 1) {
        let merged = Row::merged(first.key, strategic.iter().copied());
        let material = MaterialRef::total("all strategic raw materials");
        let overall_findings = findings.iter().filter(|(t, _)| *t == Target::Overall);
        let verdict = worst(overall_findings.map(|(_, f)| f)).unwrap_or(Verdict::Passes);
        let mut row = table_row(reference, &merged, material, verdict, year);
        // Every strategic row is a member: the total is as sound as its worst member.
        if table.rows.iter().any(|r| r.material.tier == Some(Tier::Strategic) && r.verdict == Verdict::Fails) {
            row.verdict = Verdict::Fails;
        } else if row.verdict == Verdict::Passes
            && table.rows.iter().any(|r| r.material.tier == Some(Tier::Strategic) && r.verdict == Verdict::Warnings)
        {
            row.verdict = Verdict::Warnings;
        }
        table.overall = Some(row);
    }
    table
}

fn verdict(key: RowKey, findings: &[(Target, Finding)], checked: &[RowKey]) -> Verdict {
    let mine = findings.iter().filter(|(t, _)| *t == Target::Row(key)).map(|(_, f)| f);
    match worst(mine) {
        Some(verdict) => verdict,
        None if checked.contains(&key) => Verdict::Passes,
        None if key.tier == Tier::OutOfScope => Verdict::OutOfScope,
        None => Verdict::NoBenchmark,
    }
}

fn worst<'a>(findings: impl Iterator<Item = &'a Finding>) -> Option<Verdict> {
    let mut verdict = None;
    for finding in findings.filter(|f| f.counts()) {
        match finding.severity {
            Severity::Error => return Some(Verdict::Fails),
            Severity::Warning => verdict = Some(Verdict::Warnings),
            Severity::Note => {}
        }
    }
    verdict
}

fn table_row(reference: &Reference, row: &Row, material: MaterialRef, verdict: Verdict, year: u16) -> TableRow {
    let countries = &reference.countries;
    let home = countries.group(HOME_GROUP).map(|g| countries.group_by_id(g));
    let partners = countries.group(PARTNERS_GROUP).map(|g| countries.group_by_id(g));
    let denominator = row.denominator();
    let stages = Stage::ALL.map(|stage| {
        let at = row.stage(stage);
        let in_home = |c| home.is_some_and(|g| g.contains(c));
        let eu = at.countries().filter(|(c, _)| in_home(*c)).map(|(_, cell)| &cell.mass).sum::<Mass>();
        let partner = |c| partners.is_some_and(|g| g.contains_in(c, year));
        let with_partners =
            at.countries().filter(|(c, _)| in_home(*c) || partner(*c)).map(|(_, cell)| &cell.mass).sum::<Mass>();
        let mut countries: Vec<(CountryId, &Cell)> = at.countries().collect();
        // Largest first; the sort is stable, so among equals the first to appear in the file.
        countries.sort_by(|a, b| b.1.mass.cmp(&a.1.mass));
        StageShares {
            eu: eu.share_of(denominator).percent_f64(),
            eu_and_partners: with_partners.share_of(denominator).percent_f64(),
            countries: countries
                .into_iter()
                .map(|(c, cell)| CountryShare {
                    country: country_ref(reference, c),
                    share: cell.mass.share_of(denominator).percent_f64(),
                    eu: in_home(c),
                })
                .collect(),
            unknown: row.unknown(stage).share_of(denominator).percent_f64(),
        }
    });
    let stock = row.stock.as_ref().zip(row.stock_days()).map(|(stock, days)| Stock { mass: stock.mass.clone(), days });
    TableRow { material, denominator: denominator.clone(), basis: row.basis(), stages, stock, verdict }
}
