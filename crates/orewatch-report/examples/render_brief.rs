//! Renders the brief from the real data (no store) to /tmp/brief.html (or the path given as
//! the first argument). Data directory: `$OREWATCH_DATA`, else `../shared/data` next to the
//! workspace.
//!
//! `cargo run -p orewatch-report --example render_brief [OUT.html]`

use std::path::{Path, PathBuf};

use orewatch_core::ingest::plan;
use orewatch_report::{render_brief, BriefInput};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let data = std::env::var_os("OREWATCH_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"));
    let out_path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "/tmp/brief.html".to_string());
    let files = plan::discover(&data)?.sources;
    let output = plan::ingest(&files, &mut |_| {})?;
    let html = render_brief(&BriefInput {
        dataset: &output.dataset,
        sources: &output.sources,
        provenance: format!(
            "rendered from {} source files in {} (no store) by orewatch-report {}",
            output.sources.len(),
            data.display(),
            env!("CARGO_PKG_VERSION")
        ),
        deal: None,
        outlook: None,
    });
    std::fs::write(&out_path, &html)?;
    eprintln!("wrote {out_path} ({} bytes)", html.len());
    Ok(())
}
