//! The brief's Exposure section: which mine sites of Mali and its neighbours sit amid armed
//! violence, how much, how recent, by whom, and whether it is rising.
//!
//! Runs `orewatch_core::analysis::exposure` with the defaults of `orewatch exposure` (UCDP
//! GED, as of the end of its stated coverage, 365-day window, radii 25/50/100 km, half-life
//! 90 days, uniform kernel, fatality weights) on the mines the main map shows (hand-tabulated
//! mines and USGS mines/quarries of Mali and its neighbours), and draws:
//! - a map of those sites coloured by their 100 km exposure index, with the window's events
//!   within 100 km of any of them (area ∝ deaths, coloured by type of violence);
//! - the ten most exposed sites: events at 25/50/100 km, deaths, index, the trend against the
//!   previous window (counts, ratio, exact binomial p), the radius at which each first meets
//!   violence and the most active actor;
//! - a note on what the shipped data can and cannot show (computed, not written in advance).
//!
//! Units: km, days, deaths (best estimate); the index is in weighted deaths.

use std::fmt::Write;

use orewatch_core::analysis::coverage::{CountryReach, EventCoverage};
use orewatch_core::analysis::events::EventFilter;
use orewatch_core::analysis::exposure::{
    assess_with_coverage, CoverageCheck, ExposureParams, ExposureReport, ExposureRow,
};
use orewatch_core::model::{EventSource, Site, SiteKind};

use crate::map::{
    event_circles, is_mapped_kind, place_labels, short_name, start_map, MALI_ISO3, MALI_NEIGHBOURS,
};
use crate::svg::{escape, fmt1};
use crate::BriefInput;

/// Exposure-index classes (upper bounds, weighted deaths) and their colours (ColorBrewer
/// YlOrRd, 5 classes); an index of 0 is grey.
const INDEX_CLASSES: [(f64, &str, &str); 5] = [
    (1.0, "#ffffb2", "0 – 1"),
    (10.0, "#fecc5c", "1 – 10"),
    (100.0, "#fd8d3c", "10 – 100"),
    (1000.0, "#f03b20", "100 – 1,000"),
    (f64::INFINITY, "#bd0026", "over 1,000"),
];
const ZERO_COLOUR: &str = "#c8c8c8";
const TOP_ROWS: usize = 10;

fn index_colour(index: f64) -> &'static str {
    if index <= 0.0 {
        return ZERO_COLOUR;
    }
    INDEX_CLASSES
        .iter()
        .find(|(upper, _, _)| index <= *upper)
        .map(|(_, c, _)| *c)
        .unwrap_or(ZERO_COLOUR)
}

/// The sites the section assesses: the main map's mines in Mali and its neighbours, and every
/// hand-tabulated mine (with or without coordinates).
fn brief_sites(sites: &[Site]) -> Vec<&Site> {
    sites
        .iter()
        .filter(|s| is_mapped_kind(s))
        .filter(|s| {
            s.kind == SiteKind::Tabulated
                || s.country_iso3
                    .as_deref()
                    .is_some_and(|c| c == MALI_ISO3 || MALI_NEIGHBOURS.contains(&c))
        })
        .collect()
}

fn rows_at(report: &ExposureReport, radius_km: f64) -> Vec<&ExposureRow> {
    report
        .rows
        .iter()
        .filter(|r| r.assessed && r.radius_km == radius_km)
        .collect()
}

fn row_of<'a>(
    report: &'a ExposureReport,
    site_id: &str,
    radius_km: f64,
) -> Option<&'a ExposureRow> {
    report
        .rows
        .iter()
        .find(|r| r.site_id == site_id && r.radius_km == radius_km)
}

/// The `n` assessed sites with the highest 100 km exposure index over the section's window
/// (index > 0 only), most exposed first: (name, lat, lon).
pub(crate) fn most_exposed_sites(input: &BriefInput, n: usize) -> Vec<(String, f64, f64)> {
    let Some(coverage) = crate::ged_coverage(input) else {
        return Vec::new();
    };
    let sites = brief_sites(&input.dataset.sites);
    let params = ExposureParams::new(EventFilter::all(EventSource::UcdpGed), coverage.end);
    let outer = *params.radii_km.last().unwrap_or(&100.0);
    let table = EventCoverage::from_sources(input.sources);
    let check = CoverageCheck {
        table: &table,
        reach: CountryReach::new(&input.dataset.regions),
    };
    let Ok(report) = assess_with_coverage(&sites, &input.dataset.events, params, &check) else {
        return Vec::new();
    };
    let mut rows: Vec<&ExposureRow> = rows_at(&report, outer)
        .into_iter()
        .filter(|r| r.exposure_index > 0.0 && r.lat.is_some() && r.lon.is_some())
        .collect();
    rows.sort_by(|a, b| {
        b.exposure_index
            .total_cmp(&a.exposure_index)
            .then(a.site_id.cmp(&b.site_id))
    });
    rows.into_iter()
        .take(n)
        .filter_map(|r| Some((r.site_name.clone(), r.lat?, r.lon?)))
        .collect()
}

