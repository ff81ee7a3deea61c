use serde::{Deserialize, Serialize};

use super::Extra;

/// Which production series a figure belongs to. Series are never joined silently: their
/// units and coverage differ (e.g. 1970–2015 lithium is gross weight of mixed products,
/// USGS MCS lithium is lithium content).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ProductionSeries {
    /// Our World in Data compilation of Clio-Infra/USGS and BGS series, 1970–2015.
    Owid1970_2015,
    /// USGS Mineral Commodity Summaries world production tables.
    UsgsMcs,
}

/// Whether a figure was reported or estimated by the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ValueType {
    Reported,
    Estimated,
}

/// One country's production of one commodity in one year, at one stage.
///
/// `quantity` is None when the source withholds it (`W`) or gives none (`NA`); the reason is in
/// `flag`. USGS's `—` means zero and is stored as 0 with flag `—`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductionRecord {
    pub series: ProductionSeries,
    /// Country as the source names it, footnote digits removed (`China6` → `China`).
    pub country: String,
    /// ISO 3166-1 alpha-3 where the country is one (None for `World total`, `Other countries`).
    pub iso3: Option<String>,
    pub year: i32,
    /// Normalised lower-case commodity (`gold`, `lithium`, `alumina`, `phosphate rock`, …).
    pub commodity: String,
    /// `mine` or `refinery` where the source says; None for the 1970–2015 series.
    pub stage: Option<String>,
    pub quantity: Option<f64>,
    /// Unit in words as the source gives it (`metric tons`, `thousand metric tons`, …). USGS
    /// abbreviations are spelt out in the long USGS file's wording for the same series, so that
    /// one fact has one unit text across files: the MCS originals' `t`/`kt` column units become
    /// e.g. `thousand metric tons (copper content)`, the transcription's `t (lithium content)`
    /// becomes `metric tons (lithium content)` (see `ingest::usgs_mcs`). Values are never
    /// converted.
    pub unit: String,
    /// Reported unless the source marks the figure as estimated (an `est` column, a note that
    /// the year is estimated too, or `value_type`). The OWID series has no such marking: all
    /// Reported.
    pub value_type: ValueType,
    /// `W` withheld, `NA` not available, `—` zero, `XX` not applicable, or none. The long USGS
    /// file's words (`withheld`, `zero`) are stored as these codes.
    pub flag: Option<String>,
    /// The USGS `Type` text (`Mine production, contained lithium`), when given.
    pub measure: Option<String>,
    /// Edition that published the figure (`MCS2024`); the newest edition wins per figure.
    pub edition: Option<String>,
    /// File the stored figure came from. After `ingest::production_dedup`, `extra` lists the
    /// other files and editions that had the same figure (`dedup_also_in`).
    pub source_file: String,
    pub extra: Extra,
}
