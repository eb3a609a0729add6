//! Masses of contained material, exact whatever the traded forms.
//!
//! An amount is converted to picograms (10⁻¹⁸ t) of the product as traded: units and
//! contents are decimals, so that part is exact. A traded form's contained fraction (Li in
//! Li₂CO₃, 1/5.323) is not: it rarely ends in decimals. So a [`Mass`] does not round it away;
//! it keeps the picograms of product per fraction, and its value is
//! `plain + Σ product × fraction`, exactly. Sums of lines in a few forms stay a few terms, and
//! 650 t of 1,000 t of alumina is 65%, not a hair over.

use std::cmp::Ordering;
use std::fmt;

use num_bigint::BigInt;
use num_traits::{ToPrimitive, Zero};

use super::fraction::{mul_div_round, round_big};
use super::{Decimal, Fraction, format_number};

/// Picograms in one tonne.
pub(super) const PER_TONNE: u128 = 1_000_000_000_000_000_000;

/// The largest mass one line may state: 10¹² t, about a thousand times the world's yearly
/// iron ore output. Keeps every sum of a portfolio far inside 128 bits.
pub const MAX_LINE_TONNES: u128 = 1_000_000_000_000;

/// The contained mass of one supply line: `product` picograms of the traded product, of
/// which the form's `fraction` (none: all of it) is the material.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineMass {
    product: u128,
    fraction: Option<Fraction>,
    /// The contained mass rounded to a picogram: for ordering lines and printing them.
    rounded: u128,
}

impl LineMass {
    /// `product` picograms in a form of contained `fraction`; `None` if the contained mass is
    /// more than [`MAX_LINE_TONNES`].
    pub fn new(product: u128, fraction: Option<Fraction>) -> Option<LineMass> {
        let rounded = match fraction {
            None => product,
            Some(f) => mul_div_round(product, f.num, f.den)?,
        };
        (rounded <= MAX_LINE_TONNES * PER_TONNE && product <= i128::MAX as u128).then_some(LineMass {
            product,
            fraction,
            rounded,
        })
    }

    /// Whether there is nothing of it.
    pub fn is_zero(self) -> bool {
        self.product == 0
    }

    /// The contained mass, exactly.
    pub fn mass(self) -> Mass {
        let mut mass = Mass::ZERO;
        mass.add_line(self);
        mass
    }

    /// The contained mass rounded to a picogram, which orders lines by size.
    pub fn approx(self) -> u128 {
        self.rounded
    }

    /// The line with `factor` of its mass: the product keeps its picograms, and the factor
    /// joins the form's fraction. `None` if the fraction overflows.
    pub fn scaled(self, factor: Fraction) -> Option<LineMass> {
        LineMass::new(self.product, Some(self.fraction.unwrap_or(Fraction::ONE).checked_mul(factor)?))
    }

    /// The picograms of product as traded (before a form's fraction).
    pub fn product(self) -> u128 {
        self.product
    }
}

impl fmt::Display for LineMass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} t", format_number(tonnes(self.rounded as f64)))
    }
}

/// A mass of contained material, exactly: picograms counted as they are, and per traded
/// form's fraction the picograms of product in that form.
#[derive(Clone, Default)]
pub struct Mass {
    plain: i128,
    /// `(fraction, picograms of product)`, a few at most: one per form met.
    forms: Vec<(Fraction, i128)>,
}

impl Mass {
    /// No mass.
    pub const ZERO: Mass = Mass { plain: 0, forms: Vec::new() };

    /// `amount × factor` tonnes, as written (the factor a unit's, or a unit's and a content's),
    /// rounded to the nearest picogram; `None` above [`MAX_LINE_TONNES`].
    pub fn from_tonnes(amount: Decimal, factor: Fraction) -> Option<Mass> {
        Some(LineMass::new(product_picograms(amount, factor)?, None)?.mass())
    }

    /// Adds one line.
    pub fn add_line(&mut self, line: LineMass) {
        // `LineMass::new` keeps the product within i128, and sums within a portfolio's total.
        self.add_term(line.fraction, line.product as i128);
    }

    fn add_term(&mut self, fraction: Option<Fraction>, product: i128) {
        match fraction {
            None => self.plain += product,
            Some(fraction) => match self.forms.iter_mut().find(|(f, _)| *f == fraction) {
                Some((_, sum)) => *sum += product,
                None => self.forms.push((fraction, product)),
            },
        }
    }

