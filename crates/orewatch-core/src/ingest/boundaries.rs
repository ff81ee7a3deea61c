//! Reader for administrative boundaries: Natural Earth GeoJSON (admin-0 and admin-1) and
//! TopoJSON world countries, into [`Region`]s with MultiPolygon geometry (WGS84 degrees).
//!
//! # Layouts (detected from the content, not the file name)
//! * **Natural Earth admin-1 GeoJSON** (properties with `adm1_code`): `region_id` =
//!   `adm1_code` (`MLI-2793`), level 1, `name`, `country_iso3` = `adm0_a3`, `country_name` =
//!   `admin`, `iso_3166_2`; `name_en`, `name_fr`, `type_en`, `wikidataid`, `latitude`, … in
//!   `extra`.
//! * **Natural Earth admin-0 GeoJSON** (properties with `iso_n3` and `iso_a3`): `region_id` =
//!   the ISO 3166-1 numeric code written with 3 digits (`466`, `012`), level 0, `name`,
//!   `country_iso3` = `iso_a3`.
//! * **TopoJSON countries** (`"type": "Topology"` with an object `countries`): one level-0
//!   region per geometry, `region_id` = the geometry's `id` (ISO numeric, 3 digits), `name` =
//!   `properties.name`, `country_iso3` = the ISO 3166-1 alpha-3 of that numeric code (the
//!   `celes` crate's ISO table; none for a code it does not hold). Other objects (`land`, the union of all land) are not regions: skipped
//!   with a note.
//!
//! A country without an ISO numeric code (Natural Earth writes `-99` or no id, e.g. Kosovo,
//! N. Cyprus, Somaliland) is kept, flagged, with `region_id` = `no-iso:<name>`.
//!
//! A Polygon becomes a one-member MultiPolygon. Every ring must be closed (first position =
//! last) with at least 4 positions, and every position must be finite with longitude in
//! [-180, 180] and latitude in [-90, 90]; a feature that fails is quarantined with the reason
//! (`line` = 1-based feature number, or geometry number within the TopoJSON object).
//!
//! # TopoJSON decoding
//! Arcs are decoded here, not with the `topojson` crate: version 0.5 panics on an arc index
//! out of range or a nested GeometryCollection (user input must not panic) and keeps the
//! shared vertex twice where two arcs join. The decoding follows the TopoJSON specification
//! § 2.1.2–2.2.5: with a `transform`, each arc's positions are deltas; the absolute quantized
//! position is their running sum, and `lon = x * scale[0] + translate[0]`,
//! `lat = y * scale[1] + translate[1]`. An arc index `i < 0` means arc `!i` (`-i - 1`) reversed. When arcs are
//! joined into a ring, the first position of every arc after the first is dropped (it repeats
//! the previous arc's last position).
//!
//! # Deduplication
//! [`dedup_regions`] stores a region present in several files once; see its docs.
//!
//! # Limits
//! A file is parsed whole, so it may hold at most [`super::MAX_JSON_BYTES`]; its geometries
//! together at most [`MAX_POSITIONS`] positions (TopoJSON arcs are counted each time a ring
//! uses them, so a small file cannot expand without bound). A geometry past the budget is
//! quarantined with the reason, like any other bad geometry.
//!
//! It does not reproject, repair or simplify geometry, and it does not compute areas.

use std::collections::BTreeMap;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use geo_types::{Coord, LineString, MultiPolygon, Polygon};
use serde_json::{Map, Value};

use crate::ingest::text::non_missing;
use crate::ingest::{IngestError, ReadOutcome};
use crate::model::{Extra, QuarantineRecord, Region};

/// Key in `Region::extra` naming the other files a deduplicated region was also found in.
pub const ALSO_IN_KEY: &str = "also_in";
/// Key in `Region::extra` explaining why a region was flagged.
pub const FLAGS_KEY: &str = "_flags";

/// The most positions the geometries of one file may hold together: 20 million (320 MB as
/// coordinates; Natural Earth's most detailed admin-1 layer of the whole world holds a few
/// million).
pub const MAX_POSITIONS: usize = 20_000_000;

/// The reason given for a geometry past [`MAX_POSITIONS`]: it needed `more` positions when
/// `left` were left.
fn over_budget(more: usize, left: usize) -> GeometryError {
    (
        format!("{more} more positions needed, {left} left"),
        format!("at most {MAX_POSITIONS} positions in all the geometries of one file"),
    )
}

const EXPECTED: &str = "a Natural Earth GeoJSON FeatureCollection with admin-1 properties \
(adm1_code, name, adm0_a3, admin, iso_3166_2) or admin-0 properties (iso_n3, iso_a3, name), \
or a TopoJSON Topology with an object `countries` (geometries with an ISO numeric id and \
properties.name)";

