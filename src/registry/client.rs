//! One registry as hoist talks to it: where it is (HTTPS, or HTTP for loopback and insecure
//! registries), how it wants to be authenticated, and the one way every API call is sent
//! ([`RegistryClient::send`]). The calls themselves live by resource: `manifests.rs`,
//! `blobs.rs`, `uploads.rs`, `listings.rs`.
//!
//! Credentials only go where they belong (SPEC §3): the `Authorization` of a registry is sent
//! only to URLs of the registry's own origin (scheme, host and port), never to another host an
//! upload `Location` names, never over plain HTTP when the registry is HTTPS.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use reqwest::header::{AUTHORIZATION, CONTENT_LENGTH, HeaderMap, HeaderValue, WWW_AUTHENTICATE};
use reqwest::{Body, Method, Response, StatusCode, Url};
use tokio::sync::OnceCell;

use super::answer;
use super::auth::{self, Challenge, TokenCache};
use super::{RegistryError, Transport};
use crate::credentials::Credentials;

/// Makes the body of one attempt of a request (each attempt needs a body of its own).
pub(crate) type MakeBody<'a> = &'a (dyn Fn() -> Result<Body, RegistryError> + Sync);

/// One API request: sent with the registry's credentials for `scope`, and answered once more
/// after a 401 with a fresh challenge or token.
pub(crate) struct Call<'a> {
    pub method: Method,
    pub url: Url,
    pub scope: &'a str,
    pub headers: HeaderMap,
    pub body: Option<MakeBody<'a>>,
    /// Sent once, not retried on a transient failure: the caller resumes (an upload goes on
    /// from the registry's offset; a stream cannot be sent twice).
    pub once: bool,
}

impl<'a> Call<'a> {
    pub(crate) fn new(method: Method, url: Url, scope: &'a str) -> Self {
        Call { method, url, scope, headers: HeaderMap::new(), body: None, once: false }
    }

    pub(crate) fn headers(self, headers: HeaderMap) -> Self {
        Call { headers, ..self }
    }

    pub(crate) fn body(self, body: MakeBody<'a>) -> Self {
        Call { body: Some(body), ..self }
    }

    pub(crate) fn once(self) -> Self {
        Call { once: true, ..self }
    }
}

pub(crate) struct RegistryClient {
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
    /// Held while a token is fetched, so that transfers starting together ask once per scope.
    token_fetch: tokio::sync::Mutex<()>,
    /// The registry refused a blob `PUT` with a body: later uploads use `PATCH` at once.
    monolithic_refused: AtomicBool,
}

impl RegistryClient {
    /// A client for `registry` (as in a reference), reached at its API host.
    pub(crate) fn new(
        transport: Arc<Transport>,
        registry: &str,
        api_host: &str,
        credentials: Option<Credentials>,
    ) -> Self {
        RegistryClient {
            transport,
            registry: registry.to_string(),
            base: OnceCell::new(),
            configured_base: None,
            host: api_host.to_string(),
            credentials,
            challenge: Mutex::new(None),
            tokens: TokenCache::default(),
            token_fetch: tokio::sync::Mutex::new(()),
            monolithic_refused: AtomicBool::new(false),
        }
    }

    /// A client for a registry mirror at a fixed URL (`registry-mirrors` in `config.toml`).
    pub(crate) fn mirror(transport: Arc<Transport>, url: Url) -> Self {
        let host = super::host_port(&url);
        RegistryClient { configured_base: Some(url), ..RegistryClient::new(transport, &host, &host, None) }
    }

    pub(crate) fn registry(&self) -> &str {
        &self.registry
    }

    pub(crate) fn transport(&self) -> &Transport {
        &self.transport
    }

    /// The API's base URL; found on first use by pinging `/v2/` over HTTPS, then HTTP where allowed.
    pub(super) async fn base(&self) -> Result<&Url, RegistryError> {
        self.base.get_or_try_init(|| self.discover()).await
    }

