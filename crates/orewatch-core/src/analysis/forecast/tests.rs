//! Hand-worked checks of the panel, features, baselines and hurdle on a crafted panel.
//!
//! The crafted world: one country ("MLI") whose admin-0 polygon is the box lon 0–1°,
//! lat 10–10.5°: two PRIO-GRID cells, A (centre 10.25 N, 0.25 E) and B (10.25 N, 0.75 E),
//! ring-1 neighbours of each other. Months 2000-01 … 2000-06 (indexes 0–5). Events in A:
//! 5 deaths in month 1 (state-based), 3 in month 3 (one-sided), 0 deaths in month 4
//! (non-state), 2 in month 5 (state-based); B: none.

use chrono::NaiveDate;
use geo_types::{polygon, MultiPolygon};

use super::features::{FeatureParams, FeatureSource, FEATURE_NAMES, N_FEATURES};
use super::grid::gid_of;
use super::model::{draw, stream_seed, Fitted, ModelSpec};
use super::panel::{build, Level, Month, Panel, Target};
use crate::model::{Event, EventSource, Extra, Region, ViolenceType};

fn event(id: &str, date: &str, lat: f64, lon: f64, vt: ViolenceType, best: u32, a: &str) -> Event {
    Event {
        source: EventSource::UcdpGed,
        event_id: id.into(),
        release: None,
        date_start: NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap(),
        date_end: None,
        date_precision: None,
        country: "Mali".into(),
        admin1: None,
        admin2: None,
        lat,
        lon,
        location_precision: Some(1),
        violence_type: Some(vt),
        event_type: None,
        sub_event_type: None,
        conflict_name: None,
        side_a: a.into(),
        side_b: Some("Government of Mali".into()),
        side_a_associates: vec![],
        side_b_associates: vec![],
        fatalities_low: Some(best),
        fatalities_best: best,
        fatalities_high: Some(best),
        civilian_targeting: vt == ViolenceType::OneSided,
        flags: vec![],
        extra: Extra::new(),
    }
}

fn country_box() -> Region {
    Region {
        region_id: "466".into(),
        level: 0,
        name: "Mali".into(),
        country_iso3: Some("MLI".into()),
        country_name: Some("Mali".into()),
        iso_3166_2: None,
        geometry: MultiPolygon(vec![polygon![
            (x: 0.0, y: 10.0), (x: 1.0, y: 10.0), (x: 1.0, y: 10.5), (x: 0.0, y: 10.5), (x: 0.0, y: 10.0)
        ]]),
        source: "test".into(),
        extra: Extra::new(),
    }
}

/// Equal to 1e-12 (ln_1p(x) and ln(1 + x) differ in the last bit).
fn close(a: f64, b: f64) {
    assert!((a - b).abs() < 1e-12, "{a} vs {b}");
}

fn crafted_events() -> Vec<Event> {
    vec![
        event(
            "1",
            "2000-02-10",
            10.2,
            0.2,
            ViolenceType::StateBased,
            5,
            "JNIM",
        ),
        event(
            "2",
            "2000-04-01",
            10.3,
            0.3,
            ViolenceType::OneSided,
            3,
            "JNIM",
        ),
        event(
            "3",
            "2000-05-20",
            10.1,
            0.4,
            ViolenceType::NonState,
            0,
            "MNLA",
        ),
        event(
            "4",
            "2000-06-30",
            10.2,
            0.2,
            ViolenceType::StateBased,
            2,
            "ISGS",
        ),
        // Outside the months: counted, not used.
        event(
            "5",
            "2000-07-01",
            10.2,
            0.2,
            ViolenceType::StateBased,
            9,
            "ISGS",
        ),
    ]
}

fn crafted_panel(events: &[Event]) -> Panel {
    build(
        Level::Cell,
        &["MLI".to_string()],
        events,
        &[country_box()],
        EventSource::UcdpGed,
        Month::new(2000, 1),
        Month::new(2000, 6),
    )
    .unwrap()
}

#[test]
fn panel_by_hand() {
    let p = crafted_panel(&crafted_events());
    assert_eq!(p.units.len(), 2);
    let a = gid_of(10.25, 0.25).unwrap();
    assert_eq!(p.units[0].id, a);
    assert_eq!(p.units[1].id, a + 1);
    assert_eq!(p.series(Target::All, 0), &[0, 5, 0, 3, 0, 2]);
    assert_eq!(p.series(Target::Sb, 0), &[0, 5, 0, 0, 0, 2]);
    assert_eq!(p.series(Target::Os, 0), &[0, 0, 0, 3, 0, 0]);
    assert_eq!(p.series(Target::Ns, 0), &[0; 6]);
    assert_eq!(p.event_series(Target::All, 0), &[0, 1, 0, 1, 1, 1]);
    assert_eq!(p.series(Target::All, 1), &[0; 6]);
    assert_eq!(p.counts.events_used, 4);
    assert_eq!(p.counts.events_outside_months, 1);
    assert_eq!(p.ring1, vec![vec![1], vec![0]]);
    // An event outside the polygon adds its cell.
    let mut events = crafted_events();
    events.push(event(
        "6",
        "2000-03-03",
        12.0,
        3.0,
        ViolenceType::StateBased,
        1,
        "X",
    ));
    let p = crafted_panel(&events);
    assert_eq!(p.units.len(), 3);
    assert_eq!(p.counts.cells_from_events_only, 1);
    assert!(!p.units[2].centre_in_country);
}

