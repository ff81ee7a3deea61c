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

/// Forecast draws in long format (`unit, month, draw, fatalities`), written to Parquet as a
/// stream: one month's rows at a time, never the whole file in memory; the file appears under
/// its name only when [`SampleWriter::finish`] succeeds (a temporary file is renamed into
/// place; dropped unfinished, the temporary file is removed).
pub struct SampleWriter {
    writer: Option<ArrowWriter<File>>,
    schema: Arc<Schema>,
    tmp: std::path::PathBuf,
    path: std::path::PathBuf,
}

/// Rows per Parquet row group (and per Arrow batch) of a samples file.
const SAMPLE_GROUP_ROWS: usize = 1 << 20;

impl SampleWriter {
    /// `unit_column`: `priogrid_gid` for cells, `country_index` (position in the metadata's
    /// country list) for countries. `metadata_json` goes under the `orewatch` key.
    pub fn create(path: &Path, unit_column: &str, metadata_json: &str) -> Result<Self, String> {
        let schema = Arc::new(Schema::new(vec![
            Field::new(unit_column, DataType::UInt32, false),
            Field::new("month", DataType::Utf8, false),
            Field::new("draw", DataType::UInt32, false),
            Field::new("fatalities", DataType::Float64, false),
        ]));
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_max_row_group_row_count(Some(SAMPLE_GROUP_ROWS))
            .set_key_value_metadata(Some(vec![KeyValue::new(
                "orewatch".to_string(),
                metadata_json.to_string(),
            )]))
            .set_created_by(format!("orewatch {}", env!("CARGO_PKG_VERSION")))
            .build();
        let tmp = path.with_extension("parquet.tmp");
        let file = File::create(&tmp).map_err(|e| format!("{}: {e}", tmp.display()))?;
        let writer = ArrowWriter::try_new(file, schema.clone(), Some(props))
            .map_err(|e| format!("{}: {e}", tmp.display()))?;
        Ok(SampleWriter {
            writer: Some(writer),
            schema,
            tmp,
            path: path.to_path_buf(),
        })
    }

    /// The rows of one month (`YYYY-MM`): for each unit, `samples` draws numbered 0 ..
    /// `samples`. A unit's `draws` hold either all `samples` values or ONE value standing for
    /// `samples` equal draws.
    pub fn write_month(
        &mut self,
        month: &str,
        units: &[u32],
        draws: &[Vec<f64>],
        samples: usize,
    ) -> Result<(), String> {
        use arrow::array::{Float64Array, StringArray, UInt32Array};
        if units.len() != draws.len() {
            return Err("sample units and draws of different lengths".into());
        }
        if let Some(bad) = draws.iter().find(|d| d.len() != 1 && d.len() != samples) {
            return Err(format!(
                "a unit has {} draws, expected {samples} (or 1 standing for all)",
                bad.len()
            ));
        }
        let tmp = self.tmp.clone();
        let err = |e: &dyn std::fmt::Display| format!("{}: {e}", tmp.display());
        let writer = self.writer.as_mut().ok_or("the samples file is closed")?;
        let units_per_batch = (SAMPLE_GROUP_ROWS / samples.max(1)).max(1);
        for (unit_chunk, draw_chunk) in units
            .chunks(units_per_batch)
            .zip(draws.chunks(units_per_batch))
        {
            let n = unit_chunk.len() * samples;
            let mut unit = Vec::with_capacity(n);
            let mut draw = Vec::with_capacity(n);
            let mut fatalities = Vec::with_capacity(n);
            for (&u, d) in unit_chunk.iter().zip(draw_chunk) {
                unit.extend(std::iter::repeat_n(u, samples));
                draw.extend(0..samples as u32);
                if d.len() == 1 {
                    fatalities.extend(std::iter::repeat_n(d[0], samples));
                } else {
                    fatalities.extend_from_slice(d);
                }
            }
            let batch = RecordBatch::try_new(
                self.schema.clone(),
                vec![
                    Arc::new(UInt32Array::from(unit)) as ArrayRef,
                    Arc::new(StringArray::from_iter_values(std::iter::repeat_n(month, n))),
                    Arc::new(UInt32Array::from(draw)),
                    Arc::new(Float64Array::from(fatalities)),
                ],
            )
            .map_err(|e| err(&e))?;
            writer.write(&batch).map_err(|e| err(&e))?;
        }
        Ok(())
    }

    /// Closes the file, syncs it and moves it into place.
    pub fn finish(mut self) -> Result<(), String> {
        let writer = self.writer.take().ok_or("the samples file is closed")?;
        let err = |e: &dyn std::fmt::Display| format!("{}: {e}", self.tmp.display());
        let file = writer.into_inner().map_err(|e| err(&e))?;
        file.sync_all().map_err(|e| err(&e))?;
        std::fs::rename(&self.tmp, &self.path).map_err(|e| {
            format!(
                "moving {} to {}: {e}",
                self.tmp.display(),
                self.path.display()
            )
        })
    }
}

impl Drop for SampleWriter {
    fn drop(&mut self) {
        if self.writer.take().is_some() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}
