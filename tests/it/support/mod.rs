//! Test support: an isolated environment per test, the built binary, fixtures and checks;
//! whole-output snapshots ([`snapshot`]); the servers tests run (registries, proxies, a token
//! server, [`http`]'s pieces); and what a test does when the machine lacks something
//! ([`require`], [`require_docker`], [`skip_unless_ci`]). Test files import from here, never
//! from each other.

pub mod container_registry;
pub mod emulation;
pub mod engine_images;
pub mod fault_proxy;
pub mod fixtures;
pub mod hostile;
pub mod http;
pub mod hub_search;
pub mod keyring;
pub mod peers;
pub mod referrers;
pub mod registry;
pub mod snapshot;
pub mod stalled;
pub mod store;
pub mod terminal;
pub mod tmpfs;
pub mod token;

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use base64::Engine as _;
use sha2::{Digest as _, Sha256};
use tempfile::TempDir;

/// One test's world: its own store, config folder and HOME, so that nothing leaks in or out.
pub struct TestContext {
    pub temp: TempDir,
}

/// What a finished command did.
#[derive(Debug)]
pub struct Outcome {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Outcome {
    #[track_caller]
    pub fn success(self) -> Outcome {
        assert_eq!(self.code, 0, "command failed:\nstdout: {}\nstderr: {}", self.stdout, self.stderr);
        self
    }

    #[track_caller]
    pub fn failure(self, code: i32) -> Outcome {
        assert_eq!(self.code, code, "unexpected exit code:\nstdout: {}\nstderr: {}", self.stdout, self.stderr);
        self
    }
}

impl TestContext {
    pub fn new() -> TestContext {
        let temp = tempfile::Builder::new().prefix("hoist-test").tempdir().expect("temp dir");
        for dir in ["root", "config", "home"] {
            fs::create_dir_all(temp.path().join(dir)).expect("test folders");
        }
        TestContext { temp }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.temp.path().join(name)
    }

    pub fn root(&self) -> PathBuf {
        self.path("root")
    }

    /// The hoist binary with this context's environment and nothing of the caller's.
    pub fn command(&self) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_hoist"));
        command
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.path("home"))
            .env("HOIST_ROOT", self.root())
            .env("HOIST_CONFIG", self.path("config"))
            .env("DOCKER_CONFIG", self.path("home/.docker"))
            .env("REGISTRY_AUTH_FILE", self.path("home/auth.json"))
            .env("TZ", "UTC")
            .env("HOIST_TEST_RETRY_MS", "10")
            .stdin(Stdio::null());
        command
    }

    pub fn hoist(&self, args: &[&str]) -> Outcome {
        run(self.command().args(args))
    }

    /// Runs hoist under `umask` (octal text, e.g. "027"), through `sh -c 'umask …; exec …'`.
    pub fn hoist_with_umask(&self, umask: &str, args: &[&str]) -> Outcome {
        let hoist = self.command();
        let mut command = Command::new("sh");
        command.env_clear().stdin(Stdio::null());
        for (name, value) in hoist.get_envs() {
            if let Some(value) = value {
                command.env(name, value);
            }
        }
        command.arg("-c").arg("umask \"$0\" && exec \"$@\"").arg(umask).arg(hoist.get_program()).args(args);
        run(&mut command)
    }

    /// Runs hoist with `input` on standard input.
    pub fn hoist_with_stdin(&self, args: &[&str], input: &[u8]) -> Outcome {
        run_with_stdin(self.command().args(args), input)
    }

    /// Writes `bytes` to a file in the test's folder and returns its path.
    pub fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.path(name);
        fs::write(&path, bytes).expect("write fixture");
        path
    }

    /// Imports a tarball made of `files` as `reference`; returns the image ID hoist printed.
    pub fn import(&self, reference: &str, files: &[(&str, &[u8])]) -> String {
        let tar = fixtures::rootfs_tar(files);
        let path = self.write(&format!("{}.tar", reference.replace(['/', ':'], "_")), &tar);
        self.hoist(&["import", path.to_str().expect("utf-8"), reference]).success().stdout.trim().to_string()
    }

    /// Loads `image` (an OCI archive of it) under the name `name`; the image's digests are
    /// the fixture's, the same on every run.
    pub fn load_oci(&self, image: &fixtures::OciImage, name: &str) -> Outcome {
        let path = self.write(&format!("{}.oci.tar", name.replace(['/', ':'], "_")), &image.archive(name));
        self.hoist(&["load", "-i", path.to_str().expect("utf-8")])
    }

    /// Trusts a TLS registry's CA the way Docker does: `<config>/certs.d/HOST:PORT/ca.crt`.
    pub fn trust(&self, registry: &registry::Registry) {
        self.trust_ca(&registry.addr(), registry.ca_pem());
    }

    /// Trusts `ca_pem` for the registry at `addr` (`HOST:PORT`), in `<config>/certs.d/`.
    pub fn trust_ca(&self, addr: &str, ca_pem: &Path) {
        let certs = self.path(&format!("config/certs.d/{addr}"));
        fs::create_dir_all(&certs).expect("certs.d");
        fs::copy(ca_pem, certs.join("ca.crt")).expect("ca.crt");
    }

    /// A snapshot of the store's files, to show a failed command changed nothing.
    pub fn store_snapshot(&self) -> Vec<(String, Vec<u8>)> {
        let mut files = Vec::new();
        for dir in ["blobs/sha256", ""] {
            let Ok(entries) = fs::read_dir(self.root().join(dir)) else { continue };
            for entry in entries.flatten() {
                if entry.path().is_file() && !entry.file_name().to_string_lossy().ends_with(".lock") {
                    files.push((
                        format!("{dir}/{}", entry.file_name().to_string_lossy()),
                        fs::read(entry.path()).expect("read"),
                    ));
                }
            }
        }
        files.sort();
        files
    }
}