/// Whether this reader takes the file: a GeoJSON FeatureCollection with `adm1_code` or
/// `iso_n3` + `iso_a3` properties, or a TopoJSON Topology.
pub fn sniff(head: &[u8], _file_name: &str) -> bool {
    let text = String::from_utf8_lossy(head);
    let geojson = text.contains("\"FeatureCollection\"")
        && (text.contains("\"adm1_code\"")
            || (text.contains("\"iso_n3\"") && text.contains("\"iso_a3\"")));
    let topojson = text.contains("\"Topology\"") && text.contains("\"arcs\"");
    geojson || topojson
}

/// Reads a boundary file.
pub fn read_path(path: &Path) -> Result<ReadOutcome<Region>, IngestError> {
    read(
        BufReader::new(super::open_source(path)?),
        &path.to_string_lossy(),
    )
}

/// Reads a boundary file; `file` names it in quarantine records, errors and `Region::source`.
pub fn read<R: Read>(input: R, file: &str) -> Result<ReadOutcome<Region>, IngestError> {
    read_with_budget(input, file, MAX_POSITIONS)
}

/// [`read`] with at most `budget` positions in all geometries (tests use a small one).
fn read_with_budget<R: Read>(
    input: R,
    file: &str,
    budget: usize,
) -> Result<ReadOutcome<Region>, IngestError> {
    let root: Value = super::read_json(input, file, "GeoJSON or TopoJSON boundaries")?;
    match root.get("type").and_then(Value::as_str) {
        Some("Topology") => read_topology(&root, file, budget),
        Some("FeatureCollection") => read_feature_collection(&root, file, budget),
        other => Err(unknown(
            file,
            format!("top-level type {}", other.unwrap_or("(none)")),
        )),
    }
}

fn unknown(file: &str, detail: String) -> IngestError {
    IngestError::UnknownLayout {
        path: PathBuf::from(file),
        detail,
        expected: EXPECTED.to_string(),
    }
}

#[derive(Clone, Copy, PartialEq)]
enum GeoJsonLayout {
    Admin0,
    Admin1,
}

fn read_feature_collection(
    root: &Value,
    file: &str,
    mut budget: usize,
) -> Result<ReadOutcome<Region>, IngestError> {
    let features = root
        .get("features")
        .and_then(Value::as_array)
        .ok_or_else(|| unknown(file, "a FeatureCollection without a features array".into()))?;
    let first = features
        .iter()
        .find_map(|f| f.get("properties").and_then(Value::as_object));
    let layout = match first {
        Some(p) if p.contains_key("adm1_code") => GeoJsonLayout::Admin1,
        Some(p) if p.contains_key("iso_n3") && p.contains_key("iso_a3") => GeoJsonLayout::Admin0,
        _ => {
            let seen: Vec<&str> = first
                .map(|p| p.keys().map(String::as_str).collect())
                .unwrap_or_default();
            return Err(unknown(
                file,
                format!("feature properties [{}]", seen.join(", ")),
            ));
        }
    };
    let mut out = ReadOutcome::new(match layout {
        GeoJsonLayout::Admin1 => "Natural Earth admin-1 GeoJSON",
        GeoJsonLayout::Admin0 => "Natural Earth admin-0 GeoJSON",
    });
    for (i, feature) in features.iter().enumerate() {
        out.rows_read += 1;
        let line = i as u64 + 1;
        let reject = |column: &str, value: String, reason: String| QuarantineRecord {
            file: file.to_string(),
            line,
            column: Some(column.to_string()),
            value,
            reason,
            raw: feature.to_string(),
        };
        let empty = Map::new();
        let props = feature
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let geometry = match geojson_multipolygon(feature.get("geometry").unwrap_or(&Value::Null))
            .and_then(|g| {
                let n = vertex_count(&g);
                budget = budget
                    .checked_sub(n)
                    .ok_or_else(|| over_budget(n, budget))?;
                Ok(g)
            }) {
            Ok(g) => g,
            Err((value, reason)) => {
                out.quarantined.push(reject("geometry", value, reason));
                continue;
            }
        };
        let text = |k: &str| props.get(k).and_then(value_text);
        let region = match layout {
            GeoJsonLayout::Admin1 => {
                let Some(code) = text("adm1_code") else {
                    out.quarantined.push(reject(
                        "adm1_code",
                        raw_text(props.get("adm1_code")),
                        "an adm1_code (the region id)".to_string(),
                    ));
                    continue;
                };
                let Some(name) = text("name").or_else(|| text("name_en")) else {
                    out.quarantined.push(reject(
                        "name",
                        raw_text(props.get("name")),
                        "a region name (name or name_en)".to_string(),
                    ));
                    continue;
                };
                Region {
                    region_id: code,
                    level: 1,
                    name,
                    country_iso3: text("adm0_a3").filter(|c| c != "-99"),
                    country_name: text("admin"),
                    iso_3166_2: text("iso_3166_2").filter(|c| c != "-99"),
                    geometry,
                    source: file.to_string(),
                    extra: extra_except(
                        props,
                        &["adm1_code", "name", "adm0_a3", "admin", "iso_3166_2"],
                    ),
                }
            }
            GeoJsonLayout::Admin0 => {
                let Some(name) = text("name") else {
                    out.quarantined.push(reject(
                        "name",
                        raw_text(props.get("name")),
                        "a country name".to_string(),
                    ));
                    continue;
                };
                let mut extra = extra_except(props, &["iso_n3", "iso_a3", "name"]);
                let region_id = country_id(text("iso_n3").as_deref(), &name, &mut extra);
                if extra.contains_key(FLAGS_KEY) {
                    out.flagged += 1;
                    out.notes.push(format!(
                        "{name}: no ISO numeric code (iso_n3 {:?}): kept as {region_id}",
                        raw_text(props.get("iso_n3"))
                    ));
                }
                Region {
                    region_id,
                    level: 0,
                    name: name.clone(),
                    country_iso3: text("iso_a3").filter(|c| c != "-99"),
                    country_name: Some(name),
                    iso_3166_2: None,
                    geometry,
                    source: file.to_string(),
                    extra,
                }
            }
        };
        out.records.push(region);
    }
    Ok(out)
}

