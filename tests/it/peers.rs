//! Interop with the tools people already have: podman's archives in and out, skopeo reading
//! hoist's store, and a real registry receiving an image from it.

use std::process::Command;

use crate::support::peers::podman;
use crate::support::registry::{Registry, Setup};
use crate::support::{TestContext, fixtures, require, require_docker, run};

fn podman_id(context: &TestContext, name: &str) -> String {
    let outcome = run(podman(context).args(["image", "inspect", "--format", "{{.ID}}", name])).success();
    outcome.stdout.trim().to_string()
}

#[test]
fn podman_save_then_hoist_load_keeps_the_id() {
    let context = TestContext::new();
    let tarball = context.write("rootfs.tar", &fixtures::rootfs_tar(&[("etc/motd", b"made by podman\n")]));
    run(podman(&context).arg("import").arg(&tarball).arg("localhost/made-by-podman:1")).success();
    let id = podman_id(&context, "localhost/made-by-podman:1");
    for format in ["docker-archive", "oci-archive"] {
        let archive = context.path(&format!("{format}.tar"));
        run(podman(&context).args(["save", "--format", format, "-o"]).arg(&archive).arg("localhost/made-by-podman:1"))
            .success();
        let store = TestContext::new();
        let loaded = store.hoist(&["load", "-i", archive.to_str().unwrap()]).success().stdout;
        assert!(loaded.contains("made-by-podman"), "{format}: {loaded}");
        let listed = store.hoist(&["images", "-q", "--no-trunc"]).success().stdout;
        assert_eq!(listed.trim().trim_start_matches("sha256:"), id, "{format}");
    }
}

#[test]
fn hoist_save_then_podman_load_keeps_the_id() {
    let context = TestContext::new();
    let id = context.import("localhost/made-by-hoist:2", &[("etc/motd", b"made by hoist\n")]);
    context.import("localhost/second:1", &[("etc/other", b"second\n")]);
    let archive = context.path("saved.tar");
    context
        .hoist(&["save", "-o", archive.to_str().unwrap(), "localhost/made-by-hoist:2", "localhost/second:1"])
        .success();
    let loaded = run(podman(&context).arg("load").arg("-i").arg(&archive)).success().stdout;
    assert!(loaded.contains("localhost/made-by-hoist:2"), "{loaded}");
    assert_eq!(podman_id(&context, "localhost/made-by-hoist:2"), id.trim_start_matches("sha256:"));
    assert!(!podman_id(&context, "localhost/second:1").is_empty());
}

#[test]
fn skopeo_reads_the_store_and_a_registry_receives_it() {
    require("skopeo");
    let context = TestContext::new();
    context.import("localhost:5000/my-fancy-app:1.0.0", &[("app", b"fancy\n")]);
    let root = context.root();
    let source = format!("oci:{}:localhost:5000/my-fancy-app:1.0.0", root.display());
    let inspected = run(Command::new("skopeo").args(["inspect", "--raw", &source])).success().stdout;
    let index: serde_json::Value = serde_json::from_slice(&std::fs::read(root.join("index.json")).unwrap()).unwrap();
    let digest = index["manifests"][0]["digest"].as_str().unwrap();
    assert_eq!(fixtures::sha256(inspected.as_bytes()), digest, "skopeo reads the manifest hoist stored");

    let registry = Registry::start(Setup::Plain);
    let destination = format!("docker://{}/my-fancy-app:1.0.0", registry.addr());
    run(Command::new("skopeo").args(["copy", "--dest-tls-verify=false", &source, &destination])).success();
    let tags = run(Command::new("skopeo").args([
        "list-tags",
        "--tls-verify=false",
        &format!("docker://{}/my-fancy-app", registry.addr()),
    ]))
    .success()
    .stdout;
    assert!(tags.contains("1.0.0"), "{tags}");
    let remote =
        run(Command::new("skopeo").args(["inspect", "--raw", "--tls-verify=false", &destination])).success().stdout;
    assert_eq!(fixtures::sha256(remote.as_bytes()), digest, "the registry holds the same manifest");
}

#[test]
fn docker_loads_what_hoist_saves() {
    if !require_docker() {
        return;
    }
    let context = TestContext::new();
    let name = format!("hoist-test/saved:{}", std::process::id());
    let id = context.import(&name, &[("etc/motd", b"saved by hoist\n")]);
    let archive = context.path("for-docker.tar");
    context.hoist(&["save", "-o", archive.to_str().unwrap(), &name]).success();
    let loaded = run(Command::new("docker").arg("load").arg("-i").arg(&archive)).success().stdout;
    let docker_id =
        run(Command::new("docker").args(["image", "inspect", "--format", "{{.Id}}", &name])).success().stdout;
    let _ = Command::new("docker").args(["rmi", "-f", &name]).output();
    assert!(loaded.contains(&name), "{loaded}");
    assert_eq!(docker_id.trim(), id);
}
