//! One registry as hoist talks to it: where it is (HTTPS, or HTTP for loopback and insecure
//! registries), how it wants to be authenticated, and the API operations pull needs.

use std::sync::{Arc, Mutex};

use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderValue, LINK, WWW_AUTHENTICATE};
use reqwest::{Body, Method, Response, StatusCode, Url};
use tokio::sync::OnceCell;

use super::auth::{self, Challenge, TokenCache};
use super::{RegistryError, Transport, safe_url};
use crate::credentials::Credentials;
use crate::digest::Digest;
use crate::image::media;

/// Registries enforce 4 MiB for manifests; hoist reads no more than that.
pub const MAX_MANIFEST_SIZE: usize = 4 * 1024 * 1024;
/// How many tags or repositories hoist asks for per page.
const PAGE_SIZE: u32 = 1000;
/// The most pages of tags or repositories hoist follows.
const MAX_PAGES: usize = 10_000;

/// What hoist asks for when it fetches a manifest: every kind it can read, and schema 1 so
/// that it can say clearly that it does not support it.
pub const MANIFEST_ACCEPT: &str = "application/vnd.oci.image.index.v1+json, \
    application/vnd.docker.distribution.manifest.list.v2+json, \
    application/vnd.oci.image.manifest.v1+json, \
    application/vnd.docker.distribution.manifest.v2+json;q=0.9, \
    application/vnd.docker.distribution.manifest.v1+prettyjws;q=0.1";

/// The body type of a request that has none.
pub type NoBody = fn() -> Result<Body, RegistryError>;

/// A manifest or index as the registry sent it.
pub struct FetchedManifest {
    pub bytes: Vec<u8>,
    pub media_type: String,
    pub digest: Digest,
}

pub struct RegistryClient {
    transport: Arc<Transport>,
    /// The registry as references name it (`docker.io`, `localhost:5000`), for messages.
    registry: String,
    /// Where its API is: `https://registry-1.docker.io`, a mirror's URL, `http://127.0.0.1:5000`.
    base: OnceCell<Url>,
    configured_base: Option<Url>,
    host: String,
    credentials: Option<Credentials>,
    challenge: Mutex<Option<Challenge>>,
    tokens: TokenCache,
}

impl RegistryClient {
    /// A client for `registry` (as in a reference), reached at its API host.
    pub fn new(transport: Arc<Transport>, registry: &str, api_host: &str, credentials: Option<Credentials>) -> Self {
        RegistryClient {
            transport,
            registry: registry.to_string(),
            base: OnceCell::new(),
            configured_base: None,
            host: api_host.to_string(),
            credentials,
            challenge: Mutex::new(None),
            tokens: TokenCache::default(),
        }
    }

    /// A client for a registry mirror at a fixed URL (`registry-mirrors` in `config.toml`).
    pub fn mirror(transport: Arc<Transport>, url: Url) -> Self {
        let host = match url.port() {
            Some(port) => format!("{}:{port}", url.host_str().unwrap_or_default()),
            None => url.host_str().unwrap_or_default().to_string(),
        };
        RegistryClient { configured_base: Some(url), ..RegistryClient::new(transport, &host, &host, None) }
    }

    pub fn registry(&self) -> &str {
        &self.registry
    }

    pub fn transport(&self) -> &Transport {
        &self.transport
    }

    /// The API's base URL; found on first use by pinging `/v2/` over HTTPS, then HTTP where allowed.
    async fn base(&self) -> Result<&Url, RegistryError> {
        self.base.get_or_try_init(|| self.discover()).await
    }

