//! `orewatch serve` on the shipped data, started on an ephemeral port as a user would: the API
//! gives the CLI's numbers, refuses what it must (400 naming the parameter, no path, body
//! limit), never shows a half-written generation while an ingest runs, binds loopback unless
//! told; and the map page works in headless Chromium (Playwright for Python, Debian's
//! chromium: the test fails, never skips, when either is missing).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;

use crate::common::{data_dir, orewatch, python_with, run_ok};
use serde_json::Value;

/// One store with the shipped data, ingested once for the tests of this binary.
fn shipped_store() -> &'static Path {
    static STORE: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &STORE
        .get_or_init(|| {
            let tmp = tempfile::tempdir().unwrap();
            let store = tmp.path().join("store");
            run_ok(orewatch(&store).arg("ingest").arg(data_dir()));
            (tmp, store)
        })
        .1
}

/// A running `orewatch serve`, killed when dropped.
struct Server {
    child: Child,
    addr: String,
    stderr_first_line: String,
}

impl Server {
    fn start(store: &Path, bind: &str) -> Server {
        Server::start_with(store, bind, &[])
    }

    /// With a small evaluation beside the forecast layer (the fresh-span one takes minutes).
    fn start_small_evaluation(store: &Path, dir: &Path) -> Server {
        let request = dir.join("evaluation.json");
        std::fs::write(&request, SMALL_EVALUATION).unwrap();
        Server::start_with(
            store,
            "127.0.0.1:0",
            &["--evaluation-request", request.to_str().unwrap()],
        )
    }

    fn start_with(store: &Path, bind: &str, extra: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_orewatch"))
            .arg("--store")
            .arg(store)
            .args(["serve", "--bind", bind])
            .args(extra)
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("orewatch serve starts");
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let mut first = String::new();
        let addr = loop {
            let line = lines.next().expect("serve prints its address").unwrap();
            if first.is_empty() {
                first = line.clone();
            }
            if let Some(rest) = line.split("the map at http://").nth(1) {
                break rest.split('/').next().unwrap().to_string();
            }
        };
        // Keep draining stderr so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Server {
            child,
            addr,
            stderr_first_line: first,
        }
    }

    fn get_with(&self, path: &str, extra: &str) -> (u16, String, Vec<u8>) {
        http_get(&self.addr, path, extra)
    }

    /// (status, JSON body) of a POST of `body` (JSON).
    fn post(&self, path: &str, body: &str) -> (u16, Value) {
        let (status, _, body) = exchange(
            &self.addr,
            &format!(
                "POST {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                self.addr,
                body.len()
            ),
        );
        let value = serde_json::from_slice(&body)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&body).into_owned()));
        (status, value)
    }

    /// (status, body) of a POST whose head declares `content_length` bytes of JSON and that
    /// sends none of them: for the limits checked on the head alone.
    fn post_head(&self, path: &str, content_length: usize) -> (u16, String) {
        let (status, head, _) = exchange(
            &self.addr,
            &format!(
                "POST {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {content_length}\r\n\r\n",
                self.addr
            ),
        );
        (status, head)
    }

    fn get(&self, path: &str) -> (u16, Value) {
        let (status, _, body) = self.get_with(path, "");
        let value = serde_json::from_slice(&body).unwrap_or_else(|e| {
            panic!("{path}: not JSON ({e}): {}", String::from_utf8_lossy(&body))
        });
        (status, value)
    }
}

/// A small out-of-sample evaluation (Mali, three origins, 1–3 months ahead, every model and
/// baseline), shown beside the forecast layer in these tests.
const SMALL_EVALUATION: &str = r#"{"countries":["MLI"],"first_origin":"2019-01","last_origin":"2019-03","horizon":3,"draws":100,"bootstrap_replicates":50,"block_len":1}"#;

/// The evaluation the server computes in the background, once done.
fn finished_evaluation(server: &Server) -> Value {
    for _ in 0..600 {
        let (status, body) = server.get("/api/forecast/evaluation");
        assert_eq!(status, 200, "{body}");
        match body["evaluation"]["status"].as_str().unwrap() {
            "done" => return body,
            "computing" | "not started" => std::thread::sleep(std::time::Duration::from_secs(1)),
            other => panic!("evaluation {other}: {body}"),
        }
    }
    panic!("the evaluation did not finish in 10 minutes");
}

