//! The brief's CAHRA section: which admin-1 regions of Mali and its neighbours are
//! conflict-affected or high-risk areas in the latest year the event data fully cover, by the
//! explicit rules of `config/cahra.toml` (see `orewatch_core::analysis::cahra`), with the
//! rule that fired and its numbers for every listed region.

use std::collections::BTreeMap;
use std::fmt::Write;

use orewatch_core::analysis::cahra::{last_full_year, screen, CahraRules, RegionVerdict, Verdict};
use orewatch_core::analysis::events::EventFilter;
use orewatch_core::model::EventSource;

use crate::map::{region_path, start_map, MALI_ISO3, MALI_NEIGHBOURS};
use crate::svg::{escape, fmt1};
use crate::BriefInput;

/// Site radius used for site verdicts (km): the rules' default in `orewatch cahra`.
const SITE_RADIUS_KM: f64 = 50.0;

fn colour(v: Verdict) -> &'static str {
    match v {
        Verdict::ConflictAffected => "#b2182b",
        Verdict::HighRisk => "#f4a582",
        Verdict::Neither => "#f7f7f7",
        Verdict::InsufficientData => "#bdbdbd",
    }
}

fn in_brief_countries(r: &RegionVerdict) -> bool {
    r.country_iso3
        .as_deref()
        .is_some_and(|c| c == MALI_ISO3 || MALI_NEIGHBOURS.contains(&c))
}

/// The whole section.
pub fn cahra_section(input: &BriefInput) -> String {
    let mut s = String::from(
        r#"<section><h2>Conflict-affected and high-risk areas (CAHRA screening)</h2>"#,
    );
    let dataset = input.dataset;
    let Some(coverage) = crate::ged_coverage(input) else {
        s.push_str("<p>No UCDP GED events were ingested: no screening.</p></section>");
        return s;
    };
    let Some(year) = last_full_year(&coverage) else {
        s.push_str("<p>The event data cover no full calendar year: no screening.</p></section>");
        return s;
    };
    if !dataset.regions.iter().any(|r| r.level == 1) {
        s.push_str("<p>No admin-1 boundaries were ingested: no regional screening.</p></section>");
        return s;
    }
    let rules = CahraRules::default_rules();
    let filter = EventFilter::all(EventSource::UcdpGed);
    let report = match screen(dataset, &filter, &coverage, &rules, &[year], SITE_RADIUS_KM) {
        Ok(r) => r,
        Err(e) => {
            let _ = write!(
                s,
                "<p>The screening failed: {}</p></section>",
                escape(&e.to_string())
            );
            return s;
        }
    };
    let regions: Vec<&RegionVerdict> = report
        .regions
        .iter()
        .filter(|r| in_brief_countries(r))
        .collect();
    let mut counts: BTreeMap<Verdict, usize> = BTreeMap::new();
    for r in &regions {
        *counts.entry(r.result.verdict).or_default() += 1;
    }
    let count = |v: Verdict| counts.get(&v).copied().unwrap_or(0);
    let _ = write!(
        s,
        r#"<p class="lede">{year}, the last year the UCDP GED data fully cover: of {} admin-1 regions of Mali and its neighbours, <strong>{}</strong> are conflict-affected, <strong>{}</strong> high-risk, {} neither, {} with insufficient data. The rules are explicit and can be checked by hand: armed conflict (state-based plus non-state deaths in the region-year ≥ {}, or ≥ {} per 10,000 km² with at least {}) makes a region conflict-affected; widespread violence against civilians (one-sided deaths ≥ {}, or the same density rule, or ≥ {} civilian-targeting events) or armed conflict in {} of the previous {} years makes it high-risk. UCDP's 25-death threshold is defined per dyad-year; applying it per region-year is orewatch's operationalisation of the OECD/EU wording, not an official list.</p>"#,
        regions.len(),
        count(Verdict::ConflictAffected),
        count(Verdict::HighRisk),
        count(Verdict::Neither),
        count(Verdict::InsufficientData),
        rules.armed_conflict.min_fatalities,
        fmt1(rules.armed_conflict.density_per_10k_km2),
        rules.armed_conflict.density_min_fatalities,
        rules.widespread_violence.min_one_sided_fatalities,
        rules.widespread_violence.min_civilian_targeting_events,
        rules.persistence.min_conflict_years,
        rules.persistence.window_years,
    );
    s.push_str(&verdict_map(input, &report.regions));
    s.push_str(&verdict_table(&regions));
    s.push_str("</section>");
    s
}

