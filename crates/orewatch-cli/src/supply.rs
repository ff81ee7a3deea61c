//! `orewatch supply --commodity gold [--year Y] [--stage mine|refinery] [--series usgs|owid]
//! [--shock ISO3:COMMODITY:CHANGE]… [--redirect ISO3:COMMODITY:BUYER:FRACTION]…
//! [--inputs supply.toml] [--out F.csv|F.json]` and `orewatch supply --all`.
//!
//! World supply of one mineral in one year: each country's quantity and share, its scaled
//! governance (WGI), the HHI range with its merger-guideline band, the governance-weighted
//! HHI range, Mali's and the Sahel's (MLI, BFA, NER) shares, the World-row check, and — when
//! the inputs file has the commodity's EU inputs — the supply risk, for every stage of that
//! year with figures, with the bottleneck (the highest) named. `--shock MLI:gold:-0.5`
//! halves Mali's output and shows the market after it and the lost fraction of world supply;
//! `--redirect MLI:lithium:USA:0.5` gives the volume half of Mali's output would secure for
//! the buyer and its share of world supply (consumption is not in the store, so nothing is
//! said about the buyer's needs). Method and units: `orewatch_core::analysis::supply`.
//!
//! Defaults: the USGS MCS series when it has the commodity, else the 1970–2015 series; the
//! latest year with figures; the mine stage where the series has stages. The two series are
//! never joined (different units and coverage; 2016–2019 is missing from both).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use orewatch_core::analysis::cahra::{
    last_full_year, year_fully_covered, year_has_any_data, CahraRules, Verdict,
};
use orewatch_core::analysis::cahra_countries::{screen_countries, CountryScreening};
use orewatch_core::analysis::events::{choose_source, parse_source, stated_coverage, EventFilter};
use orewatch_core::analysis::supply::{
    cahra_exposure, governance_for, governance_weighted, hhi_band, hhi_band_2023_note,
    markets_over_time, offtake, supply_risk, year_figures, CahraExposure, GovernanceWeighted,
    HhiRange, Market, RiskInputs,
};
use orewatch_core::model::{Dataset, ProductionSeries};
use orewatch_store::{Manifest, Store};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::output::{csv_bytes, extension, sidecar, write_atomic};

/// The shipped inputs file (no values: see its header).
const DEFAULT_INPUTS: &str = include_str!("../../../config/supply.toml");

#[derive(clap::Args)]
pub struct Args {
    /// Commodity as the store names it (gold, lithium, cobalt, manganese, bauxite, alumina, copper, phosphate rock, uranium, …).
    #[arg(long, required_unless_present = "all")]
    pub commodity: Option<String>,
    /// One line per commodity of the series (latest year, mine stage where there are stages).
    #[arg(long, conflicts_with_all = ["commodity", "shock", "redirect", "cahra_year"])]
    pub all: bool,
    /// Year (default: the latest with figures).
    #[arg(long)]
    pub year: Option<i32>,
    /// mine or refinery (default: mine where the series has stages).
    #[arg(long)]
    pub stage: Option<String>,
    /// usgs (Mineral Commodity Summaries, 2020–2025) or owid (1970–2015).
    #[arg(long)]
    pub series: Option<String>,
    /// ISO3:COMMODITY:CHANGE, e.g. MLI:gold:-0.5 (output × 0.5); repeatable.
    #[arg(long)]
    pub shock: Vec<String>,
    /// ISO3:COMMODITY:BUYER:FRACTION, e.g. MLI:lithium:USA:0.5; repeatable.
    #[arg(long)]
    pub redirect: Vec<String>,
    /// Supply-risk inputs (TOML like config/supply.toml; default: the shipped file, which has none).
    #[arg(long)]
    pub inputs: Option<PathBuf>,
    /// Year of the CAHRA verdicts weighed against production (default: the market year when
    /// the event source covers it entirely, else the last year it covers entirely before it).
    #[arg(long)]
    pub cahra_year: Option<i32>,
    /// Event source of the CAHRA screening (GED or ACLED); required when the store holds both.
    #[arg(long)]
    pub source: Option<String>,
    /// One line per year of both series: Mali's and the Sahel's shares, the HHI range and the
    /// share from countries the CAHRA screening flags that year.
    #[arg(long, conflicts_with_all = ["all", "shock", "redirect", "year", "cahra_year"])]
    pub over_time: bool,
    /// Write to a file: .csv (+ .meta.json sidecar) or .json.
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    /// For the CAHRA share: see --max-precision of `orewatch cahra`.
    #[command(flatten)]
    pub precision: crate::precision::PrecisionArg,
}

/// The inputs file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct InputsFile {
    #[serde(default)]
    commodity: BTreeMap<String, CommodityInputs>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct CommodityInputs {
    import_reliance: Option<f64>,
    eol_rir: Option<f64>,
    substitution: Option<f64>,
    economic_importance: Option<f64>,
    eu_sourcing: Option<BTreeMap<String, f64>>,
    source: Option<String>,
}

/// One country's row.
#[derive(Debug, Serialize)]
struct CountryRow {
    iso3: String,
    country: String,
    quantity: f64,
    unit: String,
    share: f64,
    estimated: bool,
    wgi_scaled: Option<f64>,
    wgi_year: Option<i32>,
    /// The country's CAHRA verdict in the CAHRA year ("not screened" without one).
    cahra: String,
}

