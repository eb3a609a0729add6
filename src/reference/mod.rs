//! Reference facts: materials, countries, traded forms and units.
//!
//! The facts live in data files under `rules/` (each with its sources, and validated by a
//! schema under `schemas/`), embedded in the binary. This module loads them into indexed
//! tables and answers questions about them; it never checks a portfolio.

mod countries;
mod forms;
mod materials;
mod units;

use std::sync::OnceLock;

pub use countries::{
    Countries, Country, CountryAlias, CountryId, CountryReading, CountrySet, Group, GroupId, Territory, UnknownCountry,
    is_country_code,
};
pub use forms::{Form, FormId, Forms};
pub use materials::{
    Grade, GradeId, Implied, Listing, Material, MaterialId, Materials, Member, Resolved, Standing, Tier,
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
        let forms = Forms::from_json(forms).map_err(|e| format!("forms.json: {e}"))?;
        Ok(Reference {
            materials: Materials::from_json(materials, &forms).map_err(|e| format!("materials.json: {e}"))?,
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
        let standing = r.materials.standing(id, grade.map(|g| r.materials.grade(g).unwrap()));
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
        assert_eq!(c.len(), 249);
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