    async fn discover(&self) -> Result<Url, RegistryError> {
        if let Some(url) = &self.configured_base {
            self.ping(url, super::transport::ATTEMPTS).await?;
            return Ok(url.clone());
        }
        let https = self.parse_base(&format!("https://{}/", self.host))?;
        // Where plain HTTP may follow, a failed HTTPS attempt is not retried: it is the answer.
        let attempts = if self.transport.may_use_http(&self.host) { 1 } else { super::transport::ATTEMPTS };
        match self.ping(&https, attempts).await {
            Ok(()) => Ok(https),
            Err(https_error @ RegistryError::Connect { .. }) if self.transport.may_use_http(&self.host) => {
                let http = self.parse_base(&format!("http://{}/", self.host))?;
                match self.ping(&http, super::transport::ATTEMPTS).await {
                    Ok(()) => Ok(http),
                    // 400 is an HTTPS server refusing plain HTTP: the HTTPS failure is the story.
                    Err(RegistryError::Status { status: 400, .. }) => Err(https_error),
                    Err(err) => Err(err),
                }
            }
            Err(err) => Err(err),
        }
    }

    fn parse_base(&self, text: &str) -> Result<Url, RegistryError> {
        Url::parse(text).map_err(|_| RegistryError::Setup {
            registry: self.registry.clone(),
            reason: format!("{text} is not a URL"),
        })
    }

    /// `GET /v2/`: proves the registry is there and learns its authentication challenge.
    async fn ping(&self, base: &Url, attempts: u32) -> Result<(), RegistryError> {
        let url = join(base, "v2/")?;
        let client = self.transport.client(&self.host)?;
        let response = self.transport.send_with_attempts(&self.host, attempts, || Ok(client.get(url.clone()))).await?;
        self.remember_challenge(&response);
        if response.status().is_success() || response.status() == StatusCode::UNAUTHORIZED {
            Ok(())
        } else {
            Err(status_error(response, &self.registry).await)
        }
    }

