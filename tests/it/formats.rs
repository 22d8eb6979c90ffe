//! `--format` against the Docker Engine: the same images, built here deterministically, are
//! `docker load`ed into the engine and `hoist load`ed into a store of hoist's (same names, same
//! IDs); then the same command lines run through `docker images` / `docker image inspect` and
//! `hoist images` / `hoist inspect`, and their outputs must be equal.
//!
//! The only normalisations, each a deliberate difference (README "Differences from docker") or
//! something docker itself leaves undefined:
//! - rows are compared as sorted lines (a table's header stays first): docker lists the tags of
//!   one image in its daemon's order and the repositories in Go's random map order;
//! - `Size` and `VirtualSize` in JSON rows are blanked and hoist's `SizeBytes` is dropped: SIZE
//!   is hoist's compressed content size, docker's is the unpacked size;
//! - `CreatedSince` in JSON rows is blanked: an age can cross a unit boundary between two runs;
//! - images are only loaded, so no `{{.Digest}}` in `images` formats: docker has no digest for a
//!   loaded image, hoist has the manifest it made for it (`inspect` covers digests after a
//!   push and a pull).
//!
//! Where no engine answers, each test prints `skipped: no Docker Engine` and passes.

use std::process::Command;

use crate::support::fixtures::{self, ArchiveImage};
use crate::support::registry::{Registry, Setup};
use crate::support::{Outcome, TestContext, run};

/// Whether a Docker Engine answers here.
fn engine() -> bool {
    let answers = Command::new("docker").arg("info").output().is_ok_and(|output| output.status.success());
    if !answers {
        eprintln!("skipped: no Docker Engine");
    }
    answers
}

/// The docker CLI, with docker's dates in UTC as hoist's tests have them.
fn docker(args: &[&str]) -> Outcome {
    run(Command::new("docker").env("TZ", "UTC").args(args))
}

/// Names given to the engine, removed again when the test ends (pass or fail).
struct EngineImages(Vec<String>);

impl Drop for EngineImages {
    fn drop(&mut self) {
        for name in &self.0 {
            let _ = Command::new("docker").args(["rmi", "-f", name]).output();
        }
    }
}

/// An image with the config fields scripts read: environment, labels, a working folder.
fn image(repo_tags: &[&str], seed: &str) -> ArchiveImage {
    let layer = fixtures::rootfs_tar(&[("etc/motd", seed.as_bytes())]);
    let config = serde_json::json!({
        "architecture": "amd64",
        "os": "linux",
        "created": "2024-01-02T03:04:05Z",
        "config": {
            "Env": ["PATH=/usr/local/bin:/usr/bin", format!("SEED={seed}"), "GREETING=hello world"],
            "Cmd": ["/bin/sh"],
            "Labels": {"org.example.version": "1.2.3", "maintainer": "formats <f@example.com>"},
            "WorkingDir": "/srv",
        },
        "rootfs": {"type": "layers", "diff_ids": [fixtures::sha256(&layer)]},
        "history": [{"created": "2024-01-02T03:04:05Z", "created_by": "formats test"}],
    });
    ArchiveImage {
        repo_tags: repo_tags.iter().map(ToString::to_string).collect(),
        config: serde_json::to_vec(&config).unwrap(),
        layers: vec![layer],
    }
}

/// Loads `images` into the engine and into `context`'s store.
fn load_both(context: &TestContext, images: &[ArchiveImage]) -> EngineImages {
    let archive = context.write("images.tar", &fixtures::docker_archive(images));
    let names = images.iter().flat_map(|image| image.repo_tags.clone()).collect();
    let loaded = EngineImages(names);
    docker(&["load", "-i", archive.to_str().unwrap()]).success();
    context.hoist(&["load", "-i", archive.to_str().unwrap()]).success();
    loaded
}

