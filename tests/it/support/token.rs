//! A token server like Docker Hub's, for a registry in [`Setup::Token`](super::registry::Setup)
//! mode: plain HTTP/1.1 on a free 127.0.0.1 port, in the test process (a thread per connection).
//!
//! - `GET /token?service=..&scope=..` (Basic credentials optional; `offline_token=true` with a
//!   `client_id` adds a `refresh_token`) answers `{token, access_token, expires_in, issued_at}`.
//! - `POST /token` with a form, `grant_type=password` (`access_type=offline` adds a
//!   `refresh_token`) or `grant_type=refresh_token`, answers the OAuth2 form
//!   `{access_token, scope, expires_in, issued_at}`: no `token` field.
//! - Wrong credentials or an unknown refresh token: 401 with Docker Hub's JSON error.
//!
//! Policy: anyone may `pull` repositories under `public/`; each known user may `pull`, `push`,
//! `delete` (or `*`, everything) every repository and read the catalog (`registry:catalog:*`),
//! as an owner may on Docker Hub. A token grants what was asked
//! and allowed, possibly nothing, as Docker Hub does: asking for more is not an error.
//!
//! Tokens are JWTs signed ES256 by a key whose self-signed certificate is in the header's `x5c`
//! and is the registry's `rootcertbundle` ([`TokenServer::certificate_pem`]).

use std::collections::HashMap;
use std::io::{BufReader, Write as _};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use rcgen::{CertificateParams, DnType, KeyPair};
use ring::rand::{SecureRandom as _, SystemRandom};
use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair};
use serde_json::{Value, json};

use super::http::{Framing, Serving, Shaper, read_head, relay_body};

/// The `service` of the challenge, and the tokens' audience.
pub const SERVICE: &str = "hoist-test";
/// The tokens' issuer, which the registry trusts.
pub const ISSUER: &str = "hoist-test-token-server";
/// What the request record shows in place of a password or refresh token.
pub const REDACTED: &str = "<redacted>";
const DEFAULT_EXPIRES_IN: u64 = 300;

/// One request to the token server.
#[derive(Clone, Debug)]
pub struct TokenRequest {
    pub method: String,
    /// Query (GET) or form (POST) parameters, decoded, in order; `password` and `refresh_token`
    /// values are [`REDACTED`].
    pub params: Vec<(String, String)>,
    /// The Authorization header's scheme and, for Basic, the user (`"Basic testuser"`).
    pub authorization: Option<String>,
    pub user_agent: Option<String>,
    pub status: u16,
    /// Whom a token was issued to: `Some("")` for an anonymous token, `None` when none was.
    pub subject: Option<String>,
    /// The access granted, one `TYPE:NAME:ACTIONS` per scope asked (`repository:public/x:pull`).
    pub granted: Vec<String>,
}

impl TokenRequest {
    /// The first parameter called `name`.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
    }

    /// The scopes asked for: every `scope` parameter, split at spaces.
    pub fn scopes(&self) -> Vec<&str> {
        self.params.iter().filter(|(key, _)| key == "scope").flat_map(|(_, value)| value.split(' ')).collect()
    }
}

/// A running token server; dropping it stops accepting.
pub struct TokenServer {
    serving: Serving,
    certificate_pem: String,
    shared: Arc<Shared>,
}

struct Shared {
    users: HashMap<String, String>,
    key: EcdsaKeyPair,
    x5c: String,
    random: SystemRandom,
    expires_in: AtomicU64,
    expired: AtomicBool,
    requests: Mutex<Vec<TokenRequest>>,
    /// Refresh token → user.
    refresh_tokens: Mutex<HashMap<String, String>>,
}

/// A response: status and JSON body.
type Answer = (u16, Value);

