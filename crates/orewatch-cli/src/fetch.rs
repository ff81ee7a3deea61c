//! `orewatch fetch ucdp [--release 24.1 | --candidate 25.0.X] [--url URL] [--dest DIR]
//! [--sha256 HEX] [--no-ingest]`: downloads a UCDP GED release or a candidate-events file,
//! resumes an interrupted download, checks its size (and SHA-256 when given), unzips it and
//! ingests the CSV into the store.
//!
//! Default URLs follow the file names UCDP publishes on its download page
//! (<https://ucdp.uu.se/downloads/>): a GED release as `ged{MAJOR}{MINOR}-csv.zip` under
//! `/downloads/ged/` (e.g. `ged241-csv.zip` for 24.1), the candidate events as
//! `GEDEvent_v{YY}_0_{N}.csv` under `/downloads/candidateged/`. UCDP may rename them: `--url`
//! overrides, and a failed download says so.
//!
//! Resumption: bytes arrive in `DEST/NAME.part`; a later run asks for the rest with an HTTP
//! `Range` request (a server that ignores it sends the whole file again, and the part is
//! restarted). The part becomes `DEST/NAME` only when its size equals the announced length
//! and its SHA-256 equals `--sha256` (when given); a checksum mismatch deletes the part (its
//! bytes cannot be trusted) and fails, nothing ingested.

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use orewatch_store::Store;
use sha2::{Digest, Sha256};

use crate::ingest::{ingest_into, Request};

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub what: What,
}

#[derive(clap::Subcommand)]
pub enum What {
    /// UCDP GED: a full release (`--release 24.1`) or candidate events (`--candidate 25.0.1`).
    Ucdp(UcdpArgs),
}

#[derive(clap::Args)]
pub struct UcdpArgs {
    /// A GED release, MAJOR.MINOR (e.g. 24.1).
    #[arg(long, conflicts_with = "candidate", value_parser = parse_release)]
    pub release: Option<String>,
    /// Candidate events, YY.0.N (e.g. 25.0.1).
    #[arg(long, value_parser = parse_candidate)]
    pub candidate: Option<String>,
    /// Download this URL instead of the default for the release.
    #[arg(long)]
    pub url: Option<String>,
    /// Directory the file is written to (default: the data directory).
    #[arg(long)]
    pub dest: Option<PathBuf>,
    /// Expected SHA-256 of the downloaded file (hex); a mismatch deletes it and fails.
    #[arg(long)]
    pub sha256: Option<String>,
    /// Download (and unzip) only; do not ingest.
    #[arg(long)]
    pub no_ingest: bool,
}

fn parse_release(text: &str) -> Result<String, String> {
    let ok = text
        .split_once('.')
        .is_some_and(|(a, b)| is_number(a) && is_number(b));
    ok.then(|| text.to_string())
        .ok_or_else(|| format!("expected MAJOR.MINOR such as 24.1, got {text:?}"))
}

fn parse_candidate(text: &str) -> Result<String, String> {
    let parts: Vec<&str> = text.split('.').collect();
    (parts.len() == 3 && parts.iter().all(|p| is_number(p)))
        .then(|| text.to_string())
        .ok_or_else(|| format!("expected YY.0.N such as 25.0.1, got {text:?}"))
}

fn is_number(s: &str) -> bool {
    !s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit())
}

/// The default URL of a release or candidate file (see the module docs).
pub fn default_url(release: Option<&str>, candidate: Option<&str>) -> Option<String> {
    if let Some(r) = release {
        let (major, minor) = r.split_once('.')?;
        return Some(format!(
            "https://ucdp.uu.se/downloads/ged/ged{major}{minor}-csv.zip"
        ));
    }
    let c = candidate?;
    Some(format!(
        "https://ucdp.uu.se/downloads/candidateged/GEDEvent_v{}.csv",
        c.replace('.', "_")
    ))
}

