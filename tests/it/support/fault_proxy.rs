//! A misbehaving middleman: an HTTP/1.1 proxy in front of a registry (plain HTTP, a thread per
//! connection, `Connection: close` forced on both sides) that forwards each request unchanged,
//! `Host` included, so the registry's upload `Location`s point back at the proxy, unless one of
//! its [`Faults`] applies: a flipped byte, a body cut short, an error status, a redirect, a
//! garbage or huge manifest. It records every request it saw ([`FaultProxy::requests`]) with the
//! status it answered and the body bytes it sent, so that tests can prove what went over the wire.
//!
//! Its HTTP/1.1 pieces are [`super::http`]'s, which the token server, the hostile registry and
//! the registry emulations ([`super::emulation`]) share.

use std::io::{self, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use super::http::{Framing, Head, IDLE_TIMEOUT, Serving, Shaper, read_head, relay_body, write_head};

/// The part of a path that blob requests have.
pub const BLOBS: &str = "/blobs/sha256:";
/// The part of a path that manifest requests have.
pub const MANIFESTS: &str = "/manifests/";
/// How long [`FaultProxy::requests`] waits for exchanges still in flight.
const SETTLE_TIMEOUT: Duration = Duration::from_secs(5);

/// What a [`Rule`] does to a request it matches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Forwards the first `times` matching requests untouched, so that later rules hit later
    /// requests (e.g. the second chunk of an upload).
    Pass { times: usize },
    /// Forwards the request (the registry handles it) but closes the connection instead of
    /// answering, for the first `times` matching requests: the client cannot know it landed.
    DropResponse { times: usize },
    /// Flips every bit of one byte of the response body: the middle one when the length is known.
    FlipByte,
    /// Forwards the request head and the first `bytes` of its body, then closes both
    /// connections: an upload broken half-way, of which the registry kept what arrived.
    CutRequestAfter { bytes: u64, times: usize },
    /// Sends the headers and the first `bytes` body bytes, then closes; for the first `times` requests.
    CutAfter { bytes: u64, times: usize },
    /// Forwards requests and answers, bodies at `bytes_per_second` both ways: a slow link.
    Throttle { bytes_per_second: u64 },
    /// Answers `status` without asking the registry (429 with `Retry-After: 1`); `times` times.
    Fail { status: u16, times: usize },
    /// Answers `307` to `http://TO/SAME-PATH-AND-QUERY`.
    Redirect { to: String },
    /// Answers `200` with an OCI manifest content type and a body that is not JSON.
    GarbageManifest,
    /// Answers `200` with `Content-Length: bytes` and that many spaces.
    HugeManifest { bytes: u64 },
}

/// A fault for the requests whose path contains `pattern` and, when `method` is set, of that method.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    pub pattern: String,
    pub method: Option<String>,
    pub fault: Fault,
}

/// The rules of a proxy, tried in order: the first that matches and is not used up applies, so
/// `fail_first(1, 503)` then `cut_blob_after(10, 1)` fails a request, cuts the next, passes the rest.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Faults {
    pub rules: Vec<Rule>,
}

impl Faults {
    /// No faults: the proxy passes everything through.
    pub fn none() -> Faults {
        Faults::default()
    }

    /// Flips one byte in the body of blob GETs; the length stays the same.
    pub fn flip_byte_in_blob(self) -> Faults {
        self.with(BLOBS, Some("GET"), Fault::FlipByte)
    }

    /// Cuts the first `times` blob GETs after `bytes` body bytes.
    pub fn cut_blob_after(self, bytes: u64, times: usize) -> Faults {
        self.with(BLOBS, Some("GET"), Fault::CutAfter { bytes, times })
    }

    /// Answers the first `times` requests (any path and method; narrow it with [`Faults::on`]) with `status`.
    pub fn fail_first(self, times: usize, status: u16) -> Faults {
        self.with("", None, Fault::Fail { status, times })
    }

    /// Redirects blob GETs to the same path on `addr` (`HOST:PORT`, e.g. another proxy's).
    pub fn redirect_blobs_to(self, addr: &str) -> Faults {
        self.with(BLOBS, Some("GET"), Fault::Redirect { to: addr.to_string() })
    }

