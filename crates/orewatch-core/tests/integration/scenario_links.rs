//! Scenario data links on the real data in `../shared/data`.
//!
//! Expected values computed independently with python3 (csv module) from the source files:
//! - WGI: Mali's latest Control of Corruption row is 2023, cc_est −0.861832, cc_se 0.152046.
//! - USGS MCS lithium mine production 2025 (latest for Mali, estimated): Mali 9,400 t, World
//!   total (rounded) 290,000 t, listed rows (Argentina 23,000, Australia 92,000, Brazil 12,000,
//!   Canada 5,600, Chile 56,000, China 62,000, Mali 9,400, Other countries 0, Portugal 380,
//!   Zimbabwe 28,000; United States withheld) sum 288,380 → share in
//!   [9,400/290,000, 9,400/288,380].
//! - Ownership, Mali lithium (hand table): Goulamina Ganfeng 65 % (China), State of Mali 30 %,
//!   Malian private investors 5 %; Bougouni Kodal Mining UK 65 % (Hainan Mining 51 % China /
//!   Kodal Minerals 49 %), State and national investors 35 %. Chinese look-through: 0.65 and
//!   0.65 × 0.51 = 0.3315; no capacities → equal weights → 0.49075. The table gives no home
//!   for "Malian private investors" (the reader leaves it unknown), so Goulamina's share is
//!   [0.65, 0.70] and the link's bounds [0.49075, 0.51575].
//! - GED (West Africa precise file, coverage 1989–2019 by its name) within 100 km of the ten
//!   Malian gold sites with coordinates in the hand table, window (2010-01-02 excluded …
//!   2019-12-31]: 3 events, deaths low 9, best 9, high 35 → the triangular sum's mean
//!   (9 + 9 + 35)/3 = 17.667, variance 34.78 (Σ (a² + b² + c² − ab − ac − bc)/18).

use std::path::{Path, PathBuf};

use orewatch_core::ingest::plan::{detect, ingest, IngestOutput};
use orewatch_core::scenario::dist::ChunkSampler;
use orewatch_core::scenario::links::{LinkDist, StoreLinks};

fn data_dir() -> PathBuf {
    std::env::var_os("OREWATCH_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"))
}

fn load() -> IngestOutput {
    let files: Vec<_> = [
        "mines/mine_sites_mali_and_neighbours.csv",
        "mines/company_home_country.csv",
        "production/usgs_mcs_world_production_2020_2025.csv",
        "governance/wgi_all_countries_1996_2023.csv",
        "conflict/ucdp_ged_v21_1_precise_west_africa_1989_2019.csv",
    ]
    .iter()
    .map(|f| {
        let path = data_dir().join(f);
        let kind = detect(&path).unwrap().unwrap();
        (path, kind)
    })
    .collect();
    ingest(&files, &mut |_| {}).unwrap()
}

#[test]
fn links_resolve_to_the_independently_computed_distributions() {
    let out = load();
    let links = StoreLinks::new(&out.dataset, &out.sources);

    let wgi = links.resolve("wgi(MLI, CC, latest)").unwrap();
    assert_eq!(
        wgi.dist,
        LinkDist::Normal {
            mean: -0.861832,
            sd: 0.152046
        }
    );
    assert!(wgi.provenance.contains("2023") && wgi.provenance.contains("Kaufmann & Kraay"));
    let e = links.resolve("wgi(MLI, CC, 1997)").unwrap_err();
    assert!(e.contains("years with one:"), "{e}");

    let supply = links.resolve("supply.share(MLI, lithium, latest)").unwrap();
    match supply.dist {
        LinkDist::Uniform { min, max } => {
            assert!((min - 9400.0 / 290_000.0).abs() < 1e-12, "{min}");
            assert!((max - 9400.0 / 288_380.0).abs() < 1e-12, "{max}");
        }
        other => panic!("{other:?}"),
    }
    assert!(supply.provenance.contains("2025"), "{}", supply.provenance);

    let own = links
        .resolve("sites.ownership_share(home = 'China', commodity = 'lithium', country = MLI)")
        .unwrap();
    match own.dist {
        LinkDist::Uniform { min, max } => {
            assert!((min - 0.49075).abs() < 1e-9, "{min}");
            assert!((max - 0.51575).abs() < 1e-9, "{max}");
        }
        other => panic!("{other:?}: {}", own.provenance),
    }
    assert!(
        own.provenance.contains("weighted equally"),
        "{}",
        own.provenance
    );

    let deaths = links
        .resolve("exposure.fatalities(radius_km = 100, window_days = 3650, commodity = 'gold', country = 'MLI')")
        .unwrap();
    match &deaths.dist {
        LinkDist::TriangularSum { terms } => {
            assert_eq!(terms.len(), 3);
            let sum = |i: usize| terms.iter().map(|t| t[i]).sum::<f64>();
            assert_eq!((sum(0), sum(1), sum(2)), (9.0, 9.0, 35.0));
        }
        other => panic!("{other:?}"),
    }
    let x = ChunkSampler::link(deaths.dist.clone())
        .sample_chunked(1, 200_000)
        .unwrap();
    let mean = x.iter().sum::<f64>() / x.len() as f64;
    let var = x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / x.len() as f64;
    assert!((mean - 17.667).abs() < 0.05, "{mean}");
    assert!((var - 34.78).abs() < 0.7, "{var}");

    let e = links
        .resolve("exposure.fatalities(radius = 50)")
        .unwrap_err();
    assert!(
        e.contains("no argument `radius`") && e.contains("radius_km (default 50)"),
        "{e}"
    );
}