/// The indices of one market.
#[derive(Debug, Serialize)]
struct Indices {
    hhi: HhiRange,
    band_low: &'static str,
    band_high: &'static str,
    note_2023: Option<&'static str>,
    hhi_wgi: GovernanceWeighted,
    mali_share: f64,
    sahel_share: f64,
    other_share: f64,
    total: f64,
    supply_risk: SupplyRisk,
}

#[derive(Debug, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
enum SupplyRisk {
    Computed {
        low: f64,
        high: f64,
        economic_importance: f64,
        critical_low: bool,
        critical_high: bool,
        source: String,
    },
    NotComputed {
        missing: Vec<&'static str>,
    },
}

pub fn run(store_dir: &Path, args: Args) -> Result<()> {
    if let Some(out) = &args.out {
        let ext = extension(out);
        if ext != "csv" && ext != "json" {
            bail!(
                "--out {}: unknown extension '{ext}'; expected .csv or .json",
                out.display()
            );
        }
    }
    let inputs: InputsFile = match &args.inputs {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            toml::from_str(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?
        }
        None => toml::from_str(DEFAULT_INPUTS).context("config/supply.toml (embedded)")?,
    };
    let store = Store::open(store_dir);
    if store.is_empty() {
        bail!(
            "the store at {} is empty: run `orewatch ingest` first",
            store_dir.display()
        );
    }
    let (mut dataset, manifest) = store
        .load()
        .with_context(|| format!("loading the store at {}", store_dir.display()))?;
    let precision = args.precision.apply(&mut dataset.events)?;
    if dataset.production.is_empty() {
        bail!("the store holds no production figures: ingest ../shared/data/production");
    }
    let events = EventsForCahra::of(&dataset, &manifest, args.source.as_deref())?;
    let series = match args.series.as_deref() {
        None => None,
        Some("usgs") => Some(ProductionSeries::UsgsMcs),
        Some("owid") => Some(ProductionSeries::Owid1970_2015),
        Some(other) => bail!("--series {other}: expected usgs or owid"),
    };
    if args.all {
        return run_all(
            &dataset,
            &inputs,
            series.unwrap_or(ProductionSeries::UsgsMcs),
            events.as_ref(),
            &args,
        );
    }
    let commodity = args.commodity.clone().unwrap_or_default().to_lowercase();
    let series = series.unwrap_or_else(|| {
        if dataset
            .production
            .iter()
            .any(|r| r.series == ProductionSeries::UsgsMcs && r.commodity == commodity)
        {
            ProductionSeries::UsgsMcs
        } else {
            ProductionSeries::Owid1970_2015
        }
    });
    let stage = args
        .stage
        .clone()
        .or_else(|| default_stage(&dataset, series, &commodity));
    if args.over_time {
        return run_over_time(
            &dataset,
            &commodity,
            stage.as_deref(),
            events.as_ref(),
            &args,
        );
    }
    let year = match args.year {
        Some(y) => y,
        None => latest_year(&dataset, series, &commodity, stage.as_deref()).with_context(|| {
            format!(
                "no {commodity} figures in the {} series; commodities there: {}",
                series_name(series),
                commodities(&dataset, series).join(", ")
            )
        })?,
    };
    let market = Market::from_records(
        &dataset.production,
        series,
        &commodity,
        stage.as_deref(),
        year,
    )?;
    let restriction = |_: &str| 1.0;
    let indices = indices_of(
        &market,
        &dataset,
        inputs.commodity.get(&commodity),
        &restriction,
    );
    let by_stage = risk_by_stage(&dataset, &market, inputs.commodity.get(&commodity))?;
    let cahra = match &events {
        Some(ev) => match ev.year_for(market.year, args.cahra_year, &dataset)? {
            Some(year) => {
                let screening = ev.screen(&dataset, &[year])?;
                let exposure = cahra_exposure(&market, &screening.verdicts(year), year);
                Some((screening, exposure))
            }
            None => None,
        },
        None => None,
    };
    let verdicts = cahra
        .as_ref()
        .map(|(s, e)| s.verdicts(e.cahra_year))
        .unwrap_or_default();
    let rows = country_rows(&market, &dataset, &verdicts);

    let mut shocked = Vec::new();
    let mut after = market.clone();
    for text in &args.shock {
        let (iso3, c, change) = parse_shock(text)?;
        if c != commodity {
            bail!("--shock {text}: the commodity is {commodity}, not {c}");
        }
        after = after.shocked(&iso3, change)?;
        shocked.push(text.clone());
    }
    let shock_result = (!shocked.is_empty()).then(|| {
        let idx = indices_of(
            &after,
            &dataset,
            inputs.commodity.get(&commodity),
            &restriction,
        );
        let lost = (market.total() - after.total()) / market.total();
        json!({"shocks": shocked, "lost_fraction_of_world_supply": lost, "indices": idx,
               "shares": country_rows(&after, &dataset, &verdicts)})
    });
    let mut redirects = Vec::new();
    for text in &args.redirect {
        let (iso3, c, buyer, fraction) = parse_redirect(text)?;
        if c != commodity {
            bail!("--redirect {text}: the commodity is {commodity}, not {c}");
        }
        let (volume, share) = offtake(&market, &iso3, fraction)?;
        redirects.push(json!({"from": iso3, "buyer": buyer, "fraction": fraction,
            "secured_volume": volume, "unit": market.unit, "share_of_world_supply": share,
            "note": "consumption is not in the store: the buyer's needs are not assessed"}));
    }

    let metadata = json!({
        "command": "orewatch supply",
        "location_precision": precision.describe(),
        "series": series_name(series),
        "commodity": commodity,
        "stage": stage,
        "year": year,
        "unit": market.unit,
        "world_row": market.world,
        "notes": market.notes,
        "method": "shares of listed countries + Other countries; HHI 0–10,000 (range for Other \
                   countries); HHI_WGI = Σ s² · (5 − 2·mean WGI, clamped 0–10) · t (JRC 2017); \
                   orewatch_core::analysis::supply",
        "inputs": args.inputs.as_ref().map_or("config/supply.toml (embedded)".to_string(), |p| p.display().to_string()),
        "cahra": cahra_metadata(events.as_ref(), cahra.as_ref().map(|(_, e)| e), market.year),
    });
    let by_stage_json = by_stage.as_ref().map(|b| b.to_json());
    let cahra_json = cahra
        .as_ref()
        .map(|(screening, exposure)| cahra_json(screening, exposure, &market));
    match &args.out {
        None => {
            print_market(&market, &rows, &indices, shock_result.as_ref(), &redirects)?;
            if let Some(b) = &by_stage {
                println!("{}", b.line());
            }
            print_cahra(events.as_ref(), cahra.as_ref(), &market)
        }
        Some(path) if extension(path) == "csv" => {
            write_atomic(path, &csv_bytes(&rows)?)?;
            let meta = json!({"metadata": metadata, "indices": indices, "shock": shock_result, "redirects": redirects, "cahra_exposure": cahra_json, "supply_risk_by_stage": by_stage_json});
            write_atomic(
                &sidecar(path),
                serde_json::to_string_pretty(&meta)?.as_bytes(),
            )
        }
        Some(path) => {
            let doc = json!({"metadata": metadata, "countries": rows, "indices": indices,
                             "shock": shock_result, "redirects": redirects,
                             "cahra_exposure": cahra_json,
                             "supply_risk_by_stage": by_stage_json});
            write_atomic(path, serde_json::to_string_pretty(&doc)?.as_bytes())
        }
    }
}

