//! Talking to registries (OCI distribution / Docker Registry HTTP API v2): the transport,
//! authentication, the client that sends every call, and the calls by resource.

mod answer;
mod auth;
pub(crate) mod blobs;
pub(crate) mod client;
mod error;
pub(crate) mod listings;
pub(crate) mod manifests;
pub(crate) mod referrers;
pub(crate) mod safe_url;
pub(crate) mod search;
mod tls;
mod transport;
pub(crate) mod uploads;

pub use auth::parse_challenge;
pub(crate) use client::RegistryClient;
pub(crate) use error::RegistryError;
pub(crate) use manifests::FetchedManifest;
pub(crate) use transport::{Log, Retry, Transport, human_duration, plural, whole_seconds};

/// `HOST[:PORT]` of a URL, as registries and `certs.d` folders name hosts.
pub(crate) fn host_port(url: &reqwest::Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    }
}

/// The scope a pull needs.
pub(crate) fn pull_scope(repository: &str) -> String {
    format!("repository:{repository}:pull")
}

/// The scope a push needs.
pub(crate) fn push_scope(repository: &str) -> String {
    format!("repository:{repository}:pull,push")
}
