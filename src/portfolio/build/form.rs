//! What an amount is of: a traded form (written, or implied by the material's name) or a
//! contained fraction, for supply lines and consumption and stock entries alike.

use super::LedgerBuilder;
use super::resolve::{Entry, NamedMaterial};
use crate::diagnostic::{Code, Diagnostic};
use crate::portfolio::record::{Field, Refused};
use crate::quantity::{Decimal, DecimalError};
use crate::reference::FormId;
use crate::source::Span;

impl<'de, 'r> LedgerBuilder<'de, 'r> {
    /// A record's `content`, if any: `Err(())` (with an error recorded) for one with too many
    /// digits to count exactly.
    pub(super) fn content(
        &mut self,
        content: Option<&Field<'de>>,
    ) -> Result<Result<Option<(Decimal, Span)>, ()>, Refused> {
        let Some(content) = content else { return Ok(Ok(None)) };
        let span = content.span.unwrap_or_default();
        match Decimal::parse(content.as_str()) {
            Ok(value) if !value.is_zero() && value <= Decimal::ONE => Ok(Ok(Some((value, span)))),
            Err(DecimalError::TooPrecise) => {
                self.too_precise("a content", span);
                Ok(Err(()))
            }
            // The schema refuses these.
            Ok(_) | Err(_) => Err(Refused::at("content not in (0, 1]", content)),
        }
    }

    /// The traded form a record's amount is of, with where it is written: its `form`, or the
    /// one its material name stands for (`alumina`), or none where a `content` is given.
    /// `written` is the record's material name and `form`. `None` (with an error recorded)
    /// where form and content clash, the form is unknown or of another material.
    pub(super) fn traded_form(
        &mut self,
        written: (&Field<'de>, Option<&Field<'de>>),
        material: &NamedMaterial<'r>,
        content_span: Option<Span>,
        fallback: Span,
        entry: Entry,
    ) -> Option<Option<(FormId, Span)>> {
        let (name, form) = written;
        let mut form = form.map(|f| {
            let span = f.span_or(fallback);
            (self.form(f, span), span)
        });
        if form.is_none() && content_span.is_none() {
            let implied = self.implied_form(material, name).ok()?;
            form = implied.map(|f| (Some(f), material.span));
        }
        match (form, content_span) {
            (Some((_, form_span)), Some(content_span)) => {
                self.problems.add(Code::FormAndContent, |code| {
                    Diagnostic::new(code, format!("{} gives both `form` and `content`", entry.words()))
                        .with_label(content_span, "content given here")
                        .with_label(form_span, "and a form with its own content")
                        .with_help("give `form` for a listed traded form, or `content` for anything else, not both")
                });
                None
            }
            (Some((None, _)), None) => None,
            (Some((Some(form), form_span)), None) => {
                let of_material = self.form_of(form, material, form_span, entry);
                if of_material {
                    self.content_varies(form, form_span);
                }
                of_material.then_some(Some((form, form_span)))
            }
            (None, _) => Some(None),
        }
    }

    /// Whether `form` contains the record's material; if not, an error is recorded.
    fn form_of(&mut self, form: FormId, material: &NamedMaterial<'r>, span: Span, entry: Entry) -> bool {
        let (forms, materials) = (&self.reference.forms, &self.reference.materials);
        let element = &forms.get(form).element;
        let named = material.resolved;
        if materials.has_element(named, element) {
            return true;
        }
        let form_name = &forms.get(form).id;
        let material_name = named.member.map_or(&materials.get(named.material).name, |m| &m.name);
        let of_element = materials.resolve(element);
        let element = of_element.map_or(element.clone(), |r| {
            r.member.map_or_else(|| materials.get(r.material).name.clone(), |m| m.name.clone())
        });
        let this = entry.this();
        self.problems.add(Code::FormMismatch, |code| {
            // The forms this record could have meant.
            let fitting: Vec<String> = forms
                .all()
                .filter(|f| materials.has_element(named, &f.element))
                .map(|f| format!("`{}`", f.id))
                .collect();
            let mut help = if fitting.is_empty() {
                format!("check the material and the form of {this}, or give `content`")
            } else {
                format!(
                    "check the material and the form of {this}: for {material_name} use {}, or give `content`",
                    fitting.join(" or ")
                )
            };
            // A member that counts as this record's material at other grades (neodymium, not
            // for magnets, is a light rare earth): say how to write it.
            if let Some(r) = of_element.filter(|r| r.other_grades_as == Some(named.material)) {
                let listed = materials.get(r.material).strategic.as_ref().and_then(|s| s.grade);
                let grade = listed
                    .map_or(String::new(), |g| format!(" with a `grade` other than `{}`", materials.grade_by_id(g).id));
                help.push_str(&format!(
                    "; {element} is listed under {}: write `\"material\": \"{element}\"`{grade}, which counts as {material_name}",
                    materials.get(r.material).name
                ));
            }
            Diagnostic::new(code, format!("`{form_name}` is a form of {element}, not of {material_name}"))
                .with_label(span, format!("a form of {element}"))
                .with_help(help)
        });
        false
    }
}
