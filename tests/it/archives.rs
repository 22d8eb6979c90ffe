//! `load` and `save`: archives in and out, and every way an archive can be bad.

use std::fs;

use crate::support::fixtures::{self, ArchiveImage, docker_archive, sha256};
use crate::support::{TestContext, assert_consistent};

fn two_images() -> Vec<ArchiveImage> {
    vec![
        ArchiveImage::new(&["alpha:1", "alpha:latest"], &[&[("etc/os-release", b"alpha\n")], &[("bin/a", b"a")]]),
        ArchiveImage::new(
            &["registry.example.com/team/beta:2"],
            &[&[("etc/os-release", b"alpha\n")], &[("bin/b", b"b")]],
        ),
    ]
}

#[test]
fn load_then_save_keeps_ids_and_names() {
    let context = TestContext::new();
    let images = two_images();
    let archive = context.write("in.tar", &docker_archive(&images));
    let loaded = context.hoist(&["load", "-i", archive.to_str().unwrap()]).success().stdout;
    assert_eq!(
        loaded,
        "Loaded image: alpha:1\nLoaded image: alpha:latest\nLoaded image: registry.example.com/team/beta:2\n"
    );
    let ids = context.hoist(&["images", "-q", "--no-trunc", "alpha:1"]).success().stdout;
    assert_eq!(ids.trim(), images[0].id());
    assert_eq!(assert_consistent(&context.root()), 3);

    let out = context.path("out.tar");
    context.hoist(&["save", "-o", out.to_str().unwrap(), "alpha:1", "registry.example.com/team/beta:2"]).success();
    let other = TestContext::new();
    let reloaded = other.hoist(&["load", "-i", out.to_str().unwrap()]).success().stdout;
    assert_eq!(reloaded, "Loaded image: alpha:1\nLoaded image: registry.example.com/team/beta:2\n");
    for (name, image) in [("alpha:1", &images[0]), ("registry.example.com/team/beta:2", &images[1])] {
        let id = other.hoist(&["images", "-q", "--no-trunc", name]).success().stdout;
        assert_eq!(id.trim(), image.id(), "{name}");
    }
    // Loading the same archive again stores the same manifests: nothing new, same digests.
    let before = context.store_snapshot();
    context.hoist(&["load", "-i", archive.to_str().unwrap()]).success();
    assert_eq!(
        context.store_snapshot().iter().filter(|(p, _)| p.starts_with("blobs")).count(),
        before.iter().filter(|(p, _)| p.starts_with("blobs")).count()
    );
}

#[test]
fn save_writes_plain_layers_and_verbatim_configs() {
    let context = TestContext::new();
    let images = two_images();
    context.hoist_with_stdin(&["load"], &docker_archive(&images)).success();
    let saved = context.command().args(["save", "alpha:1"]).output().expect("save");
    assert!(saved.status.success(), "{}", String::from_utf8_lossy(&saved.stderr));
    let mut archive = tar::Archive::new(saved.stdout.as_slice());
    let mut files = std::collections::BTreeMap::new();
    for entry in archive.entries().expect("tar") {
        let mut entry = entry.expect("entry");
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut entry, &mut bytes).expect("read");
        files.insert(entry.path().expect("path").to_string_lossy().into_owned(), bytes);
    }
    let manifest: serde_json::Value = serde_json::from_slice(&files["manifest.json"]).expect("manifest.json");
    assert_eq!(manifest[0]["RepoTags"], serde_json::json!(["alpha:1"]));
    let config_path = manifest[0]["Config"].as_str().expect("config");
    assert_eq!(files[config_path], images[0].config, "the config is kept byte for byte");
    for (path, layer) in manifest[0]["Layers"].as_array().expect("layers").iter().zip(&images[0].layers) {
        assert_eq!(&files[path.as_str().expect("path")], layer, "layers go out as the plain tars that came in");
    }
}

#[test]
fn bad_archives_are_refused_and_change_nothing() {
    let context = TestContext::new();
    context.hoist_with_stdin(&["load"], &docker_archive(&two_images())).success();
    let before = context.store_snapshot();
    let good = docker_archive(&two_images());

    let mut wrong_diff_id = ArchiveImage::new(&["bad:diff"], &[&[("a", b"a")]]);
    wrong_diff_id.layers[0] = fixtures::rootfs_tar(&[("a", b"tampered")]);
    let layer = fixtures::rootfs_tar(&[("x", b"x")]);
    let config = fixtures::config(std::slice::from_ref(&layer), "2024-01-01T00:00:00Z");
    let manifest = |layer_path: &str| {
        serde_json::to_vec(&serde_json::json!([{"Config": "c.json", "RepoTags": ["evil:1"], "Layers": [layer_path]}]))
            .unwrap()
    };
    let traversal = [
        fixtures::tar_with_raw_path("../escape/layer.tar", &layer),
        fixtures::rootfs_tar(&[("c.json", &config), ("manifest.json", &manifest("../escape/layer.tar"))]),
    ]
    .concat();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("truncated", good[..good.len() / 2].to_vec(), "truncated"),
        ("garbage", b"\x00\x01garbage that is no tar".repeat(40), "not a"),
        ("no manifest", fixtures::rootfs_tar(&[("hello.txt", b"hi")]), "not an image archive"),
        ("diff_id", docker_archive(&[wrong_diff_id]), "does not match its diff_id"),
        (
            "missing layer",
            fixtures::rootfs_tar(&[("c.json", &config), ("manifest.json", &manifest("nowhere/layer.tar"))]),
            "has no nowhere/layer.tar",
        ),
        (
            "manifest path escapes",
            fixtures::rootfs_tar(&[("c.json", &config), ("manifest.json", &manifest("../../etc/passwd"))]),
            "points outside the archive",
        ),
        ("entry escapes", traversal, "points outside the archive"),
        (
            "symlink escapes",
            [fixtures::tar_with_link(
                &[("c.json", &config), ("manifest.json", &manifest("l/layer.tar"))],
                "l/layer.tar",
                "../../../etc/passwd",
            )]
            .concat(),
            "points outside the archive",
        ),
        (
            "bad json",
            fixtures::rootfs_tar(&[("manifest.json", b"[{\"Config\": 5}]")]),
            "manifest.json in the archive is not valid",
        ),
    ];
    for (name, bytes, message) in cases {
        let path = context.write(&format!("{}.tar", name.replace(' ', "-")), &bytes);
        let outcome = context.hoist(&["load", "-i", path.to_str().unwrap()]).failure(1);
        assert!(outcome.stderr.contains(message), "{name}: {}", outcome.stderr);
        assert!(!outcome.stderr.contains("panicked"), "{name}: {}", outcome.stderr);
        assert_eq!(context.store_snapshot(), before, "{name} changed the store");
        assert!(fs::read_dir(context.root().join("ingest")).unwrap().next().is_none(), "{name} left a temporary file");
    }
    let empty = context.hoist_with_stdin(&["load"], b"").failure(1);
    assert!(empty.stderr.contains("requested load from stdin, but stdin is empty"), "{}", empty.stderr);
}