/// The region id of a country: its ISO numeric code with 3 digits, or `no-iso:<name>`
/// (flagged) when there is none.
fn country_id(iso_n3: Option<&str>, name: &str, extra: &mut Extra) -> String {
    match iso_n3.map(str::trim) {
        Some(code)
            if !code.is_empty() && code.len() <= 3 && code.bytes().all(|b| b.is_ascii_digit()) =>
        {
            format!("{code:0>3}")
        }
        _ => {
            extra.insert(
                FLAGS_KEY.to_string(),
                "no ISO 3166-1 numeric code in the source".to_string(),
            );
            format!("no-iso:{name}")
        }
    }
}

fn value_text(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => non_missing(s).map(str::to_string),
        Value::Number(n) => Some(n.to_string()),
        other => Some(other.to_string()),
    }
}

fn raw_text(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
        None => String::new(),
    }
}

fn extra_except(props: &Map<String, Value>, typed: &[&str]) -> Extra {
    props
        .iter()
        .filter(|(k, _)| !typed.contains(&k.as_str()))
        .filter_map(|(k, v)| value_text(v).map(|t| (k.clone(), t)))
        .collect()
}

/// A rejected geometry: (value shown, reason).
type GeometryError = (String, String);

type Rings = Vec<Vec<(f64, f64)>>;

fn positions(v: &Value) -> Option<Vec<(f64, f64)>> {
    v.as_array()?
        .iter()
        .map(|p| {
            let p = p.as_array()?;
            Some((p.first()?.as_f64()?, p.get(1)?.as_f64()?))
        })
        .collect()
}

fn polygon_rings(v: &Value) -> Option<Rings> {
    v.as_array()?.iter().map(positions).collect()
}

fn geojson_multipolygon(geometry: &Value) -> Result<MultiPolygon<f64>, GeometryError> {
    let kind = geometry.get("type").and_then(Value::as_str).unwrap_or("");
    let coords = geometry.get("coordinates").unwrap_or(&Value::Null);
    let polygons: Option<Vec<Rings>> = match kind {
        "Polygon" => polygon_rings(coords).map(|p| vec![p]),
        "MultiPolygon" => coords
            .as_array()
            .and_then(|ps| ps.iter().map(polygon_rings).collect()),
        _ => {
            return Err((
                if geometry.is_null() {
                    "null".to_string()
                } else {
                    kind.to_string()
                },
                "a Polygon or MultiPolygon geometry".to_string(),
            ))
        }
    };
    let polygons = polygons.ok_or_else(|| {
        (
            kind.to_string(),
            "coordinates as arrays of [longitude, latitude] numbers".to_string(),
        )
    })?;
    validated(polygons)
}

