//! The proxy every emulation runs: HTTP/1.1 on a free loopback port (HTTPS too, with the
//! certificate it is given), one exchange per connection (`Connection: close` both ways, as in
//! the fault proxy), in front of a real registry (over TLS when the registry serves TLS) and,
//! for token registries, of its token server under [`super::TOKEN_PATH`]. Each request goes
//! through the emulation's behaviours, then, unless one answered it, to the registry with
//! `Host` unchanged and `X-Forwarded-Proto` set (so the registry's `Location`s name the front
//! and its scheme); the response goes back through the behaviours. Every exchange is recorded
//! with the client's own headers and the scheme it came over ([`Exchange`]).

use std::io::{self, BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use rustls::{ClientConfig, ServerConfig};

use super::message::{Answer, Request, Response};
use super::rules::{Behaviour, Context, State};
use super::tls::{self, Conn};
use crate::support::http::{
    Framing, Head, IDLE_TIMEOUT, Serving, Shaper, read_body, read_head, relay_body, write_head,
};

/// How long [`Front::exchanges`] waits for exchanges still in flight.
const SETTLE_TIMEOUT: Duration = Duration::from_secs(5);
/// The largest token request body read into memory.
const TOKEN_BODY_LIMIT: u64 = 64 * 1024;

/// One request the front saw and what it answered.
#[derive(Clone, Debug)]
pub struct Exchange {
    /// `https`, or `http`: on a TLS front, a client that spoke plain HTTP to it.
    pub scheme: &'static str,
    pub method: String,
    /// The request target as the client sent it: path and query.
    pub path: String,
    /// The client's headers, as sent.
    pub headers: Vec<(String, String)>,
    /// The status sent back (0 when the exchange broke before one).
    pub status: u16,
    /// Request body bytes the client sent (chunk framing not counted).
    pub sent: u64,
    /// Whether the emulation answered in place of the registry.
    pub emulated: bool,
}

impl Exchange {
    /// The first header called `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)).map(|(_, value)| value.as_str())
    }

    pub fn is_manifest(&self) -> bool {
        self.path.contains("/manifests/")
    }
}

/// Where a front sends what it does not answer itself.
pub struct Upstream {
    /// The registry, `HOST:PORT`.
    pub registry: String,
    /// Set when the registry serves HTTPS.
    pub tls: Option<Arc<ClientConfig>>,
    /// The token server (`HOST:PORT`) and the realm the registry's challenges name.
    pub token: Option<(String, String)>,
}

/// A running front; dropping it stops accepting (exchanges in flight finish).
pub struct Front {
    _serving: Serving,
    shared: Arc<Shared>,
}

struct Shared {
    authority: String,
    scheme: &'static str,
    rules: Vec<Behaviour>,
    upstream: Upstream,
    tls: Option<Arc<ServerConfig>>,
    recorded: Mutex<Recorded>,
    settled: Condvar,
}

#[derive(Default)]
struct Recorded {
    exchanges: Vec<Exchange>,
    open: usize,
    state: State,
}

impl Front {
    /// A front on a free port of `ip`, serving TLS when `tls` is given.
    #[track_caller]
    pub fn start(ip: &str, rules: Vec<Behaviour>, upstream: Upstream, tls: Option<Arc<ServerConfig>>) -> Front {
        let listener = TcpListener::bind((ip, 0)).unwrap_or_else(|error| panic!("bind an emulation on {ip}: {error}"));
        let authority = listener.local_addr().expect("listening address").to_string();
        let scheme = if tls.is_some() { "https" } else { "http" };
        let recorded = Mutex::new(Recorded::default());
        let shared = Arc::new(Shared { authority, scheme, rules, upstream, tls, recorded, settled: Condvar::new() });
        let thread_shared = Arc::clone(&shared);
        Front { _serving: Serving::start(listener, move |stream| thread_shared.serve(stream)), shared }
    }

    /// `HOST:PORT`.
    pub fn authority(&self) -> &str {
        &self.shared.authority
    }

    pub fn scheme(&self) -> &'static str {
        self.shared.scheme
    }

    /// Every exchange so far, oldest first, once those in flight finished (or after 5 s).
    pub fn exchanges(&self) -> Vec<Exchange> {
        let recorded = self.shared.recorded.lock().expect("emulation record");
        let (recorded, _) = self
            .shared
            .settled
            .wait_timeout_while(recorded, SETTLE_TIMEOUT, |recorded| recorded.open > 0)
            .expect("emulation record");
        recorded.exchanges.clone()
    }
}

