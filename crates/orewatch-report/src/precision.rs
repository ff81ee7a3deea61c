//! The brief's "Location precision" passage: which location precisions the brief counts, and
//! per country and year what share of the events and deaths a stricter filter (codes ≤ 2,
//! ≤ 3) would drop. Computed by `orewatch_core::analysis::precision::precision_table`; this
//! only renders it.
//!
//! Rows: the chart's countries (Mali, Burkina Faso, Niger), the last ten years of the UCDP GED
//! coverage. Shares are of the events and of the deaths (GED best estimates) the brief counts.

use std::fmt::Write;

use orewatch_core::analysis::admin::event_country_iso3;
use orewatch_core::analysis::precision::{precision_table, PrecisionRequest};
use orewatch_core::model::EventSource;

use crate::chart::CHART_COUNTRIES;
use crate::svg::escape;
use crate::BriefInput;

/// The stricter maximum codes measured.
const STRICTER: [u8; 2] = [2, 3];
/// Years shown, up to the last year of the coverage.
const YEARS: i32 = 10;

pub fn precision_section(input: &BriefInput) -> String {
    let mut s = String::from(r#"<section><h2>Location precision</h2>"#);
    let _ = write!(
        s,
        "<p>The brief counts {}. UCDP GED codes where each event took place: 1 the exact place, \
         2 within about 25 km, 3 the district, 4 the province, 6 only the country (5 and 7 \
         for the other cases of the UCDP GED codebook).</p>",
        escape(&input.precision.describe())
    );
    let Some(coverage) = crate::ged_coverage(input) else {
        s.push_str("<p>No UCDP GED events in the store.</p></section>");
        return s;
    };
    let last = chrono::Datelike::year(&coverage.end);
    let first = (last - YEARS + 1).max(chrono::Datelike::year(&coverage.start));
    let request = PrecisionRequest {
        source: EventSource::UcdpGed,
        counted: input.precision,
        stricter: STRICTER.to_vec(),
        countries: CHART_COUNTRIES
            .iter()
            .filter_map(|c| event_country_iso3(c).map(str::to_string))
            .collect(),
        first_year: Some(first),
        last_year: Some(last),
    };
    let table = match precision_table(&input.dataset.events, &request) {
        Ok(t) => t,
        Err(e) => {
            let _ = write!(
                s,
                "<p>Not computed: {}</p></section>",
                escape(&e.to_string())
            );
            return s;
        }
    };
    if table.stricter.is_empty() {
        s.push_str("<p>No stricter filter is measured: the brief already counts codes 1–2 at most.</p></section>");
        return s;
    }
    let codes: Vec<String> = table.stricter.iter().map(|c| format!("≤ {c}")).collect();
    let _ = write!(
        s,
        "<p>Share a stricter filter ({}) would drop, {}, {first}–{last}. Events without a code \
         (a file layout without the column) count as dropped, as the filter would drop them: \
         where all of a year's events lack one, the share says nothing about their precision. \
         A country-year without events is not listed.</p>",
        codes.join(", "),
        CHART_COUNTRIES.join(", ")
    );
    s.push_str(r#"<table class="sources"><tr><th>Country</th><th>Year</th><th class="num">Events</th><th class="num">Deaths</th><th class="num">Without a code</th>"#);
    for c in &table.stricter {
        let _ = write!(
            s,
            r#"<th class="num">≤ {c}: events dropped</th><th class="num">≤ {c}: deaths dropped</th>"#
        );
    }
    s.push_str("</tr>");
    for r in &table.rows {
        let _ = write!(
            s,
            r#"<tr><td>{}</td><td>{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td>"#,
            escape(&r.country),
            r.year,
            r.events,
            r.deaths,
            r.without_code
        );
        for d in &r.drops {
            let _ = write!(
                s,
                r#"<td class="num">{} ({})</td><td class="num">{}</td>"#,
                d.dropped_events,
                percent(d.share_events),
                match d.share_deaths {
                    Some(x) => format!("{} ({})", d.dropped_deaths, percent(x)),
                    None => "no deaths".into(),
                }
            );
        }
        s.push_str("</tr>");
    }
    s.push_str("</table></section>");
    s
}

/// A share as a whole percentage (one decimal below 1%).
fn percent(x: f64) -> String {
    let p = 100.0 * x;
    if p > 0.0 && p < 1.0 {
        format!("{p:.1}%")
    } else {
        format!("{p:.0}%")
    }
}
