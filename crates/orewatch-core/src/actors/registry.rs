//! The UCDP actor list as a lookup table and a set of relations.
//!
//! Input: the store's actors table (UCDP actor list 22.1, one [`Actor`] per organisation).
//! Lookups ([`Registry::find`]): a text against every actor's `NameData` (exact — commas
//! included: "Interahamwe, ex-FAR" is ONE actor —, then up to case and spaces), its former
//! names (`NameOrig` when it differs, each part of `NewName`: MNLA → CMA 1158), its full names
//! (`NameOrigFull`, `NameOrigFullEng`, `NewNameFull*`, small words and punctuation ignored),
//! and its names up to punctuation ("Al Shabaab" = "Al-Shabaab"). Every match is returned with
//! its strength; the resolver decides what to accept. Each actor's `Location` is kept as ISO3
//! codes ([`Registry::locations`]) so that weak matches can be checked against the place of the
//! events; `Government of X` is found by UCDP's spelling of X ([`Registry::government`]).
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

use serde::{Deserialize, Serialize};

use crate::model::{conflict_countries, Actor};

/// Stated wherever JNIM's links are shown.
pub const JNIM_NOTE: &str = "UCDP actor list 22.1 links Ansar Dine (alliance) and FLM (joined \
Ansar Dine and JNIM) to JNIM; it does not link AQIM or al-Murabitun to JNIM (al-Murabitun \
joined AQIM), and orewatch adds no link the list lacks.";

/// A relation between two UCDP actors, as the actor list states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Relation {
    pub from: u32,
    pub to: u32,
    pub kind: RelationKind,
    /// Whether `to` is itself an actor of the list.
    pub target_listed: bool,
}

/// How a text matched a listed actor, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lookup {
    /// `NameData` byte for byte.
    ExactName,
    /// `NameData` after [`normalise`] (case, white space, typographic quotes).
    Normalised,
    /// A former or original name the list gives (`NameOrig`, the parts of `NewName`).
    FormerName,
    /// A full name the list gives (original, English, new), small words and punctuation
    /// ignored ([`full_name_key`]): a weaker match, accepted only where the actor is located.
    FullName,
    /// `NameData` or a former name with every character that is not a letter or a digit
    /// removed ("Al Shabaab" = "Al-Shabaab"): a weaker match, accepted only where the actor
    /// is located (see [`crate::actors::resolve`]).
    Loose,
}

impl Lookup {
    pub fn as_str(self) -> &'static str {
        match self {
            Lookup::ExactName => "exact UCDP name",
            Lookup::Normalised => "UCDP name up to case and spaces",
            Lookup::FormerName => "former name in the UCDP list",
            Lookup::FullName => "full name in the UCDP list",
            Lookup::Loose => "UCDP name up to punctuation",
        }
    }
}

/// The UCDP actor list, indexed.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    actors: Vec<Actor>,
    by_id: HashMap<u32, usize>,
    exact: HashMap<String, Vec<usize>>,
    normalised: HashMap<String, Vec<usize>>,
    former: HashMap<String, Vec<usize>>,
    full: HashMap<String, Vec<usize>>,
    loose: HashMap<String, Vec<usize>>,
    /// Per actor: ISO3 codes of its `Location` list.
    locations: Vec<Vec<&'static str>>,
    /// Per actor: [`full_name_key`]s of its full names (original, English, new names).
    full_names: Vec<Vec<String>>,
}

