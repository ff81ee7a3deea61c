//! The actor–actor graph of a period, per-actor timelines, and armed actors around mine sites.
//!
//! Inputs: the events of ONE source, a [`Resolver`], a period (inclusive dates on the event's
//! start date) and optionally countries (ISO3 codes; an event's country name is mapped through
//! [`crate::model::conflict_countries`]). Events that are not political violence (ACLED
//! protests, riots, strategic developments: flagged `not_political_violence` at ingest) are
//! left out: protesters are not armed actors.
//!
//! Sides. An event's side is its main name plus its associates (ACLED `assoc_actor_*`), each
//! resolved to one of four outcomes ([`super::resolve`]). Nodes are the organisations: UCDP
//! actors, organisations the UCDP list lacks (marked `unlisted`), and ambiguous `A and/or B`
//! sides (marked `ambiguous`, with their candidates; never merged into one of them).
//! Categories (civilians, protesters, unidentified armed groups, identity and social groups,
//! …) are never nodes. A comma-joined GED side that resolved by splitting is several actors.
//! A side that is (or includes) civilians is a victim side: it adds no node and no edge (its
//! ACLED associates are civilian groups such as "Miners (X)").
//!
//! Edges (undirected dyads): every pair of one actor of side A and one of side B (never an
//! actor with itself) gets the event once: events, deaths (best, and low/high where the
//! source has them), events per violence type, first and last month. An event with k×m
//! actor pairs counts its deaths on each pair (a dyad's deaths are the deaths of the events it
//! took part in, not a share of them).
//!
//! One-sided violence: when one side is civilians, each actor of the other side gets the
//! event in `civilian_events` and its best deaths in `civilian_deaths` — on the node, never as
//! an edge to a "Civilians" node.
//!
//! Timelines (per node): first/last month, months with at least one event, events, deaths in
//! its events, deaths caused and suffered (from GED's `deaths_a`/`deaths_b`/`deaths_civilians`
//! where the layout has them; for one-sided events all deaths are caused by the attacker;
//! otherwise the event is counted in `events_without_breakdown`), admin-1 regions (the event's
//! admin-1, or the [`AdminIndex`] region of its point when the source has none).
//!
//! Actor–site: for each site with coordinates, each actor (not civilians) of events within
//! `radius_km` (haversine, [`PointIndex`]) in the period: events, deaths, civilian events,
//! last month seen. Months only: no day, no place finer than the site.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::registry::Relation;
use super::resolve::{
    event_country_iso3, ActorKey, Outcome, OutcomeReport, ResolvedEvents, Resolver,
};
use crate::analysis::admin::AdminIndex;
use crate::model::{Event, EventFlag, EventSource, Site, ViolenceType};
use crate::spatial::PointIndex;

/// A calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    pub year: i32,
    pub month: u32,
}

impl Month {
    pub fn of(date: NaiveDate) -> Month {
        Month {
            year: date.year(),
            month: date.month(),
        }
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl Serialize for Month {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Month {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Month, D::Error> {
        let text = String::deserialize(d)?;
        let bad = || serde::de::Error::custom(format!("month {text:?}: expected YYYY-MM"));
        let (y, m) = text.split_once('-').ok_or_else(bad)?;
        let year: i32 = y.parse().map_err(|_| bad())?;
        let month: u32 = m.parse().map_err(|_| bad())?;
        if !(1..=12).contains(&month) {
            return Err(bad());
        }
        Ok(Month { year, month })
    }
}

/// Which events make the graph.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GraphParams {
    pub source: EventSource,
    /// First day included (event start date), if any.
    pub from: Option<NaiveDate>,
    /// Last day included, if any.
    pub to: Option<NaiveDate>,
    /// ISO3 codes; empty: all countries. An event's country name is mapped to its code
    /// ([`event_country_iso3`]); an event whose country does not map is in no country.
    pub countries: Vec<String>,
}

impl GraphParams {
    fn accepts_except_country(&self, e: &Event) -> bool {
        e.source == self.source
            && !e.has_flag(EventFlag::NotPoliticalViolence)
            && self.from.is_none_or(|d| e.date_start >= d)
            && self.to.is_none_or(|d| e.date_start <= d)
    }

    fn accepts_country(&self, country: &str) -> bool {
        self.countries.is_empty()
            || event_country_iso3(country)
                .is_some_and(|code| self.countries.iter().any(|c| c == code))
    }

    pub fn accepts(&self, e: &Event) -> bool {
        self.accepts_except_country(e) && self.accepts_country(&e.country)
    }

    /// The accepted events, in input order (each distinct country name mapped once).
    pub fn select<'e>(&self, events: &'e [Event]) -> Vec<&'e Event> {
        let mut by_country: HashMap<&str, bool> = HashMap::new();
        events
            .iter()
            .filter(|e| {
                self.accepts_except_country(e)
                    && *by_country
                        .entry(e.country.as_str())
                        .or_insert_with(|| self.accepts_country(&e.country))
            })
            .collect()
    }
}

