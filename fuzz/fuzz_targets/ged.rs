//! Fuzz target: `ingest::ged::read` on arbitrary bytes must return (records or an error),
//! never panic, and account for every row it read.
#![no_main]
use libfuzzer_sys::fuzz_target;
use orewatch_core::ingest::ged;

fuzz_target!(|data: &[u8]| {
    if let Ok(outcome) = ged::read(data, "fuzz.csv") {
        assert_eq!(outcome.rows_read, (outcome.records.len() + outcome.quarantined.len()) as u64);
    }
});
