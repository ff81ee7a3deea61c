//! The yearly chart: UCDP GED events (bars, left axis) and deaths (best estimate; line, right
//! axis) per calendar year, one small multiple per country (Mali, Burkina Faso, Niger), all
//! three on the same scales so that they compare at a glance. Years a country's event data do
//! not cover entirely (from the store's coverage table) are hatched "no data", never drawn as 0.
//!
//! Answers "how has organised violence grown, and where?". Units: events are counts of GED
//! events (by `date_start` year and the event's `country`); deaths are the sum of
//! `fatalities_best`. Only UCDP GED events are counted (ACLED counts differ by design and are
//! never mixed in).

use std::fmt::Write;

use orewatch_core::model::{Dataset, EventSource};

use crate::svg::{escape, fmt1};
use chrono::Datelike;

/// The countries of the chart, as UCDP GED names them.
pub const CHART_COUNTRIES: [&str; 3] = ["Mali", "Burkina Faso", "Niger"];

const WIDTH: f64 = 1100.0;
const PANEL_H: f64 = 175.0;
const LEFT: f64 = 58.0;
const RIGHT: f64 = 66.0;
const TOP: f64 = 26.0;
const BOTTOM: f64 = 26.0;
const BAR_COLOUR: &str = "#56B4E9";
const BAR_TEXT: &str = "#1f6fa3";
const LINE_COLOUR: &str = "#D55E00";

/// One country-year: GED events and their deaths (best estimate).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct YearCount {
    pub year: i32,
    pub events: u32,
    pub fatalities_best: u64,
}

/// Events and deaths per year of `country` (GED name), for every year of
/// `first_year..=last_year` (years without events are zero).
pub fn yearly_counts(
    dataset: &Dataset,
    country: &str,
    first_year: i32,
    last_year: i32,
) -> Vec<YearCount> {
    let mut out: Vec<YearCount> = (first_year..=last_year)
        .map(|year| YearCount {
            year,
            ..YearCount::default()
        })
        .collect();
    for e in dataset
        .events
        .iter()
        .filter(|e| e.source == EventSource::UcdpGed && e.country == country)
    {
        let year = e.date_start.year();
        if let Some(slot) = usize::try_from(year - first_year)
            .ok()
            .and_then(|i| out.get_mut(i))
        {
            slot.events += 1;
            slot.fatalities_best += u64::from(e.fatalities_best);
        }
    }
    out
}

/// A round axis maximum and step (1, 2 or 5 × 10ⁿ) with about four steps covering `max`.
pub fn nice_axis(max: f64) -> (f64, f64) {
    if max <= 0.0 {
        return (1.0, 1.0);
    }
    let raw = max / 4.0;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude)
        .max(1.0);
    ((max / step).ceil() * step, step)
}