/// The whole section.
pub fn exposure_section(input: &BriefInput) -> String {
    let mut s = String::from(r#"<section><h2>Exposure: armed violence around the mines</h2>"#);
    let dataset = input.dataset;
    let Some(coverage) = crate::ged_coverage(input) else {
        s.push_str(
            "<p>No UCDP GED events were ingested: exposure cannot be assessed.</p></section>",
        );
        return s;
    };
    let sites = brief_sites(&dataset.sites);
    let params = ExposureParams::new(EventFilter::all(EventSource::UcdpGed), coverage.end);
    let table = EventCoverage::from_sources(input.sources);
    let check = CoverageCheck {
        table: &table,
        reach: CountryReach::new(&dataset.regions),
    };
    let report = match assess_with_coverage(&sites, &dataset.events, params.clone(), &check) {
        Ok(r) => r,
        Err(e) => {
            let _ = write!(
                s,
                "<p>Exposure could not be computed: {}</p></section>",
                escape(&e.to_string())
            );
            return s;
        }
    };
    let mut whole = params.clone();
    whole.window_days = None;
    let whole_period = assess_with_coverage(&sites, &dataset.events, whole, &check).ok();
    let window_start = params
        .window_start()
        .map(|d| d.to_string())
        .unwrap_or_default();
    let outer = *params.radii_km.last().unwrap_or(&100.0);

    let _ = write!(
        s,
        r#"<p class="lede">{} mine sites of Mali and its neighbours, against UCDP GED events from {} to {} (the last 365 days of the data's stated coverage){}. A site is exposed at radius R when an event lies within R km (great-circle). The exposure index sums, over those events, max(1, deaths) × 0.5<sup>age in days / 90</sup>: recent and deadly violence weighs most.</p>"#,
        sites.len(),
        escape(&window_start),
        coverage.end,
        not_covered_text(&report, outer)
    );
    s.push_str(&exposure_map(input, &report, outer));
    s.push_str(&top_table(&report));
    if let Some(whole) = &whole_period {
        s.push_str(&reader_note(
            &report,
            whole,
            &dataset.events,
            &coverage.start.to_string(),
            &coverage.end.to_string(),
            &crate::vintage::end_dates_sentence(&crate::vintage::country_vintages(input)),
        ));
    }
    s.push_str("</section>");
    s
}

/// The sites of the window without data for their own country: never counted as 0.
fn not_covered_rows(report: &ExposureReport, radius_km: f64) -> Vec<&ExposureRow> {
    report
        .rows
        .iter()
        .filter(|r| r.coverage == "not covered" && r.radius_km == radius_km)
        .collect()
}

fn not_covered_text(report: &ExposureReport, outer_km: f64) -> String {
    let rows = not_covered_rows(report, outer_km);
    if rows.is_empty() {
        return String::new();
    }
    let mut countries: Vec<&str> = rows
        .iter()
        .flat_map(|r| r.uncovered_countries.iter().map(String::as_str))
        .collect();
    countries.sort();
    countries.dedup();
    format!(
        "; {} of them are not covered (no event data for {} in the window: no numbers, never 0)",
        rows.len(),
        escape(&countries.join(", "))
    )
}

fn exposure_map(input: &BriefInput, report: &ExposureReport, outer_km: f64) -> String {
    let dataset = input.dataset;
    let (frame, proj, mut svg) = start_map(
        dataset,
        "exposure",
        "Mine sites of Mali and its neighbours coloured by exposure to armed violence, with the events near them",
    );
    let (w, h) = (proj.width_px, proj.height_px);
    let vintages = crate::vintage::country_vintages(input);
    let stale: Vec<&str> = crate::vintage::stale_countries(&vintages)
        .iter()
        .map(|v| v.iso3.as_str())
        .collect();
    svg.push_str(&crate::map::hatch_countries(
        dataset, &proj, "exposure", &stale,
    ));
    // Events of the window within the outer radius of any assessed site.
    let outer_rows = rows_at(report, outer_km);
    let site_points: Vec<(f64, f64)> = outer_rows
        .iter()
        .filter_map(|r| Some((r.lat?, r.lon?)))
        .collect();
    let (slat, slon): (Vec<f64>, Vec<f64>) = site_points.iter().copied().unzip();
    let index = orewatch_core::spatial::CapIndex::new(&slat, &slon, outer_km).ok();
    let start = report.params.window_start();
    let mut events: Vec<&orewatch_core::model::Event> = dataset
        .events
        .iter()
        .filter(|e| report.params.filter.accepts(e))
        .filter(|e| e.date_start <= report.params.as_of && start.is_none_or(|s| e.date_start >= s))
        .filter(|e| {
            let mut near = false;
            if let Some(index) = &index {
                index.for_each_site_near(e.lat, e.lon, |_| near = true);
            }
            near
        })
        .collect();
    svg.push_str(&event_circles(&mut events, &proj));
    svg.push_str("</g>");
    // Sites, least exposed first so the exposed ones are on top.
    let mut drawn: Vec<&&ExposureRow> = outer_rows.iter().filter(|r| r.lat.is_some()).collect();
    drawn.sort_by(|a, b| {
        a.exposure_index
            .total_cmp(&b.exposure_index)
            .then(a.site_id.cmp(&b.site_id))
    });
    svg.push_str(r#"<g class="xsites">"#);
    let mut labels = Vec::new();
    for row in &drawn {
        let (Some(lat), Some(lon)) = (row.lat, row.lon) else {
            continue;
        };
        if !frame.contains(lon, lat) {
            continue;
        }
        let (x, y) = proj.project(lon, lat);
        let _ = write!(
            svg,
            r#"<circle cx="{}" cy="{}" r="{}" fill="{}"><title>{} — {} events within {} km, index {:.1}</title></circle>"#,
            fmt1(x),
            fmt1(y),
            if row.exposure_index > 0.0 {
                "5.5"
            } else {
                "3.5"
            },
            index_colour(row.exposure_index),
            escape(&row.site_name),
            row.events,
            outer_km,
            row.exposure_index
        );
    }
    for row in not_covered_rows(report, outer_km) {
        let (Some(lat), Some(lon)) = (row.lat, row.lon) else {
            continue;
        };
        if frame.contains(lon, lat) {
            let (x, y) = proj.project(lon, lat);
            let _ = write!(
                svg,
                r#"<circle class="nc" cx="{}" cy="{}" r="4.5"><title>{} — not covered: no event data for {} in the window</title></circle>"#,
                fmt1(x),
                fmt1(y),
                escape(&row.site_name),
                escape(&row.uncovered_countries.join(", "))
            );
        }
    }
    let mut ranked: Vec<&&ExposureRow> = drawn
        .iter()
        .copied()
        .filter(|r| r.exposure_index > 0.0)
        .collect();
    ranked.sort_by(|a, b| {
        b.exposure_index
            .total_cmp(&a.exposure_index)
            .then(a.site_id.cmp(&b.site_id))
    });
    for row in ranked.iter().take(6) {
        let (Some(lat), Some(lon)) = (row.lat, row.lon) else {
            continue;
        };
        if frame.contains(lon, lat) {
            let (x, y) = proj.project(lon, lat);
            labels.push((x, y, short_name(&row.site_name)));
        }
    }
    svg.push_str("</g>");
    svg.push_str(&place_labels(&labels, w, h));
    let _ = write!(
        svg,
        r#"<rect class="border" width="{}" height="{}"/></svg>"#,
        fmt1(w),
        fmt1(h)
    );

    let mut s = String::from(r#"<div class="figure">"#);
    s.push_str(&svg);
    s.push_str("</div>");
    s.push_str(r#"<div class="legend"><div class="lg"><h4>Site: exposure index within "#);
    let _ = write!(s, "{outer_km} km</h4><ul>");
    let _ = write!(
        s,
        r#"<li><span class="sw edge" style="background:{ZERO_COLOUR}"></span>0 (no event in the window)</li>"#
    );
    for (_, colour, label) in INDEX_CLASSES {
        let _ = write!(
            s,
            r#"<li><span class="sw edge" style="background:{colour}"></span>{label}</li>"#
        );
    }
    if !not_covered_rows(report, outer_km).is_empty() {
        s.push_str(r#"<li><span class="sw edge nc"></span>not covered: no event data for the site's country in the window</li>"#);
    }
    if !stale.is_empty() {
        let _ = write!(
            s,
            "<li>{} event data end earlier (see the banner)</li>",
            crate::map::hatch_swatch("hatch-legend-exposure")
        );
    }
    let _ = write!(
        s,
        r#"</ul></div><div class="lg"><h4>Events shown</h4><p class="small">{} UCDP GED events of the window within {} km of an assessed site, coloured by type of violence as on the map above, circle area ∝ deaths. Labels: the most exposed sites.</p></div></div>"#,
        events.len(),
        outer_km
    );
    s
}

fn top_table(report: &ExposureReport) -> String {
    let radii = &report.params.radii_km;
    let outer = *radii.last().unwrap_or(&100.0);
    let mut top: Vec<&ExposureRow> = rows_at(report, outer)
        .into_iter()
        .filter(|r| r.events > 0)
        .collect();
    top.sort_by(|a, b| {
        b.exposure_index
            .total_cmp(&a.exposure_index)
            .then(a.site_id.cmp(&b.site_id))
    });
    top.truncate(TOP_ROWS);
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<h3>The most exposed sites (up to {TOP_ROWS}), ranked by the index within {outer} km</h3>"#
    );
    if top.is_empty() {
        let _ = write!(
            s,
            "<p>No assessed site has an event within {outer} km in the window.</p>"
        );
        return s;
    }
    s.push_str(r#"<table class="xtab"><thead><tr><th>Site</th><th>Country</th><th>Commodity</th>"#);
    for r in radii {
        let _ = write!(s, r#"<th class="num">Events ≤{r} km</th>"#);
    }
    let _ = write!(
        s,
        r#"<th class="num">Deaths ≤{outer} km</th><th class="num">Index</th><th>Trend vs previous 365 days</th><th>First meets violence at</th><th>Most active actor (side, last seen)</th></tr></thead><tbody>"#
    );
    for row in &top {
        let _ = write!(
            s,
            "<tr><td>{}</td><td>{}</td><td>{}</td>",
            escape(&row.site_name),
            escape(row.country_iso3.as_deref().unwrap_or("")),
            escape(&row.commodities.join(", "))
        );
        let mut first = None;
        for &r in radii {
            let n = row_of(report, &row.site_id, r)
                .map(|x| x.events)
                .unwrap_or(0);
            if n > 0 && first.is_none() {
                first = Some(r);
            }
            let _ = write!(s, r#"<td class="num">{n}</td>"#);
        }
        let trend = row
            .trend
            .as_ref()
            .map(|t| {
                let ratio = t.ratio.map(|r| format!(", ×{r:.1}")).unwrap_or_default();
                let p = t
                    .p_value
                    .map(|p| format!(", p {}", p_text(p)))
                    .unwrap_or_default();
                format!(
                    "{} ({} vs {}{ratio}{p})",
                    t.label, t.events, t.previous_events
                )
            })
            .unwrap_or_default();
        let first_text = match (first, &row.nearest_in_window) {
            (Some(r), Some(n)) => format!("{r} km (nearest {:.0} km)", n.distance_km),
            (Some(r), None) => format!("{r} km"),
            _ => String::new(),
        };
        let actor = row
            .top_actors_by_events
            .first()
            .map(|a| format!("{} ({}, {})", a.name, a.side, a.last_seen))
            .unwrap_or_default();
        let _ = write!(
            s,
            r#"<td class="num">{}</td><td class="num">{:.1}</td><td>{}</td><td>{}</td><td>{}</td></tr>"#,
            row.fatalities_best,
            row.exposure_index,
            escape(&trend),
            escape(&first_text),
            escape(&actor)
        );
    }
    s.push_str("</tbody></table>");
    s.push_str(r#"<p class="caption">Trend: events in the window against the 365 days before, with the exact two-sided binomial p-value of the split given the total (p = 0.5: no change); with so few events most trends are not distinguishable from chance. Sides: a = GED side A (a government in state-based violence), b = side B.</p>"#);
    s
}

/// A p-value as text: "< 0.001" below a thousandth, else three decimals.
fn p_text(p: f64) -> String {
    if p < 0.001 {
        "< 0.001".to_string()
    } else {
        format!("= {p:.3}")
    }
}

/// What the shipped data show for the located hand-tabulated Mali mines over the whole
/// period, at each radius, and what more recent data would add.
fn reader_note(
    report: &ExposureReport,
    whole: &ExposureReport,
    events: &[orewatch_core::model::Event],
    start: &str,
    end: &str,
    vintage: &str,
) -> String {
    let radii = &whole.params.radii_km;
    let mali_mines: Vec<&ExposureRow> = whole
        .rows
        .iter()
        .filter(|r| {
            r.assessed && r.site_kind == "tabulated" && r.country_iso3.as_deref() == Some(MALI_ISO3)
        })
        .filter(|r| r.radius_km == radii[0])
        .collect();
    let located = mali_mines.len();
    let mut per_radius = Vec::new();
    for &r in radii {
        let n = whole
            .rows
            .iter()
            .filter(|x| {
                x.assessed
                    && x.site_kind == "tabulated"
                    && x.country_iso3.as_deref() == Some(MALI_ISO3)
                    && x.radius_km == r
                    && x.events > 0
            })
            .count();
        per_radius.push(format!("{n} within {r} km"));
    }
    let nearest = mali_mines
        .iter()
        .filter_map(|r| {
            r.nearest_ever
                .as_ref()
                .map(|n| (n.distance_km, r.site_name.as_str()))
        })
        .min_by(|a, b| a.0.total_cmp(&b.0));
    let outer = *radii.last().unwrap_or(&100.0);
    let exposed_now = rows_at(report, outer)
        .iter()
        .filter(|r| r.events > 0)
        .count();
    let mut s = String::from(r#"<div class="note"><h4>Reading these numbers</h4><p>"#);
    let _ = write!(
        s,
        "Of the {located} located hand-tabulated Mali mines, over the whole shipped GED period ({start} to {end}) {}.",
        per_radius.join(", ")
    );
    if let Some((d, name)) = nearest {
        let _ = write!(
            s,
            " The closest any event ever came to one of them is {d:.0} km ({}).",
            escape(name)
        );
    }
    let _ = write!(
        s,
        " In the last year of the data, {exposed_now} of the {} assessed sites have an event within {outer} km",
        rows_at(report, outer).len()
    );
    if let Some((in_mali, near_mines)) = mali_events_near_mines(report, whole, events, outer) {
        let _ = write!(
            s,
            "; of the {in_mali} GED events UCDP places in Mali that year, {near_mines} lie within {outer} km of a located hand-tabulated Mali mine."
        );
    } else {
        s.push('.');
    }
    s.push_str(" The CAHRA screening below gives the regional picture.</p>");
    let _ = write!(
        s,
        "<p>What this cannot show: anything after a country's data end (the UCDP GED events {}). A site whose own country has no data for the window is marked not covered, never 0; one whose {outer} km reach a country without data is counted from the data held and marked partial (<code>orewatch exposure</code> names those countries).</p>",
        vintage
    );
    s.push_str("</div>");
    s
}

/// Window events placed in Mali by UCDP, and how many of them lie within `outer_km` of a
/// located hand-tabulated Mali mine.
fn mali_events_near_mines(
    report: &ExposureReport,
    whole: &ExposureReport,
    events: &[orewatch_core::model::Event],
    outer_km: f64,
) -> Option<(usize, usize)> {
    let mines: Vec<(f64, f64)> = whole
        .rows
        .iter()
        .filter(|r| r.site_kind == "tabulated" && r.country_iso3.as_deref() == Some(MALI_ISO3))
        .filter(|r| r.radius_km == outer_km)
        .filter_map(|r| Some((r.lat?, r.lon?)))
        .collect();
    let (lat, lon): (Vec<f64>, Vec<f64>) = mines.into_iter().unzip();
    let index = orewatch_core::spatial::CapIndex::new(&lat, &lon, outer_km).ok()?;
    let start = report.params.window_start();
    let in_mali: Vec<&orewatch_core::model::Event> = events
        .iter()
        .filter(|e| report.params.filter.accepts(e) && e.country == "Mali")
        .filter(|e| e.date_start <= report.params.as_of && start.is_none_or(|s| e.date_start >= s))
        .collect();
    let near = in_mali
        .iter()
        .filter(|e| {
            let mut hit = false;
            index.for_each_site_near(e.lat, e.lon, |_| hit = true);
            hit
        })
        .count();
    Some((in_mali.len(), near))
}

/// CSS for the section.
pub const EXPOSURE_CSS: &str = "\
.xsites circle{stroke:#222;stroke-width:0.8}.xsites circle.nc{fill:#fff;stroke-dasharray:2 1.5}.sw.nc{background:#fff;border-style:dashed}\
table.xtab{border-collapse:collapse;font-size:12.5px;width:100%;margin:6px 0}\
.xtab th,.xtab td{text-align:left;padding:3px 8px 3px 0;border-bottom:1px solid #ddd;vertical-align:top}\
.xtab th{font-size:12px;color:#333;border-bottom:2px solid #999}\
.xtab td.num,.xtab th.num{text-align:right}\
.note{border-left:4px solid #b35806;background:#fff8ee;padding:6px 12px;margin:12px 0;font-size:13.5px}\
.note p{margin:4px 0}";
