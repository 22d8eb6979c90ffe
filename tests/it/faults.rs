//! Registries that misbehave, through a fault-injecting proxy in front of a real one: altered
//! bytes, broken connections, 503/429, redirects to another host, garbage and huge manifests.

use crate::assert_outcome;
use crate::support::fault_proxy::{FaultProxy, Faults};
use crate::support::peers::{self, push_with_skopeo, remote_manifest};
use crate::support::registry::{Registry, Setup};
use crate::support::snapshot::Filters;
use crate::support::store::blob_path;
use crate::support::{TestContext, assert_consistent, docker_login, fixtures};

const AMD64: (&str, &str, Option<&str>) = ("linux", "amd64", None);

/// A registry holding `faulty/app:1`, and a store that has never seen it; also the image's
/// digest and its layer's.
fn registry_with_image(context: &TestContext) -> (Registry, String, String) {
    let registry = Registry::start(Setup::Plain);
    let reference = format!("{}/faulty/app:1", registry.addr());
    let digest = push_with_skopeo(context, &reference, &[AMD64], &[]);
    let manifest: serde_json::Value = serde_json::from_str(&remote_manifest(context, &reference)).unwrap();
    let layer = manifest["layers"][0]["digest"].as_str().unwrap().to_string();
    (registry, digest, layer)
}

fn ingest_is_empty(context: &TestContext) -> bool {
    std::fs::read_dir(context.root().join("ingest")).map_or(true, |mut entries| entries.next().is_none())
}

