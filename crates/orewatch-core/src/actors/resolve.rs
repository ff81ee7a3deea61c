//! From event side names to one of four outcomes: a UCDP actor, an organisation the UCDP list
//! does not have, a category, or an ambiguous pair.
//!
//! Every side name of the events (GED `side_a`/`side_b`; ACLED `actor1`/`actor2` and each
//! `assoc_actor_*` part) gets exactly one [`Outcome`]:
//! - **resolved**: one or more UCDP actors (id, name), with how ([`Method`], [`MatchKind`] and
//!   the text that matched) and what the name adds (branch, years, region, faction:
//!   [`Attributes`]);
//! - **unlisted**: an organisation the UCDP actor list does not have (MINUSMA, a party, a
//!   named militia, a mutiny): its own actor, never merged into another;
//! - **category**: not an organisation (civilians, protesters, rioters, unidentified armed
//!   groups, identity and social groups, identity militias without a proper name, private
//!   security forces): never an actor of a network;
//! - **ambiguous**: `A and/or B`: both candidates named, never silently one of them.
//!
//! Order of the steps; the first that applies wins:
//! 1. ids: the event's UCDP actor ids (GED `side_a_new_id`/`side_b_new_id`) when every id is
//!    listed;
//! 2. the whole name: the alias table (exactly, then normalised; also without an ACLED period
//!    `(2013-)`), then the list's names (exact `NameData` — names with commas included —, up
//!    to case and spaces, a former name the list gives);
//! 3. a comma-joined GED side ("GATIA, MSA") split, if every part resolves, is a category of
//!    civilians, or is an alias;
//! 4. ACLED's naming conventions ([`super::acled_names`]): `A and/or B` → ambiguous; `Mutiny of
//!    …`, `Former …` → unlisted (not the government); state forces → `Government of COUNTRY`
//!    through the country table (unlisted when UCDP has no such government); `Islamic State
//!    (…)` → the alias `Islamic State` with region and faction kept; categories (identity
//!    militias resolve when the UCDP list codes the identity group in that country, e.g.
//!    `Fulani Ethnic Militia (Mali)` → Fulani); organisation names: the name without period
//!    and qualifier, then the acronym and the full name of `ACRONYM: Full name`, the parts of
//!    `A - B`, `NAME` of `NAME Militia`;
//! 5. otherwise: an unlisted organisation named by the name without its period.
//!
//! Weak matches need evidence of place. A match is weak when the text was derived from the
//! name (acronym, full name, part, militia stem) or matched only a UCDP full name or a name
//! up to punctuation; it is
//! accepted only when the actor's UCDP `Location` includes the country of the event (the
//! [`Context`]), or, for an acronym, when the name's full name agrees with one of the list's
//! full names (small words and punctuation ignored). So `ADP: Alliance for the Defense of the
//! Homeland` in Burkina Faso is not Lebanon's ADP, and `MPLA: Popular Movement for the
//! Liberation of Azawad` in Mali is Mali's MPA (its original name), not Angola's MPLA. A
//! country qualifier (`Al Shabaab (Mozambique)`) requires the actor to be located there.
//!
//! There is no fuzzy matching: a near-miss stays an unlisted organisation, listed with its
//! event count (add an alias instead).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::acled_names::{
    self, CategoryKind, CategoryName, Derivation, IslamicStateName, Qualifier, StateForces,
};
use super::aliases::{Alias, AliasError, AliasTarget};
use super::registry::{normalise, Lookup, Registry};
use crate::model::{conflict_countries, Event, EventSource};

/// A canonical actor: a node of a network.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum ActorKey {
    /// A UCDP actor list id.
    Ucdp(u32),
    /// An organisation the UCDP list does not have, by its canonical name.
    Unlisted(String),
    /// An `A and/or B` side: the candidates' names joined by " and/or ".
    Ambiguous(String),
}

impl ActorKey {
    /// A stable id for exports: `ucdp-6716`, `org:MINUSMA`, `ambiguous:IS and/or JNIM`.
    pub fn id(&self) -> String {
        match self {
            ActorKey::Ucdp(id) => format!("ucdp-{id}"),
            ActorKey::Unlisted(n) => format!("org:{n}"),
            ActorKey::Ambiguous(n) => format!("ambiguous:{n}"),
        }
    }

    pub fn ucdp_id(&self) -> Option<u32> {
        match self {
            ActorKey::Ucdp(id) => Some(*id),
            _ => None,
        }
    }

    /// Whether the actor is in the UCDP list.
    pub fn is_listed(&self) -> bool {
        matches!(self, ActorKey::Ucdp(_))
    }

    pub fn outcome(&self) -> Outcome {
        match self {
            ActorKey::Ucdp(_) => Outcome::Resolved,
            ActorKey::Unlisted(_) => Outcome::Unlisted,
            ActorKey::Ambiguous(_) => Outcome::Ambiguous,
        }
    }
}

