//! From event side names to canonical actors.
//!
//! Every side name of the events (GED `side_a`/`side_b`; ACLED `actor1`/`actor2` and each
//! `assoc_actor_*` part) is resolved ONCE per distinct name (a hash-map lookup per event after
//! that), in this order — the first step that succeeds wins:
//! 0. civilians: `Civilians` or `Civilians (COUNTRY)` is the target of one-sided violence, not
//!    an actor ([`Resolution::civilians`]);
//! 1. id: the event's UCDP actor ids (GED full layout `side_a_new_id`/`side_b_new_id`, a comma
//!    list for joined sides) when every id is in the actor list;
//! 2. exact name: the actor list's `NameData`, byte for byte — names with commas included
//!    ("Interahamwe, ex-FAR" is one actor);
//! 3. alias: the alias table, exactly then normalised ([`super::registry::normalise`]); then a
//!    former or original name the actor list itself gives, where it names one actor (MNLA →
//!    CMA);
//! 4. normalisation, documented: (a) the normalised name against the list's names (case, white
//!    space, typographic quotes: GED "MPGK" = the list's "MPGK "); (b) a trailing ACLED period
//!    `(2021-)` or `(2012-2013)` removed; (c) ACLED state forces "Military/Police Forces of X"
//!    → "Government of X"; (d) ACLED "ABBR: Full name" → "ABBR"; each result tried against
//!    the alias table and the list's names (exact, then normalised);
//! 5. split: a name with commas is split on them, and taken as several actors only if EVERY
//!    part resolves by steps 0–4 (2,866 GED rows have such joined sides, "GATIA, MSA").
//!
//! Otherwise the name is unresolved and stays its own actor ([`ActorKey::Unresolved`]), listed
//! with its event count. There is no fuzzy matching: a near-miss stays unresolved and visible
//! rather than silently merged (add an alias instead).

use std::collections::HashMap;

use serde::Serialize;

use super::aliases::{Alias, AliasError, AliasTarget};
use super::registry::{normalise, Registry};
use crate::model::{Event, EventSource};

/// A canonical actor.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum ActorKey {
    /// A UCDP actor list id.
    Ucdp(u32),
    /// An organisation named by the alias table without a UCDP id (MINUSMA).
    Named(String),
    /// A name nothing resolved: its own actor.
    Unresolved(String),
}

impl ActorKey {
    /// A stable id for exports: `ucdp-6716`, `alias:MINUSMA`, `name:Forces of Hadi`.
    pub fn id(&self) -> String {
        match self {
            ActorKey::Ucdp(id) => format!("ucdp-{id}"),
            ActorKey::Named(n) => format!("alias:{n}"),
            ActorKey::Unresolved(n) => format!("name:{n}"),
        }
    }

    pub fn ucdp_id(&self) -> Option<u32> {
        match self {
            ActorKey::Ucdp(id) => Some(*id),
            _ => None,
        }
    }

    pub fn is_resolved(&self) -> bool {
        !matches!(self, ActorKey::Unresolved(_))
    }
}

/// Which step resolved a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    Civilians,
    Id,
    ExactName,
    Alias,
    FormerName,
    Normalised,
    Split,
    Unresolved,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Civilians => "civilians",
            Method::Id => "id",
            Method::ExactName => "exact name",
            Method::Alias => "alias",
            Method::FormerName => "former name (actor list)",
            Method::Normalised => "normalised",
            Method::Split => "comma split",
            Method::Unresolved => "unresolved",
        }
    }
}

/// What one side name stands for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Resolution {
    /// The organisations (none when the side is only civilians).
    pub actors: Vec<ActorKey>,
    /// The side is (or includes) civilians.
    pub civilians: bool,
    pub method: Method,
}

impl Resolution {
    fn one(key: ActorKey, method: Method) -> Resolution {
        Resolution {
            actors: vec![key],
            civilians: false,
            method,
        }
    }
}

