//! TLS for the emulations, with rustls (ring): a front that serves HTTPS with a certificate for
//! `127.0.0.1` (the registry's own, or one made for the front), and the client side towards a
//! registry that serves HTTPS itself (`Setup::BasicTls`). Connections are plain blocking
//! streams, one exchange each, as in the fault proxy.

use std::io::{self, Read, Write};
use std::net::{IpAddr, Ipv4Addr, TcpStream};
use std::path::Path;
use std::sync::Arc;

use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use rustls::{ClientConfig, ClientConnection, RootCertStore, ServerConfig, ServerConnection, StreamOwned};

/// A byte stream to a peer: a TCP connection, maybe under TLS.
pub trait Conn: Read + Write + Send {
    /// Ends the stream as its protocol wants: TLS says `close_notify`, so that a peer reading
    /// to the end can tell the end from a cut.
    fn finish(&mut self) -> io::Result<()> {
        self.flush()
    }
}

impl Conn for TcpStream {}

impl Conn for StreamOwned<ServerConnection, TcpStream> {
    fn finish(&mut self) -> io::Result<()> {
        self.conn.send_close_notify();
        self.flush()
    }
}

impl Conn for StreamOwned<ClientConnection, TcpStream> {
    fn finish(&mut self) -> io::Result<()> {
        self.conn.send_close_notify();
        self.flush()
    }
}

/// The first byte of a TLS record carrying a handshake (a ClientHello).
const TLS_HANDSHAKE: u8 = 0x16;

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// A server configuration from a PEM certificate and key.
#[track_caller]
pub fn server_config(certificate: &Path, key: &Path) -> Arc<ServerConfig> {
    let chain: Vec<CertificateDer<'static>> =
        CertificateDer::pem_file_iter(certificate).expect("read the certificate").map(|c| c.expect("PEM")).collect();
    let key = PrivateKeyDer::from_pem_file(key).expect("read the key");
    let config = ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .expect("a usable certificate and key");
    Arc::new(config)
}

/// A client configuration that trusts only the CA at `ca_pem`.
#[track_caller]
pub fn client_config(ca_pem: &Path) -> Arc<ClientConfig> {
    let mut roots = RootCertStore::empty();
    for certificate in CertificateDer::pem_file_iter(ca_pem).expect("read the CA") {
        roots.add(certificate.expect("PEM")).expect("a CA certificate");
    }
    let config = ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    Arc::new(config)
}

/// Whether the client opened with a TLS handshake (else it speaks plain HTTP to the TLS port).
pub fn starts_tls(stream: &TcpStream) -> bool {
    let mut first = [0; 1];
    matches!(stream.peek(&mut first), Ok(1) if first[0] == TLS_HANDSHAKE)
}

/// The server side of a TLS connection on `stream`; the handshake happens on first use.
pub fn accept(stream: TcpStream, config: &Arc<ServerConfig>) -> io::Result<Box<dyn Conn>> {
    let connection = ServerConnection::new(Arc::clone(config)).map_err(io::Error::other)?;
    Ok(Box::new(StreamOwned::new(connection, stream)))
}

/// A TLS connection to `127.0.0.1` over `stream`.
pub fn connect(stream: TcpStream, config: &Arc<ClientConfig>) -> io::Result<Box<dyn Conn>> {
    let name = ServerName::IpAddress(IpAddr::V4(Ipv4Addr::LOCALHOST).into());
    let connection = ClientConnection::new(Arc::clone(config), name).map_err(io::Error::other)?;
    Ok(Box::new(StreamOwned::new(connection, stream)))
}