/// The four outcomes of a side name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// UCDP actor(s).
    Resolved,
    /// An organisation not in the UCDP list.
    Unlisted,
    /// Not an organisation.
    Category,
    /// `A and/or B`.
    Ambiguous,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Resolved => "resolved",
            Outcome::Unlisted => "organisation not in the UCDP list",
            Outcome::Category => "category",
            Outcome::Ambiguous => "ambiguous",
        }
    }
}

/// Which step or convention decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// The event's UCDP ids.
    Id,
    /// The whole name (alias table or UCDP list).
    Name,
    /// A comma-joined side whose every part resolved.
    Split,
    /// `A and/or B`.
    AndOr,
    /// `Mutiny of …` / `Former …`.
    NotTheGovernment,
    /// `Military/Police Forces of C (Y) [B]`, `Government of C (Y)`.
    StateForces,
    /// `Islamic State (R) - F`.
    IslamicState,
    /// A category of ACLED's vocabulary.
    Category,
    /// `X Ethnic/Communal/Clan Militia (C)` → the UCDP identity group X located in C.
    IdentityGroup,
    /// The name without its period and qualifier.
    BaseName,
    /// The acronym of `ACRONYM: Full name`.
    Acronym,
    /// The full name of `ACRONYM: Full name`.
    FullName,
    /// One part of `A - B`.
    Part,
    /// `NAME` of `NAME Militia`.
    MilitiaName,
    /// No rule and no lookup: an unlisted organisation under its own name.
    NotInList,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Id => "UCDP ids of the event",
            Method::Name => "whole name",
            Method::Split => "comma-joined side, every part resolved",
            Method::AndOr => "'A and/or B'",
            Method::NotTheGovernment => "mutiny or former forces: not the government",
            Method::StateForces => "state forces → Government of COUNTRY",
            Method::IslamicState => "Islamic State branch",
            Method::Category => "ACLED category",
            Method::IdentityGroup => "identity militia → UCDP identity group",
            Method::BaseName => "name without period or qualifier",
            Method::Acronym => "acronym",
            Method::FullName => "full name",
            Method::Part => "part of 'A - B'",
            Method::MilitiaName => "name before 'Militia'",
            Method::NotInList => "no UCDP actor matched",
        }
    }

    fn of(d: Derivation) -> Method {
        match d {
            Derivation::Base => Method::BaseName,
            Derivation::Acronym => Method::Acronym,
            Derivation::FullName => Method::FullName,
            Derivation::Part => Method::Part,
            Derivation::MilitiaName => Method::MilitiaName,
        }
    }
}

/// What matched the text a method produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchKind {
    Id,
    Alias,
    ExactName,
    Normalised,
    FormerName,
    FullName,
    Loose,
    /// The UCDP government of the country table's country.
    Government,
}

impl MatchKind {
    fn of(l: Lookup) -> MatchKind {
        match l {
            Lookup::ExactName => MatchKind::ExactName,
            Lookup::Normalised => MatchKind::Normalised,
            Lookup::FormerName => MatchKind::FormerName,
            Lookup::FullName => MatchKind::FullName,
            Lookup::Loose => MatchKind::Loose,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            MatchKind::Id => "UCDP id",
            MatchKind::Alias => "alias table",
            MatchKind::ExactName => Lookup::ExactName.as_str(),
            MatchKind::Normalised => Lookup::Normalised.as_str(),
            MatchKind::FormerName => Lookup::FormerName.as_str(),
            MatchKind::FullName => Lookup::FullName.as_str(),
            MatchKind::Loose => Lookup::Loose.as_str(),
            MatchKind::Government => "UCDP government of the country",
        }
    }
}

/// What a name says beyond the actor: kept, never used to merge or split actors.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Attributes {
    /// `military`, `police`, `government` (state forces).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub force: Option<String>,
    /// The country as the name gives it.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub country: Option<String>,
    /// ACLED's period (`2013-`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub years: Option<String>,
    /// A state service (`Gendarmerie`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub branch: Option<String>,
    /// An Islamic State region (`West Africa`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub region: Option<String>,
    /// A faction or coalition (`Lake Chad Faction`, `Platform`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub faction: Option<String>,
}

impl Attributes {
    fn of_state(sf: &StateForces) -> Attributes {
        Attributes {
            force: Some(sf.force.as_str().to_string()),
            country: Some(sf.country.clone()),
            years: sf.years.clone(),
            branch: sf.branch.clone(),
            ..Attributes::default()
        }
    }

    /// `key=value` pairs, for tables.
    pub fn describe(&self) -> String {
        let mut out: Vec<String> = Vec::new();
        for (k, v) in [
            ("force", &self.force),
            ("country", &self.country),
            ("years", &self.years),
            ("branch", &self.branch),
            ("region", &self.region),
            ("faction", &self.faction),
        ] {
            if let Some(v) = v {
                out.push(format!("{k}={v}"));
            }
        }
        out.join("; ")
    }
}

