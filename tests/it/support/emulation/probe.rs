//! A bare HTTP/1.1 client for the emulations, so that tests can show each behaviour on the
//! wire without any real client in between: one request per connection, over TLS with the
//! emulation's CA where it serves HTTPS (or, on purpose, in plain HTTP to its TLS port).

use std::io::{BufReader, Write as _};
use std::net::TcpStream;
use std::path::Path;
use std::time::Duration;

use super::tls::{self, Conn};
use super::{Emulated, UploadHost};
use crate::support::fault_proxy::read_head;
use crate::support::registry::USER_AGENT;

/// A response to a probe.
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

/// One request: method, target (path and query), extra headers, body.
pub struct Probe<'a> {
    pub method: &'a str,
    pub target: &'a str,
    pub headers: &'a [(&'a str, &'a str)],
    pub body: &'a [u8],
}

impl Emulated {
    /// Sends `probe` to the emulation, over its own scheme.
    #[track_caller]
    pub fn send(&self, probe: &Probe) -> Reply {
        self.send_over(self.scheme() == "https", probe)
    }

    /// Sends `probe` over TLS or, with `tls` false, in plain HTTP even to a TLS front.
    #[track_caller]
    pub fn send_over(&self, tls: bool, probe: &Probe) -> Reply {
        send(self.addr(), self.ca_pem().filter(|_| tls), probe)
    }

    /// The `Authorization` the registry behind takes for `scopes` (space-separated): a token
    /// minted for the test user (token registries) or the user's Basic credentials.
    pub fn authorization(&self, scopes: &str) -> String {
        let scopes: Vec<&str> = scopes.split(' ').filter(|scope| !scope.is_empty()).collect();
        match self.registry.token_server_if_any() {
            Some(server) => format!("Bearer {}", server.token(Some(self.registry.username()), &scopes)),
            None => super::basic(&self.registry),
        }
    }
}

impl UploadHost {
    /// Sends `probe` to the upload host (plain HTTP).
    #[track_caller]
    pub fn send(&self, probe: &Probe) -> Reply {
        send(self.addr(), None, probe)
    }
}

/// Sends `probe` to `addr`, over TLS trusting `ca_pem` when one is given.
#[track_caller]
fn send(addr: &str, ca_pem: Option<&Path>, probe: &Probe) -> Reply {
    let stream = TcpStream::connect(addr).expect("connect to the emulation");
    stream.set_read_timeout(Some(Duration::from_secs(30))).expect("timeout");
    let mut connection: Box<dyn Conn> = match ca_pem {
        Some(ca_pem) => tls::connect(stream, &tls::client_config(ca_pem)).expect("TLS"),
        None => Box::new(stream),
    };
    let mut head = format!(
        "{} {} HTTP/1.1\r\nHost: {addr}\r\nUser-Agent: {USER_AGENT}\r\nContent-Length: {}\r\n",
        probe.method,
        probe.target,
        probe.body.len()
    );
    for (name, value) in probe.headers {
        head += &format!("{name}: {value}\r\n");
    }
    head += "Connection: close\r\n\r\n";
    connection.write_all(head.as_bytes()).expect("send the head");
    connection.write_all(probe.body).expect("send the body");
    connection.flush().expect("flush");
    let mut reader = BufReader::new(connection);
    let head = read_head(&mut reader).expect("read the answer").expect("an answer");
    let status = head.start.split(' ').nth(1).and_then(|code| code.parse().ok()).expect("a status");
    let body = super::front::read_body(&mut reader, head.framing(Some((probe.method, status)))).expect("the body");
    Reply { status, headers: head.headers, body }
}
