//! Exact fractions: conversion factors, and the arithmetic that rounds them to picograms.

use num_rational::BigRational;
use num_traits::ToPrimitive;

/// An exact positive fraction `num / den`, kept in lowest terms: a conversion factor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fraction {
    pub(super) num: u128,
    pub(super) den: u128,
}

impl Fraction {
    /// One.
    pub const ONE: Fraction = Fraction { num: 1, den: 1 };

    /// `num / den` in lowest terms; `den` must not be zero.
    pub fn new(num: u128, den: u128) -> Fraction {
        debug_assert!(den != 0, "a fraction's denominator is never zero");
        let g = gcd(num, den).max(1);
        Fraction { num: num / g, den: den / g }
    }

    /// The product, if it fits in 128 bits after cancelling.
    pub fn checked_mul(self, other: Fraction) -> Option<Fraction> {
        let g1 = gcd(self.num, other.den).max(1);
        let g2 = gcd(other.num, self.den).max(1);
        let num = (self.num / g1).checked_mul(other.num / g2)?;
        let den = (self.den / g2).checked_mul(other.den / g1)?;
        Some(Fraction::new(num, den))
    }

    /// The quotient, if it fits.
    pub fn checked_div(self, other: Fraction) -> Option<Fraction> {
        if other.num == 0 {
            return None;
        }
        self.checked_mul(Fraction { num: other.den, den: other.num })
    }

    /// The difference, if it is not negative and fits.
    pub fn checked_sub(self, other: Fraction) -> Option<Fraction> {
        let left = self.num.checked_mul(other.den)?;
        let right = other.num.checked_mul(self.den)?;
        Some(Fraction::new(left.checked_sub(right)?, self.den.checked_mul(other.den)?))
    }

    /// Numerator.
    pub fn numer(self) -> u128 {
        self.num
    }

    /// Denominator.
    pub fn denom(self) -> u128 {
        self.den
    }

    /// An approximation, for printing only.
    pub fn to_f64(self) -> f64 {
        self.num as f64 / self.den as f64
    }

    pub(super) fn to_big(self) -> BigRational {
        BigRational::new(self.num.into(), self.den.into())
    }
}

impl PartialOrd for Fraction {
    fn partial_cmp(&self, other: &Fraction) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Fraction {
    fn cmp(&self, other: &Fraction) -> std::cmp::Ordering {
        match (self.num.checked_mul(other.den), other.num.checked_mul(self.den)) {
            (Some(left), Some(right)) => left.cmp(&right),
            _ => self.to_big().cmp(&other.to_big()),
        }
    }
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// `round(a × b / c)` (halves up) without overflowing the intermediate product when the
/// result itself fits: `a × b / c = q × b + r × b / c` with `a = q × c + r`.
pub(super) fn mul_div_round(a: u128, b: u128, c: u128) -> Option<u128> {
    let (q, r) = (a / c, a % c);
    let whole = q.checked_mul(b)?;
    let rest_num = r.checked_mul(b)?;
    let (rest, rem) = (rest_num / c, rest_num % c);
    let round_up = u128::from(rem >= c - rem);
    whole.checked_add(rest)?.checked_add(round_up)
}

/// The nearest whole number to a non-negative rational (halves up), if it fits.
pub(super) fn round_big(value: &BigRational) -> Option<u128> {
    let half = BigRational::new(1.into(), 2.into());
    (value + half).floor().to_integer().to_u128()
}
