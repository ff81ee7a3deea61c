//! The brief's "Since 2019" section: did armed violence reach the hand-tabulated mines of
//! Mali and Burkina Faso after 2019?
//!
//! Renders `orewatch_core::assess::site_years` with its brief request
//! ([`SiteYearsRequest::since_2019`]): one small panel per located site (events within
//! 25/50/100 km per year, the same log scale in every panel; years without data for the
//! site's country hatched "no data"), a table of events, deaths (best estimate) and the
//! nearest event per site and year, and the sentence naming the sites where violence
//! arrived. Every number comes from the assessment; nothing is computed here.
//!
//! Units: km, events (counts), deaths (UCDP best estimate).

use std::fmt::Write;

use orewatch_core::assess::site_years::{
    assess_site_years, Arrival, SiteYear, SiteYears, SiteYearsRequest, SiteYearsResult,
};

use crate::map::{hatch_pattern, hatch_swatch, short_name};
use crate::svg::{escape, fmt1};
use crate::vintage::join_names;
use crate::BriefInput;

const COLUMNS: usize = 4;
const PANEL_W: f64 = 272.0;
const PANEL_H: f64 = 150.0;
const LEFT: f64 = 40.0;
const RIGHT: f64 = 8.0;
const TOP: f64 = 30.0;
const BOTTOM: f64 = 30.0;
/// Bar colours by radius, innermost (darkest) first (ColorBrewer OrRd); radii beyond the
/// third share the lightest.
const RADIUS_COLOURS: [&str; 3] = ["#b30000", "#fc8d59", "#fdcc8a"];

fn radius_colour(j: usize) -> &'static str {
    RADIUS_COLOURS[j.min(RADIUS_COLOURS.len() - 1)]
}

/// The whole section.
pub fn since_section(input: &BriefInput) -> String {
    let req = SiteYearsRequest::since_2019();
    let mut s = format!(
        r#"<section class="since"><h2>Since {}: violence around the mines, year by year</h2>"#,
        req.recent_from - 1
    );
    match assess_site_years(&req, input.dataset, input.sources) {
        Ok(result) if !result.sites.is_empty() => s.push_str(&render(&result)),
        Ok(_) => s.push_str(
            "<p>The store holds no located hand-tabulated mine of Mali or Burkina Faso: nothing to assess.</p>",
        ),
        Err(e) => {
            let _ = write!(
                s,
                "<p>The assessment could not be made: {}</p>",
                escape(&e.to_string())
            );
        }
    }
    s.push_str("</section>");
    s
}

fn radii_text(radii: &[f64]) -> String {
    let r: Vec<String> = radii.iter().map(|r| r.to_string()).collect();
    format!("{} km", r.join("/"))
}

fn site_label(site: &SiteYears) -> String {
    format!(
        "{} ({})",
        short_name(&site.site_name),
        site.country_iso3.as_deref().unwrap_or("?")
    )
}

fn names_of(result: &SiteYearsResult, arrival: Arrival) -> Vec<String> {
    result
        .sites
        .iter()
        .filter(|s| s.arrival == arrival)
        .map(site_label)
        .collect()
}

