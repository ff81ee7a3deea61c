//! The forecast and its evaluation as assessments: a typed request in, a typed result out that
//! carries its provenance (sources, parameters, coverage, warnings). Requests and results are
//! serde types, so the CLI prints them, the brief renders them and any other product returns
//! them unchanged; the products compute nothing themselves.
//!
//! - [`forecast`]: deaths per PRIO-GRID cell-month (or country-month) for the months after an
//!   origin, from the store's events, boundaries, mine sites and WGI ([`ForecastRequest`] →
//!   [`ForecastResult`]); the draws go to a [`DrawSink`] as they are made.
//! - [`evaluate`]: rolling-origin evaluation of models against the VIEWS baselines
//!   ([`EvaluationRequest`] → [`EvaluationResult`]).
//!
//! Countries and months: the panel's countries must be covered by the event source over every
//! month it reads ([`super::training`]); training countries that are not covered through a
//! fit's cutoff are left out of that fit with a warning. Without `countries`, a forecast takes
//! the Sahel countries ([`SAHEL`]) covered through the last month any of them is covered, and
//! names the others in a warning.

use serde::{Deserialize, Serialize};

use super::{Provenance, SourceRef};
use crate::analysis::coverage::EventCoverage;
use crate::analysis::events::{choose_source, stated_coverage};
use crate::analysis::forecast::evaluate::{
    evaluate_with_training, refit_origins, EvalSpec, Evaluation,
};
use crate::analysis::forecast::features::{FeatureMatrix, FeatureParams, FeatureSource};
use crate::analysis::forecast::model::{ModelName, ModelSpec};
use crate::analysis::forecast::outlook::{p_any_over_horizon, DrawSink, Outlook};
use crate::analysis::forecast::panel::{
    build, mine_points, Level, Month, Panel, PanelCounts, Target, Unit,
};
use crate::analysis::forecast::training::{
    check_covered, normalise, training_countries_for, CountryCoverage, LeftOut, StoreCoverage,
    Training,
};
use crate::analysis::AnalysisError;
use crate::ingest::plan::SourceReport;
use crate::model::regions::{codes, SAHEL};
use crate::model::{Dataset, EventSource};

/// Caveats every forecast and evaluation carries.
pub const CAVEATS: [&str; 3] = [
    "WGI features use the one edition in the store: its revisions of past years are visible to \
     every origin.",
    "Mine-site distances use today's site list.",
    "Events of every location precision the data hold are counted unless --max-precision says \
     otherwise; source files differ in the precisions they hold (the brief's location-precision \
     section shows the shares per country and year).",
];

/// The months a country is covered by the event source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CountryPeriod {
    pub country: String,
    pub first_month: Month,
    pub last_month: Month,
}

/// The events a result counts: which source, and what it covers for each country forecast,
/// scored or trained on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventData {
    pub source: EventSource,
    pub coverage: Vec<CountryPeriod>,
    /// Standing caveats ([`CAVEATS`]).
    pub caveats: Vec<String>,
}

/// What to forecast.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ForecastRequest {
    /// Countries (ISO3) forecast. None: the Sahel countries covered through the last month any
    /// of them is covered.
    pub countries: Option<Vec<String>>,
    /// Countries the fitted models are trained on.
    pub training: Training,
    /// The last observed month. None: the last month every forecast country is covered.
    pub origin: Option<Month>,
    /// Months ahead (1–36).
    pub horizon: usize,
    pub model: ModelSpec,
    pub target: Target,
    pub level: Level,
    /// Draws per unit-month.
    pub draws: usize,
    pub seed: u64,
    /// Event source; None: the only one in the store.
    pub source: Option<EventSource>,
    /// Observed months per unit returned with the forecast (for charts), ending at the origin.
    pub observed_months: usize,
}

impl Default for ForecastRequest {
    fn default() -> Self {
        ForecastRequest {
            countries: None,
            training: Training::Default,
            origin: None,
            horizon: 12,
            model: ModelName::DEFAULT.spec(),
            target: Target::All,
            level: Level::Cell,
            draws: 1000,
            seed: 1,
            source: None,
            observed_months: 0,
        }
    }
}

