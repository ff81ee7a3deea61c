//! [`EventTable`]: many events held compactly, and [`EventView`]: one event's fields borrowed.
//!
//! The ingest holds every event of every event file before it can sort them and write the
//! store. As `Vec<Event>` the 167,543 events of the global GED file take about 100 MB (a
//! ~390-byte struct plus six small strings each). The table keeps the same facts in about a
//! fifth of that:
//! - text fields that repeat (country, conflict, sides, admin areas, release, event types) are
//!   stored once each and referred to by number;
//! - event ids are appended to one string;
//! - associates, flags and `extra`, empty for most events, live in a box only when present.
//!
//! Nothing is lost or changed: [`EventTable::view`] gives back every field as the reader
//! produced it, and [`EventTable::into_events`] rebuilds the `Event`s.
//!
//! What it does NOT do: deduplicate events (the ingest plan decides which record wins and
//! calls [`EventTable::set`]) or validate anything.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::dataset::id_sort_key;
use super::{Event, EventFlag, EventSource, Extra, ViolenceType};

/// An event's fields, borrowed from an [`Event`] or an [`EventTable`] row. Same meaning as the
/// [`Event`] fields of the same names.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EventView<'a> {
    pub source: EventSource,
    pub event_id: &'a str,
    pub release: Option<&'a str>,
    pub date_start: NaiveDate,
    pub date_end: Option<NaiveDate>,
    pub date_precision: Option<u8>,
    pub country: &'a str,
    pub admin1: Option<&'a str>,
    pub admin2: Option<&'a str>,
    pub lat: f64,
    pub lon: f64,
    pub location_precision: Option<u8>,
    pub violence_type: Option<ViolenceType>,
    pub event_type: Option<&'a str>,
    pub sub_event_type: Option<&'a str>,
    pub conflict_name: Option<&'a str>,
    pub side_a: &'a str,
    pub side_b: Option<&'a str>,
    pub side_a_associates: &'a [String],
    pub side_b_associates: &'a [String],
    pub fatalities_low: Option<u32>,
    pub fatalities_best: u32,
    pub fatalities_high: Option<u32>,
    pub civilian_targeting: bool,
    pub flags: &'a [EventFlag],
    pub extra: ExtraView<'a>,
}

/// An event's `extra` fields, borrowed: from an owned map, from a reader's row (pairs sorted
/// by key), or from an [`EventTable`]'s packed store. Iteration is in key order, as for
/// [`Extra`]; equal views hold equal entries whatever their form.
#[derive(Debug, Clone, Copy)]
pub enum ExtraView<'a> {
    Map(&'a Extra),
    /// Entries sorted by key, keys distinct.
    Pairs(&'a [(&'a str, &'a str)]),
    Packed(PackedExtra<'a>),
}

/// An [`EventTable`] row's `extra`: keys as numbers of the table's texts, values one after
/// the other in `text`.
#[derive(Debug, Clone, Copy)]
pub struct PackedExtra<'a> {
    entries: &'a [(TextId, u32)],
    text: &'a str,
    keys: &'a Texts,
}

/// The entries of an [`ExtraView`], in key order.
pub struct ExtraIter<'a> {
    view: ExtraView<'a>,
    map: Option<std::collections::btree_map::Iter<'a, String, String>>,
    at: usize,
    text_at: usize,
}

impl<'a> Iterator for ExtraIter<'a> {
    type Item = (&'a str, &'a str);

    fn next(&mut self) -> Option<(&'a str, &'a str)> {
        match self.view {
            ExtraView::Map(_) => self
                .map
                .as_mut()
                .and_then(|m| m.next())
                .map(|(k, v)| (k.as_str(), v.as_str())),
            ExtraView::Pairs(pairs) => {
                let pair = pairs.get(self.at)?;
                self.at += 1;
                Some(*pair)
            }
            ExtraView::Packed(p) => {
                let &(key, len) = p.entries.get(self.at)?;
                self.at += 1;
                let start = self.text_at;
                self.text_at += len as usize;
                Some((
                    p.keys.get(key),
                    p.text.get(start..self.text_at).unwrap_or(""),
                ))
            }
        }
    }
}

