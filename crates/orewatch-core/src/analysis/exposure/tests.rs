//! Exposure worked by hand around one site.
//!
//! Site S at 12° N, 8° W. R is the haversine distance from S to 13° N, 8° W (one degree of
//! latitude, ≈ 111.195 km), so an event there is at d = R exactly. as_of = 2020-12-31, window
//! 365 days: 2020 is a leap year, so as_of − 365 days = 2020-01-01 and the window is
//! (2020-01-01, 2020-12-31]: 2020-01-01 is outside (previous window), 2020-01-02 inside.
//!
//! | event | place        | date       | type | sides                 | best (low, high) |
//! |-------|--------------|------------|------|-----------------------|------------------|
//! | E1    | 13.0 N (d=R) | 2020-12-31 | sb   | Gov. of Mali / JNIM   | 4 (3, 5)         |
//! | E2    | 12.3 N       | 2020-10-02 | os   | JNIM / Civilians      | 0 (0, 1)         |
//! | E3    | 12.1 N       | 2020-01-01 | sb   | Gov. of Mali / JNIM   | 10 (10, 10)      |
//! | E4    | 12.5 N       | 2020-01-02 | sb   | Gov. of Mali / IS Sahel | 2 (2, 2)       |
//! | E5    | 13.0001 N    | 2020-06-01 | sb   | (beyond R)            | 7                |
//! | E6    | 12.0 N       | 2021-01-01 | sb   | (after as_of)         | 9                |
//! | E7    | 12.0 N       | 2020-06-01 | ACLED event (other source) | 50      |
//!
//! In the window within R: E1, E2, E4 → 3 events, best 4 + 0 + 2 = 6, low 5, high 8.
//! Ages: E1 0 days, E2 90 days (2020-10-02 → 2020-12-31), E4 364 days.
//! Uniform kernel, w = max(1, best): 4·1 + 1·0.5^(90/90) + 2·0.5^(364/90) = 4.5 + 2·0.5^(364/90).
//! Trend: 3 now, 1 before (E3) → ratio 3, "rising", p = P(X ∉ {2}) for Binomial(4, ½) =
//! (1 + 4 + 4 + 1)/16 = 0.625.

use chrono::NaiveDate;

use super::*;
use crate::analysis::events::EventFilter;
use crate::geodesy::haversine_km;
use crate::model::{EventSource, SiteKind};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

#[allow(clippy::too_many_arguments)]
fn event(
    id: &str,
    lat: f64,
    date: &str,
    vt: Option<ViolenceType>,
    a: &str,
    b: &str,
    best: u32,
    low_high: (u32, u32),
) -> Event {
    Event {
        source: EventSource::UcdpGed,
        event_id: id.into(),
        release: None,
        date_start: d(date),
        date_end: None,
        date_precision: None,
        country: "Mali".into(),
        admin1: None,
        admin2: None,
        lat,
        lon: -8.0,
        location_precision: None,
        violence_type: vt,
        event_type: None,
        sub_event_type: None,
        conflict_name: None,
        side_a: a.into(),
        side_b: Some(b.into()),
        side_a_associates: vec![],
        side_b_associates: vec![],
        fatalities_low: Some(low_high.0),
        fatalities_best: best,
        fatalities_high: Some(low_high.1),
        civilian_targeting: vt == Some(ViolenceType::OneSided),
        flags: vec![],
        extra: Default::default(),
    }
}

