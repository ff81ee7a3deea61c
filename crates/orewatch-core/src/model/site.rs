use serde::{Deserialize, Serialize};

use super::Extra;

/// Which kind of place a site is, by the layer or table it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum SiteKind {
    /// A mine, quarry, plant, refinery, field (USGS `AFR_Mineral_Facilities`).
    Facility,
    /// A known deposit (USGS `AFR_Mineral_Deposits`).
    Deposit,
    /// An exploration project (USGS `AFR_Mineral_Exploration`).
    Exploration,
    /// A mine from a hand-tabulated table with current ownership and status.
    Tabulated,
}

impl SiteKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SiteKind::Facility => "facility",
            SiteKind::Deposit => "deposit",
            SiteKind::Exploration => "exploration",
            SiteKind::Tabulated => "tabulated",
        }
    }
}

/// One product line of a site: what it yields and how much it can.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteProduct {
    /// Normalised lower-case commodity (`gold`, `lithium`, `phosphate`, …).
    pub commodity: String,
    /// Commodity as the source spells it, with its qualifiers (USGS `DsgAttr02`/`DsgAttr03`).
    pub commodity_source: Option<String>,
    /// The product form (`Mine production, Au content`, `Concentrate`, …) when given.
    pub form: Option<String>,
    /// Capacity in `capacity_unit` per year, as published.
    pub capacity: Option<f64>,
    pub capacity_unit: Option<String>,
    /// The year the capacity refers to.
    pub capacity_year: Option<i32>,
    /// Source fields of this product's own row that have no typed home (for USGS facilities:
    /// `Label1`, `DsgAttr01`, `DsgAttr04`, …, plus any site-level field whose value in this row
    /// differs from the site's). Keys are source column names; missing values omitted.
    #[serde(default)]
    pub extra: Extra,
}

/// An owner and its stake.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ownership {
    pub owner: String,
    /// Percent (0–100) of the site held, when stated.
    pub share_pct: Option<f64>,
    pub home_country: Option<String>,
    /// Owners of this owner, as the source states them (e.g. Kodal Mining UK is held 51 % by
    /// Hainan Mining and 49 % by Kodal Minerals): look-through ownership multiplies the shares.
    pub held_by: Vec<Ownership>,
}

/// A source record that describes this site (a USGS `FeatureUID`, a hand-tabulated row).
/// When the same mine is in two sources it is ONE site with both records linked.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SourceRecord {
    /// `usgs_facilities`, `usgs_deposits`, `usgs_exploration`, `tabulated_sites`.
    pub dataset: String,
    /// The id within that dataset (`MLI004`, `MLI-HT-01`).
    pub record_id: String,
}

/// A mineral site: mine, plant, deposit or exploration project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Site {
    /// Stable id: the hand-tabulated id where there is one (`MLI-HT-01`), else the USGS
    /// `FeatureUID` (`MLI004`, `ZAd022`, `MZx001`).
    pub site_id: String,
    pub name: String,
    pub kind: SiteKind,
    pub country: Option<String>,
    pub country_iso3: Option<String>,
    pub admin1: Option<String>,
    /// None when the source gives no coordinates: such a site is kept and reported as not
    /// assessable, never guessed.
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// How good the coordinates are (`site`, `approximate`, `area centroid`, USGS `LocConfid`).
    pub coord_precision: Option<String>,
    /// Main commodities, normalised, in source order without repeats.
    pub commodities: Vec<String>,
    pub products: Vec<SiteProduct>,
    /// Operational status as the source words it (`operating`, `Assumed Active`, …).
    pub status: Option<String>,
    /// Year the status was last confirmed.
    pub status_as_of: Option<i32>,
    pub operator: Option<String>,
    pub owners: Vec<Ownership>,
    pub source_url: Option<String>,
    /// Every source record merged into this site; the first one is the primary.
    pub records: Vec<SourceRecord>,
    pub extra: Extra,
}

impl Site {
    pub fn has_coordinates(&self) -> bool {
        self.lat.is_some() && self.lon.is_some()
    }
}
