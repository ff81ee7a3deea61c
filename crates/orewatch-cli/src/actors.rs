//! `orewatch actors`: the actor registry and how the event sides resolve to it.
//!
//! ```text
//! orewatch actors [list|show ACTOR] [--unresolved] [--source GED|ACLED]
//!                 [--countries MLI,BFA,NER] [--aliases FILE] [--json]
//! ```
//!
//! Parses the flags, asks `orewatch_core::actors::assess` and prints its result. `list`
//! (default): the outcome rates of the source's side names, then the organisations with their
//! events, deaths, civilian harm and first/last month. `show ACTOR` (a UCDP id, a name or any
//! spelling that resolves): the actor list's record, its listed relations, its timeline and
//! its main counterparts. `--unresolved`: the names that did not resolve to the UCDP list —
//! organisations the list lacks first, then categories, then ambiguous names — each with its
//! event count. `--json`: the assessment's result as JSON. Aggregates only: no event rows.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use orewatch_core::actors::aliases::{self, default_aliases};
use orewatch_core::actors::assess::{
    self, ActorRecordRequest, ActorsRequest, AliasTable, EventSelection, Inputs, Provenance,
};
use orewatch_core::actors::resolve::{Outcome, OutcomeReport};
use orewatch_core::analysis::events::PrecisionFilter;
use orewatch_core::config_text::read_config;
use orewatch_core::model::Dataset;
use orewatch_store::{Manifest, Store};
use serde_json::json;

use crate::flags::SourceArg;
use crate::output::{OutArgs, OutFormat};

/// `list` or `show`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Action {
    /// The organisations of the events (default).
    List,
    /// One actor's record, relations, timeline and counterparts.
    Show,
}

#[derive(clap::Args)]
pub struct Args {
    /// `list` (default) or `show`.
    #[arg(value_enum)]
    pub action: Option<Action>,
    /// With `show`: a UCDP actor id or a name.
    pub actor: Option<String>,
    /// List the side names that did not resolve to the UCDP list (organisations the list
    /// lacks, categories, ambiguous names), with their event counts.
    #[arg(long)]
    pub unresolved: bool,
    /// Event source. Required when the store holds both (never mixed).
    #[arg(long, value_enum, ignore_case = true)]
    pub source: Option<SourceArg>,
    /// Only events in these countries: ISO3 codes, comma-separated (MLI,BFA,NER).
    #[arg(long, value_delimiter = ',')]
    pub countries: Vec<String>,
    /// Alias table (TOML, as config/actor_aliases.toml); default: the shipped table.
    #[arg(long)]
    pub aliases: Option<PathBuf>,
    /// Shorthand for `--format json`.
    #[arg(long)]
    pub json: bool,
    /// Where and how: text (stdout only) or json.
    #[command(flatten)]
    pub output: OutArgs,
    #[command(flatten)]
    pub precision: crate::precision::PrecisionArg,
}

/// The store's dataset and manifest, and the alias table (shared with `network`).
pub fn load(
    store_dir: &Path,
    aliases_file: Option<&Path>,
) -> Result<(Dataset, Manifest, AliasTable)> {
    // The alias table is read (and refused) before the store is touched.
    let table = match aliases_file {
        None => AliasTable {
            name: "config/actor_aliases.toml (shipped)".to_string(),
            entries: default_aliases()?,
        },
        Some(path) => {
            let text = read_config(path, "alias table")?;
            let name = path.display().to_string();
            AliasTable {
                entries: aliases::parse(&text, &name)?,
                name,
            }
        }
    };
    let store = Store::open(store_dir);
    if store.is_empty() {
        bail!(
            "the store at {} is empty. Run `orewatch ingest` (default data) or `orewatch ingest PATHS…` first.",
            store_dir.display()
        );
    }
    let (dataset, manifest) = store
        .load()
        .with_context(|| format!("loading the store at {}", store_dir.display()))?;
    Ok((dataset, manifest, table))
}

