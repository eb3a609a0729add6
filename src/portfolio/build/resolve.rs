//! Resolving the values of a record: material names, grades, units, countries, forms and
//! amounts, each against the reference data, with its errors recorded where it is written.

use super::LedgerBuilder;
use crate::diagnostic::{Code, Diagnostic};
use crate::portfolio::record::{Field, Refused};
use crate::quantity::{Converter, Decimal, DecimalError, MAX_LINE_TONNES, Mass, format_number};
use crate::reference::{
    CountedAs, CountryId, CountryReading, Form, FormId, GradeClaim, GradeId, Implied, MaterialId, Reference, Resolved,
    Tier, UnitId, UnknownCountry, is_country_code,
};
use crate::source::Span;

/// Where a material name is written.
#[derive(Clone, Copy)]
pub(super) enum Entry {
    Supply,
    Consumption,
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
                self.problems.grouped(Code::UnknownMaterial, &text.to_lowercase(), span, |code, span| {
                    unknown_material(reference, code, text).with_label(span, "not a known material")
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
                let text = text.to_uppercase();
                self.problems.grouped(Code::UnknownCountry, &text, span, |code, span| {
                    let help = match unknown {
                        UnknownCountry::Reserved(help) => help.to_owned(),
                        UnknownCountry::Unknown(Some(country)) => {
                            format!("did you mean `{}` ({})?", country.code, country.name)
                        }
                        UnknownCountry::Unknown(None) => {
                            "write an ISO 3166-1 alpha-2 code, such as `CN` for China or `DE` for Germany".to_owned()
                        }
                    };
                    Diagnostic::new(code, format!("`{text}` is not an ISO 3166-1 country code"))
                        .with_label(span, "not a country code")
                        .with_help(help)
                });
                Ok(None)
            }
        }
    }

    /// An amount as contained mass, by `unit` and `form` (cached) or with a `content`;
    /// `None` (with an error recorded) if out of range.
    pub(super) fn mass(
        &mut self,
        amount: &Field<'de>,
        unit: UnitId,
        form: Option<FormId>,
        content: Option<Decimal>,
    ) -> Result<Option<Mass>, Refused> {
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
                    empty => empty.insert(Converter::new(factor().ok_or(Refused::at("factor overflow", amount))?)),
                };
                converter.convert(value)
            }
        };
        match mass {
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
            self.problems.grouped(Code::UnknownForm, &text.to_lowercase(), span, |code, span| {
                let suggestion = crate::suggest::did_you_mean(text, forms.names());
                let help = match suggestion {
                    Some(close) => format!("did you mean `{close}`? Where the form is not listed, give `content`, the fraction of the amount that is the material"),
                    None => "`crma-check forms` lists the traded forms; for others give `content`, the fraction of the amount that is the material".to_owned(),
                };
                Diagnostic::new(code, format!("unknown traded form `{text}`"))
                    .with_label(span, "not a known traded form")
                    .with_help(help)
            });
        }
        found
    }

    /// A note (one per form) where the form's formula is not what is traded: cobalt
    /// hydroxide is sold at 20–40% Co, not at the 63% of pure Co(OH)₂.
    pub(super) fn content_varies(&mut self, form: FormId, material: MaterialId, span: Span, entry: Entry) {
        let reference = self.reference;
        let form = reference.forms.get(form);
        let Some(varies) = &form.content_varies else { return };
        // Grouped per form and per kind of entry, whose help differs (made only once: this
        // runs for every line in the form).
        let consumption_key;
        let key = match entry {
            Entry::Supply => form.id.as_str(),
            Entry::Consumption => {
                consumption_key = format!("{} (consumption)", form.id);
                consumption_key.as_str()
            }
        };
        let help = || match entry {
            Entry::Supply => varies.clone(),
            Entry::Consumption => {
                let name = &reference.materials.get(material).name;
                format!("{varies} A consumption entry takes no `content`: give the {name} it contains, under `{name}`.")
            }
        };
        self.problems.grouped(Code::ContentVaries, key, span, |code, span| {
            let fraction = format!("{:.6} {}", form.fraction.to_f64(), form.element);
            Diagnostic::new(
                code,
                format!(
                    "`{}` is counted at {fraction}, as {}; the traded product's content varies",
                    form.id, form.name
                ),
            )
            .with_label(span, format!("taken as {fraction}"))
            .with_help(help())
        });
    }

    /// The traded form a material name stands for (`alumina`), if any; `Err` (with an error
    /// recorded) for a name of variable grade (`bauxite`), which a supply line must give a
    /// `content` for and a consumption entry cannot be written under.
    pub(super) fn implied_form(
        &mut self,
        material: &NamedMaterial<'r>,
        written: &Field<'de>,
        entry: Entry,
    ) -> Result<Option<FormId>, ()> {
        let reason = match material.resolved.implied {
            Implied::Form(form) => return Ok(Some(form)),
            Implied::Nothing | Implied::Grade(_) => return Ok(None),
            Implied::RequiresContent(reason) => reason,
        };
        let (span, written) = (material.span, written.as_str());
        let name = &self.reference.materials.get(material.resolved.material).name;
        self.problems.add(Code::ContentRequired, |code| {
            let diagnostic = match entry {
                Entry::Supply => Diagnostic::new(
                    code,
                    format!("`{written}` needs `content`, the fraction of the amount that is the material"),
                )
                .with_help(reason),
                Entry::Consumption => Diagnostic::new(
                    code,
                    format!("`{written}` is of variable grade: its consumption cannot be counted as {name}"),
                )
                .with_help(format!("give the annual consumption of {name} it contains, under `{name}`")),
            };
            diagnostic.with_label(span, "of variable grade")
        });
        Err(())
    }

    /// What is known of a line's or entry's grade: declared, implied by the material name
    /// (`magnesium metal`) or by the traded form (HPMSM is battery grade, titanium dioxide
    /// is never metal). `None` (with an error recorded) where two of them disagree.
    pub(super) fn line_grade(
        &mut self,
        material: &NamedMaterial<'r>,
        written: &Field<'de>,
        declared: Option<(GradeId, Span)>,
        form: Option<(FormId, Span)>,
    ) -> Option<GradeClaim> {
        let reference = self.reference;
        let (materials, forms) = (&reference.materials, &reference.forms);
        let phrase = |grade: GradeId| materials.grade_by_id(grade).phrase.as_str();
        let named = match material.resolved.implied {
            Implied::Grade(grade) => Some(grade),
            _ => None,
        };
        let by_form = form.and_then(|(id, span)| {
            let form = forms.get(id);
            form.grade.as_ref().map(|(claim, why)| (*claim, why.as_str(), form, span))
        });
        let claim_words = |claim: GradeClaim, always: &str, never: &str| match claim {
            GradeClaim::Is(grade) => format!("{always}{}", phrase(grade)),
            GradeClaim::Not(grade) => format!("{never}{}", phrase(grade)),
            GradeClaim::Unknown => String::new(),
        };
        if let (Some((declared, span)), Some(named)) = (declared, named)
            && declared != named
        {
            let written = written.as_str();
            self.problems.add(Code::GradeConflict, |code| {
                Diagnostic::new(
                    code,
                    format!(
                        "`{written}` is {}, but `grade` says `{}`",
                        phrase(named),
                        materials.grade_by_id(declared).id
                    ),
                )
                .with_label(span, "conflicting grade")
                .with_label(material.span, format!("{} by its name", phrase(named)))
                .with_help("make them agree: correct `grade`, or name the material without its grade")
            });
            return None;
        }
        if let (Some(named), Some((claim, why, form, span))) = (named, by_form)
            && !claim.allows(named)
        {
            let written = written.as_str();
            self.problems.add(Code::GradeConflict, |code| {
                Diagnostic::new(
                    code,
                    format!(
                        "`{written}` is {}, but the form `{}` is {}",
                        phrase(named),
                        form.id,
                        claim_words(claim, "", "not ")
                    ),
                )
                .with_label(span, claim_words(claim, "always ", "never "))
                .with_label(material.span, format!("{} by its name", phrase(named)))
                .with_help(why.to_owned())
            });
            return None;
        }
        if let (Some((declared, span)), Some((claim, why, form, form_span))) = (declared, by_form)
            && !claim.allows(declared)
        {
            // The same compound without a claim on the grade, if the data has one (MSM for HPMSM).
            let plain = forms
                .all()
                .find(|f| f.grade.is_none() && f.formula == form.formula && f.element == form.element)
                .map(|f| format!(", or write `{}`, the same compound of any grade", f.id));
            let m = materials.get(material.resolved.material);
            let listed = m.strategic.as_ref().or(m.critical.as_ref()).map_or(m.name.as_str(), |l| l.entry.as_str());
            let fix = match claim {
                GradeClaim::Not(_) => format!(
                    "Correct `grade`, or give `content` instead of the form if the supply is bought to be made into {listed}."
                ),
                _ => format!("Correct `grade`{}.", plain.unwrap_or_default()),
            };
            self.problems.add(Code::GradeConflict, |code| {
                Diagnostic::new(
                    code,
                    format!(
                        "the form `{}` is {}, but `grade` says `{}`",
                        form.id,
                        claim_words(claim, "", "not "),
                        materials.grade_by_id(declared).id
                    ),
                )
                .with_label(span, "conflicts with the form")
                .with_label(form_span, claim_words(claim, "always ", "never "))
                .with_help(format!("{why} {fix}"))
            });
            return None;
        }
        Some(match (declared.map(|(grade, _)| grade).or(named), by_form) {
            (Some(grade), _) => GradeClaim::Is(grade),
            (None, Some((claim, why, form, span))) => {
                if let GradeClaim::Not(_) = claim {
                    self.grade_from_form(material.resolved.material, claim, why, form, span);
                }
                claim
            }
            (None, None) => GradeClaim::Unknown,
        })
    }

    /// The material a line or entry counts as: the one named, or (a rare earth of Annex
    /// I(n) of another grade than magnet) its element's group, with a note; `None` (with an
    /// error recorded) where that group depends on an element the line does not name. A
    /// declared grade that changes nothing gets a note too: a grade is never ignored silently.
    pub(super) fn counted_material(
        &mut self,
        material: &NamedMaterial<'r>,
        written: &Field<'de>,
        claim: GradeClaim,
        declared: Option<(GradeId, Span)>,
        form: Option<FormId>,
    ) -> Option<MaterialId> {
        let reference = self.reference;
        let materials = &reference.materials;
        let named = material.resolved;
        if let Some((_, span)) = declared
            && !materials.counts_by_grade(named.material)
        {
            self.grade_no_effect(named.material, span);
        }
        let form_element = form.map(|f| reference.forms.get(f).element.as_str());
        let counted = materials.counted_as(named, claim, form_element);
        // Almost every line counts as named: the words below are for the others.
        if counted == CountedAs::Named {
            return Some(named.material);
        }
        let m = materials.get(named.material);
        // Only a strategic entry with a grade moves a line (see `counted_as`).
        let Some(strategic) = &m.strategic else { return Some(named.material) };
        let listed = strategic.grade.map(|g| materials.grade_by_id(g));
        let grade_words = match claim {
            GradeClaim::Is(grade) | GradeClaim::Not(grade) => materials.grade_by_id(grade).id.as_str(),
            GradeClaim::Unknown => "",
        };
        let span = declared.map_or(material.span, |(_, span)| span);
        match counted {
            CountedAs::Named => Some(named.material),
            CountedAs::Moved { to, element } => {
                let who = element.map_or(written.as_str(), |e| e.name.as_str());
                let tier = materials.standing(to, claim).tier;
                let to_label = materials.label(to, tier);
                let phrase = listed.map_or("", |g| g.phrase.as_str());
                let listed_id = listed.map_or("", |g| g.id.as_str());
                let annex = strategic.annex_i.as_deref().unwrap_or("?");
                let entry = &strategic.entry;
                self.problems.grouped(Code::NotForMagnets, &who.to_lowercase(), span, |code, span| {
                    Diagnostic::new(
                        code,
                        format!("{who} of grade `{grade_words}` is not {phrase}: counted as {to_label} ({}, not strategic)", tier.id()),
                    )
                    .with_label(span, format!("not {phrase}"))
                    .with_help(format!(
                        "Annex I({annex}) lists {who} among \"{entry}\"; of another grade it counts as {to_label}, which is {}, not strategic. If this supply is {phrase}, write `\"grade\": \"{listed_id}\"` or leave `grade` out.",
                        tier.id()
                    ))
                });
                Some(to)
            }
            CountedAs::ElementNeeded => {
                let written = written.as_str();
                let phrase = listed.map_or("", |g| g.phrase.as_str());
                // Which members count as what: "Nd, Pr, Sm and Ce count as light rare earth elements".
                let mut groups: Vec<(MaterialId, Vec<&str>)> = Vec::new();
                for member in &m.members {
                    let Some(to) = member.other_grades_as else { continue };
                    match groups.iter_mut().find(|(g, _)| *g == to) {
                        Some((_, symbols)) => symbols.push(&member.symbol),
                        None => groups.push((to, vec![&member.symbol])),
                    }
                }
                let groups: Vec<String> = groups
                    .iter()
                    .map(|(to, symbols)| {
                        format!("{} count as {}", and_list(symbols), materials.label(*to, Tier::Critical))
                    })
                    .collect();
                let example = match (m.members.first(), m.members.last()) {
                    (Some(first), Some(last)) => format!("`{}`, `{}` …", first.name, last.symbol),
                    _ => String::new(),
                };
                self.problems.add(Code::ElementNeeded, |code| {
                    Diagnostic::new(
                        code,
                        format!("`{written}` of grade `{grade_words}` is not {phrase}, and what it counts as depends on the element"),
                    )
                    .with_label(span, format!("not {phrase}"))
                    .with_label(material.span, "which element?")
                    .with_help(format!(
                        "Of a grade other than {phrase}, {}: name the element ({example}) or give a form of it, one line per element.",
                        groups.join(", and ")
                    ))
                });
                None
            }
        }
    }

    /// A note (one per material) that a declared grade changes nothing: no annex entry of
    /// the material names a grade.
    fn grade_no_effect(&mut self, material: MaterialId, span: Span) {
        let materials = &self.reference.materials;
        let m = materials.get(material);
        self.problems.grouped(Code::GradeNoEffect, &m.id, span, |code, span| {
            let why = if m.strategic.is_none() && m.critical.is_none() {
                format!("{} is on neither annex list", m.name)
            } else {
                format!("the annexes list {} at any grade", m.name)
            };
            // The materials a grade does decide, from the data: "lithium, … (`battery`), boron (`metallurgy`) …".
            let by_grade: Vec<String> = materials
                .grades()
                .filter_map(|grade| {
                    let names: Vec<&str> = materials
                        .all()
                        .filter(|(_, m)| {
                            m.strategic
                                .as_ref()
                                .and_then(|s| s.grade)
                                .is_some_and(|g| materials.grade_by_id(g).id == grade.id)
                        })
                        .map(|(_, m)| m.name.as_str())
                        .collect();
                    (!names.is_empty()).then(|| format!("{} (`{}`)", and_list(&names), grade.id))
                })
                .collect();
            Diagnostic::new(code, format!("`grade` has no effect on {}: {why}", m.name))
                .with_label(span, "declared here")
                .with_help(format!(
                    "Only {} are counted by grade.",
                    and_list(&by_grade.iter().map(String::as_str).collect::<Vec<_>>())
                ))
        });
    }

    /// A note (one per form) that a form which is never the listed grade moves its lines
    /// off the listed entry: titanium dioxide is not titanium metal, so out of scope.
    fn grade_from_form(&mut self, material: MaterialId, claim: GradeClaim, why: &str, form: &Form, span: Span) {
        let materials = &self.reference.materials;
        let m = materials.get(material);
        let GradeClaim::Not(grade) = claim else { return };
        let entry = m.strategic.as_ref().or(m.critical.as_ref()).map_or(m.name.as_str(), |l| l.entry.as_str());
        let counted = match materials.standing(material, claim).tier {
            Tier::OutOfScope => "out of scope, on neither annex list".to_owned(),
            tier => format!("{} ({}), not strategic", tier.id(), materials.label(material, tier)),
        };
        self.problems.grouped(Code::GradeFromForm, &form.id, span, |code, span| {
            Diagnostic::new(code, format!("{} as `{}` is not {entry}: {counted}", m.name, form.id))
                .with_label(span, format!("not {}", materials.grade_by_id(grade).phrase))
                .with_help(why.to_owned())
        });
    }

    pub(super) fn grade_assumed(&mut self, material: MaterialId, grade: GradeId, span: Span) {
        let materials = &self.reference.materials;
        let m = materials.get(material);
        self.problems.grouped(Code::GradeAssumed, &m.name, span, |code, span| {
            let phrase = &materials.grade_by_id(grade).phrase;
            let entry = m.strategic.as_ref().map_or(&m.name, |listing| &listing.entry);
            Diagnostic::new(code, format!("supplies of {} without a grade are taken as {phrase}, and so as strategic", m.name))
                .with_label(span, "no grade given")
                .with_help(format!(
                    "Annex I lists \"{entry}\"; give `grade` on these lines to say otherwise (the stricter reading is applied until then)"
                ))
        });
    }
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn unknown_material(reference: &Reference, code: Code, text: &str) -> Diagnostic {
    let diagnostic = Diagnostic::new(code, format!("unknown material `{text}`"));
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
