//! The brief's "Supply" section: how much the world depends on Mali and the Sahel for each
//! mineral, how concentrated and governance-exposed supply is, what a stop of Mali's output or
//! an offtake of it would change, and the EU's criticality picture (supply risk against
//! economic importance for every material of the 2023 assessment).
//!
//! It renders `orewatch_core::analysis::supply::assessment::brief` (the store's production,
//! WGI and events, the bundled EU tables and `config/supply.toml`) and computes nothing; every
//! number is that assessment's, and the CLI command beside each part reproduces it. Units:
//! shares in %, HHI 0–10,000, HHI_WGI and SR 0–10, EI 0–10.

use std::fmt::Write as _;

use orewatch_core::analysis::supply::assessment::{
    brief, range_text, BriefMarket, CriticalityPicture, EuView, SupplyBrief, SupplyData, SupplyRisk,
};
use orewatch_core::analysis::supply::inputs::SupplyInputs;
use orewatch_core::analysis::supply::{HhiRange, Market, YearFigures};
use orewatch_core::ingest::eu_crm;

use crate::svg::escape;
use crate::BriefInput;

pub const SUPPLY_CSS: &str = "\
.supply svg text{font-size:11px;fill:#333}\
.supply .bar{fill:#9aa7b4}.supply .bar.mli{fill:#c0392b}.supply .bar.other{fill:#d5dbe1}\
.supply .l1{fill:none;stroke:#34495e;stroke-width:1.6}.supply .l2{fill:none;stroke:#c0392b;stroke-width:1.6}\
.supply .l3{fill:none;stroke:#34495e;stroke-width:1.2;stroke-dasharray:4 3}.supply .l4{fill:none;stroke:#c0392b;stroke-width:1.2;stroke-dasharray:4 3}\
.supply .band{fill:#e6b0aa;opacity:.5}\
.supply .ax{stroke:#999;stroke-width:.6}.supply .gap{fill:#f4f4f4}\
.supply .charts{display:flex;flex-wrap:wrap;gap:18px}\
.supply .crit{display:flex;flex-wrap:wrap;gap:18px;align-items:flex-start}\
.supply .zone{fill:#fbeee6}.supply .thr{stroke:#b03a2e;stroke-width:1;stroke-dasharray:5 3}\
.supply .pt{fill:#aab4be;opacity:.8}.supply .pt.crit{fill:#5d6d7e}\
.supply .pt.brief{fill:#2e86c1;opacity:1}.supply .pt.deal{fill:#c0392b;opacity:1}\
.supply .span{stroke:#2e86c1;stroke-width:2}.supply .thl{fill:#b03a2e}\
.supply .lab{font-size:11px}.supply .lab.deal{font-weight:bold;fill:#c0392b}\
.supply table.crit-tab td,.supply table.crit-tab th{padding:2px 6px;font-size:12.5px}\
.supply .crit figure{flex:0 0 auto;margin:0}.supply .crit table.crit-tab{width:auto;flex:1 1 420px}\
.supply tr.deal td{font-weight:bold}\
";

/// Commodities shown with bars, in order.
const FEATURED: [&str; 2] = ["gold", "lithium"];

fn pct(x: f64) -> String {
    if x > 0.0 && x < 0.001 {
        "<0.1%".to_string()
    } else {
        format!("{:.1}%", x * 100.0)
    }
}

fn hhi_text(h: &HhiRange) -> String {
    range_text(h.low, h.high, 0)
}

