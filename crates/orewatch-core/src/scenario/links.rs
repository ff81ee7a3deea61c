//! Data-linked scenario inputs: `data = "name(arg, key = value, 'text')"` resolved from the
//! loaded store into a distribution, never a point unless the data allow only one value.
//!
//! Grammar (parsed strictly; an unknown link or argument is an error listing what exists):
//! ```text
//! link  := name "(" [arg {"," arg}] ")"        name: letters, digits, `_` and `.`
//! arg   := value | key "=" value                values: bare words/numbers or 'quoted'/"quoted"
//! ```
//! Links (positional arguments in the order shown; every one may also be given by key):
//! - `wgi(country, indicator, year = latest)` — Worldwide Governance Indicators estimate of
//!   `indicator` ∈ VA PV GE RQ RL CC for ISO3 `country`, in standard-normal units (higher is
//!   better governance): draws Normal(estimate, standard error). `latest` = the newest year
//!   with an estimate. Source: Kaufmann & Kraay (2024), govindicators.org.
//! - `sites.ownership_share(home, commodity, country = all)` — look-through share (0–1) held
//!   by owners whose home country is `home` over the mines and plants with the commodity (site
//!   kinds facility and tabulated; deposits and exploration projects are not producing) and
//!   at least one owner listed. A stake held through a holding is multiplied through (Bougouni:
//!   Kodal Mining UK 65 % × Hainan Mining 51 % ≈ 33 % Chinese). Stakes without a share or home
//!   country, and the part of a site no listed owner covers, are unknown: the share lies
//!   between counting them as not-home (lower bound) and as home (upper bound); draws are
//!   uniform between the bounds (a point when they coincide). Sites are weighted by capacity
//!   when every selected site states one in the same unit, else equally; provenance says which.
//! - `supply.share(country, commodity, year = latest)` — the country's share (0–1) of world
//!   mine production in the USGS Mineral Commodity Summaries series. Bounds: over the World
//!   row and over the sum of the listed rows (countries + "Other countries"), which differ when
//!   figures are withheld or rounded; uniform between them (a point when equal).
//! - `exposure.fatalities(radius_km = 50, window_days = 365, commodity = gold, country = all)`
//!   — UCDP GED deaths within `radius_km` (great circle) of any site with the commodity and
//!   coordinates (the same site kinds as above: facilities and tabulated mines), in the window (end − window_days, end] ending at the end of GED's stated coverage. Each
//!   event counts once (even near several sites); per draw each event's deaths are drawn
//!   Triangular(low, best, high) (a point when low = high or bounds are missing) and summed.
//!   GED only (ACLED gives one fatality figure and its rows must not leave the store).
//! - `forecast.*` — an error: needs the forecast capability (issue 5), not built yet.
//!
//! Not done: links to ACLED, to the actors network, or to forecasts; time series of links.

use std::collections::BTreeMap;

use chrono::{Datelike, Duration};
use rand::{Rng, RngExt};
use serde::{Deserialize, Serialize};

use super::dist::ChunkSampler;
use super::engine::DataLinks;
use crate::analysis::events::stated_coverage;
use crate::ingest::plan::SourceReport;
use crate::model::{
    Dataset, Event, EventSource, Ownership, ProductionSeries, Site, SiteKind, WgiIndicator,
    WGI_INDICATORS,
};
use crate::spatial::CapIndex;

/// The links that exist, for error messages.
pub const LINKS: &str = "wgi(country, indicator, year), sites.ownership_share(home, commodity, country), supply.share(country, commodity, year), exposure.fatalities(radius_km, window_days, commodity, country)";

/// A parsed link: its name and arguments (positional ones bound to parameter names later).
#[derive(Debug, Clone, PartialEq)]
pub struct LinkCall {
    pub name: String,
    pub positional: Vec<String>,
    pub keyed: Vec<(String, String)>,
}

