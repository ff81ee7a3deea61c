//! CAHRA screening per country-year: does a country hold conflict-affected or high-risk
//! places in a year? The unit the world's production figures come in (country × year), so
//! that supply can be weighed by the screening ([`crate::analysis::supply::cahra_exposure`]).
//!
//! Two bases, stated in every row ([`CountryBasis`]):
//! - **admin-1** — the country has admin-1 regions in the dataset (the shipped data: West
//!   Africa): each region is screened exactly as by [`crate::analysis::cahra::screen`] (same
//!   rules, same placement, same evidence), and the country takes the highest verdict among
//!   them: conflict-affected if any region is, else high-risk if any region is, else
//!   insufficient data if any region's data is insufficient, else neither. The flagged regions
//!   and their share of the country's area are listed: a country flagged for one region of
//!   many is not a country at war, and the row says so.
//! - **country** — no admin-1 regions are loaded for it, but its admin-0 polygon is (the
//!   shipped world map, Natural Earth 1:110m): the country is screened as ONE unit with the
//!   same rules, its events being those the source itself attributes to it (GED `country`,
//!   mapped to ISO3; the 1:110m borders would misplace events along them — Ciudad Juárez
//!   falls in the United States on that map) that no admin-1 region holds; the polygon gives
//!   the area. Every such event counts as precise (the country is known whatever the
//!   location precision). The absolute thresholds (25 deaths a year) then read as UCDP's
//!   country-year threshold; the density variants, calibrated on West Africa's median admin-1
//!   area, rarely fire on a whole country. Coarser than admin-1: a country-wide flag for
//!   violence in one province.
//!
//!   Only countries the source reports on — at least one event attributed to them in any
//!   year — are screened this way: a file without a single event in a country (a regional
//!   extract, or a country at peace throughout) cannot tell which it is.
//!
//! Countries with neither basis are absent: the supply side reports their production as "not
//! screened", never as "neither".
//!
//! Units: fatalities are the source's best estimates; areas km² (geodesic, WGS84). Pure: no I/O.
//!
//! What it does NOT do: weigh regions by where a mineral is produced (production is per
//! country), population, or any criterion beyond the event rules of `config/cahra.toml`.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::admin::{event_country_iso3, geodesic_area_km2, AdminIndex};
use super::cahra::{
    events_for_years, screen_regions_in, screen_units_in, validate_years, CahraRules,
    EventPlacement, RuleCheck, Tally, UnitYear, Verdict,
};
use super::coverage::EventCoverage;
use super::events::{EventFilter, SourceCoverage};
use super::AnalysisError;
use crate::model::{Dataset, Event, EventSource, Region};

/// How a country's verdict was reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CountryBasis {
    /// The highest verdict among its admin-1 regions.
    Admin1,
    /// The country screened as one unit (no admin-1 regions loaded).
    Country,
}

impl CountryBasis {
    pub fn as_str(self) -> &'static str {
        match self {
            CountryBasis::Admin1 => "admin-1 regions",
            CountryBasis::Country => "whole country",
        }
    }
}

/// One country in one year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CountryVerdict {
    pub country_iso3: String,
    pub country_name: String,
    pub year: i32,
    pub verdict: Verdict,
    pub basis: CountryBasis,
    /// Units screened: its admin-1 regions, or 1 for the whole country.
    pub units: usize,
    /// Names of the units that are conflict-affected or high-risk.
    pub flagged_units: Vec<String>,
    /// Units whose data is insufficient.
    pub insufficient_units: usize,
    /// Flagged units' area / all units' area (0–1).
    pub flagged_area_share: f64,
    /// The year's precise events of all its units together.
    pub counts: Tally,
    /// The checks that fired in the flagged units (scope names the unit).
    pub fired: Vec<RuleCheck>,
}

/// The country screening and the parameters it ran with.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CountryScreening {
    pub source: EventSource,
    pub coverage: SourceCoverage,
    pub rules: CahraRules,
    pub years: Vec<i32>,
    /// Events placed in admin-1 regions.
    pub placement_admin1: EventPlacement,
    /// Events placed in whole countries.
    pub placement_country: EventPlacement,
    /// Sorted by (country_iso3, year).
    pub countries: Vec<CountryVerdict>,
}

impl CountryScreening {
    /// country ISO3 → verdict, for one year.
    pub fn verdicts(&self, year: i32) -> BTreeMap<&str, Verdict> {
        self.countries
            .iter()
            .filter(|c| c.year == year)
            .map(|c| (c.country_iso3.as_str(), c.verdict))
            .collect()
    }
}

