//! Docker's smaller forms that scripts rely on (SPEC §2): `import -c/-m`, `version`, `push -q`,
//! `pull -a`, `login SERVER` with stored credentials; each compared with the Docker Engine
//! where it can run the same line.

use std::process::Command;

use crate::support::fixtures::{self, ArchiveImage};
use crate::support::registry::{Registry, Setup};
use crate::support::{Outcome, TestContext, require_docker, run};

fn docker(args: &[&str]) -> Outcome {
    run(Command::new("docker").env("TZ", "UTC").args(args))
}

const CHANGES: [&str; 11] = [
    r#"CMD ["/bin/sh","-c","echo"]"#,
    "ENTRYPOINT /bin/true arg",
    r#"ENV A=1 B="two words""#,
    "ENV C 3",
    "EXPOSE 80 443/udp 8000-8001",
    r#"LABEL a=b "c d"=e"#,
    "USER nobody",
    "WORKDIR /srv",
    "WORKDIR sub",
    r#"VOLUME ["/data", "/x"]"#,
    "ONBUILD RUN echo hi",
];

fn change_args<'a>(changes: &[&'a str]) -> Vec<&'a str> {
    changes.iter().flat_map(|change| ["-c", change]).collect()
}

#[test]
fn import_changes_and_message_make_the_config_docker_makes() {
    let context = TestContext::new();
    let tarball = context.write("rootfs.tar", &fixtures::rootfs_tar(&[("etc/motd", b"imported\n")]));
    let tarball = tarball.to_str().unwrap();
    let mut args = vec!["import", "-m", "a message"];
    args.extend(change_args(&CHANGES));
    args.extend(["-c", "STOPSIGNAL SIGINT", tarball, "changed:1"]);
    context.hoist(&args).success();
    let config = context.hoist(&["inspect", "-f", "{{json .Config}}", "changed:1"]).success().stdout;
    let config: serde_json::Value = serde_json::from_str(&config).unwrap();
    assert_eq!(config["StopSignal"], "SIGINT");
    let comment = context.hoist(&["inspect", "-f", "{{.Comment}}", "changed:1"]).success().stdout;
    assert_eq!(comment, "a message\n");
    let plain = context.hoist(&["import", tarball, "plain:1"]).success();
    let comment = context.hoist(&["inspect", "-f", "{{.Comment}}", "plain:1"]).success().stdout;
    assert_eq!(comment, format!("Imported from {tarball}\n"), "{}", plain.stdout);

    if !require_docker() {
        return;
    }
    // The engine here (20.10) takes no STOPSIGNAL on import; newer ones do.
    let mut args = vec!["import", "-m", "a message"];
    args.extend(change_args(&CHANGES));
    args.extend([tarball, "hoist-forms-import:1"]);
    docker(&args).success();
    let expected = docker(&["image", "inspect", "-f", "{{json .Config}}", "hoist-forms-import:1"]).success().stdout;
    let comment = docker(&["image", "inspect", "-f", "{{.Comment}}", "hoist-forms-import:1"]).success().stdout;
    let _ = docker(&["rmi", "hoist-forms-import:1"]);
    let mut ours = config;
    ours.as_object_mut().unwrap().remove("StopSignal");
    let theirs: serde_json::Value = serde_json::from_str(&expected).unwrap();
    assert_eq!(ours, theirs);
    assert_eq!(comment, "a message\n");
}

#[test]
fn bad_changes_are_refused_in_docker_words_and_store_nothing() {
    let context = TestContext::new();
    let tarball = context.write("rootfs.tar", &fixtures::rootfs_tar(&[("a", b"a")]));
    let tarball = tarball.to_str().unwrap();
    let engine = require_docker();
    for change in ["BOGUS x", "RUN echo", "FROM scratch", "", "ENV", "ENV A", "LABEL a", "EXPOSE"] {
        let outcome = context.hoist(&["import", "-c", change, tarball, "bad:1"]).failure(1);
        assert!(
            !context.root().join("index.json").exists() || context.hoist(&["images", "-q"]).success().stdout.is_empty()
        );
        if engine {
            let theirs = docker(&["import", "-c", change, tarball, "hoist-forms-bad:1"]).failure(1);
            let reason = theirs.stderr.trim().trim_start_matches("Error response from daemon: ");
            assert_eq!(outcome.stderr.trim(), format!("Error: {reason}"), "{change:?}");
        }
    }
}

