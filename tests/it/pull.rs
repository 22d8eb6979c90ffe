//! `pull`, `tags` and `catalog` against real `docker-registry` processes, with images that
//! skopeo pushed in OCI and Docker schema 2 form, single- and multi-platform.

use crate::assert_outcome;
use crate::support::peers::push_with_skopeo;
use crate::support::registry::{Registry, Setup};
use crate::support::snapshot::Filters;
use crate::support::{TestContext, assert_consistent, host_architecture, without_dns};

const AMD64: (&str, &str, Option<&str>) = ("linux", "amd64", None);
const ARM64: (&str, &str, Option<&str>) = ("linux", "arm64", Some("v8"));
const ARMV7: (&str, &str, Option<&str>) = ("linux", "arm", Some("v7"));

#[test]
fn pulls_oci_and_docker_images_and_says_what_it_did() {
    let registry = Registry::start(Setup::Plain);
    let context = TestContext::new();
    let filters = Filters::new(&context).literal(&registry.addr(), "[REGISTRY]");
    let oci = push_with_skopeo(&context, &format!("{}/team/oci:1.0", registry.addr()), &[AMD64], &[]);
    let docker =
        push_with_skopeo(&context, &format!("{}/team/docker:latest", registry.addr()), &[AMD64], &["--format", "v2s2"]);

    let reference = format!("{}/team/oci:1.0", registry.addr());
    assert_outcome!(filters, context.hoist(&["pull", &reference]), @r"
        success: true
        exit_code: 0
        ----- stdout -----
        1.0: Pulling from team/oci
        95f4f0f691d4: Pull complete
        Digest: sha256:e291a8bae0d0a0350648446397b638a2866f4d39045997d3011a57d1e54bf7f6
        Status: Downloaded newer image for [REGISTRY]/team/oci:1.0
        [REGISTRY]/team/oci:1.0
        ----- stderr -----
        ");
    assert_outcome!(filters, context.hoist(&["pull", &reference]), @r"
        success: true
        exit_code: 0
        ----- stdout -----
        1.0: Pulling from team/oci
        95f4f0f691d4: Already exists
        Digest: sha256:e291a8bae0d0a0350648446397b638a2866f4d39045997d3011a57d1e54bf7f6
        Status: Image is up to date for [REGISTRY]/team/oci:1.0
        [REGISTRY]/team/oci:1.0
        ----- stderr -----
        ");

    let docker_ref = format!("{}/team/docker", registry.addr());
    assert_outcome!(filters, context.hoist(&["pull", &docker_ref]), @r"
        success: true
        exit_code: 0
        ----- stdout -----
        Using default tag: latest
        latest: Pulling from team/docker
        82fbf553b478: Pull complete
        Digest: sha256:fee18e98b85b6c2622ae881ba3411399f8f5ca5ee6567d3f5404d427f305f9bb
        Status: Downloaded newer image for [REGISTRY]/team/docker:latest
        [REGISTRY]/team/docker:latest
        ----- stderr -----
        ");

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
    assert_outcome!(filters, context.hoist(&["pull", &by_digest]), @r"
        success: true
        exit_code: 0
        ----- stdout -----
        sha256:e291a8bae0d0a0350648446397b638a2866f4d39045997d3011a57d1e54bf7f6: Pulling from team/oci
        95f4f0f691d4: Already exists
        Digest: sha256:e291a8bae0d0a0350648446397b638a2866f4d39045997d3011a57d1e54bf7f6
        Status: Downloaded newer image for [REGISTRY]/team/oci@sha256:e291a8bae0d0a0350648446397b638a2866f4d39045997d3011a57d1e54bf7f6
        [REGISTRY]/team/oci@sha256:e291a8bae0d0a0350648446397b638a2866f4d39045997d3011a57d1e54bf7f6
        ----- stderr -----
        ");
    assert_outcome!(filters, context.hoist(&["pull", "-q", &by_digest]), @r"
        success: true
        exit_code: 0
        ----- stdout -----
        [REGISTRY]/team/oci@sha256:e291a8bae0d0a0350648446397b638a2866f4d39045997d3011a57d1e54bf7f6
        ----- stderr -----
        ");
    let listed = context.hoist(&["images", "--digests", &format!("{}/team/oci", registry.addr())]);
    assert_outcome!(filters, listed, @r"
        success: true
        exit_code: 0
        ----- stdout -----
        REPOSITORY                 TAG       DIGEST                                                                    IMAGE ID       CREATED       SIZE
        [REGISTRY]/team/oci   1.0       sha256:e291a8bae0d0a0350648446397b638a2866f4d39045997d3011a57d1e54bf7f6   9333383bed4c   [AGE]   336B
        [REGISTRY]/team/oci   <none>    sha256:e291a8bae0d0a0350648446397b638a2866f4d39045997d3011a57d1e54bf7f6   9333383bed4c   [AGE]   336B
        ----- stderr -----
        ");
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
    assert_eq!(inspected[0]["Architecture"], host_architecture());

    let filters = Filters::new(&context).literal(&registry.addr(), "[REGISTRY]");
    assert_outcome!(filters, context.hoist(&["pull", "--platform", "linux/s390x", &reference]), @r"
        success: false
        exit_code: 1
        ----- stdout -----
        ----- stderr -----
        Error: cannot pull [REGISTRY]/multi/arch:1
          caused by: no image for platform linux/s390x in sha256:992c78f80c3cf346073bdb3fbf1fc453ee2b45363575441791e0dab062d5b4fa; it has: linux/amd64, linux/arm64/v8, linux/arm/v7
        ");
    assert_outcome!(filters, context.hoist(&["pull", "--platform", "linux", &reference]), @r#"
        success: false
        exit_code: 2
        ----- stdout -----
        ----- stderr -----
        error: invalid value 'linux' for '--platform <OS/ARCH[/VARIANT]>': invalid platform "linux": expected OS/ARCH[/VARIANT], e.g. linux/amd64 or linux/arm/v7

        For more information, try '--help'.
        "#);
}

#[test]
fn tags_and_catalog_list_everything() {
    let registry = Registry::start(Setup::Plain);
    let context = TestContext::new();
    for tag in ["1", "2", "latest"] {
        push_with_skopeo(&context, &format!("{}/listed/app:{tag}", registry.addr()), &[AMD64], &[]);
    }
    push_with_skopeo(&context, &format!("{}/other:1", registry.addr()), &[AMD64], &[]);
    let filters = Filters::new(&context).literal(&registry.addr(), "[REGISTRY]");
    // Sorted: the tag list is in the order of the registry's storage.
    assert_outcome!(filters, context.hoist(&["tags", &format!("{}/listed/app", registry.addr())]).sorted(), @r"
        success: true
        exit_code: 0
        ----- stdout -----
        1
        2
        latest
        ----- stderr -----
        ");
    assert_outcome!(filters, context.hoist(&["catalog", &registry.addr()]), @r"
        success: true
        exit_code: 0
        ----- stdout -----
        listed/app
        other
        ----- stderr -----
        ");
    assert_outcome!(filters, context.hoist(&["tags", &format!("{}/nothing/here", registry.addr())]), @r"
        success: false
        exit_code: 1
        ----- stdout -----
        ----- stderr -----
        Error: cannot list the tags of [REGISTRY]/nothing/here
          caused by: nothing/here/tags/list not found: name_unknown: repository name not known to registry
        ");
    assert_outcome!(filters, context.hoist(&["tags", &format!("{}/listed/app:1", registry.addr())]), @r"
        success: false
        exit_code: 1
        ----- stdout -----
        ----- stderr -----
        Error: tags takes a repository, not an image: leave out the tag or digest in [REGISTRY]/listed/app:1
        ");
}

#[test]
fn bad_references_and_missing_images_fail_clearly() {
    let registry = Registry::start(Setup::Plain);
    let context = TestContext::new();
    context.hoist(&["images"]).success();
    let before = context.store_snapshot();
    let filters = Filters::new(&context).literal(&registry.addr(), "[REGISTRY]");
    assert_outcome!(filters, context.hoist(&["pull", &format!("{}/no/such:1", registry.addr())]), @r"
        success: false
        exit_code: 1
        ----- stdout -----
        ----- stderr -----
        Error: cannot pull [REGISTRY]/no/such:1
          caused by: manifest for no/such:1 not found: manifest_unknown: manifest unknown
        ");
    assert_outcome!(filters, context.hoist(&["pull", "Bad/Name"]), @r"
        success: false
        exit_code: 1
        ----- stdout -----
        ----- stderr -----
        Error: invalid reference format: repository name (Name) must be lowercase
        ");
    assert_outcome!(filters, context.hoist(&["pull", "127.0.0.1:1/nothing:1"]), @r"
        success: false
        exit_code: 1
        ----- stdout -----
        ----- stderr -----
        Retrying in 1 second (attempt 2 of 5): cannot reach 127.0.0.1:1: Connection refused (os error 111)
        Retrying in 1 second (attempt 3 of 5): cannot reach 127.0.0.1:1: Connection refused (os error 111)
        Retrying in 1 second (attempt 4 of 5): cannot reach 127.0.0.1:1: Connection refused (os error 111)
        Retrying in 1 second (attempt 5 of 5): cannot reach 127.0.0.1:1: Connection refused (os error 111)
        Error: cannot pull 127.0.0.1:1/nothing:1
          caused by: cannot reach 127.0.0.1:1
          caused by: error sending request for url (http://127.0.0.1:1/v2/)
          caused by: client error (Connect)
          caused by: tcp connect error
          caused by: Connection refused (os error 111)
        ");
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
    let filters = Filters::new(&context).literal(&mirror.addr(), "[MIRROR]");
    let digest = push_with_skopeo(&context, &format!("{}/library/alpine:3", mirror.addr()), &[AMD64], &[]);
    std::fs::write(context.path("config/config.toml"), format!("registry-mirrors = [\"http://{}\"]\n", mirror.addr()))
        .unwrap();
    // Every hoist here runs where no name resolves through DNS: whatever the mirror lacks is
    // asked of Docker Hub itself, and this test must never reach it, whether or not the machine
    // has internet access.
    let hoist = |args: &[&str]| {
        let mut command = context.command();
        command.args(args);
        without_dns(&context, &command).map(|mut offline| crate::support::run(&mut offline))
    };
    let Some(pulled) = hoist(&["pull", "alpine:3"]) else { return };
    assert_outcome!(filters, pulled, @r"
        success: true
        exit_code: 0
        ----- stdout -----
        3: Pulling from library/alpine
        45195483e900: Pull complete
        Digest: sha256:b4b5ee404078475a4f64f9fad623259ef19333853781ebb0b08c363146b2ab88
        Status: Downloaded newer image for alpine:3
        docker.io/library/alpine:3
        ----- stderr -----
        ");
    assert!(pulled.stdout.contains(&format!("Digest: {digest}\n")), "{}", pulled.stdout);
    let listed = hoist(&["images", "-q", "alpine"]).unwrap().success().stdout;
    assert_eq!(listed.lines().count(), 1);
    // What the mirror lacks is asked of Docker Hub itself, a name no DNS server is asked here.
    assert_outcome!(filters, hoist(&["pull", "busybox:1"]).unwrap(), @r"
        success: false
        exit_code: 1
        ----- stdout -----
        ----- stderr -----
        Error: cannot pull busybox:1
          caused by: cannot reach registry-1.docker.io: its name does not resolve (failed to lookup address information: Name or service not known)
        ");

    std::fs::write(context.path("config/config.toml"), "registry-mirrors = \"not a list\"\n").unwrap();
    assert_outcome!(filters, hoist(&["pull", "alpine:3"]).unwrap(), @r#"
        success: false
        exit_code: 1
        ----- stdout -----
        ----- stderr -----
        Error: [TEMP]/config/config.toml: line 1: invalid type: string "not a list", expected a sequence
        "#);
}
