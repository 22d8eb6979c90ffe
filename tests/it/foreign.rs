//! Entries of the store that hoist did not write, or whose content is gone: another tool's OCI
//! artifact (an empty config, no platform) and names that point at a missing manifest. They
//! are listed or skipped, never a reason for a command about another image to fail; `rm`
//! removes them, and garbage collection keeps what an artifact holds.

use std::path::Path;

use crate::support::fixtures::sha256;
use crate::support::{TestContext, assert_consistent};

pub const EMPTY_CONFIG: &str = "application/vnd.oci.empty.v1+json";
pub const REF_NAME: &str = "org.opencontainers.image.ref.name";

/// Writes `bytes` as a blob of the store, as another tool would; returns its digest.
pub fn put_blob(root: &Path, bytes: &[u8]) -> String {
    let digest = sha256(bytes);
    std::fs::write(root.join("blobs/sha256").join(digest.trim_start_matches("sha256:")), bytes).unwrap();
    digest
}

/// Adds an entry to the store's `index.json`, as another tool would (no hoist annotations).
pub fn add_entry(root: &Path, entry: serde_json::Value) {
    let path = root.join("index.json");
    let mut index: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    index["manifests"].as_array_mut().unwrap().push(entry);
    std::fs::write(&path, serde_json::to_vec(&index).unwrap()).unwrap();
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
    let bytes = serde_json::to_vec(&manifest).unwrap();
    let digest = put_blob(root, &bytes);
    add_entry(
        root,
        serde_json::json!({"mediaType": manifest_type, "digest": digest, "size": bytes.len(), "annotations": {REF_NAME: name}}),
    );
    [digest, config, sbom]
}

fn blob_exists(root: &Path, digest: &str) -> bool {
    root.join("blobs/sha256").join(digest.trim_start_matches("sha256:")).is_file()
}

#[test]
fn artifacts_and_dangling_names_never_break_other_images() {
    let context = TestContext::new();
    let root = context.root();
    let id = context.import("keep/app:1", &[("etc/motd", b"kept\n")]);
    context.import("keep/other:1", &[("etc/motd", b"other\n")]);
    let sbom = add_artifact(&root, "example.com/sbom/app:1", "application/vnd.oci.image.manifest.v1+json", "layers");
    let old_style =
        add_artifact(&root, "example.com/sbom/old:1", "application/vnd.oci.artifact.manifest.v1+json", "blobs");
    let missing = sha256(b"a manifest that was never written");
    let dangling = serde_json::json!({
        "mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": missing, "size": 33,
        "annotations": {REF_NAME: "example.com/gone/app:1"},
    });
    add_entry(&root, dangling);

    let listed = context.hoist(&["images"]).success();
    let rows: Vec<&str> = listed.stdout.lines().skip(1).map(|line| line.split_whitespace().next().unwrap()).collect();
    assert_eq!(rows, ["keep/app", "keep/other", "example.com/sbom/app", "example.com/sbom/old"], "{}", listed.stdout);
    let artifact_row = listed.stdout.lines().find(|line| line.starts_with("example.com/sbom/app ")).unwrap();
    assert!(artifact_row.contains(&sbom[0][7..19]), "an artifact's ID is its manifest's digest: {artifact_row}");
    assert!(
        listed.stderr.contains("WARNING: example.com/gone/app:1 is not listed")
            && listed.stderr.contains("`hoist rm example.com/gone/app:1` removes the name"),
        "{}",
        listed.stderr
    );
    let quiet = context.hoist(&["images", "-q", "--no-trunc", "keep/app"]).success().stdout;
    assert_eq!(quiet, format!("{id}\n"));

    let inspected = context.hoist(&["inspect", "keep/app:1"]).success().stdout;
    assert!(inspected.contains(&id), "{inspected}");
    let artifact = context.hoist(&["inspect", "example.com/sbom/app:1"]).failure(1);
    assert!(
        artifact.stderr.contains("is not an image: its config is application/vnd.oci.empty.v1+json"),
        "{}",
        artifact.stderr
    );
    context.hoist(&["tag", "keep/app:1", "keep/app:2"]).success();
    let gone = context.hoist(&["tag", "example.com/gone/app:1", "keep/gone:1"]).failure(1);
    assert!(gone.stderr.contains("cannot tag example.com/gone/app:1"), "{}", gone.stderr);
    let saved = context.path("keep.tar");
    context.hoist(&["save", "-o", saved.to_str().unwrap(), "keep/app:2"]).success();

    // rm of an image runs garbage collection: the artifacts keep every blob.
    let removed = context.hoist(&["rm", "keep/other:1"]).success().stdout;
    assert!(removed.starts_with("Untagged: keep/other:1\nDeleted: sha256:"), "{removed}");
    for digest in sbom.iter().chain(&old_style) {
        assert!(blob_exists(&root, digest), "{digest} of an artifact was collected");
    }
    // A dangling name goes with rm; nothing was deleted with it.
    let removed = context.hoist(&["rm", "example.com/gone/app:1"]).success().stdout;
    assert_eq!(removed, "Untagged: example.com/gone/app:1\n");
    let listed = context.hoist(&["images"]).success();
    assert_eq!(listed.stderr, "");
    assert_eq!(assert_consistent(&root), 4, "keep/app:1, keep/app:2 and the two artifacts, every one whole");

    let removed = context.hoist(&["rm", "example.com/sbom/app:1"]).success().stdout;
    assert_eq!(removed, format!("Untagged: example.com/sbom/app:1\nDeleted: {}\n", sbom[0]));
    assert!(!blob_exists(&root, &sbom[2]), "the artifact's own blob goes with it");
    assert!(blob_exists(&root, &old_style[2]));
}
