//! ACLED's actor naming conventions as rules: what a side name says about itself before any
//! lookup in the UCDP actor list.
//!
//! ACLED names actors by documented conventions (ACLED Codebook, "ACLED Actors": actor names,
//! types and inter codes), which hold in every country it covers:
//! - state forces: `Military Forces of COUNTRY (YEARS) [BRANCH]`, `Police Forces of COUNTRY
//!   (YEARS) [BRANCH]` and `Government of COUNTRY (YEARS)` — the years are the regime or
//!   period, the branch a service ("Gendarmerie", "Prison Guards", "Special Forces");
//!   COUNTRY is ACLED's name, sometimes with "the" ("Military Forces of the Ivory Coast").
//!   `Mutiny of …` and `Former …` name soldiers or officials acting against, or outside, the
//!   state: not the government ([`not_the_government`]);
//! - named organisations: `ACRONYM: Full name`, optionally with a period `(2013-)` or a
//!   faction or country qualifier (`MAA: Arab Movement of the Azawad (Platform)`), or
//!   `Name - Other name` (`Boko Haram - Jamaatu Ahli is-Sunnah lid-Dawati wal-Jihad`);
//! - the Islamic State's branches: `Islamic State (REGION)`, `Islamic State (REGION) - X
//!   Faction`, `Islamic State (COUNTRY)`;
//! - two candidate perpetrators: `A and/or B` ([`and_or_parts`]);
//! - categories that are not organisations, with the country in parentheses: civilians,
//!   protesters, rioters, unidentified armed groups, identity groups (`X Ethnic Group (C)`,
//!   `X Communal Group (C)`, `X Clan Group (C)`, religious groups), identity militias without a
//!   proper name (`X Ethnic Militia (C)`, `X Communal Militia (C)`, `X Clan Militia (C)`),
//!   unnamed militias (`Militia (X)`), social groups (`Labour Group (C)`, `Students (C)`,
//!   `Women (C)`, `Teachers (C)`, …) and `Private Security Forces (C)` ([`category`]).
//!
//! Inputs: one side name (one `actor1`/`actor2` value or one `;`-separated associate).
//! Outputs: the parsed form; [`super::resolve`] looks its parts up. Pure text rules: no
//! lookups, no I/O. A name that fits no convention is an organisation name
//! ([`organisation`]).

use serde::{Deserialize, Serialize};

use crate::model::conflict_countries;

/// Which state service a state-forces name names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Force {
    Military,
    Police,
    Government,
}

impl Force {
    pub fn as_str(self) -> &'static str {
        match self {
            Force::Military => "military",
            Force::Police => "police",
            Force::Government => "government",
        }
    }
}

/// A state-forces name, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateForces {
    pub force: Force,
    /// The country as written (without a leading "the").
    pub country: String,
    /// Its ISO3 code, when the country table holds the name.
    pub iso3: Option<&'static str>,
    /// `2013-`, `2012-2013`.
    pub years: Option<String>,
    /// Text after the years (or after the country when there are no years).
    pub branch: Option<String>,
}

/// Whether `inner` (the text inside parentheses) is an ACLED period: `2013-`, `2012-2013`.
pub fn is_period(inner: &str) -> bool {
    let inner = inner.trim();
    let Some((a, b)) = inner.split_once('-') else {
        return false;
    };
    let year = |t: &str| t.len() == 4 && t.bytes().all(|c| c.is_ascii_digit());
    let (a, b) = (a.trim(), b.trim());
    year(a) && (b.is_empty() || year(b))
}

/// The name before a trailing parenthesised part and that part's text: `("Civilians",
/// "Mali")` for `Civilians (Mali)`; also `Militia( Burkina Faso)` with the space misplaced.
pub fn trailing_paren(name: &str) -> Option<(&str, &str)> {
    let name = name.trim_end();
    let body = name.strip_suffix(')')?;
    let open = body.rfind('(')?;
    let before = body[..open].trim_end();
    let inner = body[open + 1..].trim();
    (!before.is_empty() && !inner.is_empty()).then_some((before, inner))
}

/// Splits a trailing period off: `("Military Forces of Mali", Some("2013-"))`.
pub fn strip_period(name: &str) -> (&str, Option<&str>) {
    match trailing_paren(name) {
        Some((before, inner)) if is_period(inner) => (before, Some(inner)),
        _ => (name.trim(), None),
    }
}

