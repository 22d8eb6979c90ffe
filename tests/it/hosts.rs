//! Registries as docker finds them (SPEC §3): a self-signed certificate made the way docker's
//! documentation makes one, trusted through `certs.d`; a plain-HTTP registry reached over
//! HTTPS, named as such with the fix; `insecure-registries` from the command line,
//! `config.toml` (a scheme written in front understood) and Docker's `daemon.json`; a name
//! that resolves to loopback treated as local.

use std::net::IpAddr;
use std::process::Command;

use crate::assert_outcome;
use crate::support::fault_proxy::{FaultProxy, Faults};
use crate::support::fixtures::OciImage;
use crate::support::registry::{Registry, Setup};
use crate::support::snapshot::Filters;
use crate::support::{TestContext, run, skip_unless_ci};

/// The loopback name the tutorials use; `scripts/test` maps it to 127.0.0.1 in `/etc/hosts`.
const LOOPBACK_NAME: &str = "dev.docker.local";

#[test]
fn a_self_signed_certificate_in_certs_d_is_trusted_as_docker_trusts_it() {
    let registry = Registry::start(Setup::SelfSignedTls);
    let certificate = std::fs::read_to_string(registry.ca_pem()).unwrap();
    let text =
        run(Command::new("openssl").args(["x509", "-noout", "-text", "-in"]).arg(registry.ca_pem())).success().stdout;
    assert!(text.contains("CA:TRUE"), "the certificate is its own CA, as OpenSSL 3 makes it: {text}");
    assert!(certificate.contains("BEGIN CERTIFICATE"));
    let context = TestContext::new();
    let reference = format!("localhost:{}/self-signed/app:1", registry.port());
    context.import(&reference, &[("etc/motd", b"self-signed\n")]);

    // Not trusted yet: a certificate error, and no quiet fall-back to plain HTTP.
    let refused = context.hoist(&["push", &reference]).failure(1);
    assert!(refused.stderr.to_lowercase().contains("certificate"), "{refused:?}");

    context.trust_ca(&format!("localhost:{}", registry.port()), registry.ca_pem());
    let pushed = context.hoist(&["--debug", "push", &reference]).success();
    assert!(
        pushed.stderr.contains(&format!("PUT https://localhost:{}/v2/self-signed/app/manifests/1", registry.port()))
    );
    let other = TestContext::new();
    other.trust_ca(&format!("localhost:{}", registry.port()), registry.ca_pem());
    other.hoist(&["pull", &reference]).success();
}

/// An address of this machine other than loopback, if it has one.
fn outward_address() -> Option<IpAddr> {
    let socket = std::net::UdpSocket::bind("0.0.0.0:0").ok()?;
    // No packet is sent: connecting a UDP socket only picks the route and the source address.
    socket.connect("192.0.2.1:9").ok()?;
    let ip = socket.local_addr().ok()?.ip();
    (!ip.is_loopback() && !ip.is_unspecified()).then_some(ip)
}

#[test]
fn a_plain_http_registry_is_named_as_such_and_insecure_registries_reach_it() {
    let Some(ip) = outward_address() else {
        eprintln!("skipped: this machine has no address but loopback");
        return;
    };
    let registry = Registry::start(Setup::Plain);
    let proxy = FaultProxy::start_on(&ip.to_string(), &registry.addr(), Faults::none());
    let host = proxy.addr().to_string();
    let context = TestContext::new();
    let reference = format!("{host}/plain/app:1");
    context.load_oci(&OciImage::of_files(&[("etc/motd", b"plain\n")]), &reference).success();

    // Named as plain HTTP, with the fix, and no TLS jargon.
    let filters = Filters::new(&context).literal(&host, "[HOST]");
    assert_outcome!(filters, context.hoist(&["push", &reference]), @r#"
        success: false
        exit_code: 1
        ----- stdout -----
        The push refers to repository [[HOST]/plain/app]
        a1522c9c1f3b: Preparing
        ----- stderr -----
        Error: cannot push [HOST]/plain/app:1
          caused by: [HOST] answers plain HTTP, not HTTPS
        hint: to use it over plain HTTP, pass --insecure-registry [HOST], or add "[HOST]" to insecure-registries in config.toml
        "#);

    context.hoist(&["--insecure-registry", &host, "push", &reference]).success();

    // config.toml, with the scheme people write in front.
    std::fs::write(context.path("config/config.toml"), format!("insecure-registries = [\"http://{host}\"]\n")).unwrap();
    context.hoist(&["pull", &reference]).success();
    std::fs::remove_file(context.path("config/config.toml")).unwrap();

    // Docker's daemon.json, after hoist's own settings; a broken one is only a warning.
    let daemon = context.write("daemon.json", format!("{{\"insecure-registries\": [\"{ip}/32\"]}}").as_bytes());
    let pulled = context.command().env("HOIST_TEST_DAEMON_JSON", &daemon).args(["pull", &reference]).output().unwrap();
    assert!(pulled.status.success(), "{}", String::from_utf8_lossy(&pulled.stderr));
    let broken = context.write("broken.json", b"{ not json");
    let outcome = run(context.command().env("HOIST_TEST_DAEMON_JSON", &broken).args(["pull", &reference]));
    assert_outcome!(filters, outcome, @r#"
        success: false
        exit_code: 1
        ----- stdout -----
        ----- stderr -----
        WARNING: [TEMP]/broken.json is not valid: key must be a string at line 1 column 3; its settings are not used
        Error: cannot pull [HOST]/plain/app:1
          caused by: [HOST] answers plain HTTP, not HTTPS
        hint: to use it over plain HTTP, pass --insecure-registry [HOST], or add "[HOST]" to insecure-registries in config.toml
        "#);
    assert_outcome!(filters, context.hoist(&["--insecure-registry", "ftp://x", "images"]), @r#"
        success: false
        exit_code: 2
        ----- stdout -----
        ----- stderr -----
        error: invalid value 'ftp://x' for '--insecure-registry <HOST[:PORT]>': insecure-registries: "ftp://x" has a scheme other than http(s): write HOST[:PORT] or a CIDR range

        For more information, try '--help'.
        "#);
}

/// Whether `/etc/hosts` maps `name` to loopback addresses alone; read as a file, so that the
/// check itself never asks a DNS server about the name.
fn mapped_to_loopback(name: &str) -> bool {
    let hosts = std::fs::read_to_string("/etc/hosts").unwrap_or_default();
    let addresses: Vec<IpAddr> = hosts
        .lines()
        .map(|line| line.split('#').next().unwrap_or_default())
        .filter(|line| line.split_whitespace().skip(1).any(|alias| alias == name))
        .filter_map(|line| line.split_whitespace().next()?.parse().ok())
        .collect();
    !addresses.is_empty() && addresses.iter().all(IpAddr::is_loopback)
}

#[test]
fn a_name_that_resolves_to_loopback_is_local() {
    if !mapped_to_loopback(LOOPBACK_NAME) {
        skip_unless_ci(
            &format!("{LOOPBACK_NAME} is not mapped to loopback in /etc/hosts"),
            "scripts/test maps it when it runs as root, as CI does",
        );
        return;
    }
    let registry = Registry::start(Setup::Plain);
    let context = TestContext::new();
    let reference = format!("{LOOPBACK_NAME}:{}/my-fancy-app:1.0.0", registry.port());
    context.import(&reference, &[("etc/motd", b"loopback\n")]);
    context.hoist(&["push", &reference]).success();
    context.hoist(&["rm", &reference]).success();
    context.hoist(&["pull", &reference]).success();
}
