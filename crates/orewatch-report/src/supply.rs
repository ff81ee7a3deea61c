//! The brief's "Supply" section: how much the world depends on Mali and the Sahel for each
//! mineral, how concentrated and governance-exposed supply is, and what a stop of Mali's
//! output or an offtake of it would change. All numbers come from
//! `orewatch_core::analysis::supply` on the store's production and WGI records (units: shares
//! in %, HHI 0–10,000, HHI_WGI 0–10).
//!
//! Series are never joined: the 1970–2015 series and USGS MCS (2020–2025) are drawn as two
//! lines with the 2016–2019 gap left empty, and lithium uses USGS only (the older lithium
//! series is gross weight of mixed products, not lithium content).

use std::fmt::Write as _;

use orewatch_core::analysis::cahra::{last_full_year, year_fully_covered, CahraRules};
use orewatch_core::analysis::cahra_countries::{screen_countries, CountryScreening};
use orewatch_core::analysis::events::{EventFilter, SourceCoverage};
use orewatch_core::analysis::supply::{
    cahra_exposure, governance_weighted, hhi_band, markets_over_time, offtake, year_figures,
    CahraExposure, HhiRange, Market,
};
use orewatch_core::model::{Dataset, EventSource, ProductionSeries};

use crate::svg::escape;
use crate::{ged_coverage, BriefInput};

pub const SUPPLY_CSS: &str = "\
.supply svg text{font-size:11px;fill:#333}\
.supply .bar{fill:#9aa7b4}.supply .bar.mli{fill:#c0392b}.supply .bar.other{fill:#d5dbe1}\
.supply .l1{fill:none;stroke:#34495e;stroke-width:1.6}.supply .l2{fill:none;stroke:#c0392b;stroke-width:1.6}\
.supply .l3{fill:none;stroke:#34495e;stroke-width:1.2;stroke-dasharray:4 3}.supply .l4{fill:none;stroke:#c0392b;stroke-width:1.2;stroke-dasharray:4 3}\
.supply .band{fill:#e6b0aa;opacity:.5}\
.supply .ax{stroke:#999;stroke-width:.6}.supply .gap{fill:#f4f4f4}\
.supply .charts{display:flex;flex-wrap:wrap;gap:18px}\
";

/// Commodities shown with bars, in order.
const FEATURED: [&str; 2] = ["gold", "lithium"];

/// The latest USGS market of a commodity at the mine stage (refinery for alumina).
fn latest_usgs(dataset: &Dataset, commodity: &str) -> Option<Market> {
    let stage = if commodity == "alumina" {
        "refinery"
    } else {
        "mine"
    };
    let year = dataset
        .production
        .iter()
        .filter(|r| {
            r.series == ProductionSeries::UsgsMcs
                && r.commodity == commodity
                && r.stage.as_deref() == Some(stage)
                && r.quantity.is_some()
        })
        .map(|r| r.year)
        .max()?;
    Market::from_records(
        &dataset.production,
        ProductionSeries::UsgsMcs,
        commodity,
        Some(stage),
        year,
    )
    .ok()
}

fn pct(x: f64) -> String {
    if x > 0.0 && x < 0.001 {
        "<0.1%".to_string()
    } else {
        format!("{:.1}%", x * 100.0)
    }
}

