//! `orewatch serve [--bind 127.0.0.1:8080]`: the local API and the map page over the store
//! (read-only), until ctrl-c. Loopback by default; another address only when given, with a
//! warning. The server itself is `orewatch_server`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use orewatch_core::assess::forecast::EvaluationRequest;

#[derive(clap::Args)]
pub struct Args {
    /// Address and port to listen on (port 0: any free port). Anything but loopback makes
    /// the store readable by other machines.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// The evaluation shown beside the forecast layer, as the JSON of an evaluation request
    /// (default: the brief's fresh-span evaluation). For tests, as `orewatch brief`'s.
    #[arg(long, hide = true)]
    pub evaluation_request: Option<PathBuf>,
}

pub fn run(store_dir: &Path, quiet: bool, args: Args) -> Result<()> {
    if !orewatch_server::is_loopback(&args.bind) {
        eprintln!(
            "warning: serving on {} — not loopback: other machines that can reach this address can read the store's data",
            args.bind
        );
    }
    let evaluation = args
        .evaluation_request
        .as_ref()
        .map(|path| -> Result<EvaluationRequest> {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            serde_json::from_str(&text)
                .with_context(|| format!("{}: not an evaluation request", path.display()))
        })
        .transpose()?;
    let state = orewatch_server::AppState::new(store_dir.to_path_buf(), evaluation);
    orewatch_server::serve(args.bind, state, |addr| {
        if !quiet {
            eprintln!(
                "orewatch serve: the map at http://{addr}/ , the API at http://{addr}/api-docs (store {}); ctrl-c stops",
                store_dir.display()
            );
        }
    })?;
    Ok(())
}
