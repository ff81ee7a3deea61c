//! The brief's "Armed actors around the mines" section: who fights whom in the Sahel, who is
//! active near each mine, and who attacks civilians.
//!
//! What it answers, from UCDP GED only (ACLED is never mixed in) over the last 8 years of GED's
//! stated coverage (the shipped GED 21.1 files end on 2019-12-31: 2012–2019):
//! - a network figure of the organisations in events in Mali, Burkina Faso and Niger: one node
//!   per organisation (`orewatch_core::actors::graph::build_graph`), one edge per dyad;
//!   node AREA ∝ best deaths of the events it took part in, edge WIDTH ∝ √events, colour =
//!   Louvain community (seed [`LOUVAIN_SEED`]; the largest communities by deaths get colours,
//!   the rest grey), labels on the largest nodes where they fit. "Civilians" is never a node.
//! - a table of the organisations active within [`SITE_RADIUS_KM`] km (great-circle) of each
//!   hand-tabulated mine of Mali and its neighbours (events in any country), for the sites with
//!   the most events: events, best deaths, last month seen (month only).
//! - civilian harm by perpetrator: GED one-sided violence events and best deaths per
//!   organisation, state forces included, as a bar table.
//!
//! Layout: each connected component is laid out by Fruchterman–Reingold (1991) with a weak
//! pull to the centre, [`LAYOUT_ITERATIONS`] iterations, linear cooling, initial positions from
//! a seeded SplitMix64 generator; the largest component fills the left of the drawing, the
//! others sit in a grid on the right; overlapping circles are then pushed apart. The same graph
//! gives byte-identical SVG (coordinates written with one decimal). Positions carry no meaning
//! beyond "tied actors are drawn close".
//!
//! Everything shown comes from one request to `orewatch_core::actors::assess::network`
//! ([`network_request`]: the Sahel set `model::regions::SAHEL`, the period, the seed, the
//! sites); this module lays out and renders its result. Names are resolved with the shipped
//! alias table; aliases to UCDP ids missing from the store's actor list (a partial list) are
//! left out.
//!
//! What it does NOT do: show people, days, places finer than a site, event notes, or any
//! prediction. A community is not an alliance: it groups actors that fight each other (or the
//! same opponents) more than others.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use chrono::{Datelike, NaiveDate};
use orewatch_core::actors::assess::{
    self, AliasTable, EventSelection, Inputs, NetworkRequest, NetworkResult, Perpetrator,
    SiteLinksRequest,
};
use orewatch_core::actors::graph::{ActorGraph, ActorNode};
use orewatch_core::actors::metrics::GraphMetrics;
use orewatch_core::actors::resolve::Outcome;
use orewatch_core::model::conflict_countries;
use orewatch_core::model::regions::SAHEL;
use orewatch_core::model::{EventSource, Site, SiteKind};

use crate::map::{MALI_ISO3, MALI_NEIGHBOURS};
use crate::svg::{escape, fmt1};
use crate::BriefInput;

/// Years in the period, ending with the last covered year.
pub const PERIOD_YEARS: i32 = 8;
/// Seed of the Louvain node order and of the layout's initial placement.
pub const LOUVAIN_SEED: u64 = 42;
/// Fruchterman–Reingold iterations.
pub const LAYOUT_ITERATIONS: usize = 400;
/// Radius around a mine site, km.
pub const SITE_RADIUS_KM: f64 = 50.0;
/// Sites shown in the table (most events first) and actors per site.
const TOP_SITES: usize = 8;
const ACTORS_PER_SITE: usize = 5;
/// Labelled nodes at most (largest by deaths first; a label that would overlap is left out).
const LABELLED_NODES: usize = 40;
/// Perpetrators shown in the civilian-harm table.
const TOP_PERPETRATORS: usize = 12;
/// Network drawing size, px.
const NET_W: f64 = 1100.0;
const NET_H: f64 = 640.0;
const MARGIN: f64 = 40.0;
/// Node radius per √death, px (area ∝ deaths), and the minimum radius.
const R_PER_SQRT_DEATH: f64 = 0.9;
const R_MIN: f64 = 3.0;
/// Community colours (ColorBrewer Set1 without yellow, then Dark2); others are grey.
const COMMUNITY_COLOURS: [&str; 9] = [
    "#e41a1c", "#377eb8", "#4daf4a", "#984ea3", "#ff7f00", "#a65628", "#f781bf", "#1b9e77",
    "#7570b3",
];
const OTHER_COMMUNITY: &str = "#9a9a9a";

