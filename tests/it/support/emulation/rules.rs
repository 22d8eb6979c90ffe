//! The behaviours registries show on the wire, each small and on its own, so that a registry's
//! emulation is a list of them ([`super::Mode::behaviours`]). A behaviour may answer a request
//! in place of the registry ([`Behaviour::on_request`]), rewrite the request before it goes on,
//! or rewrite the registry's response ([`Behaviour::on_response`]); the token endpoint's
//! behaviours are applied by [`super::token`]. Where each fact comes from is said at the mode
//! that uses it ([`super::Mode`]).

use std::collections::HashMap;

use serde_json::Value;

use super::message::{Answer, Request, Response};

/// One thing a registry does its own way.
#[derive(Clone, Debug, PartialEq)]
pub enum Behaviour {
    /// A `PATCH` with `Content-Range` whose body is larger than `limit` → 416 (GHCR: 4 MiB).
    RangedPatchLimit { limit: u64 },
    /// Any `PATCH` with `Content-Range` → 400: monolithic uploads only (GAR).
    MonolithicOnly,
    /// A `PUT` declaring a body larger than `limit` → 413 (ACR: ~20 MB).
    PutBodyLimit { limit: u64 },
    /// A ranged `PATCH` needs a bare `START-END` range and a `Content-Length` (ACR).
    StrictRangedPatch,
    /// `PATCH` answered 201 instead of 202 (ECR).
    PatchCreated,
    /// The `Range` of every `PATCH` answer stays at the first chunk's (ECR).
    StuckRange,
    /// Every upload part but the last must hold at least `bytes` (ECR: 5 MiB).
    MinimumPart { bytes: u64 },
    /// A tag list asked with `n` above `max` → 400 (ECR: 1000).
    TagPageLimit { max: u64 },
    /// Tag lists come in pages of `n` (sorted), and the `last=` cursor of the next page's
    /// `Link` is an opaque token, not a tag; an unknown one → 400 (ECR). The emulation pages
    /// itself: Debian's distribution 2.8 answers every tag whatever `n` says.
    OpaqueCursors,
    /// No `Docker-Content-Digest` on manifest responses (ECR, gcr.io, Red Hat).
    NoManifestDigest,
    /// A mount `POST ?mount=&from=` is never fulfilled: the registry opens a session (202).
    MountOpensSession,
    /// A mount from a repository of another project → `401 project X not found` (Harbor).
    MountAcrossProjectsRefused,
    /// Upload `Location`s say `http://` although the client came over HTTPS (Harbor behind a
    /// TLS-terminating proxy).
    PlainHttpLocation,
    /// Upload `Location`s name another host, `http://HOST:PORT` (blob storage elsewhere).
    UploadsElsewhere { host: String },
    /// Requests go to the registry with this `Authorization`, whatever the client sent: a
    /// storage host that takes uploads by their URL, as a presigned URL would be.
    Presigned { authorization: String },
    /// `HEAD` of a missing manifest → 403 instead of 404 (Artifactory).
    MissingManifestHeadForbidden,
    /// Tag lists hold these entries beside the tags (Artifactory: digests and `_uploads`;
    /// Nexus: `null`).
    TagListExtras { extras: Vec<Value> },
    /// An anonymous `GET /v2/` is answered 200 with no challenge (Nexus).
    OpenPing,
    /// A 401 carries `WWW-Authenticate` only on `/v2/` (gcr.io, Red Hat).
    ChallengeOnlyOnPing,
    /// The blob `PUT` that completes an upload is answered `status`, not 201.
    BlobPutStatus(u16),
    /// Manifest `HEAD` → 405.
    ManifestHeadNotAllowed,
    /// `Location` headers are relative (`/v2/...`).
    RelativeLocation,
    /// Every registry response carries `Warning: 299 - "TEXT"`.
    Warning(String),
    /// Docker Hub's pull quota: each manifest `GET` (not `HEAD`) counts; manifest responses
    /// carry `ratelimit-limit: LIMIT;w=WINDOW` and `ratelimit-remaining: N;w=WINDOW`; once
    /// spent, manifest `GET`s → 429 with `Retry-After`.
    PullQuota { limit: u32, window: u32, retry_after: u32 },
    /// The first `requests` registry requests (not the ping) are answered as rate-limited.
    Throttle { requests: usize, kind: Throttle },
    /// The token endpoint refuses a scope holding `action` with 400 (Quay: `delete`).
    RefuseScopeAction(&'static str),
    /// The token endpoint leaves these actions out of the tokens it issues (GitLab: `delete`,
    /// and `*` for a user who is not an administrator).
    DropScopeActions(Vec<&'static str>),
    /// `push` also allows deleting (Quay, GitLab): the token asked with `push` carries `delete`.
    PushGrantsDelete,
    /// The OAuth2 `POST` to the token endpoint → `status` (ACR 400, Artifactory 401, GCR 404).
    OAuthPost { status: u16 },
    /// Token answers hold `access_token` alone: no `token`, `expires_in`, `issued_at`.
    OnlyAccessToken,
    /// Token answers say `expires_in: seconds` (Docker Hub: 300).
    TokenLifetime { seconds: u64 },
}

/// The rate limit a [`Behaviour::Throttle`] answers with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Throttle {
    /// GHCR's 429, the wait in the body only.
    TooManyRequests,
    /// GHCR's 403 "secondary rate limit".
    SecondaryRateLimit,
}

/// GHCR's 429 message (ocx-sh/ocx#237, chainguard-images/images#173).
pub const GHCR_RETRY_MESSAGE: &str = "retry-after: 10.487765ms, allowed: 2000/minute";

/// What an emulation remembers between requests.
#[derive(Debug, Default)]
pub struct State {
    /// Registry requests answered so far (for [`Behaviour::Throttle`]).
    pub throttled: usize,
    /// Manifest `GET`s counted against [`Behaviour::PullQuota`].
    pub pulls: u32,
    /// Upload sessions by ID.
    pub sessions: HashMap<String, Session>,
    /// Tags behind the opaque cursors handed out, by cursor number.
    pub cursors: Vec<String>,
}

/// What an emulation knows of one upload session.
#[derive(Debug, Default)]
pub struct Session {
    /// The `Range` of the first `PATCH` answer ([`Behaviour::StuckRange`]).
    pub first_range: Option<String>,
    /// Whether a part smaller than the minimum was taken ([`Behaviour::MinimumPart`]).
    pub short_part: bool,
}

/// What behaviours need to know about the emulation itself.
pub struct Context<'a> {
    /// `http` or `https`.
    pub scheme: &'a str,
    /// `HOST:PORT` of the emulation.
    pub authority: &'a str,
}

