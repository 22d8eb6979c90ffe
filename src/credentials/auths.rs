//! The `auths` format Docker's `config.json`, podman's `auth.json` and hoist's own `auth.json`
//! share: one entry per registry key, with base64 `user:password` in `auth` (or `username` and
//! `password`), or an `identitytoken`. The one codec of that entry.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use serde::{Deserialize, Serialize};

use super::{Credentials, CredentialsError, Secret, key_host};

/// A file of `auths`; other keys (Docker's `credHelpers`, ...) are read where they matter.
#[derive(Default, Serialize, Deserialize)]
pub(super) struct AuthFile {
    #[serde(default)]
    pub(super) auths: BTreeMap<String, AuthEntry>,
}

#[derive(Clone, Default, Serialize, Deserialize)]
pub(super) struct AuthEntry {
    #[serde(skip_serializing_if = "Option::is_none")]
    auth: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    username: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    password: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    identitytoken: Option<String>,
}

/// Why an entry holds no usable credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub(crate) enum BadEntry {
    #[error("has an `auth` that is not base64")]
    NotBase64,
    #[error("has an `auth` that is not UTF-8")]
    NotUtf8,
    #[error("has an `auth` that is not user:password")]
    NotUserPassword,
}

impl AuthEntry {
    /// The entry Docker writes for `credentials`.
    pub(super) fn encode(credentials: &Credentials) -> AuthEntry {
        match credentials {
            Credentials::Password { username, password } => {
                let auth =
                    base64::engine::general_purpose::STANDARD.encode(format!("{username}:{}", password.expose()));
                AuthEntry { auth: Some(auth), ..AuthEntry::default() }
            }
            Credentials::IdentityToken { username, token } => AuthEntry {
                username: Some(username.clone()),
                identitytoken: Some(token.expose().to_string()),
                ..AuthEntry::default()
            },
        }
    }

    /// The credentials the entry holds; `None` for an empty one.
    pub(super) fn decode(&self) -> Result<Option<Credentials>, BadEntry> {
        let (username, password) = match (&self.auth, &self.username, &self.password) {
            (Some(auth), _, _) if !auth.is_empty() => split_auth(auth)?,
            (_, Some(username), Some(password)) => (username.clone(), password.clone()),
            (_, Some(username), None) => (username.clone(), String::new()),
            _ => (String::new(), String::new()),
        };
        if let Some(token) = self.identitytoken.as_ref().filter(|token| !token.is_empty()) {
            return Ok(Some(Credentials::IdentityToken { username, token: Secret::new(token.clone()) }));
        }
        if username.is_empty() && password.is_empty() {
            return Ok(None);
        }
        Ok(Some(Credentials::Password { username, password: Secret::new(password) }))
    }
}

fn split_auth(auth: &str) -> Result<(String, String), BadEntry> {
    let bytes = base64::engine::general_purpose::STANDARD.decode(auth.trim()).map_err(|_| BadEntry::NotBase64)?;
    let text = String::from_utf8(bytes).map_err(|_| BadEntry::NotUtf8)?;
    let (username, password) = text.split_once(':').ok_or(BadEntry::NotUserPassword)?;
    Ok((username.to_string(), password.to_string()))
}

/// The credentials `auths` (of the file at `path`, for messages) holds for `host`, as
/// `key_host` normalises it.
pub(super) fn find<'e>(
    auths: impl IntoIterator<Item = (&'e String, &'e AuthEntry)>,
    host: &str,
    path: &Path,
) -> Result<Option<Credentials>, CredentialsError> {
    let Some((_, entry)) = auths.into_iter().find(|(key, _)| key_host(key) == host) else { return Ok(None) };
    entry.decode().map_err(|reason| CredentialsError::BadEntry { path: PathBuf::from(path), host: host.into(), reason })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(json: &str) -> AuthEntry {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn decodes_auth_and_identity_tokens() {
        let Some(Credentials::Password { username, password }) =
            entry(r#"{"auth":"dXNlcjpwYTpzcw=="}"#).decode().unwrap()
        else {
            panic!("a password")
        };
        assert_eq!((username.as_str(), password.expose()), ("user", "pa:ss"));
        let token = entry(r#"{"auth":"","identitytoken":"refresh"}"#).decode().unwrap();
        assert!(matches!(token, Some(Credentials::IdentityToken { .. })));
        assert_eq!(entry(r#"{"auth":"!!"}"#).decode().unwrap_err(), BadEntry::NotBase64);
        assert!(entry("{}").decode().unwrap().is_none());
    }

    #[test]
    fn encodes_what_it_decodes() {
        for credentials in [
            Credentials::Password { username: "me".into(), password: Secret::new("pass:word") },
            Credentials::IdentityToken { username: "me".into(), token: Secret::new("refresh") },
        ] {
            let decoded = AuthEntry::encode(&credentials).decode().unwrap().unwrap();
            assert_eq!(format!("{decoded:?}"), format!("{credentials:?}"));
            assert_eq!(decoded.username(), "me");
        }
    }
}
