//! `orewatch actors` and `orewatch network` on the real data (GED 21.1 global, UCDP actor list
//! 22.1) and on an ACLED-layout file generated from the 550 real ACLED actor names (invented
//! rows: no ACLED row is shipped): outcome rates, the unresolved names by outcome, JNIM's
//! record, ISO3 countries, byte-identical outputs for one seed, GraphML keys declared, clear
//! errors, and a closed pipe.

use std::io::Read;
use std::path::Path;
use std::process::Stdio;

use crate::common::{data_dir, orewatch, run_err, run_ok, usage_error};

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
    let sahel = "MLI,NER,BFA";

    let list = run_ok(orewatch(&store).args(["actors", "--countries", sahel]));
    assert!(
        list.contains("# events with an organisation side: 1211; every organisation side resolved to the UCDP list: 1211 (100.00%)"),
        "{list}"
    );
    assert!(
        list.contains(
            "# names by outcome: resolved 47, not in the list 0, categories 1, ambiguous 0"
        ),
        "{list}"
    );
    assert!(list.contains("ucdp-6716\tucdp\tJNIM\t383\t"), "{list}");
    assert!(!list.contains("\tCivilians\t"));

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
    assert!(
        show.contains("resolved by: acronym: 'JNIM' (exact UCDP name)"),
        "{show}"
    );
    assert!(show.contains("does not link AQIM or al-Murabitun to JNIM"));

    let unresolved = run_ok(orewatch(&store).args(["actors", "--unresolved"]));
    assert!(
        unresolved.contains("286\tHawar Kilis Operations Room\tno UCDP actor matched"),
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
    assert!(v["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .all(|n| n["kind"] == "resolved"));
    assert!(v["links"]
        .as_array()
        .unwrap()
        .iter()
        .all(|l| l["source"] != "org:Civilians"));
    assert!(v["modularity"].as_f64().unwrap() > 0.0);

    // ISO3 codes and the names the country table maps give the same graph: 23 actors in Mali.
    let by_code = tmp.path().join("mli.json");
    let by_name = tmp.path().join("mali.json");
    for (out, country) in [(&by_code, "MLI"), (&by_name, "Mali")] {
        run_ok(
            orewatch(&store)
                .args(["network", "--period", "2012..2019", "--countries", country])
                .arg("--out")
                .arg(out),
        );
    }
    let code: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&by_code).unwrap()).unwrap();
    let name: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&by_name).unwrap()).unwrap();
    assert_eq!(code["nodes"].as_array().unwrap().len(), 23);
    assert_eq!(code["nodes"], name["nodes"]);
    assert_eq!(code["links"], name["links"]);

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
    assert!(
        text.contains("<key id=\"n_kind\" for=\"node\" attr.name=\"kind\" attr.type=\"string\"/>")
    );
    assert!(text.contains("edgedefault=\"undirected\""));

    // Actor–site links: Tilemsi phosphate (MLI-HT-15, 17.544264 N, 0.118249 W), Mali's events
    // 2012–2019 within 50 km: the Government of Mali in 10 of them, 55 deaths, last 2019-01
    // (python: haversine over the GED CSV, side_a or side_b).
    let sites = tmp.path().join("sites.json");
    run_ok(
        orewatch(&store)
            .args(["network", "--period", "2012..2019", "--countries", "MLI"])
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

    // --quiet (the helper passes it) silences network's summary on stderr.
    let out = orewatch(&store)
        .args(["network", "--period", "2015", "--out"])
        .arg(tmp.path().join("q.json"))
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // A closed pipe ends the command quietly with exit 0 (`orewatch actors list --json | head
    // -c 100`).
    let mut child = orewatch(&store)
        .args(["actors", "list", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 100];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn clear_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    ingest(&store);
    let bad = tmp.path().join("bad.toml");
    std::fs::write(&bad, "[[alias]]\nname = \"X\"\nucdp_id = 6716\n").unwrap();
    let err = run_err(orewatch(&store).args(["actors", "--aliases"]).arg(&bad));
    assert!(
        err.contains("bad.toml:2:") && err.contains("no source"),
        "{err}"
    );

    let err =
        run_err(orewatch(&store).args(["network", "--period", "2019..2012", "--out", "x.json"]));
    assert!(err.contains("--period 2019..2012"), "{err}");
    // Output flags: usage errors (exit 2) naming what `network` writes; `--out -` is stdout.
    usage_error(
        orewatch(&store).args(["network", "--out", "x.csv"]),
        &["--format csv", "json, graphml"],
    );
    let file = tmp.path().join("q.json");
    run_ok(
        orewatch(&store)
            .args(["network", "--period", "2015", "--out"])
            .arg(&file),
    );
    let piped = run_ok(orewatch(&store).args(["network", "--period", "2015", "--out", "-"]));
    let piped: serde_json::Value = serde_json::from_str(&piped).unwrap();
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert!(!piped["nodes"].as_array().unwrap().is_empty());
    assert_eq!(piped["nodes"], written["nodes"]);
    assert_eq!(piped["links"], written["links"]);
    // An unknown country is an error, never an empty result.
    for cmd in [
        vec!["actors", "--countries", "XYZ"],
        vec!["network", "--countries", "MLI,XYZ", "--out", "x.json"],
    ] {
        let err = run_err(orewatch(&store).args(&cmd));
        assert!(err.contains("unknown country \"XYZ\""), "{err}");
    }
    // Enumerated flags: a usage error (exit 2) naming the accepted values.
    let out = orewatch(&store)
        .args(["actors", "--source", "gdelt"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("GED") && err.contains("ACLED"), "{err}");
    let out = orewatch(&store).args(["actors", "lst"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// The 550 real ACLED actor names of the Mali and Burkina Faso exports, each as the first
/// side of invented political-violence events in the current ACLED layout: one event in Mali
/// and one in Burkina Faso per name (the place decides the weak matches). No ACLED row is
/// shipped; these rows are generated here and never leave the test's temporary directory.
fn acled_file_from_the_names(path: &Path) {
    let names = data_dir().join("../evidence/acled_actor_names_mali_burkina_faso.csv");
    let mut rdr = csv::Reader::from_path(names).unwrap();
    let mut w = csv::Writer::from_path(path).unwrap();
    w.write_record([
        "event_id_cnty",
        "event_date",
        "year",
        "time_precision",
        "disorder_type",
        "event_type",
        "sub_event_type",
        "actor1",
        "assoc_actor_1",
        "inter1",
        "actor2",
        "assoc_actor_2",
        "inter2",
        "interaction",
        "civilian_targeting",
        "iso",
        "region",
        "country",
        "admin1",
        "admin2",
        "admin3",
        "location",
        "latitude",
        "longitude",
        "geo_precision",
        "source",
        "source_scale",
        "notes",
        "fatalities",
        "tags",
        "timestamp",
    ])
    .unwrap();
    for (i, row) in rdr.records().enumerate() {
        let name = row.unwrap()[0].to_string();
        for (country, iso, lat, lon) in [
            ("Mali", "466", "14.5", "-4.2"),
            ("Burkina Faso", "854", "12.4", "-1.5"),
        ] {
            let id = format!("TST{i}{}", &country[..1]);
            w.write_record([
                id.as_str(),
                "2019-01-01",
                "2019",
                "1",
                "Political violence",
                "Battles",
                "Armed clash",
                name.as_str(),
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                iso,
                "Western Africa",
                country,
                "Invented",
                "",
                "",
                "Invented",
                lat,
                lon,
                "1",
                "invented",
                "National",
                "",
                "0",
                "",
                "1546300800",
            ])
            .unwrap();
        }
    }
    w.flush().unwrap();
}

/// `orewatch actors --source ACLED --unresolved` on an ACLED export with the UCDP actor list:
/// organisations the list lacks, categories and ambiguous names apart, with event counts.
#[test]
fn acled_unresolved_shows_organisations_categories_and_ambiguous_apart() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    let acled = tmp.path().join("acled_invented_rows_2019.csv");
    acled_file_from_the_names(&acled);
    run_ok(
        orewatch(&store)
            .arg("ingest")
            .arg(&acled)
            .arg(data_dir().join("conflict/ucdp_actor_v22_1.csv")),
    );
    let out = run_ok(orewatch(&store).args(["actors", "--source", "ACLED", "--unresolved"]));
    let at = |needle: &str| {
        out.find(needle)
            .unwrap_or_else(|| panic!("{needle}:\n{out}"))
    };
    let organisations = at("## organisations not in the UCDP list");
    let categories = at("## categories (never actors)");
    let ambiguous = at("## ambiguous");
    assert!(organisations < categories && categories < ambiguous);
    // Each name is in 2 events (one per country).
    let minusma = at("2\tMINUSMA: United Nations Multidimensional Integrated Stabilization Mission in Mali (2013-)\tacronym: 'MINUSMA' (alias table)");
    assert!(organisations < minusma && minusma < categories);
    let mutiny = at("2\tMutiny of Military Forces of Mali (2002-2012)\tmutiny or former forces: not the government\tforce=military; country=Mali; years=2002-2012");
    assert!(mutiny < categories);
    for category in [
        "2\tcivilians\tCivilians (Mali)",
        "2\tunidentified armed group\tUnidentified Armed Group (Burkina Faso)",
        "2\tethnic group\tFulani Ethnic Group (Mali)",
        "2\tlabour group\tLabour Group (Mali)",
        "2\tprivate security forces\tPrivate Security Forces (Mali)",
    ] {
        let i = at(category);
        assert!(categories < i && i < ambiguous, "{category}");
    }
    let pair = at("2\tJNIM: Group for Support of Islam and Muslims and/or Islamic State (Greater Sahara)\tJNIM: Group for Support of Islam and Muslims [resolved: JNIM] | Islamic State (Greater Sahara) [resolved: IS]");
    assert!(ambiguous < pair);
    // Resolved names are not listed; a name that resolves only where the list locates its
    // actor (Koglweogo: Burkina Faso) is listed for its Mali event only.
    assert!(!out.contains("\tMilitary Forces of Mali (2013-)\t"));
    assert!(!out.contains("\tJNIM: Group for Support of Islam and Muslims\t"));
    assert!(
        out.contains("1\tKoglweogo Militia\tno UCDP actor matched"),
        "{out}"
    );
    // The rates: 1100 events, every one with a single side.
    assert!(
        out.contains("# ACLED: 1100 events of political violence"),
        "{out}"
    );

    let json =
        run_ok(orewatch(&store).args(["actors", "--source", "acled", "--unresolved", "--json"]));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(v["unlisted"].as_array().unwrap().iter().any(|r| r["name"]
        == "MINUSMA: United Nations Multidimensional Integrated Stabilization Mission in Mali (2013-)"
        && r["events"] == 2));
    assert!(v["categories"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["outcome"] == "category"));
    assert_eq!(v["ambiguous"].as_array().unwrap().len(), 2);
    assert_eq!(v["rates"]["events"], 1100);
}