impl Context<'_> {
    /// The realm of the token endpoint the emulation serves.
    pub fn realm(&self) -> String {
        format!("{}://{}{}", self.scheme, self.authority, super::TOKEN_PATH)
    }
}

impl Behaviour {
    /// Answers `request` in place of the registry, or rewrites it; `None` lets it go on.
    pub fn on_request(&self, request: &mut Request, state: &mut State, context: &Context) -> Option<Answer> {
        match self {
            Behaviour::RangedPatchLimit { limit } => ranged_patch_limit(request, *limit),
            Behaviour::MonolithicOnly => monolithic_only(request),
            Behaviour::PutBodyLimit { limit } => put_body_limit(request, *limit),
            Behaviour::StrictRangedPatch => strict_ranged_patch(request),
            Behaviour::MinimumPart { .. } => part_after_short_part(request, state),
            Behaviour::TagPageLimit { max } => tag_page_limit(request, *max),
            Behaviour::OpaqueCursors => resolve_cursor(request, state),
            Behaviour::MountOpensSession => {
                if is_mount(request) {
                    request.set_param("mount", None);
                    request.set_param("from", None);
                }
                None
            }
            Behaviour::MountAcrossProjectsRefused => mount_across_projects(request, context),
            Behaviour::Presigned { authorization } => {
                request.set_header("Authorization", authorization);
                None
            }
            Behaviour::OpenPing => open_ping(request),
            Behaviour::ManifestHeadNotAllowed => (request.is("HEAD") && request.is_manifest())
                .then(|| Response::error(405, "UNSUPPORTED", "The operation is unsupported.")),
            Behaviour::PullQuota { limit, window, retry_after } => {
                spend_pull(request, state, *limit, *window, *retry_after)
            }
            Behaviour::Throttle { requests, kind } => throttle(request, state, *requests, *kind),
            _ => None,
        }
    }