impl<'a> ExtraView<'a> {
    pub fn iter(&self) -> ExtraIter<'a> {
        ExtraIter {
            view: *self,
            map: match self {
                ExtraView::Map(m) => Some(m.iter()),
                _ => None,
            },
            at: 0,
            text_at: 0,
        }
    }

    pub fn len(&self) -> usize {
        match self {
            ExtraView::Map(m) => m.len(),
            ExtraView::Pairs(p) => p.len(),
            ExtraView::Packed(p) => p.entries.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&'a str> {
        match self {
            ExtraView::Map(m) => m.get(key).map(String::as_str),
            _ => self.iter().find(|(k, _)| *k == key).map(|(_, v)| v),
        }
    }

    /// The entries as an owned map.
    pub fn to_extra(&self) -> Extra {
        self.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }
}

impl<'a> IntoIterator for ExtraView<'a> {
    type Item = (&'a str, &'a str);
    type IntoIter = ExtraIter<'a>;

    fn into_iter(self) -> ExtraIter<'a> {
        self.iter()
    }
}

impl PartialEq for ExtraView<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl Event {
    /// This event's fields, borrowed.
    pub fn view(&self) -> EventView<'_> {
        EventView {
            source: self.source,
            event_id: &self.event_id,
            release: self.release.as_deref(),
            date_start: self.date_start,
            date_end: self.date_end,
            date_precision: self.date_precision,
            country: &self.country,
            admin1: self.admin1.as_deref(),
            admin2: self.admin2.as_deref(),
            lat: self.lat,
            lon: self.lon,
            location_precision: self.location_precision,
            violence_type: self.violence_type,
            event_type: self.event_type.as_deref(),
            sub_event_type: self.sub_event_type.as_deref(),
            conflict_name: self.conflict_name.as_deref(),
            side_a: &self.side_a,
            side_b: self.side_b.as_deref(),
            side_a_associates: &self.side_a_associates,
            side_b_associates: &self.side_b_associates,
            fatalities_low: self.fatalities_low,
            fatalities_best: self.fatalities_best,
            fatalities_high: self.fatalities_high,
            civilian_targeting: self.civilian_targeting,
            flags: &self.flags,
            extra: ExtraView::Map(&self.extra),
        }
    }
}

impl EventView<'_> {
    /// The owned [`Event`] with these fields.
    pub fn to_event(&self) -> Event {
        let text = |s: Option<&str>| s.map(str::to_string);
        Event {
            source: self.source,
            event_id: self.event_id.to_string(),
            release: text(self.release),
            date_start: self.date_start,
            date_end: self.date_end,
            date_precision: self.date_precision,
            country: self.country.to_string(),
            admin1: text(self.admin1),
            admin2: text(self.admin2),
            lat: self.lat,
            lon: self.lon,
            location_precision: self.location_precision,
            violence_type: self.violence_type,
            event_type: text(self.event_type),
            sub_event_type: text(self.sub_event_type),
            conflict_name: text(self.conflict_name),
            side_a: self.side_a.to_string(),
            side_b: text(self.side_b),
            side_a_associates: self.side_a_associates.to_vec(),
            side_b_associates: self.side_b_associates.to_vec(),
            fatalities_low: self.fatalities_low,
            fatalities_best: self.fatalities_best,
            fatalities_high: self.fatalities_high,
            civilian_targeting: self.civilian_targeting,
            flags: self.flags.to_vec(),
            extra: self.extra.to_extra(),
        }
    }
}

/// Number of a distinct text in [`Texts`]; [`NONE`] stands for a missing optional text.
type TextId = u32;
const NONE: TextId = TextId::MAX;

/// Distinct texts, each stored once.
#[derive(Debug, Default)]
struct Texts {
    texts: Vec<Box<str>>,
    index: HashMap<Box<str>, TextId, ahash::RandomState>,
}

impl Texts {
    fn id(&mut self, text: &str) -> TextId {
        if let Some(&id) = self.index.get(text) {
            return id;
        }
        // More than four billion distinct texts cannot be told apart from NONE; never reached
        // with real files (the global GED file has a few thousand).
        let id = TextId::try_from(self.texts.len()).unwrap_or(NONE - 1);
        self.texts.push(text.into());
        self.index.insert(text.into(), id);
        id
    }

