//! A real registry per test: Debian's `docker-registry` (CNCF distribution 2.8) on a free
//! 127.0.0.1 port, with its own config, storage (deletes enabled) and log in a temp folder,
//! killed when the [`Registry`] drops.
//!
//! - [`Setup::Plain`]: plain HTTP, no auth.
//! - [`Setup::BasicTls`]: HTTPS with a certificate for `127.0.0.1` and `localhost` signed by a CA
//!   made for this registry alone ([`Registry::ca_pem`]; [`Registry::cert_dir`] holds only that
//!   `ca.crt`, for skopeo's and podman's `--cert-dir`), and Basic auth for [`Registry::username`]
//!   with a random [`Registry::password`], kept in an htpasswd file as bcrypt, the only hash the
//!   registry reads.
//! - [`Setup::Token`]: plain HTTP and Docker Hub's token auth: a 401 challenge names the realm
//!   of a [`TokenServer`] in the test process ([`Registry::token_server`]), which grants
//!   anonymous pulls of `public/*` and everything to [`Registry::username`] with a random
//!   [`Registry::password`] (see [`super::token`]).
//!
//! It is ready when `GET /v2/` answers (a raw HTTP/1.1 request on a `TcpStream`; over TLS,
//! `curl --cacert`, which also proves the chain and SANs before a test relies on them) and its
//! log says "listening on", so that a server another process started on the same port in the
//! meantime is never taken for ours. The log holds stdout and stderr at level info: one
//! combined-format access line per request (`"GET /v2/ HTTP/1.1" 200`), written as the handler
//! returns (so before a small response reaches the client, but a client may read the end of a
//! large blob first). The harness's own requests (the readiness probe, [`Registry::get`]) carry
//! [`USER_AGENT`], so tests counting requests can leave them out; [`Registry::get`] on a token
//! registry mints its token in process, so the token server records none of them.

use std::fs;
use std::hash::{BuildHasher as _, RandomState};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair, KeyUsagePurpose,
};
use tempfile::TempDir;

use super::token::{ISSUER, SERVICE, TokenServer};

const USERNAME: &str = "testuser";
const READY_TIMEOUT: Duration = Duration::from_secs(10);
const PORT_ATTEMPTS: usize = 5;
/// The User-Agent of the harness's own requests, so tests counting requests can leave them out.
pub const USER_AGENT: &str = "hoist-test-harness";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Setup {
    Plain,
    BasicTls,
    Token,
    /// HTTPS without auth, with a self-signed certificate made the way docker's documentation
    /// makes one (`openssl req -x509 ... -addext subjectAltName=...`, `CA:TRUE` with OpenSSL 3),
    /// for `localhost` and `127.0.0.1`; [`Registry::ca_pem`] is that certificate itself.
    SelfSignedTls,
}

/// A running `docker-registry`; dropping it kills the process and removes its files.
pub struct Registry {
    child: Child,
    port: u16,
    tls: Option<Tls>,
    password: Option<String>,
    token: Option<TokenServer>,
    storage: PathBuf,
    temp: TempDir,
}

pub(super) struct Tls {
    pub ca_pem: PathBuf,
}

/// A response to [`Registry::get`].
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub body: String,
}

enum Start {
    Ready,
    PortTaken,
    Failed(String),
}

