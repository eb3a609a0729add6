//! The tool's own diagnostic codes: input errors, notes about how input was read, and
//! checks of waivers. (Rule findings carry their rule's id instead.) Each code's id, severity,
//! summary and help are written once, here; `crma-check explain` and the machine formats
//! describe codes from this table.
//!
//! To add a code: one line in the table below; then `Code::NewCode.diagnostic(message)`.

use super::Severity;

macro_rules! codes {
    ($( $(#[$doc:meta])* $variant:ident = $id:literal, $severity:ident, $summary:literal, $help:literal; )*) => {
        /// A diagnostic code of the tool itself.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $( $(#[$doc])* $variant, )*
        }

        impl Code {
            /// Every code, in the order of the table.
            pub const ALL: &[Code] = &[ $( Code::$variant, )* ];

            /// The code as written in reports (`unknown-material`).
            pub fn id(self) -> &'static str {
                match self { $( Code::$variant => $id, )* }
            }

            /// Its severity: every diagnostic of this code has it.
            pub fn severity(self) -> Severity {
                match self { $( Code::$variant => Severity::$severity, )* }
            }

            /// What it means, in a line.
            pub fn summary(self) -> &'static str {
                match self { $( Code::$variant => $summary, )* }
            }

            /// What to do about it, in general (a diagnostic's own help may say more).
            pub fn help(self) -> &'static str {
                match self { $( Code::$variant => $help, )* }
            }
        }
    };
}