/// A forecast with what it was computed from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForecastResult {
    pub request: ForecastRequest,
    /// The countries forecast.
    pub countries: Vec<String>,
    /// The countries the fitted model was trained on (None: the forecast panel itself, or a
    /// baseline).
    pub training_countries: Option<Vec<String>>,
    /// The panel's first and last month.
    pub data_months: (Month, Month),
    pub panel: PanelCounts,
    pub units: Vec<Unit>,
    pub outlook: Outlook,
    /// Per unit: bounds of P(at least one death over the horizon) (see
    /// [`super::outlook::p_any_over_horizon`]).
    pub p_any_over_horizon: Vec<(f64, f64)>,
    /// Per unit: its last `request.observed_months` observed months, oldest first.
    pub observed: Vec<Vec<u32>>,
    pub events: EventData,
    pub provenance: Provenance,
}

/// What to evaluate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EvaluationRequest {
    /// Countries (ISO3) scored.
    pub countries: Vec<String>,
    pub training: Training,
    pub first_origin: Month,
    pub last_origin: Month,
    /// Horizons 1 ..= this (1–36).
    pub horizon: usize,
    pub models: Vec<ModelSpec>,
    pub target: Target,
    pub level: Level,
    pub draws: usize,
    pub seed: u64,
    pub bootstrap_replicates: usize,
    /// Consecutive origins per bootstrap block.
    pub block_len: u32,
    pub source: Option<EventSource>,
}

impl EvaluationRequest {
    /// The fresh-span evaluation of bench/forecast_eval/PROTOCOL.md: Mali and Burkina Faso,
    /// origins 2019-01 to 2021-12, horizons 1–12, the baselines and every named model, 1,000
    /// draws, seed 1, 1,000 bootstrap replicates in blocks of 12 origins.
    pub fn fresh_span() -> EvaluationRequest {
        EvaluationRequest::default()
    }
}

impl Default for EvaluationRequest {
    fn default() -> Self {
        EvaluationRequest {
            countries: codes(&["MLI", "BFA"]),
            training: Training::Default,
            first_origin: Month::new(2019, 1),
            last_origin: Month::new(2021, 12),
            horizon: 12,
            models: ModelName::ALL.iter().map(|m| m.spec()).collect(),
            target: Target::All,
            level: Level::Cell,
            draws: 1000,
            seed: 1,
            bootstrap_replicates: 1000,
            block_len: 12,
            source: None,
        }
    }
}

/// The training countries of one refit of an evaluation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RefitTraining {
    pub cutoff: Month,
    /// None: fitted on the scored panel itself.
    pub countries: Option<Vec<String>>,
}

/// An evaluation with what it was computed from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvaluationResult {
    pub request: EvaluationRequest,
    pub countries: Vec<String>,
    pub data_months: (Month, Month),
    pub panel: PanelCounts,
    pub training: Vec<RefitTraining>,
    pub evaluation: Evaluation,
    pub events: EventData,
    pub provenance: Provenance,
}

/// What both assessments read from the store.
struct Context<'a> {
    data: &'a Dataset,
    source: EventSource,
    coverage: Box<dyn CountryCoverage + 'a>,
    sites: Vec<(f64, f64)>,
}

/// What a run notes for its provenance as it goes.
#[derive(Default)]
struct Notes {
    warnings: Vec<String>,
    /// Every country whose coverage the result reports.
    countries: Vec<String>,
}

impl Notes {
    fn warn(&mut self, text: String) {
        if !self.warnings.contains(&text) {
            self.warnings.push(text);
        }
    }

    /// Once per country: the first fit it is left out of (coverage is a span, so it stays
    /// out of every later fit).
    fn warn_left_out(&mut self, left_out: &[LeftOut], source: &str, when: &str) {
        for l in left_out {
            let head = format!("training country {} left out", l.country);
            if !self.warnings.iter().any(|w| w.starts_with(&head)) {
                self.warn(format!("{head} {when}: {}", l.describe(source)));
            }
        }
    }

    fn see(&mut self, countries: &[String]) {
        for c in countries {
            if !self.countries.contains(c) {
                self.countries.push(c.clone());
            }
        }
    }
}

