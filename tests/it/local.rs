//! Local commands through the built binary: import, tag, images, rm, inspect.

use crate::support::{TestContext, assert_consistent};

#[test]
fn import_tag_images_rm() {
    let context = TestContext::new();
    let id = context.import("localhost:5000/my-fancy-app:1.0.0", &[("etc/hello", b"hello\n")]);
    assert!(id.starts_with("sha256:") && id.len() == 71, "{id}");
    context.hoist(&["tag", "localhost:5000/my-fancy-app:1.0.0", "ubuntu"]).success();
    context.hoist(&["tag", &id[7..15], "user/app:2"]).success();

    let listed = context.hoist(&["images"]).success().stdout;
    let lines: Vec<&str> = listed.lines().collect();
    assert_eq!(lines.len(), 4, "{listed}");
    assert!(lines[0].starts_with("REPOSITORY                    TAG       IMAGE ID       CREATED"), "{listed}");
    let short = &id[7..19];
    for (repository, tag) in [("localhost:5000/my-fancy-app", "1.0.0"), ("ubuntu", "latest"), ("user/app", "2")] {
        let line = lines.iter().find(|line| line.starts_with(&format!("{repository} "))).expect(repository);
        let columns: Vec<&str> = line.split("   ").map(str::trim).filter(|c| !c.is_empty()).collect();
        assert_eq!(columns[1], tag, "{line}");
        assert_eq!(columns[2], short, "{line}");
        assert!(columns[3].ends_with("ago"), "{line}");
        assert!(columns[4].ends_with('B'), "{line}");
    }

    let quiet = context.hoist(&["images", "-q", "ubuntu"]).success().stdout;
    assert_eq!(quiet, format!("{short}\n"));
    let full = context.hoist(&["images", "-q", "--no-trunc", "user/app:2"]).success().stdout;
    assert_eq!(full, format!("{id}\n"));
    assert_eq!(context.hoist(&["images", "-q", "user/app:3"]).success().stdout, "");

    // An ID that several names hold needs -f.
    let conflict = context.hoist(&["rm", short]).failure(1);
    assert!(
        conflict.stderr.contains(&format!("conflict: unable to delete {short} (must be forced)")),
        "{}",
        conflict.stderr
    );
    let untagged = context.hoist(&["rmi", "ubuntu"]).success().stdout;
    assert_eq!(untagged, "Untagged: ubuntu:latest\n");
    let removed = context.hoist(&["rm", "-f", short]).success().stdout;
    assert!(removed.contains("Untagged: localhost:5000/my-fancy-app:1.0.0\n"), "{removed}");
    assert!(removed.contains("Untagged: user/app:2\n"), "{removed}");
    assert!(removed.ends_with(&format!("Deleted: {id}\n")), "{removed}");
    assert_eq!(context.hoist(&["images", "-q"]).success().stdout, "");
    assert_eq!(assert_consistent(&context.root()), 0);
    let blobs = std::fs::read_dir(context.root().join("blobs/sha256")).expect("blobs").count();
    assert_eq!(blobs, 0, "every blob is collected once no name holds it");
}

#[test]
fn images_json_has_docker_fields() {
    let context = TestContext::new();
    let id = context.import("example.com/team/tool:v1", &[("bin/tool", b"#!/bin/sh\n")]);
    let json = context.hoist(&["images", "--format", "json"]).success().stdout;
    let row: serde_json::Value = serde_json::from_str(json.trim()).expect("one JSON object");
    assert_eq!(row["Repository"], "example.com/team/tool");
    assert_eq!(row["Tag"], "v1");
    assert_eq!(row["ID"], &id[7..19]);
    assert_eq!(row["Digest"], "<none>", "docker fills DIGEST only when it is shown");
    assert!(row["CreatedSince"].as_str().expect("since").ends_with(" ago"));
    assert!(row["CreatedAt"].as_str().expect("at").ends_with("+0000 UTC"));
    let bytes = row["SizeBytes"].as_u64().expect("SizeBytes");
    assert!(bytes > 0);
    assert!(bytes < 1000, "a one-file image is small");
    assert_eq!(row["Size"], format!("{bytes}B"));
}

#[test]
fn inspect_shows_config_and_names() {
    let context = TestContext::new();
    let id = context.import("inspect/me:1", &[("a", b"a")]);
    context.hoist(&["tag", "inspect/me:1", "inspect/me:2"]).success();
    let text = context.hoist(&["inspect", "inspect/me:2"]).success().stdout;
    let value: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let image = &value[0];
    assert_eq!(image["Id"], id);
    assert_eq!(image["RepoTags"], serde_json::json!(["inspect/me:1", "inspect/me:2"]));
    assert_eq!(image["Os"], "linux");
    assert_eq!(image["Architecture"], hoist::harness::Platform::host().architecture);
    assert_eq!(image["RootFS"]["Layers"].as_array().expect("layers").len(), 1);
    let missing = context.hoist(&["inspect", "nothing/here"]).failure(1);
    assert!(missing.stderr.contains("No such image: nothing/here"), "{}", missing.stderr);
}

#[test]
fn bad_input_is_a_clear_error_and_changes_nothing() {
    let context = TestContext::new();
    context.import("keep/me:1", &[("a", b"a")]);
    let before = context.store_snapshot();
    let cases: &[(&[&str], &str)] = &[
        (&["tag", "keep/me:1", "Upper/Case"], "invalid reference format"),
        (&["tag", "keep/me:1", "bad//name"], "invalid reference format"),
        (&["tag", "keep/me:1", "a:b:c"], "invalid reference format"),
        (&["tag", "keep/me:1", "x@sha256:1234"], "invalid reference format"),
        (&["tag", "missing:1", "new:1"], "No such image: missing:1"),
        (&["rm", "nothing"], "No such image: nothing"),
        (&["inspect", "ffff"], "No such image: ffff"),
        (&["import", "/no/such/file", "x:1"], "cannot open /no/such/file"),
        (&["load", "-i", "/no/such/file"], "cannot open /no/such/file"),
    ];
    for (args, message) in cases {
        let outcome = context.hoist(args).failure(1);
        assert!(outcome.stderr.contains(message), "{args:?}: {}", outcome.stderr);
        assert!(!outcome.stderr.contains("panicked"), "{}", outcome.stderr);
    }
    assert_eq!(context.hoist(&["rm", "-f", "nothing"]).success().stdout, "");
    assert_eq!(context.hoist(&["images", "--format", "{{.Repository"]).code, 2, "usage errors exit 2");
    assert_eq!(context.hoist(&["tag", "only-one"]).code, 2);
    let not_tar = context.write("garbage.tar", b"this is not a tar archive at all, not even close...");
    let outcome = context.hoist(&["import", not_tar.to_str().unwrap(), "x:1"]).failure(1);
    assert!(outcome.stderr.contains("tar"), "{}", outcome.stderr);
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
    let outcome = context.hoist(&["images"]).failure(1);
    assert!(outcome.stderr.contains("index.json is damaged"), "{}", outcome.stderr);
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
