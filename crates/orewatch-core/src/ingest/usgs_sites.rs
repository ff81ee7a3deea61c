//! Reader for the USGS "Africa mineral industries and resources" GeoJSON layers
//! (Padilla et al. 2021, doi:10.5066/P97EQWXP): facilities, deposits and exploration sites.
//!
//! # Layers
//! The layer is detected from the first feature's property names, never from the file name:
//!
//! * **Facilities** (`AFR_Mineral_Facilities`; has `FeatureTyp`, `OperateNam`, `OwnerName1`):
//!   one row per *product* of a facility, so one `FeatureUID` can appear on several rows, not
//!   always next to each other. All rows of one `FeatureUID` become ONE [`Site`] (kind
//!   [`SiteKind::Facility`]) with one [`SiteProduct`] per row, in file order. Meanings checked
//!   against the data:
//!   - `DsgAttr01` commodity group (`Metal`, `Industrial`, `Fuel`, `Gemstone`, `Fertilizer`),
//!   - `DsgAttr02` commodity (`Gold`, `Phosphate`, `Petroleum`) -> `commodity` (normalised, see
//!     [`normalise_commodity`]) and `commodity_source` (verbatim),
//!   - `DsgAttr03` product form (`Gold`, `Phosphate rock`, `Crude`, `Ore and concentrate`) -> `form`,
//!   - `DsgAttr06` year of the capacity figure (2017 or 2018) -> `capacity_year`,
//!   - `DsgAttr07` capacity, per year unless the unit says per day; `-999` = not available,
//!     -> `capacity` (None for -999),
//!   - `DsgAttr08` its unit (`Kilograms`, `Thousand metric tons`, …; `NA` = none) -> `capacity_unit`,
//!   - `DsgAttr04`, `DsgAttr05` (Y/N flags), `DsgAttr09` (footnote codes `c`, `e`, `g`),
//!     `DsgAttr10` (related FeatureUIDs), `Label1`, `MemoOther`: meaning not documented in
//!     the file, kept verbatim in the product's `extra`.
//!
//!   Owners `OwnerName1..4` are written `Name [80%]`: the bracketed percent becomes
//!   `share_pct`. The site-level fields (name, coordinates, operator, owners, status, …) come
//!   from the facility's FIRST row; a later row that gives a different name or coordinates is
//!   kept, flagged (counted in `flagged`, described in the site's `extra["_flags"]`), and any
//!   site-level field whose value differs from the first row is kept in that product's
//!   `extra`. `coord_precision` is `LocConfid` (`A`, `E`) as published.
//! * **Deposits** (`AFR_Mineral_Deposits`; has `NameVar`, `DsgAttr09`, no `LocOpStat`): one
//!   row per `FeatureUID`, kind [`SiteKind::Deposit`]. `DsgAttr01..08` are the commodities in
//!   order of importance -> `commodities`; `DsgAttr09` deposit type, `DsgAttr10` a source
//!   record number: `extra`. No owners, operator or status.
//! * **Exploration** (`AFR_Mineral_Exploration`; has `OwnerName`, `DsgAttr12`): one row per
//!   `FeatureUID`, kind [`SiteKind::Exploration`]. `DsgAttr01..08` commodities, `LocOpStat`
//!   status, `OwnerName` owner. `DsgAttr09` (owner's role, `Owner-operator`), `DsgAttr10`
//!   (apparently the owner's interest in percent), `DsgAttr11` (year of the record),
//!   `DsgAttr12` (WMED project id) are kept in `extra`, not interpreted.
//!
//! # Conventions
//! Coordinates come from the Point geometry (WGS84 degrees). They are compared with the
//! `Latitude`/`Longitude` properties: a difference beyond 1e-6 degree (plus 1e-9 for the
//! floating-point representation of a 6-decimal value) is flagged, not fixed. `<null>` and JSON
//! null mean missing. `country_iso3` is looked up from the USGS country name
//! ([`usgs_country_iso3`]). Every property without a typed home is kept in `extra` (text as
//! read); `Latitude`, `Longitude` and `DsgAttr01..08` are kept there too. Quarantine records use
//! the 1-based feature number as `line`.
//!
//! # What it does not do
//! It does not correct the known source errors (in the exploration layer the Syama and
//! Tabakoto points look swapped, Goulamina's second commodity reads "Iron ore", Falea's lists
//! "Silver"): the hand-tabulated sites correct them, see `ingest::link`. It does not link
//! layers to each other or to other sources.
//!
//! The whole file is parsed as JSON (the layers are a few MB); each feature is then read on
//! its own, so one malformed feature is quarantined instead of failing the file.

use std::collections::HashMap;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::ingest::text::non_missing;
use crate::ingest::{IngestError, ReadOutcome};
use crate::model::{Extra, Ownership, QuarantineRecord, Site, SiteKind, SiteProduct, SourceRecord};

/// The key in `Site::extra` under which this reader describes why a site was flagged.
pub const FLAGS_KEY: &str = "_flags";

