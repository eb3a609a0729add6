//! Exact quantities: decimal numbers as written, masses, conversion factors and shares.
//!
//! A benchmark verdict turns on comparisons such as "is 650 t more than 65% of 1000 t?", so
//! nothing here uses binary floating point. Numbers are read from their JSON text as exact
//! decimals; masses are whole picograms (10⁻¹⁸ t) in 128-bit integers, so decimal inputs add
//! up exactly; a conversion whose exact result is finer than a picogram is rounded to the
//! nearest one; shares are exact ratios of masses. Floating point appears only when a number
//! is printed.

use std::cmp::Ordering;
use std::fmt;

use num_rational::{BigRational, Ratio};
use num_traits::ToPrimitive;

/// A non-negative decimal number, exactly as written: `digits × 10^exponent`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decimal {
    digits: u128,
    exponent: i32,
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

/// An exact positive fraction `num / den`, kept in lowest terms: a conversion factor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fraction {
    num: u128,
    den: u128,
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

    fn to_big(self) -> BigRational {
        BigRational::new(self.num.into(), self.den.into())
    }
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// A mass of contained material, in whole picograms (10⁻¹⁸ t).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Mass(u128);

/// Picograms in one tonne.
const PER_TONNE: u128 = 1_000_000_000_000_000_000;

/// The largest mass one line may state: 10¹² t, about a thousand times the world's yearly
/// iron ore output. Keeps every sum of a portfolio far inside 128 bits.
pub const MAX_LINE_TONNES: u128 = 1_000_000_000_000;

impl Mass {
    /// No mass.
    pub const ZERO: Mass = Mass(0);

    /// `amount × factor` tonnes, rounded to the nearest picogram; `None` above
    /// [`MAX_LINE_TONNES`].
    pub fn from_tonnes(amount: Decimal, factor: Fraction) -> Option<Mass> {
        let exact = amount_times_factor(amount, factor)?;
        (exact <= MAX_LINE_TONNES * PER_TONNE).then_some(Mass(exact))
    }

    /// `amount × factor × content` tonnes (content defaulting to 1), rounded to the nearest
    /// picogram; `None` above [`MAX_LINE_TONNES`]. Exact even when the factors' digits
    /// overflow 128 bits together: the product is then taken with big integers.
    pub fn from_amount(amount: Decimal, factor: Fraction, content: Option<Decimal>) -> Option<Mass> {
        let Some(content) = content else { return Mass::from_tonnes(amount, factor) };
        if let Some(combined) = content.to_fraction().and_then(|c| c.checked_mul(factor)) {
            return Mass::from_tonnes(amount, combined);
        }
        let exact = amount.to_big() * content.to_big() * factor.to_big() * BigRational::from_integer(PER_TONNE.into());
        round_big(&exact).filter(|&p| p <= MAX_LINE_TONNES * PER_TONNE).map(Mass)
    }

    /// The mass in picograms.
    pub fn picograms(self) -> u128 {
        self.0
    }

    /// Whether there is no mass.
    pub fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// The sum, or `None` on overflow (unreachable below 10⁸ lines at the line limit).
    pub fn checked_add(self, other: Mass) -> Option<Mass> {
        self.0.checked_add(other.0).map(Mass)
    }

    /// The difference, floored at zero.
    pub fn saturating_sub(self, other: Mass) -> Mass {
        Mass(self.0.saturating_sub(other.0))
    }

    /// The mass in tonnes, for printing and machine output.
    pub fn tonnes_f64(self) -> f64 {
        let whole = (self.0 / PER_TONNE) as f64;
        let frac = (self.0 % PER_TONNE) as f64 / PER_TONNE as f64;
        whole + frac
    }

    /// This mass as a share of `whole`.
    pub fn share_of(self, whole: Mass) -> Share {
        Share::new(self, whole)
    }
}

/// Converts amounts by one fixed factor (a unit, or a unit and a traded form) into masses.
///
/// `amount × factor` in picograms is `digits × factor × 10^(exponent + 18)`: for each decimal
/// exponent met, that factor is reduced once and kept, so a conversion is usually a single
/// multiplication (or one multiplication and one division, for factors such as 1/5.323).
#[derive(Debug, Clone)]
pub struct Converter {
    factor: Fraction,
    /// The reduced `(numerator, denominator)` for exponents `-EXPONENTS..=EXPONENTS`.
    by_exponent: Vec<Option<(u128, u128)>>,
}

const EXPONENTS: i32 = 24;

impl Converter {
    /// A converter by `factor` (tonnes per unit of amount).
    pub fn new(factor: Fraction) -> Converter {
        Converter { factor, by_exponent: vec![None; (2 * EXPONENTS + 1) as usize] }
    }

