//! Reading a portfolio file: one typed, borrowing pass that adds supply lines to the ledger
//! as they stream by, and checks what they mean (materials, countries, forms, units).
//!
//! The pass stops at the first value the schema would refuse; the error path in
//! [`crate::json`] then reports every schema error of the file at once. Errors of meaning
//! (an unknown material, say) do not stop the pass: they are collected, grouped and capped,
//! so that a file with the same mistake on a million lines gets one readable diagnostic.

use std::fmt;
use std::sync::LazyLock;

use rustc_hash::FxHashMap;
use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use super::ledger::{Consumption, Ledger, LineRef, RowKey, Stage};
use super::{Portfolio, Waiver};
use crate::diagnostic::Diagnostic;
use crate::json::{self, Number, Schema, Spanned, Text, present};
use crate::quantity::{Decimal, DecimalError, Fraction, MAX_LINE_TONNES, Mass};
use crate::reference::{
    CountryId, CountryReading, FormId, GradeId, Implied, MaterialId, Reference, Resolved, UnitId, UnknownCountry,
};
use crate::source::{Source, Span};

/// The portfolio schema, embedded.
pub static PORTFOLIO_SCHEMA: LazyLock<Schema> = LazyLock::new(|| {
    Schema::new(
        include_str!("../../schemas/portfolio.schema.json"),
        &[("supplies", "supply line"), ("waivers", "waiver")],
        "a portfolio is a JSON object with at least `year` and `supplies`; `crma-check schema` prints the format",
        Some(schema_hint),
    )
});

/// The format version this build reads.
pub const FORMAT_VERSION: u64 = 1;

/// How many diagnostics of one kind are shown before the rest are only counted.
const SHOWN_PER_CODE: usize = 10;

/// How many places a grouped diagnostic labels.
const LABELLED_PLACES: usize = 3;

/// Reads and checks a portfolio. On failure, returns every error found (exit status 2).
pub fn load(source: &Source, reference: &Reference) -> Result<Portfolio, Vec<Diagnostic>> {
    let mut builder = Builder::new(source, reference);
    let mut deserializer = serde_json::Deserializer::from_str(source.text());
    let typed =
        deserializer.deserialize_map(PortfolioVisitor { builder: &mut builder }).and_then(|()| deserializer.end());
    match typed {
        Ok(()) => builder.finish(),
        Err(error) => Err(error_path(source, &error)),
    }
}

/// Every schema error of a file the typed pass refused.
fn error_path(source: &Source, error: &serde_json::Error) -> Vec<Diagnostic> {
    let problems = json::diagnose(source, &PORTFOLIO_SCHEMA, error);
    // A file of another format version is better told so alone: its other "errors" are
    // probably features of that version.
    if let Some(version) = problems.iter().find(|p| p.pointer == "/version") {
        let span = version.diagnostic.primary_span().unwrap_or_default();
        let written = source.slice(span);
        return vec![
            Diagnostic::error(
                "unsupported-version",
                format!("this file is format version {written}; crma-check reads format version {FORMAT_VERSION}"),
            )
            .with_label(span, "unsupported version")
            .with_help("check it with the crma-check release that reads this version, or write `\"version\": 1`"),
        ];
    }
    problems.into_iter().map(|p| p.diagnostic).collect()
}

/// Domain help for schema errors: known misspellings of units, country names for codes.
fn schema_hint(pointer: &str, value: &serde_json::Value) -> Option<String> {
    let reference = Reference::builtin();
    let text = value.as_str()?;
    let field = pointer.rsplit('/').next()?;
    match field {
        "unit" => reference.units.advice_for(text).map(str::to_owned),
        "extraction" | "processing" | "recycling" | "country" => match reference.countries.resolve(text) {
            Err(UnknownCountry::Unknown(Some(country))) => {
                Some(format!("write the ISO 3166-1 alpha-2 code: `{}` for {}", country.code, country.name))
            }
            _ => Some("write an ISO 3166-1 alpha-2 code, such as `CN` or `DE`".to_owned()),
        },
        _ => None,
    }
}

