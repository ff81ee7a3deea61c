//! Fuzz target: a scenario file through the `scenario check` pipeline (parse and check the
//! TOML, resolve its data links against an empty store) and a short run (16 draws, no store):
//! every input gives a model or a located error, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use orewatch_core::model::Dataset;
use orewatch_core::scenario::engine::{simulate, NoData};
use orewatch_core::scenario::links::StoreLinks;
use orewatch_core::scenario::model::{parse_model, Kind};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(model) = parse_model(text, "fuzz.toml") else {
        return;
    };
    let dataset = Dataset::default();
    let links = StoreLinks::new(&dataset, &[]);
    for v in &model.variables {
        if let Kind::Data(link) = &v.kind {
            let _ = links.resolve(link);
        }
    }
    let _ = simulate(&model, 16, 1, &NoData);
});