impl<'a> Context<'a> {
    fn new(
        data: &'a Dataset,
        sources: &'a [SourceReport],
        requested: Option<EventSource>,
    ) -> Result<Context<'a>, AnalysisError> {
        let source = choose_source(&data.events, requested)?;
        Ok(Context {
            data,
            source,
            coverage: coverage_of(sources, source)?,
            sites: mine_points(&data.sites),
        })
    }

    fn source_name(&self) -> &'static str {
        self.source.as_str()
    }

    fn panel(
        &self,
        level: Level,
        countries: &[String],
        first: Month,
        last: Month,
    ) -> Result<Panel, AnalysisError> {
        build(
            level,
            countries,
            &self.data.events,
            &self.data.regions,
            self.source,
            first,
            last,
        )
    }

    fn features<'p>(&'p self, panel: &'p Panel, target: Target) -> FeatureSource<'p> {
        FeatureSource::new(
            panel,
            target,
            &self.sites,
            &self.data.governance,
            FeatureParams::default(),
        )
    }

    /// The panel's first month: the latest first covered month of `countries` (earlier
    /// months would read as zeros for the later-covered ones).
    fn first_month(&self, countries: &[String]) -> Result<Month, AnalysisError> {
        countries
            .iter()
            .map(|c| {
                self.coverage.months(c).map(|m| m.0).ok_or_else(|| {
                    AnalysisError::Data(format!(
                        "{c}: {} in the store does not cover it. Check the ISO3 code or ingest \
                         a {} file covering {c}",
                        self.source_name(),
                        self.source_name()
                    ))
                })
            })
            .try_fold(Month(i32::MIN), |acc, m| Ok(acc.max(m?)))
    }

    /// The result's events and provenance, `command` the CLI command giving the same numbers.
    fn finish(
        &self,
        notes: Notes,
        sources: &[SourceReport],
        command: String,
    ) -> (EventData, Provenance) {
        let event_kind = match self.source {
            EventSource::UcdpGed => "ucdp_ged",
            EventSource::Acled => "acled",
        };
        let read = [
            event_kind,
            "boundaries",
            "usgs_sites",
            "tabulated_sites",
            "wgi",
        ];
        let mut seen = notes.countries;
        seen.sort();
        let events = EventData {
            source: self.source,
            coverage: seen
                .iter()
                .filter_map(|c| {
                    let (first_month, last_month) = self.coverage.months(c)?;
                    Some(CountryPeriod {
                        country: c.clone(),
                        first_month,
                        last_month,
                    })
                })
                .collect(),
            caveats: CAVEATS.iter().map(|s| s.to_string()).collect(),
        };
        let provenance = Provenance {
            sources: sources
                .iter()
                .filter(|r| read.contains(&r.kind.as_str()))
                .map(|r| SourceRef {
                    path: r.path.clone(),
                    sha256: r.sha256.clone(),
                    kind: r.kind.clone(),
                })
                .collect(),
            command: Some(command),
            warnings: notes.warnings,
            ..Provenance::new()
        };
        (events, provenance)
    }
}

/// The per-country coverage of `source` in the store: the manifest's coverage table
/// ([`EventCoverage::from_sources`]: each file covers its stated period for the countries it
/// lists, a global file for every country).
fn coverage_of<'a>(
    sources: &'a [SourceReport],
    source: EventSource,
) -> Result<Box<dyn CountryCoverage + 'a>, AnalysisError> {
    if stated_coverage(sources, source).is_none() {
        return Err(AnalysisError::Data(format!(
            "the manifest lists no {} file: cannot tell the months it covers",
            source.as_str()
        )));
    }
    Ok(Box::new(StoreCoverage {
        table: EventCoverage::from_sources(sources),
        source,
    }))
}

fn check_request_basics(horizon: usize, draws: usize) -> Result<(), AnalysisError> {
    if !(1..=36).contains(&horizon) {
        return Err(AnalysisError::bad("horizon", horizon, "1 to 36 months"));
    }
    if draws == 0 {
        return Err(AnalysisError::bad("draws", 0, "at least 1 draw"));
    }
    Ok(())
}

