//! Choosing sites: `--sites` filters such as `country=MLI,commodity=gold`.
//!
//! A filter is a comma-separated list of `key=value` terms, all of which must hold:
//! `country` (ISO3 code or name, case-insensitive), `commodity` (any of the site's
//! commodities), `kind` (`facility`, `deposit`, `exploration`, `tabulated`), `id` (exact site
//! id), `name` (case-insensitive substring of the name). A key may repeat to allow several
//! values (`country=MLI,country=BFA` means either).

use std::collections::BTreeMap;

use serde::Serialize;

use super::AnalysisError;
use crate::model::Site;

const KEYS: [&str; 5] = ["country", "commodity", "kind", "id", "name"];

/// A parsed site filter; the empty filter takes every site.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SiteFilter {
    /// Key → accepted values (lower-cased except ids).
    terms: BTreeMap<String, Vec<String>>,
    text: String,
}

impl SiteFilter {
    pub fn parse(text: &str) -> Result<SiteFilter, AnalysisError> {
        let mut terms: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for term in text.split(',').map(str::trim).filter(|t| !t.is_empty()) {
            let Some((key, value)) = term.split_once('=') else {
                return Err(AnalysisError::bad(
                    "sites",
                    term,
                    "key=value terms separated by commas, keys: country, commodity, kind, id, name",
                ));
            };
            let key = key.trim().to_ascii_lowercase();
            if !KEYS.contains(&key.as_str()) {
                return Err(AnalysisError::bad(
                    "sites",
                    term,
                    format!("a key among {}", KEYS.join(", ")),
                ));
            }
            let value = value.trim();
            if value.is_empty() {
                return Err(AnalysisError::bad("sites", term, "a value after '='"));
            }
            let value = if key == "id" {
                value.to_string()
            } else {
                value.to_lowercase()
            };
            terms.entry(key).or_default().push(value);
        }
        Ok(SiteFilter {
            terms,
            text: text.trim().to_string(),
        })
    }

    /// The filter as the user wrote it ("" for all sites).
    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn matches(&self, site: &Site) -> bool {
        self.terms.iter().all(|(key, values)| {
            values.iter().any(|v| match key.as_str() {
                "country" => {
                    site.country_iso3
                        .as_deref()
                        .map(str::to_lowercase)
                        .as_deref()
                        == Some(v)
                        || site.country.as_deref().map(str::to_lowercase).as_deref() == Some(v)
                }
                "commodity" => site.commodities.iter().any(|c| c.to_lowercase() == *v),
                "kind" => site.kind.as_str() == v,
                "id" => site.site_id == *v,
                "name" => site.name.to_lowercase().contains(v.as_str()),
                _ => false,
            })
        })
    }

    /// The matching sites, in store order. No match is an error that says what exists.
    pub fn select<'a>(&self, sites: &'a [Site]) -> Result<Vec<&'a Site>, AnalysisError> {
        let chosen: Vec<&Site> = sites.iter().filter(|s| self.matches(s)).collect();
        if chosen.is_empty() {
            return Err(AnalysisError::bad(
                "sites",
                &self.text,
                format!(
                    "a filter that matches at least one of the {} sites in the store \
                     (e.g. country=MLI, commodity=gold, kind=facility, id=MLI-HT-01)",
                    sites.len()
                ),
            ));
        }
        Ok(chosen)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SiteKind;

    fn site(id: &str, iso3: &str, commodity: &str, kind: SiteKind) -> Site {
        Site {
            site_id: id.into(),
            name: format!("Mine {id}"),
            kind,
            country: Some("Mali".into()),
            country_iso3: Some(iso3.into()),
            admin1: None,
            lat: Some(12.0),
            lon: Some(-8.0),
            coord_precision: None,
            commodities: vec![commodity.into()],
            products: vec![],
            status: None,
            status_as_of: None,
            operator: None,
            owners: vec![],
            source_url: None,
            records: vec![],
            extra: Default::default(),
        }
    }

    #[test]
    fn terms_and_repeats() {
        let sites = [
            site("A", "MLI", "gold", SiteKind::Facility),
            site("B", "BFA", "gold", SiteKind::Deposit),
            site("C", "MLI", "lithium", SiteKind::Tabulated),
        ];
        let ids = |f: &str| -> Vec<String> {
            SiteFilter::parse(f)
                .unwrap()
                .select(&sites)
                .unwrap()
                .iter()
                .map(|s| s.site_id.clone())
                .collect()
        };
        assert_eq!(ids(""), ["A", "B", "C"]);
        assert_eq!(ids("country=mli,commodity=GOLD"), ["A"]);
        assert_eq!(ids("country=MLI,country=BFA,commodity=gold"), ["A", "B"]);
        assert_eq!(ids("kind=tabulated"), ["C"]);
        assert_eq!(ids("name=mine c"), ["C"]);
        assert_eq!(ids("country=Mali"), ["A", "B", "C"]);
    }

    #[test]
    fn bad_filters_are_clear_errors() {
        let e = SiteFilter::parse("colour=red").unwrap_err().to_string();
        assert!(
            e.contains("colour=red") && e.contains("country, commodity"),
            "{e}"
        );
        assert!(SiteFilter::parse("gold").is_err());
        assert!(SiteFilter::parse("id=").is_err());
        let sites = [site("A", "MLI", "gold", SiteKind::Facility)];
        let e = SiteFilter::parse("id=NOPE")
            .unwrap()
            .select(&sites)
            .unwrap_err()
            .to_string();
        assert!(e.contains("id=NOPE") && e.contains("1 sites"), "{e}");
    }
}