/// Runs `command` with `input` on its standard input.
pub fn run_with_stdin(command: &mut Command, input: &[u8]) -> Outcome {
    use std::io::Write;
    let mut child = command.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn");
    let mut stdin = child.stdin.take().expect("stdin");
    let input = input.to_vec();
    // From a thread: a command that stops reading early must not block the test.
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let output = child.wait_with_output().expect("wait");
    writer.join().expect("stdin writer");
    outcome(output)
}

pub fn run(command: &mut Command) -> Outcome {
    outcome(command.output().expect("run command"))
}

fn outcome(output: std::process::Output) -> Outcome {
    Outcome {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Checks the store's invariants: every blob matches its name, every name reaches only blobs
/// that exist. Returns the number of names.
#[track_caller]
pub fn assert_consistent(root: &Path) -> usize {
    let blobs = root.join("blobs/sha256");
    let mut present = HashSet::new();
    for entry in fs::read_dir(&blobs).expect("blobs folder").flatten() {
        let bytes = fs::read(entry.path()).expect("read blob");
        let name = entry.file_name().to_string_lossy().into_owned();
        assert_eq!(hex(&Sha256::digest(&bytes)), name, "blob {name} does not match its digest");
        present.insert(name);
    }
    let index: serde_json::Value =
        serde_json::from_slice(&fs::read(root.join("index.json")).expect("index.json")).expect("index.json parses");
    let manifests = index["manifests"].as_array().expect("manifests").clone();
    for entry in &manifests {
        check_reachable(&blobs, &present, entry);
    }
    manifests.len()
}

fn check_reachable(blobs: &Path, present: &HashSet<String>, descriptor: &serde_json::Value) {
    let digest = descriptor["digest"].as_str().expect("digest");
    let hex = digest.trim_start_matches("sha256:");
    assert!(present.contains(hex), "{digest} is named but missing");
    let document: serde_json::Value =
        serde_json::from_slice(&fs::read(blobs.join(hex)).expect("read")).expect("manifest");
    if let Some(manifests) = document.get("manifests").and_then(|m| m.as_array()) {
        // An index may list platforms the store does not hold; those present must be whole.
        for child in manifests {
            if present.contains(child["digest"].as_str().unwrap_or_default().trim_start_matches("sha256:")) {
                check_reachable(blobs, present, child);
            }
        }
        return;
    }
    // An image's layers, or the blobs of an artifact manifest of the OCI 1.1 drafts.
    let layers = document["layers"].as_array().or(document["blobs"].as_array()).expect("a manifest has layers");
    for blob in layers.iter().chain(std::iter::once(&document["config"])) {
        let digest = blob["digest"].as_str().expect("digest");
        assert!(present.contains(digest.trim_start_matches("sha256:")), "{digest} is referenced but missing");
    }
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether an external tool is installed; tests that need one panic with an install hint.
#[track_caller]
pub fn require(tool: &str) {
    let found =
        Command::new("sh").arg("-c").arg(format!("command -v {tool}")).output().is_ok_and(|o| o.status.success());
    assert!(found, "{tool} not found: install it with 'apt-get install {tool}' (or run scripts/test)");
}

/// `{"auths": {SERVER: {"auth": base64(USER:PASSWORD)}}}`, what `docker login` writes into
/// Docker's `config.json` and `podman login` into its `auth.json`.
pub fn auths(server: &str, username: &str, password: &str) -> serde_json::Value {
    let auth = base64::engine::general_purpose::STANDARD.encode(format!("{username}:{password}"));
    serde_json::json!({"auths": {server: {"auth": auth}}})
}

/// Writes Docker's `config.json` with an `auths` entry for `server`, as `docker login` does.
pub fn docker_login(context: &TestContext, server: &str, username: &str, password: &str) {
    fs::create_dir_all(context.path("home/.docker")).expect("~/.docker");
    let config = serde_json::to_vec(&auths(server, username, password)).expect("config.json");
    fs::write(context.path("home/.docker/config.json"), config).expect("write config.json");
}

/// Whether this run is CI's (`CI` set, as `.ci/run` runs): there a test that cannot run
/// fails instead of skipping.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|value| !matches!(value.as_str(), "" | "0" | "false"))
}

/// What a test does when the machine lacks something it needs that a developer may well lack
/// (a Docker Engine, namespaces): on a developer's machine it says `skipped: WHY` and returns
/// false (the test then returns); in CI it fails with `why` and `fix`.
#[track_caller]
pub fn skip_unless_ci(why: &str, fix: &str) -> bool {
    assert!(!in_ci(), "{why}, and CI runs every test: {fix}");
    eprintln!("skipped: {why}");
    false
}

/// Whether a Docker Engine answers `docker info`. Without one: `skipped: no Docker Engine` on a
/// developer's machine, a failure in CI (see [`skip_unless_ci`]).
#[track_caller]
pub fn require_docker() -> bool {
    let answers = Command::new("docker")
        .arg("info")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    answers
        || skip_unless_ci(
            "no Docker Engine (`docker info` failed)",
            "start the Docker Engine (`dockerd`, from Debian's docker.io) before the tests",
        )
}

/// `command` run where host names resolve from `/etc/hosts` alone: in a mount namespace of
/// its own whose `/etc/nsswitch.conf` says `hosts: files`, so that a name such as
/// `registry-1.docker.io` is never asked of a DNS server and nothing leaves the machine
/// (loopback addresses still reach the test's registries). `None` (with [`skip_unless_ci`])
/// where `unshare` cannot make the namespace.
#[track_caller]
pub fn without_dns(context: &TestContext, command: &Command) -> Option<Command> {
    let nsswitch = context.write("nsswitch.conf", b"hosts: files\n");
    let script = "mount --bind \"$0\" /etc/nsswitch.conf && exec \"$@\"";
    // As root (CI) a mount namespace is enough; otherwise one of a user namespace, if allowed.
    let flags = [&["--mount"][..], &["--mount", "--map-root-user"]].into_iter().find(|flags| {
        let mut probe = Command::new("unshare");
        probe.args(*flags).args(["sh", "-c", script]).arg(&nsswitch).arg("true");
        probe_succeeds(&mut probe)
    });
    let Some(flags) = flags else {
        skip_unless_ci("unshare cannot make a mount namespace here", "run the tests as root, as CI does");
        return None;
    };
    let mut wrapped = Command::new("unshare");
    wrapped.env_clear().stdin(Stdio::null());
    for (name, value) in command.get_envs() {
        if let Some(value) = value {
            wrapped.env(name, value);
        }
    }
    wrapped.args(flags).args(["sh", "-c", script]).arg(&nsswitch).arg(command.get_program()).args(command.get_args());
    Some(wrapped)
}

fn probe_succeeds(command: &mut Command) -> bool {
    command.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null());
    command.status().is_ok_and(|status| status.success())
}

/// This machine's architecture as image platforms name it (`amd64`, `arm64`), the platform
/// hoist picks from an index by default.
pub fn host_architecture() -> &'static str {
    match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "386",
        "arm" => "arm",
        "powerpc64" => "ppc64le",
        "loongarch64" => "loong64",
        other => other,
    }
}