/// `A and/or B [and/or C]`: the candidate names, trimmed.
pub fn and_or_parts(name: &str) -> Option<Vec<&str>> {
    if !name.contains(" and/or ") {
        return None;
    }
    let parts: Vec<&str> = name
        .split(" and/or ")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    (parts.len() >= 2).then_some(parts)
}

/// Why a name that mentions state forces is not the government.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotGovernment {
    /// `Mutiny of …`: soldiers or police in revolt.
    Mutiny,
    /// `Former …`: former soldiers, police or officials.
    Former,
}

/// `Mutiny of X` or `Former X`: the kind and X.
pub fn not_the_government(name: &str) -> Option<(NotGovernment, &str)> {
    let t = name.trim();
    if let Some(rest) = t.strip_prefix("Mutiny of ") {
        return Some((NotGovernment::Mutiny, rest.trim()));
    }
    t.strip_prefix("Former ")
        .map(|rest| (NotGovernment::Former, rest.trim()))
}

/// `Military Forces of COUNTRY (YEARS) [BRANCH]`, `Police Forces of …`, `Government of …`.
/// Without years the country is the longest leading run of words the country table holds
/// (the rest is the branch), else the whole remainder.
pub fn state_forces(name: &str) -> Option<StateForces> {
    let t = name.trim();
    let (force, rest) = [
        ("Military Forces of ", Force::Military),
        ("Police Forces of ", Force::Police),
        ("Government of ", Force::Government),
    ]
    .iter()
    .find_map(|(prefix, force)| t.strip_prefix(prefix).map(|r| (*force, r.trim())))?;
    let rest = rest
        .strip_prefix("the ")
        .or_else(|| rest.strip_prefix("The "))
        .unwrap_or(rest);
    // "(YEARS)" anywhere after the country: country before it, branch after it.
    let mut search = 0;
    while let Some(open) = rest[search..].find('(').map(|i| i + search) {
        if let Some(close) = rest[open..].find(')').map(|i| i + open) {
            if is_period(&rest[open + 1..close]) {
                let country = rest[..open].trim().to_string();
                let branch = rest[close + 1..].trim();
                return Some(StateForces {
                    force,
                    iso3: conflict_countries::iso3(&country),
                    country,
                    years: Some(rest[open + 1..close].trim().to_string()),
                    branch: (!branch.is_empty()).then(|| branch.to_string()),
                });
            }
            search = close + 1;
        } else {
            break;
        }
    }
    if rest.is_empty() {
        return None;
    }
    // No years: the longest leading country name.
    let words: Vec<&str> = rest.split_whitespace().collect();
    for n in (1..=words.len()).rev() {
        let head = words[..n].join(" ");
        if let Some(code) = conflict_countries::iso3(&head) {
            let branch = words[n..].join(" ");
            return Some(StateForces {
                force,
                country: head,
                iso3: Some(code),
                years: None,
                branch: (!branch.is_empty()).then_some(branch),
            });
        }
    }
    Some(StateForces {
        force,
        country: rest.to_string(),
        iso3: None,
        years: None,
        branch: None,
    })
}

/// An Islamic State name: its region (or country) and faction, when given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IslamicStateName {
    pub region: Option<String>,
    pub faction: Option<String>,
}

/// `Islamic State`, `Islamic State (REGION)`, `Islamic State (REGION) - X Faction`,
/// `Islamic State - X`.
pub fn islamic_state(name: &str) -> Option<IslamicStateName> {
    let rest = name.trim().strip_prefix("Islamic State")?;
    if rest.is_empty() {
        return Some(IslamicStateName {
            region: None,
            faction: None,
        });
    }
    let (head, faction) = match rest.split_once(" - ") {
        Some((h, f)) => (h.trim(), Some(f.trim().to_string())),
        None => (rest.trim(), None),
    };
    let region = if head.is_empty() {
        None
    } else {
        let inner = head.strip_prefix('(')?.strip_suffix(')')?.trim();
        if inner.is_empty() {
            return None;
        }
        Some(inner.to_string())
    };
    Some(IslamicStateName { region, faction })
}

