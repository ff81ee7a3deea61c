//! The actors and network assessments: a typed request in, a typed result out, with its
//! provenance. The only door the products (CLI, brief, a future API) use for actors.
//!
//! - [`actors`]: who the organisations of a source's events are, and how every side name
//!   came out (resolved to the UCDP list, an organisation the list lacks, a category, or
//!   ambiguous), with the rates of [`OutcomeReport`];
//! - [`actor_record`]: one actor's record in the UCDP list, its listed relations, timeline and
//!   counterparts;
//! - [`network`]: the actor–actor graph of a period with its metrics and, optionally, the
//!   actors active around mine sites.
//!
//! Inputs: the dataset (events, UCDP actor list, regions, sites), the store's source reports
//! (provenance), and an alias table (shipped or the user's). Requests and results are serde
//! types: a JSON request gives the same result whichever product asks. Errors are typed
//! ([`ActorsError`]); an unknown country code is an error, never an empty result.
//!
//! Units as in [`super::graph`]: events are counts, deaths the source's best estimates,
//! months calendar months. Aggregates only: no event rows leave this module.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::aliases::{Alias, AliasError};
use super::graph::{actors_near_sites, build_graph, ActorGraph, ActorNode, GraphParams, SiteActor};
use super::metrics::{self, GraphMetrics};
use super::registry::{former_names, Registry, RelationKind, JNIM_NOTE};
use super::resolve::{ActorKey, Context, Outcome, OutcomeReport, Resolution, Resolver};
use crate::analysis::admin::AdminIndex;
use crate::analysis::events::{choose_source, stated_coverage};
use crate::analysis::AnalysisError;
use crate::geodesy::haversine_km;
use crate::ingest::plan::SourceReport;
use crate::model::conflict_countries::{self, UnknownCountry};
use crate::model::{Dataset, EventSource, Site};
use crate::spatial::SpatialError;

/// An alias table and the name it is known by (a file path, or the shipped table).
#[derive(Debug, Clone)]
pub struct AliasTable {
    pub name: String,
    pub entries: Vec<Alias>,
}

impl AliasTable {
    /// The shipped table (`config/actor_aliases.toml`), without the entries whose UCDP id the
    /// given actor list lacks (a store holding part of the list: those entries cannot apply).
    pub fn shipped_for(actors: &[crate::model::Actor]) -> Result<AliasTable, AliasError> {
        let ids: std::collections::HashSet<u32> = actors.iter().map(|a| a.actor_id).collect();
        let entries = super::aliases::default_aliases()?
            .into_iter()
            .filter(|a| match a.target {
                super::aliases::AliasTarget::Ucdp(id) => ids.contains(&id),
                super::aliases::AliasTarget::Named(_) => true,
            })
            .collect();
        Ok(AliasTable {
            name: "config/actor_aliases.toml (shipped)".into(),
            entries,
        })
    }
}

/// What every assessment reads.
#[derive(Debug, Clone, Copy)]
pub struct Inputs<'a> {
    pub dataset: &'a Dataset,
    /// The store's source reports (manifest): provenance and stated coverage.
    pub sources: &'a [SourceReport],
    pub aliases: &'a AliasTable,
}

/// Which events: one source, a period, some countries.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EventSelection {
    /// The event source; None: the only one in the store (both present: an error).
    pub source: Option<EventSource>,
    /// ISO3 codes (a country name only where the country table holds it); empty: all.
    pub countries: Vec<String>,
    /// First and last day included (event start date).
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// A bad request or missing data.
#[derive(Debug, Error)]
pub enum ActorsError {
    #[error(
        "the store holds no UCDP actor list: ingest ucdp_actor_v22_1.csv (orewatch ingest FILE) \
         to resolve actors"
    )]
    NoActorList,
    #[error(transparent)]
    Country(#[from] UnknownCountry),
    #[error(transparent)]
    Analysis(#[from] AnalysisError),
    #[error(transparent)]
    Alias(#[from] AliasError),
    #[error(transparent)]
    Spatial(#[from] SpatialError),
    #[error("{0}")]
    Request(String),
}

/// One source file behind a result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceFile {
    pub path: String,
    pub kind: String,
    pub sha256: String,
    pub release: Option<String>,
}

/// A country of the request, as resolved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CountryRef {
    pub iso3: String,
    pub name: String,
}

/// Where a result comes from and what limits it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    pub source: EventSource,
    /// The event files of the source and the UCDP actor list.
    pub files: Vec<SourceFile>,
    pub alias_table: String,
    pub alias_entries: usize,
    pub countries: Vec<CountryRef>,
    /// The period the source states it covers (first and last day).
    pub stated_coverage: Option<(NaiveDate, NaiveDate)>,
    /// Events of the selection (political violence only: protests, riots and strategic
    /// developments are left out).
    pub events_selected: u64,
    pub warnings: Vec<String>,
}

