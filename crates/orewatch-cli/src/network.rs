//! `orewatch network`: the actor–actor graph of a period with its metrics, as GraphML or JSON.
//!
//! ```text
//! orewatch network [--period 2012..2019 | --from DATE --to DATE] [--countries MLI,BFA,NER]
//!                  [--source GED|ACLED] [--seed 42] [--aliases FILE] [--sites-radius-km 50]
//!                  [--out FILE|-] [--format json|graphml]
//! ```
//!
//! Parses the flags, asks `orewatch_core::actors::assess::network` and writes its result.
//! Nodes are organisations — UCDP actors, organisations the UCDP list lacks (`unlisted`) and
//! `A and/or B` sides (`ambiguous`); categories such as civilians are never nodes (one-sided
//! violence is on the attacker). Edges are dyads (events, deaths, violence types, first/last
//! month); the actor list's relations between nodes are added as edges of kind
//! alliance/splinter/member. Metrics: degree, weighted degree (events), betweenness with edge
//! length 1/events, PageRank, Louvain community (seeded; the seed and the modularity are in
//! the output). The file is written atomically (temporary file renamed into place); the same
//! inputs and seed give the same bytes; without `--out` (or with `--out -`) the JSON goes to
//! stdout. Aggregates only.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use chrono::NaiveDate;
use orewatch_core::actors::assess::{
    self, EventSelection, Inputs, NetworkRequest, SiteLinksRequest,
};
use orewatch_core::actors::export;
use serde_json::json;

use crate::flags::SourceArg;
use crate::output::{OutArgs, OutFormat, Sink};

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
    /// Only events in these countries: ISO3 codes, comma-separated (MLI,BFA,NER).
    #[arg(long, value_delimiter = ',')]
    pub countries: Vec<String>,
    /// Event source. Required when the store holds both (never mixed).
    #[arg(long, value_enum, ignore_case = true)]
    pub source: Option<SourceArg>,
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
    /// Where and how: json ({nodes, links}; the default on stdout) or graphml (Gephi).
    #[command(flatten)]
    pub output: OutArgs,
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

pub fn run(store_dir: &Path, quiet: bool, args: Args) -> Result<()> {
    let output = args
        .output
        .resolve(&[OutFormat::Json, OutFormat::Graphml])?;
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
    if args.sites_radius_km.is_some() && output.format != OutFormat::Json {
        bail!("--sites-radius-km: the actor–site links are written to .json output only");
    }
    if let Some(r) = args.sites_radius_km {
        if !(r.is_finite() && r > 0.0) {
            bail!("--sites-radius-km {r}: expected a positive number of km");
        }
    }
    let (mut dataset, manifest, table) = crate::actors::load(store_dir, args.aliases.as_deref())?;
    let precision = args.precision.apply(&mut dataset.events)?;
    let input = Inputs {
        dataset: &dataset,
        sources: &manifest.sources,
        aliases: &table,
    };
    let request = NetworkRequest {
        selection: EventSelection {
            source: args.source.map(Into::into),
            countries: args.countries.clone(),
            from,
            to,
        },
        seed: args.seed,
        site_links: args.sites_radius_km.map(|radius_km| SiteLinksRequest {
            radius_km,
            any_country: false,
            site_ids: Vec::new(),
        }),
    };
    let result = assess::network(&input, &request)?;
    let graph = &result.graph;
    let m = &result.metrics;
    let p = &result.provenance;
    let countries: Vec<&str> = p.countries.iter().map(|c| c.iso3.as_str()).collect();
    let description = format!(
        "orewatch actor network: {} events of {} from {} to {}{}; {}; alias table {}; {}",
        graph.events,
        p.source.as_str(),
        from.map_or("the start".into(), |d| d.to_string()),
        to.map_or("the end".into(), |d| d.to_string()),
        if countries.is_empty() {
            String::new()
        } else {
            format!(" in {}", countries.join(", "))
        },
        precision.describe(),
        p.alias_table,
        m.method
    );
    let text = if output.format == OutFormat::Graphml {
        export::graphml(graph, m, &description)
    } else {
        let r = &graph.resolution;
        let metadata = json!({
            "description": description,
            "params": graph.params,
            "seed": args.seed,
            "alias_table": p.alias_table,
            "location_precision": precision.describe(),
            "resolution": {
                "events": r.events,
                "events_with_organisation": r.events_with_organisation,
                "events_resolved": r.events_resolved,
                "events_with_unlisted": r.events_with_unlisted,
                "events_with_ambiguous": r.events_with_ambiguous,
                "category_sides": r.category_sides,
                "ambiguous_sides": r.ambiguous_sides,
            },
            "sources": p.files,
            "stated_coverage": p.stated_coverage,
            "warnings": p.warnings,
        });
        let mut doc = export::json(graph, m, metadata);
        if let Some(links) = &request.site_links {
            doc["site_links"] = serde_json::to_value(&result.site_links)?;
            doc["site_events"] = serde_json::to_value(&result.site_events)?;
            doc["metadata"]["site_links"] = json!(format!(
                "armed actors of the period's events within {} km (great-circle) of each \
                 site with coordinates; an event counts for every site it is near",
                links.radius_km
            ));
        }
        let mut t = serde_json::to_string_pretty(&doc)?;
        t.push('\n');
        t
    };
    output.write(text.as_bytes())?;
    if !quiet {
        eprintln!(
            "{}: {} actors, {} dyads, {} relations, modularity {:.4} ({} communities, seed {}); events with every organisation side resolved {}/{}",
            match &output.sink {
                Sink::File(path) => path.display().to_string(),
                Sink::Stdout => "stdout".to_string(),
            },
            graph.nodes.len(),
            graph.edges.len(),
            graph.relations.len(),
            m.modularity,
            m.communities,
            args.seed,
            graph.resolution.events_resolved,
            graph.resolution.events_with_organisation
        );
        for w in &p.warnings {
            eprintln!("warning: {w}");
        }
    }
    Ok(())
}
