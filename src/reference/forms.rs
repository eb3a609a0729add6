//! Traded forms (lithium carbonate, cobalt sulfate …) and the fraction of their mass that is
//! the contained element, computed exactly from formula and atomic masses in `rules/forms.json`.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;
use serde::Deserialize;

use super::grades::{GradeClaim, GradeId};
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
    /// Remarks from the data file: the convention's source, then the form's note.
    pub notes: Vec<String>,
    /// Where the traded product's real content differs from the formula's: what it
    /// typically is and what to do (every line in this form gets a note that says so).
    pub content_varies: Option<String>,
    /// What the form says of a supply's grade (HPMSM is battery grade, titanium dioxide is
    /// never metal), and why.
    pub grade: Option<(GradeClaim, String)>,
}

/// Index of a form in [`Forms`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FormId(pub(crate) u16);

/// The forms of `rules/forms.json`.
#[derive(Debug)]
pub struct Forms {
    forms: Vec<Form>,
    by_name: FxHashMap<String, FormId>,
    /// The grades the forms name, read before the grades are known (see [`Forms::link_grades`]).
    grade_names: Vec<(FormId, FormGradeEntry)>,
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
    /// Atoms per formula unit, in the order the file writes them (the basis shows that order).
    #[serde(deserialize_with = "in_written_order")]
    composition: Vec<(String, u32)>,
    #[serde(default)]
    compound_fraction: Option<String>,
    #[serde(default)]
    convention: Option<Convention>,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    content_varies: Option<String>,
    #[serde(default)]
    grade: Option<FormGradeEntry>,
    #[serde(default)]
    aliases: Vec<String>,
}

/// `grade`: exactly one of `is` and `is_not` (the schema says so), and `why`.
#[derive(Debug, Deserialize)]
struct FormGradeEntry {
    #[serde(default, rename = "is")]
    always: Option<String>,
    #[serde(default)]
    is_not: Option<String>,
    why: String,
}

#[derive(Deserialize)]
struct Convention {
    form_per_element: String,
    note: String,
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
        let mut grade_names = Vec::new();
        for entry in file.forms {
            let (fraction, basis) = contained_fraction(&entry, &masses)?;
            let id = FormId(forms.len() as u16);
            for name in [&entry.id, &entry.name].into_iter().chain(&entry.aliases) {
                if by_name.insert(normalize(name), id).is_some_and(|other| other != id) {
                    return Err(format!("the name {name:?} is used by two forms"));
                }
            }
            forms.push(Form {
                id: entry.id,
                name: entry.name,
                formula: entry.formula,
                element: entry.element,
                fraction,
                basis,
                notes: entry.convention.map(|c| c.note).into_iter().chain(entry.note).collect(),
                content_varies: entry.content_varies,
                grade: None,
            });
            if let Some(grade) = entry.grade {
                grade_names.push((id, grade));
            }
        }
        Ok(Forms { forms, by_name, grade_names })
    }

    /// Reads the grades the forms name, now that the grades are known (`grade` finds one by
    /// id), and checks each against its element's material: only the grade the annexes limit
    /// that material to (`listed`, by symbol) can be said.
    pub(super) fn link_grades(
        &mut self,
        grade: impl Fn(&str) -> Option<GradeId>,
        listed: impl Fn(&str) -> Option<GradeId>,
    ) -> Result<(), String> {
        for (id, entry) in std::mem::take(&mut self.grade_names) {
            let form = &mut self.forms[usize::from(id.0)];
            let (name, always) = match (&entry.always, &entry.is_not) {
                (Some(name), None) => (name, true),
                (None, Some(name)) => (name, false),
                _ => return Err(format!("form {}: give one of `is` and `is_not`", form.id)),
            };
            let named = grade(name).ok_or_else(|| format!("form {}: unknown grade {name}", form.id))?;
            let claim = if always { GradeClaim::Is(named) } else { GradeClaim::Not(named) };
            if listed(&form.element) != Some(named) {
                return Err(format!("form {}: its material's annex entries are not limited to that grade", form.id));
            }
            form.grade = Some((claim, entry.why));
        }
        Ok(())
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

/// The contained-element fraction and a line saying how it was computed, with the atom
/// counts: `2 Nd / (2 Nd + 3 O)`.
fn contained_fraction(entry: &FormEntry, masses: &BTreeMap<&str, Fraction>) -> Result<(Fraction, String), String> {
    let (by_formula, formula_basis) = by_formula(entry, masses)?;
    if let Some(convention) = &entry.convention {
        let per_element = exact_decimal(&convention.form_per_element)?;
        let fraction =
            Fraction::ONE.checked_div(per_element).ok_or_else(|| format!("form {}: bad convention", entry.id))?;
        let basis = format!(
            "1 / {} (convention; by formula {formula_basis} = {:.6})",
            convention.form_per_element,
            by_formula.to_f64()
        );
        return Ok((fraction, basis));
    }
    Ok((by_formula, formula_basis))
}

/// The fraction by formula (times `compound_fraction`, for a concentrate) and its basis.
fn by_formula(entry: &FormEntry, masses: &BTreeMap<&str, Fraction>) -> Result<(Fraction, String), String> {
    let term = |symbol: &str, count: u32| if count == 1 { symbol.to_owned() } else { format!("{count} {symbol}") };
    let mut total = Fraction::new(0, 1);
    let mut element = None;
    let mut others = Vec::new();
    for (symbol, count) in &entry.composition {
        let mass =
            *masses.get(symbol.as_str()).ok_or_else(|| format!("form {}: no atomic mass for {symbol}", entry.id))?;
        let part = mass.checked_mul(Fraction::new(u128::from(*count), 1)).ok_or("overflow")?;
        total = add(total, part).ok_or("overflow")?;
        if *symbol == entry.element {
            element = Some((part, term(symbol, *count)));
        } else {
            others.push(term(symbol, *count));
        }
    }
    let (element_mass, element_term) =
        element.ok_or_else(|| format!("form {}: {} is not in its composition", entry.id, entry.element))?;
    let mut fraction = element_mass.checked_div(total).ok_or("overflow")?;
    // The element first, then the other atoms as written.
    let terms: Vec<&str> = std::iter::once(element_term.as_str()).chain(others.iter().map(String::as_str)).collect();
    let mut basis = format!("{element_term} / ({})", terms.join(" + "));
    if let Some(share) = &entry.compound_fraction {
        fraction = fraction.checked_mul(exact_decimal(share)?).ok_or("overflow")?;
        basis = format!("{share} × {basis}");
    }
    Ok((fraction, basis))
}

/// Reads a JSON object of atom counts into a list, keeping the order it is written in.
fn in_written_order<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Vec<(String, u32)>, D::Error> {
    struct Ordered;
    impl<'de> serde::de::Visitor<'de> for Ordered {
        type Value = Vec<(String, u32)>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an object of atom counts")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut atoms: Vec<(String, u32)> = Vec::new();
            while let Some((symbol, count)) = map.next_entry::<String, u32>()? {
                if atoms.iter().any(|(s, _)| *s == symbol) {
                    return Err(serde::de::Error::custom(format!("{symbol} is counted twice")));
                }
                atoms.push((symbol, count));
            }
            Ok(atoms)
        }
    }
    deserializer.deserialize_map(Ordered)
}

