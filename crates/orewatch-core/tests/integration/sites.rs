//! Site readers and linking on the real data in `../shared/data/mines`.
//!
//! Expected counts were computed independently with python3 (json/csv modules):
//! - facilities: 2,408 features, 1,866 distinct FeatureUID, 304 with several rows; 119 rows
//!   (of 80 facilities) name the facility differently from its first row (no row differs in
//!   coordinates); 202 rows have DsgAttr07 = -999.
//! - deposits: 1,190 features; 275 whose geometry differs from Latitude/Longitude by more than
//!   1e-6 (+1e-9) degree (315 with a bare 1e-6 threshold: 40 differ by exactly 1e-6).
//! - exploration: 1,093 features, none mismatched.
//! - hand table: 21 rows, 18 cite a USGS FeatureUID present in the layers (Fekola MLI-HT-02,
//!   Bougouni MLI-HT-11 and Intahaka MLI-HT-14 do not); company table 19 rows.

use std::path::{Path, PathBuf};

use orewatch_core::ingest::{boundaries, link, tabulated_sites, usgs_sites};
use orewatch_core::model::{Site, SiteKind};

fn data_dir() -> PathBuf {
    std::env::var_os("OREWATCH_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"))
}

fn mines(name: &str) -> PathBuf {
    data_dir().join("mines").join(name)
}

fn find<'a>(sites: &'a [Site], id: &str) -> &'a Site {
    sites
        .iter()
        .find(|s| s.site_id == id)
        .unwrap_or_else(|| panic!("site {id} not found"))
}

#[test]
fn usgs_facilities() {
    let out = usgs_sites::read_path(&mines("usgs_africa_mineral_facilities.geojson")).unwrap();
    assert_eq!(
        out.layout,
        "USGS Africa GeoJSON, layer AFR_Mineral_Facilities"
    );
    assert_eq!(out.rows_read, 2408);
    assert!(out.quarantined.is_empty());
    assert_eq!(out.records.len(), 1866);
    assert_eq!(
        out.records.iter().filter(|s| s.products.len() > 1).count(),
        304
    );
    assert_eq!(
        out.records.iter().map(|s| s.products.len()).sum::<usize>(),
        2408
    );
    assert_eq!(out.flagged, 119);
    assert_eq!(
        out.records
            .iter()
            .filter(|s| s.extra.contains_key(usgs_sites::FLAGS_KEY))
            .count(),
        80
    );
    assert_eq!(
        out.records
            .iter()
            .flat_map(|s| &s.products)
            .filter(|p| p.capacity.is_none())
            .count(),
        202
    );
    assert!(out.records.iter().all(|s| s.kind == SiteKind::Facility));
    assert!(out.records.iter().all(|s| s.country_iso3.is_some()));

    let loulo = find(&out.records, "MLI004");
    assert_eq!(loulo.products.len(), 1);
    let p = &loulo.products[0];
    assert_eq!(p.commodity, "gold");
    assert_eq!(p.capacity, Some(21.0));
    assert_eq!(p.capacity_unit.as_deref(), Some("Metric tons"));
    assert_eq!(p.capacity_year, Some(2018));

    let syama = find(&out.records, "MLI007");
    assert_eq!(syama.owners.len(), 2);
    assert_eq!(syama.owners[0].owner, "Resolute Mining Ltd.");
    assert_eq!(syama.owners[0].share_pct, Some(80.0));
    assert_eq!(syama.owners[1].owner, "Government");
    assert_eq!(
        syama.operator.as_deref(),
        Some("Société des Mines de Syama S.A.")
    );
    assert_eq!(syama.admin1.as_deref(), Some("Sikasso"));
}

