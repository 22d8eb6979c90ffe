//! `pull`, `tags` and `catalog` against real `docker-registry` processes, with images that
//! skopeo pushed in OCI and Docker schema 2 form, single- and multi-platform.

use std::process::Command;

use crate::support::fixtures::{self, oci_layout};
use crate::support::registry::{Registry, Setup};
use crate::support::{TestContext, assert_consistent, require, run};

const AMD64: (&str, &str, Option<&str>) = ("linux", "amd64", None);
const ARM64: (&str, &str, Option<&str>) = ("linux", "arm64", Some("v8"));
const ARMV7: (&str, &str, Option<&str>) = ("linux", "arm", Some("v7"));

/// Pushes an image made by `oci_layout` with skopeo; `extra` are skopeo flags (`--format v2s2`,
/// credentials, certificates). Returns the digest the registry serves for the tag.
pub fn push_with_skopeo(
    context: &TestContext,
    destination: &str,
    platforms: &[(&str, &str, Option<&str>)],
    extra: &[&str],
) -> String {
    require("skopeo");
    let dir = tempfile::tempdir_in(context.temp.path()).expect("layout dir");
    oci_layout(dir.path(), "image", platforms, destination.as_bytes());
    let source = format!("oci:{}:image", dir.path().display());
    let mut command = Command::new("skopeo");
    command
        .args(["--insecure-policy", "copy", "--all", "--dest-tls-verify=false"])
        .args(extra)
        .arg(&source)
        .arg(format!("docker://{destination}"));
    run(command.env("HOME", context.path("home"))).success();
    let mut inspect = Command::new("skopeo");
    inspect
        .args(["inspect", "--raw", "--tls-verify=false"])
        .args(source_flags(extra))
        .arg(format!("docker://{destination}"));
    let raw = run(inspect.env("HOME", context.path("home"))).success().stdout;
    fixtures::sha256(raw.as_bytes())
}

/// skopeo's `--dest-*` flags as the source flags `inspect` takes; `--format` has no counterpart.
fn source_flags(extra: &[&str]) -> Vec<String> {
    let mut flags = Vec::new();
    let mut iter = extra.iter();
    while let Some(flag) = iter.next() {
        if *flag == "--format" {
            iter.next();
        } else {
            flags.push(flag.replace("--dest-", "--"));
        }
    }
    flags
}

fn lines(text: &str) -> Vec<&str> {
    text.lines().collect()
}

#[test]
fn pulls_oci_and_docker_images_and_says_what_it_did() {
    let registry = Registry::start(Setup::Plain);
    let context = TestContext::new();
    let oci = push_with_skopeo(&context, &format!("{}/team/oci:1.0", registry.addr()), &[AMD64], &[]);
    let docker =
        push_with_skopeo(&context, &format!("{}/team/docker:latest", registry.addr()), &[AMD64], &["--format", "v2s2"]);

    let reference = format!("{}/team/oci:1.0", registry.addr());
    let outcome = context.hoist(&["pull", &reference]).success();
    let output = lines(&outcome.stdout);
    assert_eq!(output[0], "1.0: Pulling from team/oci");
    assert!(
        output[1].ends_with(": Pull complete") && output[1].len() == 12 + ": Pull complete".len(),
        "{}",
        outcome.stdout
    );
    assert_eq!(output[2], format!("Digest: {oci}"));
    assert_eq!(output[3], format!("Status: Downloaded newer image for {reference}"));
    assert_eq!(output[4], reference);
    let again = context.hoist(&["pull", &reference]).success().stdout;
    assert!(
        again.contains(": Already exists\n") && again.contains(&format!("Status: Image is up to date for {reference}")),
        "{again}"
    );

    let docker_ref = format!("{}/team/docker", registry.addr());
    let outcome = context.hoist(&["pull", &docker_ref]).success().stdout;
    assert!(outcome.starts_with("Using default tag: latest\nlatest: Pulling from team/docker\n"), "{outcome}");
    assert!(outcome.contains(&format!("Digest: {docker}\n")), "{outcome}");

    // The store holds the registry's manifests byte for byte.
    let index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(context.root().join("index.json")).unwrap()).unwrap();
    let digests: Vec<&str> =
        index["manifests"].as_array().unwrap().iter().map(|entry| entry["digest"].as_str().unwrap()).collect();
    assert!(digests.contains(&oci.as_str()) && digests.contains(&docker.as_str()), "{digests:?}");
    assert_eq!(assert_consistent(&context.root()), 2);
    let inspected: serde_json::Value =
        serde_json::from_str(&context.hoist(&["inspect", &docker_ref]).success().stdout).unwrap();
    assert_eq!(inspected[0]["Architecture"], "amd64");
    assert_eq!(inspected[0]["Os"], "linux");

    // By digest: checked against the digest, named NAME@DIGEST.
    let by_digest = format!("{}/team/oci@{oci}", registry.addr());
    let quiet = context.hoist(&["pull", "-q", &by_digest]).success().stdout;
    assert_eq!(quiet, format!("{by_digest}\n"));
    let listed = context.hoist(&["images", "--digests", &format!("{}/team/oci", registry.addr())]).success().stdout;
    assert!(listed.contains(&oci), "{listed}");
}

