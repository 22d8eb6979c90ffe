//! The few HTTP/1.1 pieces the test servers share (the fault proxy, the token server, the
//! hostile registry, the registry emulations): a listener served a thread per connection,
//! message heads read and written, bodies relayed as they are framed; and a bare client,
//! [`request`], for tests that look at the wire without any real client in between.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use super::registry::USER_AGENT;

/// How long a stalled peer may keep a connection's thread.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(30);

/// A listener served on a thread of its own, each connection on a new thread, until dropped.
pub struct Serving {
    pub addr: String,
    stop: Arc<AtomicBool>,
}

impl Serving {
    pub fn start(listener: TcpListener, handle: impl Fn(TcpStream) + Send + Sync + 'static) -> Serving {
        let addr = listener.local_addr().expect("listening address").to_string();
        let stop = Arc::new(AtomicBool::new(false));
        let (handle, thread_stop) = (Arc::new(handle), Arc::clone(&stop));
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if thread_stop.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let handle = Arc::clone(&handle);
                std::thread::spawn(move || {
                    let _ = stream.set_read_timeout(Some(IDLE_TIMEOUT));
                    let _ = stream.set_write_timeout(Some(IDLE_TIMEOUT));
                    handle(stream);
                });
            }
        });
        Serving { addr, stop }
    }
}

impl Drop for Serving {
    /// Stops accepting (a connection wakes the accept up); exchanges in flight finish.
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(&self.addr);
    }
}

/// Writes a head with `Connection: close` in place of the hop-by-hop headers and `Expect` (which
/// the proxy answers itself).
pub fn write_head(to: &mut impl Write, start: &str, headers: &[(String, String)]) -> io::Result<()> {
    let mut text = format!("{start}\r\n");
    for (name, value) in headers {
        if !["connection", "keep-alive", "proxy-connection", "expect"].iter().any(|hop| name.eq_ignore_ascii_case(hop))
        {
            text += &format!("{name}: {value}\r\n");
        }
    }
    to.write_all(format!("{text}Connection: close\r\n\r\n").as_bytes())
}

/// A request or response head: the start line and the headers in order.
#[derive(Clone, Debug)]
pub struct Head {
    pub start: String,
    pub headers: Vec<(String, String)>,
}

/// How a message's body ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Framing {
    Length(u64),
    Chunked,
    UntilClose,
}

impl Head {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)).map(|(_, value)| value.as_str())
    }

    /// The body's framing; `response` is the request's method and the status, for a response.
    pub fn framing(&self, response: Option<(&str, u16)>) -> Framing {
        if let Some((method, status)) = response
            && (method == "HEAD" || status / 100 == 1 || status == 204 || status == 304)
        {
            return Framing::Length(0);
        }
        if self.header("transfer-encoding").is_some_and(|value| value.to_ascii_lowercase().contains("chunked")) {
            return Framing::Chunked;
        }
        match self.header("content-length").and_then(|value| value.trim().parse().ok()) {
            Some(length) => Framing::Length(length),
            None if response.is_some() => Framing::UntilClose,
            None => Framing::Length(0),
        }
    }
}

/// Reads a head up to its blank line; `None` when the peer closed before sending anything.
pub fn read_head(reader: &mut impl BufRead) -> io::Result<Option<Head>> {
    // A TLS ClientHello (clients that try HTTPS first, as skopeo does) has no line to wait for:
    // the caller answers it at once, as a Go server does, and they fall back to HTTP.
    if reader.fill_buf()?.first().is_some_and(|byte| !byte.is_ascii_alphabetic()) {
        return Err(io::Error::new(io::ErrorKind::InvalidData, "not HTTP/1.1"));
    }
    let mut lines = Vec::new();
    loop {
        let mut line = Vec::new();
        if reader.by_ref().take(64 * 1024).read_until(b'\n', &mut line)? == 0 {
            return if lines.is_empty() { Ok(None) } else { Err(io::ErrorKind::UnexpectedEof.into()) };
        }
        let line = String::from_utf8_lossy(&line).trim_end_matches(['\r', '\n']).to_string();
        if line.is_empty() {
            break;
        }
        lines.push(line);
    }
    let start = lines.remove(0);
    let headers = lines
        .iter()
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_string(), value.trim().to_string()))
        .collect();
    Ok(Some(Head { start, headers }))
}

/// What happens to body bytes on their way: one byte flipped at offset `flip`, the rest dropped
/// after `cut` bytes; `passed` counts those sent.
#[derive(Default)]
pub struct Shaper {
    pub flip: Option<u64>,
    pub cut: Option<u64>,
    /// Bytes per second: a slow link (each piece waits as long as it would take on one).
    pub rate: Option<u64>,
    pub passed: u64,
}

impl Shaper {
    /// Changes `piece` in place and returns how much of it to send.
    pub fn shape(&mut self, piece: &mut [u8]) -> usize {
        if let Some(offset) = self.flip
            && let Some(byte) = offset.checked_sub(self.passed).and_then(|at| piece.get_mut(at as usize))
        {
            *byte ^= 0xff;
        }
        let keep = match self.cut {
            Some(cut) => (cut.saturating_sub(self.passed)).min(piece.len() as u64) as usize,
            None => piece.len(),
        };
        self.passed += keep as u64;
        if let Some(rate) = self.rate.filter(|rate| *rate > 0) {
            std::thread::sleep(std::time::Duration::from_secs_f64(keep as f64 / rate as f64));
        }
        keep
    }
}