// ---- The shapes of the file, borrowed from its text -------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SupplyLine<'a> {
    #[serde(borrow, default, deserialize_with = "present")]
    id: Option<Spanned<'a, Text<'a>>>,
    #[serde(borrow)]
    material: Spanned<'a, Text<'a>>,
    #[serde(borrow, default, deserialize_with = "present")]
    grade: Option<Spanned<'a, Text<'a>>>,
    #[serde(borrow)]
    amount: Spanned<'a, Number<'a>>,
    #[serde(borrow)]
    unit: Spanned<'a, Text<'a>>,
    #[serde(borrow, default, deserialize_with = "present")]
    form: Option<Spanned<'a, Text<'a>>>,
    #[serde(borrow, default, deserialize_with = "present")]
    content: Option<Spanned<'a, Number<'a>>>,
    #[serde(borrow, default, deserialize_with = "present")]
    #[allow(dead_code, reason = "read to check its type; reports do not use it")]
    supplier: Option<Spanned<'a, Text<'a>>>,
    #[serde(borrow, default, deserialize_with = "present")]
    origin: Option<Origin<'a>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Origin<'a> {
    #[serde(borrow, default, deserialize_with = "present")]
    extraction: Option<Spanned<'a, Text<'a>>>,
    #[serde(borrow, default, deserialize_with = "present")]
    processing: Option<Spanned<'a, Text<'a>>>,
    #[serde(borrow, default, deserialize_with = "present")]
    recycling: Option<Spanned<'a, Text<'a>>>,
}

impl<'a> Origin<'a> {
    fn at(&self, stage: Stage) -> Option<&Spanned<'a, Text<'a>>> {
        match stage {
            Stage::Extraction => self.extraction.as_ref(),
            Stage::Processing => self.processing.as_ref(),
            Stage::Recycling => self.recycling.as_ref(),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConsumptionLine<'a> {
    #[serde(borrow)]
    amount: Spanned<'a, Number<'a>>,
    #[serde(borrow)]
    unit: Spanned<'a, Text<'a>>,
    #[serde(borrow, default, deserialize_with = "present")]
    grade: Option<Spanned<'a, Text<'a>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WaiverLine<'a> {
    #[serde(borrow)]
    rule: Spanned<'a, Text<'a>>,
    #[serde(borrow, default, deserialize_with = "present")]
    material: Option<Spanned<'a, Text<'a>>>,
    #[serde(borrow, default, deserialize_with = "present")]
    stage: Option<Spanned<'a, Text<'a>>>,
    #[serde(borrow, default, deserialize_with = "present")]
    country: Option<Spanned<'a, Text<'a>>>,
    #[serde(borrow)]
    reason: Spanned<'a, Text<'a>>,
    #[serde(borrow)]
    expires: Spanned<'a, Text<'a>>,
}

/// Why the typed pass stops: a value the schema refuses. The message is only shown if the
/// schema, asked again, finds nothing (which the tests rule out).
#[derive(Debug)]
struct Refused(String);

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn refuse<E: de::Error>(what: impl fmt::Display) -> E {
    E::custom(Refused(what.to_string()))
}

// ---- The top level ----------------------------------------------------------------------

const FIELDS: &[&str] = &["$schema", "version", "name", "year", "consumption", "supplies", "waivers"];

struct PortfolioVisitor<'b, 'de, 'r> {
    builder: &'b mut Builder<'de, 'r>,
}

impl<'de> Visitor<'de> for PortfolioVisitor<'_, 'de, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a portfolio object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let builder = self.builder;
        let mut seen = [false; FIELDS.len()];
        while let Some(key) = map.next_key::<Text<'de>>()? {
            let field = FIELDS
                .iter()
                .position(|f| *f == key.as_str())
                .ok_or_else(|| de::Error::unknown_field(key.as_str(), FIELDS))?;
            if std::mem::replace(&mut seen[field], true) {
                return Err(de::Error::duplicate_field(FIELDS[field]));
            }
            match FIELDS[field] {
                "$schema" => {
                    map.next_value::<Spanned<'de, Text<'de>>>()?;
                }
                "version" => {
                    let version = map.next_value::<Spanned<'de, Number<'de>>>()?;
                    let value = Decimal::parse(version.value.0).ok().and_then(Decimal::to_integer);
                    if value != Some(FORMAT_VERSION) {
                        return Err(refuse("unsupported version"));
                    }
                }
                "name" => builder.name = Some(map.next_value::<Spanned<'de, Text<'de>>>()?.value.0.into_owned()),
                "year" => {
                    let year = map.next_value::<Spanned<'de, Number<'de>>>()?;
                    let value = Decimal::parse(year.value.0).ok().and_then(Decimal::to_integer);
                    match value.filter(|y| (2000..=2100).contains(y)) {
                        Some(y) => builder.year = Some((y as u16, year.span(builder.source))),
                        None => return Err(refuse("year out of range")),
                    }
                }
                "consumption" => map.next_value_seed(ConsumptionSeed { builder: &mut *builder })?,
                "supplies" => map.next_value_seed(SuppliesSeed { builder: &mut *builder })?,
                "waivers" => {
                    let waivers: Vec<WaiverLine<'de>> = map.next_value()?;
                    for waiver in &waivers {
                        waiver_format(waiver).map_err(refuse)?;
                    }
                    builder.waivers = waivers;
                }
                _ => unreachable!("every field is matched"),
            }
        }
        for required in ["year", "supplies"] {
            if !seen[FIELDS.iter().position(|f| *f == required).unwrap_or_default()] {
                return Err(de::Error::missing_field(required));
            }
        }
        Ok(())
    }
}