/// Parses `name(arg, key = value, 'text')`. Errors give the 1-based character column.
pub fn parse_link(text: &str) -> Result<LinkCall, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    let skip = |i: &mut usize| {
        while *i < chars.len() && chars[*i].is_whitespace() {
            *i += 1;
        }
    };
    let word = |i: &mut usize, extra: &[char]| -> String {
        let start = *i;
        while *i < chars.len()
            && (chars[*i].is_alphanumeric() || chars[*i] == '_' || extra.contains(&chars[*i]))
        {
            *i += 1;
        }
        chars[start..*i].iter().collect()
    };
    let at = |i: usize, what: &str| format!("column {}: {what}", i + 1);
    skip(&mut i);
    let name = word(&mut i, &['.']);
    if name.is_empty() {
        return Err(at(i, &format!("expected a link name, one of: {LINKS}")));
    }
    skip(&mut i);
    if chars.get(i) != Some(&'(') {
        return Err(at(i, "expected `(` after the link name"));
    }
    i += 1;
    let mut call = LinkCall {
        name,
        positional: Vec::new(),
        keyed: Vec::new(),
    };
    skip(&mut i);
    if chars.get(i) == Some(&')') {
        i += 1;
    } else {
        loop {
            skip(&mut i);
            let value = |i: &mut usize| -> Result<String, String> {
                skip(i);
                match chars.get(*i) {
                    Some(&q) if q == '\'' || q == '"' => {
                        let start = *i + 1;
                        let end = chars[start..]
                            .iter()
                            .position(|&c| c == q)
                            .map(|p| start + p)
                            .ok_or_else(|| at(*i, "unterminated quoted text"))?;
                        *i = end + 1;
                        Ok(chars[start..end].iter().collect())
                    }
                    _ => {
                        let v = word(i, &['.', '-', '+']);
                        if v.is_empty() {
                            Err(at(
                                *i,
                                "expected a value (a word, a number or 'quoted text')",
                            ))
                        } else {
                            Ok(v)
                        }
                    }
                }
            };
            let first = value(&mut i)?;
            skip(&mut i);
            if chars.get(i) == Some(&'=') {
                i += 1;
                let v = value(&mut i)?;
                call.keyed.push((first, v));
            } else {
                if !call.keyed.is_empty() {
                    return Err(at(
                        i,
                        "a positional argument cannot follow a key = value one",
                    ));
                }
                call.positional.push(first);
            }
            skip(&mut i);
            match chars.get(i) {
                Some(',') => i += 1,
                Some(')') => {
                    i += 1;
                    break;
                }
                _ => return Err(at(i, "expected `,` or `)`")),
            }
        }
    }
    skip(&mut i);
    if i < chars.len() {
        return Err(at(i, "unexpected text after `)`"));
    }
    Ok(call)
}

impl LinkCall {
    /// Binds arguments to `params` (name, default); unknown keys, too many or missing
    /// arguments are errors listing the parameters.
    fn bind(&self, params: &[(&str, Option<&str>)]) -> Result<BTreeMap<String, String>, String> {
        let list = params
            .iter()
            .map(|(p, d)| match d {
                Some(d) => format!("{p} (default {d})"),
                None => p.to_string(),
            })
            .collect::<Vec<_>>()
            .join(", ");
        if self.positional.len() > params.len() {
            return Err(format!(
                "`{}` takes at most {} arguments: {list}",
                self.name,
                params.len()
            ));
        }
        let mut out = BTreeMap::new();
        for (v, (p, _)) in self.positional.iter().zip(params) {
            out.insert(p.to_string(), v.clone());
        }
        for (k, v) in &self.keyed {
            if !params.iter().any(|(p, _)| p == k) {
                return Err(format!(
                    "`{}` has no argument `{k}`; its arguments: {list}",
                    self.name
                ));
            }
            if out.insert(k.clone(), v.clone()).is_some() {
                return Err(format!("`{}`: argument `{k}` given twice", self.name));
            }
        }
        for (p, d) in params {
            if !out.contains_key(*p) {
                match d {
                    Some(d) => {
                        out.insert(p.to_string(), d.to_string());
                    }
                    None => {
                        return Err(format!(
                            "`{}` needs the argument `{p}`; its arguments: {list}",
                            self.name
                        ))
                    }
                }
            }
        }
        Ok(out)
    }
}

/// The distribution a link resolves to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LinkDist {
    Point {
        value: f64,
    },
    Normal {
        mean: f64,
        sd: f64,
    },
    Uniform {
        min: f64,
        max: f64,
    },
    /// Sum of independent Triangular(low, best, high) terms, one per event.
    TriangularSum {
        terms: Vec<[f64; 3]>,
    },
}

/// A resolved link: its distribution and where it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Resolved {
    pub link: String,
    pub dist: LinkDist,
    /// What data, which rows and years, which method choices.
    pub provenance: String,
}