/// A category side.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Category {
    pub kind: CategoryKind,
    /// The name without the parenthesised country.
    pub label: String,
    pub country: Option<String>,
}

/// One candidate of an ambiguous name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    pub name: String,
    pub resolution: Resolution,
}

/// What one side name stands for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resolution {
    pub outcome: Outcome,
    /// The actors the name is a side of: UCDP actors (resolved), an unlisted organisation,
    /// or the one ambiguous actor; empty for a category.
    pub actors: Vec<ActorKey>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub category: Option<Category>,
    /// For an ambiguous name: each candidate and its own resolution.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub candidates: Vec<Candidate>,
    pub method: Method,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub matched_by: Option<MatchKind>,
    /// The text that matched (`JNIM` for an acronym).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub matched: Option<String>,
    pub attributes: Attributes,
}

impl Resolution {
    fn new(outcome: Outcome, actors: Vec<ActorKey>, method: Method) -> Resolution {
        Resolution {
            outcome,
            actors,
            category: None,
            candidates: Vec::new(),
            method,
            matched_by: None,
            matched: None,
            attributes: Attributes::default(),
        }
    }

    fn matched(mut self, by: MatchKind, text: &str) -> Resolution {
        self.matched_by = Some(by);
        self.matched = Some(text.to_string());
        self
    }

    fn with(mut self, attributes: Attributes) -> Resolution {
        self.attributes = attributes;
        self
    }

    fn category(c: Category) -> Resolution {
        let mut r = Resolution::new(Outcome::Category, Vec::new(), Method::Category);
        r.attributes.country = c.country.clone();
        r.category = Some(c);
        r
    }

    /// The side is (or includes) civilians: the target of one-sided violence.
    pub fn is_civilians(&self) -> bool {
        self.category
            .as_ref()
            .is_some_and(|c| c.kind == CategoryKind::Civilians)
    }

    /// How the outcome was reached, in words: `acronym 'JNIM' (exact UCDP name)`.
    pub fn how(&self) -> String {
        let mut s = self.method.as_str().to_string();
        if let (Some(by), Some(text)) = (self.matched_by, &self.matched) {
            s.push_str(&format!(": '{text}' ({})", by.as_str()));
        }
        s
    }
}

/// Where the events of a name happen: weak matches need the actor to be located there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context<'c> {
    /// No place: every match counts (a user's query).
    Anywhere,
    /// The events' countries (ISO3); empty when unknown.
    In(&'c [&'static str]),
}

/// Resolves names against the actor list and an alias table.
#[derive(Debug, Clone)]
pub struct Resolver<'r> {
    registry: &'r Registry,
    aliases: Vec<Alias>,
    exact: HashMap<String, usize>,
    normalised: HashMap<String, usize>,
}

/// A registry or alias hit, before acceptance.
struct Hit {
    key: ActorKey,
    by: MatchKind,
}