/// Screens every country of `dataset` that has admin-1 regions or an admin-0 polygon, in each
/// of `years`, with events of the ONE source `filter` chooses and that source's `coverage`.
pub fn screen_countries(
    dataset: &Dataset,
    filter: &EventFilter,
    coverage: &SourceCoverage,
    rules: &CahraRules,
    years: &[i32],
) -> Result<CountryScreening, AnalysisError> {
    screen_countries_in(dataset, filter, coverage, None, rules, years)
}

/// Like [`screen_countries`], each country-year also checked against the country's own
/// coverage in `table` (rule (a′) of [`crate::analysis::cahra`]): a year the country's events
/// do not cover entirely is insufficient data unless a rule fires on the events held — never
/// "neither" because its data stop earlier than the source's (Niger's to 2019 in a store whose
/// GED reaches 2022 for Mali).
pub fn screen_countries_with_coverage(
    dataset: &Dataset,
    filter: &EventFilter,
    coverage: &SourceCoverage,
    table: &EventCoverage,
    rules: &CahraRules,
    years: &[i32],
) -> Result<CountryScreening, AnalysisError> {
    screen_countries_in(dataset, filter, coverage, Some(table), rules, years)
}

fn screen_countries_in(
    dataset: &Dataset,
    filter: &EventFilter,
    coverage: &SourceCoverage,
    table: Option<&EventCoverage>,
    rules: &CahraRules,
    years: &[i32],
) -> Result<CountryScreening, AnalysisError> {
    let years = validate_years(filter, coverage, years)?;
    let events = events_for_years(dataset, filter, &years, rules);

    let admin1 = AdminIndex::with_snap_km(&dataset.regions, rules.assignment.snap_km)?;
    let with_admin1: BTreeSet<&str> = admin1
        .regions()
        .iter()
        .filter_map(|r| r.country_iso3.as_deref())
        .collect();
    // The countries the source reports on: at least one of its events, any year, attributed
    // to them. A country without any may be peaceful or outside the file's reach (the West
    // Africa extract says nothing about Peru): not screened, never "neither".
    let reported: BTreeSet<&str> = dataset
        .events
        .iter()
        .filter(|e| e.source == filter.source)
        .filter_map(|e| event_country_iso3(&e.country))
        .collect();
    // One admin-0 polygon per remaining country (the lowest region_id when a country has
    // several, e.g. from two map scales).
    let mut whole: BTreeMap<&str, &Region> = BTreeMap::new();
    for r in dataset.regions.iter().filter(|r| r.level == 0) {
        let Some(iso3) = r.country_iso3.as_deref() else {
            continue;
        };
        if with_admin1.contains(iso3) || !reported.contains(iso3) {
            continue;
        }
        let slot = whole.entry(iso3).or_insert(r);
        if r.region_id < slot.region_id {
            *slot = r;
        }
    }
    let admin1_screening = screen_regions_in(&admin1, &events, rules, coverage, &years, table);
    let admin1_results = &admin1_screening.results;

    // Whole countries: events not placed in an admin-1 region, by the source's own country
    // attribution (the 1:110m borders would misplace events along them: Ciudad Juárez falls
    // in the United States on that map). The polygon gives the area.
    let country_units: Vec<(&str, &Region)> = whole.into_iter().collect();
    let unit_index: BTreeMap<&str, u32> = country_units
        .iter()
        .enumerate()
        .map(|(i, (iso3, _))| (*iso3, i as u32))
        .collect();
    let rest: Vec<&Event> = events
        .iter()
        .zip(&admin1_screening.region_of)
        .filter(|(_, r)| r.is_none())
        .map(|(e, _)| *e)
        .collect();
    let unit_of: Vec<Option<u32>> = rest
        .iter()
        .map(|e| event_country_iso3(&e.country).and_then(|c| unit_index.get(c).copied()))
        .collect();
    let not_imprecise = vec![false; rest.len()];
    let placed = unit_of.iter().filter(|u| u.is_some()).count();
    let placement_country = EventPlacement {
        events: rest.len(),
        inside: placed,
        snapped: 0,
        outside: rest.len() - placed,
        no_coordinates: 0,
        imprecise: 0,
    };
    let units: Vec<(String, f64)> = country_units
        .iter()
        .map(|(iso3, r)| (format!("country {iso3}"), geodesic_area_km2(r)))
        .collect();
    let unit_countries: Vec<Vec<String>> = country_units
        .iter()
        .map(|(iso3, _)| vec![iso3.to_string()])
        .collect();
    let country_results = screen_units_in(
        &units,
        &rest,
        &unit_of,
        &not_imprecise,
        rules,
        coverage,
        &years,
        table.map(|t| (t, unit_countries.as_slice())),
    );

    // Group admin-1 results by country.
    let mut by_country: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, r) in admin1.regions().iter().enumerate() {
        if let Some(iso3) = r.country_iso3.as_deref() {
            by_country.entry(iso3).or_default().push(i);
        }
    }
    let mut countries = Vec::new();
    for (iso3, members) in &by_country {
        let name = admin1.regions()[members[0]]
            .country_name
            .clone()
            .unwrap_or_else(|| iso3.to_string());
        for &year in &years {
            let units: Vec<(String, f64, &UnitYear)> = members
                .iter()
                .filter_map(|&i| {
                    admin1_results[i].get(&year).map(|u| {
                        (
                            admin1.regions()[i].name.clone(),
                            admin1.area_km2(i as u32),
                            u,
                        )
                    })
                })
                .collect();
            countries.push(combine(iso3, &name, year, CountryBasis::Admin1, &units));
        }
    }
    for (i, (iso3, r)) in country_units.iter().enumerate() {
        let name = r.country_name.clone().unwrap_or_else(|| r.name.clone());
        for &year in &years {
            let units: Vec<_> = country_results[i]
                .get(&year)
                .map(|u| (name.clone(), units[i].1, u))
                .into_iter()
                .collect();
            countries.push(combine(iso3, &name, year, CountryBasis::Country, &units));
        }
    }
    countries.sort_by(|a, b| (&a.country_iso3, a.year).cmp(&(&b.country_iso3, b.year)));
    Ok(CountryScreening {
        source: filter.source,
        coverage: coverage.clone(),
        rules: rules.clone(),
        years,
        placement_admin1: admin1_screening.placement,
        placement_country,
        countries,
    })
}

