//! The registry harness against real tools: `docker-registry` comes up empty, takes an image
//! that umoci built and skopeo pushed, stops on drop, and with TLS and Basic auth refuses a
//! push without credentials.

use std::net::TcpStream;

use crate::support::peers::{skopeo, umoci_image};
use crate::support::registry::{Registry, Setup, USER_AGENT};
use crate::support::{TestContext, run};

#[test]
fn plain_registry_takes_a_push_and_stops_on_drop() {
    let registry = Registry::start(Setup::Plain);
    assert_eq!(registry.addr(), format!("127.0.0.1:{}", registry.port()));
    assert_eq!(registry.url(), format!("http://{}", registry.addr()));
    let catalog = registry.get("/v2/_catalog");
    assert_eq!((catalog.status, catalog.body.trim()), (200, r#"{"repositories":[]}"#));

    let context = TestContext::new();
    let image = umoci_image(&context, b"hello from the registry smoke test\n");
    let target = format!("docker://{}/smoke/image:v1", registry.addr());
    run(skopeo(&context).args(["copy", "--dest-tls-verify=false", &image, &target])).success();

    let catalog = registry.get("/v2/_catalog");
    assert_eq!((catalog.status, catalog.body.trim()), (200, r#"{"repositories":["smoke/image"]}"#));
    assert!(registry.storage_dir().join("docker/registry/v2/repositories/smoke/image").is_dir());
    let log = registry.log();
    assert!(log.contains(&format!(r#""GET /v2/_catalog HTTP/1.1" 200 20 "" "{USER_AGENT}""#)), "{log}");
    assert!(log.contains(r#""PUT /v2/smoke/image/manifests/v1 HTTP/1.1" 201"#), "{log}");

    let addr = registry.addr();
    drop(registry);
    assert!(TcpStream::connect(&addr).is_err(), "the registry still answers on {addr} after drop");
}

#[test]
fn tls_registry_takes_a_push_only_with_credentials() {
    let registry = Registry::start(Setup::BasicTls);
    assert_eq!(registry.url(), format!("https://127.0.0.1:{}", registry.port()));
    assert_eq!(registry.username(), "testuser");
    assert_eq!(registry.cert_dir().join("ca.crt"), registry.ca_pem());
    let context = TestContext::new();
    let image = umoci_image(&context, b"hello from the registry smoke test\n");
    let target = format!("docker://{}/smoke/image:v1", registry.addr());
    let cert_dir = registry.cert_dir().to_str().expect("utf-8 temp path");

    let refused = run(skopeo(&context).args(["copy", "--dest-cert-dir", cert_dir, &image, &target]));
    assert_ne!(refused.code, 0, "pushed without credentials: {}", refused.stdout);
    assert!(refused.stderr.contains("authentication required"), "{}", refused.stderr);

    let credentials = format!("{}:{}", registry.username(), registry.password());
    run(skopeo(&context).args(["copy", "--dest-cert-dir", cert_dir, "--dest-creds", &credentials, &image, &target]))
        .success();
    let catalog = registry.get("/v2/_catalog");
    assert_eq!((catalog.status, catalog.body.trim()), (200, r#"{"repositories":["smoke/image"]}"#));
    assert!(registry.storage_dir().join("docker/registry/v2/repositories/smoke/image").is_dir());
}
