//! What supply lines mean: each line's material, grade, amount, unit, form and countries are
//! resolved and checked, and the line is added to the ledger. Errors of meaning do not stop
//! the reading: they are collected, grouped and capped, so that a file with the same mistake
//! on a million lines gets one readable diagnostic.
//!
//! This runs beside the parser, on a thread of its own (see `load`): it never sees JSON.

use rustc_hash::FxHashMap;

use super::ids::SupplyIds;
use super::ledger::{Consumption, Ledger, LineRef, RowKey, Stage};
use super::load::{ConsumptionLine, SupplyLine, WaiverLine};
use super::{Portfolio, Waiver};
use crate::diagnostic::Diagnostic;
use crate::json::{Number, Spanned, Text};
use crate::quantity::{Converter, Decimal, DecimalError, MAX_LINE_TONNES, Mass, format_number};
use crate::reference::{
    CountryId, CountryReading, FormId, GradeId, Implied, MaterialId, Reference, Resolved, UnitId, UnknownCountry,
    is_country_code,
};
use crate::source::{Source, Span};

/// How many diagnostics of one kind are shown before the rest are only counted.
const SHOWN_PER_CODE: usize = 10;

/// How many places a grouped diagnostic labels.
const LABELLED_PLACES: usize = 3;

/// A diagnostic shown once for many places ("unknown material `lithum`" on 40 lines).
struct Grouped {
    diagnostic: Diagnostic,
    places: u32,
}

/// Everything wrong or noteworthy found while reading, grouped and capped.
#[derive(Default)]
struct InputDiagnostics {
    errors: Vec<Diagnostic>,
    /// Per code: how many diagnostics (or, for grouped codes, distinct groups) there were.
    per_code: FxHashMap<&'static str, usize>,
    grouped: Vec<Grouped>,
    group_index: FxHashMap<&'static str, FxHashMap<String, usize>>,
    notes: Vec<Diagnostic>,
}

impl InputDiagnostics {
    /// Counts a diagnostic of `code`, and makes it if it is among the first shown.
    fn error(&mut self, code: &'static str, diagnostic: impl FnOnce() -> Diagnostic) {
        let count = self.per_code.entry(code).or_default();
        *count += 1;
        if *count <= SHOWN_PER_CODE {
            self.errors.push(diagnostic());
        }
    }

    /// A diagnostic keyed by `key`, made (with its label at `span`) where the key first
    /// occurs and labelled at the next few places; the rest are counted. Distinct keys
    /// beyond the first few of a code are only counted, as [`Self::error`] does.
    fn grouped(&mut self, code: &'static str, key: &str, span: Span, make: impl FnOnce(Span) -> Diagnostic) {
        let groups = self.group_index.entry(code).or_default();
        let n = match groups.get(key) {
            Some(&n) => n,
            None => {
                let count = self.per_code.entry(code).or_default();
                *count += 1;
                if *count > SHOWN_PER_CODE {
                    return;
                }
                self.grouped.push(Grouped { diagnostic: make(span), places: 1 });
                groups.insert(key.to_owned(), self.grouped.len() - 1);
                return;
            }
        };
        let group = &mut self.grouped[n];
        group.places += 1;
        if group.diagnostic.labels.len() < LABELLED_PLACES {
            group.diagnostic.labels.push(crate::diagnostic::Label::new(span, String::new()));
        }
    }

