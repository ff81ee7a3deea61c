//! The brief's "The deal" section: the risks and rewards of the partnership options, as
//! distributions, for a stated perspective (the bundled scenarios score Mali's population).
//!
//! What it shows, all computed from the scenario runs' draws (nothing written by hand):
//! - the risk/reward table: outputs as rows grouped by aspect, scenarios as columns, each
//!   cell the median with its 90 % interval (5th–95th percentile) and, for every scenario but
//!   the status quo, the probability that it is better than the status quo in the output's
//!   direction, from PAIRED draws (the runs share common random numbers). A cell is marked
//!   better (or worse) when that probability is at least [`MARK_PROBABILITY`];
//! - which conclusions hold across the whole range and which flip: a comparison "holds" when
//!   the scenario is better (or worse) than the status quo in at least [`HOLDS_PROBABILITY`]
//!   of the paired draws, i.e. the 90 % interval of the paired difference lies on one side of
//!   zero; otherwise it flips within the range;
//! - small distribution plots (one per output, the scenarios overlaid on one scale);
//! - a tornado per key output, drawn from plain [`Tornado`] values so that the engine's own
//!   sensitivity analysis can be wired in later. [`build_deal_input`] fills them from the
//!   draws: for each random input, the median paired difference (scenario − status quo) among
//!   the draws where the input is in its lowest 10 %, and in its highest 10 %;
//! - every input with its source, assumption or data link, and the count of each.
//!
//! Units are each output's own (written in the table). What it does NOT do: it runs nothing
//! (the caller simulates), reads no data, and gives no single-number answer.

use std::collections::BTreeMap;
use std::fmt::Write;

use orewatch_core::scenario::engine::{quantile_sorted, summarise, Draws};
use orewatch_core::scenario::model::{Aspect, Direction, Kind, Model, Provenance};

use crate::svg::{escape, fmt1};
use crate::BriefInput;

/// A cell is marked better (worse) than the status quo at this probability or above.
pub const MARK_PROBABILITY: f64 = 0.8;
/// A comparison holds across the whole 90 % range at this probability or above.
pub const HOLDS_PROBABILITY: f64 = 0.95;
/// Bins of the distribution plots.
const BINS: usize = 32;
/// Bars per tornado.
const TORNADO_BARS: usize = 8;
/// Share of draws in each tail for the tornado's low and high ends.
const TAIL: f64 = 0.10;

/// One scenario as run by the caller: the parsed model and the draws, or why not.
pub struct ScenarioRun {
    /// Short key, e.g. `status_quo`.
    pub key: String,
    pub model: Result<Model, String>,
    pub draws: Result<Draws, String>,
}

/// One bar of a tornado: the output (or difference) when the input is low and when it is high.
#[derive(Debug, Clone, PartialEq)]
pub struct TornadoBar {
    pub input: String,
    pub low: f64,
    pub high: f64,
}

/// A tornado for one output.
#[derive(Debug, Clone, PartialEq)]
pub struct Tornado {
    pub output: String,
    pub unit: String,
    /// What the bars measure, e.g. "US deal − status quo, median paired difference".
    pub measure: String,
    /// The value with every input free (the bars' common origin).
    pub centre: f64,
    /// How `low` and `high` were obtained.
    pub method: String,
    /// Largest swing first.
    pub bars: Vec<TornadoBar>,
}

/// One table cell.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub p5: f64,
    pub median: f64,
    pub p95: f64,
    /// P(better than the status quo), paired; None for the status quo itself.
    pub p_better: Option<f64>,
    /// P(worse than the status quo), paired; ties count in neither.
    pub p_worse: Option<f64>,
    /// Share of draws per bin of the row's [`OutputRow::plot_range`].
    pub histogram: Vec<f64>,
}

/// One output across the scenarios.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputRow {
    pub name: String,
    pub aspect: Aspect,
    pub unit: String,
    pub direction: Direction,
    pub description: Option<String>,
    /// One per scenario column; None where the scenario did not run.
    pub cells: Vec<Option<Cell>>,
    /// x range of the distribution plot (1st–99th percentile over the scenarios).
    pub plot_range: (f64, f64),
}

/// A scenario column.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioColumn {
    pub key: String,
    pub name: String,
    /// Why it did not run (parse or run error), if it did not.
    pub error: Option<String>,
}

/// Where an input's range comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum InputKind {
    Source,
    Assumption,
    DataLink,
}

/// One input of the scenarios, with the scenarios that use it.
#[derive(Debug, Clone, PartialEq)]
pub struct InputLine {
    pub name: String,
    pub unit: Option<String>,
    pub kind: InputKind,
    pub text: String,
    pub scenarios: Vec<String>,
}

/// A rank correlation imposed between two inputs, with the scenarios that declare it.
#[derive(Debug, Clone, PartialEq)]
pub struct CorrelationLine {
    pub a: String,
    pub b: String,
    /// Target Spearman rank correlation.
    pub rank: f64,
    /// Source or assumption; None when the file gives neither.
    pub kind: Option<InputKind>,
    pub text: String,
    pub scenarios: Vec<String>,
}

/// One scenario against the status quo for one output.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub output: String,
    pub scenario: String,
    pub p_better: f64,
    pub p_worse: f64,
}

impl Comparison {
    /// "better", "worse", "unchanged" (every draw ties) or "flips".
    pub fn verdict(&self) -> &'static str {
        if self.p_better >= HOLDS_PROBABILITY {
            "better"
        } else if self.p_worse >= HOLDS_PROBABILITY {
            "worse"
        } else if self.p_better == 0.0 && self.p_worse == 0.0 {
            "unchanged"
        } else {
            "flips"
        }
    }
}

/// Everything the section shows.
#[derive(Debug, Clone, PartialEq)]
pub struct DealInput {
    /// e.g. "Mali's population".
    pub perspective: String,
    pub draws: usize,
    pub seed: u64,
    /// Status quo first.
    pub scenarios: Vec<ScenarioColumn>,
    pub rows: Vec<OutputRow>,
    pub comparisons: Vec<Comparison>,
    pub tornadoes: Vec<Tornado>,
    pub inputs: Vec<InputLine>,
    /// Sourced or assumed rank correlations between inputs, in first-declared order.
    pub correlations: Vec<CorrelationLine>,
}

fn perspective_label(m: &Model) -> String {
    use orewatch_core::scenario::model::Perspective as P;
    match m.meta.perspective {
        P::MaliPopulation => "Mali's population",
        P::MalianState => "the Malian state",
        P::Partner => "the partner",
        P::Region => "the region",
    }
    .to_string()
}