impl<'r> Resolver<'r> {
    /// Checks every `ucdp_id` of the table against the list; `file` names the table in errors.
    pub fn new(
        registry: &'r Registry,
        aliases: Vec<Alias>,
        file: &str,
    ) -> Result<Resolver<'r>, AliasError> {
        let mut exact = HashMap::new();
        let mut normalised = HashMap::new();
        for (i, a) in aliases.iter().enumerate() {
            if let AliasTarget::Ucdp(id) = a.target {
                if !registry.is_empty() && registry.get(id).is_none() {
                    return Err(AliasError {
                        file: file.into(),
                        line: a.line,
                        column: 1,
                        message: format!(
                            "alias {:?}: ucdp_id {id} is not in the UCDP actor list ({} actors): \
                             expected an ActorId of the list",
                            a.name,
                            registry.len()
                        ),
                    });
                }
            }
            exact.entry(a.name.clone()).or_insert(i);
            normalised.entry(normalise(&a.name)).or_insert(i);
        }
        Ok(Resolver {
            registry,
            aliases,
            exact,
            normalised,
        })
    }

    pub fn registry(&self) -> &'r Registry {
        self.registry
    }

    pub fn aliases(&self) -> &[Alias] {
        &self.aliases
    }

    /// The name to show for an actor: the list's `NameData`, or the canonical name.
    pub fn display_name(&self, key: &ActorKey) -> String {
        match key {
            ActorKey::Ucdp(id) => self
                .registry
                .get(*id)
                .map_or_else(|| format!("UCDP actor {id}"), |a| a.name.trim().to_string()),
            ActorKey::Unlisted(n) | ActorKey::Ambiguous(n) => n.clone(),
        }
    }

    /// Resolves one side name; `ids` is the event's UCDP id text for that side, if any.
    pub fn resolve(&self, name: &str, ids: Option<&str>, ctx: Context<'_>) -> Resolution {
        let name = name.trim();
        if let Some(keys) = ids.and_then(|t| self.by_ids(t)) {
            return Resolution::new(Outcome::Resolved, keys, Method::Id);
        }
        if let Some(r) = self.whole_name(name, ctx) {
            return r;
        }
        if let Some(r) = self.split(name, ctx) {
            return r;
        }
        if let Some(parts) = acled_names::and_or_parts(name) {
            return self.ambiguous(&parts, ctx);
        }
        if let Some((_, rest)) = acled_names::not_the_government(name) {
            return self.not_the_government(name, rest);
        }
        if let Some(sf) = acled_names::state_forces(name) {
            return self.state_forces(&sf);
        }
        if let Some(is) = acled_names::islamic_state(name) {
            return self.islamic_state(&is, ctx);
        }
        if let Some(cat) = acled_names::category(name) {
            return self.category(cat);
        }
        self.organisation(name, ctx)
    }

    fn by_ids(&self, text: &str) -> Option<Vec<ActorKey>> {
        let mut keys = Vec::new();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let id: u32 = part.parse().ok()?;
            self.registry.get(id)?;
            let key = ActorKey::Ucdp(id);
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
        (!keys.is_empty()).then_some(keys)
    }

    fn alias(&self, text: &str) -> Option<Hit> {
        let i = *self
            .exact
            .get(text)
            .or_else(|| self.normalised.get(&normalise(text)))?;
        let key = match &self.aliases[i].target {
            AliasTarget::Ucdp(id) => ActorKey::Ucdp(*id),
            AliasTarget::Named(n) => ActorKey::Unlisted(n.clone()),
        };
        Some(Hit {
            key,
            by: MatchKind::Alias,
        })
    }

    fn located(&self, id: u32, countries: &[&'static str]) -> bool {
        self.registry
            .locations(id)
            .iter()
            .any(|c| countries.contains(c))
    }

    /// The first acceptable alias or list hit for `text`. `strong`: the text is the whole name
    /// (or the name without period and qualifier); `full_name`: the full name that may
    /// confirm an acronym; `country`: a country the actor must be located in.
    fn lookup(
        &self,
        text: &str,
        strong: bool,
        full_name: Option<&str>,
        country: Option<&'static str>,
        ctx: Context<'_>,
    ) -> Option<Hit> {
        if let Some(hit) = self.alias(text) {
            let ok = match (&hit.key, country) {
                (ActorKey::Ucdp(id), Some(c)) => self.located(*id, &[c]),
                _ => true,
            };
            if ok {
                return Some(hit);
            }
        }
        let found = self.registry.find(text);
        let in_place = |id: u32| match ctx {
            Context::Anywhere => true,
            Context::In(countries) => self.located(id, countries),
        };
        let accept = |id: u32, how: Lookup| -> bool {
            if let Some(c) = country {
                return self.located(id, &[c]);
            }
            if strong && !matches!(how, Lookup::Loose | Lookup::FullName) {
                return true;
            }
            in_place(id) || full_name.is_some_and(|f| self.registry.full_name_agrees(id, f))
        };
        // Among the strongest hits, one located in the context first.
        let best = found.first().map(|(_, how)| *how)?;
        let top: Vec<&(&crate::model::Actor, Lookup)> =
            found.iter().filter(|(_, how)| *how == best).collect();
        if top.len() > 1 {
            if let Some((a, how)) = top
                .iter()
                .find(|(a, how)| in_place(a.actor_id) && accept(a.actor_id, *how))
            {
                return Some(Hit {
                    key: ActorKey::Ucdp(a.actor_id),
                    by: MatchKind::of(*how),
                });
            }
        }
        found
            .iter()
            .find(|(a, how)| accept(a.actor_id, *how))
            .map(|(a, how)| Hit {
                key: ActorKey::Ucdp(a.actor_id),
                by: MatchKind::of(*how),
            })
    }

    fn hit_resolution(hit: Hit, method: Method, text: &str) -> Resolution {
        let outcome = hit.key.outcome();
        Resolution::new(outcome, vec![hit.key], method).matched(hit.by, text)
    }

    /// Step 2: the whole name, and the name without an ACLED period, in the alias table; the
    /// whole name in the list.
    fn whole_name(&self, name: &str, ctx: Context<'_>) -> Option<Resolution> {
        let (without_period, years) = acled_names::strip_period(name);
        for text in [name, without_period] {
            if let Some(hit) = self.alias(text) {
                let mut r = Self::hit_resolution(hit, Method::Name, text);
                r.attributes.years = years.map(str::to_string);
                return Some(r);
            }
        }
        self.lookup(name, true, None, None, ctx)
            .map(|hit| Self::hit_resolution(hit, Method::Name, name))
    }

    /// Step 3: a comma-joined side whose every part resolves, is civilians, or is an alias.
    fn split(&self, name: &str, ctx: Context<'_>) -> Option<Resolution> {
        if !name.contains(',') {
            return None;
        }
        let mut actors: Vec<ActorKey> = Vec::new();
        let mut civilians = false;
        for part in name.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let r = self.resolve(part, None, ctx);
            let ok = match r.outcome {
                Outcome::Resolved => true,
                Outcome::Category => r.is_civilians(),
                Outcome::Unlisted => r.matched_by == Some(MatchKind::Alias),
                Outcome::Ambiguous => false,
            };
            if !ok {
                return None;
            }
            civilians |= r.is_civilians();
            for k in r.actors {
                if !actors.contains(&k) {
                    actors.push(k);
                }
            }
        }
        if actors.is_empty() {
            return civilians.then(|| {
                Resolution::category(Category {
                    kind: CategoryKind::Civilians,
                    label: name.to_string(),
                    country: None,
                })
            });
        }
        let outcome = if actors.iter().all(ActorKey::is_listed) {
            Outcome::Resolved
        } else {
            Outcome::Unlisted
        };
        let mut r = Resolution::new(outcome, actors, Method::Split);
        if civilians {
            // A joined side with civilians in it: keep the civilians as its category.
            r.category = Some(Category {
                kind: CategoryKind::Civilians,
                label: "Civilians".into(),
                country: None,
            });
        }
        Some(r)
    }

    fn ambiguous(&self, parts: &[&str], ctx: Context<'_>) -> Resolution {
        let candidates: Vec<Candidate> = parts
            .iter()
            .map(|p| Candidate {
                name: p.to_string(),
                resolution: self.resolve(p, None, ctx),
            })
            .collect();
        let mut labels: Vec<String> = Vec::new();
        for c in &candidates {
            // A candidate category (no actor) is shown by its own name.
            let label = if c.resolution.actors.is_empty() {
                c.name.clone()
            } else {
                let names: Vec<String> = c
                    .resolution
                    .actors
                    .iter()
                    .map(|k| self.display_name(k))
                    .collect();
                names.join(", ")
            };
            if !labels.contains(&label) {
                labels.push(label);
            }
        }
        labels.sort();
        let mut r = Resolution::new(
            Outcome::Ambiguous,
            vec![ActorKey::Ambiguous(labels.join(" and/or "))],
            Method::AndOr,
        );
        r.candidates = candidates;
        r
    }

    /// `Mutiny of …` / `Former …`: an organisation of its own under its whole name (a mutiny
    /// of one regime's forces is not another's), with the forces' attributes.
    fn not_the_government(&self, name: &str, rest: &str) -> Resolution {
        let attributes = acled_names::state_forces(rest)
            .map(|sf| Attributes::of_state(&sf))
            .unwrap_or_default();
        Resolution::new(
            Outcome::Unlisted,
            vec![ActorKey::Unlisted(name.to_string())],
            Method::NotTheGovernment,
        )
        .with(attributes)
    }

    fn state_forces(&self, sf: &StateForces) -> Resolution {
        let attributes = Attributes::of_state(sf);
        let ucdp_country = sf.iso3.and_then(conflict_countries::ucdp_name);
        if let Some(gov) = ucdp_country.and_then(|c| self.registry.government(c)) {
            let name = gov.name.trim().to_string();
            return Resolution::new(
                Outcome::Resolved,
                vec![ActorKey::Ucdp(gov.actor_id)],
                Method::StateForces,
            )
            .matched(MatchKind::Government, &name)
            .with(attributes);
        }
        // No UCDP government: the state is an organisation of its own, named as UCDP would.
        let country = ucdp_country
            .map(str::to_string)
            .or_else(|| {
                sf.iso3
                    .and_then(conflict_countries::by_iso3)
                    .map(|c| c.acled.to_string())
            })
            .unwrap_or_else(|| sf.country.clone());
        Resolution::new(
            Outcome::Unlisted,
            vec![ActorKey::Unlisted(format!("Government of {country}"))],
            Method::StateForces,
        )
        .with(attributes)
    }

    fn islamic_state(&self, is: &IslamicStateName, ctx: Context<'_>) -> Resolution {
        let attributes = Attributes {
            region: is.region.clone(),
            faction: is.faction.clone(),
            ..Attributes::default()
        };
        const NAME: &str = "Islamic State";
        match self.lookup(NAME, true, None, None, ctx) {
            Some(hit) => Self::hit_resolution(hit, Method::IslamicState, NAME).with(attributes),
            None => Resolution::new(
                Outcome::Unlisted,
                vec![ActorKey::Unlisted(NAME.into())],
                Method::IslamicState,
            )
            .with(attributes),
        }
    }

    fn category(&self, cat: CategoryName) -> Resolution {
        // A militia named after a group the UCDP list codes in that country is that group.
        if let (Some(identity), Some(country)) = (&cat.identity, &cat.country) {
            if let Some(code) = conflict_countries::iso3(country) {
                if let Some(hit) = self.lookup(identity, true, None, Some(code), Context::Anywhere)
                {
                    let attributes = Attributes {
                        country: Some(country.clone()),
                        ..Attributes::default()
                    };
                    return Self::hit_resolution(hit, Method::IdentityGroup, identity)
                        .with(attributes);
                }
            }
        }
        Resolution::category(Category {
            kind: cat.kind,
            label: cat.label,
            country: cat.country,
        })
    }

    /// Step 4, organisation names, and step 5.
    fn organisation(&self, name: &str, ctx: Context<'_>) -> Resolution {
        let o = acled_names::organisation(name);
        let mut attributes = Attributes {
            years: o.years.clone(),
            ..Attributes::default()
        };
        let mut country: Option<&'static str> = None;
        let mut splinter = false;
        match &o.qualifier {
            Some(Qualifier::Country { text, iso3 }) => {
                attributes.country = Some(text.clone());
                country = Some(*iso3);
            }
            Some(Qualifier::Faction(f)) => attributes.faction = Some(f.clone()),
            Some(Qualifier::Splinter(f)) => {
                attributes.faction = Some(f.clone());
                splinter = true;
            }
            None => {}
        }
        if !splinter {
            let full_name = o
                .lookups
                .iter()
                .find(|(_, d)| *d == Derivation::FullName)
                .map(|(t, _)| t.as_str());
            for (text, derivation) in &o.lookups {
                let strong = *derivation == Derivation::Base;
                if let Some(hit) = self.lookup(text, strong, full_name, country, ctx) {
                    return Self::hit_resolution(hit, Method::of(*derivation), text)
                        .with(attributes);
                }
            }
        }
        Resolution::new(
            Outcome::Unlisted,
            vec![ActorKey::Unlisted(o.without_period.clone())],
            Method::NotInList,
        )
        .with(attributes)
    }

    /// Resolves the side names of `events` (one source): each distinct (name, ids, country)
    /// once, then one hash lookup per side.
    pub fn resolve_events<'e>(&self, events: &[&'e Event]) -> ResolvedEvents {
        let mut interner: Interner<'_, '_, 'e> = Interner {
            resolver: self,
            names: HashMap::new(),
            keys: HashMap::new(),
            out: ResolvedEvents::default(),
        };
        let mut countries: HashMap<&'e str, Option<&'static str>> = HashMap::new();
        let mut seen: Vec<u32> = Vec::new();
        for e in events {
            let e: &'e Event = e;
            let iso3 = *countries
                .entry(e.country.as_str())
                .or_insert_with(|| event_country_iso3(&e.country));
            let ids_a = e.extra.get("side_a_new_id").map(String::as_str);
            let ids_b = e.extra.get("side_b_new_id").map(String::as_str);
            let a = interner.intern(&e.side_a, ids_a, iso3);
            let b = e
                .side_b
                .as_deref()
                .filter(|s| !s.trim().is_empty())
                .map(|s| interner.intern(s, ids_b, iso3));
            let mut assoc = |list: &'e [String]| -> Vec<u32> {
                list.iter()
                    .filter(|s| !s.trim().is_empty())
                    .map(|s| interner.intern(s, None, iso3))
                    .collect()
            };
            let assoc_a = assoc(&e.side_a_associates);
            let assoc_b = assoc(&e.side_b_associates);
            seen.clear();
            let all = std::iter::once(a)
                .chain(b)
                .chain(assoc_a.iter().copied())
                .chain(assoc_b.iter().copied());
            for n in all {
                if !seen.contains(&n) {
                    seen.push(n);
                }
            }
            for &n in &seen {
                interner.out.names[n as usize].events += 1;
            }
            interner.out.sides.push(EventSides {
                side_a: a,
                side_b: b,
                assoc_a,
                assoc_b,
            });
        }
        interner.out
    }
}