impl LinkDist {
    /// Fills `out` with draws from `rng` (each input's chunked stream, see
    /// [`super::dist::ChunkSampler::link`]).
    pub fn fill<R: Rng + ?Sized>(&self, rng: &mut R, out: &mut [f64]) {
        match self {
            LinkDist::Point { value } => out.fill(*value),
            LinkDist::Normal { mean, sd } => {
                // Box–Muller keeps this independent of rand_distr's internals.
                for x in out {
                    let u1: f64 = 1.0 - rng.random::<f64>();
                    let u2: f64 = rng.random();
                    *x = mean
                        + sd * (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos();
                }
            }
            LinkDist::Uniform { min, max } => {
                for x in out {
                    *x = min + (max - min) * rng.random::<f64>();
                }
            }
            LinkDist::TriangularSum { terms } => {
                // Called once per block of draws: no allocation, the terms filtered in place.
                let fixed: f64 = terms.iter().filter(|t| t[0] == t[2]).map(|t| t[1]).sum();
                for x in out {
                    *x = fixed
                        + terms
                            .iter()
                            .filter(|t| t[0] < t[2])
                            .map(|&t| triangular(t, rng.random::<f64>()))
                            .sum::<f64>();
                }
            }
        }
    }
}

/// Inverse CDF of Triangular(low, mode, high) at u.
fn triangular([a, c, b]: [f64; 3], u: f64) -> f64 {
    let f = (c - a) / (b - a);
    if u < f {
        a + (u * (b - a) * (c - a)).sqrt()
    } else {
        b - ((1.0 - u) * (b - a) * (b - c)).sqrt()
    }
}

/// The fields of one event that `exposure.fatalities` reads (its source is known from where
/// the rows came from: UCDP GED). Units as in [`crate::model::Event`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EventDeaths {
    pub date_start: chrono::NaiveDate,
    pub lat: f64,
    pub lon: f64,
    pub fatalities_low: Option<u32>,
    pub fatalities_best: u32,
    pub fatalities_high: Option<u32>,
}

impl EventDeaths {
    pub fn of(e: &Event) -> Self {
        EventDeaths {
            date_start: e.date_start,
            lat: e.lat,
            lon: e.lon,
            fatalities_low: e.fatalities_low,
            fatalities_best: e.fatalities_best,
            fatalities_high: e.fatalities_high,
        }
    }
}

/// Which parts of a store a set of data links reads: decided from the links' names alone,
/// before anything is loaded (an unknown or malformed link needs nothing: resolving it is
/// an error anyway).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LinkNeeds {
    /// `wgi`: the governance rows of these countries (ISO3, upper case as the link compares
    /// them; sorted, no repeats).
    pub governance: Vec<String>,
    /// `sites.ownership_share`, `exposure.fatalities`: the sites table.
    pub sites: bool,
    /// `supply.share`: the production table.
    pub production: bool,
    /// `exposure.fatalities`: the UCDP GED events' dates, coordinates and deaths
    /// ([`EventDeaths`]) and the manifest's stated GED coverage.
    pub ged_events: bool,
}

impl LinkNeeds {
    /// The union of what `links` read.
    pub fn of<'l>(links: impl IntoIterator<Item = &'l str>) -> Self {
        let mut needs = LinkNeeds::default();
        for link in links {
            let Ok(call) = parse_link(link) else { continue };
            match call.name.as_str() {
                "wgi" => {
                    // A link without a country reads nothing (resolving it is an error).
                    let bound = call.bind(&[
                        ("country", None),
                        ("indicator", None),
                        ("year", Some("latest")),
                    ]);
                    if let Ok(a) = bound {
                        needs.governance.push(a["country"].to_ascii_uppercase());
                    }
                }
                "sites.ownership_share" => needs.sites = true,
                "supply.share" => needs.production = true,
                "exposure.fatalities" => {
                    needs.sites = true;
                    needs.ged_events = true;
                }
                _ => {}
            }
        }
        needs.governance.sort();
        needs.governance.dedup();
        needs
    }
}

/// Data links resolved from a loaded store.
pub struct StoreLinks<'a> {
    /// Governance, sites and production are read from here; events from `ged` (see
    /// [`StoreLinks::with_ged_events`]).
    pub dataset: &'a Dataset,
    /// The manifest's sources (for an event source's stated coverage).
    pub sources: &'a [SourceReport],
    ged: Vec<EventDeaths>,
}

impl DataLinks for StoreLinks<'_> {
    fn sampler(&self, link: &str) -> Result<ChunkSampler, String> {
        Ok(ChunkSampler::link(self.resolve(link)?.dist))
    }
}

/// Links resolved once already (by [`StoreLinks::resolve`], for a run's provenance), each
/// with its variable: served to the engine without resolving them again.
pub struct ResolvedLinks<'a>(pub &'a [(String, Resolved)]);

impl DataLinks for ResolvedLinks<'_> {
    fn sampler(&self, link: &str) -> Result<ChunkSampler, String> {
        self.0
            .iter()
            .find(|(_, r)| r.link == link)
            .map(|(_, r)| ChunkSampler::link(r.dist.clone()))
            .ok_or_else(|| format!("internal: data link `{link}` was not resolved before the run"))
    }
}

impl<'a> StoreLinks<'a> {
    /// Links over a whole dataset (its UCDP GED events are taken from `dataset.events`).
    pub fn new(dataset: &'a Dataset, sources: &'a [SourceReport]) -> Self {
        let ged = dataset
            .events
            .iter()
            .filter(|e| e.source == EventSource::UcdpGed)
            .map(EventDeaths::of)
            .collect();
        StoreLinks {
            dataset,
            sources,
            ged,
        }
    }

