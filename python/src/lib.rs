//! `orewatch._orewatch`: the native half of the Python package.
//!
//! What it answers: nothing of its own. Each function hands a request to the assessment of its
//! question in `orewatch-core` and gives the result back — as an Arrow C stream (PyCapsule)
//! for the user-data exposure counts, as JSON text (the assessment's serde form, provenance
//! included) for the store questions. The Python half (`python/orewatch/`) turns both into
//! pandas DataFrames or Arrow tables.
//!
//! Inputs arrive through the Arrow PyCapsule interface (`__arrow_c_stream__`): the columns
//! are read from the producer's buffers, never row by row through Python objects. Long work
//! runs with the GIL released. Errors raise `orewatch.OrewatchError` with the message chain
//! the CLI prints.

mod columns;
mod store;

use std::time::Instant;

use arrow::array::{ArrayRef, Float64Array, RecordBatch, UInt32Array, UInt64Array};
use arrow::datatypes::{DataType, Field, Schema};
use chrono::NaiveDate;
use orewatch_core::analysis::exposure::{count_near_sites, CountParams, EventColumns, SiteColumns};
use pyo3::prelude::*;
use std::sync::Arc;

use columns::{export_stream, read_stream, Table};

pyo3::create_exception!(
    _orewatch,
    OrewatchError,
    pyo3::exceptions::PyException,
    "An orewatch error: bad input, a missing file, an empty store. The message names the \
     file, row or parameter and what was expected."
);

/// The message of an error and of every error behind it, as the CLI prints them.
pub(crate) fn error(e: &dyn std::error::Error) -> PyErr {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    OrewatchError::new_err(text)
}

pub(crate) fn message(text: impl Into<String>) -> PyErr {
    OrewatchError::new_err(text.into())
}

/// Column names of the user's tables.
#[derive(FromPyObject)]
#[pyo3(from_item_all)]
struct Names {
    lat: String,
    lon: String,
    date: String,
    deaths: Option<String>,
    id: String,
    geometry: String,
}

/// Events and deaths within each radius of each site: `orewatch.exposure` on the user's own
/// tables. Returns (Arrow C stream capsule of the rows, parameters as JSON, timings as JSON:
/// seconds for the hand-over and for the count itself).
#[pyfunction]
#[pyo3(signature = (events, sites, names, radii_km, window_days, as_of))]
fn count_exposure<'py>(
    py: Python<'py>,
    events: &Bound<'py, PyAny>,
    sites: &Bound<'py, PyAny>,
    names: Names,
    radii_km: Vec<f64>,
    window_days: Option<u32>,
    as_of: Option<String>,
) -> PyResult<(Bound<'py, PyAny>, String, String)> {
    let started = Instant::now();
    let as_of = as_of
        .map(|t| {
            NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d").map_err(|_| {
                message(format!(
                    "as_of {t:?}: expected a date as YYYY-MM-DD (or a datetime.date)"
                ))
            })
        })
        .transpose()?;
    let ev = Table::new("events", read_stream(events, "events")?);
    let st = Table::new("sites", read_stream(sites, "sites")?);
    let handed_over = started.elapsed().as_secs_f64();
    let (result, convert, count) = py.detach(|| -> PyResult<_> {
        let t0 = Instant::now();
        let (ev_lat, ev_lon) = ev.coordinates(&names.lat, &names.lon, &names.geometry)?;
        let ev_date = ev.dates(&names.date)?;
        let deaths = match &names.deaths {
            Some(name) => Some(ev.counts(name)?),
            None => ev.counts_if_present("deaths")?,
        };
        let (st_lat, st_lon) = st.coordinates_or_nan(&names.lat, &names.lon, &names.geometry)?;
        let convert = t0.elapsed().as_secs_f64();
        let t1 = Instant::now();
        let result = count_near_sites(
            SiteColumns {
                lat: &st_lat,
                lon: &st_lon,
            },
            EventColumns {
                lat: &ev_lat,
                lon: &ev_lon,
                date: &ev_date,
                deaths: deaths.as_deref(),
            },
            CountParams {
                radii_km,
                window_days,
                as_of,
            },
        )
        .map_err(|e| error(&e))?;
        Ok((result, convert, t1.elapsed().as_secs_f64()))
    })?;
    let t2 = Instant::now();
    let ids = st.column(&names.id)?;
    let rows = &result.rows;
    let take = UInt32Array::from_iter_values(rows.iter().map(|r| r.site as u32));
    let id = arrow::compute::take(&ids, &take, None).map_err(|e| error(&e))?;
    let columns: Vec<ArrayRef> = vec![
        id.clone(),
        Arc::new(Float64Array::from_iter_values(
            rows.iter().map(|r| r.radius_km),
        )),
        Arc::new(UInt64Array::from_iter(rows.iter().map(|r| r.events))),
        Arc::new(UInt64Array::from_iter(rows.iter().map(|r| r.deaths))),
    ];
    let schema = Schema::new(vec![
        Field::new(&names.id, id.data_type().clone(), true),
        Field::new("radius_km", DataType::Float64, false),
        Field::new("events", DataType::UInt64, true),
        Field::new("deaths", DataType::UInt64, true),
    ]);
    let batch = RecordBatch::try_new(Arc::new(schema), columns).map_err(|e| error(&e))?;
    let capsule = export_stream(py, batch)?;
    let out = t2.elapsed().as_secs_f64();
    let params = serde_json::json!({
        "radius_km": result.params.radii_km,
        "window_days": result.params.window_days,
        "as_of": result.params.as_of,
        "events": ev.rows(),
        "events_in_window": result.events_in_window,
        "sites": st.rows(),
        "columns": {
            "lat": names.lat, "lon": names.lon, "date": names.date,
            "deaths": names.deaths.clone().or_else(|| deaths_default(&ev)), "id": names.id,
        },
    });
    let timings = serde_json::json!({
        "hand_over_in": handed_over,
        "convert": convert,
        "count": count,
        "hand_over_out": out,
    });
    Ok((capsule, params.to_string(), timings.to_string()))
}

fn deaths_default(ev: &Table) -> Option<String> {
    ev.has("deaths").then(|| "deaths".to_string())
}

#[pymodule]
fn _orewatch(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("OrewatchError", m.py().get_type::<OrewatchError>())?;
    m.add_function(wrap_pyfunction!(count_exposure, m)?)?;
    m.add_function(wrap_pyfunction!(store::store_call, m)?)?;
    Ok(())
}