/// The ISO3 code of an event's country (GED or ACLED spelling), when known.
pub fn event_country_iso3(name: &str) -> Option<&'static str> {
    conflict_countries::iso3(name).or_else(|| crate::analysis::admin::event_country_iso3(name))
}

/// Distinct names (borrowed from the events) and actors seen so far.
struct Interner<'a, 'r, 'e> {
    resolver: &'a Resolver<'r>,
    names: HashMap<(&'e str, Option<&'e str>, Option<&'static str>), u32>,
    keys: HashMap<ActorKey, u32>,
    out: ResolvedEvents,
}

impl<'e> Interner<'_, '_, 'e> {
    fn intern(&mut self, name: &'e str, ids: Option<&'e str>, iso3: Option<&'static str>) -> u32 {
        if let Some(&i) = self.names.get(&(name, ids, iso3)) {
            return i;
        }
        let place: Vec<&'static str> = iso3.into_iter().collect();
        let r = self.resolver.resolve(name, ids, Context::In(&place));
        let mut nodes = Vec::with_capacity(r.actors.len());
        for k in &r.actors {
            let next = self.out.keys.len() as u32;
            let id = *self.keys.entry(k.clone()).or_insert(next);
            if id == next {
                self.out.keys.push(k.clone());
            }
            nodes.push(id);
        }
        let i = self.out.names.len() as u32;
        self.out.names.push(ResolvedName {
            name: name.trim().to_string(),
            country_iso3: iso3.map(str::to_string),
            resolution: r,
            nodes,
            events: 0,
        });
        self.names.insert((name, ids, iso3), i);
        i
    }
}

