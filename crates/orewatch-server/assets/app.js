// orewatch map page: every number comes from the local API (/api/...), which answers with the
// assessments of the orewatch library: the page computes nothing but filters and counts of
// what it shows.
"use strict";

const COUNTRIES = "MLI,BFA,NER";
const VERDICT_COLOURS = {
  "conflict-affected": "#b2182b",
  "high-risk": "#ef8a62",
  "neither": "#67a9cf",
  "insufficient-data": "#bdbdbd",
};
const VIOLENCE_COLOURS = { StateBased: "#d7301f", NonState: "#7a0177", OneSided: "#fd8d3c" };
const VIOLENCE_NAMES = { StateBased: "state-based", NonState: "non-state", OneSided: "one-sided" };
const COMMODITY_COLOURS = { gold: "#d4a017", lithium: "#2b8cbe", other: "#636363" };

const $ = (id) => document.getElementById(id);
const fmt = (x, d = 0) => (x === null || x === undefined ? "—" : Number(x).toLocaleString("en", { maximumFractionDigits: d, minimumFractionDigits: d }));
const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));

async function api(path) {
  const r = await fetch(path);
  const body = await r.json();
  if (!r.ok) throw new Error(body.error || r.statusText);
  return body;
}

const map = L.map("map", { preferCanvas: true, keyboard: true }).setView([15, -2], 5);
const canvas = L.canvas();
// Sites on a pane and canvas of their own, above the events and the CAHRA polygons, so that
// a click on a site always reaches it.
map.createPane("sites").style.zIndex = 650;
const siteCanvas = L.canvas({ pane: "sites" });
const layers = { boundaries: L.layerGroup(), events: L.layerGroup(), sites: L.layerGroup(), cahra: L.layerGroup() };
let events = [];
let sites = [];
let cahraBySite = {};
let cahraYear = null;
let coverageEnd = null;

function commodityGroup(props) {
  const c = (props.commodities || []).join(" ").toLowerCase();
  if (c.includes("lithium")) return "lithium";
  if (c.includes("gold")) return "gold";
  return "other";
}

function legend() {
  let html = "<strong>Legend</strong><br>";
  html += "<em>Events</em> (circle area ∝ deaths, best estimate)<br>";
  for (const [k, c] of Object.entries(VIOLENCE_COLOURS)) html += `<span class="swatch" style="background:${c}"></span>${VIOLENCE_NAMES[k]}<br>`;
  html += "<em>Mine sites</em> by commodity<br>";
  for (const [k, c] of Object.entries(COMMODITY_COLOURS)) html += `<span class="swatch" style="background:${c};border-radius:50%"></span>${k}<br>`;
  html += `<em>CAHRA ${cahraYear ?? ""}</em><br>`;
  for (const [k, c] of Object.entries(VERDICT_COLOURS)) html += `<span class="swatch" style="background:${c}"></span>${k}<br>`;
  $("legend").innerHTML = html;
}

function toggle(name) {
  const on = $("layer-" + name).checked;
  if (on) layers[name].addTo(map); else map.removeLayer(layers[name]);
}

function drawEvents() {
  layers.events.clearLayers();
  const allYears = $("all-years").checked;
  const year = Number($("year").value);
  $("year-label").textContent = allYears ? "all" : String(year);
  const kinds = new Set([...document.querySelectorAll("#violence input:checked")].map((i) => i.value));
  let n = 0, deaths = 0;
  for (const e of events) {
    const p = e.properties;
    if (!allYears && Number(p.date_start.slice(0, 4)) !== year) continue;
    if (!kinds.has(p.violence_type)) continue;
    n += 1;
    deaths += p.fatalities_best;
    const [lon, lat] = e.geometry.coordinates;
    L.circleMarker([lat, lon], {
      renderer: canvas, radius: 2 + Math.sqrt(p.fatalities_best), weight: 0.5,
      color: VIOLENCE_COLOURS[p.violence_type] || "#444", fillOpacity: 0.5,
    }).bindTooltip(`${esc(p.date_start)} · ${esc(VIOLENCE_NAMES[p.violence_type] || "")} · ${esc(p.side_a)}${p.side_b ? " vs " + esc(p.side_b) : ""} · ${p.fatalities_best} deaths (best)`).addTo(layers.events);
  }
  $("event-count").textContent = `${fmt(n)} events, ${fmt(deaths)} deaths (best estimate) in ${allYears ? "all years" : year}`;
  $("event-count").dataset.count = String(n);
}

