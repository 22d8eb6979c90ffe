//! TLS for a registry that has a `certs.d/HOST:PORT` folder (SPEC §3): the folder's CAs on
//! top of the system's roots, its client certificate, and one thing webpki alone would refuse
//! but docker accepts: a self-signed certificate the folder holds itself, presented by the
//! server as its own, although it is marked as a CA. Docker's documentation makes exactly that
//! (`openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=NAME -addext subjectAltName=DNS:NAME`,
//! which OpenSSL 3 marks `CA:TRUE`), and Go's verifier takes a root presented as the leaf.
//! The name must still match, and the certificate must still be in date.
//!
//! Registries without such a folder are checked against the system's roots alone, read on the
//! first certificate there is to check ([`system_config`]): a registry reached over plain HTTP
//! (on this machine, or an insecure one) never pays for reading every file of `/etc/ssl/certs`.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::{WebPkiServerVerifier, verify_server_name};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::server::ParsedCertificate;
use rustls::{CertificateError, ClientConfig, DigitallySignedStruct, Error, SignatureScheme};

/// What the `certs.d` folders of one registry hold.
#[derive(Default)]
pub(super) struct CertFolders {
    /// `*.crt`: CAs, and perhaps the server's own self-signed certificate.
    roots: Vec<CertificateDer<'static>>,
    /// `NAME.cert` + `NAME.key`: a client certificate.
    identity: Option<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>)>,
}

impl CertFolders {
    /// Reads every `certs.d/HOST:PORT` folder there is for a host; `None` when there is none.
    pub(super) fn read(folders: &[PathBuf]) -> Result<Option<CertFolders>, String> {
        let mut found = None;
        for folder in folders.iter().filter(|folder| folder.is_dir()) {
            found.get_or_insert_with(CertFolders::default).add_folder(folder)?;
        }
        Ok(found)
    }

    fn add_folder(&mut self, folder: &Path) -> Result<(), String> {
        let entries = std::fs::read_dir(folder).map_err(|err| format!("cannot read {}: {err}", folder.display()))?;
        let mut paths: Vec<PathBuf> = entries.flatten().map(|entry| entry.path()).collect();
        paths.sort();
        for path in paths {
            match path.extension().and_then(|ext| ext.to_str()) {
                Some("crt") => self.roots.extend(read_certificates(&path)?),
                Some("cert") => self.identity = Some(read_identity(&path)?),
                _ => {}
            }
        }
        Ok(())
    }

    /// The TLS configuration: these roots and identity; `insecure` verifies no certificate.
    pub(super) fn client_config(self, insecure: bool) -> Result<ClientConfig, String> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let algorithms = provider.signature_verification_algorithms;
        let verifier = if insecure {
            CertsVerifier::Any { algorithms }
        } else {
            let roots = self.roots.iter().cloned();
            let platform = rustls_platform_verifier::Verifier::new_with_extra_roots(roots, provider.clone())
                .map_err(|err| format!("the certs.d certificates cannot be used: {err}"))?;
            CertsVerifier::Pinned { inner: Arc::new(platform), pinned: self.roots, algorithms }
        };
        let builder = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|err| err.to_string())?
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(verifier));
        let mut config = match self.identity {
            Some((chain, key)) => builder
                .with_client_auth_cert(chain, key)
                .map_err(|err| format!("the certs.d client certificate cannot be used: {err}"))?,
            None => builder.with_no_client_auth(),
        };
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        Ok(config)
    }
}

/// The TLS configuration of a registry without a `certs.d` folder: the platform's verifier
/// (what reqwest would build), made when the first certificate arrives.
pub(super) fn system_config() -> Result<ClientConfig, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = SystemRoots { provider: provider.clone(), inner: OnceLock::new() };
    let mut config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|err| err.to_string())?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

/// `rustls_platform_verifier::Verifier`, built on first use.
#[derive(Debug)]
struct SystemRoots {
    provider: Arc<CryptoProvider>,
    inner: OnceLock<Result<rustls_platform_verifier::Verifier, Error>>,
}

impl ServerCertVerifier for SystemRoots {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, Error> {
        let inner = self.inner.get_or_init(|| rustls_platform_verifier::Verifier::new(self.provider.clone()));
        let inner = inner.as_ref().map_err(Clone::clone)?;
        inner.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider.signature_verification_algorithms.supported_schemes()
    }
}

fn read_certificates(path: &Path) -> Result<Vec<CertificateDer<'static>>, String> {
    let certificates: Result<Vec<_>, _> =
        CertificateDer::pem_file_iter(path).map_err(|err| format!("cannot read {}: {err}", path.display()))?.collect();
    let certificates = certificates.map_err(|err| format!("{} is not a PEM certificate: {err}", path.display()))?;
    if certificates.is_empty() {
        return Err(format!("{} holds no PEM certificate", path.display()));
    }
    Ok(certificates)
}

fn read_identity(path: &Path) -> Result<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>), String> {
    let key_path = path.with_extension("key");
    let key = PrivateKeyDer::from_pem_file(&key_path)
        .map_err(|err| format!("{} has no usable matching .key file: {err}", path.display()))?;
    Ok((read_certificates(path)?, key))
}

/// How a `certs.d` registry's certificate is judged; the handshake's signatures are always
/// checked.
#[derive(Debug)]
enum CertsVerifier {
    /// The system's roots plus the folder's, and the folder's own certificates as the server's.
    Pinned {
        inner: Arc<dyn ServerCertVerifier>,
        pinned: Vec<CertificateDer<'static>>,
        algorithms: WebPkiSupportedAlgorithms,
    },
    /// An insecure registry's certificate is not checked (SPEC §3).
    Any { algorithms: WebPkiSupportedAlgorithms },
}

impl CertsVerifier {
    fn algorithms(&self) -> &WebPkiSupportedAlgorithms {
        match self {
            CertsVerifier::Pinned { algorithms, .. } | CertsVerifier::Any { algorithms } => algorithms,
        }
    }
}

impl ServerCertVerifier for CertsVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, Error> {
        let CertsVerifier::Pinned { inner, pinned, .. } = self else { return Ok(ServerCertVerified::assertion()) };
        match inner.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now) {
            // webpki's CaUsedAsEndEntity arrives as `Other`.
            Err(Error::InvalidCertificate(CertificateError::Other(_) | CertificateError::UnknownIssuer))
                if pinned.iter().any(|pinned| pinned.as_ref() == end_entity.as_ref()) =>
            {
                verify_server_name(&ParsedCertificate::try_from(end_entity)?, server_name)?;
                in_date(end_entity, now)?;
                Ok(ServerCertVerified::assertion())
            }
            verdict => verdict,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, self.algorithms())
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, self.algorithms())
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms().supported_schemes()
    }
}

/// A pinned certificate must still be in date: webpki checks that as it verifies a chain, so
/// a chain of one, anchored in the certificate itself, says whether it is.
fn in_date(certificate: &CertificateDer<'_>, now: UnixTime) -> Result<(), Error> {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(certificate.clone().into_owned())?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider)
        .build()
        .map_err(|err| Error::General(err.to_string()))?;
    let name = ServerName::try_from("expiry.check.invalid").map_err(|err| Error::General(err.to_string()))?;
    match verifier.verify_server_cert(certificate, &[], &name, &[], now) {
        Err(Error::InvalidCertificate(
            error @ (CertificateError::Expired
            | CertificateError::ExpiredContext { .. }
            | CertificateError::NotValidYet
            | CertificateError::NotValidYetContext { .. }),
        )) => Err(Error::InvalidCertificate(error)),
        _ => Ok(()),
    }
}
