//! Countries of origin (ISO 3166-1 alpha-2), the readings of non-ISO codes users write
//! (`EL` for Greece, `UK`), and named groups of countries (the EU, the OCTs, partners).

use serde::Deserialize;

/// Index of a country in [`Countries`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CountryId(pub(crate) u16);

/// A country or territory with its own ISO 3166-1 alpha-2 code (or a user-assigned code in
/// official use, `XK` for Kosovo).
#[derive(Debug, PartialEq, Eq)]
pub struct Country {
    /// The code, upper case.
    pub code: String,
    /// A short name for sentences ("DR Congo").
    pub name: String,
    /// Shown whenever the code is used: for a code outside ISO 3166-1, what it is.
    pub note: Option<String>,
}

/// A code that is read as another (`EL` → `GR`), with the note shown when it is.
#[derive(Debug, PartialEq, Eq)]
pub struct CountryAlias {
    /// The code as users write it.
    pub code: String,
    /// The country it is read as.
    pub means: CountryId,
    /// Why, for the note shown to the user.
    pub note: String,
}

/// Index of a group in [`Countries`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GroupId(pub(crate) u16);

/// A named set of countries.
#[derive(Debug)]
pub struct Group {
    /// Identifier used in rule files (`EU`, `OCT`, `partners`).
    pub id: String,
    /// Name for sentences ("the EU").
    pub name: String,
    members: CountrySet,
    /// Members that belong only from a year on (a partnership signed then), with the year.
    since: Vec<(CountryId, u16)>,
    territories: Vec<Territory>,
}

/// A territory with its own ISO code that counts with a member of a group (an outermost
/// region of France, Åland).
#[derive(Debug)]
pub struct Territory {
    /// The territory.
    pub country: CountryId,
    /// The member it belongs to.
    pub part_of: CountryId,
    /// What it is and why it counts, from the data file.
    pub note: String,
}

impl Group {
    /// Whether `country` belongs to the group in any year.
    pub fn contains(&self, country: CountryId) -> bool {
        self.members.contains(country)
    }

    /// `country` as a territory counted with a member, if it is one.
    pub fn territory(&self, country: CountryId) -> Option<&Territory> {
        self.territories.iter().find(|t| t.country == country)
    }

    /// Whether `country` belongs to the group in `year`.
    pub fn contains_in(&self, country: CountryId, year: u16) -> bool {
        self.contains(country) && self.since(country).is_none_or(|since| since <= year)
    }

    /// The year from which `country` belongs, where it does not belong in every year.
    pub fn since(&self, country: CountryId) -> Option<u16> {
        self.since.iter().find(|(c, _)| *c == country).map(|(_, year)| *year)
    }

    /// The members, including territories counted with them, in any year.
    pub fn members(&self) -> &CountrySet {
        &self.members
    }

    /// The members that belong only from a year on, with the year.
    pub fn dated_members(&self) -> &[(CountryId, u16)] {
        &self.since
    }
}

/// A set of countries, as a bit set over [`CountryId`]s.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CountrySet(Vec<u64>);

impl CountrySet {
    /// Adds a country.
    pub fn insert(&mut self, country: CountryId) {
        let (word, bit) = (country.0 as usize / 64, country.0 % 64);
        if self.0.len() <= word {
            self.0.resize(word + 1, 0);
        }
        self.0[word] |= 1 << bit;
    }

    /// Whether the set holds `country`.
    pub fn contains(&self, country: CountryId) -> bool {
        let (word, bit) = (country.0 as usize / 64, country.0 % 64);
        self.0.get(word).is_some_and(|w| w & (1 << bit) != 0)
    }

    /// Takes a country out.
    pub fn remove(&mut self, country: CountryId) {
        let (word, bit) = (country.0 as usize / 64, country.0 % 64);
        if let Some(w) = self.0.get_mut(word) {
            *w &= !(1 << bit);
        }
    }

    /// Adds every member of `other`.
    pub fn union_with(&mut self, other: &CountrySet) {
        if self.0.len() < other.0.len() {
            self.0.resize(other.0.len(), 0);
        }
        for (mine, theirs) in self.0.iter_mut().zip(&other.0) {
            *mine |= theirs;
        }
    }
}

/// How a code in a portfolio was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CountryReading<'a> {
    /// An ISO code.
    Iso(CountryId),
    /// A code read as another, with its note.
    Alias(&'a CountryAlias),
}

