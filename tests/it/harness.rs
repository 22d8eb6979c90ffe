//! The harness's own pieces against real tools: a token registry with skopeo and raw token
//! requests (GET and the OAuth2 POST), and each fault of the fault proxy in front of a plain
//! registry, with blobs uploaded by curl and fetched with raw HTTP on a `TcpStream`.

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::process::Command;

use sha2::{Digest as _, Sha256};

use crate::support::fault_proxy::{Fault, FaultProxy, Faults, SeenRequest};
use crate::support::http::{Reply, request};
use crate::support::peers::{skopeo, umoci_image};
use crate::support::registry::{Registry, Setup};
use crate::support::token::{REDACTED, SERVICE, claims, form_encode};
use crate::support::{TestContext, hex, require, run};

/// One HTTP/1.1 request on a fresh connection ([`request`]); `path` is the request target.
#[track_caller]
fn http(addr: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
    request(addr, method, path, headers, body).unwrap_or_else(|error| panic!("{method} {path} to {addr}: {error}"))
}

/// 1 MiB of bytes that do not repeat, the same on every run.
fn blob() -> Vec<u8> {
    (0..1024 * 1024 / 32).flat_map(|index: u32| Sha256::digest(index.to_be_bytes())).collect()
}

/// Uploads `bytes` to `repository` with curl: a POST, then a PUT of it all, or, `chunked`, a
/// PATCH of it all with `Transfer-Encoding: chunked` and an empty PUT; returns its digest.
#[track_caller]
fn upload_with_curl(addr: &str, repository: &str, bytes: &[u8], chunked: bool, context: &TestContext) -> String {
    require("curl");
    let digest = format!("sha256:{}", hex(&Sha256::digest(bytes)));
    let file = context.write("blob", bytes);
    let data = format!("@{}", file.display());
    // Headers to standard output, the body dropped; `Expect: 100-continue` as curl sends it for
    // bodies over 1 MiB, so that proxies meet it.
    let curl = |args: &[&str], url: &str| {
        let headers = ["-sS", "-f", "-o", "/dev/null", "-D", "-", "-H", "Expect: 100-continue"];
        let answer = run(Command::new("curl").args(headers).args(args).arg(url)).success().stdout;
        let location = answer.lines().find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("location").then(|| value.trim().to_string())
        });
        location.unwrap_or_else(|| panic!("no Location: {answer}"))
    };
    let mut location = curl(&["-X", "POST"], &format!("http://{addr}/v2/{repository}/blobs/uploads/"));
    let octets = ["-H", "Content-Type: application/octet-stream", "--data-binary"];
    if chunked {
        location =
            curl(&[&["-X", "PATCH", "-H", "Transfer-Encoding: chunked"][..], &octets, &[&data]].concat(), &location);
        curl(&["-X", "PUT"], &format!("{location}&digest={digest}"));
    } else {
        curl(&[&["-X", "PUT"][..], &octets, &[&data]].concat(), &format!("{location}&digest={digest}"));
    }
    digest
}

