//! Waiver records: the rule, material, stage and country they narrow to, and their date.

use super::LedgerBuilder;
use crate::diagnostic::{Code, Diagnostic};
use crate::domain::Stage;
use crate::portfolio::Waiver;
use crate::portfolio::record::{Refused, WaiverRecord};

impl<'de, 'r> LedgerBuilder<'de, 'r> {
    /// Resolves a waiver whose format the reader has checked; `None` (with an error
    /// recorded) if it names an unknown material or country, or a day not in the calendar.
    pub(super) fn waiver(&mut self, record: &WaiverRecord<'de>) -> Result<Option<Waiver>, Refused> {
        let stage = record.stage.as_ref().and_then(|stage| Stage::parse(stage.as_str()));
        let material = match &record.material {
            None => None,
            Some(name) => match self.material(name, name.span.unwrap_or_default())? {
                Some(material) => Some(material.resolved.material),
                None => return Ok(None),
            },
        };
        let country = match &record.country {
            None => None,
            Some(code) => match self.country(code, code.span.unwrap_or_default())? {
                Some(country) => Some(country),
                None => return Ok(None),
            },
        };
        let expires_text = record.expires.as_str();
        let expires_span = record.expires.span.unwrap_or_default();
        let Ok(expires) = expires_text.parse::<jiff::civil::Date>() else {
            self.problems.add(Code::InvalidDate, |code| {
                Diagnostic::new(code, format!("`{expires_text}` is not a date in the calendar"))
                    .with_label(expires_span, "no such day")
            });
            return Ok(None);
        };
        Ok(Some(Waiver {
            rule: record.rule.as_str().to_owned(),
            span: record.rule.span.unwrap_or_default(),
            material,
            stage,
            country,
            reason: record.reason.as_str().to_owned(),
            owner: record.owner.as_ref().map(|o| o.as_str().to_owned()),
            reference: record.reference.as_ref().map(|r| r.as_str().to_owned()),
            expires,
            expires_span,
        }))
    }
}