fn verdict_map(input: &BriefInput, verdicts: &[RegionVerdict]) -> String {
    let dataset = input.dataset;
    let (_, proj, mut svg) = start_map(
        dataset,
        "cahra",
        "Admin-1 regions coloured by CAHRA verdict",
    );
    let (w, h) = (proj.width_px, proj.height_px);
    let by_id: BTreeMap<&str, Verdict> = verdicts
        .iter()
        .map(|v| (v.region_id.as_str(), v.result.verdict))
        .collect();
    svg.push_str(r#"<g class="cahra">"#);
    for region in dataset.regions.iter().filter(|r| r.level == 1) {
        let Some(&verdict) = by_id.get(region.region_id.as_str()) else {
            continue;
        };
        let d = region_path(region, &proj);
        if d.is_empty() {
            continue;
        }
        let _ = write!(
            svg,
            r#"<path d="{d}" fill="{}"><title>{} ({}): {}</title></path>"#,
            colour(verdict),
            escape(&region.name),
            escape(region.country_iso3.as_deref().unwrap_or("")),
            verdict.as_str()
        );
    }
    svg.push_str(r#"</g><g class="adm0">"#);
    for region in dataset.regions.iter().filter(|r| r.level == 0) {
        let d = region_path(region, &proj);
        if !d.is_empty() {
            let _ = write!(svg, r#"<path d="{d}"/>"#);
        }
    }
    let _ = write!(
        svg,
        r#"</g></g><rect class="border" width="{}" height="{}"/></svg>"#,
        fmt1(w),
        fmt1(h)
    );
    let mut s = String::from(r#"<div class="figure">"#);
    s.push_str(&svg);
    s.push_str(r#"</div><div class="legend"><div class="lg"><ul>"#);
    for (v, label) in [
        (Verdict::ConflictAffected, "conflict-affected"),
        (Verdict::HighRisk, "high-risk"),
        (Verdict::Neither, "neither"),
        (
            Verdict::InsufficientData,
            "insufficient data (never read as “neither”)",
        ),
    ] {
        let _ = write!(
            s,
            r#"<li><span class="sw edge" style="background:{}"></span>{label}</li>"#,
            colour(v)
        );
    }
    s.push_str("</ul></div><div class=\"lg\"><p class=\"small\">The map colours every admin-1 region in the frame; the counts above and the table below cover Mali and its neighbours.</p></div></div>");
    s
}

fn verdict_table(regions: &[&RegionVerdict]) -> String {
    let mut listed: Vec<&&RegionVerdict> = regions
        .iter()
        .filter(|r| r.result.verdict != Verdict::Neither)
        .collect();
    listed.sort_by(|a, b| {
        a.result
            .verdict
            .cmp(&b.result.verdict)
            .then(a.country_iso3.cmp(&b.country_iso3))
            .then(a.name.cmp(&b.name))
    });
    let mut s = String::new();
    if listed.is_empty() {
        s.push_str("<p>No region of Mali or its neighbours is listed this year.</p>");
        return s;
    }
    s.push_str(r#"<table class="xtab"><thead><tr><th>Region</th><th>Country</th><th>Verdict</th><th>Rules that fired, with their numbers</th></tr></thead><tbody>"#);
    for r in listed {
        let fired: Vec<String> = r.result.fired().map(|c| c.detail.clone()).collect();
        let why = if fired.is_empty() {
            r.result.insufficient.join("; ")
        } else {
            fired.join("; ")
        };
        let _ = write!(
            s,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&r.name),
            escape(r.country_iso3.as_deref().unwrap_or("")),
            r.result.verdict.as_str(),
            escape(&why)
        );
    }
    s.push_str("</tbody></table>");
    s.push_str(r#"<p class="caption">Thresholds and their sources: config/cahra.toml (UCDP 25-death conventions; OECD Due Diligence Guidance, 3rd ed. 2016; EU Regulation 2017/821 art. 2(f)). Area-normalised rules use geodesic admin-1 areas, since population is not in the data. Run <code>orewatch cahra --year Y</code> for any year, or <code>--level site</code> for mine sites.</p>"#);
    s
}
