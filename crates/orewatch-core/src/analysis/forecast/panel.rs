//! Panels: monthly fatalities per unit (PRIO-GRID cell or country) for a set of countries,
//! zero-filled — the data every forecast model and baseline reads.
//!
//! Cells: every PRIO-GRID cell whose centre lies inside one of the countries' Natural Earth
//! admin-0 polygons (level-0 regions of the store), plus every cell holding one of their
//! events (border cells, simplified borders). Countries: one unit per country. An event
//! belongs to the panel when its source is the chosen one, its country (GED spelling, mapped to
//! ISO3) is one of the countries and its start month lies in the panel's months; it counts in
//! the month of its start date. Units: fatalities are counts of people (GED `best`), months are
//! calendar months. Events left out (other months, unusable coordinates) are counted in
//! [`PanelCounts`], never dropped silently.
//!
//! Targets: all violence (default) and each UCDP type: state-based (sb), non-state (ns),
//! one-sided (os).

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use geo::{BoundingRect, Contains};
use geo_types::Point;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::grid::GridCell;
use crate::analysis::admin::event_country_iso3;
use crate::analysis::AnalysisError;
use crate::model::{Event, EventSource, Region, ViolenceType};

/// A calendar month as a count of months since year 0 (`year · 12 + month − 1`); written and
/// read as `YYYY-MM` in JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month(pub i32);

impl Serialize for Month {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Month {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Month, D::Error> {
        let text = String::deserialize(deserializer)?;
        Month::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl Month {
    pub const fn new(year: i32, month: u32) -> Month {
        Month(year * 12 + month as i32 - 1)
    }
    pub fn year(self) -> i32 {
        self.0.div_euclid(12)
    }
    /// 1 ..= 12.
    pub fn month(self) -> u32 {
        self.0.rem_euclid(12) as u32 + 1
    }
    pub fn of_date(date: chrono::NaiveDate) -> Month {
        use chrono::Datelike;
        Month::new(date.year(), date.month())
    }
    /// `YYYY-MM`.
    pub fn parse(text: &str) -> Result<Month, AnalysisError> {
        let t = text.trim();
        let bad = || AnalysisError::bad("month", t, "a month as YYYY-MM");
        let (y, m) = t.split_once('-').ok_or_else(bad)?;
        let year: i32 = y.parse().map_err(|_| bad())?;
        let month: u32 = m.parse().map_err(|_| bad())?;
        if y.len() != 4 || !(1..=12).contains(&month) {
            return Err(bad());
        }
        Ok(Month::new(year, month))
    }
    pub fn plus(self, months: i32) -> Month {
        Month(self.0 + months)
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year(), self.month())
    }
}

/// What is forecast: fatalities of all organised violence or of one UCDP type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Target {
    All,
    Sb,
    Ns,
    Os,
}

impl Target {
    pub const ALL: [Target; 4] = [Target::All, Target::Sb, Target::Ns, Target::Os];

    pub fn parse(text: &str) -> Result<Target, AnalysisError> {
        match text.trim().to_ascii_lowercase().as_str() {
            "all" => Ok(Target::All),
            "sb" | "state-based" => Ok(Target::Sb),
            "ns" | "non-state" => Ok(Target::Ns),
            "os" | "one-sided" => Ok(Target::Os),
            other => Err(AnalysisError::bad(
                "target",
                other,
                "all, sb (state-based), ns (non-state) or os (one-sided)",
            )),
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Target::All => "all",
            Target::Sb => "sb",
            Target::Ns => "ns",
            Target::Os => "os",
        }
    }
    fn index(self) -> usize {
        self as usize
    }
    fn of(v: Option<ViolenceType>) -> Option<Target> {
        match v? {
            ViolenceType::StateBased => Some(Target::Sb),
            ViolenceType::NonState => Some(Target::Ns),
            ViolenceType::OneSided => Some(Target::Os),
        }
    }
}

/// Spatial unit of a panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// PRIO-GRID cell-month.
    Cell,
    /// Country-month.
    Country,
}