#[test]
fn token_registry_lets_anyone_pull_public_images_and_users_push() {
    let registry = Registry::start(Setup::Token);
    let context = TestContext::new();
    let image = umoci_image(&context, b"hello from the harness test\n");
    let credentials = format!("{}:{}", registry.username(), registry.password());
    let public = format!("docker://{}/public/x:v1", registry.addr());

    let refused = run(skopeo(&context).args(["copy", "--dest-tls-verify=false", &image, &public]));
    assert_ne!(refused.code, 0, "pushed anonymously: {}", refused.stdout);
    let anonymous = registry.token_server().requests();
    assert!(!anonymous.is_empty() && anonymous.iter().all(|request| request.authorization.is_none()));
    assert!(anonymous.iter().any(|request| request.granted.contains(&"repository:public/x:pull".to_string())));

    run(skopeo(&context).args(["copy", "--dest-tls-verify=false", "--dest-creds", &credentials, &image, &public]))
        .success();
    let inspected = run(skopeo(&context).args(["inspect", "--tls-verify=false", &public])).success();
    assert!(inspected.stdout.contains("\"Digest\""), "{}", inspected.stdout);

    let private = format!("docker://{}/private/y:v1", registry.addr());
    run(skopeo(&context).args(["copy", "--dest-tls-verify=false", "--dest-creds", &credentials, &image, &private]))
        .success();
    let refused = run(skopeo(&context).args(["inspect", "--tls-verify=false", &private]));
    assert_ne!(refused.code, 0, "inspected a private image anonymously: {}", refused.stdout);
    run(skopeo(&context).args(["inspect", "--tls-verify=false", "--creds", &credentials, &private])).success();

    let requests = registry.token_server().requests();
    let user = format!("Basic {}", registry.username());
    let pushes = requests.iter().filter(|request| request.authorization.as_deref() == Some(user.as_str()));
    assert!(pushes.clone().any(|request| request.granted.contains(&"repository:private/y:pull,push".to_string())));
    assert!(pushes.clone().all(|request| request.status == 200 && request.subject.as_deref() == Some("testuser")));
    assert!(requests.iter().all(|request| request.param("service") == Some(SERVICE)), "{requests:#?}");
    assert!(requests.iter().all(|request| request.user_agent.as_deref().is_some_and(|agent| agent.contains("skopeo"))));
    let catalog = registry.get("/v2/_catalog");
    assert_eq!((catalog.status, catalog.body.trim()), (200, r#"{"repositories":["private/y","public/x"]}"#));
    assert_eq!(registry.token_server().requests().len(), requests.len(), "Registry::get asked the token server");
}

#[test]
fn token_server_grants_what_is_asked_and_allowed() {
    let registry = Registry::start(Setup::Token);
    let token_server = registry.token_server();
    assert_eq!(token_server.realm(), format!("http://{}/token", token_server.addr()));
    let challenge = http(&registry.addr(), "GET", "/v2/public/x/tags/list", &[], b"");
    assert_eq!(challenge.status, 401);
    let expected =
        format!(r#"Bearer realm="{}",service="{SERVICE}",scope="repository:public/x:pull""#, token_server.realm());
    assert_eq!(challenge.header("www-authenticate"), Some(expected.as_str()));

    let scopes = form_encode(&[
        ("service", SERVICE),
        ("scope", "repository:public/x:pull,push"),
        ("scope", "registry:catalog:*"),
    ]);
    let anonymous = http(token_server.addr(), "GET", &format!("/token?{scopes}"), &[], b"").json();
    let token = anonymous["token"].as_str().expect("a token");
    assert_eq!(anonymous["access_token"], token);
    assert_eq!(anonymous["expires_in"], 300);
    assert!(anonymous["issued_at"].as_str().is_some_and(|at| at.parse::<jiff::Timestamp>().is_ok()), "{anonymous}");
    assert_eq!(anonymous.get("refresh_token"), None);
    let granted = claims(token);
    assert_eq!((granted["sub"].as_str(), granted["aud"].as_str()), (Some(""), Some(SERVICE)));
    let expected = serde_json::json!([
        {"type": "repository", "name": "public/x", "actions": ["pull"]},
        {"type": "registry", "name": "catalog", "actions": []},
    ]);
    assert_eq!(granted["access"], expected);
    // The registry takes it: the repository does not exist, which it may say now.
    let bearer = format!("Bearer {token}");
    let answer = http(&registry.addr(), "GET", "/v2/public/x/tags/list", &[("Authorization", &bearer)], b"");
    assert_eq!(answer.status, 404, "{}", String::from_utf8_lossy(&answer.body));

    let basic = |password: &str| {
        use base64::Engine as _;
        let pair = format!("{}:{password}", registry.username());
        format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(pair))
    };
    let wrong =
        http(token_server.addr(), "GET", &format!("/token?{scopes}"), &[("Authorization", &basic("nope"))], b"");
    assert_eq!(wrong.status, 401);
    assert_eq!(wrong.json()["errors"][0]["code"], "UNAUTHORIZED");
    let offline = format!("/token?{scopes}&offline_token=true&client_id=hoist-test");
    let user = http(token_server.addr(), "GET", &offline, &[("Authorization", &basic(registry.password()))], b"");
    let user = user.json();
    assert!(user["refresh_token"].is_string(), "{user}");
    let granted = claims(user["token"].as_str().expect("a token"));
    assert_eq!(granted["access"][0]["actions"], serde_json::json!(["pull", "push"]));
    assert_eq!(granted["access"][1]["actions"], serde_json::json!(["*"]));
    token_server.set_expires_in(1);
    let short = http(token_server.addr(), "GET", &format!("/token?{scopes}"), &[], b"").json();
    let short_claims = claims(short["token"].as_str().expect("a token"));
    assert_eq!(
        (short["expires_in"].as_u64(), short_claims["exp"].as_u64()),
        (Some(1), Some(short_claims["iat"].as_u64().expect("iat") + 1))
    );
    // Tokens the registry refuses although the answer says they last: past its 60 s leeway.
    token_server.set_expired(true);
    let stale = format!("Bearer {}", token_server.token(None, &["repository:public/x:pull"]));
    let refused = http(&registry.addr(), "GET", "/v2/public/x/tags/list", &[("Authorization", &stale)], b"");
    assert_eq!(refused.status, 401);
    assert!(refused.header("www-authenticate").is_some_and(|value| value.ends_with(r#"error="invalid_token""#)));
    let other = http(token_server.addr(), "GET", "/token?service=elsewhere", &[], b"");
    assert_eq!(other.status, 400);

    let requests = token_server.requests();
    let statuses: Vec<u16> = requests.iter().map(|request| request.status).collect();
    assert_eq!(statuses, [200, 401, 200, 200, 400]);
    assert_eq!(requests[1].authorization.as_deref(), Some("Basic testuser"));
    assert_eq!(requests[2].scopes(), ["repository:public/x:pull,push", "registry:catalog:*"]);
}

#[test]
fn token_server_grants_and_honours_refresh_tokens_over_post() {
    let registry = Registry::start(Setup::Token);
    let token_server = registry.token_server();
    let post = |form: &[(&str, &str)]| {
        let headers = [("Content-Type", "application/x-www-form-urlencoded")];
        http(token_server.addr(), "POST", "/token", &headers, form_encode(form).as_bytes())
    };
    let scope = ("scope", "repository:private/y:pull registry:catalog:*");
    let common = [("service", SERVICE), ("client_id", "hoist-test"), scope];
    let password = [("grant_type", "password"), ("username", registry.username()), ("password", registry.password())];
    let offline = post(&[&password[..], &common, &[("access_type", "offline")]].concat());
    assert_eq!(offline.status, 200, "{}", String::from_utf8_lossy(&offline.body));
    let offline = offline.json();
    assert_eq!(offline.get("token"), None, "the OAuth2 answer has only access_token: {offline}");
    let refresh_token = offline["refresh_token"].as_str().expect("a refresh token");

    let refreshed = post(&[&[("grant_type", "refresh_token"), ("refresh_token", refresh_token)][..], &common].concat());
    assert_eq!(refreshed.status, 200);
    let refreshed = refreshed.json();
    assert_eq!(refreshed["scope"], "repository:private/y:pull registry:catalog:*");
    let access_token = refreshed["access_token"].as_str().expect("an access token");
    assert_eq!(claims(access_token)["sub"], "testuser");
    let bearer = format!("Bearer {access_token}");
    let catalog = http(&registry.addr(), "GET", "/v2/_catalog", &[("Authorization", &bearer)], b"");
    assert_eq!((catalog.status, catalog.json()), (200, serde_json::json!({"repositories": []})));

    let forged = post(&[&[("grant_type", "refresh_token"), ("refresh_token", "forged")][..], &common].concat());
    assert_eq!((forged.status, forged.json()["errors"][0]["code"].as_str()), (401, Some("UNAUTHORIZED")));
    let wrong =
        post(&[&[("grant_type", "password"), ("username", "testuser"), ("password", "nope")][..], &common].concat());
    assert_eq!(wrong.status, 401);
    let without_client = post(&[("grant_type", "password"), ("username", "testuser"), ("password", "nope")]);
    assert_eq!(without_client.status, 400);

    let requests = token_server.requests();
    assert_eq!(requests.iter().map(|request| request.status).collect::<Vec<_>>(), [200, 200, 401, 401, 400]);
    assert_eq!(requests[0].param("password"), Some(REDACTED));
    assert_eq!(requests[1].param("refresh_token"), Some(REDACTED));
    assert_eq!(requests[1].subject.as_deref(), Some("testuser"));
    assert!(requests.iter().all(|request| request.method == "POST" && request.authorization.is_none()));
}

#[test]
fn fault_proxy_passes_uploads_and_downloads_through() {
    let registry = Registry::start(Setup::Plain);
    let proxy = FaultProxy::start(&registry.addr(), Faults::none());
    let context = TestContext::new();
    let bytes = blob();
    // Through the proxy: curl's `Expect: 100-continue`, and Locations that point at the proxy.
    let digest = upload_with_curl(proxy.addr(), "x", &bytes, false, &context);
    let path = format!("/v2/x/blobs/{digest}");
    let got = http(proxy.addr(), "GET", &path, &[], b"");
    assert_eq!((got.status, got.body.len()), (200, bytes.len()));
    assert!(got.body == bytes, "the blob changed on the way");
    let head = http(proxy.addr(), "HEAD", &path, &[], b"");
    assert_eq!((head.status, head.header("content-length")), (200, Some("1048576")));

    let requests = proxy.requests();
    let summary: Vec<(&str, u16, u64)> = requests.iter().map(|r| (r.method.as_str(), r.status, r.body_bytes)).collect();
    assert_eq!(summary, [("POST", 202, 0), ("PUT", 201, 0), ("GET", 200, 1024 * 1024), ("HEAD", 200, 0)]);
    assert!(requests[1].header("expect").is_some(), "curl sent no Expect: {:?}", requests[1].headers);
    assert!(requests.iter().all(|request| request.fault.is_none()));

    // A chunked upload, then a real client through the proxy.
    let reversed: Vec<u8> = bytes.iter().rev().copied().collect();
    let digest = upload_with_curl(proxy.addr(), "x", &reversed, true, &context);
    assert!(http(proxy.addr(), "GET", &format!("/v2/x/blobs/{digest}"), &[], b"").body == reversed);
    let image = umoci_image(&context, b"hello from the harness test\n");
    let target = format!("docker://{}/y:v1", proxy.addr());
    run(skopeo(&context).args(["copy", "--dest-tls-verify=false", &image, &target])).success();
    run(skopeo(&context).args(["inspect", "--tls-verify=false", &target])).success();
    let requests = proxy.requests();
    let chunked = requests.iter().filter(|request| request.header("transfer-encoding") == Some("chunked"));
    assert_eq!(chunked.map(|request| request.method.as_str()).collect::<Vec<_>>(), ["PATCH"]);
    // skopeo asks whether each blob is there before it uploads it: a HEAD that finds nothing.
    let missing = |request: &&SeenRequest| request.method == "HEAD" && request.status == 404;
    assert!(requests.iter().filter(|request| !missing(request)).all(|request| request.status < 300), "{requests:#?}");
}

#[test]
fn fault_proxy_flips_a_byte_in_blobs() {
    let registry = Registry::start(Setup::Plain);
    let context = TestContext::new();
    let bytes = blob();
    let digest = upload_with_curl(&registry.addr(), "x", &bytes, false, &context);
    let proxy = FaultProxy::start(&registry.addr(), Faults::none().flip_byte_in_blob());
    let got = http(proxy.addr(), "GET", &format!("/v2/x/blobs/{digest}"), &[], b"");
    assert_eq!((got.status, got.header("content-length")), (200, Some("1048576")));
    let changed: Vec<usize> = (0..bytes.len()).filter(|&index| got.body[index] != bytes[index]).collect();
    assert_eq!(changed, [bytes.len() / 2]);
    let head = http(proxy.addr(), "HEAD", &format!("/v2/x/blobs/{digest}"), &[], b"");
    assert_eq!(head.status, 200);
    let faults: Vec<_> = proxy.requests().into_iter().map(|request| request.fault).collect();
    assert_eq!(faults, [Some(Fault::FlipByte), None]);
}

#[test]
fn fault_proxy_cuts_blobs_and_lets_a_range_resume() {
    let registry = Registry::start(Setup::Plain);
    let context = TestContext::new();
    let bytes = blob();
    let digest = upload_with_curl(&registry.addr(), "x", &bytes, false, &context);
    let proxy = FaultProxy::start(&registry.addr(), Faults::none().cut_blob_after(100_000, 1));
    let path = format!("/v2/x/blobs/{digest}");
    let cut = http(proxy.addr(), "GET", &path, &[], b"");
    assert_eq!((cut.status, cut.header("content-length"), cut.body.len()), (200, Some("1048576"), 100_000));
    let rest = http(proxy.addr(), "GET", &path, &[("Range", "bytes=100000-")], b"");
    assert_eq!(rest.status, 206);
    assert_eq!(rest.header("content-range"), Some("bytes 100000-1048575/1048576"));
    assert!([cut.body, rest.body].concat() == bytes, "the halves do not make the blob");

    let requests = proxy.requests();
    let sent: Vec<_> = requests.iter().map(|r| (r.fault.clone(), r.status, r.body_bytes)).collect();
    let cut = Fault::CutAfter { bytes: 100_000, times: 1 };
    assert_eq!(sent, [(Some(cut), 200, 100_000), (None, 206, 1024 * 1024 - 100_000)]);
    assert_eq!(requests[1].header("range"), Some("bytes=100000-"));
}

#[test]
fn fault_proxy_fails_first_requests() {
    let registry = Registry::start(Setup::Plain);
    let faults = Faults::none().fail_first(2, 503).on("/tags/").method(Some("GET")).fail_first(1, 429).on("/_catalog");
    let proxy = FaultProxy::start(&registry.addr(), faults);
    let statuses: Vec<u16> = (0..3).map(|_| http(proxy.addr(), "GET", "/v2/x/tags/list", &[], b"").status).collect();
    assert_eq!(statuses, [503, 503, 404]);
    let limited = http(proxy.addr(), "GET", "/v2/_catalog", &[], b"");
    assert_eq!((limited.status, limited.header("retry-after")), (429, Some("1")));
    assert_eq!(limited.json()["errors"][0]["code"], "TOOMANYREQUESTS");
    assert_eq!(http(proxy.addr(), "GET", "/v2/_catalog", &[], b"").status, 200);
    // A failed request with a body: read before the answer, so the client gets the answer.
    let faults = Faults::none().fail_first(1, 503).on("/tags/");
    let failing = FaultProxy::start(&registry.addr(), faults);
    assert_eq!(http(failing.addr(), "POST", "/v2/x/tags/list", &[], &[7; 100_000]).status, 503);
    let faults: Vec<_> = proxy.requests().into_iter().map(|request| request.fault).collect();
    let (unavailable, limited) = (Fault::Fail { status: 503, times: 2 }, Fault::Fail { status: 429, times: 1 });
    assert_eq!(faults, [Some(unavailable.clone()), Some(unavailable), None, Some(limited), None]);
    // Narrowed to GETs: a POST there before the GETs fails nothing.
    let faults = Faults::none().fail_first(1, 503).on("/tags/").method(Some("GET"));
    let proxy = FaultProxy::start(&registry.addr(), faults);
    assert_eq!(http(proxy.addr(), "POST", "/v2/x/tags/list", &[], b"").status, 405);
    assert_eq!(http(proxy.addr(), "GET", "/v2/x/tags/list", &[], b"").status, 503);
}

#[test]
fn fault_proxy_redirects_blobs_to_another_host() {
    let registry = Registry::start(Setup::Plain);
    let context = TestContext::new();
    let bytes = blob();
    let digest = upload_with_curl(&registry.addr(), "x", &bytes, false, &context);
    let elsewhere = FaultProxy::start_on("127.0.0.2", &registry.addr(), Faults::none());
    let proxy = FaultProxy::start(&registry.addr(), Faults::none().redirect_blobs_to(elsewhere.addr()));
    let path = format!("/v2/x/blobs/{digest}?from=test");
    let moved = http(proxy.addr(), "GET", &path, &[("Authorization", "Bearer secret")], b"");
    let location = format!("http://{}{path}", elsewhere.addr());
    assert_eq!((moved.status, moved.header("location")), (307, Some(location.as_str())));

    // curl follows it, and sends a header it was given by hand only to the host it named.
    let args = ["-sS", "-f", "-L", "-o", "/dev/null", "-H", "Authorization: Bearer secret"];
    run(Command::new("curl").args(args).arg(format!("http://{}{path}", proxy.addr()))).success();
    let seen = elsewhere.requests();
    assert_eq!(seen.len(), 1);
    assert_eq!((seen[0].path.as_str(), seen[0].status, seen[0].body_bytes), (path.as_str(), 200, bytes.len() as u64));
    assert_eq!(seen[0].header("authorization"), None, "{:?}", seen[0].headers);
    let first = proxy.requests();
    assert_eq!(
        first.iter().map(|request| request.header("authorization")).collect::<Vec<_>>(),
        [Some("Bearer secret"); 2]
    );
}

#[test]
fn fault_proxy_serves_garbage_and_huge_manifests() {
    let registry = Registry::start(Setup::Plain);
    let garbage = FaultProxy::start(&registry.addr(), Faults::none().garbage_manifest());
    let answer = http(garbage.addr(), "GET", "/v2/x/manifests/v1", &[], b"");
    assert_eq!(
        (answer.status, answer.header("content-type")),
        (200, Some("application/vnd.oci.image.manifest.v1+json"))
    );
    assert!(serde_json::from_slice::<serde_json::Value>(&answer.body).is_err());
    assert_eq!(http(garbage.addr(), "HEAD", "/v2/x/manifests/v1", &[], b"").status, 404);

    let size = 64 * 1024 * 1024;
    let huge = FaultProxy::start(&registry.addr(), Faults::none().huge_manifest(size));
    let mut stream = TcpStream::connect(huge.addr()).expect("connect");
    write!(stream, "GET /v2/x/manifests/v1 HTTP/1.1\r\nHost: x\r\n\r\n").expect("send");
    let mut start = vec![0; 1024 * 1024];
    stream.read_exact(&mut start).expect("the first MiB");
    let text = String::from_utf8_lossy(&start);
    assert!(text.starts_with("HTTP/1.1 200 OK\r\n") && text.contains(&format!("Content-Length: {size}\r\n")), "{text}");
    assert!(text.ends_with("    "));
    drop(stream);
    let sent = huge.requests()[0].body_bytes;
    assert!((1024 * 1024 / 2..size).contains(&sent), "sent {sent} bytes to a client that left");
}
