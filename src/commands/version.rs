//! `hoist version`: docker's `Client:` block (no `Server:`: hoist has no daemon), or
//! `--format`'s JSON or template over docker's `versionInfo`; and the line of `hoist -v`.

use std::io::Write as _;

use anyhow::Context as _;
use serde_json::{Value, json};

use crate::cli::VersionArgs;
use crate::image::Platform;
use crate::output::format::{self, Format, shape};

const VERSION: &str = env!("CARGO_PKG_VERSION");
const GIT_COMMIT: &str = env!("HOIST_GIT_COMMIT");
const RUST_VERSION: &str = env!("HOIST_RUST_VERSION");
const BUILT: &str = env!("HOIST_BUILT");

/// What `hoist -v` prints after the program's name, as `docker -v` does.
pub(crate) fn version_line() -> String {
    format!("version {VERSION}, build {GIT_COMMIT}")
}

pub(super) fn run(args: VersionArgs) -> anyhow::Result<()> {
    let document = document();
    let text = match args.format.unwrap_or(Format::Default) {
        Format::Default => block(&document["Client"]),
        Format::Json => render(&document, &Format::Template("{{json .}}".to_string()))?,
        format => render(&document, &format)?,
    };
    std::io::stdout().lock().write_all(text.as_bytes()).context("cannot write the version")
}

/// The document through a template, as docker's `versionInfo` (its fields, in its order).
fn render(document: &Value, format: &Format) -> anyhow::Result<String> {
    let rendered = format::render_documents(std::slice::from_ref(document), format, &shape::VERSION_INFO);
    match rendered.errors.into_iter().next() {
        Some(error) => Err(error.into()),
        None => Ok(rendered.text),
    }
}

/// docker's `versionInfo` as JSON: the client's fields, no server.
fn document() -> Value {
    let platform = Platform::host();
    json!({
        "Client": {
            "Version": VERSION,
            "ApiVersion": "",
            "GitCommit": GIT_COMMIT,
            "GoVersion": "",
            "RustVersion": RUST_VERSION,
            "Os": platform.os,
            "Arch": platform.architecture,
            "BuildTime": built(),
            "Context": "",
        },
        "Server": null,
    })
}

/// docker's block: labels in a column 20 wide, values after it.
fn block(client: &Value) -> String {
    let text = |key: &str| client[key].as_str().unwrap_or_default().to_string();
    let rows = [
        ("Version:", text("Version")),
        ("Rust version:", text("RustVersion")),
        ("Git commit:", text("GitCommit")),
        ("Built:", text("BuildTime")),
        ("OS/Arch:", format!("{}/{}", text("Os"), text("Arch"))),
    ];
    let mut block = String::from("Client:\n");
    for (label, value) in rows {
        block += &format!(" {label:<19}{}\n", crate::output::escape(&value));
    }
    block
}

/// The build time as docker shows it (Go's `time.ANSIC`, local time): `Fri May 30 12:07:14 2025`.
fn built() -> String {
    let Ok(seconds) = BUILT.parse::<i64>() else { return String::new() };
    let Ok(timestamp) = jiff::Timestamp::from_second(seconds) else { return String::new() };
    timestamp.to_zoned(jiff::tz::TimeZone::system()).strftime("%a %b %e %H:%M:%S %Y").to_string()
}
