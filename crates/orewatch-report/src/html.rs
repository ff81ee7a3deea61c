//! The page: title block, data-vintage banner, map and chart sections, footer with
//! citations and file hashes, all in one self-contained HTML document (inline CSS and SVG,
//! no scripts, fonts, images or links to fetch).
//!
//! Answers "what is this brief built from, and how old is it?" before anything else. Every
//! text that comes from data is HTML-escaped. Nothing from `Event::extra` (notes, source
//! headlines) is ever read here.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;

use orewatch_core::model::SourceReport;
use orewatch_core::model::ViolenceType;

use crate::chart::{render_chart, CHART_COUNTRIES, CHART_CSS};
use crate::map::{
    events_by_violence, hatch_swatch, radius_px, render_map, violence_colour, CommodityClass,
    MAP_CSS,
};
use crate::svg::{escape, fmt1};
use crate::vintage::{
    country_vintages, end_dates_sentence, full_years, join_names, latest_end, stale_countries,
    vintage_table,
};
use crate::BriefInput;

/// The page title.
pub const TITLE: &str = "orewatch brief — Mali and its neighbours";

/// Source kinds of the conflict events the brief draws (UCDP GED only; ACLED is never mixed in).
const EVENT_KINDS: [&str; 1] = ["ucdp_ged"];

fn file_name(path: &str) -> String {
    Path::new(path)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.to_string())
}

/// The last date covered by any event source (`YYYY-MM-DD`), and the first.
pub fn event_coverage(sources: &[SourceReport]) -> Option<(String, String)> {
    let covs: Vec<_> = sources
        .iter()
        .filter(|s| EVENT_KINDS.contains(&s.kind.as_str()))
        .filter_map(|s| s.coverage.as_ref())
        .collect();
    let start = covs.iter().map(|c| c.start.clone()).min()?;
    let end = covs.iter().map(|c| c.end.clone()).max()?;
    Some((start, end))
}

fn year_of(date: &str) -> Option<i32> {
    date.get(..4).and_then(|y| y.parse().ok())
}

fn coverage_text(s: &SourceReport) -> String {
    s.coverage
        .as_ref()
        .map(|c| format!("{} – {}", c.start, c.end))
        .unwrap_or_else(|| "—".to_string())
}

