//! Fuzz target: layout detection (`ingest::plan::detect_head`, every reader's `sniff`) on
//! arbitrary bytes and file names never panics. The input is `name NUL head`.
#![no_main]
use libfuzzer_sys::fuzz_target;
use orewatch_core::ingest::plan;

fuzz_target!(|data: &[u8]| {
    let (name, head) = match data.iter().position(|&b| b == 0) {
        Some(i) => (String::from_utf8_lossy(&data[..i]).into_owned(), &data[i + 1..]),
        None => (String::new(), data),
    };
    let _ = plan::detect_head(head, &name);
});
