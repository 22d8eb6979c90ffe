//! Talking to registries (OCI distribution / Docker Registry HTTP API v2): the transport,
//! authentication, the client that sends every call, and the calls by resource.

mod answer;
mod auth;
pub mod blobs;
pub mod client;
mod error;
pub mod listings;
pub mod manifests;
pub mod safe_url;
mod tls;
mod transport;
pub mod uploads;

pub use answer::RateLimit;
pub use auth::{Challenge, parse_challenge};
pub use client::RegistryClient;
pub use error::RegistryError;
pub use manifests::FetchedManifest;
pub use transport::{Log, Transport};

/// `HOST[:PORT]` of a URL, as registries and `certs.d` folders name hosts.
pub fn host_port(url: &reqwest::Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    }
}

/// The scope a pull needs.
pub fn pull_scope(repository: &str) -> String {
    format!("repository:{repository}:pull")
}

/// The scope a push needs.
pub fn push_scope(repository: &str) -> String {
    format!("repository:{repository}:pull,push")
}
