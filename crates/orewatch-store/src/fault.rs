//! Fault injection for the crash-safety tests: built only with the `fault-injection` feature
//! (enabled by `orewatch-cli`'s tests, never by release builds). When the environment variable
//! `OREWATCH_FAULT_POINT` names a point the writer reaches, the process aborts there, exactly
//! like a kill. Without the feature, every point is an empty inline function.

#[cfg(feature = "fault-injection")]
pub(crate) fn point(name: &str) {
    if let Some(target) = std::env::var_os("OREWATCH_FAULT_POINT") {
        if target == name {
            std::process::abort();
        }
    }
}

#[cfg(not(feature = "fault-injection"))]
#[inline(always)]
pub(crate) fn point(_name: &str) {}
