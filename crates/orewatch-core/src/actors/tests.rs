//! Unit tests of the actors analysis: resolution order, alias errors, graph building, and the
//! metrics against networkx.
//!
//! networkx reference values (networkx 3.x, Python 3.11), produced by this script:
//! ```python
//! import networkx as nx
//! def show(name, edges, n):
//!     G = nx.Graph(); G.add_nodes_from(range(n))
//!     for u,v,w in edges: G.add_edge(u,v,weight=w,length=1.0/w)
//!     bc = nx.betweenness_centrality(G, weight='length', normalized=True)
//!     pr = nx.pagerank(G, alpha=0.85, weight='weight', tol=1e-12, max_iter=10000)
//!     comms = nx.community.louvain_communities(G, weight='weight', seed=42)
//!     print(name, bc, pr, nx.community.modularity(G, comms, weight='weight'), comms)
//! show('path5', [(0,1,1),(1,2,1),(2,3,1),(3,4,1)], 5)
//! show('star', [(0,1,2),(0,2,1),(0,3,1),(0,4,3)], 5)
//! show('cliques', [(a,b,1) for a in range(4) for b in range(a+1,4)]
//!      + [(a,b,1) for a in range(4,8) for b in range(a+1,8)] + [(3,4,1)], 8)
//! show('weighted', [(0,1,3),(1,2,1),(0,2,1),(2,3,2),(3,4,5),(4,5,1),(3,5,1),(1,4,1)], 7)
//! ```

use chrono::NaiveDate;

use super::aliases::{self, AliasTarget};
use super::export;
use super::graph::{build_graph, GraphParams};
use super::metrics::{self, betweenness, louvain, modularity, pagerank, WeightedGraph};
use super::registry::{Registry, RelationKind};
use super::resolve::{ActorKey, Context, MatchKind, Method, Outcome, Resolver};
use crate::model::{Actor, Event, EventSource, Extra, ViolenceType};

fn close(a: &[f64], b: &[f64], tol: f64) {
    assert_eq!(a.len(), b.len());
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        assert!(
            (x - y).abs() <= tol,
            "index {i}: {x} vs {y} (all: {a:?} vs {b:?})"
        );
    }
}

fn path5() -> WeightedGraph {
    WeightedGraph::new(5, &[(0, 1, 1.0), (1, 2, 1.0), (2, 3, 1.0), (3, 4, 1.0)])
}

fn star() -> WeightedGraph {
    WeightedGraph::new(5, &[(0, 1, 2.0), (0, 2, 1.0), (0, 3, 1.0), (0, 4, 3.0)])
}

fn cliques() -> WeightedGraph {
    let mut e = Vec::new();
    for base in [0, 4] {
        for a in base..base + 4 {
            for b in a + 1..base + 4 {
                e.push((a, b, 1.0));
            }
        }
    }
    e.push((3, 4, 1.0));
    WeightedGraph::new(8, &e)
}

fn weighted() -> WeightedGraph {
    WeightedGraph::new(
        7,
        &[
            (0, 1, 3.0),
            (1, 2, 1.0),
            (0, 2, 1.0),
            (2, 3, 2.0),
            (3, 4, 5.0),
            (4, 5, 1.0),
            (3, 5, 1.0),
            (1, 4, 1.0),
        ],
    )
}

#[test]
fn betweenness_matches_networkx() {
    let len = |w: f64| 1.0 / w;
    close(
        &betweenness(&path5(), len),
        &[0.0, 0.5, 0.6666666666666666, 0.5, 0.0],
        1e-12,
    );
    close(
        &betweenness(&star(), len),
        &[1.0, 0.0, 0.0, 0.0, 0.0],
        1e-12,
    );
    close(
        &betweenness(&cliques(), len),
        &[
            0.0,
            0.0,
            0.0,
            0.5714285714285714,
            0.5714285714285714,
            0.0,
            0.0,
            0.0,
        ],
        1e-12,
    );
    close(
        &betweenness(&weighted(), len),
        &[
            0.0,
            0.13333333333333333,
            0.06666666666666667,
            0.13333333333333333,
            0.2,
            0.0,
            0.0,
        ],
        1e-12,
    );
}

