//! Docker's credential helpers: `docker-credential-NAME get`, the server on its stdin (never in
//! its arguments), a small JSON answer on its stdout. A helper is another program, so hoist
//! does not trust it to behave: it gets a time limit (30 s where a person at a terminal may be
//! asked for a passphrase, 10 s otherwise) and its answer a size limit (64 KiB; a credential
//! is small). A helper past either limit is stopped, and the lookup goes on without it.

use std::io::{Read, Write};
use std::process::{Child, ChildStderr, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use super::{Credentials, Secret};

/// The most a helper's answer may hold.
pub(crate) const ANSWER_LIMIT: usize = 64 * 1024;
/// How long a helper may take when someone at a terminal may have to unlock it.
const LIMIT_WITH_TERMINAL: Duration = Duration::from_secs(30);
/// How long a helper may take in a script or CI job, where nobody can answer a prompt.
const LIMIT_WITHOUT_TERMINAL: Duration = Duration::from_secs(10);
/// What is kept of a helper's stderr (it is drained, not stored, beyond this).
const STDERR_LIMIT: usize = 4096;

#[derive(Debug, thiserror::Error)]
pub(crate) enum HelperError {
    #[error("cannot run the credential helper {program}: {error}")]
    Spawn { program: String, error: std::io::Error },
    #[error("the credential helper {program} failed: {message}")]
    Failed { program: String, message: String },
    #[error("the credential helper {program} answered something that is not its JSON")]
    NotJson { program: String },
    #[error(
        "the credential helper {program} did not answer within {} s; going on without its credentials",
        limit.as_secs_f64()
    )]
    TimedOut { program: String, limit: Duration },
    #[error(
        "the credential helper {program} answered more than {} KiB (a credential is small); going on without its \
         credentials",
        ANSWER_LIMIT / 1024
    )]
    TooLong { program: String },
}

/// Reads a helper's answer to `get`: a JSON object with the strings `Username` and `Secret`
/// (`ServerURL` and anything else are ignored). `<token>` as the user name is the protocol's
/// way to hand over an identity token. `None` when it is not that.
pub fn parse_answer(bytes: &[u8]) -> Option<Credentials> {
    let answer: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(bytes).ok()?;
    let username = answer.get("Username")?.as_str()?.to_string();
    let secret = Secret::new(answer.get("Secret")?.as_str()?);
    if username == "<token>" {
        return Some(Credentials::IdentityToken { username: String::new(), token: secret });
    }
    Some(Credentials::Password { username, password: secret })
}

/// Asks the helper `docker-credential-NAME` for the credentials stored under `key`.
pub(crate) fn get(name: &str, key: &str) -> Result<Option<Credentials>, HelperError> {
    let program = format!("docker-credential-{name}");
    let (status, stdout) = run(&program, key, time_limit())?;
    if !status.success() {
        let message = String::from_utf8_lossy(&stdout);
        if message.contains("credentials not found") {
            return Ok(None);
        }
        let message: String = message.trim().chars().take(200).collect();
        return Err(HelperError::Failed { program, message });
    }
    parse_answer(&stdout).map(Some).ok_or(HelperError::NotJson { program })
}

/// 30 s with a terminal, 10 s without; `HOIST_TEST_HELPER_TIMEOUT_MS` for tests.
fn time_limit() -> Duration {
    use std::io::IsTerminal as _;
    if let Some(millis) = std::env::var("HOIST_TEST_HELPER_TIMEOUT_MS").ok().and_then(|ms| ms.parse().ok()) {
        return Duration::from_millis(millis);
    }
    if std::io::stdin().is_terminal() || std::io::stderr().is_terminal() {
        LIMIT_WITH_TERMINAL
    } else {
        LIMIT_WITHOUT_TERMINAL
    }
}

/// What the threads reading a helper's output report.
enum Report {
    Stdout(Capped),
    Stderr,
}

enum Capped {
    Whole(Vec<u8>),
    TooLong,
}

