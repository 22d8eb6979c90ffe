//! `push` against real `docker-registry` processes, checked with skopeo, podman and, where a
//! Docker Engine answers, `docker pull`.

use std::process::Command;

use crate::assert_outcome;
use crate::support::fixtures::{self, OciImage, noise, oci_layout};
use crate::support::peers::{push_with_skopeo, remote_digest, remote_manifest};
use crate::support::registry::{Registry, Setup};
use crate::support::snapshot::Filters;
use crate::support::{TestContext, assert_consistent, docker_login, require, require_docker, run};

/// Blob uploads the registry has received so far (started sessions and mounts are POSTs).
fn uploads(registry: &Registry) -> usize {
    registry.log().lines().filter(|line| line.contains("\"POST /v2/") || line.contains("\"PATCH /v2/")).count()
}

#[test]
fn push_keeps_the_digest_and_never_uploads_twice() {
    let registry = Registry::start(Setup::Plain);
    let context = TestContext::new();
    let filters = Filters::new(&context).literal(&registry.addr(), "[REGISTRY]");
    let reference = format!("{}/my-fancy-app:1.0.0", registry.addr());
    let image = OciImage::of_files(&[("etc/motd", b"fancy\n"), ("bin/app", &noise(7, 40 << 20))]);
    context.load_oci(&image, &reference).success();

    assert_outcome!(filters, context.hoist(&["push", &reference]), @r"
        success: true
        exit_code: 0
        ----- stdout -----
        The push refers to repository [[REGISTRY]/my-fancy-app]
        b599c11ef4bc: Preparing
        b599c11ef4bc: Pushed
        1.0.0: digest: sha256:98623a6966698ea89dc816070bd454a9d27b827c6c8e9a9d4dacda5cd86ca428 size: 406
        ----- stderr -----
        ");
    assert_eq!(remote_digest(&context, &reference), image.digest(), "the registry holds the stored manifest");

    // The layer (over 32 MiB) went up in one PATCH, the config in one PUT.
    assert_eq!(registry.log().matches("\"PATCH /v2/my-fancy-app/blobs/uploads/").count(), 1, "{}", registry.log());
    let before = uploads(&registry);
    assert_outcome!(filters, context.hoist(&["push", &reference]), @r"
        success: true
        exit_code: 0
        ----- stdout -----
        The push refers to repository [[REGISTRY]/my-fancy-app]
        b599c11ef4bc: Preparing
        b599c11ef4bc: Layer already exists
        1.0.0: digest: sha256:98623a6966698ea89dc816070bd454a9d27b827c6c8e9a9d4dacda5cd86ca428 size: 406
        ----- stderr -----
        ");
    assert_eq!(uploads(&registry), before, "a second push sends no blob");

    let other = format!("{}/team/copy:2", registry.addr());
    context.hoist(&["tag", &reference, &other]).success();
    assert_outcome!(filters, context.hoist(&["push", &other]), @r"
        success: true
        exit_code: 0
        ----- stdout -----
        The push refers to repository [[REGISTRY]/team/copy]
        b599c11ef4bc: Preparing
        b599c11ef4bc: Mounted from my-fancy-app
        2: digest: sha256:98623a6966698ea89dc816070bd454a9d27b827c6c8e9a9d4dacda5cd86ca428 size: 406
        ----- stderr -----
        ");
    assert_eq!(remote_digest(&context, &other), image.digest());

    let store = TestContext::new();
    store.hoist(&["pull", &other]).success();
    assert_consistent(&store.root());
}

#[test]
fn peers_pull_what_hoist_pushed() {
    require("podman");
    let registry = Registry::start(Setup::Plain);
    let context = TestContext::new();
    let reference = format!("{}/peers/app:1", registry.addr());
    let id = context.import(&reference, &[("etc/motd", b"from hoist\n")]);
    context.hoist(&["push", &reference]).success();
    let podman = |args: &[&str]| run(crate::support::peers::podman(&context).args(args));
    podman(&["pull", "--tls-verify=false", &reference]).success();
    let podman_id = podman(&["image", "inspect", "--format", "{{.ID}}", &reference]).success().stdout;
    assert_eq!(podman_id.trim(), id.trim_start_matches("sha256:"));

    if !require_docker() {
        return;
    }
    // A loopback registry is one the engine may use over plain HTTP.
    let docker_ref = format!("127.0.0.1:{}/peers/app:1", registry.port());
    run(Command::new("docker").args(["pull", &docker_ref])).success();
    let docker_id =
        run(Command::new("docker").args(["image", "inspect", "--format", "{{.Id}}", &docker_ref])).success().stdout;
    let _ = Command::new("docker").args(["rmi", "-f", &docker_ref]).output();
    assert_eq!(docker_id.trim(), id);
}

#[test]
fn multi_platform_images_and_copies_between_registries_keep_every_digest() {
    let source = Registry::start(Setup::Plain);
    let target = Registry::start(Setup::Plain);
    let context = TestContext::new();

    // An OCI archive with two platforms, loaded whole, then pushed: the index round-trips.
    let layout = context.path("layout");
    let index_digest =
        oci_layout(&layout, "multi", &[("linux", "amd64", None), ("linux", "arm64", Some("v8"))], b"multi");
    let archive = context.path("multi.tar");
    let mut builder = tar::Builder::new(std::fs::File::create(&archive).unwrap());
    builder.append_dir_all(".", &layout).unwrap();
    builder.finish().unwrap();
    drop(builder);
    std::fs::write(layout.join("index.json"), b"").unwrap();
    let loaded_name = format!("{}/multi/app:1", target.addr());
    let index: serde_json::Value = serde_json::from_slice(
        &std::fs::read(context.path("layout/blobs/sha256").join(index_digest.trim_start_matches("sha256:"))).unwrap(),
    )
    .unwrap();
    assert_eq!(index["manifests"].as_array().unwrap().len(), 2);
    rewrite_ref_name(&archive, &loaded_name);
    context.hoist(&["load", "-i", archive.to_str().unwrap()]).success();
    let pushed = context.hoist(&["push", &loaded_name]).success().stdout;
    assert!(pushed.contains(&format!("1: digest: {index_digest} size: ")), "{pushed}");
    let raw = remote_manifest(&context, &loaded_name);
    let remote: serde_json::Value = serde_json::from_str(&raw).unwrap();
    assert_eq!(remote["manifests"].as_array().unwrap().len(), 2, "every platform is pushed");
    assert_eq!(fixtures::sha256(raw.as_bytes()), index_digest);

    // Pull from one registry, push to another: the same manifest digest.
    let original = format!("{}/source/app:3", source.addr());
    let digest = push_with_skopeo(&context, &original, &[("linux", "amd64", None)], &["--format", "v2s2"]);
    context.hoist(&["pull", &original]).success();
    let copy = format!("{}/copied/app:3", target.addr());
    context.hoist(&["tag", &original, &copy]).success();
    let outcome = context.hoist(&["push", &copy]).success().stdout;
    assert!(outcome.contains(&format!("3: digest: {digest} size: ")), "{outcome}");
}

#[test]
fn a_pulled_platform_of_a_multi_platform_image_is_pushed_alone_with_dockers_note() {
    let source = Registry::start(Setup::Plain);
    let target = Registry::start(Setup::Plain);
    let context = TestContext::new();
    let original = format!("{}/multi/app:1", source.addr());
    let index_digest =
        push_with_skopeo(&context, &original, &[("linux", "amd64", None), ("linux", "arm64", Some("v8"))], &[]);
    context.hoist(&["pull", "--platform", "linux/amd64", &original]).success();
    let index: serde_json::Value = serde_json::from_str(&remote_manifest(&context, &original)).unwrap();
    let amd64 =
        index["manifests"].as_array().unwrap().iter().find(|entry| entry["platform"]["architecture"] == "amd64");
    let amd64 = amd64.unwrap()["digest"].as_str().unwrap().to_string();

    // Back to where the other platform is: the whole index goes up, no note.
    let filters = Filters::new(&context).literal(&source.addr(), "[SOURCE]").literal(&target.addr(), "[TARGET]");
    let again = context.hoist(&["push", &original]);
    assert_outcome!(filters, again, @r"
        success: true
        exit_code: 0
        ----- stdout -----
        The push refers to repository [[SOURCE]/multi/app]
        2c9750d5ea5c: Preparing
        2c9750d5ea5c: Layer already exists
        1: digest: sha256:81db7cd7089c472c92953c9710d525d679d37445850895c142d08c9238967e46 size: 506
        ----- stderr -----
        ");
    assert!(again.stdout.contains(&format!("1: digest: {index_digest} ")), "{again:?}");

    // Elsewhere: the one platform there is, with docker's note.
    let copy = format!("{}/copy/app:1", target.addr());
    context.hoist(&["tag", &original, &copy]).success();
    let pushed = context.hoist(&["push", &copy]);
    assert_outcome!(filters, pushed, @r"
        success: true
        exit_code: 0
        ----- stdout -----
        The push refers to repository [[TARGET]/copy/app]
        2c9750d5ea5c: Preparing
        2c9750d5ea5c: Pushed
        1: digest: sha256:458f6cf9a7af53ed9ae1f91a702cadf74b17068ecdd261081ad70692325af474 size: 401
        ----- stderr -----
        Not all multiplatform-content is present and only the available single-platform image was pushed
        ");
    assert!(pushed.stdout.contains(&format!("1: digest: {amd64} ")), "{pushed:?}");
    assert_eq!(remote_digest(&context, &copy), amd64);

    // Exactly one platform, on request; one the store lacks is refused.
    let chosen = format!("{}/chosen/app:1", target.addr());
    context.hoist(&["tag", &original, &chosen]).success();
    assert_outcome!(filters, context.hoist(&["push", "--platform", "linux/arm64", &chosen]), @r"
        success: false
        exit_code: 1
        ----- stdout -----
        The push refers to repository [[TARGET]/chosen/app]
        ----- stderr -----
        Error: cannot push [TARGET]/chosen/app:1
          caused by: no image for platform linux/arm64 in sha256:81db7cd7089c472c92953c9710d525d679d37445850895c142d08c9238967e46; it has: linux/amd64
        ");
    assert_outcome!(filters, context.hoist(&["push", "--platform", "linux/amd64", &chosen]), @r"
        success: true
        exit_code: 0
        ----- stdout -----
        The push refers to repository [[TARGET]/chosen/app]
        2c9750d5ea5c: Preparing
        2c9750d5ea5c: Mounted from copy/app
        1: digest: sha256:458f6cf9a7af53ed9ae1f91a702cadf74b17068ecdd261081ad70692325af474 size: 401
        ----- stderr -----
        ");
}

/// Gives the archive's single index entry a full reference as its name.
fn rewrite_ref_name(archive: &std::path::Path, name: &str) {
    let mut entries = Vec::new();
    let mut reader = tar::Archive::new(std::fs::File::open(archive).unwrap());
    for entry in reader.entries().unwrap() {
        let mut entry = entry.unwrap();
        let path = entry.path().unwrap().to_path_buf();
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut entry, &mut bytes).unwrap();
        if entry.header().entry_type().is_file() {
            entries.push((path, bytes));
        }
    }
    let mut builder = tar::Builder::new(std::fs::File::create(archive).unwrap());
    for (path, mut bytes) in entries {
        if path.ends_with("index.json") && !path.to_string_lossy().contains("blobs") {
            let mut index: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            index["manifests"][0]["annotations"]["org.opencontainers.image.ref.name"] = serde_json::json!(name);
            bytes = serde_json::to_vec(&index).unwrap();
        }
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        builder.append_data(&mut header, &path, bytes.as_slice()).unwrap();
    }
    builder.finish().unwrap();
}

#[test]
fn credentials_and_missing_images() {
    let registry = Registry::start(Setup::BasicTls);
    let context = TestContext::new();
    let filters = Filters::new(&context).literal(&registry.addr(), "[REGISTRY]");
    context.trust(&registry);
    let reference = format!("{}/private/app:1", registry.addr());
    context.load_oci(&OciImage::of_files(&[("a", b"a")]), &reference).success();

    assert_outcome!(filters, context.hoist(&["push", &reference]), @r"
        success: false
        exit_code: 1
        ----- stdout -----
        The push refers to repository [[REGISTRY]/private/app]
        a624a7e8085b: Preparing
        ----- stderr -----
        Error: cannot push [REGISTRY]/private/app:1
          caused by: unauthorized: 401 Unauthorized
        hint: log in with: hoist login [REGISTRY]
        ");
    docker_login(&context, &registry.addr(), registry.username(), registry.password());
    assert_outcome!(filters, context.hoist(&["push", &reference]), @r"
        success: true
        exit_code: 0
        ----- stdout -----
        The push refers to repository [[REGISTRY]/private/app]
        a624a7e8085b: Preparing
        a624a7e8085b: Pushed
        1: digest: sha256:fa237d5c90976c2c0863b10ed268e2714ba3f1fa42db8e911718e1675ef9931a size: 400
        ----- stderr -----
        ");
    assert_outcome!(filters, context.hoist(&["push", &format!("{}/private/other", registry.addr())]), @"
    success: false
    exit_code: 1
    ----- stdout -----
    Using default tag: latest
    The push refers to repository [[REGISTRY]/private/other]
    ----- stderr -----
    Error: An image does not exist locally with the tag: [REGISTRY]/private/other:latest
    ");

    context.hoist(&["tag", &reference, &format!("{}/private/app:2", registry.addr())]).success();
    assert_outcome!(filters, context.hoist(&["push", "-a", &format!("{}/private/app", registry.addr())]), @r"
        success: true
        exit_code: 0
        ----- stdout -----
        The push refers to repository [[REGISTRY]/private/app]
        a624a7e8085b: Preparing
        a624a7e8085b: Layer already exists
        1: digest: sha256:fa237d5c90976c2c0863b10ed268e2714ba3f1fa42db8e911718e1675ef9931a size: 400
        a624a7e8085b: Preparing
        a624a7e8085b: Layer already exists
        2: digest: sha256:fa237d5c90976c2c0863b10ed268e2714ba3f1fa42db8e911718e1675ef9931a size: 400
        ----- stderr -----
        ");
}
