//! Search: Docker Hub's `/v1/search` API, which some registries also offer (Harbor, Quay,
//! registries behind the old docker-registry), asked as docker's daemon asks it.

use reqwest::{Method, StatusCode};
use serde::Deserialize;

use super::RegistryError;
use super::answer::read_limited;
use super::client::{Call, RegistryClient};
use super::manifests::MAX_MANIFEST_SIZE;

/// One result, as Docker Hub's search answers it.
#[derive(Clone, Debug, Default, Deserialize)]
pub(crate) struct SearchResult {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub star_count: i64,
    #[serde(default)]
    pub is_official: bool,
    #[serde(default)]
    pub is_automated: bool,
}

impl RegistryClient {
    /// `/v1/search?q=TERM&n=LIMIT`: the results, or `None` when the registry has no search.
    pub(crate) async fn search(&self, term: &str, limit: u32) -> Result<Option<Vec<SearchResult>>, RegistryError> {
        #[derive(Deserialize)]
        struct Page {
            #[serde(default)]
            results: Option<Vec<SearchResult>>,
        }
        let query: String = form_urlencoded::byte_serialize(term.as_bytes()).collect();
        let url = self.url(&format!("v1/search?q={query}&n={limit}")).await?;
        let response = self.send(Call::new(Method::GET, url, "registry:catalog:*")).await?;
        if matches!(response.status(), StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED) {
            return Ok(None);
        }
        if !response.status().is_success() {
            return Err(self.failure(response, "GET").await);
        }
        let body = read_limited(response, MAX_MANIFEST_SIZE, self.registry(), "search results").await?;
        let page: Page = serde_json::from_slice(&body).map_err(|err| RegistryError::Protocol {
            registry: self.registry().into(),
            reason: format!("bad search results: {err}"),
        })?;
        Ok(Some(page.results.unwrap_or_default()))
    }
}
