//! The push side of the API: blob existence, cross-repository mounts, uploads (monolithic for
//! small blobs, chunked `PATCH` for large ones, resumed from the registry's offset after a
//! broken connection), and manifests.

use std::fs::File;
use std::io::{Seek, SeekFrom};
use std::path::Path;

use reqwest::header::{CONTENT_LENGTH, CONTENT_RANGE, CONTENT_TYPE, HeaderMap, HeaderValue, LOCATION, RANGE};
use reqwest::{Body, Method, Response, StatusCode, Url};

use super::client::{NoBody, error_message, read_limited};
use super::transport::is_transient;
use super::{RegistryClient, RegistryError};
use crate::digest::Digest;

/// Blobs up to this size go up in one request; larger ones in chunks that can resume.
pub const MONOLITHIC_LIMIT: u64 = 32 * 1024 * 1024;
/// The chunk size of chunked uploads, unless the registry asks for more.
const CHUNK_SIZE: u64 = 32 * 1024 * 1024;
/// How often a chunked upload resumes after a broken connection.
const UPLOAD_ATTEMPTS: u32 = 5;

pub fn push_scope(repository: &str) -> String {
    format!("repository:{repository}:pull,push")
}

/// Where an upload stands: the URL of its session, and what the registry already has.
struct Session {
    location: Url,
    offset: u64,
    min_chunk: u64,
}

/// How a chunked upload ended.
enum Chunks {
    Complete,
    SessionLost,
}

pub enum Mounted {
    Yes,
    /// The registry declined the mount and opened an upload instead.
    No,
}

impl RegistryClient {
    /// Whether the repository has the blob (`HEAD`).
    pub async fn has_blob(&self, repository: &str, digest: &Digest) -> Result<bool, RegistryError> {
        let path = format!("v2/{repository}/blobs/{digest}");
        let response = self.request(Method::HEAD, &path, &push_scope(repository), HeaderMap::new()).await?;
        match response.status() {
            status if status.is_success() => Ok(true),
            StatusCode::NOT_FOUND => Ok(false),
            _ => Err(self.failure(response, "HEAD").await),
        }
    }

    /// Asks the registry to mount a blob it holds in `from` into `repository`.
    pub async fn mount_blob(&self, repository: &str, digest: &Digest, from: &str) -> Result<Mounted, RegistryError> {
        let path = format!("v2/{repository}/blobs/uploads/?mount={digest}&from={from}");
        let scope = format!("{} repository:{from}:pull", push_scope(repository));
        let response = self.request(Method::POST, &path, &scope, HeaderMap::new()).await?;
        match response.status() {
            StatusCode::CREATED => Ok(Mounted::Yes),
            StatusCode::ACCEPTED => {
                // An upload session the registry opened instead; hoist starts its own.
                if let Ok(session) = self.session(&response) {
                    let _ = self
                        .request_url(
                            Method::DELETE,
                            session.location,
                            &push_scope(repository),
                            HeaderMap::new(),
                            None::<&NoBody>,
                        )
                        .await;
                }
                Ok(Mounted::No)
            }
            _ => Err(self.failure(response, "POST").await),
        }
    }

