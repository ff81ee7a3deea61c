//! One Parquet file per table: the canonical model <-> Arrow record batches.
//!
//! Columns follow the model's field names (see `orewatch_core::model`). Enums are written as
//! strings, dates as Date32, `extra` as a Parquet MAP<string, string>, lists as LIST. Nested
//! structures that are recursive (site ownership chains) are written as JSON text columns
//! (`owners_json`). The GeoParquet tables (events, sites, regions) add a WKB `geometry` column.

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use arrow::array::{ArrayRef, RecordBatch};
use arrow::datatypes::{DataType, Field, FieldRef, Schema};
use orewatch_core::model::{
    Event, EventFlag, EventSource, GovernanceRecord, Ownership, Region, Site, SiteKind,
    SiteProduct, SourceRecord, ViolenceType, WgiValues,
};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_arrow::schema::{SchemaLike, TracingOptions};

use crate::event_writer::EventRows;
use crate::files::{sha256_file, ROW_GROUP_ROWS};
use crate::geoparquet::{self, GEOMETRY_COLUMN};
use crate::manifest::TableEntry;

/// The tables of a store generation, in the order they are written.
pub const TABLE_NAMES: [&str; 7] = [
    "events",
    "sites",
    "regions",
    "actors",
    "production",
    "governance",
    "quarantine",
];

fn tracing_options() -> TracingOptions {
    TracingOptions::default()
        .strings_as_large_utf8(false)
        .sequence_as_large_list(false)
        .bytes_as_large_binary(false)
        .map_as_struct(false)
        .enums_without_data_as_strings(true)
        .allow_null_fields(true)
}

/// The Arrow fields of `T`, traced from the type.
pub(crate) fn fields_of<T: Serialize + DeserializeOwned>() -> Result<Vec<FieldRef>, String> {
    Vec::<FieldRef>::from_type::<T>(tracing_options())
        .map_err(|e| format!("cannot derive the table schema: {e}"))
}

