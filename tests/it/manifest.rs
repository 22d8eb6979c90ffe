//! `manifest inspect` against a real registry, compared byte for byte with the docker CLI's
//! own `manifest inspect` (which reads registries without a daemon).

use std::process::Command;

use crate::assert_outcome;
use crate::support::peers::{docker_cli, push_with_skopeo, remote_manifest};
use crate::support::registry::{Registry, Setup};
use crate::support::snapshot::Filters;
use crate::support::{TestContext, run};

const TWO: &[(&str, &str, Option<&str>)] = &[("linux", "amd64", None), ("linux", "arm64", Some("v8"))];
const ONE: &[(&str, &str, Option<&str>)] = &[("linux", "amd64", None)];

#[test]
fn manifest_inspect_prints_what_docker_prints() {
    let registry = Registry::start(Setup::Plain);
    let context = TestContext::new();
    let v2s2: &[&str] = &["--format", "v2s2"];
    let mut images = Vec::new();
    for (path, platforms, extra) in [
        ("multi/oci", TWO, &[][..]),
        ("multi/docker", TWO, v2s2),
        ("single/oci", ONE, &[]),
        ("single/docker", ONE, v2s2),
    ] {
        let image = format!("{}/{path}:1", registry.addr());
        let digest = push_with_skopeo(&context, &image, platforms, extra);
        images.push(format!("{}/{path}@{digest}", registry.addr()));
        images.push(image);
    }
    // A platform's manifest of an index, by digest.
    let index: serde_json::Value = serde_json::from_str(&remote_manifest(&context, &images[1])).unwrap();
    let child = format!("{}/multi/oci@{}", registry.addr(), index["manifests"][1]["digest"].as_str().unwrap());
    images.push(child.clone());
    // The same manifest laid out by hand, with characters Go escapes: kept byte for byte.
    let mut manifest: serde_json::Value = serde_json::from_str(&remote_manifest(&context, &child)).unwrap();
    manifest["annotations"] = serde_json::json!({"a<b>": "x & y\u{2028}"});
    manifest["x-empty"] = serde_json::json!({"object": {}, "array": []});
    let pretty = format!("  {}\n", serde_json::to_string_pretty(&manifest).unwrap());
    let url = format!("{}/v2/multi/oci/manifests/pretty", registry.url());
    let put = ["-sf", "-X", "PUT", "-H", "Content-Type: application/vnd.oci.image.manifest.v1+json", "--data-binary"];
    run(Command::new("curl").args(put).arg(&pretty).arg(&url)).success();
    images.push(format!("{}/multi/oci:pretty", registry.addr()));
    for image in &images {
        for verbose in [&[][..], &["-v"]] {
            let docker = run(docker_cli(&context).args(["manifest", "inspect", "--insecure"]).args(verbose).arg(image))
                .success()
                .stdout;
            let hoist =
                context.hoist(&[&["manifest", "inspect"], verbose, &[image.as_str()]].concat()).success().stdout;
            assert_eq!(hoist, docker, "manifest inspect {verbose:?} {image}");
        }
    }
}

#[test]
fn manifest_inspect_of_an_index_asks_its_manifests_with_head() {
    let registry = Registry::start(Setup::Plain);
    let context = TestContext::new();
    let filters = Filters::new(&context).literal(&registry.addr(), "[REGISTRY]");
    let image = format!("{}/multi/app:1", registry.addr());
    push_with_skopeo(&context, &image, TWO, &[]);
    let before = registry.log().lines().count();
    assert_outcome!(filters, context.hoist(&["manifest", "inspect", &image]), @r#"
        success: true
        exit_code: 0
        ----- stdout -----
        {
           "schemaVersion": 2,
           "mediaType": "application/vnd.oci.image.index.v1+json",
           "manifests": [
              {
                 "mediaType": "application/vnd.oci.image.manifest.v1+json",
                 "size": 401,
                 "digest": "sha256:458f6cf9a7af53ed9ae1f91a702cadf74b17068ecdd261081ad70692325af474",
                 "platform": {
                    "architecture": "amd64",
                    "os": "linux"
                 }
              },
              {
                 "mediaType": "application/vnd.oci.image.manifest.v1+json",
                 "size": 401,
                 "digest": "sha256:610613fc3cd0bba5b6b748f5c0d3391f89829a1a2d09d23ab5490fca38110053",
                 "platform": {
                    "architecture": "arm64",
                    "os": "linux",
                    "variant": "v8"
                 }
              }
           ]
        }
        ----- stderr -----
        "#);
    let log = registry.log();
    let requests: Vec<&str> =
        log.lines().skip(before).filter(|line| line.contains("/v2/multi/app/manifests/")).collect();
    let gets = requests.iter().filter(|line| line.contains("\"GET /v2/")).count();
    let heads = requests.iter().filter(|line| line.contains("\"HEAD /v2/")).count();
    assert_eq!((gets, heads), (1, 2), "one GET of the index, a HEAD per platform:\n{}", requests.join("\n"));
}

#[test]
fn manifest_inspect_of_a_missing_image_fails() {
    let registry = Registry::start(Setup::Plain);
    let context = TestContext::new();
    let filters = Filters::new(&context).literal(&registry.addr(), "[REGISTRY]");
    let image = format!("{}/none/app:1", registry.addr());
    assert_outcome!(filters, context.hoist(&["manifest", "inspect", &image]), @r"
        success: false
        exit_code: 1
        ----- stdout -----
        ----- stderr -----
        Error: cannot inspect [REGISTRY]/none/app:1
          caused by: manifest for none/app:1 not found: manifest_unknown: manifest unknown
        ");
    assert_outcome!(filters, context.hoist(&["manifest", "inspect", "http://x/app"]), @r#"
        success: false
        exit_code: 2
        ----- stdout -----
        ----- stderr -----
        error: invalid value 'http://x/app' for '<NAME[:TAG|@DIGEST]>': drop the scheme: write "x/app"; hoist uses plain HTTP by itself for registries on this machine, and for those given with --insecure-registry HOST[:PORT]

        For more information, try '--help'.
        "#);
}