/// Runs `program get` with `key` on its stdin; returns its exit status and stdout, within
/// `limit`. The helper is killed when it takes longer or says more than [`ANSWER_LIMIT`].
fn run(program: &str, key: &str, limit: Duration) -> Result<(ExitStatus, Vec<u8>), HelperError> {
    let deadline = Instant::now() + limit;
    let mut child = Command::new(program)
        .arg("get")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|error| HelperError::Spawn { program: program.into(), error })?;
    if let Some(mut stdin) = child.stdin.take() {
        // A helper that exits without reading is its own affair: its answer says what happened.
        let _ = stdin.write_all(key.as_bytes());
    }
    let output = read_outputs(child.stdout.take(), child.stderr.take());
    let stdout = match wait_for_stdout(&output, deadline) {
        Ok(stdout) => stdout,
        Err(stop) => {
            kill(&mut child);
            return Err(stop.error(program, limit));
        }
    };
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Ok((status, stdout)),
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(10)),
            _ => {
                kill(&mut child);
                return Err(HelperError::TimedOut { program: program.into(), limit });
            }
        }
    }
}

/// Why the wait for a helper's answer stopped.
enum Stop {
    TimedOut,
    TooLong,
}

impl Stop {
    fn error(self, program: &str, limit: Duration) -> HelperError {
        match self {
            Stop::TimedOut => HelperError::TimedOut { program: program.into(), limit },
            Stop::TooLong => HelperError::TooLong { program: program.into() },
        }
    }
}

/// Reads stdout (capped) and drains stderr on threads of their own, which report on the
/// returned channel. They are never joined: a helper's own children may keep its pipes open
/// after it is killed, and hoist does not wait for them.
fn read_outputs(stdout: Option<ChildStdout>, stderr: Option<ChildStderr>) -> Receiver<Report> {
    let (sender, receiver) = mpsc::channel();
    let out = sender.clone();
    std::thread::spawn(move || {
        let capped = stdout.map_or(Capped::Whole(Vec::new()), |stdout| read_capped(stdout, ANSWER_LIMIT));
        let _ = out.send(Report::Stdout(capped));
    });
    std::thread::spawn(move || {
        if let Some(stderr) = stderr {
            let mut stderr = stderr;
            let _ = read_capped(&mut stderr, STDERR_LIMIT);
            let _ = std::io::copy(&mut stderr, &mut std::io::sink());
        }
        let _ = sender.send(Report::Stderr);
    });
    receiver
}

/// Waits until the helper's stdout is read to its end, or the deadline or the limit stops it.
fn wait_for_stdout(output: &Receiver<Report>, deadline: Instant) -> Result<Vec<u8>, Stop> {
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match output.recv_timeout(left) {
            Ok(Report::Stdout(Capped::Whole(bytes))) => return Ok(bytes),
            Ok(Report::Stdout(Capped::TooLong)) => return Err(Stop::TooLong),
            Ok(Report::Stderr) => {}
            Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => return Err(Stop::TimedOut),
        }
    }
}

/// Reads `reader` to its end, or stops once it has given more than `limit` bytes.
fn read_capped(reader: impl Read, limit: usize) -> Capped {
    let mut bytes = Vec::new();
    match reader.take(limit as u64 + 1).read_to_end(&mut bytes) {
        Ok(_) if bytes.len() > limit => Capped::TooLong,
        _ => Capped::Whole(bytes),
    }
}

fn kill(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_passwords_and_identity_tokens() {
        let answer = br#"{"ServerURL":"r.example.com","Username":"me","Secret":"s3cret"}"#;
        let Some(Credentials::Password { username, password }) = parse_answer(answer) else { panic!() };
        assert_eq!((username.as_str(), password.expose()), ("me", "s3cret"));
        let token = br#"{"Username":"<token>","Secret":"refresh"}"#;
        assert!(matches!(parse_answer(token), Some(Credentials::IdentityToken { .. })));
        let bad: [&[u8]; 5] =
            [b"credentials not found", b"{}", b"[1]", br#"["me", "s3cret"]"#, br#"{"Username": 5, "Secret": "x"}"#];
        for bad in bad {
            assert!(parse_answer(bad).is_none(), "{}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn caps_what_it_reads() {
        assert!(matches!(read_capped(&[7u8; 10][..], 10), Capped::Whole(bytes) if bytes.len() == 10));
        assert!(matches!(read_capped(std::io::repeat(7), 10), Capped::TooLong));
    }
}