/// A distinct side name (in one country) and what it resolved to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResolvedName {
    pub name: String,
    /// The country of its events (the place weak matches were checked against).
    pub country_iso3: Option<String>,
    pub resolution: Resolution,
    /// Indices into [`ResolvedEvents::keys`].
    pub nodes: Vec<u32>,
    /// Events in which the name appears (on either side, once per event).
    pub events: u64,
}

/// One event's sides as indices into [`ResolvedEvents::names`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventSides {
    pub side_a: u32,
    pub side_b: Option<u32>,
    pub assoc_a: Vec<u32>,
    pub assoc_b: Vec<u32>,
}

/// The resolution of a set of events (same order as given).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ResolvedEvents {
    /// Actors (UCDP, unlisted, ambiguous), numbered in order of first appearance.
    pub keys: Vec<ActorKey>,
    pub names: Vec<ResolvedName>,
    pub sides: Vec<EventSides>,
}

impl ResolvedEvents {
    /// The actors and civilian flag of one side (main name plus associates); categories add
    /// no actor.
    pub fn side(&self, main: Option<u32>, assoc: &[u32]) -> (Vec<u32>, bool) {
        let mut nodes = Vec::new();
        let mut civilians = false;
        for n in main.into_iter().chain(assoc.iter().copied()) {
            let name = &self.names[n as usize];
            civilians |= name.resolution.is_civilians();
            for &k in &name.nodes {
                if !nodes.contains(&k) {
                    nodes.push(k);
                }
            }
        }
        (nodes, civilians)
    }

