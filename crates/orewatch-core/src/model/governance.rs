use serde::{Deserialize, Serialize};

use super::Extra;

/// The six Worldwide Governance Indicators, in the order the World Bank lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum WgiIndicator {
    /// Voice and Accountability
    VA = 0,
    /// Political Stability and Absence of Violence/Terrorism
    PV = 1,
    /// Government Effectiveness
    GE = 2,
    /// Regulatory Quality
    RQ = 3,
    /// Rule of Law
    RL = 4,
    /// Control of Corruption
    CC = 5,
}

pub const WGI_INDICATORS: [WgiIndicator; 6] = [
    WgiIndicator::VA,
    WgiIndicator::PV,
    WgiIndicator::GE,
    WgiIndicator::RQ,
    WgiIndicator::RL,
    WgiIndicator::CC,
];

impl WgiIndicator {
    /// Lower-case code as in the WGI column prefixes (`va`, `pv`, …).
    pub fn code(self) -> &'static str {
        match self {
            WgiIndicator::VA => "va",
            WgiIndicator::PV => "pv",
            WgiIndicator::GE => "ge",
            WgiIndicator::RQ => "rq",
            WgiIndicator::RL => "rl",
            WgiIndicator::CC => "cc",
        }
    }
}

/// One indicator's values for a country-year. `estimate` is in units of a standard normal
/// (about −2.5 … 2.5, higher is better governance); percentile ranks are 0–100.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct WgiValues {
    pub estimate: Option<f64>,
    pub std_error: Option<f64>,
    pub n_sources: Option<u32>,
    pub pct_rank: Option<f64>,
    pub pct_rank_lower: Option<f64>,
    pub pct_rank_upper: Option<f64>,
}

/// A country-year of the Worldwide Governance Indicators.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GovernanceRecord {
    pub country: String,
    pub iso3: String,
    /// The World Bank's own code where it differs from ISO3 (`ZAR` for COD, `ROM` for ROU).
    pub wgi_code: String,
    pub year: i32,
    /// Indexed as [`WGI_INDICATORS`].
    pub indicators: [WgiValues; 6],
    /// Why the row is suspicious but kept, in words (`year 1997 is not a WGI year`,
    /// `pv estimate -3.31 outside [-3, 3]`); empty for most rows. Added for the WGI reader,
    /// which flags rather than drops such rows.
    pub flags: Vec<String>,
    /// Source columns with no typed field (column name → text as read; missing omitted).
    pub extra: Extra,
}

impl GovernanceRecord {
    pub fn get(&self, indicator: WgiIndicator) -> &WgiValues {
        &self.indicators[indicator as usize]
    }
}
