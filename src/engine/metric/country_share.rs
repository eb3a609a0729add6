//! `country-share`: the share of each single country, each checked on its own.

use super::{
    Bound, End, Evidence, Measured, Measurement, MetricKind, Move, OriginSet, Risk, Scale, needed, share_measurement,
    stage_of,
};
use crate::domain::Stage;
use crate::model::Gauge;
use crate::portfolio::Row;
use crate::quantity::Percent;
use crate::reference::CountrySet;

/// The share of each country of `origins`, each on its own.
pub(super) struct CountryShare;

impl MetricKind for CountryShare {
    fn name(&self) -> &'static str {
        "country-share"
    }

    fn about(&self) -> &'static str {
        "the share of each country in `origins` (all countries if omitted), each checked on its own, in percent."
    }

    fn scale(&self) -> Scale {
        Scale::Percent
    }

    fn explain(&self, origins: &OriginSet) -> String {
        format!("the share each single country {} supplies, each country on its own", origins.describe())
    }

    fn measure(&self, row: &Row, at: Option<Stage>, bound: Bound, origins: &OriginSet) -> Measured {
        let stage = stage_of(at);
        let at = row.stage(stage);
        let denominator = row.denominator();
        let open = row.open(stage);
        let mut measured = Measured::default();
        for (country, cell) in at.countries().filter(|(c, _)| origins.contains(*c)) {
            let share = cell.mass.share_of(denominator);
            let worst = (&cell.mass + &open).share_of(denominator);
            let mut m = share_measurement(share.clone(), bound, &worst, &open, Evidence::Country(country));
            m.country = Some(country);
            if m.passes && m.flip.is_some() {
                measured.at_risk.push(Risk::Country { country, share, worst });
            }
            measured.measurements.push(m);
        }
        // The unknown mass might all come from one country not yet among the origins.
        if let Bound::Max(max) = bound {
            let unknown = open.share_of(denominator);
            if Percent::new(max).is_some_and(|max| unknown.cmp_percent(max) == std::cmp::Ordering::Greater) {
                measured.at_risk.push(Risk::NewCountry { unknown });
            }
        }
        measured
    }

    fn smallest_fix(
        &self,
        row: &Row,
        at: Option<Stage>,
        bound: Bound,
        _origins: &OriginSet,
        m: &Measurement,
    ) -> Option<Move> {
        let stage = stage_of(at);
        // Only a cap is fixed by moving supply away; a country's minimum needs supply added.
        let Bound::Max(_) = bound else { return None };
        let country = m.country?;
        let (_, cell) = row.stage(stage).countries().find(|(c, _)| *c == country)?;
        let mass = needed(&cell.mass, row.denominator(), bound)?;
        Some(Move { mass, available: Some(cell.mass.clone()), from: End::Country(country), to: End::OtherCountries })
    }

    fn gauge(&self, _origins: &OriginSet, _home: &CountrySet) -> Gauge {
        Gauge::CountryShare
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixture::{country, d, row};
    use super::*;

    fn capped(lines: &[(Option<&str>, &str)], max: &str) -> Measured {
        let row = row(Stage::Extraction, lines, None);
        CountryShare.measure(&row, Some(Stage::Extraction), Bound::Max(d(max)), &OriginSet::any())
    }

    #[test]
    fn each_country_is_measured_and_a_share_exactly_at_the_cap_passes() {
        let measured = capped(&[(Some("CD"), "650"), (Some("AU"), "350")], "65");
        let verdicts: Vec<(Option<_>, bool)> = measured.measurements.iter().map(|m| (m.country, m.passes)).collect();
        assert_eq!(verdicts, [(Some(country("CD")), true), (Some(country("AU")), true)]);
        let over = capped(&[(Some("CD"), "650.001"), (Some("AU"), "349.999")], "65");
        assert!(!over.measurements[0].passes);
    }

    #[test]
    fn unknown_mass_that_could_push_a_country_over_the_cap_is_a_risk() {
        let measured = capped(&[(Some("CD"), "600"), (None, "100"), (Some("AU"), "300")], "65");
        assert!(measured.measurements.iter().all(|m| m.passes));
        assert!(matches!(measured.at_risk.as_slice(), [Risk::Country { .. }]));
        let unknown = capped(&[(None, "700"), (Some("AU"), "300")], "65");
        assert!(unknown.at_risk.iter().any(|r| matches!(r, Risk::NewCountry { .. })));
    }
}