/// Largest accepted difference between the geometry and the `Latitude`/`Longitude`
/// properties, in degrees (1e-6 plus 1e-9 for float representation).
const COORD_TOLERANCE_DEG: f64 = 1e-6 + 1e-9;

/// Which USGS layer a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UsgsLayer {
    Facilities,
    Deposits,
    Exploration,
}

impl UsgsLayer {
    /// The dataset name used in [`SourceRecord::dataset`].
    pub fn dataset(self) -> &'static str {
        match self {
            UsgsLayer::Facilities => "usgs_facilities",
            UsgsLayer::Deposits => "usgs_deposits",
            UsgsLayer::Exploration => "usgs_exploration",
        }
    }

    /// The layer's name in the USGS geodatabase (`AFR_Mineral_Facilities`).
    pub fn layer_name(self) -> &'static str {
        match self {
            UsgsLayer::Facilities => "AFR_Mineral_Facilities",
            UsgsLayer::Deposits => "AFR_Mineral_Deposits",
            UsgsLayer::Exploration => "AFR_Mineral_Exploration",
        }
    }

    /// The layer named `AFR_Mineral_…` (as cited by the hand-tabulated sites).
    pub fn from_layer_name(name: &str) -> Option<UsgsLayer> {
        [
            UsgsLayer::Facilities,
            UsgsLayer::Deposits,
            UsgsLayer::Exploration,
        ]
        .into_iter()
        .find(|l| l.layer_name().eq_ignore_ascii_case(name.trim()))
    }

    pub fn kind(self) -> SiteKind {
        match self {
            UsgsLayer::Facilities => SiteKind::Facility,
            UsgsLayer::Deposits => SiteKind::Deposit,
            UsgsLayer::Exploration => SiteKind::Exploration,
        }
    }

    fn layout(self) -> String {
        format!("USGS Africa GeoJSON, layer {}", self.layer_name())
    }

    /// Detects the layer from one feature's property names.
    fn detect(props: &Map<String, Value>) -> Option<UsgsLayer> {
        let has = |k: &str| props.contains_key(k);
        if !has("FeatureUID") || !has("FeatureNam") {
            return None;
        }
        if has("FeatureTyp") && has("OperateNam") && has("OwnerName1") && has("DsgAttr02") {
            Some(UsgsLayer::Facilities)
        } else if has("OwnerName") && has("DsgAttr12") && has("LocOpStat") && has("DsgAttr01") {
            Some(UsgsLayer::Exploration)
        } else if has("NameVar") && has("DsgAttr09") && has("DsgAttr01") && !has("LocOpStat") {
            Some(UsgsLayer::Deposits)
        } else {
            None
        }
    }
}

const EXPECTED_LAYERS: &str = "the properties of a USGS Africa layer: facilities \
(FeatureUID, FeatureNam, FeatureTyp, OperateNam, OwnerName1, DsgAttr02, …), deposits \
(FeatureUID, FeatureNam, NameVar, DsgAttr01, DsgAttr09, no LocOpStat) or exploration \
(FeatureUID, FeatureNam, OwnerName, LocOpStat, DsgAttr01, DsgAttr12)";

/// Whether this reader takes the file: a GeoJSON FeatureCollection whose properties include
/// `FeatureUID` and one of the layer-specific names (`OperateNam`, `DsgAttr12`, `NameVar`).
pub fn sniff(head: &[u8], _file_name: &str) -> bool {
    let text = String::from_utf8_lossy(head);
    text.contains("\"FeatureCollection\"")
        && text.contains("\"FeatureUID\"")
        && (text.contains("\"OperateNam\"")
            || text.contains("\"DsgAttr12\"")
            || text.contains("\"NameVar\""))
}

/// Reads a USGS layer from a file.
pub fn read_path(path: &Path) -> Result<ReadOutcome<Site>, IngestError> {
    read(
        BufReader::new(super::open_source(path)?),
        &path.to_string_lossy(),
    )
}