#[test]
fn symlinked_layers_inside_the_archive_load() {
    // Old `docker save` links a repeated layer to its first copy.
    let context = TestContext::new();
    let layer = fixtures::rootfs_tar(&[("x", b"x")]);
    let config = fixtures::config(&[layer.clone(), layer.clone()], "2024-01-01T00:00:00Z");
    let manifest = serde_json::to_vec(&serde_json::json!([{"Config": "c.json", "RepoTags": ["linked:1"], "Layers": ["one/layer.tar", "two/layer.tar"]}])).unwrap();
    let archive = fixtures::tar_with_link(
        &[("one/layer.tar", &layer), ("c.json", &config), ("manifest.json", &manifest)],
        "two/layer.tar",
        "../one/layer.tar",
    );
    context.hoist_with_stdin(&["load"], &archive).success();
    assert_eq!(context.hoist(&["images", "-q", "--no-trunc", "linked:1"]).success().stdout.trim(), sha256(&config));
}

#[test]
fn save_refuses_a_layer_that_does_not_match_its_diff_id() {
    let context = TestContext::new();
    context.import("victim:1", &[("a", b"a")]);
    // Give the image a config whose diff_id is wrong, as a damaged store would have.
    let root = context.root();
    let index: serde_json::Value = serde_json::from_slice(&fs::read(root.join("index.json")).unwrap()).unwrap();
    let manifest_digest = index["manifests"][0]["digest"].as_str().unwrap().trim_start_matches("sha256:").to_string();
    let mut manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(root.join("blobs/sha256").join(&manifest_digest)).unwrap()).unwrap();
    let config_digest = manifest["config"]["digest"].as_str().unwrap().trim_start_matches("sha256:").to_string();
    let mut config: serde_json::Value =
        serde_json::from_slice(&fs::read(root.join("blobs/sha256").join(&config_digest)).unwrap()).unwrap();
    config["rootfs"]["diff_ids"][0] = serde_json::json!(sha256(b"something else"));
    let config_bytes = serde_json::to_vec(&config).unwrap();
    let new_config = sha256(&config_bytes);
    fs::write(root.join("blobs/sha256").join(new_config.trim_start_matches("sha256:")), &config_bytes).unwrap();
    manifest["config"]["digest"] = serde_json::json!(new_config);
    manifest["config"]["size"] = serde_json::json!(config_bytes.len());
    let manifest_bytes = serde_json::to_vec(&manifest).unwrap();
    let new_manifest = sha256(&manifest_bytes);
    fs::write(root.join("blobs/sha256").join(new_manifest.trim_start_matches("sha256:")), &manifest_bytes).unwrap();
    let mut entry = index["manifests"][0].clone();
    entry["digest"] = serde_json::json!(new_manifest);
    entry["size"] = serde_json::json!(manifest_bytes.len());
    entry["annotations"]["org.opencontainers.image.ref.name"] = serde_json::json!("docker.io/library/damaged:1");
    entry["annotations"].as_object_mut().unwrap().remove("io.hoist.image.id");
    let mut index = index;
    index["manifests"].as_array_mut().unwrap().push(entry);
    fs::write(root.join("index.json"), serde_json::to_vec(&index).unwrap()).unwrap();

    let layer = manifest["layers"][0]["digest"].as_str().unwrap().to_string();
    let out = context.path("damaged.tar");
    let outcome = context.hoist(&["save", "-o", out.to_str().unwrap(), "damaged:1"]).failure(1);
    assert!(outcome.stderr.contains(&format!("layer {layer} does not match its diff_id")), "{}", outcome.stderr);
    assert!(!out.exists(), "no partial archive is left");
    assert_eq!(
        fs::read_dir(context.path(""))
            .unwrap()
            .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().starts_with(".tmp"))
            .count(),
        0
    );
    context.hoist(&["save", "-o", out.to_str().unwrap(), "victim:1"]).success();
}
