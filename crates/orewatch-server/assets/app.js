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
const layers = { boundaries: L.layerGroup(), events: L.layerGroup(), sites: L.layerGroup(), cahra: L.layerGroup(), forecast: L.layerGroup() };
// The forecast's probability classes (upper bound of P(at least one death over the horizon)).
const P_BREAKS = [0.01, 0.05, 0.1, 0.25, 0.5, 0.75];
const P_COLOURS = ["#ffffcc", "#ffeda0", "#fed976", "#feb24c", "#fd8d3c", "#e31a1c", "#800026"];
let forecastMeta = null;
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
  html += `<em>Forecast</em>: P(≥1 death in a 0.5° cell${forecastMeta ? ` within ${forecastMeta.horizon} months of ${esc(forecastMeta.origin)}` : ""}), upper bound, %<br>`;
  P_COLOURS.forEach((c, i) => {
    const lo = i === 0 ? 0 : P_BREAKS[i - 1], hi = i < P_BREAKS.length ? P_BREAKS[i] : 1;
    html += `<span class="ramp" style="background:${c}"></span>${fmt(lo * 100)}–${fmt(hi * 100)} %<br>`;
  });
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

const pct = (x, d = 1) => (x === null || x === undefined ? "—" : fmt(x * 100, d) + " %");

function pColour(p) {
  let i = 0;
  while (i < P_BREAKS.length && p >= P_BREAKS[i]) i += 1;
  return P_COLOURS[i];
}

async function loadForecast() {
  const h = $("horizon").value;
  document.body.dataset.forecastReady = "false";
  $("forecast-note").textContent = `computing the forecast ${h} months ahead…`;
  const fc = await api(`/api/forecast/cells.geojson?horizon=${h}`);
  const m = fc.metadata;
  forecastMeta = m;
  layers.forecast.clearLayers();
  L.geoJSON(fc, {
    style: (f) => ({ stroke: false, fillColor: pColour(f.properties.p_any_high), fillOpacity: 0.65 }),
    onEachFeature: (f, l) => l.bindTooltip(`cell ${f.properties.gid} (${esc(f.properties.country)}): P(≥1 death within ${m.horizon} months) ${pct(f.properties.p_any_low)} to ${pct(f.properties.p_any_high)}`),
  }).addTo(layers.forecast);
  const cov = m.events.coverage.map((c) => `${esc(c.country)} ${esc(c.first_month)}–${esc(c.last_month)}`).join(", ");
  const warn = m.provenance.warnings.map((w) => `<li>${esc(w)}</li>`).join("");
  $("forecast-note").innerHTML = `${fc.features.length} cells of ${esc(m.countries.join(", "))}; model <b>${esc(m.model)}</b>, vintage: data to <b>${esc(m.origin)}</b> (${esc(m.events.source)} covers ${cov}), ${m.horizon} months ahead, ${fmt(m.draws)} draws, seed ${m.seed}. Same numbers: <code>${esc(m.provenance.command)}</code>` +
    (warn ? `<details><summary>${m.provenance.warnings.length} warnings, ${m.events.caveats.length} caveats</summary><ul>${warn}${m.events.caveats.map((c) => `<li>${esc(c)}</li>`).join("")}</ul></details>` : "");
  legend();
  document.body.dataset.forecastReady = "true";
  showEvaluation();
}

