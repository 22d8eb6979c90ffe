//! Registry errors, typed so that callers can retry, fall back or add a hint.

use super::answer::RateLimit;
use super::safe_url::SafeUrl;
use crate::digest::Digest;

#[derive(Debug, thiserror::Error)]
pub(crate) enum RegistryError {
    #[error("{}", unauthorized_text(message))]
    Unauthorized { registry: String, message: String },
    #[error("{what} not found: {message}")]
    NotFound { what: String, message: String },
    #[error("{method} {url}: {status}: {message}")]
    Status { method: String, url: SafeUrl, status: u16, message: String },
    #[error("{registry} rate-limits these requests ({status}): {message}{}", limits.describe())]
    RateLimited { registry: String, status: u16, message: String, limits: Box<RateLimit> },
    #[error("cannot reach {registry}")]
    Connect {
        registry: String,
        #[source]
        source: reqwest::Error,
    },
    /// A registry whose host name does not resolve: one line, not the resolver's whole chain.
    #[error("cannot reach {registry}: its name does not resolve ({reason})")]
    Unresolved { registry: String, reason: String },
    /// A registry that accepted no connection, or sent no answer, however often it was asked.
    #[error("{registry} did not answer ({how})")]
    NoAnswer {
        registry: String,
        how: String,
        #[source]
        source: reqwest::Error,
    },
    #[error("the connection to {registry} failed during {what}")]
    Transfer {
        registry: String,
        what: String,
        #[source]
        source: reqwest::Error,
    },
    #[error("{what} from {registry} arrived with digest {actual}, not the expected {expected}")]
    DigestMismatch { registry: String, what: String, expected: Digest, actual: Digest },
    #[error("{what} from {registry} is {actual} bytes, not the {expected} its descriptor says")]
    SizeMismatch { registry: String, what: String, expected: u64, actual: u64 },
    #[error("{what} from {registry} is larger than the {limit}-byte limit")]
    TooLarge { registry: String, what: String, limit: u64 },
    #[error("the token server of {registry} answered {status}: {message}")]
    TokenRefused { registry: String, status: u16, message: String },
    #[error("{registry} answered badly: {reason}")]
    Protocol { registry: String, reason: String },
    #[error("refusing to follow {url} from {registry}: {reason}")]
    UnsafeUrl { registry: String, url: SafeUrl, reason: String },
    #[error("{registry} answers plain HTTP, not HTTPS")]
    PlainHttp { registry: String, host: String },
    #[error("cannot set up the connection to {registry}: {reason}")]
    Setup { registry: String, reason: String },
}

/// The registry's message, which usually says `unauthorized: ...` itself.
fn unauthorized_text(message: &str) -> String {
    if message.starts_with("unauthorized") { message.to_string() } else { format!("unauthorized: {message}") }
}

impl RegistryError {
    /// The request could not be made or answered; its URL is redacted in the message.
    pub(crate) fn connect(registry: &str, source: reqwest::Error) -> RegistryError {
        RegistryError::Connect { registry: registry.into(), source: super::safe_url::redact_error(source) }
    }

    /// No connection or no answer within the timeouts, after `how` (attempts and waits).
    pub(crate) fn no_answer(registry: &str, how: String, source: reqwest::Error) -> RegistryError {
        RegistryError::NoAnswer { registry: registry.into(), how, source: super::safe_url::redact_error(source) }
    }

    /// A body broke off; its URL is redacted in the message.
    pub(crate) fn transfer(registry: &str, what: impl Into<String>, source: reqwest::Error) -> RegistryError {
        let source = super::safe_url::redact_error(source);
        RegistryError::Transfer { registry: registry.into(), what: what.into(), source }
    }

    /// Whether the registry could not be reached at all (no name, no connection, no answer).
    pub(crate) fn is_unreachable(&self) -> bool {
        matches!(
            self,
            RegistryError::Connect { .. } | RegistryError::NoAnswer { .. } | RegistryError::Unresolved { .. }
        )
    }

    /// What to suggest to the person who saw this error.
    pub(crate) fn hint(&self) -> Option<String> {
        match self {
            RegistryError::Unauthorized { registry, .. } => Some(format!("log in with: hoist login {registry}")),
            RegistryError::PlainHttp { host, .. } => Some(format!(
                "to use it over plain HTTP, pass --insecure-registry {host}, or add \"{host}\" to \
                 insecure-registries in config.toml"
            )),
            _ => None,
        }
    }
}
