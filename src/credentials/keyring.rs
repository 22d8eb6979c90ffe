//! The OS keyring (Secret Service on Linux, Keychain on macOS, Credential Manager on Windows):
//! one entry per registry, service `hoist`, user the registry's credential key. The secret is
//! a small JSON document with the user name and the password or identity token.

use serde::{Deserialize, Serialize};

use super::{Credentials, Secret};

const SERVICE: &str = "hoist";

#[derive(Serialize, Deserialize)]
struct Stored {
    username: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    password: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    identitytoken: Option<String>,
}

/// Why the keyring could not be used, in the words of the one warning that says so.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub(crate) struct Unavailable(String);

impl From<keyring::Error> for Unavailable {
    fn from(err: keyring::Error) -> Self {
        Unavailable(match err {
            keyring::Error::NoDefaultStore | keyring::Error::PlatformFailure(_) => {
                "no OS keyring answered (on Linux: no Secret Service, such as gnome-keyring, on the session's D-Bus)"
                    .into()
            }
            keyring::Error::NoStorageAccess(_) => "the OS keyring is locked and could not be unlocked here".into(),
            keyring::Error::TooLong(what, limit) => {
                format!("the OS keyring does not take a {what} longer than {limit} bytes")
            }
            keyring::Error::BadEncoding(_) | keyring::Error::BadDataFormat(..) => {
                "the OS keyring holds an entry for this registry that hoist cannot read".into()
            }
            keyring::Error::Ambiguous(_) => "the OS keyring holds several entries for this registry".into(),
            _ => "the OS keyring refused to store the credentials".into(),
        })
    }
}

fn entry(key: &str) -> Result<keyring::Entry, Unavailable> {
    Ok(keyring::Entry::new(SERVICE, key)?)
}

/// Credentials stored for `key`; `None` when there are none or no keyring answers.
pub(crate) fn get(key: &str) -> Option<Credentials> {
    let stored = entry(key).ok()?.get_password().ok()?;
    let stored: Stored = serde_json::from_str(&stored).ok()?;
    match (stored.identitytoken, stored.password) {
        (Some(token), _) => Some(Credentials::IdentityToken { username: stored.username, token: Secret::new(token) }),
        (None, Some(password)) => {
            Some(Credentials::Password { username: stored.username, password: Secret::new(password) })
        }
        (None, None) => None,
    }
}

pub(crate) fn set(key: &str, credentials: &Credentials) -> Result<(), Unavailable> {
    let stored = match credentials {
        Credentials::Password { username, password } => {
            Stored { username: username.clone(), password: Some(password.expose().to_string()), identitytoken: None }
        }
        Credentials::IdentityToken { username, token } => {
            Stored { username: username.clone(), password: None, identitytoken: Some(token.expose().to_string()) }
        }
    };
    let text = serde_json::to_string(&stored).map_err(|err| Unavailable(err.to_string()))?;
    Ok(entry(key)?.set_password(&text)?)
}

/// Removes the entry; returns whether there was one.
pub(crate) fn delete(key: &str) -> bool {
    entry(key).ok().is_some_and(|entry| entry.delete_credential().is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every way the keyring can fail reads in the user's words: none passes the library's own
    /// text ("No default store has been set, ...") through.
    #[test]
    fn every_keyring_failure_reads_in_the_users_words() {
        let platform =
            || -> Box<dyn std::error::Error + Send + Sync> { "org.freedesktop.DBus.Error.ServiceUnknown".into() };
        let errors = [
            keyring::Error::NoDefaultStore,
            keyring::Error::PlatformFailure(platform()),
            keyring::Error::NoStorageAccess(platform()),
            keyring::Error::NoEntry,
            keyring::Error::BadEncoding(vec![0xff]),
            keyring::Error::BadDataFormat(vec![0xff], platform()),
            keyring::Error::BadStoreFormat("store".into()),
            keyring::Error::TooLong("password".into(), 2560),
            keyring::Error::Invalid("service".into(), "empty".into()),
            keyring::Error::NotSupportedByStore("search".into()),
        ];
        for error in errors {
            let library = error.to_string();
            let said = Unavailable::from(error).to_string();
            assert!(said.contains("OS keyring"), "{said}");
            assert!(!said.contains(&library) && !said.contains("DBus"), "{said} passes on {library}");
        }
    }
}