fn series_name(s: ProductionSeries) -> &'static str {
    match s {
        ProductionSeries::UsgsMcs => "USGS Mineral Commodity Summaries",
        ProductionSeries::Owid1970_2015 => "OWID 1970–2015 (Clio-Infra/USGS, BGS)",
    }
}

fn commodities(dataset: &Dataset, series: ProductionSeries) -> Vec<String> {
    let mut c: Vec<String> = dataset
        .production
        .iter()
        .filter(|r| r.series == series)
        .map(|r| r.commodity.clone())
        .collect();
    c.sort();
    c.dedup();
    c
}

fn default_stage(dataset: &Dataset, series: ProductionSeries, commodity: &str) -> Option<String> {
    let stages: Vec<&str> = dataset
        .production
        .iter()
        .filter(|r| r.series == series && r.commodity == commodity)
        .filter_map(|r| r.stage.as_deref())
        .collect();
    if stages.contains(&"mine") {
        Some("mine".into())
    } else {
        stages.first().map(|s| s.to_string())
    }
}

fn latest_year(
    dataset: &Dataset,
    series: ProductionSeries,
    commodity: &str,
    stage: Option<&str>,
) -> Option<i32> {
    dataset
        .production
        .iter()
        .filter(|r| {
            r.series == series
                && r.commodity == commodity
                && (stage.is_none() || r.stage.as_deref() == stage)
                && r.quantity.is_some()
        })
        .map(|r| r.year)
        .max()
}

fn indices_of(
    market: &Market,
    dataset: &Dataset,
    inputs: Option<&CommodityInputs>,
    restriction: &dyn Fn(&str) -> f64,
) -> Indices {
    let hhi = market.hhi();
    let hhi_wgi = governance_weighted(market, &dataset.governance, restriction);
    let sahel_share = market.sahel_share();
    let supply_risk = risk_of(market, dataset, &hhi_wgi, inputs);
    Indices {
        band_low: hhi_band(hhi.low),
        band_high: hhi_band(hhi.high),
        note_2023: hhi_band_2023_note(hhi.high),
        hhi,
        mali_share: market.share_of("MLI"),
        sahel_share,
        other_share: market.other_share(),
        total: market.total(),
        hhi_wgi,
        supply_risk,
    }
}

/// SR from the inputs, as a range over the global HHI_WGI range; the EU-sourcing HHI_WGI from
/// the EU shares and the same governance (the rest of the EU's sourcing as unknown small
/// suppliers: 0 to 10 × its square).
fn risk_of(
    market: &Market,
    dataset: &Dataset,
    global: &GovernanceWeighted,
    inputs: Option<&CommodityInputs>,
) -> SupplyRisk {
    let Some(i) = inputs else {
        return SupplyRisk::NotComputed {
            missing: vec![
                "import_reliance",
                "eol_rir",
                "substitution",
                "economic_importance",
                "eu_sourcing",
                "source",
            ],
        };
    };
    let mut missing = Vec::new();
    for (name, present) in [
        ("import_reliance", i.import_reliance.is_some()),
        ("eol_rir", i.eol_rir.is_some()),
        ("substitution", i.substitution.is_some()),
        ("economic_importance", i.economic_importance.is_some()),
        ("eu_sourcing", i.eu_sourcing.is_some()),
        ("source", i.source.is_some()),
    ] {
        if !present {
            missing.push(name);
        }
    }
    let (Some(ir), Some(eol), Some(si), Some(ei), Some(eu), Some(source)) = (
        i.import_reliance,
        i.eol_rir,
        i.substitution,
        i.economic_importance,
        i.eu_sourcing.as_ref(),
        i.source.as_ref(),
    ) else {
        return SupplyRisk::NotComputed { missing };
    };
    let (mut eu_low, mut eu_high) = (0.0, 0.0);
    for (iso3, s) in eu {
        match governance_for(&dataset.governance, iso3, market.year) {
            Some((_, w)) => {
                eu_low += s * s * w;
                eu_high += s * s * w;
            }
            None => eu_high += s * s * 10.0,
        }
    }
    let rest = (1.0 - eu.values().sum::<f64>()).max(0.0);
    eu_high += rest * rest * 10.0;
    let inputs = RiskInputs {
        import_reliance: ir,
        eol_rir: eol,
        substitution: si,
    };
    let low = supply_risk(global.low, eu_low, &inputs);
    let high = supply_risk(global.high, eu_high, &inputs);
    SupplyRisk::Computed {
        low,
        high,
        economic_importance: ei,
        critical_low: low >= 1.0 && ei >= 2.8,
        critical_high: high >= 1.0 && ei >= 2.8,
        source: source.clone(),
    }
}