    /// All diagnostics, with "and N more" where some were only counted.
    fn into_diagnostics(self) -> (Vec<Diagnostic>, Vec<Diagnostic>) {
        let mut all = self.errors;
        all.extend(self.notes);
        for group in self.grouped {
            let mut diagnostic = group.diagnostic;
            let shown = diagnostic.labels.len() as u32;
            if group.places > shown
                && let Some(last) = diagnostic.labels.last_mut()
            {
                let more = group.places - shown;
                let sep = if last.text.is_empty() { "" } else { "; " };
                let places = if more == 1 { "place" } else { "places" };
                last.text = format!("{}{sep}and {} more {places}", last.text, format_number(f64::from(more)));
            }
            all.push(diagnostic);
        }
        all.sort_by_key(|d| d.primary_span().map(|s| s.start));
        let mut hidden: Vec<_> = self.per_code.into_iter().filter(|(_, n)| *n > SHOWN_PER_CODE).collect();
        hidden.sort();
        for (code, count) in hidden {
            let more = count - SHOWN_PER_CODE;
            let severity = crate::codes::find(code).map_or(crate::diagnostic::Severity::Error, |c| c.severity);
            let kind = match severity {
                crate::diagnostic::Severity::Error => "errors",
                crate::diagnostic::Severity::Warning => "warnings",
                crate::diagnostic::Severity::Note => "notes",
            };
            let text = format!("and {} more `{code}` {kind} like the ones above", format_number(more as f64));
            all.push(Diagnostic::new(severity, code, text));
        }
        all.into_iter().partition(|d| d.severity == crate::diagnostic::Severity::Error)
    }
}

/// Checks what each supply line means and adds it to the ledger; then the consumption
/// entries and waivers, once read.
pub(super) struct LedgerBuilder<'de, 'r> {
    source: &'de Source,
    reference: &'r Reference,
    ledger: Ledger,
    lines: u32,
    /// The total mass of all supply lines so far.
    supplied: Mass,
    ids: SupplyIds<'de>,
    materials: FxHashMap<&'de str, Option<Resolved<'r>>>,
    forms: FxHashMap<&'de str, Option<FormId>>,
    /// A converter for each unit and form met, at `unit × (forms + 1) + form + 1`.
    converters: Vec<Option<Converter>>,
    findings: InputDiagnostics,
}

/// Where a material name is written.
#[derive(Clone, Copy)]
enum Entry {
    Supply,
    Consumption,
}

/// A material name as read: what it resolved to and where it was written.
struct NamedMaterial<'r> {
    resolved: Resolved<'r>,
    span: Span,
}

impl<'de, 'r> LedgerBuilder<'de, 'r> {
    pub(super) fn new(source: &'de Source, reference: &'r Reference) -> Self {
        LedgerBuilder {
            source,
            reference,
            ledger: Ledger::default(),
            lines: 0,
            supplied: Mass::ZERO,
            ids: SupplyIds::new(source),
            materials: FxHashMap::default(),
            forms: FxHashMap::default(),
            converters: Vec::new(),
            findings: InputDiagnostics::default(),
        }
    }

    fn span<T>(&self, value: &Spanned<'de, T>) -> Span {
        value.span(self.source)
    }

    /// Where a string is, or else where `fallback` is (a string with escapes has no span).
    fn at(&self, text: &Text<'de>, fallback: Span) -> Span {
        text.span(self.source).unwrap_or(fallback)
    }

    /// Resolves a material name, reporting an unknown one (grouped by name).
    fn material(&mut self, name: &Text<'de>, span: Span) -> Result<Option<NamedMaterial<'r>>, &'static str> {
        if name.as_str().is_empty() {
            return Err("empty material");
        }
        let materials = &self.reference.materials;
        let resolved = match name.borrowed() {
            Some(text) => *self.materials.entry(text).or_insert_with(|| materials.resolve(text)),
            None => materials.resolve(name.as_str()),
        };
        match resolved {
            Some(resolved) => Ok(Some(NamedMaterial { resolved, span })),
            None => {
                let text = name.as_str();
                let reference = self.reference;
                self.findings.grouped("unknown-material", &text.to_lowercase(), span, |span| {
                    unknown_material(reference, text).with_label(span, "not a known material")
                });
                Ok(None)
            }
        }
    }

