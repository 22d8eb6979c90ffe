//! Blob uploads, the way docker and containerd send them, taking what every registry does
//! (SPEC §3 "Every registry"):
//!
//! - `POST` opens a session; then the whole blob goes up in one streamed request: a `PUT
//!   ?digest=` with the body for a blob up to [`MONOLITHIC_LIMIT`], else one `PATCH` without
//!   `Content-Range` and an empty `PUT ?digest=` (docker's way; also for every blob of a
//!   registry that refused a `PUT` with a body, as container-registry does). Memory stays
//!   flat at any size.
//! - Ranged chunks only where the registry asks for them (`OCI-Chunk-Min-Length`) or to resume
//!   an interrupted upload from the offset the registry reports, so no acknowledged byte is
//!   sent twice.
//! - A registry that refuses a body as too large (413: ACR above ~20 MB; 416: GHCR's 4 MiB on a
//!   ranged `PATCH`) gets smaller chunks; one that refuses ranged chunks (400: GAR) gets the
//!   blob in one request, in a new session.
//! - Every 2xx is success: `PATCH` 201 (ECR) or 202, `PUT` 200/201/202/204; a `Range` that
//!   lags behind what was acknowledged (ECR) is not believed.
//! - An upload `Location` is resolved against the answer (relative ones are common); a plain
//!   `http://` one on the HTTPS registry's own host (Harbor behind a TLS proxy) is used over
//!   HTTPS; one on another host gets no credentials ([`RegistryClient::send`]), and none over
//!   plain HTTP after HTTPS at all.

use std::fs::File;
use std::io::{Seek, SeekFrom};
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use reqwest::header::{CONTENT_LENGTH, CONTENT_RANGE, CONTENT_TYPE, HeaderMap, HeaderValue, LOCATION, RANGE};
use reqwest::{Body, Method, Response, StatusCode, Url};
use tokio::io::{AsyncRead, ReadBuf};

use super::client::{Call, RegistryClient};
use super::transport::is_transient;
use super::{RegistryError, push_scope, safe_url};
use crate::digest::Digest;

/// A new blob up to this size goes up in one `PUT` after the `POST`.
pub(crate) const MONOLITHIC_LIMIT: u64 = 32 * 1024 * 1024;
/// The size of ranged chunks, until a registry refuses them as too large.
const CHUNK_SIZE: u64 = 32 * 1024 * 1024;
/// Chunks are never halved below this.
const MIN_CHUNK: u64 = 1024 * 1024;
/// How often an upload goes on after a broken connection or a transient answer.
const UPLOAD_ATTEMPTS: u32 = 5;
/// How often an upload changes its way of sending before it gives up.
const MAX_REPLANS: u32 = 8;

/// Called with how many bytes of the blob have gone up (counted from its start).
pub(crate) type Progress = Arc<dyn Fn(u64) + Send + Sync>;

/// An upload session: its URL, and how much of the blob the registry has.
pub(crate) struct Session {
    location: Url,
    offset: u64,
    min_chunk: u64,
}

/// How the rest of a blob goes up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Plan {
    /// One `PUT ?digest=` with the whole blob: the fewest requests.
    Monolithic,
    /// One `PATCH` without `Content-Range`, then an empty `PUT ?digest=`: docker's way, which
    /// every registry takes (container-registry refuses a `PUT` with a body).
    Stream,
    /// Ranged `PATCH`es of at most this many bytes.
    Chunks(u64),
}

impl Plan {
    fn describe(self) -> String {
        match self {
            Plan::Monolithic => "the blob in one PUT".into(),
            Plan::Stream => "the blob in one PATCH".into(),
            Plan::Chunks(size) => format!("chunks of {size} bytes"),
        }
    }
}

/// What one request of an upload came to.
enum Step {
    Done,
    Advanced,
    /// The registry refused the way the bytes were sent (`length` bytes from `start`).
    Refused {
        response: Response,
        method: &'static str,
        start: u64,
        length: u64,
    },
    /// A broken connection or a transient answer: ask the registry where it stands.
    Broken(RegistryError),
}

