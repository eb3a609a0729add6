//! The JSON reader: one typed, borrowing pass over a portfolio file. Supply lines are read
//! into place and handed, in batches, to the builder (`build`), which checks what they mean
//! on a second thread; nothing per line is kept once it is in the ledger. The reader turns
//! the file's shapes into records (`record`); the builder never sees JSON.
//!
//! The pass stops at the first value the schema would refuse; the error path in
//! [`crate::json`] then reports every schema error of the file at once.

use std::fmt;
use std::sync::LazyLock;
use std::sync::mpsc::SyncSender;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use super::build::LedgerBuilder;
use super::record::{Field, Refused, StatedRecord, SupplyRecord, WaiverRecord};
use super::supplies_from::{Attached, Entry};
use super::{Portfolio, YEARS, tabular};
use crate::diagnostic::{Code, Diagnostic};
use crate::domain::Stage;
use crate::json::{self, Advice, Number, Schema, Spanned, Text, present};
use crate::reference::{Reference, is_country_code};
use crate::source::Source;

/// The portfolio schema, embedded.
pub static PORTFOLIO_SCHEMA: LazyLock<Schema> = LazyLock::new(|| {
    Schema::new(
        crate::schemas::PORTFOLIO,
        &[("supplies", "supply line"), ("waivers", "waiver")],
        "a portfolio is a JSON object with at least `year` and `supplies`; `crma-check schema` prints the format",
        Some(schema_hint),
    )
});

/// The format version this build reads.
pub const FORMAT_VERSION: u64 = 1;

/// Supply lines go to the builder's thread in batches of this many.
const BATCH: usize = 512;

/// Batches waiting for the builder, at most: bounds memory if the builder falls behind.
const QUEUE: usize = 8;

/// Reads and checks a portfolio. On failure, returns every error found (exit status 2).
/// The supply line with a value written at byte offset `probe`, if any, is kept whole in
/// [`Portfolio::probed`].
///
/// Two threads: this one parses, and hands supply lines in batches to a second one that
/// checks what they mean and adds them to the ledger (`lines`). The two halves of the work
/// are of a size, so on two cores a file is checked in about the time it takes to parse.
///
/// The files of `supplies_from` are `attached` to `source` already: their rows are read after
/// the portfolio's own supply lines, into the same builder.
pub(super) fn load<'s>(
    source: &'s Source,
    reference: &'s Reference,
    probe: Option<usize>,
    attached: &[Attached],
) -> Result<Portfolio, Vec<Diagnostic>> {
    let (sender, receiver) = std::sync::mpsc::sync_channel::<Vec<SupplyLine<'_>>>(QUEUE);
    std::thread::scope(|scope| {
        let builder = scope.spawn(move || -> Result<LedgerBuilder<'_, '_>, Refused> {
            let mut builder = LedgerBuilder::new(source, reference, probe);
            // A refused line ends the thread, and with it the channel: the parser stops too.
            for batch in receiver {
                for line in batch {
                    builder.supply(&line.into_record(source)?)?;
                }
            }
            Ok(builder)
        });
        let mut top = Top::new(sender);
        let mut deserializer = serde_json::Deserializer::from_str(source.text());
        let parsed = deserializer
            .deserialize_map(PortfolioVisitor { top: &mut top, reference })
            .and_then(|()| deserializer.end())
            .and_then(|()| top.flush().map_err(refuse));
        // Dropping the sender lets the builder see the end of the lines (a field left in a
        // `..` pattern would live to the end of the scope, and the join would wait forever).
        let Top { name, year, consumption, stocks, waivers, lines, batch } = top;
        drop((lines, batch));
        let built = builder.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        let refused = |refused: Refused| {
            error_path(source, &<serde_json::Error as de::Error>::custom(Stop(refused.what.to_owned())))
        };
        match (parsed, built) {
            (Err(error), _) => Err(error_path(source, &error)),
            (Ok(()), Err(what)) => Err(refused(what)),
            (Ok(()), Ok(mut builder)) => {
                // The supply lines of the files the portfolio takes them from, after its own.
                for file in attached {
                    builder = tabular::feed(source, file.file, &file.spec(), file.opened.clone(), reference, builder);
                }
                // After the supplies: a stock needs to know whether its material is used.
                for (key, entry) in consumption {
                    builder.consumption(&entry.into_record(key, source)).map_err(refused)?;
                }
                for (key, entry) in stocks {
                    builder.stock(&entry.into_record(key, source)).map_err(refused)?;
                }
                let waivers: Vec<WaiverRecord<'_>> = waivers.into_iter().map(|w| w.into_record(source)).collect();
                builder.finish(name, year.unwrap_or_default(), &waivers)
            }
        }
    })
}