    fn optional_id(&mut self, text: Option<&str>) -> TextId {
        text.map_or(NONE, |t| self.id(t))
    }

    fn get(&self, id: TextId) -> &str {
        self.texts.get(id as usize).map_or("", |t| t)
    }

    fn optional(&self, id: TextId) -> Option<&str> {
        (id != NONE).then(|| self.get(id))
    }
}

/// The fields most events leave empty.
#[derive(Debug, Clone, Default)]
struct Rare {
    side_a_associates: Vec<String>,
    side_b_associates: Vec<String>,
    flags: Vec<EventFlag>,
}

/// Where a row's `extra` is: `count` entries of [`EventTable::extra_entries`] from `entry`,
/// their values one after the other in [`EventTable::extra_text`] from `text`.
#[derive(Debug, Clone, Copy)]
struct ExtraAt {
    entry: usize,
    count: u32,
    text: usize,
}

/// A row's `extra` when it has none.
const NO_EXTRA: u32 = u32::MAX;

/// One event in the table: numbers inline, texts as [`TextId`]s, the id as a range of
/// [`EventTable::ids`].
#[derive(Debug, Clone)]
struct Row {
    id: (usize, usize),
    release: TextId,
    country: TextId,
    admin1: TextId,
    admin2: TextId,
    event_type: TextId,
    sub_event_type: TextId,
    conflict_name: TextId,
    side_a: TextId,
    side_b: TextId,
    date_start: NaiveDate,
    date_end: Option<NaiveDate>,
    lat: f64,
    lon: f64,
    fatalities_low: Option<u32>,
    fatalities_best: u32,
    fatalities_high: Option<u32>,
    source: EventSource,
    date_precision: Option<u8>,
    location_precision: Option<u8>,
    violence_type: Option<ViolenceType>,
    civilian_targeting: bool,
    rare: Option<Box<Rare>>,
    /// Index in [`EventTable::extras`], or [`NO_EXTRA`].
    extra: u32,
}

/// Events held compactly (see the module docs), in the order they were pushed until
/// [`EventTable::sort`].
#[derive(Debug, Default)]
pub struct EventTable {
    /// The rows as pushed; [`EventTable::sort`] reorders `order`, not the rows.
    rows: Vec<Row>,
    /// Table position -> index in `rows`.
    order: Vec<usize>,
    /// Every event id, one after the other.
    ids: String,
    texts: Texts,
    /// Rows' `extra`: where each is, its keys (as texts) with value lengths, the values.
    extras: Vec<ExtraAt>,
    extra_entries: Vec<(TextId, u32)>,
    extra_text: String,
}

impl EventTable {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Row `i`'s event id ("" when `i` is not a row).
    pub fn event_id(&self, i: usize) -> &str {
        self.order
            .get(i)
            .and_then(|&slot| {
                let r = &self.rows[slot];
                self.ids.get(r.id.0..r.id.1)
            })
            .unwrap_or("")
    }

    /// Whether row `i` carries any flag.
    pub fn has_flags(&self, i: usize) -> bool {
        self.order
            .get(i)
            .and_then(|&slot| self.rows[slot].rare.as_deref())
            .is_some_and(|rare| !rare.flags.is_empty())
    }

    /// Removes every row (the texts are kept for reuse).
    pub fn clear(&mut self) {
        self.rows.clear();
        self.order.clear();
        self.ids.clear();
        self.extras.clear();
        self.extra_entries.clear();
        self.extra_text.clear();
    }

    /// Appends `event`; returns its row number.
    pub fn push(&mut self, event: &EventView<'_>) -> usize {
        let start = self.ids.len();
        self.ids.push_str(event.event_id);
        let row = self.row_of(event, (start, self.ids.len()));
        self.order.push(self.rows.len());
        self.rows.push(row);
        self.order.len() - 1
    }

