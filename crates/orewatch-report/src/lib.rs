//! The orewatch brief: ONE self-contained HTML page for analysts judging a US–Mali
//! security-for-minerals deal.
//!
//! It has a title block, a data-vintage banner (each country's UCDP GED coverage from the
//! store's coverage table, then each source's kind, file, coverage and release), a map of Mali
//! and its neighbours (boundaries, UCDP GED events, mine sites; countries whose data end
//! earlier hatched), the analysis sections (exposure, "Since 2019", actors, CAHRA, outlook,
//! supply), a yearly chart of events and deaths for Mali, Burkina Faso and Niger (years without
//! data hatched), the deal, and a footer with citations and file hashes. The sections render
//! the results of `orewatch_core` analyses and assessments.
//!
//! The page needs no network: inline CSS and inline SVG only, no scripts, fonts or images.
//! It is deterministic: the same input gives byte-identical HTML (no clock is read; tables are
//! sorted; numbers are written with a fixed format).
//!
//! Ethics: it never shows free-text event notes, headlines, source articles or anything from
//! `Event::extra`, and shows no information about individual people.
//!
//! Modules: [`svg`] (projection, paths, escaping), [`map`], [`chart`], [`vintage`] (each
//! country's data vintage), [`since`] (the "Since 2019" section), [`html`] (page, banner,
//! footer), and one module per other section.

pub mod actors;
pub mod cahra;
pub mod chart;
pub mod deal;
pub mod exposure;
pub mod html;
pub mod map;
pub mod outlook;
pub mod precision;
pub mod since;
pub mod supply;
pub mod svg;
pub mod vintage;

use orewatch_core::model::Dataset;
use orewatch_core::model::SourceReport;

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
    /// The location precisions the events in `dataset` were limited to (`--max-precision`).
    pub precision: orewatch_core::analysis::events::PrecisionFilter,
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