fn country_rows(
    market: &Market,
    dataset: &Dataset,
    verdicts: &BTreeMap<&str, Verdict>,
) -> Vec<CountryRow> {
    market
        .producers
        .iter()
        .zip(market.shares())
        .map(|(p, share)| {
            let g = governance_for(&dataset.governance, &p.key, market.year);
            CountryRow {
                iso3: p.key.clone(),
                country: p.name.clone(),
                quantity: p.quantity,
                unit: market.unit.clone(),
                share,
                estimated: p.estimated,
                wgi_scaled: g.map(|(_, w)| w),
                wgi_year: g.map(|(y, _)| y),
                cahra: verdicts
                    .get(p.key.as_str())
                    .map_or("not screened", |v| v.as_str())
                    .to_string(),
            }
        })
        .collect()
}

fn parse_shock(text: &str) -> Result<(String, String, f64)> {
    let parts: Vec<&str> = text.split(':').collect();
    let [iso3, commodity, change] = parts.as_slice() else {
        bail!("--shock {text}: expected ISO3:COMMODITY:CHANGE, e.g. MLI:gold:-0.5");
    };
    let change: f64 = change
        .parse()
        .with_context(|| format!("--shock {text}: CHANGE '{change}' is not a number (−1 … any)"))?;
    Ok((iso3.to_uppercase(), commodity.to_lowercase(), change))
}

fn parse_redirect(text: &str) -> Result<(String, String, String, f64)> {
    let parts: Vec<&str> = text.split(':').collect();
    let [iso3, commodity, buyer, fraction] = parts.as_slice() else {
        bail!(
            "--redirect {text}: expected ISO3:COMMODITY:BUYER:FRACTION, e.g. MLI:lithium:USA:0.5"
        );
    };
    let fraction: f64 = fraction.parse().with_context(|| {
        format!("--redirect {text}: FRACTION '{fraction}' is not a number in [0, 1]")
    })?;
    Ok((
        iso3.to_uppercase(),
        commodity.to_lowercase(),
        buyer.to_uppercase(),
        fraction,
    ))
}

fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

fn range(low: f64, high: f64, digits: usize) -> String {
    if (high - low).abs() < 0.5 * 10f64.powi(-(digits as i32)) {
        format!("{low:.digits$}")
    } else {
        format!("{low:.digits$}–{high:.digits$}")
    }
}

