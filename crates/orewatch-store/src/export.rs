//! Exports: any serialisable table to (Geo)Parquet, written atomically, with the run's
//! parameters and provenance in the file's key-value metadata (`orewatch` key, JSON).
//!
//! Not part of the store: analyses use this to hand their result tables to other tools
//! (GeoPandas, DuckDB, QGIS read them like the store's own tables).

use std::fs::File;
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
    let tmp = path.with_extension("parquet.tmp");
    let file = File::create(&tmp).map_err(|e| format!("{}: {e}", tmp.display()))?;
    let mut writer = ArrowWriter::try_new(file, schema, Some(props))
        .map_err(|e| format!("{}: {e}", tmp.display()))?;
    writer
        .write(&batch)
        .map_err(|e| format!("{}: {e}", tmp.display()))?;
    let file = writer
        .into_inner()
        .map_err(|e| format!("{}: {e}", tmp.display()))?;
    file.sync_all()
        .map_err(|e| format!("{}: {e}", tmp.display()))?;
    std::fs::rename(&tmp, path)
        .map_err(|e| format!("moving {} to {}: {e}", tmp.display(), path.display()))
}