impl TokenServer {
    /// Starts a server that knows `users` (name, password).
    pub fn start(users: &[(&str, &str)]) -> TokenServer {
        let key_pair = KeyPair::generate().expect("token signing key");
        let mut params = CertificateParams::new(Vec::new()).expect("certificate parameters");
        params.distinguished_name.push(DnType::CommonName, "hoist test token signer");
        let certificate = params.self_signed(&key_pair).expect("self-sign the token certificate");
        let random = SystemRandom::new();
        let key = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &key_pair.serialize_der(), &random)
            .expect("rcgen's key in ring");
        let shared = Arc::new(Shared {
            users: users.iter().map(|(name, password)| (name.to_string(), password.to_string())).collect(),
            key,
            x5c: STANDARD.encode(certificate.der()),
            random,
            expires_in: AtomicU64::new(DEFAULT_EXPIRES_IN),
            expired: AtomicBool::new(false),
            requests: Mutex::new(Vec::new()),
            refresh_tokens: Mutex::new(HashMap::new()),
        });
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the token server");
        let thread_shared = Arc::clone(&shared);
        let serving = Serving::start(listener, move |stream| serve(stream, &thread_shared));
        TokenServer { serving, certificate_pem: certificate.pem(), shared }
    }

    /// `127.0.0.1:PORT`.
    pub fn addr(&self) -> &str {
        &self.serving.addr
    }

    /// `http://127.0.0.1:PORT/token`, the registry's `realm`.
    pub fn realm(&self) -> String {
        format!("http://{}/token", self.serving.addr)
    }

    /// The signing certificate (PEM), the registry's `rootcertbundle`.
    pub fn certificate_pem(&self) -> &str {
        &self.certificate_pem
    }

    /// Every request so far, oldest first.
    pub fn requests(&self) -> Vec<TokenRequest> {
        self.shared.requests.lock().expect("token requests").clone()
    }

    /// The `expires_in` of tokens issued from now on (and their `exp`), in seconds; 300 at start.
    /// The registry accepts a token up to 60 s past its `exp`: see [`TokenServer::set_expired`].
    pub fn set_expires_in(&self, seconds: u64) {
        self.shared.expires_in.store(seconds, Ordering::SeqCst);
    }

    /// Whether tokens issued from now on are already expired in their claims (`exp` 2 minutes
    /// ago, past the 60 s leeway the registry allows) while the answer still gives `expires_in`:
    /// the registry refuses them with `error="invalid_token"`, as it would a revoked token.
    pub fn set_expired(&self, expired: bool) {
        self.shared.expired.store(expired, Ordering::SeqCst);
    }

    /// A token for `user` (`None`: anonymous) with what the policy grants of `scopes`, as the
    /// server would issue, without a request (so not recorded) and without a password.
    pub fn token(&self, user: Option<&str>, scopes: &[&str]) -> String {
        let scopes: Vec<String> = scopes.iter().map(|scope| scope.to_string()).collect();
        self.shared.issue(user, &scopes).0
    }
}

/// The claims of a JWT (its middle part), for tests to look into.
#[track_caller]
pub fn claims(jwt: &str) -> Value {
    let payload = jwt.split('.').nth(1).expect("a JWT has three parts");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).expect("base64url claims")).expect("JSON claims")
}

/// `application/x-www-form-urlencoded` (and query) encoding of `pairs`.
pub fn form_encode(pairs: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish()
}

fn form_decode(text: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(text).into_owned().collect()
}

