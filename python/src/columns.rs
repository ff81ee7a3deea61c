//! Arrow hand-over: reading a producer's `__arrow_c_stream__` into record batches, typed
//! columns out of them (with the row and value of anything that does not fit), and a result
//! handed back as an Arrow C stream capsule.

use arrow::array::{
    Array, ArrayRef, AsArray, Date32Array, RecordBatch, RecordBatchIterator, StructArray,
    UInt32Array,
};
use arrow::compute::{cast_with_options, concat, CastOptions};
use arrow::datatypes::{DataType, SchemaRef};
use arrow::ffi_stream::{FFI_ArrowArrayStream, RecordBatchStreamReader};
use arrow::util::display::{ArrayFormatter, FormatOptions};
use chrono::NaiveDate;
use pyo3::prelude::*;
use pyo3::types::PyCapsule;

use crate::{error, message};

const STREAM: &std::ffi::CStr = c"arrow_array_stream";

/// Reads every batch of an object's Arrow C stream (its buffers are shared, not copied).
pub fn read_stream(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<(SchemaRef, Vec<RecordBatch>)> {
    if !obj.hasattr("__arrow_c_stream__")? {
        return Err(pyo3::exceptions::PyTypeError::new_err(format!(
            "{what}: expected a table with the Arrow PyCapsule interface (__arrow_c_stream__): \
             a pyarrow Table, a pandas or GeoPandas DataFrame, a polars DataFrame, a DuckDB \
             result; got {}",
            obj.get_type().name()?
        )));
    }
    let capsule = obj.call_method0("__arrow_c_stream__")?;
    let capsule = capsule.cast::<PyCapsule>()?;
    let ptr = capsule.pointer_checked(Some(STREAM))?;
    // SAFETY: a capsule named "arrow_array_stream" holds an FFI_ArrowArrayStream (the Arrow
    // PyCapsule interface); from_raw moves it out and marks the capsule's copy released.
    let reader = unsafe { RecordBatchStreamReader::from_raw(ptr.as_ptr().cast()) }
        .map_err(|e| message(format!("{what}: cannot read its Arrow stream: {e}")))?;
    let schema = arrow::array::RecordBatchReader::schema(&reader);
    let batches = reader
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| message(format!("{what}: reading its Arrow stream failed: {e}")))?;
    Ok((schema, batches))
}

/// Hands a batch back as an Arrow C stream capsule.
pub fn export_stream<'py>(py: Python<'py>, batch: RecordBatch) -> PyResult<Bound<'py, PyAny>> {
    let schema = batch.schema();
    let reader = RecordBatchIterator::new(vec![Ok(batch)], schema);
    let stream = FFI_ArrowArrayStream::new(Box::new(reader));
    Ok(PyCapsule::new_with_value(py, stream, STREAM)?.into_any())
}

/// One user table: its batches and its name for messages (`events`, `sites`).
pub struct Table {
    what: &'static str,
    schema: SchemaRef,
    batches: Vec<RecordBatch>,
}

impl Table {
    pub fn new(what: &'static str, (schema, batches): (SchemaRef, Vec<RecordBatch>)) -> Table {
        Table {
            what,
            schema,
            batches,
        }
    }

    pub fn rows(&self) -> usize {
        self.batches.iter().map(RecordBatch::num_rows).sum()
    }

    pub fn has(&self, name: &str) -> bool {
        self.schema.column_with_name(name).is_some()
    }

    /// A whole column (its batches concatenated).
    pub fn column(&self, name: &str) -> PyResult<ArrayRef> {
        let Some((i, field)) = self.schema.column_with_name(name) else {
            let names: Vec<&str> = self
                .schema
                .fields()
                .iter()
                .map(|f| f.name().as_str())
                .collect();
            return Err(message(format!(
                "{}: no column {name:?} (columns: {}); name yours with the keyword of that column",
                self.what,
                names.join(", ")
            )));
        };
        if self.batches.is_empty() {
            return Ok(arrow::array::new_empty_array(field.data_type()));
        }
        let parts: Vec<&dyn Array> = self.batches.iter().map(|b| b.column(i).as_ref()).collect();
        concat(&parts).map_err(|e| error(&e))
    }

    /// A column cast to `to`; a null or a value that does not convert is an error naming its
    /// row and value.
    fn typed(&self, name: &str, to: &DataType, expected: &str) -> PyResult<ArrayRef> {
        let col = self.column(name)?;
        self.cast(&col, name, to, expected)
    }

    fn cast(
        &self,
        col: &ArrayRef,
        name: &str,
        to: &DataType,
        expected: &str,
    ) -> PyResult<ArrayRef> {
        let options = CastOptions {
            safe: true,
            ..CastOptions::default()
        };
        let out = cast_with_options(col, to, &options).map_err(|e| {
            message(format!(
                "{}: column {name:?} of type {} cannot be read as {expected}: {e}",
                self.what,
                col.data_type()
            ))
        })?;
        if out.null_count() > 0 {
            let row = (0..out.len()).find(|&i| out.is_null(i)).unwrap_or(0);
            let text = if col.is_null(row) {
                "is empty".to_string()
            } else {
                let f = ArrayFormatter::try_new(col.as_ref(), &FormatOptions::default())
                    .map_err(|e| error(&e))?;
                format!("{:?} is not {expected}", f.value(row).to_string())
            };
            return Err(message(format!(
                "{} row {row}: column {name:?} {text}; fix or drop the row",
                self.what
            )));
        }
        Ok(out)
    }

    fn floats(&self, col: &ArrayRef, name: &str) -> PyResult<Vec<f64>> {
        let a = self.cast(col, name, &DataType::Float64, "a number of degrees")?;
        Ok(a.as_primitive::<arrow::datatypes::Float64Type>()
            .values()
            .to_vec())
    }

