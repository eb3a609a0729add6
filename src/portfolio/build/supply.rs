//! Supply records: checked value by value, converted to contained tonnes and added to the
//! ledger at each stage's country (or as unknown where an expected stage names none).

use super::LedgerBuilder;
use super::resolve::{Entry, NamedMaterial};
use crate::diagnostic::{Code, Diagnostic};
use crate::domain::Stage;
use crate::portfolio::ProbedLine;
use crate::portfolio::ledger::{LineRef, Route, RowKey};
use crate::portfolio::record::{Refused, SupplyRecord};
use crate::reference::{CountryId, FormId, MaterialId};
use crate::source::Span;

/// The country of each stage a line names, with where it is written.
type Origins = [Option<(CountryId, Span)>; 3];

impl<'de, 'r> LedgerBuilder<'de, 'r> {
    /// Checks a supply record and adds it to the ledger. A record is refused only for what
    /// its format forbids ([`Refused`]); errors of meaning are recorded and the record left
    /// out of the ledger.
    pub(crate) fn supply(&mut self, line: &SupplyRecord<'de>) -> Result<(), Refused> {
        let index = self.lines;
        self.lines += 1;
        let amount_span = line.amount.span.unwrap_or_default();
        let material = self.material(&line.material, line.material.span_or(amount_span))?;
        let grade = self.grade(line.grade.as_ref())?;
        let unit = self.unit(&line.unit)?;
        let Ok(content) = self.content(line.content.as_ref())? else { return Ok(()) };
        let (mut origins, unknown_country) = self.origins(line, amount_span)?;
        let id_span = match &line.id {
            Some(id) if id.as_str().is_empty() => return Err(Refused::at("empty id", id)),
            Some(id) => self.ids.add(id, amount_span),
            None => None,
        };
        let Some(material) = material else { return Ok(()) };
        let written = (&line.material, line.form.as_ref());
        let Some(form_at) =
            self.traded_form(written, &material, content.map(|(_, span)| span), amount_span, Entry::Supply)
        else {
            return Ok(());
        };
        let form = form_at.map(|(form, _)| form);
        let Some(mass) = self.mass(&line.amount, unit, form, content.map(|(c, _)| c))? else { return Ok(()) };
        if unknown_country {
            return Ok(());
        }

        let declared = grade.zip(line.grade.as_ref().map(|g| g.span_or(material.span)));
        let Some(claim) = self.line_grade(&material, &line.material, declared, form_at) else { return Ok(()) };
        let Some(counted) = self.counted_material(&material, &line.material, claim, declared, form) else {
            return Ok(());
        };
        let standing = self.reference.materials.standing(counted, claim);
        if let Some(assumed) = standing.grade_assumed {
            self.grade_assumed(counted, assumed, material.span);
        }
        let evidence = LineRef {
            mass,
            index,
            material: material.span,
            countries: origins.map(|origin| origin.map(|(_, span)| span)),
            id: id_span,
            amount: amount_span,
            unit,
            form,
            content: content.map(|(_, span)| span),
        };
        let key = RowKey { material: counted, tier: standing.tier };
        if origins[Stage::Recycling.index()].is_some()
            && let Some((_, span)) = origins[Stage::Extraction.index()].take()
        {
            self.recycled_extraction(span);
        }
        let route = Route {
            countries: origins.map(|origin| origin.map(|(country, _)| country)),
            member: self.route_member(&material, counted, form),
        };
        self.add_to_ledger(key, route, evidence);
        if let Some(at) = self.probe {
            let written =
                [Some(amount_span), line.unit.span, line.form.as_ref().and_then(|f| f.span), evidence.content];
            if written.into_iter().flatten().any(|span| (span.start as usize..=span.end()).contains(&at)) {
                self.probed = Some(ProbedLine { key, line: evidence, route });
            }
        }
        Ok(())
    }

    /// The member element (by its index among `counted`'s members) a line is of: the one
    /// its material names (`neodymium`), else the one its traded form contains
    /// (`neodymium oxide`); `None` where neither tells or `counted` does not list it.
    fn route_member(&self, material: &NamedMaterial<'r>, counted: MaterialId, form: Option<FormId>) -> Option<u8> {
        let reference = self.reference;
        let symbol = match material.resolved.member {
            Some(member) => member.symbol.as_str(),
            None => reference.forms.get(form?).element.as_str(),
        };
        let members = &reference.materials.get(counted).members;
        let n = members.iter().position(|m| m.symbol.eq_ignore_ascii_case(symbol))?;
        Some(n as u8)
    }

    /// A recycled line is not counted at extraction (Art. 2(4): extraction takes material
    /// from its original source), whatever extraction country it names: one note says so.
    fn recycled_extraction(&mut self, span: Span) {
        self.problems.grouped(Code::RecycledExtraction, "", span, |code, span| {
            Diagnostic::new(code, "a recycled supply is not counted at extraction: its extraction country is ignored")
                .with_label(span, "ignored: this line is recycled")
                .with_help(
                    "The extraction stage counts newly mined material (Art. 2(4): taken from its original source). Leave `extraction` out of recycled lines; if part of the amount is primary material, split it into a primary line (`extraction`, `processing`) and a recycled line (`recycling`).",
                )
        });
    }

    /// The country of each stage the line names, and whether any was unknown (its error is
    /// recorded).
    fn origins(&mut self, line: &SupplyRecord<'de>, fallback: Span) -> Result<(Origins, bool), Refused> {
        let mut origins: Origins = [None; 3];
        let mut unknown = false;
        for stage in Stage::ALL {
            if let Some(code) = line.origin_at(stage) {
                let span = code.span_or(fallback);
                match self.country(code, span)? {
                    Some(country) => origins[stage.index()] = Some((country, span)),
                    None => unknown = true,
                }
            }
        }
        Ok((origins, unknown))
    }

    /// Adds a checked line to its row, on its route.
    fn add_to_ledger(&mut self, key: RowKey, route: Route, line: LineRef) {
        // Every sum the rules take (of a row, of a group of rows) is at most the total of
        // all lines, so no sum overflows once this does not.
        let Some(total) = self.supplied.checked_add(line.mass.product()).filter(|t| *t <= i128::MAX as u128) else {
            self.problems.add(Code::AmountRange, |code| {
                Diagnostic::new(code, "the supply lines add up to more than crma-check can count")
                    .with_label(line.amount, "the total passes 1.7 × 10^20 t here")
                    .with_help("check the units of the lines: no real portfolio comes near this")
            });
            return;
        };
        self.supplied = total;
        self.ledger.row_mut(key, line.material).add_line(route, line);
    }
}
