//! Input-neutral records: what a reader of any file format hands the ledger builder.
//!
//! A reader (the JSON one in `json`; a tabular one later) turns its format's shapes into
//! these records, each value with the text as written and its place in the source. The
//! builder checks what the records mean and never sees the format they came from.

use std::borrow::Cow;

use crate::domain::Stage;
use crate::source::Span;

/// A value as written in the input: its text and, where known, its place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field<'a> {
    /// The text. A number is its decimal text in JSON syntax (`1234.5`, `2e3`).
    pub text: Cow<'a, str>,
    /// Where it is written; `None` where the reader cannot say (a JSON string written with
    /// escapes is decoded into a copy, and has no place of its own).
    pub span: Option<Span>,
}

impl<'a> Field<'a> {
    /// A value borrowed from `source`'s text, located by `source`.
    pub fn borrowed(text: &'a str, span: Span) -> Field<'a> {
        Field { text: Cow::Borrowed(text), span: Some(span) }
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The text, if it is a slice of the input (and so can key a cache for the whole file).
    pub fn borrowed_text(&self) -> Option<&'a str> {
        match self.text {
            Cow::Borrowed(text) => Some(text),
            Cow::Owned(_) => None,
        }
    }

    /// Where it is written, or else `fallback`.
    pub fn span_or(&self, fallback: Span) -> Span {
        self.span.unwrap_or(fallback)
    }
}

/// One supply line: a purchase order, a contract line, a lot.
#[derive(Debug, Clone)]
pub struct SupplyRecord<'a> {
    /// The line's id, if any.
    pub id: Option<Field<'a>>,
    /// The material's name, alias or symbol.
    pub material: Field<'a>,
    /// The declared grade, if any.
    pub grade: Option<Field<'a>>,
    /// The amount (a decimal number).
    pub amount: Field<'a>,
    /// The unit of the amount.
    pub unit: Field<'a>,
    /// The traded form, if any.
    pub form: Option<Field<'a>>,
    /// The contained fraction (a decimal number), if given.
    pub content: Option<Field<'a>>,
    /// The country code of each stage, in [`Stage::ALL`] order, where given.
    pub origin: [Option<Field<'a>>; 3],
}

impl<'a> SupplyRecord<'a> {
    /// The country code written for `stage`, if any.
    pub fn origin_at(&self, stage: Stage) -> Option<&Field<'a>> {
        self.origin[stage.index()].as_ref()
    }
}

/// One amount stated for a material: its annual consumption, or the stock held.
#[derive(Debug, Clone)]
pub struct StatedRecord<'a> {
    /// The material, as written where the entry names it.
    pub material: Field<'a>,
    /// The amount (a decimal number).
    pub amount: Field<'a>,
    /// The unit of the amount.
    pub unit: Field<'a>,
    /// The declared grade, if any.
    pub grade: Option<Field<'a>>,
    /// The traded form the amount is of, if any.
    pub form: Option<Field<'a>>,
    /// The contained fraction (a decimal number), if given.
    pub content: Option<Field<'a>>,
}

/// One waiver: an accepted, time-limited exception to a rule.
#[derive(Debug, Clone)]
pub struct WaiverRecord<'a> {
    /// The rule id waived.
    pub rule: Field<'a>,
    /// The material it is limited to, if any.
    pub material: Option<Field<'a>>,
    /// The stage it is limited to, if any.
    pub stage: Option<Field<'a>>,
    /// The country it is limited to, if any.
    pub country: Option<Field<'a>>,
    /// Why it was accepted.
    pub reason: Field<'a>,
    /// Who is answerable for it, if given.
    pub owner: Option<Field<'a>>,
    /// The ticket or approval behind it, if given.
    pub reference: Option<Field<'a>>,
    /// Its last day, `YYYY-MM-DD`.
    pub expires: Field<'a>,
}

/// A record the builder refuses because its *format* is wrong (a value the input's schema
/// forbids: an unknown unit, an amount that is not positive), not its meaning. The reader
/// decides how to report it: the JSON reader by validating against its schema, which says
/// it best; another reader at `span`, in its own words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refused {
    /// What is wrong, in a few words ("unknown unit").
    pub what: &'static str,
    /// Where, if known.
    pub span: Option<Span>,
}

impl Refused {
    /// A refusal of the value at `field`.
    pub fn at(what: &'static str, field: &Field<'_>) -> Refused {
        Refused { what, span: field.span }
    }
}
