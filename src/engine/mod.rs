//! The rule engine: rule files become rules; metrics are measured on the ledger; findings,
//! waivers and the share table come out, written into the result model
//! ([`crate::model`]). The engine knows metrics, never a particular rule.

mod assess;
mod evaluate;
mod line;
mod metric;
mod origins;
mod rule;
mod rule_file;
mod stress;
mod table;
mod waivers;

pub(crate) use assess::{Assessment, Context, assess, findings};
pub(crate) use evaluate::{Target, evaluate};
pub(crate) use line::line_facts;
pub use rule::Rule;
#[cfg(test)]
pub(crate) use rule_file::RULES_SCHEMA;
pub(crate) use rule_file::{BUILTIN_RULES, load_rules};
pub use stress::{Cut, Scenario};
pub(crate) use stress::{countries_named, country_cut, outcome, parse_cut, read_scenario};
pub(crate) use table::share_table;
pub(crate) use waivers::{WaiverDates, apply_waivers};

use crate::model::{CountryRef, MaterialRef};
use crate::portfolio::RowKey;
use crate::reference::{CountryId, Reference};

/// The group the share table measures against, and whose share a rule's threshold can be
/// drawn against: the EU, as defined in `rules/countries.json`.
const HOME_GROUP: &str = "EU";

/// The row of `key`, named as the reference data names it.
fn material_ref(reference: &Reference, key: RowKey) -> MaterialRef {
    MaterialRef {
        id: reference.materials.get(key.material).id.clone(),
        label: reference.materials.label(key.material, key.tier).to_owned(),
        tier: Some(key.tier),
    }
}

/// The country of `id`, named as the reference data names it.
fn country_ref(reference: &Reference, id: CountryId) -> CountryRef {
    let country = reference.countries.get(id);
    CountryRef { code: country.code.clone(), name: country.name.clone() }
}
