//! The brief's "Outlook" section: where lethal violence is likely over the next 12 months,
//! per 0.5° PRIO-GRID cell, with honest uncertainty — rendered from the forecast and
//! evaluation assessments (`orewatch_core::assess::forecast`); nothing is computed
//! here.
//!
//! - a map of P(at least one death in the months after the data's last month) per cell, with
//!   the mine sites on top;
//! - fan charts (5–95% and 25–75% bands, median, mean) for the cells of the most exposed mine
//!   sites (the Exposure section's ranking), after their last observed months;
//! - the evaluation table: every model and the VIEWS baselines on the evaluation's span, with
//!   the 90% block-bootstrap intervals of the differences, and the span named.
//!
//! Units: deaths (UCDP GED best) per cell-month; probabilities in %.

use std::fmt::Write as _;

use orewatch_core::analysis::forecast::evaluate::{Difference, Evaluation, Subset};
use orewatch_core::analysis::forecast::grid::{GridCell, CELL_DEG};
use orewatch_core::analysis::forecast::model::{ModelName, LAST_TUNING_ORIGIN};
use orewatch_core::analysis::forecast::panel::Month;
use orewatch_core::assess::forecast::{EvaluationResult, ForecastResult};

use crate::chart::nice_axis;
use crate::map::{is_mapped_kind, open_basemap, MAP_WIDTH_PX};
use crate::svg::{escape, fmt1, Frame, Projection};
use crate::BriefInput;

pub const OUTLOOK_CSS: &str = "\
.outlook .cells rect{stroke:none}\
.outlook .osites circle{fill:#fff;stroke:#111;stroke-width:1}\
.outlook .fans{display:flex;flex-wrap:wrap;gap:14px}\
.outlook .fans svg text{font-size:10.5px;fill:#333}\
.outlook .b90{fill:#c6dbef}.outlook .b50{fill:#6baed6}.outlook .med{fill:none;stroke:#08306b;stroke-width:1.5}\
.outlook .mean{fill:none;stroke:#08306b;stroke-width:1;stroke-dasharray:3 2}\
.outlook .obs{fill:#444}.outlook .ax{stroke:#999;stroke-width:.6}\
.outlook td.better{color:#1a7f37;font-weight:600}.outlook td.worse{color:#b42318}\
";

/// What the section shows.
pub struct OutlookInput {
    /// The forecast from the end of the data (with each unit's last observed months).
    pub forecast: ForecastResult,
    /// The evaluation against the baselines, or why it is missing.
    pub evaluation: Result<EvaluationResult, String>,
}

/// Names of `codes` (ISO3) from the store's admin-0 boundaries ("Mali and Burkina Faso").
fn country_names(input: &BriefInput, codes: &[String]) -> String {
    let names: Vec<String> = codes
        .iter()
        .map(|c| {
            input
                .dataset
                .regions
                .iter()
                .find(|r| r.level == 0 && r.country_iso3.as_deref() == Some(c.as_str()))
                .map(|r| r.name.clone())
                .unwrap_or_else(|| c.clone())
        })
        .collect();
    match names.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

fn pct(p: f64) -> String {
    if p > 0.0 && p < 0.001 {
        "<0.1%".into()
    } else {
        format!("{:.1}%", 100.0 * p)
    }
}

/// Colour of a probability bin (sequential, colour-blind safe oranges).
fn prob_colour(p: f64) -> &'static str {
    match p {
        p if p >= 0.5 => "#a63603",
        p if p >= 0.2 => "#e6550d",
        p if p >= 0.05 => "#fd8d3c",
        p if p >= 0.01 => "#fdbe85",
        _ => "#fef0d9",
    }
}

