//! Every registry, not one (SPEC §3, issue 11): per registry emulation ([`Mode`]), the flows a
//! user runs through the built binary (login, push of an image with a 42 MiB layer and three
//! small ones, pull back into a fresh store with equal digests, tags, delete) and what that
//! registry makes special; skopeo through the same emulation as a check that it is fair (where
//! skopeo succeeds against the real registry behind, it succeeds through the emulation, unless
//! a limitation of skopeo's own, named with its source, is what stops it); credentials that
//! must not follow an upload `Location`; and a second real registry, `container-registry`.

use std::path::PathBuf;
use std::sync::OnceLock;

use crate::support::emulation::{
    Behaviour, ECR_MINIMUM_PART, Emulated, Exchange, GHCR_CHUNK_LIMIT, GHCR_RETRY_MESSAGE, Mode, Throttle, WARNING_TEXT,
};
use crate::support::fixtures::{Layer, OciImage, noise, rootfs_tar};
use crate::support::registry::Registry;
use crate::support::{Outcome, TestContext, assert_consistent, peers, run};

mod emulations;
mod leaks;
mod second_registry;

/// The size of the big layer: above GHCR's 4 MiB, ACR's ~20 MB and hoist's 32 MiB chunks.
const BIG_LAYER: usize = 42 << 20;
/// The repository hoist pushes to in every flow.
const REPOSITORY: &str = "hoist/app";

/// The image every flow pushes, made once per test run: deterministic bytes, so its digests
/// are the same on every run.
fn image() -> &'static OciImage {
    static IMAGE: OnceLock<OciImage> = OnceLock::new();
    IMAGE.get_or_init(|| {
        let mut layers = vec![Layer::of_tar(&rootfs_tar(&[("data/big.bin", &noise(42, BIG_LAYER))]))];
        for n in 1..=3 {
            let file = format!("etc/layer-{n}");
            layers.push(Layer::of_tar(&rootfs_tar(&[(file.as_str(), format!("small layer {n}\n").as_bytes())])));
        }
        OciImage::new(layers)
    })
}

/// A small image (one tiny layer), for checks that need no big upload.
fn small_image() -> &'static OciImage {
    static IMAGE: OnceLock<OciImage> = OnceLock::new();
    IMAGE.get_or_init(|| OciImage::new(vec![Layer::of_tar(&rootfs_tar(&[("etc/small", b"small\n")]))]))
}

/// Writes `image` as an OCI archive named `name` into the context's folder.
fn write_archive(context: &TestContext, image: &OciImage, name: &str) -> PathBuf {
    context.write(&format!("{}.oci.tar", name.replace(['/', ':'], "_")), &image.archive(name))
}

/// A hoist world that trusts the emulation's CA (TLS fronts) and has logged in to it.
fn logged_in(emulated: &Emulated) -> TestContext {
    let context = TestContext::new();
    log_in(&context, emulated);
    context
}

/// Makes `context` trust the emulation's CA (TLS fronts) and log in to it.
#[track_caller]
fn log_in(context: &TestContext, emulated: &Emulated) {
    if let Some(ca_pem) = emulated.ca_pem() {
        context.trust_ca(emulated.addr(), ca_pem);
    }
    let login = login(context, emulated.addr(), emulated.credentials());
    assert_eq!((login.code, login.stdout.as_str()), (0, "Login Succeeded\n"), "login: {}", login.stderr);
}

fn login(context: &TestContext, server: &str, (user, password): (&str, &str)) -> Outcome {
    context.hoist_with_stdin(&["login", "-u", user, "--password-stdin", server], format!("{password}\n").as_bytes())
}

/// Loads `image` as `reference` and pushes it.
fn push(context: &TestContext, image: &OciImage, reference: &str) -> Outcome {
    context.load_oci(image, reference).success();
    context.hoist(&["push", reference])
}

/// Checks gathered over a flow, asserted together, so that one run shows every failure.
struct Checks {
    name: String,
    failures: Vec<String>,
}

impl Checks {
    fn new(name: impl Into<String>) -> Checks {
        Checks { name: name.into(), failures: Vec::new() }
    }

