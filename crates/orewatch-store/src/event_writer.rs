//! The events table written with typed Arrow builders, one row group at a time.
//!
//! The events table is by far the largest (167,543 rows for the global GED file). Converting
//! it with `serde_arrow` walked every field through serde and needed the events as one
//! `Vec<Event>`; here each column is built directly from [`EventView`]s (borrowed from a
//! `Vec<Event>` or from the ingest's compact [`EventTable`]), and each row group is written as
//! soon as it is full, so at most one row group of Arrow arrays is held at a time.
//!
//! The schema is still the one `serde_arrow` traces from the model (`tables::event_fields`),
//! so the file is the same table as before: enums as dictionary-encoded strings holding the
//! variant name, dates as Date32, associates and flags as lists, `extra` as a map, plus the
//! WKB `geometry` column. A batch whose arrays do not match that schema is an error (and the
//! round-trip tests read the table back through `serde_arrow`).

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use arrow::array::{
    ArrayRef, BinaryBuilder, BooleanBuilder, Date32Builder, Float64Builder, ListBuilder,
    MapBuilder, MapFieldNames, RecordBatch, StringBuilder, StringDictionaryBuilder, UInt32Builder,
    UInt8Builder,
};
use arrow::datatypes::{DataType, Field, FieldRef, Schema, UInt32Type};
use orewatch_core::model::{Event, EventFlag, EventSource, EventTable, EventView, ViolenceType};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;
use parquet::schema::types::ColumnPath;

use crate::files::{sha256_file, ROW_GROUP_ROWS};
use crate::geoparquet::{self, GEOMETRY_COLUMN};
use crate::manifest::TableEntry;

/// The events to write, in the order given.
#[derive(Clone, Copy)]
pub(crate) enum EventRows<'a> {
    Events(&'a [Event]),
    Table(&'a EventTable),
}

impl<'a> EventRows<'a> {
    fn len(self) -> usize {
        match self {
            EventRows::Events(e) => e.len(),
            EventRows::Table(t) => t.len(),
        }
    }

    fn iter(self) -> Box<dyn Iterator<Item = EventView<'a>> + 'a> {
        match self {
            EventRows::Events(e) => Box::new(e.iter().map(Event::view)),
            EventRows::Table(t) => Box::new(t.iter()),
        }
    }
}

/// The names serde gives the enum variants (what the table has always stored).
fn source_name(s: EventSource) -> &'static str {
    match s {
        EventSource::UcdpGed => "UcdpGed",
        EventSource::Acled => "Acled",
    }
}

fn violence_name(v: ViolenceType) -> &'static str {
    match v {
        ViolenceType::StateBased => "StateBased",
        ViolenceType::NonState => "NonState",
        ViolenceType::OneSided => "OneSided",
    }
}

fn flag_name(f: EventFlag) -> &'static str {
    match f {
        EventFlag::FatalityOrder => "FatalityOrder",
        EventFlag::NotPoliticalViolence => "NotPoliticalViolence",
        EventFlag::LegacyEventType => "LegacyEventType",
        EventFlag::NullIsland => "NullIsland",
        EventFlag::DateOrder => "DateOrder",
        EventFlag::ActorRowsMismatch => "ActorRowsMismatch",
    }
}

/// The child field of a list column of `schema`, as traced.
fn list_child(fields: &[FieldRef], name: &str) -> Result<FieldRef, String> {
    match fields
        .iter()
        .find(|f| f.name() == name)
        .map(|f| f.data_type())
    {
        Some(DataType::List(child)) => Ok(child.clone()),
        other => Err(format!("events schema: {name} is {other:?}, not a list")),
    }
}

/// The entry field names and value field of the `extra` map column, as traced.
fn map_parts(fields: &[FieldRef]) -> Result<(MapFieldNames, FieldRef, FieldRef), String> {
    let entries = match fields
        .iter()
        .find(|f| f.name() == "extra")
        .map(|f| f.data_type())
    {
        Some(DataType::Map(entries, _)) => entries.clone(),
        other => return Err(format!("events schema: extra is {other:?}, not a map")),
    };
    let DataType::Struct(kv) = entries.data_type() else {
        return Err("events schema: the extra map's entries are not a struct".to_string());
    };
    let (Some(key), Some(value)) = (kv.first(), kv.get(1)) else {
        return Err("events schema: the extra map's entries lack a key or value".to_string());
    };
    let names = MapFieldNames {
        entry: entries.name().clone(),
        key: key.name().clone(),
        value: value.name().clone(),
    };
    Ok((names, key.clone(), value.clone()))
}

/// Days since 1970-01-01 (Arrow Date32).
fn days(d: chrono::NaiveDate) -> i32 {
    (d - chrono::NaiveDate::default()).num_days() as i32
}