#[test]
fn features_by_hand() {
    let p = crafted_panel(&crafted_events());
    let src = FeatureSource::new(
        &p,
        Target::All,
        &[(10.25, 0.25)],
        &[],
        FeatureParams::default(),
    );
    let mut f = [0.0; N_FEATURES];
    let get = |f: &[f64], name: &str| f[FEATURE_NAMES.iter().position(|n| *n == name).unwrap()];
    src.features(0, 5, &mut f);
    close(get(&f, "y_lag1"), 3f64.ln()); // ln(1 + 2)
    close(get(&f, "y_sum3"), 6f64.ln()); // ln(1 + 3 + 0 + 2)
    close(get(&f, "y_sum12"), 11f64.ln()); // ln(1 + 10)
    close(get(&f, "events_sum12"), 5f64.ln()); // 4 events
    close(get(&f, "decay_last_event"), 1.0); // event in the origin month
    close(get(&f, "decay6_last_event"), 1.0);
    close(get(&f, "country_decay6_last_event"), 1.0);
    close(get(&f, "os_events_sum12"), 2f64.ln());
    close(get(&f, "actors12"), 5f64.ln()); // JNIM, MNLA, ISGS, Government of Mali
    close(get(&f, "mine_distance"), 0.0); // the site is at A's centre
    close(get(&f, "wgi_missing"), 1.0);
    // B at origin 2: its neighbour A had 5 deaths in month 1, its last event 1 month before.
    src.features(1, 2, &mut f);
    close(get(&f, "y_sum12"), 0.0);
    close(get(&f, "ring1_sum12"), 6f64.ln());
    close(get(&f, "ring1_decay_last_event"), 0.5f64.powf(1.0 / 12.0));
    close(get(&f, "ring1_decay6_last_event"), 0.5f64.powf(1.0 / 6.0));
    close(get(&f, "decay6_last_event"), 0.0);
    close(get(&f, "decay_last_event"), 0.0);
    // Country: 5 deaths by month 2 over both cells.
    close(get(&f, "country_sum12"), 6f64.ln());
    close(get(&f, "country_decay6_last_event"), 0.5f64.powf(1.0 / 6.0));
    // A at origin 2: its last event 1 month before; half-lives 12 and 6 months.
    src.features(0, 2, &mut f);
    close(get(&f, "decay_last_event"), 0.5f64.powf(1.0 / 12.0));
    close(get(&f, "decay6_last_event"), 0.5f64.powf(1.0 / 6.0));
    // Breakout features (round 3). B at origin 2: A (ring 1) had 0 deaths in month 2 and 5 in
    // month 1; no ring 2; the nearest cell with deaths in the last 3 / 12 months is A, one
    // cell away; B never had deaths (cap 36).
    src.features(1, 2, &mut f);
    close(get(&f, "ring1_sum1"), 0.0);
    close(get(&f, "ring1_sum3"), 6f64.ln());
    close(get(&f, "ring2_sum3"), 0.0);
    close(get(&f, "death_distance3"), 2f64.ln());
    close(get(&f, "death_distance12"), 2f64.ln());
    close(get(&f, "months_since_death"), 36.0);
    // Country trend at origin 2: 5 deaths in the last 3 months (mean 5/3), none before.
    close(get(&f, "country_trend"), (1.0f64 + 5.0 / 3.0).ln());
    // A at origin 2: deaths in its own cell 1 month before (distance 0).
    src.features(0, 2, &mut f);
    close(get(&f, "death_distance3"), 0.0);
    close(get(&f, "months_since_death"), 1.0);
    // At origin 0 nobody had deaths: distance at the cap (20 cells).
    src.features(1, 0, &mut f);
    close(get(&f, "death_distance12"), 21f64.ln());
    // A at origin 5: months 3–5 hold 3 + 2 deaths (mean 5/3), months 0–2 hold 5 (mean 5/3):
    // no trend. Deaths in the origin month: 0 months since. B: ring-1 deaths of the origin
    // month (2) and of the last 3 months (5); A's last deaths (month 5) are 1 cell away and
    // within the last 3 months.
    src.features(0, 5, &mut f);
    close(get(&f, "country_trend"), 0.0);
    close(get(&f, "months_since_death"), 0.0);
    src.features(1, 5, &mut f);
    close(get(&f, "ring1_sum1"), 3f64.ln());
    close(get(&f, "ring1_sum3"), 6f64.ln());
    close(get(&f, "death_distance3"), 2f64.ln());
    close(get(&f, "ring2_sum1"), 0.0);
}

