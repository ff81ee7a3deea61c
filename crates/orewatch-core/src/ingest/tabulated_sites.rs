//! Reader for the hand-tabulated mine sites (`mine_sites_mali_and_neighbours.csv`) and the
//! company home-country table (`company_home_country.csv`) that goes with it.
//!
//! # Layouts
//! * **Sites** (header with `site_id`, `site_name`, `country_iso3`, `commodity`, `status_note`,
//!   `status_as_of`, `operator_or_holder`, `owners_with_pct`, `lat`, `lon`, `coord_precision`,
//!   `source_url`; optional `site_type`, `owner_home_countries`, `coord_source`,
//!   `secondary_source_url`, `notes` and any other column, all kept in `extra`). One
//!   [`Site`] of kind [`SiteKind::Tabulated`] per row, `site_id` as given. `commodity` is split
//!   on `;` and normalised (`lithium (spodumene)` -> `lithium`); status is `status_note`,
//!   `status_as_of` a year, operator `operator_or_holder`. The raw `commodity`,
//!   `owners_with_pct` and `owner_home_countries` strings stay in `extra`.
//!   A row with BOTH `lat` and `lon` empty is kept with no coordinates and named in a note
//!   (Intahaka, MLI-HT-14): never guessed. One coordinate without the other, a non-number or
//!   an out-of-range value quarantines the row.
//! * **Companies** (header `company`, `home_country`; optional `basis`, `source_url`): one
//!   [`CompanyHomeCountry`] per row, read by [`read_company_home_countries`].
//!
//! # Owners
//! `owners_with_pct` is parsed by [`parse_owners`]: owners separated by `;`, each
//! `Name 80%` (or a name without a share, `Algom Resources (pct not stated)`); a parenthesis
//! holding percentages lists the owner's own owners (`Kodal Mining UK 65% (Hainan Mining 51% /
//! Kodal Minerals 49%)`) -> `held_by`; other parentheses are qualifiers and are dropped from
//! the name (`State of Mali 20% (SOMISY)`); `X majority-owned by Y` adds Y to the `held_by`
//! of the owner named X; a part starting with `previously` is former ownership, not an owner
//! (kept in the raw string); `n/a` means none.
//!
//! Home countries, in this order: (1) the company table, matching names by
//! [`company_keys`] (lower-case, punctuation removed, corporate suffixes `Corp.`, `Ltd`,
//! `Inc.`, `plc`, `SA`, `Co.` dropped; each `/`-separated or parenthesised alternative is a
//! key; two names match when they share a key, so `Barrick` matches `Barrick (Barrick Gold /
//! Barrick Mining Corp.)` and `Hainan Mining` matches `Hainan Mining Co. Ltd`); (2) `State of
//! X` -> X; (3) the row's `owner_home_countries`, by position, only when it lists exactly as
//! many countries as there are current owners (`unknown` and `previously …` entries are not
//! counted). A home country is written without its parenthesised remark (`South Africa
//! (redomiciled to UK in 2023)` -> `South Africa`).
//!
//! # Rows and lines
//! Both tables are read through [`csv_rows`] (the shared CSV row stream): a quarantine record
//! names the 1-based line where its row starts, also in CRLF files and after multi-line
//! quoted fields or blank lines; a row with a field that is not UTF-8 is quarantined (reason
//! `UTF-8 text`) and reading goes on.
//!
//! # What it does not do
//! It does not link sites to the USGS layers (see `ingest::link`), nor check the cited URLs.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::ingest::csv_rows::{self, CsvRows, Header, Row};
use crate::ingest::text::{non_missing, parse_number};
use crate::ingest::usgs_sites::normalise_commodity;
use crate::ingest::{IngestError, ReadOutcome};
use crate::model::{Extra, Ownership, QuarantineRecord, Site, SiteKind, SourceRecord};

/// Dataset name of the hand-tabulated sites in [`SourceRecord::dataset`].
pub const DATASET: &str = "tabulated_sites";

pub(crate) const SITE_REQUIRED: [&str; 12] = [
    "site_id",
    "site_name",
    "country_iso3",
    "commodity",
    "status_note",
    "status_as_of",
    "operator_or_holder",
    "owners_with_pct",
    "lat",
    "lon",
    "coord_precision",
    "source_url",
];