    /// Links over a partly loaded dataset (`dataset.events` is ignored) and the UCDP GED
    /// events' [`EventDeaths`] loaded apart (e.g. by the store's narrow loader).
    pub fn with_ged_events(
        dataset: &'a Dataset,
        sources: &'a [SourceReport],
        ged: Vec<EventDeaths>,
    ) -> Self {
        StoreLinks {
            dataset,
            sources,
            ged,
        }
    }

    /// Parses the link and computes its distribution (no draws).
    pub fn resolve(&self, link: &str) -> Result<Resolved, String> {
        let call = parse_link(link)?;
        let (dist, provenance) = match call.name.as_str() {
            "wgi" => self.wgi(&call)?,
            "sites.ownership_share" => self.ownership_share(&call)?,
            "supply.share" => self.supply_share(&call)?,
            "exposure.fatalities" => self.exposure_fatalities(&call)?,
            name if name.starts_with("forecast.") || name == "forecast" => {
                return Err(format!(
                    "`{name}` needs the forecast capability (issue 5), not built yet; available links: {LINKS}"
                ))
            }
            other => return Err(format!("unknown data link `{other}`; available: {LINKS}")),
        };
        Ok(Resolved {
            link: link.to_string(),
            dist,
            provenance,
        })
    }

    fn wgi(&self, call: &LinkCall) -> Result<(LinkDist, String), String> {
        let a = call.bind(&[
            ("country", None),
            ("indicator", None),
            ("year", Some("latest")),
        ])?;
        let iso3 = a["country"].to_ascii_uppercase();
        let code = a["indicator"].to_ascii_uppercase();
        let indicator = WGI_INDICATORS
            .iter()
            .copied()
            .find(|i| i.code().eq_ignore_ascii_case(&code))
            .ok_or_else(|| {
                format!("wgi: unknown indicator `{code}`; allowed: VA, PV, GE, RQ, RL, CC")
            })?;
        let rows: Vec<_> = self
            .dataset
            .governance
            .iter()
            .filter(|g| g.iso3 == iso3)
            .filter(|g| g.get(indicator).estimate.is_some())
            .collect();
        if rows.is_empty() {
            return Err(format!(
                "wgi: no {} estimate for `{iso3}` in the store (ingest the WGI file; country is an ISO3 code)",
                code
            ));
        }
        let row = match a["year"].as_str() {
            "latest" => rows.iter().max_by_key(|g| g.year).copied(),
            y => {
                let year: i32 = y
                    .parse()
                    .map_err(|_| format!("wgi: year `{y}` is not `latest` or a year"))?;
                rows.iter().find(|g| g.year == year).copied()
            }
        }
        .ok_or_else(|| {
            let years: Vec<String> = rows.iter().map(|g| g.year.to_string()).collect();
            format!(
                "wgi: no {code} estimate for {iso3} in {}; years with one: {}",
                a["year"],
                years.join(", ")
            )
        })?;
        let v = row.get(indicator);
        let estimate = v.estimate.unwrap_or(f64::NAN);
        let provenance = format!(
            "World Bank Worldwide Governance Indicators, {iso3} {} {}: estimate {estimate}, standard error {}, {} sources. Kaufmann & Kraay (2024), govindicators.org",
            wgi_name(indicator),
            row.year,
            v.std_error.map_or("not given (point)".into(), |s| s.to_string()),
            v.n_sources.map_or("?".into(), |n| n.to_string()),
        );
        let dist = match v.std_error {
            Some(sd) if sd > 0.0 => LinkDist::Normal { mean: estimate, sd },
            _ => LinkDist::Point { value: estimate },
        };
        Ok((dist, provenance))
    }