    fn check(&mut self, step: &str, ok: bool, evidence: impl FnOnce() -> String) -> bool {
        if !ok {
            self.failures.push(format!("{step}: {}", evidence()));
        }
        ok
    }

    /// Checks that `outcome` succeeded; returns whether it did.
    fn succeeded(&mut self, step: &str, outcome: &Outcome) -> bool {
        self.check(step, outcome.code == 0, || {
            format!("exit {}\nstdout: {}\nstderr: {}", outcome.code, outcome.stdout, outcome.stderr)
        })
    }

    /// Takes another set's failures, named after it.
    fn absorb(&mut self, other: Checks) {
        self.failures.extend(other.failures.into_iter().map(|failure| format!("{}: {failure}", other.name)));
    }

    #[track_caller]
    fn assert(self) {
        assert!(self.failures.is_empty(), "{}:\n- {}", self.name, self.failures.join("\n- "));
    }
}

/// Requests hoist sent with a body whose size it knew: blob `PATCH`/`PUT` and manifest `PUT`.
fn bodies_without_length(exchanges: &[Exchange]) -> Vec<String> {
    exchanges
        .iter()
        .filter(|exchange| matches!(exchange.method.as_str(), "PATCH" | "PUT") && exchange.sent > 0)
        .filter(|exchange| exchange.header("content-length").is_none())
        .map(|exchange| format!("{} {}", exchange.method, exchange.path))
        .collect()
}

/// Whether the store holds the image: its manifest named, every blob present.
fn store_holds(context: &TestContext, image: &OciImage) -> Result<(), String> {
    assert_consistent(&context.root());
    let index = std::fs::read_to_string(context.root().join("index.json")).unwrap_or_default();
    if !index.contains(&image.digest()) {
        return Err(format!("the store's index does not name {}: {index}", image.digest()));
    }
    let blobs = context.root().join("blobs/sha256");
    let digests = image.layers.iter().map(Layer::digest).chain([crate::support::fixtures::sha256(&image.config)]);
    match digests.filter(|digest| !blobs.join(digest.trim_start_matches("sha256:")).exists()).collect::<Vec<_>>() {
        missing if missing.is_empty() => Ok(()),
        missing => Err(format!("missing blobs {missing:?}")),
    }
}

/// The flows a user runs against `emulated`, as checks: login, push (tags 1, 2, 3), pull back
/// into a fresh store, tags (two per page, to follow `Link`s), delete.
fn user_flows(emulated: &Emulated, checks: &mut Checks) {
    let pusher = logged_in(emulated);
    let reference = format!("{}/{REPOSITORY}:1", emulated.addr());
    let pushed = push(&pusher, image(), &reference);
    if checks.succeeded("push", &pushed) {
        checks.check(
            "push prints the digest",
            pushed.stdout.contains(&format!("1: digest: {}", image().digest())),
            || pushed.stdout.clone(),
        );
    }
    for tag in ["2", "3"] {
        pusher.hoist(&["tag", &reference, &format!("{}/{REPOSITORY}:{tag}", emulated.addr())]).success();
    }
    let all = pusher.hoist(&["push", "-a", &format!("{}/{REPOSITORY}", emulated.addr())]);
    checks.succeeded("push -a", &all);
    let missing_lengths = bodies_without_length(&emulated.exchanges());
    checks.check("every body of known size carries Content-Length", missing_lengths.is_empty(), || {
        format!("{missing_lengths:?}")
    });

    let puller = logged_in(emulated);
    let pulled = puller.hoist(&["pull", &reference]);
    if checks.succeeded("pull", &pulled) {
        let held = store_holds(&puller, image());
        checks.check("pull keeps every digest", held.is_ok(), || held.unwrap_err());
    }

    let listing = run(pusher
        .command()
        .env("HOIST_TEST_PAGE_SIZE", "2")
        .args(["tags", &format!("{}/{REPOSITORY}", emulated.addr())]));
    if checks.succeeded("tags", &listing) {
        let mut tags: Vec<&str> = listing.stdout.lines().collect();
        tags.sort_unstable();
        checks.check("tags lists the tags and nothing else", tags == ["1", "2", "3"], || listing.stdout.clone());
    }

    let deleted = pusher.hoist(&["delete", &reference]);
    if checks.succeeded("delete", &deleted) {
        let again = logged_in(emulated).hoist(&["pull", &reference]);
        checks.check("a deleted image cannot be pulled", again.code != 0, || again.stdout.clone());
    }
}