#[test]
fn altered_bytes_fail_the_pull_and_leave_no_trace() {
    let context = TestContext::new();
    let (registry, _, layer) = registry_with_image(&context);
    // The layer only: of two blobs that fail at once, either could be the one reported.
    let proxy = FaultProxy::start(&registry.addr(), Faults::none().flip_byte_in_blob().on(&layer));
    let filters = Filters::new(&context).literal(proxy.addr(), "[PROXY]");
    assert_outcome!(filters, context.hoist(&["pull", &format!("{}/faulty/app:1", proxy.addr())]), @r"
        success: false
        exit_code: 1
        ----- stdout -----
        1: Pulling from faulty/app
        ----- stderr -----
        Error: cannot pull [PROXY]/faulty/app:1
          caused by: blob sha256:6e4a7e114eded3179bb27e5b7a064236584a3bd5b7c4ae8642e37f337f70a152 from [PROXY] arrived with digest sha256:d81c9826e74ca4ef57fed66e3f212c28b85853d31ebdab0bc6bf123c5219075e, not the expected sha256:6e4a7e114eded3179bb27e5b7a064236584a3bd5b7c4ae8642e37f337f70a152
        ");
    // No name, and nothing of the altered layer; the config, verified, may stay for collection.
    assert_eq!(assert_consistent(&context.root()), 0);
    assert!(!blob_path(&context.root(), &layer).exists(), "the altered layer was stored");
    assert!(ingest_is_empty(&context), "no partial file is kept for bytes that cannot be the blob");
}

#[test]
fn a_broken_download_resumes_with_range() {
    let context = TestContext::new();
    let registry = Registry::start(Setup::Plain);
    // A big layer, so that the cut falls inside it.
    let big = fixtures::noise(3, 3 << 20);
    let layer = push_layout(&context, &big, &[(&format!("{}/faulty/big:1", registry.addr()), &[])]);
    let cut = 1 << 20;
    let proxy = FaultProxy::start(&registry.addr(), Faults::none().cut_blob_after(cut, 1).on(&layer));
    context.hoist(&["pull", &format!("{}/faulty/big:1", proxy.addr())]).success();
    assert_consistent(&context.root());
    let requests = proxy.requests();
    let resumed = requests.iter().find(|request| request.header("range").is_some()).expect("a Range request");
    assert_eq!(resumed.header("range"), Some(format!("bytes={cut}-").as_str()));
    assert_eq!(resumed.status, 206);
    let layer_bytes: u64 = requests
        .iter()
        .filter(|r| r.path.contains("/blobs/") && r.path.contains(resumed.path.rsplit('/').next().unwrap()))
        .map(|r| r.body_bytes)
        .sum();
    let layer_size =
        std::fs::metadata(context.root().join("blobs/sha256").join(resumed.path.rsplit("sha256:").next().unwrap()))
            .unwrap()
            .len();
    assert_eq!(layer_bytes, layer_size, "only the rest was transferred again");
}

/// The digest of the largest blob of an OCI layout: its biggest layer.
fn largest_blob(layout: &std::path::Path) -> String {
    let blobs = std::fs::read_dir(layout.join("blobs/sha256")).unwrap().flatten();
    let largest = blobs.max_by_key(|entry| entry.metadata().unwrap().len()).unwrap();
    format!("sha256:{}", largest.file_name().to_string_lossy())
}

/// Pushes one image whose layer holds `content` to each destination (with its skopeo flags);
/// returns the digest of its layer.
fn push_layout(context: &TestContext, content: &[u8], destinations: &[(&str, &[&str])]) -> String {
    largest_blob(peers::push_layout(context, content, &[AMD64], destinations).path())
}

#[test]
fn busy_registries_are_retried() {
    for (status, times) in [(503, 2), (429, 1)] {
        let context = TestContext::new();
        let (registry, digest, _) = registry_with_image(&context);
        let proxy = FaultProxy::start(&registry.addr(), Faults::none().fail_first(times, status).on("/blobs/"));
        let outcome = context.hoist(&["pull", &format!("{}/faulty/app:1", proxy.addr())]).success().stdout;
        assert!(outcome.contains(&format!("Digest: {digest}")), "{status}: {outcome}");
        assert_eq!(proxy.requests().iter().filter(|r| r.status == status).count(), times, "{status}");
    }
}

#[test]
fn redirects_to_another_host_carry_no_credentials() {
    let context = TestContext::new();
    let private = Registry::start(Setup::Token);
    let storage = Registry::start(Setup::Plain);
    let reference = format!("{}/private/app:1", private.addr());
    let creds = format!("{}:{}", private.username(), private.password());
    let mirrored = format!("{}/private/app:1", storage.addr());
    push_layout(&context, b"same everywhere", &[(&reference, &["--dest-creds", &creds]), (&mirrored, &[])]);
    // Blob storage on another host (127.0.0.2), like a CDN.
    let cdn = FaultProxy::start_on("127.0.0.2", &storage.addr(), Faults::none());
    let front = FaultProxy::start(&private.addr(), Faults::none().redirect_blobs_to(cdn.addr()));
    docker_login(&context, front.addr(), private.username(), private.password());
    context.hoist(&["pull", &format!("{}/private/app:1", front.addr())]).success();
    let front_blobs: Vec<_> = front.requests().into_iter().filter(|r| r.path.contains("/blobs/")).collect();
    assert!(front_blobs.iter().any(|r| r.header("authorization").is_some()), "the registry itself got credentials");
    let cdn_requests = cdn.requests();
    assert!(!cdn_requests.is_empty());
    assert!(cdn_requests.iter().all(|r| r.header("authorization").is_none()), "{cdn_requests:?}");
}

#[test]
fn garbage_and_huge_manifests_are_refused() {
    let context = TestContext::new();
    let (registry, _, layer) = registry_with_image(&context);
    let garbage = FaultProxy::start(&registry.addr(), Faults::none().garbage_manifest());
    let huge = FaultProxy::start(&registry.addr(), Faults::none().huge_manifest(64 << 20));
    let metadata = FaultProxy::start(&registry.addr(), Faults::none().redirect_blobs_to("169.254.169.254").on(&layer));
    let filters = Filters::new(&context)
        .literal(garbage.addr(), "[GARBAGE]")
        .literal(huge.addr(), "[HUGE]")
        .literal(metadata.addr(), "[METADATA]");
    assert_outcome!(filters, context.hoist(&["pull", &format!("{}/faulty/app:1", garbage.addr())]), @r"
        success: false
        exit_code: 1
        ----- stdout -----
        ----- stderr -----
        Error: cannot pull [GARBAGE]/faulty/app:1
          caused by: [GARBAGE] sent a manifest that is not valid: key must be a string at line 1 column 34
        ");
    assert_outcome!(filters, context.hoist(&["pull", &format!("{}/faulty/app:1", huge.addr())]), @r"
        success: false
        exit_code: 1
        ----- stdout -----
        ----- stderr -----
        Error: cannot pull [HUGE]/faulty/app:1
          caused by: the manifest from [HUGE] is larger than the 4194304-byte limit
        ");
    assert_outcome!(filters, context.hoist(&["pull", &format!("{}/faulty/app:1", metadata.addr())]), @r"
        success: false
        exit_code: 1
        ----- stdout -----
        1: Pulling from faulty/app
        ----- stderr -----
        Error: cannot pull [METADATA]/faulty/app:1
          caused by: cannot reach [METADATA]
          caused by: error following redirect for url (http://[METADATA]/v2/faulty/app/blobs/sha256:6e4a7e114eded3179bb27e5b7a064236584a3bd5b7c4ae8642e37f337f70a152)
          caused by: 169.254.169.254 is a private or link-local address
        ");
}

#[test]
fn a_refused_body_goes_up_in_chunks_that_resume_where_the_registry_stopped() {
    let context = TestContext::new();
    let registry = Registry::start(Setup::Plain);
    // The whole-blob PATCH is refused as too large; of the chunks that follow, the second
    // does not get through the first time.
    let patch = |faults: Faults| faults.on("/blobs/uploads/").method(Some("PATCH"));
    let faults = patch(patch(patch(Faults::none().fail_first(1, 413)).pass(1)).fail_first(1, 503));
    let proxy = FaultProxy::start(&registry.addr(), faults);
    let reference = format!("{}/upload/big:1", proxy.addr());
    context.import(&reference, &[("data", &fixtures::noise(11, 80 << 20))]);
    let outcome = context.hoist(&["push", &reference]);
    assert_eq!(outcome.code, 0, "{outcome:?}");
    let patches: Vec<_> = proxy.requests().into_iter().filter(|r| r.method == "PATCH").collect();
    assert_eq!(patches[0].header("content-range"), None, "the first PATCH carries the whole blob: {patches:?}");
    assert_eq!(patches[0].status, 413);
    let size: u64 = patches[0].header("content-length").unwrap().parse().unwrap();
    let half = size.div_ceil(2);
    let accepted: Vec<&str> =
        patches.iter().filter(|r| r.status == 202).filter_map(|r| r.header("content-range")).collect();
    assert_eq!(
        accepted,
        [format!("0-{}", half - 1), format!("{half}-{}", size - 1)],
        "half-size chunks, and after the refused one the upload went on from the first's end"
    );
    assert_eq!(patches.iter().filter(|r| r.status == 503).count(), 1);
    let store = TestContext::new();
    store.hoist(&["pull", &format!("{}/upload/big:1", registry.addr())]).success();
}

#[test]
fn a_broken_upload_starts_again_in_a_new_session() {
    let context = TestContext::new();
    let registry = Registry::start(Setup::Plain);
    // The layer's one PATCH breaks after 24 MiB of its body: distribution forgets the session.
    let proxy = FaultProxy::start(
        &registry.addr(),
        Faults::none().cut_request_after(24 << 20, 1).on("/blobs/uploads/").method(Some("PATCH")),
    );
    let reference = format!("{}/upload/cut:1", proxy.addr());
    context.import(&reference, &[("data", &fixtures::noise(13, 80 << 20))]);
    let outcome = context.hoist(&["push", &reference]);
    assert_eq!(outcome.code, 0, "{outcome:?}");
    // One session for the config, two for the layer.
    assert_eq!(proxy.requests().iter().filter(|r| r.method == "POST").count(), 3, "a second session for the layer");
    let store = TestContext::new();
    store.hoist(&["pull", &format!("{}/upload/cut:1", registry.addr())]).success();
}

#[test]
fn a_lost_answer_to_an_upload_starts_a_new_session() {
    let context = TestContext::new();
    let registry = Registry::start(Setup::Plain);
    // The whole layer lands, but the answer to its PATCH is lost: distribution then refuses
    // the old session.
    let proxy = FaultProxy::start(
        &registry.addr(),
        Faults::none().drop_response(1).on("/blobs/uploads/").method(Some("PATCH")),
    );
    let reference = format!("{}/upload/lost:1", proxy.addr());
    context.import(&reference, &[("data", &fixtures::noise(12, 80 << 20))]);
    let outcome = context.hoist(&["push", &reference]);
    assert_eq!(outcome.code, 0, "{outcome:?}");
    assert_eq!(proxy.requests().iter().filter(|r| r.method == "POST").count(), 3, "a second session for the layer");
    let store = TestContext::new();
    store.hoist(&["pull", &format!("{}/upload/lost:1", registry.addr())]).success();
}

#[test]
fn the_next_run_resumes_what_an_earlier_run_left() {
    let context = TestContext::new();
    let registry = Registry::start(Setup::Plain);
    let layer =
        push_layout(&context, &fixtures::noise(5, 3 << 20), &[(&format!("{}/faulty/next:1", registry.addr()), &[])]);
    // Every attempt of the first run breaks after 256 KiB: it gives up with 5 × 256 KiB on disk.
    let piece = 256 << 10;
    let proxy = FaultProxy::start(&registry.addr(), Faults::none().cut_blob_after(piece, 5).on(&layer));
    let reference = format!("{}/faulty/next:1", proxy.addr());
    context.hoist(&["pull", &reference]).failure(1);
    assert!(!ingest_is_empty(&context), "the partial download is kept");
    context.hoist(&["pull", &reference]).success();
    let last = proxy.requests().into_iter().rfind(|r| r.path.ends_with(&layer)).unwrap();
    assert_eq!(last.header("range"), Some(format!("bytes={}-", 5 * piece).as_str()));
    assert_consistent(&context.root());
}