fn serve(stream: TcpStream, shared: &Shared) {
    let Ok(reading) = stream.try_clone() else { return };
    let mut reader = BufReader::new(reading);
    let Ok(Some(head)) = read_head(&mut reader) else { return };
    let mut body = Vec::new();
    let framing = match head.framing(None) {
        Framing::Length(length) if length > 1024 * 1024 => return,
        framing => framing,
    };
    if relay_body(&mut reader, &mut body, framing, &mut Shaper::default()).is_err() {
        return;
    }
    let mut parts = head.start.split(' ');
    let method = parts.next().unwrap_or_default().to_string();
    let target = parts.next().unwrap_or_default();
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let params = form_decode(if method == "POST" { &body } else { query.as_bytes() });
    let authorization = head.header("authorization");
    let mut request = TokenRequest {
        method,
        params: params.clone(),
        authorization: authorization.map(describe_authorization),
        user_agent: head.header("user-agent").map(str::to_string),
        status: 0,
        subject: None,
        granted: Vec::new(),
    };
    for (name, value) in &mut request.params {
        if name == "password" || name == "refresh_token" {
            *value = REDACTED.to_string();
        }
    }
    let (status, body) = match (request.method.as_str(), path.ends_with("/token")) {
        ("GET", true) => shared.get(&params, authorization, &mut request),
        ("POST", true) => shared.post(&params, &mut request),
        _ => (404, error("NOT_FOUND", "no such endpoint")),
    };
    request.status = status;
    // Recorded before the answer, so a client that has it finds the request in the record.
    shared.requests.lock().expect("token requests").push(request);
    let body = body.to_string();
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        _ => "Not Found",
    };
    let mut stream = stream;
    let _ = write!(
        stream,
        "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    );
}

fn describe_authorization(value: &str) -> String {
    let (scheme, rest) = value.split_once(' ').unwrap_or((value, ""));
    match basic_credentials(value) {
        Some((user, _)) => format!("{scheme} {user}"),
        None if rest.is_empty() => scheme.to_string(),
        None => format!("{scheme} …"),
    }
}

fn basic_credentials(value: &str) -> Option<(String, String)> {
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    decoded.split_once(':').map(|(user, password)| (user.to_string(), password.to_string()))
}

fn error(code: &str, message: &str) -> Value {
    json!({"errors": [{"code": code, "message": message}]})
}

fn unauthorized() -> Answer {
    (401, error("UNAUTHORIZED", "incorrect username or password"))
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
}

impl Shared {
    fn get(&self, params: &[(String, String)], authorization: Option<&str>, request: &mut TokenRequest) -> Answer {
        if let Some(answer) = check_service(params) {
            return answer;
        }
        let user = match authorization {
            None => None,
            Some(value) => match basic_credentials(value) {
                Some((user, password)) if self.users.get(&user) == Some(&password) => Some(user),
                _ => return unauthorized(),
            },
        };
        let offline = param(params, "offline_token") == Some("true") && user.is_some();
        if offline && param(params, "client_id").is_none_or(str::is_empty) {
            return (400, error("INVALID_REQUEST", "offline_token needs a client_id"));
        }
        let (token, issued_at, expires_in) = self.grant(user.as_deref(), params, request);
        let mut body = json!({"token": token, "access_token": token, "expires_in": expires_in, "issued_at": issued_at});
        if let (true, Some(user)) = (offline, user) {
            body["refresh_token"] = json!(self.refresh_token_for(&user));
        }
        (200, body)
    }

    fn post(&self, params: &[(String, String)], request: &mut TokenRequest) -> Answer {
        if let Some(answer) = check_service(params) {
            return answer;
        }
        if param(params, "client_id").is_none_or(str::is_empty) {
            return (400, error("INVALID_REQUEST", "missing client_id"));
        }
        let (user, refresh) = match param(params, "grant_type") {
            Some("password") => {
                let user = param(params, "username").unwrap_or_default();
                if self.users.get(user).map(String::as_str) != Some(param(params, "password").unwrap_or_default()) {
                    return unauthorized();
                }
                (user.to_string(), param(params, "access_type") == Some("offline"))
            }
            Some("refresh_token") => {
                let known = self.refresh_tokens.lock().expect("refresh tokens");
                match known.get(param(params, "refresh_token").unwrap_or_default()) {
                    Some(user) => (user.clone(), false),
                    None => return (401, error("UNAUTHORIZED", "invalid refresh token")),
                }
            }
            _ => return (400, error("UNSUPPORTED", "unsupported grant_type")),
        };
        let (token, issued_at, expires_in) = self.grant(Some(&user), params, request);
        let scope = request.scopes().join(" ");
        let mut body = json!({"access_token": token, "scope": scope, "expires_in": expires_in, "issued_at": issued_at});
        if refresh {
            body["refresh_token"] = json!(self.refresh_token_for(&user));
        }
        (200, body)
    }

