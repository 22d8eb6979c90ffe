//! A store's files as another tool would write them: blobs put in place and `index.json`
//! entries without hoist's annotations, for tests of entries hoist did not write.

use std::path::{Path, PathBuf};

use super::fixtures::sha256;

/// The config media type of OCI artifacts that have no config of their own.
pub const EMPTY_CONFIG: &str = "application/vnd.oci.empty.v1+json";
/// The annotation that names an `index.json` entry.
pub const REF_NAME: &str = "org.opencontainers.image.ref.name";

/// Where the store keeps the blob `digest` (`sha256:…`).
pub fn blob_path(root: &Path, digest: &str) -> PathBuf {
    root.join("blobs/sha256").join(digest.trim_start_matches("sha256:"))
}

/// Writes `bytes` as a blob of the store, as another tool would; returns its digest.
pub fn put_blob(root: &Path, bytes: &[u8]) -> String {
    let digest = sha256(bytes);
    std::fs::write(blob_path(root, &digest), bytes).expect("write the blob");
    digest
}

/// Adds an entry to the store's `index.json`, as another tool would (no hoist annotations).
pub fn add_entry(root: &Path, entry: serde_json::Value) {
    let path = root.join("index.json");
    let mut index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).expect("index.json")).expect("index.json parses");
    index["manifests"].as_array_mut().expect("manifests").push(entry);
    std::fs::write(&path, serde_json::to_vec(&index).expect("index.json")).expect("write index.json");
}

/// An SBOM-like artifact (ORAS style: an empty config and one blob) named `name`; returns the
/// digests of its manifest, config and blob.
pub fn add_artifact(root: &Path, name: &str, manifest_type: &str, blobs_field: &str) -> [String; 3] {
    let config = put_blob(root, b"{}");
    let sbom = put_blob(root, format!("{{\"sbom of\": \"{name}\"}}").as_bytes());
    let manifest = serde_json::json!({
        "schemaVersion": 2, "mediaType": manifest_type, "artifactType": "application/vnd.example.sbom",
        "config": {"mediaType": EMPTY_CONFIG, "digest": config, "size": 2},
        blobs_field: [{"mediaType": "application/vnd.example.sbom+json", "digest": sbom, "size": 23 + name.len()}],
        "annotations": {"org.opencontainers.image.created": "2024-05-06T07:08:09Z"},
    });
    let bytes = serde_json::to_vec(&manifest).expect("manifest");
    let digest = put_blob(root, &bytes);
    add_entry(
        root,
        serde_json::json!({"mediaType": manifest_type, "digest": digest, "size": bytes.len(), "annotations": {REF_NAME: name}}),
    );
    [digest, config, sbom]
}