/// The whole section.
pub fn outlook_section(input: &BriefInput) -> String {
    let mut s = String::from(
        r#"<section class="outlook"><h2>Outlook: where lethal violence is likely next</h2>"#,
    );
    let Some(o) = input.outlook else {
        s.push_str("<p>The forecast was not run for this brief.</p></section>");
        return s;
    };
    let f = &o.forecast;
    let first = f.outlook.origin.plus(1);
    let last = f.outlook.origin.plus(f.outlook.horizon as i32);
    let likely = f
        .p_any_over_horizon
        .iter()
        .filter(|&&(lo, _)| lo >= 0.5)
        .count();
    let trained = match &f.training_countries {
        Some(c) => format!(
            "its chance of a death fitted on the cells of {} ({}), its sizes on the forecast countries' own cells",
            country_names(input, c),
            c.join(", ")
        ),
        None => "fitted on the forecast countries' own cells".to_string(),
    };
    let _ = write!(
        s,
        r#"<p class="lede">Chance of at least one death from organised violence ({}, best estimate) in each of the {} 0.5° PRIO-GRID cells of {} between {} and {}, from the <code>{}</code> model fitted on all months up to {} ({}; {} draws per cell-month). The map shows a lower bound, the largest monthly chance; {} more likely than not to see a death in at least one month. The data for these countries end in {}. Reproduce with <code>{}</code>.</p>"#,
        f.events.source.as_str(),
        f.units.len(),
        escape(&country_names(input, &f.countries)),
        first,
        last,
        escape(&f.outlook.model),
        f.outlook.origin,
        escape(&trained),
        f.outlook.samples,
        if likely == 1 {
            "1 cell is".to_string()
        } else {
            format!("{likely} cells are")
        },
        f.outlook.origin,
        escape(
            f.provenance
                .command
                .as_deref()
                .unwrap_or("orewatch forecast")
        )
    );
    for w in &f.provenance.warnings {
        let _ = write!(s, r#"<p class="caption">Note: {}.</p>"#, escape(w));
    }
    s.push_str(&outlook_map(input, o));
    s.push_str(&fan_charts(input, o));
    s.push_str(&evaluation_table(&o.evaluation));
    s.push_str("</section>");
    s
}

fn outlook_map(input: &BriefInput, o: &OutlookInput) -> String {
    let dataset = input.dataset;
    let f = &o.forecast;
    let p12 = &f.p_any_over_horizon;
    // The frame: every cell of the panel (eastern Niger lies beyond the brief's Mali frame),
    // with one cell of margin beyond the outer cells' edges.
    let margin = 1.5 * CELL_DEG;
    let frame = f.units.iter().fold(
        Frame {
            lon_min: f64::INFINITY,
            lon_max: f64::NEG_INFINITY,
            lat_min: f64::INFINITY,
            lat_max: f64::NEG_INFINITY,
        },
        |fr, u| Frame {
            lon_min: fr.lon_min.min(u.lon - margin),
            lon_max: fr.lon_max.max(u.lon + margin),
            lat_min: fr.lat_min.min(u.lat - margin),
            lat_max: fr.lat_max.max(u.lat + margin),
        },
    );
    let proj = Projection::new(frame, MAP_WIDTH_PX);
    let mut svg = open_basemap(
        dataset,
        &frame,
        &proj,
        "outlook",
        &format!(
            "Map of the chance of at least one death in the next {} months per PRIO-GRID cell of {}, with mine sites",
            f.outlook.horizon,
            country_names(input, &f.countries)
        ),
    );
    let (w, h) = (proj.width_px, proj.height_px);
    svg.push_str(r#"<g class="cells" opacity="0.85">"#);
    for (u, &(p, upper)) in f.units.iter().zip(p12) {
        let (gid, lat, lon) = (u.id, u.lat, u.lon);
        let half = CELL_DEG / 2.0;
        if !frame.contains(lon, lat) {
            continue;
        }
        let (x0, y0) = proj.project(lon - half, lat + half);
        let (x1, y1) = proj.project(lon + half, lat - half);
        let _ = write!(
            svg,
            r#"<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>cell {gid}: {} to {}</title></rect>"#,
            fmt1(x0),
            fmt1(y0),
            fmt1(x1 - x0),
            fmt1(y1 - y0),
            prob_colour(p),
            pct(p),
            pct(upper)
        );
    }
    svg.push_str("</g>");
    svg.push_str(r#"<g class="osites">"#);
    for site in dataset.sites.iter().filter(|s| is_mapped_kind(s)) {
        let (Some(lat), Some(lon)) = (site.lat, site.lon) else {
            continue;
        };
        if !frame.contains(lon, lat) {
            continue;
        }
        let (x, y) = proj.project(lon, lat);
        let _ = write!(
            svg,
            r#"<circle cx="{}" cy="{}" r="2.6"><title>{}</title></circle>"#,
            fmt1(x),
            fmt1(y),
            escape(&site.name)
        );
    }
    svg.push_str("</g></g>");
    // Legend.
    let bins = [
        ("#fef0d9", "< 1%"),
        ("#fdbe85", "1–5%"),
        ("#fd8d3c", "5–20%"),
        ("#e6550d", "20–50%"),
        ("#a63603", "≥ 50%"),
    ];
    let _ = write!(
        svg,
        r##"<g transform="translate(10,{})"><rect x="-4" y="-14" width="330" height="36" fill="#fff" opacity="0.85"/><text x="0" y="-2" font-size="11">P(≥ 1 death in {} months), at least</text>"##,
        fmt1(h - 26.0),
        f.outlook.horizon
    );
    for (i, (c, label)) in bins.iter().enumerate() {
        let x = i as f64 * 64.0;
        let _ = write!(
            svg,
            r#"<rect x="{}" y="4" width="12" height="10" fill="{c}"/><text x="{}" y="13" font-size="11">{label}</text>"#,
            fmt1(x),
            fmt1(x + 15.0)
        );
    }
    svg.push_str("</g>");
    let _ = write!(
        svg,
        r#"<rect class="border" width="{}" height="{}"/></svg>"#,
        fmt1(w),
        fmt1(h)
    );
    format!(
        r#"<div class="figure">{svg}<p class="caption">Cells coloured by a lower bound of the chance of at least one death over the months ahead: the largest of the monthly chances (true whatever the dependence between months). The model draws months separately; treating them as independent, 1 − Π(1 − P(≥ 1)), gives an upper bound (on hover), which overstates persistent violence. White dots: mine sites.</p></div>"#
    )
}

/// Fan charts for the cells of the four most exposed sites in the panel.
fn fan_charts(input: &BriefInput, o: &OutlookInput) -> String {
    let exposed = crate::exposure::most_exposed_sites(input, 12);
    let mut cells: Vec<(usize, Vec<String>)> = Vec::new();
    for (name, lat, lon) in exposed {
        let Some(gid) = GridCell::of(lat, lon).map(GridCell::gid) else {
            continue;
        };
        let Some(u) = o.forecast.units.iter().position(|u| u.id == gid) else {
            continue;
        };
        if let Some(i) = cells.iter().position(|(v, _)| *v == u) {
            cells[i].1.push(name);
        } else if cells.len() < 4 {
            cells.push((u, vec![name]));
        }
    }
    if cells.is_empty() {
        return "<p>No exposed mine site lies in the forecast cells.</p>".into();
    }
    let mut s = String::from(
        r#"<h3>Fan charts: the cells of the most exposed mine sites</h3><div class="fans">"#,
    );
    for (u, names) in &cells {
        s.push_str(&fan_chart(o, *u, names));
    }
    let _ = write!(
        s,
        r#"</div><p class="caption">Bars: deaths observed in the cell's last {} months. Bands: 5–95% (light) and 25–75% (dark) of the {} draws per month; line: median; dashed: mean. Months with a zero median are common even where violence is likely: the mean and the upper band carry the risk.</p>"#,
        o.forecast.request.observed_months, o.forecast.outlook.samples
    );
    s
}

fn fan_chart(o: &OutlookInput, u: usize, names: &[String]) -> String {
    let (w, h) = (300.0, 170.0);
    let (left, right, top, bottom) = (34.0, 8.0, 22.0, 22.0);
    let f = &o.forecast;
    let observed = &f.observed[u];
    let rows: Vec<_> = f.outlook.rows.iter().filter(|r| r.unit == u).collect();
    let n = observed.len() + rows.len();
    let max = observed
        .iter()
        .map(|&v| v as f64)
        .chain(rows.iter().map(|r| r.summary.q95.max(r.summary.mean)))
        .fold(1.0f64, f64::max);
    let (top_value, step) = nice_axis(max);
    let x = |i: f64| left + (w - left - right) * (i + 0.5) / n as f64;
    let y = |v: f64| top + (h - top - bottom) * (1.0 - v / top_value);
    let mut svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="Fan chart of forecast deaths for cell {}">"#,
        f.units[u].id
    );
    let _ = write!(
        svg,
        r#"<text x="{left}" y="12">{} (cell {})</text>"#,
        escape(&names.join(", ")),
        f.units[u].id
    );
    let mut v = 0.0;
    while v <= top_value + 1e-9 {
        let _ = write!(
            svg,
            r#"<line class="ax" x1="{left}" x2="{}" y1="{y}" y2="{y}"/><text x="{}" y="{}" text-anchor="end">{}</text>"#,
            w - right,
            left - 3.0,
            fmt1(y(v) + 3.5),
            v,
            y = fmt1(y(v))
        );
        v += step;
    }
    let bar_w = (w - left - right) / n as f64 * 0.7;
    for (i, &v) in observed.iter().enumerate() {
        if v > 0 {
            let _ = write!(
                svg,
                r#"<rect class="obs" x="{}" y="{}" width="{}" height="{}"/>"#,
                fmt1(x(i as f64) - bar_w / 2.0),
                fmt1(y(v as f64)),
                fmt1(bar_w),
                fmt1(y(0.0) - y(v as f64))
            );
        }
    }
    let off = observed.len() as f64;
    let band = |lo: &dyn Fn(usize) -> f64, hi: &dyn Fn(usize) -> f64| -> String {
        let mut d = String::new();
        for i in 0..rows.len() {
            let _ = write!(
                d,
                "{}{},{} ",
                if i == 0 { "M" } else { "L" },
                fmt1(x(off + i as f64)),
                fmt1(y(hi(i)))
            );
        }
        for i in (0..rows.len()).rev() {
            let _ = write!(d, "L{},{} ", fmt1(x(off + i as f64)), fmt1(y(lo(i))));
        }
        d.push('Z');
        d
    };
    let _ = write!(
        svg,
        r#"<path class="b90" d="{}"/><path class="b50" d="{}"/>"#,
        band(&|i| rows[i].summary.q05, &|i| rows[i].summary.q95),
        band(&|i| rows[i].summary.q25, &|i| rows[i].summary.q75)
    );
    let line = |f: &dyn Fn(usize) -> f64| -> String {
        (0..rows.len())
            .map(|i| {
                format!(
                    "{}{},{}",
                    if i == 0 { "M" } else { "L" },
                    fmt1(x(off + i as f64)),
                    fmt1(y(f(i)))
                )
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let _ = write!(
        svg,
        r#"<path class="med" d="{}"/><path class="mean" d="{}"/>"#,
        line(&|i| rows[i].summary.q50),
        line(&|i| rows[i].summary.mean)
    );
    let first_obs = f.outlook.origin.plus(1 - observed.len() as i32);
    let _ = write!(
        svg,
        r#"<line class="ax" x1="{xo}" x2="{xo}" y1="{top}" y2="{}"/><text x="{left}" y="{}">{}</text><text x="{}" y="{}" text-anchor="end">{}</text></svg>"#,
        fmt1(h - bottom),
        fmt1(h - 6.0),
        first_obs,
        w - right,
        fmt1(h - 6.0),
        f.outlook.origin.plus(rows.len() as i32),
        xo = fmt1(x(off - 0.5)),
    );
    svg
}

/// What the span is to the models: fresh (after their tuning span) or overlapping it.
fn tuning_note(first_origin: Month) -> &'static str {
    if first_origin > LAST_TUNING_ORIGIN {
        "The fitted models were tuned on forecasts from origins up to 2018-12 only and frozen before this span was scored (bench/forecast_eval/PROTOCOL.md); the default model is the one of them that ranked first on it, so its scores here are slightly optimistic."
    } else {
        "This span overlaps the origins (up to 2018-12) the fitted models were tuned on: their scores here are optimistic."
    }
}

/// One sentence on the default model against the best baseline of each headline score: how
/// many it beats on the point estimate, and on how many the 90% interval lies below 0.
fn default_model_summary(e: &Evaluation) -> String {
    let name = ModelName::DEFAULT.as_str();
    let diffs: Vec<&Difference> = e.differences.iter().filter(|d| d.model == name).collect();
    if diffs.is_empty() {
        return String::new();
    }
    let parts: Vec<String> = diffs
        .iter()
        .map(|d| {
            format!(
                "{} on {} ({}) than {} ({:+.1}%, {})",
                if d.difference < 0.0 {
                    "better"
                } else {
                    "worse"
                },
                d.score.as_str(),
                match d.subset {
                    Subset::Active => "cells with deaths",
                    Subset::Pooled => "all cell-months",
                },
                d.best_baseline,
                100.0 * d.relative,
                match d.verdict() {
                    "not distinguishable" => "interval includes 0",
                    _ => "interval excludes 0",
                }
            )
        })
        .collect();
    let beaten = diffs.iter().filter(|d| d.difference < 0.0).count();
    format!(
        r#"<p>The default model <code>{name}</code> beats the best baseline of {beaten} of the {} headline scores on this span (point estimates): {}.</p>"#,
        diffs.len(),
        escape(&parts.join("; "))
    )
}

fn evaluation_table(evaluation: &Result<EvaluationResult, String>) -> String {
    let r = match evaluation {
        Ok(r) => r,
        Err(why) => {
            return format!(
                "<p>The evaluation against the baselines was not run: {}.</p>",
                escape(why)
            )
        }
    };
    let e = &r.evaluation;
    let mut s = format!(
        r#"<h3>How good is it? Evaluation against the VIEWS baselines</h3><p>Forecasts from every month {} to {} ({} origins), 1–{} months ahead, for the {} cells of {}: {} scored cell-months per model, {:.2}% of them with deaths (targets {} to {}). {} Each refit used only the months up to its origin. Lower is better for CRPS and Brier; (b) marks a baseline. Reproduce with <code>{}</code>.</p>"#,
        e.spec.first_origin,
        e.spec.last_origin,
        e.origins,
        e.spec.horizon,
        e.units,
        r.countries.join(", "),
        e.unit_months,
        100.0 * e.active_share,
        e.spec.first_origin.plus(1),
        e.spec.last_origin.plus(e.spec.horizon as i32),
        tuning_note(e.spec.first_origin),
        escape(
            r.provenance
                .command
                .as_deref()
                .unwrap_or("orewatch evaluate")
        )
    );
    s.push_str(&default_model_summary(e));
    s.push_str(r#"<table class="xtab"><tr><th>model</th><th class="num">CRPS (all)</th><th class="num">CRPS (cells with deaths)</th><th class="num">Brier P(≥1)</th><th class="num">Brier P(≥25)</th><th class="num">avg. precision</th><th class="num">90% interval coverage (all / with deaths)</th></tr>"#);
    for m in &e.scores {
        let _ = write!(
            s,
            r#"<tr><td>{}{}</td><td class="num">{:.4}</td><td class="num">{:.2}</td><td class="num">{:.5}</td><td class="num">{:.5}</td><td class="num">{}</td><td class="num">{:.1}% / {:.1}%</td></tr>"#,
            escape(&m.model),
            if m.baseline { " (b)" } else { "" },
            m.pooled.crps,
            m.active.crps,
            m.pooled.brier_1,
            m.pooled.brier_25,
            m.pooled
                .average_precision
                .map(|v| format!("{v:.3}"))
                .unwrap_or_else(|| "–".into()),
            100.0 * m.pooled.coverage90,
            100.0 * m.active.coverage90
        );
    }
    s.push_str("</table>");
    s.push_str(r#"<table class="xtab"><tr><th>model vs best baseline</th><th>score</th><th class="num">model</th><th class="num">baseline</th><th class="num">difference [90% interval]</th><th class="num">relative</th><th>verdict</th></tr>"#);
    let bound = |v: Option<f64>| v.map(|v| format!("{v:+.5}")).unwrap_or_else(|| "–".into());
    for d in &e.differences {
        let verdict = d.verdict();
        let class = match verdict {
            "better" | "worse" => verdict,
            _ => "",
        };
        let _ = write!(
            s,
            r#"<tr><td>{} vs {}</td><td>{} ({})</td><td class="num">{:.5}</td><td class="num">{:.5}</td><td class="num">{:+.5} [{}, {}]</td><td class="num">{:+.1}%</td><td class="{class}">{verdict}</td></tr>"#,
            escape(&d.model),
            escape(&d.best_baseline),
            d.score.as_str(),
            match d.subset {
                Subset::Active => "cells with deaths",
                Subset::Pooled => "all",
            },
            d.model_value,
            d.baseline_value,
            d.difference,
            bound(d.lower90),
            bound(d.upper90),
            100.0 * d.relative
        );
    }
    s.push_str("</table>");
    let _ = write!(
        s,
        r#"<p class="caption">CRPS: the NRG sample estimator over {} draws. Intervals: paired moving-block bootstrap over origins (blocks of {}), {} replicates. Coverage of discrete and point-mass forecasts over mostly-zero cell-months is near 99% for every model and is not a nominal coverage: read the cells-with-deaths column. Caveats: {}</p>"#,
        e.spec.samples,
        e.spec.block_len,
        e.spec.bootstrap_replicates,
        escape(&r.events.caveats.join(" "))
    );
    s
}
