//! Fuzz target: the store's manifest loader (`Manifest::from_json`) on arbitrary bytes gives a
//! manifest or an error, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use orewatch_store::Manifest;

fuzz_target!(|data: &[u8]| {
    let _ = Manifest::from_json(data);
});
