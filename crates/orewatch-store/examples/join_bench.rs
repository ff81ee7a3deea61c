//! The orewatch side of bench/exposure_join: events × sites within R km, from loaded columns.
//!
//! ```sh
//! cargo run --release -p orewatch-store --example join_bench -- \
//!     --events F --sites F --radius-km 25 --runs 10 [--warmup 1] [--warmup-seconds S] \
//!     [--threads N] [--per-site-out F] [--build-only]
//! ```
//!
//! Reads the two Parquet files written by bench/exposure_join/gen_inputs.py (events: row i64,
//! lon f64, lat f64, best i64; sites: row i64, lon f64, lat f64; `row` must be 0..n-1) with the
//! parquet/arrow crates — outside the timing — then times, `--runs` times, the index build
//! (`CapIndex::new`) and the join (`join_within`: exact haversine test, pair count, fatality sum
//! and per-site counts) on a rayon pool of `--threads` threads (default: all CPUs), after
//! a warm-up left out of the statistics: at least `--warmup` runs (default 0) and at least
//! `--warmup-seconds` (default 0) (bench.py gives every tool, peers included, the same
//! warm-up; "warmup" in the output is the number of warm-up runs done). Prints one
//! JSON object (median/min/max seconds of build + join, and of each part; pairs, fatalities,
//! sites with events, threads) and writes the per-site counts to `--per-site-out` as
//! little-endian u32, one per site row, for the harness's same-answer check. `--build-only` times
//! the index build alone (no join; "pairs" is then the site count), for profiling the build. Exits 1 if two
//! runs disagree.

use std::error::Error;
use std::fs::File;
use std::io::Write;
use std::time::Instant;

use arrow::array::{Array, Float64Array, Int64Array};
use arrow::record_batch::RecordBatch;
use orewatch_core::spatial::{join_within, CapIndex, JoinTotals};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

type Res<T> = Result<T, Box<dyn Error>>;

struct Args {
    events: String,
    sites: String,
    radius_km: f64,
    runs: usize,
    warmup: usize,
    warmup_seconds: f64,
    threads: Option<usize>,
    per_site_out: Option<String>,
    build_only: bool,
}

fn parse_args() -> Res<Args> {
    let mut a = Args {
        events: String::new(),
        sites: String::new(),
        radius_km: 25.0,
        runs: 10,
        warmup: 0,
        warmup_seconds: 0.0,
        threads: None,
        per_site_out: None,
        build_only: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut val = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--events" => a.events = val()?,
            "--sites" => a.sites = val()?,
            "--radius-km" => a.radius_km = val()?.parse()?,
            "--runs" => a.runs = val()?.parse()?,
            "--warmup" => a.warmup = val()?.parse()?,
            "--warmup-seconds" => a.warmup_seconds = val()?.parse()?,
            "--threads" => a.threads = Some(val()?.parse()?),
            "--per-site-out" => a.per_site_out = Some(val()?),
            "--build-only" => a.build_only = true,
            _ => return Err(format!("unknown argument {flag}").into()),
        }
    }
    if a.events.is_empty() || a.sites.is_empty() || a.runs == 0 {
        return Err("usage: join_bench --events F --sites F [--radius-km 25] [--runs 10] [--warmup 0] [--warmup-seconds 0] [--threads N] [--per-site-out F] [--build-only]".into());
    }
    Ok(a)
}

/// All batches of a Parquet file, only the named columns.
fn read(path: &str, columns: &[&str]) -> Res<Vec<RecordBatch>> {
    let builder = ParquetRecordBatchReaderBuilder::try_new(File::open(path)?)?;
    let schema = builder.parquet_schema();
    let idx: Vec<usize> = columns
        .iter()
        .map(|c| {
            schema
                .columns()
                .iter()
                .position(|d| d.name() == *c)
                .ok_or_else(|| format!("{path}: no column {c}"))
        })
        .collect::<Result<_, _>>()?;
    let mask = parquet::arrow::ProjectionMask::leaves(schema, idx);
    Ok(builder
        .with_projection(mask)
        .with_batch_size(1 << 16)
        .build()?
        .collect::<Result<_, _>>()?)
}

fn f64_col(batches: &[RecordBatch], name: &str) -> Res<Vec<f64>> {
    let mut out = Vec::new();
    for b in batches {
        let col = b
            .column_by_name(name)
            .ok_or_else(|| format!("no column {name}"))?;
        let a = col
            .as_any()
            .downcast_ref::<Float64Array>()
            .ok_or_else(|| format!("{name} is not f64"))?;
        if a.null_count() > 0 {
            return Err(format!("{name} has nulls").into());
        }
        out.extend_from_slice(a.values());
    }
    Ok(out)
}

