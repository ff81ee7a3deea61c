"""Drives the map page of `orewatch serve` in headless Chromium as a person would.

Usage: map_page.py URL CHROMIUM SCREENSHOT.png
Prints one JSON line: what the page showed (the Rust test compares it with the API and the
CLI). Writes a second, full-page screenshot beside SCREENSHOT (`-panels.png`): the forecast
layer, the supply panel and the deal panel.
Exits non-zero when the page fails to load. Launches the given Chromium binary (Debian's),
never a browser downloaded by `playwright install`.
"""
import json
import sys
import time

from playwright.sync_api import sync_playwright

url, chromium, shot = sys.argv[1], sys.argv[2], sys.argv[3]
seen = {"console_errors": []}
with sync_playwright() as p:
    browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
    page = browser.new_page(viewport={"width": 1400, "height": 850})
    page.on("console", lambda m: m.type == "error" and seen["console_errors"].append(m.text))
    page.on("pageerror", lambda e: seen["console_errors"].append(str(e)))
    page.on("crash", lambda: print("PAGE CRASHED", file=sys.stderr))
    page.on("framenavigated", lambda f: print("NAVIGATED", f.url, file=sys.stderr))
    started = time.monotonic()
    page.goto(url)
    page.wait_for_selector("body[data-ready=true]", timeout=60_000)
    seen["ready_s"] = round(time.monotonic() - started, 3)
    # The date slider changes the event count (keyboard: the slider is focusable).
    seen["count_before"] = page.get_attribute("#event-count", "data-count")
    page.focus("#year")
    for _ in range(4):
        page.keyboard.press("ArrowLeft")
    seen["count_after"] = page.get_attribute("#event-count", "data-count")
    # Click Bougouni lithium's marker: its panel opens with the exposure and the chart.
    point = page.evaluate(
        """() => {
            const s = orewatch.sites.find(f => f.properties.name.startsWith('Bougouni lithium'));
            const [lon, lat] = s.geometry.coordinates;
            orewatch.map.setView([lat, lon], 13, { animate: false });
            const p = orewatch.map.latLngToContainerPoint([lat, lon]);
            return { x: p.x, y: p.y };
        }"""
    )
    box = page.locator("#map").bounding_box()
    page.wait_for_timeout(300)
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    page.wait_for_selector("#exposure", timeout=60_000)
    page.wait_for_selector("#chart canvas", timeout=60_000)
    # A layer toggles (keyboard: the checkbox takes focus and Space).
    shown = "() => orewatch.map.hasLayer(orewatch.layers.cahra)"
    before = page.evaluate(shown)
    page.check("#layer-cahra")
    page.wait_for_timeout(300)
    seen["layer_toggled"] = (not before) and page.evaluate(shown)
    seen["site_name"] = page.inner_text("#site-name")
    for field in ["events", "fatalities_best", "exposure_index"]:
        seen[field] = page.inner_text(f'#exposure [data-field="{field}"]')
    page.screenshot(path=shot)

    # The forecast layer: on, with its vintage and the out-of-sample evaluation on screen.
    page.wait_for_selector("body[data-forecast-ready=true]", timeout=120_000)
    page.check("#layer-forecast")
    seen["forecast_shown"] = page.evaluate("() => orewatch.map.hasLayer(orewatch.layers.forecast)")
    seen["forecast_note"] = page.inner_text("#forecast-note")
    page.wait_for_selector("body[data-evaluation-ready=true]", timeout=300_000)
    seen["evaluation_text"] = page.inner_text("#forecast-eval")
    # The horizon control, by keyboard: 12 -> 6 months reloads the layer.
    page.focus("#horizon")
    page.select_option("#horizon", "6")
    page.wait_for_selector("body[data-forecast-ready=true]", timeout=120_000)
    seen["forecast_note_6"] = page.inner_text("#forecast-note")

    # The supply panel.
    page.wait_for_selector("body[data-supply-ready=true]", timeout=120_000)
    seen["supply"] = {
        c: {
            f: page.inner_text(f'#supply-rows tr[data-commodity="{c}"] [data-field="{f}"] >> nth=0')
            for f in ["criticality", "sr_now", "sr_without_mali"]
        }
        for c in ["gold", "lithium"]
    }

    # The deal panel, by keyboard: 2,000 draws, Run (Enter), then a slider moved, Run again.
    def deal_cell(output, scenario):
        return page.get_attribute(
            f'#deal-table td[data-output="{output}"][data-scenario="{scenario}"]', "data-p-better"
        )

    page.select_option("#deal-draws", "2000")
    page.focus("#deal-run")
    page.keyboard.press("Enter")
    page.wait_for_selector("body[data-deal-runs='1']", timeout=240_000)
    seen["deal_seed"] = page.inner_text("#deal-seed-shown")
    seen["deal_command"] = page.inner_text("#deal-command")
    seen["deal_p_better"] = deal_cell("coup_risk_over_period", "us_deal")
    seen["deal_charts"] = page.locator("#deal-charts canvas").count()
    page.focus("#in-coup_hazard_base")
    for _ in range(30):
        page.keyboard.press("ArrowRight")
    page.focus("#deal-run")
    page.keyboard.press("Enter")
    page.wait_for_selector("body[data-deal-runs='2']", timeout=240_000)
    seen["deal_command_edited"] = page.inner_text("#deal-command")
    seen["deal_p_better_edited"] = deal_cell("coup_risk_over_period", "edited_us_deal")
    # The whole page with the forecast layer over the three countries (CAHRA off).
    page.uncheck("#layer-cahra")
    page.evaluate("() => orewatch.map.setView([15.5, -3], 6, { animate: false })")
    page.wait_for_timeout(500)
    page.screenshot(path=shot.replace(".png", "-panels.png"), full_page=True)
    browser.close()
print(json.dumps(seen))