    /// Whether this behaviour needs the registry's response body in hand.
    pub fn wants_body(&self, request: &Request) -> bool {
        match self {
            Behaviour::TagListExtras { .. } | Behaviour::OpaqueCursors => request.is_tag_list(),
            // A 204 must go without a body: the front rewrites the framing.
            Behaviour::BlobPutStatus(_) => is_blob_put(request),
            _ => false,
        }
    }

    /// Rewrites the registry's response to `request`; `sent` is how many body bytes the client sent.
    pub fn on_response(&self, request: &Request, response: &mut Response, state: &mut State, sent: u64) {
        let ok = (200..300).contains(&response.status);
        match self {
            Behaviour::PatchCreated if request.is("PATCH") && response.status == 202 => response.status = 201,
            Behaviour::StuckRange if request.is("PATCH") && ok => stick_range(request, response, state),
            Behaviour::MinimumPart { bytes } if request.is("PATCH") && ok => {
                let session = request.upload_session().unwrap_or_default().to_string();
                state.sessions.entry(session).or_default().short_part |= sent < *bytes;
            }
            Behaviour::OpaqueCursors if request.is_tag_list() && response.status == 200 => {
                paginate_tags(request, response, state);
            }
            Behaviour::NoManifestDigest if request.is_manifest() => response.remove_header("Docker-Content-Digest"),
            Behaviour::PlainHttpLocation => rewrite_location(response, |url| url.replacen("https://", "http://", 1)),
            Behaviour::UploadsElsewhere { host } => {
                rewrite_location(response, |url| match url.contains("/blobs/uploads/") {
                    true => format!("http://{host}{}", path_of(url)),
                    false => url.to_string(),
                })
            }
            Behaviour::RelativeLocation => rewrite_location(response, |url| path_of(url).to_string()),
            Behaviour::MissingManifestHeadForbidden
                if request.is("HEAD") && request.is_manifest() && response.status == 404 =>
            {
                response.status = 403;
            }
            Behaviour::TagListExtras { extras } if request.is_tag_list() && response.status == 200 => {
                add_tags(response, extras);
            }
            Behaviour::ChallengeOnlyOnPing if response.status == 401 && !request.is_ping() => {
                response.remove_header("WWW-Authenticate");
            }
            Behaviour::BlobPutStatus(status) if is_blob_put(request) && response.status == 201 => {
                response.status = *status;
            }
            Behaviour::Warning(text) => response.headers.push(("Warning".into(), format!("299 - \"{text}\""))),
            Behaviour::PullQuota { limit, window, .. } if request.is_manifest() => {
                rate_limit_headers(response, limit.saturating_sub(state.pulls), *limit, *window);
            }
            _ => {}
        }
    }
}

fn is_mount(request: &Request) -> bool {
    request.is("POST") && request.is_upload() && request.param("mount").is_some()
}

fn is_blob_put(request: &Request) -> bool {
    request.is("PUT") && request.upload_session().is_some()
}

/// The path and query of an absolute URL (a relative one as it is).
fn path_of(url: &str) -> &str {
    match url.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("/", |slash| &rest[slash..]),
        None => url,
    }
}

fn rewrite_location(response: &mut Response, rewrite: impl Fn(&str) -> String) {
    if let Some(location) = response.header("location").map(&rewrite) {
        response.set_header("Location", &location);
    }
}

fn ranged_patch_limit(request: &Request, limit: u64) -> Option<Answer> {
    let ranged = request.is("PATCH") && request.header("content-range").is_some();
    let length = request.declared_length().or(request.range_length()).unwrap_or(u64::MAX);
    (ranged && length > limit).then(|| {
        Response::error(
            416,
            "REQUESTED_RANGE_NOT_SATISFIABLE",
            "the request body is too large and exceeds the maximum permissible limit of 4.00MiB",
        )
    })
}

