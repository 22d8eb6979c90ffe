//! The HTTP transport all registry traffic goes through: one reqwest client per registry host
//! (connections and HTTP/2 reused by every request and every parallel download), TLS roots
//! from the system plus Docker's `certs.d` folders (SPEC §3), HTTPS-then-HTTP for loopback and
//! insecure registries, retries with backoff, and the `--debug` request log, which goes where
//! the command layer's [`Log`] says (the registry layer prints nothing itself).

use std::collections::{HashMap, HashSet};
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::{Client, Request, RequestBuilder, Response, StatusCode, redirect};

use super::RegistryError;
use super::safe_url;
use super::tls::CertFolders;
use crate::config::InsecureEntry;

/// How many times a request is tried in all before a transient failure is final.
pub(super) const ATTEMPTS: u32 = 5;
/// How many times a request that got no answer at all (a connection or a read that timed out)
/// is tried: a registry that accepts connections and never answers fails within
/// `CONNECT_TIMEOUT` (the HTTPS try) + 3 × `READ_TIMEOUT` + the backoffs, about 75 s.
const NO_ANSWER_ATTEMPTS: u32 = 3;
/// The longest `Retry-After` hoist waits for before giving up instead.
const MAX_RETRY_AFTER: u64 = 60;
/// How long a TCP connection and its TLS handshake may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a read may wait for a byte (the answer's head, or the next piece of a body).
const READ_TIMEOUT: Duration = Duration::from_secs(20);
/// How often a request still waiting for its answer says so: no command is silent for longer.
const NOTICE_EVERY: Duration = Duration::from_secs(10);

/// Where the transport's messages go.
pub(crate) trait Log: Send + Sync {
    /// Whether `--debug` lines are wanted (they are not even made otherwise).
    fn debugging(&self) -> bool;
    fn debug(&self, line: &str);
    /// A warning the registry sent (`Warning: 299`), for the person at the terminal.
    fn warning(&self, text: &str);
    /// A request failed for now (`cause`) and is tried again after `wait`, as `attempt` of
    /// `attempts` (docker's `Retrying in N seconds`).
    fn retrying(&self, registry: &str, retry: &Retry);
    /// A request has waited `waited` for its answer so far, and waits on.
    fn waiting(&self, registry: &str, waited: Duration);
}

/// Where a request's attempts stand, for [`Transport::judge`].
#[derive(Clone, Copy)]
struct Tries<'a> {
    registry: &'a str,
    /// The attempt just made, from 1.
    attempt: u32,
    attempts: u32,
    /// How many attempts before it got no answer at all.
    unanswered: u32,
}

/// What an attempt's outcome calls for.
enum Judged {
    /// It stands: the answer, or the error it was.
    AsItIs,
    /// No answer however often asked, after this many attempts.
    NoAnswer(u32),
    /// An error of its own.
    Final(RegistryError),
    /// Another try.
    Retry(Retry),
}

/// A retry about to happen, for [`Log::retrying`].
pub(crate) struct Retry {
    /// The attempt that comes next (2 for the first retry).
    pub attempt: u32,
    pub attempts: u32,
    pub wait: Duration,
    /// Why the last attempt failed, in words for people.
    pub cause: String,
}

pub(crate) struct Transport {
    insecure: Vec<InsecureEntry>,
    cert_folders: Vec<PathBuf>,
    log: Arc<dyn Log>,
    retry_base: Duration,
    /// How long a connection and its TLS handshake may take.
    connect_timeout: Duration,
    /// How long a read may wait for a byte: a registry that stalls is an error, not a hang.
    read_timeout: Duration,
    /// How often a request still waiting for its answer says so.
    notice_every: Duration,
    clients: Mutex<HashMap<String, Client>>,
    /// After a 429, no request leaves before this moment: every transfer of the command slows
    /// down together instead of each hammering the registry.
    calm_until: Mutex<Option<Instant>>,
    /// `Warning` texts already shown: each once.
    warnings_shown: Mutex<HashSet<String>>,
}

