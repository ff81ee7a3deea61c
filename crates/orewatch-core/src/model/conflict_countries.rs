//! Country names in conflict data: ISO 3166-1 alpha-3 codes, UCDP's spelling and ACLED's.
//!
//! What it answers: which country a name in UCDP GED, the UCDP actor list or ACLED denotes
//! (`iso3("Ivory Coast")` = `CIV`, `iso3("DR Congo (Zaire)")` = `COD`,
//! `iso3("Democratic Republic of Congo")` = `COD`), how UCDP spells a country (its
//! "Government of X" actors and its actor `Location` lists: `ucdp_name("RUS")` =
//! `Russia (Soviet Union)`), and which code a user means by `--countries` ([`parse_country`]:
//! an ISO3 code, or a name only through this table).
//!
//! The table is explicit — one row per country with its code, ACLED's name (ACLED's
//! `country` column and its actor names, "Military Forces of the Ivory Coast"), UCDP's name
//! where UCDP lists that state, and other spellings found in the same sources. Matching is on
//! a normalised name: case, white space and typographic apostrophes folded, a leading "the "
//! dropped. Nothing fuzzier: a name the table does not hold is `None`, never a guess.
//!
//! What it does NOT hold: historical states without a current code (UCDP's Hyderabad, South
//! Vietnam, South Yemen, Czechoslovakia), nor regions that are not states (Somaliland,
//! Puntland): their names map to nothing.

use std::collections::HashMap;
use std::sync::OnceLock;

use thiserror::Error;

/// One country: its code, ACLED's name, UCDP's name (when UCDP lists the state) and other
/// spellings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CountryNames {
    pub iso3: &'static str,
    /// ACLED's spelling (its `country` column), also the display name.
    pub acled: &'static str,
    /// UCDP's spelling ("Government of X", actor `Location`, GED `country`), when it differs
    /// from ACLED's it is given; None when UCDP has no such state.
    pub ucdp: Option<&'static str>,
    /// Other spellings seen in GED, ACLED or the production sources.
    pub other: &'static [&'static str],
}

const fn c(
    iso3: &'static str,
    acled: &'static str,
    ucdp: Option<&'static str>,
    other: &'static [&'static str],
) -> CountryNames {
    CountryNames {
        iso3,
        acled,
        ucdp,
        other,
    }
}

/// Same name in ACLED and UCDP.
const fn s(iso3: &'static str, name: &'static str) -> CountryNames {
    c(iso3, name, Some(name), &[])
}

