//! The peer tools as tests run them: skopeo, podman and umoci, each isolated in the test's
//! folder (no stored credentials, no trust policy, podman storage of its own).

use std::process::{Command, Stdio};

use super::{TestContext, require, run};

/// skopeo with nothing of the caller's: no stored credentials, no trust policy file.
pub fn skopeo(context: &TestContext) -> Command {
    require("skopeo");
    let mut command = Command::new("skopeo");
    command
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", context.path("home"))
        .env("REGISTRY_AUTH_FILE", context.path("home/auth.json"))
        .stdin(Stdio::null())
        .arg("--insecure-policy");
    command
}

/// podman with its own storage inside the test's folder (vfs: no root, no overlay needed).
pub fn podman(context: &TestContext) -> Command {
    require("podman");
    let mut command = Command::new("podman");
    command
        .arg("--root")
        .arg(context.path("podman/root"))
        .arg("--runroot")
        .arg(context.path("podman/run"))
        .args(["--storage-driver", "vfs", "--cgroup-manager", "cgroupfs", "--events-backend", "file"])
        .env("HOME", context.path("home"));
    command
}

/// A one-layer OCI image built by umoci in the context's folder; returns its skopeo name.
pub fn umoci_image(context: &TestContext, content: &[u8]) -> String {
    require("umoci");
    let layout = context.path("layout");
    let layout = layout.to_str().expect("utf-8 temp path");
    let image = format!("{layout}:v1");
    run(Command::new("umoci").args(["init", "--layout", layout])).success();
    run(Command::new("umoci").args(["new", "--image", &image])).success();
    let file = context.write("hello.txt", content);
    run(Command::new("umoci").args(["insert", "--rootless", "--image", &image]).arg(&file).arg("/hello.txt")).success();
    format!("oci:{image}")
}