fn normalised(countries: &[String]) -> Result<Vec<String>, AnalysisError> {
    let mut out: Vec<String> = Vec::new();
    for c in countries
        .iter()
        .map(|c| normalise(c))
        .filter(|c| !c.is_empty())
    {
        if c.len() != 3 || !c.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(AnalysisError::bad(
                "countries",
                c,
                "ISO 3166-1 alpha-3 codes, e.g. MLI,BFA",
            ));
        }
        if !out.contains(&c) {
            out.push(c);
        }
    }
    if out.is_empty() {
        return Err(AnalysisError::bad(
            "countries",
            "",
            "at least one ISO3 country code",
        ));
    }
    Ok(out)
}

/// Forecasts `request` from the store's `data` (with its manifest's `sources`), handing the
/// draws of each month ahead to `sink`.
pub fn forecast(
    request: &ForecastRequest,
    data: &Dataset,
    sources: &[SourceReport],
    sink: &mut dyn DrawSink,
) -> Result<ForecastResult, AnalysisError> {
    check_request_basics(request.horizon, request.draws)?;
    let cx = Context::new(data, sources, request.source)?;
    let mut notes = Notes::default();
    let source_name = cx.source_name();

    // Countries and origin.
    let (countries, origin) = match (&request.countries, request.origin) {
        (Some(list), origin) => {
            let countries = normalised(list)?;
            let origin = match origin {
                Some(o) => o,
                None => countries
                    .iter()
                    .map(|c| cx.coverage.months(c).map(|m| m.1))
                    .min()
                    .flatten()
                    .ok_or_else(|| {
                        AnalysisError::Data(format!(
                            "{} in the store does not cover {}",
                            source_name,
                            countries.join(", ")
                        ))
                    })?,
            };
            (countries, origin)
        }
        (None, origin) => {
            let sahel = codes(&SAHEL);
            let origin = match origin {
                Some(o) => o,
                None => sahel
                    .iter()
                    .filter_map(|c| cx.coverage.months(c).map(|m| m.1))
                    .max()
                    .ok_or_else(|| {
                        AnalysisError::Data(format!(
                            "{source_name} in the store covers none of the Sahel countries ({}): \
                             choose countries",
                            sahel.join(", ")
                        ))
                    })?,
            };
            let mut countries = Vec::new();
            for c in sahel {
                match cx.coverage.months(&c) {
                    Some((_, last)) if last >= origin => countries.push(c),
                    covered => notes.warn(format!(
                        "{} is not forecast: {} (absence of data is not absence of violence)",
                        c,
                        LeftOut {
                            country: c.clone(),
                            covered,
                        }
                        .describe(source_name)
                    )),
                }
            }
            if countries.is_empty() {
                return Err(AnalysisError::Data(format!(
                    "{source_name} in the store covers none of the Sahel countries through \
                     {origin} ({}): choose countries or an earlier origin",
                    notes.warnings.join("; ")
                )));
            }
            (countries, origin)
        }
    };
    let first = cx.first_month(&countries)?;
    check_covered(
        &countries,
        cx.coverage.as_ref(),
        source_name,
        first,
        origin,
        "a forecast from this origin",
    )?;
    notes.see(&countries);

    let panel = cx.panel(request.level, &countries, first, origin)?;
    let src = cx.features(&panel, request.target);
    let matrix = FeatureMatrix::new(&src);

    // The training panel, of the training countries covered through the origin.
    let training_countries = if request.model.is_fitted() {
        match request.training.countries_with(&countries) {
            None => None,
            Some(list) => {
                let (used, left_out) =
                    training_countries_for(&list, cx.coverage.as_ref(), first, origin);
                notes.warn_left_out(&left_out, source_name, &format!("of the fit at {origin}"));
                notes.see(&used);
                (used.len() > countries.len()).then_some(used)
            }
        }
    } else {
        None
    };
    let train_panel = training_countries
        .as_ref()
        .map(|c| cx.panel(request.level, c, first, origin))
        .transpose()?;
    let train_src = train_panel.as_ref().map(|p| cx.features(p, request.target));
    let train_matrix = train_src.as_ref().map(FeatureMatrix::new);

    let outlook = crate::analysis::forecast::outlook::forecast(
        &request.model,
        &src,
        &matrix,
        train_src.as_ref().zip(train_matrix.as_ref()),
        request.target,
        origin,
        request.horizon,
        request.draws,
        request.seed,
        sink,
    )?;
    let (events, provenance) = cx.finish(
        notes,
        sources,
        forecast_command(request, &countries, origin),
    );
    let n = panel.n_months;
    let observed = (0..panel.units.len())
        .map(|u| {
            panel.series(request.target, u)[n.saturating_sub(request.observed_months)..].to_vec()
        })
        .collect();
    Ok(ForecastResult {
        request: request.clone(),
        countries,
        training_countries,
        data_months: (panel.first_month, panel.last_month()),
        p_any_over_horizon: p_any_over_horizon(&outlook, panel.units.len()),
        panel: panel.counts.clone(),
        observed,
        units: panel.units.clone(),
        outlook,
        events,
        provenance,
    })
}

