//! "Did you mean …?": the closest known name to a misspelt one.

/// The candidate closest to `input` by edit distance (transpositions count once), if it is
/// close enough to be a likely typo: at most one edit in four characters, and at least one.
pub fn did_you_mean<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let input = input.to_lowercase();
    let limit = (input.chars().count() / 4).max(1);
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        let distance = strsim::damerau_levenshtein(&input, &candidate.to_lowercase());
        if distance <= limit && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::did_you_mean;

    #[test]
    fn suggests_close_names_only() {
        let names = ["lithium", "cobalt", "nickel"];
        assert_eq!(did_you_mean("lithum", names), Some("lithium"));
        assert_eq!(did_you_mean("Cobalt", names), Some("cobalt"));
        assert_eq!(did_you_mean("cbolat", names), None);
        assert_eq!(did_you_mean("unobtainium", names), None);
    }
}