/// The banner: each country's conflict-data end date (from the coverage table), then the
/// table of sources.
fn banner(input: &BriefInput) -> String {
    let sources = input.sources;
    let mut s = String::from(r#"<section class="banner" aria-label="Data vintage">"#);
    let vintages = country_vintages(input);
    if latest_end(&vintages).is_some() {
        let _ = write!(
            s,
            r#"<p class="warn"><strong>The UCDP GED conflict events {}.</strong> Nothing after a country's end date is shown: the maps hatch the countries whose data end earlier, and the analyses below mark their later years "not covered", never 0. For more recent years, ingest a later UCDP GED release (<code>orewatch ingest FILE</code>) and build the brief again.</p>"#,
            end_dates_sentence(&vintages)
        );
        s.push_str("<h3>Conflict events by country (UCDP GED, the store's coverage table)</h3>");
        s.push_str(&vintage_table(&vintages));
    } else if crate::ged_coverage(input).is_some() {
        s.push_str(
            r#"<p class="warn"><strong>The UCDP GED files in the store state no coverage for Mali or its neighbours.</strong> No absence of events on the maps and charts can be read as peace.</p>"#,
        );
    } else {
        s.push_str(
            r#"<p class="warn"><strong>No UCDP GED conflict event data were ingested.</strong> The maps and charts show no events.</p>"#,
        );
    }
    let acled = sources.iter().filter(|s| s.kind == "acled").count();
    if acled > 0 {
        let _ = write!(
            s,
            r#"<p class="small">The store holds {acled} ACLED file(s), listed below; no section of this brief reads ACLED events (UCDP GED and ACLED are never mixed: use <code>orewatch exposure --source acled</code> and the other commands).</p>"#
        );
    }
    s.push_str("<h3>Source files</h3>");
    s.push_str(r#"<table class="sources"><thead><tr><th>kind</th><th>file</th><th>time coverage</th><th>release</th><th>records</th><th>new to the store</th></tr></thead><tbody>"#);
    let mut by_kind: BTreeMap<&str, Vec<&SourceReport>> = BTreeMap::new();
    for src in sources {
        by_kind.entry(src.kind.as_str()).or_default().push(src);
    }
    for (kind, mut files) in by_kind {
        files.sort_by(|a, b| (file_name(&a.path), &a.path).cmp(&(file_name(&b.path), &b.path)));
        let rows: Vec<(String, String, String, u64, u64)> = if files.len() <= 3 {
            files
                .iter()
                .map(|f| {
                    (
                        file_name(&f.path),
                        coverage_text(f),
                        f.release.clone().unwrap_or_else(|| "—".to_string()),
                        f.accepted,
                        f.new,
                    )
                })
                .collect()
        } else {
            let covs: Vec<_> = files.iter().filter_map(|f| f.coverage.as_ref()).collect();
            let coverage = match (
                covs.iter().map(|c| &c.start).min(),
                covs.iter().map(|c| &c.end).max(),
            ) {
                (Some(a), Some(b)) => format!("{a} – {b}"),
                _ => "—".to_string(),
            };
            let releases: std::collections::BTreeSet<&str> =
                files.iter().filter_map(|f| f.release.as_deref()).collect();
            let release = if releases.is_empty() {
                "—".to_string()
            } else {
                releases.into_iter().collect::<Vec<_>>().join(", ")
            };
            vec![(
                format!("{} files (e.g. {})", files.len(), file_name(&files[0].path)),
                coverage,
                release,
                files.iter().map(|f| f.accepted).sum(),
                files.iter().map(|f| f.new).sum(),
            )]
        };
        for (name, coverage, release, accepted, new) in rows {
            let _ = write!(
                s,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                escape(kind),
                escape(&name),
                escape(&coverage),
                escape(&release),
                accepted,
                new
            );
        }
    }
    s.push_str("</tbody></table>");
    s.push_str(r#"<p class="caption">records: accepted from the file; new to the store: not already present from another file. The same fact in two files (a GED event in two releases or files, a production figure in two USGS editions) is stored once, the newest release or edition winning.</p>"#);
    s.push_str("</section>");
    s
}

/// Citation lines per source kind.
fn citations(kind: &str) -> &'static [&'static str] {
    match kind {
        "ucdp_ged" => &[
            "UCDP Georeferenced Event Dataset (GED), CC BY 4.0. Sundberg, R. &amp; Melander, E. (2013). Introducing the UCDP Georeferenced Event Dataset. <i>Journal of Peace Research</i> 50(4). Davies, S., Pettersson, T. &amp; Öberg, M. (2021). Organized violence 1989–2020, with a special emphasis on Syria. <i>Journal of Peace Research</i> 58(4).",
        ],
        "ucdp_actors" => &["UCDP Actor Dataset, CC BY 4.0, Uppsala Conflict Data Program."],
        "acled" => &["ACLED: Raleigh, C., Linke, A., Hegre, H. &amp; Karlsen, J. (2010). Introducing ACLED. <i>Journal of Peace Research</i> 47(5). ACLED data are not redistributed in this brief."],
        "usgs_sites" => &["USGS Africa mineral industries and resources GIS: Padilla, A.J., et al. (2021), U.S. Geological Survey data release, doi:10.5066/P97EQWXP. Public domain."],
        "tabulated_sites" | "company_home_countries" => &["Hand-tabulated mine sites and company home countries, compiled from the public sources cited per row in the files."],
        "boundaries" => &["Natural Earth (naturalearthdata.com), admin-0 and admin-1 boundaries. Public domain."],
        "wgi" => &["World Bank Worldwide Governance Indicators, 2024 update, CC BY 4.0: Kaufmann, D. &amp; Kraay, A. (2024), govindicators.org."],
        "production_long" => &["Our World in Data, mine production by country (CC BY 4.0), compiled from Clio-Infra/USGS and British Geological Survey series."],
        "usgs_mcs" => &["USGS Mineral Commodity Summaries 2022–2024 data releases (doi:10.5066/P9KKMCP4, 10.5066/P9WCYUI6, 10.5066/P144BA54) and MCS 2026. Public domain."],
        _ => &[],
    }
}

fn footer(sources: &[SourceReport]) -> String {
    let mut s = String::from(r#"<footer><h2>Sources</h2><ul class="cites">"#);
    let kinds: std::collections::BTreeSet<&str> = sources.iter().map(|s| s.kind.as_str()).collect();
    let mut seen = std::collections::BTreeSet::new();
    for kind in kinds {
        for c in citations(kind) {
            if seen.insert(*c) {
                let _ = write!(s, "<li>{c}</li>");
            }
        }
    }
    s.push_str(r#"</ul><h3>Files (SHA-256, first 12 hex digits)</h3><ul class="hashes">"#);
    let mut files: Vec<&SourceReport> = sources.iter().collect();
    files.sort_by(|a, b| {
        (&a.kind, file_name(&a.path), &a.path).cmp(&(&b.kind, file_name(&b.path), &b.path))
    });
    for f in files {
        let hash: String = f.sha256.chars().take(12).collect();
        let _ = write!(
            s,
            "<li><code>{}</code> {} <span class=\"kind\">({})</span></li>",
            escape(&hash),
            escape(&file_name(&f.path)),
            escape(&f.kind)
        );
    }
    s.push_str("</ul><p class=\"ethics\">This brief shows places and aggregate counts only: no event notes, headlines or source articles, and no information about individual people.</p></footer>");
    s
}

fn legend_circle_svg(fatalities: u32) -> String {
    let r = radius_px(fatalities);
    let size = 2.0 * r + 4.0;
    format!(
        r##"<svg width="{s}" height="{s}" viewBox="0 0 {s} {s}"><circle cx="{c}" cy="{c}" r="{r}" fill="#777" fill-opacity="0.45" stroke="#555" stroke-width="0.6"/></svg>"##,
        s = fmt1(size),
        c = fmt1(size / 2.0),
        r = fmt1(r)
    )
}

fn map_section(input: &BriefInput) -> String {
    let dataset = input.dataset;
    let vintages = country_vintages(input);
    let stale = stale_countries(&vintages);
    let stale_iso3: Vec<&str> = stale.iter().map(|v| v.iso3.as_str()).collect();
    let map = render_map(dataset, &stale_iso3);
    let f = map.frame;
    let mut s = String::from(r#"<section><h2>Organised violence and mine sites</h2>"#);
    let coverage = event_coverage(input.sources)
        .map(|(a, b)| format!("{a} to {b}"))
        .unwrap_or_else(|| "no coverage".to_string());
    let _ = write!(
        s,
        r#"<p class="lede">UCDP GED events located inside the frame (longitude {} to {}, latitude {} to {}): <strong>{}</strong> events with <strong>{}</strong> deaths (best estimate), {}. {} mine sites are drawn.</p>"#,
        f.lon_min,
        f.lon_max,
        f.lat_min,
        f.lat_max,
        map.events_drawn,
        map.fatalities_drawn,
        escape(&coverage),
        map.sites_drawn
    );
    s.push_str(r#"<div class="figure">"#);
    s.push_str(&map.svg);
    s.push_str("</div>");

    // Legend.
    let counts = events_by_violence(dataset, &f);
    s.push_str(
        r#"<div class="legend"><div class="lg"><h4>Events, by type of violence (UCDP)</h4><ul>"#,
    );
    for (v, label) in [
        (
            Some(ViolenceType::StateBased),
            "state-based (a government is a side)",
        ),
        (
            Some(ViolenceType::NonState),
            "non-state (between organised groups)",
        ),
        (
            Some(ViolenceType::OneSided),
            "one-sided (against civilians)",
        ),
    ] {
        let _ = write!(
            s,
            r#"<li><span class="sw" style="background:{}"></span>{} — {}</li>"#,
            violence_colour(v),
            label,
            counts.get(&v).copied().unwrap_or(0)
        );
    }
    if let Some(n) = counts.get(&None) {
        let _ = write!(
            s,
            r#"<li><span class="sw" style="background:{}"></span>type not given — {n}</li>"#,
            violence_colour(None)
        );
    }
    s.push_str("</ul></div>");
    s.push_str(r#"<div class="lg"><h4>Deaths per event (best estimate)</h4><div class="scale">"#);
    for deaths in [1u32, 10, 100, 500] {
        let _ = write!(
            s,
            r#"<span class="sc">{}<br>{deaths}</span>"#,
            legend_circle_svg(deaths)
        );
    }
    let _ = write!(
        s,
        r#"</div><p class="small">Circle AREA is proportional to deaths (radius = {} px × √deaths); events with no recorded death are dots. Largest event here: {} deaths.</p></div>"#,
        crate::map::RADIUS_PX_PER_SQRT_DEATH,
        map.max_fatalities
    );
    s.push_str(r#"<div class="lg"><h4>Mine sites, by main commodity</h4><ul class="cols">"#);
    for c in CommodityClass::ALL {
        let _ = write!(
            s,
            r#"<li><span class="sw edge" style="background:{}"></span>{}</li>"#,
            c.colour(),
            c.label()
        );
    }
    let status_years: Vec<i32> = dataset
        .sites
        .iter()
        .filter(|s| s.kind == orewatch_core::model::SiteKind::Tabulated)
        .filter_map(|s| s.status_as_of)
        .collect();
    let status = match (status_years.iter().min(), status_years.iter().max()) {
        (Some(a), Some(b)) if a == b => format!(" ({a} status)"),
        (Some(a), Some(b)) => format!(" ({a}–{b} status)"),
        _ => String::new(),
    };
    let _ = write!(
        s,
        r##"</ul><ul><li><svg width="16" height="16" viewBox="0 0 16 16"><path d="M8 2L14 8 8 14 2 8Z" fill="#fff" stroke="#000" stroke-width="1.2"/></svg> hand-tabulated mine{status}, named; “≈” = approximate position</li><li><svg width="16" height="16" viewBox="0 0 16 16"><rect x="5" y="5" width="6" height="6" fill="#fff" stroke="#333" stroke-width="0.8"/></svg> USGS facility, mine or quarry (2018)</li></ul></div>"##
    );
    if !stale.is_empty() {
        let mut by_end: BTreeMap<String, Vec<&str>> = BTreeMap::new();
        for v in &stale {
            let end = v.end().map_or("no data".to_string(), |e| format!("to {e}"));
            by_end.entry(end).or_default().push(v.name.as_str());
        }
        let text: Vec<String> = by_end
            .iter()
            .map(|(end, names)| format!("{} (data {end})", join_names(names)))
            .collect();
        let _ = write!(
            s,
            r#"<div class="lg"><h4>Event data end earlier</h4><p class="small">{} hatched: {}. No later event can be drawn there; an empty area is not a peaceful one.</p></div>"#,
            hatch_swatch("hatch-legend-events"),
            escape(&text.join("; "))
        );
    }
    s.push_str("</div>");

    // Sites not mapped.
    if map.not_mapped.is_empty() {
        s.push_str(r#"<p class="small">All mine sites of the map's kinds have coordinates.</p>"#);
    } else {
        s.push_str(r#"<div class="notmapped"><h4>Not mapped: no coordinates</h4><ul>"#);
        for site in &map.not_mapped {
            let _ = write!(
                s,
                "<li>{} ({}{}) — {}</li>",
                escape(&site.name),
                escape(
                    site.country_iso3
                        .as_deref()
                        .or(site.country.as_deref())
                        .unwrap_or("country unknown")
                ),
                if site.commodities.is_empty() {
                    String::new()
                } else {
                    format!(", {}", escape(&site.commodities.join(", ")))
                },
                escape(&site.site_id)
            );
        }
        s.push_str("</ul><p class=\"small\">No position is guessed for these sites; they cannot be assessed on the map.</p></div>");
    }
    s.push_str("</section>");
    s
}

fn chart_section(input: &BriefInput) -> String {
    let mut s = String::from(r#"<section><h2>Events and deaths per year</h2>"#);
    let ged: Vec<&SourceReport> = input
        .sources
        .iter()
        .filter(|s| s.kind == "ucdp_ged")
        .collect();
    let coverage = {
        let covs: Vec<_> = ged.iter().filter_map(|s| s.coverage.as_ref()).collect();
        match (
            covs.iter().map(|c| &c.start).min(),
            covs.iter().map(|c| &c.end).max(),
        ) {
            (Some(a), Some(b)) => Some((a.to_string(), b.to_string())),
            _ => None,
        }
    };
    let years = coverage
        .as_ref()
        .and_then(|(a, b)| Some((year_of(a)?, year_of(b)?)));
    match years {
        Some((first, last)) => {
            s.push_str(r#"<div class="figure">"#);
            let covered: Vec<Option<(i32, i32)>> = CHART_COUNTRIES
                .iter()
                .map(|c| full_years(input, c))
                .collect();
            s.push_str(&render_chart(input.dataset, first, last, &covered));
            s.push_str("</div>");
            let mut files: Vec<String> = ged
                .iter()
                .map(|g| match &g.release {
                    Some(r) => format!("{} (release {})", file_name(&g.path), r),
                    None => file_name(&g.path),
                })
                .collect();
            files.sort();
            files.dedup();
            let (a, b) = coverage.unwrap_or_default();
            let _ = write!(
                s,
                r#"<p class="caption">Bars: UCDP GED events per year (left axis); line: deaths per year, best estimate (right axis); the three panels ({}) share both scales. Events are counted in the year they started, by the country UCDP assigns. Source: UCDP GED, {}; coverage {} to {}. Hatched: years the event data do not cover entirely for that country (no data, not 0).</p>"#,
                CHART_COUNTRIES.join(", "),
                escape(&files.join("; ")),
                escape(&a),
                escape(&b)
            );
        }
        None => s.push_str("<p>No UCDP GED data were ingested: no chart.</p>"),
    }
    s.push_str("</section>");
    s
}

const PAGE_CSS: &str = "\
*{box-sizing:border-box}\
body{margin:0;background:#fff;color:#1a1a1a;font-family:'Helvetica Neue',Arial,'Liberation Sans',sans-serif;font-size:15px;line-height:1.45}\
main{max-width:1160px;margin:0 auto;padding:24px 30px 40px}\
h1{font-size:28px;margin:0 0 4px}h2{font-size:20px;margin:28px 0 8px;border-bottom:2px solid #222;padding-bottom:3px}\
h3{font-size:15px;margin:16px 0 6px}h4{font-size:13px;margin:0 0 6px;text-transform:uppercase;letter-spacing:.03em;color:#444}\
.prov{color:#555;font-size:13px;margin:0 0 14px}\
.banner{border:2px solid #b35806;background:#fff4e5;padding:12px 16px;margin:10px 0 8px}\
.warn{margin:0 0 10px;font-size:15px}\
table.sources{border-collapse:collapse;font-size:12.5px;width:100%}\
.sources th,.sources td{text-align:left;padding:2px 8px 2px 0;border-bottom:1px solid #e6cfa8;vertical-align:top}\
.sources td.num{text-align:right}\
.figure{margin:8px 0}\
.legend{display:flex;flex-wrap:wrap;gap:18px 34px;margin:10px 0;font-size:13px}\
.lg ul{list-style:none;margin:0;padding:0}.lg li{margin:2px 0;display:flex;align-items:center;gap:6px}\
.lg ul.cols{display:grid;grid-template-columns:repeat(3,auto);gap:0 14px;margin-bottom:6px}\
.sw{display:inline-block;width:13px;height:13px;border-radius:50%;opacity:.85}\
.sw.edge{border-radius:2px;border:1px solid #333;opacity:1}\
.scale{display:flex;align-items:flex-end;gap:14px}.sc{text-align:center;font-size:12px}\
.small{font-size:12px;color:#444;margin:4px 0;max-width:420px}\
.notmapped{border-left:4px solid #777;padding:4px 10px;margin:10px 0;background:#f6f6f6;font-size:13px}\
.notmapped ul{margin:2px 0 4px;padding-left:18px}\
.caption{font-size:13px;color:#333;margin:4px 0}\
footer{margin-top:30px;font-size:12.5px;color:#333}\
footer .cites{padding-left:18px}footer .cites li{margin:3px 0}\
footer .hashes{columns:2;list-style:none;padding:0;font-size:11.5px}footer .hashes li{break-inside:avoid}\
footer .kind{color:#777}\
.ethics{font-style:italic;color:#555}\
tr.stale td{background:#f1f1f1}";

/// The whole page.
pub fn render_page(input: &BriefInput) -> String {
    let mut s = String::with_capacity(1 << 20);
    s.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
    let _ = write!(s, "<title>{}</title>", escape(TITLE));
    s.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><style>");
    s.push_str(PAGE_CSS);
    s.push_str(MAP_CSS);
    s.push_str(CHART_CSS);
    s.push_str(crate::exposure::EXPOSURE_CSS);
    s.push_str(crate::actors::ACTORS_CSS);
    s.push_str(crate::supply::SUPPLY_CSS);
    s.push_str(crate::deal::DEAL_CSS);
    s.push_str(crate::outlook::OUTLOOK_CSS);
    s.push_str(crate::since::SINCE_CSS);
    s.push_str("</style></head><body><main>");
    let _ = write!(
        s,
        r#"<header><h1>{}</h1><p class="prov">{}</p></header>"#,
        escape(TITLE),
        escape(&input.provenance)
    );
    s.push_str(&banner(input));
    s.push_str(&map_section(input));
    s.push_str(&crate::exposure::exposure_section(input));
    s.push_str(&crate::since::since_section(input));
    s.push_str(&crate::actors::actors_section(input));
    s.push_str(&crate::cahra::cahra_section(input));
    s.push_str(&crate::outlook::outlook_section(input));
    s.push_str(&crate::supply::supply_section(input));
    s.push_str(&chart_section(input));
    s.push_str(&crate::precision::precision_section(input));
    s.push_str(&crate::deal::deal_section(input));
    s.push_str(&footer(input.sources));
    s.push_str("</main></body></html>\n");
    s
}
