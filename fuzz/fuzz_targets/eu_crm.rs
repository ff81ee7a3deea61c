//! Fuzz target: `ingest::eu_crm::read_tables` with one of the four EU criticality tables
//! replaced by arbitrary bytes (the input's first byte, modulo 4, picks which: results, Annex 4,
//! global shares, EU sourcing shares; the other three are the bundled copy) must return the
//! tables or an error, never panic, and account for every share row it read.
#![no_main]
use libfuzzer_sys::fuzz_target;
use orewatch_core::ingest::eu_crm::{self, TableInput};

fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let pick = usize::from(pick % 4);
    let input = |i: usize| TableInput {
        path: eu_crm::BUNDLED[i].0,
        bytes: if i == pick { bytes } else { eu_crm::BUNDLED[i].1 },
    };
    let _ = eu_crm::read_tables(input(0), input(1), input(2), input(3));
});
