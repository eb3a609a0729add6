//! Consumption records: a material's annual consumption, the denominator of its shares.

use super::LedgerBuilder;
use super::resolve::Entry;
use crate::diagnostic::{Code, Diagnostic};
use crate::portfolio::ledger::{Consumption, RowKey};
use crate::portfolio::record::{ConsumptionRecord, Refused};

impl<'de, 'r> LedgerBuilder<'de, 'r> {
    /// Checks a consumption entry and adds it to its row. Its material is read as a supply
    /// line's is: a name for a traded form (`alumina`) counts as the material it contains,
    /// one for a grade (`magnesium metal`) as that grade.
    pub(crate) fn consumption(&mut self, entry: &ConsumptionRecord<'de>) -> Result<(), Refused> {
        let amount_span = entry.amount.span.unwrap_or_default();
        let key_span = entry.material.span_or(amount_span);
        let declared = self.grade(entry.grade.as_ref())?;
        let unit = self.unit(&entry.unit)?;
        let Some(material) = self.material(&entry.material, key_span)? else { return Ok(()) };
        let Ok(form) = self.implied_form(&material, &entry.material, Entry::Consumption) else { return Ok(()) };
        if let Some(form) = form {
            self.content_varies(form, material.resolved.material, key_span, Entry::Consumption);
        }
        let declared = declared.zip(entry.grade.as_ref().map(|g| g.span_or(key_span)));
        let form_at = form.map(|form| (form, key_span));
        let Some(claim) = self.line_grade(&material, &entry.material, declared, form_at) else { return Ok(()) };
        let Some(counted) = self.counted_material(&material, &entry.material, claim, declared, form) else {
            return Ok(());
        };
        let Some(mass) = self.mass(&entry.amount, unit, form, None)? else { return Ok(()) };
        let tier = self.reference.materials.standing(counted, claim).tier;
        let row = self.ledger.row_mut(RowKey { material: counted, tier }, key_span);
        match &row.consumption {
            Some(first) => {
                let first = first.span;
                let label = self.reference.materials.label(counted, tier).to_owned();
                self.problems.add(Code::DuplicateConsumption, |code| {
                    Diagnostic::new(code, format!("two consumption entries for {label}"))
                        .with_label(key_span, "second entry")
                        .with_label(first, "first entry")
                        .with_help("give one annual consumption per material (and grade)")
                });
            }
            None => row.consumption = Some(Consumption { mass: mass.mass(), span: amount_span }),
        }
        Ok(())
    }
}
