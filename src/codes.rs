//! The tool's own diagnostic codes: input errors, notes about how input was read, and
//! checks of waivers. (Rule findings carry their rule's id instead.) `crma-check explain`
//! and the machine formats describe codes from this table.

use crate::diagnostic::Severity;

/// A diagnostic code of the tool itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Code {
    /// The code.
    pub id: &'static str,
    /// Its severity.
    pub severity: Severity,
    /// What it means, in a line.
    pub summary: &'static str,
    /// What to do about it.
    pub help: &'static str,
}

const fn code(id: &'static str, severity: Severity, summary: &'static str, help: &'static str) -> Code {
    Code { id, severity, summary, help }
}

/// Every code the tool emits besides rule ids.
pub const CODES: &[Code] = &[
    code("io", Severity::Error, "A file could not be read (missing, a folder, no permission).", "Check the path."),
    code("encoding", Severity::Error, "A file is not valid UTF-8.", "Save it as UTF-8, as JSON requires."),
    code("syntax", Severity::Error, "A file is not valid JSON.", "Fix the JSON at the place shown."),
    code("duplicate-key", Severity::Error, "A key is written twice in one JSON object.", "Keep one of them."),
    code(
        "schema",
        Severity::Error,
        "A value does not fit the format (a wrong type, a missing field, an unknown field, a value out of range).",
        "Fix the value; `crma-check schema` prints the format.",
    ),
    code(
        "unsupported-version",
        Severity::Error,
        "A file is of a format version this build does not read.",
        "Use the matching crma-check release.",
    ),
    code(
        "unknown-material",
        Severity::Error,
        "A material name, alias or symbol is not known.",
        "Use a name from `crma-check materials`; a suggestion is given where one is close.",
    ),
    code(
        "unknown-country",
        Severity::Error,
        "A country code is not an ISO 3166-1 alpha-2 code.",
        "Use the two-letter ISO code of the country.",
    ),
    code(
        "unknown-form",
        Severity::Error,
        "A traded form is not in the table of forms.",
        "Use a form from `crma-check forms`, or give `content` instead.",
    ),
    code(
        "form-mismatch",
        Severity::Error,
        "A traded form does not contain the line's material.",
        "Check the material and the form.",
    ),
    code("form-and-content", Severity::Error, "A line gives both `form` and `content`.", "Give one of them."),
    code(
        "content-required",
        Severity::Error,
        "A material of variable grade (an ore) is given without `content`.",
        "Give `content`, the fraction of the amount that is the material.",
    ),
    code(
        "grade-conflict",
        Severity::Error,
        "A material name implies a grade that `grade` contradicts.",
        "Make them agree.",
    ),
    code(
        "amount-range",
        Severity::Error,
        "An amount is too large, too small, or too precise to be added up exactly.",
        "Check the amount and its unit.",
    ),
    code("duplicate-id", Severity::Error, "Two supply lines have the same id.", "Give each line its own id."),
    code(
        "duplicate-consumption",
        Severity::Error,
        "Two consumption entries are for the same material (and grade).",
        "Keep one.",
    ),
    code("invalid-date", Severity::Error, "A date does not exist in the calendar.", "Write a real date, YYYY-MM-DD."),
    code(
        "duplicate-rule",
        Severity::Error,
        "A rule file defines the same rule id twice.",
        "Give each rule its own id.",
    ),
    code(
        "rule-id",
        Severity::Error,
        "A rule's id is one of crma-check's own diagnostic codes.",
        "Give the rule another id.",
    ),
    code(
        "rule-metric",
        Severity::Error,
        "A rule's metric and its parameters do not fit together.",
        "See schemas/rules.schema.json.",
    ),
    code(
        "rule-origins",
        Severity::Error,
        "A rule's `origins` is malformed or names an unknown group or country.",
        "Use groups (`EU`, `OCT`, `partners`) or ISO country codes.",
    ),
    code(
        "rule-threshold",
        Severity::Error,
        "A rule's threshold is missing, doubled or out of range.",
        "Give one of `min` and `max`, in the metric's range.",
    ),
    code(
        "rule-placeholder",
        Severity::Error,
        "A rule's message uses an unknown placeholder.",
        "Use the placeholders listed in the help.",
    ),
    code(
        "grade-assumed",
        Severity::Note,
        "Lines without a grade of a material that Annex I lists only in one grade are taken as strategic.",
        "Give `grade` on those lines.",
    ),
    code(
        "country-alias",
        Severity::Note,
        "A code that is not ISO 3166-1 was read as one that is (`EL` as `GR`, `UK` as `GB`).",
        "Write the ISO code to silence the note.",
    ),
    code(
        "consumption-exceeded",
        Severity::Note,
        "A material's supplies exceed its stated annual consumption, so its shares may add up to more than 100%.",
        "Check the consumption figure.",
    ),
    code("empty-portfolio", Severity::Warning, "The portfolio has no supply lines.", "Add supply lines."),
    code(
        "waiver-expired",
        Severity::Error,
        "A waiver's date has passed: the finding it covered counts again.",
        "Fix the finding, or renew the waiver with a new date and reason.",
    ),
    code(
        "waiver-unused",
        Severity::Warning,
        "A waiver matches no finding, or names a rule that is not active.",
        "Remove it, or correct its rule, material, stage or country.",
    ),
];

/// The code with this id.
pub fn find(id: &str) -> Option<&'static Code> {
    CODES.iter().find(|c| c.id == id)
}