#[test]
fn usgs_deposits_and_exploration() {
    let dep = usgs_sites::read_path(&mines("usgs_africa_mineral_deposits.geojson")).unwrap();
    assert_eq!(
        dep.layout,
        "USGS Africa GeoJSON, layer AFR_Mineral_Deposits"
    );
    assert_eq!((dep.rows_read, dep.records.len()), (1190, 1190));
    assert!(dep.quarantined.is_empty());
    assert_eq!(dep.flagged, 275);
    assert!(dep.records.iter().all(|s| s.kind == SiteKind::Deposit));

    let exp = usgs_sites::read_path(&mines("usgs_africa_mineral_exploration.geojson")).unwrap();
    assert_eq!(
        exp.layout,
        "USGS Africa GeoJSON, layer AFR_Mineral_Exploration"
    );
    assert_eq!((exp.rows_read, exp.records.len()), (1093, 1093));
    assert!(exp.quarantined.is_empty());
    assert_eq!(exp.flagged, 0);
    // Known source errors stay as published.
    assert_eq!(
        find(&exp.records, "MLx016").commodities,
        vec!["lithium", "iron ore"]
    );
    assert_eq!(
        find(&exp.records, "MLx012").commodities,
        vec!["copper", "silver", "uranium"]
    );
    let syama = find(&exp.records, "MLx051");
    assert_eq!(syama.name, "Syama");
    assert_eq!(
        syama.admin1.as_deref(),
        Some("Kayes"),
        "swapped with Tabakoto in the source"
    );
    let tabakoto = find(&exp.records, "MLx053");
    assert_eq!(tabakoto.admin1.as_deref(), Some("Sikasso"));
}

#[test]
fn tabulated_sites_with_companies() {
    let companies =
        tabulated_sites::read_company_home_countries_path(&mines("company_home_country.csv"))
            .unwrap();
    assert_eq!((companies.rows_read, companies.records.len()), (19, 19));

    let out = tabulated_sites::read_path_with_companies(
        &mines("mine_sites_mali_and_neighbours.csv"),
        &mines("company_home_country.csv"),
    )
    .unwrap();
    assert_eq!(out.layout, "hand-tabulated mine sites (17 columns)");
    assert_eq!((out.rows_read, out.records.len()), (21, 21));
    assert!(out.quarantined.is_empty());
    let intahaka = find(&out.records, "MLI-HT-14");
    assert!(!intahaka.has_coordinates());
    assert!(out.notes.iter().any(|n| n.contains("MLI-HT-14")));
    assert_eq!(
        out.records.iter().filter(|s| !s.has_coordinates()).count(),
        1
    );

    let loulo = find(&out.records, "MLI-HT-01");
    assert_eq!(loulo.owners[0].owner, "Barrick");
    assert_eq!(loulo.owners[0].home_country.as_deref(), Some("Canada"));
    assert_eq!(loulo.owners[1].home_country.as_deref(), Some("Mali"));
    assert_eq!(loulo.status_as_of, Some(2025));

    let bougouni = find(&out.records, "MLI-HT-11");
    assert_eq!(bougouni.commodities, vec!["lithium"]);
    let kodal = &bougouni.owners[0];
    assert_eq!(
        (kodal.owner.as_str(), kodal.share_pct),
        ("Kodal Mining UK", Some(65.0))
    );
    assert_eq!(kodal.held_by.len(), 2);
    assert_eq!(kodal.held_by[0].home_country.as_deref(), Some("China"));
    assert_eq!(
        kodal.held_by[1].home_country.as_deref(),
        Some("United Kingdom")
    );

    let falea = find(&out.records, "MLI-HT-12");
    assert_eq!(falea.commodities, vec!["uranium", "silver", "copper"]);
    assert_eq!(falea.owners[0].home_country.as_deref(), Some("Canada"));

    let tabakoto = find(&out.records, "MLI-HT-08");
    assert_eq!(tabakoto.owners[0].share_pct, None);
    assert_eq!(
        tabakoto.owners[0].home_country, None,
        "unknown in the source"
    );

    let arlit = find(&out.records, "NER-HT-01");
    assert_eq!(
        arlit.owners.len(),
        1,
        "former owners are not current owners"
    );
    assert_eq!(arlit.owners[0].home_country.as_deref(), Some("Niger"));
}

