//! Authentication as the registry's `WWW-Authenticate` challenge asks (SPEC §3): `Basic`, or
//! `Bearer` tokens from the realm — anonymous, with a password (GET), or with an identity
//! token (the OAuth2 POST form) — cached per scope until they expire.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use reqwest::header::{AUTHORIZATION, HeaderValue};
use reqwest::{RequestBuilder, Response, StatusCode, Url};
use serde::Deserialize;

use super::answer::{error_message, read_limited};
use super::{RegistryError, Transport, host_port, safe_url};
use crate::credentials::{Credentials, Secret};

/// A token response larger than this is not a token.
const MAX_TOKEN_RESPONSE: usize = 1024 * 1024;
/// Tokens whose lifetime the server does not say last this long (the distribution spec's default).
const DEFAULT_LIFETIME: u64 = 60;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Challenge {
    Basic,
    Bearer { realm: String, service: Option<String>, scope: Option<String> },
}

/// Parses a `WWW-Authenticate` value: a scheme then `key="value"` parameters (quoted values may
/// hold commas). Unknown schemes are skipped.
pub fn parse_challenge(header: &str) -> Option<Challenge> {
    let header = header.trim();
    let (scheme, rest) = header.split_once(char::is_whitespace).unwrap_or((header, ""));
    let parameters = parse_parameters(rest);
    match scheme.to_ascii_lowercase().as_str() {
        "basic" => Some(Challenge::Basic),
        "bearer" => Some(Challenge::Bearer {
            realm: parameters.get("realm")?.clone(),
            service: parameters.get("service").cloned(),
            scope: parameters.get("scope").cloned(),
        }),
        _ => None,
    }
}

fn parse_parameters(text: &str) -> HashMap<String, String> {
    let mut parameters = HashMap::new();
    let mut chars = text.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| *c == ',' || c.is_whitespace()) {
            chars.next();
        }
        let key: String = chars.by_ref().take_while(|c| *c != '=').collect::<String>().trim().to_ascii_lowercase();
        if key.is_empty() {
            return parameters;
        }
        let mut value = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => value.extend(chars.next()),
                    '"' => break,
                    c => value.push(c),
                }
            }
        } else {
            value = chars.by_ref().take_while(|c| *c != ',').collect::<String>().trim().to_string();
        }
        parameters.insert(key, value);
    }
}

#[derive(Deserialize)]
struct TokenResponse {
    token: Option<String>,
    access_token: Option<String>,
    expires_in: Option<u64>,
    refresh_token: Option<String>,
}

struct CachedToken {
    value: Secret,
    expires: Instant,
}

/// Tokens by scope, for one registry; shared by every request and download of a command.
#[derive(Default)]
pub(super) struct TokenCache {
    tokens: std::sync::Mutex<HashMap<String, CachedToken>>,
}

impl TokenCache {
    pub(super) fn get(&self, scope: &str) -> Option<Secret> {
        let tokens = self.tokens.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        tokens.get(scope).filter(|token| token.expires > Instant::now()).map(|token| token.value.clone())
    }

    fn put(&self, scope: &str, value: Secret, lifetime: u64) {
        // Renew a little early, so that a token does not expire in the middle of a request.
        let expires = Instant::now() + Duration::from_secs(lifetime.saturating_sub(5).max(1));
        let mut tokens = self.tokens.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        tokens.insert(scope.to_string(), CachedToken { value, expires });
    }
}

/// The `Authorization` value for a secret; never logged, since `HeaderValue` is marked sensitive.
pub(super) fn header(scheme: &str, secret: &str) -> Result<HeaderValue, RegistryError> {
    let mut value = HeaderValue::from_str(&format!("{scheme} {secret}")).map_err(|_| RegistryError::Protocol {
        registry: String::new(),
        reason: "a credential is not a valid header".into(),
    })?;
    value.set_sensitive(true);
    Ok(value)
}

pub(super) fn basic(credentials: &Credentials) -> Option<Result<HeaderValue, RegistryError>> {
    let Credentials::Password { username, password } = credentials else { return None };
    Some(basic_header(username, password.expose()))
}

