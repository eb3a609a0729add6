//! The delimiter of a CSV file, told from its header line when only one candidate occurs
//! there, never from the data (`1,5;2,5` would mislead).

use super::options::DELIMITERS;

/// What a header line says about the delimiter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Detected {
    /// Exactly one candidate occurs (outside quotes).
    One(u8),
    /// None occurs: a file of one column.
    None,
    /// Several occur (`Menge;Preis, EUR`): with how often each does.
    Several(Vec<(u8, usize)>),
}

/// Counts `,` `;` and tabs in the first line, outside quoted fields (a quoted header such
/// as `"Menge, t";Werkstoff` has a comma that is not a delimiter).
pub(super) fn detect(text: &str) -> Detected {
    let mut counts = [0usize; DELIMITERS.len()];
    let mut quoted = false;
    for &byte in text.as_bytes() {
        match byte {
            // A doubled quote toggles twice: right for counting.
            b'"' => quoted = !quoted,
            b'\n' | b'\r' if !quoted => break,
            _ if !quoted => {
                if let Some(k) = DELIMITERS.iter().position(|&d| d == byte) {
                    counts[k] += 1;
                }
            }
            _ => {}
        }
    }
    let present: Vec<(u8, usize)> =
        DELIMITERS.iter().zip(counts).filter(|(_, n)| *n > 0).map(|(&d, n)| (d, n)).collect();
    match present.as_slice() {
        [] => Detected::None,
        [(one, _)] => Detected::One(*one),
        _ => Detected::Several(present),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_candidate_in_the_header_is_the_delimiter() {
        assert_eq!(detect("id;material;amount\n1,5;x;2,5\n"), Detected::One(b';'));
        assert_eq!(detect("id,material\n"), Detected::One(b','));
        assert_eq!(detect("id\tmaterial"), Detected::One(b'\t'));
        assert_eq!(detect("\"Menge, t\";Werkstoff\n"), Detected::One(b';'));
        assert_eq!(detect("\"a\nb, c\";d\n"), Detected::One(b';'));
    }

    #[test]
    fn none_or_several_cannot_be_told() {
        assert_eq!(detect("material\nlithium\n"), Detected::None);
        assert_eq!(detect("Menge;Preis, EUR;Werkstoff\n"), Detected::Several(vec![(b',', 1), (b';', 2)]));
    }
}
