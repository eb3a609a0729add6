//! Numbers as a CSV file or a worksheet writes them, under the separators the file is declared
//! to use: the decimal `.` (the default) or `,`, and a thousands separator only where one is
//! declared. A number that does not read under the declaration is an error, never a guess:
//! with `.` declared, `1,5` and `1.234,5` are errors that say to declare `decimal`.

use std::borrow::Cow;

use super::Decimal;

/// How numbers written as text are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NumberStyle {
    /// `.` or `,`.
    pub decimal: char,
    /// The thousands separator, if one is declared. A space stands for the no-break spaces
    /// (U+00A0, U+202F) French exports write too.
    pub thousands: Option<char>,
}

impl Default for NumberStyle {
    fn default() -> Self {
        NumberStyle { decimal: '.', thousands: None }
    }
}

/// Why a cell's text is not a number under the declared style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberError {
    /// A number if `,` were the decimal separator (`1,5`, `1.234,5`), but `.` is declared.
    DecimalComma,
    /// A number if `.` were the decimal separator (`1.5`), but `,` is declared.
    DecimalPoint,
    /// A thousands separator where groups of three digits do not put it (`12.34,5`).
    Grouping,
    /// Anything else.
    NotANumber,
}

/// The longest number text read (a longer one has more digits than an amount can hold).
const LONGEST: usize = 128;

/// The number in `text` (trimmed) in JSON syntax, which [`Decimal::parse`]
/// reads exactly: `text` itself under the default style; else a copy with the separators
/// replaced. Under the default style nothing is checked here (the caller parses the text and,
/// if it is not a number, asks [`why_not`]).
pub fn normalize(text: &str, style: NumberStyle) -> Result<Cow<'_, str>, NumberError> {
    if style == NumberStyle::default() {
        return Ok(Cow::Borrowed(text));
    }
    if text.len() > LONGEST {
        return Err(NumberError::NotANumber);
    }
    // Digits alone read the same under any style: no copy.
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(Cow::Borrowed(text));
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    if chars.next_if_eq(&'-').is_some() {
        out.push('-');
    }
    // The integer part: groups of three digits after the first of one to three, where a
    // thousands separator is written.
    let (mut digits, mut group, mut groups) = (0usize, 0usize, 0usize);
    let mut decimal = false;
    while let Some(&c) = chars.peek() {
        if c.is_ascii_digit() {
            out.push(c);
            digits += 1;
            group += 1;
        } else if is_thousands(c, style) {
            if digits == 0 || (groups == 0 && group > 3) || (groups > 0 && group != 3) {
                return Err(NumberError::Grouping);
            }
            groups += 1;
            group = 0;
        } else if c == style.decimal {
            decimal = true;
            chars.next();
            break;
        } else {
            break;
        }
        chars.next();
    }
    if groups > 0 && group != 3 {
        return Err(NumberError::Grouping);
    }
    if decimal {
        out.push('.');
        while let Some(c) = chars.next_if(char::is_ascii_digit) {
            out.push(c);
        }
    }
    // An exponent, as JSON writes it.
    if let Some(e) = chars.next_if(|c| *c == 'e' || *c == 'E') {
        out.push(e);
        out.extend(chars.by_ref().take_while(|c| c.is_ascii_digit() || *c == '+' || *c == '-'));
    }
    if chars.next().is_some() {
        return Err(why_not(text, style));
    }
    Ok(Cow::Owned(out))
}

impl NumberStyle {
    /// The number `text` stands for, if it is one under this style (for showing a number as
    /// read; the reader says what is wrong with one that is not).
    pub fn read(self, text: &str) -> Option<Decimal> {
        Decimal::parse(&normalize(text, self).ok()?).ok()
    }
}

fn is_thousands(c: char, style: NumberStyle) -> bool {
    Some(c) == style.thousands || (style.thousands == Some(' ') && matches!(c, '\u{a0}' | '\u{202f}'))
}

/// Why `text` is not a number under `style`, as far as the separators tell.
pub fn why_not(text: &str, style: NumberStyle) -> NumberError {
    let plain = |c: char| c.is_ascii_digit() || c == ',' || c == '.' || c == '-' || is_thousands(c, style);
    if !text.chars().any(|c| c.is_ascii_digit()) || !text.chars().all(plain) {
        return NumberError::NotANumber;
    }
    match style.decimal {
        '.' if text.contains(',') && style.thousands != Some(',') => NumberError::DecimalComma,
        ',' if text.contains('.') && style.thousands != Some('.') => NumberError::DecimalPoint,
        _ if text.chars().any(|c| is_thousands(c, style)) => NumberError::Grouping,
        _ => NumberError::NotANumber,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str, decimal: char, thousands: Option<char>) -> Result<String, NumberError> {
        let style = NumberStyle { decimal, thousands };
        let normal = normalize(text, style)?;
        match Decimal::parse(&normal) {
            Err(crate::quantity::DecimalError::NotANumber) => Err(why_not(text, style)),
            Ok(_) | Err(_) => Ok(normal.into_owned()),
        }
    }

    #[test]
    fn the_default_is_a_decimal_point_and_no_grouping() {
        assert_eq!(read("1234.5", '.', None), Ok("1234.5".into()));
        assert_eq!(read("1,5", '.', None), Err(NumberError::DecimalComma));
        assert_eq!(read("1.234,5", '.', None), Err(NumberError::DecimalComma));
        assert_eq!(read("1 234", '.', None), Err(NumberError::NotANumber));
        assert_eq!(read("12 t", '.', None), Err(NumberError::NotANumber));
        assert_eq!(read("2026-03-01", '.', None), Err(NumberError::NotANumber));
        assert_eq!(read("2026-03-01", ',', Some('.')), Err(NumberError::NotANumber));
    }

    #[test]
    fn a_declared_comma_and_thousands_separator() {
        assert_eq!(read("1,5", ',', None), Ok("1.5".into()));
        assert_eq!(read("1.5", ',', None), Err(NumberError::DecimalPoint));
        assert_eq!(read("1.234,5", ',', None), Err(NumberError::DecimalPoint));
        assert_eq!(read("1.234,5", ',', Some('.')), Ok("1234.5".into()));
        assert_eq!(read("1234,5", ',', Some('.')), Ok("1234.5".into()));
        assert_eq!(read("1.234.567", ',', Some('.')), Ok("1234567".into()));
        assert_eq!(read("12.34,5", ',', Some('.')), Err(NumberError::Grouping));
        assert_eq!(read("1234.567,5", ',', Some('.')), Err(NumberError::Grouping));
        assert_eq!(read("1\u{a0}234,5", ',', Some(' ')), Ok("1234.5".into()));
        assert_eq!(read("1,234.5", '.', Some(',')), Ok("1234.5".into()));
        assert_eq!(read("-2,5", ',', None), Ok("-2.5".into()));
        assert_eq!(read("2,5e3", ',', None), Ok("2.5e3".into()));
        assert_eq!(read("abc", ',', None), Err(NumberError::NotANumber));
        // Digits alone are the text itself, not a copy.
        assert_eq!(read("1234", ',', Some('.')), Ok("1234".into()));
        let style = NumberStyle { decimal: ',', thousands: Some('.') };
        assert!(matches!(normalize("1234", style), Ok(Cow::Borrowed("1234"))));
    }
}
