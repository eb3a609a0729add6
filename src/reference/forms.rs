//! Traded forms (lithium carbonate, cobalt sulfate …) and the fraction of their mass that is
//! the contained element, computed exactly from formula and atomic masses in `rules/forms.json`.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;
use serde::Deserialize;

use super::{exact_decimal, normalize};
use crate::quantity::Fraction;

/// A traded form of an element.
#[derive(Debug)]
pub struct Form {
    /// Identifier used in portfolio files (`lithium-carbonate`).
    pub id: String,
    /// Name for people.
    pub name: String,
    /// The formula as written in the data file (`LiOH·H2O`).
    pub formula: String,
    /// Symbol of the contained element (`Li`).
    pub element: String,
    /// Contained element per unit mass of the form, exactly.
    pub fraction: Fraction,
    /// How the fraction was obtained, for `explain`-style output and the docs.
    pub basis: String,
}

/// Index of a form in [`Forms`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FormId(pub(crate) u16);

/// The forms of `rules/forms.json`.
#[derive(Debug)]
pub struct Forms {
    forms: Vec<Form>,
    by_name: FxHashMap<String, FormId>,
}

#[derive(Deserialize)]
struct FormsFile {
    atomic_masses: BTreeMap<String, String>,
    forms: Vec<FormEntry>,
}

#[derive(Deserialize)]
struct FormEntry {
    id: String,
    name: String,
    formula: String,
    element: String,
    composition: BTreeMap<String, u32>,
    #[serde(default)]
    compound_fraction: Option<String>,
    #[serde(default)]
    convention: Option<Convention>,
    #[serde(default)]
    aliases: Vec<String>,
}

#[derive(Deserialize)]
struct Convention {
    form_per_element: String,
}

impl Forms {
    pub(super) fn from_json(text: &str) -> Result<Forms, String> {
        let file: FormsFile = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let masses = file
            .atomic_masses
            .iter()
            .map(|(symbol, mass)| Ok((symbol.as_str(), exact_decimal(mass)?)))
            .collect::<Result<BTreeMap<_, _>, String>>()?;
        let mut forms = Vec::new();
        let mut by_name = FxHashMap::default();
        for entry in file.forms {
            let (fraction, basis) = contained_fraction(&entry, &masses)?;
            let id = FormId(forms.len() as u16);
            for name in [&entry.id, &entry.name].into_iter().chain(&entry.aliases) {
                by_name.insert(normalize(name), id);
            }
            forms.push(Form {
                id: entry.id,
                name: entry.name,
                formula: entry.formula,
                element: entry.element,
                fraction,
                basis,
            });
        }
        Ok(Forms { forms, by_name })
    }

    /// The form with this id, name or alias (case-insensitive).
    pub fn find(&self, name: &str) -> Option<FormId> {
        self.by_name.get(&normalize(name)).copied()
    }

    /// The form behind an id.
    pub fn get(&self, id: FormId) -> &Form {
        &self.forms[id.0 as usize]
    }

    /// All forms, in the order of the data file.
    pub fn all(&self) -> impl ExactSizeIterator<Item = &Form> {
        self.forms.iter()
    }

    /// Every form's id, for suggestions.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.forms.iter().map(|f| f.id.as_str())
    }
}

/// The contained-element fraction and a line saying how it was computed.
fn contained_fraction(entry: &FormEntry, masses: &BTreeMap<&str, Fraction>) -> Result<(Fraction, String), String> {
    if let Some(convention) = &entry.convention {
        let per_element = exact_decimal(&convention.form_per_element)?;
        let fraction =
            Fraction::ONE.checked_div(per_element).ok_or_else(|| format!("form {}: bad convention", entry.id))?;
        return Ok((fraction, format!("1 / {} (convention)", convention.form_per_element)));
    }
    let mut total = Fraction::new(0, 1);
    let mut element_mass = None;
    let mut terms = Vec::new();
    for (symbol, count) in &entry.composition {
        let mass =
            *masses.get(symbol.as_str()).ok_or_else(|| format!("form {}: no atomic mass for {symbol}", entry.id))?;
        let part = mass.checked_mul(Fraction::new(u128::from(*count), 1)).ok_or("overflow")?;
        total = add(total, part).ok_or("overflow")?;
        if *symbol == entry.element {
            element_mass = Some(part);
        }
        terms.push(if *count == 1 { symbol.clone() } else { format!("{count} {symbol}") });
    }
    let element_mass =
        element_mass.ok_or_else(|| format!("form {}: {} is not in its composition", entry.id, entry.element))?;
    let mut fraction = element_mass.checked_div(total).ok_or("overflow")?;
    let mut basis = format!("{} / ({})", entry.element, terms.join(" + "));
    if let Some(share) = &entry.compound_fraction {
        fraction = fraction.checked_mul(exact_decimal(share)?).ok_or("overflow")?;
        basis = format!("{share} × {basis}");
    }
    Ok((fraction, basis))
}

fn add(a: Fraction, b: Fraction) -> Option<Fraction> {
    let num = a.numer().checked_mul(b.denom())?.checked_add(b.numer().checked_mul(a.denom())?)?;
    Some(Fraction::new(num, a.denom().checked_mul(b.denom())?))
}