fn basic_header(username: &str, password: &str) -> Result<HeaderValue, RegistryError> {
    use base64::Engine as _;
    header("Basic", &base64::engine::general_purpose::STANDARD.encode(format!("{username}:{password}")))
}

/// Where tokens come from: the challenge's realm and service, and whether the registry is
/// HTTPS (then no credential goes to a plain-HTTP realm).
pub(super) struct Realm<'a> {
    pub url: &'a str,
    pub service: Option<&'a str>,
    pub secure: bool,
}

impl Realm<'_> {
    /// The realm's URL, refused where the registry may not send hoist (or its credentials).
    fn checked_url(&self, registry: &str, with_credentials: bool) -> Result<Url, RegistryError> {
        let url = Url::parse(self.url).map_err(|_| RegistryError::Protocol {
            registry: registry.into(),
            reason: format!("token realm {:?} is not a URL", safe_url::redact(self.url)),
        })?;
        let refuse = |reason: String| RegistryError::UnsafeUrl {
            registry: registry.into(),
            url: safe_url::SafeUrl::new(&url),
            reason,
        };
        if let Some(reason) = safe_url::refuse_reason(registry, &url) {
            return Err(refuse(reason));
        }
        if with_credentials && self.secure && url.scheme() == "http" {
            return Err(refuse("credentials do not go over plain HTTP from an HTTPS registry".into()));
        }
        Ok(url)
    }

    /// The GET form: `?service=..&scope=..[&account=..]`, Basic credentials when there are some.
    fn get(
        &self,
        transport: &Transport,
        url: &Url,
        scopes: &[&str],
        extra: &[(&str, &str)],
        basic: Option<&HeaderValue>,
    ) -> Result<RequestBuilder, RegistryError> {
        let mut url = url.clone();
        {
            let mut query = url.query_pairs_mut();
            if let Some(service) = self.service {
                query.append_pair("service", service);
            }
            // Several scopes (a mount needs two repositories) are separate parameters.
            for scope in scopes.iter().filter(|scope| !scope.is_empty()) {
                query.append_pair("scope", scope);
            }
            query.extend_pairs(extra);
        }
        let request = transport.client(&host_port(&url))?.get(url);
        Ok(match basic {
            Some(value) => request.header(AUTHORIZATION, value.clone()),
            None => request,
        })
    }
}

/// Asks the realm for a token for `scope`, and caches it.
pub(super) async fn fetch_token(
    transport: &Transport,
    registry: &str,
    realm: &Realm<'_>,
    scope: &str,
    credentials: Option<&Credentials>,
    cache: &TokenCache,
) -> Result<Secret, RegistryError> {
    let url = realm.checked_url(registry, credentials.is_some())?;
    let host = host_port(&url);
    let scopes: Vec<&str> = scope.split(' ').collect();
    let response = match credentials {
        Some(Credentials::IdentityToken { username, token }) => {
            let response = transport.send(&host, || refresh_request(transport, realm, &url, token, scope)).await?;
            // Token services that do not take the OAuth2 form (ACR: 400, Artifactory: 401) take
            // the refresh token as a password.
            if !matches!(response.status().as_u16(), 400 | 401 | 404 | 405) {
                response
            } else {
                let basic = basic_header(username, token.expose())?;
                transport.send(&host, || realm.get(transport, &url, &scopes, &[], Some(&basic))).await?
            }
        }
        other => {
            let account: Vec<(&str, &str)> = other.map(|found| ("account", found.username())).into_iter().collect();
            let basic = other.and_then(basic).transpose()?;
            transport.send(&host, || realm.get(transport, &url, &scopes, &account, basic.as_ref())).await?
        }
    };
    let parsed = token_response(response, registry).await?;
    let token = parsed.token.or(parsed.access_token).filter(|token| !token.is_empty()).ok_or_else(|| {
        RegistryError::Protocol { registry: registry.into(), reason: "the token response has no token".into() }
    })?;
    let secret = Secret::new(token);
    cache.put(scope, secret.clone(), parsed.expires_in.unwrap_or(DEFAULT_LIFETIME));
    Ok(secret)
}