fn push_unique(map: &mut HashMap<String, Vec<usize>>, key: String, i: usize) {
    if key.is_empty() {
        return;
    }
    let list = map.entry(key).or_default();
    if !list.contains(&i) {
        list.push(i);
    }
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
            push_unique(&mut r.exact, a.name.clone(), i);
            push_unique(&mut r.normalised, normalise(&a.name), i);
            push_unique(&mut r.loose, loose(&a.name), i);
            for former in former_names(a) {
                push_unique(&mut r.former, normalise(&former), i);
                push_unique(&mut r.loose, loose(&former), i);
            }
            r.locations.push(
                a.location
                    .as_deref()
                    .map(conflict_countries::iso3_of_list)
                    .unwrap_or_default(),
            );
            let mut keys: Vec<String> = Vec::new();
            for full in full_names(a) {
                let k = full_name_key(&full);
                if !k.is_empty() && !keys.contains(&k) {
                    push_unique(&mut r.full, k.clone(), i);
                    keys.push(k);
                }
            }
            r.full_names.push(keys);
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

    /// The actors `text` names, each once, with the strongest way it matched, strongest
    /// first (list order within one strength): exact, normalised, former name, full name,
    /// loose.
    pub fn find(&self, text: &str) -> Vec<(&Actor, Lookup)> {
        let mut out: Vec<(usize, Lookup)> = Vec::new();
        let levels = [
            (self.exact.get(text), Lookup::ExactName),
            (self.normalised.get(&normalise(text)), Lookup::Normalised),
            (self.former.get(&normalise(text)), Lookup::FormerName),
            (self.full.get(&full_name_key(text)), Lookup::FullName),
            (self.loose.get(&loose(text)), Lookup::Loose),
        ];
        for (hits, how) in levels {
            for &i in hits.into_iter().flatten() {
                if !out.iter().any(|(j, _)| *j == i) {
                    out.push((i, how));
                }
            }
        }
        out.into_iter()
            .map(|(i, how)| (&self.actors[i], how))
            .collect()
    }

    /// The ISO3 codes of an actor's `Location` list.
    pub fn locations(&self, id: u32) -> &[&'static str] {
        self.by_id
            .get(&id)
            .map_or(&[][..], |&i| self.locations[i].as_slice())
    }

    /// Whether one of the actor's full names (original, English, new) has the same
    /// [`full_name_key`] as `full_name`.
    pub fn full_name_agrees(&self, id: u32, full_name: &str) -> bool {
        let key = full_name_key(full_name);
        !key.is_empty()
            && self
                .by_id
                .get(&id)
                .is_some_and(|&i| self.full_names[i].contains(&key))
    }

    /// The state `Government of {ucdp_country}` (UCDP's spelling of the country).
    pub fn government(&self, ucdp_country: &str) -> Option<&Actor> {
        self.exact
            .get(&format!("Government of {ucdp_country}"))
            .and_then(|v| v.first())
            .map(|&i| &self.actors[i])
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

/// A name with every character that is not a letter or a digit removed, lower case:
/// "Al Shabaab", "Al-Shabaab" and "al shabaab" are one key.
pub fn loose(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Small words left out when full names are compared ("Group for the Support of Islam and
/// Muslims" = "Group for Support of Islam and Muslims").
const STOPWORDS: [&str; 16] = [
    "the", "of", "for", "and", "in", "a", "an", "to", "de", "du", "des", "la", "le", "les", "et",
    "l",
];

/// A full name as compared: words (letters and digits) in lower case, small words
/// ([`STOPWORDS`]) left out, joined without spaces.
pub fn full_name_key(name: &str) -> String {
    name.split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
        .filter(|w| !w.is_empty() && !STOPWORDS.contains(&w.as_str()))
        .collect()
}

/// An actor's full names: `NameOrigFull`, `NameOrigFullEng`, and each part of
/// `NewNameFullMotherTongue` and `NewNameFullEng` (kept in `extra`).
pub fn full_names(actor: &Actor) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut push = |t: &str| {
        let t = t.trim();
        if !t.is_empty() && t != "n/a" && !out.iter().any(|o| o == t) {
            out.push(t.to_string());
        }
    };
    for t in [&actor.name_orig_full, &actor.name_orig_full_eng]
        .into_iter()
        .flatten()
    {
        push(t);
    }
    for column in ["NewNameFullMotherTongue", "NewNameFullEng"] {
        if let Some(list) = actor.extra.get(column) {
            for part in list.split(',') {
                push(part);
            }
        }
    }
    out
}
