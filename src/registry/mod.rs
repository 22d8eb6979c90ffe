//! Talking to registries (OCI distribution / Docker Registry HTTP API v2): the transport,
//! authentication, and the API operations.

mod auth;
pub mod client;
mod error;
pub mod safe_url;
mod transport;
pub mod upload;

pub use auth::{Challenge, parse_challenge};
pub use client::{FetchedManifest, RegistryClient};
pub use error::RegistryError;
pub use transport::Transport;
