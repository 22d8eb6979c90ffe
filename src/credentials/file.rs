//! `<config>/auth.json`: where credentials go when no keyring answers (a CI container), in the
//! `auths` format Docker and podman use, written atomically with mode 0600.

use std::collections::BTreeMap;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{Credentials, key_host};

#[derive(Default, Serialize, Deserialize)]
pub(super) struct AuthFile {
    #[serde(default)]
    pub auths: BTreeMap<String, AuthEntry>,
}

#[derive(Clone, Default, Serialize, Deserialize)]
pub(super) struct AuthEntry {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identitytoken: Option<String>,
}

pub fn path(config_dir: &Path) -> PathBuf {
    config_dir.join("auth.json")
}

/// Reads an `auths` file; a missing file is empty.
pub(super) fn read(path: &Path) -> Result<AuthFile, String> {
    match std::fs::read_to_string(path) {
        Ok(text) => serde_json::from_str(&text).map_err(|err| format!("{} is not valid JSON: {err}", path.display())),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(AuthFile::default()),
        Err(err) => Err(format!("cannot read {}: {err}", path.display())),
    }
}

/// The credentials an `auths` file holds for `host` (already normalised with `key_host`).
pub(super) fn lookup(path: &Path, host: &str) -> Result<Option<Credentials>, String> {
    let file = read(path)?;
    let Some(entry) = file.auths.iter().find(|(key, _)| key_host(key) == host).map(|(_, entry)| entry) else {
        return Ok(None);
    };
    super::docker::decode(entry).map_err(|reason| format!("{}: the entry for {host} {reason}", path.display()))
}

pub fn store(config_dir: &Path, key: &str, credentials: &Credentials) -> Result<PathBuf, String> {
    let path = path(config_dir);
    let mut file = read(&path)?;
    let entry = match credentials {
        Credentials::Password { username, password } => {
            use base64::Engine as _;
            let auth = base64::engine::general_purpose::STANDARD.encode(format!("{username}:{}", password.expose()));
            AuthEntry { auth: Some(auth), ..AuthEntry::default() }
        }
        Credentials::IdentityToken { username, token } => AuthEntry {
            username: Some(username.clone()),
            identitytoken: Some(token.expose().to_string()),
            ..AuthEntry::default()
        },
    };
    file.auths.insert(key.to_string(), entry);
    write(config_dir, &path, &file)?;
    Ok(path)
}

/// Removes the entry for `key`; returns whether there was one.
pub fn remove(config_dir: &Path, key: &str) -> Result<bool, String> {
    let path = path(config_dir);
    let mut file = read(&path)?;
    let host = key_host(key);
    let before = file.auths.len();
    file.auths.retain(|stored, _| key_host(stored) != host);
    if file.auths.len() == before {
        return Ok(false);
    }
    write(config_dir, &path, &file)?;
    Ok(true)
}

fn write(config_dir: &Path, path: &Path, file: &AuthFile) -> Result<(), String> {
    let failed = |err: std::io::Error| format!("cannot write {}: {err}", path.display());
    std::fs::create_dir_all(config_dir).map_err(failed)?;
    let bytes = serde_json::to_vec_pretty(file).map_err(|err| err.to_string())?;
    // The temporary file is created 0600, so the secret is never readable by others.
    let mut temp = tempfile::Builder::new()
        .permissions(std::fs::Permissions::from_mode(0o600))
        .tempfile_in(config_dir)
        .map_err(failed)?;
    temp.write_all(&bytes).map_err(failed)?;
    temp.as_file().sync_all().map_err(failed)?;
    temp.persist(path).map_err(|err| failed(err.error))?;
    Ok(())
}