/// The validated selection: its graph parameters and provenance.
struct Prepared {
    params: GraphParams,
    provenance: Provenance,
}

fn resolver<'r>(registry: &'r Registry, input: &Inputs) -> Result<Resolver<'r>, ActorsError> {
    Ok(Resolver::new(
        registry,
        input.aliases.entries.clone(),
        &input.aliases.name,
    )?)
}

fn prepare(input: &Inputs, sel: &EventSelection) -> Result<(Registry, Prepared), ActorsError> {
    let dataset = input.dataset;
    if dataset.actors.is_empty() {
        return Err(ActorsError::NoActorList);
    }
    if let (Some(a), Some(b)) = (sel.from, sel.to) {
        if a > b {
            return Err(ActorsError::Request(format!(
                "the period starts on {a}, after its end {b}: expected from ≤ to"
            )));
        }
    }
    let codes = conflict_countries::parse_countries(&sel.countries)?;
    let source = choose_source(&dataset.events, sel.source)?;
    let params = GraphParams {
        source,
        from: sel.from,
        to: sel.to,
        countries: codes.iter().map(|c| c.to_string()).collect(),
    };
    let kind = match source {
        EventSource::UcdpGed => "ucdp_ged",
        EventSource::Acled => "acled",
    };
    let files = input
        .sources
        .iter()
        .filter(|s| s.kind == kind || s.kind == "ucdp_actors")
        .map(|s| SourceFile {
            path: s.path.clone(),
            kind: s.kind.clone(),
            sha256: s.sha256.clone(),
            release: s.release.clone(),
        })
        .collect();
    let selected = params.select(&dataset.events);
    let mut warnings = Vec::new();
    for code in &codes {
        let any = selected
            .iter()
            .any(|e| super::resolve::event_country_iso3(&e.country) == Some(code));
        if !any {
            warnings.push(format!(
                "no {} event of the selection is in {code}: the source may not cover it (no \
                 event is not the same as no violence)",
                source.as_str()
            ));
        }
    }
    let countries = codes
        .iter()
        .map(|c| CountryRef {
            iso3: c.to_string(),
            name: conflict_countries::by_iso3(c).map_or_else(|| c.to_string(), |r| r.acled.into()),
        })
        .collect();
    let prepared = Prepared {
        provenance: Provenance {
            source,
            files,
            alias_table: input.aliases.name.clone(),
            alias_entries: input.aliases.entries.len(),
            countries,
            stated_coverage: stated_coverage(input.sources, source).map(|c| (c.start, c.end)),
            events_selected: selected.len() as u64,
            warnings,
        },
        params,
    };
    Ok((Registry::new(&dataset.actors), prepared))
}

fn admin_index(dataset: &Dataset) -> Option<AdminIndex<'_>> {
    (!dataset.regions.is_empty()).then(|| AdminIndex::new(&dataset.regions))
}

/// The actors request.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ActorsRequest {
    pub selection: EventSelection,
}

/// The organisations of the selection and the outcome of every side name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActorsResult {
    pub request: ActorsRequest,
    pub provenance: Provenance,
    pub outcomes: OutcomeReport,
    /// Nodes of the selection's graph, most events first (ties: key order).
    pub actors: Vec<ActorNode>,
    pub notes: Vec<String>,
}

/// Resolves the selection's side names and lists its organisations.
pub fn actors(input: &Inputs, request: &ActorsRequest) -> Result<ActorsResult, ActorsError> {
    let (registry, prepared) = prepare(input, &request.selection)?;
    let resolver = resolver(&registry, input)?;
    let admin = admin_index(input.dataset);
    let graph = build_graph(
        &resolver,
        &input.dataset.events,
        &prepared.params,
        admin.as_ref(),
    );
    let mut actors = graph.nodes.clone();
    actors.sort_by(|a, b| b.events.cmp(&a.events).then_with(|| a.key.cmp(&b.key)));
    Ok(ActorsResult {
        request: request.clone(),
        provenance: prepared.provenance,
        outcomes: graph.resolution,
        actors,
        notes: graph.notes,
    })
}

/// One actor's record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActorRecordRequest {
    /// A UCDP actor id (`6716`) or any name that resolves to one actor.
    pub actor: String,
    pub selection: EventSelection,
}

/// The UCDP list's entry for an actor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListedActor {
    pub actor_id: u32,
    pub name: String,
    pub name_orig: Option<String>,
    pub name_orig_full_eng: Option<String>,
    pub former_names: Vec<String>,
    pub org_type: Option<u8>,
    pub location: Option<String>,
}

