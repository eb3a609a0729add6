//! The ledger builder: what each record means. Every record's material, grade, amount, unit,
//! form and countries are resolved and checked, and the record is added to the ledger.
//! Errors of meaning do not stop the reading: they are collected, grouped and capped (see
//! `problems`).
//!
//! The builder takes input-neutral records (`super::record`): it never sees the format a
//! file is written in. The JSON reader runs it on a thread of its own, beside the parser; the
//! table reader runs one per part of a large table, and adds them up ([`LedgerBuilder::append`]).

mod form;
mod grade;
mod problems;
mod resolve;
mod stated;
mod supply;
mod waiver;

use rustc_hash::FxHashMap;

use super::ids::SupplyIds;
use super::ledger::Ledger;
use super::record::WaiverRecord;
use super::{Portfolio, ProbedLine};
use crate::diagnostic::{Code, Diagnostic};
use crate::quantity::Converter;
use crate::reference::{FormId, Reference, Resolved};
use crate::source::{Source, Span};
use problems::Problems;

/// Checks what each record means and adds it to the ledger; then the consumption entries
/// and waivers, once read.
pub(crate) struct LedgerBuilder<'de, 'r> {
    source: &'de Source,
    reference: &'r Reference,
    ledger: Ledger,
    lines: u32,
    /// The picograms of product of all supply lines so far, which bound every sum.
    supplied: u128,
    ids: SupplyIds<'de>,
    materials: FxHashMap<&'de str, Option<Resolved<'r>>>,
    forms: FxHashMap<&'de str, Option<FormId>>,
    /// A converter for each unit met, by its index.
    converters: Vec<Option<Converter>>,
    problems: Problems,
    /// A byte offset: the supply line with a value written there is kept as `probed`.
    probe: Option<usize>,
    probed: Option<ProbedLine>,
}

impl<'de, 'r> LedgerBuilder<'de, 'r> {
    /// A builder for the records of `source`; the supply line with its amount, unit, form or
    /// content written at byte offset `probe` is kept whole (see [`Portfolio::probed`]).
    pub(crate) fn new(source: &'de Source, reference: &'r Reference, probe: Option<usize>) -> Self {
        LedgerBuilder {
            source,
            reference,
            ledger: Ledger::default(),
            lines: 0,
            supplied: 0,
            ids: SupplyIds::new(source),
            materials: FxHashMap::default(),
            forms: FxHashMap::default(),
            converters: Vec::new(),
            problems: Problems::default(),
            probe,
            probed: None,
        }
    }

    /// A builder for the supply lines of another part of the same text, read beside this
    /// one and added to it with [`Self::append`].
    pub(crate) fn fork(&self) -> Self {
        LedgerBuilder {
            problems: Problems::after_others(),
            ..LedgerBuilder::new(self.source, self.reference, self.probe)
        }
    }

    /// Adds `later`, a builder of the supply lines that follow this one's ([`Self::fork`]),
    /// as if its lines had been added here one by one: the same ledger, evidence, line
    /// numbers and diagnostics. Where that cannot be done exactly (the sum of all lines
    /// passes what can be counted, or `later` stopped showing a grouped problem this one
    /// shows and found more places of it than it keeps), `later` is handed back, and its
    /// lines must be read here again.
    pub(crate) fn append(&mut self, later: LedgerBuilder<'de, 'r>) -> Result<(), Box<LedgerBuilder<'de, 'r>>> {
        let total = self.supplied.checked_add(later.supplied).filter(|t| *t <= i128::MAX as u128);
        let Some(total) = total.filter(|_| self.problems.can_append(&later.problems)) else {
            return Err(Box::new(later));
        };
        let offset = self.lines;
        self.supplied = total;
        self.lines += later.lines;
        self.ledger.append(later.ledger, offset);
        self.ids.append(later.ids);
        self.problems.append(later.problems);
        if let Some(mut probed) = later.probed {
            probed.line.index += offset;
            self.probed = Some(probed);
        }
        Ok(())
    }

    /// Resolves the waivers, completes the ledger and hands over the portfolio, or every
    /// error found.
    pub(crate) fn finish(
        mut self,
        name: Option<String>,
        year: u16,
        waiver_records: &[WaiverRecord<'de>],
    ) -> Result<Portfolio, Vec<Diagnostic>> {
        let mut waivers = Vec::new();
        for record in waiver_records {
            // Its format was checked by the reader, so only errors of meaning remain, and
            // `waiver` records those itself.
            match self.waiver(record) {
                Ok(Some(waiver)) => waivers.push(waiver),
                Ok(None) => {}
                // Cannot happen (the format was checked); if it did, fail closed, visibly.
                Err(refused) => {
                    let span = record.rule.span.unwrap_or_default();
                    self.problems.add(Code::Schema, |code| {
                        Diagnostic::new(code, format!("invalid waiver: {}", refused.what))
                            .with_label(span, "this waiver")
                    });
                }
            }
        }
        self.ledger.settle();
        self.duplicate_ids();
        self.consumption_exceeded();
        let (errors, mut notes) = self.problems.into_diagnostics();
        if !errors.is_empty() {
            return Err(errors);
        }
        if self.lines == 0 {
            notes.push(Diagnostic::new(
                Code::EmptyPortfolio,
                "the portfolio has no supply lines: there is nothing to check",
            ));
        }
        Ok(Portfolio {
            source: self.source.clone(),
            name,
            year,
            ledger: self.ledger,
            waivers,
            notes,
            supply_lines: self.lines,
            probed: self.probed,
        })
    }

    /// Records a diagnostic a reader found (an error of a table's header, say), counted and
    /// capped with the others of its code.
    pub(crate) fn diagnostic(&mut self, diagnostic: Diagnostic) {
        self.problems.add(diagnostic.code, |_| diagnostic);
    }

    /// Records a diagnostic a reader found at `span`, grouped with the others of `code` and
    /// `key` (the same mistake on many rows is one diagnostic); `make` makes it where the key
    /// first occurs.
    pub(crate) fn grouped(&mut self, code: Code, key: &str, span: Span, make: impl FnOnce(Code, Span) -> Diagnostic) {
        self.problems.grouped(code, key, span, make);
    }

    /// Reports every supply id used more than once, at each use after the first.
    fn duplicate_ids(&mut self) {
        for repeat in self.ids.repeats() {
            self.problems.add(Code::DuplicateId, |code| {
                Diagnostic::new(code, format!("supply id `{}` is used twice", repeat.id))
                    .with_label(repeat.again, "used again here")
                    .with_label(repeat.first, "first used here")
                    .with_help("ids must be unique within a file: messages and waivers refer to lines by them")
            });
        }
    }

    /// A note for each material whose supplies exceed its stated consumption.
    fn consumption_exceeded(&mut self) {
        for row in self.ledger.rows() {
            if let Some(consumption) = row.consumption.as_ref().filter(|c| row.supplied > c.mass) {
                let label = self.reference.materials.label(row.key.material, row.key.tier);
                self.problems.notes.push(
                    Diagnostic::new(
                        Code::ConsumptionExceeded,
                        format!(
                            "the supplies of {label} add up to {}, more than its annual consumption of {}",
                            row.supplied, consumption.mass
                        ),
                    )
                    .with_label(consumption.span, "annual consumption")
                    .with_help("shares are of consumption, so they may add up to more than 100%; check the consumption figure if that is not meant (stock building, say)"),
                );
            }
        }
    }
}
