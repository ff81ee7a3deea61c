//! The assessment layer: one typed request and one typed result per question, the only door
//! the products (CLI, brief, local API, Python package) use.
//!
//! Each assessment is a library function `request (+ the data it reads) → result`. Requests
//! and results are serde types, so the CLI prints them, the brief renders them and an HTTP API
//! or a Python binding returns them unchanged, and every product shows the same numbers. A
//! result carries its [`Provenance`]: the request it answers, the sources it read, what they
//! cover, and the warnings a reader must see beside the numbers.
//!
//! What it is not: a loader (the products open the store and hand the assessment what it
//! reads) or a formatter (no text tables, no HTML).
//!
//! Floating-point fields that can be undefined (a rank correlation of a constant input, a
//! quantile of no draws) are NaN in memory and `null` in JSON ([`nan_as_null`]).

pub mod cahra;
pub mod datasets;
pub mod deal;
pub mod events;
pub mod exposure;
pub mod forecast;
pub mod scenario;
pub mod site_years;

use serde::{Deserialize, Serialize};

/// Where a result came from: enough for a stranger to reproduce it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    /// The orewatch version that computed it.
    pub orewatch_version: String,
    /// The source files read (path, SHA-256, what they are), in the order read.
    pub sources: Vec<SourceRef>,
    /// The CLI command that gives the same numbers, when there is one.
    pub command: Option<String>,
    /// What a reader must know beside the numbers (coverage gaps, unverified inputs, …).
    pub warnings: Vec<String>,
}

impl Provenance {
    /// A provenance stamped with this build's version.
    pub fn new() -> Self {
        Provenance {
            orewatch_version: env!("CARGO_PKG_VERSION").to_string(),
            ..Provenance::default()
        }
    }
}

/// One source file a result read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceRef {
    pub path: String,
    pub sha256: String,
    /// What it is (`scenario`, `ucdp_ged`, `wgi`, …).
    pub kind: String,
}

/// serde for `f64` fields that may be NaN: NaN (or ±∞) ↔ JSON `null`.
pub mod nan_as_null {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
        if x.is_finite() {
            s.serialize_f64(*x)
        } else {
            s.serialize_none()
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::NAN))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    /// Serialises to JSON and back, and checks the value survives (NaN fields compare by
    /// their JSON text, since NaN ≠ NaN).
    pub fn json_round_trip<T>(value: &T)
    where
        T: serde::Serialize + serde::de::DeserializeOwned + std::fmt::Debug,
    {
        let text = serde_json::to_string(value).expect("serialises");
        let back: T = serde_json::from_str(&text).expect("deserialises");
        assert_eq!(serde_json::to_string(&back).unwrap(), text);
    }

    #[test]
    fn nan_is_null_and_back() {
        #[derive(serde::Serialize, serde::Deserialize, Debug)]
        struct X {
            #[serde(with = "super::nan_as_null")]
            v: f64,
        }
        assert_eq!(
            serde_json::to_string(&X { v: f64::NAN }).unwrap(),
            r#"{"v":null}"#
        );
        assert!(serde_json::from_str::<X>(r#"{"v":null}"#)
            .unwrap()
            .v
            .is_nan());
        assert_eq!(serde_json::from_str::<X>(r#"{"v":1.5}"#).unwrap().v, 1.5);
        json_round_trip(&X { v: 2.25 });
    }
}
