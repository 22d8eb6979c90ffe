//! A bare HTTP/1.1 client for the emulations, so that tests can show each behaviour on the
//! wire without any real client in between: one request per connection, over TLS with the
//! emulation's CA where it serves HTTPS (or, on purpose, in plain HTTP to its TLS port).

use std::net::TcpStream;
use std::path::Path;
use std::time::Duration;

use super::tls::{self, Conn};
use super::{Emulated, UploadHost};
pub use crate::support::http::Reply;
use crate::support::http::exchange;

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
    let connection: Box<dyn Conn> = match ca_pem {
        Some(ca_pem) => tls::connect(stream, &tls::client_config(ca_pem)).expect("TLS"),
        None => Box::new(stream),
    };
    exchange(connection, addr, probe.method, probe.target, probe.headers, probe.body)
        .unwrap_or_else(|error| panic!("{} {}: {error}", probe.method, probe.target))
}
