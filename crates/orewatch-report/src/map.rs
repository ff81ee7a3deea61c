//! The map of Mali and its neighbours: boundaries, UCDP GED events and mine sites, as one
//! inline SVG, plus the legend and the list of sites that could not be placed.
//!
//! Answers "where is the violence, how deadly, and where are the mines?". Units: positions in
//! SVG pixels from [`crate::svg::Projection`]; event circles have an AREA proportional to
//! `fatalities_best` (radius = [`RADIUS_PX_PER_SQRT_DEATH`] · √deaths, px); events with no
//! recorded death are a small dot of radius [`ZERO_DEATH_RADIUS_PX`].
//!
//! What is drawn:
//! - admin-0 outlines (thick) and admin-1 boundaries (thin) from `dataset.regions` that touch
//!   the frame; Mali is shaded;
//! - every UCDP GED event inside the frame (ACLED events are not drawn in this version),
//!   largest first so that small events stay visible, coloured by type of violence;
//! - hand-tabulated sites ([`SiteKind::Tabulated`], diamonds, labelled with their names) and
//!   USGS facilities that are mines or quarries of a mined commodity (squares), coloured by
//!   main commodity. Sites without coordinates are never placed: they are returned in
//!   [`MapOutput::not_mapped`].
//!
//! What it does not do: it shows no event text (notes, sources, actors) and nothing from
//! `Event::extra`; it does not aggregate or smooth events.

use std::collections::BTreeMap;
use std::fmt::Write;

use geo_types::MultiPolygon;
use orewatch_core::model::{Dataset, Event, EventSource, Region, Site, SiteKind, ViolenceType};

use crate::svg::{escape, fmt1, push_ring, Frame, Projection};

/// Mali's ISO 3166-1 alpha-3 code.
pub const MALI_ISO3: &str = "MLI";
/// Mali's land neighbours (ISO3): Algeria, Niger, Burkina Faso, Côte d'Ivoire, Guinea,
/// Senegal, Mauritania.
pub const MALI_NEIGHBOURS: [&str; 7] = ["DZA", "NER", "BFA", "CIV", "GIN", "SEN", "MRT"];
/// Width of the map drawing in px.
pub const MAP_WIDTH_PX: f64 = 1100.0;
/// Event circle radius per square root of a death, px: area ∝ deaths.
pub const RADIUS_PX_PER_SQRT_DEATH: f64 = 1.2;
/// Radius of an event with no recorded death, px.
pub const ZERO_DEATH_RADIUS_PX: f64 = 0.8;
/// Margins added to Mali's bounding box to show the neighbours' border areas, degrees.
const MARGIN_LON_DEG: f64 = 5.0;
const MARGIN_LAT_DEG: f64 = 2.0;
/// The frame used when the regions hold no Mali polygon (e.g. a dataset without boundaries).
pub const DEFAULT_FRAME: Frame = Frame {
    lon_min: -17.5,
    lon_max: 8.0,
    lat_min: 8.0,
    lat_max: 25.5,
};
/// Boundary vertices closer than this to the previous kept one are skipped, px.
const MIN_STEP_PX: f64 = 0.5;

/// Colour-blind-safe colours (Okabe & Ito 2008) for the types of violence.
pub fn violence_colour(v: Option<ViolenceType>) -> &'static str {
    match v {
        Some(ViolenceType::StateBased) => "#0072B2",
        Some(ViolenceType::NonState) => "#E69F00",
        Some(ViolenceType::OneSided) => "#D55E00",
        None => "#777777",
    }
}

pub fn violence_class(v: Option<ViolenceType>) -> &'static str {
    match v {
        Some(ViolenceType::StateBased) => "vs",
        Some(ViolenceType::NonState) => "vn",
        Some(ViolenceType::OneSided) => "vo",
        None => "vx",
    }
}

/// The commodity classes the map colours sites by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum CommodityClass {
    Gold,
    Lithium,
    Uranium,
    Phosphate,
    Bauxite,
    Other,
}