    /// The mass times `factor`, exactly: each term's fraction takes the factor. `None` if a
    /// fraction overflows.
    pub fn scaled(&self, factor: Fraction) -> Option<Mass> {
        let mut scaled = Mass::ZERO;
        if self.plain != 0 {
            scaled.add_term(Some(factor), self.plain);
        }
        for &(fraction, product) in &self.forms {
            scaled.add_term(Some(fraction.checked_mul(factor)?), product);
        }
        Some(scaled)
    }

    /// Whether there is no mass.
    pub fn is_zero(&self) -> bool {
        self.plain == 0 && self.forms.iter().all(|(_, p)| *p == 0)
    }

    /// The difference, floored at zero.
    pub fn saturating_sub(&self, other: &Mass) -> Mass {
        if self <= other {
            return Mass::ZERO;
        }
        let mut difference = self.clone();
        difference.plain -= other.plain;
        for &(fraction, product) in &other.forms {
            difference.add_term(Some(fraction), -product);
        }
        difference
    }

    /// The exact value, in picograms.
    pub fn exact(&self) -> Exact {
        let mut value = Exact { num: BigInt::from(self.plain), den: BigInt::from(1) };
        for &(fraction, product) in &self.forms {
            // num/den + product × n/d = (num × d + product × n × den) / (den × d)
            let (n, d) = (BigInt::from(fraction.num), BigInt::from(fraction.den));
            value.num = value.num * &d + BigInt::from(product) * n * &value.den;
            value.den *= d;
        }
        value
    }

    /// The mass in tonnes, for printing and machine output.
    pub fn tonnes_f64(&self) -> f64 {
        if self.forms.is_empty() {
            let (whole, part) = (self.plain / PER_TONNE as i128, self.plain % PER_TONNE as i128);
            return whole as f64 + part as f64 / PER_TONNE as f64;
        }
        tonnes(self.exact().to_f64())
    }

    /// The mass in tonnes rounded up at the precision [`format_number`] shows it with (whole
    /// tonnes from 1,000 t, then one, two or three decimals), and as shown: the least
    /// amount written that way that is not less than the mass.
    pub fn rounded_up(&self) -> (f64, String) {
        let tonnes = self.exact().to_big() / num_rational::BigRational::from_integer(PER_TONNE.into());
        let approx = tonnes.to_f64().unwrap_or(f64::MAX);
        let decimals: u32 = if approx >= 1000.0 {
            0
        } else if approx >= 100.0 {
            1
        } else if approx >= 10.0 {
            2
        } else {
            3
        };
        let scale = num_rational::BigRational::from_integer(num_bigint::BigInt::from(10u32).pow(decimals));
        let up = (tonnes * &scale).ceil() / scale;
        let value = up.to_f64().unwrap_or(f64::MAX);
        (value, format!("{} t", format_number(value)))
    }

    /// This mass as a share of `whole`.
    pub fn share_of(&self, whole: &Mass) -> Share {
        Share::new(self, whole)
    }
}

/// Tonnes from picograms, for printing.
fn tonnes(picograms: f64) -> f64 {
    picograms / PER_TONNE as f64
}

impl fmt::Debug for Mass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Mass({} t)", self.tonnes_f64())
    }
}

impl PartialEq for Mass {
    fn eq(&self, other: &Mass) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Mass {}

impl PartialOrd for Mass {
    fn partial_cmp(&self, other: &Mass) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Mass {
    fn cmp(&self, other: &Mass) -> Ordering {
        if self.forms.is_empty() && other.forms.is_empty() {
            return self.plain.cmp(&other.plain);
        }
        self.exact().cmp(&other.exact())
    }
}

impl std::ops::AddAssign<&Mass> for Mass {
    fn add_assign(&mut self, other: &Mass) {
        self.plain += other.plain;
        for &(fraction, product) in &other.forms {
            self.add_term(Some(fraction), product);
        }
    }
}

impl std::ops::Add<&Mass> for &Mass {
    type Output = Mass;
    fn add(self, other: &Mass) -> Mass {
        let mut sum = self.clone();
        sum += other;
        sum
    }
}

impl<'a> std::iter::Sum<&'a Mass> for Mass {
    fn sum<I: Iterator<Item = &'a Mass>>(iter: I) -> Mass {
        let mut total = Mass::ZERO;
        for mass in iter {
            total += mass;
        }
        total
    }
}

impl fmt::Display for Mass {
    /// Tonnes, grouped by thousands, with as many decimals as the size calls for:
    /// `1,200 t`, `419.8 t`, `0.325 t`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} t", format_number(self.tonnes_f64()))
    }
}

/// An exact non-negative rational number, not reduced: comparisons cross-multiply, which is
/// cheaper than reducing.
#[derive(Debug, Clone)]
pub struct Exact {
    num: BigInt,
    den: BigInt,
}