    /// `amount × factor` tonnes, rounded to the nearest picogram; `None` above
    /// [`MAX_LINE_TONNES`]. The same result as [`Mass::from_tonnes`], faster.
    pub fn convert(&mut self, amount: Decimal) -> Option<Mass> {
        let Some(slot) = usize::try_from(amount.exponent + EXPONENTS).ok().and_then(|i| self.by_exponent.get_mut(i))
        else {
            return Mass::from_tonnes(amount, self.factor);
        };
        let (num, den) = match *slot {
            Some(reduced) => reduced,
            None => {
                let scale = 10u128.checked_pow((amount.exponent + 18).unsigned_abs());
                let power = match scale {
                    Some(power) if amount.exponent + 18 >= 0 => Fraction::new(power, 1),
                    Some(power) => Fraction::new(1, power),
                    None => return Mass::from_tonnes(amount, self.factor),
                };
                let Some(combined) = self.factor.checked_mul(power) else {
                    return Mass::from_tonnes(amount, self.factor);
                };
                *slot = Some((combined.num, combined.den));
                (combined.num, combined.den)
            }
        };
        let exact = if den == 1 { amount.digits.checked_mul(num) } else { mul_div_round(amount.digits, num, den) };
        match exact {
            Some(picograms) if picograms <= MAX_LINE_TONNES * PER_TONNE => Some(Mass(picograms)),
            Some(_) => None,
            // Intermediate overflow: the general path decides, with big integers if need be.
            None => Mass::from_tonnes(amount, self.factor),
        }
    }
}

impl std::ops::AddAssign for Mass {
    /// Adds, saturating: callers that can overflow use [`Mass::checked_add`] first.
    fn add_assign(&mut self, other: Mass) {
        self.0 = self.0.saturating_add(other.0);
    }
}

impl std::iter::Sum for Mass {
    fn sum<I: Iterator<Item = Mass>>(iter: I) -> Mass {
        let mut total = Mass::ZERO;
        for mass in iter {
            total += mass;
        }
        total
    }
}

/// `round(amount × factor × 10¹⁸)`: tries 128-bit arithmetic, falls back to big integers
/// when an intermediate product would overflow (long `content` fractions, say).
fn amount_times_factor(amount: Decimal, factor: Fraction) -> Option<u128> {
    let picos = Fraction::new(PER_TONNE, 1);
    let fast = || -> Option<u128> {
        let scale = 10u128.checked_pow(amount.exponent.unsigned_abs())?;
        let (num, den) = if amount.exponent >= 0 {
            (factor.num.checked_mul(scale)?, factor.den)
        } else {
            (factor.num, factor.den.checked_mul(scale)?)
        };
        let combined = Fraction::new(num, den).checked_mul(picos)?;
        mul_div_round(amount.digits, combined.num, combined.den)
    };
    fast().or_else(|| {
        let exact = amount.to_big() * factor.to_big() * picos.to_big();
        round_big(&exact)
    })
}

/// `round(a × b / c)` (halves up) without overflowing the intermediate product when the
/// result itself fits: `a × b / c = q × b + r × b / c` with `a = q × c + r`.
fn mul_div_round(a: u128, b: u128, c: u128) -> Option<u128> {
    let (q, r) = (a / c, a % c);
    let whole = q.checked_mul(b)?;
    let rest_num = r.checked_mul(b)?;
    let (rest, rem) = (rest_num / c, rest_num % c);
    let round_up = u128::from(rem >= c - rem);
    whole.checked_add(rest)?.checked_add(round_up)
}

fn round_big(value: &BigRational) -> Option<u128> {
    let half = BigRational::new(1.into(), 2.into());
    (value + half).floor().to_integer().to_u128()
}

impl fmt::Display for Mass {
    /// Tonnes, grouped by thousands, with as many decimals as the size calls for:
    /// `1,200 t`, `419.8 t`, `0.325 t`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} t", format_number(self.tonnes_f64()))
    }
}

/// A number for machine output, rounded to four decimals: enough for any threshold people
/// write, and the same bytes on every run.
pub fn round4(value: f64) -> f64 {
    (value * 10_000.0).round() / 10_000.0
}