/// One organisation in the graph, with its timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActorNode {
    pub key: ActorKey,
    pub name: String,
    /// `resolved` (a UCDP actor), `unlisted` (an organisation the UCDP list lacks) or
    /// `ambiguous` (an `A and/or B` side).
    pub kind: Outcome,
    /// For an ambiguous node: the candidates' names as the source gives them.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub candidates: Vec<String>,
    pub ucdp_id: Option<u32>,
    /// UCDP `Org` code (1 rebel group … 4 government), when in the list.
    pub org_type: Option<u8>,
    pub events: u64,
    /// Best deaths of the events it took part in.
    pub fatalities_best: u64,
    pub fatalities_caused: u64,
    pub fatalities_suffered: u64,
    /// Events whose deaths the source does not split by side (caused/suffered unknown).
    pub events_without_breakdown: u64,
    /// One-sided violence by this actor: events and best deaths.
    pub civilian_events: u64,
    pub civilian_deaths: u64,
    pub first_month: Month,
    pub last_month: Month,
    pub active_months: u64,
    /// Admin-1 regions of its events, with event counts, most first.
    pub admin1: Vec<(String, u64)>,
    /// Events and best deaths per month with events.
    pub months: Vec<(Month, u64, u64)>,
}

/// A dyad: two actors on opposite sides of at least one event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActorEdge {
    /// Node indices, `a < b`.
    pub a: usize,
    pub b: usize,
    pub events: u64,
    pub fatalities_best: u64,
    /// Sums over the events that give low/high (GED); None when none does (ACLED).
    pub fatalities_low: Option<u64>,
    pub fatalities_high: Option<u64>,
    pub state_based: u64,
    pub non_state: u64,
    pub one_sided: u64,
    pub other_type: u64,
    pub first_month: Month,
    pub last_month: Month,
}

/// The graph of a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActorGraph {
    pub params: GraphParams,
    /// Sorted by key (UCDP ids first, then alias names, then unresolved names).
    pub nodes: Vec<ActorNode>,
    /// Sorted by (a, b).
    pub edges: Vec<ActorEdge>,
    /// The actor list's relations whose both ends are nodes.
    pub relations: Vec<Relation>,
    pub events: u64,
    /// The outcomes of the side names of the graph's events.
    pub resolution: OutcomeReport,
    pub notes: Vec<String>,
}

impl ActorGraph {
    pub fn node_index(&self, key: &ActorKey) -> Option<usize> {
        self.nodes.binary_search_by(|n| n.key.cmp(key)).ok()
    }
}

#[derive(Default)]
struct NodeAcc {
    events: u64,
    fatalities_best: u64,
    caused: u64,
    suffered: u64,
    without_breakdown: u64,
    civilian_events: u64,
    civilian_deaths: u64,
    months: BTreeMap<Month, (u64, u64)>,
    admin1: HashMap<String, u64>,
}

struct EdgeAcc {
    events: u64,
    best: u64,
    low: Option<u64>,
    high: Option<u64>,
    types: [u64; 4],
    first: Month,
    last: Month,
}

fn extra_u64(e: &Event, key: &str) -> Option<u64> {
    e.extra.get(key).and_then(|v| v.trim().parse::<u64>().ok())
}

/// The two sides of event `i`: (actors, civilians) each.
fn sides(r: &ResolvedEvents, i: usize) -> ((Vec<u32>, bool), (Vec<u32>, bool)) {
    let s = &r.sides[i];
    (
        r.side(Some(s.side_a), &s.assoc_a),
        r.side(s.side_b, &s.assoc_b),
    )
}

