//! `distinct-origins`: the number of different countries supplying a material.

use super::{Bound, Evidence, Flip, Measured, Measurement, MetricKind, OriginSet, Scale, Value, stage_of};
use crate::domain::Stage;
use crate::portfolio::Row;
use crate::quantity::Decimal;

/// The number of different countries of `origins`.
pub(super) struct DistinctOrigins;

impl MetricKind for DistinctOrigins {
    fn name(&self) -> &'static str {
        "distinct-origins"
    }

    fn about(&self) -> &'static str {
        "the number of different countries in `origins`."
    }

    fn scale(&self) -> Scale {
        Scale::Count
    }

    fn threshold_problem(&self, threshold: Decimal) -> Option<&'static str> {
        threshold.to_integer().is_none().then_some("a number of countries is a whole number")
    }

    fn explain(&self, origins: &OriginSet) -> String {
        format!("the number of different countries {} supplying it", origins.describe())
    }

    fn measure(&self, row: &Row, at: Option<Stage>, bound: Bound, origins: &OriginSet) -> Measured {
        let stage = stage_of(at);
        let at = row.stage(stage);
        let count = at.countries().filter(|(c, cell)| origins.contains(*c) && !cell.mass.is_zero()).count();
        let threshold = bound.value().to_integer().unwrap_or(0);
        let passes = bound.passes((count as u64).cmp(&threshold));
        // Unknown origins may be further countries: a failing minimum could pass.
        let open = row.open(stage);
        let flip = (!passes && matches!(bound, Bound::Min(_)) && !open.is_zero()).then_some(Flip { open });
        Measured::one(Measurement {
            value: Value::Count(count as u32),
            country: None,
            passes,
            flip,
            evidence: Evidence::Countries(origins.clone()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixture::{d, row};
    use super::*;

    #[test]
    fn countries_are_counted_once_and_unknown_ones_might_be_more() {
        let row = row(Stage::Processing, &[(Some("CN"), "5"), (Some("FI"), "3"), (Some("CN"), "1"), (None, "1")], None);
        let at_least =
            |n: &str| DistinctOrigins.measure(&row, Some(Stage::Processing), Bound::Min(d(n)), &OriginSet::any());
        assert!(at_least("2").measurements[0].passes);
        let three = at_least("3");
        assert!(!three.measurements[0].passes);
        assert!(three.measurements[0].flip.is_some(), "the unknown line may be a third country");
    }
}
