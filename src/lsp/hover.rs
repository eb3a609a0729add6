//! Hover: what a value means to the Act. A material's place in the annexes and its grade
//! limits; a country's place with the EU (member state, outermost region, OCT, strategic
//! partner); a supply line's contained tonnes and its share of its material at each stage.
//!
//! The facts come from the library (the reference data, and `Checker::line_facts` for the
//! arithmetic); this module only words them, in Markdown.

use lsp_types::{Hover, HoverContents, MarkupContent, MarkupKind, Position};

use crma_check::model::{LineFacts, LineOrigin};
use crma_check::reference::{CountryReading, Implied, Listing, Reference, Tier};
use crma_check::source::Source;
use crma_check::{Basis, Checker};

use super::documents::{Document, Kind};
use super::syntax::{self, Role};

/// The group of countries that is the EU in the reference data, as rule files name it.
const EU: &str = "EU";

/// What a hover at `position` shows, if anything.
pub fn hover(document: &Document, checker: Option<&Checker>, position: Position) -> Option<Hover> {
    let offset = document.offset(position);
    let spot = syntax::spot(&document.text, offset);
    let token = spot.token.clone()?;
    let text = &document.text[token.content.clone()];
    let reference = Reference::builtin();
    let markdown = match (document.kind, spot.place().as_slice(), spot.role) {
        (Kind::Portfolio, ["supplies" | "waivers", "*", "material"], Role::Value)
        | (Kind::Portfolio, ["consumption" | "stocks"], Role::Key)
        | (Kind::Rules, ["rules", "*", "materials", "*"], Role::Value) => material(reference, text)?,
        (Kind::Portfolio, ["supplies", "*", "origin", _] | ["waivers", "*", "country"], Role::Value) => {
            country(reference, text)?
        }
        (Kind::Rules, ["rules", "*", "origins", _, "*"], Role::Value) => {
            group(reference, text).or_else(|| country(reference, text))?
        }
        (Kind::Portfolio, ["supplies", "*", "amount" | "unit" | "form" | "content"], Role::Value) => {
            let checker = checker?;
            let (text, shift) = document.content();
            let facts = checker.line_facts(&Source::new("", text), offset.checked_sub(shift)?)?;
            line(reference, &facts)
        }
        _ => return None,
    };
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent { kind: MarkupKind::Markdown, value: markdown }),
        range: Some(document.range(token.range)),
    })
}

