//! Numbers for people and for machines: printing is the only place floating point appears.

/// A number for machine output, rounded to four decimals: enough for any threshold people
/// write, and the same bytes on every run.
pub fn round4(value: f64) -> f64 {
    (value * 10_000.0).round() / 10_000.0
}

/// A number for people: thousands grouped, about four significant digits below 1,000.
pub fn format_number(value: f64) -> String {
    let decimals = if value >= 1000.0 || value == value.trunc() && value >= 1.0 {
        0
    } else if value >= 100.0 {
        1
    } else if value >= 10.0 {
        2
    } else {
        3
    };
    let mut text = format!("{value:.decimals$}");
    if text.contains('.') {
        text = text.trim_end_matches('0').trim_end_matches('.').to_owned();
    }
    if text == "0" && value > 0.0 {
        return format!("{value:.1e}");
    }
    let (int, frac) = text.split_once('.').map_or((text.as_str(), None), |(i, f)| (i, Some(f)));
    let mut grouped = String::new();
    for (n, c) in int.chars().enumerate() {
        if n > 0 && (int.len() - n) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match frac {
        Some(frac) => format!("{grouped}.{frac}"),
        None => grouped,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn machine_output_rounds_to_four_decimals() {
        assert_eq!(round4(73.913_043_478), 73.913);
        assert_eq!(round4(65.0), 65.0);
    }

    #[test]
    fn numbers_for_people() {
        assert_eq!(format_number(1200.0), "1,200");
        assert_eq!(format_number(1234567.4), "1,234,567");
        assert_eq!(format_number(419.85), "419.9");
        assert_eq!(format_number(0.325), "0.325");
        assert_eq!(format_number(12.0), "12");
        assert_eq!(format_number(0.0), "0");
    }
}