#[test]
fn linking_makes_one_site_per_mine() {
    let mut usgs = Vec::new();
    for layer in ["facilities", "deposits", "exploration"] {
        let path = mines(&format!("usgs_africa_mineral_{layer}.geojson"));
        usgs.extend(usgs_sites::read_path(&path).unwrap().records);
    }
    assert_eq!(usgs.len(), 1866 + 1190 + 1093);
    let tab = tabulated_sites::read_path_with_companies(
        &mines("mine_sites_mali_and_neighbours.csv"),
        &mines("company_home_country.csv"),
    )
    .unwrap()
    .records;
    let linked = link::link_sites(usgs, tab);
    let r = &linked.report;
    assert_eq!(r.linked.len(), 18);
    assert_eq!(
        r.unlinked_tabulated,
        vec!["MLI-HT-02", "MLI-HT-11", "MLI-HT-14"]
    );
    assert!(r.notes.is_empty(), "{:?}", r.notes);
    assert_eq!(linked.sites.len(), 1866 + 1190 + 1093 + 21 - 18);
    // No USGS record is output twice.
    let mut records: Vec<_> = linked
        .sites
        .iter()
        .flat_map(|s| s.records.clone())
        .collect();
    let n = records.len();
    records.sort();
    records.dedup();
    assert_eq!(records.len(), n);
    assert!(linked
        .sites
        .windows(2)
        .all(|w| w[0].site_id <= w[1].site_id));
    assert!(!linked.sites.iter().any(|s| s.site_id == "MLI004"));

    let loulo = find(&linked.sites, "MLI-HT-01");
    assert_eq!(loulo.records.len(), 2);
    assert_eq!(loulo.records[1].record_id, "MLI004");
    assert_eq!(loulo.products[0].capacity, Some(21.0));
    assert_eq!(loulo.owners[0].owner, "Barrick");
    assert_eq!(
        loulo.extra["usgs.owners"],
        "Barrick Ltd. 80%; Government 20%"
    );
    assert_eq!(loulo.admin1.as_deref(), Some("Kayes"));

    let goulamina = find(&linked.sites, "MLI-HT-10");
    assert_eq!(
        goulamina.commodities,
        vec!["lithium"],
        "hand table corrects 'Iron ore'"
    );
    assert_eq!(goulamina.extra["usgs.commodities"], "lithium; iron ore");
}

/// No two readers claim the same file in the shared data and fixtures, and these readers
/// claim exactly their own files.
#[test]
fn sniffers_claim_only_their_files() {
    let root = data_dir();
    let mut files = Vec::new();
    for dir in [root.clone(), root.join("../fixtures")] {
        collect(&dir, &mut files);
    }
    assert!(files.len() >= 50, "found {} files", files.len());
    let mut claims: Vec<(String, &str)> = Vec::new();
    for path in &files {
        let mut head = std::fs::read(path).unwrap();
        head.truncate(64 * 1024);
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let mut by: Vec<&str> = Vec::new();
        if usgs_sites::sniff(&head, &name) {
            by.push("usgs_sites");
        }
        if tabulated_sites::sniff(&head, &name) {
            by.push("tabulated_sites");
        }
        if tabulated_sites::sniff_companies(&head, &name) {
            by.push("companies");
        }
        if boundaries::sniff(&head, &name) {
            by.push("boundaries");
        }
        assert!(by.len() <= 1, "{name} claimed by {by:?}");
        if let Some(b) = by.first() {
            claims.push((name, b));
        }
    }
    claims.sort();
    let expected = vec![
        ("company_home_country.csv".to_string(), "companies"),
        (
            "mine_sites_mali_and_neighbours.csv".to_string(),
            "tabulated_sites",
        ),
        ("mli_admin1_ne10m.geojson".to_string(), "boundaries"),
        (
            "usgs_africa_mineral_deposits.geojson".to_string(),
            "usgs_sites",
        ),
        (
            "usgs_africa_mineral_exploration.geojson".to_string(),
            "usgs_sites",
        ),
        (
            "usgs_africa_mineral_facilities.geojson".to_string(),
            "usgs_sites",
        ),
        ("west_africa_admin0_ne50m.geojson".to_string(), "boundaries"),
        ("west_africa_admin1_ne10m.geojson".to_string(), "boundaries"),
        ("world_countries_110m.topojson".to_string(), "boundaries"),
    ];
    assert_eq!(claims, expected);
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(&p, out);
        } else {
            out.push(p);
        }
    }
}
