//! `auth.json` / Docker `config.json` reading: the JSON, each `auths` key's host and each
//! entry's `auth` (base64 `user:password`) or identity token.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(entries) = hoist::harness::parse_auth_file(text) {
        for (host, credentials) in entries {
            let _ = (host.len(), credentials.as_ref().map(|credentials| credentials.username().len()));
        }
    }
});
