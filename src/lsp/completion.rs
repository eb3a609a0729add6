//! Completion from the reference data: material names, country codes (with their names),
//! units, traded forms, grades and stage keys, where the formats take them; rule ids in a
//! waiver.
//!
//! Each item replaces the string being typed (its text between the quotes), or inserts a
//! quoted string where none is begun: with an edit of its own, a client filters the items
//! on what is typed in that string, not on its own idea of a word.

use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionList, CompletionResponse, CompletionTextEdit, Position, TextEdit,
};

use crma_check::reference::{Reference, Tier};
use crma_check::{Checker, Stage};

use super::documents::{Document, Kind};
use super::syntax::{self, Role};

/// One thing that can be written, before it is placed.
struct Choice {
    text: String,
    detail: String,
    /// Also matched when filtering (a country's name beside its code).
    also: Option<String>,
    kind: CompletionItemKind,
}

impl Choice {
    fn new(text: &str, detail: impl Into<String>, kind: CompletionItemKind) -> Choice {
        Choice { text: text.to_owned(), detail: detail.into(), also: None, kind }
    }
}

/// The items for a completion at `position`, if the place takes values crma-check knows.
pub fn completion(document: &Document, checker: Option<&Checker>, position: Position) -> Option<CompletionResponse> {
    let offset = document.offset(position);
    let spot = syntax::spot(&document.text, offset);
    let place = spot.place();
    let reference = Reference::builtin();
    let choices = match (document.kind, place.as_slice(), spot.role) {
        (Kind::Portfolio, ["supplies" | "waivers", "*", "material"], Role::Value)
        | (Kind::Portfolio, ["consumption" | "stocks"], Role::Key)
        | (Kind::Rules, ["rules", "*", "materials", "*"], Role::Value) => materials(reference),
        (Kind::Portfolio, ["supplies", "*", "origin", _] | ["waivers", "*", "country"], Role::Value) => {
            countries(reference)
        }
        (Kind::Rules, ["rules", "*", "origins", "in" | "not_in", "*"], Role::Value) => {
            let mut choices = groups(reference);
            choices.extend(countries(reference));
            choices
        }
        (Kind::Portfolio, ["supplies", "*", "unit"] | ["consumption" | "stocks", _, "unit"], Role::Value) => {
            units(reference)
        }
        (Kind::Portfolio, ["supplies", "*", "form"] | ["consumption" | "stocks", _, "form"], Role::Value) => {
            forms(reference)
        }
        (Kind::Portfolio, ["supplies", "*", "grade"] | ["consumption" | "stocks", _, "grade"], Role::Value) => {
            grades(reference)
        }
        (Kind::Portfolio, ["supplies", "*", "origin"], Role::Key)
        | (Kind::Portfolio, ["waivers", "*", "stage"], Role::Value)
        | (Kind::Rules, ["rules", "*", "stages", "*"], Role::Value) => stages(),
        (Kind::Portfolio, ["waivers", "*", "rule"], Role::Value) => rules(checker?),
        _ => return None,
    };
    // Inside a string: replace its text. Elsewhere (no quote typed yet, or after a closed
    // string): insert a string at the cursor. A bare word being typed is replaced by a string.
    let (range, quoted) = match &spot.token {
        // Just after a closed string: the cursor has left it, and a value is not begun.
        Some(token) if token.string && token.closed && offset == token.range.end => return None,
        Some(token) if token.string => (token.content.clone(), false),
        Some(token) => (token.range.clone(), true),
        None => (offset..offset, true),
    };
    let range = document.range(range);
    let items = choices
        .into_iter()
        .enumerate()
        .map(|(n, choice)| {
            let escaped = serde_json::to_string(&choice.text).unwrap_or_default();
            let new_text = if quoted { escaped } else { escaped[1..escaped.len() - 1].to_owned() };
            CompletionItem {
                label: choice.text.clone(),
                kind: Some(choice.kind),
                detail: Some(choice.detail),
                // In the order of the data (strategic materials first, say), not alphabetical.
                sort_text: Some(format!("{n:04}")),
                filter_text: Some(match &choice.also {
                    Some(also) => format!("{} {also}", choice.text),
                    None => choice.text.clone(),
                }),
                text_edit: Some(CompletionTextEdit::Edit(TextEdit { range, new_text })),
                ..CompletionItem::default()
            }
        })
        .collect();
    Some(CompletionResponse::List(CompletionList { is_incomplete: false, items }))
}