    /// Uploads the blob stored at `path`.
    pub async fn upload_blob(
        &self,
        repository: &str,
        digest: &Digest,
        path: &Path,
        size: u64,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<(), RegistryError> {
        let scope = push_scope(repository);
        let mut restarts = 0;
        loop {
            let mut session = self.start_upload(repository, &scope).await?;
            if size <= MONOLITHIC_LIMIT {
                let body = move || body_from(path, 0, size);
                self.finish_upload(session.location, digest, &scope, Some((body, size))).await?;
                progress(size);
                return Ok(());
            }
            match self.upload_chunks(&mut session, path, size, &scope, progress).await? {
                Chunks::Complete => {
                    return self.finish_upload(session.location, digest, &scope, None::<(NoBody, u64)>).await;
                }
                // The registry dropped the session (distribution does when a chunk landed but
                // its answer was lost): only a new session can go on.
                Chunks::SessionLost if restarts < UPLOAD_ATTEMPTS => {
                    restarts += 1;
                    self.transport().debug(&format!("upload session of {digest} lost; starting a new one"));
                }
                Chunks::SessionLost => {
                    return Err(RegistryError::Protocol {
                        registry: self.registry().into(),
                        reason: format!("the upload of {digest} kept failing"),
                    });
                }
            }
        }
    }

    async fn start_upload(&self, repository: &str, scope: &str) -> Result<Session, RegistryError> {
        let response =
            self.request(Method::POST, &format!("v2/{repository}/blobs/uploads/"), scope, HeaderMap::new()).await?;
        if response.status() != StatusCode::ACCEPTED {
            return Err(self.failure(response, "POST").await);
        }
        self.session(&response)
    }

    /// Sends the blob in chunks from the session's offset. After a broken connection or a
    /// transient answer it asks the registry how much it kept and goes on from there, so no
    /// acknowledged byte is sent twice.
    async fn upload_chunks(
        &self,
        session: &mut Session,
        path: &Path,
        size: u64,
        scope: &str,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<Chunks, RegistryError> {
        let mut failures = 0;
        while session.offset < size {
            let length = CHUNK_SIZE.max(session.min_chunk).min(size - session.offset);
            let start = session.offset;
            let mut headers = HeaderMap::new();
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/octet-stream"));
            headers.insert(CONTENT_RANGE, header_value(&format!("{start}-{}", start + length - 1))?);
            headers.insert(CONTENT_LENGTH, header_value(&length.to_string())?);
            let body = || body_from(path, start, length);
            let result = self.request_url(Method::PATCH, session.location.clone(), scope, headers, Some(&body)).await;
            let retry = match result {
                Ok(response) if response.status() == StatusCode::ACCEPTED => {
                    let next = self.session(&response)?;
                    *session = Session { offset: next.offset.max(start + length), ..next };
                    progress(session.offset);
                    false
                }
                Ok(response)
                    if response.status() == StatusCode::RANGE_NOT_SATISFIABLE || is_transient(response.status()) =>
                {
                    true
                }
                Ok(response) => return Err(self.failure(response, "PATCH").await),
                Err(RegistryError::Connect { .. } | RegistryError::Transfer { .. }) => true,
                Err(err) => return Err(err),
            };
            if retry {
                failures += 1;
                if failures > UPLOAD_ATTEMPTS {
                    return Err(RegistryError::Protocol {
                        registry: self.registry().into(),
                        reason: format!("the upload kept failing at {start} of {size} bytes"),
                    });
                }
                self.transport()
                    .debug(&format!("upload broke at {start} of {size} bytes; asking the registry where to resume"));
                tokio::time::sleep(std::time::Duration::from_millis(100 * u64::from(failures))).await;
                if !self.refresh_offset(session, scope).await? {
                    return Ok(Chunks::SessionLost);
                }
            }
        }
        Ok(Chunks::Complete)
    }

    /// `GET` on the session: the registry's `Range` says how much it has. `false` when the
    /// registry no longer knows the session.
    async fn refresh_offset(&self, session: &mut Session, scope: &str) -> Result<bool, RegistryError> {
        let response =
            self.request_url(Method::GET, session.location.clone(), scope, HeaderMap::new(), None::<&NoBody>).await?;
        match response.status() {
            StatusCode::NO_CONTENT => {
                let min_chunk = session.min_chunk;
                *session = Session { min_chunk, ..self.session(&response)? };
                Ok(true)
            }
            StatusCode::NOT_FOUND | StatusCode::BAD_REQUEST => Ok(false),
            _ => Err(self.failure(response, "GET").await),
        }
    }

    async fn finish_upload<F: Fn() -> Result<Body, RegistryError>>(
        &self,
        mut location: Url,
        digest: &Digest,
        scope: &str,
        body: Option<(F, u64)>,
    ) -> Result<(), RegistryError> {
        location.query_pairs_mut().append_pair("digest", digest.as_str());
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/octet-stream"));
        headers.insert(CONTENT_LENGTH, header_value(&body.as_ref().map_or(0, |(_, size)| *size).to_string())?);
        let response = match &body {
            Some((make, _)) => self.request_url(Method::PUT, location, scope, headers, Some(make)).await?,
            None => self.request_url(Method::PUT, location, scope, headers, None::<&NoBody>).await?,
        };
        if response.status() != StatusCode::CREATED {
            return Err(self.failure(response, "PUT").await);
        }
        Ok(())
    }

    /// Puts a manifest, byte for byte, under `reference` (a tag or its digest); returns the
    /// digest the registry reports.
    pub async fn put_manifest(
        &self,
        repository: &str,
        reference: &str,
        media_type: &str,
        bytes: Vec<u8>,
    ) -> Result<Option<String>, RegistryError> {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, header_value(media_type)?);
        let url = self.url(&format!("v2/{repository}/manifests/{reference}")).await?;
        let body = move || Ok(Body::from(bytes.clone()));
        let response = self.request_url(Method::PUT, url, &push_scope(repository), headers, Some(&body)).await?;
        if response.status() != StatusCode::CREATED {
            return Err(self.failure(response, "PUT").await);
        }
        Ok(response.headers().get("docker-content-digest").and_then(|value| value.to_str().ok()).map(str::to_string))
    }

    fn session(&self, response: &Response) -> Result<Session, RegistryError> {
        let bad = |reason: &str| RegistryError::Protocol { registry: self.registry().into(), reason: reason.into() };
        let location = response
            .headers()
            .get(LOCATION)
            .and_then(|value| value.to_str().ok())
            .ok_or_else(|| bad("an upload answer has no Location"))?;
        let location = response.url().join(location).map_err(|_| bad("an upload Location is not a URL"))?;
        if let Some(reason) = super::safe_url::refuse_reason(self.registry(), &location) {
            return Err(RegistryError::UnsafeUrl {
                registry: self.registry().into(),
                url: super::safe_url::display(&location),
                reason,
            });
        }
        // `Range: 0-N` means N+1 bytes are there; no Range means none. distribution also says
        // `0-0` for an empty session, so that is read as none (a resent byte costs nothing).
        let offset = response
            .headers()
            .get(RANGE)
            .and_then(|value| value.to_str().ok())
            .and_then(|range| range.rsplit('-').next()?.trim().parse::<u64>().ok())
            .map_or(0, |last| if last == 0 { 0 } else { last + 1 });
        let min_chunk = response
            .headers()
            .get("oci-chunk-min-length")
            .and_then(|value| value.to_str().ok()?.parse().ok())
            .unwrap_or(0);
        Ok(Session { location, offset, min_chunk })
    }

    async fn failure(&self, response: Response, method: &str) -> RegistryError {
        let status = response.status();
        let url = super::safe_url::display(response.url());
        let body = read_limited(response, 64 * 1024, self.registry(), "an error").await.unwrap_or_default();
        let message = error_message(&body, status);
        match status {
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
                RegistryError::Unauthorized { registry: self.registry().into(), message }
            }
            _ => RegistryError::Status { method: method.into(), url, status: status.as_u16(), message },
        }
    }
}