/// A relation the UCDP list states, with names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NamedRelation {
    pub from: u32,
    pub from_name: String,
    pub kind: RelationKind,
    pub to: u32,
    /// None when `to` is not itself in the list.
    pub to_name: Option<String>,
}

/// A counterpart in the graph: an actor on the other side of at least one event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Counterpart {
    pub key: ActorKey,
    pub name: String,
    pub events: u64,
    pub fatalities_best: u64,
}

/// One actor: its record, relations, timeline and counterparts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActorRecord {
    pub request: ActorRecordRequest,
    pub provenance: Provenance,
    pub key: ActorKey,
    pub name: String,
    /// How the query resolved (None for an id).
    pub resolution: Option<Resolution>,
    pub listed: Option<ListedActor>,
    pub relations: Vec<NamedRelation>,
    /// Its node in the selection's graph (None: no events in the selection).
    pub timeline: Option<ActorNode>,
    /// Most events first (ties: name).
    pub counterparts: Vec<Counterpart>,
    pub note: String,
}

/// One actor's record, relations, timeline and counterparts.
pub fn actor_record(
    input: &Inputs,
    request: &ActorRecordRequest,
) -> Result<ActorRecord, ActorsError> {
    let (registry, prepared) = prepare(input, &request.selection)?;
    let resolver = resolver(&registry, input)?;
    let registry = resolver.registry();
    let query = request.actor.trim();
    let (key, resolution) = match query.parse::<u32>() {
        Ok(id) if registry.get(id).is_some() => (ActorKey::Ucdp(id), None),
        Ok(id) => {
            return Err(ActorsError::Request(format!(
                "no actor with UCDP id {id} in the actor list ({} actors)",
                registry.len()
            )))
        }
        Err(_) => {
            let r = resolver.resolve(query, None, Context::Anywhere);
            match r.actors.as_slice() {
                [one] => (one.clone(), Some(r.clone())),
                [] => {
                    return Err(ActorsError::Request(format!(
                        "{query:?} is a category ({}), not an organisation",
                        r.category.as_ref().map_or("category", |c| c.kind.as_str())
                    )))
                }
                many => {
                    return Err(ActorsError::Request(format!(
                        "{query:?} resolves to several actors ({}): ask for one of them",
                        many.iter().map(ActorKey::id).collect::<Vec<_>>().join(", ")
                    )))
                }
            }
        }
    };
    let admin = admin_index(input.dataset);
    let graph = build_graph(
        &resolver,
        &input.dataset.events,
        &prepared.params,
        admin.as_ref(),
    );
    let listed = key
        .ucdp_id()
        .and_then(|id| registry.get(id))
        .map(|a| ListedActor {
            actor_id: a.actor_id,
            name: a.name.trim().to_string(),
            name_orig: a.name_orig.clone(),
            name_orig_full_eng: a.name_orig_full_eng.clone(),
            former_names: former_names(a),
            org_type: a.org_type,
            location: a.location.clone(),
        });
    let name_of = |id: u32| registry.get(id).map(|a| a.name.trim().to_string());
    let relations = key
        .ucdp_id()
        .map(|id| registry.relations_of(id))
        .unwrap_or_default()
        .into_iter()
        .map(|r| NamedRelation {
            from: r.from,
            from_name: name_of(r.from).unwrap_or_else(|| format!("UCDP actor {}", r.from)),
            kind: r.kind,
            to: r.to,
            to_name: name_of(r.to),
        })
        .collect();
    let index = graph.node_index(&key);
    let mut counterparts: Vec<Counterpart> = index
        .map(|i| {
            graph
                .edges
                .iter()
                .filter(|e| e.a == i || e.b == i)
                .map(|e| {
                    let other = &graph.nodes[if e.a == i { e.b } else { e.a }];
                    Counterpart {
                        key: other.key.clone(),
                        name: other.name.clone(),
                        events: e.events,
                        fatalities_best: e.fatalities_best,
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    counterparts.sort_by(|a, b| b.events.cmp(&a.events).then_with(|| a.name.cmp(&b.name)));
    Ok(ActorRecord {
        request: request.clone(),
        provenance: prepared.provenance,
        name: resolver.display_name(&key),
        timeline: index.map(|i| graph.nodes[i].clone()),
        key,
        resolution,
        listed,
        relations,
        counterparts,
        note: JNIM_NOTE.to_string(),
    })
}

/// Actors around mine sites.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteLinksRequest {
    /// Great-circle radius around each site, km (> 0).
    pub radius_km: f64,
    /// Count events in any country (a site near a border), not only the selection's.
    pub any_country: bool,
    /// Only these sites (ids); empty: every site with coordinates.
    pub site_ids: Vec<String>,
}

/// The network request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetworkRequest {
    pub selection: EventSelection,
    /// Seed of the Louvain node order.
    pub seed: u64,
    pub site_links: Option<SiteLinksRequest>,
}

/// Events within the radius of one site.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteEvents {
    pub site_id: String,
    pub site_name: String,
    pub country_iso3: Option<String>,
    pub radius_km: f64,
    /// Distinct events of the selection within the radius.
    pub events: u64,
}

/// A perpetrator of one-sided violence in the graph.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Perpetrator {
    pub key: ActorKey,
    pub name: String,
    /// A UCDP actor, an unlisted organisation or an ambiguous side.
    pub kind: Outcome,
    /// UCDP `Org` code (4 = government).
    pub org_type: Option<u8>,
    pub civilian_events: u64,
    pub civilian_deaths: u64,
}

/// The network of a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetworkResult {
    pub request: NetworkRequest,
    pub provenance: Provenance,
    pub graph: ActorGraph,
    pub metrics: GraphMetrics,
    /// Perpetrators of one-sided violence, most deaths first (ties: events, then name).
    pub perpetrators: Vec<Perpetrator>,
    /// Per site and actor (empty without `site_links` in the request).
    pub site_links: Vec<SiteActor>,
    /// Per site with at least one event within the radius, most events first (ties: id).
    pub site_events: Vec<SiteEvents>,
}

