//! Links hand-tabulated sites to the USGS records they cite, so that one mine is one site.
//!
//! The hand table names its coordinate source in `coord_source`, e.g. `USGS Africa GIS
//! (doi:10.5066/P97EQWXP) layer AFR_Mineral_Facilities, FeatureUID=MLI004`. When the cited
//! layer and FeatureUID are in the USGS input, the two records become ONE site:
//!
//! * from the hand table (the corrected, current view): `site_id`, name, kind
//!   ([`SiteKind::Tabulated`]), coordinates and their precision, commodities, status, operator,
//!   owners, source URL and its `extra`;
//! * from USGS: the products with their capacities; `admin1`, `country` and `country_iso3`
//!   where the hand table has none;
//! * `records` lists the hand-table record first, then the USGS record(s);
//! * the USGS record's own values are kept in `extra` under `usgs.` keys (`usgs.name`,
//!   `usgs.lat`, `usgs.lon`, `usgs.status`, `usgs.operator`, `usgs.owners`,
//!   `usgs.commodities`, `usgs.coord_precision`, and every USGS extra field as
//!   `usgs.<field>`), so nothing is lost and the 2018 view can be compared.
//!
//! The absorbed USGS site is not output on its own, so no per-site count sees the mine twice.
//! A cited FeatureUID that is not in the USGS input, or is already taken by another hand-table
//! row, gives a note and no link. Output order: by `site_id` (deterministic).
//!
//! It does not link by name or distance (no guessing); it only reports the distance between
//! the two records' points when both have coordinates.

use std::collections::HashMap;

use crate::geodesy::haversine_km;
use crate::ingest::usgs_sites::UsgsLayer;
use crate::model::{Site, SiteKind};

/// One hand-table site linked to one USGS record.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkedPair {
    /// The hand-table id (the merged site's id).
    pub site_id: String,
    /// `usgs_facilities`, `usgs_deposits` or `usgs_exploration`.
    pub usgs_dataset: String,
    pub usgs_feature_uid: String,
    /// Great-circle distance between the two records' points, when both have coordinates.
    pub distance_km: Option<f64>,
}

/// What the linking did.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LinkReport {
    pub linked: Vec<LinkedPair>,
    /// Hand-table site ids that were not linked (no citation, or cited record absent).
    pub unlinked_tabulated: Vec<String>,
    pub notes: Vec<String>,
}

/// The merged site list and the report.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkedSites {
    /// Linked sites, unlinked hand-table sites and unabsorbed USGS sites, sorted by `site_id`.
    pub sites: Vec<Site>,
    pub report: LinkReport,
}

/// The USGS layer and FeatureUID cited in a `coord_source` text, if any.
pub fn cited_usgs_record(coord_source: &str) -> Option<(UsgsLayer, String)> {
    let after_layer = coord_source.split("layer ").nth(1)?;
    let layer_name: String = after_layer
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    let layer = UsgsLayer::from_layer_name(&layer_name)?;
    let after_uid = coord_source.split("FeatureUID=").nth(1)?;
    let uid: String = after_uid
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    (!uid.is_empty()).then_some((layer, uid))
}

