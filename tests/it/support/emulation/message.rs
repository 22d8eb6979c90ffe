//! The request and response an emulation holds while it applies its behaviours: heads that can
//! be rewritten, a response body only when a behaviour needs it, and answers made in place of
//! the registry.

use serde_json::json;

/// A request's head as the emulation forwards it (behaviours may rewrite it).
#[derive(Clone, Debug)]
pub struct Request {
    pub method: String,
    /// Path and query.
    pub target: String,
    pub headers: Vec<(String, String)>,
}

/// A response's head, and its body when a behaviour asked for it (`None`: streamed as is).
#[derive(Clone, Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Option<Vec<u8>>,
}

/// What the emulation answers in place of the registry.
pub type Answer = Response;

/// The header called `name` (any case).
fn find<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)).map(|(_, value)| value.as_str())
}

fn set(headers: &mut Vec<(String, String)>, name: &str, value: &str) {
    headers.retain(|(key, _)| !key.eq_ignore_ascii_case(name));
    headers.push((name.to_string(), value.to_string()));
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        find(&self.headers, name)
    }

    pub fn set_header(&mut self, name: &str, value: &str) {
        set(&mut self.headers, name, value);
    }

    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or_default()
    }

    /// The query, undecoded.
    pub fn query(&self) -> &str {
        self.target.split_once('?').map_or("", |(_, query)| query)
    }

    /// The query parameter `name`, decoded.
    pub fn param(&self, name: &str) -> Option<String> {
        form_urlencoded::parse(self.query().as_bytes()).find(|(key, _)| key == name).map(|(_, value)| value.into())
    }

    /// Replaces (or, with `None`, removes) the query parameter `name`.
    pub fn set_param(&mut self, name: &str, value: Option<&str>) {
        let mut pairs: Vec<(String, String)> =
            form_urlencoded::parse(self.query().as_bytes()).into_owned().filter(|(key, _)| key != name).collect();
        if let Some(value) = value {
            pairs.push((name.to_string(), value.to_string()));
        }
        let query = form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish();
        let path = self.path().to_string();
        self.target = if query.is_empty() { path } else { format!("{path}?{query}") };
    }

    pub fn is(&self, method: &str) -> bool {
        self.method == method
    }

    /// `GET /v2/`, the ping (the "API version check").
    pub fn is_ping(&self) -> bool {
        matches!(self.path(), "/v2/" | "/v2")
    }

    /// A request to the token endpoint the emulation serves.
    pub fn is_token(&self) -> bool {
        self.path() == super::TOKEN_PATH
    }

    pub fn is_manifest(&self) -> bool {
        self.path().contains("/manifests/")
    }

    pub fn is_tag_list(&self) -> bool {
        self.path().ends_with("/tags/list")
    }

    /// A request to `/v2/NAME/blobs/uploads/` or to one upload session under it.
    pub fn is_upload(&self) -> bool {
        self.path().contains("/blobs/uploads/")
    }

    /// The session ID of a request to an upload session (`/v2/NAME/blobs/uploads/ID`).
    pub fn upload_session(&self) -> Option<&str> {
        let (_, session) = self.path().split_once("/blobs/uploads/")?;
        (!session.is_empty()).then_some(session)
    }

    /// The repository a `/v2/NAME/...` request is about.
    pub fn repository(&self) -> Option<&str> {
        let rest = self.path().strip_prefix("/v2/")?;
        ["/manifests/", "/blobs/", "/tags/"].iter().find_map(|part| rest.split_once(part).map(|(name, _)| name))
    }

    /// The `Content-Length` the client declared.
    pub fn declared_length(&self) -> Option<u64> {
        self.header("content-length").and_then(|value| value.trim().parse().ok())
    }

    /// The body size a `Content-Range: START-END` declares (inclusive end), with or without a
    /// `bytes` prefix.
    pub fn range_length(&self) -> Option<u64> {
        let value = self.header("content-range")?;
        let range = value.trim_start_matches("bytes").trim_start_matches(['=', ' ']);
        let (start, end) = range.split('/').next()?.split_once('-')?;
        let (start, end): (u64, u64) = (start.trim().parse().ok()?, end.trim().parse().ok()?);
        end.checked_sub(start).map(|difference| difference + 1)
    }
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        find(&self.headers, name)
    }

    pub fn set_header(&mut self, name: &str, value: &str) {
        set(&mut self.headers, name, value);
    }

    pub fn remove_header(&mut self, name: &str) {
        self.headers.retain(|(key, _)| !key.eq_ignore_ascii_case(name));
    }

    /// An answer with a body of `content_type`.
    pub fn with_body(status: u16, content_type: &str, body: &[u8]) -> Answer {
        let headers = vec![("Content-Type".to_string(), content_type.to_string())];
        Response { status, headers, body: Some(body.to_vec()) }
    }

    /// An answer in the registries' JSON error form, `{"errors":[{"code":..,"message":..}]}`.
    pub fn error(status: u16, code: &str, message: &str) -> Answer {
        let body = json!({"errors": [{"code": code, "message": message, "detail": null}]}).to_string();
        Response::with_body(status, "application/json; charset=utf-8", body.as_bytes())
    }

    /// The status line's reason phrase.
    pub fn reason(&self) -> &'static str {
        match self.status {
            200 => "OK",
            201 => "Created",
            202 => "Accepted",
            204 => "No Content",
            206 => "Partial Content",
            307 => "Temporary Redirect",
            400 => "Bad Request",
            401 => "Unauthorized",
            403 => "Forbidden",
            404 => "Not Found",
            405 => "Method Not Allowed",
            413 => "Request Entity Too Large",
            416 => "Requested Range Not Satisfiable",
            429 => "Too Many Requests",
            _ => "Emulated",
        }
    }
}
