//! ACLED reader (in progress).
