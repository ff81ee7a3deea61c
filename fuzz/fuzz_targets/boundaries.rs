//! Fuzz target: `ingest::boundaries::read` on arbitrary bytes must return (records or an error),
//! never panic, and account for every row it read.
#![no_main]
use libfuzzer_sys::fuzz_target;
use orewatch_core::ingest::boundaries;

fuzz_target!(|data: &[u8]| {
    if let Ok(outcome) = boundaries::read(data, "fuzz.geojson") {
        assert_eq!(outcome.rows_read, (outcome.records.len() + outcome.quarantined.len()) as u64);
    }
});
