//! CAHRA screening: is an admin-1 region (or a mine site) in a given year conflict-affected,
//! high-risk, neither, or is the data insufficient to say?
//!
//! What it answers: the OECD Due Diligence Guidance (3rd ed., 2016) and EU Regulation
//! 2017/821 art. 2(f) call "conflict-affected and high-risk areas" those with "the presence of
//! armed conflict, widespread violence or other risks of harm to people". The EU's indicative
//! list does not publish its rules; these rules are explicit, parameterised in a TOML file
//! (`config/cahra.toml`, embedded as [`DEFAULT_RULES_TOML`], every threshold cited there) and
//! every verdict carries the numbers and thresholds behind it, so it can be checked by hand.
//!
//! Inputs: the [`Dataset`] (level-1 regions, events, sites), an [`EventFilter`] (ONE source),
//! that source's [`SourceCoverage`], the [`CahraRules`], the calendar years to screen and a
//! site radius in km. Output: a serialisable [`CahraReport`] with one [`RegionVerdict`] per
//! (region, year) and one [`SiteVerdict`] per (site, year). Pure: no I/O.
//!
//! Per region-year, from the events the filter accepts, placed by [`AdminIndex`] (inside, or
//! snapped within `assignment.snap_km`) and dated by their start date: counts and best-estimate
//! fatalities by UCDP violence type, civilian-targeting events and fatalities, and rates per
//! 10,000 km² of the region's geodesic area. Events whose location code is coarser than the
//! `precision` limits are *imprecise*: they are tallied apart and never make a rule fire.
//!
//! Rules (thresholds in the TOML, all "at or above"):
//! - `armed_conflict.fatalities`: state-based + non-state fatalities ≥ `min_fatalities`;
//!   `armed_conflict.density`: the same per 10,000 km² ≥ `density_per_10k_km2` with at least
//!   `density_min_fatalities` → **conflict-affected**.
//! - `widespread_violence.one_sided_fatalities`, `.one_sided_density` (same shape, one-sided
//!   fatalities) and `.civilian_targeting_events` → **high-risk**.
//! - `persistence`: armed conflict (the rule above, same unit) in ≥ `min_conflict_years` of
//!   the `window_years` previous years → **high-risk**.
//!
//! Precedence: conflict-affected > high-risk > neither. **Insufficient data** when (a) the year
//! is not entirely inside the source's stated coverage (union of its files' periods), or (a′)
//! no rule fires and the year is not entirely covered for the unit's country — a region's
//! country, or for a site's surroundings every country whose boundary lies within the radius
//! ([`screen_with_coverage`], from the coverage table: Niger's data ending in 2019 while
//! Mali's go on), or (b)
//! the unit has events that year but all are imprecise, or (c) no rule fires on the precise
//! events but one would if the imprecise events placed in the unit counted, or if look-back
//! years outside the coverage had been conflict years. The rules only ever fire on more
//! events, so (c) asks exactly "could the missing data change the verdict?": the answer is
//! never "neither" for missing data. A verdict that fires on precise, covered data stands
//! whatever is missing (more data can only add).
//!
//! Sites: a site inherits the verdict of the region it lies in (inside or snapped). Its own
//! surroundings — events within `site_radius_km` (haversine, via [`PointIndex`]) in the same
//! year, normalised by the spherical cap's area — are screened with the same rules
//! (persistence on the same circle); when they give a higher verdict (violence across a
//! border, or concentrated around the mine inside a calm large region) the site is overridden
//! upward; a region verdict is never lowered. A site without coordinates is insufficient data;
//! a site outside every loaded region is decided by its surroundings alone. When the region
//! says neither but the surroundings are undecidable (imprecise events nearby), the site is
//! insufficient data.
//!
//! What it does NOT do: governance, population, human-rights or sanctions criteria (OECD
//! Annex II risks beyond violence); admin-2; mixing GED and ACLED; months (years only).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::admin::AdminIndex;
use super::coverage::{CountryReach, Covered, EventCoverage};
use super::events::{EventFilter, SourceCoverage};
use super::AnalysisError;
use crate::geodesy::EARTH_RADIUS_KM;
use crate::model::{Dataset, Event, EventSource, SiteKind, ViolenceType};
use crate::spatial::PointIndex;

/// The default rules, `config/cahra.toml` at the repository root.
pub const DEFAULT_RULES_TOML: &str = include_str!("../../../../config/cahra.toml");

/// The name the default rules go by in provenance and error messages.
pub const DEFAULT_RULES_NAME: &str = "config/cahra.toml (embedded default)";

/// Thresholds of the screening. See `config/cahra.toml` for each one's meaning and source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CahraRules {
    pub armed_conflict: ArmedConflictRule,
    pub widespread_violence: WidespreadViolenceRule,
    pub persistence: PersistenceRule,
    pub precision: PrecisionRule,
    pub assignment: AssignmentRule,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArmedConflictRule {
    pub min_fatalities: u32,
    pub density_per_10k_km2: f64,
    pub density_min_fatalities: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WidespreadViolenceRule {
    pub min_one_sided_fatalities: u32,
    pub density_per_10k_km2: f64,
    pub density_min_fatalities: u32,
    pub min_civilian_targeting_events: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersistenceRule {
    pub window_years: u32,
    pub min_conflict_years: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrecisionRule {
    pub ged_max_where_prec: u8,
    pub acled_max_geo_precision: u8,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssignmentRule {
    pub snap_km: f64,
}

/// A rules file that cannot be used: where and why.
#[derive(Debug, Error, PartialEq)]
#[error("{file}{}: {message}", line.map(|l| format!(", line {l}")).unwrap_or_default())]
pub struct RulesError {
    pub file: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    pub message: String,
}

impl CahraRules {
    /// The embedded default rules.
    pub fn default_rules() -> CahraRules {
        // The embedded file is checked by a unit test; falling back keeps this panic-free.
        CahraRules::from_toml_str(DEFAULT_RULES_TOML, DEFAULT_RULES_NAME)
            .unwrap_or_else(|_| CahraRules::builtin())
    }

    /// The defaults of `config/cahra.toml`, written out (a unit test keeps them equal).
    fn builtin() -> CahraRules {
        CahraRules {
            armed_conflict: ArmedConflictRule {
                min_fatalities: 25,
                density_per_10k_km2: 33.0,
                density_min_fatalities: 10,
            },
            widespread_violence: WidespreadViolenceRule {
                min_one_sided_fatalities: 25,
                density_per_10k_km2: 33.0,
                density_min_fatalities: 10,
                min_civilian_targeting_events: 10,
            },
            persistence: PersistenceRule {
                window_years: 3,
                min_conflict_years: 2,
            },
            precision: PrecisionRule {
                ged_max_where_prec: 3,
                acled_max_geo_precision: 2,
            },
            assignment: AssignmentRule { snap_km: 5.0 },
        }
    }

    /// Parses and validates a rules file. `file` names it in errors. Every key is required,
    /// unknown keys are errors, and values are checked for range (with the line of the key).
    pub fn from_toml_str(text: &str, file: &str) -> Result<CahraRules, RulesError> {
        let rules: CahraRules = toml::from_str(text).map_err(|e| RulesError {
            file: file.to_string(),
            line: e.span().map(|s| line_of_offset(text, s.start)),
            message: e.message().trim().to_string(),
        })?;
        rules.validate(text, file)?;
        Ok(rules)
    }

    fn validate(&self, text: &str, file: &str) -> Result<(), RulesError> {
        let bad = |table: &str, key: &str, value: String, expected: &str| RulesError {
            file: file.to_string(),
            line: line_of_key(text, table, key),
            message: format!("{table}.{key} = {value}: expected {expected}"),
        };
        let count = |table: &str, key: &str, v: u32| {
            if v == 0 {
                Err(bad(table, key, v.to_string(), "a count of at least 1"))
            } else {
                Ok(())
            }
        };
        let rate = |table: &str, key: &str, v: f64| {
            if v.is_finite() && v > 0.0 {
                Ok(())
            } else {
                Err(bad(
                    table,
                    key,
                    v.to_string(),
                    "a positive number per 10,000 km²",
                ))
            }
        };
        let a = &self.armed_conflict;
        count("armed_conflict", "min_fatalities", a.min_fatalities)?;
        rate(
            "armed_conflict",
            "density_per_10k_km2",
            a.density_per_10k_km2,
        )?;
        count(
            "armed_conflict",
            "density_min_fatalities",
            a.density_min_fatalities,
        )?;
        let w = &self.widespread_violence;
        count(
            "widespread_violence",
            "min_one_sided_fatalities",
            w.min_one_sided_fatalities,
        )?;
        rate(
            "widespread_violence",
            "density_per_10k_km2",
            w.density_per_10k_km2,
        )?;
        count(
            "widespread_violence",
            "density_min_fatalities",
            w.density_min_fatalities,
        )?;
        count(
            "widespread_violence",
            "min_civilian_targeting_events",
            w.min_civilian_targeting_events,
        )?;
        let p = &self.persistence;
        if !(1..=30).contains(&p.window_years) {
            return Err(bad(
                "persistence",
                "window_years",
                p.window_years.to_string(),
                "a number of years from 1 to 30",
            ));
        }
        if p.min_conflict_years == 0 || p.min_conflict_years > p.window_years {
            return Err(bad(
                "persistence",
                "min_conflict_years",
                p.min_conflict_years.to_string(),
                &format!(
                    "a number of years from 1 to window_years ({})",
                    p.window_years
                ),
            ));
        }
        let pr = &self.precision;
        if !(1..=7).contains(&pr.ged_max_where_prec) {
            return Err(bad(
                "precision",
                "ged_max_where_prec",
                pr.ged_max_where_prec.to_string(),
                "a UCDP GED where_prec code from 1 to 7",
            ));
        }
        if !(1..=3).contains(&pr.acled_max_geo_precision) {
            return Err(bad(
                "precision",
                "acled_max_geo_precision",
                pr.acled_max_geo_precision.to_string(),
                "an ACLED geo_precision code from 1 to 3",
            ));
        }
        let s = self.assignment.snap_km;
        if !(s.is_finite() && (0.0..=100.0).contains(&s)) {
            return Err(bad(
                "assignment",
                "snap_km",
                s.to_string(),
                "a distance in km from 0 (no snapping) to 100",
            ));
        }
        Ok(())
    }

    /// Whether an event's location is too coarse to place in a region (see `[precision]`).
    pub fn is_imprecise(&self, event: &Event) -> bool {
        match (event.source, event.location_precision) {
            (_, None) => false,
            (EventSource::UcdpGed, Some(p)) => p > self.precision.ged_max_where_prec,
            (EventSource::Acled, Some(p)) => p > self.precision.acled_max_geo_precision,
        }
    }
}

fn line_of_offset(text: &str, offset: usize) -> usize {
    text.get(..offset.min(text.len()))
        .map(|t| t.matches('\n').count() + 1)
        .unwrap_or(1)
}

/// The line of `key = …` inside `[table]`, for validation errors.
fn line_of_key(text: &str, table: &str, key: &str) -> Option<usize> {
    let mut in_table = false;
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if t.starts_with('[') {
            in_table = t.trim_start_matches('[').trim_end_matches(']').trim() == table;
            continue;
        }
        if in_table {
            if let Some((k, _)) = t.split_once('=') {
                if k.trim() == key {
                    return Some(i + 1);
                }
            }
        }
    }
    None
}

/// The four verdicts, highest first (see the module doc for precedence).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    ConflictAffected,
    HighRisk,
    Neither,
    InsufficientData,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::ConflictAffected => "conflict-affected",
            Verdict::HighRisk => "high-risk",
            Verdict::Neither => "neither",
            Verdict::InsufficientData => "insufficient data",
        }
    }

    /// Rank of a decided verdict (conflict-affected 3, high-risk 2, neither 1); insufficient 0.
    fn rank(self) -> u8 {
        match self {
            Verdict::ConflictAffected => 3,
            Verdict::HighRisk => 2,
            Verdict::Neither => 1,
            Verdict::InsufficientData => 0,
        }
    }
}

