//! The store's integration tests: tables round-trip, partial loads (one test binary).

mod partial_load;
mod round_trip;
