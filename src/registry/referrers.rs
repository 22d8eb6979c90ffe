//! The OCI 1.1 referrers API (`GET /v2/<name>/referrers/<digest>`): what refers to a manifest
//! (signatures, SBOMs, attestations). A registry without it (CNCF distribution 2.8) answers
//! 404; callers then use the `sha256-<hex>` tag schema.

use reqwest::header::{ACCEPT, HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode};

use super::answer::read_limited;
use super::client::{Call, RegistryClient};
use super::manifests::MAX_MANIFEST_SIZE;
use super::{RegistryError, pull_scope};
use crate::digest::Digest;

impl RegistryClient {
    /// The referrers index of `subject`, or `None` when the registry has no referrers API.
    pub(crate) async fn referrers(&self, repository: &str, subject: &Digest) -> Result<Option<Vec<u8>>, RegistryError> {
        let url = self.url(&format!("v2/{repository}/referrers/{subject}")).await?;
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static("application/vnd.oci.image.index.v1+json"));
        let scope = pull_scope(repository);
        let response = self.send(Call::new(Method::GET, url, &scope).headers(headers)).await?;
        let is_index = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.starts_with("application/vnd.oci.image.index.v1+json"));
        match response.status() {
            StatusCode::OK if is_index => {
                Ok(Some(read_limited(response, MAX_MANIFEST_SIZE, self.registry(), "a referrers index").await?))
            }
            status if status.is_success() || status.is_client_error() => Ok(None),
            _ => Err(self.failure(response, "GET").await),
        }
    }
}
