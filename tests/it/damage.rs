//! Blobs damaged on disk (bit rot, a truncated copy): a pull fetches them again, a push
//! refuses to send them, and `system check` finds and mends them.

use std::path::Path;

use crate::assert_outcome;
use crate::support::fixtures::{self, OciImage};
use crate::support::registry::{Registry, Setup};
use crate::support::snapshot::Filters;
use crate::support::store::{add_artifact, blob_path, put_blob};
use crate::support::{TestContext, assert_consistent};

/// The blobs of the image the store names `reference`: manifest, config and layers.
pub struct Blobs {
    pub manifest: String,
    pub config: String,
    pub layers: Vec<String>,
}

pub fn blobs_of(root: &Path, reference: &str) -> Blobs {
    let index: serde_json::Value = serde_json::from_slice(&std::fs::read(root.join("index.json")).unwrap()).unwrap();
    let entry = index["manifests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|entry| entry["annotations"]["org.opencontainers.image.ref.name"] == reference)
        .unwrap_or_else(|| panic!("no {reference} in {index}"));
    let manifest = entry["digest"].as_str().unwrap().to_string();
    let document: serde_json::Value =
        serde_json::from_slice(&std::fs::read(blob_path(root, &manifest)).unwrap()).unwrap();
    let layers = document["layers"].as_array().unwrap().iter().map(|l| l["digest"].as_str().unwrap().into()).collect();
    Blobs { manifest, config: document["config"]["digest"].as_str().unwrap().into(), layers }
}

/// Cuts the blob to half its size, as a crash of a copy or a failing disk would; returns the
/// sizes before and after.
pub fn truncate(root: &Path, digest: &str) -> (u64, u64) {
    let path = blob_path(root, digest);
    let size = std::fs::metadata(&path).unwrap().len();
    std::fs::File::options().write(true).open(&path).unwrap().set_len(size / 2).unwrap();
    (size, size / 2)
}

/// Changes one byte in the middle of the blob, keeping its size.
pub fn flip_byte(root: &Path, digest: &str) {
    let path = blob_path(root, digest);
    let mut bytes = std::fs::read(&path).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x20;
    std::fs::write(&path, bytes).unwrap();
}

/// A registry holding `REGISTRY/damage/app:1` (one layer of 700 kB, the same on every run),
/// pushed by hoist from `context`'s store, and the reference.
pub fn registry_with_image(context: &TestContext) -> (Registry, String) {
    let registry = Registry::start(Setup::Plain);
    let reference = format!("{}/damage/app:1", registry.addr());
    let image = OciImage::of_files(&[("etc/motd", b"damage\n"), ("data", &fixtures::noise(21, 700_000))]);
    context.load_oci(&image, &reference).success();
    context.hoist(&["push", &reference]).success();
    (registry, reference)
}

#[test]
fn a_pull_fetches_a_damaged_blob_again() {
    let source = TestContext::new();
    let (_registry, reference) = registry_with_image(&source);
    let context = TestContext::new();
    context.hoist(&["pull", &reference]).success();
    let root = context.root();
    let blobs = blobs_of(&root, &reference);
    let layer = &blobs.layers[0];

    let filters = Filters::new(&context).regex(r"127\.0\.0\.1:[0-9]+", "[REGISTRY]");
    truncate(&root, layer);
    assert_outcome!(filters, context.hoist(&["pull", &reference]), @r"
        success: true
        exit_code: 0
        ----- stdout -----
        1: Pulling from damage/app
        da28f56df9ac: Pull complete
        Digest: sha256:5e91e8f30fda5a6663a926701979ef8a2838f6226499692dc8b8b14e26da917f
        Status: Downloaded newer image for [REGISTRY]/damage/app:1
        [REGISTRY]/damage/app:1
        ----- stderr -----
        WARNING: blob sha256:da28f56df9ac0cb813acd2d36ed65446365f28778df935549739ff7cd0c66a6e in the store is damaged (its file has 350210 bytes, not the 700421 the image says); fetching it again
        ");
    assert_consistent(&root);

    // The config is small: checked by digest, so one changed byte is found.
    flip_byte(&root, &blobs.config);
    assert_outcome!(filters, context.hoist(&["pull", &reference]), @r"
        success: true
        exit_code: 0
        ----- stdout -----
        1: Pulling from damage/app
        da28f56df9ac: Already exists
        Digest: sha256:5e91e8f30fda5a6663a926701979ef8a2838f6226499692dc8b8b14e26da917f
        Status: Downloaded newer image for [REGISTRY]/damage/app:1
        [REGISTRY]/damage/app:1
        ----- stderr -----
        WARNING: blob sha256:1bfd3e4e61fc4e8c8bd4841348411aa5ebcc69e763d3a32e3c9ae4096b2f7ccd in the store is damaged (its content has digest sha256:084699b810ce2721be915242762257dd926941bdee37db15e2414d621e3695ce); fetching it again
        ");
    assert_consistent(&root);

    // The manifest comes from the registry on every pull: a damaged copy is replaced.
    truncate(&root, &blobs.manifest);
    context.hoist(&["pull", &reference]).success();
    assert_consistent(&root);
    let inspected = context.hoist(&["inspect", &reference]).success().stdout;
    assert!(inspected.contains(&blobs.manifest), "{inspected}");
    assert_outcome!(filters, context.hoist(&["pull", &reference]), @r"
        success: true
        exit_code: 0
        ----- stdout -----
        1: Pulling from damage/app
        da28f56df9ac: Already exists
        Digest: sha256:5e91e8f30fda5a6663a926701979ef8a2838f6226499692dc8b8b14e26da917f
        Status: Image is up to date for [REGISTRY]/damage/app:1
        [REGISTRY]/damage/app:1
        ----- stderr -----
        ");
}

#[test]
fn a_push_refuses_a_damaged_layer_and_sends_nothing() {
    let context = TestContext::new();
    let registry = Registry::start(Setup::Plain);
    let filters = Filters::new(&context).literal(&registry.addr(), "[REGISTRY]");
    let reference = format!("{}/damage/app:1", registry.addr());
    context.load_oci(&OciImage::of_files(&[("data", &fixtures::noise(22, 700_000))]), &reference).success();
    let root = context.root();
    let layer = blobs_of(&root, &reference).layers[0].clone();
    truncate(&root, &layer);

    // The damage is named, with the way to mend it; the network is not blamed.
    assert_outcome!(filters, context.hoist(&["push", &reference]), @r"
        success: false
        exit_code: 1
        ----- stdout -----
        The push refers to repository [[REGISTRY]/damage/app]
        ----- stderr -----
        Error: cannot push [REGISTRY]/damage/app:1
          caused by: layer sha256:10e89e12b5b254986b3493a847e384f94918bb4791b1b094aeecb38ab0cbc9f4 of [REGISTRY]/damage/app:1 is damaged in the store; nothing of it was sent
          caused by: blob sha256:10e89e12b5b254986b3493a847e384f94918bb4791b1b094aeecb38ab0cbc9f4 in the store is damaged: its file has 350185 bytes, not the 700371 the image says ([TEMP]/root/blobs/sha256/10e89e12b5b254986b3493a847e384f94918bb4791b1b094aeecb38ab0cbc9f4)
        hint: pull the image again to mend it (`hoist pull [REGISTRY]/damage/app:1`), or remove it (`hoist rm [REGISTRY]/damage/app:1`)
        ");
    let log = registry.log();
    let sent: Vec<&str> = log
        .lines()
        .filter(|line| ["\"POST ", "\"PATCH ", "\"PUT "].iter().any(|method| line.contains(method)))
        .collect();
    assert_eq!(sent, Vec::<&str>::new(), "nothing was sent");
    assert_eq!(registry.get("/v2/_catalog").body.trim(), r#"{"repositories":[]}"#);
}

#[test]
fn system_check_finds_damage_and_repair_mends_it() {
    let source = TestContext::new();
    let (registry, pulled) = registry_with_image(&source);
    let context = TestContext::new();
    let filters = Filters::new(&context).literal(&registry.addr(), "[REGISTRY]");
    let root = context.root();
    context.hoist(&["pull", &pulled]).success();
    // A name no registry can give back: its registry is not there.
    let local = "127.0.0.1:1/local/app:1";
    context.load_oci(&OciImage::of_files(&[("data", &fixtures::noise(23, 300_000))]), local).success();
    let artifact =
        add_artifact(&root, "example.com/sbom/app:1", "application/vnd.oci.image.manifest.v1+json", "layers");
    assert_outcome!(filters, context.hoist(&["system", "check"]), @r"
        success: true
        exit_code: 0
        ----- stdout -----
        checked 9 blobs (1MB) and 3 names
        foreign: example.com/sbom/app:1: an artifact of another tool (its config is application/vnd.oci.empty.v1+json)
        the store is sound
        ----- stderr -----
        ");

    // One byte of the pulled layer changes, its size does not: only hashing finds it.
    let pulled_layer = blobs_of(&root, &pulled).layers[0].clone();
    flip_byte(&root, &pulled_layer);
    let unnoticed = context.hoist(&["pull", &pulled]).success().stdout;
    assert!(unnoticed.contains(&format!("{}: Already exists", &pulled_layer[7..19])), "{unnoticed}");
    let local_layer = blobs_of(&root, local).layers[0].clone();
    truncate(&root, &local_layer);
    let stray = put_blob(&root, b"a blob nothing names");
    std::fs::write(blob_path(&root, &stray), b"a blob nothing names, changed").unwrap();
    std::fs::write(root.join("blobs/sha256/notes.txt"), b"not a blob").unwrap();

    assert_outcome!(filters, context.hoist(&["system", "check"]), @r"
        success: false
        exit_code: 1
        ----- stdout -----
        checked 10 blobs (852kB) and 3 names
        damaged: 127.0.0.1:1/local/app:1: layer sha256:2fbe7cf374a41a73050467f72afc79dce134eee423316eb84d9b0c4a1f80cac0 is damaged: its file has 150127 bytes, not the 300254 the image says
        damaged: [REGISTRY]/damage/app:1: layer sha256:da28f56df9ac0cb813acd2d36ed65446365f28778df935549739ff7cd0c66a6e is damaged: its content has digest sha256:b9d1b9719fec5f310888a7ddde5cad07b1aea9a887cf8f9d46920b8466227b50
        damaged: blob sha256:03f82ae6133ea799b69c08aa13b09d143e4602077fdcd81d29102ba6524baa5d (no name uses it): its content has digest sha256:82fc5476f98894103ed6c2d41df85410af4c486cd055616e95eb6ab292fef22d
        foreign: example.com/sbom/app:1: an artifact of another tool (its config is application/vnd.oci.empty.v1+json)
        foreign: [TEMP]/root/blobs/sha256/notes.txt: not a blob hoist knows
        3 problems
        ----- stderr -----
        Error: the store at [TEMP]/root is damaged: `hoist system check --repair` fetches what registries still have and removes what cannot be mended
        ");
    assert_outcome!(filters, context.hoist(&["system", "check", "--repair"]), @r"
        success: true
        exit_code: 0
        ----- stdout -----
        checked 10 blobs (852kB) and 3 names
        damaged: 127.0.0.1:1/local/app:1: layer sha256:2fbe7cf374a41a73050467f72afc79dce134eee423316eb84d9b0c4a1f80cac0 is damaged: its file has 150127 bytes, not the 300254 the image says
        damaged: [REGISTRY]/damage/app:1: layer sha256:da28f56df9ac0cb813acd2d36ed65446365f28778df935549739ff7cd0c66a6e is damaged: its content has digest sha256:b9d1b9719fec5f310888a7ddde5cad07b1aea9a887cf8f9d46920b8466227b50
        damaged: blob sha256:03f82ae6133ea799b69c08aa13b09d143e4602077fdcd81d29102ba6524baa5d (no name uses it): its content has digest sha256:82fc5476f98894103ed6c2d41df85410af4c486cd055616e95eb6ab292fef22d
        foreign: example.com/sbom/app:1: an artifact of another tool (its config is application/vnd.oci.empty.v1+json)
        foreign: [TEMP]/root/blobs/sha256/notes.txt: not a blob hoist knows
        removed: 127.0.0.1:1/local/app:1: cannot be mended: cannot reach 127.0.0.1:1: error sending request for url (http://127.0.0.1:1/v2/): client error (Connect): tcp connect error: Connection refused (os error 111)
        repaired: [REGISTRY]/damage/app:1
        deleted 2 blobs nothing needs
        the store is sound
        ----- stderr -----
        Retrying in 1 second (attempt 2 of 5): cannot reach 127.0.0.1:1: Connection refused (os error 111)
        Retrying in 1 second (attempt 3 of 5): cannot reach 127.0.0.1:1: Connection refused (os error 111)
        Retrying in 1 second (attempt 4 of 5): cannot reach 127.0.0.1:1: Connection refused (os error 111)
        Retrying in 1 second (attempt 5 of 5): cannot reach 127.0.0.1:1: Connection refused (os error 111)
        ");
    assert_outcome!(filters, context.hoist(&["system", "check"]), @r"
        success: true
        exit_code: 0
        ----- stdout -----
        checked 6 blobs (702kB) and 2 names
        foreign: example.com/sbom/app:1: an artifact of another tool (its config is application/vnd.oci.empty.v1+json)
        foreign: [TEMP]/root/blobs/sha256/notes.txt: not a blob hoist knows
        the store is sound
        ----- stderr -----
        ");
    let listed = context.hoist(&["images"]).success().stdout;
    assert!(listed.contains("damage/app ") && !listed.contains("local/app"), "{listed}");
    assert!(artifact.iter().all(|digest| blob_path(&root, digest).is_file()), "the artifact is whole and kept");
    std::fs::remove_file(root.join("blobs/sha256/notes.txt")).unwrap();
    assert_consistent(&root);
}
