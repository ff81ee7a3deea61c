//! Armed actors: who fights whom, who attacks civilians, who is active around which mine.
//!
//! What it answers, for ONE event source (UCDP GED or ACLED, never mixed) and a period:
//! - [`registry`]: the UCDP actor list 22.1 as a lookup (ids, names, former names, full
//!   names, locations) with its relations — alliance, splinter, group membership
//!   (`JoinGroup`/`ActorIdGroup` lists) — exactly as the list gives them. It invents no link:
//!   AQIM (539) and al-Murabitun (4376) are not linked to JNIM (6716) in 22.1, and orewatch
//!   says so ([`registry::JNIM_NOTE`]).
//! - [`acled_names`]: ACLED's actor naming conventions as rules (state forces, mutinies,
//!   `ACRONYM: Full name`, Islamic State branches, `A and/or B`, ACLED's categories).
//! - [`aliases`]: the cited alias table (`config/actor_aliases.toml`, user-extensible) for
//!   what no rule can derive.
//! - [`resolve`]: every event side name to one of four outcomes — a UCDP actor, an
//!   organisation the list lacks, a category (never a node), or ambiguous (`A and/or B`) —
//!   with how; the outcome rates per source.
//! - [`graph`]: the actor–actor graph of a period (edges = dyads with events, deaths, violence
//!   types, first/last month), one-sided violence as attributes of the attacker, the actor–site
//!   table (events within a radius of a mine site) and per-actor timelines.
//! - [`metrics`]: degree, weighted degree, betweenness (edge length = 1 / events), PageRank,
//!   Louvain communities (seeded) with their modularity.
//! - [`export`]: GraphML (Gephi) and JSON (`{nodes, links}`, d3/cytoscape) text.
//! - [`assess`]: the assessments the products call — typed requests, typed results with
//!   provenance (sources, parameters, coverage, warnings).
//!
//! Nodes are organisations. Categories — civilians above all — are never nodes: one-sided
//! violence (GED type 3, ACLED violence against civilians) is counted on the attacker (events
//! and deaths against civilians). Units: events are counts of events, deaths are the source's
//! best estimate (GED `best`, ACLED `fatalities`), months are calendar months of the event's
//! start date.
//!
//! What it does NOT do: track or name people, predict any actor's movements, show free-text
//! notes, or export ACLED rows (only aggregates per actor, dyad, site or month leave here).

pub mod acled_names;
pub mod aliases;
pub mod assess;
pub mod export;
pub mod graph;
pub mod metrics;
pub mod registry;
pub mod resolve;

#[cfg(test)]
mod tests;
