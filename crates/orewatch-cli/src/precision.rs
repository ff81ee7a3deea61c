//! `--max-precision N`: the location-precision flag of every command that reads events. The
//! filter itself is `orewatch_core::analysis::events::PrecisionFilter`; this only parses it.

use anyhow::Result;
use orewatch_core::analysis::events::PrecisionFilter;
use orewatch_core::model::Event;

#[derive(clap::Args, Debug, Clone, Copy, Default)]
pub struct PrecisionArg {
    /// Count only events whose location precision code is at most N (GED where_prec: 1 the
    /// exact place, 2 within about 25 km, 3 the district, 4 the province, 6 only the country;
    /// ACLED geo_precision 1–3); events without a code are then left out. Default: every
    /// precision (stated in the output).
    #[arg(long = "max-precision", value_name = "N")]
    pub max_precision: Option<u8>,
}

impl PrecisionArg {
    /// The filter (an error names the flag and the codes allowed).
    pub fn filter(&self) -> Result<PrecisionFilter> {
        Ok(PrecisionFilter::new(self.max_precision)?)
    }

    /// Applies the filter to the loaded events and says on stderr what it left out when events
    /// without any precision code were among them (they cannot be placed under any N).
    pub fn apply(&self, events: &mut Vec<Event>) -> Result<PrecisionFilter> {
        let filter = self.filter()?;
        let dropped = filter.retain(events);
        if dropped.without_code > 0 {
            eprintln!(
                "note: --max-precision left out {} event(s), {} of them without any location precision code (e.g. the 14-column reduced GED layout, which has no where_prec column)",
                dropped.events, dropped.without_code
            );
        }
        Ok(filter)
    }
}