fn monolithic_only(request: &Request) -> Option<Answer> {
    (request.is("PATCH") && request.header("content-range").is_some()).then(|| {
        Response::error(
            400,
            "UNSUPPORTED",
            "Artifact Registry does not support Docker chunked uploads: you must use monolithic uploads",
        )
    })
}

fn put_body_limit(request: &Request, limit: u64) -> Option<Answer> {
    let too_large = request.is("PUT") && request.declared_length().is_some_and(|length| length > limit);
    too_large.then(|| {
        let page = "<html>\r\n<head><title>413 Request Entity Too Large</title></head>\r\n<body>\r\n\
                    <center><h1>413 Request Entity Too Large</h1></center>\r\n</body>\r\n</html>\r\n";
        Response::with_body(413, "text/html", page.as_bytes())
    })
}

fn strict_ranged_patch(request: &Request) -> Option<Answer> {
    let range = request.header("content-range").filter(|_| request.is("PATCH"))?;
    let bare = range.split_once('-').is_some_and(|(start, end)| {
        [start, end].iter().all(|part| !part.is_empty() && part.bytes().all(|byte| byte.is_ascii_digit()))
    });
    if !bare {
        return Some(Response::error(400, "RANGE_INVALID", &format!("invalid content range: {range}")));
    }
    request
        .declared_length()
        .is_none()
        .then(|| Response::error(400, "CONTENT_LENGTH_INVALID", "a chunk needs its Content-Length"))
}

/// A part (or the closing `PUT` with data) after a part below the minimum: that one was not
/// the last part.
fn part_after_short_part(request: &Request, state: &State) -> Option<Answer> {
    let session = state.sessions.get(request.upload_session()?)?;
    let streamed = request.header("transfer-encoding").is_some_and(|value| value.contains("chunked"));
    let carries_data = request.is("PATCH") || (request.is("PUT") && (request.declared_length() > Some(0) || streamed));
    (session.short_part && carries_data).then(|| {
        Response::error(400, "BLOB_UPLOAD_INVALID", "layer part size must be at least 5 MiB, except the last part")
    })
}

fn tag_page_limit(request: &Request, max: u64) -> Option<Answer> {
    let asked = request.param("n").and_then(|n| n.parse::<u64>().ok()).filter(|_| request.is_tag_list())?;
    (asked > max).then(|| {
        Response::error(
            400,
            "PAGINATION_NUMBER_INVALID",
            &format!("Invalid parameter at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to {max}"),
        )
    })
}

const CURSOR_PREFIX: &str = "ukeLCP";

/// Maps an opaque cursor back to the tag the registry understands; anything else is refused.
fn resolve_cursor(request: &mut Request, state: &State) -> Option<Answer> {
    let last = request.param("last").filter(|_| request.is_tag_list())?;
    let tag = last
        .strip_prefix(CURSOR_PREFIX)
        .and_then(|number| number.parse::<usize>().ok())
        .and_then(|number| state.cursors.get(number));
    match tag {
        Some(tag) => {
            let tag = tag.clone();
            request.set_param("last", Some(&tag));
            None
        }
        None => Some(Response::error(400, "PAGINATION_TOKEN_INVALID", "Invalid parameter: nextToken")),
    }
}

/// Cuts the tag list to the page asked for (`n` tags after `last`, in order), with a `Link`
/// to the next page whose cursor is a new opaque token.
fn paginate_tags(request: &Request, response: &mut Response, state: &mut State) {
    let Some(body) = &response.body else { return };
    let Ok(mut list) = serde_json::from_slice::<Value>(body) else { return };
    let Some(tags) = list.get_mut("tags").and_then(Value::as_array_mut) else { return };
    let mut all: Vec<String> = tags.iter().filter_map(|tag| tag.as_str().map(str::to_string)).collect();
    all.sort();
    let after = request.param("last");
    all.retain(|tag| after.as_ref().is_none_or(|last| tag > last));
    let size = request.param("n").and_then(|n| n.parse::<usize>().ok()).filter(|n| *n > 0).unwrap_or(all.len());
    response.remove_header("Link");
    if all.len() > size {
        state.cursors.push(all[size - 1].clone());
        let cursor = format!("{CURSOR_PREFIX}{}", state.cursors.len() - 1);
        response.set_header("Link", &format!("<{}?n={size}&last={cursor}>; rel=\"next\"", request.path()));
        all.truncate(size);
    }
    *tags = all.into_iter().map(Value::from).collect();
    response.body = Some(list.to_string().into_bytes());
}

