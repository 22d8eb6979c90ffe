//! A second real registry beside distribution: the `container-registry` crate's binary
//! (version 0.3.1, `cargo install container-registry --version 0.3.1 --features bin --locked`;
//! `scripts/test` installs it when missing), on a free 127.0.0.1 port with its own storage,
//! killed when the [`ContainerRegistry`] drops.
//!
//! What it does, from its source (`src/lib.rs`, `src/auth.rs`, `src/bin/container-registry.rs`):
//! - Plain HTTP; Basic auth. With `--password`, any user name with that password; without,
//!   any credential at all, and none is refused (401).
//! - A 401 carries `WWW-Authenticate: Basic` on `/v2/` only; `/v2/` also sends it on a 200.
//! - Repositories are exactly two path components (`team/app`).
//! - Uploads: `POST` → 202 with a relative `Location` (`/v2/NAME/uploads/ID`, no `blobs/`);
//!   `PATCH` writes its body from offset 0 (a second chunk overwrites the first; a `Range`
//!   request header is refused) and answers `Range: 0-N`; the closing `PUT` must carry no
//!   body: a `Content-Length` other than 0 → `500 feature not supported: missing content
//!   length not implemented` (so a monolithic `PUT`, even of 1 KB, fails).
//! - No mounts (a mount `POST` opens a session), no tag list, no catalog, no delete; manifest
//!   `GET`s (and `HEAD`s) carry no `Docker-Content-Digest`; blob `GET`s are chunked.

use std::fs;
use std::hash::{BuildHasher as _, RandomState};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

const BINARY: &str = "container-registry";
const INSTALL: &str = "cargo install container-registry --version 0.3.1 --features bin --locked";
const READY_TIMEOUT: Duration = Duration::from_secs(10);
const PORT_ATTEMPTS: usize = 5;

/// A running `container-registry`; dropping it kills the process and removes its storage.
pub struct ContainerRegistry {
    child: Child,
    port: u16,
    password: Option<String>,
    /// Its storage and log, removed on drop.
    _temp: TempDir,
}

impl ContainerRegistry {
    /// Starts one that wants a random password (`protected`) or takes any credential.
    #[track_caller]
    pub fn start(protected: bool) -> ContainerRegistry {
        let found = Command::new(BINARY).arg("--version").output().is_ok_and(|output| output.status.success());
        assert!(found, "{BINARY} not found: install it with '{INSTALL}' (or run scripts/test)");
        let temp = tempfile::Builder::new().prefix("hoist-container-registry").tempdir().expect("temp dir");
        let password = protected
            .then(|| format!("{:016x}{:016x}", RandomState::new().hash_one(3), RandomState::new().hash_one(4)));
        for _ in 0..PORT_ATTEMPTS {
            // The OS picks a free port; losing it to another process before the bind is retried.
            let port = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port();
            let log = fs::File::create(temp.path().join("registry.log")).expect("create the log");
            let mut command = Command::new(BINARY);
            command.arg("--bind").arg(format!("127.0.0.1:{port}")).arg("--storage").arg(temp.path().join("storage"));
            if let Some(password) = &password {
                command.arg("--password").arg(password);
            }
            // Its log (tracing) is for people reading a failed test: no colour codes.
            command.env("NO_COLOR", "1").stdin(Stdio::null()).stdout(log.try_clone().expect("log handle")).stderr(log);
            let mut child = command.spawn().expect("spawn container-registry");
            if wait_until_ready(&mut child, port, &temp.path().join("registry.log")) {
                return ContainerRegistry { child, port, password, _temp: temp };
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        let log = fs::read_to_string(temp.path().join("registry.log")).unwrap_or_default();
        panic!("container-registry did not come up in {PORT_ATTEMPTS} attempts; its last log:\n{log}");
    }

    /// `127.0.0.1:PORT`, as in image references.
    pub fn addr(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// The password it wants (`start(true)` only).
    #[track_caller]
    pub fn password(&self) -> &str {
        self.password.as_deref().expect("only a protected container-registry has a password")
    }
}

impl Drop for ContainerRegistry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Polls `GET /v2/` until it answers (401 or 200), the process exits, or the time is up.
fn wait_until_ready(child: &mut Child, port: u16, log: &Path) -> bool {
    let deadline = Instant::now() + READY_TIMEOUT;
    while Instant::now() < deadline {
        if child.try_wait().expect("poll container-registry").is_some() {
            return false;
        }
        let bound = fs::read_to_string(log).unwrap_or_default().contains("starting to serve");
        if bound && ping(port).is_some_and(|status| status == 401 || status == 200) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

/// The status of `GET /v2/`, if it answered.
fn ping(port: u16) -> Option<u16> {
    super::http::request(&format!("127.0.0.1:{port}"), "GET", "/v2/", &[], b"").ok().map(|reply| reply.status)
}
