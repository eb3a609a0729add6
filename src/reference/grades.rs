//! Grades: the grades a supply may declare (`rules/materials.json`), and what is known of a
//! supply's grade. Shared by materials, whose annex entries are limited to grades, and
//! traded forms, which may fix a grade.

use serde::Deserialize;

/// Index of a grade in [`super::Materials`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GradeId(pub(crate) u8);

/// A grade a supply may declare.
#[derive(Debug, Deserialize)]
pub struct Grade {
    /// Identifier (`battery`).
    pub id: String,
    /// The grade in words, for sentences (`battery grade`, `metal`).
    pub phrase: String,
    /// What it means.
    pub description: String,
}

/// What is known of a supply's grade: declared, implied by its name or its traded form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GradeClaim {
    /// Nothing.
    Unknown,
    /// This grade.
    Is(GradeId),
    /// A grade other than this one (a form that never is it: titanium dioxide is no metal).
    Not(GradeId),
}

impl GradeClaim {
    /// Whether a supply of which this is known may be of `grade`.
    pub fn allows(self, grade: GradeId) -> bool {
        match self {
            GradeClaim::Unknown => true,
            GradeClaim::Is(known) => known == grade,
            GradeClaim::Not(excluded) => excluded != grade,
        }
    }
}