/// Columns with a typed home on [`Site`] (the others go to `extra`).
const SITE_TYPED: [&str; 10] = [
    "site_id",
    "site_name",
    "country_iso3",
    "status_note",
    "status_as_of",
    "operator_or_holder",
    "lat",
    "lon",
    "coord_precision",
    "source_url",
];

pub(crate) const COMPANY_REQUIRED: [&str; 2] = ["company", "home_country"];

/// One row of the company home-country table.
#[derive(Debug, Clone, PartialEq)]
pub struct CompanyHomeCountry {
    /// The company as written (`Barrick (Barrick Gold / Barrick Mining Corp.)`).
    pub company: String,
    /// The home country as written (`South Africa (redomiciled to UK in 2023)`).
    pub home_country: String,
    pub basis: Option<String>,
    pub source_url: Option<String>,
}

impl CompanyHomeCountry {
    /// The home country without its parenthesised remark (`South Africa`).
    pub fn country(&self) -> String {
        without_parentheses(&self.home_country)
    }
}

/// Whether the file is a hand-tabulated site table (its header has `site_id`,
/// `owners_with_pct` and `lat`).
pub fn sniff(head: &[u8], _file_name: &str) -> bool {
    csv_rows::header_of(head)
        .is_some_and(|h| h.missing(&["site_id", "owners_with_pct", "lat"]).is_empty())
}

/// Whether the file is the company home-country table (header `company`, `home_country`).
pub fn sniff_companies(head: &[u8], _file_name: &str) -> bool {
    csv_rows::header_of(head)
        .is_some_and(|h| h.missing(&COMPANY_REQUIRED).is_empty() && !h.has("site_id"))
}

/// Reads the site table alone: home countries come only from the `State of X` rule and the
/// row's `owner_home_countries`.
pub fn read_path(path: &Path) -> Result<ReadOutcome<Site>, IngestError> {
    read(csv_rows::open(path)?, &path.to_string_lossy())
}

/// Reads the site table alone (see [`read_path`]).
pub fn read<R: Read>(input: R, file: &str) -> Result<ReadOutcome<Site>, IngestError> {
    read_with_companies(input, file, &[])
}

/// Reads the site table, taking owners' home countries from the company table first. The
/// company table's quarantined rows are added to the outcome (their `file` names that table);
/// `rows_read` counts site rows only.
pub fn read_path_with_companies(
    sites: &Path,
    companies: &Path,
) -> Result<ReadOutcome<Site>, IngestError> {
    let table = read_company_home_countries_path(companies)?;
    let mut out = read_with_companies(
        csv_rows::open(sites)?,
        &sites.to_string_lossy(),
        &table.records,
    )?;
    out.notes.push(format!(
        "home countries from {} ({} companies)",
        companies.to_string_lossy(),
        table.records.len()
    ));
    out.notes.extend(table.notes);
    out.quarantined.extend(table.quarantined);
    Ok(out)
}

/// Reads the company home-country table from a file.
pub fn read_company_home_countries_path(
    path: &Path,
) -> Result<ReadOutcome<CompanyHomeCountry>, IngestError> {
    read_company_home_countries(csv_rows::open(path)?, &path.to_string_lossy())
}

/// Reads the header row and checks that it has the `required` columns.
fn read_header<R: Read>(
    rows: &mut CsvRows<R>,
    file: &str,
    required: &[&str],
    layout: &str,
) -> Result<Header, IngestError> {
    let header = rows.header()?;
    let missing = header.missing(required);
    if !missing.is_empty() {
        return Err(IngestError::UnknownLayout {
            path: PathBuf::from(file),
            detail: format!(
                "header [{}] lacks [{}]",
                header.names().join(", "),
                missing.join(", ")
            ),
            expected: format!("a {layout} header with columns [{}]", required.join(", ")),
        });
    }
    Ok(header)
}

/// The quarantine record for `row`, refused on `column` for `reason` (the reason as written,
/// without an `expected` prefix).
fn refuse(file: &str, header: &Header, row: &Row, column: &str, reason: &str) -> QuarantineRecord {
    QuarantineRecord {
        file: file.to_string(),
        line: row.line,
        column: Some(column.to_string()),
        value: header.value(row, column).to_string(),
        reason: reason.to_string(),
        raw: row.raw(),
    }
}