/// The section, or an explanation when the store has no production figures.
pub fn supply_section(input: &BriefInput) -> String {
    let dataset = input.dataset;
    let mut s = String::from(
        r#"<section class="supply"><h2>Supply: how much the world depends on Mali</h2>"#,
    );
    if dataset.production.is_empty() {
        s.push_str("<p>The store holds no production figures: ingest <code>../shared/data/production</code> to see this section.</p></section>");
        return s;
    }
    let inputs = SupplyInputs::bundled();
    let b = eu_crm::bundled().map_err(|e| e.to_string()).and_then(|eu| {
        brief(&SupplyData {
            dataset,
            sources: input.sources,
            eu: &eu,
            inputs: &inputs,
        })
        .map_err(|e| e.to_string())
    });
    let b = match b {
        Ok(b) => b,
        Err(why) => {
            let _ = write!(
                s,
                "<p>The supply figures could not be assessed: {}.</p></section>",
                escape(&why)
            );
            return s;
        }
    };
    s.push_str(&lede(&b));
    s.push_str(&summary_table(&b.markets));
    s.push_str(r#"<div class="charts">"#);
    for c in FEATURED {
        if let Some(m) = b.markets.iter().find(|m| m.market.commodity == c) {
            s.push_str(&share_bars(&m.market));
        }
    }
    if let Some(h) = &b.history {
        s.push_str(&history_charts(&h.commodity, &h.owid, &h.usgs));
    }
    s.push_str("</div>");
    s.push_str(&disruption(&b));
    s.push_str(&caption(&b, &series_text(&dataset.production)));
    s.push_str(&criticality_section(&b.criticality, b.lithium_eu.as_ref()));
    s.push_str("</section>");
    s
}

fn lede(b: &SupplyBrief) -> String {
    let find = |c: &str| b.markets.iter().find(|m| m.market.commodity == c);
    let (Some(gold), Some(lithium)) = (find("gold"), find("lithium")) else {
        return String::new();
    };
    format!(
        r#"<p class="lede">Mali mined <strong>{}</strong> of the world's gold in {} and <strong>{}</strong> of its lithium in {} (USGS Mineral Commodity Summaries; estimates where USGS marks them). Gold supply is {} (HHI {}); lithium supply is {} (HHI {}). A partner's reward in minerals is therefore a small share of world supply — what it secures is access, not market weight. <span class="small">(<code>orewatch supply --commodity gold</code>, <code>--commodity lithium</code>)</span></p>"#,
        pct(gold.mali_share),
        gold.market.year,
        pct(lithium.mali_share),
        lithium.market.year,
        orewatch_core::analysis::supply::hhi_band(gold.hhi.high),
        hhi_text(&gold.hhi),
        orewatch_core::analysis::supply::hhi_band(lithium.hhi.high),
        hhi_text(&lithium.hhi),
    )
}

/// What the caption says about the data: the method, and what the shipped data leave out
/// (computed from the store, never typed in).
fn caption(b: &SupplyBrief, series: &str) -> String {
    let mut s = String::from(
        r#"<p class="caption">HHI = Σ share² × 10,000; bands of the 2010 US Horizontal Merger Guidelines (&lt; 1,500 unconcentrated, 1,500–2,500 moderate, &gt; 2,500 high; the 2023 guidelines call &gt; 1,800 highly concentrated). USGS lists the main producers and lumps the rest as "Other countries": that remainder is not one producer, so the HHI is a range (spread over many small producers … each no larger than the smallest listed one). HHI_WGI = Σ share² × governance, governance the mean of the six WGI estimates rescaled to 0–10 (10 worst: 5 − 2 × mean, clamped), the EU JRC 2017 method; unknown governance counts as 0–10."#,
    );
    s.push(' ');
    s.push_str(&escape(series));
    if !b.one_series_only.is_empty() {
        let _ = write!(
            s,
            " In one series only: {}.",
            escape(&b.one_series_only.join("; "))
        );
    }
    match (b.cahra_source, b.cahra_last_full_year) {
        (Some(source), Some(last)) => {
            let covered = match &b.cahra_covered_countries {
                None => "every country".to_string(),
                Some(list) if list.is_empty() => "no country".to_string(),
                Some(list) => format!(
                    "{} only (every other country's events end earlier)",
                    list.join(", ")
                ),
            };
            let _ = write!(
                s,
                r#" "From CAHRA-flagged countries": the share of the year's output from countries the CAHRA screening (<code>config/cahra.toml</code> rules on {} events) flags — by their admin-1 regions where the store has them, as whole countries elsewhere (by the events' own country attribution) — a country counting as flagged when one of its regions is. Each country is judged on the last year up to the output's year that its own events cover entirely (the years are in the table: the events cover {last} for {}, earlier years for the others), applied to newer output; the upper bound counts every share whose verdict is unknown (no year covered; no event ever reported for the country; or "Other countries"), never as not flagged. Production by region is not in the data."#,
                escape(source.as_str()),
                escape(&covered)
            );
        }
        _ => s.push_str(" The CAHRA exposure is not assessed: the store holds no UCDP GED events with a stated coverage."),
    }
    s.push_str("</p>");
    s
}

fn summary_table(markets: &[BriefMarket]) -> String {
    let mut s = String::from(
        r#"<table class="xtab"><thead><tr><th>Mineral</th><th>Year</th><th>HHI</th><th>Band</th><th>HHI_WGI (0–10)</th><th>Mali</th><th>Sahel (MLI, BFA, NER)</th><th>From CAHRA-flagged countries (verdicts of)</th><th>World row vs countries</th></tr></thead><tbody>"#,
    );
    for b in markets {
        let m = &b.market;
        let cahra = b.cahra.as_ref().map_or("not assessed".to_string(), |e| {
            format!(
                "{}–{} ({})",
                pct(e.flagged_low),
                pct(e.flagged_high),
                e.verdict_years_text()
            )
        });
        let world = m.world.as_ref().map_or("no World row".to_string(), |w| {
            format!(
                "{:+.1}%{}",
                // No "-0.0%".
                if w.relative.abs() < 0.0005 {
                    0.0
                } else {
                    w.relative * 100.0
                },
                if w.inconsistent { " (flagged)" } else { "" }
            )
        });
        let _ = write!(
            s,
            "<tr><td>{}{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&m.commodity),
            m.stage.as_deref().filter(|s| *s != "mine").map(|s| format!(" ({s})")).unwrap_or_default(),
            m.year,
            hhi_text(&b.hhi),
            b.band,
            range_text(b.hhi_wgi.low, b.hhi_wgi.high, 2),
            pct(b.mali_share),
            pct(b.sahel_share),
            cahra,
            world
        );
    }
    s.push_str("</tbody></table>");
    s
}

/// Horizontal bars: the ten largest producers, Other countries, Mali highlighted (added when
/// outside the ten).
fn share_bars(m: &Market) -> String {
    let shares = m.shares();
    let mut rows: Vec<(String, f64, &str)> = m
        .producers
        .iter()
        .zip(&shares)
        .take(10)
        .map(|(p, &s)| {
            (
                p.name.clone(),
                s,
                if p.key == "MLI" { "bar mli" } else { "bar" },
            )
        })
        .collect();
    if !rows.iter().any(|r| r.2 == "bar mli") {
        if let Some((p, &s)) = m
            .producers
            .iter()
            .zip(&shares)
            .find(|(p, _)| p.key == "MLI")
        {
            rows.push((p.name.clone(), s, "bar mli"));
        }
    }
    if m.other.is_some() {
        rows.push(("Other countries".into(), m.other_share(), "bar other"));
    }
    let (w, row_h, label_w) = (360.0, 17.0, 120.0);
    let h = 26.0 + rows.len() as f64 * row_h;
    let max = rows.iter().map(|r| r.1).fold(0.0, f64::max).max(1e-9);
    let mut s = format!(
        r#"<figure><svg width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" aria-label="{} producers {}"><text x="0" y="12" font-weight="bold">{} {} ({}): share of world output</text>"#,
        escape(&m.commodity),
        m.year,
        escape(&m.commodity),
        m.year,
        escape(&m.unit)
    );
    for (i, (name, share, class)) in rows.iter().enumerate() {
        let y = 20.0 + i as f64 * row_h;
        let bw = (w - label_w - 50.0) * share / max;
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{}</text><rect class="{class}" x="{label_w}" y="{:.1}" width="{:.1}" height="{:.1}"/><text x="{:.1}" y="{:.1}">{}</text>"#,
            label_w - 4.0,
            y + 11.0,
            escape(&name.chars().take(20).collect::<String>()),
            y + 2.0,
            bw.max(0.5),
            row_h - 4.0,
            label_w + bw + 4.0,
            y + 11.0,
            pct(*share)
        );
    }
    s.push_str("</svg></figure>");
    s
}