/// Reads a USGS layer; `file` names the input in quarantine records and errors.
pub fn read<R: Read>(input: R, file: &str) -> Result<ReadOutcome<Site>, IngestError> {
    let root: Value = super::read_json(input, file, "a GeoJSON FeatureCollection")?;
    let features = root
        .get("features")
        .and_then(Value::as_array)
        .filter(|_| root.get("type").and_then(Value::as_str) == Some("FeatureCollection"))
        .ok_or_else(|| IngestError::UnknownLayout {
            path: PathBuf::from(file),
            detail: "not a GeoJSON FeatureCollection (no \"features\" array)".to_string(),
            expected: EXPECTED_LAYERS.to_string(),
        })?;

    let first_props = features
        .iter()
        .find_map(|f| f.get("properties").and_then(Value::as_object));
    let layer = match first_props.and_then(UsgsLayer::detect) {
        Some(layer) => layer,
        None => {
            let seen: Vec<&str> = first_props
                .map(|p| p.keys().map(String::as_str).collect())
                .unwrap_or_default();
            return Err(IngestError::UnknownLayout {
                path: PathBuf::from(file),
                detail: format!("feature properties [{}]", seen.join(", ")),
                expected: EXPECTED_LAYERS.to_string(),
            });
        }
    };

    let mut out = ReadOutcome::new(layer.layout());
    let mut facilities = FacilityAccumulator::default();
    for (index, feature) in features.iter().enumerate() {
        out.rows_read += 1;
        let line = index as u64 + 1;
        let parsed = match parse_feature(feature, line, file) {
            Ok(p) => p,
            Err(q) => {
                out.quarantined.push(*q);
                continue;
            }
        };
        match layer {
            UsgsLayer::Facilities => facilities.add(parsed, &mut out.flagged),
            UsgsLayer::Deposits | UsgsLayer::Exploration => {
                let mut site = single_row_site(layer, &parsed);
                if check_coordinates(&parsed, &mut site.extra) {
                    out.flagged += 1;
                }
                out.records.push(site);
            }
        }
    }
    if layer == UsgsLayer::Facilities {
        let (sites, flagged_sites) = facilities.finish();
        let rows = out.rows_read - out.quarantined.len() as u64;
        out.notes.push(format!(
            "{rows} product rows make {} facilities (one site per FeatureUID)",
            sites.len()
        ));
        if flagged_sites > 0 {
            out.notes.push(format!(
                "{flagged_sites} facilities have product rows that disagree with the first row on \
                 name or coordinates: the first row's values are kept, the others are in the \
                 product's extra (see each site's extra[\"{FLAGS_KEY}\"])"
            ));
        }
        out.records = sites;
    } else {
        let mismatched = out.flagged;
        if mismatched > 0 {
            out.notes.push(format!(
                "{mismatched} features whose geometry differs from their Latitude/Longitude \
                 properties by more than 1e-6 degree: geometry kept, flagged"
            ));
        }
    }
    let unknown_countries: Vec<String> = {
        let mut names: Vec<String> = out
            .records
            .iter()
            .filter(|s| s.country_iso3.is_none())
            .filter_map(|s| s.country.clone())
            .collect();
        names.sort();
        names.dedup();
        names
    };
    if !unknown_countries.is_empty() {
        out.notes.push(format!(
            "no ISO3 code known for the USGS country names: {}",
            unknown_countries.join(", ")
        ));
    }
    Ok(out)
}

/// One feature that passed the checks every layer needs.
struct ParsedFeature {
    line: u64,
    feature_id: Option<String>,
    props: Map<String, Value>,
    lon: f64,
    lat: f64,
    uid: String,
    name: String,
}

fn quarantine(
    file: &str,
    line: u64,
    column: &str,
    value: String,
    reason: &str,
    feature: &Value,
) -> Box<QuarantineRecord> {
    Box::new(QuarantineRecord {
        file: file.to_string(),
        line,
        column: Some(column.to_string()),
        value,
        reason: reason.to_string(),
        raw: feature.to_string(),
    })
}

fn parse_feature(
    feature: &Value,
    line: u64,
    file: &str,
) -> Result<ParsedFeature, Box<QuarantineRecord>> {
    let Some(props) = feature.get("properties").and_then(Value::as_object) else {
        return Err(quarantine(
            file,
            line,
            "properties",
            feature
                .get("properties")
                .map(Value::to_string)
                .unwrap_or_default(),
            "a properties object",
            feature,
        ));
    };
    let Some(uid) = props.get("FeatureUID").and_then(value_text) else {
        return Err(quarantine(
            file,
            line,
            "FeatureUID",
            raw_prop(props, "FeatureUID"),
            "a FeatureUID (the USGS site id)",
            feature,
        ));
    };
    let Some(name) = props.get("FeatureNam").and_then(value_text) else {
        return Err(quarantine(
            file,
            line,
            "FeatureNam",
            raw_prop(props, "FeatureNam"),
            "a site name",
            feature,
        ));
    };
    let geometry = feature.get("geometry").unwrap_or(&Value::Null);
    let point = (geometry.get("type").and_then(Value::as_str) == Some("Point"))
        .then(|| geometry.get("coordinates").and_then(Value::as_array))
        .flatten()
        .filter(|c| c.len() >= 2)
        .and_then(|c| Some((c[0].as_f64()?, c[1].as_f64()?)));
    let Some((lon, lat)) = point else {
        return Err(quarantine(
            file,
            line,
            "geometry",
            geometry.to_string(),
            "a Point geometry with numeric [longitude, latitude]",
            feature,
        ));
    };
    if !(-180.0..=180.0).contains(&lon) || !(-90.0..=90.0).contains(&lat) {
        return Err(quarantine(
            file,
            line,
            "geometry",
            geometry.to_string(),
            "longitude in [-180, 180] and latitude in [-90, 90]",
            feature,
        ));
    }
    let feature_id = feature.get("id").and_then(value_text);
    Ok(ParsedFeature {
        line,
        feature_id,
        props: props.clone(),
        lon,
        lat,
        uid,
        name,
    })
}

/// A property's value as text; None when missing (JSON null, `<null>`, empty).
fn value_text(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => non_missing(s).map(str::to_string),
        Value::Number(n) => Some(n.to_string()),
        other => Some(other.to_string()),
    }
}

