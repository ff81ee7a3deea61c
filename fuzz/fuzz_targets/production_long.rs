//! Fuzz target: `ingest::production_long::read` on arbitrary bytes must return (records or an error),
//! never panic, and account for every row it read.
#![no_main]
use libfuzzer_sys::fuzz_target;
use orewatch_core::ingest::production_long;

fuzz_target!(|data: &[u8]| {
    if let Ok(outcome) = production_long::read(data, "fuzz.csv") {
        let _ = outcome;
    }
});
