//! Where results go, the same in every command: `--out FILE|-` and `--format
//! text|csv|json|geojson|parquet|graphml` (`OutArgs`; a file's extension gives the format unless
//! `--format` does; a format a command does not produce is a usage error, exit 2). Files are
//! written atomically (a temporary file renamed into place), the metadata of a CSV file in a
//! sidecar `F.csv.meta.json`; a closed stdout (`orewatch … | head`) ends the command quietly
//! with exit 0, as ripgrep does.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::Serialize;

/// The lower-case extension of `path` ("" when none).
pub(crate) fn extension(path: &Path) -> String {
    path.extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}

/// Writes bytes atomically: a temporary file next to `path`, renamed into place.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, bytes).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, path)
        .with_context(|| format!("moving {} to {}", tmp.display(), path.display()))
}

/// Rows as CSV with a header from the fields' names.
pub(crate) fn csv_bytes<T: Serialize>(rows: &[T]) -> Result<Vec<u8>> {
    let mut out = csv::Writer::from_writer(Vec::new());
    for r in rows {
        out.serialize(r)?;
    }
    Ok(out.into_inner()?)
}

/// `F.csv` -> `F.csv.meta.json`.
pub(crate) fn sidecar(path: &Path) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(".meta.json");
    PathBuf::from(p)
}

/// A closed stdout ends the process quietly with exit 0. `println!` panics with "failed
/// printing to stdout: Broken pipe (os error 32)" when the reader has gone (Rust ignores
/// SIGPIPE, so the write fails instead of killing the process); this hook turns exactly that
/// panic into a silent exit 0 and hands every other panic to the default hook.
pub(crate) fn exit_quietly_on_broken_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or("");
        if message.starts_with("failed printing to stdout")
            && message.to_ascii_lowercase().contains("broken pipe")
        {
            std::process::exit(0);
        }
        default(info);
    }));
}

/// Whether an error is (caused by) a closed pipe: a write with `writeln!` that failed.
pub(crate) fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// A result's format: the same names in every command (`--format`), each command accepting the
/// ones its result has (a table has no GeoJSON without coordinates).
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum OutFormat {
    /// Tables for reading (stdout only).
    Text,
    /// Comma-separated rows with a header; a file gets an `F.meta.json` sidecar.
    Csv,
    /// The whole result with its metadata.
    Json,
    /// A FeatureCollection (results with coordinates).
    Geojson,
    /// (Geo)Parquet with the metadata in the file's key-value metadata.
    Parquet,
    /// GraphML (Gephi, networkx): graphs.
    Graphml,
}

impl OutFormat {
    fn name(self) -> &'static str {
        match self {
            OutFormat::Text => "text",
            OutFormat::Csv => "csv",
            OutFormat::Json => "json",
            OutFormat::Geojson => "geojson",
            OutFormat::Parquet => "parquet",
            OutFormat::Graphml => "graphml",
        }
    }

    fn of_extension(ext: &str) -> Option<OutFormat> {
        match ext {
            "csv" => Some(OutFormat::Csv),
            "json" => Some(OutFormat::Json),
            "geojson" => Some(OutFormat::Geojson),
            "parquet" => Some(OutFormat::Parquet),
            "graphml" => Some(OutFormat::Graphml),
            _ => None,
        }
    }
}

/// `--out FILE|-` and `--format`, spelled the same in every command that writes a result.
#[derive(clap::Args, Debug, Clone, Default)]
pub(crate) struct OutArgs {
    /// Write the result to FILE (atomically), or to stdout with `-`. Without it: stdout.
    #[arg(long, short, value_name = "FILE|-")]
    pub out: Option<PathBuf>,
    /// The result's format. Default: FILE's extension with --out FILE, else text.
    #[arg(long, value_enum, ignore_case = true)]
    pub format: Option<OutFormat>,
}

/// Where a result goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Sink {
    Stdout,
    File(PathBuf),
}

