//! A credential helper's answer to `get` (`{"Username": …, "Secret": …}`, `<token>` for an
//! identity token): any bytes are a credential or nothing, never a panic; the user name and
//! the secret are exactly the strings of the JSON object.
#![no_main]

use hoist::harness::Credentials;
use hoist::harness::parse_answer;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(credentials) = parse_answer(data) else { return };
    let value: serde_json::Value = serde_json::from_slice(data).expect("a parsed answer is JSON");
    assert!(value.is_object());
    let (username, secret) = match &credentials {
        Credentials::Password { username, password } => (username.as_str(), password.expose()),
        Credentials::IdentityToken { username, token } => {
            assert_eq!(value["Username"], "<token>");
            assert!(username.is_empty());
            (value["Username"].as_str().unwrap_or_default(), token.expose())
        }
    };
    assert_eq!(value["Username"].as_str(), Some(username));
    assert_eq!(value["Secret"].as_str(), Some(secret));
});