/// One row group's columns being filled.
struct Columns {
    source: StringDictionaryBuilder<UInt32Type>,
    event_id: StringBuilder,
    release: StringBuilder,
    date_start: Date32Builder,
    date_end: Date32Builder,
    date_precision: UInt8Builder,
    country: StringBuilder,
    admin1: StringBuilder,
    admin2: StringBuilder,
    lat: Float64Builder,
    lon: Float64Builder,
    location_precision: UInt8Builder,
    violence_type: StringDictionaryBuilder<UInt32Type>,
    event_type: StringBuilder,
    sub_event_type: StringBuilder,
    conflict_name: StringBuilder,
    side_a: StringBuilder,
    side_b: StringBuilder,
    side_a_associates: ListBuilder<StringBuilder>,
    side_b_associates: ListBuilder<StringBuilder>,
    fatalities_low: UInt32Builder,
    fatalities_best: UInt32Builder,
    fatalities_high: UInt32Builder,
    civilian_targeting: BooleanBuilder,
    flags: ListBuilder<StringDictionaryBuilder<UInt32Type>>,
    extra: MapBuilder<StringBuilder, StringBuilder>,
    geometry: BinaryBuilder,
    rows: usize,
}

impl Columns {
    fn new(fields: &[FieldRef]) -> Result<Columns, String> {
        let (names, key, value) = map_parts(fields)?;
        Ok(Columns {
            source: StringDictionaryBuilder::new(),
            event_id: StringBuilder::new(),
            release: StringBuilder::new(),
            date_start: Date32Builder::new(),
            date_end: Date32Builder::new(),
            date_precision: UInt8Builder::new(),
            country: StringBuilder::new(),
            admin1: StringBuilder::new(),
            admin2: StringBuilder::new(),
            lat: Float64Builder::new(),
            lon: Float64Builder::new(),
            location_precision: UInt8Builder::new(),
            violence_type: StringDictionaryBuilder::new(),
            event_type: StringBuilder::new(),
            sub_event_type: StringBuilder::new(),
            conflict_name: StringBuilder::new(),
            side_a: StringBuilder::new(),
            side_b: StringBuilder::new(),
            side_a_associates: ListBuilder::new(StringBuilder::new())
                .with_field(list_child(fields, "side_a_associates")?),
            side_b_associates: ListBuilder::new(StringBuilder::new())
                .with_field(list_child(fields, "side_b_associates")?),
            fatalities_low: UInt32Builder::new(),
            fatalities_best: UInt32Builder::new(),
            fatalities_high: UInt32Builder::new(),
            civilian_targeting: BooleanBuilder::new(),
            flags: ListBuilder::new(StringDictionaryBuilder::new())
                .with_field(list_child(fields, "flags")?),
            extra: MapBuilder::new(Some(names), StringBuilder::new(), StringBuilder::new())
                .with_keys_field(key)
                .with_values_field(value),
            geometry: BinaryBuilder::new(),
            rows: 0,
        })
    }

    fn append(&mut self, e: &EventView<'_>) -> Result<(), String> {
        self.source.append_value(source_name(e.source));
        self.event_id.append_value(e.event_id);
        self.release.append_option(e.release);
        self.date_start.append_value(days(e.date_start));
        self.date_end.append_option(e.date_end.map(days));
        self.date_precision.append_option(e.date_precision);
        self.country.append_value(e.country);
        self.admin1.append_option(e.admin1);
        self.admin2.append_option(e.admin2);
        self.lat.append_value(e.lat);
        self.lon.append_value(e.lon);
        self.location_precision.append_option(e.location_precision);
        match e.violence_type {
            Some(v) => {
                self.violence_type.append_value(violence_name(v));
            }
            None => self.violence_type.append_null(),
        }
        self.event_type.append_option(e.event_type);
        self.sub_event_type.append_option(e.sub_event_type);
        self.conflict_name.append_option(e.conflict_name);
        self.side_a.append_value(e.side_a);
        self.side_b.append_option(e.side_b);
        for a in e.side_a_associates {
            self.side_a_associates.values().append_value(a);
        }
        self.side_a_associates.append(true);
        for a in e.side_b_associates {
            self.side_b_associates.values().append_value(a);
        }
        self.side_b_associates.append(true);
        self.fatalities_low.append_option(e.fatalities_low);
        self.fatalities_best.append_value(e.fatalities_best);
        self.fatalities_high.append_option(e.fatalities_high);
        self.civilian_targeting.append_value(e.civilian_targeting);
        for f in e.flags {
            self.flags.values().append_value(flag_name(*f));
        }
        self.flags.append(true);
        for (k, v) in e.extra {
            self.extra.keys().append_value(k);
            self.extra.values().append_value(v);
        }
        self.extra
            .append(true)
            .map_err(|err| format!("cannot build the extra column: {err}"))?;
        self.geometry
            .append_value(geoparquet::point_wkb(e.lon, e.lat));
        self.rows += 1;
        Ok(())
    }

