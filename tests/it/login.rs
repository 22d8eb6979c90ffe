//! `login` / `logout` with a real Secret Service (gnome-keyring under dbus-run-session), the
//! `auth.json` fallback, and the credentials Docker and podman already stored.

use crate::assert_outcome;
use crate::support::fixtures::OciImage;
use crate::support::keyring::KeyringSession;
use crate::support::registry::{Registry, Setup};
use crate::support::snapshot::Filters;
use crate::support::{Outcome, TestContext, auths, docker_login, run, run_with_stdin};

/// A test context whose hoist sees the keyring session.
fn with_keyring(context: &TestContext, session: &KeyringSession, args: &[&str], stdin: Option<&[u8]>) -> Outcome {
    let mut command = context.command();
    command.env("DBUS_SESSION_BUS_ADDRESS", session.bus()).args(args);
    match stdin {
        Some(input) => run_with_stdin(&mut command, input),
        None => run(&mut command),
    }
}

/// Every file under `dir` whose bytes contain `secret`.
fn files_containing(dir: &std::path::Path, secret: &str) -> Vec<String> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else { return found };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_containing(&path, secret));
        } else if std::fs::read(&path)
            .is_ok_and(|bytes| bytes.windows(secret.len()).any(|window| window == secret.as_bytes()))
        {
            found.push(path.display().to_string());
        }
    }
    found
}