/// Resolves names against the actor list and an alias table.
#[derive(Debug, Clone)]
pub struct Resolver<'r> {
    registry: &'r Registry,
    aliases: Vec<Alias>,
    exact: HashMap<String, usize>,
    normalised: HashMap<String, usize>,
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

    /// The name to show for an actor: the list's `NameData`, the alias table's canonical name,
    /// or the unresolved name itself.
    pub fn display_name(&self, key: &ActorKey) -> String {
        match key {
            ActorKey::Ucdp(id) => self
                .registry
                .get(*id)
                .map_or_else(|| format!("UCDP actor {id}"), |a| a.name.trim().to_string()),
            ActorKey::Named(n) | ActorKey::Unresolved(n) => n.clone(),
        }
    }

    /// Resolves one side name; `ids` is the event's UCDP id text for that side, if any.
    pub fn resolve(&self, name: &str, ids: Option<&str>) -> Resolution {
        if let Some(r) = self.civilians(name) {
            return r;
        }
        if let Some(keys) = ids.and_then(|t| self.by_ids(t)) {
            return Resolution {
                actors: keys,
                civilians: false,
                method: Method::Id,
            };
        }
        if let Some(r) = self.single(name) {
            return r;
        }
        if name.contains(',') {
            let mut actors = Vec::new();
            let mut civilians = false;
            let mut all = true;
            for part in name.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                match self.civilians(part).or_else(|| self.single(part)) {
                    Some(r) => {
                        civilians |= r.civilians;
                        for k in r.actors {
                            if !actors.contains(&k) {
                                actors.push(k);
                            }
                        }
                    }
                    None => {
                        all = false;
                        break;
                    }
                }
            }
            if all && (!actors.is_empty() || civilians) {
                return Resolution {
                    actors,
                    civilians,
                    method: Method::Split,
                };
            }
        }
        Resolution::one(
            ActorKey::Unresolved(name.trim().to_string()),
            Method::Unresolved,
        )
    }

    fn civilians(&self, name: &str) -> Option<Resolution> {
        let n = normalise(name);
        (n == "civilians" || (n.starts_with("civilians (") && n.ends_with(')'))).then(|| {
            Resolution {
                actors: Vec::new(),
                civilians: true,
                method: Method::Civilians,
            }
        })
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

    fn alias_key(&self, i: usize) -> ActorKey {
        match &self.aliases[i].target {
            AliasTarget::Ucdp(id) => ActorKey::Ucdp(*id),
            AliasTarget::Named(n) => ActorKey::Named(n.clone()),
        }
    }

    /// Steps 2–4 for one name (no split).
    fn single(&self, name: &str) -> Option<Resolution> {
        if let Some(a) = self.registry.by_exact_name(name) {
            return Some(Resolution::one(
                ActorKey::Ucdp(a.actor_id),
                Method::ExactName,
            ));
        }
        if let Some(&i) = self
            .exact
            .get(name)
            .or_else(|| self.normalised.get(&normalise(name)))
        {
            return Some(Resolution::one(self.alias_key(i), Method::Alias));
        }
        if let Some(a) = self.registry.by_former_name(name) {
            return Some(Resolution::one(
                ActorKey::Ucdp(a.actor_id),
                Method::FormerName,
            ));
        }
        for candidate in normalised_candidates(name) {
            if let Some(&i) = self.normalised.get(&normalise(&candidate)) {
                return Some(Resolution::one(self.alias_key(i), Method::Normalised));
            }
            if let Some(a) = self.registry.by_normalised_name(&candidate) {
                return Some(Resolution::one(
                    ActorKey::Ucdp(a.actor_id),
                    Method::Normalised,
                ));
            }
        }
        None
    }

    /// Resolves the side names of `events` (one source): each distinct name once, then one
    /// hash lookup per side (no string is allocated for a name already seen).
    pub fn resolve_events<'e>(&self, events: &[&'e Event]) -> ResolvedEvents {
        let mut interner: Interner<'_, '_, 'e> = Interner {
            resolver: self,
            names: HashMap::new(),
            keys: HashMap::new(),
            out: ResolvedEvents::default(),
        };
        let mut seen: Vec<u32> = Vec::new();
        for e in events {
            let e: &'e Event = e;
            let ids_a = e.extra.get("side_a_new_id").map(String::as_str);
            let ids_b = e.extra.get("side_b_new_id").map(String::as_str);
            let a = interner.intern(&e.side_a, ids_a);
            let b = e
                .side_b
                .as_deref()
                .filter(|s| !s.trim().is_empty())
                .map(|s| interner.intern(s, ids_b));
            let mut assoc = |list: &'e [String]| -> Vec<u32> {
                list.iter()
                    .filter(|s| !s.trim().is_empty())
                    .map(|s| interner.intern(s, None))
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

/// Distinct names (borrowed from the events) and actors seen so far.
struct Interner<'a, 'r, 'e> {
    resolver: &'a Resolver<'r>,
    names: HashMap<(&'e str, Option<&'e str>), u32>,
    keys: HashMap<ActorKey, u32>,
    out: ResolvedEvents,
}

impl<'e> Interner<'_, '_, 'e> {
    fn intern(&mut self, name: &'e str, ids: Option<&'e str>) -> u32 {
        if let Some(&i) = self.names.get(&(name, ids)) {
            return i;
        }
        let r = self.resolver.resolve(name, ids);
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
            name: name.to_string(),
            resolution: r,
            nodes,
            events: 0,
        });
        self.names.insert((name, ids), i);
        i
    }
}

