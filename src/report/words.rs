//! Words several formats share: the outcome of a run, counts with their plurals, shares.

use crate::model::{Counts, Outcome};
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
    // `+ 0.0` turns -0.0 into 0.0: never "-0.0%".
    format!("{:.1}%", value + 0.0)
}

/// Days in words: `44 days`, `0.5 days`, `1 day`.
pub(super) fn days(days: f64) -> String {
    let text = format_number(days);
    if text == "1" { "1 day".to_owned() } else { format!("{text} days") }
}

/// Days of stock cover, as the tables show them: tenths of a day, rounded down, so that a
/// table never shows more cover than there is (59.96 days are `59.9 days`, not `60 days`).
pub(super) fn cover_days(value: f64) -> String {
    let floored = (value * 10.0).floor() / 10.0;
    days(if floored == 0.0 && value > 0.0 { value } else { floored })
}

/// Counts in words: `1 input error`, or `9 errors, 2 warnings, 1 waived, 1 note`; the errors
/// and warnings are left out where input errors alone were found, since nothing was checked.
pub(super) fn counts_text(c: Counts) -> String {
    let mut parts = Vec::new();
    if c.input_errors > 0 {
        parts.push(plural(c.input_errors, "input error"));
    }
    // Nothing was checked where there are input errors only: no "0 errors, 0 warnings".
    if c.input_errors == 0 || c.errors + c.warnings > 0 {
        parts.push(plural(c.errors, "error"));
        parts.push(plural(c.warnings, "warning"));
    }
    if c.waived > 0 {
        parts.push(format!("{} waived", c.waived));
    }
    if c.baselined > 0 {
        parts.push(format!("{} baselined", c.baselined));
    }
    if c.notes > 0 {
        parts.push(plural(c.notes, "note"));
    }
    parts.join(", ")
}
