//! The raw materials of the CRMA annexes (and common ones outside them), how names, aliases
//! and symbols resolve to them, and how a grade decides whether a supply is strategic.

use rustc_hash::FxHashMap;
use serde::Deserialize;

use super::forms::{FormId, Forms};
use super::grades::{Grade, GradeClaim, GradeId};
use super::normalize;

/// Index of a material in [`Materials`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MaterialId(pub(crate) u16);

/// A material: one entry of the annexes (an element, or a group such as the platinum group
/// metals), or a known material outside them.
#[derive(Debug)]
pub struct Material {
    /// Identifier (`lithium`, `rare-earths-for-magnets`).
    pub id: String,
    /// Name for sentences.
    pub name: String,
    /// Chemical symbol, where the material is one element.
    pub element: Option<String>,
    /// Elements of a group material (the seven magnet rare earths, the PGMs).
    pub members: Vec<Member>,
    /// The Annex I listing, for the 17 strategic raw materials.
    pub strategic: Option<Listing>,
    /// The Annex II listing, for the 34 critical raw materials.
    pub critical: Option<Listing>,
    /// A remark from the data file.
    pub note: Option<String>,
}

/// An element of a group material.
#[derive(Debug, Deserialize, PartialEq, Eq)]
pub struct Member {
    /// Its name (`neodymium`).
    pub name: String,
    /// Its symbol (`Nd`).
    pub symbol: String,
}

/// An annex entry.
#[derive(Debug)]
pub struct Listing {
    /// Point of Annex I, Section 1 (`h`), for strategic materials.
    pub annex_i: Option<String>,
    /// The entry as the annex words it.
    pub entry: String,
    /// The grade the listing is limited to, if any.
    pub grade: Option<GradeId>,
    /// How reports name the material at this tier.
    pub label: String,
}

/// Where a supply stands under the Act.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Tier {
    /// Annex I: the Art. 5 benchmarks apply.
    Strategic,
    /// Annex II only: reported, no Art. 5 benchmark.
    Critical,
    /// On neither list.
    OutOfScope,
}

impl Tier {
    /// An identifier for machine formats (`out-of-scope`).
    pub fn id(self) -> &'static str {
        match self {
            Tier::Strategic => "strategic",
            Tier::Critical => "critical",
            Tier::OutOfScope => "out-of-scope",
        }
    }
}

/// What a name implies beyond the material.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Implied<'a> {
    /// Nothing.
    Nothing,
    /// A grade (`magnesium metal`).
    Grade(GradeId),
    /// A traded form (`alumina`): the amount is of that form.
    Form(FormId),
    /// An ore of variable grade: `content` is required, for this reason.
    RequiresContent(&'a str),
}

/// A name resolved to a material.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resolved<'a> {
    /// The material.
    pub material: MaterialId,
    /// The member element named, if the name was one (`neodymium`).
    pub member: Option<&'a Member>,
    /// What the name implies.
    pub implied: Implied<'a>,
}

/// The tier of a supply, and whether it rests on an assumption about a missing grade.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    /// The tier.
    pub tier: Tier,
    /// The grade Annex I asks for was not given, so the supply is taken as strategic.
    pub grade_assumed: Option<GradeId>,
}

/// The materials and grades of `rules/materials.json`.
#[derive(Debug)]
pub struct Materials {
    materials: Vec<Material>,
    grades: Vec<Grade>,
    by_name: FxHashMap<String, (MaterialId, NameKind)>,
    implications: Vec<AliasImplication>,
}

#[derive(Debug, Clone, Copy)]
enum NameKind {
    Plain,
    Member(u8),
    Alias(u16),
}

#[derive(Deserialize)]
struct MaterialsFile {
    grades: Vec<Grade>,
    materials: Vec<MaterialEntry>,
}

