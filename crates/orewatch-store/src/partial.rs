//! Narrow loading: only the tables a caller names, and the events' death counts alone.
//!
//! [`Store::load`] deserialises every table, all events included (167,543 rows with their
//! text fields for the global GED file), which takes most of a second. A caller that needs a
//! few small tables (a scenario's data links: governance, sites, production) or a handful of
//! event columns (the exposure link: date, coordinates, deaths) loads just those:
//! - [`Store::load_tables`]: the named tables, in the same form as [`Store::load`] gives them;
//!   the others are left empty;
//! - [`Store::load_event_deaths`]: the events of one source, only the columns `source`,
//!   `date_start`, `lat`, `lon`, `fatalities_low`, `fatalities_best`, `fatalities_high` are
//!   decoded (a Parquet column projection), and only rows in an optional date window are kept;
//! - [`Store::load_governance_of`]: the governance rows of some countries (the others are
//!   dropped as Arrow rows, before the costly conversion to records).
//!
//! What it does not do: skip row groups (the events table is sorted by source and id, not by
//! date, so a date window cannot prune row groups from their statistics); change
//! [`Store::load`], which still loads everything.

use std::fs::File;
use std::path::Path;

use arrow::array::{Array, AsArray, BooleanArray, RecordBatch};
use arrow::compute::filter_record_batch;
use arrow::datatypes::{DataType, Date32Type, Float64Type, UInt32Type};
use chrono::NaiveDate;
use orewatch_core::model::{
    Actor, Dataset, Event, EventSource, GovernanceRecord, ProductionRecord, QuarantineRecord,
};
use orewatch_core::scenario::links::EventDeaths;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ProjectionMask;

use crate::store::{Store, StoreError};
use crate::{tables, Manifest};

/// A table of a store generation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Table {
    Events,
    Sites,
    Regions,
    Actors,
    Production,
    Governance,
    Quarantine,
}

/// The columns [`Store::load_event_deaths`] decodes.
pub const EVENT_DEATHS_COLUMNS: [&str; 7] = [
    "source",
    "date_start",
    "lat",
    "lon",
    "fatalities_low",
    "fatalities_best",
    "fatalities_high",
];

impl Store {
    /// Loads only `tables` of the current generation, each exactly as [`Store::load`] loads
    /// it; every other table of the returned dataset is empty. An empty store gives an empty
    /// dataset.
    pub fn load_tables(&self, tables: &[Table]) -> Result<(Dataset, Manifest), StoreError> {
        let Some(dir) = self.current_dir() else {
            return Ok((Dataset::default(), Manifest::default()));
        };
        let manifest = self.manifest()?.unwrap_or_default();
        let damaged = |message: String| StoreError::Damaged {
            path: dir.clone(),
            message,
        };
        let mut data = Dataset::default();
        let mut wanted: Vec<Table> = tables.to_vec();
        wanted.sort();
        wanted.dedup();
        for table in wanted {
            match table {
                Table::Events => {
                    data.events = tables::read_table::<Event>(&dir.join("events.parquet"))
                        .map_err(damaged)?
                        .0
                }
                Table::Sites => {
                    data.sites = tables::read_sites(&dir.join("sites.parquet")).map_err(damaged)?
                }
                Table::Regions => {
                    data.regions =
                        tables::read_regions(&dir.join("regions.parquet")).map_err(damaged)?
                }
                Table::Actors => {
                    data.actors = tables::read_table::<Actor>(&dir.join("actors.parquet"))
                        .map_err(damaged)?
                        .0
                }
                Table::Production => {
                    data.production =
                        tables::read_table::<ProductionRecord>(&dir.join("production.parquet"))
                            .map_err(damaged)?
                            .0
                }
                Table::Governance => {
                    data.governance =
                        tables::read_governance(&dir.join("governance.parquet")).map_err(damaged)?
                }
                Table::Quarantine => {
                    data.quarantine =
                        tables::read_table::<QuarantineRecord>(&dir.join("quarantine.parquet"))
                            .map_err(damaged)?
                            .0
                }
            }
        }
        Ok((data, manifest))
    }

    /// The governance rows of the countries `iso3` (ISO3 codes, compared as stored), as
    /// [`Store::load`] gives them; the other countries' rows are skipped before they are
    /// deserialised. An empty store gives no rows.
    pub fn load_governance_of(&self, iso3: &[String]) -> Result<Vec<GovernanceRecord>, StoreError> {
        let Some(dir) = self.current_dir() else {
            return Ok(Vec::new());
        };
        read_governance_of(&dir.join("governance.parquet"), iso3).map_err(|message| {
            StoreError::Damaged {
                path: dir.clone(),
                message,
            }
        })
    }

    /// The events of `source` whose `date_start` lies in (`after`, `until`] (an open side when
    /// None), in table order, with only their dates, coordinates and deaths decoded. An empty
    /// store gives no events.
    pub fn load_event_deaths(
        &self,
        source: EventSource,
        after: Option<NaiveDate>,
        until: Option<NaiveDate>,
    ) -> Result<Vec<EventDeaths>, StoreError> {
        let Some(dir) = self.current_dir() else {
            return Ok(Vec::new());
        };
        let path = dir.join("events.parquet");
        read_event_deaths(&path, source, after, until).map_err(|message| StoreError::Damaged {
            path: dir.clone(),
            message,
        })
    }
}