#[test]
fn pagerank_matches_networkx() {
    let pr = |g: &WeightedGraph| pagerank(g, 0.85, 1e-12, 10_000).unwrap().0;
    close(
        &pr(&path5()),
        &[
            0.13452702702676328,
            0.24594594594647334,
            0.23905405405352656,
            0.24594594594647334,
            0.13452702702676328,
        ],
        1e-9,
    );
    close(
        &pr(&star()),
        &[
            0.4756756756746611,
            0.14552123552152535,
            0.08776061776076267,
            0.08776061776076267,
            0.203281853282288,
        ],
        1e-9,
    );
    close(
        &pr(&weighted()),
        &[
            0.13808724881782028,
            0.1670564334863725,
            0.13410928864778168,
            0.24459252084369398,
            0.21524872043549634,
            0.07651554386639639,
            0.02439024390243903,
        ],
        1e-9,
    );
    let sum: f64 = pr(&cliques()).iter().sum();
    assert!((sum - 1.0).abs() < 1e-12);
}

#[test]
fn degrees_by_hand() {
    let g = weighted();
    assert_eq!(
        (0..7).map(|u| g.degree(u)).collect::<Vec<_>>(),
        [2, 3, 3, 3, 3, 2, 0]
    );
    assert_eq!(
        (0..7).map(|u| g.weighted_degree(u)).collect::<Vec<_>>(),
        [4.0, 5.0, 4.0, 8.0, 7.0, 2.0, 0.0]
    );
    assert_eq!(g.total_weight(), 15.0);
}

#[test]
fn modularity_and_louvain_against_networkx() {
    let g = weighted();
    // networkx modularity of {0,1,2},{3,4,5},{6}: 0.2911111111111111
    assert!((modularity(&g, &[0, 0, 0, 1, 1, 1, 2]) - 0.2911111111111111).abs() < 1e-12);
    // Louvain: ours at least networkx's (seed 42) minus 0.01.
    for (graph, nx_q) in [
        (weighted(), 0.2911111111111111),
        (cliques(), 0.42307692307692313),
        (path5(), 0.21875),
        (star(), 0.0),
    ] {
        for seed in [1, 42, 7] {
            let part = louvain(&graph, seed);
            let q = modularity(&graph, &part);
            assert!(q >= nx_q - 0.01, "seed {seed}: {q} < {nx_q} - 0.01");
        }
    }
    // The two cliques are found exactly.
    let part = louvain(&cliques(), 42);
    assert!(part[..4].iter().all(|&c| c == part[0]));
    assert!(part[4..].iter().all(|&c| c == part[4]));
    assert_ne!(part[0], part[4]);
    // Same seed, same partition.
    assert_eq!(louvain(&weighted(), 9), louvain(&weighted(), 9));
}

fn actor(id: u32, name: &str) -> Actor {
    Actor {
        actor_id: id,
        name: name.into(),
        name_orig: None,
        name_orig_full: None,
        name_orig_full_eng: None,
        org_type: Some(1),
        new_name: None,
        splinter_of_ids: vec![],
        splinter_of_names: None,
        alliance_ids: vec![],
        alliance_names: None,
        joined_group_ids: vec![],
        joined_group_names: None,
        location: None,
        region: None,
        version: Some("22.1".into()),
        unparsed_columns: vec![],
        extra: Extra::new(),
    }
}

/// A small list modelled on 22.1's Sahel rows.
fn registry() -> Registry {
    let mut cma = actor(1158, "CMA");
    cma.name_orig = Some("MNLA".into());
    cma.new_name = Some("CMA".into());
    let mut ansar = actor(1157, "Ansar Dine");
    ansar.alliance_ids = vec![6716];
    let mut flm = actor(6267, "FLM");
    flm.splinter_of_ids = vec![1157];
    flm.joined_group_ids = vec![1157, 6716];
    let mut mali = actor(72, "Government of Mali");
    mali.org_type = Some(4);
    let mut jnim = actor(6716, "JNIM");
    jnim.name_orig_full_eng = Some("Group for the Support of Islam and Muslims ".into());
    let located = |id: u32, name: &str| {
        let mut a = actor(id, name);
        a.location = Some("Mali, Niger".into());
        a
    };
    Registry::new(&[
        mali,
        jnim,
        ansar,
        flm,
        cma,
        located(5880, "GATIA"),
        actor(6836, "MSA"),
        actor(715, "MPGK "),
        actor(1, "Interahamwe, ex-FAR"),
        located(539, "AQIM"),
    ])
}

