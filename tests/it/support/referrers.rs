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