impl CountryReading<'_> {
    /// The country meant.
    pub fn country(self) -> CountryId {
        match self {
            CountryReading::Iso(id) => id,
            CountryReading::Alias(alias) => alias.means,
        }
    }
}

/// Why a code is not a country.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnknownCountry<'a> {
    /// A reserved code with specific advice (`EU`).
    Reserved(&'a str),
    /// No such code; maybe a suggestion.
    Unknown(Option<&'a Country>),
}

/// The countries and groups of `rules/countries.json`.
#[derive(Debug)]
pub struct Countries {
    countries: Vec<Country>,
    /// Every pair of letters A–Z, read: the hot path's lookup, one index, no hashing.
    table: Vec<Slot>,
    aliases: Vec<CountryAlias>,
    reserved: Vec<Reserved>,
    groups: Vec<Group>,
}

/// What a pair of letters reads as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    Iso(CountryId),
    Alias(u16),
    Other,
}

/// Whether `text` has the form of a country code: two ASCII letters (the schema's pattern).
pub fn is_country_code(text: &str) -> bool {
    slot_index(text).is_some()
}

/// The index of a two-letter code in the table (any case), if it is two ASCII letters.
fn slot_index(code: &str) -> Option<usize> {
    match code.as_bytes() {
        [a, b] if a.is_ascii_alphabetic() && b.is_ascii_alphabetic() => {
            Some(usize::from(a.to_ascii_uppercase() - b'A') * 26 + usize::from(b.to_ascii_uppercase() - b'A'))
        }
        _ => None,
    }
}

#[derive(Debug, Deserialize)]
struct Reserved {
    code: String,
    help: String,
}

#[derive(Deserialize)]
struct CountriesFile {
    countries: Vec<CountryEntry>,
    aliases: Vec<AliasEntry>,
    reserved: Vec<Reserved>,
    groups: Vec<GroupEntry>,
}

#[derive(Deserialize)]
struct CountryEntry {
    code: String,
    name: String,
    #[serde(default)]
    note: Option<String>,
}

#[derive(Deserialize)]
struct AliasEntry {
    code: String,
    means: String,
    note: String,
}

#[derive(Deserialize)]
struct GroupEntry {
    id: String,
    name: String,
    members: Vec<String>,
    #[serde(default)]
    territories: Vec<TerritoryEntry>,
    /// Member code → the day it joined (`YYYY-MM-DD`).
    #[serde(default)]
    since: std::collections::BTreeMap<String, String>,
}

#[derive(Deserialize)]
struct TerritoryEntry {
    code: String,
    part_of: String,
    note: String,
}

impl Countries {
    pub(super) fn from_json(text: &str) -> Result<Countries, String> {
        let file: CountriesFile = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let countries: Vec<Country> =
            file.countries.into_iter().map(|c| Country { code: c.code, name: c.name, note: c.note }).collect();
        let mut table = vec![Slot::Other; 26 * 26];
        for (n, country) in countries.iter().enumerate() {
            let i = slot_index(&country.code).ok_or(format!("bad code {}", country.code))?;
            if table[i] != Slot::Other {
                return Err(format!("{} is listed twice", country.code));
            }
            table[i] = Slot::Iso(CountryId(n as u16));
        }
        let lookup = |code: &str| match slot_index(code).map(|i| table[i]) {
            Some(Slot::Iso(id)) => Ok(id),
            _ => Err(format!("unknown country code {code} in countries.json")),
        };
        let aliases: Vec<CountryAlias> = file
            .aliases
            .into_iter()
            .map(|a| Ok(CountryAlias { means: lookup(&a.means)?, code: a.code, note: a.note }))
            .collect::<Result<_, String>>()?;
        let groups = file
            .groups
            .into_iter()
            .map(|g| {
                let mut members = CountrySet::default();
                for code in g.members.iter().chain(g.territories.iter().map(|t| &t.code)) {
                    members.insert(lookup(code)?);
                }
                let mut since = Vec::new();
                for (code, date) in &g.since {
                    let country = lookup(code)?;
                    if !members.contains(country) {
                        return Err(format!("group {}: {code} has a date but is not a member", g.id));
                    }
                    let date: jiff::civil::Date =
                        date.parse().map_err(|e| format!("group {}: {code}: {date:?} is not a date: {e}", g.id))?;
                    since.push((country, date.year() as u16));
                }
                let territories = g
                    .territories
                    .into_iter()
                    .map(|t| Ok(Territory { country: lookup(&t.code)?, part_of: lookup(&t.part_of)?, note: t.note }))
                    .collect::<Result<_, String>>()?;
                Ok(Group { id: g.id, name: g.name, members, since, territories })
            })
            .collect::<Result<_, String>>()?;
        for (n, alias) in aliases.iter().enumerate() {
            let i = slot_index(&alias.code).ok_or(format!("bad code {}", alias.code))?;
            if table[i] != Slot::Other {
                return Err(format!("{} is listed twice", alias.code));
            }
            table[i] = Slot::Alias(n as u16);
        }
        // A reserved code is refused with its help only if it is nothing else.
        for reserved in &file.reserved {
            if slot_index(&reserved.code).is_none_or(|i| table[i] != Slot::Other) {
                return Err(format!("{} is listed twice, or is not a code", reserved.code));
            }
        }
        Ok(Countries { countries, table, aliases, reserved: file.reserved, groups })
    }