/// CSS of the section.
pub const ACTORS_CSS: &str = "\
.net .edge{stroke:#555;stroke-opacity:.35;stroke-linecap:round}\
.net{max-width:100%;height:auto}\
.net .node{stroke:#222;stroke-width:.7;fill-opacity:.85}\
.net .lbl{font-size:12px;fill:#111;paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}\
.net .frame{fill:none;stroke:#bbb}\
table.actab{border-collapse:collapse;font-size:13px;margin:6px 0}\
.actab th,.actab td{text-align:left;padding:2px 10px 2px 0;border-bottom:1px solid #ddd;vertical-align:top}\
.actab td.num,.actab th.num{text-align:right}\
.actab td.site{font-weight:600}\
.actab .bar{display:inline-block;height:10px;background:#b2182b;vertical-align:middle}";

/// The period: the last [`PERIOD_YEARS`] years of the coverage, the last one being the year of
/// `end` when `end` is 31 December, else the year before.
pub fn period_of(end: NaiveDate) -> (NaiveDate, NaiveDate) {
    let last = if end.month() == 12 && end.day() == 31 {
        end.year()
    } else {
        end.year() - 1
    };
    let first = last - PERIOD_YEARS + 1;
    (
        NaiveDate::from_ymd_opt(first, 1, 1).unwrap_or(end),
        NaiveDate::from_ymd_opt(last, 12, 31).unwrap_or(end),
    )
}

/// SplitMix64: a tiny seeded generator for the layout's initial placement.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Fruchterman–Reingold positions in the unit square [0, 1]² for `n` nodes and undirected
/// edges (a, b, weight): repulsion k²/d between all pairs, attraction w·d²/k along edges
/// (w = edge weight), a pull of 0.1·d toward the centre, displacement capped by a
/// temperature that cools linearly from 0.1 to 0 over `iterations`. Coordinates are then
/// scaled to fill the unit square. Same input and seed → same output.
pub fn force_layout(
    n: usize,
    edges: &[(usize, usize, f64)],
    seed: u64,
    iterations: usize,
) -> Vec<(f64, f64)> {
    let mut rng = SplitMix64(seed);
    let mut pos: Vec<(f64, f64)> = (0..n).map(|_| (rng.next_f64(), rng.next_f64())).collect();
    if n <= 1 {
        return vec![(0.5, 0.5); n];
    }
    let k = (1.0 / n as f64).sqrt();
    let mut disp = vec![(0.0f64, 0.0f64); n];
    for it in 0..iterations {
        let temperature = 0.1 * (1.0 - it as f64 / iterations as f64);
        for d in disp.iter_mut() {
            *d = (0.0, 0.0);
        }
        for u in 0..n {
            for v in (u + 1)..n {
                let dx = pos[u].0 - pos[v].0;
                let dy = pos[u].1 - pos[v].1;
                let dist = (dx * dx + dy * dy).sqrt().max(1e-6);
                let f = k * k / dist;
                disp[u].0 += dx / dist * f;
                disp[u].1 += dy / dist * f;
                disp[v].0 -= dx / dist * f;
                disp[v].1 -= dy / dist * f;
            }
        }
        for &(a, b, w) in edges {
            if a >= n || b >= n || a == b {
                continue;
            }
            let dx = pos[a].0 - pos[b].0;
            let dy = pos[a].1 - pos[b].1;
            let dist = (dx * dx + dy * dy).sqrt().max(1e-6);
            let f = w * dist * dist / k;
            disp[a].0 -= dx / dist * f;
            disp[a].1 -= dy / dist * f;
            disp[b].0 += dx / dist * f;
            disp[b].1 += dy / dist * f;
        }
        for u in 0..n {
            disp[u].0 -= 0.1 * (pos[u].0 - 0.5);
            disp[u].1 -= 0.1 * (pos[u].1 - 0.5);
            let len = (disp[u].0 * disp[u].0 + disp[u].1 * disp[u].1).sqrt();
            if len > 0.0 {
                let step = len.min(temperature);
                pos[u].0 += disp[u].0 / len * step;
                pos[u].1 += disp[u].1 / len * step;
            }
        }
    }
    // Fill the unit square.
    let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for &(x, y) in &pos {
        x0 = x0.min(x);
        x1 = x1.max(x);
        y0 = y0.min(y);
        y1 = y1.max(y);
    }
    let sx = if x1 > x0 { x1 - x0 } else { 1.0 };
    let sy = if y1 > y0 { y1 - y0 } else { 1.0 };
    pos.iter()
        .map(|&(x, y)| {
            (
                if x1 > x0 { (x - x0) / sx } else { 0.5 },
                if y1 > y0 { (y - y0) / sy } else { 0.5 },
            )
        })
        .collect()
}

