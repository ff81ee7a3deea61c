//! Page-level tests on small synthetic datasets.

use chrono::NaiveDate;
use geo_types::{polygon, MultiPolygon};
use orewatch_core::model::source::{Coverage, SourceReport};
use orewatch_core::model::{
    Dataset, Event, EventSource, Extra, Region, Site, SiteKind, ViolenceType,
};

use crate::{render_brief, BriefInput};

const SENTINEL_EXTRA: &str = "SENTINEL-EXTRA-7f3a";
const SENTINEL_NOTES: &str = "SENTINEL-NOTES-91c2";

fn event(id: &str, source: EventSource, lon: f64, lat: f64, deaths: u32, year: i32) -> Event {
    let mut extra = Extra::new();
    extra.insert("source_headline".to_string(), SENTINEL_EXTRA.to_string());
    extra.insert("notes".to_string(), SENTINEL_NOTES.to_string());
    Event {
        source,
        event_id: id.to_string(),
        release: Some("21.1".to_string()),
        date_start: NaiveDate::from_ymd_opt(year, 6, 1).unwrap_or_default(),
        date_end: None,
        date_precision: None,
        country: "Mali".to_string(),
        admin1: None,
        admin2: None,
        lat,
        lon,
        location_precision: None,
        violence_type: Some(ViolenceType::OneSided),
        event_type: None,
        sub_event_type: None,
        conflict_name: Some("Mali: Government".to_string()),
        side_a: "Side A".to_string(),
        side_b: Some("Civilians".to_string()),
        side_a_associates: Vec::new(),
        side_b_associates: Vec::new(),
        fatalities_low: None,
        fatalities_best: deaths,
        fatalities_high: None,
        civilian_targeting: true,
        flags: Vec::new(),
        extra,
    }
}

fn site(id: &str, name: &str, lon_lat: Option<(f64, f64)>, commodity: &str) -> Site {
    Site {
        site_id: id.to_string(),
        name: name.to_string(),
        kind: SiteKind::Tabulated,
        country: Some("Mali".to_string()),
        country_iso3: Some("MLI".to_string()),
        admin1: None,
        lat: lon_lat.map(|p| p.1),
        lon: lon_lat.map(|p| p.0),
        coord_precision: lon_lat.map(|_| "site".to_string()),
        commodities: vec![commodity.to_string()],
        products: Vec::new(),
        status: None,
        status_as_of: None,
        operator: None,
        owners: Vec::new(),
        source_url: None,
        records: Vec::new(),
        extra: Extra::new(),
    }
}

fn mali_square() -> Region {
    Region {
        region_id: "466".to_string(),
        level: 0,
        name: "Mali".to_string(),
        country_iso3: Some("MLI".to_string()),
        country_name: Some("Mali".to_string()),
        iso_3166_2: None,
        geometry: MultiPolygon(vec![polygon![
            (x: -12.0, y: 10.0),
            (x: 4.0, y: 10.0),
            (x: 4.0, y: 25.0),
            (x: -12.0, y: 25.0),
            (x: -12.0, y: 10.0),
        ]]),
        source: "test.geojson".to_string(),
        extra: Extra::new(),
    }
}

fn dataset() -> Dataset {
    let mut d = Dataset {
        events: vec![
            event("1", EventSource::UcdpGed, -4.0, 14.5, 12, 2012),
            event("2", EventSource::UcdpGed, -1.0, 16.0, 0, 2019),
            event("3", EventSource::UcdpGed, 0.5, 15.0, 100, 2019),
            event("ACL1", EventSource::Acled, -3.0, 13.0, 4, 2022),
        ],
        sites: vec![
            site(
                "MLI-HT-01",
                "Loulo <Gounkoto> & Co",
                Some((-11.39, 12.88)),
                "gold",
            ),
            site("MLI-HT-14", "Intahaka (N'Tillit commune)", None, "gold"),
        ],
        regions: vec![mali_square()],
        ..Dataset::default()
    };
    d.sort();
    d
}

