//! Manifests and indexes on a registry: `HEAD`, `GET`, `PUT` and `DELETE`, as every registry
//! answers them (SPEC §3): a `HEAD` refused with 405, or with 403 for a missing manifest
//! (Artifactory), is asked again as `GET`; a missing `Docker-Content-Digest` is computed from
//! the body; `DELETE` asks for the `delete` scope, then `push`, then `*` (Quay and GitLab
//! refuse the first).

use reqwest::header::{ACCEPT, CONTENT_LENGTH, CONTENT_TYPE, HeaderMap, HeaderValue};
use reqwest::{Body, Method, Response, StatusCode};

use super::answer::{self, MAX_ERROR_BODY, read_limited};
use super::client::{Call, RegistryClient};
use super::{RegistryError, pull_scope, push_scope};
use crate::digest::Digest;

/// Registries enforce 4 MiB for manifests; hoist reads no more than that.
pub(crate) const MAX_MANIFEST_SIZE: usize = 4 * 1024 * 1024;

/// What hoist asks for when it fetches a manifest: every kind it can read, and schema 1 so
/// that it can say clearly that it does not support it.
pub(crate) const MANIFEST_ACCEPT: &str = "application/vnd.oci.image.index.v1+json, \
    application/vnd.docker.distribution.manifest.list.v2+json, \
    application/vnd.oci.image.manifest.v1+json, \
    application/vnd.docker.distribution.manifest.v2+json;q=0.9, \
    application/vnd.docker.distribution.manifest.v1+prettyjws;q=0.1";

/// A manifest or index as the registry sent it.
#[derive(Clone)]
pub(crate) struct FetchedManifest {
    pub bytes: Vec<u8>,
    pub media_type: String,
    pub digest: Digest,
}

/// A manifest as a `HEAD` describes it.
#[derive(Clone, Debug)]
pub(crate) struct Described {
    pub media_type: String,
    pub digest: Digest,
    pub size: u64,
}

fn accept_manifests() -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(ACCEPT, HeaderValue::from_static(MANIFEST_ACCEPT));
    headers
}

impl RegistryClient {
    /// Fetches a manifest by tag or digest, reading at most `MAX_MANIFEST_SIZE` bytes.
    pub(crate) async fn get_manifest(
        &self,
        repository: &str,
        reference: &str,
    ) -> Result<FetchedManifest, RegistryError> {
        let response = self.send_manifest_get(repository, reference, &pull_scope(repository)).await?;
        if response.status() == StatusCode::NOT_FOUND {
            return Err(not_found(response, repository, reference, self.registry()).await);
        }
        if !response.status().is_success() {
            return Err(self.failure(response, "GET").await);
        }
        let media_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .map(|value| value.split(';').next().unwrap_or_default().trim().to_string())
            .unwrap_or_default();
        let bytes = read_limited(response, MAX_MANIFEST_SIZE, self.registry(), "the manifest").await?;
        // By digest: hashed with that digest's algorithm, so that a sha512 reference can match.
        let digest = match Digest::parse(reference) {
            Ok(expected) => expected.verifier().digest_of(&bytes),
            Err(_) => Digest::sha256_of(&bytes),
        };
        Ok(FetchedManifest { bytes, media_type, digest })
    }

    async fn send_manifest_get(
        &self,
        repository: &str,
        reference: &str,
        scope: &str,
    ) -> Result<Response, RegistryError> {
        let url = self.url(&format!("v2/{repository}/manifests/{reference}")).await?;
        self.send(Call::new(Method::GET, url, scope).headers(accept_manifests())).await
    }

    /// The digest a tag points at, asked with `HEAD` (which Docker Hub does not count against
    /// its pull limit); `None` when the registry does not say (no `Docker-Content-Digest`, a
    /// `HEAD` it refuses, a manifest it does not have): the caller then fetches it.
    pub(crate) async fn head_manifest(
        &self,
        repository: &str,
        reference: &str,
    ) -> Result<Option<Digest>, RegistryError> {
        let url = self.url(&format!("v2/{repository}/manifests/{reference}")).await?;
        let scope = pull_scope(repository);
        let response = self.send(Call::new(Method::HEAD, url, &scope).headers(accept_manifests())).await?;
        if !response.status().is_success() {
            return Ok(None);
        }
        Ok(content_digest(&response))
    }

