//! Listings: a repository's tags and a registry's catalog, page after page. Pages are asked
//! for (`n=`), and `Link` cursors followed verbatim (ECR's are opaque). Entries that are not
//! tags are skipped (SPEC §3): JSON `null` (Nexus), digests and `_uploads` (Artifactory).

use reqwest::header::{HeaderMap, LINK};
use reqwest::{Method, StatusCode};

use super::answer::{self, MAX_ERROR_BODY, read_limited};
use super::client::{Call, RegistryClient};
use super::manifests::MAX_MANIFEST_SIZE;
use super::{RegistryError, pull_scope};
use crate::reference::is_valid_tag;

/// How many tags or repositories hoist asks for per page (ECR refuses more than 1000).
const PAGE_SIZE: u32 = 1000;
/// The most pages of tags or repositories hoist follows.
const MAX_PAGES: usize = 10_000;

impl RegistryClient {
    /// Every tag of a repository, following `Link` pagination to the end.
    pub(crate) async fn list_tags(&self, repository: &str) -> Result<Vec<String>, RegistryError> {
        #[derive(serde::Deserialize)]
        struct Page {
            tags: Option<Vec<Option<String>>>,
        }
        let pages = self.paginate(&format!("v2/{repository}/tags/list"), &pull_scope(repository)).await?;
        let mut tags = Vec::new();
        for body in &pages {
            let page: Page = parse_page(body, self.registry())?;
            tags.extend(page.tags.into_iter().flatten().flatten().filter(|tag| is_tag(tag)));
        }
        Ok(tags)
    }

    /// Every repository of the registry, following `Link` pagination to the end.
    pub(crate) async fn catalog(&self) -> Result<Vec<String>, RegistryError> {
        #[derive(serde::Deserialize)]
        struct Page {
            repositories: Option<Vec<Option<String>>>,
        }
        let pages = self.paginate("v2/_catalog", "registry:catalog:*").await?;
        let mut repositories = Vec::new();
        for body in &pages {
            let page: Page = parse_page(body, self.registry())?;
            repositories.extend(page.repositories.into_iter().flatten().flatten());
        }
        Ok(repositories)
    }

    async fn paginate(&self, first: &str, scope: &str) -> Result<Vec<Vec<u8>>, RegistryError> {
        let mut pages = Vec::new();
        // Asking for pages makes registries that cap their answers say where the next one is.
        let page_size =
            std::env::var("HOIST_TEST_PAGE_SIZE").ok().and_then(|n| n.parse::<u32>().ok()).unwrap_or(PAGE_SIZE);
        let mut url = self.url(&format!("{first}?n={page_size}")).await?;
        for _ in 0..MAX_PAGES {
            let response = self.send(Call::new(Method::GET, url.clone(), scope)).await?;
            if response.status() == StatusCode::NOT_FOUND {
                let body =
                    read_limited(response, MAX_ERROR_BODY, self.registry(), "an error").await.unwrap_or_default();
                return Err(RegistryError::NotFound {
                    what: first.trim_start_matches("v2/").into(),
                    message: answer::error_message(&body, StatusCode::NOT_FOUND),
                });
            }
            if !response.status().is_success() {
                return Err(self.failure(response, "GET").await);
            }
            let next = next_link(response.headers());
            pages.push(read_limited(response, MAX_MANIFEST_SIZE, self.registry(), "a listing").await?);
            let Some(next) = next else { return Ok(pages) };
            url = self.next_page(&url, &next)?;
        }
        Err(RegistryError::Protocol {
            registry: self.registry().into(),
            reason: format!("more than {MAX_PAGES} pages"),
        })
    }

    /// A `Link` target, resolved against the page that named it; links elsewhere are refused.
    fn next_page(&self, page: &reqwest::Url, link: &str) -> Result<reqwest::Url, RegistryError> {
        let url = page.join(link).map_err(|_| RegistryError::Protocol {
            registry: self.registry().into(),
            reason: format!("bad Link {link:?}"),
        })?;
        if url.origin() != page.origin() {
            return Err(RegistryError::UnsafeUrl {
                registry: self.registry().into(),
                url: super::safe_url::SafeUrl::new(&url),
                reason: "the next page is on another host".into(),
            });
        }
        Ok(url)
    }
}

/// A tag, not a digest or a registry's internal entry.
fn is_tag(entry: &str) -> bool {
    is_valid_tag(entry) && entry != "_uploads"
}

fn parse_page<T: serde::de::DeserializeOwned>(body: &[u8], registry: &str) -> Result<T, RegistryError> {
    serde_json::from_slice(body)
        .map_err(|err| RegistryError::Protocol { registry: registry.into(), reason: format!("bad listing: {err}") })
}

/// The `rel="next"` target of a `Link` header.
pub fn next_link(headers: &HeaderMap) -> Option<String> {
    headers.get_all(LINK).iter().filter_map(|value| value.to_str().ok()).flat_map(|value| value.split(',')).find_map(
        |part| {
            let (target, parameters) = part.split_once(';')?;
            let is_next =
                parameters.split(';').any(|p| p.trim().replace(' ', "") == "rel=\"next\"" || p.trim() == "rel=next");
            let target = target.trim().strip_prefix('<')?.strip_suffix('>')?;
            is_next.then(|| target.to_string())
        },
    )
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    #[test]
    fn finds_the_next_link() {
        let mut headers = HeaderMap::new();
        headers.insert(LINK, HeaderValue::from_static("</v2/_catalog?last=b&n=2>; rel=\"next\""));
        assert_eq!(next_link(&headers).as_deref(), Some("/v2/_catalog?last=b&n=2"));
        headers.insert(LINK, HeaderValue::from_static("</v2/x>; rel=\"prev\""));
        assert_eq!(next_link(&headers), None);
    }

    #[test]
    fn only_tags_are_tags() {
        let entries = [
            "1.0",
            "latest",
            "sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa",
            "_uploads",
            "",
        ];
        let kept: Vec<&str> = entries.into_iter().filter(|entry| is_tag(entry)).collect();
        assert_eq!(kept, ["1.0", "latest"]);
    }
}