/// ACLED's categories of actors that are not organisations. None of them is ever a node of a
/// network; civilians are the target of one-sided violence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CategoryKind {
    /// `Civilians (C)`.
    Civilians,
    /// `Protesters (C)`.
    Protesters,
    /// `Rioters (C)`.
    Rioters,
    /// `Unidentified Armed Group (C)`, `Unidentified Communal Militia (C)`, …
    UnidentifiedArmedGroup,
    /// `X Ethnic Militia (C)`, `X Communal Militia (C)`, `X Clan Militia (C)`, religious
    /// militias: identity militias without a proper name (unless the UCDP list codes the
    /// identity group itself; see [`super::resolve`]).
    IdentityMilitia,
    /// `Militia (X)`, `Islamist Militia (C)`, `Vigilante Militia (C)`: militias named by whom
    /// they serve or what they are, not by a proper name.
    UnnamedMilitia,
    /// `X Ethnic Group (C)`.
    EthnicGroup,
    /// `X Communal Group (C)`.
    CommunalGroup,
    /// `X Clan Group (C)`.
    ClanGroup,
    /// `Muslim Group (C)`, `Catholic Christian Group (C)`, …
    ReligiousGroup,
    /// `Labour Group (C)`.
    LabourGroup,
    /// `Students (C)`.
    StudentGroup,
    /// `Women (C)`.
    WomensGroup,
    /// `Private Security Forces (C)`.
    PrivateSecurityForces,
    /// Other population groups: `Teachers (C)`, `Journalists (C)`, `Farmers (C)`,
    /// `Prisoners (C)`, `Refugees/IDPs (C)`, `Vigilante Group (C)`, …
    OtherPopulationGroup,
}

impl CategoryKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CategoryKind::Civilians => "civilians",
            CategoryKind::Protesters => "protesters",
            CategoryKind::Rioters => "rioters",
            CategoryKind::UnidentifiedArmedGroup => "unidentified armed group",
            CategoryKind::IdentityMilitia => "identity militia without a proper name",
            CategoryKind::UnnamedMilitia => "unnamed militia",
            CategoryKind::EthnicGroup => "ethnic group",
            CategoryKind::CommunalGroup => "communal group",
            CategoryKind::ClanGroup => "clan group",
            CategoryKind::ReligiousGroup => "religious group",
            CategoryKind::LabourGroup => "labour group",
            CategoryKind::StudentGroup => "student group",
            CategoryKind::WomensGroup => "women's group",
            CategoryKind::PrivateSecurityForces => "private security forces",
            CategoryKind::OtherPopulationGroup => "other population group",
        }
    }

    /// Every kind, in the order reports list them.
    pub const ALL: [CategoryKind; 15] = [
        CategoryKind::Civilians,
        CategoryKind::Protesters,
        CategoryKind::Rioters,
        CategoryKind::UnidentifiedArmedGroup,
        CategoryKind::IdentityMilitia,
        CategoryKind::UnnamedMilitia,
        CategoryKind::EthnicGroup,
        CategoryKind::CommunalGroup,
        CategoryKind::ClanGroup,
        CategoryKind::ReligiousGroup,
        CategoryKind::LabourGroup,
        CategoryKind::StudentGroup,
        CategoryKind::WomensGroup,
        CategoryKind::PrivateSecurityForces,
        CategoryKind::OtherPopulationGroup,
    ];
}

/// A category name, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryName {
    pub kind: CategoryKind,
    /// The label without the parenthesised country (`Fulani Ethnic Group`).
    pub label: String,
    /// The parenthesised part as written (`Mali`, `International`).
    pub country: Option<String>,
    /// For militias: the group the militia is named after (`Fulani` in `Fulani Ethnic
    /// Militia (Mali)`, `Koglweogo` in `Koglweogo Militia (Burkina Faso)`), to be looked up
    /// in the UCDP list, which codes some identity groups as actors.
    pub identity: Option<String>,
}

/// Words that make a group or militia religious.
const RELIGIONS: [&str; 17] = [
    "muslim",
    "christian",
    "catholic",
    "protestant",
    "evangelical",
    "orthodox",
    "sunni",
    "shia",
    "shiite",
    "hindu",
    "jewish",
    "buddhist",
    "sikh",
    "ahmadi",
    "sufi",
    "animist",
    "islamist",
];

