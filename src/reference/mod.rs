//! Reference facts: materials, countries, traded forms and units.
//!
//! The facts live in data files under `rules/` (each with its sources, and validated by a
//! schema under `schemas/`), embedded in the binary. This module loads them into indexed
//! tables and answers questions about them; it never checks a portfolio.

mod countries;
mod forms;
mod grades;
mod materials;
mod units;

use std::sync::OnceLock;

pub use countries::{
    Countries, Country, CountryAlias, CountryId, CountryReading, CountrySet, Group, GroupId, Territory, UnknownCountry,
    is_country_code,
};
pub use forms::{Form, FormId, Forms};
pub use grades::{Grade, GradeClaim, GradeId};
pub use materials::{
    Ambiguous, CountedAs, Implied, Listing, Material, MaterialId, Materials, Member, Resolved, Standing, Tier,
};
pub use units::{Unit, UnitId, Units};

use crate::quantity::{Decimal, Fraction};

/// All reference facts.
#[derive(Debug)]
pub struct Reference {
    /// Raw materials and grades.
    pub materials: Materials,
    /// Countries and groups of countries.
    pub countries: Countries,
    /// Traded forms.
    pub forms: Forms,
    /// Units of mass.
    pub units: Units,
}

/// The embedded data files, by path, for tests and `crma-check` subcommands that show them.
pub const DATA_FILES: [(&str, &str); 4] = [
    ("rules/materials.json", include_str!("../../rules/materials.json")),
    ("rules/countries.json", include_str!("../../rules/countries.json")),
    ("rules/forms.json", include_str!("../../rules/forms.json")),
    ("rules/units.json", include_str!("../../rules/units.json")),
];

impl Reference {
    /// The reference facts built into this binary.
    pub fn builtin() -> &'static Reference {
        static BUILTIN: OnceLock<Reference> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            Reference::from_json(DATA_FILES[0].1, DATA_FILES[1].1, DATA_FILES[2].1, DATA_FILES[3].1)
                // The embedded files are checked against their schemas and loaded by the tests.
                .expect("the embedded reference data is valid")
        })
    }

    /// Loads reference facts from the texts of the four data files.
    pub fn from_json(materials: &str, countries: &str, forms: &str, units: &str) -> Result<Reference, String> {
        let mut forms = Forms::from_json(forms).map_err(|e| format!("forms.json: {e}"))?;
        let materials = Materials::from_json(materials, &forms).map_err(|e| format!("materials.json: {e}"))?;
        forms
            .link_grades(
                |id| materials.grade(id),
                |symbol| materials.resolve(symbol).and_then(|r| materials.listed_grade(r.material)),
            )
            .map_err(|e| format!("forms.json: {e}"))?;
        Ok(Reference {
            materials,
            countries: Countries::from_json(countries).map_err(|e| format!("countries.json: {e}"))?,
            forms,
            units: Units::from_json(units).map_err(|e| format!("units.json: {e}"))?,
        })
    }
}

/// The key names are looked up by: lower case, with `-`, `_` and runs of spaces read as one
/// space, so `Rare-Earths_for  magnets` finds `rare earths for magnets`.
pub(crate) fn normalize(name: &str) -> String {
    let mut key = String::with_capacity(name.len());
    for word in name.split(|c: char| c.is_whitespace() || c == '-' || c == '_').filter(|w| !w.is_empty()) {
        if !key.is_empty() {
            key.push(' ');
        }
        key.extend(word.chars().flat_map(char::to_lowercase));
    }
    key
}

