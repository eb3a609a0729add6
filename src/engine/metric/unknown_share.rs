//! `unknown-share`: the share whose country at the stage is not known.

use super::{
    Bound, End, Evidence, Measured, Measurement, MetricKind, Move, OriginSet, Scale, needed, share_measurement,
    stage_of,
};
use crate::domain::Stage;
use crate::model::Gauge;
use crate::portfolio::Row;
use crate::quantity::Mass;
use crate::reference::CountrySet;

/// The share of unknown origin.
pub(super) struct UnknownShare;

impl MetricKind for UnknownShare {
    fn name(&self) -> &'static str {
        "unknown-share"
    }

    fn about(&self) -> &'static str {
        "the share whose country at the stage is not known, in percent."
    }

    fn scale(&self) -> Scale {
        Scale::Percent
    }

    fn takes_origins(&self) -> bool {
        false
    }

    fn explain(&self, _origins: &OriginSet) -> String {
        "the share whose country at that stage is not known (an expected stage left empty, or consumption no supply line covers)".to_owned()
    }

    fn measure(&self, row: &Row, at: Option<Stage>, bound: Bound, _origins: &OriginSet) -> Measured {
        let stage = stage_of(at);
        let share = row.unknown(stage).share_of(row.denominator());
        Measured::one(share_measurement(share.clone(), bound, &share, &Mass::ZERO, Evidence::Unknown))
    }

    fn names_risks(&self) -> bool {
        true
    }

    fn smallest_fix(
        &self,
        row: &Row,
        at: Option<Stage>,
        bound: Bound,
        _origins: &OriginSet,
        _m: &Measurement,
    ) -> Option<Move> {
        let stage = stage_of(at);
        let Bound::Max(_) = bound else { return None };
        let unknown = row.unknown(stage);
        let mass = needed(&unknown, row.denominator(), bound)?;
        Some(Move { mass, available: Some(unknown), from: End::Unknown, to: End::Documented })
    }

    fn gauge(&self, _origins: &OriginSet, _home: &CountrySet) -> Gauge {
        Gauge::UnknownShare
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixture::{d, row};
    use super::*;

    #[test]
    fn lines_without_a_country_and_uncovered_consumption_are_unknown() {
        let row = row(Stage::Extraction, &[(Some("CL"), "500"), (None, "100")], Some("1000"));
        let measured = UnknownShare.measure(&row, Some(Stage::Extraction), Bound::Max(d("50")), &OriginSet::any());
        // 100 t without a country, and 400 t of consumption no line covers: exactly 50%.
        assert!(measured.measurements[0].passes);
        assert_eq!(measured.measurements[0].value.number(), 50.0);
        let stricter = UnknownShare.measure(&row, Some(Stage::Extraction), Bound::Max(d("49.9")), &OriginSet::any());
        assert!(!stricter.measurements[0].passes);
    }
}
