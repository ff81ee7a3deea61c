//! Renders a brief whose "The deal" section runs the bundled scenarios with ILLUSTRATIVE
//! STAND-IN data links (not data): for looking at the section's layout before the store's links
//! are wired in. The page says so in its provenance line.
//!
//! `cargo run -p orewatch-report --example render_deal -- /tmp/deal.html`

use orewatch_core::model::Dataset;
use orewatch_core::scenario::bundled::{bundled, bundled_path};
use orewatch_core::scenario::dist::{ChunkSampler, Dist};
use orewatch_core::scenario::engine::{simulate, DataLinks};
use orewatch_core::scenario::model::parse_model;
use orewatch_report::deal::{build_deal_input, ScenarioRun};
use orewatch_report::{render_brief, BriefInput};

/// STAND-IN ranges, the same as the core crate's test stand-in: WGI CC normal(−0.86, 0.2);
/// deaths near gold sites uniform 20–300 a year; Chinese lithium ownership uniform 0.45–0.70.
struct StandInLinks;

impl DataLinks for StandInLinks {
    fn sampler(&self, link: &str) -> Result<ChunkSampler, String> {
        let dist = if link.starts_with("wgi(") {
            Dist::Normal {
                mean: -0.86,
                sd: 0.2,
            }
        } else if link.starts_with("exposure.fatalities(") {
            Dist::Uniform {
                min: 20.0,
                max: 300.0,
            }
        } else if link.starts_with("sites.ownership_share(") {
            Dist::Uniform {
                min: 0.45,
                max: 0.70,
            }
        } else {
            return Err(format!("stand-in: unknown link `{link}`"));
        };
        dist.chunk_sampler(None, None)
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out_path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "/tmp/deal.html".to_string());
    let runs: Vec<ScenarioRun> = bundled()
        .into_iter()
        .map(|(key, text)| {
            let model = parse_model(text, &bundled_path(key)).map_err(|e| e.to_string());
            let draws = match &model {
                Ok(m) => simulate(m, 100_000, 20_260_101, &StandInLinks).map_err(|e| e.to_string()),
                Err(e) => Err(e.clone()),
            };
            ScenarioRun {
                key: key.to_string(),
                model,
                draws,
            }
        })
        .collect();
    let deal = build_deal_input(
        &runs,
        &[
            "coup_risk_over_period",
            "deaths_near_gold_mines_per_year",
            "civilians_killed_by_state_and_partner_per_year",
            "net_state_mining_revenue_musd",
        ],
        1,
    );
    let dataset = Dataset::default();
    let html = render_brief(&BriefInput {
        dataset: &dataset,
        sources: &[],
        provenance: "LAYOUT PREVIEW: the data links are ILLUSTRATIVE STAND-INS, not data".into(),
        deal: Some(&deal),
        outlook: None,
    });
    std::fs::write(&out_path, &html)?;
    eprintln!("wrote {out_path} ({} bytes)", html.len());
    Ok(())
}