/// `text` as sorted lines, a table's header kept first.
fn sorted(text: &str, table: bool) -> Vec<String> {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let header = if table && !lines.is_empty() { Some(lines.remove(0)) } else { None };
    lines.sort();
    header.into_iter().chain(lines).collect()
}

/// A JSON row with the deliberate differences blanked (see the module's list).
fn normalise_json_row(line: &str) -> String {
    let mut row: serde_json::Map<String, serde_json::Value> = serde_json::from_str(line).unwrap();
    row.remove("SizeBytes");
    for field in ["Size", "VirtualSize", "CreatedSince"] {
        row.insert(field.to_string(), serde_json::Value::from("-"));
    }
    serde_json::to_string(&row).unwrap()
}

#[test]
fn images_formats_print_what_docker_prints() {
    if !engine() {
        return;
    }
    let context = TestContext::new();
    let repository = format!("hoist-formats-{}/app", std::process::id());
    let (one, latest) = (format!("{repository}:1"), format!("{repository}:latest"));
    let older = format!("{repository}:0.9");
    let _loaded = load_both(&context, &[image(&[&one, &latest], "one"), image(&[&older], "older")]);

    let formats: &[(&[&str], &str)] = &[
        (&[], "{{.Repository}}:{{.Tag}}"),
        (&[], r"table {{.Repository}}\t{{.Tag}}\t{{.ID}}"),
        (&[], "{{json .}}"),
        (&[], "json"),
        (&["--no-trunc"], "{{.ID}}"),
        (&["--no-trunc"], r"table {{.ID}}\t{{.Tag}}\t{{.CreatedAt}}"),
        (&[], r"{{upper .Tag}} {{truncate .ID 5}} [{{pad .Tag 1 2}}] {{lower .Repository}}"),
        (&[], r"table {{upper .Tag}}\t{{pad .Repository 2 0}}\t{{json .Tag}}\t{{title .Tag}}|"),
        (&[], r"{{.Tag}}\n{{.Containers}}/{{.SharedSize}}/{{.UniqueSize}}"),
        (&["-q"], "table"),
    ];
    for (flags, format) in formats {
        let mut args = vec!["images"];
        args.extend_from_slice(flags);
        args.extend(["--format", format, &repository]);
        let expected = docker(&args).success().stdout;
        let actual = context.hoist(&args).success().stdout;
        let (expected, actual) = if format.contains("json") && !format.contains("json .Tag") {
            let normalise = |text: &str| sorted(text, false).iter().map(|line| normalise_json_row(line)).collect();
            (normalise(&expected), normalise(&actual))
        } else {
            // `-q` prints IDs alone, with no header row, whatever the format says.
            let table = format.starts_with("table") && !flags.contains(&"-q");
            (sorted(&expected, table), sorted(&actual, table))
        };
        assert_eq!(actual, expected, "images {flags:?} --format {format:?}");
        assert!(!expected.is_empty(), "{format}: docker listed the images");
    }
}

