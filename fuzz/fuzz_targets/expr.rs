//! Fuzz target: the expression parser and evaluator. Any text parses or gives an error with
//! a column inside the text; a parsed expression over `a`, `b`, `c` evaluates (3 draws) or
//! gives an error, never panics or overflows the stack.
#![no_main]
use libfuzzer_sys::fuzz_target;
use orewatch_core::scenario::expr;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match expr::parse(text) {
        Ok(e) => {
            let a = [1.5, -2.0, 0.0];
            let b = [3.0, f64::NAN, -0.0];
            let c = [f64::INFINITY, 1e300, -7.0];
            let _ = e.eval(3, &|n| match n {
                "a" => Some(&a[..]),
                "b" => Some(&b[..]),
                "c" => Some(&c[..]),
                _ => None,
            });
        }
        Err(err) => assert!(err.column >= 1 && err.column <= text.chars().count() + 1),
    }
});