/// The OAuth2 refresh form.
fn refresh_request(
    transport: &Transport,
    realm: &Realm<'_>,
    url: &Url,
    token: &Secret,
    scope: &str,
) -> Result<RequestBuilder, RegistryError> {
    let mut form = vec![
        ("grant_type", "refresh_token".to_string()),
        ("refresh_token", token.expose().to_string()),
        ("client_id", "hoist".to_string()),
    ];
    form.extend((!scope.is_empty()).then(|| ("scope", scope.to_string())));
    form.extend(realm.service.map(|service| ("service", service.to_string())));
    Ok(transport
        .client(&host_port(url))?
        .post(url.clone())
        .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(form_body(&form)))
}

/// A token server's answer: the token, or the error it stands for.
async fn token_response(response: Response, registry: &str) -> Result<TokenResponse, RegistryError> {
    let status = response.status();
    let body = read_limited(response, MAX_TOKEN_RESPONSE, registry, "the token response").await?;
    if status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN {
        return Err(RegistryError::Unauthorized { registry: registry.into(), message: error_message(&body, status) });
    }
    if !status.is_success() {
        return Err(RegistryError::TokenRefused {
            registry: registry.into(),
            status: status.as_u16(),
            message: error_message(&body, status),
        });
    }
    serde_json::from_slice(&body).map_err(|err| RegistryError::Protocol {
        registry: registry.into(),
        reason: format!("bad token response: {err}"),
    })
}

/// `docker login` against a token server: asks for a token with the password and an offline
/// (refresh) token, which is returned when the server issues one.
pub(super) async fn login_token(
    transport: &Transport,
    registry: &str,
    realm: &Realm<'_>,
    credentials: &Credentials,
) -> Result<Option<Secret>, RegistryError> {
    let url = realm.checked_url(registry, true)?;
    let basic = basic(credentials).transpose()?;
    let extra = [("account", credentials.username()), ("client_id", "hoist"), ("offline_token", "true")];
    let host = host_port(&url);
    let response = transport.send(&host, || realm.get(transport, &url, &[], &extra, basic.as_ref())).await?;
    let parsed = token_response(response, registry).await?;
    let Some(token) = parsed.refresh_token.filter(|token| !token.is_empty()).map(Secret::new) else {
        return Ok(None);
    };
    // The refresh token is only worth keeping instead of the password where the OAuth2 form
    // that spends it works (ACR answers it 400, gcr.io 404, Artifactory 401).
    let probe = transport.send(&host, || refresh_request(transport, realm, &url, &token, "")).await?;
    if probe.status().is_success() {
        return Ok(Some(token));
    }
    transport.debug(&format!(
        "{registry}'s token server refused the OAuth2 refresh ({}); keeping the password",
        probe.status()
    ));
    Ok(None)
}

fn form_body(pairs: &[(&str, String)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs.iter().map(|(key, value)| (*key, value)))
        .finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_challenges() {
        let cases = [
            ("Basic realm=\"Registry Realm\"", Some(Challenge::Basic)),
            (
                "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\",scope=\"repository:library/ubuntu:pull,push\"",
                Some(Challenge::Bearer {
                    realm: "https://auth.docker.io/token".into(),
                    service: Some("registry.docker.io".into()),
                    scope: Some("repository:library/ubuntu:pull,push".into()),
                }),
            ),
            (
                "bearer realm=https://x/token",
                Some(Challenge::Bearer { realm: "https://x/token".into(), service: None, scope: None }),
            ),
            ("Bearer service=\"x\"", None),
            ("Negotiate abc", None),
            ("", None),
        ];
        for (header, expected) in cases {
            assert_eq!(parse_challenge(header), expected, "{header}");
        }
    }

    #[test]
    fn tokens_expire() {
        let cache = TokenCache::default();
        cache.put("repository:a:pull", Secret::new("t"), 3600);
        assert!(cache.get("repository:a:pull").is_some());
        assert!(cache.get("repository:b:pull").is_none());
        cache.put("repository:c:pull", Secret::new("t"), 0);
        std::thread::sleep(Duration::from_millis(1100));
        assert!(cache.get("repository:c:pull").is_none());
    }
}
