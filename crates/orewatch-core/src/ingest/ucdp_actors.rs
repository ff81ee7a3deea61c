//! Reader for the UCDP actor list (`ucdp_actor_v22_1.csv`): one row per organisation
//! (governments, rebel groups, militias, …) with its names, name changes, splinters,
//! alliances, coalitions and locations, turned into [`Actor`]s.
//!
//! # Layout
//! One layout, read by column name: a header with at least `ActorId` and `NameData` (UTF-8,
//! an optional BOM is removed); 22.1 has 35 columns,
//! `ActorId,NameData,NameOrig,…,JoinGroup,GroupName,ActorIdGroup,Location,GWNOLoc,Region,Version`.
//! A header without `ActorId`, `NameData` and `Org` is [`IngestError::UnknownLayout`].
//!
//! # Mapping
//! `ActorId` → `actor_id`, `NameData` → `name`, `NameOrig*`, `NewName`, `Org` (organisation
//! type code), `NamePrev`/`ActorIdPrev` (splinter of), `NameAlliance`/`ActorIdAlliance`,
//! `GroupName`/`ActorIdGroup` (groups joined), `Location`, `Region`, `Version` typed; every
//! other column (`NameChange`, `ConflictId`, `DyadId`, `GWNOLoc`, coalition and split columns,
//! …) verbatim into `extra`. `n/a` and empty are missing. Id lists are comma-separated
//! (`"11884, 226"`) and parsed into `Vec<u32>`; names stay as the source writes them.
//!
//! # Validation
//! Quarantined: `ActorId` not a whole number, an `ActorId` seen before in the file, empty
//! `NameData`, a wrong number of fields, text that is not UTF-8. Kept but flagged: an id list
//! with a non-numeric part, or a non-numeric `Org` — the numeric parts are still parsed, the
//! column's raw text is kept in `extra` under its own name, and the column is listed in
//! `Actor::unparsed_columns` (counted in `ReadOutcome::flagged`).
//!
//! # What it does not do
//! It does not check that listed ids resolve to actors in the file, nor build the alliance
//! or coalition graph: that is the actors analysis.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use super::csv_rows::{self, CsvRows, Header, Row};
use super::text::non_missing;
use super::{IngestError, ReadOutcome};
use crate::model::{Actor, Extra, QuarantineRecord};

/// Columns the header must have (the reader needs only the first two; `Org` makes the
/// detection strict).
pub(crate) const REQUIRED: [&str; 3] = ["ActorId", "NameData", "Org"];

/// Columns with a typed home in [`Actor`].
const TYPED_COLUMNS: [&str; 16] = [
    "ActorId",
    "NameData",
    "NameOrig",
    "NameOrigFull",
    "NameOrigFullEng",
    "NewName",
    "Org",
    "NamePrev",
    "ActorIdPrev",
    "NameAlliance",
    "ActorIdAlliance",
    "GroupName",
    "ActorIdGroup",
    "Location",
    "Region",
    "Version",
];

/// Says whether `head` (up to the first 64 KiB of a file) is a UCDP actor list: its header
/// has `ActorId`, `NameData` and `Org`. The file name is not used.
pub fn sniff(head: &[u8], _file_name: &str) -> bool {
    csv_rows::header_of(head).is_some_and(|h| h.missing(&REQUIRED).is_empty())
}

/// Reads a UCDP actor list from disk.
pub fn read_path(path: &Path) -> Result<ReadOutcome<Actor>, IngestError> {
    let file = csv_rows::open(path)?;
    read(file, &path.to_string_lossy())
}

/// Reads a UCDP actor list from `input`; `file` names the file in quarantine records.
pub fn read<R: Read>(input: R, file: &str) -> Result<ReadOutcome<Actor>, IngestError> {
    let mut rows = CsvRows::new(input, file);
    let expected = || {
        format!(
            "a UCDP actor list CSV whose header has {} (22.1: ActorId,NameData,NameOrig,…,Region,Version)",
            REQUIRED.join(",")
        )
    };
    let header = rows.header_expecting(expected())?;
    let missing = header.missing(&REQUIRED);
    if !missing.is_empty() {
        return Err(IngestError::UnknownLayout {
            path: file.into(),
            detail: format!(
                "header [{}] lacks {}",
                header.names().join(","),
                missing.join(",")
            ),
            expected: expected(),
        });
    }
    let mut out = ReadOutcome::new(format!("UCDP actor list ({} columns)", header.len()));
    let mut seen: HashMap<u32, u64> = HashMap::new();
    while let Some(row) = rows.next_row()? {
        out.rows_read += 1;
        let row = match row {
            Ok(row) => row,
            Err(bad) => {
                out.quarantined
                    .push(bad.quarantine(file, &header, "UTF-8 text"));
                continue;
            }
        };
        match actor(&header, &row, &seen) {
            Ok(actor) => {
                if !actor.unparsed_columns.is_empty() {
                    out.flagged += 1;
                }
                seen.insert(actor.actor_id, row.line);
                out.records.push(actor);
            }
            Err(r) => out.quarantined.push(QuarantineRecord {
                file: file.to_string(),
                line: row.line,
                column: r.column,
                value: r.value,
                reason: r.reason,
                raw: row.raw(),
            }),
        }
    }
    Ok(out)
}

