//! Fuzz target: `ingest::usgs_sites::read` on arbitrary bytes must return (records or an error),
//! never panic, and account for every row it read.
#![no_main]
use libfuzzer_sys::fuzz_target;
use orewatch_core::ingest::usgs_sites;

fuzz_target!(|data: &[u8]| {
    if let Ok(outcome) = usgs_sites::read(data, "fuzz.geojson") {
        let _ = outcome;
    }
});