/// Sorted by ISO3 (a unit test checks it).
pub const COUNTRIES: &[CountryNames] = &[
    s("AFG", "Afghanistan"),
    c("AGO", "Angola", Some("Angola"), &[]),
    s("ALB", "Albania"),
    s("ARE", "United Arab Emirates"),
    s("ARG", "Argentina"),
    s("ARM", "Armenia"),
    s("AUS", "Australia"),
    s("AUT", "Austria"),
    s("AZE", "Azerbaijan"),
    s("BDI", "Burundi"),
    s("BEL", "Belgium"),
    s("BEN", "Benin"),
    s("BFA", "Burkina Faso"),
    s("BGD", "Bangladesh"),
    s("BGR", "Bulgaria"),
    s("BHR", "Bahrain"),
    c("BHS", "Bahamas", None, &[]),
    c(
        "BIH",
        "Bosnia and Herzegovina",
        Some("Bosnia-Herzegovina"),
        &["Bosnia"],
    ),
    c("BLR", "Belarus", None, &[]),
    c("BLZ", "Belize", None, &[]),
    s("BOL", "Bolivia"),
    s("BRA", "Brazil"),
    c("BRB", "Barbados", None, &[]),
    s("BRN", "Brunei"),
    s("BTN", "Bhutan"),
    s("BWA", "Botswana"),
    s("CAF", "Central African Republic"),
    s("CAN", "Canada"),
    s("CHE", "Switzerland"),
    s("CHL", "Chile"),
    s("CHN", "China"),
    c(
        "CIV",
        "Ivory Coast",
        Some("Ivory Coast"),
        &["Côte d'Ivoire", "Cote d'Ivoire"],
    ),
    s("CMR", "Cameroon"),
    c(
        "COD",
        "Democratic Republic of Congo",
        Some("DR Congo (Zaire)"),
        &[
            "Democratic Republic of the Congo",
            "DR Congo",
            "DRC",
            "Congo, DRC",
            "Congo (Kinshasa)",
            "Congo, Dem. Rep.",
            "Zaire",
        ],
    ),
    c(
        "COG",
        "Republic of Congo",
        Some("Congo"),
        &[
            "Republic of the Congo",
            "Congo (Brazzaville)",
            "Congo-Brazzaville",
            "Congo, Rep.",
        ],
    ),
    s("COL", "Colombia"),
    s("COM", "Comoros"),
    c("CPV", "Cape Verde", None, &["Cabo Verde"]),
    s("CRI", "Costa Rica"),
    s("CUB", "Cuba"),
    s("CYP", "Cyprus"),
    c(
        "CZE",
        "Czech Republic",
        Some("Czech Republic"),
        &["Czechia"],
    ),
    s("DEU", "Germany"),
    s("DJI", "Djibouti"),
    s("DNK", "Denmark"),
    s("DOM", "Dominican Republic"),
    s("DZA", "Algeria"),
    s("ECU", "Ecuador"),
    s("EGY", "Egypt"),
    s("ERI", "Eritrea"),
    c("ESH", "Western Sahara", None, &[]),
    s("ESP", "Spain"),
    s("EST", "Estonia"),
    s("ETH", "Ethiopia"),
    s("FIN", "Finland"),
    c("FJI", "Fiji", None, &[]),
    s("FRA", "France"),
    s("GAB", "Gabon"),
    s("GBR", "United Kingdom"),
    s("GEO", "Georgia"),
    s("GHA", "Ghana"),
    s("GIN", "Guinea"),
    c("GMB", "Gambia", Some("Gambia"), &[]),
    s("GNB", "Guinea-Bissau"),
    c("GNQ", "Equatorial Guinea", None, &[]),
    s("GRC", "Greece"),
    s("GRD", "Grenada"),
    s("GTM", "Guatemala"),
    c("GUF", "French Guiana", None, &[]),
    s("GUY", "Guyana"),
    s("HND", "Honduras"),
    s("HRV", "Croatia"),
    s("HTI", "Haiti"),
    s("HUN", "Hungary"),
    s("IDN", "Indonesia"),
    s("IND", "India"),
    s("IRL", "Ireland"),
    s("IRN", "Iran"),
    s("IRQ", "Iraq"),
    s("ISL", "Iceland"),
    s("ISR", "Israel"),
    s("ITA", "Italy"),
    s("JAM", "Jamaica"),
    s("JOR", "Jordan"),
    s("JPN", "Japan"),
    s("KAZ", "Kazakhstan"),
    s("KEN", "Kenya"),
    s("KGZ", "Kyrgyzstan"),
    c(
        "KHM",
        "Cambodia",
        Some("Cambodia (Kampuchea)"),
        &["Kampuchea"],
    ),
    c(
        "KOR",
        "South Korea",
        Some("South Korea"),
        &["Korea, South", "Republic of Korea", "Korea, Republic of"],
    ),
    s("KWT", "Kuwait"),
    s("LAO", "Laos"),
    s("LBN", "Lebanon"),
    s("LBR", "Liberia"),
    s("LBY", "Libya"),
    s("LKA", "Sri Lanka"),
    s("LSO", "Lesotho"),
    s("LTU", "Lithuania"),
    s("LUX", "Luxembourg"),
    s("LVA", "Latvia"),
    s("MAR", "Morocco"),
    s("MDA", "Moldova"),
    c(
        "MDG",
        "Madagascar",
        Some("Madagascar"),
        &["Madagascar (Malagasy)", "Malagasy"],
    ),
    s("MEX", "Mexico"),
    c(
        "MKD",
        "North Macedonia",
        Some("North Macedonia"),
        &["Macedonia", "Macedonia, FYR", "FYR Macedonia"],
    ),
    s("MLI", "Mali"),
    c("MLT", "Malta", None, &[]),
    c("MMR", "Myanmar", Some("Myanmar (Burma)"), &["Burma"]),
    s("MNE", "Montenegro"),
    s("MNG", "Mongolia"),
    s("MOZ", "Mozambique"),
    s("MRT", "Mauritania"),
    c("MUS", "Mauritius", None, &[]),
    s("MWI", "Malawi"),
    s("MYS", "Malaysia"),
    s("NAM", "Namibia"),
    c("NCL", "New Caledonia", None, &[]),
    s("NER", "Niger"),
    s("NGA", "Nigeria"),
    s("NIC", "Nicaragua"),
    s("NLD", "Netherlands"),
    s("NOR", "Norway"),
    s("NPL", "Nepal"),
    s("NZL", "New Zealand"),
    s("OMN", "Oman"),
    s("PAK", "Pakistan"),
    s("PAN", "Panama"),
    s("PER", "Peru"),
    s("PHL", "Philippines"),
    s("PNG", "Papua New Guinea"),
    s("POL", "Poland"),
    c(
        "PRK",
        "North Korea",
        Some("North Korea"),
        &["Korea, North", "Democratic People's Republic of Korea"],
    ),
    s("PRT", "Portugal"),
    s("PRY", "Paraguay"),
    c("PSE", "Palestine", None, &[]),
    s("QAT", "Qatar"),
    s("ROU", "Romania"),
    c(
        "RUS",
        "Russia",
        Some("Russia (Soviet Union)"),
        &["Russian Federation", "Soviet Union", "USSR"],
    ),
    s("RWA", "Rwanda"),
    s("SAU", "Saudi Arabia"),
    s("SDN", "Sudan"),
    s("SEN", "Senegal"),
    s("SGP", "Singapore"),
    c("SLB", "Solomon Islands", None, &[]),
    s("SLE", "Sierra Leone"),
    s("SLV", "El Salvador"),
    s("SOM", "Somalia"),
    c(
        "SRB",
        "Serbia",
        Some("Serbia (Yugoslavia)"),
        &["Yugoslavia"],
    ),
    s("SSD", "South Sudan"),
    c("STP", "Sao Tome and Principe", None, &[]),
    s("SUR", "Suriname"),
    s("SVK", "Slovakia"),
    s("SVN", "Slovenia"),
    s("SWE", "Sweden"),
    c(
        "SWZ",
        "eSwatini",
        Some("eSwatini (Swaziland)"),
        &[
            "Eswatini",
            "Swaziland",
            "Kingdom of eSwatini",
            "Kingdom of eSwatini (Swaziland)",
        ],
    ),
    c("SYC", "Seychelles", None, &[]),
    s("SYR", "Syria"),
    s("TCD", "Chad"),
    s("TGO", "Togo"),
    s("THA", "Thailand"),
    s("TJK", "Tajikistan"),
    c("TKM", "Turkmenistan", None, &[]),
    c("TLS", "East Timor", None, &["Timor-Leste"]),
    s("TON", "Tonga"),
    s("TTO", "Trinidad and Tobago"),
    s("TUN", "Tunisia"),
    c("TUR", "Turkey", Some("Turkey"), &["Türkiye"]),
    s("TWN", "Taiwan"),
    s("TZA", "Tanzania"),
    s("UGA", "Uganda"),
    s("UKR", "Ukraine"),
    s("URY", "Uruguay"),
    c(
        "USA",
        "United States",
        Some("United States of America"),
        &["USA"],
    ),
    s("UZB", "Uzbekistan"),
    s("VEN", "Venezuela"),
    c(
        "VNM",
        "Vietnam",
        Some("Vietnam (North Vietnam)"),
        &["Viet Nam"],
    ),
    c("XKX", "Kosovo", None, &[]),
    c("YEM", "Yemen", Some("Yemen (North Yemen)"), &[]),
    s("ZAF", "South Africa"),
    s("ZMB", "Zambia"),
    c(
        "ZWE",
        "Zimbabwe",
        Some("Zimbabwe (Rhodesia)"),
        &["Rhodesia"],
    ),
];

