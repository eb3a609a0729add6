//! Grades: what is known of a line's grade (declared, implied by the material's name or by
//! its traded form), and the material the line counts as, with the notes and errors of each.

use super::LedgerBuilder;
use super::resolve::NamedMaterial;
use crate::diagnostic::{Code, Diagnostic};
use crate::portfolio::record::Field;
use crate::reference::{CountedAs, Form, FormId, GradeClaim, GradeId, Implied, MaterialId, Tier};
use crate::source::Span;
use crate::text::and_list;

impl<'de, 'r> LedgerBuilder<'de, 'r> {
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
                if let GradeClaim::Not(grade) = claim {
                    self.grade_from_form(material.resolved.material, grade, why, form, span);
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
            GradeClaim::Is(grade) => format!("of grade `{}`", materials.grade_by_id(grade).id),
            GradeClaim::Not(grade) => format!("not of grade `{}`", materials.grade_by_id(grade).id),
            GradeClaim::Unknown => String::new(),
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
                        format!("{who} {grade_words} is not {phrase}: counted as {to_label} ({}, not strategic)", tier.id()),
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
                        format!("`{written}` {grade_words} is not {phrase}, and what it counts as depends on the element"),
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
    fn grade_from_form(&mut self, material: MaterialId, grade: GradeId, why: &str, form: &Form, span: Span) {
        let materials = &self.reference.materials;
        let m = materials.get(material);
        let entry = m.strategic.as_ref().or(m.critical.as_ref()).map_or(m.name.as_str(), |l| l.entry.as_str());
        let counted = match materials.standing(material, GradeClaim::Not(grade)).tier {
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