fn raw_prop(props: &Map<String, Value>, key: &str) -> String {
    match props.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
        None => String::new(),
    }
}

fn prop(props: &Map<String, Value>, key: &str) -> Option<String> {
    props.get(key).and_then(value_text)
}

fn prop_f64(props: &Map<String, Value>, key: &str) -> Option<f64> {
    match props.get(key)? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => crate::ingest::text::parse_number(s),
        _ => None,
    }
}

/// Normalises a commodity name: parenthesised qualifiers removed, spaces collapsed,
/// lower-case (`Platinum-group elements (PGE)` -> `platinum-group elements`,
/// `lithium (spodumene)` -> `lithium`, `Iron Ore` -> `iron ore`).
pub fn normalise_commodity(s: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for c in s.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// An owner written `Name [80%]` (facilities) or `Name` (exploration).
pub fn parse_usgs_owner(text: &str) -> Ownership {
    let t = text.trim();
    let (owner, share_pct) = match (t.rfind('['), t.ends_with(']')) {
        (Some(open), true) => {
            let inside = t[open + 1..t.len() - 1].trim().trim_end_matches('%').trim();
            match crate::ingest::text::parse_number(inside) {
                Some(p) => (t[..open].trim(), Some(p)),
                None => (t, None),
            }
        }
        _ => (t, None),
    };
    Ownership {
        owner: owner.to_string(),
        share_pct,
        home_country: None,
        held_by: Vec::new(),
    }
}

/// ISO 3166-1 alpha-3 code of a country as the USGS layers spell it (`Congo (Kinshasa)` ->
/// `COD`). A stray C1 control character (`Côte d'\u{92}Ivoire`, a cp1252 quote mis-decoded in
/// the source) is ignored.
pub fn usgs_country_iso3(name: &str) -> Option<&'static str> {
    let cleaned: String = name.chars().filter(|c| !c.is_control()).collect();
    let code = match cleaned.trim() {
        "Algeria" => "DZA",
        "Angola" => "AGO",
        "Benin" => "BEN",
        "Botswana" => "BWA",
        "Burkina Faso" => "BFA",
        "Burundi" => "BDI",
        "Cabo Verde" => "CPV",
        "Cameroon" => "CMR",
        "Central African Republic" => "CAF",
        "Chad" => "TCD",
        "Comoros" => "COM",
        "Congo (Brazzaville)" => "COG",
        "Congo (Kinshasa)" => "COD",
        "Côte d'Ivoire" => "CIV",
        "Djibouti" => "DJI",
        "Egypt" => "EGY",
        "Equatorial Guinea" => "GNQ",
        "Eritrea" => "ERI",
        "Eswatini" => "SWZ",
        "Ethiopia" => "ETH",
        "Gabon" => "GAB",
        "Gambia" => "GMB",
        "Ghana" => "GHA",
        "Guinea" => "GIN",
        "Guinea-Bissau" => "GNB",
        "Kenya" => "KEN",
        "Lesotho" => "LSO",
        "Liberia" => "LBR",
        "Libya" => "LBY",
        "Madagascar" => "MDG",
        "Malawi" => "MWI",
        "Mali" => "MLI",
        "Mauritania" => "MRT",
        "Mauritius" => "MUS",
        "Morocco" => "MAR",
        "Mozambique" => "MOZ",
        "Namibia" => "NAM",
        "Niger" => "NER",
        "Nigeria" => "NGA",
        "Reunion" => "REU",
        "Rwanda" => "RWA",
        "Sao Tome and Principe" => "STP",
        "Senegal" => "SEN",
        "Seychelles" => "SYC",
        "Sierra Leone" => "SLE",
        "Somalia" => "SOM",
        "South Africa" => "ZAF",
        "South Sudan" => "SSD",
        "Sudan" => "SDN",
        "Tanzania" => "TZA",
        "Togo" => "TGO",
        "Tunisia" => "TUN",
        "Uganda" => "UGA",
        "Western Sahara" => "ESH",
        "Zambia" => "ZMB",
        "Zimbabwe" => "ZWE",
        _ => return None,
    };
    Some(code)
}

/// Flags a geometry that differs from the `Latitude`/`Longitude` properties. Returns whether
/// the site was flagged.
fn check_coordinates(f: &ParsedFeature, extra: &mut Extra) -> bool {
    let (Some(plat), Some(plon)) = (
        prop_f64(&f.props, "Latitude"),
        prop_f64(&f.props, "Longitude"),
    ) else {
        return false;
    };
    let diff = (plat - f.lat).abs().max((plon - f.lon).abs());
    if diff > COORD_TOLERANCE_DEG {
        add_flag(
            extra,
            &format!(
                "geometry ({}, {}) differs from Latitude/Longitude ({plat}, {plon}) by {diff:.7} deg",
                f.lat, f.lon
            ),
        );
        true
    } else {
        false
    }
}

