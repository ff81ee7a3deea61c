//! The four bundled partnership scenarios (`scenarios/` at the repository root), embedded in
//! the binary so that `orewatch brief` and the tests need no files at run time.
//!
//! What they answer: should a security-assistance-for-mineral-access partnership be made, and
//! on what terms, compared with the alternatives — scored for Mali's population (the stated
//! perspective of every bundled file). In order:
//! 1. `status_quo` — the 2023 Mining Code, Russia's Africa Corps as security partner;
//! 2. `us_deal` — US training, intelligence and equipment for access to / offtake of gold and
//!    lithium, as the news describes it (no signed deal was found: its terms are assumptions);
//! 3. `us_deal_safeguards` — the same deal with EITI-style transparency, independent
//!    monitoring, human-rights vetting and a fixed share of revenue to producing regions;
//! 4. `no_partner` — no external security partner.
//!
//! Method: the files share their common inputs byte for byte (same names, ranges and sources),
//! define the same ten "lever" variables in their own way, and compute the same eleven outputs
//! with the same formulas, so that runs with one seed are paired draw by draw (common random
//! numbers) and a difference between two scenarios comes only from their levers. Every
//! distribution has a `source` or an `assumption`; three inputs are data links
//! (`wgi(MLI, CC, latest)`, `exposure.fatalities(radius_km = 100, window_days = 1825,
//! commodity = 'gold', country = 'MLI')`, `sites.ownership_share(home = 'China', commodity = 'lithium', country = 'MLI')`).
//!
//! What it does NOT do: run anything. Without a [`super::engine::DataLinks`] that resolves the
//! three links, `simulate` reports the first unresolved link as an error.

/// (name, TOML text) of every bundled scenario, status quo first.
pub fn bundled() -> Vec<(&'static str, &'static str)> {
    vec![
        (
            "status_quo",
            include_str!("../../../../scenarios/status_quo.toml"),
        ),
        (
            "us_deal",
            include_str!("../../../../scenarios/us_deal.toml"),
        ),
        (
            "us_deal_safeguards",
            include_str!("../../../../scenarios/us_deal_safeguards.toml"),
        ),
        (
            "no_partner",
            include_str!("../../../../scenarios/no_partner.toml"),
        ),
    ]
}

