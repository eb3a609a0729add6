//! Exact quantities: decimal numbers as written, conversion factors, masses and shares.
//!
//! A benchmark verdict turns on comparisons such as "is 650 t more than 65% of 1000 t?", so
//! nothing here uses binary floating point. Numbers are read from their text as exact
//! decimals; an amount becomes whole picograms (10⁻¹⁸ t) of the product as traded, exactly
//! for up to 18 decimals in tonnes (a conversion finer than that is rounded to the nearest
//! picogram); a traded form's contained fraction is kept as an exact fraction beside it, not
//! rounded (see [`Mass`]); shares are exact ratios of masses. Floating point appears only
//! when a number is printed.

mod decimal;
mod format;
mod fraction;
mod mass;
mod written;

pub use decimal::{Decimal, DecimalError};
pub use format::{format_number, round4};
pub use fraction::Fraction;
#[cfg(test)]
pub use mass::product_picograms;
pub use mass::{
    Converter, DAYS_PER_YEAR, LineMass, MAX_LINE_TONNES, Mass, Percent, Share, content_picograms, format_days,
    format_share,
};
pub use written::{NumberError, NumberStyle, normalize, why_not};
