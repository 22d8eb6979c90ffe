//! The Docker Engine as the reference for differential tests: the docker CLI with dates in UTC,
//! images labelled per test (so that a filter shows a test only its own images, whatever else
//! the engine holds) and removed again when the test ends, pass or fail.

use std::process::{Command, Stdio};

use super::fixtures::{self, ArchiveImage};
use super::{Outcome, run};

/// The docker CLI, with docker's dates in UTC as hoist's tests have them.
pub fn docker(args: &[&str]) -> Outcome {
    run(Command::new("docker").env("TZ", "UTC").stdin(Stdio::null()).args(args))
}

/// A label value unique to one test of one run.
pub fn unique_label(test: &str) -> String {
    format!("{test}-{}", std::process::id())
}

/// A one-layer image with `label=VALUE` among its labels, created at `created`.
pub fn labelled_image(repo_tags: &[&str], label: &str, seed: &str, created: &str) -> ArchiveImage {
    let layer = fixtures::rootfs_tar(&[("etc/seed", seed.as_bytes())]);
    let config = serde_json::json!({
        "architecture": "amd64",
        "os": "linux",
        "created": created,
        "config": {"Cmd": ["/bin/sh"], "Labels": {"hoist.test": label, "seed": seed}},
        "rootfs": {"type": "layers", "diff_ids": [fixtures::sha256(&layer)]},
        "history": [{"created": created, "created_by": format!("/bin/sh -c echo {seed}")}],
    });
    ArchiveImage {
        repo_tags: repo_tags.iter().map(ToString::to_string).collect(),
        config: serde_json::to_vec(&config).unwrap(),
        layers: vec![layer],
    }
}

/// Every image in the engine that carries `hoist.test=LABEL`, removed (with its names) on drop.
pub struct EngineLabel(pub String);

impl Drop for EngineLabel {
    fn drop(&mut self) {
        let filter = format!("label=hoist.test={}", self.0);
        let listed = docker(&["images", "-a", "-q", "--no-trunc", "-f", &filter]).stdout;
        let mut ids: Vec<&str> = listed.lines().collect();
        ids.dedup();
        for id in ids {
            let _ = Command::new("docker").args(["rmi", "-f", id]).output();
        }
    }
}

/// `text` as sorted lines, a table's header kept first.
pub fn sorted(text: &str, table: bool) -> Vec<String> {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let header = if table && !lines.is_empty() { Some(lines.remove(0)) } else { None };
    lines.sort();
    header.into_iter().chain(lines).collect()
}