/// A country's verdict from its units' (name, area km², result): the highest decided verdict
/// that is a flag, else insufficient data if any unit's is, else neither.
pub fn combine(
    iso3: &str,
    name: &str,
    year: i32,
    basis: CountryBasis,
    units: &[(String, f64, &UnitYear)],
) -> CountryVerdict {
    let flagged: Vec<&(String, f64, &UnitYear)> = units
        .iter()
        .filter(|(_, _, u)| matches!(u.verdict, Verdict::ConflictAffected | Verdict::HighRisk))
        .collect();
    let insufficient_units = units
        .iter()
        .filter(|(_, _, u)| u.verdict == Verdict::InsufficientData)
        .count();
    let verdict = if flagged
        .iter()
        .any(|(_, _, u)| u.verdict == Verdict::ConflictAffected)
    {
        Verdict::ConflictAffected
    } else if !flagged.is_empty() {
        Verdict::HighRisk
    } else if insufficient_units > 0 || units.is_empty() {
        Verdict::InsufficientData
    } else {
        Verdict::Neither
    };
    let area: f64 = units.iter().map(|(_, a, _)| a).sum();
    let flagged_area: f64 = flagged.iter().map(|(_, a, _)| a).sum();
    CountryVerdict {
        country_iso3: iso3.to_string(),
        country_name: name.to_string(),
        year,
        verdict,
        basis,
        units: units.len(),
        flagged_units: flagged.iter().map(|(n, _, _)| n.clone()).collect(),
        insufficient_units,
        flagged_area_share: if area > 0.0 { flagged_area / area } else { 0.0 },
        counts: units
            .iter()
            .fold(Tally::default(), |t, (_, _, u)| t.plus(&u.counts)),
        fired: flagged
            .iter()
            .flat_map(|(_, _, u)| u.fired().cloned())
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::cahra::tests::{coverage, d};
    use crate::model::{Event, ViolenceType};
    use geo_types::{polygon, MultiPolygon};

    fn region(id: &str, level: u8, iso3: &str, x0: f64, x1: f64) -> Region {
        Region {
            region_id: id.into(),
            level,
            name: format!("Region {id}"),
            country_iso3: Some(iso3.into()),
            country_name: Some(format!("Country {iso3}")),
            iso_3166_2: None,
            geometry: MultiPolygon(vec![
                polygon![(x: x0, y: 0.0), (x: x1, y: 0.0), (x: x1, y: 2.0), (x: x0, y: 2.0)],
            ]),
            source: "test".into(),
            extra: Default::default(),
        }
    }

    fn event(id: u32, v: ViolenceType, deaths: u32, lon: f64, country: &str) -> Event {
        Event {
            source: EventSource::UcdpGed,
            event_id: id.to_string(),
            release: None,
            date_start: d(2010, 6, 1),
            date_end: None,
            date_precision: None,
            country: country.into(),
            admin1: None,
            admin2: None,
            lat: 1.0,
            lon,
            location_precision: None,
            violence_type: Some(v),
            event_type: None,
            sub_event_type: None,
            conflict_name: None,
            side_a: "A".into(),
            side_b: None,
            side_a_associates: Vec::new(),
            side_b_associates: Vec::new(),
            fatalities_low: None,
            fatalities_best: deaths,
            fatalities_high: None,
            civilian_targeting: v == ViolenceType::OneSided,
            flags: Vec::new(),
            extra: Default::default(),
        }
    }

    /// (Chile's one event, 2005, only makes the source report on Chile; it is outside every
    /// screened year and look-back window.) Bolivia (BOL): admin-0 only, no event ever: not
    /// screened.
    /// TST: admin-1 regions A = lon [0,2] (calm) and B = lon [4,6] (40 state-based deaths),
    /// plus an admin-0 polygon lon [0,6] that must be ignored (TST has admin-1 regions).
    /// Peru (PER): admin-0 only, lon [4,12] — overlapping B — with 20 + 15 = 35 one-sided
    /// deaths the source attributes to Peru (≥ 25: high-risk, not conflict-affected). The 40
    /// state-based deaths in B are attributed to Peru too, but B holds them: they count for
    /// TST only. Chile (CHL): admin-0 only, lon [20,22], no events (neither).
    fn crafted() -> Dataset {
        Dataset {
            regions: vec![
                region("A", 1, "TST", 0.0, 2.0),
                region("B", 1, "TST", 4.0, 6.0),
                region("TST0", 0, "TST", 0.0, 6.0),
                region("604", 0, "PER", 4.0, 12.0),
                region("152", 0, "CHL", 20.0, 22.0),
                region("068", 0, "BOL", 30.0, 32.0),
            ],
            events: vec![
                event(1, ViolenceType::StateBased, 40, 5.0, "Peru"),
                event(2, ViolenceType::OneSided, 20, 10.0, "Peru"),
                // Placed by the attribution, not the coordinates.
                event(3, ViolenceType::OneSided, 15, 21.0, "Peru"),
                event(4, ViolenceType::OneSided, 99, 30.0, "Atlantis"),
                Event {
                    date_start: d(2005, 3, 1),
                    ..event(5, ViolenceType::StateBased, 1, 21.0, "Chile")
                },
            ],
            ..Default::default()
        }
    }

    fn ged() -> EventFilter {
        EventFilter::all(EventSource::UcdpGed)
    }

    #[test]
    fn countries_by_admin1_regions_or_as_one_unit() {
        let ds = crafted();
        let s = screen_countries(
            &ds,
            &ged(),
            &coverage(),
            &CahraRules::default_rules(),
            &[2010, 2021],
        )
        .unwrap();
        let get = |iso3: &str, year: i32| {
            s.countries
                .iter()
                .find(|c| c.country_iso3 == iso3 && c.year == year)
                .unwrap()
        };
        let tst = get("TST", 2010);
        assert_eq!(tst.verdict, Verdict::ConflictAffected);
        assert_eq!(tst.basis, CountryBasis::Admin1);
        assert_eq!(tst.units, 2);
        assert_eq!(tst.flagged_units, vec!["Region B".to_string()]);
        // A and B are the same size (mirror images along the equator band): half the area.
        assert!((tst.flagged_area_share - 0.5).abs() < 1e-9);
        assert!(tst
            .fired
            .iter()
            .any(|c| c.rule == "armed_conflict.fatalities" && c.value == 40.0));

        let per = get("PER", 2010);
        assert_eq!(per.basis, CountryBasis::Country);
        assert_eq!(per.verdict, Verdict::HighRisk);
        let os = per
            .fired
            .iter()
            .find(|c| c.rule == "widespread_violence.one_sided_fatalities")
            .unwrap();
        assert_eq!(os.value, 35.0);
        assert!(!per
            .fired
            .iter()
            .any(|c| c.gives == Verdict::ConflictAffected));
        assert!((per.flagged_area_share - 1.0).abs() < 1e-12);

        let chl = get("CHL", 2010);
        assert_eq!((chl.verdict, chl.units), (Verdict::Neither, 1));
        assert!(chl.flagged_units.is_empty());

        // 2021 is outside the stated coverage: insufficient data everywhere, never neither.
        for iso3 in ["TST", "PER", "CHL"] {
            assert_eq!(get(iso3, 2021).verdict, Verdict::InsufficientData, "{iso3}");
        }
        assert_eq!(get("TST", 2021).insufficient_units, 2);
        // Three countries × two years; event 1 placed in admin-1, events 2 and 3 in Peru, 4 in
        // no country (unknown name).
        assert_eq!(s.countries.len(), 6);
        assert_eq!(s.placement_admin1.inside, 1);
        assert_eq!(s.placement_country.events, 3);
        assert_eq!(
            (s.placement_country.inside, s.placement_country.outside),
            (2, 1)
        );
        let v = s.verdicts(2010);
        assert_eq!(v.get("TST"), Some(&Verdict::ConflictAffected));
        assert_eq!(v.len(), 3);
        assert_eq!(v.get("BOL"), None);
    }

    /// The same store with a coverage table: TST's own file covers 2000–2019 and Peru's
    /// 2000–2009; Chile has no file of its own and no global file covers it. In 2010 TST keeps
    /// its conflict-affected verdict; Peru, uncovered, stays high-risk because the rule fires on
    /// the 35 one-sided deaths held (rule (a′)); Chile, uncovered and without events, becomes
    /// insufficient data — without the table it read as neither.
    #[test]
    fn countries_their_own_events_do_not_cover_are_insufficient_data() {
        use crate::analysis::coverage::{CountryCoverage, CoveredPeriod, EventCoverage, FileScope};
        use crate::analysis::events::CoverageBasis;
        let own = |iso3: &str, name: &str, end: i32| {
            let period = CoveredPeriod {
                file: format!("{name}_2000_{end}.csv"),
                start: d(2000, 1, 1),
                end: d(end, 12, 31),
                basis: CoverageBasis::FileName,
                scope: FileScope::Listed,
            };
            CountryCoverage {
                source: EventSource::UcdpGed,
                iso3: Some(iso3.into()),
                name: name.into(),
                start: period.start,
                end: period.end,
                gaps: Vec::new(),
                periods: vec![period],
            }
        };
        let table = EventCoverage {
            countries: vec![own("PER", "Peru", 2009), own("TST", "Testland", 2019)],
            global: Vec::new(),
        };
        let ds = crafted();
        let rules = CahraRules::default_rules();
        let s = screen_countries_with_coverage(&ds, &ged(), &coverage(), &table, &rules, &[2010])
            .unwrap();
        let v = s.verdicts(2010);
        assert_eq!(v.get("TST"), Some(&Verdict::ConflictAffected));
        assert_eq!(v.get("PER"), Some(&Verdict::HighRisk));
        assert_eq!(v.get("CHL"), Some(&Verdict::InsufficientData));
        let without = screen_countries(&ds, &ged(), &coverage(), &rules, &[2010]).unwrap();
        assert_eq!(without.verdicts(2010).get("CHL"), Some(&Verdict::Neither));
    }

    #[test]
    fn combining_units_flags_before_insufficient_before_neither() {
        let rules = CahraRules::default_rules();
        let cov = coverage();
        let calm = super::super::cahra::YearTallies::new();
        let neither = super::super::cahra::screen_unit_year(&rules, &cov, &calm, 1000.0, 2010, "u");
        let insufficient =
            super::super::cahra::screen_unit_year(&rules, &cov, &calm, 1000.0, 2021, "u");
        assert_eq!(neither.verdict, Verdict::Neither);
        assert_eq!(insufficient.verdict, Verdict::InsufficientData);
        let units = vec![
            ("n".to_string(), 1.0, &neither),
            ("i".to_string(), 3.0, &insufficient),
        ];
        let c = combine("TST", "Test", 2010, CountryBasis::Admin1, &units);
        assert_eq!(c.verdict, Verdict::InsufficientData);
        assert_eq!((c.insufficient_units, c.flagged_area_share), (1, 0.0));
        let c = combine("TST", "Test", 2010, CountryBasis::Admin1, &units[..1]);
        assert_eq!(c.verdict, Verdict::Neither);
        let c = combine("TST", "Test", 2010, CountryBasis::Country, &[]);
        assert_eq!(c.verdict, Verdict::InsufficientData);
    }
}
