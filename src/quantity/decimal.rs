//! Decimal numbers exactly as written: `digits × 10^exponent`.

use std::cmp::Ordering;
use std::fmt;

use num_rational::{BigRational, Ratio};

use super::Fraction;

/// A non-negative decimal number, exactly as written: `digits × 10^exponent`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decimal {
    pub(super) digits: u128,
    pub(super) exponent: i32,
}

/// Why a number's text is not a [`Decimal`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecimalError {
    /// Not a JSON number (or a string that should hold one).
    NotANumber,
    /// Below zero.
    Negative,
    /// More significant digits than can be held exactly.
    TooPrecise,
    /// An exponent beyond any meaningful quantity.
    OutOfRange,
}

impl fmt::Display for DecimalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DecimalError::NotANumber => "not a number",
            DecimalError::Negative => "negative",
            DecimalError::TooPrecise => "more than 36 significant digits",
            DecimalError::OutOfRange => "out of range",
        })
    }
}

/// The most significant digits a [`Decimal`] holds (10³⁶ < 2¹²⁸).
const MAX_DIGITS: u32 = 36;

impl Decimal {
    /// Zero.
    pub const ZERO: Decimal = Decimal { digits: 0, exponent: 0 };

    /// One.
    pub const ONE: Decimal = Decimal { digits: 1, exponent: 0 };

    /// 100, the whole of a percentage.
    pub const HUNDRED: Decimal = Decimal { digits: 100, exponent: 0 };

    /// Reads a number in JSON syntax (`-?int(.frac)?([eE][+-]?exp)?`); a leading `-` is
    /// reported as [`DecimalError::Negative`] (zero written `-0` is zero).
    pub fn parse(text: &str) -> Result<Decimal, DecimalError> {
        let bytes = text.as_bytes();
        let mut i = 0;
        let negative = bytes.first() == Some(&b'-');
        if negative {
            i += 1;
        }
        let mut digits: u128 = 0;
        let mut significant = 0u32;
        let mut exponent: i64 = 0;
        let int_start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            push_digit(&mut digits, &mut significant, bytes[i])?;
            i += 1;
        }
        let int_len = i - int_start;
        if int_len == 0 || (int_len > 1 && bytes[int_start] == b'0') {
            return Err(DecimalError::NotANumber);
        }
        if i < bytes.len() && bytes[i] == b'.' {
            i += 1;
            let frac_start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                push_digit(&mut digits, &mut significant, bytes[i])?;
                exponent -= 1;
                i += 1;
            }
            if i == frac_start {
                return Err(DecimalError::NotANumber);
            }
        }
        if i < bytes.len() && (bytes[i] == b'e' || bytes[i] == b'E') {
            i += 1;
            let sign = match bytes.get(i) {
                Some(b'-') => {
                    i += 1;
                    -1
                }
                Some(b'+') => {
                    i += 1;
                    1
                }
                _ => 1,
            };
            let exp_start = i;
            let mut written: i64 = 0;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                written = (written * 10 + i64::from(bytes[i] - b'0')).min(1_000_000);
                i += 1;
            }
            if i == exp_start {
                return Err(DecimalError::NotANumber);
            }
            exponent += sign * written;
        }
        if i != bytes.len() {
            return Err(DecimalError::NotANumber);
        }
        if digits == 0 {
            return Ok(Decimal::ZERO);
        }
        if negative {
            return Err(DecimalError::Negative);
        }
        // Drop trailing zeros so that equal numbers compare equal field by field.
        while digits.is_multiple_of(10) {
            digits /= 10;
            exponent += 1;
        }
        let exponent = i32::try_from(exponent).ok().filter(|e| e.abs() <= 400).ok_or(DecimalError::OutOfRange)?;
        Ok(Decimal { digits, exponent })
    }

    /// How many decimals it is written with (`12.50` and `12.5` have one).
    pub fn decimals(self) -> i32 {
        (-self.exponent).max(0)
    }

    /// Whether the number is zero.
    pub fn is_zero(self) -> bool {
        self.digits == 0
    }

    /// The number as a whole number, if it is one and fits.
    pub fn to_integer(self) -> Option<u64> {
        if self.digits == 0 {
            return Some(0);
        }
        if self.exponent < 0 {
            return None;
        }
        let scale = 10u128.checked_pow(self.exponent as u32)?;
        u64::try_from(self.digits.checked_mul(scale)?).ok()
    }

    /// The number as an exact fraction, if numerator and denominator fit in 128 bits.
    pub fn to_fraction(self) -> Option<Fraction> {
        if self.exponent >= 0 {
            let num = self.digits.checked_mul(10u128.checked_pow(self.exponent as u32)?)?;
            Some(Fraction::new(num, 1))
        } else {
            Some(Fraction::new(self.digits, 10u128.checked_pow((-self.exponent) as u32)?))
        }
    }

    /// The number as an exact big rational.
    pub fn to_big(self) -> BigRational {
        let ten = BigRational::from_integer(10.into());
        let digits = BigRational::from_integer(self.digits.into());
        if self.exponent >= 0 {
            digits * num_traits::pow(ten, self.exponent as usize)
        } else {
            digits / num_traits::pow(ten, (-self.exponent) as usize)
        }
    }

    /// An approximation, for printing only.
    pub fn to_f64(self) -> f64 {
        self.digits as f64 * 10f64.powi(self.exponent)
    }
}

