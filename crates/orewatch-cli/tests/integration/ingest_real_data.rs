//! End to end on the shipped data: `orewatch ingest` of ../shared/data, the counts the issue
//! states (each computed independently — see ../shared/data/README.md and the readers' own
//! tests), idempotent re-ingest, then the 49-column GED 23.1 fixture on top.

use std::collections::BTreeSet;

use crate::common::*;
use orewatch_core::model::{EventSource, SiteKind};
use orewatch_store::Store;

#[test]
fn ingest_the_shipped_data_then_a_newer_release() {
    let dir = tempfile::tempdir().unwrap();
    let store_dir = dir.path().join("store");
    run_ok(orewatch(&store_dir).arg("ingest").arg(data_dir()));
    let m = manifest(&store_dir);

    // GED: the global file is read and stored whole; the West African file's rows are all
    // already present and identical.
    let global = source(&m, "ucdp_ged_v21_1_precise_global_1989_2019.csv");
    assert_eq!(global["layout"], "UCDP GED reduced (14 columns)");
    assert_eq!(global["release"], "21.1");
    assert_eq!(global["rows_read"], 167_543);
    assert_eq!(global["accepted"], 167_543);
    assert_eq!(global["new"], 167_543);
    assert_eq!(global["flagged"], 1_373);
    assert_eq!(global["quarantined"], 0);
    assert_eq!(global["coverage"]["start"], "1989-01-01");
    assert_eq!(global["coverage"]["end"], "2019-12-31");
    let west = source(&m, "ucdp_ged_v21_1_precise_west_africa_1989_2019.csv");
    assert_eq!(west["rows_read"], 6_965);
    assert_eq!(west["new"], 0);
    assert_eq!(west["unchanged"], 6_965);
    assert_eq!(west["updated"], 0);
    // GED 24.1 Download Center files: 3,531 events, 1,663 ids shared with 21.1 (python over
    // the CSVs: 1,567 equal on the fields every layout carries, 96 changed), so the events
    // table holds 167,543 + 3,531 − 1,663 = 169,411.
    let mut sums = [0u64; 4];
    for (name, count) in [
        ("benin_2019_2022", 16),
        ("burkina_faso_2016_2022", 909),
        ("cote_d_ivoire_1990_2022", 360),
        ("guinea_bissau_1992_2022", 22),
        ("mali_1990_2022", 1_801),
        ("senegal_1989_2022", 308),
        ("togo_1991_2022", 115),
    ] {
        let s = source(&m, &format!("ucdp_ged_v24_1_download_{name}.csv"));
        assert_eq!(s["layout"], "UCDP GED Download Center export (47 columns)");
        assert_eq!(s["release"], "24.1");
        assert_eq!(s["release_basis"], "file_name");
        assert_eq!(s["accepted"], count, "{name}");
        assert_eq!(s["quarantined"], 0);
        for (i, k) in ["accepted", "new", "unchanged", "updated"]
            .iter()
            .enumerate()
        {
            sums[i] += s[k].as_u64().unwrap();
        }
    }
    assert_eq!(sums, [3_531, 1_868, 1_567, 96]);

    // Coverage per (source, country): Mali and Burkina Faso to 2022-12-31 (their 24.1
    // exports, years in the file names), Niger to 2019-12-31 (the global 21.1 file only).
    let listing = run_ok(orewatch(&store_dir).arg("datasets"));
    let line = |iso3: &str| {
        listing
            .lines()
            .find(|l| l.starts_with(&format!("  UCDP GED {iso3:<5} ")))
            .unwrap_or_else(|| panic!("no coverage line for {iso3} in {listing}"))
            .to_string()
    };
    assert!(line("MLI").contains("Mali                         1989-01-01 2022-12-31  years in the file name: ucdp_ged_v24_1_download_mali_1990_2022.csv"), "{}", line("MLI"));
    assert!(line("BFA").contains("1989-01-01 2022-12-31  years in the file name: ucdp_ged_v24_1_download_burkina_faso_2016_2022.csv"));
    assert!(line("NER").contains("Niger                        1989-01-01 2019-12-31  years in the file name: ucdp_ged_v21_1_precise_global_1989_2019.csv (global file)"), "{}", line("NER"));
    assert!(line("CIV").contains("Ivory Coast"));
    assert!(listing.contains("every other country          1989-01-01 2019-12-31  global file ucdp_ged_v21_1_precise_global_1989_2019.csv"));
    let json: serde_json::Value =
        serde_json::from_str(&run_ok(orewatch(&store_dir).args(["datasets", "--json"]))).unwrap();
    let rows = json["event_coverage"]["countries"].as_array().unwrap();
    let row = |iso3: &str| rows.iter().find(|r| r["iso3"] == iso3).unwrap();
    assert_eq!(
        (row("MLI")["start"].as_str(), row("MLI")["end"].as_str()),
        (Some("1989-01-01"), Some("2022-12-31"))
    );
    assert_eq!(row("BFA")["end"], "2022-12-31");
    assert_eq!(row("NER")["end"], "2019-12-31");
    assert_eq!(row("NER")["periods"][0]["basis"], "file_name");
    assert_eq!(row("NER")["periods"][0]["scope"], "global");
    // One row per GED country with events (python: 120 country names in the 21.1 file; the
    // 24.1 files add Benin, which has no precisely located event in 21.1).
    assert_eq!(rows.len(), 121);

    assert_eq!(source(&m, "ucdp_actor_v22_1.csv")["new"], 1_725);
    let facilities = source(&m, "usgs_africa_mineral_facilities.geojson");
    assert_eq!(facilities["rows_read"], 2_408);
    assert_eq!(facilities["accepted"], 1_866);
    assert_eq!(
        source(&m, "usgs_africa_mineral_deposits.geojson")["accepted"],
        1_190
    );
    assert_eq!(
        source(&m, "usgs_africa_mineral_exploration.geojson")["accepted"],
        1_093
    );
    assert_eq!(
        source(&m, "mine_sites_mali_and_neighbours.csv")["accepted"],
        21
    );
    assert_eq!(source(&m, "wgi_all_countries_1996_2023.csv")["new"], 5_350);
    // The long USGS file is derived from the MCS originals: all its figures are already there.
    let long = source(&m, "usgs_mcs_world_production_2020_2025.csv");
    assert_eq!(long["rows_read"], 658);
    assert_eq!(long["new"], 0);
    assert_eq!(long["superseded"], 658);

    // Boundaries: Mali's 9 regions are in two files; the more detailed copy is stored.
    let mali = source(&m, "mli_admin1_ne10m.geojson");
    let west_admin1 = source(&m, "west_africa_admin1_ne10m.geojson");
    assert_eq!(mali["new"], 9);
    assert_eq!(west_admin1["rows_read"], 310);
    assert_eq!(west_admin1["new"], 301);
    assert_eq!(west_admin1["superseded"], 9);
    let boundary_new: u64 = m["sources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["kind"] == "boundaries")
        .map(|s| s["new"].as_u64().unwrap())
        .sum();
    assert_eq!(
        boundary_new,
        m["tables"]["regions"]["rows"].as_u64().unwrap()
    );

    assert_eq!(m["tables"]["events"]["rows"], 169_411);
    assert_eq!(m["tables"]["actors"]["rows"], 1_725);
    assert_eq!(m["tables"]["governance"]["rows"], 5_350);
    assert_eq!(m["tables"]["quarantine"]["rows"], 0);
    // 43,263 OWID figures + 658 distinct USGS MCS figures (1,552 read across the long file, the
    // transcription and the originals).
    assert_eq!(m["tables"]["production"]["rows"], 43_921);

    let store = Store::open(&store_dir);
    let (data, _) = store.load().unwrap();
    // One fact stored once: no two production records share a key.
    let keys: BTreeSet<_> = data
        .production
        .iter()
        .map(|p| {
            (
                format!("{:?}", p.series),
                p.iso3.clone().unwrap_or_else(|| p.country.clone()),
                p.year,
                p.commodity.clone(),
                p.stage.clone(),
                p.unit.clone(),
            )
        })
        .collect();
    assert_eq!(keys.len(), data.production.len());
    // 310 distinct admin-1 regions (Mali's 9 are in two files, stored once).
    assert_eq!(data.regions.iter().filter(|r| r.level == 1).count(), 310);
    // Every event is GED here, and flagged rows are kept.
    assert!(data.events.iter().all(|e| e.source == EventSource::UcdpGed));
    // Sites: USGS facility rows grouped; a hand-tabulated mine citing a USGS FeatureUID is one
    // site with both records, so the USGS record does not appear on its own.
    let intahaka = data
        .sites
        .iter()
        .find(|s| s.site_id == "MLI-HT-14")
        .unwrap();
    assert!(!intahaka.has_coordinates());
    let loulo = data
        .sites
        .iter()
        .find(|s| s.site_id == "MLI-HT-01")
        .unwrap();
    assert!(loulo.records.iter().any(|r| r.record_id == "MLI004"));
    assert!(!loulo.products.is_empty());
    assert!(!data.sites.iter().any(|s| s.site_id == "MLI004"));
    let usgs_ids: BTreeSet<&str> = data
        .sites
        .iter()
        .flat_map(|s| s.records.iter().map(|r| r.record_id.as_str()))
        .collect();
    let record_count: usize = data.sites.iter().map(|s| s.records.len()).sum();
    assert_eq!(usgs_ids.len(), record_count, "a source record in two sites");
    assert_eq!(
        data.sites
            .iter()
            .filter(|s| s.kind == SiteKind::Tabulated)
            .count(),
        21
    );

    // Re-ingesting the same data is idempotent: byte-identical tables.
    let before = m["tables"].clone();
    run_ok(
        orewatch(&store_dir)
            .arg("ingest")
            .env("OREWATCH_DATA", data_dir()),
    );
    let again = manifest(&store_dir);
    assert_eq!(again["generation"], 2);
    for table in [
        "events",
        "sites",
        "regions",
        "actors",
        "production",
        "governance",
        "quarantine",
    ] {
        assert_eq!(
            again["tables"][table]["sha256"], before[table]["sha256"],
            "{table} changed on re-ingest"
        );
    }

    // The 42-row GED 23.1 fixture: 26 ids already present in 21.1, one of them changed, 16
    // new; merged before 24.1, which holds 14 of its 42 ids (python): 9 are in neither file.
    let fixture = fixtures_dir().join("ucdp_ged_v23_1_sample_49col_west_africa.csv");
    run_ok(orewatch(&store_dir).arg("ingest").arg(&fixture));
    let m = manifest(&store_dir);
    let f = source(&m, "ucdp_ged_v23_1_sample_49col_west_africa.csv");
    assert_eq!(f["layout"], "UCDP GED full release (49 columns)");
    assert_eq!(f["release"], "23.1");
    assert_eq!(f["rows_read"], 42);
    assert_eq!(f["new"], 16);
    assert_eq!(f["unchanged"], 25);
    assert_eq!(f["updated"], 1);
    assert_eq!(m["tables"]["events"]["rows"], 169_420);
    let (data, _) = store.load().unwrap();
    // Event 237564 moved in 23.1 and stays there in 24.1: the newest release's record wins.
    let moved = data.events.iter().find(|e| e.event_id == "237564").unwrap();
    assert_eq!((moved.lat, moved.lon), (14.79832, -1.302596));
    assert_eq!(moved.release.as_deref(), Some("24.1"));

    // `datasets` lists every source with its provenance.
    let listing = run_ok(orewatch(&store_dir).arg("datasets"));
    assert!(listing.contains("ucdp_ged_v23_1_sample_49col_west_africa.csv"));
    assert!(listing.contains("16 new, 25 unchanged, 1 updated"));
    assert!(listing.contains("1373 flagged"));
}

/// The Niger export wrecked by a spreadsheet re-save (../shared/fixtures/README.md) is refused
/// with its first bad line and what was expected, and nothing is written; with
/// --recover-quoted its whole records are read and every other line is quarantined. Python,
/// line by line (first `;`-separated piece, then as a comma-separated record): 315 lines hold
/// a whole 47-field record (48 with an empty last), 430 do not, 118 hold only `;`.
#[test]
fn the_damaged_niger_export_is_refused_then_recovered_on_request() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let damaged = fixtures_dir().join("ucdp_ged_v24_1_download_niger_damaged_by_spreadsheet.csv");
    let err = run_err(orewatch(&store).arg("ingest").arg(&damaged));
    assert!(
        err.contains(
            "ucdp_ged_v24_1_download_niger_damaged_by_spreadsheet.csv: line 1: `id,relid,year,"
        ),
        "{err}"
    );
    assert!(
        err.contains("is one comma-separated record of 47 fields followed by `;`"),
        "{err}"
    );
    assert!(
        err.contains("Expected comma-separated rows, one field per column"),
        "{err}"
    );
    assert!(err.contains("nothing was ingested"), "{err}");
    assert!(err.contains("--recover-quoted"), "{err}");
    assert!(Store::open(&store).is_empty(), "nothing written");

    run_ok(
        orewatch(&store)
            .args(["ingest", "--recover-quoted"])
            .arg(&damaged),
    );
    let m = manifest(&store);
    let s = source(&m, "niger_damaged_by_spreadsheet.csv");
    assert_eq!(s["layout"], "UCDP GED Download Center export (47 columns)");
    assert_eq!(s["recovery"]["recovered"], 315);
    assert_eq!(s["recovery"]["unrecoverable"], 430);
    assert_eq!(s["recovery"]["separator_only"], 118);
    let accepted = s["accepted"].as_u64().unwrap();
    let quarantined = s["quarantined"].as_u64().unwrap();
    assert_eq!(s["rows_read"], 315 + 430);
    assert_eq!(accepted + quarantined, 315 + 430);
    assert_eq!(m["tables"]["events"]["rows"].as_u64(), Some(accepted));
    let (data, _) = Store::open(&store).load().unwrap();
    let first_lost = data.quarantine.iter().map(|q| q.line).min();
    assert_eq!(first_lost, Some(5));
    // The store remembers the recovery: a later ingest rebuilds it without the flag.
    run_ok(
        orewatch(&store)
            .arg("ingest")
            .arg(data_dir().join("mines/company_home_country.csv")),
    );
    assert_eq!(
        manifest(&store)["tables"]["events"]["rows"].as_u64(),
        Some(accepted)
    );
}

