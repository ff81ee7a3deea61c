//! Flag values shared by several commands, as typed values (usage errors exit 2 and list the
//! accepted values).

use orewatch_core::analysis::exposure::{EventWeight, Kernel};
use orewatch_core::model::{EventSource, ViolenceType};

/// `--source`: which event dataset (never both at once).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum SourceArg {
    /// UCDP Georeferenced Event Dataset (any release or layout).
    #[value(name = "GED", alias = "UCDP")]
    Ged,
    /// ACLED export (any layout).
    #[value(name = "ACLED")]
    Acled,
}

impl From<SourceArg> for EventSource {
    fn from(s: SourceArg) -> EventSource {
        match s {
            SourceArg::Ged => EventSource::UcdpGed,
            SourceArg::Acled => EventSource::Acled,
        }
    }
}

/// `--kernel`: how an event's weight falls with its distance d from the site (radius R).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum KernelArg {
    /// 1 within R.
    Uniform,
    /// 1 − d/R.
    Linear,
    /// exp(−d² / (2σ²)) with σ = R/2.
    Gaussian,
}

impl From<KernelArg> for Kernel {
    fn from(k: KernelArg) -> Kernel {
        match k {
            KernelArg::Uniform => Kernel::Uniform,
            KernelArg::Linear => Kernel::Linear,
            KernelArg::Gaussian => Kernel::Gaussian,
        }
    }
}

/// `--weight`: what one event counts for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum WeightArg {
    /// max(1, best estimate of deaths).
    Fatalities,
    /// 1.
    Events,
}

impl From<WeightArg> for EventWeight {
    fn from(w: WeightArg) -> EventWeight {
        match w {
            WeightArg::Fatalities => EventWeight::Fatalities,
            WeightArg::Events => EventWeight::Events,
        }
    }
}

/// `--violence`: UCDP's types of organised violence.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ViolenceArg {
    /// Between states' forces and an organised armed group or another state (1).
    #[value(name = "state-based", aliases = ["sb", "1"])]
    StateBased,
    /// Between organised armed groups, none of them a state (2).
    #[value(name = "non-state", aliases = ["ns", "2"])]
    NonState,
    /// Against civilians by a state or an organised group (3).
    #[value(name = "one-sided", aliases = ["os", "3"])]
    OneSided,
}

impl From<ViolenceArg> for ViolenceType {
    fn from(v: ViolenceArg) -> ViolenceType {
        match v {
            ViolenceArg::StateBased => ViolenceType::StateBased,
            ViolenceArg::NonState => ViolenceType::NonState,
            ViolenceArg::OneSided => ViolenceType::OneSided,
        }
    }
}