/// Materials by name, strategic ones first, then the elements of group materials.
fn materials(reference: &Reference) -> Vec<Choice> {
    let materials = &reference.materials;
    let standing = |tier: Tier| match tier {
        Tier::Strategic => 0,
        Tier::Critical => 1,
        Tier::OutOfScope => 2,
    };
    let mut all: Vec<_> = materials.all().collect();
    all.sort_by_key(|(_, m)| match (&m.strategic, &m.critical) {
        (Some(_), _) => standing(Tier::Strategic),
        (None, Some(_)) => standing(Tier::Critical),
        (None, None) => standing(Tier::OutOfScope),
    });
    let mut choices = Vec::new();
    for (_, m) in &all {
        let place = match (&m.strategic, &m.critical) {
            (Some(listing), _) => match listing.grade {
                Some(grade) => format!("strategic ({} grade), critical", materials.grade_by_id(grade).id),
                None => "strategic, critical".to_owned(),
            },
            (None, Some(_)) => "critical".to_owned(),
            (None, None) => "out of scope".to_owned(),
        };
        let detail = match &m.element {
            Some(symbol) => format!("{symbol}: {place}"),
            None => place,
        };
        choices.push(Choice::new(&m.name, detail, CompletionItemKind::VALUE));
    }
    for (_, m) in &all {
        for member in &m.members {
            let detail = format!("{}: one of the {}", member.symbol, m.name);
            choices.push(Choice::new(&member.name, detail, CompletionItemKind::VALUE));
        }
    }
    choices
}

fn countries(reference: &Reference) -> Vec<Choice> {
    reference
        .countries
        .all()
        .map(|(_, c)| Choice {
            also: Some(c.name.clone()),
            ..Choice::new(&c.code, c.name.clone(), CompletionItemKind::ENUM_MEMBER)
        })
        .collect()
}

fn groups(reference: &Reference) -> Vec<Choice> {
    reference.countries.groups().map(|g| Choice::new(&g.id, g.name.clone(), CompletionItemKind::ENUM)).collect()
}

fn units(reference: &Reference) -> Vec<Choice> {
    reference.units.all().map(|u| Choice::new(&u.id, u.name.clone(), CompletionItemKind::UNIT)).collect()
}

fn forms(reference: &Reference) -> Vec<Choice> {
    reference
        .forms
        .all()
        .map(|f| {
            let detail = format!("{} ({}): {:.1}% {}", f.name, f.formula, f.fraction.to_f64() * 100.0, f.element);
            Choice::new(&f.id, detail, CompletionItemKind::VALUE)
        })
        .collect()
}

fn grades(reference: &Reference) -> Vec<Choice> {
    reference
        .materials
        .grades()
        .map(|g| {
            let detail = g.description.split(':').next().unwrap_or_default().to_owned();
            Choice::new(&g.id, detail, CompletionItemKind::ENUM_MEMBER)
        })
        .collect()
}

fn stages() -> Vec<Choice> {
    Stage::ALL.iter().map(|s| Choice::new(s.as_str(), "stage", CompletionItemKind::FIELD)).collect()
}

fn rules(checker: &Checker) -> Vec<Choice> {
    checker
        .active_rules()
        .map(|r| Choice::new(r.id(), r.doc().summary.clone(), CompletionItemKind::REFERENCE))
        .collect()
}