impl Registry {
    #[track_caller]
    pub fn start(setup: Setup) -> Registry {
        super::require("docker-registry");
        let temp = tempfile::Builder::new().prefix("hoist-registry").tempdir().expect("registry temp dir");
        let tls = match setup {
            Setup::BasicTls => {
                super::require("curl");
                Some(make_tls_files(temp.path()))
            }
            Setup::SelfSignedTls => {
                super::require("curl");
                super::require("openssl");
                Some(make_self_signed_files(temp.path()))
            }
            Setup::Plain | Setup::Token => None,
        };
        // RandomState is seeded from the OS: random enough for a test password, no extra crate.
        let password = matches!(setup, Setup::BasicTls | Setup::Token)
            .then(|| format!("{:016x}{:016x}", RandomState::new().hash_one(1), RandomState::new().hash_one(2)));
        let (auth, token) = make_auth(setup, temp.path(), password.as_deref());
        let config_path = temp.path().join("config.yml");
        let log_path = temp.path().join("registry.log");
        for attempt in 1..=PORT_ATTEMPTS {
            // The OS picks a free port; losing it to another process after the drop is PortTaken.
            let port = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("pick a free port").port();
            fs::write(&config_path, config(temp.path(), port, tls.is_some(), &auth)).expect("write registry config");
            let log = fs::File::create(&log_path).expect("create registry log");
            let mut command = Command::new("docker-registry");
            command.arg("serve").arg(&config_path).stdin(Stdio::null());
            command.stdout(log.try_clone().expect("log handle")).stderr(log);
            // REGISTRY_* variables override the config; podman's REGISTRY_AUTH_FILE breaks it.
            for (name, _) in std::env::vars_os().filter(|(name, _)| name.to_string_lossy().starts_with("REGISTRY_")) {
                command.env_remove(name);
            }
            let mut child = command.spawn().expect("spawn docker-registry");
            let start = wait_until_ready(&mut child, port, &log_path, tls.as_ref());
            if let Start::Ready = start {
                return Registry { child, port, tls, password, token, storage: temp.path().join("storage"), temp };
            }
            let _ = child.kill();
            let _ = child.wait();
            let log = read_log(&log_path);
            match start {
                Start::PortTaken if attempt < PORT_ATTEMPTS => continue,
                Start::Failed(why) => {
                    panic!("docker-registry did not come up on 127.0.0.1:{port}: {why}; its log:\n{log}")
                }
                _ => panic!("docker-registry found no free port in {PORT_ATTEMPTS} attempts; its last log:\n{log}"),
            }
        }
        unreachable!("the last attempt returns or panics")
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// `127.0.0.1:PORT`, as in image references.
    pub fn addr(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// `http://127.0.0.1:PORT` or `https://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        let scheme = if self.tls.is_some() { "https" } else { "http" };
        format!("{scheme}://{}", self.addr())
    }

    /// The registry's storage root (repositories are under `docker/registry/v2/repositories`).
    pub fn storage_dir(&self) -> &Path {
        &self.storage
    }

    /// Everything the registry printed so far, access log included.
    pub fn log(&self) -> String {
        read_log(&self.temp.path().join("registry.log"))
    }

    /// The test CA's certificate (PEM) that signed the registry's (`Setup::BasicTls` only).
    #[track_caller]
    pub fn ca_pem(&self) -> &Path {
        &self.tls().ca_pem
    }

    /// A folder holding only `ca.crt`, for `--cert-dir` or `certs.d/HOST:PORT/` (`Setup::BasicTls`).
    #[track_caller]
    pub fn cert_dir(&self) -> &Path {
        self.tls().ca_pem.parent().expect("ca.crt has a folder")
    }

    /// The registry's own certificate and key, PEM (`Setup::BasicTls`), for a front that serves
    /// TLS with the same identity.
    #[track_caller]
    pub fn server_identity(&self) -> (PathBuf, PathBuf) {
        self.tls();
        (self.temp.path().join("server.crt"), self.temp.path().join("server.key"))
    }

    /// The test user (`Setup::BasicTls` and `Setup::Token`).
    #[track_caller]
    pub fn username(&self) -> &str {
        self.password();
        USERNAME
    }

    #[track_caller]
    pub fn password(&self) -> &str {
        self.password.as_deref().expect("only Setup::BasicTls and Setup::Token registries have a user")
    }

    /// Whether the registry serves HTTPS (`Setup::BasicTls`, `Setup::SelfSignedTls`).
    pub fn is_tls(&self) -> bool {
        self.tls.is_some()
    }

    /// The token server, for a `Setup::Token` registry.
    pub fn token_server_if_any(&self) -> Option<&TokenServer> {
        self.token.as_ref()
    }

    /// The token server whose realm the registry names (`Setup::Token`).
    #[track_caller]
    pub fn token_server(&self) -> &TokenServer {
        self.token.as_ref().expect("only a Setup::Token registry has a token server")
    }

    /// GETs `path` (`/v2/_catalog`): over TLS with the CA and the test user's credentials; on a
    /// token registry, after a 401, again with a token for the test user and the challenge's scope.
    #[track_caller]
    pub fn get(&self, path: &str) -> Response {
        let response = match (&self.tls, &self.token) {
            (Some(tls), _) => {
                let credentials = self.password.as_deref().map(|password| (USERNAME, password));
                curl_get(&format!("{}{path}", self.url()), &tls.ca_pem, credentials)
            }
            (None, None) => http_get(&self.addr(), path, None).map(|(response, _)| response),
            (None, Some(token)) => http_get(&self.addr(), path, None).and_then(|(response, challenge)| {
                let Some(challenge) = challenge.filter(|_| response.status == 401) else { return Ok(response) };
                let scope = challenge.split("scope=\"").nth(1).and_then(|rest| rest.split('"').next());
                let token = token.token(Some(USERNAME), scope.as_slice());
                http_get(&self.addr(), path, Some(&token)).map(|(response, _)| response)
            }),
        };
        response.unwrap_or_else(|error| panic!("GET {path}: {error}"))
    }

    #[track_caller]
    fn tls(&self) -> &Tls {
        self.tls.as_ref().expect("only a Setup::BasicTls registry has TLS")
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Polls until `GET /v2/` answers and the log says ours holds the port, the process exits, or
/// [`READY_TIMEOUT`] passes.
fn wait_until_ready(child: &mut Child, port: u16, log_path: &Path, tls: Option<&Tls>) -> Start {
    let deadline = Instant::now() + READY_TIMEOUT;
    let mut last_error = String::from("no \"listening on\" in the log yet");
    loop {
        if let Some(status) = child.try_wait().expect("poll docker-registry") {
            if read_log(log_path).contains("address already in use") {
                return Start::PortTaken;
            }
            return Start::Failed(format!("it exited ({status})"));
        }
        if read_log(log_path).contains("listening on") {
            let answer = match tls {
                None => http_get(&format!("127.0.0.1:{port}"), "/v2/", None).map(drop),
                Some(tls) => curl_get(&format!("https://127.0.0.1:{port}/v2/"), &tls.ca_pem, None).map(drop),
            };
            match answer {
                Ok(()) => return Start::Ready,
                Err(error) => last_error = error,
            }
        }
        if Instant::now() > deadline {
            return Start::Failed(format!("GET /v2/ did not answer within {READY_TIMEOUT:?} ({last_error})"));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn read_log(path: &Path) -> String {
    String::from_utf8_lossy(&fs::read(path).unwrap_or_default()).into_owned()
}

/// The registry's config; `auth` is its `auth:` section, if any.
fn config(dir: &Path, port: u16, tls: bool, auth: &str) -> String {
    let mut config = format!(
        "version: 0.1\nlog:\n  level: info\n  accesslog:\n    disabled: false\n\
         storage:\n  filesystem:\n    rootdirectory: {storage:?}\n  delete:\n    enabled: true\n\
         http:\n  addr: 127.0.0.1:{port}\n  secret: hoist-test-secret\n",
        storage = dir.join("storage"),
    );
    if tls {
        config +=
            &format!("  tls:\n    certificate: {:?}\n    key: {:?}\n", dir.join("server.crt"), dir.join("server.key"));
    }
    config + auth
}

/// The config's `auth:` section for `setup` (empty without auth), with its files in `dir`: an
/// htpasswd file for Basic auth; for token auth, the token server's certificate, and the server.
fn make_auth(setup: Setup, dir: &Path, password: Option<&str>) -> (String, Option<TokenServer>) {
    match (setup, password) {
        (Setup::BasicTls, Some(password)) => {
            // Cost 4, the lowest: the registry checks the hash on every request.
            let hash = bcrypt::hash(password, 4).expect("bcrypt the password");
            let htpasswd = dir.join("htpasswd");
            fs::write(&htpasswd, format!("{USERNAME}:{hash}\n")).expect("write htpasswd");
            (format!("auth:\n  htpasswd:\n    realm: hoist-test\n    path: {htpasswd:?}\n"), None)
        }
        (Setup::Token, Some(password)) => {
            let token = TokenServer::start(&[(USERNAME, password)]);
            let bundle = dir.join("token.crt");
            fs::write(&bundle, token.certificate_pem()).expect("write the token certificate");
            let realm = token.realm();
            let auth = format!(
                "auth:\n  token:\n    realm: {realm:?}\n    service: {SERVICE}\n    issuer: {ISSUER}\n    \
                 rootcertbundle: {bundle:?}\n"
            );
            (auth, Some(token))
        }
        _ => (String::new(), None),
    }
}

/// Writes `ca/ca.crt`, `server.crt` and `server.key` (PEM) into `dir`: a CA of its own and a
/// certificate it signed for `127.0.0.1` and `localhost`.
pub(super) fn make_tls_files(dir: &Path) -> Tls {
    let mut ca = CertificateParams::new(Vec::new()).expect("CA parameters");
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name.push(DnType::CommonName, "hoist test CA");
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
    let ca_key = KeyPair::generate().expect("CA key");
    let ca_cert = ca.self_signed(&ca_key).expect("self-sign the CA");
    let issuer = Issuer::new(ca, ca_key);

    let mut server = CertificateParams::new(["127.0.0.1".to_string(), "localhost".to_string()]).expect("SANs");
    server.distinguished_name.push(DnType::CommonName, "127.0.0.1");
    server.extended_key_usages.push(ExtendedKeyUsagePurpose::ServerAuth);
    let server_key = KeyPair::generate().expect("server key");
    let server_cert = server.signed_by(&server_key, &issuer).expect("sign the server certificate");

    // The CA alone in its folder: a cert dir treats `*.key` files as client keys.
    let ca_pem = dir.join("ca/ca.crt");
    fs::create_dir(dir.join("ca")).expect("CA folder");
    fs::write(&ca_pem, ca_cert.pem()).expect("write ca.crt");
    fs::write(dir.join("server.crt"), server_cert.pem()).expect("write server.crt");
    fs::write(dir.join("server.key"), server_key.serialize_pem()).expect("write server.key");
    Tls { ca_pem }
}

/// A self-signed certificate and key as docker's documentation makes them, with the openssl
/// command line; the certificate is its own CA.
fn make_self_signed_files(dir: &Path) -> Tls {
    let (certificate, key) = (dir.join("server.crt"), dir.join("server.key"));
    let made = Command::new("openssl")
        .args(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30", "-subj", "/CN=localhost"])
        .args(["-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout"])
        .arg(&key)
        .arg("-out")
        .arg(&certificate)
        .stdin(Stdio::null())
        .output()
        .expect("run openssl");
    assert!(made.status.success(), "openssl req failed: {}", String::from_utf8_lossy(&made.stderr));
    let ca_pem = dir.join("ca/ca.crt");
    fs::create_dir(dir.join("ca")).expect("CA folder");
    fs::copy(&certificate, &ca_pem).expect("ca.crt");
    Tls { ca_pem }
}

/// One HTTP/1.1 GET on a fresh connection ([`super::http::request`]), with a bearer `token`
/// if given; also returns the `WWW-Authenticate` header, if any.
fn http_get(addr: &str, path: &str, token: Option<&str>) -> Result<(Response, Option<String>), String> {
    let authorization = token.map(|token| format!("Bearer {token}"));
    let headers: Vec<(&str, &str)> = authorization.iter().map(|value| ("Authorization", value.as_str())).collect();
    let reply = super::http::request(addr, "GET", path, &headers, b"").map_err(|error| error.to_string())?;
    let challenge = reply.header("www-authenticate").map(str::to_string);
    Ok((Response { status: reply.status, body: reply.text() }, challenge))
}

/// A GET through `curl --cacert`, with Basic credentials when given.
fn curl_get(url: &str, ca_pem: &Path, credentials: Option<(&str, &str)>) -> Result<Response, String> {
    let mut command = Command::new("curl");
    // HTTP/1.1 as skopeo and hoist speak it, so the access log reads the same for all.
    command.args(["--http1.1", "--silent", "--show-error", "--max-time", "5", "--user-agent", USER_AGENT]);
    command.args(["--write-out", "\n%{http_code}", "--cacert"]);
    command.arg(ca_pem).arg(url).stdin(Stdio::null());
    if let Some((user, password)) = credentials {
        command.arg("--user").arg(format!("{user}:{password}"));
    }
    let output = command.output().map_err(|error| format!("run curl: {error}"))?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).trim().to_string());
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let (body, status) = stdout.rsplit_once('\n').ok_or("curl printed no status")?;
    Ok(Response { status: status.parse().map_err(|_| format!("curl status {status}"))?, body: body.to_string() })
}