#[derive(Deserialize)]
struct MaterialEntry {
    id: String,
    name: String,
    #[serde(default)]
    element: Option<String>,
    #[serde(default)]
    members: Vec<Member>,
    #[serde(default)]
    strategic: Option<ListingEntry>,
    #[serde(default)]
    critical: Option<ListingEntry>,
    #[serde(default)]
    aliases: Vec<AliasEntry>,
    #[serde(default)]
    note: Option<String>,
}

#[derive(Deserialize)]
struct ListingEntry {
    #[serde(default)]
    annex_i: Option<String>,
    entry: String,
    #[serde(default)]
    grade: Option<String>,
    label: String,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum AliasEntry {
    Plain(String),
    Detailed {
        name: String,
        #[serde(default)]
        grade: Option<String>,
        #[serde(default)]
        form: Option<String>,
        #[serde(default)]
        requires_content: Option<String>,
    },
}

/// What an alias implies, as stored.
#[derive(Debug)]
struct AliasImplication {
    grade: Option<GradeId>,
    form: Option<FormId>,
    requires_content: Option<String>,
}

impl Materials {
    /// Reads `rules/materials.json`; the forms its aliases name are looked up in `forms`.
    pub(super) fn from_json(text: &str, forms: &Forms) -> Result<Materials, String> {
        let file: MaterialsFile = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let grades = file.grades;
        let grade_id = |name: &Option<String>| -> Result<Option<GradeId>, String> {
            name.as_ref()
                .map(|n| {
                    grades
                        .iter()
                        .position(|g| &g.id == n)
                        .map(|i| GradeId(i as u8))
                        .ok_or_else(|| format!("unknown grade {n}"))
                })
                .transpose()
        };
        let mut materials = Vec::new();
        let mut by_name = FxHashMap::default();
        let mut implications = Vec::new();
        for entry in file.materials {
            let id = MaterialId(materials.len() as u16);
            let mut add = |name: &str, kind: NameKind| -> Result<(), String> {
                match by_name.insert(normalize(name), (id, kind)) {
                    Some((other, _)) if other != id => Err(format!("name {name:?} is used twice")),
                    _ => Ok(()),
                }
            };
            add(&entry.id, NameKind::Plain)?;
            add(&entry.name, NameKind::Plain)?;
            if let Some(symbol) = &entry.element {
                add(symbol, NameKind::Plain)?;
            }
            for (n, member) in entry.members.iter().enumerate() {
                add(&member.name, NameKind::Member(n as u8))?;
                add(&member.symbol, NameKind::Member(n as u8))?;
            }
            for alias in &entry.aliases {
                match alias {
                    AliasEntry::Plain(name) => add(name, NameKind::Plain)?,
                    AliasEntry::Detailed { name, grade, form, requires_content } => {
                        add(name, NameKind::Alias(implications.len() as u16))?;
                        implications.push(AliasImplication {
                            grade: grade_id(grade)?,
                            form: form
                                .as_ref()
                                .map(|f| forms.find(f).ok_or_else(|| format!("alias {name:?}: unknown form {f}")))
                                .transpose()?,
                            requires_content: requires_content.clone(),
                        });
                    }
                }
            }
            let listing = |l: Option<ListingEntry>| -> Result<Option<Listing>, String> {
                l.map(|l| {
                    Ok(Listing { annex_i: l.annex_i, entry: l.entry, grade: grade_id(&l.grade)?, label: l.label })
                })
                .transpose()
            };
            materials.push(Material {
                id: entry.id,
                name: entry.name,
                element: entry.element,
                members: entry.members,
                strategic: listing(entry.strategic)?,
                critical: listing(entry.critical)?,
                note: entry.note,
            });
        }
        Ok(Materials { materials, grades, by_name, implications })
    }