fn render(result: &SiteYearsResult) -> String {
    let req = &result.request;
    let years = format!("{}–{}", req.first_year, req.last_year);
    let earlier = format!("{}–{}", req.first_year, req.recent_from - 1);
    let recent = format!("{}–{}", req.recent_from, req.last_year);
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<p class="lede">For each of the {} located hand-tabulated mines of Mali and Burkina Faso: UCDP GED events and deaths (best estimate) within {} in each year {years}, and the distance to the nearest event of the year. An event counts in the year it started, within R km when its great-circle distance to the site is at most R; every event the store holds is counted, whatever its location precision.</p>"#,
        result.sites.len(),
        radii_text(&req.radii_km),
    );
    // The arrival sentence.
    let arrived = names_of(result, Arrival::Arrived);
    let r = req.arrival_radius_km;
    s.push_str(r#"<p class="arrival">"#);
    if arrived.is_empty() {
        let _ = write!(
            s,
            "At none of the sites did violence arrive in {recent} (a first event within {r} km after none in {earlier})."
        );
    } else {
        let _ = write!(
            s,
            "<strong>Violence arrived</strong> (at least one event within {r} km in {recent}, none in {earlier}) at <strong>{} of the {} sites</strong>: {}.",
            arrived.len(),
            result.sites.len(),
            escape(&join_names(&arrived.iter().map(String::as_str).collect::<Vec<_>>()))
        );
    }
    for (arrival, text) in [
        (
            Arrival::AlreadyPresent,
            format!("Already within {r} km before {}", req.recent_from),
        ),
        (
            Arrival::NoneYet,
            format!("No event within {r} km in any year"),
        ),
        (
            Arrival::Undetermined,
            "Not determined (a year without full data coverage)".to_string(),
        ),
    ] {
        let names = names_of(result, arrival);
        if !names.is_empty() {
            let _ = write!(
                s,
                " {text}: {}.",
                escape(&join_names(
                    &names.iter().map(String::as_str).collect::<Vec<_>>()
                ))
            );
        }
    }
    s.push_str("</p>");
    s.push_str(r#"<div class="figure">"#);
    s.push_str(&small_multiples(result));
    s.push_str("</div>");
    s.push_str(&legend(result));
    s.push_str(&table(result));
    s.push_str(&caption(result));
    s
}

/// y of a count on the shared log scale: log10(1 + n) / log10(1 + max), 0 at the baseline.
fn scale(n: u64, max_decade: u32) -> f64 {
    ((1 + n) as f64).log10() / (10f64.powi(max_decade as i32) + 1.0).log10()
}

fn small_multiples(result: &SiteYearsResult) -> String {
    let req = &result.request;
    let max = result
        .sites
        .iter()
        .flat_map(|s| &s.years)
        .flat_map(|y| &y.within)
        .filter_map(|r| r.events)
        .max()
        .unwrap_or(0);
    // The top of the axis: the first power of ten at or above the largest count (at least 10).
    let mut max_decade = 1u32;
    while 10u64.pow(max_decade) < max {
        max_decade += 1;
    }
    let rows = result.sites.len().div_ceil(COLUMNS);
    let (w, h) = (PANEL_W * COLUMNS as f64, PANEL_H * rows as f64);
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="since-chart" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="Events within {} of each hand-tabulated mine of Mali and Burkina Faso, per year"><defs>{}</defs>"#,
        radii_text(&req.radii_km),
        hatch_pattern("hatch-since"),
        w = fmt1(w),
        h = fmt1(h)
    );
    let n_years = (req.last_year - req.first_year + 1) as f64;
    for (i, site) in result.sites.iter().enumerate() {
        let x0 = (i % COLUMNS) as f64 * PANEL_W;
        let y0 = (i / COLUMNS) as f64 * PANEL_H;
        let plot_w = PANEL_W - LEFT - RIGHT;
        let plot_h = PANEL_H - TOP - BOTTOM;
        let (left, top) = (x0 + LEFT, y0 + TOP);
        let bottom = top + plot_h;
        let slot = plot_w / n_years;
        let title_class = if site.arrival == Arrival::Arrived {
            "ptitle arrived"
        } else {
            "ptitle"
        };
        let _ = write!(
            s,
            r#"<text class="{title_class}" x="{}" y="{}">{}{}</text>"#,
            fmt1(left),
            fmt1(y0 + 14.0),
            escape(&site_label(site)),
            if site.arrival == Arrival::Arrived {
                " — arrived"
            } else {
                ""
            }
        );
        // Grid and ticks: 0, 1, 10, 100, …
        let ticks = std::iter::once(0).chain((0..=max_decade).map(|d| 10u64.pow(d)));
        for v in ticks {
            let y = bottom - scale(v, max_decade) * plot_h;
            let _ = write!(
                s,
                r#"<line class="grid" x1="{}" x2="{}" y1="{y}" y2="{y}"/><text class="tick" x="{}" y="{}" text-anchor="end">{v}</text>"#,
                fmt1(left),
                fmt1(left + plot_w),
                fmt1(left - 4.0),
                fmt1(y + 3.5),
                y = fmt1(y)
            );
        }
        for (k, year) in site.years.iter().enumerate() {
            let x = left + k as f64 * slot;
            s.push_str(&year_bars(year, x, slot, bottom, plot_h, max_decade, site));
            let _ = write!(
                s,
                r#"<text class="tick" x="{}" y="{}" text-anchor="middle">{}</text>"#,
                fmt1(x + slot / 2.0),
                fmt1(bottom + 12.0),
                year.year
            );
        }
        let _ = write!(
            s,
            r#"<line class="axis" x1="{}" x2="{}" y1="{b}" y2="{b}"/><text class="axlabel" x="{}" y="{}" text-anchor="middle">year</text><text class="axlabel" transform="translate({} {}) rotate(-90)" text-anchor="middle">events</text>"#,
            fmt1(left),
            fmt1(left + plot_w),
            fmt1(left + plot_w / 2.0),
            fmt1(bottom + 25.0),
            fmt1(x0 + 10.0),
            fmt1(top + plot_h / 2.0),
            b = fmt1(bottom)
        );
    }
    s.push_str("</svg>");
    s
}