    /// Latitude and longitude: the named columns, or else the x/y of a GeoArrow point column
    /// (`geometry`, struct of x and y, as GeoPandas' `to_arrow(geometry_encoding="geoarrow")`).
    pub fn coordinates(
        &self,
        lat: &str,
        lon: &str,
        geometry: &str,
    ) -> PyResult<(Vec<f64>, Vec<f64>)> {
        if !self.has(lat) && !self.has(lon) && self.has(geometry) {
            let (x, y) = self.points(geometry)?;
            return Ok((self.floats(&y, geometry)?, self.floats(&x, geometry)?));
        }
        let la = self.column(lat)?;
        let lo = self.column(lon)?;
        Ok((self.floats(&la, lat)?, self.floats(&lo, lon)?))
    }

    /// As [`Table::coordinates`], a row with both coordinates empty given as NaN (a site
    /// without coordinates: not assessed).
    pub fn coordinates_or_nan(
        &self,
        lat: &str,
        lon: &str,
        geometry: &str,
    ) -> PyResult<(Vec<f64>, Vec<f64>)> {
        let (la, lo) = if !self.has(lat) && !self.has(lon) && self.has(geometry) {
            let (x, y) = self.points(geometry)?;
            (y, x)
        } else {
            (self.column(lat)?, self.column(lon)?)
        };
        let keep: Vec<bool> = (0..la.len())
            .map(|i| !(la.is_null(i) && lo.is_null(i)))
            .collect();
        let fill = |a: &ArrayRef, name: &str| -> PyResult<Vec<f64>> {
            let f = cast_with_options(a, &DataType::Float64, &CastOptions::default())
                .map_err(|e| error(&e))?;
            let f = f.as_primitive::<arrow::datatypes::Float64Type>();
            let mut out = Vec::with_capacity(a.len());
            for (i, &k) in keep.iter().enumerate() {
                if !k {
                    out.push(f64::NAN);
                } else if f.is_null(i) {
                    let why = if a.is_null(i) {
                        "is empty while the other coordinate is not"
                    } else {
                        "is not a number of degrees"
                    };
                    return Err(message(format!(
                        "{} row {i}: column {name:?} {why}; fix or drop the row",
                        self.what
                    )));
                } else {
                    out.push(f.value(i));
                }
            }
            Ok(out)
        };
        Ok((fill(&la, lat)?, fill(&lo, lon)?))
    }

    fn points(&self, geometry: &str) -> PyResult<(ArrayRef, ArrayRef)> {
        let col = self.column(geometry)?;
        let Some(s) = col.as_any().downcast_ref::<StructArray>() else {
            return Err(message(format!(
                "{}: column {geometry:?} is {}, not GeoArrow points (a struct of x and y); \
                 pass a GeoDataFrame (converted with to_arrow(geometry_encoding=\"geoarrow\")) \
                 or latitude/longitude columns",
                self.what,
                col.data_type()
            )));
        };
        match (s.column_by_name("x"), s.column_by_name("y")) {
            (Some(x), Some(y)) => {
                // A null point: its coordinates are null too.
                let mask = |a: &ArrayRef| -> PyResult<ArrayRef> {
                    match s.nulls() {
                        None => Ok(a.clone()),
                        Some(n) => {
                            let data = a.to_data().into_builder().nulls(Some(n.clone()));
                            Ok(arrow::array::make_array(
                                data.build().map_err(|e| error(&e))?,
                            ))
                        }
                    }
                };
                Ok((mask(x)?, mask(y)?))
            }
            _ => Err(message(format!(
                "{}: column {geometry:?} holds no x and y fields (only points are read)",
                self.what
            ))),
        }
    }

    /// Dates from a date, timestamp or `YYYY-MM-DD` text column.
    pub fn dates(&self, name: &str) -> PyResult<Vec<NaiveDate>> {
        let a = self.typed(name, &DataType::Date32, "a date (YYYY-MM-DD)")?;
        let a = a
            .as_any()
            .downcast_ref::<Date32Array>()
            .expect("cast to Date32");
        // 1970-01-01 is day 719,163 counted from 0001-01-01 (day 1).
        a.values()
            .iter()
            .enumerate()
            .map(|(row, &d)| {
                d.checked_add(719_163)
                    .and_then(NaiveDate::from_num_days_from_ce_opt)
                    .ok_or_else(|| {
                        message(format!(
                            "{} row {row}: column {name:?} holds a date out of range",
                            self.what
                        ))
                    })
            })
            .collect()
    }

    /// Non-negative whole numbers (deaths per event).
    pub fn counts(&self, name: &str) -> PyResult<Vec<u32>> {
        let col = self.column(name)?;
        // Floats (pandas' integers with gaps) must hold whole numbers.
        if matches!(
            col.data_type(),
            DataType::Float16 | DataType::Float32 | DataType::Float64
        ) {
            let f = self.floats(&col, name)?;
            if let Some(row) = f
                .iter()
                .position(|x| x.fract() != 0.0 || *x < 0.0 || *x > u32::MAX as f64)
            {
                return Err(message(format!(
                    "{} row {row}: column {name:?} value {} is not a non-negative whole number; fix or drop the row",
                    self.what, f[row]
                )));
            }
            return Ok(f.iter().map(|&x| x as u32).collect());
        }
        let a = self.cast(&col, name, &DataType::UInt32, "a non-negative whole number")?;
        Ok(a.as_any()
            .downcast_ref::<UInt32Array>()
            .expect("cast to UInt32")
            .values()
            .to_vec())
    }

    pub fn counts_if_present(&self, name: &str) -> PyResult<Option<Vec<u32>>> {
        if self.has(name) {
            self.counts(name).map(Some)
        } else {
            Ok(None)
        }
    }
}