impl Shared {
    fn serve(&self, stream: TcpStream) {
        let (scheme, connection) = match &self.tls {
            Some(config) if tls::starts_tls(&stream) => ("https", tls::accept(stream, config)),
            _ => ("http", Ok(Box::new(stream) as Box<dyn Conn>)),
        };
        let Ok(connection) = connection else { return };
        let mut client = BufReader::new(connection);
        let Ok(Some(head)) = read_head(&mut client) else { return };
        let mut parts = head.start.split(' ');
        let (method, target) = (parts.next().unwrap_or_default(), parts.next().unwrap_or_default());
        let request = Request { method: method.into(), target: target.into(), headers: head.headers.clone() };
        let mut exchange = Exchange {
            scheme,
            method: request.method.clone(),
            path: request.target.clone(),
            headers: request.headers.clone(),
            status: 0,
            sent: 0,
            emulated: false,
        };
        self.recorded.lock().expect("emulation record").open += 1;
        if self.exchange(&mut client, request, &head, &mut exchange).is_ok() {
            let _ = client.get_mut().finish();
        }
        // Recorded before the connection closes, so a client that saw the end finds it.
        let mut recorded = self.recorded.lock().expect("emulation record");
        recorded.exchanges.push(exchange);
        recorded.open -= 1;
        self.settled.notify_all();
    }

    fn context(&self) -> Context<'_> {
        Context { scheme: self.scheme, authority: &self.authority }
    }

    fn exchange(
        &self,
        client: &mut BufReader<Box<dyn Conn>>,
        mut request: Request,
        head: &Head,
        exchange: &mut Exchange,
    ) -> io::Result<()> {
        let framing = head.framing(None);
        if exchange.scheme == "http" && self.tls.is_some() {
            return self.answer_in_place(client, &request, framing, plain_http_on_tls_port(), exchange);
        }
        if request.is_token() {
            return self.token_exchange(client, request, framing, exchange);
        }
        let answer = {
            let mut recorded = self.recorded.lock().expect("emulation record");
            let context = self.context();
            self.rules.iter().find_map(|rule| rule.on_request(&mut request, &mut recorded.state, &context))
        };
        if let Some(answer) = answer {
            return self.answer_in_place(client, &request, framing, answer, exchange);
        }
        request.set_header("X-Forwarded-Proto", self.scheme);
        let mut upstream = self.connect(&self.upstream.registry, self.upstream.tls.as_ref())?;
        send_request(&mut upstream, &request)?;
        if expects_continue(&request) {
            client.get_mut().write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
        }
        let mut shaper = Shaper::default();
        let relayed = relay_body(client, &mut upstream, framing, &mut shaper);
        exchange.sent = shaper.passed;
        relayed?;
        upstream.flush()?;
        let mut upstream = BufReader::new(upstream);
        let (mut response, framing) = read_response(&mut upstream, &request)?;
        if self.rules.iter().any(|rule| rule.wants_body(&request)) {
            response.body = Some(read_body(&mut upstream, framing)?);
        }
        {
            let mut recorded = self.recorded.lock().expect("emulation record");
            for rule in &self.rules {
                rule.on_response(&request, &mut response, &mut recorded.state, exchange.sent);
            }
        }
        self.rewrite_realm(&mut response);
        exchange.status = response.status;
        send_response(client.get_mut(), &request, response, &mut upstream, framing)
    }

    /// A token request: scope rules, then the real token server, then the answer reshaped.
    fn token_exchange(
        &self,
        client: &mut BufReader<Box<dyn Conn>>,
        mut request: Request,
        framing: Framing,
        exchange: &mut Exchange,
    ) -> io::Result<()> {
        let Some((token_server, _)) = &self.upstream.token else {
            let answer = Response::error(404, "NOT_FOUND", "no token service here");
            return self.answer_in_place(client, &request, framing, answer, exchange);
        };
        if let Framing::Length(length) = framing
            && length > TOKEN_BODY_LIMIT
        {
            return Err(io::ErrorKind::InvalidData.into());
        }
        let mut body = Vec::new();
        relay_body(client, &mut body, framing, &mut Shaper::default())?;
        exchange.sent = body.len() as u64;
        if let Some(answer) = super::token::rewrite_request(&self.rules, &mut request, &mut body) {
            exchange.emulated = true;
            exchange.status = answer.status;
            return send_answer(client.get_mut(), &request, answer);
        }
        request.headers.retain(|(name, _)| !name.eq_ignore_ascii_case("transfer-encoding"));
        if request.is("POST") {
            request.set_header("Content-Length", &body.len().to_string());
        }
        let mut upstream = self.connect(token_server, None)?;
        send_request(&mut upstream, &request)?;
        upstream.write_all(&body)?;
        let mut upstream = BufReader::new(upstream);
        let (mut response, framing) = read_response(&mut upstream, &request)?;
        response.body = Some(read_body(&mut upstream, framing)?);
        super::token::rewrite_response(&self.rules, &mut response);
        exchange.status = response.status;
        send_answer(client.get_mut(), &request, response)
    }

    /// Reads what the client sent (so that closing does not reset the connection under the
    /// answer; a client waiting for `100 Continue` sent nothing yet), then answers.
    fn answer_in_place(
        &self,
        client: &mut BufReader<Box<dyn Conn>>,
        request: &Request,
        framing: Framing,
        answer: Answer,
        exchange: &mut Exchange,
    ) -> io::Result<()> {
        if !expects_continue(request) {
            let mut shaper = Shaper::default();
            relay_body(client, &mut io::sink(), framing, &mut shaper)?;
            exchange.sent = shaper.passed;
        }
        exchange.emulated = true;
        exchange.status = answer.status;
        let mut answer = answer;
        self.rewrite_realm(&mut answer);
        send_answer(client.get_mut(), request, answer)
    }

    fn connect(&self, addr: &str, tls: Option<&Arc<ClientConfig>>) -> io::Result<Box<dyn Conn>> {
        let stream = TcpStream::connect(addr)?;
        stream.set_read_timeout(Some(IDLE_TIMEOUT))?;
        stream.set_write_timeout(Some(IDLE_TIMEOUT))?;
        match tls {
            Some(config) => tls::connect(stream, config),
            None => Ok(Box::new(stream)),
        }
    }

    /// Challenges name the front's token endpoint in place of the token server's.
    fn rewrite_realm(&self, response: &mut Response) {
        let Some((_, upstream_realm)) = &self.upstream.token else { return };
        let realm = self.context().realm();
        for (name, value) in &mut response.headers {
            if name.eq_ignore_ascii_case("www-authenticate") {
                *value = value.replace(upstream_realm.as_str(), &realm);
            }
        }
    }
}