/// Merges hand-tabulated sites with the USGS sites they cite (see the module docs).
pub fn link_sites(usgs: Vec<Site>, tabulated: Vec<Site>) -> LinkedSites {
    let mut report = LinkReport::default();
    let mut index: HashMap<(String, String), usize> = HashMap::new();
    for (i, s) in usgs.iter().enumerate() {
        let dataset = s
            .records
            .first()
            .map(|r| r.dataset.clone())
            .unwrap_or_default();
        match index.entry((dataset, s.site_id.clone())) {
            std::collections::hash_map::Entry::Occupied(e) => report.notes.push(format!(
                "USGS record {} {} appears twice in the input: the first is used for linking",
                e.key().0,
                e.key().1
            )),
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(i);
            }
        }
    }

    let mut absorbed: Vec<bool> = vec![false; usgs.len()];
    let mut out = Vec::with_capacity(usgs.len() + tabulated.len());
    for tab in tabulated {
        let cited = tab
            .extra
            .get("coord_source")
            .and_then(|c| cited_usgs_record(c));
        let Some((layer, uid)) = cited else {
            report.unlinked_tabulated.push(tab.site_id.clone());
            out.push(tab);
            continue;
        };
        let found = index
            .get(&(layer.dataset().to_string(), uid.clone()))
            .copied();
        match found {
            None => {
                report.notes.push(format!(
                    "{} cites {} FeatureUID={uid}, which is not in the USGS input: not linked",
                    tab.site_id,
                    layer.layer_name()
                ));
                report.unlinked_tabulated.push(tab.site_id.clone());
                out.push(tab);
            }
            Some(i) if absorbed[i] => {
                report.notes.push(format!(
                    "{} cites {} FeatureUID={uid}, already linked to another hand-table site: \
                     not linked",
                    tab.site_id,
                    layer.layer_name()
                ));
                report.unlinked_tabulated.push(tab.site_id.clone());
                out.push(tab);
            }
            Some(i) => {
                absorbed[i] = true;
                let source = &usgs[i];
                let distance_km = match (tab.lat, tab.lon, source.lat, source.lon) {
                    (Some(la1), Some(lo1), Some(la2), Some(lo2)) => {
                        Some(haversine_km(lo1, la1, lo2, la2))
                    }
                    _ => None,
                };
                report.linked.push(LinkedPair {
                    site_id: tab.site_id.clone(),
                    usgs_dataset: layer.dataset().to_string(),
                    usgs_feature_uid: uid,
                    distance_km,
                });
                out.push(merge(tab, source));
            }
        }
    }
    out.extend(
        usgs.into_iter()
            .zip(absorbed)
            .filter(|(_, taken)| !taken)
            .map(|(s, _)| s),
    );
    let mut seen: HashMap<String, usize> = HashMap::new();
    for s in &out {
        *seen.entry(s.site_id.clone()).or_default() += 1;
    }
    let mut dup: Vec<&String> = seen
        .iter()
        .filter(|(_, n)| **n > 1)
        .map(|(k, _)| k)
        .collect();
    dup.sort();
    if !dup.is_empty() {
        report.notes.push(format!(
            "site ids used by more than one site: {}",
            dup.iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    out.sort_by(|a, b| a.site_id.cmp(&b.site_id));
    LinkedSites { sites: out, report }
}

fn merge(tab: Site, usgs: &Site) -> Site {
    let mut site = tab;
    site.kind = SiteKind::Tabulated;
    site.products = usgs.products.clone();
    if site.admin1.is_none() {
        site.admin1 = usgs.admin1.clone();
    }
    if site.country.is_none() {
        site.country = usgs.country.clone();
    }
    if site.country_iso3.is_none() {
        site.country_iso3 = usgs.country_iso3.clone();
    }
    site.records.extend(usgs.records.iter().cloned());

    let mut put = |key: &str, value: Option<String>| {
        if let Some(v) = value.filter(|v| !v.is_empty()) {
            site.extra.insert(format!("usgs.{key}"), v);
        }
    };
    put("name", Some(usgs.name.clone()));
    put("kind", Some(usgs.kind.as_str().to_string()));
    put("lat", usgs.lat.map(|v| v.to_string()));
    put("lon", usgs.lon.map(|v| v.to_string()));
    put("coord_precision", usgs.coord_precision.clone());
    put("status", usgs.status.clone());
    put("operator", usgs.operator.clone());
    put("commodities", Some(usgs.commodities.join("; ")));
    put(
        "owners",
        Some(
            usgs.owners
                .iter()
                .map(|o| match o.share_pct {
                    Some(p) => format!("{} {p}%", o.owner),
                    None => o.owner.clone(),
                })
                .collect::<Vec<_>>()
                .join("; "),
        ),
    );
    for (k, v) in &usgs.extra {
        put(k, Some(v.clone()));
    }
    site
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Extra, Ownership, SiteProduct, SourceRecord};

    fn site(id: &str, kind: SiteKind, dataset: &str, lat: Option<f64>) -> Site {
        Site {
            site_id: id.to_string(),
            name: format!("name {id}"),
            kind,
            country: None,
            country_iso3: None,
            admin1: None,
            lat,
            lon: lat.map(|_| -11.0),
            coord_precision: None,
            commodities: vec!["gold".to_string()],
            products: Vec::new(),
            status: None,
            status_as_of: None,
            operator: None,
            owners: Vec::new(),
            source_url: None,
            records: vec![SourceRecord {
                dataset: dataset.to_string(),
                record_id: id.to_string(),
            }],
            extra: Extra::new(),
        }
    }

    fn tab(id: &str, coord_source: &str) -> Site {
        let mut s = site(id, SiteKind::Tabulated, "tabulated_sites", Some(12.0));
        s.extra
            .insert("coord_source".to_string(), coord_source.to_string());
        s
    }

    #[test]
    fn parses_citations() {
        assert_eq!(
            cited_usgs_record("USGS Africa GIS (doi:10.5066/P97EQWXP) layer AFR_Mineral_Exploration, FeatureUID=MLx023 (Komana West)"),
            Some((UsgsLayer::Exploration, "MLx023".to_string()))
        );
        assert_eq!(
            cited_usgs_record("globalstrategic/facilities (MIT) file x.json"),
            None
        );
        assert_eq!(cited_usgs_record("none found"), None);
    }

    #[test]
    fn links_merge_and_absorb() {
        let mut usgs_loulo = site("MLI004", SiteKind::Facility, "usgs_facilities", Some(12.0));
        usgs_loulo.admin1 = Some("Kayes".to_string());
        usgs_loulo.country_iso3 = Some("MLI".to_string());
        usgs_loulo.status = Some("Assumed Active".to_string());
        usgs_loulo.owners.push(Ownership {
            owner: "Barrick Ltd.".to_string(),
            share_pct: Some(80.0),
            home_country: None,
            held_by: Vec::new(),
        });
        usgs_loulo.products.push(SiteProduct {
            commodity: "gold".to_string(),
            commodity_source: Some("Gold".to_string()),
            form: Some("Gold".to_string()),
            capacity: Some(21.0),
            capacity_unit: Some("Metric tons".to_string()),
            capacity_year: Some(2018),
            extra: Extra::new(),
        });
        usgs_loulo
            .extra
            .insert("FeatureTyp".to_string(), "Mines and Quarries".to_string());
        let usgs_other = site("MLI005", SiteKind::Facility, "usgs_facilities", Some(11.0));
        let usgs_expl = site(
            "MLx004",
            SiteKind::Exploration,
            "usgs_exploration",
            Some(11.0),
        );

        let mut t1 = tab(
            "MLI-HT-01",
            "layer AFR_Mineral_Facilities, FeatureUID=MLI004",
        );
        t1.status = Some("suspended".to_string());
        // Cites a facility id under the exploration layer: a different record, absent here.
        let t2 = tab(
            "MLI-HT-02",
            "layer AFR_Mineral_Exploration, FeatureUID=MLI004",
        );
        let t3 = tab(
            "MLI-HT-03",
            "layer AFR_Mineral_Facilities, FeatureUID=MLI004",
        );
        let t4 = tab("MLI-HT-04", "globalstrategic file");

        let linked = link_sites(
            vec![usgs_expl, usgs_loulo, usgs_other],
            vec![t4, t3.clone(), t2, t1],
        );
        // t3 comes before t1 in the input, so t3 takes MLI004 and t1 is not linked.
        let r = &linked.report;
        assert_eq!(r.linked.len(), 1);
        assert_eq!(r.linked[0].site_id, "MLI-HT-03");
        assert_eq!(r.linked[0].usgs_feature_uid, "MLI004");
        assert_eq!(r.linked[0].distance_km, Some(0.0));
        assert_eq!(
            r.unlinked_tabulated,
            vec!["MLI-HT-04", "MLI-HT-02", "MLI-HT-01"]
        );
        assert_eq!(r.notes.len(), 2);
        assert!(r.notes[0].contains("not in the USGS input"));
        assert!(r.notes[1].contains("already linked"));

        let ids: Vec<&str> = linked.sites.iter().map(|s| s.site_id.as_str()).collect();
        assert_eq!(
            ids,
            vec![
                "MLI-HT-01",
                "MLI-HT-02",
                "MLI-HT-03",
                "MLI-HT-04",
                "MLI005",
                "MLx004"
            ],
            "MLI004 absorbed, output sorted by site_id"
        );
        let merged = &linked.sites[2];
        assert_eq!(merged.kind, SiteKind::Tabulated);
        assert_eq!(merged.products.len(), 1);
        assert_eq!(merged.products[0].capacity, Some(21.0));
        assert_eq!(merged.admin1.as_deref(), Some("Kayes"));
        assert_eq!(merged.country_iso3.as_deref(), Some("MLI"));
        assert_eq!(merged.records.len(), 2);
        assert_eq!(merged.records[0].dataset, "tabulated_sites");
        assert_eq!(merged.records[1].record_id, "MLI004");
        assert_eq!(merged.extra["usgs.owners"], "Barrick Ltd. 80%");
        assert_eq!(merged.extra["usgs.status"], "Assumed Active");
        assert_eq!(merged.extra["usgs.FeatureTyp"], "Mines and Quarries");
        assert_eq!(merged.name, t3.name);
    }
}