/// Counts and best-estimate fatalities of a set of events (one unit, one year).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Tally {
    pub events: u32,
    pub events_state_based: u32,
    pub events_non_state: u32,
    pub events_one_sided: u32,
    /// Events with no UCDP violence type (ACLED protests, riots, strategic developments).
    pub events_other: u32,
    pub fatalities_state_based: u64,
    pub fatalities_non_state: u64,
    pub fatalities_one_sided: u64,
    pub fatalities_other: u64,
    pub civilian_targeting_events: u32,
    pub civilian_targeting_fatalities: u64,
}

impl Tally {
    fn add(&mut self, e: &Event) {
        let f = u64::from(e.fatalities_best);
        self.events += 1;
        match e.violence_type {
            Some(ViolenceType::StateBased) => {
                self.events_state_based += 1;
                self.fatalities_state_based += f;
            }
            Some(ViolenceType::NonState) => {
                self.events_non_state += 1;
                self.fatalities_non_state += f;
            }
            Some(ViolenceType::OneSided) => {
                self.events_one_sided += 1;
                self.fatalities_one_sided += f;
            }
            None => {
                self.events_other += 1;
                self.fatalities_other += f;
            }
        }
        if e.civilian_targeting {
            self.civilian_targeting_events += 1;
            self.civilian_targeting_fatalities += f;
        }
    }

    pub fn plus(&self, o: &Tally) -> Tally {
        Tally {
            events: self.events + o.events,
            events_state_based: self.events_state_based + o.events_state_based,
            events_non_state: self.events_non_state + o.events_non_state,
            events_one_sided: self.events_one_sided + o.events_one_sided,
            events_other: self.events_other + o.events_other,
            fatalities_state_based: self.fatalities_state_based + o.fatalities_state_based,
            fatalities_non_state: self.fatalities_non_state + o.fatalities_non_state,
            fatalities_one_sided: self.fatalities_one_sided + o.fatalities_one_sided,
            fatalities_other: self.fatalities_other + o.fatalities_other,
            civilian_targeting_events: self.civilian_targeting_events + o.civilian_targeting_events,
            civilian_targeting_fatalities: self.civilian_targeting_fatalities
                + o.civilian_targeting_fatalities,
        }
    }

    /// State-based + non-state fatalities.
    pub fn armed_conflict_fatalities(&self) -> u64 {
        self.fatalities_state_based + self.fatalities_non_state
    }

    pub fn fatalities(&self) -> u64 {
        self.fatalities_state_based
            + self.fatalities_non_state
            + self.fatalities_one_sided
            + self.fatalities_other
    }
}

/// One rule checked on one unit-year: the number, the threshold, and whether it fired.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleCheck {
    /// `armed_conflict.fatalities`, `armed_conflict.density`,
    /// `widespread_violence.one_sided_fatalities`, `widespread_violence.one_sided_density`,
    /// `widespread_violence.civilian_targeting_events`, `persistence`.
    pub rule: String,
    /// What the numbers are about: `region MLI-2690` or `within 50 km`.
    pub scope: String,
    /// The verdict this rule gives when it fires.
    pub gives: Verdict,
    pub fired: bool,
    pub value: f64,
    pub threshold: f64,
    /// The whole test in words with its numbers, e.g. `state-based + non-state fatalities
    /// 31 ≥ 25`.
    pub detail: String,
}

/// How a site's verdict was reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SiteBasis {
    /// The region's verdict, the surroundings giving nothing higher.
    Inherited,
    /// The surroundings gave a higher verdict than the region.
    Overridden,
    /// The site lies in no loaded region: its surroundings alone.
    SurroundingsOnly,
    /// The region says neither, but imprecise events nearby could make a rule fire.
    SurroundingsUndecidable,
    /// No coordinates: not assessable.
    NoCoordinates,
}

/// The verdict of one unit (region or site surroundings) in one year, with its evidence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitYear {
    pub verdict: Verdict,
    /// Every rule checked, with its numbers (fired or not).
    pub checks: Vec<RuleCheck>,
    /// Why the data is insufficient (empty unless the verdict is insufficient data).
    pub insufficient: Vec<String>,
    /// Precise events of the year in the unit.
    pub counts: Tally,
    /// Imprecise events of the year placed in the unit (never make a rule fire).
    pub imprecise: Tally,
    /// Area the rates are normalised by, km².
    pub area_km2: f64,
    /// Previous years (of the persistence window) with armed conflict on precise events.
    pub conflict_years_before: Vec<i32>,
    /// Previous years of the window not fully inside the source's coverage.
    pub uncovered_years_before: Vec<i32>,
}

impl UnitYear {
    /// The checks that fired.
    pub fn fired(&self) -> impl Iterator<Item = &RuleCheck> {
        self.checks.iter().filter(|c| c.fired)
    }
}

/// One admin-1 region in one year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RegionVerdict {
    pub region_id: String,
    pub name: String,
    pub country_iso3: Option<String>,
    pub country_name: Option<String>,
    pub year: i32,
    #[serde(flatten)]
    pub result: UnitYear,
}

