//! Query strings: each endpoint declares its parameters ([`Param`]); a request's parameters are
//! parsed against that list, and an unknown, repeated or malformed one is a 400 naming it. The
//! same lists make the OpenAPI document's parameters.

use std::collections::BTreeMap;
use std::str::FromStr;

use chrono::NaiveDate;

use crate::ApiError;

/// The type a parameter takes (for the OpenAPI document and the error messages).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Number,
    Integer,
    Date,
    /// Comma-separated text values.
    List,
}

/// One query parameter of an endpoint.
#[derive(Debug, Clone, Copy)]
pub struct Param {
    pub name: &'static str,
    pub kind: Kind,
    pub required: bool,
    pub description: &'static str,
}

pub const fn param(name: &'static str, kind: Kind, description: &'static str) -> Param {
    Param {
        name,
        kind,
        required: false,
        description,
    }
}

pub const fn required(name: &'static str, kind: Kind, description: &'static str) -> Param {
    Param {
        name,
        kind,
        required: true,
        description,
    }
}

/// The parsed parameters of one request.
pub struct Query {
    values: BTreeMap<&'static str, String>,
}

impl Query {
    /// Parses `raw` (the query string, without `?`) against `params`.
    pub fn parse(raw: Option<&str>, params: &[Param]) -> Result<Query, ApiError> {
        let mut values = BTreeMap::new();
        for (key, value) in form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
            let Some(p) = params.iter().find(|p| p.name == key) else {
                let known: Vec<&str> = params.iter().map(|p| p.name).collect();
                return Err(ApiError::bad(
                    &key,
                    if known.is_empty() {
                        "no parameter: this endpoint takes none".to_string()
                    } else {
                        format!(
                            "unknown parameter; this endpoint takes {}",
                            known.join(", ")
                        )
                    },
                ));
            };
            if values.insert(p.name, value.into_owned()).is_some() {
                return Err(ApiError::bad(p.name, "given twice; give it once"));
            }
        }
        for p in params.iter().filter(|p| p.required) {
            if !values.contains_key(p.name) {
                return Err(ApiError::bad(p.name, "required"));
            }
        }
        Ok(Query { values })
    }

    pub fn text(&self, name: &str) -> Option<&str> {
        self.values
            .get(name)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
    }

    /// A value parsed with `FromStr`; the error names the parameter, the value and `expected`.
    pub fn get<T: FromStr>(
        &self,
        name: &'static str,
        expected: &str,
    ) -> Result<Option<T>, ApiError> {
        match self.text(name) {
            None => Ok(None),
            Some(v) => v
                .parse()
                .map(Some)
                .map_err(|_| ApiError::bad(name, format!("`{v}`: expected {expected}"))),
        }
    }

    pub fn date(&self, name: &'static str) -> Result<Option<NaiveDate>, ApiError> {
        match self.text(name) {
            None => Ok(None),
            Some(v) => NaiveDate::parse_from_str(v, "%Y-%m-%d")
                .map(Some)
                .map_err(|_| ApiError::bad(name, format!("`{v}`: expected a date as YYYY-MM-DD"))),
        }
    }

    pub fn list(&self, name: &str) -> Vec<String> {
        self.text(name)
            .map(|v| {
                v.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// A finite number within `[min, max]`.
    pub fn number(&self, name: &'static str, min: f64, max: f64) -> Result<Option<f64>, ApiError> {
        let expected = format!("a number from {min} to {max}");
        match self.get::<f64>(name, &expected)? {
            Some(x) if x.is_finite() && (min..=max).contains(&x) => Ok(Some(x)),
            Some(x) => Err(ApiError::bad(name, format!("`{x}`: expected {expected}"))),
            None => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: [Param; 3] = [
        required("site", Kind::Text, ""),
        param("radius_km", Kind::Number, ""),
        param("as_of", Kind::Date, ""),
    ];

    #[test]
    fn unknown_repeated_missing_and_malformed_parameters_are_named() {
        let msg = |raw: &str| match Query::parse(Some(raw), &P) {
            Ok(_) => String::new(),
            Err(e) => e.message,
        };
        assert!(msg("site=a&path=/etc").starts_with("path: unknown parameter"));
        assert!(msg("site=a&site=b").starts_with("site: given twice"));
        assert!(msg("radius_km=5").starts_with("site: required"));
        let q = Query::parse(Some("site=a&radius_km=x&as_of=2022-13-01"), &P).unwrap();
        let e = q.number("radius_km", 0.0, 500.0).unwrap_err().message;
        assert!(e.starts_with("radius_km: `x`: expected a number"), "{e}");
        let e = q.date("as_of").unwrap_err().message;
        assert!(e.contains("as_of: `2022-13-01`: expected a date"), "{e}");
        let q = Query::parse(Some("site=a&radius_km=501"), &P).unwrap();
        assert!(q.number("radius_km", 0.0, 500.0).is_err());
        let q = Query::parse(Some("site=MLI-1%2CX"), &P).unwrap();
        assert_eq!(q.list("site"), ["MLI-1", "X"]);
    }
}