function drawSites() {
  layers.sites.clearLayers();
  const want = $("commodity").value;
  let n = 0;
  for (const s of sites) {
    if (!s.geometry) continue;
    const group = commodityGroup(s.properties);
    if (want && group !== want) continue;
    n += 1;
    const [lon, lat] = s.geometry.coordinates;
    const m = L.circleMarker([lat, lon], {
      renderer: siteCanvas, pane: "sites",
      radius: s.properties.kind === "Tabulated" ? 8 : 5, color: "#000", weight: 1,
      fillColor: COMMODITY_COLOURS[group], fillOpacity: 0.9,
    });
    m.bindTooltip(esc(s.properties.name));
    m.on("click", () => openSite(s.properties.site_id));
    m.addTo(layers.sites);
  }
  $("site-count").textContent = `${fmt(n)} sites shown`;
}

async function loadCahra(year) {
  const q = `countries=${COUNTRIES}` + (year ? `&year=${year}` : "");
  const [geo, full] = await Promise.all([api(`/api/cahra/regions.geojson?${q}`), api(`/api/cahra?${q}`)]);
  cahraYear = full.year;
  cahraBySite = Object.fromEntries(full.sites.map((s) => [s.site_id, s]));
  layers.cahra.clearLayers();
  L.geoJSON(geo, {
    style: (f) => ({ color: "#333", weight: 0.6, fillColor: VERDICT_COLOURS[f.properties.verdict], fillOpacity: 0.55 }),
    onEachFeature: (f, l) => l.bindTooltip(`${esc(f.properties.name)}: ${esc(f.properties.verdict)}`),
  }).addTo(layers.cahra);
  const counts = {};
  for (const r of full.regions) counts[r.verdict] = (counts[r.verdict] || 0) + 1;
  $("cahra-note").textContent = `${full.year}, ${full.source}: ` + Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(", ") + ` (rules ${full.rules_file})`;
  legend();
}

function chart(el, monthly) {
  const rows = monthly.rows;
  const xs = rows.map((r) => Date.UTC(Number(r.month.slice(0, 4)), Number(r.month.slice(5, 7)) - 1, 15) / 1000);
  const ys = rows.map((r) => r.exposure_index);
  const ev = rows.map((r) => r.events);
  el.innerHTML = "";
  new uPlot({
    width: 330, height: 180, title: "Exposure index and events in the window, by month",
    series: [{}, { label: "index", stroke: "#b2182b", scale: "i" }, { label: "events", stroke: "#2b8cbe", scale: "n" }],
    axes: [{}, { scale: "i", label: "index" }, { scale: "n", side: 1, label: "events", grid: { show: false } }],
  }, [xs, ys, ev], el);
}

async function openSite(id) {
  const panel = $("site");
  $("site-picker").value = id;
  const site = sites.find((s) => s.properties.site_id === id);
  if (!site) return;
  const p = site.properties;
  panel.innerHTML = `<h2 id="site-name">${esc(p.name)}</h2><p class="note">loading…</p>`;
  $("panel").focus();
  const owners = (p.owners || []).map((o) => `<tr><td>${esc(o.owner)}</td><td class="n">${o.share_pct === null ? "—" : fmt(o.share_pct, 0) + " %"}</td><td>${esc(o.home_country || "—")}</td></tr>`).join("");
  let html = `<h2 id="site-name">${esc(p.name)}</h2>
    <p>${esc(p.site_id)} · ${esc(p.country_iso3 || "")} · ${esc((p.commodities || []).join(", "))}${p.status ? " · " + esc(p.status) : ""}</p>`;
  if (owners) html += `<h3>Owners and their home countries</h3><table><tr><th>owner</th><th>share</th><th>home</th></tr>${owners}</table>`;
  try {
    const ex = await api(`/api/exposure?site=${encodeURIComponent(id)}&radius_km=50&window_days=365`);
    const r = ex.rows[0];
    html += `<h3>Exposure within ${fmt(r.radius_km)} km, 365 days to ${esc(ex.params.as_of)}</h3>
      <table id="exposure" data-as-of="${esc(ex.params.as_of)}">
      <tr><td>events</td><td class="n" data-field="events">${fmt(r.events)}</td></tr>
      <tr><td>deaths (best estimate)</td><td class="n" data-field="fatalities_best">${fmt(r.fatalities_best)}</td></tr>
      <tr><td>exposure index (deaths, half-life ${fmt(ex.params.half_life_days)} days)</td><td class="n" data-field="exposure_index">${fmt(r.exposure_index, 2)}</td></tr>
      <tr><td>trend vs the previous 365 days</td><td class="n">${esc(r.trend ? r.trend.label : "—")}</td></tr>
      <tr><td>coverage</td><td>${esc(r.coverage)}${r.coverage_note ? " — " + esc(r.coverage_note) : ""}</td></tr>
      </table><p class="note">${esc(ex.coverage.source)} stated coverage ${esc(ex.coverage.start)} to ${esc(ex.coverage.end)}. Same numbers: <code>${esc(ex.provenance.command)}</code></p>`;
    const actors = (r.top_actors_by_events || []).map((a) => `<tr><td>${esc(a.name)}</td><td>${esc(a.side)}</td><td class="n">${fmt(a.events)}</td><td class="n">${fmt(a.fatalities_best)}</td><td>${esc(a.last_seen)}</td></tr>`).join("");
    html += `<h3>Armed organisations within ${fmt(r.radius_km)} km</h3>` + (actors ? `<table><tr><th>organisation</th><th>side</th><th>events</th><th>deaths</th><th>last seen</th></tr>${actors}</table>` : "<p>none in the window</p>");
  } catch (e) {
    html += `<p class="note">exposure: ${esc(e.message)}</p>`;
  }
  const v = cahraBySite[id];
  if (v) {
    const fired = (v.fired || []).map((c) => `<li>${esc(c.rule)} [${esc(c.scope)}]: ${esc(c.detail)}</li>`).join("");
    html += `<h3>CAHRA ${cahraYear}</h3><p><span class="verdict" style="background:${VERDICT_COLOURS[v.verdict]}">${esc(v.verdict)}</span> region ${esc(v.region_name || "—")} (${esc(v.region_verdict || "—")})</p>` +
      (fired ? `<ul>${fired}</ul>` : "") + ((v.insufficient || []).length ? `<p class="note">${esc(v.insufficient.join("; "))}</p>` : "");
  }
  html += `<h3>Exposure over time</h3><div id="chart"></div>`;
  panel.innerHTML = html;
  try {
    chart($("chart"), await api(`/api/exposure/monthly?site=${encodeURIComponent(id)}&radius_km=50&from=2012-01-01`));
  } catch (e) {
    $("chart").textContent = "chart: " + e.message;
  }
}