/// One site in one year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SiteVerdict {
    pub site_id: String,
    pub name: String,
    pub kind: SiteKind,
    pub country_iso3: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub year: i32,
    pub verdict: Verdict,
    pub basis: SiteBasis,
    /// The region the site lies in (inside or snapped), if any.
    pub region_id: Option<String>,
    pub region_name: Option<String>,
    pub region_verdict: Option<Verdict>,
    /// The checks that fired for the verdict given: the region's when inherited, the
    /// surroundings' when overridden or decided by them.
    pub fired: Vec<RuleCheck>,
    /// Why the data is insufficient (empty unless the verdict is insufficient data).
    pub insufficient: Vec<String>,
    /// The surroundings' screening (None without coordinates).
    pub surroundings: Option<UnitYear>,
}

/// How the events of the screened years were placed.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct EventPlacement {
    /// Events of the source, accepted by the filter, dated in the screened years or their
    /// look-back windows.
    pub events: usize,
    pub inside: usize,
    pub snapped: usize,
    pub outside: usize,
    pub no_coordinates: usize,
    /// Of `events`, those with an imprecise location code.
    pub imprecise: usize,
}

/// The screening's result and the parameters it ran with.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CahraReport {
    pub source: EventSource,
    pub filter: EventFilter,
    pub coverage: SourceCoverage,
    pub rules: CahraRules,
    pub years: Vec<i32>,
    pub site_radius_km: f64,
    pub placement: EventPlacement,
    /// Sorted by (region_id, year).
    pub regions: Vec<RegionVerdict>,
    /// Sorted by (site_id, year).
    pub sites: Vec<SiteVerdict>,
}

/// Whether every day of `year` lies in some file's stated period.
pub fn year_fully_covered(coverage: &SourceCoverage, year: i32) -> bool {
    let (Some(first), Some(last)) = (
        NaiveDate::from_ymd_opt(year, 1, 1),
        NaiveDate::from_ymd_opt(year, 12, 31),
    ) else {
        return false;
    };
    let mut periods: Vec<(NaiveDate, NaiveDate)> =
        coverage.files.iter().map(|f| (f.start, f.end)).collect();
    if periods.is_empty() {
        periods.push((coverage.start, coverage.end));
    }
    periods.sort();
    let mut cursor = first;
    for (start, end) in periods {
        if start <= cursor && end >= cursor {
            match end.succ_opt() {
                Some(next) => cursor = next,
                None => return true,
            }
        }
        if cursor > last {
            return true;
        }
    }
    cursor > last
}

/// Years of the screen that have no data at all: neither inside the stated coverage (even in
/// part) nor holding an event of the source. Used by the CLI to refuse such a request.
pub fn year_has_any_data(coverage: &SourceCoverage, events: &[Event], year: i32) -> bool {
    let overlaps = coverage.start.year() <= year && year <= coverage.end.year();
    overlaps
        || events
            .iter()
            .any(|e| e.source == coverage.source && e.date_start.year() == year)
}

/// The last calendar year entirely inside the coverage, if any.
pub fn last_full_year(coverage: &SourceCoverage) -> Option<i32> {
    (coverage.start.year()..=coverage.end.year())
        .rev()
        .find(|&y| year_fully_covered(coverage, y))
}

/// Area of a spherical cap of radius `radius_km` (great-circle) on the mean sphere, km².
pub fn cap_area_km2(radius_km: f64) -> f64 {
    let r = EARTH_RADIUS_KM;
    let angle = (radius_km / r).min(std::f64::consts::PI);
    2.0 * std::f64::consts::PI * r * r * (1.0 - angle.cos())
}

/// The rule checks of one unit-year's tally (persistence excluded).
fn rule_checks(rules: &CahraRules, t: &Tally, area_km2: f64, scope: &str) -> Vec<RuleCheck> {
    let per_10k = |n: u64| {
        if area_km2 > 0.0 {
            n as f64 / area_km2 * 10_000.0
        } else {
            0.0
        }
    };
    let a = &rules.armed_conflict;
    let w = &rules.widespread_violence;
    let ac = t.armed_conflict_fatalities();
    let os = t.fatalities_one_sided;
    let check = |rule: &str, gives, fired, value: f64, threshold: f64, detail: String| RuleCheck {
        rule: rule.to_string(),
        scope: scope.to_string(),
        gives,
        fired,
        value,
        threshold,
        detail,
    };
    let density = |n: u64, per: f64, min_n: u32| n >= u64::from(min_n) && per_10k(n) >= per;
    vec![
        check(
            "armed_conflict.fatalities",
            Verdict::ConflictAffected,
            ac >= u64::from(a.min_fatalities),
            ac as f64,
            f64::from(a.min_fatalities),
            format!(
                "state-based + non-state fatalities {} + {} = {ac} {} {}",
                t.fatalities_state_based,
                t.fatalities_non_state,
                cmp(ac as f64, f64::from(a.min_fatalities)),
                a.min_fatalities
            ),
        ),
        check(
            "armed_conflict.density",
            Verdict::ConflictAffected,
            density(ac, a.density_per_10k_km2, a.density_min_fatalities),
            per_10k(ac),
            a.density_per_10k_km2,
            format!(
                "state-based + non-state fatalities per 10,000 km² {:.1} {} {} (over {:.0} km²), count {ac} {} {}",
                per_10k(ac),
                cmp(per_10k(ac), a.density_per_10k_km2),
                a.density_per_10k_km2,
                area_km2,
                cmp(ac as f64, f64::from(a.density_min_fatalities)),
                a.density_min_fatalities
            ),
        ),
        check(
            "widespread_violence.one_sided_fatalities",
            Verdict::HighRisk,
            os >= u64::from(w.min_one_sided_fatalities),
            os as f64,
            f64::from(w.min_one_sided_fatalities),
            format!(
                "one-sided fatalities {os} {} {}",
                cmp(os as f64, f64::from(w.min_one_sided_fatalities)),
                w.min_one_sided_fatalities
            ),
        ),
        check(
            "widespread_violence.one_sided_density",
            Verdict::HighRisk,
            density(os, w.density_per_10k_km2, w.density_min_fatalities),
            per_10k(os),
            w.density_per_10k_km2,
            format!(
                "one-sided fatalities per 10,000 km² {:.1} {} {} (over {:.0} km²), count {os} {} {}",
                per_10k(os),
                cmp(per_10k(os), w.density_per_10k_km2),
                w.density_per_10k_km2,
                area_km2,
                cmp(os as f64, f64::from(w.density_min_fatalities)),
                w.density_min_fatalities
            ),
        ),
        check(
            "widespread_violence.civilian_targeting_events",
            Verdict::HighRisk,
            t.civilian_targeting_events >= w.min_civilian_targeting_events,
            f64::from(t.civilian_targeting_events),
            f64::from(w.min_civilian_targeting_events),
            format!(
                "civilian-targeting events {} {} {} ({} deaths)",
                t.civilian_targeting_events,
                cmp(
                    f64::from(t.civilian_targeting_events),
                    f64::from(w.min_civilian_targeting_events)
                ),
                w.min_civilian_targeting_events,
                t.civilian_targeting_fatalities
            ),
        ),
    ]
}

fn cmp(value: f64, threshold: f64) -> &'static str {
    if value >= threshold {
        "≥"
    } else {
        "<"
    }
}

/// Whether the armed-conflict rules fire on a tally.
fn armed_conflict(rules: &CahraRules, t: &Tally, area_km2: f64) -> bool {
    rule_checks(rules, t, area_km2, "")
        .iter()
        .any(|c| c.fired && c.gives == Verdict::ConflictAffected)
}

/// The highest verdict among fired checks, or neither.
fn verdict_of(checks: &[RuleCheck]) -> Verdict {
    checks
        .iter()
        .filter(|c| c.fired)
        .map(|c| c.gives)
        .max_by_key(|v| v.rank())
        .unwrap_or(Verdict::Neither)
}

/// The countries a unit's events come from, and the table saying which days each one's data
/// cover (see [`screen_with_coverage`]). Without a table only the source's coverage counts.
#[derive(Debug, Clone, Copy)]
pub struct UnitCountries<'a> {
    pub table: Option<&'a EventCoverage>,
    /// ISO3 codes.
    pub countries: &'a [String],
}