    /// The filled columns as a batch of `schema` (the builders are emptied for the next one).
    fn finish(&mut self, schema: &Arc<Schema>) -> Result<RecordBatch, String> {
        let columns: Vec<ArrayRef> = vec![
            Arc::new(self.source.finish()),
            Arc::new(self.event_id.finish()),
            Arc::new(self.release.finish()),
            Arc::new(self.date_start.finish()),
            Arc::new(self.date_end.finish()),
            Arc::new(self.date_precision.finish()),
            Arc::new(self.country.finish()),
            Arc::new(self.admin1.finish()),
            Arc::new(self.admin2.finish()),
            Arc::new(self.lat.finish()),
            Arc::new(self.lon.finish()),
            Arc::new(self.location_precision.finish()),
            Arc::new(self.violence_type.finish()),
            Arc::new(self.event_type.finish()),
            Arc::new(self.sub_event_type.finish()),
            Arc::new(self.conflict_name.finish()),
            Arc::new(self.side_a.finish()),
            Arc::new(self.side_b.finish()),
            Arc::new(self.side_a_associates.finish()),
            Arc::new(self.side_b_associates.finish()),
            Arc::new(self.fatalities_low.finish()),
            Arc::new(self.fatalities_best.finish()),
            Arc::new(self.fatalities_high.finish()),
            Arc::new(self.civilian_targeting.finish()),
            Arc::new(self.flags.finish()),
            Arc::new(self.extra.finish()),
            Arc::new(self.geometry.finish()),
        ];
        self.rows = 0;
        RecordBatch::try_new(schema.clone(), columns)
            .map_err(|e| format!("events batch does not match the schema: {e}"))
    }
}

/// Writes the events table to `path` (row groups of [`ROW_GROUP_ROWS`]), fsyncs it and
/// returns its manifest entry. `fields` is the traced events schema without geometry.
pub(crate) fn write_events(
    path: &Path,
    fields: &[FieldRef],
    rows: EventRows<'_>,
) -> Result<TableEntry, String> {
    let at = |e: &dyn std::fmt::Display| format!("{}: {e}", path.display());
    let mut schema_fields = fields.to_vec();
    schema_fields.push(Arc::new(Field::new(
        GEOMETRY_COLUMN,
        DataType::Binary,
        true,
    )));
    let schema = Arc::new(Schema::new(schema_fields));
    // The `geo` metadata (bounding box) goes in the file's properties up front: one cheap pass
    // over the coordinates first.
    let geo = geoparquet::points_metadata(rows.iter().map(|e| (e.lon, e.lat)));
    // Ids, coordinates and their points are (nearly) all distinct: a dictionary would only
    // be built to be thrown away.
    let mut props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
        .set_key_value_metadata(Some(vec![KeyValue::new("geo".to_string(), geo)]))
        .set_created_by(format!("orewatch {}", env!("CARGO_PKG_VERSION")));
    for column in ["event_id", "lat", "lon", GEOMETRY_COLUMN] {
        props = props.set_column_dictionary_enabled(ColumnPath::from(column), false);
    }
    let file = File::create(path).map_err(|e| at(&e))?;
    let mut writer =
        ArrowWriter::try_new(file, schema.clone(), Some(props.build())).map_err(|e| at(&e))?;
    // Two stages on two threads: one builds the Arrow columns of a row group while this one
    // encodes and compresses the previous one (each stage is about half the work).
    let (send, receive) = std::sync::mpsc::sync_channel::<RecordBatch>(1);
    std::thread::scope(|scope| {
        let building = scope.spawn(|| -> Result<(), String> {
            let send = send;
            let mut columns = Columns::new(fields)?;
            let mut batches = 0;
            for event in rows.iter() {
                columns.append(&event)?;
                if columns.rows == ROW_GROUP_ROWS {
                    batches += 1;
                    if send.send(columns.finish(&schema)?).is_err() {
                        return Ok(()); // the writer stopped; its error is reported
                    }
                }
            }
            if columns.rows > 0 || batches == 0 {
                // An empty table still gets one (empty) row group.
                let _ = send.send(columns.finish(&schema)?);
            }
            Ok(())
        });
        let written = receive
            .iter()
            .try_for_each(|batch| writer.write(&batch).map_err(|e| at(&e)));
        drop(receive);
        let built = building
            .join()
            .unwrap_or_else(|_| Err("the thread building the columns failed".to_string()));
        written.and(built.map_err(|e| at(&e)))
    })?;
    let file = writer.into_inner().map_err(|e| at(&e))?;
    file.sync_all().map_err(|e| at(&e))?;
    drop(file);
    Ok(TableEntry {
        file: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        rows: rows.len() as u64,
        sha256: sha256_file(path)?,
        geoparquet: true,
    })
}