/// Reads the company home-country table.
pub fn read_company_home_countries<R: Read>(
    input: R,
    file: &str,
) -> Result<ReadOutcome<CompanyHomeCountry>, IngestError> {
    let mut rows = CsvRows::new(input, file);
    let header = read_header(&mut rows, file, &COMPANY_REQUIRED, "company home-country")?;
    let mut out = ReadOutcome::new(format!(
        "company home-country table ({} columns)",
        header.len()
    ));
    while let Some(row) = rows.next_row()? {
        out.rows_read += 1;
        let row = match row {
            Ok(row) => row,
            Err(bad) => {
                out.quarantined
                    .push(bad.quarantine(file, &header, "UTF-8 text"));
                continue;
            }
        };
        let field = |name: &str| non_missing(header.value(&row, name));
        let (company, home) = (field("company"), field("home_country"));
        let (Some(company), Some(home)) = (company, home) else {
            let column = if company.is_none() {
                "company"
            } else {
                "home_country"
            };
            let reason = format!("a {} (not empty)", column.replace('_', " "));
            out.quarantined
                .push(refuse(file, &header, &row, column, &reason));
            continue;
        };
        out.records.push(CompanyHomeCountry {
            company: company.to_string(),
            home_country: home.to_string(),
            basis: field("basis").map(str::to_string),
            source_url: field("source_url").map(str::to_string),
        });
    }
    Ok(out)
}

/// Reads the site table with a company table (may be empty) for home countries.
pub fn read_with_companies<R: Read>(
    input: R,
    file: &str,
    companies: &[CompanyHomeCountry],
) -> Result<ReadOutcome<Site>, IngestError> {
    let mut rows = CsvRows::new(input, file);
    let header = read_header(&mut rows, file, &SITE_REQUIRED, "hand-tabulated sites")?;
    let mut out = ReadOutcome::new(format!(
        "hand-tabulated mine sites ({} columns)",
        header.len()
    ));
    let mut no_home = Vec::new();
    while let Some(row) = rows.next_row()? {
        out.rows_read += 1;
        let row = match row {
            Ok(row) => row,
            Err(bad) => {
                out.quarantined
                    .push(bad.quarantine(file, &header, "UTF-8 text"));
                continue;
            }
        };
        match site_from_row(&header, &row, file, companies) {
            Ok(site) => {
                if !site.has_coordinates() {
                    out.notes.push(format!(
                        "{} {} has no coordinates in the source (coord_source: {}): kept without \
                         coordinates, never guessed; it cannot be placed on a map or measured \
                         against events",
                        site.site_id,
                        site.name,
                        site.extra
                            .get("coord_source")
                            .map(String::as_str)
                            .unwrap_or("none")
                    ));
                }
                for o in &site.owners {
                    if o.home_country.is_none() {
                        no_home.push(format!("{} ({})", o.owner, site.site_id));
                    }
                }
                out.records.push(site);
            }
            Err(q) => out.quarantined.push(*q),
        }
    }
    if !no_home.is_empty() {
        out.notes.push(format!(
            "{} owners without an established home country: {}",
            no_home.len(),
            no_home.join(", ")
        ));
    }
    Ok(out)
}