    /// Answers manifest GETs with invalid JSON.
    pub fn garbage_manifest(self) -> Faults {
        self.with(MANIFESTS, Some("GET"), Fault::GarbageManifest)
    }

    /// Answers manifest GETs with a body of `bytes` spaces.
    pub fn huge_manifest(self, bytes: u64) -> Faults {
        self.with(MANIFESTS, Some("GET"), Fault::HugeManifest { bytes })
    }

    /// Cuts the body of the first `times` requests (until narrowed) after `bytes` bytes.
    pub fn cut_request_after(self, bytes: u64, times: usize) -> Faults {
        self.with("", None, Fault::CutRequestAfter { bytes, times })
    }

    /// Sends every body (of requests and answers, until narrowed) at `bytes_per_second`.
    pub fn throttle(self, bytes_per_second: u64) -> Faults {
        self.with("", None, Fault::Throttle { bytes_per_second })
    }

    /// Lets the first `times` requests (of any path, until narrowed with `on`/`method`) through.
    pub fn pass(self, times: usize) -> Faults {
        self.with("", None, Fault::Pass { times })
    }

    /// Forwards, then drops the answer of, the first `times` requests (until narrowed).
    pub fn drop_response(self, times: usize) -> Faults {
        self.with("", None, Fault::DropResponse { times })
    }

    /// Narrows the last rule to paths containing `pattern`.
    pub fn on(mut self, pattern: &str) -> Faults {
        self.rules.last_mut().expect("a rule to narrow").pattern = pattern.to_string();
        self
    }

    /// Narrows the last rule to `method` requests (`None`: any method).
    pub fn method(mut self, method: Option<&str>) -> Faults {
        self.rules.last_mut().expect("a rule to narrow").method = method.map(str::to_string);
        self
    }

    fn with(mut self, pattern: &str, method: Option<&str>, fault: Fault) -> Faults {
        self.rules.push(Rule { pattern: pattern.to_string(), method: method.map(str::to_string), fault });
        self
    }
}

/// One request the proxy saw and what it answered.
#[derive(Clone, Debug)]
pub struct SeenRequest {
    pub method: String,
    /// The request target: path and query.
    pub path: String,
    /// The client's headers, names as sent.
    pub headers: Vec<(String, String)>,
    /// The status sent back (0 when the exchange broke before one).
    pub status: u16,
    /// Response body bytes sent to the client (chunk framing not counted).
    pub body_bytes: u64,
    /// The fault applied, if any.
    pub fault: Option<Fault>,
}

impl SeenRequest {
    /// The first header called `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)).map(|(_, value)| value.as_str())
    }
}

/// A running proxy; dropping it stops accepting (exchanges in flight finish).
pub struct FaultProxy {
    serving: Serving,
    shared: Arc<Shared>,
}

struct Shared {
    upstream: String,
    rules: Vec<Rule>,
    state: Mutex<State>,
    settled: Condvar,
}

#[derive(Default)]
struct State {
    requests: Vec<SeenRequest>,
    used: Vec<usize>,
    open: usize,
}

impl FaultProxy {
    /// A proxy on a free `127.0.0.1` port in front of `upstream` (`HOST:PORT`).
    #[track_caller]
    pub fn start(upstream: &str, faults: Faults) -> FaultProxy {
        FaultProxy::start_on("127.0.0.1", upstream, faults)
    }

    /// A proxy on a free port of `ip` (another loopback address, `127.0.0.2`, is another host).
    #[track_caller]
    pub fn start_on(ip: &str, upstream: &str, faults: Faults) -> FaultProxy {
        let listener = TcpListener::bind((ip, 0)).unwrap_or_else(|error| panic!("bind the proxy on {ip}: {error}"));
        let used = vec![0; faults.rules.len()];
        let state = Mutex::new(State { used, ..State::default() });
        let shared =
            Arc::new(Shared { upstream: upstream.to_string(), rules: faults.rules, state, settled: Condvar::new() });
        let thread_shared = Arc::clone(&shared);
        FaultProxy { serving: Serving::start(listener, move |stream| serve(stream, &thread_shared)), shared }
    }

