//! One production fact, stored once.
//!
//! The same figure reaches orewatch through several files: each MCS edition republishes the
//! previous year (MCS2023 gives 2021 and 2022, MCS2024 gives 2022 and 2023), and the long USGS
//! file is derived from the originals and the MCS 2026 transcription (same figures).
//! [`dedup_production`] keeps one record per fact and says what it dropped.
//!
//! A fact is (series, country key, year, commodity, stage, unit), where the country key is the
//! ISO3 code when there is one, else the normalised name (`other countries`,
//! `world total (rounded)`; see [`countries::normalise_name`]). Units must match exactly: the
//! readers spell USGS units the same way for this reason (see [`super::usgs_mcs`]).
//!
//! Which record wins: the newest edition (`MCS2026` > `MCS2024` > … > no edition); within an
//! edition, a figure read from an original file over one read from the derived long file (a
//! record whose `extra` has [`DERIVED_FROM_KEY`]); then the file name, ascending; then input
//! order. The kept record's `extra` lists the others under `dedup_also_in` (edition, file,
//! value, `same`/`differs`) and says `dedup_values_differ: yes|no`.
//!
//! Values are equal when both quantities are equal numbers (so `—` = 0 equals 0), or both are
//! missing with the same flag. A difference between editions is usually a revision (MCS2022's
//! estimate for 2021 vs MCS2023's reported figure); a difference within one edition means two
//! files disagree about the same publication. Both are listed as [`ValueConflict`]s, with
//! `same_edition` telling them apart.
//!
//! What it does NOT do: join series (OWID and USGS figures never share a key), convert units,
//! or pick between different stages or qualifiers.

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};

use crate::ingest::production_long::DERIVED_FROM_KEY;
use crate::model::countries;
use crate::model::{ProductionRecord, ProductionSeries};

/// What identifies one production fact.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FactKey {
    pub series: ProductionSeries,
    /// ISO3, or the normalised country name when there is none.
    pub country_key: String,
    pub year: i32,
    pub commodity: String,
    pub stage: Option<String>,
    pub unit: String,
}

impl FactKey {
    pub fn of(record: &ProductionRecord) -> FactKey {
        FactKey {
            series: record.series,
            country_key: record
                .iso3
                .clone()
                .unwrap_or_else(|| countries::normalise_name(&record.country)),
            year: record.year,
            commodity: record.commodity.clone(),
            stage: record.stage.clone(),
            unit: record.unit.clone(),
        }
    }
}

/// Two records of the same fact whose values differ.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueConflict {
    pub key: FactKey,
    pub kept_edition: Option<String>,
    pub kept_file: String,
    pub kept_quantity: Option<f64>,
    pub kept_flag: Option<String>,
    pub other_edition: Option<String>,
    pub other_file: String,
    pub other_quantity: Option<f64>,
    pub other_flag: Option<String>,
    /// Both records come from the same edition: not a revision but a disagreement.
    pub same_edition: bool,
}

/// What [`dedup_production`] did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DedupReport {
    /// Records given.
    pub records_in: usize,
    /// Records kept (one per fact).
    pub kept: usize,
    /// Records dropped as duplicates, per source file.
    pub removed_per_file: BTreeMap<String, usize>,
    /// Records kept, per source file.
    pub kept_per_file: BTreeMap<String, usize>,
    /// Every dropped record whose value differs from the kept one, sorted by fact.
    pub conflicts: Vec<ValueConflict>,
}

impl DedupReport {
    /// Records dropped in all.
    pub fn removed(&self) -> usize {
        self.removed_per_file.values().sum()
    }

    /// Conflicts between two files of the same edition (not revisions).
    pub fn same_edition_conflicts(&self) -> impl Iterator<Item = &ValueConflict> {
        self.conflicts.iter().filter(|c| c.same_edition)
    }
}