fn read_governance_of(path: &Path, iso3: &[String]) -> Result<Vec<GovernanceRecord>, String> {
    let at = |e: &dyn std::fmt::Display| format!("{}: {e}", path.display());
    let file = File::open(path).map_err(|e| at(&e))?;
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .and_then(|b| b.build())
        .map_err(|e| at(&e))?;
    let mut out = Vec::new();
    for batch in reader {
        let batch = batch.map_err(|e| at(&e))?;
        let codes = batch
            .column_by_name("iso3")
            .ok_or_else(|| at(&"the governance table has no `iso3` column"))?;
        let codes = arrow::compute::cast(codes, &DataType::Utf8).map_err(|e| at(&e))?;
        let codes = codes.as_string::<i32>();
        let keep: BooleanArray = (0..codes.len())
            .map(|r| Some(!codes.is_null(r) && iso3.iter().any(|c| c == codes.value(r))))
            .collect();
        let batch = filter_record_batch(&batch, &keep).map_err(|e| at(&e))?;
        if batch.num_rows() == 0 {
            continue;
        }
        let rows: Vec<serde_json::Map<String, serde_json::Value>> =
            serde_arrow::from_record_batch(&batch)
                .map_err(|e| at(&format!("cannot read rows: {e}")))?;
        for row in &rows {
            out.push(tables::governance_from_row(row).map_err(|e| at(&e))?);
        }
    }
    Ok(out)
}

/// The stored spelling of a source (serde's variant name).
fn source_name(source: EventSource) -> &'static str {
    match source {
        EventSource::UcdpGed => "UcdpGed",
        EventSource::Acled => "Acled",
    }
}

fn read_event_deaths(
    path: &Path,
    source: EventSource,
    after: Option<NaiveDate>,
    until: Option<NaiveDate>,
) -> Result<Vec<EventDeaths>, String> {
    let at = |e: &dyn std::fmt::Display| format!("{}: {e}", path.display());
    let file = File::open(path).map_err(|e| at(&e))?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| at(&e))?;
    let schema = builder.parquet_schema();
    let mut leaves = Vec::new();
    for name in EVENT_DEATHS_COLUMNS {
        let i = (0..schema.num_columns())
            .find(|&i| schema.column(i).path().string() == name)
            .ok_or_else(|| at(&format!("the events table has no `{name}` column")))?;
        leaves.push(i);
    }
    let mask = ProjectionMask::leaves(schema, leaves);
    let reader = builder.with_projection(mask).build().map_err(|e| at(&e))?;
    // Dates as days since 1970-01-01 (Date32), compared as integers.
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    let day = |d: NaiveDate| (d - epoch).num_days();
    let (lo, hi) = (after.map(day), until.map(day));
    let wanted = source_name(source);
    let mut out = Vec::new();
    for batch in reader {
        let batch = batch.map_err(|e| at(&e))?;
        collect_batch(&batch, wanted, lo, hi, epoch, &mut out).map_err(|e| at(&e))?;
    }
    Ok(out)
}

fn collect_batch(
    batch: &RecordBatch,
    wanted: &str,
    lo: Option<i64>,
    hi: Option<i64>,
    epoch: NaiveDate,
    out: &mut Vec<EventDeaths>,
) -> Result<(), String> {
    let column = |name: &str| {
        batch
            .column_by_name(name)
            .ok_or_else(|| format!("the events table has no `{name}` column"))
    };
    let typed = |name: &str, want: &DataType| -> Result<std::sync::Arc<dyn Array>, String> {
        let c = column(name)?;
        if c.data_type() == want {
            Ok(c.clone())
        } else {
            arrow::compute::cast(c, want)
                .map_err(|e| format!("column `{name}` ({}): {e}", c.data_type()))
        }
    };
    let source = typed("source", &DataType::Utf8)?;
    let source = source.as_string::<i32>();
    let date = typed("date_start", &DataType::Date32)?;
    let date = date.as_primitive::<Date32Type>();
    let lat = typed("lat", &DataType::Float64)?;
    let lat = lat.as_primitive::<Float64Type>();
    let lon = typed("lon", &DataType::Float64)?;
    let lon = lon.as_primitive::<Float64Type>();
    let low = typed("fatalities_low", &DataType::UInt32)?;
    let low = low.as_primitive::<UInt32Type>();
    let best = typed("fatalities_best", &DataType::UInt32)?;
    let best = best.as_primitive::<UInt32Type>();
    let high = typed("fatalities_high", &DataType::UInt32)?;
    let high = high.as_primitive::<UInt32Type>();
    let option = |a: &arrow::array::PrimitiveArray<UInt32Type>, r: usize| {
        (!a.is_null(r)).then(|| a.value(r))
    };
    for r in 0..batch.num_rows() {
        if source.is_null(r) || source.value(r) != wanted || date.is_null(r) {
            continue;
        }
        let d = i64::from(date.value(r));
        if lo.is_some_and(|lo| d <= lo) || hi.is_some_and(|hi| d > hi) {
            continue;
        }
        if lat.is_null(r) || lon.is_null(r) || best.is_null(r) {
            return Err(format!(
                "row {r} of a batch: lat, lon or fatalities_best is null"
            ));
        }
        out.push(EventDeaths {
            date_start: epoch + chrono::Duration::days(d),
            lat: lat.value(r),
            lon: lon.value(r),
            fatalities_low: option(low, r),
            fatalities_best: best.value(r),
            fatalities_high: option(high, r),
        });
    }
    Ok(())
}
