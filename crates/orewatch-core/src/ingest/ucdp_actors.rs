//! UCDP actor list reader (in progress).
