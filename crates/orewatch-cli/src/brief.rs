//! `orewatch brief [--out brief.html]`: the one-page brief. Ingests the default data first
//! when the store is empty, then renders every section from the store and writes one
//! self-contained HTML file (atomically: a temporary file renamed into place).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use orewatch_core::assess::deal::{assess_deal, DealRequest};
use orewatch_core::config_text::read_config;
use orewatch_core::scenario::links::StoreLinks;
use orewatch_report::{render_brief, BriefInput};
use orewatch_store::Store;

use crate::ingest::ingest_into;

#[derive(clap::Args)]
pub struct Args {
    /// Where to write the brief.
    #[arg(long, short, default_value = "brief.html")]
    pub out: PathBuf,
    #[command(flatten)]
    pub precision: crate::precision::PrecisionArg,
    /// The Outlook's evaluation request as JSON instead of the fresh-span evaluation (tests:
    /// a reduced configuration).
    #[arg(long, hide = true)]
    pub evaluation_request: Option<PathBuf>,
}

pub fn run(store_dir: &Path, quiet: bool, args: Args) -> Result<()> {
    // The request file is read (and refused) before the store is touched.
    let evaluation = args
        .evaluation_request
        .as_ref()
        .map(|path| -> Result<_> {
            let text = read_config(path, "evaluation request")?;
            serde_json::from_str(&text)
                .with_context(|| format!("{}: not an evaluation request", path.display()))
        })
        .transpose()?;
    let store = Store::open(store_dir);
    if store.is_empty() {
        if !quiet {
            eprintln!(
                "the store at {} is empty: ingesting the default data first",
                store_dir.display()
            );
        }
        ingest_into(&store, &Default::default(), quiet)?;
    }
    let (mut dataset, manifest) = store
        .load()
        .with_context(|| format!("loading the store at {}", store_dir.display()))?;
    let precision = args.precision.apply(&mut dataset.events)?;
    let provenance = format!(
        "store {} generation {}, written {} by orewatch {}; events counted: {}",
        store_dir.display(),
        manifest.generation,
        manifest.written_at,
        manifest.orewatch_version,
        precision.describe()
    );
    // The scenarios' data links (WGI, exposure, ownership, supply) come from this store.
    let deal = assess_deal(
        &DealRequest::bundled(),
        Some(&StoreLinks::new(&dataset, &manifest.sources)),
    );
    // The Outlook: the forecast from the end of the data and its (cached) evaluation.
    let outlook = crate::forecast::brief_outlook(&store, &dataset, &manifest, evaluation, quiet);
    if let Err(why) = &outlook {
        if !quiet {
            eprintln!("the Outlook section is left out: {why}");
        }
    }
    let html = render_brief(&BriefInput {
        dataset: &dataset,
        sources: &manifest.sources,
        provenance,
        deal: Some(&deal),
        outlook: outlook.as_ref().ok(),
        precision,
    });
    let tmp = args.out.with_extension("html.tmp");
    std::fs::write(&tmp, html.as_bytes()).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, &args.out)
        .with_context(|| format!("moving {} to {}", tmp.display(), args.out.display()))?;
    if !quiet {
        eprintln!("wrote {} ({} bytes)", args.out.display(), html.len());
    }
    Ok(())
}
