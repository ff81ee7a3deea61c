//! `orewatch`: evidence on the minerals–security nexus in fragile states, from the command line.
//!
//! One module per subcommand, each a thin layer over `orewatch-core` (readers, analyses),
//! `orewatch-store` (the embedded store) and `orewatch-report` (the brief).
//! Exit codes: 0 success (also when stdout is closed early: `orewatch … | head`), 1 error, 2
//! usage error.

mod actors;
mod allocator;
mod brief;
mod cahra;
mod data_dir;
mod datasets;
mod exposure;
mod fetch;
mod flags;
mod forecast;
mod ingest;
mod network;
mod output;
mod precision;
mod scenario;
mod serve;
mod supply;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "orewatch",
    version,
    about = "Evidence for judging security-for-minerals deals in fragile states: armed violence near mines, actors, outlook, supply, and the deal.",
    long_about = None
)]
struct Cli {
    /// Store directory (GeoParquet/Parquet tables plus manifest.json).
    #[arg(
        long,
        global = true,
        env = "OREWATCH_STORE",
        default_value = "orewatch-data"
    )]
    store: PathBuf,

    /// No progress bars or summaries on stderr.
    #[arg(long, short, global = true)]
    quiet: bool,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Read source files into the store (no paths: the default data directory).
    Ingest(ingest::Args),
    /// Download a UCDP GED release or candidate events, check and unzip it, then ingest it.
    Fetch(fetch::Args),
    /// List what the store holds: per source its rows, coverage, countries, provenance.
    Datasets(datasets::Args),
    /// Armed violence around mine sites: one row per site and radius.
    Exposure(Box<exposure::Args>),
    /// Write the one-page HTML brief (ingests the default data first if the store is empty).
    Brief(brief::Args),
    /// CAHRA screening per admin-1 region or site: conflict-affected, high-risk, neither, insufficient data.
    Cahra(cahra::Args),
    /// World supply of a mineral: shares by country, HHI, governance-weighted HHI, supply risk, disruptions.
    Supply(supply::Args),
    /// Armed actors: the registry, resolution of event sides, unresolved names, one actor's record.
    Actors(actors::Args),
    /// The actor–actor network of a period with its metrics, as GraphML or JSON.
    Network(network::Args),
    /// Probabilistic forecasts of fatalities per PRIO-GRID cell-month (or country-month).
    Forecast(Box<forecast::ForecastArgs>),
    /// Rolling-origin evaluation of the forecast models against the VIEWS baselines.
    Evaluate(Box<forecast::EvaluateArgs>),
    /// Partnership scenarios: run, compare, check, schema (risks and rewards as distributions).
    Scenario(scenario::Args),
    /// The local API (JSON, GeoJSON, Parquet; OpenAPI at /openapi.json) and the map page.
    Serve(serve::Args),
}

fn main() -> ExitCode {
    allocator::keep_freed_memory();
    output::exit_quietly_on_broken_pipe();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Ingest(args) => ingest::run(&cli.store, cli.quiet, args),
        Command::Fetch(args) => fetch::run(&cli.store, cli.quiet, args),
        Command::Datasets(args) => datasets::run(&cli.store, args),
        Command::Exposure(args) => exposure::run(&cli.store, *args),
        Command::Brief(args) => brief::run(&cli.store, cli.quiet, args),
        Command::Cahra(args) => cahra::run(&cli.store, cli.quiet, args),
        Command::Supply(args) => supply::run(&cli.store, args),
        Command::Forecast(args) => forecast::run_forecast(&cli.store, cli.quiet, *args),
        Command::Evaluate(args) => forecast::run_evaluate(&cli.store, cli.quiet, *args),
        Command::Actors(args) => actors::run(&cli.store, args),
        Command::Network(args) => network::run(&cli.store, cli.quiet, args),
        Command::Scenario(args) => scenario::run(&cli.store, cli.quiet, args),
        Command::Serve(args) => serve::run(&cli.store, cli.quiet, args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if output::is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) if e.downcast_ref::<output::UsageError>().is_some() => {
            eprintln!("error: {e:#}\n\nFor more information, try '--help'.");
            ExitCode::from(2)
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}
