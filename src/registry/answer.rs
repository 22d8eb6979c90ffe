//! What a registry's answer means when it is not a success: the one place a status and a body
//! become a [`RegistryError`], with the registry's own words, and rate limits named as such
//! (SPEC §3: `Retry-After`, `RateLimit-*`, GHCR's `retry-after` in the body, 403 rate limits).
//! Also the one bounded body reader every small answer goes through.

use reqwest::header::HeaderMap;
use reqwest::{Response, StatusCode};

use super::{RegistryError, safe_url};

/// The most of an error body hoist reads.
pub(super) const MAX_ERROR_BODY: usize = 64 * 1024;

/// Turns a failed answer into the error it stands for.
pub(super) async fn failure(response: Response, registry: &str, method: &str) -> RegistryError {
    let status = response.status();
    let url = safe_url::SafeUrl::new(response.url());
    let limits = RateLimit::from_headers(response.headers());
    let body = read_limited(response, MAX_ERROR_BODY, registry, "an error").await.unwrap_or_default();
    let message = error_message(&body, status);
    if status == StatusCode::TOO_MANY_REQUESTS || (status == StatusCode::FORBIDDEN && is_rate_limit(&message)) {
        let limits = Box::new(limits.with_body(&String::from_utf8_lossy(&body)));
        return RegistryError::RateLimited { registry: registry.into(), status: status.as_u16(), message, limits };
    }
    match status {
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
            RegistryError::Unauthorized { registry: registry.into(), message }
        }
        _ => RegistryError::Status { method: method.into(), url, status: status.as_u16(), message },
    }
}

/// A 403 that is a rate limit, not a refusal of the credentials (GHCR's secondary limit,
/// Docker Hub's `toomanyrequests`).
fn is_rate_limit(message: &str) -> bool {
    let lower = message.to_ascii_lowercase();
    lower.contains("rate limit") || lower.contains("toomanyrequests")
}

/// When to try again and what remains, as far as the registry said.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct RateLimit {
    /// `Retry-After` seconds, or the wait GHCR writes into its body.
    pub retry_after: Option<String>,
    /// `RateLimit-Remaining` / `RateLimit-Limit` (Docker Hub: `N;w=SECONDS`).
    pub remaining: Option<String>,
    pub limit: Option<String>,
}

impl RateLimit {
    pub(crate) fn from_headers(headers: &HeaderMap) -> RateLimit {
        let text = |name: &str| headers.get(name).and_then(|value| value.to_str().ok()).map(str::trim);
        RateLimit {
            retry_after: text("retry-after").map(|seconds| format!("{seconds} s")),
            remaining: text("ratelimit-remaining").map(str::to_string),
            limit: text("ratelimit-limit").map(str::to_string),
        }
    }

    /// GHCR says `toomanyrequests: retry-after: 1.16676ms, allowed: 2000/minute` in the body.
    fn with_body(self, body: &str) -> RateLimit {
        if self.retry_after.is_some() {
            return self;
        }
        let lower = body.to_ascii_lowercase();
        let retry_after = lower.find("retry-after:").map(|at| {
            let rest = &body[at + "retry-after:".len()..];
            rest.trim_start().chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '.').collect::<String>()
        });
        RateLimit { retry_after: retry_after.filter(|wait| !wait.is_empty()), ..self }
    }

    /// `; try again in 60 s; 0 of 100 left (window 21600 s)`, or nothing when nothing is known.
    pub(crate) fn describe(&self) -> String {
        let mut text = String::new();
        if let Some(wait) = &self.retry_after {
            text += &format!("; try again in {wait}");
        }
        let count = |value: &str| value.split(';').next().unwrap_or(value).trim().to_string();
        let window = |value: &str| value.split(';').find_map(|part| part.trim().strip_prefix("w=").map(str::to_string));
        match (&self.remaining, &self.limit) {
            (Some(remaining), Some(limit)) => {
                text += &format!("; {} of {} requests left", count(remaining), count(limit));
                if let Some(seconds) = window(limit).or_else(|| window(remaining)) {
                    text += &format!(" per {seconds} s");
                }
            }
            (Some(remaining), None) => text += &format!("; {} requests left", count(remaining)),
            _ => {}
        }
        text
    }
}

/// Reads a body, refusing more than `limit` bytes, whatever the headers claim.
pub(super) async fn read_limited(
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
    while let Some(chunk) = response.chunk().await.map_err(|source| RegistryError::transfer(registry, what, source))? {
        if body.len() + chunk.len() > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// The registry's own message (`code: message` from its JSON errors), or the status and the
/// first line of a body that is not JSON.
pub(super) fn error_message(body: &[u8], status: StatusCode) -> String {
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

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    #[test]
    fn shows_the_registry_message() {
        let body = br#"{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{}}]}"#;
        assert_eq!(error_message(body, StatusCode::NOT_FOUND), "manifest_unknown: manifest unknown");
        assert_eq!(error_message(b"<html>\nBad gateway</html>", StatusCode::BAD_GATEWAY), "502 Bad Gateway: <html>");
        assert_eq!(error_message(b"", StatusCode::SERVICE_UNAVAILABLE), "503 Service Unavailable");
    }

    #[test]
    fn rate_limits_say_when_and_what_remains() {
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", HeaderValue::from_static("60"));
        headers.insert("ratelimit-limit", HeaderValue::from_static("100;w=21600"));
        headers.insert("ratelimit-remaining", HeaderValue::from_static("0;w=21600"));
        let hub = RateLimit::from_headers(&headers);
        assert_eq!(hub.describe(), "; try again in 60 s; 0 of 100 requests left per 21600 s");
        let ghcr = RateLimit::default().with_body(
            r#"{"errors":[{"code":"TOOMANYREQUESTS","message":"retry-after: 1.16676ms, allowed: 2000/minute"}]}"#,
        );
        assert_eq!(ghcr.describe(), "; try again in 1.16676ms");
        assert_eq!(RateLimit::default().describe(), "");
        assert!(is_rate_limit("denied: You have exceeded a secondary rate limit"));
        assert!(!is_rate_limit("denied: requested access to the resource is denied"));
    }
}