/// The actor–actor graph of the selection, its metrics, its perpetrators of one-sided
/// violence and, when asked, the actors active around the sites.
pub fn network(input: &Inputs, request: &NetworkRequest) -> Result<NetworkResult, ActorsError> {
    let (registry, prepared) = prepare(input, &request.selection)?;
    let resolver = resolver(&registry, input)?;
    let dataset = input.dataset;
    let admin = admin_index(dataset);
    let graph = build_graph(&resolver, &dataset.events, &prepared.params, admin.as_ref());
    let metrics = metrics::compute(&graph, request.seed);
    let mut perpetrators: Vec<Perpetrator> = graph
        .nodes
        .iter()
        .filter(|n| n.civilian_events > 0)
        .map(|n| Perpetrator {
            key: n.key.clone(),
            name: n.name.clone(),
            kind: n.kind,
            org_type: n.org_type,
            civilian_events: n.civilian_events,
            civilian_deaths: n.civilian_deaths,
        })
        .collect();
    perpetrators.sort_by(|a, b| {
        b.civilian_deaths
            .cmp(&a.civilian_deaths)
            .then(b.civilian_events.cmp(&a.civilian_events))
            .then_with(|| a.name.cmp(&b.name))
    });
    let (site_links, site_events) = match &request.site_links {
        None => (Vec::new(), Vec::new()),
        Some(s) => site_links(&resolver, dataset, &prepared.params, s)?,
    };
    Ok(NetworkResult {
        request: request.clone(),
        provenance: prepared.provenance,
        graph,
        metrics,
        perpetrators,
        site_links,
        site_events,
    })
}

fn site_links(
    resolver: &Resolver,
    dataset: &Dataset,
    params: &GraphParams,
    s: &SiteLinksRequest,
) -> Result<(Vec<SiteActor>, Vec<SiteEvents>), ActorsError> {
    if !(s.radius_km.is_finite() && s.radius_km > 0.0) {
        return Err(ActorsError::Request(format!(
            "site radius {} km: expected a positive number of km",
            s.radius_km
        )));
    }
    let mut params = params.clone();
    if s.any_country {
        params.countries.clear();
    }
    let sites: Vec<Site> = dataset
        .sites
        .iter()
        .filter(|site| site.has_coordinates())
        .filter(|site| s.site_ids.is_empty() || s.site_ids.contains(&site.site_id))
        .cloned()
        .collect();
    let links = actors_near_sites(resolver, &dataset.events, &params, &sites, s.radius_km)?;
    let selected = params.select(&dataset.events);
    let mut totals: Vec<SiteEvents> = Vec::new();
    for site in &sites {
        let (Some(lat), Some(lon)) = (site.lat, site.lon) else {
            continue;
        };
        let events = selected
            .iter()
            .filter(|e| haversine_km(lon, lat, e.lon, e.lat) <= s.radius_km)
            .count() as u64;
        if events > 0 {
            totals.push(SiteEvents {
                site_id: site.site_id.clone(),
                site_name: site.name.clone(),
                country_iso3: site.country_iso3.clone(),
                radius_km: s.radius_km,
                events,
            });
        }
    }
    totals.sort_by(|a, b| {
        b.events
            .cmp(&a.events)
            .then_with(|| a.site_id.cmp(&b.site_id))
    });
    Ok((links, totals))
}
