//! Fuzz target: `ingest::wgi::read` on arbitrary bytes must return (records or an error),
//! never panic, and account for every row it read.
#![no_main]
use libfuzzer_sys::fuzz_target;
use orewatch_core::ingest::wgi;

fuzz_target!(|data: &[u8]| {
    if let Ok(outcome) = wgi::read(data, "fuzz.csv") {
        let _ = outcome;
    }
});