/// Checks rings and ranges, then builds the MultiPolygon.
fn validated(polygons: Vec<Rings>) -> Result<MultiPolygon<f64>, GeometryError> {
    if polygons.is_empty() || polygons.iter().any(|p| p.is_empty()) {
        return Err((
            "empty".to_string(),
            "at least one polygon with an outer ring".to_string(),
        ));
    }
    for (pi, rings) in polygons.iter().enumerate() {
        for (ri, ring) in rings.iter().enumerate() {
            let at = format!("polygon {}, ring {}", pi + 1, ri + 1);
            if ring.len() < 4 || ring.first() != ring.last() {
                return Err((
                    format!(
                        "{at}: {} positions, first {:?}, last {:?}",
                        ring.len(),
                        ring.first(),
                        ring.last()
                    ),
                    "closed rings (first position = last) of at least 4 positions".to_string(),
                ));
            }
            if let Some(bad) = ring.iter().find(|(x, y)| {
                !x.is_finite()
                    || !y.is_finite()
                    || !(-180.0..=180.0).contains(x)
                    || !(-90.0..=90.0).contains(y)
            }) {
                return Err((
                    format!("{at}: position {bad:?}"),
                    "longitude in [-180, 180] and latitude in [-90, 90]".to_string(),
                ));
            }
        }
    }
    let to_line = |ring: &Vec<(f64, f64)>| {
        LineString(
            ring.iter()
                .map(|&(x, y)| Coord { x, y })
                .collect::<Vec<_>>(),
        )
    };
    Ok(MultiPolygon(
        polygons
            .iter()
            .map(|rings| Polygon::new(to_line(&rings[0]), rings[1..].iter().map(to_line).collect()))
            .collect(),
    ))
}

/// Decodes every arc to absolute lon/lat positions (None for a malformed arc).
pub fn decode_arcs(topology: &Value) -> Vec<Option<Vec<(f64, f64)>>> {
    let transform = topology.get("transform").and_then(|t| {
        let pair = |k: &str| -> Option<(f64, f64)> {
            let a = t.get(k)?.as_array()?;
            Some((a.first()?.as_f64()?, a.get(1)?.as_f64()?))
        };
        Some((pair("scale")?, pair("translate")?))
    });
    let arcs = topology
        .get("arcs")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    arcs.iter()
        .map(|arc| {
            let raw = positions(arc)?;
            Some(match transform {
                None => raw,
                Some(((sx, sy), (tx, ty))) => {
                    let (mut x, mut y) = (0.0, 0.0);
                    raw.iter()
                        .map(|&(dx, dy)| {
                            x += dx;
                            y += dy;
                            (x * sx + tx, y * sy + ty)
                        })
                        .collect()
                }
            })
        })
        .collect()
}

/// Joins arcs into a ring (see the module docs).
fn ring_from_arcs(
    indexes: &Value,
    arcs: &[Option<Vec<(f64, f64)>>],
    budget: &mut usize,
) -> Result<Vec<(f64, f64)>, GeometryError> {
    let list = indexes.as_array().ok_or_else(|| {
        (
            indexes.to_string(),
            "a ring as an array of arc indexes".to_string(),
        )
    })?;
    let mut ring: Vec<(f64, f64)> = Vec::new();
    for index in list {
        let i = index
            .as_i64()
            .ok_or_else(|| (index.to_string(), "an integer arc index".to_string()))?;
        let (arc_no, reversed) = if i >= 0 { (i, false) } else { (-i - 1, true) };
        let arc = usize::try_from(arc_no)
            .ok()
            .and_then(|n| arcs.get(n))
            .and_then(Option::as_ref)
            .ok_or_else(|| {
                (
                    i.to_string(),
                    format!(
                        "an arc index of a well-formed arc (the topology has {} arcs)",
                        arcs.len()
                    ),
                )
            })?;
        *budget = budget
            .checked_sub(arc.len())
            .ok_or_else(|| over_budget(arc.len(), *budget))?;
        let mut points = arc.clone();
        if reversed {
            points.reverse();
        }
        let skip = usize::from(!ring.is_empty());
        ring.extend(points.into_iter().skip(skip));
    }
    Ok(ring)
}

fn topo_multipolygon(
    geometry: &Value,
    arcs: &[Option<Vec<(f64, f64)>>],
    budget: &mut usize,
) -> Result<MultiPolygon<f64>, GeometryError> {
    let kind = geometry.get("type").and_then(Value::as_str).unwrap_or("");
    let mut polygon = |p: &Value| -> Result<Rings, GeometryError> {
        p.as_array()
            .ok_or_else(|| (p.to_string(), "a polygon as an array of rings".to_string()))?
            .iter()
            .map(|r| ring_from_arcs(r, arcs, budget))
            .collect()
    };
    let field = geometry.get("arcs").unwrap_or(&Value::Null);
    let polygons = match kind {
        "Polygon" => vec![polygon(field)?],
        "MultiPolygon" => field
            .as_array()
            .ok_or_else(|| (field.to_string(), "arcs of a MultiPolygon".to_string()))?
            .iter()
            .map(polygon)
            .collect::<Result<Vec<_>, _>>()?,
        other => {
            return Err((
                other.to_string(),
                "a Polygon or MultiPolygon geometry".to_string(),
            ))
        }
    };
    validated(polygons)
}