fn thousands(v: f64) -> String {
    let n = v.round() as i64;
    let s = n.abs().to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

/// Draws the three panels as one `<svg>`. Years run from `first_year` to `last_year`
/// inclusive (the event sources' coverage). `covered[i]` gives the first and last years the
/// event data cover entirely for `CHART_COUNTRIES[i]` (None: none): other years are hatched
/// "no data" and carry no bar or point, never a 0.
pub fn render_chart(
    dataset: &Dataset,
    first_year: i32,
    last_year: i32,
    covered: &[Option<(i32, i32)>],
) -> String {
    let (first_year, last_year) = (first_year.min(last_year), first_year.max(last_year));
    let is_covered = |p: usize, year: i32| {
        covered
            .get(p)
            .copied()
            .flatten()
            .is_some_and(|(a, b)| a <= year && year <= b)
    };
    let panels: Vec<(&str, Vec<YearCount>)> = CHART_COUNTRIES
        .iter()
        .enumerate()
        .map(|(p, c)| {
            let mut counts = yearly_counts(dataset, c, first_year, last_year);
            counts.retain(|y| is_covered(p, y.year));
            (*c, counts)
        })
        .collect();
    let max_events = panels
        .iter()
        .flat_map(|(_, v)| v.iter().map(|y| y.events))
        .max()
        .unwrap_or(0);
    let max_deaths = panels
        .iter()
        .flat_map(|(_, v)| v.iter().map(|y| y.fatalities_best))
        .max()
        .unwrap_or(0);
    let (ev_max, ev_step) = nice_axis(f64::from(max_events));
    let (de_max, de_step) = nice_axis(max_deaths as f64);

    let height = PANEL_H * panels.len() as f64 + 8.0;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="UCDP GED events and deaths per year in Mali, Burkina Faso and Niger">"#,
        w = fmt1(WIDTH),
        h = fmt1(height)
    );
    let _ = write!(
        s,
        "<defs>{}</defs>",
        crate::map::hatch_pattern("hatch-chart")
    );
    let n_years = (last_year - first_year + 1) as f64;
    let plot_w = WIDTH - LEFT - RIGHT;
    let slot = plot_w / n_years;
    for (p, (country, counts)) in panels.iter().enumerate() {
        let top = p as f64 * PANEL_H + TOP;
        let plot_h = PANEL_H - TOP - BOTTOM;
        let bottom = top + plot_h;
        let shown = (
            counts.first().map_or(first_year, |c| c.year),
            counts.last().map_or(last_year, |c| c.year),
        );
        let total_events: u32 = counts.iter().map(|c| c.events).sum();
        let total_deaths: u64 = counts.iter().map(|c| c.fatalities_best).sum();
        let _ = write!(
            s,
            r#"<text class="ptitle" x="{}" y="{}">{} <tspan class="psub">{} events, {} deaths (best estimate), {}–{}</tspan></text>"#,
            fmt1(LEFT),
            fmt1(top - 9.0),
            escape(country),
            thousands(f64::from(total_events)),
            thousands(total_deaths as f64),
            shown.0,
            shown.1
        );
        // Years without data: hatched, labelled once per run of years.
        let mut year = first_year;
        while year <= last_year {
            if is_covered(p, year) {
                year += 1;
                continue;
            }
            let run_start = year;
            while year <= last_year && !is_covered(p, year) {
                year += 1;
            }
            let (i0, i1) = ((run_start - first_year) as f64, (year - first_year) as f64);
            let _ = write!(
                s,
                r#"<rect x="{}" y="{}" width="{}" height="{}" fill="url(#hatch-chart)"><title>{}: no event data {}–{}</title></rect><text class="nodata" x="{}" y="{}" text-anchor="middle">no data</text>"#,
                fmt1(LEFT + i0 * slot),
                fmt1(top),
                fmt1((i1 - i0) * slot),
                fmt1(plot_h),
                escape(country),
                run_start,
                year - 1,
                fmt1(LEFT + (i0 + i1) / 2.0 * slot),
                fmt1(top + plot_h / 2.0)
            );
        }
        // Grid and left axis (events).
        let mut v = 0.0;
        while v <= ev_max + 1e-9 {
            let y = bottom - v / ev_max * plot_h;
            let _ = write!(
                s,
                r#"<line class="grid" x1="{}" x2="{}" y1="{y}" y2="{y}"/><text class="tick" x="{}" y="{}" text-anchor="end" fill="{BAR_TEXT}">{}</text>"#,
                fmt1(LEFT),
                fmt1(WIDTH - RIGHT),
                fmt1(LEFT - 6.0),
                fmt1(y + 4.0),
                thousands(v),
                y = fmt1(y)
            );
            v += ev_step;
        }
        // Right axis (deaths), at the same fractions when the step counts match, else its own.
        let mut v = 0.0;
        while v <= de_max + 1e-9 {
            let y = bottom - v / de_max * plot_h;
            let _ = write!(
                s,
                r#"<line class="tickmark" x1="{}" x2="{}" y1="{y}" y2="{y}"/><text class="tick" x="{}" y="{}" fill="{LINE_COLOUR}">{}</text>"#,
                fmt1(WIDTH - RIGHT),
                fmt1(WIDTH - RIGHT + 4.0),
                fmt1(WIDTH - RIGHT + 7.0),
                fmt1(y + 4.0),
                thousands(v),
                y = fmt1(y)
            );
            v += de_step;
        }
        // Bars.
        for c in counts.iter() {
            if c.events == 0 {
                continue;
            }
            let i = c.year - first_year;
            let bh = f64::from(c.events) / ev_max * plot_h;
            let x = LEFT + f64::from(i) * slot + slot * 0.15;
            let _ = write!(
                s,
                r#"<rect x="{}" y="{}" width="{}" height="{}" fill="{BAR_COLOUR}"><title>{} {}: {} events, {} deaths</title></rect>"#,
                fmt1(x),
                fmt1(bottom - bh),
                fmt1(slot * 0.7),
                fmt1(bh),
                escape(country),
                c.year,
                c.events,
                c.fatalities_best
            );
        }
        // Line with markers.
        let points: Vec<(f64, f64)> = counts
            .iter()
            .map(|c| {
                (
                    LEFT + (f64::from(c.year - first_year) + 0.5) * slot,
                    bottom - c.fatalities_best as f64 / de_max * plot_h,
                )
            })
            .collect();
        let mut d = String::new();
        for (i, (x, y)) in points.iter().enumerate() {
            let _ = write!(
                d,
                "{}{} {}",
                if i == 0 { "M" } else { "L" },
                fmt1(*x),
                fmt1(*y)
            );
        }
        let _ = write!(
            s,
            r#"<path class="deaths" d="{d}" stroke="{LINE_COLOUR}"/>"#
        );
        for (x, y) in &points {
            let _ = write!(
                s,
                r#"<circle cx="{}" cy="{}" r="2.2" fill="{LINE_COLOUR}"/>"#,
                fmt1(*x),
                fmt1(*y)
            );
        }
        // Baseline and year labels (every 5 years, and the last).
        let _ = write!(
            s,
            r#"<line class="axis" x1="{}" x2="{}" y1="{y}" y2="{y}"/>"#,
            fmt1(LEFT),
            fmt1(WIDTH - RIGHT),
            y = fmt1(bottom)
        );
        for year in first_year..=last_year {
            if year % 5 == 0 || year == last_year || year == first_year {
                let _ = write!(
                    s,
                    r#"<text class="tick" x="{}" y="{}" text-anchor="middle">{}</text>"#,
                    fmt1(LEFT + (f64::from(year - first_year) + 0.5) * slot),
                    fmt1(bottom + 15.0),
                    year
                );
            }
        }
        let _ = write!(
            s,
            r#"<text class="axlabel" transform="translate({} {}) rotate(-90)" text-anchor="middle" fill="{BAR_TEXT}">events</text><text class="axlabel" transform="translate({} {}) rotate(90)" text-anchor="middle" fill="{LINE_COLOUR}">deaths</text>"#,
            fmt1(14.0),
            fmt1(top + plot_h / 2.0),
            fmt1(WIDTH - 10.0),
            fmt1(top + plot_h / 2.0)
        );
    }
    s.push_str("</svg>");
    s
}

/// The chart's CSS.
pub const CHART_CSS: &str = "\
svg.chart{display:block;max-width:100%;height:auto}\
.chart .grid{stroke:#e3e3e3;stroke-width:1}.chart .axis{stroke:#555;stroke-width:1}\
.chart .tickmark{stroke:#D55E00;stroke-width:1}\
.chart .tick{font-size:11px}.chart .axlabel{font-size:11px}\
.chart .ptitle{font-size:14px;font-weight:600;fill:#111}.chart .psub{font-size:12px;font-weight:400;fill:#555}\
.chart .deaths{fill:none;stroke-width:1.8;stroke-linejoin:round}\
.chart .nodata{font-size:11px;fill:#333}";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_axis_rounds_up() {
        assert_eq!(nice_axis(0.0), (1.0, 1.0));
        assert_eq!(nice_axis(7.0), (8.0, 2.0));
        assert_eq!(nice_axis(130.0), (150.0, 50.0));
        assert_eq!(nice_axis(1841.0), (2000.0, 500.0));
    }

    #[test]
    fn thousands_separates() {
        assert_eq!(thousands(0.0), "0");
        assert_eq!(thousands(1234567.0), "1,234,567");
        assert_eq!(thousands(999.0), "999");
    }
}