/// Every schema error of a file the typed pass refused.
fn error_path(source: &Source, error: &serde_json::Error) -> Vec<Diagnostic> {
    let problems = json::diagnose(source, &PORTFOLIO_SCHEMA, error);
    // A file of another format version is better told so alone: its other "errors" are
    // probably features of that version.
    if let Some(version) = problems.iter().find(|p| p.pointer == "/version") {
        let span = version.diagnostic.primary_span().unwrap_or_default();
        let written = source.slice(span);
        return vec![
            Diagnostic::new(
                Code::UnsupportedVersion,
                format!("this file is format version {written}; crma-check reads format version {FORMAT_VERSION}"),
            )
            .with_label(span, "unsupported version")
            .with_help(format!(
                "check it with the crma-check release that reads this version, or write `\"version\": {FORMAT_VERSION}`"
            )),
        ];
    }
    problems.into_iter().map(|p| p.diagnostic).collect()
}

/// Domain help for schema errors: known misspellings of units, country names for codes.
fn schema_hint(pointer: &str, value: &serde_json::Value) -> Option<Advice> {
    let reference = Reference::builtin();
    let text = value.as_str()?;
    let field = pointer.rsplit('/').next()?;
    match field {
        "unit" => reference.units.advice_for(text).map(|advice| Advice {
            help: advice.to_owned(),
            replacement: reference.units.meant_by(text).map(str::to_owned),
        }),
        "extraction" | "processing" | "recycling" | "country" => {
            let (help, code) = reference.countries.code_advice(text);
            Some(Advice { help, replacement: code.map(str::to_owned) })
        }
        _ => None,
    }
}

// ---- The shapes of the file, borrowed from its text -------------------------------------

/// One supply line, as read: filled in place by [`SupplySeed`], queued for the builder, and
/// dropped once it is in the ledger.
#[derive(Default)]
struct SupplyLine<'a> {
    id: Option<Text<'a>>,
    material: Option<Text<'a>>,
    grade: Option<Text<'a>>,
    amount: Option<Spanned<'a, Number<'a>>>,
    unit: Option<Text<'a>>,
    form: Option<Text<'a>>,
    content: Option<Spanned<'a, Number<'a>>>,
    origin: Option<Origin<'a>>,
}

impl<'a> SupplyLine<'a> {
    /// The line as a record; refused if a required field is missing ([`SupplySeed`] refuses
    /// such a line, so this cannot happen).
    fn into_record(self, source: &Source) -> Result<SupplyRecord<'a>, Refused> {
        let missing = Refused { what: "missing field", span: None };
        let text = |t: Option<Text<'a>>| t.map(|t| text_field(t, source));
        let mut origin = [None, None, None];
        if let Some(written) = self.origin {
            for (slot, code) in origin.iter_mut().zip([written.extraction, written.processing, written.recycling]) {
                *slot = text(code);
            }
        }
        Ok(SupplyRecord {
            id: text(self.id),
            material: text(self.material).ok_or(missing)?,
            grade: text(self.grade),
            amount: number_field(self.amount.ok_or(missing)?, source),
            unit: text(self.unit).ok_or(missing)?,
            form: text(self.form),
            content: self.content.map(|c| number_field(c, source)),
            origin,
        })
    }
}

/// A string read as [`Text`], located where it is borrowed from the file.
fn text_field<'a>(text: Text<'a>, source: &Source) -> Field<'a> {
    let span = text.span(source);
    Field { text: text.0, span }
}