#[test]
fn login_keeps_the_password_in_the_keyring_only() {
    let session = KeyringSession::start();
    let registry = Registry::start(Setup::BasicTls);
    let context = TestContext::new();
    context.trust(&registry);
    let server = registry.addr();
    let user = registry.username();
    let filters = Filters::new(&context).literal(&server, "[REGISTRY]");

    let wrong = with_keyring(
        &context,
        &session,
        &["login", "-u", user, "--password-stdin", &server],
        Some(b"not-the-password\n"),
    );
    assert_outcome!(filters, wrong, @r"
        success: false
        exit_code: 1
        ----- stdout -----
        ----- stderr -----
        Error: cannot log in to [REGISTRY]
          caused by: unauthorized: incorrect username or password
        ");
    assert_eq!(session.secret_tool(&["search", "--all", "service", "hoist"]).stdout, "", "nothing is stored");

    let input = format!("{}\n", registry.password());
    let good =
        with_keyring(&context, &session, &["login", "-u", user, "--password-stdin", &server], Some(input.as_bytes()));
    assert_outcome!(filters, good, @r"
        success: true
        exit_code: 0
        ----- stdout -----
        Login Succeeded
        ----- stderr -----
        ");
    let stored = session.secret_tool(&["lookup", "service", "hoist", "username", &server]).success().stdout;
    assert!(stored.contains(registry.password()), "the secret is in the Secret Service: {stored}");
    for dir in [context.path("home"), context.path("config"), context.root()] {
        assert_eq!(files_containing(&dir, registry.password()), Vec::<String>::new());
    }

    let reference = format!("{server}/private/app:1");
    context.load_oci(&OciImage::of_files(&[("etc/motd", b"private\n")]), &reference).success();
    let pushed = with_keyring(&context, &session, &["push", &reference], None);
    assert_eq!(pushed.code, 0, "{pushed:?}");
    context.hoist(&["rm", &reference]).success();
    let pulled = with_keyring(&context, &session, &["pull", &reference], None);
    assert_eq!(pulled.code, 0, "{pulled:?}");

    let logout = with_keyring(&context, &session, &["logout", &format!("https://{server}/")], None);
    assert_outcome!(filters, logout, @r"
        success: true
        exit_code: 0
        ----- stdout -----
        Removing login credentials for [REGISTRY]
        ----- stderr -----
        ");
    assert_eq!(session.secret_tool(&["search", "--all", "service", "hoist"]).stdout, "");
    assert_outcome!(filters, with_keyring(&context, &session, &["push", &reference], None), @r"
        success: false
        exit_code: 1
        ----- stdout -----
        The push refers to repository [[REGISTRY]/private/app]
        45e4128f0110: Preparing
        ----- stderr -----
        Error: cannot push [REGISTRY]/private/app:1
          caused by: unauthorized: 401 Unauthorized
        hint: log in with: hoist login [REGISTRY]
        ");
    assert_outcome!(filters, with_keyring(&context, &session, &["logout", &server], None), @r"
        success: true
        exit_code: 0
        ----- stdout -----
        Not logged in to [REGISTRY]
        ----- stderr -----
        ");
}

#[test]
fn token_login_stores_the_identity_token_instead_of_the_password() {
    let session = KeyringSession::start();
    let registry = Registry::start(Setup::Token);
    let context = TestContext::new();
    let server = registry.addr();
    let input = format!("{}\n", registry.password());
    let wrong = with_keyring(
        &context,
        &session,
        &["login", "-u", registry.username(), "--password-stdin", &server],
        Some(b"nope\n"),
    );
    let filters = Filters::new(&context).literal(&server, "[REGISTRY]");
    assert_outcome!(filters, wrong, @r"
        success: false
        exit_code: 1
        ----- stdout -----
        ----- stderr -----
        Error: cannot log in to [REGISTRY]
          caused by: unauthorized: incorrect username or password
        ");

    let good = with_keyring(
        &context,
        &session,
        &["login", "-u", registry.username(), "--password-stdin", &server],
        Some(input.as_bytes()),
    );
    assert_eq!(good.code, 0, "{good:?}");
    let stored = session.secret_tool(&["lookup", "service", "hoist", "username", &server]).success().stdout;
    assert!(stored.contains("identitytoken") && !stored.contains(registry.password()), "{stored}");

    let reference = format!("{server}/private/app:1");
    context.import(&reference, &[("a", b"token")]);
    let pushed = with_keyring(&context, &session, &["push", &reference], None);
    assert_eq!(pushed.code, 0, "{pushed:?}");
    context.hoist(&["rm", &reference]).success();
    let pulled = with_keyring(&context, &session, &["pull", &reference], None);
    assert_eq!(pulled.code, 0, "{pulled:?}");
    let refreshes = registry
        .token_server()
        .requests()
        .iter()
        .filter(|request| request.method == "POST" && request.param("grant_type") == Some("refresh_token"))
        .count();
    assert!(refreshes > 0, "tokens come from the refresh token (OAuth2 POST)");
}

#[test]
fn without_a_keyring_login_falls_back_to_auth_json() {
    let registry = Registry::start(Setup::BasicTls);
    let context = TestContext::new();
    context.trust(&registry);
    let server = registry.addr();
    let outcome = context.hoist_with_stdin(
        &["login", "-u", registry.username(), "--password-stdin", &server],
        format!("{}\n", registry.password()).as_bytes(),
    );
    let filters = Filters::new(&context).literal(&server, "[REGISTRY]");
    assert_outcome!(filters, outcome, @r"
        success: true
        exit_code: 0
        ----- stdout -----
        Login Succeeded
        ----- stderr -----
        WARNING: no OS keyring answered (on Linux: no Secret Service, such as gnome-keyring, on the session's D-Bus); the credentials are stored unencrypted in [TEMP]/config/auth.json
        ");
    let auth = context.path("config/auth.json");
    use std::os::unix::fs::PermissionsExt as _;
    assert_eq!(std::fs::metadata(&auth).unwrap().permissions().mode() & 0o777, 0o600);
    let reference = format!("{server}/fallback/app:1");
    context.import(&reference, &[("a", b"a")]);
    context.hoist(&["push", &reference]).success();
    assert_outcome!(filters, context.hoist(&["logout", &server]), @r"
        success: true
        exit_code: 0
        ----- stdout -----
        Removing login credentials for [REGISTRY]
        ----- stderr -----
        ");
    assert!(!std::fs::read_to_string(&auth).unwrap().contains(&server));
}

#[test]
fn a_keyring_that_refuses_the_secret_falls_back_to_auth_json() {
    let session = KeyringSession::start();
    session.lock();
    let registry = Registry::start(Setup::BasicTls);
    let context = TestContext::new();
    context.trust(&registry);
    let server = registry.addr();
    let password = format!("{}\n", registry.password());
    let login = ["login", "-u", registry.username(), "--password-stdin", &server];
    let outcome = with_keyring(&context, &session, &login, Some(password.as_bytes()));
    let filters = Filters::new(&context).literal(&server, "[REGISTRY]");
    assert_outcome!(filters, outcome, @r"
        success: true
        exit_code: 0
        ----- stdout -----
        Login Succeeded
        ----- stderr -----
        WARNING: the OS keyring is locked and could not be unlocked here; the credentials are stored unencrypted in [TEMP]/config/auth.json
        ");
    assert!(std::fs::read_to_string(context.path("config/auth.json")).unwrap().contains(&server));
    let reference = format!("{server}/locked/app:1");
    context.import(&reference, &[("a", b"a")]);
    let pushed = with_keyring(&context, &session, &["push", &reference], None);
    assert_eq!(pushed.code, 0, "{pushed:?}");
}

#[test]
fn passwords_come_from_stdin_or_a_flag_and_are_never_shown() {
    let registry = Registry::start(Setup::BasicTls);
    let context = TestContext::new();
    context.trust(&registry);
    let server = registry.addr();
    let flagged = context.hoist(&["--debug", "login", "-u", registry.username(), "-p", registry.password(), &server]);
    assert_eq!(flagged.code, 0, "{flagged:?}");
    assert!(
        flagged.stderr.contains("WARNING! Using --password via the CLI is insecure. Use --password-stdin."),
        "{}",
        flagged.stderr
    );
    assert!(flagged.stderr.contains("DEBUG GET"), "{}", flagged.stderr);
    assert!(!flagged.stderr.contains(registry.password()) && !flagged.stdout.contains(registry.password()));
    let pulled = context.hoist(&["--debug", "pull", &format!("{server}/nothing:1")]);
    assert!(!pulled.stderr.contains(registry.password()), "{}", pulled.stderr);

    let filters = Filters::new(&context).literal(&server, "[REGISTRY]");
    assert_outcome!(filters, context.hoist(&["login", "-u", registry.username(), &server]), @r#"
        success: false
        exit_code: 1
        ----- stdout -----
        ----- stderr -----
        Error: cannot ask for a password: standard input is not a terminal; use --password-stdin, e.g. `echo "$TOKEN" | hoist login -u USER --password-stdin SERVER`
        "#);
    assert_outcome!(filters, context.hoist_with_stdin(&["login", "--password-stdin", &server], b"x\n"), @r"
        success: false
        exit_code: 1
        ----- stdout -----
        ----- stderr -----
        Error: Must provide --username with --password-stdin
        ");
    assert_outcome!(filters, context.hoist(&["login", "-p", "x", "--password-stdin", &server]), @r"
        success: false
        exit_code: 2
        ----- stdout -----
        ----- stderr -----
        error: the argument '--password <PASSWORD>' cannot be used with '--password-stdin'

        Usage: hoist login --password <PASSWORD> --root <DIR> --config <DIR> <SERVER>

        For more information, try '--help'.
        ");
}

#[test]
fn docker_and_podman_credentials_are_honoured() {
    let registry = Registry::start(Setup::Token);
    let context = TestContext::new();
    let server = registry.addr();
    let reference = format!("{server}/private/shared:1");
    context.import(&reference, &[("a", b"shared")]);
    docker_login(&context, &server, registry.username(), registry.password());
    context.hoist(&["push", &reference]).success();
    context.hoist(&["rm", &reference]).success();
    context.hoist(&["pull", &reference]).success();
    std::fs::remove_file(context.path("home/.docker/config.json")).unwrap();
    context.hoist(&["rm", &reference]).success();
    let anonymous = context.hoist(&["pull", &reference]).failure(1);
    assert!(anonymous.stderr.contains("unauthorized"), "{}", anonymous.stderr);

    // A credsStore helper: a script on PATH, asked with the server on stdin.
    let log = context.path("helper.log");
    let script = format!(
        "echo \"args: $*\" >> {log}\nread server\necho \"stdin: $server\" >> {log}\n\
         printf '{{\"ServerURL\":\"%s\",\"Username\":\"{user}\",\"Secret\":\"{password}\"}}' \"$server\"",
        log = log.display(),
        user = registry.username(),
        password = registry.password()
    );
    let path = helper_on_path(&context, "test", &script);
    std::fs::write(context.path("home/.docker/config.json"), br#"{"credsStore": "test"}"#).unwrap();
    run(context.command().env("PATH", &path).args(["pull", &reference])).success();
    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(logged.contains("args: get\n") && logged.contains(&format!("stdin: {server}")), "{logged}");
    assert!(!logged.contains(&format!("args: get {}", registry.password())));
    std::fs::remove_file(context.path("home/.docker/config.json")).unwrap();

    // podman's auth.json, through $REGISTRY_AUTH_FILE.
    context.hoist(&["rm", &reference]).success();
    let podman_auth = auths(&server, registry.username(), registry.password());
    std::fs::write(context.path("home/auth.json"), serde_json::to_vec(&podman_auth).unwrap()).unwrap();
    context.hoist(&["pull", &reference]).success();

    // A helper that is missing is a warning, and the pull goes on anonymously.
    let public = format!("{server}/public/app:1");
    context.load_oci(&OciImage::of_files(&[("p", b"public")]), &public).success();
    context.hoist(&["push", &public]).success();
    context.hoist(&["rm", &public]).success();
    std::fs::remove_file(context.path("home/auth.json")).unwrap();
    std::fs::write(context.path("home/.docker/config.json"), br#"{"credsStore": "missing"}"#).unwrap();
    let filters = Filters::new(&context).literal(&server, "[REGISTRY]");
    assert_outcome!(filters, context.hoist(&["pull", &public]), @r"
        success: true
        exit_code: 0
        ----- stdout -----
        1: Pulling from public/app
        07ad9200f8c6: Pull complete
        Digest: sha256:cd2145b168da151339ab20e32c4f653f16144c84eac43bff96467107776e94fa
        Status: Downloaded newer image for [REGISTRY]/public/app:1
        [REGISTRY]/public/app:1
        ----- stderr -----
        WARNING: cannot run the credential helper docker-credential-missing: No such file or directory (os error 2)
        ");
}

#[test]
fn concurrent_logins_without_a_keyring_keep_every_credential() {
    let registries: Vec<Registry> = (0..8).map(|_| Registry::start(Setup::Token)).collect();
    let context = TestContext::new();
    let auth = context.path("config/auth.json");
    let stored = || -> Vec<String> {
        let file: serde_json::Value = serde_json::from_slice(&std::fs::read(&auth).unwrap()).unwrap();
        let mut keys: Vec<String> = file["auths"].as_object().unwrap().keys().cloned().collect();
        keys.sort();
        keys
    };
    let mut servers: Vec<String> = registries.iter().map(Registry::addr).collect();
    servers.sort();
    let all_at_once = |args: &dyn Fn(&Registry) -> Vec<String>, stdin: &dyn Fn(&Registry) -> Vec<u8>| {
        std::thread::scope(|scope| {
            let runs: Vec<_> = registries
                .iter()
                .map(|registry| {
                    let (args, input) = (args(registry), stdin(registry));
                    let context = &context;
                    scope.spawn(move || {
                        let args: Vec<&str> = args.iter().map(String::as_str).collect();
                        context.hoist_with_stdin(&args, &input)
                    })
                })
                .collect();
            runs.into_iter().map(|run| run.join().unwrap().success()).collect::<Vec<_>>()
        })
    };
    // Three rounds: logins all at once, then logouts all at once.
    for _ in 0..3 {
        let logins = all_at_once(
            &|registry| {
                ["login", "-u", registry.username(), "--password-stdin", &registry.addr()].map(String::from).to_vec()
            },
            &|registry| format!("{}\n", registry.password()).into_bytes(),
        );
        assert!(logins.iter().all(|login| login.stdout == "Login Succeeded\n"), "{logins:?}");
        assert_eq!(stored(), servers, "every login kept its credentials");
        let logouts = all_at_once(&|registry| vec!["logout".into(), registry.addr()], &|_| Vec::new());
        assert!(logouts.iter().all(|logout| logout.stdout.starts_with("Removing login credentials")), "{logouts:?}");
        assert_eq!(stored(), Vec::<String>::new(), "every logout removed its credentials");
    }
    // What is stored is used: a push to a private repository of each registry.
    all_at_once(
        &|registry| {
            ["login", "-u", registry.username(), "--password-stdin", &registry.addr()].map(String::from).to_vec()
        },
        &|registry| format!("{}\n", registry.password()).into_bytes(),
    );
    for registry in &registries {
        let reference = format!("{}/private/app:1", registry.addr());
        context.import(&reference, &[("a", registry.addr().as_bytes())]);
        context.hoist(&["push", &reference]).success();
    }
}

/// Writes `docker-credential-NAME` with `script` as its body into the context's `bin/`; returns
/// the PATH that finds it.
fn helper_on_path(context: &TestContext, name: &str, script: &str) -> String {
    use std::os::unix::fs::PermissionsExt as _;
    let bin = context.path("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let helper = bin.join(format!("docker-credential-{name}"));
    std::fs::write(&helper, format!("#!/bin/sh\n{script}\n")).unwrap();
    std::fs::set_permissions(&helper, std::fs::Permissions::from_mode(0o755)).unwrap();
    format!("{}:{}", bin.display(), std::env::var("PATH").unwrap())
}

#[test]
fn a_helper_that_hangs_or_never_stops_talking_is_cut_off() {
    let registry = Registry::start(Setup::Token);
    let context = TestContext::new();
    let server = registry.addr();
    let public = format!("{server}/public/app:1");
    context.load_oci(&OciImage::of_files(&[("p", b"public")]), &public).success();
    docker_login(&context, &server, registry.username(), registry.password());
    context.hoist(&["push", &public]).success();
    let filters = Filters::new(&context).literal(&server, "[REGISTRY]");
    let pull = |helper: &str, script: &str, timeout_ms: Option<&str>| {
        let path = helper_on_path(&context, helper, script);
        let config = serde_json::json!({"credHelpers": {&server: helper}});
        std::fs::write(context.path("home/.docker/config.json"), serde_json::to_vec(&config).unwrap()).unwrap();
        context.hoist(&["rm", &public]).success();
        let mut command = context.command();
        command.env("PATH", path).args(["pull", &public]);
        if let Some(timeout_ms) = timeout_ms {
            command.env("HOIST_TEST_HELPER_TIMEOUT_MS", timeout_ms);
        }
        let started = std::time::Instant::now();
        let outcome = run(&mut command);
        (outcome.success(), started.elapsed())
    };

    // Each time the pull goes on anonymously (a public repository) and says why.
    let (outcome, took) = pull("hangs", "exec sleep 600", Some("500"));
    assert_outcome!(filters, outcome, @r"
        success: true
        exit_code: 0
        ----- stdout -----
        1: Pulling from public/app
        07ad9200f8c6: Pull complete
        Digest: sha256:cd2145b168da151339ab20e32c4f653f16144c84eac43bff96467107776e94fa
        Status: Downloaded newer image for [REGISTRY]/public/app:1
        [REGISTRY]/public/app:1
        ----- stderr -----
        WARNING: the credential helper docker-credential-hangs did not answer within 0.5 s; going on without its credentials
        ");
    assert!(took < std::time::Duration::from_secs(8), "{took:?}");

    // A helper whose own child keeps its output open after it is stopped.
    let (outcome, took) = pull("forks", "sleep 5; echo late", Some("300"));
    assert_outcome!(filters, outcome, @r"
        success: true
        exit_code: 0
        ----- stdout -----
        1: Pulling from public/app
        07ad9200f8c6: Pull complete
        Digest: sha256:cd2145b168da151339ab20e32c4f653f16144c84eac43bff96467107776e94fa
        Status: Downloaded newer image for [REGISTRY]/public/app:1
        [REGISTRY]/public/app:1
        ----- stderr -----
        WARNING: the credential helper docker-credential-forks did not answer within 0.3 s; going on without its credentials
        ");
    assert!(took < std::time::Duration::from_secs(4), "hoist waited for the helper's child: {took:?}");

    let (outcome, _) = pull("chatty", r#"exec yes '{"Username":"a","Secret":"b"}'"#, None);
    assert_outcome!(filters, outcome, @r"
        success: true
        exit_code: 0
        ----- stdout -----
        1: Pulling from public/app
        07ad9200f8c6: Pull complete
        Digest: sha256:cd2145b168da151339ab20e32c4f653f16144c84eac43bff96467107776e94fa
        Status: Downloaded newer image for [REGISTRY]/public/app:1
        [REGISTRY]/public/app:1
        ----- stderr -----
        WARNING: the credential helper docker-credential-chatty answered more than 64 KiB (a credential is small); going on without its credentials
        ");

    // Without a terminal (as here) and without the test's knob: 10 s.
    let (outcome, took) = pull("hangs", "exec sleep 600", None);
    assert_outcome!(filters, outcome, @r"
        success: true
        exit_code: 0
        ----- stdout -----
        1: Pulling from public/app
        07ad9200f8c6: Pull complete
        Digest: sha256:cd2145b168da151339ab20e32c4f653f16144c84eac43bff96467107776e94fa
        Status: Downloaded newer image for [REGISTRY]/public/app:1
        [REGISTRY]/public/app:1
        ----- stderr -----
        WARNING: the credential helper docker-credential-hangs did not answer within 10 s; going on without its credentials
        ");
    assert!((10..25).contains(&took.as_secs()), "{took:?}");
}