    fn remember_challenge(&self, response: &Response) {
        if response.status() != StatusCode::UNAUTHORIZED {
            return;
        }
        let challenge = response
            .headers()
            .get_all(WWW_AUTHENTICATE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .find_map(auth::parse_challenge);
        if challenge.is_some() {
            *self.challenge.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = challenge;
        }
    }

    fn current_challenge(&self) -> Option<Challenge> {
        self.challenge.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }

    /// The `Authorization` header for `scope`, fetching a token when the registry wants one.
    async fn authorization(&self, scope: &str, fresh: bool) -> Result<Option<HeaderValue>, RegistryError> {
        match self.current_challenge() {
            None => Ok(None),
            Some(Challenge::Basic) => self.credentials.as_ref().and_then(auth::basic).transpose(),
            Some(Challenge::Bearer { realm, service, .. }) => {
                let cached = if fresh { None } else { self.tokens.get(scope) };
                let token = match cached {
                    Some(token) => token,
                    None => {
                        auth::fetch_token(
                            &self.transport,
                            &self.registry,
                            &realm,
                            service.as_deref(),
                            scope,
                            self.credentials.as_ref(),
                            &self.tokens,
                        )
                        .await?
                    }
                };
                auth::header("Bearer", token.expose()).map(Some)
            }
        }
    }

    /// The URL of an API path on this registry.
    pub async fn url(&self, path: &str) -> Result<Url, RegistryError> {
        join(self.base().await?, path)
    }

    /// Sends an authenticated request without a body; on a 401 it answers the new challenge once.
    pub async fn request(
        &self,
        method: Method,
        path: &str,
        scope: &str,
        headers: HeaderMap,
    ) -> Result<Response, RegistryError> {
        let url = self.url(path).await?;
        self.request_url(method, url, scope, headers, None::<&NoBody>).await
    }

    /// Sends an authenticated request to `url`, with the body `body` makes (made anew for each
    /// attempt). `PATCH` is sent once: a broken chunk is resumed by the upload, not resent here.
    pub async fn request_url<F: Fn() -> Result<Body, RegistryError>>(
        &self,
        method: Method,
        url: Url,
        scope: &str,
        headers: HeaderMap,
        body: Option<&F>,
    ) -> Result<Response, RegistryError> {
        let attempts = if method == Method::PATCH { 1 } else { super::transport::ATTEMPTS };
        let mut fresh = false;
        for _ in 0..2 {
            let authorization = self.authorization(scope, fresh).await?;
            let client = self.transport.client(&self.host)?;
            let make = || {
                let mut request = client.request(method.clone(), url.clone()).headers(headers.clone());
                if let Some(value) = &authorization {
                    request = request.header(AUTHORIZATION, value.clone());
                }
                if let Some(make_body) = body {
                    request = request.body(make_body()?);
                }
                Ok(request)
            };
            let response = self.transport.send_with_attempts(&self.host, attempts, make).await?;
            if response.status() != StatusCode::UNAUTHORIZED {
                return Ok(response);
            }
            let before = self.current_challenge();
            self.remember_challenge(&response);
            let retry = authorization.is_none()
                || before != self.current_challenge()
                || matches!(before, Some(Challenge::Bearer { .. }));
            if !retry || fresh {
                return Err(self.unauthorized(response).await);
            }
            fresh = true;
        }
        Err(RegistryError::Unauthorized { registry: self.registry.clone(), message: "authentication required".into() })
    }

    /// Checks this client's credentials the way the registry asks: Basic directly, Bearer with
    /// a token request. Returns the identity (refresh) token a token server issued, if any.
    pub async fn verify_credentials(&self) -> Result<Option<crate::credentials::Secret>, RegistryError> {
        let base = self.base().await?.clone();
        let Some(credentials) = &self.credentials else { return Ok(None) };
        match self.current_challenge() {
            None => Ok(None),
            Some(Challenge::Bearer { realm, service, .. }) => {
                auth::login_token(&self.transport, &self.registry, &realm, service.as_deref(), credentials).await
            }
            Some(Challenge::Basic) => {
                let authorization = auth::basic(credentials).transpose()?;
                let url = join(&base, "v2/")?;
                let client = self.transport.client(&self.host)?;
                let make = || {
                    let request = client.get(url.clone());
                    Ok(match &authorization {
                        Some(value) => request.header(AUTHORIZATION, value.clone()),
                        None => request,
                    })
                };
                let response = self.transport.send(&self.host, make).await?;
                if response.status().is_success() { Ok(None) } else { Err(self.unauthorized(response).await) }
            }
        }
    }

    async fn unauthorized(&self, response: Response) -> RegistryError {
        let status = response.status();
        let body = read_limited(response, 64 * 1024, &self.registry, "an error").await.unwrap_or_default();
        RegistryError::Unauthorized { registry: self.registry.clone(), message: error_message(&body, status) }
    }

    /// Fetches a manifest by tag or digest, reading at most `MAX_MANIFEST_SIZE` bytes.
    pub async fn get_manifest(&self, repository: &str, reference: &str) -> Result<FetchedManifest, RegistryError> {
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static(MANIFEST_ACCEPT));
        let path = format!("v2/{repository}/manifests/{reference}");
        let response = self.request(Method::GET, &path, &pull_scope(repository), headers).await?;
        if response.status() == StatusCode::NOT_FOUND {
            let body = read_limited(response, 64 * 1024, &self.registry, "an error").await.unwrap_or_default();
            return Err(RegistryError::NotFound {
                what: format!("manifest for {repository}:{reference}"),
                message: error_message(&body, StatusCode::NOT_FOUND),
            });
        }
        let response = check_status(response, &self.registry).await?;
        let media_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .map(|value| value.split(';').next().unwrap_or_default().trim().to_string())
            .unwrap_or_default();
        let bytes = read_limited(response, MAX_MANIFEST_SIZE, &self.registry, "the manifest").await?;
        let digest = Digest::sha256_of(&bytes);
        Ok(FetchedManifest { bytes, media_type, digest })
    }

    /// Starts a blob download at `offset` (a `Range` request when not 0). The answer is 200
    /// (whole blob) or 206 (the rest); anything else is an error.
    pub async fn get_blob(&self, repository: &str, digest: &Digest, offset: u64) -> Result<Response, RegistryError> {
        let mut headers = HeaderMap::new();
        if offset > 0 {
            let range = HeaderValue::from_str(&format!("bytes={offset}-"))
                .map_err(|_| RegistryError::Protocol { registry: self.registry.clone(), reason: "bad range".into() })?;
            headers.insert(reqwest::header::RANGE, range);
        }
        let path = format!("v2/{repository}/blobs/{digest}");
        let response = self.request(Method::GET, &path, &pull_scope(repository), headers).await?;
        check_status(response, &self.registry).await
    }