/// A point of a yearly series.
struct Point {
    year: i32,
    value: f64,
}

/// A commodity's yearly figures in one series, as points.
#[derive(Default)]
struct Yearly {
    mali: Vec<Point>,
    sahel: Vec<Point>,
    hhi_low: Vec<Point>,
    hhi_high: Vec<Point>,
    /// Share from CAHRA-flagged countries, only for years the screening covers.
    cahra_low: Vec<Point>,
    cahra_high: Vec<Point>,
}

fn yearly(figures: &[YearFigures]) -> Yearly {
    let mut y = Yearly::default();
    for f in figures {
        let point = |value| Point {
            year: f.year,
            value,
        };
        y.mali.push(point(f.mali_share));
        y.sahel.push(point(f.sahel_share));
        y.hhi_low.push(point(f.hhi.low));
        y.hhi_high.push(point(f.hhi.high));
        if let Some(e) = &f.cahra {
            y.cahra_low.push(point(e.flagged_low));
            y.cahra_high.push(point(e.flagged_high));
        }
    }
    y
}

/// A small yearly chart: lines (points, CSS class), bands (low, high points), the years
/// between the two series shaded as a gap, a y axis from 0 to `top` labelled by `label`.
struct YearChart<'a> {
    title: &'a str,
    lines: Vec<(&'a [Point], &'static str)>,
    bands: Vec<(&'a [Point], &'a [Point])>,
    /// (last year of the old series, first year of the new one).
    gap: Option<(i32, i32)>,
    top: f64,
    label: fn(f64) -> String,
    caption: &'a str,
}