/// A local HTTP/1.1 server on 127.0.0.1 for `orewatch fetch`: serves `files` by name,
/// honours `Range: bytes=N-` (206), and breaks off the first transfer of a `/broken/NAME`
/// path halfway (the full Content-Length announced, half the bytes sent). Records each
/// request's Range header. Never touches the network beyond loopback.
struct TestServer {
    port: u16,
    ranges: std::sync::Arc<std::sync::Mutex<Vec<Option<String>>>>,
}

impl TestServer {
    fn start(files: Vec<(String, Vec<u8>)>) -> TestServer {
        use std::io::{BufRead, BufReader, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let port = listener.local_addr().unwrap().port();
        let ranges = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let seen = ranges.clone();
        std::thread::spawn(move || {
            let mut broken_done = false;
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() {
                    continue;
                }
                let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
                let mut range = None;
                loop {
                    let mut h = String::new();
                    if reader.read_line(&mut h).is_err() || h.trim().is_empty() {
                        break;
                    }
                    if let Some((k, v)) = h.split_once(':') {
                        if k.eq_ignore_ascii_case("range") {
                            range = Some(v.trim().to_string());
                        }
                    }
                }
                seen.lock().unwrap().push(range.clone());
                let name = path.rsplit('/').next().unwrap_or("");
                let Some((_, body)) = files.iter().find(|(n, _)| n == name) else {
                    let _ = stream.write_all(
                        b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                    );
                    continue;
                };
                let from: usize = range
                    .as_deref()
                    .and_then(|r| r.strip_prefix("bytes="))
                    .and_then(|r| r.strip_suffix('-'))
                    .and_then(|n| n.parse().ok())
                    .unwrap_or(0)
                    .min(body.len());
                let rest = &body[from..];
                let head = if from > 0 {
                    format!(
                        "HTTP/1.1 206 Partial Content\r\nContent-Length: {}\r\nContent-Range: bytes {}-{}/{}\r\nConnection: close\r\n\r\n",
                        rest.len(),
                        from,
                        body.len() - 1,
                        body.len()
                    )
                } else {
                    format!(
                        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        rest.len()
                    )
                };
                let _ = stream.write_all(head.as_bytes());
                if path.starts_with("/broken/") && !broken_done {
                    broken_done = true;
                    let _ = stream.write_all(&rest[..rest.len() / 2]);
                    let _ = stream.flush();
                    let _ = stream.shutdown(std::net::Shutdown::Both);
                    continue;
                }
                let _ = stream.write_all(rest);
            }
        });
        TestServer { port, ranges }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}

/// `orewatch fetch ucdp` against a local server: an interrupted download fails naming the
/// part, the same command resumes it with a Range request and ingests; a wrong checksum
/// deletes the download and ingests nothing; a zip archive is unzipped and its CSV ingested.
/// Event counts: the Mali export holds 1,801 events and Togo's 115 (../shared/data/README.md;
/// counted with python's csv module, see the GED 24.1 reader's tests).
#[test]
fn fetch_ucdp_resumes_checks_and_ingests() {
    let dir = data_dir().join("conflict/ged_v24_1_download");
    let mali_name = "ucdp_ged_v24_1_download_mali_1990_2022.csv";
    let togo_name = "ucdp_ged_v24_1_download_togo_1991_2022.csv";
    let mali = std::fs::read(dir.join(mali_name)).unwrap();
    let togo = std::fs::read(dir.join(togo_name)).unwrap();
    let mut zipped = std::io::Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut zipped);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        w.start_file(format!("ged/{togo_name}"), opts).unwrap();
        std::io::Write::write_all(&mut w, &togo).unwrap();
        w.start_file("README.txt", opts).unwrap();
        std::io::Write::write_all(&mut w, b"not data").unwrap();
        w.finish().unwrap();
    }
    let server = TestServer::start(vec![
        (mali_name.to_string(), mali.clone()),
        ("togo.zip".to_string(), zipped.into_inner()),
    ]);
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("downloads");
    let store = tmp.path().join("store");
    let fetch = |url: &str, extra: &[&str]| {
        let mut cmd = orewatch(&store);
        cmd.args(["fetch", "ucdp", "--url", url, "--dest"])
            .arg(&dest)
            .args(extra);
        cmd
    };

    // A wrong checksum: the file is deleted, nothing is ingested.
    let err = run_err(&mut fetch(
        &server.url(&format!("/files/{mali_name}")),
        &["--sha256", &"0".repeat(64)],
    ));
    assert!(err.contains("does not match --sha256"), "{err}");
    assert!(!dest.join(mali_name).exists());
    assert!(!store.join("current").exists());

    // Broken off halfway: an error naming the part to resume; then resumed and ingested.
    let broken = server.url(&format!("/broken/{mali_name}"));
    let err = run_err(&mut fetch(&broken, &[]));
    assert!(
        err.contains("run the same command again to resume"),
        "{err}"
    );
    let part = dest.join(format!("{mali_name}.part"));
    let half = std::fs::metadata(&part).unwrap().len();
    assert!(half > 0 && half < mali.len() as u64, "{half}");
    let sha = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(&mali))
    };
    run_ok(&mut fetch(&broken, &["--sha256", &sha]));
    assert_eq!(std::fs::read(dest.join(mali_name)).unwrap(), mali);
    assert!(!part.exists());
    let ranges = server.ranges.lock().unwrap().clone();
    assert_eq!(
        ranges.last().unwrap().as_deref(),
        Some(format!("bytes={half}-").as_str())
    );
    let m = manifest(&store);
    assert_eq!(source(&m, mali_name)["accepted"], 1_801);

    // A zip: its CSV member extracted flat into --dest and ingested beside Mali.
    run_ok(&mut fetch(&server.url("/files/togo.zip"), &[]));
    assert_eq!(std::fs::read(dest.join(togo_name)).unwrap(), togo);
    assert!(!dest.join("README.txt").exists());
    let m = manifest(&store);
    assert_eq!(source(&m, togo_name)["accepted"], 115);
    assert_eq!(source(&m, mali_name)["accepted"], 1_801);
}