    /// Every tag of a repository, following `Link` pagination to the end.
    pub async fn list_tags(&self, repository: &str) -> Result<Vec<String>, RegistryError> {
        #[derive(serde::Deserialize)]
        struct Page {
            tags: Option<Vec<String>>,
        }
        let pages = self.paginate(&format!("v2/{repository}/tags/list"), &pull_scope(repository)).await?;
        pages
            .iter()
            .map(|body| parse_page::<Page>(body, &self.registry).map(|page| page.tags.unwrap_or_default()))
            .flat_collect()
    }

    /// Every repository of the registry, following `Link` pagination to the end.
    pub async fn catalog(&self) -> Result<Vec<String>, RegistryError> {
        #[derive(serde::Deserialize)]
        struct Page {
            repositories: Option<Vec<String>>,
        }
        let pages = self.paginate("v2/_catalog", "registry:catalog:*").await?;
        pages
            .iter()
            .map(|body| parse_page::<Page>(body, &self.registry).map(|page| page.repositories.unwrap_or_default()))
            .flat_collect()
    }

    async fn paginate(&self, first: &str, scope: &str) -> Result<Vec<Vec<u8>>, RegistryError> {
        let mut pages = Vec::new();
        // Asking for pages makes registries that cap their answers say where the next one is.
        let page_size =
            std::env::var("HOIST_TEST_PAGE_SIZE").ok().and_then(|n| n.parse::<u32>().ok()).unwrap_or(PAGE_SIZE);
        let mut path = format!("{first}?n={page_size}");
        for _ in 0..MAX_PAGES {
            let response = self.request(Method::GET, &path, scope, HeaderMap::new()).await?;
            if response.status() == StatusCode::NOT_FOUND {
                let body = read_limited(response, 64 * 1024, &self.registry, "an error").await.unwrap_or_default();
                return Err(RegistryError::NotFound {
                    what: first.trim_start_matches("v2/").into(),
                    message: error_message(&body, StatusCode::NOT_FOUND),
                });
            }
            let response = check_status(response, &self.registry).await?;
            let next = next_link(response.headers());
            pages.push(read_limited(response, MAX_MANIFEST_SIZE, &self.registry, "a listing").await?);
            let Some(next) = next else { return Ok(pages) };
            path = self.relative_path(&next)?;
        }
        Err(RegistryError::Protocol { registry: self.registry.clone(), reason: format!("more than {MAX_PAGES} pages") })
    }

    /// A `Link` target as a path on this registry; links elsewhere are refused.
    fn relative_path(&self, link: &str) -> Result<String, RegistryError> {
        let base = self
            .base
            .get()
            .ok_or_else(|| RegistryError::Protocol { registry: self.registry.clone(), reason: "no base URL".into() })?;
        let url = base.join(link).map_err(|_| RegistryError::Protocol {
            registry: self.registry.clone(),
            reason: format!("bad Link {link:?}"),
        })?;
        if url.origin() != base.origin() {
            return Err(RegistryError::UnsafeUrl {
                registry: self.registry.clone(),
                url: safe_url::display(&url),
                reason: "the next page is on another host".into(),
            });
        }
        let mut path = url.path().trim_start_matches('/').to_string();
        if let Some(query) = url.query() {
            path.push('?');
            path.push_str(query);
        }
        Ok(path)
    }
}

trait FlatCollect {
    fn flat_collect(self) -> Result<Vec<String>, RegistryError>;
}

impl<I: Iterator<Item = Result<Vec<String>, RegistryError>>> FlatCollect for I {
    fn flat_collect(self) -> Result<Vec<String>, RegistryError> {
        let mut all = Vec::new();
        for page in self {
            all.extend(page?);
        }
        Ok(all)
    }
}

