//! orewatch-core's integration tests on the real data and the fixtures, one module per reader or
//! analysis, linked into one test binary (`cargo test -p orewatch-core --test integration MODULE::`).

mod shared;

mod actors;
mod boundaries;
mod cahra;
mod conflict;
mod forecast;
mod forecast_score;
mod governance;
mod nothing_lost;
mod production;
mod scenario_links;
mod sites;
mod spatial_join;
mod supply;
