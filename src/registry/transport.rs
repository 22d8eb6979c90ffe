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

use reqwest::{Client, RequestBuilder, Response, StatusCode, redirect};

use super::RegistryError;
use super::safe_url;
use super::tls::CertFolders;
use crate::config::InsecureEntry;

/// How many times a request is tried in all before a transient failure is final.
pub(super) const ATTEMPTS: u32 = 5;
/// The longest `Retry-After` hoist waits for before giving up instead.
const MAX_RETRY_AFTER: u64 = 60;

/// Where the transport's messages go.
pub(crate) trait Log: Send + Sync {
    /// Whether `--debug` lines are wanted (they are not even made otherwise).
    fn debugging(&self) -> bool;
    fn debug(&self, line: &str);
    /// A warning the registry sent (`Warning: 299`), for the person at the terminal.
    fn warning(&self, text: &str);
}

pub(crate) struct Transport {
    insecure: Vec<InsecureEntry>,
    cert_folders: Vec<PathBuf>,
    log: Arc<dyn Log>,
    retry_base: Duration,
    /// How long a read may wait for a byte: a registry that stalls is an error, not a hang.
    read_timeout: Duration,
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
        let read_timeout = test_millis("HOIST_TEST_READ_TIMEOUT_MS").unwrap_or(Duration::from_secs(60));
        Transport {
            read_timeout,
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
            .connect_timeout(Duration::from_secs(30))
            .read_timeout(self.read_timeout)
            .redirect(policy);
        let folders: Vec<PathBuf> = self.cert_folders.iter().map(|folder| folder.join(host)).collect();
        let builder = match CertFolders::read(&folders).map_err(setup)? {
            Some(certificates) => {
                builder.tls_backend_preconfigured(certificates.client_config(self.is_insecure(host)).map_err(setup)?)
            }
            None => builder.danger_accept_invalid_certs(self.is_insecure(host)),
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

    /// `send` with a given number of attempts; 1 for a probe whose failure has a fallback.
    pub(crate) async fn send_with_attempts(
        &self,
        registry: &str,
        attempts: u32,
        make: impl Fn() -> Result<RequestBuilder, RegistryError>,
    ) -> Result<Response, RegistryError> {
        let mut attempt = 1;
        loop {
            let request = make()?
                .build()
                .map_err(|err| RegistryError::Setup { registry: registry.into(), reason: err.to_string() })?;
            let (method, url) = (request.method().clone(), safe_url::display(request.url()));
            let client = self.client(registry)?;
            self.calm_down().await;
            let started = Instant::now();
            let result = client.execute(request).await;
            self.log(&method, &url, &result, started);
            if let Ok(response) = &result {
                self.show_warnings(response);
            }
            let wait = match &result {
                Ok(response) if is_transient(response.status()) => {
                    let wait = retry_after(response).unwrap_or(self.backoff(attempt));
                    if response.status() == StatusCode::TOO_MANY_REQUESTS {
                        self.calm_for(wait);
                    }
                    wait
                }
                Ok(_) => return result.map_err(|source| RegistryError::connect(registry, source)),
                Err(err) if err.is_connect() || err.is_timeout() || err.is_request() => self.backoff(attempt),
                Err(_) => return result.map_err(|source| RegistryError::connect(registry, source)),
            };
            if attempt >= attempts || wait > Duration::from_secs(MAX_RETRY_AFTER) {
                return result.map_err(|source| RegistryError::connect(registry, source));
            }
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
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

    fn backoff(&self, attempt: u32) -> Duration {
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

/// A duration in milliseconds from a test-only environment variable (tests shorten waits).
fn test_millis(name: &str) -> Option<Duration> {
    std::env::var(name).ok().and_then(|ms| ms.parse().ok()).map(Duration::from_millis)
}

#[cfg(test)]
mod tests {
    use super::*;

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