fn git_commit() -> String {
    let output = Command::new("git")
        .args(["rev-parse", "--short=7", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    if output.status.success() {
        String::from_utf8(output.stdout).unwrap().trim().to_string()
    } else {
        "unknown".into()
    }
}

#[test]
fn version_prints_docker_s_client_block_and_formats() {
    let context = TestContext::new();
    let version = env!("CARGO_PKG_VERSION");
    let commit = git_commit();
    let block = context.hoist(&["version"]).success().stdout;
    let lines: Vec<&str> = block.lines().collect();
    assert_eq!(
        lines[..4],
        [
            "Client:",
            &format!(" Version:           {version}"),
            &format!(" Rust version:      {}", lines[2].split_whitespace().last().unwrap()),
            &format!(" Git commit:        {commit}")
        ]
    );
    assert!(lines[2].split_whitespace().last().unwrap().split('.').all(|part| part.parse::<u32>().is_ok()), "{block}");
    let built = lines[4].strip_prefix(" Built:             ").unwrap();
    assert!(jiff::fmt::strtime::parse("%a %b %e %H:%M:%S %Y", built).is_ok(), "{built:?} is Go's time.ANSIC");
    assert_eq!(lines[5], format!(" OS/Arch:           linux/{}", crate::support::host_architecture()));
    assert_eq!(lines.len(), 6, "{block}");
    for flag in ["-v", "--version"] {
        assert_eq!(context.hoist(&[flag]).success().stdout, format!("hoist version {version}, build {commit}\n"));
    }
    assert_eq!(context.hoist(&["version", "--format", "{{.Client.Version}}"]).success().stdout, format!("{version}\n"));
    assert_eq!(context.hoist(&["version", "-f", "{{.Client.GitCommit}}"]).success().stdout, format!("{commit}\n"));
    let bad = context.hoist(&["version", "--format", "{{.Client.Version"]).failure(2);
    assert!(bad.stderr.contains("{{.Client.Version"), "{}", bad.stderr);

    if !require_docker() {
        return;
    }
    // The fields of docker's clientVersion, in docker's order; hoist adds RustVersion and has
    // no DefaultAPIVersion (it is left out when empty).
    let keys = |text: &str| -> Vec<String> {
        let value: serde_json::Value = serde_json::from_str(text).unwrap();
        let mut keys: Vec<String> = Vec::new();
        let object = value.as_object().unwrap();
        for key in [
            "Platform",
            "Version",
            "ApiVersion",
            "DefaultAPIVersion",
            "GitCommit",
            "GoVersion",
            "RustVersion",
            "Os",
            "Arch",
            "BuildTime",
            "Context",
        ] {
            if object.contains_key(key) && key != "DefaultAPIVersion" && key != "RustVersion" {
                keys.push(key.to_string());
            }
        }
        assert_eq!(
            keys.len(),
            object.len()
                - usize::from(object.contains_key("DefaultAPIVersion"))
                - usize::from(object.contains_key("RustVersion")),
            "{text}"
        );
        keys
    };
    let theirs = docker(&["version", "--format", "{{json .Client}}"]).success().stdout;
    let ours = context.hoist(&["version", "--format", "{{json .Client}}"]).success().stdout;
    assert_eq!(keys(&ours), keys(&theirs));
    let their_line = docker(&["version", "--format", "{{.Client.Version}}"]).success().stdout;
    assert_eq!(their_line.lines().count(), 1);
}

/// Lines that say what happened to the repository, not to each layer (whose lines differ on
/// purpose: README "Differences from docker").
fn outline(text: &str) -> Vec<String> {
    let layer_line = |line: &str| {
        line.split_once(": ").is_some_and(|(id, _)| {
            id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        })
    };
    text.lines().filter(|line| !layer_line(line)).map(str::to_string).collect()
}

/// Three tags of one repository in `registry`, pushed from hoist; the repository's name.
fn three_tags(context: &TestContext, registry: &Registry) -> String {
    let repository = format!("127.0.0.1:{}/forms/app{}", registry.port(), std::process::id());
    let images: Vec<ArchiveImage> = ["1", "1.9", "latest"]
        .iter()
        .map(|tag| ArchiveImage::new(&[&format!("{repository}:{tag}")], &[&[("etc/version", tag.as_bytes())]]))
        .collect();
    let archive = context.write("tags.tar", &fixtures::docker_archive(&images));
    context.hoist(&["load", "-i", archive.to_str().unwrap()]).success();
    context.hoist(&["push", "-a", &repository]).success();
    repository
}

#[test]
fn pull_all_tags_pulls_every_tag_as_docker_does() {
    let registry = Registry::start(Setup::Plain);
    let pusher = TestContext::new();
    let repository = three_tags(&pusher, &registry);
    let context = TestContext::new();
    let ours = context.hoist(&["pull", "-a", &repository]).success();
    let tags = context.hoist(&["images", "--format", "{{.Tag}}", &repository]).success().stdout;
    let mut tags: Vec<&str> = tags.lines().collect();
    tags.sort_unstable();
    assert_eq!(tags, ["1", "1.9", "latest"]);
    let again = context.hoist(&["pull", "--all-tags", &repository]).success();
    assert!(again.stdout.contains(&format!("Status: Image is up to date for {repository}\n")), "{}", again.stdout);
    let quiet = context.hoist(&["pull", "-a", "-q", &repository]).success();
    assert_eq!(quiet.stdout, format!("{repository}\n"));
    let tagged = context.hoist(&["pull", "-a", &format!("{repository}:1")]).failure(1);
    assert_eq!(tagged.stderr, "Error: tag can't be used with --all-tags/-a\n");

    if !require_docker() {
        return;
    }
    let _cleanup = scopeguard(["1", "1.9", "latest"].map(|tag| format!("{repository}:{tag}")));
    let theirs = docker(&["pull", "-a", &repository]).success();
    assert_eq!(outline(&ours.stdout), outline(&theirs.stdout), "ours:\n{}\ntheirs:\n{}", ours.stdout, theirs.stdout);
    let theirs_again = docker(&["pull", "-a", &repository]).success();
    assert_eq!(outline(&again.stdout), outline(&theirs_again.stdout));
    let their_error = docker(&["pull", "-a", &format!("{repository}:1")]).failure(1);
    assert_eq!(tagged.stderr.trim_start_matches("Error: "), their_error.stderr.trim_start_matches("Error: "));
}

/// Removes these names from the Docker Engine when dropped.
struct EngineNames(Vec<String>);

impl Drop for EngineNames {
    fn drop(&mut self) {
        for name in &self.0 {
            let _ = Command::new("docker").args(["rmi", "-f", name]).output();
        }
    }
}

fn scopeguard<const N: usize>(names: [String; N]) -> EngineNames {
    EngineNames(names.to_vec())
}

#[test]
fn push_quiet_prints_the_reference_as_docker_does() {
    let registry = Registry::start(Setup::Plain);
    let context = TestContext::new();
    let repository = format!("127.0.0.1:{}/forms/quiet{}", registry.port(), std::process::id());
    let images = [ArchiveImage::new(&[&format!("{repository}:1"), &format!("{repository}:latest")], &[&[("q", b"q")]])];
    let archive = context.write("quiet.tar", &fixtures::docker_archive(&images));
    context.hoist(&["load", "-i", archive.to_str().unwrap()]).success();
    let tagged = format!("{repository}:1");
    let ours =
        [context.hoist(&["push", "-q", &tagged]).success(), context.hoist(&["push", "-q", &repository]).success()];
    assert_eq!(ours[0].stdout, format!("{tagged}\n"));
    if !require_docker() {
        return;
    }
    let _cleanup = scopeguard([tagged.clone(), format!("{repository}:latest")]);
    docker(&["load", "-i", archive.to_str().unwrap()]).success();
    let theirs = [docker(&["push", "-q", &tagged]).success(), docker(&["push", "-q", &repository]).success()];
    for (ours, theirs) in ours.iter().zip(&theirs) {
        assert_eq!(ours.stdout, theirs.stdout);
    }
}

#[test]
fn login_with_nothing_typed_checks_the_stored_credentials_first() {
    // Credentials stored for a registry, as `docker login` leaves them in Docker's config.json.
    let registry = Registry::start(Setup::BasicTls);
    let context = TestContext::new();
    context.trust(&registry);
    let server = registry.addr();
    crate::support::docker_login(&context, &server, registry.username(), registry.password());
    let good = context.hoist(&["login", &server]).success();
    assert_eq!(good.stdout, "Login Succeeded\n");
    assert!(
        good.stderr
            .starts_with(&format!("Authenticating with existing credentials... [Username: {}]\n", registry.username())),
        "{}",
        good.stderr
    );
    // Wrong ones: docker's words, then the prompt it falls back to, which needs a terminal.
    let other = TestContext::new();
    other.trust(&registry);
    crate::support::docker_login(&other, &server, registry.username(), "not-the-password");
    let before = std::fs::read(other.path("home/.docker/config.json")).unwrap();
    let refused = other.hoist(&["login", &server]).failure(1);
    assert_eq!(refused.stdout, "");
    let expected = format!(
        "Authenticating with existing credentials... [Username: {}]\nStored credentials invalid or expired\nError: cannot ask for a user name",
        registry.username()
    );
    assert!(refused.stderr.starts_with(&expected), "{}", refused.stderr);
    assert_eq!(std::fs::read(other.path("home/.docker/config.json")).unwrap(), before);
    assert!(!other.path("config/auth.json").exists(), "nothing stored");

    if !require_docker() {
        return;
    }
    // The engine reaches a plain-HTTP loopback registry; one without auth takes any login.
    let plain = Registry::start(Setup::Plain);
    let context = TestContext::new();
    crate::support::docker_login(&context, &plain.addr(), "someone", "secret");
    let ours = context.hoist(&["login", &plain.addr()]).success();
    let theirs =
        run(Command::new("docker").env("DOCKER_CONFIG", context.path("home/.docker")).args(["login", &plain.addr()]));
    assert_eq!(
        (ours.code, ours.stdout.as_str()),
        (theirs.code, theirs.stdout.as_str()),
        "docker said: {}",
        theirs.stderr
    );
    // hoist's warning that no keyring answered aside, the same words, naming hoist's commands.
    let ours: Vec<&str> = ours.stderr.lines().filter(|line| !line.starts_with("WARNING: no OS keyring")).collect();
    assert_eq!(ours.join("\n").trim_end(), theirs.stderr.replace("docker ", "hoist ").trim_end());
}