    /// What a `HEAD` says of a manifest: its media type, digest and size (`None` where the
    /// registry leaves one out or refuses the `HEAD`: the caller then fetches the manifest).
    pub(crate) async fn describe_manifest(
        &self,
        repository: &str,
        reference: &str,
    ) -> Result<Option<Described>, RegistryError> {
        let url = self.url(&format!("v2/{repository}/manifests/{reference}")).await?;
        let scope = pull_scope(repository);
        let response = self.send(Call::new(Method::HEAD, url, &scope).headers(accept_manifests())).await?;
        if !response.status().is_success() {
            return Ok(None);
        }
        let header = |name: reqwest::header::HeaderName| {
            response.headers().get(name).and_then(|value| value.to_str().ok()).map(str::to_string)
        };
        let media_type =
            header(CONTENT_TYPE).map(|value| value.split(';').next().unwrap_or_default().trim().to_string());
        let size = header(CONTENT_LENGTH).and_then(|value| value.trim().parse::<u64>().ok());
        Ok(match (media_type, content_digest(&response), size) {
            (Some(media_type), Some(digest), Some(size)) if !media_type.is_empty() => {
                Some(Described { media_type, digest, size })
            }
            _ => None,
        })
    }

    /// Whether the repository has a manifest, by digest: `HEAD`, or `GET` where the registry
    /// refuses `HEAD` (405) or answers it 403 for a manifest it lacks (Artifactory).
    pub(crate) async fn has_manifest(&self, repository: &str, digest: &Digest) -> Result<bool, RegistryError> {
        let url = self.url(&format!("v2/{repository}/manifests/{digest}")).await?;
        let scope = push_scope(repository);
        let response = self.send(Call::new(Method::HEAD, url, &scope).headers(accept_manifests())).await?;
        match response.status() {
            status if status.is_success() => return Ok(true),
            StatusCode::NOT_FOUND => return Ok(false),
            StatusCode::METHOD_NOT_ALLOWED | StatusCode::FORBIDDEN => {}
            _ => return Err(self.failure(response, "HEAD").await),
        }
        let response = self.send_manifest_get(repository, digest.as_str(), &scope).await?;
        match response.status() {
            status if status.is_success() => Ok(true),
            StatusCode::NOT_FOUND => Ok(false),
            _ => Err(self.failure(response, "GET").await),
        }
    }

    /// Puts a manifest, byte for byte, under `reference` (a tag or its digest); returns the
    /// digest the registry reports, if it reports one.
    pub(crate) async fn put_manifest(
        &self,
        repository: &str,
        reference: &str,
        media_type: &str,
        bytes: Vec<u8>,
    ) -> Result<Option<Digest>, RegistryError> {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, super::uploads::header_value(media_type)?);
        let url = self.url(&format!("v2/{repository}/manifests/{reference}")).await?;
        let scope = push_scope(repository);
        let body = move || Ok(Body::from(bytes.clone()));
        let response = self.call(Call::new(Method::PUT, url, &scope).headers(headers).body(&body)).await?;
        Ok(content_digest(&response))
    }

    /// Deletes a manifest by digest; a registry that does not allow deletes says so.
    pub(crate) async fn delete_manifest(&self, repository: &str, digest: &Digest) -> Result<(), RegistryError> {
        let url = self.url(&format!("v2/{repository}/manifests/{digest}")).await?;
        let scopes = ["delete", "pull,push", "*"].map(|actions| format!("repository:{repository}:{actions}"));
        let mut refused = None;
        for scope in &scopes {
            let response = match self.send(Call::new(Method::DELETE, url.clone(), scope)).await {
                Ok(response) => response,
                // No token for this scope (Quay's token service cannot read `delete`): the next.
                Err(err @ (RegistryError::Unauthorized { .. } | RegistryError::TokenRefused { .. })) => {
                    refused = Some(err);
                    continue;
                }
                Err(err) => return Err(err),
            };
            match response.status() {
                status if status.is_success() => return Ok(()),
                StatusCode::METHOD_NOT_ALLOWED => {
                    return Err(RegistryError::Protocol {
                        registry: self.registry().into(),
                        reason: "the registry does not allow deletes (for distribution: storage.delete.enabled)".into(),
                    });
                }
                // The token service refused this scope, or granted too little: try the next.
                StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
                    refused = Some(self.failure(response, "DELETE").await);
                }
                _ => return Err(self.failure(response, "DELETE").await),
            }
        }
        Err(refused.unwrap_or_else(|| RegistryError::Unauthorized {
            registry: self.registry().into(),
            message: "the registry refused the delete".into(),
        }))
    }
}

/// `Docker-Content-Digest`, when the registry sends a valid one.
fn content_digest(response: &Response) -> Option<Digest> {
    let value = response.headers().get("docker-content-digest")?.to_str().ok()?;
    Digest::parse(value.trim()).ok()
}

async fn not_found(response: Response, repository: &str, reference: &str, registry: &str) -> RegistryError {
    let body = read_limited(response, MAX_ERROR_BODY, registry, "an error").await.unwrap_or_default();
    RegistryError::NotFound {
        what: format!("manifest for {repository}:{reference}"),
        message: answer::error_message(&body, StatusCode::NOT_FOUND),
    }
}
