//! A table's header: which column holds which supply field. A header names a field as the
//! portfolio format does, in any case and ignoring spaces, `_` and `-` (`Material`,
//! `supply_id`? no: `ID`, `Extraction`, `PROCESSING`); `columns` maps a field to any other
//! header (`"amount": "Menge"`), and then wins over a header that names the field itself.

use super::{Cell, Spec};
use crate::diagnostic::{Code, Diagnostic};
use crate::portfolio::tabular::options::FIELDS;
use crate::source::Span;

/// A supply field, by its index in [`FIELDS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Field(pub(super) usize);

impl Field {
    pub(super) const ID: Field = Field(0);
    pub(super) const MATERIAL: Field = Field(1);
    pub(super) const GRADE: Field = Field(2);
    pub(super) const AMOUNT: Field = Field(3);
    pub(super) const UNIT: Field = Field(4);
    pub(super) const FORM: Field = Field(5);
    pub(super) const CONTENT: Field = Field(6);
    /// Recognized (not an unknown column), but read by nothing: a supply line's supplier is
    /// for the people who keep the file, and the ledger does not keep it.
    pub(super) const SUPPLIER: Field = Field(7);
    /// The stages, in [`crate::domain::Stage::ALL`] order.
    pub(super) const ORIGINS: [Field; 3] = [Field(8), Field(9), Field(10)];

    /// Its name.
    pub(super) fn name(self) -> &'static str {
        FIELDS[self.0]
    }
}

/// A header as compared: lower case, without spaces, `_` and `-`.
fn normalized(header: &str) -> String {
    header.chars().filter(|c| !matches!(c, ' ' | '_' | '-')).flat_map(char::to_lowercase).collect()
}

/// Which field a header holds, under the declared `columns`.
pub(super) struct Names {
    /// The normalized header each mapped field is under.
    mapped: Vec<(Field, String)>,
}

impl Names {
    pub(super) fn new(spec: &Spec<'_>) -> Self {
        let mapped = spec
            .options
            .columns
            .iter()
            .filter_map(|(field, header)| {
                let field = FIELDS.iter().position(|f| f == field)?;
                Some((Field(field), normalized(header)))
            })
            .collect();
        Names { mapped }
    }

    /// The field a header holds, if any.
    pub(super) fn field(&self, header: &str) -> Option<Field> {
        let header = normalized(header);
        if let Some((field, _)) = self.mapped.iter().find(|(_, h)| *h == header) {
            return Some(*field);
        }
        let field = Field(FIELDS.iter().position(|f| *f == header)?);
        // A field mapped to another header is not read from one that names it.
        (!self.mapped.iter().any(|(f, _)| *f == field)).then_some(field)
    }
}

/// Where each field is in a row.
#[derive(Debug, Clone)]
pub(super) struct Columns {
    /// The index in a row of each field's cell.
    pub(super) at: [Option<usize>; FIELDS.len()],
}

