//! Helpers shared by unit tests (compiled only for tests).

/// A fixed linear congruential sequence of uniform numbers in [0, 1) (Knuth's MMIX
/// constants, top 53 bits): reproducible test inputs without seed handling.
pub fn uniform_sequence(seed: u64) -> impl FnMut() -> f64 {
    let mut state = seed;
    move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    }
}