pub fn run(store_dir: &Path, quiet: bool, args: Args) -> Result<()> {
    let What::Ucdp(args) = args.what;
    let url = match (
        &args.url,
        default_url(args.release.as_deref(), args.candidate.as_deref()),
    ) {
        (Some(u), _) => u.clone(),
        (None, Some(u)) => u,
        (None, None) => {
            bail!("orewatch fetch ucdp: give --release 24.1, --candidate 25.0.1 or --url URL")
        }
    };
    let dest = match &args.dest {
        Some(d) => d.clone(),
        None => crate::data_dir::default_data_dir()?,
    };
    std::fs::create_dir_all(&dest).with_context(|| format!("creating {}", dest.display()))?;
    let name = file_name_of(&url)?;
    let path = download(&url, &dest.join(&name), args.sha256.as_deref(), quiet)?;
    let files = if name.to_ascii_lowercase().ends_with(".zip") {
        unzip_csv(&path, &dest)?
    } else {
        vec![path]
    };
    if !quiet {
        for f in &files {
            eprintln!("fetched {}", f.display());
        }
    }
    if args.no_ingest {
        return Ok(());
    }
    let store = Store::open(store_dir);
    let request = Request {
        paths: files,
        release: args.release.clone(),
        ..Default::default()
    };
    let (manifest, _) = ingest_into(&store, &request, quiet)?;
    if !quiet {
        eprintln!(
            "ingested into {} (generation {})",
            store_dir.display(),
            manifest.generation
        );
    }
    Ok(())
}

/// The last path segment of a URL, refused when it could leave the destination directory.
fn file_name_of(url: &str) -> Result<String> {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let name = path.rsplit('/').next().unwrap_or("");
    if name.is_empty() || name == "." || name == ".." || name.contains('\\') {
        bail!("--url {url}: the URL does not end in a file name");
    }
    Ok(name.to_string())
}

/// Downloads `url` to `target`, resuming `target.part`; returns `target`.
fn download(url: &str, target: &Path, sha256: Option<&str>, quiet: bool) -> Result<PathBuf> {
    let part = target.with_extension(format!(
        "{}part",
        target
            .extension()
            .map(|e| format!("{}.", e.to_string_lossy()))
            .unwrap_or_default()
    ));
    let have = std::fs::metadata(&part).map(|m| m.len()).unwrap_or(0);
    let mut request = ureq::get(url);
    if have > 0 {
        request = request.set("Range", &format!("bytes={have}-"));
    }
    let response = match request.call() {
        Ok(r) => r,
        Err(ureq::Error::Status(416, _)) if have > 0 => {
            // The part already holds the whole file.
            return finish(&part, target, sha256);
        }
        Err(e) => bail!("downloading {url}: {e} (UCDP may have renamed the file: pass --url)"),
    };
    let resumed = have > 0 && response.status() == 206;
    let length: Option<u64> = response
        .header("Content-Length")
        .and_then(|v| v.trim().parse().ok());
    let total = length.map(|l| if resumed { l + have } else { l });
    let mut file = if resumed {
        OpenOptions::new().append(true).open(&part)
    } else {
        File::create(&part)
    }
    .with_context(|| format!("writing {}", part.display()))?;
    let bar = if quiet {
        ProgressBar::hidden()
    } else {
        let bar = ProgressBar::new(total.unwrap_or(0));
        if let Ok(style) = ProgressStyle::with_template(
            "{msg} {bar:40} {bytes}/{total_bytes} ({bytes_per_sec}, {eta})",
        ) {
            bar.set_style(style);
        }
        bar.set_message(file_name_of(url).unwrap_or_default());
        bar.set_position(if resumed { have } else { 0 });
        bar
    };
    let mut reader = response.into_reader();
    let mut buf = vec![0u8; 1 << 16];
    let mut written = if resumed { have } else { 0 };
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) => {
                file.flush().ok();
                bail!(
                    "downloading {url}: the transfer broke off after {written} bytes ({e}); run the same command again to resume from {}",
                    part.display()
                );
            }
        };
        file.write_all(&buf[..n])
            .with_context(|| format!("writing {}", part.display()))?;
        written += n as u64;
        bar.set_position(written);
    }
    file.sync_all()
        .with_context(|| format!("writing {}", part.display()))?;
    bar.finish_and_clear();
    if let Some(total) = total {
        if written != total {
            bail!(
                "downloading {url}: {written} of {total} bytes arrived; run the same command again to resume from {}",
                part.display()
            );
        }
    }
    finish(&part, target, sha256)
}