/// The columns of a header (its cells; `span` is the whole header row), or every error in
/// it. `ignored` gets the headers that name no field (a note lists them).
pub(super) fn map_header(
    header: &[Cell<'_>],
    span: Span,
    spec: &Spec<'_>,
    ignored: &mut Vec<String>,
) -> Result<Columns, Vec<Diagnostic>> {
    let names = Names::new(spec);
    let mut at = [None; FIELDS.len()];
    let mut errors = Vec::new();
    for (n, cell) in header.iter().enumerate() {
        let Some(field) = names.field(&cell.text) else {
            if !cell.text.trim().is_empty() {
                ignored.push(cell.text.to_string());
            }
            continue;
        };
        match at[field.0] {
            None => at[field.0] = Some(n),
            Some(first) => {
                let first: &Cell<'_> = &header[first];
                errors.push(
                    Diagnostic::new(
                        Code::TableHeader,
                        format!("two columns hold `{}`: `{}` and `{}`", field.name(), first.text, cell.text),
                    )
                    .with_label(cell.span, "second column")
                    .with_label(first.span, "first column")
                    .with_help("keep one of them, or map the one to read with `columns`"),
                );
            }
        }
    }
    // `columns` that name a header the file does not have.
    for (k, (field, wanted)) in spec.options.columns.iter().enumerate() {
        let found = header.iter().any(|cell| normalized(&cell.text) == normalized(wanted));
        if !found {
            let headers: Vec<&str> = header.iter().map(|c| c.text.as_ref()).filter(|t| !t.is_empty()).collect();
            let close = crate::suggest::did_you_mean(wanted, headers.iter().copied());
            let mut diagnostic = Diagnostic::new(
                Code::TableHeader,
                format!("the header has no column `{wanted}`, which `columns` maps `{field}` to"),
            );
            diagnostic = match spec.declared.and_then(|d| d.columns.get(k).copied()) {
                Some(declared) => diagnostic.with_label(declared, "no such header"),
                None => diagnostic.with_label(span, "the header"),
            };
            let help = match close {
                Some(close) => format!("did you mean `{close}`? The header has: {}", headers.join(", ")),
                None => format!("the header has: {}", headers.join(", ")),
            };
            errors.push(diagnostic.with_help(help));
        }
    }
    let unit_declared = spec.options.unit.is_some();
    if let (Some(n), true) = (at[Field::UNIT.0], unit_declared) {
        let mut diagnostic = Diagnostic::new(
            Code::TableHeader,
            format!("the file has a unit column, and {} declares a unit for all of it", spec.declaring()),
        )
        .with_label(header[n].span, "a unit column");
        if let Some(declared) = spec.declared.and_then(|d| d.unit) {
            diagnostic = diagnostic.with_label(declared, "a unit for the whole file");
        }
        errors.push(diagnostic.with_help("keep one: the unit column, or the declared unit (and no unit column)"));
    }
    let mut missing: Vec<Field> = [Field::MATERIAL, Field::AMOUNT].into_iter().filter(|f| at[f.0].is_none()).collect();
    if at[Field::UNIT.0].is_none() && !unit_declared {
        missing.push(Field::UNIT);
    }
    if !missing.is_empty() {
        errors.push(missing_columns(&missing, header, span, spec, ignored));
    }
    if errors.is_empty() { Ok(Columns { at }) } else { Err(errors) }
}

/// The error for required columns the header lacks, with the mapping to write where a header
/// looks like one.
fn missing_columns(
    missing: &[Field],
    header: &[Cell<'_>],
    span: Span,
    spec: &Spec<'_>,
    ignored: &[String],
) -> Diagnostic {
    let names: Vec<String> = missing.iter().map(|f| format!("`{}`", f.name())).collect();
    let (what, them) = if names.len() == 1 { ("column", "it") } else { ("columns", "them") };
    let listed = crate::text::and_list(&names);
    let found: Vec<&str> = header.iter().map(|c| c.text.as_ref()).filter(|t| !t.is_empty()).collect();
    let mut help =
        format!("the header has: {}. ", if found.is_empty() { "nothing".to_owned() } else { found.join(", ") });
    let close: Vec<String> = missing
        .iter()
        .filter_map(|field| {
            crate::suggest::did_you_mean(field.name(), ignored.iter().map(String::as_str))
                .map(|header| format!("`{}` to `{header}`", field.name()))
        })
        .collect();
    if close.is_empty() {
        help.push_str(&format!(
            "Name {them} so, or map the file's headers to the fields with {}",
            spec.declaration("columns", "{\"amount\": \"Menge\", …}")
        ));
    } else {
        help.push_str(&format!("Map {} with {}", close.join(", "), spec.declaration("columns", "{…}")));
    }
    if missing.contains(&Field::UNIT) {
        help.push_str(&format!(
            "; a file without a unit column can declare its unit: {}",
            spec.declaration("unit", "\"t\"")
        ));
    }
    Diagnostic::new(Code::TableHeader, format!("the header has no {listed} {what}"))
        .with_label(span, "the header")
        .with_help(help)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::portfolio::tabular::options::TableOptions;

    #[test]
    fn headers_name_fields_in_any_case_ignoring_spaces_and_dashes() {
        let options = TableOptions::default();
        let names = Names::new(&Spec { options: &options, declared: None });
        assert_eq!(names.field("Material"), Some(Field::MATERIAL));
        assert_eq!(names.field(" AMOUNT "), Some(Field::AMOUNT));
        assert_eq!(names.field("Extraction"), Some(Field::ORIGINS[0]));
        assert_eq!(names.field("re-cycling"), Some(Field::ORIGINS[2]));
        assert_eq!(names.field("Menge"), None);
    }

    #[test]
    fn a_mapped_field_is_read_from_its_header_only() {
        let options = TableOptions { columns: vec![("amount".into(), "Menge".into())], ..TableOptions::default() };
        let names = Names::new(&Spec { options: &options, declared: None });
        assert_eq!(names.field("menge"), Some(Field::AMOUNT));
        assert_eq!(names.field("amount"), None);
    }
}