fn year_chart(c: &YearChart) -> String {
    let years = c
        .lines
        .iter()
        .flat_map(|(p, _)| p.iter().map(|p| p.year))
        .chain(c.bands.iter().flat_map(|(l, _)| l.iter().map(|p| p.year)));
    let (first, last) = years.fold((i32::MAX, i32::MIN), |(a, b), y| (a.min(y), b.max(y)));
    if first > last {
        return String::new();
    }
    let (w, h, l, r, t, b) = (380.0, 190.0, 46.0, 10.0, 22.0, 24.0);
    let top = c.top.max(f64::MIN_POSITIVE);
    let x = |year: i32| l + (year - first) as f64 / (last - first).max(1) as f64 * (w - l - r);
    let y = |v: f64| t + (1.0 - v / top) * (h - t - b);
    let mut s = format!(
        r#"<figure><svg width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" aria-label="{0}"><text x="0" y="12" font-weight="bold">{0}</text>"#,
        escape(c.title)
    );
    if let Some((a, bp)) = c.gap.filter(|(a, bp)| *bp > a + 1) {
        let _ = write!(
            s,
            r#"<rect class="gap" x="{:.1}" y="{t}" width="{:.1}" height="{:.1}"/><text x="{:.1}" y="{:.1}" text-anchor="middle">no data</text>"#,
            x(a),
            x(bp) - x(a),
            h - t - b,
            (x(a) + x(bp)) / 2.0,
            t + 12.0
        );
    }
    for k in 0..=2 {
        let v = top * k as f64 / 2.0;
        let _ = write!(
            s,
            r#"<line class="ax" x1="{l}" x2="{:.1}" y1="{:.1}" y2="{:.1}"/><text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
            w - r,
            y(v),
            y(v),
            l - 4.0,
            y(v) + 4.0,
            (c.label)(v)
        );
    }
    // "M x,y L x,y …" through the points in order.
    let path = |pts: &mut dyn Iterator<Item = &Point>| -> String {
        pts.enumerate()
            .map(|(i, p)| {
                let op = if i == 0 { "M" } else { "L" };
                format!("{op}{:.1},{:.1}", x(p.year), y(p.value))
            })
            .collect()
    };
    for (low, high) in &c.bands {
        if low.is_empty() {
            continue;
        }
        let d = path(&mut low.iter().chain(high.iter().rev()));
        let _ = write!(s, r#"<path class="band" d="{d}Z"/>"#);
    }
    for (pts, class) in &c.lines {
        if pts.is_empty() {
            continue;
        }
        let d = path(&mut pts.iter());
        let _ = write!(s, r#"<path class="{class}" d="{d}"/>"#);
    }
    let mut ticks = vec![(first, "start")];
    if last > first {
        ticks.push((last, "end"));
    }
    if first < 2000 && last > 2010 {
        ticks.push((2000, "middle"));
    }
    for (year, anchor) in ticks {
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="{anchor}">{year}</text>"#,
            x(year),
            h - 8.0
        );
    }
    let _ = write!(
        s,
        "</svg><figcaption class=\"small\">{}</figcaption></figure>",
        c.caption
    );
    s
}

/// "first–last" year of a series' points, or "no years".
fn span_text(points: &[Point]) -> String {
    match (points.first(), points.last()) {
        (Some(a), Some(b)) if a.year == b.year => a.year.to_string(),
        (Some(a), Some(b)) => format!("{}–{}", a.year, b.year),
        _ => "no years".to_string(),
    }
}

/// The years of each production series in the store, and the years between them in
/// neither: "The 1970–2015 series and USGS MCS (2020–2025) …".
fn series_text(production: &[orewatch_core::model::ProductionRecord]) -> String {
    use orewatch_core::model::ProductionSeries;
    let span = |series: ProductionSeries| {
        let years = production
            .iter()
            .filter(|p| p.series == series)
            .map(|p| p.year);
        years.clone().min().zip(years.max())
    };
    let (old, new) = (
        span(ProductionSeries::Owid1970_2015),
        span(ProductionSeries::UsgsMcs),
    );
    let years = |s: Option<(i32, i32)>| s.map_or("none".to_string(), |(a, b)| format!("{a}–{b}"));
    let mut text = format!(
        "The OWID series ({}) and USGS MCS ({}) are drawn apart, never joined",
        years(old),
        years(new)
    );
    if let (Some((_, old_end)), Some((new_start, _))) = (old, new) {
        if new_start > old_end + 1 {
            let gap = if new_start - 1 == old_end + 1 {
                (old_end + 1).to_string()
            } else {
                format!("{}–{}", old_end + 1, new_start - 1)
            };
            let _ = write!(text, "; {gap} are in neither");
        }
    }
    text.push('.');
    text
}

/// Rounds `max` up to a step of `step` (at least one step).
fn nice_top(max: f64, step: f64) -> f64 {
    ((max / step).ceil() * step).max(step)
}

/// Mali's and the Sahel's share of world output, the HHI and the share from CAHRA-flagged
/// countries over time: the 1970–2015 series and USGS as separate lines, the gap shaded.
fn history_charts(commodity: &str, owid: &[YearFigures], usgs: &[YearFigures]) -> String {
    let old = yearly(owid);
    let new = yearly(usgs);
    if old.mali.is_empty() && new.mali.is_empty() {
        return String::new();
    }
    let gap = old
        .mali
        .last()
        .zip(new.mali.first())
        .map(|(a, b)| (a.year, b.year));
    let share_max = old
        .sahel
        .iter()
        .chain(&new.sahel)
        .map(|p| p.value)
        .fold(0.0, f64::max);
    let pct_label: fn(f64) -> String = |v| format!("{:.0}%", v * 100.0);
    let mut s = year_chart(&YearChart {
        title: &format!("Mali's and the Sahel's share of world {commodity} mine output"),
        lines: vec![
            (&old.mali, "l1"),
            (&new.mali, "l2"),
            (&old.sahel, "l3"),
            (&new.sahel, "l4"),
        ],
        bands: Vec::new(),
        gap,
        top: nice_top(share_max, 0.02),
        label: pct_label,
        caption: &format!(
            "Solid: Mali; dashed: the Sahel (MLI, BFA, NER). Dark: {} series (OWID compilation of Clio-Infra/USGS); red: USGS MCS {}. Not joined: different compilations.",
            span_text(&old.mali),
            span_text(&new.mali)
        ),
    });
    let hhi_max = old
        .hhi_high
        .iter()
        .chain(&new.hhi_high)
        .map(|p| p.value)
        .fold(0.0, f64::max);
    s.push_str(&year_chart(&YearChart {
        title: &format!("Concentration of world {commodity} mine output (HHI)"),
        lines: vec![(&old.hhi_low, "l1"), (&new.hhi_low, "l2")],
        bands: vec![(&new.hhi_low, &new.hhi_high)],
        gap,
        top: nice_top(hhi_max, 250.0),
        label: |v| format!("{v:.0}"),
        caption: "HHI 0–10,000 (1,500 and 2,500: the 2010 merger-guideline bands). The USGS years are a range (shaded) because of \"Other countries\"; the line is its lower bound.",
    }));
    if !old.cahra_low.is_empty() || !new.cahra_low.is_empty() {
        s.push_str(&year_chart(&YearChart {
            title: &format!("World {commodity} from CAHRA-flagged countries"),
            lines: vec![(&old.cahra_low, "l1"), (&new.cahra_low, "l2")],
            bands: vec![(&old.cahra_low, &old.cahra_high), (&new.cahra_low, &new.cahra_high)],
            gap: None,
            top: 1.0,
            label: pct_label,
            caption: "Share of the year's production from countries the CAHRA screening flags that year (line: flagged by the event data; shaded up to: also every share whose verdict is unknown — no events reported for the country, or \"Other countries\"). Only years the UCDP GED events cover.",
        }));
    }
    s
}

/// What a stop of Mali's gold and an offtake of half its lithium would do.
fn disruption(b: &SupplyBrief) -> String {
    let mut parts = Vec::new();
    if let Some(g) = &b.gold_stop {
        parts.push(format!(
            "if Mali's gold output stopped ({} data), the world would lose {} of its mined gold and the HHI would move from {} to {}",
            g.year,
            pct(g.lost_fraction),
            hhi_text(&g.hhi_before),
            hhi_text(&g.hhi_after)
        ));
    }
    if let Some(o) = &b.lithium_offtake {
        parts.push(format!(
            "an offtake of half of Mali's lithium ({} estimate) would secure {:.0} {} for the buyer, {} of world supply (consumption is not in the data, so the buyer's needs are not assessed; the world's shares do not change)",
            o.year,
            o.volume,
            escape(&o.unit),
            pct(o.share)
        ));
    }
    if parts.is_empty() {
        return String::new();
    }
    let mut text = parts.join("; ");
    if let Some(first) = text.get(0..1) {
        text = first.to_uppercase() + &text[1..];
    }
    format!("<p>{text}. <span class=\"small\">(<code>orewatch supply --commodity gold --shock MLI:gold:-1</code>; <code>orewatch supply --commodity lithium --redirect MLI:lithium:USA:0.5</code>)</span></p>")
}

fn sr_range_text(sr: &SupplyRisk) -> String {
    match sr {
        SupplyRisk::Computed { low, high, .. } => range_text(*low, *high, 2),
        SupplyRisk::NotComputed { missing } => {
            format!("not computed (missing {})", missing.join(", "))
        }
    }
}

/// A published value: one decimal, two where it has two (Platinum's SR 2.13).
fn published(x: f64) -> String {
    if ((x * 10.0).round() - x * 10.0).abs() < 1e-9 {
        format!("{x:.1}")
    } else {
        format!("{x:.2}")
    }
}

/// `1.2 / 5.8` of an SR–EI pair, `–` when not assessed.
fn pair(p: Option<(f64, f64)>) -> String {
    p.map_or("–".to_string(), |(sr, ei)| format!("{sr:.1} / {ei:.1}"))
}

/// The EU's criticality picture: the scatter of every material with the thresholds, the deal's
/// and the brief's minerals named, the table of those minerals with their change since 2017
/// and 2020 beside it, all materials in a collapsed table, and lithium's SR with Mali.
fn criticality_section(p: &CriticalityPicture, lithium: Option<&EuView>) -> String {
    let mut s = String::from(
        r#"<h3>How the EU rates these minerals: supply risk against economic importance</h3>"#,
    );
    let deal = |critical: bool| {
        p.points
            .iter()
            .filter(|q| q.deal && q.critical == critical)
            .map(|q| label_of(&q.material))
            .collect::<Vec<_>>()
    };
    let (critical, not_critical) = (deal(true), deal(false));
    let mut verdict = Vec::new();
    if !critical.is_empty() {
        verdict.push(format!("{} critical", and_list(&critical)));
    }
    if !not_critical.is_empty() {
        verdict.push(format!("{} not", and_list(&not_critical)));
    }
    let _ = write!(
        s,
        r#"<p>The European Commission's 2023 criticality assessment lists {} rows in its results table (the rare-earth elements and the platinum-group metals both as groups and one by one); {} of them pass both thresholds (supply risk SR ≥ {} and economic importance EI ≥ {}). Of the deal's minerals, {}. <span class="small">(<code>orewatch supply --eu-check</code> lists every material; <code>orewatch supply --commodity lithium</code> gives lithium's inputs and sources.)</span></p>"#,
        p.points.len(),
        p.critical_count,
        p.sr_threshold,
        p.ei_threshold,
        escape(&verdict.join(", "))
    );
    s.push_str(r#"<div class="crit">"#);
    s.push_str(&scatter(p));
    s.push_str(&named_table(p));
    s.push_str("</div>");
    if let Some(li) = lithium {
        s.push_str(&lithium_with_mali(li));
    }
    s.push_str(&all_materials(p));
    let disagreements: Vec<String> = p
        .points
        .iter()
        .filter_map(|q| {
            let (sr, ei) = q.other_transcription?;
            Some(format!(
                "{}: SR {} and EI {} in the results table, {sr} and {ei} in Annex 4",
                label_of(&q.material),
                q.supply_risk,
                q.economic_importance
            ))
        })
        .collect();
    let _ = write!(
        s,
        r#"<p class="caption">Source: {}. SR and EI as published, one point per material of the results table (groups HREE, LREE and PGM beside their members).{}</p>"#,
        escape(&p.source),
        if disagreements.is_empty() {
            String::new()
        } else {
            format!(
                " Where the two transcriptions disagree ({}) both are drawn, joined by a line, and both are given in the table.",
                escape(&disagreements.join("; "))
            )
        }
    );
    s
}

fn scatter(p: &CriticalityPicture) -> String {
    let (w, h, l, r, t, b) = (520.0, 400.0, 44.0, 12.0, 24.0, 36.0);
    let ei_max = p
        .points
        .iter()
        .map(|q| q.economic_importance)
        .fold(p.ei_threshold, f64::max)
        .ceil()
        .max(1.0);
    let sr_max = p
        .points
        .iter()
        .map(|q| q.supply_risk)
        .fold(p.sr_threshold, f64::max)
        .ceil()
        .max(1.0);
    let x = |ei: f64| l + ei / ei_max * (w - l - r);
    let y = |sr: f64| t + (1.0 - sr / sr_max) * (h - t - b);
    let mut s = format!(
        r#"<figure><svg width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" aria-label="EU 2023 criticality: supply risk against economic importance"><text x="0" y="12" font-weight="bold">EU 2023: supply risk (SR) against economic importance (EI)</text>"#
    );
    let _ = write!(
        s,
        r#"<rect class="zone" x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}"/><text x="{:.1}" y="{:.1}" text-anchor="end" class="thl">critical</text>"#,
        x(p.ei_threshold),
        y(sr_max),
        x(ei_max) - x(p.ei_threshold),
        y(p.sr_threshold) - y(sr_max),
        x(ei_max) - 4.0,
        y(sr_max) + 12.0
    );
    for k in 0..=(ei_max as i32) {
        let v = f64::from(k);
        let _ = write!(
            s,
            r#"<line class="ax" x1="{:.1}" x2="{:.1}" y1="{:.1}" y2="{:.1}"/><text x="{:.1}" y="{:.1}" text-anchor="middle">{k}</text>"#,
            x(v),
            x(v),
            y(0.0),
            y(0.0) + 4.0,
            x(v),
            y(0.0) + 15.0
        );
    }
    for k in 0..=(sr_max as i32) {
        let v = f64::from(k);
        let _ = write!(
            s,
            r#"<line class="ax" x1="{:.1}" x2="{:.1}" y1="{:.1}" y2="{:.1}"/><text x="{:.1}" y="{:.1}" text-anchor="end">{k}</text>"#,
            l - 4.0,
            l,
            y(v),
            y(v),
            l - 6.0,
            y(v) + 4.0
        );
    }
    let _ = write!(
        s,
        r#"<line class="ax" x1="{l}" x2="{:.1}" y1="{:.1}" y2="{:.1}"/><line class="ax" x1="{l}" x2="{l}" y1="{t}" y2="{:.1}"/><text x="{:.1}" y="{:.1}" text-anchor="middle">economic importance (EI)</text><text x="12" y="{:.1}" transform="rotate(-90 12 {:.1})" text-anchor="middle">supply risk (SR)</text>"#,
        x(ei_max),
        y(0.0),
        y(0.0),
        y(0.0),
        (l + w - r) / 2.0,
        h - 4.0,
        (t + h - b) / 2.0,
        (t + h - b) / 2.0
    );
    let _ = write!(
        s,
        r#"<line class="thr" x1="{:.1}" x2="{:.1}" y1="{t}" y2="{:.1}"/><line class="thr" x1="{l}" x2="{:.1}" y1="{:.1}" y2="{:.1}"/><text x="{:.1}" y="{:.1}" class="thl">EI {}</text><text x="{:.1}" y="{:.1}" class="thl">SR {}</text>"#,
        x(p.ei_threshold),
        x(p.ei_threshold),
        y(0.0),
        x(ei_max),
        y(p.sr_threshold),
        y(p.sr_threshold),
        x(p.ei_threshold) + 3.0,
        y(0.0) - 4.0,
        p.ei_threshold,
        l + 3.0,
        y(p.sr_threshold) - 4.0,
        p.sr_threshold
    );
    // Unnamed points first, the named ones on top.
    let mut order: Vec<&_> = p.points.iter().collect();
    order.sort_by_key(|q| (q.deal, q.brief));
    for q in &order {
        let class = if q.deal {
            "pt deal"
        } else if q.brief {
            "pt brief"
        } else if q.critical {
            "pt crit"
        } else {
            "pt"
        };
        if let Some((sr, ei)) = q.other_transcription {
            let _ = write!(
                s,
                r#"<line class="span" x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}"/><circle class="{class}" cx="{:.1}" cy="{:.1}" r="3.5"><title>{} (Annex 4): SR {sr}, EI {ei}</title></circle>"#,
                x(q.economic_importance),
                y(q.supply_risk),
                x(ei),
                y(sr),
                x(ei),
                y(sr),
                escape(&q.material)
            );
        }
        let radius = if q.deal || q.brief { 5.0 } else { 3.2 };
        let _ = write!(
            s,
            r#"<circle class="{class}" cx="{:.1}" cy="{:.1}" r="{radius}"><title>{}: SR {}, EI {}</title></circle>"#,
            x(q.economic_importance),
            y(q.supply_risk),
            escape(&q.material),
            q.supply_risk,
            q.economic_importance
        );
    }
    // Labels of the named minerals, each placed where it overlaps no earlier label.
    let mut taken: Vec<(f64, f64, f64, f64)> = Vec::new();
    for q in order.iter().rev().filter(|q| q.deal || q.brief) {
        let text = label_of(&q.material);
        let width = text.chars().count() as f64 * 6.2;
        let (px, py) = (x(q.economic_importance), y(q.supply_risk));
        let candidates = [
            (px + 8.0, py + 4.0, "start"),
            (px - 8.0, py + 4.0, "end"),
            (px, py - 9.0, "middle"),
            (px, py + 16.0, "middle"),
            (px + 8.0, py - 8.0, "start"),
            (px + 8.0, py + 16.0, "start"),
        ];
        let boxed = |(cx, cy, anchor): (f64, f64, &str)| {
            let left = match anchor {
                "start" => cx,
                "end" => cx - width,
                _ => cx - width / 2.0,
            };
            (left, cy - 10.0, left + width, cy + 2.0)
        };
        let overlaps = |b: (f64, f64, f64, f64)| {
            taken
                .iter()
                .any(|o| b.0 < o.2 && o.0 < b.2 && b.1 < o.3 && o.1 < b.3)
                || b.0 < l
                || b.2 > w
        };
        let pick = candidates
            .iter()
            .copied()
            .find(|c| !overlaps(boxed(*c)))
            .unwrap_or(candidates[0]);
        taken.push(boxed(pick));
        let _ = write!(
            s,
            r#"<text class="lab{}" x="{:.1}" y="{:.1}" text-anchor="{}">{}</text>"#,
            if q.deal { " deal" } else { "" },
            pick.0,
            pick.1,
            pick.2,
            escape(&text)
        );
    }
    s.push_str("</svg><figcaption class=\"small\">Red: the deal's minerals (Mali's gold and lithium); blue: the brief's other minerals; dark grey: other critical materials; light grey: the rest. Dashed: the EU thresholds; shaded: critical.</figcaption></figure>");
    s
}

/// `a is`, `a and b are`, `a, b and c are`.
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => format!("{one} is"),
        [rest @ .., last] => format!("{} and {last} are", rest.join(", ")),
    }
}

