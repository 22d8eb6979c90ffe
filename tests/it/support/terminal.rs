//! A pseudo-terminal for tests of what a person sees: util-linux's `script` runs the command on
//! a terminal of its own (120 columns, 40 rows, `TERM=xterm`); the test reads everything the
//! terminal showed, progress frames and their escape sequences included ([`Terminal::screen`]),
//! and types into it ([`Terminal::send`]) as a person would, after the prompt appeared.

use std::io::{Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub struct Terminal {
    child: Child,
    input: Option<ChildStdin>,
    output: Arc<Mutex<Vec<u8>>>,
}

/// What a finished terminal session showed.
#[derive(Debug)]
pub struct Shown {
    pub code: i32,
    /// Everything written to the terminal, `\r` and escape sequences included.
    pub raw: String,
}

impl Terminal {
    /// Runs `command` (its program, arguments and environment) on a new terminal.
    pub fn run(command: &Command) -> Terminal {
        super::require("script");
        let mut line = String::from("stty cols 120 rows 40 2>/dev/null; exec");
        for word in std::iter::once(command.get_program()).chain(command.get_args()) {
            line.push(' ');
            line.push_str(&quote(&word.to_string_lossy()));
        }
        let mut script = Command::new("script");
        script.env_clear();
        for (name, value) in command.get_envs() {
            if let Some(value) = value {
                script.env(name, value);
            }
        }
        script.env("TERM", "xterm").args(["-q", "-e", "-f", "-c", &line, "/dev/null"]);
        let mut child =
            script.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::null()).spawn().expect("start script");
        let output = Arc::new(Mutex::new(Vec::new()));
        let mut stdout = child.stdout.take().expect("script's output");
        let collected = Arc::clone(&output);
        std::thread::spawn(move || {
            let mut buffer = [0u8; 8192];
            while let Ok(read) = stdout.read(&mut buffer) {
                if read == 0 {
                    break;
                }
                collected.lock().unwrap().extend_from_slice(&buffer[..read]);
            }
        });
        let input = child.stdin.take();
        Terminal { child, input, output }
    }

    /// Everything the terminal showed so far.
    pub fn screen(&self) -> String {
        String::from_utf8_lossy(&self.output.lock().unwrap()).into_owned()
    }

    /// Waits until the terminal shows `text` (panics after `timeout`, with what it showed).
    #[track_caller]
    pub fn expect(&self, text: &str, timeout: Duration) {
        let started = Instant::now();
        while !self.screen().contains(text) {
            assert!(started.elapsed() < timeout, "the terminal never showed {text:?}; it showed:\n{}", self.screen());
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Types `text` (`\n` is Enter).
    pub fn send(&mut self, text: &str) {
        let input = self.input.as_mut().expect("the terminal's input is open");
        input.write_all(text.as_bytes()).expect("type into the terminal");
        input.flush().expect("type into the terminal");
    }

    /// Waits for the command to end (kills it after `timeout`).
    #[track_caller]
    pub fn finish(mut self, timeout: Duration) -> Shown {
        let started = Instant::now();
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("wait for script") {
                break status;
            }
            if started.elapsed() > timeout {
                let _ = self.child.kill();
                panic!("the command did not end within {timeout:?}; the terminal showed:\n{}", self.screen());
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        drop(self.input.take());
        // The reader thread drains what is left once the terminal closes.
        std::thread::sleep(Duration::from_millis(100));
        Shown { code: status.code().unwrap_or(-1), raw: self.screen() }
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The text without ANSI escape sequences (`ESC [ ... letter`, and lone `ESC x`).
pub fn strip_escapes(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\x1b' {
            out.push(c);
            continue;
        }
        if chars.peek() == Some(&'[') {
            chars.next();
            for next in chars.by_ref() {
                if next.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            chars.next();
        }
    }
    out
}

/// A word for `sh -c`, in single quotes.
fn quote(word: &str) -> String {
    format!("'{}'", word.replace('\'', r"'\''"))
}
