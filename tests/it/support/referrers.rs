//! Referrers as a signing tool leaves them on a registry without the referrers API (CNCF
//! distribution 2.8): an OCI artifact manifest (`artifactType`, `subject`, the empty config)
//! and the `sha256-<hex>` tag-schema index that lists it, put with the bare HTTP client.

use super::fixtures::sha256;
use super::http::request;

/// Uploads `blob` to `repository` of the plain-HTTP registry at `addr` (POST, then PUT).
pub fn put_blob(addr: &str, repository: &str, blob: &[u8]) -> String {
    let digest = sha256(blob);
    let started =
        request(addr, "POST", &format!("/v2/{repository}/blobs/uploads/"), &[], b"").expect("start an upload");
    assert_eq!(started.status, 202, "{}", started.text());
    let location = started.header("Location").expect("an upload location").to_string();
    let path = location.split_once("://").map_or(location.as_str(), |(_, rest)| &rest[rest.find('/').unwrap_or(0)..]);
    let separator = if path.contains('?') { '&' } else { '?' };
    let put = request(addr, "PUT", &format!("{path}{separator}digest={digest}"), &[], blob).expect("finish the upload");
    assert_eq!(put.status, 201, "{}", put.text());
    digest
}

/// Puts a manifest of `media_type` under `reference` (a tag or its digest); returns its digest.
pub fn put_manifest(addr: &str, repository: &str, reference: &str, media_type: &str, bytes: &[u8]) -> String {
    let headers = [("Content-Type", media_type)];
    let put = request(addr, "PUT", &format!("/v2/{repository}/manifests/{reference}"), &headers, bytes).expect("put");
    assert_eq!(put.status, 201, "{}", put.text());
    sha256(bytes)
}

/// A signature of the manifest `subject` (`digest`, `size`, `media_type`): an artifact
/// manifest whose one layer holds `payload`, listed in the `sha256-<hex>` index. Returns the
/// artifact's digest.
pub fn sign(addr: &str, repository: &str, subject: (&str, usize, &str), payload: &[u8]) -> String {
    let (digest, size, media_type) = subject;
    let empty = put_blob(addr, repository, b"{}");
    let layer = put_blob(addr, repository, payload);
    let artifact_type = "application/vnd.dev.cosign.artifact.sig.v1+json";
    let manifest = serde_json::json!({
        "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json", "artifactType": artifact_type,
        "config": {"mediaType": "application/vnd.oci.empty.v1+json", "digest": empty, "size": 2},
        "layers": [{"mediaType": "application/vnd.dev.cosign.simplesigning.v1+json", "digest": layer, "size": payload.len()}],
        "subject": {"mediaType": media_type, "digest": digest, "size": size},
        "annotations": {"dev.cosignproject.cosign/signature": "MEUCIQ"},
    });
    let bytes = serde_json::to_vec(&manifest).unwrap();
    let signature = sha256(&bytes);
    put_manifest(addr, repository, &signature, "application/vnd.oci.image.manifest.v1+json", &bytes);
    let index = serde_json::json!({
        "schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": signature, "size": bytes.len(),
            "artifactType": artifact_type, "annotations": {"dev.cosignproject.cosign/signature": "MEUCIQ"}}],
    });
    let tag = digest.replacen(':', "-", 1);
    put_manifest(
        addr,
        repository,
        &tag,
        "application/vnd.oci.image.index.v1+json",
        &serde_json::to_vec(&index).unwrap(),
    );
    signature
}

/// A registry with the OCI 1.1 referrers API: a proxy in front of a `docker-registry` that
/// answers `GET /v2/<name>/referrers/<digest>` itself (from the registry's tag-schema index,
/// or an empty index) and passes everything else through; it keeps the referrers requests.
pub struct ReferrersApi {
    serving: super::http::Serving,
    asked: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl ReferrersApi {
    pub fn start(backend: &str) -> ReferrersApi {
        use std::io::{BufReader, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind the referrers proxy");
        let asked = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let (log, backend) = (std::sync::Arc::clone(&asked), backend.to_string());
        let serving = super::http::Serving::start(listener, move |stream| {
            let mut reader = BufReader::new(stream.try_clone().expect("clone the stream"));
            let Ok(Some(head)) = super::http::read_head(&mut reader) else { return };
            let (method, target) = {
                let mut parts = head.start.split(' ');
                (parts.next().unwrap_or_default().to_string(), parts.next().unwrap_or_default().to_string())
            };
            let Ok(body) = super::http::read_body(&mut reader, head.framing(None)) else { return };
            let reply = match referrers_target(&target) {
                Some((name, subject)) if method == "GET" => {
                    log.lock().unwrap().push(target.clone());
                    referrers(&backend, &name, &subject)
                }
                _ => {
                    let headers: Vec<(&str, &str)> = head
                        .headers
                        .iter()
                        .filter(|(key, _)| {
                            !["host", "content-length", "connection"].contains(&key.to_lowercase().as_str())
                        })
                        .map(|(key, value)| (key.as_str(), value.as_str()))
                        .collect();
                    let Ok(reply) = request(&backend, &method, &target, &headers, &body) else { return };
                    reply
                }
            };
            let mut stream = stream;
            let mut headers: Vec<(String, String)> = reply
                .headers
                .iter()
                .filter(|(key, _)| !["content-length", "transfer-encoding"].contains(&key.to_lowercase().as_str()))
                .cloned()
                .collect();
            if method != "HEAD" {
                headers.push(("Content-Length".into(), reply.body.len().to_string()));
            }
            let _ = super::http::write_head(&mut stream, &format!("HTTP/1.1 {} X", reply.status), &headers);
            let _ = stream.write_all(&reply.body);
        });
        ReferrersApi { serving, asked }
    }

    pub fn addr(&self) -> &str {
        &self.serving.addr
    }

    /// The referrers requests' targets.
    pub fn asked(&self) -> Vec<String> {
        self.asked.lock().unwrap().clone()
    }
}

/// `(name, digest)` of `/v2/<name>/referrers/<digest>`.
fn referrers_target(target: &str) -> Option<(String, String)> {
    let path = target.split('?').next()?.strip_prefix("/v2/")?;
    let (name, subject) = path.rsplit_once("/referrers/")?;
    Some((name.to_string(), subject.to_string()))
}

fn referrers(backend: &str, name: &str, subject: &str) -> super::http::Reply {
    let tag = subject.replacen(':', "-", 1);
    let accept = [("Accept", "application/vnd.oci.image.index.v1+json")];
    let found =
        request(backend, "GET", &format!("/v2/{name}/manifests/{tag}"), &accept, b"").expect("ask the registry");
    let body = if found.status == 200 {
        found.body
    } else {
        br#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}"#.to_vec()
    };
    let headers = vec![("Content-Type".to_string(), "application/vnd.oci.image.index.v1+json".to_string())];
    super::http::Reply { status: 200, headers, body }
}
