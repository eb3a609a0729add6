//! What a report says about a rule: its words, where it came from, when it applies, and its
//! threshold with what it is compared with.

use super::Measure;
use crate::diagnostic::Severity;

/// What a report says about a rule: the part of a rule that formats show.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleDoc {
    /// Its id (`CRM004`).
    pub id: String,
    /// Its short name (`third-country-cap`).
    pub name: String,
    /// What it checks, in a line.
    pub summary: String,
    /// What to do about a finding.
    pub help: String,
    /// Where it comes from.
    pub legal_basis: Option<String>,
    /// A link to the text it comes from.
    pub url: Option<String>,
    /// Its severity from the year it applies.
    pub severity: Severity,
    /// Paragraphs on how to read it.
    pub explain: Vec<String>,
    /// The first reporting year it is an error in (before it, its findings are warnings).
    pub applies_from: Option<u16>,
    /// Its threshold.
    pub threshold: Threshold,
    /// The file it was read from.
    pub origin: RuleOrigin,
}

impl RuleDoc {
    /// Whether it does not apply yet in `year`: its findings are then warnings.
    pub fn pending_in(&self, year: u16) -> bool {
        self.applies_from.is_some_and(|from| year < from)
    }
}

/// Where a rule was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleOrigin {
    /// The file (`rules/crma.json` for the built-in rules).
    pub path: String,
    /// Whether the rule is built in.
    pub builtin: bool,
    /// The origin of the built-in rule this one replaced, if any.
    pub replaces: Option<String>,
}

/// A rule's threshold: which side passes, the value, and what is compared with it.
#[derive(Debug, Clone, PartialEq)]
pub struct Threshold {
    /// The metric, as rule files name it (`group-share`).
    pub metric: String,
    /// The side of the value that passes; a value exactly at it passes.
    pub side: Side,
    /// The value, as a number and in the words of messages (`65%`).
    pub value: Measure,
    /// The countries the metric counts, in words (`the EU`, `outside the EU`), where the rule
    /// names them (none for every country, or for a metric that takes no `origins`).
    pub origins: Option<String>,
    /// Which figure of the share table the metric measures, if it is one of them.
    pub gauge: Gauge,
    /// Whether its values are shares in percent (which `--tolerance` applies to), not
    /// counts or indexes.
    pub share: bool,
}

/// The side of a threshold that passes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// At least the value.
    Min,
    /// At most the value.
    Max,
}

/// What a metric measures, in terms of the share table's figures ([`super::StageShares`]):
/// lets a format draw a threshold beside the figure it is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gauge {
    /// The EU share (`eu`): a `group-share` over exactly the EU's countries.
    EuShare,
    /// The share of known origin, the EU's and every other country's together: a
    /// `group-share` over any country (at recycling, the recycled share).
    KnownShare,
    /// The share of each single country, each on its own: a `country-share`. Which
    /// countries were checked, the report's checks say.
    CountryShare,
    /// The share of unknown origin (`unknown`).
    UnknownShare,
    /// The stock's days of cover (`stock_days` of the material).
    StockDays,
    /// A figure the table does not show: a share of another group, a count, an index.
    Other,
}
