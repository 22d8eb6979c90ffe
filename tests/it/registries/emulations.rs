//! The emulations themselves, probed with bare HTTP requests: each behaviour of issue 11's table
//! shows on the wire as documented, so that a hoist test failing through an emulation fails
//! on what the registry does, not on a slip of the emulation.

use super::{Checks, small_image};
use crate::support::emulation::{Behaviour, Emulated, Mode, Probe, Reply, UploadHost, WARNING_TEXT};
use crate::support::fixtures::{OciImage, sha256};
use crate::support::registry::Registry;
use crate::support::token::{SERVICE, claims, form_encode};

const MANIFEST_TYPE: &str = "application/vnd.oci.image.manifest.v1+json";

fn send(emulated: &Emulated, method: &str, target: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
    emulated.send(&Probe { method, target, headers, body })
}

/// The path and query of a `Location`, absolute or not.
fn path_of(location: &str) -> String {
    match location.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("/".into(), |slash| rest[slash..].to_string()),
        None => location.to_string(),
    }
}

/// Opens an upload session in `repository`; returns its path and query.
#[track_caller]
fn open_session(emulated: &Emulated, repository: &str, authorization: &str) -> String {
    let reply =
        send(emulated, "POST", &format!("/v2/{repository}/blobs/uploads/"), &[("Authorization", authorization)], b"");
    assert_eq!(reply.status, 202, "{reply:?}");
    path_of(reply.header("location").expect("a Location"))
}

/// `target` with one more query parameter.
fn with_param(target: &str, name: &str, value: &str) -> String {
    let separator = if target.contains('?') { '&' } else { '?' };
    format!("{target}{separator}{}", form_encode(&[(name, value)]))
}

/// Pushes `image` as `repository:TAG` for each of `tags`, each blob in one `PUT`.
#[track_caller]
fn push_raw(emulated: &Emulated, repository: &str, tags: &[&str], image: &OciImage) {
    let authorization = emulated.authorization(&format!("repository:{repository}:pull,push"));
    let blobs = image.layers.iter().map(|layer| layer.blob.as_slice()).chain([image.config.as_slice()]);
    for blob in blobs {
        let session = open_session(emulated, repository, &authorization);
        let target = with_param(&session, "digest", &sha256(blob));
        let reply = send(emulated, "PUT", &target, &[("Authorization", &authorization)], blob);
        assert!((200..300).contains(&reply.status), "{reply:?}");
    }
    for tag in tags {
        let headers = [("Authorization", authorization.as_str()), ("Content-Type", MANIFEST_TYPE)];
        let reply = send(emulated, "PUT", &format!("/v2/{repository}/manifests/{tag}"), &headers, &image.manifest);
        assert_eq!(reply.status, 201, "{reply:?}");
    }
}

/// A token from the emulation's token endpoint for `scope`, with the test user's password.
fn token_reply(emulated: &Emulated, scope: &str) -> Reply {
    let query = form_encode(&[("service", SERVICE), ("scope", scope)]);
    let basic = crate::support::emulation::basic(&emulated.registry);
    send(emulated, "GET", &format!("/token?{query}"), &[("Authorization", &basic)], b"")
}

/// The actions a token answer grants on its first scope.
fn granted(reply: &Reply) -> serde_json::Value {
    let token = reply.json()["access_token"].as_str().unwrap_or_default().to_string();
    claims(&token)["access"][0]["actions"].clone()
}

