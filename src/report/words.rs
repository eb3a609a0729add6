//! Words several formats share: the outcome of a run, counts with their plurals, shares.

use crate::model::Outcome;
use crate::quantity::format_number;

/// `1 error`, `2 errors`, `1,200 supply lines`.
pub(super) fn plural(n: usize, word: &str) -> String {
    format!("{} {word}{}", format_number(n as f64), if n == 1 { "" } else { "s" })
}

/// What became of the check: `passed`, `failed`, `could not be completed`.
pub(super) fn outcome_past(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Pass => "passed",
        Outcome::Fail => "failed",
        Outcome::Unchecked => "could not be completed",
    }
}

/// What an exit status means.
pub(super) fn outcome_meaning(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Pass => "no finding at or above the fail level",
        Outcome::Fail => "findings at or above the fail level",
        Outcome::Unchecked => "a file could not be checked",
    }
}

/// A file that could not be checked: `not checked: 2 input errors`.
pub(super) fn not_checked(input_errors: usize) -> String {
    format!("not checked: {}", plural(input_errors, "input error"))
}

/// A share in percent, as the tables show it: one decimal.
pub(super) fn percent(value: f64) -> String {
    format!("{value:.1}%")
}