fn print_market(
    market: &Market,
    rows: &[CountryRow],
    idx: &Indices,
    shock: Option<&serde_json::Value>,
    redirects: &[serde_json::Value],
) -> Result<()> {
    let mut out = String::new();
    writeln!(
        out,
        "{} {}{} — {} series, unit: {}",
        market.commodity,
        market.year,
        market
            .stage
            .as_deref()
            .map(|s| format!(" ({s})"))
            .unwrap_or_default(),
        series_name(market.series),
        market.unit
    )?;
    writeln!(
        out,
        "{:<5} {:<34} {:>12} {:>7} {:>9}",
        "iso3", "country", "quantity", "share", "WGI 0-10"
    )?;
    for r in rows {
        writeln!(
            out,
            "{:<5} {:<34} {:>12} {:>7} {:>9}",
            r.iso3,
            r.country.chars().take(34).collect::<String>(),
            format!("{}{}", r.quantity, if r.estimated { " e" } else { "" }),
            pct(r.share),
            r.wgi_scaled
                .map_or("n/a".to_string(), |w| format!("{w:.2}"))
        )?;
    }
    if let Some(o) = market.other {
        writeln!(
            out,
            "{:<5} {:<34} {:>12} {:>7}",
            "",
            "Other countries",
            o,
            pct(idx.other_share)
        )?;
    }
    if let Some(w) = &market.world {
        writeln!(
            out,
            "World row \"{}\": {} vs sum {} (difference {:+.1}, {:+.2}%){}",
            w.label,
            w.quantity,
            market.total(),
            w.difference,
            w.relative * 100.0,
            if w.inconsistent {
                " — INCONSISTENT"
            } else {
                ""
            }
        )?;
    }
    writeln!(
        out,
        "HHI {} ({}{}){}",
        range(idx.hhi.low, idx.hhi.high, 0),
        idx.band_low,
        if idx.band_low != idx.band_high {
            format!(" to {}", idx.band_high)
        } else {
            String::new()
        },
        idx.note_2023.map(|n| format!("; {n}")).unwrap_or_default()
    )?;
    writeln!(
        out,
        "HHI_WGI {} (0–10){}",
        range(idx.hhi_wgi.low, idx.hhi_wgi.high, 3),
        if idx.hhi_wgi.missing.is_empty() {
            String::new()
        } else {
            format!(
                "; no governance data for {} ({} of supply)",
                idx.hhi_wgi.missing.join(", "),
                pct(idx.hhi_wgi.missing_share)
            )
        }
    )?;
    writeln!(
        out,
        "Mali {}; Sahel (MLI, BFA, NER) {}",
        pct(idx.mali_share),
        pct(idx.sahel_share)
    )?;
    match &idx.supply_risk {
        SupplyRisk::Computed {
            low,
            high,
            economic_importance,
            critical_low,
            critical_high,
            source,
        } => writeln!(
            out,
            "SR {} with EI {economic_importance}: {} (inputs: {source})",
            range(*low, *high, 2),
            match (critical_low, critical_high) {
                (true, true) => "critical",
                (false, false) => "not critical",
                _ => "critical or not, depending on the unknown governance",
            }
        )?,
        SupplyRisk::NotComputed { missing } => writeln!(
            out,
            "SR not computed: the inputs file lacks {} for {} (see config/supply.toml)",
            missing.join(", "),
            market.commodity
        )?,
    }
    for n in &market.notes {
        writeln!(out, "note: {n}")?;
    }
    if let Some(s) = shock {
        writeln!(
            out,
            "after {}: lost {} of world supply; HHI {}; HHI_WGI {}",
            s["shocks"]
                .as_array()
                .map(|a| a
                    .iter()
                    .filter_map(|v| v.as_str())
                    .collect::<Vec<_>>()
                    .join(", "))
                .unwrap_or_default(),
            pct(s["lost_fraction_of_world_supply"].as_f64().unwrap_or(0.0)),
            range(
                s["indices"]["hhi"]["low"].as_f64().unwrap_or(0.0),
                s["indices"]["hhi"]["high"].as_f64().unwrap_or(0.0),
                0
            ),
            range(
                s["indices"]["hhi_wgi"]["low"].as_f64().unwrap_or(0.0),
                s["indices"]["hhi_wgi"]["high"].as_f64().unwrap_or(0.0),
                3
            ),
        )?;
    }
    for r in redirects {
        writeln!(
            out,
            "offtake {} of {}'s output to {}: {} {} = {} of world supply (consumption not in the store)",
            pct(r["fraction"].as_f64().unwrap_or(0.0)),
            r["from"].as_str().unwrap_or(""),
            r["buyer"].as_str().unwrap_or(""),
            r["secured_volume"],
            market.unit,
            pct(r["share_of_world_supply"].as_f64().unwrap_or(0.0))
        )?;
    }
    print!("{out}");
    Ok(())
}

/// One line per commodity (× stage) of the series.
#[derive(Debug, Serialize)]
struct SummaryRow {
    commodity: String,
    stage: Option<String>,
    year: i32,
    unit: String,
    hhi_low: f64,
    hhi_high: f64,
    band: String,
    hhi_wgi_low: f64,
    hhi_wgi_high: f64,
    supply_risk: String,
    mali_share: f64,
    sahel_share: f64,
    /// CAHRA year and the flagged share's range (None: not assessed).
    cahra_year: Option<i32>,
    cahra_flagged_low: Option<f64>,
    cahra_flagged_high: Option<f64>,
}