/// A streaming body of `length` bytes of the file at `path` from `start`; memory stays
/// bounded. Each body opens the file anew, so that no two bodies share a file position.
fn body_from(path: &Path, start: u64, length: u64) -> Result<Body, RegistryError> {
    let setup = |err: std::io::Error| RegistryError::Setup {
        registry: String::new(),
        reason: format!("cannot read {}: {err}", path.display()),
    };
    let mut file = File::open(path).map_err(setup)?;
    file.seek(SeekFrom::Start(start)).map_err(setup)?;
    let reader = tokio::io::AsyncReadExt::take(tokio::fs::File::from_std(file), length);
    Ok(Body::wrap_stream(tokio_util::io::ReaderStream::with_capacity(reader, 256 * 1024)))
}

fn header_value(text: &str) -> Result<HeaderValue, RegistryError> {
    HeaderValue::from_str(text).map_err(|_| RegistryError::Protocol {
        registry: String::new(),
        reason: format!("{text:?} is not a valid header"),
    })
}

impl RegistryClient {
    /// Whether the repository has a manifest (`HEAD`), by digest or tag.
    pub async fn has_manifest(&self, repository: &str, reference: &Digest) -> Result<bool, RegistryError> {
        let mut headers = HeaderMap::new();
        headers.insert(reqwest::header::ACCEPT, HeaderValue::from_static(super::client::MANIFEST_ACCEPT));
        let path = format!("v2/{repository}/manifests/{reference}");
        let response = self.request(Method::HEAD, &path, &push_scope(repository), headers).await?;
        match response.status() {
            status if status.is_success() => Ok(true),
            StatusCode::NOT_FOUND => Ok(false),
            _ => Err(self.failure(response, "HEAD").await),
        }
    }
}

impl RegistryClient {
    /// Uploads a blob whose bytes arrive as `body` (another registry's download), in one
    /// request: a stream cannot be sent twice, so a failure is the caller's to retry whole.
    pub async fn upload_stream(
        &self,
        repository: &str,
        digest: &Digest,
        size: u64,
        body: Body,
    ) -> Result<(), RegistryError> {
        let scope = push_scope(repository);
        let response =
            self.request(Method::POST, &format!("v2/{repository}/blobs/uploads/"), &scope, HeaderMap::new()).await?;
        if response.status() != StatusCode::ACCEPTED {
            return Err(self.failure(response, "POST").await);
        }
        let session = self.session(&response)?;
        let once = std::sync::Mutex::new(Some(body));
        let make = move || {
            once.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).take().ok_or_else(|| RegistryError::Protocol {
                registry: self.registry().into(),
                reason: "the upload was interrupted and a streamed body cannot be sent again".into(),
            })
        };
        self.finish_upload(session.location, digest, &scope, Some((make, size))).await
    }

    /// Deletes a manifest by digest; a registry that does not allow deletes says so.
    pub async fn delete_manifest(&self, repository: &str, digest: &Digest) -> Result<(), RegistryError> {
        let path = format!("v2/{repository}/manifests/{digest}");
        let scope = format!("repository:{repository}:delete");
        let response = self.request(Method::DELETE, &path, &scope, HeaderMap::new()).await?;
        match response.status() {
            StatusCode::ACCEPTED | StatusCode::OK | StatusCode::NO_CONTENT => Ok(()),
            StatusCode::METHOD_NOT_ALLOWED => Err(RegistryError::Protocol {
                registry: self.registry().into(),
                reason: "the registry does not allow deletes (for distribution: storage.delete.enabled)".into(),
            }),
            _ => Err(self.failure(response, "DELETE").await),
        }
    }
}
