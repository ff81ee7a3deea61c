//! Flag values shared by several commands, as typed values (usage errors exit 2 and list the
//! accepted values).

use orewatch_core::model::EventSource;

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
