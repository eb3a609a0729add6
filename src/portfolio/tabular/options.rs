//! What a CSV or Excel file cannot say about itself, declared by the user (in a portfolio's
//! `supplies_from` entry or on the command line): never guessed.

use std::fmt;

/// How a CSV or Excel file is written, where the file cannot say.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableOptions {
    /// The worksheet to read; without it, the workbook's only visible worksheet.
    pub sheet: Option<String>,
    /// The CSV delimiter: `,`, `;` or a tab; without it, the one the header uses.
    pub delimiter: Option<u8>,
    /// The decimal separator of numbers written as text: `.` (the default) or `,`.
    pub decimal: Option<char>,
    /// The thousands separator of numbers written as text, if they have one.
    pub thousands: Option<char>,
    /// The encoding of a CSV file; UTF-8 without it.
    pub encoding: Option<Encoding>,
    /// The unit of every amount, for a file without a unit column.
    pub unit: Option<String>,
    /// Columns under other headers: a supply field and the file's header for it.
    pub columns: Vec<(String, String)>,
}

/// An encoding a CSV file may be declared in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8, with or without a byte-order mark.
    Utf8,
    /// windows-1252; ISO 8859-1 (`latin1`) is read as windows-1252 too, as the WHATWG
    /// Encoding Standard says (the bytes 0x80–0x9F are then `€`, `‚` …, not control codes).
    Windows1252,
}

impl Encoding {
    /// The encoding a label names (`utf-8`, `windows-1252`, `cp1252`, `iso-8859-1`, `latin1`
    /// and the other WHATWG labels of these two); `None` for any other.
    pub fn from_label(label: &str) -> Option<Encoding> {
        match encoding_rs::Encoding::for_label(label.trim().as_bytes()) {
            Some(e) if e == encoding_rs::UTF_8 => Some(Encoding::Utf8),
            Some(e) if e == encoding_rs::WINDOWS_1252 => Some(Encoding::Windows1252),
            _ => None,
        }
    }

    /// Its name.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Windows1252 => "windows-1252",
        }
    }
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The delimiters a CSV file may use.
pub const DELIMITERS: [u8; 3] = [b',', b';', b'\t'];

/// The supply fields a table's columns may hold, as they are named.
pub const FIELDS: [&str; 11] = [
    "id",
    "material",
    "grade",
    "amount",
    "unit",
    "form",
    "content",
    "supplier",
    "extraction",
    "processing",
    "recycling",
];

impl TableOptions {
    /// The supply fields a table's columns may hold, as headers name them.
    pub const FIELDS: [&str; 11] = FIELDS;

    /// A delimiter as written: `,`, `;`, or a tab (written as a tab, `\t` or `tab`).
    pub fn parse_delimiter(text: &str) -> Result<u8, String> {
        match text {
            "," => Ok(b','),
            ";" => Ok(b';'),
            "\t" | "\\t" | "tab" => Ok(b'\t'),
            other => Err(format!("`{other}` is not a delimiter crma-check reads: use `,`, `;` or `tab`")),
        }
    }

    /// A decimal separator as written: `.` or `,`.
    pub fn parse_decimal(text: &str) -> Result<char, String> {
        match text {
            "." => Ok('.'),
            "," => Ok(','),
            other => Err(format!("`{other}` is not a decimal separator: use `.` or `,`")),
        }
    }

    /// A thousands separator as written: `.`, `,`, `'` or a space (which stands for the
    /// no-break spaces French exports write too).
    pub fn parse_thousands(text: &str) -> Result<char, String> {
        match text {
            "." => Ok('.'),
            "," => Ok(','),
            "'" => Ok('\''),
            " " | "space" => Ok(' '),
            other => Err(format!("`{other}` is not a thousands separator: use `.`, `,`, `'` or `space`")),
        }
    }

    /// An encoding as written (see [`Encoding::from_label`]).
    pub fn parse_encoding(text: &str) -> Result<Encoding, String> {
        Encoding::from_label(text).ok_or_else(|| {
            format!("`{text}` is not an encoding crma-check reads: use `utf-8`, `windows-1252` or `iso-8859-1`")
        })
    }

    /// A column mapping written `FIELD=HEADER` (`amount=Menge`).
    pub fn parse_column(text: &str) -> Result<(String, String), String> {
        let (field, header) = text.split_once('=').ok_or_else(|| format!("`{text}` is not FIELD=HEADER"))?;
        let field = field.trim();
        if !FIELDS.contains(&field) {
            return Err(format!("`{field}` is not a supply field: the fields are {}", FIELDS.join(", ")));
        }
        if header.trim().is_empty() {
            return Err(format!("`{text}` names no header"));
        }
        Ok((field.to_owned(), header.trim().to_owned()))
    }
}

/// How a delimiter is written in messages.
pub(crate) fn delimiter_name(delimiter: u8) -> &'static str {
    match delimiter {
        b',' => "`,`",
        b';' => "`;`",
        b'\t' => "tab",
        _ => "the delimiter",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_by_their_labels() {
        assert_eq!(Encoding::from_label("UTF-8"), Some(Encoding::Utf8));
        for label in ["windows-1252", "cp1252", "iso-8859-1", "latin1", "ISO_8859-1"] {
            assert_eq!(Encoding::from_label(label), Some(Encoding::Windows1252), "{label}");
        }
        // ISO 8859-15 differs from windows-1252 (€ at 0xA4): not read as it.
        assert_eq!(Encoding::from_label("iso-8859-15"), None);
        assert_eq!(Encoding::from_label("utf-16"), None);
    }

    #[test]
    fn declarations_as_written() {
        assert_eq!(TableOptions::parse_delimiter("tab"), Ok(b'\t'));
        assert!(TableOptions::parse_delimiter("|").is_err());
        assert_eq!(TableOptions::parse_thousands("space"), Ok(' '));
        assert_eq!(TableOptions::parse_column("amount=Menge"), Ok(("amount".into(), "Menge".into())));
        assert!(TableOptions::parse_column("amont=Menge").unwrap_err().contains("not a supply field"));
    }
}
