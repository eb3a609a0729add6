//! One supply line in its material's terms: its contained mass and its share of the
//! material's denominator, exactly, for the line a caller asked about.

use super::{country_ref, material_ref};
use crate::domain::Stage;
use crate::model::{LineFacts, LineOrigin};
use crate::portfolio::Portfolio;
use crate::quantity::{Share, format_share};
use crate::reference::Reference;

/// The facts of the line the portfolio was read probing for, if it was found.
pub fn line_facts(portfolio: &Portfolio, reference: &Reference) -> Option<LineFacts> {
    let probed = portfolio.probed?;
    let row = portfolio.ledger.rows().iter().find(|r| r.key == probed.key)?;
    let line = probed.line;
    let source = &portfolio.source;
    let contained = line.mass.mass();
    let share = Share::new(&contained, row.denominator());
    // Where the line counts at each stage, as the ledger adds its route up.
    let stages = Stage::ALL
        .into_iter()
        .filter_map(|stage| match probed.route.at(stage) {
            Some(country) => Some((stage, LineOrigin::Country(country_ref(reference, country)))),
            None if probed.route.expects(stage) => Some((stage, LineOrigin::Unknown)),
            None => None,
        })
        .collect();
    Some(LineFacts {
        material: material_ref(reference, probed.key),
        amount: source.slice(line.amount).to_owned(),
        unit: reference.units.get(line.unit).id.clone(),
        form: line.form.map(|f| reference.forms.get(f).id.clone()),
        content: line.content.map(|span| source.slice(span).to_owned()),
        denominator: row.denominator().clone(),
        basis: row.basis(),
        share: share.percent_f64(),
        share_text: format_share(&share, None),
        contained,
        stages,
    })
}