/// Builds the actor–actor graph of the accepted events.
pub fn build_graph(
    resolver: &Resolver,
    events: &[Event],
    params: &GraphParams,
    admin: Option<&AdminIndex>,
) -> ActorGraph {
    let selected = params.select(events);
    let resolved = resolver.resolve_events(&selected);
    let mut nodes: Vec<NodeAcc> = (0..resolved.keys.len())
        .map(|_| NodeAcc::default())
        .collect();
    let mut edges: HashMap<(u32, u32), EdgeAcc> = HashMap::new();
    for (i, e) in selected.iter().enumerate() {
        let ((a, a_civ), (b, b_civ)) = sides(&resolved, i);
        let a: &[u32] = if a_civ { &[] } else { &a };
        let b: &[u32] = if b_civ { &[] } else { &b };
        let month = Month::of(e.date_start);
        let best = u64::from(e.fatalities_best);
        let region: Option<&str> = match e.admin1.as_deref() {
            Some(name) => Some(name),
            None => admin
                .and_then(|ix| ix.locate(e.lat, e.lon))
                .map(|r| r.name.as_str()),
        };
        let breakdown = match (extra_u64(e, "deaths_a"), extra_u64(e, "deaths_b")) {
            (Some(da), Some(db)) => Some((da, db, extra_u64(e, "deaths_civilians").unwrap_or(0))),
            _ => None,
        };
        let one_sided_by_a = b_civ && !a.is_empty();
        let one_sided_by_b = a_civ && !b.is_empty();
        for (side, other_is_civ, is_a) in [(a, one_sided_by_a, true), (b, one_sided_by_b, false)] {
            for &n in side {
                let acc = &mut nodes[n as usize];
                acc.events += 1;
                acc.fatalities_best += best;
                let m = acc.months.entry(month).or_default();
                m.0 += 1;
                m.1 += best;
                if let Some(r) = region {
                    *acc.admin1.entry(r.to_string()).or_default() += 1;
                }
                if other_is_civ {
                    acc.civilian_events += 1;
                    acc.civilian_deaths += best;
                    acc.caused += best;
                } else if let Some((da, db, dc)) = breakdown {
                    if is_a {
                        acc.suffered += da;
                        acc.caused += db + dc;
                    } else {
                        acc.suffered += db;
                        acc.caused += da;
                    }
                } else {
                    acc.without_breakdown += 1;
                }
            }
        }
        let type_slot = match e.violence_type {
            Some(ViolenceType::StateBased) => 0,
            Some(ViolenceType::NonState) => 1,
            Some(ViolenceType::OneSided) => 2,
            None => 3,
        };
        for &x in a {
            for &y in b {
                if x == y {
                    continue;
                }
                let key = (x.min(y), x.max(y));
                let acc = edges.entry(key).or_insert(EdgeAcc {
                    events: 0,
                    best: 0,
                    low: None,
                    high: None,
                    types: [0; 4],
                    first: month,
                    last: month,
                });
                acc.events += 1;
                acc.best += best;
                if let Some(l) = e.fatalities_low {
                    acc.low = Some(acc.low.unwrap_or(0) + u64::from(l));
                }
                if let Some(h) = e.fatalities_high {
                    acc.high = Some(acc.high.unwrap_or(0) + u64::from(h));
                }
                acc.types[type_slot] += 1;
                acc.first = acc.first.min(month);
                acc.last = acc.last.max(month);
            }
        }
    }

    // Nodes with events, sorted by key; old index -> new index.
    let mut order: Vec<usize> = (0..nodes.len()).filter(|&i| nodes[i].events > 0).collect();
    order.sort_by(|&x, &y| resolved.keys[x].cmp(&resolved.keys[y]));
    let mut new_index = vec![usize::MAX; nodes.len()];
    for (new, &old) in order.iter().enumerate() {
        new_index[old] = new;
    }
    let mut candidates: HashMap<u32, Vec<String>> = HashMap::new();
    for n in &resolved.names {
        if n.resolution.outcome == Outcome::Ambiguous {
            for &k in &n.nodes {
                let list = candidates.entry(k).or_default();
                for c in &n.resolution.candidates {
                    if !list.contains(&c.name) {
                        list.push(c.name.clone());
                    }
                }
            }
        }
    }
    let out_nodes: Vec<ActorNode> = order
        .iter()
        .map(|&old| {
            let mut n = node(resolver, &resolved.keys[old], &nodes[old]);
            n.candidates = candidates.remove(&(old as u32)).unwrap_or_default();
            n
        })
        .collect();
    let mut out_edges: Vec<ActorEdge> = edges
        .into_iter()
        .map(|((x, y), acc)| {
            let (p, q) = (new_index[x as usize], new_index[y as usize]);
            ActorEdge {
                a: p.min(q),
                b: p.max(q),
                events: acc.events,
                fatalities_best: acc.best,
                fatalities_low: acc.low,
                fatalities_high: acc.high,
                state_based: acc.types[0],
                non_state: acc.types[1],
                one_sided: acc.types[2],
                other_type: acc.types[3],
                first_month: acc.first,
                last_month: acc.last,
            }
        })
        .collect();
    out_edges.sort_by_key(|e| (e.a, e.b));
    let ids: Vec<u32> = out_nodes.iter().filter_map(|n| n.ucdp_id).collect();
    let relations = resolver
        .registry()
        .relations()
        .into_iter()
        .filter(|r| ids.contains(&r.from) && ids.contains(&r.to))
        .collect();
    ActorGraph {
        params: params.clone(),
        nodes: out_nodes,
        edges: out_edges,
        relations,
        events: selected.len() as u64,
        resolution: resolved.report(params.source, resolver.registry()),
        notes: vec![
            "Nodes are organisations: UCDP actors (kind resolved), organisations the UCDP list lacks (kind unlisted) and 'A and/or B' sides (kind ambiguous, with their candidates). Categories (civilians, protesters, unidentified armed groups, identity and social groups) are never nodes; one-sided violence is counted on the attacker (civilian_events, civilian_deaths).".into(),
            "Edge events: events with the two actors on opposite sides; an event with several actors per side counts on every pair.".into(),
            super::registry::JNIM_NOTE.into(),
        ],
    }
}

