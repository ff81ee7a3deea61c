//! `orewatch cahra` on a store holding the West Africa GED file, the admin-1 boundaries and
//! the hand-tabulated Mali sites.
//!
//! Expected verdicts computed independently with shapely/pyproj (see
//! crates/orewatch-core/tests/cahra.rs for the method), default rules: 2019, Mali —
//! Timbuktu, Gao, Mopti conflict-affected, Kidal high-risk (persistence), the other five
//! neither; 310 regions: 19 / 2 / 207, and 82 insufficient data (the regions of the three
//! countries the West Africa extract holds no event of). 2012: Bamako conflict-affected by the density rule
//! alone (14 state-based deaths over 209 km²).

use crate::common::*;

fn store_with_data() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let data = data_dir();
    run_ok(
        orewatch(&dir.path().join("store"))
            .arg("ingest")
            .arg(data.join("conflict/ucdp_ged_v21_1_precise_west_africa_1989_2019.csv"))
            .arg(data.join("boundaries/mli_admin1_ne10m.geojson"))
            .arg(data.join("boundaries/west_africa_admin1_ne10m.geojson"))
            .arg(data.join("mines/company_home_country.csv"))
            .arg(data.join("mines/mine_sites_mali_and_neighbours.csv")),
    );
    dir
}

#[test]
fn cahra_outputs_and_errors() {
    let dir = store_with_data();
    let store = dir.path().join("store");

    // Table on stdout, default year = last full year of the stated coverage (2019).
    let table = run_ok(orewatch(&store).args(["cahra", "--countries", "MLI"]));
    assert!(table.starts_with("CAHRA screen 2019 — UCDP GED"), "{table}");
    assert!(
        table.contains("conflict-affected 3, high-risk 1, neither 5, insufficient data 0"),
        "{table}"
    );
    assert!(
        table.contains("state-based + non-state fatalities 253 + 64 = 317 ≥ 25"),
        "{table}"
    );

    // JSON with metadata.
    let json_path = dir.path().join("mali.json");
    run_ok(
        orewatch(&store)
            .args(["cahra", "--countries", "mli", "--out"])
            .arg(&json_path),
    );
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json_path).unwrap()).unwrap();
    assert_eq!(v["metadata"]["year"], 2019);
    assert_eq!(
        v["metadata"]["rules_file"],
        "config/cahra.toml (embedded default)"
    );
    assert_eq!(
        v["metadata"]["rules"]["armed_conflict"]["min_fatalities"],
        25
    );
    assert_eq!(v["metadata"]["coverage"]["end"], "2019-12-31");
    let verdicts: Vec<(String, String)> = v["regions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["name"].as_str().unwrap().to_string(),
                r["verdict"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expect = [
        ("Timbuktu", "conflict-affected"),
        ("Kidal", "high-risk"),
        ("Gao", "conflict-affected"),
        ("Bamako", "neither"),
        ("Kayes", "neither"),
        ("Sikasso", "neither"),
        ("Mopti", "conflict-affected"),
        ("Ségou", "neither"),
        ("Koulikoro", "neither"),
    ];
    assert_eq!(
        verdicts,
        expect
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect::<Vec<_>>()
    );

    // All regions as CSV + sidecar metadata.
    let csv_path = dir.path().join("all.csv");
    run_ok(orewatch(&store).args(["cahra", "--out"]).arg(&csv_path));
    let csv = std::fs::read_to_string(&csv_path).unwrap();
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    assert_eq!(rows.len(), 310);
    let n = |verdict: &str| {
        rows.iter()
            .filter(|r| r.contains(&format!(",2019,{verdict},")))
            .count()
    };
    // The West Africa file is a regional extract: it covers the 14 countries its events are
    // in (python over its `country` column), not Algeria (48 admin-1 regions), Cabo Verde (22)
    // or Benin (12), whose 82 regions are insufficient data rather than neither.
    assert_eq!(
        (
            n("conflict-affected"),
            n("high-risk"),
            n("neither"),
            n("insufficient data")
        ),
        (19, 2, 207, 82)
    );
    let meta: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("all.csv.meta.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(meta["level"], "admin1");
    assert_eq!(meta["rules_sha256"].as_str().unwrap().len(), 64);
    // `--out -` is stdout: the same CSV (no sidecar); `--format json` there carries the
    // metadata the sidecar holds for a file.
    let piped = run_ok(orewatch(&store).args(["cahra", "--out", "-", "--format", "csv"]));
    assert_eq!(piped, csv);
    let piped: serde_json::Value = serde_json::from_str(&run_ok(
        orewatch(&store).args(["cahra", "--format", "json"]),
    ))
    .unwrap();
    assert_eq!(piped["metadata"]["rules_sha256"], meta["rules_sha256"]);
    assert_eq!(piped["regions"].as_array().unwrap().len(), 310);

    // 2012, GeoJSON: Bamako by density alone.
    let geo_path = dir.path().join("mali2012.geojson");
    run_ok(
        orewatch(&store)
            .args(["cahra", "--year", "2012", "--countries", "MLI", "--out"])
            .arg(&geo_path),
    );
    let g: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&geo_path).unwrap()).unwrap();
    assert_eq!(g["type"], "FeatureCollection");
    assert_eq!(g["metadata"]["year"], 2012);
    let bamako = g["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["properties"]["region_id"] == "MLI-2792")
        .unwrap();
    assert_eq!(bamako["geometry"]["type"], "MultiPolygon");
    assert_eq!(bamako["properties"]["verdict"], "conflict-affected");
    let fired: Vec<&str> = bamako["properties"]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["fired"] == true)
        .map(|c| c["rule"].as_str().unwrap())
        .collect();
    assert_eq!(fired, ["armed_conflict.density"]);

    // Sites: Intahaka has no coordinates; Tilemsi (Gao region) inherits conflict-affected.
    let sites = run_ok(orewatch(&store).args(["cahra", "--level", "site", "--countries", "MLI"]));
    let line = |id: &str| {
        sites
            .lines()
            .find(|l| l.starts_with(id))
            .unwrap()
            .to_string()
    };
    assert!(line("MLI-HT-14").contains("insufficient data"), "{sites}");
    assert!(line("MLI-HT-14").contains("no_coordinates"), "{sites}");
    assert!(line("MLI-HT-15").contains("conflict-affected"), "{sites}");
    assert!(
        line("MLI-HT-15").contains("inherited (MLI-2690)"),
        "{sites}"
    );

    // Errors.
    let err = |args: &[&str]| {
        let out = orewatch(&store).args(args).output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, e) = err(&["cahra", "--level", "district"]);
    assert_eq!(code, Some(2), "{e}");
    assert!(e.contains("possible values: admin1, site"), "{e}");
    let (code, e) = err(&["cahra", "--year", "1950"]);
    assert_eq!(code, Some(1));
    assert!(
        e.contains("no UCDP GED data for 1950: the source covers 1989-01-01 to 2019-12-31"),
        "{e}"
    );
    let (code, e) = err(&["cahra", "--source", "ACLED"]);
    assert_eq!(code, Some(1));
    assert!(e.contains("present: UCDP GED"), "{e}");
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        "[armed_conflict]\nmin_fatalities = 25\nmin_deaths = 1\n",
    )
    .unwrap();
    let (code, e) = err(&["cahra", "--rules", bad.to_str().unwrap()]);
    assert_eq!(code, Some(1));
    assert!(
        e.contains("bad.toml, line 3: unknown field `min_deaths`"),
        "{e}"
    );
    // Output flags are usage errors (exit 2) naming what `cahra` writes.
    let (code, e) = err(&["cahra", "--out", "x.txt"]);
    assert_eq!(code, Some(2));
    assert!(
        e.contains("'txt' names no format") && e.contains("[text, csv, json, geojson]"),
        "{e}"
    );
    let (code, e) = err(&["cahra", "--format", "parquet"]);
    assert_eq!(code, Some(2));
    assert!(
        e.contains("possible values: text, csv, json, geojson"),
        "{e}"
    );
}