/// Evaluates `request` on the store's `data` (with its manifest's `sources`).
pub fn evaluate(
    request: &EvaluationRequest,
    data: &Dataset,
    sources: &[SourceReport],
) -> Result<EvaluationResult, AnalysisError> {
    check_request_basics(request.horizon, request.draws)?;
    if request.models.is_empty() {
        return Err(AnalysisError::bad("models", "", "at least one model"));
    }
    if request.last_origin < request.first_origin {
        return Err(AnalysisError::bad(
            "to",
            request.last_origin,
            "no earlier than the first origin",
        ));
    }
    let cx = Context::new(data, sources, request.source)?;
    let mut notes = Notes::default();
    let source_name = cx.source_name();
    let countries = normalised(&request.countries)?;
    let first = cx.first_month(&countries)?;
    let last = request.last_origin.plus(request.horizon as i32);
    check_covered(
        &countries,
        cx.coverage.as_ref(),
        source_name,
        first,
        last,
        "this evaluation (its last target month)",
    )?;
    notes.see(&countries);
    let panel = cx.panel(request.level, &countries, first, last)?;
    let src = cx.features(&panel, request.target);
    let matrix = FeatureMatrix::new(&src);

    // Per refit: the training countries covered through its cutoff; one panel per distinct
    // set.
    let fitted = request.models.iter().any(ModelSpec::is_fitted);
    let wanted = if fitted {
        request.training.countries_with(&countries)
    } else {
        None
    };
    let mut training = Vec::new();
    let mut sets: Vec<Vec<String>> = Vec::new();
    let mut set_of_cutoff: Vec<(usize, Option<usize>)> = Vec::new();
    for cutoff in refit_origins(request.first_origin, request.last_origin) {
        let countries_used = wanted.as_ref().and_then(|list| {
            let (used, left_out) =
                training_countries_for(list, cx.coverage.as_ref(), first, cutoff);
            notes.warn_left_out(
                &left_out,
                source_name,
                &format!("of the fits from {cutoff}"),
            );
            (used.len() > countries.len()).then_some(used)
        });
        let index = countries_used.as_ref().map(|c| {
            sets.iter().position(|s| s == c).unwrap_or_else(|| {
                sets.push(c.clone());
                sets.len() - 1
            })
        });
        if let Some(t) = panel.month_index(cutoff) {
            set_of_cutoff.push((t, index));
        }
        training.push(RefitTraining {
            cutoff,
            countries: countries_used,
        });
    }
    for s in &sets {
        notes.see(s);
    }
    let panels: Vec<Panel> = sets
        .iter()
        .map(|c| cx.panel(request.level, c, first, last))
        .collect::<Result<_, _>>()?;
    let train_src: Vec<FeatureSource> = panels
        .iter()
        .map(|p| cx.features(p, request.target))
        .collect();
    let train_matrix: Vec<FeatureMatrix> = train_src.iter().map(FeatureMatrix::new).collect();
    let pick = |cutoff: usize| {
        let (_, index) = set_of_cutoff.iter().find(|(t, _)| *t == cutoff)?;
        index.map(|i| (&train_src[i], &train_matrix[i]))
    };

    let spec = EvalSpec {
        first_origin: request.first_origin,
        last_origin: request.last_origin,
        horizon: request.horizon,
        samples: request.draws,
        seed: request.seed,
        target: request.target,
        models: request.models.clone(),
        bootstrap_replicates: request.bootstrap_replicates,
        block_len: request.block_len,
    };
    let evaluation = evaluate_with_training(&spec, &src, &matrix, &pick)?;
    let (events, provenance) = cx.finish(notes, sources, evaluation_command(request, &countries));
    Ok(EvaluationResult {
        request: request.clone(),
        countries,
        data_months: (panel.first_month, panel.last_month()),
        panel: panel.counts.clone(),
        training,
        evaluation,
        events,
        provenance,
    })
}

