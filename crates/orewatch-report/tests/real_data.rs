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
    };
    let html = render_brief(&input);
    assert_eq!(html, render_brief(&input), "deterministic");
    // One circle per event: the GED 24.1 files (every location precision) add about 1,850
    // events inside the frame to the 21.1 ones.
    assert!(html.len() < 1_700_000, "{} bytes", html.len());
    assert!(html.contains("The conflict event data end on 2022-12-31"));
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
    // GED 24.1 carries the UCDP events to 2022-12-31 (for the seven countries it holds; the
    // other countries' coverage is per country, in the CAHRA screening).
    assert!(supply.contains("the last year the events cover entirely (2022)"));

    // The Outlook section with the forecast (its evaluation is tested in orewatch-core).
    let outlook = orewatch_report::outlook::build_outlook_input(&out.dataset, &out.sources, false)
        .expect("outlook");
    // 915 PRIO-GRID cells whose centre lies in Mali, Burkina Faso or Niger (Natural Earth
    // 1:50m) plus 13 border cells holding one of their GED events (21.1 and 24.1): python,
    // ray casting over the admin-0 polygons and floor((lat+90)/0.5)·720 + floor((lon+180)/0.5)
    // + 1 per event (922 with the 21.1 events alone).
    assert_eq!(outlook.units.len(), 928);
    assert_eq!(outlook.outlook.origin.to_string(), "2022-12");
    let with = BriefInput {
        outlook: Some(&outlook),
        ..input
    };
    let html = render_brief(&with);
    let section = &html[html.find("<h2>Outlook").expect("outlook section")..];
    let section = &section[..section.find("</section>").expect("end")];
    // One rectangle per cell inside the map frame (all 928 Sahel cells are).
    let cells = &section[section.find(r#"<g class="cells""#).expect("cells")..];
    let cells = &cells[..cells.find("</g>").unwrap()];
    assert_eq!(cells.matches("<rect").count(), 928);
    assert!(section.contains("2023-01 and 2023-12"));
    assert!(section.contains("Fan charts"));
    assert!(section.matches(r#"class="b90""#).count() >= 1);
    assert!(section
        .contains("evaluation against the baselines was not run: this brief was built without it"));
}