impl Transport {
    /// `insecure` are `HOST[:PORT]` from the command line and `config.toml`; `config_dir` holds
    /// hoist's own `certs.d`.
    pub(crate) fn new(insecure: Vec<InsecureEntry>, config_dir: &Path, log: Arc<dyn Log>) -> Transport {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let retry_base = test_millis("HOIST_TEST_RETRY_MS").unwrap_or(Duration::from_millis(500));
        Transport {
            connect_timeout: test_millis("HOIST_TEST_CONNECT_TIMEOUT_MS").unwrap_or(CONNECT_TIMEOUT),
            read_timeout: test_millis("HOIST_TEST_READ_TIMEOUT_MS").unwrap_or(READ_TIMEOUT),
            notice_every: test_millis("HOIST_TEST_NOTICE_MS").unwrap_or(NOTICE_EVERY),
            insecure,
            cert_folders: vec![PathBuf::from("/etc/docker/certs.d"), config_dir.join("certs.d")],
            log,
            retry_base,
            clients: Mutex::new(HashMap::new()),
            calm_until: Mutex::new(None),
            warnings_shown: Mutex::new(HashSet::new()),
        }
    }

    pub(crate) fn is_insecure(&self, host: &str) -> bool {
        self.insecure.iter().any(|entry| entry.matches(host))
    }

