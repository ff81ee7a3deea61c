//! `orewatch actors`: the actor registry and how the event sides resolve to it.
//!
//! ```text
//! orewatch actors [list|show ACTOR] [--unresolved] [--source GED|ACLED]
//!                 [--countries Mali,Niger] [--aliases FILE] [--json]
//! ```
//!
//! `list` (default): the canonical actors of the chosen source's events, with events, deaths,
//! civilian harm and first/last month, after the resolution rate per source (events and distinct
//! names). `show ACTOR` (a UCDP id, a name or any spelling that resolves): the actor list's
//! record (names, former names, organisation type), its listed relations (alliance, splinter,
//! membership — only those the UCDP list states), its timeline and its main counterparts.
//! `--unresolved`: the names left unresolved, with their event counts (add them to an alias
//! table and pass it with `--aliases`). Aggregates only: no event rows are printed.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use orewatch_core::actors::aliases::{self, default_aliases};
use orewatch_core::actors::graph::{build_graph, ActorGraph, GraphParams};
use orewatch_core::actors::registry::{former_names, Registry, JNIM_NOTE};
use orewatch_core::actors::resolve::{ActorKey, Resolver};
use orewatch_core::analysis::admin::AdminIndex;
use orewatch_core::analysis::events::{choose_source, parse_source};
use orewatch_core::model::Dataset;
use orewatch_store::Store;
use serde_json::json;

#[derive(clap::Args)]
pub struct Args {
    /// `list` (default) or `show`.
    #[arg(value_parser = ["list", "show"])]
    pub action: Option<String>,
    /// With `show`: a UCDP actor id or a name.
    pub actor: Option<String>,
    /// List the side names that did not resolve, with their event counts.
    #[arg(long)]
    pub unresolved: bool,
    /// Event source: GED or ACLED. Required when the store holds both (never mixed).
    #[arg(long)]
    pub source: Option<String>,
    /// Only events in these countries (names as in the events), comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub countries: Vec<String>,
    /// Alias table (TOML, as config/actor_aliases.toml); default: the shipped table.
    #[arg(long)]
    pub aliases: Option<PathBuf>,
    /// JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub precision: crate::precision::PrecisionArg,
}

/// The store's dataset, the registry and the resolver's alias table (shared with `network`).
pub fn load(
    store_dir: &Path,
    aliases_file: Option<&Path>,
) -> Result<(
    Dataset,
    orewatch_store::Manifest,
    Registry,
    Vec<aliases::Alias>,
    String,
)> {
    let store = Store::open(store_dir);
    if store.is_empty() {
        bail!(
            "the store at {} is empty. Run `orewatch ingest` (default data) or `orewatch ingest PATHS…` first.",
            store_dir.display()
        );
    }
    let (dataset, manifest) = store
        .load()
        .with_context(|| format!("loading the store at {}", store_dir.display()))?;
    if dataset.actors.is_empty() {
        bail!("the store holds no UCDP actor list: ingest ucdp_actor_v22_1.csv (orewatch ingest FILE) to resolve actors");
    }
    let registry = Registry::new(&dataset.actors);
    let (table, name) = match aliases_file {
        None => (
            default_aliases()?,
            "config/actor_aliases.toml (shipped)".to_string(),
        ),
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading the alias table {}", path.display()))?;
            let name = path.display().to_string();
            (aliases::parse(&text, &name)?, name)
        }
    };
    Ok((dataset, manifest, registry, table, name))
}

pub fn run(store_dir: &Path, args: Args) -> Result<()> {
    let (mut dataset, _manifest, registry, table, table_name) =
        load(store_dir, args.aliases.as_deref())?;
    let precision = args.precision.apply(&mut dataset.events)?;
    let resolver = Resolver::new(&registry, table, &table_name)?;
    let requested = args.source.as_deref().map(parse_source).transpose()?;
    let source = choose_source(&dataset.events, requested)?;
    let params = GraphParams {
        source,
        from: None,
        to: None,
        countries: args.countries.clone(),
    };
    // Admin-1 regions from the boundaries when the source carries none (reduced GED layout).
    let admin = (!dataset.regions.is_empty()).then(|| AdminIndex::new(&dataset.regions));
    let graph = build_graph(&resolver, &dataset.events, &params, admin.as_ref());
    let report = &graph.resolution;
    let rate = format!(
        "{}: {} of {} events resolved ({:.2}%), {} of {} distinct side names ({:.2}%); alias table {}; {}",
        source.as_str(),
        report.events_resolved,
        report.events,
        100.0 * report.event_rate(),
        report.names_resolved,
        report.names,
        100.0 * report.name_rate(),
        table_name,
        precision.describe()
    );
    if args.unresolved {
        if args.json {
            println!(
                "{}",
                serde_json::to_string_pretty(&json!({"resolution": report}))?
            );
        } else {
            println!("# {rate}");
            println!("events\tname");
            for (name, n) in &report.unresolved {
                println!("{n}\t{name}");
            }
        }
        return Ok(());
    }
    match args.action.as_deref() {
        None | Some("list") => list(&graph, &rate, args.json),
        Some("show") => {
            let Some(query) = args.actor.as_deref() else {
                bail!("`orewatch actors show ACTOR`: give a UCDP actor id (6716) or a name (JNIM)");
            };
            show(&resolver, &graph, query, args.json)
        }
        Some(other) => bail!("unknown action {other}: expected list or show"),
    }
}

