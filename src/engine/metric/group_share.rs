//! `group-share`: the share of the denominator from a group of countries (the EU, say).

use super::{
    Bound, End, Evidence, Measured, Measurement, MetricKind, Move, OriginSet, Scale, needed, share_measurement,
    stage_of,
};
use crate::domain::Stage;
use crate::model::Gauge;
use crate::portfolio::Row;
use crate::quantity::Mass;
use crate::reference::CountrySet;

/// The share from the `origins` countries.
pub(super) struct GroupShare;

impl MetricKind for GroupShare {
    fn name(&self) -> &'static str {
        "group-share"
    }

    fn about(&self) -> &'static str {
        "the share from the `origins` countries (any known country if omitted, so that at `recycling` it is the recycled share), in percent."
    }

    fn scale(&self) -> Scale {
        Scale::Percent
    }

    fn explain(&self, origins: &OriginSet) -> String {
        format!("the share whose country at that stage is in {}", origins.describe())
    }

    fn measure(&self, row: &Row, at: Option<Stage>, bound: Bound, origins: &OriginSet) -> Measured {
        let stage = stage_of(at);
        let at = row.stage(stage);
        let denominator = row.denominator();
        let open = row.open(stage);
        let part: Mass = at.countries().filter(|(c, _)| origins.contains(*c)).map(|(_, cell)| &cell.mass).sum();
        let share = part.share_of(denominator);
        let best_or_worst = (&part + &open).share_of(denominator);
        Measured::one(share_measurement(share, bound, &best_or_worst, &open, Evidence::Group(origins.clone())))
    }

    fn smallest_fix(
        &self,
        row: &Row,
        at: Option<Stage>,
        bound: Bound,
        origins: &OriginSet,
        _m: &Measurement,
    ) -> Option<Move> {
        let stage = stage_of(at);
        let part: Mass =
            row.stage(stage).countries().filter(|(c, _)| origins.contains(*c)).map(|(_, cell)| &cell.mass).sum();
        let mass = needed(&part, row.denominator(), bound)?;
        let (inside, outside) = match origins.is_any() {
            true => (End::AnyCountry, End::NoCountry),
            false => (End::Origins(origins.describe()), End::OutsideOrigins(origins.describe())),
        };
        let (from, to, available) = match bound {
            Bound::Min(_) => (outside, inside, row.denominator().saturating_sub(&part)),
            Bound::Max(_) => (inside, outside, part),
        };
        Some(Move { mass, available: Some(available), from, to })
    }

    fn flip_note(&self, bound: Bound, unknown: &str, origins: &str) -> String {
        match bound {
            Bound::Min(_) => format!("{unknown}: if all of it were from {origins}, the benchmark would be met"),
            Bound::Max(_) => format!("{unknown}: it could raise the share further"),
        }
    }

    fn gauge(&self, origins: &OriginSet, home: &CountrySet) -> Gauge {
        if origins.is_exactly(home) {
            Gauge::EuShare
        } else if origins.is_any() {
            Gauge::KnownShare
        } else {
            Gauge::Other
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixture::{d, group, row};
    use super::*;

    fn eu_share(lines: &[(Option<&str>, &str)], consumption: Option<&str>, min: &str) -> (bool, bool) {
        let row = row(Stage::Processing, lines, consumption);
        let measured = GroupShare.measure(&row, Some(Stage::Processing), Bound::Min(d(min)), &group("EU"));
        let m = &measured.measurements[0];
        (m.passes, m.flip.is_some())
    }

    #[test]
    fn a_share_exactly_at_the_minimum_passes() {
        assert_eq!(eu_share(&[(Some("DE"), "400"), (Some("CN"), "600")], None, "40"), (true, false));
        assert_eq!(eu_share(&[(Some("DE"), "399.999"), (Some("CN"), "600.001")], None, "40"), (false, false));
    }

    #[test]
    fn unknown_origins_that_could_meet_the_minimum_are_said() {
        // 300 t from the EU, 200 t unknown: 30% now, 50% if the unknown were all European.
        assert_eq!(eu_share(&[(Some("FR"), "300"), (None, "200"), (Some("CN"), "500")], None, "40"), (false, true));
    }

    #[test]
    fn the_share_of_the_eu_or_of_any_country_is_a_figure_of_the_table() {
        let eu = group("EU");
        let countries = &crate::reference::Reference::builtin().countries;
        let home = countries.group_by_id(countries.group("EU").expect("the EU")).members().clone();
        assert_eq!(GroupShare.gauge(&eu, &home), Gauge::EuShare);
        assert_eq!(GroupShare.gauge(&OriginSet::any(), &home), Gauge::KnownShare);
        assert_eq!(GroupShare.gauge(&group("OCT"), &home), Gauge::Other);
        assert_eq!(GroupShare.gauge(&OriginSet::outside(home.clone(), "the EU".into()), &home), Gauge::Other);
    }

    #[test]
    fn consumption_no_line_covers_counts_against_the_minimum() {
        // 400 t from the EU of a consumption of 1,000 t, only 500 t supplied.
        assert_eq!(eu_share(&[(Some("DE"), "400"), (Some("CN"), "100")], Some("1000"), "40"), (true, false));
        assert_eq!(eu_share(&[(Some("DE"), "300"), (Some("CN"), "200")], Some("1000"), "40"), (false, true));
    }
}