    /// Appends rows `rows` of `other` (in that order), as [`EventTable::push`] of each row's
    /// view would, but each distinct text of `other` is looked up once, not once per row.
    pub fn append_rows(&mut self, other: &EventTable, rows: &[usize]) {
        const UNMAPPED: TextId = NONE - 1;
        let mut remap = vec![UNMAPPED; other.texts.texts.len()];
        let texts = &mut self.texts;
        let mut map = |id: TextId| -> TextId {
            match remap.get_mut(id as usize) {
                None => NONE,
                Some(m) => {
                    if *m == UNMAPPED {
                        *m = texts.id(other.texts.get(id));
                    }
                    *m
                }
            }
        };
        self.rows.reserve(rows.len());
        self.order.reserve(rows.len());
        for &i in rows {
            let Some(&slot) = other.order.get(i) else {
                continue;
            };
            let r = &other.rows[slot];
            let start = self.ids.len();
            self.ids
                .push_str(other.ids.get(r.id.0..r.id.1).unwrap_or(""));
            let extra = match other.extras.get(r.extra as usize) {
                None => NO_EXTRA,
                Some(at) => {
                    let end = at.entry + at.count as usize;
                    let entries = other.extra_entries.get(at.entry..end).unwrap_or(&[]);
                    let text_len: usize = entries.iter().map(|&(_, len)| len as usize).sum();
                    let index = u32::try_from(self.extras.len()).unwrap_or(NO_EXTRA - 1);
                    self.extras.push(ExtraAt {
                        entry: self.extra_entries.len(),
                        count: at.count,
                        text: self.extra_text.len(),
                    });
                    self.extra_entries
                        .extend(entries.iter().map(|&(key, len)| (map(key), len)));
                    self.extra_text.push_str(
                        other
                            .extra_text
                            .get(at.text..at.text + text_len)
                            .unwrap_or(""),
                    );
                    index
                }
            };
            self.order.push(self.rows.len());
            self.rows.push(Row {
                id: (start, self.ids.len()),
                release: map(r.release),
                country: map(r.country),
                admin1: map(r.admin1),
                admin2: map(r.admin2),
                event_type: map(r.event_type),
                sub_event_type: map(r.sub_event_type),
                conflict_name: map(r.conflict_name),
                side_a: map(r.side_a),
                side_b: map(r.side_b),
                rare: r.rare.clone(),
                extra,
                ..*r
            });
        }
    }

    /// Replaces row `i` with `event` (the ingest plan's newer record of the same event).
    /// Nothing happens when `i` is not a row.
    pub fn set(&mut self, i: usize, event: &EventView<'_>) {
        let Some(&slot) = self.order.get(i) else {
            return;
        };
        let old = &self.rows[slot];
        let id = if &self.ids[old.id.0..old.id.1] == event.event_id {
            old.id
        } else {
            let start = self.ids.len();
            self.ids.push_str(event.event_id);
            (start, self.ids.len())
        };
        let row = self.row_of(event, id);
        self.rows[slot] = row;
    }

    fn row_of(&mut self, e: &EventView<'_>, id: (usize, usize)) -> Row {
        let extra = if e.extra.is_empty() {
            NO_EXTRA
        } else {
            let at = ExtraAt {
                entry: self.extra_entries.len(),
                count: e.extra.len() as u32,
                text: self.extra_text.len(),
            };
            for (key, value) in e.extra {
                let key = self.texts.id(key);
                self.extra_text.push_str(value);
                self.extra_entries.push((key, value.len() as u32));
            }
            // More than four billion rows with extra fields cannot be told apart from none;
            // never reached (the table would need hundreds of gigabytes).
            let index = u32::try_from(self.extras.len()).unwrap_or(NO_EXTRA - 1);
            self.extras.push(at);
            index
        };
        let t = &mut self.texts;
        let rare = (!e.side_a_associates.is_empty()
            || !e.side_b_associates.is_empty()
            || !e.flags.is_empty())
        .then(|| {
            Box::new(Rare {
                side_a_associates: e.side_a_associates.to_vec(),
                side_b_associates: e.side_b_associates.to_vec(),
                flags: e.flags.to_vec(),
            })
        });
        Row {
            id,
            release: t.optional_id(e.release),
            country: t.id(e.country),
            admin1: t.optional_id(e.admin1),
            admin2: t.optional_id(e.admin2),
            event_type: t.optional_id(e.event_type),
            sub_event_type: t.optional_id(e.sub_event_type),
            conflict_name: t.optional_id(e.conflict_name),
            side_a: t.id(e.side_a),
            side_b: t.optional_id(e.side_b),
            date_start: e.date_start,
            date_end: e.date_end,
            lat: e.lat,
            lon: e.lon,
            fatalities_low: e.fatalities_low,
            fatalities_best: e.fatalities_best,
            fatalities_high: e.fatalities_high,
            source: e.source,
            date_precision: e.date_precision,
            location_precision: e.location_precision,
            violence_type: e.violence_type,
            civilian_targeting: e.civilian_targeting,
            rare,
            extra,
        }
    }

