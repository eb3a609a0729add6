//! Wording shared by messages and reports.

/// Items in words: `a`, `a and b`, `a, b and c`.
pub(crate) fn and_list<S: AsRef<str>>(items: &[S]) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_owned(),
        [init @ .., last] => {
            let init: Vec<&str> = init.iter().map(AsRef::as_ref).collect();
            format!("{} and {}", init.join(", "), last.as_ref())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_read_as_sentences_write_them() {
        assert_eq!(and_list::<&str>(&[]), "");
        assert_eq!(and_list(&["Nd"]), "Nd");
        assert_eq!(and_list(&["Nd", "Pr"]), "Nd and Pr");
        assert_eq!(and_list(&[2030.to_string(), 2031.to_string(), 2032.to_string()]), "2030, 2031 and 2032");
    }
}
