//! The actors analysis on the real data in `../shared/data`: UCDP GED 21.1 (global) and the
//! UCDP actor list 22.1.
//!
//! Expected numbers computed independently in Python (csv module) with the exact-name,
//! "Civilians", normalised-name (case/space) and all-parts comma-split rules: the 1,211 GED
//! events in Mali, Burkina Faso and Niger have 48 distinct side names, all of which resolve, so
//! every event resolves.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use orewatch_core::actors::aliases;
use orewatch_core::actors::graph::{build_graph, GraphParams};
use orewatch_core::actors::metrics;
use orewatch_core::actors::registry::{Registry, RelationKind};
use orewatch_core::actors::resolve::{ActorKey, Method, Resolver};
use orewatch_core::ingest::{acled, ged, ucdp_actors};
use orewatch_core::model::{Event, EventSource};

fn data_dir() -> PathBuf {
    std::env::var_os("OREWATCH_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"))
}

fn registry() -> Registry {
    let actors = ucdp_actors::read_path(&data_dir().join("conflict/ucdp_actor_v22_1.csv"))
        .unwrap()
        .records;
    Registry::new(&actors)
}

fn global_events() -> Vec<Event> {
    ged::read_path(&data_dir().join("conflict/ucdp_ged_v21_1_precise_global_1989_2019.csv"))
        .unwrap()
        .records
}

const SAHEL: [&str; 3] = ["Mali", "Burkina Faso", "Niger"];

#[test]
fn sahel_resolution_rate_and_global_report() {
    let reg = registry();
    assert_eq!(reg.len(), 1725);
    let r = Resolver::new(&reg, aliases::default_aliases().unwrap(), "config").unwrap();
    let events = global_events();
    let params = GraphParams {
        source: EventSource::UcdpGed,
        from: None,
        to: None,
        countries: SAHEL.iter().map(|s| s.to_string()).collect(),
    };
    let sahel = params.select(&events);
    let report = r.resolve_events(&sahel).report(EventSource::UcdpGed);
    assert_eq!((report.events, report.events_resolved), (1211, 1211));
    assert_eq!((report.names, report.names_resolved), (48, 48));

    let all: Vec<&Event> = events.iter().collect();
    let global = r.resolve_events(&all).report(EventSource::UcdpGed);
    assert_eq!(global.events, 167_543);
    // Every name resolved by the Python rules also resolves here; the table and the list's
    // former names add more. (Printed for the record.)
    eprintln!(
        "GED global: events {}/{} ({:.4}), names {}/{} ({:.4}), by method {:?}, top unresolved {:?}",
        global.events_resolved,
        global.events,
        global.event_rate(),
        global.names_resolved,
        global.names,
        global.name_rate(),
        global.by_method,
        &global.unresolved[..10.min(global.unresolved.len())]
    );
    assert!(global.event_rate() > 0.9);
    assert!(global
        .unresolved
        .iter()
        .any(|(n, _)| n == "Hawar Kilis Operations Room"));
    assert!(!global.unresolved.iter().any(|(n, _)| n == "Civilians"));
}

#[test]
fn jnim_ansar_dine_flm_link_as_listed() {
    let reg = registry();
    let r = Resolver::new(&reg, aliases::default_aliases().unwrap(), "config").unwrap();
    for (name, id) in [("JNIM", 6716), ("Ansar Dine", 1157), ("FLM", 6267)] {
        let res = r.resolve(name, None);
        assert_eq!(res.actors, vec![ActorKey::Ucdp(id)], "{name}");
        assert_eq!(res.method, Method::ExactName);
    }
    let rel = reg.relations_of(6716);
    assert!(rel
        .iter()
        .any(|x| x.from == 1157 && x.to == 6716 && x.kind == RelationKind::Alliance));
    assert!(rel
        .iter()
        .any(|x| x.from == 6267 && x.to == 6716 && x.kind == RelationKind::Member));
    assert!(reg
        .relations_of(6267)
        .iter()
        .any(|x| x.to == 1157 && x.kind == RelationKind::Splinter));
    // Not linked in 22.1: AQIM (539), al-Murabitun (4376).
    assert!(!rel
        .iter()
        .any(|x| [539, 4376].contains(&x.from) || [539, 4376].contains(&x.to)));
    assert!(reg
        .relations_of(4376)
        .iter()
        .any(|x| x.to == 539 && x.kind == RelationKind::Member));
}

