//! Units of mass a supply line may be stated in, and their exact factors to tonnes.

use serde::Deserialize;

use super::exact_decimal;
use crate::quantity::Fraction;

/// A unit of mass.
#[derive(Debug)]
pub struct Unit {
    /// The symbol used in portfolio files (`t`, `kg`, …).
    pub id: String,
    /// Its name.
    pub name: String,
    /// Tonnes in one of this unit, exactly.
    pub tonnes: Fraction,
}

/// Index of a unit in [`Units`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct UnitId(pub(crate) u8);

/// The units of `rules/units.json`.
#[derive(Debug)]
pub struct Units {
    units: Vec<Unit>,
    confusables: Vec<Confusable>,
}

#[derive(Debug, Deserialize)]
struct Confusable {
    text: String,
    /// The unit it means, where it means exactly one.
    #[serde(default)]
    write: Option<String>,
    help: String,
}

#[derive(Deserialize)]
struct UnitsFile {
    units: Vec<UnitEntry>,
    confusables: Vec<Confusable>,
}

#[derive(Deserialize)]
struct UnitEntry {
    id: String,
    name: String,
    tonnes: String,
}

impl Units {
    pub(super) fn from_json(text: &str) -> Result<Units, String> {
        let file: UnitsFile = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let units = file
            .units
            .into_iter()
            .map(|u| Ok(Unit { tonnes: exact_decimal(&u.tonnes)?, id: u.id, name: u.name }))
            .collect::<Result<Vec<Unit>, String>>()?;
        if let Some(c) =
            file.confusables.iter().find(|c| c.write.as_ref().is_some_and(|w| !units.iter().any(|u| &u.id == w)))
        {
            return Err(format!("confusable {:?}: unknown unit {:?}", c.text, c.write));
        }
        Ok(Units { units, confusables: file.confusables })
    }

    /// The unit with this exact symbol (units are case-sensitive: `Mt` is not `mt`).
    pub fn find(&self, symbol: &str) -> Option<UnitId> {
        self.units.iter().position(|u| u.id == symbol).map(|n| UnitId(n as u8))
    }

    /// The unit behind an id.
    pub fn get(&self, id: UnitId) -> &Unit {
        &self.units[id.0 as usize]
    }

    /// All units, in the order of the data file.
    pub fn all(&self) -> impl Iterator<Item = &Unit> {
        self.units.iter()
    }

    /// Advice for a known wrong spelling (`mt`, `tonnes`, `lbs` …).
    pub fn advice_for(&self, text: &str) -> Option<&str> {
        self.confusables.iter().find(|c| c.text == text).map(|c| c.help.as_str())
    }

    /// The unit a known wrong spelling means, where it means exactly one (`tonnes` → `t`;
    /// not `mt`, which may be `t` or `Mt`).
    pub fn meant_by(&self, text: &str) -> Option<&str> {
        self.confusables.iter().find(|c| c.text == text).and_then(|c| c.write.as_deref())
    }
}
