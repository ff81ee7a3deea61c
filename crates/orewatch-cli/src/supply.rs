//! `orewatch supply --commodity gold [--year Y] [--stage mine|refinery] [--series usgs|owid]
//! [--shock ISO3:COMMODITY:CHANGE]… [--redirect ISO3:COMMODITY:BUYER:FRACTION]…
//! [--inputs supply.toml] [--out F.csv|F.json] [--format text|json]`, `orewatch supply --all`,
//! `orewatch supply --commodity C --over-time` and `orewatch supply --eu-check`.
//!
//! Parses the flags into an `orewatch_core::analysis::supply::assessment::SupplyRequest`, asks
//! the assessment, and prints or writes what it returns; it computes nothing. What each
//! question answers, the method and the units: that module and `analysis::supply::eu`.
//! `--format json` prints the whole assessment (request, provenance, answer) to stdout.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use orewatch_core::analysis::cahra::Verdict;
use orewatch_core::analysis::supply::assessment::{
    assess, range_text, series_name, AllAssessment, CahraStatus, EuCheckAssessment, EuView,
    MarketAssessment, OverTimeAssessment, Redirect, Shock, SupplyAnswer, SupplyAssessment,
    SupplyData, SupplyQuestion, SupplyRequest, SupplyRisk,
};
use orewatch_core::analysis::supply::eu::{CheckStatus, WgiRule, SENSITIVITY_YEARS};
use orewatch_core::analysis::supply::inputs::{self, EuSourcing, SupplyInputs};
use orewatch_core::config_text::read_config;
use orewatch_core::ingest::eu_crm;
use orewatch_core::model::{EuStage, EventSource, ProductionSeries};
use orewatch_store::Store;
use serde::Serialize;