// ---------------------------------------------------------------------------------------------
// skopeo through the emulations

/// What skopeo does in a fairness check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Step {
    /// `skopeo copy oci-archive:... docker://...`: a push.
    Copy,
    /// `skopeo copy docker://... oci:...`: a pull.
    CopyBack,
    ListTags,
    Delete,
}

/// A step skopeo is known not to make through an emulation, for a reason of skopeo's own.
struct Limitation {
    step: Step,
    /// What skopeo's error says.
    says: String,
    /// Why, with the source.
    why: &'static str,
}

/// How skopeo reaches a registry: TLS and credentials flags, prefixed `--src-`, `--dest-` or
/// bare as the command wants.
struct Target {
    addr: String,
    cert_dir: Option<PathBuf>,
    credentials: String,
}

impl Target {
    fn flags(&self, prefix: &str) -> Vec<String> {
        let mut flags = vec![format!("--{prefix}creds"), self.credentials.clone()];
        match &self.cert_dir {
            Some(dir) => flags.extend([format!("--{prefix}cert-dir"), dir.display().to_string()]),
            None => flags.push(format!("--{prefix}tls-verify=false")),
        }
        flags
    }
}

/// Runs the skopeo steps against `repository` of `target` in a world of its own (so that
/// skopeo's blob cache knows no other repository to mount from); returns each step's outcome.
fn skopeo_steps(target: &Target, repository: &str, archive_image: &OciImage) -> Vec<(Step, Outcome)> {
    let context = TestContext::new();
    let repository = format!("{}/{repository}", target.addr);
    let archive = write_archive(&context, archive_image, "skopeo");
    let skopeo = |args: Vec<String>| run(peers::skopeo(&context).args(args));
    let mut copy = vec!["copy".to_string()];
    copy.extend(target.flags("dest-"));
    copy.extend([format!("oci-archive:{}", archive.display()), format!("docker://{repository}:1")]);
    let mut back = vec!["copy".to_string()];
    back.extend(target.flags("src-"));
    back.extend([format!("docker://{repository}:1"), format!("oci:{}:back", context.path("back").display())]);
    let mut tags = vec!["list-tags".to_string()];
    tags.extend(target.flags(""));
    tags.push(format!("docker://{repository}"));
    let mut delete = vec!["delete".to_string()];
    delete.extend(target.flags(""));
    delete.push(format!("docker://{repository}:1"));
    vec![
        (Step::Copy, skopeo(copy)),
        (Step::CopyBack, skopeo(back)),
        (Step::ListTags, skopeo(tags)),
        (Step::Delete, skopeo(delete)),
    ]
}