    fn producing_sites(&self, commodity: &str, country: &str) -> Vec<&'a Site> {
        self.dataset
            .sites
            .iter()
            .filter(|s| matches!(s.kind, SiteKind::Facility | SiteKind::Tabulated))
            .filter(|s| s.commodities.iter().any(|c| c == commodity))
            .filter(|s| {
                country == "all"
                    || s.country_iso3
                        .as_deref()
                        .is_some_and(|c| c.eq_ignore_ascii_case(country))
            })
            .collect()
    }

    fn ownership_share(&self, call: &LinkCall) -> Result<(LinkDist, String), String> {
        let a = call.bind(&[
            ("home", None),
            ("commodity", None),
            ("country", Some("all")),
        ])?;
        let home = a["home"].as_str();
        let commodity = a["commodity"].to_lowercase();
        let sites: Vec<&Site> = self
            .producing_sites(&commodity, &a["country"])
            .into_iter()
            .filter(|s| !s.owners.is_empty())
            .collect();
        if sites.is_empty() {
            return Err(format!(
                "sites.ownership_share: no mine or plant with commodity `{commodity}` and listed owners{} in the store",
                if a["country"] == "all" { String::new() } else { format!(" in {}", a["country"]) }
            ));
        }
        // Capacity weights only when every site states one in the same unit.
        let caps: Vec<Option<(f64, String)>> = sites
            .iter()
            .map(|s| {
                s.products
                    .iter()
                    .find(|p| p.commodity == commodity)
                    .and_then(|p| Some((p.capacity?, p.capacity_unit.clone()?)))
                    .filter(|(c, _)| *c > 0.0)
            })
            .collect();
        let by_capacity = caps.iter().all(Option::is_some)
            && caps
                .iter()
                .flatten()
                .all(|(_, u)| Some(u) == caps[0].as_ref().map(|(_, u)| u));
        let weights: Vec<f64> = if by_capacity {
            caps.iter().flatten().map(|(c, _)| *c).collect()
        } else {
            vec![1.0; sites.len()]
        };
        let total: f64 = weights.iter().sum();
        let (mut lo, mut hi) = (0.0, 0.0);
        let mut parts = Vec::new();
        for (site, w) in sites.iter().zip(&weights) {
            let (l, h) = look_through(&site.owners, home);
            lo += w / total * l;
            hi += w / total * h;
            parts.push(format!(
                "{} ({}) {:.4}–{:.4}",
                site.name, site.site_id, l, h
            ));
        }
        let weighting = if by_capacity {
            format!(
                "weighted by capacity ({})",
                caps[0].as_ref().map_or("", |(_, u)| u.as_str())
            )
        } else {
            "weighted equally (not every site states a capacity in one unit)".to_string()
        };
        let provenance = format!(
            "look-through ownership share of owners from {home} over {} site(s) with {commodity}{}: {}; {weighting}; unknown stakes counted as not-{home} (lower) / {home} (upper). Sources: the store's site tables (hand-tabulated Mali sites with cited URLs; USGS Africa GIS, ownership as of 2018)",
            sites.len(),
            if a["country"] == "all" { String::new() } else { format!(" in {}", a["country"]) },
            parts.join("; ")
        );
        Ok((bounds(lo, hi), provenance))
    }

    fn supply_share(&self, call: &LinkCall) -> Result<(LinkDist, String), String> {
        let a = call.bind(&[
            ("country", None),
            ("commodity", None),
            ("year", Some("latest")),
        ])?;
        let iso3 = a["country"].to_ascii_uppercase();
        let commodity = a["commodity"].to_lowercase();
        let rows: Vec<_> = self
            .dataset
            .production
            .iter()
            .filter(|p| p.series == ProductionSeries::UsgsMcs && p.commodity == commodity)
            .filter(|p| p.stage.as_deref().is_none_or(|s| s == "mine"))
            .collect();
        let country_rows: Vec<_> = rows
            .iter()
            .filter(|p| p.iso3.as_deref() == Some(iso3.as_str()) && p.quantity.is_some())
            .collect();
        if country_rows.is_empty() {
            return Err(format!(
                "supply.share: no USGS MCS mine production of `{commodity}` for `{iso3}` in the store"
            ));
        }
        let row = match a["year"].as_str() {
            "latest" => country_rows.iter().max_by_key(|p| p.year).copied(),
            y => {
                let year: i32 = y
                    .parse()
                    .map_err(|_| format!("supply.share: year `{y}` is not `latest` or a year"))?;
                country_rows.iter().find(|p| p.year == year).copied()
            }
        }
        .ok_or_else(|| {
            let years: Vec<String> = country_rows.iter().map(|p| p.year.to_string()).collect();
            format!(
                "supply.share: no {commodity} figure for {iso3} in {}; years: {}",
                a["year"],
                years.join(", ")
            )
        })?;
        let year = row.year;
        let quantity = row.quantity.unwrap_or(f64::NAN);
        let same_year: Vec<_> = rows
            .iter()
            .filter(|p| p.year == year && p.unit == row.unit)
            .collect();
        let world = same_year
            .iter()
            .find(|p| p.iso3.is_none() && p.country.to_lowercase().starts_with("world"))
            .and_then(|p| p.quantity);
        let listed: f64 = same_year
            .iter()
            .filter(|p| !(p.iso3.is_none() && p.country.to_lowercase().starts_with("world")))
            .filter_map(|p| p.quantity)
            .sum();
        let withheld = same_year.iter().filter(|p| p.quantity.is_none()).count();
        let totals: Vec<f64> = world
            .into_iter()
            .chain([listed])
            .filter(|t| *t > 0.0)
            .collect();
        let (min_t, max_t) = totals
            .iter()
            .fold((f64::INFINITY, 0.0f64), |(a, b), &t| (a.min(t), b.max(t)));
        if totals.is_empty() {
            return Err(format!(
                "supply.share: no world total for {commodity} in {year}"
            ));
        }
        let provenance = format!(
            "USGS Mineral Commodity Summaries ({}), {commodity} mine production {year} ({}): {iso3} {quantity} ({}), World row {}, sum of listed rows {listed} ({withheld} withheld); share between {:.5} and {:.5}",
            row.edition.as_deref().unwrap_or("edition not stated"),
            row.unit,
            if row.value_type == crate::model::ValueType::Estimated { "estimated" } else { "reported" },
            world.map_or("missing".to_string(), |w| w.to_string()),
            quantity / max_t,
            quantity / min_t,
        );
        Ok((bounds(quantity / max_t, quantity / min_t), provenance))
    }

    fn exposure_fatalities(&self, call: &LinkCall) -> Result<(LinkDist, String), String> {
        let a = call.bind(&[
            ("radius_km", Some("50")),
            ("window_days", Some("365")),
            ("commodity", Some("gold")),
            ("country", Some("all")),
        ])?;
        let radius_km: f64 = a["radius_km"]
            .parse()
            .ok()
            .filter(|r: &f64| r.is_finite() && *r > 0.0)
            .ok_or_else(|| {
                format!(
                    "exposure.fatalities: radius_km `{}` must be a positive number of km",
                    a["radius_km"]
                )
            })?;
        let window_days: i64 = a["window_days"]
            .parse()
            .ok()
            .filter(|w: &i64| *w > 0)
            .ok_or_else(|| {
                format!(
                    "exposure.fatalities: window_days `{}` must be a positive whole number",
                    a["window_days"]
                )
            })?;
        let commodity = a["commodity"].to_lowercase();
        let coverage = stated_coverage(self.sources, EventSource::UcdpGed).ok_or(
            "exposure.fatalities: the store lists no UCDP GED file (the link uses GED only: its deaths have low/best/high bounds)",
        )?;
        let end = coverage.end;
        let start = end - Duration::days(window_days); // excluded
        let sites: Vec<(f64, f64)> = self
            .producing_sites(&commodity, &a["country"])
            .into_iter()
            .filter_map(|s| Some((s.lon?, s.lat?)))
            .collect();
        if sites.is_empty() {
            return Err(format!(
                "exposure.fatalities: no mine or plant with commodity `{commodity}` and coordinates{}",
                if a["country"] == "all" { String::new() } else { format!(" in {}", a["country"]) }
            ));
        }
        // The spatial index's test is exact (haversine ≤ R, as a scan over the sites would be).
        let (lons, lats): (Vec<f64>, Vec<f64>) = sites.iter().copied().unzip();
        let index = CapIndex::new(&lats, &lons, radius_km).map_err(|e| e.to_string())?;
        let mut terms = Vec::new();
        for e in &self.ged {
            if e.date_start <= start || e.date_start > end {
                continue;
            }
            let mut near = false;
            index.for_each_site_near(e.lat, e.lon, |_| near = true);
            if near {
                let best = f64::from(e.fatalities_best);
                let low = e.fatalities_low.map_or(best, f64::from).min(best);
                let high = e.fatalities_high.map_or(best, f64::from).max(best);
                terms.push([low, best, high]);
            }
        }
        // `+ 0.0`: an empty sum is −0.0.
        let sum = |i: usize| terms.iter().map(|t| t[i]).sum::<f64>() + 0.0;
        let provenance = format!(
            "UCDP GED events (file {}) within {radius_km} km of {} {commodity} site(s){} with coordinates, {} days ending {} ({}-{:02}-{:02} excluded): {} events, deaths low {} / best {} / high {}; each event Triangular(low, best, high), summed. Sundberg & Melander (2013); Davies, Pettersson & Öberg (2021)",
            coverage.files.first().map_or("?".to_string(), |f| f.path.clone()),
            sites.len(),
            if a["country"] == "all" { String::new() } else { format!(" in {}", a["country"]) },
            window_days,
            end,
            start.year(),
            start.month(),
            start.day(),
            terms.len(),
            sum(0),
            sum(1),
            sum(2),
        );
        Ok((LinkDist::TriangularSum { terms }, provenance))
    }
}

