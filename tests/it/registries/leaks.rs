//! Credentials only where they belong (SPEC §3; issue 11 "Build" 4): the `Authorization` of a
//! registry never goes to another host named by an upload `Location`, nor over plain HTTP
//! after HTTPS (Harbor behind a TLS-terminating proxy names `http://` in its `Location`s).

use super::{Checks, image, logged_in, push};
use crate::support::emulation::{Behaviour, Emulated, Exchange, Mode, UploadHost};
use crate::support::registry::Registry;
use crate::support::{TestContext, peers, run};

/// The requests among `exchanges` that carried `Authorization`.
fn with_authorization<'a>(exchanges: impl IntoIterator<Item = &'a Exchange>) -> Vec<String> {
    exchanges
        .into_iter()
        .filter(|exchange| exchange.header("authorization").is_some())
        .map(|exchange| format!("{} {}://…{}", exchange.method, exchange.scheme, exchange.path))
        .collect()
}

#[test]
fn an_upload_location_on_another_host_gets_no_credentials() {
    let mut all = Checks::new("uploads on another host");
    for basic_tls in [false, true] {
        let mode = Mode::Distribution { basic_tls };
        let registry = Registry::start(mode.setup());
        let storage = UploadHost::start(&registry, "leak/app");
        let elsewhere = vec![Behaviour::UploadsElsewhere { host: storage.addr().to_string() }];
        let emulated = Emulated::over(registry, mode, elsewhere);
        let mut checks = Checks::new(format!("uploads on another host, the registry on {}", emulated.scheme()));
        let context = logged_in(&emulated);
        let reference = format!("{}/leak/app:1", emulated.addr());
        let pushed = push(&context, image(), &reference);
        let leaked = with_authorization(&storage.exchanges());
        checks.check("the other host never receives Authorization", leaked.is_empty(), || format!("{leaked:?}"));
        if basic_tls {
            // From HTTPS to another host on plain HTTP: going on without credentials, or a refusal
            // that names the host, are both fair; a silent failure is not.
            checks.check(
                "the push succeeds or names the other host",
                pushed.code == 0 || pushed.stderr.contains("127.0.0.2"),
                || format!("{pushed:?}"),
            );
        } else {
            checks.succeeded("push, the uploads going to the other host", &pushed);
            checks.check("the uploads went to the other host", !storage.exchanges().is_empty(), || "none did".into());
            checks.succeeded("pull back", &logged_in(&emulated).hoist(&["pull", &reference]));
        }
        all.absorb(checks);
    }
    all.assert();
}

#[test]
fn an_http_upload_location_behind_https_gets_no_credentials() {
    let registry = Registry::start(Mode::Harbor.setup());
    let emulated = Emulated::over(registry, Mode::Harbor, vec![Behaviour::PlainHttpLocation]);
    let mut checks = Checks::new("Harbor's http:// upload Location");
    let context = logged_in(&emulated);
    let reference = format!("{}/leak/app:1", emulated.addr());
    let pushed = push(&context, image(), &reference);
    let exchanges = emulated.exchanges();
    let leaked = with_authorization(exchanges.iter().filter(|exchange| exchange.scheme == "http"));
    checks.check("no Authorization over plain HTTP", leaked.is_empty(), || format!("{leaked:?}"));
    // The same host and port: the upload can go on over HTTPS.
    if checks.succeeded("push", &pushed) {
        checks.succeeded("pull back", &logged_in(&emulated).hoist(&["pull", &reference]));
    }

    // skopeo there, for the record (issue 11: it fails, and leaks): not a requirement on skopeo.
    let before = emulated.exchanges().len();
    let skopeo_world = TestContext::new();
    let archive = super::write_archive(&skopeo_world, image(), "skopeo");
    let (user, password) = emulated.credentials();
    let ca_dir = emulated.ca_pem().unwrap().parent().unwrap().to_path_buf();
    let copy = run(peers::skopeo(&skopeo_world)
        .args(["copy", "--dest-creds", &format!("{user}:{password}"), "--dest-cert-dir"])
        .arg(&ca_dir)
        .arg(format!("oci-archive:{}", archive.display()))
        .arg(format!("docker://{}/skopeo/app:1", emulated.addr())));
    let exchanges = emulated.exchanges();
    let skopeo_leaks = with_authorization(exchanges[before..].iter().filter(|exchange| exchange.scheme == "http"));
    eprintln!(
        "skopeo through an http:// upload Location: exit {}, Authorization over plain HTTP in {skopeo_leaks:?}; {}",
        copy.code,
        copy.stderr.trim()
    );
    checks.check("skopeo cannot push there either (observed, for the record)", copy.code != 0, || format!("{copy:?}"));
    checks.assert();
}
