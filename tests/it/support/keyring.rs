//! A real, unlocked Secret Service for a test: `gnome-keyring-daemon` inside its own
//! `dbus-run-session`, whose bus address the test hands to hoist and `secret-tool`.

use std::os::unix::process::CommandExt as _;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::{Outcome, require, run};

pub struct KeyringSession {
    child: Child,
    bus: String,
    _folder: tempfile::TempDir,
}

impl KeyringSession {
    pub fn start() -> KeyringSession {
        for tool in ["dbus-run-session", "gnome-keyring-daemon", "secret-tool"] {
            require(tool);
        }
        let folder = tempfile::tempdir().expect("session folder");
        let bus_file = folder.path().join("bus");
        let script = format!(
            "echo -n unlock | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; \
             echo \"$DBUS_SESSION_BUS_ADDRESS\" > {}; exec sleep 600",
            bus_file.display()
        );
        let child = Command::new("dbus-run-session")
            .args(["--", "sh", "-c", &script])
            .env("HOME", folder.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .expect("start dbus-run-session");
        let started = Instant::now();
        let bus = loop {
            if let Ok(text) = std::fs::read_to_string(&bus_file)
                && !text.trim().is_empty()
            {
                break text.trim().to_string();
            }
            assert!(started.elapsed() < Duration::from_secs(10), "the keyring session did not start");
            std::thread::sleep(Duration::from_millis(50));
        };
        KeyringSession { child, bus, _folder: folder }
    }

    /// The value for `DBUS_SESSION_BUS_ADDRESS`.
    pub fn bus(&self) -> &str {
        &self.bus
    }

    /// Locks the keyring's collection (the Secret Service's `Lock` call): it then refuses new
    /// secrets, as a locked keychain over SSH does (the unlock prompt has no display here).
    pub fn lock(&self) {
        require("dbus-send");
        // The collection exists once it holds something.
        let mut store = Command::new("secret-tool");
        store
            .args(["store", "--label=probe", "service", "hoist-test-probe"])
            .env("DBUS_SESSION_BUS_ADDRESS", &self.bus);
        let stored = super::run_with_stdin(&mut store, b"probe");
        assert_eq!(stored.code, 0, "cannot store into the keyring: {stored:?}");
        let locked = run(Command::new("dbus-send")
            .args(["--session", "--dest=org.freedesktop.secrets", "--type=method_call", "--print-reply"])
            .args(["/org/freedesktop/secrets", "org.freedesktop.Secret.Service.Lock"])
            .arg("array:objpath:/org/freedesktop/secrets/collection/login")
            .env("DBUS_SESSION_BUS_ADDRESS", &self.bus));
        assert_eq!(locked.code, 0, "cannot lock the keyring: {locked:?}");
    }

    /// `secret-tool ARGS` in this session.
    pub fn secret_tool(&self, args: &[&str]) -> Outcome {
        run(Command::new("secret-tool").args(args).env("DBUS_SESSION_BUS_ADDRESS", &self.bus))
    }
}

impl Drop for KeyringSession {
    fn drop(&mut self) {
        // The whole group: dbus-run-session, its bus and the keyring daemon.
        let _ = Command::new("kill").args(["-TERM", "--"]).arg(format!("-{}", self.child.id())).status();
        let _ = self.child.wait();
    }
}