/// A name as the table matches it: typographic apostrophes folded to `'`, white space
/// collapsed, lower case, a leading "the " dropped ("the Ivory Coast" = "Ivory Coast").
pub fn normalise(name: &str) -> String {
    let folded: String = name
        .chars()
        .map(|ch| match ch {
            '\u{2019}' | '\u{2018}' => '\'',
            '\u{a0}' => ' ',
            other => other,
        })
        .collect();
    let joined = folded
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    match joined.strip_prefix("the ") {
        Some(rest) => rest.to_string(),
        None => joined,
    }
}

fn by_name() -> &'static HashMap<String, usize> {
    static MAP: OnceLock<HashMap<String, usize>> = OnceLock::new();
    MAP.get_or_init(|| {
        let mut m = HashMap::new();
        for (i, row) in COUNTRIES.iter().enumerate() {
            let names = std::iter::once(row.acled)
                .chain(row.ucdp)
                .chain(row.other.iter().copied());
            for n in names {
                m.entry(normalise(n)).or_insert(i);
            }
        }
        m
    })
}

/// The row of an ISO3 code (upper case).
pub fn by_iso3(code: &str) -> Option<&'static CountryNames> {
    COUNTRIES
        .binary_search_by(|row| row.iso3.cmp(code))
        .ok()
        .map(|i| &COUNTRIES[i])
}

