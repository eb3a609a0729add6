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
        let Ok(content) = self.content(line)? else { return Ok(()) };
        let (mut origins, unknown_country) = self.origins(line, amount_span)?;
        let id_span = match &line.id {
            Some(id) if id.as_str().is_empty() => return Err(Refused::at("empty id", id)),
            Some(id) => self.ids.add(id, amount_span),
            None => None,
        };
        let Some(material) = material else { return Ok(()) };
        let Some(form_at) = self.line_form(line, &material, content.map(|(_, span)| span), amount_span) else {
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

    /// The traded form the line's amount is of, with where it is written: its `form`, or
    /// the one its material name stands for (`alumina`), or none where a `content` is given.
    /// `None` (with an error recorded) where form and content clash, the form is unknown or
    /// of another material.
    fn line_form(
        &mut self,
        line: &SupplyRecord<'de>,
        material: &NamedMaterial<'r>,
        content_span: Option<Span>,
        fallback: Span,
    ) -> Option<Option<(FormId, Span)>> {
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
            (Some((Some(form), form_span)), None) => {
                let of_material = self.form_of(form, material, form_span);
                if of_material {
                    self.content_varies(form, material.resolved.material, form_span, Entry::Supply);
                }
                of_material.then_some(Some((form, form_span)))
            }
            (None, _) => Some(None),
        }
    }

    /// Whether `form` contains the line's material; if not, an error is recorded.
    fn form_of(&mut self, form: FormId, material: &NamedMaterial<'r>, span: Span) -> bool {
        let (forms, materials) = (&self.reference.forms, &self.reference.materials);
        let element = &forms.get(form).element;
        let named = material.resolved;
        if materials.has_element(named, element) {
            return true;
        }
        let form_name = &forms.get(form).id;
        let material_name = named.member.map_or(&materials.get(named.material).name, |m| &m.name);
        let of_element = materials.resolve(element);
        let element = of_element.map_or(element.clone(), |r| {
            r.member.map_or_else(|| materials.get(r.material).name.clone(), |m| m.name.clone())
        });
        self.problems.add(Code::FormMismatch, |code| {
            // The forms this line could have meant.
            let fitting: Vec<String> = forms
                .all()
                .filter(|f| materials.has_element(named, &f.element))
                .map(|f| format!("`{}`", f.id))
                .collect();
            let mut help = if fitting.is_empty() {
                "check the material and the form of this line, or give `content`".to_owned()
            } else {
                format!(
                    "check the material and the form of this line: for {material_name} use {}, or give `content`",
                    fitting.join(" or ")
                )
            };
            // A member that counts as this line's material at other grades (neodymium, not
            // for magnets, is a light rare earth): say how to write it.
            if let Some(r) = of_element.filter(|r| r.other_grades_as == Some(named.material)) {
                let listed = materials.get(r.material).strategic.as_ref().and_then(|s| s.grade);
                let grade = listed
                    .map_or(String::new(), |g| format!(" with a `grade` other than `{}`", materials.grade_by_id(g).id));
                help.push_str(&format!(
                    "; {element} is listed under {}: write `\"material\": \"{element}\"`{grade}, which counts as {material_name}",
                    materials.get(r.material).name
                ));
            }
            Diagnostic::new(code, format!("`{form_name}` is a form of {element}, not of {material_name}"))
                .with_label(span, format!("a form of {element}"))
                .with_help(help)
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
