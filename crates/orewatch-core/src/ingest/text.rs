//! Small text helpers shared by the readers: BOMs, missing-value markers, numbers,
//! coordinates, file names.

/// The last path component of `file` (`/a/b/mcs2026_x.csv` → `mcs2026_x.csv`).
pub(crate) fn file_name_of(file: &str) -> &str {
    file.rsplit(['/', '\\']).next().unwrap_or(file)
}

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

/// A coordinate in degrees: a finite number within [-limit, limit] (90 for latitude, 180 for
/// longitude), surrounding spaces allowed. Returns None for anything else.
pub fn parse_coordinate(s: &str, limit: f64) -> Option<f64> {
    let v: f64 = s.trim().parse().ok()?;
    (v.is_finite() && (-limit..=limit).contains(&v)).then_some(v)
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

    #[test]
    fn coordinates_within_limits() {
        assert_eq!(parse_coordinate(" 13.88489 ", 90.0), Some(13.88489));
        assert_eq!(parse_coordinate("-180", 180.0), Some(-180.0));
        assert_eq!(parse_coordinate("95", 90.0), None);
        assert_eq!(parse_coordinate("inf", 180.0), None);
        assert_eq!(parse_coordinate("NaN", 180.0), None);
        assert_eq!(parse_coordinate("", 90.0), None);
    }
}