let evaluationTimer = null;
async function showEvaluation() {
  clearTimeout(evaluationTimer);
  const box = $("forecast-eval");
  const { request, evaluation: e } = await api("/api/forecast/evaluation");
  const span = `${esc(request.countries.join(", "))}, origins ${esc(request.first_origin)} to ${esc(request.last_origin)}, 1–${request.horizon} months ahead`;
  if (e.status !== "done") {
    box.innerHTML = `<b>How good is this forecast?</b> The out-of-sample evaluation (${span}) is ${esc(e.status)}${e.seconds !== undefined ? ` (${e.seconds} s)` : ""}${e.error ? ": " + esc(e.error) : ""}. Until it is shown, read the map as unevaluated.`;
    if (e.status === "computing" || e.status === "not started") evaluationTimer = setTimeout(() => showEvaluation().catch(showError), 5000);
    return;
  }
  const model = forecastMeta ? forecastMeta.model : null;
  let diffs = e.evaluation.differences.filter((d) => d.model === model);
  if (!diffs.length) diffs = e.evaluation.differences;
  const rows = diffs.map((d) => `<tr class="${d.verdict === "worse" ? "worse" : ""}"><td>${esc(d.score)} ${esc(d.subset)}<br><span class="note">${esc(d.model)} vs ${esc(d.best_baseline)}</span></td><td class="n">${fmt(d.difference, 4)}<br>[${fmt(d.lower90, 4)}, ${fmt(d.upper90, 4)}]</td><td><b>${esc(d.verdict)}</b></td></tr>`).join("");
  const worse = diffs.filter((d) => d.verdict === "worse").map((d) => `${d.score} ${d.subset}`);
  box.innerHTML = `<b>How good is this forecast?</b> Out of sample (${span}; ${fmt(e.evaluation.unit_months)} scored cell-months per model, ${pct(e.evaluation.active_share)} with deaths), against the best VIEWS baseline of each score (lower is better; a negative difference favours the model; 90 % block-bootstrap interval):` +
    (worse.length ? `<p><b>The model is worse than the best baseline on ${esc(worse.join(", "))}.</b></p>` : "") +
    `<table id="evaluation"><tr><th>score</th><th>model − baseline</th><th>verdict</th></tr>${rows}</table>` +
    `<p class="note">Reproduce: <code>${esc(e.provenance.command || "orewatch evaluate")}</code></p>`;
  document.body.dataset.evaluationReady = "true";
}

function supplyRisk(sr) {
  if (!sr) return "—";
  if (sr.status !== "computed") return `not computed (missing ${esc((sr.missing || []).join(", "))})`;
  return sr.low === sr.high ? fmt(sr.low, 2) : `${fmt(sr.low, 2)}–${fmt(sr.high, 2)}`;
}

function cited(c) {
  if (!c) return "—";
  return c.low === c.high ? fmt(c.low, 2) : `${fmt(c.low, 2)}–${fmt(c.high, 2)}`;
}

async function loadSupply() {
  const out = [];
  const sources = new Set();
  for (const commodity of ["gold", "lithium"]) {
    const a = await api(`/api/supply?commodity=${commodity}`);
    const eu = a.eu;
    for (const s of a.provenance.sources) sources.add(s.path + (s.sha256 ? ` (sha256 ${s.sha256.slice(0, 12)}…)` : ""));
    for (const s of (eu ? eu.sources : [])) sources.add(s);
    const now = eu ? eu.now : [];
    const first = `<td rowspan="${Math.max(now.length, 1)}">${esc(commodity)}</td><td rowspan="${Math.max(now.length, 1)}">${eu ? esc(eu.material) + (eu.stage ? ` (${esc(eu.stage)})` : "") : "—"}</td><td rowspan="${Math.max(now.length, 1)}" class="n">${cited(eu && eu.supply_risk)}</td><td rowspan="${Math.max(now.length, 1)}" class="n">${cited(eu && eu.economic_importance)}</td><td rowspan="${Math.max(now.length, 1)}" data-field="criticality">${esc(eu ? eu.criticality : "no EU inputs")}</td>`;
    if (!now.length) out.push(`<tr>${first}<td colspan="5">${esc(eu ? eu.not_now.join("; ") : "")}</td></tr>`);
    now.forEach((n, i) => {
      out.push(`<tr data-commodity="${esc(commodity)}">${i === 0 ? first : ""}<td>${esc(n.stage)}: ${esc(n.production_stage || "")} ${n.market_year}</td><td class="n">${pct(n.mali_share)}</td><td class="n" data-field="sr_now">${supplyRisk(n.supply_risk)}</td><td class="n" data-field="sr_without_mali">${supplyRisk(n.without_mali)}</td><td>${n.supply_risk.status === "computed" ? (n.supply_risk.critical_high ? "critical" : "not critical") : "—"}</td></tr>`);
    });
  }
  $("supply-table").innerHTML = `<table id="supply-rows"><tr><th>commodity</th><th>EU material (stage)</th><th>SR published 2023</th><th>EI published 2023</th><th>EU verdict</th><th>store's market (stage, year)</th><th>Mali's share</th><th>SR now</th><th>SR without Mali</th><th>now: critical?</th></tr>${out.join("")}</table>` +
    `<details><summary>Sources (${sources.size})</summary><ul>${[...sources].map((s) => `<li>${esc(s)}</li>`).join("")}</ul></details>`;
  document.body.dataset.supplyReady = "true";
}

