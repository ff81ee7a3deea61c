//! Small text helpers shared by the readers: BOMs, missing-value markers, numbers.

/// Removes a leading UTF-8 byte-order mark.
pub fn strip_bom(s: &str) -> &str {
    s.strip_prefix('\u{feff}').unwrap_or(s)
}

/// A field's value, or None when it is empty or one of the sources' missing markers
/// (`<null>` in USGS GeoJSON, `NULL`, `n/a`).
pub fn non_missing(s: &str) -> Option<&str> {
    let t = s.trim();
    match t {
        "" | "<null>" | "NULL" | "null" | "n/a" | "N/A" => None,
        _ => Some(t),
    }
}

/// Parses a number written with optional thousands separators (`19,500`) and surrounding
/// spaces. Returns None for anything else.
pub fn parse_number(s: &str) -> Option<f64> {
    let t = s.trim();
    if t.is_empty() {
        return None;
    }
    let cleaned: String = t.chars().filter(|c| *c != ',' && *c != '\u{a0}').collect();
    cleaned.parse::<f64>().ok().filter(|v| v.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_and_missing() {
        assert_eq!(strip_bom("\u{feff}ActorId"), "ActorId");
        assert_eq!(strip_bom("ActorId"), "ActorId");
        assert_eq!(non_missing(" <null> "), None);
        assert_eq!(non_missing(""), None);
        assert_eq!(non_missing(" Mali "), Some("Mali"));
    }

    #[test]
    fn numbers_with_thousands_separators() {
        assert_eq!(parse_number("19,500"), Some(19500.0));
        assert_eq!(parse_number(" 770 "), Some(770.0));
        assert_eq!(parse_number("1,234,567.5"), Some(1234567.5));
        assert_eq!(parse_number("W"), None);
        assert_eq!(parse_number(""), None);
        assert_eq!(parse_number("NaN"), None);
    }
}