/// One unit of a panel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unit {
    /// PRIO-GRID gid for cells; the position of the country in the panel's list for countries.
    pub id: u32,
    /// The gid as text, or the country's ISO3 code.
    pub label: String,
    /// Cell centre (or, for a country, the mean of its cell centres), degrees.
    pub lat: f64,
    pub lon: f64,
    /// ISO3 of the country holding the centre (cells whose centre lies in none of the panel's
    /// countries: the country of their first event).
    pub country: String,
    /// False for cells added only because they hold an event.
    pub centre_in_country: bool,
}

/// Where the panel's events went.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PanelCounts {
    /// Events of the source in the chosen countries.
    pub events_in_countries: usize,
    /// Of those, counted in the panel.
    pub events_used: usize,
    /// Left out: start month outside the panel's months.
    pub events_outside_months: usize,
    /// Left out: coordinates outside the globe or missing.
    pub events_bad_coordinates: usize,
    /// Cells added because they hold an event but their centre lies outside the countries.
    pub cells_from_events_only: usize,
}

/// Monthly fatalities, events and actors per unit. Arrays are unit-major:
/// value of unit `u` in month index `m` (0 = `first_month`) is at `u · n_months + m`.
#[derive(Debug, Clone)]
pub struct Panel {
    pub level: Level,
    pub source: EventSource,
    pub countries: Vec<String>,
    pub units: Vec<Unit>,
    pub first_month: Month,
    pub n_months: usize,
    /// Fatalities (best), by target ([`Target::ALL`] order).
    pub fatalities: [Vec<u32>; 4],
    /// Event counts, by target.
    pub events: [Vec<u32>; 4],
    /// Each unit's (month index, actor key) pairs, one per actor per event, sorted; actor keys
    /// are the event's side names interned (civilians are never a side in GED).
    pub actors: Vec<Vec<(u32, u32)>>,
    /// Units at Chebyshev ring 1 and ring 2 (cells only; empty for countries).
    pub ring1: Vec<Vec<u32>>,
    pub ring2: Vec<Vec<u32>>,
    pub counts: PanelCounts,
}

impl Panel {
    pub fn last_month(&self) -> Month {
        self.first_month.plus(self.n_months as i32 - 1)
    }
    /// Month index of `month`, if inside the panel.
    pub fn month_index(&self, month: Month) -> Option<usize> {
        let i = month.0 - self.first_month.0;
        (i >= 0 && (i as usize) < self.n_months).then_some(i as usize)
    }
    pub fn month_at(&self, index: usize) -> Month {
        self.first_month.plus(index as i32)
    }
    /// The target series of unit `u` (one value per month).
    pub fn series(&self, target: Target, u: usize) -> &[u32] {
        &self.fatalities[target.index()][u * self.n_months..(u + 1) * self.n_months]
    }
    /// The event-count series of unit `u`.
    pub fn event_series(&self, target: Target, u: usize) -> &[u32] {
        &self.events[target.index()][u * self.n_months..(u + 1) * self.n_months]
    }
    /// The first month index at which unit `u` is observed: 0 for cells whose centre lies in
    /// a country (and for countries); for cells added because they hold an event, the month
    /// of their first event (`usize::MAX` if none). Models train only on observed
    /// unit-months, so a cell that enters the panel through a later event cannot change a fit
    /// made before it.
    pub fn first_observed(&self, u: usize) -> usize {
        if self.units[u].centre_in_country {
            0
        } else {
            self.event_series(Target::All, u)
                .iter()
                .position(|&v| v > 0)
                .unwrap_or(usize::MAX)
        }
    }

    pub fn unit_index_of_gid(&self, gid: u32) -> Option<usize> {
        if self.level != Level::Cell {
            return None;
        }
        self.units.binary_search_by_key(&gid, |u| u.id).ok()
    }
}