/// One blob on its way up.
struct Upload<'a> {
    client: &'a RegistryClient,
    scope: String,
    repository: &'a str,
    digest: &'a Digest,
    path: &'a Path,
    size: u64,
    progress: Progress,
}

impl RegistryClient {
    /// Uploads the blob stored at `path`, in `session` when a declined mount opened one.
    pub(crate) async fn upload_blob(
        &self,
        repository: &str,
        digest: &Digest,
        (path, size): (&Path, u64),
        session: Option<Session>,
        progress: Progress,
    ) -> Result<(), RegistryError> {
        let upload = Upload { client: self, scope: push_scope(repository), repository, digest, path, size, progress };
        upload.run(session).await
    }

    /// Uploads a blob whose bytes arrive as `body` (another registry's download), in one
    /// request: a stream cannot be sent twice, so a failure is the caller's to retry whole.
    pub(crate) async fn upload_stream(
        &self,
        repository: &str,
        digest: &Digest,
        size: u64,
        body: Body,
    ) -> Result<(), RegistryError> {
        let scope = push_scope(repository);
        let session = self.open_upload(repository, &scope).await?;
        let once = std::sync::Mutex::new(Some(body));
        let make = move || {
            once.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).take().ok_or_else(|| RegistryError::Protocol {
                registry: self.registry().into(),
                reason: "the upload was interrupted and a streamed body cannot be sent again".into(),
            })
        };
        let call = Call::new(Method::PUT, digest_url(&session.location, digest), &scope)
            .headers(octet_stream(size, None)?)
            .body(&make)
            .once();
        self.call(call).await.map(drop)
    }

    /// Opens an upload session (`POST`), for a blob that may then go up in it.
    pub(crate) async fn start_upload(&self, repository: &str) -> Result<Session, RegistryError> {
        self.open_upload(repository, &push_scope(repository)).await
    }

    /// Gives an upload session up (`DELETE`): the blob turned out to be there already.
    pub(crate) async fn cancel_upload(&self, repository: &str, session: Session) {
        let scope = push_scope(repository);
        let _ = self.send(Call::new(Method::DELETE, session.location, &scope)).await;
    }

    async fn open_upload(&self, repository: &str, scope: &str) -> Result<Session, RegistryError> {
        let url = self.url(&format!("v2/{repository}/blobs/uploads/")).await?;
        let response = self.call(Call::new(Method::POST, url, scope)).await?;
        self.session(&response)
    }

    /// The session an answer describes: `Location` (resolved, checked, upgraded to HTTPS on
    /// the registry's own host), `Range`, `OCI-Chunk-Min-Length`.
    pub(super) fn session(&self, response: &Response) -> Result<Session, RegistryError> {
        let location = response
            .headers()
            .get(LOCATION)
            .and_then(|value| value.to_str().ok())
            .ok_or_else(|| self.protocol("an upload answer has no Location"))?;
        let location = response.url().join(location).map_err(|_| self.protocol("an upload Location is not a URL"))?;
        let location = self.upload_location(location)?;
        let min_chunk = response
            .headers()
            .get("oci-chunk-min-length")
            .and_then(|value| value.to_str().ok()?.parse().ok())
            .unwrap_or(0);
        Ok(Session { location, offset: reported_offset(response).unwrap_or(0), min_chunk })
    }

    fn upload_location(&self, mut location: Url) -> Result<Url, RegistryError> {
        let refuse = |url: &Url, reason: String| RegistryError::UnsafeUrl {
            registry: self.registry().into(),
            url: safe_url::SafeUrl::new(url),
            reason,
        };
        if let Some(reason) = safe_url::refuse_reason(self.registry(), &location) {
            return Err(refuse(&location, reason));
        }
        let Some(base) = self.known_base() else { return Ok(location) };
        if base.scheme() != "https" || location.scheme() != "http" {
            return Ok(location);
        }
        if location.host_str() != base.host_str() {
            return Err(refuse(&location, "it leaves HTTPS for plain HTTP".into()));
        }
        // The registry's own host behind a TLS proxy that does not say so (Harbor): the same
        // place over HTTPS, where the registry is.
        self.transport().debug(&format!("upload Location {} is plain HTTP; using HTTPS", safe_url::display(&location)));
        let upgraded = location.set_scheme("https").and_then(|()| location.set_port(base.port()));
        upgraded.map_err(|()| refuse(&location, "it cannot be reached over HTTPS".into()))?;
        Ok(location)
    }

    fn protocol(&self, reason: &str) -> RegistryError {
        RegistryError::Protocol { registry: self.registry().into(), reason: reason.into() }
    }
}