fn run_all(
    dataset: &Dataset,
    inputs: &InputsFile,
    series: ProductionSeries,
    events: Option<&EventsForCahra>,
    args: &Args,
) -> Result<()> {
    let mut keys: Vec<(String, Option<String>)> = dataset
        .production
        .iter()
        .filter(|r| r.series == series)
        .map(|r| (r.commodity.clone(), r.stage.clone()))
        .collect();
    keys.sort();
    keys.dedup();
    let mut markets = Vec::new();
    for (commodity, stage) in keys {
        let Some(year) = args
            .year
            .or_else(|| latest_year(dataset, series, &commodity, stage.as_deref()))
        else {
            continue;
        };
        let market = match Market::from_records(
            &dataset.production,
            series,
            &commodity,
            stage.as_deref(),
            year,
        ) {
            Ok(m) => m,
            Err(e) => {
                eprintln!("{commodity} {year}: {e}");
                continue;
            }
        };
        markets.push(market);
    }
    // One screening for every CAHRA year the markets need.
    let mut cahra_years = BTreeMap::new();
    if let Some(ev) = events {
        for m in &markets {
            if let Some(y) = ev.year_for(m.year, None, dataset)? {
                cahra_years.insert(m.year, y);
            }
        }
    }
    let screening = match events {
        Some(ev) if !cahra_years.is_empty() => {
            let years: Vec<i32> = cahra_years.values().copied().collect();
            Some(ev.screen(dataset, &years)?)
        }
        _ => None,
    };
    let mut rows = Vec::new();
    for market in markets {
        let commodity = market.commodity.clone();
        let stage = market.stage.clone();
        let year = market.year;
        let exposure = screening.as_ref().and_then(|s| {
            cahra_years
                .get(&year)
                .map(|&y| cahra_exposure(&market, &s.verdicts(y), y))
        });
        let idx = indices_of(&market, dataset, inputs.commodity.get(&commodity), &|_| 1.0);
        let band = if idx.band_low == idx.band_high {
            idx.band_low.to_string()
        } else {
            format!("{} to {}", idx.band_low, idx.band_high)
        };
        rows.push(SummaryRow {
            supply_risk: match &idx.supply_risk {
                SupplyRisk::Computed { low, high, .. } => range(*low, *high, 2),
                SupplyRisk::NotComputed { .. } => "needs inputs".into(),
            },
            commodity,
            stage,
            year,
            unit: market.unit.clone(),
            hhi_low: idx.hhi.low,
            hhi_high: idx.hhi.high,
            band,
            hhi_wgi_low: idx.hhi_wgi.low,
            hhi_wgi_high: idx.hhi_wgi.high,
            mali_share: idx.mali_share,
            sahel_share: idx.sahel_share,
            cahra_year: exposure.as_ref().map(|e| e.cahra_year),
            cahra_flagged_low: exposure.as_ref().map(|e| e.flagged_low),
            cahra_flagged_high: exposure.as_ref().map(|e| e.flagged_high),
        });
    }
    match &args.out {
        None => {
            println!(
                "{:<16} {:<9} {:>4} {:>11} {:<36} {:>11} {:>12} {:>6} {:>6} {:>20}",
                "commodity",
                "stage",
                "year",
                "HHI",
                "band",
                "HHI_WGI",
                "SR",
                "Mali",
                "Sahel",
                "CAHRA share (year)"
            );
            for r in &rows {
                println!(
                    "{:<16} {:<9} {:>4} {:>11} {:<36} {:>11} {:>12} {:>6} {:>6} {:>20}",
                    r.commodity,
                    r.stage.as_deref().unwrap_or("-"),
                    r.year,
                    range(r.hhi_low, r.hhi_high, 0),
                    r.band,
                    range(r.hhi_wgi_low, r.hhi_wgi_high, 2),
                    r.supply_risk,
                    pct(r.mali_share),
                    pct(r.sahel_share),
                    match (r.cahra_flagged_low, r.cahra_flagged_high, r.cahra_year) {
                        (Some(l), Some(h), Some(y)) => format!("{}–{} ({y})", pct(l), pct(h)),
                        _ => "not assessed".to_string(),
                    }
                );
            }
            println!("CAHRA share: production from countries the screening flags (conflict-affected or high-risk) in the year given (the last year the events cover when production is newer); the upper bound counts every share whose verdict is unknown.");
            Ok(())
        }
        Some(path) if extension(path) == "csv" => {
            write_atomic(path, &csv_bytes(&rows)?)?;
            let meta = json!({"command": "orewatch supply --all", "series": series_name(series)});
            write_atomic(
                &sidecar(path),
                serde_json::to_string_pretty(&meta)?.as_bytes(),
            )
        }
        Some(path) => {
            let doc = json!({"metadata": {"command": "orewatch supply --all", "series": series_name(series)}, "commodities": rows});
            write_atomic(path, serde_json::to_string_pretty(&doc)?.as_bytes())
        }
    }
}

/// The event source the CAHRA screening uses, with its stated coverage.
struct EventsForCahra {
    filter: EventFilter,
    coverage: orewatch_core::analysis::events::SourceCoverage,
}

impl EventsForCahra {
    /// None when the store holds no events (the exposure is then not assessed, and said so).
    fn of(dataset: &Dataset, manifest: &Manifest, asked: Option<&str>) -> Result<Option<Self>> {
        let requested = asked.map(parse_source).transpose()?;
        if dataset.events.is_empty() {
            if requested.is_some() {
                bail!("--source: the store holds no events");
            }
            return Ok(None);
        }
        let source = choose_source(&dataset.events, requested)?;
        let Some(coverage) = stated_coverage(&manifest.sources, source) else {
            bail!(
                "no {} file is listed in the store's manifest: its coverage is unknown",
                source.as_str()
            );
        };
        Ok(Some(EventsForCahra {
            filter: EventFilter::all(source),
            coverage,
        }))
    }

    /// The CAHRA year for a market year: the asked one (it must have data), else the market
    /// year when entirely covered, else the last entirely covered year before it (None when
    /// the market year precedes the coverage).
    fn year_for(
        &self,
        market_year: i32,
        asked: Option<i32>,
        dataset: &Dataset,
    ) -> Result<Option<i32>> {
        if let Some(y) = asked {
            if !year_has_any_data(&self.coverage, &dataset.events, y) {
                bail!(
                    "--cahra-year {y}: no {} data for {y} (stated coverage {} to {})",
                    self.filter.source.as_str(),
                    self.coverage.start,
                    self.coverage.end
                );
            }
            return Ok(Some(y));
        }
        if year_fully_covered(&self.coverage, market_year) {
            return Ok(Some(market_year));
        }
        Ok(last_full_year(&self.coverage).filter(|&y| y < market_year))
    }

    fn screen(&self, dataset: &Dataset, years: &[i32]) -> Result<CountryScreening> {
        Ok(screen_countries(
            dataset,
            &self.filter,
            &self.coverage,
            &CahraRules::default_rules(),
            years,
        )?)
    }
}

fn cahra_metadata(
    events: Option<&EventsForCahra>,
    exposure: Option<&CahraExposure>,
    market_year: i32,
) -> serde_json::Value {
    match (events, exposure) {
        (None, _) => json!({"assessed": false, "why": "the store holds no events"}),
        (Some(ev), None) => json!({"assessed": false,
            "why": format!("{market_year} precedes the {} coverage ({} to {})",
                ev.filter.source.as_str(), ev.coverage.start, ev.coverage.end)}),
        (Some(ev), Some(e)) => json!({
            "assessed": true,
            "source": ev.filter.source.as_str(),
            "coverage": {"start": ev.coverage.start, "end": ev.coverage.end},
            "cahra_year": e.cahra_year,
            "rules": "config/cahra.toml (embedded default)",
            "carried_forward": e.cahra_year != market_year,
            "method": "country verdict = highest of its admin-1 regions' verdicts, or the country \
                       screened as one unit where no admin-1 regions are loaded \
                       (orewatch_core::analysis::cahra_countries); flagged share = \
                       conflict-affected + high-risk, upper bound adds insufficient data, \
                       not screened and Other countries",
        }),
    }
}

