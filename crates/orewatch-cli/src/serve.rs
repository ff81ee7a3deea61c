//! `orewatch serve [--bind 127.0.0.1:8080]`: the local API and the map page over the store
//! (read-only), until ctrl-c. Loopback by default; another address only when given, with a
//! warning. The server itself is `orewatch_server`.

use std::net::SocketAddr;
use std::path::Path;

use anyhow::Result;

#[derive(clap::Args)]
pub struct Args {
    /// Address and port to listen on (port 0: any free port). Anything but loopback makes
    /// the store readable by other machines.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
}

pub fn run(store_dir: &Path, quiet: bool, args: Args) -> Result<()> {
    if !orewatch_server::is_loopback(&args.bind) {
        eprintln!(
            "warning: serving on {} — not loopback: other machines that can reach this address can read the store's data",
            args.bind
        );
    }
    let store = store_dir.to_path_buf();
    orewatch_server::serve(args.bind, store, |addr| {
        if !quiet {
            eprintln!(
                "orewatch serve: the map at http://{addr}/ , the API at http://{addr}/api-docs (store {}); ctrl-c stops",
                store_dir.display()
            );
        }
    })?;
    Ok(())
}