fn i64_col(batches: &[RecordBatch], name: &str) -> Res<Vec<i64>> {
    let mut out = Vec::new();
    for b in batches {
        let col = b
            .column_by_name(name)
            .ok_or_else(|| format!("no column {name}"))?;
        let a = col
            .as_any()
            .downcast_ref::<Int64Array>()
            .ok_or_else(|| format!("{name} is not i64"))?;
        if a.null_count() > 0 {
            return Err(format!("{name} has nulls").into());
        }
        out.extend_from_slice(a.values());
    }
    Ok(out)
}

fn check_rows(rows: &[i64], what: &str) -> Res<()> {
    if rows.iter().enumerate().any(|(i, &r)| r != i as i64) {
        return Err(format!("{what}: row column is not 0..n-1").into());
    }
    Ok(())
}

fn stats(xs: &[f64]) -> (f64, f64, f64) {
    let mut v = xs.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    let median = if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    };
    (median, v[0], v[n - 1])
}

fn main() {
    if let Err(e) = run() {
        eprintln!("join_bench: {e}");
        std::process::exit(1);
    }
}

fn run() -> Res<()> {
    let a = parse_args()?;

    // Load (not timed).
    let ev = read(&a.events, &["row", "lon", "lat", "best"])?;
    check_rows(&i64_col(&ev, "row")?, "events")?;
    let (ev_lon, ev_lat) = (f64_col(&ev, "lon")?, f64_col(&ev, "lat")?);
    let ev_best: Vec<u32> = i64_col(&ev, "best")?
        .into_iter()
        .map(|b| u32::try_from(b).map_err(|_| format!("best {b} does not fit u32")))
        .collect::<Result<_, _>>()?;
    drop(ev);
    let st = read(&a.sites, &["row", "lon", "lat"])?;
    check_rows(&i64_col(&st, "row")?, "sites")?;
    let (site_lon, site_lat) = (f64_col(&st, "lon")?, f64_col(&st, "lat")?);
    drop(st);

    let threads = a
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()?;

    let (mut build_s, mut join_s, mut total_s) = (vec![], vec![], vec![]);
    let mut answer: Option<JoinTotals> = None;
    let (mut warm_runs, warm_start) = (0usize, Instant::now());
    let mut warming = a.warmup > 0 || a.warmup_seconds > 0.0;
    while total_s.len() < a.runs {
        let (totals, b, j) = pool.install(|| -> Result<(JoinTotals, f64, f64), String> {
            let t0 = Instant::now();
            let index =
                CapIndex::new(&site_lat, &site_lon, a.radius_km).map_err(|e| e.to_string())?;
            let t1 = Instant::now();
            let totals = if a.build_only {
                JoinTotals {
                    pairs: index.len() as u64,
                    fatalities: 0,
                    per_site_events: Vec::new(),
                }
            } else {
                join_within(&index, &ev_lat, &ev_lon, &ev_best)
            };
            let t2 = Instant::now();
            Ok((totals, (t1 - t0).as_secs_f64(), (t2 - t1).as_secs_f64()))
        })?;
        if warming {
            warm_runs += 1;
            warming = warm_runs < a.warmup || warm_start.elapsed().as_secs_f64() < a.warmup_seconds;
        } else {
            build_s.push(b);
            join_s.push(j);
            total_s.push(b + j);
        }
        match &answer {
            Some(prev) if *prev != totals => return Err("runs disagree".into()),
            Some(_) => {}
            None => answer = Some(totals),
        }
    }
    let t = answer.expect("runs >= 1");
    if let Some(path) = &a.per_site_out {
        let mut bytes = Vec::with_capacity(t.per_site_events.len() * 4);
        for c in &t.per_site_events {
            bytes.extend_from_slice(&c.to_le_bytes());
        }
        File::create(path)?.write_all(&bytes)?;
    }
    let (med, min, max) = stats(&total_s);
    // Every timed run in order (build + join), to see warm-up effects.
    let runs_s = &total_s;
    let (bmed, bmin, bmax) = stats(&build_s);
    let (jmed, jmin, jmax) = stats(&join_s);
    let sites_with_events = t.per_site_events.iter().filter(|&&c| c > 0).count();
    println!(
        "{{\"tool\": \"orewatch\", \"threads\": {threads}, \"runs\": {}, \"warmup\": {}, \"median_s\": {med}, \"min_s\": {min}, \"max_s\": {max}, \
         \"build_median_s\": {bmed}, \"build_min_s\": {bmin}, \"build_max_s\": {bmax}, \
         \"join_median_s\": {jmed}, \"join_min_s\": {jmin}, \"join_max_s\": {jmax}, \
         \"pairs\": {}, \"fatalities\": {}, \"sites_with_events\": {sites_with_events}, \"events\": {}, \"sites\": {}, \"runs_s\": {runs_s:?}}}",
        a.runs,
        warm_runs,
        t.pairs,
        t.fatalities,
        ev_lat.len(),
        site_lat.len()
    );
    Ok(())
}
