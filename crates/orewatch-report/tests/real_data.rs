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
    assert!(html.len() < 1_500_000, "{} bytes", html.len());
    assert!(html.contains("The conflict event data end on 2019-12-31"));
    // Frame lon -17.5..9.5, lat 8..27. Counted independently with python3 csv over both GED
    // files (ids merged): 2928 events, 35451 deaths (best) inside the frame.
    assert!(html.contains("<strong>2928</strong> events with <strong>35451</strong> deaths"));
    let events = &html[html.find(r#"<g class="events">"#).expect("events")..];
    let events = &events[..events.find("</g>").expect("end of events")];
    assert_eq!(events.matches("<circle").count(), 2928);
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
    assert!(supply.contains("the last year the events cover entirely (2019)"));

    // The Outlook section with the forecast (its evaluation is tested in orewatch-core).
    let outlook = orewatch_report::outlook::build_outlook_input(&out.dataset, &out.sources, false)
        .expect("outlook");
    assert_eq!(outlook.units.len(), 922);
    assert_eq!(outlook.outlook.origin.to_string(), "2019-12");
    let with = BriefInput {
        outlook: Some(&outlook),
        ..input
    };
    let html = render_brief(&with);
    let section = &html[html.find("<h2>Outlook").expect("outlook section")..];
    let section = &section[..section.find("</section>").expect("end")];
    // One rectangle per cell inside the map frame (all 922 Sahel cells are).
    let cells = &section[section.find(r#"<g class="cells""#).expect("cells")..];
    let cells = &cells[..cells.find("</g>").unwrap()];
    assert_eq!(cells.matches("<rect").count(), 922);
    assert!(section.contains("2020-01 and 2020-12"));
    assert!(section.contains("Fan charts"));
    assert!(section.matches(r#"class="b90""#).count() >= 1);
    assert!(section
        .contains("evaluation against the baselines was not run: this brief was built without it"));
}