/// Text from the document or the data, safe in Markdown (outside code spans): nothing in
/// it can make a link, an HTML tag, emphasis, code or a table cell.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\`*_[]<>|&#".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A material: its name and symbol, each annex listing with its grade limit, and its note.
fn material(reference: &Reference, written: &str) -> Option<String> {
    let materials = &reference.materials;
    let resolved = materials.resolve(written)?;
    let m = materials.get(resolved.material);
    let symbol = |s: Option<&str>| s.map(|s| format!(" ({})", escape(s))).unwrap_or_default();
    let mut lines = vec![match resolved.member {
        Some(member) => format!(
            "**{}**{}: one of the **{}**{}",
            escape(&member.name),
            symbol(Some(&member.symbol)),
            escape(&m.name),
            symbol(m.element.as_deref())
        ),
        None => format!("**{}**{}", escape(&m.name), symbol(m.element.as_deref())),
    }];
    match resolved.implied {
        Implied::Nothing => {}
        Implied::Grade(grade) => lines.push(format!(
            "\u{201c}{}\u{201d} means {} grade.",
            escape(written),
            escape(&materials.grade_by_id(grade).id)
        )),
        Implied::Form(form) => {
            let form = reference.forms.get(form);
            lines.push(format!(
                "\u{201c}{}\u{201d} is a traded form: the amount is of {} ({}), counted as contained {}.",
                escape(written),
                escape(&form.name),
                escape(&form.formula),
                escape(&m.name)
            ));
        }
        Implied::RequiresContent(reason) => lines.push(format!("{}.", escape(reason.trim_end_matches('.')))),
    }
    let listing = |tier: &str, annex: &str, listing: &Listing| {
        let point = listing.annex_i.as_deref().map(|p| format!(", point ({p})")).unwrap_or_default();
        let grade = listing
            .grade
            .map(|g| format!(" Only {} grade is listed here.", escape(&materials.grade_by_id(g).id)))
            .unwrap_or_default();
        format!("- **{tier}** raw material: Annex {annex}{point}, \u{201c}{}\u{201d}.{grade}", escape(&listing.entry))
    };
    match (&m.strategic, &m.critical) {
        (None, None) => lines.push(
            "- Not in the annexes of the CRMA: **out of scope** (shown in the share table, never checked).".to_owned(),
        ),
        (strategic, critical) => {
            if let Some(strategic) = strategic {
                lines.push(listing("Strategic", "I", strategic));
                if strategic.grade.is_some() {
                    lines.push(
                        "  A supply without a `grade` is taken as strategic (the stricter reading), with a note."
                            .to_owned(),
                    );
                }
            }
            if let Some(critical) = critical {
                lines.push(listing("Critical", "II", critical));
            }
        }
    }
    if !m.members.is_empty() {
        let members: Vec<String> = m.members.iter().map(|e| format!("{} ({})", e.name, e.symbol)).collect();
        lines.push(format!("\nElements: {}.", escape(&members.join(", "))));
    }
    if let Some(note) = &m.note {
        lines.push(format!("\n{}", escape(note)));
    }
    Some(lines.join("\n"))
}

/// A country (or a code read as one): its name, and where it stands with the EU and the
/// other groups of countries.
fn country(reference: &Reference, written: &str) -> Option<String> {
    let countries = &reference.countries;
    let reading = countries.resolve(written).ok()?;
    let id = reading.country();
    let c = countries.get(id);
    let mut lines = Vec::new();
    if let CountryReading::Alias(alias) = reading {
        lines.push(format!(
            "{} is read as **{}**, {}: {}",
            escape(&alias.code),
            escape(&c.code),
            escape(&c.name),
            escape(&alias.note)
        ));
    } else {
        lines.push(format!("**{}**: {}", escape(&c.code), escape(&c.name)));
    }
    let eu = countries.group(EU).map(|g| countries.group_by_id(g));
    match eu {
        Some(eu) if eu.contains(id) => match eu.territory(id) {
            Some(territory) => lines.push(format!(
                "- In the EU: {} (counted with {}).",
                escape(territory.note.trim_end_matches('.')),
                escape(&countries.get(territory.part_of).name)
            )),
            None => lines.push("- An **EU member state**.".to_owned()),
        },
        Some(_) => lines.push("- **Not in the EU**: a third country for the CRMA benchmarks.".to_owned()),
        None => {}
    }
    for group in countries.groups().filter(|g| g.id != EU && g.contains(id)) {
        lines.push(format!("- One of the {} (`{}` in rule files).", escape(&group.name), group.id));
    }
    Some(lines.join("\n"))
}

/// A group of countries as rule files name it (`EU`, `OCT`, `partners`).
fn group(reference: &Reference, written: &str) -> Option<String> {
    let countries = &reference.countries;
    let group = countries.group_by_id(countries.group(written)?);
    let members: Vec<&str> =
        countries.all().filter(|(id, _)| group.contains(*id)).map(|(_, c)| c.code.as_str()).collect();
    Some(format!(
        "**{}**: {}, {} countries and territories\n\n{}",
        escape(&group.id),
        escape(&group.name),
        members.len(),
        escape(&members.join(", "))
    ))
}

