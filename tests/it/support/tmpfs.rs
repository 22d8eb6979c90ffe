//! A small tmpfs for one test, so that a full disk (or a read-only one) is real and quick to
//! reach. Mounting needs root (CI runs the tests as root); where it is not possible, the test
//! says `skipped: …` on stderr and returns on a developer's machine, and fails in CI
//! ([`super::skip_unless_ci`]). Unmounted when dropped.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use tempfile::TempDir;

const FIX: &str = "run the tests as root, as CI does";

pub struct Tmpfs {
    folder: TempDir,
}

impl Tmpfs {
    /// Mounts a tmpfs of `bytes` for `test`, or says why not (`skipped: …`) and returns `None`
    /// (in CI: fails).
    #[track_caller]
    pub fn mount(test: &str, bytes: u64) -> Option<Tmpfs> {
        let folder = tempfile::Builder::new().prefix("hoist-tmpfs").tempdir().expect("mount point");
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={bytes}"), "tmpfs"])
            .arg(folder.path())
            .output();
        match mounted {
            Ok(output) if output.status.success() => Some(Tmpfs { folder }),
            Ok(output) => {
                let reason = String::from_utf8_lossy(&output.stderr).trim().to_string();
                super::skip_unless_ci(&format!("{test}: cannot mount a tmpfs (needs root): {reason}"), FIX);
                None
            }
            Err(error) => {
                super::skip_unless_ci(&format!("{test}: cannot run mount: {error}"), FIX);
                None
            }
        }
    }

    pub fn path(&self) -> &Path {
        self.folder.path()
    }

    /// Fills what is left of the file system with one file, to the last byte; returns it.
    pub fn fill(&self) -> PathBuf {
        let path = self.path().join("filler");
        let mut file = std::fs::File::create(&path).expect("create the filler");
        for chunk in [1 << 20, 4096, 1] {
            let bytes = vec![0x5a; chunk];
            while file.write_all(&bytes).is_ok() {}
        }
        let _ = file.sync_all();
        path
    }

    /// Bytes still free, as `df` sees them.
    pub fn available(&self) -> u64 {
        let output = Command::new("df").args(["-B1", "--output=avail"]).arg(self.path()).output().expect("df");
        let text = String::from_utf8_lossy(&output.stdout);
        text.lines().last().and_then(|line| line.trim().parse().ok()).expect("df's figure")
    }

    /// Makes the file system read-only.
    pub fn remount_read_only(&self) {
        let output = Command::new("mount").args(["-o", "remount,ro"]).arg(self.path()).output().expect("mount");
        assert!(output.status.success(), "remount read-only: {}", String::from_utf8_lossy(&output.stderr));
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        // Lazily, should a process of the test still hold a file there.
        let _ = Command::new("umount").arg("-l").arg(self.folder.path()).status();
    }
}