/// skopeo against the real registry behind `emulated`, then through the emulation: each step
/// that succeeds on the real registry succeeds through the emulation, unless `limitations`
/// name it (then it fails, saying what they say). Steps after a failed copy are not compared.
fn skopeo_is_fair(emulated: &Emulated, limitations: &[Limitation], checks: &mut Checks) {
    let registry = &emulated.registry;
    let credentials = format!("{}:{}", registry.username(), registry.password());
    let direct = Target {
        addr: registry.addr(),
        cert_dir: registry.is_tls().then(|| registry.cert_dir().to_path_buf()),
        credentials: credentials.clone(),
    };
    let emulation = Target {
        addr: emulated.addr().to_string(),
        cert_dir: emulated.ca_pem().map(|ca_pem| ca_pem.parent().unwrap().to_path_buf()),
        credentials,
    };
    // Two repositories: blobs are per repository, so the second copy uploads every one again.
    let baseline = skopeo_steps(&direct, "skopeo/direct", image());
    let through = skopeo_steps(&emulation, "skopeo/emulated", image());
    let mut copied = true;
    for ((step, real), (_, emulated_outcome)) in baseline.iter().zip(&through) {
        let label = format!("skopeo {step:?}");
        if let Some(limitation) = limitations.iter().find(|limitation| limitation.step == *step) {
            eprintln!("{label}: a known limitation of skopeo: {}", limitation.why);
            checks.check(
                &label,
                emulated_outcome.code != 0 && emulated_outcome.stderr.contains(&limitation.says),
                || {
                    format!(
                        "expected a failure saying {:?} ({}): {emulated_outcome:?}",
                        limitation.says, limitation.why
                    )
                },
            );
            copied &= *step != Step::Copy;
            continue;
        }
        if !copied {
            eprintln!("{label}: not compared, the copy did not happen");
            continue;
        }
        checks.check(&label, real.code != 0 || emulated_outcome.code == 0, || {
            format!("succeeds on the real registry, fails through the emulation: {}", emulated_outcome.stderr)
        });
    }
}

/// The flows and the skopeo comparison for `mode`, with nothing more.
fn flows_and_skopeo(mode: Mode, limitations: &[Limitation]) -> (Emulated, Checks) {
    let emulated = Emulated::start(mode);
    let mut checks = Checks::new(format!("{mode:?}"));
    user_flows(&emulated, &mut checks);
    skopeo_is_fair(&emulated, limitations, &mut checks);
    (emulated, checks)
}

// ---------------------------------------------------------------------------------------------
// One test per registry

/// The control: distribution as it is, behind a front with no behaviour of its own.
#[test]
fn distribution() {
    let mut all = Checks::new("Distribution");
    for basic_tls in [false, true] {
        all.absorb(flows_and_skopeo(Mode::Distribution { basic_tls }, &[]).1);
    }
    all.assert();
}

#[test]
fn ghcr() {
    let (emulated, mut checks) = flows_and_skopeo(Mode::Ghcr, &[]);
    let oversized: Vec<String> = emulated
        .exchanges()
        .iter()
        .filter(|exchange| exchange.method == "PATCH" && exchange.header("content-range").is_some())
        .filter(|exchange| exchange.sent > GHCR_CHUNK_LIMIT && exchange.header("user-agent").is_some_and(is_hoist))
        .map(|exchange| format!("{} {} bytes", exchange.path, exchange.sent))
        .collect();
    checks.check("no ranged PATCH from hoist above 4 MiB", oversized.is_empty(), || format!("{oversized:?}"));
    checks.assert();
}

fn is_hoist(user_agent: &str) -> bool {
    user_agent.to_ascii_lowercase().contains("hoist")
}

#[test]
fn ghcr_rate_limits() {
    let registry = Registry::start(Mode::Ghcr.setup());
    let throttle = |requests, kind| vec![Behaviour::Throttle { requests, kind }];
    let mut checks = Checks::new("GHCR rate limits");

    // A few 429s, the wait only in the body: retried, the push goes through.
    let brief = Emulated::over(registry, Mode::Ghcr, throttle(3, Throttle::TooManyRequests));
    let context = logged_in(&brief);
    let reference = format!("{}/limits/app:1", brief.addr());
    checks.succeeded("push through a few 429s", &push(&context, small_image(), &reference));
    let registry = brief.registry;

    // 429s that do not stop: the message carries GHCR's wait.
    let lasting = Emulated::over(registry, Mode::Ghcr, throttle(usize::MAX, Throttle::TooManyRequests));
    let context = logged_in(&lasting);
    let refused = context.hoist(&["pull", &format!("{}/limits/app:1", lasting.addr())]);
    checks.check(
        "a lasting 429 fails, saying when to retry",
        refused.code != 0 && refused.stderr.contains(GHCR_RETRY_MESSAGE),
        || format!("{refused:?}"),
    );
    let registry = lasting.registry;

    // GHCR's 403 secondary rate limit: named as a rate limit, not as a login problem.
    let secondary = Emulated::over(registry, Mode::Ghcr, throttle(usize::MAX, Throttle::SecondaryRateLimit));
    let context = logged_in(&secondary);
    let denied = context.hoist(&["pull", &format!("{}/limits/app:1", secondary.addr())]);
    let stderr = denied.stderr.to_ascii_lowercase();
    checks.check(
        "a 403 rate limit says rate limit, without a login hint",
        denied.code != 0
            && stderr.contains("rate limit")
            && !stderr.contains("hoist login")
            && !stderr.contains("unauthorized"),
        || format!("{denied:?}"),
    );
    checks.assert();
}

