//! Credentials for registries: one lookup interface for every registry operation, which knows
//! where credentials live so that the pull and push code does not (SPEC §2, credentials).
//! Sources, in order (SPEC §2): the OS keyring; `<config>/auth.json`; Docker's `config.json`
//! (`credHelpers`, `credsStore`, `auths`); podman's `auth.json`.

mod auths;
mod docker;
pub(crate) mod file;
pub(crate) mod helper;
pub(crate) mod keyring;
mod secret;

pub(crate) use auths::BadEntry;

use crate::reference::is_docker_hub;
pub(crate) use secret::Secret;

/// Why a credential source could not be read; a lookup warns and goes on to the next source.
#[derive(Debug, thiserror::Error)]
pub(crate) enum CredentialsError {
    #[error(transparent)]
    File(#[from] file::AuthFileError),
    #[error("{}: the entry for {host} {reason}", path.display())]
    BadEntry { path: std::path::PathBuf, host: String, reason: BadEntry },
    #[error(transparent)]
    Helper(#[from] helper::HelperError),
}

/// Docker Hub's credential key, as `docker login` writes it.
pub(crate) const DOCKER_HUB_KEY: &str = "https://index.docker.io/v1/";

#[derive(Clone, Debug)]
pub enum Credentials {
    /// A user name and password, sent to the registry or its token server.
    Password { username: String, password: Secret },
    /// An identity (OAuth2 refresh) token that a token server issued at login.
    IdentityToken { username: String, token: Secret },
}

impl Credentials {
    pub fn username(&self) -> &str {
        match self {
            Credentials::Password { username, .. } | Credentials::IdentityToken { username, .. } => username,
        }
    }
}

/// The key credentials are stored under for a registry host (`docker.io` → Docker Hub's key).
pub(crate) fn credential_key(registry: &str) -> String {
    if is_docker_hub(registry) { DOCKER_HUB_KEY.to_string() } else { registry.to_string() }
}

/// The host a stored key or a `login` argument names: `https://host:port/v2/` → `host:port`.
pub(crate) fn key_host(key: &str) -> String {
    let without_scheme = key.split_once("://").map_or(key, |(_, rest)| rest);
    let host = without_scheme.split('/').next().unwrap_or_default();
    // One spelling for Docker Hub, the one its credential key has.
    if is_docker_hub(host) { "index.docker.io".to_string() } else { host.to_string() }
}

/// Finds credentials for `registry` (as in a reference: `localhost:5000`, `docker.io`).
/// Problems with a source (an unreadable file, a failing helper) are warnings: the operation
/// goes on with the next source, or anonymously.
pub(crate) fn lookup(registry: &str, config_dir: &std::path::Path, warn: &dyn Fn(&str)) -> Option<Credentials> {
    let key = credential_key(registry);
    let host = key_host(&key);
    if let Some(found) = keyring::get(&key) {
        return Some(found);
    }
    let sources: [&dyn Fn() -> Result<Option<Credentials>, CredentialsError>; 3] =
        [&|| file::lookup(&file::path(config_dir), &host), &|| docker::lookup(&host, &key), &|| {
            podman_path().map_or(Ok(None), |path| file::lookup(&path, &host))
        }];
    for source in sources {
        match source() {
            Ok(Some(found)) => return Some(found),
            Ok(None) => {}
            Err(error) => warn(&error.to_string()),
        }
    }
    None
}

/// Decodes every `auths` entry of an `auth.json` or Docker `config.json` text as `lookup` does
/// the one it needs, without a file, keyring or helper (for fuzzing): each entry's host (as
/// [`key_host`] gives it) with its credentials; an error for the first entry that has none.
pub fn parse_auth_file(text: &str) -> Result<Vec<(String, Option<Credentials>)>, String> {
    let file: auths::AuthFile = serde_json::from_str(text).map_err(|err| format!("not valid JSON: {err}"))?;
    file.auths
        .iter()
        .map(|(key, entry)| {
            let host = key_host(key);
            let credentials = entry.decode().map_err(|reason| format!("the entry for {host} {reason}"))?;
            Ok((host, credentials))
        })
        .collect()
}

/// podman's `auth.json`: `$REGISTRY_AUTH_FILE`, else `$XDG_RUNTIME_DIR/containers/auth.json`.
fn podman_path() -> Option<std::path::PathBuf> {
    if let Some(path) = std::env::var_os("REGISTRY_AUTH_FILE") {
        return Some(path.into());
    }
    std::env::var_os("XDG_RUNTIME_DIR").map(|dir| std::path::PathBuf::from(dir).join("containers/auth.json"))
}