const TEST_ALIASES: &str = r#"
[[alias]]
name = "MINUSMA"
actor = "MINUSMA"
source = "test"
"#;

fn resolver(reg: &Registry) -> Resolver<'_> {
    Resolver::new(
        reg,
        aliases::parse(TEST_ALIASES, "t.toml").unwrap(),
        "t.toml",
    )
    .unwrap()
}

#[test]
fn resolution_order() {
    let reg = registry();
    let r = resolver(&reg);
    let one = |n: &str| {
        let x = r.resolve(n, None, Context::In(&["MLI"]));
        (x.actors, x.method)
    };
    assert_eq!(one("JNIM"), (vec![ActorKey::Ucdp(6716)], Method::Name));
    // A registry name with a comma is one actor, never split.
    assert_eq!(
        one("Interahamwe, ex-FAR"),
        (vec![ActorKey::Ucdp(1)], Method::Name)
    );
    // The alias table's spelling of an acronym, then a name the list itself gives.
    let minusma = r.resolve(
        "MINUSMA: United Nations Multidimensional Integrated Stabilization Mission in Mali (2013-)",
        None,
        Context::In(&["MLI"]),
    );
    assert_eq!(
        (minusma.outcome, minusma.actors, minusma.matched_by),
        (
            Outcome::Unlisted,
            vec![ActorKey::Unlisted("MINUSMA".into())],
            Some(MatchKind::Alias)
        )
    );
    // The renamed group keeps its history: MNLA is CMA's original name in the list.
    let mnla = r.resolve("MNLA", None, Context::In(&["MLI"]));
    assert_eq!(
        (mnla.actors, mnla.matched_by),
        (vec![ActorKey::Ucdp(1158)], Some(MatchKind::FormerName))
    );
    // Normalisation: trailing space in the list.
    let mpgk = r.resolve("MPGK", None, Context::In(&["MLI"]));
    assert_eq!(
        (mpgk.actors, mpgk.matched_by),
        (vec![ActorKey::Ucdp(715)], Some(MatchKind::Normalised))
    );
    // ACLED state forces by rule, years and branch kept.
    let forces = r.resolve(
        "Military Forces of Mali (2021-) Special Forces",
        None,
        Context::In(&["MLI"]),
    );
    assert_eq!(
        (forces.actors.clone(), forces.method),
        (vec![ActorKey::Ucdp(72)], Method::StateForces)
    );
    assert_eq!(forces.attributes.years.as_deref(), Some("2021-"));
    assert_eq!(forces.attributes.branch.as_deref(), Some("Special Forces"));
    // An acronym located where the event is.
    assert_eq!(
        one("GATIA: Imghad Tuareg and Allies Self-Defense Group"),
        (vec![ActorKey::Ucdp(5880)], Method::Acronym)
    );
    // Split only when every part resolves.
    assert_eq!(
        one("GATIA, MSA"),
        (
            vec![ActorKey::Ucdp(5880), ActorKey::Ucdp(6836)],
            Method::Split
        )
    );
    let partial = r.resolve("GATIA, Unknown Front", None, Context::In(&["MLI"]));
    assert_eq!(
        (partial.outcome, partial.actors, partial.method),
        (
            Outcome::Unlisted,
            vec![ActorKey::Unlisted("GATIA, Unknown Front".into())],
            Method::NotInList
        )
    );
    // Ids first.
    let by_id = r.resolve("whatever", Some("5880, 6836"), Context::Anywhere);
    assert_eq!(by_id.method, Method::Id);
    assert_eq!(by_id.actors.len(), 2);
    // Civilians are a category, not an actor.
    let civ = r.resolve("Civilians (Mali)", None, Context::Anywhere);
    assert!(civ.is_civilians() && civ.actors.is_empty());
    assert_eq!(civ.outcome, Outcome::Category);
}