    /// The names of event `i`, each once.
    fn event_names(&self, i: usize) -> Vec<u32> {
        let s = &self.sides[i];
        let mut out: Vec<u32> = Vec::new();
        for n in std::iter::once(s.side_a)
            .chain(s.side_b)
            .chain(s.assoc_a.iter().copied())
            .chain(s.assoc_b.iter().copied())
        {
            if !out.contains(&n) {
                out.push(n);
            }
        }
        out
    }

    /// The outcome rates and the per-name table of these events.
    pub fn report(&self, source: EventSource, registry: &Registry) -> OutcomeReport {
        let mut r = OutcomeReport {
            source: Some(source),
            ..OutcomeReport::default()
        };
        let mut by_kind: HashMap<CategoryKind, u64> = HashMap::new();
        for i in 0..self.sides.len() {
            r.events += 1;
            let mut tally = EventTally::default();
            for n in self.event_names(i) {
                let res = &self.names[n as usize].resolution;
                tally.add(res.outcome);
                if let Some(c) = &res.category {
                    *by_kind.entry(c.kind).or_default() += 1;
                }
            }
            r.add_event(&tally);
        }
        r.category_sides_by_kind = CategoryKind::ALL
            .iter()
            .filter_map(|k| by_kind.get(k).map(|&n| (*k, n)))
            .collect();
        r.names = name_rows(&self.names, |key| display(registry, key));
        r
    }
}

fn display(registry: &Registry, key: &ActorKey) -> String {
    match key {
        ActorKey::Ucdp(id) => registry
            .get(*id)
            .map_or_else(|| format!("UCDP actor {id}"), |a| a.name.trim().to_string()),
        ActorKey::Unlisted(n) | ActorKey::Ambiguous(n) => n.clone(),
    }
}

/// Outcomes of one event's side names.
#[derive(Debug, Default, Clone, Copy)]
pub struct EventTally {
    pub resolved: u64,
    pub unlisted: u64,
    pub category: u64,
    pub ambiguous: u64,
}

impl EventTally {
    pub fn add(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Resolved => self.resolved += 1,
            Outcome::Unlisted => self.unlisted += 1,
            Outcome::Category => self.category += 1,
            Outcome::Ambiguous => self.ambiguous += 1,
        }
    }

    fn organisations(&self) -> u64 {
        self.resolved + self.unlisted + self.ambiguous
    }
}