fn node(resolver: &Resolver, key: &ActorKey, acc: &NodeAcc) -> ActorNode {
    let listed = key.ucdp_id().and_then(|id| resolver.registry().get(id));
    let mut admin1: Vec<(String, u64)> = acc.admin1.iter().map(|(k, v)| (k.clone(), *v)).collect();
    admin1.sort_by(|x, y| y.1.cmp(&x.1).then_with(|| x.0.cmp(&y.0)));
    let first = acc
        .months
        .keys()
        .next()
        .copied()
        .unwrap_or(Month { year: 0, month: 1 });
    let last = acc.months.keys().next_back().copied().unwrap_or(first);
    ActorNode {
        key: key.clone(),
        name: resolver.display_name(key),
        kind: key.outcome(),
        candidates: Vec::new(),
        ucdp_id: key.ucdp_id(),
        org_type: listed.and_then(|a| a.org_type),
        events: acc.events,
        fatalities_best: acc.fatalities_best,
        fatalities_caused: acc.caused,
        fatalities_suffered: acc.suffered,
        events_without_breakdown: acc.without_breakdown,
        civilian_events: acc.civilian_events,
        civilian_deaths: acc.civilian_deaths,
        first_month: first,
        last_month: last,
        active_months: acc.months.len() as u64,
        admin1,
        months: acc.months.iter().map(|(m, (e, d))| (*m, *e, *d)).collect(),
    }
}

/// Armed actors active within a radius of a site.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteActor {
    pub site_id: String,
    pub site_name: String,
    pub radius_km: f64,
    pub actor: ActorKey,
    pub actor_name: String,
    pub events: u64,
    pub fatalities_best: u64,
    pub civilian_events: u64,
    pub last_month: Month,
}

/// For each site with coordinates, the actors of the accepted events within `radius_km`,
/// sorted by site id, then events (most first), then actor.
pub fn actors_near_sites(
    resolver: &Resolver,
    events: &[Event],
    params: &GraphParams,
    sites: &[Site],
    radius_km: f64,
) -> Result<Vec<SiteActor>, crate::spatial::SpatialError> {
    let selected = params.select(events);
    let resolved = resolver.resolve_events(&selected);
    let lats: Vec<f64> = selected.iter().map(|e| e.lat).collect();
    let lons: Vec<f64> = selected.iter().map(|e| e.lon).collect();
    let index = PointIndex::new(&lats, &lons, radius_km)?;
    let mut out = Vec::new();
    let mut sorted: Vec<&Site> = sites.iter().filter(|s| s.has_coordinates()).collect();
    sorted.sort_by(|a, b| a.site_id.cmp(&b.site_id));
    for site in sorted {
        let (Some(lat), Some(lon)) = (site.lat, site.lon) else {
            continue;
        };
        let mut per: HashMap<u32, (u64, u64, u64, Month)> = HashMap::new();
        index.for_each_within(lat, lon, radius_km, |i, _d| {
            let i = i as usize;
            let e = selected[i];
            let month = Month::of(e.date_start);
            let ((a, a_civ), (b, b_civ)) = sides(&resolved, i);
            for (side, civ, other_civ) in [(a, a_civ, b_civ), (b, b_civ, a_civ)] {
                if civ {
                    continue;
                }
                for n in side {
                    let acc = per.entry(n).or_insert((0, 0, 0, month));
                    acc.0 += 1;
                    acc.1 += u64::from(e.fatalities_best);
                    acc.2 += u64::from(other_civ);
                    acc.3 = acc.3.max(month);
                }
            }
        });
        let mut rows: Vec<SiteActor> = per
            .into_iter()
            .map(|(n, (ev, deaths, civ, last))| {
                let key = resolved.keys[n as usize].clone();
                SiteActor {
                    site_id: site.site_id.clone(),
                    site_name: site.name.clone(),
                    radius_km,
                    actor_name: resolver.display_name(&key),
                    actor: key,
                    events: ev,
                    fatalities_best: deaths,
                    civilian_events: civ,
                    last_month: last,
                }
            })
            .collect();
        rows.sort_by(|x, y| y.events.cmp(&x.events).then_with(|| x.actor.cmp(&y.actor)));
        out.extend(rows);
    }
    Ok(out)
}