#[test]
fn gar() {
    let (emulated, mut checks) = flows_and_skopeo(Mode::Gar, &[]);
    // A mount is answered with a session (202): the blobs go up as an ordinary upload.
    let context = logged_in(&emulated);
    let first = format!("{}/gar/first:1", emulated.addr());
    checks.succeeded("push a small image", &push(&context, small_image(), &first));
    let second = format!("{}/gar/second:1", emulated.addr());
    context.hoist(&["tag", &first, &second]).success();
    checks.succeeded("push where the mount is not fulfilled", &context.hoist(&["push", &second]));
    let mounts = emulated.exchanges().iter().filter(|exchange| exchange.path.contains("mount=")).count();
    checks.check("a mount was asked for", mounts > 0, || "none was".into());
    checks.succeeded("pull what was mounted", &logged_in(&emulated).hoist(&["pull", &second]));
    checks.assert();
}

#[test]
fn acr() {
    let (emulated, checks) = flows_and_skopeo(Mode::Acr, &[]);
    let refused: Vec<String> = emulated
        .exchanges()
        .iter()
        .filter(|exchange| exchange.emulated && exchange.status == 413)
        .map(|exchange| format!("{} {}", exchange.method, exchange.path))
        .collect();
    eprintln!("ACR: requests refused with 413 (hoist then went on another way): {refused:?}");
    checks.assert();
}

#[test]
fn ecr() {
    let (emulated, mut checks) = flows_and_skopeo(Mode::Ecr, &[]);
    let small_parts: Vec<String> = emulated
        .exchanges()
        .iter()
        .filter(|exchange| exchange.emulated && exchange.method == "PATCH" && exchange.status == 400)
        .map(|exchange| exchange.path.clone())
        .collect();
    checks.check(&format!("no part below {ECR_MINIMUM_PART} bytes but the last"), small_parts.is_empty(), || {
        format!("{small_parts:?}")
    });
    checks.assert();
}

#[test]
fn docker_hub() {
    let (emulated, mut checks) = flows_and_skopeo(Mode::DockerHub { pulls: 100 }, &[]);
    // A pull of what the store already holds spends no counted manifest GET.
    let context = logged_in(&emulated);
    let reference = format!("{}/hub/app:1", emulated.addr());
    checks.succeeded("push", &push(&context, small_image(), &reference));
    checks.succeeded("first pull", &context.hoist(&["pull", &reference]));
    let before = emulated.exchanges().len();
    let again = context.hoist(&["--debug", "pull", &reference]);
    checks.succeeded("up-to-date pull", &again);
    let (gets, heads) = (emulated.manifest_requests("GET", before), emulated.manifest_requests("HEAD", before));
    checks.check("an up-to-date pull makes 0 manifest GETs", gets == 0, || format!("{gets} GETs, {heads} HEADs"));
    checks.check(
        "--debug shows the RateLimit headers",
        again.stderr.to_ascii_lowercase().contains("ratelimit-remaining"),
        || again.stderr.clone(),
    );
    checks.assert();
}

