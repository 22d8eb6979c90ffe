//! The `WWW-Authenticate` parser on any text.
#![no_main]

use hoist::harness::parse_challenge;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = parse_challenge(text);
});