/// Copies a body framed as `framing` (chunk framing as is), shaping its payload; stops with
/// `Ok` early when the shaper cuts it.
pub fn relay_body(
    from: &mut impl BufRead,
    to: &mut impl Write,
    framing: Framing,
    shaper: &mut Shaper,
) -> io::Result<()> {
    let mut buffer = vec![0; 64 * 1024];
    let mut copy = |from: &mut dyn BufRead, to: &mut dyn Write, mut left: Option<u64>| -> io::Result<bool> {
        while left != Some(0) {
            let want = left.unwrap_or(u64::MAX).min(buffer.len() as u64) as usize;
            let read = from.read(&mut buffer[..want])?;
            if read == 0 {
                return if left.is_none() { Ok(true) } else { Err(io::ErrorKind::UnexpectedEof.into()) };
            }
            let keep = shaper.shape(&mut buffer[..read]);
            to.write_all(&buffer[..keep])?;
            if keep < read {
                return Ok(false);
            }
            left = left.map(|left| left - read as u64);
        }
        Ok(true)
    };
    match framing {
        Framing::Length(length) => copy(from, to, Some(length)).map(drop),
        Framing::UntilClose => copy(from, to, None).map(drop),
        Framing::Chunked => loop {
            // `SIZE[;extension]\r\n DATA \r\n`, ended by a zero size and trailers up to a blank line.
            let mut line = Vec::new();
            if from.read_until(b'\n', &mut line)? == 0 {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
            to.write_all(&line)?;
            let text = String::from_utf8_lossy(&line);
            let size = text.split(';').next().map(str::trim).and_then(|hex| u64::from_str_radix(hex, 16).ok());
            let size = size.ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "bad chunk size"))?;
            if size == 0 {
                loop {
                    let mut trailer = Vec::new();
                    from.read_until(b'\n', &mut trailer)?;
                    to.write_all(&trailer)?;
                    if trailer.trim_ascii().is_empty() {
                        return Ok(());
                    }
                }
            }
            if !copy(from, to, Some(size))? {
                return Ok(());
            }
            let mut end = [0; 2];
            from.read_exact(&mut end)?;
            to.write_all(&end)?;
        },
    }
}

/// A body framed as `framing`, read whole; a chunked one decoded.
pub fn read_body(from: &mut impl BufRead, framing: Framing) -> io::Result<Vec<u8>> {
    let mut raw = Vec::new();
    relay_body(from, &mut raw, framing, &mut Shaper::default())?;
    Ok(if framing == Framing::Chunked { dechunk(&raw)? } else { raw })
}

/// The payload of a chunked body (`SIZE[;extension]\r\n DATA \r\n`, ended by a zero size),
/// as far as it goes.
fn dechunk(mut raw: &[u8]) -> io::Result<Vec<u8>> {
    let mut body = Vec::new();
    while let Some(end) = raw.windows(2).position(|pair| pair == b"\r\n") {
        let line = String::from_utf8_lossy(&raw[..end]);
        let size = usize::from_str_radix(line.split(';').next().unwrap_or_default().trim(), 16)
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "bad chunk size"))?;
        if size == 0 {
            break;
        }
        let data = raw.get(end + 2..end + 2 + size).ok_or(io::ErrorKind::UnexpectedEof)?;
        body.extend_from_slice(data);
        raw = raw.get(end + 4 + size..).unwrap_or_default();
    }
    Ok(body)
}

/// An answer to [`request`]: status, headers, and the body up to where the server closed
/// (chunked bodies decoded).
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    /// The first header called `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)).map(|(_, value)| value.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|error| panic!("{error}: {}", self.text()))
    }
}

/// One HTTP/1.1 request to `addr` on a fresh TCP connection; see [`exchange`].
pub fn request(addr: &str, method: &str, target: &str, headers: &[(&str, &str)], body: &[u8]) -> io::Result<Reply> {
    let stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(IDLE_TIMEOUT))?;
    exchange(stream, addr, method, target, headers, body)
}

/// Sends one request over `connection` (`Connection: close`, the harness's [`USER_AGENT`],
/// `Content-Length` of `body`, then `headers`) and reads the answer as it is framed: a body
/// cut short is returned as far as it came.
pub fn exchange(
    mut connection: impl Read + Write,
    addr: &str,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> io::Result<Reply> {
    let mut head = format!(
        "{method} {target} HTTP/1.1\r\nHost: {addr}\r\nUser-Agent: {USER_AGENT}\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        head += &format!("{name}: {value}\r\n");
    }
    connection.write_all(format!("{head}Connection: close\r\n\r\n").as_bytes())?;
    connection.write_all(body)?;
    connection.flush()?;
    let mut reader = BufReader::new(connection);
    let answer = read_head(&mut reader)?.ok_or(io::ErrorKind::UnexpectedEof)?;
    let status = answer.start.split(' ').nth(1).and_then(|code| code.parse().ok());
    let status = status.ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, answer.start.clone()))?;
    let framing = answer.framing(Some((method, status)));
    let mut raw = Vec::new();
    // A body cut short (the server closed early, as the fault proxy does) is kept as it came.
    match relay_body(&mut reader, &mut raw, framing, &mut Shaper::default()) {
        Err(error) if !matches!(error.kind(), io::ErrorKind::UnexpectedEof | io::ErrorKind::ConnectionReset) => {
            return Err(error);
        }
        _ => {}
    }
    let body = if framing == Framing::Chunked { dechunk(&raw)? } else { raw };
    Ok(Reply { status, headers: answer.headers, body })
}