#[test]
fn weak_matches_need_the_place() {
    let reg = registry();
    let r = resolver(&reg);
    // The acronym AQIM names the listed AQIM only where the list locates it (Mali)...
    let mali = r.resolve(
        "AQIM: Al Qaeda in the Islamic Maghreb",
        None,
        Context::In(&["MLI"]),
    );
    assert_eq!(mali.actors, vec![ActorKey::Ucdp(539)]);
    // ...not in Peru, where the same spelling is an organisation of its own.
    let peru = r.resolve(
        "AQIM: Al Qaeda in the Islamic Maghreb",
        None,
        Context::In(&["PER"]),
    );
    assert_eq!(
        (peru.outcome, peru.actors),
        (
            Outcome::Unlisted,
            vec![ActorKey::Unlisted(
                "AQIM: Al Qaeda in the Islamic Maghreb".into()
            )]
        )
    );
    // A full name that agrees with the list's confirms the acronym anywhere (JNIM in Benin).
    let benin = r.resolve(
        "JNIM: Group for Support of Islam and Muslims",
        None,
        Context::In(&["BEN"]),
    );
    assert_eq!(
        (benin.actors, benin.method),
        (vec![ActorKey::Ucdp(6716)], Method::Acronym)
    );
}

#[test]
fn registry_relations_as_listed() {
    let reg = registry();
    let rel = reg.relations_of(6716);
    assert!(rel
        .iter()
        .any(|r| r.from == 1157 && r.kind == RelationKind::Alliance));
    assert!(rel
        .iter()
        .any(|r| r.from == 6267 && r.kind == RelationKind::Member));
    assert!(
        !rel.iter().any(|r| r.from == 539 || r.to == 539),
        "AQIM is not linked to JNIM"
    );
}

#[test]
fn malformed_alias_files_name_the_line() {
    let bad_key = "[[alias]]\nname = \"X\"\nucdp_id = 1\nsource = \"s\"\ncolour = \"red\"\n";
    let e = aliases::parse(bad_key, "a.toml").unwrap_err();
    assert_eq!(e.line, 5, "{e}");
    assert!(e.to_string().starts_with("a.toml:5:"), "{e}");
    let no_source =
        "[[alias]]\nname = \"X\"\nucdp_id = 1\n\n[[alias]]\nname = \"Y\"\nucdp_id = 2\n";
    let e = aliases::parse(no_source, "a.toml").unwrap_err();
    assert_eq!(e.line, 2, "{e}");
    assert!(e.message.contains("no source"));
    let twice = "[[alias]]\nname = \"X\"\nactor = \"A\"\nsource = \"s\"\n[[alias]]\nname = \"x\"\nactor = \"B\"\nsource = \"s\"\n";
    let e = aliases::parse(twice, "a.toml").unwrap_err();
    assert_eq!(e.line, 6);
    let syntax = "[[alias]]\nname = \"X\nsource = \"s\"\n";
    assert_eq!(aliases::parse(syntax, "a.toml").unwrap_err().line, 2);
    // An id the list lacks is refused with the entry's line.
    let reg = registry();
    let unknown = aliases::parse(
        "\n[[alias]]\nname = \"Z\"\nucdp_id = 99999\nsource = \"s\"\n",
        "u.toml",
    )
    .unwrap();
    let e = Resolver::new(&reg, unknown, "u.toml").unwrap_err();
    assert_eq!(e.line, 3);
    assert!(e.message.contains("99999"));
}

#[test]
fn shipped_alias_table_parses() {
    let list = aliases::default_aliases().unwrap();
    assert!(list.len() >= 20);
    assert!(list.iter().all(|a| !a.source.trim().is_empty()));
    assert!(list
        .iter()
        .any(|a| a.name == "Katiba Macina" && a.target == AliasTarget::Ucdp(6716)));
    assert!(list
        .iter()
        .any(|a| a.name == "Islamic State" && a.target == AliasTarget::Ucdp(234)));
}