/// A number for people: thousands grouped, about four significant digits below 1,000.
pub fn format_number(value: f64) -> String {
    let decimals = if value >= 1000.0 || value == value.trunc() && value >= 1.0 {
        0
    } else if value >= 100.0 {
        1
    } else if value >= 10.0 {
        2
    } else {
        3
    };
    let mut text = format!("{value:.decimals$}");
    if text.contains('.') {
        text = text.trim_end_matches('0').trim_end_matches('.').to_owned();
    }
    if text == "0" && value > 0.0 {
        return format!("{value:.1e}");
    }
    let (int, frac) = text.split_once('.').map_or((text.as_str(), None), |(i, f)| (i, Some(f)));
    let mut grouped = String::new();
    for (n, c) in int.chars().enumerate() {
        if n > 0 && (int.len() - n) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match frac {
        Some(frac) => format!("{grouped}.{frac}"),
        None => grouped,
    }
}

/// An exact share `part / whole` of two masses.
#[derive(Debug, Clone, Copy)]
pub struct Share {
    part: Mass,
    whole: Mass,
}

impl Share {
    /// `part / whole`; a share of nothing is zero.
    pub fn new(part: Mass, whole: Mass) -> Share {
        Share { part, whole }
    }

    fn ratio(self) -> Ratio<u128> {
        if self.whole.is_zero() { Ratio::new_raw(0, 1) } else { Ratio::new_raw(self.part.0, self.whole.0) }
    }

    /// Exact comparison with a percentage.
    pub fn cmp_percent(self, percent: Percent) -> Ordering {
        // num-rational compares by continued fractions: exact, and never overflows.
        self.ratio().cmp(&percent.ratio())
    }

    /// The share in percent, for printing and machine output (comparisons use the exact
    /// ratio: the 16 significant digits of an `f64` are ample for showing it).
    pub fn percent_f64(self) -> f64 {
        if self.whole.is_zero() {
            return 0.0;
        }
        self.part.0 as f64 / self.whole.0 as f64 * 100.0
    }
}

impl PartialEq for Share {
    fn eq(&self, other: &Share) -> bool {
        self.ratio() == other.ratio()
    }
}

/// A percentage threshold, exactly as written in a rule (`65`, `0.5`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Percent(Decimal);

impl Percent {
    /// A percentage; `None` if it has no exact 128-bit fraction.
    pub fn new(value: Decimal) -> Option<Percent> {
        value.to_fraction()?.checked_div(Fraction::new(100, 1))?;
        Some(Percent(value))
    }

    fn ratio(self) -> Ratio<u128> {
        let fraction = self.0.to_fraction().and_then(|f| f.checked_div(Fraction::new(100, 1))).unwrap_or(Fraction::ONE);
        Ratio::new_raw(fraction.num, fraction.den)
    }

    /// The number as written.
    pub fn value(self) -> Decimal {
        self.0
    }
}

impl fmt::Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}%", self.0)
    }
}

/// A share printed next to the threshold it was compared with: one decimal, or more when one
/// decimal would hide which side of the threshold it is on ("65.0%" for 65.04% over a 65%
/// cap would contradict the verdict).
pub fn format_share(share: Share, threshold: Option<Percent>) -> String {
    let percent = share.percent_f64();
    let Some(threshold) = threshold else {
        return format!("{percent:.1}%");
    };
    let side = share.cmp_percent(threshold);
    for decimals in 1..=6 {
        let text = format!("{percent:.decimals$}");
        let shown = Decimal::parse(&text).unwrap_or(Decimal::ZERO);
        if shown.cmp(&threshold.value()) == side {
            return format!("{text}%");
        }
    }
    let word = match side {
        Ordering::Greater => "just over",
        Ordering::Less => "just under",
        Ordering::Equal => "exactly",
    };
    format!("{word} {threshold}")
}