pub fn run(store_dir: &Path, args: Args) -> Result<()> {
    let output = args.output.resolve(&[OutFormat::Text, OutFormat::Json])?;
    let json = args.json || output.format == OutFormat::Json;
    let (mut dataset, manifest, table) = load(store_dir, args.aliases.as_deref())?;
    let precision = args.precision.apply(&mut dataset.events)?;
    let input = Inputs {
        dataset: &dataset,
        sources: &manifest.sources,
        aliases: &table,
    };
    let selection = EventSelection {
        source: args.source.map(Into::into),
        countries: args.countries.clone(),
        from: None,
        to: None,
    };
    if args.action == Some(Action::Show) {
        let Some(actor) = args.actor.clone() else {
            bail!("`orewatch actors show ACTOR`: give a UCDP actor id (6716) or a name (JNIM)");
        };
        let record = assess::actor_record(&input, &ActorRecordRequest { actor, selection })?;
        if json {
            output.write((json_with(&record, &precision)? + "\n").as_bytes())?;
        } else {
            println!("# {}", precision.describe());
            print_record(&record);
        }
        return Ok(());
    }
    let result = assess::actors(&input, &ActorsRequest { selection })?;
    if json && args.unresolved {
        let r = &result.outcomes;
        let rows = |o: Outcome| r.rows(o).collect::<Vec<_>>();
        let mut rates = serde_json::to_value(r)?;
        if let Some(map) = rates.as_object_mut() {
            map.remove("names");
        }
        let doc = serde_json::to_string_pretty(&json!({
            "provenance": result.provenance,
            "location_precision": precision.describe(),
            "rates": rates,
            "unlisted": rows(Outcome::Unlisted),
            "categories": rows(Outcome::Category),
            "ambiguous": rows(Outcome::Ambiguous),
        }))?;
        return output.write((doc + "\n").as_bytes());
    }
    if json {
        return output.write((json_with(&result, &precision)? + "\n").as_bytes());
    }
    print_header(&result.provenance, &result.outcomes);
    println!("# {}", precision.describe());
    if args.unresolved {
        print_unresolved(&result.outcomes);
        return Ok(());
    }
    println!(
        "id\tkind\tname\tevents\tdeaths_best\tcivilian_events\tcivilian_deaths\tfirst_month\tlast_month"
    );
    for n in &result.actors {
        println!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            n.key.id(),
            kind_label(n.kind),
            n.name,
            n.events,
            n.fatalities_best,
            n.civilian_events,
            n.civilian_deaths,
            n.first_month,
            n.last_month
        );
    }
    Ok(())
}

/// A result as pretty JSON with the location precisions counted (`location_precision`).
fn json_with(result: &impl serde::Serialize, precision: &PrecisionFilter) -> Result<String> {
    let mut value = serde_json::to_value(result)?;
    if let Some(map) = value.as_object_mut() {
        map.insert("location_precision".into(), json!(precision.describe()));
    }
    Ok(serde_json::to_string_pretty(&value)?)
}

fn kind_label(o: Outcome) -> &'static str {
    match o {
        Outcome::Resolved => "ucdp",
        Outcome::Unlisted => "unlisted",
        Outcome::Category => "category",
        Outcome::Ambiguous => "ambiguous",
    }
}

fn pct(x: f64) -> String {
    format!("{:.2}%", 100.0 * x)
}

/// The provenance and the outcome rates, as `#` lines.
fn print_header(p: &Provenance, r: &OutcomeReport) {
    let countries = if p.countries.is_empty() {
        "all countries".to_string()
    } else {
        p.countries
            .iter()
            .map(|c| c.iso3.as_str())
            .collect::<Vec<_>>()
            .join(",")
    };
    println!(
        "# {}: {} events of political violence in {countries} (protests, riots and strategic developments left out); alias table {} ({} entries)",
        p.source.as_str(),
        r.events,
        p.alias_table,
        p.alias_entries
    );
    println!(
        "# events with an organisation side: {}; every organisation side resolved to the UCDP list: {} ({}); with an organisation not in the list: {} ({}); with an ambiguous side: {} ({}); only categories: {}",
        r.events_with_organisation,
        r.events_resolved,
        pct(r.resolved_share()),
        r.events_with_unlisted,
        pct(r.unlisted_share()),
        r.events_with_ambiguous,
        pct(r.ambiguous_share()),
        r.events_categories_only
    );
    let kinds: Vec<String> = r
        .category_sides_by_kind
        .iter()
        .map(|(k, n)| format!("{} {n}", k.as_str()))
        .collect();
    println!(
        "# sides (main and associates, once per event): resolved {}, not in the list {}, categories {} ({}), ambiguous {}",
        r.resolved_sides,
        r.unlisted_sides,
        r.category_sides,
        if kinds.is_empty() { "none".into() } else { kinds.join(", ") },
        r.ambiguous_sides
    );
    let count = |o: Outcome| r.rows(o).count();
    println!(
        "# names by outcome: resolved {}, not in the list {}, categories {}, ambiguous {} (a name that resolves in one country but not in another is counted under both)",
        count(Outcome::Resolved),
        count(Outcome::Unlisted),
        count(Outcome::Category),
        count(Outcome::Ambiguous)
    );
    for w in &p.warnings {
        println!("# warning: {w}");
    }
}