fn event(id: &str, date: &str, a: &str, b: &str, vt: ViolenceType, best: u32) -> Event {
    Event {
        source: EventSource::UcdpGed,
        event_id: id.into(),
        release: None,
        date_start: NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap(),
        date_end: None,
        date_precision: None,
        country: "Mali".into(),
        admin1: Some("Mopti".into()),
        admin2: None,
        lat: 14.5,
        lon: -4.2,
        location_precision: Some(1),
        violence_type: Some(vt),
        event_type: None,
        sub_event_type: None,
        conflict_name: None,
        side_a: a.into(),
        side_b: Some(b.into()),
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

#[test]
fn graph_by_hand() {
    let reg = registry();
    let r = resolver(&reg);
    let events = vec![
        event(
            "1",
            "2018-01-05",
            "Government of Mali",
            "JNIM",
            ViolenceType::StateBased,
            5,
        ),
        event(
            "2",
            "2018-03-02",
            "Government of Mali",
            "JNIM",
            ViolenceType::StateBased,
            2,
        ),
        event(
            "3",
            "2018-03-09",
            "JNIM",
            "Civilians",
            ViolenceType::OneSided,
            7,
        ),
        event(
            "4",
            "2018-04-01",
            "GATIA, MSA",
            "JNIM",
            ViolenceType::NonState,
            3,
        ),
        event(
            "5",
            "2019-06-01",
            "Government of Mali",
            "Civilians",
            ViolenceType::OneSided,
            4,
        ),
        event(
            "6",
            "2017-06-01",
            "Government of Mali",
            "CMA",
            ViolenceType::StateBased,
            1,
        ),
    ];
    let params = GraphParams {
        source: EventSource::UcdpGed,
        from: NaiveDate::from_ymd_opt(2018, 1, 1),
        to: NaiveDate::from_ymd_opt(2019, 12, 31),
        countries: vec!["MLI".into()],
    };
    let g = build_graph(&r, &events, &params, None);
    assert_eq!(g.events, 5);
    let names: Vec<&str> = g.nodes.iter().map(|n| n.name.as_str()).collect();
    assert_eq!(names, ["Government of Mali", "GATIA", "JNIM", "MSA"]);
    assert!(!names.contains(&"Civilians"));
    let mali = &g.nodes[0];
    assert_eq!(
        (mali.events, mali.civilian_events, mali.civilian_deaths),
        (3, 1, 4)
    );
    assert_eq!(mali.active_months, 3);
    assert_eq!(mali.first_month.to_string(), "2018-01");
    let jnim = &g.nodes[2];
    assert_eq!(
        (jnim.events, jnim.fatalities_best, jnim.civilian_deaths),
        (4, 17, 7)
    );
    assert_eq!(jnim.fatalities_caused, 7);
    assert_eq!(jnim.events_without_breakdown, 3);
    assert_eq!(jnim.admin1, vec![("Mopti".to_string(), 4)]);
    // Edges: Mali–JNIM (2 events, 7 deaths), GATIA–JNIM, MSA–JNIM.
    let e: Vec<(usize, usize, u64, u64)> = g
        .edges
        .iter()
        .map(|e| (e.a, e.b, e.events, e.fatalities_best))
        .collect();
    assert_eq!(e, [(0, 2, 2, 7), (1, 2, 1, 3), (2, 3, 1, 3)]);
    assert_eq!(g.edges[0].first_month.to_string(), "2018-01");
    assert_eq!(g.edges[0].last_month.to_string(), "2018-03");
    assert_eq!(g.edges[0].state_based, 2);
    let m = metrics::compute(&g, 42);
    assert_eq!(m.nodes[2].degree, 3);
    assert_eq!(m.nodes[2].weighted_degree, 4.0);
    // JNIM sits on every shortest path between the others: 3 pairs of 3 possible.
    assert!((m.nodes[2].betweenness - 1.0).abs() < 1e-12);
    // Deterministic exports.
    let a = export::json(&g, &m, serde_json::json!({}));
    let b = export::json(
        &g,
        &metrics::compute(&build_graph(&r, &events, &params, None), 42),
        serde_json::json!({}),
    );
    assert_eq!(a.to_string(), b.to_string());
    let xml = export::graphml(&g, &m, "test");
    assert!(xml.contains("attr.name=\"betweenness\" attr.type=\"double\""));
    assert!(xml.contains("<node id=\"ucdp-6716\">"));
}