    /// Reads a code as users write it: ISO alpha-2 in any case, or a known alias.
    pub fn resolve(&self, code: &str) -> Result<CountryReading<'_>, UnknownCountry<'_>> {
        match slot_index(code).map(|i| self.table[i]) {
            Some(Slot::Iso(id)) => return Ok(CountryReading::Iso(id)),
            Some(Slot::Alias(n)) => return Ok(CountryReading::Alias(&self.aliases[usize::from(n)])),
            Some(Slot::Other) | None => {}
        }
        if let Some(reserved) = self.reserved.iter().find(|r| r.code.eq_ignore_ascii_case(code)) {
            return Err(UnknownCountry::Reserved(&reserved.help));
        }
        Err(UnknownCountry::Unknown(self.suggest(code)))
    }

    /// What to write for `text`, which is not a two-letter code (a country's name, say): the
    /// help, and the code it likely means, if one.
    pub fn code_advice(&self, text: &str) -> (String, Option<&str>) {
        match self.resolve(text) {
            Err(UnknownCountry::Unknown(Some(country))) => (
                format!("write the ISO 3166-1 alpha-2 code: `{}` for {}", country.code, country.name),
                Some(&country.code),
            ),
            _ => ("write an ISO 3166-1 alpha-2 code, such as `CN` or `DE`".to_owned(), None),
        }
    }

    /// The likeliest meant country for an unknown code or name: a country whose name is
    /// written out (`"China"`, `"germany"`) or nearly so (`"Chili"`).
    fn suggest(&self, text: &str) -> Option<&Country> {
        if let Some(country) = self.countries.iter().find(|c| c.name.eq_ignore_ascii_case(text.trim())) {
            return Some(country);
        }
        if text.len() > 2 {
            let name = crate::suggest::did_you_mean(text, self.countries.iter().map(|c| c.name.as_str()))?;
            return self.countries.iter().find(|c| c.name == name);
        }
        None
    }

    /// The country behind an id.
    pub fn get(&self, id: CountryId) -> &Country {
        &self.countries[id.0 as usize]
    }

    /// The country with this ISO code, if any.
    pub fn find(&self, code: &str) -> Option<CountryId> {
        match slot_index(code).map(|i| self.table[i]) {
            Some(Slot::Iso(id)) => Some(id),
            _ => None,
        }
    }

    /// The group with this id (case-sensitive, as in rule files).
    pub fn group(&self, id: &str) -> Option<GroupId> {
        self.groups.iter().position(|g| g.id == id).map(|n| GroupId(n as u16))
    }

    /// The group behind an id.
    pub fn group_by_id(&self, id: GroupId) -> &Group {
        &self.groups[id.0 as usize]
    }

    /// All groups.
    pub fn groups(&self) -> impl Iterator<Item = &Group> {
        self.groups.iter()
    }

    /// All countries.
    pub fn all(&self) -> impl Iterator<Item = (CountryId, &Country)> {
        self.countries.iter().enumerate().map(|(n, c)| (CountryId(n as u16), c))
    }

    /// Number of countries.
    pub fn len(&self) -> usize {
        self.countries.len()
    }

    /// Whether there are no countries (never, with the built-in data).
    pub fn is_empty(&self) -> bool {
        self.countries.is_empty()
    }
}