impl std::ops::Add for Mass {
    type Output = Mass;
    /// Adds, saturating, like `+=`.
    fn add(self, other: Mass) -> Mass {
        Mass(self.0.saturating_add(other.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(text: &str) -> Decimal {
        Decimal::parse(text).unwrap()
    }

    #[test]
    fn machine_output_rounds_to_four_decimals() {
        assert_eq!(round4(73.913_043_478), 73.913);
        assert_eq!(round4(65.0), 65.0);
    }

    fn tonnes(text: &str) -> Mass {
        Mass::from_tonnes(dec(text), Fraction::ONE).unwrap()
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

    #[test]
    fn two_thousand_lines_of_0_325_t_are_exactly_650_t() {
        let line = tonnes("0.325");
        let total: Mass = std::iter::repeat_n(line, 2000).sum();
        assert_eq!(total, tonnes("650"));
        let share = total.share_of(tonnes("1000"));
        let cap = Percent::new(dec("65")).unwrap();
        assert_eq!(share.cmp_percent(cap), Ordering::Equal);
        // The same sum in binary floating point is not 650.
        let float: f64 = std::iter::repeat_n(0.325_f64, 2000).sum();
        assert_ne!(float, 650.0);
    }

    #[test]
    fn shares_at_each_benchmark_compare_exactly() {
        let whole = tonnes("1000");
        for (part, percent) in [("400", "40"), ("100", "10"), ("250", "25"), ("650", "65")] {
            let share = tonnes(part).share_of(whole);
            assert_eq!(share.cmp_percent(Percent::new(dec(percent)).unwrap()), Ordering::Equal);
        }
        let just_over = tonnes("650.000000000000000001").share_of(whole);
        assert_eq!(just_over.cmp_percent(Percent::new(dec("65")).unwrap()), Ordering::Greater);
    }

    #[test]
    fn units_convert_exactly() {
        let kg = Fraction::new(1, 1000);
        assert_eq!(Mass::from_tonnes(dec("650000"), kg), Some(tonnes("650")));
        let lb = dec("0.00045359237").to_fraction().unwrap();
        assert_eq!(Mass::from_tonnes(dec("2204.62262184878"), lb).map(|m| m.tonnes_f64().round()), Some(1.0));
        assert_eq!(Mass::from_tonnes(dec("1"), lb).unwrap().picograms(), 453_592_370_000_000);
    }

    #[test]
    fn lce_convention_round_trips() {
        // 1 t Li = 5.323 t Li2CO3, so 3459.95 t of carbonate hold exactly 650 t of lithium.
        let lce = Fraction::new(1000, 5323);
        assert_eq!(Mass::from_tonnes(dec("3459.95"), lce), Some(tonnes("650")));
    }

    #[test]
    fn long_content_fractions_stay_exact() {
        // 36 digits of content times a form factor overflow 128 bits together: the product is
        // then taken with big integers, and still rounds once, to the nearest picogram.
        let content = dec("0.987654321098765432109876543210987654");
        let form = Fraction::new(694_000, 4_196_200);
        assert!(content.to_fraction().unwrap().checked_mul(form).is_none());
        let amount = dec("123456789.123456789");
        let exact = amount.to_big()
            * content.to_big()
            * BigRational::new(694_000.into(), 4_196_200.into())
            * BigRational::from_integer(PER_TONNE.into());
        let mass = Mass::from_amount(amount, form, Some(content)).unwrap();
        assert_eq!(Some(mass.picograms()), round_big(&exact));
        // With a short content, the same computation takes the 128-bit path.
        let half = Mass::from_amount(dec("10"), Fraction::ONE, Some(dec("0.5"))).unwrap();
        assert_eq!(half, tonnes("5"));
    }

    #[test]
    fn converters_agree_with_the_general_conversion() {
        let factors = [
            Fraction::ONE,
            Fraction::new(1, 1000),
            Fraction::new(1_000_000, 1),
            dec("0.00045359237").to_fraction().unwrap(),
            Fraction::new(1000, 5323),
            Fraction::new(694_000, 4_196_200).checked_mul(Fraction::new(1, 1000)).unwrap(),
        ];
        let amounts = [
            "0.325",
            "2235",
            "1e3",
            "12.5",
            "0.0001",
            "95000",
            "3459.95",
            "1e12",
            "1e-30",
            "1.000000000001e12",
            "123456789.123456789",
        ];
        for factor in factors {
            let mut converter = Converter::new(factor);
            for amount in amounts {
                let amount = dec(amount);
                // Twice: once filling the cache, once reading it.
                assert_eq!(converter.convert(amount), Mass::from_tonnes(amount, factor), "{amount} x {factor:?}");
                assert_eq!(converter.convert(amount), Mass::from_tonnes(amount, factor), "{amount} x {factor:?}");
            }
        }
    }

    #[test]
    fn line_limit() {
        assert!(Mass::from_tonnes(dec("1e12"), Fraction::ONE).is_some());
        assert!(Mass::from_tonnes(dec("1.000000000001e12"), Fraction::ONE).is_none());
        assert!(Mass::from_tonnes(dec("1e400"), Fraction::ONE).is_none());
        assert!(Mass::from_tonnes(dec("1e-400"), Fraction::ONE) == Some(Mass::ZERO));
    }

    #[test]
    fn shares_print_on_the_right_side_of_their_threshold() {
        let cap = Percent::new(dec("65")).unwrap();
        let whole = tonnes("1000");
        assert_eq!(format_share(tonnes("739").share_of(whole), Some(cap)), "73.9%");
        assert_eq!(format_share(tonnes("650").share_of(whole), Some(cap)), "65.0%");
        assert_eq!(format_share(tonnes("650.4").share_of(whole), Some(cap)), "65.04%");
        assert_eq!(format_share(tonnes("649.99").share_of(whole), Some(cap)), "64.999%");
        assert_eq!(format_share(tonnes("650.0000001").share_of(whole), Some(cap)), "just over 65%");
    }

    #[test]
    fn numbers_for_people() {
        assert_eq!(format_number(1200.0), "1,200");
        assert_eq!(format_number(1234567.4), "1,234,567");
        assert_eq!(format_number(419.85), "419.9");
        assert_eq!(format_number(0.325), "0.325");
        assert_eq!(format_number(12.0), "12");
        assert_eq!(format_number(0.0), "0");
    }
}