/// A value read with its span.
fn spanned_field<'a>(text: Spanned<'a, Text<'a>>, source: &Source) -> Field<'a> {
    Field { span: Some(text.span(source)), text: text.value.0 }
}

/// A number: its text, as written.
fn number_field<'a>(number: Spanned<'a, Number<'a>>, source: &Source) -> Field<'a> {
    Field::borrowed(number.value.0, number.span(source))
}

/// The fields of a supply line, as the schema names them.
const SUPPLY_FIELDS: &[&str] = &["id", "material", "grade", "amount", "unit", "form", "content", "supplier", "origin"];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Origin<'a> {
    #[serde(borrow, default, deserialize_with = "present")]
    extraction: Option<Text<'a>>,
    #[serde(borrow, default, deserialize_with = "present")]
    processing: Option<Text<'a>>,
    #[serde(borrow, default, deserialize_with = "present")]
    recycling: Option<Text<'a>>,
}

/// A consumption or stock entry.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StatedLine<'a> {
    #[serde(borrow)]
    amount: Spanned<'a, Number<'a>>,
    #[serde(borrow)]
    unit: Spanned<'a, Text<'a>>,
    #[serde(borrow, default, deserialize_with = "present")]
    grade: Option<Spanned<'a, Text<'a>>>,
    #[serde(borrow, default, deserialize_with = "present")]
    form: Option<Spanned<'a, Text<'a>>>,
    #[serde(borrow, default, deserialize_with = "present")]
    content: Option<Spanned<'a, Number<'a>>>,
}

impl<'a> StatedLine<'a> {
    /// The entry of the material written as `key`, as a record.
    fn into_record(self, key: Text<'a>, source: &Source) -> StatedRecord<'a> {
        StatedRecord {
            material: text_field(key, source),
            amount: number_field(self.amount, source),
            unit: spanned_field(self.unit, source),
            grade: self.grade.map(|g| spanned_field(g, source)),
            form: self.form.map(|f| spanned_field(f, source)),
            content: self.content.map(|c| number_field(c, source)),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WaiverLine<'a> {
    #[serde(borrow)]
    rule: Spanned<'a, Text<'a>>,
    #[serde(borrow, default, deserialize_with = "present")]
    material: Option<Spanned<'a, Text<'a>>>,
    #[serde(borrow, default, deserialize_with = "present")]
    stage: Option<Spanned<'a, Text<'a>>>,
    #[serde(borrow, default, deserialize_with = "present")]
    country: Option<Spanned<'a, Text<'a>>>,
    #[serde(borrow)]
    reason: Spanned<'a, Text<'a>>,
    #[serde(borrow, default, deserialize_with = "present")]
    owner: Option<Spanned<'a, Text<'a>>>,
    #[serde(borrow, default, deserialize_with = "present")]
    reference: Option<Spanned<'a, Text<'a>>>,
    #[serde(borrow)]
    expires: Spanned<'a, Text<'a>>,
}

impl<'a> WaiverLine<'a> {
    /// The waiver as a record.
    fn into_record(self, source: &Source) -> WaiverRecord<'a> {
        let field = |t: Spanned<'a, Text<'a>>| spanned_field(t, source);
        WaiverRecord {
            rule: field(self.rule),
            material: self.material.map(field),
            stage: self.stage.map(field),
            country: self.country.map(field),
            reason: field(self.reason),
            owner: self.owner.map(field),
            reference: self.reference.map(field),
            expires: field(self.expires),
        }
    }
}

/// Why the typed pass stops: a value the schema refuses. The message is only shown if the
/// schema, asked again, finds nothing (which the tests rule out).
#[derive(Debug)]
struct Stop(String);

impl fmt::Display for Stop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn refuse<E: de::Error>(what: impl fmt::Display) -> E {
    E::custom(Stop(what.to_string()))
}

// ---- The top level ----------------------------------------------------------------------

const FIELDS: &[&str] =
    &["$schema", "version", "name", "year", "consumption", "stocks", "supplies", "supplies_from", "waivers"];

/// What the parse keeps of the top level, and where its supply lines go.
struct Top<'de> {
    name: Option<String>,
    year: Option<u16>,
    consumption: Vec<(Text<'de>, StatedLine<'de>)>,
    stocks: Vec<(Text<'de>, StatedLine<'de>)>,
    waivers: Vec<WaiverLine<'de>>,
    batch: Vec<SupplyLine<'de>>,
    lines: SyncSender<Vec<SupplyLine<'de>>>,
}

impl<'de> Top<'de> {
    fn new(lines: SyncSender<Vec<SupplyLine<'de>>>) -> Self {
        Top {
            name: None,
            year: None,
            consumption: Vec::new(),
            stocks: Vec::new(),
            waivers: Vec::new(),
            batch: Vec::with_capacity(BATCH),
            lines,
        }
    }