    /// `HOST:PORT` to use in place of the registry's.
    pub fn addr(&self) -> &str {
        &self.serving.addr
    }

    /// Every request seen so far, oldest first, once those in flight finished (or after 5 s).
    pub fn requests(&self) -> Vec<SeenRequest> {
        let state = self.shared.state.lock().expect("proxy state");
        let (state, _) =
            self.shared.settled.wait_timeout_while(state, SETTLE_TIMEOUT, |s| s.open > 0).expect("proxy state");
        state.requests.clone()
    }
}

fn serve(client: TcpStream, shared: &Shared) {
    let Ok(reading) = client.try_clone() else { return };
    let mut reader = BufReader::new(reading);
    let mut writer = client;
    let head = match read_head(&mut reader) {
        Ok(Some(head)) => head,
        // A TLS ClientHello: answered as a Go HTTP server (a registry on plain HTTP) answers it.
        Err(error) if error.kind() == io::ErrorKind::InvalidData => {
            let _ = writer.write_all(b"HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n400 Bad Request");
            return;
        }
        _ => return,
    };
    let mut parts = head.start.split(' ');
    let (method, path) = (parts.next().unwrap_or_default().to_string(), parts.next().unwrap_or_default().to_string());
    let mut seen = SeenRequest { method, path, headers: head.headers.clone(), status: 0, body_bytes: 0, fault: None };
    seen.fault = shared.pick(&seen);
    let _ = exchange(&mut reader, &mut writer, &head, &shared.upstream, &mut seen);
    // Recorded before the connection closes, so a client that saw the end finds it in `requests`.
    let mut state = shared.state.lock().expect("proxy state");
    state.requests.push(seen);
    state.open -= 1;
    shared.settled.notify_all();
}

impl Shared {
    /// The fault for this request, if any, counting its use; also counts the exchange as open.
    fn pick(&self, request: &SeenRequest) -> Option<Fault> {
        let mut state = self.state.lock().expect("proxy state");
        state.open += 1;
        for (index, rule) in self.rules.iter().enumerate() {
            let method_matches = rule.method.as_ref().is_none_or(|method| *method == request.method);
            if !method_matches || !request.path.contains(&rule.pattern) {
                continue;
            }
            if let Fault::CutAfter { times, .. }
            | Fault::Fail { times, .. }
            | Fault::Pass { times }
            | Fault::CutRequestAfter { times, .. }
            | Fault::DropResponse { times } = rule.fault
                && state.used[index] >= times
            {
                continue;
            }
            state.used[index] += 1;
            return Some(rule.fault.clone());
        }
        None
    }
}