impl UnitCountries<'_> {
    /// No per-country coverage: the source's stated coverage alone.
    pub const NONE: UnitCountries<'static> = UnitCountries {
        table: None,
        countries: &[],
    };

    /// What the unit's countries miss of `year` (`NER: no data 2020-01-01..2020-12-31`);
    /// empty when every one covers all of it.
    fn missing_in(&self, source: EventSource, year: i32) -> Vec<String> {
        let (Some(table), Some(first), Some(last)) = (
            self.table,
            NaiveDate::from_ymd_opt(year, 1, 1),
            NaiveDate::from_ymd_opt(year, 12, 31),
        ) else {
            return Vec::new();
        };
        self.countries
            .iter()
            .filter_map(|c| match table.covered(source, c, first, last) {
                Covered::Full => None,
                Covered::NotCovered => Some(format!("{c}: no data {first}..{last}")),
                Covered::Partial { missing } => Some(format!(
                    "{c}: no data {}",
                    missing
                        .iter()
                        .map(|(a, b)| format!("{a}..{b}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            })
            .collect()
    }
}

/// The data of one unit over the years it is screened for: (precise, imprecise) per year.
pub type YearTallies = BTreeMap<i32, (Tally, Tally)>;

/// Screens one unit in one year. `tallies` holds the unit's precise and imprecise tallies per
/// year (missing year: no events). Pure and the core of every verdict; public so that its
/// rules can be exercised on crafted numbers.
pub fn screen_unit_year(
    rules: &CahraRules,
    coverage: &SourceCoverage,
    tallies: &YearTallies,
    area_km2: f64,
    year: i32,
    scope: &str,
) -> UnitYear {
    screen_unit_year_in(
        rules,
        coverage,
        UnitCountries::NONE,
        tallies,
        area_km2,
        year,
        scope,
    )
}

/// Like [`screen_unit_year`], each year also checked against the coverage of the unit's
/// countries (rule (a′) of the module docs).
pub fn screen_unit_year_in(
    rules: &CahraRules,
    coverage: &SourceCoverage,
    countries: UnitCountries<'_>,
    tallies: &YearTallies,
    area_km2: f64,
    year: i32,
    scope: &str,
) -> UnitYear {
    let covered = |y: i32| {
        year_fully_covered(coverage, y) && countries.missing_in(coverage.source, y).is_empty()
    };
    let empty = (Tally::default(), Tally::default());
    let (precise, imprecise) = tallies.get(&year).unwrap_or(&empty);
    let mut checks = rule_checks(rules, precise, area_km2, scope);
    let window = rules.persistence.window_years as i32;
    let need = rules.persistence.min_conflict_years as usize;
    let mut conflict_years = Vec::new();
    let mut uncovered = Vec::new();
    let mut conflict_years_upper = 0usize;
    for y in (year - window)..year {
        if !covered(y) {
            uncovered.push(y);
            conflict_years_upper += 1;
            continue;
        }
        let (p, i) = tallies.get(&y).unwrap_or(&empty);
        if armed_conflict(rules, p, area_km2) {
            conflict_years.push(y);
            conflict_years_upper += 1;
        } else if armed_conflict(rules, &p.plus(i), area_km2) {
            conflict_years_upper += 1;
        }
    }
    let years_list = |ys: &[i32]| {
        if ys.is_empty() {
            "none".to_string()
        } else {
            ys.iter().map(i32::to_string).collect::<Vec<_>>().join(", ")
        }
    };
    checks.push(RuleCheck {
        rule: "persistence".into(),
        scope: scope.to_string(),
        gives: Verdict::HighRisk,
        fired: conflict_years.len() >= need,
        value: conflict_years.len() as f64,
        threshold: need as f64,
        detail: format!(
            "armed-conflict years among {}–{}: {} ({}) {} {need}{}",
            year - window,
            year - 1,
            conflict_years.len(),
            years_list(&conflict_years),
            cmp(conflict_years.len() as f64, need as f64),
            if uncovered.is_empty() {
                String::new()
            } else {
                format!("; outside the coverage: {}", years_list(&uncovered))
            }
        ),
    });
    let mut insufficient = Vec::new();
    let mut verdict = verdict_of(&checks);
    if !year_fully_covered(coverage, year) {
        insufficient.push(format!(
            "{year} is not entirely inside the stated coverage of {} ({} to {})",
            coverage.source.as_str(),
            coverage.start,
            coverage.end
        ));
    } else if verdict == Verdict::Neither && !countries.missing_in(coverage.source, year).is_empty()
    {
        insufficient.push(format!(
            "{year} is not entirely covered here by {} ({}), and no rule fires on the data held",
            coverage.source.as_str(),
            countries.missing_in(coverage.source, year).join("; ")
        ));
    } else if precise.events == 0 && imprecise.events > 0 {
        insufficient.push(format!(
            "all {} events of {year} here are imprecise (location coarser than the [precision] limits)",
            imprecise.events
        ));
    } else if verdict == Verdict::Neither {
        let upper = precise.plus(imprecise);
        for c in rule_checks(rules, &upper, area_km2, scope) {
            if c.fired {
                insufficient.push(format!(
                    "{} would fire if the {} imprecise events counted: {}",
                    c.rule, imprecise.events, c.detail
                ));
            }
        }
        if conflict_years_upper >= need && conflict_years.len() < need {
            insufficient.push(format!(
                "persistence could fire: {} armed-conflict years known, {} more possible \
                 (years outside the coverage: {}; years with imprecise events only counted \
                 as possible)",
                conflict_years.len(),
                conflict_years_upper - conflict_years.len(),
                years_list(&uncovered)
            ));
        }
    }
    if !insufficient.is_empty() {
        verdict = Verdict::InsufficientData;
    }
    UnitYear {
        verdict,
        checks,
        insufficient,
        counts: precise.clone(),
        imprecise: imprecise.clone(),
        area_km2,
        conflict_years_before: conflict_years,
        uncovered_years_before: uncovered,
    }
}

/// Screens every admin-1 region and every site of `dataset` in each of `years`.
///
/// `filter` chooses the ONE event source (and optionally violence types; a filter with
/// `max_precision_code` drops imprecise events before the screening can see them, so they
/// cannot mark a unit undecidable — pass none to let `[precision]` decide). `coverage` must be
/// that source's stated coverage. `site_radius_km` > 0 (at most 500).
pub fn screen(
    dataset: &Dataset,
    filter: &EventFilter,
    coverage: &SourceCoverage,
    rules: &CahraRules,
    years: &[i32],
    site_radius_km: f64,
) -> Result<CahraReport, AnalysisError> {
    screen_inner(
        dataset,
        filter,
        coverage,
        None,
        rules,
        years,
        site_radius_km,
    )
}

/// Like [`screen`], each region-year and site-year also checked against the coverage table
/// (rule (a′) of the module docs): a region's country, and for a site's surroundings its own
/// country and every country whose boundary lies within `site_radius_km`, must have data for
/// the whole year, else the unit is insufficient data unless a rule fires on the data held.
pub fn screen_with_coverage(
    dataset: &Dataset,
    filter: &EventFilter,
    coverage: &SourceCoverage,
    table: &EventCoverage,
    rules: &CahraRules,
    years: &[i32],
    site_radius_km: f64,
) -> Result<CahraReport, AnalysisError> {
    screen_inner(
        dataset,
        filter,
        coverage,
        Some(table),
        rules,
        years,
        site_radius_km,
    )
}

fn screen_inner(
    dataset: &Dataset,
    filter: &EventFilter,
    coverage: &SourceCoverage,
    table: Option<&EventCoverage>,
    rules: &CahraRules,
    years: &[i32],
    site_radius_km: f64,
) -> Result<CahraReport, AnalysisError> {
    if !(site_radius_km.is_finite() && site_radius_km > 0.0 && site_radius_km <= 500.0) {
        return Err(AnalysisError::bad(
            "site_radius_km",
            site_radius_km,
            "a radius in km above 0 and at most 500",
        ));
    }
    let years = validate_years(filter, coverage, years)?;
    let index = AdminIndex::with_snap_km(&dataset.regions, rules.assignment.snap_km)?;
    let events = events_for_years(dataset, filter, &years, rules);
    let RegionScreening {
        placement,
        imprecise,
        results: region_results,
        ..
    } = screen_regions_in(&index, &events, rules, coverage, &years, table);
    let mut regions = Vec::with_capacity(index.len() * years.len());
    for (i, region) in index.regions().iter().enumerate() {
        for (&year, result) in &region_results[i] {
            regions.push(RegionVerdict {
                region_id: region.region_id.clone(),
                name: region.name.clone(),
                country_iso3: region.country_iso3.clone(),
                country_name: region.country_name.clone(),
                year,
                result: result.clone(),
            });
        }
    }

    // Sites: one point index per needed year.
    let mut by_year: BTreeMap<i32, Vec<usize>> = BTreeMap::new();
    for (k, e) in events.iter().enumerate() {
        by_year.entry(e.date_start.year()).or_default().push(k);
    }
    let mut year_index: BTreeMap<i32, (PointIndex, Vec<usize>)> = BTreeMap::new();
    for (y, ks) in by_year {
        let lats: Vec<f64> = ks.iter().map(|&k| events[k].lat).collect();
        let lons: Vec<f64> = ks.iter().map(|&k| events[k].lon).collect();
        let pi = PointIndex::new(&lats, &lons, site_radius_km)
            .map_err(|e| AnalysisError::Data(e.to_string()))?;
        year_index.insert(y, (pi, ks));
    }
    let cap_area = cap_area_km2(site_radius_km);
    let site_scope = format!("within {site_radius_km} km");
    let reach = CountryReach::new(&dataset.regions);
    let mut sites = Vec::with_capacity(dataset.sites.len() * years.len());
    for site in &dataset.sites {
        let placed = match (site.lat, site.lon) {
            (Some(lat), Some(lon)) => Some((lat, lon, index.place(lat, lon).region())),
            _ => None,
        };
        // The countries the surroundings' events come from: the site's own and those whose
        // boundary lies within the radius.
        let mut near: Vec<String> = match (table, placed) {
            (Some(_), Some((lat, lon, _))) => reach
                .within(lat, lon, site_radius_km)
                .into_iter()
                .map(|(c, _)| c)
                .collect(),
            _ => Vec::new(),
        };
        if table.is_some() {
            near.extend(site.country_iso3.clone());
            near.sort();
            near.dedup();
        }
        let site_countries = UnitCountries {
            table,
            countries: &near,
        };
        let surroundings_tallies: Option<YearTallies> = placed.map(|(lat, lon, _)| {
            let mut t = YearTallies::new();
            for (&y, (pi, ks)) in &year_index {
                pi.for_each_within(lat, lon, site_radius_km, |i, _| {
                    let k = ks[i as usize];
                    let entry = t.entry(y).or_default();
                    if imprecise[k] {
                        entry.1.add(events[k]);
                    } else {
                        entry.0.add(events[k]);
                    }
                });
            }
            t
        });
        for &year in &years {
            let region = placed.and_then(|(_, _, r)| r);
            let region_result = region.and_then(|r| region_results[r as usize].get(&year));
            let surroundings = surroundings_tallies.as_ref().map(|t| {
                screen_unit_year_in(
                    rules,
                    coverage,
                    site_countries,
                    t,
                    cap_area,
                    year,
                    &site_scope,
                )
            });
            let (verdict, basis, fired, insufficient) =
                site_verdict(region_result, surroundings.as_ref(), placed.is_some());
            sites.push(SiteVerdict {
                site_id: site.site_id.clone(),
                name: site.name.clone(),
                kind: site.kind,
                country_iso3: site.country_iso3.clone(),
                lat: site.lat,
                lon: site.lon,
                year,
                verdict,
                basis,
                region_id: region.map(|r| index.regions()[r as usize].region_id.clone()),
                region_name: region.map(|r| index.regions()[r as usize].name.clone()),
                region_verdict: region_result.map(|r| r.verdict),
                fired,
                insufficient,
                surroundings,
            });
        }
    }
    regions.sort_by(|a, b| (&a.region_id, a.year).cmp(&(&b.region_id, b.year)));
    sites.sort_by(|a, b| (&a.site_id, a.year).cmp(&(&b.site_id, b.year)));
    Ok(CahraReport {
        source: filter.source,
        filter: filter.clone(),
        coverage: coverage.clone(),
        rules: rules.clone(),
        years,
        site_radius_km,
        placement,
        regions,
        sites,
    })
}

/// The events `filter` accepts dated in `years` or their persistence look-back windows.
pub(crate) fn events_for_years<'d>(
    dataset: &'d Dataset,
    filter: &EventFilter,
    years: &[i32],
    rules: &CahraRules,
) -> Vec<&'d Event> {
    let window = rules.persistence.window_years as i32;
    let needed: BTreeSet<i32> = years.iter().flat_map(|&y| (y - window)..=y).collect();
    dataset
        .events
        .iter()
        .filter(|e| filter.accepts(e) && needed.contains(&e.date_start.year()))
        .collect()
}

/// The coverage matches the filter's source and the years are plausible: the years sorted and
/// deduplicated.
pub(crate) fn validate_years(
    filter: &EventFilter,
    coverage: &SourceCoverage,
    years: &[i32],
) -> Result<Vec<i32>, AnalysisError> {
    if coverage.source != filter.source {
        return Err(AnalysisError::bad(
            "coverage",
            coverage.source.as_str(),
            format!(
                "the coverage of the filter's source, {}",
                filter.source.as_str()
            ),
        ));
    }
    if let Some(y) = years.iter().find(|y| !(1900..=2100).contains(*y)) {
        return Err(AnalysisError::bad(
            "year",
            y,
            "a calendar year from 1900 to 2100",
        ));
    }
    Ok(years
        .iter()
        .copied()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect())
}

/// The regions of one index screened over some years (see [`screen_regions`]).
pub(crate) struct RegionScreening {
    pub placement: EventPlacement,
    /// Per event (position in the events given): imprecise location.
    pub imprecise: Vec<bool>,
    /// Per event: the region it was placed in (inside or snapped).
    pub region_of: Vec<Option<u32>>,
    /// Per region (as in `index.regions()`): its result per year.
    pub results: Vec<BTreeMap<i32, UnitYear>>,
}

/// Places `events` in the regions of `index` and screens each region in each of `years`.
pub(crate) fn screen_regions(
    index: &AdminIndex,
    events: &[&Event],
    rules: &CahraRules,
    coverage: &SourceCoverage,
    years: &[i32],
) -> RegionScreening {
    screen_regions_in(index, events, rules, coverage, years, None)
}

/// Like [`screen_regions`], each region's years also checked against its country's coverage
/// in `table` (rule (a′)).
pub(crate) fn screen_regions_in(
    index: &AdminIndex,
    events: &[&Event],
    rules: &CahraRules,
    coverage: &SourceCoverage,
    years: &[i32],
    table: Option<&EventCoverage>,
) -> RegionScreening {
    let assignment = index.assign_events(events.iter().copied());
    let imprecise: Vec<bool> = events.iter().map(|e| rules.is_imprecise(e)).collect();
    let placement = EventPlacement {
        events: events.len(),
        inside: assignment.inside,
        snapped: assignment.snapped,
        outside: assignment.outside,
        no_coordinates: assignment.no_coordinates,
        imprecise: imprecise.iter().filter(|&&b| b).count(),
    };
    let units: Vec<(String, f64)> = index
        .regions()
        .iter()
        .enumerate()
        .map(|(i, r)| (format!("region {}", r.region_id), index.area_km2(i as u32)))
        .collect();
    let unit_countries: Vec<Vec<String>> = index
        .regions()
        .iter()
        .map(|r| r.country_iso3.iter().cloned().collect())
        .collect();
    let results = screen_units_in(
        &units,
        events,
        &assignment.region_of,
        &imprecise,
        rules,
        coverage,
        years,
        table.map(|t| (t, unit_countries.as_slice())),
    );
    RegionScreening {
        placement,
        imprecise,
        region_of: assignment.region_of,
        results,
    }
}

/// Screens units — (scope for the evidence, area km²) — in each of `years` from `events`
/// already assigned to them (`unit_of`, by position; None: in no unit) with their precision
/// (`imprecise`, by position): each unit's result per year.
pub(crate) fn screen_units(
    units: &[(String, f64)],
    events: &[&Event],
    unit_of: &[Option<u32>],
    imprecise: &[bool],
    rules: &CahraRules,
    coverage: &SourceCoverage,
    years: &[i32],
) -> Vec<BTreeMap<i32, UnitYear>> {
    screen_units_in(
        units, events, unit_of, imprecise, rules, coverage, years, None,
    )
}

/// Like [`screen_units`]; with `countries` = (table, each unit's ISO3 codes), each unit's
/// years are also checked against its countries' coverage (rule (a′)).
#[allow(clippy::too_many_arguments)]
pub(crate) fn screen_units_in(
    units: &[(String, f64)],
    events: &[&Event],
    unit_of: &[Option<u32>],
    imprecise: &[bool],
    rules: &CahraRules,
    coverage: &SourceCoverage,
    years: &[i32],
    countries: Option<(&EventCoverage, &[Vec<String>])>,
) -> Vec<BTreeMap<i32, UnitYear>> {
    let mut per_unit: Vec<YearTallies> = vec![YearTallies::new(); units.len()];
    for (k, e) in events.iter().enumerate() {
        if let Some(r) = unit_of[k] {
            let entry = per_unit[r as usize].entry(e.date_start.year()).or_default();
            if imprecise[k] {
                entry.1.add(e);
            } else {
                entry.0.add(e);
            }
        }
    }
    units
        .iter()
        .zip(&per_unit)
        .enumerate()
        .map(|(u, ((scope, area), tallies))| {
            let unit = match countries {
                Some((table, codes)) => UnitCountries {
                    table: Some(table),
                    countries: codes.get(u).map(Vec::as_slice).unwrap_or(&[]),
                },
                None => UnitCountries::NONE,
            };
            years
                .iter()
                .map(|&year| {
                    let r = screen_unit_year_in(rules, coverage, unit, tallies, *area, year, scope);
                    (year, r)
                })
                .collect()
        })
        .collect()
}

/// Combines a site's region verdict and its surroundings' (see the module doc).
pub fn site_verdict(
    region: Option<&UnitYear>,
    surroundings: Option<&UnitYear>,
    has_coordinates: bool,
) -> (Verdict, SiteBasis, Vec<RuleCheck>, Vec<String>) {
    let fired = |u: &UnitYear| u.fired().cloned().collect::<Vec<_>>();
    let (Some(s), true) = (surroundings, has_coordinates) else {
        return (
            Verdict::InsufficientData,
            SiteBasis::NoCoordinates,
            Vec::new(),
            vec!["the site has no coordinates".to_string()],
        );
    };
    let Some(r) = region else {
        return (
            s.verdict,
            SiteBasis::SurroundingsOnly,
            fired(s),
            s.insufficient.clone(),
        );
    };
    let s_decided_up = matches!(s.verdict, Verdict::ConflictAffected | Verdict::HighRisk);
    if s_decided_up && s.verdict.rank() > r.verdict.rank() {
        return (s.verdict, SiteBasis::Overridden, fired(s), Vec::new());
    }
    if r.verdict == Verdict::Neither && s.verdict == Verdict::InsufficientData {
        return (
            Verdict::InsufficientData,
            SiteBasis::SurroundingsUndecidable,
            Vec::new(),
            s.insufficient.clone(),
        );
    }
    (
        r.verdict,
        SiteBasis::Inherited,
        fired(r),
        r.insufficient.clone(),
    )
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::analysis::events::{CoverageBasis, FileCoverage};
    use crate::model::{Region, Site};
    use geo_types::{polygon, MultiPolygon};

    pub(crate) fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// GED stated to cover 2000-01-01 .. 2019-12-31.
    pub(crate) fn coverage() -> SourceCoverage {
        SourceCoverage {
            source: EventSource::UcdpGed,
            start: d(2000, 1, 1),
            end: d(2019, 12, 31),
            files: vec![FileCoverage {
                path: "ged_2000_2019.csv".into(),
                start: d(2000, 1, 1),
                end: d(2019, 12, 31),
                basis: CoverageBasis::FileName,
            }],
        }
    }

    fn rules() -> CahraRules {
        CahraRules::default_rules()
    }

    fn event(
        id: u32,
        year: i32,
        v: Option<ViolenceType>,
        deaths: u32,
        lat: f64,
        lon: f64,
    ) -> Event {
        Event {
            source: EventSource::UcdpGed,
            event_id: id.to_string(),
            release: None,
            date_start: d(year, 6, 1),
            date_end: None,
            date_precision: None,
            country: "Test".into(),
            admin1: None,
            admin2: None,
            lat,
            lon,
            location_precision: None,
            violence_type: v,
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
            civilian_targeting: v == Some(ViolenceType::OneSided),
            flags: Vec::new(),
            extra: Default::default(),
        }
    }

    /// A tally of `n` events of type `v` with `deaths` each.
    fn tally(parts: &[(Option<ViolenceType>, u32, u32)]) -> Tally {
        let mut t = Tally::default();
        for &(v, n, deaths) in parts {
            for _ in 0..n {
                t.add(&event(0, 2010, v, deaths, 0.0, 0.0));
            }
        }
        t
    }

    const SB: Option<ViolenceType> = Some(ViolenceType::StateBased);
    const NS: Option<ViolenceType> = Some(ViolenceType::NonState);
    const OS: Option<ViolenceType> = Some(ViolenceType::OneSided);
    /// A large region: density rules need ≥ 33 per 10,000 km², i.e. more than the absolute 25.
    const BIG: f64 = 50_000.0;

    fn one_year(precise: Tally, imprecise: Tally) -> YearTallies {
        let mut t = YearTallies::new();
        t.insert(2010, (precise, imprecise));
        t
    }

    fn run(t: &YearTallies, area: f64, year: i32) -> UnitYear {
        screen_unit_year(&rules(), &coverage(), t, area, year, "region T")
    }

    fn fired(u: &UnitYear) -> Vec<&str> {
        u.fired().map(|c| c.rule.as_str()).collect()
    }

    #[test]
    fn default_rules_file_parses_to_the_documented_defaults() {
        let parsed = CahraRules::from_toml_str(DEFAULT_RULES_TOML, DEFAULT_RULES_NAME).unwrap();
        assert_eq!(parsed, CahraRules::builtin());
    }

    #[test]
    fn no_rule_fires_neither_with_the_numbers_checked() {
        let u = run(
            &one_year(
                tally(&[(SB, 2, 5), (NS, 1, 4), (OS, 3, 2)]),
                Tally::default(),
            ),
            BIG,
            2010,
        );
        assert_eq!(u.verdict, Verdict::Neither);
        assert!(fired(&u).is_empty());
        assert_eq!(u.checks.len(), 6);
        assert_eq!(u.checks[0].value, 14.0);
        assert_eq!(
            u.checks[0].detail,
            "state-based + non-state fatalities 10 + 4 = 14 < 25"
        );
        assert_eq!(u.checks[4].value, 3.0);
        assert!(u.insufficient.is_empty());
    }

    #[test]
    fn armed_conflict_alone() {
        // 20 state-based + 5 non-state = 25: at the threshold fires.
        let u = run(
            &one_year(tally(&[(SB, 4, 5), (NS, 1, 5)]), Tally::default()),
            BIG,
            2010,
        );
        assert_eq!(u.verdict, Verdict::ConflictAffected);
        assert_eq!(fired(&u), ["armed_conflict.fatalities"]);
        // 24: does not.
        let u = run(
            &one_year(tally(&[(SB, 4, 5), (NS, 1, 4)]), Tally::default()),
            BIG,
            2010,
        );
        assert_eq!(u.verdict, Verdict::Neither);
    }

    #[test]
    fn armed_conflict_density_alone_needs_the_minimum_count() {
        // 12 deaths over 2,000 km² = 60 per 10,000 km² ≥ 33, count 12 ≥ 10.
        let u = run(
            &one_year(tally(&[(SB, 3, 4)]), Tally::default()),
            2_000.0,
            2010,
        );
        assert_eq!(u.verdict, Verdict::ConflictAffected);
        assert_eq!(fired(&u), ["armed_conflict.density"]);
        assert!((u.checks[1].value - 60.0).abs() < 1e-9);
        // 8 deaths over 200 km² = 400 per 10,000 km², but fewer than 10.
        let u = run(
            &one_year(tally(&[(SB, 2, 4)]), Tally::default()),
            200.0,
            2010,
        );
        assert_eq!(u.verdict, Verdict::Neither);
    }

    #[test]
    fn widespread_violence_rules_alone() {
        // One-sided deaths 25 in 5 events (civilian-targeting events 5 < 10).
        let u = run(&one_year(tally(&[(OS, 5, 5)]), Tally::default()), BIG, 2010);
        assert_eq!(u.verdict, Verdict::HighRisk);
        assert_eq!(fired(&u), ["widespread_violence.one_sided_fatalities"]);
        // 10 civilian-targeting events with no deaths.
        let u = run(
            &one_year(tally(&[(OS, 10, 0)]), Tally::default()),
            BIG,
            2010,
        );
        assert_eq!(u.verdict, Verdict::HighRisk);
        assert_eq!(fired(&u), ["widespread_violence.civilian_targeting_events"]);
        // 12 one-sided deaths over 2,000 km².
        let u = run(
            &one_year(tally(&[(OS, 2, 6)]), Tally::default()),
            2_000.0,
            2010,
        );
        assert_eq!(fired(&u), ["widespread_violence.one_sided_density"]);
        assert_eq!(u.verdict, Verdict::HighRisk);
    }

    #[test]
    fn several_rules_conflict_affected_wins() {
        let u = run(
            &one_year(tally(&[(SB, 1, 30), (OS, 10, 3)]), Tally::default()),
            BIG,
            2010,
        );
        assert_eq!(u.verdict, Verdict::ConflictAffected);
        assert_eq!(
            fired(&u),
            [
                "armed_conflict.fatalities",
                "widespread_violence.one_sided_fatalities",
                "widespread_violence.civilian_targeting_events"
            ]
        );
    }

    #[test]
    fn persistence_two_of_three_previous_years() {
        let mut t = YearTallies::new();
        t.insert(2007, (tally(&[(SB, 1, 30)]), Tally::default()));
        t.insert(2009, (tally(&[(NS, 1, 26)]), Tally::default()));
        t.insert(2010, (tally(&[(SB, 1, 3)]), Tally::default()));
        let u = run(&t, BIG, 2010);
        assert_eq!(u.verdict, Verdict::HighRisk);
        assert_eq!(fired(&u), ["persistence"]);
        assert_eq!(u.conflict_years_before, vec![2007, 2009]);
        assert_eq!(
            u.checks[5].detail,
            "armed-conflict years among 2007–2009: 2 (2007, 2009) ≥ 2"
        );
        // 2011: window 2008–2010 holds one conflict year only.
        let u = run(&t, BIG, 2011);
        assert_eq!(u.verdict, Verdict::Neither);
        assert_eq!(u.conflict_years_before, vec![2009]);
    }

    #[test]
    fn insufficient_by_coverage() {
        // 2020 is outside the coverage: insufficient whatever the numbers.
        let mut t = YearTallies::new();
        t.insert(2020, (tally(&[(SB, 1, 100)]), Tally::default()));
        let u = run(&t, BIG, 2020);
        assert_eq!(u.verdict, Verdict::InsufficientData);
        assert!(
            u.insufficient[0].contains("not entirely inside the stated coverage"),
            "{:?}",
            u.insufficient
        );
        // 2000: the year is covered and quiet, but 1997–1999 are not: persistence could fire.
        let u = run(&YearTallies::new(), BIG, 2000);
        assert_eq!(u.verdict, Verdict::InsufficientData);
        assert_eq!(u.uncovered_years_before, vec![1997, 1998, 1999]);
        assert!(
            u.insufficient[0].starts_with("persistence could fire"),
            "{:?}",
            u.insufficient
        );
        // 2002: 2001 covered and quiet, 1999 uncovered and 2000 quiet: at most 1 of 3 -> neither.
        let u = run(&YearTallies::new(), BIG, 2002);
        assert_eq!(u.verdict, Verdict::Neither);
        // 2000 with armed conflict on covered data: the verdict stands.
        let mut t = YearTallies::new();
        t.insert(2000, (tally(&[(SB, 1, 30)]), Tally::default()));
        assert_eq!(run(&t, BIG, 2000).verdict, Verdict::ConflictAffected);
        // A file covering half a year: that year is not fully covered.
        let mut c = coverage();
        c.files[0].end = d(2019, 6, 30);
        c.end = d(2019, 6, 30);
        assert!(!year_fully_covered(&c, 2019));
        assert!(year_fully_covered(&c, 2018));
        assert_eq!(last_full_year(&c), Some(2018));
        // Two files that abut cover the year; a gap does not.
        c.files.push(FileCoverage {
            path: "b".into(),
            start: d(2019, 7, 1),
            end: d(2020, 3, 31),
            basis: CoverageBasis::Observed,
        });
        assert!(year_fully_covered(&c, 2019));
        c.files[1].start = d(2019, 7, 2);
        assert!(!year_fully_covered(&c, 2019));
    }

    #[test]
    fn insufficient_by_imprecision() {
        // Only imprecise events.
        let u = run(&one_year(Tally::default(), tally(&[(SB, 1, 2)])), BIG, 2010);
        assert_eq!(u.verdict, Verdict::InsufficientData);
        assert!(u.insufficient[0].contains("all 1 events of 2010 here are imprecise"));
        // Precise events below the thresholds, imprecise ones that would push over.
        let u = run(
            &one_year(tally(&[(SB, 1, 20)]), tally(&[(SB, 1, 10)])),
            BIG,
            2010,
        );
        assert_eq!(u.verdict, Verdict::InsufficientData);
        assert!(
            u.insufficient[0].starts_with("armed_conflict.fatalities would fire"),
            "{:?}",
            u.insufficient
        );
        // ... and imprecise ones that could not: neither.
        let u = run(
            &one_year(tally(&[(SB, 1, 20)]), tally(&[(SB, 1, 2)])),
            BIG,
            2010,
        );
        assert_eq!(u.verdict, Verdict::Neither);
        // A rule fired on precise events stands.
        let u = run(
            &one_year(tally(&[(SB, 1, 30)]), tally(&[(OS, 40, 1)])),
            BIG,
            2010,
        );
        assert_eq!(u.verdict, Verdict::ConflictAffected);
        // What counts as imprecise.
        let r = rules();
        let mut e = event(1, 2010, SB, 1, 0.0, 0.0);
        assert!(!r.is_imprecise(&e));
        e.location_precision = Some(3);
        assert!(!r.is_imprecise(&e));
        e.location_precision = Some(4);
        assert!(r.is_imprecise(&e));
        e.source = EventSource::Acled;
        e.location_precision = Some(3);
        assert!(r.is_imprecise(&e));
    }

    fn square(id: &str, x0: f64, y0: f64, x1: f64, y1: f64) -> Region {
        Region {
            region_id: id.into(),
            level: 1,
            name: format!("Region {id}"),
            country_iso3: Some("TST".into()),
            country_name: Some("Test".into()),
            iso_3166_2: None,
            geometry: MultiPolygon(vec![
                polygon![(x: x0, y: y0), (x: x1, y: y0), (x: x1, y: y1), (x: x0, y: y1)],
            ]),
            source: "test".into(),
            extra: Default::default(),
        }
    }

    fn site(id: &str, at: Option<(f64, f64)>) -> Site {
        Site {
            site_id: id.into(),
            name: id.into(),
            kind: SiteKind::Tabulated,
            country: None,
            country_iso3: Some("TST".into()),
            admin1: None,
            lat: at.map(|a| a.0),
            lon: at.map(|a| a.1),
            coord_precision: None,
            commodities: Vec::new(),
            products: Vec::new(),
            status: None,
            status_as_of: None,
            operator: None,
            owners: Vec::new(),
            source_url: None,
            records: Vec::new(),
            extra: Default::default(),
        }
    }

    /// Region A = [0,2]×[0,2] (≈ 49,000 km²), region B = [0,2]×[4,6] with armed conflict.
    /// 30 state-based deaths at (lat 1, lon 2.2): outside A (≈ 24 km east, beyond the snap
    /// tolerance). Sites: S1 at lon 1.9 (≈ 33 km from the deaths), S2 at lon 0.2 (≈ 222 km),
    /// S3 without coordinates, S4 at lon 2.5 (in no region), S5 in B.
    fn crafted() -> Dataset {
        Dataset {
            regions: vec![
                square("A", 0.0, 0.0, 2.0, 2.0),
                square("B", 4.0, 0.0, 6.0, 2.0),
            ],
            events: vec![
                event(1, 2010, SB, 30, 1.0, 2.2),
                event(2, 2010, SB, 40, 1.0, 5.0),
            ],
            sites: vec![
                site("S1", Some((1.0, 1.9))),
                site("S2", Some((1.0, 0.2))),
                site("S3", None),
                site("S4", Some((1.0, 2.5))),
                site("S5", Some((1.0, 4.5))),
            ],
            ..Default::default()
        }
    }

    #[test]
    fn sites_inherit_and_are_overridden_upward() {
        let ds = crafted();
        let report = screen(
            &ds,
            &EventFilter::all(EventSource::UcdpGed),
            &coverage(),
            &rules(),
            &[2010],
            50.0,
        )
        .unwrap();
        assert_eq!(report.placement.events, 2);
        assert_eq!((report.placement.inside, report.placement.outside), (1, 1));
        let region = |id: &str| report.regions.iter().find(|r| r.region_id == id).unwrap();
        assert_eq!(region("A").result.verdict, Verdict::Neither);
        assert_eq!(region("B").result.verdict, Verdict::ConflictAffected);
        let s = |id: &str| report.sites.iter().find(|s| s.site_id == id).unwrap();
        assert_eq!(
            (s("S1").verdict, s("S1").basis),
            (Verdict::ConflictAffected, SiteBasis::Overridden)
        );
        assert_eq!(s("S1").region_id.as_deref(), Some("A"));
        assert_eq!(s("S1").fired[0].scope, "within 50 km");
        assert_eq!(s("S1").fired[0].value, 30.0);
        assert_eq!(
            (s("S2").verdict, s("S2").basis),
            (Verdict::Neither, SiteBasis::Inherited)
        );
        assert_eq!(
            (s("S3").verdict, s("S3").basis),
            (Verdict::InsufficientData, SiteBasis::NoCoordinates)
        );
        assert_eq!(
            (s("S4").verdict, s("S4").basis),
            (Verdict::ConflictAffected, SiteBasis::SurroundingsOnly)
        );
        assert_eq!(s("S4").region_id, None);
        // Inherited from B: the region's rule is listed with its scope.
        assert_eq!(
            (s("S5").verdict, s("S5").basis),
            (Verdict::ConflictAffected, SiteBasis::Inherited)
        );
        assert_eq!(s("S5").fired[0].scope, "region B");
        // Never lowered: a calm site in a conflict-affected region keeps the region's verdict.
        let mut calm = crafted();
        calm.sites = vec![site("S6", Some((1.9, 5.9)))];
        calm.events[1].lat = 0.1;
        calm.events[1].lon = 4.1;
        let r = screen(
            &calm,
            &EventFilter::all(EventSource::UcdpGed),
            &coverage(),
            &rules(),
            &[2010],
            50.0,
        )
        .unwrap();
        assert!(r.sites[0].surroundings.as_ref().unwrap().counts.events == 0);
        assert_eq!(r.sites[0].verdict, Verdict::ConflictAffected);
    }

    /// Per-country coverage: A lies in Mali, B in Niger; the source covers 2000–2019 but
    /// Niger's data stop at 2009 (a global file 2000–2009 and a Mali file 2010–2019). B's 40
    /// deaths of 2010 (event 2) make it conflict-affected in 2010 on the data held; in 2011 B is
    /// quiet and uncovered: insufficient data, never neither. S7 (lat 1, lon 3.8) lies in no
    /// region, 0.2° ≈ 22 km west of B: its 50 km surroundings reach Niger.
    #[test]
    fn insufficient_where_the_country_is_not_covered() {
        use crate::ingest::plan::{Coverage, SourceReport};
        let mut ds = crafted();
        ds.regions[0].country_iso3 = Some("MLI".into());
        ds.regions[1].country_iso3 = Some("NER".into());
        ds.sites = vec![site("S5", Some((1.0, 4.5))), site("S7", Some((1.0, 3.8)))];
        ds.sites[0].country_iso3 = Some("NER".into());
        ds.sites[1].country_iso3 = None;
        let file = |path: &str, countries: &[&str]| SourceReport {
            path: path.into(),
            kind: "ucdp_ged".into(),
            coverage: Some(Coverage {
                start: "2000-01-01".into(),
                end: "2019-12-31".into(),
            }),
            countries: countries.iter().map(|c| c.to_string()).collect(),
            ..Default::default()
        };
        let table = EventCoverage::from_sources(&[
            file("/d/ged_global_2000_2009.csv", &["Mali", "Niger"]),
            file("/d/mali_2010_2019.csv", &["Mali"]),
        ]);
        let f = EventFilter::all(EventSource::UcdpGed);
        let report =
            screen_with_coverage(&ds, &f, &coverage(), &table, &rules(), &[2010, 2011], 50.0)
                .unwrap();
        let region = |id: &str, y: i32| {
            &report
                .regions
                .iter()
                .find(|r| r.region_id == id && r.year == y)
                .unwrap()
                .result
        };
        assert_eq!(region("A", 2011).verdict, Verdict::Neither);
        assert_eq!(region("B", 2010).verdict, Verdict::ConflictAffected);
        assert_eq!(region("B", 2011).verdict, Verdict::InsufficientData);
        assert_eq!(
            region("B", 2011).insufficient,
            vec!["2011 is not entirely covered here by UCDP GED (NER: no data 2011-01-01..2011-12-31), and no rule fires on the data held"]
        );
        // 2010 and the look-back years before 2011 (2008, 2009 covered; 2010 not) for B.
        assert_eq!(region("B", 2011).uncovered_years_before, vec![2010]);
        let site = |id: &str, y: i32| {
            report
                .sites
                .iter()
                .find(|s| s.site_id == id && s.year == y)
                .unwrap()
        };
        assert_eq!(site("S5", 2011).verdict, Verdict::InsufficientData);
        assert_eq!(
            (site("S7", 2011).verdict, site("S7", 2011).basis),
            (Verdict::InsufficientData, SiteBasis::SurroundingsOnly)
        );
        assert!(site("S7", 2011).insufficient[0].contains("NER: no data"));
        // Without the table only the source's coverage counts: B and S7 read as neither.
        let blind = screen(&ds, &f, &coverage(), &rules(), &[2011], 50.0).unwrap();
        assert!(blind
            .regions
            .iter()
            .all(|r| r.result.verdict == Verdict::Neither));
        assert!(blind.sites.iter().all(|s| s.verdict == Verdict::Neither));
    }

    #[test]
    fn bad_screen_parameters_are_errors() {
        let ds = crafted();
        let f = EventFilter::all(EventSource::UcdpGed);
        for radius in [0.0, -1.0, f64::NAN, 1000.0] {
            let e = screen(&ds, &f, &coverage(), &rules(), &[2010], radius).unwrap_err();
            assert!(e.to_string().contains("site_radius_km"), "{e}");
        }
        let e = screen(&ds, &f, &coverage(), &rules(), &[1066], 50.0).unwrap_err();
        assert!(e.to_string().contains("year"), "{e}");
        let e = screen(
            &ds,
            &EventFilter::all(EventSource::Acled),
            &coverage(),
            &rules(),
            &[2010],
            50.0,
        )
        .unwrap_err();
        assert!(e.to_string().contains("coverage"), "{e}");
    }

    #[test]
    fn rules_file_errors_name_file_line_and_expectation() {
        let unknown = DEFAULT_RULES_TOML
            .replace("min_fatalities = 25", "min_fatalities = 25\nmin_deaths = 3");
        let e = CahraRules::from_toml_str(&unknown, "my.toml").unwrap_err();
        assert_eq!(e.file, "my.toml");
        let want = unknown
            .lines()
            .position(|l| l.starts_with("min_deaths"))
            .unwrap()
            + 1;
        assert_eq!(e.line, Some(want));
        assert!(e.message.contains("unknown field `min_deaths`"), "{e}");
        assert!(
            e.to_string()
                .starts_with(&format!("my.toml, line {want}: ")),
            "{e}"
        );

        let missing = DEFAULT_RULES_TOML.replace("window_years = 3\n", "");
        let e = CahraRules::from_toml_str(&missing, "my.toml").unwrap_err();
        assert!(e.message.contains("missing field `window_years`"), "{e}");

        let wrong_type = DEFAULT_RULES_TOML.replace("snap_km = 5.0", "snap_km = \"five\"");
        let e = CahraRules::from_toml_str(&wrong_type, "my.toml").unwrap_err();
        assert!(e.line.is_some(), "{e}");

        let out_of_range =
            DEFAULT_RULES_TOML.replace("min_conflict_years = 2", "min_conflict_years = 4");
        let e = CahraRules::from_toml_str(&out_of_range, "my.toml").unwrap_err();
        let want = out_of_range
            .lines()
            .position(|l| l.starts_with("min_conflict_years"))
            .unwrap()
            + 1;
        assert_eq!(e.line, Some(want));
        assert_eq!(e.message, "persistence.min_conflict_years = 4: expected a number of years from 1 to window_years (3)");

        let zero = DEFAULT_RULES_TOML.replace(
            "min_civilian_targeting_events = 10",
            "min_civilian_targeting_events = 0",
        );
        let e = CahraRules::from_toml_str(&zero, "my.toml").unwrap_err();
        assert!(e.message.contains("at least 1"), "{e}");

        let e = CahraRules::from_toml_str("not toml [", "my.toml").unwrap_err();
        assert_eq!(e.line, Some(1));
    }

    #[test]
    fn cap_area_of_50_km() {
        // π r² = 7,853.98 km²; the cap is slightly smaller on the sphere.
        let a = cap_area_km2(50.0);
        assert!((a - 7_853.98).abs() < 1.0, "{a}");
        assert!(a < 7_853.98);
    }
}