fn node_radius(deaths: u64) -> f64 {
    (R_PER_SQRT_DEATH * (deaths as f64).sqrt()).max(R_MIN)
}

fn edge_width(events: u64) -> f64 {
    0.5 + 0.45 * (events as f64).sqrt()
}

/// A short label: UCDP's names can be long ("Government of Burkina Faso").
fn short_label(name: &str) -> String {
    let name = name.trim();
    let name = name
        .strip_prefix("Government of ")
        .map_or_else(|| name.to_string(), |country| format!("Gov. of {country}"));
    if name.chars().count() > 34 {
        let cut: String = name.chars().take(32).collect();
        format!("{}…", cut.trim_end())
    } else {
        name
    }
}

/// Community colours: communities ranked by the deaths of their members (ties: lowest
/// label), the first [`COMMUNITY_COLOURS`] get colours.
fn community_colours(graph: &ActorGraph, m: &GraphMetrics) -> BTreeMap<usize, &'static str> {
    let mut deaths: BTreeMap<usize, u64> = BTreeMap::new();
    for (node, nm) in graph.nodes.iter().zip(&m.nodes) {
        *deaths.entry(nm.community).or_default() += node.fatalities_best;
    }
    let mut ranked: Vec<(usize, u64)> = deaths.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    ranked
        .iter()
        .enumerate()
        .map(|(i, (c, _))| {
            (
                *c,
                COMMUNITY_COLOURS.get(i).copied().unwrap_or(OTHER_COMMUNITY),
            )
        })
        .collect()
}

/// An axis-aligned box (x0, y0, x1, y1).
type Bbox = (f64, f64, f64, f64);

fn overlaps(a: &Bbox, b: &Bbox) -> bool {
    a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3
}