/// +1 when `a` is better than `b` in `direction`, −1 when worse, 0 when tied or not a number.
fn better(a: f64, b: f64, direction: Direction) -> i8 {
    if a.is_nan() || b.is_nan() || a == b {
        return 0;
    }
    let higher = a > b;
    match (direction, higher) {
        (Direction::HigherIsBetter, true) | (Direction::HigherIsWorse, false) => 1,
        _ => -1,
    }
}

/// (P(a better than b), P(a worse than b)) over paired draws that are both numbers.
pub fn paired_probabilities(a: &[f64], b: &[f64], direction: Direction) -> (f64, f64) {
    let (mut up, mut down, mut n) = (0usize, 0usize, 0usize);
    for (x, y) in a.iter().zip(b) {
        if x.is_nan() || y.is_nan() {
            continue;
        }
        n += 1;
        match better(*x, *y, direction) {
            1 => up += 1,
            -1 => down += 1,
            _ => {}
        }
    }
    let n = n.max(1) as f64;
    (up as f64 / n, down as f64 / n)
}

/// Shares of `draws` in `bins` equal bins of `[lo, hi]`; draws outside are clamped into the
/// end bins (the plot's range is the 1st–99th percentile).
pub fn histogram(draws: &[f64], lo: f64, hi: f64, bins: usize) -> Vec<f64> {
    let mut counts = vec![0usize; bins];
    let width = (hi - lo) / bins as f64;
    let mut n = 0usize;
    for &x in draws.iter().filter(|x| !x.is_nan()) {
        n += 1;
        let i = if width > 0.0 {
            (((x - lo) / width).floor().max(0.0) as usize).min(bins - 1)
        } else {
            bins / 2
        };
        counts[i] += 1;
    }
    counts
        .into_iter()
        .map(|c| c as f64 / n.max(1) as f64)
        .collect()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.retain(|x| !x.is_nan());
    v.sort_by(f64::total_cmp);
    quantile_sorted(&v, 0.5)
}

/// The tornado of `target` (per-draw values) against each input's draws: for every input, the
/// median of `target` among draws where the input is at or below its 10th percentile (`low`)
/// and at or above its 90th (`high`). Inputs that never vary are left out; the largest swings
/// come first, at most [`TORNADO_BARS`].
pub fn tornado_bars(target: &[f64], inputs: &BTreeMap<String, Vec<f64>>) -> Vec<TornadoBar> {
    let mut bars = Vec::new();
    for (name, x) in inputs {
        if x.len() != target.len() {
            continue;
        }
        let mut sorted: Vec<f64> = x.iter().copied().filter(|v| !v.is_nan()).collect();
        sorted.sort_by(f64::total_cmp);
        let (q_lo, q_hi) = (
            quantile_sorted(&sorted, TAIL),
            quantile_sorted(&sorted, 1.0 - TAIL),
        );
        if q_hi.partial_cmp(&q_lo) != Some(std::cmp::Ordering::Greater) {
            continue;
        }
        let pick = |keep: &dyn Fn(f64) -> bool| -> Vec<f64> {
            x.iter()
                .zip(target)
                .filter(|(v, _)| keep(**v))
                .map(|(_, t)| *t)
                .collect()
        };
        let low = median(pick(&|v| v <= q_lo));
        let high = median(pick(&|v| v >= q_hi));
        if low.is_finite() && high.is_finite() {
            bars.push(TornadoBar {
                input: name.clone(),
                low,
                high,
            });
        }
    }
    bars.sort_by(|a, b| {
        (b.high - b.low)
            .abs()
            .total_cmp(&(a.high - a.low).abs())
            .then(a.input.cmp(&b.input))
    });
    // Bars too short to see (under 1 % of the longest) say nothing: left out.
    let longest = bars.first().map(|b| (b.high - b.low).abs()).unwrap_or(0.0);
    bars.retain(|b| (b.high - b.low).abs() >= 0.01 * longest);
    bars.truncate(TORNADO_BARS);
    bars
}