/// Social labels ACLED uses for groups of people (with the country in parentheses, or bare).
const SOCIAL_LABELS: [(&str, CategoryKind); 38] = [
    ("civilians", CategoryKind::Civilians),
    ("protesters", CategoryKind::Protesters),
    ("rioters", CategoryKind::Rioters),
    ("students", CategoryKind::StudentGroup),
    ("women", CategoryKind::WomensGroup),
    ("labour group", CategoryKind::LabourGroup),
    ("labor group", CategoryKind::LabourGroup),
    (
        "private security forces",
        CategoryKind::PrivateSecurityForces,
    ),
    ("teachers", CategoryKind::OtherPopulationGroup),
    ("health workers", CategoryKind::OtherPopulationGroup),
    ("aid workers", CategoryKind::OtherPopulationGroup),
    ("journalists", CategoryKind::OtherPopulationGroup),
    ("lawyers", CategoryKind::OtherPopulationGroup),
    ("judges", CategoryKind::OtherPopulationGroup),
    ("farmers", CategoryKind::OtherPopulationGroup),
    ("pastoralists", CategoryKind::OtherPopulationGroup),
    ("herders", CategoryKind::OtherPopulationGroup),
    ("fishermen", CategoryKind::OtherPopulationGroup),
    ("fishers", CategoryKind::OtherPopulationGroup),
    ("miners", CategoryKind::OtherPopulationGroup),
    ("traders", CategoryKind::OtherPopulationGroup),
    ("street traders", CategoryKind::OtherPopulationGroup),
    ("taxi drivers", CategoryKind::OtherPopulationGroup),
    ("truck drivers", CategoryKind::OtherPopulationGroup),
    (
        "motorcycle taxi drivers",
        CategoryKind::OtherPopulationGroup,
    ),
    ("civil servants", CategoryKind::OtherPopulationGroup),
    ("prisoners", CategoryKind::OtherPopulationGroup),
    ("refugees/idps", CategoryKind::OtherPopulationGroup),
    ("refugees", CategoryKind::OtherPopulationGroup),
    ("idps", CategoryKind::OtherPopulationGroup),
    ("migrants", CategoryKind::OtherPopulationGroup),
    ("lgbt", CategoryKind::OtherPopulationGroup),
    ("lgbtq+", CategoryKind::OtherPopulationGroup),
    ("children", CategoryKind::OtherPopulationGroup),
    ("sex workers", CategoryKind::OtherPopulationGroup),
    ("poachers", CategoryKind::OtherPopulationGroup),
    ("smugglers", CategoryKind::OtherPopulationGroup),
    ("settlers", CategoryKind::OtherPopulationGroup),
];

fn social_label(label: &str) -> Option<CategoryKind> {
    let l = label.trim().to_lowercase();
    SOCIAL_LABELS
        .iter()
        .find(|(name, _)| *name == l)
        .map(|(_, kind)| *kind)
}

fn is_religious(label: &str) -> bool {
    label
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| RELIGIONS.contains(&w))
}

/// `X … Group`: the kind of group.
fn group_kind(label: &str) -> Option<CategoryKind> {
    // A leading space so that "Communal Group" matches " communal group" as a suffix.
    let l = format!(" {}", label.trim().to_lowercase());
    if !l.ends_with(" group") {
        return None;
    }
    Some(if l.ends_with(" ethnic group") {
        CategoryKind::EthnicGroup
    } else if l.ends_with(" communal group") {
        CategoryKind::CommunalGroup
    } else if l.ends_with(" clan group") || l.ends_with(" sub-clan group") {
        CategoryKind::ClanGroup
    } else if l == " labour group" || l == " labor group" {
        CategoryKind::LabourGroup
    } else if is_religious(label) {
        CategoryKind::ReligiousGroup
    } else {
        CategoryKind::OtherPopulationGroup
    })
}

/// `X … Militia`: the kind and the group the militia is named after.
fn militia_kind(label: &str) -> Option<(CategoryKind, String)> {
    let base = label.strip_suffix(" Militia")?.trim();
    for suffix in [
        " Ethnic",
        " Communal",
        " Sub-Clan",
        " Clan",
        " Tribal",
        " Religious",
    ] {
        if let Some(identity) = base.strip_suffix(suffix) {
            return Some((CategoryKind::IdentityMilitia, identity.trim().to_string()));
        }
    }
    if is_religious(base) {
        return Some((CategoryKind::IdentityMilitia, base.to_string()));
    }
    Some((CategoryKind::UnnamedMilitia, base.to_string()))
}