impl Upload<'_> {
    async fn run(&self, session: Option<Session>) -> Result<(), RegistryError> {
        let mut session = match session {
            Some(session) => session,
            None => self.client.open_upload(self.repository, &self.scope).await?,
        };
        let mut plan = self.initial_plan(&session);
        let (mut failures, mut replans) = (0, 0);
        loop {
            match self.step(&mut session, plan).await? {
                Step::Done => return Ok(()),
                Step::Advanced => {}
                Step::Refused { response, method, start, length } => {
                    replans += 1;
                    if replans > MAX_REPLANS {
                        return Err(self.client.failure(response, method).await);
                    }
                    plan = self.replan(&mut session, plan, (response, method), start, length).await?;
                }
                Step::Broken(err) => {
                    failures += 1;
                    if failures > UPLOAD_ATTEMPTS {
                        return Err(err);
                    }
                    self.client.transport().debug(&format!(
                        "upload of {} broke at {} of {} bytes ({err}); asking the registry where to resume",
                        self.digest, session.offset, self.size
                    ));
                    tokio::time::sleep(Duration::from_millis(100 * u64::from(failures))).await;
                    plan = self.resume(&mut session, plan).await?;
                }
            }
        }
    }

    /// Sends the next request the plan calls for.
    async fn step(&self, session: &mut Session, plan: Plan) -> Result<Step, RegistryError> {
        if session.offset >= self.size && self.size > 0 {
            return self.finish(session).await; // every byte is there; only the closing PUT is missing
        }
        match plan {
            Plan::Monolithic if session.offset == 0 => self.put_whole(session).await,
            Plan::Monolithic | Plan::Stream => self.patch(session, self.size - session.offset, false).await,
            Plan::Chunks(size) => self.patch(session, size.min(self.size - session.offset), true).await,
        }
    }

    /// `PUT ?digest=` with the whole blob.
    async fn put_whole(&self, session: &Session) -> Result<Step, RegistryError> {
        let body = || body_from(self.path, 0, self.size, Some(self.progress.clone()));
        let call = Call::new(Method::PUT, digest_url(&session.location, self.digest), &self.scope)
            .headers(octet_stream(self.size, None)?)
            .body(&body)
            .once();
        match self.client.send(call).await {
            Ok(response) if response.status().is_success() => Ok(Step::Done),
            Ok(response) if matches!(response.status(), StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN) => {
                Err(self.client.failure(response, "PUT").await)
            }
            // Too large, or a registry that takes no body on `PUT` (container-registry: 500).
            Ok(response) => Ok(Step::Refused { response, method: "PUT", start: 0, length: self.size }),
            Err(err) => broken_or(err),
        }
    }

    /// `PATCH` of `length` bytes from the session's offset, ranged or not; the last one is
    /// followed by the closing `PUT`.
    async fn patch(&self, session: &mut Session, length: u64, ranged: bool) -> Result<Step, RegistryError> {
        let start = session.offset;
        let range = ranged.then(|| format!("{start}-{}", start + length - 1));
        let body = || body_from(self.path, start, length, Some(self.progress.clone()));
        let call = Call::new(Method::PATCH, session.location.clone(), &self.scope)
            .headers(octet_stream(length, range.as_deref())?)
            .body(&body)
            .once();
        let response = match self.client.send(call).await {
            Ok(response) => response,
            Err(err) => return broken_or(err),
        };
        let status = response.status();
        if matches!(status, StatusCode::BAD_REQUEST | StatusCode::PAYLOAD_TOO_LARGE | StatusCode::RANGE_NOT_SATISFIABLE)
        {
            return Ok(Step::Refused { response, method: "PATCH", start, length });
        }
        if !status.is_success() {
            return self.judge(response, "PATCH").await;
        }
        self.advance(session, &response, start + length)?;
        (self.progress)(session.offset);
        if session.offset < self.size {
            return Ok(Step::Advanced);
        }
        self.finish(session).await
    }

    /// What a 2xx `PATCH` says of the session: perhaps a new `Location`; its `Range` is only
    /// believed when it is ahead of what was sent (ECR's stays at the first chunk).
    fn advance(&self, session: &mut Session, response: &Response, sent: u64) -> Result<(), RegistryError> {
        if response.headers().contains_key(LOCATION) {
            let next = self.client.session(response)?;
            session.location = next.location;
        }
        session.offset = reported_offset(response).unwrap_or(0).max(sent);
        Ok(())
    }

    /// The closing `PUT ?digest=` after the last `PATCH`.
    async fn finish(&self, session: &Session) -> Result<Step, RegistryError> {
        let call = Call::new(Method::PUT, digest_url(&session.location, self.digest), &self.scope)
            .headers(octet_stream(0, None)?)
            .once();
        match self.client.send(call).await {
            Ok(response) if response.status().is_success() => Ok(Step::Done),
            Ok(response) => self.judge(response, "PUT").await,
            Err(err) => broken_or(err),
        }
    }

    /// A failed answer: transient ones (and a session the registry forgot) are worth
    /// resuming; the rest are the error.
    async fn judge(&self, response: Response, method: &str) -> Result<Step, RegistryError> {
        let status = response.status();
        let error = self.client.failure(response, method).await;
        if is_transient(status) || status == StatusCode::NOT_FOUND { Ok(Step::Broken(error)) } else { Err(error) }
    }

    /// After a refusal: smaller chunks for a body too large; docker's `PATCH` for a registry
    /// that refuses a `PUT` with a body, or ranged chunks (in a new session); the refusal
    /// itself when nothing else is left.
    async fn replan(
        &self,
        session: &mut Session,
        plan: Plan,
        (response, method): (Response, &str),
        start: u64,
        length: u64,
    ) -> Result<Plan, RegistryError> {
        let status = response.status();
        let alive = self.refresh(session).await?;
        if alive && session.offset != start && status == StatusCode::RANGE_NOT_SATISFIABLE {
            return Ok(plan); // the registry is elsewhere than hoist thought: go on from there
        }
        let next = match (status, plan) {
            (StatusCode::PAYLOAD_TOO_LARGE | StatusCode::RANGE_NOT_SATISFIABLE, _) if length / 2 >= MIN_CHUNK => {
                Plan::Chunks(length.div_ceil(2))
            }
            (StatusCode::BAD_REQUEST | StatusCode::RANGE_NOT_SATISFIABLE, Plan::Chunks(_)) => Plan::Stream,
            (status, Plan::Monolithic) if status != StatusCode::PAYLOAD_TOO_LARGE => {
                self.client.refuses_monolithic_uploads();
                Plan::Stream
            }
            _ => return Err(self.client.failure(response, method).await),
        };
        self.client.transport().debug(&format!(
            "{} refused {length} bytes of {} as sent ({status}); sending {}",
            self.client.registry(),
            self.digest,
            next.describe()
        ));
        if !alive || next == Plan::Stream {
            *session = self.client.open_upload(self.repository, &self.scope).await?;
        }
        Ok(next)
    }

    /// After a break: where the registry stands. A session it kept goes on from its offset in
    /// ranged chunks; a lost one starts again.
    async fn resume(&self, session: &mut Session, plan: Plan) -> Result<Plan, RegistryError> {
        if !self.refresh(session).await? {
            *session = self.client.open_upload(self.repository, &self.scope).await?;
            return Ok(plan);
        }
        Ok(match plan {
            Plan::Monolithic | Plan::Stream if session.offset > 0 => Plan::Chunks(CHUNK_SIZE.max(session.min_chunk)),
            plan => plan,
        })
    }

    /// `GET` on the session: the registry's `Range` says how much it has. `false` when the
    /// registry no longer knows the session.
    async fn refresh(&self, session: &mut Session) -> Result<bool, RegistryError> {
        let call = Call::new(Method::GET, session.location.clone(), &self.scope);
        let response = self.client.send(call).await?;
        match response.status() {
            status if status.is_success() => {
                if response.headers().contains_key(LOCATION) {
                    session.location = self.client.session(&response)?.location;
                }
                session.offset = reported_offset(&response).unwrap_or(0);
                Ok(true)
            }
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => Err(self.client.failure(response, "GET").await),
            // 404 and 400 for a session it forgot; 405 where it cannot say (container-registry).
            status if status.is_client_error() => Ok(false),
            _ => Err(self.client.failure(response, "GET").await),
        }
    }

    /// Ranged chunks where the registry asks for them; else one `PUT` for a small blob (unless
    /// this registry refused one already), one `PATCH` for a large one.
    fn initial_plan(&self, session: &Session) -> Plan {
        if session.min_chunk > 0 && self.size > session.min_chunk {
            Plan::Chunks(CHUNK_SIZE.max(session.min_chunk))
        } else if self.size <= MONOLITHIC_LIMIT && self.client.takes_monolithic_uploads() {
            Plan::Monolithic
        } else {
            Plan::Stream
        }
    }
}

