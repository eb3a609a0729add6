//! `concentration`: the Herfindahl-Hirschman index of the countries' shares.

use std::cmp::Ordering;

use num_rational::BigRational;
use num_traits::{ToPrimitive, Zero};

use super::{Bound, Evidence, Measured, Measurement, MetricKind, OriginSet, Scale, Value, stage_of};
use crate::domain::Stage;
use crate::portfolio::Row;
use crate::quantity::{Decimal, Mass};

/// The Herfindahl-Hirschman index of the countries of `origins` (0 to 10,000).
pub(super) struct Concentration;

impl MetricKind for Concentration {
    fn name(&self) -> &'static str {
        "concentration"
    }

    fn about(&self) -> &'static str {
        "the Herfindahl-Hirschman index of the countries' shares (0 to 10,000), unknown origins left out."
    }

    fn scale(&self) -> Scale {
        Scale::Index
    }

    fn explain(&self, origins: &OriginSet) -> String {
        format!(
            "the Herfindahl-Hirschman index (0 to 10,000) of the shares of the countries {} supplying it, unknown origins left out",
            origins.describe()
        )
    }

    fn measure(&self, row: &Row, at: Option<Stage>, bound: Bound, origins: &OriginSet) -> Measured {
        let stage = stage_of(at);
        let at = row.stage(stage);
        let masses: Vec<&Mass> =
            at.countries().filter(|(c, _)| origins.contains(*c)).map(|(_, cell)| &cell.mass).collect();
        let (index, cmp) = index(&masses, bound.value());
        Measured::one(Measurement {
            value: Value::Index(index),
            country: None,
            passes: bound.passes(cmp),
            flip: None,
            evidence: Evidence::Countries(origins.clone()),
        })
    }
}

/// The Herfindahl-Hirschman index of `masses` (each as a share of their sum, in percent,
/// squared and added), and how it compares with `threshold`, exactly.
fn index(masses: &[&Mass], threshold: Decimal) -> (f64, Ordering) {
    let exact: Vec<BigRational> = masses.iter().map(|m| m.exact().to_big()).collect();
    let total: BigRational = exact.iter().sum();
    if total.is_zero() {
        return (0.0, BigRational::zero().cmp(&threshold.to_big()));
    }
    let squares: BigRational = exact.iter().map(|m| m * m).sum();
    let index = squares * BigRational::from_integer(10_000.into()) / (&total * &total);
    (index.to_f64().unwrap_or(f64::NAN), index.cmp(&threshold.to_big()))
}

#[cfg(test)]
mod tests {
    use super::super::fixture::{d, t};
    use super::*;

    #[test]
    fn the_index_is_exact_at_its_threshold() {
        // Two equal suppliers: 50² + 50² = 5,000.
        assert_eq!(index(&[&t("3"), &t("3")], d("5000")), (5000.0, Ordering::Equal));
        assert_eq!(index(&[&t("1")], d("10000")), (10000.0, Ordering::Equal));
        assert_eq!(index(&[&t("1"), &t("2")], d("5555")).1, Ordering::Greater);
        assert_eq!(index(&[], d("0")), (0.0, Ordering::Equal));
    }
}