struct Refusal {
    column: Option<String>,
    value: String,
    reason: String,
}

fn actor(header: &Header, row: &Row, seen: &HashMap<u32, u64>) -> Result<Actor, Refusal> {
    let fields = &row.fields;
    if fields.len() != header.len() {
        return Err(Refusal {
            column: None,
            value: String::new(),
            reason: format!(
                "{} fields as in the header, found {}",
                header.len(),
                fields.len()
            ),
        });
    }
    let raw = |name: &str| -> &str {
        header
            .position(name)
            .and_then(|i| fields.get(i))
            .map_or("", String::as_str)
    };
    let text = |name: &str| non_missing(raw(name)).map(str::to_string);
    let refuse = |name: &str, reason: String| Refusal {
        column: Some(name.to_string()),
        value: raw(name).to_string(),
        reason,
    };

    let actor_id: u32 = raw("ActorId")
        .trim()
        .parse()
        .map_err(|_| refuse("ActorId", "a whole-number ActorId".to_string()))?;
    if let Some(first_line) = seen.get(&actor_id) {
        return Err(refuse(
            "ActorId",
            format!("duplicate ActorId within file (first seen on line {first_line})"),
        ));
    }
    let name =
        text("NameData").ok_or_else(|| refuse("NameData", "a non-empty NameData".to_string()))?;

    let mut extra = Extra::new();
    for (i, value) in fields.iter().enumerate() {
        let column = header.name(i);
        if !TYPED_COLUMNS.contains(&column) && non_missing(value).is_some() {
            extra.insert(column.to_string(), value.clone());
        }
    }
    let mut unparsed_columns = Vec::new();
    let mut id_list = |column: &str| -> Vec<u32> {
        let (ids, complete) = parse_id_list(raw(column));
        if !complete {
            unparsed_columns.push(column.to_string());
            extra.insert(column.to_string(), raw(column).to_string());
        }
        ids
    };
    let splinter_of_ids = id_list("ActorIdPrev");
    let alliance_ids = id_list("ActorIdAlliance");
    let joined_group_ids = id_list("ActorIdGroup");
    let org_type = match non_missing(raw("Org")) {
        None => None,
        Some(v) => match v.parse::<u8>() {
            Ok(code) => Some(code),
            Err(_) => {
                unparsed_columns.push("Org".to_string());
                extra.insert("Org".to_string(), raw("Org").to_string());
                None
            }
        },
    };

    Ok(Actor {
        actor_id,
        name,
        name_orig: text("NameOrig"),
        name_orig_full: text("NameOrigFull"),
        name_orig_full_eng: text("NameOrigFullEng"),
        org_type,
        new_name: text("NewName"),
        splinter_of_ids,
        splinter_of_names: text("NamePrev"),
        alliance_ids,
        alliance_names: text("NameAlliance"),
        joined_group_ids,
        joined_group_names: text("GroupName"),
        location: text("Location"),
        region: text("Region"),
        version: text("Version"),
        unparsed_columns,
        extra,
    })
}

