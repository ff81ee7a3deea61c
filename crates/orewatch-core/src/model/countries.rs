//! Country name → ISO 3166-1 alpha-3, for the production files.
//!
//! What it reads: nothing; it is a static table covering every country name that appears in
//! the production files orewatch ships with (the OWID 1970–2015 compilation, the USGS MCS
//! originals, the long USGS file and the MCS 2026 transcription), plus common variants of the
//! same names (`Congo, DRC`, `Democratic Republic of Congo` and `Congo (Kinshasa)` are all
//! `COD`; `Burma` and `Myanmar` are `MMR`; `Côte d’Ivoire`, `Côte d'Ivoire` and
//! `Cote d'Ivoire` are `CIV`).
//!
//! Matching is on a normalised name: surrounding and non-breaking spaces trimmed, footnote
//! digits glued to the end removed (`China6` → `china`), typographic apostrophes folded to
//! `'`, case folded, inner whitespace collapsed. Nothing fuzzier: a name the table does not
//! hold is [`CountryMatch::Unknown`], and readers list such names in their notes. They never
//! guess.
//!
//! Aggregates (`World`, `World total (rounded)`, `Other countries`) have no ISO3 code and are
//! [`CountryMatch::Aggregate`]. A few real names have no current ISO 3166-1 code on purpose and
//! are [`CountryMatch::NoCode`] with the reason: states that no longer exist
//! (`Czechoslovakia`, `Serbia and Montenegro`) and names that are ambiguous (`Korea`, which in
//! the OWID zinc series could be either Korea).
//!
//! `Kosovo` maps to `XKX`, the user-assigned code the World Bank (and so WGI) uses; it is not
//! an official ISO 3166-1 code.