/// `--train-countries` as the CLI spells it (None: the default).
fn training_flag(training: &Training) -> Option<String> {
    match training {
        Training::Default => None,
        Training::Own => Some("own".into()),
        Training::Countries(list) => Some(list.join(",")),
    }
}

/// The flags shared by both commands, where they differ from the CLI's defaults.
fn common_flags(
    out: &mut String,
    training: &Training,
    target: Target,
    level: Level,
    draws: usize,
    seed: u64,
    source: Option<EventSource>,
) {
    use std::fmt::Write as _;
    if let Some(t) = training_flag(training) {
        let _ = write!(out, " --train-countries {t}");
    }
    if target != Target::All {
        let _ = write!(out, " --target {}", target.as_str());
    }
    if level != Level::Cell {
        let _ = write!(out, " --level country");
    }
    if draws != 1000 {
        let _ = write!(out, " --draws {draws}");
    }
    if seed != 1 {
        let _ = write!(out, " --seed {seed}");
    }
    if let Some(s) = source {
        let _ = write!(
            out,
            " --source {}",
            match s {
                EventSource::UcdpGed => "GED",
                EventSource::Acled => "ACLED",
            }
        );
    }
}

/// The model's name when the CLI can name it (a named model with its own configuration).
fn named(model: &ModelSpec) -> Option<ModelName> {
    ModelName::ALL.into_iter().find(|m| m.spec() == *model)
}

/// The `orewatch forecast` command giving `request`'s numbers.
fn forecast_command(request: &ForecastRequest, countries: &[String], origin: Month) -> String {
    use std::fmt::Write as _;
    let mut out = format!(
        "orewatch forecast --countries {} --origin {origin}",
        countries.join(",")
    );
    if request.horizon != 12 {
        let _ = write!(out, " --horizon {}", request.horizon);
    }
    match named(&request.model) {
        Some(m) if m == ModelName::DEFAULT => {}
        Some(m) => {
            let _ = write!(out, " --model {}", m.as_str());
        }
        None => {
            let _ = write!(
                out,
                " (model configuration {} given as JSON)",
                request.model.name()
            );
        }
    }
    common_flags(
        &mut out,
        &request.training,
        request.target,
        request.level,
        request.draws,
        request.seed,
        request.source,
    );
    out
}

/// The `orewatch evaluate` command giving `request`'s numbers.
fn evaluation_command(request: &EvaluationRequest, countries: &[String]) -> String {
    use std::fmt::Write as _;
    let mut out = format!(
        "orewatch evaluate --countries {} --from {} --to {}",
        countries.join(","),
        request.first_origin,
        request.last_origin
    );
    if request.horizon != 12 {
        let _ = write!(out, " --horizon {}", request.horizon);
    }
    let names: Vec<Option<ModelName>> = request.models.iter().map(named).collect();
    if names != ModelName::ALL.map(Some) {
        let list: Vec<String> = request
            .models
            .iter()
            .zip(&names)
            .map(|(m, n)| {
                n.map(|n| n.as_str().to_string())
                    .unwrap_or_else(|| m.name())
            })
            .collect();
        let _ = write!(out, " --models {}", list.join(","));
    }
    common_flags(
        &mut out,
        &request.training,
        request.target,
        request.level,
        request.draws,
        request.seed,
        request.source,
    );
    if request.bootstrap_replicates != 1000 {
        let _ = write!(out, " --bootstrap {}", request.bootstrap_replicates);
    }
    if request.block_len != 12 {
        let _ = write!(out, " --block-len {}", request.block_len);
    }
    out
}
