//! Fault injection for the crash-safety tests: when the environment variable
//! `OREWATCH_FAULT_POINT` names a point the writer reaches, the process aborts there, exactly
//! like a kill. Unset (the normal case), it costs one environment look-up per point.

pub(crate) fn point(name: &str) {
    if let Some(target) = std::env::var_os("OREWATCH_FAULT_POINT") {
        if target == name {
            std::process::abort();
        }
    }
}