/// Builds a panel of `level` units for `countries` (ISO3) over `first ..= last` months from
/// the events of `source`. Cell panels need each country's admin-0 polygon in `regions`.
pub fn build(
    level: Level,
    countries: &[String],
    events: &[Event],
    regions: &[Region],
    source: EventSource,
    first: Month,
    last: Month,
) -> Result<Panel, AnalysisError> {
    if countries.is_empty() {
        return Err(AnalysisError::bad(
            "countries",
            "",
            "at least one ISO3 country code",
        ));
    }
    if last < first {
        return Err(AnalysisError::bad(
            "months",
            format!("{first} to {last}"),
            "a first month no later than the last",
        ));
    }
    let countries: Vec<String> = countries.iter().map(|c| c.trim().to_uppercase()).collect();
    let n_months = (last.0 - first.0 + 1) as usize;
    let mut counts = PanelCounts::default();

    // The panel's events with their cell.
    let mut chosen: Vec<(&Event, &str, GridCell, usize)> = Vec::new();
    for e in events.iter().filter(|e| e.source == source) {
        let Some(iso) = event_country_iso3(&e.country) else {
            continue;
        };
        let Some(country) = countries.iter().find(|c| c.as_str() == iso) else {
            continue;
        };
        counts.events_in_countries += 1;
        let Some(cell) = GridCell::of(e.lat, e.lon) else {
            counts.events_bad_coordinates += 1;
            continue;
        };
        let m = Month::of_date(e.date_start).0 - first.0;
        if m < 0 || m as usize >= n_months {
            counts.events_outside_months += 1;
            continue;
        }
        counts.events_used += 1;
        chosen.push((e, country.as_str(), cell, m as usize));
    }

    let units: Vec<Unit> = match level {
        Level::Cell => {
            let mut cells = cells_in_countries(&countries, regions)?;
            for &(_, country, cell, _) in &chosen {
                cells.entry(cell.gid()).or_insert_with(|| {
                    counts.cells_from_events_only += 1;
                    (country.to_string(), false)
                });
            }
            cells
                .into_iter()
                .map(|(gid, (country, inside))| {
                    let c = GridCell::from_gid(gid).expect("gid built from a cell");
                    Unit {
                        id: gid,
                        label: gid.to_string(),
                        lat: c.centre_lat(),
                        lon: c.centre_lon(),
                        country,
                        centre_in_country: inside,
                    }
                })
                .collect()
        }
        Level::Country => countries
            .iter()
            .enumerate()
            .map(|(i, iso)| Unit {
                id: i as u32,
                label: iso.clone(),
                lat: f64::NAN,
                lon: f64::NAN,
                country: iso.clone(),
                centre_in_country: true,
            })
            .collect(),
    };

    let unit_of = |country: &str, cell: GridCell| -> usize {
        match level {
            Level::Cell => units
                .binary_search_by_key(&cell.gid(), |u| u.id)
                .expect("every event cell is a unit"),
            Level::Country => countries
                .iter()
                .position(|c| c == country)
                .expect("event country is a panel country"),
        }
    };
    let n = units.len() * n_months;
    let mut fatalities: [Vec<u32>; 4] = std::array::from_fn(|_| vec![0u32; n]);
    let mut event_counts: [Vec<u32>; 4] = std::array::from_fn(|_| vec![0u32; n]);
    let mut actors: Vec<Vec<(u32, u32)>> = vec![Vec::new(); units.len()];
    let mut actor_keys: HashMap<&str, u32> = HashMap::new();
    for &(e, country, cell, m) in &chosen {
        let u = unit_of(country, cell);
        let i = u * n_months + m;
        fatalities[0][i] += e.fatalities_best;
        event_counts[0][i] += 1;
        if let Some(t) = Target::of(e.violence_type) {
            fatalities[t.index()][i] += e.fatalities_best;
            event_counts[t.index()][i] += 1;
        }
        for side in std::iter::once(e.side_a.as_str()).chain(e.side_b.as_deref()) {
            let side = side.trim();
            if side.is_empty() {
                continue;
            }
            let next = actor_keys.len() as u32;
            let key = *actor_keys.entry(side).or_insert(next);
            actors[u].push((m as u32, key));
        }
    }
    for a in &mut actors {
        a.sort_unstable();
        a.dedup();
    }

    let (ring1, ring2) = match level {
        Level::Cell => {
            let index: HashMap<u32, u32> = units
                .iter()
                .enumerate()
                .map(|(i, u)| (u.id, i as u32))
                .collect();
            let ring = |r: u32| -> Vec<Vec<u32>> {
                units
                    .iter()
                    .map(|u| {
                        let cell = GridCell::from_gid(u.id).expect("unit gid");
                        cell.ring(r)
                            .into_iter()
                            .filter_map(|c| index.get(&c.gid()).copied())
                            .collect()
                    })
                    .collect()
            };
            (ring(1), ring(2))
        }
        Level::Country => (vec![Vec::new(); units.len()], vec![Vec::new(); units.len()]),
    };

    let mut units = units;
    if level == Level::Country {
        // Country "centre": mean of the centres of its cells (for maps only).
        if let Ok(cells) = cells_in_countries(&countries, regions) {
            for u in &mut units {
                let mine: Vec<GridCell> = cells
                    .iter()
                    .filter(|(_, (c, _))| *c == u.country)
                    .filter_map(|(g, _)| GridCell::from_gid(*g))
                    .collect();
                if !mine.is_empty() {
                    u.lat = mine.iter().map(|c| c.centre_lat()).sum::<f64>() / mine.len() as f64;
                    u.lon = mine.iter().map(|c| c.centre_lon()).sum::<f64>() / mine.len() as f64;
                }
            }
        }
    }

    Ok(Panel {
        level,
        source,
        countries,
        units,
        first_month: first,
        n_months,
        fatalities,
        events: event_counts,
        actors,
        ring1,
        ring2,
        counts,
    })
}