struct SuppliesSeed<'b, 'de, 'r> {
    builder: &'b mut Builder<'de, 'r>,
}

impl<'de> DeserializeSeed<'de> for SuppliesSeed<'_, 'de, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for SuppliesSeed<'_, 'de, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of supply lines")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        // Each line is checked and added to the ledger, then dropped: nothing per line is kept.
        while let Some(line) = seq.next_element::<SupplyLine<'de>>()? {
            self.builder.supply(line).map_err(refuse)?;
        }
        Ok(())
    }
}

struct ConsumptionSeed<'b, 'de, 'r> {
    builder: &'b mut Builder<'de, 'r>,
}

impl<'de> DeserializeSeed<'de> for ConsumptionSeed<'_, 'de, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ConsumptionSeed<'_, 'de, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of consumption entries")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut keys = Vec::new();
        while let Some(key) = map.next_key::<Text<'de>>()? {
            if keys.contains(&key) {
                return Err(refuse("duplicate key"));
            }
            let entry = map.next_value::<ConsumptionLine<'de>>()?;
            self.builder.consumption(&key, entry).map_err(refuse)?;
            keys.push(key);
        }
        Ok(())
    }
}

// ---- Checking and adding what the lines mean --------------------------------------------

/// A diagnostic shown once for many places ("unknown material `lithum`" on 40 lines).
struct Grouped {
    diagnostic: Diagnostic,
    places: u32,
}

/// Everything wrong or noteworthy found while reading, grouped and capped.
#[derive(Default)]
struct Findings {
    errors: Vec<Diagnostic>,
    per_code: FxHashMap<&'static str, usize>,
    grouped: Vec<Grouped>,
    group_index: FxHashMap<(&'static str, String), usize>,
    notes: Vec<Diagnostic>,
}

impl Findings {
    fn error(&mut self, code: &'static str, diagnostic: impl FnOnce() -> Diagnostic) {
        let count = self.per_code.entry(code).or_default();
        *count += 1;
        if *count <= SHOWN_PER_CODE {
            self.errors.push(diagnostic());
        }
    }

    /// A diagnostic keyed by `key`, labelled at the first few places it occurs.
    fn grouped(&mut self, code: &'static str, key: String, span: Span, label: &str, make: impl FnOnce() -> Diagnostic) {
        let n = *self.group_index.entry((code, key)).or_insert_with(|| {
            self.grouped.push(Grouped { diagnostic: make(), places: 0 });
            self.grouped.len() - 1
        });
        let group = &mut self.grouped[n];
        group.places += 1;
        if group.diagnostic.labels.len() < LABELLED_PLACES {
            let text = if group.diagnostic.labels.is_empty() { label.to_owned() } else { String::new() };
            group.diagnostic.labels.push(crate::diagnostic::Label::new(span, text));
        }
    }