/// Errors a resumed upload can get past: the connection, not the registry's judgement.
fn broken_or(err: RegistryError) -> Result<Step, RegistryError> {
    match err {
        RegistryError::Connect { .. } | RegistryError::NoAnswer { .. } | RegistryError::Transfer { .. } => {
            Ok(Step::Broken(err))
        }
        err => Err(err),
    }
}

/// How many bytes a session's `Range: 0-N` says the registry has (N+1). distribution also
/// says `0-0` for an empty session, so that is read as none (a resent byte costs nothing).
fn reported_offset(response: &Response) -> Option<u64> {
    let range = response.headers().get(RANGE)?.to_str().ok()?;
    let last = range.rsplit('-').next()?.trim().parse::<u64>().ok()?;
    Some(if last == 0 { 0 } else { last + 1 })
}

fn digest_url(location: &Url, digest: &Digest) -> Url {
    let mut url = location.clone();
    url.query_pairs_mut().append_pair("digest", digest.as_str());
    url
}

/// `Content-Type: application/octet-stream`, the length, and a bare `start-end` range (ACR
/// refuses the `bytes=` form).
fn octet_stream(length: u64, range: Option<&str>) -> Result<HeaderMap, RegistryError> {
    let mut headers = HeaderMap::new();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/octet-stream"));
    headers.insert(CONTENT_LENGTH, HeaderValue::from(length));
    if let Some(range) = range {
        headers.insert(CONTENT_RANGE, header_value(range)?);
    }
    Ok(headers)
}