    fn grade(&self, grade: Option<&Text<'de>>) -> Result<Option<GradeId>, &'static str> {
        match grade {
            None => Ok(None),
            Some(grade) => self.reference.materials.grade(grade.as_str()).map(Some).ok_or("unknown grade"),
        }
    }

    fn unit(&self, unit: &Text<'de>) -> Result<UnitId, &'static str> {
        self.reference.units.find(unit.as_str()).ok_or("unknown unit")
    }

    /// A country code, resolved; `None` (with an error recorded) if unknown.
    fn country(&mut self, code: &Text<'de>, span: Span) -> Result<Option<CountryId>, &'static str> {
        let text = code.as_str();
        match self.reference.countries.resolve(text) {
            Ok(CountryReading::Iso(id)) => Ok(Some(id)),
            Ok(CountryReading::Alias(alias)) => {
                let means = self.reference.countries.get(alias.means);
                self.findings.grouped("country-alias", &alias.code, span, |span| {
                    Diagnostic::note(
                        "country-alias",
                        format!("`{}` is read as `{}`, {}", alias.code, means.code, means.name),
                    )
                    .with_label(span, format!("read as {} ({})", means.code, means.name))
                    .with_help(alias.note.clone())
                });
                Ok(Some(alias.means))
            }
            Err(_) if !is_country_code(text) => Err("not a two-letter code"),
            Err(unknown) => {
                let text = text.to_uppercase();
                self.findings.grouped("unknown-country", &text, span, |span| {
                    let help = match unknown {
                        UnknownCountry::Reserved(help) => help.to_owned(),
                        UnknownCountry::Unknown(Some(country)) => {
                            format!("did you mean `{}` ({})?", country.code, country.name)
                        }
                        UnknownCountry::Unknown(None) => {
                            "write an ISO 3166-1 alpha-2 code, such as `CN` for China or `DE` for Germany".to_owned()
                        }
                    };
                    Diagnostic::error("unknown-country", format!("`{text}` is not an ISO 3166-1 country code"))
                        .with_label(span, "not a country code")
                        .with_help(help)
                });
                Ok(None)
            }
        }
    }

    /// An amount as contained mass, by `unit` and `form` (cached) or with a `content`;
    /// `None` (with an error recorded) if out of range.
    fn mass(
        &mut self,
        amount: &Spanned<'de, Number<'de>>,
        unit: UnitId,
        form: Option<FormId>,
        content: Option<Decimal>,
    ) -> Result<Option<Mass>, &'static str> {
        let span = self.span(amount);
        let value = match Decimal::parse(amount.value.0) {
            Ok(value) if !value.is_zero() => value,
            // The schema refuses these.
            Ok(_) | Err(DecimalError::Negative | DecimalError::NotANumber) => {
                return Err("amount not greater than 0");
            }
            Err(DecimalError::TooPrecise) => {
                self.too_precise("an amount", span);
                return Ok(None);
            }
            Err(DecimalError::OutOfRange) => {
                self.findings.error("amount-range", || {
                    Diagnostic::error("amount-range", "an amount out of range")
                        .with_label(span, "exponent out of range")
                        .with_help(
                            "write the amount in a unit that keeps it between a picogram and a million million tonnes",
                        )
                });
                return Ok(None);
            }
        };
        let reference = self.reference;
        let factor = || {
            let by_unit = reference.units.get(unit).tonnes;
            form.map_or(Some(by_unit), |f| by_unit.checked_mul(reference.forms.get(f).fraction))
        };
        let mass = match content {
            Some(content) => factor().and_then(|f| Mass::from_amount(value, f, Some(content))),
            None => {
                let forms = reference.forms.all().len();
                let slot = usize::from(unit.0) * (forms + 1) + form.map_or(0, |f| usize::from(f.0) + 1);
                if self.converters.len() <= slot {
                    self.converters.resize(slot + 1, None);
                }
                let converter = match &mut self.converters[slot] {
                    Some(converter) => converter,
                    empty => empty.insert(Converter::new(factor().ok_or("factor overflow")?)),
                };
                converter.convert(value)
            }
        };
        match mass {
            Some(mass) if !mass.is_zero() => Ok(Some(mass)),
            Some(_) => {
                self.findings.error("amount-range", || {
                    Diagnostic::error("amount-range", "an amount too small to count: less than a picogram")
                        .with_label(span, "rounds to zero")
                });
                Ok(None)
            }
            None => {
                let limit = format_number(MAX_LINE_TONNES as f64);
                self.findings.error("amount-range", || {
                    Diagnostic::error("amount-range", format!("an amount too large: more than {limit} t"))
                        .with_label(span, "out of range")
                        .with_help("check the unit: a single line above a million million tonnes is almost certainly a mistake")
                });
                Ok(None)
            }
        }
    }

    fn too_precise(&mut self, what: &'static str, span: Span) {
        self.findings.error("amount-range", || {
            Diagnostic::error("amount-range", format!("{what} with more than 36 significant digits"))
                .with_label(span, "too many digits to count exactly")
                .with_help("round it: crma-check counts amounts exactly and will not round them silently")
        });
    }

    fn form(&mut self, form: &Text<'de>, span: Span) -> Option<FormId> {
        let forms = &self.reference.forms;
        let found = match form.borrowed() {
            Some(text) => *self.forms.entry(text).or_insert_with(|| forms.find(text)),
            None => forms.find(form.as_str()),
        };
        if found.is_none() {
            let text = form.as_str();
            self.findings.grouped("unknown-form", &text.to_lowercase(), span, |span| {
                let suggestion = crate::reference::suggest::did_you_mean(text, forms.names());
                let help = match suggestion {
                    Some(close) => format!("did you mean `{close}`? Where the form is not listed, give `content`, the fraction of the amount that is the material"),
                    None => "`crma-check forms` lists the traded forms; for others give `content`, the fraction of the amount that is the material".to_owned(),
                };
                Diagnostic::error("unknown-form", format!("unknown traded form `{text}`"))
                    .with_label(span, "not a known traded form")
                    .with_help(help)
            });
        }
        found
    }

    /// Reports every supply id used more than once, at each use after the first.
    fn duplicate_ids(&mut self) {
        for repeat in self.ids.repeats() {
            self.findings.error("duplicate-id", || {
                Diagnostic::error("duplicate-id", format!("supply id `{}` is used twice", repeat.id))
                    .with_label(repeat.again, "used again here")
                    .with_label(repeat.first, "first used here")
                    .with_help("ids must be unique within a file: messages and waivers refer to lines by them")
            });
        }
    }

    /// Checks a supply line and adds it to the ledger. `material`, `amount` and `unit` are
    /// there: [`super::load::SupplySeed`] refuses a line without them.
    pub(super) fn supply(&mut self, line: &SupplyLine<'de>) -> Result<(), &'static str> {
        let (Some(line_material), Some(line_amount), Some(line_unit)) = (&line.material, &line.amount, &line.unit)
        else {
            return Err("missing field");
        };
        let index = self.lines;
        self.lines += 1;
        let amount_span = self.span(line_amount);
        let material_span = self.at(line_material, amount_span);
        let material = self.material(line_material, material_span)?;
        let grade = self.grade(line.grade.as_ref())?;
        let unit = self.unit(line_unit)?;
        let content = match &line.content {
            None => None,
            Some(content) => {
                let span = self.span(content);
                match Decimal::parse(content.value.0) {
                    Ok(value) if !value.is_zero() && value <= Decimal::ONE => Some((value, span)),
                    Err(DecimalError::TooPrecise) => {
                        self.too_precise("a content", span);
                        return Ok(());
                    }
                    // The schema refuses these.
                    Ok(_) | Err(_) => return Err("content not in (0, 1]"),
                }
            }
        };
        let mut origins: [Option<(CountryId, Span)>; 3] = [None; 3];
        let mut unknown_country = false;
        if let Some(origin) = &line.origin {
            for stage in Stage::ALL {
                if let Some(code) = origin.at(stage) {
                    let span = self.at(code, amount_span);
                    match self.country(code, span)? {
                        Some(country) => origins[stage as usize] = Some((country, span)),
                        None => unknown_country = true,
                    }
                }
            }
        }
        let id_span = match &line.id {
            Some(id) if id.as_str().is_empty() => return Err("empty id"),
            Some(id) => self.ids.add(id, amount_span),
            None => None,
        };
        let Some(material) = material else { return Ok(()) };

        // The amount in contained material: unit, then form or content.
        let mut form = line.form.as_ref().map(|f| {
            let span = self.at(f, amount_span);
            (self.form(f, span), span)
        });
        if form.is_none() && content.is_none() {
            let Ok(implied) = self.implied_form(&material, line_material, Entry::Supply) else { return Ok(()) };
            form = implied.map(|f| (Some(f), material.span));
        }
        let form_id = match (form, content) {
            (Some((_, form_span)), Some((_, content_span))) => {
                self.findings.error("form-and-content", || {
                    Diagnostic::error("form-and-content", "a supply line gives both `form` and `content`")
                        .with_label(content_span, "content given here")
                        .with_label(form_span, "and a form with its own content")
                        .with_help("give `form` for a listed traded form, or `content` for anything else, not both")
                });
                return Ok(());
            }
            (Some((None, _)), None) => return Ok(()),
            (Some((Some(form), form_span)), None) => {
                let element = &self.reference.forms.get(form).element;
                if !self.reference.materials.has_element(material.resolved.material, element) {
                    let (form_name, material_name) = (
                        self.reference.forms.get(form).id.clone(),
                        self.reference.materials.get(material.resolved.material).name.clone(),
                    );
                    let element = self.reference.materials.resolve(element).map_or(element.clone(), |r| {
                        r.member
                            .map_or_else(|| self.reference.materials.get(r.material).name.clone(), |m| m.name.clone())
                    });
                    self.findings.error("form-mismatch", || {
                        Diagnostic::error(
                            "form-mismatch",
                            format!("`{form_name}` is a form of {element}, not of {material_name}"),
                        )
                        .with_label(form_span, format!("a form of {element}"))
                        .with_help("check the material and the form of this line")
                    });
                    return Ok(());
                }
                Some(form)
            }
            (None, _) => None,
        };
        let Some(mass) = self.mass(line_amount, unit, form_id, content.map(|(c, _)| c))? else { return Ok(()) };
        if unknown_country {
            return Ok(());
        }

        let grade_span = line.grade.as_ref().map(|g| self.at(g, material.span));
        let Some(grade) = self.line_grade(&material, grade, grade_span) else { return Ok(()) };
        let standing = self.reference.materials.standing(material.resolved.material, grade);
        if let Some(assumed) = standing.grade_assumed {
            self.grade_assumed(material.resolved.material, assumed, material.span);
        }

        // Every sum the rules take (of a row, of a group of rows) is at most the total of
        // all lines, so no sum overflows once this does not.
        let Some(total) = self.supplied.checked_add(mass) else {
            self.findings.error("amount-range", || {
                Diagnostic::error("amount-range", "the supply lines add up to more than crma-check can count")
                    .with_label(amount_span, "the total passes 3 × 10^20 t here")
                    .with_help("check the units of the lines: no real portfolio comes near this")
            });
            return Ok(());
        };
        self.supplied = total;
        let key = RowKey { material: material.resolved.material, tier: standing.tier };
        let evidence = LineRef {
            mass,
            index,
            at: material.span,
            id: id_span,
            amount: amount_span,
            unit,
            form: form_id,
            content: content.map(|(_, span)| span),
        };
        let secondary = origins[Stage::Recycling as usize].is_some();
        let row = self.ledger.row_mut(key, material.span);
        row.supplied += mass;
        row.lines += 1;
        for stage in Stage::ALL {
            let expected = if secondary { stage == Stage::Recycling } else { stage != Stage::Recycling };
            match origins[stage as usize] {
                Some((country, span)) => {
                    row.stage_mut(stage).country_mut(country).add(LineRef { at: span, ..evidence })
                }
                None if expected => row.stage_mut(stage).unknown.add(evidence),
                None => {}
            }
        }
        Ok(())
    }

    /// The traded form a material name stands for (`alumina`), if any; `Err` (with an error
    /// recorded) for a name of variable grade (`bauxite`), which a supply line must give a
    /// `content` for and a consumption entry cannot be written under.
    fn implied_form(
        &mut self,
        material: &NamedMaterial<'r>,
        written: &Text<'de>,
        entry: Entry,
    ) -> Result<Option<FormId>, ()> {
        let reason = match material.resolved.implied {
            Implied::Form(form) => return Ok(Some(form)),
            Implied::Nothing | Implied::Grade(_) => return Ok(None),
            Implied::RequiresContent(reason) => reason,
        };
        let (span, written) = (material.span, written.as_str());
        let name = &self.reference.materials.get(material.resolved.material).name;
        self.findings.error("content-required", || {
            let diagnostic = match entry {
                Entry::Supply => Diagnostic::error(
                    "content-required",
                    format!("`{written}` needs `content`, the fraction of the amount that is the material"),
                )
                .with_help(reason),
                Entry::Consumption => Diagnostic::error(
                    "content-required",
                    format!("`{written}` is of variable grade: its consumption cannot be counted as {name}"),
                )
                .with_help(format!("give the annual consumption of {name} it contains, under `{name}`")),
            };
            diagnostic.with_label(span, "of variable grade")
        });
        Err(())
    }

    /// The grade a line or entry counts at: declared, implied by the material name
    /// (`magnesium metal`), or neither; `None` (with an error recorded) where the two differ.
    fn line_grade(
        &mut self,
        material: &NamedMaterial<'r>,
        declared: Option<GradeId>,
        declared_span: Option<Span>,
    ) -> Option<Option<GradeId>> {
        let implied = match material.resolved.implied {
            Implied::Grade(grade) => Some(grade),
            _ => None,
        };
        match (declared, implied) {
            (Some(declared), Some(implied)) if declared != implied => {
                let span = declared_span.unwrap_or(material.span);
                let implied = &self.reference.materials.grade_by_id(implied).id;
                self.findings.error("grade-conflict", || {
                    Diagnostic::error(
                        "grade-conflict",
                        format!("the material name says {implied} grade, but `grade` says otherwise"),
                    )
                    .with_label(span, "conflicting grade")
                });
                None
            }
            _ => Some(declared.or(implied)),
        }
    }

    fn grade_assumed(&mut self, material: MaterialId, grade: GradeId, span: Span) {
        let materials = &self.reference.materials;
        let m = materials.get(material);
        self.findings.grouped("grade-assumed", &m.name, span, |span| {
            let grade = &materials.grade_by_id(grade).id;
            let entry = m.strategic.as_ref().map_or(&m.name, |listing| &listing.entry);
            Diagnostic::note("grade-assumed", format!("{} without a grade is taken as {grade} grade, and so as strategic", m.name))
                .with_label(span, "no grade given")
                .with_help(format!(
                    "Annex I lists \"{entry}\"; give `grade` on these lines to say otherwise (the stricter reading is applied until then)"
                ))
        });
    }

    /// Checks a consumption entry and adds it to its row. The key is read as a supply line's
    /// `material` is: a name for a traded form (`alumina`) counts as the material it
    /// contains, one for a grade (`magnesium metal`) as that grade.
    pub(super) fn consumption(&mut self, key: &Text<'de>, line: ConsumptionLine<'de>) -> Result<(), &'static str> {
        let amount_span = self.span(&line.amount);
        let key_span = self.at(key, amount_span);
        let declared = self.grade(line.grade.as_ref().map(|g| &g.value))?;
        let unit = self.unit(&line.unit.value)?;
        let Some(material) = self.material(key, key_span)? else { return Ok(()) };
        let Ok(form) = self.implied_form(&material, key, Entry::Consumption) else { return Ok(()) };
        let grade_span = line.grade.as_ref().map(|g| self.span(g));
        let Some(grade) = self.line_grade(&material, declared, grade_span) else { return Ok(()) };
        let Some(mass) = self.mass(&line.amount, unit, form, None)? else { return Ok(()) };
        let tier = self.reference.materials.standing(material.resolved.material, grade).tier;
        let row = self.ledger.row_mut(RowKey { material: material.resolved.material, tier }, key_span);
        match row.consumption {
            Some(first) => {
                let label = self.reference.materials.label(material.resolved.material, tier).to_owned();
                self.findings.error("duplicate-consumption", || {
                    Diagnostic::error("duplicate-consumption", format!("two consumption entries for {label}"))
                        .with_label(key_span, "second entry")
                        .with_label(first.span, "first entry")
                        .with_help("give one annual consumption per material (and grade)")
                });
            }
            None => row.consumption = Some(Consumption { mass, span: amount_span }),
        }
        Ok(())
    }

    /// Resolves a waiver whose format [`waiver_format`] has checked; `None` (with an error
    /// recorded) if it names an unknown material or country, or a day not in the calendar.
    fn waiver(&mut self, line: &WaiverLine<'de>) -> Result<Option<Waiver>, &'static str> {
        let stage = line.stage.as_ref().and_then(|stage| Stage::parse(stage.value.as_str()));
        let material = match &line.material {
            None => None,
            Some(name) => match self.material(&name.value, name.span(self.source))? {
                Some(material) => Some(material.resolved.material),
                None => return Ok(None),
            },
        };
        let country = match &line.country {
            None => None,
            Some(code) => match self.country(&code.value, code.span(self.source))? {
                Some(country) => Some(country),
                None => return Ok(None),
            },
        };
        let expires_text = line.expires.value.as_str();
        let expires_span = self.span(&line.expires);
        let Ok(expires) = expires_text.parse::<jiff::civil::Date>() else {
            let text = expires_text.to_owned();
            self.findings.error("invalid-date", || {
                Diagnostic::error("invalid-date", format!("`{text}` is not a date in the calendar"))
                    .with_label(expires_span, "no such day")
            });
            return Ok(None);
        };
        Ok(Some(Waiver {
            rule: line.rule.value.to_string(),
            span: self.span(&line.rule),
            material,
            stage,
            country,
            reason: line.reason.value.to_string(),
            expires,
            expires_span,
        }))
    }

    /// Resolves the waivers, completes the ledger and hands over the portfolio, or every
    /// error found.
    pub(super) fn finish(
        mut self,
        name: Option<String>,
        year: Option<(u16, Span)>,
        waiver_lines: &[WaiverLine<'de>],
    ) -> Result<Portfolio, Vec<Diagnostic>> {
        let mut waivers = Vec::new();
        for line in waiver_lines {
            // Its format was checked in the typed pass, so only errors of meaning remain, and
            // `waiver` records those itself.
            match self.waiver(line) {
                Ok(Some(waiver)) => waivers.push(waiver),
                Ok(None) => {}
                // Cannot happen (the format was checked); if it did, fail closed, visibly.
                Err(refused) => {
                    let span = self.span(&line.rule);
                    self.findings.error("schema", || {
                        Diagnostic::error("schema", format!("invalid waiver: {refused}"))
                            .with_label(span, "this waiver")
                    });
                }
            }
        }
        self.duplicate_ids();
        for row in self.ledger.rows() {
            if let Some(consumption) = row.consumption.filter(|c| row.supplied > c.mass) {
                let label = self.reference.materials.label(row.key.material, row.key.tier);
                self.findings.notes.push(
                    Diagnostic::note(
                        "consumption-exceeded",
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
        let (errors, mut notes) = self.findings.into_diagnostics();
        if !errors.is_empty() {
            return Err(errors);
        }
        let (year, year_span) = year.unwrap_or_default();
        if self.lines == 0 {
            notes.push(Diagnostic::warning(
                "empty-portfolio",
                "the portfolio has no supply lines: there is nothing to check",
            ));
        }
        Ok(Portfolio {
            source: self.source.clone(),
            name,
            year,
            year_span,
            ledger: self.ledger,
            waivers,
            notes,
            supply_lines: self.lines,
        })
    }
}

fn unknown_material(reference: &Reference, text: &str) -> Diagnostic {
    let diagnostic = Diagnostic::error("unknown-material", format!("unknown material `{text}`"));
    if let Some(form) = reference.forms.find(text) {
        let form = reference.forms.get(form);
        return diagnostic.with_help(format!(
            "`{text}` is a traded form: write the material it contains and the form, as in `\"material\": \"{}\", \"form\": \"{}\"`",
            form.element, form.id
        ));
    }
    match reference.materials.suggest(text) {
        Some(close) => diagnostic.with_help(format!("did you mean `{close}`?")),
        None => diagnostic.with_help(
            "write a raw material by name, alias or chemical symbol: `lithium`, `Li`, `cobalt`, `neodymium` …",
        ),
    }
}