/// The bundled scenarios' texts as the server gives them.
fn bundled_scenarios(server: &Server) -> Value {
    let (status, body) = server.get("/api/scenario/bundled");
    assert_eq!(status, 200, "{body}");
    body["scenarios"].clone()
}

/// (status, headers, body) of a GET (with `extra` request headers).
fn http_get(addr: &str, path: &str, extra: &str) -> (u16, String, Vec<u8>) {
    exchange(
        addr,
        &format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n{extra}\r\n"),
    )
}

/// Sends one raw HTTP/1.1 request (`Connection: close`) and returns (status, headers, body),
/// the body de-chunked.
fn exchange(addr: &str, request: &str) -> (u16, String, Vec<u8>) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.write_all(request.as_bytes()).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    let mut body = raw[split + 4..].to_vec();
    if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        body = dechunk(&body);
    }
    (status, head, body)
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let end = data.windows(2).position(|w| w == b"\r\n").unwrap();
        let size =
            usize::from_str_radix(std::str::from_utf8(&data[..end]).unwrap().trim(), 16).unwrap();
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&data[end + 2..end + 2 + size]);
        data = &data[end + 2 + size + 2..];
    }
}

fn generation_header(head: &str) -> u64 {
    head.lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("x-orewatch-generation: ")
                .map(str::to_string)
        })
        .expect("x-orewatch-generation header")
        .trim()
        .parse()
        .unwrap()
}