fn site_from_row(
    header: &Header,
    row: &Row,
    file: &str,
    companies: &[CompanyHomeCountry],
) -> Result<Site, Box<QuarantineRecord>> {
    let reject = |column: &str, reason: &str| Box::new(refuse(file, header, row, column, reason));
    let field = |name: &str| non_missing(header.value(row, name));

    let site_id = field("site_id").ok_or_else(|| reject("site_id", "a site id (not empty)"))?;
    let name = field("site_name").ok_or_else(|| reject("site_name", "a site name (not empty)"))?;

    let lat_text = header.value(row, "lat").trim();
    let lon_text = header.value(row, "lon").trim();
    let (lat, lon) = match (lat_text.is_empty(), lon_text.is_empty()) {
        (true, true) => (None, None),
        (true, false) => {
            return Err(reject(
                "lat",
                "a latitude when a longitude is given (or both empty)",
            ))
        }
        (false, true) => {
            return Err(reject(
                "lon",
                "a longitude when a latitude is given (or both empty)",
            ))
        }
        (false, false) => {
            let lat = parse_number(lat_text)
                .filter(|v| (-90.0..=90.0).contains(v))
                .ok_or_else(|| reject("lat", "latitude in decimal degrees in [-90, 90]"))?;
            let lon = parse_number(lon_text)
                .filter(|v| (-180.0..=180.0).contains(v))
                .ok_or_else(|| reject("lon", "longitude in decimal degrees in [-180, 180]"))?;
            (Some(lat), Some(lon))
        }
    };

    let status_as_of = match field("status_as_of") {
        None => None,
        Some(t) => Some(
            t.parse::<i32>()
                .ok()
                .filter(|y| (1900..=2100).contains(y))
                .ok_or_else(|| reject("status_as_of", "a year such as 2024"))?,
        ),
    };

    let mut commodities = Vec::new();
    for part in field("commodity").unwrap_or_default().split(';') {
        let c = normalise_commodity(part);
        if !c.is_empty() && !commodities.contains(&c) {
            commodities.push(c);
        }
    }

    let site_iso3 = field("country_iso3").map(str::to_string);
    let parsed = parse_owners(field("owners_with_pct").unwrap_or_default());
    let mut owners = parsed.owners;
    assign_home_countries(
        &mut owners,
        companies,
        field("owner_home_countries").unwrap_or_default(),
    );

    let mut extra = Extra::new();
    for (i, col) in header.names().iter().enumerate() {
        if SITE_TYPED.contains(&col.as_str()) {
            continue;
        }
        if let Some(v) = row.fields.get(i).and_then(|v| non_missing(v)) {
            extra.insert(col.clone(), v.to_string());
        }
    }

    Ok(Site {
        site_id: site_id.to_string(),
        name: name.to_string(),
        kind: SiteKind::Tabulated,
        country: None,
        country_iso3: site_iso3,
        admin1: None,
        lat,
        lon,
        coord_precision: field("coord_precision").map(str::to_string),
        commodities,
        products: Vec::new(),
        status: field("status_note").map(str::to_string),
        status_as_of,
        operator: field("operator_or_holder").map(str::to_string),
        owners,
        source_url: field("source_url").map(str::to_string),
        records: vec![SourceRecord {
            dataset: DATASET.to_string(),
            record_id: site_id.to_string(),
        }],
        extra,
    })
}

/// The owners parsed from an `owners_with_pct` string.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ParsedOwners {
    /// Current owners, in source order.
    pub owners: Vec<Ownership>,
    /// Parts describing former ownership (`previously Orano 63.4% / SOPAMIN 36.6%`).
    pub former: Vec<String>,
    /// Parts that could not be read as an owner (kept for a note).
    pub unparsed: Vec<String>,
}

/// Parses `owners_with_pct` (see the module docs for the grammar).
pub fn parse_owners(text: &str) -> ParsedOwners {
    let mut parsed = ParsedOwners::default();
    for part in split_top_level(text, ';') {
        let part = part.trim();
        if non_missing(part).is_none() {
            continue;
        }
        let lower = part.to_lowercase();
        if lower.starts_with("previously") || lower.starts_with("formerly") {
            parsed.former.push(part.to_string());
            continue;
        }
        // `lower` may differ in byte length from `part` for non-ASCII text: slice with get().
        if let Some((before, after)) = lower
            .find("owned by ")
            .and_then(|at| Some((part.get(..at)?, part.get(at + "owned by ".len()..)?)))
        {
            let subject = before
                .trim_end_matches('-')
                .trim()
                .trim_end_matches("majority")
                .trim_end_matches("wholly")
                .trim();
            let holder = after.trim();
            let target = parsed.owners.iter_mut().find(|o| {
                !subject.is_empty() && o.owner.to_lowercase().starts_with(&subject.to_lowercase())
            });
            match target {
                Some(o) if !holder.is_empty() => o.held_by.push(owner_share(holder)),
                _ => parsed.unparsed.push(part.to_string()),
            }
            continue;
        }
        let mut owner = owner_share(&without_parentheses(part));
        for group in parenthesised(part) {
            if group.contains('%') {
                owner.held_by.extend(
                    group
                        .split('/')
                        .filter(|g| !g.trim().is_empty())
                        .map(owner_share),
                );
            }
        }
        if owner.owner.is_empty() {
            parsed.unparsed.push(part.to_string());
        } else {
            parsed.owners.push(owner);
        }
    }
    parsed
}

