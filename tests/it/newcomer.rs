//! The first five minutes (issue 15): what a newcomer meets, row by row, through the built
//! binary: a registry that never answers, progress on a slow link (in a pseudo-terminal), two
//! pulls at once, a wrong platform, an image not named for a registry, login mistakes, a scheme
//! in a registry's name, a store that is not there, help, man pages and completions.

use std::time::{Duration, Instant};

use crate::assert_outcome;
use crate::support::fault_proxy::{FaultProxy, Faults};
use crate::support::fixtures::{self, Layer, OciImage};
use crate::support::peers::push_with_skopeo;
use crate::support::registry::{Registry, Setup};
use crate::support::snapshot::Filters;
use crate::support::stalled::StalledServer;
use crate::support::terminal::{Terminal, strip_escapes};
use crate::support::{TestContext, run, without_dns};

const AMD64: (&str, &str, Option<&str>) = ("linux", "amd64", None);
const PATIENCE: Duration = Duration::from_secs(120);

#[test]
fn a_registry_that_never_answers_fails_soon_saying_each_wait_and_retry() {
    let server = StalledServer::start();
    let context = TestContext::new();
    let started = Instant::now();
    let outcome = run(context
        .command()
        .env("HOIST_TEST_CONNECT_TIMEOUT_MS", "300")
        .env("HOIST_TEST_READ_TIMEOUT_MS", "600")
        .env("HOIST_TEST_NOTICE_MS", "250")
        .args(["pull", &format!("{}/app:1", server.addr)]));
    let elapsed = started.elapsed();
    // A quiet HTTPS try (no handshake within 300 ms) beside three HTTP tries of 600 ms each.
    assert!(elapsed < Duration::from_secs(15), "it gave up after {elapsed:?}");
    assert!(server.connections() >= 4, "{} connections", server.connections());
    let filters = Filters::new(&context).literal(&server.addr, "[STALLED]");
    assert_outcome!(filters, outcome, @"
    success: false
    exit_code: 1
    ----- stdout -----
    ----- stderr -----
    Waiting for [STALLED] to answer (250 ms so far)
    Waiting for [STALLED] to answer (500 ms so far)
    Retrying in 1 second (attempt 2 of 3): no answer from [STALLED] within 600 ms
    Waiting for [STALLED] to answer (250 ms so far)
    Waiting for [STALLED] to answer (500 ms so far)
    Retrying in 1 second (attempt 3 of 3): no answer from [STALLED] within 600 ms
    Waiting for [STALLED] to answer (250 ms so far)
    Waiting for [STALLED] to answer (500 ms so far)
    Error: cannot pull [STALLED]/app:1
      caused by: [STALLED] did not answer (no answer within 600 ms, 3 attempts)
      caused by: error sending request for url (http://[STALLED]/v2/)
      caused by: operation timed out
    ");
}

/// The byte counts a bar showed for `word` (`Pushing`, `Downloading`), in the order drawn.
fn positions(shown: &str, word: &str) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    for frame in strip_escapes(shown).split(['\r', '\n']) {
        let Some(rest) = frame.split_once(word).map(|(_, rest)| rest) else { continue };
        let Some(count) = rest.split_once(']').and_then(|(_, after)| after.split_whitespace().next()) else {
            continue;
        };
        if seen.last().is_none_or(|last| last != count) {
            seen.push(count.to_string());
        }
    }
    seen
}

/// An image of one incompressible layer of `size` bytes, in the store as `name`.
fn noise_image(context: &TestContext, name: &str, seed: u64, size: usize) -> OciImage {
    let image = OciImage::new(vec![Layer::of_tar(&fixtures::rootfs_tar(&[("noise", &fixtures::noise(seed, size))]))]);
    context.load_oci(&image, name).success();
    image
}

#[test]
fn push_progress_moves_with_the_bytes_on_a_slow_link() {
    let registry = Registry::start(Setup::Plain);
    let proxy = FaultProxy::start(&registry.addr(), Faults::none().throttle(2 << 20));
    let context = TestContext::new();
    for (name, size) in [("big", 8 << 20), ("small", 3 << 20)] {
        let reference = format!("{}/slow/{name}:1", proxy.addr());
        noise_image(&context, &reference, size as u64, size);
        let terminal = Terminal::run(context.command().args(["push", &reference]));
        let shown = terminal.finish(PATIENCE);
        assert_eq!(shown.code, 0, "{}", shown.raw);
        let moving = positions(&shown.raw, "Pushing");
        assert!(moving.len() >= 3, "the {name} layer's bar moved through {moving:?}:\n{}", shown.raw);
        assert!(strip_escapes(&shown.raw).contains("Pushed"), "{}", shown.raw);
    }
}

#[test]
fn a_broken_pull_retries_visibly_and_a_resumed_one_counts_only_new_bytes() {
    let registry = Registry::start(Setup::Plain);
    let context = TestContext::new();
    let reference = format!("{}/slow/app:1", registry.addr());
    let image = noise_image(&context, &reference, 7, 6 << 20);
    context.hoist(&["push", &reference]).success();
    context.hoist(&["rm", &reference]).success();
    let layer = image.layers[0].digest();

    // Cut once, then slow: the bar says it retries, and the pull completes.
    let proxy =
        FaultProxy::start(&registry.addr(), Faults::none().cut_blob_after(1 << 20, 1).on(&layer).throttle(4 << 20));
    let via = format!("{}/slow/app:1", proxy.addr());
    let terminal = Terminal::run(context.command().env("HOIST_TEST_RETRY_MS", "1500").args(["pull", &via]));
    let shown = terminal.finish(PATIENCE);
    assert_eq!(shown.code, 0, "{}", shown.raw);
    assert!(strip_escapes(&shown.raw).contains(": Retrying in 2 seconds"), "{}", shown.raw);
    context.hoist(&["rm", &via]).success();

    // A first run that fails after 5 MiB, then a resumed one on a 1 MiB/s link: its rate is
    // the link's, not the bytes already on disk over the first second.
    let cutting = FaultProxy::start(&registry.addr(), Faults::none().cut_blob_after(1 << 20, 5).on(&layer));
    context.hoist(&["pull", &format!("{}/slow/app:1", cutting.addr())]).failure(1);
    let slow = FaultProxy::start(&registry.addr(), Faults::none().throttle(1 << 20));
    let terminal = Terminal::run(context.command().args(["pull", &format!("{}/slow/app:1", slow.addr())]));
    let shown = terminal.finish(PATIENCE);
    assert_eq!(shown.code, 0, "{}", shown.raw);
    let rates = rates(&shown.raw);
    assert!(!rates.is_empty(), "{}", shown.raw);
    assert!(rates.iter().all(|rate| *rate < 3.0 * f64::from(1 << 20)), "rates {rates:?}:\n{}", shown.raw);
}

/// The rates (bytes per second) the bars showed: `1.23 MiB/s`.
fn rates(shown: &str) -> Vec<f64> {
    let text = strip_escapes(shown);
    let words: Vec<&str> = text.split_whitespace().collect();
    words
        .windows(2)
        .filter_map(|pair| {
            let unit = match pair[1].split_once("/s")?.0 {
                "B" => 1.0,
                "KiB" => 1024.0,
                "MiB" => 1024.0 * 1024.0,
                "GiB" => 1024.0 * 1024.0 * 1024.0,
                _ => return None,
            };
            Some(pair[0].split('/').next_back()?.parse::<f64>().ok()? * unit)
        })
        .collect()
}

#[test]
fn a_second_pull_of_the_same_image_says_it_waits_for_the_first() {
    let registry = Registry::start(Setup::Plain);
    let context = TestContext::new();
    let reference = format!("{}/slow/app:1", registry.addr());
    noise_image(&context, &reference, 11, 4 << 20);
    context.hoist(&["push", &reference]).success();
    context.hoist(&["rm", &reference]).success();
    // Eight seconds of download: time enough for the second pull to start while it runs.
    let proxy = FaultProxy::start(&registry.addr(), Faults::none().throttle(512 << 10));
    let via = format!("{}/slow/app:1", proxy.addr());
    let mut first = context.command().args(["pull", &via]).stdout(std::process::Stdio::null()).spawn().unwrap();
    let ingest = context.root().join("ingest");
    let started = Instant::now();
    while !std::fs::read_dir(&ingest)
        .is_ok_and(|entries| entries.flatten().any(|e| e.file_name().to_string_lossy().ends_with(".partial")))
    {
        assert!(started.elapsed() < Duration::from_secs(30), "the first pull never started its download");
        std::thread::sleep(Duration::from_millis(20));
    }
    let terminal = Terminal::run(context.command().args(["pull", &via]));
    terminal.expect("Waiting for another hoist process to download it", Duration::from_secs(30));
    let shown = terminal.finish(PATIENCE);
    assert!(first.wait().unwrap().success());
    assert_eq!(shown.code, 0, "{}", shown.raw);
    assert!(!strip_escapes(&shown.raw).contains("0 B/"), "no frozen empty bar:\n{}", shown.raw);
}

#[test]
fn a_platform_the_single_platform_image_is_not_for_is_docker_s_error() {
    let registry = Registry::start(Setup::Plain);
    let context = TestContext::new();
    let reference = format!("{}/single/app:1", registry.addr());
    push_with_skopeo(&context, &reference, &[AMD64], &[]);
    let filters = Filters::new(&context).literal(&registry.addr(), "[REGISTRY]");
    assert_outcome!(filters, context.hoist(&["pull", "--platform", "linux/arm64", &reference]), @r"
    success: false
    exit_code: 1
    ----- stdout -----
    1: Pulling from single/app
    ----- stderr -----
    Error: cannot pull [REGISTRY]/single/app:1
      caused by: image with reference [REGISTRY]/single/app:1 was found but does not match the specified platform: wanted linux/arm64, actual: linux/amd64
    ");
    assert!(context.hoist(&["images", "-q"]).success().stdout.is_empty(), "nothing is named");
    context.hoist(&["pull", "-q", "--platform", "linux/amd64", &reference]).success();
}

#[test]
fn a_push_of_a_name_for_no_registry_names_docker_hub_and_how_to_tag_it() {
    let context = TestContext::new();
    context.import("my-app:1", &[("etc/motd", b"mine\n")]);
    let mut command = context.command();
    command.args(["push", "my-app:1"]);
    let Some(mut offline) = without_dns(&context, &command) else { return };
    let filters = Filters::new(&context).regex(r"does not resolve \(.*\)", "does not resolve ([REASON])");
    assert_outcome!(filters, run(&mut offline), @"
    success: false
    exit_code: 1
    ----- stdout -----
    The push refers to repository [docker.io/library/my-app]
    c04c0dc07310: Preparing
    ----- stderr -----
    Error: cannot push my-app:1
      caused by: cannot reach registry-1.docker.io: its name does not resolve ([REASON])
    hint: my-app:1 is a Docker Hub name; to push it to another registry, tag it for that registry first: hoist tag my-app:1 HOST/my-app:1
    ");
}

#[test]
fn login_asks_again_with_the_stored_user_name_and_refuses_an_empty_one_first() {
    let registry = Registry::start(Setup::BasicTls);
    let context = TestContext::new();
    context.trust(&registry);
    let server = registry.addr();

    let mut terminal = Terminal::run(context.command().args(["login", &server]));
    terminal.expect("Username: ", Duration::from_secs(30));
    terminal.send("\n");
    let shown = terminal.finish(Duration::from_secs(30));
    assert_eq!(shown.code, 1, "{}", shown.raw);
    let text = strip_escapes(&shown.raw);
    assert!(text.contains("Error: Username required"), "{text}");
    assert!(!text.contains("Password"), "an empty name is refused before the password prompt: {text}");

    let password = format!("{}\n", registry.password());
    // Stored credentials that no longer work (docker's order: they are tried first, then the
    // person is asked, with the stored user name as the default).
    crate::support::docker_login(&context, &server, registry.username(), "an-old-password");
    let mut terminal = Terminal::run(context.command().args(["login", &server]));
    terminal.expect("Stored credentials invalid or expired", Duration::from_secs(30));
    terminal.expect(&format!("Username ({}): ", registry.username()), Duration::from_secs(30));
    terminal.send("\n");
    terminal.expect("Password: ", Duration::from_secs(30));
    terminal.send(&password);
    let shown = terminal.finish(Duration::from_secs(30));
    assert_eq!(shown.code, 0, "{}", shown.raw);
    assert!(strip_escapes(&shown.raw).contains("Login Succeeded"), "{}", shown.raw);
    assert!(!shown.raw.contains(registry.password()), "the password is not echoed");
}

#[test]
fn a_wrong_password_says_so_without_a_login_hint() {
    let registry = Registry::start(Setup::BasicTls);
    let context = TestContext::new();
    context.trust(&registry);
    let server = registry.addr();
    let filters = Filters::new(&context).literal(&server, "[REGISTRY]");
    assert_outcome!(filters, context.hoist(&["login", &server, "-u", registry.username(), "-p", "wrong"]), @r"
    success: false
    exit_code: 1
    ----- stdout -----
    ----- stderr -----
    WARNING! Using --password via the CLI is insecure. Use --password-stdin.
    Error: cannot log in to [REGISTRY]
      caused by: unauthorized: incorrect username or password
    ");
}

#[test]
fn a_registry_with_a_scheme_is_a_usage_error_that_says_to_drop_it() {
    let context = TestContext::new();
    assert_outcome!(Filters::new(&context), context.hoist(&["catalog", "http://127.0.0.1:500"]), @r#"
    success: false
    exit_code: 2
    ----- stdout -----
    ----- stderr -----
    error: invalid value 'http://127.0.0.1:500' for '<REGISTRY>': drop the scheme: write "127.0.0.1:500"; hoist uses plain HTTP by itself for registries on this machine, and for those given with --insecure-registry HOST[:PORT]

    For more information, try '--help'.
    "#);
    assert_outcome!(Filters::new(&context), context.hoist(&["pull", "https://ghcr.io/org/app:1"]), @r#"
    success: false
    exit_code: 2
    ----- stdout -----
    ----- stderr -----
    error: invalid value 'https://ghcr.io/org/app:1' for '<NAME[:TAG|@DIGEST]>': drop the scheme: write "ghcr.io/org/app:1"

    For more information, try '--help'.
    "#);
}

#[test]
fn reading_commands_say_there_is_no_store_and_do_not_make_one() {
    let context = TestContext::new();
    let missing = context.path("nonexistent/dir/x");
    let missing_text = missing.to_str().unwrap();
    let outcome = context.hoist(&["--root", missing_text, "images"]);
    assert_outcome!(Filters::new(&context), outcome, @r"
    success: false
    exit_code: 1
    ----- stdout -----
    ----- stderr -----
    Error: there is no image store at [TEMP]/nonexistent/dir/x
    hint: a pull, load or import creates it; to use another store, pass --root DIR or set HOIST_ROOT
    ");
    for args in [&["inspect", "alpine"][..], &["rm", "alpine"], &["tag", "a", "b"], &["push", "localhost:5000/a:1"]] {
        let other = context.hoist(&[&["--root", missing_text][..], args].concat()).failure(1);
        assert_eq!(other.stderr, outcome.stderr, "{args:?}");
    }
    assert!(!context.path("nonexistent").exists(), "a reading command made folders");
    let tar = context.write("rootfs.tar", &fixtures::rootfs_tar(&[("a", b"a")]));
    context.hoist(&["--root", missing_text, "import", tar.to_str().unwrap(), "made:1"]).success();
    assert!(missing.join("index.json").is_file(), "a writing command makes the store");
}

#[test]
fn command_help_shows_its_options_then_global_ones_then_examples() {
    let context = TestContext::new();
    let help = context.hoist(&["push", "--help"]).success().stdout;
    let (options, global) = (help.find("\nOptions:").unwrap(), help.find("\nGlobal Options:").unwrap());
    let examples = help.find("\nExamples:").unwrap();
    assert!(options < global && global < examples, "{help}");
    assert!(help[options..global].contains("--all-tags") && !help[options..global].contains("--root"), "{help}");
    let home = context.path("home");
    assert!(
        help.contains(&format!("[default: {}/.local/share/hoist]", home.display())),
        "the real default store, not $XDG_DATA_HOME: {help}"
    );
    let top = context.hoist(&["--help"]).success().stdout;
    let commands: Vec<String> = top
        .split("Commands:")
        .nth(1)
        .unwrap()
        .lines()
        .skip(1)
        .take_while(|line| !line.trim().is_empty())
        .filter(|line| !line.starts_with("   "))
        .filter_map(|line| line.split_whitespace().next().map(str::to_string))
        .filter(|command| command != "help")
        .collect();
    assert!(commands.len() > 10, "{top}");
    for command in commands {
        let help = context.hoist(&[&command, "--help"]).success().stdout;
        let examples = help.split("Examples:").nth(1).unwrap_or_default();
        assert!(examples.matches("\n  $ ").count() >= 2, "hoist {command} --help has too few examples:\n{help}");
    }
    let images = context.hoist(&["images", "--help"]).success().stdout;
    assert!(images.contains("SIZE is the compressed content size"), "{images}");
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    assert!(readme.contains("SIZE is the compressed content size"), "the README says what SIZE is");
}

#[test]
fn man_pages_have_the_sections_people_look_for_and_install_where_man_finds_them() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for entry in std::fs::read_dir(root.join("man")).unwrap().flatten() {
        let page = std::fs::read_to_string(entry.path()).unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        for section in
            ["NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "ENVIRONMENT", "FILES", "\"EXIT STATUS\"", "EXAMPLES"]
        {
            assert!(page.contains(&format!(".SH {section}\n")), "{name} has no {section}");
        }
        for file in ["config.toml", "auth.json", "certs.d", "$XDG_DATA_HOME/hoist"] {
            assert!(page.contains(file), "{name} does not name {file}");
        }
        assert!(!page.contains("hoist\\-help"), "{name} refers to a hoist-help(1) that does not exist");
    }
    let push = std::fs::read_to_string(root.join("man/hoist-push.1")).unwrap();
    assert!(push.contains(".SH SYNOPSIS\n\\fBhoist push\\fR"), "{push}");

    let context = TestContext::new();
    let target = context.path("man");
    let installed = run(std::process::Command::new(root.join("scripts/install-man")).arg(&target));
    assert_eq!(installed.code, 0, "{installed:?}");
    crate::support::require("man");
    let shown = run(std::process::Command::new("man")
        .env("MANWIDTH", "100")
        .args(["-P", "cat", "-M"])
        .arg(&target)
        .arg("hoist-push"));
    assert_eq!(shown.code, 0, "{shown:?}");
    assert!(
        shown.stdout.contains("EXAMPLES") && shown.stdout.contains("hoist push localhost:5000/my-fancy-app:1.0.0"),
        "{}",
        shown.stdout
    );
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    assert!(readme.contains("scripts/install-man"), "the README says how to install the man pages");
}

/// What bash offers after `words` (the last one being completed), with the script hoist prints.
fn bash_completions(context: &TestContext, words: &[&str]) -> Vec<String> {
    let script = context.hoist(&["completion", "bash"]).success().stdout;
    let path = context.write("hoist.bash", script.as_bytes());
    let hoist_dir = std::path::Path::new(env!("CARGO_BIN_EXE_hoist")).parent().unwrap().to_path_buf();
    let words_text: Vec<String> = words.iter().map(|word| format!("'{word}'")).collect();
    let program = format!(
        "source '{}'; COMP_WORDS=({}); COMP_CWORD={}; COMP_LINE='{}'; COMP_POINT=${{#COMP_LINE}}; \
         _hoist_complete hoist '{}' '{}'; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        path.display(),
        words_text.join(" "),
        words.len() - 1,
        words.join(" "),
        words[words.len() - 1],
        words[words.len() - 2],
    );
    let mut command = context.command();
    let path_var = format!("{}:{}", hoist_dir.display(), std::env::var("PATH").unwrap_or_default());
    let mut bash = std::process::Command::new("bash");
    bash.env_clear().env("PATH", path_var);
    for (name, value) in command.get_envs() {
        if let (Some(value), false) = (value, name == "PATH") {
            bash.env(name, value);
        }
    }
    let _ = &mut command;
    let outcome = run(bash.args(["--norc", "-c", &program]));
    assert_eq!(outcome.code, 0, "{outcome:?}");
    outcome.stdout.lines().map(str::to_string).filter(|line| !line.is_empty()).collect()
}

#[test]
fn bash_completes_local_images_and_every_shell_gets_its_script() {
    let context = TestContext::new();
    context.import("my-app:1", &[("a", b"a")]);
    let id = context.import("localhost:5000/team/web:2", &[("b", b"b")]);
    let short = &id.trim_start_matches("sha256:")[..12];
    assert_eq!(bash_completions(&context, &["hoist", "push", ""]), ["localhost:5000/team/web:2", "my-app:1"]);
    let rm = bash_completions(&context, &["hoist", "rm", ""]);
    assert!(rm.contains(&"my-app:1".to_string()) && rm.contains(&short.to_string()), "{rm:?}");
    assert_eq!(bash_completions(&context, &["hoist", "rmi", "my"]), ["my-app:1"]);
    assert_eq!(bash_completions(&context, &["hoist", "image", "remove", "my"]), ["my-app:1"]);
    let options = bash_completions(&context, &["hoist", "push", "--a"]);
    assert_eq!(options, ["--all-tags"]);
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for (shell, file) in [("bash", "hoist.bash"), ("zsh", "_hoist"), ("fish", "hoist.fish")] {
        let printed = context.hoist(&["completion", shell]).success().stdout;
        assert_eq!(printed, std::fs::read_to_string(root.join("completions").join(file)).unwrap(), "{shell}");
        assert!(printed.contains("__complete images"), "{shell}'s script offers local images");
    }
}

#[test]
fn fish_completes_local_images_and_zsh_reads_its_script() {
    crate::support::require("fish");
    crate::support::require("zsh");
    let context = TestContext::new();
    context.import("my-app:1", &[("a", b"a")]);
    let zsh = context.write("_hoist", context.hoist(&["completion", "zsh"]).success().stdout.as_bytes());
    assert_eq!(run(std::process::Command::new("zsh").arg("-n").arg(&zsh)).code, 0, "zsh parses its script");
    let fish = context.write("hoist.fish", context.hoist(&["completion", "fish"]).success().stdout.as_bytes());
    let hoist_dir = std::path::Path::new(env!("CARGO_BIN_EXE_hoist")).parent().unwrap().display().to_string();
    let program = format!(
        "source '{}'; complete -C 'hoist push '; complete -C 'hoist rm my'; complete -C 'hoist image rm my'",
        fish.display()
    );
    let mut command = std::process::Command::new("fish");
    command
        .env_clear()
        .env("HOME", context.path("home"))
        .env("HOIST_ROOT", context.root())
        .env("PATH", format!("{hoist_dir}:/usr/bin:/bin"))
        .args(["--no-config", "-c", &program]);
    let offered = run(&mut command).success().stdout;
    assert_eq!(offered, "my-app:1\nmy-app:1\nmy-app:1\n");
}