/// Connected components (node lists in index order), largest first (ties: lowest node).
fn components(n: usize, edges: &[(usize, usize, f64)]) -> Vec<Vec<usize>> {
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(parent: &mut [usize], mut u: usize) -> usize {
        while parent[u] != u {
            parent[u] = parent[parent[u]];
            u = parent[u];
        }
        u
    }
    for &(a, b, _) in edges {
        if a < n && b < n {
            let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
            if ra != rb {
                parent[ra.max(rb)] = ra.min(rb);
            }
        }
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for u in 0..n {
        let r = find(&mut parent, u);
        groups.entry(r).or_default().push(u);
    }
    let mut out: Vec<Vec<usize>> = groups.into_values().collect();
    out.sort_by(|a, b| b.len().cmp(&a.len()).then(a[0].cmp(&b[0])));
    out
}

/// Lays out one component in the box (x0, y0, x1, y1), px.
fn place_component(
    members: &[usize],
    edges: &[(usize, usize, f64)],
    area: Bbox,
    pos: &mut [(f64, f64)],
) {
    let local: BTreeMap<usize, usize> = members.iter().enumerate().map(|(i, &u)| (u, i)).collect();
    let sub: Vec<(usize, usize, f64)> = edges
        .iter()
        .filter_map(|&(a, b, w)| Some((*local.get(&a)?, *local.get(&b)?, w)))
        .collect();
    let unit = force_layout(members.len(), &sub, LOUVAIN_SEED, LAYOUT_ITERATIONS);
    for (i, &u) in members.iter().enumerate() {
        pos[u] = (
            area.0 + unit[i].0 * (area.2 - area.0),
            area.1 + unit[i].1 * (area.3 - area.1),
        );
    }
}

/// Pushes overlapping circles apart (pairs within `gap` px), a fixed number of rounds, then
/// clamps every circle into the drawing.
fn separate(pos: &mut [(f64, f64)], radius: &[f64], gap: f64) {
    let n = pos.len();
    for _ in 0..200 {
        let mut moved = false;
        for u in 0..n {
            for v in (u + 1)..n {
                let dx = pos[v].0 - pos[u].0;
                let dy = pos[v].1 - pos[u].1;
                let dist = (dx * dx + dy * dy).sqrt();
                let need = radius[u] + radius[v] + gap;
                if dist < need {
                    let (ux, uy) = if dist > 1e-9 {
                        (dx / dist, dy / dist)
                    } else {
                        (1.0, 0.0)
                    };
                    let push = (need - dist) / 2.0;
                    pos[u].0 -= ux * push;
                    pos[u].1 -= uy * push;
                    pos[v].0 += ux * push;
                    pos[v].1 += uy * push;
                    moved = true;
                }
            }
        }
        for (p, r) in pos.iter_mut().zip(radius) {
            p.0 = p.0.clamp(r + 4.0, NET_W - r - 4.0);
            p.1 = p.1.clamp(r + 4.0, NET_H - r - 4.0);
        }
        if !moved {
            break;
        }
    }
}

/// Node positions, px: the largest connected component fills the left of the drawing; the
/// other components sit in a grid of cells on the right, largest first; overlapping circles
/// are then pushed apart.
fn network_positions(graph: &ActorGraph, edges: &[(usize, usize, f64)]) -> Vec<(f64, f64)> {
    let n = graph.nodes.len();
    let mut pos = vec![(NET_W / 2.0, NET_H / 2.0); n];
    let comps = components(n, edges);
    let split = if comps.len() > 1 { NET_W * 0.70 } else { NET_W };
    if let Some(main) = comps.first() {
        place_component(
            main,
            edges,
            (
                MARGIN + 110.0,
                MARGIN,
                split - MARGIN - 110.0,
                NET_H - MARGIN,
            ),
            &mut pos,
        );
    }
    let rest = &comps[comps.len().min(1)..];
    if !rest.is_empty() {
        let cols = 2usize;
        let rows = rest.len().div_ceil(cols);
        let cell_w = (NET_W - split - MARGIN) / cols as f64;
        let cell_h = (NET_H - 2.0 * MARGIN) / rows.max(1) as f64;
        for (i, comp) in rest.iter().enumerate() {
            let (c, r) = (i % cols, i / cols);
            let x0 = split + c as f64 * cell_w;
            let y0 = MARGIN + r as f64 * cell_h;
            let pad_x = (cell_w * 0.3).min(40.0);
            let pad_y = (cell_h * 0.3).min(30.0);
            place_component(
                comp,
                edges,
                (
                    x0 + pad_x,
                    y0 + pad_y,
                    x0 + cell_w - pad_x,
                    y0 + cell_h - pad_y,
                ),
                &mut pos,
            );
        }
    }
    let radius: Vec<f64> = graph
        .nodes
        .iter()
        .map(|nd| node_radius(nd.fatalities_best))
        .collect();
    separate(&mut pos, &radius, 3.0);
    pos
}

/// The network figure (inline SVG).
pub fn network_svg(graph: &ActorGraph, m: &GraphMetrics) -> String {
    let n = graph.nodes.len();
    let edges: Vec<(usize, usize, f64)> = graph
        .edges
        .iter()
        .map(|e| (e.a, e.b, 1.0 + (e.events as f64).ln()))
        .collect();
    let pos = network_positions(graph, &edges);
    let colours = community_colours(graph, m);
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="net" xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" aria-label="Network of armed organisations: edges are pairs that fought each other">"#,
        w = fmt1(NET_W),
        h = fmt1(NET_H)
    );
    // Edges, thinnest first.
    let mut order: Vec<usize> = (0..graph.edges.len()).collect();
    order.sort_by_key(|&i| (graph.edges[i].events, i));
    svg.push_str("<g>");
    for i in order {
        let e = &graph.edges[i];
        let (a, b) = (pos[e.a], pos[e.b]);
        let _ = write!(
            svg,
            r#"<line class="edge" x1="{}" y1="{}" x2="{}" y2="{}" stroke-width="{}"><title>{} – {}: {} events, {} deaths, {} to {}</title></line>"#,
            fmt1(a.0),
            fmt1(a.1),
            fmt1(b.0),
            fmt1(b.1),
            fmt1(edge_width(e.events)),
            escape(&graph.nodes[e.a].name),
            escape(&graph.nodes[e.b].name),
            e.events,
            e.fatalities_best,
            e.first_month,
            e.last_month
        );
    }
    svg.push_str("</g><g>");
    // Nodes, largest first so small ones stay visible.
    let mut nodes: Vec<usize> = (0..n).collect();
    nodes.sort_by(|&x, &y| {
        graph.nodes[y]
            .fatalities_best
            .cmp(&graph.nodes[x].fatalities_best)
            .then(x.cmp(&y))
    });
    for &u in &nodes {
        let node = &graph.nodes[u];
        let colour = m
            .nodes
            .get(u)
            .and_then(|nm| colours.get(&nm.community))
            .copied()
            .unwrap_or(OTHER_COMMUNITY);
        let _ = write!(
            svg,
            r#"<circle class="node" cx="{}" cy="{}" r="{}" fill="{}"><title>{}{} — {} events, {} deaths in its events, {} one-sided events against civilians, active {} to {}</title></circle>"#,
            fmt1(pos[u].0),
            fmt1(pos[u].1),
            fmt1(node_radius(node.fatalities_best)),
            colour,
            escape(&node.name),
            escape(&kind_note(node)),
            node.events,
            node.fatalities_best,
            node.civilian_events,
            node.first_month,
            node.last_month
        );
    }
    svg.push_str("</g><g>");
    // Labels: largest nodes first; a label goes right, left, above, below or diagonally off its node, the
    // first place that overlaps no placed label and no other node's circle; else none.
    let circles: Vec<Bbox> = (0..n)
        .map(|u| {
            let r = node_radius(graph.nodes[u].fatalities_best);
            (pos[u].0 - r, pos[u].1 - r, pos[u].0 + r, pos[u].1 + r)
        })
        .collect();
    let mut placed: Vec<Bbox> = Vec::new();
    for &u in nodes.iter().take(LABELLED_NODES) {
        let label = short_label(&graph.nodes[u].name);
        let tw = 6.6 * label.chars().count() as f64;
        let th = 13.0;
        let r = node_radius(graph.nodes[u].fatalities_best);
        let (x, y) = pos[u];
        let candidates = [
            (x + r + 3.0, y + 4.0, "start"),
            (x - r - 3.0, y + 4.0, "end"),
            (x, y - r - 4.0, "middle"),
            (x, y + r + 13.0, "middle"),
            (x + r * 0.7 + 2.0, y - r * 0.7 - 2.0, "start"),
            (x - r * 0.7 - 2.0, y - r * 0.7 - 2.0, "end"),
            (x + r * 0.7 + 2.0, y + r * 0.7 + 11.0, "start"),
            (x - r * 0.7 - 2.0, y + r * 0.7 + 11.0, "end"),
        ];
        for (lx, ly, anchor) in candidates {
            let x0 = match anchor {
                "start" => lx,
                "end" => lx - tw,
                _ => lx - tw / 2.0,
            };
            let bbox = (x0, ly - th + 2.0, x0 + tw, ly + 2.0);
            let inside = bbox.0 >= 0.0 && bbox.2 <= NET_W && bbox.1 >= 0.0 && bbox.3 <= NET_H;
            let clear = placed.iter().all(|p| !overlaps(p, &bbox))
                && circles
                    .iter()
                    .enumerate()
                    .all(|(v, c)| v == u || !overlaps(c, &bbox));
            if inside && clear {
                let _ = write!(
                    svg,
                    r#"<text class="lbl" x="{}" y="{}" text-anchor="{anchor}">{}</text>"#,
                    fmt1(lx),
                    fmt1(ly),
                    escape(&label)
                );
                placed.push(bbox);
                break;
            }
        }
    }
    let _ = write!(
        svg,
        r#"</g><rect class="frame" x="0.5" y="0.5" width="{}" height="{}"/></svg>"#,
        fmt1(NET_W - 1.0),
        fmt1(NET_H - 1.0)
    );
    svg
}

