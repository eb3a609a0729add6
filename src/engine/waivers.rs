//! Waivers: accepted, time-limited exceptions. A finding matched by an unexpired waiver is
//! reported as waived; an expired waiver is an error; one that matches nothing is a warning
//! (stale exceptions are how exceptions outlive their reasons).

use super::evaluate::Target;
use crate::diagnostic::{Code, Label};
use crate::model::{Finding, Waived};
use crate::portfolio::{Portfolio, Waiver};
use crate::reference::Reference;

/// When waivers are judged: the day, and how many days ahead of its last day a waiver in
/// use is announced as expiring (`--waiver-notice-days`; 0: never).
#[derive(Debug, Clone, Copy)]
pub(crate) struct WaiverDates {
    pub today: jiff::civil::Date,
    pub notice_days: u16,
}

/// Applies the portfolio's waivers to `findings` as of `dates.today`, and returns the
/// findings about the waivers themselves. `active` are the ids of the rules that ran; `known`
/// every rule id, ran or not (a waiver of a rule left out by `--ignore` is not reported
/// unused).
pub fn apply_waivers(
    portfolio: &Portfolio,
    findings: &mut [(Target, Finding)],
    reference: &Reference,
    dates: WaiverDates,
    active: &[&str],
    known: &[&str],
) -> Vec<Finding> {
    let today = dates.today;
    let mut used = vec![false; portfolio.waivers.len()];
    for (target, finding) in findings.iter_mut() {
        for (n, waiver) in portfolio.waivers.iter().enumerate() {
            if matches(waiver, *target, finding, reference) {
                used[n] = true;
                if waiver.expires >= today {
                    finding.waived = Some(Waived {
                        reason: waiver.reason.clone(),
                        expires: waiver.expires,
                        owner: waiver.owner.clone(),
                        reference: waiver.reference.clone(),
                    });
                    break;
                }
            }
        }
    }
    let mut own = Vec::new();
    for (waiver, used) in portfolio.waivers.iter().zip(used) {
        let what = describe(waiver, reference);
        if waiver.expires < today {
            own.push(Finding::of_code(
                Code::WaiverExpired,
                format!("the waiver of {what} expired on {}", waiver.expires),
                vec![Label::new(waiver.expires_span, "expired"), Label::new(waiver.span, String::new())],
                "the finding it covered counts again: fix it, or renew the waiver with a new date and reason",
            ));
        } else if !known.contains(&waiver.rule.as_str()) {
            let help = match crate::suggest::did_you_mean(&waiver.rule, known.iter().copied()) {
                Some(close) => format!("did you mean `{close}`?"),
                None => format!("the rules are {}", known.join(", ")),
            };
            own.push(Finding::of_code(
                Code::WaiverUnused,
                format!("the waiver names rule `{}`, which is not an active rule", waiver.rule),
                vec![Label::new(waiver.span, "no such rule")],
                &help,
            ));
        } else if !used && active.contains(&waiver.rule.as_str()) {
            own.push(Finding::of_code(
                Code::WaiverUnused,
                format!("the waiver of {what} matches no finding"),
                vec![Label::new(waiver.span, "matches nothing")],
                "remove it: what it was for no longer occurs (or narrow `material`, `stage` and `country` to what does)",
            ));
        } else if let Some(days) = days_left(today, waiver.expires).filter(|d| *d < i64::from(dates.notice_days)) {
            let when = match days {
                0 => "today, its last day".to_owned(),
                1 => "tomorrow".to_owned(),
                n => format!("in {n} days"),
            };
            let owner = waiver.owner.as_ref().map(|o| format!("; its owner is {o}")).unwrap_or_default();
            own.push(Finding::of_code(
                Code::WaiverExpiring,
                format!("the waiver of {what} expires on {}, {when}", waiver.expires),
                vec![Label::new(waiver.expires_span, format!("expires {when}")), Label::new(waiver.span, String::new())],
                &format!("the finding it covers counts again after that day: fix it, or renew the waiver with a new date and reason{owner}"),
            ));
        }
    }
    own
}

/// Whole days from `today` to `expires` (0 on the day itself).
fn days_left(today: jiff::civil::Date, expires: jiff::civil::Date) -> Option<i64> {
    today.until((jiff::Unit::Day, expires)).ok().map(|span| i64::from(span.get_days()))
}

fn matches(waiver: &Waiver, target: Target, finding: &Finding, reference: &Reference) -> bool {
    if waiver.rule != finding.code() {
        return false;
    }
    if let Some(material) = waiver.material {
        match target {
            Target::Row(key) if key.material == material => {}
            _ => return false,
        }
    }
    if waiver.stage.is_some() && waiver.stage != finding.check.stage {
        return false;
    }
    if let Some(country) = waiver.country {
        let code = &reference.countries.get(country).code;
        if finding.check.country.as_ref().is_none_or(|c| &c.code != code) {
            return false;
        }
    }
    true
}

fn describe(waiver: &Waiver, reference: &Reference) -> String {
    let mut parts = Vec::new();
    if let Some(material) = waiver.material {
        parts.push(reference.materials.get(material).name.clone());
    }
    if let Some(stage) = waiver.stage {
        parts.push(stage.as_str().to_owned());
    }
    if let Some(country) = waiver.country {
        parts.push(reference.countries.get(country).code.clone());
    }
    if parts.is_empty() { waiver.rule.clone() } else { format!("{} ({})", waiver.rule, parts.join(", ")) }
}
