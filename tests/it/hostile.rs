//! Registries and archives that lie: traversal digests, sizes that do not hold, indexes that
//! point back at themselves, metadata-address realms, stalls, and archives that claim more
//! than they hold. Each is a clear error, nothing is written outside the store, and the store
//! stays consistent.

use std::time::{Duration, Instant};

use crate::assert_outcome;
use crate::support::hostile::{Answer, HostileRegistry};
use crate::support::snapshot::Filters;
use crate::support::{Outcome, TestContext, assert_consistent, fixtures};

const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
const BLOB: &str = "application/octet-stream";

fn manifest(config: (&str, usize), layers: &[(&str, usize)]) -> Vec<u8> {
    let layers: Vec<_> = layers
        .iter()
        .map(|(digest, size)| serde_json::json!({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": digest, "size": size}))
        .collect();
    serde_json::to_vec(&serde_json::json!({
        "schemaVersion": 2, "mediaType": OCI_MANIFEST,
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config.0, "size": config.1},
        "layers": layers,
    }))
    .unwrap()
}

/// Scripts `REPOSITORY:1` as an image of one layer whose manifest claims `claimed` bytes for
/// `layer`, with its config; returns the layer's blob path, whose answer is the test's to script.
fn one_layer_image(registry: &HostileRegistry, repository: &str, layer: &[u8], claimed: usize) -> String {
    let config = br#"{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}"#;
    let config_digest = fixtures::sha256(config);
    let layer_digest = fixtures::sha256(layer);
    let manifest = manifest((&config_digest, config.len()), &[(&layer_digest, claimed)]);
    registry.answer(&format!("/v2/{repository}/manifests/1"), Answer::body(OCI_MANIFEST, &manifest));
    registry.answer(&format!("/v2/{repository}/blobs/{config_digest}"), Answer::body(BLOB, config));
    format!("/v2/{repository}/blobs/{layer_digest}")
}

/// Pulls `reference`, which must fail without naming anything and leave the store consistent
/// (blobs that were verified before the failure may stay, for garbage collection to take);
/// returns what the pull said, for the test to pin.
fn pull_fails(context: &TestContext, reference: &str) -> Outcome {
    let outcome = context.hoist(&["pull", reference]).failure(1);
    assert_eq!(assert_consistent(&context.root()), 0, "no name was added");
    outcome
}

#[test]
fn a_traversal_digest_never_becomes_a_path() {
    let registry = HostileRegistry::start();
    let context = TestContext::new();
    let evil = "sha256:../../../../../../tmp/hoist-traversal-victim";
    registry.answer("/v2/evil/app/manifests/1", Answer::body(OCI_MANIFEST, &manifest((evil, 10), &[(evil, 10)])));
    registry.answer(
        "/v2/evil/app/blobs/sha256:../../../../../../tmp/hoist-traversal-victim",
        Answer::body(BLOB, b"0123456789"),
    );
    let failed = pull_fails(&context, &format!("{}/evil/app:1", registry.addr()));
    assert_outcome!(Filters::new(&context), failed, @r"
        success: false
        exit_code: 1
        ----- stdout -----
        ----- stderr -----
        Error: cannot pull [ADDR]/evil/app:1
          caused by: [ADDR] sent a manifest that is not valid: Invalid encoded value ../../../../../../tmp/hoist-traversal-victim at line 1 column 73
        ");
    assert!(!std::path::Path::new("/tmp/hoist-traversal-victim").exists());
}

#[test]
fn a_blob_larger_than_its_descriptor_is_refused() {
    let registry = HostileRegistry::start();
    let context = TestContext::new();
    let layer = fixtures::noise(1, 100_000);
    let layer_path = one_layer_image(&registry, "liar/app", &layer, 10);
    registry.answer(&layer_path, Answer::body(BLOB, &layer));
    let failed = pull_fails(&context, &format!("{}/liar/app:1", registry.addr()));
    assert_outcome!(Filters::new(&context), failed, @r"
        success: false
        exit_code: 1
        ----- stdout -----
        1: Pulling from liar/app
        ----- stderr -----
        Error: cannot pull [ADDR]/liar/app:1
          caused by: blob sha256:b8979e57501dbb4cc5fb2207846bf8ad5096db2b4daecad47ef82076aa9e0c60 from [ADDR] is 11 bytes, not the 10 its descriptor says
        ");
}

#[test]
fn an_index_that_points_back_at_itself_ends() {
    let registry = HostileRegistry::start();
    let context = TestContext::new();
    // Every manifest the registry serves is this index, whatever digest was asked for.
    let child = fixtures::sha256(b"some manifest");
    let index = serde_json::to_vec(&serde_json::json!({
        "schemaVersion": 2, "mediaType": OCI_INDEX,
        "manifests": [{"mediaType": OCI_INDEX, "digest": child, "size": 100, "platform": {"os": "linux", "architecture": "amd64"}}],
    }))
    .unwrap();
    registry.answer("/v2/loop/app/manifests/1", Answer::body(OCI_INDEX, &index));
    registry.answer(&format!("/v2/loop/app/manifests/{child}"), Answer::body(OCI_INDEX, &index));
    let failed = pull_fails(&context, &format!("{}/loop/app:1", registry.addr()));
    assert_outcome!(Filters::new(&context), failed, @r"
        success: false
        exit_code: 1
        ----- stdout -----
        ----- stderr -----
        Error: cannot pull [ADDR]/loop/app:1
          caused by: the manifest from [ADDR] arrived with digest sha256:49853f3dd086d97dcb83f2504d7ce63987d57439bb5c5924c534fab0b077ba73, not the expected sha256:eac6191057f7a23ac0bc709ce3ecff0626af2eeb206e41a4fb9f71a1eff89692
        ");
}

#[test]
fn a_realm_at_the_metadata_address_is_refused() {
    let registry = HostileRegistry::start();
    let context = TestContext::new();
    let challenge = r#"Bearer realm="http://169.254.169.254/latest/meta-data/token",service="evil""#;
    registry.answer("/v2/", Answer::status(401, &[("WWW-Authenticate", challenge)]));
    registry.answer("/v2/meta/app/manifests/1", Answer::status(401, &[("WWW-Authenticate", challenge)]));
    let failed = pull_fails(&context, &format!("{}/meta/app:1", registry.addr()));
    assert_outcome!(Filters::new(&context), failed, @r"
        success: false
        exit_code: 1
        ----- stdout -----
        ----- stderr -----
        Error: cannot pull [ADDR]/meta/app:1
          caused by: refusing to follow http://169.254.169.254/latest/meta-data/token from [ADDR]: 169.254.169.254 is a private or link-local address
        ");
}

#[test]
fn ipv6_private_and_v4_mapped_realms_are_refused_too() {
    let registry = HostileRegistry::start();
    let context = TestContext::new();
    for (realm, refused) in [
        ("http://[fd12::1]/token", "fd12::1"),
        ("http://[fe80::1]/token", "fe80::1"),
        ("http://[::ffff:169.254.169.254]/token", "::ffff:169.254.169.254"),
    ] {
        let challenge = format!(r#"Bearer realm="{realm}",service="evil""#);
        registry.answer("/v2/", Answer::status(401, &[("WWW-Authenticate", &challenge)]));
        registry.answer("/v2/meta/app/manifests/1", Answer::status(401, &[("WWW-Authenticate", &challenge)]));
        let failed = pull_fails(&context, &format!("{}/meta/app:1", registry.addr()));
        let expected = format!("{refused} is a private or link-local address");
        assert!(failed.stderr.contains(&expected), "{realm}: {}", failed.stderr);
    }
}

#[test]
fn credentials_and_secrets_in_urls_never_reach_a_message() {
    let registry = HostileRegistry::start();
    let context = TestContext::new();
    // A realm with userinfo and a signature in its query, on a port nothing listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let realm = format!("http://admin:hunter2@127.0.0.1:{closed}/token?X-Amz-Signature=s3cr3t&service=x");
    let challenge = format!(r#"Bearer realm="{realm}",service="evil""#);
    registry.answer("/v2/", Answer::status(401, &[("WWW-Authenticate", &challenge)]));
    registry.answer("/v2/leaky/app/manifests/1", Answer::status(401, &[("WWW-Authenticate", &challenge)]));
    let failed = pull_fails(&context, &format!("{}/leaky/app:1", registry.addr()));
    let debug = context.hoist(&["--debug", "pull", &format!("{}/leaky/app:1", registry.addr())]);
    for text in [&failed.stderr, &debug.stderr] {
        assert!(!text.contains("hunter2") && !text.contains("admin:") && !text.contains("s3cr3t"), "{text}");
    }
    assert!(debug.stderr.contains("X-Amz-Signature=REDACTED"), "{}", debug.stderr);
}

#[test]
fn a_registry_that_stalls_mid_blob_is_an_error_not_a_hang() {
    let registry = HostileRegistry::start();
    let context = TestContext::new();
    let layer = fixtures::noise(2, 200_000);
    let layer_path = one_layer_image(&registry, "slow/app", &layer, layer.len());
    let mut stalling = Answer::body(BLOB, &layer);
    stalling.stall = Some((1000, Duration::from_secs(3600)));
    registry.answer(&layer_path, stalling);
    let started = Instant::now();
    let outcome = crate::support::run(
        context
            .command()
            .env("HOIST_TEST_READ_TIMEOUT_MS", "300")
            .env("HOIST_TEST_NOTICE_MS", "100")
            .args(["pull", &format!("{}/slow/app:1", registry.addr())]),
    );
    assert_eq!(outcome.code, 1, "{outcome:?}");
    // Not silent while it waits: the layer says it waits for data, then that it retries.
    assert!(outcome.stdout.contains(": Waiting for the registry: no data for 100 ms"), "{}", outcome.stdout);
    assert!(outcome.stdout.contains(": Retrying in 1 second"), "{}", outcome.stdout);
    assert!(outcome.stderr.contains(&format!("the connection to {} failed", registry.addr())), "{}", outcome.stderr);
    assert!(started.elapsed() < Duration::from_secs(30), "it gave up in {:?}", started.elapsed());
    assert_consistent(&context.root());
}

#[test]
fn an_archive_that_claims_more_than_it_holds_is_refused() {
    let context = TestContext::new();
    context.hoist(&["images"]).success();
    let before = context.store_snapshot();
    // A header that claims a 10 GB layer, followed by a few bytes.
    let mut header = tar::Header::new_gnu();
    header.set_path("big/layer.tar").unwrap();
    header.set_size(10_000_000_000);
    header.set_mode(0o644);
    header.set_entry_type(tar::EntryType::Regular);
    header.set_cksum();
    let mut archive = header.as_bytes().to_vec();
    archive.extend_from_slice(&[0u8; 4096]);
    let path = context.write("sparse.tar", &archive);
    let outcome = context.hoist(&["load", "-i", path.to_str().unwrap()]).failure(1);
    assert!(outcome.stderr.contains("truncated") || outcome.stderr.contains("not a valid tar"), "{}", outcome.stderr);
    assert_eq!(context.store_snapshot(), before);
}

/// What a terminal would obey in `text`: any control character but the line ends hoist
/// writes itself, and C1 controls such as U+009B (CSI).
fn raw_controls(text: &str) -> Vec<char> {
    text.chars().filter(|c| c.is_control() && *c != '\n').collect()
}

#[test]
fn control_characters_from_a_registry_never_reach_the_terminal() {
    let registry = HostileRegistry::start();
    let context = TestContext::new();
    let title = "\u{1b}]0;pwned\u{7}";
    let clear = "\u{1b}[2J";
    let tags = serde_json::json!({"name": "evil/app", "tags": ["1.0", title, format!("{clear}2.0"), "forged\nLogin Succeeded"]});
    registry.answer("/v2/evil/app/tags/list", Answer::body("application/json", &serde_json::to_vec(&tags).unwrap()));
    let catalog = serde_json::json!({"repositories": [format!("evil/{clear}app"), "c1/\u{9b}2Japp"]});
    registry.answer("/v2/_catalog", Answer::body("application/json", &serde_json::to_vec(&catalog).unwrap()));
    let error = serde_json::json!({"errors": [{"code": "MANIFEST_UNKNOWN", "message": format!("{title}{clear}gone")}]});
    let mut missing = Answer::body("application/json", &serde_json::to_vec(&error).unwrap());
    missing.status = 404;
    registry.answer("/v2/evil/app/manifests/1", missing);

    let filters = Filters::new(&context);
    // What is not a tag by docker's grammar (control characters included) is not listed at all.
    let listed = context.hoist(&["tags", &format!("{}/evil/app", registry.addr())]);
    assert_eq!(raw_controls(&listed.snapshot()), Vec::<char>::new(), "{listed:?}");
    assert_outcome!(filters, listed, @r"
        success: true
        exit_code: 0
        ----- stdout -----
        1.0
        ----- stderr -----
        ");
    let repositories = context.hoist(&["catalog", registry.addr()]);
    assert_eq!(raw_controls(&repositories.snapshot()), Vec::<char>::new(), "{repositories:?}");
    assert_outcome!(filters, repositories, @r"
        success: true
        exit_code: 0
        ----- stdout -----
        evil/\x1b[2Japp
        c1/\u{9b}2Japp
        ----- stderr -----
        ");
    let failed = context.hoist(&["pull", &format!("{}/evil/app:1", registry.addr())]);
    assert_eq!(raw_controls(&failed.snapshot()), Vec::<char>::new(), "{failed:?}");
    assert_outcome!(filters, failed, @r"
        success: false
        exit_code: 1
        ----- stdout -----
        ----- stderr -----
        Error: cannot pull [ADDR]/evil/app:1
          caused by: manifest for evil/app:1 not found: manifest_unknown: \x1b]0;pwned\x07\x1b[2Jgone
        ");
}

#[test]
fn control_characters_from_an_archive_never_reach_the_terminal() {
    let context = TestContext::new();
    // Upper case: the reference error quotes the name as it is.
    let mut image = fixtures::ArchiveImage::new(&["Evil\u{1b}]0;pwned\u{7}:1"], &[&[("a", b"a")]]);
    let named = context.write("named.tar", &fixtures::docker_archive(std::slice::from_ref(&image)));
    let refused = context.hoist(&["load", "-i", named.to_str().unwrap()]).failure(1);
    assert_eq!(raw_controls(&refused.stderr), Vec::<char>::new(), "{:?}", refused.stderr);
    assert!(refused.stderr.contains("\\x1b]0;pwned\\x07"), "{}", refused.stderr);

    // A config full of terminal commands: inspect prints it as JSON that is still the config.
    let mut config: serde_json::Value = serde_json::from_slice(&image.config).unwrap();
    let commands = ["\u{1b}[2J", "\u{9b}2J", "\u{202e}txt.exe", "\u{7f}"];
    config["config"]["Cmd"] = serde_json::json!(commands);
    image.config = serde_json::to_vec(&config).unwrap();
    image.repo_tags = vec!["quiet/app:1".into()];
    let archive = context.write("config.tar", &fixtures::docker_archive(&[image]));
    let loaded = context.hoist(&["load", "-i", archive.to_str().unwrap()]).success();
    assert_eq!(loaded.stdout, "Loaded image: quiet/app:1\n");
    let inspected = context.hoist(&["inspect", "quiet/app:1"]).success().stdout;
    assert_eq!(raw_controls(&inspected), Vec::<char>::new(), "{inspected:?}");
    let value: serde_json::Value = serde_json::from_str(&inspected).unwrap();
    assert_eq!(value[0]["Config"]["Cmd"], serde_json::json!(commands), "the same JSON value");
}
