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

    // The Outlook section with the default forecast (its evaluation is tested in orewatch-core
    // and the CLI).
    use orewatch_core::analysis::forecast::assess::{forecast, ForecastRequest};
    use orewatch_core::analysis::forecast::outlook::NoDraws;
    let request = ForecastRequest {
        observed_months: 24,
        ..ForecastRequest::default()
    };
    let forecast = forecast(&request, &out.dataset, &out.sources, &mut NoDraws).expect("forecast");
    assert_eq!(forecast.units.len(), 922);
    assert_eq!(forecast.outlook.origin.to_string(), "2019-12");
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
