//! One supply line, as it counts: its contained mass and its share of its material. What an
//! editor shows on a line's amount.

use super::{Basis, CountryRef, MaterialRef};
use crate::domain::Stage;
use crate::quantity::Mass;

/// What one supply line amounts to.
#[derive(Debug, Clone, PartialEq)]
pub struct LineFacts {
    /// The material row it counts in (`lithium (battery grade)`).
    pub material: MaterialRef,
    /// The amount as written (`2235`).
    pub amount: String,
    /// Its unit (`t`).
    pub unit: String,
    /// The traded form the amount is of, if any (by its id, `lithium-carbonate`).
    pub form: Option<String>,
    /// The `content` fraction as written, if one is given.
    pub content: Option<String>,
    /// The mass of contained material, after unit and form (or content), exactly.
    pub contained: Mass,
    /// The denominator of the material's shares.
    pub denominator: Mass,
    /// How the denominator was found.
    pub basis: Basis,
    /// Its share of the denominator, in percent: the same at every stage it counts at.
    pub share: f64,
    /// That share as reports print it (`42.0%`).
    pub share_text: String,
    /// Each stage the line counts at, with its origin there.
    pub stages: Vec<(Stage, LineOrigin)>,
}

/// Where a line's material comes from at one stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineOrigin {
    /// The country the line names.
    Country(CountryRef),
    /// The line is expected to name a country at this stage and does not.
    Unknown,
}