/// A distinct name with its outcome and events (one row per name and resolution).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NameRow {
    pub name: String,
    pub outcome: Outcome,
    /// The actors: UCDP (`ucdp-72`, name), unlisted or ambiguous.
    pub actors: Vec<(ActorKey, String)>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub category: Option<Category>,
    /// For an ambiguous name: each candidate's name and outcome in words.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub candidates: Vec<(String, String)>,
    pub how: String,
    pub resolution: Resolution,
    pub events: u64,
}

/// One row per (name, resolution), most events first within each outcome (outcome order:
/// resolved, unlisted, category, ambiguous), ties by name.
pub fn name_rows(names: &[ResolvedName], display: impl Fn(&ActorKey) -> String) -> Vec<NameRow> {
    let mut rows: Vec<NameRow> = Vec::new();
    let mut index: HashMap<&str, Vec<usize>> = HashMap::new();
    for n in names {
        let same = index.get(n.name.as_str()).and_then(|ix| {
            ix.iter()
                .copied()
                .find(|&i| rows[i].resolution == n.resolution)
        });
        if let Some(i) = same {
            rows[i].events += n.events;
            continue;
        }
        let candidates = n
            .resolution
            .candidates
            .iter()
            .map(|c| {
                let what = match c.resolution.outcome {
                    Outcome::Category => c
                        .resolution
                        .category
                        .as_ref()
                        .map_or("category".into(), |k| k.kind.as_str().to_string()),
                    _ => {
                        let names: Vec<String> = c.resolution.actors.iter().map(&display).collect();
                        format!("{}: {}", c.resolution.outcome.as_str(), names.join(", "))
                    }
                };
                (c.name.clone(), what)
            })
            .collect();
        index.entry(n.name.as_str()).or_default().push(rows.len());
        rows.push(NameRow {
            name: n.name.clone(),
            outcome: n.resolution.outcome,
            actors: n
                .resolution
                .actors
                .iter()
                .map(|k| (k.clone(), display(k)))
                .collect(),
            category: n.resolution.category.clone(),
            candidates,
            how: n.resolution.how(),
            resolution: n.resolution.clone(),
            events: n.events,
        });
    }
    rows.sort_by(|a, b| {
        a.outcome
            .cmp(&b.outcome)
            .then(b.events.cmp(&a.events))
            .then_with(|| a.name.cmp(&b.name))
    });
    rows
}

/// The outcome rates of a set of events.
///
/// An event's "sides" are all its side names: both main sides and every associate, each
/// counted once per event. An event "has an organisation" when at least one of them is
/// resolved, unlisted or ambiguous. Of those events: "resolved" when every organisation side
/// is a UCDP actor (no unlisted and no ambiguous side); "with an unlisted organisation" and
/// "with an ambiguous side" when at least one side is so (an event can be both).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OutcomeReport {
    pub source: Option<EventSource>,
    pub events: u64,
    pub events_with_organisation: u64,
    pub events_resolved: u64,
    pub events_with_unlisted: u64,
    pub events_with_ambiguous: u64,
    /// Events whose sides are all categories.
    pub events_categories_only: u64,
    /// Side-name occurrences by outcome.
    pub resolved_sides: u64,
    pub unlisted_sides: u64,
    pub category_sides: u64,
    pub ambiguous_sides: u64,
    /// Category side occurrences per kind (kinds with none left out).
    pub category_sides_by_kind: Vec<(CategoryKind, u64)>,
    /// Every distinct name with its outcome and events.
    pub names: Vec<NameRow>,
}

impl OutcomeReport {
    /// Adds one event's tally.
    pub fn add_event(&mut self, t: &EventTally) {
        self.resolved_sides += t.resolved;
        self.unlisted_sides += t.unlisted;
        self.category_sides += t.category;
        self.ambiguous_sides += t.ambiguous;
        if t.organisations() == 0 {
            if t.category > 0 {
                self.events_categories_only += 1;
            }
            return;
        }
        self.events_with_organisation += 1;
        if t.unlisted == 0 && t.ambiguous == 0 {
            self.events_resolved += 1;
        }
        if t.unlisted > 0 {
            self.events_with_unlisted += 1;
        }
        if t.ambiguous > 0 {
            self.events_with_ambiguous += 1;
        }
    }

    /// Events with every organisation side resolved, of the events with an organisation.
    pub fn resolved_share(&self) -> f64 {
        ratio(self.events_resolved, self.events_with_organisation)
    }

    pub fn unlisted_share(&self) -> f64 {
        ratio(self.events_with_unlisted, self.events_with_organisation)
    }

    pub fn ambiguous_share(&self) -> f64 {
        ratio(self.events_with_ambiguous, self.events_with_organisation)
    }

    /// The rows of one outcome, in report order.
    pub fn rows(&self, outcome: Outcome) -> impl Iterator<Item = &NameRow> {
        self.names.iter().filter(move |r| r.outcome == outcome)
    }
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}
