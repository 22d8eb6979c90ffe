//! Docker's `config.json` (`$DOCKER_CONFIG` or `~/.docker`): `credHelpers`, then `credsStore`
//! (`docker-credential-NAME get`, run by `helper.rs` within a time and a size limit),
//! then `auths` (base64 `user:password` in `auth`, or an `identitytoken`).

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use serde::Deserialize;

use super::auths::{self, AuthEntry};
use super::file::AuthFileError;
use super::{Credentials, CredentialsError, key_host};

#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ConfigFile {
    #[serde(default)]
    auths: BTreeMap<String, AuthEntry>,
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
pub(super) fn lookup(host: &str, key: &str) -> Result<Option<Credentials>, CredentialsError> {
    let Some(path) = config_path() else { return Ok(None) };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(AuthFileError::Read { path, error }.into()),
    };
    let config: ConfigFile =
        serde_json::from_str(&text).map_err(|error| AuthFileError::Parse { path: path.clone(), error })?;
    let helper = config.cred_helpers.iter().find(|(server, _)| key_host(server) == host).map(|(_, helper)| helper);
    if let Some(helper) = helper.or(config.creds_store.as_ref()) {
        return Ok(super::helper::get(helper, key)?);
    }
    auths::find(&config.auths, host, &path)
}