    async fn discover(&self) -> Result<Url, RegistryError> {
        if let Some(url) = &self.configured_base {
            self.ping(url, super::transport::ATTEMPTS).await?;
            return Ok(url.clone());
        }
        let https = self.parse_base(&format!("https://{}/", self.host))?;
        if !self.transport.may_use_http(&self.host).await {
            return match self.ping(&https, super::transport::ATTEMPTS).await {
                Ok(()) => Ok(https),
                Err(err) if is_plain_http_answer(&err) => {
                    Err(RegistryError::PlainHttp { registry: self.registry.clone(), host: self.host.clone() })
                }
                Err(err) => Err(err),
            };
        }
        // Loopback and insecure registries: HTTPS and plain HTTP are asked at once (one after
        // the other would cost round trips on a far link), and HTTPS wins where it answers.
        let http = self.parse_base(&format!("http://{}/", self.host))?;
        let (over_https, over_http) = self.race(&https, &http).await;
        let https_error = match over_https {
            Ok(()) => return Ok(https),
            Err(err) if err.is_unreachable() => err,
            Err(err) => return Err(err),
        };
        match over_http {
            Some(Ok(())) => Ok(http),
            // 400 is an HTTPS server refusing plain HTTP: the HTTPS failure is the story.
            Some(Err(RegistryError::Status { status: 400, .. })) => Err(https_error),
            Some(Err(err)) => Err(err),
            None => unreachable!("plain HTTP is only left unasked when HTTPS answered"),
        }
    }