/// One year's bars (outer radius widest and lightest behind, inner ones in front), or the
/// "no data" hatch; a partial year gets an asterisk.
fn year_bars(
    year: &SiteYear,
    x: f64,
    slot: f64,
    bottom: f64,
    plot_h: f64,
    max_decade: u32,
    site: &SiteYears,
) -> String {
    let mut s = String::new();
    if year.coverage == "not covered" {
        let _ = write!(
            s,
            r#"<rect x="{}" y="{}" width="{}" height="{}" fill="url(#hatch-since)"><title>{} {}: not covered (no event data for the site's country)</title></rect><text class="nodata" x="{}" y="{}" text-anchor="middle">no data</text>"#,
            fmt1(x + slot * 0.08),
            fmt1(bottom - plot_h),
            fmt1(slot * 0.84),
            fmt1(plot_h),
            escape(&site.site_name),
            year.year,
            fmt1(x + slot / 2.0),
            fmt1(bottom - plot_h / 2.0),
        );
        return s;
    }
    let n = year.within.len();
    for (j, r) in year.within.iter().enumerate().rev() {
        let Some(events) = r.events else { continue };
        if events == 0 {
            continue;
        }
        // Outermost radius (j = n − 1) widest.
        let width = slot * (0.4 + 0.4 * (j + 1) as f64 / n as f64);
        let bh = scale(events, max_decade) * plot_h;
        let colour = radius_colour(j);
        let _ = write!(
            s,
            r#"<rect x="{}" y="{}" width="{}" height="{}" fill="{colour}"><title>{} {}: {events} events within {} km</title></rect>"#,
            fmt1(x + (slot - width) / 2.0),
            fmt1(bottom - bh),
            fmt1(width),
            fmt1(bh),
            escape(&site.site_name),
            year.year,
            r.radius_km
        );
    }
    if year.coverage == "partial" {
        let outer = year.within.last().and_then(|r| r.events).unwrap_or(0);
        let _ = write!(
            s,
            r#"<text class="partial" x="{}" y="{}" text-anchor="middle">*</text>"#,
            fmt1(x + slot / 2.0),
            fmt1(bottom - scale(outer, max_decade) * plot_h - 2.0)
        );
    }
    s
}