fn add_flag(extra: &mut Extra, flag: &str) {
    extra
        .entry(FLAGS_KEY.to_string())
        .and_modify(|v| {
            v.push_str("; ");
            v.push_str(flag);
        })
        .or_insert_with(|| flag.to_string());
}

/// Puts every property not in `typed` into `extra` (text as read, missing omitted).
fn untyped_into(extra: &mut Extra, props: &Map<String, Value>, typed: &[&str]) {
    for (k, v) in props {
        if typed.contains(&k.as_str()) {
            continue;
        }
        if let Some(t) = value_text(v) {
            extra.insert(k.clone(), t);
        }
    }
}

const COMMODITY_KEYS: [&str; 8] = [
    "DsgAttr01",
    "DsgAttr02",
    "DsgAttr03",
    "DsgAttr04",
    "DsgAttr05",
    "DsgAttr06",
    "DsgAttr07",
    "DsgAttr08",
];

fn base_site(layer: UsgsLayer, f: &ParsedFeature) -> Site {
    let country = prop(&f.props, "Country");
    let country_iso3 = country
        .as_deref()
        .and_then(usgs_country_iso3)
        .map(str::to_string);
    Site {
        site_id: f.uid.clone(),
        name: f.name.clone(),
        kind: layer.kind(),
        country,
        country_iso3,
        admin1: prop(&f.props, "ADM1"),
        lat: Some(f.lat),
        lon: Some(f.lon),
        coord_precision: prop(&f.props, "LocConfid"),
        commodities: Vec::new(),
        products: Vec::new(),
        status: prop(&f.props, "LocOpStat"),
        status_as_of: None,
        operator: prop(&f.props, "OperateNam"),
        owners: Vec::new(),
        source_url: None,
        records: vec![SourceRecord {
            dataset: layer.dataset().to_string(),
            record_id: f.uid.clone(),
        }],
        extra: Extra::new(),
    }
}

/// A deposit or exploration site (one row per FeatureUID).
fn single_row_site(layer: UsgsLayer, f: &ParsedFeature) -> Site {
    let mut site = base_site(layer, f);
    for key in COMMODITY_KEYS {
        if let Some(c) = prop(&f.props, key) {
            let n = normalise_commodity(&c);
            if !n.is_empty() && !site.commodities.contains(&n) {
                site.commodities.push(n);
            }
        }
    }
    if let Some(owner) = prop(&f.props, "OwnerName") {
        site.owners.push(parse_usgs_owner(&owner));
    }
    // DsgAttr01..08 stay in extra as spelled: the typed list is normalised.
    untyped_into(
        &mut site.extra,
        &f.props,
        &[
            "FeatureUID",
            "FeatureNam",
            "Country",
            "ADM1",
            "LocOpStat",
            "LocConfid",
            "OperateNam",
            "OwnerName",
        ],
    );
    if let Some(id) = &f.feature_id {
        site.extra.insert("feature_id".to_string(), id.clone());
    }
    site
}

/// Facility properties that describe the site (taken from its first row).
const FACILITY_SITE_KEYS: [&str; 17] = [
    "FeatureUID",
    "FeatureNam",
    "Country",
    "ADM1",
    "LocOpStat",
    "LocConfid",
    "OperateNam",
    "OwnerName1",
    "OwnerName2",
    "OwnerName3",
    "OwnerName4",
    "Latitude",
    "Longitude",
    "FeatureTyp",
    "MemoLoc",
    "LocSource1",
    "InfSource1",
];

/// Facility properties typed on the product.
const PRODUCT_TYPED_KEYS: [&str; 5] = [
    "DsgAttr02",
    "DsgAttr03",
    "DsgAttr06",
    "DsgAttr07",
    "DsgAttr08",
];

#[derive(Default)]
struct FacilityAccumulator {
    sites: Vec<Site>,
    first_rows: Vec<ParsedFeature>,
    by_uid: HashMap<String, usize>,
    flagged_sites: std::collections::BTreeSet<usize>,
}

