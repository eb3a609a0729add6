//! `supplies_from`: the CSV and Excel files a portfolio takes supply lines from.
//!
//! The files are read before the portfolio itself, so that their texts are part of its
//! [`Source`] (each attached at offsets of its own) while the builder borrows it: a span then
//! names a place in the portfolio or in any of its files alike. A path is relative to the
//! portfolio's folder, and it is all that is read: no other file, nothing over a network.
//!
//! This first pass only looks for the entries; the portfolio's own pass (`json`) reads them
//! again and refuses a malformed one, so that its errors are reported with the schema's words
//! and everything else wrong with the file.

use std::fmt;
use std::path::Path;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};

use super::tabular::{self, Bytes, Declared, Kind, Spec, TableOptions};
use crate::diagnostic::{Code, Diagnostic};
use crate::json::{Spanned, Text, present};
use crate::reference::Reference;
use crate::source::{Source, Span};

/// One entry of `supplies_from`, as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Entry<'a> {
    #[serde(borrow)]
    path: Spanned<'a, Text<'a>>,
    #[serde(borrow, default, deserialize_with = "present")]
    sheet: Option<Spanned<'a, Text<'a>>>,
    #[serde(borrow, default, deserialize_with = "present")]
    delimiter: Option<Spanned<'a, Text<'a>>>,
    #[serde(borrow, default, deserialize_with = "present")]
    decimal: Option<Spanned<'a, Text<'a>>>,
    #[serde(borrow, default, deserialize_with = "present")]
    thousands: Option<Spanned<'a, Text<'a>>>,
    #[serde(borrow, default, deserialize_with = "present")]
    encoding: Option<Spanned<'a, Text<'a>>>,
    #[serde(borrow, default, deserialize_with = "present")]
    unit: Option<Spanned<'a, Text<'a>>>,
    #[serde(borrow, default, deserialize_with = "present")]
    columns: Option<Columns<'a>>,
}

/// `columns`: field → header, in the order written.
pub(super) struct Columns<'a>(Vec<(Text<'a>, Spanned<'a, Text<'a>>)>);

impl<'de: 'a, 'a> Deserialize<'de> for Columns<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ColumnsVisitor<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for ColumnsVisitor<'a> {
            type Value = Columns<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of supply fields and headers")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Columns<'a>, A::Error> {
                let mut columns: Vec<(Text<'a>, Spanned<'a, Text<'a>>)> = Vec::new();
                while let Some(field) = map.next_key::<Text<'a>>()? {
                    if columns.iter().any(|(seen, _)| *seen == field) {
                        return Err(de::Error::custom("duplicate key"));
                    }
                    columns.push((field, map.next_value()?));
                }
                Ok(Columns(columns))
            }
        }
        deserializer.deserialize_map(ColumnsVisitor(std::marker::PhantomData))
    }
}

impl Entry<'_> {
    /// What the schema says of an entry that serde's types do not: a path, and values each
    /// key allows. `Err` says what is wrong, in a few words.
    pub(super) fn format(&self, reference: &Reference) -> Result<(), &'static str> {
        let text = |v: &Option<Spanned<'_, Text<'_>>>| v.as_ref().map(|v| v.value.as_str().to_owned());
        if self.path.value.as_str().is_empty() || text(&self.sheet).is_some_and(|s| s.is_empty()) {
            return Err("empty string");
        }
        // The values the schema lists (the command line accepts a few more spellings).
        let one_of = |v: &Option<Spanned<'_, Text<'_>>>, allowed: &[&str]| {
            v.as_ref().is_none_or(|v| allowed.contains(&v.value.as_str()))
        };
        let valid = one_of(&self.delimiter, &[",", ";", "\t"])
            && one_of(&self.decimal, &[".", ","])
            && one_of(&self.thousands, &[".", ",", "'", " "])
            && one_of(&self.encoding, &["utf-8", "windows-1252", "iso-8859-1"])
            && text(&self.unit).is_none_or(|u| reference.units.find(&u).is_some())
            && self.columns.as_ref().is_none_or(|c| {
                c.0.iter().all(|(field, header)| {
                    TableOptions::parse_column(&format!("{}={}", field.as_str(), header.value.as_str())).is_ok()
                })
            });
        if valid { Ok(()) } else { Err("a value not allowed") }
    }

    /// The options it declares, and where it writes them.
    fn options(&self, source: &Source) -> (TableOptions, Declared) {
        let text = |v: &Option<Spanned<'_, Text<'_>>>| v.as_ref().map(|v| v.value.as_str().to_owned());
        let span = |v: &Option<Spanned<'_, Text<'_>>>| v.as_ref().map(|v| v.span(source));
        let columns = self.columns.as_ref().map_or(&[][..], |c| &c.0[..]);
        let options = TableOptions {
            sheet: text(&self.sheet),
            delimiter: text(&self.delimiter).and_then(|d| TableOptions::parse_delimiter(&d).ok()),
            decimal: text(&self.decimal).and_then(|d| TableOptions::parse_decimal(&d).ok()),
            thousands: text(&self.thousands).and_then(|t| TableOptions::parse_thousands(&t).ok()),
            encoding: text(&self.encoding).and_then(|e| TableOptions::parse_encoding(&e).ok()),
            unit: text(&self.unit),
            columns: columns.iter().map(|(f, h)| (f.as_str().to_owned(), h.value.as_str().trim().to_owned())).collect(),
        };
        let declared = Declared {
            path: self.path.span(source),
            sheet: span(&self.sheet),
            delimiter: span(&self.delimiter),
            decimal: span(&self.decimal),
            thousands: span(&self.thousands),
            encoding: span(&self.encoding),
            unit: span(&self.unit),
            columns: columns.iter().map(|(_, h)| h.span(source)).collect(),
        };
        (options, declared)
    }
}

