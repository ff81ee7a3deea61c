//! The brief on the real data (`$OREWATCH_DATA` or `../shared/data`).

use std::path::{Path, PathBuf};

use orewatch_core::ingest::plan;
use orewatch_report::{render_brief, BriefInput};

fn data_dir() -> PathBuf {
    std::env::var_os("OREWATCH_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"))
}

#[test]
fn brief_on_the_real_data() {
    let files = plan::discover(&data_dir()).expect("discover").sources;
    let out = plan::ingest(&files, &mut |_| {}).expect("ingest");
    let input = BriefInput {
        dataset: &out.dataset,
        sources: &out.sources,
        provenance: "integration test".to_string(),
        deal: None,
        outlook: None,
        precision: Default::default(),
    };
    let html = render_brief(&input);
    assert_eq!(html, render_brief(&input), "deterministic");
    // One circle per event: the GED 24.1 files (every location precision) add about 1,850
    // events inside the frame to the 21.1 ones.
    assert!(html.len() < 1_700_000, "{} bytes", html.len());
    // Per-country vintage from the coverage table: the seven GED 24.1 exports are named
    // `…_YYYY_2022` (to 2022-12-31), the 21.1 files `…_1989_2019` (every country to
    // 2019-12-31); Mali's neighbours without a 24.1 file (Algeria, Guinea, Mauritania,
    // Niger) stay at 2019 and are hatched on the maps.
    assert!(
        html.contains("The UCDP GED conflict events end on 2022-12-31 for Mali, Burkina Faso, Côte d&#39;Ivoire and Senegal, and on 2019-12-31 for Algeria, Guinea, Mauritania and Niger."),
        "{}",
        &html[..html.find("</section>").unwrap()]
    );
    assert!(html.contains(r#"<tr class="stale"><td>Niger</td><td>NER</td><td>1989-01-01</td><td>2019-12-31 (hatched)</td>"#));
    assert!(html.contains(r#"<tr><td>Mali</td><td>MLI</td><td>1989-01-01</td><td>2022-12-31</td>"#));
    let map = &html[html.find(r#"aria-label="Map of Mali"#).expect("map")..];
    let map = &map[..map.find("</svg>").unwrap()];
    assert_eq!(map.matches(r#"fill="url(#hatch-events)""#).count(), 4);
    assert!(html.contains("Algeria, Guinea, Mauritania and Niger (data to 2019-12-31)"));
    assert!(!html.contains("Wagner"));
    assert!(!html.contains("ingest the latest UCDP GED (or candidate) release or an ACLED export"));

    // "Since 2019". Independent count: /tmp-style python3 script (csv + math, haversine with
    // R = 6371.0088 km) over both GED 21.1 files and the seven 24.1 files, ids merged with the
    // 24.1 record winning (169,411 events), counting events by the year of their start date:
    //   Essakane (BFA-HT-02), events / deaths within 25/50/100 km, nearest event:
    //     2017 0/2/6, 0/3/26, 32.2 km   2018 0/1/9, 0/1/10, 47.1 km   2019 2/9/31, 3/21/147, 1.7 km
    //     2020 1/10/34, 2/40/231, 11.6 km   2021 8/29/67, 30/165/554, 13.8 km
    //     2022 5/23/71, 45/171/822, 8.1 km
    //   Syama (MLI-HT-06): 0 everywhere but 2021 0/0/1 (1 death at ≤100 km) and 2022 0/0/3
    //     (14 deaths); nearest 231.3, 268.4, 137.7, 137.7, 85.8, 69.8 km.
    //   Within 50 km, none in 2017–2019 and some in 2020–2022: Bougouni lithium (MLI-HT-11)
    //     only (1 event in 2021, 1 in 2022).
    // Essakane's 100 km reach Niger, which has no data after 2019: 2020–2022 are partial.
    let since = &html[html
        .find(r#"<section class="since">"#)
        .expect("since section")..];
    let since = &since[..since.find("</section>").expect("end of since")];
    let row = |label: &str| {
        let at = since.find(&format!("<tr><td>{label}")).expect(label);
        let row = &since[at..];
        row[..row.find("</tr>").unwrap()].to_string()
    };
    let cell = |e: &str, d: &str, n: &str| {
        (
            format!(r#"<td class="num">{e}"#),
            format!(r#"<span class="d">{d}</span><br><span class="n">{n}</span></td>"#),
        )
    };
    let essakane = row("Essakane (BFA)");
    let cells: Vec<&str> = essakane.split(r#"<td class="num">"#).skip(1).collect();
    assert_eq!(cells.len(), 6, "{essakane}");
    for (i, (e, d, n, partial)) in [
        ("0 / 2 / 6", "0 / 3 / 26", "32 km", false),
        ("0 / 1 / 9", "0 / 1 / 10", "47 km", false),
        ("2 / 9 / 31", "3 / 21 / 147", "2 km", false),
        ("1 / 10 / 34", "2 / 40 / 231", "12 km", true),
        ("8 / 29 / 67", "30 / 165 / 554", "14 km", true),
        ("5 / 23 / 71", "45 / 171 / 822", "8 km", true),
    ]
    .into_iter()
    .enumerate()
    {
        let (head, tail) = cell(e, d, n);
        let full = format!(r#"<td class="num">{}"#, cells[i]);
        assert!(full.starts_with(&head), "{i}: {full}");
        assert!(full.contains(&tail[..tail.len() - 5]), "{i}: {full}");
        assert_eq!(full.contains(r#"class="partial""#), partial, "{i}: {full}");
    }
    assert!(essakane.contains("no data for NER that year"));
    let syama = row("Syama (MLI)");
    for (e, d, n) in [
        ("0 / 0 / 0", "0 / 0 / 0", "231 km"),
        ("0 / 0 / 0", "0 / 0 / 0", "268 km"),
        ("0 / 0 / 0", "0 / 0 / 0", "138 km"),
        ("0 / 0 / 0", "0 / 0 / 0", "138 km"),
        ("0 / 0 / 1", "0 / 0 / 1", "86 km"),
        ("0 / 0 / 3", "0 / 0 / 14", "70 km"),
    ] {
        let (head, tail) = cell(e, d, n);
        assert!(
            syama.contains(&format!("{head}<br>{}", &tail)),
            "{e} {d} {n}: {syama}"
        );
    }
    assert!(since.contains("<strong>Violence arrived</strong> (at least one event within 50 km in 2020–2022, none in 2017–2019) at <strong>1 of the 16 sites</strong>: Bougouni lithium (MLI)."), "{since}");
    // One panel per located site (Intahaka has no coordinates and is listed apart).
    assert_eq!(since.matches(r#"class="ptitle"#).count(), 16);
    assert!(since.contains("(MLI-HT-14): no coordinates, not assessed"));
    assert!(
        since.contains("Essakane (BFA-HT-02): 2020, 2021, 2022 partial — NER without data within")
    );
    // The location-precision passage: every precision counted; what codes ≤ 2 and ≤ 3 would
    // drop. Python over the 24.1 exports (every Mali and Burkina Faso event of 21.1 is in
    // them), counting where_prec > 2 and > 3 per year of date_start with best_est deaths:
    // Mali 2022 408 events, 3,650 deaths; > 2: 109 (26.7%), 767 (21.0%); > 3: 55 (13.5%),
    // 493 (13.5068%). Burkina Faso 2022 236, 2,609; > 2: 49 (20.8%), 468 (17.9%); > 3: 31
    // (13.1%), 233 (8.9%).
    let section = &html[html
        .find("<h2>Location precision")
        .expect("precision section")..];
    let section = &section[..section.find("</section>").expect("end")];
    assert!(section.contains("The brief counts every location precision"));
    assert!(section.contains("Mali, Burkina Faso, Niger, 2013–2022"));
    assert!(section.contains(
        r#"<tr><td>Mali</td><td>2022</td><td class="num">408</td><td class="num">3650</td><td class="num">0</td><td class="num">109 (27%)</td><td class="num">767 (21%)</td><td class="num">55 (13%)</td><td class="num">493 (14%)</td></tr>"#
    ));
    assert!(section.contains(
        r#"<tr><td>Burkina Faso</td><td>2022</td><td class="num">236</td><td class="num">2609</td><td class="num">0</td><td class="num">49 (21%)</td><td class="num">468 (18%)</td><td class="num">31 (13%)</td><td class="num">233 (9%)</td></tr>"#
    ));
    // Niger's data end in 2019: no row after it. Its events come from the 21.1 reduced
    // layout, which has no where_prec column (python over ucdp_ged_v21_1_precise_global: Niger
    // 2019, 62 events, 369 best deaths): every one without a code, all dropped by any filter.
    assert!(section.contains(
        r#"<tr><td>Niger</td><td>2019</td><td class="num">62</td><td class="num">369</td><td class="num">62</td><td class="num">62 (100%)</td><td class="num">369 (100%)</td><td class="num">62 (100%)</td><td class="num">369 (100%)</td></tr>"#
    ), "{section}");
    assert!(!section.contains("<td>Niger</td><td>2020</td>"));
    // Frame lon -17.5..9.5, lat 8..27. Counted independently with python3 csv over both GED
    // 21.1 files and the seven 24.1 files (ids merged, the 24.1 record winning): 4774 events,
    // 50061 deaths (best) inside the frame.
    assert!(html.contains("<strong>4774</strong> events with <strong>50061</strong> deaths"));
    let events = &html[html.find(r#"<g class="events">"#).expect("events")..];
    let events = &events[..events.find("</g>").expect("end of events")];
    assert_eq!(events.matches("<circle").count(), 4774);
    let not_mapped = &html[html.find("Not mapped: no coordinates").expect("not mapped")..];
    assert!(not_mapped.contains("Intahaka"));
    assert!(html.contains("The forecast was not run for this brief."));
    // The supply section's EU picture and lithium with Mali (the numbers of `orewatch supply
    // --commodity lithium` on the same data).
    let supply = &html[html.find(r#"<section class="supply">"#).expect("supply")..];
    let supply = &supply[..supply.find("</section>").expect("end of supply")];
    assert!(supply.contains("Of the deal's minerals, lithium is critical, gold is not."));
    assert!(supply.contains(
        "Lithium&#39;s SR at extraction from USGS 2025 production with the EU&#39;s other 2023 inputs is 0.67 with Mali&#39;s output as reported (3.3% of world supply) and 0.71 with it stopped"
    ), "{supply}");
    assert!(supply.contains("the processing-stage SR does not see Mali&#39;s ore"));
    // GED 24.1 carries the UCDP events to 2022-12-31 for the seven countries of its file
    // names (benin_2019_2022 … togo_1991_2022); every other country's (Niger's included) end
    // with the 21.1 file's 2019-12-31, so each country is judged on its own last full year:
    // lithium 2025 with Mali's 2022 verdict and the other producers' 2019 ones.
    assert!(
        supply.contains("the events cover 2022 for BEN, BFA, CIV, GNB, MLI, SEN, TGO only (every other country&#39;s events end earlier), earlier years for the others"),
        "{supply}"
    );
    assert!(
        supply.contains("<td>7.4%–27.0% (MLI 2022, the other producers 2019)"),
        "{supply}"
    );

    // The Outlook section with the default forecast (its evaluation is tested in orewatch-core
    // and the CLI): the Sahel countries covered to the end of the data, Mali and Burkina Faso
    // (GED 24.1, to 2022-12; Niger only to 2019-12).
    use orewatch_core::analysis::forecast::outlook::NoDraws;
    use orewatch_core::assess::forecast::{forecast, ForecastRequest};
    let request = ForecastRequest {
        observed_months: 24,
        ..ForecastRequest::default()
    };
    let forecast = forecast(&request, &out.dataset, &out.sources, &mut NoDraws).expect("forecast");
    assert_eq!(forecast.countries, ["MLI", "BFA"]);
    assert_eq!(forecast.outlook.origin.to_string(), "2022-12");
    let outlook = orewatch_report::outlook::OutlookInput {
        forecast,
        evaluation: Err("this brief was built without it".into()),
    };
    let with = BriefInput {
        outlook: Some(&outlook),
        ..input
    };
    let html = render_brief(&with);
    let section = &html[html.find("<h2>Outlook").expect("outlook section")..];
    let section = &section[..section.find("</section>").expect("end")];
    // One rectangle per cell inside the map frame: 512 PRIO-GRID cells whose centre lies in
    // Mali or Burkina Faso (Natural Earth 1:50m) plus 18 border cells holding one of their GED
    // events to 2022 (21.1 and 24.1 merged by id, 24.1 winning): python with shapely 2.2,
    // prepared polygons' `contains` over the cell centres and floor((lat+90)/0.5)·720 +
    // floor((lon+180)/0.5) + 1 per event.
    assert_eq!(with.outlook.unwrap().forecast.units.len(), 530);
    let cells = &section[section.find(r#"<g class="cells""#).expect("cells")..];
    let cells = &cells[..cells.find("</g>").unwrap()];
    assert_eq!(cells.matches("<rect").count(), 530);
    assert!(section.contains("Mali and Burkina Faso"));
    // Niger's data end in 2019: it is named, not forecast as peaceful.
    assert!(section.contains("NER is not forecast"));
    assert!(section.contains("2023-01 and 2023-12"));
    assert!(section.contains("Fan charts"));
    assert!(section.matches(r#"class="b90""#).count() >= 1);
    assert!(section
        .contains("evaluation against the baselines was not run: this brief was built without it"));
}
