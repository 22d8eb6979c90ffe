//! Blobs on a registry: existence (`HEAD`), download (`GET`, resumed with `Range`), and
//! cross-repository mounts. A mount answered anything but 201 — 202 with an upload session
//! (GAR, ECR), 401 `project not found` (Harbor), 404 — is not a failure: the blob is uploaded
//! instead (SPEC §3).

use reqwest::header::{HeaderMap, RANGE};
use reqwest::{Method, Response, StatusCode};

use super::answer::read_limited;
use super::client::{Call, RegistryClient};
use super::manifests::MAX_MANIFEST_SIZE;
use super::uploads::Session;
use super::{RegistryError, pull_scope, push_scope};
use crate::digest::Digest;

/// How a mount ended.
pub(crate) enum Mounted {
    Yes,
    /// The registry declined; when it opened an upload session instead, here it is.
    No(Option<Session>),
}

impl RegistryClient {
    /// Whether the repository has the blob (`HEAD`).
    pub(crate) async fn has_blob(&self, repository: &str, digest: &Digest) -> Result<bool, RegistryError> {
        let url = self.url(&format!("v2/{repository}/blobs/{digest}")).await?;
        let scope = push_scope(repository);
        let response = self.send(Call::new(Method::HEAD, url, &scope)).await?;
        match response.status() {
            status if status.is_success() => Ok(true),
            StatusCode::NOT_FOUND => Ok(false),
            _ => Err(self.failure(response, "HEAD").await),
        }
    }

    /// Starts a blob download at `offset` (a `Range` request when not 0). The answer is 200
    /// (whole blob) or 206 (the rest); anything else is an error.
    pub(crate) async fn get_blob(
        &self,
        repository: &str,
        digest: &Digest,
        offset: u64,
    ) -> Result<Response, RegistryError> {
        let mut headers = HeaderMap::new();
        if offset > 0 {
            headers.insert(RANGE, super::uploads::header_value(&format!("bytes={offset}-"))?);
        }
        let url = self.url(&format!("v2/{repository}/blobs/{digest}")).await?;
        let scope = pull_scope(repository);
        self.call(Call::new(Method::GET, url, &scope).headers(headers)).await
    }

    /// A small blob (an image config), read whole and checked against its digest.
    pub(crate) async fn get_small_blob(&self, repository: &str, digest: &Digest) -> Result<Vec<u8>, RegistryError> {
        let response = self.get_blob(repository, digest, 0).await?;
        let bytes = read_limited(response, MAX_MANIFEST_SIZE, self.registry(), "a config").await?;
        if digest.verifier().digest_of(&bytes) != *digest {
            return Err(RegistryError::Protocol {
                registry: self.registry().into(),
                reason: format!("the blob it sent for {digest} does not match that digest"),
            });
        }
        Ok(bytes)
    }

    /// Asks the registry to mount a blob it holds in `from` into `repository`.
    pub(crate) async fn mount_blob(
        &self,
        repository: &str,
        digest: &Digest,
        from: &str,
    ) -> Result<Mounted, RegistryError> {
        let url = self.url(&format!("v2/{repository}/blobs/uploads/?mount={digest}&from={from}")).await?;
        let scope = format!("{} repository:{from}:pull", push_scope(repository));
        let response = match self.send(Call::new(Method::POST, url, &scope)).await {
            Ok(response) => response,
            // No token that covers `from`: the blob goes up the ordinary way.
            Err(RegistryError::Unauthorized { message, .. }) => {
                self.transport().debug(&format!("mount of {digest} from {from} refused: {message}"));
                return Ok(Mounted::No(None));
            }
            Err(err) => return Err(err),
        };
        match response.status() {
            StatusCode::CREATED => Ok(Mounted::Yes),
            StatusCode::ACCEPTED => Ok(Mounted::No(self.session(&response).ok())),
            status => {
                self.transport().debug(&format!("mount of {digest} from {from} answered {status}; uploading it"));
                Ok(Mounted::No(None))
            }
        }
    }
}