/// One site's row group in the site table.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteRows {
    pub site_id: String,
    pub site_name: String,
    pub country: String,
    /// Distinct events within the radius in the period.
    pub events: u64,
    /// (actor, events, best deaths, last month seen), most events first.
    pub actors: Vec<(String, u64, u64, String)>,
    /// Further actors not listed.
    pub more: usize,
}

/// The hand-tabulated mines of Mali and its neighbours with coordinates: the sites the
/// section asks about.
fn table_site_ids(sites: &[Site]) -> Vec<String> {
    sites
        .iter()
        .filter(|s| s.kind == SiteKind::Tabulated && s.has_coordinates())
        .filter(|s| {
            s.country_iso3
                .as_deref()
                .is_some_and(|c| c == MALI_ISO3 || MALI_NEIGHBOURS.contains(&c))
        })
        .map(|s| s.site_id.clone())
        .collect()
}

/// The rows of the site table: the [`TOP_SITES`] sites with the most events (the
/// assessment's order), each with its first [`ACTORS_PER_SITE`] organisations.
pub fn site_rows(result: &NetworkResult) -> Vec<SiteRows> {
    result
        .site_events
        .iter()
        .take(TOP_SITES)
        .map(|site| {
            let mine: Vec<_> = result
                .site_links
                .iter()
                .filter(|r| r.site_id == site.site_id)
                .collect();
            SiteRows {
                site_id: site.site_id.clone(),
                site_name: site.site_name.clone(),
                country: site.country_iso3.clone().unwrap_or_default(),
                events: site.events,
                actors: mine
                    .iter()
                    .take(ACTORS_PER_SITE)
                    .map(|r| {
                        (
                            r.actor_name.clone(),
                            r.events,
                            r.fatalities_best,
                            r.last_month.to_string(),
                        )
                    })
                    .collect(),
                more: mine.len().saturating_sub(ACTORS_PER_SITE),
            }
        })
        .collect()
}

