//! The deal: a probabilistic scenario engine for security-for-minerals partnerships.
//!
//! A scenario file (TOML, see [`model`]) declares inputs as distributions — each with its
//! `source` or the `assumption` behind its range — or as data-linked inputs, derived variables
//! as expressions ([`expr`]), and outputs grouped by aspect with a unit and a direction for
//! the stated perspective. [`engine::simulate`] draws every input from its own seeded stream
//! and evaluates the rest vectorised; [`engine::results`] summarises each output (mean,
//! median, 5–95 % interval, threshold probabilities). Outputs are distributions, never single
//! numbers.
//!
//! Not yet here (see the issue): data links resolved from the store, rank correlations
//! between inputs (Iman–Conover), sensitivity (tornado), scenario comparison.

pub mod bundled;
pub mod dist;
pub mod engine;
pub mod expr;
pub mod model;

#[cfg(test)]
mod tests;