impl CommodityClass {
    pub const ALL: [CommodityClass; 6] = [
        CommodityClass::Gold,
        CommodityClass::Lithium,
        CommodityClass::Uranium,
        CommodityClass::Phosphate,
        CommodityClass::Bauxite,
        CommodityClass::Other,
    ];

    /// The class of a site's main (first) commodity.
    pub fn of_site(site: &Site) -> Self {
        let main = site.commodities.first().map(String::as_str).unwrap_or("");
        match main {
            m if m.starts_with("gold") => CommodityClass::Gold,
            m if m.starts_with("lithium") => CommodityClass::Lithium,
            m if m.starts_with("uranium") => CommodityClass::Uranium,
            m if m.starts_with("phosphate") => CommodityClass::Phosphate,
            m if m.starts_with("bauxite") => CommodityClass::Bauxite,
            _ => CommodityClass::Other,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CommodityClass::Gold => "gold",
            CommodityClass::Lithium => "lithium",
            CommodityClass::Uranium => "uranium",
            CommodityClass::Phosphate => "phosphate",
            CommodityClass::Bauxite => "bauxite",
            CommodityClass::Other => "other",
        }
    }

    /// Fill colour (Okabe–Ito where possible; distinct in lightness as well as hue).
    pub fn colour(self) -> &'static str {
        match self {
            CommodityClass::Gold => "#F0E442",
            CommodityClass::Lithium => "#56B4E9",
            CommodityClass::Uranium => "#009E73",
            CommodityClass::Phosphate => "#CC79A7",
            CommodityClass::Bauxite => "#8C510A",
            CommodityClass::Other => "#FFFFFF",
        }
    }
}

/// True for a site the map shows: a hand-tabulated mine, or a USGS facility that is a mine or
/// quarry (`FeatureTyp` = `Mines and Quarries`) of a mined commodity (not petroleum or gas).
pub fn is_mapped_kind(site: &Site) -> bool {
    match site.kind {
        SiteKind::Tabulated => true,
        SiteKind::Facility => {
            let is_mine =
                site.extra.get("FeatureTyp").map(String::as_str) == Some("Mines and Quarries");
            let fuel = site
                .commodities
                .first()
                .is_some_and(|c| c.contains("petroleum") || c.contains("natural gas"));
            is_mine && !fuel
        }
        SiteKind::Deposit | SiteKind::Exploration => false,
    }
}

/// Radius in px of an event circle: area proportional to `fatalities_best`.
pub fn radius_px(fatalities_best: u32) -> f64 {
    if fatalities_best == 0 {
        ZERO_DEATH_RADIUS_PX
    } else {
        RADIUS_PX_PER_SQRT_DEATH * f64::from(fatalities_best).sqrt()
    }
}

/// What [`render_map`] produced.
#[derive(Debug, Clone)]
pub struct MapOutput {
    /// The `<svg>` element.
    pub svg: String,
    pub frame: Frame,
    /// UCDP GED events drawn (inside the frame).
    pub events_drawn: usize,
    /// Their deaths (best estimate), summed.
    pub fatalities_drawn: u64,
    /// The largest single event's deaths, for the legend.
    pub max_fatalities: u32,
    pub sites_drawn: usize,
    /// Sites of the kinds the map shows that have no coordinates (hand-tabulated ones, and
    /// USGS mines of Mali and its neighbours), by site id.
    pub not_mapped: Vec<Site>,
}

fn bbox_of(geometry: &MultiPolygon<f64>) -> Option<Frame> {
    let mut frame: Option<Frame> = None;
    for polygon in &geometry.0 {
        for c in polygon.exterior().0.iter() {
            let f = frame.get_or_insert(Frame {
                lon_min: c.x,
                lon_max: c.x,
                lat_min: c.y,
                lat_max: c.y,
            });
            f.lon_min = f.lon_min.min(c.x);
            f.lon_max = f.lon_max.max(c.x);
            f.lat_min = f.lat_min.min(c.y);
            f.lat_max = f.lat_max.max(c.y);
        }
    }
    frame
}

