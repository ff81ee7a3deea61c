//! `orewatch network`: the actor–actor graph of a period with its metrics, as GraphML or JSON.
//!
//! ```text
//! orewatch network [--period 2012..2019 | --from DATE --to DATE] [--countries Mali,Niger]
//!                  [--source GED|ACLED] [--seed 42] [--aliases FILE]
//!                  --out graph.graphml|graph.json
//! ```
//!
//! Nodes are organisations (civilians are never a node: one-sided violence is on the
//! attacker), edges are dyads (events, deaths, violence types, first/last month); the actor
//! list's relations between nodes are added as edges of kind alliance/splinter/member. Metrics:
//! degree, weighted degree (events), betweenness with edge length 1/events, PageRank, Louvain
//! community (seeded; the seed and the modularity are in the output). The file is written
//! atomically (temporary file renamed into place); the same inputs and seed give the same
//! bytes. Aggregates only.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use chrono::NaiveDate;
use orewatch_core::actors::export;
use orewatch_core::actors::graph::{actors_near_sites, build_graph, GraphParams};
use orewatch_core::actors::metrics;
use orewatch_core::actors::resolve::Resolver;
use orewatch_core::analysis::admin::AdminIndex;
use orewatch_core::analysis::events::{choose_source, parse_source};
use serde_json::json;

use crate::output::write_atomic;

#[derive(clap::Args)]
pub struct Args {
    /// Years, inclusive: `2012..2019` (or one year `2015`).
    #[arg(long)]
    pub period: Option<String>,
    /// First day (YYYY-MM-DD), instead of --period.
    #[arg(long)]
    pub from: Option<String>,
    /// Last day included (YYYY-MM-DD), instead of --period.
    #[arg(long)]
    pub to: Option<String>,
    /// Only events in these countries (names as in the events), comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub countries: Vec<String>,
    /// Event source: GED or ACLED. Required when the store holds both (never mixed).
    #[arg(long)]
    pub source: Option<String>,
    /// Seed of the Louvain node order.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Alias table (TOML, as config/actor_aliases.toml); default: the shipped table.
    #[arg(long)]
    pub aliases: Option<PathBuf>,
    /// Also link actors to mine sites: the actors of the events within this radius (km) of
    /// each site with coordinates, as `site_links` in the JSON output.
    #[arg(long)]
    pub sites_radius_km: Option<f64>,
    /// Output: .graphml (Gephi) or .json ({nodes, links}).
    #[arg(long, short)]
    pub out: PathBuf,
    #[command(flatten)]
    pub precision: crate::precision::PrecisionArg,
}

fn parse_date(name: &str, text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .with_context(|| format!("--{name} {text}: expected a date as YYYY-MM-DD"))
}

fn parse_period(text: &str) -> Result<(NaiveDate, NaiveDate)> {
    let bad = || {
        format!("--period {text}: expected years as FIRST..LAST (2012..2019) or one year (2015)")
    };
    let (a, b) = match text.split_once("..") {
        Some((a, b)) => (a.trim(), b.trim().trim_start_matches('=')),
        None => (text.trim(), text.trim()),
    };
    let a: i32 = a.parse().with_context(bad)?;
    let b: i32 = b.parse().with_context(bad)?;
    if a > b {
        bail!("{}", bad());
    }
    Ok((
        NaiveDate::from_ymd_opt(a, 1, 1).with_context(bad)?,
        NaiveDate::from_ymd_opt(b, 12, 31).with_context(bad)?,
    ))
}

pub fn run(store_dir: &Path, args: Args) -> Result<()> {
    let ext = args
        .out
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    if ext != "graphml" && ext != "json" {
        bail!(
            "--out {}: expected a file ending in .graphml or .json",
            args.out.display()
        );
    }
    let (from, to) = match (&args.period, &args.from, &args.to) {
        (Some(_), Some(_), _) | (Some(_), _, Some(_)) => {
            bail!("give --period or --from/--to, not both")
        }
        (Some(p), None, None) => {
            let (a, b) = parse_period(p)?;
            (Some(a), Some(b))
        }
        (None, f, t) => (
            f.as_deref().map(|x| parse_date("from", x)).transpose()?,
            t.as_deref().map(|x| parse_date("to", x)).transpose()?,
        ),
    };
    if let (Some(a), Some(b)) = (from, to) {
        if a > b {
            bail!("--from {a} is after --to {b}");
        }
    }
    if args.sites_radius_km.is_some() && ext != "json" {
        bail!("--sites-radius-km: the actor–site links are written to .json output only");
    }
    if let Some(r) = args.sites_radius_km {
        if !(r.is_finite() && r > 0.0) {
            bail!("--sites-radius-km {r}: expected a positive number of km");
        }
    }
    let (mut dataset, manifest, registry, table, table_name) =
        crate::actors::load(store_dir, args.aliases.as_deref())?;
    let precision = args.precision.apply(&mut dataset.events)?;
    let resolver = Resolver::new(&registry, table, &table_name)?;
    let requested = args.source.as_deref().map(parse_source).transpose()?;
    let source = choose_source(&dataset.events, requested)?;
    let params = GraphParams {
        source,
        from,
        to,
        countries: args.countries.clone(),
    };
    // Admin-1 regions from the boundaries when the source carries none (reduced GED layout).
    let admin = (!dataset.regions.is_empty()).then(|| AdminIndex::new(&dataset.regions));
    let graph = build_graph(&resolver, &dataset.events, &params, admin.as_ref());
    let m = metrics::compute(&graph, args.seed);
    let description = format!(
        "orewatch actor network: {} events of {} from {} to {}{}; {}; alias table {}; {}",
        graph.events,
        source.as_str(),
        from.map_or("the start".into(), |d| d.to_string()),
        to.map_or("the end".into(), |d| d.to_string()),
        if args.countries.is_empty() {
            String::new()
        } else {
            format!(" in {}", args.countries.join(", "))
        },
        precision.describe(),
        table_name,
        m.method
    );
    let text = if ext == "graphml" {
        export::graphml(&graph, &m, &description)
    } else {
        let sources: Vec<_> = manifest
            .sources
            .iter()
            .map(|s| json!({"path": s.path, "kind": s.kind, "sha256": s.sha256}))
            .collect();
        let metadata = json!({
            "description": description,
            "params": graph.params,
            "seed": args.seed,
            "alias_table": table_name,
            "resolution": {
                "events": graph.resolution.events,
                "events_resolved": graph.resolution.events_resolved,
                "names": graph.resolution.names,
                "names_resolved": graph.resolution.names_resolved,
            },
            "sources": sources,
        });
        let mut doc = export::json(&graph, &m, metadata);
        if let Some(radius_km) = args.sites_radius_km {
            let links = actors_near_sites(
                &resolver,
                &dataset.events,
                &params,
                &dataset.sites,
                radius_km,
            )?;
            doc["site_links"] = serde_json::to_value(&links)?;
            doc["metadata"]["site_links"] = json!(format!(
                "armed actors of the period's events within {radius_km} km (great-circle) of each \
                 site with coordinates; an event counts for every site it is near"
            ));
        }
        let mut t = serde_json::to_string_pretty(&doc)?;
        t.push('\n');
        t
    };
    write_atomic(&args.out, text.as_bytes())?;
    eprintln!(
        "{}: {} actors, {} dyads, {} relations, modularity {:.4} ({} communities, seed {}); events resolved {}/{}",
        args.out.display(),
        graph.nodes.len(),
        graph.edges.len(),
        graph.relations.len(),
        m.modularity,
        m.communities,
        args.seed,
        graph.resolution.events_resolved,
        graph.resolution.events
    );
    Ok(())
}
