//! The CLI's integration tests, one module per command or topic, linked into one test binary
//! (`cargo test -p orewatch-cli --test integration MODULE::`): CI links one binary per crate, and
//! tests that only read share one ingested store of the shipped data (`common::shipped_store`).

mod actors_cli;
mod cahra;
mod cli_errors;
mod common;
mod crash_safety;
mod exposure_cli;
mod forecast_cli;
mod ingest_real_data;
mod interop;
mod scenario_cli;
mod serve;
mod supply_cli;