#[test]
fn features_never_read_after_the_origin() {
    // Deleting every event after the origin leaves the features at the origin unchanged.
    let all = crafted_panel(&crafted_events());
    for origin in 0..6 {
        let before: Vec<Event> = crafted_events()
            .into_iter()
            .filter(|e| Month::of_date(e.date_start).0 <= Month::new(2000, 1).0 + origin as i32)
            .collect();
        let cut = crafted_panel(&before);
        let a = FeatureSource::new(&all, Target::All, &[], &[], FeatureParams::default());
        let b = FeatureSource::new(&cut, Target::All, &[], &[], FeatureParams::default());
        for u in 0..2 {
            let (mut fa, mut fb) = ([0.0; N_FEATURES], [0.0; N_FEATURES]);
            a.features(u, origin, &mut fa);
            b.features(u, origin, &mut fb);
            assert_eq!(fa, fb, "unit {u} origin {origin}");
        }
    }
}

#[test]
fn baselines_by_hand() {
    let p = crafted_panel(&crafted_events());
    let s = p.series(Target::All, 0);
    let f = [0.0; N_FEATURES];
    let mut out = Vec::new();
    let run = |spec: &ModelSpec, t: usize, out: &mut Vec<f64>| {
        draw(&Fitted::Baseline(spec), s, &f, t, 1, 1000, 7, out);
    };
    run(&ModelSpec::Zero, 5, &mut out);
    assert_eq!(out, [0.0]);
    run(&ModelSpec::Last, 5, &mut out);
    assert_eq!(out, [2.0]);
    run(&ModelSpec::Last, 4, &mut out);
    assert_eq!(out, [0.0]);
    // Mean of the last 12 months: only 6 exist, (0+5+0+3+0+2)/6.
    run(&ModelSpec::RollingMean { window: 12 }, 5, &mut out);
    assert_eq!(out, [10.0 / 6.0]);
    run(&ModelSpec::RollingMean { window: 2 }, 3, &mut out);
    assert_eq!(out, [1.5]);
    // Conflictology over 2 months at t = 3: atoms {0, 3}, half each.
    run(&ModelSpec::Conflictology { window: 2 }, 3, &mut out);
    assert_eq!(out.len(), 1000);
    assert!(out.windows(2).all(|w| w[0] <= w[1]));
    assert!(out.iter().all(|&v| v == 0.0 || v == 3.0));
    let threes = out.iter().filter(|&&v| v == 3.0).count() as f64;
    // Binomial(1000, 0.5): SD ≈ 15.8; 5 SD.
    assert!((threes - 500.0).abs() < 80.0, "{threes}");
    // Conflictology 12 at t = 5: atoms 0,5,0,3,0,2 → P(0) = 1/2, P(5) = P(3) = P(2) = 1/6.
    run(&ModelSpec::Conflictology { window: 12 }, 5, &mut out);
    let zeros = out.iter().filter(|&&v| v == 0.0).count() as f64;
    assert!((zeros - 500.0).abs() < 80.0);
    // Unit B never saw violence: one value standing for 1,000 zeros.
    draw(
        &Fitted::Baseline(&ModelSpec::Conflictology { window: 12 }),
        p.series(Target::All, 1),
        &f,
        5,
        1,
        1000,
        7,
        &mut out,
    );
    assert_eq!(out, [0.0]);
}

#[test]
fn streams_are_distinct_and_deterministic() {
    let a = stream_seed(1, 5, 300, 3, 17);
    assert_eq!(a, stream_seed(1, 5, 300, 3, 17));
    let others = [
        stream_seed(2, 5, 300, 3, 17),
        stream_seed(1, 4, 300, 3, 17),
        stream_seed(1, 5, 301, 3, 17),
        stream_seed(1, 5, 300, 4, 17),
        stream_seed(1, 5, 300, 3, 18),
    ];
    assert!(others.iter().all(|&o| o != a));
}

#[test]
fn month_labels_round_trip() {
    let m = Month::parse("2019-12").unwrap();
    assert_eq!((m.year(), m.month()), (2019, 12));
    assert_eq!(m.plus(1).to_string(), "2020-01");
    assert!(Month::parse("2019-13").is_err());
    assert!(Month::parse("19-1").is_err());
}