fn read_topology(
    root: &Value,
    file: &str,
    mut budget: usize,
) -> Result<ReadOutcome<Region>, IngestError> {
    let objects = root
        .get("objects")
        .and_then(Value::as_object)
        .ok_or_else(|| unknown(file, "a Topology without objects".into()))?;
    let Some(countries) = objects.get("countries") else {
        return Err(unknown(
            file,
            format!(
                "TopoJSON objects [{}], no `countries`",
                objects.keys().cloned().collect::<Vec<_>>().join(", ")
            ),
        ));
    };
    let mut out = ReadOutcome::new("TopoJSON world countries (object `countries`)");
    for name in objects.keys().filter(|k| *k != "countries") {
        out.notes.push(if name == "land" {
            "TopoJSON object `land` (the union of all land) is not a region: skipped".to_string()
        } else {
            format!("TopoJSON object `{name}` is not a known boundary object: skipped")
        });
    }
    let arcs = decode_arcs(root);
    let bad_arcs = arcs.iter().filter(|a| a.is_none()).count();
    if bad_arcs > 0 {
        out.notes.push(format!(
            "{bad_arcs} malformed arcs: features using them are quarantined"
        ));
    }
    let geometries = countries
        .get("geometries")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    for (i, g) in geometries.iter().enumerate() {
        out.rows_read += 1;
        let line = i as u64 + 1;
        let reject = |column: &str, value: String, reason: String| QuarantineRecord {
            file: file.to_string(),
            line,
            column: Some(column.to_string()),
            value,
            reason,
            raw: g.to_string(),
        };
        let empty = Map::new();
        let props = g
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let Some(name) = props.get("name").and_then(value_text) else {
            out.quarantined.push(reject(
                "properties.name",
                raw_text(props.get("name")),
                "a country name".to_string(),
            ));
            continue;
        };
        let left = budget;
        let geometry = match topo_multipolygon(g, &arcs, &mut budget) {
            Ok(m) => m,
            Err((value, reason)) => {
                // A geometry not stored spends none of the budget.
                budget = left;
                out.quarantined.push(reject("arcs", value, reason));
                continue;
            }
        };
        let mut extra = extra_except(props, &["name"]);
        let id = g.get("id").and_then(value_text);
        let region_id = country_id(id.as_deref(), &name, &mut extra);
        if extra.contains_key(FLAGS_KEY) {
            out.flagged += 1;
            out.notes.push(format!(
                "{name}: no ISO numeric id in the TopoJSON: kept as {region_id}"
            ));
        }
        // The id is the ISO 3166-1 numeric code: its alpha-3 from the ISO table (celes).
        let country_iso3 = id
            .as_deref()
            .and_then(|code| celes::Country::from_code(code).ok())
            .map(|c| c.alpha3.to_string());
        out.records.push(Region {
            region_id,
            level: 0,
            name: name.clone(),
            country_iso3,
            country_name: Some(name),
            iso_3166_2: None,
            geometry,
            source: file.to_string(),
            extra,
        });
    }
    Ok(out)
}

/// Number of positions in all rings of a region's geometry.
pub fn vertex_count(geometry: &MultiPolygon<f64>) -> usize {
    geometry
        .0
        .iter()
        .map(|p| p.exterior().0.len() + p.interiors().iter().map(|r| r.0.len()).sum::<usize>())
        .sum()
}

