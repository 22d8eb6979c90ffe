//! hoist: a daemonless, Docker-compatible client for container image registries.
//! The binary is a thin shell over this library: `cli` parses, `commands` runs, `output` shows.
//! Nothing here is an API for others: the modules are the crate's own (`pub(crate)`), and
//! what leaves it is [`main`], the CLI definition ([`command`], for the docs generator) and the
//! parsers the fuzz targets drive ([`harness`]). ARCHITECTURE.md draws the layers.

pub(crate) mod archive;
pub(crate) mod cli;
pub(crate) mod commands;
pub(crate) mod config;
pub(crate) mod credentials;
pub(crate) mod digest;
pub(crate) mod glob;
pub(crate) mod image;
pub(crate) mod ops;
pub(crate) mod output;
pub(crate) mod parallel;
pub(crate) mod reference;
pub(crate) mod registry;
pub(crate) mod store;
pub(crate) mod units;

use std::process::ExitCode;

/// The whole program: parses the command line (clap prints usage errors and exits 2 itself),
/// runs it, and turns its outcome into an exit code (SPEC §2: 1 for failure).
pub fn main() -> ExitCode {
    install_panic_hook();
    // The help shows this machine's default folders (the generated docs show the rule).
    let matches = command()
        .version(commands::version::version_line())
        .mut_arg("root", |arg| arg.help(cli::help::root_help()))
        .mut_arg("config", |arg| arg.help(cli::help::config_help()))
        .get_matches();
    match <cli::Cli as clap::FromArgMatches>::from_arg_matches(&matches) {
        Ok(cli) => run(cli),
        Err(error) => error.exit(),
    }
}

/// The CLI definition, for the generated completions and man pages.
pub fn command() -> clap::Command {
    <cli::Cli as clap::CommandFactory>::command()
}

fn run(cli: cli::Cli) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(err) => {
            output::print_error(&anyhow::Error::new(err).context("cannot start the async runtime"));
            return ExitCode::FAILURE;
        }
    };
    let Err(error) = runtime.block_on(commands::dispatch(cli)) else { return ExitCode::SUCCESS };
    if output::is_broken_pipe(&error) {
        return ExitCode::SUCCESS;
    }
    if !error.is::<commands::Reported>() {
        output::print_error(&error);
    }
    ExitCode::FAILURE
}

/// A panic is a bug: one line asking for a report, no backtrace, and a non-zero exit. The
/// store is safe whatever the moment, since nothing becomes visible before it is complete.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let place = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        output::status(&format!(
            "hoist hit an internal error{place}; please report it as a bug, with the command you ran"
        ));
    }));
}

/// What the fuzz targets (`fuzz/`, a crate of their own) and the integration tests drive
/// directly: the parsers of untrusted input, and the host's platform.
#[doc(hidden)]
pub mod harness {
    pub use crate::archive::{distinct_layers, load};
    pub use crate::config::Config;
    pub use crate::credentials::helper::parse_answer;
    pub use crate::credentials::{Credentials, parse_auth_file};
    pub use crate::digest::Digest;
    pub use crate::image::{Document, Platform, available_platforms, descriptor_digest, parse_config};
    pub use crate::reference::Reference;
    pub use crate::registry::listings::next_link;
    pub use crate::registry::parse_challenge;
    pub use crate::store::Store;
}
