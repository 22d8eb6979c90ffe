//! `load` and `save`: archives in and out, and every way an archive can be bad.

use std::fs;

use crate::assert_outcome;
use crate::support::fixtures::{self, ArchiveImage, docker_archive, sha256};
use crate::support::snapshot::Filters;
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
    let filters = Filters::new(&context);
    let archive = context.write("in.tar", &docker_archive(&images));
    assert_outcome!(filters, context.hoist(&["load", "-i", archive.to_str().unwrap()]), @r"
        success: true
        exit_code: 0
        ----- stdout -----
        Loaded image: alpha:1
        Loaded image: alpha:latest
        Loaded image: registry.example.com/team/beta:2
        ----- stderr -----
        ");
    let ids = context.hoist(&["images", "-q", "--no-trunc", "alpha:1"]).success().stdout;
    assert_eq!(ids.trim(), images[0].id());
    assert_eq!(assert_consistent(&context.root()), 3);

    let out = context.path("out.tar");
    let saved = context.hoist(&["save", "-o", out.to_str().unwrap(), "alpha:1", "registry.example.com/team/beta:2"]);
    assert_outcome!(filters, saved, @r"
        success: true
        exit_code: 0
        ----- stdout -----
        ----- stderr -----
        ");
    let other = TestContext::new();
    assert_outcome!(filters, other.hoist(&["load", "-i", out.to_str().unwrap()]), @r"
        success: true
        exit_code: 0
        ----- stdout -----
        Loaded image: alpha:1
        Loaded image: registry.example.com/team/beta:2
        ----- stderr -----
        ");
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
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("truncated", good[..good.len() / 2].to_vec()),
        ("garbage", b"\x00\x01garbage that is no tar".repeat(40)),
        ("no manifest", fixtures::rootfs_tar(&[("hello.txt", b"hi")])),
        ("diff_id", docker_archive(&[wrong_diff_id])),
        (
            "missing layer",
            fixtures::rootfs_tar(&[("c.json", &config), ("manifest.json", &manifest("nowhere/layer.tar"))]),
        ),
        (
            "manifest path escapes",
            fixtures::rootfs_tar(&[("c.json", &config), ("manifest.json", &manifest("../../etc/passwd"))]),
        ),
        ("entry escapes", traversal),
        (
            "symlink escapes",
            fixtures::tar_with_link(
                &[("c.json", &config), ("manifest.json", &manifest("l/layer.tar"))],
                "l/layer.tar",
                "../../../etc/passwd",
            ),
        ),
        ("bad json", fixtures::rootfs_tar(&[("manifest.json", b"[{\"Config\": 5}]")])),
    ];
    // One transcript: every archive and all that loading it said.
    let mut transcript = String::new();
    for (name, bytes) in cases {
        let path = context.write(&format!("{}.tar", name.replace(' ', "-")), &bytes);
        let outcome = context.hoist(&["load", "-i", path.to_str().unwrap()]);
        transcript += &format!("$ hoist load -i {}\n{}\n", path.display(), outcome.snapshot());
        assert_eq!(context.store_snapshot(), before, "{name} changed the store");
        assert!(fs::read_dir(context.root().join("ingest")).unwrap().next().is_none(), "{name} left a temporary file");
    }
    let empty = context.hoist_with_stdin(&["load"], b"");
    transcript += &format!("$ hoist load < /dev/null\n{}", empty.snapshot());
    Filters::new(&context).settings().bind(|| insta::assert_snapshot!(transcript));
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

/// A `docker save` archive of one image whose single gzip layer (`zeros` of `size` bytes,
/// which compresses to almost nothing) is named by `aliases` symlinks, each a layer of the image.
fn aliased_archive(size: usize, aliases: usize) -> Vec<u8> {
    let plain = fixtures::rootfs_tar(&[("zeros", &vec![0; size])]);
    let layer = fixtures::gzip(&plain);
    let diff_id = fixtures::sha256(&plain);
    let config = serde_json::to_vec(&serde_json::json!({
        "architecture": "amd64", "os": "linux", "config": {},
        "rootfs": {"type": "layers", "diff_ids": vec![diff_id; aliases]},
    }))
    .unwrap();
    let paths: Vec<String> = (0..aliases).map(|n| format!("alias{n}/layer.tar")).collect();
    let manifest = serde_json::json!([{"Config": "c.json", "RepoTags": ["aliased:1"], "Layers": paths}]);
    let mut builder = tar::Builder::new(Vec::new());
    let mut append = |path: &str, bytes: &[u8]| {
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        builder.append_data(&mut header, path, bytes).unwrap();
    };
    append("c.json", &config);
    append("base/layer.tar", &layer);
    append("manifest.json", &serde_json::to_vec(&manifest).unwrap());
    for path in &paths {
        let mut header = tar::Header::new_gnu();
        header.set_entry_type(tar::EntryType::Symlink);
        header.set_size(0);
        builder.append_link(&mut header, path, "../base/layer.tar").unwrap();
    }
    builder.into_inner().unwrap()
}

/// CPU seconds (user + system) that `hoist load -i ARCHIVE` took, from bash's `times`.
fn load_cpu_seconds(context: &TestContext, archive: &std::path::Path) -> f64 {
    let hoist = context.command();
    let mut command = std::process::Command::new("bash");
    command.env_clear();
    for (name, value) in hoist.get_envs() {
        if let Some(value) = value {
            command.env(name, value);
        }
    }
    let script = "\"$0\" load -i \"$1\" >/dev/null || exit 1; times";
    let outcome = crate::support::run(command.arg("-c").arg(script).arg(hoist.get_program()).arg(archive)).success();
    // `times` prints the shell's user and system time, then its children's: `0m1.234s 0m0.056s`.
    let children = outcome.stdout.lines().nth(1).expect("children's times");
    children
        .split_whitespace()
        .map(|time| {
            let (minutes, seconds) = time.trim_end_matches('s').split_once('m').unwrap();
            minutes.parse::<f64>().unwrap() * 60.0 + seconds.parse::<f64>().unwrap()
        })
        .sum()
}

#[test]
fn a_layer_named_by_many_links_is_decompressed_once() {
    let size = 32 << 20;
    let context = TestContext::new();
    let once = context.write("once.tar", &aliased_archive(size, 1));
    let single = load_cpu_seconds(&context, &once);
    let other = TestContext::new();
    let many = other.write("many.tar", &aliased_archive(size, 80));
    let aliased = load_cpu_seconds(&other, &many);
    assert!(
        aliased < single * 3.0 + 0.5,
        "80 names of one layer took {aliased:.2} s of CPU, one name {single:.2} s: the layer was decompressed again per name"
    );
    let inspected: serde_json::Value =
        serde_json::from_str(&other.hoist(&["inspect", "aliased:1"]).success().stdout).unwrap();
    assert_eq!(inspected[0]["RootFS"]["Layers"].as_array().unwrap().len(), 80);
    assert_eq!(assert_consistent(&other.root()), 1);
    let blobs = std::fs::read_dir(other.root().join("blobs/sha256")).unwrap().count();
    assert_eq!(blobs, 3, "one layer, the config and the manifest");
}

#[test]
fn one_path_with_two_diff_ids_is_refused() {
    // Two images of one archive name the same layer file, each with another diff_id: one of
    // them cannot be right, and neither image may get a layer its config does not describe.
    let context = TestContext::new();
    let layer = fixtures::rootfs_tar(&[("a", b"a")]);
    let other = fixtures::rootfs_tar(&[("b", b"b")]);
    let first = fixtures::config(std::slice::from_ref(&layer), "2024-01-01T00:00:00Z");
    let second = fixtures::config(std::slice::from_ref(&other), "2024-01-01T00:00:00Z");
    let manifest = serde_json::json!([
        {"Config": "1.json", "RepoTags": ["first:1"], "Layers": ["shared/layer.tar"]},
        {"Config": "2.json", "RepoTags": ["second:1"], "Layers": ["shared/layer.tar"]},
    ]);
    let archive = fixtures::rootfs_tar(&[
        ("1.json", &first),
        ("2.json", &second),
        ("shared/layer.tar", &layer),
        ("manifest.json", &serde_json::to_vec(&manifest).unwrap()),
    ]);
    let path = context.write("two.tar", &archive);
    assert_outcome!(Filters::new(&context), context.hoist(&["load", "-i", path.to_str().unwrap()]), @r"
        success: false
        exit_code: 1
        ----- stdout -----
        ----- stderr -----
        Error: cannot load [TEMP]/two.tar
          caused by: layer shared/layer.tar does not match its diff_id: expected sha256:12a9d1ee1be6566dbff25747a96b9b7483f16cf47203a7b25e3d084f7188794f, content is sha256:81200eecc74f4d8b32d2a4b09320c9bb5ce90c387e5d60bc401afb416c57cb8b
        ");
    assert_eq!(context.hoist(&["images", "-q"]).success().stdout, "");
}
