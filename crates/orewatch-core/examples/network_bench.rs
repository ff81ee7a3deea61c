//! Benchmark side of `bench/actors_network`: every yearly actor–actor graph of a GED file and
//! its metrics (degree, weighted degree, betweenness with edge length 1/events, PageRank,
//! Louvain), timed; the graphs and the values are written out for the networkx peer.
//!
//! ```text
//! cargo run --release -p orewatch-core --example network_bench -- \
//!     --ged GED.csv --actors ucdp_actor_v22_1.csv --out DIR [--runs 10] [--seed 42]
//! ```
//!
//! Reads the GED file with the GED reader and the UCDP actor list, resolves the sides with the
//! shipped alias table and builds one graph per calendar year (`build_graph`, event start date
//! in the year; not timed). Timed, `--runs` times, median reported:
//! - `all_years`: for every year, `metrics::compute` (weighted graph from the dyads, degree,
//!   weighted degree, betweenness, PageRank α 0.85 tol 1e-12, Louvain and its modularity);
//! - `largest_betweenness`: `metrics::betweenness` of the largest yearly graph (most nodes),
//!   weighted graph built beforehand.
//!
//! Writes into `--out`: `nodes.csv` (year, nodes), `edges.csv` (year, u, v, events; node
//! indices of that year's graph), `metrics.csv` (year, node, degree, weighted degree,
//! betweenness, PageRank, community; floats in Rust's shortest round-trip form),
//! `modularity.csv` (year, modularity, communities) and `timing.json`.
//!
//! What it does NOT do: write any actor name or event row (indices and counts only).

use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Instant;

use chrono::NaiveDate;
use orewatch_core::actors::aliases::default_aliases;
use orewatch_core::actors::graph::{build_graph, ActorGraph, GraphParams};
use orewatch_core::actors::metrics::{self, GraphMetrics, WeightedGraph};
use orewatch_core::actors::registry::Registry;
use orewatch_core::actors::resolve::Resolver;
use orewatch_core::ingest::{ged, ucdp_actors};
use orewatch_core::model::EventSource;

struct Args {
    ged: PathBuf,
    actors: PathBuf,
    out: PathBuf,
    runs: usize,
    seed: u64,
}