/// Checks the finished part's SHA-256 (when given; its size was checked while it arrived)
/// and renames it into place.
fn finish(part: &Path, target: &Path, sha256: Option<&str>) -> Result<PathBuf> {
    if let Some(expected) = sha256 {
        let got = sha256_of(part)?;
        if !got.eq_ignore_ascii_case(expected.trim()) {
            std::fs::remove_file(part).ok();
            bail!(
                "{}: SHA-256 {got} does not match --sha256 {expected}; the download was deleted (nothing ingested)",
                target.display()
            );
        }
    }
    std::fs::rename(part, target)
        .with_context(|| format!("moving {} to {}", part.display(), target.display()))?;
    Ok(target.to_path_buf())
}

fn sha256_of(path: &Path) -> Result<String> {
    let mut file = File::open(path).with_context(|| format!("reading {}", path.display()))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hex::encode(hasher.finalize()))
}

/// Extracts the `.csv` members of a zip archive into `dest` (flat: directories in the archive
/// are dropped; a name that would leave `dest` is refused). Returns the files written.
fn unzip_csv(zip_path: &Path, dest: &Path) -> Result<Vec<PathBuf>> {
    let file = File::open(zip_path).with_context(|| format!("reading {}", zip_path.display()))?;
    let mut archive = zip::ZipArchive::new(file)
        .with_context(|| format!("{}: not a readable zip archive", zip_path.display()))?;
    let mut written = Vec::new();
    for i in 0..archive.len() {
        let mut member = archive
            .by_index(i)
            .with_context(|| format!("{}: member {i}", zip_path.display()))?;
        let Some(name) = member
            .enclosed_name()
            .and_then(|p| p.file_name().map(|n| n.to_owned()))
        else {
            bail!(
                "{}: member {:?} has an unsafe name",
                zip_path.display(),
                member.name()
            );
        };
        if !name
            .to_string_lossy()
            .to_ascii_lowercase()
            .ends_with(".csv")
        {
            continue;
        }
        let out = dest.join(&name);
        let tmp = out.with_extension("csv.tmp");
        let mut f = File::create(&tmp).with_context(|| format!("writing {}", tmp.display()))?;
        std::io::copy(&mut member, &mut f)
            .with_context(|| format!("{}: extracting {:?}", zip_path.display(), name))?;
        f.sync_all()?;
        std::fs::rename(&tmp, &out)
            .with_context(|| format!("moving {} to {}", tmp.display(), out.display()))?;
        written.push(out);
    }
    if written.is_empty() {
        bail!("{}: the archive holds no .csv file", zip_path.display());
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_urls_follow_ucdps_names() {
        assert_eq!(
            default_url(Some("24.1"), None).as_deref(),
            Some("https://ucdp.uu.se/downloads/ged/ged241-csv.zip")
        );
        assert_eq!(
            default_url(None, Some("25.0.3")).as_deref(),
            Some("https://ucdp.uu.se/downloads/candidateged/GEDEvent_v25_0_3.csv")
        );
        assert!(parse_release("24").is_err());
        assert!(parse_candidate("25.0").is_err());
        assert!(file_name_of("http://x/").is_err());
        assert_eq!(file_name_of("http://x/a/b.csv?x=1").unwrap(), "b.csv");
    }
}
