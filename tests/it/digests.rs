//! sha512 content works wherever sha256 does (OCI registers both): an image whose layer and
//! config are named by sha512 digests loads, pushes to a real registry, pulls back and saves.

use sha2::{Digest as _, Sha512};

use crate::support::fixtures::{self, gzip, rootfs_tar};
use crate::support::registry::{Registry, Setup};
use crate::support::{TestContext, hex};

fn sha512(bytes: &[u8]) -> String {
    format!("sha512:{}", hex(&Sha512::digest(bytes)))
}

/// An OCI archive of one image whose layer and config are named by sha512 digests.
fn sha512_archive(name: &str) -> (Vec<u8>, String, String) {
    let tar = rootfs_tar(&[("etc/motd", b"hashed with sha512\n")]);
    let layer = gzip(&tar);
    let config = fixtures::config_with_diff_ids(&[fixtures::sha256(&tar)], "2024-01-02T03:04:05Z");
    let descriptor = |media_type: &str, bytes: &[u8]| serde_json::json!({"mediaType": media_type, "digest": sha512(bytes), "size": bytes.len()});
    let manifest = serde_json::to_vec(&serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": descriptor("application/vnd.oci.image.config.v1+json", &config),
        "layers": [descriptor("application/vnd.oci.image.layer.v1.tar+gzip", &layer)],
    }))
    .unwrap();
    let index = serde_json::to_vec(&serde_json::json!({"schemaVersion": 2, "manifests": [{
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "digest": fixtures::sha256(&manifest),
        "size": manifest.len(),
        "annotations": {"org.opencontainers.image.ref.name": name},
    }]}))
    .unwrap();
    let path = |digest: String| format!("blobs/{}", digest.replacen(':', "/", 1));
    let files = [
        ("oci-layout".to_string(), br#"{"imageLayoutVersion":"1.0.0"}"#.to_vec()),
        ("index.json".to_string(), index),
        (path(sha512(&layer)), layer.clone()),
        (path(sha512(&config)), config),
        (path(fixtures::sha256(&manifest)), manifest.clone()),
    ];
    let borrowed: Vec<(&str, &[u8])> = files.iter().map(|(path, bytes)| (path.as_str(), bytes.as_slice())).collect();
    (rootfs_tar(&borrowed), fixtures::sha256(&manifest), sha512(&layer))
}

#[test]
fn sha512_content_loads_pushes_pulls_and_saves() {
    let registry = Registry::start(Setup::Plain);
    let context = TestContext::new();
    let name = format!("{}/sha512/app:1", registry.addr());
    let (archive, manifest_digest, layer_digest) = sha512_archive(&name);
    let archive = context.write("sha512.tar", &archive);
    context.hoist(&["load", "-i", archive.to_str().unwrap()]).success();
    let layer_file = layer_digest.replacen(':', "/", 1);
    assert!(context.root().join("blobs").join(&layer_file).is_file(), "the layer is stored under blobs/sha512/");

    let pushed = context.hoist(&["push", &name]).success().stdout;
    assert!(pushed.contains(&format!("1: digest: {manifest_digest} ")), "{pushed}");

    let other = TestContext::new();
    let pulled = other.hoist(&["pull", &name]).success().stdout;
    assert!(pulled.contains(&format!("Digest: {manifest_digest}")), "{pulled}");
    assert!(other.root().join("blobs").join(&layer_file).is_file());
    let saved = other.path("saved.tar");
    other.hoist(&["save", "-o", saved.to_str().unwrap(), &name]).success();
    assert_consistent_sha512(&other);
}

/// The store's sha256 blobs are consistent, and its sha512 ones match their names.
fn assert_consistent_sha512(context: &TestContext) {
    let folder = context.root().join("blobs/sha512");
    for entry in std::fs::read_dir(&folder).unwrap().flatten() {
        let bytes = std::fs::read(entry.path()).unwrap();
        assert_eq!(sha512(&bytes), format!("sha512:{}", entry.file_name().to_string_lossy()));
    }
}