use crate::output::{csv_bytes, OutArgs, OutFormat};

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Stage {
    Mine,
    Refinery,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Series {
    /// USGS Mineral Commodity Summaries, 2020–2025.
    Usgs,
    /// The 1970–2015 compilation (Our World in Data of Clio-Infra/USGS and BGS).
    Owid,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Source {
    /// UCDP GED.
    #[value(alias = "ucdp")]
    Ged,
    Acled,
}

#[derive(clap::Args)]
pub struct Args {
    /// Commodity as the store names it (gold, lithium, cobalt, manganese, bauxite, alumina, copper, phosphate rock, uranium, …).
    #[arg(long, required_unless_present_any = ["all", "eu_check"])]
    pub commodity: Option<String>,
    /// One line per commodity of the series (latest year, mine stage where there are stages).
    #[arg(long, conflicts_with_all = ["commodity", "shock", "redirect", "cahra_year"])]
    pub all: bool,
    /// The EU's 2023 supply risk of every assessed material recomputed from its own inputs
    /// (Appendix 7 shares and t, the store's WGI, IR, EoL-RIR, SI_SR), with the difference and
    /// its cause, and how each SR moves with the WGI year (2014–2021).
    #[arg(long, conflicts_with_all = ["commodity", "all", "shock", "redirect", "cahra_year", "over_time", "year", "stage", "series"])]
    pub eu_check: bool,
    /// WGI years of --eu-check: FROM..TO (their mean) or one year (default 2016..2020).
    #[arg(long, requires = "eu_check", value_parser = parse_wgi_rule)]
    pub wgi_years: Option<WgiRule>,
    /// A directory with the four EU CRM 2023 tables (file names as in config/eu_crm_2023/)
    /// to read instead of the copy built into orewatch.
    #[arg(long)]
    pub eu_tables: Option<PathBuf>,
    /// Year (default: the latest with figures).
    #[arg(long)]
    pub year: Option<i32>,
    /// Production stage (default: mine where the series has stages).
    #[arg(long, value_enum)]
    pub stage: Option<Stage>,
    /// Production series (default: usgs when it has the commodity, else owid).
    #[arg(long, value_enum)]
    pub series: Option<Series>,
    /// ISO3:COMMODITY:CHANGE, e.g. MLI:gold:-0.5 (output × 0.5); repeatable.
    #[arg(long)]
    pub shock: Vec<String>,
    /// ISO3:COMMODITY:BUYER:FRACTION, e.g. MLI:lithium:USA:0.5; repeatable.
    #[arg(long)]
    pub redirect: Vec<String>,
    /// Supply-risk inputs (TOML like config/supply.toml; default: the shipped file, the EU's
    /// 2023 values cited value by value).
    #[arg(long)]
    pub inputs: Option<PathBuf>,
    /// Year of the CAHRA verdicts weighed against production (default: the market year when
    /// the event source covers it entirely, else the last year it covers entirely before it).
    #[arg(long)]
    pub cahra_year: Option<i32>,
    /// Event source of the CAHRA screening; required when the store holds both.
    #[arg(long, value_enum, ignore_case = true)]
    pub source: Option<Source>,
    /// One line per year of both series: Mali's and the Sahel's shares, the HHI range and the
    /// share from countries the CAHRA screening flags that year.
    #[arg(long, conflicts_with_all = ["all", "shock", "redirect", "year", "cahra_year"])]
    pub over_time: bool,
    /// Where and how: text (tables, stdout only), json (the whole assessment: request,
    /// provenance, answer) or csv (+ .csv.meta.json sidecar with the assessment for a file).
    #[command(flatten)]
    pub output: OutArgs,
    /// For the CAHRA share (as `orewatch cahra --max-precision`).
    #[command(flatten)]
    pub precision: crate::precision::PrecisionArg,
}

fn parse_wgi_rule(text: &str) -> Result<WgiRule, String> {
    let year = |t: &str| {
        t.trim()
            .parse::<i32>()
            .map_err(|_| format!("'{t}' is not a year: expected FROM..TO or YEAR, e.g. 2016..2020"))
    };
    match text.split_once("..") {
        Some((from, to)) => {
            let (from, to) = (year(from)?, year(to)?);
            if from > to {
                return Err(format!("{from}..{to}: the first year is after the second"));
            }
            Ok(WgiRule::Mean { from, to })
        }
        None => Ok(WgiRule::Year { year: year(text)? }),
    }
}

pub fn run(store_dir: &Path, args: Args) -> Result<()> {
    let output = args
        .output
        .resolve(&[OutFormat::Text, OutFormat::Json, OutFormat::Csv])?;
    let inputs = match &args.inputs {
        Some(path) => {
            let text = read_config(path, "supply inputs file")?;
            inputs::parse(&text, &path.display().to_string())?
        }
        None => SupplyInputs::bundled(),
    };
    let eu = match &args.eu_tables {
        Some(dir) => eu_crm::read_dir(dir)?,
        None => eu_crm::bundled()?,
    };
    let store = Store::open(store_dir);
    if store.is_empty() {
        bail!(
            "the store at {} is empty: run `orewatch ingest` first",
            store_dir.display()
        );
    }
    let (dataset, manifest) = store
        .load()
        .with_context(|| format!("loading the store at {}", store_dir.display()))?;
    let request = request_of(&args)?;
    let assessment = assess(
        &request,
        &SupplyData {
            dataset: &dataset,
            sources: &manifest.sources,
            eu: &eu,
            inputs: &inputs,
        },
    )?;
    match output.format {
        OutFormat::Text => output.write(text_of(&assessment)?.as_bytes()),
        OutFormat::Csv => {
            output.write(&csv_of(&assessment)?)?;
            output.write_sidecar(&assessment)
        }
        _ => output.write((serde_json::to_string_pretty(&assessment)? + "\n").as_bytes()),
    }
}

fn request_of(args: &Args) -> Result<SupplyRequest> {
    let event_source = args.source.map(|s| match s {
        Source::Ged => EventSource::UcdpGed,
        Source::Acled => EventSource::Acled,
    });
    let series = args.series.map(|s| match s {
        Series::Usgs => ProductionSeries::UsgsMcs,
        Series::Owid => ProductionSeries::Owid1970_2015,
    });
    let stage = args.stage.map(|s| {
        match s {
            Stage::Mine => "mine",
            Stage::Refinery => "refinery",
        }
        .to_string()
    });
    let question = if args.eu_check {
        SupplyQuestion::EuCheck {
            wgi: args.wgi_years.unwrap_or_default(),
        }
    } else if args.all {
        SupplyQuestion::All {
            series,
            year: args.year,
        }
    } else if args.over_time {
        SupplyQuestion::OverTime {
            commodity: args.commodity.clone().unwrap_or_default().to_lowercase(),
            stage,
        }
    } else {
        SupplyQuestion::Market(orewatch_core::analysis::supply::assessment::MarketRequest {
            commodity: args.commodity.clone().unwrap_or_default().to_lowercase(),
            year: args.year,
            stage,
            series,
            shocks: args
                .shock
                .iter()
                .map(|t| parse_shock(t))
                .collect::<Result<_>>()?,
            redirects: args
                .redirect
                .iter()
                .map(|t| parse_redirect(t))
                .collect::<Result<_>>()?,
            cahra_year: args.cahra_year,
        })
    };
    Ok(SupplyRequest {
        question,
        event_source,
        max_precision: args.precision.filter()?.max_code,
    })
}

fn parse_shock(text: &str) -> Result<Shock> {
    let parts: Vec<&str> = text.split(':').collect();
    let [iso3, commodity, change] = parts.as_slice() else {
        bail!("--shock {text}: expected ISO3:COMMODITY:CHANGE, e.g. MLI:gold:-0.5");
    };
    let change: f64 = change
        .parse()
        .with_context(|| format!("--shock {text}: CHANGE '{change}' is not a number (−1 … any)"))?;
    Ok(Shock {
        iso3: iso3.to_uppercase(),
        commodity: commodity.to_lowercase(),
        change,
    })
}

fn parse_redirect(text: &str) -> Result<Redirect> {
    let parts: Vec<&str> = text.split(':').collect();
    let [iso3, commodity, buyer, fraction] = parts.as_slice() else {
        bail!(
            "--redirect {text}: expected ISO3:COMMODITY:BUYER:FRACTION, e.g. MLI:lithium:USA:0.5"
        );
    };
    let fraction: f64 = fraction.parse().with_context(|| {
        format!("--redirect {text}: FRACTION '{fraction}' is not a number in [0, 1]")
    })?;
    Ok(Redirect {
        iso3: iso3.to_uppercase(),
        commodity: commodity.to_lowercase(),
        buyer: buyer.to_uppercase(),
        fraction,
    })
}

fn text_of(a: &SupplyAssessment) -> Result<String> {
    Ok(match &a.answer {
        SupplyAnswer::Market(m) => market_text(m)? + &wgi_text(a),
        SupplyAnswer::All(all) => all_text(all)?,
        SupplyAnswer::OverTime(o) => over_time_text(o)?,
        SupplyAnswer::EuCheck(c) => eu_check_text(c, a)?,
    })
}

/// The CSV rows of an answer.
fn csv_of(a: &SupplyAssessment) -> Result<Vec<u8>> {
    match &a.answer {
        SupplyAnswer::Market(m) => csv_bytes(&m.countries),
        SupplyAnswer::All(all) => csv_bytes(&all.commodities),
        SupplyAnswer::OverTime(o) => csv_bytes(&o.years),
        SupplyAnswer::EuCheck(c) => csv_bytes(&check_rows(c)),
    }
}

fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

fn market_text(m: &MarketAssessment) -> Result<String> {
    let market = &m.market;
    let idx = &m.indices;
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
    for r in &m.countries {
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
            idx.total,
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
        range_text(idx.hhi.low, idx.hhi.high, 0),
        idx.band_low,
        if idx.band_low != idx.band_high {
            format!(" to {}", idx.band_high)
        } else {
            String::new()
        },
        idx.note_2023
            .as_deref()
            .map(|n| format!("; {n}"))
            .unwrap_or_default()
    )?;
    writeln!(
        out,
        "HHI_WGI {} (0–10){}",
        range_text(idx.hhi_wgi.low, idx.hhi_wgi.high, 3),
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
    writeln!(
        out,
        "{}",
        sr_line(
            &idx.supply_risk,
            &m.metadata.inputs,
            m.eu.as_ref().and_then(|e| e.stage)
        )
    )?;
    for n in &market.notes {
        writeln!(out, "note: {n}")?;
    }
    if let Some(s) = &m.shock {
        writeln!(
            out,
            "after {}: lost {} of world supply; HHI {}; HHI_WGI {}",
            s.shocks
                .iter()
                .map(|s| format!("{}:{}:{}", s.iso3, s.commodity, s.change))
                .collect::<Vec<_>>()
                .join(", "),
            pct(s.lost_fraction_of_world_supply),
            range_text(s.indices.hhi.low, s.indices.hhi.high, 0),
            range_text(s.indices.hhi_wgi.low, s.indices.hhi_wgi.high, 3),
        )?;
    }
    for r in &m.redirects {
        writeln!(
            out,
            "offtake {} of {}'s output to {}: {:?} {} = {} of world supply (consumption not in the store)",
            pct(r.fraction),
            r.from,
            r.buyer,
            r.secured_volume,
            r.unit,
            pct(r.share_of_world_supply)
        )?;
    }
    if let Some(b) = &m.supply_risk_by_stage {
        let parts: Vec<String> = b
            .stages
            .iter()
            .map(|s| format!("{} {}", s.stage, range_text(s.low, s.high, 2)))
            .collect();
        writeln!(
            out,
            "SR by stage: {}; bottleneck (the highest): {}",
            parts.join(", "),
            b.bottleneck
        )?;
    }
    cahra_text(m, &mut out)?;
    if let Some(eu) = &m.eu {
        eu_text(eu, &market.commodity, &m.metadata.inputs, &mut out)?;
    }
    Ok(out)
}

/// The SR line of a market (`eu_stage`: the stage the EU takes the material's SR at).
fn sr_line(sr: &SupplyRisk, inputs: &str, eu_stage: Option<EuStage>) -> String {
    match sr {
        SupplyRisk::Computed {
            low,
            high,
            economic_importance_low,
            economic_importance_high,
            critical_low,
            critical_high,
            stage,
            basis,
            ..
        } => format!(
            "SR {} at {} ({}) with EI {}: {}{} (the EU's 2023 inputs from {inputs}; see below)",
            range_text(*low, *high, 2),
            stage.as_str(),
            basis.code(),
            range_text(*economic_importance_low, *economic_importance_high, 1),
            match (critical_low, critical_high) {
                (true, true) => "critical",
                (false, false) => "not critical",
                _ => "critical or not, depending on the unknown governance or the disputed inputs",
            },
            match eu_stage {
                Some(s) if s != *stage => format!(
                    " at this stage; the EU takes the material's SR at {}",
                    s.as_str()
                ),
                _ => String::new(),
            }
        ),
        SupplyRisk::NotComputed { missing } => {
            format!("SR not computed: missing {}", missing.join(", "))
        }
    }
}

fn cahra_text(m: &MarketAssessment, out: &mut String) -> Result<()> {
    let (source, coverage_end, verdict_years, carried_forward) = match &m.metadata.cahra {
        CahraStatus::NotAssessed { why, .. } => {
            writeln!(out, "CAHRA exposure not assessed: {why}")?;
            return Ok(());
        }
        CahraStatus::Assessed {
            source,
            coverage_end,
            verdict_years,
            carried_forward,
            ..
        } => (source, coverage_end, verdict_years, *carried_forward),
    };
    let Some(c) = &m.cahra_exposure else {
        return Ok(());
    };
    let e = &c.exposure;
    writeln!(
        out,
        "CAHRA exposure ({} screening; verdicts of {}{}):",
        source.as_str(),
        verdict_years,
        if carried_forward {
            format!(
                "; applied to {} production — each country judged on the last year its events \
                 cover entirely, the events end {}",
                m.market.year, coverage_end
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
        let Some(p) = c.producers.iter().find(|p| &p.iso3 == key) else {
            continue;
        };
        writeln!(
            out,
            "  {key} {} of supply: {} ({}: {} of {} flagged, {} of the area)",
            pct(*share),
            v.as_str(),
            p.basis,
            p.flagged_units.len(),
            p.units,
            pct(p.flagged_area_share)
        )?;
    }
    out.push_str("  Verdicts are per country (flagged when one of its regions is): production by region is not in the data.\n");
    Ok(())
}

fn sr_text(sr: &SupplyRisk) -> String {
    match sr {
        SupplyRisk::Computed { low, high, .. } => range_text(*low, *high, 2),
        SupplyRisk::NotComputed { missing } => {
            format!("not computed (missing {})", missing.join(", "))
        }
    }
}

fn opt(x: Option<f64>, digits: usize) -> String {
    x.map_or("-".into(), |x| format!("{x:.digits$}"))
}

fn eu_text(eu: &EuView, commodity: &str, inputs: &str, out: &mut String) -> Result<()> {
    writeln!(
        out,
        "EU supply risk (method of Blengini et al. 2017; the EU's 2023 inputs from {inputs}):"
    )?;
    if let Some(note) = &eu.note {
        writeln!(out, "  {} = {note}", eu.material)?;
    }
    let cited = |c: &Option<orewatch_core::analysis::supply::inputs::Cited>, digits| {
        c.as_ref().map_or("-".to_string(), |c| {
            format!(
                "{}{}",
                c.text(digits),
                c.unverified
                    .as_ref()
                    .map(|u| format!(" (unverified: {u})"))
                    .unwrap_or_default()
            )
        })
    };
    writeln!(
        out,
        "  published 2023: SR {} at {}, EI {}: {}",
        cited(&eu.supply_risk, 1),
        eu.stage.map_or("-", |s| s.as_str()),
        cited(&eu.economic_importance, 1),
        eu.criticality
    )?;
    if !eu.published_by_stage.is_empty() {
        writeln!(
            out,
            "  published SR by stage: {}",
            eu.published_by_stage
                .iter()
                .map(|(s, c)| format!("{} {}", s.as_str(), cited(c, 1)))
                .collect::<Vec<_>>()
                .join(", ")
        )?;
    }
    if !eu.history.is_empty() {
        writeln!(
            out,
            "  EU assessments (SR / EI, Annex 4): {}",
            eu.history
                .iter()
                .map(|h| format!(
                    "{}{} {} / {}",
                    if h.material == eu.material {
                        String::new()
                    } else {
                        format!("{} ", h.material)
                    },
                    h.year,
                    opt(h.supply_risk, 1),
                    opt(h.economic_importance, 1)
                ))
                .collect::<Vec<_>>()
                .join("; ")
        )?;
    }
    for (stage, i) in &eu.inputs {
        writeln!(
            out,
            "  inputs at {}: basis {}; IR {}; EoL-RIR {}; SI_SR {}; EU sourcing {}",
            stage.as_str(),
            i.basis.as_ref().map_or("-", |b| b.basis.code()),
            cited(&i.import_reliance, 2),
            cited(&i.eol_rir, 2),
            cited(&i.substitution, 2),
            match &i.eu_sourcing {
                None => "-".to_string(),
                Some(EuSourcing::Appendix7) => "Appendix 7".to_string(),
                Some(EuSourcing::Listed { shares, .. }) => shares
                    .iter()
                    .map(|(k, v)| format!("{k} {}", pct(*v)))
                    .collect::<Vec<_>>()
                    .join(", "),
            }
        )?;
    }
    for r in &eu.recomputed {
        writeln!(
            out,
            "  recomputed from the 2023 inputs (Appendix 7 shares and t, mean of WGI 2016–2020): {} {} against {} published{}",
            r.stage.as_str(),
            opt(r.recomputed, 2),
            opt(r.published, 1),
            if r.within_tolerance {
                " (within 0.1)".to_string()
            } else if !r.missing.is_empty() {
                format!(" (missing {})", r.missing.join(", "))
            } else {
                " (off by more than 0.1: orewatch supply --eu-check names the cause)".to_string()
            }
        )?;
    }
    for n in &eu.now {
        if let SupplyRisk::Computed {
            basis,
            global,
            eu_sourcing,
            notes,
            ..
        } = &n.supply_risk
        {
            writeln!(
                out,
                "  SR now at {} ({}, {} {} {}production, latest WGI ≤ {}; {}): {}  [HHI_WGI,t global {}{}]",
                n.stage.as_str(),
                basis.code(),
                match n.series {
                    ProductionSeries::UsgsMcs => "USGS",
                    ProductionSeries::Owid1970_2015 => "1970–2015 series",
                },
                n.market_year,
                n.production_stage
                    .as_deref()
                    .map(|s| format!("{s} "))
                    .unwrap_or_default(),
                n.market_year,
                notes.join("; "),
                sr_text(&n.supply_risk),
                range_text(global.0, global.1, 3),
                eu_sourcing
                    .map(|e| format!(", EU sourcing {}", range_text(e.0, e.1, 3)))
                    .unwrap_or_default()
            )?;
        } else {
            writeln!(
                out,
                "  SR now at {}: {}",
                n.stage.as_str(),
                sr_text(&n.supply_risk)
            )?;
        }
        if let Some(without) = &n.without_mali {
            writeln!(
                out,
                "    with Mali's {} output as reported ({} of world supply): {}",
                n.market_year,
                pct(n.mali_share),
                sr_text(&n.supply_risk)
            )?;
            writeln!(
                out,
                "    with Mali's output stopped (as --shock MLI:{}:-1): {}",
                commodity,
                sr_text(without)
            )?;
        }
        if let Some(after) = &n.after_shocks {
            writeln!(out, "    after the shocks asked for: {}", sr_text(after))?;
        }
        for alt in &n.alternatives {
            writeln!(
                out,
                "    with {} = {} ({}): {}",
                alt.input,
                alt.value,
                alt.why,
                sr_text(&alt.supply_risk)
            )?;
        }
    }
    for n in &eu.not_now {
        writeln!(out, "  SR now at {n}")?;
    }
    for s in &eu.statements {
        writeln!(out, "  {s}")?;
    }
    writeln!(out, "  sources:")?;
    for s in &eu.sources {
        writeln!(out, "    {s}")?;
    }
    Ok(())
}

fn all_text(all: &AllAssessment) -> Result<String> {
    let mut out = String::new();
    // What was left out is part of the answer: on stdout, before the table.
    for s in &all.skipped {
        writeln!(out, "{s}")?;
    }
    writeln!(
        out,
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
    )?;
    for r in &all.commodities {
        writeln!(
            out,
            "{:<16} {:<9} {:>4} {:>11} {:<36} {:>11} {:>12} {:>6} {:>6} {:>20}",
            r.commodity,
            r.stage.as_deref().unwrap_or("-"),
            r.year,
            range_text(r.hhi_low, r.hhi_high, 0),
            r.band,
            range_text(r.hhi_wgi_low, r.hhi_wgi_high, 2),
            r.supply_risk,
            pct(r.mali_share),
            pct(r.sahel_share),
            match (
                r.cahra_flagged_low,
                r.cahra_flagged_high,
                &r.cahra_verdict_years
            ) {
                (Some(l), Some(h), Some(y)) => format!("{}–{} ({y})", pct(l), pct(h)),
                _ => "not assessed".to_string(),
            }
        )?;
    }
    out.push_str("CAHRA share: production from countries the screening flags (conflict-affected or high-risk); each country judged on the last year up to the production year that its events cover entirely (the years given); the upper bound counts every share whose verdict is unknown.\n");
    Ok(out)
}

fn over_time_text(o: &OverTimeAssessment) -> Result<String> {
    let mut out = String::new();
    writeln!(
        out,
        "{}: Mali's and the Sahel's shares, HHI and the share from CAHRA-flagged countries by year",
        o.metadata.commodity
    )?;
    writeln!(
        out,
        "{:<6} {:>4} {:>7} {:>7} {:>11} {:>13} {:<18} verdicts of",
        "series", "year", "Mali", "Sahel", "HHI", "CAHRA share", "Mali CAHRA"
    )?;
    let mut previous: Option<i32> = None;
    for r in &o.years {
        if let Some(p) = previous {
            if r.year > p + 1 {
                writeln!(out, "  … {}–{}: no figures", p + 1, r.year - 1)?;
            }
        }
        previous = Some(r.year);
        writeln!(
            out,
            "{:<6} {:>4} {:>7} {:>7} {:>11} {:>13} {:<18} {}",
            r.series,
            r.year,
            pct(r.mali_share),
            pct(r.sahel_share),
            range_text(r.hhi_low, r.hhi_high, 0),
            match (r.cahra_flagged_low, r.cahra_flagged_high) {
                (Some(l), Some(h)) => format!("{}–{}", pct(l), pct(h)),
                _ => "not screened".to_string(),
            },
            r.mali_cahra.as_deref().unwrap_or("-"),
            r.cahra_verdict_years.as_deref().unwrap_or("-")
        )?;
    }
    Ok(out)
}

/// One CSV row of the reproduction.
#[derive(Serialize)]
struct CheckCsvRow {
    material: String,
    stage: String,
    basis: String,
    published_sr: Option<f64>,
    recomputed_sr: Option<f64>,
    difference: Option<f64>,
    status: String,
    missing: String,
    causes: String,
    sr_by_wgi_year: String,
}

fn check_rows(c: &EuCheckAssessment) -> Vec<CheckCsvRow> {
    c.check
        .rows
        .iter()
        .map(|r| CheckCsvRow {
            material: r.material.clone(),
            stage: r.stage.map_or("-".into(), |s| s.as_str().into()),
            basis: r.basis.map_or("-".into(), |b| b.code().into()),
            published_sr: r.published_sr,
            recomputed_sr: r.recomputed_sr,
            difference: r.difference,
            status: status_text(r.status).into(),
            missing: r.missing.join("; "),
            causes: r.causes.join("; "),
            sr_by_wgi_year: r
                .by_wgi_year
                .iter()
                .map(|(y, sr)| format!("{y}:{}", opt(*sr, 3)))
                .collect::<Vec<_>>()
                .join(" "),
        })
        .collect()
}

/// A published value as printed in the table: one decimal, two where it has two (2.13).
fn published(x: f64) -> String {
    if ((x * 10.0).round() - x * 10.0).abs() < 1e-9 {
        format!("{x:.1}")
    } else {
        format!("{x:.2}")
    }
}

fn status_text(s: CheckStatus) -> &'static str {
    match s {
        CheckStatus::Hit => "hit",
        CheckStatus::Miss => "MISS",
        CheckStatus::Incomplete => "MISS (incomplete)",
    }
}

/// Which WGI the governance inputs come from (one line per WGI file in the store).
fn wgi_text(a: &SupplyAssessment) -> String {
    if a.provenance.wgi.is_empty() {
        return "governance inputs: no WGI file in the store\n".into();
    }
    a.provenance
        .wgi
        .iter()
        .map(|w| format!("governance inputs: {}\n", w.describe()))
        .collect()
}

fn eu_check_text(c: &EuCheckAssessment, a: &SupplyAssessment) -> Result<String> {
    let check = &c.check;
    let mut out = String::new();
    writeln!(
        out,
        "EU supply risk 2023 recomputed from the EU's own inputs: Appendix 7 shares and t, the store's WGI ({}, rescaled 5 − 2·mean), the results table's IR, EoL-RIR and SI_SR, at the stage and on the supply basis the study used",
        check.wgi_rule.describe()
    )?;
    out.push_str(&wgi_text(a));
    let first = *SENSITIVITY_YEARS.start();
    let last = *SENSITIVITY_YEARS.end();
    writeln!(
        out,
        "{:<30} {:<10} {:<6} {:>9} {:>10} {:>6}  {:<17} {:<47} cause",
        "material",
        "stage",
        "basis",
        "published",
        "recomputed",
        "diff",
        "status",
        format!("SR with the WGI of one year, {first}–{last}"),
    )?;
    for r in &check.rows {
        let why = if r.status == CheckStatus::Incomplete {
            format!("missing {}", r.missing.join("; "))
        } else {
            r.causes.join("; ")
        };
        writeln!(
            out,
            "{:<30} {:<10} {:<6} {:>9} {:>10} {:>6}  {:<17} {:<47} {}",
            r.material.chars().take(30).collect::<String>(),
            r.stage.map_or("-", |s| s.as_str()),
            r.basis.map_or("-", |b| b.code()),
            r.published_sr.map_or("-".into(), published),
            opt(r.recomputed_sr, 2),
            r.difference.map_or("-".into(), |d| {
                if d.abs() < 0.005 {
                    "0.00".into()
                } else {
                    format!("{d:+.2}")
                }
            }),
            status_text(r.status),
            r.by_wgi_year
                .iter()
                .map(|(_, sr)| opt(*sr, 2))
                .collect::<Vec<_>>()
                .join(" "),
            why
        )?;
    }
    writeln!(
        out,
        "hit rate: {} of {} ({:.1}%) within ±{} of the published SR after rounding to its one decimal (strict, unrounded: {}); {} incomplete, counted as misses",
        check.hits,
        check.total,
        check.hit_rate * 100.0,
        check.tolerance,
        check.strict_hits,
        check.incomplete
    )?;
    writeln!(
        out,
        "hits with the WGI of one year instead: {}",
        check
            .hits_by_wgi_year
            .iter()
            .map(|y| format!("{} {}", y.year, y.hits))
            .collect::<Vec<_>>()
            .join(", ")
    )?;
    writeln!(out, "notes on the tables:")?;
    for n in &c.table_notes {
        writeln!(out, "  {n}")?;
    }
    writeln!(out, "sources:")?;
    for s in &a.provenance.sources {
        writeln!(out, "  {} — {}", s.path, s.what)?;
    }
    Ok(out)
}