    /// Resolves a name, alias or chemical symbol (case-insensitive).
    pub fn resolve(&self, name: &str) -> Option<Resolved<'_>> {
        let (material, kind) = *self.by_name.get(&normalize(name))?;
        let (member, implied) = match kind {
            NameKind::Plain => (None, Implied::Nothing),
            NameKind::Member(n) => (Some(&self.get(material).members[n as usize]), Implied::Nothing),
            NameKind::Alias(n) => {
                let implication = &self.implications[n as usize];
                let implied = if let Some(grade) = implication.grade {
                    Implied::Grade(grade)
                } else if let Some(form) = implication.form {
                    Implied::Form(form)
                } else if let Some(reason) = &implication.requires_content {
                    Implied::RequiresContent(reason)
                } else {
                    Implied::Nothing
                };
                (None, implied)
            }
        };
        Some(Resolved { material, member, implied })
    }

    /// The closest known name to a misspelt one.
    pub fn suggest(&self, name: &str) -> Option<&str> {
        let names = self
            .materials
            .iter()
            .flat_map(|m| std::iter::once(m.name.as_str()).chain(m.members.iter().map(|member| member.name.as_str())));
        crate::suggest::did_you_mean(name, names)
    }

    /// The tier of a supply of `material` whose grade is as `claim` says.
    ///
    /// Where Annex I limits the entry to a grade and nothing is known of the supply's, it is
    /// taken as strategic (the stricter reading) and [`Standing::grade_assumed`] says so.
    pub fn standing(&self, material: MaterialId, claim: GradeClaim) -> Standing {
        let m = self.get(material);
        let fits = |listing: &Listing| listing.grade.is_none_or(|grade| claim.allows(grade));
        match (&m.strategic, &m.critical) {
            (Some(strategic), _) if fits(strategic) => {
                let assumed = if claim == GradeClaim::Unknown { strategic.grade } else { None };
                Standing { tier: Tier::Strategic, grade_assumed: assumed }
            }
            (_, Some(critical)) if fits(critical) => Standing { tier: Tier::Critical, grade_assumed: None },
            _ => Standing { tier: Tier::OutOfScope, grade_assumed: None },
        }
    }

    /// The grade an annex entry of `material` is limited to, if any (battery for lithium).
    pub fn listed_grade(&self, material: MaterialId) -> Option<GradeId> {
        let m = self.get(material);
        m.strategic.iter().chain(&m.critical).find_map(|listing| listing.grade)
    }

    /// How reports name `material` at `tier`.
    pub fn label(&self, material: MaterialId, tier: Tier) -> &str {
        let m = self.get(material);
        let listing = match tier {
            Tier::Strategic => m.strategic.as_ref(),
            Tier::Critical => m.critical.as_ref(),
            Tier::OutOfScope => None,
        };
        listing.map_or(&m.name, |listing| &listing.label)
    }

    /// The material behind an id.
    pub fn get(&self, id: MaterialId) -> &Material {
        &self.materials[id.0 as usize]
    }

    /// All materials.
    pub fn all(&self) -> impl Iterator<Item = (MaterialId, &Material)> {
        self.materials.iter().enumerate().map(|(n, m)| (MaterialId(n as u16), m))
    }

    /// The grade with this id.
    pub fn grade(&self, id: &str) -> Option<GradeId> {
        self.grades.iter().position(|g| g.id == id).map(|n| GradeId(n as u8))
    }

    /// All grades, in the order of the data file.
    pub fn grades(&self) -> impl Iterator<Item = &Grade> {
        self.grades.iter()
    }

    /// The grade behind an id.
    pub fn grade_by_id(&self, id: GradeId) -> &Grade {
        &self.grades[id.0 as usize]
    }

    /// Whether a traded form of element `symbol` can be a form of what `named` names: of
    /// the member it names (dysprosium oxide is no form of neodymium), else of the material
    /// or any of its members.
    pub fn has_element(&self, named: Resolved<'_>, symbol: &str) -> bool {
        if let Some(member) = named.member {
            return member.symbol.eq_ignore_ascii_case(symbol);
        }
        let m = self.get(named.material);
        m.element.as_deref().is_some_and(|e| e.eq_ignore_ascii_case(symbol))
            || m.members.iter().any(|member| member.symbol.eq_ignore_ascii_case(symbol))
    }
}
