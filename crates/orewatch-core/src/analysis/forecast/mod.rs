//! Probabilistic conflict forecasts (fatalities per PRIO-GRID cell-month) and their evaluation.

pub mod score;