fn sources() -> Vec<SourceReport> {
    vec![
        SourceReport {
            path: "/data/conflict/ged_test.csv".to_string(),
            sha256: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef".to_string(),
            kind: "ucdp_ged".to_string(),
            layout: "UCDP GED reduced (14 columns)".to_string(),
            release: Some("21.1".to_string()),
            accepted: 3,
            coverage: Some(Coverage {
                start: "2012-06-01".to_string(),
                end: "2019-12-31".to_string(),
            }),
            countries: vec!["Mali".to_string()],
            ..SourceReport::default()
        },
        SourceReport {
            path: "/data/mines/sites.csv".to_string(),
            sha256: "fedcba9876543210".repeat(4),
            kind: "tabulated_sites".to_string(),
            accepted: 2,
            ..SourceReport::default()
        },
    ]
}

fn render(d: &Dataset, s: &[SourceReport]) -> String {
    render_brief(&BriefInput {
        dataset: d,
        sources: s,
        provenance: "test <run> & 1".to_string(),
        deal: None,
        outlook: None,
        precision: Default::default(),
    })
}

#[test]
fn event_extra_and_notes_never_appear() {
    let html = render(&dataset(), &sources());
    assert!(!html.contains(SENTINEL_EXTRA));
    assert!(!html.contains(SENTINEL_NOTES));
}

#[test]
fn no_external_resources() {
    let html = render(&dataset(), &sources());
    let lower = html.to_lowercase();
    for needle in [
        "<script",
        "<link",
        "src=",
        "<img",
        "@import",
        "url(http",
        "href=\"http",
        "<iframe",
        "@font-face",
    ] {
        assert!(!lower.contains(needle), "found {needle}");
    }
    // The only URL is the SVG namespace, which is an identifier, not fetched.
    let urls: Vec<&str> = lower
        .match_indices("http")
        .map(|(i, _)| &lower[i..i + 26])
        .collect();
    assert!(
        urls.iter()
            .all(|u| u.starts_with("http://www.w3.org/2000/svg")),
        "{urls:?}"
    );
}