fn list(graph: &ActorGraph, rate: &str, as_json: bool) -> Result<()> {
    let mut order: Vec<usize> = (0..graph.nodes.len()).collect();
    order.sort_by(|&a, &b| {
        graph.nodes[b]
            .events
            .cmp(&graph.nodes[a].events)
            .then(a.cmp(&b))
    });
    if as_json {
        let nodes: Vec<_> = order.iter().map(|&i| &graph.nodes[i]).collect();
        println!(
            "{}",
            serde_json::to_string_pretty(
                &json!({"resolution": graph.resolution, "actors": nodes, "notes": graph.notes})
            )?
        );
        return Ok(());
    }
    println!("# {rate}");
    println!(
        "id\tname\tevents\tdeaths_best\tcivilian_events\tcivilian_deaths\tfirst_month\tlast_month"
    );
    for i in order {
        let n = &graph.nodes[i];
        println!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            n.key.id(),
            n.name,
            n.events,
            n.fatalities_best,
            n.civilian_events,
            n.civilian_deaths,
            n.first_month,
            n.last_month
        );
    }
    Ok(())
}

fn show(resolver: &Resolver, graph: &ActorGraph, query: &str, as_json: bool) -> Result<()> {
    let registry = resolver.registry();
    let key = match query.trim().parse::<u32>() {
        Ok(id) if registry.get(id).is_some() => ActorKey::Ucdp(id),
        Ok(id) => bail!("no actor with UCDP id {id} in the actor list"),
        Err(_) => {
            let r = resolver.resolve(query, None);
            match r.actors.as_slice() {
                [one] => one.clone(),
                [] => bail!("{query:?} names civilians, not an organisation"),
                many => bail!(
                    "{query:?} resolves to several actors ({}): show one of them",
                    many.iter().map(|k| k.id()).collect::<Vec<_>>().join(", ")
                ),
            }
        }
    };
    let listed = key.ucdp_id().and_then(|id| registry.get(id));
    let relations = key
        .ucdp_id()
        .map(|id| registry.relations_of(id))
        .unwrap_or_default();
    let node = graph.node_index(&key).map(|i| &graph.nodes[i]);
    let mut counterparts: Vec<(String, u64, u64)> = graph
        .node_index(&key)
        .map(|i| {
            graph
                .edges
                .iter()
                .filter(|e| e.a == i || e.b == i)
                .map(|e| {
                    let other = if e.a == i { e.b } else { e.a };
                    (graph.nodes[other].name.clone(), e.events, e.fatalities_best)
                })
                .collect()
        })
        .unwrap_or_default();
    counterparts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let rel_text: Vec<String> = relations
        .iter()
        .map(|r| {
            let name = |id: u32| {
                registry
                    .get(id)
                    .map_or(format!("{id} (not in the list)"), |a| {
                        format!("{} ({id})", a.name.trim())
                    })
            };
            format!("{} {} {}", name(r.from), r.kind.as_str(), name(r.to))
        })
        .collect();
    if as_json {
        println!(
            "{}",
            serde_json::to_string_pretty(&json!({
                "actor": key,
                "name": resolver.display_name(&key),
                "listed": listed.map(|a| json!({
                    "actor_id": a.actor_id, "name": a.name.trim(), "name_orig": a.name_orig,
                    "name_orig_full_eng": a.name_orig_full_eng, "former_names": former_names(a),
                    "org_type": a.org_type, "location": a.location,
                })),
                "relations": rel_text,
                "timeline": node,
                "counterparts": counterparts,
                "note": JNIM_NOTE,
            }))?
        );
        return Ok(());
    }
    println!("{} [{}]", resolver.display_name(&key), key.id());
    if let Some(a) = listed {
        println!(
            "  UCDP actor list: NameData {:?}, original {:?}, English {:?}",
            a.name.trim(),
            a.name_orig.as_deref().unwrap_or(""),
            a.name_orig_full_eng.as_deref().unwrap_or("")
        );
        let former = former_names(a);
        if !former.is_empty() {
            println!("  former/other names in the list: {}", former.join("; "));
        }
        if let Some(t) = a.org_type {
            println!("  organisation type (UCDP Org): {t}");
        }
    } else {
        println!("  not in the UCDP actor list");
    }
    println!(
        "  relations in the UCDP list: {}",
        if rel_text.is_empty() {
            "none".into()
        } else {
            rel_text.join("; ")
        }
    );
    match node {
        None => println!("  no events in the selection"),
        Some(n) => {
            println!(
                "  events {} ({} to {}, {} active months), deaths in its events {}, caused {}, suffered {} ({} events without a per-side split)",
                n.events, n.first_month, n.last_month, n.active_months, n.fatalities_best, n.fatalities_caused, n.fatalities_suffered, n.events_without_breakdown
            );
            println!(
                "  against civilians: {} events, {} deaths",
                n.civilian_events, n.civilian_deaths
            );
            if !n.admin1.is_empty() {
                let r: Vec<String> = n.admin1.iter().map(|(r, c)| format!("{r} {c}")).collect();
                println!("  admin-1 regions: {}", r.join(", "));
            }
        }
    }
    if !counterparts.is_empty() {
        println!("  counterparts (events, deaths):");
        for (name, ev, d) in counterparts.iter().take(10) {
            println!("    {name}\t{ev}\t{d}");
        }
    }
    println!("  note: {JNIM_NOTE}");
    Ok(())
}