fn bounds(lo: f64, hi: f64) -> LinkDist {
    if (hi - lo).abs() < 1e-12 {
        LinkDist::Point { value: lo }
    } else {
        LinkDist::Uniform {
            min: lo.min(hi),
            max: lo.max(hi),
        }
    }
}

fn wgi_name(i: WgiIndicator) -> &'static str {
    match i {
        WgiIndicator::VA => "Voice and Accountability",
        WgiIndicator::PV => "Political Stability and Absence of Violence/Terrorism",
        WgiIndicator::GE => "Government Effectiveness",
        WgiIndicator::RQ => "Regulatory Quality",
        WgiIndicator::RL => "Rule of Law",
        WgiIndicator::CC => "Control of Corruption",
    }
}

/// Look-through share (lower, upper) of `home` in a list of stakes: a stake with the home
/// country counts fully; one held through owners is multiplied through them; a stake without
/// a share or a home (and the part no listed stake covers) is unknown: 0 in the lower bound,
/// fully home in the upper.
pub fn look_through(owners: &[Ownership], home: &str) -> (f64, f64) {
    let is_home = |o: &Ownership| {
        o.home_country
            .as_deref()
            .map(|h| h.trim().eq_ignore_ascii_case(home.trim()))
    };
    let mut lo = 0.0;
    let mut hi = 0.0;
    let mut covered = 0.0;
    let mut unknown_share = false;
    for o in owners {
        let Some(pct) = o.share_pct else {
            unknown_share = true;
            continue;
        };
        let s = (pct / 100.0).clamp(0.0, 1.0);
        covered += s;
        let (l, h) = if !o.held_by.is_empty() {
            look_through(&o.held_by, home)
        } else {
            match is_home(o) {
                Some(true) => (1.0, 1.0),
                Some(false) => (0.0, 0.0),
                None => (0.0, 1.0),
            }
        };
        lo += s * l;
        hi += s * h;
    }
    let rest = (1.0 - covered).max(0.0);
    if rest > 1e-12 || unknown_share {
        hi += rest;
    }
    (lo.min(1.0), hi.min(1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owner(name: &str, pct: Option<f64>, home: Option<&str>, held: Vec<Ownership>) -> Ownership {
        Ownership {
            owner: name.into(),
            share_pct: pct,
            home_country: home.map(String::from),
            held_by: held,
        }
    }

    #[test]
    fn parses_the_link_grammar_strictly() {
        let c =
            parse_link("exposure.fatalities(radius_km = 50, window_days=365, commodity = 'gold')")
                .unwrap();
        assert_eq!(c.name, "exposure.fatalities");
        assert!(c.positional.is_empty());
        assert_eq!(c.keyed[2], ("commodity".into(), "gold".into()));
        let c = parse_link("supply.share(MLI, lithium, latest)").unwrap();
        assert_eq!(c.positional, ["MLI", "lithium", "latest"]);
        let c =
            parse_link("sites.ownership_share(home = 'United Kingdom', commodity = \"lithium\")")
                .unwrap();
        assert_eq!(c.keyed[0].1, "United Kingdom");
        assert!(parse_link("wgi(MLI, CC")
            .unwrap_err()
            .contains("expected `,` or `)`"));
        assert!(parse_link("wgi MLI").unwrap_err().contains("expected `(`"));
        assert!(parse_link("wgi(a = 1, MLI)")
            .unwrap_err()
            .contains("positional argument cannot follow"));
        assert!(parse_link("wgi('MLI)")
            .unwrap_err()
            .contains("unterminated"));
    }

    #[test]
    fn binding_names_unknown_and_missing_arguments() {
        let c = parse_link("wgi(MLI, CC, colour = red)").unwrap();
        let e = c
            .bind(&[
                ("country", None),
                ("indicator", None),
                ("year", Some("latest")),
            ])
            .unwrap_err();
        assert!(
            e.contains("no argument `colour`") && e.contains("year (default latest)"),
            "{e}"
        );
        let c = parse_link("wgi(MLI)").unwrap();
        let e = c
            .bind(&[("country", None), ("indicator", None)])
            .unwrap_err();
        assert!(e.contains("needs the argument `indicator`"), "{e}");
    }

    #[test]
    fn link_needs_follow_the_link_names() {
        let needs = LinkNeeds::of([
            "wgi(mli, CC, latest)",
            "wgi(country = 'BFA', indicator = PV)",
            "wgi(MLI, GE)",
            "exposure.fatalities(radius_km = 100)",
        ]);
        assert_eq!(
            needs,
            LinkNeeds {
                governance: vec!["BFA".into(), "MLI".into()],
                sites: true,
                production: false,
                ged_events: true,
            }
        );
        let needs = LinkNeeds::of([
            "supply.share(MLI, gold)",
            "sites.ownership_share(China, lithium)",
        ]);
        assert!(
            needs.production && needs.sites && !needs.ged_events && needs.governance.is_empty()
        );
        // Unknown or malformed links need nothing (resolving them reports the error).
        assert_eq!(
            LinkNeeds::of(["weather(MLI)", "wgi(", "wgi()"]),
            LinkNeeds::default()
        );
    }

    #[test]
    fn look_through_multiplies_holdings_and_bounds_the_unknown() {
        // Bougouni: Kodal Mining UK 65 % (Hainan Mining 51 % China / Kodal Minerals 49 % UK),
        // State of Mali 35 %: Chinese 0.65 × 0.51 = 0.3315 exactly, no unknown.
        let bougouni = vec![
            owner(
                "Kodal Mining UK",
                Some(65.0),
                Some("United Kingdom"),
                vec![
                    owner("Hainan Mining", Some(51.0), Some("China"), vec![]),
                    owner("Kodal Minerals", Some(49.0), Some("United Kingdom"), vec![]),
                ],
            ),
            owner("State of Mali", Some(35.0), Some("Mali"), vec![]),
        ];
        let (lo, hi) = look_through(&bougouni, "China");
        assert!((lo - 0.3315).abs() < 1e-12 && (hi - 0.3315).abs() < 1e-12);
        // 60 % Chinese, 20 % of unknown home, 20 % not listed: [0.6, 1.0].
        let partial = vec![
            owner("A", Some(60.0), Some("China"), vec![]),
            owner("B", Some(20.0), None, vec![]),
        ];
        let (lo, hi) = look_through(&partial, "china");
        assert!((lo - 0.6).abs() < 1e-12 && (hi - 1.0).abs() < 1e-12);
    }

    #[test]
    fn unknown_and_forecast_links_say_what_exists() {
        let data = Dataset::default();
        let links = StoreLinks::new(&data, &[]);
        let e = links.resolve("weather(MLI)").unwrap_err();
        assert!(
            e.contains("unknown data link `weather`") && e.contains("supply.share"),
            "{e}"
        );
        let e = links
            .resolve("forecast.fatalities(months = 36)")
            .unwrap_err();
        assert!(
            e.contains("needs the forecast capability (issue 5), not built yet"),
            "{e}"
        );
        let e = links.resolve("wgi(MLI, XX)").unwrap_err();
        assert!(e.contains("allowed: VA, PV, GE, RQ, RL, CC"), "{e}");
    }

    #[test]
    fn resolved_links_serve_their_distribution_and_refuse_others() {
        let resolved = vec![(
            "w".to_string(),
            Resolved {
                link: "wgi(MLI, CC, latest)".into(),
                dist: LinkDist::Point { value: -0.86 },
                provenance: "test".into(),
            },
        )];
        let links = ResolvedLinks(&resolved);
        let x = links
            .sampler("wgi(MLI, CC, latest)")
            .unwrap()
            .sample_chunked(3, 5)
            .unwrap();
        assert_eq!(x, [-0.86; 5]);
        let e = links.sampler("wgi(NER, CC, latest)").err().unwrap();
        assert!(e.contains("`wgi(NER, CC, latest)` was not resolved"), "{e}");
    }

    #[test]
    fn triangular_sum_keeps_points_and_the_mean() {
        // Terms (2,2,2) fixed and (0,3,6) symmetric: mean 2 + 3 = 5, support [2, 8].
        let d = LinkDist::TriangularSum {
            terms: vec![[2.0, 2.0, 2.0], [0.0, 3.0, 6.0]],
        };
        let draws = |d: LinkDist| ChunkSampler::link(d).sample_chunked(1, 100_000).unwrap();
        let moments = |x: &[f64]| {
            let mean = x.iter().sum::<f64>() / x.len() as f64;
            let var = x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / x.len() as f64;
            (mean, var)
        };
        let x = draws(d);
        let (mean, var) = moments(&x);
        assert!((mean - 5.0).abs() < 0.02, "{mean}");
        assert!(x.iter().all(|v| (2.0..=8.0).contains(v)));
        // Triangular(0, 3, 6) has variance (0+9+36−0−0−18)/18 = 1.5.
        assert!((var - 1.5).abs() < 0.03, "{var}");
        // The other link distributions: N(1, 2²); U(3, 5) with variance 4/12; a point.
        let (mean, var) = moments(&draws(LinkDist::Normal { mean: 1.0, sd: 2.0 }));
        assert!(
            (mean - 1.0).abs() < 0.02 && (var - 4.0).abs() < 0.06,
            "{mean} {var}"
        );
        let x = draws(LinkDist::Uniform { min: 3.0, max: 5.0 });
        let (mean, var) = moments(&x);
        assert!(x.iter().all(|v| (3.0..5.0).contains(v)));
        assert!(
            (mean - 4.0).abs() < 0.01 && (var - 1.0 / 3.0).abs() < 0.005,
            "{mean} {var}"
        );
        assert!(draws(LinkDist::Point { value: 7.5 })
            .iter()
            .all(|&v| v == 7.5));
    }
}