/// `Barrick 80%` -> (Barrick, 80); `Nioko Resources (Coris Invest Group)` -> no share, name
/// kept whole (a parenthesis without a percent names the same owner).
fn owner_share(text: &str) -> Ownership {
    let t = text.trim();
    let (name, share) = match t.rsplit_once(char::is_whitespace) {
        Some((name, last)) if last.ends_with('%') => {
            match parse_number(last.trim_end_matches('%')) {
                Some(p) => (name.trim(), Some(p)),
                None => (t, None),
            }
        }
        _ => (t, None),
    };
    Ownership {
        owner: name.to_string(),
        share_pct: share,
        home_country: None,
        held_by: Vec::new(),
    }
}

fn split_top_level(text: &str, sep: char) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if c == sep && depth == 0 {
            parts.push(std::mem::take(&mut current));
        } else {
            current.push(c);
        }
    }
    parts.push(current);
    parts
}

/// The text with every parenthesised group removed, spaces collapsed.
fn without_parentheses(text: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The contents of the top-level parenthesised groups.
fn parenthesised(text: &str) -> Vec<String> {
    let mut groups = Vec::new();
    let mut current = String::new();
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '(' => {
                if depth > 0 {
                    current.push(c);
                }
                depth += 1;
            }
            ')' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    groups.push(std::mem::take(&mut current));
                } else {
                    current.push(c);
                }
            }
            _ if depth > 0 => current.push(c),
            _ => {}
        }
    }
    groups
}

const CORPORATE_SUFFIXES: [&str; 8] = [
    "corp",
    "corporation",
    "ltd",
    "limited",
    "inc",
    "plc",
    "sa",
    "co",
];

/// The keys a company name is matched by: each alternative (outside and inside parentheses,
/// split on `/`, without a leading `formerly`), lower-case, punctuation as spaces, trailing
/// corporate suffixes dropped. `Hainan Mining Co. Ltd` -> [`hainan mining`].
pub fn company_keys(name: &str) -> Vec<String> {
    let mut alternatives = vec![without_parentheses(name)];
    alternatives.extend(parenthesised(name));
    let mut keys = Vec::new();
    for alt in alternatives {
        for piece in alt.split('/') {
            let lower = piece.trim().to_lowercase();
            let lower = lower.strip_prefix("formerly ").unwrap_or(&lower);
            let cleaned: String = lower
                .chars()
                .map(|c| if c.is_alphanumeric() { c } else { ' ' })
                .collect();
            let mut tokens: Vec<&str> = cleaned.split_whitespace().collect();
            while tokens.len() > 1
                && tokens
                    .last()
                    .is_some_and(|t| CORPORATE_SUFFIXES.contains(t))
            {
                tokens.pop();
            }
            let key = tokens.join(" ");
            if !key.is_empty() && !keys.contains(&key) {
                keys.push(key);
            }
        }
    }
    keys
}

fn company_country(owner: &str, companies: &[CompanyHomeCountry]) -> Option<String> {
    let keys = company_keys(owner);
    companies
        .iter()
        .find(|c| company_keys(&c.company).iter().any(|k| keys.contains(k)))
        .map(CompanyHomeCountry::country)
}

/// `State of Mali and national investors` -> `Mali`.
fn state_country(owner: &str) -> Option<String> {
    let rest = owner.trim().strip_prefix("State of ")?;
    let country = rest.split(" and ").next().unwrap_or(rest).trim();
    (!country.is_empty()).then(|| country.to_string())
}