    /// Queues a supply line for the builder.
    fn line(&mut self, line: SupplyLine<'de>) -> Result<(), &'static str> {
        self.batch.push(line);
        if self.batch.len() == BATCH { self.flush() } else { Ok(()) }
    }

    /// Sends the lines queued so far; fails if the builder has stopped (it refused a line).
    fn flush(&mut self) -> Result<(), &'static str> {
        if self.batch.is_empty() {
            return Ok(());
        }
        let batch = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH));
        self.lines.send(batch).map_err(|_| "a supply line was refused")
    }
}

struct PortfolioVisitor<'b, 'de> {
    top: &'b mut Top<'de>,
    reference: &'b Reference,
}

impl<'de> Visitor<'de> for PortfolioVisitor<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a portfolio object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let top = self.top;
        let mut seen = [false; FIELDS.len()];
        while let Some(key) = map.next_key::<Text<'de>>()? {
            let field = FIELDS
                .iter()
                .position(|f| *f == key.as_str())
                .ok_or_else(|| de::Error::unknown_field(key.as_str(), FIELDS))?;
            if std::mem::replace(&mut seen[field], true) {
                return Err(de::Error::duplicate_field(FIELDS[field]));
            }
            match FIELDS[field] {
                "$schema" => {
                    map.next_value::<Spanned<'de, Text<'de>>>()?;
                }
                "version" => {
                    let version = map.next_value::<Spanned<'de, Number<'de>>>()?;
                    if version.value.integer() != Some(FORMAT_VERSION) {
                        return Err(refuse("unsupported version"));
                    }
                }
                "name" => top.name = Some(map.next_value::<Spanned<'de, Text<'de>>>()?.value.0.into_owned()),
                "year" => {
                    let year = map.next_value::<Spanned<'de, Number<'de>>>()?;
                    match year.value.integer().and_then(|y| u16::try_from(y).ok()).filter(|y| YEARS.contains(y)) {
                        Some(y) => top.year = Some(y),
                        None => return Err(refuse("year out of range")),
                    }
                }
                "consumption" => {
                    map.next_value_seed(StatedSeed { entries: &mut top.consumption, what: "consumption" })?
                }
                "stocks" => map.next_value_seed(StatedSeed { entries: &mut top.stocks, what: "stock" })?,
                "supplies" => map.next_value_seed(SuppliesSeed { top: &mut *top })?,
                "supplies_from" => {
                    // Read before (`supplies_from`); here only checked.
                    let entries: Vec<Entry<'de>> = map.next_value()?;
                    for entry in &entries {
                        entry.format(self.reference).map_err(refuse)?;
                    }
                }
                "waivers" => {
                    let waivers: Vec<WaiverLine<'de>> = map.next_value()?;
                    for waiver in &waivers {
                        waiver_format(waiver).map_err(refuse)?;
                    }
                    top.waivers = waivers;
                }
                _ => unreachable!("every field is matched"),
            }
        }
        let has = |field: &str| seen[FIELDS.iter().position(|f| *f == field).unwrap_or_default()];
        if !has("year") {
            return Err(de::Error::missing_field("year"));
        }
        // Supply lines inline, from files, or both (an empty list is read, and warned about).
        if !has("supplies") && !has("supplies_from") {
            return Err(de::Error::missing_field("supplies"));
        }
        Ok(())
    }
}

struct SuppliesSeed<'b, 'de> {
    top: &'b mut Top<'de>,
}