pub(super) fn header_value(text: &str) -> Result<HeaderValue, RegistryError> {
    HeaderValue::from_str(text).map_err(|_| RegistryError::Protocol {
        registry: String::new(),
        reason: format!("{text:?} is not a valid header"),
    })
}

/// A streaming body of `length` bytes of the file at `path` from `start`; memory stays
/// bounded. Each body opens the file anew, so that no two bodies share a file position.
fn body_from(path: &Path, start: u64, length: u64, progress: Option<Progress>) -> Result<Body, RegistryError> {
    let setup = |err: std::io::Error| RegistryError::Setup {
        registry: String::new(),
        reason: format!("cannot read {}: {err}", path.display()),
    };
    let mut file = File::open(path).map_err(setup)?;
    file.seek(SeekFrom::Start(start)).map_err(setup)?;
    let reader = tokio::io::AsyncReadExt::take(tokio::fs::File::from_std(file), length);
    let counted = Counting { inner: reader, done: start, progress };
    Ok(Body::wrap_stream(tokio_util::io::ReaderStream::with_capacity(counted, 256 * 1024)))
}

/// A reader that reports how far into the blob it has read.
struct Counting<R> {
    inner: R,
    done: u64,
    progress: Option<Progress>,
}

impl<R: AsyncRead + Unpin> AsyncRead for Counting<R> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        context: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let poll = Pin::new(&mut self.inner).poll_read(context, buf);
        let read = (buf.filled().len() - before) as u64;
        if read > 0 {
            self.done += read;
            if let Some(progress) = &self.progress {
                progress(self.done);
            }
        }
        poll
    }
}
