//! Blobs damaged on disk (bit rot, a truncated copy): a pull fetches them again, a push
//! refuses to send them, and `system check` finds and mends them.

use std::path::{Path, PathBuf};

use crate::support::registry::{Registry, Setup};
use crate::support::{TestContext, assert_consistent, fixtures};

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

pub fn blob_path(root: &Path, digest: &str) -> PathBuf {
    root.join("blobs/sha256").join(digest.trim_start_matches("sha256:"))
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

/// A registry holding `REGISTRY/damage/app:1` (one layer of 700 kB), pushed by hoist from
/// `context`'s store, and the reference.
pub fn registry_with_image(context: &TestContext) -> (Registry, String) {
    let registry = Registry::start(Setup::Plain);
    let reference = format!("{}/damage/app:1", registry.addr());
    context.import(&reference, &[("etc/motd", b"damage\n"), ("data", &fixtures::noise(21, 700_000))]);
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

    let (size, cut) = truncate(&root, layer);
    let again = context.hoist(&["pull", &reference]).success();
    let short = &layer[7..19];
    assert!(again.stdout.contains(&format!("{short}: Pull complete\n")), "{}", again.stdout);
    assert!(again.stdout.contains("Status: Downloaded newer image for"), "{}", again.stdout);
    assert!(
        again.stderr.contains(&format!(
            "WARNING: blob {layer} in the store is damaged (its file has {cut} bytes, not the {size} the image says); \
             fetching it again"
        )),
        "{}",
        again.stderr
    );
    assert_consistent(&root);

    // The config is small: checked by digest, so one changed byte is found.
    flip_byte(&root, &blobs.config);
    let again = context.hoist(&["pull", &reference]).success();
    assert!(
        again.stderr.contains(&format!("WARNING: blob {} in the store is damaged", blobs.config)),
        "{}",
        again.stderr
    );
    assert!(again.stdout.contains(&format!("{short}: Already exists\n")), "{}", again.stdout);
    assert_consistent(&root);

    // The manifest comes from the registry on every pull: a damaged copy is replaced.
    truncate(&root, &blobs.manifest);
    context.hoist(&["pull", &reference]).success();
    assert_consistent(&root);
    let inspected = context.hoist(&["inspect", &reference]).success().stdout;
    assert!(inspected.contains(&blobs.manifest), "{inspected}");

    let intact = context.hoist(&["pull", &reference]).success();
    assert!(intact.stdout.contains(&format!("{short}: Already exists\n")), "{}", intact.stdout);
    assert!(intact.stdout.contains("Status: Image is up to date for"), "{}", intact.stdout);
    assert_eq!(intact.stderr, "");
}

#[test]
fn a_push_refuses_a_damaged_layer_and_sends_nothing() {
    let context = TestContext::new();
    let registry = Registry::start(Setup::Plain);
    let reference = format!("{}/damage/app:1", registry.addr());
    context.import(&reference, &[("data", &fixtures::noise(22, 700_000))]);
    let root = context.root();
    let layer = blobs_of(&root, &reference).layers[0].clone();
    truncate(&root, &layer);

    let refused = context.hoist(&["push", &reference]).failure(1);
    assert!(
        refused
            .stderr
            .contains(&format!("layer {layer} of {reference} is damaged in the store; nothing of it was sent")),
        "{}",
        refused.stderr
    );
    assert!(refused.stderr.contains("its file has"), "{}", refused.stderr);
    assert!(
        refused.stderr.contains(&format!(
            "hint: pull the image again to mend it (`hoist pull {reference}`), or remove it (`hoist rm {reference}`)"
        )),
        "{}",
        refused.stderr
    );
    assert!(!refused.stderr.contains("cannot reach"), "the network is not blamed: {}", refused.stderr);
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
    let (_registry, pulled) = registry_with_image(&source);
    let context = TestContext::new();
    let root = context.root();
    context.hoist(&["pull", &pulled]).success();
    // A name no registry can give back: its registry is not there.
    let local = "127.0.0.1:1/local/app:1";
    context.import(local, &[("data", &fixtures::noise(23, 300_000))]);
    let artifact = crate::foreign::add_artifact(
        &root,
        "example.com/sbom/app:1",
        "application/vnd.oci.image.manifest.v1+json",
        "layers",
    );

    let sound = context.hoist(&["system", "check"]).success();
    assert!(sound.stdout.starts_with("checked 9 blobs ("), "{}", sound.stdout);
    assert!(sound.stdout.contains(") and 3 names\n"), "{}", sound.stdout);
    assert!(
        sound.stdout.contains(
            "foreign: example.com/sbom/app:1: an artifact of another tool (its config is \
             application/vnd.oci.empty.v1+json)\n"
        ),
        "{}",
        sound.stdout
    );
    assert!(sound.stdout.ends_with("the store is sound\n"), "{}", sound.stdout);

    // One byte of the pulled layer changes, its size does not: only hashing finds it.
    let pulled_layer = blobs_of(&root, &pulled).layers[0].clone();
    flip_byte(&root, &pulled_layer);
    let unnoticed = context.hoist(&["pull", &pulled]).success().stdout;
    assert!(unnoticed.contains(&format!("{}: Already exists", &pulled_layer[7..19])), "{unnoticed}");
    let local_layer = blobs_of(&root, local).layers[0].clone();
    let (size, cut) = truncate(&root, &local_layer);
    let stray = crate::foreign::put_blob(&root, b"a blob nothing names");
    std::fs::write(blob_path(&root, &stray), b"a blob nothing names, changed").unwrap();
    std::fs::write(root.join("blobs/sha256/notes.txt"), b"not a blob").unwrap();

    let damaged = context.hoist(&["system", "check"]).failure(1);
    let lines: Vec<&str> = damaged.stdout.lines().collect();
    assert!(lines[0].starts_with("checked 10 blobs ("), "{}", damaged.stdout);
    let expected = [
        format!("damaged: {pulled}: layer {pulled_layer} is damaged: its content has digest sha256:"),
        format!(
            "damaged: {local}: layer {local_layer} is damaged: its file has {cut} bytes, not the {size} the image says"
        ),
        format!("damaged: blob {stray} (no name uses it): its content has digest sha256:"),
        format!("foreign: {}: not a blob hoist knows", root.join("blobs/sha256/notes.txt").display()),
        "3 problems".to_string(),
    ];
    for line in &expected {
        assert!(lines.iter().any(|shown| shown.starts_with(line.as_str())), "no {line:?} in:\n{}", damaged.stdout);
    }
    assert!(damaged.stderr.contains("`hoist system check --repair`"), "{}", damaged.stderr);

    let repaired = context.hoist(&["system", "check", "--repair"]).success().stdout;
    assert!(repaired.contains(&format!("repaired: {pulled}\n")), "{repaired}");
    assert!(repaired.contains(&format!("removed: {local}: cannot be mended: ")), "{repaired}");
    assert!(repaired.contains("cannot reach 127.0.0.1:1"), "{repaired}");
    assert!(repaired.ends_with("the store is sound\n"), "{repaired}");

    let again = context.hoist(&["system", "check"]).success().stdout;
    assert!(again.ends_with("the store is sound\n"), "{again}");
    assert!(again.contains(") and 2 names\n"), "{again}");
    let listed = context.hoist(&["images"]).success().stdout;
    assert!(listed.contains("damage/app ") && !listed.contains("local/app"), "{listed}");
    assert!(artifact.iter().all(|digest| blob_path(&root, digest).is_file()), "the artifact is whole and kept");
    std::fs::remove_file(root.join("blobs/sha256/notes.txt")).unwrap();
    assert_consistent(&root);
}