codes! {
    /// A file could not be read (missing, a folder, no permission).
    Io = "io", Error,
        "A file could not be read (missing, a folder, no permission).",
        "Check the path.";
    /// A file is not valid UTF-8.
    Encoding = "encoding", Error,
        "A file is not valid UTF-8.",
        "Save it as UTF-8, as JSON requires.";
    /// A file is not valid JSON.
    Syntax = "syntax", Error,
        "A file is not valid JSON.",
        "Fix the JSON at the place shown.";
    /// A key is written twice in one JSON object.
    DuplicateKey = "duplicate-key", Error,
        "A key is written twice in one JSON object.",
        "Keep one of them.";
    /// A value does not fit the format (a wrong type, a missing field, an unknown field, a value out of range).
    Schema = "schema", Error,
        "A value does not fit the format (a wrong type, a missing field, an unknown field, a value out of range).",
        "Fix the value; `crma-check schema` prints the format.";
    /// A file is of a format version this build does not read.
    UnsupportedVersion = "unsupported-version", Error,
        "A file is of a format version this build does not read.",
        "Use the matching crma-check release.";
    /// A material name, alias or symbol is not known.
    UnknownMaterial = "unknown-material", Error,
        "A material name, alias or symbol is not known.",
        "Use a name from `crma-check materials`; a suggestion is given where one is close.";
    /// A name covers several annex entries (`REE`, `rare earths`): it cannot be counted as one.
    AmbiguousMaterial = "ambiguous-material", Error,
        "A name covers several annex entries (`REE`, `rare earths`): it cannot be counted as one.",
        "Name one entry, or one element per line; the help lists them.";
    /// A country code is not an ISO 3166-1 alpha-2 code.
    UnknownCountry = "unknown-country", Error,
        "A country code is not an ISO 3166-1 alpha-2 code.",
        "Use the two-letter ISO code of the country.";
    /// A traded form is not in the table of forms.
    UnknownForm = "unknown-form", Error,
        "A traded form is not in the table of forms.",
        "Use a form from `crma-check forms`, or give `content` instead.";
    /// A traded form does not contain the line's material.
    FormMismatch = "form-mismatch", Error,
        "A traded form does not contain the line's material.",
        "Check the material and the form.";
    /// A line gives both `form` and `content`.
    FormAndContent = "form-and-content", Error,
        "A line gives both `form` and `content`.",
        "Give one of them.";
    /// A material of variable grade (an ore) is given without `content`.
    ContentRequired = "content-required", Error,
        "A material of variable grade (an ore) is given without `content`.",
        "Give `content`, the fraction of the amount that is the material.";
    /// A material name or a traded form implies a grade that `grade` contradicts (or the name and the form disagree).
    GradeConflict = "grade-conflict", Error,
        "A material name or a traded form implies a grade that `grade` contradicts (or the name and the form disagree).",
        "Make them agree.";
    /// An amount is too large, too small, or too precise to be added up exactly.
    AmountRange = "amount-range", Error,
        "An amount is too large, too small, or too precise to be added up exactly.",
        "Check the amount and its unit.";
    /// Two supply lines have the same id.
    DuplicateId = "duplicate-id", Error,
        "Two supply lines have the same id.",
        "Give each line its own id.";
    /// Two consumption entries are for the same material (and grade).
    DuplicateConsumption = "duplicate-consumption", Error,
        "Two consumption entries are for the same material (and grade).",
        "Keep one.";
    /// A date does not exist in the calendar.
    InvalidDate = "invalid-date", Error,
        "A date does not exist in the calendar.",
        "Write a real date, YYYY-MM-DD.";
    /// A rule file defines the same rule id twice.
    DuplicateRule = "duplicate-rule", Error,
        "A rule file defines the same rule id twice.",
        "Give each rule its own id.";
    /// A rule's id is one of crma-check's own diagnostic codes.
    RuleId = "rule-id", Error,
        "A rule's id is one of crma-check's own diagnostic codes.",
        "Give the rule another id.";
    /// A rule's metric and its parameters do not fit together.
    RuleMetric = "rule-metric", Error,
        "A rule's metric and its parameters do not fit together.",
        "See schemas/rules.schema.json.";
    /// A rule's `origins` is malformed or names an unknown group or country.
    RuleOrigins = "rule-origins", Error,
        "A rule's `origins` is malformed or names an unknown group or country.",
        "Use groups (`EU`, `OCT`, `partners`) or ISO country codes.";
    /// A rule's threshold is missing, doubled or out of range.
    RuleThreshold = "rule-threshold", Error,
        "A rule's threshold is missing, doubled or out of range.",
        "Give one of `min` and `max`, in the metric's range.";
    /// A rule's message uses an unknown placeholder.
    RulePlaceholder = "rule-placeholder", Error,
        "A rule's message uses an unknown placeholder.",
        "Use the placeholders listed in the help.";
    /// Lines without a grade of a material that Annex I lists only in one grade (or use) are taken as strategic.
    GradeAssumed = "grade-assumed", Note,
        "Lines without a grade of a material that Annex I lists only in one grade (or use) are taken as strategic.",
        "Give `grade` on those lines.";
    /// A rare earth element of Annex I(n) of another grade than `magnet`: counted as a light or heavy rare earth element.
    NotForMagnets = "not-for-magnets", Note,
        "A rare earth element of Annex I(n) is declared with a grade other than `magnet`: it is counted as a light or heavy rare earth element (critical), not as strategic.",
        "Write `\"grade\": \"magnet\"`, or leave `grade` out, for supplies that go into permanent magnets.";
    /// A non-magnet grade is declared for rare earths for magnets without naming the element.
    ElementNeeded = "element-needed", Error,
        "A grade other than `magnet` is declared for rare earths for magnets without naming the element, so the light or heavy group cannot be told.",
        "Name the element (`cerium`, `Nd` …) or give a form of it; split a mix into one line per element.";
    /// A declared grade changes nothing: none of the material's annex entries names a grade.
    GradeNoEffect = "grade-no-effect", Note,
        "A declared grade does not change how the material is counted: none of its annex entries names a grade.",
        "Leave `grade` out for this material, or check the material.";
    /// A traded form is never the grade an annex entry names: the supply is counted at another grade.
    GradeFromForm = "grade-from-form", Note,
        "A traded form is never the grade an annex entry names (titanium dioxide is not titanium metal): the supply is counted at another grade.",
        "Nothing to do if the form is right; if the supply is bought to be made into the listed grade, give `content` and `grade` instead of the form.";
    /// A traded form is counted at its formula's content, but the traded product's content varies.
    ContentVaries = "content-varies", Note,
        "A traded form is counted at its formula's content, but the traded product's content varies (impure intermediates, hydrates, concentrates priced on a basis).",
        "If the lot is not the pure or benchmark product, replace `form` by `content`, its assayed fraction.";
    /// A code that is not ISO 3166-1 was read as one that is (`EL` as `GR`, `UK` as `GB`).
    CountryAlias = "country-alias", Note,
        "A code that is not ISO 3166-1 was read as one that is (`EL` as `GR`, `UK` as `GB`).",
        "Write the ISO code to silence the note.";
    /// A code outside ISO 3166-1 that official statistics use was read as a country (`XK`, Kosovo).
    UserAssignedCountry = "user-assigned-country", Note,
        "A code outside ISO 3166-1 that official statistics use was read as a country (`XK`, Kosovo).",
        "Nothing to do; the note says how the code is counted.";
    /// A recycled supply also names an extraction country: it is not counted at extraction.
    RecycledExtraction = "recycled-extraction", Note,
        "A recycled supply (one with a `recycling` country) also names an `extraction` country: it is not counted at extraction.",
        "Leave `extraction` out of recycled lines, or split the line into its primary and its recycled part.";
    /// A material's supplies exceed its stated annual consumption, so its shares may add up to more than 100%.
    ConsumptionExceeded = "consumption-exceeded", Note,
        "A material's supplies exceed its stated annual consumption, so its shares may add up to more than 100%.",
        "Check the consumption figure.";
    /// The portfolio has no supply lines.
    EmptyPortfolio = "empty-portfolio", Warning,
        "The portfolio has no supply lines.",
        "Add supply lines.";
    /// A waiver's date has passed: the finding it covered counts again.
    WaiverExpired = "waiver-expired", Error,
        "A waiver's date has passed: the finding it covered counts again.",
        "Fix the finding, or renew the waiver with a new date and reason.";
    /// A waiver matches no finding, or names a rule that is not active.
    WaiverUnused = "waiver-unused", Warning,
        "A waiver matches no finding, or names a rule that is not active.",
        "Remove it, or correct its rule, material, stage or country.";
    /// A cut of a stress scenario names an unknown origin or a share out of range.
    ScenarioCut = "scenario-cut", Error,
        "A cut of a stress scenario names an unknown origin, or a share lost that is not a percentage from 0 (excluded) to 100 with at most 6 decimals.",
        "Name a group (`EU`, `OCT`, `partners`) or an ISO country code, and a percentage such as 50.";
    /// Two stock entries are for the same material (and grade).
    DuplicateStock = "duplicate-stock", Error,
        "Two stock entries are for the same material (and grade).",
        "Keep one: the stock held, all locations together.";
    /// A stock of a material the portfolio neither buys nor consumes: it covers no days.
    UnusedStock = "unused-stock", Warning,
        "A stock of a material the portfolio neither buys nor consumes: it has no days of cover.",
        "Give the material's annual consumption or its supply lines, or remove the stock.";

    /// A baseline entry matches no finding any more: what it accepted was fixed, or its file is gone.
    BaselineStale = "baseline-stale", Warning,
        "A baseline entry matches no finding any more: what it accepted was fixed, or its file was renamed or removed.",
        "Remove the entry, or record the findings as they are now with `--write-baseline FILE`.";
    /// A baseline lists the same finding twice.
    DuplicateEntry = "duplicate-entry", Error,
        "A baseline lists the same finding (path, rule, material, stage, country) twice.",
        "Keep one of them; `--write-baseline` writes each finding once.";
    /// A waiver expires soon: the finding it covers will count again.
    WaiverExpiring = "waiver-expiring", Warning,
        "A waiver expires within the notice period (`--waiver-notice-days`, 30 days by default): the finding it covers will count again.",
        "Fix the finding before then, or renew the waiver with a new date and reason.";
    /// A rule file's `extends` names a file that cannot be read, or extends itself.
    RuleExtends = "rule-extends", Error,
        "A rule file's `extends` names a file that cannot be read, or a chain of `extends` leads back to the file itself.",
        "Give paths relative to the rule file that extends them, and no cycle.";
    /// A setting of the project file (`crma-check.toml`) is unknown or invalid.
    Config = "config", Error,
        "A setting of the project file (`crma-check.toml`) is unknown or has a wrong value.",
        "The settings are `rules`, `select`, `ignore`, `fail_on`, `year`, `baseline`, `tolerance` and `waiver_notice_days`.";

    /// A CSV or Excel file cannot be read as a table.
    TableFormat = "table-format", Error,
        "A CSV or Excel file cannot be read as a table: a quote never closed, a row with more or fewer cells than the header, a delimiter that cannot be told from the header, a sheet that is not there or cannot be told, a file that is not a workbook.",
        "Fix the file at the place shown, or declare what cannot be told from it (`delimiter`, `sheet`).";
    /// A table's header lacks a required column, names one twice, or lacks one `columns` names.
    TableHeader = "table-header", Error,
        "A table's header lacks a required column (`material`, `amount`, `unit`), has a column for one field twice, or does not have a column that `columns` names.",
        "Name the columns as the supply fields are named, or map the file's headers to the fields with `columns`.";
    /// Columns of a table that are not supply fields were ignored.
    UnknownColumns = "unknown-columns", Note,
        "Columns of a CSV or Excel file that are not supply fields were ignored (an export has many).",
        "Nothing to do; if one of them holds a supply field under another name, map it with `columns`.";
    /// A cell of a CSV or Excel file does not fit its column.
    CellValue = "cell-value", Error,
        "A cell of a CSV or Excel file does not fit its column: empty where a value is required, a number that does not parse under the file's declared decimal and thousands separators, an amount not greater than 0, an unknown unit or grade, a country that is not a two-letter code, an Excel error or date where a number belongs.",
        "Fix the cell; if the file writes numbers another way, declare it (`decimal`, `thousands`): nothing is guessed.";
    /// A CSV or Excel file checked on its own has no reporting year.
    YearRequired = "year-required", Error,
        "A CSV or Excel file checked on its own has no reporting year.",
        "Give `--year`, or check it through a portfolio that names the year and takes its supply lines from the file (`supplies_from`).";
    /// A file declared windows-1252 or ISO 8859-1 is valid UTF-8 with non-ASCII characters.
    EncodingMismatch = "encoding-mismatch", Warning,
        "A file declared as windows-1252 or ISO 8859-1 is valid UTF-8 and has non-ASCII characters: read as declared, they are probably garbled (`Müller` as `MÃ¼ller`).",
        "Remove the `encoding` declaration if the file is UTF-8.";
}

impl Code {
    /// The code with this id.
    pub fn find(id: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|c| c.id() == id)
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_found() {
        for code in Code::ALL {
            assert_eq!(Code::find(code.id()), Some(*code));
        }
        assert_eq!(Code::find("CRM004"), None);
    }
}