#[test]
fn banner_shows_the_coverage_end_date() {
    let html = render(&dataset(), &sources());
    let banner_start = html.find(r#"class="banner""#).expect("banner");
    let banner = &html[banner_start
        ..html[banner_start..]
            .find("</section>")
            .map_or(html.len(), |i| banner_start + i)];
    // Mali's file is a GED 21.1 file: the release's stated coverage (1989–2020) gives its
    // period; no file covers the neighbours (named by ISO3: no boundary for them).
    assert!(
        banner.contains("The UCDP GED conflict events end on 2020-12-31 for Mali, no data for BFA, CIV, DZA, GIN, MRT, NER and SEN."),
        "{banner}"
    );
    assert!(banner.contains("<tr><td>Mali</td><td>MLI</td><td>1989-01-01</td><td>2020-12-31</td>"));
    assert!(
        banner.contains(r#"<tr class="stale"><td>NER</td><td>NER</td><td>no data</td>"#),
        "{banner}"
    );
    assert!(!banner.contains("Wagner"));
    // Derived from the sources, not hard-coded.
    // Without a release, the period is what the file holds.
    let mut s = sources();
    s[0].release = None;
    s[0].coverage = Some(Coverage {
        start: "2012-06-01".to_string(),
        end: "2024-06-30".to_string(),
    });
    let html = render(&dataset(), &s);
    assert!(html.contains("The UCDP GED conflict events end on 2024-06-30 for Mali,"));
    assert!(!html.contains("2019-12-31"));
}

#[test]
fn site_without_coordinates_is_listed_as_not_mapped() {
    let html = render(&dataset(), &sources());
    let at = html
        .find("Not mapped: no coordinates")
        .expect("not-mapped list");
    assert!(html[at..].contains("Intahaka (N&#39;Tillit commune)"));
    // The mapped site is drawn and its label escaped.
    assert!(html.contains("Loulo &lt;Gounkoto&gt; &amp; Co"));
    assert!(!html.contains("Loulo <Gounkoto>"));
}

#[test]
fn provenance_is_escaped() {
    let html = render(&dataset(), &sources());
    assert!(html.contains("test &lt;run&gt; &amp; 1"));
}

#[test]
fn only_ged_events_in_the_frame_are_drawn_with_area_by_deaths() {
    let html = render(&dataset(), &sources());
    let events = &html[html.find(r#"<g class="events">"#).expect("events")..];
    let events = &events[..events.find("</g>").unwrap_or(events.len())];
    assert_eq!(
        events.matches("<circle").count(),
        3,
        "ACLED event not drawn"
    );
    // Largest first: 100 deaths -> r = 1.2 · 10 = 12.0; 12 deaths -> 1.2 · √12 = 4.2; 0 -> dot.
    let radii: Vec<&str> = events
        .split(" r=\"")
        .skip(1)
        .map(|s| &s[..s.find('"').unwrap_or(0)])
        .collect();
    assert_eq!(radii, vec!["12.0", "4.2", "0.8"]);
}

#[test]
fn footer_has_citations_and_short_hashes() {
    let html = render(&dataset(), &sources());
    assert!(html.contains("Sundberg"));
    assert!(html.contains("0123456789ab"));
    assert!(!html.contains("0123456789abc"));
}

#[test]
fn output_is_deterministic() {
    let a = render(&dataset(), &sources());
    let b = render(&dataset(), &sources());
    assert_eq!(a, b);
}

#[test]
fn exposure_section_ranks_the_exposed_site_and_explains_the_data() {
    let mut d = dataset();
    // 0.1° of longitude east of event 3 (100 deaths, 2019-06-01): ≈ 10.7 km at 15° N.
    d.sites
        .push(site("MLI-HT-99", "Test mine", Some((0.6, 15.0)), "gold"));
    d.sort();
    let mut s = sources();
    s[0].path = "/data/conflict/ged_test_1989_2019.csv".to_string();
    let html = render(&d, &s);
    let section = &html[html.find("Exposure: armed violence").unwrap()..];
    let section = &section[..section.find("</section>").unwrap()];
    assert!(
        section.contains("from 2019-01-01 to 2019-12-31"),
        "window from the stated coverage"
    );
    let row = &section[section.find("<td>Test mine</td>").expect("ranked")..];
    let row = &row[..row.find("</tr>").unwrap()];
    // Events within 25/50/100 km, deaths, index = 100 · 0.5^(213/90) (2019-06-01 → 2019-12-31).
    let index = 100.0 * 0.5f64.powf(213.0 / 90.0);
    assert!(row.contains(r#"<td class="num">1</td><td class="num">1</td><td class="num">1</td><td class="num">100</td>"#), "{row}");
    assert!(row.contains(&format!("{index:.1}")), "{row}");
    assert!(row.contains("new (1 vs 0"), "{row}");
    assert!(row.contains("25 km (nearest 11 km)"), "{row}");
    assert!(row.contains("Side A (a, 2019-06)"), "{row}");
    assert!(
        section.contains("Of the 2 located hand-tabulated Mali mines"),
        "{section}"
    );
    assert!(section.contains("1 within 25 km"));
    assert!(section.contains(
        "What this cannot show: anything after a country's data end (the UCDP GED events end on 2019-12-31 for Mali, no data for"
    ), "{section}");
}

#[test]
fn cahra_section_says_why_there_is_no_screening_without_admin1_regions() {
    let html = render(&dataset(), &sources());
    let section = &html[html
        .find("<h2>Conflict-affected and high-risk areas")
        .unwrap()..];
    let section = &section[..section.find("</section>").unwrap()];
    // The test dataset has an admin-0 square only; its GED coverage (release 21.1) ends 2020.
    assert!(
        section.contains("No admin-1 boundaries were ingested"),
        "{section}"
    );
}

fn production(
    country: &str,
    iso3: Option<&str>,
    year: i32,
    commodity: &str,
    q: f64,
) -> orewatch_core::model::ProductionRecord {
    orewatch_core::model::ProductionRecord {
        series: orewatch_core::model::ProductionSeries::UsgsMcs,
        country: country.into(),
        iso3: iso3.map(str::to_string),
        year,
        commodity: commodity.into(),
        stage: Some("mine".into()),
        quantity: Some(q),
        unit: "metric tons".into(),
        value_type: orewatch_core::model::ValueType::Reported,
        flag: None,
        measure: None,
        edition: None,
        source_file: "test.csv".into(),
        extra: Extra::new(),
    }
}

#[test]
fn supply_section_gives_mali_shares_hhi_and_the_disruption() {
    let html = render(&dataset(), &sources());
    assert!(html.contains("The store holds no production figures"));

    let mut d = dataset();
    // Gold 2023: Aland 60, Mali 30, Other countries 10 → Mali 30 %, HHI 0.36 + 0.09 = 4,500
    // … + 0.01 = 4,600 (Other ≤ smallest listed: one producer of 0.1 at most).
    // Lithium 2025: Aland 90, Mali 10 → Mali 10 %, HHI 8,200; half of Mali's 10 t = 5 t = 5 %.
    d.production = vec![
        production("Aland", Some("AAA"), 2023, "gold", 60.0),
        production("Mali", Some("MLI"), 2023, "gold", 30.0),
        production("Other countries", None, 2023, "gold", 10.0),
        production("Aland", Some("AAA"), 2025, "lithium", 90.0),
        production("Mali", Some("MLI"), 2025, "lithium", 10.0),
    ];
    let html = render(&d, &sources());
    let section = &html[html.find("<section class=\"supply\">").unwrap()..];
    let section = &section[..section.find("</section>").unwrap()];
    assert!(
        section.contains("Mali mined <strong>30.0%</strong> of the world's gold in 2023"),
        "{section}"
    );
    assert!(
        section.contains("<strong>10.0%</strong> of its lithium in 2025"),
        "{section}"
    );
    assert!(section.contains("(HHI 4500–4600)"), "{section}");
    // Stopping Mali's gold: 30 of 100 lost; Aland 60 + Other 10 of 70 → HHI 7,347–7,551.
    assert!(
        section.contains("lose 30.0% of its mined gold"),
        "{section}"
    );
    assert!(
        section.contains("would secure 5 metric tons for the buyer, 5.0% of world supply"),
        "{section}"
    );
    assert!(section.contains(r#"class="bar mli""#));
    // Over time: shares (Mali and the Sahel) and the HHI, one USGS year each here; the CAHRA
    // column uses the last screened year before 2023: Mali (30 %) is screened "neither", Aland
    // (no country of the map) and Other countries are unknown: 0 %–70 %.
    assert!(
        section.contains("Mali&#39;s and the Sahel&#39;s share of world gold mine output"),
        "{section}"
    );
    assert!(
        section.contains("Concentration of world gold mine output (HHI)"),
        "{section}"
    );
    assert!(
        section.contains("From CAHRA-flagged countries"),
        "{section}"
    );
    // The verdict years beside the share: Mali, the only screened producer, judged on 2020.
    assert!(
        section.contains("<td>0.0%–70.0% (all producers 2020)"),
        "{section}"
    );
    assert!(section.contains("In one series only: gold 2023; lithium 2025."));
    // The EU's criticality picture (bundled tables): one point per material of the results
    // table (90), the deal's minerals labelled, the named table beside it, and the computed
    // verdicts and disagreements.
    let svg = &section[section.find("EU 2023: supply risk (SR)").unwrap()..];
    let svg = &svg[..svg.find("</svg>").unwrap()];
    // 90 points, plus Annex 4's own values where they differ from the results table:
    // aluminium/bauxite (1.1 / 5.5 against 1.2 / 5.8) and silicon metal (SR 1.3 against 1.4).
    assert_eq!(svg.matches("<circle").count(), 90 + 2);
    assert!(svg.contains(r#"class="lab deal""#) && svg.contains(">lithium</text>"));
    assert!(section.contains("Of the deal's minerals, lithium is critical, gold is not."));
    assert!(section.contains("aluminium/bauxite: SR 1.2 and EI 5.8 in the results table, 1.1 and 5.5 in Annex 4; silicon metal: SR 1.4 and EI 4.9 in the results table, 1.3 and 4.9 in Annex 4"), "{section}");
    assert!(section.contains("<tr class=\"deal\"><td>lithium</td><td>1.9 / 3.9</td><td>yes</td><td>1.6 / 3.1</td><td>1.0 / 2.4</td><td>+0.3</td></tr>"), "{section}");
    // Without WGI figures lithium's SR now is not assessed (the real-data test checks it).
    assert!(!section.contains("SR at extraction from USGS"));
}

// ---- Armed actors section ----

fn listed_actor(id: u32, name: &str, org: u8) -> orewatch_core::model::Actor {
    orewatch_core::model::Actor {
        actor_id: id,
        name: name.to_string(),
        name_orig: None,
        name_orig_full: None,
        name_orig_full_eng: None,
        org_type: Some(org),
        new_name: None,
        splinter_of_ids: vec![],
        splinter_of_names: None,
        alliance_ids: vec![],
        alliance_names: None,
        joined_group_ids: vec![],
        joined_group_names: None,
        location: None,
        region: None,
        version: Some("22.1".to_string()),
        unparsed_columns: vec![],
        extra: Extra::new(),
    }
}

/// A GED event between two sides on a given month.
#[allow(clippy::too_many_arguments)]
fn dyad_event(
    id: &str,
    country: &str,
    lon: f64,
    lat: f64,
    year: i32,
    month: u32,
    a: &str,
    b: &str,
    deaths: u32,
) -> Event {
    let mut e = event(id, EventSource::UcdpGed, lon, lat, deaths, year);
    e.date_start = NaiveDate::from_ymd_opt(year, month, 9).unwrap_or_default();
    e.country = country.to_string();
    e.side_a = a.to_string();
    e.side_b = Some(b.to_string());
    let civilians = b == "Civilians";
    e.civilian_targeting = civilians;
    e.violence_type = Some(if civilians {
        ViolenceType::OneSided
    } else if a.starts_with("Government of") {
        ViolenceType::StateBased
    } else {
        ViolenceType::NonState
    });
    e
}

/// Site "Loulo" at (-11.39, 12.88); events at 0.1° (≈11 km) and 0.7° (≈76 km) from it.
fn actors_dataset() -> Dataset {
    let mut d = dataset();
    d.actors = vec![
        listed_actor(1, "Government of Mali", 4),
        listed_actor(2, "JNIM", 1),
        listed_actor(3, "ISGS", 1),
    ];
    d.events = vec![
        dyad_event(
            "10",
            "Mali",
            -11.29,
            12.88,
            2018,
            3,
            "Government of Mali",
            "JNIM",
            5,
        ),
        dyad_event(
            "11",
            "Mali",
            -11.39,
            12.98,
            2019,
            7,
            "Government of Mali",
            "JNIM",
            2,
        ),
        dyad_event("12", "Mali", -11.39, 12.78, 2019, 2, "JNIM", "Civilians", 4),
        dyad_event("13", "Mali", -10.69, 12.88, 2019, 11, "ISGS", "JNIM", 30),
        dyad_event(
            "14",
            "Mali",
            -4.0,
            14.5,
            2017,
            1,
            "Government of Mali",
            "Civilians",
            9,
        ),
        // Before the period (2013–2020 in the section, 2012–2019 in the site test): left out.
        dyad_event(
            "15",
            "Mali",
            -11.39,
            12.88,
            2011,
            5,
            "ISGS",
            "Civilians",
            50,
        ),
    ];
    d.sort();
    d
}

fn actors_html(d: &Dataset) -> String {
    let html = render(d, &sources());
    let start = html
        .find("<h2>Armed actors around the mines</h2>")
        .expect("actors section");
    let end = start + html[start..].find("</section>").expect("section end");
    html[start..end].to_string()
}

#[test]
fn actors_section_is_deterministic_and_civilians_are_not_a_node() {
    let d = actors_dataset();
    let a = actors_html(&d);
    assert_eq!(a, actors_html(&d));
    // Three organisations are nodes; "Civilians" is not.
    assert_eq!(a.matches(r#"<circle class="node""#).count(), 3, "{a}");
    assert!(!a.contains("<title>Civilians"), "{a}");
    // The test source states GED release 21.1, which covers to 2020-12-31: the last 8 years.
    assert!(a.contains("2013–2020"), "{a}");
    // Edges: Mali–JNIM and ISGS–JNIM; none to civilians.
    assert_eq!(a.matches(r#"<line class="edge""#).count(), 2);
    assert!(a.contains("Government of Mali – JNIM: 2 events, 7 deaths, 2018-03 to 2019-07"));
    // No day anywhere: months only.
    assert!(!a.contains("2018-03-09") && !a.contains("2019-07-09"));
    assert!(!a.contains(SENTINEL_NOTES) && !a.contains(SENTINEL_EXTRA));
}

#[test]
fn actors_site_table_has_the_expected_rows() {
    use orewatch_core::actors::assess::{self, AliasTable, Inputs};
    let d = actors_dataset();
    let table = AliasTable {
        name: "none".into(),
        entries: Vec::new(),
    };
    let inputs = Inputs {
        dataset: &d,
        sources: &[],
        aliases: &table,
    };
    // The section's request, with the sites' period 2012–2019 and every country.
    let mut request = crate::actors::network_request(
        &d.sites,
        NaiveDate::from_ymd_opt(2012, 1, 1).expect("date"),
        NaiveDate::from_ymd_opt(2019, 12, 31).expect("date"),
    );
    request.selection.countries.clear();
    let result = assess::network(&inputs, &request).expect("network");
    let rows = crate::actors::site_rows(&result);
    // Only Loulo has coordinates; events 10, 11, 12 are within 50 km, 13 (76 km) and 14 not,
    // 15 is before the period.
    assert_eq!(rows.len(), 1);
    let loulo = &rows[0];
    assert_eq!(loulo.site_id, "MLI-HT-01");
    assert_eq!(loulo.events, 3);
    assert_eq!(
        loulo.actors,
        vec![
            ("JNIM".to_string(), 3, 11, "2019-07".to_string()),
            (
                "Government of Mali".to_string(),
                2,
                7,
                "2019-07".to_string()
            ),
        ]
    );
    assert_eq!(loulo.more, 0);
    let html = actors_html(&d);
    assert!(
        html.contains(
            r#"<td>JNIM</td><td class="num">3</td><td class="num">11</td><td>2019-07</td>"#
        ),
        "{html}"
    );
}

#[test]
fn actors_civilian_harm_includes_state_forces() {
    let d = actors_dataset();
    let html = actors_html(&d);
    let harm = &html[html
        .find("Civilian harm by perpetrator")
        .expect("harm table")..];
    // Government of Mali: 1 event, 9 deaths (2017); JNIM: 1 event, 4 deaths; ISGS's 2011
    // event is outside the period.
    let gov = harm.find(
        "<td>Government of Mali</td><td>state</td><td class=\"num\">1</td><td class=\"num\">9</td>",
    );
    let jnim = harm
        .find("<td>JNIM</td><td>non-state</td><td class=\"num\">1</td><td class=\"num\">4</td>");
    assert!(gov.is_some() && jnim.is_some(), "{harm}");
    assert!(gov < jnim, "most deaths first");
    assert!(!harm.contains("<td>ISGS</td>"));
    assert!(harm.contains("In all, 2 events and 13 deaths by 2 perpetrators"));
}

#[test]
fn actors_section_marks_organisations_outside_the_ucdp_list() {
    let mut d = actors_dataset();
    d.events.push(dyad_event(
        "16",
        "Mali",
        -4.0,
        14.5,
        2019,
        4,
        "Unknown Front",
        "Civilians",
        2,
    ));
    d.sort();
    let html = actors_html(&d);
    // A fourth node, marked; its civilian harm on it, marked in the table too.
    assert_eq!(html.matches(r#"<circle class="node""#).count(), 4, "{html}");
    assert!(
        html.contains("<title>Unknown Front (not in the UCDP actor list) — 1 events"),
        "{html}"
    );
    assert!(
        html.contains("<td>Unknown Front</td><td>not in the UCDP list</td>"),
        "{html}"
    );
}

#[test]
fn actors_section_says_why_without_actor_list_or_events() {
    let mut d = actors_dataset();
    d.actors.clear();
    assert!(actors_html(&d).contains("No UCDP actor list was ingested"));
    let mut d = actors_dataset();
    d.events.retain(|e| e.source != EventSource::UcdpGed);
    assert!(actors_html(&d).contains("No UCDP GED events were ingested"));
}

#[test]
fn force_layout_is_seeded_and_fills_the_unit_square() {
    use crate::actors::force_layout;
    let edges = [(0, 1, 1.0), (1, 2, 1.0), (3, 4, 2.0)];
    let a = force_layout(6, &edges, 7, 200);
    assert_eq!(a, force_layout(6, &edges, 7, 200));
    assert_ne!(a, force_layout(6, &edges, 8, 200));
    assert!(a
        .iter()
        .all(|&(x, y)| (0.0..=1.0).contains(&x) && (0.0..=1.0).contains(&y)));
    let dist = |p: (f64, f64), q: (f64, f64)| ((p.0 - q.0).powi(2) + (p.1 - q.1).powi(2)).sqrt();
    // Tied nodes end closer than the mean pair distance.
    let mut sum = 0.0;
    let mut pairs = 0.0;
    for u in 0..6 {
        for v in (u + 1)..6 {
            sum += dist(a[u], a[v]);
            pairs += 1.0;
        }
    }
    assert!(dist(a[3], a[4]) < sum / pairs);
    assert!(dist(a[0], a[1]) < sum / pairs);
}

#[test]
fn actors_period_is_the_last_eight_covered_years() {
    use crate::actors::period_of;
    let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap_or_default();
    assert_eq!(period_of(d(2019, 12, 31)), (d(2012, 1, 1), d(2019, 12, 31)));
    assert_eq!(period_of(d(2020, 6, 30)), (d(2012, 1, 1), d(2019, 12, 31)));
}

/// "Since 2019" on the synthetic store: the GED file is a 21.1 file (stated coverage to
/// 2020-12-31), so the Mali site's 2021 and 2022 are "not covered" (no numbers, hatched
/// "no data"), never 0, and whether violence arrived cannot be told. Its nearest 2019 event
/// is event 2 at 16° N, 1° W: haversine 1,171.1 km (python math, R = 6371.0088 km); no
/// event at all in 2017.
#[test]
fn since_section_marks_uncovered_years() {
    let html = render(&dataset(), &sources());
    let since = &html[html.find(r#"<section class="since">"#).expect("since")..];
    let since = &since[..since.find("</section>").unwrap()];
    assert!(since.contains("<h2>Since 2019: violence around the mines, year by year</h2>"));
    let row = &since[since
        .find("<tr><td>Loulo &lt;Gounkoto&gt; &amp; Co (MLI)")
        .expect("row")..];
    let row = &row[..row.find("</tr>").unwrap()];
    let cells: Vec<&str> = row.split(r#"<td class="num"#).skip(1).collect();
    assert_eq!(cells.len(), 6, "{row}");
    assert!(cells[0].contains("0 / 0 / 0") && cells[0].contains("none that year"));
    assert!(cells[2].contains("1171 km"), "{}", cells[2]);
    assert!(cells[4].contains("not covered") && cells[5].contains("not covered"));
    assert!(!cells[4].contains("0 / 0 / 0"));
    assert_eq!(since.matches(">no data</text>").count(), 2);
    assert!(since.contains(
        "At none of the sites did violence arrive in 2020–2022 (a first event within 50 km after none in 2017–2019). Not determined (a year without full data coverage): Loulo &lt;Gounkoto&gt; &amp; Co (MLI)."
    ), "{since}");
    assert!(since.contains("(MLI-HT-14): no coordinates, not assessed"));
}