/// The category a name belongs to, if it fits ACLED's category vocabulary: a social label
/// (bare or with a parenthesised country), `Unidentified …`, `Militia (X)`, or `X … Group (C)`
/// / `X … Militia (C)` with the parenthesised part. A name that does not fit is an
/// organisation name (a named militia without parentheses, `Koglweogo Militia`, is one).
pub fn category(name: &str) -> Option<CategoryName> {
    let t = name.trim();
    let (label, paren) = match trailing_paren(t) {
        Some((before, inner)) if !is_period(inner) => (before, Some(inner)),
        _ => (t, None),
    };
    let make = |kind: CategoryKind, identity: Option<String>| CategoryName {
        kind,
        label: label.to_string(),
        country: paren.map(str::to_string),
        identity,
    };
    if let Some(kind) = social_label(label) {
        return Some(make(kind, None));
    }
    if let Some(rest) = label.strip_prefix("Unidentified ") {
        let kind = match group_kind(rest) {
            Some(CategoryKind::OtherPopulationGroup) | None => CategoryKind::UnidentifiedArmedGroup,
            Some(kind) => kind,
        };
        return Some(make(kind, None));
    }
    if label == "Militia" && paren.is_some() {
        return Some(CategoryName {
            kind: CategoryKind::UnnamedMilitia,
            label: t.to_string(),
            country: None,
            identity: None,
        });
    }
    paren?;
    if let Some(kind) = group_kind(label) {
        return Some(make(kind, None));
    }
    militia_kind(label).map(|(kind, identity)| make(kind, Some(identity)))
}

/// How a lookup text was derived from an organisation name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Derivation {
    /// The name without its period and qualifier.
    Base,
    /// The acronym of `ACRONYM: Full name`.
    Acronym,
    /// The full name of `ACRONYM: Full name`.
    FullName,
    /// One side of `Name - Other name`.
    Part,
    /// `NAME Militia` → `NAME`.
    MilitiaName,
}

impl Derivation {
    pub fn as_str(self) -> &'static str {
        match self {
            Derivation::Base => "name",
            Derivation::Acronym => "acronym",
            Derivation::FullName => "full name",
            Derivation::Part => "part of 'A - B'",
            Derivation::MilitiaName => "name before 'Militia'",
        }
    }
}

/// A trailing parenthesised qualifier of an organisation name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Qualifier {
    /// A country of the table: the organisation must be located there.
    Country { text: String, iso3: &'static str },
    /// A faction or coalition (`Platform`, `CMA`, `CME`): kept as an attribute.
    Faction(String),
    /// `Splinter Faction`: a group that left the organisation, not the organisation.
    Splinter(String),
}

/// An organisation name, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganisationName {
    /// The name without its period (the key of an organisation the UCDP list lacks).
    pub without_period: String,
    pub years: Option<String>,
    pub qualifier: Option<Qualifier>,
    /// Texts to look up, in order, with how each was derived.
    pub lookups: Vec<(String, Derivation)>,
}

