//! The brief (work in progress).
