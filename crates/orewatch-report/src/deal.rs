//! The brief's "The deal" section: renders [`DealAssessment`] (the partnership options side by
//! side, as distributions, for the scenarios' stated perspective). It computes nothing: every
//! number comes from `orewatch_core::assess::deal`, the same numbers `orewatch scenario
//! compare` prints with the command the section names.
//!
//! What it shows: the risk/reward table (median, 90 % interval, P(better than the status quo)
//! from paired draws, marked at [`MARK_PROBABILITY`]); which conclusions hold across the whole
//! range and which flip ([`HOLDS_PROBABILITY`]); small distribution plots; the tail contrasts
//! of the key outputs (what the deal's advantage depends on); every input with its source,
//! assumption or data link, and the declared correlations.

use std::fmt::Write;

use orewatch_core::assess::deal::{
    Comparison, DealAssessment, InputKind, ScenarioColumn, HOLDS_PROBABILITY, MARK_PROBABILITY,
};
use orewatch_core::scenario::model::{Aspect, Direction, Perspective};

use crate::svg::{escape, fmt1};
use crate::BriefInput;

fn perspective_label(p: Option<Perspective>) -> &'static str {
    match p {
        Some(Perspective::MaliPopulation) => "Mali's population",
        Some(Perspective::MalianState) => "the Malian state",
        Some(Perspective::Partner) => "the partner",
        Some(Perspective::Region) => "the region",
        None => "unknown (no scenario parsed)",
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
        escape(perspective_label(deal.perspective)),
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
        s.push_str("<p>Without a run of the status quo there is nothing to compare against: no risk/reward table, plots or tail contrasts. The inputs the scenarios would use are listed below.</p>");
    } else {
        s.push_str(&table(deal));
        s.push_str(&conclusions(deal));
        s.push_str(&plots(deal));
        s.push_str(&contrasts(deal));
    }
    s.push_str(&inputs_list(deal));
    s.push_str("</section>");
    s
}

fn table(deal: &DealAssessment) -> String {
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
        escape(perspective_label(deal.perspective)),
        pct(MARK_PROBABILITY),
        pct(MARK_PROBABILITY)
    );
    s
}

fn conclusions(deal: &DealAssessment) -> String {
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

fn plots(deal: &DealAssessment) -> String {
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

fn contrasts(deal: &DealAssessment) -> String {
    if deal.contrasts.is_empty() {
        return String::new();
    }
    const W: f64 = 540.0;
    const LABEL: f64 = 230.0;
    const ROW: f64 = 20.0;
    const LOW: &str = "#67a9cf";
    const HIGH: &str = "#ef8a62";
    let mut s = String::from(
        r#"<h3>What the difference depends on (tail contrasts)</h3><div class="torn">"#,
    );
    for t in &deal.contrasts {
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
            r#"<figure><figcaption>{} <span class="u">({}; {})</span></figcaption><svg xmlns="http://www.w3.org/2000/svg" class="tornado" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="tail contrast for {}">"#,
            escape(&t.output.replace('_', " ")),
            escape(&format!(
                "{} − {}, median paired difference",
                t.scenario, t.baseline
            )),
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
    let tail = deal.contrasts.first().map(|t| t.tail).unwrap_or(0.1);
    let _ = write!(
        s,
        r#"</div><p class="caption">Bars: the median of the paired difference among the draws where the input is in its lowest {0} (<span class="sw" style="background:{LOW}"></span>input low) and in its highest {0} (<span class="sw" style="background:{HIGH}"></span>input high), every other input free. Solid line: the median difference; dashed: no difference. Inputs are ranked by the distance between their two tails; a bar crossing the dashed line marks an assumption that can flip the conclusion. (This is not the one-at-a-time sensitivity of <code>orewatch scenario run</code>, which holds the other inputs at their medians.) Reproduce every number of this section with <code>{1}</code>.</p>"#,
        pct(tail),
        escape(
            deal.provenance
                .command
                .as_deref()
                .unwrap_or("orewatch scenario compare")
        )
    );
    s
}

fn inputs_list(deal: &DealAssessment) -> String {
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
fn correlations_list(deal: &DealAssessment) -> String {
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
    use orewatch_core::assess::deal::{Cell, CorrelationLine, InputLine, OutputRow};
    use orewatch_core::assess::Provenance;
    use orewatch_core::model::Dataset;
    use orewatch_core::scenario::contrast::{ContrastBar, TailContrast};

    use super::*;

    #[test]
    fn fmt_value_is_fixed() {
        assert_eq!(fmt_value(1342.03), "1,342");
        assert_eq!(fmt_value(-1342.5), "−1,343");
        assert_eq!(fmt_value(48.46), "48.5");
        assert_eq!(fmt_value(-0.928), "−0.93");
        assert_eq!(fmt_value(-0.001), "0.00");
        assert_eq!(fmt_value(f64::NAN), "—");
    }

    fn page(deal: Option<&DealAssessment>) -> String {
        let dataset = Dataset::default();
        deal_section(&BriefInput {
            dataset: &dataset,
            sources: &[],
            provenance: String::new(),
            deal,
            outlook: None,
        })
    }

    fn hand_built() -> DealAssessment {
        let cell = |median: f64, pb: Option<f64>, pw: Option<f64>| Cell {
            p5: median - 1.0,
            median,
            p95: median + 1.0,
            p_better: pb,
            p_worse: pw,
            histogram: vec![0.25, 0.5, 0.25],
        };
        DealAssessment {
            perspective: Some(Perspective::MaliPopulation),
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
            contrasts: vec![TailContrast {
                output: "revenue".into(),
                unit: "million USD per year".into(),
                scenario: "Deal".into(),
                baseline: "Status quo".into(),
                centre: 58.0,
                tail: 0.1,
                bars: vec![ContrastBar { input: "gold_price".into(), low: -20.0, high: 140.0 }],
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
            provenance: Provenance {
                command: Some("orewatch scenario compare --bundled --baseline sq".into()),
                ..Provenance::default()
            },
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
        // Escaped names, one plot per row, a tail contrast with its command, the counts.
        assert!(!html.contains("Deal <b>"));
        assert_eq!(html.matches(r#"class="dplot""#).count(), 2);
        assert!(html.contains("tail contrast for revenue"));
        assert!(html.contains("Deal − Status quo, median paired difference"));
        assert!(html.contains("<code>orewatch scenario compare --bundled --baseline sq</code>"));
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