fn union(a: Option<Frame>, b: Option<Frame>) -> Option<Frame> {
    match (a, b) {
        (Some(a), Some(b)) => Some(Frame {
            lon_min: a.lon_min.min(b.lon_min),
            lon_max: a.lon_max.max(b.lon_max),
            lat_min: a.lat_min.min(b.lat_min),
            lat_max: a.lat_max.max(b.lat_max),
        }),
        (a, None) => a,
        (None, b) => b,
    }
}

/// The map frame: Mali's admin-0 bounding box widened by 5° of longitude and 2° of latitude on
/// each side (to show the neighbours' border areas and their mines near Mali), clipped to the
/// bounding box of Mali and its neighbours, rounded outward to 0.5°. [`DEFAULT_FRAME`] when
/// there is no Mali polygon.
pub fn map_frame(regions: &[Region]) -> Frame {
    let admin0 = |iso3: &str| {
        regions
            .iter()
            .filter(|r| r.level == 0 && r.country_iso3.as_deref() == Some(iso3))
            .map(|r| bbox_of(&r.geometry))
            .fold(None, union)
    };
    let Some(mali) = admin0(MALI_ISO3) else {
        return DEFAULT_FRAME;
    };
    let all = MALI_NEIGHBOURS
        .iter()
        .map(|c| admin0(c))
        .fold(Some(mali), union)
        .unwrap_or(mali);
    let floor_half = |v: f64| (v * 2.0).floor() / 2.0;
    let ceil_half = |v: f64| (v * 2.0).ceil() / 2.0;
    Frame {
        lon_min: floor_half((mali.lon_min - MARGIN_LON_DEG).max(all.lon_min)),
        lon_max: ceil_half((mali.lon_max + MARGIN_LON_DEG).min(all.lon_max)),
        lat_min: floor_half((mali.lat_min - MARGIN_LAT_DEG).max(all.lat_min)),
        lat_max: ceil_half((mali.lat_max + MARGIN_LAT_DEG).min(all.lat_max)),
    }
}

pub fn region_path(region: &Region, proj: &Projection) -> String {
    let mut d = String::new();
    for polygon in &region.geometry.0 {
        let rings = std::iter::once(polygon.exterior()).chain(polygon.interiors());
        for ring in rings {
            let points: Vec<(f64, f64)> = ring.0.iter().map(|c| (c.x, c.y)).collect();
            push_ring(&mut d, &points, proj, MIN_STEP_PX);
        }
    }
    d
}

/// The label of a site on the map: its name without parenthesised detail.
pub fn short_name(name: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for c in name.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    let trimmed = out.split_whitespace().collect::<Vec<_>>().join(" ");
    if trimmed.is_empty() {
        name.trim().to_string()
    } else {
        trimmed
    }
}

/// A box on the page, px.
#[derive(Debug, Clone, Copy)]
struct Rect {
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
}

impl Rect {
    fn overlaps(&self, o: &Rect) -> bool {
        self.x0 < o.x1 && o.x0 < self.x1 && self.y0 < o.y1 && o.y0 < self.y1
    }
}

const LABEL_FONT_PX: f64 = 11.0;
/// Rough width of one character of the label font, px (sans-serif, 11 px).
const LABEL_CHAR_PX: f64 = 6.0;