/// Builds the section's input from the runs (status quo first). Tornadoes are drawn for
/// `key_outputs`, on the paired difference between the run `tornado_scenario` (an index into
/// `runs`) and the status quo, against that scenario's random inputs.
pub fn build_deal_input(
    runs: &[ScenarioRun],
    key_outputs: &[&str],
    tornado_scenario: usize,
) -> DealInput {
    let scenarios: Vec<ScenarioColumn> = runs
        .iter()
        .map(|r| ScenarioColumn {
            key: r.key.clone(),
            name: r
                .model
                .as_ref()
                .map(|m| m.meta.name.clone())
                .unwrap_or_else(|_| r.key.clone()),
            error: match (&r.model, &r.draws) {
                (Err(e), _) | (_, Err(e)) => Some(e.clone()),
                _ => None,
            },
        })
        .collect();
    let first_model = runs.iter().find_map(|r| r.model.as_ref().ok());
    let perspective = first_model
        .map(perspective_label)
        .unwrap_or_else(|| "unknown (no scenario parsed)".to_string());
    let (draws_n, seed) = runs
        .iter()
        .find_map(|r| r.draws.as_ref().ok())
        .map(|d| (d.n, d.seed))
        .unwrap_or((0, 0));
    let base = runs.first().and_then(|r| r.draws.as_ref().ok());

    let mut rows = Vec::new();
    let mut comparisons = Vec::new();
    if let Some(model) = first_model {
        for o in &model.outputs {
            let per_run: Vec<Option<&Vec<f64>>> = runs
                .iter()
                .map(|r| r.draws.as_ref().ok().and_then(|d| d.outputs.get(&o.name)))
                .collect();
            let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
            for d in per_run.iter().flatten() {
                let mut s: Vec<f64> = d.iter().copied().filter(|x| !x.is_nan()).collect();
                s.sort_by(f64::total_cmp);
                lo = lo.min(quantile_sorted(&s, 0.01));
                hi = hi.max(quantile_sorted(&s, 0.99));
            }
            if !(lo.is_finite() && hi.is_finite()) {
                (lo, hi) = (0.0, 1.0);
            }
            let base_draws = base.and_then(|b| b.outputs.get(&o.name));
            let cells = per_run
                .iter()
                .enumerate()
                .map(|(i, d)| {
                    let d = (*d)?;
                    let s = summarise(d);
                    let (p_better, p_worse) = match (i, base_draws) {
                        (0, _) | (_, None) => (None, None),
                        (_, Some(b)) => {
                            let (pb, pw) = paired_probabilities(d, b, o.direction);
                            comparisons.push(Comparison {
                                output: o.name.clone(),
                                scenario: scenarios[i].name.clone(),
                                p_better: pb,
                                p_worse: pw,
                            });
                            (Some(pb), Some(pw))
                        }
                    };
                    Some(Cell {
                        p5: s.p5,
                        median: s.median,
                        p95: s.p95,
                        p_better,
                        p_worse,
                        histogram: histogram(d, lo, hi, BINS),
                    })
                })
                .collect();
            rows.push(OutputRow {
                name: o.name.clone(),
                aspect: o.aspect,
                unit: o.unit.clone(),
                direction: o.direction,
                description: o.description.clone(),
                cells,
                plot_range: (lo, hi),
            });
        }
        rows.sort_by_key(|r| r.aspect);
    }

    let mut tornadoes = Vec::new();
    if let (Some(b), Some(run)) = (base, runs.get(tornado_scenario)) {
        if let (Ok(d), Ok(m)) = (&run.draws, &run.model) {
            let random: BTreeMap<String, Vec<f64>> = m
                .variables
                .iter()
                .filter(|v| !matches!(v.kind, Kind::Expr(_)))
                .filter_map(|v| Some((v.name.clone(), d.variables.get(&v.name)?.clone())))
                .collect();
            for name in key_outputs {
                let (Some(x), Some(y), Some(o)) = (
                    d.outputs.get(*name),
                    b.outputs.get(*name),
                    m.outputs.iter().find(|o| o.name == *name),
                ) else {
                    continue;
                };
                let diff: Vec<f64> = x.iter().zip(y).map(|(a, b)| a - b).collect();
                tornadoes.push(Tornado {
                    output: o.name.clone(),
                    unit: o.unit.clone(),
                    measure: format!(
                        "{} − {}, median paired difference",
                        scenarios[tornado_scenario].name, scenarios[0].name
                    ),
                    centre: median(diff.clone()),
                    method: format!(
                        "median of the difference among the draws where the input is in its lowest {0:.0} % and its highest {0:.0} %",
                        TAIL * 100.0
                    ),
                    bars: tornado_bars(&diff, &random),
                });
            }
        }
    }

    // Every random input, once, with the scenarios that use it.
    let mut inputs: BTreeMap<String, InputLine> = BTreeMap::new();
    for r in runs {
        let Ok(m) = &r.model else { continue };
        for v in &m.variables {
            let (kind, text) = match &v.provenance {
                Provenance::Source(s) => (InputKind::Source, s.clone()),
                Provenance::Assumption(s) => (InputKind::Assumption, s.clone()),
                Provenance::Data(s) => (InputKind::DataLink, s.clone()),
                Provenance::Derived => continue,
            };
            let line = inputs.entry(v.name.clone()).or_insert_with(|| InputLine {
                name: v.name.clone(),
                unit: v.unit.clone(),
                kind,
                text,
                scenarios: Vec::new(),
            });
            line.scenarios.push(r.key.clone());
        }
    }
    let mut inputs: Vec<InputLine> = inputs.into_values().collect();
    inputs.sort_by(|a, b| a.kind.cmp(&b.kind).then(a.name.cmp(&b.name)));

    // Every declared correlation, once per (pair, target, provenance), with its scenarios.
    let mut correlations: Vec<CorrelationLine> = Vec::new();
    for r in runs {
        let Ok(m) = &r.model else { continue };
        for c in &m.correlations {
            let (kind, text) = match &c.provenance {
                Some(Provenance::Source(s)) => (Some(InputKind::Source), s.clone()),
                Some(Provenance::Assumption(s)) => (Some(InputKind::Assumption), s.clone()),
                Some(Provenance::Data(s)) => (Some(InputKind::DataLink), s.clone()),
                Some(Provenance::Derived) | None => (None, String::new()),
            };
            let same = |l: &CorrelationLine| {
                l.a == c.a && l.b == c.b && l.rank == c.rank && l.kind == kind && l.text == text
            };
            match correlations.iter_mut().find(|l| same(l)) {
                Some(line) => line.scenarios.push(r.key.clone()),
                None => correlations.push(CorrelationLine {
                    a: c.a.clone(),
                    b: c.b.clone(),
                    rank: c.rank,
                    kind,
                    text,
                    scenarios: vec![r.key.clone()],
                }),
            }
        }
    }

    DealInput {
        perspective,
        draws: draws_n,
        seed,
        scenarios,
        rows,
        comparisons,
        tornadoes,
        inputs,
        correlations,
    }
}

fn aspect_label(a: Aspect) -> &'static str {
    match a {
        Aspect::Governance => "Governance",
        Aspect::Security => "Security",
        Aspect::ResourceManagement => "Resource management",
        Aspect::Geopolitics => "Geopolitics",
        Aspect::LocalBenefitEnvironment => "Local benefit & environment",
    }
}

/// A number for the table: thousands separated from 100 up, one decimal from 10, else two.
pub fn fmt_value(v: f64) -> String {
    if !v.is_finite() {
        return "—".to_string();
    }
    let a = v.abs();
    let s = if a >= 100.0 {
        let n = v.round() as i64;
        let digits = n.unsigned_abs().to_string();
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        if n < 0 {
            format!("−{out}")
        } else {
            out
        }
    } else if a >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    };
    let s = s.replace('-', "−");
    if s.trim_start_matches('−')
        .chars()
        .all(|c| c == '0' || c == '.')
    {
        s.trim_start_matches('−').to_string()
    } else {
        s
    }
}

fn pct(p: f64) -> String {
    format!("{:.0} %", p * 100.0)
}

/// Scenario colours (Okabe–Ito), by column.
const COLOURS: [&str; 6] = [
    "#444444", "#0072B2", "#009E73", "#D55E00", "#CC79A7", "#E69F00",
];

fn colour(i: usize) -> &'static str {
    COLOURS[i % COLOURS.len()]
}

fn direction_text(d: Direction) -> &'static str {
    match d {
        Direction::HigherIsBetter => "higher is better",
        Direction::HigherIsWorse => "higher is worse",
    }
}

