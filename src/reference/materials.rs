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
#[derive(Debug, PartialEq, Eq)]
pub struct Member {
    /// Its name (`neodymium`).
    pub name: String,
    /// Its symbol (`Nd`).
    pub symbol: String,
    /// The material it counts as when not of the grade its material's strategic entry
    /// names (neodymium not for magnets: light rare earth elements).
    pub other_grades_as: Option<MaterialId>,
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
    /// The material it counts as when not of the grade the strategic entry names, if the
    /// name says (`neodymium`, `NdPr`: light rare earth elements).
    pub other_grades_as: Option<MaterialId>,
}

/// Where a supply counts, given what is known of its grade.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CountedAs<'a> {
    /// As the material named.
    Named,
    /// As another material: a rare earth of Annex I(n) not for magnets counts as a light
    /// or heavy rare earth element.
    Moved {
        /// The material it counts as.
        to: MaterialId,
        /// The member element, where one is known.
        element: Option<&'a Member>,
    },
    /// As another material, but which one depends on the element, and none is known.
    ElementNeeded,
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
    ambiguous: Vec<Ambiguous>,
    ambiguous_by_name: FxHashMap<String, usize>,
}

/// A name that covers several annex entries (`REE`), and how to choose among them.
#[derive(Debug)]
pub struct Ambiguous {
    /// The materials it may mean.
    pub means: Vec<MaterialId>,
    /// How to choose.
    pub help: String,
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
    #[serde(default)]
    ambiguous: Vec<AmbiguousEntry>,
}

#[derive(Deserialize)]
struct AmbiguousEntry {
    names: Vec<String>,
    means: Vec<String>,
    help: String,
}

#[derive(Deserialize)]
struct MaterialEntry {
    id: String,
    name: String,
    #[serde(default)]
    element: Option<String>,
    #[serde(default)]
    members: Vec<MemberEntry>,
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
struct MemberEntry {
    name: String,
    symbol: String,
    #[serde(default)]
    other_grades_as: Option<String>,
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
        #[serde(default)]
        other_grades_as: Option<String>,
    },
}

