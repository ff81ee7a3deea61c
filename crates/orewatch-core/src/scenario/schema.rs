//! The JSON Schema (draft 2020-12) of scenario files, as printed by `orewatch scenario schema`.
//!
//! Written by hand (not derived): the parser reads TOML into `toml::Spanned` fields to locate
//! errors, which a derive would describe poorly. The schema describes the TOML document's
//! data model (a TOML file converted to JSON validates against it). It checks shapes, names
//! and enumerations; the parser checks the rest (parameter values, expression syntax,
//! unknown names, cycles, link arguments, feasible correlations) and its errors are the
//! reference. Kept in step with [`super::model`] by a test that validates example files and
//! rejects bad ones.

use serde_json::{json, Value};

/// The schema as a JSON value.
pub fn json_schema() -> Value {
    let number = json!({ "type": "number" });
    let text = json!({ "type": "string", "minLength": 1 });
    let dist_props = json!({
        "dist": { "enum": ["normal", "lognormal", "triangular", "pert", "beta", "uniform", "bernoulli", "discrete"],
                  "description": "the distribution; its parameters are the other fields" },
        "mean": number, "sd": number, "mu": number, "sigma": number, "p5": number, "p95": number,
        "min": number, "mode": number, "max": number, "alpha": number, "beta": number,
        "p": { "type": "number", "minimum": 0, "maximum": 1 },
        "values": { "type": "array", "items": number, "minItems": 1 },
        "weights": { "type": "array", "items": { "type": "number", "minimum": 0 } },
        "lower": { "type": "number", "description": "truncate below (draws outside are redrawn)" },
        "upper": { "type": "number", "description": "truncate above" },
        "source": { "type": "string", "description": "where the range comes from" },
        "assumption": { "type": "string", "description": "why this range" },
        "expr": { "type": "string", "description": "an expression over other variables: + - * / ^, min, max, exp, ln, sqrt, abs, clamp, if, comparisons" },
        "data": { "type": "string", "description": "a data link: wgi(...), sites.ownership_share(...), supply.share(...), exposure.fatalities(...)" },
        "unit": { "type": "string" },
        "description": { "type": "string" }
    });
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://github.com/orewatch/orewatch/schemas/scenario.json",
        "title": "orewatch scenario",
        "description": "A security-for-minerals partnership scenario: inputs as distributions (each with a source or an assumption), data-linked inputs, expressions, outputs by aspect with a direction for the stated perspective, and rank correlations between inputs.",
        "type": "object",
        "required": ["scenario"],
        "additionalProperties": false,
        "properties": {
            "scenario": {
                "type": "object",
                "required": ["name", "duration_years", "as_of", "perspective"],
                "additionalProperties": false,
                "properties": {
                    "name": text,
                    "description": { "type": "string" },
                    "parties": { "type": "array", "items": { "type": "string" } },
                    "duration_years": { "type": "number", "exclusiveMinimum": 0 },
                    "as_of": { "type": "string" },
                    "perspective": { "enum": ["mali_population", "malian_state", "partner", "region"] }
                }
            },
            "variables": {
                "type": "object",
                "propertyNames": { "pattern": "^[A-Za-z_][A-Za-z0-9_]*$", "not": { "const": "duration" } },
                "additionalProperties": { "$ref": "#/$defs/variable" }
            },
            "outputs": {
                "type": "object",
                "propertyNames": { "pattern": "^[A-Za-z_][A-Za-z0-9_]*$" },
                "additionalProperties": { "$ref": "#/$defs/output" }
            },
            "correlations": {
                "type": "array",
                "items": { "$ref": "#/$defs/correlation" }
            }
        },
        "$defs": {
            "variable": {
                "type": "object",
                "additionalProperties": false,
                "properties": dist_props,
                "oneOf": [
                    { "required": ["dist"], "not": { "anyOf": [{ "required": ["expr"] }, { "required": ["data"] }] },
                      "anyOf": [{ "required": ["source"] }, { "required": ["assumption"] }] },
                    { "required": ["expr"], "not": { "anyOf": [{ "required": ["dist"] }, { "required": ["data"] }] } },
                    { "required": ["data"], "not": { "anyOf": [{ "required": ["dist"] }, { "required": ["expr"] }] } }
                ]
            },
            "output": {
                "type": "object",
                "required": ["expr", "aspect", "unit", "direction"],
                "additionalProperties": false,
                "properties": {
                    "expr": { "type": "string" },
                    "aspect": { "enum": ["governance", "security", "resource_management", "geopolitics", "local_benefit_environment"] },
                    "unit": { "type": "string" },
                    "direction": { "enum": ["higher_is_better", "higher_is_worse"] },
                    "thresholds": { "type": "array", "items": number },
                    "description": { "type": "string" }
                }
            },
            "correlation": {
                "type": "object",
                "required": ["a", "b", "rank"],
                "additionalProperties": false,
                "properties": {
                    "a": text,
                    "b": text,
                    "rank": { "type": "number", "minimum": -1, "maximum": 1 },
                    "source": { "type": "string" },
                    "assumption": { "type": "string" }
                }
            }
        }
    })
}
