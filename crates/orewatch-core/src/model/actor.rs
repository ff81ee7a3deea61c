use serde::{Deserialize, Serialize};

use super::Extra;

/// An organisation from the UCDP actor list (governments, rebel groups, militias, …).
///
/// Id lists (`ActorIdPrev`, `ActorIdAlliance`, `ActorIdGroup`, …) are comma-separated in the
/// source and are parsed into vectors; names stay as text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Actor {
    pub actor_id: u32,
    /// `NameData`: the name used in UCDP's event data (GED `side_a`/`side_b`).
    pub name: String,
    pub name_orig: Option<String>,
    pub name_orig_full: Option<String>,
    pub name_orig_full_eng: Option<String>,
    /// `Org`: UCDP's organisation type code (1 rebel group … 4 government).
    pub org_type: Option<u8>,
    /// `NameChange` = 1 and `NewName`.
    pub new_name: Option<String>,
    /// `Splinter` = 1: the ids it split from (`ActorIdPrev`) and their names (`NamePrev`).
    pub splinter_of_ids: Vec<u32>,
    pub splinter_of_names: Option<String>,
    /// `Alliance` = 1: the alliances it formed (`ActorIdAlliance`, `NameAlliance`).
    pub alliance_ids: Vec<u32>,
    pub alliance_names: Option<String>,
    /// `JoinGroup` = 1: the groups or coalitions it joined (`ActorIdGroup`, `GroupName`).
    pub joined_group_ids: Vec<u32>,
    pub joined_group_names: Option<String>,
    pub location: Option<String>,
    /// UCDP region codes (1 Europe, 2 Middle East, 3 Asia, 4 Africa, 5 Americas).
    pub region: Option<String>,
    /// The actor-list version (`22.1`).
    pub version: Option<String>,
    /// Typed columns whose text could not be fully parsed (an id list with a non-numeric
    /// part, a non-numeric `Org`). The row is kept: numeric parts are still parsed, and the
    /// column's raw text is in `extra` under its own name. Non-empty means the actor is flagged.
    pub unparsed_columns: Vec<String>,
    pub extra: Extra,
}