/// The repository path of a bundled scenario, for error messages (`scenarios/<name>.toml`).
pub fn bundled_path(name: &str) -> String {
    format!("scenarios/{name}.toml")
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use super::*;
    use crate::scenario::dist::{ChunkSampler, Dist};
    use crate::scenario::engine::{simulate, summarise, DataLinks, NoData};
    use crate::scenario::model::{parse_model, Kind, Model, Provenance};

    /// TEST STAND-IN for the store's data links — NOT data. Each link returns draws from a
    /// documented range so that the bundled files can run in unit tests without a store:
    /// - `wgi(MLI, CC, latest)`: normal, mean −0.86, sd 0.2 (WGI 2023 estimate for Mali; the sd
    ///   is of the order of WGI's standard errors);
    /// - `exposure.fatalities(…gold…)`: uniform 20–300 deaths in five years (a guess of the order of
    ///   GED deaths near Mali's gold sites in 2019);
    /// - `sites.ownership_share(home = 'China', commodity = 'lithium')`: uniform 0.45–0.70
    ///   (Goulamina 65 %, Bougouni ≈ 33 %, capacity-weighted ≈ 0.58);
    /// - `supply.share(MLI, gold, latest)`: uniform 0.01–0.02.
    struct StandInLinks;

    impl DataLinks for StandInLinks {
        fn sampler(&self, link: &str) -> Result<ChunkSampler, String> {
            let dist = match link {
                "wgi(MLI, CC, latest)" => Dist::Normal {
                    mean: -0.86,
                    sd: 0.2,
                },
                "exposure.fatalities(radius_km = 100, window_days = 1825, commodity = 'gold', country = 'MLI')" => {
                    Dist::Uniform {
                        min: 20.0,
                        max: 300.0,
                    }
                }
                "sites.ownership_share(home = 'China', commodity = 'lithium', country = 'MLI')" => Dist::Uniform {
                    min: 0.45,
                    max: 0.70,
                },
                "supply.share(MLI, gold, latest)" => Dist::Uniform {
                    min: 0.01,
                    max: 0.02,
                },
                other => return Err(format!("test stand-in: unknown link `{other}`")),
            };
            dist.chunk_sampler(None, None)
        }
    }

    fn models() -> Vec<Model> {
        bundled()
            .into_iter()
            .map(
                |(name, text)| match parse_model(text, &bundled_path(name)) {
                    Ok(m) => m,
                    Err(e) => panic!("{e}"),
                },
            )
            .collect()
    }

    #[test]
    fn order_and_names() {
        let names: Vec<&str> = bundled().iter().map(|(n, _)| *n).collect();
        assert_eq!(
            names,
            ["status_quo", "us_deal", "us_deal_safeguards", "no_partner"]
        );
    }

    #[test]
    fn every_file_parses_with_the_population_perspective() {
        for m in models() {
            assert_eq!(
                m.meta.perspective,
                crate::scenario::model::Perspective::MaliPopulation,
                "{}",
                m.file
            );
            assert_eq!(m.meta.duration_years, 5.0);
            assert!(!m.outputs.is_empty());
        }
    }

    #[test]
    fn outputs_are_the_same_in_all_four() {
        let ms = models();
        let key = |m: &Model| -> Vec<(String, String, String, String)> {
            m.outputs
                .iter()
                .map(|o| {
                    (
                        o.name.clone(),
                        format!("{:?}", o.aspect),
                        o.unit.clone(),
                        format!("{:?}", o.direction),
                    )
                })
                .collect()
        };
        let first = key(&ms[0]);
        for m in &ms[1..] {
            assert_eq!(key(m), first, "{}", m.file);
        }
        // Every aspect has at least one output.
        let aspects: BTreeSet<String> = first.iter().map(|k| k.1.clone()).collect();
        assert_eq!(aspects.len(), 5, "{aspects:?}");
        // The same formulas, so that differences come only from the levers.
        for m in &ms[1..] {
            for (a, b) in ms[0].outputs.iter().zip(&m.outputs) {
                assert_eq!(a.expr, b.expr, "{} {}", m.file, a.name);
            }
        }
    }

    #[test]
    fn shared_inputs_are_identical_where_names_repeat() {
        // A name used in several files must be the same input there (same kind, parameters and
        // provenance), or the paired comparison would pair different things. Levers (the
        // expressions that differ by design) are the only exception.
        const LEVERS: [&str; 10] = [
            "violence_multiplier",
            "harm_multiplier",
            "coup_multiplier",
            "cc_effect",
            "leakage_share",
            "concession_share",
            "partner_cost_musd",
            "us_equity_shift",
            "us_offtake_share",
            "local_share",
        ];
        let mut seen: BTreeMap<String, (String, Kind, Provenance)> = BTreeMap::new();
        for m in models() {
            for l in LEVERS {
                assert!(
                    m.variables.iter().any(|v| v.name == l),
                    "{} lacks the lever {l}",
                    m.file
                );
            }
            for v in &m.variables {
                if LEVERS.contains(&v.name.as_str()) {
                    continue;
                }
                match seen.get(&v.name) {
                    Some((file, kind, prov)) => {
                        assert_eq!(&v.kind, kind, "{} differs in {} and {file}", v.name, m.file);
                        assert_eq!(&v.provenance, prov, "{} in {} and {file}", v.name, m.file);
                    }
                    None => {
                        seen.insert(
                            v.name.clone(),
                            (m.file.clone(), v.kind.clone(), v.provenance.clone()),
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn every_distribution_is_sourced_or_labelled_and_links_are_few() {
        for m in models() {
            let mut links = 0;
            for v in &m.variables {
                match (&v.kind, &v.provenance) {
                    (Kind::Dist { .. }, Provenance::Source(s) | Provenance::Assumption(s)) => {
                        assert!(s.len() > 40, "{} {}: too short to say why", m.file, v.name)
                    }
                    (Kind::Data(_), Provenance::Data(_)) => links += 1,
                    (Kind::Expr(_), Provenance::Derived) => {}
                    other => panic!("{} {}: {other:?}", m.file, v.name),
                }
            }
            assert_eq!(links, 3, "{}", m.file);
        }
    }

    #[test]
    fn without_links_the_run_names_the_missing_link() {
        let m = &models()[0];
        let e = simulate(m, 100, 1, &NoData).unwrap_err();
        assert!(e.message.contains("cannot be resolved"), "{e}");
    }

    #[test]
    fn each_runs_with_the_stand_in_links_and_stays_in_bounds() {
        const N: usize = 20_000;
        let ms = models();
        let draws: Vec<_> = ms
            .iter()
            .map(|m| simulate(m, N, 7, &StandInLinks).unwrap_or_else(|e| panic!("{e}")))
            .collect();
        for (m, d) in ms.iter().zip(&draws) {
            for o in &m.outputs {
                let x = &d.outputs[&o.name];
                assert_eq!(x.len(), N);
                assert!(
                    x.iter().all(|v| v.is_finite()),
                    "{} {}: non-finite draw",
                    m.file,
                    o.name
                );
                let (lo, hi) = match o.unit.as_str() {
                    u if u.starts_with("share") || u.starts_with("probability") => (0.0, 1.0),
                    u if u.starts_with("WGI") => (-2.5, 2.5),
                    "t of gold per year" => (0.0, 67.0),
                    "t of mercury per year" => (20.0, 45.0),
                    // Revenue: at most every input at its top (67 t × a high price × 0.45 + 190);
                    // may go negative when the partner costs more than the mines bring.
                    "million USD per year" => (-1000.0, 20_000.0),
                    "deaths per year" | "civilian deaths per year" => (0.0, 50_000.0),
                    other => panic!("{}: unit {other} has no plausible bounds here", o.name),
                };
                assert!(
                    x.iter().all(|v| (lo..=hi).contains(v)),
                    "{} {}: draw outside [{lo}, {hi}]",
                    m.file,
                    o.name
                );
            }
        }
        // Common random numbers: a shared input draws the same numbers in every scenario.
        for d in &draws[1..] {
            assert_eq!(
                d.variables["industrial_gold_t"],
                draws[0].variables["industrial_gold_t"]
            );
            assert_eq!(
                d.variables["wgi_cc_baseline"],
                draws[0].variables["wgi_cc_baseline"]
            );
        }
        // Mercury is untouched by every scenario: identical draws.
        assert_eq!(
            draws[3].outputs["mercury_use_t"],
            draws[0].outputs["mercury_use_t"]
        );
        // Sanity of the status quo, from the inputs' own ranges: median gold output between the
        // PERT mode less a quarter (disputes, insecurity) and the mode.
        let gold = summarise(&draws[0].outputs["industrial_gold_output_t"]);
        assert!(gold.median > 40.0 && gold.median < 55.0, "{gold:?}");
        // The fixed regional share can only raise what reaches the regions per revenue dollar:
        // local share in (c) ≥ local share in (b), draw by draw.
        let (b, c) = (&draws[1].variables, &draws[2].variables);
        assert!(b["local_share"]
            .iter()
            .zip(&c["local_share"])
            .all(|(b, c)| c >= b));
        // Vetting can only lower civilian harm relative to the same deal without it.
        let (hb, hc) = (
            &draws[1].outputs["civilians_killed_by_state_and_partner_per_year"],
            &draws[2].outputs["civilians_killed_by_state_and_partner_per_year"],
        );
        assert!(hb.iter().zip(hc).all(|(b, c)| c <= b));
    }

    /// Prints each output's median and 90 % interval per scenario (`cargo test -p orewatch-core
    /// bundled::tests::print_summaries -- --ignored --nocapture`), with the test stand-in links.
    #[test]
    #[ignore]
    fn print_summaries() {
        for m in models() {
            let d = simulate(&m, 100_000, 20_260_101, &StandInLinks).unwrap();
            println!("== {}", m.meta.name);
            for o in &m.outputs {
                let s = summarise(&d.outputs[&o.name]);
                println!(
                    "{:50} {:>10.3} [{:>10.3}, {:>10.3}] {}",
                    o.name, s.median, s.p5, s.p95, o.unit
                );
            }
        }
    }
}