/// The portfolio's top level, as far as this pass reads it.
#[derive(Deserialize)]
struct Top<'a> {
    #[serde(borrow, default)]
    supplies_from: Option<Vec<Entry<'a>>>,
}

/// A file attached to the portfolio's source, and how to read its rows.
pub(super) struct Attached {
    /// Its index among the source's files.
    pub(super) file: usize,
    pub(super) options: TableOptions,
    pub(super) declared: Declared,
    /// What opening it noted, and the headers that name no field (a worksheet's).
    pub(super) opened: (Vec<Diagnostic>, Vec<String>),
}

impl Attached {
    /// How it is declared.
    pub(super) fn spec(&self) -> Spec<'_> {
        Spec { options: &self.options, declared: Some(&self.declared) }
    }
}

/// Reads the files the portfolio `source` takes supply lines from and attaches them to it;
/// the errors of those that cannot be read (at their place in the portfolio, or in the file).
/// A portfolio whose entries are malformed is left as it is, for its own pass to report.
pub(super) fn attach(mut source: Source, reference: &Reference) -> (Source, Vec<Attached>, Vec<Diagnostic>) {
    if memchr::memmem::find(source.text().as_bytes(), b"\"supplies_from\"").is_none() {
        return (source, Vec::new(), Vec::new());
    }
    let read = source.clone();
    let Ok(Top { supplies_from: Some(entries) }) = serde_json::from_str::<Top<'_>>(read.text()) else {
        return (source, Vec::new(), Vec::new());
    };
    if entries.iter().any(|entry| entry.format(reference).is_err()) {
        return (source, Vec::new(), Vec::new());
    }
    let folder = Path::new(source.name()).parent().map(Path::to_path_buf).unwrap_or_default();
    let mut attached = Vec::new();
    let mut errors = Vec::new();
    for entry in &entries {
        let (options, declared) = entry.options(&read);
        if let (Some(decimal), Some(thousands)) = (options.decimal, options.thousands)
            && decimal == thousands
        {
            errors.push(
                Diagnostic::new(Code::Schema, format!("`{decimal}` cannot separate both decimals and thousands"))
                    .with_label(declared.thousands.unwrap_or(declared.path), "the same as `decimal`")
                    .with_help("declare the thousands separator the file uses, or leave `thousands` out"),
            );
            continue;
        }
        let path = folder.join(entry.path.value.as_str());
        let name = path.display().to_string();
        let spec = Spec { options: &options, declared: Some(&declared) };
        let kind = Kind::of_path(&path);
        if !kind.is_table() {
            let message = if path.is_file() {
                format!("`{name}` is not a CSV or Excel file")
            } else {
                format!("`{name}` does not exist")
            };
            errors.push(
                Diagnostic::new(if path.is_file() { Code::TableFormat } else { Code::Io }, message)
                    .with_label(declared.path, "this file")
                    .with_help("`supplies_from` takes CSV files (.csv, .tsv, .txt) and Excel workbooks (.xlsx, .xlsm), by their path from the portfolio's folder"),
            );
            continue;
        }
        match tabular::open(&name, kind, Bytes::Path(&path), &spec) {
            Ok(opened) => match source.attach(opened.source, declared.path) {
                Ok(file) => attached.push(Attached { file, options, declared, opened: (opened.notes, opened.ignored) }),
                Err(_) => errors.push(too_large(&name, declared.path)),
            },
            Err(failed) => {
                // A file that cannot be read: its errors at their place in it, if it has text
                // to show (one that is not UTF-8), else where the portfolio names it.
                let base = failed
                    .source
                    .and_then(|text| source.attach(text, declared.path).ok())
                    .map(|file| source.file(file).base());
                for mut error in failed.errors {
                    // In the file's own text, or labelled at its entry already (Failed::file).
                    if let Some(base) = base {
                        for label in &mut error.labels {
                            label.span = Span::new(label.span.start as usize + base, label.span.end() + base);
                        }
                    }
                    errors.push(error);
                }
            }
        }
    }
    drop(entries);
    drop(read);
    (source, attached, errors)
}

fn too_large(name: &str, at: Span) -> Diagnostic {
    Diagnostic::new(
        Code::TableFormat,
        format!("`{name}` is too large: the portfolio and its files add up to more than 4 GiB"),
    )
    .with_label(at, "this file")
    .with_help("split the supply lines into smaller files, or check them one by one")
}
