//! A portfolio assessed: the rules evaluated, the waivers applied, the share table built, and
//! the findings put in the order reports show them. The check of a file and every scenario
//! of a stress test go through here.

use super::rule::Rule;
use super::{Target, WaiverDates, apply_waivers, evaluate, share_table};
use crate::model::{Check, Finding, Table};
use crate::portfolio::Portfolio;
use crate::reference::Reference;

/// What the rules say of a portfolio.
#[derive(Debug)]
pub(crate) struct Assessment {
    /// Findings, waived ones marked, then the findings about the waivers themselves.
    pub findings: Vec<Finding>,
    /// Every check made, in the order of the findings.
    pub checks: Vec<Check>,
    /// The share table.
    pub table: Table,
}

/// The rules that run and every rule id known (a waiver of a rule left out by `--ignore` is
/// not reported unused), the reporting year and the day waivers are judged on.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Context<'a> {
    pub active: &'a [&'a Rule],
    pub known: &'a [&'a str],
    pub reference: &'a Reference,
    pub year: u16,
    pub waivers: WaiverDates,
}

/// Assesses `portfolio`: material by material in the order the file names them, rules in
/// ruleset order.
pub(crate) fn assess(portfolio: &Portfolio, context: &Context<'_>) -> Assessment {
    let (findings, whole) = judge(portfolio, context, true);
    let (checks, table) = whole.unwrap_or_default();
    Assessment { findings, checks, table }
}

/// The findings alone, in the order of [`assess`]: what a stress scenario compares, without
/// the share table and the checks it would not show.
pub(crate) fn findings(portfolio: &Portfolio, context: &Context<'_>) -> Vec<Finding> {
    judge(portfolio, context, false).0
}

/// The findings, and, if `whole`, the checks in their order and the share table.
fn judge(portfolio: &Portfolio, context: &Context<'_>, whole: bool) -> (Vec<Finding>, Option<(Vec<Check>, Table)>) {
    let Context { active, known, reference, year, waivers } = *context;
    let mut evaluation = evaluate(portfolio, active, reference, year);
    let active_ids: Vec<&str> = active.iter().map(|r| r.id()).collect();
    let own = apply_waivers(portfolio, &mut evaluation.findings, reference, waivers, &active_ids, known);
    let row_order = |target: &Target| match target {
        Target::Row(key) => portfolio.ledger.position(*key).unwrap_or(usize::MAX),
        Target::Overall => usize::MAX,
    };
    let rule_order = |code: &str| active.iter().position(|r| r.id() == code).unwrap_or(usize::MAX);
    let check_order = |target: &Target, c: &Check| {
        (row_order(target), rule_order(&c.rule), c.stage, c.country.as_ref().map(|c| c.code.clone()))
    };
    let whole = whole.then(|| {
        let table = share_table(portfolio, reference, &evaluation.findings, &evaluation.checked_rows, year);
        let mut checks = std::mem::take(&mut evaluation.checks);
        checks.sort_by_cached_key(|(target, c)| check_order(target, c));
        (checks.into_iter().map(|(_, c)| c).collect(), table)
    });
    evaluation.findings.sort_by_cached_key(|(target, f)| check_order(target, &f.check));
    let mut findings: Vec<Finding> = evaluation.findings.into_iter().map(|(_, f)| f).collect();
    findings.extend(own);
    (findings, whole)
}