/// Writes `items` (and an optional geometry column with its `geo` metadata) to `path`,
/// fsyncs the file, and returns its manifest entry.
pub(crate) fn write_table<T: Serialize>(
    path: &Path,
    fields: &[FieldRef],
    items: &[T],
    geometry: Option<(ArrayRef, String)>,
) -> Result<TableEntry, String> {
    let mut schema_fields: Vec<FieldRef> = fields.to_vec();
    let mut metadata = Vec::new();
    if let Some((_, geo)) = &geometry {
        schema_fields.push(Arc::new(Field::new(
            GEOMETRY_COLUMN,
            DataType::Binary,
            true,
        )));
        metadata.push(KeyValue::new("geo".to_string(), geo.clone()));
    }
    let schema = Arc::new(Schema::new(schema_fields));
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
        .set_key_value_metadata(Some(metadata))
        .set_created_by(format!("orewatch {}", env!("CARGO_PKG_VERSION")))
        .build();
    let file = File::create(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut writer = ArrowWriter::try_new(file, schema.clone(), Some(props))
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let mut start = 0;
    loop {
        let end = (start + ROW_GROUP_ROWS).min(items.len());
        let batch = serde_arrow::to_record_batch(fields, &&items[start..end])
            .map_err(|e| format!("{}: cannot convert rows: {e}", path.display()))?;
        let mut columns: Vec<ArrayRef> = batch.columns().to_vec();
        if let Some((geom, _)) = &geometry {
            columns.push(geom.slice(start, end - start));
        }
        let batch = RecordBatch::try_new(schema.clone(), columns)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        writer
            .write(&batch)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        start = end;
        if start >= items.len() {
            break;
        }
    }
    let file = writer
        .into_inner()
        .map_err(|e| format!("{}: {e}", path.display()))?;
    file.sync_all()
        .map_err(|e| format!("{}: {e}", path.display()))?;
    drop(file);
    Ok(TableEntry {
        file: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        rows: items.len() as u64,
        sha256: sha256_file(path)?,
        geoparquet: geometry.is_some(),
    })
}

/// Reads every row of a table; the geometry column (if any) is returned apart.
pub(crate) fn read_table<T: DeserializeOwned>(
    path: &Path,
) -> Result<(Vec<T>, Vec<ArrayRef>), String> {
    let file = File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .and_then(|b| b.build())
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let mut items = Vec::new();
    let mut geometry = Vec::new();
    for batch in reader {
        let batch = batch.map_err(|e| format!("{}: {e}", path.display()))?;
        let batch = match batch.schema().index_of(GEOMETRY_COLUMN) {
            Ok(i) => {
                geometry.push(batch.column(i).clone());
                let keep: Vec<usize> = (0..batch.num_columns()).filter(|c| *c != i).collect();
                batch
                    .project(&keep)
                    .map_err(|e| format!("{}: {e}", path.display()))?
            }
            Err(_) => batch,
        };
        let mut rows: Vec<T> = serde_arrow::from_record_batch(&batch)
            .map_err(|e| format!("{}: cannot read rows: {e}", path.display()))?;
        items.append(&mut rows);
    }
    Ok((items, geometry))
}

// ---- events ---------------------------------------------------------------------------------

/// The events schema. `chrono` dates cannot be traced from the type, so the schema is traced
/// from one fully populated sample event (every option set, every list and map non-empty, so
/// the schema never depends on the data), and the two date columns are then stored as Date32
/// (dates serialise as `YYYY-MM-DD` text, which Date32 columns accept).
pub(crate) fn event_fields() -> Result<Vec<FieldRef>, String> {
    let date = chrono::NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default();
    let text = || Some(String::from("x"));
    let sample = Event {
        source: EventSource::UcdpGed,
        event_id: "x".into(),
        release: text(),
        date_start: date,
        date_end: Some(date),
        date_precision: Some(1),
        country: "x".into(),
        admin1: text(),
        admin2: text(),
        lat: 0.0,
        lon: 0.0,
        location_precision: Some(1),
        violence_type: Some(ViolenceType::StateBased),
        event_type: text(),
        sub_event_type: text(),
        conflict_name: text(),
        side_a: "x".into(),
        side_b: text(),
        side_a_associates: vec!["x".into()],
        side_b_associates: vec!["x".into()],
        fatalities_low: Some(0),
        fatalities_best: 0,
        fatalities_high: Some(0),
        civilian_targeting: false,
        flags: vec![EventFlag::FatalityOrder],
        extra: [("x".to_string(), "x".to_string())].into_iter().collect(),
    };
    let fields = Vec::<FieldRef>::from_samples(&[sample], tracing_options())
        .map_err(|e| format!("cannot derive the events schema: {e}"))?;
    Ok(fields
        .into_iter()
        .map(|f| match f.name().as_str() {
            "date_start" => Arc::new(Field::new("date_start", DataType::Date32, false)),
            "date_end" => Arc::new(Field::new("date_end", DataType::Date32, true)),
            "release" | "date_precision" | "admin1" | "admin2" | "location_precision"
            | "violence_type" | "event_type" | "sub_event_type" | "conflict_name" | "side_b"
            | "fatalities_low" | "fatalities_high" => {
                Arc::new(f.as_ref().clone().with_nullable(true))
            }
            _ => f,
        })
        .collect())
}

/// Writes the events table (see `event_writer`).
pub(crate) fn write_events(path: &Path, events: EventRows<'_>) -> Result<TableEntry, String> {
    crate::event_writer::write_events(path, &event_fields()?, events)
}

// ---- sites ----------------------------------------------------------------------------------

/// The stored form of a [`Site`]: ownership (a recursive structure) as JSON text.
#[derive(Serialize, Deserialize)]
struct SiteRow {
    site_id: String,
    name: String,
    kind: SiteKind,
    country: Option<String>,
    country_iso3: Option<String>,
    admin1: Option<String>,
    lat: Option<f64>,
    lon: Option<f64>,
    coord_precision: Option<String>,
    commodities: Vec<String>,
    products: Vec<SiteProduct>,
    status: Option<String>,
    status_as_of: Option<i32>,
    operator: Option<String>,
    /// `[{"owner": …, "share_pct": …, "home_country": …, "held_by": [...]}, …]`
    owners_json: String,
    source_url: Option<String>,
    records: Vec<SourceRecord>,
    extra: std::collections::BTreeMap<String, String>,
}

impl SiteRow {
    fn from_site(s: &Site) -> Result<Self, String> {
        Ok(SiteRow {
            site_id: s.site_id.clone(),
            name: s.name.clone(),
            kind: s.kind,
            country: s.country.clone(),
            country_iso3: s.country_iso3.clone(),
            admin1: s.admin1.clone(),
            lat: s.lat,
            lon: s.lon,
            coord_precision: s.coord_precision.clone(),
            commodities: s.commodities.clone(),
            products: s.products.clone(),
            status: s.status.clone(),
            status_as_of: s.status_as_of,
            operator: s.operator.clone(),
            owners_json: serde_json::to_string(&s.owners).map_err(|e| e.to_string())?,
            source_url: s.source_url.clone(),
            records: s.records.clone(),
            extra: s.extra.clone(),
        })
    }

    fn into_site(self) -> Result<Site, String> {
        let owners: Vec<Ownership> = serde_json::from_str(&self.owners_json)
            .map_err(|e| format!("site {}: bad owners_json: {e}", self.site_id))?;
        Ok(Site {
            site_id: self.site_id,
            name: self.name,
            kind: self.kind,
            country: self.country,
            country_iso3: self.country_iso3,
            admin1: self.admin1,
            lat: self.lat,
            lon: self.lon,
            coord_precision: self.coord_precision,
            commodities: self.commodities,
            products: self.products,
            status: self.status,
            status_as_of: self.status_as_of,
            operator: self.operator,
            owners,
            source_url: self.source_url,
            records: self.records,
            extra: self.extra,
        })
    }
}

pub(crate) fn write_sites(path: &Path, sites: &[Site]) -> Result<TableEntry, String> {
    let rows: Vec<SiteRow> = sites
        .iter()
        .map(SiteRow::from_site)
        .collect::<Result<_, _>>()?;
    let fields = fields_of::<SiteRow>()?;
    let geometry = geoparquet::point_column(sites.iter().map(|s| match (s.lon, s.lat) {
        (Some(lon), Some(lat)) => Some((lon, lat)),
        _ => None,
    }))?;
    write_table(path, &fields, &rows, Some(geometry))
}

pub(crate) fn read_sites(path: &Path) -> Result<Vec<Site>, String> {
    let (rows, _) = read_table::<SiteRow>(path)?;
    rows.into_iter().map(SiteRow::into_site).collect()
}

// ---- regions --------------------------------------------------------------------------------

pub(crate) fn write_regions(path: &Path, regions: &[Region]) -> Result<TableEntry, String> {
    let fields = fields_of::<Region>()?;
    let geometry = geoparquet::polygon_column(regions.iter().map(|r| &r.geometry))?;
    write_table(path, &fields, regions, Some(geometry))
}

pub(crate) fn read_regions(path: &Path) -> Result<Vec<Region>, String> {
    let (mut regions, geometry) = read_table::<Region>(path)?;
    let mut shapes = Vec::with_capacity(regions.len());
    for column in geometry {
        shapes.extend(geoparquet::read_polygons(column.as_ref())?);
    }
    if shapes.len() != regions.len() {
        return Err(format!(
            "{}: {} regions but {} geometries",
            path.display(),
            regions.len(),
            shapes.len()
        ));
    }
    for (r, g) in regions.iter_mut().zip(shapes) {
        r.geometry = g;
    }
    Ok(regions)
}

// ---- governance -----------------------------------------------------------------------------

/// The stored form of a [`GovernanceRecord`]: one flat column per indicator and measure
/// (`va_est`, `va_se`, `va_nsource`, `va_pctrank`, `va_pctrank_lower`, `va_pctrank_upper`, …),
/// as in the World Bank's own files.
fn governance_fields() -> Result<Vec<FieldRef>, String> {
    let mut f = vec![
        Field::new("country", DataType::Utf8, false),
        Field::new("iso3", DataType::Utf8, false),
        Field::new("wgi_code", DataType::Utf8, false),
        Field::new("year", DataType::Int32, false),
    ];
    for ind in orewatch_core::model::WGI_INDICATORS {
        let c = ind.code();
        f.push(Field::new(format!("{c}_est"), DataType::Float64, true));
        f.push(Field::new(format!("{c}_se"), DataType::Float64, true));
        f.push(Field::new(format!("{c}_nsource"), DataType::UInt32, true));
        f.push(Field::new(format!("{c}_pctrank"), DataType::Float64, true));
        f.push(Field::new(
            format!("{c}_pctrank_lower"),
            DataType::Float64,
            true,
        ));
        f.push(Field::new(
            format!("{c}_pctrank_upper"),
            DataType::Float64,
            true,
        ));
    }
    let mut fields: Vec<FieldRef> = f.into_iter().map(Arc::new).collect();
    fields.extend(fields_of::<GovernanceTail>()?);
    Ok(fields)
}

/// The non-indicator columns of a governance row, traced like every other table.
#[derive(Serialize, Deserialize)]
struct GovernanceTail {
    flags: Vec<String>,
    extra: std::collections::BTreeMap<String, String>,
}

fn governance_row(r: &GovernanceRecord) -> serde_json::Value {
    let mut m = serde_json::Map::new();
    m.insert("country".into(), r.country.clone().into());
    m.insert("iso3".into(), r.iso3.clone().into());
    m.insert("wgi_code".into(), r.wgi_code.clone().into());
    m.insert("year".into(), r.year.into());
    for (ind, v) in orewatch_core::model::WGI_INDICATORS
        .iter()
        .zip(r.indicators.iter())
    {
        let c = ind.code();
        m.insert(format!("{c}_est"), v.estimate.into());
        m.insert(format!("{c}_se"), v.std_error.into());
        m.insert(format!("{c}_nsource"), v.n_sources.into());
        m.insert(format!("{c}_pctrank"), v.pct_rank.into());
        m.insert(format!("{c}_pctrank_lower"), v.pct_rank_lower.into());
        m.insert(format!("{c}_pctrank_upper"), v.pct_rank_upper.into());
    }
    m.insert("flags".into(), serde_json::json!(r.flags));
    m.insert("extra".into(), serde_json::json!(r.extra));
    serde_json::Value::Object(m)
}

pub(crate) fn governance_from_row(
    m: &serde_json::Map<String, serde_json::Value>,
) -> Result<GovernanceRecord, String> {
    let text = |k: &str| -> Result<String, String> {
        m.get(k)
            .and_then(|v| v.as_str())
            .map(str::to_string)
            .ok_or_else(|| format!("governance row without {k}"))
    };
    let num = |k: String| m.get(&k).and_then(|v| v.as_f64());
    let mut indicators = [WgiValues::default(); 6];
    for (ind, v) in orewatch_core::model::WGI_INDICATORS
        .iter()
        .zip(indicators.iter_mut())
    {
        let c = ind.code();
        v.estimate = num(format!("{c}_est"));
        v.std_error = num(format!("{c}_se"));
        v.n_sources = num(format!("{c}_nsource")).map(|x| x as u32);
        v.pct_rank = num(format!("{c}_pctrank"));
        v.pct_rank_lower = num(format!("{c}_pctrank_lower"));
        v.pct_rank_upper = num(format!("{c}_pctrank_upper"));
    }
    Ok(GovernanceRecord {
        country: text("country")?,
        iso3: text("iso3")?,
        wgi_code: text("wgi_code")?,
        year: m
            .get("year")
            .and_then(|v| v.as_i64())
            .ok_or("governance row without year")? as i32,
        indicators,
        flags: m
            .get("flags")
            .map(|v| serde_json::from_value(v.clone()))
            .transpose()
            .map_err(|e| format!("governance flags: {e}"))?
            .unwrap_or_default(),
        extra: m
            .get("extra")
            .map(|v| serde_json::from_value(v.clone()))
            .transpose()
            .map_err(|e| format!("governance extra: {e}"))?
            .unwrap_or_default(),
    })
}

pub(crate) fn write_governance(
    path: &Path,
    records: &[GovernanceRecord],
) -> Result<TableEntry, String> {
    let rows: Vec<serde_json::Value> = records.iter().map(governance_row).collect();
    write_table(path, &governance_fields()?, &rows, None)
}

pub(crate) fn read_governance(path: &Path) -> Result<Vec<GovernanceRecord>, String> {
    let (rows, _) = read_table::<serde_json::Map<String, serde_json::Value>>(path)?;
    rows.iter().map(governance_from_row).collect()
}
