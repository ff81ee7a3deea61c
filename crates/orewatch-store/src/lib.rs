//! The embedded store (work in progress).
