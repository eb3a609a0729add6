//! Resolving the values of a record: material names, grades, units, countries, forms and
//! amounts, each against the reference data, with its errors recorded where it is written.

use super::LedgerBuilder;
use crate::diagnostic::{Code, Diagnostic, Suggestion};
use crate::portfolio::record::{Field, Refused};
use crate::quantity::{Converter, Decimal, DecimalError, LineMass, MAX_LINE_TONNES, content_picograms, format_number};
use crate::reference::{
    CountryId, CountryReading, FormId, GradeId, Implied, Reference, Resolved, UnitId, UnknownCountry, is_country_code,
};
use crate::source::Span;

/// The kind of record a value is written in.
#[derive(Clone, Copy)]
pub(super) enum Entry {
    Supply,
    Consumption,
    Stock,
}

impl Entry {
    /// One of them, in words ("a supply line").
    pub(super) fn words(self) -> &'static str {
        match self {
            Entry::Supply => "a supply line",
            Entry::Consumption => "a consumption entry",
            Entry::Stock => "a stock entry",
        }
    }

    /// One of them, pointed at ("this line").
    pub(super) fn this(self) -> &'static str {
        match self {
            Entry::Supply => "this line",
            Entry::Consumption | Entry::Stock => "this entry",
        }
    }
}

/// A material name as read: what it resolved to and where it was written.
pub(super) struct NamedMaterial<'r> {
    pub(super) resolved: Resolved<'r>,
    pub(super) span: Span,
}

