//! `orewatch actors` and `orewatch network` on the real data (GED 21.1 global, UCDP actor list
//! 22.1): resolution rate of the Sahel, JNIM's record, byte-identical outputs for one seed,
//! GraphML keys declared, and clear errors.

mod common;

use std::path::Path;

use common::{data_dir, orewatch, run_ok};

fn ingest(store: &Path) {
    let d = data_dir();
    run_ok(
        orewatch(store)
            .arg("ingest")
            .arg(d.join("conflict/ucdp_ged_v21_1_precise_global_1989_2019.csv"))
            .arg(d.join("conflict/ucdp_actor_v22_1.csv"))
            .arg(d.join("mines/company_home_country.csv"))
            .arg(d.join("mines/mine_sites_mali_and_neighbours.csv")),
    );
}

#[test]
fn actors_and_network_on_the_real_data() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    ingest(&store);
    let sahel = "Mali,Niger,Burkina Faso";

    let list = run_ok(orewatch(&store).args(["actors", "--countries", sahel]));
    assert!(
        list.contains("1211 of 1211 events resolved (100.00%), 48 of 48 distinct side names"),
        "{list}"
    );
    assert!(list.contains("ucdp-6716\tJNIM\t383\t"), "{list}");
    assert!(!list.contains("Civilians"));

    let show = run_ok(orewatch(&store).args([
        "actors",
        "show",
        "JNIM: Group for Support of Islam and Muslims",
    ]));
    assert!(
        show.contains("Ansar Dine (1157) alliance JNIM (6716)"),
        "{show}"
    );
    assert!(show.contains("FLM (6267) member JNIM (6716)"), "{show}");
    assert!(show.contains("does not link AQIM or al-Murabitun to JNIM"));

    let unresolved = run_ok(orewatch(&store).args(["actors", "--unresolved"]));
    assert!(
        unresolved.contains("286\tHawar Kilis Operations Room"),
        "{unresolved}"
    );

    let json_a = tmp.path().join("a.json");
    let json_b = tmp.path().join("b.json");
    for out in [&json_a, &json_b] {
        run_ok(
            orewatch(&store)
                .args([
                    "network",
                    "--period",
                    "2012..2019",
                    "--countries",
                    sahel,
                    "--seed",
                    "7",
                    "--out",
                ])
                .arg(out),
        );
    }
    let a = std::fs::read(&json_a).unwrap();
    assert_eq!(a, std::fs::read(&json_b).unwrap(), "same seed, same bytes");
    let v: serde_json::Value = serde_json::from_slice(&a).unwrap();
    assert!(v["nodes"].as_array().unwrap().len() >= 20);
    assert!(v["links"]
        .as_array()
        .unwrap()
        .iter()
        .all(|l| l["source"] != "name:Civilians"));
    assert!(v["modularity"].as_f64().unwrap() > 0.0);

    let gml = tmp.path().join("g.graphml");
    run_ok(
        orewatch(&store)
            .args(["network", "--period", "2015", "--out"])
            .arg(&gml),
    );
    let text = std::fs::read_to_string(&gml).unwrap();
    assert!(text.contains(
        "<key id=\"n_pagerank\" for=\"node\" attr.name=\"pagerank\" attr.type=\"double\"/>"
    ));
    assert!(text.contains("edgedefault=\"undirected\""));

    // Actor–site links: Tilemsi phosphate (MLI-HT-15, 17.544264 N, 0.118249 W), Mali's events
    // 2012–2019 within 50 km: the Government of Mali in 10 of them, 55 deaths, last 2019-01
    // (python: haversine over the GED CSV, side_a or side_b).
    let sites = tmp.path().join("sites.json");
    run_ok(
        orewatch(&store)
            .args(["network", "--period", "2012..2019", "--countries", "Mali"])
            .args(["--sites-radius-km", "50", "--out"])
            .arg(&sites),
    );
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&sites).unwrap()).unwrap();
    let gov = v["site_links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["site_id"] == "MLI-HT-15" && l["actor_name"] == "Government of Mali")
        .unwrap();
    assert_eq!(
        (gov["events"].as_u64(), gov["fatalities_best"].as_u64()),
        (Some(10), Some(55))
    );
    assert_eq!(gov["last_month"], "2019-01");
}

#[test]
fn clear_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    ingest(&store);
    let bad = tmp.path().join("bad.toml");
    std::fs::write(&bad, "[[alias]]\nname = \"X\"\nucdp_id = 6716\n").unwrap();
    let out = orewatch(&store)
        .args(["actors", "--aliases"])
        .arg(&bad)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("bad.toml:2:") && err.contains("no source"),
        "{err}"
    );

    let out = orewatch(&store)
        .args(["network", "--period", "2019..2012", "--out", "x.json"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(err.contains("--period 2019..2012"), "{err}");
    let out = orewatch(&store)
        .args(["network", "--out", "x.csv"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains(".graphml or .json"));
}