#[test]
fn picks_the_platform_from_an_index() {
    let registry = Registry::start(Setup::Plain);
    let context = TestContext::new();
    let reference = format!("{}/multi/arch:1", registry.addr());
    let index = push_with_skopeo(&context, &reference, &[AMD64, ARM64, ARMV7], &[]);
    let list_ref = format!("{}/multi/list:1", registry.addr());
    push_with_skopeo(&context, &list_ref, &[AMD64, ARM64, ARMV7], &["--format", "v2s2"]);

    for (platform, architecture, variant) in
        [("linux/arm64", "arm64", Some("v8")), ("linux/arm/v7", "arm", Some("v7")), ("linux/amd64", "amd64", None)]
    {
        for name in [&reference, &list_ref] {
            let store = TestContext::new();
            let outcome = store.hoist(&["pull", "--platform", platform, name]).success().stdout;
            if name == &reference {
                assert!(outcome.contains(&format!("Digest: {index}\n")), "the tag's digest is the index's: {outcome}");
            }
            let inspected: serde_json::Value =
                serde_json::from_str(&store.hoist(&["inspect", name]).success().stdout).unwrap();
            assert_eq!(inspected[0]["Architecture"], architecture, "{platform} {name}");
            assert_eq!(inspected[0]["Variant"].as_str(), variant, "{platform} {name}");
            assert_consistent(&store.root());
        }
    }
    let default = TestContext::new();
    default.hoist(&["pull", &reference]).success();
    let inspected: serde_json::Value =
        serde_json::from_str(&default.hoist(&["inspect", &reference]).success().stdout).unwrap();
    assert_eq!(inspected[0]["Architecture"], hoist::harness::Platform::host().architecture);

    let missing = context.hoist(&["pull", "--platform", "linux/s390x", &reference]).failure(1);
    assert!(missing.stderr.contains("no image for platform linux/s390x"), "{}", missing.stderr);
    assert!(missing.stderr.contains("linux/amd64, linux/arm64/v8, linux/arm/v7"), "{}", missing.stderr);
    assert_eq!(context.hoist(&["pull", "--platform", "linux", &reference]).code, 2);
}