fn org_label(p: &Perpetrator) -> &'static str {
    match (p.kind, p.org_type) {
        (Outcome::Ambiguous, _) => "ambiguous (A and/or B)",
        (Outcome::Unlisted, _) if p.name.starts_with("Government of") => {
            "state (not in the UCDP list)"
        }
        (Outcome::Unlisted, _) => "not in the UCDP list",
        (_, Some(4)) => "state",
        (_, Some(_)) => "non-state",
        (_, None) => "—",
    }
}

/// What a node is, for its tooltip: nothing for a UCDP actor.
fn kind_note(node: &ActorNode) -> String {
    match node.kind {
        Outcome::Unlisted => " (not in the UCDP actor list)".into(),
        Outcome::Ambiguous => format!(" (ambiguous: {})", node.candidates.join(" and/or ")),
        _ => String::new(),
    }
}

/// The names of the section's countries, as the country table gives them.
fn sahel_names() -> String {
    SAHEL
        .iter()
        .map(|c| conflict_countries::by_iso3(c).map_or(*c, |r| r.acled))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The section's request: GED events of the Sahel in `from..=to`, the Louvain seed, and the
/// organisations within [`SITE_RADIUS_KM`] of the tabulated mines (events in any country).
pub fn network_request(sites: &[Site], from: NaiveDate, to: NaiveDate) -> NetworkRequest {
    let site_ids = table_site_ids(sites);
    NetworkRequest {
        selection: EventSelection {
            source: Some(EventSource::UcdpGed),
            countries: SAHEL.iter().map(|c| c.to_string()).collect(),
            from: Some(from),
            to: Some(to),
        },
        seed: LOUVAIN_SEED,
        site_links: (!site_ids.is_empty()).then_some(SiteLinksRequest {
            radius_km: SITE_RADIUS_KM,
            any_country: true,
            site_ids,
        }),
    }
}

/// The whole section.
pub fn actors_section(input: &BriefInput) -> String {
    let mut s = String::from(r#"<section><h2>Armed actors around the mines</h2>"#);
    let dataset = input.dataset;
    let Some(coverage) = crate::ged_coverage(input) else {
        s.push_str("<p>No UCDP GED events were ingested: the actors of the conflict cannot be shown.</p></section>");
        return s;
    };
    if dataset.actors.is_empty() {
        s.push_str("<p>No UCDP actor list was ingested (ucdp_actor_v22_1.csv): the events' side names cannot be resolved to organisations, so no network or table is drawn.</p></section>");
        return s;
    }
    let table = match AliasTable::shipped_for(&dataset.actors) {
        Ok(t) => t,
        Err(e) => {
            let _ = write!(
                s,
                "<p>The shipped alias table could not be read: {}</p></section>",
                escape(&e.to_string())
            );
            return s;
        }
    };
    let (from, to) = period_of(coverage.end);
    let inputs = Inputs {
        dataset,
        sources: input.sources,
        aliases: &table,
    };
    let result = match assess::network(&inputs, &network_request(&dataset.sites, from, to)) {
        Ok(r) => r,
        Err(e) => {
            let _ = write!(
                s,
                "<p>The actor network could not be computed: {}</p></section>",
                escape(&e.to_string())
            );
            return s;
        }
    };
    let graph = &result.graph;
    let period = format!("{}–{}", from.year(), to.year());
    if graph.nodes.is_empty() {
        let _ = write!(
            s,
            "<p>No UCDP GED event in {} in {period} has an organisation on either side: no network to draw.</p></section>",
            sahel_names()
        );
        return s;
    }
    let m = &result.metrics;
    let r = &graph.resolution;
    let _ = write!(
        s,
        r#"<p class="lede">Organisations in UCDP GED events in {countries}, {period} (the last {years} years of the data's coverage): <strong>{nodes}</strong> organisations, <strong>{dyads}</strong> pairs that fought each other, from <strong>{events}</strong> events; {res} of the {all} events with an organisation have every organisation resolved to the UCDP actor list.</p>"#,
        countries = sahel_names(),
        years = PERIOD_YEARS,
        nodes = graph.nodes.len(),
        dyads = graph.edges.len(),
        events = graph.events,
        res = r.events_resolved,
        all = r.events_with_organisation,
    );
    s.push_str(r#"<div class="figure">"#);
    s.push_str(&network_svg(graph, m));
    s.push_str("</div>");
    // Legend of the communities that got a colour.
    let colours = community_colours(graph, m);
    s.push_str(r#"<div class="legend"><div class="lg"><h4>Louvain communities (seed "#);
    let _ = write!(s, "{LOUVAIN_SEED}), largest members</h4><ul>");
    let mut shown: BTreeSet<usize> = BTreeSet::new();
    let mut ranked: Vec<(usize, &str)> = colours.iter().map(|(c, col)| (*c, *col)).collect();
    ranked.sort_by_key(|(c, col)| {
        (
            COMMUNITY_COLOURS
                .iter()
                .position(|x| x == col)
                .unwrap_or(usize::MAX),
            *c,
        )
    });
    for (c, colour) in ranked {
        if colour == OTHER_COMMUNITY || !shown.insert(c) {
            continue;
        }
        let mut members: Vec<&ActorNode> = graph
            .nodes
            .iter()
            .zip(&m.nodes)
            .filter(|(_, nm)| nm.community == c)
            .map(|(n, _)| n)
            .collect();
        members.sort_by(|a, b| {
            b.fatalities_best
                .cmp(&a.fatalities_best)
                .then_with(|| a.name.cmp(&b.name))
        });
        let names: Vec<String> = members
            .iter()
            .take(3)
            .map(|n| escape(&short_label(&n.name)))
            .collect();
        let _ = write!(
            s,
            r#"<li><span class="sw" style="background:{colour}"></span>{}{} ({} actor{})</li>"#,
            names.join(", "),
            if members.len() > 3 { ", …" } else { "" },
            members.len(),
            if members.len() == 1 { "" } else { "s" }
        );
    }
    let _ = write!(
        s,
        r#"<li><span class="sw" style="background:{OTHER_COMMUNITY}"></span>smaller communities</li></ul></div>"#
    );
    let _ = write!(
        s,
        r#"<div class="lg"><p class="small">Node AREA ∝ deaths (best estimate) in the events the organisation took part in (radius {} px × √deaths, at least {} px); edge width ∝ √events of the pair. Colours: Louvain communities on event counts, modularity {:.3} — a community groups actors that fight each other or the same opponents; it is not an alliance. Civilians are never a node: one-sided violence is counted on the attacker (table below). Layout: Fruchterman–Reingold per connected component ({} iterations, seed {}), the largest component on the left, the others on the right; position carries no geographic meaning.</p></div></div>"#,
        R_PER_SQRT_DEATH, R_MIN, m.modularity, LAYOUT_ITERATIONS, LOUVAIN_SEED
    );

    s.push_str(&sites_table(&result, &period));
    s.push_str(&harm_table(&result, &period));
    s.push_str("</section>");
    s
}

fn sites_table(result: &NetworkResult, period: &str) -> String {
    let mut s =
        format!("<h3>Armed organisations within {SITE_RADIUS_KM} km of the mines, {period}</h3>");
    let rows = site_rows(result);
    if rows.is_empty() {
        let _ = write!(s, "<p>No UCDP GED event of {period} lies within {SITE_RADIUS_KM} km of a hand-tabulated mine of Mali or its neighbours with coordinates.</p>");
        return s;
    }
    s.push_str(r#"<table class="actab"><thead><tr><th>mine site</th><th class="num">events within 50 km</th><th>organisation</th><th class="num">events</th><th class="num">deaths</th><th>last month seen</th></tr></thead><tbody>"#);
    for site in &rows {
        let span = site.actors.len().max(1) + usize::from(site.more > 0);
        let _ = write!(
            s,
            r#"<tr><td class="site" rowspan="{span}">{} ({})</td><td class="num" rowspan="{span}">{}</td>"#,
            escape(&site.site_name),
            escape(&site.country),
            site.events
        );
        if site.actors.is_empty() {
            s.push_str(r#"<td colspan="4">no organisation resolved</td></tr>"#);
        }
        for (i, (name, ev, deaths, month)) in site.actors.iter().enumerate() {
            if i > 0 {
                s.push_str("<tr>");
            }
            let _ = write!(
                s,
                r#"<td>{}</td><td class="num">{ev}</td><td class="num">{deaths}</td><td>{}</td></tr>"#,
                escape(name),
                escape(month)
            );
        }
        if site.more > 0 {
            let _ = write!(
                s,
                r#"<tr><td colspan="4" class="small">and {} more organisation{}</td></tr>"#,
                site.more,
                if site.more == 1 { "" } else { "s" }
            );
        }
    }
    s.push_str("</tbody></table>");
    let _ = write!(
        s,
        r#"<p class="caption">Hand-tabulated mines of Mali and its neighbours with the most UCDP GED events within {SITE_RADIUS_KM} km (great-circle; events in any country), {period}; up to {ACTORS_PER_SITE} organisations per site, most events first. An organisation's events and deaths are those of the events it took part in within the radius (an event counts for each side); the last month seen is the month of its latest event there. Organisations only, months only.</p>"#
    );
    s
}

fn harm_table(result: &NetworkResult, period: &str) -> String {
    let mut s = format!(
        "<h3>Civilian harm by perpetrator, {}, {period}</h3>",
        sahel_names()
    );
    let rows = &result.perpetrators;
    if rows.is_empty() {
        s.push_str("<p>No one-sided violence against civilians in these events.</p>");
        return s;
    }
    let max = rows
        .iter()
        .map(|r| r.civilian_deaths)
        .max()
        .unwrap_or(0)
        .max(1);
    s.push_str(r#"<table class="actab"><thead><tr><th>perpetrator</th><th>kind (UCDP)</th><th class="num">events</th><th class="num">deaths</th><th></th></tr></thead><tbody>"#);
    for p in rows.iter().take(TOP_PERPETRATORS) {
        let _ = write!(
            s,
            r#"<tr><td>{}</td><td>{}</td><td class="num">{}</td><td class="num">{}</td><td><span class="bar" style="width:{}px"></span></td></tr>"#,
            escape(&p.name),
            org_label(p),
            p.civilian_events,
            p.civilian_deaths,
            fmt1(1.0 + 260.0 * p.civilian_deaths as f64 / max as f64)
        );
    }
    s.push_str("</tbody></table>");
    let rest = rows.len().saturating_sub(TOP_PERPETRATORS);
    let (total_events, total_deaths) = rows.iter().fold((0, 0), |acc, r| {
        (acc.0 + r.civilian_events, acc.1 + r.civilian_deaths)
    });
    let _ = write!(
        s,
        r#"<p class="caption">UCDP one-sided violence: the deliberate use of armed force by a government or a formally organised group against civilians; UCDP records it only for actors that kill at least 25 civilians in a calendar year (extrajudicial killings in custody are excluded), so smaller perpetrators are missing. State forces are included as UCDP records them. Deaths: best estimate. In all, {total_events} events and {total_deaths} deaths by {} perpetrators{}. Some source files hold only precisely located events (see the location-precision section), so counts can be lower than UCDP's totals.</p>"#,
        rows.len(),
        if rest > 0 {
            format!(" ({rest} not listed)")
        } else {
            String::new()
        }
    );
    s
}