impl<'de> DeserializeSeed<'de> for SuppliesSeed<'_, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for SuppliesSeed<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of supply lines")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        // Each line is read in place and queued for the builder's thread, which checks it,
        // adds it to the ledger and drops it: nothing per line is kept.
        while seq.next_element_seed(SupplySeed { top: &mut *self.top })?.is_some() {}
        Ok(())
    }
}

/// Reads one supply line and queues it for the builder.
struct SupplySeed<'b, 'de> {
    top: &'b mut Top<'de>,
}

impl<'de> DeserializeSeed<'de> for SupplySeed<'_, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for SupplySeed<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a supply line")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut line = SupplyLine::default();
        let mut seen = [false; SUPPLY_FIELDS.len()];
        while let Some(key) = map.next_key::<Text<'de>>()? {
            // A match, compiled to a dispatch on length and bytes: a supply line has eight
            // keys or so, and a portfolio a million lines.
            let field = match key.as_str() {
                "id" => 0,
                "material" => 1,
                "grade" => 2,
                "amount" => 3,
                "unit" => 4,
                "form" => 5,
                "content" => 6,
                "supplier" => 7,
                "origin" => 8,
                other => return Err(de::Error::unknown_field(other, SUPPLY_FIELDS)),
            };
            if std::mem::replace(&mut seen[field], true) {
                return Err(de::Error::duplicate_field(SUPPLY_FIELDS[field]));
            }
            match field {
                0 => line.id = Some(map.next_value()?),
                1 => line.material = Some(map.next_value()?),
                2 => line.grade = Some(map.next_value()?),
                3 => line.amount = Some(map.next_value()?),
                4 => line.unit = Some(map.next_value()?),
                5 => line.form = Some(map.next_value()?),
                6 => line.content = Some(map.next_value()?),
                // Read only to check that it is a string: reports do not use it.
                7 => drop(map.next_value::<Text<'de>>()?),
                _ => line.origin = Some(map.next_value()?),
            }
        }
        for (field, required) in [(1, line.material.is_some()), (3, line.amount.is_some()), (4, line.unit.is_some())] {
            if !required {
                return Err(de::Error::missing_field(SUPPLY_FIELDS[field]));
            }
        }
        self.top.line(line).map_err(refuse)
    }
}

/// Reads a map of consumption or stock entries, keyed by material.
struct StatedSeed<'b, 'de> {
    entries: &'b mut Vec<(Text<'de>, StatedLine<'de>)>,
    /// What an entry is, for serde's messages ("consumption", "stock").
    what: &'static str,
}

impl<'de> DeserializeSeed<'de> for StatedSeed<'_, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for StatedSeed<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an object of {} entries", self.what)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<Text<'de>>()? {
            if self.entries.iter().any(|(seen, _)| *seen == key) {
                return Err(refuse("duplicate key"));
            }
            let entry = map.next_value::<StatedLine<'de>>()?;
            self.entries.push((key, entry));
        }
        Ok(())
    }
}

// ---- What the schema says that serde's types do not --------------------------------------

/// What the schema says of a waiver that serde's types do not: non-empty strings, a known
/// stage, a two-letter country, a date written YYYY-MM-DD.
fn waiver_format(line: &WaiverLine<'_>) -> Result<(), &'static str> {
    if line.rule.value.as_str().is_empty()
        || line.reason.value.as_str().is_empty()
        || [&line.material, &line.owner, &line.reference]
            .iter()
            .any(|text| text.as_ref().is_some_and(|t| t.value.as_str().is_empty()))
    {
        return Err("empty string");
    }
    if line.stage.as_ref().is_some_and(|stage| Stage::parse(stage.value.as_str()).is_none()) {
        return Err("unknown stage");
    }
    if line.country.as_ref().is_some_and(|c| !is_country_code(c.value.as_str())) {
        return Err("not a two-letter code");
    }
    let date = line.expires.value.as_str();
    let well_formed = date.len() == 10
        && date.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
    if !well_formed {
        return Err("expires is not YYYY-MM-DD");
    }
    Ok(())
}
