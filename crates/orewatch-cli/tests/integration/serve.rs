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
        let mut child = Command::new(env!("CARGO_BIN_EXE_orewatch"))
            .arg("--store")
            .arg(store)
            .args(["serve", "--bind", bind])
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

    fn get(&self, path: &str) -> (u16, Value) {
        let (status, _, body) = self.get_with(path, "");
        let value = serde_json::from_slice(&body).unwrap_or_else(|e| {
            panic!("{path}: not JSON ({e}): {}", String::from_utf8_lossy(&body))
        });
        (status, value)
    }
}

/// (status, headers, body) of a GET (with `extra` request headers).
fn http_get(addr: &str, path: &str, extra: &str) -> (u16, String, Vec<u8>) {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n{extra}\r\n"
    )
    .unwrap();
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
    let server = Server::start(store, "127.0.0.1:0");
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
}