    /// All diagnostics, with "and N more" where some were only counted.
    fn into_diagnostics(self) -> (Vec<Diagnostic>, Vec<Diagnostic>) {
        let mut errors = self.errors;
        let mut notes = self.notes;
        for group in self.grouped {
            let mut diagnostic = group.diagnostic;
            let shown = diagnostic.labels.len() as u32;
            if group.places > shown
                && let Some(last) = diagnostic.labels.last_mut()
            {
                let more = group.places - shown;
                let sep = if last.text.is_empty() { "" } else { "; " };
                last.text = format!("{}{sep}and {more} more place{}", last.text, if more == 1 { "" } else { "s" });
            }
            match diagnostic.severity {
                crate::diagnostic::Severity::Error => errors.push(diagnostic),
                _ => notes.push(diagnostic),
            }
        }
        errors.sort_by_key(|d| d.primary_span().map(|s| s.start));
        notes.sort_by_key(|d| d.primary_span().map(|s| s.start));
        let mut hidden: Vec<_> = self.per_code.into_iter().filter(|(_, n)| *n > SHOWN_PER_CODE).collect();
        hidden.sort();
        for (code, count) in hidden {
            let more = count - SHOWN_PER_CODE;
            errors.push(Diagnostic::error(code, format!("and {more} more `{code}` errors like the ones above")));
        }
        (errors, notes)
    }
}

struct Builder<'de, 'r> {
    source: &'de Source,
    reference: &'r Reference,
    name: Option<String>,
    year: Option<(u16, Span)>,
    ledger: Ledger,
    lines: u32,
    waivers: Vec<WaiverLine<'de>>,
    ids: FxHashMap<Text<'de>, Span>,
    materials: FxHashMap<&'de str, Option<Resolved<'r>>>,
    forms: FxHashMap<&'de str, Option<FormId>>,
    findings: Findings,
}

/// A material name as read: what it resolved to and where it was written.
struct NamedMaterial<'r> {
    resolved: Resolved<'r>,
    span: Span,
}

impl<'de, 'r> Builder<'de, 'r> {
    fn new(source: &'de Source, reference: &'r Reference) -> Self {
        Builder {
            source,
            reference,
            name: None,
            year: None,
            ledger: Ledger::default(),
            lines: 0,
            waivers: Vec::new(),
            ids: FxHashMap::default(),
            materials: FxHashMap::default(),
            forms: FxHashMap::default(),
            findings: Findings::default(),
        }
    }

    fn span<T>(&self, value: &Spanned<'de, T>) -> Span {
        value.span(self.source)
    }

    /// Resolves a material name, reporting an unknown one (grouped by name).
    fn material(&mut self, name: &Spanned<'de, Text<'de>>) -> Result<Option<NamedMaterial<'r>>, &'static str> {
        let span = self.span(name);
        if name.value.as_str().is_empty() {
            return Err("empty material");
        }
        let materials = &self.reference.materials;
        let resolved = *self.materials.entry(name.raw).or_insert_with(|| materials.resolve(name.value.as_str()));
        match resolved {
            Some(resolved) => Ok(Some(NamedMaterial { resolved, span })),
            None => {
                let text = name.value.as_str().to_owned();
                let reference = self.reference;
                self.findings.grouped("unknown-material", text.to_lowercase(), span, "not a known material", || {
                    unknown_material(reference, &text)
                });
                Ok(None)
            }
        }
    }