#[test]
fn renamed_group_keeps_its_history() {
    let reg = registry();
    let r = Resolver::new(&reg, aliases::default_aliases().unwrap(), "config").unwrap();
    // CMA (1158) was MNLA: both names, and ACLED's spellings, are one actor.
    for name in [
        "CMA",
        "MNLA",
        "MNLA: National Movement for the Liberation of Azawad",
    ] {
        assert_eq!(
            r.resolve(name, None).actors,
            vec![ActorKey::Ucdp(1158)],
            "{name}"
        );
    }
    // GED 2012 events against the MNLA are coded as CMA: the node's history starts in 2012.
    let events = global_events();
    let params = GraphParams {
        source: EventSource::UcdpGed,
        from: NaiveDate::from_ymd_opt(2012, 1, 1),
        to: NaiveDate::from_ymd_opt(2019, 12, 31),
        countries: vec!["Mali".into()],
    };
    let g = build_graph(&r, &events, &params, None);
    let cma = &g.nodes[g.node_index(&ActorKey::Ucdp(1158)).unwrap()];
    assert_eq!(cma.first_month.year, 2012);
    // Civilian harm by the Government of Mali is on its node (GED one-sided violence).
    let mali = &g.nodes[g.node_index(&ActorKey::Ucdp(72)).unwrap()];
    assert!(mali.civilian_events > 0 && mali.civilian_deaths > 0);
    assert!(g.nodes.iter().all(|n| n.name != "Civilians"));
    let m = metrics::compute(&g, 42);
    assert!(m.modularity > 0.0);
    eprintln!(
        "Mali 2012-2019: {} nodes, {} edges, modularity {:.4}, Mali civilians {} events {} deaths",
        g.nodes.len(),
        g.edges.len(),
        m.modularity,
        mali.civilian_events,
        mali.civilian_deaths
    );
}

#[test]
fn invented_acled_rows_resolve_through_an_alias_table() {
    let file = data_dir().join("../fixtures/acled/acled_examples.csv");
    let events = acled::read_path(&file).unwrap().records;
    assert_eq!(events.len(), 4);
    // A user's extension of the table for the invented country (the shipped table maps real
    // Sahel spellings; Exampleland's are invented).
    let table = r#"
[[alias]]
name = "Northern Example Front"
actor = "Northern Example Front"
source = "invented ACLED fixture (format tests)"

[[alias]]
name = "Military Forces of Exampleland"
actor = "Government of Exampleland"
source = "invented ACLED fixture; ACLED state-forces naming"
"#;
    let reg = registry();
    let r = Resolver::new(
        &reg,
        aliases::parse(table, "user.toml").unwrap(),
        "user.toml",
    )
    .unwrap();
    let all: Vec<&Event> = events.iter().collect();
    let resolved = r.resolve_events(&all);
    let find = |n: &str| resolved.names.iter().find(|x| x.name == n).unwrap();
    assert_eq!(
        find("Northern Example Front").resolution.method,
        Method::Alias
    );
    // "(2021-)" removed by the documented normalisation, then the alias.
    let forces = find("Military Forces of Exampleland (2021-)");
    assert_eq!(forces.resolution.method, Method::Normalised);
    assert_eq!(
        forces.resolution.actors,
        vec![ActorKey::Named("Government of Exampleland".into())]
    );
    assert!(find("Civilians (Exampleland)").resolution.civilians);
    let params = GraphParams {
        source: EventSource::Acled,
        from: None,
        to: None,
        countries: vec![],
    };
    let g = build_graph(&r, &events, &params, None);
    let front = g
        .node_index(&ActorKey::Named("Northern Example Front".into()))
        .unwrap();
    let state = g
        .node_index(&ActorKey::Named("Government of Exampleland".into()))
        .unwrap();
    let edge = g
        .edges
        .iter()
        .find(|e| (e.a, e.b) == (front.min(state), front.max(state)))
        .unwrap();
    assert_eq!((edge.events, edge.fatalities_best), (2, 7));
    // The attacker of the civilians is unresolved and carries the civilian harm; the miners
    // (associates of the civilian side, and protesters in a protest) are not nodes.
    let attacker = &g.nodes[g
        .node_index(&ActorKey::Unresolved(
            "Unidentified Armed Group (Exampleland)".into(),
        ))
        .unwrap()];
    assert_eq!((attacker.civilian_events, attacker.civilian_deaths), (1, 3));
    assert!(g.nodes.iter().all(|n| !n.name.starts_with("Miners")));
}