/// gid → (country ISO3, true) for every cell whose centre lies in one of the countries'
/// admin-0 polygons. A country without an admin-0 polygon in the store is an error.
fn cells_in_countries(
    countries: &[String],
    regions: &[Region],
) -> Result<BTreeMap<u32, (String, bool)>, AnalysisError> {
    let mut cells = BTreeMap::new();
    for iso in countries {
        let polygons: Vec<&Region> = regions
            .iter()
            .filter(|r| r.level == 0 && r.country_iso3.as_deref() == Some(iso.as_str()))
            .collect();
        if polygons.is_empty() {
            return Err(AnalysisError::Data(format!(
                "no admin-0 boundary for {iso} in the store: ingest a Natural Earth admin-0 \
                 file holding it (the default data covers West Africa), or check the code"
            )));
        }
        for region in polygons {
            let Some(bbox) = region.geometry.bounding_rect() else {
                continue;
            };
            let (Some(lo), Some(hi)) = (
                GridCell::of(bbox.min().y, bbox.min().x),
                GridCell::of(bbox.max().y, bbox.max().x),
            ) else {
                continue;
            };
            for row in lo.row..=hi.row {
                for col in lo.col..=hi.col {
                    let cell = GridCell { row, col };
                    let centre = Point::new(cell.centre_lon(), cell.centre_lat());
                    if region.geometry.contains(&centre) {
                        cells
                            .entry(cell.gid())
                            .or_insert_with(|| (iso.clone(), true));
                    }
                }
            }
        }
    }
    Ok(cells)
}

/// The (lat, lon) of the sites the distance feature measures to: mines and plants
/// (USGS facilities and the hand-tabulated sites) with coordinates; deposits and exploration
/// prospects are not mines.
pub fn mine_points(sites: &[crate::model::Site]) -> Vec<(f64, f64)> {
    use crate::model::SiteKind;
    sites
        .iter()
        .filter(|s| matches!(s.kind, SiteKind::Facility | SiteKind::Tabulated))
        .filter_map(|s| Some((s.lat?, s.lon?)))
        .collect()
}

/// The panel's months for a source's stated coverage: from its first month to its last
/// complete month (a coverage ending mid-month stops at the month before).
pub fn months_of_coverage(start: chrono::NaiveDate, end: chrono::NaiveDate) -> (Month, Month) {
    let last = if crate::analysis::events::month_end(end) == end {
        Month::of_date(end)
    } else {
        Month::of_date(end).plus(-1)
    };
    (Month::of_date(start), last)
}