impl Exact {
    /// `num / den`; `den` is positive.
    fn new(num: BigInt, den: BigInt) -> Exact {
        Exact { num, den }
    }

    /// The value as a reduced big rational, for arithmetic beyond comparison.
    pub fn to_big(&self) -> num_rational::BigRational {
        num_rational::BigRational::new(self.num.clone(), self.den.clone())
    }

    /// An approximation, for printing only.
    pub fn to_f64(&self) -> f64 {
        match (self.num.to_f64(), self.den.to_f64()) {
            (Some(n), Some(d)) if d != 0.0 => n / d,
            _ => f64::NAN,
        }
    }
}

impl PartialEq for Exact {
    fn eq(&self, other: &Exact) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Exact {}

impl PartialOrd for Exact {
    fn partial_cmp(&self, other: &Exact) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Exact {
    fn cmp(&self, other: &Exact) -> Ordering {
        (&self.num * &other.den).cmp(&(&other.num * &self.den))
    }
}

/// An exact share `part / whole` of two masses; a share of nothing is zero.
#[derive(Debug, Clone)]
pub struct Share(Exact);

impl Share {
    /// `part / whole`.
    pub fn new(part: &Mass, whole: &Mass) -> Share {
        if whole.is_zero() {
            return Share(Exact::new(BigInt::zero(), BigInt::from(1)));
        }
        let (part, whole) = (part.exact(), whole.exact());
        Share(Exact::new(part.num * whole.den, part.den * whole.num))
    }

    /// Exact comparison with a percentage.
    pub fn cmp_percent(&self, percent: Percent) -> Ordering {
        self.cmp_fraction(percent.of_one())
    }

    /// Exact comparison with a fraction of the whole.
    pub fn cmp_fraction(&self, fraction: Fraction) -> Ordering {
        self.0.cmp(&Exact::new(BigInt::from(fraction.num), BigInt::from(fraction.den)))
    }

    /// The share in percent, for printing and machine output (comparisons use the exact
    /// ratio: the 16 significant digits of an `f64` are ample for showing it).
    pub fn percent_f64(&self) -> f64 {
        self.0.to_f64() * 100.0
    }

