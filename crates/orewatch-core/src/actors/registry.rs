//! The UCDP actor list as a lookup table and a set of relations.
//!
//! Input: the store's actors table (UCDP actor list 22.1, one [`Actor`] per organisation).
//! Lookups: by id; by exact `NameData` (the name GED uses, commas included: "Interahamwe,
//! ex-FAR" is ONE actor); by a normalised name ([`normalise`]); by a former name the list
//! itself gives (`NameOrig` when it differs from `NameData`, and each part of `NewName`, e.g.
//! MNLA → CMA 1158) — used only where it names exactly one actor.
//!
//! Relations, taken from the list only: `Alliance` (`ActorIdAlliance`), `Splinter`
//! (`ActorIdPrev`: the actor split from those ids), `JoinGroup` (`ActorIdGroup`: the actor
//! joined those groups or coalitions). Id lists may hold several ids. A listed id that is not in
//! the list is kept with `target_listed = false` rather than dropped.
//!
//! What it does NOT do: add relations the list lacks. In 22.1 Ansar Dine (1157) is allied with
//! JNIM (6716) and FLM (6267) joined "Ansar Dine, JNIM"; AQIM and al-Murabitun are not linked
//! to JNIM (al-Murabitun joined AQIM), whatever public reporting says of JNIM's founding.

use std::collections::HashMap;

use serde::Serialize;

use crate::model::Actor;

/// Stated wherever JNIM's links are shown.
pub const JNIM_NOTE: &str = "UCDP actor list 22.1 links Ansar Dine (alliance) and FLM (joined \
Ansar Dine and JNIM) to JNIM; it does not link AQIM or al-Murabitun to JNIM (al-Murabitun \
joined AQIM), and orewatch adds no link the list lacks.";

/// A relation between two UCDP actors, as the actor list states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RelationKind {
    /// `Alliance` = 1: `from` formed an alliance with `to`.
    Alliance,
    /// `Splinter` = 1: `from` split from `to`.
    Splinter,
    /// `JoinGroup` = 1: `from` joined the group or coalition `to`.
    Member,
}

impl RelationKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RelationKind::Alliance => "alliance",
            RelationKind::Splinter => "splinter",
            RelationKind::Member => "member",
        }
    }
}

/// One listed relation: `from` → `to` (directed as the list states it).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Relation {
    pub from: u32,
    pub to: u32,
    pub kind: RelationKind,
    /// Whether `to` is itself an actor of the list.
    pub target_listed: bool,
}

/// The UCDP actor list, indexed.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    actors: Vec<Actor>,
    by_id: HashMap<u32, usize>,
    by_name: HashMap<String, usize>,
    /// Normalised `NameData` → actor; None when two actors share the normalised name.
    by_normalised: HashMap<String, Option<usize>>,
    /// Normalised former names → actor; None when ambiguous.
    by_former: HashMap<String, Option<usize>>,
}

impl Registry {
    /// Indexes the actors (sorted by id; a repeated id keeps the first row).
    pub fn new(actors: &[Actor]) -> Registry {
        let mut list: Vec<Actor> = actors.to_vec();
        list.sort_by_key(|a| a.actor_id);
        list.dedup_by_key(|a| a.actor_id);
        let mut r = Registry {
            actors: list,
            ..Registry::default()
        };
        for (i, a) in r.actors.iter().enumerate() {
            r.by_id.insert(a.actor_id, i);
            r.by_name.entry(a.name.clone()).or_insert(i);
            insert_unique(&mut r.by_normalised, normalise(&a.name), i);
        }
        for (i, a) in r.actors.iter().enumerate() {
            for former in former_names(a) {
                let key = normalise(&former);
                // A former name that is some actor's current name is that actor's, not ours.
                if key.is_empty() || r.by_normalised.contains_key(&key) {
                    continue;
                }
                insert_unique(&mut r.by_former, key, i);
            }
        }
        r
    }

    pub fn len(&self) -> usize {
        self.actors.len()
    }

    pub fn is_empty(&self) -> bool {
        self.actors.is_empty()
    }

    pub fn actors(&self) -> &[Actor] {
        &self.actors
    }

    pub fn get(&self, id: u32) -> Option<&Actor> {
        self.by_id.get(&id).map(|&i| &self.actors[i])
    }

    /// The actor whose `NameData` is exactly `name`.
    pub fn by_exact_name(&self, name: &str) -> Option<&Actor> {
        self.by_name.get(name).map(|&i| &self.actors[i])
    }

    /// The one actor whose normalised `NameData` equals `normalise(name)`.
    pub fn by_normalised_name(&self, name: &str) -> Option<&Actor> {
        self.by_normalised
            .get(&normalise(name))
            .copied()
            .flatten()
            .map(|i| &self.actors[i])
    }

    /// The one actor that the list gives `name` as a former or original name of.
    pub fn by_former_name(&self, name: &str) -> Option<&Actor> {
        self.by_former
            .get(&normalise(name))
            .copied()
            .flatten()
            .map(|i| &self.actors[i])
    }

    /// Every relation the list states, sorted.
    pub fn relations(&self) -> Vec<Relation> {
        let mut out = Vec::new();
        for a in &self.actors {
            let lists = [
                (&a.alliance_ids, RelationKind::Alliance),
                (&a.splinter_of_ids, RelationKind::Splinter),
                (&a.joined_group_ids, RelationKind::Member),
            ];
            for (ids, kind) in lists {
                for &to in ids {
                    if to == a.actor_id {
                        continue;
                    }
                    out.push(Relation {
                        from: a.actor_id,
                        to,
                        kind,
                        target_listed: self.by_id.contains_key(&to),
                    });
                }
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// The relations that touch `id` (either end).
    pub fn relations_of(&self, id: u32) -> Vec<Relation> {
        self.relations()
            .into_iter()
            .filter(|r| r.from == id || r.to == id)
            .collect()
    }
}

fn insert_unique(map: &mut HashMap<String, Option<usize>>, key: String, i: usize) {
    map.entry(key)
        .and_modify(|v| {
            if *v != Some(i) {
                *v = None
            }
        })
        .or_insert(Some(i));
}

/// The names the list gives an actor besides `NameData`: `NameOrig` (when different; the
/// name at the start of its record) and each comma-separated part of `NewName` (its names in
/// order, e.g. IS: "TQJBR, ISI, ISIS, IS").
pub fn former_names(actor: &Actor) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(orig) = &actor.name_orig {
        if orig.trim() != actor.name.trim() {
            out.push(orig.trim().to_string());
        }
    }
    if let Some(new) = &actor.new_name {
        for part in new.split(',') {
            let part = part.trim();
            if !part.is_empty() && part != actor.name.trim() && !out.iter().any(|o| o == part) {
                out.push(part.to_string());
            }
        }
    }
    out
}

/// The documented normalisation of a name: typographic apostrophes and quotes (’ ‘ ´ `) to
/// `'`, runs of white space to one space, trimmed, lower case (Unicode).
pub fn normalise(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut space = false;
    for c in name.trim().chars() {
        let c = match c {
            '\u{2019}' | '\u{2018}' | '\u{00B4}' | '`' => '\'',
            c => c,
        };
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        out.extend(c.to_lowercase());
    }
    out
}
