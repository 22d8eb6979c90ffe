//! `cp` between registries and `delete` of a remote manifest.

use crate::assert_outcome;
use crate::support::fault_proxy::{FaultProxy, Faults};
use crate::support::peers::{push_with_skopeo, remote_digest, remote_manifest};
use crate::support::referrers::{ReferrersApi, sign};
use crate::support::registry::{Registry, Setup};
use crate::support::snapshot::Filters;
use crate::support::{TestContext, fixtures, run};

#[test]
fn cp_keeps_every_digest_and_delete_removes_the_tag() {
    let first = Registry::start(Setup::Plain);
    let second = Registry::start(Setup::Plain);
    let context = TestContext::new();
    let filters = Filters::new(&context).literal(&first.addr(), "[FIRST]").literal(&second.addr(), "[SECOND]");
    let source = format!("{}/src/app:1", first.addr());
    let digest = push_with_skopeo(&context, &source, &[("linux", "amd64", None), ("linux", "arm64", Some("v8"))], &[]);

    let destination = format!("{}/dst/app:1", second.addr());
    // Blob lines sorted: blobs may be copied concurrently.
    let copied = context.hoist(&["cp", &source, &destination]).blob_lines_sorted();
    assert_outcome!(filters, copied, @r"
        success: true
        exit_code: 0
        ----- stdout -----
        480a6b516b99: Pushed
        d96158af2690: Pushed
        1: digest: sha256:352310ee6bb428f59cc5557c79acb020a24f80ed37169dca4807d416d3ee95d7 size: 506
        ----- stderr -----
        ");
    let size = remote_manifest(&context, &source).len();
    assert!(copied.stdout.ends_with(&format!("1: digest: {digest} size: {size}\n")), "{}", copied.stdout);
    assert_eq!(remote_digest(&context, &destination), digest);
    let index: serde_json::Value = serde_json::from_str(&remote_manifest(&context, &destination)).unwrap();
    for entry in index["manifests"].as_array().unwrap() {
        let child = format!("{}/dst/app@{}", second.addr(), entry["digest"].as_str().unwrap());
        assert_eq!(remote_digest(&context, &child), entry["digest"].as_str().unwrap(), "every platform was copied");
    }
    // The store was not involved.
    assert!(
        !context.root().join("index.json").exists() || context.hoist(&["images", "-q"]).success().stdout.is_empty()
    );

    let arm = format!("{}/dst/arm:1", second.addr());
    assert_outcome!(filters, context.hoist(&["cp", "--platform", "linux/arm64", &source, &arm]), @r"
        success: true
        exit_code: 0
        ----- stdout -----
        480a6b516b99: Pushed
        1: digest: sha256:c2958939e543316e04c51df0d39048c2a2b1dfa541d53611ec9ee1059582728a size: 401
        ----- stderr -----
        ");

    let sibling = format!("{}/dst/sibling:7", second.addr());
    assert_outcome!(filters, context.hoist(&["cp", &destination, &sibling]).blob_lines_sorted(), @r"
        success: true
        exit_code: 0
        ----- stdout -----
        480a6b516b99: Mounted from dst/app
        d96158af2690: Mounted from dst/app
        7: digest: sha256:352310ee6bb428f59cc5557c79acb020a24f80ed37169dca4807d416d3ee95d7 size: 506
        ----- stderr -----
        ");

    assert_outcome!(filters, context.hoist(&["delete", &sibling]), @r"
        success: true
        exit_code: 0
        ----- stdout -----
        Deleted: [SECOND]/dst/sibling@sha256:352310ee6bb428f59cc5557c79acb020a24f80ed37169dca4807d416d3ee95d7
        ----- stderr -----
        ");
    assert_outcome!(filters, context.hoist(&["tags", &format!("{}/dst/sibling", second.addr())]), @r"
        success: true
        exit_code: 0
        ----- stdout -----
        ----- stderr -----
        ");
    assert_outcome!(filters, context.hoist(&["pull", &sibling]), @r"
        success: false
        exit_code: 1
        ----- stdout -----
        ----- stderr -----
        Error: cannot pull [SECOND]/dst/sibling:7
          caused by: manifest for dst/sibling:7 not found: manifest_unknown: manifest unknown
        ");
    assert_outcome!(filters, context.hoist(&["delete", &sibling]), @r"
        success: false
        exit_code: 1
        ----- stdout -----
        ----- stderr -----
        Error: cannot resolve [SECOND]/dst/sibling:7
          caused by: manifest for dst/sibling:7 not found: manifest_unknown: manifest unknown
        ");
}

#[test]
fn listings_follow_every_page() {
    let registry = Registry::start(Setup::Plain);
    let context = TestContext::new();
    let image = format!("{}/paged/app:0", registry.addr());
    context.import(&image, &[("a", b"paged")]);
    for n in 1..5 {
        context.hoist(&["tag", &image, &format!("{}/paged/app:{n}", registry.addr())]).success();
    }
    context.hoist(&["tag", &image, &format!("{}/other/one:1", registry.addr())]).success();
    context.hoist(&["tag", &image, &format!("{}/other/two:1", registry.addr())]).success();
    context.hoist(&["push", "-a", &format!("{}/paged/app", registry.addr())]).success();
    context.hoist(&["push", &format!("{}/other/one:1", registry.addr())]).success();
    context.hoist(&["push", &format!("{}/other/two:1", registry.addr())]).success();
    let paged = |args: &[&str]| run(context.command().env("HOIST_TEST_PAGE_SIZE", "2").args(args)).success().stdout;
    let mut tags: Vec<String> =
        paged(&["tags", &format!("{}/paged/app", registry.addr())]).lines().map(String::from).collect();
    tags.sort();
    assert_eq!(tags, ["0", "1", "2", "3", "4"]);
    assert_eq!(paged(&["catalog", &registry.addr()]), "other/one\nother/two\npaged/app\n");
    assert!(registry.log().contains("/v2/_catalog?last="), "a second page was asked for");
}

#[test]
fn delete_on_a_registry_that_forbids_it_says_so() {
    let registry = Registry::start(Setup::Plain);
    let context = TestContext::new();
    let proxy = FaultProxy::start(&registry.addr(), Faults::none().fail_first(1, 405).method(Some("DELETE")));
    let image = format!("{}/locked/app:1", proxy.addr());
    context.load_oci(&fixtures::OciImage::of_files(&[("a", b"locked")]), &image).success();
    context.hoist(&["push", &image]).success();
    let filters = Filters::new(&context).literal(proxy.addr(), "[PROXY]");
    assert_outcome!(filters, context.hoist(&["delete", &image]), @r"
        success: false
        exit_code: 1
        ----- stdout -----
        ----- stderr -----
        Error: cannot delete [PROXY]/locked/app:1
          caused by: [PROXY] answered badly: the registry does not allow deletes (for distribution: storage.delete.enabled)
        ");
    context.hoist(&["pull", &image]).success();
}

#[test]
fn cp_to_a_registry_that_refuses_a_streamed_blob_sends_it_from_a_copy() {
    let first = Registry::start(Setup::Plain);
    let second = Registry::start(Setup::Plain);
    let context = TestContext::new();
    let source = format!("{}/src/big:1", first.addr());
    context.import(&source, &[("data", &fixtures::noise(21, 3 << 20))]);
    context.hoist(&["push", &source]).success();
    let manifest: serde_json::Value = serde_json::from_str(&remote_manifest(&context, &source)).unwrap();
    let layer = manifest["layers"][0]["digest"].as_str().unwrap().trim_start_matches("sha256:").to_string();
    // The layer's streamed PUT is refused as too large, as ACR refuses large bodies.
    let refusing = FaultProxy::start(&second.addr(), Faults::none().fail_first(1, 413).on(&layer).method(Some("PUT")));
    let destination = format!("{}/dst/big:1", refusing.addr());
    let copied = context.hoist(&["cp", &source, &destination]).success().stdout;
    let digest = remote_digest(&context, &source);
    assert!(copied.contains(&format!("1: digest: {digest}")), "{copied}");
    let puts: Vec<_> =
        refusing.requests().into_iter().filter(|r| r.method == "PUT" && r.path.contains(&layer)).collect();
    assert_eq!(
        puts.iter().map(|r| r.status).collect::<Vec<_>>(),
        [413, 201],
        "refused streamed, then sent from a file"
    );
    assert_eq!(remote_digest(&context, &format!("{}/dst/big:1", second.addr())), digest);
}

#[test]
fn cp_all_tags_copies_every_tag_and_sends_each_blob_once() {
    let first = Registry::start(Setup::Plain);
    let second = Registry::start(Setup::Plain);
    let context = TestContext::new();
    let filters = Filters::new(&context).literal(&first.addr(), "[FIRST]").literal(&second.addr(), "[SECOND]");
    let source = format!("{}/src/app", first.addr());
    context.load_oci(&fixtures::OciImage::of_files(&[("a", b"shared")]), &format!("{source}:1")).success();
    for tag in ["2", "latest"] {
        context.hoist(&["tag", &format!("{source}:1"), &format!("{source}:{tag}")]).success();
    }
    context.hoist(&["push", "-a", &source]).success();
    push_with_skopeo(
        &context,
        &format!("{source}:multi"),
        &[("linux", "amd64", None), ("linux", "arm64", Some("v8"))],
        &[],
    );
    let destination = format!("{}/dst/app", second.addr());
    let copied = context.hoist(&["cp", "-a", "-q", &source, &destination]).success();
    let mut tags: Vec<&str> = copied.stdout.lines().collect();
    tags.sort_unstable();
    tags.dedup();
    assert_eq!(tags.len(), 2, "two distinct digests: the image under three tags, and the index");
    for tag in ["1", "2", "latest", "multi"] {
        assert_eq!(
            remote_digest(&context, &format!("{destination}:{tag}")),
            remote_digest(&context, &format!("{source}:{tag}"))
        );
    }
    // Each blob went up once, however many tags share it.
    let log = second.log();
    let mut uploads: Vec<&str> = log
        .lines()
        .filter(|line| line.contains("\"PUT /v2/dst/app/blobs/uploads/"))
        .filter_map(|line| line.split("digest=").nth(1).map(|rest| &rest[..71]))
        .collect();
    let sent = uploads.len();
    uploads.sort_unstable();
    uploads.dedup();
    assert_eq!(sent, uploads.len(), "a blob sent twice:\n{log}");
    assert_eq!(sent, 6, "2 blobs of the one image, 4 of the index's two platforms");

    assert_outcome!(filters, context.hoist(&["cp", "-a", &format!("{source}:1"), &destination]), @r"
        success: false
        exit_code: 1
        ----- stdout -----
        ----- stderr -----
        Error: --all-tags copies a repository: leave out the tag or digest in [FIRST]/src/app:1
        ");
    assert_outcome!(filters, context.hoist(&["cp", "-a", &format!("{}/none/app", first.addr()), &destination]), @r"
        success: false
        exit_code: 1
        ----- stdout -----
        ----- stderr -----
        Error: cannot list the tags of [FIRST]/none/app
          caused by: none/app/tags/list not found: name_unknown: repository name not known to registry
        ");
}

#[test]
fn cp_referrers_copies_signatures_through_the_tag_schema() {
    let first = Registry::start(Setup::Plain);
    let second = Registry::start(Setup::Plain);
    let context = TestContext::new();
    let filters = Filters::new(&context).literal(&first.addr(), "[FIRST]").literal(&second.addr(), "[SECOND]");
    let source = format!("{}/src/signed:1", first.addr());
    let digest = push_with_skopeo(&context, &source, &[("linux", "amd64", None), ("linux", "arm64", Some("v8"))], &[]);
    let index: serde_json::Value = serde_json::from_str(&remote_manifest(&context, &source)).unwrap();
    let arm = index["manifests"][1].clone();
    let size = remote_manifest(&context, &source).len();
    // The index is signed, and so is its arm64 manifest.
    let top_signature =
        sign(&first.addr(), "src/signed", (&digest, size, "application/vnd.oci.image.index.v1+json"), b"top");
    let arm_digest = arm["digest"].as_str().unwrap();
    let arm_subject =
        (arm_digest, arm["size"].as_u64().unwrap() as usize, "application/vnd.oci.image.manifest.v1+json");
    let arm_signature = sign(&first.addr(), "src/signed", arm_subject, b"arm");

    let destination = format!("{}/dst/signed:1", second.addr());
    let copied = context.hoist(&["cp", "--referrers", &source, &destination]).blob_lines_sorted();
    assert_outcome!(filters, copied, @r"
        success: true
        exit_code: 0
        ----- stdout -----
        13100fbcf938: Pushed
        cb8084c5b106: Pushed
        1: digest: sha256:9fa9909e3d23f60bd382bffb059a51ef494367dc6d6a4d62f776b0468f359e7e size: 506
        application/vnd.dev.cosign.artifact.sig.v1+json sha256:dd80003c8b425c31276eefa76e1e7a6a5cc7d3cd7bf3971439a7214b02333ec9: refers to sha256:5e784f6695116b4af375ca044f61f39ffafe8b9a529325bcdc97e11ed0cd03fd
        application/vnd.dev.cosign.artifact.sig.v1+json sha256:c8cf6147efc6d8041fd108467222023a7fb4017c0f5e3b56b0d6192e423cc55b: refers to sha256:9fa9909e3d23f60bd382bffb059a51ef494367dc6d6a4d62f776b0468f359e7e
        ----- stderr -----
        ");
    for (subject, signature) in [(&digest, &top_signature), (&arm_digest.to_string(), &arm_signature)] {
        let tag = subject.replacen(':', "-", 1);
        let listed = remote_manifest(&context, &format!("{}/dst/signed:{tag}", second.addr()));
        assert_eq!(listed, remote_manifest(&context, &format!("{}/src/signed:{tag}", first.addr())), "the same index");
        let copied = format!("{}/dst/signed@{signature}", second.addr());
        assert_eq!(&remote_digest(&context, &copied), signature, "the signature, digest kept");
    }

    // With --platform, only the kept manifest's referrers go (amd64 has none).
    let amd = format!("{}/dst/amd:1", second.addr());
    let one = context.hoist(&["cp", "--referrers", "--platform", "linux/amd64", &source, &amd]).success();
    assert!(!one.stdout.contains("refers to"), "amd64 has no signature: {}", one.stdout);
}

#[test]
fn cp_referrers_lists_them_through_the_referrers_api_where_the_source_has_one() {
    let first = Registry::start(Setup::Plain);
    let second = Registry::start(Setup::Plain);
    let api = ReferrersApi::start(&first.addr());
    let context = TestContext::new();
    let source = format!("{}/src/signed:1", api.addr());
    let digest = push_with_skopeo(&context, &source, &[("linux", "amd64", None)], &[]);
    let size = remote_manifest(&context, &source).len();
    let signature =
        sign(api.addr(), "src/signed", (&digest, size, "application/vnd.oci.image.manifest.v1+json"), b"sig");
    let destination = format!("{}/dst/signed:1", second.addr());
    let copied = context.hoist(&["cp", "-q", "--referrers", &source, &destination]).success();
    assert_eq!(copied.stdout, format!("{digest}\n"));
    // The source's referrers API was asked for the image, then for the signature's own referrers.
    let asked = [format!("/v2/src/signed/referrers/{digest}"), format!("/v2/src/signed/referrers/{signature}")];
    assert_eq!(api.asked(), asked);
    assert_eq!(remote_digest(&context, &format!("{}/dst/signed@{signature}", second.addr())), signature);
    // The destination has no referrers API: its tag schema lists the signature.
    let tag = digest.replacen(':', "-", 1);
    let listed: serde_json::Value =
        serde_json::from_str(&remote_manifest(&context, &format!("{}/dst/signed:{tag}", second.addr()))).unwrap();
    assert_eq!(listed["manifests"][0]["digest"], signature.as_str());
    assert_eq!(listed["manifests"][0]["artifactType"], "application/vnd.dev.cosign.artifact.sig.v1+json");

    // A destination with the referrers API indexes the signature by its subject itself: no tag.
    let third = Registry::start(Setup::Plain);
    let api_destination = ReferrersApi::start(&third.addr());
    let destination = format!("{}/dst/signed:1", api_destination.addr());
    context.hoist(&["cp", "-q", "--referrers", &source, &destination]).success();
    assert_eq!(remote_digest(&context, &format!("{}/dst/signed@{signature}", third.addr())), signature);
    let tags = context.hoist(&["tags", &format!("{}/dst/signed", third.addr())]).success().stdout;
    assert_eq!(tags, "1\n", "no tag-schema tag where the referrers API answers");
}
