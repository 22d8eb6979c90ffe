//! `cp` between registries and `delete` of a remote manifest.

use std::process::Command;

use crate::pull::push_with_skopeo;
use crate::support::registry::{Registry, Setup};
use crate::support::{TestContext, fixtures, run};

fn raw_manifest(image: &str) -> String {
    run(Command::new("skopeo").args(["inspect", "--raw", "--tls-verify=false", &format!("docker://{image}")]))
        .success()
        .stdout
}

#[test]
fn cp_keeps_every_digest_and_delete_removes_the_tag() {
    let first = Registry::start(Setup::Plain);
    let second = Registry::start(Setup::Plain);
    let context = TestContext::new();
    let source = format!("{}/src/app:1", first.addr());
    let digest = push_with_skopeo(&context, &source, &[("linux", "amd64", None), ("linux", "arm64", Some("v8"))], &[]);

    let destination = format!("{}/dst/app:1", second.addr());
    let copied = context.hoist(&["cp", &source, &destination]).success().stdout;
    assert!(copied.ends_with(&format!("1: digest: {digest} size: {}\n", raw_manifest(&source).len())), "{copied}");
    assert_eq!(fixtures::sha256(raw_manifest(&destination).as_bytes()), digest);
    let index: serde_json::Value = serde_json::from_str(&raw_manifest(&destination)).unwrap();
    for entry in index["manifests"].as_array().unwrap() {
        let child = format!("{}/dst/app@{}", second.addr(), entry["digest"].as_str().unwrap());
        assert_eq!(
            fixtures::sha256(raw_manifest(&child).as_bytes()),
            entry["digest"].as_str().unwrap(),
            "every platform was copied"
        );
    }
    // The store was not involved.
    assert!(
        !context.root().join("index.json").exists() || context.hoist(&["images", "-q"]).success().stdout.is_empty()
    );

    let arm = format!("{}/dst/arm:1", second.addr());
    let one = context.hoist(&["cp", "--platform", "linux/arm64", &source, &arm]).success().stdout;
    let arm_digest = index["manifests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|entry| entry["platform"]["architecture"] == "arm64")
        .unwrap()["digest"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(one.contains(&format!("digest: {arm_digest}")), "{one}");

    let sibling = format!("{}/dst/sibling:7", second.addr());
    let mounted = context.hoist(&["cp", &destination, &sibling]).success().stdout;
    assert!(mounted.contains("Mounted from dst/app"), "{mounted}");

    let deleted = context.hoist(&["delete", &sibling]).success().stdout;
    assert_eq!(deleted, format!("Deleted: {}/dst/sibling@{digest}\n", second.addr()));
    let tags = context.hoist(&["tags", &format!("{}/dst/sibling", second.addr())]);
    assert!(!tags.stdout.lines().any(|tag| tag == "7"), "{tags:?}");
    let missing = context.hoist(&["pull", &sibling]).failure(1);
    assert!(missing.stderr.contains("manifest unknown"), "{}", missing.stderr);
    let gone = context.hoist(&["delete", &sibling]).failure(1);
    assert!(gone.stderr.contains("not found"), "{}", gone.stderr);
}
