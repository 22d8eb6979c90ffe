//! Whole-output snapshots: a command's success, exit code, standard output and standard error
//! as one text, in uv's `uv_snapshot!` layout, pinned with insta:
//!
//! ```text
//! success: false
//! exit_code: 1
//! ----- stdout -----
//!
//! ----- stderr -----
//! Error: ...
//! ```
//!
//! [`Filters`] replace what changes from run to run and machine to machine (the ports of the
//! registries a test starts, its temp folders, ages such as `4 seconds ago`, times of day) with
//! names in brackets; everything else stays literal. Fixture images are built deterministically
//! ([`super::fixtures`]), so their digests and IDs are pinned as they are.
//!
//! A mismatch fails the test; with `CI` set insta writes no `.snap.new` file (`scripts/test`
//! also sets `INSTA_UPDATE=no` there). Review and accept new output with `cargo insta review`,
//! or by hand from the diff the failure prints.

use insta::Settings;

use super::{Outcome, TestContext};

impl Outcome {
    /// The text a snapshot pins: `success`, `exit_code`, then stdout and stderr under their
    /// headings. A section that does not end in a newline gets one, so that the headings stay
    /// on lines of their own.
    pub fn snapshot(&self) -> String {
        let section =
            |text: &str| if text.is_empty() || text.ends_with('\n') { text.to_string() } else { format!("{text}\n") };
        format!(
            "success: {}\nexit_code: {}\n----- stdout -----\n{}----- stderr -----\n{}",
            self.code == 0,
            self.code,
            section(&self.stdout),
            section(&self.stderr)
        )
    }
}

impl Outcome {
    /// The same outcome with its stdout lines sorted: for listings in an order that is the
    /// registry's own (a tag list is in its storage's order).
    pub fn sorted(mut self) -> Outcome {
        let mut lines: Vec<&str> = self.stdout.lines().collect();
        lines.sort_unstable();
        self.stdout = lines.iter().map(|line| format!("{line}\n")).collect();
        self
    }

    /// The same outcome with each run of consecutive blob lines (`<12 hex>: Pushed`) in stdout
    /// sorted: blobs that go up or down together finish in any order.
    pub fn blob_lines_sorted(mut self) -> Outcome {
        let is_blob_line = |line: &str| {
            line.split_once(": ").is_some_and(|(id, _)| id.len() == 12 && id.bytes().all(|b| b.is_ascii_hexdigit()))
        };
        let mut lines: Vec<&str> = Vec::new();
        let mut run: Vec<&str> = Vec::new();
        for line in self.stdout.lines() {
            if is_blob_line(line) {
                run.push(line);
                continue;
            }
            run.sort_unstable();
            lines.append(&mut run);
            lines.push(line);
        }
        run.sort_unstable();
        lines.append(&mut run);
        self.stdout = lines.iter().map(|line| format!("{line}\n")).collect();
        self
    }
}

/// The filters of one test's snapshots: specific ones first (a registry's address as
/// `[REGISTRY]`), then the general ones every snapshot gets.
pub struct Filters {
    specific: Vec<(String, String)>,
    temp: String,
}

impl Filters {
    /// Filters for commands run in `context`: its folder becomes `[TEMP]`.
    pub fn new(context: &TestContext) -> Filters {
        Filters { specific: Vec::new(), temp: context.temp.path().display().to_string() }
    }

    /// Replaces `text` (e.g. `127.0.0.1:39127`, a registry's address) with `name` (`[REGISTRY]`).
    pub fn literal(mut self, text: &str, name: &str) -> Filters {
        self.specific.push((escape(text), name.to_string()));
        self
    }

    /// Replaces what `regex` matches with `replacement` (`$1` for a group).
    pub fn regex(mut self, regex: &str, replacement: &str) -> Filters {
        self.specific.push((regex.to_string(), replacement.to_string()));
        self
    }

    /// insta's settings: the specific filters, then the general ones.
    pub fn settings(&self) -> Settings {
        let mut settings = Settings::clone_current();
        settings.set_prepend_module_to_snapshot(false);
        for (regex, replacement) in &self.specific {
            settings.add_filter(regex, replacement.as_str());
        }
        settings.add_filter(&escape(&self.temp), "[TEMP]");
        // A registry, proxy or token server of this test that no specific filter named: any
        // loopback address with an ephemeral port (`127.0.0.1:1`, unreachable on purpose, stays).
        settings.add_filter(r"127\.0\.0\.[0-9]+:[0-9]{4,5}\b", "[ADDR]");
        // The random part of a temporary file's name (`tempfile`'s `.tmpAbC123`).
        settings.add_filter(r"\.tmp[0-9A-Za-z]{6}\b", ".tmp[RANDOM]");
        // docker's humanised ages (`Less than a second ago`, `4 seconds ago`, `About an hour ago`).
        settings.add_filter(
            r"\b(Less than a second|About an? (minute|hour)|[0-9]+ (second|minute|hour|day|week|month|year)s?) ago\b",
            "[AGE]",
        );
        // Times from a clock, as in `CreatedAt` of an image made now; the fixtures' times (2024)
        // stay literal.
        settings.add_filter(
            r"\b20(2[5-9]|[3-9][0-9])-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z?",
            "[TIME]",
        );
        settings
    }
}

/// Asserts an [`Outcome`]'s whole text (see [`Outcome::snapshot`]) through [`Filters`]:
/// `assert_outcome!(filters, outcome, @"...")` inline, or `assert_outcome!(filters, outcome)`
/// against a file under `tests/it/snapshots/` named after the test.
#[macro_export]
macro_rules! assert_outcome {
    ($filters:expr, $outcome:expr, @$expected:literal) => {
        $filters.settings().bind(|| insta::assert_snapshot!($outcome.snapshot(), @$expected))
    };
    ($filters:expr, $outcome:expr) => {
        $filters.settings().bind(|| insta::assert_snapshot!($outcome.snapshot()))
    };
}

/// `text` as a regex that matches it literally (the characters `regex::escape` escapes).
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        if "\\.+*?()|[]{}^$#&-~".contains(character) {
            escaped.push('\\');
        }
        escaped.push(character);
    }
    escaped
}