/// A supply line: its amount as contained material, and its share of the material.
fn line(reference: &Reference, facts: &LineFacts) -> String {
    let material = reference
        .materials
        .resolve(&facts.material.id)
        .map_or(facts.material.label.clone(), |r| reference.materials.get(r.material).name.clone());
    let as_written = format!("{} {}", escape(&facts.amount), escape(&facts.unit));
    let form = facts.form.as_deref().and_then(|id| reference.forms.find(id)).map(|f| reference.forms.get(f));
    let mut lines = vec![match (form, &facts.content) {
        (Some(form), _) => format!(
            "**{as_written}** of {} is **{} of {}** contained\n\n{} in {}: {}, {:.2}%",
            escape(&form.name),
            facts.contained,
            escape(&material),
            escape(&form.element),
            escape(&form.formula),
            escape(&form.basis),
            form.fraction.to_f64() * 100.0
        ),
        (None, Some(content)) => format!(
            "**{as_written}** at a content of {} is **{} of {}**",
            escape(content),
            facts.contained,
            escape(&material)
        ),
        (None, None) => format!("**{as_written}** is **{} of {}**", facts.contained, escape(&material)),
    }];
    let of = match facts.basis {
        Basis::Consumption => format!("the {} of {} consumed", facts.denominator, escape(&facts.material.label)),
        Basis::Supplies | Basis::Mixed => {
            format!("the {} of {} supplied (no consumption is given)", facts.denominator, escape(&facts.material.label))
        }
    };
    lines.push(format!("\n**{}** of {of}, at each stage it counts at:\n", facts.share_text));
    lines.push("| stage | origin | share |\n| --- | --- | ---: |".to_owned());
    for (stage, origin) in &facts.stages {
        let origin = match origin {
            LineOrigin::Country(country) => format!("{} ({})", escape(&country.name), escape(&country.code)),
            LineOrigin::Unknown => "unknown: no country given".to_owned(),
        };
        lines.push(format!("| {} | {origin} | {} |", stage.as_str(), facts.share_text));
    }
    if facts.material.tier != Some(Tier::Strategic) {
        lines.push("\nNot a strategic raw material at this grade: no Art. 5 benchmark applies.".to_owned());
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference() -> &'static Reference {
        Reference::builtin()
    }

    #[test]
    fn materials_say_their_annexes_and_grade_limits() {
        let lithium = material(reference(), "Li").unwrap();
        assert!(lithium.starts_with("**lithium** (Li)"), "{lithium}");
        assert!(lithium.contains("**Strategic** raw material: Annex I, point (h)"), "{lithium}");
        assert!(lithium.contains("Only battery grade is listed here"), "{lithium}");
        assert!(lithium.contains("**Critical** raw material: Annex II"), "{lithium}");
        let neodymium = material(reference(), "neodymium").unwrap();
        assert!(neodymium.starts_with("**neodymium** (Nd): one of the **rare earth"), "{neodymium}");
        assert!(material(reference(), "zinc").unwrap().contains("out of scope"));
        assert!(material(reference(), "unobtainium").is_none());
    }

    #[test]
    fn countries_say_where_they_stand_with_the_eu() {
        assert!(country(reference(), "fr").unwrap().contains("An **EU member state**"));
        let reunion = country(reference(), "RE").unwrap();
        assert!(reunion.contains("outermost region") && reunion.contains("counted with France"), "{reunion}");
        let greenland = country(reference(), "GL").unwrap();
        assert!(greenland.contains("**Not in the EU**"), "{greenland}");
        assert!(greenland.contains("overseas countries and territories (`OCT`"), "{greenland}");
        assert!(greenland.contains("strategic partners"), "{greenland}");
        assert!(country(reference(), "EL").unwrap().contains("is read as **GR**"));
        assert!(country(reference(), "QQ").is_none());
    }

    #[test]
    fn markdown_from_data_is_escaped() {
        assert_eq!(escape("a*b_[c](d)<e>`|"), "a\\*b\\_\\[c\\](d)\\<e\\>\\`\\|");
    }
}