// The deal panel: key inputs of the bundled scenarios as sliders (each edits the input's
// mode in every scenario that has it, so the scenarios keep sharing it).
const KEY_INPUTS = ["industrial_gold_t", "state_take_share", "dispute_loss_share", "coup_hazard_base"];
const DEAL_OUTPUTS = ["coup_risk_over_period", "deaths_near_gold_mines_per_year", "civilians_killed_by_state_and_partner_per_year", "net_state_mining_revenue_musd"];
let bundled = null;
let dealCharts = [];

function section(text, name) {
  const start = text.indexOf(`[variables.${name}]`);
  if (start < 0) return null;
  const next = text.indexOf("\n[", start + 1);
  return { start, end: next < 0 ? text.length : next };
}

function fieldOf(text, name, field) {
  const s = section(text, name);
  if (!s) return null;
  const m = text.slice(s.start, s.end).match(new RegExp(`^${field}\\s*=\\s*(.+)$`, "m"));
  return m ? m[1].trim() : null;
}

function withField(text, name, field, value) {
  const s = section(text, name);
  if (!s) return text;
  const clean = Number(value.toPrecision(6));
  const literal = Number.isInteger(clean) ? clean.toFixed(1) : String(clean);
  const body = text.slice(s.start, s.end).replace(new RegExp(`^(${field}\\s*=\\s*)[-+0-9.eE]+`, "m"), `$1${literal}`);
  return text.slice(0, s.start) + body + text.slice(s.end);
}

function setupDeal(b) {
  bundled = b;
  $("deal-seed").value = b.defaults.seed;
  const base = b.scenarios[0].text;
  $("deal-sliders").innerHTML = KEY_INPUTS.map((name) => {
    const min = Number(fieldOf(base, name, "min")), max = Number(fieldOf(base, name, "max")), mode = Number(fieldOf(base, name, "mode"));
    const unit = (fieldOf(base, name, "unit") || "").replace(/^"|"$/g, "");
    return `<label for="in-${name}">${esc(name)}: most likely <output id="out-${name}">${mode}</output> (${esc(unit)}; range ${min}–${max})</label>` +
      `<input type="range" id="in-${name}" data-input="${name}" min="${min}" max="${max}" step="${(max - min) / 100}" value="${mode}" data-default="${mode}">`;
  }).join("");
  for (const el of document.querySelectorAll("#deal-sliders input")) {
    // The file's value as the slider holds it (snapped to its steps): unmoved, nothing is edited.
    el.dataset.default = el.value;
    el.addEventListener("input", () => { $("out-" + el.dataset.input).textContent = Number(el.value).toPrecision(3); });
  }
}

function dealRequest() {
  let edited = false;
  const scenarios = bundled.scenarios.map((s) => {
    let text = s.text;
    for (const el of document.querySelectorAll("#deal-sliders input")) {
      if (el.value !== el.dataset.default) text = withField(text, el.dataset.input, "mode", Number(el.value));
    }
    if (text === s.text) return s;
    edited = true;
    return { path: "edited_" + s.path.split("/").pop(), text };
  });
  return { edited, body: { scenarios, draws: Number($("deal-draws").value), seed: Number($("deal-seed").value), contrast_scenario: "us_deal", contrast_outputs: [] } };
}