/// With GED 24.1 beside 21.1, the default year is 2022 (the last year the source covers
/// whole): Niger's data end on 2019-12-31, so every Niger region is insufficient data in 2022,
/// never neither; Mali's regions are decided.
#[test]
fn cahra_gives_insufficient_data_where_a_country_is_not_covered() {
    let (dir, store) = ingested(&[
        "conflict/ucdp_ged_v21_1_precise_global_1989_2019.csv",
        "conflict/ged_v24_1_download",
        "boundaries/west_africa_admin1_ne10m.geojson",
    ]);
    let out = dir.path().join("x.json");
    run_ok(
        orewatch(&store)
            .args(["cahra", "--countries", "MLI,NER", "--out"])
            .arg(&out),
    );
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(v["metadata"]["year"], 2022);
    let rows = v["regions"].as_array().unwrap();
    let of = |iso3: &str| -> Vec<&serde_json::Value> {
        rows.iter().filter(|r| r["country_iso3"] == iso3).collect()
    };
    // Natural Earth admin-1: 8 Niger regions, 9 Mali regions.
    assert_eq!((of("NER").len(), of("MLI").len()), (8, 9));
    for r in of("NER") {
        assert_eq!(r["verdict"], "insufficient-data", "{}", r["name"]);
        let why = r["insufficient"][0].as_str().unwrap();
        assert!(why.contains("NER: no data 2022-01-01..2022-12-31"), "{why}");
    }
    assert!(of("MLI")
        .iter()
        .all(|r| r["verdict"] != "insufficient-data"));
    assert!(of("MLI")
        .iter()
        .any(|r| r["verdict"] == "conflict-affected"));
    let ner = v["metadata"]["country_coverage"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["iso3"] == "NER")
        .unwrap();
    assert_eq!(ner["end"], "2019-12-31");
}
