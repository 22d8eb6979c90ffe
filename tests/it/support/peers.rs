//! The peer tools as tests run them: skopeo, podman and umoci, each isolated in the test's
//! folder (no stored credentials, no trust policy, podman storage of its own); images that
//! skopeo puts into a registry, and what it reads back from one.

use std::process::{Command, Stdio};

use super::fixtures::{self, oci_layout};
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

/// Pushes an image made by [`oci_layout`] with skopeo (`copy --all`); `extra` are skopeo flags
/// (`--format v2s2`, `--dest-creds`, `--dest-cert-dir`). The layer holds the destination
/// without its host, so that digests are the same on every run whatever the registry's port,
/// and differ between repositories and tags. Returns the digest the registry serves for the tag.
pub fn push_with_skopeo(
    context: &TestContext,
    destination: &str,
    platforms: &[(&str, &str, Option<&str>)],
    extra: &[&str],
) -> String {
    let content = destination.split_once('/').map_or(destination, |(_, path)| path);
    push_layout(context, content.as_bytes(), platforms, &[(destination, extra)]);
    let raw = run(skopeo(context)
        .args(["inspect", "--raw", "--tls-verify=false"])
        .args(source_flags(extra))
        .arg(format!("docker://{destination}")))
    .success()
    .stdout;
    fixtures::sha256(raw.as_bytes())
}

/// Pushes one image made by [`oci_layout`] (`platforms`, each layer holding `content`) with
/// skopeo to each of `destinations`, with its flags, so that they hold the same blobs; returns
/// the layout's folder, for a test to look at the blobs.
pub fn push_layout(
    context: &TestContext,
    content: &[u8],
    platforms: &[(&str, &str, Option<&str>)],
    destinations: &[(&str, &[&str])],
) -> tempfile::TempDir {
    let dir = tempfile::tempdir_in(context.temp.path()).expect("layout dir");
    oci_layout(dir.path(), "image", platforms, content);
    let source = format!("oci:{}:image", dir.path().display());
    for (destination, extra) in destinations {
        run(skopeo(context)
            .args(["copy", "--all", "--dest-tls-verify=false"])
            .args(*extra)
            .arg(&source)
            .arg(format!("docker://{destination}")))
        .success();
    }
    dir
}

/// skopeo's `--dest-*` flags as the source flags `inspect` takes; `--format` has no counterpart.
fn source_flags(extra: &[&str]) -> Vec<String> {
    let mut flags = Vec::new();
    let mut iter = extra.iter();
    while let Some(flag) = iter.next() {
        if *flag == "--format" {
            iter.next();
        } else {
            flags.push(flag.replace("--dest-", "--"));
        }
    }
    flags
}

/// The manifest or index a plain-HTTP registry serves for `image`, byte for byte (skopeo
/// `inspect --raw`).
pub fn remote_manifest(context: &TestContext, image: &str) -> String {
    run(skopeo(context).args(["inspect", "--raw", "--tls-verify=false", &format!("docker://{image}")])).success().stdout
}

/// The digest of what a plain-HTTP registry serves for `image`.
pub fn remote_digest(context: &TestContext, image: &str) -> String {
    fixtures::sha256(remote_manifest(context, image).as_bytes())
}

/// The docker CLI alone (no daemon is asked: `manifest inspect` reads the registry itself),
/// with a config folder of the test's and no stored credentials.
pub fn docker_cli(context: &TestContext) -> Command {
    require("docker");
    let mut command = Command::new("docker");
    command
        .env("DOCKER_CONFIG", context.path("home/.docker"))
        .env("DOCKER_CLI_EXPERIMENTAL", "enabled")
        .env("HOME", context.path("home"))
        .stdin(Stdio::null());
    command
}