/// The documented normalisation candidates of step 4, in order (the name itself first).
pub fn normalised_candidates(name: &str) -> Vec<String> {
    let mut out = vec![name.trim().to_string()];
    let push = |out: &mut Vec<String>, s: String| {
        if !s.is_empty() && !out.contains(&s) {
            out.push(s);
        }
    };
    let base = strip_period(name.trim());
    push(&mut out, base.to_string());
    for prefix in ["Military Forces of ", "Police Forces of "] {
        if let Some(country) = base.strip_prefix(prefix) {
            push(&mut out, format!("Government of {}", country.trim()));
        }
    }
    if let Some((abbr, rest)) = base.split_once(": ") {
        if !abbr.trim().is_empty() && !rest.trim().is_empty() {
            push(&mut out, abbr.trim().to_string());
        }
    }
    out
}

/// Removes a trailing ACLED period qualifier: `(2021-)`, `(2012-2013)`.
fn strip_period(name: &str) -> &str {
    let Some(open) = name.rfind('(') else {
        return name;
    };
    let inner = &name[open + 1..];
    let Some(inner) = inner.strip_suffix(')') else {
        return name;
    };
    let is_period = match inner.split_once('-') {
        Some((a, b)) => {
            a.len() == 4
                && a.bytes().all(|c| c.is_ascii_digit())
                && (b.is_empty() || (b.len() == 4 && b.bytes().all(|c| c.is_ascii_digit())))
        }
        None => false,
    };
    if is_period {
        name[..open].trim_end()
    } else {
        name
    }
}

/// A distinct side name and what it resolved to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResolvedName {
    pub name: String,
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
    /// Canonical actors, numbered in order of first appearance.
    pub keys: Vec<ActorKey>,
    pub names: Vec<ResolvedName>,
    pub sides: Vec<EventSides>,
}

impl ResolvedEvents {
    /// The actors and civilian flag of one side (main name plus associates).
    pub fn side(&self, main: Option<u32>, assoc: &[u32]) -> (Vec<u32>, bool) {
        let mut nodes = Vec::new();
        let mut civilians = false;
        for n in main.into_iter().chain(assoc.iter().copied()) {
            let name = &self.names[n as usize];
            civilians |= name.resolution.civilians;
            for &k in &name.nodes {
                if !nodes.contains(&k) {
                    nodes.push(k);
                }
            }
        }
        (nodes, civilians)
    }

    /// Whether every name of event `i` resolved (civilians count as resolved).
    pub fn event_resolved(&self, i: usize) -> bool {
        let s = &self.sides[i];
        std::iter::once(s.side_a)
            .chain(s.side_b)
            .chain(s.assoc_a.iter().copied())
            .chain(s.assoc_b.iter().copied())
            .all(|n| self.names[n as usize].resolution.method != Method::Unresolved)
    }

    /// The resolution rate and the unresolved names of these events.
    pub fn report(&self, source: EventSource) -> ResolutionReport {
        let events = self.sides.len() as u64;
        let events_resolved = (0..self.sides.len())
            .filter(|&i| self.event_resolved(i))
            .count() as u64;
        let mut by_method: Vec<(Method, u64)> = Vec::new();
        for n in &self.names {
            match by_method
                .iter_mut()
                .find(|(m, _)| *m == n.resolution.method)
            {
                Some((_, c)) => *c += 1,
                None => by_method.push((n.resolution.method, 1)),
            }
        }
        by_method.sort();
        let mut unresolved: Vec<(String, u64)> = self
            .names
            .iter()
            .filter(|n| n.resolution.method == Method::Unresolved)
            .map(|n| (n.name.clone(), n.events))
            .collect();
        unresolved.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let names = self.names.len() as u64;
        ResolutionReport {
            source,
            events,
            events_resolved,
            names,
            names_resolved: names - unresolved.len() as u64,
            by_method,
            unresolved,
        }
    }
}

/// How much of a source resolved.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResolutionReport {
    pub source: EventSource,
    pub events: u64,
    /// Events all of whose side names resolved (civilians count as resolved).
    pub events_resolved: u64,
    /// Distinct side names (with distinct id texts counted apart).
    pub names: u64,
    pub names_resolved: u64,
    /// Distinct names per resolution step.
    pub by_method: Vec<(Method, u64)>,
    /// Unresolved names with the events they appear in, most frequent first.
    pub unresolved: Vec<(String, u64)>,
}

impl ResolutionReport {
    pub fn event_rate(&self) -> f64 {
        ratio(self.events_resolved, self.events)
    }

    pub fn name_rate(&self) -> f64 {
        ratio(self.names_resolved, self.names)
    }
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}