    /// Whether plain HTTP may be tried after HTTPS: loopback and insecure registries only. A
    /// name that resolves to loopback addresses alone is loopback, as docker has it (a
    /// tutorial's `dev.docker.local` in `/etc/hosts`).
    pub(crate) async fn may_use_http(&self, host: &str) -> bool {
        let name = host_name(host);
        if name == "localhost" || name.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback()) || self.is_insecure(host) {
            return true;
        }
        if name.parse::<IpAddr>().is_ok() {
            return false;
        }
        match tokio::net::lookup_host((name, 0)).await {
            Ok(addresses) => {
                let addresses: Vec<_> = addresses.collect();
                !addresses.is_empty() && addresses.iter().all(|address| address.ip().is_loopback())
            }
            Err(_) => false,
        }
    }

    /// The client for `host`, built on first use with that host's certificates.
    pub(crate) fn client(&self, host: &str) -> Result<Client, RegistryError> {
        let mut clients = self.clients.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(client) = clients.get(host) {
            return Ok(client.clone());
        }
        let client = self.build_client(host)?;
        clients.insert(host.to_string(), client.clone());
        Ok(client)
    }

    fn build_client(&self, host: &str) -> Result<Client, RegistryError> {
        let setup = |reason: String| RegistryError::Setup { registry: host.to_string(), reason };
        let origin = host.to_string();
        let policy = redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() > 10 {
                return attempt.error("too many redirects");
            }
            let downgrade = attempt.previous().last().is_some_and(|from| from.scheme() == "https")
                && attempt.url().scheme() == "http";
            match safe_url::refuse_reason(&origin, attempt.url()) {
                Some(reason) => attempt.error(reason),
                // reqwest keeps Authorization on the same host and port, whatever the scheme.
                None if downgrade => attempt.error("the redirect leaves HTTPS for plain HTTP"),
                // reqwest drops Authorization when the host or port changes.
                None => attempt.follow(),
            }
        });
        let builder = Client::builder()
            .user_agent(concat!("hoist/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(self.connect_timeout)
            .read_timeout(self.read_timeout)
            .redirect(policy);
        let folders: Vec<PathBuf> = self.cert_folders.iter().map(|folder| folder.join(host)).collect();
        let builder = match CertFolders::read(&folders).map_err(setup)? {
            Some(certificates) => {
                builder.tls_backend_preconfigured(certificates.client_config(self.is_insecure(host)).map_err(setup)?)
            }
            None if self.is_insecure(host) => builder.danger_accept_invalid_certs(true),
            None => builder.tls_backend_preconfigured(super::tls::system_config().map_err(setup)?),
        };
        builder.build().map_err(|err| setup(err.to_string()))
    }

    /// Sends the request `make` builds, retrying connection errors, 408, 429 and 5xx with
    /// backoff. Other answers, errors included, are returned for the caller to judge.
    pub(crate) async fn send(
        &self,
        registry: &str,
        make: impl Fn() -> Result<RequestBuilder, RegistryError>,
    ) -> Result<Response, RegistryError> {
        self.send_with_attempts(registry, ATTEMPTS, make).await
    }

    /// `send` with a given number of attempts.
    pub(crate) async fn send_with_attempts(
        &self,
        registry: &str,
        attempts: u32,
        make: impl Fn() -> Result<RequestBuilder, RegistryError>,
    ) -> Result<Response, RegistryError> {
        self.send_announced(registry, attempts, true, make).await
    }

    /// One quiet attempt: a probe that races another way to the registry, which says what
    /// it waits for itself.
    pub(crate) async fn probe(
        &self,
        registry: &str,
        make: impl Fn() -> Result<RequestBuilder, RegistryError>,
    ) -> Result<Response, RegistryError> {
        self.send_announced(registry, 1, false, make).await
    }

    async fn send_announced(
        &self,
        registry: &str,
        attempts: u32,
        announce: bool,
        make: impl Fn() -> Result<RequestBuilder, RegistryError>,
    ) -> Result<Response, RegistryError> {
        let (mut attempt, mut unanswered) = (1, 0);
        loop {
            let request = make()?
                .build()
                .map_err(|err| RegistryError::Setup { registry: registry.into(), reason: err.to_string() })?;
            let (method, url) = (request.method().clone(), safe_url::display(request.url()));
            let client = self.client(registry)?;
            self.calm_down().await;
            let started = Instant::now();
            let result = self.execute(&client, request, registry, announce).await;
            self.log(&method, &url, &result, started);
            if let Ok(response) = &result {
                self.show_warnings(response);
            }
            let tries = Tries { registry, attempt, attempts, unanswered };
            let retry = match self.judge(&tries, &result) {
                Judged::AsItIs => return result.map_err(|source| RegistryError::connect(registry, source)),
                Judged::NoAnswer(count) => return result.map_err(|source| self.no_answer(registry, count, source)),
                Judged::Final(error) => return Err(error),
                Judged::Retry(retry) => retry,
            };
            unanswered += u32::from(matches!(&result, Err(err) if err.is_timeout()));
            attempt += 1;
            self.log.retrying(registry, &retry);
            tokio::time::sleep(retry.wait).await;
        }
    }

    /// Whether an attempt's outcome is the answer, a final error, or worth another try (and
    /// after how long, and why).
    fn judge(&self, tries: &Tries<'_>, result: &reqwest::Result<Response>) -> Judged {
        let Tries { registry, attempt, attempts, unanswered } = *tries;
        let (wait, cause, shown) = match result {
            Ok(response) if is_transient(response.status()) => {
                let wait = retry_after(response).unwrap_or(self.backoff(attempt));
                if response.status() == StatusCode::TOO_MANY_REQUESTS {
                    self.calm_for(wait);
                }
                (wait, format!("{} answered {}", registry, response.status()), attempts)
            }
            Ok(_) => return Judged::AsItIs,
            Err(err) if err.is_timeout() => {
                let budget = NO_ANSWER_ATTEMPTS.min(attempts);
                if unanswered + 1 >= budget {
                    return Judged::NoAnswer(unanswered + 1);
                }
                (self.backoff(attempt), self.silence(registry), attempt - unanswered - 1 + budget)
            }
            // A name that does not resolve, a TLS handshake refused (a certificate, a plain-HTTP
            // server): a retry meets the same; said at once.
            Err(err) if is_dns_failure(err) => {
                return Judged::Final(RegistryError::Unresolved { registry: registry.into(), reason: innermost(err) });
            }
            Err(err) if !is_tls_failure(err) && (err.is_connect() || err.is_request()) => {
                (self.backoff(attempt), connect_cause(registry, err), attempts)
            }
            Err(_) => return Judged::AsItIs,
        };
        if attempt >= attempts || wait > Duration::from_secs(MAX_RETRY_AFTER) {
            return Judged::AsItIs;
        }
        Judged::Retry(Retry { attempt: attempt + 1, attempts: shown, wait, cause })
    }

    /// Sends one request; while its answer is awaited (not while a streamed body goes up,
    /// whose progress shows), says every `notice_every` that it still waits.
    async fn execute(
        &self,
        client: &Client,
        request: Request,
        registry: &str,
        announce: bool,
    ) -> reqwest::Result<Response> {
        let streamed = request.body().is_some_and(|body| body.as_bytes().is_none());
        let mut call = std::pin::pin!(client.execute(request));
        if streamed || !announce {
            return call.await;
        }
        let mut waited = Duration::ZERO;
        loop {
            match tokio::time::timeout(self.notice_every, &mut call).await {
                Ok(result) => return result,
                Err(_) => {
                    waited += self.notice_every;
                    self.log.waiting(registry, waited);
                }
            }
        }
    }

    /// What a timed-out attempt means, in words.
    fn silence(&self, registry: &str) -> String {
        format!("no answer from {registry} within {}", human_duration(self.read_timeout))
    }

    fn no_answer(&self, registry: &str, attempts: u32, source: reqwest::Error) -> RegistryError {
        let (connect, read) = (human_duration(self.connect_timeout), human_duration(self.read_timeout));
        let waited = if source.is_connect() {
            format!("no connection within {connect}")
        } else {
            format!("no answer within {read}")
        };
        RegistryError::no_answer(registry, format!("{waited}, {attempts} attempt{}", plural(attempts)), source)
    }

    /// Waits while the registry asked everyone to slow down.
    async fn calm_down(&self) {
        let until = *self.calm_until.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(until) = until.filter(|until| *until > Instant::now()) {
            tokio::time::sleep_until(until.into()).await;
        }
    }

    fn calm_for(&self, wait: Duration) {
        let until = Instant::now() + wait.min(Duration::from_secs(MAX_RETRY_AFTER));
        let mut calm = self.calm_until.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        *calm = Some(calm.map_or(until, |current| current.max(until)));
    }

    /// `Warning: 299 - "text"` headers (deprecations, policies) are shown once each, as the
    /// distribution spec asks of clients.
    fn show_warnings(&self, response: &Response) {
        for value in response.headers().get_all(reqwest::header::WARNING).iter().filter_map(|v| v.to_str().ok()) {
            let Some(text) = warning_text(value) else { continue };
            let mut shown = self.warnings_shown.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            if shown.insert(text.clone()) {
                self.log.warning(&text);
            }
        }
    }

    /// How often a wait (for an answer, for the next bytes of a body) is said.
    pub(crate) fn notice_every(&self) -> Duration {
        self.notice_every
    }

    /// How long to wait before attempt `attempt + 1`: doubling from the base (500 ms).
    pub(crate) fn backoff(&self, attempt: u32) -> Duration {
        self.retry_base * 2u32.pow(attempt - 1)
    }

    fn log(&self, method: &reqwest::Method, url: &str, result: &Result<Response, reqwest::Error>, started: Instant) {
        if !self.log.debugging() {
            return;
        }
        let elapsed = started.elapsed().as_millis();
        let outcome = match result {
            Ok(response) => response.status().as_u16().to_string() + &rate_limit_headers(response),
            Err(err) => format!("error: {}", safe_url::describe_error(err)),
        };
        self.log.debug(&format!("{method} {url} {outcome} ({elapsed} ms)"));
    }

    /// Logs a request hoist made outside `send` (a retry inside a stream, say).
    pub(crate) fn debug(&self, message: &str) {
        if self.log.debugging() {
            self.log.debug(message);
        }
    }
}