/// Pushes the small image as `probe/app:1`, then deletes its manifest with a token the
/// emulation's token endpoint issued for `push`.
fn delete_with_push_token(emulated: &Emulated) -> Reply {
    push_raw(emulated, "probe/app", &["1"], small_image());
    let token = token_reply(emulated, "repository:probe/app:push").json()["access_token"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let target = format!("/v2/probe/app/manifests/{}", small_image().digest());
    send(emulated, "DELETE", &target, &[("Authorization", &format!("Bearer {token}"))], b"")
}

fn oauth_post(emulated: &Emulated) -> Reply {
    let (user, password) = emulated.credentials();
    let form = form_encode(&[
        ("grant_type", "password"),
        ("service", SERVICE),
        ("client_id", "probe"),
        ("username", user),
        ("password", password),
        ("scope", "repository:probe/app:pull"),
    ]);
    let headers = [("Content-Type", "application/x-www-form-urlencoded")];
    send(emulated, "POST", "/token", &headers, form.as_bytes())
}

fn expect(checks: &mut Checks, what: &str, ok: bool, reply: &Reply) {
    checks.check(what, ok, || format!("{} {:?} {}", reply.status, reply.headers, reply.text()));
}

#[test]
fn uploads_are_taken_as_the_registries_take_them() {
    let mut checks = Checks::new("upload behaviours");
    let chunk = vec![7u8; 5 << 20];
    let ranged = |length: usize| format!("0-{}", length - 1);

    let ghcr = Emulated::start(Mode::Ghcr);
    let authorization = ghcr.authorization("repository:probe/app:pull,push");
    let session = open_session(&ghcr, "probe/app", &authorization);
    let headers = [("Authorization", authorization.as_str()), ("Content-Range", &ranged(chunk.len()))];
    let reply = send(&ghcr, "PATCH", &session, &headers, &chunk);
    expect(
        &mut checks,
        "GHCR: a ranged PATCH above 4 MiB → 416",
        reply.status == 416 && reply.text().contains("4.00MiB"),
        &reply,
    );
    let session = open_session(&ghcr, "probe/app", &authorization);
    let reply = send(&ghcr, "PATCH", &session, &[("Authorization", &authorization)], &chunk);
    expect(&mut checks, "GHCR: a PATCH without Content-Range is taken", reply.status == 202, &reply);

    let gar = Emulated::start(Mode::Gar);
    let authorization = gar.authorization("repository:probe/app:pull,push repository:other/app:pull");
    let session = open_session(&gar, "probe/app", &authorization);
    let reply = send(&gar, "PATCH", &session, &[("Authorization", &authorization), ("Content-Range", "0-9")], &[1; 10]);
    expect(
        &mut checks,
        "GAR: a ranged PATCH → 400",
        reply.status == 400 && reply.text().contains("monolithic"),
        &reply,
    );
    let reply = send(&gar, "PATCH", &session, &[("Authorization", &authorization)], &[1; 10]);
    expect(&mut checks, "GAR: a PATCH without Content-Range is taken", reply.status == 202, &reply);
    let mount = format!("/v2/probe/app/blobs/uploads/?mount={}&from=other/app", sha256(&[1; 10]));
    let reply = send(&gar, "POST", &mount, &[("Authorization", &authorization)], b"");
    expect(
        &mut checks,
        "GAR: a mount opens a session",
        reply.status == 202 && reply.header("location").is_some(),
        &reply,
    );

    let acr = Emulated::start(Mode::Acr);
    let authorization = acr.authorization("repository:probe/app:pull,push");
    let session = open_session(&acr, "probe/app", &authorization);
    let large = vec![0u8; 20_000_001];
    let reply = send(
        &acr,
        "PUT",
        &with_param(&session, "digest", &sha256(&large)),
        &[("Authorization", &authorization)],
        &large,
    );
    expect(&mut checks, "ACR: a PUT above 20 MB → 413", reply.status == 413, &reply);
    let reply =
        send(&acr, "PATCH", &session, &[("Authorization", &authorization), ("Content-Range", "bytes=0-9")], &[1; 10]);
    expect(&mut checks, "ACR: Content-Range with a unit → 400", reply.status == 400, &reply);
    let reply = send(&acr, "PATCH", &session, &[("Authorization", &authorization), ("Content-Range", "0-9")], &[1; 10]);
    expect(&mut checks, "ACR: a bare range is taken", reply.status == 202, &reply);
    let reply = oauth_post(&acr);
    expect(&mut checks, "ACR: the OAuth2 POST → 400", reply.status == 400, &reply);

    let ecr = Emulated::start(Mode::Ecr);
    let authorization = ecr.authorization("");
    let part = vec![3u8; 6 << 20];
    let session = open_session(&ecr, "probe/app", &authorization);
    let headers = [("Authorization", authorization.as_str()), ("Content-Range", &ranged(part.len()))];
    let first = send(&ecr, "PATCH", &session, &headers, &part);
    expect(&mut checks, "ECR: PATCH → 201", first.status == 201, &first);
    let next = path_of(first.header("location").unwrap_or_default());
    let second_range = format!("{}-{}", part.len(), 2 * part.len() - 1);
    let second =
        send(&ecr, "PATCH", &next, &[("Authorization", &authorization), ("Content-Range", &second_range)], &part);
    expect(
        &mut checks,
        "ECR: the Range stays at the first chunk",
        second.status == 201 && second.header("range") == first.header("range"),
        &second,
    );
    let session = open_session(&ecr, "probe/app", &authorization);
    let small = send(&ecr, "PATCH", &session, &[("Authorization", &authorization)], &[1; 1024]);
    let next = path_of(small.header("location").unwrap_or_default());
    let reply = send(&ecr, "PATCH", &next, &[("Authorization", &authorization)], &[1; 1024]);
    expect(&mut checks, "ECR: a part after one below 5 MiB → 400", reply.status == 400, &reply);
    let mount = format!("/v2/probe/app/blobs/uploads/?mount={}&from=other/app", sha256(&part));
    let reply = send(&ecr, "POST", &mount, &[("Authorization", &authorization)], b"");
    expect(&mut checks, "ECR: a mount opens a session", reply.status == 202, &reply);
    checks.assert();
}

#[test]
fn listings_and_manifests_are_answered_as_the_registries_answer() {
    let mut checks = Checks::new("listing and manifest behaviours");

    let ecr = Emulated::start(Mode::Ecr);
    push_raw(&ecr, "probe/app", &["a", "b", "c"], small_image());
    let authorization = ecr.authorization("");
    let headers = [("Authorization", authorization.as_str())];
    let reply = send(&ecr, "GET", "/v2/probe/app/tags/list?n=1001", &headers, b"");
    expect(&mut checks, "ECR: n above 1000 → 400", reply.status == 400, &reply);
    let page = send(&ecr, "GET", "/v2/probe/app/tags/list?n=1", &headers, b"");
    let link = page.header("link").unwrap_or_default().to_string();
    expect(
        &mut checks,
        "ECR: the next page's cursor is opaque",
        !link.contains("last=a") && link.contains("last="),
        &page,
    );
    let next = link.trim_start_matches('<').split('>').next().unwrap_or_default().to_string();
    let reply = send(&ecr, "GET", &next, &headers, b"");
    expect(
        &mut checks,
        "ECR: following the Link gives the next tag",
        reply.status == 200 && reply.json()["tags"] == serde_json::json!(["b"]),
        &reply,
    );
    let reply = send(&ecr, "GET", "/v2/probe/app/tags/list?n=1&last=a", &headers, b"");
    expect(&mut checks, "ECR: a tag as the cursor → 400", reply.status == 400, &reply);
    let accept = [("Authorization", authorization.as_str()), ("Accept", MANIFEST_TYPE)];
    let reply = send(&ecr, "GET", "/v2/probe/app/manifests/a", &accept, b"");
    expect(
        &mut checks,
        "ECR: no Docker-Content-Digest",
        reply.status == 200 && reply.header("docker-content-digest").is_none(),
        &reply,
    );

    let hub = Emulated::start(Mode::DockerHub { pulls: 2 });
    push_raw(&hub, "probe/app", &["1"], small_image());
    let authorization = hub.authorization("repository:probe/app:pull");
    let accept = [("Authorization", authorization.as_str()), ("Accept", MANIFEST_TYPE)];
    let head = send(&hub, "HEAD", "/v2/probe/app/manifests/1", &accept, b"");
    let limit_headers =
        head.header("ratelimit-limit") == Some("2;w=21600") && head.header("ratelimit-remaining") == Some("2;w=21600");
    expect(&mut checks, "Docker Hub: a HEAD shows the quota and spends none", limit_headers, &head);
    let get = send(&hub, "GET", "/v2/probe/app/manifests/1", &accept, b"");
    expect(&mut checks, "Docker Hub: a GET spends one", get.header("ratelimit-remaining") == Some("1;w=21600"), &get);
    send(&hub, "GET", "/v2/probe/app/manifests/1", &accept, b"");
    let spent = send(&hub, "GET", "/v2/probe/app/manifests/1", &accept, b"");
    expect(
        &mut checks,
        "Docker Hub: once spent → 429 with Retry-After",
        spent.status == 429 && spent.header("retry-after") == Some("3600"),
        &spent,
    );
    let token = token_reply(&hub, "repository:probe/app:pull");
    expect(&mut checks, "Docker Hub: 300 s tokens", token.json()["expires_in"] == 300, &token);

    let artifactory = Emulated::start(Mode::Artifactory);
    push_raw(&artifactory, "probe/app", &["1"], small_image());
    let authorization = artifactory.authorization("repository:probe/app:pull");
    let accept = [("Authorization", authorization.as_str()), ("Accept", MANIFEST_TYPE)];
    let reply = send(&artifactory, "HEAD", "/v2/probe/app/manifests/missing", &accept, b"");
    expect(&mut checks, "Artifactory: HEAD of a missing manifest → 403", reply.status == 403, &reply);
    let reply = send(&artifactory, "GET", "/v2/probe/app/tags/list", &accept, b"");
    let tags = reply.json()["tags"].to_string();
    expect(
        &mut checks,
        "Artifactory: digests and _uploads among the tags",
        tags.contains("\"1\"") && tags.contains("_uploads") && tags.contains("sha256:"),
        &reply,
    );
    let reply = oauth_post(&artifactory);
    expect(&mut checks, "Artifactory: the OAuth2 POST → 401", reply.status == 401, &reply);

    let many = Emulated::start(Mode::Many { blob_put_status: 204 });
    let authorization = many.authorization("repository:probe/app:pull,push");
    let reply = send(&many, "HEAD", "/v2/probe/app/manifests/1", &[("Authorization", &authorization)], b"");
    expect(&mut checks, "Many: manifest HEAD → 405", reply.status == 405, &reply);
    let reply = send(&many, "POST", "/v2/probe/app/blobs/uploads/", &[("Authorization", &authorization)], b"");
    let location = reply.header("location").unwrap_or_default().to_string();
    expect(&mut checks, "Many: a relative Location", location.starts_with("/v2/"), &reply);
    let warned = reply.header("warning") == Some(&format!("299 - \"{WARNING_TEXT}\"")[..]);
    expect(&mut checks, "Many: Warning 299 on responses", warned, &reply);
    let reply =
        send(&many, "PUT", &with_param(&location, "digest", &sha256(b"x")), &[("Authorization", &authorization)], b"x");
    expect(&mut checks, "Many: the blob PUT → 204", reply.status == 204, &reply);
    let token = token_reply(&many, "repository:probe/app:pull");
    let fields: Vec<String> =
        token.json().as_object().map(|object| object.keys().cloned().collect()).unwrap_or_default();
    expect(&mut checks, "Many: the token answer holds access_token alone", fields == ["access_token"], &token);
    checks.assert();
}

#[test]
fn auth_is_handled_as_the_registries_handle_it() {
    let mut checks = Checks::new("auth behaviours");

    let quay = Emulated::start(Mode::Quay);
    let reply = token_reply(&quay, "repository:probe/app:delete");
    expect(
        &mut checks,
        "Quay: a delete scope → 400",
        reply.status == 400 && reply.text().contains("Unable to decode"),
        &reply,
    );
    let reply = token_reply(&quay, "repository:probe/app:pull,push");
    expect(
        &mut checks,
        "Quay: push also deletes",
        granted(&reply) == serde_json::json!(["pull", "push", "delete"]),
        &reply,
    );
    let reply = token_reply(&quay, "repository:probe/app:*");
    expect(&mut checks, "Quay: * for the repository's admin", granted(&reply) == serde_json::json!(["*"]), &reply);
    let reply = delete_with_push_token(&quay);
    expect(&mut checks, "Quay: a token asked with push deletes", reply.status == 202, &reply);

    let gitlab = Emulated::start(Mode::GitLab);
    for scope in ["repository:probe/app:delete", "repository:probe/app:*"] {
        let reply = token_reply(&gitlab, scope);
        expect(
            &mut checks,
            &format!("GitLab: {scope} grants nothing"),
            reply.status == 200 && granted(&reply) == serde_json::json!([]),
            &reply,
        );
    }
    let reply = token_reply(&gitlab, "repository:probe/app:pull,push");
    expect(
        &mut checks,
        "GitLab: push also deletes",
        granted(&reply) == serde_json::json!(["pull", "push", "delete"]),
        &reply,
    );
    let reply = delete_with_push_token(&gitlab);
    expect(&mut checks, "GitLab: a token asked with push deletes", reply.status == 202, &reply);

    let gcr = Emulated::start(Mode::Gcr);
    let ping = send(&gcr, "GET", "/v2/", &[], b"");
    expect(
        &mut checks,
        "gcr.io: /v2/ challenges",
        ping.status == 401 && ping.header("www-authenticate").is_some(),
        &ping,
    );
    let reply = send(&gcr, "GET", "/v2/probe/app/tags/list", &[], b"");
    expect(
        &mut checks,
        "gcr.io: a repository's 401 has no challenge",
        reply.status == 401 && reply.header("www-authenticate").is_none(),
        &reply,
    );
    let reply = oauth_post(&gcr);
    expect(&mut checks, "gcr.io: the OAuth2 POST → 404", reply.status == 404, &reply);

    let nexus = Emulated::start(Mode::Nexus);
    push_raw(&nexus, "probe/app", &["1"], small_image());
    let ping = send(&nexus, "GET", "/v2/", &[], b"");
    expect(
        &mut checks,
        "Nexus: /v2/ open, no challenge",
        ping.status == 200 && ping.header("www-authenticate").is_none(),
        &ping,
    );
    let basic = crate::support::emulation::basic(&nexus.registry);
    let reply = send(&nexus, "GET", "/v2/probe/app/tags/list", &[("Authorization", &basic)], b"");
    expect(
        &mut checks,
        "Nexus: nulls among the tags",
        reply.status == 200
            && reply.json()["tags"].as_array().is_some_and(|tags| tags.contains(&serde_json::Value::Null)),
        &reply,
    );
    for (method, target) in [("GET", "/v2/probe/app/tags/list"), ("POST", "/v2/probe/app/blobs/uploads/")] {
        let reply = send(&nexus, method, target, &[], b"");
        let basic_challenge =
            reply.header("www-authenticate").is_some_and(|value| value.to_ascii_lowercase().starts_with("basic"));
        let what = format!("Nexus: an anonymous {method} of a repository → 401 Basic");
        expect(&mut checks, &what, reply.status == 401 && basic_challenge, &reply);
    }

    let harbor = Emulated::start(Mode::Harbor);
    let authorization = harbor.authorization("repository:project-b/app:pull,push repository:project-a/app:pull");
    let mount = format!("/v2/project-b/app/blobs/uploads/?mount={}&from=project-a/app", sha256(b"x"));
    let reply = send(&harbor, "POST", &mount, &[("Authorization", &authorization)], b"");
    expect(
        &mut checks,
        "Harbor: a mount across projects → 401 project not found",
        reply.status == 401 && reply.text().contains("project project-a not found"),
        &reply,
    );
    let reply = send(&harbor, "POST", "/v2/project-b/app/blobs/uploads/", &[("Authorization", &authorization)], b"");
    expect(
        &mut checks,
        "Harbor: an HTTPS Location behind its proxy",
        reply.header("location").is_some_and(|location| location.starts_with("https://")),
        &reply,
    );
    let plain = harbor.send_over(false, &Probe { method: "GET", target: "/v2/", headers: &[], body: b"" });
    expect(
        &mut checks,
        "Harbor: plain HTTP to the TLS port → 400",
        plain.status == 400 && plain.text().contains("plain HTTP"),
        &plain,
    );
    let registry = harbor.registry;
    let behind = Emulated::over(registry, Mode::Harbor, vec![Behaviour::PlainHttpLocation]);
    let reply = send(&behind, "POST", "/v2/project-b/app/blobs/uploads/", &[("Authorization", &authorization)], b"");
    expect(
        &mut checks,
        "Harbor: an http:// Location on demand",
        reply.header("location").is_some_and(|location| location.starts_with("http://")),
        &reply,
    );

    // Uploads on another host: the session's URL alone is enough there, as a presigned one is.
    let mode = Mode::Distribution { basic_tls: false };
    let registry = Registry::start(mode.setup());
    let storage = UploadHost::start(&registry, "probe/app");
    let elsewhere = vec![Behaviour::UploadsElsewhere { host: storage.addr().to_string() }];
    let front = Emulated::over(registry, mode, elsewhere);
    let authorization = front.authorization("repository:probe/app:pull,push");
    let reply = send(&front, "POST", "/v2/probe/app/blobs/uploads/", &[("Authorization", &authorization)], b"");
    let location = reply.header("location").unwrap_or_default().to_string();
    let storage_location = format!("http://{}/", storage.addr());
    expect(
        &mut checks,
        "uploads elsewhere: the Location names the other host",
        location.starts_with(&storage_location),
        &reply,
    );
    let target = with_param(&path_of(&location), "digest", &sha256(b"elsewhere"));
    let reply = storage.send(&Probe { method: "PUT", target: &target, headers: &[], body: b"elsewhere" });
    expect(&mut checks, "uploads elsewhere: taken without credentials", reply.status == 201, &reply);
    checks.assert();
}
