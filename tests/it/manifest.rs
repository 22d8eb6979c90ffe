//! `manifest inspect` against a real registry, compared byte for byte with the docker CLI's
//! own `manifest inspect` (which reads registries without a daemon).

use std::process::Command;

use crate::assert_outcome;
use crate::support::peers::{docker_cli, podman, push_with_skopeo, remote_manifest, skopeo};
use crate::support::registry::{Registry, Setup};
use crate::support::snapshot::Filters;
use crate::support::{TestContext, fixtures, run};

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

#[test]
fn manifest_create_and_push_make_an_index_the_peers_read() {
    let registry = Registry::start(Setup::Plain);
    let other = Registry::start(Setup::Plain);
    let context = TestContext::new();
    let filters = Filters::new(&context).literal(&registry.addr(), "[REGISTRY]").literal(&other.addr(), "[OTHER]");
    let at = |path: &str| format!("{}/{path}", registry.addr());
    push_with_skopeo(&context, &at("src/amd:1"), ONE, &[]);
    push_with_skopeo(&context, &at("src/multi:1"), &[("linux", "arm64", Some("v8")), ("linux", "ppc64le", None)], &[]);
    // Only in the local store: pushed with the list.
    context.load_oci(&fixtures::OciImage::of_files(&[("a", b"local only")]), &at("app/local:1")).success();
    let list = at("lists/app:1");
    let sources = [at("src/amd:1"), at("src/multi:1"), at("app/local:1")];
    let create = |amend: &[&str]| {
        let mut args = vec!["manifest", "create"];
        args.extend(amend);
        args.push(&list);
        args.extend(sources.iter().map(String::as_str));
        context.hoist(&args)
    };
    assert_outcome!(filters, create(&[]), @r"
        success: true
        exit_code: 0
        ----- stdout -----
        Created manifest list [REGISTRY]/lists/app:1
        ----- stderr -----
        ");
    assert_outcome!(filters, create(&[]), @r"
        success: false
        exit_code: 1
        ----- stdout -----
        ----- stderr -----
        Error: refusing to amend an existing manifest list with no --amend flag: [REGISTRY]/lists/app:1
        ");
    create(&["--amend"]).success();
    let annotate = ["manifest", "annotate", "--arch", "riscv64", &list, &at("app/local:1")];
    assert_outcome!(filters, context.hoist(&annotate), @r"
        success: true
        exit_code: 0
        ----- stdout -----
        ----- stderr -----
        ");
    // Before the push, manifest inspect shows the local list, as docker does.
    let local = context.hoist(&["manifest", "inspect", &list]).success().stdout;
    let pushed = context.hoist(&["manifest", "push", &list]).success();
    assert_outcome!(filters, pushed, @r"
        success: true
        exit_code: 0
        ----- stdout -----
        Pushed ref [REGISTRY]/lists/app@sha256:446c6fc596c1696bb8ed53c226810232b0adfbdb4368ac4d4602553c85ba40a7 with digest: sha256:446c6fc596c1696bb8ed53c226810232b0adfbdb4368ac4d4602553c85ba40a7
        Pushed ref [REGISTRY]/lists/app@sha256:070b844665ec9bc9662f9e5c0887ee9605f0542b817f415d85ba4221049713c2 with digest: sha256:070b844665ec9bc9662f9e5c0887ee9605f0542b817f415d85ba4221049713c2
        Pushed ref [REGISTRY]/lists/app@sha256:22132af3067635617781e746bbb7e2964051bfaf0589e2e409695853a062a8df with digest: sha256:22132af3067635617781e746bbb7e2964051bfaf0589e2e409695853a062a8df
        Pushed ref [REGISTRY]/lists/app@sha256:28f2dd12e1df1965507ad63310cc5183956a0efc63ca95600e6ab6f01424da77 with digest: sha256:28f2dd12e1df1965507ad63310cc5183956a0efc63ca95600e6ab6f01424da77
        sha256:fea0bfa3209458fd0ca3dfed9960588f3a2a8d3dd068c4f9b721b23ce23aecc6
        ----- stderr -----
        ");
    let digest = pushed.stdout.lines().last().unwrap().to_string();

    // skopeo reads back the index whose digest was printed, every platform there.
    let raw = remote_manifest(&context, &list);
    assert_eq!(fixtures::sha256(raw.as_bytes()), digest);
    assert_eq!(local, format!("{raw}\n"), "the local list is what went up");
    let index: serde_json::Value = serde_json::from_str(&raw).unwrap();
    let platforms: Vec<String> = index["manifests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| {
            format!(
                "{}/{}",
                entry["platform"]["os"].as_str().unwrap(),
                entry["platform"]["architecture"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(platforms, ["linux/amd64", "linux/arm64", "linux/ppc64le", "linux/riscv64"]);
    // docker and podman read it; docker prints what hoist prints.
    let docker = run(docker_cli(&context).args(["manifest", "inspect", "--insecure", &list])).success().stdout;
    assert_eq!(context.hoist(&["manifest", "inspect", &list]).success().stdout, docker);
    // podman 4 has no --tls-verify for manifest inspect: the registry is insecure in its config.
    let conf = format!("[[registry]]\nlocation = \"{}\"\ninsecure = true\n", registry.addr());
    let conf = context.write("registries.conf", conf.as_bytes());
    let podman = run(podman(&context).env("CONTAINERS_REGISTRIES_CONF", conf).args(["manifest", "inspect", &list]));
    let podman = podman.success().stdout;
    let podman: serde_json::Value = serde_json::from_str(&podman).unwrap();
    assert_eq!(podman["manifests"], index["manifests"], "podman reads the same manifests");
    // Each platform pulls, by skopeo's platform choice.
    for (n, (arch, variant)) in [(1, ("arm64", "v8")), (2, ("ppc64le", "")), (3, ("riscv64", ""))] {
        let folder = context.path(&format!("pulled-{arch}"));
        run(skopeo(&context)
            .args(["--override-os", "linux", "--override-arch", arch, "--override-variant", variant])
            .args([
                "copy",
                "--src-tls-verify=false",
                &format!("docker://{list}"),
                &format!("dir:{}", folder.display()),
            ]))
        .success();
        let manifest = std::fs::read(folder.join("manifest.json")).unwrap();
        assert_eq!(fixtures::sha256(&manifest), index["manifests"][n]["digest"].as_str().unwrap(), "{arch}");
    }

    // The same list again: the same bytes, the same digest.
    context.hoist(&["manifest", "rm", &list]).success();
    create(&[]).success();
    context.hoist(&annotate).success();
    let again = context.hoist(&["manifest", "push", "--purge", &list]).success();
    assert_eq!(again.stdout.lines().last().unwrap(), digest);
    assert_outcome!(filters, context.hoist(&["manifest", "push", &list]), @r"
        success: false
        exit_code: 1
        ----- stdout -----
        ----- stderr -----
        Error: No such manifest list: [REGISTRY]/lists/app:1 (make one with hoist manifest create)
        ");
    assert_outcome!(filters, context.hoist(&["manifest", "rm", &list]), @r"
        success: false
        exit_code: 1
        ----- stdout -----
        ----- stderr -----
        Error: No such manifest list: [REGISTRY]/lists/app:1
        ");
    let foreign = format!("{}/src/amd:1", other.addr());
    assert_outcome!(filters, context.hoist(&["manifest", "create", &list, &foreign]), @r"
        success: false
        exit_code: 1
        ----- stdout -----
        ----- stderr -----
        Error: cannot use source images from a different registry than the target image: [OTHER] != [REGISTRY]
        ");
    assert_outcome!(filters, context.hoist(&["manifest", "create", &list, &at("src/none:1")]), @r"
        success: false
        exit_code: 1
        ----- stdout -----
        ----- stderr -----
        Error: cannot add [REGISTRY]/src/none:1 to [REGISTRY]/lists/app:1
          caused by: manifest for src/none:1 not found: manifest_unknown: manifest unknown
        ");
}

#[test]
fn a_registry_without_certs_d_is_checked_against_the_systems_roots() {
    let registry = Registry::start(Setup::BasicTls);
    let context = TestContext::new();
    let filters = Filters::new(&context).literal(&registry.addr(), "[REGISTRY]");
    let image = format!("{}/none/app:1", registry.addr());
    let empty = context.path("no-certs");
    std::fs::create_dir_all(&empty).unwrap();
    let inspect = |ca: &std::path::Path| {
        run(context
            .command()
            .env("SSL_CERT_FILE", ca)
            .env("SSL_CERT_DIR", &empty)
            .args(["manifest", "inspect", &image]))
    };
    // The test's CA as the system's only root: the certificate passes, the registry asks for a login.
    assert_outcome!(filters, inspect(registry.ca_pem()), @r"
        success: false
        exit_code: 1
        ----- stdout -----
        ----- stderr -----
        Error: cannot inspect [REGISTRY]/none/app:1
          caused by: unauthorized: authentication required
        hint: log in with: hoist login [REGISTRY]
        ");
    // Roots without it: the certificate is refused.
    let other = context.write("other.pem", &std::fs::read("/etc/ssl/certs/ca-certificates.crt").unwrap());
    assert_outcome!(filters, inspect(&other), @r"
        success: false
        exit_code: 1
        ----- stdout -----
        ----- stderr -----
        Error: cannot inspect [REGISTRY]/none/app:1
          caused by: cannot reach [REGISTRY]
          caused by: error sending request for url (https://[REGISTRY]/v2/)
          caused by: client error (Connect)
          caused by: invalid peer certificate: UnknownIssuer
        ");
}