fn stick_range(request: &Request, response: &mut Response, state: &mut State) {
    let session = state.sessions.entry(request.upload_session().unwrap_or_default().to_string()).or_default();
    let range = response.header("range").map(str::to_string);
    match (&session.first_range, range) {
        (None, range) => session.first_range = range,
        (Some(first), Some(_)) => response.set_header("Range", first),
        (Some(_), None) => {}
    }
}

fn mount_across_projects(request: &Request, context: &Context) -> Option<Answer> {
    let from = request.param("from").filter(|_| is_mount(request))?;
    let project = |name: &str| name.split('/').next().unwrap_or_default().to_string();
    if project(&from) == project(request.repository().unwrap_or_default()) {
        return None;
    }
    let mut answer = Response::error(401, "UNAUTHORIZED", &format!("project {} not found", project(&from)));
    let challenge = format!(
        r#"Bearer realm="{}",service="{}",scope="repository:{from}:pull",error="insufficient_scope""#,
        context.realm(),
        crate::support::token::SERVICE
    );
    answer.set_header("WWW-Authenticate", &challenge);
    Some(answer)
}

fn open_ping(request: &Request) -> Option<Answer> {
    (request.is_ping() && request.header("authorization").is_none()).then(|| {
        let mut answer = Response::with_body(200, "application/json", b"{}");
        answer.set_header("Docker-Distribution-Api-Version", "registry/2.0");
        answer
    })
}

fn add_tags(response: &mut Response, extras: &[Value]) {
    let Some(body) = &response.body else { return };
    let Ok(mut list) = serde_json::from_slice::<Value>(body) else { return };
    if let Some(tags) = list.get_mut("tags").and_then(Value::as_array_mut) {
        // Some before the tags, some after, as a registry's own ordering would mix them.
        let (before, after) = extras.split_at(extras.len() / 2);
        tags.splice(0..0, before.iter().cloned());
        tags.extend(after.iter().cloned());
    }
    response.body = Some(list.to_string().into_bytes());
}

fn spend_pull(request: &Request, state: &mut State, limit: u32, window: u32, retry_after: u32) -> Option<Answer> {
    if !(request.is("GET") && request.is_manifest()) {
        return None;
    }
    if state.pulls < limit {
        state.pulls += 1;
        return None;
    }
    let mut answer = Response::error(
        429,
        "TOOMANYREQUESTS",
        "You have reached your unauthenticated pull rate limit. https://www.docker.com/increase-rate-limit",
    );
    answer.set_header("Retry-After", &retry_after.to_string());
    rate_limit_headers(&mut answer, 0, limit, window);
    Some(answer)
}

fn rate_limit_headers(response: &mut Response, remaining: u32, limit: u32, window: u32) {
    response.set_header("ratelimit-limit", &format!("{limit};w={window}"));
    response.set_header("ratelimit-remaining", &format!("{remaining};w={window}"));
    response.set_header("docker-ratelimit-source", "127.0.0.1");
}

fn throttle(request: &Request, state: &mut State, requests: usize, kind: Throttle) -> Option<Answer> {
    if request.is_ping() || request.is_token() || state.throttled >= requests {
        return None;
    }
    state.throttled += 1;
    Some(match kind {
        Throttle::TooManyRequests => Response::error(429, "TOOMANYREQUESTS", GHCR_RETRY_MESSAGE),
        Throttle::SecondaryRateLimit => Response::error(
            403,
            "DENIED",
            "permission_denied: Error from intermediary with HTTP status code 403 \"Forbidden\" - with-body: \
             {\"message\": \"You have exceeded a secondary rate limit. Please wait a few minutes before you try again.\"}",
        ),
    })
}