fn site(id: &str, coords: Option<(f64, f64)>) -> Site {
    Site {
        site_id: id.into(),
        name: format!("Site {id}"),
        kind: SiteKind::Facility,
        country: Some("Mali".into()),
        country_iso3: Some("MLI".into()),
        admin1: None,
        lat: coords.map(|c| c.0),
        lon: coords.map(|c| c.1),
        coord_precision: None,
        commodities: vec!["gold".into()],
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

fn events() -> Vec<Event> {
    use ViolenceType::*;
    let gov = "Government of Mali";
    let mut acled = event("E7", 12.0, "2020-06-01", None, "X", "Y", 50, (50, 50));
    acled.source = EventSource::Acled;
    vec![
        event(
            "E1",
            13.0,
            "2020-12-31",
            Some(StateBased),
            gov,
            "JNIM",
            4,
            (3, 5),
        ),
        event(
            "E2",
            12.3,
            "2020-10-02",
            Some(OneSided),
            "JNIM",
            "Civilians",
            0,
            (0, 1),
        ),
        event(
            "E3",
            12.1,
            "2020-01-01",
            Some(StateBased),
            gov,
            "JNIM",
            10,
            (10, 10),
        ),
        event(
            "E4",
            12.5,
            "2020-01-02",
            Some(StateBased),
            gov,
            "IS Sahel",
            2,
            (2, 2),
        ),
        event(
            "E5",
            13.0001,
            "2020-06-01",
            Some(StateBased),
            gov,
            "JNIM",
            7,
            (7, 7),
        ),
        event(
            "E6",
            12.0,
            "2021-01-01",
            Some(StateBased),
            gov,
            "JNIM",
            9,
            (9, 9),
        ),
        acled,
    ]
}

fn r_one_degree() -> f64 {
    haversine_km(-8.0, 12.0, -8.0, 13.0)
}

fn params(kernel: Kernel) -> ExposureParams {
    let mut p = ExposureParams::new(EventFilter::all(EventSource::UcdpGed), d("2020-12-31"));
    p.radii_km = vec![r_one_degree(), 25.0];
    p.kernel = kernel;
    p
}

fn run(kernel: Kernel) -> ExposureReport {
    let s = site("S", Some((12.0, -8.0)));
    let none = site("N", None);
    assess(&[&s, &none], &events(), params(kernel)).unwrap()
}

fn row(report: &ExposureReport, id: &str, r: f64) -> ExposureRow {
    report
        .rows
        .iter()
        .find(|row| row.site_id == id && row.radius_km == r)
        .unwrap()
        .clone()
}

#[test]
fn counts_fatalities_and_index_by_hand() {
    let report = run(Kernel::Uniform);
    assert_eq!(
        report.events_considered, 5,
        "E1–E5: E6 is after as_of, E7 is ACLED"
    );
    let r = r_one_degree();
    let row = row(&report, "S", r);
    assert!(row.assessed);
    assert_eq!((row.events, row.fatalities_best), (3, 6));
    assert_eq!(
        (row.fatalities_low, row.fatalities_high),
        (Some(5), Some(8))
    );
    assert_eq!(
        row.civilian,
        Tally {
            events: 1,
            fatalities_best: 0
        }
    );
    assert_eq!(
        row.state_based,
        Tally {
            events: 2,
            fatalities_best: 6
        }
    );
    assert_eq!(
        row.one_sided,
        Tally {
            events: 1,
            fatalities_best: 0
        }
    );
    let expected = 4.0 * 1.0 + 1.0 * 0.5 + 2.0 * 0.5f64.powf(364.0 / 90.0);
    assert!(
        (row.exposure_index - expected).abs() < 1e-12,
        "{}",
        row.exposure_index
    );

    let trend = row.trend.clone().unwrap();
    assert_eq!((trend.events, trend.previous_events), (3, 1));
    assert_eq!((trend.ratio, trend.label), (Some(3.0), "rising"));
    assert!((trend.p_value.unwrap() - 0.625).abs() < 1e-15);

    let names: Vec<(&str, &str, u64, u64, &str)> = row
        .top_actors_by_events
        .iter()
        .map(|a| {
            (
                a.name.as_str(),
                a.side.as_str(),
                a.events,
                a.fatalities_best,
                a.last_seen.as_str(),
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            ("Government of Mali", "a", 2, 6, "2020-12"),
            ("JNIM", "a+b", 2, 4, "2020-12"),
            ("IS Sahel", "b", 1, 2, "2020-01"),
        ]
    );
    let by_deaths: Vec<&str> = row
        .top_actors_by_fatalities
        .iter()
        .map(|a| a.name.as_str())
        .collect();
    assert_eq!(by_deaths, ["Government of Mali", "JNIM", "IS Sahel"]);

    let near = row.nearest_in_window.clone().unwrap();
    assert_eq!(
        (near.event_id.as_deref(), near.month.as_str()),
        (Some("E2"), "2020-10")
    );
    assert!((near.distance_km - haversine_km(-8.0, 12.0, -8.0, 12.3)).abs() < 1e-12);
    let ever = row.nearest_ever.clone().unwrap();
    assert_eq!(
        (ever.event_id.as_deref(), ever.month.as_str()),
        (Some("E3"), "2020-01")
    );
}

#[test]
fn at_25_km_only_the_previous_window_has_an_event() {
    let report = run(Kernel::Uniform);
    let row = row(&report, "S", 25.0);
    assert_eq!((row.events, row.exposure_index), (0, 0.0));
    let trend = row.trend.unwrap();
    assert_eq!(
        (trend.previous_events, trend.label, trend.p_value),
        (1, "falling", Some(1.0))
    );
    // The nearest events are the same at every radius.
    assert_eq!(row.nearest_ever.unwrap().event_id.as_deref(), Some("E3"));
}

#[test]
fn linear_and_gaussian_kernels_by_hand() {
    let r = r_one_degree();
    let (d2, d4) = (
        haversine_km(-8.0, 12.0, -8.0, 12.3),
        haversine_km(-8.0, 12.0, -8.0, 12.5),
    );
    let t4 = 0.5f64.powf(364.0 / 90.0);
    // Linear: E1 at d = R weighs 1 − R/R = 0.
    let linear = row(&run(Kernel::Linear), "S", r).exposure_index;
    let expected = 4.0 * 0.0 + 0.5 * (1.0 - d2 / r) + 2.0 * t4 * (1.0 - d4 / r);
    assert!((linear - expected).abs() < 1e-12);
    // Gaussian, σ = R/2: exp(−d²/(2σ²)) = exp(−2d²/R²); at d = R that is e^−2.
    let gaussian = row(&run(Kernel::Gaussian), "S", r).exposure_index;
    let k = |d: f64| (-2.0 * d * d / (r * r)).exp();
    let expected = 4.0 * (-2.0f64).exp() + 0.5 * k(d2) + 2.0 * t4 * k(d4);
    assert!((gaussian - expected).abs() < 1e-12);
}

#[test]
fn a_site_without_coordinates_is_listed_not_assessed() {
    let report = run(Kernel::Uniform);
    let rows: Vec<&ExposureRow> = report.rows.iter().filter(|r| r.site_id == "N").collect();
    assert_eq!(rows.len(), 2);
    assert!(rows
        .iter()
        .all(|r| !r.assessed && r.status == "no coordinates — not assessed"));
    assert!(
        report.rows.last().unwrap().site_id == "N",
        "unassessed rows come last"
    );
}

#[test]
fn window_all_has_no_trend_and_takes_everything_up_to_as_of() {
    let mut p = params(Kernel::Uniform);
    p.window_days = None;
    let s = site("S", Some((12.0, -8.0)));
    let report = assess(&[&s], &events(), p).unwrap();
    let row = row(&report, "S", r_one_degree());
    assert_eq!((row.events, row.fatalities_best), (4, 16));
    assert!(row.trend.is_none());
}

#[test]
fn filters_by_violence_type() {
    let mut p = params(Kernel::Uniform);
    p.filter.violence = vec![ViolenceType::OneSided];
    let s = site("S", Some((12.0, -8.0)));
    let report = assess(&[&s], &events(), p).unwrap();
    assert_eq!(row(&report, "S", r_one_degree()).events, 1);
}

#[test]
fn bad_parameters_are_errors() {
    let s = site("S", Some((12.0, -8.0)));
    let mut p = params(Kernel::Uniform);
    p.radii_km = vec![-25.0];
    let e = assess(&[&s], &events(), p).unwrap_err().to_string();
    assert!(e.contains("radius-km") && e.contains("-25"), "{e}");
    let mut p = params(Kernel::Uniform);
    p.half_life_days = 0.0;
    assert!(assess(&[&s], &events(), p).is_err());
    let mut p = params(Kernel::Uniform);
    p.window_days = Some(0);
    assert!(assess(&[&s], &events(), p).is_err());
    assert!(Kernel::parse("box").is_err());
}

#[test]
fn monthly_index_matches_point_in_time_runs() {
    let s = site("S", Some((12.0, -8.0)));
    let p = params(Kernel::Uniform);
    let monthly = assess_monthly(
        &[&s],
        &events(),
        p.clone(),
        d("2020-10-15"),
        d("2020-12-01"),
    )
    .unwrap();
    let months: Vec<&str> = monthly
        .iter()
        .filter(|m| m.radius_km == 25.0)
        .map(|m| m.month.as_str())
        .collect();
    assert_eq!(months, ["2020-10", "2020-11", "2020-12"]);
    for m in &monthly {
        let mut q = p.clone();
        q.as_of = crate::analysis::events::month_end(d(&format!("{}-01", m.month)));
        let point = assess(&[&s], &events(), q).unwrap();
        let r = row(&point, "S", m.radius_km);
        assert_eq!(
            (m.events, m.fatalities_best),
            (Some(r.events), Some(r.fatalities_best))
        );
        assert!((m.exposure_index.unwrap() - r.exposure_index).abs() < 1e-12);
    }
}

/// Coverage, worked by hand: Mali is covered to 2020-12-31 (a Mali export named
/// `…_1990_2020`), Niger to 2019-12-31 (the global file only). Mali is the box 9°–7° W,
/// 11°–14° N, Niger the box 7°–5° W beside it. S (12° N, 8° W) lies 1° of longitude from
/// Niger's edge: haversine(−8, 12, −7, 12) = 108.765 km (python), so R = 111.195 km reaches
/// Niger and 25 km does not. T (12° N, 6° W) is in Niger.
mod coverage {
    use super::*;
    use crate::analysis::coverage::{CountryReach, EventCoverage};
    use crate::model::source::{Coverage, SourceReport};
    use crate::model::Region;
    use crate::test_util::country_box;

    fn report(path: &str, countries: &[&str]) -> SourceReport {
        SourceReport {
            path: path.into(),
            kind: "ucdp_ged".into(),
            coverage: Some(Coverage {
                start: "1990-01-01".into(),
                end: "2020-12-01".into(),
            }),
            countries: countries.iter().map(|c| c.to_string()).collect(),
            ..Default::default()
        }
    }

    fn check_with(sources: &[SourceReport]) -> (EventCoverage, Vec<Region>) {
        (
            EventCoverage::from_sources(sources),
            vec![country_box("MLI", -9.0), country_box("NER", -7.0)],
        )
    }

    #[test]
    fn not_covered_partial_and_covered() {
        let (table, regions) = check_with(&[
            report(
                "/d/ucdp_ged_v21_1_precise_global_1989_2019.csv",
                &["Mali", "Niger"],
            ),
            report("/d/ucdp_ged_v24_1_download_mali_1990_2020.csv", &["Mali"]),
        ]);
        let check = CoverageCheck {
            table: &table,
            reach: CountryReach::new(&regions),
        };
        let s = site("S", Some((12.0, -8.0)));
        let mut t = site("T", Some((12.0, -6.0)));
        t.country_iso3 = Some("NER".into());
        let report =
            assess_with_coverage(&[&s, &t], &events(), params(Kernel::Uniform), &check).unwrap();
        // S at R: Mali covered, Niger reached and not covered in the window (2020-01-02 to
        // 2020-12-31, see the module docs): partial, counts kept.
        let wide = row(&report, "S", r_one_degree());
        assert_eq!(wide.coverage, "partial");
        assert_eq!(wide.uncovered_countries, vec!["NER"]);
        assert_eq!(
            wide.coverage_note.as_deref(),
            Some("NER: no data 2020-01-02..2020-12-31")
        );
        assert!(wide.assessed);
        assert_eq!(
            wide.events, 3,
            "the counts of the data held (see the table above)"
        );
        assert!(wide.trend.is_some(), "Mali's previous window is covered");
        // S at 25 km: only Mali.
        let narrow = row(&report, "S", 25.0);
        assert_eq!(
            (narrow.coverage, narrow.coverage_note.clone()),
            ("covered", None)
        );
        // T in Niger: not covered — not assessed, never 0 (the flat outputs leave it empty).
        for r in [r_one_degree(), 25.0] {
            let row = row(&report, "T", r);
            assert_eq!(row.coverage, "not covered");
            assert!(!row.assessed);
            assert_eq!(row.status, NOT_COVERED);
            assert_eq!(row.uncovered_countries, vec!["NER"]);
            assert!(row.nearest_in_window.is_none() && row.trend.is_none());
        }
        // Not-covered rows sort after the assessed ones.
        assert!(report.rows.iter().rev().take(2).all(|r| r.site_id == "T"));
    }

    #[test]
    fn monthly_rows_of_an_uncovered_country_have_no_numbers() {
        let (table, regions) = check_with(&[
            report(
                "/d/ucdp_ged_v21_1_precise_global_1989_2019.csv",
                &["Mali", "Niger"],
            ),
            report("/d/ucdp_ged_v24_1_download_mali_1990_2020.csv", &["Mali"]),
        ]);
        let check = CoverageCheck {
            table: &table,
            reach: CountryReach::new(&regions),
        };
        let mut t = site("T", Some((12.0, -6.0)));
        t.country_iso3 = Some("NER".into());
        let mut p = params(Kernel::Uniform);
        p.window_days = Some(30);
        let rows = assess_monthly_with_coverage(
            &[&t],
            &events(),
            p,
            d("2019-11-01"),
            d("2020-01-31"),
            &check,
        )
        .unwrap();
        let at_25: Vec<(&str, &str, Option<u64>)> = rows
            .iter()
            .filter(|r| r.radius_km == 25.0)
            .map(|r| (r.month.as_str(), r.coverage, r.events))
            .collect();
        // November and December 2019 are covered (the global file), January 2020 is not:
        // its 30-day window 2020-01-02..2020-01-31 lies wholly after Niger's data end.
        assert_eq!(
            at_25,
            vec![
                ("2019-11", "covered", Some(0)),
                ("2019-12", "covered", Some(0)),
                ("2020-01", "not covered", None)
            ]
        );
    }

    #[test]
    fn trend_left_out_when_the_previous_window_is_not_covered() {
        // Mali covered in 2020 only: the window (2020-01-02..2020-12-31) is covered but the
        // previous one (2019-01-02..2020-01-01) only on its last day.
        let (table, regions) = check_with(&[report("/d/mali_2020_2020.csv", &["Mali"])]);
        let check = CoverageCheck {
            table: &table,
            reach: CountryReach::new(&regions[..1]),
        };
        let s = site("S", Some((12.0, -8.0)));
        let report =
            assess_with_coverage(&[&s], &events(), params(Kernel::Uniform), &check).unwrap();
        let r = row(&report, "S", 25.0);
        assert_eq!(r.coverage, "covered");
        assert!(r.trend.is_none());
        assert_eq!(
            r.coverage_note.as_deref(),
            Some(
                "trend left out: the previous window 2019-01-02..2020-01-01 is not covered for MLI"
            )
        );
        // Without any boundaries, the neighbours cannot be checked, and the row says so.
        let empty: Vec<Region> = Vec::new();
        let blind = CoverageCheck {
            table: &table,
            reach: CountryReach::new(&empty),
        };
        let report =
            assess_with_coverage(&[&s], &events(), params(Kernel::Uniform), &blind).unwrap();
        let r = row(&report, "S", 25.0);
        assert!(r
            .coverage_note
            .as_deref()
            .is_some_and(|n| n.contains("no boundaries in the store")));
    }
}

/// The columnar counts (`count_near_sites`, the Python package's user-data path) give the
/// events and deaths of `assess` on the same GED events, the boundary event E1 at d = R
/// included: R = 1°: E1, E2, E4 → 3 events, 6 deaths; 25 km: E2 is 0.3° ≈ 33 km away, E4
/// 0.5°: 0 events. The site without coordinates is not assessed in both.
#[test]
fn columnar_counts_equal_assess() {
    let ged: Vec<Event> = events()
        .into_iter()
        .filter(|e| e.source == EventSource::UcdpGed)
        .collect();
    let report = run(Kernel::Uniform);
    let lat: Vec<f64> = ged.iter().map(|e| e.lat).collect();
    let lon: Vec<f64> = ged.iter().map(|e| e.lon).collect();
    let date: Vec<NaiveDate> = ged.iter().map(|e| e.date_start).collect();
    let deaths: Vec<u32> = ged.iter().map(|e| e.fatalities_best).collect();
    let counts = count_near_sites(
        SiteColumns {
            lat: &[12.0, f64::NAN],
            lon: &[-8.0, f64::NAN],
        },
        EventColumns {
            lat: &lat,
            lon: &lon,
            date: &date,
            deaths: Some(&deaths),
        },
        CountParams {
            radii_km: vec![r_one_degree(), 25.0],
            window_days: Some(365),
            as_of: Some(d("2020-12-31")),
        },
    )
    .unwrap();
    for c in &counts.rows {
        let id = ["S", "N"][c.site];
        let full = row(&report, id, c.radius_km);
        if full.assessed {
            assert_eq!(c.events, Some(full.events), "{id} {}", c.radius_km);
            assert_eq!(c.deaths, Some(full.fatalities_best), "{id} {}", c.radius_km);
        } else {
            assert_eq!((c.assessed, c.events, c.deaths), (false, None, None));
        }
    }
    let s_r = counts
        .rows
        .iter()
        .find(|c| c.site == 0 && c.radius_km == r_one_degree())
        .unwrap();
    assert_eq!((s_r.events, s_r.deaths), (Some(3), Some(6)));
}
