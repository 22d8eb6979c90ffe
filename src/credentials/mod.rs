//! Credentials for registries: one lookup interface for every registry operation, which knows
//! where credentials live so that the pull and push code does not (SPEC §2, credentials).
//! Sources, in order: Docker's `config.json` (`$DOCKER_CONFIG` or `~/.docker`) `auths`.

mod docker;
mod secret;

pub use secret::Secret;

/// Docker Hub's credential key, as `docker login` writes it.
pub const DOCKER_HUB_KEY: &str = "https://index.docker.io/v1/";

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
pub fn credential_key(registry: &str) -> String {
    match registry {
        "docker.io" | "index.docker.io" | "registry-1.docker.io" => DOCKER_HUB_KEY.to_string(),
        other => other.to_string(),
    }
}

/// The host a stored key or a `login` argument names: `https://host:port/v2/` → `host:port`.
pub fn key_host(key: &str) -> String {
    let without_scheme = key.split_once("://").map_or(key, |(_, rest)| rest);
    let host = without_scheme.split('/').next().unwrap_or_default();
    match host {
        "docker.io" | "index.docker.io" | "registry-1.docker.io" => "index.docker.io".to_string(),
        other => other.to_string(),
    }
}

/// Finds credentials for `registry` (as in a reference: `localhost:5000`, `docker.io`).
/// Problems with a source (an unreadable file) are warnings: the operation goes on anonymously.
pub fn lookup(registry: &str, warn: &dyn Fn(&str)) -> Option<Credentials> {
    let wanted = key_host(&credential_key(registry));
    match docker::lookup(&wanted) {
        Ok(found) => found,
        Err(message) => {
            warn(&message);
            None
        }
    }
}