fn assign_home_countries(
    owners: &mut [Ownership],
    companies: &[CompanyHomeCountry],
    row_countries: &str,
) {
    fn resolve(o: &mut Ownership, companies: &[CompanyHomeCountry]) {
        o.home_country = company_country(&o.owner, companies).or_else(|| state_country(&o.owner));
        for h in &mut o.held_by {
            resolve(h, companies);
        }
    }
    for o in owners.iter_mut() {
        resolve(o, companies);
    }
    let listed: Vec<String> = row_countries
        .split(';')
        .map(without_parentheses)
        .filter(|c| {
            let l = c.to_lowercase();
            non_missing(c).is_some() && l != "unknown" && !l.starts_with("previously")
        })
        .collect();
    if listed.len() == owners.len() {
        for (o, c) in owners.iter_mut().zip(listed) {
            if o.home_country.is_none() {
                o.home_country = Some(c);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "site_id,site_name,country_iso3,commodity,site_type,status_note,status_as_of,operator_or_holder,owners_with_pct,owner_home_countries,lat,lon,coord_source,coord_precision,source_url,secondary_source_url,notes";

    fn companies() -> Vec<CompanyHomeCountry> {
        let csv = "company,home_country,basis,source_url\n\
            Barrick (Barrick Gold / Barrick Mining Corp.),Canada,x,http://a\n\
            Hainan Mining Co. Ltd,China,x,http://b\n\
            Kodal Minerals,United Kingdom (AIM-listed),x,http://c\n\
            Nioko Resources / Coris Invest Group,Burkina Faso,x,http://d\n\
            Hummingbird Resources,United Kingdom,x,http://e\n";
        read_company_home_countries(csv.as_bytes(), "c.csv")
            .unwrap()
            .records
    }

    #[test]
    fn owners_grammar() {
        let p = parse_owners("Barrick 80%; State of Mali 20%");
        assert_eq!(p.owners.len(), 2);
        assert_eq!(
            (p.owners[0].owner.as_str(), p.owners[0].share_pct),
            ("Barrick", Some(80.0))
        );
        assert_eq!(
            (p.owners[1].owner.as_str(), p.owners[1].share_pct),
            ("State of Mali", Some(20.0))
        );

        let p = parse_owners("Kodal Mining UK 65% (Hainan Mining 51% / Kodal Minerals 49%); State of Mali and national investors 35%");
        assert_eq!(p.owners[0].owner, "Kodal Mining UK");
        assert_eq!(p.owners[0].share_pct, Some(65.0));
        assert_eq!(p.owners[0].held_by.len(), 2);
        assert_eq!(p.owners[0].held_by[0].owner, "Hainan Mining");
        assert_eq!(p.owners[0].held_by[0].share_pct, Some(51.0));
        assert_eq!(p.owners[0].held_by[1].owner, "Kodal Minerals");
        assert_eq!(p.owners[0].held_by[1].share_pct, Some(49.0));
        assert_eq!(p.owners[1].share_pct, Some(35.0));

        let p = parse_owners("Algom Resources (pct not stated)");
        assert_eq!(p.owners[0].owner, "Algom Resources");
        assert_eq!(p.owners[0].share_pct, None);
        assert!(p.owners[0].held_by.is_empty());

        assert!(parse_owners("n/a").owners.is_empty());

        let p = parse_owners("Resolute Mining 80%; State of Mali 20% (SOMISY)");
        assert_eq!(p.owners[1].owner, "State of Mali");

        let p = parse_owners("Hummingbird Resources 80%; State of Mali 20%; Hummingbird majority-owned by Nioko Resources (Coris Invest Group)");
        assert_eq!(p.owners.len(), 2);
        assert_eq!(
            p.owners[0].held_by[0].owner,
            "Nioko Resources (Coris Invest Group)"
        );
        assert!(p.unparsed.is_empty());

        let p =
            parse_owners("State of Niger 100% (post-2025); previously Orano 63.4% / SOPAMIN 36.6%");
        assert_eq!(p.owners.len(), 1);
        assert_eq!(p.former.len(), 1);
    }

    #[test]
    fn company_matching() {
        assert_eq!(company_keys("Hainan Mining Co. Ltd"), vec!["hainan mining"]);
        assert_eq!(
            company_keys("Barrick (Barrick Gold / Barrick Mining Corp.)"),
            vec!["barrick", "barrick gold", "barrick mining"]
        );
        assert_eq!(
            company_keys("Orano (formerly Areva)"),
            vec!["orano", "areva"]
        );
        let c = companies();
        assert_eq!(company_country("Barrick", &c).as_deref(), Some("Canada"));
        assert_eq!(
            company_country("Kodal Minerals", &c).as_deref(),
            Some("United Kingdom")
        );
        assert_eq!(company_country("Kodal Mining UK", &c), None);
    }

    #[test]
    fn rows_with_home_countries() {
        let data = format!(
            "{HEADER}\n\
            MLI-HT-01,Loulo,MLI,gold,mine,operating,2025,SML,Barrick 80%; State of Mali 20%,Canada; Mali,12.87505,-11.392215,\"layer AFR_Mineral_Facilities, FeatureUID=MLI004\",site,http://x,http://y,note\n\
            MLI-HT-11,Bougouni,MLI,lithium (spodumene),mine,first concentrate,2025,LMLB,Kodal Mining UK 65% (Hainan Mining 51% / Kodal Minerals 49%); State of Mali and national investors 35%,China; United Kingdom; Mali,11.418,-7.471,x,approximate,http://x,,\n\
            BFA-HT-01,Bissa,BFA,gold,mine,operating,2025,Nordgold,Nordgold 90%; Government 10% (USGS 2018),Russia; Burkina Faso,13.1,-1.5,x,site,http://x,,\n"
        );
        let out = read_with_companies(data.as_bytes(), "s.csv", &companies()).unwrap();
        assert_eq!(out.layout, "hand-tabulated mine sites (17 columns)");
        assert_eq!(out.rows_read, 3);
        assert!(out.quarantined.is_empty());
        let loulo = &out.records[0];
        assert_eq!(loulo.kind, SiteKind::Tabulated);
        assert_eq!(loulo.status_as_of, Some(2025));
        assert_eq!(loulo.owners[0].home_country.as_deref(), Some("Canada"));
        assert_eq!(loulo.owners[1].home_country.as_deref(), Some("Mali"));
        assert_eq!(
            loulo.extra.get("owners_with_pct").map(String::as_str),
            Some("Barrick 80%; State of Mali 20%")
        );
        assert_eq!(
            loulo.extra.get("secondary_source_url").map(String::as_str),
            Some("http://y")
        );
        let bougouni = &out.records[1];
        assert_eq!(bougouni.commodities, vec!["lithium"]);
        assert_eq!(
            bougouni.owners[0].home_country, None,
            "ambiguous: 3 countries, 2 owners"
        );
        assert_eq!(
            bougouni.owners[0].held_by[0].home_country.as_deref(),
            Some("China")
        );
        assert_eq!(
            bougouni.owners[0].held_by[1].home_country.as_deref(),
            Some("United Kingdom")
        );
        assert_eq!(bougouni.owners[1].home_country.as_deref(), Some("Mali"));
        let bissa = &out.records[2];
        assert_eq!(bissa.owners[1].owner, "Government");
        assert_eq!(
            bissa.owners[1].home_country.as_deref(),
            Some("Burkina Faso"),
            "by position"
        );
        assert_eq!(bissa.owners[0].home_country.as_deref(), Some("Russia"));
    }

    #[test]
    fn missing_coordinates_kept_bad_rows_quarantined() {
        let data = format!(
            "{HEADER}\n\
            MLI-HT-14,Intahaka,MLI,gold,artisanal,contested,2024,n/a (informal),n/a,Mali,,,none found,unknown,http://x,,\n\
            MLI-HT-20,Half,MLI,gold,mine,x,2024,op,n/a,Mali,12.5,,x,site,http://x,,\n\
            MLI-HT-21,Far,MLI,gold,mine,x,2024,op,n/a,Mali,95.0,1.0,x,site,http://x,,\n\
            MLI-HT-22,Year,MLI,gold,mine,x,recent,op,n/a,Mali,12.0,1.0,x,site,http://x,,\n"
        );
        let out = read(data.as_bytes(), "s.csv").unwrap();
        assert_eq!(out.rows_read, 4);
        assert_eq!(out.records.len(), 1);
        let s = &out.records[0];
        assert_eq!((s.lat, s.lon), (None, None));
        assert!(s.owners.is_empty());
        assert!(out
            .notes
            .iter()
            .any(|n| n.contains("MLI-HT-14 Intahaka has no coordinates")));
        let q = &out.quarantined;
        assert_eq!(q.len(), 3);
        assert_eq!((q[0].line, q[0].column.as_deref()), (3, Some("lon")));
        assert_eq!(
            (q[1].line, q[1].column.as_deref(), q[1].value.as_str()),
            (4, Some("lat"), "95.0")
        );
        assert!(q[1].reason.contains("[-90, 90]"));
        assert_eq!(
            (q[2].line, q[2].column.as_deref()),
            (5, Some("status_as_of"))
        );
        assert!(q[2].raw.starts_with("MLI-HT-22,Year"));
    }

    /// The shipped tables are CRLF: quarantine lines must be the lines an editor shows, also
    /// after a quoted field spanning two lines and a blank line; a row that is not UTF-8 costs
    /// that row only.
    #[test]
    fn crlf_multiline_field_and_not_utf8_row() {
        let mut data = [
            HEADER,
            // line 2-3: a note spanning two lines
            "MLI-HT-01,Loulo,MLI,gold,mine,operating,2025,SML,Barrick 80%; State of Mali 20%,Canada; Mali,12.87505,-11.392215,x,site,http://x,,\"first line\r\nsecond line\"",
            // line 4: latitude out of range
            "MLI-HT-21,Far,MLI,gold,mine,x,2024,op,n/a,Mali,95,1.0,x,site,http://x,,",
            // line 5: blank
            "",
        ]
        .join("\r\n")
        .into_bytes();
        // line 6: not UTF-8 (Latin-1 é in the name)
        data.extend_from_slice(
            b"\r\nMLI-HT-22,S\xe9gou,MLI,gold,mine,x,2024,op,n/a,Mali,13.4,-6.2,x,site,http://x,,\r\n",
        );
        // line 7: a good row after it
        data.extend_from_slice(
            b"MLI-HT-23,Kayes,MLI,gold,mine,x,2024,op,n/a,Mali,14.4,-11.4,x,site,http://x,,\r\n",
        );
        let out = read(data.as_slice(), "s.csv").unwrap();
        assert_eq!(out.rows_read, 4);
        let ids: Vec<&str> = out.records.iter().map(|s| s.site_id.as_str()).collect();
        assert_eq!(ids, ["MLI-HT-01", "MLI-HT-23"]);
        assert_eq!(
            out.records[0].extra.get("notes").map(String::as_str),
            Some("first line\r\nsecond line")
        );
        let q = &out.quarantined;
        assert_eq!(q.len(), 2);
        assert_eq!(
            (q[0].line, q[0].column.as_deref(), q[0].value.as_str()),
            (4, Some("lat"), "95")
        );
        assert!(q[0].reason.contains("[-90, 90]"));
        assert!(q[0].raw.starts_with("MLI-HT-21,Far,"));
        assert_eq!(
            (q[1].line, q[1].column.as_deref(), q[1].reason.as_str()),
            (6, Some("site_name"), "UTF-8 text")
        );
        assert_eq!(q[1].value, "S\u{fffd}gou");
        assert!(q[1].raw.starts_with("MLI-HT-22,S\u{fffd}gou,"));

        // The company table, CRLF with a BOM: same line numbers.
        let mut companies = b"\xef\xbb\xbfcompany,home_country,basis\r\n".to_vec();
        companies.extend_from_slice(b"Barrick,Canada,\"listed\r\nin Toronto\"\r\n");
        companies.extend_from_slice(b"Soci\xe9t\xe9 X,Mali,x\r\n,Canada,x\r\n");
        let out = read_company_home_countries(companies.as_slice(), "c.csv").unwrap();
        assert_eq!(out.rows_read, 3);
        assert_eq!(out.records.len(), 1);
        assert_eq!(
            out.records[0].basis.as_deref(),
            Some("listed\r\nin Toronto")
        );
        let lines: Vec<(u64, Option<&str>)> = out
            .quarantined
            .iter()
            .map(|q| (q.line, q.column.as_deref()))
            .collect();
        assert_eq!(lines, [(4, Some("company")), (5, Some("company"))]);
    }

    #[test]
    fn layouts_and_sniff() {
        assert!(matches!(
            read("id,name\n1,x\n".as_bytes(), "s.csv"),
            Err(IngestError::UnknownLayout { .. })
        ));
        assert!(sniff(HEADER.as_bytes(), "s.csv"));
        assert!(!sniff_companies(HEADER.as_bytes(), "s.csv"));
        let c = b"company,home_country,basis,source_url\n";
        assert!(sniff_companies(c, "c.csv"));
        assert!(!sniff(c, "c.csv"));
        assert!(!sniff(b"id,year,month,day,country\n", "ged.csv"));
        let bad = "company,home_country\n,Canada\n";
        let out = read_company_home_countries(bad.as_bytes(), "c.csv").unwrap();
        assert_eq!(out.quarantined.len(), 1);
        assert_eq!(out.quarantined[0].line, 2);
        assert_eq!(out.quarantined[0].column.as_deref(), Some("company"));
    }
}