fn push_digit(digits: &mut u128, significant: &mut u32, digit: u8) -> Result<(), DecimalError> {
    if *digits == 0 && digit == b'0' {
        return Ok(());
    }
    *significant += 1;
    if *significant > MAX_DIGITS {
        return Err(DecimalError::TooPrecise);
    }
    *digits = *digits * 10 + u128::from(digit - b'0');
    Ok(())
}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Decimal) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Decimal {
    fn cmp(&self, other: &Decimal) -> Ordering {
        match (self.to_fraction(), other.to_fraction()) {
            (Some(a), Some(b)) => Ratio::new_raw(a.num, a.den).cmp(&Ratio::new_raw(b.num, b.den)),
            _ => self.to_big().cmp(&other.to_big()),
        }
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.digits == 0 {
            return f.write_str("0");
        }
        let digits = self.digits.to_string();
        if self.exponent >= 0 {
            write!(f, "{digits}{}", "0".repeat(self.exponent as usize))
        } else {
            let point = (-self.exponent) as usize;
            if digits.len() > point {
                let (int, frac) = digits.split_at(digits.len() - point);
                write!(f, "{int}.{frac}")
            } else {
                write!(f, "0.{}{digits}", "0".repeat(point - digits.len()))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(text: &str) -> Decimal {
        Decimal::parse(text).unwrap()
    }

    #[test]
    fn parses_json_numbers_exactly() {
        assert_eq!(dec("0.325"), Decimal { digits: 325, exponent: -3 });
        assert_eq!(dec("325e-3"), dec("0.325"));
        assert_eq!(dec("1000"), Decimal { digits: 1, exponent: 3 });
        assert_eq!(dec("1E3"), dec("1000"));
        assert_eq!(dec("2235.0"), dec("2235"));
        assert_eq!(dec("-0"), Decimal::ZERO);
        assert_eq!(Decimal::parse("-1"), Err(DecimalError::Negative));
        for bad in ["", "01", "1.", ".5", "1e", "+1", "1x", "\"1\"", "NaN"] {
            assert_eq!(Decimal::parse(bad), Err(DecimalError::NotANumber), "{bad:?}");
        }
        assert_eq!(Decimal::parse("1e400"), Ok(Decimal { digits: 1, exponent: 400 }));
        assert_eq!(Decimal::parse("1e401"), Err(DecimalError::OutOfRange));
        assert_eq!(Decimal::parse(&"1".repeat(37)), Err(DecimalError::TooPrecise));
        assert_eq!(
            dec("0.000000000000000000000000000000000000001").to_string(),
            "0.000000000000000000000000000000000000001"
        );
    }
}