fn expects_continue(request: &Request) -> bool {
    request.header("expect").is_some_and(|value| value.eq_ignore_ascii_case("100-continue"))
}

/// What nginx answers to plain HTTP on its HTTPS port.
fn plain_http_on_tls_port() -> Answer {
    let page = "<html>\r\n<head><title>400 The plain HTTP request was sent to HTTPS port</title></head>\r\n\
                <body>\r\n<center><h1>400 Bad Request</h1></center>\r\n<center>The plain HTTP request was sent \
                to HTTPS port</center>\r\n</body>\r\n</html>\r\n";
    Response::with_body(400, "text/html", page.as_bytes())
}

fn send_request(upstream: &mut Box<dyn Conn>, request: &Request) -> io::Result<()> {
    write_head(upstream, &format!("{} {} HTTP/1.1", request.method, request.target), &request.headers)
}

/// The response head (interim `1xx` answers skipped) and how its body is framed.
fn read_response(upstream: &mut impl BufRead, request: &Request) -> io::Result<(Response, Framing)> {
    loop {
        let head = read_head(upstream)?.ok_or(io::ErrorKind::UnexpectedEof)?;
        let status: u16 = head.start.split(' ').nth(1).and_then(|code| code.parse().ok()).unwrap_or(0);
        if status / 100 != 1 {
            let framing = head.framing(Some((&request.method, status)));
            return Ok((Response { status, headers: head.headers, body: None }, framing));
        }
    }
}

/// Sends a response whose body is in hand, with framing to match.
fn send_answer(client: &mut Box<dyn Conn>, request: &Request, mut response: Response) -> io::Result<()> {
    let body = response.body.take().unwrap_or_default();
    response.remove_header("Transfer-Encoding");
    let bodiless = request.is("HEAD") || matches!(response.status, 204 | 304);
    if matches!(response.status, 204 | 304) {
        response.remove_header("Content-Length");
    } else if !request.is("HEAD") {
        response.set_header("Content-Length", &body.len().to_string());
    }
    write_head(client, &format!("HTTP/1.1 {} {}", response.status, response.reason()), &response.headers)?;
    if !bodiless {
        client.write_all(&body)?;
    }
    client.flush()
}

/// Sends the response: its body from `upstream` as framed there, unless one is in hand.
fn send_response(
    client: &mut Box<dyn Conn>,
    request: &Request,
    response: Response,
    upstream: &mut impl BufRead,
    framing: Framing,
) -> io::Result<()> {
    if response.body.is_some() {
        return send_answer(client, request, response);
    }
    write_head(client, &format!("HTTP/1.1 {} {}", response.status, response.reason()), &response.headers)?;
    relay_body(upstream, client, framing, &mut Shaper::default())?;
    client.flush()
}