/// Stores each region once. Regions with the same `level` and `region_id` (e.g. Mali's 9
/// admin-1 regions in both `mli_admin1_ne10m.geojson` and `west_africa_admin1_ne10m.geojson`,
/// or a country in both the admin-0 GeoJSON and the world TopoJSON) are one region:
///
/// * the geometry with the most vertices (the more detailed one) wins, and with it the
///   region's attributes and `source`; on a tie, the first one given wins;
/// * attributes the winner lacks (`country_iso3`, `country_name`, `iso_3166_2`, `extra`
///   keys) are filled from the others, in input order;
/// * `extra["also_in"]` lists the other files, separated by `; `.
///
/// Returns the regions sorted by (level, region_id) and one note per merged region (with a
/// word when the names disagree).
pub fn dedup_regions(regions: Vec<Region>) -> (Vec<Region>, Vec<String>) {
    let mut groups: BTreeMap<(u8, String), Vec<Region>> = BTreeMap::new();
    for r in regions {
        groups
            .entry((r.level, r.region_id.clone()))
            .or_default()
            .push(r);
    }
    let mut notes = Vec::new();
    let mut out = Vec::with_capacity(groups.len());
    for ((_, id), mut group) in groups {
        if group.len() == 1 {
            out.extend(group);
            continue;
        }
        let counts: Vec<usize> = group.iter().map(|r| vertex_count(&r.geometry)).collect();
        let mut best = 0;
        for (i, c) in counts.iter().enumerate() {
            if *c > counts[best] {
                best = i;
            }
        }
        let mut winner = group.remove(best);
        let described: Vec<String> = {
            let mut all: Vec<String> = group
                .iter()
                .map(|r| format!("{} ({} vertices)", r.source, vertex_count(&r.geometry)))
                .collect();
            all.insert(0, format!("{} ({} vertices)", winner.source, counts[best]));
            all
        };
        let mut also_in: Vec<String> = Vec::new();
        let mut other_names = Vec::new();
        for other in group {
            if winner.country_iso3.is_none() {
                winner.country_iso3 = other.country_iso3;
            }
            if winner.country_name.is_none() {
                winner.country_name = other.country_name;
            }
            if winner.iso_3166_2.is_none() {
                winner.iso_3166_2 = other.iso_3166_2;
            }
            for (k, v) in other.extra {
                winner.extra.entry(k).or_insert(v);
            }
            if other.name != winner.name && !other_names.contains(&other.name) {
                other_names.push(other.name);
            }
            if other.source != winner.source && !also_in.contains(&other.source) {
                also_in.push(other.source);
            }
        }
        if !also_in.is_empty() {
            winner
                .extra
                .insert(ALSO_IN_KEY.to_string(), also_in.join("; "));
        }
        let mut note = format!(
            "{id} {}: in {}: kept the geometry of {} (most vertices)",
            winner.name,
            described.join(" and "),
            winner.source
        );
        if !other_names.is_empty() {
            note.push_str(&format!("; also named {}", other_names.join(", ")));
        }
        notes.push(note);
        out.push(winner);
    }
    (out, notes)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SQUARE: &str = "[[[0,0],[1,0],[1,1],[0,1],[0,0]]]";

    fn admin1(code: &str, name: &str, coords: &str) -> String {
        format!(
            r#"{{"type":"Feature","properties":{{"name":"{name}","name_en":"{name}","name_fr":"","iso_3166_2":"ML-1",
            "adm1_code":"{code}","adm0_a3":"MLI","admin":"Mali","type_en":"Region","region":"","wikidataid":"Q1",
            "latitude":1.5,"longitude":2.5,"area_sqkm":0}},"geometry":{{"type":"Polygon","coordinates":{coords}}}}}"#
        )
    }

    fn fc(features: &[String]) -> String {
        format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            features.join(",")
        )
    }

    #[test]
    fn admin1_features_and_validation() {
        let data = fc(&[
            admin1("MLI-2793", "Kayes", SQUARE),
            admin1("MLI-1", "Open", "[[[0,0],[1,0],[1,1],[0,1]]]"),
            admin1("MLI-2", "Far", "[[[0,0],[1,0],[1,95],[0,1],[0,0]]]"),
            r#"{"type":"Feature","properties":{"adm1_code":"MLI-3","name":"Line"},"geometry":{"type":"LineString","coordinates":[[0,0],[1,1]]}}"#.to_string(),
        ]);
        let out = read(data.as_bytes(), "a1.geojson").unwrap();
        assert_eq!(out.layout, "Natural Earth admin-1 GeoJSON");
        assert_eq!(out.rows_read, 4);
        assert_eq!(out.records.len(), 1);
        let r = &out.records[0];
        assert_eq!(r.region_id, "MLI-2793");
        assert_eq!(r.level, 1);
        assert_eq!(r.country_iso3.as_deref(), Some("MLI"));
        assert_eq!(r.country_name.as_deref(), Some("Mali"));
        assert_eq!(r.iso_3166_2.as_deref(), Some("ML-1"));
        assert_eq!(r.geometry.0.len(), 1, "Polygon -> one-member MultiPolygon");
        assert_eq!(r.extra.get("wikidataid").map(String::as_str), Some("Q1"));
        assert!(!r.extra.contains_key("region"), "empty values omitted");
        assert_eq!(r.source, "a1.geojson");
        let q = &out.quarantined;
        assert_eq!(q.len(), 3);
        assert_eq!((q[0].line, q[0].column.as_deref()), (2, Some("geometry")));
        assert!(q[0].reason.contains("closed rings"));
        assert_eq!(q[1].line, 3);
        assert!(q[1].reason.contains("latitude in [-90, 90]"));
        assert_eq!(q[2].line, 4);
        assert_eq!(q[2].value, "LineString");
    }

    #[test]
    fn admin0_ids_are_three_digit_iso_numeric() {
        let data = fc(&[
            format!(
                r#"{{"type":"Feature","properties":{{"iso_n3":"12","iso_a3":"DZA","name":"Algeria"}},"geometry":{{"type":"Polygon","coordinates":{SQUARE}}}}}"#
            ),
            format!(
                r#"{{"type":"Feature","properties":{{"iso_n3":"-99","iso_a3":"-99","name":"Kosovo"}},"geometry":{{"type":"MultiPolygon","coordinates":[{SQUARE},{SQUARE}]}}}}"#
            ),
        ]);
        let out = read(data.as_bytes(), "a0.geojson").unwrap();
        assert_eq!(out.layout, "Natural Earth admin-0 GeoJSON");
        assert_eq!(out.records[0].region_id, "012");
        assert_eq!(out.records[0].country_iso3.as_deref(), Some("DZA"));
        assert_eq!(out.records[1].region_id, "no-iso:Kosovo");
        assert_eq!(out.records[1].country_iso3, None);
        assert_eq!(out.records[1].geometry.0.len(), 2);
        assert_eq!(out.flagged, 1);
    }

    /// The quantized example of the TopoJSON specification, decoded by hand:
    /// transform scale [0.0005000500050005, 0.00010001000100010001], translate [100, 0].
    /// Arc 1 deltas [0,0],[0,9999],[2000,0],[0,-9999],[-2000,0] -> quantized positions
    /// (0,0),(0,9999),(2000,9999),(2000,0),(0,0) -> lon 100 + x*0.00050005…, lat y*0.00010001…:
    /// (100,0),(100,1),(101.0001…,1),(101.0001…,0),(100,0).
    #[test]
    fn topojson_spec_example_decodes_by_hand() {
        let topo = r#"{"type":"Topology","transform":{"scale":[0.0005000500050005,0.00010001000100010001],"translate":[100,0]},
          "objects":{"countries":{"type":"GeometryCollection","geometries":[
             {"type":"Polygon","arcs":[[1]],"id":"4","properties":{"name":"Spec"}},
             {"type":"Polygon","arcs":[[7]],"id":"5","properties":{"name":"Broken"}},
             {"type":"Polygon","arcs":[[0,-1]],"properties":{"name":"Unnamed"}}]},
            "land":{"type":"GeometryCollection","geometries":[]}},
          "arcs":[[[4000,0],[1999,9999],[2000,-9999],[2000,9999]],[[0,0],[0,9999],[2000,0],[0,-9999],[-2000,0]]]}"#;
        let out = read(topo.as_bytes(), "w.topojson").unwrap();
        assert_eq!(out.layout, "TopoJSON world countries (object `countries`)");
        assert!(out.notes.iter().any(|n| n.contains("`land`")));
        assert_eq!(out.rows_read, 3);
        let spec = &out.records[0];
        assert_eq!(spec.region_id, "004");
        let ring = &spec.geometry.0[0].exterior().0;
        assert_eq!(ring.len(), 5);
        assert!((ring[1].x - 100.0).abs() < 1e-12 && (ring[1].y - 0.99999999999).abs() < 1e-6);
        assert!((ring[2].x - (100.0 + 2000.0 * 0.0005000500050005)).abs() < 1e-12);
        assert!((ring[2].y - 9999.0 * 0.00010001000100010001).abs() < 1e-12);
        assert_eq!(ring[0], ring[4]);
        // Arc index 7 does not exist.
        assert_eq!(out.quarantined.len(), 1);
        assert_eq!(out.quarantined[0].line, 2);
        assert_eq!(out.quarantined[0].value, "7");
        // Arc 0 forward then reversed (~0 = -1): the junction vertex is not repeated and the
        // ring closes on itself; it is degenerate but valid by our checks. No id -> flagged.
        let unnamed = &out.records[1];
        assert_eq!(unnamed.region_id, "no-iso:Unnamed");
        assert_eq!(unnamed.geometry.0[0].exterior().0.len(), 7);
        assert_eq!(out.flagged, 1);
    }

    #[test]
    fn dedup_keeps_the_more_detailed_geometry() {
        let detailed = "[[[0,0],[0.5,0],[1,0],[1,1],[0,1],[0,0]]]";
        let a = read(
            fc(&[
                admin1("MLI-2793", "Kayes", SQUARE),
                admin1("SEN-1", "Dakar", SQUARE),
            ])
            .as_bytes(),
            "west.geojson",
        )
        .unwrap();
        let b = read(
            fc(&[admin1("MLI-2793", "Kayes", detailed)]).as_bytes(),
            "mli.geojson",
        )
        .unwrap();
        let mut all = a.records;
        all.extend(b.records);
        let (regions, notes) = dedup_regions(all);
        assert_eq!(regions.len(), 2);
        let kayes = &regions[0];
        assert_eq!(kayes.region_id, "MLI-2793");
        assert_eq!(kayes.source, "mli.geojson");
        assert_eq!(vertex_count(&kayes.geometry), 6);
        assert_eq!(
            kayes.extra.get(ALSO_IN_KEY).map(String::as_str),
            Some("west.geojson")
        );
        assert_eq!(notes.len(), 1);
        assert!(notes[0].contains("kept the geometry of mli.geojson"));
        assert_eq!(regions[1].region_id, "SEN-1");
    }

    #[test]
    fn sniff_and_unknown() {
        assert!(sniff(
            fc(&[admin1("MLI-1", "x", SQUARE)]).as_bytes(),
            "a.geojson"
        ));
        assert!(sniff(
            br#"{"type":"Topology","objects":{"countries":{"geometries":[{"arcs":[[0]]}]}}}"#,
            "w.topojson"
        ));
        assert!(!sniff(br#"{"type":"FeatureCollection","features":[{"properties":{"FeatureUID":"MLI004","OperateNam":"x"}}]}"#, "u.geojson"));
        assert!(!sniff(b"site_id,site_name,lat\n", "s.csv"));
        let other =
            fc(&[r#"{"type":"Feature","properties":{"foo":1},"geometry":null}"#.to_string()]);
        assert!(matches!(
            read(other.as_bytes(), "x"),
            Err(IngestError::UnknownLayout { .. })
        ));
    }

    /// A ring that uses one 5-position arc 4 times is 5 + 3·4 = 17 positions after joining, but
    /// 20 are counted (each use of an arc counts its whole length, before the shared first
    /// position is dropped). With a budget of 30 the first geometry is read (20 used); the second
    /// (20 more) is quarantined with the reason and the third (4 positions) still fits: every
    /// geometry is accounted for, and a file of arc indexes cannot expand without bound.
    #[test]
    fn topojson_positions_are_budgeted_per_file() {
        let topo = r#"{"type":"Topology",
          "objects":{"countries":{"type":"GeometryCollection","geometries":[
             {"type":"Polygon","arcs":[[0,0,0,0]],"id":"4","properties":{"name":"A"}},
             {"type":"Polygon","arcs":[[0,0,0,0]],"id":"8","properties":{"name":"B"}},
             {"type":"Polygon","arcs":[[1]],"id":"12","properties":{"name":"C"}}]}},
          "arcs":[[[0,0],[0,1],[1,1],[1,0],[0,0]],[[5,5],[5,6],[6,6],[5,5]]]}"#;
        let out = read_with_budget(topo.as_bytes(), "w.topojson", 30).unwrap();
        assert_eq!(out.rows_read, 3);
        assert_eq!(out.records.len(), 2);
        assert_eq!(out.records[0].geometry.0[0].exterior().0.len(), 17);
        assert_eq!(out.records[1].name, "C");
        assert_eq!(
            out.quarantine_summary(),
            [(
                2,
                Some("arcs"),
                "5 more positions needed, 0 left",
                "at most 20000000 positions in all the geometries of one file"
            )]
        );
        // GeoJSON: the same budget, counted after parsing.
        let square = r#"{"type":"Feature","properties":{"adm1_code":"X-1","name":"S"},
            "geometry":{"type":"Polygon","coordinates":[[[0,0],[0,1],[1,1],[1,0],[0,0]]]}}"#;
        let fc =
            format!(r#"{{"type":"FeatureCollection","features":[{square},{square},{square}]}}"#);
        let out = read_with_budget(fc.as_bytes(), "a1.geojson", 12).unwrap();
        assert_eq!((out.records.len(), out.quarantined.len()), (2, 1));
        assert_eq!(out.quarantined[0].line, 3);
    }

    #[test]
    fn json_nesting_is_limited() {
        // Nesting past serde_json's 128 levels is an error, not a stack overflow.
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let e = read(deep.as_bytes(), "deep.geojson").unwrap_err();
        assert!(e.to_string().contains("recursion limit exceeded"), "{e}");
    }
}