    fn extra_of(&self, row: &Row) -> ExtraView<'_> {
        let Some(at) = self.extras.get(row.extra as usize) else {
            return ExtraView::Pairs(&[]);
        };
        let end = at.entry + at.count as usize;
        ExtraView::Packed(PackedExtra {
            entries: self.extra_entries.get(at.entry..end).unwrap_or(&[]),
            text: self.extra_text.get(at.text..).unwrap_or(""),
            keys: &self.texts,
        })
    }

    /// Row `i`'s fields, or None when `i` is not a row.
    pub fn view(&self, i: usize) -> Option<EventView<'_>> {
        let r = &self.rows[*self.order.get(i)?];
        let t = &self.texts;
        let rare = r.rare.as_deref();
        Some(EventView {
            source: r.source,
            event_id: self.ids.get(r.id.0..r.id.1).unwrap_or(""),
            release: t.optional(r.release),
            date_start: r.date_start,
            date_end: r.date_end,
            date_precision: r.date_precision,
            country: t.get(r.country),
            admin1: t.optional(r.admin1),
            admin2: t.optional(r.admin2),
            lat: r.lat,
            lon: r.lon,
            location_precision: r.location_precision,
            violence_type: r.violence_type,
            event_type: t.optional(r.event_type),
            sub_event_type: t.optional(r.sub_event_type),
            conflict_name: t.optional(r.conflict_name),
            side_a: t.get(r.side_a),
            side_b: t.optional(r.side_b),
            side_a_associates: rare.map_or(&[], |x| &x.side_a_associates),
            side_b_associates: rare.map_or(&[], |x| &x.side_b_associates),
            fatalities_low: r.fatalities_low,
            fatalities_best: r.fatalities_best,
            fatalities_high: r.fatalities_high,
            civilian_targeting: r.civilian_targeting,
            flags: rare.map_or(&[], |x| &x.flags),
            extra: self.extra_of(r),
        })
    }

    /// Every row's fields, in table order.
    pub fn iter(&self) -> impl Iterator<Item = EventView<'_>> + '_ {
        (0..self.order.len()).filter_map(|i| self.view(i))
    }

    /// Sorts the rows as [`super::Dataset::sort`] sorts events: by (source, id), numeric ids
    /// numerically; stable. Only the table order changes (no row moves).
    pub fn sort(&mut self) {
        let (rows, ids) = (&self.rows, &self.ids);
        let id_of = |slot: usize| ids.get(rows[slot].id.0..rows[slot].id.1).unwrap_or("");
        // The common case, every id a number (GED), sorts small integer keys; the table
        // position as the last key part keeps the sort stable.
        let numeric: Option<Vec<(EventSource, u64, usize)>> = self
            .order
            .iter()
            .enumerate()
            .map(|(i, &slot)| Some((rows[slot].source, id_of(slot).parse::<u64>().ok()?, i)))
            .collect();
        match numeric {
            Some(mut keys) => {
                if keys.is_sorted() {
                    return;
                }
                keys.sort_unstable();
                let old = std::mem::take(&mut self.order);
                self.order = keys.iter().map(|&(_, _, i)| old[i]).collect();
            }
            None => self
                .order
                .sort_by_cached_key(|&slot| (rows[slot].source, id_sort_key(id_of(slot)))),
        }
    }

    /// The events as owned [`Event`]s, in table order.
    pub fn into_events(self) -> Vec<Event> {
        self.iter().map(|v| v.to_event()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(id: &str, country: &str) -> Event {
        Event {
            source: EventSource::UcdpGed,
            event_id: id.into(),
            release: Some("21.1".into()),
            date_start: NaiveDate::from_ymd_opt(2019, 5, 1).unwrap(),
            date_end: None,
            date_precision: Some(1),
            country: country.into(),
            admin1: None,
            admin2: Some("Gao".into()),
            lat: 16.27,
            lon: -0.04,
            location_precision: None,
            violence_type: Some(ViolenceType::OneSided),
            event_type: None,
            sub_event_type: Some("Attack".into()),
            conflict_name: None,
            side_a: "JNIM".into(),
            side_b: Some("Civilians".into()),
            side_a_associates: Vec::new(),
            side_b_associates: vec!["x".into()],
            fatalities_low: Some(1),
            fatalities_best: 2,
            fatalities_high: None,
            civilian_targeting: true,
            flags: vec![EventFlag::NullIsland, EventFlag::FatalityOrder],
            extra: [("relid".to_string(), "MLI-1".to_string())].into(),
        }
    }

    #[test]
    fn events_come_back_unchanged_and_sorted() {
        let mut plain = event("10", "Mali");
        plain.flags.clear();
        plain.extra.clear();
        plain.side_b_associates.clear();
        let events = vec![
            event("9", "Mali"),
            plain,
            event("b", "Niger"),
            event("2", "Mali"),
        ];
        let mut table = EventTable::new();
        for e in &events {
            table.push(&e.view());
        }
        assert_eq!(table.len(), 4);
        assert_eq!(table.view(1).unwrap().to_event(), events[1]);
        table.sort();
        let ids: Vec<&str> = table.iter().map(|v| v.event_id).collect();
        assert_eq!(ids, ["2", "9", "10", "b"]);
        let mut expected = events.clone();
        expected.sort_by_cached_key(|e| (e.source, id_sort_key(&e.event_id)));
        assert_eq!(table.into_events(), expected);
    }

    #[test]
    fn appended_rows_equal_pushed_views() {
        let mut with_extra = event("12", "Niger");
        with_extra
            .extra
            .insert("notes".to_string(), "a, \"b\"\nc".to_string());
        let mut plain = event("13", "Mali");
        plain.flags.clear();
        plain.extra.clear();
        plain.side_b_associates.clear();
        plain.release = None;
        let events = [event("11", "Mali"), with_extra, plain, event("14", "Chad")];
        let mut piece = EventTable::new();
        for e in &events {
            piece.push(&e.view());
        }
        // A table that already holds texts, so the numbers of the two tables differ.
        let mut appended = EventTable::new();
        appended.push(&event("1", "Chad").view());
        let mut pushed = EventTable::new();
        pushed.push(&event("1", "Chad").view());
        let rows = [2, 1, 3];
        appended.append_rows(&piece, &rows);
        for &r in &rows {
            pushed.push(&piece.view(r).unwrap());
        }
        assert_eq!(appended.len(), 4);
        let expected = [&events[2], &events[1], &events[3]];
        for (i, e) in expected.iter().enumerate() {
            assert_eq!(appended.view(i + 1).unwrap(), e.view());
            assert_eq!(appended.view(i + 1), pushed.view(i + 1));
        }
        assert_eq!(appended.into_events(), pushed.into_events());
    }

    #[test]
    fn set_replaces_a_row() {
        let mut table = EventTable::new();
        table.push(&event("7", "Mali").view());
        let newer = event("7", "Burkina Faso");
        table.set(0, &newer.view());
        table.set(5, &newer.view());
        assert_eq!(table.len(), 1);
        assert_eq!(table.into_events(), vec![newer]);
    }

    #[test]
    fn sorts_numeric_ids_as_numbers_and_sets_by_table_position() {
        let mut table = EventTable::new();
        for id in ["30", "4", "100", "7"] {
            table.push(&event(id, "Mali").view());
        }
        table.sort();
        let ids: Vec<&str> = table.iter().map(|v| v.event_id).collect();
        assert_eq!(ids, ["4", "7", "30", "100"]);
        // Position 2 is now "30" (pushed first): set replaces that one.
        table.set(2, &event("30", "Niger").view());
        assert_eq!(table.view(2).unwrap().country, "Niger");
        assert_eq!(table.view(0).unwrap().country, "Mali");
        // A push after sorting appends at the end, as before.
        assert_eq!(table.push(&event("1", "Chad").view()), 4);
        table.sort();
        let ids: Vec<&str> = table.iter().map(|v| v.event_id).collect();
        assert_eq!(ids, ["1", "4", "7", "30", "100"]);
        assert_eq!(table.view(3).unwrap().country, "Niger");
    }
}