/// Keeps one record per fact (see the module doc); the kept records stay in input order.
pub fn dedup_production(records: Vec<ProductionRecord>) -> (Vec<ProductionRecord>, DedupReport) {
    let mut report = DedupReport {
        records_in: records.len(),
        ..DedupReport::default()
    };
    // Group record indices by fact, facts in order of first appearance.
    let mut groups: Vec<(FactKey, Vec<usize>)> = Vec::new();
    let mut group_of: HashMap<FactKey, usize> = HashMap::new();
    for (i, record) in records.iter().enumerate() {
        let key = FactKey::of(record);
        match group_of.get(&key) {
            Some(&g) => groups[g].1.push(i),
            None => {
                group_of.insert(key.clone(), groups.len());
                groups.push((key, vec![i]));
            }
        }
    }

    // (winning record, and when it had duplicates: their descriptions and whether any differs)
    type Winner = (usize, Option<(Vec<String>, bool)>);
    let mut winners: Vec<Winner> = Vec::with_capacity(groups.len());
    for (key, members) in &groups {
        let Some(&winner) = members
            .iter()
            .min_by(|&&a, &&b| rank(&records[a], a, &records[b], b))
        else {
            continue;
        };
        if members.len() == 1 {
            winners.push((winner, None));
            continue;
        }
        let kept = &records[winner];
        let mut also_in = Vec::new();
        let mut any_differ = false;
        let mut others: Vec<usize> = members.iter().copied().filter(|&i| i != winner).collect();
        others.sort_by(|&a, &b| rank(&records[a], a, &records[b], b));
        for other_index in others {
            let other = &records[other_index];
            *report
                .removed_per_file
                .entry(other.source_file.clone())
                .or_insert(0) += 1;
            let same = same_value(kept, other);
            any_differ |= !same;
            also_in.push(format!(
                "{} {}: {} ({})",
                other.edition.as_deref().unwrap_or("no edition"),
                other.source_file,
                value_text(other),
                if same { "same" } else { "differs" }
            ));
            if !same {
                report.conflicts.push(ValueConflict {
                    key: key.clone(),
                    kept_edition: kept.edition.clone(),
                    kept_file: kept.source_file.clone(),
                    kept_quantity: kept.quantity,
                    kept_flag: kept.flag.clone(),
                    other_edition: other.edition.clone(),
                    other_file: other.source_file.clone(),
                    other_quantity: other.quantity,
                    other_flag: other.flag.clone(),
                    same_edition: kept.edition == other.edition,
                });
            }
        }
        winners.push((winner, Some((also_in, any_differ))));
    }
    winners.sort_by_key(|(i, _)| *i);

    let mut annotations: HashMap<usize, (Vec<String>, bool)> = HashMap::new();
    let mut keep = vec![false; records.len()];
    for (i, note) in winners {
        keep[i] = true;
        if let Some(note) = note {
            annotations.insert(i, note);
        }
    }
    let mut kept_records = Vec::with_capacity(report.records_in);
    for (i, mut record) in records.into_iter().enumerate() {
        if !keep[i] {
            continue;
        }
        if let Some((also_in, differ)) = annotations.remove(&i) {
            record
                .extra
                .insert("dedup_also_in".to_string(), also_in.join("; "));
            record.extra.insert(
                "dedup_values_differ".to_string(),
                if differ { "yes" } else { "no" }.to_string(),
            );
        }
        *report
            .kept_per_file
            .entry(record.source_file.clone())
            .or_insert(0) += 1;
        kept_records.push(record);
    }
    report.kept = kept_records.len();
    report.conflicts.sort_by(|a, b| {
        a.key
            .cmp(&b.key)
            .then_with(|| a.other_edition.cmp(&b.other_edition))
            .then_with(|| a.other_file.cmp(&b.other_file))
    });
    (kept_records, report)
}

/// Orders records best first: newest edition, original before derived, file name, input order.
fn rank(a: &ProductionRecord, ai: usize, b: &ProductionRecord, bi: usize) -> Ordering {
    edition_number(b.edition.as_deref())
        .cmp(&edition_number(a.edition.as_deref()))
        .then_with(|| is_derived(a).cmp(&is_derived(b)))
        .then_with(|| a.source_file.cmp(&b.source_file))
        .then_with(|| ai.cmp(&bi))
}

