//! orewatch-core: the canonical data model of orewatch, one reader per source format, and the
//! analyses (pure functions over the model).
//!
//! What it is for: turning the files analysts hold (UCDP GED, ACLED, USGS mineral GeoJSON,
//! hand-tabulated site tables, Natural Earth boundaries, production series, WGI) into one typed
//! model, with every rejected row quarantined with its reason, and answering questions from it.
//!
//! What it is not: a store (see `orewatch-store`), a report (`orewatch-report`) or a user
//! interface (`orewatch-cli`). Nothing here prints to a terminal or writes files.

pub mod actors;
pub mod analysis;
pub mod assess;
pub mod config_text;
pub mod geodesy;
pub mod ingest;
pub mod model;
pub mod scenario;
pub mod spatial;
#[cfg(test)]
mod test_util;