fn parse_page<T: serde::de::DeserializeOwned>(body: &[u8], registry: &str) -> Result<T, RegistryError> {
    serde_json::from_slice(body)
        .map_err(|err| RegistryError::Protocol { registry: registry.into(), reason: format!("bad listing: {err}") })
}

pub fn pull_scope(repository: &str) -> String {
    format!("repository:{repository}:pull")
}

fn join(base: &Url, path: &str) -> Result<Url, RegistryError> {
    base.join(path)
        .map_err(|_| RegistryError::Protocol { registry: base.to_string(), reason: format!("bad path {path:?}") })
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

async fn check_status(response: Response, registry: &str) -> Result<Response, RegistryError> {
    if response.status().is_success() { Ok(response) } else { Err(status_error(response, registry).await) }
}

async fn status_error(response: Response, registry: &str) -> RegistryError {
    let status = response.status();
    let method = "GET".to_string();
    let url = safe_url::display(response.url());
    let retry_after = super::transport::retry_after(&response).map(|wait| wait.as_secs());
    let body = read_limited(response, 64 * 1024, registry, "an error").await.unwrap_or_default();
    let message = error_message(&body, status);
    match status {
        StatusCode::TOO_MANY_REQUESTS => {
            RegistryError::TooManyRequests { registry: registry.into(), message, retry_after }
        }
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
            RegistryError::Unauthorized { registry: registry.into(), message }
        }
        _ => RegistryError::Status { method, url, status: status.as_u16(), message },
    }
}

/// Reads a body, refusing more than `limit` bytes, whatever the headers claim.
pub async fn read_limited(
    mut response: Response,
    limit: usize,
    registry: &str,
    what: &str,
) -> Result<Vec<u8>, RegistryError> {
    let too_large = || RegistryError::TooLarge { registry: registry.into(), what: what.into(), limit: limit as u64 };
    if response.content_length().is_some_and(|length| length > limit as u64) {
        return Err(too_large());
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|source| RegistryError::Transfer {
        registry: registry.into(),
        what: what.into(),
        source,
    })? {
        if body.len() + chunk.len() > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// The registry's own message (`code: message` from its JSON errors), or the status and the
/// first line of a body that is not JSON.
pub fn error_message(body: &[u8], status: StatusCode) -> String {
    #[derive(serde::Deserialize)]
    struct Errors {
        errors: Vec<ErrorEntry>,
    }
    #[derive(serde::Deserialize)]
    struct ErrorEntry {
        code: Option<String>,
        message: Option<String>,
    }
    if let Ok(parsed) = serde_json::from_slice::<Errors>(body)
        && !parsed.errors.is_empty()
    {
        let messages: Vec<String> = parsed
            .errors
            .iter()
            .map(|entry| match (&entry.code, &entry.message) {
                (Some(code), Some(message)) => format!("{}: {message}", code.to_ascii_lowercase()),
                (Some(code), None) => code.to_ascii_lowercase(),
                (None, Some(message)) => message.clone(),
                (None, None) => String::new(),
            })
            .collect();
        return messages.join("; ");
    }
    let text = String::from_utf8_lossy(body);
    let first_line: String =
        text.lines().find(|line| !line.trim().is_empty()).unwrap_or_default().chars().take(200).collect();
    if first_line.is_empty() { status.to_string() } else { format!("{status}: {first_line}") }
}

/// Whether a media type is a manifest or index hoist can read (schema 1 is detected apart).
pub fn is_supported_manifest(media_type: &str) -> bool {
    media::is_index(media_type) || media::is_manifest(media_type)
}

#[cfg(test)]
mod tests {
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
    fn shows_the_registry_message() {
        let body = br#"{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{}}]}"#;
        assert_eq!(error_message(body, StatusCode::NOT_FOUND), "manifest_unknown: manifest unknown");
        assert_eq!(error_message(b"<html>\nBad gateway</html>", StatusCode::BAD_GATEWAY), "502 Bad Gateway: <html>");
        assert_eq!(error_message(b"", StatusCode::SERVICE_UNAVAILABLE), "503 Service Unavailable");
    }
}