#[test]
fn inspect_formats_print_what_docker_prints() {
    if !engine() {
        return;
    }
    let registry = Registry::start(Setup::Plain);
    let context = TestContext::new();
    // The engine takes a loopback registry over plain HTTP; pushing from hoist and pulling into
    // the engine gives both the same RepoDigests.
    let reference = format!("127.0.0.1:{}/formats/app:{}", registry.port(), std::process::id());
    let archive = context.write("image.tar", &fixtures::docker_archive(&[image(&[&reference], "pushed")]));
    context.hoist(&["load", "-i", archive.to_str().unwrap()]).success();
    context.hoist(&["push", &reference]).success();
    let _loaded = EngineImages(vec![reference.clone()]);
    docker(&["pull", "-q", &reference]).success();

    let formats = [
        "{{index .RepoDigests 0}}",
        "{{.Config.Env}}",
        "{{json .Config.Labels}}",
        "{{json .Config}}",
        "{{.Architecture}}/{{.Os}}",
        "{{range .RepoTags}}{{.}} {{end}}",
        "{{upper .Os}}|{{join .RepoTags \",\"}}|{{truncate .ID 5}}|{{pad .Os 1 2}}|",
        "{{truncate .Id 12}}",
        "{{.ID}} {{.Config.Cmd}} {{.Config.WorkingDir}} {{.Config.Entrypoint}} {{json .Config.Entrypoint}}",
        "{{index .Config.Labels \"org.example.version\"}}|{{index .Config.Labels \"absent\"}}|{{len .Config.Env}}",
        "{{range $key, $value := .Config.Labels}}{{$key}}={{$value}};{{end}}",
        "{{if .RepoDigests}}pulled{{else}}local{{end}} {{.Parent}}|{{.Comment}}|{{.Author}}",
        "{{json .RootFS}} {{json .RepoTags}}",
        "{{split (index .Config.Env 1) \"=\"}} {{println .Os}}",
    ];
    for format in formats {
        let expected = docker(&["image", "inspect", "-f", format, &reference]).success().stdout;
        let actual = context.hoist(&["inspect", "-f", format, &reference]).success().stdout;
        assert_eq!(actual, expected, "inspect -f {format:?}");
        let actual = context.hoist(&["inspect", "--type", "image", "--format", format, &reference]).success().stdout;
        assert_eq!(actual, expected, "inspect --type image --format {format:?}");
    }

    // A field docker's type lacks: exit 1, an empty line, docker's reason.
    let expected = docker(&["image", "inspect", "-f", "{{.Nope}}", &reference]).failure(1);
    let actual = context.hoist(&["inspect", "-f", "{{.Nope}}", &reference]).failure(1);
    assert_eq!(actual.stdout, expected.stdout);
    for outcome in [&expected, &actual] {
        assert!(outcome.stderr.contains(r#"template parsing error: "#), "{}", outcome.stderr);
        assert!(outcome.stderr.contains(r#"map has no entry for key "Nope""#), "{}", outcome.stderr);
    }
}

#[test]
fn bad_templates_are_usage_errors_that_quote_them_and_change_nothing() {
    let context = TestContext::new();
    context.import("keep/me:1", &[("a", b"a")]);
    let before = context.store_snapshot();
    let cases: &[(&[&str], &str)] = &[
        (&["images", "--format", "{{.Repository"], "unclosed action"),
        (&["images", "--format", "table {{nofunc .ID}}"], r#"function "nofunc" not defined"#),
        (&["inspect", "-f", "{{.Os", "keep/me:1"], "unclosed action"),
        (&["inspect", "--format", "{{end}}", "keep/me:1"], "unexpected {{end}}"),
        (&["images", "--format", "{{range .Tag}}", "keep/me:1"], "unexpected EOF"),
    ];
    for (args, reason) in cases {
        let outcome = context.hoist(args).failure(2);
        assert!(outcome.stderr.contains("template parsing error"), "{args:?}: {}", outcome.stderr);
        assert!(outcome.stderr.contains(reason), "{args:?}: {}", outcome.stderr);
        let template = args[args.iter().position(|arg| arg.starts_with('-') && arg.contains("f")).unwrap() + 1];
        assert!(outcome.stderr.contains(&format!("'{template}'")), "quotes the template: {}", outcome.stderr);
    }
    let unknown = context.hoist(&["images", "--format", "{{.Nope}}"]).failure(1);
    assert!(unknown.stderr.contains("can't evaluate field Nope in type *formatter.imageContext"), "{}", unknown.stderr);
    let wrong_type = context.hoist(&["inspect", "--type", "container", "keep/me:1"]).failure(2);
    assert!(
        wrong_type.stderr.contains(r#"unknown type: "container": must be one of "image""#),
        "{}",
        wrong_type.stderr
    );
    assert_eq!(context.store_snapshot(), before, "the store is unchanged");
}