/// `MCS2024` → Some(2024); None sorts below every edition.
fn edition_number(edition: Option<&str>) -> Option<u32> {
    let digits: String = edition?.chars().filter(char::is_ascii_digit).collect();
    digits.parse().ok()
}

fn is_derived(record: &ProductionRecord) -> bool {
    record.extra.contains_key(DERIVED_FROM_KEY)
}

fn same_value(a: &ProductionRecord, b: &ProductionRecord) -> bool {
    match (a.quantity, b.quantity) {
        (Some(x), Some(y)) => x == y,
        (None, None) => a.flag == b.flag,
        _ => false,
    }
}

fn value_text(record: &ProductionRecord) -> String {
    match (record.quantity, record.flag.as_deref()) {
        (Some(q), _) => format!("{q}"),
        (None, Some(flag)) => flag.to_string(),
        (None, None) => "no value".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Extra, ValueType};

    fn record(
        edition: &str,
        file: &str,
        country: &str,
        iso3: Option<&str>,
        year: i32,
        quantity: Option<f64>,
    ) -> ProductionRecord {
        ProductionRecord {
            series: ProductionSeries::UsgsMcs,
            country: country.to_string(),
            iso3: iso3.map(String::from),
            year,
            commodity: "lithium".to_string(),
            stage: Some("mine".to_string()),
            quantity,
            unit: "metric tons (lithium content)".to_string(),
            value_type: ValueType::Reported,
            flag: quantity.is_none().then(|| "W".to_string()),
            measure: None,
            edition: Some(edition.to_string()),
            source_file: file.to_string(),
            extra: Extra::new(),
        }
    }

    fn derived(mut r: ProductionRecord, from: &str) -> ProductionRecord {
        r.extra
            .insert(DERIVED_FROM_KEY.to_string(), from.to_string());
        r
    }

    #[test]
    fn newest_edition_wins_and_original_beats_derived() {
        let records = vec![
            // 2021 in MCS2022 (estimate) and MCS2023 (revised), and in the long file.
            record(
                "MCS2022",
                "lithium_mcs2022.csv",
                "Chile",
                Some("CHL"),
                2021,
                Some(26000.0),
            ),
            derived(
                record(
                    "MCS2023",
                    "long.csv",
                    "Chile",
                    Some("CHL"),
                    2021,
                    Some(26000.0),
                ),
                "mcs2023-lithi_world.csv",
            ),
            record(
                "MCS2023",
                "mcs2023-lithi_world.csv",
                "Chile",
                Some("CHL"),
                2021,
                Some(26000.0),
            ),
            // A fact seen once.
            record(
                "MCS2022",
                "lithium_mcs2022.csv",
                "Chile",
                Some("CHL"),
                2020,
                Some(21500.0),
            ),
            // Withheld in both editions.
            record(
                "MCS2022",
                "lithium_mcs2022.csv",
                "United States",
                Some("USA"),
                2021,
                None,
            ),
            record(
                "MCS2023",
                "mcs2023-lithi_world.csv",
                "United States",
                Some("USA"),
                2021,
                None,
            ),
        ];
        let (kept, report) = dedup_production(records);
        assert_eq!(report.records_in, 6);
        assert_eq!(report.kept, 3);
        assert_eq!(kept.len(), 3);
        let chile = &kept[0];
        assert_eq!(chile.source_file, "mcs2023-lithi_world.csv");
        assert_eq!(chile.year, 2021);
        assert_eq!(
            chile.extra.get("dedup_also_in").map(String::as_str),
            Some("MCS2023 long.csv: 26000 (same); MCS2022 lithium_mcs2022.csv: 26000 (same)")
        );
        assert_eq!(
            chile.extra.get("dedup_values_differ").map(String::as_str),
            Some("no")
        );
        assert_eq!(kept[1].year, 2020);
        assert!(kept[1].extra.is_empty());
        assert_eq!(kept[2].flag.as_deref(), Some("W"));
        assert_eq!(report.removed(), 3);
        assert_eq!(report.removed_per_file.get("lithium_mcs2022.csv"), Some(&2));
        assert_eq!(report.removed_per_file.get("long.csv"), Some(&1));
        assert_eq!(
            report.kept_per_file.get("mcs2023-lithi_world.csv"),
            Some(&2)
        );
        assert!(report.conflicts.is_empty());
    }

    #[test]
    fn revisions_and_disagreements_are_listed() {
        let records = vec![
            record(
                "MCS2022",
                "a_2022.csv",
                "China",
                Some("CHN"),
                2021,
                Some(14000.0),
            ),
            record(
                "MCS2023",
                "b_2023.csv",
                "China",
                Some("CHN"),
                2021,
                Some(14000.0),
            ),
            derived(
                record(
                    "MCS2023",
                    "long.csv",
                    "China",
                    Some("CHN"),
                    2021,
                    Some(13000.0),
                ),
                "b_2023.csv",
            ),
            record(
                "MCS2024",
                "c_2024.csv",
                "China",
                Some("CHN"),
                2021,
                Some(19600.0),
            ),
        ];
        let (kept, report) = dedup_production(records);
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].edition.as_deref(), Some("MCS2024"));
        assert_eq!(
            kept[0].extra.get("dedup_values_differ").map(String::as_str),
            Some("yes")
        );
        assert_eq!(report.conflicts.len(), 3);
        assert_eq!(report.same_edition_conflicts().count(), 0);
        // Kept MCS2024 vs each: all revisions (different editions).
        assert!(report
            .conflicts
            .iter()
            .all(|c| c.kept_quantity == Some(19600.0)));
    }

    #[test]
    fn same_edition_disagreement() {
        let records = vec![
            record(
                "MCS2023",
                "b_2023.csv",
                "China",
                Some("CHN"),
                2021,
                Some(14000.0),
            ),
            derived(
                record(
                    "MCS2023",
                    "long.csv",
                    "China",
                    Some("CHN"),
                    2021,
                    Some(13000.0),
                ),
                "b_2023.csv",
            ),
        ];
        let (kept, report) = dedup_production(records);
        assert_eq!(kept[0].source_file, "b_2023.csv");
        let c = &report.conflicts[0];
        assert!(c.same_edition);
        assert_eq!(
            (c.other_file.as_str(), c.other_quantity),
            ("long.csv", Some(13000.0))
        );
    }

    #[test]
    fn country_key_falls_back_to_the_name_and_zero_equals_dash() {
        let mut a = record(
            "MCS2024",
            "x.csv",
            "Other countries6",
            None,
            2023,
            Some(0.0),
        );
        a.country = "Other countries".to_string();
        let mut b = record("MCS2026", "t.csv", "Other countries", None, 2023, Some(0.0));
        b.flag = Some("—".to_string());
        let c = record(
            "MCS2024",
            "x.csv",
            "World total (rounded)",
            None,
            2023,
            Some(1.0),
        );
        let (kept, report) = dedup_production(vec![a, b, c]);
        assert_eq!(kept.len(), 2);
        assert_eq!(kept[0].source_file, "t.csv");
        assert!(report.conflicts.is_empty());
    }

    #[test]
    fn different_units_stages_or_series_are_different_facts() {
        let a = record("MCS2024", "x.csv", "Chile", Some("CHL"), 2023, Some(1.0));
        let mut b = a.clone();
        b.unit = "metric tons".to_string();
        let mut c = a.clone();
        c.stage = Some("refinery".to_string());
        let mut d = a.clone();
        d.series = ProductionSeries::Owid1970_2015;
        let (kept, report) = dedup_production(vec![a, b, c, d]);
        assert_eq!(kept.len(), 4);
        assert_eq!(report.removed(), 0);
    }
}
