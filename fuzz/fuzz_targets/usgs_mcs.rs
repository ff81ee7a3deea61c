//! Fuzz target: `ingest::usgs_mcs::read` on arbitrary bytes must return (records or an error),
//! never panic, and account for every row it read.
#![no_main]
use libfuzzer_sys::fuzz_target;
use orewatch_core::ingest::usgs_mcs;

fuzz_target!(|data: &[u8]| {
    if let Ok(outcome) = usgs_mcs::read(data, "fuzz.csv") {
        let _ = outcome;
    }
});