fn hhi_text(h: &HhiRange) -> String {
    if (h.high - h.low).abs() < 0.5 {
        format!("{:.0}", h.low)
    } else {
        format!("{:.0}–{:.0}", h.low, h.high)
    }
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
    let mut commodities: Vec<String> = dataset
        .production
        .iter()
        .filter(|r| r.series == ProductionSeries::UsgsMcs)
        .map(|r| r.commodity.clone())
        .collect();
    commodities.sort();
    commodities.dedup();
    let markets: Vec<Market> = commodities
        .iter()
        .filter_map(|c| latest_usgs(dataset, c))
        .collect();
    if let (Some(gold), Some(lithium)) = (
        markets.iter().find(|m| m.commodity == "gold"),
        markets.iter().find(|m| m.commodity == "lithium"),
    ) {
        let _ = write!(
            s,
            r#"<p class="lede">Mali mined <strong>{}</strong> of the world's gold in {} and <strong>{}</strong> of its lithium in {} (USGS Mineral Commodity Summaries; estimates where USGS marks them). Gold supply is {} (HHI {}); lithium supply is {} (HHI {}). A partner's reward in minerals is therefore a small share of world supply — what it secures is access, not market weight.</p>"#,
            pct(gold.share_of("MLI")),
            gold.year,
            pct(lithium.share_of("MLI")),
            lithium.year,
            hhi_band(gold.hhi().high),
            hhi_text(&gold.hhi()),
            hhi_band(lithium.hhi().high),
            hhi_text(&lithium.hhi()),
        );
    }
    let screening = screening(input);
    s.push_str(&summary_table(dataset, &markets, screening.as_ref()));
    s.push_str(r#"<div class="charts">"#);
    for c in FEATURED {
        if let Some(m) = markets.iter().find(|m| m.commodity == c) {
            s.push_str(&share_bars(m));
        }
    }
    s.push_str(&history_charts(dataset, "gold", screening.as_ref()));
    s.push_str("</div>");
    s.push_str(&disruption(&markets));
    s.push_str(r#"<p class="caption">HHI = Σ share² × 10,000; bands of the 2010 US Horizontal Merger Guidelines (&lt; 1,500 unconcentrated, 1,500–2,500 moderate, &gt; 2,500 high; the 2023 guidelines call &gt; 1,800 highly concentrated). USGS lists the main producers and lumps the rest as "Other countries": that remainder is not one producer, so the HHI is a range (spread over many small producers … each no larger than the smallest listed one). HHI_WGI = Σ share² × governance, governance the mean of the six WGI estimates rescaled to 0–10 (10 worst: 5 − 2 × mean, clamped), the EU JRC 2017 method; unknown governance counts as 0–10. Supply risk (SR) needs the EU's per-commodity inputs, which orewatch does not invent: <code>orewatch supply --inputs FILE</code>. 2016–2019 are missing from both series; uranium after 2015 and phosphate before 2021 are not in the data. "From CAHRA-flagged countries": the share of the year's output from countries the CAHRA screening (<code>config/cahra.toml</code> rules on UCDP GED events) flags — by their admin-1 regions in West Africa, as whole countries elsewhere (by GED's own country attribution) — a country counting as flagged when one of its regions is; the verdicts of the last year the events cover (2019 on the shipped data) are applied to newer output, and the upper bound counts every share whose verdict is unknown (no event ever reported for the country, or "Other countries"). Production by region is not in the data.</p>"#);
    s.push_str("</section>");
    s
}

/// The country screening over every year the UCDP GED events cover entirely (None without
/// GED events or a stated coverage).
fn screening(input: &BriefInput) -> Option<CountryScreening> {
    use chrono::Datelike;
    let coverage: SourceCoverage = ged_coverage(input)?;
    let years: Vec<i32> = (coverage.start.year()..=coverage.end.year())
        .filter(|&y| year_fully_covered(&coverage, y))
        .collect();
    last_full_year(&coverage)?;
    screen_countries(
        input.dataset,
        &EventFilter::all(EventSource::UcdpGed),
        &coverage,
        &CahraRules::default_rules(),
        &years,
    )
    .ok()
}

/// The market's CAHRA exposure: verdicts of its year when screened, else of the latest
/// screened year before it.
fn exposure_of(m: &Market, screening: Option<&CountryScreening>) -> Option<CahraExposure> {
    let s = screening?;
    let year = s.years.iter().rev().find(|&&y| y <= m.year).copied()?;
    Some(cahra_exposure(m, &s.verdicts(year), year))
}

fn summary_table(
    dataset: &Dataset,
    markets: &[Market],
    screening: Option<&CountryScreening>,
) -> String {
    let mut s = String::from(
        r#"<table class="xtab"><thead><tr><th>Mineral</th><th>Year</th><th>HHI</th><th>Band</th><th>HHI_WGI (0–10)</th><th>Mali</th><th>Sahel (MLI, BFA, NER)</th><th>From CAHRA-flagged countries (verdicts of)</th><th>World row vs countries</th></tr></thead><tbody>"#,
    );
    for m in markets {
        let cahra = exposure_of(m, screening).map_or("not assessed".to_string(), |e| {
            format!(
                "{}–{} ({})",
                pct(e.flagged_low),
                pct(e.flagged_high),
                e.cahra_year
            )
        });
        let hhi = m.hhi();
        let g = governance_weighted(m, &dataset.governance, &|_| 1.0);
        let sahel = m.sahel_share();
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
        let band = if hhi_band(hhi.low) == hhi_band(hhi.high) {
            hhi_band(hhi.low).to_string()
        } else {
            format!("{} to {}", hhi_band(hhi.low), hhi_band(hhi.high))
        };
        let _ = write!(
            s,
            "<tr><td>{}{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&m.commodity),
            m.stage.as_deref().filter(|s| *s != "mine").map(|s| format!(" ({s})")).unwrap_or_default(),
            m.year,
            hhi_text(&hhi),
            band,
            if (g.high - g.low).abs() < 0.005 { format!("{:.2}", g.low) } else { format!("{:.2}–{:.2}", g.low, g.high) },
            pct(m.share_of("MLI")),
            pct(sahel),
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

/// A commodity's yearly figures in one series (mine stage where staged; lithium's 1970–2015
/// series is gross weight and is never drawn).
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

fn yearly(
    dataset: &Dataset,
    commodity: &str,
    series: ProductionSeries,
    screening: Option<&CountryScreening>,
) -> Yearly {
    let stage = match series {
        ProductionSeries::UsgsMcs => Some("mine"),
        ProductionSeries::Owid1970_2015 => None,
    };
    let mut y = Yearly::default();
    if commodity == "lithium" && series == ProductionSeries::Owid1970_2015 {
        return y;
    }
    let markets = markets_over_time(&dataset.production, series, commodity, stage);
    for f in year_figures(&markets, screening) {
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

/// Rounds `max` up to a step of `step` (at least one step).
fn nice_top(max: f64, step: f64) -> f64 {
    ((max / step).ceil() * step).max(step)
}

/// Mali's and the Sahel's share of world output, the HHI and the share from CAHRA-flagged
/// countries over time: the 1970–2015 series and USGS as separate lines, the gap shaded.
fn history_charts(
    dataset: &Dataset,
    commodity: &str,
    screening: Option<&CountryScreening>,
) -> String {
    let old = yearly(
        dataset,
        commodity,
        ProductionSeries::Owid1970_2015,
        screening,
    );
    let new = yearly(dataset, commodity, ProductionSeries::UsgsMcs, screening);
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
        caption: "Solid: Mali; dashed: the Sahel (MLI, BFA, NER). Dark: 1970–2015 series (OWID compilation of Clio-Infra/USGS); red: USGS MCS 2020–2025. Not joined: different compilations.",
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
fn disruption(markets: &[Market]) -> String {
    let mut parts = Vec::new();
    if let Some(gold) = markets.iter().find(|m| m.commodity == "gold") {
        if let Ok(after) = gold.shocked("MLI", -1.0) {
            let lost = (gold.total() - after.total()) / gold.total();
            parts.push(format!(
                "if Mali's gold output stopped ({} data), the world would lose {} of its mined gold and the HHI would move from {} to {}",
                gold.year,
                pct(lost),
                hhi_text(&gold.hhi()),
                hhi_text(&after.hhi())
            ));
        }
    }
    if let Some(li) = markets.iter().find(|m| m.commodity == "lithium") {
        if let Ok((volume, share)) = offtake(li, "MLI", 0.5) {
            parts.push(format!(
                "an offtake of half of Mali's lithium ({} estimate) would secure {:.0} {} for the buyer, {} of world supply (consumption is not in the data, so the buyer's needs are not assessed)",
                li.year,
                volume,
                escape(&li.unit),
                pct(share)
            ));
        }
    }
    if parts.is_empty() {
        return String::new();
    }
    let mut text = parts.join("; ");
    if let Some(first) = text.get(0..1) {
        text = first.to_uppercase() + &text[1..];
    }
    format!("<p>{text}.</p>")
}
