//! Sets of countries of origin, as rules and stress scenarios name them: groups of
//! `rules/countries.json` (the EU, the OCTs, the strategic partners) and ISO codes.

use crate::reference::{CountryId, CountrySet, Reference};

/// A set of countries of origin, as a rule states it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OriginSet {
    members: CountrySet,
    inside: bool,
    words: String,
    /// Members from a year on (strategic partners): left out of reporting years before.
    dated: Vec<(CountryId, u16)>,
}

impl OriginSet {
    /// Every country.
    pub fn any() -> OriginSet {
        OriginSet { members: CountrySet::default(), inside: false, words: String::new(), dated: Vec::new() }
    }

    /// The listed countries (`words` names them: "the EU").
    pub fn within(members: CountrySet, words: String) -> OriginSet {
        OriginSet { members, inside: true, words, dated: Vec::new() }
    }

    /// Every country but the listed ones.
    pub fn outside(members: CountrySet, words: String) -> OriginSet {
        OriginSet { members, inside: false, words, dated: Vec::new() }
    }

    /// The set whose members in `dated` are listed only from their year on.
    pub fn with_dated(mut self, dated: Vec<(CountryId, u16)>) -> OriginSet {
        self.dated = dated;
        self
    }

    /// The set as it stands in reporting year `year`: dated members from later years are
    /// not (yet) in it.
    pub fn in_year(&self, year: u16) -> OriginSet {
        let mut members = self.members.clone();
        for &(country, since) in &self.dated {
            if since > year {
                members.remove(country);
            }
        }
        OriginSet { members, inside: self.inside, words: self.words.clone(), dated: Vec::new() }
    }

    /// Whether `country` is in the set as it stands in reporting year `year` (what
    /// [`OriginSet::in_year`] would say of it, without building the set).
    pub fn contains_in(&self, country: CountryId, year: u16) -> bool {
        let member =
            self.members.contains(country) && !self.dated.iter().any(|&(c, since)| c == country && since > year);
        member == self.inside
    }

    /// Whether `country` is in the set.
    pub fn contains(&self, country: CountryId) -> bool {
        self.members.contains(country) == self.inside
    }

    /// Whether the set is every country (a rule that gives no `origins`).
    pub fn is_any(&self) -> bool {
        !self.inside && self.words.is_empty()
    }

    /// Whether the set is exactly the countries of `members`, in every year.
    pub fn is_exactly(&self, members: &CountrySet) -> bool {
        self.inside && self.dated.is_empty() && self.members == *members
    }

    /// The set in words: "the EU", "outside the EU", "any country".
    pub fn describe(&self) -> String {
        match (self.inside, self.words.is_empty()) {
            (true, _) => self.words.clone(),
            (false, true) => "any country".to_owned(),
            (false, false) => format!("outside {}", self.words),
        }
    }
}

/// The group id `text` is likely a misspelling of (`UE` for `EU`).
pub(crate) fn closest_group<'r>(reference: &'r Reference, text: &str) -> Option<&'r str> {
    crate::suggest::did_you_mean(text, reference.countries.groups().map(|g| g.id.as_str()))
}

/// Builds an [`OriginSet`] from the entries a rule or a scenario lists.
#[derive(Debug, Default)]
pub(crate) struct OriginsBuilder {
    set: CountrySet,
    /// Members counted in every year: listed as countries, or members of undated groups.
    undated: CountrySet,
    /// Members of dated groups (strategic partners), with their first year.
    dated: Vec<(CountryId, u16)>,
    names: Vec<String>,
}

impl OriginsBuilder {
    /// Adds a group id (`EU`, `partners`) or an ISO code; `Err` with help where it is neither.
    pub(crate) fn add(&mut self, reference: &Reference, text: &str) -> Result<(), String> {
        let countries = &reference.countries;
        if let Some(group) = countries.group(text) {
            let group = countries.group_by_id(group);
            self.set.union_with(group.members());
            self.dated.extend_from_slice(group.dated_members());
            let mut always = group.members().clone();
            group.dated_members().iter().for_each(|(country, _)| always.remove(*country));
            self.undated.union_with(&always);
            self.names.push(group.name.clone());
        } else if let Some(country) = countries.find(text).filter(|_| text.len() == 2) {
            self.set.insert(country);
            self.undated.insert(country);
            self.names.push(countries.get(country).name.clone());
        } else {
            return Err(match closest_group(reference, text) {
                Some(close) => format!("did you mean the group `{close}`?"),
                None => {
                    let groups: Vec<&str> = countries.groups().map(|g| g.id.as_str()).collect();
                    format!("use a group ({}) or an ISO 3166-1 alpha-2 country code", groups.join(", "))
                }
            });
        }
        Ok(())
    }

    /// The countries added (`inside`), or every country but them.
    pub(crate) fn build(mut self, inside: bool) -> OriginSet {
        // A member of a dated group counts from its year on, unless listed another way too.
        let undated = self.undated;
        self.dated.retain(|(country, _)| !undated.contains(*country));
        let listed = self.names.join(", ");
        let origins = if inside { OriginSet::within(self.set, listed) } else { OriginSet::outside(self.set, listed) };
        origins.with_dated(self.dated)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dated_member_is_in_the_set_from_its_year_on_as_in_year_says() {
        let (a, b, c) = (CountryId(1), CountryId(2), CountryId(3));
        let mut members = CountrySet::default();
        members.insert(a);
        members.insert(b);
        for set in [OriginSet::within(members.clone(), "some".into()), OriginSet::outside(members, "not some".into())] {
            let set = set.with_dated(vec![(b, 2028)]);
            for year in [2026, 2028, 2030] {
                for country in [a, b, c] {
                    assert_eq!(
                        set.contains_in(country, year),
                        set.in_year(year).contains(country),
                        "{year} {country:?}"
                    );
                }
            }
            assert_ne!(set.contains_in(b, 2027), set.contains_in(b, 2028));
        }
    }
}
