//! The ratchet: a report judged against a baseline. A finding the baseline accepts does not
//! fail the check unless its value got worse by more than the tolerance; an entry that
//! matches no finding any more is a warning, so that the baseline shrinks as things get
//! fixed.
//!
//! Values are compared as the reports write them, rounded to 4 decimals, and exactly (as
//! decimals, never in binary floating point): a share that moves from 70% to 72% is worse
//! by exactly 2 percentage points, and passes a tolerance of 2. The tolerance is in
//! percentage points and applies to shares; a count or an index that gets worse by any
//! amount fails.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use super::baseline::{Entry, decimal, number};
use super::{Baseline, Key};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{BaselineState, Baselined, FileReport, Finding, Measure, Report, RuleDoc, Side};
use crate::quantity::Decimal;

/// How much worse a share may get before a baselined finding fails again, in percentage
/// points (`--tolerance`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tolerance(Decimal);

impl Default for Tolerance {
    /// None: any worsening fails.
    fn default() -> Tolerance {
        Tolerance(Decimal::ZERO)
    }
}

impl FromStr for Tolerance {
    type Err = String;

    fn from_str(text: &str) -> Result<Tolerance, String> {
        let value = Decimal::parse(text.trim())
            .map_err(|_| format!("`{text}` is not a number of percentage points (such as 0, 0.5 or 2)"))?;
        if value > Decimal::HUNDRED {
            return Err(format!("`{text}` is more than 100 percentage points"));
        }
        Ok(Tolerance(value))
    }
}

impl fmt::Display for Tolerance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let points = if self.0 == Decimal::ONE { "percentage point" } else { "percentage points" };
        write!(f, "{} {points}", self.0)
    }
}

impl Baseline {
    /// Judges `report` against this baseline: every finding of a checked file gets its
    /// [`Baselined`] state (and, unless waived, a note that says it), and the entries that
    /// match no finding become `baseline-stale` warnings in a report of the baseline file,
    /// added to the report's files. An entry is judged only where the run could tell: its
    /// file was checked in this run, or no longer exists; and its rule ran.
    pub fn judge(&self, report: &mut Report, tolerance: Tolerance) {
        let index: HashMap<&Key, usize> = self.entries.iter().enumerate().map(|(n, e)| (&e.key, n)).collect();
        let mut used = vec![false; self.entries.len()];
        let Report { files, rules, .. } = report;
        for file in files.iter_mut().filter(|f| f.checked()) {
            for finding in &mut file.findings {
                let key = Key::of(&file.path, finding);
                let entry = key.as_ref().and_then(|k| index.get(k)).copied();
                if let Some(n) = entry {
                    used[n] = true;
                }
                let rule = rules.iter().find(|r| r.id == finding.code());
                let mut baselined =
                    entry.map_or(NEW, |n| compare_values(self.entries[n].value, finding, rule, tolerance));
                if key.is_some() && finding.waived.is_none() {
                    baselined.words = words(&baselined, finding, rule, tolerance);
                    finding.notes.insert(0, baselined.words.clone());
                }
                finding.baseline = Some(baselined);
            }
        }
        let checked: Vec<String> =
            files.iter().filter(|f| f.checked()).map(|f| crate::report::repository_path(&f.path)).collect();
        let stale: Vec<Diagnostic> = self
            .entries
            .iter()
            .zip(used)
            .filter(|(_, used)| !used)
            .filter(|(entry, _)| rules.iter().any(|r| r.id == entry.key.rule))
            .filter_map(|(entry, _)| {
                let path = &entry.key.path;
                if checked.contains(path) {
                    Some(stale(entry, "which no longer has that finding", "remove the entry"))
                } else if path != "stdin" && !std::path::Path::new(path).exists() {
                    let help = "if the file was renamed, record its findings under the new name with `--write-baseline`; if it was removed, remove the entry";
                    Some(stale(entry, "which no longer exists", help))
                } else {
                    None
                }
            })
            .collect();
        if let (Some(source), false) = (&self.source, stale.is_empty()) {
            files.push(FileReport::unchecked(source.name(), Some(source.clone()), stale));
        }
    }
}