#[test]
fn the_api_gives_the_cli_numbers_and_refuses_what_it_must() {
    let store = shipped_store();
    let server = Server::start(store, "127.0.0.1:0");
    let tmp = tempfile::tempdir().unwrap();

    // Same numbers: the API's records are the rows `orewatch exposure --out f.json` writes,
    // for Bougouni lithium (covered) and for every Niger site (Niger 2022: not covered, null
    // numbers).
    for (site, as_of) in [
        ("MLI-HT-11", "2022-12-31"),
        ("MLI-HT-11", "2019-06-30"),
        ("MLI-HT-05", "2022-12-31"),
    ] {
        let out = tmp.path().join(format!("{site}-{as_of}.json"));
        run_ok(
            orewatch(store)
                .args([
                    "exposure",
                    "--sites",
                    &format!("id={site}"),
                    "--radius-km",
                    "50",
                    "--window-days",
                    "365",
                    "--as-of",
                    as_of,
                    "--out",
                ])
                .arg(&out),
        );
        let cli: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
        let (status, api) = server.get(&format!(
            "/api/exposure?site={site}&radius_km=50&window_days=365&as_of={as_of}"
        ));
        assert_eq!(status, 200, "{api}");
        assert_eq!(api["rows"], cli["rows"], "{site} {as_of}");
        assert_eq!(cli["rows"].as_array().unwrap().len(), 1);
        assert!(api["provenance"]["command"]
            .as_str()
            .unwrap()
            .contains(&format!("--sites id={site}")));
    }
    let (_, sites) = server.get("/api/sites.geojson?countries=NER");
    let niger: Vec<&str> = sites["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["properties"]["site_id"].as_str())
        .collect();
    assert!(!niger.is_empty());
    let site = niger[0];
    let out = tmp.path().join("ner.json");
    run_ok(
        orewatch(store)
            .args([
                "exposure",
                "--sites",
                &format!("id={site}"),
                "--radius-km",
                "50",
                "--as-of",
                "2022-12-31",
                "--out",
            ])
            .arg(&out),
    );
    let cli: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    let (_, api) = server.get(&format!(
        "/api/exposure?site={site}&radius_km=50&as_of=2022-12-31"
    ));
    assert_eq!(api["rows"], cli["rows"]);
    assert_eq!(
        api["rows"][0]["coverage"], "not covered",
        "{}",
        api["rows"][0]
    );
    assert!(api["rows"][0]["events"].is_null());

    // CAHRA: the API's verdicts are the CLI's.
    let out = tmp.path().join("cahra.json");
    run_ok(
        orewatch(store)
            .args(["cahra", "--year", "2019", "--countries", "MLI", "--out"])
            .arg(&out),
    );
    let cli: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    let (status, api) = server.get("/api/cahra?year=2019&countries=MLI");
    assert_eq!(status, 200);
    assert_eq!(api["regions"], cli["regions"]);

    // Every invalid parameter: a 400 naming it.
    for (path, name) in [
        ("/api/exposure?site=MLI-HT-11&path=/etc/passwd", "path"),
        ("/api/exposure?radius_km=50", "site"),
        ("/api/exposure?site=MLI-HT-11&site=MLI-HT-05", "site"),
        ("/api/exposure?site=MLI-HT-11&radius_km=-5", "radius_km"),
        ("/api/exposure?site=MLI-HT-11&radius_km=abc", "radius_km"),
        ("/api/exposure?site=MLI-HT-11&as_of=2022-02-30", "as_of"),
        ("/api/exposure?site=MLI-HT-11&as_of=2030-01-01", "as-of"),
        ("/api/exposure?site=MLI-HT-11&kernel=box", "kernel"),
        ("/api/exposure?site=MLI-HT-11&window_days=0", "window_days"),
        ("/api/exposure?site=id%3DMLI-HT-11", "site"),
        ("/api/exposure?site=NOPE-1", "sites"),
        ("/api/cahra?year=1950", "year"),
        ("/api/cahra?countries=XXX", "countries"),
        ("/api/events.geojson?countries=XXX", "countries"),
        ("/api/events.geojson?from=2020-01-01&to=2019-01-01", "from"),
        ("/api/events/cells?source=nope", "source"),
        ("/api/boundaries.geojson?level=2", "level"),
        ("/api/datasets?kinds=passwd", "kinds"),
    ] {
        let (status, body) = server.get(path);
        assert_eq!(status, 400, "{path}: {body}");
        let message = body["error"].as_str().unwrap();
        assert!(
            message.starts_with(&format!("{name}:")),
            "{path}: {message}"
        );
    }
    // No request names a file: an asset path outside the embedded list is a 404.
    for path in [
        "/assets/../../../etc/passwd",
        "/assets/%2e%2e/Cargo.toml",
        "/etc/passwd",
    ] {
        assert_eq!(server.get_with(path, "").0, 404, "{path}");
    }
    // Body limit: a request announcing a body above 64 KiB is refused before it is read.
    let (status, _, _) = server.get_with("/api/datasets", "Content-Length: 1000000\r\n");
    assert_eq!(status, 413);

    // The OpenAPI document lists every endpoint; the docs page and the map page are served.
    let (status, doc) = server.get("/openapi.json");
    assert_eq!(status, 200);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    assert!(
        doc["paths"]["/api/exposure"]["get"]["parameters"]
            .as_array()
            .unwrap()
            .len()
            >= 8
    );
    for (path, needle) in [
        ("/", "leaflet.js"),
        ("/api-docs", "openapi.json"),
        ("/assets/vendor/leaflet/leaflet.js", "Leaflet 1.9.4"),
    ] {
        let (status, _, body) = server.get_with(path, "");
        assert_eq!(status, 200, "{path}");
        assert!(String::from_utf8_lossy(&body).contains(needle), "{path}");
    }

    // GED events carry no free text; ACLED would be served only per cell and month.
    let (_, ev) = server.get("/api/events.geojson?countries=MLI&from=2019-01-01&to=2019-12-31");
    let props = &ev["features"][0]["properties"];
    for forbidden in [
        "source_article",
        "source_headline",
        "source_original",
        "where_description",
        "extra",
    ] {
        assert!(props.get(forbidden).is_none(), "{forbidden} in {props}");
    }
    let (status, head, body) = server.get_with("/api/events.parquet?countries=MLI", "");
    assert_eq!(status, 200, "{head}");
    assert!(body.starts_with(b"PAR1") && body.ends_with(b"PAR1"));
}

/// The forecast layer, the supply panel's and the deal panel's endpoints give the CLI's
/// numbers, and refuse what they must with a 400 naming the field.
#[test]
fn forecast_supply_and_scenario_endpoints_give_the_cli_numbers() {
    let store = shipped_store();
    let tmp = tempfile::tempdir().unwrap();
    let server = Server::start_small_evaluation(store, tmp.path());

    // Forecast: each cell's bounds of P(≥1 death over the horizon) are those of the CLI's
    // monthly P(≥1 death) of the same cell: the largest month (low) and 1 − Π(1 − p) (high).
    let out = tmp.path().join("fc.json");
    run_ok(
        orewatch(store)
            .args(["forecast", "--countries", "MLI", "--horizon", "3", "--out"])
            .arg(&out),
    );
    let cli: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    let (status, api) = server.get("/api/forecast/cells.geojson?countries=MLI&horizon=3");
    assert_eq!(status, 200, "{api}");
    let meta = &api["metadata"];
    assert_eq!(meta["horizon"], 3);
    assert_eq!(meta["model"], cli["metadata"]["model"]);
    assert_eq!(meta["origin"], cli["metadata"]["origin"]);
    assert_eq!(meta["seed"], cli["metadata"]["seed"]);
    assert!(!meta["events"]["caveats"].as_array().unwrap().is_empty());
    let features = api["features"].as_array().unwrap();
    let mut by_cell: std::collections::BTreeMap<u64, Vec<f64>> = Default::default();
    for r in cli["rows"].as_array().unwrap() {
        by_cell
            .entry(r["priogrid_gid"].as_u64().unwrap())
            .or_default()
            .push(r["p_any"].as_f64().unwrap());
    }
    assert_eq!(features.len(), by_cell.len());
    for f in features {
        let p = &f["properties"];
        let months = &by_cell[&p["gid"].as_u64().unwrap()];
        assert_eq!(months.len(), 3);
        let low = months.iter().cloned().fold(0.0, f64::max);
        let high = 1.0 - months.iter().map(|p| 1.0 - p).product::<f64>();
        assert_eq!(p["p_any_low"].as_f64().unwrap(), low, "{p}");
        assert!(
            (p["p_any_high"].as_f64().unwrap() - high).abs() < 1e-12,
            "{p}"
        );
        let ring = f["geometry"]["coordinates"][0].as_array().unwrap();
        assert_eq!(ring.len(), 5);
        assert_eq!(
            ring[0][0].as_f64().unwrap(),
            p["lon"].as_f64().unwrap() - 0.25
        );
    }
    // The evaluation beside it: the request it answers, and per score the model against the
    // best baseline with the assessment's verdict.
    let evaluation = finished_evaluation(&server);
    assert_eq!(evaluation["request"]["countries"][0], "MLI");
    let differences = evaluation["evaluation"]["evaluation"]["differences"]
        .as_array()
        .unwrap();
    assert!(!differences.is_empty());
    for d in differences {
        let verdict = d["verdict"].as_str().unwrap();
        assert!(
            ["better", "worse", "not distinguishable"].contains(&verdict),
            "{d}"
        );
    }

    // Supply: the whole assessment is `orewatch supply --commodity C --format json`'s.
    for commodity in ["gold", "lithium"] {
        let cli: Value = serde_json::from_str(&run_ok(orewatch(store).args([
            "supply",
            "--commodity",
            commodity,
            "--format",
            "json",
        ])))
        .unwrap();
        let (status, api) = server.get(&format!("/api/supply?commodity={commodity}"));
        assert_eq!(status, 200, "{api}");
        assert_eq!(api, cli, "{commodity}");
        assert!(
            api["eu"]["now"][0]["without_mali"].is_object(),
            "{commodity}"
        );
    }

    // Scenarios: a comparison of the bundled four is `orewatch scenario compare --bundled`'s,
    // draw for draw (same draws and seed).
    let scenarios = bundled_scenarios(&server);
    let out = tmp.path().join("compare.json");
    run_ok(
        orewatch(store)
            .args([
                "scenario",
                "compare",
                "--bundled",
                "--baseline",
                "status_quo",
                "--draws",
                "2000",
                "--seed",
                "7",
                "--out",
            ])
            .arg(&out),
    );
    let cli: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    let body = serde_json::json!({
        "scenarios": scenarios, "draws": 2000, "seed": 7,
        "baseline": "status_quo", "contrast_outputs": [],
    });
    let (status, api) = server.post("/api/scenario/compare", &body.to_string());
    assert_eq!(status, 200, "{api}");
    assert_eq!(api, cli);
    // The deal panel's P(better than the status quo) is the comparison's, per output.
    let deal = serde_json::json!({
        "scenarios": scenarios, "draws": 2000, "seed": 7,
        "contrast_scenario": "us_deal", "contrast_outputs": [],
    });
    let (status, deal) = server.post("/api/deal", &deal.to_string());
    assert_eq!(status, 200, "{deal}");
    assert_eq!(deal["seed"], 7);
    let mut checked = 0;
    for pair in cli["pairs"].as_array().unwrap() {
        let column = pair["a_index"].as_u64().unwrap() as usize;
        assert_eq!(pair["b_index"], 0);
        for o in pair["outputs"].as_array().unwrap() {
            let row = deal["rows"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["name"] == o["output"])
                .unwrap();
            assert_eq!(row["cells"][column]["p_better"], o["p_a_better"], "{o}");
            checked += 1;
        }
    }
    assert!(checked >= 30, "{checked}");
    // One scenario run.
    let run = serde_json::json!({"scenario": scenarios[1], "draws": 2000, "seed": 7});
    let (status, run) = server.post("/api/scenario/run", &run.to_string());
    assert_eq!(status, 200, "{run}");
    assert_eq!(run["scenario"]["key"], "us_deal");
    assert_eq!(
        run["provenance"]["command"],
        "orewatch scenario run scenarios/us_deal.toml --draws 2000 --seed 7"
    );

    // Refused with a 400 naming the field: too many draws, a path, not JSON, too few
    // scenarios, a scenario that does not parse; a forecast or supply parameter out of range.
    let edited = |path: &str, text: &str| {
        serde_json::json!({"scenario": {"path": path, "text": text}, "draws": 100, "seed": 1})
            .to_string()
    };
    let us_deal = scenarios[1]["text"].as_str().unwrap();
    for (path, body, name) in [
        (
            "/api/scenario/compare",
            serde_json::json!({"scenarios": scenarios, "draws": 100_001, "seed": 7, "baseline": null, "contrast_outputs": []}).to_string(),
            "draws",
        ),
        ("/api/scenario/run", edited("/etc/passwd", us_deal), "scenarios[0].path"),
        ("/api/scenario/run", edited("../us_deal.toml", us_deal), "scenarios[0].path"),
        ("/api/scenario/run", "{not json".to_string(), "body"),
        ("/api/scenario/run", edited("x.toml", "[scenario]\nname = 1\n"), "scenario"),
        (
            "/api/scenario/compare",
            serde_json::json!({"scenarios": [scenarios[0]], "draws": 100, "seed": 7, "baseline": null, "contrast_outputs": []}).to_string(),
            "scenarios",
        ),
    ] {
        let (status, body) = server.post(path, &body);
        assert_eq!(status, 400, "{path}: {body}");
        let message = body["error"].as_str().unwrap();
        assert!(message.starts_with(&format!("{name}:")), "{path}: {message}");
    }
    for (path, name) in [
        ("/api/forecast/cells.geojson?horizon=40", "horizon"),
        ("/api/forecast/cells.geojson?origin=2022-13", "origin"),
        ("/api/forecast/cells.geojson?file=/etc/passwd", "file"),
        ("/api/supply", "commodity"),
        ("/api/supply?commodity=gold&stage=smelter", "stage"),
        ("/api/supply?commodity=gold&series=x", "series"),
    ] {
        let (status, body) = server.get(path);
        assert_eq!(status, 400, "{path}: {body}");
        let message = body["error"].as_str().unwrap();
        assert!(
            message.starts_with(&format!("{name}:")),
            "{path}: {message}"
        );
    }
    // A scenario body above 1 MiB is refused before it is read; GET on a POST endpoint is 405.
    let (status, _, _) = server.get_with("/api/scenario/run", "");
    assert_eq!(status, 405);
    // (Only the head is sent: a server that refuses a body it has not read resets the
    // connection while a client still writes it, and the client may never see the 413.)
    let big = edited("x.toml", &"#".repeat(1024 * 1024 + 1));
    let (status, _) = server.post_head("/api/scenario/run", big.len());
    assert_eq!(status, 413);

    // The OpenAPI document lists the new endpoints, the POSTs with their bodies.
    let (_, doc) = server.get("/openapi.json");
    for path in [
        "/api/forecast/cells.geojson",
        "/api/forecast/evaluation",
        "/api/supply",
    ] {
        assert!(doc["paths"][path]["get"].is_object(), "{path}");
    }
    for path in ["/api/scenario/run", "/api/scenario/compare", "/api/deal"] {
        assert!(
            doc["paths"][path]["post"]["requestBody"].is_object(),
            "{path}"
        );
    }
}

#[test]
fn an_ingest_while_serving_shows_one_whole_generation_or_the_next() {
    // A store of its own: this test writes a second generation.
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    let data = data_dir();
    run_ok(
        orewatch(&store)
            .arg("ingest")
            .arg(data.join("mines"))
            .arg(data.join("boundaries"))
            .arg(data.join("conflict/ucdp_ged_v21_1_precise_global_1989_2019.csv")),
    );
    let server = Server::start(&store, "127.0.0.1:0");
    let (status, head, _) = server.get_with("/api/datasets", "");
    assert_eq!(status, 200);
    assert_eq!(generation_header(&head), 1);
    let before = std::fs::read_link(store.join("current")).unwrap();

    // Ingest the 24.1 exports while requests keep coming.
    let mut ingest = orewatch(&store)
        .arg("ingest")
        .arg(data.join("conflict/ged_v24_1_download"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut seen = Vec::new();
    loop {
        let done = ingest.try_wait().unwrap().is_some();
        let (status, head, body) = server.get_with("/api/datasets", "");
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
        let generation = generation_header(&head);
        let doc: Value = serde_json::from_slice(&body).unwrap();
        // The body and its header come from one generation, and that generation is whole:
        // its sources list is the one its manifest was written with.
        assert_eq!(doc["generation"], generation);
        let files = doc["sources"].as_array().unwrap().len();
        seen.push((generation, files));
        if done {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(ingest.wait().unwrap().success());
    assert_ne!(std::fs::read_link(store.join("current")).unwrap(), before);
    let (_, head, body) = server.get_with("/api/datasets", "");
    let doc: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(generation_header(&head), 2);
    let after = doc["sources"].as_array().unwrap().len();
    for (generation, files) in &seen {
        assert!(
            (*generation == 1 && *files < after) || (*generation == 2 && *files == after),
            "{seen:?}"
        );
    }
    // The new generation's numbers: Mali is now covered to 2022-12-31.
    let (status, api) = server.get("/api/exposure?site=MLI-HT-11&radius_km=50&as_of=2022-12-31");
    assert_eq!(status, 200, "{api}");
}

#[test]
fn serve_binds_loopback_unless_told_and_warns_then() {
    let help = run_ok(Command::new(env!("CARGO_BIN_EXE_orewatch")).args(["serve", "--help"]));
    assert!(help.contains("[default: 127.0.0.1:8080]"), "{help}");
    let store = tempfile::tempdir().unwrap();
    let server = Server::start(store.path(), "0.0.0.0:0");
    assert!(
        server
            .stderr_first_line
            .starts_with("warning: serving on 0.0.0.0:0 — not loopback"),
        "{}",
        server.stderr_first_line
    );
    // An empty store: every API answer says so (503), the page still loads.
    let port = server.addr.rsplit(':').next().unwrap();
    let local = format!("127.0.0.1:{port}");
    let (status, _, body) = http_get(&local, "/api/datasets", "");
    let body = String::from_utf8_lossy(&body);
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("orewatch ingest"), "{body}");
    assert_eq!(http_get(&local, "/", "").0, 200);
}

/// The map page as a person uses it, in headless Chromium (Debian's `/usr/bin/chromium`,
/// driven by Playwright for Python from `.ci/requirements.txt`; never `playwright install`).
/// Writes `target/serve-map.png`.
#[test]
fn the_map_page_in_headless_chromium() {
    let python = python_with(&["playwright"]);
    let chromium =
        std::env::var("OREWATCH_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(
        Path::new(&chromium).exists(),
        "{chromium} is missing: install Debian's chromium (apt-get install chromium; .ci/run does) or set OREWATCH_CHROMIUM"
    );
    let store = shipped_store();
    let tmp = tempfile::tempdir().unwrap();
    let server = Server::start_small_evaluation(store, tmp.path());
    let (_, api) = server.get("/api/exposure?site=MLI-HT-11&radius_km=50&window_days=365");
    let expected = &api["rows"][0];
    let shot = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/serve-map.png");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/map_page.py");
    let out = Command::new(python)
        .arg(script)
        .arg(format!("http://{}/", server.addr))
        .arg(&chromium)
        .arg(&shot)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "browser test failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let seen: Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    // The panel shows the API's numbers for Bougouni lithium.
    assert!(
        seen["site_name"]
            .as_str()
            .unwrap()
            .starts_with("Bougouni lithium"),
        "{seen}"
    );
    assert_eq!(
        seen["events"].as_str().unwrap().replace(',', ""),
        expected["events"].to_string()
    );
    assert_eq!(
        seen["fatalities_best"].as_str().unwrap().replace(',', ""),
        expected["fatalities_best"].to_string()
    );
    assert_eq!(
        seen["exposure_index"].as_str().unwrap().replace(',', ""),
        format!("{:.2}", expected["exposure_index"].as_f64().unwrap())
    );
    assert!(
        seen["console_errors"].as_array().unwrap().is_empty(),
        "{seen}"
    );
    assert_ne!(seen["count_before"], seen["count_after"], "{seen}");
    assert!(seen["layer_toggled"].as_bool().unwrap(), "{seen}");
    assert!(shot.exists());

    // The forecast layer shows, with its vintage (model, data to the origin, seed) and the
    // out-of-sample evaluation's verdicts; the horizon control reloads it.
    assert!(seen["forecast_shown"].as_bool().unwrap(), "{seen}");
    let note = seen["forecast_note"].as_str().unwrap();
    let (_, fc) = server.get("/api/forecast/cells.geojson?horizon=12");
    for needle in [
        fc["metadata"]["model"].as_str().unwrap().to_string(),
        format!("data to {}", fc["metadata"]["origin"].as_str().unwrap()),
        "12 months ahead".to_string(),
        "seed 1".to_string(),
    ] {
        assert!(note.contains(&needle), "{needle} not in {note}");
    }
    assert!(
        seen["forecast_note_6"]
            .as_str()
            .unwrap()
            .contains("6 months ahead"),
        "{seen}"
    );
    let evaluation = finished_evaluation(&server);
    let model = fc["metadata"]["model"].as_str().unwrap();
    let text = seen["evaluation_text"].as_str().unwrap();
    for d in evaluation["evaluation"]["evaluation"]["differences"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["model"] == model)
    {
        assert!(text.contains(d["verdict"].as_str().unwrap()), "{text}");
        if d["verdict"] == "worse" {
            assert!(text.contains("worse than the best baseline"), "{text}");
        }
    }

    // The supply panel shows the API's numbers.
    for commodity in ["gold", "lithium"] {
        let (_, a) = server.get(&format!("/api/supply?commodity={commodity}"));
        let shown = &seen["supply"][commodity];
        assert_eq!(shown["criticality"], a["eu"]["criticality"], "{seen}");
        let sr = |v: &Value| {
            let (lo, hi) = (v["low"].as_f64().unwrap(), v["high"].as_f64().unwrap());
            if lo == hi {
                format!("{lo:.2}")
            } else {
                format!("{lo:.2}–{hi:.2}")
            }
        };
        assert_eq!(
            shown["sr_now"].as_str().unwrap(),
            sr(&a["eu"]["now"][0]["supply_risk"]),
            "{commodity}"
        );
        assert_eq!(
            shown["sr_without_mali"].as_str().unwrap(),
            sr(&a["eu"]["now"][0]["without_mali"]),
            "{commodity}"
        );
    }

    // The deal panel: the seed is shown, the command it prints gives the same P(better), and
    // a moved slider changes the answer (and the command names the edited files).
    assert_eq!(seen["deal_seed"], "seed 20250101", "{seen}");
    let command = seen["deal_command"].as_str().unwrap();
    assert!(command.starts_with("orewatch scenario compare --bundled --baseline status_quo --draws 2000 --seed 20250101"), "{command}");
    let out = tmp.path().join("compare.json");
    run_ok(
        orewatch(store)
            .args([
                "scenario",
                "compare",
                "--bundled",
                "--baseline",
                "status_quo",
                "--draws",
                "2000",
                "--seed",
                "20250101",
                "--out",
            ])
            .arg(&out),
    );
    let cli: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    let us_deal = cli["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["a_index"] == 1)
        .unwrap();
    let coup = us_deal["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["output"] == "coup_risk_over_period")
        .unwrap();
    assert_eq!(
        seen["deal_p_better"]
            .as_str()
            .unwrap()
            .parse::<f64>()
            .unwrap(),
        coup["p_a_better"].as_f64().unwrap()
    );
    assert_eq!(seen["deal_charts"], 4, "{seen}");
    assert!(
        seen["deal_command_edited"]
            .as_str()
            .unwrap()
            .contains("edited_us_deal.toml"),
        "{seen}"
    );
    assert!(seen["deal_p_better_edited"].is_string(), "{seen}");
    assert!(shot.with_file_name("serve-map-panels.png").exists());
}
