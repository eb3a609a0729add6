//! Consumption and stock entries: a material's annual consumption (the denominator of its
//! shares) and the stock held of it (its days of cover), each an amount of the material
//! stated once per material and grade.

use super::LedgerBuilder;
use super::resolve::Entry;
use crate::diagnostic::{Code, Diagnostic};
use crate::portfolio::ledger::{RowKey, Stated};
use crate::portfolio::record::{Refused, StatedRecord};
use crate::source::Span;

impl<'de, 'r> LedgerBuilder<'de, 'r> {
    /// Checks a consumption entry and adds it to its row.
    pub(crate) fn consumption(&mut self, entry: &StatedRecord<'de>) -> Result<(), Refused> {
        self.stated(entry, Entry::Consumption)
    }

    /// Checks a stock entry and adds it to its row. Read after the supplies and consumption:
    /// a stock of a material the portfolio neither buys nor consumes has no days of cover.
    pub(crate) fn stock(&mut self, entry: &StatedRecord<'de>) -> Result<(), Refused> {
        self.stated(entry, Entry::Stock)
    }

    /// Checks an entry and adds it to its row. Its material is read as a supply line's is:
    /// a name for a traded form (`alumina`) counts as the material it contains, one for a
    /// grade (`magnesium metal`) as that grade; its amount may be of a traded `form` or at a
    /// `content`.
    fn stated(&mut self, entry: &StatedRecord<'de>, kind: Entry) -> Result<(), Refused> {
        let amount_span = entry.amount.span.unwrap_or_default();
        let key_span = entry.material.span_or(amount_span);
        let declared = self.grade(entry.grade.as_ref())?;
        let unit = self.unit(&entry.unit)?;
        let Ok(content) = self.content(entry.content.as_ref())? else { return Ok(()) };
        let Some(material) = self.material(&entry.material, key_span)? else { return Ok(()) };
        let written = (&entry.material, entry.form.as_ref());
        let Some(form_at) = self.traded_form(written, &material, content.map(|(_, span)| span), key_span, kind) else {
            return Ok(());
        };
        let form = form_at.map(|(form, _)| form);
        let declared = declared.zip(entry.grade.as_ref().map(|g| g.span_or(key_span)));
        let Some(claim) = self.line_grade(&material, &entry.material, declared, form_at) else { return Ok(()) };
        let Some(counted) = self.counted_material(&material, &entry.material, claim, declared, form) else {
            return Ok(());
        };
        let Some(mass) = self.mass(&entry.amount, unit, form, content.map(|(c, _)| c))? else { return Ok(()) };
        let tier = self.reference.materials.standing(counted, claim).tier;
        let key = RowKey { material: counted, tier };
        let label = self.reference.materials.label(counted, tier).to_owned();
        if let Entry::Stock = kind
            && self.ledger.row(key).is_none_or(|row| row.lines == 0 && row.consumption.is_none())
        {
            self.unused_stock(&label, key_span);
            return Ok(());
        }
        let row = self.ledger.row_mut(key, key_span);
        let slot = match kind {
            Entry::Stock => &mut row.stock,
            Entry::Consumption | Entry::Supply => &mut row.consumption,
        };
        match slot {
            Some(first) => {
                let first = first.span;
                let (code, what, help) = match kind {
                    Entry::Stock => {
                        (Code::DuplicateStock, "stock", "give one stock per material (and grade): their sum")
                    }
                    Entry::Consumption | Entry::Supply => (
                        Code::DuplicateConsumption,
                        "consumption",
                        "give one annual consumption per material (and grade)",
                    ),
                };
                self.problems.add(code, |code| {
                    Diagnostic::new(code, format!("two {what} entries for {label}"))
                        .with_label(key_span, "second entry")
                        .with_label(first, "first entry")
                        .with_help(help)
                });
            }
            None => *slot = Some(Stated { mass: mass.mass(), span: amount_span }),
        }
        Ok(())
    }

    /// A warning for a stock of a material with neither supplies nor consumption.
    fn unused_stock(&mut self, label: &str, span: Span) {
        self.problems.add(Code::UnusedStock, |code| {
            Diagnostic::new(code, format!("a stock of {label}, which the portfolio neither buys nor consumes"))
                .with_label(span, "no supply line or consumption entry for this material")
                .with_help("days of cover are days of consumption: give the material's annual `consumption`, or its supply lines, or remove the stock")
        });
    }
}