/// The name drawn for a material (Aluminium stands for aluminium/bauxite in 2023).
fn label_of(material: &str) -> String {
    if material == "Aluminium" {
        "aluminium/bauxite".into()
    } else {
        material.to_lowercase()
    }
}

/// The deal's and the brief's minerals: SR and EI of 2023, 2020 and 2017, and the change.
fn named_table(p: &CriticalityPicture) -> String {
    let mut named: Vec<&_> = p.points.iter().filter(|q| q.deal || q.brief).collect();
    named.sort_by(|a, b| {
        b.deal
            .cmp(&a.deal)
            .then(b.supply_risk.total_cmp(&a.supply_risk))
    });
    let mut s = String::from(
        r#"<table class="xtab crit-tab"><thead><tr><th>Mineral</th><th>SR / EI 2023</th><th>Critical</th><th>SR / EI 2020</th><th>SR / EI 2017</th><th>SR since 2020</th></tr></thead><tbody>"#,
    );
    for q in named {
        let now = match q.other_transcription {
            Some((sr, ei)) => format!(
                "{:.1} / {:.1} (Annex 4: {sr:.1} / {ei:.1})",
                q.supply_risk, q.economic_importance
            ),
            None => format!("{:.1} / {:.1}", q.supply_risk, q.economic_importance),
        };
        let mut change = q.y2020.map_or("–".to_string(), |(sr, _)| {
            format!("{:+.1}", q.supply_risk - sr)
        });
        let (mut y2020, mut y2017) = (pair(q.y2020), pair(q.y2017));
        for m in &q.merged {
            let name = m.material.to_lowercase();
            let _ = write!(y2020, " ({name} {})", pair(m.y2020));
            let _ = write!(y2017, " ({name} {})", pair(m.y2017));
            if let Some((sr, _)) = m.y2020 {
                let _ = write!(change, " ({name}: {:+.1})", q.supply_risk - sr);
            }
        }
        let _ = write!(
            s,
            r#"<tr{}><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>"#,
            if q.deal { r#" class="deal""# } else { "" },
            escape(&label_of(&q.material)),
            now,
            if q.critical { "yes" } else { "no" },
            y2020,
            y2017,
            change
        );
    }
    s.push_str("</tbody></table>");
    s
}

/// Lithium's SR now, with Mali, and what the processing stage does not see.
fn lithium_with_mali(li: &EuView) -> String {
    let mut parts = Vec::new();
    for n in &li.now {
        let mut text = format!(
            "lithium's SR at {} from USGS {} production with the EU's other 2023 inputs is {}",
            n.stage.as_str(),
            n.market_year,
            sr_range_text(&n.supply_risk)
        );
        if let Some(without) = &n.without_mali {
            let _ = write!(
                text,
                " with Mali's output as reported ({} of world supply) and {} with it stopped",
                pct(n.mali_share),
                sr_range_text(without)
            );
        }
        parts.push(text);
    }
    let published = li
        .published_by_stage
        .iter()
        .filter_map(|(st, c)| c.as_ref().map(|c| format!("{} {}", st.as_str(), c.text(1))))
        .collect::<Vec<_>>()
        .join(", ");
    let mut s = String::from("<p>");
    if !parts.is_empty() {
        let mut text = parts.join("; ");
        if let Some(first) = text.get(0..1) {
            text = first.to_uppercase() + &text[1..];
        }
        let _ = write!(
            s,
            "{} (published 2023: {}). ",
            escape(&text),
            escape(&published)
        );
    }
    for st in &li.statements {
        let _ = write!(s, "{} ", escape(st));
    }
    s.push_str(r#"<span class="small">(<code>orewatch supply --commodity lithium --shock MLI:lithium:-1</code>)</span></p>"#);
    s
}

/// Every material, collapsed.
fn all_materials(p: &CriticalityPicture) -> String {
    let mut rows: Vec<&_> = p.points.iter().collect();
    rows.sort_by(|a, b| {
        b.supply_risk
            .total_cmp(&a.supply_risk)
            .then(a.material.cmp(&b.material))
    });
    let mut s = format!(
        r#"<details><summary>All {} materials of the 2023 assessment</summary><table class="xtab crit-tab"><thead><tr><th>Material</th><th>SR</th><th>EI</th><th>Critical</th><th>SR / EI 2020</th><th>SR / EI 2017</th></tr></thead><tbody>"#,
        rows.len()
    );
    for q in rows {
        let _ = write!(
            s,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&q.material),
            published(q.supply_risk),
            published(q.economic_importance),
            if q.critical { "yes" } else { "no" },
            pair(q.y2020),
            pair(q.y2017)
        );
    }
    s.push_str("</tbody></table></details>");
    s
}