fn exchange(
    reader: &mut BufReader<TcpStream>,
    writer: &mut TcpStream,
    head: &Head,
    upstream: &str,
    seen: &mut SeenRequest,
) -> io::Result<()> {
    let expects_continue = head.header("expect").is_some_and(|value| value.eq_ignore_ascii_case("100-continue"));
    let request_framing = head.framing(None);
    let mut shaper = Shaper::default();
    let mut request_shaper = Shaper::default();
    match seen.fault.clone() {
        Some(Fault::CutAfter { bytes, .. }) => shaper.cut = Some(bytes),
        Some(Fault::Throttle { bytes_per_second }) => {
            shaper.rate = Some(bytes_per_second);
            request_shaper.rate = Some(bytes_per_second);
        }
        Some(Fault::FlipByte) => shaper.flip = Some(0),
        None | Some(Fault::Pass { .. } | Fault::DropResponse { .. } | Fault::CutRequestAfter { .. }) => {}
        Some(fault) => {
            // Read what the client sent, so closing does not reset the connection under the
            // answer; a client waiting for `100 Continue` sent nothing yet.
            if !expects_continue {
                relay_body(reader, &mut io::sink(), request_framing, &mut Shaper::default())?;
            }
            return answer(writer, fault, seen);
        }
    }

    let mut upstream = TcpStream::connect(upstream)?;
    upstream.set_read_timeout(Some(IDLE_TIMEOUT))?;
    write_head(&mut upstream, &head.start, &head.headers)?;
    if expects_continue {
        writer.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
    }
    if let Some(Fault::CutRequestAfter { bytes, .. }) = seen.fault {
        relay_body(reader, &mut upstream, request_framing, &mut Shaper { cut: Some(bytes), ..Shaper::default() })?;
        upstream.flush()?;
        // Give the registry a moment to take what arrived before the connection goes.
        std::thread::sleep(Duration::from_millis(200));
        return Ok(()); // both connections close with no answer
    }
    relay_body(reader, &mut upstream, request_framing, &mut request_shaper)?;

    let mut upstream = BufReader::new(upstream);
    let response = loop {
        let response = read_head(&mut upstream)?.ok_or(io::ErrorKind::UnexpectedEof)?;
        if !response.start.split(' ').nth(1).is_some_and(|code| code.starts_with('1')) {
            break response;
        }
    };
    let status = response.start.split(' ').nth(1).and_then(|code| code.parse().ok()).unwrap_or(0);
    if let Some(Fault::DropResponse { .. }) = seen.fault {
        seen.status = status;
        return Ok(()); // the client's connection closes with no answer
    }
    write_head(writer, &response.start, &response.headers)?;
    seen.status = status;
    let framing = response.framing(Some((&seen.method, status)));
    if let (Some(_), Framing::Length(length)) = (shaper.flip, framing) {
        shaper.flip = Some(length / 2);
    }
    let result = relay_body(&mut upstream, writer, framing, &mut shaper);
    seen.body_bytes = shaper.passed;
    result
}

/// Answers in place of the registry.
fn answer(writer: &mut TcpStream, fault: Fault, seen: &mut SeenRequest) -> io::Result<()> {
    let text = |text: &str| text.to_string();
    let manifest = (text("Content-Type"), text("application/vnd.oci.image.manifest.v1+json"));
    let (status, reason, mut headers, body, length) = match fault {
        Fault::Fail { status, .. } => {
            let (reason, code) = match status {
                429 => ("Too Many Requests", "TOOMANYREQUESTS"),
                503 => ("Service Unavailable", "UNAVAILABLE"),
                _ => ("Injected Fault", "UNKNOWN"),
            };
            let body = format!(r#"{{"errors":[{{"code":"{code}","message":"injected by the fault proxy"}}]}}"#);
            let mut headers = vec![(text("Content-Type"), text("application/json"))];
            if status == 429 {
                headers.push((text("Retry-After"), text("1")));
            }
            (status, reason, headers, body.into_bytes(), None)
        }
        Fault::Redirect { to } => {
            (307, "Temporary Redirect", vec![(text("Location"), format!("http://{to}{}", seen.path))], Vec::new(), None)
        }
        Fault::GarbageManifest => (200, "OK", vec![manifest], br#"{"schemaVersion": 2, "layers": [{,"#.to_vec(), None),
        Fault::HugeManifest { bytes } => (200, "OK", vec![manifest], Vec::new(), Some(bytes)),
        Fault::CutAfter { .. }
        | Fault::Throttle { .. }
        | Fault::FlipByte
        | Fault::Pass { .. }
        | Fault::DropResponse { .. }
        | Fault::CutRequestAfter { .. } => {
            unreachable!("forwarded faults")
        }
    };
    headers.push((text("Content-Length"), length.unwrap_or(body.len() as u64).to_string()));
    write_head(writer, &format!("HTTP/1.1 {status} {reason}"), &headers)?;
    seen.status = status;
    writer.write_all(&body)?;
    seen.body_bytes = body.len() as u64;
    // A huge body: spaces, 64 KiB at a time, until the client gives up or all are sent.
    let spaces = [b' '; 64 * 1024];
    while seen.body_bytes < length.unwrap_or(0) {
        let piece = (length.unwrap_or(0) - seen.body_bytes).min(spaces.len() as u64) as usize;
        writer.write_all(&spaces[..piece])?;
        seen.body_bytes += piece as u64;
    }
    Ok(())
}