pub(super) fn is_transient(status: StatusCode) -> bool {
    status == StatusCode::REQUEST_TIMEOUT || status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error()
}

/// `Retry-After` in seconds (the HTTP-date form is treated as "soon").
pub(super) fn retry_after(response: &Response) -> Option<Duration> {
    let value = response.headers().get(reqwest::header::RETRY_AFTER)?.to_str().ok()?;
    Some(Duration::from_secs(value.trim().parse().unwrap_or(1)))
}

/// The text of a `299` warning: `299 - "text"` (the agent may be any token).
fn warning_text(value: &str) -> Option<String> {
    let rest = value.trim().strip_prefix("299")?.trim_start();
    let (_agent, quoted) = rest.split_once(char::is_whitespace)?;
    let text = quoted.trim().strip_prefix('"')?;
    let end = text.rfind('"').unwrap_or(text.len());
    Some(text[..end].replace("\\\"", "\""))
}

/// ` (ratelimit-limit: 100;w=21600, ratelimit-remaining: 76;w=21600)` for `--debug`.
fn rate_limit_headers(response: &Response) -> String {
    let found: Vec<String> = response
        .headers()
        .iter()
        .filter(|(name, _)| name.as_str().starts_with("ratelimit-") || name.as_str().starts_with("x-ratelimit-"))
        .filter_map(|(name, value)| Some(format!("{name}: {}", value.to_str().ok()?)))
        .collect();
    if found.is_empty() { String::new() } else { format!(" ({})", found.join(", ")) }
}

