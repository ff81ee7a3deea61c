//! The canonical model every reader produces and every analysis consumes.
//!
//! One type per kind of fact: [`Event`] (a dated, located act of organised violence or a
//! related event, from UCDP GED or ACLED), [`Actor`] (an organisation from the UCDP actor
//! list), [`Site`] with its [`SiteProduct`]s (a mine, plant, deposit or exploration site),
//! [`Region`] (an administrative area with its polygon), [`ProductionRecord`] (a country's
//! output of one commodity in one year) and [`GovernanceRecord`] (a country-year of the World
//! Bank's Worldwide Governance Indicators), and the EU's published criticality assessment
//! ([`EuCrmTables`]: reference data bundled with orewatch). A row that cannot be read becomes a
//! [`QuarantineRecord`].
//!
//! Beside the types: [`conflict_countries`], the explicit table of country names in conflict
//! data (ISO3, UCDP's and ACLED's spellings), [`countries`], country names of the production files to ISO3, and [`regions`], named
//! country sets (the Sahel). [`source`] holds the provenance: what each source file
//! contributed ([`SourceReport`]).
//!
//! Conventions: WGS84 longitude/latitude in f64 degrees; dates as `chrono::NaiveDate`; every
//! record keeps the source's own id and, in `extra`, every source field that has no typed home
//! (keys are the source's column names, values its text as read, missing values omitted).

mod actor;
pub mod conflict_countries;
pub mod countries;
mod dataset;
mod eu_crm;
mod event;
mod event_table;
mod governance;
mod production;
mod quarantine;
mod region;
pub mod regions;
mod site;
pub mod source;

pub use actor::Actor;
pub use dataset::Dataset;
pub use eu_crm::{
    EuCrmTables, EuMaterialResult, EuRejectedShare, EuScore, EuShare, EuStage, EuStageResult,
    EuTableFile, ShareValue, SupplyBasis,
};
pub use event::{Event, EventFlag, EventSource, ViolenceType};
pub use event_table::{EventTable, EventView, ExtraIter, ExtraView, PackedExtra};
pub use governance::{GovernanceRecord, WgiIndicator, WgiValues, WGI_INDICATORS};
pub use production::{ProductionRecord, ProductionSeries, ValueType};
pub use quarantine::QuarantineRecord;
pub use region::Region;
pub use site::{Ownership, Site, SiteKind, SiteProduct, SourceRecord};
pub use source::SourceReport;

use std::collections::BTreeMap;

/// Source fields kept verbatim because the model has no typed field for them.
/// Sorted by key so that outputs are deterministic.
pub type Extra = BTreeMap<String, String>;
