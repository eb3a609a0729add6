//! Supply records: checked value by value, converted to contained tonnes and added to the
//! ledger at each stage's country (or as unknown where an expected stage names none).

use super::LedgerBuilder;
use super::resolve::{Entry, NamedMaterial};
use crate::diagnostic::{Code, Diagnostic};
use crate::domain::Stage;
use crate::portfolio::ProbedLine;
use crate::portfolio::ledger::{LineRef, Route, RowKey};
use crate::portfolio::record::{Refused, SupplyRecord};
use crate::quantity::{Decimal, DecimalError};
use crate::reference::{CountryId, FormId};
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
        let Ok(content) = self.content(line)? else { return Ok(()) };
        let (origins, unknown_country) = self.origins(line, amount_span)?;
        let id_span = match &line.id {
            Some(id) if id.as_str().is_empty() => return Err(Refused::at("empty id", id)),
            Some(id) => self.ids.add(id, amount_span),
            None => None,
        };
        let Some(material) = material else { return Ok(()) };
        let Some(form) = self.line_form(line, &material, content.map(|(_, span)| span), amount_span) else {
            return Ok(());
        };
        let Some(mass) = self.mass(&line.amount, unit, form, content.map(|(c, _)| c))? else { return Ok(()) };
        if unknown_country {
            return Ok(());
        }

        let grade_span = line.grade.as_ref().map(|g| g.span_or(material.span));
        let Some(grade) = self.line_grade(&material, grade, grade_span) else { return Ok(()) };
        let standing = self.reference.materials.standing(material.resolved.material, grade);
        if let Some(assumed) = standing.grade_assumed {
            self.grade_assumed(material.resolved.material, assumed, material.span);
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
        let key = RowKey { material: material.resolved.material, tier: standing.tier };
        let members = &self.reference.materials.get(material.resolved.material).members;
        let member = material.resolved.member.and_then(|named| members.iter().position(|m| std::ptr::eq(m, named)));
        let route = Route {
            countries: origins.map(|origin| origin.map(|(country, _)| country)),
            member: member.map(|n| n as u8),
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

    /// The line's `content`, if any: `Err(())` (with an error recorded) for one with too
    /// many digits to count exactly.
    fn content(&mut self, line: &SupplyRecord<'de>) -> Result<Result<Option<(Decimal, Span)>, ()>, Refused> {
        let Some(content) = &line.content else { return Ok(Ok(None)) };
        let span = content.span.unwrap_or_default();
        match Decimal::parse(content.as_str()) {
            Ok(value) if !value.is_zero() && value <= Decimal::ONE => Ok(Ok(Some((value, span)))),
            Err(DecimalError::TooPrecise) => {
                self.too_precise("a content", span);
                Ok(Err(()))
            }
            // The schema refuses these.
            Ok(_) | Err(_) => Err(Refused::at("content not in (0, 1]", content)),
        }
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

    /// The traded form the line's amount is of: its `form`, or the one its material name
    /// stands for (`alumina`), or none where a `content` is given. `None` (with an error
    /// recorded) where form and content clash, the form is unknown or of another material.
    fn line_form(
        &mut self,
        line: &SupplyRecord<'de>,
        material: &NamedMaterial<'r>,
        content_span: Option<Span>,
        fallback: Span,
    ) -> Option<Option<FormId>> {
        let mut form = line.form.as_ref().map(|f| {
            let span = f.span_or(fallback);
            (self.form(f, span), span)
        });
        if form.is_none() && content_span.is_none() {
            let implied = self.implied_form(material, &line.material, Entry::Supply).ok()?;
            form = implied.map(|f| (Some(f), material.span));
        }
        match (form, content_span) {
            (Some((_, form_span)), Some(content_span)) => {
                self.problems.add(Code::FormAndContent, |code| {
                    Diagnostic::new(code, "a supply line gives both `form` and `content`")
                        .with_label(content_span, "content given here")
                        .with_label(form_span, "and a form with its own content")
                        .with_help("give `form` for a listed traded form, or `content` for anything else, not both")
                });
                None
            }
            (Some((None, _)), None) => None,
            (Some((Some(form), form_span)), None) => self.form_of(form, material, form_span).then_some(Some(form)),
            (None, _) => Some(None),
        }
    }

    /// Whether `form` contains the line's material; if not, an error is recorded.
    fn form_of(&mut self, form: FormId, material: &NamedMaterial<'r>, span: Span) -> bool {
        let (forms, materials) = (&self.reference.forms, &self.reference.materials);
        let element = &forms.get(form).element;
        if materials.has_element(material.resolved.material, element) {
            return true;
        }
        let form_name = &forms.get(form).id;
        let material_name = &materials.get(material.resolved.material).name;
        let element = materials.resolve(element).map_or(element.clone(), |r| {
            r.member.map_or_else(|| materials.get(r.material).name.clone(), |m| m.name.clone())
        });
        self.problems.add(Code::FormMismatch, |code| {
            Diagnostic::new(code, format!("`{form_name}` is a form of {element}, not of {material_name}"))
                .with_label(span, format!("a form of {element}"))
                .with_help("check the material and the form of this line")
        });
        false
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