fn host_name(host: &str) -> &str {
    if let Some(rest) = host.strip_prefix('[') {
        return rest.split(']').next().unwrap_or(rest);
    }
    host.split(':').next().unwrap_or(host)
}

/// Whether the host name could not be resolved (reqwest and hyper say `dns error` or `error
/// resolving DNS` on the way to the resolver's own error).
fn is_dns_failure(error: &reqwest::Error) -> bool {
    let mut cause: Option<&dyn std::error::Error> = Some(error);
    while let Some(current) = cause {
        let text = current.to_string().to_ascii_lowercase();
        if text.starts_with("dns error") || text.starts_with("error resolving dns") {
            return true;
        }
        cause = current.source();
    }
    false
}

/// Whether TLS failed: a certificate refused, or a server that does not speak TLS.
fn is_tls_failure(error: &reqwest::Error) -> bool {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(current) = cause {
        if current.downcast_ref::<rustls::Error>().is_some() {
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

/// Why a connection failed, in a few words: the innermost cause (`Connection refused`).
fn connect_cause(registry: &str, error: &reqwest::Error) -> String {
    format!("cannot reach {registry}: {}", innermost(error))
}

/// The innermost cause of an error (`Connection refused`), URLs redacted.
fn innermost(error: &reqwest::Error) -> String {
    let mut cause: &dyn std::error::Error = error;
    while let Some(source) = cause.source() {
        cause = source;
    }
    safe_url::redact(&cause.to_string())
}

/// `20 s`, `1 s`, `300 ms`: a timeout as people read it.
pub(crate) fn human_duration(duration: Duration) -> String {
    if duration >= Duration::from_secs(1) {
        format!("{} s", duration.as_secs())
    } else {
        format!("{} ms", duration.as_millis())
    }
}

/// Whole seconds, rounded up and at least 1, as docker's `Retrying in N seconds` counts them.
pub(crate) fn whole_seconds(duration: Duration) -> u64 {
    (duration.as_secs() + u64::from(duration.subsec_nanos() > 0)).max(1)
}

pub(crate) fn plural(count: impl Into<u64>) -> &'static str {
    if count.into() == 1 { "" } else { "s" }
}

/// A duration in milliseconds from a test-only environment variable (tests shorten waits).
fn test_millis(name: &str) -> Option<Duration> {
    std::env::var(name).ok().and_then(|ms| ms.parse().ok()).map(Duration::from_millis)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A registry that accepts connections and never answers fails within a minute and a half:
    /// the HTTPS try (no handshake), then every HTTP try waits for its answer, with backoffs.
    #[test]
    fn a_silent_registry_is_given_up_on_within_90_seconds() {
        let backoffs: Duration =
            (1..NO_ANSWER_ATTEMPTS).map(|attempt| Duration::from_millis(500) * 2u32.pow(attempt - 1)).sum();
        let worst = CONNECT_TIMEOUT + READ_TIMEOUT * NO_ANSWER_ATTEMPTS + backoffs;
        assert!(worst <= Duration::from_secs(90), "{worst:?}");
        assert!(NOTICE_EVERY <= Duration::from_secs(10), "no wait is silent for longer than 10 s");
    }

    #[test]
    fn waits_read_as_docker_counts_them() {
        assert_eq!(whole_seconds(Duration::from_millis(10)), 1);
        assert_eq!(whole_seconds(Duration::from_secs(2)), 2);
        assert_eq!(whole_seconds(Duration::from_millis(2500)), 3);
        assert_eq!(human_duration(Duration::from_millis(300)), "300 ms");
        assert_eq!(human_duration(Duration::from_secs(20)), "20 s");
    }

    #[test]
    fn reads_warning_texts() {
        assert_eq!(
            warning_text(r#"299 - "this repository is deprecated""#).as_deref(),
            Some("this repository is deprecated")
        );
        assert_eq!(warning_text(r#"299 registry.example "say \"hi\"""#).as_deref(), Some(r#"say "hi""#));
        assert_eq!(warning_text(r#"199 - "misc""#), None);
        assert_eq!(warning_text("299"), None);
    }
}