    /// The ratio itself (1 for the whole), for printing and machine output.
    pub fn ratio_f64(&self) -> f64 {
        self.0.to_f64()
    }
}

impl PartialEq for Share {
    fn eq(&self, other: &Share) -> bool {
        self.0 == other.0
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

    /// As a fraction of one (65% is 13/20).
    pub fn of_one(self) -> Fraction {
        self.0.to_fraction().and_then(|f| f.checked_div(Fraction::new(100, 1))).unwrap_or(Fraction::ONE)
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
pub fn format_share(share: &Share, threshold: Option<Percent>) -> String {
    let percent = share.percent_f64();
    let Some(threshold) = threshold else {
        return format!("{percent:.1}%");
    };
    match beside(percent, threshold.value(), share.cmp_percent(threshold), 1) {
        Ok(text) => format!("{text}%"),
        Err(word) => format!("{word} {threshold}"),
    }
}

/// The days of a year, for days of cover: stock ÷ (annual consumption ÷ 365).
pub const DAYS_PER_YEAR: u128 = 365;

/// Days of cover (a stock as `share` of a year's consumption) printed next to the threshold
/// they were compared with: to a tenth of a day (`42.1 days`, `60 days`), or more decimals
/// where a tenth would hide which side of the threshold they are on.
pub fn format_days(share: &Share, threshold: Option<Decimal>) -> String {
    let days = share.ratio_f64() * DAYS_PER_YEAR as f64;
    let year = Fraction::new(DAYS_PER_YEAR, 1);
    let text = match threshold.and_then(|t| Some((t, t.to_fraction()?.checked_div(year)?))) {
        None => format!("{days:.1}"),
        Some((threshold, of_one)) => match beside(days, threshold, share.cmp_fraction(of_one), 1) {
            Ok(text) => text,
            Err(word) => return format!("{word} {threshold} days"),
        },
    };
    format!("{} days", text.strip_suffix(".0").unwrap_or(&text))
}

/// `value` with the fewest decimals (from `least`) that show it on the `side` of `threshold`
/// it is on; else the words for that side ("just over").
fn beside(value: f64, threshold: Decimal, side: Ordering, least: usize) -> Result<String, &'static str> {
    for decimals in least..=6 {
        let text = format!("{value:.decimals$}");
        let shown = Decimal::parse(&text).unwrap_or(Decimal::ZERO);
        if shown.cmp(&threshold) == side {
            return Ok(text);
        }
    }
    Err(match side {
        Ordering::Greater => "just over",
        Ordering::Less => "just under",
        Ordering::Equal => "exactly",
    })
}

/// Converts amounts by one unit (its tonnes per unit, a decimal) into picograms of product.
///
/// `amount × factor` in picograms is `digits × factor × 10^(exponent + 18)`: for each decimal
/// exponent met, that factor is reduced once and kept, so a conversion is usually a single
/// multiplication.
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

    /// `amount × factor` in picograms, rounded to the nearest one (exact for up to 18
    /// decimals in tonnes); `None` if it does not fit. The same result as
    /// [`product_picograms`], faster.
    pub fn convert(&mut self, amount: Decimal) -> Option<u128> {
        let Some(slot) = usize::try_from(amount.exponent + EXPONENTS).ok().and_then(|i| self.by_exponent.get_mut(i))
        else {
            return product_picograms(amount, self.factor);
        };
        let (num, den) = match *slot {
            Some(reduced) => reduced,
            None => {
                let scale = 10u128.checked_pow((amount.exponent + 18).unsigned_abs());
                let power = match scale {
                    Some(power) if amount.exponent + 18 >= 0 => Fraction::new(power, 1),
                    Some(power) => Fraction::new(1, power),
                    None => return product_picograms(amount, self.factor),
                };
                let Some(combined) = self.factor.checked_mul(power) else {
                    return product_picograms(amount, self.factor);
                };
                *slot = Some((combined.num, combined.den));
                (combined.num, combined.den)
            }
        };
        let exact = if den == 1 { amount.digits.checked_mul(num) } else { mul_div_round(amount.digits, num, den) };
        // On intermediate overflow, the general path decides, with big integers if need be.
        exact.or_else(|| product_picograms(amount, self.factor))
    }
}

/// `round(amount × factor × 10¹⁸)`, picograms of product: tries 128-bit arithmetic, falls
/// back to big integers when an intermediate product would overflow (long `content`
/// fractions, say); `None` if the result does not fit.
pub fn product_picograms(amount: Decimal, factor: Fraction) -> Option<u128> {
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
    fast().or_else(|| round_big(&(amount.to_big() * factor.to_big() * picos.to_big())))
}

/// `amount × unit × content` picograms of product, where the unit's factor and the
/// content's digits together may not fit 128 bits: the product is then taken with big
/// integers, and rounded once.
pub fn content_picograms(amount: Decimal, unit: Fraction, content: Decimal) -> Option<u128> {
    if let Some(combined) = content.to_fraction().and_then(|c| c.checked_mul(unit)) {
        return product_picograms(amount, combined);
    }
    let picos = num_rational::BigRational::from_integer(PER_TONNE.into());
    round_big(&(amount.to_big() * content.to_big() * unit.to_big() * picos))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(text: &str) -> Decimal {
        Decimal::parse(text).unwrap()
    }

    fn tonnes(text: &str) -> Mass {
        Mass::from_tonnes(dec(text), Fraction::ONE).unwrap()
    }

    /// A line of `amount` tonnes of a form of contained `fraction`.
    fn in_form(amount: &str, fraction: Fraction) -> LineMass {
        LineMass::new(product_picograms(dec(amount), Fraction::ONE).unwrap(), Some(fraction)).unwrap()
    }

    #[test]
    fn two_thousand_lines_of_0_325_t_are_exactly_650_t() {
        let line = tonnes("0.325");
        let total: Mass = std::iter::repeat_n(&line, 2000).sum();
        assert_eq!(total, tonnes("650"));
        let share = total.share_of(&tonnes("1000"));
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
            let share = tonnes(part).share_of(&whole);
            assert_eq!(share.cmp_percent(Percent::new(dec(percent)).unwrap()), Ordering::Equal);
        }
        let just_over = tonnes("650.000000000000000001").share_of(&whole);
        assert_eq!(just_over.cmp_percent(Percent::new(dec("65")).unwrap()), Ordering::Greater);
    }

    #[test]
    fn a_form_that_does_not_end_in_decimals_is_exact_at_a_threshold() {
        // Alumina's aluminium fraction has no finite decimal expansion: 650 t of 1,000 t is
        // exactly 65%, and a line split into thirds adds up to the whole.
        let alumina = Fraction::new(539_630, 1_019_600);
        let part = in_form("650", alumina).mass();
        let whole = in_form("1000", alumina).mass();
        assert_eq!(part.share_of(&whole).cmp_percent(Percent::new(dec("65")).unwrap()), Ordering::Equal);
        let mut thirds = Mass::ZERO;
        for _ in 0..3 {
            thirds.add_line(in_form("333.333333333333333333", alumina));
        }
        thirds.add_line(in_form("0.000000000000000001", alumina));
        assert_eq!(thirds, whole);
        // 13 lots of 2 t LCE against 40 t LCE: exactly 65%.
        let lce = Fraction::new(1000, 5323);
        let mut lots = Mass::ZERO;
        for _ in 0..13 {
            lots.add_line(in_form("2", lce));
        }
        let consumption = in_form("40", lce).mass();
        assert_eq!(lots.share_of(&consumption).cmp_percent(Percent::new(dec("65")).unwrap()), Ordering::Equal);
        assert_eq!(consumption.saturating_sub(&lots), in_form("14", lce).mass());
    }

