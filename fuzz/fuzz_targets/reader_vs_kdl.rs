//! `windlass::syntax::reader` against the `kdl` crate on arbitrary text, with the comparison of
//! `tests/kdl_differential.rs`: both fail, or both read the same document with the same spans
//! and value representations, or they differ in one of the ways that file documents (where the
//! `kdl` crate departs from the KDL 2.0 specification).

#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/kdl_differential.rs"]
#[allow(
    dead_code,
    reason = "the test file's generators and tests are not used here"
)]
mod differential;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(difference) = differential::compare(text) {
        panic!("the readers differ: {difference}\ninput: {text:?}");
    }
});
