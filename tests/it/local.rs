//! Local commands through the built binary: import, tag, images, rm, inspect.

use crate::assert_outcome;
use crate::support::fixtures::{ArchiveImage, docker_archive};
use crate::support::snapshot::Filters;
use crate::support::{TestContext, assert_consistent, host_architecture};

/// Loads a one-layer fixture image (made 2024-01-02, the same bytes on every run) named `names`.
fn load_fixture(context: &TestContext, names: &[&str], files: &[(&str, &[u8])]) -> ArchiveImage {
    let image = ArchiveImage::new(names, &[files]);
    context.hoist_with_stdin(&["load", "-q"], &docker_archive(std::slice::from_ref(&image))).success();
    image
}

#[test]
fn tag_images_rm() {
    let context = TestContext::new();
    let filters = Filters::new(&context);
    let image = load_fixture(&context, &["localhost:5000/my-fancy-app:1.0.0"], &[("etc/hello", b"hello\n")]);
    let id = image.id();
    assert_outcome!(filters, context.hoist(&["tag", "localhost:5000/my-fancy-app:1.0.0", "ubuntu"]), @r"
        success: true
        exit_code: 0
        ----- stdout -----
        ----- stderr -----
        ");
    context.hoist(&["tag", &id[7..15], "user/app:2"]).success();

    assert_outcome!(filters, context.hoist(&["images"]), @"
    success: true
    exit_code: 0
    ----- stdout -----
    REPOSITORY                    TAG       IMAGE ID       CREATED       SIZE
    localhost:5000/my-fancy-app   1.0.0     2c06f9f79a85   [AGE]   378B
    ubuntu                        latest    2c06f9f79a85   [AGE]   378B
    user/app                      2         2c06f9f79a85   [AGE]   378B
    ----- stderr -----
    ");
    assert_outcome!(filters, context.hoist(&["images", "--digests"]), @"
    success: true
    exit_code: 0
    ----- stdout -----
    REPOSITORY                    TAG       DIGEST                                                                    IMAGE ID       CREATED       SIZE
    localhost:5000/my-fancy-app   1.0.0     sha256:f068b34a8fe01872eee24632047ef8bb77df155c7db27dace6c5a5c06804d990   2c06f9f79a85   [AGE]   378B
    ubuntu                        latest    sha256:f068b34a8fe01872eee24632047ef8bb77df155c7db27dace6c5a5c06804d990   2c06f9f79a85   [AGE]   378B
    user/app                      2         sha256:f068b34a8fe01872eee24632047ef8bb77df155c7db27dace6c5a5c06804d990   2c06f9f79a85   [AGE]   378B
    ----- stderr -----
    ");
    assert_outcome!(filters, context.hoist(&["images", "--no-trunc", "ubuntu"]), @"
    success: true
    exit_code: 0
    ----- stdout -----
    REPOSITORY   TAG       IMAGE ID                                                                  CREATED       SIZE
    ubuntu       latest    sha256:2c06f9f79a85eb0f645fef5ef402e55ad7248a405880eab50e5fe6241275a8af   [AGE]   378B
    ----- stderr -----
    ");
    assert_outcome!(filters, context.hoist(&["images", "-q", "ubuntu"]), @r"
        success: true
        exit_code: 0
        ----- stdout -----
        2c06f9f79a85
        ----- stderr -----
        ");
    assert_outcome!(filters, context.hoist(&["images", "-q", "--no-trunc", "user/app:2"]), @r"
        success: true
        exit_code: 0
        ----- stdout -----
        sha256:2c06f9f79a85eb0f645fef5ef402e55ad7248a405880eab50e5fe6241275a8af
        ----- stderr -----
        ");
    assert_outcome!(filters, context.hoist(&["images", "-q", "user/app:3"]), @r"
        success: true
        exit_code: 0
        ----- stdout -----
        ----- stderr -----
        ");

    // An ID that several names hold needs -f.
    let short = &id[7..19];
    assert_outcome!(filters, context.hoist(&["rm", short]), @r"
        success: false
        exit_code: 1
        ----- stdout -----
        ----- stderr -----
        Error: conflict: unable to delete 2c06f9f79a85 (must be forced) - image is referenced in multiple repositories
        ");
    assert_outcome!(filters, context.hoist(&["rmi", "ubuntu"]), @r"
        success: true
        exit_code: 0
        ----- stdout -----
        Untagged: ubuntu:latest
        ----- stderr -----
        ");
    assert_outcome!(filters, context.hoist(&["rm", "-f", short]), @"
    success: true
    exit_code: 0
    ----- stdout -----
    Untagged: localhost:5000/my-fancy-app:1.0.0
    Untagged: user/app:2
    Deleted: sha256:2c06f9f79a85eb0f645fef5ef402e55ad7248a405880eab50e5fe6241275a8af
    Deleted: sha256:ae9192c81938bd3da95e795f914d6dd71300b17f4ab22ca0c65ec00c3ea6fe5b
    ----- stderr -----
    ");
    assert_eq!(context.hoist(&["images", "-q"]).success().stdout, "");
    assert_eq!(assert_consistent(&context.root()), 0);
    let blobs = std::fs::read_dir(context.root().join("blobs/sha256")).expect("blobs").count();
    assert_eq!(blobs, 0, "every blob is collected once no name holds it");
}

#[test]
fn images_json_has_docker_fields() {
    let context = TestContext::new();
    load_fixture(&context, &["example.com/team/tool:v1"], &[("bin/tool", b"#!/bin/sh\n")]);
    let json = context.hoist(&["images", "--format", "json"]);
    assert_outcome!(Filters::new(&context), json, @r#"
    success: true
    exit_code: 0
    ----- stdout -----
    {"Containers":"N/A","CreatedAt":"2024-01-02 03:04:05 +0000 UTC","CreatedSince":"[AGE]","Digest":"\u003cnone\u003e","ID":"cabd59d38217","Repository":"example.com/team/tool","SharedSize":"N/A","Size":"384B","SizeBytes":384,"Tag":"v1","UniqueSize":"N/A","VirtualSize":"384B"}
    ----- stderr -----
    "#);
    let row: serde_json::Value = serde_json::from_str(json.stdout.trim()).expect("one JSON object");
    assert_eq!(row["Size"], format!("{}B", row["SizeBytes"]));
}

#[test]
fn inspect_shows_config_and_names() {
    let context = TestContext::new();
    load_fixture(&context, &["inspect/me:1"], &[("a", b"a")]);
    context.hoist(&["tag", "inspect/me:1", "inspect/me:2"]).success();
    assert_outcome!(Filters::new(&context), context.hoist(&["inspect", "inspect/me:2"]));
    assert_outcome!(Filters::new(&context), context.hoist(&["inspect", "nothing/here"]), @"
    success: false
    exit_code: 1
    ----- stdout -----
    []
    ----- stderr -----
    Error: No such image: nothing/here
    ");
    // An imported image is the host's platform.
    let id = context.import("imported/me:1", &[("a", b"a")]);
    let imported: serde_json::Value =
        serde_json::from_str(&context.hoist(&["inspect", "imported/me:1"]).success().stdout).expect("JSON");
    assert_eq!(imported[0]["Id"], id);
    assert_eq!(imported[0]["Os"], "linux");
    assert_eq!(imported[0]["Architecture"], host_architecture());
}

#[test]
fn bad_input_is_a_clear_error_and_changes_nothing() {
    let context = TestContext::new();
    context.import("keep/me:1", &[("a", b"a")]);
    let before = context.store_snapshot();
    let not_tar = context.write("garbage.tar", b"this is not a tar archive at all, not even close...");
    let cases: &[&[&str]] = &[
        &["tag", "keep/me:1", "Upper/Case"],
        &["tag", "keep/me:1", "bad//name"],
        &["tag", "keep/me:1", "a:b:c"],
        &["tag", "keep/me:1", "x@sha256:1234"],
        &["tag", "missing:1", "new:1"],
        &["rm", "nothing"],
        &["rm", "-f", "nothing"],
        &["inspect", "ffff"],
        &["import", "/no/such/file", "x:1"],
        &["import", not_tar.to_str().unwrap(), "x:1"],
        &["load", "-i", "/no/such/file"],
        &["images", "--format", "{{.Repository"],
        &["tag", "only-one"],
    ];
    // One transcript: every command and all it said.
    let transcript: String =
        cases.iter().map(|args| format!("$ hoist {}\n{}\n", args.join(" "), context.hoist(args).snapshot())).collect();
    Filters::new(&context).settings().bind(|| insta::assert_snapshot!(transcript));
    assert_eq!(context.store_snapshot(), before);
}

#[test]
fn ambiguous_prefix_is_refused() {
    let context = TestContext::new();
    // Import until two image IDs share their first four hex digits.
    let mut seen = std::collections::HashMap::new();
    for n in 0..2000 {
        let id = context.import(&format!("many/image:{n}"), &[("n", n.to_string().as_bytes())]);
        if let Some(other) = seen.insert(id[7..11].to_string(), id.clone()) {
            let prefix = &id[7..11];
            let outcome = context.hoist(&["rm", prefix]).failure(1);
            assert!(
                outcome.stderr.contains(&format!("multiple IDs found with provided prefix: {prefix}")),
                "{}",
                outcome.stderr
            );
            assert_ne!(other, id);
            return;
        }
    }
    panic!("no shared prefix found");
}

#[test]
fn damaged_index_is_reported() {
    let context = TestContext::new();
    context.import("a/b:1", &[("a", b"a")]);
    std::fs::write(context.root().join("index.json"), b"{\"manifests\": [tru").expect("damage");
    assert_outcome!(Filters::new(&context), context.hoist(&["images"]), @r"
        success: false
        exit_code: 1
        ----- stdout -----
        ----- stderr -----
        Error: [TEMP]/root/index.json is damaged: EOF while parsing a value at line 1 column 18
        ");
}

#[test]
fn import_from_stdin() {
    let context = TestContext::new();
    let tar = crate::support::fixtures::rootfs_tar(&[("x", b"y")]);
    let id = context.hoist_with_stdin(&["import", "-", "from/stdin"], &tar).success().stdout;
    let listed = context.hoist(&["images", "-q", "--no-trunc", "from/stdin:latest"]).success().stdout;
    assert_eq!(listed, id);
    let empty = context.hoist_with_stdin(&["import", "-", "from/stdin"], b"").failure(1);
    assert!(empty.stderr.contains("stdin is empty"), "{}", empty.stderr);
}
