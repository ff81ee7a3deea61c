//! Fuzz target: the hand-tabulated site table and the company home-country table on arbitrary
//! bytes (the input split at its first NUL byte: sites before, companies after) must return
//! records or an error, never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use orewatch_core::ingest::tabulated_sites;

fuzz_target!(|data: &[u8]| {
    let (sites, companies) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let _ = tabulated_sites::read(sites, "fuzz_sites.csv");
    let _ = tabulated_sites::read_company_home_countries(data, "fuzz_companies.csv");
    if let Ok(table) = tabulated_sites::read_company_home_countries(companies, "c.csv") {
        let _ = tabulated_sites::read_with_companies(sites, "fuzz_sites.csv", &table.records);
    }
});