/// Organisations the list lacks, then categories, then ambiguous names.
fn print_unresolved(r: &OutcomeReport) {
    println!("## organisations not in the UCDP list (own actors)");
    println!("events\tname\thow\tattributes");
    for row in r.rows(Outcome::Unlisted) {
        println!(
            "{}\t{}\t{}\t{}",
            row.events,
            row.name,
            row.how,
            row.resolution.attributes.describe()
        );
    }
    println!("## categories (never actors)");
    println!("events\tcategory\tname");
    for row in r.rows(Outcome::Category) {
        println!(
            "{}\t{}\t{}",
            row.events,
            row.category.as_ref().map_or("", |c| c.kind.as_str()),
            row.name
        );
    }
    println!("## ambiguous (A and/or B: both candidates, never one of them)");
    println!("events\tname\tcandidates");
    for row in r.rows(Outcome::Ambiguous) {
        let candidates: Vec<String> = row
            .candidates
            .iter()
            .map(|(name, what)| format!("{name} [{what}]"))
            .collect();
        println!("{}\t{}\t{}", row.events, row.name, candidates.join(" | "));
    }
}

fn print_record(r: &assess::ActorRecord) {
    println!("{} [{}]", r.name, r.key.id());
    if let Some(res) = &r.resolution {
        println!("  resolved by: {}", res.how());
    }
    match &r.listed {
        Some(a) => {
            println!(
                "  UCDP actor list: NameData {:?}, original {:?}, English {:?}",
                a.name,
                a.name_orig.as_deref().unwrap_or(""),
                a.name_orig_full_eng.as_deref().unwrap_or("")
            );
            if !a.former_names.is_empty() {
                println!(
                    "  former/other names in the list: {}",
                    a.former_names.join("; ")
                );
            }
            if let Some(t) = a.org_type {
                println!("  organisation type (UCDP Org): {t}");
            }
        }
        None => println!("  not in the UCDP actor list"),
    }
    let relations: Vec<String> = r
        .relations
        .iter()
        .map(|x| {
            let to = x
                .to_name
                .as_ref()
                .map_or(format!("{} (not in the list)", x.to), |n| {
                    format!("{n} ({})", x.to)
                });
            format!("{} ({}) {} {to}", x.from_name, x.from, x.kind.as_str())
        })
        .collect();
    println!(
        "  relations in the UCDP list: {}",
        if relations.is_empty() {
            "none".into()
        } else {
            relations.join("; ")
        }
    );
    match &r.timeline {
        None => println!("  no events in the selection"),
        Some(n) => {
            println!(
                "  events {} ({} to {}, {} active months), deaths in its events {}, caused {}, suffered {} ({} events without a per-side split)",
                n.events, n.first_month, n.last_month, n.active_months, n.fatalities_best, n.fatalities_caused, n.fatalities_suffered, n.events_without_breakdown
            );
            println!(
                "  against civilians: {} events, {} deaths",
                n.civilian_events, n.civilian_deaths
            );
            if !n.admin1.is_empty() {
                let regions: Vec<String> =
                    n.admin1.iter().map(|(r, c)| format!("{r} {c}")).collect();
                println!("  admin-1 regions: {}", regions.join(", "));
            }
        }
    }
    if !r.counterparts.is_empty() {
        println!("  counterparts (events, deaths):");
        for c in r.counterparts.iter().take(10) {
            println!("    {}\t{}\t{}", c.name, c.events, c.fatalities_best);
        }
    }
    println!("  note: {}", r.note);
}