    fn grade(&self, grade: &Option<Spanned<'de, Text<'de>>>) -> Result<Option<GradeId>, &'static str> {
        match grade {
            None => Ok(None),
            Some(grade) => self.reference.materials.grade(grade.value.as_str()).map(Some).ok_or("unknown grade"),
        }
    }

    fn unit(&self, unit: &Spanned<'de, Text<'de>>) -> Result<UnitId, &'static str> {
        self.reference.units.find(unit.value.as_str()).ok_or("unknown unit")
    }

    /// A country code at `stage`, resolved; `None` (with an error recorded) if unknown.
    fn country(&mut self, code: &Spanned<'de, Text<'de>>) -> Result<Option<CountryId>, &'static str> {
        let text = code.value.as_str();
        if !is_country_code(text) {
            return Err("not a two-letter code");
        }
        let span = self.span(code);
        match self.reference.countries.resolve(text) {
            Ok(CountryReading::Iso(id)) => Ok(Some(id)),
            Ok(CountryReading::Alias(alias)) => {
                let countries = &self.reference.countries;
                let means = countries.get(alias.means);
                let (written, note) = (alias.code.clone(), alias.note.clone());
                let label = format!("read as {} ({})", means.code, means.name);
                self.findings.grouped("country-alias", written.clone(), span, &label, || {
                    Diagnostic::note(
                        "country-alias",
                        format!("`{written}` is read as `{}`, {}", means.code, means.name),
                    )
                    .with_help(note)
                });
                Ok(Some(alias.means))
            }
            Err(unknown) => {
                let text = text.to_uppercase();
                let help = match unknown {
                    UnknownCountry::Reserved(help) => help.to_owned(),
                    UnknownCountry::Unknown(Some(country)) => {
                        format!("did you mean `{}` ({})?", country.code, country.name)
                    }
                    UnknownCountry::Unknown(None) => {
                        "write an ISO 3166-1 alpha-2 code, such as `CN` for China or `DE` for Germany".to_owned()
                    }
                };
                self.findings.grouped("unknown-country", text.clone(), span, "not a country code", || {
                    Diagnostic::error("unknown-country", format!("`{text}` is not an ISO 3166-1 country code"))
                        .with_help(help)
                });
                Ok(None)
            }
        }
    }

    /// An amount and its unit (and form or content) as contained mass; `None` (with an
    /// error recorded) if out of range.
    fn mass(
        &mut self,
        amount: &Spanned<'de, Number<'de>>,
        factor: Fraction,
        content: Option<Decimal>,
    ) -> Result<Option<Mass>, &'static str> {
        let span = self.span(amount);
        let value = match Decimal::parse(amount.value.0) {
            Ok(value) if !value.is_zero() => value,
            Ok(_) | Err(DecimalError::Negative | DecimalError::NotANumber | DecimalError::OutOfRange) => {
                return Err("amount not greater than 0");
            }
            Err(DecimalError::TooPrecise) => {
                self.findings.error("amount-range", || {
                    Diagnostic::error("amount-range", "an amount with more than 36 significant digits")
                        .with_label(span, "too many digits to add up exactly")
                        .with_help("round the amount: crma-check adds amounts exactly and will not round them silently")
                });
                return Ok(None);
            }
        };
        match Mass::from_amount(value, factor, content) {
            Some(mass) if !mass.is_zero() => Ok(Some(mass)),
            Some(_) => {
                self.findings.error("amount-range", || {
                    Diagnostic::error("amount-range", "an amount too small to count: less than a picogram")
                        .with_label(span, "rounds to zero")
                });
                Ok(None)
            }
            None => {
                self.findings.error("amount-range", || {
                    Diagnostic::error("amount-range", format!("an amount too large: more than {MAX_LINE_TONNES} t"))
                        .with_label(span, "out of range")
                        .with_help("check the unit: a single line above a million million tonnes is almost certainly a mistake")
                });
                Ok(None)
            }
        }
    }

    fn form(&mut self, form: &Spanned<'de, Text<'de>>) -> Option<FormId> {
        let forms = &self.reference.forms;
        let found = *self.forms.entry(form.raw).or_insert_with(|| forms.find(form.value.as_str()));
        if found.is_none() {
            let span = self.span(form);
            let text = form.value.as_str().to_owned();
            let suggestion = crate::reference::suggest::did_you_mean(&text, forms.names());
            self.findings.grouped("unknown-form", text.to_lowercase(), span, "not a known traded form", || {
                let help = match suggestion {
                    Some(close) => format!("did you mean `{close}`? Where the form is not listed, give `content`, the fraction of the amount that is the material"),
                    None => "`crma-check forms` lists the traded forms; for others give `content`, the fraction of the amount that is the material".to_owned(),
                };
                Diagnostic::error("unknown-form", format!("unknown traded form `{text}`")).with_help(help)
            });
        }
        found
    }

    fn supply(&mut self, line: SupplyLine<'de>) -> Result<(), &'static str> {
        let index = self.lines;
        self.lines += 1;
        let material = self.material(&line.material)?;
        let grade = self.grade(&line.grade)?;
        let unit = self.unit(&line.unit)?;
        let content = match &line.content {
            None => None,
            Some(content) => {
                let value = Decimal::parse(content.value.0).map_err(|_| "content not in (0, 1]")?;
                if value.is_zero() || value > Decimal::ONE {
                    return Err("content not in (0, 1]");
                }
                Some((value, self.span(content)))
            }
        };
        let mut origins: [Option<CountryId>; 3] = [None; 3];
        let mut unknown_country = false;
        if let Some(origin) = &line.origin {
            for stage in Stage::ALL {
                if let Some(code) = origin.at(stage) {
                    match self.country(code)? {
                        Some(country) => origins[stage as usize] = Some(country),
                        None => unknown_country = true,
                    }
                }
            }
        }
        if let Some(id) = &line.id {
            if id.value.as_str().is_empty() {
                return Err("empty id");
            }
            let span = self.span(id);
            if let Some(first) = self.ids.insert(id.value.clone(), span) {
                let text = id.value.to_string();
                self.findings.error("duplicate-id", || {
                    Diagnostic::error("duplicate-id", format!("supply id `{text}` is used twice"))
                        .with_label(span, "used again here")
                        .with_label(first, "first used here")
                        .with_help("ids must be unique within a file: messages and waivers refer to lines by them")
                });
            }
        }
        let Some(material) = material else { return Ok(()) };

        // The amount in contained material: unit, then form or content.
        let mut factor = self.reference.units.get(unit).tonnes;
        let mut form = line.form.as_ref().map(|f| (self.form(f), self.span(f)));
        if form.is_none() && content.is_none() {
            match material.resolved.implied {
                Implied::Form(name) => form = Some((self.reference.forms.find(name), material.span)),
                Implied::RequiresContent(reason) => {
                    let (span, reason) = (material.span, reason.to_owned());
                    let name = line.material.value.to_string();
                    self.findings.error("content-required", || {
                        Diagnostic::error(
                            "content-required",
                            format!("`{name}` needs `content`, the fraction of the amount that is the material"),
                        )
                        .with_label(span, "of variable grade")
                        .with_help(reason)
                    });
                    return Ok(());
                }
                Implied::Nothing | Implied::Grade(_) => {}
            }
        }
        match (form, content) {
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
                factor = factor.checked_mul(self.reference.forms.get(form).fraction).ok_or("factor overflow")?;
            }
            (None, Some(_)) | (None, None) => {}
        }
        let Some(mass) = self.mass(&line.amount, factor, content.map(|(c, _)| c))? else { return Ok(()) };
        if unknown_country {
            return Ok(());
        }

        // The grade: declared, implied by the name (`magnesium metal`), or neither.
        let implied_grade = match material.resolved.implied {
            Implied::Grade(grade) => Some(grade),
            _ => None,
        };
        if let (Some(declared), Some(implied)) = (grade, implied_grade)
            && declared != implied
        {
            let span = line.grade.as_ref().map_or(material.span, |g| self.span(g));
            let implied = self.reference.materials.grade_by_id(implied).id.clone();
            self.findings.error("grade-conflict", || {
                Diagnostic::error(
                    "grade-conflict",
                    format!("the material name says {implied} grade, but `grade` says otherwise"),
                )
                .with_label(span, "conflicting grade")
            });
            return Ok(());
        }
        let standing = self.reference.materials.standing(material.resolved.material, grade.or(implied_grade));
        if let Some(assumed) = standing.grade_assumed {
            self.grade_assumed(material.resolved.material, assumed, material.span);
        }

        let key = RowKey { material: material.resolved.material, tier: standing.tier };
        let evidence = |at: Span| LineRef {
            mass,
            index,
            at,
            id: line.id.as_ref().map(|id| id.span(self.source)),
            amount: line.amount.span(self.source),
            unit,
            form: form.and_then(|(f, _)| f),
            content: content.map(|(_, span)| span),
        };
        let secondary = origins[Stage::Recycling as usize].is_some();
        let row = self.ledger.row_mut(key, material.span);
        row.supplied = row.supplied.checked_add(mass).ok_or("portfolio total out of range")?;
        if secondary {
            row.secondary += mass;
        }
        row.lines += 1;
        for stage in Stage::ALL {
            let expected = if secondary { stage == Stage::Recycling } else { stage != Stage::Recycling };
            match (origins[stage as usize], line.origin.as_ref().and_then(|o| o.at(stage))) {
                (Some(country), Some(code)) => {
                    row.stage_mut(stage).country_mut(country).add(evidence(code.span(self.source)))
                }
                _ if expected => row.stage_mut(stage).unknown.add(evidence(material.span)),
                _ => {}
            }
        }
        Ok(())
    }

    fn grade_assumed(&mut self, material: MaterialId, grade: GradeId, span: Span) {
        let materials = &self.reference.materials;
        let m = materials.get(material);
        let grade = materials.grade_by_id(grade).id.clone();
        let entry = m.strategic.as_ref().map_or(m.name.clone(), |l| l.entry.clone());
        let name = m.name.clone();
        self.findings.grouped("grade-assumed", name.clone(), span, "no grade given", || {
            Diagnostic::note("grade-assumed", format!("{name} without a grade is taken as {grade} grade, and so as strategic"))
                .with_help(format!(
                    "Annex I lists \"{entry}\"; give `grade` on these lines to say otherwise (the stricter reading is applied until then)"
                ))
        });
    }

    fn consumption(&mut self, key: &Text<'de>, line: ConsumptionLine<'de>) -> Result<(), &'static str> {
        let key_span = self.source.span_of(key.as_str()).unwrap_or_else(|| self.span(&line.amount));
        let grade = self.grade(&line.grade)?;
        let unit = self.unit(&line.unit)?;
        let material = match self.reference.materials.resolve(key.as_str()) {
            Some(resolved) => resolved,
            None => {
                if key.as_str().is_empty() {
                    return Err("empty material");
                }
                let reference = self.reference;
                let text = key.to_string();
                self.findings.grouped(
                    "unknown-material",
                    text.to_lowercase(),
                    key_span,
                    "not a known material",
                    || unknown_material(reference, &text),
                );
                return Ok(());
            }
        };
        let factor = self.reference.units.get(unit).tonnes;
        let Some(mass) = self.mass(&line.amount, factor, None)? else { return Ok(()) };
        let implied = match material.implied {
            Implied::Grade(grade) => Some(grade),
            _ => None,
        };
        let tier = self.reference.materials.standing(material.material, grade.or(implied)).tier;
        let amount_span = self.span(&line.amount);
        let row = self.ledger.row_mut(RowKey { material: material.material, tier }, key_span);
        match row.consumption {
            Some(first) => {
                let label = self.reference.materials.label(material.material, tier).to_owned();
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
            Some(name) => match self.material(name)? {
                Some(material) => Some(material.resolved.material),
                None => return Ok(None),
            },
        };
        let country = match &line.country {
            None => None,
            Some(code) => match self.country(code)? {
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

    fn finish(mut self) -> Result<Portfolio, Vec<Diagnostic>> {
        let lines = std::mem::take(&mut self.waivers);
        let mut waivers = Vec::new();
        for line in &lines {
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
        self.ledger.finish();
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
        let (year, year_span) = self.year.unwrap_or_default();
        if self.lines == 0 {
            notes.push(Diagnostic::warning(
                "empty-portfolio",
                "the portfolio has no supply lines: there is nothing to check",
            ));
        }
        Ok(Portfolio {
            source: self.source.clone(),
            name: self.name,
            year,
            year_span,
            ledger: self.ledger,
            waivers,
            notes,
            supply_lines: self.lines,
        })
    }
}

/// What the schema says of a waiver that serde's types do not: non-empty strings, a known
/// stage, a two-letter country, a date written YYYY-MM-DD.
fn waiver_format(line: &WaiverLine<'_>) -> Result<(), &'static str> {
    if line.rule.value.as_str().is_empty()
        || line.reason.value.as_str().is_empty()
        || line.material.as_ref().is_some_and(|m| m.value.as_str().is_empty())
    {
        return Err("empty string");
    }
    if line.stage.as_ref().is_some_and(|stage| Stage::parse(stage.value.as_str()).is_none()) {
        return Err("unknown stage");
    }
    if line.country.as_ref().is_some_and(|c| !is_country_code(c.value.as_str())) {
        return Err("not a two-letter code");
    }
    let date = line.expires.value.as_str();
    let well_formed = date.len() == 10
        && date.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
    if !well_formed {
        return Err("expires is not YYYY-MM-DD");
    }
    Ok(())
}

/// The schema's pattern for country codes: two ASCII letters.
fn is_country_code(text: &str) -> bool {
    text.len() == 2 && text.bytes().all(|b| b.is_ascii_alphabetic())
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