/// A decimal string from a data file, as an exact fraction.
fn exact_decimal(text: &str) -> Result<Fraction, String> {
    Decimal::parse(text).ok().and_then(Decimal::to_fraction).ok_or_else(|| format!("not an exact decimal: {text:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference() -> &'static Reference {
        Reference::builtin()
    }

    fn material(name: &str) -> &'static str {
        let r = reference();
        let resolved = r.materials.resolve(name).unwrap_or_else(|| panic!("{name} resolves"));
        &r.materials.get(resolved.material).id
    }

    fn tier(name: &str, grade: Option<&str>) -> (Tier, bool) {
        let r = reference();
        let id = r.materials.resolve(name).unwrap().material;
        let claim = grade.map_or(GradeClaim::Unknown, |g| GradeClaim::Is(r.materials.grade(g).unwrap()));
        let standing = r.materials.standing(id, claim);
        (standing.tier, standing.grade_assumed.is_some())
    }

    #[test]
    fn the_annexes_have_17_strategic_and_34_critical_entries() {
        let r = reference();
        let strategic = r.materials.all().filter(|(_, m)| m.strategic.is_some()).count();
        assert_eq!(strategic, 17);
        // Annex II has 34 entries; heavy and light rare earths are two of them, and the magnet
        // rare earths are carved out of both into one strategic entry.
        let critical = r.materials.all().filter(|(_, m)| m.critical.is_some()).count();
        assert_eq!(critical, 35);
        assert!(r.materials.all().all(|(_, m)| m.strategic.is_none() || m.critical.is_some()));
    }

    #[test]
    fn names_aliases_and_symbols_resolve_case_insensitively() {
        for (name, id) in [
            ("Li", "lithium"),
            ("lithium", "lithium"),
            ("LITHIUM", "lithium"),
            ("Co", "cobalt"),
            ("neodymium", "rare-earths-for-magnets"),
            ("Nd", "rare-earths-for-magnets"),
            ("NdPr", "rare-earths-for-magnets"),
            ("Dy", "rare-earths-for-magnets"),
            ("platinum", "platinum-group-metals"),
            ("Pt", "platinum-group-metals"),
            ("palladium", "platinum-group-metals"),
            ("aluminum", "aluminium"),
            ("bauxite", "aluminium"),
            ("magnesium metal", "magnesium"),
            ("natural graphite", "graphite"),
            ("lanthanum", "light-rare-earths"),
            ("yttrium", "heavy-rare-earths"),
            ("iron", "iron"),
            ("Rare-Earths_for  magnets", "rare-earths-for-magnets"),
        ] {
            assert_eq!(material(name), id, "{name}");
        }
        assert!(reference().materials.resolve("C").is_none());
        assert!(reference().materials.resolve("unobtainium").is_none());
    }

    #[test]
    fn grades_decide_strategic_status() {
        assert_eq!(tier("lithium", Some("battery")), (Tier::Strategic, false));
        assert_eq!(tier("lithium", None), (Tier::Strategic, true));
        assert_eq!(tier("lithium", Some("chemical")), (Tier::Critical, false));
        assert_eq!(tier("nickel", Some("metallurgy")), (Tier::OutOfScope, false));
        assert_eq!(tier("nickel", None), (Tier::Strategic, true));
        assert_eq!(tier("boron", Some("metallurgy")), (Tier::Strategic, false));
        assert_eq!(tier("boron", Some("chemical")), (Tier::Critical, false));
        assert_eq!(tier("cobalt", None), (Tier::Strategic, false));
        assert_eq!(tier("copper", Some("battery")), (Tier::Strategic, false));
        assert_eq!(tier("tantalum", None), (Tier::Critical, false));
        assert_eq!(tier("zinc", None), (Tier::OutOfScope, false));
        assert_eq!(tier("titanium", Some("chemical")), (Tier::OutOfScope, false));
        // A grade known only not to be the listed one (a form that never is it).
        let m = &reference().materials;
        let not_metal = GradeClaim::Not(m.grade("metal").unwrap());
        assert_eq!(m.standing(m.resolve("titanium").unwrap().material, not_metal).tier, Tier::OutOfScope);
        assert_eq!(m.standing(m.resolve("magnesium").unwrap().material, not_metal).tier, Tier::Critical);
        assert_eq!(m.standing(m.resolve("cobalt").unwrap().material, not_metal).tier, Tier::Strategic);
    }

    #[test]
    fn form_grades_are_checked_against_their_material() {
        let [(_, materials), (_, countries), (_, forms), (_, units)] = DATA_FILES;
        let load = |forms: &str| Reference::from_json(materials, countries, forms, units).map(|_| ());
        let forms_with = |id: &str, grade: &str| {
            forms.replacen(&format!(r#""id": "{id}","#), &format!(r#""id": "{id}", "grade": {grade},"#), 1)
        };
        // Cobalt's annex entries name no grade: a cobalt form cannot say one.
        let cobalt = load(&forms_with("cobalt-oxide", r#"{"is": "metal", "why": "x"}"#)).unwrap_err();
        assert!(cobalt.contains("form cobalt-oxide"), "{cobalt}");
        // Nor can a tungsten form; and a form says one of `is` and `is_not`.
        let battery = load(&forms_with("tungsten-trioxide", r#"{"is_not": "battery", "why": "x"}"#)).unwrap_err();
        assert!(battery.contains("form tungsten-trioxide"), "{battery}");
        let both = load(&forms_with("alumina", r#"{"is": "metal", "is_not": "metal", "why": "x"}"#)).unwrap_err();
        assert!(both.contains("form alumina"), "{both}");
    }

    #[test]
    fn ambiguous_names_are_no_material_names() {
        let m = &reference().materials;
        let ree = m.ambiguity("REE").expect("REE is ambiguous");
        assert_eq!(ree.means.len(), 3);
        assert!(m.resolve("REE").is_none() && m.ambiguity("lithium").is_none());
        let [(_, materials), (_, countries), (_, forms), (_, units)] = DATA_FILES;
        let taken = materials.replacen(r#""REEs","#, r#""REEs", "lanthanum","#, 1);
        let error = Reference::from_json(&taken, countries, forms, units).unwrap_err();
        assert!(error.contains(r#""lanthanum" is also a material's name"#), "{error}");
    }

    #[test]
    fn other_grades_go_to_a_critical_group() {
        let [(_, materials), (_, countries), (_, forms), (_, units)] = DATA_FILES;
        let load = |text: &str| Reference::from_json(text, countries, forms, units).map(|_| ());
        // Where a member goes must be critical and not strategic ...
        let strategic =
            materials.replacen(r#""other_grades_as": "light-rare-earths""#, r#""other_grades_as": "cobalt""#, 1);
        assert!(load(&strategic).unwrap_err().contains("other_grades_as cobalt"));
        // ... and only a material whose strategic entry names a grade moves members.
        let ungraded = materials.replacen(r#""grade": "magnet","#, "", 1);
        assert!(load(&ungraded).unwrap_err().contains("rare-earths-for-magnets: other_grades_as"));
        let m = &reference().materials;
        let nd = m.resolve("Nd").unwrap();
        assert_eq!(nd.other_grades_as, m.resolve("light rare earths").map(|r| r.material));
    }

    #[test]
    fn misspelt_materials_get_suggestions() {
        assert_eq!(reference().materials.suggest("lithum"), Some("lithium"));
        assert_eq!(reference().materials.suggest("cobolt"), Some("cobalt"));
        assert_eq!(reference().materials.suggest("neodymum"), Some("neodymium"));
    }

    #[test]
    fn countries_and_their_readings() {
        let c = &reference().countries;
        let eu = c.group_by_id(c.group("EU").unwrap());
        let oct = c.group_by_id(c.group("OCT").unwrap());
        let code = |s: &str| c.resolve(s).unwrap().country();
        assert_eq!(c.len(), 249 + 1, "the ISO 3166-1 codes, and XK");
        assert!(matches!(c.resolve("xk"), Ok(CountryReading::Iso(id)) if c.get(id).note.is_some()));
        assert!(!eu.contains(code("XK")) && !oct.contains(code("XK")), "Kosovo is a third country");
        assert!(matches!(c.resolve("XI"), Err(UnknownCountry::Reserved(help)) if help.contains("write `GB`")));
        assert!(eu.contains(code("DE")));
        assert!(eu.contains(code("gr")));
        assert!(eu.contains(code("RE")), "Réunion is an outermost region, EU territory");
        let reunion = eu.territory(code("RE")).expect("a territory of a member");
        assert_eq!(c.get(reunion.part_of).code, "FR");
        assert!(reunion.note.contains("outermost region"));
        assert!(eu.territory(code("FR")).is_none(), "a member state itself");
        assert!(!eu.contains(code("GL")), "Greenland is an OCT, not the EU");
        assert!(oct.contains(code("GL")));
        assert!(!eu.contains(code("NO")));
        assert!(!eu.contains(code("GB")));
        assert!(matches!(c.resolve("EL"), Ok(CountryReading::Alias(a)) if c.get(a.means).code == "GR"));
        assert!(matches!(c.resolve("UK"), Ok(CountryReading::Alias(a)) if c.get(a.means).code == "GB"));
        assert!(matches!(c.resolve("EU"), Err(UnknownCountry::Reserved(_))));
        assert!(matches!(c.resolve("China"), Err(UnknownCountry::Unknown(Some(country))) if country.code == "CN"));
        assert!(matches!(c.resolve("QQ"), Err(UnknownCountry::Unknown(None))));
        let members = c.all().filter(|(id, _)| eu.contains(*id)).count();
        assert_eq!(members, 27 + 7, "27 member states, 6 outermost regions and Åland");
    }

    #[test]
    fn country_codes_are_listed_once() {
        let [_, (_, countries), ..] = DATA_FILES;
        let twice = countries.replacen(r#""code": "XI","#, r#""code": "XK","#, 1);
        assert!(Countries::from_json(&twice).unwrap_err().contains("XK is listed twice"));
        let twice = countries.replacen(r#""code": "XI","#, r#""code": "EL","#, 1);
        assert!(Countries::from_json(&twice).is_err(), "a reserved code that is also an alias");
    }

    #[test]
    fn form_fractions_match_the_stoichiometry_table() {
        let f = &reference().forms;
        for (form, expected) in [
            ("lithium-carbonate", 1.0 / 5.323),
            ("lithium-hydroxide-monohydrate", 0.165388),
            ("spodumene-sc6", 0.027872),
            ("cobalt-sulfate-heptahydrate", 0.209656),
            ("nickel-sulfate-hexahydrate", 0.223305),
            ("manganese-sulfate-monohydrate", 0.325060),
            ("neodymium-oxide", 0.857356),
            ("tungsten-trioxide", 0.792971),
            ("alumina", 0.529257),
        ] {
            let fraction = f.get(f.find(form).unwrap()).fraction.to_f64();
            assert!((fraction - expected).abs() < 5e-7, "{form}: {fraction} vs {expected}");
        }
        assert_eq!(f.find("LCE"), f.find("lithium-carbonate"));
    }

    #[test]
    fn units_are_exact_and_case_sensitive() {
        let u = &reference().units;
        assert_eq!(u.get(u.find("lb").unwrap()).tonnes, Fraction::new(45_359_237, 100_000_000_000));
        assert_eq!(u.get(u.find("Mt").unwrap()).tonnes, Fraction::new(1_000_000, 1));
        assert!(u.find("mt").is_none());
        assert!(u.advice_for("mt").is_some());
        assert_eq!(u.meant_by("mt"), None, "t or Mt");
        assert_eq!(u.meant_by("tonnes"), Some("t"));
        assert_eq!(u.meant_by("KG"), Some("kg"));
    }
}