impl<'de, 'r> LedgerBuilder<'de, 'r> {
    /// Resolves a material name, reporting an unknown one (grouped by name).
    pub(super) fn material(&mut self, name: &Field<'de>, span: Span) -> Result<Option<NamedMaterial<'r>>, Refused> {
        if name.as_str().is_empty() {
            return Err(Refused::at("empty material", name));
        }
        let materials = &self.reference.materials;
        let resolved = match name.borrowed_text() {
            Some(text) => *self.materials.entry(text).or_insert_with(|| materials.resolve(text)),
            None => materials.resolve(name.as_str()),
        };
        match resolved {
            Some(resolved) => Ok(Some(NamedMaterial { resolved, span })),
            None => {
                let text = name.as_str();
                let reference = self.reference;
                if let Some(ambiguous) = materials.ambiguity(text) {
                    self.problems.grouped(Code::AmbiguousMaterial, &text.to_lowercase(), span, |code, span| {
                        let covers = materials.describe_ambiguity(ambiguous);
                        Diagnostic::new(code, format!("`{text}` covers several annex entries: {covers}"))
                            .with_label(span, "several annex entries")
                            .with_help(ambiguous.help.clone())
                    });
                    return Ok(None);
                }
                // A fix can replace the name only where it is written as read (no escapes).
                let own_span = name.span == Some(span);
                self.problems.grouped(Code::UnknownMaterial, &text.to_lowercase(), span, |code, span| {
                    unknown_material(reference, code, text, own_span.then_some(span))
                        .with_label(span, "not a known material")
                });
                Ok(None)
            }
        }
    }

    pub(super) fn grade(&self, grade: Option<&Field<'de>>) -> Result<Option<GradeId>, Refused> {
        match grade {
            None => Ok(None),
            Some(grade) => {
                self.reference.materials.grade(grade.as_str()).map(Some).ok_or(Refused::at("unknown grade", grade))
            }
        }
    }

    pub(super) fn unit(&self, unit: &Field<'de>) -> Result<UnitId, Refused> {
        self.reference.units.find(unit.as_str()).ok_or(Refused::at("unknown unit", unit))
    }

    /// A country code, resolved; `None` (with an error recorded) if unknown.
    pub(super) fn country(&mut self, code: &Field<'de>, span: Span) -> Result<Option<CountryId>, Refused> {
        let text = code.as_str();
        match self.reference.countries.resolve(text) {
            Ok(CountryReading::Iso(id)) => {
                let country = self.reference.countries.get(id);
                if let Some(note) = &country.note {
                    self.problems.grouped(Code::UserAssignedCountry, &country.code, span, |code, span| {
                        Diagnostic::new(
                            code,
                            format!("`{}` is read as {}, a user-assigned code", country.code, country.name),
                        )
                        .with_label(span, format!("{} ({})", country.name, country.code))
                        .with_help(note.clone())
                    });
                }
                Ok(Some(id))
            }
            Ok(CountryReading::Alias(alias)) => {
                let means = self.reference.countries.get(alias.means);
                self.problems.grouped(Code::CountryAlias, &alias.code, span, |code, span| {
                    Diagnostic::new(code, format!("`{}` is read as `{}`, {}", alias.code, means.code, means.name))
                        .with_label(span, format!("read as {} ({})", means.code, means.name))
                        .with_help(alias.note.clone())
                });
                Ok(Some(alias.means))
            }
            Err(_) if !is_country_code(text) => Err(Refused::at("not a two-letter code", code)),
            Err(unknown) => {
                let own_span = code.span == Some(span);
                let text = text.to_uppercase();
                self.problems.grouped(Code::UnknownCountry, &text, span, |code, span| {
                    let (help, fix) = match unknown {
                        UnknownCountry::Reserved(help) => (help.to_owned(), None),
                        UnknownCountry::Unknown(Some(country)) => {
                            (format!("did you mean `{}` ({})?", country.code, country.name), Some(&country.code))
                        }
                        UnknownCountry::Unknown(None) => (
                            "write an ISO 3166-1 alpha-2 code, such as `CN` for China or `DE` for Germany".to_owned(),
                            None,
                        ),
                    };
                    let diagnostic = Diagnostic::new(code, format!("`{text}` is not an ISO 3166-1 country code"))
                        .with_label(span, "not a country code")
                        .with_help(help);
                    match fix.filter(|_| own_span) {
                        Some(fix) => diagnostic.with_suggestion(Suggestion::json_string(span, fix)),
                        None => diagnostic,
                    }
                });
                Ok(None)
            }
        }
    }

    /// An amount as contained mass: picograms of product by `unit` (and `content`), exactly
    /// for up to 18 decimals in tonnes, in `form`; `None` (with an error recorded) if out of
    /// range.
    pub(super) fn mass(
        &mut self,
        amount: &Field<'de>,
        unit: UnitId,
        form: Option<FormId>,
        content: Option<Decimal>,
    ) -> Result<Option<LineMass>, Refused> {
        let span = amount.span.unwrap_or_default();
        let value = match Decimal::parse(amount.as_str()) {
            Ok(value) if !value.is_zero() => value,
            // The schema refuses these.
            Ok(_) | Err(DecimalError::Negative | DecimalError::NotANumber) => {
                return Err(Refused::at("amount not greater than 0", amount));
            }
            Err(DecimalError::TooPrecise) => {
                self.too_precise("an amount", span);
                return Ok(None);
            }
            Err(DecimalError::OutOfRange) => {
                self.problems.add(Code::AmountRange, |code| {
                    Diagnostic::new(code, "an amount out of range").with_label(span, "exponent out of range").with_help(
                        "write the amount in a unit that keeps it between a picogram and a million million tonnes",
                    )
                });
                return Ok(None);
            }
        };
        let by_unit = self.reference.units.get(unit).tonnes;
        let product = match content {
            Some(content) => content_picograms(value, by_unit, content),
            None => {
                let slot = usize::from(unit.0);
                if self.converters.len() <= slot {
                    self.converters.resize(slot + 1, None);
                }
                self.converters[slot].get_or_insert_with(|| Converter::new(by_unit)).convert(value)
            }
        };
        let fraction = form.map(|f| self.reference.forms.get(f).fraction);
        match product.and_then(|product| LineMass::new(product, fraction)) {
            Some(mass) if !mass.is_zero() => Ok(Some(mass)),
            Some(_) => {
                self.problems.add(Code::AmountRange, |code| {
                    Diagnostic::new(code, "an amount too small to count: less than a picogram")
                        .with_label(span, "rounds to zero")
                });
                Ok(None)
            }
            None => {
                let limit = format_number(MAX_LINE_TONNES as f64);
                self.problems.add(Code::AmountRange, |code| {
                    Diagnostic::new(code, format!("an amount too large: more than {limit} t"))
                        .with_label(span, "out of range")
                        .with_help("check the unit: a single line above a million million tonnes is almost certainly a mistake")
                });
                Ok(None)
            }
        }
    }

    pub(super) fn too_precise(&mut self, what: &'static str, span: Span) {
        self.problems.add(Code::AmountRange, |code| {
            Diagnostic::new(code, format!("{what} with more than 36 significant digits"))
                .with_label(span, "too many digits to count exactly")
                .with_help("round it: crma-check counts amounts exactly and will not round them silently")
        });
    }

    /// A traded form; `None` (with an error recorded) if unknown.
    pub(super) fn form(&mut self, form: &Field<'de>, span: Span) -> Option<FormId> {
        let forms = &self.reference.forms;
        let found = match form.borrowed_text() {
            Some(text) => *self.forms.entry(text).or_insert_with(|| forms.find(text)),
            None => forms.find(form.as_str()),
        };
        if found.is_none() {
            let text = form.as_str();
            let own_span = form.span == Some(span);
            self.problems.grouped(Code::UnknownForm, &text.to_lowercase(), span, |code, span| {
                let suggestion = crate::suggest::did_you_mean(text, forms.names());
                let help = match suggestion {
                    Some(close) => format!("did you mean `{close}`? Where the form is not listed, give `content`, the fraction of the amount that is the material"),
                    None => "`crma-check forms` lists the traded forms; for others give `content`, the fraction of the amount that is the material".to_owned(),
                };
                let diagnostic = Diagnostic::new(code, format!("unknown traded form `{text}`"))
                    .with_label(span, "not a known traded form")
                    .with_help(help);
                match suggestion.filter(|_| own_span) {
                    Some(close) => diagnostic.with_suggestion(Suggestion::json_string(span, close)),
                    None => diagnostic,
                }
            });
        }
        found
    }

    /// A note (one per form) where the form's formula is not what is traded: cobalt
    /// hydroxide is sold at 20–40% Co, not at the 63% of pure Co(OH)₂.
    pub(super) fn content_varies(&mut self, form: FormId, span: Span) {
        let form = self.reference.forms.get(form);
        let Some(varies) = &form.content_varies else { return };
        self.problems.grouped(Code::ContentVaries, form.id.as_str(), span, |code, span| {
            let fraction = format!("{:.6} {}", form.fraction.to_f64(), form.element);
            Diagnostic::new(
                code,
                format!(
                    "`{}` is counted at {fraction}, as {}; the traded product's content varies",
                    form.id, form.name
                ),
            )
            .with_label(span, format!("taken as {fraction}"))
            .with_help(varies.clone())
        });
    }

    /// The traded form a material name stands for (`alumina`), if any; `Err` (with an error
    /// recorded) for a name of variable grade (`bauxite`), which needs a `content`.
    pub(super) fn implied_form(
        &mut self,
        material: &NamedMaterial<'r>,
        written: &Field<'de>,
    ) -> Result<Option<FormId>, ()> {
        let reason = match material.resolved.implied {
            Implied::Form(form) => return Ok(Some(form)),
            Implied::Nothing | Implied::Grade(_) => return Ok(None),
            Implied::RequiresContent(reason) => reason,
        };
        let (span, written) = (material.span, written.as_str());
        self.problems.add(Code::ContentRequired, |code| {
            Diagnostic::new(
                code,
                format!("`{written}` needs `content`, the fraction of the amount that is the material"),
            )
            .with_label(span, "of variable grade")
            .with_help(reason)
        });
        Err(())
    }
}

/// The error for an unknown material name; `fix_at` is where a suggested name may replace it.
fn unknown_material(reference: &Reference, code: Code, text: &str, fix_at: Option<Span>) -> Diagnostic {
    let diagnostic = Diagnostic::new(code, format!("unknown material `{text}`"));
    if let Some(form) = reference.forms.find(text) {
        let form = reference.forms.get(form);
        return diagnostic.with_help(format!(
            "`{text}` is a traded form: write the material it contains and the form, as in `\"material\": \"{}\", \"form\": \"{}\"`",
            form.element, form.id
        ));
    }
    match reference.materials.suggest(text) {
        Some(close) => {
            let diagnostic = diagnostic.with_help(format!("did you mean `{close}`?"));
            match fix_at {
                Some(span) => diagnostic.with_suggestion(Suggestion::json_string(span, close)),
                None => diagnostic,
            }
        }
        None => diagnostic.with_help(
            "write a raw material by name, alias or chemical symbol: `lithium`, `Li`, `cobalt`, `neodymium` …",
        ),
    }
}