/// A resolved `--out`/`--format`: where, and in which format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Output {
    pub sink: Sink,
    pub format: OutFormat,
}

/// `--format X` that the command does not produce, or a file whose extension names no format:
/// a usage error (exit 2, as clap's), naming the values the command accepts.
#[derive(Debug)]
pub(crate) struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

impl OutArgs {
    /// Resolves against the formats the command produces (`accepted`, text first when stdout
    /// gets a table by default). A file without `--format` takes its extension's format.
    pub(crate) fn resolve(&self, accepted: &[OutFormat]) -> Result<Output, UsageError> {
        let list = || {
            accepted
                .iter()
                .map(|f| f.name())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let sink = match &self.out {
            None => Sink::Stdout,
            Some(p) if p.as_os_str() == "-" => Sink::Stdout,
            Some(p) => Sink::File(p.clone()),
        };
        let format = match (self.format, &sink) {
            (Some(f), _) => f,
            (None, Sink::Stdout) => accepted[0],
            (None, Sink::File(path)) => {
                let ext = extension(path);
                OutFormat::of_extension(&ext).ok_or_else(|| {
                    UsageError(format!(
                        "--out {}: the extension '{ext}' names no format; use a file ending in \
                         one of [{}] or give --format",
                        path.display(),
                        list()
                    ))
                })?
            }
        };
        if !accepted.contains(&format) {
            return Err(UsageError(format!(
                "--format {}: not produced here; possible values: {}",
                format.name(),
                list()
            )));
        }
        if format == OutFormat::Text && sink != Sink::Stdout {
            return Err(UsageError(format!(
                "--format text is for the terminal; for a file use one of [{}]",
                list()
                    .split(", ")
                    .filter(|f| *f != "text")
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        Ok(Output { sink, format })
    }
}

impl Output {
    /// Writes the result: a file atomically, or stdout (a closed pipe ends quietly, see
    /// `is_broken_pipe`).
    pub(crate) fn write(&self, bytes: &[u8]) -> Result<()> {
        match &self.sink {
            Sink::File(path) => write_atomic(path, bytes),
            Sink::Stdout => {
                use std::io::Write;
                let mut out = std::io::stdout().lock();
                out.write_all(bytes)?;
                Ok(out.flush()?)
            }
        }
    }

    /// The metadata of a CSV file, in its `F.meta.json` sidecar; nothing on stdout (the JSON
    /// format carries it there).
    pub(crate) fn write_sidecar(&self, metadata: &impl Serialize) -> Result<()> {
        match &self.sink {
            Sink::File(path) => write_atomic(
                &sidecar(path),
                serde_json::to_string_pretty(metadata)?.as_bytes(),
            ),
            Sink::Stdout => Ok(()),
        }
    }

    /// For commands whose text and JSON differ in kind (a table to read, the whole result to
    /// keep): the text on stdout unless stdout gets the JSON; the JSON where `--out`/`--format`
    /// say.
    pub(crate) fn print_then_json(&self, doc: &impl Serialize, print: impl FnOnce()) -> Result<()> {
        if self.format == OutFormat::Text || matches!(self.sink, Sink::File(_)) {
            print();
        }
        if self.format == OutFormat::Json {
            self.write((serde_json::to_string_pretty(doc)? + "\n").as_bytes())?;
        }
        Ok(())
    }

    /// Runs `write_file` on the output's path, or on a temporary file copied to stdout (for
    /// writers that need a path, such as Parquet's).
    pub(crate) fn write_via_path(
        &self,
        write_file: impl FnOnce(&Path) -> Result<()>,
    ) -> Result<()> {
        match &self.sink {
            Sink::File(path) => write_file(path),
            Sink::Stdout => {
                let tmp = tempfile::NamedTempFile::new()?;
                write_file(tmp.path())?;
                let bytes = std::fs::read(tmp.path())?;
                self.write(&bytes)
            }
        }
    }
}