impl FacilityAccumulator {
    fn add(&mut self, f: ParsedFeature, flagged: &mut u64) {
        let product = facility_product(&f);
        match self.by_uid.get(&f.uid).copied() {
            None => {
                let mut site = base_site(UsgsLayer::Facilities, &f);
                site.owners = ["OwnerName1", "OwnerName2", "OwnerName3", "OwnerName4"]
                    .iter()
                    .filter_map(|k| prop(&f.props, k))
                    .map(|o| parse_usgs_owner(&o))
                    .collect();
                let typed = [
                    "FeatureUID",
                    "FeatureNam",
                    "Country",
                    "ADM1",
                    "LocOpStat",
                    "LocConfid",
                    "OperateNam",
                    "OwnerName1",
                    "OwnerName2",
                    "OwnerName3",
                    "OwnerName4",
                ];
                for key in FACILITY_SITE_KEYS {
                    if typed.contains(&key) {
                        continue;
                    }
                    if let Some(v) = prop(&f.props, key) {
                        site.extra.insert(key.to_string(), v);
                    }
                }
                if check_coordinates(&f, &mut site.extra) {
                    *flagged += 1;
                    self.flagged_sites.insert(self.sites.len());
                }
                push_product(&mut site, product);
                self.by_uid.insert(f.uid.clone(), self.sites.len());
                self.sites.push(site);
                self.first_rows.push(f);
            }
            Some(i) => {
                let first = &self.first_rows[i];
                let site = &mut self.sites[i];
                let mut product = product;
                // Site-level values that differ from the first row stay with this product.
                for key in FACILITY_SITE_KEYS {
                    let here = prop(&f.props, key);
                    if here != prop(&first.props, key) {
                        if let Some(v) = here {
                            product.extra.insert(key.to_string(), v);
                        }
                    }
                }
                let mut row_flags = Vec::new();
                if f.name != first.name {
                    row_flags.push(format!(
                        "feature {} names it {:?} (first row: {:?})",
                        f.line, f.name, first.name
                    ));
                }
                if (f.lat - first.lat).abs() > COORD_TOLERANCE_DEG
                    || (f.lon - first.lon).abs() > COORD_TOLERANCE_DEG
                {
                    row_flags.push(format!(
                        "feature {} is at ({}, {}) (first row: ({}, {}))",
                        f.line, f.lat, f.lon, first.lat, first.lon
                    ));
                }
                if !row_flags.is_empty() {
                    *flagged += 1;
                    self.flagged_sites.insert(i);
                    add_flag(&mut site.extra, &row_flags.join("; "));
                }
                push_product(site, product);
            }
        }
    }

    /// The sites in order of first appearance, and how many were flagged.
    fn finish(self) -> (Vec<Site>, usize) {
        (self.sites, self.flagged_sites.len())
    }
}

fn push_product(site: &mut Site, product: SiteProduct) {
    if !product.commodity.is_empty() && !site.commodities.contains(&product.commodity) {
        site.commodities.push(product.commodity.clone());
    }
    site.products.push(product);
}