/// Places each label greedily: the first of several positions around its point (nearest
/// first) that overlaps no other label or labelled symbol and stays inside the drawing;
/// positions away from the point get a leader line.
pub fn place_labels(points: &[(f64, f64, String)], width: f64, height: f64) -> String {
    let symbols: Vec<Rect> = points
        .iter()
        .map(|(x, y, _)| Rect {
            x0: x - 6.0,
            y0: y - 6.0,
            x1: x + 6.0,
            y1: y + 6.0,
        })
        .collect();
    let mut placed: Vec<Rect> = Vec::new();
    let mut out = String::new();
    let directions: [(f64, f64); 8] = [
        (1.0, 0.0),
        (-1.0, 0.0),
        (0.7, -0.7),
        (0.7, 0.7),
        (-0.7, -0.7),
        (-0.7, 0.7),
        (0.0, -1.0),
        (0.0, 1.0),
    ];
    for (i, (x, y, text)) in points.iter().enumerate() {
        let w = text.chars().count() as f64 * LABEL_CHAR_PX + 2.0;
        let h = LABEL_FONT_PX + 1.0;
        let mut chosen = None;
        'search: for distance in [9.0, 18.0, 30.0, 45.0, 62.0, 80.0] {
            for (dx, dy) in directions {
                let ax = x + dx * distance;
                let ay = y + dy * distance;
                // Anchor at the label's near edge, vertically centred.
                let rect = if dx > 0.1 {
                    Rect {
                        x0: ax,
                        y0: ay - h / 2.0,
                        x1: ax + w,
                        y1: ay + h / 2.0,
                    }
                } else if dx < -0.1 {
                    Rect {
                        x0: ax - w,
                        y0: ay - h / 2.0,
                        x1: ax,
                        y1: ay + h / 2.0,
                    }
                } else {
                    let yc = if dy < 0.0 { ay - h / 2.0 } else { ay + h / 2.0 };
                    Rect {
                        x0: ax - w / 2.0,
                        y0: yc - h / 2.0,
                        x1: ax + w / 2.0,
                        y1: yc + h / 2.0,
                    }
                };
                let inside = rect.x0 >= 2.0
                    && rect.y0 >= 2.0
                    && rect.x1 <= width - 2.0
                    && rect.y1 <= height - 2.0;
                let free = !placed.iter().any(|p| p.overlaps(&rect))
                    && !symbols
                        .iter()
                        .enumerate()
                        .any(|(j, s)| j != i && s.overlaps(&rect));
                if inside && free {
                    chosen = Some((rect, distance, dx, dy));
                    break 'search;
                }
            }
        }
        let (rect, distance, dx, dy) = chosen.unwrap_or((
            Rect {
                x0: x + 9.0,
                y0: y - 6.0,
                x1: x + 9.0 + w,
                y1: y + 6.0,
            },
            9.0,
            1.0,
            0.0,
        ));
        placed.push(rect);
        if distance > 9.0 {
            let _ = write!(
                out,
                r#"<line class="leader" x1="{}" y1="{}" x2="{}" y2="{}"/>"#,
                fmt1(x + dx * 5.0),
                fmt1(y + dy * 5.0),
                fmt1(x + dx * (distance - 1.0)),
                fmt1(y + dy * (distance - 1.0)),
            );
        }
        let _ = write!(
            out,
            r#"<text class="label" x="{}" y="{}">{}</text>"#,
            fmt1(rect.x0 + 1.0),
            fmt1(rect.y1 - 3.0),
            escape(text)
        );
    }
    out
}

fn diamond(x: f64, y: f64, r: f64) -> String {
    format!(
        "M{} {}L{} {} {} {} {} {}Z",
        fmt1(x),
        fmt1(y - r),
        fmt1(x + r),
        fmt1(y),
        fmt1(x),
        fmt1(y + r),
        fmt1(x - r),
        fmt1(y)
    )
}