#[test]
fn docker_hub_quota_spent() {
    let emulated = Emulated::start(Mode::DockerHub { pulls: 1 });
    let mut checks = Checks::new("Docker Hub quota");
    let context = logged_in(&emulated);
    let reference = format!("{}/hub/app:1", emulated.addr());
    checks.succeeded("push", &push(&context, small_image(), &reference));
    checks.succeeded("the one pull the quota allows", &logged_in(&emulated).hoist(&["pull", &reference]));
    let refused = logged_in(&emulated).hoist(&["pull", &reference]);
    let stderr = refused.stderr.to_ascii_lowercase();
    let when = ["3600", "1 h", "1h", "60 min"].iter().any(|form| stderr.contains(form));
    let remains = ["remaining: 0", "ratelimit-remaining: 0", "0 of 1", "0/1", "0 remaining", "remaining 0"]
        .iter()
        .any(|form| stderr.contains(form));
    checks.check(
        "a spent quota fails, saying when to retry and what remains",
        refused.code != 0 && when && remains,
        || format!("{refused:?}"),
    );
    checks.assert();
}

#[test]
fn quay() {
    let (_, checks) = flows_and_skopeo(Mode::Quay, &[]);
    checks.assert();
}

#[test]
fn gitlab() {
    let limitations = [Limitation {
        step: Step::Delete,
        says: "401".into(),
        why: "skopeo deletes with the scope `*` alone (containers/image docker_image_src.go), which GitLab \
              grants only to administrators (containers/skopeo#856)",
    }];
    let (_, checks) = flows_and_skopeo(Mode::GitLab, &limitations);
    checks.assert();
}

#[test]
fn harbor() {
    let (emulated, mut checks) = flows_and_skopeo(Mode::Harbor, &[]);
    // The blobs are in another project, which Harbor will not mount from: they go up again.
    let context = logged_in(&emulated);
    let first = format!("{}/project-a/app:1", emulated.addr());
    checks.succeeded("push to one project", &push(&context, small_image(), &first));
    let second = format!("{}/project-b/app:1", emulated.addr());
    context.hoist(&["tag", &first, &second]).success();
    checks.succeeded("push to another, the mount refused", &context.hoist(&["push", &second]));
    let refused = emulated.exchanges().iter().any(|exchange| exchange.emulated && exchange.status == 401);
    checks.check("Harbor refused a mount", refused, || "no mount was tried".into());
    checks.succeeded("pull from the other project", &logged_in(&emulated).hoist(&["pull", &second]));
    checks.assert();
}

#[test]
fn artifactory() {
    let (emulated, mut checks) = flows_and_skopeo(Mode::Artifactory, &[]);
    // HEAD of a missing manifest is 403 there: still "not found", not a login problem.
    let missing = logged_in(&emulated).hoist(&["pull", &format!("{}/{REPOSITORY}:missing", emulated.addr())]);
    let stderr = missing.stderr.to_ascii_lowercase();
    checks.check(
        "a missing image is reported as missing",
        missing.code != 0
            && (stderr.contains("not found") || stderr.contains("manifest unknown"))
            && !stderr.contains("hoist login"),
        || format!("{missing:?}"),
    );
    checks.assert();
}

#[test]
fn nexus() {
    let limitations = [Limitation {
        step: Step::Copy,
        says: "unauthorized".into(),
        why: "containers/image sends credentials only where /v2/ challenged (docker_client.go \
              setupRequestAuth); Nexus's /v2/ with anonymous access on does not",
    }];
    let (_, checks) = flows_and_skopeo(Mode::Nexus, &limitations);
    checks.assert();
}

#[test]
fn gcr() {
    let (_, checks) = flows_and_skopeo(Mode::Gcr, &[]);
    checks.assert();
}

#[test]
fn many_registries() {
    let mut all = Checks::new("Many");
    for status in [200, 202, 204] {
        let limitations = [Limitation {
            step: Step::Copy,
            says: status.to_string(),
            why: "containers/image takes only 201 for the blob PUT (docker_image_dest.go PutBlobWithOptions)",
        }];
        let (emulated, mut checks) = flows_and_skopeo(Mode::Many { blob_put_status: status }, &limitations);
        let context = logged_in(&emulated);
        let pushed = push(&context, small_image(), &format!("{}/warned/app:1", emulated.addr()));
        let warning = format!("WARNING: {WARNING_TEXT}");
        checks.check("a Warning 299 is shown once", pushed.stderr.matches(&warning).count() == 1, || {
            pushed.stderr.clone()
        });
        all.absorb(checks);
    }
    all.assert();
}