/// A finding that no entry accepts.
pub(super) const NEW: Baselined = Baselined { state: BaselineState::New, was: None, words: String::new() };

/// The warning about an entry that matched nothing.
fn stale(entry: &Entry, why: &str, help: &str) -> Diagnostic {
    let mut diagnostic =
        Diagnostic::new(Code::BaselineStale, format!("the baseline accepts {}, {why}", entry.key.describe()))
            .with_help(format!("{help}; `--write-baseline FILE` records the findings as they are now"));
    if let Some(span) = entry.span {
        diagnostic = diagnostic.with_label(span, "matches no finding");
    }
    diagnostic
}

/// How `finding` compares with a value recorded before (`before`; none accepts any value),
/// under its `rule`.
pub(super) fn compare_values(
    before: Option<Decimal>,
    finding: &Finding,
    rule: Option<&RuleDoc>,
    tolerance: Tolerance,
) -> Baselined {
    let share = rule.is_none_or(|r| r.threshold.share);
    let was = before.map(|v| measure(number(v), share));
    let now = finding.value.as_ref().and_then(|v| decimal(v.number));
    let (Some(before), Some(now)) = (before, now) else {
        // An entry without a value accepts any value.
        return Baselined { state: BaselineState::Unchanged, was, words: String::new() };
    };
    let side = rule.map_or(Side::Max, |r| r.threshold.side);
    let worse_by = match side {
        Side::Max => now.to_big() - before.to_big(),
        Side::Min => before.to_big() - now.to_big(),
    };
    let allowed = if share { tolerance.0.to_big() } else { Decimal::ZERO.to_big() };
    let zero = Decimal::ZERO.to_big();
    let state = if worse_by == zero {
        BaselineState::Unchanged
    } else if worse_by < zero {
        BaselineState::Improved
    } else if worse_by <= allowed {
        BaselineState::Tolerated
    } else {
        BaselineState::Worsened
    };
    Baselined { state, was, words: String::new() }
}

/// A value as the comparison saw it, in words (`72.5%`, `3`).
fn measure(number: f64, share: bool) -> Measure {
    Measure { number, text: if share { format!("{number}%") } else { number.to_string() } }
}

/// The note that says how a finding compares with the baseline.
fn words(baselined: &Baselined, finding: &Finding, rule: Option<&RuleDoc>, tolerance: Tolerance) -> String {
    let share = rule.is_none_or(|r| r.threshold.share);
    let now = finding.value.as_ref().map(|v| measure(v.number, share).text).unwrap_or_default();
    let was = baselined.was.as_ref().map(|w| w.text.as_str()).unwrap_or_default();
    match baselined.state {
        BaselineState::New => "new: not in the baseline".to_owned(),
        BaselineState::Unchanged if was.is_empty() => "baselined: accepted by the baseline".to_owned(),
        BaselineState::Unchanged => format!("baselined: in the baseline at {was}, unchanged"),
        BaselineState::Improved => {
            format!("baselined: better than the baseline's {was}, now {now}: `--write-baseline` records it")
        }
        BaselineState::Tolerated => {
            format!("baselined: worse than the baseline's {was}, now {now}, within the tolerance of {tolerance}")
        }
        BaselineState::Worsened if share => {
            format!("worsened since the baseline: from {was} to {now}, more than the tolerance of {tolerance}")
        }
        BaselineState::Worsened => format!("worsened since the baseline: from {was} to {now}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tolerances_are_percentage_points_from_0_to_100() {
        assert_eq!("2".parse::<Tolerance>().unwrap().to_string(), "2 percentage points");
        assert_eq!("1".parse::<Tolerance>().unwrap().to_string(), "1 percentage point");
        assert_eq!("0.25".parse::<Tolerance>().unwrap().to_string(), "0.25 percentage points");
        assert!("-1".parse::<Tolerance>().is_err());
        assert!("101".parse::<Tolerance>().is_err());
        assert!("two".parse::<Tolerance>().is_err());
    }
}