async function main() {
  legend();
  const ds = await api("/api/datasets");
  const ged = ds.kinds.find((k) => k.kind === "ucdp_ged");
  $("vintage").textContent = `store generation ${ds.generation} (${ds.written_at}); ` +
    ds.kinds.map((k) => `${k.kind} ${k.releases.join(",")} ${k.first ?? ""}–${k.last ?? ""}`).join(" · ");
  const [bounds, ev, st] = await Promise.all([
    api(`/api/boundaries.geojson?level=1&countries=${COUNTRIES}`),
    api(`/api/events.geojson?countries=${COUNTRIES}`),
    api(`/api/sites.geojson?countries=${COUNTRIES}`),
  ]);
  L.geoJSON(bounds, { style: { color: "#555", weight: 0.7, fill: false }, interactive: false }).addTo(layers.boundaries);
  events = ev.features;
  sites = st.features.sort((a, b) => a.properties.name.localeCompare(b.properties.name));
  coverageEnd = ev.metadata.coverage ? ev.metadata.coverage.end : (ged && ged.last);
  const years = events.map((e) => Number(e.properties.date_start.slice(0, 4)));
  const first = Math.min(...years), last = coverageEnd ? Number(coverageEnd.slice(0, 4)) : Math.max(...years);
  $("year").min = first; $("year").max = last; $("year").value = last;
  for (const s of sites.filter((s) => s.properties.kind === "Tabulated")) {
    const o = document.createElement("option");
    o.value = s.properties.site_id; o.textContent = s.properties.name;
    $("site-picker").appendChild(o);
  }
  for (let y = last; y >= first; y--) {
    const o = document.createElement("option");
    o.value = y; o.textContent = y;
    $("cahra-year").appendChild(o);
  }
  drawEvents();
  drawSites();
  for (const name of Object.keys(layers)) { $("layer-" + name).addEventListener("change", () => toggle(name)); toggle(name); }
  $("year").addEventListener("input", drawEvents);
  $("all-years").addEventListener("change", drawEvents);
  document.querySelectorAll("#violence input").forEach((i) => i.addEventListener("change", drawEvents));
  $("commodity").addEventListener("change", drawSites);
  $("site-picker").addEventListener("change", (e) => e.target.value && openSite(e.target.value));
  $("cahra-year").addEventListener("change", (e) => loadCahra(e.target.value).catch(showError));
  await loadCahra(null);
  $("cahra-year").value = String(cahraYear);
  map.fitBounds(L.geoJSON(bounds).getBounds());
  window.orewatch = { map, layers, sites };
  document.body.dataset.ready = "true";
}

function showError(e) {
  $("vintage").textContent = "error: " + e.message;
  console.error(e);
}

main().catch(showError);