    #[test]
    fn masses_in_several_forms_compare_and_subtract_exactly() {
        let lce = Fraction::new(1000, 5323);
        // 5.323 t of carbonate hold exactly 1 t of lithium.
        let carbonate = in_form("5.323", lce).mass();
        assert_eq!(carbonate, tonnes("1"));
        let mut mixed = carbonate.clone();
        mixed += &tonnes("2");
        assert_eq!(mixed, tonnes("3"));
        assert_eq!(mixed.saturating_sub(&tonnes("1")), tonnes("2"));
        assert_eq!(tonnes("1").saturating_sub(&mixed), Mass::ZERO);
        assert!(tonnes("2.999999999999999999") < mixed);
    }

    #[test]
    fn units_convert_exactly() {
        let kg = Fraction::new(1, 1000);
        assert_eq!(Mass::from_tonnes(dec("650000"), kg), Some(tonnes("650")));
        let lb = dec("0.00045359237").to_fraction().unwrap();
        assert_eq!(Mass::from_tonnes(dec("2204.62262184878"), lb).map(|m| m.tonnes_f64().round()), Some(1.0));
        assert_eq!(product_picograms(dec("1"), lb), Some(453_592_370_000_000));
    }

    #[test]
    fn long_content_fractions_stay_exact() {
        // 36 digits of content times a unit overflow 128 bits together: the product is then
        // taken with big integers, and still rounds once, to the nearest picogram.
        let content = dec("0.987654321098765432109876543210987654");
        let unit = Fraction::new(1, 1000);
        let amount = dec("123456789.123456789");
        let exact = amount.to_big()
            * content.to_big()
            * unit.to_big()
            * num_rational::BigRational::from_integer(PER_TONNE.into());
        assert_eq!(content_picograms(amount, unit, content), round_big(&exact));
        // With a short content, the same computation takes the 128-bit path.
        assert_eq!(content_picograms(dec("10"), Fraction::ONE, dec("0.5")), Some(5 * PER_TONNE));
    }

    #[test]
    fn converters_agree_with_the_general_conversion() {
        let factors = [
            Fraction::ONE,
            Fraction::new(1, 1000),
            Fraction::new(1_000_000, 1),
            dec("0.00045359237").to_fraction().unwrap(),
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
                assert_eq!(converter.convert(amount), product_picograms(amount, factor), "{amount} x {factor:?}");
                assert_eq!(converter.convert(amount), product_picograms(amount, factor), "{amount} x {factor:?}");
            }
        }
    }

    #[test]
    fn line_limit() {
        assert!(Mass::from_tonnes(dec("1e12"), Fraction::ONE).is_some());
        assert!(Mass::from_tonnes(dec("1.000000000001e12"), Fraction::ONE).is_none());
        assert!(Mass::from_tonnes(dec("1e400"), Fraction::ONE).is_none());
        assert!(Mass::from_tonnes(dec("1e-400"), Fraction::ONE).is_some_and(|m| m.is_zero()));
        // The limit is on the contained mass: 2e12 t of a product half of which counts passes.
        let half = Fraction::new(1, 2);
        assert!(LineMass::new(product_picograms(dec("2e12"), Fraction::ONE).unwrap(), Some(half)).is_some());
    }

    #[test]
    fn shares_print_on_the_right_side_of_their_threshold() {
        let cap = Percent::new(dec("65")).unwrap();
        let whole = tonnes("1000");
        assert_eq!(format_share(&tonnes("739").share_of(&whole), Some(cap)), "73.9%");
        assert_eq!(format_share(&tonnes("650").share_of(&whole), Some(cap)), "65.0%");
        assert_eq!(format_share(&tonnes("650.4").share_of(&whole), Some(cap)), "65.04%");
        assert_eq!(format_share(&tonnes("649.99").share_of(&whole), Some(cap)), "64.999%");
        assert_eq!(format_share(&tonnes("650.0000001").share_of(&whole), Some(cap)), "just over 65%");
    }
}