/// What the table says about a country name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CountryMatch {
    /// A country (or territory) with its ISO 3166-1 alpha-3 code.
    Country(&'static str),
    /// A sum over countries (`World`, `Other countries`): no code by nature.
    Aggregate,
    /// A real name deliberately left without a code, with the reason.
    NoCode(&'static str),
    /// A name the table does not know.
    Unknown,
}

/// (normalised name, ISO3). Keep sorted by name: [`lookup`] uses a binary search, and a unit
/// test checks the order.
const COUNTRIES: &[(&str, &str)] = &[
    ("afghanistan", "AFG"),
    ("albania", "ALB"),
    ("algeria", "DZA"),
    ("angola", "AGO"),
    ("argentina", "ARG"),
    ("armenia", "ARM"),
    ("australia", "AUS"),
    ("austria", "AUT"),
    ("azerbaijan", "AZE"),
    ("bahrain", "BHR"),
    ("belgium", "BEL"),
    ("benin", "BEN"),
    ("bhutan", "BTN"),
    ("bolivia", "BOL"),
    ("bosnia and herzegovina", "BIH"),
    ("botswana", "BWA"),
    ("brazil", "BRA"),
    ("bulgaria", "BGR"),
    ("burkina faso", "BFA"),
    ("burma", "MMR"),
    ("burundi", "BDI"),
    ("cabo verde", "CPV"),
    ("cambodia", "KHM"),
    ("cameroon", "CMR"),
    ("canada", "CAN"),
    ("cape verde", "CPV"),
    ("central african republic", "CAF"),
    ("chad", "TCD"),
    ("chile", "CHL"),
    ("china", "CHN"),
    ("colombia", "COL"),
    ("congo", "COG"),
    ("congo (brazzaville)", "COG"),
    ("congo (kinshasa)", "COD"),
    ("congo, drc", "COD"),
    ("congo, rep.", "COG"),
    ("costa rica", "CRI"),
    ("cote d'ivoire", "CIV"),
    ("croatia", "HRV"),
    ("cuba", "CUB"),
    ("cyprus", "CYP"),
    ("czech republic", "CZE"),
    ("czechia", "CZE"),
    ("côte d'ivoire", "CIV"),
    ("democratic republic of congo", "COD"),
    ("democratic republic of the congo", "COD"),
    ("denmark", "DNK"),
    ("dominican republic", "DOM"),
    ("ecuador", "ECU"),
    ("egypt", "EGY"),
    ("el salvador", "SLV"),
    ("equatorial guinea", "GNQ"),
    ("eritrea", "ERI"),
    ("estonia", "EST"),
    ("eswatini", "SWZ"),
    ("ethiopia", "ETH"),
    ("fiji", "FJI"),
    ("finland", "FIN"),
    ("france", "FRA"),
    ("french guiana", "GUF"),
    ("gabon", "GAB"),
    ("gambia", "GMB"),
    ("georgia", "GEO"),
    ("germany", "DEU"),
    ("ghana", "GHA"),
    ("greece", "GRC"),
    ("guatemala", "GTM"),
    ("guinea", "GIN"),
    ("guinea-bissau", "GNB"),
    ("guyana", "GUY"),
    ("haiti", "HTI"),
    ("honduras", "HND"),
    ("hungary", "HUN"),
    ("iceland", "ISL"),
    ("india", "IND"),
    ("indonesia", "IDN"),
    ("iran", "IRN"),
    ("iraq", "IRQ"),
    ("ireland", "IRL"),
    ("israel", "ISR"),
    ("italy", "ITA"),
    ("jamaica", "JAM"),
    ("japan", "JPN"),
    ("jordan", "JOR"),
    ("kazakhstan", "KAZ"),
    ("kenya", "KEN"),
    ("korea, democratic people's republic of", "PRK"),
    ("korea, north", "PRK"),
    ("korea, republic of", "KOR"),
    ("korea, south", "KOR"),
    ("kosovo", "XKX"),
    ("kyrgyzstan", "KGZ"),
    ("laos", "LAO"),
    ("lesotho", "LSO"),
    ("liberia", "LBR"),
    ("libya", "LBY"),
    ("luxembourg", "LUX"),
    ("macedonia", "MKD"),
    ("madagascar", "MDG"),
    ("malawi", "MWI"),
    ("malaysia", "MYS"),
    ("mali", "MLI"),
    ("mauritania", "MRT"),
    ("mexico", "MEX"),
    ("mongolia", "MNG"),
    ("montenegro", "MNE"),
    ("morocco", "MAR"),
    ("mozambique", "MOZ"),
    ("myanmar", "MMR"),
    ("namibia", "NAM"),
    ("netherlands", "NLD"),
    ("new caledonia", "NCL"),
    ("new zealand", "NZL"),
    ("nicaragua", "NIC"),
    ("niger", "NER"),
    ("nigeria", "NGA"),
    ("north korea", "PRK"),
    ("north macedonia", "MKD"),
    ("norway", "NOR"),
    ("oman", "OMN"),
    ("pakistan", "PAK"),
    ("panama", "PAN"),
    ("papua new guinea", "PNG"),
    ("peru", "PER"),
    ("philippines", "PHL"),
    ("poland", "POL"),
    ("portugal", "PRT"),
    ("qatar", "QAT"),
    ("romania", "ROU"),
    ("russia", "RUS"),
    ("russian federation", "RUS"),
    ("rwanda", "RWA"),
    ("saudi arabia", "SAU"),
    ("senegal", "SEN"),
    ("serbia", "SRB"),
    ("sierra leone", "SLE"),
    ("slovakia", "SVK"),
    ("slovenia", "SVN"),
    ("solomon islands", "SLB"),
    ("somalia", "SOM"),
    ("south africa", "ZAF"),
    ("south korea", "KOR"),
    ("south sudan", "SSD"),
    ("spain", "ESP"),
    ("sri lanka", "LKA"),
    ("sudan", "SDN"),
    ("suriname", "SUR"),
    ("swaziland", "SWZ"),
    ("sweden", "SWE"),
    ("switzerland", "CHE"),
    ("syria", "SYR"),
    ("taiwan", "TWN"),
    ("tajikistan", "TJK"),
    ("tanzania", "TZA"),
    ("thailand", "THA"),
    ("the gambia", "GMB"),
    ("togo", "TGO"),
    ("tunisia", "TUN"),
    ("turkey", "TUR"),
    ("türkiye", "TUR"),
    ("uganda", "UGA"),
    ("ukraine", "UKR"),
    ("united arab emirates", "ARE"),
    ("united kingdom", "GBR"),
    ("united states", "USA"),
    ("uruguay", "URY"),
    ("uzbekistan", "UZB"),
    ("vanuatu", "VUT"),
    ("venezuela", "VEN"),
    ("viet nam", "VNM"),
    ("vietnam", "VNM"),
    ("zambia", "ZMB"),
    ("zimbabwe", "ZWE"),
];

/// Real names deliberately left without a code, with the reason.
const NO_CODE: &[(&str, &str)] = &[
    (
        "czechoslovakia",
        "dissolved in 1993; its ISO code CSK is withdrawn",
    ),
    (
        "korea",
        "ambiguous: the source does not say which Korea (North: PRK, South: KOR)",
    ),
    (
        "serbia and montenegro",
        "dissolved in 2006; its ISO code SCG is withdrawn",
    ),
];

/// The name as the table matches it: trimmed (non-breaking spaces too), footnote digits glued
/// to the end removed, `’`/`‘` folded to `'`, lower case, inner whitespace collapsed.
pub fn normalise_name(name: &str) -> String {
    let spaced: String = name
        .chars()
        .map(|c| match c {
            '\u{a0}' => ' ',
            '\u{2019}' | '\u{2018}' => '\'',
            _ => c,
        })
        .collect();
    let without_footnote = strip_footnote_digits(&spaced);
    without_footnote
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Removes footnote digits glued to the end of a name (`China6` → `China`,
/// `New Caledonia11` → `New Caledonia`) and surrounding whitespace (non-breaking spaces too).
/// A name that is only digits is returned trimmed, unchanged.
pub fn strip_footnote_digits(name: &str) -> &str {
    let trimmed = name.trim_matches(|c: char| c.is_whitespace() || c == '\u{a0}');
    let stripped = trimmed.trim_end_matches(|c: char| c.is_ascii_digit());
    if stripped.is_empty() || stripped.ends_with(char::is_whitespace) {
        // "1990" or "Zone 5": digits that are part of the name, not a footnote.
        return trimmed;
    }
    stripped
}

/// Looks a country name up. See the module doc for how names are matched.
pub fn lookup(name: &str) -> CountryMatch {
    let key = normalise_name(name);
    if is_aggregate_key(&key) {
        return CountryMatch::Aggregate;
    }
    if let Ok(i) = COUNTRIES.binary_search_by(|(n, _)| (*n).cmp(key.as_str())) {
        return CountryMatch::Country(COUNTRIES[i].1);
    }
    match NO_CODE.iter().find(|(n, _)| *n == key) {
        Some((_, why)) => CountryMatch::NoCode(why),
        None => CountryMatch::Unknown,
    }
}

/// The ISO3 code of a country name, or None (aggregate, no code, unknown).
pub fn iso3(name: &str) -> Option<&'static str> {
    match lookup(name) {
        CountryMatch::Country(code) => Some(code),
        _ => None,
    }
}

fn is_aggregate_key(key: &str) -> bool {
    key == "world" || key.starts_with("world total") || key.starts_with("other countries")
}

/// Collects the names a reader could not map, for its notes. Sorted, each once.
#[derive(Debug, Default, Clone)]
pub struct UnmappedNames {
    unknown: std::collections::BTreeSet<String>,
    no_code: std::collections::BTreeMap<String, &'static str>,
}

impl UnmappedNames {
    /// Looks `name` up, remembers it if it cannot be mapped, and returns its ISO3 code.
    pub fn iso3(&mut self, name: &str) -> Option<String> {
        match lookup(name) {
            CountryMatch::Country(code) => Some(code.to_string()),
            CountryMatch::Aggregate => None,
            CountryMatch::NoCode(why) => {
                self.no_code.insert(name.to_string(), why);
                None
            }
            CountryMatch::Unknown => {
                self.unknown.insert(name.to_string());
                None
            }
        }
    }

    /// Notes for a `ReadOutcome`: one for unknown names, one for names left without a code.
    pub fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        if !self.unknown.is_empty() {
            let names: Vec<&str> = self.unknown.iter().map(String::as_str).collect();
            notes.push(format!(
                "{} country name(s) not in the ISO3 table, stored without ISO3: {}",
                names.len(),
                names.join("; ")
            ));
        }
        if !self.no_code.is_empty() {
            let names: Vec<String> = self
                .no_code
                .iter()
                .map(|(name, why)| format!("{name} ({why})"))
                .collect();
            notes.push(format!(
                "{} country name(s) stored without ISO3 on purpose: {}",
                names.len(),
                names.join("; ")
            ));
        }
        notes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_unique() {
        for pair in COUNTRIES.windows(2) {
            assert!(pair[0].0 < pair[1].0, "{} !< {}", pair[0].0, pair[1].0);
        }
        for (name, code) in COUNTRIES {
            assert_eq!(normalise_name(name), *name, "table key not normalised");
            assert_eq!(code.len(), 3);
            assert!(code.chars().all(|c| c.is_ascii_uppercase()));
        }
    }

    #[test]
    fn spellings_of_the_same_country() {
        for name in [
            "Congo, DRC",
            "Democratic Republic of Congo",
            "Congo (Kinshasa)",
        ] {
            assert_eq!(iso3(name), Some("COD"), "{name}");
        }
        assert_eq!(iso3("Congo"), Some("COG"));
        assert_eq!(iso3("Burma"), Some("MMR"));
        assert_eq!(iso3("Myanmar"), Some("MMR"));
        for name in ["Côte d’Ivoire", "Côte d'Ivoire", "Cote d'Ivoire"] {
            assert_eq!(iso3(name), Some("CIV"), "{name}");
        }
        assert_eq!(iso3("Korea, Republic of"), Some("KOR"));
    }

    #[test]
    fn footnotes_and_spaces() {
        assert_eq!(iso3("China6"), Some("CHN"));
        assert_eq!(iso3("New Caledonia11"), Some("NCL"));
        assert_eq!(iso3("Vietnam\u{a0}"), Some("VNM"));
        assert_eq!(strip_footnote_digits(" China6 "), "China");
        assert_eq!(strip_footnote_digits("Other countries6"), "Other countries");
        assert_eq!(strip_footnote_digits("Zone 5"), "Zone 5");
    }

    #[test]
    fn aggregates_no_code_and_unknown() {
        for name in [
            "World",
            "World total (rounded)",
            "World total (rounded), excluding U.S. production",
            "Other countries",
            "Other countries6",
            "Other countries\u{a0}",
        ] {
            assert_eq!(lookup(name), CountryMatch::Aggregate, "{name}");
        }
        assert!(matches!(lookup("Czechoslovakia"), CountryMatch::NoCode(_)));
        assert!(matches!(lookup("Korea"), CountryMatch::NoCode(_)));
        assert_eq!(lookup("Atlantis"), CountryMatch::Unknown);
        assert_eq!(iso3("Atlantis"), None);
    }

    #[test]
    fn unmapped_names_become_notes() {
        let mut names = UnmappedNames::default();
        assert_eq!(names.iso3("Mali").as_deref(), Some("MLI"));
        assert_eq!(names.iso3("World"), None);
        assert_eq!(names.iso3("Atlantis"), None);
        assert_eq!(names.iso3("Korea"), None);
        let notes = names.notes();
        assert_eq!(notes.len(), 2);
        assert!(notes[0].contains("Atlantis"));
        assert!(notes[1].contains("Korea (ambiguous"));
    }
}
