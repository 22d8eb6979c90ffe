//! Docker's `config.json` (`$DOCKER_CONFIG` or `~/.docker`): `credHelpers`, then `credsStore`
//! (`docker-credential-NAME get`, run by `helper.rs` within a time and a size limit),
//! then `auths` (base64 `user:password` in `auth`, or an `identitytoken`).

use std::collections::HashMap;
use std::path::PathBuf;

use base64::Engine as _;
use serde::Deserialize;

use super::file::AuthEntry;
use super::{Credentials, Secret, key_host};

#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ConfigFile {
    #[serde(default)]
    auths: HashMap<String, AuthEntry>,
    #[serde(default)]
    cred_helpers: HashMap<String, String>,
    creds_store: Option<String>,
}

fn config_path() -> Option<PathBuf> {
    match std::env::var_os("DOCKER_CONFIG") {
        Some(folder) => Some(PathBuf::from(folder).join("config.json")),
        None => dirs::home_dir().map(|home| home.join(".docker/config.json")),
    }
}

/// Credentials for `host` (normalised with `key_host`) and the key Docker stores them under.
pub(super) fn lookup(host: &str, key: &str) -> Result<Option<Credentials>, String> {
    let Some(path) = config_path() else { return Ok(None) };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(err) => return Err(format!("cannot read {}: {err}", path.display())),
    };
    let config: ConfigFile =
        serde_json::from_str(&text).map_err(|err| format!("{} is not valid JSON: {err}", path.display()))?;
    let helper = config.cred_helpers.iter().find(|(server, _)| key_host(server) == host).map(|(_, helper)| helper);
    if let Some(helper) = helper.or(config.creds_store.as_ref()) {
        return super::helper::get(helper, key).map_err(|err| err.to_string());
    }
    let Some(entry) = config.auths.iter().find(|(server, _)| key_host(server) == host).map(|(_, entry)| entry) else {
        return Ok(None);
    };
    decode(entry).map_err(|reason| format!("{}: the entry for {host} {reason}", path.display()))
}

pub(super) fn decode(entry: &AuthEntry) -> Result<Option<Credentials>, String> {
    let (username, password) = match (&entry.auth, &entry.username, &entry.password) {
        (Some(auth), _, _) if !auth.is_empty() => {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(auth.trim())
                .map_err(|_| "has an `auth` that is not base64".to_string())?;
            let text = String::from_utf8(bytes).map_err(|_| "has an `auth` that is not UTF-8".to_string())?;
            let (username, password) =
                text.split_once(':').ok_or_else(|| "has an `auth` that is not user:password".to_string())?;
            (username.to_string(), password.to_string())
        }
        (_, Some(username), Some(password)) => (username.clone(), password.clone()),
        (_, Some(username), None) => (username.clone(), String::new()),
        _ => (String::new(), String::new()),
    };
    if let Some(token) = entry.identitytoken.as_ref().filter(|token| !token.is_empty()) {
        return Ok(Some(Credentials::IdentityToken { username, token: Secret::new(token.clone()) }));
    }
    if username.is_empty() && password.is_empty() {
        return Ok(None);
    }
    Ok(Some(Credentials::Password { username, password: Secret::new(password) }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_auth_and_identity_tokens() {
        let entry = AuthEntry { auth: Some("dXNlcjpwYTpzcw==".into()), ..AuthEntry::default() };
        let Some(Credentials::Password { username, password }) = decode(&entry).unwrap() else { panic!() };
        assert_eq!((username.as_str(), password.expose()), ("user", "pa:ss"));
        let entry =
            AuthEntry { auth: Some(String::new()), identitytoken: Some("refresh".into()), ..AuthEntry::default() };
        assert!(matches!(decode(&entry).unwrap(), Some(Credentials::IdentityToken { .. })));
        assert!(decode(&AuthEntry { auth: Some("!!".into()), ..AuthEntry::default() }).is_err());
        assert!(decode(&AuthEntry::default()).unwrap().is_none());
    }
}