fn legend(result: &SiteYearsResult) -> String {
    let radii = &result.request.radii_km;
    let mut s = String::from(r#"<div class="legend"><div class="lg"><h4>Events within</h4><ul>"#);
    for (j, r) in radii.iter().enumerate() {
        let colour = radius_colour(j);
        let _ = write!(
            s,
            r#"<li><span class="sw edge" style="background:{colour}"></span>{r} km</li>"#
        );
    }
    s.push_str("</ul></div>");
    let _ = write!(
        s,
        r#"<div class="lg"><h4>Reading the panels</h4><p class="small">Bars are nested (the {r0} km count is part of the {r1} km count, which is part of the {r2} km count), on a log scale (0, 1, 10, 100, …) that is the same in every panel. {} no data: the site's country has no event data for that year (not 0). * partial: a country within the largest radius has no data for that year; the counts are those of the data held.</p></div></div>"#,
        hatch_swatch("hatch-legend-since"),
        r0 = radii.first().copied().unwrap_or_default(),
        r1 = radii.get(1).copied().unwrap_or_default(),
        r2 = radii.last().copied().unwrap_or_default(),
    );
    s
}

fn counts_text(year: &SiteYear) -> (String, String, String) {
    let join = |f: &dyn Fn(&orewatch_core::assess::site_years::RadiusCount) -> Option<u64>| {
        year.within
            .iter()
            .map(|r| f(r).map_or("–".to_string(), |n| n.to_string()))
            .collect::<Vec<_>>()
            .join(" / ")
    };
    let events = join(&|r| r.events);
    let deaths = join(&|r| r.deaths);
    let nearest = year
        .nearest_km
        .map(|d| format!("{d:.0} km"))
        .unwrap_or_else(|| "none that year".to_string());
    (events, deaths, nearest)
}

fn table(result: &SiteYearsResult) -> String {
    let req = &result.request;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<table class="xtab since-tab"><thead><tr><th>Site</th>"#
    );
    for y in req.first_year..=req.last_year {
        let _ = write!(s, r#"<th class="num">{y}</th>"#);
    }
    s.push_str("</tr></thead><tbody>");
    for site in &result.sites {
        let _ = write!(
            s,
            "<tr><td>{}<br><span class=\"small\">{}</span></td>",
            escape(&site_label(site)),
            escape(&site.commodities.join(", "))
        );
        for year in &site.years {
            if year.coverage == "not covered" {
                s.push_str(r#"<td class="num nc">not covered</td>"#);
                continue;
            }
            let (events, deaths, nearest) = counts_text(year);
            let mark = if year.coverage == "partial" {
                format!(
                    r#" <span class="partial" title="no data for {} that year">*</span>"#,
                    escape(&year.uncovered_countries.join(", "))
                )
            } else {
                String::new()
            };
            let _ = write!(
                s,
                r#"<td class="num">{events}{mark}<br><span class="d">{deaths}</span><br><span class="n">{nearest}</span></td>"#
            );
        }
        s.push_str("</tr>");
    }
    s.push_str("</tbody></table>");
    s
}

fn caption(result: &SiteYearsResult) -> String {
    let req = &result.request;
    let mut s = format!(
        r#"<p class="caption">Each cell: events within {radii} (first line), deaths within {radii} (second line), the distance to the nearest event of the year anywhere (third line). “not covered”: no event data for the site's country that year, so nothing can be said (never 0). * partial: a country within the radius has no data for that year; the counts are those of the data held. Coverage: "#,
        radii = radii_text(&req.radii_km)
    );
    if result.provenance.warnings.is_empty() {
        s.push_str("every site-year is covered.");
    } else {
        let _ = write!(s, "{}.", escape(&result.provenance.warnings.join("; ")));
    }
    if let Some(cmd) = &result.provenance.command {
        let _ = write!(s, " Same numbers: <code>{}</code>.", escape(cmd));
    }
    s.push_str("</p>");
    s
}

/// CSS for the section.
pub const SINCE_CSS: &str = "\
svg.since-chart{display:block;max-width:100%;height:auto}\
.since-chart .grid{stroke:#e6e6e6;stroke-width:1}.since-chart .axis{stroke:#555;stroke-width:1}\
.since-chart .tick{font-size:9.5px;fill:#333}.since-chart .axlabel{font-size:9.5px;fill:#555}\
.since-chart .ptitle{font-size:12px;font-weight:600;fill:#111}.since-chart .ptitle.arrived{fill:#b30000}\
.since-chart .nodata{font-size:8.5px;fill:#333}.since-chart .partial{font-size:13px;font-weight:700;fill:#333}\
.arrival{font-size:15px;margin:6px 0 8px}\
table.since-tab td{font-size:11.5px;line-height:1.3}\
.since-tab td.nc{color:#777;font-style:italic}\
.since-tab .d{color:#b30000}.since-tab .n{color:#555}";