    /// A quiet HTTPS probe and a plain-HTTP ping at once; the plain one is not waited for
    /// when HTTPS answers first.
    async fn race(&self, https: &Url, http: &Url) -> (Result<(), RegistryError>, Option<Result<(), RegistryError>>) {
        let over_https = self.ping_with(https, Ping::Probe);
        let over_http = self.ping_with(http, Ping::Attempts(super::transport::ATTEMPTS));
        tokio::pin!(over_https, over_http);
        let mut http_outcome = None;
        loop {
            tokio::select! {
                outcome = &mut over_https => {
                    if outcome.is_ok() {
                        return (outcome, None);
                    }
                    let http = match http_outcome { Some(http) => http, None => over_http.await };
                    return (outcome, Some(http));
                }
                outcome = &mut over_http, if http_outcome.is_none() => http_outcome = Some(outcome),
            }
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
        self.ping_with(base, Ping::Attempts(attempts)).await
    }

    async fn ping_with(&self, base: &Url, how: Ping) -> Result<(), RegistryError> {
        let url = join(base, "v2/")?;
        let client = self.transport.client(&self.host)?;
        let make = || Ok(client.get(url.clone()));
        let response = match how {
            Ping::Attempts(attempts) => self.transport.send_with_attempts(&self.host, attempts, make).await?,
            Ping::Probe => self.transport.probe(&self.host, make).await?,
        };
        self.remember_challenge(&response);
        if response.status().is_success() || response.status() == StatusCode::UNAUTHORIZED {
            Ok(())
        } else {
            Err(answer::failure(response, &self.registry, "GET").await)
        }
    }

    /// Keeps the challenge of a 401; one without `WWW-Authenticate` keeps the one `/v2/` gave.
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
        let mut current = self.challenge.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        match challenge {
            Some(challenge) => *current = Some(challenge),
            // An open `/v2/` and a repository that answers 401 without a challenge (Nexus):
            // the stored credentials, as Basic, are the only thing left to offer.
            None if current.is_none() && self.credentials.is_some() => *current = Some(Challenge::Basic),
            None => {}
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
                let token = match self.tokens.get(scope).filter(|_| !fresh) {
                    Some(token) => token,
                    None => self.single_token(&realm, service.as_deref(), scope, fresh).await?,
                };
                auth::header("Bearer", token.expose()).map(Some)
            }
        }
    }

    /// A token for `scope`, fetched by one transfer while the others wait for it.
    async fn single_token(
        &self,
        realm: &str,
        service: Option<&str>,
        scope: &str,
        fresh: bool,
    ) -> Result<crate::credentials::Secret, RegistryError> {
        let _fetching = self.token_fetch.lock().await;
        match self.tokens.get(scope).filter(|_| !fresh) {
            Some(token) => Ok(token), // another transfer fetched it while this one waited
            None => self.fetch_token(realm, service, scope).await,
        }
    }

    async fn fetch_token(
        &self,
        realm: &str,
        service: Option<&str>,
        scope: &str,
    ) -> Result<crate::credentials::Secret, RegistryError> {
        let realm = auth::Realm { url: realm, service, secure: self.base().await?.scheme() == "https" };
        auth::fetch_token(&self.transport, &self.registry, &realm, scope, self.credentials.as_ref(), &self.tokens).await
    }

    /// The API's base URL, when it is known already.
    pub(super) fn known_base(&self) -> Option<&Url> {
        self.base.get()
    }

    pub(super) fn takes_monolithic_uploads(&self) -> bool {
        !self.monolithic_refused.load(Ordering::Relaxed)
    }

    pub(super) fn refuses_monolithic_uploads(&self) {
        self.monolithic_refused.store(true, Ordering::Relaxed);
    }

    /// Whether this registry's credentials may go to `url`: the registry's own origin only.
    fn owns(&self, url: &Url) -> bool {
        self.base.get().is_some_and(|base| base.origin() == url.origin())
    }

    /// The URL of an API path on this registry.
    pub(crate) async fn url(&self, path: &str) -> Result<Url, RegistryError> {
        join(self.base().await?, path)
    }

    /// Sends a call, with credentials when it goes to this registry; on a 401 it answers the
    /// new challenge (or asks for a fresh token) once.
    pub(crate) async fn send(&self, call: Call<'_>) -> Result<Response, RegistryError> {
        self.base().await?;
        let owned = self.owns(&call.url);
        let mut fresh = false;
        loop {
            let authorization = if owned { self.authorization(call.scope, fresh).await? } else { None };
            let response = self.send_once(&call, authorization.as_ref()).await?;
            if response.status() != StatusCode::UNAUTHORIZED || !owned || fresh {
                return Ok(response);
            }
            let before = self.current_challenge();
            self.remember_challenge(&response);
            let retry = authorization.is_none()
                || before != self.current_challenge()
                || matches!(before, Some(Challenge::Bearer { .. }));
            if !retry {
                return Ok(response);
            }
            fresh = true;
        }
    }

    async fn send_once(&self, call: &Call<'_>, authorization: Option<&HeaderValue>) -> Result<Response, RegistryError> {
        let attempts = if call.once { 1 } else { super::transport::ATTEMPTS };
        let client = self.transport.client(&self.host)?;
        let mut headers = call.headers.clone();
        if call.body.is_none() && matches!(call.method, Method::POST | Method::PUT | Method::PATCH) {
            // Some registries and proxies want a length even on an empty body (Go's client sends one).
            headers.entry(CONTENT_LENGTH).or_insert(HeaderValue::from(0));
        }
        let make = || {
            let mut request = client.request(call.method.clone(), call.url.clone()).headers(headers.clone());
            if let Some(value) = authorization {
                request = request.header(AUTHORIZATION, value.clone());
            }
            if let Some(make_body) = call.body {
                request = request.body(make_body()?);
            }
            Ok(request)
        };
        self.transport.send_with_attempts(&self.host, attempts, make).await
    }

    /// Sends a call to an API path and returns the answer if it is a success; a failure
    /// becomes the error it stands for.
    pub(super) async fn call(&self, call: Call<'_>) -> Result<Response, RegistryError> {
        let method = call.method.clone();
        let response = self.send(call).await?;
        if response.status().is_success() {
            return Ok(response);
        }
        Err(self.failure(response, method.as_str()).await)
    }

    pub(super) async fn failure(&self, response: Response, method: &str) -> RegistryError {
        answer::failure(response, &self.registry, method).await
    }

    /// Checks this client's credentials the way the registry asks: Basic directly, Bearer with
    /// a token request. Returns the identity (refresh) token a token server issued, if any.
    pub(crate) async fn verify_credentials(&self) -> Result<Option<crate::credentials::Secret>, RegistryError> {
        let base = self.base().await?.clone();
        let Some(credentials) = &self.credentials else { return Ok(None) };
        match self.current_challenge() {
            None => Ok(None),
            Some(Challenge::Bearer { realm, service, .. }) => {
                let realm = auth::Realm { url: &realm, service: service.as_deref(), secure: base.scheme() == "https" };
                auth::login_token(&self.transport, &self.registry, &realm, credentials).await
            }
            Some(Challenge::Basic) => {
                let url = join(&base, "v2/")?;
                let response = self.send(Call::new(Method::GET, url, "")).await?;
                if response.status().is_success() { Ok(None) } else { Err(self.failure(response, "GET").await) }
            }
        }
    }
}

/// How `/v2/` is asked.
#[derive(Clone, Copy)]
enum Ping {
    /// With retries, and notices while it waits.
    Attempts(u32),
    /// Once, quietly.
    Probe,
}

/// Whether a TLS handshake failed because the server answered in plain HTTP.
fn is_plain_http_answer(error: &RegistryError) -> bool {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(current) = cause {
        if let Some(rustls::Error::InvalidMessage(rustls::InvalidMessage::InvalidContentType)) =
            current.downcast_ref::<rustls::Error>()
        {
            return true;
        }
        // An io::Error's `source` skips the error it wraps: step into that one instead.
        cause = match current.downcast_ref::<std::io::Error>().and_then(|io| io.get_ref()) {
            Some(wrapped) => Some(wrapped),
            None => current.source(),
        };
    }
    false
}

pub(super) fn join(base: &Url, path: &str) -> Result<Url, RegistryError> {
    base.join(path).map_err(|_| RegistryError::Protocol {
        registry: super::safe_url::display(base),
        reason: format!("bad path {path:?}"),
    })
}