fn add(a: Fraction, b: Fraction) -> Option<Fraction> {
    let num = a.numer().checked_mul(b.denom())?.checked_add(b.numer().checked_mul(a.denom())?)?;
    Some(Fraction::new(num, a.denom().checked_mul(b.denom())?))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Evaluates a basis such as `0.06 × 2 Li / (2 Li + O)` with the file's atomic masses.
    fn evaluate(basis: &str, masses: &BTreeMap<String, Fraction>) -> Fraction {
        let (share, rest) = match basis.split_once(" × ") {
            Some((share, rest)) => (exact_decimal(share).unwrap(), rest),
            None => (Fraction::ONE, basis),
        };
        let mass_of = |terms: &str| {
            terms.split(" + ").fold(Fraction::new(0, 1), |sum, term| {
                let (count, symbol) = term.split_once(' ').unwrap_or(("1", term));
                let part = masses[symbol].checked_mul(Fraction::new(count.parse().unwrap(), 1)).unwrap();
                add(sum, part).unwrap()
            })
        };
        let (numerator, denominator) = rest.split_once(" / ").unwrap();
        let denominator = denominator.strip_prefix('(').and_then(|d| d.strip_suffix(')')).unwrap();
        mass_of(numerator).checked_div(mass_of(denominator)).unwrap().checked_mul(share).unwrap()
    }

    #[test]
    fn every_basis_shows_atom_counts_and_gives_the_fraction() {
        let text = crate::reference::DATA_FILES[2].1;
        let file: serde_json::Value = serde_json::from_str(text).unwrap();
        let masses: BTreeMap<String, Fraction> = file["atomic_masses"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(symbol, mass)| (symbol.clone(), exact_decimal(mass.as_str().unwrap()).unwrap()))
            .collect();
        let forms = Forms::from_json(text).unwrap();
        for form in forms.all() {
            match form.basis.strip_prefix("1 / ") {
                // A convention: its basis shows the formula's value beside it.
                Some(convention) => assert!(convention.contains("(convention; by formula "), "{}", form.basis),
                None => assert_eq!(evaluate(&form.basis, &masses), form.fraction, "{}: {}", form.id, form.basis),
            }
        }
        let basis = |id: &str| forms.get(forms.find(id).unwrap()).basis.clone();
        assert_eq!(basis("neodymium-oxide"), "2 Nd / (2 Nd + 3 O)");
        assert_eq!(basis("ammonium-paratungstate"), "12 W / (12 W + 10 N + 50 H + 46 O)");
        assert_eq!(basis("spodumene-sc6"), "0.06 × 2 Li / (2 Li + O)");
        assert_eq!(basis("lithium-carbonate"), "1 / 5.323 (convention; by formula 2 Li / (2 Li + C + 3 O) = 0.187852)");
    }

    #[test]
    fn a_name_used_by_two_forms_is_refused() {
        let text = crate::reference::DATA_FILES[2].1.replacen(r#""aliases": ["WO3""#, r#""aliases": ["APT", "WO3""#, 1);
        assert!(Forms::from_json(&text).unwrap_err().contains("\"APT\" is used by two forms"));
    }
}