/// Opens a map's `<svg>` element and draws the basemap: sea, admin-0 fills (Mali shaded),
/// admin-1 lines, admin-0 outlines, inside an open `<g clip-path>` group that the caller
/// closes (`</g>`) before drawing what must not be clipped, then closes the `<svg>`.
pub fn open_basemap(
    dataset: &Dataset,
    frame: &Frame,
    proj: &Projection,
    id: &str,
    aria_label: &str,
) -> String {
    let frame = *frame;
    let (w, h) = (proj.width_px, proj.height_px);
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="map" viewBox="0 0 {} {}" width="{}" height="{}" role="img" aria-label="{}">"#,
        fmt1(w),
        fmt1(h),
        fmt1(w),
        fmt1(h),
        escape(aria_label)
    );
    let _ = write!(
        svg,
        r#"<defs><clipPath id="clip-{id}"><rect width="{}" height="{}"/></clipPath></defs><rect class="sea" width="{}" height="{}"/><g clip-path="url(#clip-{id})">"#,
        fmt1(w),
        fmt1(h),
        fmt1(w),
        fmt1(h)
    );

    // Boundaries: admin-0 fills, admin-1 lines, admin-0 outlines on top.
    let in_frame = |r: &&Region| bbox_of(&r.geometry).is_some_and(|b| b.intersects(&frame));
    let admin0: Vec<&Region> = dataset
        .regions
        .iter()
        .filter(|r| r.level == 0)
        .filter(in_frame)
        .collect();
    let admin1: Vec<&Region> = dataset
        .regions
        .iter()
        .filter(|r| r.level == 1)
        .filter(in_frame)
        .collect();
    let admin0_paths: Vec<(bool, String)> = admin0
        .iter()
        .map(|r| {
            (
                r.country_iso3.as_deref() == Some(MALI_ISO3),
                region_path(r, proj),
            )
        })
        .filter(|(_, d)| !d.is_empty())
        .collect();
    for (is_mali, d) in &admin0_paths {
        let class = if *is_mali { "land mali" } else { "land" };
        let _ = write!(svg, r#"<path class="{class}" d="{d}"/>"#);
    }
    svg.push_str(r#"<g class="adm1">"#);
    for r in &admin1 {
        let d = region_path(r, proj);
        if !d.is_empty() {
            let _ = write!(svg, r#"<path d="{d}"/>"#);
        }
    }
    svg.push_str(r#"</g><g class="adm0">"#);
    for (_, d) in &admin0_paths {
        let _ = write!(svg, r#"<path d="{d}"/>"#);
    }
    svg.push_str("</g>");

    svg
}

/// Hatching over the countries (ISO3) whose event data end before the others', drawn over
/// the basemap inside its clip group; `id` makes the pattern's id unique in the page.
pub fn hatch_countries(dataset: &Dataset, proj: &Projection, id: &str, iso3s: &[&str]) -> String {
    if iso3s.is_empty() {
        return String::new();
    }
    let mut svg = format!(
        r##"<defs>{}</defs><g class="stale">"##,
        hatch_pattern(&format!("hatch-{id}"))
    );
    for region in dataset.regions.iter().filter(|r| {
        r.level == 0
            && r.country_iso3
                .as_deref()
                .is_some_and(|c| iso3s.contains(&c))
    }) {
        let d = region_path(region, proj);
        if !d.is_empty() {
            let _ = write!(svg, r#"<path d="{d}" fill="url(#hatch-{id})"/>"#);
        }
    }
    svg.push_str("</g>");
    svg
}

/// The diagonal hatch pattern of [`hatch_countries`] (also drawn in the legends).
pub fn hatch_pattern(id: &str) -> String {
    format!(
        r##"<pattern id="{id}" patternUnits="userSpaceOnUse" width="7" height="7" patternTransform="rotate(45)"><rect width="7" height="7" fill="#ececec" fill-opacity="0.55"/><line x1="0" y1="0" x2="0" y2="7" stroke="#6f6f6f" stroke-width="1.6"/></pattern>"##
    )
}

/// A legend swatch of the hatch.
pub fn hatch_swatch(id: &str) -> String {
    format!(
        r##"<svg width="22" height="14" viewBox="0 0 22 14"><defs>{}</defs><rect x="0.5" y="0.5" width="21" height="13" fill="url(#{id})" stroke="#555" stroke-width="0.8"/></svg>"##,
        hatch_pattern(id)
    )
}

/// The `<g class="events">` group of event circles (area ∝ deaths, coloured by type of
/// violence), largest first so that small events stay visible; sorts `events` to do so.
pub fn event_circles(events: &mut [&Event], proj: &Projection) -> String {
    events.sort_by(|a, b| {
        b.fatalities_best
            .cmp(&a.fatalities_best)
            .then_with(|| a.date_start.cmp(&b.date_start))
            .then_with(|| a.event_id.cmp(&b.event_id))
    });
    let mut svg = String::from(r#"<g class="events">"#);
    for e in events.iter() {
        let (x, y) = proj.project(e.lon, e.lat);
        let _ = write!(
            svg,
            r#"<circle class="{}" cx="{}" cy="{}" r="{}"/>"#,
            violence_class(e.violence_type),
            fmt1(x),
            fmt1(y),
            fmt1(radius_px(e.fatalities_best))
        );
    }
    svg.push_str("</g>");
    svg
}

/// Starts one of the brief's maps of Mali and its neighbours: the frame, its projection, and
/// the `<svg>` with the basemap drawn (see [`open_basemap`] for what the caller closes).
pub fn start_map(dataset: &Dataset, id: &str, aria_label: &str) -> (Frame, Projection, String) {
    let frame = map_frame(&dataset.regions);
    let proj = Projection::new(frame, MAP_WIDTH_PX);
    let svg = open_basemap(dataset, &frame, &proj, id, aria_label);
    (frame, proj, svg)
}

/// Draws the map. See the module docs for what is on it.
/// `hatched`: the countries (ISO3) whose event data end early (see [`hatch_countries`]).
pub fn render_map(dataset: &Dataset, hatched: &[&str]) -> MapOutput {
    let (frame, proj, mut svg) = start_map(
        dataset,
        "events",
        "Map of Mali and its neighbours with UCDP GED events and mine sites",
    );
    svg.push_str(&hatch_countries(dataset, &proj, "events", hatched));
    let (w, h) = (proj.width_px, proj.height_px);

    // Events: largest first so that small ones are drawn on top.
    let mut events: Vec<&Event> = dataset
        .events
        .iter()
        .filter(|e| e.source == EventSource::UcdpGed && frame.contains(e.lon, e.lat))
        .collect();
    svg.push_str(&event_circles(&mut events, &proj));
    svg.push_str("</g>");

    // Sites: USGS mines first, hand-tabulated on top.
    let mut not_mapped = Vec::new();
    let mut facilities = Vec::new();
    let mut tabulated = Vec::new();
    for site in dataset.sites.iter().filter(|s| is_mapped_kind(s)) {
        match (site.lon, site.lat) {
            (Some(lon), Some(lat)) => {
                if frame.contains(lon, lat) {
                    if site.kind == SiteKind::Tabulated {
                        tabulated.push((site, lon, lat));
                    } else {
                        facilities.push((site, lon, lat));
                    }
                }
            }
            _ => {
                let nearby = site.kind == SiteKind::Tabulated
                    || site
                        .country_iso3
                        .as_deref()
                        .is_some_and(|c| c == MALI_ISO3 || MALI_NEIGHBOURS.contains(&c));
                if nearby {
                    not_mapped.push(site.clone());
                }
            }
        }
    }
    not_mapped.sort_by(|a, b| a.site_id.cmp(&b.site_id));
    svg.push_str(r#"<g class="usgs">"#);
    for (site, lon, lat) in &facilities {
        let (x, y) = proj.project(*lon, *lat);
        let class = CommodityClass::of_site(site);
        let _ = write!(
            svg,
            r#"<rect x="{}" y="{}" width="6.0" height="6.0" fill="{}"><title>{} (USGS facility, {})</title></rect>"#,
            fmt1(x - 3.0),
            fmt1(y - 3.0),
            class.colour(),
            escape(&site.name),
            escape(&site.commodities.join(", "))
        );
    }
    svg.push_str(r#"</g><g class="tab">"#);
    let mut labels = Vec::new();
    for (site, lon, lat) in &tabulated {
        let (x, y) = proj.project(*lon, *lat);
        let class = CommodityClass::of_site(site);
        let approximate = site.coord_precision.as_deref().is_some_and(|p| p != "site");
        let _ = write!(
            svg,
            r#"<path d="{}" fill="{}"><title>{} ({}{})</title></path>"#,
            diamond(x, y, 6.0),
            class.colour(),
            escape(&site.name),
            escape(&site.commodities.join(", ")),
            if approximate {
                format!(
                    "; position: {}",
                    escape(site.coord_precision.as_deref().unwrap_or(""))
                )
            } else {
                String::new()
            }
        );
        let mut text = short_name(&site.name);
        if approximate {
            text = format!("≈ {text}");
        }
        labels.push((x, y, text));
    }
    svg.push_str("</g>");
    svg.push_str(&place_labels(&labels, w, h));
    let _ = write!(
        svg,
        r#"<rect class="border" width="{}" height="{}"/></svg>"#,
        fmt1(w),
        fmt1(h)
    );

    MapOutput {
        svg,
        frame,
        events_drawn: events.len(),
        fatalities_drawn: events.iter().map(|e| u64::from(e.fatalities_best)).sum(),
        max_fatalities: events.iter().map(|e| e.fatalities_best).max().unwrap_or(0),
        sites_drawn: facilities.len() + tabulated.len(),
        not_mapped,
    }
}

/// Counts of drawn events by type of violence, for the legend.
pub fn events_by_violence(
    dataset: &Dataset,
    frame: &Frame,
) -> BTreeMap<Option<ViolenceType>, usize> {
    let mut counts = BTreeMap::new();
    for e in dataset
        .events
        .iter()
        .filter(|e| e.source == EventSource::UcdpGed && frame.contains(e.lon, e.lat))
    {
        *counts.entry(e.violence_type).or_insert(0) += 1;
    }
    counts
}

/// The map's CSS (classes used in the SVG).
pub const MAP_CSS: &str = "\
svg.map{display:block;max-width:100%;height:auto;font-family:inherit}\
.sea{fill:#e8f0f6}.land{fill:#fbfaf7}.land.mali{fill:#f3ead8}\
.adm1 path{fill:none;stroke:#a9a9a9;stroke-width:0.4}\
.stale path{stroke:none}\
.adm0 path{fill:none;stroke:#3b3b3b;stroke-width:1.3;stroke-linejoin:round}\
.events circle{fill-opacity:0.45;stroke-width:0.4;stroke-opacity:0.8}\
.vs{fill:#0072B2;stroke:#0072B2}.vn{fill:#E69F00;stroke:#E69F00}.vo{fill:#D55E00;stroke:#D55E00}.vx{fill:#777;stroke:#777}\
.usgs rect{stroke:#333;stroke-width:0.8}\
.tab path{stroke:#000;stroke-width:1.2}\
.label{font-size:11px;fill:#111;paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}\
.leader{stroke:#444;stroke-width:0.7}\
.border{fill:none;stroke:#888;stroke-width:1}";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn circle_area_is_proportional_to_deaths() {
        let area = |f: u32| std::f64::consts::PI * radius_px(f).powi(2);
        assert!((area(100) / area(1) - 100.0).abs() < 1e-9);
        assert!((area(40) / area(10) - 4.0).abs() < 1e-9);
        assert!((radius_px(25) - 5.0 * RADIUS_PX_PER_SQRT_DEATH).abs() < 1e-12);
        assert_eq!(radius_px(0), ZERO_DEATH_RADIUS_PX);
    }

    #[test]
    fn short_name_drops_parentheses() {
        assert_eq!(
            short_name("Loulo-Gounkoto complex (Yalea, Gara, Gounkoto)"),
            "Loulo-Gounkoto complex"
        );
        assert_eq!(short_name("Syama (incl. Tabakoroni)"), "Syama");
        assert_eq!(short_name("(only)"), "(only)");
    }

    #[test]
    fn frame_defaults_without_mali() {
        assert_eq!(map_frame(&[]), DEFAULT_FRAME);
    }
}
