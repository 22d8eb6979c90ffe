//! Registries that want credentials and their own certificates: Basic auth over TLS with a CA
//! that only a `certs.d` folder knows, credentials from Docker's `config.json`.

use crate::assert_outcome;
use crate::support::peers::push_with_skopeo;
use crate::support::registry::{Registry, Setup};
use crate::support::snapshot::Filters;
use crate::support::{TestContext, docker_login};

const AMD64: (&str, &str, Option<&str>) = ("linux", "amd64", None);

#[test]
fn basic_auth_over_tls_with_certs_d() {
    let registry = Registry::start(Setup::BasicTls);
    let context = TestContext::new();
    let reference = format!("{}/private/app:1", registry.addr());
    let cert_dir = registry.cert_dir().to_str().unwrap().to_string();
    let creds = format!("{}:{}", registry.username(), registry.password());
    push_with_skopeo(&context, &reference, &[AMD64], &["--dest-cert-dir", &cert_dir, "--dest-creds", &creds]);

    let filters = Filters::new(&context).literal(&registry.addr(), "[REGISTRY]");
    assert_outcome!(filters, context.hoist(&["pull", &reference]), @r"
        success: false
        exit_code: 1
        ----- stdout -----
        ----- stderr -----
        Error: cannot pull [REGISTRY]/private/app:1
          caused by: cannot reach [REGISTRY]
          caused by: error sending request for url (https://[REGISTRY]/v2/)
          caused by: client error (Connect)
          caused by: invalid peer certificate: UnknownIssuer
        ");

    context.trust(&registry);
    // The error layout: `Error:`, each cause indented under it, then the hints.
    assert_outcome!(filters, context.hoist(&["pull", &reference]), @r"
        success: false
        exit_code: 1
        ----- stdout -----
        ----- stderr -----
        Error: cannot pull [REGISTRY]/private/app:1
          caused by: unauthorized: authentication required
        hint: log in with: hoist login [REGISTRY]
        ");

    docker_login(&context, &format!("https://{}", registry.addr()), registry.username(), "wrong-password");
    assert_outcome!(filters, context.hoist(&["pull", &reference]), @r"
        success: false
        exit_code: 1
        ----- stdout -----
        ----- stderr -----
        Error: cannot pull [REGISTRY]/private/app:1
          caused by: unauthorized: authentication required
        hint: log in with: hoist login [REGISTRY]
        ");

    docker_login(&context, &registry.addr(), registry.username(), registry.password());
    let outcome = context.hoist(&["--debug", "pull", &reference]).success();
    assert!(outcome.stdout.contains("Status: Downloaded newer image for"), "{}", outcome.stdout);
    assert!(
        outcome.stderr.contains(&format!("DEBUG GET https://{}/v2/private/app/manifests/1 200", registry.addr())),
        "{}",
        outcome.stderr
    );
    for secret in [registry.password(), "Authorization", "Basic "] {
        assert!(
            !outcome.stderr.contains(secret) && !outcome.stdout.contains(secret),
            "{secret} leaked: {}",
            outcome.stderr
        );
    }
}

#[test]
fn token_auth_like_docker_hub() {
    let registry = Registry::start(Setup::Token);
    let context = TestContext::new();
    let creds = format!("{}:{}", registry.username(), registry.password());
    let public = format!("{}/public/app:1", registry.addr());
    let private = format!("{}/private/app:1", registry.addr());
    let layers = [("linux", "amd64", None)];
    push_with_skopeo(&context, &public, &layers, &["--dest-creds", &creds]);
    push_with_skopeo(&context, &private, &layers, &["--dest-creds", &creds]);

    // Anonymous pull of a public repository: an anonymous token, reused for every blob.
    let before = registry.token_server().requests().len();
    context.hoist(&["pull", &public]).success();
    let requests = registry.token_server().requests();
    let new: Vec<_> = requests[before..].iter().collect();
    assert_eq!(new.len(), 1, "one token for the manifest and every blob: {new:?}");
    assert_eq!(new[0].subject.as_deref(), Some(""), "anonymous");
    assert_eq!(new[0].scopes(), ["repository:public/app:pull"]);

    let filters = Filters::new(&context).literal(&registry.addr(), "[REGISTRY]");
    assert_outcome!(filters, context.hoist(&["pull", &private]), @r"
        success: false
        exit_code: 1
        ----- stdout -----
        ----- stderr -----
        Error: cannot pull [REGISTRY]/private/app:1
          caused by: unauthorized: authentication required
        hint: log in with: hoist login [REGISTRY]
        ");

    docker_login(&context, &registry.addr(), registry.username(), registry.password());
    context.hoist(&["pull", &private]).success();
    let last = registry.token_server().requests().pop().unwrap();
    assert_eq!(last.authorization.as_deref(), Some(format!("Basic {}", registry.username()).as_str()));
    assert_eq!(last.param("account"), Some(registry.username()));

    assert_outcome!(filters, context.hoist(&["catalog", &registry.addr()]), @r"
        success: true
        exit_code: 0
        ----- stdout -----
        private/app
        public/app
        ----- stderr -----
        ");
}