/// Parses `"11884, 226"` into `[11884, 226]`; missing (`""`, `n/a`) is empty. The flag is
/// false when some part is not a whole number (the numeric parts are still returned).
fn parse_id_list(s: &str) -> (Vec<u32>, bool) {
    let Some(s) = non_missing(s) else {
        return (Vec::new(), true);
    };
    let mut ids = Vec::new();
    let mut complete = true;
    for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        match part.parse::<u32>() {
            Ok(id) => ids.push(id),
            Err(_) => complete = false,
        }
    }
    (ids, complete)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "\u{feff}ActorId,NameData,NameOrig,NameOrigFull,NameOrigFullEng,NameChange,NewName,NewNameFullMotherTongue,NewNameFullEng,Org,ConflictId,DyadId,PrimaryParty,OSID,OSCoalition,OSCoalitionID,NSID,NSCoalition,NSCoalitionID,Splinter,NamePrev,ActorIdPrev,SplitTemp,NameSplitTemp,ActorIdSplitTemp,Alliance,NameAlliance,ActorIdAlliance,JoinGroup,GroupName,ActorIdGroup,Location,GWNOLoc,Region,Version";

    fn read_rows(rows: &[&str]) -> ReadOutcome<Actor> {
        let text = format!("{HEADER}\n{}\n", rows.join("\n"));
        read(text.as_bytes(), "ucdp_actor_test.csv").expect("reads")
    }

    #[test]
    fn reads_lists_and_missing_markers() {
        let out = read_rows(&[
            "2,Government of Hyderabad,Government of Hyderabad,n/a,Government of Hyderabad,0,,,,4,\"11884, 226\",\"12618, 448\",1,,0,,,0,,0,,,0,,,0,,,0,,,\"Hyderabad, India\",\"751, 750\",3,22.1",
            "6267,FLM,FLM,n/a,Macina Liberation Front,0,,,,1,,,0,,0,,,0,,1,Ansar Dine,1157,0,,,0,,,1,\"Ansar Dine, JNIM\",\"1157, 6716\",Mali,432,4,22.1",
        ]);
        assert_eq!(out.layout, "UCDP actor list (35 columns)");
        assert_eq!(out.rows_read, 2);
        assert!(out.quarantined.is_empty(), "{:?}", out.quarantined);
        let a = &out.records[0];
        assert_eq!(a.actor_id, 2);
        assert_eq!(a.name_orig_full, None, "n/a is missing");
        assert_eq!(a.org_type, Some(4));
        assert_eq!(a.location.as_deref(), Some("Hyderabad, India"));
        assert_eq!(
            a.extra.get("ConflictId").map(String::as_str),
            Some("11884, 226")
        );
        assert_eq!(a.extra.get("GWNOLoc").map(String::as_str), Some("751, 750"));
        assert!(!a.extra.contains_key("NewName"));
        let flm = &out.records[1];
        assert_eq!(flm.splinter_of_ids, vec![1157]);
        assert_eq!(flm.joined_group_ids, vec![1157, 6716]);
        assert_eq!(flm.joined_group_names.as_deref(), Some("Ansar Dine, JNIM"));
        assert_eq!(flm.version.as_deref(), Some("22.1"));
        assert_eq!(flm.region.as_deref(), Some("4"));
        assert!(flm.unparsed_columns.is_empty());
        assert_eq!(out.flagged, 0);
    }

    #[test]
    fn non_numeric_id_list_is_kept_and_flagged() {
        let out = read_rows(&[
            "9,Group X,Group X,n/a,Group X,0,,,,rebel,,,0,,0,,,0,,0,,,0,,,1,Y,\"12, unknown\",0,,,Mali,432,4,22.1",
        ]);
        assert!(out.quarantined.is_empty());
        let a = &out.records[0];
        assert_eq!(a.alliance_ids, vec![12]);
        assert_eq!(a.unparsed_columns, vec!["ActorIdAlliance", "Org"]);
        assert_eq!(
            a.extra.get("ActorIdAlliance").map(String::as_str),
            Some("12, unknown")
        );
        assert_eq!(a.extra.get("Org").map(String::as_str), Some("rebel"));
        assert_eq!(a.org_type, None);
        assert_eq!(out.flagged, 1);
    }

    #[test]
    fn malformed_rows_are_quarantined() {
        let good = "5,A,A,n/a,A,0,,,,1,,,0,,0,,,0,,0,,,0,,,0,,,0,,,Mali,432,4,22.1";
        let out = read_rows(&[
            "x5,A,A,n/a,A,0,,,,1,,,0,,0,,,0,,0,,,0,,,0,,,0,,,Mali,432,4,22.1",
            good,
            good,
            "6,,A,n/a,A,0,,,,1,,,0,,0,,,0,,0,,,0,,,0,,,0,,,Mali,432,4,22.1",
            "7,A,A",
        ]);
        assert_eq!(out.rows_read, 5);
        assert_eq!(out.records.len(), 1);
        let got = out.quarantine_summary();
        assert_eq!(
            got,
            vec![
                (2, Some("ActorId"), "x5", "a whole-number ActorId"),
                (
                    4,
                    Some("ActorId"),
                    "5",
                    "duplicate ActorId within file (first seen on line 3)"
                ),
                (5, Some("NameData"), "", "a non-empty NameData"),
                (6, None, "", "35 fields as in the header, found 3"),
            ]
        );
    }

    #[test]
    fn layout_detection_and_sniff() {
        assert!(sniff(HEADER.as_bytes(), "ucdp_actor_v22_1.csv"));
        assert!(!sniff(b"id,year,month,day\n", "ucdp_actor_v22_1.csv"));
        let err = read("ActorId,Name\n1,A\n".as_bytes(), "a.csv").unwrap_err();
        assert!(err.to_string().contains("lacks NameData,Org"), "{err}");
        assert_eq!(parse_id_list("n/a"), (vec![], true));
        assert_eq!(parse_id_list("11884, 226"), (vec![11884, 226], true));
    }
}