fn parse_args() -> Result<Args, String> {
    let mut ged = None;
    let mut actors = None;
    let mut out = None;
    let mut runs = 10usize;
    let mut seed = 42u64;
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag}: expected a value"));
        match flag.as_str() {
            "--ged" => ged = Some(PathBuf::from(value()?)),
            "--actors" => actors = Some(PathBuf::from(value()?)),
            "--out" => out = Some(PathBuf::from(value()?)),
            "--runs" => {
                let v = value()?;
                runs = v
                    .parse()
                    .ok()
                    .filter(|&r| r > 0)
                    .ok_or_else(|| format!("--runs {v}: expected a positive integer"))?;
            }
            "--seed" => {
                let v = value()?;
                seed = v
                    .parse()
                    .map_err(|_| format!("--seed {v}: expected an unsigned integer"))?;
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(Args {
        ged: ged.ok_or("--ged FILE is required")?,
        actors: actors.ok_or("--actors FILE is required")?,
        out: out.ok_or("--out DIR is required")?,
        runs,
        seed,
    })
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    if n % 2 == 1 {
        xs[n / 2]
    } else {
        (xs[n / 2 - 1] + xs[n / 2]) / 2.0
    }
}

fn run() -> Result<(), String> {
    let args = parse_args()?;
    let t_load = Instant::now();
    let events = ged::read_path(&args.ged)
        .map_err(|e| format!("reading {}: {e}", args.ged.display()))?
        .records;
    let actors = ucdp_actors::read_path(&args.actors)
        .map_err(|e| format!("reading {}: {e}", args.actors.display()))?
        .records;
    let registry = Registry::new(&actors);
    let table = default_aliases().map_err(|e| e.to_string())?;
    let resolver = Resolver::new(&registry, table, "config/actor_aliases.toml (shipped)")
        .map_err(|e| e.to_string())?;
    let first = events.iter().map(|e| e.date_start).min();
    let last = events.iter().map(|e| e.date_start).max();
    let (Some(first), Some(last)) = (first, last) else {
        return Err(format!("{}: no events", args.ged.display()));
    };
    use chrono::Datelike;
    let mut graphs: Vec<(i32, ActorGraph)> = Vec::new();
    for year in first.year()..=last.year() {
        let params = GraphParams {
            source: EventSource::UcdpGed,
            from: NaiveDate::from_ymd_opt(year, 1, 1),
            to: NaiveDate::from_ymd_opt(year, 12, 31),
            countries: Vec::new(),
        };
        graphs.push((year, build_graph(&resolver, &events, &params, None)));
    }
    let load_s = t_load.elapsed().as_secs_f64();

    // All years' metrics.
    let mut all_times = Vec::with_capacity(args.runs);
    let mut results: Vec<GraphMetrics> = Vec::new();
    for _ in 0..args.runs {
        let t = Instant::now();
        let r: Vec<GraphMetrics> = graphs
            .iter()
            .map(|(_, g)| metrics::compute(g, args.seed))
            .collect();
        all_times.push(t.elapsed().as_secs_f64());
        if !results.is_empty() && results != r {
            return Err("metrics differ between runs".into());
        }
        results = r;
    }

    // Betweenness of the largest yearly graph.
    let (largest_year, largest) = graphs
        .iter()
        .max_by_key(|(y, g)| (g.nodes.len(), -y))
        .ok_or("no yearly graph")?;
    let wg = WeightedGraph::from_actor_graph(largest);
    let mut bc_times = Vec::with_capacity(args.runs);
    for _ in 0..args.runs {
        let t = Instant::now();
        let bc = metrics::betweenness(&wg, |events| 1.0 / events);
        bc_times.push(t.elapsed().as_secs_f64());
        std::hint::black_box(bc);
    }

    std::fs::create_dir_all(&args.out)
        .map_err(|e| format!("creating {}: {e}", args.out.display()))?;
    let mut nodes = String::from("year,nodes\n");
    let mut edges = String::from("year,u,v,events\n");
    let mut values =
        String::from("year,node,degree,weighted_degree,betweenness,pagerank,community\n");
    let mut modularity = String::from("year,modularity,communities\n");
    for ((year, g), m) in graphs.iter().zip(&results) {
        let _ = writeln!(nodes, "{year},{}", g.nodes.len());
        for e in &g.edges {
            let _ = writeln!(edges, "{year},{},{},{}", e.a, e.b, e.events);
        }
        for (i, v) in m.nodes.iter().enumerate() {
            let _ = writeln!(
                values,
                "{year},{i},{},{:?},{:?},{:?},{}",
                v.degree, v.weighted_degree, v.betweenness, v.pagerank, v.community
            );
        }
        let _ = writeln!(modularity, "{year},{:?},{}", m.modularity, m.communities);
    }
    let timing = format!(
        "{{\"runs\": {}, \"seed\": {}, \"load_s\": {load_s:?}, \"all_years_s\": {:?}, \
         \"all_years_min_s\": {:?}, \"all_years_max_s\": {:?}, \"largest_year\": {largest_year}, \
         \"largest_nodes\": {}, \"largest_edges\": {}, \"largest_betweenness_s\": {:?}, \
         \"largest_betweenness_min_s\": {:?}, \"largest_betweenness_max_s\": {:?}, \
         \"years\": {}, \"threads\": 1}}\n",
        args.runs,
        args.seed,
        median(all_times.clone()),
        all_times.iter().copied().fold(f64::INFINITY, f64::min),
        all_times.iter().copied().fold(0.0, f64::max),
        largest.nodes.len(),
        largest.edges.len(),
        median(bc_times.clone()),
        bc_times.iter().copied().fold(f64::INFINITY, f64::min),
        bc_times.iter().copied().fold(0.0, f64::max),
        graphs.len()
    );
    for (name, text) in [
        ("nodes.csv", &nodes),
        ("edges.csv", &edges),
        ("metrics.csv", &values),
        ("modularity.csv", &modularity),
        ("timing.json", &timing),
    ] {
        let path = args.out.join(name);
        std::fs::write(&path, text).map_err(|e| format!("writing {}: {e}", path.display()))?;
    }
    print!("{timing}");
    Ok(())
}

fn main() {
    if let Err(message) = run() {
        eprintln!("network_bench: {message}");
        std::process::exit(1);
    }
}
