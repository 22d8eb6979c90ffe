//! Entries of the store that hoist did not write, or whose content is gone: another tool's OCI
//! artifact (an empty config, no platform) and names that point at a missing manifest. They
//! are listed or skipped, never a reason for a command about another image to fail; `rm`
//! removes them, and garbage collection keeps what an artifact holds.

use std::path::Path;

use crate::assert_outcome;
use crate::support::fixtures::{ArchiveImage, docker_archive, sha256};
use crate::support::snapshot::Filters;
use crate::support::store::{REF_NAME, add_artifact, add_entry, blob_path};
use crate::support::{TestContext, assert_consistent};

fn blob_exists(root: &Path, digest: &str) -> bool {
    blob_path(root, digest).is_file()
}

#[test]
fn artifacts_and_dangling_names_never_break_other_images() {
    let context = TestContext::new();
    let root = context.root();
    let filters = Filters::new(&context);
    let images = [
        ArchiveImage::new(&["keep/app:1"], &[&[("etc/motd", b"kept\n")]]),
        ArchiveImage::new(&["keep/other:1"], &[&[("etc/motd", b"other\n")]]),
    ];
    context.hoist_with_stdin(&["load", "-q"], &docker_archive(&images)).success();
    let id = images[0].id();
    let sbom = add_artifact(&root, "example.com/sbom/app:1", "application/vnd.oci.image.manifest.v1+json", "layers");
    let old_style =
        add_artifact(&root, "example.com/sbom/old:1", "application/vnd.oci.artifact.manifest.v1+json", "blobs");
    let missing = sha256(b"a manifest that was never written");
    let dangling = serde_json::json!({
        "mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": missing, "size": 33,
        "annotations": {REF_NAME: "example.com/gone/app:1"},
    });
    add_entry(&root, dangling);

    // The artifact is listed (its ID is its manifest's digest); the dangling name is a warning.
    let listed = context.hoist(&["images"]);
    assert_outcome!(filters, listed, @r"
        success: true
        exit_code: 0
        ----- stdout -----
        REPOSITORY             TAG       IMAGE ID       CREATED       SIZE
        keep/app               1         efabc196d1fc   [AGE]   378B
        keep/other             1         ee6ee932e5b1   [AGE]   379B
        example.com/sbom/app   1         632a35487ba7   N/A           47B
        example.com/sbom/old   1         3fd8d6fad83c   N/A           503B
        ----- stderr -----
        WARNING: example.com/gone/app:1 is not listed: what it names is not in the store whole (blob sha256:7ace0f74ad8866cdf40aebf98e7b9c20c854e1729d1de32dd7311b900e5a191b is not in the store); `hoist rm example.com/gone/app:1` removes the name
        ");
    let artifact_row = listed.stdout.lines().find(|line| line.starts_with("example.com/sbom/app ")).unwrap();
    assert!(artifact_row.contains(&sbom[0][7..19]), "an artifact's ID is its manifest's digest: {artifact_row}");
    let quiet = context.hoist(&["images", "-q", "--no-trunc", "keep/app"]).success().stdout;
    assert_eq!(quiet, format!("{id}\n"));

    let inspected = context.hoist(&["inspect", "keep/app:1"]).success().stdout;
    assert!(inspected.contains(&id), "{inspected}");
    assert_outcome!(filters, context.hoist(&["inspect", "example.com/sbom/app:1"]), @"
    success: false
    exit_code: 1
    ----- stdout -----
    []
    ----- stderr -----
    Error: sha256:632a35487ba7ca7df523a75b240553f41ae96ad0fb15417043b3bcef5af31065 is not an image: its config is application/vnd.oci.empty.v1+json (an artifact of another tool)
    ");
    context.hoist(&["tag", "keep/app:1", "keep/app:2"]).success();
    assert_outcome!(filters, context.hoist(&["tag", "example.com/gone/app:1", "keep/gone:1"]), @r"
        success: false
        exit_code: 1
        ----- stdout -----
        ----- stderr -----
        Error: cannot tag example.com/gone/app:1: what it names is not in the store whole (blob sha256:7ace0f74ad8866cdf40aebf98e7b9c20c854e1729d1de32dd7311b900e5a191b is not in the store)
        ");
    let saved = context.path("keep.tar");
    context.hoist(&["save", "-o", saved.to_str().unwrap(), "keep/app:2"]).success();

    // rm of an image runs garbage collection: the artifacts keep every blob.
    assert_outcome!(filters, context.hoist(&["rm", "keep/other:1"]), @"
    success: true
    exit_code: 0
    ----- stdout -----
    Untagged: keep/other:1
    Deleted: sha256:ee6ee932e5b12ea6c4972da8c8ee225c96b4d0d0ca20ff5e682d9e9a0dad42ec
    Deleted: sha256:86a54030a659f43d67b9e2b9e42c001f754fe156a7083ccb4403b0a8f3f656c2
    ----- stderr -----
    ");
    for digest in sbom.iter().chain(&old_style) {
        assert!(blob_exists(&root, digest), "{digest} of an artifact was collected");
    }
    // A dangling name goes with rm; nothing was deleted with it.
    assert_outcome!(filters, context.hoist(&["rm", "example.com/gone/app:1"]), @r"
        success: true
        exit_code: 0
        ----- stdout -----
        Untagged: example.com/gone/app:1
        ----- stderr -----
        ");
    let listed = context.hoist(&["images"]).success();
    assert_eq!(listed.stderr, "");
    assert_eq!(assert_consistent(&root), 4, "keep/app:1, keep/app:2 and the two artifacts, every one whole");

    assert_outcome!(filters, context.hoist(&["rm", "example.com/sbom/app:1"]), @r"
        success: true
        exit_code: 0
        ----- stdout -----
        Untagged: example.com/sbom/app:1
        Deleted: sha256:632a35487ba7ca7df523a75b240553f41ae96ad0fb15417043b3bcef5af31065
        ----- stderr -----
        ");
    assert!(!blob_exists(&root, &sbom[2]), "the artifact's own blob goes with it");
    assert!(blob_exists(&root, &old_style[2]));
}
