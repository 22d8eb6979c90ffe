//! `config.toml` parsing and checking (`Config::parse`, which `Config::load` uses) on any text.
#![no_main]

use std::path::Path;

use hoist::harness::Config;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match Config::parse(text, Path::new("config.toml")) {
        Ok(config) => {
            for limit in [config.max_concurrent_downloads, config.max_concurrent_uploads] {
                assert!(limit.is_none_or(|limit| (1..=64).contains(&limit)));
            }
        }
        Err(error) => {
            let _ = error.to_string();
        }
    }
});
