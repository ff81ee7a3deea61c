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
//! Rank correlations between inputs are imposed by Iman–Conover ([`correlate`]); data-linked
//! inputs are resolved from the loaded store ([`links::StoreLinks`]); [`sensitivity`] ranks
//! the inputs behind each output (rank correlation and one-at-a-time swings: a tornado);
//! [`compare`] sets scenarios side by side on common random numbers, and [`contrast`] shows
//! what a scenario's advantage over another depends on (medians of the paired difference in
//! each input's tails); [`schema`] is the file format's JSON Schema. The products reach all of
//! this through [`crate::assess::scenario`] and [`crate::assess::deal`].

pub mod bundled;
pub mod compare;
pub mod contrast;
pub mod correlate;
pub mod dist;
pub mod engine;
pub mod expr;
pub mod links;
pub mod model;
pub mod schema;
pub mod sensitivity;

#[cfg(test)]
mod tests;