async function runDeal(ev) {
  if (ev) ev.preventDefault();
  const { edited, body } = dealRequest();
  $("deal-status").textContent = `running ${body.scenarios.length} scenarios × ${fmt(body.draws)} draws, seed ${body.seed}…`;
  document.body.dataset.dealReady = "false";
  const r = await fetch("/api/deal", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  const d = await r.json();
  if (!r.ok) { $("deal-status").textContent = "error: " + (d.error || r.statusText); return; }
  const keys = d.scenarios.map((s) => s.key);
  const downloads = edited ? " The edited scenarios, to run it yourself: " + body.scenarios.map((s) => `<a download="${esc(s.path)}" href="${URL.createObjectURL(new Blob([s.text], { type: "application/toml" }))}">${esc(s.path)}</a>`).join(", ") + "." : "";
  $("deal-status").innerHTML = `<span id="deal-seed-shown">seed ${d.seed}</span>, ${fmt(d.draws)} draws per scenario${edited ? " (inputs edited)" : ""}. Same numbers: <code id="deal-command">${esc(d.provenance.command)}</code>.${downloads}` +
    (d.provenance.warnings.length ? `<br><span class="note">${esc(d.provenance.warnings.join("; "))}</span>` : "");
  const rows = d.rows.filter((row) => DEAL_OUTPUTS.includes(row.name));
  let table = `<table id="deal-table"><tr><th>output (unit, direction)</th>${d.scenarios.map((s) => `<th>${esc(s.name)}<br><span class="note">median [5–95 %]; P(better than ${esc(d.scenarios[0].key)})</span></th>`).join("")}</tr>`;
  for (const row of rows) {
    table += `<tr><td>${esc(row.name)}<br><span class="note">${esc(row.unit)}, ${esc(row.direction)}</span></td>` + row.cells.map((c, i) => c
      ? `<td class="n" data-output="${esc(row.name)}" data-scenario="${esc(keys[i])}" data-p-better="${c.p_better ?? ""}">${fmt(c.median, 2)} [${fmt(c.p5, 2)}–${fmt(c.p95, 2)}]<br>${c.p_better === null ? "baseline" : "P(better) " + pct(c.p_better)}</td>`
      : "<td>did not run</td>").join("") + "</tr>";
  }
  table += "</table>";
  $("deal-result").innerHTML = table + `<div id="deal-charts"></div>`;
  dealCharts.forEach((c) => c.destroy());
  dealCharts = rows.map((row) => {
    const el = document.createElement("div");
    $("deal-charts").appendChild(el);
    const [lo, hi] = row.plot_range;
    const bins = (row.cells.find((c) => c) || { histogram: [] }).histogram.length;
    const xs = Array.from({ length: bins }, (_, i) => lo + (i + 0.5) * (hi - lo) / bins);
    const colours = ["#636363", "#b2182b", "#2166ac", "#1b7837", "#762a83", "#e08214"];
    return new uPlot({
      width: 420, height: 200, title: `${row.name} (${row.unit}): share of draws per bin`,
      legend: { live: false },
      scales: { x: { time: false } },
      series: [{ label: row.unit }, ...d.scenarios.map((s, i) => ({ label: s.key, stroke: colours[i % colours.length], width: 2 }))],
      axes: [{ label: row.unit }, { label: "share of draws" }],
    }, [xs, ...row.cells.map((c) => (c ? c.histogram : xs.map(() => null)))], el);
  });
  document.body.dataset.dealReady = "true";
  document.body.dataset.dealRuns = String(Number(document.body.dataset.dealRuns || 0) + 1);
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
  $("horizon").addEventListener("change", () => loadForecast().catch(showError));
  setupDeal(await api("/api/scenario/bundled"));
  $("deal-form").addEventListener("submit", (e) => runDeal(e).catch(showError));
  $("deal-reset").addEventListener("click", () => {
    for (const el of document.querySelectorAll("#deal-sliders input")) { el.value = el.dataset.default; el.dispatchEvent(new Event("input")); }
  });
  document.body.dataset.ready = "true";
  loadForecast().catch(showError);
  loadSupply().catch((e) => { $("supply-table").textContent = "supply: " + e.message; });
}

function showError(e) {
  $("vintage").textContent = "error: " + e.message;
  console.error(e);
}

main().catch(showError);