/// The whole section.
pub fn deal_section(input: &BriefInput) -> String {
    let mut s = String::from(
        r#"<section class="deal"><h2>The deal: risks and rewards of the partnership options</h2>"#,
    );
    let Some(deal) = input.deal else {
        s.push_str("<p>The partnership scenarios were not run for this brief (no scenario input was given to the renderer), so there is no risk/reward table.</p></section>");
        return s;
    };
    let ran: Vec<&ScenarioColumn> = deal
        .scenarios
        .iter()
        .filter(|c| c.error.is_none())
        .collect();
    let _ = write!(
        s,
        r#"<p class="lede">Four ways forward, scored for <strong>{}</strong>: every number below is a distribution from {} Monte Carlo draws (seed {}), never a single estimate. The scenarios share their common inputs, so each comparison with the status quo is paired draw by draw. Effects of security assistance on violence are contested in the literature; the ranges are wide where evidence is thin, and the text below says which conclusions survive the whole range.</p>"#,
        escape(&deal.perspective),
        fmt_value(deal.draws as f64),
        deal.seed
    );
    let failed: Vec<&ScenarioColumn> = deal
        .scenarios
        .iter()
        .filter(|c| c.error.is_some())
        .collect();
    if !failed.is_empty() {
        s.push_str(r#"<div class="note"><p><strong>Not run:</strong></p><ul>"#);
        for c in &failed {
            let why = c.error.as_deref().unwrap_or("");
            let hint = if why.contains("data link") {
                " — its data links are not available yet (the store's links are not plugged into the brief)"
            } else {
                ""
            };
            let _ = write!(
                s,
                "<li>{} ({}){}: <code>{}</code></li>",
                escape(&c.name),
                escape(&c.key),
                hint,
                escape(why)
            );
        }
        s.push_str("</ul></div>");
    }
    let base_ran = deal.scenarios.first().is_some_and(|c| c.error.is_none());
    if ran.is_empty() || !base_ran || deal.rows.is_empty() {
        s.push_str("<p>Without a run of the status quo there is nothing to compare against: no risk/reward table, plots or tornadoes. The inputs the scenarios would use are listed below.</p>");
    } else {
        s.push_str(&table(deal));
        s.push_str(&conclusions(deal));
        s.push_str(&plots(deal));
        s.push_str(&tornadoes(deal));
    }
    s.push_str(&inputs_list(deal));
    s.push_str("</section>");
    s
}

fn table(deal: &DealInput) -> String {
    let mut s = String::from(r#"<table class="dtab"><thead><tr><th>Output (unit; direction)</th>"#);
    for (i, c) in deal.scenarios.iter().enumerate() {
        let _ = write!(
            s,
            r#"<th><span class="sw" style="background:{}"></span>{}</th>"#,
            colour(i),
            escape(&c.name)
        );
    }
    s.push_str("</tr></thead><tbody>");
    let mut aspect = None;
    for row in &deal.rows {
        if aspect != Some(row.aspect) {
            aspect = Some(row.aspect);
            let _ = write!(
                s,
                r#"<tr class="aspect"><th colspan="{}">{}</th></tr>"#,
                deal.scenarios.len() + 1,
                aspect_label(row.aspect)
            );
        }
        let _ = write!(
            s,
            r#"<tr><td class="out"><b>{}</b><br><span class="u">{}; {}</span></td>"#,
            escape(&row.name.replace('_', " ")),
            escape(&row.unit),
            direction_text(row.direction)
        );
        for cell in &row.cells {
            match cell {
                None => s.push_str(r#"<td class="na">not run</td>"#),
                Some(c) => {
                    let class = match (c.p_better, c.p_worse) {
                        (Some(b), _) if b >= MARK_PROBABILITY => " better",
                        (_, Some(w)) if w >= MARK_PROBABILITY => " worse",
                        _ => "",
                    };
                    let mark = match (c.p_better, c.p_worse) {
                        (Some(b), _) if b >= MARK_PROBABILITY => "▲ ",
                        (_, Some(w)) if w >= MARK_PROBABILITY => "▼ ",
                        _ => "",
                    };
                    let p = match (c.p_better, c.p_worse) {
                        (Some(b), Some(w)) if b == 0.0 && w == 0.0 => {
                            r#"<br><span class="p">same in every draw</span>"#.to_string()
                        }
                        (Some(b), _) => {
                            format!(r#"<br><span class="p">{mark}P(better) {}</span>"#, pct(b))
                        }
                        _ => r#"<br><span class="p">reference</span>"#.to_string(),
                    };
                    let _ = write!(
                        s,
                        r#"<td class="cell{class}"><span class="med">{}</span> <span class="ci">[{} – {}]</span>{p}</td>"#,
                        fmt_value(c.median),
                        fmt_value(c.p5),
                        fmt_value(c.p95)
                    );
                }
            }
        }
        s.push_str("</tr>");
    }
    let _ = write!(
        s,
        r#"</tbody></table><p class="caption">Each cell: median [5th – 95th percentile]. P(better): share of paired draws in which the scenario beats the status quo in the output's direction, for {}; ▲ green: better with probability ≥ {}, ▼ red: worse with probability ≥ {}. Ties count as neither.</p>"#,
        escape(&deal.perspective),
        pct(MARK_PROBABILITY),
        pct(MARK_PROBABILITY)
    );
    s
}

fn conclusions(deal: &DealInput) -> String {
    let mut s = String::from(
        r#"<div class="note"><p><strong>Which conclusions hold across the whole range, and which flip.</strong> A comparison with the status quo <em>holds</em> when the scenario is on the same side in at least "#,
    );
    let _ = write!(
        s,
        "{} of paired draws (the 90 % interval of the difference excludes zero); otherwise it <em>flips</em> within the range — the answer depends on where in the inputs' ranges the truth lies (P(better) in brackets).</p><ul>",
        pct(HOLDS_PROBABILITY)
    );
    let mut unchanged_everywhere: Option<Vec<String>> = None;
    for c in deal.scenarios.iter().skip(1).filter(|c| c.error.is_none()) {
        let mine: Vec<&Comparison> = deal
            .comparisons
            .iter()
            .filter(|k| k.scenario == c.name)
            .collect();
        let list = |verdict: &str, p: &dyn Fn(&Comparison) -> f64| -> String {
            let items: Vec<String> = mine
                .iter()
                .filter(|k| k.verdict() == verdict)
                .map(|k| format!("{} ({})", k.output.replace('_', " "), pct(p(k))))
                .collect();
            if items.is_empty() {
                "—".to_string()
            } else {
                items.join(", ")
            }
        };
        let unchanged: Vec<String> = mine
            .iter()
            .filter(|k| k.verdict() == "unchanged")
            .map(|k| k.output.replace('_', " "))
            .collect();
        unchanged_everywhere = Some(match unchanged_everywhere {
            None => unchanged,
            Some(prev) => prev.into_iter().filter(|o| unchanged.contains(o)).collect(),
        });
        let _ = write!(
            s,
            r#"<li><strong>{}</strong> — <span class="hb">holds better:</span> {}; <span class="hw">holds worse:</span> {}; <span class="fl">flips:</span> {}.</li>"#,
            escape(&c.name),
            escape(&list("better", &|k| k.p_better)),
            escape(&list("worse", &|k| k.p_better)),
            escape(&list("flips", &|k| k.p_better)),
        );
    }
    s.push_str("</ul>");
    if let Some(u) = unchanged_everywhere.filter(|u| !u.is_empty()) {
        let _ = write!(
            s,
            "<p><strong>Untouched by every option:</strong> {} — no term of any scenario acts on it.</p>",
            escape(&u.join(", "))
        );
    }
    s.push_str("</div>");
    s
}

fn plots(deal: &DealInput) -> String {
    const W: f64 = 262.0;
    const H: f64 = 96.0;
    const PAD_B: f64 = 16.0;
    let mut s = String::from(r#"<h3>Distributions</h3><div class="dplots">"#);
    for row in &deal.rows {
        let (lo, hi) = row.plot_range;
        let ymax = row
            .cells
            .iter()
            .flatten()
            .flat_map(|c| c.histogram.iter().copied())
            .fold(0.0f64, f64::max)
            .max(1e-12);
        let _ = write!(
            s,
            r#"<figure><figcaption>{}</figcaption><svg xmlns="http://www.w3.org/2000/svg" class="dplot" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="distribution of {} by scenario">"#,
            escape(&row.name.replace('_', " ")),
            escape(&row.name),
            w = fmt1(W),
            h = fmt1(H)
        );
        let plot_h = H - PAD_B - 4.0;
        for (i, cell) in row.cells.iter().enumerate() {
            let Some(c) = cell else { continue };
            let bw = W / c.histogram.len().max(1) as f64;
            let mut d = format!("M0.0 {}", fmt1(H - PAD_B));
            for (k, f) in c.histogram.iter().enumerate() {
                let y = H - PAD_B - f / ymax * plot_h;
                let _ = write!(
                    d,
                    "L{} {}L{} {}",
                    fmt1(k as f64 * bw),
                    fmt1(y),
                    fmt1((k + 1) as f64 * bw),
                    fmt1(y)
                );
            }
            let _ = write!(d, "L{} {}", fmt1(W), fmt1(H - PAD_B));
            let _ = write!(
                s,
                r#"<path d="{d}" fill="none" stroke="{}" stroke-width="1.4"/>"#,
                colour(i)
            );
        }
        let _ = write!(
            s,
            r#"<line class="axis" x1="0" x2="{w}" y1="{y}" y2="{y}"/><text class="tick" x="1" y="{t}">{}</text><text class="tick" x="{w}" y="{t}" text-anchor="end">{}</text><text class="tick" x="{m}" y="{t}" text-anchor="middle">{}</text></svg></figure>"#,
            fmt_value(lo),
            fmt_value(hi),
            escape(&row.unit),
            w = fmt1(W),
            y = fmt1(H - PAD_B),
            t = fmt1(H - 3.0),
            m = fmt1(W / 2.0)
        );
    }
    s.push_str(r#"</div><p class="caption">Share of draws per bin (1st–99th percentile over all scenarios; the tails are folded into the end bins). Lines: "#);
    let names: Vec<String> = deal
        .scenarios
        .iter()
        .enumerate()
        .filter(|(_, c)| c.error.is_none())
        .map(|(i, c)| {
            format!(
                r#"<span class="sw" style="background:{}"></span>{}"#,
                colour(i),
                escape(&c.name)
            )
        })
        .collect();
    s.push_str(&names.join(" · "));
    s.push_str("</p>");
    s
}

fn tornadoes(deal: &DealInput) -> String {
    if deal.tornadoes.is_empty() {
        return String::new();
    }
    const W: f64 = 540.0;
    const LABEL: f64 = 230.0;
    const ROW: f64 = 20.0;
    const LOW: &str = "#67a9cf";
    const HIGH: &str = "#ef8a62";
    let mut s =
        String::from(r#"<h3>What drives the difference (tornadoes)</h3><div class="torn">"#);
    for t in &deal.tornadoes {
        let (mut lo, mut hi) = (t.centre, t.centre);
        for b in &t.bars {
            lo = lo.min(b.low).min(b.high);
            hi = hi.max(b.low).max(b.high);
        }
        lo = lo.min(0.0);
        hi = hi.max(0.0);
        if hi <= lo {
            hi = lo + 1.0;
        }
        let plot_w = W - LABEL - 12.0;
        let x = |v: f64| LABEL + (v - lo) / (hi - lo) * plot_w;
        let h = ROW * t.bars.len() as f64 + 34.0;
        let _ = write!(
            s,
            r#"<figure><figcaption>{} <span class="u">({}; {})</span></figcaption><svg xmlns="http://www.w3.org/2000/svg" class="tornado" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="tornado for {}">"#,
            escape(&t.output.replace('_', " ")),
            escape(&t.measure),
            escape(&t.unit),
            escape(&t.output),
            w = fmt1(W),
            h = fmt1(h)
        );
        for (i, b) in t.bars.iter().enumerate() {
            let y = 6.0 + i as f64 * ROW;
            let _ = write!(
                s,
                r#"<text class="lab" x="{}" y="{}" text-anchor="end">{}</text>"#,
                fmt1(LABEL - 6.0),
                fmt1(y + 11.0),
                escape(&b.input)
            );
            for (v, c) in [(b.low, LOW), (b.high, HIGH)] {
                let (a, z) = (x(t.centre).min(x(v)), x(t.centre).max(x(v)));
                let _ = write!(
                    s,
                    r#"<rect x="{}" y="{}" width="{}" height="{}" fill="{c}"/>"#,
                    fmt1(a),
                    fmt1(y + 2.0),
                    fmt1((z - a).max(0.8)),
                    fmt1(ROW - 6.0)
                );
            }
        }
        let base = 6.0 + t.bars.len() as f64 * ROW;
        let _ = write!(
            s,
            r#"<line class="centre" x1="{c}" x2="{c}" y1="2" y2="{b}"/><line class="zero" x1="{z}" x2="{z}" y1="2" y2="{b}"/><line class="axis" x1="{l}" x2="{r}" y1="{b}" y2="{b}"/><text class="tick" x="{l}" y="{ty}">{}</text><text class="tick" x="{r}" y="{ty}" text-anchor="end">{}</text><text class="tick" x="{c}" y="{ty2}" text-anchor="middle">median {}</text></svg></figure>"#,
            fmt_value(lo),
            fmt_value(hi),
            fmt_value(t.centre),
            c = fmt1(x(t.centre)),
            z = fmt1(x(0.0)),
            l = fmt1(LABEL),
            r = fmt1(W - 12.0),
            b = fmt1(base),
            ty = fmt1(base + 12.0),
            ty2 = fmt1(base + 25.0)
        );
    }
    let method = deal
        .tornadoes
        .first()
        .map(|t| t.method.clone())
        .unwrap_or_default();
    let _ = write!(
        s,
        r#"</div><p class="caption">Bars: {}; <span class="sw" style="background:{LOW}"></span>input low, <span class="sw" style="background:{HIGH}"></span>input high. Solid line: the median difference; dashed: no difference. Inputs are ranked by swing; a bar crossing the dashed line marks an assumption that can flip the conclusion.</p>"#,
        escape(&method)
    );
    s
}

fn inputs_list(deal: &DealInput) -> String {
    let count = |k: InputKind| deal.inputs.iter().filter(|i| i.kind == k).count();
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<h3>Every input and where it comes from</h3><p class="lede">{} inputs: <strong>{}</strong> sourced, <strong>{}</strong> assumptions (with the reason for their range), <strong>{}</strong> data links resolved from the store. Items the evidence file marks UNVERIFIED are assumptions with wide ranges.</p>"#,
        deal.inputs.len(),
        count(InputKind::Source),
        count(InputKind::Assumption),
        count(InputKind::DataLink)
    );
    s.push_str(r#"<table class="xtab inputs"><thead><tr><th>Input</th><th>Kind</th><th>Unit</th><th>Scenarios</th><th>Source, assumption or link</th></tr></thead><tbody>"#);
    for i in &deal.inputs {
        let kind = match i.kind {
            InputKind::Source => "source",
            InputKind::Assumption => "assumption",
            InputKind::DataLink => "data link",
        };
        let scen = if i.scenarios.len() == deal.scenarios.len() {
            "all".to_string()
        } else {
            i.scenarios.join(", ")
        };
        let _ = write!(
            s,
            r#"<tr class="{}"><td><code>{}</code></td><td>{kind}</td><td>{}</td><td>{}</td><td>{}</td></tr>"#,
            kind.replace(' ', "-"),
            escape(&i.name),
            escape(i.unit.as_deref().unwrap_or("")),
            escape(&scen),
            escape(&i.text)
        );
    }
    s.push_str("</tbody></table>");
    s.push_str(&correlations_list(deal));
    s
}

/// The rank correlations between inputs, each with its reason.
fn correlations_list(deal: &DealInput) -> String {
    let mut s = String::new();
    if deal.correlations.is_empty() {
        s.push_str(r#"<p class="caption">No rank correlations between inputs are declared: every input is drawn independently.</p>"#);
        return s;
    }
    let _ = write!(
        s,
        r#"<h3 id="deal-correlations">Correlated inputs</h3><p class="lede">{} drawn with a target rank (Spearman) correlation, imposed by Iman–Conover: each input's draws are only reordered, so its distribution is unchanged. Every other pair of inputs is independent.</p>"#,
        match deal.correlations.len() {
            1 => "One pair of inputs is".to_string(),
            k => format!("{k} pairs of inputs are"),
        }
    );
    s.push_str(r#"<table class="xtab inputs"><thead><tr><th>Inputs</th><th>Rank correlation</th><th>Kind</th><th>Scenarios</th><th>Source or assumption</th></tr></thead><tbody>"#);
    for c in &deal.correlations {
        let kind = match c.kind {
            Some(InputKind::Source) => "source",
            Some(InputKind::Assumption) => "assumption",
            Some(InputKind::DataLink) => "data link",
            None => "not given",
        };
        let scen = if c.scenarios.len() == deal.scenarios.len() {
            "all".to_string()
        } else {
            c.scenarios.join(", ")
        };
        let _ = write!(
            s,
            r#"<tr class="c-{}"><td><code>{}</code> – <code>{}</code></td><td>{:+.2}</td><td>{kind}</td><td>{}</td><td>{}</td></tr>"#,
            kind.replace(' ', "-"),
            escape(&c.a),
            escape(&c.b),
            c.rank,
            escape(&scen),
            escape(&c.text)
        );
    }
    s.push_str("</tbody></table>");
    s
}

/// The section's CSS.
pub const DEAL_CSS: &str = "\
table.dtab{border-collapse:collapse;font-size:12.5px;width:100%;margin:8px 0}\
.dtab th,.dtab td{padding:4px 6px;border-bottom:1px solid #ddd;vertical-align:top;text-align:left}\
.dtab thead th{border-bottom:2px solid #999;font-size:12px}\
.dtab tr.aspect th{background:#f0f0f0;font-size:12px;text-transform:uppercase;letter-spacing:.03em;color:#333}\
.dtab td.out{width:25%}.dtab .u{color:#555;font-size:11.5px}\
.dtab td.cell .med{font-weight:600;font-size:13.5px}.dtab .ci{color:#444}.dtab .p{font-size:11px;color:#555}\
.dtab td.better{background:#e5f5e0}.dtab td.better .p{color:#1b7837;font-weight:600}\
.dtab td.worse{background:#fde0dd}.dtab td.worse .p{color:#b2182b;font-weight:600}\
.dtab td.na{color:#999}\
.dplots{display:grid;grid-template-columns:repeat(4,1fr);gap:8px 14px;margin:6px 0}\
.dplots figure,.torn figure{margin:0}.dplots figcaption,.torn figcaption{font-size:12px;font-weight:600}\
.dplots .u,.torn .u{font-size:11px;color:#555;font-weight:400}\
svg.dplot,svg.tornado{display:block;max-width:100%;height:auto}\
.dplot .axis,.tornado .axis{stroke:#777;stroke-width:1}.dplot .tick,.tornado .tick{font-size:10px;fill:#333}\
.tornado .lab{font-size:11px;fill:#222}.tornado .centre{stroke:#222;stroke-width:1.2}\
.tornado .zero{stroke:#888;stroke-width:1;stroke-dasharray:3 3}\
.torn{display:grid;grid-template-columns:repeat(2,1fr);gap:10px 20px}\
.note ul{margin:4px 0;padding-left:18px}.note li{margin:3px 0}\
.hb{color:#1b7837;font-weight:600}.hw{color:#b2182b;font-weight:600}.fl{color:#555;font-weight:600}\
table.inputs td{font-size:11.5px}table.inputs tr.assumption td:nth-child(2){color:#b35806;font-weight:600}\
table.inputs tr.source td:nth-child(2){color:#1b7837;font-weight:600}\
table.inputs tr.c-assumption td:nth-child(3){color:#b35806;font-weight:600}\
table.inputs tr.c-source td:nth-child(3){color:#1b7837;font-weight:600}";

#[cfg(test)]
mod tests {
    use orewatch_core::model::Dataset;
    use orewatch_core::scenario::engine::{simulate, NoData};
    use orewatch_core::scenario::model::parse_model;

    use super::*;

    #[test]
    fn paired_probabilities_hand_worked() {
        // Pairs (a, b): (1, 2) worse, (2, 2) tie, (3, 1) better, (4, 5) worse — higher better.
        let a = [1.0, 2.0, 3.0, 4.0, f64::NAN];
        let b = [2.0, 2.0, 1.0, 5.0, 0.0];
        assert_eq!(
            paired_probabilities(&a, &b, Direction::HigherIsBetter),
            (0.25, 0.5)
        );
        assert_eq!(
            paired_probabilities(&a, &b, Direction::HigherIsWorse),
            (0.5, 0.25)
        );
    }

    #[test]
    fn histogram_hand_worked() {
        // Bins of [0, 4]: [0,1) gets 0 and 0.5; [1,2) 1.5; [2,3) 2.5; [3,4] 3.9 and 10 (clamped).
        let h = histogram(&[0.0, 0.5, 1.5, 2.5, 3.9, 10.0], 0.0, 4.0, 4);
        let sixth = 1.0 / 6.0;
        assert_eq!(h, vec![2.0 * sixth, sixth, sixth, 2.0 * sixth]);
    }

    #[test]
    fn tornado_ranks_the_input_that_matters_first() {
        // x and y each take 0..9 on a full grid (independent); target = 10x + y.
        // x in its lowest 10 % (x = 0): median of y = 4.5; highest (x = 9): 94.5.
        // y lowest (y = 0): median of 10x = 45; highest (y = 9): 54.
        let n = 1000;
        let x: Vec<f64> = (0..n).map(|i| (i % 10) as f64).collect();
        let y: Vec<f64> = (0..n).map(|i| ((i / 10) % 10) as f64).collect();
        let z = vec![3.0; n]; // never varies: left out
        let target: Vec<f64> = x.iter().zip(&y).map(|(x, y)| 10.0 * x + y).collect();
        let inputs: BTreeMap<String, Vec<f64>> = [("x", x), ("y", y), ("z", z)]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        let bars = tornado_bars(&target, &inputs);
        assert_eq!(
            bars,
            vec![
                TornadoBar {
                    input: "x".into(),
                    low: 4.5,
                    high: 94.5
                },
                TornadoBar {
                    input: "y".into(),
                    low: 45.0,
                    high: 54.0
                },
            ]
        );
    }

    #[test]
    fn fmt_value_is_fixed() {
        assert_eq!(fmt_value(1342.03), "1,342");
        assert_eq!(fmt_value(-1342.5), "−1,343");
        assert_eq!(fmt_value(48.46), "48.5");
        assert_eq!(fmt_value(-0.928), "−0.93");
        assert_eq!(fmt_value(-0.001), "0.00");
        assert_eq!(fmt_value(f64::NAN), "—");
    }

    const HEAD: &str = "[scenario]\nname = \"{NAME}\"\nduration_years = 5\nas_of = \"2025-12-31\"\nperspective = \"mali_population\"\n";

    fn model(name: &str, body: &str) -> Model {
        parse_model(
            &format!("{}{body}", HEAD.replace("{NAME}", name)),
            &format!("{name}.toml"),
        )
        .unwrap_or_else(|e| panic!("{e}"))
    }

    const SHARED: &str = r#"
[variables.x]
dist = "uniform"
min = 0.0
max = 10.0
source = "test: a shared input"
[variables.noise]
dist = "normal"
mean = 0.0
sd = 0.5
assumption = "test: only in B"
[outputs.revenue]
expr = "x + gain"
aspect = "resource_management"
unit = "million USD per year"
direction = "higher_is_better"
[outputs.harm]
expr = "x * 0 + 2"
aspect = "security"
unit = "deaths per year"
direction = "higher_is_worse"
[[correlations]]
a = "x"
b = "noise"
rank = 0.3
assumption = "test: a shared pair"
"#;

    fn runs() -> Vec<ScenarioRun> {
        // A: gain 0; B: gain = 1 + noise, so B beats A on revenue when noise > −1, i.e. with
        // probability Φ(2) = 0.977; harm is 2 in both (same in every draw).
        let a = model(
            "A",
            &format!("{SHARED}[variables.gain]\nexpr = \"0 * noise\"\n"),
        );
        let b = model(
            "B",
            &format!("{SHARED}[variables.gain]\nexpr = \"1 + noise\"\n"),
        );
        let run = |key: &str, m: Model| ScenarioRun {
            key: key.into(),
            draws: simulate(&m, 20_000, 3, &NoData).map_err(|e| e.to_string()),
            model: Ok(m),
        };
        vec![
            run("a", a),
            run("b", b),
            ScenarioRun {
                key: "c".into(),
                model: Err("c.toml:3:1: file: bad".into()),
                draws: Err("c.toml:3:1: file: bad".into()),
            },
        ]
    }

    fn page(deal: Option<&DealInput>) -> String {
        let dataset = Dataset::default();
        deal_section(&BriefInput {
            dataset: &dataset,
            sources: &[],
            provenance: String::new(),
            deal,
            outlook: None,
        })
    }

    #[test]
    fn built_from_paired_runs() {
        let deal = build_deal_input(&runs(), &["revenue"], 1);
        assert_eq!(deal.perspective, "Mali's population");
        assert_eq!(deal.draws, 20_000);
        assert_eq!(deal.scenarios.len(), 3);
        assert!(deal.scenarios[2].error.is_some());
        // Rows in aspect order: security before resource management.
        let names: Vec<&str> = deal.rows.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["harm", "revenue"]);
        let rev = &deal.rows[1];
        let b = rev.cells[1].as_ref().unwrap();
        // P(1 + N(0, 0.5²) > 0) = Φ(2) = 0.97725; standard error ≈ 0.001.
        let pb = b.p_better.unwrap();
        assert!((pb - 0.977_25).abs() < 0.005, "{pb}");
        assert!(rev.cells[2].is_none());
        assert_eq!(rev.cells[0].as_ref().unwrap().p_better, None);
        // Median of U(0, 10) + 1 + N(0, 0.25) ≈ 6.
        assert!((b.median - 6.0).abs() < 0.1, "{}", b.median);
        assert!((b.histogram.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        let harm = &deal.comparisons[0];
        assert_eq!(
            (harm.output.as_str(), harm.verdict()),
            ("harm", "unchanged")
        );
        assert_eq!(deal.comparisons[1].verdict(), "better");
        // Tornado of B − A on revenue: noise is the only input that moves the difference
        // (x cancels in the pair): low tail median ≈ 1 + 0.5·φ-tail mean… check sign and order.
        let t = &deal.tornadoes[0];
        assert_eq!(t.bars[0].input, "noise");
        assert!(t.bars[0].low < t.centre && t.centre < t.bars[0].high);
        assert!((t.centre - 1.0).abs() < 0.02, "{}", t.centre);
        // x cancels in the pair but is rank-correlated (0.3) with noise, so its tails carry
        // part of noise's effect: a smaller swing, in the same direction.
        if let Some(x) = t.bars.iter().find(|b| b.input == "x") {
            let noise = &t.bars[0];
            assert!(x.low < x.high, "{x:?}");
            assert!(
                x.high - x.low < 0.5 * (noise.high - noise.low),
                "{x:?} {noise:?}"
            );
        }
        // Inputs: x (source, in a and b), noise (assumption, in a and b).
        assert_eq!(deal.inputs.len(), 2);
        assert_eq!(deal.inputs[0].kind, InputKind::Source);
        assert_eq!(deal.inputs[0].scenarios, ["a", "b"]);
        // The shared correlation, once, with both scenarios.
        assert_eq!(
            deal.correlations,
            [CorrelationLine {
                a: "x".into(),
                b: "noise".into(),
                rank: 0.3,
                kind: Some(InputKind::Assumption),
                text: "test: a shared pair".into(),
                scenarios: vec!["a".into(), "b".into()],
            }]
        );
    }

    fn hand_built() -> DealInput {
        let cell = |median: f64, pb: Option<f64>, pw: Option<f64>| Cell {
            p5: median - 1.0,
            median,
            p95: median + 1.0,
            p_better: pb,
            p_worse: pw,
            histogram: vec![0.25, 0.5, 0.25],
        };
        DealInput {
            perspective: "Mali's population".into(),
            draws: 1000,
            seed: 9,
            scenarios: vec![
                ScenarioColumn {
                    key: "sq".into(),
                    name: "Status quo".into(),
                    error: None,
                },
                ScenarioColumn {
                    key: "d".into(),
                    name: "Deal <b>".into(),
                    error: None,
                },
                ScenarioColumn {
                    key: "n".into(),
                    name: "None".into(),
                    error: Some("n.toml:1: link: data link `wgi(MLI, CC, latest)` cannot be resolved: no store is loaded".into()),
                },
            ],
            rows: vec![
                OutputRow {
                    name: "coup_risk".into(),
                    aspect: Aspect::Governance,
                    unit: "probability".into(),
                    direction: Direction::HigherIsWorse,
                    description: None,
                    cells: vec![Some(cell(0.34, None, None)), Some(cell(0.54, Some(0.1), Some(0.85))), None],
                    plot_range: (0.0, 1.0),
                },
                OutputRow {
                    name: "revenue".into(),
                    aspect: Aspect::ResourceManagement,
                    unit: "million USD per year".into(),
                    direction: Direction::HigherIsBetter,
                    description: None,
                    cells: vec![Some(cell(1342.0, None, None)), Some(cell(1400.0, Some(0.79), Some(0.21))), None],
                    plot_range: (700.0, 2400.0),
                },
            ],
            comparisons: vec![
                Comparison { output: "coup_risk".into(), scenario: "Deal <b>".into(), p_better: 0.03, p_worse: 0.97 },
                Comparison { output: "revenue".into(), scenario: "Deal <b>".into(), p_better: 0.79, p_worse: 0.21 },
            ],
            tornadoes: vec![Tornado {
                output: "revenue".into(),
                unit: "million USD per year".into(),
                measure: "Deal − Status quo".into(),
                centre: 58.0,
                method: "test method".into(),
                bars: vec![TornadoBar { input: "gold_price".into(), low: -20.0, high: 140.0 }],
            }],
            inputs: vec![
                InputLine { name: "gold_t".into(), unit: Some("t".into()), kind: InputKind::Source, text: "USGS & Reuters".into(), scenarios: vec!["sq".into(), "d".into(), "n".into()] },
                InputLine { name: "effect".into(), unit: None, kind: InputKind::Assumption, text: "contested".into(), scenarios: vec!["d".into()] },
                InputLine { name: "wgi".into(), unit: None, kind: InputKind::DataLink, text: "wgi(MLI, CC, latest)".into(), scenarios: vec!["sq".into(), "d".into(), "n".into()] },
            ],
            correlations: vec![CorrelationLine {
                a: "gold_t".into(),
                b: "effect".into(),
                rank: -0.25,
                kind: Some(InputKind::Assumption),
                text: "less gold <when> more effect".into(),
                scenarios: vec!["d".into()],
            }],
        }
    }

    #[test]
    fn section_from_a_hand_built_input() {
        let html = page(Some(&hand_built()));
        // Cells: median [p5 – p95]; the worse mark at P(worse) 0.85, no mark at P(better) 0.79.
        assert!(
            html.contains("1,342</span> <span class=\"ci\">[1,341 – 1,343]"),
            "{html}"
        );
        assert!(html.contains(r#"<td class="cell worse"><span class="med">0.54</span>"#));
        assert!(html.contains("▼ P(better) 10 %"));
        assert!(html.contains(r#"<td class="cell"><span class="med">1,400</span>"#));
        assert!(!html.contains("cell better"));
        // Not-run scenario: its cells and the reason, with the data-link hint.
        assert!(html.contains("not run</td>"));
        assert!(html.contains("data links are not available yet"));
        // Conclusions, from the comparisons.
        assert!(html.contains("which flip"));
        assert!(
            html.contains("<strong>Deal &lt;b&gt;</strong> — <span class=\"hb\">holds better:</span> —; <span class=\"hw\">holds worse:</span> coup risk (3 %); <span class=\"fl\">flips:</span> revenue (79 %)."),
            "{html}"
        );
        // Escaped names, one plot per row, a tornado, the counts.
        assert!(!html.contains("Deal <b>"));
        assert_eq!(html.matches(r#"class="dplot""#).count(), 2);
        assert!(html.contains("tornado for revenue"));
        assert!(html.contains("gold_price"));
        assert!(
            html.contains("3 inputs: <strong>1</strong> sourced, <strong>1</strong> assumptions")
        );
        assert!(html.contains("<strong>1</strong> data links"));
        assert!(html.contains("USGS &amp; Reuters"));
        // The correlation: the pair, its target, its reason (escaped), its scenario.
        assert!(html.contains("One pair of inputs is drawn with a target rank"));
        assert!(html.contains(
            "<tr class=\"c-assumption\"><td><code>gold_t</code> – <code>effect</code></td><td>-0.25</td><td>assumption</td><td>d</td><td>less gold &lt;when&gt; more effect</td>"
        ), "{html}");
    }

    #[test]
    fn without_input_or_status_quo_the_section_says_why() {
        let html = page(None);
        assert!(html.contains("were not run"));
        let mut deal = hand_built();
        deal.scenarios[0].error = Some(
            "status_quo.toml:1: x: data link `wgi(MLI, CC, latest)` cannot be resolved".into(),
        );
        let html = page(Some(&deal));
        assert!(html.contains("nothing to compare against"));
        assert!(!html.contains("class=\"dtab\""));
        // The inputs are still listed.
        assert!(html.contains("Every input and where it comes from"));
    }
}