    /// Issues a token for the request's scopes and records it; returns it, `issued_at`, `expires_in`.
    fn grant(
        &self,
        user: Option<&str>,
        params: &[(String, String)],
        request: &mut TokenRequest,
    ) -> (String, String, u64) {
        let scopes: Vec<String> = params
            .iter()
            .filter(|(name, _)| name == "scope")
            .flat_map(|(_, value)| value.split(' ').filter(|scope| !scope.is_empty()).map(str::to_string))
            .collect();
        let (token, granted) = self.issue(user, &scopes);
        request.subject = Some(user.unwrap_or_default().to_string());
        request.granted = granted;
        let issued_at = jiff::Timestamp::now().to_string();
        (token, issued_at, self.expires_in.load(Ordering::SeqCst))
    }

    /// A signed token and the access it grants, as `TYPE:NAME:ACTIONS`.
    fn issue(&self, user: Option<&str>, scopes: &[String]) -> (String, Vec<String>) {
        let mut access = Vec::new();
        let mut granted = Vec::new();
        for scope in scopes {
            // `TYPE:NAME:ACTIONS`; a name may hold a colon (a port), never the type or actions.
            let Some((kind, rest)) = scope.split_once(':') else { continue };
            let Some((name, actions)) = rest.rsplit_once(':') else { continue };
            let allowed: &[&str] = match (kind, user) {
                ("repository", Some(_)) => &["pull", "push", "delete", "*"],
                ("repository", None) if name.starts_with("public/") => &["pull"],
                ("registry", Some(_)) if name == "catalog" => &["*"],
                _ => &[],
            };
            let actions: Vec<&str> = actions.split(',').filter(|action| allowed.contains(action)).collect();
            granted.push(format!("{kind}:{name}:{}", actions.join(",")));
            access.push(json!({"type": kind, "name": name, "actions": actions}));
        }
        let now = SystemTime::now().duration_since(UNIX_EPOCH).expect("time after 1970").as_secs();
        let claims = json!({
            "iss": ISSUER,
            "sub": user.unwrap_or_default(),
            "aud": SERVICE,
            "exp": if self.expired.load(Ordering::SeqCst) { now - 120 } else { now + self.expires_in.load(Ordering::SeqCst) },
            "nbf": now - 10,
            "iat": now,
            "jti": self.random_hex(),
            "access": access,
        });
        let header = json!({"typ": "JWT", "alg": "ES256", "x5c": [self.x5c]});
        let signed =
            format!("{}.{}", URL_SAFE_NO_PAD.encode(header.to_string()), URL_SAFE_NO_PAD.encode(claims.to_string()));
        let signature = self.key.sign(&self.random, signed.as_bytes()).expect("sign the token");
        (format!("{signed}.{}", URL_SAFE_NO_PAD.encode(signature.as_ref())), granted)
    }

    fn refresh_token_for(&self, user: &str) -> String {
        let token = self.random_hex();
        self.refresh_tokens.lock().expect("refresh tokens").insert(token.clone(), user.to_string());
        token
    }

    fn random_hex(&self) -> String {
        let mut bytes = [0; 16];
        self.random.fill(&mut bytes).expect("random bytes");
        bytes.iter().map(|byte| format!("{byte:02x}")).collect()
    }
}

/// A request for another service than the registry's is refused with a 400.
fn check_service(params: &[(String, String)]) -> Option<Answer> {
    match param(params, "service") {
        Some(service) if service != SERVICE => Some((400, error("INVALID_REQUEST", "unknown service"))),
        _ => None,
    }
}