/// The exposure and the flagged producers' verdict details.
fn cahra_json(
    screening: &CountryScreening,
    e: &CahraExposure,
    market: &Market,
) -> serde_json::Value {
    let producers: Vec<serde_json::Value> = market
        .producers
        .iter()
        .filter_map(|p| {
            screening
                .countries
                .iter()
                .find(|c| c.country_iso3 == p.key && c.year == e.cahra_year)
        })
        .map(|c| {
            json!({"iso3": c.country_iso3, "verdict": c.verdict.as_str(), "basis": c.basis.as_str(),
                   "units": c.units, "flagged_units": c.flagged_units,
                   "flagged_area_share": c.flagged_area_share,
                   "fired": c.fired.iter().map(|f| format!("{} ({}): {}", f.rule, f.scope, f.detail)).collect::<Vec<_>>()})
        })
        .collect();
    json!({"exposure": e, "producers": producers})
}

fn print_cahra(
    events: Option<&EventsForCahra>,
    cahra: Option<&(CountryScreening, CahraExposure)>,
    market: &Market,
) -> Result<()> {
    let mut out = String::new();
    let Some(ev) = events else {
        println!("CAHRA exposure not assessed: the store holds no events");
        return Ok(());
    };
    let Some((screening, e)) = cahra else {
        println!(
            "CAHRA exposure not assessed: {} precedes the {} coverage ({} to {})",
            market.year,
            ev.filter.source.as_str(),
            ev.coverage.start,
            ev.coverage.end
        );
        return Ok(());
    };
    writeln!(
        out,
        "CAHRA exposure ({} screening of {}{}):",
        ev.filter.source.as_str(),
        e.cahra_year,
        if e.cahra_year != market.year {
            format!(
                ", applied to {} production — the events end {}",
                market.year, ev.coverage.end
            )
        } else {
            String::new()
        }
    )?;
    writeln!(
        out,
        "  conflict-affected {}, high-risk {}, neither {}, insufficient data {}, not screened {}, Other countries {}",
        pct(e.conflict_affected),
        pct(e.high_risk),
        pct(e.neither),
        pct(e.insufficient_data),
        pct(e.not_screened),
        pct(e.other_countries)
    )?;
    writeln!(
        out,
        "  share from countries with CAHRA-flagged places: {} (upper bound {}: every share whose verdict is unknown counted as flagged)",
        pct(e.flagged_low),
        pct(e.flagged_high)
    )?;
    for (key, share, verdict) in &e.producers {
        let Some(v @ (Verdict::ConflictAffected | Verdict::HighRisk)) = verdict else {
            continue;
        };
        if *share <= 0.0 {
            continue;
        }
        let Some(c) = screening
            .countries
            .iter()
            .find(|c| &c.country_iso3 == key && c.year == e.cahra_year)
        else {
            continue;
        };
        writeln!(
            out,
            "  {key} {} of supply: {} ({}: {} of {} flagged, {} of the area)",
            pct(*share),
            v.as_str(),
            c.basis.as_str(),
            c.flagged_units.len(),
            c.units,
            pct(c.flagged_area_share)
        )?;
    }
    out.push_str("  Verdicts are per country (flagged when one of its regions is): production by region is not in the data.\n");
    print!("{out}");
    Ok(())
}

/// One year of one series.
#[derive(Debug, Serialize)]
struct YearRow {
    series: &'static str,
    year: i32,
    unit: String,
    mali_share: f64,
    sahel_share: f64,
    hhi_low: f64,
    hhi_high: f64,
    /// Share from countries flagged by the CAHRA screening of the same year (None: the year
    /// is not entirely inside the event source's coverage).
    cahra_flagged_low: Option<f64>,
    cahra_flagged_high: Option<f64>,
    mali_cahra: Option<&'static str>,
}

