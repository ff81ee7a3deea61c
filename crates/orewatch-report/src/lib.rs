//! The orewatch brief: ONE self-contained HTML page for analysts judging a US–Mali
//! security-for-minerals deal.
//!
//! This first version has a title block, a data-vintage banner (each source's kind, file,
//! coverage and release, and a warning on the date the conflict data end), a map of Mali and
//! its neighbours (boundaries, UCDP GED events, mine sites), a yearly chart of events and
//! deaths for Mali, Burkina Faso and Niger, and a footer with citations and file hashes.
//!
//! The page needs no network: inline CSS and inline SVG only, no scripts, fonts or images.
//! It is deterministic: the same input gives byte-identical HTML (no clock is read; tables are
//! sorted; numbers are written with a fixed format).
//!
//! Ethics: it never shows free-text event notes, headlines, source articles or anything from
//! `Event::extra`, and shows no information about individual people.
//!
//! Modules: [`svg`] (projection, paths, escaping), [`map`], [`chart`], [`html`] (page, banner,
//! footer).

pub mod actors;
pub mod cahra;
pub mod chart;
pub mod deal;
pub mod exposure;
pub mod html;
pub mod map;
pub mod outlook;
pub mod supply;
pub mod svg;

use orewatch_core::ingest::plan::SourceReport;
use orewatch_core::model::Dataset;

/// What the brief is made from.
pub struct BriefInput<'a> {
    pub dataset: &'a Dataset,
    pub sources: &'a [SourceReport],
    /// e.g. "store generation 3, written 2026-11-28T07:00:00Z by orewatch 0.1.0"
    pub provenance: String,
    /// The partnership scenarios' runs for "The deal" section; None: the section says they
    /// were not run.
    pub deal: Option<&'a orewatch_core::assess::deal::DealAssessment>,
    /// The Outlook section's forecast and evaluation; None: the section says it was not run.
    pub outlook: Option<&'a outlook::OutlookInput>,
}

/// The UCDP GED coverage the sources state, when the store holds GED events (the event
/// sections draw from GED only).
pub(crate) fn ged_coverage(
    input: &BriefInput,
) -> Option<orewatch_core::analysis::events::SourceCoverage> {
    use orewatch_core::model::EventSource;
    input
        .dataset
        .events
        .iter()
        .any(|e| e.source == EventSource::UcdpGed)
        .then(|| {
            orewatch_core::analysis::events::stated_coverage(input.sources, EventSource::UcdpGed)
        })
        .flatten()
}

/// Renders the brief as one HTML document.
pub fn render_brief(input: &BriefInput) -> String {
    html::render_page(input)
}

#[cfg(test)]
mod tests;