#[test]
fn tags_and_catalog_list_everything() {
    let registry = Registry::start(Setup::Plain);
    let context = TestContext::new();
    for tag in ["1", "2", "latest"] {
        push_with_skopeo(&context, &format!("{}/listed/app:{tag}", registry.addr()), &[AMD64], &[]);
    }
    push_with_skopeo(&context, &format!("{}/other:1", registry.addr()), &[AMD64], &[]);
    let tags = context.hoist(&["tags", &format!("{}/listed/app", registry.addr())]).success().stdout;
    let mut tags: Vec<&str> = tags.lines().collect();
    tags.sort();
    assert_eq!(tags, ["1", "2", "latest"]);
    let catalog = context.hoist(&["catalog", &registry.addr()]).success().stdout;
    assert_eq!(catalog, "listed/app\nother\n");
    let missing = context.hoist(&["tags", &format!("{}/nothing/here", registry.addr())]).failure(1);
    assert!(missing.stderr.contains("name_unknown"), "{}", missing.stderr);
    assert_eq!(context.hoist(&["tags", &format!("{}/listed/app:1", registry.addr())]).code, 1);
}

#[test]
fn bad_references_and_missing_images_fail_clearly() {
    let registry = Registry::start(Setup::Plain);
    let context = TestContext::new();
    context.hoist(&["images"]).success();
    let before = context.store_snapshot();
    let outcome = context.hoist(&["pull", &format!("{}/no/such:1", registry.addr())]).failure(1);
    assert!(outcome.stderr.contains("manifest for no/such:1 not found: manifest_unknown"), "{}", outcome.stderr);
    let outcome = context.hoist(&["pull", "Bad/Name"]).failure(1);
    assert!(outcome.stderr.contains("invalid reference format"), "{}", outcome.stderr);
    let outcome = context.hoist(&["pull", "127.0.0.1:1/nothing:1"]).failure(1);
    assert!(outcome.stderr.contains("cannot reach 127.0.0.1:1"), "{}", outcome.stderr);
    assert_eq!(context.store_snapshot(), before);
}

#[test]
fn two_pulls_of_one_image_share_a_store() {
    let registry = Registry::start(Setup::Plain);
    let context = TestContext::new();
    let reference = format!("{}/shared/image:1", registry.addr());
    push_with_skopeo(&context, &reference, &[AMD64], &[]);
    std::thread::scope(|scope| {
        let pulls: Vec<_> = (0..2).map(|_| scope.spawn(|| context.hoist(&["pull", &reference]))).collect();
        for pull in pulls {
            pull.join().expect("pull thread").success();
        }
    });
    assert_eq!(assert_consistent(&context.root()), 1);
}

#[test]
fn docker_hub_names_come_from_a_mirror() {
    let mirror = Registry::start(Setup::Plain);
    let context = TestContext::new();
    let digest = push_with_skopeo(&context, &format!("{}/library/alpine:3", mirror.addr()), &[AMD64], &[]);
    std::fs::write(context.path("config/config.toml"), format!("registry-mirrors = [\"http://{}\"]\n", mirror.addr()))
        .unwrap();
    let outcome = context.hoist(&["pull", "alpine:3"]).success().stdout;
    assert!(outcome.starts_with("3: Pulling from library/alpine\n"), "{outcome}");
    assert!(outcome.contains(&format!("Digest: {digest}\n")), "{outcome}");
    assert!(
        outcome.ends_with("Status: Downloaded newer image for alpine:3\ndocker.io/library/alpine:3\n"),
        "{outcome}"
    );
    let listed = context.hoist(&["images", "-q", "alpine"]).success().stdout;
    assert_eq!(listed.lines().count(), 1);
    // What the mirror lacks is asked of Docker Hub itself, which this machine cannot reach.
    let missing = context.hoist(&["pull", "busybox:1"]).failure(1);
    assert!(missing.stderr.contains("cannot reach registry-1.docker.io"), "{}", missing.stderr);

    std::fs::write(context.path("config/config.toml"), "registry-mirrors = \"not a list\"\n").unwrap();
    let bad = context.hoist(&["pull", "alpine:3"]).failure(1);
    assert!(bad.stderr.contains("config.toml: line 1: invalid type"), "{}", bad.stderr);
}