/// Parses an organisation name: period and qualifier off, then the base, the acronym and the
/// full name of `ACRONYM: Full name`, the parts of `A - B`, and `NAME` of `NAME Militia`.
pub fn organisation(name: &str) -> OrganisationName {
    let (no_period, years) = strip_period(name);
    let (base, qualifier) = match trailing_paren(no_period) {
        Some((before, inner)) => {
            let q = if let Some(code) = conflict_countries::iso3(inner) {
                Qualifier::Country {
                    text: inner.to_string(),
                    iso3: code,
                }
            } else if inner.to_lowercase().contains("splinter") {
                Qualifier::Splinter(inner.to_string())
            } else {
                Qualifier::Faction(inner.to_string())
            };
            (before, Some(q))
        }
        None => (no_period, None),
    };
    let mut lookups: Vec<(String, Derivation)> = Vec::new();
    let mut push = |text: &str, how: Derivation| {
        let text = text.trim();
        if !text.is_empty() && !lookups.iter().any(|(t, _)| t == text) {
            lookups.push((text.to_string(), how));
        }
    };
    push(base, Derivation::Base);
    if let Some((acronym, full)) = base.split_once(": ") {
        push(acronym, Derivation::Acronym);
        push(full, Derivation::FullName);
    } else if base.contains(" - ") {
        for part in base.split(" - ") {
            push(part, Derivation::Part);
        }
    }
    if let Some(stem) = base.strip_suffix(" Militia") {
        push(stem, Derivation::MilitiaName);
    }
    OrganisationName {
        without_period: no_period.to_string(),
        years: years.map(str::to_string),
        qualifier,
        lookups,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_and_parentheses() {
        assert!(is_period("2013-"));
        assert!(is_period("2012-2013"));
        assert!(!is_period("Mali"));
        assert!(!is_period("13-"));
        assert_eq!(
            strip_period("Military Forces of Mali (2013-)"),
            ("Military Forces of Mali", Some("2013-"))
        );
        assert_eq!(
            trailing_paren("Sewera Communal Militia( Burkina Faso)"),
            Some(("Sewera Communal Militia", "Burkina Faso"))
        );
        assert_eq!(trailing_paren("Ansar Dine"), None);
    }

    #[test]
    fn state_forces_with_years_branch_and_article() {
        let s = state_forces("Police Forces of Burkina Faso (2015-) Gendarmerie").unwrap();
        assert_eq!(
            (s.force, s.country.as_str(), s.iso3, s.years.as_deref()),
            (Force::Police, "Burkina Faso", Some("BFA"), Some("2015-"))
        );
        assert_eq!(s.branch.as_deref(), Some("Gendarmerie"));
        let s = state_forces("Military Forces of the Ivory Coast (2011-)").unwrap();
        assert_eq!((s.country.as_str(), s.iso3), ("Ivory Coast", Some("CIV")));
        let s = state_forces("Military Forces of Estonia").unwrap();
        assert_eq!((s.iso3, s.years, s.branch), (Some("EST"), None, None));
        let s = state_forces("Military Forces of South Sudan Air Force").unwrap();
        assert_eq!(
            (s.iso3, s.branch.as_deref()),
            (Some("SSD"), Some("Air Force"))
        );
        let s = state_forces("Government of Burkina Faso (2015-)").unwrap();
        assert_eq!((s.force, s.iso3), (Force::Government, Some("BFA")));
        let s = state_forces("Military Forces of Somaliland (2017-)").unwrap();
        assert_eq!((s.country.as_str(), s.iso3), ("Somaliland", None));
        assert_eq!(
            state_forces("JNIM: Group for Support of Islam and Muslims"),
            None
        );
    }

    #[test]
    fn not_the_government_and_and_or() {
        assert_eq!(
            not_the_government("Mutiny of Military Forces of Mali (2002-2012)"),
            Some((NotGovernment::Mutiny, "Military Forces of Mali (2002-2012)"))
        );
        assert_eq!(
            not_the_government("Former Police Forces of Burkina Faso (2015-)").map(|x| x.0),
            Some(NotGovernment::Former)
        );
        assert_eq!(
            and_or_parts("JNIM: Group for Support of Islam and Muslims and/or Islamic State (Greater Sahara)"),
            Some(vec![
                "JNIM: Group for Support of Islam and Muslims",
                "Islamic State (Greater Sahara)"
            ])
        );
        assert_eq!(and_or_parts("Ansaroul Islam"), None);
    }

    #[test]
    fn islamic_state_region_and_faction() {
        let is = islamic_state("Islamic State (West Africa) - Lake Chad Faction").unwrap();
        assert_eq!(is.region.as_deref(), Some("West Africa"));
        assert_eq!(is.faction.as_deref(), Some("Lake Chad Faction"));
        let is = islamic_state("Islamic State (Mozambique)").unwrap();
        assert_eq!(
            (is.region.as_deref(), is.faction),
            (Some("Mozambique"), None)
        );
        assert!(islamic_state("Islamic State").is_some());
        assert_eq!(islamic_state("Islamic Security Militia"), None);
        assert_eq!(islamic_state("Islamic State Sahel Province"), None);
    }

    #[test]
    fn categories_by_acled_vocabulary() {
        let kind = |n: &str| category(n).map(|c| c.kind);
        assert_eq!(kind("Civilians (Mali)"), Some(CategoryKind::Civilians));
        assert_eq!(kind("Civilians"), Some(CategoryKind::Civilians));
        assert_eq!(
            kind("Civilians (International)"),
            Some(CategoryKind::Civilians)
        );
        assert_eq!(kind("Protesters (Nigeria)"), Some(CategoryKind::Protesters));
        assert_eq!(kind("Rioters (Somalia)"), Some(CategoryKind::Rioters));
        assert_eq!(
            kind("Unidentified Armed Group (Mozambique)"),
            Some(CategoryKind::UnidentifiedArmedGroup)
        );
        assert_eq!(
            kind("Unidentified Communal Militia (Nigeria)"),
            Some(CategoryKind::UnidentifiedArmedGroup)
        );
        assert_eq!(
            kind("Unidentified Clan Group (Somalia)"),
            Some(CategoryKind::ClanGroup)
        );
        assert_eq!(
            kind("Unidentified Communal Group (Mali)"),
            Some(CategoryKind::CommunalGroup)
        );
        assert_eq!(
            kind("Hausa Ethnic Group (Nigeria)"),
            Some(CategoryKind::EthnicGroup)
        );
        assert_eq!(
            kind("Kidal Communal Group (Mali)"),
            Some(CategoryKind::CommunalGroup)
        );
        assert_eq!(
            kind("Hawiye Clan Group (Somalia)"),
            Some(CategoryKind::ClanGroup)
        );
        assert_eq!(
            kind("Catholic Christian Group (Burkina Faso)"),
            Some(CategoryKind::ReligiousGroup)
        );
        assert_eq!(
            kind("Labour Group (Nigeria)"),
            Some(CategoryKind::LabourGroup)
        );
        assert_eq!(kind("Students (Somalia)"), Some(CategoryKind::StudentGroup));
        assert_eq!(kind("Women (Mozambique)"), Some(CategoryKind::WomensGroup));
        assert_eq!(
            kind("Teachers (Niger)"),
            Some(CategoryKind::OtherPopulationGroup)
        );
        assert_eq!(
            kind("Refugees/IDPs (Mali)"),
            Some(CategoryKind::OtherPopulationGroup)
        );
        assert_eq!(
            kind("Vigilante Group (Nigeria)"),
            Some(CategoryKind::OtherPopulationGroup)
        );
        assert_eq!(
            kind("Private Security Forces (Mozambique)"),
            Some(CategoryKind::PrivateSecurityForces)
        );
        assert_eq!(
            kind("Militia (Pro-Government)"),
            Some(CategoryKind::UnnamedMilitia)
        );
        assert_eq!(
            kind("Islamist Militia (Mali)"),
            Some(CategoryKind::IdentityMilitia)
        );
        let m = category("Tiv Ethnic Militia (Nigeria)").unwrap();
        assert_eq!(
            (m.kind, m.identity.as_deref(), m.country.as_deref()),
            (CategoryKind::IdentityMilitia, Some("Tiv"), Some("Nigeria"))
        );
        let m = category("Abgaal Sub-Clan Militia (Somalia)").unwrap();
        assert_eq!(m.identity.as_deref(), Some("Abgaal"));
        // Organisations, not categories.
        for org in [
            "Koglweogo Militia",
            "Wagner Group",
            "Al Shabaab",
            "Al Shabaab (Mozambique)",
            "MINUSMA: United Nations Multidimensional Integrated Stabilization Mission in Mali (2013-)",
            "Ansar Dine",
        ] {
            assert_eq!(category(org), None, "{org}");
        }
    }

    #[test]
    fn organisation_lookups() {
        let o = organisation("MAA: Arab Movement of the Azawad (Platform)");
        assert_eq!(o.qualifier, Some(Qualifier::Faction("Platform".into())));
        assert_eq!(
            o.lookups,
            vec![
                ("MAA: Arab Movement of the Azawad".into(), Derivation::Base),
                ("MAA".into(), Derivation::Acronym),
                ("Arab Movement of the Azawad".into(), Derivation::FullName),
            ]
        );
        let o = organisation(
            "MINUSMA: United Nations Multidimensional Integrated Stabilization Mission in Mali (2013-)",
        );
        assert_eq!(o.years.as_deref(), Some("2013-"));
        assert_eq!(o.lookups[1], ("MINUSMA".into(), Derivation::Acronym));
        let o = organisation("Boko Haram - Jamaatu Ahli is-Sunnah lid-Dawati wal-Jihad");
        assert_eq!(o.lookups[1], ("Boko Haram".into(), Derivation::Part));
        let o = organisation("Koglweogo Militia");
        assert_eq!(o.lookups[1], ("Koglweogo".into(), Derivation::MilitiaName));
        let o = organisation("Al Shabaab (Mozambique)");
        assert_eq!(
            o.qualifier,
            Some(Qualifier::Country {
                text: "Mozambique".into(),
                iso3: "MOZ"
            })
        );
        let o = organisation("CMA: Coordination of Movements of the Azawad (Splinter Faction)");
        assert!(matches!(o.qualifier, Some(Qualifier::Splinter(_))));
    }
}