fn facility_product(f: &ParsedFeature) -> SiteProduct {
    let commodity_source = prop(&f.props, "DsgAttr02");
    let capacity = prop_f64(&f.props, "DsgAttr07").filter(|c| *c != -999.0);
    let capacity_unit = prop(&f.props, "DsgAttr08").filter(|u| u != "NA");
    let capacity_year = prop_f64(&f.props, "DsgAttr06")
        .filter(|y| y.fract() == 0.0 && (1800.0..=2100.0).contains(y))
        .map(|y| y as i32);
    let mut extra = Extra::new();
    for (k, v) in &f.props {
        if FACILITY_SITE_KEYS.contains(&k.as_str()) {
            continue;
        }
        let typed_ok = match k.as_str() {
            "DsgAttr02" | "DsgAttr03" | "DsgAttr08" => true,
            "DsgAttr06" => capacity_year.is_some() || value_text(v).is_none(),
            // -999 is the source's "not available": kept verbatim so nothing is lost.
            "DsgAttr07" => capacity.is_some() || value_text(v).is_none(),
            _ => false,
        };
        if PRODUCT_TYPED_KEYS.contains(&k.as_str()) && typed_ok {
            continue;
        }
        if let Some(t) = value_text(v) {
            extra.insert(k.clone(), t);
        }
    }
    if let Some(id) = &f.feature_id {
        extra.insert("feature_id".to_string(), id.clone());
    }
    SiteProduct {
        commodity: commodity_source
            .as_deref()
            .map(normalise_commodity)
            .unwrap_or_default(),
        commodity_source,
        form: prop(&f.props, "DsgAttr03"),
        capacity,
        capacity_unit,
        capacity_year,
        extra,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facility(uid: &str, name: &str, lon: f64, lat: f64, commodity: &str, cap: f64) -> String {
        format!(
            r#"{{"type":"Feature","id":"0","properties":{{"FeatureUID":"{uid}","Label1":"X","Country":"Mali",
            "FeatureNam":"{name}","FeatureTyp":"Mines and Quarries","DsgAttr01":"Metal","DsgAttr02":"{commodity}",
            "DsgAttr03":"Gold","DsgAttr04":"N","DsgAttr05":"N","DsgAttr06":2018,"DsgAttr08":"Kilograms",
            "DsgAttr09":"<null>","LocOpStat":"Assumed Active","MemoOther":"<null>","DsgAttr10":"<null>",
            "MemoLoc":"<null>","Latitude":{lat},"Longitude":{lon},"LocConfid":"A","LocSource1":"Google Earth",
            "InfSource1":"USGS","OperateNam":"Op SA","OwnerName1":"Barrick Ltd. [80%]","OwnerName2":"Government [20%]",
            "OwnerName3":"<null>","OwnerName4":"<null>","ADM1":"Kayes","DsgAttr07":{cap}}},
            "geometry":{{"type":"Point","coordinates":[{lon},{lat},0.0]}}}}"#
        )
    }

    fn collection(features: &[String]) -> String {
        format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            features.join(",")
        )
    }

    #[test]
    fn facility_rows_make_one_site_with_products() {
        let data = collection(&[
            facility("MLI004", "Loulo", -11.39, 12.87, "Gold", 21.0),
            facility("MLI005", "Morila", -6.85, 11.67, "Gold", -999.0),
            facility("MLI004", "Loulo", -11.39, 12.87, "Silver", 2.0),
        ]);
        let out = read(data.as_bytes(), "fac.geojson").unwrap();
        assert_eq!(
            out.layout,
            "USGS Africa GeoJSON, layer AFR_Mineral_Facilities"
        );
        assert_eq!(out.rows_read, 3);
        assert_eq!(out.records.len(), 2);
        assert_eq!(out.flagged, 0);
        let loulo = &out.records[0];
        assert_eq!(loulo.site_id, "MLI004");
        assert_eq!(loulo.kind, SiteKind::Facility);
        assert_eq!(loulo.country_iso3.as_deref(), Some("MLI"));
        assert_eq!(loulo.commodities, vec!["gold", "silver"]);
        assert_eq!(loulo.products.len(), 2);
        assert_eq!(loulo.products[0].capacity, Some(21.0));
        assert_eq!(
            loulo.products[0].capacity_unit.as_deref(),
            Some("Kilograms")
        );
        assert_eq!(loulo.products[0].capacity_year, Some(2018));
        assert_eq!(loulo.products[0].form.as_deref(), Some("Gold"));
        assert_eq!(
            loulo.products[0].extra.get("DsgAttr01").map(String::as_str),
            Some("Metal")
        );
        assert_eq!(loulo.owners[0].owner, "Barrick Ltd.");
        assert_eq!(loulo.owners[0].share_pct, Some(80.0));
        assert_eq!(loulo.owners[1].owner, "Government");
        assert_eq!(loulo.operator.as_deref(), Some("Op SA"));
        assert_eq!(loulo.coord_precision.as_deref(), Some("A"));
        assert_eq!(loulo.admin1.as_deref(), Some("Kayes"));
        assert_eq!(
            loulo.extra.get("FeatureTyp").map(String::as_str),
            Some("Mines and Quarries")
        );
        assert!(!loulo.extra.contains_key("MemoLoc"), "<null> is missing");
        let morila = &out.records[1];
        assert_eq!(morila.products[0].capacity, None, "-999 = not available");
        assert_eq!(
            morila.products[0]
                .extra
                .get("DsgAttr07")
                .map(String::as_str),
            Some("-999")
        );
    }

    #[test]
    fn facility_rows_that_disagree_are_flagged_first_kept() {
        let data = collection(&[
            facility(
                "EGY049",
                "Helwan Steel Plant",
                31.3,
                29.8,
                "Iron and steel",
                1.0,
            ),
            facility("EGY049", "Plant at Helwan", 31.3, 29.8, "Cement", 2.0),
        ]);
        let out = read(data.as_bytes(), "fac.geojson").unwrap();
        assert_eq!(out.records.len(), 1);
        assert_eq!(out.flagged, 1);
        let s = &out.records[0];
        assert_eq!(s.name, "Helwan Steel Plant");
        assert!(s.extra[FLAGS_KEY].contains("Plant at Helwan"));
        assert_eq!(
            s.products[1].extra.get("FeatureNam").map(String::as_str),
            Some("Plant at Helwan")
        );
        assert_eq!(s.commodities, vec!["iron and steel", "cement"]);
    }

    #[test]
    fn bad_features_are_quarantined() {
        let no_geom = facility("MLI001", "A", 1.0, 1.0, "Gold", 1.0).replace(
            r#""geometry":{"type":"Point","coordinates":[1,1,0.0]}"#,
            r#""geometry":null"#,
        );
        let out_of_range = facility("MLI002", "B", 200.0, 1.0, "Gold", 1.0);
        let no_uid = facility("<null>", "C", 1.0, 1.0, "Gold", 1.0);
        let ok = facility("MLI003", "D", 1.0, 1.0, "Gold", 1.0);
        let data = collection(&[ok, no_geom, out_of_range, no_uid]);
        let out = read(data.as_bytes(), "fac.geojson").unwrap();
        assert_eq!(out.rows_read, 4);
        assert_eq!(out.records.len(), 1);
        let q = &out.quarantined;
        assert_eq!(q.len(), 3);
        assert_eq!((q[0].line, q[0].column.as_deref()), (2, Some("geometry")));
        assert!(q[0].reason.contains("Point geometry"));
        assert_eq!((q[1].line, q[1].column.as_deref()), (3, Some("geometry")));
        assert!(q[1].reason.contains("longitude in [-180, 180]"));
        assert_eq!((q[2].line, q[2].column.as_deref()), (4, Some("FeatureUID")));
        assert_eq!(q[2].value, "<null>");
        assert_eq!(q[2].file, "fac.geojson");
    }

    #[test]
    fn deposits_layer_and_coordinate_mismatch() {
        let data = collection(&[
            r#"{"type":"Feature","id":"0","properties":{"Latitude":-29.25,"Longitude":18.79,"Country":"South Africa",
            "InfSource1":"USGS PP1802","ADM1":"Northern Cape","NameVar":"Gamsberg","FeatureNam":"Aggeneys",
            "FeatureUID":"ZAd022","Label1":"ZAd22","DsgAttr01":"Barite","DsgAttr02":"Platinum-group elements (PGE)","DsgAttr03":null,
            "DsgAttr04":null,"DsgAttr05":null,"DsgAttr06":null,"DsgAttr07":null,"DsgAttr08":null,
            "DsgAttr09":"Bedded-sedimentary","DsgAttr10":24},
            "geometry":{"type":"Point","coordinates":[18.79,-29.2501,0.0]}}"#
                .to_string(),
        ]);
        let out = read(data.as_bytes(), "dep.geojson").unwrap();
        assert_eq!(
            out.layout,
            "USGS Africa GeoJSON, layer AFR_Mineral_Deposits"
        );
        assert_eq!(out.flagged, 1);
        let s = &out.records[0];
        assert_eq!(s.kind, SiteKind::Deposit);
        assert_eq!(s.lat, Some(-29.2501), "geometry wins, not fixed");
        assert_eq!(s.commodities, vec!["barite", "platinum-group elements"]);
        assert_eq!(
            s.extra.get("DsgAttr09").map(String::as_str),
            Some("Bedded-sedimentary")
        );
        assert_eq!(s.extra.get("DsgAttr10").map(String::as_str), Some("24"));
        assert_eq!(s.extra.get("NameVar").map(String::as_str), Some("Gamsberg"));
        assert!(s.extra[FLAGS_KEY].contains("differs from Latitude/Longitude"));
        assert_eq!(s.records[0].dataset, "usgs_deposits");
    }

    #[test]
    fn exploration_layer() {
        let data = collection(&[r#"{"type":"Feature","id":"5","properties":{"FeatureUID":"MLx016","FeatureNam":"Goulamina",
            "NameVar":null,"LocOpStat":"Feasibility Study","Country":"Mali","ADM1":"Sikasso","MemoLoc":null,
            "Latitude":11.3474,"Longitude":-7.959872,"OwnerName":"Birimian Ltd.","InfSource1":"WMED","Label1":"MLx16",
            "DsgAttr12":"P18088","DsgAttr11":2018,"DsgAttr09":null,"DsgAttr01":"Lithium","DsgAttr02":"Iron ore",
            "DsgAttr04":null,"DsgAttr05":null,"DsgAttr06":null,"DsgAttr07":null,"DsgAttr08":null,"DsgAttr10":null,"DsgAttr03":null},
            "geometry":{"type":"Point","coordinates":[-7.959871999951474,11.347400000272046,0.0]}}"#
            .to_string()]);
        let out = read(data.as_bytes(), "exp.geojson").unwrap();
        assert_eq!(
            out.layout,
            "USGS Africa GeoJSON, layer AFR_Mineral_Exploration"
        );
        assert_eq!(out.flagged, 0);
        let s = &out.records[0];
        assert_eq!(s.kind, SiteKind::Exploration);
        assert_eq!(
            s.commodities,
            vec!["lithium", "iron ore"],
            "source error kept"
        );
        assert_eq!(s.status.as_deref(), Some("Feasibility Study"));
        assert_eq!(s.owners[0].owner, "Birimian Ltd.");
        assert_eq!(s.owners[0].share_pct, None);
        assert_eq!(s.extra.get("DsgAttr12").map(String::as_str), Some("P18088"));
        assert_eq!(s.extra.get("feature_id").map(String::as_str), Some("5"));
    }

    #[test]
    fn unknown_layout_and_broken_json() {
        let data = collection(&[
            r#"{"type":"Feature","properties":{"name":"x"},"geometry":null}"#.to_string(),
        ]);
        match read(data.as_bytes(), "x.geojson") {
            Err(IngestError::UnknownLayout { detail, .. }) => assert!(detail.contains("name")),
            other => panic!("expected UnknownLayout, got {other:?}"),
        }
        assert!(matches!(
            read("{\"type\":".as_bytes(), "x.geojson"),
            Err(IngestError::Malformed { .. })
        ));
    }

    #[test]
    fn sniff_and_helpers() {
        let fac = collection(&[facility("MLI004", "Loulo", -11.39, 12.87, "Gold", 21.0)]);
        assert!(sniff(fac.as_bytes(), "f.geojson"));
        assert!(!sniff(
            br#"{"type":"FeatureCollection","features":[{"properties":{"adm1_code":"MLI-1"}}]}"#,
            "a.geojson"
        ));
        assert!(!sniff(b"site_id,site_name\n", "s.csv"));
        assert_eq!(normalise_commodity(" Lithium  (spodumene) "), "lithium");
        assert_eq!(usgs_country_iso3("Côte d'\u{92}Ivoire"), Some("CIV"));
        assert_eq!(usgs_country_iso3("Atlantis"), None);
        assert_eq!(
            parse_usgs_owner("Toguna Groupe [100%]").share_pct,
            Some(100.0)
        );
        assert_eq!(
            UsgsLayer::from_layer_name("AFR_Mineral_Exploration"),
            Some(UsgsLayer::Exploration)
        );
    }
}