fn run_over_time(
    dataset: &Dataset,
    commodity: &str,
    stage: Option<&str>,
    events: Option<&EventsForCahra>,
    args: &Args,
) -> Result<()> {
    let mut markets = Vec::new();
    for series in [ProductionSeries::Owid1970_2015, ProductionSeries::UsgsMcs] {
        // The 1970–2015 series has no stages; USGS has mine/refinery.
        let stage = match series {
            ProductionSeries::Owid1970_2015 => None,
            ProductionSeries::UsgsMcs => stage,
        };
        if commodity == "lithium" && series == ProductionSeries::Owid1970_2015 {
            // Gross weight of mixed products: not comparable with USGS lithium content.
            continue;
        }
        markets.extend(markets_over_time(
            &dataset.production,
            series,
            commodity,
            stage,
        ));
    }
    if markets.is_empty() {
        bail!("no {commodity} figures in either series");
    }
    let screened: Vec<i32> = match events {
        Some(ev) => markets
            .iter()
            .map(|m| m.year)
            .filter(|&y| year_fully_covered(&ev.coverage, y))
            .collect(),
        None => Vec::new(),
    };
    let screening = match (events, screened.is_empty()) {
        (Some(ev), false) => Some(ev.screen(dataset, &screened)?),
        _ => None,
    };
    let rows: Vec<YearRow> = year_figures(&markets, screening.as_ref())
        .into_iter()
        .zip(&markets)
        .map(|(f, m)| YearRow {
            series: match f.series {
                ProductionSeries::UsgsMcs => "usgs",
                ProductionSeries::Owid1970_2015 => "owid",
            },
            year: f.year,
            unit: m.unit.clone(),
            mali_share: f.mali_share,
            sahel_share: f.sahel_share,
            hhi_low: f.hhi.low,
            hhi_high: f.hhi.high,
            cahra_flagged_low: f.cahra.as_ref().map(|e| e.flagged_low),
            cahra_flagged_high: f.cahra.as_ref().map(|e| e.flagged_high),
            mali_cahra: f.cahra.as_ref().and_then(|e| {
                e.producers
                    .iter()
                    .find(|(k, _, _)| k == "MLI")
                    .and_then(|(_, _, v)| v.map(|v| v.as_str()))
            }),
        })
        .collect();
    let metadata = json!({
        "command": "orewatch supply --over-time",
        "commodity": commodity,
        "stage": stage,
        "series": "owid (1970–2015) and usgs (2020–) rows, never joined; 2016–2019 missing",
        "cahra": events.map(|ev| json!({"source": ev.filter.source.as_str(),
            "coverage": {"start": ev.coverage.start, "end": ev.coverage.end},
            "years": "only years entirely inside the coverage; verdicts of the same year"})),
    });
    match &args.out {
        None => {
            println!(
                "{commodity}: Mali's and the Sahel's shares, HHI and the share from CAHRA-flagged countries by year"
            );
            println!(
                "{:<6} {:>4} {:>7} {:>7} {:>11} {:>13} {:<18}",
                "series", "year", "Mali", "Sahel", "HHI", "CAHRA share", "Mali CAHRA"
            );
            let mut previous: Option<i32> = None;
            for r in &rows {
                if let Some(p) = previous {
                    if r.year > p + 1 {
                        println!("  … {}–{}: no figures", p + 1, r.year - 1);
                    }
                }
                previous = Some(r.year);
                println!(
                    "{:<6} {:>4} {:>7} {:>7} {:>11} {:>13} {:<18}",
                    r.series,
                    r.year,
                    pct(r.mali_share),
                    pct(r.sahel_share),
                    range(r.hhi_low, r.hhi_high, 0),
                    match (r.cahra_flagged_low, r.cahra_flagged_high) {
                        (Some(l), Some(h)) => format!("{}–{}", pct(l), pct(h)),
                        _ => "not screened".to_string(),
                    },
                    r.mali_cahra.unwrap_or("-")
                );
            }
            Ok(())
        }
        Some(path) if extension(path) == "csv" => {
            write_atomic(path, &csv_bytes(&rows)?)?;
            write_atomic(
                &sidecar(path),
                serde_json::to_string_pretty(&json!({"metadata": metadata}))?.as_bytes(),
            )
        }
        Some(path) => {
            let doc = json!({"metadata": metadata, "years": rows});
            write_atomic(path, serde_json::to_string_pretty(&doc)?.as_bytes())
        }
    }
}

/// SR of every stage (mine = extraction, refinery = processing) of the market's series,
/// commodity and year, and the bottleneck: the stage with the highest SR (upper bound), as the
/// EU method reports. None unless the inputs give SR and at least two stages have figures.
struct StageRisks {
    stages: Vec<(String, f64, f64)>,
    bottleneck: String,
}

impl StageRisks {
    fn to_json(&self) -> serde_json::Value {
        json!({
            "stages": self.stages.iter().map(|(s, l, h)| json!({"stage": s, "low": l, "high": h})).collect::<Vec<_>>(),
            "bottleneck": self.bottleneck,
        })
    }

    fn line(&self) -> String {
        let parts: Vec<String> = self
            .stages
            .iter()
            .map(|(s, l, h)| format!("{s} {}", range(*l, *h, 2)))
            .collect();
        format!(
            "SR by stage: {}; bottleneck (the highest): {}",
            parts.join(", "),
            self.bottleneck
        )
    }
}

fn risk_by_stage(
    dataset: &Dataset,
    market: &Market,
    inputs: Option<&CommodityInputs>,
) -> Result<Option<StageRisks>> {
    let mut stages: Vec<String> = dataset
        .production
        .iter()
        .filter(|r| {
            r.series == market.series
                && r.commodity.eq_ignore_ascii_case(&market.commodity)
                && r.year == market.year
                && r.quantity.is_some()
        })
        .filter_map(|r| r.stage.clone())
        .collect();
    stages.sort();
    stages.dedup();
    if stages.len() < 2 {
        return Ok(None);
    }
    let mut out = Vec::new();
    for stage in stages {
        let m = Market::from_records(
            &dataset.production,
            market.series,
            &market.commodity,
            Some(&stage),
            market.year,
        )?;
        let g = governance_weighted(&m, &dataset.governance, &|_| 1.0);
        match risk_of(&m, dataset, &g, inputs) {
            SupplyRisk::Computed { low, high, .. } => out.push((stage, low, high)),
            SupplyRisk::NotComputed { .. } => return Ok(None),
        }
    }
    let bottleneck = out
        .iter()
        .max_by(|a, b| a.2.total_cmp(&b.2))
        .map(|s| s.0.clone())
        .unwrap_or_default();
    Ok(Some(StageRisks {
        stages: out,
        bottleneck,
    }))
}