/// What an alias implies, as stored.
#[derive(Debug)]
struct AliasImplication {
    grade: Option<GradeId>,
    form: Option<FormId>,
    requires_content: Option<String>,
    other_grades_as: Option<MaterialId>,
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
        // `other_grades_as` may name a material further down the file: look among all entries.
        let material_ids: Vec<&str> = file.materials.iter().map(|m| m.id.as_str()).collect();
        let other_grades_as = |source: &MaterialEntry, target: &Option<String>| -> Result<Option<MaterialId>, String> {
            let Some(target) = target else { return Ok(None) };
            let id = material_ids.iter().position(|id| id == target).map(|n| MaterialId(n as u16));
            let to = id.and_then(|id| file.materials.get(usize::from(id.0)));
            let graded = source.strategic.as_ref().is_some_and(|s| s.grade.is_some());
            match to {
                Some(to) if graded && to.critical.is_some() && to.strategic.is_none() => Ok(id),
                _ => Err(format!(
                    "{}: other_grades_as {target} must name a critical, not strategic, material, for a material whose strategic entry names a grade",
                    source.id
                )),
            }
        };
        for entry in &file.materials {
            let id = MaterialId(materials.len() as u16);
            let members = entry
                .members
                .iter()
                .map(|m| {
                    let other_grades_as = other_grades_as(entry, &m.other_grades_as)?;
                    Ok(Member { name: m.name.clone(), symbol: m.symbol.clone(), other_grades_as })
                })
                .collect::<Result<Vec<_>, String>>()?;
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
            for (n, member) in members.iter().enumerate() {
                add(&member.name, NameKind::Member(n as u8))?;
                add(&member.symbol, NameKind::Member(n as u8))?;
            }
            for alias in &entry.aliases {
                match alias {
                    AliasEntry::Plain(name) => add(name, NameKind::Plain)?,
                    AliasEntry::Detailed { name, grade, form, requires_content, other_grades_as: to } => {
                        add(name, NameKind::Alias(implications.len() as u16))?;
                        implications.push(AliasImplication {
                            grade: grade_id(grade)?,
                            form: form
                                .as_ref()
                                .map(|f| forms.find(f).ok_or_else(|| format!("alias {name:?}: unknown form {f}")))
                                .transpose()?,
                            requires_content: requires_content.clone(),
                            other_grades_as: other_grades_as(entry, to)?,
                        });
                    }
                }
            }
            let listing = |l: &Option<ListingEntry>| -> Result<Option<Listing>, String> {
                l.as_ref()
                    .map(|l| {
                        Ok(Listing {
                            annex_i: l.annex_i.clone(),
                            entry: l.entry.clone(),
                            grade: grade_id(&l.grade)?,
                            label: l.label.clone(),
                        })
                    })
                    .transpose()
            };
            materials.push(Material {
                id: entry.id.clone(),
                name: entry.name.clone(),
                element: entry.element.clone(),
                members,
                strategic: listing(&entry.strategic)?,
                critical: listing(&entry.critical)?,
                note: entry.note.clone(),
            });
        }
        let mut ambiguous = Vec::new();
        let mut ambiguous_by_name = FxHashMap::default();
        for entry in file.ambiguous {
            let means = entry
                .means
                .iter()
                .map(|id| {
                    let n =
                        material_ids.iter().position(|m| m == id).ok_or(format!("ambiguous: unknown material {id}"))?;
                    Ok(MaterialId(n as u16))
                })
                .collect::<Result<Vec<_>, String>>()?;
            for name in &entry.names {
                if by_name.contains_key(&normalize(name)) {
                    return Err(format!("ambiguous name {name:?} is also a material's name"));
                }
                ambiguous_by_name.insert(normalize(name), ambiguous.len());
            }
            ambiguous.push(Ambiguous { means, help: entry.help });
        }
        Ok(Materials { materials, grades, by_name, implications, ambiguous, ambiguous_by_name })
    }

    /// The annex entries a name covers, if it covers several (`REE`, `rare earths`).
    pub fn ambiguity(&self, name: &str) -> Option<&Ambiguous> {
        self.ambiguous_by_name.get(&normalize(name)).map(|&n| &self.ambiguous[n])
    }

    /// What an ambiguous name covers, in words: "rare earth elements for magnets
    /// (strategic), light rare earth elements and heavy rare earth elements (critical)".
    pub fn describe_ambiguity(&self, ambiguous: &Ambiguous) -> String {
        let mut parts: Vec<(Tier, Vec<&str>)> = Vec::new();
        for &id in &ambiguous.means {
            let m = self.get(id);
            let tier = if m.strategic.is_some() {
                Tier::Strategic
            } else if m.critical.is_some() {
                Tier::Critical
            } else {
                Tier::OutOfScope
            };
            match parts.last_mut() {
                Some((last, names)) if *last == tier => names.push(self.label(id, tier)),
                _ => parts.push((tier, vec![self.label(id, tier)])),
            }
        }
        let parts: Vec<String> =
            parts.iter().map(|(tier, names)| format!("{} ({})", crate::text::and_list(names), tier.id())).collect();
        parts.join(", ")
    }

    /// Resolves a name, alias or chemical symbol (case-insensitive).
    pub fn resolve(&self, name: &str) -> Option<Resolved<'_>> {
        let (material, kind) = *self.by_name.get(&normalize(name))?;
        let (member, implied, other_grades_as) = match kind {
            NameKind::Plain => (None, Implied::Nothing, None),
            NameKind::Member(n) => {
                let member = &self.get(material).members[n as usize];
                (Some(member), Implied::Nothing, member.other_grades_as)
            }
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
                (None, implied, implication.other_grades_as)
            }
        };
        Some(Resolved { material, member, implied, other_grades_as })
    }

    /// Where a supply of what `named` names counts, given what is known of its grade and
    /// the element of its traded form, if any. A material whose strategic entry names a
    /// grade and whose members count elsewhere at other grades (the rare earths of Annex
    /// I(n)) moves such a supply to its element's group.
    pub fn counted_as<'a>(
        &'a self,
        named: Resolved<'a>,
        claim: GradeClaim,
        form_element: Option<&str>,
    ) -> CountedAs<'a> {
        let m = self.get(named.material);
        let Some(listed) = m.strategic.as_ref().and_then(|s| s.grade) else { return CountedAs::Named };
        if claim.allows(listed) || m.members.iter().all(|member| member.other_grades_as.is_none()) {
            return CountedAs::Named;
        }
        let by_form = form_element.and_then(|e| m.members.iter().find(|member| member.symbol.eq_ignore_ascii_case(e)));
        let element = named.member.or(by_form);
        match named.other_grades_as.or(element.and_then(|member| member.other_grades_as)) {
            Some(to) => CountedAs::Moved { to, element },
            None => CountedAs::ElementNeeded,
        }
    }

    /// Whether a declared grade can change how `material` is counted: an annex entry of it
    /// names a grade.
    pub fn counts_by_grade(&self, material: MaterialId) -> bool {
        self.listed_grade(material).is_some()
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
