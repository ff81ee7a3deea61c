//! What a set of scenarios' data links read, loaded from the store and nothing more.
//!
//! [`Store::load_for_links`] reads the governance rows of the countries `wgi` links name, the
//! sites and production tables when a link uses them and, for `exposure.fatalities`, only the
//! UCDP GED events' dates, coordinates and deaths (a column projection); the three reads run
//! at the same time. [`LinkData::links`] then resolves links over them
//! ([`orewatch_core::scenario::links::StoreLinks`]).

use orewatch_core::model::{Dataset, EventSource};
use orewatch_core::scenario::links::{EventDeaths, LinkNeeds, StoreLinks};

use crate::partial::Table;
use crate::store::{Store, StoreError};
use crate::Manifest;

/// The parts of a store that data links read.
pub struct LinkData {
    pub dataset: Dataset,
    pub manifest: Manifest,
    /// UCDP GED events' dates, coordinates and deaths (when an exposure link needs them).
    pub ged: Vec<EventDeaths>,
}

impl LinkData {
    /// Links resolved over this data.
    pub fn links(&self) -> StoreLinks<'_> {
        StoreLinks::with_ged_events(&self.dataset, &self.manifest.sources, self.ged.clone())
    }
}

impl Store {
    /// Loads what `needs` says the links read (see the module docs).
    pub fn load_for_links(&self, needs: &LinkNeeds) -> Result<LinkData, StoreError> {
        let tables: Vec<Table> = [
            (needs.sites, Table::Sites),
            (needs.production, Table::Production),
        ]
        .into_iter()
        .filter_map(|(needed, table)| needed.then_some(table))
        .collect();
        let (tables, governance, ged) = std::thread::scope(|scope| {
            let governance = scope.spawn(|| {
                (!needs.governance.is_empty())
                    .then(|| self.load_governance_of(&needs.governance))
                    .transpose()
            });
            let ged = scope.spawn(|| {
                needs
                    .ged_events
                    .then(|| self.load_event_deaths(EventSource::UcdpGed, None, None))
                    .transpose()
            });
            let tables = self.load_tables(&tables);
            (tables, joined(governance), joined(ged))
        });
        let (mut dataset, manifest) = tables?;
        if let Some(governance) = governance? {
            dataset.governance = governance;
        }
        Ok(LinkData {
            dataset,
            manifest,
            ged: ged?.unwrap_or_default(),
        })
    }
}

/// A scoped thread's result; its panic, if any, goes on in this thread.
fn joined<T>(handle: std::thread::ScopedJoinHandle<'_, T>) -> T {
    handle
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}
