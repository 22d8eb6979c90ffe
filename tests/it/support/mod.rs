//! Test support: an isolated environment per test, the built binary, fixtures and checks.

pub mod container_registry;
pub mod emulation;
pub mod fault_proxy;
pub mod fixtures;
pub mod hostile;
pub mod keyring;
pub mod peers;
pub mod registry;
pub mod tmpfs;
pub mod token;

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

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

    /// Trusts a TLS registry's CA the way Docker does: `<config>/certs.d/HOST:PORT/ca.crt`.
    pub fn trust(&self, registry: &registry::Registry) {
        let certs = self.path(&format!("config/certs.d/{}", registry.addr()));
        fs::create_dir_all(&certs).expect("certs.d");
        fs::copy(registry.ca_pem(), certs.join("ca.crt")).expect("ca.crt");
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
