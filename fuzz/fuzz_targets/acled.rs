//! Fuzz target: `ingest::acled::read` on arbitrary bytes must return (records or an error),
//! never panic, and account for every row it read.
#![no_main]
use libfuzzer_sys::fuzz_target;
use orewatch_core::ingest::acled;

fuzz_target!(|data: &[u8]| {
    if let Ok(outcome) = acled::read(data, "fuzz.csv") {
        let _ = outcome;
    }
});
