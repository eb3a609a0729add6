//! `stock-days`: the days of consumption the stock held covers.

use super::{
    Bound, End, Evidence, Measured, Measurement, MetricKind, Move, OriginSet, Scale, Value, days_of_one, needed_for,
};
use crate::domain::Stage;
use crate::model::Gauge;
use crate::portfolio::Row;
use crate::quantity::Mass;
use crate::reference::CountrySet;

/// Days of cover: stock ÷ (denominator ÷ 365).
pub(super) struct StockDays;

impl MetricKind for StockDays {
    fn name(&self) -> &'static str {
        "stock-days"
    }

    fn about(&self) -> &'static str {
        "the days of consumption the stock held covers, stock ÷ (denominator ÷ 365), of the material as a whole (no `stages`, no `origins`); a material without a stock entry has 0 days."
    }

    fn scale(&self) -> Scale {
        Scale::Days
    }

    fn takes_origins(&self) -> bool {
        false
    }

    fn per_stage(&self) -> bool {
        false
    }

    fn explain(&self, _origins: &OriginSet) -> String {
        "the days of consumption the stock held covers: stock ÷ (denominator ÷ 365), where the stock is the portfolio's `stocks` entry for the material (none is 0 days)".to_owned()
    }

    fn measure(&self, row: &Row, _at: Option<Stage>, bound: Bound, _origins: &OriginSet) -> Measured {
        // Compared exactly: stock ÷ denominator against days ÷ 365.
        let cover = row.stock_cover().unwrap_or_else(|| Mass::ZERO.share_of(row.denominator()));
        let passes = match days_of_one(bound.value()) {
            Some(threshold) => bound.passes(cover.cmp_fraction(threshold)),
            // Rule files are checked: a threshold of days has an exact fraction.
            None => false,
        };
        Measured::one(Measurement {
            value: Value::Days(cover),
            country: None,
            passes,
            flip: None,
            evidence: Evidence::Stock,
        })
    }

    fn smallest_fix(
        &self,
        row: &Row,
        _at: Option<Stage>,
        bound: Bound,
        _origins: &OriginSet,
        _m: &Measurement,
    ) -> Option<Move> {
        let stock = row.stock.as_ref().map_or(Mass::ZERO, |s| s.mass.clone());
        let mass = needed_for(&stock, row.denominator(), bound, days_of_one(bound.value())?)?;
        let (from, to, available) = match bound {
            Bound::Min(_) => (End::Purchases, End::Stock, None),
            Bound::Max(_) => (End::Stock, End::Purchases, Some(stock)),
        };
        Some(Move { mass, available, from, to })
    }

    fn gauge(&self, _origins: &OriginSet, _home: &CountrySet) -> Gauge {
        Gauge::StockDays
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixture::{d, row, t};
    use super::*;
    use crate::portfolio::Stated;
    use crate::source::Span;

    fn with_stock(consumption: &str, stock: Option<&str>) -> Row {
        let mut row = row(Stage::Extraction, &[(Some("CL"), "100")], Some(consumption));
        row.stock = stock.map(|s| Stated { mass: t(s), span: Span::default() });
        row
    }

    fn measure(row: &Row, bound: Bound) -> Measurement {
        StockDays.measure(row, None, bound, &OriginSet::any()).measurements.remove(0)
    }

    #[test]
    fn a_stock_exactly_at_the_threshold_passes_and_a_picogram_less_fails() {
        // 60 days of 730 t a year are exactly 120 t.
        let exactly = with_stock("730", Some("120"));
        assert_eq!(exactly.stock_days(), Some(60.0));
        assert!(measure(&exactly, Bound::Min(d("60"))).passes);
        let short = with_stock("730", Some("119.999999999999999999"));
        let m = measure(&short, Bound::Min(d("60")));
        assert!(!m.passes);
        assert_eq!(m.value.format(Some(d("60"))), "just under 60 days");
        // And as a cap: 120 t is at most 60 days; a picogram more is over.
        assert!(measure(&exactly, Bound::Max(d("60"))).passes);
        assert!(!measure(&with_stock("730", Some("120.000000000000000001")), Bound::Max(d("60"))).passes);
    }

    #[test]
    fn no_stock_is_zero_days_and_the_fix_is_the_whole_stock_needed() {
        let none = with_stock("365", None);
        let m = measure(&none, Bound::Min(d("60")));
        assert!(!m.passes);
        assert_eq!(m.value.format(Some(d("60"))), "0 days");
        let fix = StockDays.smallest_fix(&none, None, Bound::Min(d("60")), &OriginSet::any(), &m).expect("a fix");
        assert_eq!(fix.mass.tonnes_f64(), 60.0);
        assert_eq!((fix.from, fix.to, fix.available), (End::Purchases, End::Stock, None));
    }

    #[test]
    fn days_are_shown_to_a_tenth_unless_that_hides_the_verdict() {
        let row = with_stock("365", Some("45.4"));
        assert_eq!(measure(&row, Bound::Min(d("60"))).value.format(Some(d("60"))), "45.4 days");
        let close = with_stock("365", Some("59.96"));
        assert_eq!(measure(&close, Bound::Min(d("60"))).value.format(Some(d("60"))), "59.96 days");
    }
}
