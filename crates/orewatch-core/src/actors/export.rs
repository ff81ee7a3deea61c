//! An actor graph with its metrics as GraphML (Gephi, yEd, networkx) or JSON (`{nodes, links}`
//! for d3 and cytoscape). Pure text: the caller writes the file (atomically).
//!
//! GraphML: every attribute is declared as a `<key>` with its `attr.type` (string, int, double)
//! before the graph; dyads are edges with `kind = "dyad"`, the actor list's relations edges with
//! `kind = alliance|splinter|member` (directed as listed, in an undirected graph; metrics use
//! dyads only). Node ids are stable (`ucdp-6716`, `org:MINUSMA`, `ambiguous:IS and/or JNIM`);
//! every node says its `kind` (`resolved`: a UCDP actor; `unlisted`: an organisation the UCDP
//! list lacks; `ambiguous`: an `A and/or B` side, with its candidates). Output order is the
//! graph's order, so the same inputs and seed give byte-identical files.
//!
//! What it does NOT write: event rows, notes, dates finer than the month.

use serde_json::{json, Value};

use super::graph::{ActorGraph, ActorNode};
use super::metrics::GraphMetrics;
use super::resolve::Outcome;

fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && c != '\t' && c != '\n' && c != '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Finite numbers as they are; NaN/inf as 0 with the caller's knowledge (never produced by
/// the metrics on finite graphs).
fn num(x: f64) -> String {
    if x.is_finite() {
        format!("{x}")
    } else {
        "0".into()
    }
}

const NODE_KEYS: [(&str, &str); 19] = [
    ("label", "string"),
    ("kind", "string"),
    ("candidates", "string"),
    ("ucdp_id", "int"),
    ("org_type", "int"),
    ("resolved", "boolean"),
    ("events", "int"),
    ("fatalities_best", "int"),
    ("civilian_events", "int"),
    ("civilian_deaths", "int"),
    ("first_month", "string"),
    ("last_month", "string"),
    ("active_months", "int"),
    ("degree", "int"),
    ("weighted_degree", "double"),
    ("betweenness", "double"),
    ("pagerank", "double"),
    ("community", "int"),
    ("admin1", "string"),
];

const EDGE_KEYS: [(&str, &str); 9] = [
    ("kind", "string"),
    ("events", "int"),
    ("weight", "double"),
    ("fatalities_best", "int"),
    ("state_based", "int"),
    ("non_state", "int"),
    ("one_sided", "int"),
    ("first_month", "string"),
    ("last_month", "string"),
];

/// `resolved`, `unlisted` or `ambiguous`.
fn kind(n: &ActorNode) -> String {
    match n.kind {
        Outcome::Resolved => "resolved",
        Outcome::Unlisted => "unlisted",
        Outcome::Ambiguous => "ambiguous",
        Outcome::Category => "category",
    }
    .to_string()
}

/// GraphML text of the graph and its metrics (`metrics.nodes` in node order).
pub fn graphml(graph: &ActorGraph, metrics: &GraphMetrics, description: &str) -> String {
    let mut s = String::new();
    s.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    s.push_str("<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n");
    s.push_str(&format!("  <desc>{}</desc>\n", xml_escape(description)));
    for (name, ty) in NODE_KEYS {
        s.push_str(&format!(
            "  <key id=\"n_{name}\" for=\"node\" attr.name=\"{name}\" attr.type=\"{ty}\"/>\n"
        ));
    }
    for (name, ty) in EDGE_KEYS {
        s.push_str(&format!(
            "  <key id=\"e_{name}\" for=\"edge\" attr.name=\"{name}\" attr.type=\"{ty}\"/>\n"
        ));
    }
    s.push_str("  <graph id=\"actors\" edgedefault=\"undirected\">\n");
    let data = |s: &mut String, key: &str, value: String| {
        s.push_str(&format!(
            "      <data key=\"{key}\">{}</data>\n",
            xml_escape(&value)
        ));
    };
    for (i, n) in graph.nodes.iter().enumerate() {
        s.push_str(&format!("    <node id=\"{}\">\n", xml_escape(&n.key.id())));
        data(&mut s, "n_label", n.name.clone());
        data(&mut s, "n_kind", kind(n));
        if !n.candidates.is_empty() {
            data(&mut s, "n_candidates", n.candidates.join(" and/or "));
        }
        if let Some(id) = n.ucdp_id {
            data(&mut s, "n_ucdp_id", id.to_string());
        }
        if let Some(t) = n.org_type {
            data(&mut s, "n_org_type", t.to_string());
        }
        data(&mut s, "n_resolved", n.key.is_listed().to_string());
        data(&mut s, "n_events", n.events.to_string());
        data(&mut s, "n_fatalities_best", n.fatalities_best.to_string());
        data(&mut s, "n_civilian_events", n.civilian_events.to_string());
        data(&mut s, "n_civilian_deaths", n.civilian_deaths.to_string());
        data(&mut s, "n_first_month", n.first_month.to_string());
        data(&mut s, "n_last_month", n.last_month.to_string());
        data(&mut s, "n_active_months", n.active_months.to_string());
        if let Some(m) = metrics.nodes.get(i) {
            data(&mut s, "n_degree", m.degree.to_string());
            data(&mut s, "n_weighted_degree", num(m.weighted_degree));
            data(&mut s, "n_betweenness", num(m.betweenness));
            data(&mut s, "n_pagerank", num(m.pagerank));
            data(&mut s, "n_community", m.community.to_string());
        }
        let regions: Vec<String> = n.admin1.iter().map(|(r, c)| format!("{r} ({c})")).collect();
        data(&mut s, "n_admin1", regions.join("; "));
        s.push_str("    </node>\n");
    }
    for (i, e) in graph.edges.iter().enumerate() {
        s.push_str(&format!(
            "    <edge id=\"d{i}\" source=\"{}\" target=\"{}\">\n",
            xml_escape(&graph.nodes[e.a].key.id()),
            xml_escape(&graph.nodes[e.b].key.id())
        ));
        data(&mut s, "e_kind", "dyad".into());
        data(&mut s, "e_events", e.events.to_string());
        data(&mut s, "e_weight", num(e.events as f64));
        data(&mut s, "e_fatalities_best", e.fatalities_best.to_string());
        data(&mut s, "e_state_based", e.state_based.to_string());
        data(&mut s, "e_non_state", e.non_state.to_string());
        data(&mut s, "e_one_sided", e.one_sided.to_string());
        data(&mut s, "e_first_month", e.first_month.to_string());
        data(&mut s, "e_last_month", e.last_month.to_string());
        s.push_str("    </edge>\n");
    }
    for (i, r) in graph.relations.iter().enumerate() {
        s.push_str(&format!(
            "    <edge id=\"r{i}\" source=\"ucdp-{}\" target=\"ucdp-{}\">\n",
            r.from, r.to
        ));
        data(&mut s, "e_kind", r.kind.as_str().into());
        s.push_str("    </edge>\n");
    }
    s.push_str("  </graph>\n</graphml>\n");
    s
}

/// JSON `{metadata, nodes:[…], links:[…], relations:[…]}`; `metadata` is the caller's.
pub fn json(graph: &ActorGraph, metrics: &GraphMetrics, metadata: Value) -> Value {
    let nodes: Vec<Value> = graph
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let m = metrics.nodes.get(i);
            json!({
                "id": n.key.id(),
                "label": n.name,
                "kind": kind(n),
                "candidates": n.candidates,
                "ucdp_id": n.ucdp_id,
                "org_type": n.org_type,
                "resolved": n.key.is_listed(),
                "events": n.events,
                "fatalities_best": n.fatalities_best,
                "fatalities_caused": n.fatalities_caused,
                "fatalities_suffered": n.fatalities_suffered,
                "events_without_breakdown": n.events_without_breakdown,
                "civilian_events": n.civilian_events,
                "civilian_deaths": n.civilian_deaths,
                "first_month": n.first_month,
                "last_month": n.last_month,
                "active_months": n.active_months,
                "admin1": n.admin1,
                "degree": m.map(|m| m.degree),
                "weighted_degree": m.map(|m| m.weighted_degree),
                "betweenness": m.map(|m| m.betweenness),
                "pagerank": m.map(|m| m.pagerank),
                "community": m.map(|m| m.community),
            })
        })
        .collect();
    let links: Vec<Value> = graph
        .edges
        .iter()
        .map(|e| {
            json!({
                "source": graph.nodes[e.a].key.id(),
                "target": graph.nodes[e.b].key.id(),
                "events": e.events,
                "fatalities_best": e.fatalities_best,
                "fatalities_low": e.fatalities_low,
                "fatalities_high": e.fatalities_high,
                "state_based": e.state_based,
                "non_state": e.non_state,
                "one_sided": e.one_sided,
                "other_type": e.other_type,
                "first_month": e.first_month,
                "last_month": e.last_month,
            })
        })
        .collect();
    let relations: Vec<Value> = graph
        .relations
        .iter()
        .map(|r| json!({"source": format!("ucdp-{}", r.from), "target": format!("ucdp-{}", r.to), "kind": r.kind}))
        .collect();
    json!({
        "metadata": metadata,
        "modularity": metrics.modularity,
        "communities": metrics.communities,
        "seed": metrics.seed,
        "method": metrics.method,
        "notes": graph.notes,
        "nodes": nodes,
        "links": links,
        "relations": relations,
    })
}