/// The row a country name denotes (any spelling of the table).
pub fn by_name_lookup(name: &str) -> Option<&'static CountryNames> {
    by_name().get(&normalise(name)).map(|&i| &COUNTRIES[i])
}

/// The ISO3 code of a country name (ACLED, UCDP, GED or another listed spelling).
pub fn iso3(name: &str) -> Option<&'static str> {
    by_name_lookup(name).map(|row| row.iso3)
}

/// UCDP's spelling of a country (for "Government of X"), when UCDP lists the state.
pub fn ucdp_name(iso3: &str) -> Option<&'static str> {
    by_iso3(iso3).and_then(|row| row.ucdp)
}

/// The codes of a UCDP actor `Location` list ("Mali, Burkina Faso, Niger"); names the table
/// does not hold are skipped.
pub fn iso3_of_list(list: &str) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for part in list.split(',') {
        if let Some(code) = iso3(part) {
            if !out.contains(&code) {
                out.push(code);
            }
        }
    }
    out
}

/// A `--countries` value that is neither a code nor a name of the table.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
#[error(
    "unknown country {0:?}: expected an ISO 3166-1 alpha-3 code such as MLI, BFA or NER (a \
     country name is accepted only where the country table holds it, e.g. Mali)"
)]
pub struct UnknownCountry(pub String);

/// One `--countries` value as an ISO3 code: a code of the table (any case), or a name the
/// table holds. Anything else is an error, never an empty selection.
pub fn parse_country(text: &str) -> Result<&'static str, UnknownCountry> {
    let t = text.trim();
    if t.len() == 3 && t.bytes().all(|b| b.is_ascii_alphabetic()) {
        if let Some(row) = by_iso3(&t.to_ascii_uppercase()) {
            return Ok(row.iso3);
        }
    }
    iso3(t).ok_or_else(|| UnknownCountry(t.to_string()))
}

/// Every value parsed ([`parse_country`]), each code once, in the order given.
pub fn parse_countries<S: AsRef<str>>(values: &[S]) -> Result<Vec<&'static str>, UnknownCountry> {
    let mut out: Vec<&'static str> = Vec::new();
    for v in values {
        let code = parse_country(v.as_ref())?;
        if !out.contains(&code) {
            out.push(code);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_unique_and_every_name_maps_back() {
        for pair in COUNTRIES.windows(2) {
            assert!(
                pair[0].iso3 < pair[1].iso3,
                "{} !< {}",
                pair[0].iso3,
                pair[1].iso3
            );
        }
        for row in COUNTRIES {
            assert_eq!(iso3(row.acled), Some(row.iso3), "{}", row.acled);
            if let Some(u) = row.ucdp {
                assert_eq!(iso3(u), Some(row.iso3), "{u}");
            }
            for o in row.other {
                assert_eq!(iso3(o), Some(row.iso3), "{o}");
            }
        }
    }

    #[test]
    fn acled_and_ucdp_spellings() {
        assert_eq!(iso3("the Ivory Coast"), Some("CIV"));
        assert_eq!(iso3("Côte d’Ivoire"), Some("CIV"));
        assert_eq!(iso3("Democratic Republic of Congo"), Some("COD"));
        assert_eq!(iso3("DR Congo (Zaire)"), Some("COD"));
        assert_eq!(iso3("Republic of Congo"), Some("COG"));
        assert_eq!(iso3("the United States"), Some("USA"));
        assert_eq!(ucdp_name("USA"), Some("United States of America"));
        assert_eq!(ucdp_name("RUS"), Some("Russia (Soviet Union)"));
        assert_eq!(ucdp_name("MLI"), Some("Mali"));
        assert_eq!(ucdp_name("XKX"), None);
        assert_eq!(iso3("Somaliland"), None);
        assert_eq!(
            iso3_of_list("Mali, Burkina Faso, Niger, Hyderabad"),
            ["MLI", "BFA", "NER"]
        );
    }

    #[test]
    fn countries_argument() {
        assert_eq!(parse_country("MLI"), Ok("MLI"));
        assert_eq!(parse_country("mli"), Ok("MLI"));
        assert_eq!(parse_country("Mali"), Ok("MLI"));
        assert_eq!(parse_country("Burkina Faso"), Ok("BFA"));
        let e = parse_country("XYZ").unwrap_err();
        assert!(e.to_string().contains("\"XYZ\""), "{e}");
        assert!(parse_country("Atlantis").is_err());
        assert_eq!(
            parse_countries(&["MLI", "Mali", "NER"]).unwrap(),
            ["MLI", "NER"]
        );
    }
}
