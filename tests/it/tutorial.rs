//! The classic self-hosted-registry tutorial, run line by line with the Docker Engine and with
//! hoist from the same starting state (one fixture image loaded into both), each pushing to a
//! repository of its own in one registry: exit status and output must match, apart from the
//! README's deliberate differences (layer lines; pushes keep digests, so digests and sizes are
//! normalised), and the names left behind must be the same.

use std::process::Command;

use crate::support::fixtures::{self, ArchiveImage};
use crate::support::registry::{Registry, Setup};
use crate::support::{Outcome, TestContext, require_docker, run};

/// Removes these names from the engine when dropped.
struct EngineNames(Vec<String>);

impl Drop for EngineNames {
    fn drop(&mut self) {
        for name in &self.0 {
            let _ = Command::new("docker").args(["rmi", "-f", name]).output();
        }
    }
}

/// `text` with the repository's name, digests and sizes replaced, layer lines left out.
fn normalise(text: &str, repository: &str) -> Vec<String> {
    let layer_line = |line: &str| {
        line.split_once(": ").is_some_and(|(id, _)| id.len() == 12 && id.bytes().all(|b| b.is_ascii_hexdigit()))
    };
    text.lines()
        // Which `Deleted:` lines each prints depends on its store (docker's layer IDs are not
        // blob digests: README "Differences from docker").
        .filter(|line| !layer_line(line) && !line.starts_with("Deleted: "))
        .map(|line| {
            let path = repository.split_once('/').map_or(repository, |(_, path)| path);
            let line = line.replace(repository, "[REPO]").replace(path, "[PATH]");
            let mut words: Vec<String> = line.split(' ').map(str::to_string).collect();
            for word in &mut words {
                if let Some(at) = word.find("sha256:") {
                    word.replace_range(at.., "[DIGEST]");
                }
            }
            if let Some(size) = words.iter().position(|word| word == "size:") {
                words.truncate(size + 1);
                words.push("[SIZE]".into());
            }
            words.join(" ")
        })
        .collect()
}

#[test]
fn the_registry_tutorial_runs_the_same_with_docker_and_hoist() {
    if !require_docker() {
        return;
    }
    let registry = Registry::start(Setup::Plain);
    let context = TestContext::new();
    let id = std::process::id();
    let base = format!("tutorial-base{id}:1");
    let archive = context.write(
        "base.tar",
        &fixtures::docker_archive(&[ArchiveImage::new(&[&base], &[&[("etc/motd", b"tutorial\n")]])]),
    );
    context.hoist(&["load", "-i", archive.to_str().unwrap()]).success();
    run(Command::new("docker").args(["load", "-i", archive.to_str().unwrap()])).success();
    let ours = format!("127.0.0.1:{}/hoist{id}/app", registry.port());
    let theirs = format!("127.0.0.1:{}/docker{id}/app", registry.port());
    let tags = ["1", "1.9", "1.9.1", "latest"];
    let mut names: Vec<String> = tags.iter().map(|tag| format!("{theirs}:{tag}")).collect();
    names.push(base.clone());
    let _cleanup = EngineNames(names);

    let mut lines: Vec<Vec<String>> = Vec::new();
    for tag in tags {
        lines.push(vec!["tag".into(), base.clone(), format!("REPO:{tag}")]);
    }
    for tag in tags {
        lines.push(vec!["push".into(), format!("REPO:{tag}")]);
    }
    for tag in tags {
        lines.push(vec!["rmi".into(), format!("REPO:{tag}")]);
    }
    lines.push(vec!["pull".into(), "REPO:1.9".into()]);
    lines.push(vec!["pull".into(), "REPO:1.9".into()]);
    lines.push(vec!["pull".into(), "REPO".into()]);
    lines.push(vec!["images".into(), "--format".into(), "{{.Repository}}:{{.Tag}}".into(), "REPO".into()]);
    lines.push(vec!["rmi".into(), "REPO:nope".into()]);
    lines.push(vec!["push".into(), "REPO:nope".into()]);
    for line in lines {
        let args =
            |repository: &str| -> Vec<String> { line.iter().map(|arg| arg.replace("REPO", repository)).collect() };
        let hoist: Outcome = run(context.command().args(args(&ours)));
        let docker: Outcome = run(Command::new("docker").env("TZ", "UTC").args(args(&theirs)));
        let shown = line.join(" ");
        assert_eq!(hoist.code, docker.code, "{shown}: exit status\nhoist: {}\ndocker: {}", hoist.stderr, docker.stderr);
        let (mut ours_out, mut theirs_out) = (normalise(&hoist.stdout, &ours), normalise(&docker.stdout, &theirs));
        if line[0] == "images" {
            ours_out.sort();
            theirs_out.sort();
        }
        assert_eq!(ours_out, theirs_out, "{shown}: output");
    }
}
