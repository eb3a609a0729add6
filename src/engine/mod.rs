//! The rule engine: rule files become rules; metrics are measured on the ledger; findings,
//! waivers and the share table come out. The engine knows metrics, never a particular rule.

mod evaluate;
mod metrics;
mod rules;
mod table;
mod waivers;

pub use evaluate::{Evaluation, Target, evaluate};
pub use metrics::{Evidence, Measurement, Metric, OriginSet, Outcome, Value};
pub use rules::{
    Aggregate, BUILTIN_RULES, Bound, MaterialScope, PLACEHOLDERS, RULES_SCHEMA, Rule, RuleOrigin, fill, load_rules,
};
pub use table::share_table;
pub use waivers::apply_waivers;
