use super::{Actor, Event, GovernanceRecord, ProductionRecord, QuarantineRecord, Region, Site};

/// Everything orewatch knows, in memory: one vector per table of the store.
///
/// Order is part of the contract: each table is kept sorted by its key (see
/// [`Dataset::sort`]) so that the same inputs give byte-identical store files.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dataset {
    pub events: Vec<Event>,
    pub actors: Vec<Actor>,
    pub sites: Vec<Site>,
    pub regions: Vec<Region>,
    pub production: Vec<ProductionRecord>,
    pub governance: Vec<GovernanceRecord>,
    pub quarantine: Vec<QuarantineRecord>,
}

impl Dataset {
    /// Sorts every table by its key: events by (source, numeric-aware id), actors by id, sites
    /// and regions by id, production by (series, commodity, stage, country, year), governance
    /// by (iso3, year), quarantine by (file, line, column).
    pub fn sort(&mut self) {
        // Keys computed once per event (not per comparison): ids are parsed a single time.
        self.events
            .sort_by_cached_key(|e| (e.source, id_sort_key(&e.event_id)));
        self.actors.sort_by_key(|a| a.actor_id);
        self.sites.sort_by(|a, b| a.site_id.cmp(&b.site_id));
        self.regions
            .sort_by(|a, b| (a.level, &a.region_id).cmp(&(b.level, &b.region_id)));
        self.production.sort_by(|a, b| {
            (
                a.series,
                &a.commodity,
                &a.stage,
                &a.country,
                a.year,
                &a.unit,
            )
                .cmp(&(
                    b.series,
                    &b.commodity,
                    &b.stage,
                    &b.country,
                    b.year,
                    &b.unit,
                ))
        });
        self.governance
            .sort_by(|a, b| (&a.iso3, a.year).cmp(&(&b.iso3, b.year)));
        self.quarantine.sort();
    }
}

/// Sorts numeric ids numerically (GED `9` before `10`) and others as text after them.
pub(crate) fn id_sort_key(id: &str) -> (u8, u64, Option<String>) {
    match id.parse::<u64>() {
        Ok(n) => (0, n, None),
        Err(_) => (1, 0, Some(id.to_string())),
    }
}
