//! Exports: any serialisable table to (Geo)Parquet, written atomically, with the run's
//! parameters and provenance in the file's key-value metadata (`orewatch` key, JSON).
//!
//! Not part of the store: analyses use this to hand their result tables to other tools
//! (GeoPandas, DuckDB, QGIS read them like the store's own tables).

use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use arrow::array::{ArrayRef, RecordBatch};
use arrow::datatypes::{DataType, Field, FieldRef, Schema};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;
use serde::{Deserialize, Serialize};
use serde_arrow::schema::{SchemaLike, TracingOptions};

use crate::geoparquet::{point_column, GEOMETRY_COLUMN};

/// Writes `rows` to `path` as Parquet; with `points` (one optional lon/lat per row) as
/// GeoParquet 1.0 with a WKB `geometry` column. `metadata_json` goes under the `orewatch` key.
/// The file is written next to `path` under a temporary name and renamed into place.
pub fn write_parquet_export<T: Serialize + for<'de> Deserialize<'de>>(
    path: &Path,
    rows: &[T],
    points: Option<&[Option<(f64, f64)>]>,
    metadata_json: &str,
) -> Result<(), String> {
    let bytes = parquet_bytes(rows, points, metadata_json)?;
    let tmp = path.with_extension("parquet.tmp");
    let at = |e: std::io::Error| format!("{}: {e}", tmp.display());
    let mut file = File::create(&tmp).map_err(at)?;
    file.write_all(&bytes).map_err(at)?;
    file.sync_all().map_err(at)?;
    std::fs::rename(&tmp, path)
        .map_err(|e| format!("moving {} to {}: {e}", tmp.display(), path.display()))
}

/// The bytes of the Parquet file [`write_parquet_export`] writes (for a server's response).
pub fn parquet_bytes<T: Serialize + for<'de> Deserialize<'de>>(
    rows: &[T],
    points: Option<&[Option<(f64, f64)>]>,
    metadata_json: &str,
) -> Result<Vec<u8>, String> {
    let options = TracingOptions::default()
        .strings_as_large_utf8(false)
        .sequence_as_large_list(false)
        .allow_null_fields(true)
        .enums_without_data_as_strings(true);
    let fields: Vec<FieldRef> = if rows.is_empty() {
        Vec::<FieldRef>::from_type::<T>(options)
    } else {
        Vec::<FieldRef>::from_samples(rows, options)
    }
    .map_err(|e| format!("cannot derive the export schema: {e}"))?;
    let batch = serde_arrow::to_record_batch(&fields, &rows)
        .map_err(|e| format!("cannot convert the export rows: {e}"))?;
    let mut schema_fields = fields.clone();
    let mut columns: Vec<ArrayRef> = batch.columns().to_vec();
    let mut metadata = vec![KeyValue::new(
        "orewatch".to_string(),
        metadata_json.to_string(),
    )];
    if let Some(points) = points {
        let (column, geo) = point_column(points.iter().copied())?;
        schema_fields.push(Arc::new(Field::new(
            GEOMETRY_COLUMN,
            DataType::Binary,
            true,
        )));
        columns.push(column);
        metadata.push(KeyValue::new("geo".to_string(), geo));
    }
    let schema = Arc::new(Schema::new(schema_fields));
    let batch = RecordBatch::try_new(schema.clone(), columns).map_err(|e| e.to_string())?;
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_key_value_metadata(Some(metadata))
        .set_created_by(format!("orewatch {}", env!("CARGO_PKG_VERSION")))
        .build();
    let mut writer =
        ArrowWriter::try_new(Vec::new(), schema, Some(props)).map_err(|e| e.to_string())?;
    writer.write(&batch).map_err(|e| e.to_string())?;
    writer.into_inner().map_err(|e| e.to_string())
}

/// Forecast draws in long format, one row per unit, month and draw.
pub struct SampleColumns<'a> {
    /// Name of the unit column: `priogrid_gid` for cells, `country_index` (position in the
    /// metadata's country list) for countries.
    pub unit_column: &'a str,
    pub unit: Vec<u32>,
    /// The months' labels (`YYYY-MM`), indexed by `month`.
    pub month_labels: Vec<String>,
    /// Index into `month_labels`, per row.
    pub month: Vec<u16>,
    pub draw: Vec<u32>,
    pub fatalities: Vec<f64>,
}

/// Writes forecast draws (`unit, month, draw, fatalities`) to Parquet atomically, in row
/// groups of 1,048,576 rows, with `metadata_json` under the `orewatch` key.
pub fn write_samples_parquet(
    path: &Path,
    columns: &SampleColumns<'_>,
    metadata_json: &str,
) -> Result<(), String> {
    use arrow::array::{Float64Array, StringArray, UInt32Array};
    let n = columns.unit.len();
    if columns.month.len() != n || columns.draw.len() != n || columns.fatalities.len() != n {
        return Err("sample columns of different lengths".into());
    }
    if columns
        .month
        .iter()
        .any(|&i| i as usize >= columns.month_labels.len())
    {
        return Err("a sample row's month index has no label".into());
    }
    let schema = Arc::new(Schema::new(vec![
        Field::new(columns.unit_column, DataType::UInt32, false),
        Field::new("month", DataType::Utf8, false),
        Field::new("draw", DataType::UInt32, false),
        Field::new("fatalities", DataType::Float64, false),
    ]));
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_key_value_metadata(Some(vec![KeyValue::new(
            "orewatch".to_string(),
            metadata_json.to_string(),
        )]))
        .set_created_by(format!("orewatch {}", env!("CARGO_PKG_VERSION")))
        .build();
    let tmp = path.with_extension("parquet.tmp");
    let err = |e: &dyn std::fmt::Display| format!("{}: {e}", tmp.display());
    let file = File::create(&tmp).map_err(|e| err(&e))?;
    let mut writer =
        ArrowWriter::try_new(file, schema.clone(), Some(props)).map_err(|e| err(&e))?;
    const GROUP: usize = 1 << 20;
    let mut start = 0;
    while start < n.max(1) {
        let end = (start + GROUP).min(n);
        let batch = RecordBatch::try_new(
            schema.clone(),
            vec![
                Arc::new(UInt32Array::from(columns.unit[start..end].to_vec())) as ArrayRef,
                Arc::new(StringArray::from_iter_values(
                    columns.month[start..end]
                        .iter()
                        .map(|&i| columns.month_labels[i as usize].as_str()),
                )),
                Arc::new(UInt32Array::from(columns.draw[start..end].to_vec())),
                Arc::new(Float64Array::from(columns.fatalities[start..end].to_vec())),
            ],
        )
        .map_err(|e| err(&e))?;
        writer.write(&batch).map_err(|e| err(&e))?;
        writer.flush().map_err(|e| err(&e))?;
        if n == 0 {
            break;
        }
        start = end;
    }
    let file = writer.into_inner().map_err(|e| err(&e))?;
    file.sync_all().map_err(|e| err(&e))?;
    std::fs::rename(&tmp, path)
        .map_err(|e| format!("moving {} to {}: {e}", tmp.display(), path.display()))
}
